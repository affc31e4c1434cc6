/* The scorecard as one self-contained, printable HTML page (no scripts, no external assets). */
#include <string.h>

#include "report/report.h"

static const char *css =
    "body{font:15px/1.45 system-ui,sans-serif;max-width:62rem;margin:1.5rem auto;padding:0 1rem;"
    "color:#1b1f23}h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.15rem;margin-top:1.6rem;"
    "border-bottom:1px solid #ddd}table{border-collapse:collapse;width:100%;margin:.4rem 0}"
    "th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #eee;vertical-align:top}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}.b{display:inline-block;padding:0 "
    ".45rem;border-radius:.6rem;font-size:.85rem;color:#fff}.ready{background:#1a7f37}"
    ".aspiring{background:#9a6700}.lagging{background:#cf222e}.no_data{background:#6e7781}"
    "code{font-size:.85rem;word-break:break-all}.muted{color:#57606a}"
    "@media print{body{margin:0;max-width:none}h2{break-after:avoid}tr{break-inside:avoid}}";

static void badge(FILE *f, const struct scorecard *sc, double pct)
{
	const char *r = readiness_name(readiness_of(&sc->cfg, pct));
	fprintf(f, "<span class=\"b %s\">", strcmp(r, "no data") == 0 ? "no_data" : r);
	html_escape(f, r);
	fputs("</span>", f);
}

static void action_row(FILE *f, const struct scorecard *sc, const char *name, double pct)
{
	char b[32];
	fputs("<tr><td>", f);
	html_escape(f, name);
	fprintf(f, "</td><td class=\"n\">%s</td><td>", report_pct(pct, b, sizeof(b)));
	badge(f, sc, pct);
	fputs("</td></tr>\n", f);
}

/* A small line chart of Action 4 RPKI and Action 1 over the snapshots, as inline SVG. */
static void trend_svg(FILE *f, const struct scorecard *sc)
{
	size_t n = 0;
	for (size_t i = 0; i < sc->nhistory; i++)
		n += sc->history[i].found;
	if (n < 2) {
		fputs("<p class=\"muted\">One snapshot so far: no trend yet.</p>\n", f);
		return;
	}
	const int W = 600, H = 160;
	fprintf(f,
	    "<svg viewBox=\"0 0 %d %d\" width=\"100%%\" role=\"img\" "
	    "aria-label=\"score trend\"><rect width=\"%d\" height=\"%d\" fill=\"#fafbfc\"/>",
	    W, H + 20, W, H);
	const char *colors[] = {"#0969da", "#1a7f37"};
	for (int line = 0; line < 2; line++) {
		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
		    colors[line]);
		size_t k = 0;
		for (size_t i = 0; i < sc->nhistory; i++) {
			const struct store_history *h = &sc->history[i];
			if (!h->found)
				continue;
			double v = line == 0 ? h->sum.action[1] : h->sum.action4_rpki;
			if (v >= 0)
				fprintf(f, "%.1f,%.1f ",
				    10 + (double)k * (W - 20) / (double)(n - 1),
				    H - 5 - v * (H - 10) / 100);
			k++;
		}
		fputs("\"/>", f);
	}
	fprintf(f,
	    "<text x=\"10\" y=\"%d\" font-size=\"12\" fill=\"#0969da\">Action 1</text>"
	    "<text x=\"90\" y=\"%d\" font-size=\"12\" fill=\"#1a7f37\">Action 4 RPKI</text>"
	    "</svg>\n",
	    H + 15, H + 15);
}

static void findings(FILE *f, const struct scorecard *sc)
{
	char t[64];
	fprintf(f, "<h2>Findings (%zu of %llu)</h2>\n", sc->nfindings,
	    (unsigned long long)sc->findings_total);
	if (sc->nfindings == 0) {
		fputs("<p>None.</p>\n", f);
		return;
	}
	fputs(
	    "<table><tr><th>metric</th><th>route</th><th>what and why</th><th>seen</th></tr>\n", f);
	for (size_t i = 0; i < sc->nfindings; i++) {
		const struct store_finding *x = &sc->findings[i];
		fputs(x->disputed ? "<tr class=\"disputed\"><td><s>" : "<tr><td>", f);
		html_escape(f, x->metric);
		if (x->disputed)
			fprintf(f, "</s><br>disputed (#%lld accepted)", (long long)x->disputed);
		fputs("</td><td>", f);
		html_escape(f, x->prefix);
		fprintf(f, "<br>origin AS%u<br><span class=\"muted\">path ", x->origin);
		html_escape(f, x->path);
		fputs("</span></td><td>", f);
		html_escape(f, x->detail);
		fputs("<br><code>", f);
		html_escape(f, x->evidence);
		char via[96];
		fprintf(f, "</code></td><td>%u peer%s, first %s via ", x->peers,
		    x->peers == 1 ? "" : "s", report_time(x->first_seen, t, sizeof(t)));
		html_escape(f, report_seen_via(x, via, sizeof(via)));
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

void report_html_scorecard(FILE *f, const struct scorecard *sc)
{
	char t[64], b[32];
	fprintf(f,
	    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
	    "<title>AS%u MANRS scorecard - routemark</title><style>%s</style></head><body>\n",
	    sc->asn, css);
	fprintf(f, "<h1>AS%u ", sc->asn);
	if (sc->has_info)
		html_escape(f, sc->info.name);
	fputs("</h1>\n<p class=\"muted\">", f);
	if (sc->has_info && sc->info.cc) {
		html_escape(f, sc->info.cc);
		fputs(" &middot; ", f);
	}
	if (sc->has_info && sc->info.org_id) { /* a self-contained page: no links */
		fputs("organisation ", f);
		html_escape(f, sc->info.org_name ? sc->info.org_name : sc->info.org_id);
		for (size_t i = 0; i < sc->nsiblings && i < 20; i++)
			fprintf(f, "%sAS%u", i ? ", " : ", siblings: ", sc->siblings[i].asn);
		if (sc->nsiblings > 20)
			fprintf(f, " and %zu more", sc->nsiblings - 20);
		fputs(" &middot; ", f);
	}
	fprintf(f, "snapshot %lld, data from %s &middot; routemark %s</p>\n",
	    (long long)sc->snap.id, report_time(sc->snap.period_start, t, sizeof(t)), RM_VERSION);
	if (!sc->found) {
		fputs("<p>This AS is not in the snapshot.</p></body></html>\n", f);
		return;
	}
	const struct store_as_summary *s = &sc->sum;
	fputs("<h2>MANRS actions</h2>\n<table><tr><th>action</th><th>score</th>"
	      "<th>readiness</th></tr>\n",
	    f);
	action_row(f, sc, "1 Filtering", s->action[1]);
	action_row(f, sc, "2 Anti-spoofing", s->action[2]);
	action_row(f, sc, "3 Coordination", s->action[3]);
	action_row(f, sc, "4 Global validation: IRR", s->action4_irr);
	action_row(f, sc, "4 Global validation: RPKI", s->action4_rpki);
	fputs("</table>\n", f);
	fprintf(f,
	    "<p>%llu routes originated (%llu IPv4, %llu IPv6): RPKI %llu valid, %llu "
	    "invalid, %llu not found; IRR %llu registered, %llu not.</p>\n",
	    (unsigned long long)s->routes, (unsigned long long)s->prefixes_v4,
	    (unsigned long long)s->prefixes_v6, (unsigned long long)s->rpki_valid,
	    (unsigned long long)s->rpki_invalid, (unsigned long long)s->rpki_notfound,
	    (unsigned long long)s->irr_registered, (unsigned long long)s->irr_unregistered);
	fputs("<h2>Fix first</h2>\n", f);
	if (sc->nfixes == 0)
		fputs("<p>Nothing to fix.</p>\n", f);
	else {
		fputs("<ol>\n", f);
		for (size_t i = 0; i < sc->nfixes; i++) {
			fputs("<li>", f);
			html_escape(f, sc->fixes[i].text);
			fputs("</li>\n", f);
		}
		fputs("</ol>\n", f);
	}
	fputs("<h2>Metrics</h2>\n<table><tr><th>metric</th><th></th><th>raw</th><th>score</th>"
	      "<th>findings</th></tr>\n",
	    f);
	for (size_t i = 0; i < sc->nmetrics; i++) {
		const struct store_metric *m = &sc->metrics[i];
		const struct metric_def *d = metric_by_name(m->metric);
		fputs("<tr><td>", f);
		html_escape(f, m->metric);
		fputs("</td><td>", f);
		html_escape(f, d ? d->title : "");
		fprintf(f,
		    "</td><td class=\"n\">%.4g</td><td class=\"n\">%s</td><td class=\"n\">%llu"
		    "</td></tr>\n",
		    m->raw, report_pct(m->percent, b, sizeof(b)), (unsigned long long)m->count);
	}
	fputs("</table>\n", f);
	findings(f, sc);
	fprintf(f,
	    "<h2>Incidents (%zu)</h2>\n<table><tr><th>metric</th><th>from</th><th>to</th>"
	    "<th>score</th></tr>\n",
	    sc->nincidents);
	for (size_t i = 0; i < sc->nincidents; i++) {
		const struct store_incident *x = &sc->incidents[i];
		char t2[64];
		fputs("<tr><td>", f);
		html_escape(f, x->metric);
		fprintf(f, "</td><td>%s</td><td>%s</td><td class=\"n\">%.4g%s</td></tr>\n",
		    report_time(x->start, t, sizeof(t)), report_time(x->end, t2, sizeof(t2)),
		    x->score, x->duration_known ? "" : " (one snapshot)");
	}
	fputs("</table>\n<h2>Trend</h2>\n", f);
	trend_svg(f, sc);
	fputs("</body></html>\n", f);
}
