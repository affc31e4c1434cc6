/*
 * bzip2 decoded by two threads. A bzip2 stream is a series of independent blocks, each
 * starting with the 48-bit magic 0x314159265359 at any bit position and carrying its own
 * CRC; the stream ends with 0x177245385090 and the combined CRC. The scanner finds block
 * boundaries, copies each block's bits into a stream of its own ("BZh" + level, the block,
 * the end marker, a combined CRC of that one block), and workers decode those with libbz2,
 * which checks every CRC as usual. Output is handed on strictly in order.
 *
 * Anything unexpected (a block that will not decode, a missing end marker, a magic found
 * by chance inside compressed data) stops this and reports how many bytes were handed out;
 * the caller then decodes the file sequentially from the start and skips them, so damaged
 * and truncated files are reported exactly as before. Only the compressed window (4 MiB) and
 * a few blocks in flight are held: memory does not grow with the file.
 */
#include <bzlib.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

#define BLOCK_MAGIC 0x314159265359ull
#define EOS_MAGIC 0x177245385090ull
#define WINDOW (4u << 20) /* a block is under 1 MiB compressed (900k bytes, worst case) */
#define AHEAD (2u << 20)  /* keep this much after a block's start in the window */
#define INFLIGHT 6
#define WORKERS 2

struct job {
	uint8_t *in; /* the one-block stream */
	size_t inlen;
	uint8_t *out;
	size_t outlen, outcap;
	int state; /* 0 queued, 1 taken, 2 done, 3 failed */
};

struct bz2par {
	const struct bz2par_io *io;
	/* compressed window: cbuf[0] is file byte cbase */
	uint8_t *cbuf;
	size_t clen;
	int eof;
	/* jobs: a ring, decoded by the workers in order of seq */
	struct job job[INFLIGHT];
	size_t head, tail, next; /* oldest undelivered, next free, next to take */
	int stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread[WORKERS];
	int nthreads;
	uint64_t delivered;
	unsigned char magic_at[256]; /* byte value after a magic's first byte: shifts (bits) */
};

/* Bits [bit, bit + n) of the window (n <= 48) as a number; bits past its end read as 0
 * (a wrong CRC then, and the file is decoded in turn). */
static uint64_t bits_at(const struct bz2par *z, uint64_t bit, unsigned n)
{
	uint8_t tmp[8] = {0};
	size_t i = (size_t)(bit / 8), avail = i >= z->clen ? 0 : z->clen - i;
	memcpy(tmp, z->cbuf + (i < z->clen ? i : 0), avail < 8 ? avail : 8);
	return (be64_load(tmp) << (bit % 8)) >> (64 - n);
}

/* Move the window so that it starts at the byte holding bit `keep`, and fill it. Bit
 * positions are relative to the window: returns how many bits it moved. */
static uint64_t refill(struct bz2par *z, uint64_t keep)
{
	size_t drop = (size_t)(keep / 8);
	memmove(z->cbuf, z->cbuf + drop, z->clen - drop);
	z->clen -= drop;
	while (!z->eof && z->clen < WINDOW) {
		ssize_t k = z->io->read(z->io->arg, z->cbuf + z->clen, WINDOW - z->clen);
		if (k <= 0)
			z->eof = 1; /* a read error shows in the sequential decoder */
		else
			z->clen += (size_t)k;
	}
	return (uint64_t)drop * 8;
}

/* The next block or end-of-stream magic at or after bit `from`; *kind = 1 block, 2 end.
 * Returns UINT64_MAX when there is none in the window. */
static uint64_t find_magic(const struct bz2par *z, uint64_t from, int *kind)
{
	/* a magic at bit k of byte i puts a known value in byte i + 1: look those up first */
	for (size_t j = (size_t)(from / 8) + 1; j + 6 < z->clen; j++) {
		unsigned char m = z->magic_at[z->cbuf[j]];
		for (unsigned k = 0; m; k++, m >>= 1) {
			if (!(m & 1))
				continue;
			uint64_t bit = (uint64_t)(j - 1) * 8 + k % 8;
			if (bit < from)
				continue;
			uint64_t v = bits_at(z, bit, 48);
			if (v == BLOCK_MAGIC || v == EOS_MAGIC) {
				*kind = v == BLOCK_MAGIC ? 1 : 2;
				return bit;
			}
		}
	}
	return UINT64_MAX;
}

/* The one-block stream for bits [from, to) of the window. */
static void make_stream(
    const struct bz2par *z, int level, uint64_t from, uint64_t to, struct job *j)
{
	uint64_t n = to - from;
	uint32_t crc = (uint32_t)bits_at(z, from + 48, 32);
	j->inlen = 4 + (size_t)((n + 80 + 7) / 8);
	j->in = xcalloc(1, j->inlen + 8);
	memcpy(j->in, "BZh", 3);
	j->in[3] = (uint8_t)('0' + level);
	uint8_t *d = j->in + 4;
	const uint8_t *s = z->cbuf + from / 8;
	unsigned sh = (unsigned)(from % 8);
	size_t whole = (size_t)(n / 8);
	if (sh == 0)
		memcpy(d, s, whole);
	else
		for (size_t i = 0; i < whole; i++)
			d[i] = (uint8_t)(s[i] << sh | s[i + 1] >> (8 - sh));
	/* the last n % 8 bits, then the end marker and the combined CRC (of this one block),
	 * MSB first */
	uint64_t at = (uint64_t)whole * 8;
	unsigned rest = (unsigned)(n % 8);
	struct {
		uint64_t v;
		unsigned n;
	} put[3] = {{rest ? bits_at(z, from + at, rest) : 0, rest}, {EOS_MAGIC, 48}, {crc, 32}};
	for (int p = 0; p < 3; p++)
		for (unsigned b = put[p].n; b-- > 0; at++)
			if (put[p].v >> b & 1)
				d[at / 8] |= (uint8_t)(0x80 >> (at % 8));
}

static int decode(struct job *j)
{
	bz_stream s;
	memset(&s, 0, sizeof(s));
	if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK)
		return -1;
	s.next_in = (char *)j->in;
	s.avail_in = (unsigned)j->inlen;
	int rc = BZ_OK;
	while (rc == BZ_OK) {
		if (j->outcap - j->outlen < (1u << 18)) {
			j->outcap = j->outcap ? j->outcap * 2 : 1u << 20;
			j->out = xreallocarray(j->out, j->outcap, 1);
		}
		s.next_out = (char *)j->out + j->outlen;
		s.avail_out = (unsigned)(j->outcap - j->outlen);
		rc = BZ2_bzDecompress(&s);
		j->outlen = j->outcap - s.avail_out;
		if (rc == BZ_OK && s.avail_in == 0 && s.avail_out > 0)
			rc = BZ_DATA_ERROR; /* input used up, no end: not a whole block */
	}
	BZ2_bzDecompressEnd(&s);
	return rc == BZ_STREAM_END && s.avail_in <= 1 ? 0 : -1;
}

static void *worker(void *arg)
{
	struct bz2par *z = arg;
	pthread_mutex_lock(&z->mu);
	for (;;) {
		while (!z->stop && z->next == z->tail)
			pthread_cond_wait(&z->cv, &z->mu);
		if (z->stop)
			break;
		struct job *j = &z->job[z->next++ % INFLIGHT];
		j->state = 1;
		pthread_mutex_unlock(&z->mu);
		int rc = decode(j);
		pthread_mutex_lock(&z->mu);
		j->state = rc == 0 ? 2 : 3;
		pthread_cond_broadcast(&z->cv);
	}
	pthread_mutex_unlock(&z->mu);
	return NULL;
}

static void job_clear(struct job *j)
{
	free(j->in);
	free(j->out);
	memset(j, 0, sizeof(*j));
}

/* Wait for the oldest job and hand its output on. -1 if it failed. */
static int deliver_oldest(struct bz2par *z)
{
	struct job *j = &z->job[z->head % INFLIGHT];
	pthread_mutex_lock(&z->mu);
	while (j->state < 2)
		pthread_cond_wait(&z->cv, &z->mu);
	pthread_mutex_unlock(&z->mu);
	if (j->state == 3)
		return -1;
	if (z->io->write(z->io->arg, j->out, j->outlen) != 0)
		return -1;
	z->delivered += j->outlen;
	job_clear(j);
	pthread_mutex_lock(&z->mu);
	z->head++;
	pthread_cond_broadcast(&z->cv);
	pthread_mutex_unlock(&z->mu);
	return 0;
}

static int queue(struct bz2par *z, int level, uint64_t from, uint64_t to)
{
	if (z->tail - z->head == INFLIGHT && deliver_oldest(z) != 0)
		return -1;
	struct job *j = &z->job[z->tail % INFLIGHT];
	make_stream(z, level, from, to, j);
	pthread_mutex_lock(&z->mu);
	z->tail++;
	pthread_cond_broadcast(&z->cv);
	pthread_mutex_unlock(&z->mu);
	return 0;
}

/* Walk the streams and blocks of the file. 0 at a clean end, -1 on anything else. */
static int scan(struct bz2par *z)
{
	uint64_t pos = 0; /* bit position (in the window) of the next stream header */
	for (int stream = 0;; stream++) {
		if (pos / 8 + 4 > z->clen)
			pos -= refill(z, pos);
		const uint8_t *h = z->cbuf + pos / 8;
		size_t left = z->clen - pos / 8;
		if (stream > 0 && (left < 3 || memcmp(h, "BZh", 3) != 0))
			return 0; /* the end; trailing bytes are ignored, as when decoding in turn
			           */
		if (left < 4 || memcmp(h, "BZh", 3) != 0 || h[3] < '1' || h[3] > '9')
			return -1;
		int level = h[3] - '0', kind = 0;
		uint64_t at = pos + 32; /* the first magic follows the header */
		if (at / 8 + 6 > z->clen)
			return -1;
		uint64_t v = bits_at(z, at, 48);
		if (v != BLOCK_MAGIC && v != EOS_MAGIC)
			return -1;
		kind = v == BLOCK_MAGIC ? 1 : 2;
		uint32_t combined = 0;
		while (kind == 1) {
			if (z->clen - at / 8 < AHEAD && !z->eof)
				at -= refill(z, at);
			uint64_t next = find_magic(z, at + 48, &kind);
			if (next == UINT64_MAX)
				return -1; /* no end marker: truncated (or not bzip2 after all) */
			uint32_t crc = (uint32_t)bits_at(z, at + 48, 32);
			combined = (combined << 1 | combined >> 31) ^ crc;
			if (queue(z, level, at, next) != 0)
				return -1;
			at = next;
		}
		/* end of stream: marker and combined CRC, byte padding; another may follow */
		if (at / 8 + 10 > z->clen)
			at -= refill(z, at);
		if (at / 8 + 10 > z->clen || (uint32_t)bits_at(z, at + 48, 32) != combined)
			return -1;
		pos = (at + 80 + 7) / 8 * 8;
	}
}

int bz2par_decode(const struct bz2par_io *io, uint64_t *delivered)
{
	struct bz2par *z = xcalloc(1, sizeof(*z));
	z->io = io;
	z->cbuf = xmalloc(WINDOW);
	pthread_mutex_init(&z->mu, NULL);
	pthread_cond_init(&z->cv, NULL);
	for (unsigned k = 0; k < 8; k++) {
		z->magic_at[(BLOCK_MAGIC >> (32 + k)) & 0xff] |= (unsigned char)(1u << k);
		z->magic_at[(EOS_MAGIC >> (32 + k)) & 0xff] |= (unsigned char)(1u << k);
	}
	int rc = 0;
	for (int i = 0; i < WORKERS; i++)
		if (pthread_create(&z->thread[z->nthreads], NULL, worker, z) == 0)
			z->nthreads++;
	refill(z, 0);
	if (z->nthreads == 0 || scan(z) != 0)
		rc = -1;
	while (rc == 0 && z->head < z->tail)
		rc = deliver_oldest(z);
	pthread_mutex_lock(&z->mu);
	z->stop = 1;
	pthread_cond_broadcast(&z->cv);
	pthread_mutex_unlock(&z->mu);
	for (int i = 0; i < z->nthreads; i++)
		pthread_join(z->thread[i], NULL);
	for (int i = 0; i < INFLIGHT; i++)
		job_clear(&z->job[i]);
	*delivered = z->delivered;
	pthread_mutex_destroy(&z->mu);
	pthread_cond_destroy(&z->cv);
	free(z->cbuf);
	free(z);
	return rc;
}
