/*
 * Readiness follows the thresholds stored with the snapshot shown, on every surface. The
 * store is analyzed with `--set aspiring=5 --set ready=10`: AS2119's Action 1 (83 %) is then
 * "ready" (it would be "aspiring" under the defaults) in `routemark report`, the API's AS
 * and compare views, the AS and compare pages (label and bar colour) and, for AS12348
 * (weakest Action 16.7 %: "lagging" under the defaults), in the badge.
 */
#include <json-c/json.h>

#include "serve_fixture.h"

#define READY_COLOUR "fill=\"#1a7f37\"" /* svg.c: the colour of a "ready" bar */

static const char *action1_of(json_object *actions)
{
	json_object *a1, *r;
	if (!json_object_object_get_ex(actions, "1", &a1) ||
	    !json_object_object_get_ex(a1, "readiness", &r))
		return NULL;
	return json_object_get_string(r);
}

static json_object *path_get(json_object *o, const char *k1, const char *k2)
{
	json_object *x = NULL, *y = NULL;
	if (!json_object_object_get_ex(o, k1, &x))
		return NULL;
	if (k2 == NULL)
		return x;
	return json_object_object_get_ex(x, k2, &y) ? y : NULL;
}

static void test_report_cli(void **state)
{
	REQUIRE_SERVER();
	char cmd[1024], *out = NULL;
	size_t len = 0, cap = 0, n;
	snprintf(cmd, sizeof(cmd), "%s report --db %s --format json 2119", test_bin(), fx.db);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	do {
		if (len + 4096 + 1 > cap)
			out = realloc(out, cap = 2 * cap + 8192);
		n = fread(out + len, 1, cap - len - 1, p);
		len += n;
	} while (n > 0);
	out[len] = '\0';
	assert_int_equal(pclose(p), 0);
	json_object *j = json_tokener_parse(out);
	assert_non_null(j);
	assert_string_equal(action1_of(path_get(j, "summary", "actions")), "ready");
	json_object_put(j);
	free(out);
}

static void test_api_as(void **state)
{
	REQUIRE_SERVER();
	struct resp r = get("/api/v1/as/2119");
	assert_int_equal(r.status, 200);
	json_object *j = json_tokener_parse(r.body);
	assert_non_null(j);
	assert_string_equal(action1_of(path_get(j, "summary", "actions")), "ready");
	json_object_put(j);
	free(r.body);
}

static void test_api_compare_history(void **state)
{
	REQUIRE_SERVER();
	struct resp r = get("/api/v1/compare?asn=2119,3257");
	assert_int_equal(r.status, 200);
	json_object *j = json_tokener_parse(r.body);
	assert_non_null(j);
	json_object *a = path_get(j, "ases", NULL);
	assert_non_null(a);
	json_object *x = json_object_array_get_idx(a, 0);
	assert_string_equal(action1_of(path_get(x, "actions", NULL)), "ready");
	json_object_put(j);
	free(r.body);
	/* the history series: every snapshot with its own thresholds (both 5/10 here) */
	r = get("/api/v1/as/2119/history");
	assert_int_equal(r.status, 200);
	j = json_tokener_parse(r.body);
	assert_non_null(j);
	a = path_get(j, "series", NULL);
	size_t found = 0;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		x = json_object_array_get_idx(a, i);
		json_object *acts = path_get(x, "actions", NULL);
		if (acts == NULL)
			continue;
		json_object *sc = path_get(acts, "1", "score");
		if (sc && json_object_get_double(sc) >= 10) {
			assert_string_equal(action1_of(acts), "ready");
			found++;
		}
	}
	assert_true(found >= 1);
	json_object_put(j);
	free(r.body);
}

/* The first readiness label after "Action 1: filtering" in an HTML page is name. */
static void expect_action1(const char *body, const char *name)
{
	const char *row = strstr(body, "<th scope=\"row\">Action 1: filtering</th>");
	assert_non_null(row);
	const char *label = strstr(row, "<span class=\"r r-");
	assert_non_null(label);
	char want[128];
	int n = snprintf(want, sizeof(want), "<span class=\"r r-%s\">%s</span>", name, name);
	assert_memory_equal(label, want, (size_t)n);
}

static void expect_action1_ready(const char *body)
{
	expect_action1(body, "ready");
}

static void test_pages(void **state)
{
	REQUIRE_SERVER();
	struct resp r = get("/as/2119");
	assert_int_equal(r.status, 200);
	expect_action1_ready(r.body);
	/* the bar chart: Action 1's bar in the colour of "ready" */
	const char *svg = strstr(r.body, "<svg");
	assert_non_null(svg);
	assert_non_null(strstr(svg, READY_COLOUR));
	assert_null(strstr(r.body, "r-aspiring\">aspiring"));
	free(r.body);
	r = get("/compare?asn=2119,3257");
	assert_int_equal(r.status, 200);
	expect_action1_ready(r.body);
	assert_non_null(strstr(r.body, READY_COLOUR));
	free(r.body);
}

static void test_badge(void **state)
{
	REQUIRE_SERVER();
	struct resp r = get("/badge/AS12348.svg");
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "weakest MANRS Action: ready;"));
	free(r.body);
}

/* A snapshot analyzed with the defaults, in the same store: its own thresholds apply. */
static void test_snapshot_with_defaults(void **state)
{
	REQUIRE_SERVER();
	fixture_analyze_args = "";
	assert_int_equal(
	    fixture_analyze("mrt/libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2"),
	    0);
	struct resp r = get("/api/v1/as/2119");
	assert_int_equal(r.status, 200);
	json_object *j = json_tokener_parse(r.body);
	assert_string_equal(action1_of(path_get(j, "summary", "actions")), "aspiring");
	int64_t newest = json_object_get_int64(path_get(j, "snapshot", "id"));
	json_object_put(j);
	free(r.body);
	char path[128];
	snprintf(
	    path, sizeof(path), "/api/v1/compare?asn=2119&snapshot=%lld", (long long)newest - 1);
	r = get(path);
	assert_int_equal(r.status, 200);
	j = json_tokener_parse(r.body);
	json_object *x = json_object_array_get_idx(path_get(j, "ases", NULL), 0);
	assert_string_equal(action1_of(path_get(x, "actions", NULL)), "ready");
	json_object_put(j);
	free(r.body);
	r = get("/as/2119");
	assert_int_equal(r.status, 200);
	expect_action1(r.body, "aspiring");
	free(r.body);
	snprintf(path, sizeof(path), "/as/2119?snapshot=%lld", (long long)newest - 1);
	r = get(path);
	assert_int_equal(r.status, 200);
	expect_action1_ready(r.body);
	free(r.body);
}

int main(void)
{
	fixture_analyze_args = "--set aspiring=5 --set ready=10";
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_report_cli),
	    cmocka_unit_test(test_api_as),
	    cmocka_unit_test(test_api_compare_history),
	    cmocka_unit_test(test_pages),
	    cmocka_unit_test(test_badge),
	    cmocka_unit_test(test_snapshot_with_defaults),
	};
	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
