/*
 * sink — alert sinks with a durable queue: every alert event the live monitor raises reaches
 * each configured sink (a webhook, syslog over UDP, TCP or a Unix socket, a JSON-lines file),
 * in order, with retries, and survives a restart when a spool directory is given.
 *
 * Each sink has its own delivery thread and queue: sink_set_emit only queues (and, with a
 * spool, appends the event to the sink's spool file and syncs it) and wakes the thread, which
 * delivers at once. A failed delivery is retried with a doubling back-off (0.5 s up to 60 s);
 * a permanent refusal (HTTP 4xx other than 408 and 429) drops the event for that sink. With a
 * spool, the last delivered sequence number is recorded per sink, and the next sink_set over
 * the same directory and the same specs sends what was left first. docs/alerts.md, "Sinks".
 */
#ifndef ROUTEMARK_SINK_H
#define ROUTEMARK_SINK_H

#include <stdint.h>

#include "core/core.h"

/* One alert event. The strings are copied by sink_set_emit. */
struct sink_event {
	uint64_t seq;      /* the emitter's sequence number: unique and increasing, also across
	                      restarts (see sink_set_next_seq); the spool's key */
	int64_t time;      /* Unix seconds of the event */
	const char *kind;  /* a short token, e.g. "origin-hijack" (syslog MSGID) */
	const char *state; /* "opened", "updated", "resolved" */
	int severity;      /* RFC 5424 severity 0..7 (2 critical, 4 warning, 5 notice, 6 info) */
	const char *title; /* one line */
	const char *text;  /* a plain-words paragraph */
	const char *json;  /* the whole event as one JSON object on one line, with a "text"
	                      member (a Slack incoming webhook accepts it as it is) */
};

struct sink_set;

/* A set with no sink yet. spool_dir (created if missing) makes the queues durable; NULL
 * keeps them in memory only. NULL (logged) when the directory cannot be used.
 * Threads: add sinks before emitting; emit and next_seq from one thread (the emitter);
 * stats from any thread. The sockets are written with MSG_NOSIGNAL and libcurl avoids
 * SIGPIPE, but a program with network peers should ignore SIGPIPE anyway (serve does). */
struct sink_set *sink_set_new(const char *spool_dir);

/*
 * Add a sink and start its delivery thread; with a spool, the events an earlier run left
 * undelivered for the same spec are queued first. Specs:
 *   webhook:URL, or a bare http:// or https:// URL    JSON POST
 *   syslog:udp:HOST:PORT    syslog:tcp:HOST:PORT (RFC 6587 octet counting)
 *   syslog:unix:PATH        (a datagram socket, e.g. /dev/log)
 *   jsonl:FILE              (jsonl:- is standard output)
 * A syslog spec may end in ?facility=NAME (daemon by default; kern..local7) and &bom=0
 * (no UTF-8 byte order mark before MSG). HOST may be [V6ADDR]. Returns 0, or -1 with the
 * reason logged (a bad spec, the same spec twice, an unreadable spool).
 */
int sink_set_add(struct sink_set *s, const char *spec);

/* A spool that grew past bytes (16 MiB by default) while more than half of it is delivered
 * is rewritten with only the pending events, so a receiver that is always a little behind
 * does not grow it without end (it is emptied whenever everything is delivered). Applies to
 * the sinks added after the call. */
void sink_set_spool_limit(struct sink_set *s, uint64_t bytes);

/* The smallest sequence number every sink still accepts: one more than the highest seq
 * queued, delivered or found in a spool (1 for a fresh set). */
uint64_t sink_set_next_seq(const struct sink_set *s);

/*
 * Queue ev for every sink. Never waits for the network (a slow receiver only grows its
 * queue); with a spool the event is on disk (fdatasync) when this returns. Returns 0, or -1
 * (logged) when ev->seq is not above every seq seen before or a spool write failed (sinks
 * whose spool was written still have the event). Call from one thread at a time.
 */
int sink_set_emit(struct sink_set *s, const struct sink_event *ev);

/* Per sink figures, for printing and /metrics. */
#define SINK_LAT_RING 1024
struct sink_stats {
	char name[128];     /* the spec, a webhook URL cut to scheme://host[:port]/... */
	char id[17];        /* hash of the spec: the spool files are ID.spool and ID.done */
	uint64_t delivered; /* events delivered (2xx, or written to the socket or file) */
	uint64_t failed;    /* failed attempts (each retried later) */
	uint64_t refused;   /* permanent refusals: the event is dropped for this sink */
	uint64_t dropped;   /* events given up: refusals and queue overflow */
	uint64_t pending;   /* queued, not yet delivered */
	uint64_t corrupt;   /* spool lines skipped as damaged when the sink was added */
	uint64_t done_seq;  /* the last seq delivered or refused */
	uint64_t nlat;      /* deliveries in the latency figures (the last SINK_LAT_RING) */
	double lat_p50;     /* seconds from emit to delivery; events replayed from a spool */
	double lat_p99;     /* are not counted */
	double lat_max;
	char last_error[192]; /* the last failure, "" when none yet */
};

int sink_set_count(const struct sink_set *s);
/* Figures of sink i (0 .. count-1, in the order added). -1 when i is out of range. */
int sink_set_stats(const struct sink_set *s, int i, struct sink_stats *out);

/* Deliver what is pending for at most flush_seconds, stop the threads, free everything.
 * What is still undelivered stays in the spool for the next sink_set over it. NULL is a
 * no-op. */
void sink_set_close(struct sink_set *s, double flush_seconds);

/* ---------------------------------------------------------------- spool reading */

/* Parsed from one spool line; the strings point into the reader's buffer and live until
 * the callback returns. */
typedef int (*sink_spool_fn)(const struct sink_event *ev, void *arg);
struct sink_spool_counts {
	uint64_t events;  /* good lines handed to fn */
	uint64_t corrupt; /* lines skipped (each logged with the file and line) */
	uint64_t max_seq; /* highest seq of a good line */
	size_t good_len;  /* bytes up to the end of the last complete line */
};
/* Parse a spool file's bytes (name labels the messages). A line that is not a complete
 * record, or whose seq is not above the previous one, is named, skipped and counted. fn's
 * non-zero return stops the walk and is returned; else 0. */
int sink_spool_parse(const char *buf, size_t len, const char *name, sink_spool_fn fn, void *arg,
    struct sink_spool_counts *counts);

#endif
