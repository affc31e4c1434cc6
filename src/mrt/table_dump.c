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
	if (rec->len < fixed)
		return mrt_bad(r, MRT_BAD_SHORT,
		    "TABLE_DUMP record of %u bytes, at least %zu needed", rec->len, fixed);
	const uint8_t *p = rec->body + 4;
	uint8_t bits = p[al];
	if (bits > (afi == AFI_IPV4 ? 32 : 128))
		return mrt_bad(r, MRT_BAD_NLRI, "TABLE_DUMP prefix length %u too long", bits);
	struct mrt_route *t = &r->rt;
	mrt_route_prefix(t, afi, bits, p);
	memcpy(t->prefix_wire, p, al); /* the full address field, as bgpdump prints it */
	t->host_bits = memcmp(t->prefix_wire, t->prefix.addr, al) != 0;
	if (t->host_bits)
		mrt_bad(r, MRT_BAD_HOST_BITS, "prefix /%u has bits set beyond its length (masked)",
		    bits);
	p += al + 2; /* prefix, length, status */
	t->originated = mrt_get32(p);
	p += 4;
	mrt_peer_set(&t->peer, afi, p, mrt_get16(p + al));
	p += al + 2;
	size_t alen = mrt_get16(p);
	p += 2;
	if (alen > rec->len - fixed)
		return mrt_bad(r, MRT_BAD_ATTR,
		    "TABLE_DUMP attribute length %zu exceeds the record (%zu left)", alen,
		    rec->len - fixed);
	if (alen < rec->len - fixed)
		mrt_bad(r, MRT_BAD_OVERLONG, "%zu bytes after the TABLE_DUMP entry",
		    rec->len - fixed - alen);
	t->kind = MRT_ROUTE_RIB;
	t->safi = 1;
	t->attrs = NULL;
	if (!r->opt.no_attrs) {
		if (bgp_attrs_decode(r, p, alen, 0, 1, 0) < 0)
			return -1; /* entry skipped */
		t->attrs = &r->attrs;
	}
	r->walk = WALK_STATE; /* one route, the template */
	return 1;
}

int mrt_td1_next(struct mrt_reader *r, struct mrt_route *rt)
{
	*rt = r->rt;
	r->walk = WALK_NONE;
	return 1;
}
