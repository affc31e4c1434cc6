/* A hash table of fixed-size entries that begin with their key (compared with memcmp, so
 * callers zero the whole key before filling it). Entries live in one growable array, so
 * they can be walked in insertion order; pointers into it move when it grows.
 *
 * Large arrays (the routing table: a million entries, 56 MB) are mapped and grown with
 * mremap, which moves pages instead of copying them: grown by realloc in the heap, each
 * doubling copied the entries and faulted in fresh pages for them (a tenth of the routes'
 * CPU time in the 2024-01-01 bundle). A handful of remaps cost a TLB flush each; main.c's
 * reasons to keep buffers in the heap are about frequent frees. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "observe_private.h"

/* Keys are short and mostly whole words: mix eight bytes at a time. */
static uint32_t key_hash(const void *key, size_t n)
{
	const uint8_t *p = key;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
	for (; n >= 8; p += 8, n -= 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		h = (h ^ v) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	for (; n; p++, n--)
		h = (h ^ *p) * 0x100000001b3ull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return (uint32_t)h;
}

/* Keys are compared often: with the common lengths known, the compiler compares in a few
 * loads instead of calling memcmp. */
static inline int key_eq(const void *a, const void *b, size_t n)
{
	switch (n) {
	case 4:
		return memcmp(a, b, 4) == 0;
	case 24:
		return memcmp(a, b, 24) == 0;
	case 32:
		return memcmp(a, b, 32) == 0;
	default:
		return memcmp(a, b, n) == 0;
	}
}

void otable_init(struct otable *t, size_t size, size_t keylen)
{
	memset(t, 0, sizeof(*t));
	t->size = size;
	t->keylen = keylen;
}

#define MAP_MIN (4u << 20) /* arrays from this size on are mapped */

static size_t page_round(size_t n)
{
	return (n + 4095) & ~(size_t)4095;
}

static void out_of_memory(size_t bytes)
{
	fprintf(stderr, "routemark: out of memory (%zu bytes)\n", bytes);
	abort();
}

/* Room for cap entries, the first n kept. */
static void grow_entries(struct otable *t, size_t cap)
{
	if (cap > (SIZE_MAX - 4096) / t->size)
		out_of_memory(SIZE_MAX);
	size_t bytes = page_round(cap * t->size);
	if (bytes < MAP_MIN && !t->mapped) {
		t->v = xreallocarray(t->v, cap, t->size);
		t->cap = cap;
		return;
	}
	void *p;
	if (t->mapped) {
		p = mremap(t->v, page_round(t->cap * t->size), bytes, MREMAP_MAYMOVE);
	} else {
		p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED) {
			memcpy(p, t->v, t->n * t->size);
			free(t->v);
		}
	}
	if (p == MAP_FAILED)
		out_of_memory(bytes);
	t->v = p;
	t->cap = cap;
	t->mapped = 1;
}

static void free_entries(struct otable *t)
{
	if (t->mapped)
		munmap(t->v, page_round(t->cap * t->size));
	else
		free(t->v);
	t->v = NULL;
	t->cap = 0;
	t->mapped = 0;
}

void otable_free(struct otable *t)
{
	free_entries(t);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

/* A slot holds the entry's hash (high 32 bits) and its index + 1 (low 32 bits, 0 = empty):
 * probes compare hashes first and touch an entry only when they match. */
#define SLOT(h, i) ((uint64_t)(h) << 32 | (uint64_t)(i))
#define SLOT_HASH(s) ((uint32_t)((s) >> 32))
#define SLOT_IDX(s) ((uint32_t)(s))

static void rehash(struct otable *t, size_t nslots)
{
	uint64_t *old = t->slot;
	size_t nold = t->nslots;
	t->slot = xcalloc(nslots, sizeof(*t->slot));
	t->nslots = nslots;
	for (size_t k = 0; k < nold; k++) {
		if (SLOT_IDX(old[k]) == 0)
			continue;
		size_t j = SLOT_HASH(old[k]) & (nslots - 1);
		while (t->slot[j])
			j = (j + 1) & (nslots - 1);
		t->slot[j] = old[k];
	}
	free(old);
}

void *otable_find(const struct otable *t, const void *key)
{
	if (t->nslots == 0 && t->n > 0) /* the index was dropped: look through the entries */
		for (size_t i = 0; i < t->n; i++)
			if (key_eq((char *)t->v + i * t->size, key, t->keylen))
				return (char *)t->v + i * t->size;
	if (t->nslots == 0)
		return NULL;
	uint32_t h = key_hash(key, t->keylen);
	for (size_t j = h & (t->nslots - 1); t->slot[j]; j = (j + 1) & (t->nslots - 1)) {
		if (SLOT_HASH(t->slot[j]) != h)
			continue;
		void *e = (char *)t->v + (SLOT_IDX(t->slot[j]) - 1) * t->size;
		if (key_eq(e, key, t->keylen))
			return e;
	}
	return NULL;
}

uint32_t otable_hash(const struct otable *t, const void *key)
{
	return key_hash(key, t->keylen);
}

void otable_prefetch(const struct otable *t, uint32_t h)
{
	if (t->nslots)
		__builtin_prefetch(&t->slot[h & (t->nslots - 1)]);
}

void *otable_upsert(struct otable *t, const void *key, int *created)
{
	return otable_upsert_hashed(t, key, key_hash(key, t->keylen), created);
}

void otable_drop_index(struct otable *t)
{
	free(t->slot);
	t->slot = NULL;
	t->nslots = 0;
}

/* The index built again from the entries (after otable_drop_index). */
static void reindex(struct otable *t)
{
	size_t nslots = 1024;
	while (nslots < (t->n + 1) * 2)
		nslots *= 2;
	t->slot = xcalloc(nslots, sizeof(*t->slot));
	t->nslots = nslots;
	for (size_t i = 0; i < t->n; i++) {
		uint32_t h = key_hash((char *)t->v + i * t->size, t->keylen);
		size_t j = h & (nslots - 1);
		while (t->slot[j])
			j = (j + 1) & (nslots - 1);
		t->slot[j] = SLOT(h, i + 1);
	}
}

void *otable_upsert_hashed(struct otable *t, const void *key, uint32_t h, int *created)
{
	*created = 0;
	if (t->nslots == 0 && t->n > 0)
		reindex(t);
	if ((t->n + 1) * 2 > t->nslots) /* at most half full: short probes */
		rehash(t, t->nslots ? t->nslots * 2 : 1024);
	size_t j = h & (t->nslots - 1);
	for (; t->slot[j]; j = (j + 1) & (t->nslots - 1)) {
		if (SLOT_HASH(t->slot[j]) != h)
			continue;
		void *e = (char *)t->v + (SLOT_IDX(t->slot[j]) - 1) * t->size;
		if (key_eq(e, key, t->keylen))
			return e;
	}
	if (t->n == t->cap)
		grow_entries(t, t->cap ? t->cap * 2 : 1024);
	void *e = (char *)t->v + t->n * t->size;
	memset(e, 0, t->size);
	memcpy(e, key, t->keylen);
	t->slot[j] = SLOT(h, ++t->n);
	*created = 1;
	return e;
}

void otable_remove_all(struct otable *t)
{
	t->n = 0;
	if (t->slot)
		memset(t->slot, 0, t->nslots * sizeof(*t->slot));
}
