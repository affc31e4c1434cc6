/* The metric table, incident merging and weighting, score curve, readiness. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "observe/observe.h"

const struct metric_def metric_defs[METRIC_COUNT] = {
    {M1, "M1", 1, METRIC_INCIDENTS, 0, "Route leaks",
        "route leaks where the AS is the leaker (valley-free violation, OTC violation, or "
        "ASPA-invalid hop)"},
    {M1C, "M1C", 1, METRIC_INCIDENTS, 1, "Customer route leaks",
        "route leaks passed on for a direct customer"},
    {M2, "M2", 1, METRIC_INCIDENTS, 0, "Hijacks",
        "mis-originations where the AS is the origin (RPKI invalid; IRR conflict where no ROA "
        "exists)"},
    {M2C, "M2C", 1, METRIC_INCIDENTS, 1, "Customer hijacks",
        "mis-originations passed on for a direct customer"},
    {M3, "M3", 1, METRIC_INCIDENTS, 0, "Bogon prefixes",
        "special-purpose (full) bogon prefixes originated"},
    {M3C, "M3C", 1, METRIC_INCIDENTS, 1, "Customer bogon prefixes",
        "bogon prefixes passed on for a direct customer"},
    {M4, "M4", 1, METRIC_INCIDENTS, 0, "Bogon ASNs",
        "full bogon ASNs in paths the AS propagates: charged to the first non-bogon AS on the "
        "collector side of the bogon ASN, the one that should have dropped or stripped it"},
    {M4C, "M4C", 1, METRIC_INCIDENTS, 1, "Customer bogon ASNs",
        "bogon ASNs passed on for a direct customer"},
    {M5, "M5", 2, METRIC_COUNT_RAW, 0, "Spoofing",
        "distinct prefixes from which spoofed packets escaped in the period's Spoofer tests"},
    {M7IRR, "M7IRR", 4, METRIC_SHARE, 0, "IRR registration",
        "share of announced routes with a matching IRR route/route6 object"},
    {M7RPKI, "M7RPKI", 4, METRIC_SHARE, 0, "RPKI",
        "share of announced routes RPKI-valid, minus 10x the share invalid"},
    {M8, "M8", 3, METRIC_PRESENCE, 0, "Contact information",
        "contact registered in PeeringDB or in RIR/IRR objects (abuse-c alone does not count)"},
};

const struct metric_def *metric_by_name(const char *name)
{
	for (int i = 0; i < METRIC_COUNT; i++)
		if (strcasecmp(metric_defs[i].name, name) == 0)
			return &metric_defs[i];
	return NULL;
}

void observe_config_default(struct observe_config *c)
{
	memset(c, 0, sizeof(*c));
	c->curve_k = 0.7133;
	c->ready_min = 90;
	c->aspiring_min = 50;
	c->snapshot_score = 1;
	c->rpki_invalid_factor = 10;
	c->action1_with_m1 = 0;
}

const char *const observe_config_keys[OBSERVE_CONFIG_NKEYS] = {
    "curve_k", "ready", "aspiring", "snapshot_score", "rpki_invalid_factor", "action1_with_m1"};

double observe_config_get(const struct observe_config *c, int i)
{
	const double v[OBSERVE_CONFIG_NKEYS] = {c->curve_k, c->ready_min, c->aspiring_min,
	    c->snapshot_score, c->rpki_invalid_factor, c->action1_with_m1};
	return i >= 0 && i < OBSERVE_CONFIG_NKEYS ? v[i] : 0;
}

void observe_config_put(struct observe_config *c, int i, double v)
{
	switch (i) {
	case 0:
		c->curve_k = v;
		break;
	case 1:
		c->ready_min = v;
		break;
	case 2:
		c->aspiring_min = v;
		break;
	case 3:
		c->snapshot_score = v;
		break;
	case 4:
		c->rpki_invalid_factor = v;
		break;
	case 5:
		c->action1_with_m1 = v != 0;
		break;
	}
}

int observe_config_set(struct observe_config *c, const char *kv)
{
	const char *eq = strchr(kv, '=');
	char *end;
	for (int i = 0; eq && i < OBSERVE_CONFIG_NKEYS; i++) {
		size_t n = strlen(observe_config_keys[i]);
		if ((size_t)(eq - kv) != n || strncmp(kv, observe_config_keys[i], n) != 0)
			continue;
		double v = strtod(eq + 1, &end);
		if (end == eq + 1 || *end != '\0' || !(v >= 0) || v > 1e6 ||
		    (i >= 1 && i <= 2 && v > 100) || (i == 5 && v != 0 && v != 1)) {
			log_err("setting '%s': bad value", kv);
			return -1;
		}
		observe_config_put(c, i, v);
		if (c->aspiring_min > c->ready_min) {
			log_err("setting '%s': aspiring must not exceed ready", kv);
			return -1;
		}
		return 0;
	}
	log_err("setting '%s': expected KEY=VALUE with KEY one of curve_k, ready, aspiring, "
	        "snapshot_score, rpki_invalid_factor, action1_with_m1",
	    kv);
	return -1;
}

void observe_config_describe(const struct observe_config *c, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int i = 0; i < OBSERVE_CONFIG_NKEYS && o < size; i++) {
		int k = snprintf(buf + o, size - o, "%s=%.17g\n", observe_config_keys[i],
		    observe_config_get(c, i));
		if (k < 0)
			break;
		o += (size_t)k;
	}
}

double incident_duration_score(const struct observe_config *c, int64_t seconds, int duration_known)
{
	if (!duration_known)
		return c->snapshot_score;
	if (seconds < 30 * 60)
		return 0.5;
	if (seconds < 24 * 3600)
		return 1;
	return (double)(seconds / (24 * 3600)) + 1;
}

static int event_cmp(const void *a, const void *b)
{
	const struct event *x = a, *y = b;
	if (x->asn != y->asn)
		return x->asn < y->asn ? -1 : 1;
	if (x->metric != y->metric)
		return x->metric < y->metric ? -1 : 1;
	if (x->weight != y->weight)
		return x->weight < y->weight ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return 0;
}

size_t incidents_merge(
    const struct observe_config *c, struct event *ev, size_t n, struct incident *out)
{
	size_t k = 0;
	if (n == 0)
		return 0;
	qsort(ev, n, sizeof(*ev), event_cmp);
	for (size_t i = 0; i < n; i++) {
		struct incident *cur = k ? &out[k - 1] : NULL;
		if (cur && cur->asn == ev[i].asn && cur->metric == ev[i].metric &&
		    cur->weight == ev[i].weight && ev[i].start <= cur->end) {
			if (ev[i].end > cur->end)
				cur->end = ev[i].end;
			/* a merged incident has a known duration if any of its events had one */
			cur->duration_known |= ev[i].duration_known;
			cur->nevents++;
			continue;
		}
		out[k++] = (struct incident){ev[i].asn, ev[i].metric, ev[i].weight, ev[i].start,
		    ev[i].end, ev[i].duration_known, 1, 0};
	}
	for (size_t i = 0; i < k; i++)
		out[i].score = out[i].weight * incident_duration_score(c, out[i].end - out[i].start,
		                                   out[i].duration_known);
	return k;
}

double metric_percent(const struct observe_config *c, double raw)
{
	if (raw <= 0)
		return 100;
	if (c->curve && c->ncurve) {
		const struct curve_point *p = c->curve;
		if (raw <= p[0].raw)
			return p[0].percent;
		for (size_t i = 1; i < c->ncurve; i++)
			if (raw <= p[i].raw)
				return p[i - 1].percent + (p[i].percent - p[i - 1].percent) *
				                              (raw - p[i - 1].raw) /
				                              (p[i].raw - p[i - 1].raw);
		return p[c->ncurve - 1].percent;
	}
	return 100 * exp(-c->curve_k * sqrt(raw));
}

double m7rpki_percent(
    const struct observe_config *c, uint64_t valid, uint64_t invalid, uint64_t total)
{
	if (total == 0)
		return -1;
	double v = 100.0 * (double)valid / (double)total;
	double inv = 100.0 * (double)invalid / (double)total;
	double s = v - c->rpki_invalid_factor * inv;
	return s < 0 ? 0 : s > 100 ? 100 : s;
}

double m7irr_percent(uint64_t registered, uint64_t total)
{
	return total ? 100.0 * (double)registered / (double)total : -1;
}

enum readiness readiness_of(const struct observe_config *c, double pct)
{
	if (pct < 0)
		return READY_NO_DATA;
	if (pct >= c->ready_min)
		return READY_READY;
	if (pct >= c->aspiring_min)
		return READY_ASPIRING;
	return READY_LAGGING;
}

const char *readiness_name(enum readiness r)
{
	static const char *names[] = {"no data", "lagging", "aspiring", "ready"};
	return names[r];
}

double action1_score(const struct observe_config *c, const double pct[METRIC_COUNT])
{
	static const enum metric_id base[] = {M2, M2C, M3, M3C, M4, M4C, M1, M1C};
	size_t nm = c->action1_with_m1 ? 8 : 6, k = 0;
	double sum = 0;
	for (size_t i = 0; i < nm; i++) {
		if (pct[base[i]] < 0)
			continue;
		sum += pct[base[i]];
		k++;
	}
	return k ? sum / (double)k : -1;
}
