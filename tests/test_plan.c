/*
 * The offline history (engine/plan.c) on the shared data mirror: the built-in history gives
 * four snapshots in time order (2014 RIB with its updates, 2017-03-29, 2024-01-01,
 * 2024-04-06), each with the reference data closest in time; a history file's bad line is
 * named; a missing file is left out. `run --dry-run` prints the choices with their distances
 * without analysing anything.
 */
#include <libgen.h>
#include <sys/wait.h>
#include <time.h>

#include "testutil.h"

#include "engine/engine.h"

static char mirror[4096];

static int setup(void **state)
{
	(void)state;
	const char *p = test_data_path("SOURCES.md");
	if (p == NULL)
		return 0; /* each test says SKIP */
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s", p);
	snprintf(mirror, sizeof(mirror), "%s", dirname(tmp));
	return 0;
}

static int64_t day(int y, int m, int d)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
	return (int64_t)timegm(&tm);
}

/* The base names of snapshot s's reference files of kind, space-separated. */
static const char *chosen(const struct plan_snapshot *s, const char *kind)
{
	static char buf[1024];
	buf[0] = '\0';
	for (size_t i = 0; i < s->nrefs; i++) {
		if (strcmp(s->refs[i]->kind, kind) != 0)
			continue;
		const char *b = strrchr(s->refs[i]->path, '/') + 1;
		snprintf(
		    buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", buf[0] ? " " : "", b);
	}
	return buf;
}

static void test_default_history(void **state)
{
	(void)state;
	REQUIRE_DATA(src, "SOURCES.md");
	struct plan p;
	assert_int_equal(engine_plan_parse(engine_plan_default_text, "built-in", mirror, &p), 0);
	assert_int_equal(p.nsnap, 4);
	/* time order, from the routing data itself: the RIB's first record, the tables' names */
	assert_int_equal(p.snap[0].time, 1401487200);
	assert_int_equal(p.snap[0].nrouting, 3);
	assert_int_equal(p.snap[1].time, day(2017, 3, 29) + 2 * 3600);
	assert_int_equal(p.snap[2].time, day(2024, 1, 1) + 12 * 3600);
	assert_int_equal(p.snap[3].time, day(2024, 4, 6));

	/* 2014: the closest VRPs are 2017-04-13's, the RIPE splits of 2015/2016, 2014's as-rel */
	assert_string_equal(chosen(&p.snap[0], "vrps"), "vrps_2017-04-13_from_compress_roas.csv");
	assert_string_equal(chosen(&p.snap[0], "irr"),
	    "rpkiirrstats__ripe-db-route.txt rpkiirrstats__ripe-db-route6.txt");
	assert_string_equal(chosen(&p.snap[0], "asrel"), "20140101.as-rel.txt.bz2");
	assert_string_equal(chosen(&p.snap[0], "bogons"),
	    "cymru_fullbogons-ipv4_20240310.txt cymru_fullbogons-ipv6_20240310.txt.gz");
	/* 2017-03-29: the VRPs of 15 days later, the 2017 relationships */
	assert_string_equal(chosen(&p.snap[1], "vrps"), "vrps_2017-04-13_from_compress_roas.csv");
	assert_string_equal(chosen(&p.snap[1], "asrel"), "20170101.as-rel.txt.bz2");
	/* 2024-01-01: the same-era bundle */
	assert_string_equal(
	    chosen(&p.snap[2], "vrps"), "rpki_2023-11-07_derived_roas_aspas.json.gz");
	assert_string_equal(chosen(&p.snap[2], "irr"), "irr_2024-01-01_16-irrs_route.db.gz");
	assert_string_equal(chosen(&p.snap[2], "asrel"), "20240101.as-rel.txt.bz2");
	assert_string_equal(chosen(&p.snap[2], "orgs"), "20240101.as-org2info.txt.gz");
	/* 2024-04-06: the closest of everything is the 2024-01-01 bundle's */
	assert_string_equal(
	    chosen(&p.snap[3], "vrps"), "rpki_2023-11-07_derived_roas_aspas.json.gz");
	assert_string_equal(chosen(&p.snap[3], "irr"), "irr_2024-01-01_16-irrs_route.db.gz");
	assert_string_equal(chosen(&p.snap[3], "asrel"), "20240101.as-rel.txt.bz2");
	/* the IANA registries as delegations (per-RIR scopes), both files of the kind */
	for (int i = 0; i < 4; i++)
		assert_string_equal(chosen(&p.snap[i], "delegated"),
		    "iana__ipv4-address-space.xml iana__ipv6-unicast-address-assignments.xml");
	/* undated names: used, as no dated file of the kind exists */
	assert_string_equal(chosen(&p.snap[3], "asnames"), "asn_names_ASN_lookup.txt.gz");
	engine_plan_free(&p);
}

/* Order comes from the data, not from the file; closest wins either side; a missing file is
 * left out; a bad line fails. */
static void test_history_file(void **state)
{
	(void)state;
	REQUIRE_DATA(src, "SOURCES.md");
	struct plan p;
	const char *text = "# newest first on purpose\n"
	                   "snapshot routing/caida_routeviews-rv2-20240406.pfx2as.gz\n"
	                   "snapshot routing/caida_routeviews-rv2-20170329-0200.pfx2as.gz\n"
	                   "snapshot routing/no-such-table-20200101.pfx2as.gz\n"
	                   "asrel caida/20230101.as-rel.txt.bz2\n"
	                   "asrel caida/20170101.as-rel.txt.bz2\n"
	                   "vrps rpki/vrps_2017-06-01_from_compress_roas.csv\n"
	                   "vrps rpki/no-such-2017-04-01.csv\n";
	assert_int_equal(engine_plan_parse(text, "h.txt", mirror, &p), 0);
	assert_int_equal(p.nsnap, 2);
	assert_true(p.snap[0].time < p.snap[1].time);
	assert_string_equal(chosen(&p.snap[0], "asrel"), "20170101.as-rel.txt.bz2");
	assert_string_equal(chosen(&p.snap[1], "asrel"), "20230101.as-rel.txt.bz2");
	assert_string_equal(chosen(&p.snap[0], "vrps"), "vrps_2017-06-01_from_compress_roas.csv");
	assert_int_equal(p.npool, 3);
	engine_plan_free(&p);

	assert_int_equal(engine_plan_parse("vrps\n", "bad.txt", mirror, &p), -1);
	assert_int_equal(engine_plan_parse("colour rpki/x.csv\n", "bad.txt", mirror, &p), -1);
	assert_int_equal(engine_plan_parse("snapshot\n", "bad.txt", mirror, &p), -1);
}

/* `run --dry-run` on the mirror: the plan with distances, nothing analysed or stored. */
static void test_run_dry(void **state)
{
	(void)state;
	REQUIRE_DATA(src, "SOURCES.md");
	char db[] = "/tmp/rm-plan-XXXXXX";
	int fd = mkstemp(db);
	assert_true(fd >= 0);
	close(fd);
	unlink(db);
	char cmd[8192];
	snprintf(
	    cmd, sizeof(cmd), "%s run --mirror %s --db %s --dry-run 2>&1", test_bin(), mirror, db);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	char out[16384];
	size_t n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	int st = pclose(f);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_non_null(strstr(out, "a history of 4 snapshots"));
	const char *a = strstr(out, "snapshot 1 of 4: routing data of 2014-05-30 22:00 UTC");
	const char *b = strstr(out, "snapshot 2 of 4: routing data of 2017-03-29 02:00 UTC");
	const char *c = strstr(out, "snapshot 3 of 4: routing data of 2024-01-01 12:00 UTC");
	const char *d = strstr(out, "snapshot 4 of 4: routing data of 2024-04-06 00:00 UTC");
	assert_true(a && b && c && d && a < b && b < c && c < d);
	const char *v = strstr(c, "rpki_2023-11-07_derived_roas_aspas.json.gz");
	assert_true(v && v < d);
	assert_non_null(strstr(v, "2023-11-07    -55 d (date from its content)"));
	assert_non_null(strstr(d, "-151 d"));
	assert_int_equal(access(db, F_OK), -1); /* nothing stored */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_history),
	    cmocka_unit_test(test_history_file),
	    cmocka_unit_test(test_run_dry),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
