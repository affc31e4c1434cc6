/*
 * Line reader over plain, gzip and bzip2 files. zlib's gzread reads plain files transparently;
 * bzip2 is recognised by its "BZh" magic. Concatenated bzip2 streams are followed.
 */
#include <bzlib.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "topo/topo.h"

int topo_lines_open(struct topo_lines *l, const char *path)
{
	memset(l, 0, sizeof(*l));
	l->path = path;
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		log_err("%s: %s", path, strerror(errno));
		return -1;
	}
	unsigned char magic[3] = {0};
	size_t got = fread(magic, 1, 3, f);
	if (got == 3 && magic[0] == 'B' && magic[1] == 'Z' && magic[2] == 'h') {
		rewind(f);
		int bzerr;
		l->bz = BZ2_bzReadOpen(&bzerr, f, 0, 0, NULL, 0);
		if (bzerr != BZ_OK) {
			log_err("%s: cannot start bzip2 decompression", path);
			fclose(f);
			return -1;
		}
		l->raw = f;
	} else {
		fclose(f);
		l->gz = gzopen(path, "rb");
		if (l->gz == NULL) {
			log_err("%s: cannot open", path);
			return -1;
		}
		gzbuffer(l->gz, 128 * 1024);
	}
	l->cap = 256 * 1024;
	l->buf = xmalloc(l->cap);
	return 0;
}

/* Restart bzip2 after the end of one stream when more data follows (pbzip2 output). */
static int bz_next_stream(struct topo_lines *l)
{
	void *unused;
	int nunused, bzerr;
	char keep[BZ_MAX_UNUSED];
	BZ2_bzReadGetUnused(&bzerr, l->bz, &unused, &nunused);
	if (bzerr != BZ_OK)
		return -1;
	if (nunused > 0)
		memcpy(keep, unused, (size_t)nunused);
	BZ2_bzReadClose(&bzerr, l->bz);
	l->bz = NULL;
	if (nunused == 0) {
		int c = fgetc(l->raw);
		if (c == EOF)
			return 0;
		ungetc(c, l->raw);
	}
	l->bz = BZ2_bzReadOpen(&bzerr, l->raw, 0, 0, keep, nunused);
	return bzerr == BZ_OK ? 1 : -1;
}

/* Compact, then append decompressed bytes at buf[end]; returns bytes read, 0 at EOF, -1 on error.
 */
static long fill(struct topo_lines *l)
{
	if (l->start > 0) {
		memmove(l->buf, l->buf + l->start, l->end - l->start);
		l->end -= l->start;
		l->start = 0;
	}
	XGROW(l->buf, l->cap, l->end + 2); /* a line longer than the buffer: grow it */
	size_t room = l->cap - l->end - 1; /* one spare byte for the NUL of a last line */
	if (room > INT32_MAX)
		room = INT32_MAX;
	if (l->gz) {
		int n = gzread(l->gz, l->buf + l->end, (unsigned)room);
		if (n < 0) {
			int e;
			log_err("%s: offset %llu: %s", l->path,
			    (unsigned long long)(l->offset + l->end), gzerror(l->gz, &e));
			return -1;
		}
		return n;
	}
	for (;;) {
		if (l->bz == NULL)
			return 0;
		int bzerr;
		int n = BZ2_bzRead(&bzerr, l->bz, l->buf + l->end, (int)room);
		if (bzerr == BZ_OK)
			return n;
		if (bzerr == BZ_STREAM_END) {
			if (n > 0) {
				int r = bz_next_stream(l);
				return r < 0 ? -1 : n;
			}
			int r = bz_next_stream(l);
			if (r <= 0)
				return r;
			continue;
		}
		log_err("%s: offset %llu: bzip2 error %d (truncated or corrupt)", l->path,
		    (unsigned long long)(l->offset + l->end), bzerr);
		return -1;
	}
}

int topo_lines_next(struct topo_lines *l, char **line, size_t *len)
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
			s[n] = '\0'; /* nl or the spare byte kept by fill's room */
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

void topo_lines_close(struct topo_lines *l)
{
	if (l->gz)
		gzclose(l->gz);
	if (l->bz) {
		int bzerr;
		BZ2_bzReadClose(&bzerr, l->bz);
	}
	if (l->raw)
		fclose(l->raw);
	free(l->buf);
	memset(l, 0, sizeof(*l));
}
