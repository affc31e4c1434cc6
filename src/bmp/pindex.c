/*
 * The route state's prefix table (see rib_private.h): distinct prefixes with stable ids, found
 * by a hash of ids, and a block index for coverage queries. A query for prefix p reads the
 * blocks p's range spans (one when p is at least a /16 or an IPv6 /32; when it spans more
 * blocks than exist, every block, filtered by range) and keeps the prefixes p contains. Cost
 * a distinct prefix: a 24-byte entry, 4-8 bytes of hash and about 4-8 bytes in its block.
 */
#include <stdlib.h>
#include <string.h>

#include "bmp/rib_private.h"

void bmp_ptab_init(struct bmp_ptab *t)
{
	memset(t, 0, sizeof(*t));
	t->free_head = PFX_NONE;
	t->hcap = 1024;
	t->h = xcalloc(t->hcap, sizeof(*t->h));
	t->bcap = 1024;
	t->blk = xcalloc(t->bcap, sizeof(*t->blk));
}

void bmp_ptab_free(struct bmp_ptab *t)
{
	free(t->p);
	free(t->h);
	for (size_t i = 0; i < t->bcap; i++)
		free(t->blk[i].ids);
	free(t->blk);
	memset(t, 0, sizeof(*t));
}

static uint32_t pfx_hash(uint8_t afi, uint8_t len, const uint8_t *addr)
{
	uint8_t k[18];
	k[0] = afi, k[1] = len;
	memcpy(k + 2, addr, 16);
	return hash_bytes(k, sizeof(k), 0x706678);
}

static int pfx_eq(const struct rib_pfx *e, const struct prefix *p)
{
	return e->afi == p->afi && e->len == p->len && memcmp(e->addr, p->addr, 16) == 0;
}

/* The hash slot of p, or the empty slot where it would go. */
static size_t hslot(const struct bmp_ptab *t, const struct prefix *p)
{
	size_t mask = t->hcap - 1, i = pfx_hash(p->afi, p->len, p->addr) & mask;
	while (t->h[i] && !pfx_eq(&t->p[t->h[i] - 1], p))
		i = (i + 1) & mask;
	return i;
}

uint32_t bmp_ptab_find(const struct bmp_ptab *t, const struct prefix *p)
{
	size_t i = hslot(t, p);
	return t->h[i] ? t->h[i] - 1 : PFX_NONE;
}

static size_t home_of(const struct bmp_ptab *t, uint32_t id)
{
	const struct rib_pfx *e = &t->p[id];
	return pfx_hash(e->afi, e->len, e->addr) & (t->hcap - 1);
}

static void hgrow(struct bmp_ptab *t)
{
	uint32_t *old = t->h;
	size_t n = t->hcap;
	t->hcap *= 2;
	t->h = xcalloc(t->hcap, sizeof(*t->h));
	for (size_t i = 0; i < n; i++) {
		if (!old[i])
			continue;
		size_t j = home_of(t, old[i] - 1);
		while (t->h[j])
			j = (j + 1) & (t->hcap - 1);
		t->h[j] = old[i];
	}
	free(old);
}

/* ------------------------------------------------------------ blocks */

static uint64_t block_key(const struct prefix *p)
{
	uint32_t top = p->afi == AFI_IPV4
	                   ? (uint32_t)p->addr[0] << 8 | p->addr[1]
	                   : (uint32_t)p->addr[0] << 24 | (uint32_t)p->addr[1] << 16 |
	                         (uint32_t)p->addr[2] << 8 | p->addr[3];
	return (uint64_t)p->afi << 32 | top;
}

static size_t bslot(const struct bmp_ptab *t, uint64_t key)
{
	size_t mask = t->bcap - 1;
	size_t i = (size_t)((key * 0x9E3779B97F4A7C15ULL) >> 32) & mask;
	while (t->blk[i].key && t->blk[i].key != key)
		i = (i + 1) & mask;
	return i;
}

static void bgrow(struct bmp_ptab *t)
{
	struct bmp_ptab_block *old = t->blk;
	size_t n = t->bcap;
	t->bcap *= 2;
	t->blk = xcalloc(t->bcap, sizeof(*t->blk));
	for (size_t i = 0; i < n; i++)
		if (old[i].key)
			t->blk[bslot(t, old[i].key)] = old[i];
	free(old);
}

static void block_add(struct bmp_ptab *t, const struct prefix *p, uint32_t id)
{
	uint64_t key = block_key(p);
	struct bmp_ptab_block *b = &t->blk[bslot(t, key)];
	if (b->key == 0) {
		if ((t->nblk + 1) * 2 > t->bcap) {
			bgrow(t);
			b = &t->blk[bslot(t, key)];
		}
		b->key = key;
		t->nblk++;
	}
	if (b->n == b->cap) {
		uint32_t cap = b->cap ? b->cap * 2 : 4;
		b->ids = xreallocarray(b->ids, cap, sizeof(*b->ids));
		t->block_id_bytes += (size_t)(cap - b->cap) * sizeof(*b->ids);
		b->cap = cap;
	}
	b->ids[b->n++] = id;
}

static void block_remove(struct bmp_ptab *t, const struct prefix *p, uint32_t id)
{
	struct bmp_ptab_block *b = &t->blk[bslot(t, block_key(p))];
	for (uint32_t i = 0; i < b->n; i++) {
		if (b->ids[i] == id) {
			b->ids[i] = b->ids[--b->n];
			break;
		}
	}
	if (b->n == 0 && b->cap > 4) { /* keep the key: blocks are never removed */
		t->block_id_bytes -= (size_t)b->cap * sizeof(*b->ids);
		free(b->ids);
		b->ids = NULL;
		b->cap = 0;
	}
}

/* ------------------------------------------------------------ add, remove */

uint32_t bmp_ptab_add(struct bmp_ptab *t, const struct prefix *p)
{
	size_t i = hslot(t, p);
	if (t->h[i])
		return t->h[i] - 1;
	uint32_t id;
	if (t->free_head != PFX_NONE) {
		id = t->free_head;
		t->free_head = t->p[id].head;
	} else {
		RIB_GROW(t->p, t->cap, t->n + 1);
		id = (uint32_t)t->n++;
	}
	struct rib_pfx *e = &t->p[id];
	e->afi = p->afi, e->len = p->len, e->unused = 0;
	e->head = PFX_NONE;
	memcpy(e->addr, p->addr, 16);
	t->h[i] = id + 1;
	t->count++;
	block_add(t, p, id);
	if (t->count * 4 > t->hcap * 3)
		hgrow(t);
	return id;
}

void bmp_ptab_remove(struct bmp_ptab *t, uint32_t id)
{
	struct prefix p;
	bmp_ptab_get(t, id, &p);
	size_t mask = t->hcap - 1, i = hslot(t, &p), j = i;
	if (!t->h[i])
		return;
	block_remove(t, &p, id);
	/* backward-shift deletion (Knuth's algorithm R) */
	for (;;) {
		t->h[i] = 0;
		for (;;) {
			j = (j + 1) & mask;
			if (t->h[j] == 0)
				goto done;
			size_t h = home_of(t, t->h[j] - 1);
			if (i <= j ? (i < h && h <= j) : (i < h || h <= j))
				continue;
			break;
		}
		t->h[i] = t->h[j];
		i = j;
	}
done:
	t->p[id].afi = 0;
	t->p[id].head = t->free_head;
	t->free_head = id;
	t->count--;
}

/* ------------------------------------------------------------ coverage */

static int scan_block(const struct bmp_ptab *t, const struct bmp_ptab_block *b,
    const struct prefix *p, int (*fn)(uint32_t id, void *arg), void *arg)
{
	for (uint32_t k = 0; k < b->n; k++) {
		struct prefix q;
		bmp_ptab_get(t, b->ids[k], &q);
		if (prefix_contains(p, &q)) {
			int rc = fn(b->ids[k], arg);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int bmp_ptab_covered(
    const struct bmp_ptab *t, const struct prefix *p, int (*fn)(uint32_t id, void *arg), void *arg)
{
	if (p->afi != AFI_IPV4 && p->afi != AFI_IPV6)
		return 0;
	struct prefix m = *p;
	prefix_mask(&m);
	unsigned bits = p->afi == AFI_IPV4 ? 16 : 32;
	uint64_t first = block_key(&m);
	uint64_t nb = m.len >= bits ? 1 : (uint64_t)1 << (bits - m.len);
	int rc;
	if (nb <= t->nblk) {
		for (uint64_t k = first; k < first + nb; k++) {
			const struct bmp_ptab_block *b = &t->blk[bslot(t, k)];
			if (b->key && (rc = scan_block(t, b, &m, fn, arg)) != 0)
				return rc;
		}
		return 0;
	}
	for (size_t i = 0; i < t->bcap; i++) { /* fewer blocks exist than the range holds */
		const struct bmp_ptab_block *b = &t->blk[i];
		if (b->key >= first && b->key < first + nb && (rc = scan_block(t, b, &m, fn, arg)))
			return rc;
	}
	return 0;
}

size_t bmp_ptab_bytes(const struct bmp_ptab *t)
{
	return t->cap * sizeof(*t->p) + t->hcap * sizeof(*t->h) + t->bcap * sizeof(*t->blk) +
	       t->block_id_bytes;
}
