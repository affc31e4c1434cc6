/*
 * Action 3 (M8) is "no data" for an AS whose contacts' registry was not loaded, not
 * "lagging". The store is analysed from the real NRO delegated-stats excerpt (AS1 and AS8
 * ARIN, AS7 RIPE NCC) and a RIPE aut-num sample written here (no real aut-num dump is in the
 * shared data: the one object below is constructed, in the RIPE database's format). The
 * routes are a three-line prefix2as table written here, one route per AS.
 */
#include <sqlite3.h>
#include <sys/stat.h>

#include "testutil.h"

static char dir[] = "/tmp/rm_action3_XXXXXX";

static void put(const char *name, const char *text)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* action3 of asn in the only snapshot: 1 and *pct when measured, 0 when NULL, -1 no row */
static int action3(const char *db, uint32_t asn, double *pct)
{
	sqlite3 *s;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open_v2(db, &s, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(s, "SELECT action3 FROM as_summary WHERE asn = ?1", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_int64(st, 1, asn);
	int r = -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		r = sqlite3_column_type(st, 0) != SQLITE_NULL;
		*pct = sqlite3_column_double(st, 0);
	}
	sqlite3_finalize(st);
	sqlite3_close(s);
	return r;
}

static void run(const char *args, const char *db)
{
	char cmd[2048];
	snprintf(cmd, sizeof(cmd),
	    "%s analyze --no-progress --db %s --time 2016-04-06 %s %s/table.txt >/dev/null 2>&1",
	    test_bin(), db, args, dir);
	assert_int_equal(system(cmd), 0);
}

static void test_action3_per_registry(void **state)
{
	REQUIRE_DATA(deleg, "misc/rpkiirrstats__nro-extended-delegated-stats-excerpt.txt");
	char delegp[1024], args[2048], db[256];
	snprintf(delegp, sizeof(delegp), "%s", deleg);
	assert_non_null(mkdtemp(dir));
	put("table.txt", "193.0.0.0\t21\t7\n4.0.0.0\t9\t1\n8.0.0.0\t9\t8\n");
	put("ripe.db", "aut-num:        AS7\nas-name:        UK-MOD\n"
	               "tech-c:         DUMY-RIPE\nadmin-c:        DUMY-RIPE\n"
	               "mnt-by:         RIPE-NCC-HM-MNT\nsource:         RIPE\n\n");
	double p = -1;

	/* the RIPE database only: AS7 measured (its aut-num has contacts), the ARIN ASes not */
	snprintf(db, sizeof(db), "%s/ripe.db3", dir);
	snprintf(args, sizeof(args), "--delegated %s --irr %s/ripe.db", delegp, dir);
	run(args, db);
	assert_int_equal(action3(db, 7, &p), 1);
	assert_true(p == 100);
	assert_int_equal(action3(db, 1, &p), 0); /* ARIN: no data, not lagging */
	assert_int_equal(action3(db, 8, &p), 0);

	/* an AS of RIPE NCC without an aut-num in the loaded RIPE database is measured: lagging */
	put("table.txt", "193.0.0.0\t21\t7\n4.0.0.0\t9\t1\n8.0.0.0\t9\t8\n");
	put("ripe2.db", "aut-num:        AS7\nas-name:        UK-MOD\n"
	                "mnt-by:         RIPE-NCC-HM-MNT\nsource:         RIPE\n\n");
	snprintf(db, sizeof(db), "%s/ripe2.db3", dir);
	snprintf(args, sizeof(args), "--delegated %s --irr %s/ripe2.db", delegp, dir);
	run(args, db);
	assert_int_equal(action3(db, 7, &p), 1);
	assert_true(p == 0); /* no tech-c or admin-c: lagging */
	assert_int_equal(action3(db, 1, &p), 0);

	/* without --delegated the RIR of AS1 is unknown: no data too; AS7 still measured */
	snprintf(db, sizeof(db), "%s/nodeleg.db3", dir);
	snprintf(args, sizeof(args), "--irr %s/ripe.db", dir);
	run(args, db);
	assert_int_equal(action3(db, 7, &p), 1);
	assert_int_equal(action3(db, 1, &p), 0);

	/* no contact registry at all: no data for everyone */
	snprintf(db, sizeof(db), "%s/none.db3", dir);
	snprintf(args, sizeof(args), "--delegated %s", delegp);
	run(args, db);
	assert_int_equal(action3(db, 7, &p), 0);
	assert_int_equal(action3(db, 1, &p), 0);

	/* PeeringDB loaded (here an export of IXPs only, real, of 2016-10-19): every AS is
	 * measured by it, and one without a network record there and no aut-num lags */
	REQUIRE_DATA(pdb, "peeringdb/pdb_2016-10-19_ix.json");
	snprintf(db, sizeof(db), "%s/pdb.db3", dir);
	snprintf(
	    args, sizeof(args), "--delegated %s --irr %s/ripe.db --peeringdb %s", delegp, dir, pdb);
	run(args, db);
	assert_int_equal(action3(db, 1, &p), 1);
	assert_true(p == 0);
	assert_int_equal(action3(db, 7, &p), 1);
	assert_true(p == 100);

	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_action3_per_registry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
