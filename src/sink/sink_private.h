/* sink internals: one struct sink per configured spec, its queue, spool and transport. */
#ifndef ROUTEMARK_SINK_PRIVATE_H
#define ROUTEMARK_SINK_PRIVATE_H

#include <pthread.h>

#include "sink.h"

#define SINK_QUEUE_MAX 100000 /* events queued in memory per sink; past it new ones drop */
#define SINK_BACKOFF_MIN 0.5  /* seconds before the first retry, doubled up to the max */
#define SINK_BACKOFF_MAX 60.0
#define SINK_MARK_IDLE 0.2           /* seconds of an empty queue before the marker is written */
#define SINK_MARK_EVERY 32           /* the done marker is written at least every so many events */
#define SINK_DGRAM_MAX 2048          /* bytes of a syslog datagram (RFC 5426 6.1: SHOULD 2048) */
#define SINK_SPOOL_LIMIT (16u << 20) /* sink_set_spool_limit's default */

/* One queued event: a sink's own copy. */
struct sink_item {
	struct sink_item *next;
	uint64_t seq;
	int64_t time;
	int severity;
	char *kind, *state, *title, *text, *json;
	double t_emit;    /* clock_mono() at emit; 0 when replayed from a spool */
	size_t spool_len; /* bytes of its spool line (0 without a spool) */
};

enum sink_type { SINK_WEBHOOK, SINK_SYSLOG_UDP, SINK_SYSLOG_TCP, SINK_SYSLOG_UNIX, SINK_JSONL };

/* The outcome of one delivery attempt. */
enum sink_result {
	SINK_OK,      /* delivered */
	SINK_RETRY,   /* failed: try again after the back-off */
	SINK_REFUSED, /* refused for good: drop the event for this sink */
};

struct sink {
	/* configuration, set before the thread starts */
	enum sink_type type;
	char *spec, *name;
	char id[17];
	char *url;         /* webhook */
	char *host, *port; /* syslog udp, tcp */
	char *path;        /* syslog unix, jsonl ("-" = stdout) */
	int facility, bom; /* syslog */

	/* transport state, used by the delivery thread only */
	void *curl;         /* webhook: one CURL handle, so the connection is kept alive */
	int fd;             /* syslog socket or jsonl file; -1 when not open */
	char hostname[256]; /* syslog HOSTNAME */
	int partial;        /* jsonl: the last write left a part line */
	double retry_after; /* webhook: the server's Retry-After, seconds (0 when none) */

	/* spool (spool_path NULL without one). Appends, compaction and rewriting under spool_mu;
	 * lock order spool_mu, then mu. */
	pthread_mutex_t spool_mu;
	int spool_fd;
	char *spool_path, *done_path;
	uint64_t spooled_seq; /* highest seq appended */
	uint64_t spool_bytes;
	uint64_t spool_limit;

	/* the queue and figures, under mu */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct sink_item *head, *tail;
	uint64_t npending;
	uint64_t pending_bytes; /* sum of the queued items' spool_len */
	int stopping;
	double deadline; /* when stopping: clock_mono() by which to give up */
	int overflowing; /* 1 while the queue is full (logged once per episode) */
	struct sink_stats st;
	double lat[SINK_LAT_RING];
	uint64_t nlat_total;

	pthread_t thread;
	int started;
};

/* deliver.c: the delivery thread */
void *sink_thread(void *arg);
void sink_item_free(struct sink_item *it);
/* Write "SEQ\n" to the done marker (temporary file, fdatasync, rename). 0 or -1 (logged). */
int sink_mark_write(struct sink *k, uint64_t seq);

/* webhook.c */
int webhook_check(struct sink *k, const char *url); /* sets url and name; -1 logged */
enum sink_result webhook_deliver(
    struct sink *k, const struct sink_item *it, double timeout, char *err, size_t errsz);
void webhook_close(struct sink *k);

/* syslog.c (and jsonl) */
int syslog_facility(const char *name); /* -1 when unknown */
/* The RFC 5424 message of it (no framing), newly allocated; *len its length. */
char *syslog_format(const struct sink *k, const struct sink_item *it, size_t *len);
enum sink_result syslog_deliver(
    struct sink *k, const struct sink_item *it, double timeout, char *err, size_t errsz);
enum sink_result jsonl_deliver(
    struct sink *k, const struct sink_item *it, double timeout, char *err, size_t errsz);
void syslog_close(struct sink *k);

/* spool.c */
/* Load the sink's spool (queueing what is past its done marker), rewrite it compacted and
 * open it for appending. *max_seq: the highest seq seen. 0 or -1 (logged). */
int spool_open(struct sink *k, const char *dir, uint64_t *max_seq);
/* The spool line of ev (with "\n"), newly allocated. */
char *spool_line(const struct sink_event *ev, size_t *len);
/* Append a line (under spool_mu). 0 or -1 (logged). */
int spool_write(struct sink *k, const char *line, size_t len, uint64_t seq);
/* fdatasync the spool when seq was written to it (takes spool_mu). 0 or -1 (logged). */
int spool_sync(struct sink *k, uint64_t seq);
/* Empty the spool when everything in it is at or below done (marker already written); else
 * rewrite it with the queued events when it is past spool_limit and more than twice their
 * size (a receiver that never quite catches up keeps the spool bounded). */
void spool_compact(struct sink *k, uint64_t done);

struct sink_item *sink_item_new(const struct sink_event *ev, double t_emit);
/* Append to the queue (under mu, waking the thread). */
void sink_enqueue(struct sink *k, struct sink_item *it);

#endif
