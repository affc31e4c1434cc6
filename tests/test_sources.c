/* fetch/sources and `routemark run`: the built-in list, dated URLs, bad lists, and the whole
 * main job against a local web server serving the shared data (then again, from the cache). */
#include <sys/wait.h>

#include "testutil.h"
#include "fetch/fetch.h"
#include "httpd.h"

static void test_default_list(void **state)
{
	struct sources s;
	assert_int_equal(sources_parse(sources_default_text, "built-in", &s), 0);
	assert_int_equal(s.n, 20);
	int mrt = 0;
	for (int i = 0; i < s.n; i++)
		mrt += strcmp(s.v[i].kind, "mrt") == 0;
	assert_int_equal(mrt, 4);
	/* 2026-11-25 08:10:00 UTC */
	const time_t now = 1795594200;
	char url[1024];
	assert_int_equal(source_url(&s.v[0], now, url, sizeof(url)), 0);
	/* RouteViews RIBs every 2 h, 3 h late: 05:10 -> the 04:00 file */
	assert_string_equal(url, "http://archive.routeviews.org/bgpdata/2026.11/RIBS/"
	                         "rib.20261125.0400.bz2");
	for (int i = 0; i < s.n; i++)
		if (strcmp(s.v[i].name, "caida-serial-1") == 0) {
			assert_int_equal(source_url(&s.v[i], now, url, sizeof(url)), 0);
			/* monthly, 45 days late: 2026-10-11 -> the October file */
			assert_non_null(strstr(url, "/20261001.as-rel.txt.bz2"));
		} else if (strcmp(s.v[i].name, "routeviews-updates") == 0) {
			assert_int_equal(source_url(&s.v[i], now, url, sizeof(url)), 0);
			assert_non_null(strstr(url, "updates.20261125.0700.bz2"));
		}
	sources_free(&s);
}

static void test_bad_lists(void **state)
{
	struct sources s;
	assert_int_equal(sources_parse("mrt a - - http://x\n", "t", &s), -1);     /* 5 fields */
	assert_int_equal(sources_parse("bgp a - - http://x -\n", "t", &s), -1);   /* kind */
	assert_int_equal(sources_parse("mrt a 2x - http://x -\n", "t", &s), -1);  /* period */
	assert_int_equal(sources_parse("mrt a - -5h http://x -\n", "t", &s), -1); /* lag */
	assert_int_equal(sources_parse("# only a comment\n\n", "t", &s), 0);
	assert_int_equal(s.n, 0);
	sources_free(&s);
}

static int run(const char *args, char *out, size_t size)
{
	char cmd[8192];
	snprintf(cmd, sizeof(cmd), "%s run --no-progress %s 2>&1", test_bin(), args);
	FILE *p = popen(cmd, "r");
	size_t n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_run_from_local_server(void **state)
{
	const char *data = getenv("ROUTEMARK_DATA");
	REQUIRE_DATA(upd, "mrt/libbgpstream__ris.rrc06.updates.1401488100.gz");
	REQUIRE_DATA(vrps, "rpki/vrps_2017-06-01_from_compress_roas.csv");
	(void)upd, (void)vrps;
	uint16_t p = httpd_start(data);
	assert_true(p != 0);
	char dir[256], list[300], args[2048];
	static char out[1 << 16];
	snprintf(dir, sizeof(dir), "/tmp/routemark-test-run-%d", (int)getpid());
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(list, sizeof(list), "%s/sources", dir);
	FILE *f = fopen(list, "w");
	fprintf(f,
	    "mrt  ris-updates - - http://127.0.0.1:%u/mrt/libbgpstream__ris.rrc06.updates."
	    "1401488100.gz -\n"
	    "vrps vrps        - - http://127.0.0.1:%u/rpki/vrps_2017-06-01_from_compress_roas."
	    "csv -\n"
	    "asrel caida      - - http://127.0.0.1:%u/caida/20140101.as-rel.txt.bz2 -\n"
	    "irr  gone        - - http://127.0.0.1:%u/irr/no-such-dump.gz -\n",
	    p, p, p, p);
	fclose(f);
	snprintf(args, sizeof(args), "--sources %s --cache %s/cache --db %s/rm.db", list, dir, dir);
	assert_int_equal(run(args, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "snapshot 1 stored"));
	assert_non_null(strstr(out, "gone                   unavailable: skipped")); /* a 404 */
	assert_non_null(strstr(out, "RPKI valid")); /* the summary */
	/* again: every file comes from the cache (304), and the snapshot is the same one */
	assert_int_equal(run(args, out, sizeof(out)), 0);
	assert_non_null(strstr(out, ", not modified"));
	assert_non_null(strstr(out, "snapshot 1 stored"));
	/* a mirror instead of the network */
	snprintf(args, sizeof(args), "--mirror %s --only mrt,vrps --db %s/rm2.db", data, dir);
	assert_int_equal(run(args, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "taking every source from the mirror"));
	httpd_stop();
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_list),
	    cmocka_unit_test(test_bad_lists),
	    cmocka_unit_test(test_run_from_local_server),
	};
	return cmocka_run_group_tests_name("sources", tests, NULL, NULL);
}
