/* irr: NRTM v1 and v3 streams applied to a database loaded from the real samples. */
#include "testutil.h"
#include "core/core.h"
#include "irr/irr.h"

static void load_radb(struct irr_db *db)
{
	struct irr_load_stats st;
	const char *radb = test_data_path("irr/pytinyirrdbcache__radb.db.sample");
	irr_db_init(db);
	assert_int_equal(irr_db_load(db, radb, &st), 0);
}

static void test_v3_sample(void **state)
{
	REQUIRE_DATA(radb, "irr/pytinyirrdbcache__radb.db.sample");
	REQUIRE_DATA(upd, "irr/pytinyirrdbcache__radb.updates.sample");
	struct irr_db db;
	struct nrtm_stats st;
	load_radb(&db);
	assert_null(irr_db_set(&db, "AS-HURRICANE", 0));
	assert_int_equal(nrtm_apply_file(&db, upd, &st), 0);
	assert_int_equal(st.version, 3);
	assert_string_equal(st.source, "radb");
	assert_int_equal(st.first, 2393925);
	assert_int_equal(st.last, 2393950);
	assert_int_equal(st.adds, 1);
	assert_int_equal(st.dels, 0);
	assert_int_equal(st.missing, 1); /* route 42.116.22.0/24 was never in the excerpt */
	assert_int_equal(st.errors, 0);
	assert_int_equal(st.applied_serial, 2393926);
	int src = irr_db_source_find(&db, "RADB");
	assert_true(src >= 0);
	assert_int_equal(db.serial[src], 2393926);
	const struct irr_object *hu = irr_db_set(&db, "AS-HURRICANE", 0);
	assert_non_null(hu);
	assert_string_equal(irr_object_get(hu, "mnt-by"), "HE-NOC");
	struct irr_expansion x;
	assert_int_equal(irr_expand(&db, "AS-HURRICANE", NULL, &x), 0);
	assert_int_equal(x.nasns, 5); /* AS4 AS5 AS10 AS16 AS17 */
	assert_int_equal(x.asns[0], 4);
	assert_int_equal(x.asns[4], 17);
	assert_int_equal(x.missing.n, 5); /* AS-LAIX ... AS-JAPAN-TELECOM are not in the data */
	irr_expansion_free(&x);
	irr_db_free(&db);
}

static void test_v1_sample(void **state)
{
	REQUIRE_DATA(radb, "irr/pytinyirrdbcache__radb.db.sample");
	REQUIRE_DATA(upd, "irr/pytinyirrdbcache__l3.updates.sample");
	struct irr_db db;
	struct nrtm_stats st;
	load_radb(&db);
	assert_int_equal(nrtm_apply_file(&db, upd, &st), 0);
	assert_int_equal(st.version, 1);
	assert_string_equal(st.source, "LEVEL3");
	assert_int_equal(st.first, 767081);
	assert_int_equal(st.last, 767082);
	assert_int_equal(st.adds, 1);
	assert_int_equal(st.missing, 1);
	assert_int_equal(st.errors, 0);
	assert_int_equal(st.applied_serial, 767082); /* v1: serials taken in turn */
	/* the object says source: RADB, so that is where it lives */
	const struct irr_object *hu = irr_db_set(&db, "AS-HURRICANE", 0);
	assert_non_null(hu);
	assert_string_equal(db.sources[hu->source], "RADB");
	irr_db_free(&db);
}

static const char stream[] = "%START Version: 3 RADB 100-105\n\n"
                             "ADD 100\n\nroute: 192.0.2.0/24\norigin: AS64500\nsource: RADB\n\n"
                             "DEL 101\n\nroute: 167.96.0.0/16\norigin: AS2900\nsource: RADB\n\n"
                             "DEL 102\n\naut-num: AS372\nsource: RADB\n\n"
                             "ADD 101\n\nroute: 198.51.100.0/24\norigin: AS1\nsource: RADB\n\n"
                             "ADD\n\nroute: 203.0.113.0/24\norigin: AS1\nsource: RADB\n\n"
                             "ADD 103\n\nroute: 10.0.0.1/8\norigin: AS1\nsource: RADB\n\n"
                             "DEL 104\n\nroute: 192.0.2.0/24\norigin: AS64500\nsource: RADB\n\n"
                             "ADD 105\n\nroute6: 2001:db8::/32\norigin: AS64500\nsource: RADB\n\n"
                             "%END RADB\n";

static void test_operations(void **state)
{
	REQUIRE_DATA(radb, "irr/pytinyirrdbcache__radb.db.sample");
	struct irr_db db;
	struct nrtm_stats st;
	struct irr_check_result res;
	struct prefix p;
	load_radb(&db);
	assert_int_equal(nrtm_apply_mem(&db, stream, sizeof(stream) - 1, "stream", &st), 0);
	assert_int_equal(st.adds, 2);   /* 100 and 105 */
	assert_int_equal(st.dels, 3);   /* 101, 102, 104 */
	assert_int_equal(st.errors, 3); /* ADD 101 out of order, ADD without serial, host bits */
	assert_int_equal(st.applied_serial, 105);
	assert_int_equal(prefix_parse("167.96.0.0/16", &p), 0);
	irr_check(&db, &p, 2900, 0, &res);
	assert_int_equal(res.verdict, IRR_ABSENT);
	assert_null(irr_db_autnum(&db, 372, 0));
	assert_int_equal(prefix_parse("192.0.2.0/24", &p), 0);
	irr_check(&db, &p, 64500, 0, &res);
	assert_int_equal(res.verdict, IRR_ABSENT); /* added, then deleted */
	assert_null(irr_db_routes_by_origin(&db, 64500)->next_origin);
	assert_int_equal(prefix_parse("2001:db8:1::/48", &p), 0);
	irr_check(&db, &p, 64500, 0, &res);
	assert_int_equal(res.verdict, IRR_COVERED);
	assert_int_equal(db.count[RPSL_ROUTE], 0);
	assert_int_equal(db.count[RPSL_ROUTE6], 2);
	irr_db_free(&db);
}

static void test_bad_streams(void **state)
{
	struct irr_db db;
	struct nrtm_stats st;
	static const char nostart[] = "ADD 1\n\nroute: 192.0.2.0/24\norigin: AS1\n\n";
	static const char badver[] = "%START Version: 2 X 1-2\n";
	static const char noobj[] = "%START Version: 3 X 1-2\nADD 1\n%END X\n";
	irr_db_init(&db);
	assert_int_equal(nrtm_apply_mem(&db, nostart, sizeof(nostart) - 1, "a", &st), -1);
	assert_true(st.errors >= 1);
	assert_int_equal(nrtm_apply_mem(&db, badver, sizeof(badver) - 1, "b", &st), -1);
	assert_int_equal(nrtm_apply_mem(&db, noobj, sizeof(noobj) - 1, "c", &st), 0);
	assert_int_equal(st.errors, 1);
	assert_non_null(strstr(st.err, "c:2"));
	irr_db_free(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_v3_sample),
	    cmocka_unit_test(test_v1_sample),
	    cmocka_unit_test(test_operations),
	    cmocka_unit_test(test_bad_streams),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
