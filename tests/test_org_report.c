/*
 * Organisation scorecards through `routemark report --org`, on real data: the 2014
 * route-views jinx RIB with the 2014 relationships, the 2017 VRPs and the 2024 CAIDA
 * AS-to-organisation file. The organisation's figures are checked against its networks'
 * own rows: counts summed, M7RPKI recomputed from the summed counts, Action 1 the worst.
 */
#include <json-c/json.h>
#include <sqlite3.h>

#include "testutil.h"
#include "observe/observe.h"

static char dir[] = "/tmp/rm_org_XXXXXX", db[64];
static int ready;

static int setup(void **state)
{
	const char *rel[] = {"mrt/libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2",
	    "caida/20140101.as-rel.txt.bz2", "rpki/vrps_2017-06-01_from_compress_roas.csv",
	    "caida/20240101.as-org2info.txt.gz"};
	char p[4][1024];
	for (int i = 0; i < 4; i++) {
		const char *x = test_data_path(rel[i]);
		if (x == NULL)
			return 0; /* the test says SKIP */
		snprintf(p[i], sizeof(p[i]), "%s", x);
	}
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(db, sizeof(db), "%s/o.db", dir);
	char cmd[6000];
	snprintf(cmd, sizeof(cmd),
	    "%s analyze --no-progress --db %s --asrel %s --vrps %s --orgs %s %s >/dev/null 2>&1",
	    test_bin(), db, p[1], p[2], p[3], p[0]);
	if (system(cmd) != 0)
		return -1;
	ready = 1;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *run(const char *args, int *status)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "%s report --db %s %s 2>/dev/null", test_bin(), db, args);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	size_t cap = 1 << 20, n = 0;
	char *out = malloc(cap);
	size_t k;
	while ((k = fread(out + n, 1, cap - n - 1, f)) > 0)
		n += k;
	out[n] = '\0';
	*status = WEXITSTATUS(pclose(f));
	return out;
}

static json_object *get(json_object *o, const char *k)
{
	json_object *v = NULL;
	json_object_object_get_ex(o, k, &v);
	return v;
}

static void test_org_report(void **state)
{
	if (!ready) {
		printf("SKIP: %s: shared data absent\n", __func__);
		skip();
	}
	/* the members' own rows, straight from the store */
	sqlite3 *s;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open_v2(db, &s, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(s,
	        "SELECT count(*), sum(routes), sum(rpki_valid), sum(rpki_invalid), "
	        "sum(rpki_notfound), min(action1), sum(routes > 0) FROM as_summary JOIN as_info "
	        "USING (asn) WHERE org_id = 'DNIC-ARIN'",
	        -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t nas = sqlite3_column_int64(st, 0), routes = sqlite3_column_int64(st, 1);
	uint64_t valid = (uint64_t)sqlite3_column_int64(st, 2),
	         invalid = (uint64_t)sqlite3_column_int64(st, 3),
	         nf = (uint64_t)sqlite3_column_int64(st, 4);
	double a1 = sqlite3_column_double(st, 5);
	int64_t announcing = sqlite3_column_int64(st, 6);
	sqlite3_finalize(st);
	sqlite3_close(s);
	assert_true(nas > 100); /* the US DoD NIC has some 190 networks in this RIB */

	int status;
	char *out = run("--org DNIC-ARIN --format json", &status);
	assert_int_equal(status, 0);
	json_object *j = json_tokener_parse(out);
	assert_non_null(j);
	assert_string_equal(json_object_get_string(get(j, "schema")), "routemark.org/1");
	json_object *sum = get(j, "summary");
	assert_int_equal(json_object_get_int64(get(sum, "networks_in_snapshot")), nas);
	assert_int_equal(json_object_get_int64(get(sum, "routes")), routes);
	assert_int_equal(json_object_get_int64(get(sum, "rpki_valid")), (int64_t)valid);
	struct observe_config cfg;
	observe_config_default(&cfg);
	double m7 = m7rpki_percent(&cfg, valid, invalid, valid + invalid + nf);
	json_object *acts = get(sum, "actions");
	double got = json_object_get_double(get(get(acts, "4_rpki"), "score"));
	assert_true(got > m7 - 1e-9 && got < m7 + 1e-9);
	got = json_object_get_double(get(get(acts, "1"), "score"));
	assert_true(got > a1 - 1e-9 && got < a1 + 1e-9); /* the worst network's */
	json_object *m7j = get(get(j, "metrics"), "M7RPKI");
	/* M7RPKI is measured for the networks that announce routes */
	assert_int_equal(json_object_get_int64(get(m7j, "networks_measured")), announcing);
	json_object_put(j);
	free(out);

	/* by name, as text and HTML */
	out = run("--org 'DoD Network Information Center'", &status);
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "Organisation DNIC-ARIN DoD Network Information Center"));
	assert_non_null(strstr(out, "4 Global validation: RPKI"));
	free(out);
	out = run("--org DNIC-ARIN --format html", &status);
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "<a href=\"/as/27065\">AS27065</a>"));
	free(out);
	/* an AS's scorecard names its organisation and siblings */
	out = run("27065", &status);
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "organisation DNIC-ARIN DoD Network Information Center; "
	                            "siblings: AS"));
	free(out);
	/* unknown organisation; --org with an ASN */
	out = run("--org NO-SUCH-ORG", &status);
	assert_int_equal(status, 1);
	free(out);
	out = run("--org DNIC-ARIN 27065", &status);
	assert_int_equal(status, 1);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_org_report),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
