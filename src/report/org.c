/*
 * The organisation scorecard: a MANRS participant is an organisation with several networks.
 * Computed at read time from the member ASes' rows (as_info.org_id, written by analyze with
 * --orgs): an organisation has at most a few hundred ASes, each a few indexed look-ups.
 *
 * Aggregation (docs/metrics.md, "Organisations"): counts (routes, prefixes, RPKI and IRR
 * states, findings, incident scores, spoofing prefixes) are summed; the ratio metrics M7IRR
 * and M7RPKI are recomputed from the summed counts; every other percentage (the incident
 * metrics, M5, M8, Actions 1 to 3) is the worst member's, the one named with it.
 */
#include <string.h>

#include "report/report.h"

/* Keep the lower percentage (worst-of); no data (< 0) never wins. */
static void worst(double *pct, uint32_t *who, double v, uint32_t asn)
{
	if (v < 0)
		return;
	if (*pct < 0 || v < *pct) {
		*pct = v;
		*who = v < 100 ? asn : 0; /* a full score names nobody */
	}
}

static void add_member(struct org_scorecard *org, const struct org_member *m,
    const struct store_metric *mt, size_t nmt)
{
	struct store_as_summary *t = &org->sum;
	const struct store_as_summary *x = &m->sum;
	t->prefixes_v4 += x->prefixes_v4;
	t->prefixes_v6 += x->prefixes_v6;
	t->routes += x->routes;
	t->rpki_valid += x->rpki_valid;
	t->rpki_invalid += x->rpki_invalid;
	t->rpki_notfound += x->rpki_notfound;
	t->irr_registered += x->irr_registered;
	t->irr_unregistered += x->irr_unregistered;
	for (int a = 1; a <= 3; a++)
		worst(&t->action[a], &org->action_worst[a], x->action[a], m->info.asn);
	if (x->aspa >= 0)
		org->aspa_members = (org->aspa_members < 0 ? 0 : org->aspa_members) + x->aspa;
	if (x->aspa_invalid >= 0)
		org->aspa_invalid =
		    (org->aspa_invalid < 0 ? 0 : org->aspa_invalid) + x->aspa_invalid;
	org->findings += m->findings;
	for (size_t i = 0; i < nmt; i++) {
		const struct metric_def *d = metric_by_name(mt[i].metric);
		if (d == NULL)
			continue;
		struct org_metric *om = &org->metrics[d->id];
		if (mt[i].percent >= 0)
			om->nmeasured++;
		om->raw += mt[i].raw;
		om->count += mt[i].count;
		worst(&om->percent, &om->worst_asn, mt[i].percent, m->info.asn);
	}
}

int org_scorecard_load(
    struct store *s, int64_t snap, const char *q, struct arena *a, struct org_scorecard *org)
{
	memset(org, 0, sizeof(*org));
	observe_config_default(&org->cfg);
	int rc = store_snapshot_get(s, snap, &org->snap);
	if (rc <= 0) {
		if (rc == 0)
			log_err(snap ? "no snapshot %lld in the store"
			             : "the store has no snapshot yet",
			    (long long)snap);
		return -1;
	}
	if (org->snap.label)
		org->snap.label = arena_strdup(a, org->snap.label);
	int64_t id = org->snap.id;
	if (scorecard_config_load(s, id, a, &org->cfg) != 0 ||
	    store_find_org(s, q, a, &org->id, &org->name, &org->found) != 0)
		return -1;
	for (int i = 0; i < 5; i++)
		org->sum.action[i] = -1;
	org->sum.action4_irr = org->sum.action4_rpki = -1;
	org->aspa_members = org->aspa_invalid = -1;
	for (int m = 0; m < METRIC_COUNT; m++) {
		org->metrics[m].metric = metric_defs[m].name;
		org->metrics[m].percent = -1;
	}
	if (!org->found)
		return 0;
	struct store_asinfo *info;
	size_t n;
	if (store_org_members(s, org->id, a, &info, &n) != 0)
		return -1;
	org->members = arena_alloc(a, (n ? n : 1) * sizeof(*org->members));
	org->nmembers = n;
	for (size_t i = 0; i < n; i++) {
		struct org_member *m = &org->members[i];
		memset(m, 0, sizeof(*m));
		m->info = info[i];
		if (store_get_summary(s, id, m->info.asn, &m->sum, &m->found) != 0)
			return -1;
		if (!m->found)
			continue;
		struct store_metric *mt;
		size_t nmt;
		if (store_get_metrics(s, id, m->info.asn, a, &mt, &nmt) != 0 ||
		    store_count_findings(s, id, m->info.asn, NULL, &m->findings) != 0)
			return -1;
		org->nin++;
		add_member(org, m, mt, nmt);
	}
	/* the ratios, from the summed counts */
	struct store_as_summary *t = &org->sum;
	int irr = org->metrics[M7IRR].nmeasured > 0, rpki = org->metrics[M7RPKI].nmeasured > 0;
	t->action4_irr =
	    irr ? m7irr_percent(t->irr_registered, t->irr_registered + t->irr_unregistered) : -1;
	t->action4_rpki = rpki ? m7rpki_percent(&org->cfg, t->rpki_valid, t->rpki_invalid,
	                             t->rpki_valid + t->rpki_invalid + t->rpki_notfound)
	                       : -1;
	org->metrics[M7IRR].percent = t->action4_irr;
	org->metrics[M7IRR].raw = (double)t->irr_registered;
	org->metrics[M7IRR].worst_asn = 0;
	org->metrics[M7RPKI].percent = t->action4_rpki;
	org->metrics[M7RPKI].raw = (double)t->rpki_invalid;
	org->metrics[M7RPKI].worst_asn = 0;
	t->action[4] = t->action4_irr < 0                 ? t->action4_rpki
	               : t->action4_rpki < 0              ? t->action4_irr
	               : t->action4_irr < t->action4_rpki ? t->action4_irr
	                                                  : t->action4_rpki;
	return 0;
}
