/*
 * Scoring: from the accumulated tables to a results structure in memory (no store calls):
 * per-AS tallies, incidents (update-stream events and RIB sightings merged as
 * manrs-metrics.md §3 says), metrics, scores, the global coverage by address family, RIR and
 * country, the readiness distribution, and the settings the scores were computed with.
 */
#include <json-c/json.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "irr/irr.h"
#include "observe_private.h"
#include "rpki/rpki.h"
#include "store/store.h"

struct as_acc {
	uint32_t asn; /* key */
	uint64_t v4, v6, valid, invalid, notfound, irr_reg, irr_unreg;
	uint64_t aspa_seen, aspa_invalid; /* routes with a verified path; with an invalid one */
	double raw[METRIC_COUNT];
	uint64_t count[METRIC_COUNT];
};

static struct as_acc *acc_get(struct otable *t, uint32_t asn)
{
	int created;
	return otable_upsert(t, &asn, &created);
}

static int rt_cmp(const void *a, const void *b)
{
	const struct rt_ent *x = *(const struct rt_ent *const *)a,
	                    *y = *(const struct rt_ent *const *)b;
	int c = prefix_cmp(&x->p, &y->p);
	if (c)
		return c;
	return x->origin < y->origin ? -1 : x->origin > y->origin;
}

/* The routing table in (prefix, origin) order, which the store's key follows: appending to
 * a B-tree is many times faster than scattering into it. */
static void route_order(struct observe *o)
{
	free(o->order);
	struct rt_ent **order = xreallocarray(NULL, o->routes.n ? o->routes.n : 1, sizeof(*order));
	for (size_t i = 0; i < o->routes.n; i++)
		order[i] = OTABLE_AT(&o->routes, i);
	/* a RIB dump lists its prefixes in order, a prefix's origins in the order its peers
	 * came: then only the origins of each prefix need sorting (by insertion) */
	size_t k = 1;
	while (k < o->routes.n && prefix_cmp(&order[k - 1]->p, &order[k]->p) <= 0)
		k++;
	if (k < o->routes.n)
		qsort(order, o->routes.n, sizeof(*order), rt_cmp);
	else
		for (size_t i = 1; i < o->routes.n; i++)
			for (size_t j = i; j > 0 && rt_cmp(&order[j - 1], &order[j]) > 0; j--) {
				struct rt_ent *t = order[j];
				order[j] = order[j - 1];
				order[j - 1] = t;
			}
	o->order = order;
}

/* One origin AS's routes, tallied apart from its as_acc: a small entry (40 bytes, not 300:
 * the tally reaches 75,000 ASes at random in route order, and the large entries' cache
 * misses were most of its time), added to the as_acc once per AS. */
struct route_acc {
	uint32_t asn; /* key */
	uint32_t v4, v6, valid, invalid, notfound, irr_reg, irr_unreg, aspa_seen, aspa_invalid;
};

/* The routes' tallies per origin AS and the distinct prefixes, in route order. */
struct route_tally {
	struct observe *o;
	struct otable acc;
	uint64_t prefixes_v4, prefixes_v6;
	pthread_t thread;
};

static void *route_tally_run(void *arg)
{
	struct route_tally *t = arg;
	struct observe *o = t->o;
	route_order(o);
	struct route_acc *a = NULL;
	for (size_t i = 0; i < o->routes.n; i++) {
		const struct rt_ent *e = o->order[i];
		/* distinct prefixes: in prefix order, a new one differs from the one before */
		if (i == 0 || prefix_cmp(&o->order[i - 1]->p, &e->p) != 0)
			*(e->p.afi == AFI_IPV4 ? &t->prefixes_v4 : &t->prefixes_v6) += 1;
		if (a == NULL || a->asn != e->origin) { /* an AS's routes are often neighbours */
			int created;
			a = otable_upsert(&t->acc, &e->origin, &created);
		}
		if (e->p.afi == AFI_IPV4)
			a->v4++;
		else
			a->v6++;
		if (e->rov_checked)
			*(e->rov == ROV_VALID       ? &a->valid
			    : e->rov == ROV_INVALID ? &a->invalid
			                            : &a->notfound) += 1;
		if (e->irr_checked)
			*(e->irr == IRR_EXACT || e->irr == IRR_COVERED ? &a->irr_reg
			                                               : &a->irr_unreg) += 1;
		a->aspa_seen += e->aspa_seen;
		a->aspa_invalid += e->aspa_invalid;
	}
	return NULL;
}

/* Findings counted per AS and metric; their RIB sightings become events. */
static void count_findings(struct observe *o, struct otable *acc)
{
	for (size_t i = 0; i < o->finds.n; i++) {
		const struct fd_ent *e = OTABLE_AT(&o->finds, i);
		acc_get(acc, e->k.asn)->count[e->k.metric]++;
		/* sightings in RIB snapshots: duration known only across several */
		if (e->rib_first)
			observe_push_event(o, (struct event){e->k.asn, e->k.metric, 1, e->rib_first,
			                          e->rib_last, e->rib_last > e->rib_first});
	}
}

static void score_incidents(struct observe *o, struct otable *acc, struct store_results *res)
{
	/* events still open at the end of the data end there */
	for (size_t i = 0; i < o->open.n; i++) {
		struct open_ent *e = OTABLE_AT(&o->open, i);
		for (int j = 0; j < e->n; j++)
			observe_push_event(o, (struct event){e->h[j].asn, e->h[j].metric, 1,
			                          e->h[j].start, o->last_ts, 1});
		e->n = 0;
	}
	struct incident *inc = xreallocarray(NULL, o->nev ? o->nev : 1, sizeof(*inc));
	size_t n = incidents_merge(&o->cfg, o->ev, o->nev, inc);
	res->incidents = xreallocarray(res->incidents, n ? n : 1, sizeof(*res->incidents));
	res->capincidents = n ? n : 1;
	for (size_t i = 0; i < n; i++) {
		acc_get(acc, inc[i].asn)->raw[inc[i].metric] += inc[i].score;
		res->incidents[i] = (struct store_incident){inc[i].asn,
		    metric_defs[inc[i].metric].name, inc[i].start, inc[i].end, inc[i].weight,
		    inc[i].score, inc[i].nevents, inc[i].duration_known};
	}
	res->nincidents = n;
	free(inc);
	o->nev = 0;
}

/* Which metrics the loaded reference data can measure at all. */
static void metric_has_data(const struct observe *o, int has[METRIC_COUNT])
{
	const struct observe_refs *r = &o->refs;
	int rel = r->asrel != NULL;
	/* a prefix-to-origin table has no paths: leaks, customers' routes and the ASNs of a
	 * path are not seen at all then ("no data", never 0) */
	int paths = o->npaths > 0;
	has[M1] = paths && (rel || r->aspa);
	has[M1C] = paths && rel;
	has[M2] = r->vrps || r->irr;
	has[M2C] = paths && rel && has[M2];
	has[M3] = 1; /* the special-purpose registries are built in */
	has[M4] = paths;
	has[M3C] = has[M4C] = paths && rel;
	has[M5] = r->spoofer != NULL; /* per AS: only with a Spoofer test in the window */
	has[M7IRR] = r->irr != NULL;
	has[M7RPKI] = r->vrps != NULL;
	/* contacts come from PeeringDB or aut-num objects; route objects alone say nothing.
	 * Without PeeringDB, whether one AS is measured depends on its registry (m8_measured) */
	has[M8] = r->pdb || (r->irr && r->irr->count[RPSL_AUT_NUM] > 0);
}

/* The IRR source name of each RIR's own database (the RIR's whois, which holds the contacts of
 * the ASes it delegated). */
static const char *const rir_source[RIR_COUNT] = {[RIR_AFRINIC] = "AFRINIC",
    [RIR_APNIC] = "APNIC",
    [RIR_ARIN] = "ARIN",
    [RIR_LACNIC] = "LACNIC",
    [RIR_RIPENCC] = "RIPE"};

/* Action 3 is measured for an AS when the registry that would hold its contacts was loaded:
 * PeeringDB (every AS may have a record there), or the aut-num's own database (an aut-num of
 * the AS was loaded), or the database of the RIR that delegated the AS (--delegated) with
 * aut-nums in it. Otherwise "no data": a missing contact is not seen, not absent. */
static int m8_measured(const struct observe *o, uint32_t asn)
{
	const struct irr_db *irr = o->refs.irr;
	if (o->refs.pdb)
		return 1;
	if (irr == NULL || irr->autnum_sources == 0)
		return 0;
	if (irr_db_autnum(irr, asn, 0))
		return 1;
	const struct deleg_entry *d = o->refs.deleg ? delegated_asn(o->refs.deleg, asn) : NULL;
	if (d == NULL || d->rir >= RIR_COUNT || rir_source[d->rir] == NULL)
		return 0;
	int src = irr_db_source_find(irr, rir_source[d->rir]);
	return src >= 0 && (irr->autnum_sources >> src & 1);
}

static int has_contact(const struct observe *o, uint32_t asn)
{
	if (o->refs.pdb) {
		const struct pdb_net *n = pdb_net_by_asn(o->refs.pdb, asn);
		if (n && pdb_net_contacts(o->refs.pdb, n) > 0)
			return 1;
	}
	if (o->refs.irr) {
		const struct irr_object *a = irr_db_autnum(o->refs.irr, asn, 0);
		if (a && (irr_object_get(a, "tech-c") || irr_object_get(a, "admin-c")))
			return 1;
	}
	return 0;
}

/* The measured universe: delegated ASes seen in BGP (every AS seen, without delegation
 * data), never a full bogon ASN (private, documentation, reserved: nobody to score). */
static int measured(const struct observe *o, uint32_t asn)
{
	if (bogon_check_asn(o->refs.bogons, asn, NULL) == BOGON_FULL)
		return 0;
	if (o->refs.deleg == NULL || o->refs.deleg->nasn == 0) /* IANA registries only */
		return 1;
	const struct deleg_entry *d = delegated_asn(o->refs.deleg, asn);
	return d && deleg_is_delegated(d);
}

static void as_info(const struct observe *o, uint32_t asn, struct store_results *res)
{
	const char *name = NULL, *cc = NULL, *rir = NULL;
	if (o->refs.names) {
		const struct asname *n = asnames_get(o->refs.names, asn);
		if (n) {
			name = n->name ? n->name : n->org;
			cc = n->cc[0] ? n->cc : NULL;
		}
	}
	if (o->refs.deleg) {
		const struct deleg_entry *d = delegated_asn(o->refs.deleg, asn);
		if (d) {
			rir = deleg_rir_name(d->rir);
			if (cc == NULL && strcmp(d->cc, "ZZ") != 0 && d->cc[0])
				cc = d->cc;
		}
	}
	if (o->refs.orgs && (name == NULL || cc == NULL)) { /* after the names and delegations */
		const struct as2org_as *e = as2org_as(o->refs.orgs, asn);
		if (e) {
			const struct as2org_org *g = &o->refs.orgs->orgs[e->org];
			if (name == NULL)
				name = g->name ? g->name : e->name;
			if (cc == NULL && g->cc[0])
				cc = g->cc;
		}
	}
	const char *org_id = NULL, *org_name = NULL; /* for the organisation scorecards */
	if (o->refs.orgs) {
		const struct as2org_org *g = as2org_get(o->refs.orgs, asn);
		if (g)
			org_id = g->id, org_name = g->name;
	}
	if (name || cc || rir || org_id) {
		XGROW(res->info, res->capinfo, res->ninfo + 1);
		res->info[res->ninfo++] =
		    (struct store_asinfo){asn, name, cc, rir, org_id, org_name};
	}
}

/* One AS's metrics and Action scores; action[1..4] for the readiness distribution. */
static void score_as(const struct observe *o, const struct as_acc *a, const int has[METRIC_COUNT],
    struct store_results *res, double action[5])
{
	uint64_t routes = a->v4 + a->v6;
	double pct[METRIC_COUNT];
	for (int m = 0; m < METRIC_COUNT; m++) {
		double raw = a->raw[m], p = -1;
		if (!has[m])
			raw = 0;
		else if (metric_defs[m].kind == METRIC_INCIDENTS)
			p = metric_percent(&o->cfg, raw);
		else if (m == M7IRR) {
			p = routes ? m7irr_percent(a->irr_reg, a->irr_reg + a->irr_unreg) : -1;
			raw = (double)a->irr_reg;
		} else if (m == M7RPKI) {
			p = routes ? m7rpki_percent(&o->cfg, a->valid, a->invalid,
			                 a->valid + a->invalid + a->notfound)
			           : -1;
			raw = (double)a->invalid;
		} else if (m == M5) {
			uint32_t n;
			int64_t from, to;
			spoofer_window(o->first_ts, o->last_ts, &from, &to);
			p = spoofer_m5(o->refs.spoofer, a->asn, from, to, &n) ? (n ? 0 : 100) : -1;
			raw = n;
		} else if (m == M8) {
			p = !m8_measured(o, a->asn) ? -1 : has_contact(o, a->asn) ? 100 : 0;
			raw = p > 0;
		}
		pct[m] = p;
		/* sparse: incident metrics only where there is something; the share metrics
		 * are summary columns; the rest is the snapshot's default (store/query.c) */
		if (m == M5
		        ? p < 0
		        : metric_defs[m].kind != METRIC_INCIDENTS || (raw == 0 && a->count[m] == 0))
			continue; /* M5 tested: its row keeps the count (the summary only the score)
			           */
		XGROW(res->metrics, res->capmetrics, res->nmetrics + 1);
		res->metrics[res->nmetrics++] =
		    (struct store_metric){a->asn, metric_defs[m].name, raw, p, a->count[m]};
	}
	action[1] = action1_score(&o->cfg, pct);
	action[2] = pct[M5];
	action[3] = pct[M8];
	action[4] = pct[M7RPKI];
	XGROW(res->as, res->capas, res->nas + 1);
	res->as[res->nas++] = (struct store_as_summary){
	    .asn = a->asn,
	    .prefixes_v4 = a->v4,
	    .prefixes_v6 = a->v6,
	    .routes = routes,
	    .rpki_valid = a->valid,
	    .rpki_invalid = a->invalid,
	    .rpki_notfound = a->notfound,
	    .irr_registered = a->irr_reg,
	    .irr_unregistered = a->irr_unreg,
	    .action = {-1, action[1], action[2], action[3], -1},
	    .action4_irr = pct[M7IRR],
	    .action4_rpki = pct[M7RPKI],
	    /* ASPA: who publishes (the customer AS of an object), and its routes seen with an
	     * ASPA-invalid path (only where paths were seen: a table has none) */
	    .aspa = o->refs.aspa ? aspa_table_find(o->refs.aspa, a->asn) != NULL : -1,
	    .aspa_invalid = o->refs.aspa && o->npaths ? (int64_t)a->aspa_invalid : -1,
	};
	as_info(o, a->asn, res);
}

/* Route objects of the AS that contradict the ROAs (RPKI-invalid for their own prefix and
 * origin): stale IRR data to delete or correct. Findings of kind "irr-stale", not metrics. */
static void irr_stale(const struct observe *o, uint32_t asn, struct store_results *res)
{
	if (o->refs.irr == NULL || o->refs.vrps == NULL)
		return;
	for (const struct irr_route *r = irr_db_routes_by_origin(o->refs.irr, asn); r;
	     r = r->next_origin) {
		struct rov_result rv;
		if (r->deleted || r->origin != asn ||
		    rov_validate(o->refs.vrps, &r->prefix, asn, &rv) != ROV_INVALID)
			continue;
		char pfx[PREFIX_STRLEN], vpfx[PREFIX_STRLEN];
		const char *src = o->refs.irr->sources[r->source];
		prefix_format(&r->prefix, pfx, sizeof(pfx));
		struct jsonw j;
		jsonw_init(&j);
		jsonw_object(&j);
		jsonw_key(&j, "route_object");
		jsonw_object(&j);
		jsonw_kstr(&j, "prefix", pfx);
		jsonw_kint(&j, "origin", asn);
		jsonw_kstr(&j, "source", src);
		jsonw_end_object(&j);
		jsonw_key(&j, "rpki");
		jsonw_object(&j);
		jsonw_kstr(&j, "state", "invalid");
		jsonw_kstr(&j, "reason", rov_reason_name(rv.reason));
		jsonw_key(&j, "covering_vrps");
		jsonw_array(&j);
		for (uint32_t i = 0; i < rv.ncovering && i < ROV_MAX_COVERING; i++) {
			jsonw_object(&j);
			jsonw_kstr(
			    &j, "prefix", prefix_format(&rv.covering[i].p, vpfx, sizeof(vpfx)));
			jsonw_kint(&j, "maxLength", rv.covering[i].maxlen);
			jsonw_kint(&j, "asn", rv.covering[i].asn);
			jsonw_end_object(&j);
		}
		jsonw_end_array(&j);
		jsonw_end_object(&j);
		jsonw_end_object(&j);
		XGROW(res->stale, res->capstale, res->nstale + 1);
		res->stale[res->nstale++] = (struct store_finding){.asn = asn,
		    .metric = "irr-stale",
		    .culprit = asn,
		    .prefix = arena_strdup(&res->arena, pfx),
		    .origin = asn,
		    .detail = arena_printf(&res->arena,
		        "IRR route object %s origin AS%u (%s) contradicts the ROAs (%s)", pfx, asn,
		        src, rov_reason_name(rv.reason)),
		    .evidence = arena_strdup(&res->arena, j.s)};
		jsonw_free(&j);
	}
}

/* Global figures: route coverage per scope. */
struct gstat {
	char scope[24]; /* key */
	double routes, valid, invalid, notfound, irr_reg, irr_checked;
};

static struct gstat *gstat_get(struct otable *t, const char *scope)
{
	char key[24];
	memset(key, 0, sizeof(key));
	snprintf(key, sizeof(key), "%s", scope);
	int created;
	return otable_upsert(t, key, &created);
}

static void gstat_add(struct gstat *g, const struct rt_ent *e)
{
	g->routes++;
	if (e->rov_checked)
		*(e->rov == ROV_VALID       ? &g->valid
		    : e->rov == ROV_INVALID ? &g->invalid
		                            : &g->notfound) += 1;
	if (e->irr_checked) {
		g->irr_checked++;
		g->irr_reg += e->irr == IRR_EXACT || e->irr == IRR_COVERED;
	}
}

static void gstat_merge(struct gstat *g, const struct gstat *x)
{
	g->routes += x->routes;
	g->valid += x->valid;
	g->invalid += x->invalid;
	g->notfound += x->notfound;
	g->irr_reg += x->irr_reg;
	g->irr_checked += x->irr_checked;
}

static void score_coverage(const struct observe *o, struct store_results *res)
{
	struct otable g;
	otable_init(&g, sizeof(struct gstat), 24);
	/* every route counts in "all" and its family: tallied here, the table takes the
	 * per-RIR and per-country scopes (a few hundred) */
	struct gstat fam[3];
	memset(fam, 0, sizeof(fam));
	struct deleg_region last = {0};
	struct gstat *last_rir = NULL, *last_cc = NULL;
	for (size_t i = 0; i < o->routes.n; i++) {
		const struct rt_ent *e = OTABLE_AT(&o->routes, i);
		char scope[24];
		gstat_add(&fam[0], e);
		gstat_add(&fam[e->p.afi == AFI_IPV4 ? 1 : 2], e);
		if (o->refs.deleg) {
			struct deleg_region r;
			deleg_region(o->refs.deleg, o->refs.orgs, &e->p, e->origin, &r);
			if (last_rir == NULL || r.rec != last.rec) {
				snprintf(scope, sizeof(scope), "rir:%s", r.rir);
				last_rir = gstat_get(&g, scope);
			}
			if (last_cc == NULL || strcmp(r.cc, last.cc) != 0) {
				snprintf(scope, sizeof(scope), "cc:%s", r.cc);
				last_cc = gstat_get(&g, scope);
			}
			last = r; /* neighbours mostly share a delegation and a country */
			gstat_add(last_rir, e);
			gstat_add(last_cc, e);
		}
	}
	const char *const famscope[3] = {"all", "afi:4", "afi:6"};
	for (int f = 0; f < 3; f++)
		if (fam[f].routes)
			gstat_merge(gstat_get(&g, famscope[f]), &fam[f]);
	for (size_t i = 0; i < g.n; i++) {
		const struct gstat *x = OTABLE_AT(&g, i);
		const struct {
			const char *k;
			double v;
		} kv[] = {{"routes", x->routes}, {"rpki_valid", x->valid},
		    {"rpki_invalid", x->invalid}, {"rpki_notfound", x->notfound},
		    {"irr_registered", x->irr_reg}, {"irr_checked", x->irr_checked}};
		for (size_t k = 0; k < sizeof(kv) / sizeof(kv[0]); k++) {
			if ((k >= 1 && k <= 3 && !o->refs.vrps) || (k >= 4 && !o->refs.irr))
				continue; /* no data is not zero */
			store_results_add_global(res, x->scope, kv[k].k, kv[k].v);
		}
	}
	otable_free(&g);
}

/* What an incident metric is when an AS has nothing (100 %, or no data), the settings the
 * scores were computed with (readiness thresholds among them: every reader of the snapshot
 * judges readiness with these), and the readiness distribution. */
static void score_globals(const struct observe *o, const int has[METRIC_COUNT],
    const double *ready_counts, struct store_results *res)
{
	for (int m = 0; m < METRIC_COUNT; m++)
		if (metric_defs[m].kind == METRIC_INCIDENTS)
			store_results_add_global(res, "metric_default", metric_defs[m].name,
			    has[m] ? metric_percent(&o->cfg, 0) : -1);
	for (int i = 0; i < OBSERVE_CONFIG_NKEYS; i++)
		store_results_add_global(
		    res, "config", observe_config_keys[i], observe_config_get(&o->cfg, i));
	/* ready_counts[action * 4 + readiness] */
	for (int a = 1; a <= 4; a++)
		for (int r = 0; r < 4; r++) {
			char key[48];
			snprintf(key, sizeof(key), "action%d_%s", a, readiness_name(r));
			for (char *c = key; *c; c++)
				if (*c == ' ')
					*c = '_';
			store_results_add_global(res, "all", key, ready_counts[a * 4 + r]);
		}
}

/* ASPA adoption (observatory figures, no MANRS metric): the ASPA objects loaded, the
 * measured ASes publishing one, and the routes seen with an ASPA-invalid path (when the
 * snapshot had paths). Nothing without ASPA data: no data is not zero. */
static void score_aspa(const struct observe *o, struct store_results *res)
{
	if (o->refs.aspa == NULL)
		return;
	double ases = 0, invalid = 0, seen = 0;
	for (size_t i = 0; i < res->nas; i++)
		ases += res->as[i].aspa == 1;
	for (size_t i = 0; i < o->routes.n; i++) {
		const struct rt_ent *e = OTABLE_AT(&o->routes, i);
		seen += e->aspa_seen;
		invalid += e->aspa_invalid;
	}
	store_results_add_global(
	    res, "all", "aspa_objects", (double)aspa_table_count(o->refs.aspa));
	store_results_add_global(res, "all", "aspa_ases", ases);
	if (o->npaths) {
		store_results_add_global(res, "all", "aspa_routes_verified", seen);
		store_results_add_global(res, "all", "aspa_routes_invalid", invalid);
	}
}

static int acc_cmp(const void *a, const void *b)
{
	const struct as_acc *x = a, *y = b;
	return x->asn < y->asn ? -1 : x->asn > y->asn;
}

int observe_score(struct observe *o, struct store_results *res, struct observe_totals *tot)
{
	memset(tot, 0, sizeof(*tot));
	int has[METRIC_COUNT];
	metric_has_data(o, has);
	double w0 = clock_mono();
	/* the routes are put in order and tallied by a thread of their own while this one
	 * counts the findings and merges the incidents */
	struct route_tally rt = {.o = o};
	otable_init(&rt.acc, sizeof(struct route_acc), sizeof(uint32_t));
	int threaded = pthread_create(&rt.thread, NULL, route_tally_run, &rt) == 0;
	if (!threaded)
		route_tally_run(&rt);
	struct otable acc;
	otable_init(&acc, sizeof(struct as_acc), sizeof(uint32_t));
	count_findings(o, &acc);
	score_incidents(o, &acc, res);
	if (threaded)
		pthread_join(rt.thread, NULL);
	/* the routes are only gone through in order from now on: their hash index goes */
	otable_drop_index(&o->routes);
	for (size_t i = 0; i < rt.acc.n; i++) { /* the routes' tallies join the findings' */
		const struct route_acc *r = OTABLE_AT(&rt.acc, i);
		struct as_acc *a = acc_get(&acc, r->asn);
		a->v4 += r->v4, a->v6 += r->v6;
		a->valid += r->valid, a->invalid += r->invalid, a->notfound += r->notfound;
		a->irr_reg += r->irr_reg, a->irr_unreg += r->irr_unreg;
		a->aspa_seen += r->aspa_seen, a->aspa_invalid += r->aspa_invalid;
	}
	otable_free(&rt.acc);
	for (size_t i = 0; i < o->seen.n; i++)
		acc_get(&acc, *(uint32_t *)OTABLE_AT(&o->seen, i));
	/* in ASN order, as the store's keys are (the table is not used as a hash after this) */
	if (acc.n)
		qsort(acc.v, acc.n, acc.size, acc_cmp);
	double ready[5 * 4] = {0};
	for (size_t i = 0; i < acc.n; i++) {
		const struct as_acc *a = OTABLE_AT(&acc, i);
		if (!measured(o, a->asn))
			continue;
		double action[5];
		score_as(o, a, has, res, action);
		irr_stale(o, a->asn, res);
		for (int k = 1; k <= 4; k++)
			ready[k * 4 + readiness_of(&o->cfg, action[k])]++;
	}
	otable_free(&acc);
	score_aspa(o, res);
	score_coverage(o, res);
	score_globals(o, has, ready, res);
	log_debug("scored in %.2f s", clock_mono() - w0);
	tot->ases = res->nas;
	tot->incidents = res->nincidents;
	tot->prefixes_v4 = rt.prefixes_v4;
	tot->prefixes_v6 = rt.prefixes_v6;
	tot->routes = o->routes.n;
	tot->findings = o->finds.n + res->nstale;
	tot->rib_entries = o->nrib;
	tot->announcements = o->nupdates;
	tot->withdrawals = o->nwithdrawals;
	tot->first_ts = o->first_ts;
	tot->last_ts = o->last_ts;
	return 0;
}
