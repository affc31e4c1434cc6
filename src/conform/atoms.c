/* The values rule atoms read from one snapshot of an AS, and the evidence behind them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "conform_atoms.h"
#include "irr/irr.h"
#include "registry/registry.h"
#include "rpki/rpki.h"
#include "topo/topo.h"

static int load_snapshot_data(struct snap_data *d)
{
	if (d->loaded || d->snap == 0)
		return 0;
	d->loaded = 1;
	if (store_get_summary(d->store, d->snap, d->asn, &d->sum, &d->seen) ||
	    store_get_metrics(d->store, d->snap, d->asn, d->a, &d->metrics, &d->nmetrics))
		return -1;
	return 0;
}

static int load_routes(struct snap_data *d)
{
	if (d->routes_loaded)
		return 0;
	d->routes_loaded = 1;
	return store_get_routes_by_origin(d->store, d->snap, d->asn, d->a, &d->routes, &d->nroutes);
}

static const struct store_metric *find_metric(const struct snap_data *d, const char *name)
{
	for (size_t i = 0; i < d->nmetrics; i++)
		if (strcmp(d->metrics[i].metric, name) == 0)
			return &d->metrics[i];
	return NULL;
}

/* The metrics an atom's argument stands for: one, or every Action 1 metric. */
static size_t arg_metrics(const char *name, const char *out[METRIC_COUNT])
{
	if (strcmp(name, "action1") != 0) {
		out[0] = name;
		return 1;
	}
	size_t n = 0;
	for (int m = 0; m < METRIC_COUNT; m++)
		if (metric_defs[m].action == 1)
			out[n++] = metric_defs[m].name;
	return n;
}

/* The metric has data in the snapshot (its reference input was given). */
static int metric_known(const struct snap_data *d, const char *name)
{
	const struct store_metric *m = find_metric(d, name);
	return m && m->percent >= 0;
}

int route_matches(const struct store_route *r, int sub, int *known)
{
	int rv = r->rpki && strcmp(r->rpki, "valid") == 0;
	int ri = r->rpki && strcmp(r->rpki, "invalid") == 0;
	int reg = r->irr && (strcmp(r->irr, "exact") == 0 || strcmp(r->irr, "covered") == 0);
	*known = 1;
	switch (sub) {
	case CR_ALL:
		return 1;
	case CR_V4:
		return strchr(r->prefix, ':') == NULL;
	case CR_V6:
		return strchr(r->prefix, ':') != NULL;
	case CR_BOGON:
		return r->bogon && strcmp(r->bogon, "full") == 0;
	default:
		break;
	}
	if (sub == CR_RPKI_VALID || sub == CR_RPKI_INVALID || sub == CR_RPKI_NOTFOUND) {
		*known = r->rpki != NULL;
		return sub == CR_RPKI_VALID     ? rv
		       : sub == CR_RPKI_INVALID ? ri
		                                : r->rpki && !rv && !ri;
	}
	if (sub == CR_IRR_REGISTERED || sub == CR_IRR_UNREGISTERED) {
		*known = r->irr != NULL;
		return sub == CR_IRR_REGISTERED ? reg : r->irr && !reg;
	}
	/* CR_ROA_CONFLICT: a route object for another origin where the ROA says this origin,
	 * or a route object registering what the ROAs make invalid */
	*known = r->rpki != NULL && r->irr != NULL;
	return *known && ((rv && strcmp(r->irr, "other-origin") == 0) || (ri && reg));
}

/* ASPA of the AS against its providers in the relationships: the missing count. */
int aspa_missing(const struct observe_refs *refs, uint32_t asn, uint32_t *missing, size_t max,
    size_t *nmissing, size_t *nupstreams)
{
	const struct aspa *as = aspa_table_find(refs->aspa, asn);
	*nmissing = *nupstreams = 0;
	int64_t i = refs->asrel ? asrel_index(refs->asrel, asn) : -1;
	if (i < 0)
		return as != NULL;
	const struct asrel *r = refs->asrel;
	for (uint32_t k = r->off[i]; k < r->off[i + 1]; k++) {
		if (r->rel[k] != TOPO_REL_PROVIDER)
			continue;
		uint32_t up = r->asn[r->nb[k]];
		(*nupstreams)++;
		int found = 0;
		for (uint32_t j = 0; as && j < as->nproviders && !found; j++)
			found = as->providers[j] == up;
		if (!found) {
			if (*nmissing < max)
				missing[*nmissing] = up;
			(*nmissing)++;
		}
	}
	return as != NULL;
}

int contact_state(const struct observe_refs *refs, int sub, uint32_t asn, const char **why)
{
	if (sub == 0) {
		const struct pdb_net *n = pdb_net_by_asn(refs->pdb, asn);
		int k = n ? pdb_net_contacts(refs->pdb, n) : 0;
		*why = n == NULL ? "no PeeringDB network record"
		       : k       ? "PeeringDB network record with technical/NOC/policy contacts"
		                 : "PeeringDB network record without usable contacts";
		return k > 0;
	}
	const struct irr_object *o = irr_db_autnum(refs->irr, asn, 0);
	int ok = o && (irr_object_get(o, "tech-c") || irr_object_get(o, "admin-c"));
	*why = o == NULL ? "no aut-num object"
	       : ok      ? "aut-num with tech-c/admin-c"
	                 : "aut-num without tech-c/admin-c";
	return ok;
}

static int atom_metric(struct snap_data *d, const struct cx_node *n, struct cx_val *out)
{
	const struct store_metric *m = find_metric(d, n->name);
	if (m == NULL || m->percent < 0)
		return 0; /* no data */
	out->known = 1;
	out->v = n->atom == CA_METRIC_PCT   ? m->percent
	         : n->atom == CA_METRIC_RAW ? m->raw
	                                    : (double)m->count;
	return 0;
}

static int atom_count(struct snap_data *d, const struct cx_node *n, struct cx_val *out)
{
	const char *ms[METRIC_COUNT];
	size_t nm = arg_metrics(n->name, ms);
	for (size_t i = 0; i < nm; i++) {
		if (!metric_known(d, ms[i]))
			continue;
		out->known = 1;
		if (n->atom == CA_FINDINGS) {
			uint64_t c;
			/* a finding of an accepted dispute does not count */
			if (store_count_scored_findings(d->store, d->snap, d->asn, ms[i], &c))
				return -1;
			out->v += (double)c;
		} else {
			struct store_incident *inc;
			size_t k;
			if (store_get_incidents(
			        d->store, d->snap, d->asn, ms[i], 0, 0, 0, 0, d->a, &inc, &k))
				return -1;
			out->v += (double)k;
		}
	}
	return 0;
}

static int atom_routes(struct snap_data *d, const struct cx_node *n, struct cx_val *out)
{
	if (load_routes(d))
		return -1;
	out->known = 1;
	for (size_t i = 0; i < d->nroutes; i++) {
		int known;
		int hit = route_matches(&d->routes[i], n->sub, &known);
		if (!known) {
			out->known = 0;
			return 0;
		}
		out->v += hit;
	}
	return 0;
}

static int atom_refs(struct snap_data *d, const struct cx_node *n, struct cx_val *out)
{
	const struct observe_refs *r = d->refs;
	if (n->atom == CA_ASPA) {
		if (r == NULL || r->aspa == NULL || (n->sub > 0 && r->asrel == NULL))
			return 0;
		uint32_t miss[1];
		size_t nmiss, nup;
		int pub = aspa_missing(r, d->asn, miss, 0, &nmiss, &nup);
		out->known = 1;
		out->v = n->sub == 0 ? pub : n->sub == 1 ? (pub && nmiss == 0) : (double)nmiss;
		return 0;
	}
	if (r == NULL || (n->sub == 0 ? r->pdb == NULL : r->irr == NULL))
		return 0;
	const char *why;
	out->known = 1;
	out->v = contact_state(r, n->sub, d->asn, &why);
	return 0;
}

int snap_atom(void *arg, const struct cx_node *n, struct cx_val *out)
{
	struct snap_data *d = arg;
	*out = (struct cx_val){0, 0};
	if (n->atom == CA_ATTESTED) {
		*out = (struct cx_val){(double)d->nfilings, 1};
		return 0;
	}
	if (n->atom == CA_ASPA || n->atom == CA_CONTACT)
		return atom_refs(d, n, out);
	if (load_snapshot_data(d))
		return -1;
	if (n->atom == CA_SEEN) {
		*out = (struct cx_val){d->seen, d->snap != 0};
		return 0;
	}
	if (!d->seen)
		return 0;
	switch (n->atom) {
	case CA_METRIC_PCT:
	case CA_METRIC_RAW:
	case CA_METRIC_COUNT:
		return atom_metric(d, n, out);
	case CA_FINDINGS:
	case CA_INCIDENTS:
		return atom_count(d, n, out);
	case CA_ROUTES:
		return atom_routes(d, n, out);
	case CA_ACTION: {
		double v = n->sub <= 3   ? d->sum.action[n->sub]
		           : n->sub == 4 ? d->sum.action4_irr
		                         : d->sum.action4_rpki;
		*out = (struct cx_val){v, v >= 0};
		return 0;
	}
	default:
		return 0;
	}
}

void snap_data_reset(struct snap_data *d, int64_t snap)
{
	d->snap = snap;
	d->loaded = d->routes_loaded = 0;
	d->seen = 0;
	d->metrics = NULL;
	d->nmetrics = 0;
	d->routes = NULL;
	d->nroutes = 0;
	memset(&d->sum, 0, sizeof(d->sum));
}

int snap_data_seen(struct snap_data *d)
{
	if (load_snapshot_data(d))
		return -1;
	return d->seen;
}

int snap_data_routes(struct snap_data *d)
{
	return load_routes(d);
}
