/*
 * test_mrtgen — checks the MRT test writer (tests/mrtgen.h) against Debian's bgpdump, an
 * independent decoder: each test writes a small file, runs `bgpdump -m` on it and compares
 * the lines with the ones the RFC encoding must produce. This validates the writer that the
 * reader's unit and robustness tests build their input with, independently of our reader.
 */
#include "testutil.h"

#include "mrtgen.h"

#define MAXLINES 64

struct lines {
	char *l[MAXLINES];
	int n;
};

static int have_bgpdump(void)
{
	return system("command -v bgpdump >/dev/null 2>&1") == 0;
}

#define REQUIRE_BGPDUMP()                                                                          \
	do {                                                                                       \
		if (!have_bgpdump()) {                                                             \
			printf("SKIP: %s: bgpdump is not installed\n", __func__);                  \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

/* Write b to a temporary file, run bgpdump -m on it, collect its lines. */
static void bgpdump_lines(const struct mrtgen_buf *b, struct lines *out)
{
	char path[] = "/tmp/test_mrtgen.XXXXXX", cmd[128], buf[65536];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(mrtgen_write_file(b, path), 0);
	snprintf(cmd, sizeof(cmd), "bgpdump -m %s 2>/dev/null", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	out->n = 0;
	while (fgets(buf, sizeof(buf), p)) {
		buf[strcspn(buf, "\n")] = '\0';
		if (out->n < MAXLINES)
			out->l[out->n] = strdup(buf);
		out->n++;
	}
	pclose(p);
	unlink(path);
}

static void lines_free(struct lines *ls)
{
	for (int i = 0; i < ls->n && i < MAXLINES; i++)
		free(ls->l[i]);
	ls->n = 0;
}

static void expect_lines(const struct mrtgen_buf *b, const char *const *want, int n)
{
	struct lines got;
	bgpdump_lines(b, &got);
	for (int i = 0; i < n && i < got.n; i++)
		assert_string_equal(got.l[i], want[i]);
	assert_int_equal(got.n, n);
	lines_free(&got);
}

static const uint8_t ip_a[4] = {192, 0, 2, 1}, ip_b[4] = {198, 51, 100, 7};
static const uint8_t ip6_a[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};

static void peers3(struct mrtgen_peer p[3])
{
	memset(p, 0, 3 * sizeof(*p));
	p[0].afi = 1, p[0].asn = 64500, p[0].bgp_id = 0xc0000201;
	memcpy(p[0].addr, ip_a, 4);
	p[1].afi = 2, p[1].asn = 4200000001u, p[1].bgp_id = 0xc6336407;
	memcpy(p[1].addr, ip6_a, 16);
	p[2].afi = 1, p[2].asn = 65001, p[2].as2 = 1, p[2].bgp_id = 0xc6336407;
	memcpy(p[2].addr, ip_b, 4);
}

/* PEER_INDEX_TABLE + RIB_IPV4_UNICAST with every common attribute, two peers. */
static void test_tdv2_ipv4(void **state)
{
	REQUIRE_BGPDUMP();
	struct mrtgen_buf b, a;
	struct mrtgen_peer p[3];
	mrtgen_buf_init(&b);
	mrtgen_buf_init(&a);
	peers3(p);
	mrtgen_peer_index(&b, 1700000000, 0x0a000001, "view", p, 3);
	uint8_t pfx[4] = {203, 0, 113, 0};
	struct mrtgen_rib r = mrtgen_rib_begin(&b, 1700000001, MRTGEN_RIB_IPV4_UNICAST, 0, 24, pfx);
	uint32_t path[] = {MRTGEN_SEG(MRTGEN_AS_SEQUENCE, 3), 64500, 174, 4200000002u,
	    MRTGEN_SEG(MRTGEN_AS_SET, 2), 65010, 65011};
	uint32_t comm[] = {64500u << 16 | 100, 174u << 16 | 21000, 0xffffff01};
	uint32_t lc[] = {4200000002u, 1, 2};
	mrtgen_attr_origin(&a, 2);
	mrtgen_attr_aspath(&a, path, sizeof(path) / 4, 1);
	mrtgen_attr_nexthop(&a, ip_a);
	mrtgen_attr_med(&a, 77);
	mrtgen_attr_localpref(&a, 150);
	mrtgen_attr_atomic_aggregate(&a);
	mrtgen_attr_aggregator(&a, MRTGEN_ATTR_AGGREGATOR, 4200000002u, ip_b, 1);
	mrtgen_attr_communities(&a, comm, 3);
	mrtgen_attr_large_communities(&a, lc, 1);
	mrtgen_rib_entry(&b, &r, 0, 1690000000, 0, a.p, a.len);
	uint32_t seq2[] = {65001, 65001, 3356};
	mrtgen_buf_reset(&a);
	mrtgen_attr_origin(&a, 0);
	mrtgen_attr_aspath_seq(&a, seq2, 3, 1);
	mrtgen_attr_nexthop(&a, ip_b);
	mrtgen_rib_entry(&b, &r, 2, 1690000000, 0, a.p, a.len);
	mrtgen_rib_end(&b, &r);
	const char *want[] = {
	    "TABLE_DUMP2|1700000001|B|192.0.2.1|64500|203.0.113.0/24|64500 174 4200000002 "
	    "{65010,65011}|INCOMPLETE|192.0.2.1|150|77|64500:100 174:21000 no-export|AG|"
	    "4200000002 198.51.100.7|",
	    "TABLE_DUMP2|1700000001|B|198.51.100.7|65001|203.0.113.0/24|65001 65001 3356|IGP|"
	    "198.51.100.7|0|0||NAG||",
	};
	expect_lines(&b, want, 2);
	mrtgen_buf_free(&b);
	mrtgen_buf_free(&a);
}

/* RIB_IPV6_UNICAST with the abbreviated MP_REACH_NLRI (global + link-local next hop), and a
 * /0 and a /127 prefix (no and odd address bytes). */
static void test_tdv2_ipv6(void **state)
{
	REQUIRE_BGPDUMP();
	struct mrtgen_buf b, a;
	struct mrtgen_peer p[3];
	mrtgen_buf_init(&b);
	mrtgen_buf_init(&a);
	peers3(p);
	mrtgen_peer_index(&b, 1700000000, 0x0a000001, NULL, p, 3);
	uint8_t nh[32] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x99, [16] = 0xfe, [17] = 0x80, [31] = 1};
	uint32_t path[] = {4200000001u, 6939};
	mrtgen_attr_origin(&a, 1);
	mrtgen_attr_aspath_seq(&a, path, 2, 1);
	mrtgen_attr_mp_reach_abbrev(&a, nh, 32);
	uint8_t zero[16] = {0}, p127[16] = {0x20, 0x01, 0x0d, 0xb8, [14] = 0xab, [15] = 0xcc};
	struct mrtgen_rib r = mrtgen_rib_begin(&b, 1700000002, MRTGEN_RIB_IPV6_UNICAST, 0, 0, zero);
	mrtgen_rib_entry(&b, &r, 1, 1690000000, 0, a.p, a.len);
	mrtgen_rib_end(&b, &r);
	r = mrtgen_rib_begin(&b, 1700000002, MRTGEN_RIB_IPV6_UNICAST, 1, 127, p127);
	mrtgen_rib_entry(&b, &r, 1, 1690000000, 0, a.p, a.len);
	mrtgen_rib_end(&b, &r);
	const char *want[] = {
	    "TABLE_DUMP2|1700000002|B|2001:db8::1|4200000001|::/0|4200000001 6939|EGP|"
	    "2001:db8::99|0|0||NAG||",
	    "TABLE_DUMP2|1700000002|B|2001:db8::1|4200000001|2001:db8::abcc/127|4200000001 6939|"
	    "EGP|2001:db8::99|0|0||NAG||",
	};
	expect_lines(&b, want, 2);
	mrtgen_buf_free(&b);
	mrtgen_buf_free(&a);
}

static void session(struct mrtgen_session *s, int as4, long usec)
{
	memset(s, 0, sizeof(*s));
	s->ts = 1600000000;
	s->usec = usec;
	s->as4 = as4;
	s->peer_as = as4 ? 4200000001u : 64500;
	s->local_as = 12654;
	s->afi = 1;
	memcpy(s->peer_ip, ip_a, 4);
	memcpy(s->local_ip, ip_b, 4);
}

/* BGP4MP MESSAGE_AS4: IPv4 withdrawals and announcements in one UPDATE, and a state change. */
static void test_bgp4mp_as4(void **state)
{
	REQUIRE_BGPDUMP();
	struct mrtgen_buf b, a, w, n;
	struct mrtgen_session s;
	mrtgen_buf_init(&b);
	mrtgen_buf_init(&a);
	mrtgen_buf_init(&w);
	mrtgen_buf_init(&n);
	session(&s, 1, -1);
	mrtgen_bgp4mp_state_change(&b, &s, 5, 6);
	uint8_t p1[4] = {10, 1, 0, 0}, p2[4] = {100, 64, 0, 0}, p3[4] = {192, 0, 2, 128};
	mrtgen_nlri(&w, 16, p1);
	mrtgen_nlri(&n, 10, p2);
	mrtgen_nlri(&n, 25, p3);
	uint32_t path[] = {4200000001u, 3356, 13335};
	mrtgen_attr_origin(&a, 0);
	mrtgen_attr_aspath_seq(&a, path, 3, 1);
	mrtgen_attr_nexthop(&a, ip_a);
	mrtgen_bgp4mp_update(&b, &s, &w, &a, &n);
	mrtgen_bgp4mp_keepalive(&b, &s);
	const char *want[] = {
	    "BGP4MP|1600000000|STATE|192.0.2.1|4200000001|5|6",
	    "BGP4MP|1600000000|W|192.0.2.1|4200000001|10.1.0.0/16",
	    "BGP4MP|1600000000|A|192.0.2.1|4200000001|100.64.0.0/10|4200000001 3356 13335|IGP|"
	    "192.0.2.1|0|0||NAG||",
	    "BGP4MP|1600000000|A|192.0.2.1|4200000001|192.0.2.128/25|4200000001 3356 13335|IGP|"
	    "192.0.2.1|0|0||NAG||",
	};
	expect_lines(&b, want, 4);
	mrtgen_buf_free(&b);
	mrtgen_buf_free(&a);
	mrtgen_buf_free(&w);
	mrtgen_buf_free(&n);
}

/* BGP4MP MESSAGE with 2-byte AS_PATH and AS4_PATH (RFC 6793 merge), in BGP4MP_ET. */
static void test_bgp4mp_as2_as4path_et(void **state)
{
	REQUIRE_BGPDUMP();
	struct mrtgen_buf b, a, n;
	struct mrtgen_session s;
	mrtgen_buf_init(&b);
	mrtgen_buf_init(&a);
	mrtgen_buf_init(&n);
	session(&s, 0, 42);
	uint8_t pfx[4] = {198, 18, 0, 0};
	mrtgen_nlri(&n, 15, pfx);
	uint32_t path2[] = {64500, 23456, 23456},
	         path4[] = {MRTGEN_SEG(MRTGEN_AS_SEQUENCE, 2), 4200000005u, 4200000006u};
	mrtgen_attr_origin(&a, 0);
	mrtgen_attr_aspath_seq(&a, path2, 3, 0);
	mrtgen_attr_nexthop(&a, ip_a);
	mrtgen_attr_path(&a, MRTGEN_ATTR_AS4_PATH, path4, 3, 1);
	mrtgen_bgp4mp_update(&b, &s, NULL, &a, &n);
	const char *want[] = {
	    "BGP4MP_ET|1600000000.000042|A|192.0.2.1|64500|198.18.0.0/15|64500 4200000005 "
	    "4200000006|IGP|192.0.2.1|0|0||NAG||",
	};
	expect_lines(&b, want, 1);
	mrtgen_buf_free(&b);
	mrtgen_buf_free(&a);
	mrtgen_buf_free(&n);
}

/* A BGP4MP_ET microsecond field beyond 999999 (the field has 32 bits): bgpdump prints it
 * whole, and so does `routemark dump` (its 8-byte buffer for it overflowed: found by
 * fuzz_mrt). */
static void test_et_usec_out_of_range(void **state)
{
	REQUIRE_BGPDUMP();
	struct mrtgen_buf b, a, n;
	struct mrtgen_session s;
	mrtgen_buf_init(&b);
	mrtgen_buf_init(&a);
	mrtgen_buf_init(&n);
	session(&s, 1, 4294967295L);
	uint8_t pfx[4] = {198, 18, 0, 0};
	mrtgen_nlri(&n, 15, pfx);
	uint32_t path[] = {4200000001u, 13335};
	mrtgen_attr_origin(&a, 0);
	mrtgen_attr_aspath_seq(&a, path, 2, 1);
	mrtgen_attr_nexthop(&a, ip_a);
	mrtgen_bgp4mp_update(&b, &s, NULL, &a, &n);
	struct lines want;
	bgpdump_lines(&b, &want);
	assert_int_equal(want.n, 1);
	assert_non_null(strstr(want.l[0], "|1600000000.4294967295|"));

	char path_f[] = "/tmp/test_mrtgen.XXXXXX", cmd[256], line[1024] = "";
	int fd = mkstemp(path_f);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(mrtgen_write_file(&b, path_f), 0);
	snprintf(cmd, sizeof(cmd), "%s dump %s", test_bin(), path_f);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(line, sizeof(line), p));
	assert_int_equal(pclose(p), 0);
	unlink(path_f);
	line[strcspn(line, "\n")] = '\0';
	assert_string_equal(line, want.l[0]);
	lines_free(&want);
	mrtgen_buf_free(&b);
	mrtgen_buf_free(&a);
	mrtgen_buf_free(&n);
}

/* IPv6 in BGP4MP: MP_REACH_NLRI announcements and MP_UNREACH_NLRI withdrawals. */
static void test_bgp4mp_ipv6(void **state)
{
	REQUIRE_BGPDUMP();
	struct mrtgen_buf b, a, n, u;
	struct mrtgen_session s;
	mrtgen_buf_init(&b);
	mrtgen_buf_init(&a);
	mrtgen_buf_init(&n);
	mrtgen_buf_init(&u);
	session(&s, 1, -1);
	s.afi = 2;
	memcpy(s.peer_ip, ip6_a, 16);
	uint8_t p1[16] = {0x20, 0x01, 0x0d, 0xb8, 0x12}, p2[16] = {0x2a, 0x0e};
	mrtgen_nlri(&n, 40, p1);
	mrtgen_nlri(&u, 16, p2);
	uint32_t path[] = {4200000001u, 65550};
	mrtgen_attr_origin(&a, 0);
	mrtgen_attr_aspath_seq(&a, path, 2, 1);
	mrtgen_attr_mp_reach(&a, 2, 1, ip6_a, 16, &n);
	mrtgen_attr_mp_unreach(&a, 2, 1, &u);
	mrtgen_bgp4mp_update(&b, &s, NULL, &a, NULL);
	struct lines got;
	bgpdump_lines(&b, &got);
	/* bgpdump prints withdrawals before announcements whatever the attribute order */
	assert_int_equal(got.n, 2);
	assert_string_equal(got.l[0], "BGP4MP|1600000000|W|2001:db8::1|4200000001|2a0e::/16");
	assert_string_equal(got.l[1],
	    "BGP4MP|1600000000|A|2001:db8::1|4200000001|"
	    "2001:db8:1200::/40|4200000001 65550|IGP|2001:db8::1|0|0||NAG||");
	lines_free(&got);
	mrtgen_buf_free(&b);
	mrtgen_buf_free(&a);
	mrtgen_buf_free(&n);
	mrtgen_buf_free(&u);
}

/* TABLE_DUMP (v1), IPv4 and IPv6, 2-byte ASNs. */
static void test_table_dump_v1(void **state)
{
	REQUIRE_BGPDUMP();
	struct mrtgen_buf b, a;
	mrtgen_buf_init(&b);
	mrtgen_buf_init(&a);
	uint32_t path[] = {1853, 1239, 80};
	uint32_t comm[] = {1853u << 16 | 7};
	mrtgen_attr_origin(&a, 0);
	mrtgen_attr_aspath_seq(&a, path, 3, 0);
	mrtgen_attr_nexthop(&a, ip_a);
	mrtgen_attr_communities(&a, comm, 1);
	uint8_t pfx[4] = {3, 0, 0, 0}, pfx6[16] = {0x20, 0x01, 0x06, 0x08};
	mrtgen_table_dump(&b, 1027381055, 1, 0, 0, pfx, 8, 1027000000, ip_a, 1853, a.p, a.len);
	mrtgen_table_dump(&b, 1027381055, 2, 0, 1, pfx6, 32, 1027000000, ip6_a, 1853, a.p, a.len);
	const char *want[] = {
	    "TABLE_DUMP|1027381055|B|192.0.2.1|1853|3.0.0.0/8|1853 1239 80|IGP|192.0.2.1|0|0|"
	    "1853:7|NAG||",
	    "TABLE_DUMP|1027381055|B|2001:db8::1|1853|2001:608::/32|1853 1239 80|IGP|"
	    "192.0.2.1|0|0|1853:7|NAG||",
	};
	expect_lines(&b, want, 2);
	mrtgen_buf_free(&b);
	mrtgen_buf_free(&a);
}

/* A 300-ASN path (split into 255 + 45 segments) and 100 communities (extended length). */
static void test_long_attributes(void **state)
{
	REQUIRE_BGPDUMP();
	struct mrtgen_buf b, a;
	struct mrtgen_peer p[3];
	uint32_t path[300], comm[100];
	char want[8192], *w = want;
	mrtgen_buf_init(&b);
	mrtgen_buf_init(&a);
	peers3(p);
	mrtgen_peer_index(&b, 1700000000, 1, "", p, 3);
	for (int i = 0; i < 300; i++)
		path[i] = i == 0 ? 64500 : 64512u + (uint32_t)i;
	for (int i = 0; i < 100; i++)
		comm[i] = 64500u << 16 | (uint32_t)i;
	mrtgen_attr_origin(&a, 0);
	mrtgen_attr_aspath_seq(&a, path, 300, 1);
	/* AS_PATH: 2 segment headers + 300 * 4 bytes > 255, so extended length */
	assert_int_equal(a.p[4] & MRTGEN_AF_EXTLEN, MRTGEN_AF_EXTLEN);
	assert_int_equal(a.p[6] << 8 | a.p[7], 4 + 300 * 4);
	assert_int_equal(a.p[8], MRTGEN_AS_SEQUENCE);
	assert_int_equal(a.p[9], 255);
	assert_int_equal(a.p[10 + 255 * 4 + 1], 45);
	mrtgen_attr_nexthop(&a, ip_a);
	mrtgen_attr_communities(&a, comm, 100);
	uint8_t pfx[4] = {203, 0, 113, 0};
	struct mrtgen_rib r = mrtgen_rib_begin(&b, 1700000001, MRTGEN_RIB_IPV4_UNICAST, 0, 24, pfx);
	mrtgen_rib_entry(&b, &r, 0, 1, 0, a.p, a.len);
	mrtgen_rib_end(&b, &r);
	w += sprintf(w, "TABLE_DUMP2|1700000001|B|192.0.2.1|64500|203.0.113.0/24|");
	for (int i = 0; i < 300; i++)
		w += sprintf(w, i ? " %u" : "%u", path[i]);
	w += sprintf(w, "|IGP|192.0.2.1|0|0|");
	for (int i = 0; i < 100; i++)
		w += sprintf(w, i ? " 64500:%d" : "64500:%d", i);
	sprintf(w, "|NAG||");
	const char *wl[] = {want};
	expect_lines(&b, wl, 1);
	mrtgen_buf_free(&b);
	mrtgen_buf_free(&a);
}

/* RFC 8050 RIB_IPV4_UNICAST_ADDPATH: two paths of one peer for one prefix. */
static void test_tdv2_addpath(void **state)
{
	REQUIRE_BGPDUMP();
	struct mrtgen_buf b, a;
	struct mrtgen_peer p[3];
	mrtgen_buf_init(&b);
	mrtgen_buf_init(&a);
	peers3(p);
	mrtgen_peer_index(&b, 1700000000, 1, "", p, 3);
	uint32_t path1[] = {64500, 1}, path2[] = {64500, 2};
	uint8_t pfx[4] = {10, 0, 0, 0};
	struct mrtgen_rib r =
	    mrtgen_rib_begin(&b, 1700000003, MRTGEN_RIB_IPV4_UNICAST_ADDPATH, 0, 8, pfx);
	mrtgen_attr_origin(&a, 0);
	mrtgen_attr_aspath_seq(&a, path1, 2, 1);
	mrtgen_attr_nexthop(&a, ip_a);
	mrtgen_rib_entry(&b, &r, 0, 1, 7, a.p, a.len);
	mrtgen_buf_reset(&a);
	mrtgen_attr_origin(&a, 0);
	mrtgen_attr_aspath_seq(&a, path2, 2, 1);
	mrtgen_attr_nexthop(&a, ip_b);
	mrtgen_rib_entry(&b, &r, 0, 1, 8, a.p, a.len);
	mrtgen_rib_end(&b, &r);
	const char *want[] = {
	    /* bgpdump names ADD-PATH lines _AP and prints the path identifier after the prefix */
	    "TABLE_DUMP2_AP|1700000003|B|192.0.2.1|64500|10.0.0.0/8|7|64500 1|IGP|192.0.2.1|0|0||"
	    "NAG||",
	    "TABLE_DUMP2_AP|1700000003|B|192.0.2.1|64500|10.0.0.0/8|8|64500 2|IGP|198.51.100.7|0|0|"
	    "|NAG||",
	};
	expect_lines(&b, want, 2);
	mrtgen_buf_free(&b);
	mrtgen_buf_free(&a);
}

/* The damage helpers: a file cut inside its third record still yields the first two, and the
 * byte-level forms of the malformations the robustness tests build. */
static void test_malformed_helpers(void **state)
{
	REQUIRE_BGPDUMP();
	struct mrtgen_buf b, a, n;
	struct mrtgen_session s;
	mrtgen_buf_init(&b);
	mrtgen_buf_init(&a);
	mrtgen_buf_init(&n);
	session(&s, 1, -1);
	mrtgen_bgp4mp_state_change(&b, &s, 1, 2);
	mrtgen_bgp4mp_state_change(&b, &s, 2, 3);
	size_t third = b.len;
	mrtgen_bgp4mp_state_change(&b, &s, 3, 4);
	assert_int_equal(b.len - third, 12 + 4 + 4 + 2 + 2 + 4 + 4 + 2 + 2);
	mrtgen_truncate(&b, b.len - 3);
	const char *want[] = {"BGP4MP|1600000000|STATE|192.0.2.1|4200000001|1|2",
	    "BGP4MP|1600000000|STATE|192.0.2.1|4200000001|2|3"};
	expect_lines(&b, want, 2);

	/* NLRI 10.0.0.0/7 with a bit past the mask: length byte, one address byte as given */
	uint8_t odd[4] = {11, 0, 0, 0};
	mrtgen_nlri(&n, 7, odd);
	assert_int_equal(n.len, 2);
	assert_int_equal(n.p[0], 7);
	assert_int_equal(n.p[1], 11);
	/* an attribute whose length overstates its body, and a record length patched short */
	mrtgen_attr_origin(&a, 0);
	assert_int_equal(a.len, 4);
	a.p[2] = 9;
	mrtgen_buf_reset(&b);
	size_t h = mrtgen_bgp4mp_update(&b, &s, NULL, &a, &n);
	assert_int_equal(b.p[h + 8] << 24 | b.p[h + 9] << 16 | b.p[h + 10] << 8 | b.p[h + 11],
	    (int)(b.len - h - 12));
	mrtgen_patch32(&b, h + 8, 5);
	assert_int_equal(b.p[h + 11], 5);
	/* the BGP message length covers marker to end: 19 + 2 + 2 + 4 + 2 */
	size_t m = h + 12 + 4 + 4 + 2 + 2 + 4 + 4;
	assert_int_equal(b.p[m + 16] << 8 | b.p[m + 17], 19 + 2 + 2 + 4 + 2);
	/* a wrong AFI is written as given, with IPv4-sized addresses */
	mrtgen_buf_reset(&b);
	s.afi = 3;
	h = mrtgen_bgp4mp_update(&b, &s, NULL, NULL, NULL);
	assert_int_equal(b.p[h + 12 + 10] << 8 | b.p[h + 12 + 11], 3);
	assert_int_equal(b.len - h, 12 + 12 + 4 + 4 + 19 + 4);
	mrtgen_buf_free(&b);
	mrtgen_buf_free(&a);
	mrtgen_buf_free(&n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tdv2_ipv4),
	    cmocka_unit_test(test_tdv2_ipv6),
	    cmocka_unit_test(test_tdv2_addpath),
	    cmocka_unit_test(test_bgp4mp_as4),
	    cmocka_unit_test(test_bgp4mp_as2_as4path_et),
	    cmocka_unit_test(test_bgp4mp_ipv6),
	    cmocka_unit_test(test_table_dump_v1),
	    cmocka_unit_test(test_long_attributes),
	    cmocka_unit_test(test_malformed_helpers),
	    cmocka_unit_test(test_et_usec_out_of_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
