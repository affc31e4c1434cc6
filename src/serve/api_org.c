/* Organisations (a MANRS participant with several networks): the scorecard of a CAIDA
 * organisation aggregated over its ASes (report/org.c), as JSON (routemark.org/1) and as a
 * dashboard page. The id may also be the organisation's name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "report/report.h"
#include "serve/serve_private.h"

/* Load the organisation named by the path; 0, or the error status set on r. */
static int org_load(struct req *r, struct org_scorecard *org)
{
	struct store_snapshot snap;
	if (req_snapshot(r, &snap))
		return r->status;
	if (strlen(r->args.rest) > 200)
		return req_error(r, 400, "bad_parameter", "organisation id too long");
	if (org_scorecard_load(r->store, snap.id, r->args.rest, &r->arena, org) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	if (!org->found)
		return req_error(
		    r, 404, "not_found", "no organisation %s in the store", r->args.rest);
	return 0;
}

/* Render with fn into the response body. */
static int render(struct req *r, const struct org_scorecard *org,
    void (*fn)(FILE *, const struct org_scorecard *))
{
	char *text = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&text, &len);
	if (mf == NULL) {
		req_overloaded(r);
		return r->status;
	}
	fn(mf, org);
	if (fclose(mf) != 0) /* the stream could not grow */
		r->body.failed = 1;
	else
		buf_put(&r->body, text, len);
	free(text);
	return 0;
}

static int by_period(const void *a, const void *b)
{
	const struct store_snapshot *x = a, *y = b;
	return x->period_start != y->period_start ? (x->period_start < y->period_start ? -1 : 1)
	                                          : (x->id < y->id ? -1 : x->id > y->id);
}

/* /api/v1/org/{id}/history: the organisation's figures in every snapshot, in time order of the
 * routing data, each aggregated over the members it had then (as the scorecard is). */
static int org_history(struct req *r, const char *q)
{
	struct store_snapshot *snaps;
	size_t n;
	if (store_snapshots(r->store, 0, &r->arena, &snaps, &n) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	qsort(snaps, n, sizeof(*snaps), by_period);
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	int found = 0;
	for (size_t i = 0; i < n; i++) {
		struct org_scorecard org;
		if (org_scorecard_load(r->store, snaps[i].id, q, &r->arena, &org) != 0) {
			json_object_put(a);
			json_object_put(o);
			return req_error(r, 500, "store_error", "the store could not be read");
		}
		if (!org.found)
			continue;
		if (!found) {
			jadd(o, "id", jstr(org.id));
			jadd(o, "name", jstr(org.name));
			found = 1;
		}
		json_object *x = json_object_new_object();
		jadd(x, "snapshot", jint(snaps[i].id));
		jadd(x, "period_start", jint(snaps[i].period_start));
		jadd(x, "networks", jint((int64_t)org.nin));
		if (org.nin == 0) { /* none of its networks in this snapshot */
			json_object_array_add(a, x);
			continue;
		}
		jadd(x, "routes", jint((int64_t)org.sum.routes));
		struct store_global *g;
		size_t ng;
		if (store_get_globals(r->store, snaps[i].id, "all", &r->arena, &g, &ng) != 0) {
			json_object_put(x);
			json_object_put(a);
			json_object_put(o);
			return req_error(r, 500, "store_error", "the store could not be read");
		}
		const struct store_as_summary *u = &org.sum;
		int rpki = globals_get(g, ng, "all", "rpki_valid") >= 0,
		    irr = globals_get(g, ng, "all", "irr_checked") >= 0;
		uint64_t irr_chk = u->irr_registered + u->irr_unregistered;
		jadd(x, "rpki_valid", rpki ? jint((int64_t)u->rpki_valid) : NULL);
		jadd(x, "rpki_invalid", rpki ? jint((int64_t)u->rpki_invalid) : NULL);
		jadd(x, "rpki_valid_pct",
		    jpct(rpki && u->routes ? 100.0 * (double)u->rpki_valid / (double)u->routes
		                           : -1));
		jadd(x, "irr_registered_pct",
		    jpct(
		        irr && irr_chk ? 100.0 * (double)u->irr_registered / (double)irr_chk : -1));
		jadd(x, "actions", j_actions(&org.cfg, u));
		jadd(x, "aspa_networks", org.aspa_members >= 0 ? jint(org.aspa_members) : NULL);
		json_object_array_add(a, x);
		if (snaps[i].created > r->last_modified)
			r->last_modified = snaps[i].created;
	}
	if (!found) {
		json_object_put(a);
		json_object_put(o);
		return req_error(r, 404, "not_found", "no organisation %s in the store", q);
	}
	jadd(o, "series", a);
	return req_json(r, o);
}

int api_org_history(struct req *r)
{
	if (strlen(r->args.rest) > 200)
		return req_error(r, 400, "bad_parameter", "organisation id too long");
	return org_history(r, r->args.rest);
}

int api_org(struct req *r)
{
	struct org_scorecard org;
	if (org_load(r, &org))
		return r->status;
	return render(r, &org, report_json_org);
}

int page_org(struct req *r)
{
	struct org_scorecard org;
	if (org_load(r, &org))
		return r->status;
	char title[160];
	snprintf(title, sizeof(title), "%.150s", org.name ? org.name : org.id);
	page_begin(r, title);
	if (render(r, &org, report_html_org_body))
		return r->status;
	buf_puts(&r->body, "<p class=\"muted\"><a href=\"/api/v1/org/");
	buf_html(&r->body, org.id);
	buf_puts(&r->body, "\">JSON</a></p>\n");
	page_end(r);
	return 0;
}
