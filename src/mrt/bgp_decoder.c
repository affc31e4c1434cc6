/*
 * The BGP UPDATE decoder without MRT framing (mrt.h: bgp_decoder_*): a whole BGP message in,
 * routes out through bgp_update_begin / bgp_update_next, the code the BGP4MP records use.
 * Each message counts as one record of the reader's statistics.
 */
#include "mrt/mrt_private.h"

static const uint8_t marker[16] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

struct mrt_reader *bgp_decoder_new(const struct mrt_options *opt)
{
	struct mrt_reader *r = mrt_reader_new(opt, "BGP");
	r->unit = "message";
	r->eof = 1;
	return r;
}

/* RFC 4724 2: End-of-RIB is an UPDATE with no withdrawn routes, no attributes and no NLRI
 * (IPv4 unicast), or one whose only attribute is an empty MP_UNREACH_NLRI. */
static void detect_eor(struct mrt_reader *r, struct cursor body)
{
	uint16_t wl, al;
	if (cur_u16(&body, &wl) || wl != 0 || cur_u16(&body, &al))
		return;
	if (al == 0 && body.len == 0) {
		r->eor = 1, r->eor_afi = AFI_IPV4, r->eor_safi = 1;
		return;
	}
	/* flags, type 15, length 3 (one byte, or two with the extended-length flag), AFI, SAFI */
	uint8_t fl, type, safi;
	uint16_t len, afi;
	if (body.len != al || cur_u8(&body, &fl) || cur_u8(&body, &type) || type != 15)
		return;
	if ((fl & 0x10) ? cur_u16(&body, &len) : cur_u8_as16(&body, &len))
		return;
	if (len != 3 || body.len != 3 || cur_u16(&body, &afi) || cur_u8(&body, &safi))
		return;
	r->eor = 1, r->eor_afi = afi, r->eor_safi = safi;
}

int bgp_decoder_begin(struct mrt_reader *r, const uint8_t *msg, size_t len, int asn4, int addpath,
    const struct mrt_route *tmpl, uint64_t index, uint64_t offset)
{
	r->walk = WALK_NONE;
	r->eor = 0;
	r->bad_in_record = 0;
	memset(&r->rec, 0, sizeof(r->rec));
	r->rec.index = index;
	r->rec.offset = offset;
	r->rec.len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	r->rec.body = msg;
	r->st.records++;
	r->st.bytes += len;
	if (tmpl)
		r->rt = *tmpl;
	else
		memset(&r->rt, 0, sizeof(r->rt));
	r->rt.record = index;
	if (r->fatal)
		return MRT_ERR_MALFORMED;

	struct cursor c = cursor_make(msg, len), body;
	uint8_t mark[16], type;
	uint16_t mlen;
	if (cur_bytes(&c, mark, 16) || cur_u16(&c, &mlen) || cur_u8(&c, &type))
		return mrt_bad(r, MRT_BAD_SHORT, "BGP message cut: %zu bytes", len);
	if (memcmp(mark, marker, 16) != 0)
		return mrt_bad(r, MRT_BAD_BGP, "BGP message without its all-ones marker");
	if (mlen < 19)
		return mrt_bad(r, MRT_BAD_BGP, "BGP message length %u below 19", mlen);
	if (cur_sub(&c, mlen - 19u, &body))
		return mrt_bad(r, MRT_BAD_TRUNCATED,
		    "BGP message length %u exceeds the %zu bytes it arrived in", mlen, len);
	if (c.len > 0)
		mrt_bad(r, MRT_BAD_OVERLONG, "%zu bytes after the BGP message", c.len);
	if (type != 2)
		return 0; /* OPEN, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH: no routes */
	detect_eor(r, body);
	int k = bgp_update_begin(r, body, asn4, addpath);
	if (r->fatal)
		return MRT_ERR_MALFORMED;
	return k;
}

int bgp_decoder_next(struct mrt_reader *r, struct mrt_route *rt)
{
	if (r->walk != WALK_UPDATE)
		return 0;
	int k = bgp_update_next(r, rt);
	if (r->fatal)
		return MRT_ERR_MALFORMED;
	if (k == 1) {
		r->st.routes[rt->kind]++;
		return 1;
	}
	r->walk = WALK_NONE;
	return k < 0 ? -1 : 0;
}

int bgp_decoder_eor(const struct mrt_reader *r, uint16_t *afi, uint8_t *safi)
{
	if (!r->eor)
		return 0;
	if (afi)
		*afi = r->eor_afi;
	if (safi)
		*safi = r->eor_safi;
	return 1;
}
