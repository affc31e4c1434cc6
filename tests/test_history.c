/*
 * History across snapshots: RPKI coverage by address space (engine/space.c: /24s and /48s,
 * overlaps once, default routes left out) and the snapshot diff (report/diff.c), on two small
 * synthetic snapshots whose answers are known by hand; then `routemark diff` on them.
 */
#include <json-c/json.h>
#include <sys/wait.h>

#include <sqlite3.h>

#include "testutil.h"

#include "engine/engine.h"
#include "report/report.h"

struct r {
	const char *prefix;
	uint32_t origin;
	const char *rpki;
};

/* A snapshot of these routes; returns its id. */
static int64_t snapshot(struct store *s, const char *key, int64_t t, const struct r *v, size_t n)
{
	struct store_snapshot snap = {.period_start = t, .period_end = t, .label = key};
	snprintf(snap.key, sizeof(snap.key), "%s", key);
	assert_int_equal(store_snapshot_begin(s, &snap), 0);
	for (size_t i = 0; i < n; i++) {
		struct store_route rt = {.prefix = v[i].prefix,
		    .origin = v[i].origin,
		    .peers = 1,
		    .rpki = v[i].rpki,
		    .first_seen = t,
		    .last_seen = t};
		assert_int_equal(store_put_route(s, &rt), 0);
	}
	snap.routes = n;
	assert_int_equal(store_snapshot_commit(s, &snap), 0);
	return snap.id;
}

static const struct r old_routes[] = {
    {"10.0.0.0/16", 64501, "valid"},
    {"10.0.1.0/24", 64501, "valid"}, /* inside the /16: its space counts once */
    {"192.0.2.0/24", 64502, "not-found"}, {"2001:db8::/32", 64503, "invalid"},
    {"2001:db8:1::/48", 64503, "invalid"},
    {"0.0.0.0/0", 64509, "not-found"}, /* a default route: not address space */
};
static const struct r new_routes[] = {
    {"10.0.0.0/16", 64501, "invalid"},    /* valid -> invalid */
    {"192.0.2.0/24", 64502, "valid"},     /* not-found -> valid */
    {"198.51.100.0/24", 64504, "valid"},  /* appeared */
    {"2001:db8::/32", 64503, "invalid"},  /* unchanged */
    {"2001:db8:1::/48", 64503, "invalid"} /* unchanged */
};

static char dbpath[] = "/tmp/rm-history-XXXXXX";

static int setup(void **state)
{
	(void)state;
	int fd = mkstemp(dbpath);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(dbpath);
	struct store *s;
	if (store_open(dbpath, 0, &s) != 0)
		return -1;
	snapshot(s, "old", 1704110400, old_routes, sizeof(old_routes) / sizeof(old_routes[0]));
	snapshot(s, "new", 1712361600, new_routes, sizeof(new_routes) / sizeof(new_routes[0]));
	store_close(s);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(dbpath);
	return 0;
}

static void space_add(const struct store_route_brief *r, void *arg)
{
	engine_space_add(arg, r);
}

/* The address-space figures of stored snapshot snap, as the engine computes them. */
static void space_of(struct store *s, int64_t snap, int have_vrps, struct store_results *out)
{
	struct space *sp = engine_space_new(NULL, NULL);
	assert_int_equal(store_each_route(s, snap, space_add, sp), 0);
	engine_space_finish(sp, have_vrps, out);
}

static struct store_results figures[3];

static double global(struct store *s, int64_t snap, const char *scope, const char *key)
{
	(void)s;
	return store_results_global(&figures[snap], scope, key, -1);
}

static void test_space(void **state)
{
	(void)state;
	struct store *s;
	assert_int_equal(store_open(dbpath, 0, &s), 0);
	store_results_init(&figures[1]);
	store_results_init(&figures[2]);
	space_of(s, 1, 1, &figures[1]);
	space_of(s, 2, 0, &figures[2]);
	/* old: a /16 (256 /24s, its /24 inside once) and a /24; the default route left out */
	assert_true(global(s, 1, "all", "space_v4_24s") == 257);
	assert_true(global(s, 1, "afi:4", "space_v4_24s") == 257);
	assert_true(global(s, 1, "all", "space_v4_24s_rpki") == 256);
	assert_true(global(s, 1, "all", "space_v4_24s_valid") == 256);
	/* a /32 is 65536 /48s, the /48 inside it once; covered (invalid), none valid */
	assert_true(global(s, 1, "all", "space_v6_48s") == 65536);
	assert_true(global(s, 1, "afi:6", "space_v6_48s_rpki") == 65536);
	assert_true(global(s, 1, "all", "space_v6_48s_valid") == 0);
	assert_true(global(s, 1, "afi:4", "space_v6_48s") < 0); /* each family its own */
	/* without VRPs only the announced space: the rest is no data, not 0 */
	assert_true(global(s, 2, "all", "space_v4_24s") == 258);
	assert_true(global(s, 2, "all", "space_v4_24s_rpki") < 0);
	store_results_free(&figures[1]);
	store_results_free(&figures[2]);
	store_close(s);
}

static void test_diff(void **state)
{
	(void)state;
	struct store *s;
	assert_int_equal(store_open(dbpath, 1, &s), 0);
	struct report_diff d;
	assert_int_equal(report_diff(s, 1, 2, 10, &d), 0);
	assert_int_equal(d.routes_from, 6);
	assert_int_equal(d.routes_to, 5);
	assert_int_equal(d.changed, 2);
	assert_int_equal(d.unchanged, 2);
	assert_int_equal(d.became[1], 1); /* valid */
	assert_int_equal(d.became[2], 1); /* invalid */
	assert_int_equal(d.became[3], 0);
	assert_int_equal(d.matrix[1][2], 1);
	assert_int_equal(d.matrix[3][1], 1);
	assert_int_equal(d.matrix[2][2], 2);
	assert_int_equal(d.appeared[1], 1);
	assert_int_equal(d.disappeared[1], 1); /* 10.0.1.0/24 */
	assert_int_equal(d.disappeared[3], 1); /* the default route */
	assert_int_equal(d.nchanges, 2);       /* prefix order */
	char buf[PREFIX_STRLEN];
	assert_string_equal(prefix_format(&d.changes[0].prefix, buf, sizeof(buf)), "10.0.0.0/16");
	assert_int_equal(d.changes[0].from, 1);
	assert_int_equal(d.changes[0].to, 2);
	assert_string_equal(prefix_format(&d.changes[1].prefix, buf, sizeof(buf)), "192.0.2.0/24");
	assert_int_equal(d.changes[1].origin, 64502);
	report_diff_free(&d);
	/* bounded */
	assert_int_equal(report_diff(s, 1, 2, 1, &d), 0);
	assert_int_equal(d.nchanges, 1);
	assert_int_equal(d.changed, 2);
	report_diff_free(&d);
	/* backwards: the same changes the other way */
	assert_int_equal(report_diff(s, 2, 1, 0, &d), 0);
	assert_int_equal(d.became[1], 1);
	assert_int_equal(d.became[3], 1);
	assert_int_equal(d.appeared[3], 1);
	assert_int_equal(d.nchanges, 0);
	report_diff_free(&d);
	store_close(s);
}

static char *run(const char *args, int *status)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "%s diff --db %s %s 2>&1", test_bin(), dbpath, args);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	char *out = calloc(1, 65536);
	size_t n = fread(out, 1, 65535, f);
	out[n] = '\0';
	int st = pclose(f);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return out;
}

static void test_diff_command(void **state)
{
	(void)state;
	int st;
	char *out = run("1 2", &st);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "routes: 6 -> 5; 4 in both, 1 appeared, 2 disappeared"));
	assert_non_null(strstr(out, "RPKI state changed in both: 2 (became valid 1, invalid 1"));
	assert_non_null(strstr(out, "10.0.0.0/16          AS64501      valid -> invalid"));
	free(out);
	out = run("--format json --limit 1 1 2", &st);
	assert_int_equal(st, 0);
	json_object *j = json_tokener_parse(out);
	assert_non_null(j);
	json_object *x;
	assert_true(json_object_object_get_ex(j, "changes", &x));
	assert_int_equal(json_object_array_length(x), 1);
	assert_true(json_object_object_get_ex(j, "schema", &x));
	assert_string_equal(json_object_get_string(x), "routemark.diff/1");
	assert_true(json_object_object_get_ex(j, "vrps_from", &x));
	assert_null(x); /* no VRP input recorded for these snapshots */
	json_object_put(j);
	free(out);
	out = run("1 9", &st);
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "no snapshot 9"));
	free(out);
	out = run("1", &st);
	assert_int_equal(st, 1);
	free(out);
}

/* diff --roas: the two snapshots' VRP files read again (by the recorded path, when the
 * SHA-256 still matches): the ROAs that appeared and disappeared. */
static void test_diff_roas(void **state)
{
	(void)state;
	REQUIRE_DATA(mrt, "mrt/bgpdump__updates.20020722.2238.gz");
	char dir[] = "/tmp/rm_diffroas_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char cmd[2048], out[4096];
	snprintf(cmd, sizeof(cmd),
	    "cd %s && printf 'ASN,IP Prefix,Max Length,Trust "
	    "Anchor\\nAS3333,193.0.0.0/21,21,ripe\\n"
	    "AS15169,8.8.8.0/24,24,arin\\n' > a.csv && printf 'ASN,IP Prefix,Max Length,Trust "
	    "Anchor\\nAS3333,193.0.0.0/21,24,ripe\\nAS13335,1.1.1.0/24,24,apnic\\n' > b.csv && "
	    "%s analyze --db d.db --vrps a.csv %s >/dev/null 2>&1 && %s analyze --db d.db --vrps "
	    "b.csv %s >/dev/null 2>&1 && %s diff --db d.db --roas 1 2 > out.txt 2>&1",
	    dir, test_bin(), mrt, test_bin(), mrt, test_bin());
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/out.txt", dir);
	FILE *f = fopen(cmd, "r");
	assert_non_null(f);
	size_t n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	fclose(f);
	assert_non_null(strstr(out, "ROAs (VRPs) from a.csv to b.csv:"));
	assert_non_null(strstr(out, "  - 193.0.0.0/21             max 21  AS3333\n"));
	assert_non_null(strstr(out, "  + 193.0.0.0/21             max 24  AS3333\n"));
	assert_non_null(strstr(out, "  + 1.1.1.0/24               max 24  AS13335\n"));
	assert_non_null(strstr(out, "  2 appeared, 2 disappeared (2 VRPs before, 2 after)"));
	/* the sets come from the store: the files may change or go */
	snprintf(cmd, sizeof(cmd),
	    "cd %s && echo 'AS1,2.0.0.0/8,8,x' >> b.csv && mv a.csv a.old && %s diff --db d.db "
	    "--roas 1 2 2>&1 | grep -q '2 appeared, 2 disappeared (2 VRPs before, 2 after)'",
	    dir, test_bin());
	assert_int_equal(system(cmd), 0);
	/* a store without them (made before routemark kept them): the files as recorded, and a
	 * VRP file changed since its snapshot is not taken for it */
	snprintf(cmd, sizeof(cmd), "%s/d.db", dir);
	sqlite3 *h;
	assert_int_equal(sqlite3_open(cmd, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "DELETE FROM vrp_set", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	snprintf(cmd, sizeof(cmd),
	    "cd %s && mv a.old a.csv && %s diff --db d.db --roas 1 2 2>&1 | grep -q 'b.csv has "
	    "changed since snapshot 2 was made'",
	    dir, test_bin());
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "cd %s && %s diff --db d.db --roas 1 2 >/dev/null 2>&1", dir,
	    test_bin());
	assert_int_equal(WEXITSTATUS(system(cmd)), 1);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_space),
	    cmocka_unit_test(test_diff),
	    cmocka_unit_test(test_diff_command),
	    cmocka_unit_test(test_diff_roas),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
