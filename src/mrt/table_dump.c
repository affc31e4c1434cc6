/*
 * TABLE_DUMP (RFC 6396 4.2): one RIB entry per record, IPv4 (subtype 1) or IPv6 (subtype 2),
 * 2-byte peer AS, attributes with 2-byte AS_PATH (AS4_PATH merged).
 */
#include <string.h>

#include "mrt/mrt_private.h"

int mrt_td1_begin(struct mrt_reader *r)
{
	const struct mrt_record *rec = &r->rec;
	uint8_t afi = rec->subtype == MRT_TD_AFI_IPV4   ? AFI_IPV4
	              : rec->subtype == MRT_TD_AFI_IPV6 ? AFI_IPV6
	                                                : 0;
	if (afi == 0)
		return mrt_bad(
		    r, MRT_BAD_AFI, "TABLE_DUMP subtype %u is not an address family", rec->subtype);
	size_t al = afi == AFI_IPV4 ? 4 : 16;
	size_t fixed = 4 + al + 1 + 1 + 4 + al + 2 + 2;
	struct cursor c = cursor_make(rec->body, rec->len), pfx, peer;
	uint8_t bits, status;
	uint16_t peer_as, alen;
	struct mrt_route *t = &r->rt;
	/* view, sequence, prefix, length, status, originated, peer address, peer AS, length */
	if (cur_skip(&c, 4) || cur_sub(&c, al, &pfx) || cur_u8(&c, &bits) || cur_u8(&c, &status) ||
	    cur_u32(&c, &t->originated) || cur_sub(&c, al, &peer) || cur_u16(&c, &peer_as) ||
	    cur_u16(&c, &alen))
		return mrt_bad(r, MRT_BAD_SHORT,
		    "TABLE_DUMP record of %u bytes, at least %zu needed", rec->len, fixed);
	if (bits > (afi == AFI_IPV4 ? 32 : 128))
		return mrt_bad(r, MRT_BAD_NLRI, "TABLE_DUMP prefix length %u too long", bits);
	mrt_route_prefix(t, afi, bits, pfx.p);
	cur_bytes(&pfx, t->prefix_wire, al); /* the full address field, as bgpdump prints it */
	t->host_bits = memcmp(t->prefix_wire, t->prefix.addr, al) != 0;
	if (t->host_bits)
		mrt_bad(r, MRT_BAD_HOST_BITS, "prefix /%u has bits set beyond its length (masked)",
		    bits);
	mrt_peer_set(&t->peer, afi, peer.p, peer_as);
	struct cursor attrs;
	if (cur_sub(&c, alen, &attrs)) {
		r->st.rib_skipped[MRT_BAD_ATTR]++;
		return mrt_bad(r, MRT_BAD_ATTR,
		    "TABLE_DUMP attribute length %u exceeds the record (%zu left): entry skipped",
		    alen, c.len);
	}
	if (c.len > 0)
		mrt_bad(r, MRT_BAD_OVERLONG, "%zu bytes after the TABLE_DUMP entry", c.len);
	t->kind = MRT_ROUTE_RIB;
	t->safi = 1;
	/* Checked also with no_attrs, so that counts agree with a full read. */
	if (bgp_attrs_decode(r, attrs, 0, 1) < 0) {
		mrt_rib_skip(r); /* treat-as-withdraw: not a usable route */
		return -1;
	}
	t->attrs = r->opt.no_attrs ? NULL : &r->attrs;
	r->walk = WALK_STATE; /* one route, the template */
	return 1;
}

int mrt_td1_next(struct mrt_reader *r, struct mrt_route *rt)
{
	*rt = r->rt;
	r->walk = WALK_NONE;
	return 1;
}
