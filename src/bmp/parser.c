/*
 * BMP framing (RFC 7854 4.1): the 6-byte common header (version 3, length, type), messages
 * assembled from chunks of any size, bounds, error reporting, the peers seen, names.
 *
 * A message that arrives whole inside one chunk is decoded in place; otherwise its bytes are
 * collected in a buffer that never grows past max_msg. A bad version or a length that cannot
 * be a message ends the stream: nothing after it can be framed with confidence.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bmp/bmp_private.h"

#define LOG_PER_KIND 10

const char *bmp_view_name(enum bmp_view v)
{
	static const char *names[BMP_VIEWS] = {
	    "pre-policy", "post-policy", "loc-rib", "adj-rib-out-pre", "adj-rib-out-post"};
	return (unsigned)v < BMP_VIEWS ? names[v] : "?";
}

const char *bmp_msg_type_name(unsigned type)
{
	static const char *names[BMP_MSG_TYPES] = {"route-monitoring", "statistics-report",
	    "peer-down", "peer-up", "initiation", "termination", "route-mirroring"};
	return type < BMP_MSG_TYPES ? names[type] : "other";
}

const char *bmp_down_reason_name(unsigned reason)
{
	static const char *names[] = {"reserved", "local-notification", "local-fsm-event",
	    "remote-notification", "remote-no-data", "peer-deconfigured",
	    "local-tlv" /* RFC 9069: Loc-RIB instance closed, TLV data follows */,
	    "code-7" /* registered after RFC 9069; its data is kept undecoded */};
	return reason < sizeof(names) / sizeof(names[0]) ? names[reason] : "unknown";
}

const char *bmp_bad_name(enum bmp_bad_kind k)
{
	static const char *names[BMP_BAD_KINDS] = {"bad version", "bad length", "truncated",
	    "short message", "unknown message type", "unknown peer type", "broken TLV",
	    "broken OPEN", "peer down reason", "statistics counter", "broken UPDATE",
	    "over a limit"};
	return (unsigned)k < BMP_BAD_KINDS ? names[k] : "?";
}

enum bmp_view bmp_peer_view(const struct bmp_peer *p)
{
	if (p->type == BMP_PEER_LOC_RIB)
		return BMP_VIEW_LOC_RIB;
	if (p->flags & BMP_FLAG_O)
		return (p->flags & BMP_FLAG_L) ? BMP_VIEW_OUT_POST : BMP_VIEW_OUT_PRE;
	return (p->flags & BMP_FLAG_L) ? BMP_VIEW_POST : BMP_VIEW_PRE;
}

char *bmp_peer_addr_format(const struct bmp_peer *p, char *buf, size_t size)
{
	return prefix_addr_format(p->afi, p->addr, buf, size);
}

char *bmp_strndup(const uint8_t *s, size_t n)
{
	char *t = xmalloc(n + 1);
	memcpy(t, s, n);
	t[n] = '\0';
	return t;
}

int bmp_bad(struct bmp_parser *p, enum bmp_bad_kind kind, const char *fmt, ...)
{
	p->st.malformed[kind]++;
	if (kind == BMP_BAD_VERSION || kind == BMP_BAD_LENGTH || p->o.strict)
		p->st.failed = 1;
	uint64_t n = p->st.malformed[kind];
	if (p->o.quiet || (n > LOG_PER_KIND && !p->o.strict))
		return -1;
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warn("%s: message %llu at offset %llu: %s%s%s", p->source, (unsigned long long)p->index,
	    (unsigned long long)p->offset, msg, p->st.failed ? " (stream unusable)" : "",
	    n == LOG_PER_KIND && !p->o.strict ? " (further such messages suppressed)" : "");
	return -1;
}

struct bmp_parser *bmp_parser_new(const struct bmp_parser_opts *o, bmp_event_fn fn, void *arg)
{
	struct bmp_parser *p = xcalloc(1, sizeof(*p));
	if (o)
		p->o = *o;
	if (p->o.max_msg == 0)
		p->o.max_msg = BMP_MAX_MSG_DEFAULT;
	if (p->o.max_msg < BMP_HDR_LEN + BMP_PEER_HDR_LEN)
		p->o.max_msg = BMP_HDR_LEN + BMP_PEER_HDR_LEN;
	p->source = xstrdup(p->o.source ? p->o.source : "BMP");
	p->o.source = p->source;
	p->fn = fn;
	p->arg = arg;
	p->sys_name = xstrdup("");
	p->sys_descr = xstrdup("");
	struct mrt_options mo = {.quiet = p->o.quiet, .label = p->source};
	p->dec = bgp_decoder_new(&mo);
	return p;
}

void bmp_parser_free(struct bmp_parser *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->npeers; i++) {
		free(p->peers[i].stats);
		free(p->peers[i].info_str);
		free(p->peers[i].table_name);
	}
	free(p->peers);
	bmp_index_free(&p->peer_index);
	free(p->scratch);
	free(p->buf);
	free(p->sys_name);
	free(p->sys_descr);
	mrt_reader_close(p->dec);
	free(p->source);
	free(p);
}

/* Check a common header; the message length into *len. 0, or -1 (stream unusable). */
static int header(struct bmp_parser *p, const uint8_t *h, uint32_t *len)
{
	struct cursor c = cursor_make(h, BMP_HDR_LEN);
	uint8_t version;
	cur_u8(&c, &version);
	cur_u32(&c, len);
	/* errors name the message they are in: the next one */
	if (version != BMP_VERSION) {
		p->index++;
		bmp_bad(p, BMP_BAD_VERSION, "BMP version %u (only 3 is decoded)", version);
		return -1;
	}
	if (*len < BMP_HDR_LEN || *len > p->o.max_msg) {
		p->index++;
		bmp_bad(p, BMP_BAD_LENGTH, "message length %u outside %u..%zu", *len, BMP_HDR_LEN,
		    p->o.max_msg);
		return -1;
	}
	return 0;
}

int bmp_parser_feed(struct bmp_parser *p, const uint8_t *data, size_t len)
{
	while (len > 0 && !p->st.failed) {
		uint32_t mlen;
		if (p->have == 0 && len >= BMP_HDR_LEN) {
			/* the usual case: decode in place when the chunk holds the whole message */
			if (header(p, data, &mlen) < 0)
				return -1;
			if (len >= mlen) {
				bmp_message(p, data, mlen);
				p->offset += mlen;
				data += mlen, len -= mlen;
				continue;
			}
		}
		size_t want = p->need ? p->need : BMP_HDR_LEN;
		size_t n = want - p->have < len ? want - p->have : len;
		if (p->have + n > p->cap) {
			size_t c = p->cap ? p->cap : 4096;
			while (c < p->have + n)
				c *= 2;
			if (c > p->o.max_msg)
				c = p->o.max_msg;
			p->buf = xrealloc(p->buf, c);
			p->cap = c;
		}
		memcpy(p->buf + p->have, data, n);
		p->have += n, data += n, len -= n;
		if (p->need == 0 && p->have == BMP_HDR_LEN) {
			if (header(p, p->buf, &mlen) < 0)
				return -1;
			p->need = mlen;
		}
		if (p->need && p->have == p->need) {
			bmp_message(p, p->buf, p->need);
			p->offset += p->need;
			p->have = 0, p->need = 0;
		}
	}
	return p->st.failed ? -1 : 0;
}

int bmp_parser_finish(struct bmp_parser *p)
{
	if (p->have > 0 && !p->st.failed) {
		p->index++;
		if (p->need)
			bmp_bad(p, BMP_BAD_TRUNCATED,
			    "stream ends inside a message (%zu of %u bytes)", p->have, p->need);
		else
			bmp_bad(p, BMP_BAD_TRUNCATED,
			    "stream ends inside a message header (%zu of 6 bytes)", p->have);
		p->index--;
		p->have = 0, p->need = 0;
	}
	return p->st.failed ? -1 : 0;
}

const struct bmp_stats *bmp_parser_stats(const struct bmp_parser *p)
{
	return &p->st;
}

const struct mrt_stats *bmp_parser_bgp_stats(const struct bmp_parser *p)
{
	return mrt_reader_stats(p->dec);
}

const char *bmp_parser_sys_name(const struct bmp_parser *p)
{
	return p->sys_name;
}

const char *bmp_parser_sys_descr(const struct bmp_parser *p)
{
	return p->sys_descr;
}

static int same_peer(const struct bmp_peer *a, const struct bmp_peer *b)
{
	return a->type == b->type && a->afi == b->afi && memcmp(a->addr, b->addr, 16) == 0 &&
	       memcmp(a->rd, b->rd, 8) == 0;
}

struct peer_key {
	const struct bmp_parser *p;
	const struct bmp_peer *peer;
};

static int slot_eq(const void *arg, uint32_t i)
{
	const struct peer_key *k = arg;
	return same_peer(&k->p->peers[i].info.peer, k->peer);
}

struct bmp_peer_slot *bmp_peer_slot(struct bmp_parser *p, const struct bmp_peer *peer)
{
	if (p->last_peer < p->npeers && same_peer(&p->peers[p->last_peer].info.peer, peer))
		return &p->peers[p->last_peer];
	uint32_t h = bmp_peer_hash(peer, 0x706565);
	struct peer_key k = {p, peer};
	int64_t i = bmp_index_find(&p->peer_index, h, slot_eq, &k);
	if (i >= 0) {
		p->last_peer = (size_t)i;
		return &p->peers[i];
	}
	if (p->npeers >= BMP_MAX_PEERS) {
		bmp_bad(p, BMP_BAD_LIMIT, "more than %d peers; message skipped", BMP_MAX_PEERS);
		return NULL;
	}
	XGROW(p->peers, p->peers_cap, p->npeers + 1);
	struct bmp_peer_slot *s = &p->peers[p->npeers];
	memset(s, 0, sizeof(*s));
	s->info.peer = *peer;
	s->info.session.info = "";
	s->info.session.table_name = "";
	bmp_index_add(&p->peer_index, h, (uint32_t)p->npeers);
	p->last_peer = p->npeers++;
	return s;
}

size_t bmp_parser_npeers(const struct bmp_parser *p)
{
	return p->npeers;
}

const struct bmp_peer_info *bmp_parser_peer(const struct bmp_parser *p, size_t i)
{
	return i < p->npeers ? &p->peers[i].info : NULL;
}
