/*
 * mrtgen — a small MRT writer for tests and benchmarks (header-only).
 *
 * Encodes MRT records (RFC 6396, RFC 8050) and BGP attributes (RFC 4271, 4760, 6793, 8092)
 * into a growable byte buffer, written from the RFCs and independent of routemark's reader,
 * so tests can check the reader against bytes it did not produce. tests/test_mrtgen.c checks
 * this writer against Debian's bgpdump.
 *
 * Every builder appends to a struct mrtgen_buf. Variable-length parts are written as
 * "begin" (returns the offset of a length placeholder) and "end" (patches the length), so
 * nested structures need no second buffer. To build deliberately malformed input, write a
 * valid record and then damage it: mrtgen_patch16/32 overwrite a length, mrtgen_truncate cuts
 * the buffer, mrtgen_nlri writes the address bytes as given (bits past the mask included),
 * mrtgen_put* appends arbitrary trailing bytes, and any AFI may be given (a wrong AFI is
 * written as given, with 4-byte addresses for every AFI but 2).
 *
 * Allocation failure aborts: this is test code.
 */
#ifndef ROUTEMARK_MRTGEN_H
#define ROUTEMARK_MRTGEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* MRT types and subtypes (RFC 6396 section 4, RFC 8050). */
enum {
	MRTGEN_TABLE_DUMP = 12,
	MRTGEN_TABLE_DUMP_V2 = 13,
	MRTGEN_BGP4MP = 16,
	MRTGEN_BGP4MP_ET = 17,
};
enum {
	MRTGEN_PEER_INDEX_TABLE = 1,
	MRTGEN_RIB_IPV4_UNICAST = 2,
	MRTGEN_RIB_IPV4_MULTICAST = 3,
	MRTGEN_RIB_IPV6_UNICAST = 4,
	MRTGEN_RIB_IPV6_MULTICAST = 5,
	MRTGEN_RIB_GENERIC = 6,
	MRTGEN_RIB_IPV4_UNICAST_ADDPATH = 8,
	MRTGEN_RIB_IPV6_UNICAST_ADDPATH = 10,
};
enum {
	MRTGEN_BGP4MP_STATE_CHANGE = 0,
	MRTGEN_BGP4MP_MESSAGE = 1,
	MRTGEN_BGP4MP_MESSAGE_AS4 = 4,
	MRTGEN_BGP4MP_STATE_CHANGE_AS4 = 5,
	MRTGEN_BGP4MP_MESSAGE_LOCAL = 6,
	MRTGEN_BGP4MP_MESSAGE_AS4_LOCAL = 7,
	MRTGEN_BGP4MP_MESSAGE_ADDPATH = 8,
	MRTGEN_BGP4MP_MESSAGE_AS4_ADDPATH = 9,
};

/* BGP path attribute flags and type codes. */
enum {
	MRTGEN_AF_OPTIONAL = 0x80,
	MRTGEN_AF_TRANSITIVE = 0x40,
	MRTGEN_AF_PARTIAL = 0x20,
	MRTGEN_AF_EXTLEN = 0x10,
};
enum {
	MRTGEN_ATTR_ORIGIN = 1,
	MRTGEN_ATTR_AS_PATH = 2,
	MRTGEN_ATTR_NEXT_HOP = 3,
	MRTGEN_ATTR_MED = 4,
	MRTGEN_ATTR_LOCAL_PREF = 5,
	MRTGEN_ATTR_ATOMIC_AGGREGATE = 6,
	MRTGEN_ATTR_AGGREGATOR = 7,
	MRTGEN_ATTR_COMMUNITIES = 8,
	MRTGEN_ATTR_MP_REACH = 14,
	MRTGEN_ATTR_MP_UNREACH = 15,
	MRTGEN_ATTR_EXT_COMMUNITIES = 16,
	MRTGEN_ATTR_AS4_PATH = 17,
	MRTGEN_ATTR_AS4_AGGREGATOR = 18,
	MRTGEN_ATTR_LARGE_COMMUNITY = 32,
};
/* AS_PATH segment types and the flat path encoding the helpers take: one header word
 * MRTGEN_SEG(type, count) then count ASNs, per segment (the same layout as core's aspath). */
enum {
	MRTGEN_AS_SET = 1,
	MRTGEN_AS_SEQUENCE = 2,
	MRTGEN_AS_CONFED_SEQ = 3,
	MRTGEN_AS_CONFED_SET = 4
};
#define MRTGEN_SEG(type, count) (((uint32_t)(type) << 16) | (uint32_t)(count))

struct mrtgen_buf {
	uint8_t *p;
	size_t len, cap;
};

static inline void mrtgen_buf_init(struct mrtgen_buf *b)
{
	b->p = NULL;
	b->len = b->cap = 0;
}

static inline void mrtgen_buf_free(struct mrtgen_buf *b)
{
	free(b->p);
	mrtgen_buf_init(b);
}

static inline void mrtgen_buf_reset(struct mrtgen_buf *b)
{
	b->len = 0;
}

static inline uint8_t *mrtgen_grow(struct mrtgen_buf *b, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *p = realloc(b->p, cap);
		if (p == NULL)
			abort();
		b->p = p;
		b->cap = cap;
	}
	b->len += n;
	return b->p + b->len - n;
}

static inline void mrtgen_put8(struct mrtgen_buf *b, uint8_t v)
{
	*mrtgen_grow(b, 1) = v;
}

static inline void mrtgen_put16(struct mrtgen_buf *b, uint16_t v)
{
	uint8_t *p = mrtgen_grow(b, 2);
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void mrtgen_put32(struct mrtgen_buf *b, uint32_t v)
{
	uint8_t *p = mrtgen_grow(b, 4);
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

static inline void mrtgen_put(struct mrtgen_buf *b, const void *data, size_t n)
{
	if (n)
		memcpy(mrtgen_grow(b, n), data, n);
}

static inline void mrtgen_append(struct mrtgen_buf *b, const struct mrtgen_buf *src)
{
	mrtgen_put(b, src->p, src->len);
}

static inline void mrtgen_patch16(struct mrtgen_buf *b, size_t off, uint16_t v)
{
	b->p[off] = v >> 8;
	b->p[off + 1] = v & 0xff;
}

static inline void mrtgen_patch32(struct mrtgen_buf *b, size_t off, uint32_t v)
{
	b->p[off] = v >> 24;
	b->p[off + 1] = (v >> 16) & 0xff;
	b->p[off + 2] = (v >> 8) & 0xff;
	b->p[off + 3] = v & 0xff;
}

/* Cut the buffer to len bytes (a truncated file or record). */
static inline void mrtgen_truncate(struct mrtgen_buf *b, size_t len)
{
	if (len < b->len)
		b->len = len;
}

/* Address bytes for an AFI: 4 for IPv4 (1), 16 for IPv6 (2). */
static inline size_t mrtgen_addrlen(uint16_t afi)
{
	return afi == 2 ? 16 : 4;
}

/* ------------------------------------------------------------------ MRT header */

/*
 * Common header (RFC 6396 2): timestamp, type, subtype, length. The length is written as 0
 * and patched by mrtgen_end; the return value is the header's offset. For the _ET types
 * (BGP4MP_ET) pass usec >= 0: the microsecond field follows and counts in the length
 * (RFC 6396 3).
 */
static inline size_t mrtgen_header(
    struct mrtgen_buf *b, uint32_t ts, uint16_t type, uint16_t subtype, long usec)
{
	size_t off = b->len;
	mrtgen_put32(b, ts);
	mrtgen_put16(b, type);
	mrtgen_put16(b, subtype);
	mrtgen_put32(b, 0);
	if (usec >= 0)
		mrtgen_put32(b, (uint32_t)usec);
	return off;
}

/* Patch the length of the record whose header is at hdr to cover everything after it. */
static inline void mrtgen_end(struct mrtgen_buf *b, size_t hdr)
{
	mrtgen_patch32(b, hdr + 8, (uint32_t)(b->len - hdr - 12));
}

/* ------------------------------------------------------------------ attributes */

/* Start an attribute: flags, type, then a 1- or 2-byte (MRTGEN_AF_EXTLEN) length placeholder.
 * Returns the offset of the flags byte for mrtgen_attr_end. */
static inline size_t mrtgen_attr_begin(struct mrtgen_buf *b, uint8_t flags, uint8_t type)
{
	size_t off = b->len;
	mrtgen_put8(b, flags);
	mrtgen_put8(b, type);
	if (flags & MRTGEN_AF_EXTLEN)
		mrtgen_put16(b, 0);
	else
		mrtgen_put8(b, 0);
	return off;
}

/* Patch the attribute's length; switches to the extended length form when it exceeds 255. */
static inline void mrtgen_attr_end(struct mrtgen_buf *b, size_t off)
{
	if (b->p[off] & MRTGEN_AF_EXTLEN) {
		mrtgen_patch16(b, off + 2, (uint16_t)(b->len - off - 4));
		return;
	}
	size_t n = b->len - off - 3;
	if (n <= 255) {
		b->p[off + 2] = (uint8_t)n;
		return;
	}
	mrtgen_grow(b, 1);
	memmove(b->p + off + 4, b->p + off + 3, n);
	b->p[off] |= MRTGEN_AF_EXTLEN;
	mrtgen_patch16(b, off + 2, (uint16_t)n);
}

/* Any attribute from raw bytes (unknown types, or a deliberately wrong body). */
static inline void mrtgen_attr_raw(
    struct mrtgen_buf *b, uint8_t flags, uint8_t type, const void *data, size_t n)
{
	size_t a = mrtgen_attr_begin(b, flags, type);
	mrtgen_put(b, data, n);
	mrtgen_attr_end(b, a);
}

/* ORIGIN: 0 IGP, 1 EGP, 2 INCOMPLETE. */
static inline void mrtgen_attr_origin(struct mrtgen_buf *b, uint8_t origin)
{
	size_t a = mrtgen_attr_begin(b, MRTGEN_AF_TRANSITIVE, MRTGEN_ATTR_ORIGIN);
	mrtgen_put8(b, origin);
	mrtgen_attr_end(b, a);
}

/* AS_PATH (or AS4_PATH with type MRTGEN_ATTR_AS4_PATH) from the flat segment encoding, with
 * 4-byte (as4 = 1) or 2-byte ASNs. A segment longer than 255 ASNs is split, as RFC 4271
 * requires. */
static inline void mrtgen_attr_path(
    struct mrtgen_buf *b, uint8_t type, const uint32_t *w, size_t nw, int as4)
{
	uint8_t flags = type == MRTGEN_ATTR_AS4_PATH ? MRTGEN_AF_OPTIONAL | MRTGEN_AF_TRANSITIVE
	                                             : MRTGEN_AF_TRANSITIVE;
	size_t a = mrtgen_attr_begin(b, flags, type);
	for (size_t i = 0; i < nw;) {
		uint32_t segtype = w[i] >> 16, n = w[i] & 0xffff, done = 0;
		i++;
		do {
			uint32_t chunk = n - done > 255 ? 255 : n - done;
			mrtgen_put8(b, (uint8_t)segtype);
			mrtgen_put8(b, (uint8_t)chunk);
			for (uint32_t k = 0; k < chunk; k++) {
				if (as4)
					mrtgen_put32(b, w[i + done + k]);
				else
					mrtgen_put16(b, (uint16_t)w[i + done + k]);
			}
			done += chunk;
		} while (done < n);
		i += n;
	}
	mrtgen_attr_end(b, a);
}

static inline void mrtgen_attr_aspath(struct mrtgen_buf *b, const uint32_t *w, size_t nw, int as4)
{
	mrtgen_attr_path(b, MRTGEN_ATTR_AS_PATH, w, nw, as4);
}

/* AS_PATH of one AS_SEQUENCE (n may be 0: an empty path). */
static inline void mrtgen_attr_aspath_seq(
    struct mrtgen_buf *b, const uint32_t *asns, size_t n, int as4)
{
	size_t a = mrtgen_attr_begin(b, MRTGEN_AF_TRANSITIVE, MRTGEN_ATTR_AS_PATH);
	for (size_t done = 0; done < n;) {
		size_t chunk = n - done > 255 ? 255 : n - done;
		mrtgen_put8(b, MRTGEN_AS_SEQUENCE);
		mrtgen_put8(b, (uint8_t)chunk);
		for (size_t k = 0; k < chunk; k++) {
			if (as4)
				mrtgen_put32(b, asns[done + k]);
			else
				mrtgen_put16(b, (uint16_t)asns[done + k]);
		}
		done += chunk;
	}
	mrtgen_attr_end(b, a);
}

/* NEXT_HOP: an IPv4 address in network byte order (4 bytes). */
static inline void mrtgen_attr_nexthop(struct mrtgen_buf *b, const uint8_t ip[4])
{
	mrtgen_attr_raw(b, MRTGEN_AF_TRANSITIVE, MRTGEN_ATTR_NEXT_HOP, ip, 4);
}

static inline void mrtgen_attr_med(struct mrtgen_buf *b, uint32_t med)
{
	size_t a = mrtgen_attr_begin(b, MRTGEN_AF_OPTIONAL, MRTGEN_ATTR_MED);
	mrtgen_put32(b, med);
	mrtgen_attr_end(b, a);
}

static inline void mrtgen_attr_localpref(struct mrtgen_buf *b, uint32_t lp)
{
	size_t a = mrtgen_attr_begin(b, MRTGEN_AF_TRANSITIVE, MRTGEN_ATTR_LOCAL_PREF);
	mrtgen_put32(b, lp);
	mrtgen_attr_end(b, a);
}

static inline void mrtgen_attr_atomic_aggregate(struct mrtgen_buf *b)
{
	mrtgen_attr_raw(b, MRTGEN_AF_TRANSITIVE, MRTGEN_ATTR_ATOMIC_AGGREGATE, NULL, 0);
}

/* AGGREGATOR (or AS4_AGGREGATOR with type MRTGEN_ATTR_AS4_AGGREGATOR): ASN (4 bytes when
 * as4) and an IPv4 address. */
static inline void mrtgen_attr_aggregator(
    struct mrtgen_buf *b, uint8_t type, uint32_t asn, const uint8_t ip[4], int as4)
{
	size_t a = mrtgen_attr_begin(b, MRTGEN_AF_OPTIONAL | MRTGEN_AF_TRANSITIVE, type);
	if (as4)
		mrtgen_put32(b, asn);
	else
		mrtgen_put16(b, (uint16_t)asn);
	mrtgen_put(b, ip, 4);
	mrtgen_attr_end(b, a);
}

/* COMMUNITIES: n values, each (asn << 16 | value). */
static inline void mrtgen_attr_communities(struct mrtgen_buf *b, const uint32_t *c, size_t n)
{
	size_t a = mrtgen_attr_begin(
	    b, MRTGEN_AF_OPTIONAL | MRTGEN_AF_TRANSITIVE, MRTGEN_ATTR_COMMUNITIES);
	for (size_t i = 0; i < n; i++)
		mrtgen_put32(b, c[i]);
	mrtgen_attr_end(b, a);
}

/* LARGE_COMMUNITY (RFC 8092): n triples, 3 * n words (global admin, data 1, data 2). */
static inline void mrtgen_attr_large_communities(struct mrtgen_buf *b, const uint32_t *t, size_t n)
{
	size_t a = mrtgen_attr_begin(
	    b, MRTGEN_AF_OPTIONAL | MRTGEN_AF_TRANSITIVE, MRTGEN_ATTR_LARGE_COMMUNITY);
	for (size_t i = 0; i < 3 * n; i++)
		mrtgen_put32(b, t[i]);
	mrtgen_attr_end(b, a);
}

/* The abbreviated MP_REACH_NLRI that TABLE_DUMP_V2 RIB entries carry (RFC 6396 4.3.4):
 * next-hop length and next hop only (16 bytes, or 32 with a link-local address). */
static inline void mrtgen_attr_mp_reach_abbrev(
    struct mrtgen_buf *b, const uint8_t *nh, uint8_t nhlen)
{
	size_t a = mrtgen_attr_begin(b, MRTGEN_AF_OPTIONAL, MRTGEN_ATTR_MP_REACH);
	mrtgen_put8(b, nhlen);
	mrtgen_put(b, nh, nhlen);
	mrtgen_attr_end(b, a);
}

/* One NLRI: length in bits, then ceil(len / 8) bytes of addr, written as given (so bits past
 * the mask, if addr has them, are kept: the "trailing bits" malformation). */
static inline void mrtgen_nlri(struct mrtgen_buf *b, uint8_t len, const uint8_t *addr)
{
	mrtgen_put8(b, len);
	mrtgen_put(b, addr, (len + 7u) / 8u);
}

/* Full MP_REACH_NLRI (RFC 4760) for BGP4MP UPDATEs: AFI, SAFI, next hop, reserved byte and
 * the NLRI bytes in nlri (built with mrtgen_nlri). */
static inline void mrtgen_attr_mp_reach(struct mrtgen_buf *b, uint16_t afi, uint8_t safi,
    const uint8_t *nh, uint8_t nhlen, const struct mrtgen_buf *nlri)
{
	size_t a = mrtgen_attr_begin(b, MRTGEN_AF_OPTIONAL, MRTGEN_ATTR_MP_REACH);
	mrtgen_put16(b, afi);
	mrtgen_put8(b, safi);
	mrtgen_put8(b, nhlen);
	mrtgen_put(b, nh, nhlen);
	mrtgen_put8(b, 0);
	if (nlri)
		mrtgen_append(b, nlri);
	mrtgen_attr_end(b, a);
}

/* MP_UNREACH_NLRI (RFC 4760): AFI, SAFI, withdrawn NLRI bytes. */
static inline void mrtgen_attr_mp_unreach(
    struct mrtgen_buf *b, uint16_t afi, uint8_t safi, const struct mrtgen_buf *nlri)
{
	size_t a = mrtgen_attr_begin(b, MRTGEN_AF_OPTIONAL, MRTGEN_ATTR_MP_UNREACH);
	mrtgen_put16(b, afi);
	mrtgen_put8(b, safi);
	if (nlri)
		mrtgen_append(b, nlri);
	mrtgen_attr_end(b, a);
}

/* ------------------------------------------------------------------ TABLE_DUMP_V2 */

struct mrtgen_peer {
	uint16_t afi;    /* 1: IPv4 address, 2: IPv6 */
	int as2;         /* 1: 2-byte AS field in the peer entry (type bit 1 clear) */
	uint32_t bgp_id; /* host order */
	uint32_t asn;
	uint8_t addr[16];
};

/* PEER_INDEX_TABLE (RFC 6396 4.3.1): collector BGP ID, view name, peer entries. */
static inline void mrtgen_peer_index(struct mrtgen_buf *b, uint32_t ts, uint32_t collector_id,
    const char *view, const struct mrtgen_peer *peers, size_t n)
{
	size_t h = mrtgen_header(b, ts, MRTGEN_TABLE_DUMP_V2, MRTGEN_PEER_INDEX_TABLE, -1);
	size_t vlen = view ? strlen(view) : 0;
	mrtgen_put32(b, collector_id);
	mrtgen_put16(b, (uint16_t)vlen);
	mrtgen_put(b, view, vlen);
	mrtgen_put16(b, (uint16_t)n);
	for (size_t i = 0; i < n; i++) {
		const struct mrtgen_peer *p = &peers[i];
		mrtgen_put8(b, (uint8_t)((p->afi == 2 ? 1 : 0) | (p->as2 ? 0 : 2)));
		mrtgen_put32(b, p->bgp_id);
		mrtgen_put(b, p->addr, mrtgen_addrlen(p->afi));
		if (p->as2)
			mrtgen_put16(b, (uint16_t)p->asn);
		else
			mrtgen_put32(b, p->asn);
	}
	mrtgen_end(b, h);
}

/* An open RIB record: where its header and entry count are. */
struct mrtgen_rib {
	size_t hdr, count_off;
	uint16_t count;
	int addpath;
};

/* Start a RIB_IPV4/IPV6_UNICAST/MULTICAST record (or the _ADDPATH subtypes): sequence number,
 * prefix, and an entry count that mrtgen_rib_entry keeps up to date. */
static inline struct mrtgen_rib mrtgen_rib_begin(struct mrtgen_buf *b, uint32_t ts,
    uint16_t subtype, uint32_t seq, uint8_t plen, const uint8_t *addr)
{
	struct mrtgen_rib r;
	r.hdr = mrtgen_header(b, ts, MRTGEN_TABLE_DUMP_V2, subtype, -1);
	r.addpath = subtype >= MRTGEN_RIB_IPV4_UNICAST_ADDPATH;
	mrtgen_put32(b, seq);
	mrtgen_nlri(b, plen, addr);
	r.count_off = b->len;
	r.count = 0;
	mrtgen_put16(b, 0);
	return r;
}

/* One RIB entry: peer index, originated time, (path id for ADD-PATH), attributes. */
static inline void mrtgen_rib_entry(struct mrtgen_buf *b, struct mrtgen_rib *r, uint16_t peer_index,
    uint32_t otime, uint32_t path_id, const uint8_t *attrs, size_t alen)
{
	mrtgen_put16(b, peer_index);
	mrtgen_put32(b, otime);
	if (r->addpath)
		mrtgen_put32(b, path_id);
	mrtgen_put16(b, (uint16_t)alen);
	mrtgen_put(b, attrs, alen);
	mrtgen_patch16(b, r->count_off, ++r->count);
}

static inline void mrtgen_rib_end(struct mrtgen_buf *b, const struct mrtgen_rib *r)
{
	mrtgen_end(b, r->hdr);
}

/* ------------------------------------------------------------------ TABLE_DUMP (v1) */

/* One TABLE_DUMP record (RFC 6396 4.2), subtype = AFI; AS numbers are 2 bytes and the
 * attributes must use 2-byte AS_PATH encoding. */
static inline void mrtgen_table_dump(struct mrtgen_buf *b, uint32_t ts, uint16_t afi, uint16_t view,
    uint16_t seq, const uint8_t *prefix, uint8_t plen, uint32_t otime, const uint8_t *peer_ip,
    uint16_t peer_as, const uint8_t *attrs, size_t alen)
{
	size_t h = mrtgen_header(b, ts, MRTGEN_TABLE_DUMP, afi, -1);
	mrtgen_put16(b, view);
	mrtgen_put16(b, seq);
	mrtgen_put(b, prefix, mrtgen_addrlen(afi));
	mrtgen_put8(b, plen);
	mrtgen_put8(b, 1); /* status: unused, 1 by convention */
	mrtgen_put32(b, otime);
	mrtgen_put(b, peer_ip, mrtgen_addrlen(afi));
	mrtgen_put16(b, peer_as);
	mrtgen_put16(b, (uint16_t)alen);
	mrtgen_put(b, attrs, alen);
	mrtgen_end(b, h);
}

/* ------------------------------------------------------------------ BGP4MP */

/* The session a BGP4MP record belongs to. as4 selects the _AS4 subtypes' 4-byte AS fields;
 * usec >= 0 writes BGP4MP_ET with that microsecond value. */
struct mrtgen_session {
	uint32_t ts;
	long usec;
	int as4;
	uint32_t peer_as, local_as;
	uint16_t ifindex;
	uint16_t afi;
	uint8_t peer_ip[16], local_ip[16];
};

static inline size_t mrtgen_bgp4mp_begin(
    struct mrtgen_buf *b, const struct mrtgen_session *s, uint16_t subtype)
{
	size_t h = mrtgen_header(
	    b, s->ts, s->usec >= 0 ? MRTGEN_BGP4MP_ET : MRTGEN_BGP4MP, subtype, s->usec);
	if (s->as4) {
		mrtgen_put32(b, s->peer_as);
		mrtgen_put32(b, s->local_as);
	} else {
		mrtgen_put16(b, (uint16_t)s->peer_as);
		mrtgen_put16(b, (uint16_t)s->local_as);
	}
	mrtgen_put16(b, s->ifindex);
	mrtgen_put16(b, s->afi);
	mrtgen_put(b, s->peer_ip, mrtgen_addrlen(s->afi));
	mrtgen_put(b, s->local_ip, mrtgen_addrlen(s->afi));
	return h;
}

/* STATE_CHANGE / STATE_CHANGE_AS4 (by s->as4): old and new FSM state (1 Idle .. 6
 * Established). */
static inline void mrtgen_bgp4mp_state_change(
    struct mrtgen_buf *b, const struct mrtgen_session *s, uint16_t old_state, uint16_t new_state)
{
	size_t h = mrtgen_bgp4mp_begin(
	    b, s, s->as4 ? MRTGEN_BGP4MP_STATE_CHANGE_AS4 : MRTGEN_BGP4MP_STATE_CHANGE);
	mrtgen_put16(b, old_state);
	mrtgen_put16(b, new_state);
	mrtgen_end(b, h);
}

/* A BGP message header (RFC 4271 4.1): marker, length (patched by mrtgen_bgp_end), type.
 * Returns the offset of the marker. */
static inline size_t mrtgen_bgp_begin(struct mrtgen_buf *b, uint8_t type)
{
	size_t off = b->len;
	memset(mrtgen_grow(b, 16), 0xff, 16);
	mrtgen_put16(b, 0);
	mrtgen_put8(b, type);
	return off;
}

static inline void mrtgen_bgp_end(struct mrtgen_buf *b, size_t off)
{
	mrtgen_patch16(b, off + 16, (uint16_t)(b->len - off));
}

/*
 * A BGP4MP MESSAGE / MESSAGE_AS4 record (subtype from s->as4) carrying one UPDATE:
 * withdrawn routes and NLRI as mrtgen_nlri bytes, attributes as built by mrtgen_attr_*
 * (any of the three may be NULL). Returns the record header offset.
 */
static inline size_t mrtgen_bgp4mp_update(struct mrtgen_buf *b, const struct mrtgen_session *s,
    const struct mrtgen_buf *withdrawn, const struct mrtgen_buf *attrs,
    const struct mrtgen_buf *nlri)
{
	size_t h =
	    mrtgen_bgp4mp_begin(b, s, s->as4 ? MRTGEN_BGP4MP_MESSAGE_AS4 : MRTGEN_BGP4MP_MESSAGE);
	size_t m = mrtgen_bgp_begin(b, 2);
	mrtgen_put16(b, (uint16_t)(withdrawn ? withdrawn->len : 0));
	if (withdrawn)
		mrtgen_append(b, withdrawn);
	mrtgen_put16(b, (uint16_t)(attrs ? attrs->len : 0));
	if (attrs)
		mrtgen_append(b, attrs);
	if (nlri)
		mrtgen_append(b, nlri);
	mrtgen_bgp_end(b, m);
	mrtgen_end(b, h);
	return h;
}

/* A BGP4MP MESSAGE record carrying a KEEPALIVE (no body). */
static inline size_t mrtgen_bgp4mp_keepalive(struct mrtgen_buf *b, const struct mrtgen_session *s)
{
	size_t h =
	    mrtgen_bgp4mp_begin(b, s, s->as4 ? MRTGEN_BGP4MP_MESSAGE_AS4 : MRTGEN_BGP4MP_MESSAGE);
	mrtgen_bgp_end(b, mrtgen_bgp_begin(b, 4));
	mrtgen_end(b, h);
	return h;
}

/* ------------------------------------------------------------------ files */

/* Write the buffer to path; returns 0 or -1. */
static inline int mrtgen_write_file(const struct mrtgen_buf *b, const char *path)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return -1;
	size_t n = b->len ? fwrite(b->p, 1, b->len, f) : 0;
	int rc = fclose(f);
	return n == b->len && rc == 0 ? 0 : -1;
}

#endif
