/*
 * The reader on every real MRT file of ../shared/data/mrt, with exact counts verified
 * independently (SOURCES.md, from bgpdump -m and a separate header scanner): records by
 * subtype, routes by kind, distinct peers that sent routes. Also compression detection
 * (gzip, bzip2, xz, zstd, multi-member gzip, concatenated bzip2, standard input) and the
 * deliberately truncated bzip2 RIB.
 */
#include "testutil.h"
#include "mrt/mrt.h"

#include <sys/wait.h>

struct counts {
	uint64_t records, rib, announce, withdraw, state;
	size_t peers;
	const struct mrt_stats *st;
};

/* Decode path fully (attributes too) and count; the reader is left open in *rp. */
static struct counts count_file(const char *path, struct mrt_reader **rp)
{
	struct mrt_options o = {.quiet = 1};
	struct mrt_reader *r = mrt_reader_open(path, &o);
	assert_non_null(r);
	struct counts c = {0};
	struct mrt_peer peers[256];
	struct mrt_route rt;
	int k;
	while ((k = mrt_reader_next_route(r, &rt)) == 1) {
		if (rt.kind == MRT_ROUTE_STATE) {
			c.state++;
			continue;
		}
		if (rt.kind == MRT_ROUTE_RIB || rt.kind == MRT_ROUTE_ANNOUNCE)
			assert_non_null(rt.attrs);
		c.rib += rt.kind == MRT_ROUTE_RIB;
		c.announce += rt.kind == MRT_ROUTE_ANNOUNCE;
		c.withdraw += rt.kind == MRT_ROUTE_WITHDRAW;
		size_t i = 0;
		while (i < c.peers && (peers[i].asn != rt.peer.asn || peers[i].afi != rt.peer.afi ||
		                          memcmp(peers[i].addr, rt.peer.addr, 16) != 0))
			i++;
		if (i == c.peers && c.peers < 256)
			peers[c.peers++] = rt.peer;
	}
	assert_int_equal(k, 0);
	c.st = mrt_reader_stats(r);
	c.records = c.st->records;
	*rp = r;
	return c;
}

struct expect {
	const char *file;
	int64_t records, rib, announce, withdraw, state, peers; /* -1: not checked */
	int type, subtype;
	int64_t subtype_count;
};

/* From ../shared/data/SOURCES.md (bgpdump -m line counts, distinct peer IP|AS of routes). */
static const struct expect expected[] = {
    {"bgpdump__bview.20020722.2337.gz", 115521, 115521, 0, 0, 0, 36, 12, 1, 115521},
    {"bgpdump__bview.64k_stream_overflow.gz", 2, 23, 0, 0, 0, -1, 13, 4, 1},
    {"bgpdump__bview.ipv4_unicast_add_path.gz", 32, 62, 0, 0, 0, 3, 13, 8, 31},
    {"bgpdump__bview.ipv6_unicast_add_path.gz", -1, 62, 0, 0, 0, -1, 13, 10, 31},
    {"bgpdump__updates.20020722.2238.gz", -1, 0, 825, 2419, 93, 3, 16, 0, 93},
    {"bgpdump__updates.20070211.0141.gz", -1, 0, 51329, 2328, -1, 31, 16, 1, 23394},
    {"bgpdump__updates.20100722.2015.gz", -1, 0, 5067, 547, -1, 14, -1, 0, 0},
    {"bgpdump__updates.20160811.1600.gz", 17406, 0, 39256, 1956, -1, 35, -1, 0, 0},
    {"bgpdump__updates.et-header.2015.gz", 89686, 0, 577737, -1, -1, 1, -1, 0, 0},
    {"bgpdump__updates.long_withdrawal.gz", 1, 0, 0, 4096, 0, 1, -1, 0, 0},
    {"bgpkit__rrc00-updates.19991214.1621.gz", 18203, 0, 54126, 1363, -1, 6, -1, 0, 0},
    {"bgpkit__rrc15-updates.20100227.1600.gz", 6615, 0, 52468, 1318, -1, 5, 16, 4, 6053},
    {"libbgpstream__ris.rrc06.updates.1401488100.gz", -1, 0, 3761, 68, -1, -1, 16, 4, 1557},
    {"libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2", 497408, 503590, 0, 0, 0, 14,
        13, 2, 497323},
    {"libbgpstream__routeviews.route-views.jinx.updates.1401493500.bz2", -1, 0, -1, -1, -1, 3, 16,
        4, 644},
    {"pyasn__rib6.20151101.0600_firstMB.bz2", 6871, 149578, 0, 0, 0, 27, 13, 4, 6870},
    {"mrtparse__openbgpd_rib_table-mp", 31, 0, 0, 0, 0, 0, 16, 2, 31},
};

static void check(int64_t want, uint64_t got, const char *what, const char *file)
{
	if (want >= 0 && (uint64_t)want != got) {
		fprintf(stderr, "%s: %s: want %lld, got %llu\n", file, what, (long long)want,
		    (unsigned long long)got);
		fail();
	}
}

static void test_real_counts(void **state)
{
	REQUIRE_DATA(dir, "mrt");
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		const struct expect *e = &expected[i];
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, e->file);
		struct mrt_reader *r;
		struct counts c = count_file(path, &r);
		printf("  %-64s %7llu records %7llu rib %7llu A %6llu W %4llu state %3zu peers\n",
		    e->file, (unsigned long long)c.records, (unsigned long long)c.rib,
		    (unsigned long long)c.announce, (unsigned long long)c.withdraw,
		    (unsigned long long)c.state, c.peers);
		check(e->records, c.records, "records", e->file);
		check(e->rib, c.rib, "rib", e->file);
		check(e->announce, c.announce, "announce", e->file);
		check(e->withdraw, c.withdraw, "withdraw", e->file);
		check(e->state, c.state, "state", e->file);
		check(e->peers, c.peers, "peers", e->file);
		if (e->type >= 0)
			check(e->subtype_count, c.st->by_type[e->type][e->subtype], "subtype count",
			    e->file);
		mrt_reader_close(r);
	}
}

static void test_every_file_decodes(void **state)
{
	REQUIRE_DATA(dir, "mrt");
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "ls '%s'", dir);
	FILE *ls = popen(cmd, "r");
	char name[512];
	int n = 0;
	while (fgets(name, sizeof(name), ls)) {
		name[strcspn(name, "\n")] = 0;
		char path[4800];
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		struct mrt_reader *r;
		struct counts c = count_file(path, &r);
		assert_true(c.records > 0);
		mrt_reader_close(r);
		n++;
	}
	pclose(ls);
	assert_true(n >= 30);
}

static void test_truncated_and_damaged(void **state)
{
	REQUIRE_DATA(path, "mrt/pyasn__rib6.20151101.0600_firstMB.bz2");
	struct mrt_reader *r;
	struct counts c = count_file(path, &r);
	assert_true(c.st->truncated);
	assert_int_equal(c.st->malformed[MRT_BAD_TRUNCATED], 2); /* cut record + cut stream */
	assert_int_equal(c.rib, 149578);
	mrt_reader_close(r);
	REQUIRE_DATA(dmg, "mrt/bgpkit__rrc00-updates.20000325.0345.gz");
	c = count_file(dmg, &r);
	assert_int_equal(c.st->malformed[MRT_BAD_HEADER], 2);
	assert_true(c.st->resyncs >= 2);
	assert_true(c.announce + c.withdraw > 0);
	mrt_reader_close(r);
}

static uint64_t routes_of(const char *path)
{
	struct mrt_reader *r;
	struct counts c = count_file(path, &r);
	mrt_reader_close(r);
	return c.rib + c.announce + c.withdraw + c.state;
}

static void test_compression(void **state)
{
	REQUIRE_DATA(src, "mrt/mrtparse__quagga_bgp");
	char dir[] = "/tmp/rm_mrt_XXXXXX", cmd[20000], p[4200];
	assert_non_null(mkdtemp(dir));
	uint64_t want = routes_of(src);
	assert_true(want > 0);
	const char *tools[] = {"gzip", "bzip2", "xz", "zstd -q"};
	for (int i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/f%d", dir, i);
		snprintf(cmd, sizeof(cmd), "%s -c < '%s' > %s", tools[i], src, p);
		if (system(cmd) != 0) {
			printf("SKIP: %s not available\n", tools[i]);
			continue;
		}
		assert_int_equal(routes_of(p), want);
	}
	/* two gzip members and two bzip2 streams: everything read */
	snprintf(p, sizeof(p), "%s/multi.gz", dir);
	snprintf(cmd, sizeof(cmd), "gzip -c < '%s' > %s && gzip -c < '%s' >> %s", src, p, src, p);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(routes_of(p), 2 * want);
	snprintf(p, sizeof(p), "%s/multi.bz2", dir);
	snprintf(cmd, sizeof(cmd), "bzip2 -c < '%s' > %s && bzip2 -c < '%s' >> %s", src, p, src, p);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(routes_of(p), 2 * want);
	/* standard input through the command */
	snprintf(cmd, sizeof(cmd), "%s dump - < %s/f0 | wc -l", test_bin(), dir);
	FILE *f = popen(cmd, "r");
	unsigned long lines = 0;
	assert_int_equal(fscanf(f, "%lu", &lines), 1);
	pclose(f);
	assert_int_equal(lines, want);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static int run(const char *args)
{
	char cmd[8192];
	snprintf(cmd, sizeof(cmd), "%s %s >/dev/null 2>&1", test_bin(), args);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_cli_exit_codes(void **state)
{
	REQUIRE_DATA(trunc, "mrt/pyasn__rib6.20151101.0600_firstMB.bz2");
	REQUIRE_DATA(good, "mrt/mrtparse__quagga_rib");
	char a[4400];
	assert_int_equal(run("dump --help"), 0);
	assert_int_equal(run("stat --help"), 0);
	assert_int_equal(run("dump --format nope x"), 1);
	assert_int_equal(run("dump /nonexistent/file.mrt"), 1);
	assert_int_equal(run("stat"), 1);
	snprintf(a, sizeof(a), "dump --strict '%s'", good);
	assert_int_equal(run(a), 0);
	snprintf(a, sizeof(a), "stat --format jsonl '%s'", good);
	assert_int_equal(run(a), 0);
	snprintf(a, sizeof(a), "dump --strict -q '%s'", trunc);
	assert_int_equal(run(a), 2);
	snprintf(a, sizeof(a), "stat --strict -q '%s'", trunc);
	assert_int_equal(run(a), 2);
	snprintf(a, sizeof(a), "stat -q '%s'", trunc); /* not strict: reported, exit 0 */
	assert_int_equal(run(a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_counts),
	    cmocka_unit_test(test_every_file_decodes),
	    cmocka_unit_test(test_truncated_and_damaged),
	    cmocka_unit_test(test_compression),
	    cmocka_unit_test(test_cli_exit_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
