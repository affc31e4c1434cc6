/* rpki internals shared by vrp.c (table and index), rov.c (lookups) and the loaders. */
#ifndef ROUTEMARK_RPKI_PRIVATE_H
#define ROUTEMARK_RPKI_PRIVATE_H

#include <stdatomic.h>

#include "rpki/rpki.h"

/*
 * The VRP index. VRPs are sorted by (family, length, address, maxlen, asn).
 *
 * IPv4: the address space is cut into 2^16 blocks (/16s). Every VRP of length 8..32 is filed
 * as an 8-byte entry in each block it overlaps (a /12 in 16 blocks, a /24 in one), so one
 * block's entries are every VRP that can cover a route in it. A lookup reads the block's
 * header (an L2-resident array) and scans its entries (usually one or two cache lines):
 * typically one memory miss per route. Entries of VRPs no longer than /16 come first, then
 * the longer ones sorted by address, which bounds the scan in dense blocks. VRPs shorter than
 * /8 (rare) are kept apart and checked on every lookup.
 *
 * IPv6: a hash of (length, address) -> run of VRPs, a bitmap of the lengths that occur, and a
 * filter keyed by the top 24 bits giving the lengths whose VRPs overlap that /24, so a route
 * probes only lengths that can cover it.
 */
struct vrp_ent4 {
	uint16_t lo; /* address bits 16..31, masked to the length (0 for length <= 16) */
	uint8_t len;
	uint8_t maxlen;
	uint32_t asn;
};

struct vrp_blk4 {
	uint32_t start;  /* first entry; the block ends at the next block's start */
	uint32_t nshort; /* entries of length <= 16 (they come first) */
};

/* An IPv6 hash slot: one prefix and its run of VRPs. Most prefixes have a single VRP; its
 * maxLength and AS are kept in the slot, so the common probe touches one cache line. */
struct vrp_slot6 {
	uint64_t hi, lo;
	uint8_t len;
	uint8_t maxlen;
	uint16_t count;
	uint32_t val;
};

struct vrp_block6 {
	uint64_t m[3]; /* lengths 0..128 */
	uint32_t key;  /* top 24 bits of the address */
	uint32_t used;
};

#define VRP4_BLOCK_BITS 16
#define VRP4_ALWAYS_BELOW 8
#define VRP6_BLOCK_BITS 24 /* IPv6 block filter: hash keyed by the top 24 bits */
#define VRP6_ALWAYS_BELOW 20

struct vrp_table {
	struct vrp *v;
	size_t n, cap;
	int built;
	struct vrp_ta tas[VRP_MAX_TAS]; /* vrp_table_tas */
	size_t ntas, lastta;
	atomic_int refs;

	/* IPv4 */
	struct vrp_blk4 *blk4; /* 2^16 + 1 headers */
	struct vrp_ent4 *ent4;
	size_t nent4;
	const struct vrp *short4; /* VRPs shorter than /8: a run of v[] */
	size_t nshort4;

	/* IPv6 */
	uint64_t lens6[3];
	uint64_t always6[3];
	struct vrp_block6 *block6;
	uint32_t bmask6;
	int bshift6;
	struct vrp_slot6 *slot6;
	uint32_t mask6;
	int shift6;
};

static inline uint32_t vrp_hash6(uint64_t hi, uint64_t lo, unsigned len, int shift)
{
	uint64_t k = (hi ^ (lo * 0xC2B2AE3D27D4EB4FULL) ^ len) * 0x9E3779B97F4A7C15ULL;
	return (uint32_t)(k >> shift);
}

static inline uint32_t vrp_hash_block6(uint32_t key, int shift)
{
	return (uint32_t)(((uint64_t)key * 0x9E3779B97F4A7C15ULL) >> shift);
}

static inline uint32_t vrp_addr4(const struct prefix *p)
{
	return (uint32_t)p->addr[0] << 24 | (uint32_t)p->addr[1] << 16 | (uint32_t)p->addr[2] << 8 |
	       p->addr[3];
}

static inline uint64_t vrp_load64(const uint8_t *b)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

/* Mask of bits 0..len inclusive in a 64-bit word array of 3 words. */
static inline void vrp_mask_upto(uint64_t m[3], unsigned len)
{
	for (unsigned w = 0; w < 3; w++) {
		unsigned lo = w * 64;
		if (len < lo)
			m[w] = 0;
		else if (len - lo >= 63)
			m[w] = ~0ULL;
		else
			m[w] = (2ULL << (len - lo)) - 1;
	}
}

/* ------------------------------------------------------------ loaders */

struct load_ctx {
	struct vrp_table *t;
	struct aspa_table *aspa;
	const char *name;
	int strict;
	struct vrp_load_stats *st;
	long item; /* JSON: index in "roas" named in messages when there is no line, else -1 */
	/* the trust anchor of the record being read (set by the format's parser before each
	 * load_vrp; counted in the table when its VRP is added) */
	int has_ta;
	const char *ta;
	size_t talen;
};

/* Record a malformed record at line (0 = unknown): warn, count, keep the first message.
 * Returns -2 under strict (the caller stops), else 0. */
int load_bad(struct load_ctx *c, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Parse and add one VRP from text fields; maxlen_s NULL means maxLength = prefix length.
 * Returns 0, or what load_bad returns. */
int load_vrp_text(
    struct load_ctx *c, size_t line, const char *asn_s, const char *prefix_s, const char *maxlen_s);
int load_vrp(struct load_ctx *c, size_t line, uint32_t asn, const char *prefix_s, long maxlen);
/* One more VRP under trust anchor name (len bytes) in t's vrp_table_tas. */
void vrp_table_count_ta(struct vrp_table *t, const char *name, size_t len);

int vrp_load_json(struct load_ctx *c, const char *buf, size_t len);
int vrp_load_csv(struct load_ctx *c, const char *buf, size_t len);
int vrp_load_rcynic(struct load_ctx *c, const char *buf, size_t len);

#endif
