/*
 * serve — the observatory on the web: a JSON API under /api/v1/ (docs/openapi.yaml is its
 * contract) and a server-rendered dashboard (HTML with inline CSS and SVG charts, no external
 * assets; JavaScript only on the alerts page, which works without it), served by
 * libmicrohttpd with a thread pool over a store opened read-only, one SQLite connection per
 * worker; the live monitor's alert events as a Server-Sent Events stream (events.c).
 *
 * Every path is a row of one route table (routes.c): adding a page or an endpoint is one row
 * and one handler function.
 */
#ifndef ROUTEMARK_SERVE_H
#define ROUTEMARK_SERVE_H

#include <stdint.h>
#include <stdio.h>

#define SERVE_DEFAULT_LISTEN "127.0.0.1:8080"
#define SERVE_MAX_THREADS 64
#define SERVE_DEFAULT_CACHE_MIB 64
#define SERVE_DEFAULT_CACHE_TTL 300
#define SERVE_DEFAULT_EVENTS_MAX 64
#define SERVE_EVENTS_MAX_LIMIT 400 /* below the daemon's 512 connections */

struct serve_config {
	const char *db;          /* the store, opened read-only */
	const char *listen;      /* "ADDR:PORT", "[v6]:PORT"; port 0 picks a free one */
	unsigned threads;        /* worker threads (and store connections); 0 = 4 */
	FILE *access_log;        /* one line per request; NULL = none */
	const char *cors_origin; /* Access-Control-Allow-Origin on the API; NULL = off */
	/* responses kept in memory (cache.c): bound in MiB (0 = SERVE_DEFAULT_CACHE_MIB, < 0 =
	 * no cache) and seconds an entry lives (0 = SERVE_DEFAULT_CACHE_TTL) */
	int cache_mib;
	int cache_ttl;
	/* confinement (serve/sandbox.h), for the command line; in-process users (tests) leave
	 * both unset: the user to become once the socket is bound (NULL = stay), and whether to
	 * sandbox the process (no_new_privs, Landlock: read beneath the store's directory only)
	 * before the workers start */
	const struct privdrop *drop;
	int sandbox;
	/* signed reports: the Ed25519 private key (PEM) that signs
	 * /api/v1/as/{asn}/conformance.jws (NULL = none), further public keys to publish in
	 * /.well-known/jwks.json (files: PEM, JWK or JWK set), the issuer named in the reports
	 * (NULL = the host name), how long a report is valid (seconds; 0 = 90 days). Read in
	 * serve_start before the privilege drop. */
	const char *sign_key;
	const char *const *jwks_keys;
	size_t njwks_keys;
	const char *issuer;
	int64_t valid_for;
	/* the alert event stream (/api/v1/events): the most streams open at once (0 =
	 * SERVE_DEFAULT_EVENTS_MAX; one more is answered 503) and the milliseconds between
	 * keep-alive comments (0 = 15000) */
	unsigned events_max;
	int events_keepalive_ms;
};
struct privdrop;

struct serve;

/* Bind the socket, open the store connections read-only and load the profiles, drop
 * privileges (c->drop), sandbox (c->sandbox), then start the workers. Returns
 * 0, or -1 with the reason logged (store missing, unreadable or of another schema, address
 * unusable, port taken, privileges not dropped). */
int serve_start(const struct serve_config *c, struct serve **out);
/* The port bound (useful with port 0). */
uint16_t serve_port(const struct serve *sv);
/* Stop accepting, let requests in flight finish (at most grace_ms), stop and free. */
void serve_stop(struct serve *sv, int grace_ms);
/* serve_start, then wait for SIGTERM or SIGINT and stop gracefully. Returns 0 or -1. */
int serve_run(const struct serve_config *c);

/* Parse "ADDR:PORT" / "[ADDR]:PORT" into a socket address (numeric only). */
struct sockaddr_storage;
int serve_parse_listen(const char *s, struct sockaddr_storage *ss, unsigned *len);

/* ---------------------------------------------------------------- metrics.c */

/* Prometheus text at /metrics for a process that is no `serve` (the live monitor): listen on
 * spec (ADDR:PORT, [V6ADDR]:PORT; port 0: any free one) with its own thread. NULL (logged)
 * when the address cannot be used. */
struct serve_metrics;
struct serve_metrics *serve_metrics_start(const char *spec);
unsigned serve_metrics_port(const struct serve_metrics *h);
/* The text a scrape returns from now on (the server takes text, malloc'ed). */
void serve_metrics_set(struct serve_metrics *h, char *text);
void serve_metrics_stop(struct serve_metrics *h);

#endif
