/*
 * Interned path attribute sets for the route state: the attributes a route keeps (ORIGIN,
 * AS_PATH, next hop, MED, LOCAL_PREF, COMMUNITIES, LARGE_COMMUNITIES, which attributes were
 * present) in one allocation, found again by hash, shared by every route that has them and
 * freed with the last. A full BGP table has a few hundred thousand distinct sets for a million
 * routes; a repeated table or another peer's copy of a route costs no new set.
 */
#include <stdlib.h>
#include <string.h>

#include "bmp/rib_private.h"

#define KEY_OFF offsetof(struct bmp_attrs, npath)

static size_t attrs_size(uint32_t nwords)
{
	return sizeof(struct bmp_attrs) + (size_t)nwords * 4;
}

static size_t key_len(const struct bmp_attrs *a)
{
	return attrs_size(a->npath + a->ncomm + 3 * a->nlarge) - KEY_OFF;
}

void attr_table_init(struct attr_table *t)
{
	memset(t, 0, sizeof(*t));
	t->nb = 1024;
	t->b = xcalloc(t->nb, sizeof(*t->b));
	t->nid = 1;
}

void attr_table_free(struct attr_table *t)
{
	for (size_t i = 0; i < t->nb; i++)
		for (struct bmp_attrs *a = t->b[i], *n; a; a = n) {
			n = a->next;
			free(a);
		}
	free(t->b);
	free(t->scratch);
	free(t->byid);
	free(t->free_ids);
	memset(t, 0, sizeof(*t));
}

static void rehash(struct attr_table *t)
{
	size_t nb = t->nb * 2;
	struct bmp_attrs **b = xcalloc(nb, sizeof(*b));
	for (size_t i = 0; i < t->nb; i++)
		for (struct bmp_attrs *a = t->b[i], *n; a; a = n) {
			n = a->next;
			a->next = b[a->hash & (nb - 1)];
			b[a->hash & (nb - 1)] = a;
		}
	free(t->b);
	t->b = b;
	t->nb = nb;
}

static uint32_t be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

const struct bmp_attrs *attr_intern(struct attr_table *t, const struct bgp_attrs *in)
{
	uint32_t nw = in->aspath_nwords + in->ncommunities + 3 * in->nlarge;
	size_t size = attrs_size(nw);
	if (size > t->scratch_cap) {
		t->scratch = xrealloc(t->scratch, size);
		t->scratch_cap = size;
	}
	struct bmp_attrs *a = t->scratch;
	memset(a, 0, size); /* padding included: the key is compared as bytes */
	a->npath = in->aspath_nwords;
	a->origin = in->origin;
	if (in->mp_nh_len >= 16) {
		a->nh_len = 16;
		memcpy(a->nexthop, in->mp_nexthop, 16);
	} else if (in->mp_nh_len == 4) {
		a->nh_len = 4;
		memcpy(a->nexthop, in->mp_nexthop, 4);
	} else if (bgp_attrs_has(in, BGP_ATTR_NEXT_HOP)) {
		a->nh_len = 4;
		memcpy(a->nexthop, in->nexthop, 4);
	}
	a->med = in->med, a->local_pref = in->local_pref;
	a->present = in->present;
	a->ncomm = in->ncommunities, a->nlarge = in->nlarge;
	uint32_t *w = a->w;
	if (in->aspath_nwords)
		memcpy(w, in->aspath, (size_t)in->aspath_nwords * 4);
	w += in->aspath_nwords;
	for (uint32_t i = 0; i < in->ncommunities; i++)
		*w++ = be32(in->communities + 4 * i);
	for (uint32_t i = 0; i < 3 * in->nlarge; i++)
		*w++ = be32(in->large_communities + 4 * i);

	size_t kl = key_len(a);
	uint32_t h = hash_bytes((const uint8_t *)a + KEY_OFF, kl, 0x6d62);
	for (struct bmp_attrs *e = t->b[h & (t->nb - 1)]; e; e = e->next)
		if (e->hash == h && key_len(e) == kl &&
		    memcmp((const uint8_t *)e + KEY_OFF, (const uint8_t *)a + KEY_OFF, kl) == 0) {
			e->refs++;
			return e;
		}
	struct bmp_attrs *n = xmalloc(size);
	memcpy(n, a, size);
	n->hash = h;
	n->refs = 1;
	if (t->nfree > 0) {
		n->id = t->free_ids[--t->nfree];
	} else {
		if (t->nid == UINT32_MAX)
			abort(); /* 4 billion distinct attribute sets do not fit in memory anyway */
		n->id = t->nid++;
		XGROW(t->byid, t->idcap, (size_t)n->id + 1);
	}
	t->byid[n->id] = n;
	n->next = t->b[h & (t->nb - 1)];
	t->b[h & (t->nb - 1)] = n;
	t->count++;
	t->bytes += size;
	if (t->count > t->nb)
		rehash(t);
	return n;
}

void attr_release(struct attr_table *t, const struct bmp_attrs *ca)
{
	struct bmp_attrs *a = (struct bmp_attrs *)(uintptr_t)ca;
	if (--a->refs > 0)
		return;
	struct bmp_attrs **pp = &t->b[a->hash & (t->nb - 1)];
	while (*pp != a)
		pp = &(*pp)->next;
	*pp = a->next;
	t->byid[a->id] = NULL;
	XGROW(t->free_ids, t->free_cap, t->nfree + 1);
	t->free_ids[t->nfree++] = a->id;
	t->count--;
	t->bytes -= attrs_size(a->npath + a->ncomm + 3 * a->nlarge);
	free(a);
}
