/* The dashboard's overview page: coverage of the routing table now and over time (all, and
 * per RIR), MANRS readiness of all ASes per Action, coverage per scope, and the ASes with most
 * hijacks. */
#include <stdlib.h>
#include <string.h>

#include "observe/observe.h"
#include "report/report.h"
#include "serve/serve_private.h"

static double pct(double part, double whole)
{
	return part < 0 || whole <= 0 ? -1 : 100.0 * part / whole;
}

static void card(struct buf *b, const char *k, const char *fmt, double v)
{
	buf_puts(b, "<div class=\"card\"><div class=\"v\">");
	if (v < 0)
		buf_puts(b, "no data");
	else
		buf_printf(b, fmt, v);
	buf_puts(b, "</div><div class=\"k\">");
	buf_html(b, k);
	buf_puts(b, "</div></div>");
}

/* Coverage of scope "all" over every snapshot, oldest first. */
static int trend(struct req *r)
{
	struct store_snapshot *s;
	size_t n;
	if (store_snapshots(r->store, 0, &r->arena, &s, &n) != 0)
		return -1;
	int64_t *x = arena_alloc(&r->arena, (n + 1) * sizeof(*x));
	double *v = arena_alloc(&r->arena, (n + 1) * sizeof(*v)),
	       *inv = arena_alloc(&r->arena, (n + 1) * sizeof(*v));
	double *irr = arena_alloc(&r->arena, (n + 1) * sizeof(*v)),
	       *sp = arena_alloc(&r->arena, (n + 1) * sizeof(*v));
	size_t k = 0;
	for (size_t i = n; i-- > 0;) {
		struct store_global *g;
		size_t ng;
		if (store_get_globals(r->store, s[i].id, "all", &r->arena, &g, &ng) != 0)
			return -1;
		double routes = globals_get(g, ng, "all", "routes");
		x[k] = s[i].period_start;
		v[k] = pct(globals_get(g, ng, "all", "rpki_valid"), routes);
		inv[k] = pct(globals_get(g, ng, "all", "rpki_invalid"), routes);
		irr[k] = pct(globals_get(g, ng, "all", "irr_registered"),
		    globals_get(g, ng, "all", "irr_checked"));
		sp[k] = pct(globals_get(g, ng, "all", "space_v4_24s_rpki"),
		    globals_get(g, ng, "all", "space_v4_24s"));
		/* keep the points in time order (snapshots are listed by when they were made) */
		for (size_t j = k; j > 0 && x[j - 1] > x[j]; j--) {
			int64_t tx = x[j];
			x[j] = x[j - 1];
			x[j - 1] = tx;
			double t1 = v[j], t2 = inv[j], t3 = irr[j], t4 = sp[j];
			v[j] = v[j - 1], inv[j] = inv[j - 1], irr[j] = irr[j - 1],
			sp[j] = sp[j - 1];
			v[j - 1] = t1, inv[j - 1] = t2, irr[j - 1] = t3, sp[j - 1] = t4;
		}
		k++;
	}
	const double *series[] = {v, inv, irr, sp};
	const char *names[] = {
	    "RPKI valid", "RPKI invalid", "IRR registered", "IPv4 space covered by VRPs"};
	buf_puts(&r->body, "<h2>Coverage over time</h2>\n<figure>");
	svg_lines(&r->body,
	    "Share of routes RPKI valid, RPKI invalid and IRR registered, and of announced IPv4 "
	    "space covered by VRPs, per snapshot",
	    x, k, series, names, 4);
	buf_printf(&r->body,
	    "<figcaption>%zu snapshot%s in time order of their routing data: shares of announced "
	    "routes (prefix, origin), and of announced IPv4 /24s in routes a VRP covers (see each "
	    "snapshot's provenance: reference data of another time distorts "
	    "these).</figcaption></figure>\n",
	    k, k == 1 ? "" : "s");
	return 0;
}

/* RPKI coverage per RIR over every snapshot with rir: scopes (delegations loaded), oldest data
 * first: a chart of the RPKI-valid share of routes, and a table of it with the share of
 * announced IPv4 /24s that VRPs cover. */
static int rir_trend(struct req *r)
{
	static const char *const rir[] = {"afrinic", "apnic", "arin", "lacnic", "ripencc"};
	enum { NRIR = sizeof(rir) / sizeof(rir[0]) };
	struct store_snapshot *s;
	size_t n, k = 0;
	if (store_snapshots(r->store, 0, &r->arena, &s, &n) != 0)
		return -1;
	qsort(s, n, sizeof(*s), snapshot_cmp_data_time);
	int64_t *x = arena_alloc(&r->arena, (n + 1) * sizeof(*x));
	double *valid[NRIR], *space[NRIR];
	for (size_t j = 0; j < NRIR; j++) {
		valid[j] = arena_alloc(&r->arena, (n + 1) * sizeof(double));
		space[j] = arena_alloc(&r->arena, (n + 1) * sizeof(double));
	}
	for (size_t i = 0; i < n; i++) {
		struct store_global *g;
		size_t ng;
		int any = 0;
		if (store_get_globals(r->store, s[i].id, "", &r->arena, &g, &ng) != 0)
			return -1;
		for (size_t j = 0; j < NRIR; j++) {
			char sc[24];
			snprintf(sc, sizeof(sc), "rir:%s", rir[j]);
			double routes = globals_get(g, ng, sc, "routes");
			any |= routes >= 0;
			valid[j][k] = pct(globals_get(g, ng, sc, "rpki_valid"), routes);
			space[j][k] = pct(globals_get(g, ng, sc, "space_v4_24s_rpki"),
			    globals_get(g, ng, sc, "space_v4_24s"));
		}
		if (any) /* a snapshot without delegations has no RIR figures */
			x[k++] = s[i].period_start;
	}
	if (k == 0)
		return 0;
	struct buf *b = &r->body;
	buf_puts(b, "<h2>RPKI coverage per RIR over time</h2>\n<figure>");
	svg_lines(b, "Share of routes RPKI valid per RIR, per snapshot", x, k,
	    (const double *const *)valid, rir, NRIR);
	buf_puts(b, "<figcaption>Routes in each RIR's address space (the most specific delegation "
	            "record: RIR statistics, else the IANA registry of /8s and IPv6 blocks); "
	            "the table adds the share of announced IPv4 /24s in routes a VRP "
	            "covers.</figcaption></figure>\n<div class=\"tw\"><table><thead><tr>"
	            "<th scope=\"col\">RIR</th>");
	for (size_t i = 0; i < k; i++) {
		char t[64];
		buf_printf(b,
		    "<th class=\"n\" scope=\"col\">%s<br>valid routes / /24s "
		    "covered</th>",
		    report_time(x[i], t, sizeof(t)));
	}
	buf_puts(b, "</tr></thead><tbody>");
	for (size_t j = 0; j < NRIR; j++) {
		buf_printf(b,
		    "<tr><th scope=\"row\"><a href=\"/api/v1/history?scope=rir:%s\">%s"
		    "</a></th>",
		    rir[j], rir[j]);
		for (size_t i = 0; i < k; i++) {
			buf_puts(b, "<td class=\"n\">");
			html_pct(b, valid[j][i]);
			buf_puts(b, " / ");
			html_pct(b, space[j][i]);
			buf_puts(b, "</td>");
		}
		buf_puts(b, "</tr>");
	}
	buf_puts(b, "</tbody></table></div>\n");
	return 0;
}

static void readiness(struct req *r, const struct store_global *g, size_t n)
{
	static const char *const st[] = {"ready", "aspiring", "lagging", "no_data"};
	static const char *const labels[] = {"Action 1: filtering", "Action 2: anti-spoofing",
	    "Action 3: coordination", "Action 4: validation"};
	double counts[4][4];
	struct buf *b = &r->body;
	for (int a = 0; a < 4; a++)
		for (int k = 0; k < 4; k++) {
			char key[40];
			snprintf(key, sizeof(key), "action%d_%s", a + 1, st[k]);
			counts[a][k] = globals_get(g, n, "all", key);
		}
	buf_puts(b, "<h2>MANRS readiness of all ASes</h2>\n<figure>");
	svg_stacked(b, "ASes ready, aspiring, lagging or without data per MANRS Action", labels,
	    (const double(*)[4])counts, 4);
	buf_puts(b,
	    "</figure>\n<div class=\"tw\"><table><thead><tr><th scope=\"col\">Action</th>"
	    "<th class=\"n\" scope=\"col\">ready</th><th class=\"n\" scope=\"col\">aspiring</th>"
	    "<th class=\"n\" scope=\"col\">lagging</th><th class=\"n\" scope=\"col\">no data</th>"
	    "</tr></thead><tbody>");
	for (int a = 0; a < 4; a++) {
		buf_printf(b, "<tr><th scope=\"row\">%s</th>", labels[a]);
		for (int k = 0; k < 4; k++)
			buf_printf(
			    b, "<td class=\"n\">%.0f</td>", counts[a][k] < 0 ? 0 : counts[a][k]);
		buf_puts(b, "</tr>");
	}
	buf_puts(b, "</tbody></table></div>\n");
}

static void scopes(struct req *r, const struct store_global *g, size_t n)
{
	struct buf *b = &r->body;
	buf_puts(b,
	    "<h2>Coverage by address family, RIR and country</h2>\n<div class=\"tw\"><table>"
	    "<thead><tr><th scope=\"col\">scope</th><th class=\"n\" scope=\"col\">routes</th>"
	    "<th class=\"n\" scope=\"col\">RPKI valid</th><th class=\"n\" scope=\"col\">RPKI "
	    "invalid</th><th class=\"n\" scope=\"col\">IRR registered</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		if (strcmp(g[i].key, "routes") != 0)
			continue;
		const char *sc = g[i].scope;
		buf_puts(b, "<tr><th scope=\"row\">");
		buf_html(b, sc);
		buf_printf(b, "</th><td class=\"n\">%.0f</td><td class=\"n\">", g[i].value);
		html_pct(b, pct(globals_get(g, n, sc, "rpki_valid"), g[i].value));
		buf_puts(b, "</td><td class=\"n\">");
		html_pct(b, pct(globals_get(g, n, sc, "rpki_invalid"), g[i].value));
		buf_puts(b, "</td><td class=\"n\">");
		html_pct(b, pct(globals_get(g, n, sc, "irr_registered"),
		                globals_get(g, n, sc, "irr_checked")));
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</tbody></table></div>\n");
}

static int top_table(struct req *r, int64_t snap, const char *metric)
{
	struct store_metric *m;
	size_t n;
	struct buf *b = &r->body;
	if (store_top(r->store, snap, metric, 10, &r->arena, &m, &n) != 0)
		return -1;
	const struct metric_def *d = metric_by_name(metric);
	buf_printf(b,
	    "<h2>Most %s (%s)</h2>\n<div class=\"tw\"><table><thead><tr>"
	    "<th scope=\"col\">AS</th><th scope=\"col\">name</th><th class=\"n\" "
	    "scope=\"col\">weighted incidents</th><th class=\"n\" scope=\"col\">score</th>"
	    "</tr></thead><tbody>",
	    d ? d->title : metric, metric);
	for (size_t i = 0; i < n; i++) {
		struct store_asinfo info;
		int has = 0;
		store_get_asinfo(r->store, m[i].asn, &r->arena, &info, &has);
		buf_printf(b, "<tr><td><a href=\"/as/%u\">AS%u</a></td><td>", m[i].asn, m[i].asn);
		buf_html(b, has ? info.name : "");
		buf_printf(b, "</td><td class=\"n\">%.2f</td><td class=\"n\">", m[i].raw);
		html_pct(b, m[i].percent);
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</tbody></table></div>\n");
	return 0;
}

int page_overview(struct req *r)
{
	struct store_snapshot snap;
	struct store_global *g;
	size_t n;
	char t[64];
	if (req_snapshot(r, &snap))
		return r->status;
	if (store_get_globals(r->store, snap.id, "", &r->arena, &g, &n) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	struct buf *b = &r->body;
	page_begin(r, "Overview");
	buf_puts(b, "<h1>Routing security overview</h1>\n<p class=\"muted\">Snapshot ");
	buf_printf(b, "%lld", (long long)snap.id);
	if (snap.label) {
		buf_puts(b, " (");
		buf_html(b, snap.label);
		buf_puts(b, ")");
	}
	buf_printf(
	    b, ", routing data from %s.</p>\n", report_time(snap.period_start, t, sizeof(t)));
	if (html_provenance(r, &snap, 0) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	buf_puts(b, "<div class=\"cards\">");
	double routes = globals_get(g, n, "all", "routes");
	card(b, "routes (prefix, origin)", "%.0f", (double)snap.routes);
	card(b, "ASes measured", "%.0f", (double)snap.ases);
	card(b, "RPKI valid", "%.1f %%", pct(globals_get(g, n, "all", "rpki_valid"), routes));
	card(b, "RPKI invalid", "%.2f %%", pct(globals_get(g, n, "all", "rpki_invalid"), routes));
	card(
	    b, "RPKI not found", "%.1f %%", pct(globals_get(g, n, "all", "rpki_notfound"), routes));
	card(b, "IRR registered", "%.1f %%",
	    pct(globals_get(g, n, "all", "irr_registered"),
	        globals_get(g, n, "all", "irr_checked")));
	buf_puts(b, "</div>\n");
	if (trend(r) != 0 || rir_trend(r) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	readiness(r, g, n);
	scopes(r, g, n);
	if (html_provenance(r, &snap, 1) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	page_end(r);
	return 0;
}

/* The ranking page: the ASes with the highest weighted incidents of one metric. */
int page_top(struct req *r)
{
	struct store_snapshot snap;
	const char *mv = target_param(&r->t, "metric"), *metric = "M2";
	if (mv && (metric = param_metric(mv)) == NULL)
		return req_error(
		    r, 400, "bad_parameter", "metric=%s: not a metric (M1 .. M8C)", mv);
	if (req_snapshot(r, &snap))
		return r->status;
	page_begin(r, "Rankings");
	buf_puts(&r->body, "<h1>Rankings</h1>\n<p>");
	for (size_t i = 0; i < METRIC_COUNT; i++)
		if (metric_defs[i].action == 1)
			buf_printf(&r->body, "<a href=\"/top?metric=%s\">%s</a> ",
			    metric_defs[i].name, metric_defs[i].title);
	buf_puts(&r->body, "</p>\n");
	if (top_table(r, snap.id, metric) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	page_end(r);
	return 0;
}
