/*
 * routemark compact on real data: three snapshots, the two older compacted to their
 * aggregates. Their per-AS summaries, incidents and global figures read back as before; their
 * routes and findings are gone but for a disputed finding; a warning gap says so; the newest
 * is untouched; a second run changes nothing; the file shrinks.
 */
#include <sys/stat.h>

#include "testutil.h"

#include "store/store.h"

static const char *const files[3] = {"mrt/bgpdump__updates.20100722.2015.gz",
    "mrt/libbgpstream__ris.rrc06.updates.1401488100.gz", "mrt/bgpdump__updates.20160811.1600.gz"};

static void count_route(const struct store_route_brief *r, void *arg)
{
	(void)r;
	(*(uint64_t *)arg)++;
}

static uint64_t routes_of(struct store *s, int64_t snap)
{
	uint64_t n = 0;
	assert_int_equal(store_each_route(s, snap, count_route, &n), 0);
	return n;
}

struct before {
	uint32_t asn;
	struct store_as_summary sum;
	size_t nincidents, nglobals;
	uint64_t routes, findings;
};

static void read_state(struct store *s, int64_t snap, uint32_t asn, struct before *b)
{
	struct arena a;
	arena_init(&a, 1 << 14);
	int found;
	b->asn = asn;
	assert_int_equal(store_get_summary(s, snap, asn, &b->sum, &found), 0);
	assert_true(found);
	struct store_incident *inc;
	assert_int_equal(
	    store_get_incidents(s, snap, 0, NULL, 0, 0, 0, 0, &a, &inc, &b->nincidents), 0);
	struct store_global *g;
	assert_int_equal(store_get_globals(s, snap, "", &a, &g, &b->nglobals), 0);
	b->routes = routes_of(s, snap);
	assert_int_equal(store_count_findings(s, snap, asn, NULL, &b->findings), 0);
	arena_free(&a);
}

static void test_compact(void **state)
{
	REQUIRE_DATA(vrps, "rpki/vrps_2017-06-01_from_compress_roas.csv");
	char v[512], dir[] = "/tmp/rm-compact-XXXXXX", db[600], cmd[4096];
	snprintf(v, sizeof(v), "%s", vrps);
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/c.db", dir);
	for (int i = 0; i < 3; i++) {
		REQUIRE_DATA(f, files[i]);
		snprintf(cmd, sizeof(cmd),
		    "%s -q analyze --no-progress --db %s --vrps %s %s >/dev/null 2>&1", test_bin(),
		    db, v, f);
		assert_int_equal(system(cmd), 0);
	}
	struct store *s;
	struct arena a;
	arena_init(&a, 1 << 14);
	assert_int_equal(store_open(db, 1, &s), 0);
	struct store_snapshot *snaps;
	size_t n;
	assert_int_equal(store_snapshots(s, 0, &a, &snaps, &n), 0);
	assert_int_equal(n, 3);
	/* per snapshot, an AS with findings: its state before */
	struct before b[3];
	int64_t disputed = 0;
	for (int i = 0; i < 3; i++) {
		struct store_incident *inc;
		size_t ni;
		assert_int_equal(
		    store_get_incidents(s, snaps[i].id, 0, NULL, 0, 0, 1, 0, &a, &inc, &ni), 0);
		assert_true(ni == 1);
		read_state(s, snaps[i].id, inc[0].asn, &b[i]);
		assert_true(b[i].routes > 0 && b[i].findings > 0);
		if (i == 2) { /* the oldest: one of its findings disputed */
			struct store_finding *f;
			size_t nf;
			assert_int_equal(
			    store_get_findings(s, snaps[i].id, inc[0].asn, NULL, 1, 0, &a, &f, &nf),
			    0);
			disputed = f[0].id;
		}
	}
	store_close(s);
	snprintf(cmd, sizeof(cmd),
	    "%s dispute open --db %s --finding %lld --reason 'LOA on file' --by noc >/dev/null "
	    "2>&1",
	    test_bin(), db, (long long)disputed);
	assert_int_equal(system(cmd), 0);
	struct stat st0, st1;
	assert_int_equal(stat(db, &st0), 0);

	/* usage errors, a dry run: nothing changes */
	snprintf(cmd, sizeof(cmd), "%s compact --db %s >/dev/null 2>&1", test_bin(), db);
	assert_int_not_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd),
	    "%s compact --db %s --keep 1 --before 2015-01-01 >/dev/null 2>&1", test_bin(), db);
	assert_int_not_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd),
	    "%s compact --db %s --keep 1 --dry-run | grep -q '2 of 3 snapshots would be compacted'",
	    test_bin(), db);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(store_open(db, 1, &s), 0);
	assert_int_equal(routes_of(s, snaps[2].id), b[2].routes);
	store_close(s);

	snprintf(
	    cmd, sizeof(cmd), "%s compact --db %s --keep 1 > %s/out.txt 2>&1", test_bin(), db, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd),
	    "cat %s/out.txt; grep -q '2 of 3 snapshots compacted' %s/out.txt", dir, dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(stat(db, &st1), 0);
	assert_true(st1.st_size < st0.st_size);

	assert_int_equal(store_open(db, 1, &s), 0);
	for (int i = 0; i < 3; i++) {
		struct before after;
		read_state(s, snaps[i].id, b[i].asn, &after);
		/* the aggregates stay */
		assert_memory_equal(&after.sum, &b[i].sum, sizeof(after.sum));
		assert_int_equal(after.nincidents, b[i].nincidents);
		assert_int_equal(after.nglobals, b[i].nglobals);
		struct store_gap *g;
		size_t ng, compacted = 0;
		assert_int_equal(store_get_gaps(s, snaps[i].id, &a, &g, &ng), 0);
		for (size_t k = 0; k < ng; k++)
			compacted += strcmp(g[k].code, "compacted") == 0 && g[k].warning;
		if (i == 0) { /* the newest: whole */
			assert_int_equal(after.routes, b[i].routes);
			assert_int_equal(after.findings, b[i].findings);
			assert_int_equal(compacted, 0);
		} else {
			assert_int_equal(after.routes, 0);
			assert_int_equal(after.findings, i == 2 ? 1 : 0); /* the disputed one */
			assert_int_equal(compacted, 1);
		}
	}
	store_close(s);
	snprintf(cmd, sizeof(cmd),
	    "%s compact --db %s --keep 1 | grep -q '0 of 3 snapshots compacted in .* (2 were "
	    "already)'",
	    test_bin(), db);
	assert_int_equal(system(cmd), 0);
	arena_free(&a);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_compact)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
