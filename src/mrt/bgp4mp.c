/*
 * BGP4MP and BGP4MP_ET (RFC 6396 4.4, 4.5; RFC 8050): STATE_CHANGE(_AS4), MESSAGE(_AS4)
 * (_LOCAL) (_ADDPATH); and the deprecated type-5 BGP records of old RIS files (RFC 6396 B.2.1:
 * BGP_UPDATE, BGP_STATE_CHANGE). BGP4MP_ENTRY and BGP4MP_SNAPSHOT are counted, not decoded.
 */
#include "mrt/mrt_private.h"

static const uint8_t marker[16] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* Peer AS, local AS, interface, AFI, peer IP, local IP: the common head. Returns the AFI, or 0
 * when malformed (reported). */
static int read_peers(struct mrt_reader *r, struct cursor *c, int asn4)
{
	uint32_t pas, las;
	uint16_t a16, ifindex, afi;
	if (asn4) {
		if (cur_u32(c, &pas) || cur_u32(c, &las))
			goto cut;
	} else {
		if (cur_u16(c, &a16))
			goto cut;
		pas = a16;
		if (cur_u16(c, &a16))
			goto cut;
		las = a16;
	}
	if (cur_u16(c, &ifindex) || cur_u16(c, &afi))
		goto cut;
	if (afi != AFI_IPV4 && afi != AFI_IPV6) {
		mrt_bad(r, MRT_BAD_AFI, "BGP4MP address family %u", afi);
		return 0;
	}
	size_t al = afi == AFI_IPV4 ? 4 : 16;
	if (c->len < 2 * al)
		goto cut;
	mrt_peer_set(&r->rt.peer, (uint8_t)afi, c->p, pas);
	mrt_peer_set(&r->rt.local, (uint8_t)afi, c->p + al, las);
	cur_skip(c, 2 * al);
	return afi;
cut:
	mrt_bad(r, MRT_BAD_SHORT, "BGP4MP record of %u bytes cut in its peer fields", r->rec.len);
	return 0;
}

static int state_change(struct mrt_reader *r, int asn4)
{
	struct cursor c = cursor_make(r->rec.body, r->rec.len);
	size_t asz = asn4 ? 4 : 2;
	if (r->rec.len == 2 * asz + 4) {
		/* Zebra wrote state changes without interface, AFI and addresses (seen in 2000
		 * RIS files); bgpdump reads them the same way. */
		uint8_t zero[16] = {0};
		uint32_t pas = asn4 ? mrt_get32(c.p) : mrt_get16(c.p);
		mrt_peer_set(&r->rt.peer, AFI_IPV4, zero, pas);
		cur_skip(&c, 2 * asz);
	} else if (read_peers(r, &c, asn4) == 0) {
		return -1;
	}
	if (cur_u16(&c, &r->rt.old_state) || cur_u16(&c, &r->rt.new_state))
		return mrt_bad(r, MRT_BAD_SHORT, "STATE_CHANGE record of %u bytes", r->rec.len);
	if (c.len)
		mrt_bad(r, MRT_BAD_OVERLONG, "%zu bytes after the STATE_CHANGE", c.len);
	r->rt.kind = MRT_ROUTE_STATE;
	r->walk = WALK_STATE;
	return 1;
}

static int message(struct mrt_reader *r, int asn4, int addpath)
{
	struct cursor c = cursor_make(r->rec.body, r->rec.len);
	if (read_peers(r, &c, asn4) == 0)
		return -1;
	if (c.len < 19)
		return mrt_bad(
		    r, MRT_BAD_SHORT, "BGP message cut: %zu bytes after the peer fields", c.len);
	if (memcmp(c.p, marker, 16) != 0)
		return mrt_bad(r, MRT_BAD_BGP, "BGP message without its all-ones marker");
	uint16_t mlen = mrt_get16(c.p + 16);
	uint8_t type = c.p[18];
	if (mlen < 19)
		return mrt_bad(r, MRT_BAD_BGP, "BGP message length %u below 19", mlen);
	if (mlen > c.len)
		return mrt_bad(r, MRT_BAD_TRUNCATED,
		    "BGP message length %u exceeds the %zu bytes of the record", mlen, c.len);
	if (mlen < c.len)
		mrt_bad(r, MRT_BAD_OVERLONG, "%zu bytes after the BGP message", c.len - mlen);
	if (type != 2)
		return 0; /* OPEN, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH: no routes */
	return bgp_update_begin(r, c.p + 19, mlen - 19u, asn4, addpath);
}

int mrt_bgp4mp_begin(struct mrt_reader *r)
{
	uint16_t st = r->rec.subtype;
	switch (st) {
	case MRT_BGP4MP_STATE_CHANGE:
	case MRT_BGP4MP_STATE_CHANGE_AS4:
		return state_change(r, st == MRT_BGP4MP_STATE_CHANGE_AS4);
	case MRT_BGP4MP_MESSAGE:
	case MRT_BGP4MP_MESSAGE_LOCAL:
	case MRT_BGP4MP_MESSAGE_ADDPATH:
	case MRT_BGP4MP_MESSAGE_LOCAL_ADDPATH:
		return message(r, 0, st >= MRT_BGP4MP_MESSAGE_ADDPATH);
	case MRT_BGP4MP_MESSAGE_AS4:
	case MRT_BGP4MP_MESSAGE_AS4_LOCAL:
	case MRT_BGP4MP_MESSAGE_AS4_ADDPATH:
	case MRT_BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH:
		return message(r, 1, st >= MRT_BGP4MP_MESSAGE_ADDPATH);
	default:
		return mrt_bad(r, MRT_BAD_UNSUPPORTED, "BGP4MP subtype %u (%s) not decoded", st,
		    mrt_subtype_name(r->rec.type, st));
	}
}

/* Type 5: peer AS, peer IP, local AS, local IP (IPv4, 2-byte ASNs), then the UPDATE without
 * its BGP header; BGP_STATE_CHANGE: peer AS, peer IP, old state, new state. */
int mrt_bgp5_begin(struct mrt_reader *r)
{
	struct cursor c = cursor_make(r->rec.body, r->rec.len);
	uint16_t pas, las;
	switch (r->rec.subtype) {
	case MRT_BGP_UPDATE:
		if (cur_u16(&c, &pas) || c.len < 4)
			return mrt_bad(
			    r, MRT_BAD_SHORT, "BGP UPDATE record of %u bytes", r->rec.len);
		mrt_peer_set(&r->rt.peer, AFI_IPV4, c.p, pas);
		cur_skip(&c, 4);
		if (cur_u16(&c, &las) || c.len < 4)
			return mrt_bad(
			    r, MRT_BAD_SHORT, "BGP UPDATE record of %u bytes", r->rec.len);
		mrt_peer_set(&r->rt.local, AFI_IPV4, c.p, las);
		cur_skip(&c, 4);
		return bgp_update_begin(r, c.p, c.len, 0, 0);
	case MRT_BGP_STATE_CHANGE:
		if (cur_u16(&c, &pas) || c.len < 8)
			return mrt_bad(
			    r, MRT_BAD_SHORT, "BGP STATE_CHANGE record of %u bytes", r->rec.len);
		mrt_peer_set(&r->rt.peer, AFI_IPV4, c.p, pas);
		cur_skip(&c, 4);
		cur_u16(&c, &r->rt.old_state);
		cur_u16(&c, &r->rt.new_state);
		r->rt.kind = MRT_ROUTE_STATE;
		r->walk = WALK_STATE;
		return 1;
	default:
		return 0; /* OPEN, NOTIFY, KEEPALIVE, SYNC: no routes */
	}
}
