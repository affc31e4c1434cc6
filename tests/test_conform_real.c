/*
 * conform on the real data: a store built by `routemark analyze` from the 2014 jinx RIB, the
 * 2017 VRPs, the RIPE route-object sample and the 2014 CAIDA relationships, then
 * `routemark conform` for AS2119 (Telenor Norge) and AS31148 (Freenet, Ukraine) checked
 * against expectations computed here by other means:
 *   - the AS's originated prefixes: bgpdump -m of the RIB, origin = last path element, awk;
 *   - their RPKI state: `routemark validate` (the rpki module alone) over those prefixes;
 *   - their IRR registration: the route objects with that origin in the RPSL sample, by awk.
 * PLUS-RPKI-1 passes iff every originated prefix is valid; PLUS-ORIGIN-1 fails when some
 * originated prefix is RPKI-invalid (an M2 incident); PLUS-IRR-1 fails when some prefix has
 * no route object (the sample holds none for these ASes).
 */
#include <json-c/json.h>
#include <sys/stat.h>

#include "testutil.h"

static char dir[256], db[300], routes[300];
static const char *vrps;

static int run(const char *cmd)
{
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/routemark-test-conform-real-%d", (int)getpid());
	if (mkdir(dir, 0700) != 0)
		return -1;
	snprintf(db, sizeof(db), "%s/x.db", dir);
	snprintf(routes, sizeof(routes), "%s/routes.txt", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Count lines of a command's output that contain word (or all lines when word is NULL). */
static long count_lines(const char *cmd, const char *word)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char line[4096];
	long n = 0;
	while (fgets(line, sizeof(line), p))
		n += word == NULL || strstr(line, word) != NULL;
	pclose(p);
	return n;
}

static json_object *conform_json(uint32_t asn)
{
	char cmd[2000];
	snprintf(cmd, sizeof(cmd),
	    "%s conform --db %s --profile manrs-plus-draft --format json "
	    "--max-evidence 1000 %u",
	    test_bin(), db, asn);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t cap = 1 << 20, n = 0, k;
	char *buf = malloc(cap);
	while ((k = fread(buf + n, 1, cap - n - 1, p)) > 0) {
		n += k;
		if (n + 1 == cap)
			buf = realloc(buf, cap *= 2);
	}
	buf[n] = '\0';
	int st = pclose(p);
	json_object *o = json_tokener_parse(buf);
	free(buf);
	assert_non_null(o);
	/* the exit code gates on the overall verdict: 0 conformant, 3 not, 4 undetermined */
	json_object *ov;
	assert_true(json_object_object_get_ex(o, "overall", &ov));
	const char *overall = json_object_get_string(ov);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), strcmp(overall, "conformant") == 0       ? 0
	                                  : strcmp(overall, "not conformant") == 0 ? 3
	                                                                           : 4);
	return o;
}

static const char *verdict(json_object *o, const char *id)
{
	json_object *cs, *v;
	assert_true(json_object_object_get_ex(o, "controls", &cs));
	for (size_t i = 0; i < json_object_array_length(cs); i++) {
		json_object *c = json_object_array_get_idx(cs, i);
		json_object_object_get_ex(c, "id", &v);
		if (strcmp(json_object_get_string(v), id) == 0) {
			json_object_object_get_ex(c, "verdict", &v);
			return json_object_get_string(v);
		}
	}
	fail_msg("no control %s", id);
	return NULL;
}

static void test_real_ases(void **state)
{
	REQUIRE_DATA(rib, "mrt/libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2");
	REQUIRE_DATA(v, "rpki/vrps_2017-06-01_from_compress_roas.csv");
	REQUIRE_DATA(irr, "irr/rpkiirrstats__ripe-db-route.txt");
	REQUIRE_DATA(rel, "caida/20140101.as-rel.txt.bz2");
	vrps = v;
	if (run("command -v bgpdump >/dev/null") != 0) {
		printf("SKIP: %s: bgpdump is not installed\n", __func__);
		skip();
	}
	char cmd[3000];
	snprintf(cmd, sizeof(cmd),
	    "%s analyze --no-progress --db %s --vrps %s --irr %s --asrel %s "
	    "%s >/dev/null 2>&1",
	    test_bin(), db, vrps, irr, rel, rib);
	assert_int_equal(run(cmd), 0);
	/* (prefix, origin) of AS2119 and AS31148, by bgpdump + awk */
	snprintf(cmd, sizeof(cmd),
	    "bzcat %s | bgpdump -m - 2>/dev/null | awk -F'|' '{n = "
	    "split($7, p, \" \"); o = p[n]; if (o == \"2119\" || o == \"31148\") "
	    "print $6, o}' | sort -u > %s",
	    rib, routes);
	assert_int_equal(run(cmd), 0);
	static const uint32_t asns[] = {2119, 31148};
	for (int i = 0; i < 2; i++) {
		char pat[64];
		snprintf(pat, sizeof(pat), " %u\n", asns[i]);
		snprintf(cmd, sizeof(cmd),
		    "%s validate --vrps %s --input %s | awk '$2 == \"%u\" || "
		    "$2 == \"AS%u\"'",
		    test_bin(), vrps, routes, asns[i], asns[i]);
		long total = count_lines(cmd, NULL), valid = count_lines(cmd, " valid");
		long invalid = count_lines(cmd, " invalid");
		snprintf(cmd, sizeof(cmd), "awk '/^origin:/ && toupper($2) == \"AS%u\"' %s",
		    asns[i], irr);
		long objects = count_lines(cmd, NULL);
		printf("AS%u: %ld prefixes, %ld valid, %ld invalid, %ld route objects\n", asns[i],
		    total, valid, invalid, objects);
		assert_true(total > 100);
		json_object *o = conform_json(asns[i]);
		assert_string_equal(verdict(o, "PLUS-RPKI-1"), valid == total ? "pass" : "fail");
		if (invalid > 0)
			assert_string_equal(verdict(o, "PLUS-ORIGIN-1"), "fail");
		assert_string_equal(verdict(o, "PLUS-IRR-1"), objects < total ? "fail" : "pass");
		/* no Spoofer, PeeringDB or ASPA data was given: no data, never a failure */
		assert_string_equal(verdict(o, "PLUS-SPOOF-1"), "no-data");
		assert_string_equal(verdict(o, "PLUS-ASPA-1"), "no-data");
		assert_string_equal(verdict(o, "PLUS-SAV-1"), "not-measurable");
		/* the evidence of PLUS-RPKI-1 lists exactly the prefixes that are not valid */
		json_object *cs, *c, *ev;
		json_object_object_get_ex(o, "controls", &cs);
		c = json_object_array_get_idx(cs, 0);
		json_object_object_get_ex(c, "evidence", &ev);
		long routes_listed = 0;
		for (size_t k = 0; k < json_object_array_length(ev); k++) {
			json_object *kind;
			json_object_object_get_ex(json_object_array_get_idx(ev, k), "kind", &kind);
			routes_listed += strcmp(json_object_get_string(kind), "route") == 0;
		}
		assert_int_equal(routes_listed, total - valid);
		json_object_put(o);
	}
}

/* The command line: text, html, compare, attest, and the errors. */
static void test_cli(void **state)
{
	REQUIRE_DATA(rib, "mrt/libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2");
	struct stat st;
	if (stat(db, &st) != 0) {
		printf("SKIP: %s: the store of test_real_ases is absent\n", __func__);
		skip();
	}
	char cmd[2000], ev[400];
	snprintf(ev, sizeof(ev), "%s/sav.txt", dir);
	FILE *f = fopen(ev, "w");
	fputs("uRPF strict on every customer port\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
	    "%s attest --db %s 31148 --control PLUS-SAV-1 --file %s --by tester", test_bin(), db,
	    ev);
	assert_int_equal(count_lines(cmd, "filed #1"), 1);
	snprintf(cmd, sizeof(cmd),
	    "%s attest --db %s 31148 --control NOPE --file %s --by tester 2>&1", test_bin(), db,
	    ev);
	assert_int_equal(count_lines(cmd, "no control 'NOPE'"), 1);
	snprintf(cmd, sizeof(cmd), "%s conform --db %s 31148", test_bin(), db);
	assert_int_equal(count_lines(cmd, "PASS   PLUS-SAV-1"), 1);
	assert_int_equal(count_lines(cmd, "basis: attestation"), 1);
	snprintf(cmd, sizeof(cmd), "%s compare --db %s 2119 31148", test_bin(), db);
	assert_int_equal(count_lines(cmd, "PLUS-SAV-1"), 1);
	assert_int_equal(count_lines(cmd, "pass*"), 1);
	snprintf(cmd, sizeof(cmd), "%s conform --db %s --format html 2119", test_bin(), db);
	assert_int_equal(count_lines(cmd, "<!DOCTYPE html>"), 1);
	snprintf(cmd, sizeof(cmd),
	    "%s conform --db %s --profile /nonexistent.json 2119 2>&1; echo rc=$?", test_bin(), db);
	assert_int_equal(count_lines(cmd, "/nonexistent.json"), 1);
	assert_int_equal(count_lines(cmd, "rc=1"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_ases),
	    cmocka_unit_test(test_cli),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
