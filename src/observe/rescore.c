/*
 * Accepted disputes in the scores: an AS's findings of a stored snapshot that an accepted
 * dispute covers no longer count. The AS's incidents and metric rows of the metrics with a
 * disputed finding are rebuilt from the findings that remain, with the functions analysis
 * uses (incidents_merge, metric_percent, action1_score) and the settings the snapshot was
 * scored with (global_stat scope "config"); then its Action 1 score and the readiness
 * distribution. Every other AS, and every other metric, keeps the analysis's rows.
 *
 * The events: analysis makes one of the RIB snapshots a finding was in (dated by each
 * dump's first record) and one per peer of the update stream, from an announcement to the
 * withdrawal (or the data's end). The store keeps per finding the RIB dates (rib_first,
 * rib_last: that event is rebuilt exactly) and the span of its announcements (upd_first,
 * upd_last: the update-stream events are rebuilt as one event over it, so a route withdrawn
 * and announced again in between counts as one, and one still announced at the data's end
 * ends at its last announcement). Findings written before these columns existed give an
 * event over [first_seen, last_seen]. A custom score curve (observe_config.curve) is not among
 * the stored settings: the rebuilt percentages use the exponential curve with the stored
 * curve_k.
 */
#include <stdlib.h>
#include <string.h>

#include "observe/observe.h"
#include "store/store.h"

/* The settings snap was scored with, and which incident metrics had data (their default is
 * < 0 when not). */
static int snapshot_settings(struct store *s, int64_t snap, struct arena *a,
    struct observe_config *cfg, int has[METRIC_COUNT])
{
	struct store_global *g;
	size_t n;
	observe_config_default(cfg);
	for (int m = 0; m < METRIC_COUNT; m++)
		has[m] = 1;
	if (store_get_globals(s, snap, "config", a, &g, &n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < OBSERVE_CONFIG_NKEYS; k++)
			if (strcmp(g[i].key, observe_config_keys[k]) == 0)
				observe_config_put(cfg, k, g[i].value);
	if (store_get_globals(s, snap, "metric_default", a, &g, &n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct metric_def *d = metric_by_name(g[i].key);
		if (d && g[i].value < 0)
			has[d->id] = 0;
	}
	return 0;
}

/* Rebuild metric m of asn from its findings f[] that are not disputed. */
static int rebuild_metric(struct store *s, int64_t snap, uint32_t asn, enum metric_id m,
    const struct observe_config *cfg, int has, const struct store_finding *f, size_t nf)
{
	const char *name = metric_defs[m].name;
	struct event *ev = xreallocarray(NULL, 2 * nf + 1, sizeof(*ev));
	size_t nev = 0, count = 0;
	for (size_t i = 0; i < nf; i++) {
		const struct store_finding *x = &f[i];
		if (x->disputed || strcmp(x->metric, name) != 0)
			continue;
		count++;
		/* as count_findings: the RIB snapshots it was seen in, one event */
		if (x->rib_first)
			ev[nev++] = (struct event){
			    asn, m, 1, x->rib_first, x->rib_last, x->rib_last > x->rib_first};
		/* its update-stream events, as the span of its announcements */
		if (x->upd_first)
			ev[nev++] = (struct event){asn, m, 1, x->upd_first, x->upd_last, 1};
		if (!x->rib_first && !x->upd_first) /* written before these were kept */
			ev[nev++] = (struct event){
			    asn, m, 1, x->first_seen, x->last_seen, x->last_seen > x->first_seen};
	}
	struct incident *inc = xreallocarray(NULL, nev + 1, sizeof(*inc));
	struct store_incident *row = xreallocarray(NULL, nev + 1, sizeof(*row));
	size_t ninc = incidents_merge(cfg, ev, nev, inc);
	double raw = 0;
	for (size_t i = 0; i < ninc; i++) {
		raw += inc[i].score;
		row[i] = (struct store_incident){asn, name, inc[i].start, inc[i].end, inc[i].weight,
		    inc[i].score, inc[i].nevents, inc[i].duration_known};
	}
	/* as score_as: no data is raw 0 and no percentage; a row only where there is
	 * something, else the snapshot's default applies */
	struct store_metric mr = {
	    asn, name, has ? raw : 0, has ? metric_percent(cfg, raw) : -1, (uint64_t)count};
	int rc = store_set_incidents(s, snap, asn, name, row, ninc) ||
	         store_set_metric(s, snap, &mr, mr.raw == 0 && count == 0);
	free(ev);
	free(inc);
	free(row);
	return rc ? -1 : 0;
}

/* "action1_no_data", ...: the readiness distribution's key. */
static void ready_key(enum readiness r, char *buf, size_t size)
{
	snprintf(buf, size, "action1_%s", readiness_name(r));
	for (char *c = buf; *c; c++)
		if (*c == ' ')
			*c = '_';
}

static int rescore(struct store *s, int64_t snap, uint32_t asn, struct arena *a)
{
	struct observe_config cfg;
	int has[METRIC_COUNT], found;
	struct store_finding *f;
	struct store_metric *mt;
	struct store_as_summary sum;
	size_t nf, nm;
	if (snapshot_settings(s, snap, a, &cfg, has) ||
	    store_get_findings(s, snap, asn, NULL, 0, 0, a, &f, &nf) ||
	    store_get_summary(s, snap, asn, &sum, &found))
		return -1;
	for (int m = 0; m < METRIC_COUNT; m++) {
		if (metric_defs[m].kind != METRIC_INCIDENTS)
			continue;
		int disputed = 0;
		for (size_t i = 0; i < nf && !disputed; i++)
			disputed = f[i].disputed && strcmp(f[i].metric, metric_defs[m].name) == 0;
		if (disputed && rebuild_metric(s, snap, asn, m, &cfg, has[m], f, nf))
			return -1;
	}
	if (!found) /* findings without a summary: no scores to change */
		return 0;
	if (store_get_metrics(s, snap, asn, a, &mt, &nm))
		return -1;
	double pct[METRIC_COUNT];
	for (int m = 0; m < METRIC_COUNT; m++)
		pct[m] = -1;
	for (size_t i = 0; i < nm; i++) {
		const struct metric_def *d = metric_by_name(mt[i].metric);
		if (d)
			pct[d->id] = mt[i].percent;
	}
	double a1 = action1_score(&cfg, pct);
	if (store_set_action1(s, snap, asn, a1))
		return -1;
	enum readiness was = readiness_of(&cfg, sum.action[1]), now = readiness_of(&cfg, a1);
	if (was != now) {
		char k0[48], k1[48];
		ready_key(was, k0, sizeof(k0));
		ready_key(now, k1, sizeof(k1));
		if (store_add_global(s, snap, "all", k0, -1) ||
		    store_add_global(s, snap, "all", k1, 1))
			return -1;
	}
	return 0;
}

int observe_rescore(struct store *s, int64_t snap, uint32_t asn, int *rescored)
{
	uint64_t changed, marked;
	struct arena a;
	*rescored = 0;
	if (store_edit_begin(s) != 0)
		return -1;
	if (store_dispute_mark(s, snap, asn, &changed, &marked) != 0) {
		store_edit_abort(s);
		return -1;
	}
	if (changed == 0) /* no accepted dispute newly applies: the scores stand */
		return store_edit_commit(s);
	arena_init(&a, 0);
	int rc = rescore(s, snap, asn, &a);
	arena_free(&a);
	if (rc != 0) {
		store_edit_abort(s);
		return -1;
	}
	*rescored = 1;
	return store_edit_commit(s);
}

int observe_apply_disputes(struct store *s, int64_t snap, size_t *nrescored)
{
	struct store_snapshot sn;
	struct arena a;
	uint32_t *asn;
	size_t n;
	*nrescored = 0;
	int found = store_snapshot_get(s, snap, &sn);
	if (found <= 0)
		return -1;
	arena_init(&a, 0);
	int rc = store_dispute_ases(s, sn.period_start, &a, &asn, &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int done;
		rc = observe_rescore(s, snap, asn[i], &done);
		*nrescored += (size_t)done;
	}
	arena_free(&a);
	return rc;
}

int observe_apply_dispute(struct store *s, int64_t dispute_id, size_t *nsnapshots)
{
	struct store_dispute d;
	struct store_snapshot *sn;
	struct arena a;
	size_t n;
	int found;
	*nsnapshots = 0;
	arena_init(&a, 0);
	int rc = store_get_dispute(s, dispute_id, &a, &d, &found);
	if (rc == 0 && (!found || strcmp(d.state, "accepted") != 0)) {
		log_err("dispute %lld is not an accepted dispute", (long long)dispute_id);
		rc = -1;
	}
	if (rc == 0)
		rc = store_snapshots(s, 0, &a, &sn, &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int done;
		if (sn[i].period_start < d.period_start)
			continue;
		rc = observe_rescore(s, sn[i].id, d.asn, &done);
		*nsnapshots += (size_t)done;
	}
	arena_free(&a);
	return rc;
}
