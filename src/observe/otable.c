/* A hash table of fixed-size entries that begin with their key (compared with memcmp, so
 * callers zero the whole key before filling it). Entries live in one growable array, so
 * they can be walked in insertion order; pointers into it move when it grows. */
#include <stdlib.h>
#include <string.h>

#include "observe_private.h"

void otable_init(struct otable *t, size_t size, size_t keylen)
{
	memset(t, 0, sizeof(*t));
	t->size = size;
	t->keylen = keylen;
}

void otable_free(struct otable *t)
{
	free(t->v);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

static void rehash(struct otable *t, size_t nslots)
{
	free(t->slot);
	t->slot = xcalloc(nslots, sizeof(*t->slot));
	t->nslots = nslots;
	for (size_t i = 0; i < t->n; i++) {
		const void *e = (const char *)t->v + i * t->size;
		size_t j = hash_bytes(e, t->keylen, 0) & (nslots - 1);
		while (t->slot[j])
			j = (j + 1) & (nslots - 1);
		t->slot[j] = (uint32_t)i + 1;
	}
}

void *otable_find(const struct otable *t, const void *key)
{
	if (t->nslots == 0)
		return NULL;
	size_t j = hash_bytes(key, t->keylen, 0) & (t->nslots - 1);
	for (uint32_t s; (s = t->slot[j]) != 0; j = (j + 1) & (t->nslots - 1)) {
		void *e = (char *)t->v + (s - 1) * t->size;
		if (memcmp(e, key, t->keylen) == 0)
			return e;
	}
	return NULL;
}

void *otable_upsert(struct otable *t, const void *key, int *created)
{
	*created = 0;
	if ((t->n + 1) * 4 > t->nslots * 3)
		rehash(t, t->nslots ? t->nslots * 2 : 1024);
	size_t j = hash_bytes(key, t->keylen, 0) & (t->nslots - 1);
	for (uint32_t s; (s = t->slot[j]) != 0; j = (j + 1) & (t->nslots - 1)) {
		void *e = (char *)t->v + (s - 1) * t->size;
		if (memcmp(e, key, t->keylen) == 0)
			return e;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1024;
		t->v = xrealloc(t->v, t->cap * t->size);
	}
	void *e = (char *)t->v + t->n * t->size;
	memset(e, 0, t->size);
	memcpy(e, key, t->keylen);
	t->slot[j] = (uint32_t)++t->n;
	*created = 1;
	return e;
}

void otable_remove_all(struct otable *t)
{
	t->n = 0;
	if (t->slot)
		memset(t->slot, 0, t->nslots * sizeof(*t->slot));
}
