/* API: the prefix view, AS search and the ranking by a metric. */
#include <json-c/json.h>
#include <string.h>

#include "serve/serve_private.h"

json_object *j_route(const struct store_route *x)
{
	json_object *o = json_object_new_object();
	jadd(o, "prefix", jstr(x->prefix));
	jadd(o, "origin", jint(x->origin));
	jadd(o, "peers", jint(x->peers));
	jadd(o, "rpki", jstr(x->rpki));
	jadd(o, "rpki_reason", jstr(x->rpki_reason));
	jadd(o, "irr", jstr(x->irr));
	jadd(o, "bogon", jstr(x->bogon));
	jadd(o, "first_seen", jint(x->first_seen));
	jadd(o, "last_seen", jint(x->last_seen));
	return o;
}

/* Parse the {*} prefix argument and the covering flag; 0 or a status already set. */
int req_prefix(struct req *r, struct prefix *p, int *covering)
{
	const char *cv = target_param(&r->t, "covering");
	*covering = 0;
	if (cv && param_bool(cv, covering) != 0)
		return req_error(
		    r, 400, "bad_parameter", "covering=%s: expected true or false", cv);
	if (strlen(r->args.rest) > 64 || prefix_parse(r->args.rest, p) != 0)
		return req_error(r, 400, "bad_parameter",
		    "%.64s: not a prefix (e.g. 192.0.2.0/24 or 2001:db8::/32, no host bits)",
		    r->args.rest);
	return 0;
}

int api_prefix(struct req *r)
{
	struct store_snapshot snap;
	struct prefix p;
	int covering;
	struct store_route *v;
	size_t n;
	char pbuf[PREFIX_STRLEN];
	if (req_prefix(r, &p, &covering) || req_snapshot(r, &snap))
		return r->status;
	if (store_get_routes_by_prefix(r->store, snap.id, &p, covering, &r->arena, &v, &n) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, j_route(&v[i]));
	jadd(o, "prefix", jstr(prefix_format(&p, pbuf, sizeof(pbuf))));
	jadd(o, "snapshot", jint(snap.id));
	jadd(o, "covering", json_object_new_boolean(covering));
	jadd(o, "routes", a);
	return req_json(r, o);
}

int api_search(struct req *r)
{
	const char *q = target_param(&r->t, "q"), *lv = target_param(&r->t, "limit");
	uint64_t limit = 20;
	struct store_asinfo *v;
	size_t n;
	if (q == NULL || *q == '\0' || strlen(q) > 64)
		return req_error(r, 400, "bad_parameter",
		    "q: expected an AS number or part of a name (1 to 64 bytes)");
	if (lv && (param_uint(lv, 100, &limit) != 0 || limit == 0))
		return req_error(r, 400, "bad_parameter", "limit=%s: expected 1 to 100", lv);
	/* "AS64500" searches the number */
	uint32_t asn;
	char num[16];
	if (param_asn(q, &asn) == 0) {
		snprintf(num, sizeof(num), "%u", asn);
		q = num;
	}
	if (store_search_as(r->store, q, (size_t)limit, &r->arena, &v, &n) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		json_object *x = json_object_new_object();
		jadd(x, "asn", jint(v[i].asn));
		jadd(x, "name", jstr(v[i].name));
		jadd(x, "country", jstr(v[i].cc));
		jadd(x, "rir", jstr(v[i].rir));
		json_object_array_add(a, x);
	}
	jadd(o, "q", jstr(q));
	jadd(o, "items", a);
	return req_json(r, o);
}

int api_top(struct req *r)
{
	struct store_snapshot snap;
	const char *mv = target_param(&r->t, "metric"), *lv = target_param(&r->t, "limit");
	const char *metric;
	uint64_t limit = 20;
	struct store_metric *v;
	size_t n;
	if (mv == NULL || (metric = param_metric(mv)) == NULL)
		return req_error(r, 400, "bad_parameter", "metric: expected a metric (M1 .. M8C)");
	if (lv && (param_uint(lv, 100, &limit) != 0 || limit == 0))
		return req_error(r, 400, "bad_parameter", "limit=%s: expected 1 to 100", lv);
	if (req_snapshot(r, &snap))
		return r->status;
	if (store_top(r->store, snap.id, metric, (size_t)limit, &r->arena, &v, &n) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		json_object *x = json_object_new_object();
		jadd(x, "asn", jint(v[i].asn));
		jadd(x, "raw", json_object_new_double(v[i].raw));
		jadd(x, "percent", jpct(v[i].percent));
		jadd(x, "count", jint((int64_t)v[i].count));
		json_object_array_add(a, x);
	}
	jadd(o, "metric", jstr(metric));
	jadd(o, "snapshot", jint(snap.id));
	jadd(o, "items", a);
	return req_json(r, o);
}
