/* Procurement comparison as JSON (schema CONFORM_PROCURE_SCHEMA) and CSV (RFC 4180): the
 * providers ranked, control by control, with evidence links and the dates of the data. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "conform_private.h"

static void iso(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	buf[0] = '\0';
	if (t > 0 && gmtime_r(&tt, &tm))
		strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_object *jtime(int64_t t)
{
	char b[32];
	iso(t, b, sizeof(b));
	return b[0] ? json_object_new_string(b) : NULL;
}

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *jcount(size_t pass, size_t total)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "passed", json_object_new_int64((int64_t)pass));
	json_object_object_add(o, "total", json_object_new_int64((int64_t)total));
	return o;
}

static json_object *provider_json(const struct conform_result *r, size_t rank, const char *base)
{
	struct conform_standing st;
	conform_standing(r, &st);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "rank", json_object_new_int64((int64_t)rank));
	json_object_object_add(o, "asn", json_object_new_int64(r->asn));
	json_object_object_add(o, "name", jstr(r->name));
	json_object_object_add(o, "country", jstr(r->cc));
	json_object_object_add(
	    o, "overall", json_object_new_string(conform_overall_name(r->overall)));
	json_object_object_add(o, "required", jcount(st.req_pass, st.req_total));
	json_object_object_add(o, "recommended", jcount(st.rec_pass, st.rec_total));
	json_object_object_add(o, "failed", json_object_new_int64((int64_t)st.fails));
	json_object *cnt = json_object_new_object();
	for (int v = 0; v < 4; v++)
		json_object_object_add(cnt, conform_verdict_name((enum conform_verdict)v),
		    json_object_new_int64((int64_t)r->count[v]));
	json_object_object_add(o, "counts", cnt);
	json_object_object_add(o, "window_seconds", json_object_new_int64(r->window));
	json_object_object_add(o, "window_from", jtime(r->window_from));
	json_object_object_add(o, "window_to", jtime(r->window_to));
	json_object_object_add(o, "data_from", jtime(st.data_from));
	json_object_object_add(o, "data_to", jtime(st.data_to));
	json_object *sn = json_object_new_array();
	for (size_t i = 0; i < r->nsnaps; i++) {
		json_object *s = json_object_new_object();
		json_object_object_add(s, "id", json_object_new_int64(r->snaps[i].id));
		json_object_object_add(s, "period_start", jtime(r->snaps[i].period_start));
		json_object_object_add(s, "period_end", jtime(r->snaps[i].period_end));
		json_object_object_add(s, "label", jstr(r->snaps[i].label));
		json_object_array_add(sn, s);
	}
	json_object_object_add(o, "snapshots", sn);
	char *link = conform_link(base, r, NULL);
	json_object_object_add(o, "link", json_object_new_string(link));
	free(link);
	json_object *cells = json_object_new_array();
	for (size_t i = 0; i < r->n; i++) {
		const struct conform_control_result *c = &r->c[i];
		json_object *x = json_object_new_object();
		json_object_object_add(x, "control", json_object_new_string(c->control->id));
		json_object_object_add(
		    x, "verdict", json_object_new_string(conform_verdict_name(c->verdict)));
		json_object_object_add(x, "basis", json_object_new_string(c->basis));
		json_object_object_add(x, "reason", jstr(c->reason));
		json_object_object_add(x, "window_from", jtime(c->window_from));
		json_object_object_add(x, "window_to", jtime(c->window_to));
		link = conform_link(base, r, c->control->id);
		json_object_object_add(x, "link", json_object_new_string(link));
		free(link);
		json_object_array_add(cells, x);
	}
	json_object_object_add(o, "cells", cells);
	return o;
}

void conform_procure_json(FILE *f, const struct conform_result *r, size_t n, const char *base_url)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "schema", json_object_new_string(CONFORM_PROCURE_SCHEMA));
	json_object_object_add(o, "generated", jtime(n ? r[0].generated : (int64_t)time(NULL)));
	json_object_object_add(o, "ranking", json_object_new_string(CONFORM_RANKING_RULE));
	json_object_object_add(o, "base_url", json_object_new_string(base_url ? base_url : ""));
	json_object *pr = json_object_new_object(), *cs = json_object_new_array();
	if (n) {
		const struct conform_profile *p = r[0].profile;
		json_object_object_add(pr, "name", json_object_new_string(p->name));
		json_object_object_add(pr, "title", json_object_new_string(p->title));
		json_object_object_add(pr, "version", json_object_new_string(p->version));
		json_object_object_add(pr, "programme", json_object_new_string(p->programme));
		json_object_object_add(pr, "status", jstr(p->status));
		for (size_t i = 0; i < p->ncontrols; i++) {
			const struct conform_control *c = &p->controls[i];
			json_object *x = json_object_new_object();
			json_object_object_add(x, "id", json_object_new_string(c->id));
			json_object_object_add(x, "text", json_object_new_string(c->text));
			json_object_object_add(x, "action", jstr(c->action));
			json_object_object_add(x, "severity",
			    json_object_new_string(conform_severity_name(c->severity)));
			json_object_object_add(x, "evidence_type",
			    json_object_new_string(conform_evidence_name(c->evidence)));
			json_object_array_add(cs, x);
		}
	}
	json_object_object_add(o, "profile", pr);
	json_object_object_add(o, "controls", cs);
	size_t *order = xcalloc(n ? n : 1, sizeof(*order));
	conform_rank(r, n, order);
	json_object *pv = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(pv, provider_json(&r[order[i]], i + 1, base_url));
	json_object_object_add(o, "providers", pv);
	free(order);
	fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	                                            JSON_C_TO_STRING_NOSLASHESCAPE),
	    f);
	fputc('\n', f);
	json_object_put(o);
}

/* One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
static void csv_field(FILE *f, const char *s, int last)
{
	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else
		fputs(s, f);
	fputs(last ? "\r\n" : ",", f);
}

static const char *const csv_header[] = {"rank", "asn", "name", "country", "overall",
    "required_passed", "required_total", "recommended_passed", "recommended_total", "profile",
    "control", "severity", "evidence_type", "verdict", "basis", "reason", "window_from",
    "window_to", "data_from", "data_to", "snapshots", "link", "generated"};
#define CSV_NCOLS (sizeof(csv_header) / sizeof(csv_header[0]))

void conform_procure_csv(FILE *f, const struct conform_result *r, size_t n, const char *base_url)
{
	for (size_t i = 0; i < CSV_NCOLS; i++)
		csv_field(f, csv_header[i], i + 1 == CSV_NCOLS);
	size_t *order = xcalloc(n ? n : 1, sizeof(*order));
	conform_rank(r, n, order);
	for (size_t k = 0; k < n; k++) {
		const struct conform_result *x = &r[order[k]];
		struct conform_standing st;
		conform_standing(x, &st);
		char rank[24], asn[16], rp[24], rt[24], cp[24], ct[24], nsn[24];
		char gen[32], wf[32], wt[32], df[32], dt[32];
		snprintf(rank, sizeof(rank), "%zu", k + 1);
		snprintf(asn, sizeof(asn), "%" PRIu32, x->asn);
		snprintf(rp, sizeof(rp), "%zu", st.req_pass);
		snprintf(rt, sizeof(rt), "%zu", st.req_total);
		snprintf(cp, sizeof(cp), "%zu", st.rec_pass);
		snprintf(ct, sizeof(ct), "%zu", st.rec_total);
		snprintf(nsn, sizeof(nsn), "%zu", x->nsnaps);
		iso(x->generated, gen, sizeof(gen));
		iso(st.data_from, df, sizeof(df));
		iso(st.data_to, dt, sizeof(dt));
		for (size_t i = 0; i < x->n; i++) {
			const struct conform_control_result *c = &x->c[i];
			char *link = conform_link(base_url, x, c->control->id);
			iso(c->window_from, wf, sizeof(wf));
			iso(c->window_to, wt, sizeof(wt));
			const char *row[] = {rank, asn, x->name, x->cc,
			    conform_overall_name(x->overall), rp, rt, cp, ct, x->profile->name,
			    c->control->id, conform_severity_name(c->control->severity),
			    conform_evidence_name(c->control->evidence),
			    conform_verdict_name(c->verdict), c->basis, c->reason, wf, wt, df, dt,
			    nsn, link, gen};
			_Static_assert(sizeof(row) / sizeof(row[0]) == CSV_NCOLS, "CSV columns");
			for (size_t j = 0; j < CSV_NCOLS; j++)
				csv_field(f, row[j], j + 1 == CSV_NCOLS);
			free(link);
		}
	}
	free(order);
}
