/*
 * TABLE_DUMP_V2 (RFC 6396 4.3, RFC 8050): the PEER_INDEX_TABLE, and RIB records (IPv4/IPv6
 * unicast/multicast, RIB_GENERIC, and their ADD-PATH forms) walked one entry at a time. The
 * attributes of each entry are decoded when the entry is reached, into buffers reused for the
 * next one, so a record with thousands of entries costs no memory beyond its bytes.
 */
#include <stdlib.h>

#include "mrt/mrt_private.h"

int mrt_td2_peer_index(struct mrt_reader *r)
{
	struct cursor c = cursor_make(r->rec.body, r->rec.len);
	uint16_t namelen, count;
	if (cur_skip(&c, 4) || cur_u16(&c, &namelen) || cur_skip(&c, namelen) ||
	    cur_u16(&c, &count))
		return mrt_bad(r, MRT_BAD_SHORT, "PEER_INDEX_TABLE header cut");
	if (count > r->peers_cap) {
		r->peers_cap = count;
		r->peers = xreallocarray(r->peers, count, sizeof(*r->peers));
	}
	r->npeers = 0;
	for (unsigned i = 0; i < count; i++) {
		uint8_t type;
		uint32_t id, asn;
		uint16_t as2;
		uint8_t addr[16];
		if (cur_u8(&c, &type) || cur_u32(&c, &id) ||
		    cur_bytes(&c, addr, (type & 1) ? 16 : 4))
			return mrt_bad(
			    r, MRT_BAD_SHORT, "PEER_INDEX_TABLE cut at peer %u of %u", i, count);
		if (type & 2) {
			if (cur_u32(&c, &asn))
				return mrt_bad(
				    r, MRT_BAD_SHORT, "PEER_INDEX_TABLE cut at peer %u", i);
		} else {
			if (cur_u16(&c, &as2))
				return mrt_bad(
				    r, MRT_BAD_SHORT, "PEER_INDEX_TABLE cut at peer %u", i);
			asn = as2;
		}
		struct mrt_peer *p = &r->peers[r->npeers++];
		mrt_peer_set(p, (type & 1) ? AFI_IPV6 : AFI_IPV4, addr, asn);
		p->bgp_id = id;
	}
	if (c.len > 0)
		mrt_bad(r, MRT_BAD_OVERLONG, "%zu bytes after the PEER_INDEX_TABLE", c.len);
	return 0;
}

static int rib_afi(uint16_t st, uint8_t *afi, uint8_t *safi, int *addpath)
{
	*addpath = st >= MRT_TD2_RIB_IPV4_UNICAST_ADDPATH;
	switch (st) {
	case MRT_TD2_RIB_IPV4_UNICAST:
	case MRT_TD2_RIB_IPV4_UNICAST_ADDPATH:
		*afi = AFI_IPV4, *safi = 1;
		return 0;
	case MRT_TD2_RIB_IPV4_MULTICAST:
	case MRT_TD2_RIB_IPV4_MULTICAST_ADDPATH:
		*afi = AFI_IPV4, *safi = 2;
		return 0;
	case MRT_TD2_RIB_IPV6_UNICAST:
	case MRT_TD2_RIB_IPV6_UNICAST_ADDPATH:
		*afi = AFI_IPV6, *safi = 1;
		return 0;
	case MRT_TD2_RIB_IPV6_MULTICAST:
	case MRT_TD2_RIB_IPV6_MULTICAST_ADDPATH:
		*afi = AFI_IPV6, *safi = 2;
		return 0;
	case MRT_TD2_RIB_GENERIC:
	case MRT_TD2_RIB_GENERIC_ADDPATH:
		*afi = 0, *safi = 0;
		return 0;
	default:
		return -1;
	}
}

int mrt_td2_begin(struct mrt_reader *r)
{
	const struct mrt_record *rec = &r->rec;
	uint8_t afi, safi;
	int addpath;
	if (rib_afi(rec->subtype, &afi, &safi, &addpath) != 0) {
		if (rec->subtype != MRT_TD2_GEO_PEER_TABLE)
			mrt_bad(r, MRT_BAD_UNSUPPORTED, "TABLE_DUMP_V2 subtype %u not decoded",
			    rec->subtype);
		return 0;
	}
	struct cursor c = cursor_make(rec->body, rec->len);
	uint16_t gafi, count;
	uint8_t bits;
	if (cur_skip(&c, 4))
		return mrt_bad(r, MRT_BAD_SHORT, "RIB record of %u bytes", rec->len);
	if (afi == 0) { /* RIB_GENERIC: AFI, SAFI, NLRI */
		if (cur_u16(&c, &gafi) || cur_u8(&c, &safi))
			return mrt_bad(
			    r, MRT_BAD_SHORT, "RIB_GENERIC record of %u bytes", rec->len);
		if ((gafi != AFI_IPV4 && gafi != AFI_IPV6) || (safi != 1 && safi != 2))
			return mrt_bad(r, MRT_BAD_UNSUPPORTED,
			    "RIB_GENERIC AFI %u SAFI %u not decoded", gafi, safi);
		afi = (uint8_t)gafi;
	}
	if (cur_u8(&c, &bits))
		return mrt_bad(r, MRT_BAD_SHORT, "RIB record of %u bytes", rec->len);
	if (bits > (afi == AFI_IPV4 ? 32 : 128))
		return mrt_bad(r, MRT_BAD_NLRI, "RIB prefix length %u too long", bits);
	struct cursor pb;
	if (cur_sub(&c, (bits + 7u) / 8u, &pb) || cur_u16(&c, &count))
		return mrt_bad(
		    r, MRT_BAD_SHORT, "RIB record of %u bytes cut in its prefix", rec->len);
	mrt_route_prefix(&r->rt, afi, bits, pb.p);
	if (r->rt.host_bits)
		mrt_bad(r, MRT_BAD_HOST_BITS, "prefix /%u has bits set beyond its length (masked)",
		    bits);
	r->wleft = count;
	r->rt.kind = MRT_ROUTE_RIB;
	r->rt.safi = safi;
	r->rt.has_path_id = addpath;
	r->wc = c;
	r->walk = WALK_TD2;
	return 1;
}

/* One RIB entry. 1 route, 0 record done, -1 entry malformed (skipped; walk goes on when it
 * can). */
int mrt_td2_next(struct mrt_reader *r, struct mrt_route *rt)
{
	for (;;) {
		struct cursor *c = &r->wc;
		if (r->wleft == 0) {
			if (c->len > 0)
				mrt_bad(r, MRT_BAD_OVERLONG, "%zu bytes after the last RIB entry",
				    c->len);
			return 0;
		}
		r->wleft--;
		uint16_t idx, alen;
		uint32_t orig, pathid = 0;
		struct cursor attrs;
		if (cur_u16(c, &idx) || cur_u32(c, &orig) ||
		    (r->rt.has_path_id && cur_u32(c, &pathid)) || cur_u16(c, &alen) ||
		    cur_sub(c, alen, &attrs)) {
			mrt_bad(r, MRT_BAD_SHORT, "RIB entry cut (%u entries left)", r->wleft + 1);
			return 0;
		}
		if (idx >= r->npeers) {
			mrt_bad(r, MRT_BAD_PEER_INDEX, "RIB entry names peer %u of %zu", idx,
			    r->npeers);
			if (r->fatal)
				return -1;
			continue;
		}
		*rt = r->rt;
		rt->peer = r->peers[idx];
		rt->originated = orig;
		rt->path_id = pathid;
		/* Checked also with no_attrs, so that counts agree with a full read. */
		if (bgp_attrs_decode(r, attrs, 1, 1) < 0) {
			if (r->fatal)
				return -1;
			mrt_rib_skip(r); /* treat-as-withdraw: not a usable route */
			continue;
		}
		rt->attrs = r->opt.no_attrs ? NULL : &r->attrs;
		return 1;
	}
}
