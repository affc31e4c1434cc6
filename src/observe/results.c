/*
 * From the accumulated tables to the store: routes, findings, incidents (update-stream events
 * and RIB sightings merged as manrs-metrics.md §3 says), per-AS metrics, scores and
 * readiness, and global coverage by address family, RIR and country.
 */
#include <json-c/json.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "irr/irr.h"
#include "observe_private.h"
#include "rpki/rpki.h"
#include "store/store.h"

struct as_acc {
	uint32_t asn; /* key */
	uint64_t v4, v6, valid, invalid, notfound, irr_reg, irr_unreg;
	double raw[METRIC_COUNT];
	uint64_t count[METRIC_COUNT];
};

static struct as_acc *acc_get(struct otable *t, uint32_t asn)
{
	int created;
	return otable_upsert(t, &asn, &created);
}

static const char *rov_str(const struct rt_ent *e)
{
	return e->rov_checked ? rov_state_name(e->rov) : NULL;
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

/* Routes go to the store in prefix order, which the store's key follows: appending to a
 * B-tree is many times faster than scattering into it. */
static int write_routes(
    struct observe *o, struct store *s, struct otable *acc, struct observe_totals *tot)
{
	struct rt_ent **order = xmalloc((o->routes.n ? o->routes.n : 1) * sizeof(*order));
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
	struct as_acc *a = NULL;
	for (size_t i = 0; i < o->routes.n; i++) {
		struct rt_ent *e = order[i];
		/* distinct prefixes: in prefix order, a new one differs from the one before */
		if (i == 0 || prefix_cmp(&order[i - 1]->p, &e->p) != 0)
			*(e->p.afi == AFI_IPV4 ? &tot->prefixes_v4 : &tot->prefixes_v6) += 1;
		if (a == NULL || a->asn != e->origin) /* an AS's routes are often neighbours */
			a = acc_get(acc, e->origin);
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
		struct store_route r = {
		    .prefix = NULL, /* the store takes .pfx */
		    .pfx = &e->p,
		    .origin = e->origin,
		    .peers = e->peers.n,
		    .rpki = rov_str(e),
		    .rpki_reason =
		        e->rov_checked && e->rov_reason ? rov_reason_name(e->rov_reason) : NULL,
		    .irr = e->irr_checked ? irr_verdict_name(e->irr) : NULL,
		    .bogon = e->bogon ? bogon_kind_name(e->bogon) : NULL,
		    .first_seen = e->first_seen,
		    .last_seen = e->last_seen,
		};
		if (store_put_route(s, &r) != 0) {
			free(order);
			return -1;
		}
	}
	free(order);
	return 0;
}

/* write_routes on a thread of its own: its own tallies, its own totals. */
struct route_job {
	struct observe *o;
	struct store *s;
	struct otable acc;
	struct observe_totals tot;
	int rc;
	pthread_t thread;
};

static void *route_job_run(void *arg)
{
	struct route_job *j = arg;
	j->rc = write_routes(j->o, j->s, &j->acc, &j->tot);
	if (j->rc == 0) /* the store compresses them while the rest is written */
		j->rc = store_routes_done(j->s);
	return NULL;
}

static int write_findings(struct observe *o, struct store *s, struct otable *acc)
{
	for (size_t i = 0; i < o->finds.n; i++) {
		struct fd_ent *e = OTABLE_AT(&o->finds, i);
		acc_get(acc, e->k.asn)->count[e->k.metric]++;
		if (e->rib_first) /* sightings in RIB snapshots: duration known only across several
		                   */
			observe_push_event(o, (struct event){e->k.asn, e->k.metric, 1, e->rib_first,
			                          e->rib_last, e->rib_last > e->rib_first});
		char pfx[PREFIX_STRLEN], peer[64];
		prefix_addr_format(
		    e->peer_afi ? e->peer_afi : AFI_IPV4, e->peer_addr, peer, sizeof(peer));
		struct store_finding f = {
		    .asn = e->k.asn,
		    .metric = metric_defs[e->k.metric].name,
		    .culprit = e->culprit,
		    .prefix = prefix_format(&e->k.p, pfx, sizeof(pfx)),
		    .origin = e->k.origin,
		    .path = e->path,
		    .peer_ip = peer,
		    .peer_asn = e->peer_asn,
		    .peers = e->peers.n,
		    .first_seen = e->first_seen,
		    .last_seen = e->last_seen,
		    .detail = e->detail,
		    .evidence = e->evidence,
		};
		if (store_put_finding(s, &f) != 0)
			return -1;
	}
	return 0;
}

static int write_incidents(struct observe *o, struct store *s, struct otable *acc, uint64_t *count)
{
	/* events still open at the end of the data end there */
	for (size_t i = 0; i < o->open.n; i++) {
		struct open_ent *e = OTABLE_AT(&o->open, i);
		for (int j = 0; j < e->n; j++)
			observe_push_event(o, (struct event){e->h[j].asn, e->h[j].metric, 1,
			                          e->h[j].start, o->last_ts, 1});
		e->n = 0;
	}
	struct incident *inc = xmalloc((o->nev ? o->nev : 1) * sizeof(*inc));
	size_t n = incidents_merge(&o->cfg, o->ev, o->nev, inc);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		acc_get(acc, inc[i].asn)->raw[inc[i].metric] += inc[i].score;
		struct store_incident si = {inc[i].asn, metric_defs[inc[i].metric].name,
		    inc[i].start, inc[i].end, inc[i].weight, inc[i].score, inc[i].nevents,
		    inc[i].duration_known};
		rc = store_put_incident(s, &si);
	}
	*count = n;
	free(inc);
	o->nev = 0;
	return rc;
}

/* Which metrics the loaded reference data can measure at all. */
static void metric_has_data(const struct observe *o, int has[METRIC_COUNT])
{
	const struct observe_refs *r = &o->refs;
	int rel = r->asrel != NULL;
	has[M1] = rel || r->aspa;
	has[M1C] = rel;
	has[M2] = r->vrps || r->irr;
	has[M2C] = rel && has[M2];
	has[M3] = has[M4] = 1; /* the special-purpose registries are built in */
	has[M3C] = has[M4C] = rel;
	has[M5] = 0; /* Spoofer results are not an input yet */
	has[M7IRR] = r->irr != NULL;
	has[M7RPKI] = r->vrps != NULL;
	/* contacts come from PeeringDB or aut-num objects; route objects alone say nothing */
	has[M8] = r->pdb || (r->irr && r->irr->count[RPSL_AUT_NUM] > 0);
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
	if (o->refs.deleg == NULL)
		return 1;
	const struct deleg_entry *d = delegated_asn(o->refs.deleg, asn);
	return d && deleg_is_delegated(d);
}

static int write_as(struct observe *o, struct store *s, const struct as_acc *a,
    const int has[METRIC_COUNT], double out_pct[METRIC_COUNT], double action[5])
{
	uint64_t routes = a->v4 + a->v6;
	for (int m = 0; m < METRIC_COUNT; m++) {
		double raw = a->raw[m], pct = -1;
		if (!has[m])
			raw = 0;
		else if (metric_defs[m].kind == METRIC_INCIDENTS)
			pct = metric_percent(&o->cfg, raw);
		else if (m == M7IRR) {
			pct = routes ? m7irr_percent(a->irr_reg, a->irr_reg + a->irr_unreg) : -1;
			raw = (double)a->irr_reg;
		} else if (m == M7RPKI) {
			pct = routes ? m7rpki_percent(&o->cfg, a->valid, a->invalid,
			                   a->valid + a->invalid + a->notfound)
			             : -1;
			raw = (double)a->invalid;
		} else if (m == M8) {
			pct = has_contact(o, a->asn) ? 100 : 0;
			raw = pct > 0;
		}
		out_pct[m] = pct;
		/* sparse: incident metrics only where there is something; the share metrics
		 * are summary columns; the rest is the snapshot's default (store/query.c) */
		if (metric_defs[m].kind != METRIC_INCIDENTS || (raw == 0 && a->count[m] == 0))
			continue;
		struct store_metric sm = {a->asn, metric_defs[m].name, raw, pct, a->count[m]};
		if (store_put_metric(s, &sm) != 0)
			return -1;
	}
	action[1] = action1_score(&o->cfg, out_pct);
	action[2] = out_pct[M5];
	action[3] = out_pct[M8];
	struct store_as_summary sum = {
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
	    .action4_irr = out_pct[M7IRR],
	    .action4_rpki = out_pct[M7RPKI],
	};
	action[4] = out_pct[M7RPKI];
	if (store_put_summary(s, &sum) != 0)
		return -1;
	const char *name = NULL, *cc = NULL, *rir = NULL;
	if (o->refs.names) {
		const struct asname *n = asnames_get(o->refs.names, a->asn);
		if (n) {
			name = n->name ? n->name : n->org;
			cc = n->cc[0] ? n->cc : NULL;
		}
	}
	if (o->refs.deleg) {
		const struct deleg_entry *d = delegated_asn(o->refs.deleg, a->asn);
		if (d) {
			rir = deleg_rir_name(d->rir);
			if (cc == NULL && strcmp(d->cc, "ZZ") != 0 && d->cc[0])
				cc = d->cc;
		}
	}
	if ((name || cc || rir) && store_put_asinfo(s, a->asn, name, cc, rir) != 0)
		return -1;
	return 0;
}

/* Route objects of the AS that contradict the ROAs (RPKI-invalid for their own prefix and
 * origin): stale IRR data to delete or correct. Findings of kind "irr-stale", not metrics. */
static int write_irr_stale(struct observe *o, struct store *s, uint32_t asn, uint64_t *count)
{
	if (o->refs.irr == NULL || o->refs.vrps == NULL)
		return 0;
	for (const struct irr_route *r = irr_db_routes_by_origin(o->refs.irr, asn); r;
	     r = r->next_origin) {
		struct rov_result res;
		if (r->deleted || r->origin != asn ||
		    rov_validate(o->refs.vrps, &r->prefix, asn, &res) != ROV_INVALID)
			continue;
		char pfx[PREFIX_STRLEN], vpfx[PREFIX_STRLEN], detail[512];
		prefix_format(&r->prefix, pfx, sizeof(pfx));
		json_object *j = json_object_new_object(), *ro = json_object_new_object();
		json_object *rp = json_object_new_object(), *cov = json_object_new_array();
		json_object_object_add(ro, "prefix", json_object_new_string(pfx));
		json_object_object_add(ro, "origin", json_object_new_int64(asn));
		json_object_object_add(
		    ro, "source", json_object_new_string(o->refs.irr->sources[r->source]));
		json_object_object_add(j, "route_object", ro);
		json_object_object_add(rp, "state", json_object_new_string("invalid"));
		json_object_object_add(
		    rp, "reason", json_object_new_string(rov_reason_name(res.reason)));
		for (uint32_t i = 0; i < res.ncovering && i < ROV_MAX_COVERING; i++) {
			json_object *v = json_object_new_object();
			json_object_object_add(v, "prefix",
			    json_object_new_string(
			        prefix_format(&res.covering[i].p, vpfx, sizeof(vpfx))));
			json_object_object_add(
			    v, "maxLength", json_object_new_int(res.covering[i].maxlen));
			json_object_object_add(
			    v, "asn", json_object_new_int64(res.covering[i].asn));
			json_object_array_add(cov, v);
		}
		json_object_object_add(rp, "covering_vrps", cov);
		json_object_object_add(j, "rpki", rp);
		const char *ev = json_object_to_json_string_ext(
		    j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		snprintf(detail, sizeof(detail),
		    "IRR route object %s origin AS%u (%s) contradicts the ROAs (%s)", pfx, asn,
		    o->refs.irr->sources[r->source], rov_reason_name(res.reason));
		struct store_finding f = {.asn = asn,
		    .metric = "irr-stale",
		    .culprit = asn,
		    .prefix = pfx,
		    .origin = asn,
		    .detail = detail,
		    .evidence = ev};
		int rc = store_put_finding(s, &f);
		json_object_put(j);
		if (rc != 0)
			return -1;
		(*count)++;
	}
	return 0;
}

/* Global figures: route coverage per scope, and the readiness distribution. */
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

static int write_globals(struct observe *o, struct store *s, const double *ready_counts)
{
	struct otable g;
	otable_init(&g, sizeof(struct gstat), 24);
	/* every route counts in "all" and its family: tallied here, the table takes the
	 * per-RIR and per-country scopes (a few hundred) */
	struct gstat fam[3];
	memset(fam, 0, sizeof(fam));
	const struct deleg_entry *last = NULL;
	struct gstat *last_rir = NULL, *last_cc = NULL;
	for (size_t i = 0; i < o->routes.n; i++) {
		const struct rt_ent *e = OTABLE_AT(&o->routes, i);
		char scope[24];
		gstat_add(&fam[0], e);
		gstat_add(&fam[e->p.afi == AFI_IPV4 ? 1 : 2], e);
		if (o->refs.deleg) {
			const struct deleg_entry *d = delegated_prefix(o->refs.deleg, &e->p, NULL);
			if (last_rir == NULL || d != last) { /* neighbours share a delegation */
				snprintf(scope, sizeof(scope), "rir:%s",
				    d ? deleg_rir_name(d->rir) : "unknown");
				last_rir = gstat_get(&g, scope);
				snprintf(scope, sizeof(scope), "cc:%s", d ? d->cc : "ZZ");
				last_cc = gstat_get(&g, scope);
				last = d;
			}
			gstat_add(last_rir, e);
			gstat_add(last_cc, e);
		}
	}
	const char *const famscope[3] = {"all", "afi:4", "afi:6"};
	for (int f = 0; f < 3; f++)
		if (fam[f].routes)
			gstat_merge(gstat_get(&g, famscope[f]), &fam[f]);
	int rc = 0;
	for (size_t i = 0; i < g.n && rc == 0; i++) {
		const struct gstat *x = OTABLE_AT(&g, i);
		const struct {
			const char *k;
			double v;
		} kv[] = {{"routes", x->routes}, {"rpki_valid", x->valid},
		    {"rpki_invalid", x->invalid}, {"rpki_notfound", x->notfound},
		    {"irr_registered", x->irr_reg}, {"irr_checked", x->irr_checked}};
		for (size_t k = 0; k < sizeof(kv) / sizeof(kv[0]) && rc == 0; k++) {
			if ((k >= 1 && k <= 3 && !o->refs.vrps) || (k >= 4 && !o->refs.irr))
				continue; /* no data is not zero */
			struct store_global sg = {x->scope, kv[k].k, kv[k].v};
			rc = store_put_global(s, &sg);
		}
	}
	/* what an incident metric is when an AS has nothing: 100 %, or no data */
	int has[METRIC_COUNT];
	metric_has_data(o, has);
	for (int m = 0; m < METRIC_COUNT && rc == 0; m++) {
		if (metric_defs[m].kind != METRIC_INCIDENTS)
			continue;
		struct store_global sg = {"metric_default", metric_defs[m].name,
		    has[m] ? metric_percent(&o->cfg, 0) : -1};
		rc = store_put_global(s, &sg);
	}
	/* the settings the scores were computed with, for readers of the snapshot */
	for (int i = 0; i < OBSERVE_CONFIG_NKEYS && rc == 0; i++) {
		struct store_global sg = {
		    "config", observe_config_keys[i], observe_config_get(&o->cfg, i)};
		rc = store_put_global(s, &sg);
	}
	/* readiness distribution: ready_counts[action * 4 + readiness] */
	for (int a = 1; a <= 4 && rc == 0; a++)
		for (int r = 0; r < 4 && rc == 0; r++) {
			char key[48];
			snprintf(key, sizeof(key), "action%d_%s", a, readiness_name(r));
			for (char *c = key; *c; c++)
				if (*c == ' ')
					*c = '_';
			struct store_global sg = {"all", key, ready_counts[a * 4 + r]};
			rc = store_put_global(s, &sg);
		}
	otable_free(&g);
	return rc;
}

static int acc_cmp(const void *a, const void *b)
{
	const struct as_acc *x = a, *y = b;
	return x->asn < y->asn ? -1 : x->asn > y->asn;
}

int observe_write(struct observe *o, struct store *s, struct observe_totals *tot)
{
	struct otable acc;
	otable_init(&acc, sizeof(struct as_acc), sizeof(uint32_t));
	memset(tot, 0, sizeof(*tot));
	int has[METRIC_COUNT];
	metric_has_data(o, has);
	double ready[5 * 4] = {0};
	/* stage times for -v -v: wall, and CPU of this thread (the store compresses beside it) */
	double w0 = clock_mono(), c0 = clock_thread_cpu();
	/* the routes (no SQLite: the store buffers and compresses them) are written by a
	 * thread of their own while this one writes the findings and incidents */
	struct route_job rj = {.o = o, .s = s};
	otable_init(&rj.acc, sizeof(struct as_acc), sizeof(uint32_t));
	int threaded = pthread_create(&rj.thread, NULL, route_job_run, &rj) == 0;
	if (!threaded)
		route_job_run(&rj);
	int rc = write_findings(o, s, &acc);
	if (rc == 0)
		rc = write_incidents(o, s, &acc, &tot->incidents);
	if (threaded)
		pthread_join(rj.thread, NULL);
	log_debug("routes, findings and incidents written: +%.2f s (%.2f s CPU)", clock_mono() - w0,
	    clock_thread_cpu() - c0);
	if (rc == 0)
		rc = rj.rc;
	for (size_t i = 0; i < rj.acc.n; i++) { /* the routes' tallies join the findings' */
		const struct as_acc *r = OTABLE_AT(&rj.acc, i);
		struct as_acc *a = acc_get(&acc, r->asn);
		a->v4 += r->v4, a->v6 += r->v6;
		a->valid += r->valid, a->invalid += r->invalid, a->notfound += r->notfound;
		a->irr_reg += r->irr_reg, a->irr_unreg += r->irr_unreg;
	}
	otable_free(&rj.acc);
	tot->prefixes_v4 = rj.tot.prefixes_v4;
	tot->prefixes_v6 = rj.tot.prefixes_v6;
	for (size_t i = 0; i < o->seen.n; i++)
		acc_get(&acc, *(uint32_t *)OTABLE_AT(&o->seen, i));
	/* in ASN order, as the store's keys are (the table is not used as a hash after this) */
	if (acc.n)
		qsort(acc.v, acc.n, acc.size, acc_cmp);
	for (size_t i = 0; i < acc.n && rc == 0; i++) {
		const struct as_acc *a = OTABLE_AT(&acc, i);
		if (!measured(o, a->asn))
			continue;
		double pct[METRIC_COUNT], action[5];
		rc = write_as(o, s, a, has, pct, action);
		if (rc == 0)
			rc = write_irr_stale(o, s, a->asn, &tot->findings);
		for (int k = 1; k <= 4; k++)
			ready[k * 4 + readiness_of(&o->cfg, action[k])]++;
		tot->ases++;
	}
	log_debug(
	    "AS metrics written: +%.2f s (%.2f s CPU)", clock_mono() - w0, clock_thread_cpu() - c0);
	if (rc == 0)
		rc = write_globals(o, s, ready);
	log_debug("global figures written: +%.2f s (%.2f s CPU)", clock_mono() - w0,
	    clock_thread_cpu() - c0);
	tot->routes = o->routes.n;
	tot->findings += o->finds.n;
	tot->rib_entries = o->nrib;
	tot->announcements = o->nupdates;
	tot->withdrawals = o->nwithdrawals;
	tot->first_ts = o->first_ts;
	tot->last_ts = o->last_ts;
	otable_free(&acc);
	return rc;
}
