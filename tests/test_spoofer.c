/*
 * Action 2 (M5) from CAIDA Spoofer sessions. No real Spoofer export is in the shared data:
 * the fixtures are the two sessions CAIDA documents for its Spoofer Data API ("How to check
 * if an ASN supports SAV", the output of dump-spoofer-api-after.pl: AS3356, both blocked),
 * verbatim, and constructed sessions in the same format (marked below) for the cases the
 * documented ones do not show: spoofed packets received, IPv6, a page of the API
 * (hydra:member), a session outside the window and malformed ones.
 */
#include <sqlite3.h>

#include "testutil.h"
#include "registry/registry.h"

/* CAIDA's documented example (JSON lines) */
static const char *DOCUMENTED =
    "{\"@id\":\"/sessions/891176\",\"@type\":\"Session\",\"asn4\":\"3356\",\"asn6\":null,"
    "\"client4\":\"4.30.179.0/24\",\"client6\":null,\"country\":\"usa\",\"nat4\":true,"
    "\"nat6\":null,\"privatespoof\":\"blocked\",\"privatespoof6\":null,\"routedspoof\":"
    "\"blocked\",\"routedspoof6\":null,\"session\":891176,\"timestamp\":"
    "\"2020-05-07T14:34:59+00:00\"}\n"
    "{\"@id\":\"/sessions/894351\",\"@type\":\"Session\",\"asn4\":\"3356\",\"asn6\":null,"
    "\"client4\":\"8.9.89.0/24\",\"client6\":null,\"country\":\"usa\",\"nat4\":true,"
    "\"nat6\":null,\"privatespoof\":\"blocked\",\"privatespoof6\":null,\"routedspoof\":"
    "\"blocked\",\"routedspoof6\":null,\"session\":894351,\"timestamp\":"
    "\"2020-05-13T11:12:51+00:00\"}\n";

/* CONSTRUCTED (not real data), as a page of the API: AS2119 leaks spoofed packets from two
 * IPv4 prefixes (one of them twice) and one IPv6 prefix; one of its sessions is of April
 * (outside a May window); one session has no timestamp and one a bad prefix. */
static const char *CONSTRUCTED =
    "{\"@context\":\"/contexts/Session\",\"@id\":\"/sessions\",\"@type\":\"hydra:Collection\","
    "\"hydra:member\":["
    "{\"session\":1,\"timestamp\":\"2020-05-02T10:00:00+00:00\",\"asn4\":\"2119\","
    "\"client4\":\"193.0.2.0/24\",\"routedspoof\":\"received\",\"privatespoof\":\"blocked\","
    "\"asn6\":\"2119\",\"client6\":\"2001:db8:1::/48\",\"routedspoof6\":\"blocked\","
    "\"privatespoof6\":\"received\"},"
    "{\"session\":2,\"timestamp\":\"2020-05-20T10:00:00+00:00\",\"asn4\":2119,"
    "\"client4\":\"193.0.2.0/24\",\"routedspoof\":\"received\",\"privatespoof\":\"blocked\"},"
    "{\"session\":3,\"timestamp\":\"2020-05-21T10:00:00+00:00\",\"asn4\":\"2119\","
    "\"client4\":\"198.51.100.0/24\",\"routedspoof\":\"blocked\",\"privatespoof\":"
    "\"received\"},"
    "{\"session\":4,\"timestamp\":\"2020-04-30T23:59:59+00:00\",\"asn4\":\"2119\","
    "\"client4\":\"203.0.113.0/24\",\"routedspoof\":\"received\"},"
    "{\"session\":5,\"asn4\":\"2119\",\"client4\":\"203.0.113.0/24\"},"
    "{\"session\":6,\"timestamp\":\"2020-05-03T00:00:00+00:00\",\"asn4\":\"2119\","
    "\"client4\":\"not-a-prefix\",\"routedspoof\":\"received\"}"
    "],\"hydra:totalItems\":6}\n";

static void test_spoofer_parse(void **state)
{
	struct spoofer sp;
	spoofer_init(&sp);
	assert_int_equal(spoofer_load_mem(&sp, DOCUMENTED, strlen(DOCUMENTED), "documented"), 0);
	assert_int_equal(sp.st.sessions, 2);
	assert_int_equal(sp.st.tests, 2);
	assert_int_equal(sp.st.spoofed, 0);
	assert_int_equal(sp.v[0].asn, 3356);
	assert_int_equal(sp.v[0].session, 891176);
	assert_int_equal(sp.v[0].ts, 1588862099); /* 2020-05-07T14:34:59Z */
	int64_t from, to;
	spoofer_window(1589500000, 1589500000, &from, &to); /* 2020-05-14 */
	assert_int_equal(from, 1588291200);                 /* 2020-05-01 */
	assert_int_equal(to, 1590969600);                   /* 2020-06-01 */
	uint32_t n = 99;
	assert_int_equal(spoofer_m5(&sp, 3356, from, to, &n), 1); /* tested, nothing escaped */
	assert_int_equal(n, 0);
	assert_int_equal(spoofer_m5(&sp, 2119, from, to, &n), 0); /* no session: no data */
	spoofer_window(1577836800, 1577836800, &from, &to);       /* January 2020 */
	assert_int_equal(spoofer_m5(&sp, 3356, from, to, &n), 0);
	spoofer_free(&sp);

	/* the API's page, an array and lines in one stream */
	spoofer_init(&sp);
	assert_int_equal(spoofer_load_mem(&sp, CONSTRUCTED, strlen(CONSTRUCTED), "page"), 0);
	assert_int_equal(sp.st.sessions, 5); /* the one without timestamp is malformed */
	assert_int_equal(sp.st.malformed, 2);
	assert_int_equal(sp.st.tests, 5); /* 4 IPv4 + 1 IPv6 */
	spoofer_window(1589500000, 1589500000, &from, &to);
	assert_int_equal(spoofer_m5(&sp, 2119, from, to, &n), 1);
	assert_int_equal(n, 3); /* 193.0.2.0/24 (twice), 198.51.100.0/24, 2001:db8:1::/48 */
	spoofer_free(&sp);

	char arr[4096];
	snprintf(
	    arr, sizeof(arr), "[%.*s]", (int)(strchr(DOCUMENTED, '\n') - DOCUMENTED), DOCUMENTED);
	spoofer_init(&sp);
	assert_int_equal(spoofer_load_mem(&sp, arr, strlen(arr), "array"), 0);
	assert_int_equal(sp.st.sessions, 1);
	spoofer_free(&sp);
	spoofer_init(&sp);
	assert_int_equal(spoofer_load_mem(&sp, "{\"session\":", 11, "cut"), -1);
	spoofer_free(&sp);
}

/* action2 and the M5 row of asn in the store; 0 when no data */
static int m5(const char *db, uint32_t asn, double *pct, double *raw)
{
	sqlite3 *s;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open_v2(db, &s, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(s,
	                     "SELECT action2, (SELECT raw FROM as_metric m WHERE m.asn = ?1 AND "
	                     "metric = 'M5') FROM as_summary WHERE asn = ?1",
	                     -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_int64(st, 1, asn);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int r = sqlite3_column_type(st, 0) != SQLITE_NULL;
	*pct = sqlite3_column_double(st, 0);
	*raw = sqlite3_column_double(st, 1);
	sqlite3_finalize(st);
	sqlite3_close(s);
	return r;
}

/* analyze --spoofer: a table of May 2020 (constructed: three routes) with both fixtures */
static void test_spoofer_analyze(void **state)
{
	char dir[] = "/tmp/rm_spoofer_XXXXXX", p[256], cmd[2048], db[300];
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/sessions.jsonl", dir);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(DOCUMENTED, f);
	fputs(CONSTRUCTED, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "gzip -k %s", p); /* any compression */
	assert_int_equal(system(cmd), 0);
	snprintf(p, sizeof(p), "%s/table.txt", dir);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("4.0.0.0\t9\t3356\n193.0.0.0\t21\t2119\n8.0.0.0\t9\t1\n", f);
	fclose(f);
	snprintf(db, sizeof(db), "%s/s.db", dir);
	snprintf(cmd, sizeof(cmd),
	    "%s analyze --no-progress --db %s --time 2020-05-14 --spoofer %s/sessions.jsonl.gz "
	    "%s >/dev/null 2>&1",
	    test_bin(), db, dir, p);
	assert_int_equal(system(cmd), 0);
	double pct, raw;
	assert_int_equal(m5(db, 3356, &pct, &raw), 1);
	assert_true(pct == 100 && raw == 0);
	assert_int_equal(m5(db, 2119, &pct, &raw), 1);
	assert_true(pct == 0 && raw == 3);
	assert_int_equal(m5(db, 1, &pct, &raw), 0); /* no session: no data */
	/* the report says it */
	snprintf(cmd, sizeof(cmd), "%s report --db %s 2119 | grep -q 'M5 .*raw 3 .*0.0 %%'",
	    test_bin(), db);
	assert_int_equal(system(cmd), 0);
	/* the ranking by spoofing prefixes */
	snprintf(cmd, sizeof(cmd), "%s top --db %s --by M5 | grep -q AS2119", test_bin(), db);
	assert_int_equal(system(cmd), 0);
	/* without --spoofer every AS is no data */
	snprintf(cmd, sizeof(cmd),
	    "%s analyze --no-progress --db %s/n.db --time 2020-05-14 %s >/dev/null 2>&1",
	    test_bin(), dir, p);
	assert_int_equal(system(cmd), 0);
	snprintf(db, sizeof(db), "%s/n.db", dir);
	assert_int_equal(m5(db, 2119, &pct, &raw), 0);
	assert_int_equal(m5(db, 3356, &pct, &raw), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_spoofer_parse),
	    cmocka_unit_test(test_spoofer_analyze),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
