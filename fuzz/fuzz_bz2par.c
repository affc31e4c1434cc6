/*
 * libFuzzer target for the two-thread bzip2 decoder's scanner (src/core/bz2par.c): the input
 * is the compressed file. Whatever it holds, the decoder must end, either cleanly or with a
 * count of bytes handed on, without reading outside its window.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "core/core.h"

struct src {
	const uint8_t *p;
	size_t n, pos;
	uint64_t out;
};

static ssize_t src_read(void *arg, uint8_t *buf, size_t n)
{
	struct src *s = arg;
	size_t k = s->n - s->pos < n ? s->n - s->pos : n;
	memcpy(buf, s->p + s->pos, k);
	s->pos += k;
	return (ssize_t)k;
}

static int sink_write(void *arg, const uint8_t *buf, size_t n)
{
	struct src *s = arg;
	if (n && buf[0] == 0 && buf[n - 1] == 0xff)
		s->out += 1; /* touch the bytes */
	s->out += n;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct src s = {data, size, 0, 0};
	struct bz2par_io io = {&s, src_read, sink_write};
	uint64_t delivered = 0;
	int rc = bz2par_decode(&io, &delivered);
	if (rc == 0 && delivered > s.out)
		abort(); /* claimed more than it handed on */
	return 0;
}
