/*
 * JSON lines: one object per route or state change with every decoded field. Keys:
 *   kind ("rib", "announce", "withdraw", "state"), mrt_type, mrt_subtype, record, ts, usec,
 *   peer, peer_as, [local, local_as,] prefix, [path_id,] [host_bits,] safi,
 *   rib: originated; announce/rib: origin, as_path (text), as_path_words ([[type,[asn...]]...]),
 *   origin_as, next_hop, mp_next_hop, mp_next_hop_ll, med, local_pref, atomic_aggregate,
 *   aggregator {as, addr}, communities ["a:b"], ext_communities ["hex16"],
 *   large_communities ["a:b:c"], originator_id, cluster_list, otc,
 *   unknown [{type, flags, hex}]; state: old_state, new_state.
 * Absent attributes are left out.
 */
#include <string.h>

#include "mrt/mrt_private.h"

static const char *kind_name[] = {"?", "rib", "announce", "withdraw", "state"};

struct jw {
	struct mrt_out *o;
	char *p;
};

static void jraw(struct jw *j, const char *s)
{
	size_t n = strlen(s);
	memcpy(j->p, s, n);
	j->p += n;
}

static void jkey(struct jw *j, const char *k)
{
	*j->p++ = ',';
	*j->p++ = '"';
	jraw(j, k);
	*j->p++ = '"';
	*j->p++ = ':';
}

static void jstr(struct jw *j, const char *k, const char *v)
{
	jkey(j, k);
	*j->p++ = '"';
	jraw(j, v);
	*j->p++ = '"';
}

static void jnum(struct jw *j, const char *k, uint64_t v)
{
	jkey(j, k);
	j->p = fmt_u64(j->p, v);
}

static void jaddr(struct jw *j, const char *k, uint8_t afi, const uint8_t *a)
{
	jkey(j, k);
	*j->p++ = '"';
	j->p = afi == AFI_IPV6 ? fmt_ipv6(j->p, a) : fmt_ipv4(j->p, a);
	*j->p++ = '"';
}

static void jhex(struct jw *j, const uint8_t *b, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	*j->p++ = '"';
	for (size_t i = 0; i < n; i++) {
		*j->p++ = hx[b[i] >> 4];
		*j->p++ = hx[b[i] & 15];
	}
	*j->p++ = '"';
}

static void jpath(struct jw *j, const struct bgp_attrs *a)
{
	char tmp[16];
	jkey(j, "as_path");
	*j->p++ = '"';
	size_t room = (size_t)a->aspath_nwords * 12 + 8;
	j->p += aspath_words_format(a->aspath, a->aspath_nwords, j->p, room);
	*j->p++ = '"';
	jkey(j, "as_path_words");
	*j->p++ = '[';
	for (uint32_t i = 0; i < a->aspath_nwords; i += 1 + ASPATH_SEG_COUNT(a->aspath[i])) {
		if (i)
			*j->p++ = ',';
		*j->p++ = '[';
		j->p = fmt_u32(j->p, ASPATH_SEG_TYPE(a->aspath[i]));
		jraw(j, ",[");
		for (uint32_t k = 0; k < ASPATH_SEG_COUNT(a->aspath[i]); k++) {
			if (k)
				*j->p++ = ',';
			j->p = fmt_u32(j->p, a->aspath[i + 1 + k]);
		}
		jraw(j, "]]");
	}
	*j->p++ = ']';
	uint32_t o;
	if (aspath_words_origin(a->aspath, a->aspath_nwords, &o) == 0)
		jnum(j, "origin_as", o);
	(void)tmp;
}

static void jcommunities(struct jw *j, const struct bgp_attrs *a)
{
	if (bgp_attrs_has(a, BGP_ATTR_COMMUNITIES)) {
		jkey(j, "communities");
		*j->p++ = '[';
		struct cursor c = cursor_make(a->communities, 4 * (size_t)a->ncommunities);
		uint32_t v;
		for (uint32_t i = 0; cur_u32(&c, &v) == 0; i++) {
			jraw(j, i ? ",\"" : "\"");
			j->p = fmt_u32(j->p, v >> 16);
			*j->p++ = ':';
			j->p = fmt_u32(j->p, v & 0xffff);
			*j->p++ = '"';
		}
		*j->p++ = ']';
	}
	if (bgp_attrs_has(a, BGP_ATTR_EXT_COMMUNITIES)) {
		jkey(j, "ext_communities");
		*j->p++ = '[';
		for (uint32_t i = 0; i < a->next; i++) {
			if (i)
				*j->p++ = ',';
			jhex(j, a->ext_communities + 8 * i, 8);
		}
		*j->p++ = ']';
	}
	if (bgp_attrs_has(a, BGP_ATTR_LARGE_COMMUNITIES)) {
		jkey(j, "large_communities");
		*j->p++ = '[';
		struct cursor c = cursor_make(a->large_communities, 12 * (size_t)a->nlarge);
		uint32_t g, d1, d2;
		for (uint32_t i = 0;
		     cur_u32(&c, &g) == 0 && cur_u32(&c, &d1) == 0 && cur_u32(&c, &d2) == 0; i++) {
			jraw(j, i ? ",\"" : "\"");
			j->p = fmt_u32(j->p, g);
			*j->p++ = ':';
			j->p = fmt_u32(j->p, d1);
			*j->p++ = ':';
			j->p = fmt_u32(j->p, d2);
			*j->p++ = '"';
		}
		*j->p++ = ']';
	}
}

static void jattrs(struct jw *j, const struct bgp_attrs *a)
{
	static const char *origins[] = {"IGP", "EGP", "INCOMPLETE"};
	if (bgp_attrs_has(a, BGP_ATTR_ORIGIN)) {
		if (a->origin <= 2)
			jstr(j, "origin", origins[a->origin]);
		else
			jnum(j, "origin", a->origin);
	}
	if (bgp_attrs_has(a, BGP_ATTR_AS_PATH))
		jpath(j, a);
	if (bgp_attrs_has(a, BGP_ATTR_NEXT_HOP))
		jaddr(j, "next_hop", AFI_IPV4, a->nexthop);
	if (bgp_attrs_has(a, BGP_ATTR_MP_REACH_NLRI) && a->mp_nh_len > 0) {
		int v6 = a->mp_nh_len >= 16;
		jaddr(j, "mp_next_hop", v6 ? AFI_IPV6 : AFI_IPV4, a->mp_nexthop);
		if (a->mp_nh_len >= 32)
			jaddr(j, "mp_next_hop_ll", AFI_IPV6, a->mp_nexthop_ll);
	}
	if (bgp_attrs_has(a, BGP_ATTR_MED))
		jnum(j, "med", a->med);
	if (bgp_attrs_has(a, BGP_ATTR_LOCAL_PREF))
		jnum(j, "local_pref", a->local_pref);
	if (bgp_attrs_has(a, BGP_ATTR_ATOMIC_AGGREGATE)) {
		jkey(j, "atomic_aggregate");
		jraw(j, "true");
	}
	if (bgp_attrs_has(a, BGP_ATTR_AGGREGATOR)) {
		jkey(j, "aggregator");
		jraw(j, "{\"as\":");
		j->p = fmt_u32(j->p, a->aggr_as);
		jraw(j, ",\"addr\":\"");
		j->p = fmt_ipv4(j->p, a->aggr_addr);
		jraw(j, "\"}");
	}
	jcommunities(j, a);
	if (bgp_attrs_has(a, BGP_ATTR_ORIGINATOR_ID))
		jaddr(j, "originator_id", AFI_IPV4, a->originator_id);
	if (bgp_attrs_has(a, BGP_ATTR_CLUSTER_LIST)) {
		jkey(j, "cluster_list");
		*j->p++ = '[';
		for (uint32_t i = 0; i < a->ncluster; i++) {
			jraw(j, i ? ",\"" : "\"");
			j->p = fmt_ipv4(j->p, a->cluster_list + 4 * i);
			*j->p++ = '"';
		}
		*j->p++ = ']';
	}
	if (bgp_attrs_has(a, BGP_ATTR_OTC))
		jnum(j, "otc", a->otc);
	if (a->nraw) {
		jkey(j, "unknown");
		*j->p++ = '[';
		for (uint32_t i = 0; i < a->nraw; i++) {
			jraw(j, i ? ",{\"type\":" : "{\"type\":");
			j->p = fmt_u32(j->p, a->raw[i].type);
			jraw(j, ",\"flags\":");
			j->p = fmt_u32(j->p, a->raw[i].flags);
			jraw(j, ",\"hex\":");
			jhex(j, a->raw[i].data, a->raw[i].len);
			*j->p++ = '}';
		}
		*j->p++ = ']';
	}
}

static size_t need(const struct mrt_route *rt)
{
	size_t n = 1024;
	const struct bgp_attrs *a = rt->attrs;
	if (a) {
		n += (size_t)a->aspath_nwords * 26 + (size_t)a->ncommunities * 16 +
		     (size_t)a->next * 20 + (size_t)a->nlarge * 40 + (size_t)a->ncluster * 20;
		for (uint32_t i = 0; i < a->nraw; i++)
			n += 64 + 2u * a->raw[i].len;
	}
	return n;
}

static void print_route(struct mrt_out *o, const struct mrt_reader *r, const struct mrt_route *rt)
{
	(void)r;
	struct jw j = {o, mrt_out_reserve(o, need(rt))};
	jraw(&j, "{\"kind\":\"");
	jraw(&j, kind_name[rt->kind]);
	*j.p++ = '"';
	jstr(&j, "mrt_type", mrt_type_name(rt->type));
	jstr(&j, "mrt_subtype", mrt_subtype_name(rt->type, rt->subtype));
	jnum(&j, "record", rt->record);
	jnum(&j, "ts", rt->ts);
	if (rt->type == MRT_BGP4MP_ET)
		jnum(&j, "usec", rt->usec);
	jaddr(&j, "peer", rt->peer.afi, rt->peer.addr);
	jnum(&j, "peer_as", rt->peer.asn);
	if (rt->local.afi) {
		jaddr(&j, "local", rt->local.afi, rt->local.addr);
		jnum(&j, "local_as", rt->local.asn);
	}
	if (rt->kind == MRT_ROUTE_STATE) {
		jnum(&j, "old_state", rt->old_state);
		jnum(&j, "new_state", rt->new_state);
	} else {
		jkey(&j, "prefix");
		*j.p++ = '"';
		j.p = rt->prefix.afi == AFI_IPV6 ? fmt_ipv6(j.p, rt->prefix.addr)
		                                 : fmt_ipv4(j.p, rt->prefix.addr);
		*j.p++ = '/';
		j.p = fmt_u32(j.p, rt->prefix.len);
		*j.p++ = '"';
		jnum(&j, "safi", rt->safi);
		if (rt->has_path_id)
			jnum(&j, "path_id", rt->path_id);
		if (rt->host_bits) {
			jkey(&j, "host_bits");
			jraw(&j, "true");
		}
		if (rt->kind == MRT_ROUTE_RIB)
			jnum(&j, "originated", rt->originated);
		if (rt->attrs)
			jattrs(&j, rt->attrs);
	}
	jraw(&j, "}\n");
	mrt_out_commit(o, j.p);
}

const struct mrt_printer mrt_print_jsonl = {
    "jsonl", "one JSON object per route or state change, every decoded field", print_route};
