/* The AS page: scorecard per Action with readiness, the badge, trend chart, metrics, fix
 * list, findings with their evidence (paged), and the incidents charged to the AS. */
#include <string.h>

#include "observe/observe.h"
#include "report/report.h"
#include "serve/serve_private.h"

#define FINDINGS_PER_PAGE 25

static void head(struct buf *b, const struct scorecard *sc)
{
	buf_printf(b, "<h1>AS%u", sc->asn);
	if (sc->has_info && sc->info.name) {
		buf_puts(b, " — ");
		buf_html(b, sc->info.name);
	}
	buf_printf(b,
	    "</h1>\n<p><a href=\"/as/%u/conformance\"><img src=\"/badge/AS%u.svg\" "
	    "alt=\"conformance badge of AS%u\" height=\"20\"></a> <span class=\"muted\">",
	    sc->asn, sc->asn, sc->asn);
	if (sc->has_info && sc->info.cc) {
		buf_puts(b, "country ");
		buf_html(b, sc->info.cc);
		buf_puts(b, " · ");
	}
	if (sc->has_info && sc->info.rir) {
		buf_html(b, sc->info.rir);
		buf_puts(b, " · ");
	}
	if (sc->has_info && sc->info.org_id) { /* its organisation and siblings */
		buf_puts(b, "organisation <a href=\"/org/");
		buf_html(b, sc->info.org_id);
		buf_puts(b, "\">");
		buf_html(b, sc->info.org_name ? sc->info.org_name : sc->info.org_id);
		buf_puts(b, "</a>");
		for (size_t i = 0; i < sc->nsiblings && i < 12; i++)
			buf_printf(b, "%s<a href=\"/as/%u\">AS%u</a>",
			    i ? ", " : ", siblings: ", sc->siblings[i].asn, sc->siblings[i].asn);
		if (sc->nsiblings > 12)
			buf_printf(b, " and %zu more", sc->nsiblings - 12);
		buf_puts(b, " · ");
	}
	if (sc->sum.aspa >= 0) {
		buf_printf(b, "ASPA %s", sc->sum.aspa ? "published" : "not published");
		if (sc->sum.aspa_invalid >= 0)
			buf_printf(b, " (%lld route%s with an ASPA-invalid path)",
			    (long long)sc->sum.aspa_invalid, sc->sum.aspa_invalid == 1 ? "" : "s");
		buf_puts(b, " · ");
	}
	buf_printf(b,
	    "snapshot %lld · <a href=\"/api/v1/as/%u\">JSON</a> · "
	    "<a href=\"/compare?asn=%u\">compare</a> · "
	    "<a href=\"/as/%u/conformance\">conformance (MANRS+ draft and MANRS profiles)</a>"
	    "</span></p>\n",
	    (long long)sc->snap.id, sc->asn, sc->asn, sc->asn);
}

static void actions(struct buf *b, const struct scorecard *sc)
{
	double v[ACTION_COUNT];
	for (int i = 0; i < ACTION_COUNT; i++)
		v[i] = action_score(&sc->sum, i);
	buf_puts(b, "<h2>Scorecard</h2>\n<figure>");
	svg_bars(b, &sc->cfg, "Score per MANRS Action", action_labels, v, ACTION_COUNT);
	buf_puts(b, "</figure>\n<div class=\"tw\"><table><thead><tr><th scope=\"col\">Action</th>"
	            "<th class=\"n\" scope=\"col\">score</th><th scope=\"col\">readiness</th></tr>"
	            "</thead><tbody>");
	for (int i = 0; i < ACTION_COUNT; i++) {
		buf_printf(b, "<tr><th scope=\"row\">%s</th><td class=\"n\">", action_labels[i]);
		html_pct(b, v[i]);
		buf_puts(b, "</td><td>");
		html_readiness(b, &sc->cfg, v[i]);
		buf_puts(b, "</td></tr>");
	}
	const struct store_as_summary *s = &sc->sum;
	buf_printf(b,
	    "</tbody></table></div>\n<div class=\"cards\" style=\"margin-top:1rem\">"
	    "<div class=\"card\"><div class=\"v\">%llu</div><div class=\"k\">routes "
	    "(%llu IPv4, %llu IPv6 prefixes)</div></div>"
	    "<div class=\"card\"><div class=\"v\">%llu / %llu / %llu</div><div class=\"k\">"
	    "RPKI valid / invalid / not found</div></div>"
	    "<div class=\"card\"><div class=\"v\">%llu / %llu</div><div class=\"k\">IRR "
	    "registered / not</div></div></div>\n",
	    (unsigned long long)s->routes, (unsigned long long)s->prefixes_v4,
	    (unsigned long long)s->prefixes_v6, (unsigned long long)s->rpki_valid,
	    (unsigned long long)s->rpki_invalid, (unsigned long long)s->rpki_notfound,
	    (unsigned long long)s->irr_registered, (unsigned long long)s->irr_unregistered);
}

static void trend(struct req *r, const struct scorecard *sc)
{
	size_t n = 0;
	int64_t *x = arena_alloc(&r->arena, (sc->nhistory + 1) * sizeof(*x));
	double *s[4];
	for (int k = 0; k < 4; k++)
		s[k] = arena_alloc(&r->arena, (sc->nhistory + 1) * sizeof(double));
	for (size_t i = 0; i < sc->nhistory; i++) {
		const struct store_history *h = &sc->history[i];
		x[n] = h->snap.period_start;
		s[0][n] = h->found ? h->sum.action[1] : -1;
		s[1][n] = h->found ? h->sum.action4_irr : -1;
		s[2][n] = h->found ? h->sum.action4_rpki : -1;
		/* its routes' RPKI coverage: no data when the snapshot had no VRPs */
		uint64_t checked = h->sum.rpki_valid + h->sum.rpki_invalid + h->sum.rpki_notfound;
		s[3][n] =
		    h->found && checked ? 100.0 * (double)h->sum.rpki_valid / (double)checked : -1;
		n++;
	}
	const double *series[] = {s[0], s[1], s[2], s[3]};
	const char *names[] = {"Action 1", "Action 4 IRR", "Action 4 RPKI", "routes RPKI valid"};
	buf_puts(&r->body, "<h2>Trend</h2>\n<figure>");
	svg_lines(&r->body, "Action scores and the share of its routes RPKI valid per snapshot", x,
	    n, series, names, 4);
	buf_printf(&r->body,
	    "<figcaption>%zu snapshot%s, in time order of their routing "
	    "data.</figcaption></figure>\n",
	    n, n == 1 ? "" : "s");
}

static void metrics(struct buf *b, const struct scorecard *sc)
{
	buf_puts(b, "<h2>Metrics</h2>\n<div class=\"tw\"><table><thead><tr><th scope=\"col\">"
	            "metric</th><th scope=\"col\">what</th><th class=\"n\" scope=\"col\">score</th>"
	            "<th class=\"n\" scope=\"col\">counted</th></tr></thead><tbody>");
	for (size_t i = 0; i < sc->nmetrics; i++) {
		const struct store_metric *m = &sc->metrics[i];
		const struct metric_def *d = metric_by_name(m->metric);
		buf_puts(b, "<tr><th scope=\"row\">");
		buf_html(b, m->metric);
		buf_puts(b, "</th><td>");
		buf_html(b, d ? d->title : "");
		buf_puts(b, "</td><td class=\"n\">");
		html_pct(b, m->percent);
		buf_printf(b, "</td><td class=\"n\">%llu</td></tr>", (unsigned long long)m->count);
	}
	buf_puts(b, "</tbody></table></div>\n");
}

static void fixes(struct buf *b, const struct scorecard *sc)
{
	buf_printf(b, "<h2>What to fix (%zu)</h2>\n", sc->nfixes);
	if (sc->nfixes == 0) {
		buf_puts(b, "<p>Nothing to fix in this snapshot.</p>\n");
		return;
	}
	buf_puts(b, "<ol>");
	for (size_t i = 0; i < sc->nfixes && i < 100; i++) {
		buf_puts(b, "<li><code>");
		buf_html(b, fix_kind_name(sc->fixes[i].kind));
		buf_puts(b, "</code> ");
		buf_html(b, sc->fixes[i].text);
		buf_puts(b, "</li>");
	}
	buf_puts(b, "</ol>\n");
	if (sc->nfixes > 100)
		buf_printf(b,
		    "<p class=\"muted\">and %zu more: see the <a href=\"/api/v1/as/%u\">"
		    "JSON scorecard</a>.</p>\n",
		    sc->nfixes - 100, sc->asn);
}

static int findings(struct req *r, const struct scorecard *sc, size_t offset)
{
	struct store_finding *f;
	size_t n;
	struct buf *b = &r->body;
	if (store_get_findings(r->store, sc->snap.id, sc->asn, NULL, FINDINGS_PER_PAGE, offset,
	        &r->arena, &f, &n) != 0)
		return -1;
	buf_printf(b, "<h2 id=\"findings\">Findings (%llu)</h2>\n",
	    (unsigned long long)sc->findings_total);
	if (n == 0) {
		buf_puts(b, "<p>No findings on this page.</p>\n");
		return 0;
	}
	buf_puts(b, "<div class=\"tw\"><table><thead><tr><th scope=\"col\">metric</th>"
	            "<th scope=\"col\">prefix</th><th scope=\"col\">AS path</th><th scope=\"col\">"
	            "seen by</th><th scope=\"col\">detail and evidence</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		/* a finding of an accepted dispute: struck through, not counted */
		buf_puts(b, f[i].disputed ? "<tr class=\"disputed\"><td><s>" : "<tr><td>");
		buf_html(b, f[i].metric);
		if (f[i].disputed)
			buf_printf(b, "</s> <a href=\"#disputes\">disputed #%lld</a>",
			    (long long)f[i].disputed);
		buf_printf(b, " <span class=\"muted\">finding %lld</span>", (long long)f[i].id);
		buf_puts(b, "</td><td><a href=\"/prefix/");
		buf_urlenc(b, f[i].prefix);
		buf_puts(b, "\">");
		buf_html(b, f[i].prefix);
		buf_puts(b, "</a></td><td><code>");
		buf_html(b, f[i].path);
		buf_puts(b, "</code></td><td>");
		char via[96];
		buf_html(b, report_seen_via(&f[i], via, sizeof(via)));
		buf_printf(b, ", %u peer%s</td><td>", f[i].peers, f[i].peers == 1 ? "" : "s");
		buf_html(b, f[i].detail);
		if (f[i].evidence) {
			buf_puts(b, "<details><summary>evidence</summary><code>");
			buf_html(b, f[i].evidence);
			buf_puts(b, "</code></details>");
		}
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</tbody></table></div>\n<nav class=\"pager\" aria-label=\"Findings pages\">");
	size_t page = offset / FINDINGS_PER_PAGE + 1;
	if (page > 1)
		buf_printf(b, "<a href=\"/as/%u?page=%zu#findings\" rel=\"prev\">← previous</a>",
		    sc->asn, page - 1);
	buf_printf(b, "<span>page %zu of %llu</span>", page,
	    (unsigned long long)((sc->findings_total + FINDINGS_PER_PAGE - 1) / FINDINGS_PER_PAGE));
	if (offset + n < sc->findings_total)
		buf_printf(b, "<a href=\"/as/%u?page=%zu#findings\" rel=\"next\">next →</a>",
		    sc->asn, page + 1);
	buf_puts(b, "</nav>\n");
	return 0;
}

void html_incidents(struct buf *b, const struct store_incident *v, size_t n, int with_asn)
{
	char t1[40], t2[40];
	buf_puts(b, "<div class=\"tw\"><table><thead><tr>");
	if (with_asn)
		buf_puts(b, "<th scope=\"col\">AS</th>");
	buf_puts(b,
	    "<th scope=\"col\">metric</th><th scope=\"col\">start</th><th scope=\"col\">"
	    "end</th><th class=\"n\" scope=\"col\">events</th><th class=\"n\" scope=\"col\">"
	    "weight</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		buf_puts(b, "<tr>");
		if (with_asn)
			buf_printf(b, "<td><a href=\"/as/%u\">AS%u</a></td>", v[i].asn, v[i].asn);
		const struct metric_def *d = metric_by_name(v[i].metric);
		buf_puts(b, "<td>");
		buf_html(b, v[i].metric);
		if (d) {
			buf_puts(b, " <span class=\"muted\">");
			buf_html(b, d->title);
			buf_puts(b, "</span>");
		}
		buf_printf(b,
		    "</td><td>%s</td><td>%s</td><td class=\"n\">%u</td><td class=\"n\">"
		    "%.2f</td></tr>",
		    report_time(v[i].start, t1, sizeof(t1)),
		    v[i].duration_known ? report_time(v[i].end, t2, sizeof(t2)) : "unknown",
		    v[i].nevents, v[i].weight);
	}
	buf_puts(b, "</tbody></table></div>\n");
}

int page_as(struct req *r)
{
	struct store_snapshot snap;
	struct scorecard sc;
	size_t limit, offset;
	if (req_snapshot(r, &snap))
		return r->status;
	if (req_paging(r, FINDINGS_PER_PAGE, &limit, &offset))
		return r->status;
	if (scorecard_load(r->store, snap.id, r->args.asn, 1, &r->arena, &sc) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	if (!sc.found)
		return req_error(r, 404, "not_found", "AS%u is not in snapshot %lld", r->args.asn,
		    (long long)snap.id);
	char title[128];
	snprintf(title, sizeof(title), "AS%u%s%.100s", sc.asn,
	    sc.has_info && sc.info.name ? " " : "",
	    sc.has_info && sc.info.name ? sc.info.name : "");
	page_begin(r, title);
	head(&r->body, &sc);
	if (html_provenance(r, &snap, 0) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	actions(&r->body, &sc);
	trend(r, &sc);
	fixes(&r->body, &sc);
	if (findings(r, &sc, offset) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	if (html_disputes(r, sc.asn) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	metrics(&r->body, &sc);
	buf_printf(&r->body, "<h2>Incidents (%zu)</h2>\n", sc.nincidents);
	html_incidents(&r->body, sc.incidents, sc.nincidents < 200 ? sc.nincidents : 200, 0);
	page_end(r);
	return 0;
}
