/*
 * Live VRPs from an RTR cache through RTRlib (RFC 8210, falling back to RFC 6810: RTRlib
 * negotiates the version).
 *
 * RTRlib applies each update to its own pfx_table in its socket thread and calls us per
 * record (we count the delta) and on every socket state change. When the socket returns to
 * ESTABLISHED an update is complete (End of Data): we snapshot RTRlib's table into a new
 * immutable vrp_table and swap it in under a mutex. Readers hold a reference to the table
 * they got; it never changes under them and is freed with its last reference.
 *
 * A poll() loop learns of a new table through a pipe: each publication writes a byte (after
 * the swap, outside the lock); rtr_client_notify_ack drains it, then reads the update number,
 * so a table published in between leaves the pipe readable and is not missed.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rtrlib/rtrlib.h>

#include "rpki/rpki.h"

struct rtr_client {
	struct rtr_socket rtr; /* ours; RTRlib hands it back in callbacks (container_of) */
	struct tr_socket tr;
	struct tr_tcp_config tcp;
	struct rtr_mgr_config *mgr;
	struct rtr_mgr_group group;
	struct rtr_socket *socks[1];
	rtr_connection_state_fp mgr_state_fp; /* RTRlib's manager callback, which we wrap */

	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct vrp_table *cur;   /* published table, or NULL before the first sync */
	uint32_t added, removed; /* delta since the last publication */
	struct rtr_client_stats st;
	int failed;    /* the connection failed before a first complete set: waiting is vain */
	int notify[2]; /* pipe: [0] for the caller's poll(), [1] written on each publication */
};

static struct rtr_client *client_of(const struct rtr_socket *s)
{
	return (struct rtr_client *)((char *)s - offsetof(struct rtr_client, rtr));
}

static void pfx_to_vrp(const struct pfx_record *r, struct vrp *v)
{
	memset(v, 0, sizeof(*v));
	if (r->prefix.ver == LRTR_IPV4) {
		uint32_t a = r->prefix.u.addr4.addr;
		v->p.afi = AFI_IPV4;
		for (int i = 0; i < 4; i++)
			v->p.addr[i] = (uint8_t)(a >> (24 - 8 * i));
	} else {
		v->p.afi = AFI_IPV6;
		for (int w = 0; w < 4; w++)
			for (int i = 0; i < 4; i++)
				v->p.addr[w * 4 + i] =
				    (uint8_t)(r->prefix.u.addr6.addr[w] >> (24 - 8 * i));
	}
	v->p.len = r->min_len;
	v->maxlen = r->max_len;
	v->asn = r->asn;
}

/* RTRlib: one record added or removed (in the socket thread, during an update). */
static void on_pfx(struct pfx_table *pt, const struct pfx_record rec, const bool added)
{
	if (rec.socket == NULL)
		return;
	struct rtr_client *c = client_of(rec.socket);
	pthread_mutex_lock(&c->mu);
	if (added)
		c->added++;
	else
		c->removed++;
	pthread_mutex_unlock(&c->mu);
}

static void snapshot_one(const struct pfx_record *rec, void *arg)
{
	struct vrp v;
	pfx_to_vrp(rec, &v);
	vrp_table_add(arg, &v);
}

/* An update is complete: build the new table outside the lock, then swap it in. */
static void publish(struct rtr_client *c)
{
	struct vrp_table *t = vrp_table_new();
	pfx_table_for_each_ipv4_record(c->mgr->pfx_table, snapshot_one, t);
	pfx_table_for_each_ipv6_record(c->mgr->pfx_table, snapshot_one, t);
	vrp_table_build(t);
	pthread_mutex_lock(&c->mu);
	struct vrp_table *old = c->cur;
	c->cur = t;
	c->st.serial = c->rtr.serial_number;
	c->st.updates++;
	c->st.last_added = c->added;
	c->st.last_removed = c->removed;
	c->st.vrps = vrp_table_count(t);
	c->added = c->removed = 0;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	vrp_table_release(old);
	/* a full pipe is readable already: EAGAIN loses nothing */
	while (write(c->notify[1], "", 1) < 0 && errno == EINTR)
		;
	log_debug("rtr: published serial %u: %zu VRPs (+%u -%u)", c->st.serial, c->st.vrps,
	    c->st.last_added, c->st.last_removed);
}

static void on_state(
    const struct rtr_socket *s, const enum rtr_socket_state state, void *cfg, void *grp)
{
	struct rtr_client *c = client_of(s);
	if (c->mgr_state_fp != NULL)
		c->mgr_state_fp(s, state, cfg, grp);
	if (state == RTR_RESET) {
		pthread_mutex_lock(&c->mu);
		c->st.resets++;
		pthread_mutex_unlock(&c->mu);
	} else if (state == RTR_ESTABLISHED) {
		publish(c);
	} else if (state >= RTR_ERROR_NO_DATA_AVAIL && state <= RTR_ERROR_TRANSPORT) {
		log_debug("rtr: %s", rtr_state_to_str(state));
		if (state == RTR_ERROR_TRANSPORT || state == RTR_ERROR_FATAL) {
			pthread_mutex_lock(&c->mu);
			if (c->st.updates ==
			    0) /* RTRlib retries later; a batch caller gives up now */
				c->failed = 1;
			pthread_cond_broadcast(&c->cv);
			pthread_mutex_unlock(&c->mu);
		}
	}
}

struct rtr_client *rtr_client_start(const char *host, const char *port)
{
	struct rtr_client *c = xcalloc(1, sizeof(*c));
	if (pipe2(c->notify, O_NONBLOCK | O_CLOEXEC) < 0) {
		log_err("rtr: pipe: %s", strerror(errno));
		free(c);
		return NULL;
	}
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	c->tcp.host = xstrdup(host);
	c->tcp.port = xstrdup(port);
	c->tcp.connect_timeout = 5;
	if (tr_tcp_init(&c->tcp, &c->tr) != TR_SUCCESS)
		goto fail;
	c->rtr.tr_socket = &c->tr;
	c->socks[0] = &c->rtr;
	c->group.sockets = c->socks;
	c->group.sockets_len = 1;
	c->group.preference = 1;
	/* refresh 3600 s, expire 7200 s, retry 30 s; the cache's Serial Notify triggers updates */
	if (rtr_mgr_init(&c->mgr, &c->group, 1, 3600, 7200, 30, on_pfx, NULL, NULL, NULL) !=
	    RTR_SUCCESS) {
		c->tr.free_fp(&c->tr);
		goto fail;
	}
	c->mgr_state_fp = c->rtr.connection_state_fp;
	c->rtr.connection_state_fp = on_state;
	if (rtr_mgr_start(c->mgr) != RTR_SUCCESS) {
		rtr_mgr_free(c->mgr);
		goto fail;
	}
	return c;
fail:
	log_err("rtr: cannot set up a connection to %s:%s", host, port);
	close(c->notify[0]);
	close(c->notify[1]);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	free(c->tcp.host);
	free(c->tcp.port);
	free(c);
	return NULL;
}

static int wait_for(struct rtr_client *c, uint32_t after, int timeout_ms)
{
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += timeout_ms / 1000;
	dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (dl.tv_nsec >= 1000000000L)
		dl.tv_sec++, dl.tv_nsec -= 1000000000L;
	pthread_mutex_lock(&c->mu);
	int rc = 0;
	while (c->st.updates <= after && !(after == 0 && c->failed) && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&c->cv, &c->mu, &dl);
	int ok = c->st.updates > after;
	pthread_mutex_unlock(&c->mu);
	return ok ? 0 : -1;
}

int rtr_client_wait_sync(struct rtr_client *c, int timeout_ms)
{
	return wait_for(c, 0, timeout_ms);
}

int rtr_client_wait_update(struct rtr_client *c, uint32_t after, int timeout_ms)
{
	return wait_for(c, after, timeout_ms);
}

struct vrp_table *rtr_client_table(struct rtr_client *c)
{
	pthread_mutex_lock(&c->mu);
	struct vrp_table *t = vrp_table_ref(c->cur);
	pthread_mutex_unlock(&c->mu);
	return t;
}

void rtr_client_stats(struct rtr_client *c, struct rtr_client_stats *st)
{
	pthread_mutex_lock(&c->mu);
	*st = c->st;
	pthread_mutex_unlock(&c->mu);
}

int rtr_client_notify_fd(struct rtr_client *c)
{
	return c->notify[0];
}

uint32_t rtr_client_notify_ack(struct rtr_client *c)
{
	char buf[64];
	for (;;) {
		ssize_t k = read(c->notify[0], buf, sizeof(buf));
		if (k <= 0 && !(k < 0 && errno == EINTR))
			break;
	}
	pthread_mutex_lock(&c->mu);
	uint32_t n = c->st.updates;
	pthread_mutex_unlock(&c->mu);
	return n;
}

struct vrp_table *rtr_client_table_at(struct rtr_client *c, uint32_t *update, uint32_t *serial)
{
	pthread_mutex_lock(&c->mu);
	struct vrp_table *t = vrp_table_ref(c->cur);
	if (update)
		*update = c->st.updates;
	if (serial)
		*serial = c->st.serial;
	pthread_mutex_unlock(&c->mu);
	return t;
}

void rtr_client_stop(struct rtr_client *c)
{
	if (c == NULL)
		return;
	rtr_mgr_stop(c->mgr);
	rtr_mgr_free(c->mgr); /* frees the transport socket too */
	vrp_table_release(c->cur);
	close(c->notify[0]);
	close(c->notify[1]);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	free(c->tcp.host);
	free(c->tcp.port);
	free(c);
}
