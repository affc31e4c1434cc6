/* store: migrations, one-transaction snapshots, idempotent re-runs, read-only opens. */
#include <sqlite3.h>

#include "testutil.h"
#include "store/store.h"
#include "store/store_private.h"

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
	struct store_snapshot snap = {.period_start = 1401487200,
	    .period_end = 1401487200,
	    .label = "test",
	    .routes = 10,
	    .prefixes_v4 = 8,
	    .prefixes_v6 = 2,
	    .ases = 3};
	snprintf(snap.key, sizeof(snap.key), "%s", key);
	assert_int_equal(store_snapshot_begin(s, &snap), 0);
	assert_true(snap.id > 0);
	struct store_input in = {"mrt", "/x/rib.bz2", "ab12", 100, 5, 1, 1401487200, "records"};
	assert_int_equal(store_put_input(s, &in), 0);
	struct store_metric m = {64500, "M2", 1, 49.0, 1};
	assert_int_equal(store_put_metrics(s, &m, 1), 0);
	struct store_metric nodata = {64500, "M5", 0, -1, 0};
	assert_int_equal(store_put_metrics(s, &nodata, 1), 0);
	struct store_as_summary a = {.asn = 64500,
	    .prefixes_v4 = 3,
	    .routes = 3,
	    .rpki_valid = 2,
	    .rpki_invalid = 1,
	    .action = {0, 49, -1, 100, 0},
	    .action4_irr = 50,
	    .action4_rpki = 0};
	assert_int_equal(store_put_summaries(s, &a, 1), 0);
	for (int i = 0; i < nfind; i++) {
		struct store_finding f = {.asn = 64500,
		    .metric = "M2",
		    .culprit = 64500,
		    .prefix = "192.0.2.0/24",
		    .origin = 64500,
		    .path = "3356 64500",
		    .peer_ip = "198.51.100.1",
		    .peer_asn = 3356,
		    .peers = 1,
		    .detail = "RPKI invalid",
		    .evidence = "{\"vrps\":[]}"};
		assert_int_equal(store_put_findings(s, &f, 1), 0);
	}
	struct store_incident inc = {64500, "M2", 1401487200, 1401487200, 1, 1, 1, 0};
	assert_int_equal(store_put_incidents(s, &inc, 1), 0);
	struct store_route r1 = {"192.0.2.0/24", 64500, 3, "invalid", "invalid-asn", "absent", NULL,
	    1401487200, 1401487200, NULL};
	struct store_route r2 = {
	    "192.0.0.0/16", 64501, 2, "valid", NULL, "exact", NULL, 1401487200, 1401487200, NULL};
	assert_int_equal(store_put_route(s, &r1), 0);
	assert_int_equal(store_put_route(s, &r2), 0);
	struct store_global g = {"all", "rpki_valid_routes", 2};
	assert_int_equal(store_put_globals(s, &g, 1), 0);
	assert_int_equal(store_put_asinfo(s,
	                     &(struct store_asinfo){64500, "EXAMPLE", "NL", NULL, NULL, NULL}, 1),
	    0);
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

/* Rows put as arrays: whole batches of several rows per statement and a remainder, each row
 * stored exactly once with its own values (a placeholder numbered wrong would move a value
 * to another row or column), NULLs where no data; AS names merged by the upsert, also when
 * one ASN comes twice in a batch. */
static void test_many_rows(void **state)
{
	(void)state;
	enum { N = 37 }; /* two batches of 16 and 5 rows one by one */
	struct store *s;
	assert_int_equal(store_open(dbpath, 0, &s), 0);
	struct store_snapshot snap = {.period_start = 1, .period_end = 2, .label = "many"};
	snprintf(snap.key, sizeof(snap.key), "many");
	assert_int_equal(store_snapshot_begin(s, &snap), 0);
	struct store_as_summary sum[N];
	struct store_metric met[N];
	struct store_incident inc[N];
	struct store_global glob[N];
	struct store_asinfo info[N];
	char key[N][16], name[N][16];
	for (int i = 0; i < N; i++) {
		uint32_t asn = 64500 + (uint32_t)i;
		sum[i] = (struct store_as_summary){.asn = asn,
		    .prefixes_v4 = (uint64_t)i,
		    .prefixes_v6 = (uint64_t)i + 1,
		    .routes = (uint64_t)i + 2,
		    .rpki_valid = (uint64_t)i + 3,
		    .irr_unregistered = (uint64_t)i + 9,
		    .action = {0, i % 2 ? -1 : i, i, 100 - i, 0}, /* action4 is not a column */
		    .action4_irr = i + 0.5,
		    .action4_rpki = -1,
		    .aspa = i % 3 == 0 ? -1 : 1,
		    .aspa_invalid = i};
		met[i] =
		    (struct store_metric){asn, "M1", (double)i, i % 4 ? i + 0.25 : -1, (uint64_t)i};
		inc[i] =
		    (struct store_incident){asn, "M1", i, i + 10, 0.5 * i, 2.0 * i, (uint64_t)i, 1};
		snprintf(key[i], sizeof(key[i]), "k%d", i);
		glob[i] = (struct store_global){"all", key[i], i * 1.5};
		snprintf(name[i], sizeof(name[i]), "NET-%d", i);
		info[i] =
		    (struct store_asinfo){asn, name[i], i % 2 ? "NL" : NULL, NULL, NULL, NULL};
	}
	info[4].cc = "DE"; /* the same AS twice in the first batch: cc kept, the last name */
	info[5].asn = info[4].asn;
	info[5].cc = NULL;
	assert_int_equal(store_put_summaries(s, sum, N), 0);
	assert_int_equal(store_put_metrics(s, met, N), 0);
	assert_int_equal(store_put_incidents(s, inc, N), 0);
	assert_int_equal(store_put_globals(s, glob, N), 0);
	assert_int_equal(store_put_asinfo(s, info, N), 0);
	assert_int_equal(store_snapshot_commit(s, &snap), 0);
	assert_int_equal(count(s, "SELECT count(*) FROM as_summary"), N);
	assert_int_equal(count(s, "SELECT count(*) FROM as_metric"), N);
	assert_int_equal(count(s, "SELECT count(*) FROM incident"), N);
	assert_int_equal(count(s, "SELECT count(*) FROM global_stat"), N);
	assert_int_equal(count(s, "SELECT count(*) FROM as_info"), N - 1);
	/* every row's values are its own */
	assert_int_equal(count(s, "SELECT count(*) FROM as_summary WHERE prefixes_v4 = asn - 64500 "
	                          "AND prefixes_v6 = asn - 64499 AND routes = asn - 64498 "
	                          "AND rpki_valid = asn - 64497 AND irr_unregistered = asn - 64491 "
	                          "AND action2 = asn - 64500 AND action3 = 100 - (asn - 64500) "
	                          "AND action4_irr = asn - 64500 + 0.5 AND action4_rpki IS NULL "
	                          "AND aspa_invalid = asn - 64500 "
	                          "AND (aspa IS NULL) = ((asn - 64500) % 3 = 0) "
	                          "AND (action1 IS NULL) = ((asn - 64500) % 2 = 1) "
	                          "AND (action1 IS NULL OR action1 = asn - 64500)"),
	    N);
	assert_int_equal(count(s, "SELECT count(*) FROM as_metric WHERE count = asn - 64500 AND "
	                          "((asn - 64500) % 4 = 0 AND raw IS NULL AND percent IS NULL OR "
	                          "raw = asn - 64500 AND percent = asn - 64500 + 0.25)"),
	    N);
	assert_int_equal(count(s, "SELECT count(*) FROM incident WHERE start = asn - 64500 AND "
	                          "\"end\" = start + 10 AND weight = 0.5 * start AND "
	                          "score = 2.0 * start AND nevents = start AND duration_known = 1"),
	    N);
	assert_int_equal(count(s, "SELECT count(*) FROM global_stat WHERE "
	                          "value = 1.5 * CAST(substr(key, 2) AS INTEGER)"),
	    N);
	assert_int_equal(count(s, "SELECT count(*) FROM as_info WHERE asn = 64504 AND "
	                          "name = 'NET-5' AND cc = 'DE'"),
	    1);
	assert_int_equal(count(s, "SELECT count(*) FROM as_info WHERE asn = 64503 AND "
	                          "name = 'NET-3' AND cc = 'NL'"),
	    1);
	store_close(s);
}

static void test_queries(void **state)
{
	struct store *s;
	struct arena a;
	arena_init(&a, 0);
	assert_int_equal(store_open(dbpath, 0, &s), 0);
	write_snapshot(s, "k1", 2, 1);
	write_snapshot(s, "k2", 3, 1);
	struct store_snapshot *snaps;
	size_t n;
	assert_int_equal(store_snapshots(s, 0, &a, &snaps, &n), 0);
	assert_int_equal(n, 2);
	int64_t newest = snaps[0].id;
	assert_string_equal(snaps[0].key, "k2");

	struct store_as_summary sum;
	int found;
	assert_int_equal(store_get_summary(s, newest, 64500, &sum, &found), 0);
	assert_true(found);
	assert_int_equal(sum.rpki_invalid, 1);
	assert_true(sum.action[1] == 49);
	assert_true(sum.action[2] < 0);  /* no data survives the round trip */
	assert_true(sum.action[4] == 0); /* min of IRR 50 and RPKI 0 */
	assert_int_equal(store_get_summary(s, newest, 1, &sum, &found), 0);
	assert_false(found);

	struct store_metric *m;
	assert_int_equal(store_get_metrics(s, newest, 64500, &a, &m, &n), 0);
	/* the two rows written, and the share metrics from the summary, in name order */
	assert_int_equal(n, 5);
	assert_string_equal(m[0].metric, "M2");
	assert_string_equal(m[1].metric, "M5");
	assert_true(m[1].percent < 0);
	assert_string_equal(m[2].metric, "M7IRR");
	assert_true(m[2].percent == 50);
	assert_string_equal(m[3].metric, "M7RPKI");
	assert_true(m[3].percent == 0 && m[3].raw == 1); /* raw: the invalid routes */
	assert_string_equal(m[4].metric, "M8");
	assert_true(m[4].percent == 100);

	struct store_finding *f;
	assert_int_equal(store_get_findings(s, newest, 64500, "M2", 2, 0, &a, &f, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(f[0].path, "3356 64500");
	assert_string_equal(f[0].evidence, "{\"vrps\":[]}");
	assert_int_equal(store_get_findings(s, newest, 64500, "M2", 2, 2, &a, &f, &n), 0);
	assert_int_equal(n, 1); /* the third, paged */
	uint64_t cnt;
	assert_int_equal(store_count_findings(s, newest, 64500, NULL, &cnt), 0);
	assert_int_equal(cnt, 3);

	struct store_incident *inc;
	assert_int_equal(store_get_incidents(s, newest, 0, NULL, 0, 0, 0, 0, &a, &inc, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_get_incidents(s, newest, 0, "M3", 0, 0, 0, 0, &a, &inc, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(
	    store_get_incidents(s, newest, 0, NULL, 1401487201, 0, 0, 0, &a, &inc, &n), 0);
	assert_int_equal(n, 0); /* ended before the window */

	struct store_route *r;
	assert_int_equal(store_get_routes_by_origin(s, newest, 64500, &a, &r, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].rpki_reason, "invalid-asn");
	assert_null(r[0].bogon);
	struct prefix p;
	assert_int_equal(prefix_parse("192.0.2.0/24", &p), 0);
	assert_int_equal(store_get_routes_by_prefix(s, newest, &p, 1, &a, &r, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(r[0].prefix, "192.0.0.0/16"); /* covering first */
	assert_int_equal(store_get_routes_by_prefix(s, newest, &p, 0, &a, &r, &n), 0);
	assert_int_equal(n, 1);

	struct store_history *h;
	assert_int_equal(store_get_history(s, 64500, &a, &h, &n), 0);
	assert_int_equal(n, 2);
	assert_true(h[0].found && h[1].found);
	assert_int_equal(store_get_history(s, 7, &a, &h, &n), 0);
	assert_int_equal(n, 2);
	assert_false(h[0].found);

	struct store_global *g;
	assert_int_equal(store_get_globals(s, newest, "all", &a, &g, &n), 0);
	assert_int_equal(n, 1);
	assert_true(g[0].value == 2);
	assert_int_equal(store_top(s, newest, "M2", 10, &a, &m, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].asn, 64500);

	struct store_asinfo ai, *list;
	assert_int_equal(store_get_asinfo(s, 64500, &a, &ai, &found), 0);
	assert_true(found);
	assert_string_equal(ai.name, "EXAMPLE");
	assert_int_equal(store_search_as(s, "examp", 10, &a, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_search_as(s, "AS64500", 10, &a, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_search_as(s, "%", 10, &a, &list, &n), 0);
	assert_int_equal(n, 0); /* wildcards are literal */
	store_close(s);
	arena_free(&a);
}

/* Several snapshots with findings and incidents of several ASes: an AS's findings come in
 * page order (metric, prefix) from the finding_order index, only from the snapshot asked;
 * the incidents of one AS (the incident_asn index) and of every AS; a store made with the
 * old finding index gets the new one on its next read-write open. */
static void test_indexes_many_snapshots(void **state)
{
	struct store *s;
	struct arena a;
	arena_init(&a, 0);
	assert_int_equal(store_open(dbpath, 0, &s), 0);
	static const char *const pfx[] = {"203.0.113.0/24", "192.0.2.0/24", "198.51.100.0/24"};
	static const char *const met[] = {"M2", "M1", "M2"};
	int64_t ids[3];
	for (int k = 0; k < 3; k++) {
		char key[8];
		snprintf(key, sizeof(key), "s%d", k);
		struct store_snapshot snap = {.period_start = 1401487200 - 3600 * k,
		    .period_end = 1401487200 - 3600 * k,
		    .routes = 1,
		    .ases = 2};
		snprintf(snap.key, sizeof(snap.key), "%s", key);
		assert_int_equal(store_snapshot_begin(s, &snap), 0);
		ids[k] = snap.id;
		/* k + 1 findings of AS64500 (written out of page order), one of AS64501 */
		for (int i = 0; i <= k; i++) {
			struct store_finding f = {.asn = 64500,
			    .metric = met[i],
			    .prefix = pfx[i],
			    .origin = 64500,
			    .path = "64500",
			    .detail = key};
			assert_int_equal(store_put_findings(s, &f, 1), 0);
		}
		struct store_finding o = {.asn = 64501,
		    .metric = "M1",
		    .prefix = "10.0.0.0/8",
		    .origin = 64501,
		    .path = "64501",
		    .detail = key};
		assert_int_equal(store_put_findings(s, &o, 1), 0);
		struct store_incident i1 = {64500, "M2", 100 + k, 200, 1, 1, 1, 1};
		struct store_incident i2 = {64501, "M1", 150, 160, 1, 1, 1, 1};
		assert_int_equal(store_put_incidents(s, &i1, 1), 0);
		assert_int_equal(store_put_incidents(s, &i2, 1), 0);
		assert_int_equal(store_snapshot_commit(s, &snap), 0);
	}
	struct store_finding *f;
	size_t n;
	assert_int_equal(store_get_findings(s, ids[2], 64500, NULL, 0, 0, &a, &f, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(f[0].metric, "M1");
	assert_string_equal(f[1].prefix, "198.51.100.0/24"); /* M2, by prefix */
	assert_string_equal(f[2].prefix, "203.0.113.0/24");
	for (size_t i = 0; i < n; i++)
		assert_string_equal(f[i].detail, "s2"); /* only the snapshot asked */
	assert_int_equal(store_get_findings(s, ids[1], 64500, "M2", 1, 1, &a, &f, &n), 0);
	assert_int_equal(n, 0); /* snapshot s1 has one M2 finding */
	assert_int_equal(store_get_findings(s, ids[1], 64500, "M2", 1, 0, &a, &f, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(f[0].prefix, "203.0.113.0/24");
	assert_int_equal(store_get_findings(s, ids[0], 64501, NULL, 0, 0, &a, &f, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(f[0].detail, "s0");

	struct store_incident *inc;
	assert_int_equal(store_get_incidents(s, ids[2], 64500, NULL, 0, 0, 0, 0, &a, &inc, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(inc[0].asn, 64500);
	assert_int_equal(inc[0].start, 102);
	assert_int_equal(store_get_incidents(s, ids[2], 0, NULL, 0, 0, 0, 0, &a, &inc, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(inc[0].asn, 64501); /* newest start first */
	assert_int_equal(
	    store_get_incidents(s, ids[1], 64501, "M1", 155, 0, 0, 0, &a, &inc, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_get_incidents(s, ids[1], 64501, "M2", 0, 0, 0, 0, &a, &inc, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_get_incidents(s, ids[0], 64500, NULL, 0, 0, 1, 1, &a, &inc, &n), 0);
	assert_int_equal(n, 0); /* paged past the only one */
	assert_int_equal(
	    count(s, "SELECT count(*) FROM sqlite_master WHERE name = 'finding_order'"), 1);

	/* a store of the old index: upgraded on the next read-write open, data unchanged */
	assert_int_equal(sqlite3_exec(store_db(s),
	                     "DROP INDEX finding_order; CREATE INDEX "
	                     "finding_asn ON finding(snapshot_id, asn, metric)",
	                     NULL, NULL, NULL),
	    SQLITE_OK);
	store_close(s);
	assert_int_equal(store_open(dbpath, 1, &s), 0); /* readers work with either */
	assert_int_equal(store_get_findings(s, ids[2], 64500, NULL, 0, 0, &a, &f, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(f[0].metric, "M1");
	store_close(s);
	assert_int_equal(store_open(dbpath, 0, &s), 0);
	assert_int_equal(
	    count(s, "SELECT count(*) FROM sqlite_master WHERE name = 'finding_order'"), 1);
	assert_int_equal(
	    count(s, "SELECT count(*) FROM sqlite_master WHERE name = 'finding_asn'"), 0);
	assert_int_equal(count(s, "SELECT count(*) FROM finding"), 9);
	store_close(s);
	arena_free(&a);
}

/* A damaged route block is an error, not garbage routes. */
/* n routes in prefix order (then origin): a few hundred ASes spread over ASN groups, each with
 * routes in several address buckets, IPv4 and IPv6. */
static size_t stream_routes(struct store_route *r, struct prefix *p, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		char text[64];
		if (i % 5 == 4)
			snprintf(text, sizeof(text), "2001:db8:%zx::/48", i);
		else
			snprintf(
			    text, sizeof(text), "%zu.%zu.%zu.0/24", 1 + i % 200, i % 7, i % 250);
		assert_int_equal(prefix_parse(text, &p[k]), 0);
		r[k] = (struct store_route){.pfx = &p[k],
		    .origin = (uint32_t)(64500 + (i * 37) % 300) * (i % 3 ? 1 : 5),
		    .peers = (uint32_t)i,
		    .rpki = i % 2 ? "valid" : "not-found",
		    .irr = "exact",
		    .first_seen = 1,
		    .last_seen = 2};
		k++;
	}
	/* prefix order, then origin (insertion sort: a few hundred) */
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0; j--) {
			int c = prefix_cmp(r[j - 1].pfx, r[j].pfx);
			if (c < 0 || (c == 0 && r[j - 1].origin <= r[j].origin))
				break;
			struct store_route t = r[j];
			r[j] = r[j - 1];
			r[j - 1] = t;
		}
	return k;
}

/* Routes streamed (by prefix and by origin, the passes interleaved) make the same blocks, byte
 * for byte, as the same routes put one by one in prefix order; put in any order, the same
 * blocks with the same routes; a route out of its pass's order fails. */
static void test_routes_streamed(void **state)
{
	(void)state;
	enum { N = 600 };
	static struct store_route r[N];
	static struct prefix p[N];
	size_t n = stream_routes(r, p, N);
	struct store *s;
	assert_int_equal(store_open(dbpath, 0, &s), 0);
	struct store_snapshot a = {.period_start = 1, .period_end = 2}, b = a, c = a;
	snprintf(a.key, sizeof(a.key), "any");
	snprintf(b.key, sizeof(b.key), "streamed");
	snprintf(c.key, sizeof(c.key), "bad");
	assert_int_equal(store_snapshot_begin(s, &a), 0); /* put one by one, in prefix order */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(store_put_route(s, &r[i]), 0);
	assert_int_equal(store_snapshot_commit(s, &a), 0);

	assert_int_equal(store_snapshot_begin(s, &b), 0);
	assert_int_equal(store_routes_stream(s), 0);
	assert_int_equal(store_put_route(s, &r[0]), -1);              /* not while streaming */
	for (uint32_t asn = 0, next; asn != UINT32_MAX; asn = next) { /* by origin, stably */
		next = UINT32_MAX;
		for (size_t i = 0; i < n; i++) {
			if (r[i].origin == asn)
				assert_int_equal(store_stream_route(s, STORE_BY_ORIGIN, &r[i]), 0);
			if (r[i].origin > asn && r[i].origin < next)
				next = r[i].origin;
		}
		if (asn == 64600) /* the passes interleaved */
			for (size_t i = 0; i < n; i++)
				assert_int_equal(store_stream_route(s, STORE_BY_PREFIX, &r[i]), 0);
	}
	assert_int_equal(store_routes_done(s), 0);
	assert_int_equal(store_snapshot_commit(s, &b), 0);
	assert_int_equal(count(s, "SELECT count(*) FROM route_block WHERE snapshot_id = 2"),
	    count(s, "SELECT count(*) FROM route_block WHERE snapshot_id = 1"));
	assert_true(count(s, "SELECT count(DISTINCT key) FROM route_block WHERE kind = 2") > 3);
	assert_int_equal(count(s, "SELECT count(*) FROM route_block x JOIN route_block y ON "
	                          "x.kind = y.kind AND x.key = y.key AND x.n = y.n AND "
	                          "x.data = y.data WHERE x.snapshot_id = 1 AND y.snapshot_id = 2"),
	    count(s, "SELECT count(*) FROM route_block WHERE snapshot_id = 1"));
	assert_int_equal(
	    count(s, "SELECT sum(n) FROM route_block WHERE snapshot_id = 2"), 2 * (int64_t)n);

	/* put in any order (every 7th first, then the rest backwards): the same blocks, their
	 * routes in the order they came within each */
	struct store_snapshot d = a;
	snprintf(d.key, sizeof(d.key), "shuffled");
	assert_int_equal(store_snapshot_begin(s, &d), 0);
	for (size_t i = 0; i < n; i++)
		if (i % 7 == 0)
			assert_int_equal(store_put_route(s, &r[i]), 0);
	for (size_t i = n; i-- > 0;)
		if (i % 7 != 0)
			assert_int_equal(store_put_route(s, &r[i]), 0);
	assert_int_equal(store_snapshot_commit(s, &d), 0);
	assert_int_equal(count(s, "SELECT count(*) FROM route_block x JOIN route_block y ON "
	                          "x.kind = y.kind AND x.key = y.key AND x.n = y.n "
	                          "WHERE x.snapshot_id = 1 AND y.snapshot_id = 3"),
	    count(s, "SELECT count(*) FROM route_block WHERE snapshot_id = 1"));
	struct arena ar;
	arena_init(&ar, 0);
	struct store_route *got;
	size_t ngot;
	assert_int_equal(store_get_routes_by_origin(s, 3, r[0].origin, &ar, &got, &ngot), 0);
	size_t want = 0;
	for (size_t i = 0; i < n; i++)
		want += r[i].origin == r[0].origin;
	assert_int_equal(ngot, want);
	arena_free(&ar);

	/* out of order: a smaller prefix after a larger one, a smaller origin after a larger
	 * one; the snapshot is not stored */
	assert_int_equal(store_snapshot_begin(s, &c), 0);
	assert_int_equal(store_stream_route(s, STORE_BY_PREFIX, &r[0]), -1); /* not begun */
	assert_int_equal(store_routes_stream(s), 0);
	assert_int_equal(store_routes_stream(s), -1);
	assert_int_equal(store_stream_route(s, STORE_BY_PREFIX, &r[n - 1]), 0);
	assert_int_equal(store_stream_route(s, STORE_BY_PREFIX, &r[0]), -1);
	struct store_route hi = r[0], lo = r[0];
	hi.origin = 70000;
	lo.origin = 60000;
	assert_int_equal(store_stream_route(s, STORE_BY_ORIGIN, &hi), 0);
	assert_int_equal(store_stream_route(s, STORE_BY_ORIGIN, &lo), -1);
	store_snapshot_abort(s);
	assert_int_equal(count(s, "SELECT count(*) FROM snapshot"), 3);
	store_close(s);
}

static void test_damaged_routes(void **state)
{
	struct store *s;
	struct arena a;
	struct store_route *r;
	size_t n;
	arena_init(&a, 0);
	assert_int_equal(store_open(dbpath, 0, &s), 0);
	write_snapshot(s, "k1", 1, 1);
	assert_int_equal(store_get_routes_by_origin(s, 1, 64500, &a, &r, &n), 0);
	assert_int_equal(n, 1);
	sqlite3_exec(store_db(s), "UPDATE route_block SET data = x'28b52ffd00' WHERE kind = 2",
	    NULL, NULL, NULL);
	assert_int_equal(store_get_routes_by_origin(s, 1, 64500, &a, &r, &n), -1);
	sqlite3_exec(store_db(s), "UPDATE route_block SET n = 7 WHERE kind = 3", NULL, NULL, NULL);
	struct prefix p;
	prefix_parse("192.0.2.0/24", &p);
	assert_int_equal(store_get_routes_by_prefix(s, 1, &p, 0, &a, &r, &n), -1);
	/* the first layout (kinds 0 and 1) is reported and read as no routes, not misread */
	sqlite3_exec(store_db(s),
	    "DELETE FROM route_block; INSERT INTO route_block VALUES (1, 0, 64500, 1, x'00')", NULL,
	    NULL, NULL);
	assert_int_equal(store_get_routes_by_origin(s, 1, 64500, &a, &r, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_get_routes_by_prefix(s, 1, &p, 1, &a, &r, &n), 0);
	assert_int_equal(n, 0);
	store_close(s);
	arena_free(&a);
}

static int is_wal(struct store *s)
{
	sqlite3_stmt *st;
	int wal = 0;
	assert_int_equal(
	    sqlite3_prepare_v2(store_db(s), "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		wal = strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
	sqlite3_finalize(st);
	return wal;
}

/* A new file takes its first snapshot in rollback-journal mode (written once) and is a WAL
 * store from its close on; a failed first snapshot leaves an empty WAL store. */
static void test_new_store_journal(void **state)
{
	struct store *s;
	assert_int_equal(store_open(dbpath, 0, &s), 0);
	assert_false(is_wal(s));
	write_snapshot(s, "k1", 2, 0); /* aborted */
	store_close(s);
	assert_int_equal(store_open(dbpath, 0, &s), 0);
	assert_true(is_wal(s));
	assert_int_equal(count(s, "SELECT count(*) FROM snapshot"), 0);
	write_snapshot(s, "k1", 2, 1);
	store_close(s);
	unlink(dbpath);
	assert_int_equal(store_open(dbpath, 0, &s), 0);
	write_snapshot(s, "k1", 2, 1);
	store_close(s);
	assert_int_equal(store_open(dbpath, 1, &s), 0); /* a reader sees it, in WAL mode */
	assert_true(is_wal(s));
	assert_int_equal(count(s, "SELECT count(*) FROM finding"), 2);
	assert_int_equal(count(s, "PRAGMA page_size"), 32768);
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
	    cmocka_unit_test_setup_teardown(test_many_rows, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_queries, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_indexes_many_snapshots, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_damaged_routes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_routes_streamed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_new_store_journal, setup, teardown),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
