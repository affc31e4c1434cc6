/* serve internals shared by server.c and request.c: the server and the connection pool. */
#ifndef ROUTEMARK_SERVER_PRIVATE_H
#define ROUTEMARK_SERVER_PRIVATE_H

#include <pthread.h>

#include "serve/serve_private.h"

#define SERVE_CFG_CACHE 32

struct serve {
	struct serve_config cfg;
	struct MHD_Daemon *d;
	uint16_t port;
	pthread_mutex_t mu; /* guards free / nfree */
	pthread_cond_t cv;
	struct store *conns[SERVE_MAX_THREADS];
	struct store *free[SERVE_MAX_THREADS];
	unsigned nconns, nfree;
	/* the shipped conformance profiles, loaded once at start, read-only after */
	struct conform_profile **profiles;
	size_t nprofiles;
	/* the settings of the snapshots served (read once per snapshot: a snapshot's settings
	 * never change), a small ring guarded by cfg_mu */
	pthread_mutex_t cfg_mu;
	struct snap_cfg {
		int64_t id;
		struct observe_config cfg;
	} cfgs[SERVE_CFG_CACHE];
	size_t ncfgs, cfg_next;
	struct resp_cache *cache; /* NULL: responses are built every time */
	/* signed reports (api_sign.c): the signing key, the JWK set published, the issuer */
	struct sign_key *sign_key;
	char *jwks;
	char issuer[256];
	struct events_hub *events; /* the alert event streams (events.c) */
};

/* ---------------------------------------------------------------- event streams (events.c) */

struct events_hub;
struct MHD_Response;
/* Open the hub's store connection (before the privilege drop); NULL, logged, on failure. */
struct events_hub *events_new(const struct serve_config *c);
/* Start its thread (after the sandbox, which binds only the threads started after it). */
int events_run(struct events_hub *h);
/* End every stream (the server stops): none stays suspended. */
void events_shutdown(struct events_hub *h);
/* Once the daemon is stopped: join the thread, close, free. */
void events_free(struct events_hub *h);
/* The response of a stream api_events opened (r->stream; NULL when out of memory). */
struct MHD_Response *events_response(struct req *r);

/* Load the keys of the configuration (before the privilege drop); -1 (logged) when one
 * cannot be read. Free them. */
int serve_keys_load(struct serve *sv);
void serve_keys_free(struct serve *sv);

/* ---------------------------------------------------------------- response cache (cache.c) */

struct resp_cache;
struct resp_cache_stats {
	size_t entries, bytes, max_bytes;
	uint64_t hits, misses, drops;
};
/* A cache of at most max_bytes (NULL when 0), entries living ttl seconds (0 = for ever). */
struct resp_cache *resp_cache_new(size_t max_bytes, int64_t ttl);
void resp_cache_free(struct resp_cache *c);
/* The cached response of key into r (status, type, ETag; the body as r->shared, a reference
 * to the cache's own, r->body emptied): 1, or 0 when absent. */
int resp_cache_get(struct resp_cache *c, const char *key, struct req *r);
/* A cached body is shared by the cache and the responses in flight; the last of them to let
 * go frees it (cbody_release fits libmicrohttpd's free callback). */
struct cbody;
char *cbody_data(struct cbody *b); /* writable only for the sake of libmicrohttpd's prototype */
size_t cbody_len(const struct cbody *b);
void cbody_release(void *b);
/* Keep r's response under key when it is a complete 200. */
void resp_cache_put(struct resp_cache *c, const char *key, const struct req *r);
/* Drop every entry (the store changed). */
void resp_cache_invalidate(struct resp_cache *c);
void resp_cache_stats(struct resp_cache *c, struct resp_cache_stats *st);

/* The settings snapshot id was scored with, from the cache or the store; 0 or -1. */
int serve_snapshot_cfg(struct serve *sv, struct store *s, int64_t id, struct observe_config *out);

/* Load every shipped profile (conform_profile_list), logging the ones that fail; free. */
void serve_profiles_load(struct serve *sv);
void serve_profiles_free(struct serve *sv);

/* Borrow a store connection for one request (waits when all are in use); give it back. */
struct store *serve_conn_get(struct serve *sv);
void serve_conn_put(struct serve *sv, struct store *s);

#endif
