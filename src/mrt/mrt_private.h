/* mrt internals: the input layer, the reader struct, and the decoders' shared interface. */
#ifndef ROUTEMARK_MRT_PRIVATE_H
#define ROUTEMARK_MRT_PRIVATE_H

#include <string.h>
#include <sys/types.h>

#include "mrt/mrt.h"

/* ------------------------------------------------------------ reader (reader.c) */

/* The BGP UPDATE being walked by the route iterator (bgp_update.c). */
struct bgp_nlri_list {
	struct cursor c; /* prefix list bytes */
	uint8_t afi, safi;
	int addpath;
	uint8_t withdraw, mp; /* section kind: withdrawn routes; from MP_(UN)REACH */
	uint8_t error;        /* announcements handed out as withdrawals (RFC 7606) */
};

struct bgp_update {
	struct bgp_nlri_list sec[4]; /* withdrawn, MP_UNREACH, NLRI, MP_REACH (in output order) */
	int nsec;
	int cur;          /* section being walked */
	struct cursor at; /* what is left of that section */
};

/* Attribute decoding scratch, reused across records. */
struct bgp_attr_ctx {
	struct aspath_buf path;  /* AS_PATH as words */
	struct aspath_buf path4; /* AS4_PATH as words */
	struct aspath_buf merged;
	struct bgp_nlri_list reach;   /* NLRI of MP_REACH (len 0 when absent) */
	struct bgp_nlri_list unreach; /* NLRI of MP_UNREACH */
	int has_reach, has_unreach;
	uint32_t aggr4_as;
	uint8_t aggr4_addr[4];
	uint64_t seen[4]; /* attribute types met in this block, malformed or not (256 bits) */
	enum mrt_malformed_kind withdraw_kind; /* the first treat-as-withdraw error's kind */
};

enum walk_kind { WALK_NONE, WALK_TD1, WALK_TD2, WALK_UPDATE, WALK_STATE };

struct mrt_reader {
	struct zinput *in;
	struct mrt_options opt;
	char *label;
	/* framing buffer: bytes [pos, fill) are unread */
	uint8_t *buf;
	size_t cap, pos, fill;
	int eof;
	uint64_t stream_off; /* stream offset of buf[0] */
	const uint8_t *mem;  /* open_mem: read in place */
	size_t memlen;
	uint64_t next_index;
	struct mrt_record rec;
	struct mrt_stats st;
	int fatal; /* strict error seen */
	/* TDv2 peer index table */
	struct mrt_peer *peers;
	size_t npeers, peers_cap;
	/* route iteration state for the current record */
	enum walk_kind walk;
	struct cursor wc;    /* remaining bytes of the record */
	uint32_t wleft;      /* TDv2: entries left */
	struct mrt_route rt; /* template filled per record */
	struct bgp_update upd;
	int upd_asn4;
	struct bgp_attrs attrs;
	struct bgp_attr_ctx actx;
	int bad_in_record; /* a malformed-data error was reported for the current record */
	const char *unit;  /* what messages call a record: "record" (MRT), "message" (BMP) */
	/* bgp_decoder (bgp_decoder.c): End-of-RIB marker of the last UPDATE */
	int eor;
	uint16_t eor_afi;
	uint8_t eor_safi;
};

/* A reader with no input yet (label: its name in messages). */
struct mrt_reader *mrt_reader_new(const struct mrt_options *opt, const char *label);

/*
 * Report malformed data of the current record: log "LABEL: record N at offset B: msg" (once per
 * record and kind), count it, and under strict remember the fatal error. Returns -1.
 */
int mrt_bad(struct mrt_reader *r, enum mrt_malformed_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ------------------------------------------------------------ decoders */

/* Begin walking the routes of r->rec; returns 1 when it has routes, 0 when none, -1 when
 * malformed (reported). */
int mrt_td1_begin(struct mrt_reader *r);
int mrt_td1_next(struct mrt_reader *r, struct mrt_route *rt);
int mrt_td2_peer_index(struct mrt_reader *r);
int mrt_td2_begin(struct mrt_reader *r);
int mrt_td2_next(struct mrt_reader *r, struct mrt_route *rt);
int mrt_bgp4mp_begin(struct mrt_reader *r);
int mrt_bgp5_begin(struct mrt_reader *r);

/* UPDATE body (after the 19-byte BGP header) into r->upd and r->attrs. asn4: 4-byte AS_PATH.
 * addpath: the address families whose prefixes carry path ids (BGP_ADDPATH_* bits). */
int bgp_update_begin(struct mrt_reader *r, struct cursor body, int asn4, int addpath);
/* Next prefix of the update into rt (kind, prefix, path id). 1 / 0 (done) / -1 (malformed). */
int bgp_update_next(struct mrt_reader *r, struct mrt_route *rt);
/* Read the next prefix of list l from at (what is left of it). 1 ok, 0 end, -1 malformed
 * (reported; at is emptied). */
int bgp_nlri_read(
    struct mrt_reader *r, const struct bgp_nlri_list *l, struct cursor *at, struct mrt_route *rt);

/*
 * Decode a path attribute block with the actions of RFC 7606. asn4: AS_PATH holds 4-byte ASNs.
 * mp_abbrev: TDv2 RIB form (MP_REACH holds only the next hop). Every error is reported with
 * its kind; attribute discards are applied in place (r->attrs.rfc7606 says so). Returns 0
 * when the route is usable, or -1 for treat-as-withdraw (the error's kind in
 * r->actx.withdraw_kind; MP_REACH / MP_UNREACH are still decoded when they can be, so an
 * UPDATE's prefixes can be withdrawn).
 */
int bgp_attrs_decode(struct mrt_reader *r, struct cursor blk, int asn4, int mp_abbrev);

/* A RIB entry's attributes were treat-as-withdraw: count the entry as skipped (by reason). */
static inline void mrt_rib_skip(struct mrt_reader *r)
{
	r->st.rib_skipped[r->actx.withdraw_kind]++;
}

/* Fill peer address bytes. */
static inline void mrt_peer_set(struct mrt_peer *p, uint8_t afi, const uint8_t *addr, uint32_t asn)
{
	p->afi = afi;
	for (int i = 0; i < 16; i++)
		p->addr[i] = (afi == AFI_IPV6 || i < 4) ? addr[i] : 0;
	p->asn = asn;
	p->bgp_id = 0;
}

/* Set rt's prefix from wire bytes (bits <= the family maximum, checked by the caller). */
static inline void mrt_route_prefix(
    struct mrt_route *rt, uint8_t afi, uint8_t bits, const uint8_t *b)
{
	unsigned nb = (bits + 7u) / 8u;
	memset(rt->prefix.addr, 0, 16);
	memset(rt->prefix_wire, 0, 16);
	memcpy(rt->prefix_wire, b, nb);
	memcpy(rt->prefix.addr, b, nb);
	rt->prefix.afi = afi;
	rt->prefix.len = bits;
	rt->host_bits = 0;
	if (bits % 8) {
		uint8_t m = (uint8_t)(0xff << (8 - bits % 8));
		if (b[nb - 1] & (uint8_t)~m) {
			rt->host_bits = 1;
			rt->prefix.addr[nb - 1] &= m;
		}
	}
}

/* ------------------------------------------------------------ formatting helpers (fmt.c) */

/* Write decimal / dotted quad / IPv6 text at p; return the end. Callers reserve room. */
char *fmt_u32(char *p, uint32_t v);
char *fmt_u64(char *p, uint64_t v);
char *fmt_ipv4(char *p, const uint8_t *a);
char *fmt_ipv6(char *p, const uint8_t *a); /* same text as inet_ntop */
/* Make room for n more bytes in o (flushing when needed) and return the write position. */
char *mrt_out_reserve(struct mrt_out *o, size_t n);
static inline void mrt_out_commit(struct mrt_out *o, char *end)
{
	o->len = (size_t)(end - o->buf);
}
void mrt_out_write(struct mrt_out *o, const char *s, size_t n);

#endif
