/* The evidence behind a control's verdict: for each atom of its rule, the rows of the
 * deciding snapshot that make the value (routes, findings, incidents, ASPA, contacts). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "conform_evidence.h"

struct conform_evidence *ev_add(struct ev_list *l, const char *kind)
{
	l->total++;
	if (l->n >= l->max)
		return NULL;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct conform_evidence *nv = arena_alloc(l->a, cap * sizeof(*nv));
		if (l->n)
			memcpy(nv, l->v, l->n * sizeof(*nv));
		l->v = nv;
		l->cap = cap;
	}
	struct conform_evidence *e = &l->v[l->n++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	return e;
}

char *ev_printf(struct arena *a, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return arena_strdup(a, buf);
}

static void ev_routes(struct snap_data *d, struct ev_list *l, int sub)
{
	if (snap_data_routes(d))
		return;
	/* the routes that keep the value from being perfect: for "valid"/"registered" the ones
	 * that are not, for the bad kinds the ones that are */
	int want = !(sub == CR_RPKI_VALID || sub == CR_IRR_REGISTERED || sub == CR_ALL ||
	             sub == CR_V4 || sub == CR_V6);
	if (sub == CR_ALL || sub == CR_V4 || sub == CR_V6)
		return;
	for (size_t i = 0; i < d->nroutes; i++) {
		const struct store_route *r = &d->routes[i];
		int known;
		if (route_matches(r, sub, &known) != want || !known)
			continue;
		struct conform_evidence *e = ev_add(l, "route");
		if (e == NULL)
			continue;
		e->snapshot = d->snap;
		e->time = r->first_seen;
		e->prefix = r->prefix;
		e->origin = r->origin;
		e->asn = d->asn;
		e->state = r->rpki ? r->rpki : "no-rpki-data";
		e->text = ev_printf(d->a,
		    "%s AS%" PRIu32 ": RPKI %s%s%s, IRR %s%s%s, seen by %" PRIu32 " peer%s",
		    r->prefix, r->origin, r->rpki ? r->rpki : "no data",
		    r->rpki_reason && *r->rpki_reason ? " " : "",
		    r->rpki_reason ? r->rpki_reason : "", r->irr ? r->irr : "no data",
		    r->bogon ? ", bogon " : "", r->bogon ? r->bogon : "", r->peers,
		    r->peers == 1 ? "" : "s");
	}
}

static void ev_findings(struct snap_data *d, struct ev_list *l, const char *metric)
{
	int action1 = strcmp(metric, "action1") == 0;
	struct store_finding *f;
	size_t n;
	if (store_get_findings(
	        d->store, d->snap, d->asn, action1 ? NULL : metric, 0, 0, d->a, &f, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		const struct metric_def *m = metric_by_name(f[i].metric);
		if (action1 && (m == NULL || m->action != 1))
			continue;
		struct conform_evidence *e = ev_add(l, "finding");
		if (e == NULL)
			continue;
		e->snapshot = d->snap;
		e->time = f[i].first_seen;
		e->prefix = f[i].prefix;
		e->origin = f[i].origin;
		e->asn = f[i].culprit;
		e->state = f[i].metric;
		e->text = ev_printf(d->a, "%s: %s (path %s, peer AS%" PRIu32 ")", f[i].metric,
		    f[i].detail ? f[i].detail : "", f[i].path ? f[i].path : "", f[i].peer_asn);
		e->json = f[i].evidence;
		if (f[i].disputed)
			ev_dispute(d, l, &f[i]);
	}
}

static void ev_incidents(struct snap_data *d, struct ev_list *l, const char *metric)
{
	const char *ms[METRIC_COUNT];
	size_t nm = 0;
	if (strcmp(metric, "action1") == 0) {
		for (int m = 0; m < METRIC_COUNT; m++)
			if (metric_defs[m].action == 1)
				ms[nm++] = metric_defs[m].name;
	} else
		ms[nm++] = metric;
	for (size_t k = 0; k < nm; k++) {
		struct store_incident *inc;
		size_t n;
		if (store_get_incidents(
		        d->store, d->snap, d->asn, ms[k], 0, 0, 0, 0, d->a, &inc, &n))
			return;
		for (size_t i = 0; i < n; i++) {
			struct conform_evidence *e = ev_add(l, "incident");
			if (e == NULL)
				continue;
			e->snapshot = d->snap;
			e->time = inc[i].start;
			e->asn = inc[i].asn;
			e->state = inc[i].metric;
			e->text = ev_printf(d->a, "%s incident: %" PRIu32 " event%s, score %.2f%s",
			    inc[i].metric, inc[i].nevents, inc[i].nevents == 1 ? "" : "s",
			    inc[i].score,
			    inc[i].duration_known ? ""
			                          : " (seen in one snapshot: duration unknown)");
		}
	}
}

static void ev_aspa(struct snap_data *d, struct ev_list *l)
{
	if (d->refs == NULL || d->refs->aspa == NULL)
		return;
	uint32_t miss[16];
	size_t nmiss, nup;
	int pub = aspa_missing(d->refs, d->asn, miss, 16, &nmiss, &nup);
	char buf[400] = "";
	for (size_t i = 0; i < nmiss && i < 16; i++) {
		size_t len = strlen(buf);
		snprintf(buf + len, sizeof(buf) - len, "%sAS%" PRIu32, i ? ", " : "", miss[i]);
	}
	struct conform_evidence *e = ev_add(l, "aspa");
	if (e == NULL)
		return;
	e->asn = d->asn;
	e->state = pub ? (nmiss ? "inconsistent" : "published") : "absent";
	if (!pub)
		e->text = ev_printf(d->a,
		    "no ASPA object for AS%" PRIu32 "; %zu provider%s seen in "
		    "the relationships",
		    d->asn, nup, nup == 1 ? "" : "s");
	else
		e->text = ev_printf(d->a,
		    "ASPA of AS%" PRIu32 " published; %zu provider%s in the "
		    "relationships, %zu missing from it%s%s",
		    d->asn, nup, nup == 1 ? "" : "s", nmiss, nmiss ? ": " : "", buf);
}

static void ev_contact(struct snap_data *d, struct ev_list *l, int sub)
{
	if (d->refs == NULL || (sub == 0 ? d->refs->pdb == NULL : d->refs->irr == NULL))
		return;
	const char *why;
	int ok = contact_state(d->refs, sub, d->asn, &why);
	struct conform_evidence *e = ev_add(l, "contact");
	if (e == NULL)
		return;
	e->asn = d->asn;
	e->state = ok ? "present" : "absent";
	e->text = ev_printf(d->a, "%s: %s", sub == 0 ? "PeeringDB" : "RIR/IRR", why);
}

/* The metric names an atom draws on, for the findings it should list. */
static const char *metric_findings(const struct cx_node *n)
{
	const struct metric_def *m = metric_by_name(n->name);
	if (n->atom == CA_ACTION && n->sub == 1)
		return "action1";
	if (m && m->action == 1)
		return m->name;
	return NULL;
}

void ev_atom(struct snap_data *d, struct ev_list *l, const struct cx_node *n)
{
	const char *fm;
	switch (n->atom) {
	case CA_ROUTES:
		ev_routes(d, l, n->sub);
		return;
	case CA_ASPA:
		ev_aspa(d, l);
		return;
	case CA_CONTACT:
		ev_contact(d, l, n->sub);
		return;
	case CA_INCIDENTS:
		ev_incidents(d, l, n->name);
		return;
	case CA_FINDINGS:
		ev_findings(d, l, n->name);
		return;
	case CA_ACTION:
		if (n->sub == 4)
			ev_routes(d, l, CR_IRR_REGISTERED);
		else if (n->sub == 5)
			ev_routes(d, l, CR_RPKI_VALID);
		else if (n->sub == 1)
			ev_findings(d, l, "action1");
		return;
	case CA_METRIC_PCT:
	case CA_METRIC_RAW:
	case CA_METRIC_COUNT:
		if (strcmp(n->name, "M7RPKI") == 0)
			ev_routes(d, l, CR_RPKI_VALID);
		else if (strcmp(n->name, "M7IRR") == 0)
			ev_routes(d, l, CR_IRR_REGISTERED);
		else if ((fm = metric_findings(n)) != NULL)
			ev_findings(d, l, fm);
		return;
	default:
		return;
	}
}
