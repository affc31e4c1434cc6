/* bmp internals of the route state: the attribute set table (attrs.c) and the prefix table
 * (pindex.c) used by rib.c. */
#ifndef ROUTEMARK_BMP_RIB_PRIVATE_H
#define ROUTEMARK_BMP_RIB_PRIVATE_H

#include <stddef.h>
#include <string.h>

#include "bmp/bmp_private.h"

/* Make room for need elements, growing by a quarter (at least 1,024): the route and prefix
 * arrays hold most of the state's memory, and doubling would leave up to half of them unused
 * (the bound of 100 bytes a route holds with a quarter). */
static inline void rib_grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return;
	size_t c = *cap < 1024 ? 1024 : *cap + *cap / 4;
	if (c < need)
		c = need;
	*p = xreallocarray(*p, c, size);
	*cap = c;
}
#define RIB_GROW(arr, cap, need) rib_grow((void **)&(arr), &(cap), (need), sizeof(*(arr)))

/* Interned attribute sets: a chained hash of struct bmp_attrs. */
struct attr_table {
	struct bmp_attrs **b;
	size_t nb, count;
	size_t bytes; /* of the sets */
	struct bmp_attrs *scratch;
	size_t scratch_cap;
	struct bmp_attrs **byid; /* [id]: the set (NULL: free id); [0] unused */
	size_t idcap;
	uint32_t nid;       /* ids handed out so far (the highest + 1) */
	uint32_t *free_ids; /* ids of freed sets, for reuse */
	size_t nfree, free_cap;
};

void attr_table_init(struct attr_table *t);
void attr_table_free(struct attr_table *t);
/* The shared set equal to in, with one more reference. */
const struct bmp_attrs *attr_intern(struct attr_table *t, const struct bgp_attrs *in);
/* The set of an id from attr_intern. */
static inline const struct bmp_attrs *attr_get(const struct attr_table *t, uint32_t id)
{
	return t->byid[id];
}
/* Drop one reference; the set is freed with its last. */
void attr_release(struct attr_table *t, const struct bmp_attrs *a);

/*
 * The distinct prefixes of the route state (pindex.c): a dense array of entries with stable
 * ids (a free list reuses them), a hash of ids, and a block index for coverage queries: every
 * prefix is filed in the block of its first address (IPv4 /16, IPv6 /32), so the prefixes a
 * prefix covers are in the blocks its range spans.
 */
#define PFX_NONE UINT32_MAX

struct rib_pfx {
	uint8_t afi; /* 0: a free entry */
	uint8_t len;
	uint16_t unused;
	uint32_t head; /* the first route of the prefix (rib.c's chain); free: next free id */
	uint8_t addr[16];
};

struct bmp_ptab_block {
	uint64_t key;  /* afi << 32 | the block's top bits; 0: empty */
	uint32_t *ids; /* the prefixes filed here, unordered */
	uint32_t n, cap;
};

struct bmp_ptab {
	struct rib_pfx *p;
	size_t n, cap;      /* n: entries used so far (live or free) */
	size_t count;       /* live prefixes */
	uint32_t free_head; /* PFX_NONE: none */
	uint32_t *h;        /* id + 1; 0: empty. Linear probing, backward-shift deletion */
	size_t hcap;
	struct bmp_ptab_block *blk; /* open addressing on key */
	size_t bcap, nblk;
	size_t block_id_bytes; /* capacity of the blocks' id arrays, in bytes */
};

void bmp_ptab_init(struct bmp_ptab *t);
void bmp_ptab_free(struct bmp_ptab *t);
/* The id of prefix p (masked), or PFX_NONE. */
uint32_t bmp_ptab_find(const struct bmp_ptab *t, const struct prefix *p);
/* The id of p, added (head PFX_NONE) when new. */
uint32_t bmp_ptab_add(struct bmp_ptab *t, const struct prefix *p);
/* Forget prefix id (its routes are gone). */
void bmp_ptab_remove(struct bmp_ptab *t, uint32_t id);
static inline void bmp_ptab_get(const struct bmp_ptab *t, uint32_t id, struct prefix *out)
{
	const struct rib_pfx *e = &t->p[id];
	out->afi = e->afi, out->len = e->len;
	memcpy(out->addr, e->addr, 16);
}
/* Call fn for every prefix p covers (p itself and each more specific one); stops when fn
 * returns non-zero and returns that. */
int bmp_ptab_covered(
    const struct bmp_ptab *t, const struct prefix *p, int (*fn)(uint32_t id, void *arg), void *arg);
/* Bytes held: entries, hash, blocks. */
size_t bmp_ptab_bytes(const struct bmp_ptab *t);

#endif
