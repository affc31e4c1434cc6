/*
 * MRT framing: the 12-byte header (+ 4 bytes of microseconds for BGP4MP_ET), length checks,
 * record numbering and byte offsets, resynchronisation after damaged boundaries, counters.
 *
 * Resynchronisation policy. A record is accepted when its header is plausible (a known type, a
 * length under MRT_MAX_RECORD) and the bytes after it are either the end of the data or
 * another plausible header. When the next header is not plausible, the record's length cannot
 * be trusted: the record is reported and skipped, and the reader scans forward byte by byte,
 * starting inside that record's body, for the next header whose type and subtype are known and
 * whose timestamp lies within a day of the last good record. Nothing that follows a damaged
 * boundary is decoded from a guessed position without that check, so garbage is not turned
 * into routes; real records embedded after a cut header are found again.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mrt/mrt_private.h"

#define MRT_MAX_RECORD (64u << 20)
#define RESYNC_WINDOW 86400u
#define LOG_PER_KIND 10

static int known_type(uint16_t t)
{
	return t <= 17 || t == 32 || t == 33 || t == 48 || t == 49;
}

/* Strict check for resynchronisation candidates: a type and subtype routemark decodes. */
static int known_subtype(uint16_t t, uint16_t s)
{
	switch (t) {
	case MRT_BGP:
		return s <= 7;
	case MRT_TABLE_DUMP:
		return s == 1 || s == 2;
	case MRT_TABLE_DUMP_V2:
		return s >= 1 && s <= 12;
	case MRT_BGP4MP:
	case MRT_BGP4MP_ET:
		return s <= 11;
	default:
		return 0;
	}
}

/* The 12-byte common header (RFC 6396 2), read through a cursor. */
struct mrt_hdr {
	uint32_t ts, len;
	uint16_t type, subtype;
};

static struct mrt_hdr hdr_read(const uint8_t *h)
{
	struct cursor c = cursor_make(h, 12);
	struct mrt_hdr o;
	cur_u32(&c, &o.ts);
	cur_u16(&c, &o.type);
	cur_u16(&c, &o.subtype);
	cur_u32(&c, &o.len);
	return o;
}

static int header_plausible(const struct mrt_hdr *h)
{
	return known_type(h->type) && h->len <= MRT_MAX_RECORD &&
	       (h->type != MRT_BGP4MP_ET || h->len >= 4);
}

static int resync_candidate(const struct mrt_reader *r, const uint8_t *p)
{
	struct mrt_hdr h = hdr_read(p);
	if (!header_plausible(&h) || !known_subtype(h.type, h.subtype))
		return 0;
	if (r->st.last_ts == 0)
		return 1;
	uint32_t d = h.ts > r->st.last_ts ? h.ts - r->st.last_ts : r->st.last_ts - h.ts;
	return d <= RESYNC_WINDOW;
}

/* ------------------------------------------------------------ messages */

const char *mrt_malformed_name(enum mrt_malformed_kind k)
{
	static const char *names[MRT_BAD_KINDS] = {"damaged record boundary", "truncated",
	    "short record", "overlong record", "broken attribute", "broken prefix list",
	    "prefix bits beyond its length", "unknown address family", "unknown peer index",
	    "broken BGP message", "not decoded", "repeated attribute", "repeated MP attribute",
	    "attribute flags", "attribute length", "attribute value", "missing attribute"};
	_Static_assert(sizeof(names) / sizeof(names[0]) == MRT_BAD_KINDS, "a name per kind");
	return k < MRT_BAD_KINDS ? names[k] : "?";
}

int mrt_bad(struct mrt_reader *r, enum mrt_malformed_kind kind, const char *fmt, ...)
{
	r->st.malformed[kind]++;
	r->bad_in_record = 1;
	if (r->opt.strict && kind != MRT_BAD_UNSUPPORTED)
		r->fatal = 1;
	uint64_t n = r->st.malformed[kind];
	if (r->opt.quiet || (n > LOG_PER_KIND && !r->opt.strict))
		return -1;
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (kind == MRT_BAD_UNSUPPORTED)
		log_info("%s: %s %llu at offset %llu: %s", r->label, r->unit,
		    (unsigned long long)r->rec.index, (unsigned long long)r->rec.offset, msg);
	else
		log_warn("%s: %s %llu at offset %llu: %s%s", r->label, r->unit,
		    (unsigned long long)r->rec.index, (unsigned long long)r->rec.offset, msg,
		    n == LOG_PER_KIND && !r->opt.strict ? " (further such messages suppressed)"
		                                        : "");
	return -1;
}

/* ------------------------------------------------------------ buffer */

/* Make at least n unread bytes available when the data has them; return the unread count. */
static size_t ensure(struct mrt_reader *r, size_t n)
{
	if (r->fill - r->pos >= n || r->mem)
		return r->fill - r->pos;
	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->fill - r->pos);
		r->stream_off += r->pos;
		r->fill -= r->pos;
		r->pos = 0;
	}
	if (n > r->cap) {
		size_t c = r->cap;
		while (c < n)
			c = c > SIZE_MAX / 2 ? n : c * 2;
		r->buf = xreallocarray(r->buf, c, 1);
		r->cap = c;
	}
	while (r->fill < n && !r->eof) {
		size_t want = r->cap - r->fill;
		ssize_t k = zinput_read(r->in, r->buf + r->fill, want);
		if (k <= 0) {
			r->eof = 1;
			break;
		}
		r->fill += (size_t)k;
	}
	return r->fill - r->pos;
}

/* Skip forward to the next resynchronisation candidate; returns 0 when none is left. */
static int resync(struct mrt_reader *r, size_t from)
{
	r->st.resyncs++;
	size_t skipped = 0;
	r->pos = from;
	for (;;) {
		size_t avail = ensure(r, 12);
		if (avail < 12) {
			r->st.skipped_bytes += skipped + avail;
			r->pos = r->fill;
			return 0;
		}
		if (resync_candidate(r, r->buf + r->pos))
			break;
		r->pos++, skipped++;
	}
	r->st.skipped_bytes += skipped;
	return 1;
}

static void report_end(struct mrt_reader *r)
{
	const char *p = r->in ? zinput_problem(r->in) : NULL;
	if (p && !r->st.truncated) {
		r->st.truncated = 1;
		r->st.malformed[MRT_BAD_TRUNCATED]++;
		if (r->opt.strict)
			r->fatal = 1;
		if (!r->opt.quiet)
			log_warn("%s: after %llu records (%llu bytes): %s", r->label,
			    (unsigned long long)r->st.records,
			    (unsigned long long)(r->stream_off + r->pos), p);
	}
}

static void count_record(struct mrt_reader *r)
{
	const struct mrt_record *rec = &r->rec;
	r->st.records++;
	r->st.bytes += 12 + (uint64_t)rec->len + (rec->type == MRT_BGP4MP_ET ? 4 : 0);
	if (rec->type < MRT_STAT_TYPES && rec->subtype < MRT_STAT_SUBTYPES)
		r->st.by_type[rec->type][rec->subtype]++;
	else
		r->st.other_records++;
	if (r->st.first_ts == 0 || rec->ts < r->st.first_ts)
		r->st.first_ts = rec->ts;
	if (rec->ts > r->st.last_ts)
		r->st.last_ts = rec->ts;
}

/* Frame the next record into r->rec. 1 / 0 / MRT_ERR_MALFORMED. */
static int frame_next(struct mrt_reader *r)
{
	for (;;) {
		if (r->fatal)
			return MRT_ERR_MALFORMED;
		size_t avail = ensure(r, 12);
		r->rec.index = r->next_index;
		r->rec.offset = r->stream_off + r->pos;
		r->bad_in_record = 0;
		if (avail == 0) {
			report_end(r);
			return r->fatal ? MRT_ERR_MALFORMED : 0;
		}
		if (avail < 12) {
			mrt_bad(r, MRT_BAD_TRUNCATED,
			    "data ends inside a record header (%zu of 12 bytes)", avail);
			r->pos = r->fill;
			report_end(r);
			return r->fatal ? MRT_ERR_MALFORMED : 0;
		}
		struct mrt_hdr h = hdr_read(r->buf + r->pos);
		uint32_t len = h.len;
		if (!header_plausible(&h)) {
			r->next_index++;
			mrt_bad(r, MRT_BAD_HEADER,
			    "implausible header (type %u, length %u); resynchronising", h.type,
			    len);
			if (!resync(r, r->pos + 1))
				continue;
			continue;
		}
		avail = ensure(r, 12 + (size_t)len + 12);
		if (avail < 12 + (size_t)len) {
			r->next_index++;
			mrt_bad(r, MRT_BAD_TRUNCATED,
			    "record truncated: header says %u bytes, %zu remain (type %u)", len,
			    avail - 12, h.type);
			r->pos = r->fill;
			report_end(r);
			return r->fatal ? MRT_ERR_MALFORMED : 0;
		}
		struct cursor body = cursor_make(r->buf + r->pos + 12, len);
		int next_bad = 0;
		if (avail >= 12 + (size_t)len + 12) {
			struct mrt_hdr next = hdr_read(body.p + len);
			next_bad = !header_plausible(&next);
		}
		if (next_bad) {
			r->next_index++;
			mrt_bad(r, MRT_BAD_HEADER,
			    "length %u does not end at a valid record (type %u); record skipped, "
			    "resynchronising",
			    len, h.type);
			if (r->fatal)
				return MRT_ERR_MALFORMED;
			resync(r, r->pos + 12);
			continue;
		}
		r->rec.ts = h.ts;
		r->rec.type = h.type;
		r->rec.subtype = h.subtype;
		r->rec.usec = 0;
		if (r->rec.type == MRT_BGP4MP_ET)
			cur_u32(&body, &r->rec.usec); /* len >= 4: header_plausible */
		r->rec.len = (uint32_t)body.len;
		r->rec.body = body.p;
		r->pos += 12 + (size_t)len;
		r->next_index++;
		count_record(r);
		return 1;
	}
}

/* ------------------------------------------------------------ public */

struct mrt_reader *mrt_reader_new(const struct mrt_options *opt, const char *label)
{
	struct mrt_reader *r = xcalloc(1, sizeof(*r));
	if (opt)
		r->opt = *opt;
	r->label = xstrdup(r->opt.label ? r->opt.label : label);
	r->opt.label = r->label;
	r->next_index = 1;
	r->unit = "record";
	aspath_buf_init(&r->actx.path);
	aspath_buf_init(&r->actx.path4);
	aspath_buf_init(&r->actx.merged);
	return r;
}

struct mrt_reader *mrt_reader_open(const char *path, const struct mrt_options *opt)
{
	const char *label = strcmp(path, "-") == 0 ? "stdin" : path;
	if (opt && opt->label)
		label = opt->label;
	struct zinput *in =
	    zinput_open(path, label, opt ? opt->readahead : 0, opt ? opt->bz2_sequential : 0);
	if (in == NULL)
		return NULL;
	struct mrt_reader *r = mrt_reader_new(opt, label);
	r->in = in;
	r->cap = 4u << 20;
	r->buf = xmalloc(r->cap);
	return r;
}

struct mrt_reader *mrt_reader_open_mem(
    const uint8_t *buf, size_t len, const struct mrt_options *opt)
{
	struct mrt_reader *r = mrt_reader_new(opt, "memory");
	r->mem = buf;
	r->buf = (uint8_t *)(uintptr_t)buf; /* never written: ensure() returns early for mem */
	r->fill = len;
	r->eof = 1;
	return r;
}

int mrt_reader_next(struct mrt_reader *r, struct mrt_record *rec)
{
	r->walk = WALK_NONE;
	int k = frame_next(r);
	if (k <= 0)
		return k;
	if (r->rec.type == MRT_TABLE_DUMP_V2 && r->rec.subtype == MRT_TD2_PEER_INDEX_TABLE)
		mrt_td2_peer_index(r);
	if (r->fatal)
		return MRT_ERR_MALFORMED;
	if (rec)
		*rec = r->rec;
	return 1;
}

static int walk_begin(struct mrt_reader *r)
{
	switch (r->rec.type) {
	case MRT_TABLE_DUMP:
		return mrt_td1_begin(r);
	case MRT_TABLE_DUMP_V2:
		return r->rec.subtype == MRT_TD2_PEER_INDEX_TABLE ? 0 : mrt_td2_begin(r);
	case MRT_BGP4MP:
	case MRT_BGP4MP_ET:
		return mrt_bgp4mp_begin(r);
	case MRT_BGP:
		return mrt_bgp5_begin(r);
	default:
		return 0;
	}
}

static int walk_next(struct mrt_reader *r, struct mrt_route *rt)
{
	switch (r->walk) {
	case WALK_TD1:
		return mrt_td1_next(r, rt);
	case WALK_TD2:
		return mrt_td2_next(r, rt);
	case WALK_UPDATE:
		return bgp_update_next(r, rt);
	case WALK_STATE:
		*rt = r->rt;
		r->walk = WALK_NONE;
		return 1;
	default:
		return 0;
	}
}

int mrt_reader_next_route(struct mrt_reader *r, struct mrt_route *rt)
{
	for (;;) {
		if (r->walk != WALK_NONE) {
			int k = walk_next(r, rt);
			if (r->fatal)
				return MRT_ERR_MALFORMED;
			if (k == 1) {
				r->st.routes[rt->kind]++;
				return 1;
			}
			r->walk = WALK_NONE;
		}
		if (r->fatal)
			return MRT_ERR_MALFORMED;
		int k = mrt_reader_next(r, NULL);
		if (k <= 0)
			return k;
		memset(&r->rt, 0, sizeof(r->rt));
		r->rt.type = r->rec.type, r->rt.subtype = r->rec.subtype;
		r->rt.ts = r->rec.ts, r->rt.usec = r->rec.usec;
		r->rt.record = r->rec.index;
		walk_begin(r);
		if (r->fatal)
			return MRT_ERR_MALFORMED;
	}
}

const struct mrt_record *mrt_reader_record(const struct mrt_reader *r)
{
	return &r->rec;
}

const struct mrt_peer *mrt_reader_peers(const struct mrt_reader *r, size_t *count)
{
	*count = r->npeers;
	return r->peers;
}

void mrt_reader_progress(const struct mrt_reader *r, uint64_t *done, uint64_t *total)
{
	if (r->in)
		zinput_progress(r->in, done, total);
	else {
		*done = r->pos;
		*total = r->memlen;
	}
}

const struct mrt_stats *mrt_reader_stats(const struct mrt_reader *r)
{
	return &r->st;
}
const char *mrt_reader_label(const struct mrt_reader *r)
{
	return r->label;
}

void mrt_reader_close(struct mrt_reader *r)
{
	if (r == NULL)
		return;
	zinput_close(r->in);
	if (!r->mem)
		free(r->buf);
	free(r->peers);
	aspath_buf_free(&r->actx.path);
	aspath_buf_free(&r->actx.path4);
	aspath_buf_free(&r->actx.merged);
	free(r->label);
	free(r);
}

const char *mrt_type_name(uint16_t type)
{
	switch (type) {
	case MRT_BGP:
		return "BGP";
	case MRT_TABLE_DUMP:
		return "TABLE_DUMP";
	case MRT_TABLE_DUMP_V2:
		return "TABLE_DUMP_V2";
	case MRT_BGP4MP:
		return "BGP4MP";
	case MRT_BGP4MP_ET:
		return "BGP4MP_ET";
	default:
		return "OTHER";
	}
}

const char *mrt_subtype_name(uint16_t type, uint16_t s)
{
	static const char *td2[] = {"?", "PEER_INDEX_TABLE", "RIB_IPV4_UNICAST",
	    "RIB_IPV4_MULTICAST", "RIB_IPV6_UNICAST", "RIB_IPV6_MULTICAST", "RIB_GENERIC",
	    "GEO_PEER_TABLE", "RIB_IPV4_UNICAST_ADDPATH", "RIB_IPV4_MULTICAST_ADDPATH",
	    "RIB_IPV6_UNICAST_ADDPATH", "RIB_IPV6_MULTICAST_ADDPATH", "RIB_GENERIC_ADDPATH"};
	static const char *mp[] = {"STATE_CHANGE", "MESSAGE", "ENTRY", "SNAPSHOT", "MESSAGE_AS4",
	    "STATE_CHANGE_AS4", "MESSAGE_LOCAL", "MESSAGE_AS4_LOCAL", "MESSAGE_ADDPATH",
	    "MESSAGE_AS4_ADDPATH", "MESSAGE_LOCAL_ADDPATH", "MESSAGE_AS4_LOCAL_ADDPATH"};
	static const char *bgp[] = {
	    "NULL", "UPDATE", "PREF_UPDATE", "STATE_CHANGE", "SYNC", "OPEN", "NOTIFY", "KEEPALIVE"};
	switch (type) {
	case MRT_TABLE_DUMP:
		return s == 1 ? "AFI_IPV4" : s == 2 ? "AFI_IPV6" : "?";
	case MRT_TABLE_DUMP_V2:
		return s <= 12 ? td2[s] : "?";
	case MRT_BGP4MP:
	case MRT_BGP4MP_ET:
		return s <= 11 ? mp[s] : "?";
	case MRT_BGP:
		return s <= 7 ? bgp[s] : "?";
	default:
		return "?";
	}
}
