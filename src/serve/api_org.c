/* Organisations (a MANRS participant with several networks): the scorecard of a CAIDA
 * organisation aggregated over its ASes (report/org.c), as JSON (routemark.org/1) and as a
 * dashboard page. The id may also be the organisation's name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
