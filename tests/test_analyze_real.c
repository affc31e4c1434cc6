/*
 * analyze end to end on the real data: the 2014-05-30 RouteViews jinx RIB, the 2017-06-01
 * VRPs, the 2014-01 CAIDA relationships and the RIPE route objects sample, then report.
 *
 * The expectations were computed independently of routemark, once, by hand:
 *   - `bgpdump -m` of the RIB; routes = distinct (prefix, last AS of the path), paths with an
 *     AS_SET left out (awk | sort -u): 497,289;
 *   - per AS, its prefixes validated against the VRP CSV with a brute-force RFC 6811 check in
 *     Python (ipaddress.subnet_of over every VRP): AS2119 215 routes (82 valid, 9 invalid,
 *     124 not found), AS3320 534 (44, 10, 480), AS15169 229 (all not found), AS174 1,102
 *     (8 invalid, 1,094 not found);
 *   - grep of the VRP CSV: 194.116.156.0/23 is covered by exactly one VRP, AS198612 maxLength
 *     23, so AS2119's announcement of it is invalid (wrong origin).
 */
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "testutil.h"

static char dir[256], db[300], cmdbase[4096];

static int run_cmd(const char *args, char *out, size_t outsize)
{
	char cmd[8192];
	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", test_bin(), args);
	FILE *p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	size_t n = out ? fread(out, 1, outsize - 1, p) : 0;
	if (out)
		out[n] = '\0';
	char sink[4096];
	while (fread(sink, 1, sizeof(sink), p) > 0)
		;
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int64_t q(const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	int64_t v = -1;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/routemark-test-analyze-%d", (int)getpid());
	if (mkdir(dir, 0700) != 0)
		return -1;
	snprintf(db, sizeof(db), "%s/rm.db", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int analyze(const char *extra)
{
	char args[8192], out[65536];
	snprintf(args, sizeof(args), "analyze --no-progress --db %s %s %s", db, cmdbase, extra);
	int rc = run_cmd(args, out, sizeof(out));
	if (rc != 0)
		printf("%s\n", out);
	return rc;
}

static void test_analyze_jinx(void **state)
{
	REQUIRE_DATA(rib, "mrt/libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2");
	REQUIRE_DATA(vrps, "rpki/vrps_2017-06-01_from_compress_roas.csv");
	REQUIRE_DATA(rel, "caida/20140101.as-rel.txt.bz2");
	REQUIRE_DATA(irr, "irr/rpkiirrstats__ripe-db-route.txt");
	snprintf(cmdbase, sizeof(cmdbase), "--vrps %s --asrel %s --irr %s %s", vrps, rel, irr, rib);
	assert_int_equal(analyze(""), 0);
	assert_int_equal(q("SELECT count(*) FROM snapshot"), 1);
	assert_int_equal(q("SELECT routes FROM snapshot"), 497289);
	assert_int_equal(q("SELECT sum(n) FROM route_block WHERE kind = 2"), 497289);
	assert_int_equal(q("SELECT sum(n) FROM route_block WHERE kind = 3"), 497289);
	/* per-AS RPKI states, hand-computed (see the top of this file) */
	const struct {
		uint32_t asn;
		int64_t routes, valid, invalid, notfound;
	} want[] = {{2119, 215, 82, 9, 124}, {3320, 534, 44, 10, 480}, {15169, 229, 0, 0, 229},
	    {174, 1102, 0, 8, 1094}};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char sql[256];
		/* one comparison per count, so that a failure names the AS, the count and both
		 * values */
		const char *col[] = {"routes", "rpki_valid", "rpki_invalid", "rpki_notfound"};
		int64_t exp[] = {want[i].routes, want[i].valid, want[i].invalid, want[i].notfound};
		for (size_t c = 0; c < 4; c++) {
			snprintf(sql, sizeof(sql), "SELECT %s FROM as_summary WHERE asn = %u",
			    col[c], want[i].asn);
			int64_t got = q(sql);
			if (got != exp[c])
				fail_msg("AS%u %s: got %lld, want %lld", want[i].asn, col[c],
				    (long long)got, (long long)exp[c]);
		}
		snprintf(sql, sizeof(sql),
		    "SELECT count(*) FROM finding WHERE asn = %u AND metric = "
		    "'M2'",
		    want[i].asn);
		assert_int_equal(q(sql), want[i].invalid); /* every invalid is a hijack finding */
	}
	/* the evidence of one of them names the VRP that decided */
	assert_int_equal(q("SELECT count(*) FROM finding WHERE asn = 2119 AND metric = 'M2' AND "
	                   "prefix = '194.116.156.0/23' AND evidence LIKE "
	                   "'%\"reason\":\"invalid-asn\"%\"asn\":198612%'"),
	    1);
	/* M7RPKI: 82/215 valid - 10 x 9/215 invalid < 0 -> 0 % */
	assert_int_equal(q("SELECT action4_rpki FROM as_summary WHERE asn = 2119"), 0);
	/* incident metrics are stored only where there is something: AS2119 has M2 and M2C */
	assert_int_equal(q("SELECT count(*) FROM as_metric WHERE asn = 2119"), 2);
	/* AS15169 passes on private AS64750 for its customer AS22244: grep of the bgpdump output
	 * finds "15169 22244 64750" in exactly 3 routes (192.54.82.0/24, .83.0/24, .85.0/24), and
	 * the CAIDA file has 15169|22244|-1. One snapshot: one incident, raw 1, 100 e^-0.7133 =
	 * 49.0 %; Action 1 = (5 x 100 + 49.0) / 6 = 91.5 % */
	assert_int_equal(q("SELECT count(*) FROM finding WHERE asn = 15169 AND metric = 'M4C' AND "
	                   "culprit = 22244"),
	    3);
	assert_int_equal(q("SELECT round(action1 * 10) FROM as_summary WHERE asn = 15169"), 915);

	/* the same inputs again: the snapshot is replaced, not added */
	assert_int_equal(analyze(""), 0);
	assert_int_equal(q("SELECT count(*) FROM snapshot"), 1);
	assert_int_equal(q("SELECT sum(n) FROM route_block WHERE kind = 2"), 497289);
	assert_int_equal(q("SELECT sum(n) FROM route_block WHERE kind = 3"), 497289);
}

static void test_report_real(void **state)
{
	REQUIRE_DATA(rib, "mrt/libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2");
	static char out[1 << 20];
	char args[600];
	snprintf(args, sizeof(args), "report --db %s 2119 --format json --findings 0", db);
	assert_int_equal(run_cmd(args, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "\"schema\": \"routemark.report/1\""));
	assert_non_null(strstr(out, "\"rpki_invalid\": 9"));
	assert_non_null(strstr(out, "\"prefix\": \"194.116.156.0/23\""));
	/* the fix list: the invalid routes first, then ROAs to create for the 124 not found */
	assert_non_null(strstr(out, "\"kind\": \"fix-invalid-route\""));
	char *first_roa = strstr(out, "\"kind\": \"create-roa\"");
	assert_non_null(first_roa);
	assert_true(strstr(out, "\"kind\": \"fix-invalid-route\"") < first_roa);
	int roas = 0;
	for (char *p = out; (p = strstr(p, "\"kind\": \"create-roa\"")) != NULL; p++)
		roas++;
	assert_int_equal(roas, 124);
	/* customers' hijacks, one fix per customer: AS2119 passes on 8 RPKI-invalid routes of 6
	 * customers (AS198612 three of them) */
	int customers = 0;
	for (char *p = out; (p = strstr(p, "\"kind\": \"filter-customer\"")) != NULL; p++)
		customers++;
	assert_int_equal(customers, 6);
	assert_non_null(strstr(out, "\"customer\": 198612"));
	assert_non_null(strstr(out, "\"routes\": 3"));
	snprintf(args, sizeof(args), "report --db %s 2119 --format html", db);
	assert_int_equal(run_cmd(args, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "<title>AS2119 MANRS scorecard"));
	snprintf(args, sizeof(args), "prefix --db %s 194.116.156.0/23", db);
	assert_int_equal(run_cmd(args, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "AS2119"));
	assert_non_null(strstr(out, "invalid-asn"));
	snprintf(args, sizeof(args), "report --db %s AS-NOPE", db);
	assert_int_equal(run_cmd(args, out, sizeof(out)), 1);
}

/* Corrupt or missing inputs: a clear error, and the store as it was. */
static void test_bad_inputs(void **state)
{
	REQUIRE_DATA(trunc, "mrt/pyasn__rib6.20151101.0600_firstMB.bz2");
	char out[65536], args[8192];
	int64_t before = q("SELECT count(*) FROM snapshot");
	snprintf(args, sizeof(args), "analyze --no-progress --db %s --vrps /nonexistent.csv %s", db,
	    trunc);
	assert_int_equal(run_cmd(args, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "/nonexistent.csv"));
	snprintf(args, sizeof(args), "analyze --no-progress --strict --db %s %s", db, trunc);
	assert_int_equal(run_cmd(args, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "nothing stored"));
	snprintf(args, sizeof(args), "analyze --no-progress --db %s /nonexistent.mrt", db);
	assert_int_equal(run_cmd(args, out, sizeof(out)), 1);
	assert_int_equal(q("SELECT count(*) FROM snapshot"), before);
	/* without --strict the truncated file is analyzed, its damage counted */
	snprintf(args, sizeof(args), "analyze --no-progress --db %s %s", db, trunc);
	assert_int_equal(run_cmd(args, out, sizeof(out)), 0);
	assert_int_equal(q("SELECT count(*) FROM snapshot"), before + 1);
	assert_true(q("SELECT malformed FROM snapshot_input WHERE path LIKE '%rib6%'") > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_analyze_jinx),
	    cmocka_unit_test(test_report_real),
	    cmocka_unit_test(test_bad_inputs),
	};
	return cmocka_run_group_tests_name("analyze_real", tests, setup, teardown);
}
