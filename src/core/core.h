/*
 * core — the types every routemark module shares: IP prefixes, ASNs, AS paths, a prefix
 * trie, a bump arena, AS-path interning, a bounds-checked byte cursor, and logging.
 *
 * Conventions: functions return 0 on success and a negative value on error; structs are plain
 * data; the function that allocates says who frees.
 */
#ifndef ROUTEMARK_CORE_H
#define ROUTEMARK_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <sys/types.h>

#define RM_VERSION "0.9.0"

/* ---------------------------------------------------------------- logging */

enum log_level { LOG_LVL_ERR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Set once at start-up (configuration, not state). Messages go to stderr prefixed "routemark: ". */
void log_set_level(enum log_level);
enum log_level log_get_level(void);
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---------------------------------------------------------------- prefixes */

#define AFI_IPV4 1 /* IANA address family numbers, as on the wire */
#define AFI_IPV6 2

/* An IPv4 or IPv6 prefix. addr is in network byte order; bits past len are always zero. */
struct prefix {
	uint8_t afi; /* AFI_IPV4 or AFI_IPV6 */
	uint8_t len; /* 0..32 or 0..128 */
	uint8_t addr[16];
};

#define PREFIX_STRLEN 50 /* "ffff:...:ffff/128" plus NUL, with room */

static inline int prefix_maxlen(uint8_t afi)
{
	return afi == AFI_IPV4 ? 32 : 128;
}

/* Parse "192.0.2.0/24", "2001:db8::/32", or a bare address (host prefix). Returns -1 when the
 * text is not a prefix or has host bits set past the length (a strict parser; see
 * prefix_parse_loose). */
int prefix_parse(const char *s, struct prefix *p);
/* As prefix_parse, but silently clears host bits ("10.1.2.3/8" -> 10.0.0.0/8). */
int prefix_parse_loose(const char *s, struct prefix *p);
/* Build a prefix from wire bytes: nbytes = (len + 7) / 8 bytes of addr. Sets *trailing to 1
 * when bits past len were set (they are cleared). Returns -1 when len is too long for afi. */
int prefix_from_wire(
    struct prefix *p, uint8_t afi, uint8_t len, const uint8_t *bytes, int *trailing);
/* Write the canonical text form into buf (at least PREFIX_STRLEN); returns buf. */
char *prefix_format(const struct prefix *p, char *buf, size_t size);
/* Only the address part ("192.0.2.0"). */
char *prefix_addr_format(uint8_t afi, const uint8_t *addr, char *buf, size_t size);
/* Eight bytes as a big-endian number. */
static inline uint64_t be64_load(const uint8_t *b)
{
	uint64_t v;
	memcpy(&v, b, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* 1 when outer contains inner (same family, outer.len <= inner.len, leading bits equal).
 * Inline: the tries call it at every node they visit. */
static inline int prefix_contains(const struct prefix *outer, const struct prefix *inner)
{
	if (outer->afi != inner->afi || outer->len > inner->len)
		return 0;
	unsigned len = outer->len;
	uint64_t x = be64_load(outer->addr) ^ be64_load(inner->addr);
	if (len <= 64)
		return len == 0 || (x >> (64 - len)) == 0;
	if (x)
		return 0;
	x = be64_load(outer->addr + 8) ^ be64_load(inner->addr + 8);
	return (x >> (128 - len)) == 0;
}

/* Total order: family, then address bytes, then length. */
int prefix_cmp(const struct prefix *a, const struct prefix *b);
/* Bit i (0 = most significant) of the address. */
static inline int prefix_bit(const struct prefix *p, unsigned i)
{
	return (p->addr[i >> 3] >> (7 - (i & 7))) & 1;
}
/* Clear all bits past len. */
void prefix_mask(struct prefix *p);

/* ---------------------------------------------------------------- ASNs */

/* Parse "64500", "AS64500", "as64500" or asdot "1.10"; returns -1 on anything else. */
int asn_parse(const char *s, uint32_t *asn);

/* ---------------------------------------------------------------- AS paths */

enum aspath_seg_type {
	AS_SET = 1,
	AS_SEQUENCE = 2,
	AS_CONFED_SEQUENCE = 3,
	AS_CONFED_SET = 4,
};

/*
 * An AS path in a flat array of 32-bit words: each segment is a header word
 * (type << 16 | count) followed by count ASNs. This is compact, hashable, and walks with a
 * plain loop; interned paths share one copy.
 */
struct aspath {
	uint32_t nwords;
	uint32_t hash; /* set by aspath_intern; 0 otherwise */
	uint32_t w[];
};

#define ASPATH_SEG_TYPE(h) ((h) >> 16)
#define ASPATH_SEG_COUNT(h) ((h)&0xffff)
#define ASPATH_SEG_HDR(t, n) (((uint32_t)(t) << 16) | (uint32_t)(n))

/* A growable AS-path builder. Free with aspath_buf_free. */
struct aspath_buf {
	uint32_t *w;
	uint32_t n, cap;
	uint32_t last_hdr; /* index of the open segment's header, or UINT32_MAX */
};

void aspath_buf_init(struct aspath_buf *b);
void aspath_buf_reset(struct aspath_buf *b);
void aspath_buf_free(struct aspath_buf *b);
/* Start a new segment of the given type; ASNs appended go into it. */
int aspath_buf_segment(struct aspath_buf *b, enum aspath_seg_type type);
int aspath_buf_push(struct aspath_buf *b, uint32_t asn);
/* Number of ASNs a path counts for best-path length: a SEQUENCE counts each ASN, a SET
 * counts 1, confederation segments count 0 (RFC 5065). */
int aspath_words_length(const uint32_t *w, uint32_t nwords);

/* Origin AS: the last ASN when the path ends in an AS_SEQUENCE. Returns -1 when the path is
 * empty or ends in a set (RFC 6811: no origin). */
int aspath_words_origin(const uint32_t *w, uint32_t nwords, uint32_t *origin);
/* First AS (the neighbour that sent the route); -1 when empty or the first segment is a set. */
int aspath_words_first(const uint32_t *w, uint32_t nwords, uint32_t *first);
/* Text form as bgpdump prints it: "1 2 3 {4,5}" with confederations as "(..)" / "[..]".
 * Returns the length written (truncated with "..." if it would not fit). */
size_t aspath_words_format(const uint32_t *w, uint32_t nwords, char *buf, size_t size);
/* Parse the text form above. Returns -1 on bad syntax. */
int aspath_parse(const char *s, struct aspath_buf *b);
/* 1 if the path holds an AS_SET or AS_CONFED_SET segment. */
int aspath_words_has_set(const uint32_t *w, uint32_t nwords);

/* ---------------------------------------------------------------- arena */

/* A bump allocator: many small allocations, freed all at once. */
struct arena {
	struct arena_chunk *head;
	size_t chunk_size;
	size_t total; /* bytes handed out */
};

void arena_init(struct arena *a, size_t chunk_size);
void *arena_alloc(struct arena *a, size_t size); /* 8-byte aligned; aborts on OOM */
char *arena_strdup(struct arena *a, const char *s);
/* A formatted string in the arena, of whatever length. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(struct arena *a);

/* ---------------------------------------------------------------- JSON writer */

/* Compact JSON appended to a growable, NUL-terminated buffer (jsonw.c): for hot paths
 * only; everything else builds json-c objects. Commas are placed automatically. */
#define JSONW_MAX_DEPTH 32
struct jsonw {
	char *s; /* the text so far (NULL until something is written) */
	size_t len, cap;
	int depth, first, after_key;
};

void jsonw_init(struct jsonw *j);
void jsonw_reset(struct jsonw *j); /* empty again; keeps the buffer */
void jsonw_free(struct jsonw *j);
void jsonw_object(struct jsonw *j);
void jsonw_end_object(struct jsonw *j);
void jsonw_array(struct jsonw *j);
void jsonw_end_array(struct jsonw *j);
void jsonw_key(struct jsonw *j, const char *key);
void jsonw_string(struct jsonw *j, const char *s); /* NULL writes "" */
void jsonw_int(struct jsonw *j, int64_t v);
void jsonw_kstr(struct jsonw *j, const char *key, const char *s);
void jsonw_kint(struct jsonw *j, const char *key, int64_t v);
/* Text that is JSON already (one value, e.g. a finding's evidence), as the next value. */
void jsonw_raw(struct jsonw *j, const char *json);
/* s as a JSON string straight to f: quoted, with " and \ escaped and control characters as
 * \u00XX (the CLI's JSON lines). */
void json_fputs(FILE *f, const char *s);

/* ---------------------------------------------------------------- interning */

/* A set of unique AS paths: equal paths share one immutable struct aspath. */
struct aspath_table {
	const struct aspath **slot;
	size_t nslots, count;
	struct arena arena;
};

void aspath_table_init(struct aspath_table *t);
const struct aspath *aspath_intern(struct aspath_table *t, const uint32_t *w, uint32_t nwords);
void aspath_table_free(struct aspath_table *t);

/* ---------------------------------------------------------------- prefix trie */

/*
 * A path-compressed binary trie (one per address family inside) mapping prefixes to a
 * caller's value pointer. Lookups: exact, longest match, and walks over all covering
 * (less-specific or equal) and all covered (more-specific or equal) prefixes.
 */
struct trie_node;
struct trie {
	struct trie_node *root[2]; /* [0] IPv4, [1] IPv6 */
	size_t count;
	struct arena arena;
	/* The nodes containing the last inserted prefix, root first: an insert starts below the
	 * deepest of them that contains the new prefix (sorted input skips most of the walk). */
	struct trie_node **path;
	unsigned npath;
};

void trie_init(struct trie *t);
void trie_free(struct trie *t);
/* Insert p. If p is present its value slot is returned unchanged; *created says which. Returns
 * the address of the value slot so that callers can chain lists. */
void **trie_insert(struct trie *t, const struct prefix *p, int *created);
void *trie_exact(const struct trie *t, const struct prefix *p);
/* Longest prefix containing p; fills *match when non-NULL. */
void *trie_longest(const struct trie *t, const struct prefix *p, struct prefix *match);
/* Call fn for every stored prefix containing p (shortest first). Stops early when fn returns
 * non-zero, and returns that value. */
typedef int (*trie_walk_fn)(const struct prefix *p, void *value, void *arg);
int trie_walk_covering(const struct trie *t, const struct prefix *p, trie_walk_fn fn, void *arg);
/* Call fn for every stored prefix contained in p (including p), in address order. */
int trie_walk_covered(const struct trie *t, const struct prefix *p, trie_walk_fn fn, void *arg);
/* Every stored prefix, in address order, IPv4 first. */
int trie_walk_all(const struct trie *t, trie_walk_fn fn, void *arg);

/* ---------------------------------------------------------------- byte cursor */

/* v as 4 bytes in network order (communities as the UPDATE carries them). */
static inline void be32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The 4 bytes at p in network order. */
static inline uint32_t be32_load(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Bounds-checked reading of wire data: every get fails (returns -1) instead of reading past
 * the end, and leaves the cursor unchanged on failure. */
struct cursor {
	const uint8_t *p;
	size_t len;
};

static inline struct cursor cursor_make(const uint8_t *p, size_t len)
{
	struct cursor c = {p, len};
	return c;
}
static inline int cur_u8(struct cursor *c, uint8_t *v)
{
	if (c->len < 1)
		return -1;
	*v = c->p[0];
	c->p++, c->len--;
	return 0;
}
static inline int cur_u16(struct cursor *c, uint16_t *v)
{
	if (c->len < 2)
		return -1;
	*v = (uint16_t)((c->p[0] << 8) | c->p[1]);
	c->p += 2, c->len -= 2;
	return 0;
}
static inline int cur_u32(struct cursor *c, uint32_t *v)
{
	if (c->len < 4)
		return -1;
	*v = ((uint32_t)c->p[0] << 24) | ((uint32_t)c->p[1] << 16) | ((uint32_t)c->p[2] << 8) |
	     c->p[3];
	c->p += 4, c->len -= 4;
	return 0;
}
static inline int cur_bytes(struct cursor *c, void *dst, size_t n)
{
	if (c->len < n)
		return -1;
	for (size_t i = 0; i < n; i++)
		((uint8_t *)dst)[i] = c->p[i];
	c->p += n, c->len -= n;
	return 0;
}
/* The next byte, left unread. */
static inline int cur_peek_u8(const struct cursor *c, uint8_t *v)
{
	if (c->len < 1)
		return -1;
	*v = c->p[0];
	return 0;
}
/* One byte into a 16-bit value (a length field that is one byte or two by a flag). */
static inline int cur_u8_as16(struct cursor *c, uint16_t *v)
{
	if (c->len < 1)
		return -1;
	*v = c->p[0];
	c->p++, c->len--;
	return 0;
}
/* Split off the next n bytes as a sub-cursor. */
static inline int cur_sub(struct cursor *c, size_t n, struct cursor *sub)
{
	if (c->len < n)
		return -1;
	sub->p = c->p, sub->len = n;
	c->p += n, c->len -= n;
	return 0;
}
static inline int cur_skip(struct cursor *c, size_t n)
{
	if (c->len < n)
		return -1;
	c->p += n, c->len -= n;
	return 0;
}

/* ---------------------------------------------------------------- misc */

void *xmalloc(size_t n); /* abort with a message on OOM */
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* realloc of nmemb * size bytes, aborting on overflow of the product as on OOM. Every array
 * that grows goes through it (or xgrow). */
void *xreallocarray(void *p, size_t nmemb, size_t size);
/* Make room for at least need elements of size bytes in *p (capacity *cap, doubled, at least
 * 16), overflow-checked. */
void xgrow(void **p, size_t *cap, size_t need, size_t size);
/* The common case (room left) without a call: XGROW runs once per appended element. */
static inline void xgrow_inline(void **p, size_t *cap, size_t need, size_t size)
{
	if (need > *cap)
		xgrow(p, cap, need, size);
}
#define XGROW(arr, cap, need) xgrow_inline((void **)&(arr), &(cap), (need), sizeof(*(arr)))
/* A newly allocated formatted string: no size guesses for strings built from input. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xstrdup(const char *s);
/* qsort order of uint32_t values. */
int u32_cmp(const void *a, const void *b);
/* Sort v by its bits [lo, hi) (hi - lo a multiple of 16), stable: ties keep their order. An
 * LSD radix sort, 16 bits a pass; for keys packed with an index, e.g. key << 32 | i. */
void u64_radix_sort(uint64_t *v, size_t n, unsigned lo, unsigned hi);
/* Binary search over n elements of size bytes sorted ascending by the uint32_t at offset in
 * each (size sizeof(uint32_t), offset 0: a plain array): the first index whose key is >= x,
 * n when there is none. */
size_t u32_lower_bound(const void *base, size_t n, size_t size, size_t offset, uint32_t x);
uint32_t hash_bytes(const void *p, size_t n, uint32_t seed); /* FNV-1a style, fast enough */
/* t (Unix seconds) as "2014-05-30 22:00 UTC" in buf; "-" when t <= 0. Returns the text. */
const char *time_utc_format(int64_t t, char *buf, size_t size);
/* t (UTC) formatted by strftime's fmt; "-" when t <= 0. */
const char *time_utc_strftime(int64_t t, const char *fmt, char *buf, size_t size);
/* Unix seconds, or YYYY-MM-DD[(T| )HH:MM[:SS]][Z] in UTC; -1 when malformed. */
int time_parse_utc(const char *s, int64_t *out);
double clock_mono(void);       /* seconds on the monotonic clock (for intervals) */
double clock_thread_cpu(void); /* CPU seconds used by the calling thread */

/* Split "HOST:PORT" or "[V6ADDR]:PORT" into newly allocated host (brackets removed) and
 * port. An unbracketed host with a colon (a bare IPv6 address) is ambiguous and refused, as
 * are an empty host or port and a port that is not 1..65535 or a service name. Returns 0, or
 * -1 with *err (static text) saying why. */
int hostport_split(const char *s, char **host, char **port, const char **err);

/* Write s to f with &, <, >, " and ' escaped for HTML text and attribute values. */
void html_escape(FILE *f, const char *s);
/* markup as it is, then text escaped: the two halves of most lines of an HTML page. */
void html_put(FILE *f, const char *markup, const char *text);

/* Split s in place on whitespace into at most max fields; returns the count. */
int split_ws(char *s, char **fields, int max);

/* ---------------------------------------------------------------- compressed input (zinput.c) */

/* A byte source: a file or stdin with the compression detected from its first bytes (gzip,
 * bzip2, xz, zstd, else plain), decompressed in a separate thread when compressed. Every
 * reader of input files uses it (MRT, VRPs, IRR, relationships, registries). */
struct zinput;

enum zin_codec { ZIN_CODEC_PLAIN, ZIN_CODEC_GZIP, ZIN_CODEC_BZIP2, ZIN_CODEC_XZ, ZIN_CODEC_ZSTD };

/* Open path ("-" = stdin); on failure log and return NULL. */
/* readahead: bytes the decompressor may run ahead of the reader (4 MiB at least, 64 at most) */
/* bz2_sequential: decode bzip2 on one thread even when bz2par could (tests, comparisons) */
struct zinput *zinput_open(
    const char *path, const char *label, size_t readahead, int bz2_sequential);
struct zinput *zinput_open_mem(const uint8_t *buf, size_t len);
/* Copy up to n bytes into dst. Returns the count (0 at the end of data) or -1 on a read error. */
ssize_t zinput_read(struct zinput *in, uint8_t *dst, size_t n);
/* Bytes of the file read so far and its size (0 when unknown, e.g. a pipe). */
void zinput_progress(const struct zinput *in, uint64_t *done, uint64_t *total);
/* After the end of data: NULL when the stream ended cleanly, else what went wrong (e.g.
 * "bzip2 stream truncated"). */
const char *zinput_problem(const struct zinput *in);
enum zin_codec zinput_codec(const struct zinput *in);
void zinput_close(struct zinput *in);

/* The first max bytes of a file, decompressed on the caller's thread and no further (a
 * header's date costs one bzip2 block, not the reader's read-ahead), NUL-terminated; *len
 * (if given) their count. A damaged or cut stream gives what came before it. NULL (logged)
 * when the file cannot be opened. */
char *zinput_head(const char *path, size_t max, size_t *len);

/* A whole file (decompressed as above) into memory, NUL-terminated; *len its length. NULL
 * (message logged, naming the file and offset) when it cannot be read or its compressed
 * stream is damaged or cut. */
char *zinput_slurp(const char *path, size_t *len);

/* Lines of a file through zinput. */
struct zlines {
	const char *path;
	struct zinput *in;
	char *buf;
	size_t cap, start, end; /* unread bytes are buf[start..end) */
	int eof, err;
	uint64_t lineno;
	uint64_t offset; /* offset of the current line in the decompressed stream */
};
/* Open path ("-" = stdin); -1 (message logged) when it cannot be opened. */
int zlines_open(struct zlines *l, const char *path);
/* Next line into *line (NUL-terminated, without its "\n" or "\r\n"; valid until the next
 * call) and its length. 1 a line, 0 the end, -1 a read or decompression error (logged with
 * the file and where). */
int zlines_next(struct zlines *l, char **line, size_t *len);
void zlines_close(struct zlines *l);

/* ---------------------------------------------------------------- parallel bzip2 (bz2par.c) */

/* Where bz2par_decode reads compressed bytes and hands decoded ones (write: 0, or -1 to
 * stop). */
struct bz2par_io {
	void *arg;
	ssize_t (*read)(void *arg, uint8_t *buf, size_t n);
	int (*write)(void *arg, const uint8_t *buf, size_t n);
};

/* Decode a whole bzip2 file on two threads, in order. 0 when it ended cleanly; -1 when it
 * stopped (damage, truncation, anything unexpected, or write refused) after handing on
 * *delivered bytes: decode it in turn from the start then, skipping those. */
int bz2par_decode(const struct bz2par_io *io, uint64_t *delivered);

#endif
