/* The organisation scorecard as text, JSON (schema routemark.org/1) and HTML. */
#include <json-c/json.h>
#include <string.h>

#include "report/report.h"

static const char *const action_title[] = {
    "", "1 Filtering", "2 Anti-spoofing", "3 Coordination", "4 Global validation"};

static const char *ready(const struct org_scorecard *org, double pct)
{
	return readiness_name(readiness_of(&org->cfg, pct));
}

/* ---------------------------------------------------------------- text */

static void text_action(
    FILE *f, const struct org_scorecard *org, const char *name, double pct, uint32_t who)
{
	char b[32], w[32] = "";
	if (who)
		snprintf(w, sizeof(w), "  (AS%u)", who);
	fprintf(
	    f, "  %-34s %-10s %-9s%s\n", name, report_pct(pct, b, sizeof(b)), ready(org, pct), w);
}

void report_text_org(FILE *f, const struct org_scorecard *org)
{
	const struct store_as_summary *s = &org->sum;
	char t[64], b[32];
	fprintf(
	    f, "Organisation %s%s%s\n", org->id, org->name ? " " : "", org->name ? org->name : "");
	fprintf(f, "snapshot %lld: %s (data from %s)\n\n", (long long)org->snap.id,
	    org->snap.label ? org->snap.label : "",
	    report_time(org->snap.period_start, t, sizeof(t)));
	fprintf(f, "Networks: %zu (%zu in this snapshot)\n", org->nmembers, org->nin);
	fprintf(f, "Routes originated: %llu (%llu IPv4, %llu IPv6)\n",
	    (unsigned long long)s->routes, (unsigned long long)s->prefixes_v4,
	    (unsigned long long)s->prefixes_v6);
	fprintf(f,
	    "  RPKI: %llu valid, %llu invalid, %llu not found   IRR: %llu registered, %llu not\n",
	    (unsigned long long)s->rpki_valid, (unsigned long long)s->rpki_invalid,
	    (unsigned long long)s->rpki_notfound, (unsigned long long)s->irr_registered,
	    (unsigned long long)s->irr_unregistered);
	fprintf(f, "Findings: %llu\n", (unsigned long long)org->findings);
	if (org->aspa_members >= 0)
		fprintf(f, "ASPA: %lld network%s publish%s", (long long)org->aspa_members,
		    org->aspa_members == 1 ? "" : "s", org->aspa_members == 1 ? "es" : "");
	if (org->aspa_invalid >= 0)
		fprintf(f, "; %lld route%s seen with an ASPA-invalid path",
		    (long long)org->aspa_invalid, org->aspa_invalid == 1 ? "" : "s");
	if (org->aspa_members >= 0)
		fputc('\n', f);
	fprintf(f, "\n  %-34s %-10s %-9s%s\n", "MANRS action", "score", "readiness",
	    "  (worst network)");
	for (int a = 1; a <= 3; a++)
		text_action(f, org, action_title[a], s->action[a], org->action_worst[a]);
	text_action(f, org, "4 Global validation: IRR", s->action4_irr, 0);
	text_action(f, org, "4 Global validation: RPKI", s->action4_rpki, 0);
	fputs("\nMetrics (counts summed; M7IRR, M7RPKI from the sums; others: worst network)\n", f);
	for (int m = 0; m < METRIC_COUNT; m++) {
		const struct org_metric *om = &org->metrics[m];
		char w[32] = "";
		if (om->worst_asn && om->percent >= 0)
			snprintf(w, sizeof(w), " (AS%u)", om->worst_asn);
		fprintf(f, "  %-7s %-26s raw %-8.4g %-10s%-9s %llu finding%s\n", om->metric,
		    metric_defs[m].title, om->raw, report_pct(om->percent, b, sizeof(b)), w,
		    (unsigned long long)om->count, om->count == 1 ? "" : "s");
	}
	fputs("\nNetworks\n", f);
	for (size_t i = 0; i < org->nmembers; i++) {
		const struct org_member *m = &org->members[i];
		fprintf(f, "  AS%-10u %-28.28s", m->info.asn, m->info.name ? m->info.name : "");
		if (!m->found) {
			fputs(" not in this snapshot\n", f);
			continue;
		}
		fprintf(f, " %6llu routes %5llu findings  A1 %s", (unsigned long long)m->sum.routes,
		    (unsigned long long)m->findings, report_pct(m->sum.action[1], b, sizeof(b)));
		fprintf(f, "  A4 RPKI %s\n", report_pct(m->sum.action4_rpki, b, sizeof(b)));
	}
}

/* ---------------------------------------------------------------- JSON */

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}
static json_object *jint(int64_t v)
{
	return json_object_new_int64(v);
}
static json_object *jpct(double v)
{
	return v < 0 ? NULL : json_object_new_double(v);
}
static void add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static json_object *j_action(const struct org_scorecard *org, double pct, uint32_t who)
{
	json_object *o = json_object_new_object();
	add(o, "score", jpct(pct));
	add(o, "readiness", jstr(ready(org, pct)));
	add(o, "worst_asn", who && pct >= 0 ? jint(who) : NULL);
	return o;
}

void report_json_org(FILE *f, const struct org_scorecard *org)
{
	const struct store_as_summary *s = &org->sum;
	json_object *root = json_object_new_object();
	add(root, "schema", jstr(REPORT_ORG_SCHEMA));
	json_object *sn = json_object_new_object();
	add(sn, "id", jint(org->snap.id));
	add(sn, "label", jstr(org->snap.label));
	add(sn, "period_start", jint(org->snap.period_start));
	add(sn, "period_end", jint(org->snap.period_end));
	add(root, "snapshot", sn);
	add(root, "id", jstr(org->id));
	add(root, "name", jstr(org->name));
	add(root, "aggregation",
	    jstr("counts summed over the networks; M7IRR and M7RPKI recomputed from the summed "
	         "counts; every other percentage is the worst network's (worst_asn)"));
	json_object *sum = json_object_new_object();
	add(sum, "networks", jint((int64_t)org->nmembers));
	add(sum, "networks_in_snapshot", jint((int64_t)org->nin));
	add(sum, "routes", jint((int64_t)s->routes));
	add(sum, "prefixes_v4", jint((int64_t)s->prefixes_v4));
	add(sum, "prefixes_v6", jint((int64_t)s->prefixes_v6));
	add(sum, "rpki_valid", jint((int64_t)s->rpki_valid));
	add(sum, "rpki_invalid", jint((int64_t)s->rpki_invalid));
	add(sum, "rpki_not_found", jint((int64_t)s->rpki_notfound));
	add(sum, "irr_registered", jint((int64_t)s->irr_registered));
	add(sum, "irr_unregistered", jint((int64_t)s->irr_unregistered));
	add(sum, "findings", jint((int64_t)org->findings));
	add(sum, "aspa_networks", org->aspa_members >= 0 ? jint(org->aspa_members) : NULL);
	add(sum, "aspa_invalid_routes", org->aspa_invalid >= 0 ? jint(org->aspa_invalid) : NULL);
	json_object *acts = json_object_new_object();
	add(acts, "1", j_action(org, s->action[1], org->action_worst[1]));
	add(acts, "2", j_action(org, s->action[2], org->action_worst[2]));
	add(acts, "3", j_action(org, s->action[3], org->action_worst[3]));
	add(acts, "4_irr", j_action(org, s->action4_irr, 0));
	add(acts, "4_rpki", j_action(org, s->action4_rpki, 0));
	add(sum, "actions", acts);
	add(root, "summary", sum);
	json_object *ms = json_object_new_object();
	for (int m = 0; m < METRIC_COUNT; m++) {
		const struct org_metric *om = &org->metrics[m];
		json_object *x = json_object_new_object();
		add(x, "raw", json_object_new_double(om->raw));
		add(x, "percent", jpct(om->percent));
		add(x, "findings", jint((int64_t)om->count));
		add(x, "worst_asn", om->worst_asn && om->percent >= 0 ? jint(om->worst_asn) : NULL);
		add(x, "networks_measured", jint((int64_t)om->nmeasured));
		add(ms, om->metric, x);
	}
	add(root, "metrics", ms);
	json_object *mem = json_object_new_array();
	for (size_t i = 0; i < org->nmembers; i++) {
		const struct org_member *m = &org->members[i];
		json_object *x = json_object_new_object();
		add(x, "asn", jint(m->info.asn));
		add(x, "name", jstr(m->info.name));
		add(x, "country", jstr(m->info.cc));
		add(x, "in_snapshot", json_object_new_boolean(m->found));
		if (m->found) {
			add(x, "routes", jint((int64_t)m->sum.routes));
			add(x, "findings", jint((int64_t)m->findings));
			json_object *a = json_object_new_object();
			add(a, "1", j_action(org, m->sum.action[1], 0));
			add(a, "2", j_action(org, m->sum.action[2], 0));
			add(a, "3", j_action(org, m->sum.action[3], 0));
			add(a, "4_irr", j_action(org, m->sum.action4_irr, 0));
			add(a, "4_rpki", j_action(org, m->sum.action4_rpki, 0));
			add(x, "actions", a);
			add(x, "aspa",
			    m->sum.aspa >= 0 ? json_object_new_boolean(m->sum.aspa) : NULL);
		}
		json_object_array_add(mem, x);
	}
	add(root, "networks", mem);
	fputs(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN), f);
	fputc('\n', f);
	json_object_put(root);
}

/* ---------------------------------------------------------------- HTML */

static void h_badge(FILE *f, const struct org_scorecard *org, double pct)
{
	const char *r = ready(org, pct);
	fprintf(f, "<span class=\"b %s\">", strcmp(r, "no data") == 0 ? "no_data" : r);
	html_escape(f, r);
	fputs("</span>", f);
}

static void h_action(
    FILE *f, const struct org_scorecard *org, const char *name, double pct, uint32_t who)
{
	char b[32];
	fputs("<tr><td>", f);
	html_escape(f, name);
	fprintf(f, "</td><td class=\"n\">%s</td><td>", report_pct(pct, b, sizeof(b)));
	h_badge(f, org, pct);
	fputs("</td><td>", f);
	if (who && pct >= 0)
		fprintf(f, "<a href=\"/as/%u\">AS%u</a>", who, who);
	fputs("</td></tr>\n", f);
}

/* The body of the organisation page (the dashboard wraps it in its layout; report --format
 * html in a page of its own). Links point into the dashboard (/as/N). */
void report_html_org_body(FILE *f, const struct org_scorecard *org)
{
	const struct store_as_summary *s = &org->sum;
	char b[32];
	fputs("<h1>", f);
	html_escape(f, org->name ? org->name : org->id);
	fputs("</h1>\n<p class=\"muted\">organisation <code>", f);
	html_escape(f, org->id);
	fprintf(f,
	    "</code> (CAIDA AS-to-organisation) &middot; %zu network%s, %zu in snapshot %lld</p>\n",
	    org->nmembers, org->nmembers == 1 ? "" : "s", org->nin, (long long)org->snap.id);
	fprintf(f,
	    "<p>%llu routes (%llu IPv4, %llu IPv6): RPKI %llu valid, %llu invalid, %llu not "
	    "found; IRR %llu registered, %llu not; %llu findings.",
	    (unsigned long long)s->routes, (unsigned long long)s->prefixes_v4,
	    (unsigned long long)s->prefixes_v6, (unsigned long long)s->rpki_valid,
	    (unsigned long long)s->rpki_invalid, (unsigned long long)s->rpki_notfound,
	    (unsigned long long)s->irr_registered, (unsigned long long)s->irr_unregistered,
	    (unsigned long long)org->findings);
	if (org->aspa_members >= 0)
		fprintf(f, " ASPA: %lld network%s publish.", (long long)org->aspa_members,
		    org->aspa_members == 1 ? "" : "s");
	fputs("</p>\n<h2>MANRS actions</h2>\n<table><tr><th>action</th><th>score</th>"
	      "<th>readiness</th><th>worst network</th></tr>\n",
	    f);
	for (int a = 1; a <= 3; a++)
		h_action(f, org, action_title[a], s->action[a], org->action_worst[a]);
	h_action(f, org, "4 Global validation: IRR", s->action4_irr, 0);
	h_action(f, org, "4 Global validation: RPKI", s->action4_rpki, 0);
	fputs("</table>\n<p class=\"muted\">Counts are summed over the networks; M7IRR and M7RPKI "
	      "are recomputed from the summed counts; every other score is the worst "
	      "network's.</p>\n<h2>Networks</h2>\n<table><tr><th>AS</th><th>name</th>"
	      "<th>routes</th><th>findings</th><th>Action 1</th><th>Action 4 RPKI</th></tr>\n",
	    f);
	for (size_t i = 0; i < org->nmembers; i++) {
		const struct org_member *m = &org->members[i];
		fprintf(
		    f, "<tr><td><a href=\"/as/%u\">AS%u</a></td><td>", m->info.asn, m->info.asn);
		html_escape(f, m->info.name ? m->info.name : "");
		if (!m->found) {
			fputs("</td><td colspan=\"4\" class=\"muted\">not in this "
			      "snapshot</td></tr>\n",
			    f);
			continue;
		}
		fprintf(f, "</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td>",
		    (unsigned long long)m->sum.routes, (unsigned long long)m->findings);
		fprintf(f, "<td class=\"n\">%s</td>", report_pct(m->sum.action[1], b, sizeof(b)));
		fprintf(f, "<td class=\"n\">%s</td></tr>\n",
		    report_pct(m->sum.action4_rpki, b, sizeof(b)));
	}
	fputs("</table>\n", f);
}

void report_html_org(FILE *f, const struct org_scorecard *org)
{
	fputs("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>", f);
	html_escape(f, org->name ? org->name : org->id);
	fputs(" &middot; routemark</title><style>body{font:15px/1.45 system-ui,sans-serif;"
	      "max-width:62rem;margin:1.5rem auto;padding:0 1rem}table{border-collapse:collapse;"
	      "width:100%}th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #eee}"
	      "td.n{text-align:right}.b{padding:0 .45rem;border-radius:.6rem;color:#fff}"
	      ".ready{background:#1a7f37}.aspiring{background:#9a6700}.lagging{background:#cf222e}"
	      ".no_data{background:#6e7781}.muted{color:#57606a}</style></head><body>\n",
	    f);
	report_html_org_body(f, org);
	fputs("</body></html>\n", f);
}
