/*
 * A JSON writer for hot paths: appends compact JSON (as json-c's plain output, '/' not
 * escaped) to a growable buffer, with the commas kept by a small nesting stack. The
 * analysis builds evidence for tens of thousands of findings; building json-c objects for
 * each cost more than the checks that found them. Everything else uses json-c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

void jsonw_init(struct jsonw *j)
{
	memset(j, 0, sizeof(*j));
	j->first = 1;
}

void jsonw_reset(struct jsonw *j)
{
	j->len = 0;
	j->depth = 0;
	j->first = 1;
	if (j->s)
		j->s[0] = '\0';
}

void jsonw_free(struct jsonw *j)
{
	free(j->s);
	memset(j, 0, sizeof(*j));
}

/* Room for need bytes: 512 at first (a finding's evidence is a few hundred; growing from 16
 * by doubling cost five reallocations each), then doubling. */
static void grow(struct jsonw *j, size_t need)
{
	size_t cap = j->cap ? j->cap : 512;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	j->s = xrealloc(j->s, cap);
	j->cap = cap;
}

static inline void put(struct jsonw *j, const char *s, size_t n)
{
	if (j->len + n + 1 > j->cap)
		grow(j, j->len + n + 1);
	memcpy(j->s + j->len, s, n);
	j->len += n;
	j->s[j->len] = '\0';
}

/* A value or a key starts: a comma unless it is the first in its container. */
static void sep(struct jsonw *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (!j->first)
		put(j, ",", 1);
	j->first = 0;
}

static void open(struct jsonw *j, char c)
{
	sep(j);
	put(j, &c, 1);
	if (j->depth < JSONW_MAX_DEPTH)
		j->depth++;
	j->first = 1;
}

void jsonw_object(struct jsonw *j)
{
	open(j, '{');
}

void jsonw_array(struct jsonw *j)
{
	open(j, '[');
}

void jsonw_end_object(struct jsonw *j)
{
	put(j, "}", 1);
	j->depth--;
	j->first = 0;
}

void jsonw_end_array(struct jsonw *j)
{
	put(j, "]", 1);
	j->depth--;
	j->first = 0;
}

static void quoted(struct jsonw *j, const char *s)
{
	put(j, "\"", 1);
	const char *run = s;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(j, run, (size_t)(s - run));
		char esc[8];
		switch (c) {
		case '"':
			put(j, "\\\"", 2);
			break;
		case '\\':
			put(j, "\\\\", 2);
			break;
		case '\b':
			put(j, "\\b", 2);
			break;
		case '\f':
			put(j, "\\f", 2);
			break;
		case '\n':
			put(j, "\\n", 2);
			break;
		case '\r':
			put(j, "\\r", 2);
			break;
		case '\t':
			put(j, "\\t", 2);
			break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			put(j, esc, 6);
		}
		run = s + 1;
	}
	put(j, run, (size_t)(s - run));
	put(j, "\"", 1);
}

void jsonw_key(struct jsonw *j, const char *key)
{
	sep(j);
	quoted(j, key);
	put(j, ":", 1);
	j->after_key = 1;
}

void jsonw_string(struct jsonw *j, const char *s)
{
	sep(j);
	quoted(j, s ? s : "");
}

void jsonw_int(struct jsonw *j, int64_t v)
{
	char buf[24], *s = buf + sizeof(buf);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do /* by hand: snprintf was most of the cost of an evidence document */
		*--s = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--s = '-';
	sep(j);
	put(j, s, (size_t)(buf + sizeof(buf) - s));
}

void jsonw_kstr(struct jsonw *j, const char *key, const char *s)
{
	jsonw_key(j, key);
	jsonw_string(j, s);
}

void jsonw_kint(struct jsonw *j, const char *key, int64_t v)
{
	jsonw_key(j, key);
	jsonw_int(j, v);
}

void json_fputs(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void jsonw_raw(struct jsonw *j, const char *json)
{
	sep(j);
	put(j, json, strlen(json));
}
