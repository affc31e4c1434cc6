/*
 * RFC 7606 (revised error handling for BGP UPDATE messages) in the MRT reader, on records built
 * with tests/mrtgen.h: a repeated attribute keeps the first copy (3.g) in a TABLE_DUMP_V2 RIB
 * entry and in a BGP4MP UPDATE, also in `routemark dump`'s bgpdump -m lines; each attribute's
 * action (attribute discard, treat-as-withdraw) on constructed malformations; the counters by
 * kind; and the messages, which name the file, record, offset and the action taken.
 */
#include "testutil.h"

#include "mrt/mrt.h"
#include "mrtgen.h"

static const uint8_t nh4[4] = {192, 0, 2, 1};
static const uint8_t pfx_a[4] = {203, 0, 113, 0}, pfx_b[4] = {198, 51, 100, 0};
static const uint32_t comm1[2] = {0xfde90064, 0xfde900c8}; /* 65001:100 65001:200 */
static const uint32_t comm2[1] = {0xfdea012c};             /* 65002:300 */
static const uint32_t path2[2] = {65001, 65002};

/* ------------------------------------------------------------ building records */

static void peers(struct mrtgen_buf *b)
{
	struct mrtgen_peer p = {.afi = 1, .bgp_id = 1, .asn = 65001, .addr = {192, 0, 2, 9}};
	mrtgen_peer_index(b, 1000, 0x0a000001, "v", &p, 1);
}

/* The attributes of a well-formed route, before / after whatever a test puts between. */
static void attrs_head(struct mrtgen_buf *a, int as4)
{
	mrtgen_attr_origin(a, 0);
	mrtgen_attr_aspath_seq(a, path2, 2, as4);
	mrtgen_attr_nexthop(a, nh4);
}

/* One RIB_IPV4_UNICAST record for 203.0.113.0/24 with one entry per attribute block given. */
static void rib(struct mrtgen_buf *b, const struct mrtgen_buf *const *blocks, int n)
{
	struct mrtgen_rib r = mrtgen_rib_begin(b, 1000, MRTGEN_RIB_IPV4_UNICAST, 0, 24, pfx_a);
	for (int i = 0; i < n; i++)
		mrtgen_rib_entry(b, &r, 0, 999, 0, blocks[i]->p, blocks[i]->len);
	mrtgen_rib_end(b, &r);
}

static const struct mrtgen_session sess = {.ts = 2000,
    .usec = -1,
    .as4 = 1,
    .peer_as = 65001,
    .local_as = 65000,
    .afi = 1,
    .peer_ip = {192, 0, 2, 9},
    .local_ip = {192, 0, 2, 10}};

/* A BGP4MP_MESSAGE_AS4 UPDATE announcing 203.0.113.0/24 and 198.51.100.0/24 (NLRI field). */
static void update(struct mrtgen_buf *b, const struct mrtgen_buf *attrs)
{
	struct mrtgen_buf nlri;
	mrtgen_buf_init(&nlri);
	mrtgen_nlri(&nlri, 24, pfx_a);
	mrtgen_nlri(&nlri, 24, pfx_b);
	mrtgen_bgp4mp_update(b, &sess, NULL, attrs, &nlri);
	mrtgen_buf_free(&nlri);
}

/* ------------------------------------------------------------ reading them back */

#define MAXR 8

struct got {
	int n;
	struct mrt_route rt[MAXR];
	struct bgp_attrs at[MAXR]; /* copies: a route's attributes live until the next call */
	uint32_t comm_as[MAXR][4], comm_val[MAXR][4]; /* communities of each route: AS:value */
	char path[MAXR][64];                          /* AS path of each route, as text */
	struct mrt_stats st;
	int rc; /* the last mrt_reader_next_route result */
};

static void read_all(const struct mrtgen_buf *b, struct got *g, int no_attrs)
{
	struct mrt_options o = {.no_attrs = no_attrs, .quiet = getenv("MRT_VERBOSE") == NULL};
	struct mrt_reader *r = mrt_reader_open_mem(b->p, b->len, &o);
	assert_non_null(r);
	memset(g, 0, sizeof(*g));
	struct mrt_route rt;
	while ((g->rc = mrt_reader_next_route(r, &rt)) == 1) {
		assert_true(g->n < MAXR);
		g->rt[g->n] = rt;
		if (rt.attrs) {
			g->at[g->n] = *rt.attrs;
			g->at[g->n].aspath = NULL; /* not valid past the reader's next call */
			aspath_words_format(rt.attrs->aspath, rt.attrs->aspath_nwords,
			    g->path[g->n], sizeof(g->path[0]));
			for (uint32_t i = 0; i < rt.attrs->ncommunities && i < 4; i++) {
				const uint8_t *c = rt.attrs->communities + 4 * i;
				g->comm_as[g->n][i] = (uint32_t)c[0] << 8 | c[1];
				g->comm_val[g->n][i] = (uint32_t)c[2] << 8 | c[3];
			}
		}
		g->n++;
	}
	g->st = *mrt_reader_stats(r);
	mrt_reader_close(r);
}

/* The sum of every malformed[] counter but the one named: what must stay zero. */
static uint64_t others(const struct mrt_stats *st, enum mrt_malformed_kind except)
{
	uint64_t n = 0;
	for (int k = 0; k < MRT_BAD_KINDS; k++)
		if (k != (int)except)
			n += st->malformed[k];
	return n;
}

/* Run `routemark dump` on b; its standard output lines into out (up to max), standard error
 * into err. Returns the line count. */
static int dump_lines(const struct mrtgen_buf *b, char out[][512], int max, char *err, size_t en)
{
	char path[] = "/tmp/test_mrt_7606.XXXXXX", epath[64], cmd[512];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(mrtgen_write_file(b, path), 0);
	snprintf(epath, sizeof(epath), "%s.err", path);
	snprintf(cmd, sizeof(cmd), "%s dump %s 2>%s", test_bin(), path, epath);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	int n = 0;
	char line[512];
	while (fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = '\0';
		if (n < max)
			snprintf(out[n], 512, "%s", line);
		n++;
	}
	assert_int_equal(pclose(p), 0);
	FILE *e = fopen(epath, "r");
	assert_non_null(e);
	size_t k = fread(err, 1, en - 1, e);
	err[k] = '\0';
	fclose(e);
	unlink(path);
	unlink(epath);
	return n;
}

/* Field i (0-based) of a bgpdump -m line, into f. */
static const char *field(const char *line, int i, char *f, size_t fn)
{
	const char *p = line;
	for (int k = 0; k < i && p; k++) {
		p = strchr(p, '|');
		if (p)
			p++;
	}
	assert_non_null(p);
	size_t n = strcspn(p, "|");
	assert_true(n < fn);
	memcpy(f, p, n);
	f[n] = '\0';
	return f;
}

#define BGPDUMP_COMMUNITIES 11 /* field of the -m line (A and B lines) */

/* ------------------------------------------------------------ repeated attributes (3.g) */

static void build_rib_repeated_communities(struct mrtgen_buf *b)
{
	struct mrtgen_buf a;
	mrtgen_buf_init(&a);
	attrs_head(&a, 1);
	mrtgen_attr_communities(&a, comm1, 2);
	mrtgen_attr_med(&a, 7);
	mrtgen_attr_communities(&a, comm2, 1);
	peers(b);
	const struct mrtgen_buf *blocks[] = {&a};
	rib(b, blocks, 1);
	mrtgen_buf_free(&a);
}

static void test_rib_repeated_communities_first_copy(void **state)
{
	struct mrtgen_buf b;
	mrtgen_buf_init(&b);
	build_rib_repeated_communities(&b);
	struct got g;
	read_all(&b, &g, 0);
	assert_int_equal(g.rc, 0);
	assert_int_equal(g.n, 1); /* the entry is kept */
	assert_int_equal(g.rt[0].kind, MRT_ROUTE_RIB);
	assert_int_equal(g.at[0].ncommunities, 2);
	assert_int_equal(g.comm_as[0][0], 65001);
	assert_int_equal(g.comm_val[0][0], 100);
	assert_int_equal(g.comm_as[0][1], 65001);
	assert_int_equal(g.comm_val[0][1], 200);
	assert_int_equal(g.at[0].med, 7); /* attributes after the first copy are read */
	assert_true(bgp_attrs_has(&g.at[0], BGP_ATTR_MED));
	assert_int_equal(g.at[0].rfc7606, MRT_7606_DISCARD);
	assert_int_equal(g.st.malformed[MRT_BAD_ATTR_REPEATED], 1);
	assert_int_equal(others(&g.st, MRT_BAD_ATTR_REPEATED), 0);
	assert_int_equal(g.st.attrs_discarded, 1);
	assert_int_equal(g.st.routes[MRT_ROUTE_RIB], 1);
	assert_int_equal(g.st.rib_skipped[MRT_BAD_ATTR_REPEATED], 0);
	mrtgen_buf_free(&b);
}

static void test_rib_repeated_communities_dump(void **state)
{
	struct mrtgen_buf b;
	mrtgen_buf_init(&b);
	build_rib_repeated_communities(&b);
	char out[4][512], err[4096], f[256];
	int n = dump_lines(&b, out, 4, err, sizeof(err));
	assert_int_equal(n, 1);
	assert_string_equal(field(out[0], 0, f, sizeof(f)), "TABLE_DUMP2");
	assert_string_equal(field(out[0], 5, f, sizeof(f)), "203.0.113.0/24");
	assert_string_equal(
	    field(out[0], BGPDUMP_COMMUNITIES, f, sizeof(f)), "65001:100 65001:200");
	/* the message says what was done, and where */
	assert_non_null(strstr(err, "record 2 at offset "));
	assert_non_null(
	    strstr(err, "COMMUNITIES (type 8) repeated: later copy discarded (RFC 7606 3.g)"));
	mrtgen_buf_free(&b);
}

static void build_update_repeated_communities(struct mrtgen_buf *b)
{
	struct mrtgen_buf a;
	mrtgen_buf_init(&a);
	attrs_head(&a, 1);
	mrtgen_attr_communities(&a, comm1, 2);
	mrtgen_attr_communities(&a, comm2, 1);
	mrtgen_attr_communities(&a, comm2, 1); /* a third copy: discarded too */
	update(b, &a);
	mrtgen_buf_free(&a);
}

static void test_update_repeated_communities_first_copy(void **state)
{
	struct mrtgen_buf b;
	mrtgen_buf_init(&b);
	build_update_repeated_communities(&b);
	struct got g;
	read_all(&b, &g, 0);
	assert_int_equal(g.n, 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(g.rt[i].kind, MRT_ROUTE_ANNOUNCE);
		assert_int_equal(g.rt[i].error_withdraw, 0);
		assert_int_equal(g.at[i].ncommunities, 2);
		assert_int_equal(g.comm_as[i][0], 65001);
		assert_int_equal(g.comm_val[i][0], 100);
		assert_int_equal(g.comm_as[i][1], 65001);
		assert_int_equal(g.comm_val[i][1], 200);
	}
	assert_int_equal(g.st.malformed[MRT_BAD_ATTR_REPEATED], 2);
	assert_int_equal(g.st.attrs_discarded, 2);
	assert_int_equal(g.st.updates_withdrawn, 0);
	assert_int_equal(others(&g.st, MRT_BAD_ATTR_REPEATED), 0);
	mrtgen_buf_free(&b);
}

static void test_update_repeated_communities_dump(void **state)
{
	struct mrtgen_buf b;
	mrtgen_buf_init(&b);
	build_update_repeated_communities(&b);
	char out[4][512], err[4096], f[256];
	int n = dump_lines(&b, out, 4, err, sizeof(err));
	assert_int_equal(n, 2);
	for (int i = 0; i < 2; i++) {
		assert_string_equal(field(out[i], 0, f, sizeof(f)), "BGP4MP");
		assert_string_equal(field(out[i], 2, f, sizeof(f)), "A");
		assert_string_equal(
		    field(out[i], BGPDUMP_COMMUNITIES, f, sizeof(f)), "65001:100 65001:200");
	}
	assert_non_null(strstr(err, "record 1 at offset 0: COMMUNITIES (type 8) repeated: "
	                            "later copy discarded (RFC 7606 3.g)"));
	mrtgen_buf_free(&b);
}

/* A malformed first copy is not replaced by a later one: the later copies are discarded. */
static void test_repeated_after_malformed_first(void **state)
{
	struct mrtgen_buf a, b;
	mrtgen_buf_init(&a), mrtgen_buf_init(&b);
	attrs_head(&a, 1);
	mrtgen_attr_raw(&a, MRTGEN_AF_TRANSITIVE, MRTGEN_ATTR_ATOMIC_AGGREGATE, "x", 1);
	mrtgen_attr_atomic_aggregate(&a);
	update(&b, &a);
	struct got g;
	read_all(&b, &g, 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.rt[0].kind, MRT_ROUTE_ANNOUNCE);
	assert_false(bgp_attrs_has(&g.at[0], BGP_ATTR_ATOMIC_AGGREGATE));
	assert_int_equal(g.st.malformed[MRT_BAD_ATTR_LENGTH], 1);
	assert_int_equal(g.st.malformed[MRT_BAD_ATTR_REPEATED], 1);
	assert_int_equal(g.st.attrs_discarded, 2);
	mrtgen_buf_free(&a), mrtgen_buf_free(&b);
}

/* MP_REACH_NLRI twice: session reset in a router, treat-as-withdraw in a file (3.g). */
static void test_repeated_mp_reach_withdraws(void **state)
{
	struct mrtgen_buf a, b, n1, n2;
	mrtgen_buf_init(&a), mrtgen_buf_init(&b), mrtgen_buf_init(&n1), mrtgen_buf_init(&n2);
	const uint8_t p6[16] = {0x20, 0x01, 0x0d, 0xb8}, q6[16] = {0x20, 0x01, 0x0d, 0xb9};
	const uint8_t nh6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	mrtgen_nlri(&n1, 32, p6);
	mrtgen_nlri(&n2, 32, q6);
	mrtgen_attr_origin(&a, 0);
	mrtgen_attr_aspath_seq(&a, path2, 2, 1);
	mrtgen_attr_mp_reach(&a, 2, 1, nh6, 16, &n1);
	mrtgen_attr_mp_reach(&a, 2, 1, nh6, 16, &n2);
	mrtgen_bgp4mp_update(&b, &sess, NULL, &a, NULL);
	struct got g;
	read_all(&b, &g, 0);
	assert_int_equal(g.n, 1); /* the first copy's prefix, withdrawn; the second is ignored */
	assert_int_equal(g.rt[0].kind, MRT_ROUTE_WITHDRAW);
	assert_int_equal(g.rt[0].error_withdraw, 1);
	assert_int_equal(g.rt[0].from_mp, 1);
	assert_int_equal(g.rt[0].prefix.afi, AFI_IPV6);
	assert_int_equal(g.rt[0].prefix.len, 32);
	assert_int_equal(g.rt[0].prefix.addr[3], 0xb8);
	assert_null(g.rt[0].attrs);
	assert_int_equal(g.st.malformed[MRT_BAD_ATTR_MP_REPEATED], 1);
	assert_int_equal(others(&g.st, MRT_BAD_ATTR_MP_REPEATED), 0);
	assert_int_equal(g.st.updates_withdrawn, 1);
	assert_int_equal(g.st.routes_withdrawn, 1);
	assert_int_equal(g.st.routes[MRT_ROUTE_WITHDRAW], 1);
	assert_int_equal(g.st.routes[MRT_ROUTE_ANNOUNCE], 0);
	mrtgen_buf_free(&a), mrtgen_buf_free(&b), mrtgen_buf_free(&n1), mrtgen_buf_free(&n2);
}

/* ------------------------------------------------------------ treat-as-withdraw */

/* An UPDATE whose attributes are attrs_head + the bytes of one extra attribute: its two
 * announcements must come out as withdrawals, counted under kind. */
static void expect_update_withdrawn(const struct mrtgen_buf *a, enum mrt_malformed_kind kind)
{
	struct mrtgen_buf b;
	mrtgen_buf_init(&b);
	update(&b, a);
	struct got g;
	read_all(&b, &g, 0);
	assert_int_equal(g.rc, 0);
	assert_int_equal(g.n, 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(g.rt[i].kind, MRT_ROUTE_WITHDRAW);
		assert_int_equal(g.rt[i].error_withdraw, 1);
		assert_int_equal(g.rt[i].from_mp, 0);
		assert_null(g.rt[i].attrs);
		assert_int_equal(g.rt[i].prefix.len, 24);
	}
	assert_int_equal(g.rt[0].prefix.addr[0], 203);
	assert_int_equal(g.rt[1].prefix.addr[0], 198);
	assert_int_equal(g.st.malformed[kind], 1);
	assert_int_equal(others(&g.st, kind), 0);
	assert_int_equal(g.st.updates_withdrawn, 1);
	assert_int_equal(g.st.routes_withdrawn, 2);
	assert_int_equal(g.st.routes[MRT_ROUTE_ANNOUNCE], 0);
	assert_int_equal(g.st.attrs_discarded, 0);
	/* no_attrs reads the same routes */
	struct got h;
	read_all(&b, &h, 1);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.rt[0].kind, MRT_ROUTE_WITHDRAW);
	assert_int_equal(h.st.malformed[kind], 1);
	mrtgen_buf_free(&b);
}

/* The same block in a RIB entry, followed by a good entry: the bad one is skipped and counted
 * by reason, the good one read. */
static void expect_rib_skipped(const struct mrtgen_buf *a, enum mrt_malformed_kind kind)
{
	struct mrtgen_buf b, good;
	mrtgen_buf_init(&b), mrtgen_buf_init(&good);
	attrs_head(&good, 1);
	mrtgen_attr_med(&good, 5);
	peers(&b);
	const struct mrtgen_buf *blocks[] = {a, &good};
	rib(&b, blocks, 2);
	struct got g;
	read_all(&b, &g, 0);
	assert_int_equal(g.rc, 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.rt[0].kind, MRT_ROUTE_RIB);
	assert_int_equal(g.at[0].med, 5);
	assert_int_equal(g.at[0].rfc7606, MRT_7606_NONE);
	assert_int_equal(g.st.malformed[kind], 1);
	assert_int_equal(others(&g.st, kind), 0);
	assert_int_equal(g.st.rib_skipped[kind], 1);
	assert_int_equal(g.st.routes[MRT_ROUTE_RIB], 1);
	/* no_attrs (routemark stat) skips the same entry */
	struct got h;
	read_all(&b, &h, 1);
	assert_int_equal(h.n, 1);
	assert_null(h.rt[0].attrs);
	assert_int_equal(h.st.rib_skipped[kind], 1);
	mrtgen_buf_free(&b), mrtgen_buf_free(&good);
}

static void test_bad_origin_value(void **state)
{
	struct mrtgen_buf a;
	mrtgen_buf_init(&a);
	mrtgen_attr_origin(&a, 3); /* RFC 7606 7.1: undefined value */
	mrtgen_attr_aspath_seq(&a, path2, 2, 1);
	mrtgen_attr_nexthop(&a, nh4);
	expect_update_withdrawn(&a, MRT_BAD_ATTR_VALUE);
	expect_rib_skipped(&a, MRT_BAD_ATTR_VALUE);
	mrtgen_buf_free(&a);
}

static void test_bad_origin_length(void **state)
{
	struct mrtgen_buf a;
	mrtgen_buf_init(&a);
	mrtgen_attr_raw(&a, MRTGEN_AF_TRANSITIVE, MRTGEN_ATTR_ORIGIN, "\0\0", 2);
	mrtgen_attr_aspath_seq(&a, path2, 2, 1);
	mrtgen_attr_nexthop(&a, nh4);
	expect_update_withdrawn(&a, MRT_BAD_ATTR_LENGTH);
	expect_rib_skipped(&a, MRT_BAD_ATTR_LENGTH);
	mrtgen_buf_free(&a);
}

/* AS_PATH (RFC 7606 7.2): a segment overrunning the attribute, an unknown segment type, a
 * segment of no ASNs, a segment header cut. */
static void test_aspath_malformed(void **state)
{
	static const struct {
		const char *bytes;
		size_t n;
	} bad[] = {
	    {"\x02\x03\x00\x00\xfd\xe9\x00\x00\xfd\xea", 10}, /* 3 ASNs announced, 2 there */
	    {"\x07\x01\x00\x00\xfd\xe9", 6},                  /* segment type 7 */
	    {"\x02\x00", 2},                                  /* empty segment */
	    {"\x02\x01\x00\x00\xfd\xe9\x02", 7},              /* trailing half header */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mrtgen_buf a;
		mrtgen_buf_init(&a);
		mrtgen_attr_origin(&a, 0);
		mrtgen_attr_raw(
		    &a, MRTGEN_AF_TRANSITIVE, MRTGEN_ATTR_AS_PATH, bad[i].bytes, bad[i].n);
		mrtgen_attr_nexthop(&a, nh4);
		expect_update_withdrawn(&a, MRT_BAD_ATTR_VALUE);
		expect_rib_skipped(&a, MRT_BAD_ATTR_VALUE);
		mrtgen_buf_free(&a);
	}
}

/* Fixed and list lengths: NEXT_HOP (7.3), MED (7.4), LOCAL_PREF (7.5), COMMUNITIES (7.8, also
 * length 0), ORIGINATOR_ID (7.9), CLUSTER_LIST (7.10), EXTENDED_COMMUNITIES (7.14),
 * LARGE_COMMUNITIES (RFC 8092 6), OTC (RFC 9234 5), MP_UNREACH (7.12). */
static void test_length_errors_withdraw(void **state)
{
	static const struct {
		uint8_t flags, type;
		size_t n;
	} bad[] = {
	    {0x40, BGP_ATTR_NEXT_HOP, 5},
	    {0x80, BGP_ATTR_MED, 3},
	    {0x40, BGP_ATTR_LOCAL_PREF, 8},
	    {0xc0, BGP_ATTR_COMMUNITIES, 6},
	    {0xc0, BGP_ATTR_COMMUNITIES, 0},
	    {0x80, BGP_ATTR_ORIGINATOR_ID, 2},
	    {0x80, BGP_ATTR_CLUSTER_LIST, 5},
	    {0xc0, BGP_ATTR_EXT_COMMUNITIES, 12},
	    {0xc0, BGP_ATTR_LARGE_COMMUNITIES, 8},
	    {0xc0, BGP_ATTR_OTC, 2},
	    {0x80, BGP_ATTR_MP_UNREACH_NLRI, 2},
	};
	static const uint8_t zeros[16];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mrtgen_buf a;
		mrtgen_buf_init(&a);
		mrtgen_attr_origin(&a, 0);
		mrtgen_attr_aspath_seq(&a, path2, 2, 1);
		if (bad[i].type != BGP_ATTR_NEXT_HOP)
			mrtgen_attr_nexthop(&a, nh4);
		mrtgen_attr_raw(&a, bad[i].flags, bad[i].type, zeros, bad[i].n);
		expect_update_withdrawn(&a, MRT_BAD_ATTR_LENGTH);
		if (bad[i].type != BGP_ATTR_MP_UNREACH_NLRI)
			expect_rib_skipped(&a, MRT_BAD_ATTR_LENGTH);
		mrtgen_buf_free(&a);
	}
}

/* An attribute whose length runs past the block (RFC 7606 4): the rest cannot be parsed, the
 * total attribute length still finds the NLRI, which is withdrawn. */
static void test_attribute_overruns_block(void **state)
{
	struct mrtgen_buf a;
	mrtgen_buf_init(&a);
	attrs_head(&a, 1);
	mrtgen_put8(&a, 0xc0), mrtgen_put8(&a, BGP_ATTR_COMMUNITIES), mrtgen_put8(&a, 40);
	mrtgen_put32(&a, 0xfde90064);
	expect_update_withdrawn(&a, MRT_BAD_ATTR);
	expect_rib_skipped(&a, MRT_BAD_ATTR);
	mrtgen_buf_reset(&a);
	attrs_head(&a, 1);
	mrtgen_put8(&a, 0xc0), mrtgen_put8(&a, BGP_ATTR_COMMUNITIES); /* header cut */
	expect_update_withdrawn(&a, MRT_BAD_ATTR);
	expect_rib_skipped(&a, MRT_BAD_ATTR);
	mrtgen_buf_free(&a);
}

/* Optional / Transitive bits that contradict the attribute (RFC 7606 3.c). */
static void test_flag_errors_withdraw(void **state)
{
	static const struct {
		uint8_t flags, type;
		const char *v;
		size_t n;
	} bad[] = {
	    {0xc0, BGP_ATTR_LOCAL_PREF, "\0\0\0\x64", 4},    /* well-known sent as optional */
	    {0x40, BGP_ATTR_MED, "\0\0\0\x01", 4},           /* optional non-transitive as wk */
	    {0x80, BGP_ATTR_COMMUNITIES, "\0\x01\0\x02", 4}, /* optional transitive w/o T */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mrtgen_buf a;
		mrtgen_buf_init(&a);
		attrs_head(&a, 1);
		mrtgen_attr_raw(&a, bad[i].flags, bad[i].type, bad[i].v, bad[i].n);
		expect_update_withdrawn(&a, MRT_BAD_ATTR_FLAGS);
		expect_rib_skipped(&a, MRT_BAD_ATTR_FLAGS);
		mrtgen_buf_free(&a);
	}
	/* the Partial and Extended Length bits are not checked: a well-known attribute in the
	 * extended form is fine */
	struct mrtgen_buf a, b;
	mrtgen_buf_init(&a), mrtgen_buf_init(&b);
	mrtgen_attr_raw(&a, MRTGEN_AF_TRANSITIVE | MRTGEN_AF_EXTLEN, MRTGEN_ATTR_ORIGIN, "\x02", 1);
	mrtgen_attr_aspath_seq(&a, path2, 2, 1);
	mrtgen_attr_nexthop(&a, nh4);
	update(&b, &a);
	struct got g;
	read_all(&b, &g, 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.rt[0].kind, MRT_ROUTE_ANNOUNCE);
	assert_int_equal(g.at[0].origin, BGP_ORIGIN_INCOMPLETE);
	assert_int_equal(others(&g.st, MRT_BAD_KINDS), 0);
	mrtgen_buf_free(&a), mrtgen_buf_free(&b);
}

/* RFC 7606 3.d: announcements need ORIGIN, AS_PATH, and NEXT_HOP for the NLRI field; an
 * MP_REACH-only UPDATE needs no NEXT_HOP. */
static void test_missing_mandatory(void **state)
{
	struct mrtgen_buf a;
	mrtgen_buf_init(&a);
	mrtgen_attr_origin(&a, 0);
	mrtgen_attr_aspath_seq(&a, path2, 2, 1);
	expect_update_withdrawn(&a, MRT_BAD_ATTR_MISSING); /* no NEXT_HOP */
	mrtgen_buf_reset(&a);
	mrtgen_attr_aspath_seq(&a, path2, 2, 1);
	mrtgen_attr_nexthop(&a, nh4);
	expect_update_withdrawn(&a, MRT_BAD_ATTR_MISSING); /* no ORIGIN */

	struct mrtgen_buf b, n6;
	mrtgen_buf_init(&b), mrtgen_buf_init(&n6);
	const uint8_t p6[16] = {0x20, 0x01, 0x0d, 0xb8},
	              nh6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	mrtgen_nlri(&n6, 32, p6);
	mrtgen_buf_reset(&a);
	mrtgen_attr_origin(&a, 0);
	mrtgen_attr_aspath_seq(&a, path2, 2, 1);
	mrtgen_attr_mp_reach(&a, 2, 1, nh6, 16, &n6);
	mrtgen_bgp4mp_update(&b, &sess, NULL, &a, NULL);
	struct got g;
	read_all(&b, &g, 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.rt[0].kind, MRT_ROUTE_ANNOUNCE);
	assert_int_equal(g.rt[0].from_mp, 1);
	assert_int_equal(others(&g.st, MRT_BAD_KINDS), 0);
	/* a withdrawal-only UPDATE needs no attributes at all */
	mrtgen_buf_reset(&b);
	struct mrtgen_buf w;
	mrtgen_buf_init(&w);
	mrtgen_nlri(&w, 24, pfx_a);
	mrtgen_bgp4mp_update(&b, &sess, &w, NULL, NULL);
	read_all(&b, &g, 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.rt[0].kind, MRT_ROUTE_WITHDRAW);
	assert_int_equal(g.rt[0].error_withdraw, 0);
	assert_int_equal(g.st.updates_withdrawn, 0);
	assert_int_equal(others(&g.st, MRT_BAD_KINDS), 0);
	mrtgen_buf_free(&a), mrtgen_buf_free(&b), mrtgen_buf_free(&n6), mrtgen_buf_free(&w);
}

/* A withdrawn routes field survives its UPDATE's treat-as-withdraw: both lists come out. */
static void test_withdrawals_kept(void **state)
{
	struct mrtgen_buf a, b, w;
	mrtgen_buf_init(&a), mrtgen_buf_init(&b), mrtgen_buf_init(&w);
	mrtgen_attr_origin(&a, 9);
	mrtgen_attr_aspath_seq(&a, path2, 2, 1);
	mrtgen_attr_nexthop(&a, nh4);
	const uint8_t old[4] = {10, 9, 0, 0};
	mrtgen_nlri(&w, 16, old);
	struct mrtgen_buf nlri;
	mrtgen_buf_init(&nlri);
	mrtgen_nlri(&nlri, 24, pfx_a);
	mrtgen_bgp4mp_update(&b, &sess, &w, &a, &nlri);
	struct got g;
	read_all(&b, &g, 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.rt[0].kind, MRT_ROUTE_WITHDRAW);
	assert_int_equal(g.rt[0].error_withdraw, 0);
	assert_int_equal(g.rt[0].prefix.len, 16);
	assert_int_equal(g.rt[1].kind, MRT_ROUTE_WITHDRAW);
	assert_int_equal(g.rt[1].error_withdraw, 1);
	assert_int_equal(g.rt[1].prefix.len, 24);
	assert_int_equal(g.st.routes_withdrawn, 1);
	assert_int_equal(g.st.routes[MRT_ROUTE_WITHDRAW], 2);
	/* and routemark dump prints them both as W lines, the message naming the action */
	char out[4][512], err[4096], f[64];
	assert_int_equal(dump_lines(&b, out, 4, err, sizeof(err)), 2);
	assert_string_equal(field(out[0], 2, f, sizeof(f)), "W");
	assert_string_equal(field(out[0], 5, f, sizeof(f)), "10.9.0.0/16");
	assert_string_equal(field(out[1], 2, f, sizeof(f)), "W");
	assert_string_equal(field(out[1], 5, f, sizeof(f)), "203.0.113.0/24");
	assert_non_null(
	    strstr(err, "record 1 at offset 0: ORIGIN (type 1) malformed content (length 1): "
	                "treat-as-withdraw (RFC 7606 7.1)"));
	mrtgen_buf_free(&a), mrtgen_buf_free(&b), mrtgen_buf_free(&w), mrtgen_buf_free(&nlri);
}

/* TABLE_DUMP (v1) entries: a treat-as-withdraw skips the entry, counted by reason. */
static void test_td1_entry_skipped(void **state)
{
	struct mrtgen_buf a, good, b;
	mrtgen_buf_init(&a), mrtgen_buf_init(&good), mrtgen_buf_init(&b);
	mrtgen_attr_origin(&a, 0);
	mrtgen_attr_aspath_seq(&a, path2, 2, 0);
	mrtgen_attr_raw(&a, MRTGEN_AF_TRANSITIVE, MRTGEN_ATTR_NEXT_HOP, "\xc0\0\x02", 3);
	attrs_head(&good, 0);
	const uint8_t peer[4] = {192, 0, 2, 9};
	mrtgen_table_dump(&b, 1000, 1, 0, 0, pfx_a, 24, 999, peer, 65001, a.p, a.len);
	mrtgen_table_dump(&b, 1000, 1, 0, 1, pfx_b, 24, 999, peer, 65001, good.p, good.len);
	struct got g;
	read_all(&b, &g, 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.rt[0].kind, MRT_ROUTE_RIB);
	assert_int_equal(g.rt[0].prefix.addr[0], 198);
	assert_string_equal(g.path[0], "65001 65002");
	assert_int_equal(g.st.malformed[MRT_BAD_ATTR_LENGTH], 1);
	assert_int_equal(others(&g.st, MRT_BAD_ATTR_LENGTH), 0);
	assert_int_equal(g.st.rib_skipped[MRT_BAD_ATTR_LENGTH], 1);
	mrtgen_buf_free(&a), mrtgen_buf_free(&good), mrtgen_buf_free(&b);
}

/* MP_UNREACH_NLRI with wrong flags: treat-as-withdraw, and its withdrawals still come out. */
static void test_mp_unreach_flags(void **state)
{
	struct mrtgen_buf a, b, w6;
	mrtgen_buf_init(&a), mrtgen_buf_init(&b), mrtgen_buf_init(&w6);
	const uint8_t p6[16] = {0x20, 0x01, 0x0d, 0xb8};
	mrtgen_nlri(&w6, 32, p6);
	size_t at = mrtgen_attr_begin(&a, MRTGEN_AF_OPTIONAL | MRTGEN_AF_TRANSITIVE,
	    MRTGEN_ATTR_MP_UNREACH); /* should be optional non-transitive */
	mrtgen_put16(&a, 2), mrtgen_put8(&a, 1), mrtgen_append(&a, &w6);
	mrtgen_attr_end(&a, at);
	mrtgen_bgp4mp_update(&b, &sess, NULL, &a, NULL);
	struct got g;
	read_all(&b, &g, 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.rt[0].kind, MRT_ROUTE_WITHDRAW);
	assert_int_equal(g.rt[0].from_mp, 1);
	assert_int_equal(g.rt[0].error_withdraw, 0); /* a withdrawal in its own right */
	assert_int_equal(g.rt[0].prefix.afi, AFI_IPV6);
	assert_int_equal(g.st.malformed[MRT_BAD_ATTR_FLAGS], 1);
	assert_int_equal(g.st.updates_withdrawn, 1);
	char out[2][512], err[4096];
	assert_int_equal(dump_lines(&b, out, 2, err, sizeof(err)), 1);
	assert_non_null(strstr(err, "record 1 at offset 0: MP_UNREACH_NLRI (type 15) flags 0xc0: "
	                            "Optional/Transitive bits should be 0x80: treat-as-withdraw "
	                            "(RFC 7606 3.c)"));
	mrtgen_buf_free(&a), mrtgen_buf_free(&b), mrtgen_buf_free(&w6);
}

/* ------------------------------------------------------------ attribute discard */

/* An UPDATE with attrs_head + one extra attribute: the routes are kept, the attribute is
 * dropped and counted under kind. Returns what was read, for more checks. */
static void expect_discard(const struct mrtgen_buf *extra_block, enum mrt_malformed_kind kind,
    unsigned type, struct got *g, int as4)
{
	struct mrtgen_buf a, b;
	mrtgen_buf_init(&a), mrtgen_buf_init(&b);
	attrs_head(&a, as4);
	mrtgen_append(&a, extra_block);
	struct mrtgen_session s = sess;
	s.as4 = as4;
	struct mrtgen_buf nlri;
	mrtgen_buf_init(&nlri);
	mrtgen_nlri(&nlri, 24, pfx_a);
	mrtgen_bgp4mp_update(&b, &s, NULL, &a, &nlri);
	read_all(&b, g, 0);
	assert_int_equal(g->n, 1);
	assert_int_equal(g->rt[0].kind, MRT_ROUTE_ANNOUNCE);
	assert_false(bgp_attrs_has(&g->at[0], type));
	assert_true(bgp_attrs_has(&g->at[0], BGP_ATTR_ORIGIN));
	assert_int_equal(g->at[0].rfc7606, MRT_7606_DISCARD);
	assert_int_equal(g->st.malformed[kind], 1);
	assert_int_equal(others(&g->st, kind), 0);
	assert_int_equal(g->st.attrs_discarded, 1);
	assert_int_equal(g->st.updates_withdrawn, 0);
	/* in a RIB entry the same block keeps the entry */
	mrtgen_buf_reset(&b);
	peers(&b);
	const struct mrtgen_buf *blocks[] = {&a};
	if (as4) {
		rib(&b, blocks, 1);
		struct got h;
		read_all(&b, &h, 0);
		assert_int_equal(h.n, 1);
		assert_false(bgp_attrs_has(&h.at[0], type));
		assert_int_equal(h.st.malformed[kind], 1);
		assert_int_equal(h.st.rib_skipped[kind], 0);
	}
	mrtgen_buf_free(&a), mrtgen_buf_free(&b), mrtgen_buf_free(&nlri);
}

static void test_atomic_aggregate_nonzero_discarded(void **state)
{
	struct mrtgen_buf x;
	mrtgen_buf_init(&x);
	mrtgen_attr_raw(&x, MRTGEN_AF_TRANSITIVE, MRTGEN_ATTR_ATOMIC_AGGREGATE, "\x01", 1);
	struct got g;
	expect_discard(&x, MRT_BAD_ATTR_LENGTH, BGP_ATTR_ATOMIC_AGGREGATE, &g, 1);
	mrtgen_buf_free(&x);
}

static void test_aggregator_bad_length_discarded(void **state)
{
	struct mrtgen_buf x;
	mrtgen_buf_init(&x);
	mrtgen_attr_raw(&x, MRTGEN_AF_OPTIONAL | MRTGEN_AF_TRANSITIVE, MRTGEN_ATTR_AGGREGATOR,
	    "\xfd\xe9\x0a\x00\x00", 5);
	struct got g;
	expect_discard(&x, MRT_BAD_ATTR_LENGTH, BGP_ATTR_AGGREGATOR, &g, 1);
	assert_int_equal(g.at[0].aggr_as, 0);
	mrtgen_buf_free(&x);
}

/* AS4_PATH / AS4_AGGREGATOR (RFC 6793 6): discarded; the AS_PATH is used unmerged. */
static void test_as4_attributes_discarded(void **state)
{
	struct mrtgen_buf x;
	mrtgen_buf_init(&x);
	mrtgen_attr_raw(&x, MRTGEN_AF_OPTIONAL | MRTGEN_AF_TRANSITIVE, MRTGEN_ATTR_AS4_PATH,
	    "\x02\x02\xfa\x56\xea\x01", 6); /* 2 ASNs announced, 1 there */
	struct got g;
	expect_discard(&x, MRT_BAD_ATTR_VALUE, BGP_ATTR_AS4_PATH, &g, 0);
	assert_string_equal(g.path[0], "65001 65002");
	mrtgen_buf_reset(&x);
	mrtgen_attr_raw(&x, MRTGEN_AF_OPTIONAL | MRTGEN_AF_TRANSITIVE, MRTGEN_ATTR_AS4_PATH,
	    "\x02\x01\xfa\x56\xea", 5); /* odd length */
	expect_discard(&x, MRT_BAD_ATTR_LENGTH, BGP_ATTR_AS4_PATH, &g, 0);
	mrtgen_buf_reset(&x);
	mrtgen_attr_raw(&x, MRTGEN_AF_OPTIONAL | MRTGEN_AF_TRANSITIVE, MRTGEN_ATTR_AS4_AGGREGATOR,
	    "\xfa\x56\xea\x01\x0a\x00\x00", 7);
	expect_discard(&x, MRT_BAD_ATTR_LENGTH, BGP_ATTR_AS4_AGGREGATOR, &g, 0);
	mrtgen_buf_free(&x);
}

/* Under --strict every RFC 7606 error is fatal, a discard too. */
static void test_strict(void **state)
{
	struct mrtgen_buf b;
	mrtgen_buf_init(&b);
	build_update_repeated_communities(&b);
	struct mrt_options o = {.strict = 1, .quiet = 1};
	struct mrt_reader *r = mrt_reader_open_mem(b.p, b.len, &o);
	struct mrt_route rt;
	assert_int_equal(mrt_reader_next_route(r, &rt), MRT_ERR_MALFORMED);
	/* the block is read to its end before the call returns: both later copies reported */
	assert_int_equal(mrt_reader_stats(r)->malformed[MRT_BAD_ATTR_REPEATED], 2);
	mrt_reader_close(r);
	mrtgen_buf_free(&b);
}

/* routemark stat shows the kinds by name. */
static void test_stat_names_kinds(void **state)
{
	struct mrtgen_buf b;
	mrtgen_buf_init(&b);
	build_rib_repeated_communities(&b);
	char path[] = "/tmp/test_mrt_7606.XXXXXX", cmd[512], buf[4096];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(mrtgen_write_file(&b, path), 0);
	snprintf(cmd, sizeof(cmd), "%s stat %s 2>/dev/null", test_bin(), path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t k = fread(buf, 1, sizeof(buf) - 1, p);
	buf[k] = '\0';
	pclose(p);
	unlink(path);
	assert_non_null(strstr(buf, "repeated attribute: 1"));
	assert_string_equal(mrt_malformed_name(MRT_BAD_ATTR_FLAGS), "attribute flags");
	mrtgen_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rib_repeated_communities_first_copy),
	    cmocka_unit_test(test_rib_repeated_communities_dump),
	    cmocka_unit_test(test_update_repeated_communities_first_copy),
	    cmocka_unit_test(test_update_repeated_communities_dump),
	    cmocka_unit_test(test_repeated_after_malformed_first),
	    cmocka_unit_test(test_repeated_mp_reach_withdraws),
	    cmocka_unit_test(test_bad_origin_value),
	    cmocka_unit_test(test_bad_origin_length),
	    cmocka_unit_test(test_aspath_malformed),
	    cmocka_unit_test(test_length_errors_withdraw),
	    cmocka_unit_test(test_attribute_overruns_block),
	    cmocka_unit_test(test_flag_errors_withdraw),
	    cmocka_unit_test(test_missing_mandatory),
	    cmocka_unit_test(test_withdrawals_kept),
	    cmocka_unit_test(test_td1_entry_skipped),
	    cmocka_unit_test(test_mp_unreach_flags),
	    cmocka_unit_test(test_atomic_aggregate_nonzero_discarded),
	    cmocka_unit_test(test_aggregator_bad_length_discarded),
	    cmocka_unit_test(test_as4_attributes_discarded),
	    cmocka_unit_test(test_strict),
	    cmocka_unit_test(test_stat_names_kinds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
