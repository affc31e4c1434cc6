/*
 * BMP message decoders: the per-peer header (RFC 7854 4.2, RFC 9069 4.1), Initiation and
 * Termination TLVs (4.3, 4.4, 4.5), Route Monitoring (4.6: the UPDATE through the MRT
 * module's decoder), Statistics Report (4.8), Peer Down (4.9, RFC 9069 reason 6), Peer Up
 * (4.10: both OPENs for the 4-octet AS and ADD-PATH capabilities), Route Mirroring (4.7,
 * counted). Every field is read through a cursor cut to the message.
 */
#include <stdlib.h>
#include <string.h>

#include "bmp/bmp_private.h"

/* ------------------------------------------------------------ per-peer header */

static int peer_header(struct bmp_parser *p, struct cursor *c, struct bmp_peer *pe)
{
	uint8_t addr[16];
	if (c->len < BMP_PEER_HDR_LEN)
		return bmp_bad(
		    p, BMP_BAD_SHORT, "%zu bytes, too short for the per-peer header", c->len);
	memset(pe, 0, sizeof(*pe));
	cur_u8(c, &pe->type);
	cur_u8(c, &pe->flags);
	cur_bytes(c, pe->rd, 8);
	cur_bytes(c, addr, 16);
	cur_u32(c, &pe->asn);
	cur_u32(c, &pe->bgp_id);
	cur_u32(c, &pe->ts_sec);
	cur_u32(c, &pe->ts_usec);
	if (pe->type >= BMP_PEER_TYPES)
		return bmp_bad(p, BMP_BAD_PEER_TYPE, "peer type %u not decoded", pe->type);
	/* IPv4 sits in the last 4 bytes; Loc-RIB has no V flag (its F flag is the same bit) */
	if (pe->type != BMP_PEER_LOC_RIB && (pe->flags & BMP_FLAG_V)) {
		pe->afi = AFI_IPV6;
		memcpy(pe->addr, addr, 16);
	} else {
		pe->afi = AFI_IPV4;
		memcpy(pe->addr, addr + 12, 4);
	}
	return 0;
}

/* ------------------------------------------------------------ TLVs */

/* Next TLV of c: 1, 0 at the end, -1 when cut (reported). */
static int tlv_next(struct bmp_parser *p, struct cursor *c, uint16_t *type, struct cursor *v)
{
	uint16_t len;
	if (c->len == 0)
		return 0;
	if (cur_u16(c, type) || cur_u16(c, &len) || cur_sub(c, len, v)) {
		c->len = 0;
		return bmp_bad(p, BMP_BAD_TLV, "information TLV cut");
	}
	return 1;
}

static void set_str(char **dst, const struct cursor *v)
{
	free(*dst);
	*dst = bmp_strndup(v->p, v->len);
}

/* Initiation: 0 string, 1 sysDescr, 2 sysName; Termination: 0 string, 1 reason. */
static int init_term(struct bmp_parser *p, struct cursor c, struct bmp_msg *m)
{
	uint16_t type;
	struct cursor v;
	int k;
	while ((k = tlv_next(p, &c, &type, &v)) == 1) {
		if (m->type == BMP_INITIATION && type == 1)
			set_str(&p->sys_descr, &v);
		else if (m->type == BMP_INITIATION && type == 2)
			set_str(&p->sys_name, &v);
		else if (m->type == BMP_TERMINATION && type == 1 && cur_u16(&v, &m->term_reason))
			bmp_bad(p, BMP_BAD_TLV, "termination reason of %zu bytes", v.len);
	}
	m->sys_name = p->sys_name, m->sys_descr = p->sys_descr;
	return k;
}

/* ------------------------------------------------------------ Peer Up */

/* What one OPEN message says. */
struct open_info {
	uint32_t as, id;
	int as4;
	uint8_t addpath[4]; /* send/receive value by BGP_ADDPATH_* bit index */
};

static void capability(struct open_info *o, uint8_t code, struct cursor v)
{
	if (code == 65 && v.len == 4) {
		o->as4 = 1;
		cur_u32(&v, &o->as);
	} else if (code == 69) {
		uint16_t afi;
		uint8_t safi, sr;
		while (cur_u16(&v, &afi) == 0 && cur_u8(&v, &safi) == 0 && cur_u8(&v, &sr) == 0) {
			int bit = bgp_addpath_bit(afi, safi);
			for (int i = 0; i < 4; i++)
				if (bit == 1 << i)
					o->addpath[i] = sr & 3;
		}
	}
}

/* A whole OPEN (with its BGP header) from c; RFC 9072 extended parameters understood. */
static int open_msg(struct bmp_parser *p, struct cursor *c, const char *which, struct open_info *o)
{
	uint8_t mark[16], type, version, plen8;
	uint16_t mlen, as2, hold;
	struct cursor m, params;
	memset(o, 0, sizeof(*o));
	if (cur_bytes(c, mark, 16) || cur_u16(c, &mlen) || cur_u8(c, &type))
		return bmp_bad(p, BMP_BAD_OPEN, "%s OPEN cut", which);
	if (type != 1 || mlen < 29 || cur_sub(c, mlen - 19u, &m))
		return bmp_bad(p, BMP_BAD_OPEN, "%s OPEN: BGP type %u, length %u (%zu left)", which,
		    type, mlen, c->len + 0);
	cur_u8(&m, &version);
	cur_u16(&m, &as2);
	cur_u16(&m, &hold);
	cur_u32(&m, &o->id);
	cur_u8(&m, &plen8);
	o->as = as2;
	int ext = 0;
	uint16_t plen = plen8;
	if (plen8 == 255 && m.len >= 3 && m.p[0] == 255) { /* RFC 9072 */
		ext = 1;
		cur_skip(&m, 1);
		cur_u16(&m, &plen);
	}
	if (cur_sub(&m, plen, &params))
		return bmp_bad(p, BMP_BAD_OPEN, "%s OPEN: parameters of %u bytes cut", which, plen);
	while (params.len > 0) {
		uint8_t ptype;
		uint16_t l;
		struct cursor pv;
		if (cur_u8(&params, &ptype) ||
		    (ext ? cur_u16(&params, &l) : cur_u8_as16(&params, &l)) ||
		    cur_sub(&params, l, &pv))
			return bmp_bad(p, BMP_BAD_OPEN, "%s OPEN: optional parameter cut", which);
		if (ptype != 2)
			continue;
		while (pv.len > 0) {
			uint8_t code, cl8;
			struct cursor cv;
			if (cur_u8(&pv, &code) || cur_u8(&pv, &cl8) || cur_sub(&pv, cl8, &cv))
				return bmp_bad(p, BMP_BAD_OPEN, "%s OPEN: capability cut", which);
			capability(o, code, cv);
		}
	}
	return 0;
}

static int peer_up(
    struct bmp_parser *p, struct cursor c, struct bmp_msg *m, struct bmp_peer_slot *s)
{
	struct bmp_peer_up *u = &s->info.session;
	uint8_t la[16];
	memset(u, 0, sizeof(*u));
	u->info = "", u->table_name = "";
	if (cur_bytes(&c, la, 16) || cur_u16(&c, &u->local_port) || cur_u16(&c, &u->remote_port))
		return bmp_bad(p, BMP_BAD_SHORT, "Peer Up cut before its OPEN messages");
	u->local_afi = m->peer.afi;
	memcpy(u->local_addr, m->peer.afi == AFI_IPV6 ? la : la + 12,
	    m->peer.afi == AFI_IPV6 ? 16 : 4);
	struct open_info sent, recv;
	if (open_msg(p, &c, "sent", &sent) < 0 || open_msg(p, &c, "received", &recv) < 0)
		return -1;
	u->sent_as = sent.as, u->recv_as = recv.as;
	u->sent_id = sent.id, u->recv_id = recv.id;
	u->asn4 = sent.as4 && recv.as4;
	for (int i = 0; i < 4; i++) {
		/* RFC 7911 5: receive needs "receive" (1) from the receiver, "send" (2) from the
		 * sender; the router's OPEN is the sent one */
		if ((sent.addpath[i] & 1) && (recv.addpath[i] & 2))
			u->addpath_in |= 1 << i;
		if ((sent.addpath[i] & 2) && (recv.addpath[i] & 1))
			u->addpath_out |= 1 << i;
		if (sent.addpath[i] || recv.addpath[i])
			u->addpath_any |= 1 << i;
	}
	free(s->info_str), free(s->table_name);
	s->info_str = xstrdup(""), s->table_name = xstrdup("");
	uint16_t type;
	struct cursor v;
	int dropped = 0;
	while (tlv_next(p, &c, &type, &v) == 1) {
		if (type == 0 && strlen(s->info_str) + v.len + 2 > BMP_MAX_INFO) {
			if (!dropped++)
				bmp_bad(p, BMP_BAD_LIMIT, "Peer Up strings past %d bytes dropped",
				    BMP_MAX_INFO);
		} else if (type == 0) {
			char *t = bmp_strndup(v.p, v.len);
			char *j = xasprintf("%s%s%s", s->info_str, *s->info_str ? "; " : "", t);
			free(t), free(s->info_str);
			s->info_str = j;
		} else if (type == 3) {
			set_str(&s->table_name, &v);
		}
	}
	u->info = s->info_str, u->table_name = s->table_name;
	s->info.up = 1, s->seen_up = 1;
	s->info.ups++;
	m->up = u;
	return 0;
}

/* ------------------------------------------------------------ Peer Down */

static int peer_down(
    struct bmp_parser *p, struct cursor c, struct bmp_msg *m, struct bmp_peer_slot *s)
{
	if (cur_u8(&c, &m->down_reason))
		return bmp_bad(p, BMP_BAD_SHORT, "Peer Down without its reason");
	switch (m->down_reason) {
	case 1:
	case 3: /* a NOTIFICATION PDU follows */
		if (c.len < 21)
			bmp_bad(p, BMP_BAD_REASON, "reason %u without its NOTIFICATION (%zu bytes)",
			    m->down_reason, c.len);
		break;
	case 2:
		if (cur_u16(&c, &m->fsm_event))
			bmp_bad(p, BMP_BAD_REASON, "reason 2 without its FSM event code");
		break;
	case 4:
	case 5:
	case 6: /* RFC 9069: TLVs follow (e.g. the VRF/table name) */
	case 7:
		break;
	default:
		bmp_bad(p, BMP_BAD_REASON,
		    "Peer Down reason %u unknown (the peer is down all the same)", m->down_reason);
	}
	s->info.up = 0;
	s->info.downs++;
	s->info.last_down_reason = m->down_reason;
	return 0;
}

/* ------------------------------------------------------------ Statistics Report */

/* Keep st as the peer's latest value of its counter; 0, or -1 past BMP_MAX_STATS (the
 * linear search stays short: routers send a few dozen kinds). */
static int stat_keep(struct bmp_peer_slot *s, const struct bmp_stat *st)
{
	for (uint32_t i = 0; i < s->info.nstats; i++)
		if (s->stats[i].type == st->type && s->stats[i].afi == st->afi &&
		    s->stats[i].safi == st->safi) {
			s->stats[i] = *st;
			return 0;
		}
	if (s->info.nstats >= BMP_MAX_STATS)
		return -1;
	XGROW(s->stats, s->stats_cap, (size_t)s->info.nstats + 1);
	s->stats[s->info.nstats++] = *st;
	s->info.stats = s->stats;
	return 0;
}

static int stats_report(
    struct bmp_parser *p, struct cursor c, struct bmp_msg *m, struct bmp_peer_slot *s)
{
	uint32_t count, n = 0;
	int limited = 0;
	if (cur_u32(&c, &count))
		return bmp_bad(p, BMP_BAD_SHORT, "Statistics Report without its count");
	for (uint32_t i = 0; i < count; i++) {
		uint16_t type, len;
		struct cursor v;
		if (cur_u16(&c, &type) || cur_u16(&c, &len) || cur_sub(&c, len, &v)) {
			bmp_bad(p, BMP_BAD_STAT, "counter %u of %u cut", i + 1, count);
			break;
		}
		struct bmp_stat st = {.type = type};
		uint32_t v32;
		if (len == 4) {
			cur_u32(&v, &v32);
			st.width = 4, st.value = v32;
		} else if (len == 8 || len == 11) {
			if (len == 11)
				cur_u16(&v, &st.afi), cur_u8(&v, &st.safi);
			st.width = 8, st.value = be64_load(v.p);
		} else {
			bmp_bad(p, BMP_BAD_STAT, "counter type %u of %u bytes", type, len);
			continue;
		}
		XGROW(p->scratch, p->scratch_cap, (size_t)n + 1);
		p->scratch[n++] = st;
		if (stat_keep(s, &st) < 0 && !limited) {
			limited = 1;
			bmp_bad(p, BMP_BAD_LIMIT, "more than %d distinct counters; not all kept",
			    BMP_MAX_STATS);
		}
	}
	if (c.len > 0)
		bmp_bad(p, BMP_BAD_STAT, "%zu bytes after %u counters", c.len, count);
	s->info.stats_reports++;
	p->st.stats_counters += n;
	m->stats = p->scratch, m->nstats = n;
	return 0;
}

/* ------------------------------------------------------------ Route Monitoring */

static uint64_t bgp_errors(const struct mrt_stats *ms)
{
	uint64_t n = 0;
	for (int k = 0; k < MRT_BAD_KINDS; k++)
		if (k != MRT_BAD_UNSUPPORTED)
			n += ms->malformed[k];
	return n;
}

static int route_monitoring(
    struct bmp_parser *p, struct cursor c, struct bmp_msg *m, struct bmp_peer_slot *s)
{
	const struct bmp_peer *pe = &m->peer;
	int loc = pe->type == BMP_PEER_LOC_RIB;
	int asn4 = loc || !(pe->flags & BMP_FLAG_A);
	int addpath = 0;
	if (!s->seen_up)
		p->st.rm_before_up++;
	else {
		const struct bmp_peer_up *u = &s->info.session;
		addpath = loc                        ? u->addpath_any
		          : (pe->flags & BMP_FLAG_O) ? u->addpath_out
		                                     : u->addpath_in;
		if (!loc && u->asn4 != asn4)
			p->st.asn4_mismatch++;
	}
	struct mrt_route tmpl, rt;
	memset(&tmpl, 0, sizeof(tmpl));
	tmpl.peer.afi = pe->afi;
	memcpy(tmpl.peer.addr, pe->addr, 16);
	tmpl.peer.asn = pe->asn;
	tmpl.peer.bgp_id = pe->bgp_id;
	tmpl.ts = pe->ts_sec, tmpl.usec = pe->ts_usec;
	const struct mrt_stats *ms = mrt_reader_stats(p->dec);
	uint64_t bad0 = bgp_errors(ms);
	bgp_decoder_begin(p->dec, c.p, c.len, asn4, addpath, &tmpl, p->index, p->offset);
	/* the FRR 8.4 quirk: its own AS first in routes it received over eBGP */
	const struct bmp_peer_up *u = s->seen_up ? &s->info.session : NULL;
	int check_first = u && !loc && !(pe->flags & BMP_FLAG_O) && u->sent_as != u->recv_as;
	while (bgp_decoder_next(p->dec, &rt) == 1) {
		uint32_t first;
		if (check_first && rt.attrs &&
		    aspath_words_first(rt.attrs->aspath, rt.attrs->aspath_nwords, &first) == 0 &&
		    first == u->sent_as && first != pe->asn)
			p->st.own_as_first++;
		if (rt.kind == MRT_ROUTE_ANNOUNCE)
			m->announced++;
		else
			m->withdrawn++;
		p->fn(p->arg, m, &rt);
	}
	m->eor = bgp_decoder_eor(p->dec, &m->eor_afi, &m->eor_safi);
	p->st.rm_by_view[m->view]++;
	p->st.announced[m->view] += m->announced;
	p->st.withdrawn[m->view] += m->withdrawn;
	p->st.eor[m->view] += (uint64_t)m->eor;
	if (bgp_errors(ms) != bad0) {
		/* the decoder has said what was wrong; counted here once a message */
		p->st.malformed[BMP_BAD_BGP]++;
		if (p->o.strict)
			p->st.failed = 1;
	}
	return 0;
}

/* ------------------------------------------------------------ dispatch */

void bmp_message(struct bmp_parser *p, const uint8_t *b, size_t len)
{
	struct bmp_msg m;
	memset(&m, 0, sizeof(m));
	m.type = b[5];
	m.len = (uint32_t)len;
	m.index = ++p->index;
	m.offset = p->offset;
	m.term_reason = 0xffff;
	m.sys_name = p->sys_name, m.sys_descr = p->sys_descr;
	p->st.messages++;
	p->st.bytes += len;
	p->st.by_type[m.type < BMP_MSG_TYPES ? m.type : BMP_MSG_TYPES]++;
	struct cursor c = cursor_make(b + BMP_HDR_LEN, len - BMP_HDR_LEN);
	int k = 0;
	switch (m.type) {
	case BMP_INITIATION:
	case BMP_TERMINATION:
		init_term(p, c, &m);
		break;
	case BMP_ROUTE_MONITORING:
	case BMP_STATS_REPORT:
	case BMP_PEER_DOWN:
	case BMP_PEER_UP:
	case BMP_ROUTE_MIRRORING: {
		if (peer_header(p, &c, &m.peer) < 0)
			return;
		m.has_peer = 1;
		m.view = bmp_peer_view(&m.peer);
		struct bmp_peer_slot *s = bmp_peer_slot(p, &m.peer);
		if (s == NULL)
			return;
		s->info.peer = m.peer;
		if (m.type == BMP_ROUTE_MONITORING)
			k = route_monitoring(p, c, &m, s);
		else if (m.type == BMP_STATS_REPORT)
			k = stats_report(p, c, &m, s);
		else if (m.type == BMP_PEER_DOWN)
			k = peer_down(p, c, &m, s);
		else if (m.type == BMP_PEER_UP)
			k = peer_up(p, c, &m, s);
		break; /* Route Mirroring: counted */
	}
	default:
		bmp_bad(p, BMP_BAD_TYPE, "message type %u skipped", m.type);
		return;
	}
	if (k == 0)
		p->fn(p->arg, &m, NULL);
}
