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
	struct cursor peer, local;
	if (c->len < 2 * al)
		goto cut;
	cur_sub(c, al, &peer);
	cur_sub(c, al, &local);
	mrt_peer_set(&r->rt.peer, (uint8_t)afi, peer.p, pas);
	mrt_peer_set(&r->rt.local, (uint8_t)afi, local.p, las);
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
		uint32_t pas;
		uint16_t pas2;
		if (asn4) {
			cur_u32(&c, &pas);
		} else {
			cur_u16(&c, &pas2);
			pas = pas2;
		}
		mrt_peer_set(&r->rt.peer, AFI_IPV4, zero, pas);
		cur_skip(&c, asz); /* local AS */
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
	size_t left = c.len;
	uint8_t mark[16], type;
	uint16_t mlen;
	struct cursor body;
	if (cur_bytes(&c, mark, 16) || cur_u16(&c, &mlen) || cur_u8(&c, &type))
		return mrt_bad(
		    r, MRT_BAD_SHORT, "BGP message cut: %zu bytes after the peer fields", left);
	if (memcmp(mark, marker, 16) != 0)
		return mrt_bad(r, MRT_BAD_BGP, "BGP message without its all-ones marker");
	if (mlen < 19)
		return mrt_bad(r, MRT_BAD_BGP, "BGP message length %u below 19", mlen);
	if (cur_sub(&c, mlen - 19u, &body))
		return mrt_bad(r, MRT_BAD_TRUNCATED,
		    "BGP message length %u exceeds the %zu bytes of the record", mlen, left);
	if (c.len > 0)
		mrt_bad(r, MRT_BAD_OVERLONG, "%zu bytes after the BGP message", c.len);
	if (type != 2)
		return 0; /* OPEN, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH: no routes */
	return bgp_update_begin(r, body, asn4, addpath ? BGP_ADDPATH_ALL : 0);
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
	struct cursor c = cursor_make(r->rec.body, r->rec.len), ip;
	uint16_t pas, las;
	switch (r->rec.subtype) {
	case MRT_BGP_UPDATE:
		if (cur_u16(&c, &pas) || cur_sub(&c, 4, &ip))
			return mrt_bad(
			    r, MRT_BAD_SHORT, "BGP UPDATE record of %u bytes", r->rec.len);
		mrt_peer_set(&r->rt.peer, AFI_IPV4, ip.p, pas);
		if (cur_u16(&c, &las) || cur_sub(&c, 4, &ip))
			return mrt_bad(
			    r, MRT_BAD_SHORT, "BGP UPDATE record of %u bytes", r->rec.len);
		mrt_peer_set(&r->rt.local, AFI_IPV4, ip.p, las);
		return bgp_update_begin(r, c, 0, 0);
	case MRT_BGP_STATE_CHANGE:
		if (cur_u16(&c, &pas) || cur_sub(&c, 4, &ip) || cur_u16(&c, &r->rt.old_state) ||
		    cur_u16(&c, &r->rt.new_state))
			return mrt_bad(
			    r, MRT_BAD_SHORT, "BGP STATE_CHANGE record of %u bytes", r->rec.len);
		mrt_peer_set(&r->rt.peer, AFI_IPV4, ip.p, pas);
		r->rt.kind = MRT_ROUTE_STATE;
		r->walk = WALK_STATE;
		return 1;
	default:
		return 0; /* OPEN, NOTIFY, KEEPALIVE, SYNC: no routes */
	}
}
