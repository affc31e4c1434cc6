/* Loading a scorecard from the store and deriving the fix list. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/report.h"

const char *fix_kind_name(enum fix_kind k)
{
	static const char *names[] = {"fix-invalid-route", "filter-customer", "filter-bogon",
	    "stop-leak", "create-roa", "create-route-object", "delete-route-object",
	    "register-contact"};
	return names[k];
}

const char *report_pct(double pct, char *buf, size_t size)
{
	if (pct < 0)
		snprintf(buf, size, "no data");
	else
		snprintf(buf, size, "%.1f %%", pct);
	return buf;
}

const char *report_time(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (t <= 0 || gmtime_r(&tt, &tm) == NULL)
		snprintf(buf, size, "-");
	else
		strftime(buf, size, "%Y-%m-%d %H:%M UTC", &tm);
	return buf;
}

const char *report_seen_via(const struct store_finding *x, char *buf, size_t size)
{
	const char *ip = x->peer_ip ? x->peer_ip : "";
	if (x->peer_asn == 0 &&
	    (*ip == '\0' || strcmp(ip, "0.0.0.0") == 0 || strcmp(ip, "::") == 0))
		snprintf(buf, size, "a prefix-to-origin table");
	else
		snprintf(buf, size, "peer %s AS%u", ip, x->peer_asn);
	return buf;
}

struct fixvec {
	struct fix *v;
	size_t n, cap;
};

static struct fix *fix_add(struct fixvec *x, struct arena *a)
{
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 32;
		struct fix *nv = arena_alloc(a, cap * sizeof(*nv));
		if (x->n)
			memcpy(nv, x->v, x->n * sizeof(*nv));
		x->v = nv;
		x->cap = cap;
	}
	struct fix *f = &x->v[x->n++];
	memset(f, 0, sizeof(*f));
	return f;
}

static int prefix_len_of(const char *s)
{
	const char *slash = strchr(s, '/');
	return slash ? atoi(slash + 1) : 0;
}

/* The fix list, most urgent first: invalid routes are dropped by every validating network;
 * customers' and own bad routes harm others; then publishing what is missing. */
static void derive_fixes(
    struct scorecard *sc, const struct store_finding *findings, size_t nfindings, struct arena *a)
{
	struct fixvec x = {0};
	char text[512];
	for (size_t i = 0; i < sc->nroutes; i++) {
		const struct store_route *r = &sc->routes[i];
		if (r->rpki == NULL || strcmp(r->rpki, "invalid") != 0)
			continue;
		struct fix *f = fix_add(&x, a);
		f->kind = FIX_INVALID_ROUTE;
		f->prefix = r->prefix;
		f->origin = r->origin;
		f->maxlen = (uint32_t)prefix_len_of(r->prefix);
		if (r->rpki_reason && strcmp(r->rpki_reason, "invalid-length") == 0)
			snprintf(text, sizeof(text),
			    "%s is longer than its ROA's maxLength: raise the maxLength to %u or "
			    "create a ROA for %s with origin AS%u, or stop announcing the "
			    "more-specific",
			    r->prefix, f->maxlen, r->prefix, r->origin);
		else
			snprintf(text, sizeof(text),
			    "%s is announced by AS%u but its ROAs name other ASes: if the "
			    "announcement "
			    "is legitimate create a ROA (%s, maxLength %u, AS%u), otherwise "
			    "withdraw it",
			    r->prefix, r->origin, r->prefix, f->maxlen, r->origin);
		f->text = arena_strdup(a, text);
	}
	/* Customers to filter, leaks and bogons to stop: one fix per (kind, metric, culprit) with
	 * the number of routes and a few of them (a transit AS can have thousands), in the
	 * order the findings come (by metric, then prefix). Stale route objects: one each. */
	size_t group_start = x.n;
	for (size_t i = 0; i < nfindings; i++) {
		const struct store_finding *fd = &findings[i];
		enum fix_kind k;
		size_t ml = strlen(fd->metric);
		if (ml == 3 && fd->metric[2] == 'C')
			k = FIX_CUSTOMER;
		else if (strcmp(fd->metric, "M3") == 0 || strcmp(fd->metric, "M4") == 0)
			k = FIX_BOGON;
		else if (strcmp(fd->metric, "M1") == 0)
			k = FIX_LEAK;
		else if (strcmp(fd->metric, "irr-stale") == 0)
			k = FIX_DELETE_ROUTE_OBJ;
		else
			continue; /* own M2 is in the invalid-route fixes */
		if (k == FIX_DELETE_ROUTE_OBJ) {
			struct fix *f = fix_add(&x, a);
			f->kind = k;
			f->prefix = fd->prefix;
			f->origin = fd->origin;
			snprintf(text, sizeof(text),
			    "delete or correct the IRR route object %s origin AS%u: it contradicts "
			    "the ROAs",
			    fd->prefix, fd->origin);
			f->text = arena_strdup(a, text);
			continue;
		}
		struct fix *f = NULL;
		for (size_t j = group_start; j < x.n && f == NULL; j++)
			if (x.v[j].kind == k && x.v[j].other_asn == fd->culprit &&
			    strcmp(x.v[j].metric, fd->metric) == 0)
				f = &x.v[j];
		if (f == NULL) {
			f = fix_add(&x, a);
			f->kind = k;
			f->prefix = fd->prefix;
			f->origin = fd->origin;
			f->other_asn = fd->culprit;
			f->metric = fd->metric;
			f->text =
			    fd->detail ? fd->detail : fd->prefix; /* the first, as an example */
		}
		f->nroutes++;
	}
	for (size_t j = group_start; j < x.n; j++) {
		struct fix *f = &x.v[j];
		if (f->kind == FIX_DELETE_ROUTE_OBJ)
			continue;
		const struct metric_def *d = metric_by_name(f->metric);
		const char *what = d ? d->title : f->metric;
		char more[64] = "";
		if (f->nroutes > 1)
			snprintf(more, sizeof(more), " (and %u more route%s)", f->nroutes - 1,
			    f->nroutes > 2 ? "s" : "");
		if (f->kind == FIX_CUSTOMER)
			snprintf(text, sizeof(text),
			    "filter customer AS%u (%s, %u route%s): e.g. %s%s", f->other_asn, what,
			    f->nroutes, f->nroutes == 1 ? "" : "s", f->text, more);
		else
			snprintf(text, sizeof(text), "stop propagating (%s, %u route%s): e.g. %s%s",
			    what, f->nroutes, f->nroutes == 1 ? "" : "s", f->text, more);
		f->text = arena_strdup(a, text);
	}
	for (size_t i = 0; i < sc->nroutes; i++) {
		const struct store_route *r = &sc->routes[i];
		if (r->rpki && strcmp(r->rpki, "not-found") == 0) {
			struct fix *f = fix_add(&x, a);
			f->kind = FIX_CREATE_ROA;
			f->prefix = r->prefix;
			f->origin = r->origin;
			f->maxlen = (uint32_t)prefix_len_of(r->prefix);
			snprintf(text, sizeof(text),
			    "create a ROA: prefix %s, maxLength %u, origin AS%u", r->prefix,
			    f->maxlen, r->origin);
			f->text = arena_strdup(a, text);
		}
	}
	for (size_t i = 0; i < sc->nroutes; i++) {
		const struct store_route *r = &sc->routes[i];
		if (r->irr &&
		    (strcmp(r->irr, "absent") == 0 || strcmp(r->irr, "other-origin") == 0)) {
			struct fix *f = fix_add(&x, a);
			f->kind = FIX_CREATE_ROUTE_OBJ;
			f->prefix = r->prefix;
			f->origin = r->origin;
			snprintf(text, sizeof(text), "register an IRR %s object: %s origin AS%u",
			    strchr(r->prefix, ':') ? "route6" : "route", r->prefix, r->origin);
			f->text = arena_strdup(a, text);
		}
	}
	for (size_t i = 0; i < sc->nmetrics; i++)
		if (strcmp(sc->metrics[i].metric, "M8") == 0 && sc->metrics[i].percent == 0) {
			struct fix *f = fix_add(&x, a);
			f->kind = FIX_CONTACT;
			f->text = "register technical contacts in PeeringDB and in the RIR/IRR "
			          "aut-num (tech-c, admin-c)";
		}
	sc->fixes = x.v;
	sc->nfixes = x.n;
}

int scorecard_config_load(
    struct store *s, int64_t snap_id, struct arena *a, struct observe_config *cfg)
{
	struct store_global *g;
	size_t ng;
	observe_config_default(cfg);
	if (store_get_globals(s, snap_id, "config", a, &g, &ng) != 0)
		return -1;
	for (size_t i = 0; i < ng; i++) /* the settings this snapshot was scored with */
		for (int k = 0; k < OBSERVE_CONFIG_NKEYS; k++)
			if (strcmp(g[i].key, observe_config_keys[k]) == 0)
				observe_config_put(cfg, k, g[i].value);
	return 0;
}

int scorecard_load(struct store *s, int64_t snap, uint32_t asn, size_t max_findings,
    struct arena *a, struct scorecard *sc)
{
	memset(sc, 0, sizeof(*sc));
	observe_config_default(&sc->cfg);
	sc->asn = asn;
	int rc = store_snapshot_get(s, snap, &sc->snap);
	if (rc <= 0) {
		if (rc == 0)
			log_err(snap ? "no snapshot %lld in the store"
			             : "the store has no snapshot yet",
			    (long long)snap);
		return -1;
	}
	if (sc->snap.label)
		sc->snap.label = arena_strdup(a, sc->snap.label);
	int64_t id = sc->snap.id;
	if (scorecard_config_load(s, id, a, &sc->cfg) != 0)
		return -1;
	if (store_get_asinfo(s, asn, a, &sc->info, &sc->has_info) ||
	    store_get_summary(s, id, asn, &sc->sum, &sc->found) ||
	    store_get_metrics(s, id, asn, a, &sc->metrics, &sc->nmetrics) ||
	    store_get_findings(
	        s, id, asn, NULL, max_findings, 0, a, &sc->findings, &sc->nfindings) ||
	    store_count_findings(s, id, asn, NULL, &sc->findings_total) ||
	    store_get_incidents(s, id, asn, NULL, 0, 0, 0, 0, a, &sc->incidents, &sc->nincidents) ||
	    store_get_routes_by_origin(s, id, asn, a, &sc->routes, &sc->nroutes) ||
	    store_get_history(s, asn, a, &sc->history, &sc->nhistory))
		return -1;
	if (sc->has_info && sc->info.org_id) { /* its siblings: the organisation's other ASes */
		struct store_asinfo *m;
		size_t n;
		if (store_org_members(s, sc->info.org_id, a, &m, &n))
			return -1;
		sc->siblings = m;
		for (size_t i = 0; i < n; i++)
			if (m[i].asn != asn)
				sc->siblings[sc->nsiblings++] = m[i];
	}
	struct store_finding *briefs;
	size_t nbriefs;
	if (store_get_finding_briefs(s, id, asn, a, &briefs, &nbriefs))
		return -1;
	derive_fixes(sc, briefs, nbriefs, a); /* from every finding, whatever is shown */
	return 0;
}

static const struct report_format formats[] = {
    {"text", report_text_scorecard},
    {"json", report_json_scorecard},
    {"html", report_html_scorecard},
};

const struct report_format *report_format_find(const char *name)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i].name, name) == 0)
			return &formats[i];
	return NULL;
}
