/* A bump arena, and the AS-path intern table built on it. */
#include <stdlib.h>
#include <string.h>

#include "core.h"

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	_Alignas(16) uint8_t data[];
};

void arena_init(struct arena *a, size_t chunk_size)
{
	a->head = NULL;
	a->chunk_size = chunk_size ? chunk_size : 64 * 1024;
	a->total = 0;
}

void *arena_alloc(struct arena *a, size_t size)
{
	size = (size + 7) & ~(size_t)7;
	struct arena_chunk *c = a->head;
	if (c == NULL || c->size - c->used < size) {
		size_t csize = size > a->chunk_size ? size : a->chunk_size;
		c = xmalloc(sizeof(*c) + csize);
		c->size = csize;
		c->used = 0;
		/* a big one-off allocation goes behind the current chunk so it is not wasted */
		if (a->head && size > a->chunk_size) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	void *p = c->data + c->used;
	c->used += size;
	a->total += size;
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(arena_alloc(a, n), s, n);
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = arena_alloc(a, n < 0 ? 1 : (size_t)n + 1);
	if (n < 0)
		*s = '\0';
	else
		vsnprintf(s, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return s;
}

void arena_free(struct arena *a)
{
	struct arena_chunk *c = a->head, *next;
	for (; c; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
	a->total = 0;
}

void aspath_table_init(struct aspath_table *t)
{
	t->nslots = 1024;
	t->count = 0;
	t->slot = xcalloc(t->nslots, sizeof(*t->slot));
	arena_init(&t->arena, 256 * 1024);
}

static void table_grow(struct aspath_table *t)
{
	size_t n = t->nslots * 2;
	const struct aspath **s = xcalloc(n, sizeof(*s));
	for (size_t i = 0; i < t->nslots; i++) {
		const struct aspath *p = t->slot[i];
		if (p == NULL)
			continue;
		size_t j = p->hash & (n - 1);
		while (s[j])
			j = (j + 1) & (n - 1);
		s[j] = p;
	}
	free(t->slot);
	t->slot = s;
	t->nslots = n;
}

const struct aspath *aspath_intern(struct aspath_table *t, const uint32_t *w, uint32_t nwords)
{
	uint32_t h = hash_bytes(w, nwords * sizeof(*w), 0x5eed);
	if (h == 0)
		h = 1;
	size_t mask = t->nslots - 1, j = h & mask;
	for (const struct aspath *p; (p = t->slot[j]) != NULL; j = (j + 1) & mask)
		if (p->hash == h && p->nwords == nwords &&
		    memcmp(p->w, w, nwords * sizeof(*w)) == 0)
			return p;
	struct aspath *p = arena_alloc(&t->arena, sizeof(*p) + nwords * sizeof(*w));
	p->nwords = nwords;
	p->hash = h;
	if (nwords) /* w may be NULL for the empty path */
		memcpy(p->w, w, nwords * sizeof(*w));
	t->slot[j] = p;
	if (++t->count * 4 > t->nslots * 3)
		table_grow(t);
	return p;
}

void aspath_table_free(struct aspath_table *t)
{
	free(t->slot);
	t->slot = NULL;
	t->nslots = t->count = 0;
	arena_free(&t->arena);
}
