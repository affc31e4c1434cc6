/* Request dispatch (parse, route, check parameters, run the handler with a store
 * connection) and the helpers handlers share: errors, JSON bodies, snapshot and paging. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "observe/observe.h"
#include "report/report.h"
#include "serve/server_private.h"

void serve_dispatch(struct req *r)
{
	const char *why = NULL, *bad = NULL;
	const struct route *rt = NULL;
	r->is_api = strncmp(r->uri, "/api/", 5) == 0 || strcmp(r->uri, "/api") == 0;
	int rc = target_parse(&r->t, r->uri, r->uri_len, &why);
	if (rc) {
		req_error(r, rc, rc == 414 ? "uri_too_long" : "bad_request", "%s", why);
		return;
	}
	rc = route_match(serve_routes, serve_nroutes, &r->t, &r->args, &rt);
	if (rc) {
		req_error(r, rc, rc == 404 ? "not_found" : "bad_parameter", "%s", r->args.why);
		return;
	}
	r->is_api = rt->kind == ROUTE_API;
	if (route_check_params(rt, &r->t, &bad) != 0) {
		req_error(r, 400, "unknown_parameter",
		    "unknown query parameter '%s' (accepted: %s)", bad,
		    rt->params && *rt->params ? rt->params : "none");
		return;
	}
	r->store = serve_conn_get(r->sv);
	/* an event stream is never cached; the alerts page runs its script */
	struct resp_cache *cache = rt->fn == api_events ? NULL : r->sv->cache;
	r->script = rt->fn == page_alerts;
	if (cache && store_changed(r->store) != 0) /* a new snapshot, dispute, filing... */
		resp_cache_invalidate(cache);
	if (resp_cache_get(cache, r->uri, r)) {
		r->cache_hit = 1;
		serve_conn_put(r->sv, r->store);
		r->store = NULL;
		return;
	}
	r->status = 200;
	r->ctype = rt->kind == ROUTE_API     ? "application/json"
	           : rt->kind == ROUTE_BADGE ? "image/svg+xml"
	                                     : "text/html; charset=utf-8";
	rt->fn(r);
	resp_cache_put(cache, r->uri, r);
	/* a client taking gzip gets the coding the cache just made (not made twice) */
	if (r->accept_gzip && r->status == 200 && r->body.len >= GZIP_MIN && cache)
		resp_cache_get(cache, r->uri, r);
	serve_conn_put(r->sv, r->store);
	r->store = NULL;
	if (r->body.failed)
		req_overloaded(r);
}

void req_overloaded(struct req *r)
{
	log_warn("serve: %s: out of memory building the response: 503", r->uri);
	/* give the memory back first: the error body is small */
	buf_free(&r->body);
	req_error(r, 503, "out_of_memory",
	    "the server ran out of memory building this response; try again later");
	if (r->body.failed) { /* not even that: an empty 503 */
		buf_free(&r->body);
		r->status = 503;
	}
}

static const char *reason(int status)
{
	switch (status) {
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 414:
		return "URI Too Long";
	case 503:
		return "Service Unavailable";
	default:
		return "Internal Server Error";
	}
}

int req_error(struct req *r, int status, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->status = status;
	buf_reset(&r->body);
	r->last_modified = 0;
	if (r->is_api) {
		json_object *o = json_object_new_object(), *e = json_object_new_object();
		jadd(e, "status", jint(status));
		jadd(e, "code", jstr(code));
		jadd(e, "message", jstr(msg));
		jadd(o, "error", e);
		req_json(r, o);
		r->status = status;
		return status;
	}
	r->ctype = "text/html; charset=utf-8";
	char title[64];
	snprintf(title, sizeof(title), "%d %s", status, reason(status));
	page_begin(r, title);
	buf_printf(&r->body, "<h1>%d %s</h1>\n<p>", status, reason(status));
	buf_html(&r->body, msg);
	buf_puts(&r->body, "</p>\n<p><a href=\"/\">Back to the overview</a></p>\n");
	page_end(r);
	r->status = status;
	return status;
}

int req_json(struct req *r, json_object *j)
{
	size_t n;
	const char *s = json_object_to_json_string_length(
	    j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	r->ctype = "application/json";
	if (s == NULL) { /* json-c ran out of memory */
		r->body.failed = 1;
	} else {
		buf_put(&r->body, s, n);
		buf_put(&r->body, "\n", 1);
	}
	json_object_put(j);
	return 0;
}

int req_asn_list(struct req *r, uint32_t *asns, size_t *n, int required)
{
	const char *av = target_param(&r->t, "asn");
	*n = 0;
	if ((av == NULL || *av == '\0') && !required)
		return 0;
	if (av == NULL || param_asn_list(av, asns, COMPARE_MAX, n) != 0)
		return req_error(r, 400, "bad_parameter",
		    "asn: expected 1 to %d different AS numbers separated by commas", COMPARE_MAX);
	return 0;
}

int req_snapshot(struct req *r, struct store_snapshot *snap)
{
	const char *v = target_param(&r->t, "snapshot");
	uint64_t id = 0;
	if (v && (param_uint(v, INT64_MAX, &id) != 0 || id == 0))
		return req_error(r, 400, "bad_parameter", "snapshot=%s: expected a snapshot id", v);
	int rc = store_snapshot_get(r->store, (int64_t)id, snap);
	if (rc < 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	if (rc == 0 && id)
		return req_error(r, 404, "not_found", "no snapshot %llu", (unsigned long long)id);
	if (rc == 0)
		return req_error(r, 404, "not_found", "the store has no snapshot yet");
	snap->label = snap->label ? arena_strdup(&r->arena, snap->label) : NULL;
	if (serve_snapshot_cfg(r->sv, r->store, snap->id, &r->cfg) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	r->last_modified = snap->created;
	return 0;
}

int req_paging(struct req *r, size_t def, size_t *limit, size_t *offset)
{
	const char *l = target_param(&r->t, "limit"), *o = target_param(&r->t, "offset");
	const char *pg = target_param(&r->t, "page");
	uint64_t v;
	*limit = def;
	*offset = 0;
	if (l) {
		if (param_uint(l, PAGE_LIMIT_MAX, &v) != 0 || v == 0)
			return req_error(r, 400, "bad_parameter", "limit=%s: expected 1 to %d", l,
			    PAGE_LIMIT_MAX);
		*limit = (size_t)v;
	}
	if (o) {
		if (param_uint(o, 100000000, &v) != 0)
			return req_error(
			    r, 400, "bad_parameter", "offset=%s: expected a number from 0", o);
		*offset = (size_t)v;
	}
	if (pg) {
		if (param_uint(pg, 1000000, &v) != 0 || v == 0)
			return req_error(
			    r, 400, "bad_parameter", "page=%s: expected a number from 1", pg);
		*offset = (size_t)(v - 1) * *limit;
	}
	return 0;
}

/* ---------------------------------------------------------------- shared data helpers */

double globals_get(const struct store_global *g, size_t n, const char *scope, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(g[i].scope, scope) == 0 && strcmp(g[i].key, key) == 0)
			return g[i].value;
	return -1;
}

const char *const action_labels[ACTION_COUNT] = {"Action 1: filtering", "Action 2: anti-spoofing",
    "Action 3: coordination", "Action 4: IRR", "Action 4: RPKI"};
const char *const action_keys[ACTION_COUNT] = {"1", "2", "3", "4_irr", "4_rpki"};

double action_score(const struct store_as_summary *s, int i)
{
	if (i < 3)
		return s->action[i + 1];
	return i == 3 ? s->action4_irr : s->action4_rpki;
}

const char *readiness_str(const struct observe_config *c, double pct)
{
	return readiness_name(readiness_of(c, pct));
}

int serve_snapshot_cfg(struct serve *sv, struct store *s, int64_t id, struct observe_config *out)
{
	pthread_mutex_lock(&sv->cfg_mu);
	for (size_t i = 0; i < sv->ncfgs; i++)
		if (sv->cfgs[i].id == id) {
			*out = sv->cfgs[i].cfg;
			pthread_mutex_unlock(&sv->cfg_mu);
			return 0;
		}
	pthread_mutex_unlock(&sv->cfg_mu);
	struct arena a;
	arena_init(&a, 0);
	int rc = scorecard_config_load(s, id, &a, out);
	arena_free(&a);
	if (rc != 0)
		return -1;
	pthread_mutex_lock(&sv->cfg_mu);
	size_t slot = sv->ncfgs < SERVE_CFG_CACHE ? sv->ncfgs++ : sv->cfg_next++ % SERVE_CFG_CACHE;
	sv->cfgs[slot].id = id;
	sv->cfgs[slot].cfg = *out;
	pthread_mutex_unlock(&sv->cfg_mu);
	return 0;
}
