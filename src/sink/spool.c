/*
 * The spool of one sink: DIR/ID.spool holds one JSON object a line per queued event,
 *   {"seq":N,"time":T,"severity":S,"kind":"..","state":"..","title":"..","text":"..","json":".."}
 * (the event's own JSON kept as a string, so the bytes sent after a restart are the bytes
 * emitted), appended and synced before emit returns; DIR/ID.done holds the last seq delivered
 * or refused, replaced by rename. At open the spool is read, what is past the marker queued,
 * and the file rewritten with only that; it is emptied whenever the queue drains, and rewritten
 * with the queued events when it is large and mostly delivered.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "sink_private.h"

char *spool_line(const struct sink_event *ev, size_t *len)
{
	struct jsonw j;
	jsonw_init(&j);
	jsonw_object(&j);
	jsonw_kint(&j, "seq", (int64_t)ev->seq);
	jsonw_kint(&j, "time", ev->time);
	jsonw_kint(&j, "severity", ev->severity < 0 ? 0 : ev->severity > 7 ? 7 : ev->severity);
	jsonw_kstr(&j, "kind", ev->kind);
	jsonw_kstr(&j, "state", ev->state);
	jsonw_kstr(&j, "title", ev->title);
	jsonw_kstr(&j, "text", ev->text);
	jsonw_kstr(&j, "json", ev->json);
	jsonw_end_object(&j);
	char *s = xasprintf("%s\n", j.s);
	*len = j.len + 1;
	jsonw_free(&j);
	return s;
}

/* The string member key of o, or NULL (with *why set) when absent or not a string. */
static const char *member_str(json_object *o, const char *key, const char **why)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string)) {
		*why = key;
		return NULL;
	}
	return json_object_get_string(v);
}

static int member_int(
    json_object *o, const char *key, int64_t lo, int64_t hi, int64_t *out, const char **why)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int)) {
		*why = key;
		return -1;
	}
	errno = 0;
	*out = json_object_get_int64(v);
	if (errno != 0 || *out < lo || *out > hi) {
		*why = key;
		return -1;
	}
	return 0;
}

/* One line into ev. NULL, or what is wrong with it. */
static const char *parse_line(
    json_tokener *tok, const char *line, size_t len, struct sink_event *ev, json_object **obj)
{
	const char *why = NULL;
	if (memchr(line, '\0', len))
		return "a NUL byte";
	json_tokener_reset(tok);
	json_object *o = json_tokener_parse_ex(tok, line, (int)len);
	if (o == NULL || json_tokener_get_parse_end(tok) != len) {
		json_object_put(o);
		return "not one JSON object";
	}
	*obj = o;
	if (!json_object_is_type(o, json_type_object))
		return "not one JSON object";
	int64_t seq, t, sev;
	if (member_int(o, "seq", 1, INT64_MAX, &seq, &why) < 0 ||
	    member_int(o, "time", INT64_MIN, INT64_MAX, &t, &why) < 0 ||
	    member_int(o, "severity", 0, 7, &sev, &why) < 0)
		return why;
	ev->seq = (uint64_t)seq;
	ev->time = t;
	ev->severity = (int)sev;
	if ((ev->kind = member_str(o, "kind", &why)) == NULL ||
	    (ev->state = member_str(o, "state", &why)) == NULL ||
	    (ev->title = member_str(o, "title", &why)) == NULL ||
	    (ev->text = member_str(o, "text", &why)) == NULL ||
	    (ev->json = member_str(o, "json", &why)) == NULL)
		return why;
	if (ev->json[0] != '{' || strchr(ev->json, '\n'))
		return "json is not one line holding an object";
	return NULL;
}

int sink_spool_parse(const char *buf, size_t len, const char *name, sink_spool_fn fn, void *arg,
    struct sink_spool_counts *c)
{
	memset(c, 0, sizeof(*c));
	json_tokener *tok = json_tokener_new();
	uint64_t lineno = 0, last = 0;
	int rc = 0;
	size_t pos = 0;
	while (pos < len && rc == 0) {
		const char *line = buf + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + (nl != NULL);
		lineno++;
		if (nl)
			c->good_len = pos;
		if (n == 0)
			continue;
		struct sink_event ev = {0};
		json_object *o = NULL;
		const char *why = nl == NULL      ? "cut short (no end of line)"
		                  : n > INT32_MAX ? "too long"
		                                  : parse_line(tok, line, n, &ev, &o);
		if (why == NULL && ev.seq <= last)
			why = "seq not above the previous line's";
		if (why) {
			log_warn("sink: %s line %llu: %s%s: skipped", name,
			    (unsigned long long)lineno,
			    strchr(why, ' ') ? "" : "bad or missing member ", why);
			c->corrupt++;
		} else {
			last = ev.seq;
			c->events++;
			c->max_seq = ev.seq;
			rc = fn ? fn(&ev, arg) : 0;
		}
		json_object_put(o);
	}
	json_tokener_free(tok);
	return rc;
}

/* ---------------------------------------------------------------- a sink's spool files */

static char *read_file(const char *path, size_t *len, int *missing)
{
	*missing = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*missing = errno == ENOENT;
		return NULL;
	}
	char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		XGROW(buf, cap, n + 65536);
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			close(fd);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

struct replay {
	struct sink *k;
	uint64_t done, queued;
	struct jsonw out; /* the rewritten spool */
};

static int replay_one(const struct sink_event *ev, void *arg)
{
	struct replay *r = arg;
	if (ev->seq <= r->done)
		return 0;
	size_t len;
	char *line = spool_line(ev, &len);
	/* jsonw's buffer as a plain byte buffer: its bookkeeping is not used here */
	XGROW(r->out.s, r->out.cap, r->out.len + len + 1);
	memcpy(r->out.s + r->out.len, line, len);
	r->out.len += len;
	free(line);
	struct sink_item *it = sink_item_new(ev, 0);
	it->spool_len = len;
	sink_enqueue(r->k, it);
	r->queued++;
	return 0;
}

static uint64_t read_done(const struct sink *k)
{
	size_t len;
	int missing;
	char *s = read_file(k->done_path, &len, &missing);
	if (s == NULL) {
		if (!missing)
			log_warn("sink: %s: %s unreadable (%s): resending its whole spool", k->name,
			    k->done_path, strerror(errno));
		return 0;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || (*end != '\n' && *end != '\0') || s[0] == '-') {
		log_warn(
		    "sink: %s: %s is damaged: resending its whole spool", k->name, k->done_path);
		v = 0;
	}
	free(s);
	return v;
}

/* Write len bytes to path through a temporary file, synced, then renamed. */
static int replace_file(const char *path, const char *buf, size_t len)
{
	char *tmp = xasprintf("%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int rc = -1;
	size_t off = 0;
	if (fd < 0)
		goto out;
	while (off < len) {
		ssize_t w = write(fd, buf + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto out;
		off += (size_t)w;
	}
	if (fdatasync(fd) == 0 && rename(tmp, path) == 0)
		rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

int spool_open(struct sink *k, const char *dir, uint64_t *max_seq)
{
	k->spool_path = xasprintf("%s/%s.spool", dir, k->id);
	k->done_path = xasprintf("%s/%s.done", dir, k->id);
	struct replay r = {.k = k, .done = read_done(k)};
	jsonw_init(&r.out);
	size_t len = 0;
	int missing;
	char *buf = read_file(k->spool_path, &len, &missing);
	if (buf == NULL && !missing) {
		log_err("sink: %s: cannot read %s: %s", k->name, k->spool_path, strerror(errno));
		return -1;
	}
	struct sink_spool_counts c = {0};
	if (buf)
		sink_spool_parse(buf, len, k->spool_path, replay_one, &r, &c);
	free(buf);
	k->st.corrupt = c.corrupt;
	k->st.done_seq = r.done;
	*max_seq = c.max_seq > r.done ? c.max_seq : r.done;
	k->spooled_seq = *max_seq;
	int rc = replace_file(k->spool_path, r.out.s ? r.out.s : "", r.out.len);
	k->spool_bytes = r.out.len;
	jsonw_free(&r.out);
	if (rc < 0) {
		log_err("sink: %s: cannot rewrite %s: %s", k->name, k->spool_path, strerror(errno));
		return -1;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd); /* the rename is durable */
		close(dfd);
	}
	k->spool_fd = open(k->spool_path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (k->spool_fd < 0) {
		log_err("sink: %s: cannot open %s: %s", k->name, k->spool_path, strerror(errno));
		return -1;
	}
	if (r.queued > 0 || c.corrupt > 0)
		log_info("sink: %s: %llu undelivered events from %s (%llu damaged lines skipped)",
		    k->name, (unsigned long long)r.queued, k->spool_path,
		    (unsigned long long)c.corrupt);
	return 0;
}

int spool_write(struct sink *k, const char *line, size_t len, uint64_t seq)
{
	int rc = 0;
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(k->spool_fd, line + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = -1;
			break;
		}
		off += (size_t)w;
	}
	if (rc < 0) {
		log_err("sink: %s: spool %s: write of seq %llu failed: %s", k->name, k->spool_path,
		    (unsigned long long)seq, strerror(errno));
		/* a part line would glue to the next record: cut it off again */
		if (off > 0 && ftruncate(k->spool_fd, (off_t)k->spool_bytes) != 0)
			log_err("sink: %s: spool %s: cannot cut a part line: %s", k->name,
			    k->spool_path, strerror(errno));
	} else {
		k->spool_bytes += len;
		k->spooled_seq = seq;
	}
	return rc;
}

int spool_sync(struct sink *k, uint64_t seq)
{
	pthread_mutex_lock(&k->spool_mu);
	int rc = k->spooled_seq == seq ? fdatasync(k->spool_fd) : 0; /* else not written */
	if (rc != 0)
		log_err("sink: %s: spool %s: sync after seq %llu failed: %s", k->name,
		    k->spool_path, (unsigned long long)seq, strerror(errno));
	pthread_mutex_unlock(&k->spool_mu);
	return rc == 0 ? 0 : -1;
}

/* Rewrite the spool with the queued events (under spool_mu). */
static void spool_rewrite(struct sink *k)
{
	struct jsonw out;
	jsonw_init(&out);
	pthread_mutex_lock(&k->mu);
	for (struct sink_item *it = k->head; it; it = it->next) {
		struct sink_event ev = {.seq = it->seq,
		    .time = it->time,
		    .kind = it->kind,
		    .state = it->state,
		    .severity = it->severity,
		    .title = it->title,
		    .text = it->text,
		    .json = it->json};
		size_t len;
		char *line = spool_line(&ev, &len);
		XGROW(out.s, out.cap, out.len + len + 1);
		memcpy(out.s + out.len, line, len);
		out.len += len;
		free(line);
	}
	pthread_mutex_unlock(&k->mu);
	int fd = -1;
	if (replace_file(k->spool_path, out.s ? out.s : "", out.len) < 0 ||
	    (fd = open(k->spool_path, O_WRONLY | O_APPEND | O_CLOEXEC)) < 0) {
		log_warn(
		    "sink: %s: cannot rewrite %s: %s", k->name, k->spool_path, strerror(errno));
	} else {
		log_info("sink: %s: %s rewritten from %llu to %zu bytes", k->name, k->spool_path,
		    (unsigned long long)k->spool_bytes, out.len);
		close(k->spool_fd);
		k->spool_fd = fd;
		k->spool_bytes = out.len;
	}
	jsonw_free(&out);
}

void spool_compact(struct sink *k, uint64_t done)
{
	pthread_mutex_lock(&k->spool_mu);
	if (k->spooled_seq <= done && k->spool_bytes > 0) {
		if (ftruncate(k->spool_fd, 0) == 0)
			k->spool_bytes = 0;
		else
			log_warn("sink: %s: cannot empty %s: %s", k->name, k->spool_path,
			    strerror(errno));
	} else if (k->spool_bytes > k->spool_limit) {
		pthread_mutex_lock(&k->mu);
		uint64_t pending = k->pending_bytes;
		pthread_mutex_unlock(&k->mu);
		if (k->spool_bytes > 2 * pending)
			spool_rewrite(k);
	}
	pthread_mutex_unlock(&k->spool_mu);
}
