/*
 * A hash index over an array the caller owns (the parser's peers, the route state's
 * router/view/peer triples): open addressing of element numbers with their hashes kept, so
 * growing needs no callback. Elements are never removed.
 */
#include <stdlib.h>

#include "bmp/bmp_private.h"

int64_t bmp_index_find(const struct bmp_index *x, uint32_t hash,
    int (*eq)(const void *arg, uint32_t elem), const void *arg)
{
	if (x->cap == 0)
		return -1;
	for (size_t i = hash & (x->cap - 1); x->elem[i]; i = (i + 1) & (x->cap - 1))
		if (x->hash[i] == hash && eq(arg, x->elem[i] - 1))
			return x->elem[i] - 1;
	return -1;
}

static void put(struct bmp_index *x, uint32_t hash, uint32_t elem1)
{
	size_t i = hash & (x->cap - 1);
	while (x->elem[i])
		i = (i + 1) & (x->cap - 1);
	x->elem[i] = elem1;
	x->hash[i] = hash;
}

void bmp_index_add(struct bmp_index *x, uint32_t hash, uint32_t elem)
{
	if ((x->count + 1) * 2 > x->cap) {
		struct bmp_index o = *x;
		x->cap = o.cap ? o.cap * 2 : 64;
		x->elem = xcalloc(x->cap, sizeof(*x->elem));
		x->hash = xcalloc(x->cap, sizeof(*x->hash));
		for (size_t i = 0; i < o.cap; i++)
			if (o.elem[i])
				put(x, o.hash[i], o.elem[i]);
		free(o.elem);
		free(o.hash);
	}
	put(x, hash, elem + 1);
	x->count++;
}

void bmp_index_free(struct bmp_index *x)
{
	free(x->elem);
	free(x->hash);
	x->elem = x->hash = NULL;
	x->cap = x->count = 0;
}

uint32_t bmp_peer_hash(const struct bmp_peer *p, uint32_t seed)
{
	uint8_t k[26];
	k[0] = p->type, k[1] = p->afi;
	memcpy(k + 2, p->addr, 16);
	memcpy(k + 18, p->rd, 8);
	return hash_bytes(k, sizeof(k), seed);
}
