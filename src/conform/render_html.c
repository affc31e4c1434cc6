/* Conformance results as a printable HTML page, or as a fragment for the dashboard (class
 * names prefixed "rmc-"; the page's stylesheet is CONFORM_CSS). */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "conform_private.h"

static const char css[] =
    "body{font:11pt/1.4 system-ui,sans-serif;margin:2em;color:#111}"
    ".rmc h1{font-size:1.5em;margin:0 0 .2em}.rmc h2{font-size:1.1em;margin:1.2em 0 .4em}"
    ".rmc-meta{color:#444;margin:.2em 0}"
    ".rmc-overall{display:inline-block;padding:.3em .8em;border-radius:4px;font-weight:bold;"
    "margin:.6em 0}"
    ".rmc-conformant{background:#d4f4d2;color:#0a5a06}.rmc-not{background:#fbd5d5;color:#8a0c0c}"
    ".rmc-undetermined{background:#fdf0c4;color:#6b5100}"
    ".rmc table{border-collapse:collapse;width:100%;margin:.5em 0}"
    ".rmc th,.rmc td{border:1px solid #bbb;padding:.3em .5em;text-align:left;vertical-align:top}"
    ".rmc th{background:#eee}"
    ".rmc-v{font-weight:bold;white-space:nowrap}"
    ".rmc-pass{color:#0a6a06}.rmc-fail{color:#b00}.rmc-nm{color:#666}.rmc-nodata{color:#8a6d00}"
    ".rmc-ev{font-size:.9em;margin:.2em 0 0 1em;padding:0}"
    ".rmc-ev li{margin:.1em 0}.rmc code{font-size:.9em}"
    ".rmc-fix{font-size:.9em;color:#333}"
    "@media print{body{margin:1cm}.rmc tr{page-break-inside:avoid}}";

static const char *vclass(enum conform_verdict v)
{
	static const char *const c[] = {"rmc-pass", "rmc-fail", "rmc-nm", "rmc-nodata"};
	return c[v];
}

static const char *oclass(enum conform_overall o)
{
	static const char *const c[] = {"rmc-conformant", "rmc-not", "rmc-undetermined"};
	return c[o];
}

static void control_row(FILE *f, const struct conform_control_result *c)
{
	char b[40];
	const struct conform_control *k = c->control;
	/* the anchor procurement comparisons link to (#control-ID) */
	html_put(f, "<tr id=\"control-", k->id);
	html_put(f, "\"><td><b>", k->id);
	html_put(f, "</b></td><td>", k->text);
	html_put(f, "<div class=\"rmc-meta\">rule <code>", k->rule_text);
	fprintf(f, "</code> — %s, %s; basis: %s</div><div>", conform_evidence_name(k->evidence),
	    conform_severity_name(k->severity), c->basis);
	html_escape(f, c->reason);
	fprintf(f, "</div>");
	if (c->nev) {
		fprintf(f, "<ul class=\"rmc-ev\">");
		for (size_t j = 0; j < c->nev; j++) {
			if (c->ev[j].filing_state)
				fprintf(f, "<li class=\"rmc-att-%s\">", c->ev[j].filing_state);
			else
				fprintf(f, "<li>");
			fprintf(f, "%s %s: ", c->ev[j].kind,
			    c->ev[j].time ? time_utc_format(c->ev[j].time, b, sizeof(b)) : "");
			html_escape(f, c->ev[j].text);
			fprintf(f, "</li>");
		}
		if (c->ev_total > c->nev)
			fprintf(f, "<li>… %zu more</li>", c->ev_total - c->nev);
		fprintf(f, "</ul>");
	}
	if (k->fix && c->verdict != CONFORM_PASS) {
		html_put(f, "<div class=\"rmc-fix\">Fix: ", k->fix);
		fprintf(f, "</div>");
	}
	fprintf(f, "</td><td class=\"rmc-v %s\">%s</td></tr>\n", vclass(c->verdict),
	    conform_verdict_name(c->verdict));
}

/* The disputes of the AS's findings, with their review. */
static void disputes(FILE *f, const struct conform_result *r)
{
	char b[40];
	if (r->ndisputes == 0)
		return;
	fprintf(f,
	    "<h2>Disputes of findings (%zu)</h2>\n<div class=\"rmc-meta\">findings of an "
	    "accepted dispute are not counted</div>\n<ul class=\"rmc-ev\">",
	    r->ndisputes);
	for (size_t i = 0; i < r->ndisputes; i++) {
		const struct store_dispute *d = &r->disputes[i];
		fprintf(f, "<li>#%" PRId64 " <b>%s</b> ", d->id, d->state);
		html_put(f, "", d->metric);
		html_put(f, " ", d->prefix);
		fprintf(f, " origin AS%" PRIu32 ", opened %s by ", d->origin,
		    time_utc_format(d->created, b, sizeof(b)));
		html_escape(f, d->opened_by ? d->opened_by : "unknown");
		html_put(f, ": ", d->reason);
		if (d->reviewer) {
			fprintf(
			    f, "; %s %s by ", d->state, time_utc_format(d->decided, b, sizeof(b)));
			html_escape(f, d->reviewer);
		}
		if (d->note)
			html_put(f, ": ", d->note);
		fprintf(f, "</li>");
	}
	fprintf(f, "</ul>\n");
}

void conform_render_html_fragment(FILE *f, const struct conform_result *r)
{
	char b1[40], b2[40], b3[40];
	const struct conform_profile *p = r->profile;
	fprintf(f, "<section class=\"rmc\">\n<h1>AS%" PRIu32 " ", r->asn);
	html_escape(f, r->name);
	html_put(f, "</h1>\n<div class=\"rmc-meta\">", p->title);
	html_put(f, " (", p->name);
	html_put(f, " ", p->version);
	if (p->status) {
		html_put(f, ", ", p->status);
	}
	fprintf(f, ") — window %s to %s, %zu snapshot%s — generated %s</div>\n",
	    time_utc_format(r->window_from, b1, sizeof(b1)),
	    time_utc_format(r->window_to, b2, sizeof(b2)), r->nsnaps, r->nsnaps == 1 ? "" : "s",
	    time_utc_format(r->generated, b3, sizeof(b3)));
	fprintf(f, "<div class=\"rmc-overall %s\">%s</div>\n", oclass(r->overall),
	    conform_overall_name(r->overall));
	fprintf(f,
	    "<div class=\"rmc-meta\">%zu pass (%zu on measurement, %zu on attestation or "
	    "audit), %zu fail, %zu not measurable, %zu no data</div>\n",
	    r->count[CONFORM_PASS], r->measured_pass, r->attested_pass, r->count[CONFORM_FAIL],
	    r->count[CONFORM_NOT_MEASURABLE], r->count[CONFORM_NO_DATA]);
	fprintf(f, "<table>\n<tr><th>Control</th><th>Requirement, rule and evidence</th>"
	           "<th>Verdict</th></tr>\n");
	for (size_t i = 0; i < r->n; i++)
		control_row(f, &r->c[i]);
	fprintf(f, "</table>\n");
	disputes(f, r);
	fprintf(f, "</section>\n");
}

static void page(FILE *f, const char *title, void (*body)(FILE *, const void *, size_t),
    const void *arg, size_t n)
{
	html_put(
	    f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>", title);
	fprintf(f, "</title><style>%s</style></head><body>\n", css);
	body(f, arg, n);
	fprintf(f,
	    "<footer class=\"rmc-meta\">routemark %s — conformance from public routing "
	    "data; schema %s</footer>\n</body></html>\n",
	    RM_VERSION, CONFORM_SCHEMA);
}

static void one_body(FILE *f, const void *arg, size_t n)
{
	(void)n;
	conform_render_html_fragment(f, arg);
}

void conform_render_html(FILE *f, const struct conform_result *r)
{
	char title[200];
	snprintf(title, sizeof(title), "AS%" PRIu32 " — %s conformance", r->asn, r->profile->name);
	page(f, title, one_body, r, 1);
}

void conform_compare_html_fragment(FILE *f, const struct conform_result *r, size_t n)
{
	if (n == 0)
		return;
	html_put(f, "<section class=\"rmc\">\n<h1>", r[0].profile->title);
	html_put(f, "</h1>\n<div class=\"rmc-meta\">profile ", r[0].profile->name);
	fprintf(f, " — * passed on an attestation or audit record</div>\n<table>\n"
	           "<tr><th>Control</th>");
	for (size_t j = 0; j < n; j++) {
		fprintf(f, "<th>AS%" PRIu32 " ", r[j].asn);
		html_escape(f, r[j].name);
		fprintf(f, "</th>");
	}
	fprintf(f, "</tr>\n");
	for (size_t i = 0; i < r[0].n; i++) {
		html_put(f, "<tr><td><b>", r[0].c[i].control->id);
		html_put(f, "</b> ", r[0].c[i].control->text);
		fprintf(f, "</td>");
		for (size_t j = 0; j < n; j++) {
			const struct conform_control_result *c = &r[j].c[i];
			fprintf(f, "<td class=\"rmc-v %s\" title=\"", vclass(c->verdict));
			html_escape(f, c->reason);
			fprintf(f, "\">%s%s</td>", conform_verdict_name(c->verdict),
			    c->verdict == CONFORM_PASS && c->control->evidence != CONFORM_MEASURED
			        ? "*"
			        : "");
		}
		fprintf(f, "</tr>\n");
	}
	fprintf(f, "<tr><th>Overall</th>");
	for (size_t j = 0; j < n; j++)
		fprintf(f,
		    "<td class=\"rmc-v\"><span class=\"rmc-overall %s\">%s</span> %zu/%zu</td>",
		    oclass(r[j].overall), conform_overall_name(r[j].overall),
		    r[j].count[CONFORM_PASS], r[j].n);
	fprintf(f, "</tr>\n</table>\n</section>\n");
}

static void compare_body(FILE *f, const void *arg, size_t n)
{
	conform_compare_html_fragment(f, arg, n);
}

void conform_compare_html(FILE *f, const struct conform_result *r, size_t n)
{
	page(f, n ? r[0].profile->title : "comparison", compare_body, r, n);
}
