/*
 * The BMP parser and route state (src/bmp) on hand-built streams of every message type
 * (Initiation, Termination, Peer Up with ADD-PATH and 4-octet AS negotiated in the OPENs,
 * Peer Down, Route Monitoring with 4-byte and 2-byte AS paths, IPv4 and IPv6, End-of-RIB,
 * Loc-RIB, the O flag, Statistics Reports, Route Mirroring), fed in every chunking; hostile
 * input (truncated, garbage, overlong, bad version) reported, never crashing; the route
 * table against a naive model; and the two real captures of ../shared/data/bmp (FRR 8.4 and
 * GoBGP 3.10), whose message and prefix counts per (type, peer type, flags) must equal those of
 * the independent Python decoder bmp_decode.py, with their real final states and quirks.
 */
#include <fcntl.h>
#include <sys/wait.h>

#include "testutil.h"

#include "bmp/bmp.h"
#include "mrtgen.h"

/* ------------------------------------------------------------ building BMP */

static size_t bmp_begin(struct mrtgen_buf *b, uint8_t type)
{
	size_t off = b->len;
	mrtgen_put8(b, 3);
	mrtgen_put32(b, 0);
	mrtgen_put8(b, type);
	return off;
}

static void bmp_end(struct mrtgen_buf *b, size_t off)
{
	mrtgen_patch32(b, off + 1, (uint32_t)(b->len - off));
}

struct tpeer {
	uint8_t type, flags;
	uint8_t addr[16]; /* 4 bytes unless the V flag */
	uint32_t asn, id, ts;
};

static void peer_hdr(struct mrtgen_buf *b, const struct tpeer *p)
{
	mrtgen_put8(b, p->type);
	mrtgen_put8(b, p->flags);
	memset(mrtgen_grow(b, 8), 0, 8);
	if (p->type != 3 && (p->flags & BMP_FLAG_V)) {
		mrtgen_put(b, p->addr, 16);
	} else {
		memset(mrtgen_grow(b, 12), 0, 12);
		mrtgen_put(b, p->addr, 4);
	}
	mrtgen_put32(b, p->asn);
	mrtgen_put32(b, p->id);
	mrtgen_put32(b, p->ts);
	mrtgen_put32(b, 0);
}

static void tlv(struct mrtgen_buf *b, uint16_t type, const char *s)
{
	mrtgen_put16(b, type);
	mrtgen_put16(b, (uint16_t)strlen(s));
	mrtgen_put(b, s, strlen(s));
}

static void initiation(struct mrtgen_buf *b, const char *name, const char *descr)
{
	size_t m = bmp_begin(b, BMP_INITIATION);
	tlv(b, 1, descr);
	tlv(b, 2, name);
	bmp_end(b, m);
}

/* An OPEN: as (AS_TRANS when it does not fit 2 bytes), id, the 4-octet AS capability when
 * as4, and ADD-PATH (AFI, SAFI, send/receive) tuples. */
static void open_msg(
    struct mrtgen_buf *b, uint32_t as, uint32_t id, int as4, const uint8_t (*ap)[4], int nap)
{
	size_t m = mrtgen_bgp_begin(b, 1);
	mrtgen_put8(b, 4);
	mrtgen_put16(b, as > 65535 ? 23456 : (uint16_t)as);
	mrtgen_put16(b, 90);
	mrtgen_put32(b, id);
	size_t plen = b->len;
	mrtgen_put8(b, 0);
	mrtgen_put8(b, 2); /* capabilities */
	size_t clen = b->len;
	mrtgen_put8(b, 0);
	mrtgen_put8(b, 1), mrtgen_put8(b, 4), mrtgen_put16(b, 1), mrtgen_put16(b, 1);
	if (as4)
		mrtgen_put8(b, 65), mrtgen_put8(b, 4), mrtgen_put32(b, as);
	if (nap) {
		mrtgen_put8(b, 69), mrtgen_put8(b, (uint8_t)(4 * nap));
		for (int i = 0; i < nap; i++)
			mrtgen_put(b, ap[i], 4);
	}
	b->p[clen] = (uint8_t)(b->len - clen - 1);
	b->p[plen] = (uint8_t)(b->len - plen - 1);
	mrtgen_bgp_end(b, m);
}

static void peer_up(struct mrtgen_buf *b, const struct tpeer *p, uint32_t local_as, int as4,
    const uint8_t (*sent_ap)[4], int nsent, const uint8_t (*recv_ap)[4], int nrecv)
{
	size_t m = bmp_begin(b, BMP_PEER_UP);
	peer_hdr(b, p);
	uint8_t la[16] = {0};
	la[15] = 1;
	mrtgen_put(b, la, 16);
	mrtgen_put16(b, 179);
	mrtgen_put16(b, 40000);
	open_msg(b, local_as, 0x0a000001, as4, sent_ap, nsent);
	open_msg(b, p->asn, p->id, as4, recv_ap, nrecv);
	tlv(b, 0, "a peer");
	bmp_end(b, m);
}

static void peer_down(struct mrtgen_buf *b, const struct tpeer *p, uint8_t reason)
{
	size_t m = bmp_begin(b, BMP_PEER_DOWN);
	peer_hdr(b, p);
	mrtgen_put8(b, reason);
	if (reason == 2)
		mrtgen_put16(b, 0);
	if (reason == 1 || reason == 3) { /* a NOTIFICATION: Cease, administrative shutdown */
		size_t n = mrtgen_bgp_begin(b, 3);
		mrtgen_put8(b, 6), mrtgen_put8(b, 2);
		mrtgen_bgp_end(b, n);
	}
	bmp_end(b, m);
}

/* A Route Monitoring message of one UPDATE (any part may be NULL). */
static void rm(struct mrtgen_buf *b, const struct tpeer *p, const struct mrtgen_buf *wd,
    const struct mrtgen_buf *attrs, const struct mrtgen_buf *nlri)
{
	size_t m = bmp_begin(b, BMP_ROUTE_MONITORING);
	peer_hdr(b, p);
	size_t u = mrtgen_bgp_begin(b, 2);
	mrtgen_put16(b, (uint16_t)(wd ? wd->len : 0));
	if (wd)
		mrtgen_append(b, wd);
	mrtgen_put16(b, (uint16_t)(attrs ? attrs->len : 0));
	if (attrs)
		mrtgen_append(b, attrs);
	if (nlri)
		mrtgen_append(b, nlri);
	mrtgen_bgp_end(b, u);
	bmp_end(b, m);
}

static const uint8_t nh4[4] = {192, 0, 2, 1};

static void attrs4(struct mrtgen_buf *a, const uint32_t *path, size_t n, int as4)
{
	mrtgen_buf_reset(a);
	mrtgen_attr_origin(a, 0);
	mrtgen_attr_aspath_seq(a, path, n, as4);
	mrtgen_attr_nexthop(a, nh4);
}

/* One IPv4 prefix a.b.c.0/24 (with a path id when pid != 0). */
static void nlri24(struct mrtgen_buf *n, uint8_t a, uint8_t b2, uint8_t c, uint32_t pid)
{
	const uint8_t addr[3] = {a, b2, c};
	if (pid)
		mrtgen_put32(n, pid);
	mrtgen_nlri(n, 24, addr);
}

/* ------------------------------------------------------------ running the parser */

struct col {
	struct bmp_rib *rib;
	uint32_t router;
	int msgs[BMP_MSG_TYPES + 1];
	int ann, wd, eor, with_pid;
	uint32_t last_path[16];
	int last_npath;
	uint32_t last_pid;
	struct prefix last_prefix;
	uint16_t eor_afi;
	uint8_t last_view;
	const char *sys_name;
	uint8_t down_reason;
	uint32_t nstats;
	uint64_t stat_values[8];
	int asn4, addpath_in;
};

static void on_event(void *arg, const struct bmp_msg *m, const struct mrt_route *rt)
{
	struct col *c = arg;
	if (rt) {
		if (rt->kind == MRT_ROUTE_ANNOUNCE) {
			c->ann++;
			c->last_npath = 0;
			for (uint32_t i = 0; rt->attrs && i < rt->attrs->aspath_nwords && i < 16;
			     i++)
				c->last_path[c->last_npath++] = rt->attrs->aspath[i];
		} else {
			c->wd++;
		}
		c->with_pid += rt->has_path_id;
		c->last_pid = rt->path_id;
		c->last_prefix = rt->prefix;
		c->last_view = (uint8_t)m->view;
	} else {
		c->msgs[m->type < BMP_MSG_TYPES ? m->type : BMP_MSG_TYPES]++;
		if (m->eor) {
			c->eor++;
			c->eor_afi = m->eor_afi;
		}
		if (m->type == BMP_INITIATION)
			c->sys_name = m->sys_name;
		if (m->type == BMP_PEER_DOWN)
			c->down_reason = m->down_reason;
		if (m->type == BMP_PEER_UP)
			c->asn4 = m->up->asn4, c->addpath_in = m->up->addpath_in;
		if (m->type == BMP_STATS_REPORT) {
			c->nstats = m->nstats;
			for (uint32_t i = 0; i < m->nstats && i < 8; i++)
				c->stat_values[i] = m->stats[i].value;
		}
	}
	if (c->rib)
		bmp_rib_event(c->rib, c->router, m, rt);
}

static int dump_route(const struct bmp_rib_entry *e, void *arg)
{
	FILE *f = arg;
	char a[PREFIX_STRLEN], p[PREFIX_STRLEN], path[256];
	aspath_words_format(bmp_attrs_path(e->attrs), e->attrs->npath, path, sizeof(path));
	fprintf(f, "%s %s %s AS%u %s %u [%s]\n", e->router, bmp_view_name(e->view),
	    bmp_peer_addr_format(e->peer, a, sizeof(a)), e->peer->asn,
	    prefix_format(&e->prefix, p, sizeof(p)), e->path_id, path);
	return 0;
}

/* Everything a run produced, as text: counters and the final routes. */
static char *run_text(const struct bmp_parser *p, const struct bmp_rib *rib)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);
	const struct bmp_stats *st = bmp_parser_stats(p);
	fprintf(f, "%llu %llu %d\n", (unsigned long long)st->messages,
	    (unsigned long long)st->bytes, st->failed);
	for (int i = 0; i <= BMP_MSG_TYPES; i++)
		fprintf(f, "t%d=%llu ", i, (unsigned long long)st->by_type[i]);
	for (int v = 0; v < BMP_VIEWS; v++)
		fprintf(f, "v%d=%llu/%llu/%llu/%llu ", v, (unsigned long long)st->rm_by_view[v],
		    (unsigned long long)st->announced[v], (unsigned long long)st->withdrawn[v],
		    (unsigned long long)st->eor[v]);
	for (int k = 0; k < BMP_BAD_KINDS; k++)
		fprintf(f, "b%d=%llu ", k, (unsigned long long)st->malformed[k]);
	fprintf(f, "\n");
	bmp_rib_walk(rib, dump_route, f);
	fclose(f);
	return s;
}

/* Feed buf in chunks of chunk bytes (0: all at once; SIZE_MAX: random sizes from seed). */
static char *run_chunked(const uint8_t *buf, size_t len, size_t chunk, unsigned seed)
{
	struct col c = {.rib = bmp_rib_new()};
	c.router = bmp_rib_router(c.rib, "r");
	struct bmp_parser_opts o = {.source = "chunks", .quiet = 1};
	struct bmp_parser *p = bmp_parser_new(&o, on_event, &c);
	size_t off = 0;
	while (off < len) {
		size_t n = chunk == 0 ? len : chunk;
		if (chunk == SIZE_MAX)
			n = 1 + (size_t)(rand_r(&seed) % 700);
		if (n > len - off)
			n = len - off;
		bmp_parser_feed(p, buf + off, n);
		off += n;
	}
	bmp_parser_finish(p);
	char *s = run_text(p, c.rib);
	bmp_parser_free(p);
	bmp_rib_free(c.rib);
	return s;
}

static struct bmp_parser *run_all(const uint8_t *buf, size_t len, struct col *c, int quiet)
{
	struct bmp_parser_opts o = {.source = "test", .quiet = quiet};
	struct bmp_parser *p = bmp_parser_new(&o, on_event, c);
	bmp_parser_feed(p, buf, len);
	bmp_parser_finish(p);
	return p;
}

/* ------------------------------------------------------------ the hand-built stream */

static const struct tpeer peer_a = {.type = 0,
    .flags = 0,
    .addr = {192, 0, 2, 9},
    .asn = 4200000001u,
    .id = 0x0a000009,
    .ts = 1000};
static const struct tpeer peer_a_post = {.type = 0,
    .flags = BMP_FLAG_L,
    .addr = {192, 0, 2, 9},
    .asn = 4200000001u,
    .id = 0x0a000009,
    .ts = 1000};
static const struct tpeer peer_b2 = {.type = 0,
    .flags = BMP_FLAG_A,
    .addr = {198, 51, 100, 7},
    .asn = 64501,
    .id = 0x0a000007,
    .ts = 1000};
static const struct tpeer peer_v6 = {.type = 0,
    .flags = BMP_FLAG_V,
    .addr = {0x20, 0x01, 0x0d, 0xb8, [15] = 1},
    .asn = 64502,
    .id = 0x0a000006,
    .ts = 1000};
static const struct tpeer loc_rib = {.type = 3, .asn = 64500, .id = 0x0a000001, .ts = 1000};
static const struct tpeer out_post = {.type = 0,
    .flags = BMP_FLAG_O | BMP_FLAG_L,
    .addr = {192, 0, 2, 9},
    .asn = 4200000001u,
    .id = 0x0a000009,
    .ts = 1000};

/* ADD-PATH IPv4 unicast: the router receives, the peer sends. */
static const uint8_t ap_recv[1][4] = {{0, 1, 1, 1}};
static const uint8_t ap_send[1][4] = {{0, 1, 1, 2}};

/* A stream with every message type. Routes at the end: peer A pre-policy 2 (ADD-PATH, path
 * ids 1 and 2 of 10.0.0.0/24) + post-policy 1, peer B (2-byte AS) 1, peer v6 1, Loc-RIB 1,
 * Adj-RIB-Out post 1. */
static void build_stream(struct mrtgen_buf *b)
{
	struct mrtgen_buf a, n, w;
	mrtgen_buf_init(&a), mrtgen_buf_init(&n), mrtgen_buf_init(&w);
	static const uint32_t path_a[3] = {4200000001u, 64510, 4200000099u};
	static const uint32_t path_b[2] = {64501, 64511};

	initiation(b, "r-test", "routemark test router");
	peer_up(b, &peer_a, 64500, 1, ap_recv, 1, ap_send, 1);
	attrs4(&a, path_a, 3, 1);
	nlri24(&n, 10, 0, 0, 1);
	nlri24(&n, 10, 0, 0, 2);
	nlri24(&n, 10, 0, 1, 3);
	rm(b, &peer_a, NULL, &a, &n);
	mrtgen_buf_reset(&n);
	nlri24(&w, 10, 0, 1, 3); /* withdraw path 3 */
	rm(b, &peer_a, &w, NULL, NULL);
	nlri24(&n, 10, 0, 0, 1);
	rm(b, &peer_a_post, NULL, &a, &n); /* post-policy: the same session, ADD-PATH too */
	/* End-of-RIB IPv4: an empty UPDATE */
	rm(b, &peer_a, NULL, NULL, NULL);

	peer_up(b, &peer_b2, 64500, 0, NULL, 0, NULL, 0);
	attrs4(&a, path_b, 2, 0);
	mrtgen_buf_reset(&n);
	nlri24(&n, 172, 16, 0, 0);
	rm(b, &peer_b2, NULL, &a, &n);

	peer_up(b, &peer_v6, 64500, 1, NULL, 0, NULL, 0);
	static const uint32_t path_v6[2] = {64502, 64512};
	mrtgen_buf_reset(&a);
	mrtgen_attr_origin(&a, 0);
	mrtgen_attr_aspath_seq(&a, path_v6, 2, 1);
	mrtgen_buf_reset(&n);
	static const uint8_t p6[4] = {0x20, 0x01, 0x0d, 0xb9};
	mrtgen_nlri(&n, 32, p6);
	static const uint8_t nh6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	mrtgen_attr_mp_reach(&a, 2, 1, nh6, 16, &n);
	rm(b, &peer_v6, NULL, &a, NULL);
	/* End-of-RIB IPv6: only an empty MP_UNREACH */
	mrtgen_buf_reset(&a);
	mrtgen_attr_mp_unreach(&a, 2, 1, NULL);
	rm(b, &peer_v6, NULL, &a, NULL);

	/* Loc-RIB (RFC 9069) and Adj-RIB-Out (RFC 8671) */
	attrs4(&a, path_b, 2, 1);
	mrtgen_buf_reset(&n);
	nlri24(&n, 192, 168, 1, 0);
	rm(b, &loc_rib, NULL, &a, &n);
	mrtgen_buf_reset(&n);
	nlri24(&n, 192, 168, 2, 0);
	rm(b, &out_post, NULL, &a, &n);

	/* Statistics: a 32-bit counter, a 64-bit gauge, a per-AFI/SAFI gauge */
	size_t m = bmp_begin(b, BMP_STATS_REPORT);
	peer_hdr(b, &peer_a);
	mrtgen_put32(b, 3);
	mrtgen_put16(b, 0), mrtgen_put16(b, 4), mrtgen_put32(b, 7);
	mrtgen_put16(b, 7), mrtgen_put16(b, 8), mrtgen_put32(b, 1), mrtgen_put32(b, 2);
	mrtgen_put16(b, 9), mrtgen_put16(b, 11), mrtgen_put16(b, 1), mrtgen_put8(b, 1);
	mrtgen_put32(b, 0), mrtgen_put32(b, 5);
	bmp_end(b, m);
	/* Route Mirroring: counted */
	m = bmp_begin(b, BMP_ROUTE_MIRRORING);
	peer_hdr(b, &peer_a);
	mrtgen_put16(b, 1), mrtgen_put16(b, 2), mrtgen_put16(b, 0);
	bmp_end(b, m);
	/* a peer that goes down: its routes leave every view */
	static const struct tpeer peer_c = {
	    .type = 0, .addr = {203, 0, 113, 5}, .asn = 64503, .id = 5, .ts = 1000};
	static const struct tpeer peer_c_post = {
	    .type = 0, .flags = BMP_FLAG_L, .addr = {203, 0, 113, 5}, .asn = 64503, .id = 5};
	peer_up(b, &peer_c, 64500, 1, NULL, 0, NULL, 0);
	static const uint32_t path_c[1] = {64503};
	attrs4(&a, path_c, 1, 1);
	mrtgen_buf_reset(&n);
	nlri24(&n, 100, 64, 0, 0);
	rm(b, &peer_c, NULL, &a, &n);
	rm(b, &peer_c_post, NULL, &a, &n);
	rm(b, &peer_c_post, NULL, &a, &n); /* repeated: idempotent */
	peer_down(b, &peer_c, 3);
	m = bmp_begin(b, BMP_TERMINATION);
	tlv(b, 0, "bye");
	mrtgen_put16(b, 1), mrtgen_put16(b, 2), mrtgen_put16(b, 0);
	bmp_end(b, m);
	mrtgen_buf_free(&a), mrtgen_buf_free(&n), mrtgen_buf_free(&w);
}

static void test_every_message_type(void **state)
{
	(void)state;
	struct mrtgen_buf b;
	mrtgen_buf_init(&b);
	build_stream(&b);
	struct col c = {.rib = bmp_rib_new()};
	c.router = bmp_rib_router(c.rib, "r");
	struct bmp_parser *p = run_all(b.p, b.len, &c, 0);
	const struct bmp_stats *st = bmp_parser_stats(p);
	assert_int_equal(st->failed, 0);
	for (int k = 0; k < BMP_BAD_KINDS; k++)
		assert_int_equal(st->malformed[k], 0);
	assert_int_equal(c.msgs[BMP_INITIATION], 1);
	assert_int_equal(c.msgs[BMP_TERMINATION], 1);
	assert_int_equal(c.msgs[BMP_PEER_UP], 4);
	assert_int_equal(c.msgs[BMP_PEER_DOWN], 1);
	assert_int_equal(c.msgs[BMP_STATS_REPORT], 1);
	assert_int_equal(st->by_type[BMP_ROUTE_MIRRORING], 1);
	assert_int_equal(c.msgs[BMP_ROUTE_MONITORING], 12);
	assert_string_equal(bmp_parser_sys_name(p), "r-test");
	assert_string_equal(bmp_parser_sys_descr(p), "routemark test router");
	/* End-of-RIB: IPv4 (empty UPDATE) and IPv6 (empty MP_UNREACH) */
	assert_int_equal(c.eor, 2);
	assert_int_equal(st->eor[BMP_VIEW_PRE], 2);
	/* ADD-PATH negotiated for IPv4 unicast: 3 announced + 1 withdrawn with path ids, and the
	 * post-policy /24 of peer A too (same session) */
	assert_int_equal(c.with_pid, 5);
	/* stats kept: 7 (32-bit), 1<<32 | 2 (64-bit), 5 (IPv4 unicast) */
	assert_int_equal(c.nstats, 3);
	assert_int_equal(c.stat_values[0], 7);
	assert_int_equal(c.stat_values[1], (1ull << 32) | 2);
	assert_int_equal(c.stat_values[2], 5);
	assert_int_equal(
	    bmp_parser_npeers(p), 5); /* A (pre, post, out share it), B, v6, Loc-RIB, C */
	const struct bmp_peer_info *pa = bmp_parser_peer(p, 0);
	assert_int_equal(pa->nstats, 3);
	assert_int_equal(pa->stats[2].afi, 1);
	assert_int_equal(pa->session.addpath_in, BGP_ADDPATH_IPV4_UNICAST);
	assert_int_equal(pa->session.asn4, 1);
	assert_string_equal(pa->session.info, "a peer");
	assert_int_equal(bmp_parser_peer(p, 1)->session.asn4, 0);
	assert_int_equal(bmp_parser_peer(p, 4)->up, 0);
	assert_int_equal(bmp_parser_peer(p, 4)->last_down_reason, 3);
	assert_null(bmp_parser_peer(p, 5));
	assert_int_equal(st->rm_before_up, 1); /* the Loc-RIB instance had no Peer Up */

	char *text = run_text(p, c.rib);
	const char *want = "r pre-policy 192.0.2.9 AS4200000001 10.0.0.0/24 1 [4200000001 64510 "
	                   "4200000099]\n"
	                   "r pre-policy 192.0.2.9 AS4200000001 10.0.0.0/24 2 [4200000001 64510 "
	                   "4200000099]\n"
	                   "r pre-policy 198.51.100.7 AS64501 172.16.0.0/24 0 [64501 64511]\n"
	                   "r pre-policy 2001:db8::1 AS64502 2001:db9::/32 0 [64502 64512]\n"
	                   "r post-policy 192.0.2.9 AS4200000001 10.0.0.0/24 1 [4200000001 "
	                   "64510 4200000099]\n"
	                   "r loc-rib 0.0.0.0 AS64500 192.168.1.0/24 0 [64501 64511]\n"
	                   "r adj-rib-out-post 192.0.2.9 AS4200000001 192.168.2.0/24 0 [64501 "
	                   "64511]\n";
	assert_non_null(strstr(text, want));
	struct bmp_rib_stats rs;
	bmp_rib_stats(c.rib, &rs);
	assert_int_equal(rs.routes, 7);
	assert_int_equal(rs.by_view[BMP_VIEW_PRE], 4);
	assert_int_equal(rs.by_view[BMP_VIEW_LOC_RIB], 1);
	assert_int_equal(rs.by_view[BMP_VIEW_OUT_POST], 1);
	assert_int_equal(rs.flushed, 2);   /* peer C: pre and post */
	assert_int_equal(rs.replaced, 1);  /* its repeated post-policy route */
	assert_int_equal(rs.attr_sets, 3); /* B, Loc-RIB and Adj-RIB-Out share one */
	free(text);
	bmp_parser_free(p);
	bmp_rib_free(c.rib);
	mrtgen_buf_free(&b);
}

/* The 2-byte AS path (A flag) and the 4-byte one decode to the same ASNs. */
static void test_as2_and_as4(void **state)
{
	(void)state;
	struct mrtgen_buf b, a, n;
	mrtgen_buf_init(&b), mrtgen_buf_init(&a), mrtgen_buf_init(&n);
	static const uint32_t path[2] = {64501, 65000};
	attrs4(&a, path, 2, 0);
	nlri24(&n, 10, 1, 2, 0);
	rm(&b, &peer_b2, NULL, &a, &n);
	struct col c = {0};
	struct bmp_parser *p = run_all(b.p, b.len, &c, 0);
	assert_int_equal(c.ann, 1);
	assert_int_equal(c.last_npath, 3);
	assert_int_equal(c.last_path[1], 64501);
	assert_int_equal(c.last_path[2], 65000);
	bmp_parser_free(p);
	/* the same bytes without the A flag: a segment of two 4-byte ASNs in 4 bytes is a
	 * malformed AS_PATH, so RFC 7606 treat-as-withdraw: the prefix comes out withdrawn */
	mrtgen_buf_reset(&b);
	struct tpeer p4 = peer_b2;
	p4.flags = 0;
	rm(&b, &p4, NULL, &a, &n);
	memset(&c, 0, sizeof(c));
	p = run_all(b.p, b.len, &c, 1);
	assert_int_equal(c.ann, 0);
	assert_int_equal(c.wd, 1);
	assert_int_equal(bmp_parser_stats(p)->malformed[BMP_BAD_BGP], 1);
	bmp_parser_free(p);
	mrtgen_buf_free(&b), mrtgen_buf_free(&a), mrtgen_buf_free(&n);
}

/* ADD-PATH only when the router can receive and the peer can send (RFC 7911 5). */
static void test_addpath_negotiation(void **state)
{
	(void)state;
	static const uint8_t both[1][4] = {{0, 1, 1, 3}};
	struct {
		const uint8_t (*sent)[4], (*recv)[4];
		int want_in, want_out;
	} cases[] = {{ap_recv, ap_send, 1, 0}, {ap_send, ap_recv, 0, 1}, {ap_recv, ap_recv, 0, 0},
	    {both, both, 1, 1}, {NULL, ap_send, 0, 0}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mrtgen_buf b;
		mrtgen_buf_init(&b);
		peer_up(
		    &b, &peer_a, 64500, 1, cases[i].sent, cases[i].sent != NULL, cases[i].recv, 1);
		struct col c = {0};
		struct bmp_parser *p = run_all(b.p, b.len, &c, 0);
		assert_int_equal(bmp_parser_npeers(p), 1);
		const struct bmp_peer_info *pi = bmp_parser_peer(p, 0);
		assert_int_equal(pi->session.addpath_in != 0, cases[i].want_in);
		assert_int_equal(pi->session.addpath_out != 0, cases[i].want_out);
		assert_int_equal(pi->session.sent_as, 64500);
		assert_int_equal(pi->session.recv_as, 4200000001u);
		bmp_parser_free(p);
		mrtgen_buf_free(&b);
	}
}

/* Any chunking gives the same result: whole, byte by byte, every small size, random. */
static void test_chunking(void **state)
{
	(void)state;
	struct mrtgen_buf b;
	mrtgen_buf_init(&b);
	build_stream(&b);
	char *whole = run_chunked(b.p, b.len, 0, 0);
	for (size_t k = 1; k <= 50; k++) {
		char *s = run_chunked(b.p, b.len, k, 0);
		assert_string_equal(s, whole);
		free(s);
	}
	for (unsigned seed = 1; seed <= 20; seed++) {
		char *s = run_chunked(b.p, b.len, SIZE_MAX, seed);
		assert_string_equal(s, whole);
		free(s);
	}
	free(whole);
	mrtgen_buf_free(&b);
}

/* ------------------------------------------------------------ hostile input */

static struct bmp_parser *feed_quiet(const uint8_t *d, size_t n, size_t max_msg)
{
	struct bmp_parser_opts o = {.source = "bad", .quiet = 1, .max_msg = max_msg};
	struct col c = {0};
	struct bmp_parser *p = bmp_parser_new(&o, on_event, &c);
	bmp_parser_feed(p, d, n);
	bmp_parser_finish(p);
	return p;
}

static void test_malformed(void **state)
{
	(void)state;
	struct mrtgen_buf b;
	mrtgen_buf_init(&b);
	build_stream(&b);
	/* every truncation of the stream: counted as truncated (or clean at a boundary), never a
	 * crash, the messages before the cut decoded */
	for (size_t cut = 0; cut < b.len; cut += 7) {
		struct bmp_parser *p = feed_quiet(b.p, cut, 0);
		const struct bmp_stats *st = bmp_parser_stats(p);
		assert_true(st->malformed[BMP_BAD_TRUNCATED] <= 1);
		assert_int_equal(st->failed, 0);
		bmp_parser_free(p);
	}
	/* bad version: the stream is unusable */
	uint8_t v1[6] = {1, 0, 0, 0, 6, 4};
	struct bmp_parser *p = feed_quiet(v1, 6, 0);
	assert_int_equal(bmp_parser_stats(p)->failed, 1);
	assert_int_equal(bmp_parser_stats(p)->malformed[BMP_BAD_VERSION], 1);
	assert_int_equal(bmp_parser_feed(p, b.p, b.len), -1);
	assert_int_equal(bmp_parser_stats(p)->messages, 0);
	bmp_parser_free(p);
	/* overlong: above max_msg, and a length below the header */
	uint8_t big[6] = {3, 0, 0x20, 0, 0, 0};
	p = feed_quiet(big, 6, 0);
	assert_int_equal(bmp_parser_stats(p)->malformed[BMP_BAD_LENGTH], 1);
	assert_int_equal(bmp_parser_stats(p)->failed, 1);
	bmp_parser_free(p);
	uint8_t tiny[6] = {3, 0, 0, 0, 5, 0};
	p = feed_quiet(tiny, 6, 0);
	assert_int_equal(bmp_parser_stats(p)->malformed[BMP_BAD_LENGTH], 1);
	bmp_parser_free(p);
	p = feed_quiet(b.p, b.len, 64); /* a 64-byte limit: the Initiation fits, the Peer Up not */
	assert_int_equal(bmp_parser_stats(p)->failed, 1);
	assert_int_equal(bmp_parser_stats(p)->messages, 1);
	bmp_parser_free(p);
	/* unknown message type, unknown peer type, short per-peer header: skipped, counted */
	struct mrtgen_buf x;
	mrtgen_buf_init(&x);
	size_t m = bmp_begin(&x, 9);
	bmp_end(&x, m);
	m = bmp_begin(&x, BMP_PEER_DOWN);
	struct tpeer bad = peer_a;
	bad.type = 7;
	peer_hdr(&x, &bad);
	mrtgen_put8(&x, 4);
	bmp_end(&x, m);
	m = bmp_begin(&x, BMP_ROUTE_MONITORING);
	mrtgen_put(&x, "short", 5);
	bmp_end(&x, m);
	/* a Route Monitoring whose UPDATE is broken (attribute length past the message) */
	m = bmp_begin(&x, BMP_ROUTE_MONITORING);
	peer_hdr(&x, &peer_a);
	size_t u = mrtgen_bgp_begin(&x, 2);
	mrtgen_put16(&x, 0), mrtgen_put16(&x, 200);
	mrtgen_bgp_end(&x, u);
	bmp_end(&x, m);
	/* a Peer Up whose OPEN is cut, a stats report with a 3-byte counter */
	m = bmp_begin(&x, BMP_PEER_UP);
	peer_hdr(&x, &peer_a);
	memset(mrtgen_grow(&x, 30), 0xff, 30);
	bmp_end(&x, m);
	m = bmp_begin(&x, BMP_STATS_REPORT);
	peer_hdr(&x, &peer_a);
	mrtgen_put32(&x, 1), mrtgen_put16(&x, 1), mrtgen_put16(&x, 3), mrtgen_put16(&x, 0),
	    mrtgen_put8(&x, 0);
	bmp_end(&x, m);
	mrtgen_append(&x, &b); /* and the good stream after them, decoded */
	p = feed_quiet(x.p, x.len, 0);
	const struct bmp_stats *st = bmp_parser_stats(p);
	assert_int_equal(st->failed, 0);
	assert_int_equal(st->malformed[BMP_BAD_TYPE], 1);
	assert_int_equal(st->malformed[BMP_BAD_PEER_TYPE], 1);
	assert_int_equal(st->malformed[BMP_BAD_SHORT], 1);
	assert_int_equal(st->malformed[BMP_BAD_BGP], 1);
	assert_int_equal(st->malformed[BMP_BAD_OPEN], 1);
	assert_int_equal(st->malformed[BMP_BAD_STAT], 1);
	assert_int_equal(bmp_parser_bgp_stats(p)->malformed[MRT_BAD_ATTR], 1);
	assert_int_equal(st->by_type[BMP_INITIATION], 1);
	assert_int_equal(st->announced[BMP_VIEW_PRE], 6);
	bmp_parser_free(p);
	/* strict: the first malformed message ends the stream */
	struct bmp_parser_opts so = {.source = "strict", .quiet = 1, .strict = 1};
	struct col c = {0};
	p = bmp_parser_new(&so, on_event, &c);
	assert_int_equal(bmp_parser_feed(p, x.p, x.len), -1);
	assert_int_equal(bmp_parser_stats(p)->messages, 1);
	bmp_parser_free(p);
	/* garbage of every kind, fed whole and byte by byte */
	unsigned seed = 7;
	for (int round = 0; round < 200; round++) {
		size_t n = (size_t)(rand_r(&seed) % 300);
		uint8_t g[300];
		for (size_t i = 0; i < n; i++)
			g[i] = (uint8_t)rand_r(&seed);
		if (n > 0)
			g[0] = 3; /* mostly version 3, so that lengths and bodies get read */
		p = feed_quiet(g, n, 0);
		bmp_parser_free(p);
		/* real messages with random bytes overwritten */
		mrtgen_buf_reset(&x);
		mrtgen_append(&x, &b);
		for (int k = 0; k < 4; k++)
			x.p[(size_t)rand_r(&seed) % x.len] = (uint8_t)rand_r(&seed);
		char *s = run_chunked(x.p, x.len, 1, 0);
		char *t = run_chunked(x.p, x.len, 0, 0);
		assert_string_equal(s, t);
		free(s), free(t);
	}
	mrtgen_buf_free(&x);
	mrtgen_buf_free(&b);
}

/* What a router can make the parser keep is bounded: peers, statistics counters, Peer Up
 * strings; past a limit it is counted, never quadratic. */
static void test_limits(void **state)
{
	(void)state;
	struct mrtgen_buf b;
	mrtgen_buf_init(&b);
	/* a Peer Up with 3,000 information strings of 8 bytes */
	size_t m = bmp_begin(&b, BMP_PEER_UP);
	peer_hdr(&b, &peer_a);
	memset(mrtgen_grow(&b, 20), 0, 20);
	open_msg(&b, 64500, 1, 1, NULL, 0);
	open_msg(&b, peer_a.asn, peer_a.id, 1, NULL, 0);
	for (int i = 0; i < 3000; i++)
		tlv(&b, 0, "12345678");
	bmp_end(&b, m);
	/* a Statistics Report of 300 distinct counters */
	m = bmp_begin(&b, BMP_STATS_REPORT);
	peer_hdr(&b, &peer_a);
	mrtgen_put32(&b, 300);
	for (int i = 0; i < 300; i++)
		mrtgen_put16(&b, (uint16_t)(100 + i)), mrtgen_put16(&b, 4), mrtgen_put32(&b, 1);
	bmp_end(&b, m);
	/* Peer Downs of 70,000 different peers */
	for (uint32_t i = 0; i < 70000; i++) {
		struct tpeer pe = peer_a;
		pe.addr[1] = (uint8_t)(i >> 16), pe.addr[2] = (uint8_t)(i >> 8),
		pe.addr[3] = (uint8_t)i;
		peer_down(&b, &pe, 4);
	}
	struct col c = {0};
	struct bmp_parser *p = run_all(b.p, b.len, &c, 1);
	const struct bmp_stats *st = bmp_parser_stats(p);
	assert_int_equal(st->failed, 0);
	assert_int_equal(bmp_parser_npeers(p), 65536);
	/* one of the 70,000 (192.0.2.9, i = 521) is peer A itself: 69,999 new peers, 65,535 of
	 * them fit beside A */
	assert_int_equal(st->malformed[BMP_BAD_LIMIT], 1 + 1 + (69999 - 65535));
	const struct bmp_peer_info *pi = bmp_parser_peer(p, 0);
	assert_true(strlen(pi->session.info) <= 4096);
	assert_true(strlen(pi->session.info) > 4000);
	assert_int_equal(pi->nstats, 256);
	assert_int_equal(c.nstats, 300); /* the message itself carries them all */
	assert_int_equal(c.msgs[BMP_PEER_DOWN], 65536);
	bmp_parser_free(p);
	mrtgen_buf_free(&b);
}

/* The error message names the source, the message number and its byte offset. */
static void test_error_names_position(void **state)
{
	(void)state;
	struct mrtgen_buf b;
	mrtgen_buf_init(&b);
	initiation(&b, "r", "d");
	size_t off = b.len;
	size_t m = bmp_begin(&b, 9);
	bmp_end(&b, m);
	char path[] = "/tmp/test_bmp_logXXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	int saved = dup(2);
	dup2(fd, 2);
	struct bmp_parser_opts o = {.source = "capture.bmp"};
	struct col c = {0};
	struct bmp_parser *p = bmp_parser_new(&o, on_event, &c);
	bmp_parser_feed(p, b.p, b.len);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	char log[512] = {0}, want[128];
	lseek(fd, 0, SEEK_SET);
	assert_true(read(fd, log, sizeof(log) - 1) > 0);
	close(fd);
	unlink(path);
	snprintf(want, sizeof(want), "capture.bmp: message 2 at offset %zu: message type 9", off);
	assert_non_null(strstr(log, want));
	bmp_parser_free(p);
	mrtgen_buf_free(&b);
}

/* ------------------------------------------------------------ the route table */

/* Random announcements, withdrawals and peer downs against a plain array model: the table
 * (linear probing, backward-shift deletion, growth) must hold exactly the model's routes. */
static void rib_against_model(int npeer)
{
	enum { NPFX = 300, MAXPEER = 40 };
	static uint8_t model[2][MAXPEER][NPFX]; /* 0: absent, else path + 1 */
	const int NPEER = npeer;
	memset(model, 0, sizeof(model));
	struct bmp_rib *rib = bmp_rib_new();
	uint32_t router = bmp_rib_router(rib, "r");
	struct bgp_attrs at;
	uint32_t words[2];
	unsigned seed = 11;
	for (int op = 0; op < 60000; op++) {
		int peer = rand_r(&seed) % NPEER, view = rand_r(&seed) % 2;
		struct bmp_peer bp = {.type = 0, .flags = view ? BMP_FLAG_L : 0, .afi = AFI_IPV4};
		bp.addr[0] = 10, bp.addr[3] = (uint8_t)peer;
		int r = rand_r(&seed) % 100;
		if (r == 0) {
			bmp_rib_peer_down(rib, router, &bp);
			memset(model[0][peer], 0, NPFX);
			memset(model[1][peer], 0, NPFX);
			continue;
		}
		int px = rand_r(&seed) % NPFX;
		struct mrt_route rt;
		memset(&rt, 0, sizeof(rt));
		rt.prefix.afi = AFI_IPV4, rt.prefix.len = 24;
		rt.prefix.addr[0] = 100, rt.prefix.addr[1] = (uint8_t)(px >> 8),
		rt.prefix.addr[2] = (uint8_t)px;
		if (r < 60) {
			uint8_t path = (uint8_t)(rand_r(&seed) % 5);
			memset(&at, 0, sizeof(at));
			words[0] = (2u << 16) | 1, words[1] = 64500u + path;
			at.aspath = words, at.aspath_nwords = 2;
			rt.kind = MRT_ROUTE_ANNOUNCE, rt.attrs = &at;
			model[view][peer][px] = (uint8_t)(path + 1);
		} else {
			rt.kind = MRT_ROUTE_WITHDRAW;
			model[view][peer][px] = 0;
		}
		bmp_rib_route(rib, router, &bp, &rt);
	}
	size_t want = 0;
	for (int v = 0; v < 2; v++)
		for (int pe = 0; pe < NPEER; pe++)
			for (int px = 0; px < NPFX; px++)
				want += model[v][pe][px] != 0;
	struct bmp_rib_stats rs;
	bmp_rib_stats(rib, &rs);
	assert_int_equal(rs.routes, want);
	assert_true(rs.attr_sets <= 5);
	/* every route's path as in the model, via the ordered walk */
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);
	bmp_rib_walk(rib, dump_route, f);
	fclose(f);
	size_t lines = 0;
	for (char *l = s; (l = strchr(l, '\n')) != NULL; l++)
		lines++;
	assert_int_equal(lines, want);
	for (int v = 0; v < 2; v++)
		for (int pe = 0; pe < NPEER; pe++)
			for (int px = 0; px < NPFX; px++)
				if (model[v][pe][px]) {
					char line[160];
					snprintf(line, sizeof(line),
					    "r %s 10.0.0.%d AS0 100.%d.%d.0/24 0 [%u]\n",
					    v ? "post-policy" : "pre-policy", pe, px >> 8, px & 255,
					    64500u + model[v][pe][px] - 1);
					assert_non_null(strstr(s, line));
				}
	free(s);
	bmp_rib_free(rib);
}

/* 3 peers: a Peer Down holds a large share and rebuilds the table; 40 peers: each holds less
 * than 1/16 and its routes are deleted one by one. */
static void test_rib_against_model(void **state)
{
	(void)state;
	rib_against_model(3);
	rib_against_model(40);
}

/* Bytes a route: 200,000 routes of 2 peers sharing 1,000 attribute sets stay well under 100
 * bytes a route beyond the sets (the issue asks for under 100). */
static void test_rib_memory(void **state)
{
	(void)state;
	struct bmp_rib *rib = bmp_rib_new();
	uint32_t router = bmp_rib_router(rib, "r");
	struct bgp_attrs at;
	uint32_t words[4];
	for (int i = 0; i < 200000; i++) {
		struct bmp_peer bp = {.type = 0, .afi = AFI_IPV4};
		bp.addr[0] = 10, bp.addr[3] = (uint8_t)(i & 1);
		memset(&at, 0, sizeof(at));
		words[0] = (2u << 16) | 3, words[1] = 64500, words[2] = 64501,
		words[3] = 65000u + (uint32_t)(i % 1000);
		at.aspath = words, at.aspath_nwords = 4;
		struct mrt_route rt;
		memset(&rt, 0, sizeof(rt));
		rt.kind = MRT_ROUTE_ANNOUNCE, rt.attrs = &at;
		rt.prefix.afi = AFI_IPV4, rt.prefix.len = 24;
		int k = i >> 1;
		rt.prefix.addr[0] = (uint8_t)(1 + (k >> 16)), rt.prefix.addr[1] = (uint8_t)(k >> 8),
		rt.prefix.addr[2] = (uint8_t)k;
		bmp_rib_route(rib, router, &bp, &rt);
	}
	struct bmp_rib_stats rs;
	bmp_rib_stats(rib, &rs);
	assert_int_equal(rs.routes, 200000);
	assert_int_equal(rs.attr_sets, 1000);
	double per = (double)(rs.table_bytes + rs.index_bytes) / (double)rs.routes;
	printf("route table and prefix index: %.1f bytes a route (%zu routes, %zu prefixes), "
	       "attribute sets %.1f bytes a route\n",
	    per, rs.routes, rs.prefixes, (double)rs.attr_bytes / (double)rs.routes);
	assert_true(per < 100.0);
	bmp_rib_free(rib);
}

/* ------------------------------------------------------------ real captures */

/* bmp_decode.py's key of a message: (type, peer type, flags) as it prints them. */
static void py_key(const struct bmp_msg *m, const char *type, char *buf, size_t size)
{
	static const char *pt[] = {"global", "rd", "local", "loc-rib(9069)"};
	if (!m->has_peer) {
		snprintf(buf, size, "('%s', '-', '-')", type);
		return;
	}
	char fl[64];
	uint8_t f = m->peer.flags;
	if (m->peer.type == BMP_PEER_LOC_RIB)
		snprintf(fl, sizeof(fl), "%s", f & 0x80 ? "F" : "");
	else
		snprintf(fl, sizeof(fl), "%s%s%s%s", f & 0x80 ? "V" : "",
		    f & 0x40 ? "L(post)" : "pre", f & 0x20 ? "A2" : "",
		    f & 0x10 ? "O(adj-rib-out)" : "(adj-rib-in)");
	snprintf(buf, size, "('%s', '%s', '%s')", type, pt[m->peer.type], fl);
}

#define MAXKEYS 32
struct pycount {
	char key[MAXKEYS][96];
	uint64_t n[MAXKEYS], ann[MAXKEYS], wd[MAXKEYS];
	int rm[MAXKEYS];
	int nkeys;
	char sample[MAXKEYS][160]; /* first announced route of a Route Monitoring key */
	/* the state just before the last Peer Down */
	struct bmp_rib *rib;
	uint32_t router;
	struct bmp_rib_stats before_down;
	uint32_t first_down_ts, up_ts, first_rm_ts;
	uint64_t last_down_offset;
};

static int key_index(struct pycount *pc, const char *key)
{
	for (int i = 0; i < pc->nkeys; i++)
		if (strcmp(pc->key[i], key) == 0)
			return i;
	assert_true(pc->nkeys < MAXKEYS);
	snprintf(pc->key[pc->nkeys], sizeof(pc->key[0]), "%s", key);
	return pc->nkeys++;
}

static void py_event(void *arg, const struct bmp_msg *m, const struct mrt_route *rt)
{
	static const char *names[] = {"RouteMonitoring", "StatsReport", "PeerDown", "PeerUp",
	    "Initiation", "Termination", "RouteMirroring"};
	struct pycount *pc = arg;
	char key[96];
	if (m->type >= BMP_MSG_TYPES)
		return;
	py_key(m, names[m->type], key, sizeof(key));
	int i = key_index(pc, key);
	if (rt) {
		if (rt->kind == MRT_ROUTE_ANNOUNCE && pc->sample[i][0] == '\0') {
			char a[PREFIX_STRLEN], p[PREFIX_STRLEN];
			int len = snprintf(pc->sample[i], sizeof(pc->sample[0]),
			    "peer %s AS%u %s path [", bmp_peer_addr_format(&m->peer, a, sizeof(a)),
			    m->peer.asn, prefix_format(&rt->prefix, p, sizeof(p)));
			for (uint32_t w = 0; w < rt->attrs->aspath_nwords;) {
				uint32_t cnt = rt->attrs->aspath[w] & 0xffff;
				for (uint32_t j = 1; j <= cnt; j++)
					len += snprintf(pc->sample[i] + len,
					    sizeof(pc->sample[0]) - (size_t)len, "%s%u",
					    len > 0 && pc->sample[i][len - 1] != '[' ? ", " : "",
					    rt->attrs->aspath[w + j]);
				w += cnt + 1;
			}
			snprintf(pc->sample[i] + len, sizeof(pc->sample[0]) - (size_t)len, "]");
		}
	} else {
		pc->n[i]++;
		pc->rm[i] = m->type == BMP_ROUTE_MONITORING;
		if (m->type == BMP_ROUTE_MONITORING) {
			pc->ann[i] += m->announced, pc->wd[i] += m->withdrawn;
			if (m->eor)
				pc->n[key_index(pc, "EoR")]++;
		}
		if (m->type == BMP_PEER_DOWN) {
			bmp_rib_stats(pc->rib, &pc->before_down);
			pc->last_down_offset = m->offset;
			if (pc->first_down_ts == 0)
				pc->first_down_ts = m->peer.ts_sec;
		}
		if (m->type == BMP_PEER_UP)
			pc->up_ts = m->peer.ts_sec;
		if (m->type == BMP_ROUTE_MONITORING && pc->first_rm_ts == 0)
			pc->first_rm_ts = m->peer.ts_sec;
	}
	bmp_rib_event(pc->rib, pc->router, m, rt);
}

/* Our counts as bmp_decode.py prints them ("  KEY: N  [A / W]"), sorted, one a line. */
static char *py_lines(const struct pycount *pc)
{
	char *lines[MAXKEYS];
	int n = 0;
	for (int i = 0; i < pc->nkeys; i++) {
		if (strcmp(pc->key[i], "EoR") == 0)
			continue;
		char b[256];
		if (pc->rm[i])
			snprintf(b, sizeof(b), "  %s: %llu  [%llu / %llu]", pc->key[i],
			    (unsigned long long)pc->n[i], (unsigned long long)pc->ann[i],
			    (unsigned long long)pc->wd[i]);
		else
			snprintf(
			    b, sizeof(b), "  %s: %llu", pc->key[i], (unsigned long long)pc->n[i]);
		lines[n++] = strdup(b);
	}
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (strcmp(lines[j], lines[i]) < 0) {
				char *t = lines[i];
				lines[i] = lines[j], lines[j] = t;
			}
	size_t len = 1;
	for (int i = 0; i < n; i++)
		len += strlen(lines[i]) + 1;
	char *s = calloc(1, len);
	for (int i = 0; i < n; i++) {
		strcat(s, lines[i]);
		strcat(s, "\n");
		free(lines[i]);
	}
	return s;
}

/* The same lines from bmp_decode.py run on the file now (NULL when the tool is absent). */
static char *py_run(const char *file)
{
	const char *data = getenv("ROUTEMARK_DATA");
	char tool[4096], cmd[8192];
	snprintf(tool, sizeof(tool), "%s/../tools/bmp-lab/bmp_decode.py",
	    data ? data : "../shared/data");
	if (access(tool, R_OK) != 0 || access("/usr/bin/python3", X_OK) != 0)
		return NULL;
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 '%s' '%s' | grep \"^  ('\" | LC_ALL=C sort",
	    tool, file);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	char *s = calloc(1, 65536), line[512];
	while (fgets(line, sizeof(line), f))
		strncat(s, line, 65535 - strlen(s));
	assert_int_equal(pclose(f), 0);
	return s;
}

static void run_capture(const char *file, struct pycount *pc)
{
	memset(pc, 0, sizeof(*pc));
	pc->rib = bmp_rib_new();
	pc->router = bmp_rib_router(pc->rib, "r");
	FILE *f = fopen(file, "rb");
	assert_non_null(f);
	struct bmp_parser_opts o = {.source = file};
	struct bmp_parser *p = bmp_parser_new(&o, py_event, pc);
	uint8_t buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		assert_int_equal(bmp_parser_feed(p, buf, n), 0);
	fclose(f);
	assert_int_equal(bmp_parser_finish(p), 0);
	const struct bmp_stats *st = bmp_parser_stats(p);
	for (int k = 0; k < BMP_BAD_KINDS; k++)
		assert_int_equal(st->malformed[k], 0);
	bmp_parser_free(p);
}

static void compare_with_python(const char *file, const struct pycount *pc, const char *want)
{
	char *ours = py_lines(pc);
	/* the numbers bmp_decode.py printed (the .decoded.txt next to the capture) */
	assert_string_equal(ours, want);
	/* and the tool itself, run now */
	char *py = py_run(file);
	if (py) {
		assert_string_equal(ours, py);
		free(py);
	}
	free(ours);
}

/*
 * The state route for route against one built by the independent decoder: bmp_decode.py's
 * own peer header and UPDATE functions replay the first `upto` bytes of the capture into a
 * dictionary (announce sets, withdraw removes, Peer Down removes the peer), which must equal
 * what `routemark monitor --rib-out` wrote for the same bytes. Prints "OK N" (N routes).
 */
static const char state_py[] =
    "import sys, json, struct\n"
    "sys.path.insert(0, sys.argv[1])\n"
    "import bmp_decode as d\n"
    "data = open(sys.argv[2], 'rb').read()\n"
    "state, i = {}, 0\n"
    "while i + 6 <= len(data):\n"
    "    ver, ln, t = struct.unpack('!BIB', data[i:i + 6])\n"
    "    m = data[i + 6:i + ln]; i += ln\n"
    "    if t not in (0, 2):\n"
    "        continue\n"
    "    ph = d.peer_hdr(m[:42]); body = m[42:]; fl = ph['flags']\n"
    "    if ph['ptype'] == 'loc-rib(9069)': view = 'loc-rib'\n"
    "    elif 'O(adj-rib-out)' in fl: view = 'adj-rib-out-' + ('post' if 'L(post)' in fl else "
    "'pre')\n"
    "    else: view = 'post-policy' if 'L(post)' in fl else 'pre-policy'\n"
    "    if t == 2:\n"
    "        for k in [k for k in state if k[1] == ph['addr']]: del state[k]\n"
    "        continue\n"
    "    u = d.update(body, as2='A2' in fl)\n"
    "    for p in u.get('withdrawn', []): state.pop((view, ph['addr'], p), None)\n"
    "    for p in u.get('nlri', []): state[(view, ph['addr'], p)] = (ph['asn'], u['path'])\n"
    "ours = {}\n"
    "for line in open(sys.argv[3]):\n"
    "    o = json.loads(line)\n"
    "    ours[(o['view'], o['peer'], o['prefix'])] = (o['peer_as'], o['path'])\n"
    "if ours == state: print('OK %d' % len(state))\n"
    "else:\n"
    "    t = lambda s: set((k, (a, tuple(p))) for k, (a, p) in s.items())\n"
    "    print('DIFF', sorted(t(ours) ^ t(state))[:5])\n";

/* "OK N" from state_py over the first upto bytes of file; NULL when the tool is absent. */
static char *state_vs_python(const char *file, size_t upto, size_t *routes)
{
	char tmp[] = "/tmp/test_bmp_stateXXXXXX", out[64], py[64], cmd[8192];
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	FILE *in = fopen(file, "rb");
	static uint8_t buf[1 << 20];
	size_t len = fread(buf, 1, sizeof(buf), in);
	fclose(in);
	assert_true(upto <= len);
	assert_true(write(fd, buf, upto) == (ssize_t)upto);
	close(fd);
	snprintf(out, sizeof(out), "%s.jsonl", tmp);
	snprintf(py, sizeof(py), "%s.py", tmp);
	snprintf(cmd, sizeof(cmd), "%s monitor -q --bmp-file %s --rib-out %s >/dev/null",
	    test_bin(), tmp, out);
	assert_int_equal(system(cmd), 0);
	/* our count, whatever the tool */
	FILE *f = fopen(out, "r");
	assert_non_null(f);
	int ch;
	*routes = 0;
	while ((ch = fgetc(f)) != EOF)
		*routes += ch == '\n';
	fclose(f);
	const char *data = getenv("ROUTEMARK_DATA");
	char tool[4096];
	snprintf(tool, sizeof(tool), "%s/../tools/bmp-lab", data ? data : "../shared/data");
	char *res = NULL;
	if (access("/usr/bin/python3", X_OK) == 0 && access(tool, R_OK) == 0) {
		f = fopen(py, "w");
		fputs(state_py, f);
		fclose(f);
		snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s '%s' %s %s", py, tool, tmp, out);
		f = popen(cmd, "r");
		res = calloc(1, 4096);
		size_t n = fread(res, 1, 4095, f);
		assert_int_equal(pclose(f), 0);
		while (n > 0 && res[n - 1] == '\n')
			res[--n] = '\0';
	}
	unlink(tmp), unlink(out), unlink(py);
	return res;
}

static void check_state(const char *file, size_t upto, const char *want, size_t want_routes)
{
	size_t routes;
	char *res = state_vs_python(file, upto, &routes);
	assert_int_equal(routes, want_routes);
	if (res) {
		assert_string_equal(res, want);
		free(res);
	}
}

static void test_real_frr(void **state)
{
	(void)state;
	REQUIRE_DATA(file, "bmp/frr-8.4.4_exabgp_pre-post-policy.bmp");
	struct pycount pc;
	run_capture(file, &pc);
	/* from frr-8.4.4_exabgp_pre-post-policy.decoded.txt (bmp_decode.py), sorted */
	compare_with_python(file, &pc,
	    "  ('Initiation', '-', '-'): 1\n"
	    "  ('PeerDown', 'global', 'pre(adj-rib-in)'): 2\n"
	    "  ('PeerUp', 'global', 'pre(adj-rib-in)'): 1\n"
	    "  ('RouteMonitoring', 'global', 'L(post)(adj-rib-in)'): 656  [567 / 89]\n"
	    "  ('RouteMonitoring', 'global', 'pre(adj-rib-in)'): 656  [567 / 89]\n"
	    "  ('StatsReport', 'global', 'pre(adj-rib-in)'): 2\n");
	/* the samples bmp_decode.py prints: FRR 8.4 prepends its own AS 65001 to what ExaBGP
	 * (AS65002) sent; the RIB says "65002 64500" (docs/bmp.md, FRR PR #21815) */
	int pre = key_index(&pc, "('RouteMonitoring', 'global', 'pre(adj-rib-in)')");
	assert_string_equal(
	    pc.sample[pre], "peer 127.0.0.1 AS65002 198.18.0.0/24 path [65001, 65002, 64500]");
	/* no End-of-RIB in this capture */
	assert_int_equal(pc.n[key_index(&pc, "EoR")], 0);
	/* the state: FRR sent the table twice (516 announcements replaced an equal route) and
	 * its 44 denied prefixes as withdrawals of routes never announced, twice each in both
	 * views (176); 309 routes a view before ExaBGP stopped; the final Peer Down (reason 4)
	 * left nothing */
	struct bmp_rib_stats rs;
	bmp_rib_stats(pc.rib, &rs);
	assert_int_equal(pc.before_down.by_view[BMP_VIEW_PRE], 308);
	assert_int_equal(pc.before_down.by_view[BMP_VIEW_POST], 308);
	assert_int_equal(rs.replaced, 516);
	assert_int_equal(rs.withdraw_missing, 176);
	assert_int_equal(rs.routes, 0);
	assert_int_equal(rs.flushed, 616);
	/* the initial Peer Down, and the Peer Up too, carry a time 2486 s older than the Route
	 * Monitoring messages around them (FRR's start, not the event's) */
	assert_int_equal(pc.first_rm_ts - pc.first_down_ts, 2486);
	assert_int_equal(pc.first_rm_ts - pc.up_ts, 2486);
	/* route for route with the independent decoder: before the last Peer Down, and at the end
	 */
	check_state(file, pc.last_down_offset, "OK 616", 616);
	check_state(file, 133996, "OK 0", 0);
	bmp_rib_free(pc.rib);
}

static void test_real_gobgp(void **state)
{
	(void)state;
	REQUIRE_DATA(file, "bmp/gobgp-3.10_pre-post-policy_loc-rib.bmp");
	struct pycount pc;
	run_capture(file, &pc);
	/* from gobgp-3.10_pre-post-policy_loc-rib.decoded.txt (bmp_decode.py), sorted */
	compare_with_python(file, &pc,
	    "  ('Initiation', '-', '-'): 1\n"
	    "  ('PeerDown', 'global', 'pre(adj-rib-in)'): 1\n"
	    "  ('PeerUp', 'global', 'pre(adj-rib-in)'): 1\n"
	    "  ('RouteMonitoring', 'global', 'L(post)(adj-rib-in)'): 1044  [522 / 522]\n"
	    "  ('RouteMonitoring', 'global', 'pre(adj-rib-in)'): 543  [542 / 1]\n"
	    "  ('RouteMonitoring', 'loc-rib(9069)', ''): 1044  [522 / 522]\n"
	    "  ('StatsReport', 'global', 'pre(adj-rib-in)'): 1\n");
	int loc = key_index(&pc, "('RouteMonitoring', 'loc-rib(9069)', '')");
	assert_string_equal(pc.sample[loc], "peer 0.0.0.0 AS65004 0.0.0.0/0 path [65003, 30844]");
	/* GoBGP withdrew every post-policy and Loc-RIB route explicitly before its Peer Down;
	 * pre-policy kept 541 routes (the router's own Statistics Report says 541 in the
	 * Adj-RIB-In) until the Peer Down flushed them. Nothing is left. */
	assert_int_equal(pc.before_down.by_view[BMP_VIEW_PRE], 541);
	assert_int_equal(pc.before_down.by_view[BMP_VIEW_POST], 0);
	assert_int_equal(pc.before_down.by_view[BMP_VIEW_LOC_RIB], 0);
	struct bmp_rib_stats rs;
	bmp_rib_stats(pc.rib, &rs);
	assert_int_equal(rs.routes, 0);
	assert_int_equal(rs.flushed, 541);
	assert_int_equal(rs.withdraw_missing, 0);
	assert_int_equal(rs.peak_routes, 1586);
	check_state(file, pc.last_down_offset, "OK 541", 541);
	check_state(file, 257898, "OK 0", 0);
	bmp_rib_free(pc.rib);
}

/* The real captures decode the same fed byte by byte. */
static void test_real_chunking(void **state)
{
	(void)state;
	REQUIRE_DATA(file, "bmp/gobgp-3.10_pre-post-policy_loc-rib.bmp");
	FILE *f = fopen(file, "rb");
	assert_non_null(f);
	static uint8_t buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	char *whole = run_chunked(buf, n, 0, 0);
	char *bytes = run_chunked(buf, n, 1, 0);
	char *rnd = run_chunked(buf, n, SIZE_MAX, 3);
	assert_string_equal(whole, bytes);
	assert_string_equal(whole, rnd);
	free(whole), free(bytes), free(rnd);
}

/* routemark monitor on a real capture: the summary and --rib-out. */
static void test_cli(void **state)
{
	(void)state;
	REQUIRE_DATA(file, "bmp/gobgp-3.10_pre-post-policy_loc-rib.bmp");
	char cmd[8192];
	snprintf(
	    cmd, sizeof(cmd), "%s monitor --bmp-file '%s' --rib-out /dev/null", test_bin(), file);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	char out[16384] = {0};
	size_t n = fread(out, 1, sizeof(out) - 1, f);
	assert_true(n > 0);
	assert_int_equal(pclose(f), 0);
	assert_non_null(strstr(out, "router: gobgp-r2 (gobgp monitored router)"));
	assert_non_null(
	    strstr(out, "loc-rib          1044 messages, 522 announced, 522 withdrawn"));
	assert_non_null(strstr(out, "malformed: 0"));
	/* compressed, through the MRT reader's input layer: the same messages, no error */
	static const char *const comp[] = {"gzip", "bzip2", "xz", "zstd -q"};
	for (size_t i = 0; i < sizeof(comp) / sizeof(comp[0]); i++) {
		snprintf(cmd, sizeof(cmd),
		    "%s -c '%s' | %s monitor --strict --bmp-file - | head -1", comp[i], file,
		    test_bin());
		f = popen(cmd, "r");
		char line[256] = {0};
		assert_non_null(fgets(line, sizeof(line), f));
		assert_int_equal(pclose(f), 0);
		assert_non_null(strstr(line, "stdin: 2635 messages, 257898 bytes"));
		snprintf(cmd, sizeof(cmd),
		    "%s -c '%s' | %s monitor -q --strict --bmp-file - >/dev/null", comp[i], file,
		    test_bin());
		assert_int_equal(system(cmd), 0);
	}
	/* --strict on a damaged copy: exit 2 */
	char tmp[] = "/tmp/test_bmp_cliXXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	FILE *in = fopen(file, "rb");
	static uint8_t buf[1 << 20];
	size_t len = fread(buf, 1, sizeof(buf), in);
	fclose(in);
	assert_true(write(fd, buf, len / 2) > 0);
	close(fd);
	snprintf(
	    cmd, sizeof(cmd), "%s monitor -q --strict --bmp-file %s >/dev/null", test_bin(), tmp);
	int st = system(cmd);
	assert_int_equal(WEXITSTATUS(st), 2);
	snprintf(cmd, sizeof(cmd), "%s monitor -q --bmp-file %s >/dev/null", test_bin(), tmp);
	st = system(cmd);
	assert_int_equal(WEXITSTATUS(st), 0);
	/* a hand-built stream's --rib-out lines: keys, order, path_id, origin */
	struct mrtgen_buf b;
	mrtgen_buf_init(&b);
	build_stream(&b);
	fd = open(tmp, O_WRONLY | O_TRUNC);
	assert_true(write(fd, b.p, b.len) == (ssize_t)b.len);
	close(fd);
	snprintf(cmd, sizeof(cmd), "%s monitor -q --bmp-file %s --rib-out - | grep '^{'",
	    test_bin(), tmp);
	f = popen(cmd, "r");
	memset(out, 0, sizeof(out));
	n = fread(out, 1, sizeof(out) - 1, f);
	pclose(f);
	assert_string_equal(out,
	    "{\"view\":\"pre-policy\",\"router\":\"r-test\",\"peer\":\"192.0.2.9\",\"peer_as\":"
	    "4200000001,\"prefix\":\"10.0.0.0/24\",\"path\":[4200000001,64510,4200000099],"
	    "\"origin\":4200000099,\"path_id\":1}\n"
	    "{\"view\":\"pre-policy\",\"router\":\"r-test\",\"peer\":\"192.0.2.9\",\"peer_as\":"
	    "4200000001,\"prefix\":\"10.0.0.0/24\",\"path\":[4200000001,64510,4200000099],"
	    "\"origin\":4200000099,\"path_id\":2}\n"
	    "{\"view\":\"pre-policy\",\"router\":\"r-test\",\"peer\":\"198.51.100.7\",\"peer_as\":"
	    "64501,\"prefix\":\"172.16.0.0/24\",\"path\":[64501,64511],\"origin\":64511}\n"
	    "{\"view\":\"pre-policy\",\"router\":\"r-test\",\"peer\":\"2001:db8::1\",\"peer_as\":"
	    "64502,\"prefix\":\"2001:db9::/32\",\"path\":[64502,64512],\"origin\":64512}\n"
	    "{\"view\":\"post-policy\",\"router\":\"r-test\",\"peer\":\"192.0.2.9\",\"peer_as\":"
	    "4200000001,\"prefix\":\"10.0.0.0/24\",\"path\":[4200000001,64510,4200000099],"
	    "\"origin\":4200000099,\"path_id\":1}\n"
	    "{\"view\":\"loc-rib\",\"router\":\"r-test\",\"peer\":\"0.0.0.0\",\"peer_as\":64500,"
	    "\"prefix\":\"192.168.1.0/24\",\"path\":[64501,64511],\"origin\":64511}\n"
	    "{\"view\":\"adj-rib-out-post\",\"router\":\"r-test\",\"peer\":\"192.0.2.9\","
	    "\"peer_as\":4200000001,\"prefix\":\"192.168.2.0/24\",\"path\":[64501,64511],"
	    "\"origin\":64511}\n");
	/* two routers' captures one after the other (each cut before its last Peer Down): the
	 * second Initiation's sysName starts a second router; --router-name names them all */
	REQUIRE_DATA(frr, "bmp/frr-8.4.4_exabgp_pre-post-policy.bmp");
	snprintf(cmd, sizeof(cmd),
	    "{ head -c 133947 '%s'; head -c 257828 '%s'; } >%s && %s monitor -q --bmp-file %s "
	    "--rib-out - | grep -c '\"router\":\"r1\"' && %s monitor -q --bmp-file %s --rib-out - "
	    "| "
	    "grep -c '\"router\":\"gobgp-r2\"' && %s monitor -q --bmp-file %s --router-name X "
	    "--rib-out - | grep -c '\"router\":\"X\"'",
	    frr, file, tmp, test_bin(), tmp, test_bin(), tmp, test_bin(), tmp);
	f = popen(cmd, "r");
	memset(out, 0, sizeof(out));
	n = fread(out, 1, sizeof(out) - 1, f);
	assert_int_equal(pclose(f), 0);
	assert_string_equal(out, "616\n541\n1157\n");
	unlink(tmp);
	mrtgen_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_message_type),
	    cmocka_unit_test(test_as2_and_as4),
	    cmocka_unit_test(test_addpath_negotiation),
	    cmocka_unit_test(test_chunking),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_error_names_position),
	    cmocka_unit_test(test_rib_against_model),
	    cmocka_unit_test(test_rib_memory),
	    cmocka_unit_test(test_real_frr),
	    cmocka_unit_test(test_real_gobgp),
	    cmocka_unit_test(test_real_chunking),
	    cmocka_unit_test(test_cli),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
