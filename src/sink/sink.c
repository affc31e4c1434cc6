/*
 * The sink set: spec parsing, emit (spool, then queue), figures, close. The delivery loop is
 * in deliver.c, the transports in webhook.c and syslog.c, the spool in spool.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "sink_private.h"

struct sink_set {
	char *spool_dir;
	struct sink **v;
	size_t n, cap;
	uint64_t next_seq;
	uint64_t spool_limit;
};

struct sink_set *sink_set_new(const char *spool_dir)
{
	if (spool_dir != NULL && mkdir(spool_dir, 0700) != 0 && errno != EEXIST) {
		log_err("sink: spool directory %s: %s", spool_dir, strerror(errno));
		return NULL;
	}
	/* reference counted by libcurl, balanced in sink_set_close */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_err("sink: libcurl initialisation failed");
		return NULL;
	}
	struct sink_set *s = xcalloc(1, sizeof(*s));
	s->spool_dir = spool_dir ? xstrdup(spool_dir) : NULL;
	s->next_seq = 1;
	s->spool_limit = SINK_SPOOL_LIMIT;
	return s;
}

void sink_set_spool_limit(struct sink_set *s, uint64_t bytes)
{
	s->spool_limit = bytes;
}

/* FNV-1a, 64 bits: names a sink's spool files after its spec. */
static void spec_id(const char *spec, char out[17])
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const unsigned char *p = (const unsigned char *)spec; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* "?facility=NAME&bom=0" at the end of a syslog spec (cut off in place). */
static int syslog_options(struct sink *k, char *rest, const char *spec)
{
	k->facility = 3; /* daemon */
	k->bom = 1;
	char *q = strchr(rest, '?');
	if (q == NULL)
		return 0;
	*q++ = '\0';
	for (char *save = NULL, *kv = strtok_r(q, "&", &save); kv;
	     kv = strtok_r(NULL, "&", &save)) {
		char *v = strchr(kv, '=');
		if (v == NULL)
			goto bad;
		*v++ = '\0';
		if (strcmp(kv, "facility") == 0 && (k->facility = syslog_facility(v)) >= 0)
			continue;
		if (strcmp(kv, "bom") == 0 && (strcmp(v, "0") == 0 || strcmp(v, "1") == 0)) {
			k->bom = v[0] == '1';
			continue;
		}
	bad:
		log_err("sink: %s: bad option '%s' (facility=daemon|local0..local7|..., bom=0|1)",
		    spec, kv);
		return -1;
	}
	return 0;
}

/* Fill k's configuration from spec. -1 logged. */
static int parse_spec(struct sink *k, const char *spec)
{
	const char *err = NULL;
	if (strncmp(spec, "webhook:", 8) == 0)
		return webhook_check(k, spec + 8);
	if (strncmp(spec, "http://", 7) == 0 || strncmp(spec, "https://", 8) == 0)
		return webhook_check(k, spec);
	if (strncmp(spec, "jsonl:", 6) == 0) {
		if (spec[6] == '\0') {
			log_err("sink: %s: no file name", spec);
			return -1;
		}
		k->type = SINK_JSONL;
		k->path = xstrdup(spec + 6);
		k->name = xstrdup(spec);
		return 0;
	}
	if (strncmp(spec, "syslog:", 7) != 0) {
		log_err("sink: %s: unknown sink (webhook:URL, syslog:udp|tcp:HOST:PORT, "
		        "syslog:unix:PATH, jsonl:FILE)",
		    spec);
		return -1;
	}
	char *rest = xstrdup(spec + 7);
	int rc = -1;
	if (syslog_options(k, rest, spec) < 0)
		goto out;
	k->name = xstrdup(spec);
	if (strncmp(rest, "unix:", 5) == 0) {
		k->type = SINK_SYSLOG_UNIX;
		if (rest[5] == '\0' || strlen(rest + 5) >= 108) {
			log_err("sink: %s: a Unix socket path of 1 to 107 bytes is needed", spec);
			goto out;
		}
		k->path = xstrdup(rest + 5);
		rc = 0;
	} else if (strncmp(rest, "udp:", 4) == 0 || strncmp(rest, "tcp:", 4) == 0) {
		k->type = rest[0] == 'u' ? SINK_SYSLOG_UDP : SINK_SYSLOG_TCP;
		if (hostport_split(rest + 4, &k->host, &k->port, &err) < 0)
			log_err("sink: %s: %s", spec, err);
		else
			rc = 0;
	} else {
		log_err("sink: %s: syslog:udp:, syslog:tcp: or syslog:unix: expected", spec);
	}
out:
	free(rest);
	return rc;
}

static void sink_free(struct sink *k)
{
	while (k->head) {
		struct sink_item *it = k->head;
		k->head = it->next;
		sink_item_free(it);
	}
	if (k->spool_fd >= 0)
		close(k->spool_fd);
	pthread_mutex_destroy(&k->mu);
	pthread_mutex_destroy(&k->spool_mu);
	pthread_cond_destroy(&k->cv);
	free(k->spec), free(k->name), free(k->url), free(k->host), free(k->port);
	free(k->path), free(k->spool_path), free(k->done_path);
	free(k);
}

int sink_set_add(struct sink_set *s, const char *spec)
{
	struct sink *k = xcalloc(1, sizeof(*k));
	k->fd = -1;
	k->spool_fd = -1;
	pthread_mutex_init(&k->mu, NULL);
	pthread_mutex_init(&k->spool_mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&k->cv, &ca);
	pthread_condattr_destroy(&ca);
	k->spec = xstrdup(spec);
	spec_id(spec, k->id);
	if (parse_spec(k, spec) < 0)
		goto fail;
	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->v[i]->spec, spec) == 0) {
			log_err("sink: %s: given twice", spec);
			goto fail;
		}
	}
	if (k->type == SINK_JSONL && strcmp(k->path, "-") != 0) {
		/* open now, so that a bad path is reported with the spec */
		k->fd = open(k->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (k->fd < 0) {
			log_err("sink: %s: %s", spec, strerror(errno));
			goto fail;
		}
	}
	snprintf(k->st.name, sizeof(k->st.name), "%s", k->name);
	memcpy(k->st.id, k->id, sizeof(k->id));
	uint64_t max_seq = 0;
	k->spool_limit = s->spool_limit;
	if (s->spool_dir && spool_open(k, s->spool_dir, &max_seq) < 0)
		goto fail;
	if (max_seq >= s->next_seq)
		s->next_seq = max_seq + 1;
	if (pthread_create(&k->thread, NULL, sink_thread, k) != 0) {
		log_err("sink: %s: cannot start its thread", spec);
		goto fail;
	}
	k->started = 1;
	XGROW(s->v, s->cap, s->n + 1);
	s->v[s->n++] = k;
	return 0;
fail:
	if (k->fd >= 0)
		close(k->fd);
	sink_free(k);
	return -1;
}

uint64_t sink_set_next_seq(const struct sink_set *s)
{
	return s->next_seq;
}

static char *dup0(const char *s)
{
	return xstrdup(s ? s : "");
}

struct sink_item *sink_item_new(const struct sink_event *ev, double t_emit)
{
	struct sink_item *it = xcalloc(1, sizeof(*it));
	it->seq = ev->seq;
	it->time = ev->time;
	it->severity = ev->severity < 0 ? 0 : ev->severity > 7 ? 7 : ev->severity;
	it->kind = dup0(ev->kind);
	it->state = dup0(ev->state);
	it->title = dup0(ev->title);
	it->text = dup0(ev->text);
	it->json = dup0(ev->json);
	it->t_emit = t_emit;
	return it;
}

void sink_item_free(struct sink_item *it)
{
	free(it->kind), free(it->state), free(it->title), free(it->text), free(it->json);
	free(it);
}

void sink_enqueue(struct sink *k, struct sink_item *it)
{
	pthread_mutex_lock(&k->mu);
	if (k->tail)
		k->tail->next = it;
	else
		k->head = it;
	k->tail = it;
	k->npending++;
	k->pending_bytes += it->spool_len;
	pthread_cond_signal(&k->cv);
	pthread_mutex_unlock(&k->mu);
}

/* 1 when k's queue has room (else the event is counted as dropped). */
static int has_room(struct sink *k, uint64_t seq)
{
	pthread_mutex_lock(&k->mu);
	int room = k->npending < SINK_QUEUE_MAX;
	if (!room) {
		k->st.dropped++;
		if (!k->overflowing)
			log_err("sink: %s: %d events queued: dropping new ones from seq %llu",
			    k->name, SINK_QUEUE_MAX, (unsigned long long)seq);
		k->overflowing = 1;
	} else {
		k->overflowing = 0;
	}
	pthread_mutex_unlock(&k->mu);
	return room;
}

int sink_set_emit(struct sink_set *s, const struct sink_event *ev)
{
	double t = clock_mono();
	if (ev->seq < s->next_seq) {
		log_err("sink: event seq %llu is not above the last one (next is %llu): not queued",
		    (unsigned long long)ev->seq, (unsigned long long)s->next_seq);
		return -1;
	}
	if (ev->json == NULL || ev->json[0] != '{' || strchr(ev->json, '\n')) {
		log_err("sink: event seq %llu: json is not one line holding an object: not queued",
		    (unsigned long long)ev->seq);
		return -1;
	}
	s->next_seq = ev->seq + 1;
	int rc = 0;
	size_t len = 0;
	char *line = s->spool_dir ? spool_line(ev, &len) : NULL;
	for (size_t i = 0; i < s->n; i++) {
		struct sink *k = s->v[i];
		if (!has_room(k, ev->seq))
			continue;
		struct sink_item *it = sink_item_new(ev, t);
		if (line == NULL) {
			sink_enqueue(k, it);
			continue;
		}
		/* Queued and appended under spool_mu (a rewrite of the spool sees both or neither),
		 * the sync after: the delivery starts while the disk syncs. An event delivered
		 * before its line is durable is not lost by a crash, and seq <= the done marker is
		 * skipped at reload whether its line made it or not. */
		it->spool_len = len;
		pthread_mutex_lock(&k->spool_mu);
		sink_enqueue(k, it);
		if (spool_write(k, line, len, ev->seq) < 0)
			rc = -1; /* still delivered if this process lives */
		pthread_mutex_unlock(&k->spool_mu);
	}
	for (size_t i = 0; line && i < s->n; i++)
		if (spool_sync(s->v[i], ev->seq) < 0)
			rc = -1;
	free(line);
	return rc;
}

int sink_set_count(const struct sink_set *s)
{
	return (int)s->n;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int sink_set_stats(const struct sink_set *s, int i, struct sink_stats *out)
{
	if (i < 0 || (size_t)i >= s->n)
		return -1;
	struct sink *k = s->v[i];
	double lat[SINK_LAT_RING];
	pthread_mutex_lock(&k->mu);
	*out = k->st;
	out->pending = k->npending;
	size_t n = k->nlat_total < SINK_LAT_RING ? (size_t)k->nlat_total : SINK_LAT_RING;
	memcpy(lat, k->lat, n * sizeof(double));
	pthread_mutex_unlock(&k->mu);
	out->nlat = n;
	if (n > 0) {
		qsort(lat, n, sizeof(double), dcmp);
		out->lat_p50 = lat[(n - 1) / 2];
		out->lat_p99 = lat[(size_t)((double)(n - 1) * 0.99 + 0.5)];
		out->lat_max = lat[n - 1];
	}
	return 0;
}

void sink_set_close(struct sink_set *s, double flush_seconds)
{
	if (s == NULL)
		return;
	double deadline = clock_mono() + (flush_seconds > 0 ? flush_seconds : 0);
	for (size_t i = 0; i < s->n; i++) {
		struct sink *k = s->v[i];
		pthread_mutex_lock(&k->mu);
		k->stopping = 1;
		k->deadline = deadline;
		pthread_cond_signal(&k->cv);
		pthread_mutex_unlock(&k->mu);
	}
	for (size_t i = 0; i < s->n; i++) {
		struct sink *k = s->v[i];
		pthread_join(k->thread, NULL);
		if (k->npending > 0)
			log_warn("sink: %s: %llu events undelivered at close%s", k->name,
			    (unsigned long long)k->npending,
			    k->spool_path ? " (kept in the spool)" : " (lost: no spool)");
		sink_free(k);
	}
	free(s->v);
	free(s->spool_dir);
	free(s);
	curl_global_cleanup();
}
