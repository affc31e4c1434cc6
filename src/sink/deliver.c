/*
 * The delivery thread of one sink: takes the queue's head, delivers it (the head stays queued
 * until it is done, so a retry sends the same event again and order is kept), backs off on
 * failures, records the done marker and compacts the spool when the queue drains.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sink_private.h"

int sink_mark_write(struct sink *k, uint64_t seq)
{
	char tmp[4200], buf[32];
	snprintf(tmp, sizeof(tmp), "%s.tmp", k->done_path);
	int n = snprintf(buf, sizeof(buf), "%llu\n", (unsigned long long)seq);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, buf, (size_t)n) != n || fdatasync(fd) != 0) {
		log_err("sink: %s: cannot write %s: %s", k->name, tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if (rename(tmp, k->done_path) != 0) {
		log_err("sink: %s: cannot rename %s: %s", k->name, tmp, strerror(errno));
		return -1;
	}
	return 0;
}

static enum sink_result deliver(
    struct sink *k, const struct sink_item *it, double timeout, char *err, size_t errsz)
{
	switch (k->type) {
	case SINK_WEBHOOK:
		return webhook_deliver(k, it, timeout, err, errsz);
	case SINK_JSONL:
		return jsonl_deliver(k, it, timeout, err, errsz);
	default:
		return syslog_deliver(k, it, timeout, err, errsz);
	}
}

/* Wait on the condition variable (on the monotonic clock) until clock_mono() reaches t, or
 * a signal. */
static void wait_until(struct sink *k, double t)
{
	struct timespec ts;
	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - floor(t)) * 1e9);
	if (ts.tv_nsec >= 1000000000L)
		ts.tv_nsec = 999999999L;
	pthread_cond_timedwait(&k->cv, &k->mu, &ts);
}

/* Record the done marker for seq, then empty or shrink the spool. Called without mu. */
static void mark(struct sink *k, uint64_t seq)
{
	if (k->spool_path != NULL && sink_mark_write(k, seq) == 0)
		spool_compact(k, seq);
}

/* One attempt's outcome into the figures (under mu). Returns 1 when the head is done. */
static int account(struct sink *k, struct sink_item *it, enum sink_result r, double t,
    const char *err, double *backoff)
{
	if (r == SINK_RETRY) {
		k->st.failed++;
		snprintf(k->st.last_error, sizeof(k->st.last_error), "%s", err);
		*backoff = *backoff == 0 ? SINK_BACKOFF_MIN : fmin(*backoff * 2, SINK_BACKOFF_MAX);
		if (k->retry_after > *backoff)
			*backoff = fmin(k->retry_after, SINK_BACKOFF_MAX);
		log_warn("sink: %s: seq %llu: %s (retry in %.1f s)", k->name,
		    (unsigned long long)it->seq, err, *backoff);
		return 0;
	}
	if (r == SINK_OK) {
		k->st.delivered++;
		if (it->t_emit > 0)
			k->lat[k->nlat_total++ % SINK_LAT_RING] = t - it->t_emit;
	} else {
		k->st.refused++;
		k->st.dropped++;
		snprintf(k->st.last_error, sizeof(k->st.last_error), "%s", err);
		log_err("sink: %s: seq %llu refused: %s (dropped)", k->name,
		    (unsigned long long)it->seq, err);
	}
	*backoff = 0;
	k->st.done_seq = it->seq;
	k->head = it->next;
	if (k->head == NULL)
		k->tail = NULL;
	k->npending--;
	k->pending_bytes -= it->spool_len;
	return 1;
}

void *sink_thread(void *arg)
{
	struct sink *k = arg;
	double backoff = 0, retry_at = 0;
	unsigned unmarked = 0; /* events done since the marker was written */
	double mark_at = 0;    /* when to write it if the queue stays empty */
	char err[192];

	pthread_mutex_lock(&k->mu);
	for (;;) {
		double now = clock_mono();
		if (k->stopping && (k->head == NULL || now >= k->deadline))
			break;
		if (k->head == NULL && unmarked > 0) {
			/* a short idle time first: the next event is not kept waiting by a sync */
			if (!k->stopping && now < mark_at) {
				wait_until(k, mark_at);
				continue;
			}
			uint64_t seq = k->st.done_seq;
			unmarked = 0;
			pthread_mutex_unlock(&k->mu);
			mark(k, seq);
			pthread_mutex_lock(&k->mu);
			continue;
		}
		if (k->head == NULL && !k->stopping) {
			pthread_cond_wait(&k->cv, &k->mu);
			continue;
		}
		if (now < retry_at) {
			wait_until(
			    k, k->stopping && k->deadline < retry_at ? k->deadline : retry_at);
			continue;
		}
		struct sink_item *it = k->head;
		double timeout = 10;
		if (k->stopping && k->deadline - now < timeout)
			timeout = k->deadline - now;
		pthread_mutex_unlock(&k->mu);

		err[0] = '\0';
		k->retry_after = 0;
		enum sink_result r = deliver(k, it, timeout, err, sizeof(err));
		double t = clock_mono();

		pthread_mutex_lock(&k->mu);
		int done = account(k, it, r, t, err, &backoff);
		retry_at = done ? 0 : t + backoff;
		if (done) {
			sink_item_free(it);
			mark_at = t + SINK_MARK_IDLE;
			if (++unmarked >= SINK_MARK_EVERY) {
				uint64_t seq = k->st.done_seq;
				unmarked = 0;
				pthread_mutex_unlock(&k->mu);
				mark(k, seq);
				pthread_mutex_lock(&k->mu);
			}
		}
	}
	uint64_t seq = k->st.done_seq;
	pthread_mutex_unlock(&k->mu);
	if (unmarked > 0)
		mark(k, seq);
	if (k->type == SINK_WEBHOOK)
		webhook_close(k);
	else
		syslog_close(k);
	return NULL;
}
