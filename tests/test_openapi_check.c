/* The OpenAPI checker of tests/openapi_check.h (test_serve checks every API response with it):
 * what it accepts and what it catches, against docs/openapi.yaml and a small document. */
#include <json-c/json.h>

#include "openapi_check.h"
#include "testutil.h"

static struct oas spec_;

static struct oas *spec(void)
{
	if (!spec_.loaded) {
		const char *top = getenv("ROUTEMARK_TOP");
		char path[1024];
		snprintf(path, sizeof(path), "%s/docs/openapi.yaml", top ? top : ".");
		if (oas_load(&spec_, path) != 0)
			fprintf(stderr, "%s\n", spec_.err);
		assert_true(spec_.loaded);
		spec_.strict = 1;
	}
	return &spec_;
}

/* The checker itself: a valid value passes; a wrong type, a missing required field and a
 * value outside an enum are each caught, naming the JSON path and the schema path. */
static void expect_errors(
    struct oas *o, const char *ref, const char *json, size_t want, const char *const *needles)
{
	json_object *j = json_tokener_parse(json);
	assert_non_null(j);
	size_t n = oas_check_ref(o, ref, j);
	if (n != want)
		fprintf(stderr, "%s %s: %zu errors, want %zu:\n%s", ref, json, n, want, o->err);
	assert_int_equal(n, want);
	for (size_t i = 0; needles && needles[i]; i++) {
		if (strstr(o->err, needles[i]) == NULL)
			fprintf(stderr, "missing '%s' in:\n%s", needles[i], o->err);
		assert_non_null(strstr(o->err, needles[i]));
	}
	json_object_put(j);
}

static void test_openapi_check_catches(void **state)
{
	struct oas *o = spec();
	const char *snap = "#/components/schemas/Snapshot";
	expect_errors(o, snap,
	    "{\"id\":2,\"label\":null,\"created\":1,\"period_start\":1,\"period_end\":2,"
	    "\"routes\":5,\"ases\":3}",
	    0, NULL);
	const char *wrong[] = {
	    "$.id: string where #/components/schemas/Snapshot/properties/id/type "
	    "wants integer",
	    "$.label: integer where #/components/schemas/Snapshot/properties/label/type wants "
	    "string (nullable)",
	    NULL};
	expect_errors(o, snap,
	    "{\"id\":\"2\",\"label\":7,\"created\":1,\"period_start\":1,\"period_end\":2,"
	    "\"routes\":5,\"ases\":3}",
	    2, wrong);
	const char *missing[] = {
	    "$: missing required field \"ases\" (#/components/schemas/Snapshot/required)", NULL};
	expect_errors(o, snap,
	    "{\"id\":2,\"created\":1,\"period_start\":1,\"period_end\":2,\"routes\":5}", 1,
	    missing);
	/* an enum, through $ref and items: null is in the list, "unknown" is not */
	const char *page = "#/components/schemas/PrefixView";
	expect_errors(o, page, "{\"routes\":[{\"rpki\":\"valid\"},{\"rpki\":null}]}", 0, NULL);
	const char *en[] = {"$.routes[1].rpki: \"unknown\" is not in "
	                    "#/components/schemas/Route/properties/rpki/enum",
	    NULL};
	expect_errors(o, page, "{\"routes\":[{\"rpki\":\"valid\"},{\"rpki\":\"unknown\"}]}", 1, en);
	/* nested required field and enum of an error body; a number is no integer */
	const char *err[] = {"$.error.code: \"oops\" is not in "
	                     "#/components/schemas/Error/properties/error/properties/code/enum",
	    "$.error: missing required field \"message\"", "$.error.status: number where", NULL};
	expect_errors(o, "#/components/schemas/Error",
	    "{\"error\":{\"status\":400.5,\"code\":\"oops\"}}", 3, err);
	/* additionalProperties and allOf (each branch; strict: their union) */
	const char *addl[] = {"$.coverage.all.routes: string where "
	                      "#/components/schemas/Coverage/properties/routes/type",
	    NULL};
	expect_errors(o, "#/components/schemas/Summary",
	    "{\"snapshot\":{\"id\":1,\"created\":1,\"period_start\":1,\"period_end\":2,"
	    "\"routes\":5,\"ases\":3},\"coverage\":{\"all\":{\"routes\":\"x\"}},\"readiness\":{}}",
	    1, addl);
	const char *all[] = {"$.series[0].snapshot: boolean where "
	                     "#/components/schemas/History/properties/series/items/allOf/1",
	    "$.series[0].extra: field not listed by "
	    "#/components/schemas/History/properties/series/items (strict)",
	    NULL};
	expect_errors(o, "#/components/schemas/History",
	    "{\"series\":[{\"routes\":1,\"rpki_valid\":null,\"snapshot\":true,\"extra\":1}]}", 2,
	    all);
	/* a response looked up by path, method and status */
	json_object *j = json_tokener_parse("{\"error\":{\"status\":404,\"code\":\"not_found\"}}");
	int documented;
	assert_int_equal(
	    oas_check_response(o, "GET", "/api/v1/as/AS1?x=1", 404, j, &documented), 1);
	assert_true(documented);
	assert_non_null(strstr(o->err, "$.error: missing required field \"message\""));
	assert_int_equal(oas_check_response(o, "GET", "/api/v1/search", 404, j, &documented), 1);
	assert_non_null(strstr(o->err, "status 404 not declared"));
	assert_int_equal(oas_check_response(o, "GET", "/api/v1/nope", 404, j, &documented), 1);
	assert_false(documented);
	json_object_put(j);
}

/* A keyword the checker does not implement fails loudly instead of passing silently. */
static void test_openapi_check_unknown_keyword(void **state)
{
	char path[] = "/tmp/routemark-oas-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *y = "components:\n  schemas:\n    S: {type: string, pattern: \"^a\"}\n"
	                "    O: {oneOf: [{type: integer}, {type: number}]}\n";
	assert_int_equal(write(fd, y, strlen(y)), (ssize_t)strlen(y));
	close(fd);
	struct oas o;
	assert_int_equal(oas_load(&o, path), 0);
	unlink(path);
	json_object *j = json_object_new_string("abc");
	assert_int_equal(oas_check_ref(&o, "#/components/schemas/S", j), 1);
	assert_non_null(strstr(o.err, "keyword \"pattern\" not implemented"));
	json_object_put(j);
	/* oneOf: an integer is also a number, so two match; a double only one */
	j = json_object_new_int(3);
	assert_int_equal(oas_check_ref(&o, "#/components/schemas/O", j), 1);
	assert_non_null(strstr(o.err, "2 of 2 schemas"));
	json_object_put(j);
	j = json_object_new_double(3.5);
	assert_int_equal(oas_check_ref(&o, "#/components/schemas/O", j), 0);
	json_object_put(j);
	assert_int_equal(oas_check_ref(&o, "#/components/schemas/Missing", j), 1);
	oas_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_openapi_check_catches),
	    cmocka_unit_test(test_openapi_check_unknown_keyword),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	oas_free(&spec_);
	return rc;
}
