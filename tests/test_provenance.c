/*
 * Provenance of a snapshot from the real shared files: each input's data date (from its
 * content or its name), the known gaps (the 2023-11-07 VRP set is derived and has next to no
 * ARIN trust anchor; the 16-IRR file lacks RADB, RIPE and APNIC), the warning of a 5-month gap
 * between routes and VRPs, and all of it stored with the snapshot and read back for the
 * summary and the API.
 */
#include <json-c/json.h>
#include <time.h>

#include "testutil.h"

#include "engine/engine.h"
#include "irr/irr.h"
#include "report/report.h"
#include "rpki/rpki.h"

#define VRPS23 "rpki/rpki_2023-11-07_derived_roas_aspas.json.gz"
#define VRPS17 "rpki/vrps_2017-04-13_from_compress_roas.csv"
#define AFRINIC "rpki/ripearchive_2024-01-01_afrinic.output.json.gz"
#define IRR16 "irr/irr_2024-01-01_16-irrs_route.db.gz"
#define ORGS "caida/20240101.as-org2info.txt.gz"
#define ASREL "caida/20240101.as-rel.txt.bz2"
#define RRC06 "mrt/libbgpstream__ris.rrc06.updates.1401488100.gz"

static int64_t day(int y, int m, int d)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
	return (int64_t)timegm(&tm);
}

static struct engine_input dated(const char *kind, const char *path)
{
	struct engine_input in = {.kind = kind, .path = path};
	engine_input_date(&in);
	return in;
}

static void test_dates(void **state)
{
	(void)state;
	REQUIRE_DATA(v23, VRPS23);
	struct engine_input in = dated("vrps", v23); /* rpki-client metadata.buildtime */
	assert_int_equal(in.data_time, day(2023, 11, 7) + 22 * 3600 + 5 * 60 + 20);
	assert_string_equal(in.date_from, "content");
	REQUIRE_DATA(af, AFRINIC); /* Routinator metadata.generated */
	in = dated("vrps", af);
	assert_int_equal(in.data_time, 1704085405);
	assert_string_equal(in.date_from, "content");
	REQUIRE_DATA(v17, VRPS17); /* a CSV says nothing: its name does */
	in = dated("vrps", v17);
	assert_int_equal(in.data_time, day(2017, 4, 13));
	assert_string_equal(in.date_from, "name");
	REQUIRE_DATA(orgs, ORGS); /* "# date: 202401" */
	in = dated("orgs", orgs);
	assert_int_equal(in.data_time, day(2024, 1, 1));
	assert_string_equal(in.date_from, "content");
	REQUIRE_DATA(asrel, ASREL);
	in = dated("asrel", asrel);
	assert_int_equal(in.data_time, day(2024, 1, 1));
	REQUIRE_DATA(irr, IRR16);
	in = dated("irr", irr);
	assert_int_equal(in.data_time, day(2024, 1, 1));
	assert_string_equal(in.date_from, "name");
	/* names: both spellings, nothing from other digit runs */
	assert_int_equal(
	    engine_date_from_name("/x/caida_routeviews-rv2-20240406.pfx2as.gz"), day(2024, 4, 6));
	assert_int_equal(
	    engine_date_from_name("authenticated-2017-06-01T17:20:44Z.txt"), day(2017, 6, 1));
	assert_int_equal(engine_date_from_name("routeviews.ribs.1401487200.bz2"), -1);
	assert_int_equal(engine_date_from_name("x_20231399.gz"), -1);
	assert_int_equal(
	    engine_days_between(day(2024, 1, 1) + 12 * 3600, day(2023, 11, 7) + 22 * 3600), -55);
}

static const struct store_gap *find_gap(
    const struct engine_gaps *g, const char *code, const char *needle)
{
	for (size_t i = 0; i < g->n; i++)
		if (strcmp(g->v[i].code, code) == 0 && (!needle || strstr(g->v[i].detail, needle)))
			return &g->v[i];
	return NULL;
}

/* The 2024-01-01 bundle: ARIN nearly absent, RADB/RIPE/APNIC not in the IRR file, 55 days
 * between routes and VRPs; against 2024-04-06 routes the same VRPs are 5 months off. */
static void test_gaps_2024(void **state)
{
	(void)state;
	REQUIRE_DATA(v23, VRPS23);
	char vrps[4096], irrp[4096], asrel[4096];
	snprintf(vrps, sizeof(vrps), "%s", v23);
	REQUIRE_DATA(irr, IRR16);
	snprintf(irrp, sizeof(irrp), "%s", irr);
	REQUIRE_DATA(ar, ASREL);
	snprintf(asrel, sizeof(asrel), "%s", ar);
	struct refs_spec spec = {0};
	refs_spec_add(&spec, "vrps", vrps);
	refs_spec_add(&spec, "irr", irrp);
	refs_spec_add(&spec, "asrel", asrel);
	struct engine_input in[] = {dated("vrps", vrps), dated("irr", irrp), dated("asrel", asrel)};
	struct irr_db db;
	irr_db_init(&db);
	struct irr_load_stats st;
	assert_int_equal(irr_db_load(&db, irrp, &st), 0);
	struct vrp_table *vt;
	struct aspa_table *at;
	assert_int_equal(vrp_source_load(vrps, NULL, 0, 0, &vt, &at), 0);
	struct observe_refs refs = {.irr = &db, .vrps = vt};

	struct engine_gaps g;
	engine_gaps_init(&g);
	engine_gaps_find(in, 3, &spec, &refs, day(2024, 1, 1) + 12 * 3600, 0, &g);
	const struct store_gap *x = find_gap(&g, "stale", "VRPs");
	assert_non_null(x);
	assert_true(x->warning);
	assert_non_null(strstr(x->detail, "55 days before"));
	assert_null(find_gap(&g, "stale", "IRR")); /* same day */
	assert_null(find_gap(&g, "stale", "relationships"));
	x = find_gap(&g, "ta-absent", "ARIN");
	assert_non_null(x);
	assert_true(x->warning);
	assert_non_null(strstr(x->detail, "3700 VRPs"));
	for (const char *const *r = (const char *const[]){"AFRINIC", "APNIC", "LACNIC", "RIPE", 0};
	     *r; r++) {
		char a1[64], a2[64];
		snprintf(a1, sizeof(a1), "no %s trust", *r);
		snprintf(a2, sizeof(a2), "%s trust anchor nearly", *r);
		if (find_gap(&g, "ta-absent", a1) || find_gap(&g, "ta-absent", a2))
			fail_msg("%s reported absent", *r);
	}
	size_t nta = 0;
	for (size_t i = 0; i < g.n; i++)
		nta += strcmp(g.v[i].code, "ta-absent") == 0;
	assert_int_equal(nta, 1);
	x = find_gap(&g, "derived", NULL);
	assert_non_null(x);
	assert_false(x->warning);
	x = find_gap(&g, "irr-absent", NULL);
	assert_non_null(x);
	assert_true(x->warning);
	assert_non_null(strstr(x->detail, "RADB, RIPE, APNIC;"));
	assert_null(strstr(x->detail, "ARIN")); /* ARIN, AFRINIC, LACNIC are in the file */
	assert_non_null(find_gap(&g, "not-loaded", "delegation"));
	assert_null(find_gap(&g, "not-loaded", "IRR"));
	engine_gaps_free(&g);

	/* 2024-04-06 routes: the same VRPs are 151 days (5 months) old: a warning */
	engine_gaps_init(&g);
	engine_gaps_find(in, 3, &spec, &refs, day(2024, 4, 6), 0, &g);
	x = find_gap(&g, "stale", "VRPs");
	assert_non_null(x);
	assert_true(x->warning);
	assert_non_null(strstr(x->detail, "151 days before"));
	assert_non_null(find_gap(&g, "stale", "IRR data")); /* 96 days */
	engine_gaps_free(&g);
	irr_db_free(&db);
	vrp_table_free(vt);
	aspa_table_free(at);
	refs_spec_free(&spec);
}

/* The 2017 VRPs name no trust anchor; nothing loaded but VRPs says so. */
static void test_gaps_2017(void **state)
{
	(void)state;
	REQUIRE_DATA(v17, VRPS17);
	struct refs_spec spec = {0};
	refs_spec_add(&spec, "vrps", v17);
	struct engine_input in = dated("vrps", v17);
	struct vrp_table *vt;
	struct aspa_table *at;
	assert_int_equal(vrp_source_load(v17, NULL, 0, 0, &vt, &at), 0);
	struct observe_refs refs = {.vrps = vt};
	struct engine_gaps g;
	engine_gaps_init(&g);
	engine_gaps_find(&in, 1, &spec, &refs, day(2017, 3, 29) + 7200, 0, &g);
	assert_null(find_gap(&g, "stale", NULL)); /* 15 days */
	engine_gaps_free(&g);
	/* a stricter threshold of the caller's: 15 days is too far then */
	engine_gaps_init(&g);
	engine_gaps_find(&in, 1, &spec, &refs, day(2017, 3, 29) + 7200, 10, &g);
	assert_non_null(find_gap(&g, "stale", "15 days after"));
	engine_gaps_free(&g);
	engine_gaps_init(&g);
	engine_gaps_find(&in, 1, &spec, &refs, day(2017, 3, 29) + 7200, 0, &g);
	assert_null(find_gap(&g, "stale", NULL)); /* 15 days */
	const struct store_gap *x = find_gap(&g, "ta-unknown", "38575 VRPs");
	assert_non_null(x);
	assert_null(find_gap(&g, "ta-absent", NULL));
	assert_non_null(find_gap(&g, "not-loaded", "IRR"));
	assert_non_null(find_gap(&g, "not-loaded", "relationships"));
	engine_gaps_free(&g);
	vrp_table_free(vt);
	aspa_table_free(at);
	refs_spec_free(&spec);
}

/* Stored with the snapshot: the 2014 routes with the 2017 VRPs carry the warning, and the
 * summary's provenance reads it back with each input's date and distance. */
static void test_stored(void **state)
{
	(void)state;
	REQUIRE_DATA(mrt, RRC06);
	char mrtp[4096];
	snprintf(mrtp, sizeof(mrtp), "%s", mrt);
	REQUIRE_DATA(v17, VRPS17);
	char dbp[] = "/tmp/rm-prov-XXXXXX";
	int fd = mkstemp(dbp);
	assert_true(fd >= 0);
	close(fd);
	unlink(dbp);
	struct refs_spec spec = {0};
	refs_spec_add(&spec, "vrps", v17);
	struct observe_config cfg;
	observe_config_default(&cfg);
	const char *files[] = {mrtp};
	struct engine_job job = {.db = dbp, .refs = &spec, .mrt = files, .nmrt = 1, .cfg = cfg};
	struct engine_outcome out;
	assert_int_equal(engine_analyze(&job, &out), 0);

	struct store *s;
	assert_int_equal(store_open(dbp, 1, &s), 0);
	struct store_snapshot snap;
	assert_int_equal(store_snapshot_get(s, 0, &snap), 1);
	struct arena a;
	arena_init(&a, 0);
	struct report_provenance p;
	assert_int_equal(report_provenance_read(s, &snap, &a, &p), 0);
	assert_int_equal(p.nin, 2);
	assert_string_equal(p.in[0].kind, "mrt");
	assert_string_equal(p.in[0].date_from, "records");
	assert_true(p.in[0].data_time >= 1401488100 && p.in[0].data_time < 1401488100 + 900);
	assert_string_equal(p.in[1].kind, "vrps");
	assert_int_equal(p.in[1].data_time, day(2017, 4, 13));
	long long days;
	assert_true(report_provenance_distance(&p, &p.in[1], &days));
	assert_int_equal(days, 1049); /* 2014-05-30 to 2017-04-13 */
	assert_true(p.nwarnings >= 1);
	assert_string_equal(p.gaps[0].code, "stale"); /* warnings first */
	assert_true(p.gaps[0].warning);
	json_object *j = report_provenance_json(&p), *w;
	assert_true(json_object_object_get_ex(j, "warnings", &w));
	assert_int_equal(json_object_array_length(w), p.nwarnings);
	assert_non_null(strstr(json_object_get_string(json_object_array_get_idx(w, 0)),
	    "1049 days after the routing data (2014-05-30): RPKI verdicts"));
	json_object_put(j);
	arena_free(&a);
	store_close(s);
	refs_spec_free(&spec);
	unlink(dbp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_gaps_2024),
	    cmocka_unit_test(test_gaps_2017),
	    cmocka_unit_test(test_stored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
