/*
 * Hand-rolled number and address formatting and a buffered writer: the output hot path of
 * `routemark dump` writes hundreds of thousands of lines, so it avoids printf.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mrt/mrt_private.h"

#define OUT_CAP (1u << 20)

char *fmt_u32(char *p, uint32_t v)
{
	char tmp[10];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

char *fmt_u64(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

char *fmt_ipv4(char *p, const uint8_t *a)
{
	for (int i = 0; i < 4; i++) {
		if (i)
			*p++ = '.';
		p = fmt_u32(p, a[i]);
	}
	return p;
}

static char *hex16(char *p, unsigned v)
{
	static const char hx[] = "0123456789abcdef";
	int started = 0;
	for (int s = 12; s >= 0; s -= 4) {
		unsigned d = (v >> s) & 15;
		if (d || started || s == 0) {
			*p++ = hx[d];
			started = 1;
		}
	}
	return p;
}

/* The text inet_ntop (glibc, BSD) gives: the longest run of >= 2 zero words (the first on a
 * tie) becomes "::", and ::a.b.c.d / ::ffff:a.b.c.d keep the dotted IPv4 tail. */
char *fmt_ipv6(char *p, const uint8_t *a)
{
	unsigned w[8];
	struct cursor c = cursor_make(a, 16);
	for (int i = 0; i < 8; i++) {
		uint16_t x = 0;
		cur_u16(&c, &x);
		w[i] = x;
	}
	int best = -1, bestlen = 0;
	for (int i = 0; i < 8;) {
		if (w[i] != 0) {
			i++;
			continue;
		}
		int j = i;
		while (j < 8 && w[j] == 0)
			j++;
		if (j - i > bestlen)
			best = i, bestlen = j - i;
		i = j;
	}
	if (bestlen < 2)
		best = -1;
	for (int i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + bestlen) {
			if (i == best)
				*p++ = ':';
			continue;
		}
		if (i)
			*p++ = ':';
		if (i == 6 && best == 0 && (bestlen == 6 || (bestlen == 5 && w[5] == 0xffff))) {
			return fmt_ipv4(p, a + 12);
		}
		p = hex16(p, w[i]);
	}
	if (best >= 0 && best + bestlen == 8)
		*p++ = ':';
	return p;
}

void mrt_out_init(struct mrt_out *o, int fd)
{
	o->fd = fd;
	o->cap = OUT_CAP;
	o->buf = xmalloc(o->cap);
	o->len = 0;
	o->error = 0;
}

void mrt_out_flush(struct mrt_out *o)
{
	size_t off = 0;
	while (off < o->len && !o->error) {
		ssize_t k = write(o->fd, o->buf + off, o->len - off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			o->error = 1;
			break;
		}
		off += (size_t)k;
	}
	o->len = 0;
}

char *mrt_out_reserve(struct mrt_out *o, size_t n)
{
	if (o->len + n > o->cap) {
		mrt_out_flush(o);
		if (n > o->cap) {
			o->cap = n;
			o->buf = xreallocarray(o->buf, o->cap, 1);
		}
	}
	return o->buf + o->len;
}

void mrt_out_write(struct mrt_out *o, const char *s, size_t n)
{
	char *p = mrt_out_reserve(o, n);
	memcpy(p, s, n);
	o->len += n;
}

void mrt_out_free(struct mrt_out *o)
{
	mrt_out_flush(o);
	free(o->buf);
	o->buf = NULL;
}
