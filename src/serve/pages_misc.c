/* Dashboard pages: prefix, incidents (filters, pages), compare (ASes side by side), search. */
#include <string.h>

#include "observe/observe.h"
#include "report/report.h"
#include "serve/serve_private.h"

#define INCIDENTS_PER_PAGE 50

int page_prefix(struct req *r)
{
	struct store_snapshot snap;
	struct prefix p;
	int covering;
	struct store_route *v;
	size_t n;
	char pb[PREFIX_STRLEN];
	if (req_prefix(r, &p, &covering) || req_snapshot(r, &snap))
		return r->status;
	if (store_get_routes_by_prefix(r->store, snap.id, &p, 1, &r->arena, &v, &n) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	prefix_format(&p, pb, sizeof(pb));
	struct buf *b = &r->body;
	page_begin(r, pb);
	buf_printf(b,
	    "<h1>%s</h1>\n<p class=\"muted\">Routes of this prefix and of every "
	    "less-specific one in snapshot %lld · <a href=\"/api/v1/prefix/%s?covering=1\">"
	    "JSON</a></p>\n",
	    pb, (long long)snap.id, pb);
	if (n == 0) {
		buf_puts(b, "<p>No route for this prefix or a covering one in the snapshot.</p>\n");
		page_end(r);
		return 0;
	}
	buf_puts(b,
	    "<div class=\"tw\"><table><thead><tr><th scope=\"col\">prefix</th><th scope=\"col\">"
	    "origin</th><th class=\"n\" scope=\"col\">peers</th><th scope=\"col\">RPKI</th>"
	    "<th scope=\"col\">IRR</th><th scope=\"col\">bogon</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		buf_puts(b, "<tr><td>");
		buf_html(b, v[i].prefix);
		buf_printf(b,
		    "</td><td><a href=\"/as/%u\">AS%u</a></td><td class=\"n\">%u</td><td>",
		    v[i].origin, v[i].origin, v[i].peers);
		buf_html(b, v[i].rpki ? v[i].rpki : "no data");
		if (v[i].rpki_reason) {
			buf_puts(b, " <span class=\"muted\">");
			buf_html(b, v[i].rpki_reason);
			buf_puts(b, "</span>");
		}
		buf_puts(b, "</td><td>");
		buf_html(b, v[i].irr ? v[i].irr : "no data");
		buf_puts(b, "</td><td>");
		buf_html(b, v[i].bogon ? v[i].bogon : "no");
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</tbody></table></div>\n");
	page_end(r);
	return 0;
}

static void input(
    struct buf *b, const char *name, const char *label, const char *val, const char *hint)
{
	buf_printf(b, "<label for=\"f-%s\">%s <input id=\"f-%s\" name=\"%s\" value=\"", name, label,
	    name, name);
	buf_html(b, val ? val : "");
	buf_printf(b, "\" placeholder=\"%s\"></label>", hint);
}

/* The query of the incidents page without page=, for the pager links. */
static void filter_query(struct buf *b, const struct target *t)
{
	for (int i = 0; i < t->nparam; i++) {
		if (strcmp(t->param[i].key, "page") == 0 || t->param[i].val[0] == '\0')
			continue;
		buf_html(b, t->param[i].key);
		buf_puts(b, "=");
		struct buf e = {0};
		buf_urlenc(&e, t->param[i].val);
		buf_html(b, e.p ? e.p : "");
		buf_free(&e);
		buf_puts(b, "&amp;");
	}
}

int page_incidents(struct req *r)
{
	struct store_snapshot snap;
	size_t limit, offset, n;
	int64_t from = 0, to = 0;
	uint32_t asn = 0;
	struct store_incident *v;
	const struct target *t = &r->t;
	const char *mv = target_param(t, "metric"), *metric = NULL;
	const char *fv = target_param(t, "from"), *tv = target_param(t, "to");
	const char *av = target_param(t, "asn");
	if (mv && *mv && (metric = param_metric(mv)) == NULL)
		return req_error(
		    r, 400, "bad_parameter", "metric=%s: not a metric (M1 .. M8C)", mv);
	if ((fv && *fv && param_time(fv, &from) != 0) || (tv && *tv && param_time(tv, &to) != 0))
		return req_error(r, 400, "bad_parameter",
		    "from / to: expected unix seconds or YYYY-MM-DD[THH:MM[:SS]][Z]");
	if (av && *av && param_asn(av, &asn) != 0)
		return req_error(r, 400, "bad_parameter", "asn=%s: expected an AS number", av);
	if (req_paging(r, INCIDENTS_PER_PAGE, &limit, &offset) || req_snapshot(r, &snap))
		return r->status;
	if (store_get_incidents(r->store, snap.id, asn, metric, from, to, limit + 1, offset,
	        &r->arena, &v, &n) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	struct buf *b = &r->body;
	page_begin(r, "Incidents");
	buf_printf(b,
	    "<h1>Incidents</h1>\n<p class=\"muted\">Snapshot %lld, newest first.</p>\n"
	    "<form class=\"filters\" method=\"get\" action=\"/incidents\">",
	    (long long)snap.id);
	input(b, "metric", "metric", mv, "M2");
	input(b, "asn", "AS", av, "6939");
	input(b, "from", "from", fv, "2014-05-30");
	input(b, "to", "to", tv, "2014-05-31T12:00");
	buf_puts(b, "<button type=\"submit\">Filter</button></form>\n");
	if (n == 0)
		buf_puts(b, "<p>No incident matches.</p>\n");
	else
		html_incidents(b, v, n < limit ? n : limit, 1);
	size_t page = offset / limit + 1;
	buf_puts(b, "<nav class=\"pager\" aria-label=\"Incident pages\">");
	if (page > 1) {
		buf_puts(b, "<a rel=\"prev\" href=\"/incidents?");
		filter_query(b, t);
		buf_printf(b, "page=%zu\">← previous</a>", page - 1);
	}
	buf_printf(b, "<span>page %zu</span>", page);
	if (n > limit) {
		buf_puts(b, "<a rel=\"next\" href=\"/incidents?");
		filter_query(b, t);
		buf_printf(b, "page=%zu\">next →</a>", page + 1);
	}
	buf_puts(b, "</nav>\n");
	page_end(r);
	return 0;
}

struct cmp_as {
	uint32_t asn;
	int found, has_info;
	struct store_asinfo info;
	struct store_as_summary sum;
};

static void compare_table(
    struct buf *b, const struct observe_config *cfg, const struct cmp_as *c, size_t n)
{
	buf_puts(b, "<div class=\"tw\"><table><thead><tr><th scope=\"col\"></th>");
	for (size_t i = 0; i < n; i++) {
		buf_printf(b,
		    "<th scope=\"col\"><a href=\"/as/%u\">AS%u</a><br><span class=\"muted\">",
		    c[i].asn, c[i].asn);
		buf_html(b, c[i].has_info ? c[i].info.name : "");
		buf_puts(b, "</span></th>");
	}
	buf_puts(b, "</tr></thead><tbody>");
	for (int a = 0; a < ACTION_COUNT; a++) {
		buf_printf(b, "<tr><th scope=\"row\">%s</th>", action_labels[a]);
		for (size_t i = 0; i < n; i++) {
			double v = c[i].found ? action_score(&c[i].sum, a) : -1;
			buf_puts(b, "<td>");
			html_pct(b, v);
			buf_puts(b, " ");
			html_readiness(b, cfg, v);
			buf_puts(b, "</td>");
		}
		buf_puts(b, "</tr>");
	}
	static const char *const rows[] = {
	    "routes", "RPKI valid", "RPKI invalid", "IRR registered"};
	for (int k = 0; k < 4; k++) {
		buf_printf(b, "<tr><th scope=\"row\">%s</th>", rows[k]);
		for (size_t i = 0; i < n; i++) {
			const struct store_as_summary *s = &c[i].sum;
			uint64_t v = k == 0   ? s->routes
			             : k == 1 ? s->rpki_valid
			             : k == 2 ? s->rpki_invalid
			                      : s->irr_registered;
			if (c[i].found)
				buf_printf(b, "<td>%llu</td>", (unsigned long long)v);
			else
				buf_puts(b, "<td class=\"muted\">not measured</td>");
		}
		buf_puts(b, "</tr>");
	}
	buf_puts(b, "</tbody></table></div>\n");
}

int page_compare(struct req *r)
{
	struct store_snapshot snap;
	uint32_t asns[COMPARE_MAX];
	size_t n = 0;
	const char *av = target_param(&r->t, "asn"); /* shown again in the form */
	if (req_asn_list(r, asns, &n, 0))
		return r->status;
	if (req_snapshot(r, &snap))
		return r->status;
	struct cmp_as *c = arena_alloc(&r->arena, (n + 1) * sizeof(*c));
	for (size_t i = 0; i < n; i++) {
		memset(&c[i], 0, sizeof(c[i]));
		c[i].asn = asns[i];
		if (store_get_asinfo(r->store, asns[i], &r->arena, &c[i].info, &c[i].has_info) ||
		    store_get_summary(r->store, snap.id, asns[i], &c[i].sum, &c[i].found))
			return req_error(r, 500, "store_error", "the store could not be read");
	}
	struct buf *b = &r->body;
	page_begin(r, "Compare");
	buf_puts(b,
	    "<h1>Compare networks</h1>\n<p class=\"muted\">Several ASes side by side, e.g. "
	    "transit providers you choose between.</p>\n<form class=\"filters\" method=\"get\" "
	    "action=\"/compare\">");
	input(b, "asn", "AS numbers, separated by commas", av, "6939,3257,174");
	buf_puts(b, "<button type=\"submit\">Compare</button></form>\n");
	if (n == 0) {
		page_end(r);
		return 0;
	}
	compare_table(b, &r->cfg, c, n);
	buf_puts(b, "<p><a href=\"/compare/conformance?asn=");
	buf_urlenc(b, av);
	buf_puts(b, "\">Conformance verdicts of these networks</a> (MANRS+ draft, control by "
	            "control).</p>\n");
	const char **labels = arena_alloc(&r->arena, n * sizeof(*labels));
	double *v = arena_alloc(&r->arena, n * sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		char l[64];
		snprintf(l, sizeof(l), "AS%u", c[i].asn);
		labels[i] = arena_strdup(&r->arena, l);
	}
	buf_puts(b, "<div class=\"cards\" style=\"grid-template-columns:repeat(auto-fit,"
	            "minmax(20rem,1fr))\">");
	for (int a = 0; a < ACTION_COUNT; a++) {
		for (size_t i = 0; i < n; i++)
			v[i] = c[i].found ? action_score(&c[i].sum, a) : -1;
		buf_printf(
		    b, "<figure class=\"card\"><figcaption>%s</figcaption>", action_labels[a]);
		svg_bars(b, &r->cfg, action_labels[a], labels, v, n);
		buf_puts(b, "</figure>");
	}
	buf_puts(b, "</div>\n");
	page_end(r);
	return 0;
}

int page_search(struct req *r)
{
	const char *q = target_param(&r->t, "q");
	struct store_asinfo *v = NULL;
	size_t n = 0;
	uint32_t asn;
	char num[16];
	if (q && strlen(q) > 64)
		return req_error(r, 400, "bad_parameter", "q: at most 64 bytes");
	if (q && *q) {
		const char *qq = q;
		if (param_asn(q, &asn) == 0) {
			snprintf(num, sizeof(num), "%u", asn);
			qq = num;
		}
		if (store_search_as(r->store, qq, 50, &r->arena, &v, &n) != 0)
			return req_error(r, 500, "store_error", "the store could not be read");
	}
	struct buf *b = &r->body;
	page_begin(r, "Search");
	buf_puts(b, "<h1>Search networks</h1>\n<form class=\"filters\" method=\"get\" "
	            "action=\"/search\">");
	input(b, "q", "AS number or part of its name", q, "AS6939 or hurricane");
	buf_puts(b, "<button type=\"submit\">Search</button></form>\n");
	if (q && *q) {
		buf_printf(b, "<p>%zu match%s.</p>\n", n, n == 1 ? "" : "es");
		if (n)
			buf_puts(b, "<div class=\"tw\"><table><thead><tr><th scope=\"col\">AS</th>"
			            "<th scope=\"col\">name</th><th scope=\"col\">country</th>"
			            "</tr></thead><tbody>");
		for (size_t i = 0; i < n; i++) {
			buf_printf(
			    b, "<tr><td><a href=\"/as/%u\">AS%u</a></td><td>", v[i].asn, v[i].asn);
			buf_html(b, v[i].name);
			buf_puts(b, "</td><td>");
			buf_html(b, v[i].cc);
			buf_puts(b, "</td></tr>");
		}
		if (n)
			buf_puts(b, "</tbody></table></div>\n");
	}
	page_end(r);
	return 0;
}
