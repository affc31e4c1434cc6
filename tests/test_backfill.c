/*
 * `routemark run --backfill` against a local web server (libmicrohttpd on 127.0.0.1) that
 * serves real files of the shared data under archive-like paths: three months become three
 * snapshots labelled with their dates; a rerun fetches and analyzes nothing; a date whose
 * routing file is missing (404) is reported, the others are stored, the exit is non-zero,
 * and once the file is there a rerun does that date alone. Also the archived URLs of the
 * built-in sources and the date ranges.
 */
#include <sys/wait.h>

#include "testutil.h"
#include "engine/engine.h"
#include "fetch/fetch.h"
#include "httpd.h"

static char dir[256];

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

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* Serve data file rel at path (under the served folder): a symbolic link. */
static void serve_as(const char *rel, const char *path)
{
	char target[1024], link[1024], cmd[4096];
	snprintf(target, sizeof(target), "%s", test_data_path(rel));
	assert_int_equal(access(target, R_OK), 0);
	snprintf(link, sizeof(link), "%s/www/%s", dir, path);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\" && ln -sf '%s' '%s'", link, target,
	    link);
	assert_int_equal(system(cmd), 0);
}

static void unserve(const char *path)
{
	char link[4096];
	snprintf(link, sizeof(link), "%s/www/%s", dir, path);
	assert_int_equal(unlink(link), 0);
}

/* The snapshots of db, oldest first: labels, routing data start, routes. */
struct snaps {
	struct arena a;
	struct store_snapshot *v;
	size_t n;
};

static void snaps_read(const char *db, struct snaps *s)
{
	struct store *st;
	arena_init(&s->a, 0);
	assert_int_equal(store_open(db, 1, &st), 0);
	assert_int_equal(store_snapshots(st, 0, &s->a, &s->v, &s->n), 0);
	store_close(st);
}

static const struct store_snapshot *snap_of(const struct snaps *s, const char *label)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].label, label) == 0)
			return &s->v[i];
	fail_msg("no snapshot labelled %s", label);
	return NULL;
}

static void test_archive_urls(void **state)
{
	struct sources s;
	assert_int_equal(sources_parse(sources_default_text, "built-in", &s), 0);
	const time_t date = 1704412800; /* 2024-01-05 00:00 UTC */
	char url[1024];
	int archived = 0, current = 0;
	for (int i = 0; i < s.n; i++) {
		int rc = source_archive_url(&s.v[i], date, url, sizeof(url));
		assert_true(rc == 0 || rc == 1);
		archived += rc == 0, current += rc == 1;
		if (strcmp(s.v[i].name, "routeviews-rib") == 0)
			assert_string_equal(url,
			    "http://archive.routeviews.org/bgpdata/2024.01/RIBS/"
			    "rib.20240105.0000.bz2");
		else if (strcmp(s.v[i].name, "ris-rrc00-bview") == 0)
			assert_string_equal(url, "https://data.ris.ripe.net/rrc00/2024.01/"
			                         "bview.20240105.0000.gz");
		else if (strcmp(s.v[i].name, "caida-serial-1") == 0) /* monthly: the 1st */
			assert_string_equal(url,
			    "https://publicdata.caida.org/datasets/"
			    "as-relationships/serial-1/20240101.as-rel.txt.bz2");
		else if (strcmp(s.v[i].name, "ripe-rpki-arin") == 0)
			assert_string_equal(
			    url, "https://ftp.ripe.net/rpki/arin.tal/2024/01/05/roas.csv.xz");
		else if (strcmp(s.v[i].name, "ripe-route") == 0)
			assert_int_equal(rc, 1); /* current only */
		else if (strcmp(s.v[i].name, "rpki-client") == 0)
			assert_int_equal(rc, 1); /* the RIPE archives stand for it */
	}
	assert_int_equal(archived, 11);
	assert_int_equal(current, 9);
	sources_free(&s);
	/* a list without the archive column: dated URLs are their own archive */
	assert_int_equal(sources_parse("mrt a 1d - http://x/{YYYY}{MM}{DD} -\n"
	                               "irr b - - http://x/irr -\n",
	                     "t", &s),
	    0);
	assert_int_equal(source_archive_url(&s.v[0], date, url, sizeof(url)), 0);
	assert_string_equal(url, "http://x/20240105");
	assert_int_equal(source_archive_url(&s.v[1], date, url, sizeof(url)), 1);
	sources_free(&s);
	/* archive only ("-" URL) needs an archive of its own */
	assert_int_equal(sources_parse("vrps a 1d - - - =\n", "t", &s), -1);
}

static void test_bad_ranges(void **state)
{
	static char out[1 << 14];
	const char *bad[] = {"2024-01", "2024-03..2024-01", "2024-02-30..2024-03", "2024-1..2024-2",
	    "2024-01-01..2024-13", "x..y"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char args[256];
		snprintf(
		    args, sizeof(args), "--backfill %s --dry-run --db /nonexistent/db", bad[i]);
		assert_int_equal(run(args, out, sizeof(out)), 1);
		assert_non_null(strstr(out, "expected FROM..TO"));
	}
	assert_int_equal(
	    run("--backfill 2024-01..2024-02 --every year --dry-run", out, sizeof(out)), 1);
	assert_non_null(strstr(out, "expected day, week or month"));
	assert_int_equal(
	    run("--backfill 2024-01..2024-02 --label x --dry-run", out, sizeof(out)), 1);
	assert_non_null(strstr(out, "each snapshot is labelled with its date"));
	assert_int_equal(run("--every day --dry-run", out, sizeof(out)), 1);
	assert_non_null(strstr(out, "--every goes with --backfill"));
	/* weeks and the plan: a month as TO is its last day; nothing fetched, nothing stored */
	assert_int_equal(run("--backfill 2024-01-03..2024-02 --every week --dry-run --only asrel "
	                     "--db /nonexistent/db",
	                     out, sizeof(out)),
	    0);
	assert_int_equal(count(out, "caida-serial-1"), 9); /* Jan 3 .. Feb 28 */
	assert_non_null(strstr(out, "2024-02-28  caida-serial-1       https://publicdata.caida.org/"
	                            "datasets/as-relationships/serial-1/20240201.as-rel.txt.bz2"));
}

static void test_backfill_from_local_server(void **state)
{
	const char *data = getenv("ROUTEMARK_DATA");
	REQUIRE_DATA(upd, "mrt/libbgpstream__ris.rrc06.updates.1401488100.gz");
	(void)upd, (void)data;
	snprintf(dir, sizeof(dir), "/tmp/routemark-test-backfill-%d", (int)getpid());
	char www[300], list[300], args[2048], db[300], db2[300], cmd[1400];
	snprintf(www, sizeof(www), "%s/www", dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(mkdir(www, 0700), 0);
	uint16_t p = httpd_start(www);
	assert_true(p != 0);
	/* three months of archives, each with other routing data, two trust anchors' VRPs */
	serve_as(
	    "mrt/bgpkit__rrc00-updates.20000325.0345.gz", "rrc00/2014.03/updates.20140301.0000.gz");
	serve_as("mrt/bgpdump__updates.20020722.2238.gz", "rrc00/2014.04/updates.20140401.0000.gz");
	serve_as("mrt/libbgpstream__ris.rrc06.updates.1401488100.gz",
	    "rrc00/2014.05/updates.20140501.0000.gz");
	const char *month[] = {"03", "04", "05"};
	for (int i = 0; i < 3; i++) {
		char path[256];
		snprintf(path, sizeof(path), "rpki/arin.tal/2014/%s/01/roas.csv", month[i]);
		serve_as("rpki/vrps_2017-04-13_from_compress_roas.csv", path);
		snprintf(path, sizeof(path), "rpki/ripencc.tal/2014/%s/01/roas.csv", month[i]);
		serve_as("rpki/rpkiirrstats__roas.csv", path);
		snprintf(path, sizeof(path), "caida/2014%s01.as-rel.txt.bz2", month[i]);
		serve_as("caida/20140101.as-rel.txt.bz2", path);
	}
	serve_as("irr/pytinyirrdbcache__ripe.db.sample", "irr/ripe.db.gz"); /* current only */
	snprintf(list, sizeof(list), "%s/sources", dir);
	FILE *f = fopen(list, "w");
	assert_non_null(f);
	fprintf(f,
	    "mrt   rrc00-updates 15m 1h http://127.0.0.1:%u/rrc00/latest-update.gz - "
	    "http://127.0.0.1:%u/rrc00/{YYYY}.{MM}/updates.{YYYY}{MM}{DD}.{HH}{mm}.gz\n"
	    "vrps  rpki-client   -   -  http://127.0.0.1:%u/rpki/vrps.json - -\n"
	    "vrps  rpki-arin     1d  -  - - "
	    "http://127.0.0.1:%u/rpki/arin.tal/{YYYY}/{MM}/{DD}/roas.csv\n"
	    "vrps  rpki-ripencc  1d  -  - - "
	    "http://127.0.0.1:%u/rpki/ripencc.tal/{YYYY}/{MM}/{DD}/roas.csv\n"
	    "asrel caida         1M  45d http://127.0.0.1:%u/caida/{YYYY}{MM}01.as-rel.txt.bz2 - "
	    "=\n"
	    "irr   ripe          -   -  http://127.0.0.1:%u/irr/ripe.db.gz - current\n",
	    p, p, p, p, p, p, p);
	fclose(f);
	snprintf(db, sizeof(db), "%s/rm.db", dir);
	snprintf(args, sizeof(args),
	    "--sources %s --cache %s/cache --db %s --backfill 2014-03..2014-05 --every month", list,
	    dir, db);
	static char out[1 << 16];

	/* the plan: nothing fetched */
	char dry[2200];
	snprintf(dry, sizeof(dry), "%s --dry-run", args);
	int before = requests;
	assert_int_equal(run(dry, out, sizeof(out)), 0);
	assert_int_equal(requests, before);
	assert_int_equal(count(out, "rpki-arin"), 3);
	assert_non_null(strstr(out, "2014-04-01  rrc00-updates        http://127.0.0.1"));
	assert_non_null(strstr(out, "/rrc00/2014.04/updates.20140401.0000.gz"));
	assert_null(strstr(out, "rpki/vrps.json")); /* rpki-client: not in a backfill */
	assert_non_null(strstr(out, "irr/ripe.db.gz  (no archive: today's)"));
	assert_int_equal(access(db, F_OK), -1);

	/* three months: three snapshots, labelled with the dates, times of their data */
	assert_int_equal(run(args, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "run: 1/3 2014-03-01: 5 files"));
	assert_non_null(strstr(out, "run: 3/3 2014-05-01: 5 files"));
	assert_non_null(strstr(out, "3 dates: 3 stored, 0 stored already"));
	assert_int_equal(count(out, "irr/ripe.db.gz (again, "), 2); /* current: fetched once */
	struct snaps s;
	snaps_read(db, &s);
	assert_int_equal(s.n, 3);
	const struct store_snapshot *m3 = snap_of(&s, "2014-03-01"),
	                            *m4 = snap_of(&s, "2014-04-01"),
	                            *m5 = snap_of(&s, "2014-05-01");
	assert_int_equal(m3->routes, 858);
	assert_int_equal(m4->routes, 599);
	assert_int_equal(m5->routes, 1804);
	/* each snapshot's time is its routing data's (the files' own times) */
	assert_true(m3->period_start >= 953955900 && m3->period_start < 953955900 + 3600);
	assert_true(m4->period_start >= 1027377480 && m4->period_start < 1027377480 + 3600);
	assert_true(m5->period_start >= 1401487200 && m5->period_start < 1401487200 + 7200);
	/* the IRR dump has no archive: the provenance says today's file stood in */
	struct store *st;
	struct store_gap *g;
	size_t ng, notarch = 0;
	assert_int_equal(store_open(db, 1, &st), 0);
	assert_int_equal(store_get_gaps(st, m4->id, &s.a, &g, &ng), 0);
	for (size_t i = 0; i < ng; i++)
		if (strcmp(g[i].code, "not-archived") == 0) {
			notarch++;
			assert_string_equal(g[i].kind, "irr");
			assert_non_null(
			    strstr(g[i].detail, "today's file stands in for 2014-04-01"));
			assert_int_equal(g[i].warning, 1);
		}
	assert_int_equal(notarch, 1);
	/* the two trust anchors' VRPs, merged into one file of the date */
	struct store_input *in;
	size_t nin, vrps = 0, len;
	assert_int_equal(store_get_inputs(st, m4->id, &s.a, &in, &nin), 0);
	for (size_t i = 0; i < nin; i++)
		if (strcmp(in[i].kind, "vrps") == 0) {
			vrps++;
			assert_non_null(strstr(in[i].path, "backfill-vrps-2014-04-01.csv"));
			char *text = zinput_slurp(in[i].path, &len);
			assert_non_null(text);
			assert_int_equal(count(text, "\n"), 1 + 38575 + 49); /* one header */
			assert_int_equal(count(text, "ASN,"), 1);
			assert_non_null(
			    strstr(text, "AS31207,86.106.22.0/24,24\n")); /* ripencc's */
			free(text);
		}
	assert_int_equal(vrps, 1);
	store_close(st);
	arena_free(&s.a);

	/* again: every date is stored, nothing is fetched or analyzed */
	before = requests;
	assert_int_equal(run(args, out, sizeof(out)), 0);
	assert_int_equal(requests, before);
	assert_int_equal(count(out, "stored already"), 4); /* three dates and the total */
	assert_null(strstr(out, "snapshot"));
	snaps_read(db, &s);
	assert_int_equal(s.n, 3);
	arena_free(&s.a);

	/* a missing routing file (404): that date is reported, the others stored, exit 1 */
	unserve("rrc00/2014.04/updates.20140401.0000.gz");
	snprintf(db2, sizeof(db2), "%s/rm2.db", dir);
	snprintf(args, sizeof(args),
	    "--sources %s --cache %s/cache --db %s --backfill 2014-03..2014-05", list, dir, db2);
	assert_int_equal(run(args, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "HTTP 404") ? strstr(out, "HTTP 404") : strstr(out, "404"));
	assert_non_null(strstr(out, "unavailable; date 2014-04-01 not stored"));
	assert_non_null(strstr(out, "3 dates: 2 stored, 0 stored already, 0 the same files as the "
	                            "date before, 1 failed: 2014-04-01"));
	snaps_read(db2, &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(snap_of(&s, "2014-03-01")->routes, 858);
	assert_int_equal(snap_of(&s, "2014-05-01")->routes, 1804);
	arena_free(&s.a);
	/* the file is back: a rerun does that date alone */
	serve_as("mrt/bgpdump__updates.20020722.2238.gz", "rrc00/2014.04/updates.20140401.0000.gz");
	assert_int_equal(run(args, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "3 dates: 1 stored, 2 stored already"));
	assert_int_equal(count(out, "snapshot "), 1);
	snaps_read(db2, &s);
	assert_int_equal(s.n, 3);
	assert_int_equal(snap_of(&s, "2014-04-01")->routes, 599);
	arena_free(&s.a);

	/* a mirror laid out as host/path (wget --mirror) instead of the network */
	snprintf(cmd, sizeof(cmd), "mkdir %s/mirror && cp -rL %s '%s/mirror/127.0.0.1:%u'", dir,
	    www, dir, p);
	assert_int_equal(system(cmd), 0);
	snprintf(args, sizeof(args),
	    "--sources %s --mirror %s/mirror --cache %s/cache --db %s/rm3.db --backfill "
	    "2014-05-01..2014-05-01 --every day",
	    list, dir, dir, dir);
	before = requests;
	assert_int_equal(run(args, out, sizeof(out)), 0);
	assert_int_equal(requests, before);
	assert_int_equal(count(out, "(mirror, "), 5);
	assert_non_null(strstr(out, "1 dates: 1 stored"));
	snprintf(db, sizeof(db), "%s/rm3.db", dir);
	snaps_read(db, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(snap_of(&s, "2014-05-01")->routes, 1804);
	arena_free(&s.a);

	httpd_stop();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_archive_urls),
	    cmocka_unit_test(test_bad_ranges),
	    cmocka_unit_test(test_backfill_from_local_server),
	};
	return cmocka_run_group_tests_name("backfill", tests, NULL, NULL);
}
