/*
 * The `bgpdump -m` line format (Debian bgpdump 1.6.2), reproduced field for field:
 *
 *   TYPE|TIME|B|PEER|PEER_AS|PREFIX|[PATH_ID|]AS_PATH|ORIGIN|NEXT_HOP|LOCAL_PREF|MED|
 *     COMMUNITIES|AG/NAG|AGGREGATOR_AS AGGREGATOR_ADDR|
 *   TYPE|TIME|A|... (as B)     TYPE|TIME|W|PEER|PEER_AS|PREFIX[|PATH_ID]
 *   TYPE|TIME|STATE|PEER|PEER_AS|OLD|NEW
 *
 * TYPE is TABLE_DUMP, TABLE_DUMP2(_AP), BGP4MP(_ET)(_LOCAL)(_AP) or BGP (type 5). Quirks kept
 * on purpose, because users diff against bgpdump: prefixes are printed with the bits past
 * their length as they were on the wire; a missing NEXT_HOP prints as 255.255.255.255; MP
 * IPv4 announcements print LOCAL_PREF and MED as signed numbers; type-5 records print the
 * communities glued to the MED. See docs/mrt.md for the list.
 */
#include <string.h>

#include "mrt/mrt_private.h"

static char *put(char *p, const char *s)
{
	size_t n = strlen(s);
	memcpy(p, s, n);
	return p + n;
}

static char *put_i32(char *p, uint32_t v)
{
	if (v & 0x80000000u) {
		*p++ = '-';
		return fmt_u32(p, (uint32_t)(-(int64_t)(int32_t)v));
	}
	return fmt_u32(p, v);
}

/* IPv6 as bgpdump's own formatter writes it (not inet_ntop): ::ffff:a.b.c.d and ::a.b.c.d
 * (when the IPv4 part is above 1) keep a dotted tail; otherwise the longest run of zero words,
 * even a single one, becomes "::" (the first run on a tie). */
static char *put_v6(char *p, const uint8_t *a)
{
	static const char hx[] = "0123456789abcdef";
	static const uint8_t z10[10];
	struct cursor v6 = cursor_make(a, 16), tail = cursor_make(a + 12, 4);
	uint32_t v4 = 0;
	cur_u32(&tail, &v4);
	if (memcmp(a, z10, 10) == 0 &&
	    ((a[10] == 0xff && a[11] == 0xff) || (a[10] == 0 && a[11] == 0 && v4 > 1))) {
		p = put(p, a[10] ? "::ffff:" : "::");
		return fmt_ipv4(p, a + 12);
	}
	unsigned wd[8];
	for (int i = 0; i < 8; i++) {
		uint16_t x = 0;
		cur_u16(&v6, &x);
		wd[i] = x;
	}
	int best = -1, bestlen = 0;
	for (int i = 0; i < 8;) {
		int j = i;
		while (j < 8 && wd[j] == 0)
			j++;
		if (j - i > bestlen)
			best = i, bestlen = j - i;
		i = j > i ? j : i + 1;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			if (i == 0)
				*p++ = ':';
			*p++ = ':';
			i += bestlen - 1;
			continue;
		}
		unsigned w = wd[i];
		int started = 0;
		for (int sh = 12; sh >= 0; sh -= 4) {
			unsigned d = (w >> sh) & 15;
			if (d || started || sh == 0)
				*p++ = hx[d], started = 1;
		}
		if (i != 7)
			*p++ = ':';
	}
	return p;
}

static char *put_addr(char *p, uint8_t afi, const uint8_t *a)
{
	return afi == AFI_IPV6 ? put_v6(p, a) : fmt_ipv4(p, a);
}

/* AS path as bgpdump's string: sets {a,b}, confederations (a b) / [a,b]; an empty segment
 * still prints its brackets. */
static char *put_aspath(char *p, const uint32_t *w, uint32_t n)
{
	static const char open[] = " { ([", close[] = " } )]";
	uint32_t prev = AS_SEQUENCE;
	int space = 0, any = 0;
	for (uint32_t i = 0; i < n; i += 1 + ASPATH_SEG_COUNT(w[i])) {
		uint32_t t = ASPATH_SEG_TYPE(w[i]), c = ASPATH_SEG_COUNT(w[i]);
		if (prev != AS_SEQUENCE)
			*p++ = close[prev];
		if (space)
			*p++ = ' ';
		if (t != AS_SEQUENCE)
			*p++ = open[t];
		space = 0;
		char sep = (t == AS_SET || t == AS_CONFED_SET) ? ',' : ' ';
		for (uint32_t j = 0; j < c; j++) {
			if (space)
				*p++ = sep;
			space = 1;
			p = fmt_u32(p, w[i + 1 + j]);
		}
		prev = t;
		any = 1;
	}
	if (any && prev != AS_SEQUENCE)
		*p++ = close[prev];
	return p;
}

static char *put_communities(char *p, const struct bgp_attrs *a)
{
	struct cursor c = cursor_make(a->communities, 4 * (size_t)a->ncommunities);
	uint32_t v;
	for (uint32_t i = 0; cur_u32(&c, &v) == 0; i++) {
		if (i)
			*p++ = ' ';
		if (v == 0xFFFFFF01)
			p = put(p, "no-export");
		else if (v == 0xFFFFFF02)
			p = put(p, "no-advertise");
		else if (v == 0xFFFFFF03)
			p = put(p, "local-AS");
		else {
			p = fmt_u32(p, v >> 16);
			*p++ = ':';
			p = fmt_u32(p, v & 0xffff);
		}
	}
	return p;
}

static const char *origin_name(const struct bgp_attrs *a)
{
	if (!bgp_attrs_has(a, BGP_ATTR_ORIGIN))
		return "INCOMPLETE"; /* bgpdump: origin -1 is neither IGP nor EGP */
	return a->origin == 0 ? "IGP" : a->origin == 1 ? "EGP" : "INCOMPLETE";
}

static const uint8_t none4[4] = {255, 255, 255, 255};

/* The next hop bgpdump shows: for RIB entries the MP_REACH IPv6 next hop when there is one,
 * else NEXT_HOP; for UPDATE prefixes from MP_REACH the MP next hop of their family. */
static char *put_nexthop(char *p, const struct mrt_route *rt, const struct bgp_attrs *a)
{
	int mp = bgp_attrs_has(a, BGP_ATTR_MP_REACH_NLRI);
	if (rt->kind == MRT_ROUTE_RIB) {
		if (mp && (a->mp_afi == 0 || (a->mp_afi == AFI_IPV6 && a->mp_safi == 1)))
			return put_v6(p, a->mp_nexthop);
	} else if (rt->from_mp) {
		return rt->prefix.afi == AFI_IPV6 ? put_v6(p, a->mp_nexthop)
		                                  : fmt_ipv4(p, a->mp_nexthop);
	}
	return fmt_ipv4(p, bgp_attrs_has(a, BGP_ATTR_NEXT_HOP) ? a->nexthop : none4);
}

static char *put_prefix(char *p, const struct mrt_route *rt)
{
	p = put_addr(p, rt->prefix.afi, rt->prefix_wire);
	*p++ = '/';
	return fmt_u32(p, rt->prefix.len);
}

/* "TYPE|TIME|" */
static char *put_head(char *p, const struct mrt_route *rt, int state)
{
	int ap = rt->has_path_id && !state;
	switch (rt->type) {
	case MRT_TABLE_DUMP:
		p = put(p, "TABLE_DUMP");
		break;
	case MRT_TABLE_DUMP_V2:
		p = put(p, ap ? "TABLE_DUMP2_AP" : "TABLE_DUMP2");
		break;
	case MRT_BGP:
		p = put(p, "BGP");
		break;
	default: {
		int local = !state && (rt->subtype == MRT_BGP4MP_MESSAGE_LOCAL ||
		                          rt->subtype == MRT_BGP4MP_MESSAGE_AS4_LOCAL ||
		                          rt->subtype == MRT_BGP4MP_MESSAGE_LOCAL_ADDPATH ||
		                          rt->subtype == MRT_BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH);
		p = put(p, rt->type == MRT_BGP4MP_ET ? "BGP4MP_ET" : "BGP4MP");
		if (local)
			p = put(p, "_LOCAL");
		if (ap)
			p = put(p, "_AP");
	}
	}
	*p++ = '|';
	p = fmt_u32(p, rt->ts);
	if (rt->type == MRT_BGP4MP_ET) {
		char us[10]; /* RFC 6396 says microseconds, but the field has 32 bits: printed
		              * whole, as bgpdump does, when a writer put more than 999999 */
		char *e = fmt_u32(us, rt->usec);
		*p++ = '.';
		for (long k = 6 - (e - us); k > 0; k--)
			*p++ = '0';
		memcpy(p, us, (size_t)(e - us));
		p += e - us;
	}
	*p++ = '|';
	return p;
}

static char *put_attrs(char *p, const struct mrt_route *rt, const struct bgp_attrs *a)
{
	p = put_aspath(p, a->aspath, a->aspath_nwords);
	*p++ = '|';
	p = put(p, origin_name(a));
	*p++ = '|';
	p = put_nexthop(p, rt, a);
	*p++ = '|';
	uint32_t lp = bgp_attrs_has(a, BGP_ATTR_LOCAL_PREF) ? a->local_pref : 0;
	uint32_t med = bgp_attrs_has(a, BGP_ATTR_MED) ? a->med : 0;
	int sgn = rt->from_mp && rt->prefix.afi == AFI_IPV4;
	p = sgn ? put_i32(p, lp) : fmt_u32(p, lp);
	*p++ = '|';
	p = sgn ? put_i32(p, med) : fmt_u32(p, med);
	if (rt->type != MRT_BGP) /* type 5: bgpdump glues the communities to the MED */
		*p++ = '|';
	p = put_communities(p, a);
	*p++ = '|';
	p = put(p, bgp_attrs_has(a, BGP_ATTR_ATOMIC_AGGREGATE) ? "AG" : "NAG");
	*p++ = '|';
	if (bgp_attrs_has(a, BGP_ATTR_AGGREGATOR) && memcmp(a->aggr_addr, none4, 4) != 0) {
		p = fmt_u32(p, a->aggr_as);
		*p++ = ' ';
		p = fmt_ipv4(p, a->aggr_addr);
	}
	*p++ = '|';
	return p;
}

static size_t need(const struct mrt_route *rt)
{
	size_t n = 256;
	const struct bgp_attrs *a = rt->attrs;
	if (a)
		n += (size_t)a->aspath_nwords * 12 + (size_t)a->ncommunities * 14;
	return n;
}

static void print_route(struct mrt_out *o, const struct mrt_reader *r, const struct mrt_route *rt)
{
	(void)r;
	if ((rt->kind == MRT_ROUTE_RIB || rt->kind == MRT_ROUTE_ANNOUNCE) && rt->attrs == NULL)
		return; /* no attributes decoded: nothing bgpdump-like to print */
	char *p = mrt_out_reserve(o, need(rt)), *start = p;
	(void)start;
	if (rt->kind == MRT_ROUTE_STATE) {
		p = put_head(p, rt, 1);
		p = put(p, "STATE|");
		p = put_addr(p, rt->peer.afi, rt->peer.addr);
		*p++ = '|';
		p = fmt_u32(p, rt->peer.asn);
		*p++ = '|';
		p = fmt_u32(p, rt->old_state);
		*p++ = '|';
		p = fmt_u32(p, rt->new_state);
		*p++ = '\n';
		mrt_out_commit(o, p);
		return;
	}
	p = put_head(p, rt, 0);
	p = put(p, rt->kind == MRT_ROUTE_RIB ? "B|" : rt->kind == MRT_ROUTE_ANNOUNCE ? "A|" : "W|");
	p = put_addr(p, rt->peer.afi, rt->peer.addr);
	*p++ = '|';
	p = fmt_u32(p, rt->peer.asn);
	*p++ = '|';
	p = put_prefix(p, rt);
	if (rt->kind == MRT_ROUTE_WITHDRAW) {
		if (rt->has_path_id) {
			*p++ = '|';
			p = fmt_u32(p, rt->path_id);
		}
		*p++ = '\n';
		mrt_out_commit(o, p);
		return;
	}
	*p++ = '|';
	if (rt->has_path_id) {
		p = fmt_u32(p, rt->path_id);
		*p++ = '|';
	}
	p = put_attrs(p, rt, rt->attrs);
	*p++ = '\n';
	mrt_out_commit(o, p);
}

const struct mrt_printer mrt_print_bgpdump = {
    "bgpdump", "the lines of bgpdump -m (default)", print_route};
