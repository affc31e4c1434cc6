/* API: the endpoint index, the Internet-wide summary, snapshots and the coverage history. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "report/report.h"
#include "serve/serve_private.h"

int api_index(struct req *r)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	for (size_t i = 0; i < serve_nroutes; i++) {
		if (serve_routes[i].kind != ROUTE_API)
			continue;
		json_object *e = json_object_new_object();
		jadd(e, "path", jstr(serve_routes[i].pattern));
		jadd(e, "params", jstr(serve_routes[i].params));
		json_object_array_add(a, e);
	}
	jadd(o, "api", jstr("routemark/1"));
	jadd(o, "contract", jstr("docs/openapi.yaml"));
	jadd(o, "endpoints", a);
	return req_json(r, o);
}

static double pct(double part, double whole)
{
	return part < 0 || whole <= 0 ? -1 : 100.0 * part / whole;
}

/* The coverage of one scope: counts and percentages of the routing table. */
static json_object *coverage(const struct store_global *g, size_t n, const char *scope)
{
	json_object *o = json_object_new_object();
	double routes = globals_get(g, n, scope, "routes");
	double v = globals_get(g, n, scope, "rpki_valid"),
	       inv = globals_get(g, n, scope, "rpki_invalid");
	double nf = globals_get(g, n, scope, "rpki_notfound");
	double chk = globals_get(g, n, scope, "irr_checked"),
	       reg = globals_get(g, n, scope, "irr_registered");
	jadd(o, "routes", jint((int64_t)routes));
	jadd(o, "rpki_valid", v < 0 ? NULL : jint((int64_t)v));
	jadd(o, "rpki_invalid", inv < 0 ? NULL : jint((int64_t)inv));
	jadd(o, "rpki_not_found", nf < 0 ? NULL : jint((int64_t)nf));
	jadd(o, "rpki_valid_pct", jpct(pct(v, routes)));
	jadd(o, "rpki_invalid_pct", jpct(pct(inv, routes)));
	jadd(o, "irr_checked", chk < 0 ? NULL : jint((int64_t)chk));
	jadd(o, "irr_registered", reg < 0 ? NULL : jint((int64_t)reg));
	jadd(o, "irr_registered_pct", jpct(pct(reg, chk)));
	/* by address space (engine/space.c): /24s and /48s announced, and in VRP-covered
	 * (valid or invalid) and valid routes */
	static const char *const fam[2][4] = {
	    {"space_v4_24s", "space_v4_24s_rpki", "space_v4_24s_valid", "space_v4_rpki_pct"},
	    {"space_v6_48s", "space_v6_48s_rpki", "space_v6_48s_valid", "space_v6_rpki_pct"}};
	for (int f = 0; f < 2; f++) {
		double all = globals_get(g, n, scope, fam[f][0]);
		for (int k = 0; k < 3; k++) {
			double x = globals_get(g, n, scope, fam[f][k]);
			jadd(o, fam[f][k], x < 0 ? NULL : json_object_new_double(x));
		}
		jadd(o, fam[f][3], jpct(pct(globals_get(g, n, scope, fam[f][1]), all)));
	}
	double aspa = globals_get(g, n, scope, "aspa_ases");
	jadd(o, "aspa_ases", aspa < 0 ? NULL : jint((int64_t)aspa));
	return o;
}

static json_object *readiness(const struct store_global *g, size_t n)
{
	static const char *const st[] = {"ready", "aspiring", "lagging", "no_data"};
	json_object *o = json_object_new_object();
	for (int act = 1; act <= 4; act++) {
		json_object *x = json_object_new_object();
		for (int k = 0; k < 4; k++) {
			char key[40];
			snprintf(key, sizeof(key), "action%d_%s", act, st[k]);
			double v = globals_get(g, n, "all", key);
			jadd(x, st[k], v < 0 ? NULL : jint((int64_t)v));
		}
		char name[4];
		snprintf(name, sizeof(name), "%d", act);
		jadd(o, name, x);
	}
	return o;
}

int api_summary(struct req *r)
{
	struct store_snapshot snap;
	struct store_global *g;
	size_t n;
	if (req_snapshot(r, &snap))
		return r->status;
	if (store_get_globals(r->store, snap.id, "", &r->arena, &g, &n) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	json_object *o = json_object_new_object(), *cov = json_object_new_object();
	jadd(o, "snapshot", j_snapshot(&snap));
	for (size_t i = 0; i < n; i++)
		if (strcmp(g[i].key, "routes") == 0)
			jadd(cov, g[i].scope, coverage(g, n, g[i].scope));
	jadd(o, "coverage", cov);
	jadd(o, "readiness", readiness(g, n));
	struct report_provenance prov;
	if (report_provenance_read(r->store, &snap, &r->arena, &prov) != 0) {
		json_object_put(o);
		return req_error(r, 500, "store_error", "the store could not be read");
	}
	jadd(o, "provenance", report_provenance_json(&prov));
	return req_json(r, o);
}

int api_snapshots(struct req *r)
{
	size_t limit, offset, n;
	struct store_snapshot *s;
	if (req_paging(r, 100, &limit, &offset))
		return r->status;
	if (store_snapshots(r->store, 0, &r->arena, &s, &n) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	for (size_t i = offset; i < n && i < offset + limit; i++) {
		struct report_provenance prov;
		json_object *x = j_snapshot(&s[i]);
		if (report_provenance_read(r->store, &s[i], &r->arena, &prov) != 0) {
			json_object_put(x);
			json_object_put(a);
			json_object_put(o);
			return req_error(r, 500, "store_error", "the store could not be read");
		}
		jadd(x, "provenance", report_provenance_json(&prov));
		json_object_array_add(a, x);
	}
	if (n)
		r->last_modified = s[0].created;
	jadd(o, "total", jint((int64_t)n));
	jadd(o, "limit", jint((int64_t)limit));
	jadd(o, "offset", jint((int64_t)offset));
	jadd(o, "items", a);
	return req_json(r, o);
}

/* Data time first (period_start), then the order written: the series of a store whose
 * snapshots were not written in time order (a backfill) is still in time order. */
int snapshot_cmp_data_time(const void *a, const void *b)
{
	const struct store_snapshot *x = a, *y = b;
	if (x->period_start != y->period_start)
		return x->period_start < y->period_start ? -1 : 1;
	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* The coverage of one scope over every snapshot, oldest data first. */
int api_history(struct req *r)
{
	const char *scope = target_param(&r->t, "scope");
	struct store_snapshot *s;
	size_t n;
	if (scope == NULL)
		scope = "all";
	if (strlen(scope) > 40 || *scope == '\0')
		return req_error(
		    r, 400, "bad_parameter", "scope: expected all, afi:4, rir:NAME or cc:XX");
	if (store_snapshots(r->store, 0, &r->arena, &s, &n) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	if (n)
		r->last_modified = s[0].created; /* the newest written */
	qsort(s, n, sizeof(*s), snapshot_cmp_data_time);
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct store_global *g;
		size_t ng;
		if (store_get_globals(r->store, s[i].id, scope, &r->arena, &g, &ng) != 0) {
			json_object_put(o);
			json_object_put(a);
			return req_error(r, 500, "store_error", "the store could not be read");
		}
		if (globals_get(g, ng, scope, "routes") < 0)
			continue;
		json_object *x = coverage(g, ng, scope);
		jadd(x, "snapshot", jint(s[i].id));
		jadd(x, "period_start", jint(s[i].period_start));
		json_object_array_add(a, x);
	}
	jadd(o, "scope", jstr(scope));
	jadd(o, "series", a);
	return req_json(r, o);
}

/* Routes whose RPKI state changed between two snapshots (report/diff.c). */
int api_diff(struct req *r)
{
	const char *fp = target_param(&r->t, "from"), *tp = target_param(&r->t, "to");
	const char *lp = target_param(&r->t, "limit"), *rp = target_param(&r->t, "roas");
	uint64_t from, to, limit = 100;
	int roas = 0;
	if (rp && param_bool(rp, &roas) != 0)
		return req_error(r, 400, "bad_parameter", "roas=%s: expected true or false", rp);
	if (fp == NULL || tp == NULL)
		return req_error(
		    r, 400, "bad_parameter", "from and to: two snapshot ids are needed");
	if (param_uint(fp, INT64_MAX, &from) != 0 || from == 0)
		return req_error(r, 400, "bad_parameter", "from=%s: expected a snapshot id", fp);
	if (param_uint(tp, INT64_MAX, &to) != 0 || to == 0)
		return req_error(r, 400, "bad_parameter", "to=%s: expected a snapshot id", tp);
	if (lp && param_uint(lp, 1000, &limit) != 0)
		return req_error(r, 400, "bad_parameter", "limit=%s: expected 0 to 1000", lp);
	struct store_snapshot a, b;
	int ra = store_snapshot_get(r->store, (int64_t)from, &a);
	int64_t created = a.created;
	int rb = store_snapshot_get(r->store, (int64_t)to, &b);
	if (ra < 0 || rb < 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	if (ra == 0 || rb == 0)
		return req_error(r, 404, "not_found", "no snapshot %llu",
		    (unsigned long long)(ra == 0 ? from : to));
	r->last_modified = created > b.created ? created : b.created;
	struct report_diff d;
	if (report_diff(r->store, (int64_t)from, (int64_t)to, (size_t)limit, &d) != 0) {
		report_diff_free(&d);
		return req_error(r, 500, "store_error", "the store could not be read");
	}
	json_object *o = report_diff_json(&d);
	if (roas) { /* from the VRP sets the store kept with the two snapshots */
		char why[200] = "";
		struct vrp_table *va = engine_snapshot_vrps(r->store, d.vrps[0].path,
		                     d.vrps[0].sha256, d.from, 0, why, sizeof(why)),
		                 *vb = va ? engine_snapshot_vrps(r->store, d.vrps[1].path,
		                                d.vrps[1].sha256, d.to, 0, why, sizeof(why))
		                          : NULL;
		if (vb) {
			struct report_roas rr;
			report_roas_diff(va, vb, (size_t)limit, &rr);
			json_object_object_add(
			    o, "roas", report_roas_json(&rr, d.vrps[0].path, d.vrps[1].path));
			report_roas_free(&rr);
		} else {
			json_object_object_add(o, "roas", NULL);
			json_object_object_add(o, "roas_unavailable", json_object_new_string(why));
		}
		if (va)
			vrp_table_release(va);
		if (vb)
			vrp_table_release(vb);
	}
	report_diff_free(&d);
	return req_json(r, o);
}
