/*
 * BGP UPDATE (RFC 4271 4.3, RFC 4760, RFC 7911): withdrawn routes, path attributes, NLRI, and
 * the prefix lists of MP_REACH_NLRI / MP_UNREACH_NLRI, walked one prefix at a time in the order
 * bgpdump prints them: withdrawn, MP_UNREACH, NLRI, MP_REACH.
 *
 * An UPDATE whose attribute block is malformed keeps its withdrawals but its announcements are
 * skipped (counted), as the attributes they would carry cannot be trusted.
 */
#include "mrt/mrt_private.h"

int bgp_nlri_read(
    struct mrt_reader *r, const struct bgp_nlri_list *l, size_t *off, struct mrt_route *rt)
{
	if (*off >= l->len)
		return 0;
	const uint8_t *p = l->p + *off;
	size_t left = l->len - *off;
	if (l->addpath) {
		if (left < 5) {
			*off = l->len;
			return mrt_bad(
			    r, MRT_BAD_NLRI, "ADD-PATH prefix cut (%zu bytes left)", left);
		}
		rt->has_path_id = 1;
		rt->path_id = mrt_get32(p);
		p += 4, left -= 4;
	}
	uint8_t bits = p[0];
	unsigned max = l->afi == AFI_IPV4 ? 32 : 128;
	if (bits > max) {
		*off = l->len;
		return mrt_bad(r, MRT_BAD_NLRI, "prefix length %u exceeds %u", bits, max);
	}
	size_t nb = (bits + 7u) / 8u;
	if (1 + nb > left) {
		*off = l->len;
		return mrt_bad(
		    r, MRT_BAD_NLRI, "prefix /%u cut (%zu of %zu bytes)", bits, left - 1, nb);
	}
	mrt_route_prefix(rt, l->afi, bits, p + 1);
	rt->safi = l->safi;
	*off += (l->addpath ? 4 : 0) + 1 + nb;
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
	size_t off = 0, hdr = l->addpath ? 5 : 1;
	unsigned max = l->afi == AFI_IPV4 ? 32 : 128;
	while (off < l->len) {
		if (l->len - off < hdr) {
			l->len = off;
			return 1;
		}
		uint8_t bits = l->p[off + hdr - 1];
		if (bits > max)
			return -1;
		size_t next = off + hdr + (bits + 7u) / 8u;
		if (next > l->len) {
			l->len = off;
			return 1;
		}
		off = next;
	}
	return 0;
}

/* The ADD-PATH fallback is taken only when every path id is small (< 65536), as the ids that
 * speakers allocate are; random bytes read as ids are not. */
static int small_path_ids(const struct bgp_nlri_list *l)
{
	for (size_t off = 0; off < l->len; off += 5 + (l->p[off + 4] + 7u) / 8u)
		if (l->p[off] || l->p[off + 1])
			return 0;
	return 1;
}

static void add_section(struct mrt_reader *r, struct bgp_update *u, const struct bgp_nlri_list *in)
{
	struct bgp_nlri_list l = *in;
	const char *what = l.withdraw ? "withdrawn" : "announced";
	if (l.len == 0)
		return;
	size_t len = l.len;
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
		    len - l.len);
	if (l.len > 0)
		u->sec[u->nsec++] = l;
}

int bgp_update_begin(struct mrt_reader *r, const uint8_t *p, size_t len, int asn4, int addpath)
{
	struct bgp_update *u = &r->upd;
	u->nsec = u->cur = 0;
	u->off = 0;
	if (len < 4)
		return mrt_bad(r, MRT_BAD_BGP, "UPDATE of %zu bytes is shorter than 4", len);
	size_t wl = mrt_get16(p);
	if (2 + wl + 2 > len)
		return mrt_bad(r, MRT_BAD_BGP,
		    "UPDATE withdrawn length %zu exceeds the message (%zu)", wl, len);
	size_t al = mrt_get16(p + 2 + wl);
	if (4 + wl + al > len)
		return mrt_bad(r, MRT_BAD_ATTR,
		    "UPDATE attribute length %zu exceeds the message (%zu left)", al, len - 4 - wl);
	struct bgp_nlri_list w = {p + 2, wl, AFI_IPV4, 1, addpath, 1, 0};
	add_section(r, u, &w);
	int bad = bgp_attrs_decode(r, p + 4 + wl, al, asn4, 0, r->opt.no_attrs) < 0;
	struct bgp_attr_ctx *x = &r->actx;
	if (x->has_unreach) {
		x->unreach.addpath = addpath;
		x->unreach.withdraw = 1, x->unreach.mp = 1;
		if (supported(x->unreach.afi, x->unreach.safi))
			add_section(r, u, &x->unreach);
		else
			mrt_bad(r, MRT_BAD_UNSUPPORTED, "MP_UNREACH for AFI %u SAFI %u not decoded",
			    x->unreach.afi, x->unreach.safi);
	}
	struct bgp_nlri_list n = {p + 4 + wl + al, len - 4 - wl - al, AFI_IPV4, 1, addpath, 0, 0};
	if (!bad) {
		add_section(r, u, &n);
		if (x->has_reach) {
			x->reach.addpath = addpath;
			x->reach.withdraw = 0, x->reach.mp = 1;
			if (supported(x->reach.afi, x->reach.safi))
				add_section(r, u, &x->reach);
			else
				mrt_bad(r, MRT_BAD_UNSUPPORTED,
				    "MP_REACH for AFI %u SAFI %u not decoded", x->reach.afi,
				    x->reach.safi);
		}
	}
	r->walk = WALK_UPDATE;
	return u->nsec > 0;
}

int bgp_update_next(struct mrt_reader *r, struct mrt_route *rt)
{
	struct bgp_update *u = &r->upd;
	while (u->cur < u->nsec) {
		const struct bgp_nlri_list *l = &u->sec[u->cur];
		*rt = r->rt;
		int k = bgp_nlri_read(r, l, &u->off, rt);
		if (k == 1) {
			rt->kind = l->withdraw ? MRT_ROUTE_WITHDRAW : MRT_ROUTE_ANNOUNCE;
			rt->from_mp = l->mp;
			rt->attrs = (!l->withdraw && !r->opt.no_attrs) ? &r->attrs : NULL;
			return 1;
		}
		if (k < 0 && r->fatal)
			return -1;
		u->cur++;
		u->off = 0;
	}
	return 0;
}
