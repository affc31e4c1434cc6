/*
 * Streaming RPSL reader (RFC 2622 section 2, RFC 4012). Input comes through zlib's gz*
 * functions, which read gzip and plain files alike, or from memory. Lines are cut from a
 * buffer refilled in large reads; an object's text is copied into one growing block so that
 * its attributes stay valid until the next object.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "irr/irr_private.h"

#define READ_CHUNK (256 * 1024)
#define LINE_MAX_BYTES (1024 * 1024) /* longer lines are malformed */
#define OBJECT_MAX_BYTES (64 * 1024 * 1024)
#define MAX_WARNINGS 20 /* per reader; later ones are only counted */

static const char *class_names[RPSL_CLASS_COUNT] = {"other", "route", "route6", "aut-num", "as-set",
    "route-set", "mntner", "role", "person", "as-block"};

const char *rpsl_class_name(enum rpsl_class c)
{
	return (unsigned)c < RPSL_CLASS_COUNT ? class_names[c] : "other";
}

enum rpsl_class rpsl_class_from_key(const char *key)
{
	/* the reader's keys are lower case: route objects (most of a dump) without strcasecmp */
	if (strcmp(key, "route") == 0)
		return RPSL_ROUTE;
	if (strcmp(key, "route6") == 0)
		return RPSL_ROUTE6;
	for (int i = 1; i < RPSL_CLASS_COUNT; i++)
		if (strcasecmp(key, class_names[i]) == 0)
			return (enum rpsl_class)i;
	return RPSL_CLASS_OTHER;
}

const char *rpsl_object_get(const struct rpsl_object *o, const char *key)
{
	for (size_t i = 0; i < o->nattrs; i++)
		if (o->attrs[i].key[0] == key[0] && strcmp(o->attrs[i].key, key) == 0)
			return o->attrs[i].value;
	return NULL;
}

static void reader_init(struct rpsl_reader *r, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->path = xstrdup(name ? name : "(memory)");
	r->bcap = READ_CHUNK;
	r->buf = xmalloc(r->bcap);
}

int rpsl_reader_open(struct rpsl_reader *r, const char *path)
{
	reader_init(r, path);
	r->in = zinput_open(path, path, 0, 0);
	if (r->in == NULL) {
		snprintf(r->err, sizeof(r->err), "%s: cannot be opened", path);
		return -1;
	}
	return 0;
}

void rpsl_reader_open_mem(struct rpsl_reader *r, const char *buf, size_t len, const char *name)
{
	reader_init(r, name);
	r->mem = buf;
	r->memlen = len;
}

void rpsl_reader_close(struct rpsl_reader *r)
{
	zinput_close(r->in);
	free(r->path);
	free(r->buf);
	free(r->text);
	free(r->attrs);
	memset(r, 0, sizeof(*r));
}

static void reader_warn(struct rpsl_reader *r, uint32_t line, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void reader_warn(struct rpsl_reader *r, uint32_t line, uint64_t off, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->err[0] == '\0')
		snprintf(r->err, sizeof(r->err), "%.100s:%u (offset %llu): %.120s", r->path, line,
		    (unsigned long long)off, msg);
	if (r->malformed < MAX_WARNINGS)
		log_warn("%s:%u (offset %llu): %s", r->path, line, (unsigned long long)off, msg);
}

/* Read more input behind the unconsumed bytes. Returns bytes added, 0 at end, -1 error. */
static long fill(struct rpsl_reader *r)
{
	if (r->eof)
		return 0;
	if (r->bstart > 0) {
		memmove(r->buf, r->buf + r->bstart, r->bend - r->bstart);
		r->bend -= r->bstart;
		r->bstart = 0;
	}
	XGROW(r->buf, r->bcap, r->bend + 1);
	size_t room = r->bcap - r->bend;
	long n;
	if (r->in) {
		ssize_t got = zinput_read(r->in, (uint8_t *)r->buf + r->bend, room);
		const char *problem = got == 0 ? zinput_problem(r->in) : NULL;
		if (got < 0 || problem) {
			reader_warn(r, r->lineno, r->offset, "read error: %s",
			    problem ? problem : "cannot read");
			r->ioerr = 1;
			return -1;
		}
		n = (long)got;
	} else {
		size_t left = r->memlen - r->mempos;
		n = (long)(left < room ? left : room);
		memcpy(r->buf + r->bend, r->mem + r->mempos, (size_t)n);
		r->mempos += (size_t)n;
	}
	if (n == 0)
		r->eof = 1;
	r->bend += (size_t)n;
	return n;
}

/*
 * Next line without its "\n" (and "\r"), NUL-terminated in the buffer. Returns 1, 0 at the
 * end of input, -1 on error. *toolong is set when the line was cut at LINE_MAX_BYTES.
 */
static int next_line(struct rpsl_reader *r, char **line, size_t *len, int *toolong)
{
	*toolong = 0;
	for (;;) {
		char *s = r->buf + r->bstart;
		size_t avail = r->bend - r->bstart;
		if (r->skip_long) { /* drop the tail of a line cut before */
			char *p = memchr(s, '\n', avail);
			size_t drop = p ? (size_t)(p - s) + 1 : avail;
			r->bstart += drop;
			r->offset += drop;
			if (p)
				r->skip_long = 0;
			else if (r->eof)
				return 0;
			else if (fill(r) < 0)
				return -1;
			continue;
		}
		char *nl = memchr(s, '\n', avail);
		if (nl == NULL && avail >= LINE_MAX_BYTES) {
			/* cut the line: return its head, skip the rest up to its newline */
			nl = s + LINE_MAX_BYTES - 1;
			*toolong = 1;
		}
		if (nl != NULL || (r->eof && avail > 0)) {
			size_t n = nl ? (size_t)(nl - s) : avail;
			size_t consumed = nl ? n + 1 : n;
			if (!nl &&
			    r->bend == r->bcap) { /* last line without newline: room for NUL */
				XGROW(r->buf, r->bcap, r->bend + 1);
				s = r->buf + r->bstart;
			}
			s[n] = '\0';
			if (n > 0 && s[n - 1] == '\r')
				s[--n] = '\0';
			r->bstart += consumed;
			r->lineno++;
			r->offset += consumed;
			*line = s;
			*len = n;
			if (*toolong)
				r->skip_long = 1;
			return 1;
		}
		if (r->eof)
			return 0;
		if (fill(r) < 0)
			return -1;
	}
}

static void text_append(struct rpsl_reader *r, const char *s, size_t n)
{
	XGROW(r->text, r->tcap, r->tlen + n + 1);
	memcpy(r->text + r->tlen, s, n);
	r->tlen += n;
}

/* Cut an end-of-line remark and trim; returns the length of what is left of s. */
static size_t clean_value(char *s, size_t n, char **start)
{
	char *hash = memchr(s, '#', n);
	if (hash)
		n = (size_t)(hash - s);
	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	*start = s;
	return n;
}

/* "key:" at the start of a line: returns the key length, or 0 when the line is no attribute. */
static size_t key_len(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_'))
		i++;
	return (i > 0 && i < n && s[i] == ':') ? i : 0;
}

static void add_attr(struct rpsl_reader *r, char *s, size_t n, size_t klen)
{
	XGROW(r->attrs, r->acap, r->nattrs + 1);
	struct rpsl_attr *a = &r->attrs[r->nattrs++];
	char *v;
	size_t vn = clean_value(s + klen + 1, n - klen - 1, &v);
	XGROW(r->text, r->tcap, r->tlen + klen + vn + 2);
	char *t = r->text + r->tlen;
	a->line = r->lineno;
	a->key = (const char *)(uintptr_t)r->tlen;
	for (size_t i = 0; i < klen; i++)
		t[i] = (char)tolower((unsigned char)s[i]);
	t[klen] = '\0';
	memcpy(t + klen + 1, v, vn);
	t[klen + 1 + vn] = '\0';
	a->value = (const char *)(uintptr_t)(r->tlen + klen + 1);
	r->tlen += klen + vn + 2;
}

/* Continuation: the value so far ends with the NUL at text[tlen - 1]. */
static void continue_attr(struct rpsl_reader *r, char *s, size_t n)
{
	char *v;
	size_t vn = clean_value(s + 1, n - 1, &v);
	r->tlen--; /* drop the NUL */
	if (r->tlen > 0 && r->text[r->tlen - 1] != '\0')
		text_append(r, "\n", 1);
	text_append(r, v, vn);
	text_append(r, "", 1);
}

static int is_control(const char *s)
{
	return s[0] == '%' || strncmp(s, "ADD", 3) == 0 || strncmp(s, "DEL", 3) == 0;
}

static void finish_object(struct rpsl_reader *r, struct rpsl_object *o, uint32_t line, uint64_t off)
{
	for (size_t i = 0; i < r->nattrs; i++) {
		r->attrs[i].key = r->text + (uintptr_t)r->attrs[i].key;
		r->attrs[i].value = r->text + (uintptr_t)r->attrs[i].value;
	}
	o->attrs = r->attrs;
	o->nattrs = r->nattrs;
	o->cls = rpsl_class_from_key(r->attrs[0].key);
	o->file = r->path;
	o->line = line;
	o->offset = off;
	r->objects++;
}

int rpsl_reader_next(struct rpsl_reader *r, struct rpsl_object *o)
{
	char *s;
	size_t n;
	int toolong, bad = 0, rc;
	uint32_t first = 0;
	uint64_t firstoff = 0;
	r->tlen = 0;
	r->nattrs = 0;
	for (;;) {
		uint64_t off = r->offset;
		rc = next_line(r, &s, &n, &toolong);
		if (rc < 0)
			return -1;
		int blank = rc == 0;
		if (!blank) {
			size_t i = 0;
			while (i < n && (s[i] == ' ' || s[i] == '\t'))
				i++;
			blank = i == n;
		}
		if (blank) {
			if (r->nattrs > 0 && !bad) {
				finish_object(r, o, first, firstoff);
				return RPSL_OBJECT;
			}
			if (r->nattrs > 0 || bad)
				r->malformed++;
			if (rc == 0)
				return 0;
			r->tlen = r->nattrs = 0;
			bad = 0;
			continue;
		}
		if (bad)
			continue; /* skip the rest of a malformed object */
		if (r->nattrs == 0) {
			if (s[0] == '#' || (!r->nrtm && s[0] == '%'))
				continue;
			if (r->nrtm && is_control(s)) {
				snprintf(r->control, sizeof(r->control), "%s", s);
				return RPSL_CONTROL;
			}
		} else if (s[0] == '#' || s[0] == '%') {
			continue; /* a comment line inside an object */
		}
		if (toolong || r->tlen + n > OBJECT_MAX_BYTES) {
			reader_warn(r, r->lineno, off, "line or object too long");
			bad = 1;
			continue;
		}
		if (s[0] == ' ' || s[0] == '\t' || s[0] == '+') {
			if (r->nattrs == 0) {
				reader_warn(
				    r, r->lineno, off, "continuation line outside an object");
				bad = 1;
			} else {
				continue_attr(r, s, n);
			}
			continue;
		}
		size_t kl = key_len(s, n);
		if (kl == 0) {
			reader_warn(r, r->lineno, off, "not an attribute line: \"%.40s\"", s);
			bad = 1;
			continue;
		}
		if (r->nattrs == 0) {
			first = r->lineno;
			firstoff = off;
		}
		add_attr(r, s, n, kl);
	}
}
