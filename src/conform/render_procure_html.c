/* Procurement comparison as one printable, self-contained HTML page: no scripts, no external
 * resources; the providers ranked, the control-by-control matrix with every verdict linking
 * to its evidence on a routemark server, and the dates of the data. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "conform_private.h"

static const char css[] =
    "body{font:10.5pt/1.4 system-ui,sans-serif;margin:2em;color:#111}"
    "h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.15em;margin:1.4em 0 .4em}"
    ".meta{color:#444;margin:.2em 0}"
    "table{border-collapse:collapse;width:100%;margin:.5em 0}"
    "th,td{border:1px solid #bbb;padding:.25em .45em;text-align:left;vertical-align:top}"
    "th{background:#eee}td.n{text-align:right}"
    ".ov{display:inline-block;padding:.1em .5em;border-radius:4px;font-weight:bold;"
    "white-space:nowrap}td.ctl{min-width:16em}"
    ".conformant{background:#d4f4d2;color:#0a5a06}.not{background:#fbd5d5;color:#8a0c0c}"
    ".undetermined{background:#fdf0c4;color:#6b5100}"
    ".v{font-weight:bold;white-space:nowrap}.v a{color:inherit}"
    ".pass{color:#0a6a06}.fail{color:#b00}.nm{color:#666}.nodata{color:#8a6d00}"
    "@media print{body{margin:1cm;font-size:9pt}a{text-decoration:none}"
    "tr{page-break-inside:avoid}h2{page-break-after:avoid}}"
    "@page{size:A4 landscape;margin:1cm}";

static const char *vclass(enum conform_verdict v)
{
	static const char *const c[] = {"pass", "fail", "nm", "nodata"};
	return c[v];
}

static const char *oclass(enum conform_overall o)
{
	static const char *const c[] = {"conformant", "not", "undetermined"};
	return c[o];
}

static void ranking(
    FILE *f, const struct conform_result *r, const size_t *order, size_t n, const char *base)
{
	char b1[40], b2[40], b3[40], b4[40];
	fprintf(f,
	    "<h2>Ranking</h2>\n<p class=\"meta\">Ranked: %s.</p>\n<table>\n"
	    "<tr><th>#</th><th>Provider</th><th>Overall</th><th>Required passed</th>"
	    "<th>Recommended passed</th><th>Failed</th><th>Window</th>"
	    "<th>Data (snapshots)</th></tr>\n",
	    CONFORM_RANKING_RULE);
	for (size_t k = 0; k < n; k++) {
		const struct conform_result *x = &r[order[k]];
		struct conform_standing st;
		conform_standing(x, &st);
		char *link = conform_link(base, x, NULL);
		fprintf(f, "<tr id=\"as-%" PRIu32 "\"><td class=\"n\">%zu</td><td>", x->asn, k + 1);
		html_put(f, "<a href=\"", link);
		fprintf(f, "\">AS%" PRIu32 "</a> ", x->asn);
		html_escape(f, x->name);
		if (x->cc)
			html_put(f, " [", x->cc), fputs("]", f);
		fprintf(f,
		    "</td><td><span class=\"ov %s\">%s</span></td><td class=\"n\">%zu/%zu</td>"
		    "<td class=\"n\">%zu/%zu</td><td class=\"n\">%zu</td>",
		    oclass(x->overall), conform_overall_name(x->overall), st.req_pass, st.req_total,
		    st.rec_pass, st.rec_total, st.fails);
		fprintf(f, "<td>%s to %s</td><td>%s to %s (%zu)</td></tr>\n",
		    time_utc_format(x->window_from, b1, sizeof(b1)),
		    time_utc_format(x->window_to, b2, sizeof(b2)),
		    time_utc_format(st.data_from, b3, sizeof(b3)),
		    time_utc_format(st.data_to, b4, sizeof(b4)), x->nsnaps);
		free(link);
	}
	fprintf(f, "</table>\n");
}

static void matrix(
    FILE *f, const struct conform_result *r, const size_t *order, size_t n, const char *base)
{
	const struct conform_profile *p = r[order[0]].profile;
	fprintf(f, "<h2>Control by control</h2>\n<p class=\"meta\">Each verdict links to its "
	           "evidence (routes, findings, filings, dates) on the routemark server; * passed "
	           "on an attestation or audit record, not on measurement.</p>\n<table>\n"
	           "<tr><th>Control</th><th>Severity</th>");
	for (size_t k = 0; k < n; k++)
		fprintf(f, "<th>%zu. AS%" PRIu32 "</th>", k + 1, r[order[k]].asn);
	fprintf(f, "</tr>\n");
	for (size_t i = 0; i < p->ncontrols; i++) {
		const struct conform_control *c = &p->controls[i];
		html_put(f, "<tr id=\"control-", c->id);
		html_put(f, "\"><td class=\"ctl\"><b>", c->id);
		html_put(f, "</b> ", c->text);
		fprintf(f, "</td><td>%s, %s</td>", conform_severity_name(c->severity),
		    conform_evidence_name(c->evidence));
		for (size_t k = 0; k < n; k++) {
			const struct conform_result *x = &r[order[k]];
			const struct conform_control_result *cr = &x->c[i];
			char *link = conform_link(base, x, c->id);
			fprintf(f, "<td class=\"v %s\" title=\"", vclass(cr->verdict));
			html_escape(f, cr->reason);
			html_put(f, "\"><a href=\"", link);
			fprintf(f, "\">%s%s</a></td>", conform_verdict_name(cr->verdict),
			    cr->verdict == CONFORM_PASS && c->evidence != CONFORM_MEASURED ? "*"
			                                                                   : "");
			free(link);
		}
		fprintf(f, "</tr>\n");
	}
	fprintf(f, "</table>\n");
}

void conform_procure_html(FILE *f, const struct conform_result *r, size_t n, const char *base_url)
{
	char b[40];
	const char *title = n ? r[0].profile->title : "Procurement comparison";
	html_put(
	    f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>", title);
	fprintf(f, " — procurement comparison</title><style>%s</style></head><body>\n", css);
	html_put(f, "<h1>Procurement comparison: ", title);
	fprintf(f, "</h1>\n");
	if (n == 0) {
		fprintf(f, "<p>No providers.</p>\n</body></html>\n");
		return;
	}
	const struct conform_profile *p = r[0].profile;
	html_put(f, "<p class=\"meta\">Profile ", p->name);
	html_put(f, " ", p->version);
	html_put(f, " (", p->programme);
	if (p->status)
		html_put(f, ", ", p->status);
	fprintf(f, ") — %zu provider%s — generated <time>%s</time></p>\n", n, n == 1 ? "" : "s",
	    time_utc_format(r[0].generated, b, sizeof(b)));
	if (p->description)
		html_put(f, "<p class=\"meta\">", p->description), fputs("</p>\n", f);
	size_t *order = xcalloc(n, sizeof(*order));
	conform_rank(r, n, order);
	ranking(f, r, order, n, base_url);
	matrix(f, r, order, n, base_url);
	free(order);
	fprintf(f,
	    "<footer class=\"meta\">routemark %s — conformance from public routing data and "
	    "the filings on record; schema %s</footer>\n</body></html>\n",
	    RM_VERSION, CONFORM_PROCURE_SCHEMA);
}
