/*
 * BGP UPDATE (RFC 4271 4.3, RFC 4760, RFC 7911): withdrawn routes, path attributes, NLRI, and
 * the prefix lists of MP_REACH_NLRI / MP_UNREACH_NLRI, walked one prefix at a time in the order
 * bgpdump prints them: withdrawn, MP_UNREACH, NLRI, MP_REACH. Each part is a sub-cursor cut by
 * its length field, and every prefix is read through it.
 *
 * An UPDATE whose attributes call for treat-as-withdraw (RFC 7606) keeps its withdrawals, and
 * its announcements (NLRI and MP_REACH) are handed out as withdrawals too (error_withdraw set),
 * as the RFC says: "as though all contained routes had been withdrawn".
 */
#include "mrt/mrt_private.h"

int bgp_nlri_read(
    struct mrt_reader *r, const struct bgp_nlri_list *l, struct cursor *at, struct mrt_route *rt)
{
	if (at->len == 0)
		return 0;
	struct cursor c = *at;
	if (l->addpath) {
		if (c.len < 5) {
			at->len = 0;
			return mrt_bad(
			    r, MRT_BAD_NLRI, "ADD-PATH prefix cut (%zu bytes left)", c.len);
		}
		rt->has_path_id = 1;
		cur_u32(&c, &rt->path_id);
	}
	uint8_t bits;
	cur_u8(&c, &bits);
	unsigned max = l->afi == AFI_IPV4 ? 32 : 128;
	if (bits > max) {
		at->len = 0;
		return mrt_bad(r, MRT_BAD_NLRI, "prefix length %u exceeds %u", bits, max);
	}
	size_t nb = (bits + 7u) / 8u;
	struct cursor pb;
	if (cur_sub(&c, nb, &pb)) {
		at->len = 0;
		return mrt_bad(
		    r, MRT_BAD_NLRI, "prefix /%u cut (%zu of %zu bytes)", bits, c.len, nb);
	}
	mrt_route_prefix(rt, l->afi, bits, pb.p);
	rt->safi = l->safi;
	*at = c;
	if (rt->host_bits)
		mrt_bad(r, MRT_BAD_HOST_BITS, "prefix /%u has bits set beyond its length (masked)",
		    bits);
	return 1;
}

static int supported(uint8_t afi, uint8_t safi)
{
	return (afi == AFI_IPV4 || afi == AFI_IPV6) && (safi == 1 || safi == 2);
}

/* Walk a prefix list's lengths without decoding. Returns 0 when well-formed; 1 when only the
 * last prefix is cut (the list is shortened to the complete prefixes, as bgpdump reads it);
 * -1 when a prefix length is impossible. Checking a list before its first prefix is handed out
 * means a list that does not parse yields no routes at all, rather than a few from garbage. */
static int nlri_scan(struct bgp_nlri_list *l)
{
	struct cursor c = l->c;
	unsigned max = l->afi == AFI_IPV4 ? 32 : 128;
	while (c.len > 0) {
		size_t done = l->c.len - c.len;
		uint8_t bits;
		if ((l->addpath && cur_skip(&c, 4)) || cur_u8(&c, &bits)) {
			l->c.len = done;
			return 1;
		}
		if (bits > max)
			return -1;
		if (cur_skip(&c, (bits + 7u) / 8u)) {
			l->c.len = done;
			return 1;
		}
	}
	return 0;
}

/* The ADD-PATH fallback is taken only when every path id is small (< 65536), as the ids that
 * speakers allocate are; random bytes read as ids are not. The list has been scanned. */
static int small_path_ids(const struct bgp_nlri_list *l)
{
	struct cursor c = l->c;
	uint32_t id;
	uint8_t bits;
	while (cur_u32(&c, &id) == 0 && cur_u8(&c, &bits) == 0) {
		if (id > 0xffff)
			return 0;
		cur_skip(&c, (bits + 7u) / 8u);
	}
	return 1;
}

static void add_section(struct mrt_reader *r, struct bgp_update *u, const struct bgp_nlri_list *in)
{
	struct bgp_nlri_list l = *in;
	const char *what = l.withdraw && !l.error ? "withdrawn" : "announced";
	if (l.c.len == 0)
		return;
	size_t len = l.c.len;
	int k = nlri_scan(&l);
	if (k < 0 && !l.addpath) {
		/* Some writers (BIRD) put ADD-PATH NLRI in records of a non-ADD-PATH subtype. */
		struct bgp_nlri_list ap = *in;
		ap.addpath = 1;
		if (nlri_scan(&ap) == 0 && small_path_ids(&ap)) {
			mrt_bad(r, MRT_BAD_NLRI,
			    "%s prefix list parses only with ADD-PATH path ids; decoded so", what);
			l = ap, k = 0;
		}
	}
	if (k < 0) {
		mrt_bad(r, MRT_BAD_NLRI, "%s prefix list has an impossible prefix length; skipped",
		    what);
		return;
	}
	if (k > 0)
		mrt_bad(r, MRT_BAD_NLRI, "%s prefix list cut: last %zu bytes skipped", what,
		    len - l.c.len);
	if (l.c.len > 0)
		u->sec[u->nsec++] = l;
}

/* RFC 7606 3.d: an UPDATE that announces routes needs ORIGIN and AS_PATH, and NEXT_HOP when
 * the NLRI field is not empty (RFC 4760 makes it optional for MP_REACH-only UPDATEs). */
static void check_mandatory(struct mrt_reader *r, size_t nlri_len)
{
	struct bgp_attrs *a = &r->attrs;
	struct bgp_attr_ctx *x = &r->actx;
	if (a->rfc7606 == MRT_7606_WITHDRAW || (nlri_len == 0 && x->reach.c.len == 0))
		return;
	const char *miss = !bgp_attrs_has(a, BGP_ATTR_ORIGIN)                     ? "ORIGIN"
	                   : !bgp_attrs_has(a, BGP_ATTR_AS_PATH)                  ? "AS_PATH"
	                   : nlri_len > 0 && !bgp_attrs_has(a, BGP_ATTR_NEXT_HOP) ? "NEXT_HOP"
	                                                                          : NULL;
	if (miss == NULL)
		return;
	a->rfc7606 = MRT_7606_WITHDRAW;
	x->withdraw_kind = MRT_BAD_ATTR_MISSING;
	mrt_bad(r, MRT_BAD_ATTR_MISSING,
	    "UPDATE announces routes without %s: treat-as-withdraw (RFC 7606 3.d)", miss);
}

int bgp_update_begin(struct mrt_reader *r, struct cursor body, int asn4, int addpath)
{
	struct bgp_update *u = &r->upd;
	u->nsec = u->cur = 0;
	u->at = cursor_make(NULL, 0);
	size_t len = body.len;
	uint16_t wl, al;
	struct cursor wc, ac;
	if (len < 4)
		return mrt_bad(r, MRT_BAD_BGP, "UPDATE of %zu bytes is shorter than 4", len);
	cur_u16(&body, &wl);
	if (cur_sub(&body, wl, &wc) || body.len < 2)
		return mrt_bad(r, MRT_BAD_BGP,
		    "UPDATE withdrawn length %u exceeds the message (%zu)", wl, len);
	cur_u16(&body, &al);
	if (cur_sub(&body, al, &ac))
		return mrt_bad(r, MRT_BAD_ATTR,
		    "UPDATE attribute length %u exceeds the message (%zu left)", al, body.len);
	/* body is now the NLRI field */
	int ap4 = (addpath & BGP_ADDPATH_IPV4_UNICAST) != 0;
	struct bgp_nlri_list w = {wc, AFI_IPV4, 1, ap4, 1, 0, 0};
	add_section(r, u, &w);
	int withdraw = bgp_attrs_decode(r, ac, asn4, 0) < 0;
	struct bgp_attr_ctx *x = &r->actx;
	if (!withdraw) {
		check_mandatory(r, body.len);
		withdraw = r->attrs.rfc7606 == MRT_7606_WITHDRAW;
	}
	if (x->has_unreach) {
		x->unreach.addpath =
		    (addpath & bgp_addpath_bit(x->unreach.afi, x->unreach.safi)) != 0;
		x->unreach.withdraw = 1, x->unreach.mp = 1, x->unreach.error = 0;
		if (supported(x->unreach.afi, x->unreach.safi))
			add_section(r, u, &x->unreach);
		else
			mrt_bad(r, MRT_BAD_UNSUPPORTED, "MP_UNREACH for AFI %u SAFI %u not decoded",
			    x->unreach.afi, x->unreach.safi);
	}
	struct bgp_nlri_list n = {body, AFI_IPV4, 1, ap4, (uint8_t)withdraw, 0, (uint8_t)withdraw};
	add_section(r, u, &n);
	if (x->has_reach) {
		x->reach.addpath = (addpath & bgp_addpath_bit(x->reach.afi, x->reach.safi)) != 0;
		x->reach.withdraw = (uint8_t)withdraw, x->reach.mp = 1;
		x->reach.error = (uint8_t)withdraw;
		if (supported(x->reach.afi, x->reach.safi))
			add_section(r, u, &x->reach);
		else
			mrt_bad(r, MRT_BAD_UNSUPPORTED, "MP_REACH for AFI %u SAFI %u not decoded",
			    x->reach.afi, x->reach.safi);
	}
	if (withdraw)
		r->st.updates_withdrawn++;
	if (u->nsec > 0)
		u->at = u->sec[0].c;
	r->walk = WALK_UPDATE;
	return u->nsec > 0;
}

int bgp_update_next(struct mrt_reader *r, struct mrt_route *rt)
{
	struct bgp_update *u = &r->upd;
	while (u->cur < u->nsec) {
		const struct bgp_nlri_list *l = &u->sec[u->cur];
		*rt = r->rt;
		int k = bgp_nlri_read(r, l, &u->at, rt);
		if (k == 1) {
			rt->kind = l->withdraw ? MRT_ROUTE_WITHDRAW : MRT_ROUTE_ANNOUNCE;
			rt->from_mp = l->mp;
			rt->error_withdraw = l->error;
			rt->attrs = (!l->withdraw && !r->opt.no_attrs) ? &r->attrs : NULL;
			if (l->error)
				r->st.routes_withdrawn++;
			return 1;
		}
		if (k < 0 && r->fatal)
			return -1;
		if (++u->cur < u->nsec)
			u->at = u->sec[u->cur].c;
	}
	return 0;
}
