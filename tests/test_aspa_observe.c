/*
 * ASPA as an observatory metric: which ASes publish ASPA (the customer AS of an object) and
 * how many of an AS's routes were seen with an ASPA-invalid path, per snapshot; the global
 * figures. A constructed world for the path case, and the real 92 ASPAs of 2023-11-07 with
 * the real RouteViews table of 2024-01-01 (a table has no paths: only "publishes" is known).
 */
#include <sqlite3.h>
#include <sys/stat.h>

#include "testutil.h"
#include "mrt/mrt.h"
#include "observe/observe.h"
#include "rpki/rpki.h"
#include "store/store.h"
#include "store/store_private.h"

static void feed(struct observe *o, const char *pfx, const char *path)
{
	struct aspath_buf b;
	struct bgp_attrs a;
	struct mrt_route rt;
	memset(&a, 0, sizeof(a));
	memset(&rt, 0, sizeof(rt));
	aspath_buf_init(&b);
	assert_int_equal(aspath_parse(path, &b), 0);
	a.aspath = b.w;
	a.aspath_nwords = b.n;
	rt.kind = MRT_ROUTE_RIB;
	rt.ts = 1700000000;
	rt.safi = 1;
	rt.peer.afi = AFI_IPV4;
	rt.peer.addr[0] = 10;
	rt.peer.asn = 4;
	assert_int_equal(prefix_parse(pfx, &rt.prefix), 0);
	rt.attrs = &a;
	observe_route(o, &rt);
	aspath_buf_free(&b);
}

static int64_t q(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -2 : sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* AS30 attests AS3 as its only provider, AS4 attests AS1. The route of AS30 through AS2
 * (not its provider) to AS4 (whose provider AS2 is not either) is ASPA-invalid; the one
 * through its provider AS3 is not. */
static void test_aspa_paths(void **state)
{
	struct aspa_table *t = aspa_table_new();
	const uint32_t p30[] = {3}, p4[] = {1};
	assert_int_equal(aspa_table_add(t, 30, p30, 1), 0);
	assert_int_equal(aspa_table_add(t, 4, p4, 1), 0);
	assert_int_equal(aspa_table_build(t), 0);
	struct aspath_buf b;
	aspath_buf_init(&b);
	assert_int_equal(aspath_parse("4 2 30", &b), 0);
	struct aspa_result ar;
	assert_int_equal(aspa_verify(t, b.w, b.n, ASPA_DOWNSTREAM, &ar), ASPA_INVALID);
	aspath_buf_reset(&b);
	assert_int_equal(aspath_parse("4 1 3 30", &b), 0);
	assert_true(aspa_verify(t, b.w, b.n, ASPA_DOWNSTREAM, &ar) != ASPA_INVALID);
	aspath_buf_free(&b);

	struct observe_refs refs = {.aspa = t};
	struct observe *o = observe_new(&refs, NULL);
	observe_file_begin(o);
	feed(o, "193.0.2.0/24", "4 2 30");
	feed(o, "193.0.2.0/24", "4 2 2 30"); /* the same route again: counted once */
	feed(o, "198.51.100.0/24", "4 1 3 30");
	feed(o, "203.0.113.0/24", "4 1 3");
	char dir[] = "/tmp/rm_aspa_XXXXXX", db[64];
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/a.db", dir);
	struct store *s;
	assert_int_equal(store_open(db, 0, &s), 0);
	struct store_snapshot snap;
	memset(&snap, 0, sizeof(snap));
	snprintf(snap.key, sizeof(snap.key), "aspa");
	assert_int_equal(store_snapshot_begin(s, &snap), 0);
	struct observe_totals tot;
	struct store_results res;
	store_results_init(&res);
	assert_int_equal(observe_score(o, &res, &tot), 0);
	assert_int_equal(observe_write(o, &res, s), 0);
	store_results_free(&res);
	assert_int_equal(store_snapshot_commit(s, &snap), 0);
	assert_int_equal(q(s, "SELECT aspa FROM as_summary WHERE asn = 30"), 1);
	assert_int_equal(q(s, "SELECT aspa_invalid FROM as_summary WHERE asn = 30"), 1);
	assert_int_equal(q(s, "SELECT aspa FROM as_summary WHERE asn = 3"), 0);
	assert_int_equal(q(s, "SELECT aspa_invalid FROM as_summary WHERE asn = 3"), 0);
	assert_int_equal(q(s, "SELECT aspa FROM as_summary WHERE asn = 4"), 1);
	assert_int_equal(q(s, "SELECT value FROM global_stat WHERE key = 'aspa_objects'"), 2);
	assert_int_equal(q(s, "SELECT value FROM global_stat WHERE key = 'aspa_ases'"), 2);
	assert_int_equal(
	    q(s, "SELECT value FROM global_stat WHERE key = 'aspa_routes_invalid'"), 1);
	assert_int_equal(
	    q(s, "SELECT value FROM global_stat WHERE key = 'aspa_routes_verified'"), 3);
	/* read back as the scorecards do */
	struct store_as_summary sum;
	int found;
	assert_int_equal(store_get_summary(s, snap.id, 30, &sum, &found), 0);
	assert_true(found);
	assert_int_equal(sum.aspa, 1);
	assert_int_equal(sum.aspa_invalid, 1);
	store_close(s);
	observe_free(o);
	aspa_table_free(t);

	/* without ASPA data: no data, not 0 */
	struct observe_refs none = {0};
	o = observe_new(&none, NULL);
	observe_file_begin(o);
	feed(o, "193.0.2.0/24", "4 2 30");
	store_results_init(&res);
	assert_int_equal(observe_score(o, &res, &tot), 0);
	for (size_t i = 0; i < res.nas; i++) {
		assert_int_equal(res.as[i].aspa, -1);
		assert_int_equal(res.as[i].aspa_invalid, -1);
	}
	assert_true(store_results_global(&res, "all", "aspa_ases", -1) < 0);
	store_results_free(&res);
	observe_free(o);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* The real 92 ASPAs of 2023-11-07 with the RouteViews table of 2024-01-01: 26 of the
 * customer ASes originate routes in the table (an independent count over both files); a
 * table has no paths, so no AS has an ASPA-invalid figure. */
static void test_aspa_real_table(void **state)
{
	REQUIRE_DATA(v, "rpki/rpki_2023-11-07_derived_roas_aspas.json.gz");
	char vp[1024];
	snprintf(vp, sizeof(vp), "%s", v);
	REQUIRE_DATA(tbl, "routing/caida_routeviews-rv2-20240101-1200.pfx2as.gz");
	char dir[] = "/tmp/rm_aspa_XXXXXX", cmd[4096], db[64];
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/t.db", dir);
	snprintf(cmd, sizeof(cmd), "%s analyze --no-progress --db %s --vrps %s %s >/dev/null 2>&1",
	    test_bin(), db, vp, tbl);
	assert_int_equal(system(cmd), 0);
	struct store *s;
	assert_int_equal(store_open(db, 1, &s), 0);
	assert_int_equal(q(s, "SELECT value FROM global_stat WHERE key = 'aspa_objects'"), 92);
	assert_int_equal(q(s, "SELECT value FROM global_stat WHERE key = 'aspa_ases'"), 26);
	assert_int_equal(q(s, "SELECT count(*) FROM as_summary WHERE aspa = 1"), 26);
	assert_int_equal(q(s, "SELECT count(*) FROM as_summary WHERE aspa_invalid IS NOT NULL"), 0);
	assert_int_equal(q(s, "SELECT count(*) FROM global_stat WHERE key LIKE 'aspa_routes%'"), 0);
	/* AS970 (customer of the first object, provider AS54874) publishes */
	assert_int_equal(q(s, "SELECT aspa FROM as_summary WHERE asn = 970"),
	    q(s, "SELECT count(*) FROM as_summary WHERE asn = 970") == 1 ? 1 : -1);
	store_close(s);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_aspa_paths),
	    cmocka_unit_test(test_aspa_real_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
