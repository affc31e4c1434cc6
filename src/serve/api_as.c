/* API: per-AS views — the scorecard (report's JSON, schema routemark.report/1), findings and
 * incidents with pagination, the history series, and several ASes side by side. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "serve/server_private.h"

int api_as(struct req *r)
{
	struct store_snapshot snap;
	struct scorecard sc;
	uint64_t maxf = 20;
	const char *f = target_param(&r->t, "findings");
	if (f && param_uint(f, PAGE_LIMIT_MAX, &maxf) != 0)
		return req_error(
		    r, 400, "bad_parameter", "findings=%s: expected 0 to %d", f, PAGE_LIMIT_MAX);
	if (req_snapshot(r, &snap))
		return r->status;
	if (scorecard_load(r->store, snap.id, r->args.asn, (size_t)maxf, &r->arena, &sc) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	if (!sc.found)
		return req_error(r, 404, "not_found", "AS%u is not in snapshot %lld", r->args.asn,
		    (long long)snap.id);
	char *text = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&text, &len);
	if (mf == NULL) {
		req_overloaded(r);
		return r->status;
	}
	report_json_scorecard_compact(mf, &sc);
	if (fclose(mf) != 0) /* the stream could not grow */
		r->body.failed = 1;
	else
		buf_put(&r->body, text, len);
	free(text);
	return 0;
}

/* A finding, in the shape of report's scorecard findings. */
static json_object *j_finding(const struct store_finding *f)
{
	json_object *x = json_object_new_object();
	jadd(x, "asn", jint(f->asn));
	jadd(x, "metric", jstr(f->metric));
	jadd(x, "prefix", jstr(f->prefix));
	jadd(x, "origin", jint(f->origin));
	jadd(x, "culprit", jint(f->culprit));
	jadd(x, "path", jstr(f->path));
	jadd(x, "peer", jstr(f->peer_ip));
	jadd(x, "peer_asn", jint(f->peer_asn));
	jadd(x, "peers", jint(f->peers));
	jadd(x, "first_seen", jint(f->first_seen));
	jadd(x, "last_seen", jint(f->last_seen));
	jadd(x, "detail", jstr(f->detail));
	jadd(x, "evidence", f->evidence ? json_tokener_parse(f->evidence) : NULL);
	jadd(x, "id", jint(f->id));
	jadd(x, "disputed", f->disputed ? jint(f->disputed) : NULL);
	return x;
}

json_object *j_incident(const struct store_incident *n)
{
	json_object *x = json_object_new_object();
	jadd(x, "asn", jint(n->asn));
	jadd(x, "metric", jstr(n->metric));
	jadd(x, "start", jint(n->start));
	jadd(x, "end", jint(n->end));
	jadd(x, "events", jint(n->nevents));
	jadd(x, "weight", json_object_new_double(n->weight));
	jadd(x, "score", json_object_new_double(n->score));
	jadd(x, "duration_known", json_object_new_boolean(n->duration_known));
	return x;
}

/* A page of a list: {total?, limit, offset, next_offset, items}. */
json_object *j_page(json_object *items, int64_t total, size_t limit, size_t offset, int more)
{
	json_object *o = json_object_new_object();
	if (total >= 0)
		jadd(o, "total", jint(total));
	jadd(o, "limit", jint((int64_t)limit));
	jadd(o, "offset", jint((int64_t)offset));
	jadd(o, "next_offset", more ? jint((int64_t)(offset + limit)) : NULL);
	jadd(o, "items", items);
	return o;
}

int api_as_findings(struct req *r)
{
	struct store_snapshot snap;
	size_t limit, offset, n;
	uint64_t total;
	struct store_finding *f;
	const char *mv = target_param(&r->t, "metric"), *metric = NULL;
	if (mv && (metric = param_metric(mv)) == NULL)
		return req_error(
		    r, 400, "bad_parameter", "metric=%s: not a metric (M1 .. M8C)", mv);
	if (req_paging(r, 50, &limit, &offset) || req_snapshot(r, &snap))
		return r->status;
	uint32_t asn = r->args.asn;
	if (store_count_findings(r->store, snap.id, asn, metric, &total) ||
	    store_get_findings(r->store, snap.id, asn, metric, limit, offset, &r->arena, &f, &n))
		return req_error(r, 500, "store_error", "the store could not be read");
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, j_finding(&f[i]));
	json_object *o = j_page(a, (int64_t)total, limit, offset, offset + n < total);
	jadd(o, "asn", jint(asn));
	jadd(o, "snapshot", jint(snap.id));
	return req_json(r, o);
}

/* Incidents, filtered by the query (shared with /api/v1/incidents); asn 0 = every AS. */
int api_incidents_of(struct req *r, uint32_t asn)
{
	struct store_snapshot snap;
	size_t limit, offset, n;
	int64_t from = 0, to = 0;
	struct store_incident *v;
	const char *mv = target_param(&r->t, "metric"), *metric = NULL;
	const char *fv = target_param(&r->t, "from"), *tv = target_param(&r->t, "to");
	const char *av = target_param(&r->t, "asn");
	if (mv && (metric = param_metric(mv)) == NULL)
		return req_error(
		    r, 400, "bad_parameter", "metric=%s: not a metric (M1 .. M8C)", mv);
	if (fv && param_time(fv, &from) != 0)
		return req_error(r, 400, "bad_parameter",
		    "from=%s: expected unix seconds or YYYY-MM-DD[THH:MM[:SS]][Z]", fv);
	if (tv && param_time(tv, &to) != 0)
		return req_error(r, 400, "bad_parameter",
		    "to=%s: expected unix seconds or YYYY-MM-DD[THH:MM[:SS]][Z]", tv);
	if (from && to && from > to)
		return req_error(r, 400, "bad_parameter", "from is after to");
	if (av && param_asn(av, &asn) != 0)
		return req_error(r, 400, "bad_parameter", "asn=%s: expected an AS number", av);
	if (req_paging(r, 50, &limit, &offset) || req_snapshot(r, &snap))
		return r->status;
	/* one more than asked tells whether there is a next page */
	if (store_get_incidents(
	        r->store, snap.id, asn, metric, from, to, limit + 1, offset, &r->arena, &v, &n))
		return req_error(r, 500, "store_error", "the store could not be read");
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < n && i < limit; i++)
		json_object_array_add(a, j_incident(&v[i]));
	json_object *o = j_page(a, -1, limit, offset, n > limit);
	jadd(o, "snapshot", jint(snap.id));
	return req_json(r, o);
}

int api_as_incidents(struct req *r)
{
	return api_incidents_of(r, r->args.asn);
}
int api_incidents(struct req *r)
{
	return api_incidents_of(r, 0);
}

json_object *j_actions(const struct observe_config *c, const struct store_as_summary *s)
{
	json_object *o = json_object_new_object();
	for (int i = 0; i < ACTION_COUNT; i++) {
		json_object *x = json_object_new_object();
		jadd(x, "score", jpct(action_score(s, i)));
		jadd(x, "readiness", jstr(readiness_str(c, action_score(s, i))));
		jadd(o, action_keys[i], x);
	}
	return o;
}

int api_as_history(struct req *r)
{
	struct store_history *h;
	size_t n;
	if (store_get_history(r->store, r->args.asn, &r->arena, &h, &n) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		json_object *x = json_object_new_object();
		jadd(x, "snapshot", jint(h[i].snap.id));
		jadd(x, "period_start", jint(h[i].snap.period_start));
		jadd(x, "found", json_object_new_boolean(h[i].found));
		if (h[i].found) {
			struct observe_config c; /* each snapshot with its own thresholds */
			if (serve_snapshot_cfg(r->sv, r->store, h[i].snap.id, &c) != 0) {
				json_object_put(x);
				json_object_put(a);
				json_object_put(o);
				return req_error(
				    r, 500, "store_error", "the store could not be read");
			}
			jadd(x, "routes", jint((int64_t)h[i].sum.routes));
			jadd(x, "prefixes_v4", jint((int64_t)h[i].sum.prefixes_v4));
			jadd(x, "prefixes_v6", jint((int64_t)h[i].sum.prefixes_v6));
			/* coverage, where the snapshot had the reference data (else null) */
			struct store_global *g;
			size_t ng;
			if (store_get_globals(r->store, h[i].snap.id, "all", &r->arena, &g, &ng) !=
			    0) {
				json_object_put(x);
				json_object_put(a);
				json_object_put(o);
				return req_error(
				    r, 500, "store_error", "the store could not be read");
			}
			const struct store_as_summary *u = &h[i].sum;
			int rpki = globals_get(g, ng, "all", "rpki_valid") >= 0,
			    irr = globals_get(g, ng, "all", "irr_checked") >= 0;
			double routes = (double)u->routes;
			uint64_t irr_chk = u->irr_registered + u->irr_unregistered;
			jadd(x, "rpki_valid", rpki ? jint((int64_t)u->rpki_valid) : NULL);
			jadd(x, "rpki_invalid", rpki ? jint((int64_t)u->rpki_invalid) : NULL);
			jadd(x, "rpki_not_found", rpki ? jint((int64_t)u->rpki_notfound) : NULL);
			jadd(x, "rpki_valid_pct",
			    jpct(rpki && routes > 0 ? 100.0 * (double)u->rpki_valid / routes : -1));
			jadd(x, "irr_registered", irr ? jint((int64_t)u->irr_registered) : NULL);
			jadd(x, "irr_registered_pct",
			    jpct(irr && irr_chk
			             ? 100.0 * (double)u->irr_registered / (double)irr_chk
			             : -1));
			jadd(x, "actions", j_actions(&c, &h[i].sum));
			/* ASPA over time: published, and routes seen ASPA-invalid (null: no data)
			 */
			jadd(x, "aspa",
			    h[i].sum.aspa >= 0 ? json_object_new_boolean(h[i].sum.aspa) : NULL);
			jadd(x, "aspa_invalid_routes",
			    h[i].sum.aspa_invalid >= 0 ? jint(h[i].sum.aspa_invalid) : NULL);
		}
		json_object_array_add(a, x);
		if (h[i].snap.created > r->last_modified)
			r->last_modified = h[i].snap.created;
	}
	jadd(o, "asn", jint(r->args.asn));
	jadd(o, "series", a);
	return req_json(r, o);
}

/* One AS of a comparison: identity, counts, actions and metric percentages. */
static int compare_one(struct req *r, int64_t snap, uint32_t asn, json_object **out)
{
	struct store_asinfo info;
	struct store_as_summary s;
	struct store_metric *m;
	size_t nm;
	int has_info, found;
	if (store_get_asinfo(r->store, asn, &r->arena, &info, &has_info) ||
	    store_get_summary(r->store, snap, asn, &s, &found) ||
	    store_get_metrics(r->store, snap, asn, &r->arena, &m, &nm))
		return -1;
	json_object *x = json_object_new_object();
	jadd(x, "asn", jint(asn));
	jadd(x, "name", has_info ? jstr(info.name) : NULL);
	jadd(x, "country", has_info ? jstr(info.cc) : NULL);
	jadd(x, "found", json_object_new_boolean(found));
	if (found) {
		jadd(x, "routes", jint((int64_t)s.routes));
		jadd(x, "prefixes_v4", jint((int64_t)s.prefixes_v4));
		jadd(x, "prefixes_v6", jint((int64_t)s.prefixes_v6));
		jadd(x, "rpki_valid", jint((int64_t)s.rpki_valid));
		jadd(x, "rpki_invalid", jint((int64_t)s.rpki_invalid));
		jadd(x, "rpki_not_found", jint((int64_t)s.rpki_notfound));
		jadd(x, "irr_registered", jint((int64_t)s.irr_registered));
		jadd(x, "actions", j_actions(&r->cfg, &s));
		json_object *mo = json_object_new_object();
		for (size_t i = 0; i < nm; i++)
			jadd(mo, m[i].metric, jpct(m[i].percent));
		jadd(x, "metrics", mo);
	}
	*out = x;
	return 0;
}

int api_compare(struct req *r)
{
	struct store_snapshot snap;
	uint32_t asns[COMPARE_MAX];
	size_t n;
	if (req_asn_list(r, asns, &n, 1))
		return r->status;
	if (req_snapshot(r, &snap))
		return r->status;
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		json_object *x;
		if (compare_one(r, snap.id, asns[i], &x) != 0) {
			json_object_put(a);
			json_object_put(o);
			return req_error(r, 500, "store_error", "the store could not be read");
		}
		json_object_array_add(a, x);
	}
	jadd(o, "snapshot", j_snapshot(&snap));
	jadd(o, "ases", a);
	return req_json(r, o);
}
