/*
 * The byte source of a reader: a path or stdin, with the compression detected from the first
 * bytes (gzip, bzip2, xz, zstd, else plain). Compressed input is decoded by a second thread
 * into a ring of large blocks, so decompression and parsing run on two cores; the ring is
 * small unless the caller asks to read ahead (analyze decompresses while it loads the
 * reference data). Multi-member
 * gzip, concatenated bzip2 and xz streams and multi-frame zstd are read to the end. A stream
 * that stops early is reported after all the data before the cut has been handed out.
 * gzip is inflated by ISA-L (igzip), 3-5x faster than zlib's inflate on the reference files
 * (the 93 MB IRR set: 0.05 s against 0.25 s), with the same checks (header, CRC, length).
 */
#include <bzlib.h>
#include <errno.h>
#include <fcntl.h>
#include <isa-l/igzip_lib.h>
#include <lzma.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "core/core.h"

#define NBLOCKS_MIN 4  /* enough to keep both threads busy */
#define NBLOCKS_MAX 64 /* the most a caller may ask to read ahead, in blocks */
#define BLOCK_SIZE (1u << 20)
#define INBUF_SIZE (256u << 10)

struct block {
	uint8_t *data;
	size_t len;
};

struct zinput {
	int fd, own_fd;
	enum zin_codec codec;
	/* bytes read while sniffing, handed out first */
	uint8_t head[8];
	size_t nhead, headpos;
	/* in-memory source */
	const uint8_t *mem;
	size_t memlen, mempos;
	/* ring (compressed input only) */
	pthread_t thread;
	int threaded;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct block blk[NBLOCKS_MAX]; /* the first nblocks are used, allocated when first filled */
	unsigned nblocks;
	unsigned head_i, tail_i; /* consumer / producer block counters */
	int done, stop;
	size_t curpos; /* consumer position in blk[head_i % nblocks] */
	char problem[160];
	int has_problem;
	int bz2_parallel;           /* decode bzip2 with bz2par (a big regular file, 2+ CPUs) */
	_Atomic uint64_t raw_bytes; /* bytes read from the file (the decompressor's progress) */
	uint64_t raw_total;         /* the file's size, 0 when unknown (a pipe) */
};

/* ------------------------------------------------------------ raw reads */

static ssize_t raw_read(struct zinput *in, uint8_t *dst, size_t n)
{
	size_t got = 0;
	while (in->headpos < in->nhead && got < n)
		dst[got++] = in->head[in->headpos++];
	while (got < n) {
		ssize_t k = read(in->fd, dst + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return got ? (ssize_t)got : -1;
		if (k == 0)
			break;
		got += (size_t)k;
		in->raw_bytes += (uint64_t)k;
		if (got > 0 && in->codec == ZIN_CODEC_PLAIN)
			break; /* plain: return what we have */
	}
	return (ssize_t)got;
}

/* ------------------------------------------------------------ codecs */

/* One decompressor: step() consumes from in and produces into out; it returns 0 to go on,
 * 1 at the end of a stream (member), -1 on corrupt data. */
struct codec_state {
	enum zin_codec codec;
	struct inflate_state *gz; /* ~110 KB: on the heap, not the thread's stack */
	bz_stream bz;
	lzma_stream xz;
	ZSTD_DStream *zs;
	int zstd_mid; /* inside a zstd frame */
};

static int codec_init(struct codec_state *c)
{
	switch (c->codec) {
	case ZIN_CODEC_GZIP:
		/* zeroed: isal_inflate_init leaves the history buffer as it is, and a damaged
		 * stream's lookback too far back reads it before the CRC catches it (fuzz_zinput:
		 * the bytes before the complaint depended on the heap's old contents) */
		if (c->gz == NULL)
			c->gz = xcalloc(1, sizeof(*c->gz));
		isal_inflate_init(c->gz);
		c->gz->crc_flag = ISAL_GZIP; /* the header parsed, the CRC and length checked */
		return 0;
	case ZIN_CODEC_BZIP2:
		memset(&c->bz, 0, sizeof(c->bz));
		return BZ2_bzDecompressInit(&c->bz, 0, 0) == BZ_OK ? 0 : -1;
	case ZIN_CODEC_XZ: {
		lzma_stream init = LZMA_STREAM_INIT;
		c->xz = init;
		return lzma_stream_decoder(&c->xz, UINT64_MAX, LZMA_CONCATENATED) == LZMA_OK ? 0
		                                                                             : -1;
	}
	case ZIN_CODEC_ZSTD:
		c->zs = ZSTD_createDStream();
		return c->zs && !ZSTD_isError(ZSTD_initDStream(c->zs)) ? 0 : -1;
	default:
		return -1;
	}
}

static void codec_end(struct codec_state *c)
{
	switch (c->codec) {
	case ZIN_CODEC_GZIP:
		free(c->gz);
		c->gz = NULL;
		break;
	case ZIN_CODEC_BZIP2:
		BZ2_bzDecompressEnd(&c->bz);
		break;
	case ZIN_CODEC_XZ:
		lzma_end(&c->xz);
		break;
	case ZIN_CODEC_ZSTD:
		ZSTD_freeDStream(c->zs);
		break;
	default:
		break;
	}
}

/* in/out are advanced by what was consumed/produced. finish: no more input will come. */
static int codec_step(struct codec_state *c, const uint8_t **in, size_t *inlen, uint8_t **out,
    size_t *outlen, int finish)
{
	int rc = 0;
	switch (c->codec) {
	case ZIN_CODEC_GZIP: { /* the buffers are INBUF_SIZE and BLOCK_SIZE: they fit 32 bits */
		struct inflate_state *g = c->gz;
		g->next_in = (uint8_t *)(uintptr_t)*in, g->avail_in = (uint32_t)*inlen;
		g->next_out = *out, g->avail_out = (uint32_t)*outlen;
		int z = isal_inflate(g);
		rc = z < 0 || z == ISAL_NEED_DICT          ? -1
		     : g->block_state == ISAL_BLOCK_FINISH ? 1
		                                           : 0;
		*in = g->next_in, *inlen = g->avail_in;
		*out = g->next_out, *outlen = g->avail_out;
		break;
	}
	case ZIN_CODEC_BZIP2: {
		c->bz.next_in = (char *)*in, c->bz.avail_in = (unsigned)*inlen;
		c->bz.next_out = (char *)*out, c->bz.avail_out = (unsigned)*outlen;
		int b = BZ2_bzDecompress(&c->bz);
		rc = b == BZ_STREAM_END ? 1 : b == BZ_OK ? 0 : -1;
		*in = (const uint8_t *)c->bz.next_in, *inlen = c->bz.avail_in;
		*out = (uint8_t *)c->bz.next_out, *outlen = c->bz.avail_out;
		break;
	}
	case ZIN_CODEC_XZ: {
		c->xz.next_in = *in, c->xz.avail_in = *inlen;
		c->xz.next_out = *out, c->xz.avail_out = *outlen;
		lzma_ret l = lzma_code(&c->xz, finish ? LZMA_FINISH : LZMA_RUN);
		rc = l == LZMA_STREAM_END ? 1 : (l == LZMA_OK || l == LZMA_BUF_ERROR) ? 0 : -1;
		*in = c->xz.next_in, *inlen = c->xz.avail_in;
		*out = c->xz.next_out, *outlen = c->xz.avail_out;
		break;
	}
	case ZIN_CODEC_ZSTD: {
		ZSTD_inBuffer ib = {*in, *inlen, 0};
		ZSTD_outBuffer ob = {*out, *outlen, 0};
		size_t z = ZSTD_decompressStream(c->zs, &ob, &ib);
		if (ZSTD_isError(z))
			rc = -1;
		else if (ib.pos > 0 || ob.pos > 0) /* a call that did nothing says nothing: */
			c->zstd_mid = z != 0; /* after a frame it hints at the next one's header */
		*in += ib.pos, *inlen -= ib.pos;
		*out += ob.pos, *outlen -= ob.pos;
		break;
	}
	default:
		rc = -1;
	}
	return rc;
}

static const char *codec_name(enum zin_codec c)
{
	static const char *names[] = {"plain", "gzip", "bzip2", "xz", "zstd"};
	return names[c];
}

/* Does p start a new member of the same format? (Otherwise trailing bytes are ignored.) */
static int member_magic(enum zin_codec c, const uint8_t *p, size_t n)
{
	if (c == ZIN_CODEC_GZIP)
		return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
	if (c == ZIN_CODEC_BZIP2)
		return n >= 3 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h';
	return 0;
}

/* ------------------------------------------------------------ producer thread */

static void set_problem(struct zinput *in, const char *msg)
{
	pthread_mutex_lock(&in->mu);
	if (!in->has_problem) {
		snprintf(in->problem, sizeof(in->problem), "%s", msg);
		in->has_problem = 1;
	}
	pthread_mutex_unlock(&in->mu);
}

/* Wait for a free block; NULL when the consumer has stopped. */
static struct block *get_free_block(struct zinput *in)
{
	pthread_mutex_lock(&in->mu);
	while (in->tail_i - in->head_i == in->nblocks && !in->stop)
		pthread_cond_wait(&in->cv, &in->mu);
	struct block *b = in->stop ? NULL : &in->blk[in->tail_i % in->nblocks];
	pthread_mutex_unlock(&in->mu);
	if (b && b->data == NULL) /* only the producer allocates, and the block is not shared */
		b->data = xmalloc(BLOCK_SIZE);
	return b;
}

static void publish_block(struct zinput *in)
{
	pthread_mutex_lock(&in->mu);
	in->tail_i++;
	pthread_cond_broadcast(&in->cv);
	pthread_mutex_unlock(&in->mu);
}

/* bz2par's side of the ring: compressed bytes from the file, decoded ones into blocks. */
static ssize_t par_read(void *arg, uint8_t *buf, size_t n)
{
	return raw_read(arg, buf, n);
}

static int par_write(void *arg, const uint8_t *buf, size_t n)
{
	struct zinput *in = arg;
	while (n > 0) {
		struct block *b = get_free_block(in);
		if (b == NULL)
			return -1; /* the reader stopped */
		b->len = n < BLOCK_SIZE ? n : BLOCK_SIZE;
		memcpy(b->data, buf, b->len);
		buf += b->len, n -= b->len;
		publish_block(in);
	}
	return 0;
}

/* Decode on two threads; 0 when that did the whole file, else the bytes to skip when
 * decoding it again in turn (the file is rewound), or -1 when it cannot be. */
static int64_t try_parallel(struct zinput *in)
{
	struct bz2par_io io = {in, par_read, par_write};
	uint64_t delivered = 0;
	if (bz2par_decode(&io, &delivered) == 0)
		return 0;
	if (in->stop || lseek(in->fd, (off_t)in->nhead, SEEK_SET) < 0)
		return -1;
	in->headpos = 0;
	in->raw_bytes = 0;
	log_debug("bzip2: decoding on one thread from the start, after %llu bytes",
	    (unsigned long long)delivered);
	return (int64_t)delivered;
}

/* A stream being decoded: the compressed bytes at hand and where the stream stands. Member
 * after member (gzip, bzip2; xz and zstd follow theirs in the codec) until the input ends. */
struct decoder {
	struct codec_state c;
	uint8_t *ibuf;
	const uint8_t *ip;
	size_t ilen;
	int eof, in_stream, finished;
	char err[160]; /* why it finished, when not at a clean end */
};

static int decoder_init(struct zinput *in, struct decoder *d)
{
	memset(d, 0, sizeof(*d));
	d->c.codec = in->codec;
	d->in_stream = 1;
	if (codec_init(&d->c) != 0) {
		snprintf(d->err, sizeof(d->err), "cannot initialise the decompressor");
		d->finished = 1;
		return -1;
	}
	d->ibuf = xmalloc(INBUF_SIZE);
	d->ip = d->ibuf;
	return 0;
}

static void decoder_end(struct decoder *d)
{
	codec_end(&d->c);
	free(d->ibuf);
}

/* Decode into out[0..n) until it is full or the stream finishes (d->err set on an error);
 * the bytes produced. */
static size_t decode_into(struct zinput *in, struct decoder *d, uint8_t *out, size_t n)
{
	uint8_t *op = out;
	size_t olen = n;
	while (olen > 0 && !d->finished) {
		if (d->ilen == 0 && !d->eof) {
			ssize_t k = raw_read(in, d->ibuf, INBUF_SIZE);
			if (k < 0) {
				snprintf(d->err, sizeof(d->err), "read error: %s", strerror(errno));
				d->finished = 1;
				break;
			}
			d->ip = d->ibuf, d->ilen = (size_t)k, d->eof = k == 0;
		}
		if (!d->in_stream) { /* between gzip members / bzip2 streams */
			if ((d->ilen == 0 && d->eof) || !member_magic(in->codec, d->ip, d->ilen)) {
				d->finished = 1; /* clean end; trailing bytes are ignored */
				break;
			}
			codec_end(&d->c);
			if (codec_init(&d->c) != 0) {
				snprintf(
				    d->err, sizeof(d->err), "cannot initialise the decompressor");
				d->finished = 1;
				break;
			}
			d->in_stream = 1;
		}
		size_t before_in = d->ilen, before_out = olen;
		int rc = codec_step(&d->c, &d->ip, &d->ilen, &op, &olen, d->eof);
		if (rc < 0) {
			snprintf(
			    d->err, sizeof(d->err), "%s data is corrupt", codec_name(in->codec));
			d->finished = 1;
		} else if (rc == 1 && in->codec != ZIN_CODEC_ZSTD) {
			d->in_stream = 0;
		} else if (d->eof && d->ilen == before_in && olen == before_out) {
			d->finished = 1; /* input exhausted inside a stream */
		}
	}
	return n - olen;
}

static void *producer(void *arg)
{
	struct zinput *in = arg;
	struct decoder d;
	int stopped = 0;
	uint64_t skip = 0; /* bytes the parallel decoder already handed on */
	if (in->bz2_parallel) {
		int64_t r = try_parallel(in);
		if (r <= 0) {
			if (r < 0 && !in->stop)
				set_problem(in, "bzip2 data could not be read again");
			goto done;
		}
		skip = (uint64_t)r;
	}
	if (decoder_init(in, &d) != 0) {
		set_problem(in, d.err);
		goto done;
	}
	while (!d.finished) {
		struct block *b = get_free_block(in);
		if (b == NULL) {
			stopped = 1;
			break;
		}
		b->len = decode_into(in, &d, b->data, BLOCK_SIZE);
		if (skip > 0) {
			size_t k = b->len < skip ? b->len : (size_t)skip;
			memmove(b->data, b->data + k, b->len - k);
			b->len -= k;
			skip -= k;
		}
		if (b->len > 0)
			publish_block(in);
	}
	if (d.err[0]) {
		set_problem(in, d.err);
	} else if (!stopped && (in->codec == ZIN_CODEC_ZSTD ? d.c.zstd_mid : d.in_stream)) {
		char msg[160];
		snprintf(msg, sizeof(msg), "%s stream truncated (input ends inside a stream)",
		    codec_name(in->codec));
		set_problem(in, msg);
	}
	decoder_end(&d);
done:
	pthread_mutex_lock(&in->mu);
	in->done = 1;
	pthread_cond_broadcast(&in->cv);
	pthread_mutex_unlock(&in->mu);
	return NULL;
}

/* ------------------------------------------------------------ public */

static enum zin_codec sniff(const uint8_t *h, size_t n)
{
	if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b)
		return ZIN_CODEC_GZIP;
	if (n >= 3 && h[0] == 'B' && h[1] == 'Z' && h[2] == 'h')
		return ZIN_CODEC_BZIP2;
	if (n >= 6 && memcmp(h,
	                  "\xfd"
	                  "7zXZ\0",
	                  6) == 0)
		return ZIN_CODEC_XZ;
	if (n >= 4 && h[0] == 0x28 && h[1] == 0xb5 && h[2] == 0x2f && h[3] == 0xfd)
		return ZIN_CODEC_ZSTD;
	return ZIN_CODEC_PLAIN;
}

/* bz2par for bzip2 files of this size and more, when there are two CPUs to use */
#define BZ2PAR_MIN (1u << 20)

/* The file opened and its first bytes sniffed: no thread, no lock yet. */
static struct zinput *open_sniffed(const char *path, const char *label)
{
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_err("%s: cannot open: %s", label, strerror(errno));
		return NULL;
	}
	struct zinput *in = xcalloc(1, sizeof(*in));
	in->fd = fd, in->own_fd = fd != 0;
	struct stat sb;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
		in->raw_total = (uint64_t)sb.st_size;
	while (in->nhead < 6) {
		ssize_t k = read(fd, in->head + in->nhead, 6 - in->nhead);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			log_err("%s: read error: %s", label, strerror(errno));
			if (in->own_fd)
				close(fd);
			free(in);
			return NULL;
		}
		if (k == 0)
			break;
		in->nhead += (size_t)k;
	}
	in->codec = sniff(in->head, in->nhead);
	return in;
}

char *zinput_head(const char *path, size_t max, size_t *len)
{
	struct zinput *in = open_sniffed(path, path);
	if (in == NULL)
		return NULL;
	uint8_t *out = xmalloc(max + 1);
	size_t n = 0;
	if (in->codec == ZIN_CODEC_PLAIN) {
		ssize_t k;
		while (n < max && (k = raw_read(in, out + n, max - n)) > 0)
			n += (size_t)k;
	} else {
		struct decoder d;
		if (decoder_init(in, &d) == 0)
			n = decode_into(in, &d, out, max);
		decoder_end(&d);
	}
	out[n] = '\0';
	if (len)
		*len = n;
	if (in->own_fd)
		close(in->fd);
	free(in);
	return (char *)out;
}

struct zinput *zinput_open(
    const char *path, const char *label, size_t readahead, int bz2_sequential)
{
	struct zinput *in = open_sniffed(path, label);
	if (in == NULL || in->codec == ZIN_CODEC_PLAIN)
		return in;
	pthread_mutex_init(&in->mu, NULL);
	pthread_cond_init(&in->cv, NULL);
	in->bz2_parallel = in->codec == ZIN_CODEC_BZIP2 && !bz2_sequential &&
	                   in->raw_total >= BZ2PAR_MIN && sysconf(_SC_NPROCESSORS_ONLN) >= 2;
	in->nblocks = (unsigned)(readahead / BLOCK_SIZE);
	if (in->nblocks < NBLOCKS_MIN)
		in->nblocks = NBLOCKS_MIN;
	if (in->nblocks > NBLOCKS_MAX)
		in->nblocks = NBLOCKS_MAX;
	if (pthread_create(&in->thread, NULL, producer, in) != 0) {
		log_err("%s: cannot start the decompression thread", label);
		zinput_close(in);
		return NULL;
	}
	in->threaded = 1;
	return in;
}

struct zinput *zinput_open_mem(const uint8_t *buf, size_t len)
{
	struct zinput *in = xcalloc(1, sizeof(*in));
	in->fd = -1;
	in->mem = buf, in->memlen = len;
	return in;
}

void zinput_progress(const struct zinput *in, uint64_t *done, uint64_t *total)
{
	*done = in->mem ? in->mempos : in->raw_bytes + in->nhead;
	*total = in->mem ? in->memlen : in->raw_total;
	if (*total && *done > *total)
		*done = *total;
}

ssize_t zinput_read(struct zinput *in, uint8_t *dst, size_t n)
{
	if (in->mem) {
		size_t k = in->memlen - in->mempos < n ? in->memlen - in->mempos : n;
		memcpy(dst, in->mem + in->mempos, k);
		in->mempos += k;
		return (ssize_t)k;
	}
	if (!in->threaded) {
		ssize_t k = raw_read(in, dst, n);
		if (k < 0 && !in->has_problem) {
			snprintf(
			    in->problem, sizeof(in->problem), "read error: %s", strerror(errno));
			in->has_problem = 1;
		}
		return k;
	}
	size_t got = 0;
	pthread_mutex_lock(&in->mu);
	while (got < n) {
		if (in->head_i == in->tail_i) {
			if (in->done || got > 0)
				break;
			pthread_cond_wait(&in->cv, &in->mu);
			continue;
		}
		struct block *b = &in->blk[in->head_i % in->nblocks];
		pthread_mutex_unlock(&in->mu);
		size_t k = b->len - in->curpos < n - got ? b->len - in->curpos : n - got;
		memcpy(dst + got, b->data + in->curpos, k);
		got += k, in->curpos += k;
		pthread_mutex_lock(&in->mu);
		if (in->curpos == b->len) {
			in->curpos = 0;
			in->head_i++;
			pthread_cond_broadcast(&in->cv);
		}
	}
	pthread_mutex_unlock(&in->mu);
	return (ssize_t)got;
}

const char *zinput_problem(const struct zinput *in)
{
	return in->has_problem ? in->problem : NULL;
}

enum zin_codec zinput_codec(const struct zinput *in)
{
	return in->codec;
}

void zinput_close(struct zinput *in)
{
	if (in == NULL)
		return;
	if (in->threaded) {
		pthread_mutex_lock(&in->mu);
		in->stop = 1;
		pthread_cond_broadcast(&in->cv);
		pthread_mutex_unlock(&in->mu);
		pthread_join(in->thread, NULL);
	}
	if (in->threaded || in->codec != ZIN_CODEC_PLAIN) {
		pthread_mutex_destroy(&in->mu);
		pthread_cond_destroy(&in->cv);
	}
	for (unsigned i = 0; i < NBLOCKS_MAX; i++)
		free(in->blk[i].data);
	if (in->own_fd)
		close(in->fd);
	free(in);
}
