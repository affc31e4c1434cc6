/*
 * conform: the shipped profiles load and validate; broken profiles give an error naming the
 * file, the control and the field; the rule language parses what docs/conform.md describes
 * and rejects the rest with the column.
 */
#include <dirent.h>

#include "testutil.h"
#include "conform/conform.h"

static const char *top(void)
{
	const char *t = getenv("ROUTEMARK_TOP");
	return t ? t : ".";
}

static void test_shipped_profiles(void **state)
{
	static const char *const names[] = {
	    "manrs-netops", "manrs-ixp", "manrs-cdn-cloud", "manrs-plus-draft", "manrs-vendor"};
	char dir[4096], err[512];
	snprintf(dir, sizeof(dir), "%s/profiles", top());
	setenv("ROUTEMARK_PROFILES", dir, 1);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct conform_profile *p;
		err[0] = '\0';
		int rc = conform_profile_find(names[i], &p, err, sizeof(err));
		if (rc)
			fprintf(stderr, "%s\n", err);
		assert_int_equal(rc, 0);
		assert_string_equal(p->name, names[i]);
		assert_true(p->ncontrols >= 3);
		assert_true(p->window >= 30 * 86400);
		for (size_t k = 0; k < p->ncontrols; k++)
			assert_non_null(p->controls[k].rule);
		conform_profile_free(p);
	}
	/* the draft is stricter than MANRS: a 90-day window and every §5 element */
	struct conform_profile *p;
	assert_int_equal(conform_profile_find("manrs-plus-draft", &p, err, sizeof(err)), 0);
	assert_int_equal(p->window, 90 * 86400);
	assert_non_null(conform_profile_control(p, "PLUS-ASPA-1"));
	assert_non_null(conform_profile_control(p, "PLUS-SPOOF-1"));
	assert_int_equal(conform_profile_control(p, "PLUS-SAV-1")->evidence, CONFORM_ATTESTED);
	assert_int_equal(conform_profile_control(p, "PLUS-AUDIT-1")->evidence, CONFORM_AUDITED);
	conform_profile_free(p);
	/* the equipment-vendor programme: one control per action, every one resting on a
	 * filing valid for a year (a vendor is not observable in BGP) */
	assert_int_equal(conform_profile_find("manrs-vendor", &p, err, sizeof(err)), 0);
	assert_int_equal(p->ncontrols, 3);
	assert_non_null(strstr(p->description, "manrs.org/equipment-vendors"));
	for (size_t k = 0; k < p->ncontrols; k++) {
		assert_int_not_equal(p->controls[k].evidence, CONFORM_MEASURED);
		assert_int_equal(p->controls[k].severity, CONFORM_REQUIRED);
		assert_int_equal(p->controls[k].validity, 365 * 86400);
		assert_non_null(p->controls[k].fix);
	}
	assert_int_equal(conform_profile_control(p, "VENDOR-1")->evidence, CONFORM_AUDITED);
	conform_profile_free(p);
	char **list;
	size_t n = conform_profile_list(&list);
	assert_int_equal(n, 5);
	assert_string_equal(list[0], "manrs-cdn-cloud");
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

#define HEAD                                                                                       \
	"{\"format\":\"routemark.profile/1\",\"name\":\"t\",\"title\":\"T\",\"version\":\"1\","    \
	"\"programme\":\"P\",\"window\":\"90d\",\"controls\":["
#define CTL(id, extra)                                                                             \
	"{\"id\":\"" id "\",\"text\":\"x\",\"evidence\":\"measured\","                             \
	"\"severity\":\"required\"" extra "}"

/* Each broken profile and the words its error must contain. */
static void test_broken_profiles(void **state)
{
	static const struct {
		const char *json, *want[3];
	} cases[] = {
	    {HEAD CTL("A-1", ",\"rule\":\"M7RPKI >= 100\"") "," CTL(
	         "B-2", ",\"rule\":\"M7RPKY >= 1\"") "]}",
	        {"control B-2 (#2)", "field \"rule\"", "unknown name M7RPKY"}},
	    {HEAD CTL("A-1", "") "]}", {"control A-1 (#1)", "field \"rule\"", "missing"}},
	    {HEAD CTL("A-1", ",\"rule\":\"true\",\"windw\":\"3d\"") "]}",
	        {"control A-1", "field \"windw\"", "unknown field"}},
	    {HEAD CTL("A-1", ",\"rule\":\"true\",\"window\":\"3 days\"") "]}",
	        {"control A-1", "field \"window\"", "duration"}},
	    {HEAD CTL("A-1", ",\"rule\":\"true\",\"validity\":\"a year\"") "]}",
	        {"control A-1", "field \"validity\"", "duration"}},
	    {HEAD
	        "{\"id\":\"A-1\",\"text\":\"x\",\"evidence\":\"guessed\",\"severity\":\"required\","
	        "\"rule\":\"true\"}]}",
	        {"control A-1", "field \"evidence\"", "measured, attested or audited"}},
	    {HEAD CTL("A-1", ",\"rule\":\"true\"") "," CTL("A-1", ",\"rule\":\"true\"") "]}",
	        {"control A-1 (#2)", "field \"id\"", "duplicate of control #1"}},
	    {HEAD "{\"text\":\"x\"}]}", {"control #1", "field \"id\"", "missing"}},
	    {HEAD CTL("A-1", ",\"rule\":\"findings(M9) == 0\"") "]}",
	        {"control A-1", "field \"rule\"", "unknown metric M9"}},
	    {HEAD CTL("A-1", ",\"rule\":\"M2 >= 1 for some snapshots\"") "]}",
	        {"control A-1", "field \"rule\"", "after 'for'"}},
	    {HEAD "]}", {"field \"controls\"", "non-empty array", NULL}},
	    {"{\"format\":\"other/2\"}", {"field \"format\"", "routemark.profile/1", NULL}},
	    {HEAD CTL("A-1", ",\"rule\":\"true\"") "]", {"not valid JSON", NULL, NULL}},
	    {HEAD CTL("A-1", ",\"rule\":\"true\",\"severity\":\"high\"") "]}",
	        {"control A-1", "field \"severity\"", NULL}},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct conform_profile *p = (void *)1;
		char err[512] = "";
		int rc = conform_profile_parse(
		    cases[i].json, strlen(cases[i].json), "bad.json", &p, err, sizeof(err));
		if (rc == 0 || strncmp(err, "bad.json: ", 10) != 0)
			fprintf(stderr, "case %zu: rc %d err '%s'\n", i, rc, err);
		assert_int_equal(rc, -1);
		assert_null(p);
		assert_memory_equal(err, "bad.json: ", 10);
		for (int k = 0; k < 3 && cases[i].want[k]; k++) {
			if (strstr(err, cases[i].want[k]) == NULL)
				fprintf(stderr, "case %zu: '%s' lacks '%s'\n", i, err,
				    cases[i].want[k]);
			assert_non_null(strstr(err, cases[i].want[k]));
		}
	}
	/* a missing file names it */
	struct conform_profile *p;
	char err[512];
	assert_int_equal(conform_profile_load("/nonexistent/x.json", &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/x.json"));
}

static void test_rules(void **state)
{
	static const struct {
		const char *src, *canon;
	} ok[] = {
	    {"M7RPKI >= 100 for all snapshots", "(M7RPKI >= 100) for all snapshots"},
	    {"count(findings M2C) == 0", "(findings(M2C) == 0)"},
	    {"aspa.published and aspa.consistent", "(aspa.published and aspa.consistent)"},
	    {"attested", "attested"},
	    {"not seen or (routes.rpki_invalid + routes.rpki_notfound == 0) for any snapshot",
	        "(not seen or ((routes.rpki_invalid + routes.rpki_notfound) == 0)) for any "
	        "snapshot"},
	    {"incidents(action1) == 0", "(incidents(action1) == 0)"},
	    {"raw(M2) <= 0.5 and count(M7IRR) > 3 for latest snapshot",
	        "((raw(M2) <= 0.5) and (count(M7IRR) > 3))"},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct conform_expr *e;
		char err[200], buf[300];
		assert_int_equal(conform_expr_parse(ok[i].src, &e, err, sizeof(err)), 0);
		conform_expr_format(e, buf, sizeof(buf));
		assert_string_equal(buf, ok[i].canon);
		conform_expr_free(e);
	}
	static const struct {
		const char *src, *want;
	} bad[] = {
	    {"M7RPKI >=", "column 10: unexpected end"},
	    {"M7RPKI >= 100 xyz", "column 15: unexpected text"},
	    {"(attested", "expected ')'"},
	    {"foo(M2)", "unknown function foo"},
	    {"M2 >= 1 for all", "after 'for'"},
	    {"", "unexpected end"},
	    {"M2 # 3", "unexpected text"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct conform_expr *e;
		char err[200] = "";
		assert_int_equal(conform_expr_parse(bad[i].src, &e, err, sizeof(err)), -1);
		if (strstr(err, bad[i].want) == NULL)
			fprintf(stderr, "'%s': '%s'\n", bad[i].src, err);
		assert_non_null(strstr(err, bad[i].want));
	}
	assert_int_equal(conform_parse_duration("90d"), 90 * 86400);
	assert_int_equal(conform_parse_duration("2w"), 14 * 86400);
	assert_int_equal(conform_parse_duration("36h"), 36 * 3600);
	assert_int_equal(conform_parse_duration("600"), 600);
	assert_int_equal(conform_parse_duration("d"), -1);
	assert_int_equal(conform_parse_duration("5y"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shipped_profiles),
	    cmocka_unit_test(test_broken_profiles),
	    cmocka_unit_test(test_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
