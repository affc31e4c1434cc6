/*
 * The alert event stream, GET /api/v1/events (Server-Sent Events). The monitor writes alert
 * events into the store from another process; one hub thread per server notices its commits
 * (PRAGMA data_version on the hub's own read-only connection, every EVENTS_POLL_MS) and queues
 * for each stream the events after its cursor, EVENTS_BATCH at a time.
 *
 * A stream holds no worker thread while it waits: its response is a libmicrohttpd content
 * reader that hands out what the hub queued and, when nothing is queued, suspends the
 * connection and returns 0. The hub resumes it when it queues events, or a keep-alive comment
 * (every keepalive_ms; writing it is also how a client that went away is noticed). At most
 * events_max streams are open; one more is answered 503. On stop every stream is resumed and
 * ends, so that no connection is left suspended when the daemon stops.
 *
 * Locking: hub->mu guards the list of streams and each stream's queue, cursor and suspended
 * flag. MHD_suspend_connection and MHD_resume_connection are called with it held: inside them
 * libmicrohttpd takes only its own lock and calls nothing of ours.
 */
#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve/server_private.h"

#define EVENTS_POLL_MS 250
#define EVENTS_BATCH 64
#define EVENTS_RETRY_MS 3000 /* the reconnection delay a client is told */

struct sse_client {
	struct sse_client *next, *prev;
	struct events_hub *hub;
	struct MHD_Connection *con;
	struct req *r;  /* the request (its byte count): used by the reader only */
	int64_t cursor; /* the id of the last event queued */
	struct buf out; /* queued bytes; out.p[off..len) not yet handed out */
	size_t off;
	int suspended;
	int64_t last_ms; /* when bytes were last queued (monotonic) */
};

struct events_hub {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	int running; /* the thread was started */
	int stopping;
	int wake; /* a stream wants its next batch now */
	struct store *store;
	struct sse_client *clients;
	unsigned n, max;
	int keepalive_ms;
	int64_t last_id; /* the newest event id in the store, as last read */
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One event in the stream's wire form: id, event name, the JSON as data lines (the store keeps
 * it on one line; any line break would start another data line, as the format wants). */
static int queue_event(const struct store_alert_event *ev, void *arg)
{
	struct sse_client *c = arg;
	buf_printf(&c->out, "id: %lld\nevent: alert\n", (long long)ev->id);
	const char *p = ev->json;
	do {
		size_t n = strcspn(p, "\r\n");
		buf_puts(&c->out, "data: ");
		buf_put(&c->out, p, n);
		buf_puts(&c->out, "\n");
		p += n;
		if (*p == '\r' && p[1] == '\n')
			p++;
		if (*p)
			p++;
	} while (*p);
	buf_puts(&c->out, "\n");
	c->cursor = ev->id;
	return 0;
}

/* Queue what stream c is owed, once it has handed out what it had; resume it then. */
static void feed(struct events_hub *h, struct sse_client *c, int64_t now)
{
	if (c->off < c->out.len)
		return;
	buf_reset(&c->out);
	c->off = 0;
	if (c->cursor < h->last_id)
		store_alert_events(h->store, c->cursor, EVENTS_BATCH, queue_event, c);
	if (c->out.len == 0 && now - c->last_ms >= h->keepalive_ms)
		buf_puts(&c->out, ": keepalive\n\n");
	if (c->out.len == 0 && !c->out.failed)
		return;
	c->last_ms = now;
	if (c->suspended) {
		c->suspended = 0;
		MHD_resume_connection(c->con);
	}
}

static void *hub_main(void *arg)
{
	struct events_hub *h = arg;
	pthread_mutex_lock(&h->mu);
	while (!h->stopping) {
		if (!h->wake) {
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_nsec += EVENTS_POLL_MS * 1000000L;
			ts.tv_sec += ts.tv_nsec / 1000000000L;
			ts.tv_nsec %= 1000000000L;
			pthread_cond_timedwait(&h->cv, &h->mu, &ts);
		}
		h->wake = 0;
		if (h->stopping)
			break;
		/* the store is read with the lock held: a query of a few rows, while a reader of
		 * a stream at most waits that long */
		int64_t id;
		if (store_changed(h->store) != 0 && store_alert_last_id(h->store, &id) == 0)
			h->last_id = id;
		int64_t now = now_ms();
		for (struct sse_client *c = h->clients; c; c = c->next)
			feed(h, c, now);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

/* libmicrohttpd's content reader of a stream (a worker thread). */
static ssize_t reader(void *cls, uint64_t pos, char *out, size_t max)
{
	struct sse_client *c = cls;
	struct events_hub *h = c->hub;
	ssize_t n = 0;
	pthread_mutex_lock(&h->mu);
	if (c->out.failed) { /* out of memory queueing: end it, the client reconnects */
		n = MHD_CONTENT_READER_END_WITH_ERROR;
	} else if (c->off < c->out.len) {
		size_t k = c->out.len - c->off < max ? c->out.len - c->off : max;
		memcpy(out, c->out.p + c->off, k);
		c->off += k;
		n = (ssize_t)k;
	} else if (h->stopping) {
		n = MHD_CONTENT_READER_END_OF_STREAM;
	} else {
		if (c->cursor < h->last_id) { /* more to send: the next batch now */
			h->wake = 1;
			pthread_cond_signal(&h->cv);
		}
		c->suspended = 1;
		MHD_suspend_connection(c->con);
	}
	pthread_mutex_unlock(&h->mu);
	if (n > 0)
		c->r->sent += (size_t)n;
	return n;
}

/* The response is gone (the stream ended, the client left, the daemon stopped). */
static void client_free(void *cls)
{
	struct sse_client *c = cls;
	struct events_hub *h = c->hub;
	pthread_mutex_lock(&h->mu);
	if (c->prev)
		c->prev->next = c->next;
	else
		h->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	h->n--;
	pthread_mutex_unlock(&h->mu);
	buf_free(&c->out);
	free(c);
}

int api_events(struct req *r)
{
	struct events_hub *h = r->sv->events;
	const char *lei = MHD_lookup_connection_value(r->con, MHD_HEADER_KIND, "Last-Event-ID");
	const char *av = target_param(&r->t, "after");
	const char *what = lei && *lei ? "Last-Event-ID" : "after";
	const char *v = lei && *lei ? lei : av;
	uint64_t u;
	int64_t after = -1, last;
	if (v) {
		if (param_uint(v, INT64_MAX, &u) != 0)
			return req_error(
			    r, 400, "bad_parameter", "%s: %.40s: expected an event id", what, v);
		after = (int64_t)u;
	}
	if (store_alert_last_id(r->store, &last) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	/* none given: new events only; beyond the newest (a store made anew): from the newest */
	if (after < 0 || after > last)
		after = last;
	r->ctype = "text/event-stream";
	if (r->head)
		return 0;
	pthread_mutex_lock(&h->mu);
	if (h->stopping) {
		pthread_mutex_unlock(&h->mu);
		return req_error(r, 503, "stopping", "the server is stopping");
	}
	if (h->n >= h->max) {
		pthread_mutex_unlock(&h->mu);
		return req_error(r, 503, "too_many_streams",
		    "%u event streams are open, the most this server keeps (--events-max); "
		    "try again later",
		    h->max);
	}
	struct sse_client *c = xcalloc(1, sizeof(*c));
	c->hub = h;
	c->con = r->con;
	c->r = r;
	c->cursor = after;
	c->last_ms = now_ms();
	buf_printf(&c->out, "retry: %d\n\n", EVENTS_RETRY_MS);
	c->next = h->clients;
	if (h->clients)
		h->clients->prev = c;
	h->clients = c;
	h->n++;
	if (c->cursor < h->last_id) {
		h->wake = 1;
		pthread_cond_signal(&h->cv);
	}
	pthread_mutex_unlock(&h->mu);
	r->stream = c;
	return 0;
}

struct MHD_Response *events_response(struct req *r)
{
	struct MHD_Response *resp = MHD_create_response_from_callback(
	    MHD_SIZE_UNKNOWN, 4096, reader, r->stream, client_free);
	if (resp == NULL)
		client_free(r->stream);
	r->stream = NULL; /* the response owns it now */
	return resp;
}

struct events_hub *events_new(const struct serve_config *c)
{
	struct events_hub *h = xcalloc(1, sizeof(*h));
	if (store_open(c->db, 1, &h->store) != 0 || store_alert_last_id(h->store, &h->last_id) ||
	    store_changed(h->store) < 0) {
		store_close(h->store);
		free(h);
		return NULL;
	}
	pthread_mutex_init(&h->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->cv, &ca);
	pthread_condattr_destroy(&ca);
	h->max = c->events_max ? c->events_max : SERVE_DEFAULT_EVENTS_MAX;
	if (h->max > SERVE_EVENTS_MAX_LIMIT)
		h->max = SERVE_EVENTS_MAX_LIMIT;
	h->keepalive_ms = c->events_keepalive_ms > 0 ? c->events_keepalive_ms : 15000;
	return h;
}

int events_run(struct events_hub *h)
{
	int rc = pthread_create(&h->thread, NULL, hub_main, h);
	if (rc != 0) {
		log_err("serve: cannot start the event stream thread: %s", strerror(rc));
		return -1;
	}
	h->running = 1;
	return 0;
}

void events_shutdown(struct events_hub *h)
{
	if (h == NULL)
		return;
	pthread_mutex_lock(&h->mu);
	h->stopping = 1;
	for (struct sse_client *c = h->clients; c; c = c->next)
		if (c->suspended) {
			c->suspended = 0;
			MHD_resume_connection(c->con);
		}
	pthread_cond_signal(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

void events_free(struct events_hub *h)
{
	if (h == NULL)
		return;
	events_shutdown(h);
	if (h->running)
		pthread_join(h->thread, NULL);
	store_close(h->store);
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	free(h);
}
