/*
 * Disputes of findings: the state machine and its audit trail; a rejection leaves the scores
 * as they were; an acceptance takes the finding out of the scores of its snapshot and of a
 * later one, and of a snapshot analysed after it; an AS without an accepted dispute is never
 * touched; the API, the AS page and the conformance report show it; the command's exit
 * codes and messages.
 *
 * The store: three generated RIB dumps (T0, T0 + 1 d, T0 + 2 d) with the same routes, seen
 * by one peer (AS174), against a VRP file of our own:
 *   AS3333 originates 193.0.0.0/21 (valid) and 193.0.8.0/22, 193.0.12.0/22, 193.0.16.0/22
 *          (invalid: three M2 findings, one incident: the RIB is dated by its first record,
 *          though the last route's record is a second later, as in a real dump);
 *   AS1103 originates 145.100.0.0/15 (invalid: its only M2 finding);
 *   AS1136 originates 145.7.0.0/16 (invalid), never disputed: the control.
 * The first two dumps are analysed in setup; the third after the acceptance. Then the same on
 * a real RIB (route-views jinx, ../shared/data).
 */
#include <curl/curl.h>
#include <json-c/json.h>
#include <math.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "testutil.h"
#include "httpget.h"
#include "mrtgen.h"
#include "openapi_check.h"
#include "conform/conform.h"
#include "observe/observe.h"
#include "serve/serve.h"
#include "store/store.h"
#include <sqlite3.h>

#include "store/store_private.h" /* the tables, to compare whole snapshots */

#define T0 1704067200 /* 2024-01-01 */
#define DAY 86400

static char dir[64], db[128];
static int64_t snap1, snap2; /* the snapshots of T0 and T0 + 1 d */

static const char *tmp(const char *name)
{
	static char buf[4][160];
	static int next;
	char *b = buf[next++ & 3];
	snprintf(b, sizeof(buf[0]), "%s/%s", dir, name);
	return b;
}

static void rib_route(struct mrtgen_buf *b, uint32_t ts, uint32_t seq, const char *pfx,
    const uint32_t *path, size_t n)
{
	struct prefix p;
	assert_int_equal(prefix_parse(pfx, &p), 0);
	struct mrtgen_buf a;
	mrtgen_buf_init(&a);
	uint8_t nh[4] = {192, 0, 2, 1};
	mrtgen_attr_origin(&a, 0);
	mrtgen_attr_aspath_seq(&a, path, n, 1);
	mrtgen_attr_nexthop(&a, nh);
	struct mrtgen_rib r = mrtgen_rib_begin(b, ts, MRTGEN_RIB_IPV4_UNICAST, seq, p.len, p.addr);
	mrtgen_rib_entry(b, &r, 0, ts, 0, a.p, a.len);
	mrtgen_rib_end(b, &r);
	mrtgen_buf_free(&a);
}

/* The RIB of day d, analysed into the store. */
static void analyse_day(int d)
{
	uint32_t ts = T0 + (uint32_t)d * DAY;
	struct mrtgen_buf b;
	mrtgen_buf_init(&b);
	struct mrtgen_peer pe[1] = {{.afi = 1, .asn = 174, .bgp_id = 1, .addr = {192, 0, 2, 1}}};
	mrtgen_peer_index(&b, ts, 0x0a000001, "test", pe, 1);
	uint32_t p3333[] = {174, 3333}, p1103[] = {174, 1103}, p1136[] = {174, 1136};
	rib_route(&b, ts, 0, "145.7.0.0/16", p1136, 2);
	rib_route(&b, ts, 1, "145.100.0.0/15", p1103, 2);
	rib_route(&b, ts, 2, "193.0.0.0/21", p3333, 2);
	rib_route(&b, ts, 3, "193.0.8.0/22", p3333, 2);
	rib_route(&b, ts, 4, "193.0.12.0/22", p3333, 2);
	rib_route(&b, ts + 1, 5, "193.0.16.0/22", p3333, 2);
	char name[32], cmd[1024];
	snprintf(name, sizeof(name), "day%d.mrt", d);
	assert_int_equal(mrtgen_write_file(&b, tmp(name)), 0);
	mrtgen_buf_free(&b);
	snprintf(cmd, sizeof(cmd), "%s -q analyze --no-progress --db %s --vrps %s %s >/dev/null",
	    test_bin(), db, tmp("vrps.csv"), tmp(name));
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/rm-dispute-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(db, sizeof(db), "%s/t.db", dir);
	char prof[4096];
	const char *top = getenv("ROUTEMARK_TOP");
	snprintf(prof, sizeof(prof), "%s/profiles", top ? top : ".");
	setenv("ROUTEMARK_PROFILES", prof, 1);
	FILE *f = fopen(tmp("vrps.csv"), "w");
	if (f == NULL)
		return -1;
	fputs("ASN,IP Prefix,Max Length,Trust Anchor\n"
	      "AS3333,193.0.0.0/21,21,ripe\n"
	      "AS12654,193.0.8.0/22,22,ripe\n"
	      "AS12654,193.0.12.0/22,22,ripe\n"
	      "AS12654,193.0.16.0/22,22,ripe\n"
	      "AS1101,145.100.0.0/15,15,ripe\n"
	      "AS1125,145.7.0.0/16,16,ripe\n",
	    f);
	fclose(f);
	analyse_day(0);
	analyse_day(1);
	struct store *s;
	if (store_open(db, 1, &s) != 0)
		return -1;
	struct arena a;
	arena_init(&a, 0);
	struct store_snapshot *sn;
	size_t n;
	int rc = store_snapshots(s, 0, &a, &sn, &n);
	if (rc == 0 && n == 2) { /* newest first */
		snap2 = sn[0].id;
		snap1 = sn[1].id;
	}
	arena_free(&a);
	store_close(s);
	return rc == 0 && n == 2 ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* What the scores of an AS in a snapshot are, as the store has them. */
struct scores {
	double m2_raw, m2_pct, action1;
	uint64_t m2_count;
	size_t nincidents;
	uint64_t scored_findings;
	double ready[4]; /* the snapshot's readiness distribution of Action 1 */
};

static void scores_of(struct store *s, int64_t snap, uint32_t asn, struct scores *x)
{
	struct arena a;
	arena_init(&a, 0);
	memset(x, 0, sizeof(*x));
	struct store_metric *m;
	size_t n;
	assert_int_equal(store_get_metrics(s, snap, asn, &a, &m, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(m[i].metric, "M2") == 0) {
			x->m2_raw = m[i].raw;
			x->m2_pct = m[i].percent;
			x->m2_count = m[i].count;
		}
	struct store_as_summary sum;
	int found;
	assert_int_equal(store_get_summary(s, snap, asn, &sum, &found), 0);
	assert_true(found);
	x->action1 = sum.action[1];
	struct store_incident *inc;
	assert_int_equal(
	    store_get_incidents(s, snap, asn, "M2", 0, 0, 0, 0, &a, &inc, &x->nincidents), 0);
	assert_int_equal(store_count_scored_findings(s, snap, asn, "M2", &x->scored_findings), 0);
	struct store_global *g;
	assert_int_equal(store_get_globals(s, snap, "all", &a, &g, &n), 0);
	static const char *const keys[4] = {
	    "action1_no_data", "action1_lagging", "action1_aspiring", "action1_ready"};
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 4; k++)
			if (strcmp(g[i].key, keys[k]) == 0)
				x->ready[k] = g[i].value;
	arena_free(&a);
}

static void assert_same_scores(const struct scores *a, const struct scores *b)
{
	assert_true(a->m2_raw == b->m2_raw && a->m2_pct == b->m2_pct);
	assert_true(a->action1 == b->action1);
	assert_int_equal(a->m2_count, b->m2_count);
	assert_int_equal(a->nincidents, b->nincidents);
	assert_int_equal(a->scored_findings, b->scored_findings);
}

/* The id of asn's M2 finding of prefix in snap. */
static int64_t finding_id(struct store *s, int64_t snap, uint32_t asn, const char *prefix)
{
	struct arena a;
	arena_init(&a, 0);
	struct store_finding *f;
	size_t n;
	int64_t id = 0;
	assert_int_equal(store_get_findings(s, snap, asn, "M2", 0, 0, &a, &f, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].prefix, prefix) == 0)
			id = f[i].id;
	arena_free(&a);
	assert_true(id > 0);
	return id;
}

/* Run a routemark command line; its exit status, and its stdout+stderr in out. */
static int run(const char *args, char *out, size_t size)
{
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", test_bin(), args);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The analysis found what the design says. */
static void test_store_as_analysed(void **state)
{
	struct store *s;
	struct scores x3333, x1103, x1136;
	assert_int_equal(store_open(db, 1, &s), 0);
	for (int k = 0; k < 2; k++) {
		int64_t snap = k ? snap2 : snap1;
		scores_of(s, snap, 3333, &x3333);
		scores_of(s, snap, 1103, &x1103);
		scores_of(s, snap, 1136, &x1136);
		assert_int_equal(x3333.m2_count, 3);
		assert_int_equal(x3333.nincidents, 1); /* one RIB snapshot: one incident */
		assert_int_equal(x1103.m2_count, 1);
		assert_true(x1103.m2_raw > 0 && x1103.m2_pct < 100);
		assert_true(x1103.action1 < 100);
		assert_int_equal(x1136.m2_count, 1);
	}
	store_close(s);
}

/* open -> rejected, with its audit trail; one live dispute per identity (in any snapshot);
 * a new dispute after a rejection; rejection changes no score. */
static void test_state_machine(void **state)
{
	struct store *s;
	assert_int_equal(store_open(db, 0, &s), 0);
	struct scores before, after;
	scores_of(s, snap1, 1103, &before);
	int64_t f1 = finding_id(s, snap1, 1103, "145.100.0.0/15");
	int64_t f2 = finding_id(s, snap2, 1103, "145.100.0.0/15");
	int64_t id, dup;
	assert_int_equal(store_dispute_open(s, f1, "", "noc@1103", &id), -1); /* no reason */
	assert_int_equal(
	    store_dispute_open(s, 999999, "why", "noc@1103", &id), STORE_DISPUTE_NOT_FOUND);
	assert_int_equal(store_dispute_open(s, f1, "authorised under an LOA", "noc@1103", &id), 0);
	/* the same route in the later snapshot is the same finding */
	assert_int_equal(
	    store_dispute_open(s, f2, "again", "noc@1103", &dup), STORE_DISPUTE_CONFLICT);
	assert_int_equal(dup, id);
	assert_int_equal(
	    store_dispute_decide(s, 999999, "rejected", "rev", NULL), STORE_DISPUTE_NOT_FOUND);
	assert_int_equal(store_dispute_decide(s, id, "rejected", "rev@ix", "no LOA on file"), 0);
	assert_int_equal(
	    store_dispute_decide(s, id, "accepted", "rev@ix", NULL), STORE_DISPUTE_CONFLICT);
	struct arena a;
	arena_init(&a, 0);
	struct store_dispute d;
	int found;
	assert_int_equal(store_get_dispute(s, id, &a, &d, &found), 0);
	assert_true(found);
	assert_string_equal(d.state, "rejected");
	assert_string_equal(d.reviewer, "rev@ix");
	assert_string_equal(d.metric, "M2");
	assert_string_equal(d.prefix, "145.100.0.0/15");
	assert_int_equal(d.origin, 1103);
	assert_int_equal(d.snapshot_id, snap1);
	assert_int_equal(d.finding_id, f1);
	struct store_dispute_event *ev;
	size_t nev;
	assert_int_equal(store_get_dispute_events(s, id, &a, &ev, &nev), 0);
	assert_int_equal(nev, 2);
	assert_null(ev[0].from_state);
	assert_string_equal(ev[0].to_state, "open");
	assert_string_equal(ev[0].who, "noc@1103");
	assert_string_equal(ev[0].note, "authorised under an LOA");
	assert_string_equal(ev[1].from_state, "open");
	assert_string_equal(ev[1].to_state, "rejected");
	assert_string_equal(ev[1].who, "rev@ix");
	assert_string_equal(ev[1].note, "no LOA on file");
	assert_true(ev[1].time >= ev[0].time && ev[0].time > 0);
	/* a rejected dispute is not applied: nothing is rewritten */
	int rescored;
	assert_int_equal(observe_rescore(s, snap1, 1103, &rescored), 0);
	assert_int_equal(rescored, 0);
	scores_of(s, snap1, 1103, &after);
	assert_same_scores(&before, &after);
	/* after the rejection the finding may be disputed again */
	int64_t again;
	assert_int_equal(store_dispute_open(s, f1, "the LOA, attached", "noc@1103", &again), 0);
	assert_true(again != id);
	struct store_dispute *all;
	size_t n;
	assert_int_equal(store_get_disputes(s, 1103, NULL, &a, &all, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_get_disputes(s, 1103, "open", &a, &all, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(all[0].id, again);
	assert_int_equal(all[0].snapshot_id, snap1);
	assert_int_equal(store_get_disputes(s, 3333, NULL, &a, &all, &n), 0);
	assert_int_equal(n, 0);
	arena_free(&a);
	store_close(s);
}

/* The command: exit codes and messages. */
static void test_cli(void **state)
{
	char out[4096], args[1024];
	snprintf(args, sizeof(args), "dispute open --db %s --finding 999999 --reason x", db);
	assert_int_equal(run(args, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "no finding 999999"));
	snprintf(args, sizeof(args), "dispute open --db %s --finding abc --reason x", db);
	assert_int_equal(run(args, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "--finding abc: expected a finding id"));
	snprintf(args, sizeof(args), "dispute open --db %s --finding 1", db);
	assert_int_equal(run(args, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "--reason TEXT are required"));
	snprintf(args, sizeof(args), "dispute accept 424242 --db %s --reviewer r", db);
	assert_int_equal(run(args, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "no dispute 424242"));
	snprintf(args, sizeof(args), "dispute accept x1 --db %s --reviewer r", db);
	assert_int_equal(run(args, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "'x1' is not a dispute id"));
	snprintf(args, sizeof(args), "dispute accept 1 --db %s", db);
	assert_int_equal(run(args, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "--reviewer WHO is required"));
	snprintf(args, sizeof(args), "dispute reject 1 --db %s --reviewer r", db); /* decided */
	assert_int_equal(run(args, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "dispute 1 is not open (already decided)"));
	snprintf(args, sizeof(args), "dispute show 1 --db %s", db); /* the audit trail */
	assert_int_equal(run(args, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "#1\trejected\tAS1103\tM2\t145.100.0.0/15"));
	assert_non_null(strstr(out, "- -> open\tby noc@1103\tauthorised under an LOA"));
	assert_non_null(strstr(out, "open -> rejected\tby rev@ix\tno LOA on file"));
	snprintf(args, sizeof(args), "dispute frobnicate --db %s", db);
	assert_int_equal(run(args, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "unknown action 'frobnicate'"));
	snprintf(args, sizeof(args), "dispute list --db %s --state pending", db);
	assert_int_equal(run(args, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "expected open, accepted or rejected"));
	snprintf(args, sizeof(args), "dispute list --db %s/none.db", dir);
	assert_int_equal(run(args, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "no such store"));
	assert_int_equal(access(tmp("none.db"), F_OK), -1); /* and none was created */
	/* a double dispute, through the command: AS3333's 193.0.8.0/22 */
	struct store *s;
	assert_int_equal(store_open(db, 1, &s), 0);
	int64_t f = finding_id(s, snap1, 3333, "193.0.8.0/22");
	int64_t f_later = finding_id(s, snap2, 3333, "193.0.8.0/22");
	store_close(s);
	snprintf(args, sizeof(args),
	    "dispute open --db %s --finding %lld --by noc@3333 --reason 'our customer, LOA'", db,
	    (long long)f_later);
	assert_int_equal(run(args, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "opened on finding"));
	snprintf(args, sizeof(args), "dispute open --db %s --finding %lld --reason again", db,
	    (long long)f);
	assert_int_equal(run(args, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "is already disputed"));
	snprintf(args, sizeof(args), "dispute list --db %s --asn 3333 --format json", db);
	assert_int_equal(run(args, out, sizeof(out)), 0);
	json_object *j = json_tokener_parse(out);
	assert_non_null(j);
	assert_int_equal(json_object_array_length(j), 1);
	json_object *x = json_object_array_get_idx(j, 0), *v;
	assert_true(json_object_object_get_ex(x, "state", &v));
	assert_string_equal(json_object_get_string(v), "open");
	assert_true(json_object_object_get_ex(x, "opened_by", &v));
	assert_string_equal(json_object_get_string(v), "noc@3333");
	json_object_put(j);
}

/* Acceptance rewrites the AS's scores in the dispute's snapshot and the later one; the
 * control AS and the rest of the snapshot are untouched. */
static void test_accept_rescores(void **state)
{
	struct store *s;
	struct scores b1103[2], b3333[2], b1136[2], x;
	int64_t snaps[2] = {snap1, snap2};
	assert_int_equal(store_open(db, 1, &s), 0);
	for (int k = 0; k < 2; k++) {
		scores_of(s, snaps[k], 1103, &b1103[k]);
		scores_of(s, snaps[k], 3333, &b3333[k]);
		scores_of(s, snaps[k], 1136, &b1136[k]);
	}
	struct arena a;
	arena_init(&a, 0);
	struct store_dispute *d;
	size_t n;
	assert_int_equal(store_get_disputes(s, 1103, "open", &a, &d, &n), 0);
	assert_int_equal(n, 1);
	int64_t id1103 = d[0].id; /* raised on the first snapshot */
	assert_int_equal(store_get_disputes(s, 3333, "open", &a, &d, &n), 0);
	assert_int_equal(n, 1);
	int64_t id3333 = d[0].id; /* raised on the second */
	store_close(s);
	char out[4096], args[1024];
	snprintf(args, sizeof(args),
	    "dispute accept %lld --db %s --reviewer rev@ix --note 'LOA checked'", (long long)id3333,
	    db);
	assert_int_equal(run(args, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "scores rewritten in 1 snapshot"));
	snprintf(args, sizeof(args), "dispute accept %lld --db %s --reviewer rev@ix",
	    (long long)id1103, db);
	assert_int_equal(run(args, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "scores rewritten in 2 snapshots"));
	assert_int_equal(store_open(db, 0, &s), 0);
	/* AS3333: one of its three hijacks, disputed from the second snapshot on; the first
	 * keeps all three. The two left are still the one incident of the RIB snapshot, as
	 * analysis made it (their records' times differ: the rebuilt events are dated as
	 * analysis dated them, never split into more incidents than it saw) */
	scores_of(s, snap1, 3333, &x);
	assert_same_scores(&b3333[0], &x);
	scores_of(s, snap2, 3333, &x);
	assert_int_equal(x.m2_count, 2);
	assert_int_equal(x.scored_findings, 2);
	assert_int_equal(x.nincidents, 1);
	assert_true(x.m2_raw == b3333[1].m2_raw && x.m2_pct == b3333[1].m2_pct);
	assert_true(x.action1 == b3333[1].action1);
	struct observe_config cfg;
	observe_config_default(&cfg);
	for (int k = 0; k < 2; k++) {
		/* the control AS: as analysed */
		scores_of(s, snaps[k], 1136, &x);
		assert_same_scores(&b1136[k], &x);
		/* AS1103: its only hijack, disputed in both: raw 0, full score */
		scores_of(s, snaps[k], 1103, &x);
		assert_int_equal(x.m2_count, 0);
		assert_true(x.m2_raw == 0 && x.m2_pct == 100);
		assert_int_equal(x.nincidents, 0);
		assert_int_equal(x.scored_findings, 0);
		assert_true(x.action1 > b1103[k].action1);
		/* Action 1 is the mean of the metrics as stored now */
		struct store_metric *m;
		assert_int_equal(store_get_metrics(s, snaps[k], 1103, &a, &m, &n), 0);
		double pct[METRIC_COUNT];
		for (int i = 0; i < METRIC_COUNT; i++)
			pct[i] = -1;
		for (size_t i = 0; i < n; i++)
			pct[metric_by_name(m[i].metric)->id] = m[i].percent;
		assert_true(fabs(action1_score(&cfg, pct) - x.action1) < 1e-9);
		assert_true(fabs(x.action1 - 100) < 1e-9); /* nothing else wrong with AS1103 */
		/* the readiness distribution moved with it: as many ASes as before */
		double was = 0, now = 0;
		for (int r = 0; r < 4; r++) {
			was += b1103[k].ready[r];
			now += x.ready[r];
		}
		assert_true(was == now);
		assert_true(x.ready[3] == b1103[k].ready[3] + 1);
	}
	/* applying again rewrites nothing */
	size_t nre;
	assert_int_equal(observe_apply_disputes(s, snap2, &nre), 0);
	assert_int_equal(nre, 0);
	int rescored;
	assert_int_equal(observe_rescore(s, snap2, 1136, &rescored), 0);
	assert_int_equal(rescored, 0);
	/* the findings are kept, marked with the dispute */
	struct store_finding *f;
	assert_int_equal(store_get_findings(s, snap1, 1103, "M2", 0, 0, &a, &f, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(f[0].disputed, id1103);
	assert_int_equal(store_get_findings(s, snap1, 3333, "M2", 0, 0, &a, &f, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(f[0].disputed + f[1].disputed + f[2].disputed, 0);
	assert_int_equal(store_get_findings(s, snap2, 3333, "M2", 0, 0, &a, &f, &n), 0);
	assert_int_equal(f[0].disputed + f[1].disputed + f[2].disputed, id3333);
	arena_free(&a);
	store_close(s);
}

/* A snapshot analysed after the acceptance has the disputes applied as it is written. */
static void test_later_analysis(void **state)
{
	analyse_day(2);
	struct store *s;
	assert_int_equal(store_open(db, 1, &s), 0);
	struct store_snapshot sn;
	assert_int_equal(store_snapshot_get(s, 0, &sn), 1);
	assert_true(sn.id != snap1 && sn.id != snap2);
	struct scores x;
	scores_of(s, sn.id, 1103, &x);
	assert_int_equal(x.m2_count, 0);
	assert_true(x.m2_pct == 100 && fabs(x.action1 - 100) < 1e-9);
	assert_int_equal(x.nincidents, 0);
	scores_of(s, sn.id, 3333, &x);
	assert_int_equal(x.m2_count, 2);
	assert_int_equal(x.scored_findings, 2);
	scores_of(s, sn.id, 1136, &x);
	assert_int_equal(x.m2_count, 1);
	assert_true(x.m2_pct < 100);
	store_close(s);
	/* every accepted dispute is in every snapshot already: applying again changes nothing */
	char out[1024], args[400];
	snprintf(args, sizeof(args), "dispute apply --db %s", db);
	assert_int_equal(run(args, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "accepted disputes applied: 0 AS scores rewritten"));
}

/* ---------------------------------------------------------------- HTTP */

/* GET path as JSON, checked against docs/openapi.yaml (strict). */
static json_object *api(struct oas *o, uint16_t port, const char *path)
{
	struct body b;
	assert_int_equal(http_get(port, path, &b), 200);
	json_object *j = json_tokener_parse(b.p);
	free(b.p);
	assert_non_null(j);
	int documented;
	size_t n = oas_check_response(o, "GET", path, 200, j, &documented);
	if (n)
		fprintf(stderr, "GET %s: %s", path, o->err);
	assert_true(documented);
	assert_int_equal(n, 0);
	return j;
}

static json_object *jget(json_object *o, const char *k)
{
	json_object *v = NULL;
	assert_true(json_object_object_get_ex(o, k, &v));
	return v;
}

static void test_api_and_page(void **state)
{
	struct oas o;
	char spec[1024], path[256];
	const char *top = getenv("ROUTEMARK_TOP");
	snprintf(spec, sizeof(spec), "%s/docs/openapi.yaml", top ? top : ".");
	assert_int_equal(oas_load(&o, spec), 0);
	o.strict = 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct serve *sv;
	struct serve_config c = {.db = db, .listen = "127.0.0.1:0", .threads = 2};
	assert_int_equal(serve_start(&c, &sv), 0);
	uint16_t port = serve_port(sv);
	/* the disputes with their audit trail */
	json_object *j = api(&o, port, "/api/v1/as/1103/disputes");
	json_object *items = jget(j, "items");
	assert_int_equal(json_object_array_length(items), 2);
	json_object *d = json_object_array_get_idx(items, 0); /* newest: the accepted one */
	assert_string_equal(json_object_get_string(jget(d, "state")), "accepted");
	assert_string_equal(json_object_get_string(jget(d, "reviewer")), "rev@ix");
	json_object *audit = jget(d, "audit");
	assert_int_equal(json_object_array_length(audit), 2);
	assert_string_equal(
	    json_object_get_string(jget(json_object_array_get_idx(audit, 1), "to")), "accepted");
	assert_int_equal(oas_check_ref(&o, "#/components/schemas/Dispute", d), 0);
	int64_t id = json_object_get_int64(jget(d, "id"));
	d = json_object_array_get_idx(items, 1);
	assert_string_equal(json_object_get_string(jget(d, "state")), "rejected");
	json_object_put(j);
	j = api(&o, port, "/api/v1/as/1103/disputes?state=rejected");
	assert_int_equal(json_object_array_length(jget(j, "items")), 1);
	json_object_put(j);
	struct body e;
	assert_int_equal(http_get(port, "/api/v1/as/1103/disputes?state=pending", &e), 400);
	assert_non_null(strstr(e.p, "expected open, accepted or rejected"));
	free(e.p);
	/* the finding carries the dispute in the newest snapshot */
	j = api(&o, port, "/api/v1/as/1103/findings?metric=M2");
	json_object *f = json_object_array_get_idx(jget(j, "items"), 0);
	assert_int_equal(json_object_get_int64(jget(f, "disputed")), id);
	json_object_put(j);
	j = api(&o, port, "/api/v1/as/1136/findings?metric=M2");
	f = json_object_array_get_idx(jget(j, "items"), 0);
	assert_true(json_object_is_type(jget(f, "disputed"), json_type_null));
	json_object_put(j);
	/* the scorecard (routemark.report/1) too */
	j = api(&o, port, "/api/v1/as/1103");
	f = json_object_array_get_idx(jget(j, "findings"), 0);
	assert_int_equal(json_object_get_int64(jget(f, "disputed")), id);
	json_object_put(j);
	/* the AS page: a Disputes section, the finding struck through */
	struct body b;
	assert_int_equal(http_get(port, "/as/1103", &b), 200);
	assert_non_null(strstr(b.p, "<h2 id=\"disputes\">Disputes (2)</h2>"));
	snprintf(path, sizeof(path), "disputed #%lld", (long long)id);
	assert_non_null(strstr(b.p, path));
	assert_non_null(strstr(b.p, "<tr class=\"disputed\"><td><s>M2"));
	assert_non_null(strstr(b.p, "open → accepted by rev@ix"));
	free(b.p);
	assert_int_equal(http_get(port, "/as/1136", &b), 200);
	assert_non_null(strstr(b.p, "Disputes (0)"));
	assert_null(strstr(b.p, "class=\"disputed\""));
	free(b.p);
	serve_stop(sv, 500);
	curl_global_cleanup();
	oas_free(&o);
}

/* The conformance report lists the disputes, and a disputed finding's evidence is followed by
 * the dispute (manrs-netops: its "action1 >= 90" control lists the Action 1 findings). */
static void test_conform_report(void **state)
{
	struct conform_profile *p;
	char err[512];
	assert_int_equal(conform_profile_find("manrs-netops", &p, err, sizeof(err)), 0);
	struct store *s;
	assert_int_equal(store_open(db, 1, &s), 0);
	struct conform_ctx ctx = {.store = s, .max_evidence = 100};
	struct arena a;
	arena_init(&a, 0);
	struct conform_result r;
	assert_int_equal(conform_evaluate(&ctx, p, 3333, &a, &r), 0);
	assert_int_equal(r.ndisputes, 1);
	assert_string_equal(r.disputes[0].state, "accepted");
	size_t ndisp = 0, nfind = 0;
	for (size_t i = 0; i < r.n; i++)
		for (size_t k = 0; k < r.c[i].nev; k++) {
			const struct conform_evidence *e = &r.c[i].ev[k];
			if (strcmp(e->kind, "finding") == 0)
				nfind++;
			if (strcmp(e->kind, "dispute") != 0)
				continue;
			ndisp++;
			assert_string_equal(e->state, "accepted");
			assert_string_equal(e->prefix, "193.0.8.0/22");
			assert_non_null(strstr(e->text, "rev@ix"));
			assert_non_null(strstr(e->text, "our customer, LOA"));
			/* right after the finding it is about */
			assert_true(k > 0);
			assert_string_equal(r.c[i].ev[k - 1].kind, "finding");
			assert_string_equal(r.c[i].ev[k - 1].prefix, "193.0.8.0/22");
		}
	assert_true(nfind > 0);
	assert_true(ndisp > 0);
	char *text = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&text, &len);
	conform_render_json(mf, &r);
	fclose(mf);
	json_object *j = json_tokener_parse(text);
	free(text);
	assert_non_null(j);
	json_object *ds = jget(j, "disputes");
	assert_int_equal(json_object_array_length(ds), 1);
	json_object *d = json_object_array_get_idx(ds, 0);
	assert_string_equal(json_object_get_string(jget(d, "state")), "accepted");
	assert_string_equal(json_object_get_string(jget(d, "prefix")), "193.0.8.0/22");
	assert_string_equal(json_object_get_string(jget(d, "reviewer")), "rev@ix");
	assert_string_equal(json_object_get_string(jget(d, "note")), "LOA checked");
	json_object_put(j);
	mf = open_memstream(&text, &len);
	conform_render_html_fragment(mf, &r);
	fclose(mf);
	assert_non_null(strstr(text, "<h2>Disputes of findings (1)</h2>"));
	assert_non_null(strstr(text, "<b>accepted</b> M2 193.0.8.0/22 origin AS3333"));
	free(text);
	/* an AS without disputes: an empty list, no dispute evidence */
	assert_int_equal(conform_evaluate(&ctx, p, 1136, &a, &r), 0);
	assert_int_equal(r.ndisputes, 0);
	for (size_t i = 0; i < r.n; i++)
		for (size_t k = 0; k < r.c[i].nev; k++)
			assert_string_not_equal(r.c[i].ev[k].kind, "dispute");
	arena_free(&a);
	store_close(s);
	conform_profile_free(p);
}

/* ---------------------------------------------------------------- a real RIB */

/* A digest of every score row of snap except asn's (and the readiness counts). */
static void digest(struct store *s, int64_t snap, uint32_t asn, char *out, size_t size)
{
	static const char *const q[] = {
	    "SELECT count(*), total(raw), total(percent), total(count) FROM as_metric "
	    "WHERE snapshot_id = ?1 AND asn <> ?2",
	    "SELECT count(*), total(action1), total(action2), total(action4_rpki) FROM as_summary "
	    "WHERE snapshot_id = ?1 AND asn <> ?2",
	    "SELECT count(*), total(score), total(start), total(nevents) FROM incident "
	    "WHERE snapshot_id = ?1 AND asn <> ?2",
	    "SELECT count(*), total(value), 0, 0 FROM global_stat WHERE snapshot_id = ?1 AND "
	    "?2 > 0 AND key NOT LIKE 'action1_%'",
	};
	size_t o = 0;
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(store_db(s), q[i], -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_int64(st, 1, snap);
		sqlite3_bind_int64(st, 2, asn);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		o += (size_t)snprintf(out + o, size - o, "%lld %.17g %.17g %.17g;",
		    (long long)sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1),
		    sqlite3_column_double(st, 2), sqlite3_column_double(st, 3));
		sqlite3_finalize(st);
	}
}

/* The route-views jinx RIB: a dispute of one of AS6939's 51 customer hijacks (M2C, all in
 * one incident of the RIB snapshot) leaves 50 and the same incident, score and Action 1;
 * no other AS's rows and no global figure change. */
static void test_real_rib(void **state)
{
	REQUIRE_DATA(rib, "mrt/libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2");
	REQUIRE_DATA(vrps, "rpki/vrps_2017-06-01_from_compress_roas.csv");
	REQUIRE_DATA(rel, "caida/20140101.as-rel.txt.bz2");
	char cmd[2048], big[200];
	snprintf(big, sizeof(big), "%s/jinx.db", dir);
	snprintf(cmd, sizeof(cmd),
	    "%s -q analyze --no-progress --db %s --vrps %s --asrel %s %s >/dev/null", test_bin(),
	    big, vrps, rel, rib);
	assert_int_equal(system(cmd), 0);
	struct store *s;
	assert_int_equal(store_open(big, 0, &s), 0);
	struct store_snapshot sn;
	assert_int_equal(store_snapshot_get(s, 0, &sn), 1);
	struct arena a;
	arena_init(&a, 0);
	struct store_finding *f;
	size_t n;
	assert_int_equal(store_get_findings(s, sn.id, 6939, "M2C", 0, 0, &a, &f, &n), 0);
	assert_true(n > 10);
	struct store_metric *m;
	size_t nm;
	double raw0 = -1, pct0 = -1;
	assert_int_equal(store_get_metrics(s, sn.id, 6939, &a, &m, &nm), 0);
	for (size_t i = 0; i < nm; i++)
		if (strcmp(m[i].metric, "M2C") == 0)
			raw0 = m[i].raw, pct0 = m[i].percent;
	assert_true(raw0 > 0);
	struct store_as_summary sum0, sum1;
	int found;
	assert_int_equal(store_get_summary(s, sn.id, 6939, &sum0, &found), 0);
	char before[512], after[512];
	digest(s, sn.id, 6939, before, sizeof(before));
	int64_t id;
	assert_int_equal(store_dispute_open(s, f[n / 2].id, "announced for us", "noc", &id), 0);
	assert_int_equal(store_dispute_decide(s, id, "accepted", "rev", NULL), 0);
	size_t nsnap;
	double t0 = clock_mono();
	assert_int_equal(observe_apply_dispute(s, id, &nsnap), 0);
	double took = clock_mono() - t0;
	assert_int_equal(nsnap, 1);
	digest(s, sn.id, 6939, after, sizeof(after));
	assert_string_equal(before, after);
	assert_int_equal(store_get_metrics(s, sn.id, 6939, &a, &m, &nm), 0);
	for (size_t i = 0; i < nm; i++)
		if (strcmp(m[i].metric, "M2C") == 0) {
			assert_int_equal(m[i].count, n - 1);
			assert_true(m[i].raw == raw0 && m[i].percent == pct0);
		}
	assert_int_equal(store_get_summary(s, sn.id, 6939, &sum1, &found), 0);
	assert_true(sum1.action[1] == sum0.action[1]);
	uint64_t scored;
	assert_int_equal(store_count_scored_findings(s, sn.id, 6939, "M2C", &scored), 0);
	assert_int_equal(scored, n - 1);
	printf("jinx RIB: AS6939 M2C %zu -> %llu findings, raw %.2f kept; rescored in %.3f s\n", n,
	    (unsigned long long)scored, raw0, took);
	arena_free(&a);
	store_close(s);
}

int main(void)
{
	/* in this order: each works on the store the ones before left */
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_store_as_analysed),
	    cmocka_unit_test(test_state_machine),
	    cmocka_unit_test(test_cli),
	    cmocka_unit_test(test_accept_rescores),
	    cmocka_unit_test(test_later_analysis),
	    cmocka_unit_test(test_api_and_page),
	    cmocka_unit_test(test_conform_report),
	    cmocka_unit_test(test_real_rib),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
