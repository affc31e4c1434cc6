/*
 * Lines of a file that may be compressed (zinput: gzip, bzip2, xz, zstd or plain, detected
 * from the bytes), and whole files read into memory. Every line-oriented reference loader
 * (relationships, organisations, names, delegations) and the whole-file ones (VRPs, bogons)
 * read through here, so each accepts each compression.
 */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

#define ZLINES_CHUNK (256u << 10)

int zlines_open(struct zlines *l, const char *path)
{
	memset(l, 0, sizeof(*l));
	l->path = path;
	if ((l->in = zinput_open(path, path, 0, 0)) == NULL)
		return -1;
	l->cap = ZLINES_CHUNK;
	l->buf = xmalloc(l->cap);
	return 0;
}

/* Compact, then append decompressed bytes at buf[end]; bytes read, 0 at the end, -1 error. */
static long fill(struct zlines *l)
{
	if (l->start > 0) {
		memmove(l->buf, l->buf + l->start, l->end - l->start);
		l->end -= l->start;
		l->start = 0;
	}
	XGROW(l->buf, l->cap, l->end + ZLINES_CHUNK); /* a line longer than the buffer grows it */
	ssize_t n = zinput_read(l->in, (uint8_t *)l->buf + l->end, l->cap - l->end - 1);
	if (n < 0) {
		log_err("%s: offset %llu: read error", l->path,
		    (unsigned long long)(l->offset + l->end));
		return -1;
	}
	if (n == 0 && zinput_problem(l->in)) {
		log_err("%s: after line %llu: %s", l->path, (unsigned long long)l->lineno,
		    zinput_problem(l->in));
		return -1;
	}
	return (long)n;
}

int zlines_next(struct zlines *l, char **line, size_t *len)
{
	if (l->err)
		return -1;
	for (;;) {
		char *s = l->buf + l->start;
		char *nl = memchr(s, '\n', l->end - l->start);
		if (nl || (l->eof && l->end > l->start)) {
			size_t n = nl ? (size_t)(nl - s) : l->end - l->start;
			size_t adv = nl ? n + 1 : n;
			if (n > 0 && s[n - 1] == '\r')
				n--;
			s[n] = '\0'; /* nl, or the spare byte fill leaves */
			l->lineno++;
			*line = s;
			*len = n;
			l->start += adv;
			l->offset += adv;
			return 1;
		}
		if (l->eof)
			return 0;
		long got = fill(l);
		if (got < 0) {
			l->err = 1;
			return -1;
		}
		if (got == 0)
			l->eof = 1;
		l->end += (size_t)got;
	}
}

void zlines_close(struct zlines *l)
{
	zinput_close(l->in);
	free(l->buf);
	memset(l, 0, sizeof(*l));
}

char *zinput_slurp(const char *path, size_t *len)
{
	struct zinput *in = zinput_open(path, path, 0, 0);
	if (in == NULL)
		return NULL;
	size_t cap = 1 << 20, n = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		XGROW(buf, cap, n + ZLINES_CHUNK); /* room to read, and for the NUL */
		ssize_t got = zinput_read(in, (uint8_t *)buf + n, cap - n - 1);
		if (got < 0) {
			log_err("%s: offset %zu: read error", path, n);
			break;
		}
		if (got == 0) {
			const char *problem = zinput_problem(in);
			if (problem)
				log_err("%s: offset %zu: %s", path, n, problem);
			else {
				zinput_close(in);
				buf[n] = '\0';
				*len = n;
				return buf;
			}
			break;
		}
		n += (size_t)got;
	}
	zinput_close(in);
	free(buf);
	return NULL;
}
