/*
 * Route Origin Validation (RFC 6811) on the VRP index.
 *
 * A VRP covers a route when its prefix contains the route's prefix. The route is Valid when a
 * covering VRP has the route's origin AS (never AS0) and the route is no longer than the VRP's
 * maxLength; Invalid when covered but not Valid; NotFound when nothing covers it.
 */
#include <string.h>

#include "rpki/rpki_private.h"

/* What one scan of covering VRPs found so far. */
struct scan {
	uint32_t origin;
	unsigned len;
	int covered;
	int valid;
	int asn_match; /* some covering VRP had the origin AS (but too short a maxLength) */
	struct rov_result *res;
	const struct prefix *route;
};

/* Look at one covering VRP. Returns 1 when the caller may stop (Valid, no evidence wanted). */
static inline int scan_vrp(
    struct scan *s, uint32_t asn, unsigned maxlen, const struct vrp *v, unsigned plen)
{
	int match = asn == s->origin && s->origin != 0;
	s->covered = 1;
	if (match && s->len <= maxlen) {
		if (s->res == NULL)
			return (s->valid = 1);
		if (!s->valid && s->res->ncovering < ROV_MAX_COVERING)
			s->res->matched = (int)s->res->ncovering;
		s->valid = 1;
	} else if (match) {
		s->asn_match = 1;
	}
	if (s->res != NULL) {
		if (s->res->ncovering < ROV_MAX_COVERING) {
			struct vrp *d = &s->res->covering[s->res->ncovering];
			if (v != NULL) {
				*d = *v;
			} else { /* kept in the slot: rebuild it from the route */
				memset(d, 0, sizeof(*d));
				d->p = *s->route;
				d->p.len = (uint8_t)plen;
				prefix_mask(&d->p);
				d->maxlen = (uint8_t)maxlen;
				d->asn = asn;
			}
		}
		s->res->ncovering++;
	}
	return 0;
}

/* A slot's VRPs: inline when there is one, else a run of the sorted array. */
static inline int scan_slot(struct scan *s, const struct vrp_table *t, unsigned count,
    unsigned maxlen, uint32_t val, unsigned plen)
{
	if (count == 1)
		return scan_vrp(s, val, maxlen, NULL, plen);
	const struct vrp *v = &t->v[val];
	size_t end = (size_t)val + count;
	if (count == 0xffff) /* capped: the run goes on while the prefix is the same */
		while (end < t->n && prefix_cmp(&t->v[end].p, &v->p) == 0)
			end++;
	for (; v < t->v + end; v++)
		if (scan_vrp(s, v->asn, v->maxlen, v, plen))
			return 1;
	return 0;
}

static int scan4_ent(struct scan *s, const struct vrp_ent4 *e, uint32_t blk)
{
	struct vrp v;
	if (s->res != NULL) { /* rebuild the VRP for the evidence */
		memset(&v, 0, sizeof(v));
		v.p.afi = AFI_IPV4;
		v.p.len = e->len;
		uint32_t a = blk << 16 | e->lo;
		if (e->len <= VRP4_BLOCK_BITS)
			a = e->len == 0 ? 0 : a & (~0u << (32 - e->len));
		v.p.addr[0] = (uint8_t)(a >> 24), v.p.addr[1] = (uint8_t)(a >> 16);
		v.p.addr[2] = (uint8_t)(a >> 8), v.p.addr[3] = (uint8_t)a;
		v.maxlen = e->maxlen;
		v.asn = e->asn;
	}
	return scan_vrp(s, e->asn, e->maxlen, s->res != NULL ? &v : NULL, e->len);
}

/* The common case inline: no evidence wanted. */
static inline int scan_vrp_fast(struct scan *s, const struct vrp_ent4 *e, uint32_t blk)
{
	if (s->res != NULL)
		return scan4_ent(s, e, blk);
	s->covered = 1;
	if (e->asn == s->origin && s->origin != 0 && s->len <= e->maxlen)
		return (s->valid = 1);
	return 0;
}

static void scan4(const struct vrp_table *t, const struct prefix *p, struct scan *s)
{
	uint32_t a = vrp_addr4(p), blk = a >> (32 - VRP4_BLOCK_BITS);
	unsigned r = p->len;
	for (size_t i = 0; i < t->nshort4; i++)
		if (prefix_contains(&t->short4[i].p, p) &&
		    scan_vrp(s, t->short4[i].asn, t->short4[i].maxlen, &t->short4[i], 0))
			return;
	const struct vrp_blk4 *b = &t->blk4[blk];
	const struct vrp_ent4 *e = t->ent4 + b->start, *end = t->ent4 + b[1].start;
	const struct vrp_ent4 *inner = e + b->nshort;
	/* VRPs no longer than /16 cover the whole block */
	for (; e < inner; e++)
		if (e->len <= r && scan_vrp_fast(s, e, blk))
			return;
	if (r <= VRP4_BLOCK_BITS)
		return;
	uint16_t lo = (uint16_t)(a & 0xffff);
	/* longer ones are sorted by address: those past the route's address cannot cover it */
	for (; e < end && e->lo <= lo; e++) {
		if (e->len > r || ((lo ^ e->lo) & (uint16_t)(0xffffu << (32 - e->len))) != 0)
			continue;
		if (scan_vrp_fast(s, e, blk))
			return;
	}
}

static const struct vrp_block6 *block6_find(const struct vrp_table *t, uint32_t key)
{
	uint32_t h = vrp_hash_block6(key, t->bshift6);
	for (;; h = (h + 1) & t->bmask6) {
		const struct vrp_block6 *b = &t->block6[h];
		if (!b->used)
			return NULL;
		if (b->key == key)
			return b;
	}
}

static int probe6(const struct vrp_table *t, uint64_t hi, uint64_t lo, unsigned len, struct scan *s)
{
	uint64_t khi, klo;
	if (len == 0)
		khi = klo = 0;
	else if (len <= 64)
		khi = hi & (~0ULL << (64 - len)), klo = 0;
	else
		khi = hi, klo = lo & (~0ULL << (128 - len));
	uint32_t h = vrp_hash6(khi, klo, len, t->shift6);
	for (;; h = (h + 1) & t->mask6) {
		const struct vrp_slot6 *sl = &t->slot6[h];
		if (sl->count == 0)
			return 0;
		if (sl->hi == khi && sl->lo == klo && sl->len == len)
			return scan_slot(s, t, sl->count, sl->maxlen, sl->val, len);
	}
}

static void scan6(const struct vrp_table *t, const struct prefix *p, struct scan *s)
{
	uint64_t hi = vrp_load64(p->addr), lo = vrp_load64(p->addr + 8);
	const struct vrp_block6 *b = block6_find(t, (uint32_t)(hi >> (64 - VRP6_BLOCK_BITS)));
	uint64_t upto[3], m[3];
	vrp_mask_upto(upto, p->len);
	for (int w = 0; w < 3; w++)
		m[w] = ((b ? b->m[w] : 0) | t->always6[w]) & upto[w];
	for (int w = 0; w < 3; w++) {
		while (m[w] != 0) {
			unsigned len = (unsigned)(w * 64 + __builtin_ctzll(m[w]));
			m[w] &= m[w] - 1;
			if (probe6(t, hi, lo, len, s))
				return;
		}
	}
}

enum rov_state rov_validate(
    const struct vrp_table *t, const struct prefix *p, uint32_t origin, struct rov_result *res)
{
	struct scan s = {origin, p->len, 0, 0, 0, res, p};
	if (res != NULL) {
		res->ncovering = 0;
		res->matched = -1;
		res->reason = ROV_REASON_NONE;
	}
	if (origin == ROV_NO_ORIGIN)
		s.origin = 0; /* matches no VRP: AS0 VRPs never validate either */
	if (!t->built || t->n == 0)
		;
	else if (p->afi == AFI_IPV4)
		scan4(t, p, &s);
	else if (p->afi == AFI_IPV6)
		scan6(t, p, &s);

	enum rov_state st = s.valid ? ROV_VALID : s.covered ? ROV_INVALID : ROV_NOTFOUND;
	if (res != NULL) {
		res->state = st;
		if (st == ROV_INVALID)
			res->reason = origin == ROV_NO_ORIGIN ? ROV_REASON_NO_ORIGIN
			              : s.asn_match           ? ROV_REASON_LENGTH
			                                      : ROV_REASON_ASN;
	}
	return st;
}

enum rov_state rov_validate_path(const struct vrp_table *t, const struct prefix *p,
    const uint32_t *w, uint32_t nwords, struct rov_result *res)
{
	uint32_t origin;
	if (aspath_words_origin(w, nwords, &origin) < 0)
		origin = ROV_NO_ORIGIN;
	return rov_validate(t, p, origin, res);
}

const char *rov_state_name(enum rov_state s)
{
	switch (s) {
	case ROV_VALID:
		return "valid";
	case ROV_INVALID:
		return "invalid";
	default:
		return "not-found";
	}
}

const char *rov_reason_name(enum rov_reason r)
{
	switch (r) {
	case ROV_REASON_ASN:
		return "invalid-asn";
	case ROV_REASON_LENGTH:
		return "invalid-length";
	case ROV_REASON_NO_ORIGIN:
		return "no-origin";
	default:
		return "";
	}
}
