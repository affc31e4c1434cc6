/*
 * BGP path attributes (RFC 4271, 4760, 6793, 1997, 4360, 8092, 4456, 9234) into struct
 * bgp_attrs. Every length is checked before it is read; a broken attribute is reported and
 * the rest of the block skipped. AS4_PATH / AS4_AGGREGATOR are merged as RFC 6793 4.2.3 says.
 * Unknown attributes are kept raw.
 */
#include <string.h>

#include "mrt/mrt_private.h"

#define AS_TRANS 23456

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* AS_PATH / AS4_PATH segments into words. Returns 0 or -1 (bad segment type or length). */
static int aspath_decode(struct aspath_buf *b, const uint8_t *p, size_t len, int asn4)
{
	size_t w = asn4 ? 4 : 2;
	aspath_buf_reset(b);
	while (len > 0) {
		if (len < 2)
			return -1;
		uint8_t type = p[0], n = p[1];
		if (type < AS_SET || type > AS_CONFED_SET || len - 2 < n * w)
			return -1;
		aspath_buf_segment(b, type);
		p += 2, len -= 2;
		for (unsigned i = 0; i < n; i++, p += w)
			aspath_buf_push(b, asn4 ? get32(p) : (uint32_t)(p[0] << 8 | p[1]));
		len -= n * w;
	}
	return 0;
}

/* Count of AS numbers as RFC 6793 compares them: each ASN of a sequence, 1 per set. */
static uint32_t aspath_count(const uint32_t *w, uint32_t n)
{
	uint32_t c = 0;
	for (uint32_t i = 0; i < n; i += 1 + ASPATH_SEG_COUNT(w[i])) {
		uint32_t t = ASPATH_SEG_TYPE(w[i]);
		c += (t == AS_SET || t == AS_CONFED_SET) ? 1 : ASPATH_SEG_COUNT(w[i]);
	}
	return c;
}

/* RFC 6793 4.2.3: leading part of AS_PATH + AS4_PATH, into actx.merged. */
static void as4_merge(struct bgp_attr_ctx *x)
{
	uint32_t n2 = aspath_count(x->path.w, x->path.n);
	uint32_t n4 = aspath_count(x->path4.w, x->path4.n);
	if (n2 < n4)
		return; /* AS4_PATH ignored */
	uint32_t need = n2 - n4;
	struct aspath_buf *m = &x->merged;
	aspath_buf_reset(m);
	for (uint32_t i = 0; i < x->path.n && need > 0; i += 1 + ASPATH_SEG_COUNT(x->path.w[i])) {
		uint32_t t = ASPATH_SEG_TYPE(x->path.w[i]), c = ASPATH_SEG_COUNT(x->path.w[i]);
		aspath_buf_segment(m, t);
		int set = t == AS_SET || t == AS_CONFED_SET;
		uint32_t take = set ? c : (c < need ? c : need);
		for (uint32_t j = 0; j < take; j++)
			aspath_buf_push(m, x->path.w[i + 1 + j]);
		need -= set ? 1 : take;
	}
	for (uint32_t i = 0; i < x->path4.n; i += 1 + ASPATH_SEG_COUNT(x->path4.w[i])) {
		uint32_t t = ASPATH_SEG_TYPE(x->path4.w[i]), c = ASPATH_SEG_COUNT(x->path4.w[i]);
		if (t == AS_CONFED_SEQUENCE || t == AS_CONFED_SET)
			continue; /* not valid in AS4_PATH */
		aspath_buf_segment(m, t);
		for (uint32_t j = 0; j < c; j++)
			aspath_buf_push(m, x->path4.w[i + 1 + j]);
	}
	struct aspath_buf tmp = x->path;
	x->path = x->merged;
	x->merged = tmp;
}

static void attrs_reset(struct bgp_attrs *a, struct bgp_attr_ctx *x)
{
	a->present = 0;
	a->origin = 0;
	a->aspath = NULL, a->aspath_nwords = 0, a->aspath_error = 0;
	a->mp_afi = 0, a->mp_safi = 0, a->mp_nh_len = 0;
	a->med = 0, a->local_pref = 0, a->aggr_as = 0;
	a->ncommunities = 0, a->next = 0, a->nlarge = 0, a->ncluster = 0;
	a->otc = 0;
	a->nraw = 0;
	aspath_buf_reset(&x->path);
	aspath_buf_reset(&x->path4);
	x->has_reach = x->has_unreach = 0;
	x->reach.len = x->unreach.len = 0;
}

/* MP_REACH_NLRI. abbrev: TDv2 RIB form (RFC 6396 4.3.4: next hop length and next hop only;
 * a value starting with a zero byte is taken as the full form, as some writers produce). */
static int mp_reach(struct mrt_reader *r, const uint8_t *p, size_t len, int abbrev)
{
	struct bgp_attrs *a = &r->attrs;
	struct bgp_attr_ctx *x = &r->actx;
	size_t off = 0;
	if (!(abbrev && len > 0 && p[0] != 0)) {
		if (len < 5)
			return -1;
		a->mp_afi = (uint16_t)(p[0] << 8 | p[1]);
		a->mp_safi = p[2];
		off = 3;
	}
	uint8_t nhl = p[off++];
	if (off + nhl > len)
		return -1;
	a->mp_nh_len = nhl;
	memset(a->mp_nexthop, 0, 16);
	const uint8_t *nh = p + off;
	if (nhl == 12 || nhl == 24 || nhl == 48)
		nh += 8, nhl -= 8; /* VPN: route distinguisher first */
	memcpy(a->mp_nexthop, nh, nhl < 16 ? nhl : 16);
	if (nhl >= 32)
		memcpy(a->mp_nexthop_ll, nh + 16, 16);
	off += a->mp_nh_len;
	if (abbrev && a->mp_afi == 0)
		return 0;
	if (off >= len)
		return abbrev ? 0 : -1;
	unsigned nsnpa = p[off++];
	for (unsigned i = 0; i < nsnpa; i++) {
		if (off >= len || off + 1 + p[off] > len)
			return -1;
		off += 1 + (size_t)p[off];
	}
	x->has_reach = 1;
	x->reach.p = p + off, x->reach.len = len - off;
	x->reach.afi = (uint8_t)a->mp_afi, x->reach.safi = a->mp_safi;
	if (a->mp_afi > 255)
		x->reach.afi = 0;
	return 0;
}

static int mp_unreach(struct mrt_reader *r, const uint8_t *p, size_t len)
{
	struct bgp_attr_ctx *x = &r->actx;
	if (len < 3)
		return -1;
	unsigned afi = (unsigned)(p[0] << 8 | p[1]);
	x->has_unreach = 1;
	x->unreach.afi = afi > 255 ? 0 : (uint8_t)afi;
	x->unreach.safi = p[2];
	x->unreach.p = p + 3, x->unreach.len = len - 3;
	return 0;
}

/* One attribute's value. Returns 0, or -1 when its length or content is wrong. */
static int attr_one(struct mrt_reader *r, uint8_t flags, uint8_t type, const uint8_t *v, size_t len,
    int asn4, int abbrev)
{
	struct bgp_attrs *a = &r->attrs;
	switch (type) {
	case BGP_ATTR_ORIGIN:
		if (len != 1)
			return -1;
		a->origin = v[0];
		return 0;
	case BGP_ATTR_AS_PATH:
		if (aspath_decode(&r->actx.path, v, len, asn4) != 0) {
			a->aspath_error = 1;
			aspath_buf_reset(&r->actx.path);
			return -1;
		}
		return 0;
	case BGP_ATTR_AS4_PATH:
		if (aspath_decode(&r->actx.path4, v, len, 1) != 0) {
			aspath_buf_reset(&r->actx.path4);
			return -1;
		}
		return 0;
	case BGP_ATTR_NEXT_HOP:
	case BGP_ATTR_ORIGINATOR_ID:
		if (len != 4)
			return -1;
		memcpy(type == BGP_ATTR_NEXT_HOP ? a->nexthop : a->originator_id, v, 4);
		return 0;
	case BGP_ATTR_MED:
	case BGP_ATTR_LOCAL_PREF:
	case BGP_ATTR_OTC:
		if (len != 4)
			return -1;
		*(type == BGP_ATTR_MED     ? &a->med
		    : type == BGP_ATTR_OTC ? &a->otc
		                           : &a->local_pref) = get32(v);
		return 0;
	case BGP_ATTR_ATOMIC_AGGREGATE:
		return len == 0 ? 0 : -1;
	case BGP_ATTR_AGGREGATOR: /* 6 bytes (2-byte AS) or 8 (4-byte AS), whatever the session */
		if (len != 6 && len != 8)
			return -1;
		a->aggr_as = len == 8 ? get32(v) : (uint32_t)(v[0] << 8 | v[1]);
		memcpy(a->aggr_addr, v + len - 4, 4);
		return 0;
	case BGP_ATTR_AS4_AGGREGATOR:
		if (len != 8)
			return -1;
		r->actx.aggr4_as = get32(v);
		memcpy(r->actx.aggr4_addr, v + 4, 4);
		return 0;
	case BGP_ATTR_COMMUNITIES:
	case BGP_ATTR_CLUSTER_LIST:
		if (len % 4)
			return -1;
		if (type == BGP_ATTR_COMMUNITIES)
			a->communities = v, a->ncommunities = (uint32_t)(len / 4);
		else
			a->cluster_list = v, a->ncluster = (uint32_t)(len / 4);
		return 0;
	case BGP_ATTR_EXT_COMMUNITIES:
		if (len % 8)
			return -1;
		a->ext_communities = v, a->next = (uint32_t)(len / 8);
		return 0;
	case BGP_ATTR_LARGE_COMMUNITIES:
		if (len % 12)
			return -1;
		a->large_communities = v, a->nlarge = (uint32_t)(len / 12);
		return 0;
	case BGP_ATTR_MP_REACH_NLRI:
		return mp_reach(r, v, len, abbrev);
	case BGP_ATTR_MP_UNREACH_NLRI:
		return mp_unreach(r, v, len);
	default:
		if (a->nraw < BGP_MAX_RAW_ATTRS) {
			struct bgp_raw_attr *u = &a->raw[a->nraw++];
			u->flags = flags, u->type = type, u->len = (uint16_t)len, u->data = v;
		}
		return 0;
	}
}

static const char *attr_name(uint8_t t)
{
	static const char *n[] = {"?", "ORIGIN", "AS_PATH", "NEXT_HOP", "MED", "LOCAL_PREF",
	    "ATOMIC_AGGREGATE", "AGGREGATOR", "COMMUNITIES", "ORIGINATOR_ID", "CLUSTER_LIST", "?",
	    "?", "?", "MP_REACH_NLRI", "MP_UNREACH_NLRI", "EXTENDED_COMMUNITIES", "AS4_PATH",
	    "AS4_AGGREGATOR"};
	if (t < sizeof(n) / sizeof(n[0]))
		return n[t];
	return t == BGP_ATTR_LARGE_COMMUNITIES ? "LARGE_COMMUNITIES"
	       : t == BGP_ATTR_OTC             ? "OTC"
	                                       : "attribute";
}

static void finish(struct mrt_reader *r, int asn4)
{
	struct bgp_attrs *a = &r->attrs;
	struct bgp_attr_ctx *x = &r->actx;
	if (!asn4) {
		/* RFC 6793 4.2.3: when AGGREGATOR and AS4_AGGREGATOR are both present and the
		 * AGGREGATOR AS is not AS_TRANS, an OLD speaker aggregated: AS4_AGGREGATOR and
		 * AS4_PATH are ignored. */
		int both = bgp_attrs_has(a, BGP_ATTR_AGGREGATOR) &&
		           bgp_attrs_has(a, BGP_ATTR_AS4_AGGREGATOR);
		int aggr_ok = !both || a->aggr_as == AS_TRANS;
		if (both && aggr_ok) {
			a->aggr_as = x->aggr4_as;
			memcpy(a->aggr_addr, x->aggr4_addr, 4);
		}
		if (aggr_ok && x->path4.n > 0 && bgp_attrs_has(a, BGP_ATTR_AS_PATH))
			as4_merge(x);
	}
	a->aspath = x->path.w;
	a->aspath_nwords = x->path.n;
}

int bgp_attrs_decode(
    struct mrt_reader *r, const uint8_t *p, size_t len, int asn4, int mp_abbrev, int nlri_only)
{
	struct bgp_attrs *a = &r->attrs;
	attrs_reset(a, &r->actx);
	int rc = 0;
	while (len > 0) {
		if (len < 3) {
			rc = mrt_bad(
			    r, MRT_BAD_ATTR, "path attribute header cut (%zu bytes left)", len);
			break;
		}
		uint8_t flags = p[0], type = p[1];
		size_t hl = (flags & 0x10) ? 4 : 3;
		if (len < hl) {
			rc = mrt_bad(
			    r, MRT_BAD_ATTR, "path attribute header cut (%zu bytes left)", len);
			break;
		}
		size_t alen = (flags & 0x10) ? (size_t)(p[2] << 8 | p[3]) : p[2];
		if (alen > len - hl) {
			rc = mrt_bad(r, MRT_BAD_ATTR,
			    "%s (type %u) length %zu exceeds the %zu bytes left", attr_name(type),
			    type, alen, len - hl);
			break;
		}
		const uint8_t *v = p + hl;
		p += hl + alen, len -= hl + alen;
		if (nlri_only && type != BGP_ATTR_MP_REACH_NLRI && type != BGP_ATTR_MP_UNREACH_NLRI)
			continue;
		if (type < 64 && (a->present >> type) & 1) {
			rc = mrt_bad(r, MRT_BAD_ATTR, "duplicate %s (type %u); later copy ignored",
			    attr_name(type), type);
			continue;
		}
		if (attr_one(r, flags, type, v, alen, asn4, mp_abbrev) != 0) {
			rc = mrt_bad(r, MRT_BAD_ATTR, "%s (type %u) malformed (length %zu)",
			    attr_name(type), type, alen);
			continue;
		}
		if (type < 64)
			a->present |= (uint64_t)1 << type;
	}
	finish(r, asn4);
	return rc;
}
