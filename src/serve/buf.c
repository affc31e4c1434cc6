/* Output helpers: a growable buffer with HTML and URL escaping, JSON value helpers, ETags. */
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve_private.h"

_Atomic size_t serve_buf_limit;

/* Room for need more bytes and a NUL. A response is built per request: running out of
 * memory fails this buffer (the request answers 503), not the process. 0 or -1 (failed). */
static int buf_grow(struct buf *b, size_t need)
{
	if (b->failed)
		return -1;
	if (need < SIZE_MAX - b->len - 1 && b->len + need + 1 <= b->cap)
		return 0;
	size_t limit = serve_buf_limit;
	size_t cap = b->cap ? b->cap : 4096;
	while (need < SIZE_MAX / 4 - b->len && cap < b->len + need + 1 && cap < SIZE_MAX / 2)
		cap *= 2;
	char *p = NULL;
	if (need < SIZE_MAX / 4 - b->len && cap >= b->len + need + 1 && (!limit || cap <= limit))
		p = realloc(b->p, cap);
	if (p == NULL) {
		b->failed = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->p)
		b->p[0] = '\0';
}

void buf_put(struct buf *b, const char *s, size_t n)
{
	if (buf_grow(b, n) != 0)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if (buf_grow(b, (size_t)n) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void buf_html(struct buf *b, const char *s)
{
	if (s == NULL)
		return;
	for (; *s; s++) {
		switch (*s) {
		case '<':
			buf_put(b, "&lt;", 4);
			break;
		case '>':
			buf_put(b, "&gt;", 4);
			break;
		case '&':
			buf_put(b, "&amp;", 5);
			break;
		case '"':
			buf_put(b, "&quot;", 6);
			break;
		case '\'':
			buf_put(b, "&#39;", 5);
			break;
		default:
			buf_put(b, s, 1);
		}
	}
}

void buf_urlenc(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~:/", c)) {
			buf_put(b, s, 1);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			buf_put(b, e, 3);
		}
	}
}

void buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

/* ---------------------------------------------------------------- JSON */

json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}
json_object *jint(int64_t v)
{
	return json_object_new_int64(v);
}
json_object *jpct(double v)
{
	return v < 0 ? NULL : json_object_new_double(v);
}
void jadd(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

json_object *j_snapshot(const struct store_snapshot *s)
{
	json_object *o = json_object_new_object();
	jadd(o, "id", jint(s->id));
	jadd(o, "label", jstr(s->label));
	jadd(o, "created", jint(s->created));
	jadd(o, "period_start", jint(s->period_start));
	jadd(o, "period_end", jint(s->period_end));
	jadd(o, "routes", jint((int64_t)s->routes));
	jadd(o, "prefixes_v4", jint((int64_t)s->prefixes_v4));
	jadd(o, "prefixes_v6", jint((int64_t)s->prefixes_v6));
	jadd(o, "ases", jint((int64_t)s->ases));
	return o;
}

/* ---------------------------------------------------------------- ETags */

void etag_of(const char *p, size_t n, char out[20])
{
	/* 64-bit FNV-1a: strong enough to tell two bodies apart, cheap to compute */
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	snprintf(out, 20, "\"%016llx\"", (unsigned long long)h);
}

/* If-None-Match: "*" or a comma-separated list of (possibly weak) entity tags. */
int etag_match(const char *inm, const char *etag)
{
	size_t el = strlen(etag);
	const char *p = inm;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (strncmp(p, etag, el) == 0 && (p[el] == '\0' || p[el] == ',' || p[el] == ' '))
			return 1;
		while (*p && *p != ',')
			p++;
	}
	return 0;
}
