/*
 * observe: each metric on a small constructed case, through the whole path (checks,
 * attribution, findings, events, incidents, scores) into a temporary store and back.
 *
 * The little world: AS1 and AS3 are providers of AS2; AS3 is the provider of AS30 and AS31;
 * AS4 peers with AS1. VRPs: 193.0.2.0/24-24 AS30, 185.51.100.0/22-23 AS31.
 * IRR: 203.1.113.0/24 origin AS30.
 */
#include <math.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "testutil.h"
#include "irr/irr.h"
#include "mrt/mrt.h"
#include "observe/observe.h"
#include "rpki/rpki.h"
#include "store/store.h"
#include "store/store_private.h"
#include "topo/topo.h"

static char dir[256], dbpath[300];
static struct vrp_table *vrps;
static struct asrel rel;
static struct irr_db irr;

static void write_file(const char *name, const char *text, char *path, size_t size)
{
	snprintf(path, size, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	char path[400];
	snprintf(dir, sizeof(dir), "/tmp/routemark-test-observe-%d", (int)getpid());
	if (mkdir(dir, 0700) != 0)
		return -1;
	snprintf(dbpath, sizeof(dbpath), "%s/t.db", dir);
	vrps = vrp_table_new();
	struct vrp v = {.maxlen = 24, .asn = 30};
	prefix_parse("193.0.2.0/24", &v.p);
	vrp_table_add(vrps, &v);
	v = (struct vrp){.maxlen = 23, .asn = 31};
	prefix_parse("185.51.100.0/22", &v.p);
	vrp_table_add(vrps, &v);
	vrp_table_build(vrps);
	asrel_init(&rel);
	write_file(
	    "rel.txt", "# test\n1|2|-1\n3|2|-1\n3|30|-1\n3|31|-1\n1|4|0\n", path, sizeof(path));
	if (asrel_load(&rel, path) != 0)
		return -1;
	irr_db_init(&irr);
	write_file("irr.db",
	    "route: 203.1.113.0/24\norigin: AS30\nsource: TEST\n\n"
	    "route: 185.51.100.0/24\norigin: AS31\nsource: TEST\n\n" /* longer than maxLength 23 */
	    "aut-num: AS30\nas-name: THIRTY\ntech-c: T30-TEST\nsource: TEST\n\n"
	    "aut-num: AS31\nas-name: THIRTYONE\nabuse-c: A31-TEST\nsource: TEST\n\n",
	    path, sizeof(path));
	struct irr_load_stats st;
	memset(&st, 0, sizeof(st));
	return irr_db_load(&irr, path, &st);
}

static int teardown(void **state)
{
	char cmd[400];
	vrp_table_free(vrps);
	asrel_free(&rel);
	irr_db_free(&irr);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Feed one route: kind, time, prefix, path text. */
static void feed(
    struct observe *o, enum mrt_route_kind kind, uint32_t ts, const char *pfx, const char *path)
{
	static struct aspath_buf b;
	struct bgp_attrs a;
	struct mrt_route rt;
	memset(&a, 0, sizeof(a));
	memset(&rt, 0, sizeof(rt));
	aspath_buf_init(&b);
	assert_int_equal(aspath_parse(path, &b), 0);
	a.aspath = b.w;
	a.aspath_nwords = b.n;
	rt.kind = kind;
	rt.ts = ts;
	rt.safi = 1;
	rt.peer.afi = AFI_IPV4;
	rt.peer.addr[0] = 10;
	rt.peer.asn = 1;
	assert_int_equal(prefix_parse(pfx, &rt.prefix), 0);
	rt.attrs = kind == MRT_ROUTE_WITHDRAW ? NULL : &a;
	observe_route(o, &rt);
	aspath_buf_free(&b);
}

static struct store *run(struct observe *o, const char *key)
{
	struct store *s;
	unlink(dbpath);
	assert_int_equal(store_open(dbpath, 0, &s), 0);
	struct store_snapshot snap;
	memset(&snap, 0, sizeof(snap));
	snprintf(snap.key, sizeof(snap.key), "%s", key);
	assert_int_equal(store_snapshot_begin(s, &snap), 0);
	struct observe_totals tot;
	struct store_results res;
	store_results_init(&res);
	assert_int_equal(observe_score(o, &res, &tot), 0);
	assert_int_equal(observe_write(o, &res, s), 0);
	store_results_free(&res);
	assert_int_equal(store_snapshot_commit(s, &snap), 0);
	return s;
}

/* raw, percent and count of one metric of an AS (percent -1 = no data; -2 = no row) */
static void metric(
    struct store *s, uint32_t asn, const char *m, double *raw, double *pct, uint64_t *count)
{
	struct arena a;
	struct store_metric *v;
	size_t n;
	arena_init(&a, 0);
	assert_int_equal(store_get_metrics(s, 1, asn, &a, &v, &n), 0);
	*pct = -2;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].metric, m) == 0) {
			*raw = v[i].raw;
			*pct = v[i].percent;
			*count = v[i].count;
		}
	arena_free(&a);
	if (*pct == -2)
		fail_msg("AS%u has no %s row", asn, m);
}

static int64_t q(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static struct observe *world(int with_rpki, int with_irr, int with_rel)
{
	struct observe_refs refs = {0};
	refs.vrps = with_rpki ? vrps : NULL;
	refs.irr = with_irr ? &irr : NULL;
	refs.asrel = with_rel ? &rel : NULL;
	return observe_new(&refs, NULL);
}

/* M2 from RPKI: AS31 originates 185.51.100.0/24, longer than maxLength 23 (invalid-length);
 * AS30 originates 185.51.100.0/23 (invalid-asn). AS3 passes both on for its customers. */
static void test_hijack_rpki(void **state)
{
	struct observe *o = world(1, 1, 1);
	feed(o, MRT_ROUTE_RIB, 1000, "185.51.100.0/24", "1 2 3 31");
	feed(o, MRT_ROUTE_RIB, 1000, "185.51.100.0/23", "1 2 3 30");
	feed(o, MRT_ROUTE_RIB, 1000, "193.0.2.0/24", "1 2 3 30"); /* valid */
	struct store *s = run(o, "k");
	double raw, pct;
	uint64_t cnt;
	metric(s, 31, "M2", &raw, &pct, &cnt);
	assert_true(raw == 1 && cnt == 1); /* one RIB sighting: score 1 */
	assert_true(fabs(pct - 100 * exp(-0.7133)) < 1e-9);
	metric(s, 30, "M2", &raw, &pct, &cnt);
	assert_true(raw == 1 && cnt == 1);
	metric(s, 3, "M2C", &raw, &pct, &cnt);
	assert_true(raw == 1 && cnt == 2);     /* two findings, one merged incident */
	metric(s, 2, "M2C", &raw, &pct, &cnt); /* AS2 is not AS3's provider */
	assert_true(raw == 0 && pct == 100 && cnt == 0);
	/* evidence names the covering VRP and the reason */
	assert_int_equal(q(s, "SELECT count(*) FROM finding WHERE asn = 31 AND metric = 'M2' AND "
	                      "evidence LIKE '%invalid-length%185.51.100.0/22%'"),
	    1);
	assert_int_equal(q(s, "SELECT sum(rpki_invalid) FROM as_summary"), 2);
	assert_int_equal(q(s, "SELECT sum(rpki_valid) FROM as_summary"), 1);
	struct arena ar;
	struct store_route *r;
	size_t nr;
	arena_init(&ar, 0);
	assert_int_equal(store_get_routes_by_origin(s, 1, 31, &ar, &r, &nr), 0);
	assert_int_equal(nr, 1);
	assert_string_equal(r[0].prefix, "185.51.100.0/24");
	assert_string_equal(r[0].rpki, "invalid");
	assert_string_equal(r[0].rpki_reason, "invalid-length");
	assert_string_equal(r[0].irr, "exact");
	assert_null(r[0].bogon);
	struct prefix p;
	prefix_parse("185.51.100.0/24", &p);
	assert_int_equal(store_get_routes_by_prefix(s, 1, &p, 1, &ar, &r, &nr), 0);
	assert_int_equal(nr, 2); /* the /23 of AS30 covers it, and itself */
	assert_string_equal(r[0].prefix, "185.51.100.0/23");
	assert_int_equal(r[0].origin, 30);
	assert_string_equal(r[1].prefix, "185.51.100.0/24");
	arena_free(&ar);
	/* M7RPKI of AS30: 1 valid, 1 invalid of 2: 50 - 10 x 50 -> 0 */
	metric(s, 30, "M7RPKI", &raw, &pct, &cnt);
	assert_true(pct == 0);
	store_close(s);
	observe_free(o);
}

/* M2 from the IRR where no ROA covers: 203.1.113.0/24 registered for AS30, announced by
 * AS31. */
static void test_hijack_irr(void **state)
{
	struct observe *o = world(1, 1, 1);
	feed(o, MRT_ROUTE_RIB, 1000, "203.1.113.0/24", "1 2 3 31");
	feed(o, MRT_ROUTE_RIB, 1000, "203.1.113.0/24", "1 2 3 30"); /* the registered one */
	struct store *s = run(o, "k");
	double raw, pct;
	uint64_t cnt;
	metric(s, 31, "M2", &raw, &pct, &cnt);
	assert_true(raw == 1);
	metric(s, 30, "M2", &raw, &pct, &cnt);
	assert_true(raw == 0);
	metric(s, 30, "M7IRR", &raw, &pct, &cnt);
	assert_true(pct == 100);
	metric(s, 31, "M7IRR", &raw, &pct, &cnt);
	assert_true(pct == 0);
	/* M8: AS30's aut-num has a tech-c; AS31's only an abuse-c, which does not count */
	metric(s, 30, "M8", &raw, &pct, &cnt);
	assert_true(pct == 100);
	metric(s, 31, "M8", &raw, &pct, &cnt);
	assert_true(pct == 0);
	assert_int_equal(q(s, "SELECT action3 FROM as_summary WHERE asn = 31"), 0);
	store_close(s);
	observe_free(o);
}

/* M3 / M3C bogon prefix, M4 / M4C bogon ASN (attributed to the AS that passed it on). */
static void test_bogons(void **state)
{
	struct observe *o = world(1, 1, 1);
	feed(o, MRT_ROUTE_RIB, 1000, "10.1.0.0/16", "1 2 3 30");
	feed(o, MRT_ROUTE_RIB, 1000, "193.0.2.0/24", "1 2 3 30 64512");
	struct store *s = run(o, "k");
	double raw, pct;
	uint64_t cnt;
	metric(s, 30, "M3", &raw, &pct, &cnt);
	assert_true(raw == 1);
	metric(s, 3, "M3C", &raw, &pct, &cnt);
	assert_true(raw == 1);
	metric(s, 30, "M4", &raw, &pct, &cnt); /* AS30 passed on private AS64512 */
	assert_true(raw == 1);
	metric(s, 3, "M4C", &raw, &pct, &cnt);
	assert_true(raw == 1);
	assert_int_equal(q(s, "SELECT count(*) FROM finding WHERE metric = 'M3' AND "
	                      "evidence LIKE '%RFC 1918%'"),
	    1);
	/* a private-use ASN is nobody to score */
	assert_int_equal(q(s, "SELECT count(*) FROM as_summary WHERE asn = 64512"), 0);

	store_close(s);
	observe_free(o);
}

/* M1 / M1C: AS2 takes a route from provider AS3 and gives it to provider AS1. */
static void test_leak(void **state)
{
	struct observe *o = world(1, 1, 1);
	feed(o, MRT_ROUTE_RIB, 1000, "193.0.2.0/24", "4 1 2 3 30");
	struct store *s = run(o, "k");
	double raw, pct;
	uint64_t cnt;
	metric(s, 2, "M1", &raw, &pct, &cnt);
	assert_true(raw == 1 && cnt == 1);
	metric(s, 1, "M1C", &raw, &pct, &cnt);
	assert_true(raw == 1);
	metric(s, 3, "M1", &raw, &pct, &cnt);
	assert_true(raw == 0);
	assert_int_equal(q(s, "SELECT count(*) FROM finding WHERE metric = 'M1' AND "
	                      "evidence LIKE '%valley-free%'"),
	    1);
	/* Action 1 score leaves M1 out by default: AS2 has nothing else, so 100 */
	assert_int_equal(q(s, "SELECT action1 FROM as_summary WHERE asn = 2"), 100);
	store_close(s);
	observe_free(o);
}

/* Incidents from an update stream: 29 min, 13 h and 25 h of an invalid route -> 3.5. */
static void test_update_incidents(void **state)
{
	struct observe *o = world(1, 1, 1);
	const uint32_t t0 = 1000000, H = 3600;
	feed(o, MRT_ROUTE_ANNOUNCE, t0, "185.51.100.0/24", "1 2 3 31");
	feed(o, MRT_ROUTE_WITHDRAW, t0 + 29 * 60, "185.51.100.0/24", "");
	feed(o, MRT_ROUTE_ANNOUNCE, t0 + 10 * H, "185.51.100.0/24", "1 2 3 31");
	/* a valid announcement replaces it: the event ends */
	feed(o, MRT_ROUTE_ANNOUNCE, t0 + 23 * H, "185.51.100.0/24", "1 2 3 30 31");
	feed(o, MRT_ROUTE_WITHDRAW, t0 + 24 * H, "185.51.100.0/24", "");
	feed(o, MRT_ROUTE_ANNOUNCE, t0 + 100 * H, "185.51.100.0/24", "1 2 3 31");
	/* still open at the end of the data (125 h) */
	feed(o, MRT_ROUTE_ANNOUNCE, t0 + 125 * H, "193.0.2.0/24", "1 2 3 30");
	struct store *s = run(o, "k");
	double raw, pct;
	uint64_t cnt;
	metric(s, 31, "M2", &raw, &pct, &cnt);
	assert_true(raw == 3.5);
	assert_true(fabs(pct - 100 * exp(-0.7133 * sqrt(3.5))) < 1e-9);
	assert_int_equal(q(s, "SELECT count(*) FROM incident WHERE asn = 31 AND metric = 'M2'"), 3);
	assert_int_equal(
	    q(s, "SELECT max(end) - min(start) FROM incident WHERE asn = 31"), 125 * H);
	store_close(s);
	observe_free(o);
}

/* Reference data missing: its metrics are "no data" (NULL), never 0. */
static void test_no_data(void **state)
{
	struct observe *o = world(0, 0, 0);
	feed(o, MRT_ROUTE_RIB, 1000, "185.51.100.0/24", "1 2 3 31");
	struct store *s = run(o, "k");
	double raw, pct;
	uint64_t cnt;
	metric(s, 31, "M2", &raw, &pct, &cnt);
	assert_true(pct == -1);
	metric(s, 31, "M7RPKI", &raw, &pct, &cnt);
	assert_true(pct == -1);
	metric(s, 31, "M1C", &raw, &pct, &cnt);
	assert_true(pct == -1);
	metric(s, 31, "M5", &raw, &pct, &cnt);
	assert_true(pct == -1);
	metric(s, 31, "M3", &raw, &pct, &cnt); /* built-in bogon registry: always measured */
	assert_true(pct == 100);
	assert_int_equal(q(s, "SELECT action4_rpki IS NULL FROM as_summary WHERE asn = 31"), 1);
	assert_int_equal(q(s, "SELECT sum(n) FROM route_block WHERE kind = 2"), 1);
	store_close(s);
	observe_free(o);
}

/* Route objects alone say nothing about contacts: M8 is no data, not 0. */
static void test_m8_route_objects_only(void **state)
{
	char path[400];
	struct irr_db only;
	struct irr_load_stats st;
	irr_db_init(&only);
	write_file("routes-only.db", "route: 203.1.113.0/24\norigin: AS30\nsource: TEST\n\n", path,
	    sizeof(path));
	memset(&st, 0, sizeof(st));
	assert_int_equal(irr_db_load(&only, path, &st), 0);
	struct observe_refs refs = {0};
	refs.irr = &only;
	struct observe *o = observe_new(&refs, NULL);
	feed(o, MRT_ROUTE_RIB, 1000, "203.1.113.0/24", "1 2 3 30");
	struct store *s = run(o, "k");
	double raw, pct;
	uint64_t cnt;
	metric(s, 30, "M8", &raw, &pct, &cnt);
	assert_true(pct == -1);
	metric(s, 30, "M7IRR", &raw, &pct, &cnt);
	assert_true(pct == 100);
	store_close(s);
	observe_free(o);
	irr_db_free(&only);
}

/* Route objects contradicting the ROAs are reported for deletion (not a metric). */
static void test_irr_stale(void **state)
{
	struct observe *o = world(1, 1, 1);
	feed(o, MRT_ROUTE_RIB, 1000, "185.51.100.0/23", "1 2 3 31");
	struct store *s = run(o, "k");
	assert_int_equal(
	    q(s, "SELECT count(*) FROM finding WHERE metric = 'irr-stale' AND asn = 31 "
	         "AND prefix = '185.51.100.0/24' AND evidence LIKE '%invalid-length%'"),
	    1);
	assert_int_equal(q(s, "SELECT count(*) FROM finding WHERE metric = 'irr-stale'"), 1);
	store_close(s);
	observe_free(o);
}

/* The settings MANRS publishes no number for, and where they are recorded. */
static void test_settings(void **state)
{
	struct observe_config c;
	observe_config_default(&c);
	assert_int_equal(observe_config_set(&c, "ready=85"), 0);
	assert_true(c.ready_min == 85);
	assert_int_equal(observe_config_set(&c, "curve_k=1.5"), 0);
	assert_int_equal(observe_config_set(&c, "action1_with_m1=1"), 0);
	assert_int_equal(c.action1_with_m1, 1);
	assert_int_equal(observe_config_set(&c, "ready=101"), -1);
	assert_int_equal(observe_config_set(&c, "aspiring=90"), -1); /* above ready */
	assert_int_equal(observe_config_set(&c, "nope=1"), -1);
	assert_int_equal(observe_config_set(&c, "curve_k=x"), -1);
	assert_int_equal(observe_config_set(&c, "curve_k"), -1);
	char d[512];
	observe_config_describe(&c, d, sizeof(d));
	assert_non_null(strstr(d, "ready=85\n"));
	struct observe_refs refs = {0};
	refs.vrps = vrps;
	observe_config_set(&c, "snapshot_score=2");
	struct observe *o = observe_new(&refs, &c);
	feed(o, MRT_ROUTE_RIB, 1000, "185.51.100.0/24", "1 2 3 31");
	struct store *s = run(o, "k");
	double raw, pct;
	uint64_t cnt;
	metric(s, 31, "M2", &raw, &pct, &cnt);
	assert_true(raw == 2); /* one snapshot sighting scores 2 now */
	assert_true(fabs(pct - 100 * exp(-1.5 * sqrt(2))) < 1e-9);
	assert_int_equal(q(s, "SELECT value FROM global_stat WHERE scope = 'config' AND key = "
	                      "'ready'"),
	    85);
	store_close(s);
	observe_free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hijack_rpki),
	    cmocka_unit_test(test_hijack_irr),
	    cmocka_unit_test(test_bogons),
	    cmocka_unit_test(test_leak),
	    cmocka_unit_test(test_update_incidents),
	    cmocka_unit_test(test_no_data),
	    cmocka_unit_test(test_irr_stale),
	    cmocka_unit_test(test_m8_route_objects_only),
	    cmocka_unit_test(test_settings),
	};
	return cmocka_run_group_tests_name("observe", tests, setup, teardown);
}
