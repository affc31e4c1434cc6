/* store: migrations, one-transaction snapshots, idempotent re-runs, read-only opens. */
#include <sqlite3.h>

#include "testutil.h"
#include "store/store.h"

static char dbpath[256];

static int setup(void **state)
{
	snprintf(dbpath, sizeof(dbpath), "/tmp/routemark-test-store-%d.db", (int)getpid());
	unlink(dbpath);
	return 0;
}

static int teardown(void **state)
{
	char p[300];
	unlink(dbpath);
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", dbpath);
	unlink(p);
	return 0;
}

static int64_t count(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -1;
	assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void write_snapshot(struct store *s, const char *key, int nfind, int commit)
{
	struct store_snapshot snap = {.period_start = 1401487200, .period_end = 1401487200,
	    .label = "test", .routes = 10, .prefixes_v4 = 8, .prefixes_v6 = 2, .ases = 3};
	snprintf(snap.key, sizeof(snap.key), "%s", key);
	assert_int_equal(store_snapshot_begin(s, &snap), 0);
	assert_true(snap.id > 0);
	struct store_input in = {"mrt", "/x/rib.bz2", "ab12", 100, 5, 1};
	assert_int_equal(store_put_input(s, &in), 0);
	struct store_metric m = {64500, "M2", 1, 49.0, 1};
	assert_int_equal(store_put_metric(s, &m), 0);
	struct store_metric nodata = {64500, "M5", 0, -1, 0};
	assert_int_equal(store_put_metric(s, &nodata), 0);
	struct store_as_summary a = {.asn = 64500, .prefixes_v4 = 3, .routes = 3, .rpki_valid = 2,
	    .rpki_invalid = 1, .action = {0, 49, -1, 100, 0}, .action4_irr = 50,
	    .action4_rpki = 0};
	assert_int_equal(store_put_summary(s, &a), 0);
	for (int i = 0; i < nfind; i++) {
		struct store_finding f = {.asn = 64500, .metric = "M2", .culprit = 64500,
		    .prefix = "192.0.2.0/24", .origin = 64500, .path = "3356 64500",
		    .peer_ip = "198.51.100.1", .peer_asn = 3356, .peers = 1,
		    .detail = "RPKI invalid", .evidence = "{\"vrps\":[]}"};
		assert_int_equal(store_put_finding(s, &f), 0);
	}
	struct store_incident inc = {64500, "M2", 1401487200, 1401487200, 1, 1, 1, 0};
	assert_int_equal(store_put_incident(s, &inc), 0);
	struct store_global g = {"all", "rpki_valid_routes", 2};
	assert_int_equal(store_put_global(s, &g), 0);
	assert_int_equal(store_put_asinfo(s, 64500, "EXAMPLE", "NL", NULL), 0);
	if (commit)
		assert_int_equal(store_snapshot_commit(s, &snap), 0);
	else
		store_snapshot_abort(s);
}

static void test_migrate_and_write(void **state)
{
	struct store *s;
	assert_int_equal(store_open(dbpath, 0, &s), 0);
	assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
	write_snapshot(s, "k1", 2, 1);
	assert_int_equal(count(s, "SELECT count(*) FROM finding"), 2);
	assert_int_equal(count(s, "SELECT count(*) FROM as_metric WHERE percent IS NULL"), 1);
	assert_int_equal(count(s, "SELECT count(*) FROM as_summary WHERE action2 IS NULL"), 1);
	/* same key again: replaced, not added (idempotent re-run) */
	write_snapshot(s, "k1", 3, 1);
	assert_int_equal(count(s, "SELECT count(*) FROM snapshot"), 1);
	assert_int_equal(count(s, "SELECT count(*) FROM finding"), 3);
	assert_int_equal(count(s, "SELECT count(*) FROM snapshot_input"), 1);
	/* another key: history grows */
	write_snapshot(s, "k2", 1, 1);
	assert_int_equal(count(s, "SELECT count(*) FROM snapshot"), 2);
	/* an aborted snapshot leaves the previous state intact */
	write_snapshot(s, "k2", 7, 0);
	assert_int_equal(count(s, "SELECT count(*) FROM snapshot"), 2);
	assert_int_equal(count(s, "SELECT count(*) FROM finding"), 4);
	struct store_snapshot snap;
	assert_int_equal(store_snapshot_get(s, 0, &snap), 1);
	assert_string_equal(snap.key, "k2");
	assert_int_equal(snap.routes, 10);
	assert_string_equal(snap.label, "test");
	assert_int_equal(store_snapshot_get(s, 999, &snap), 0);
	store_close(s);

	/* reopen read-only: same data, writes refused */
	assert_int_equal(store_open(dbpath, 1, &s), 0);
	assert_int_equal(count(s, "SELECT count(*) FROM snapshot"), 2);
	assert_int_equal(store_snapshot_begin(s, &snap), -1);
	store_close(s);
}

static void test_bad_files(void **state)
{
	struct store *s;
	/* read-only open of a missing file fails */
	assert_int_equal(store_open("/nonexistent/dir/x.db", 1, &s), -1);
	/* a file that is not SQLite */
	FILE *f = fopen(dbpath, "w");
	fputs("this is not a database, just text that is long enough to be a header......", f);
	fclose(f);
	assert_int_equal(store_open(dbpath, 0, &s), -1);
	unlink(dbpath);
	/* a schema from the future is refused */
	assert_int_equal(store_open(dbpath, 0, &s), 0);
	sqlite3_exec(store_db(s), "PRAGMA user_version = 99", NULL, NULL, NULL);
	store_close(s);
	assert_int_equal(store_open(dbpath, 0, &s), -1);
	assert_int_equal(store_open(dbpath, 1, &s), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_migrate_and_write, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
