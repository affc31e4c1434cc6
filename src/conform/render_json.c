/* Conformance results as JSON, schema CONFORM_SCHEMA (docs/conform.md). */
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "conform_private.h"

static json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *iso_time(int64_t t)
{
	if (t <= 0)
		return NULL;
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_object_new_string(buf);
}

/* An attestation evidence item's filing: who, what, validity and revocation. */
static json_object *filing_json(const struct store_attestation *f, const char *state)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(f->id));
	json_object_object_add(o, "status", json_object_new_string(state));
	json_object_object_add(o, "kind", str_or_null(f->kind));
	json_object_object_add(o, "who", str_or_null(f->who));
	json_object_object_add(o, "sha256", str_or_null(f->sha256));
	json_object_object_add(o, "file", str_or_null(f->file));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)f->size));
	json_object_object_add(o, "filed", iso_time(f->created));
	json_object_object_add(o, "valid_from", iso_time(f->valid_from));
	json_object_object_add(o, "valid_until", iso_time(f->valid_until));
	json_object_object_add(o, "revoked", iso_time(f->revoked));
	json_object_object_add(o, "revoked_by", str_or_null(f->revoked_by));
	json_object_object_add(o, "revoke_reason", str_or_null(f->revoke_reason));
	json_object_object_add(o, "note", str_or_null(f->note));
	return o;
}

static json_object *evidence_json(const struct conform_evidence *e)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_string(e->kind));
	if (e->snapshot)
		json_object_object_add(o, "snapshot", json_object_new_int64(e->snapshot));
	if (e->time)
		json_object_object_add(o, "time", iso_time(e->time));
	if (e->prefix)
		json_object_object_add(o, "prefix", json_object_new_string(e->prefix));
	if (e->origin)
		json_object_object_add(o, "origin", json_object_new_int64(e->origin));
	if (e->asn)
		json_object_object_add(o, "asn", json_object_new_int64(e->asn));
	if (e->state)
		json_object_object_add(o, "state", json_object_new_string(e->state));
	json_object_object_add(o, "text", str_or_null(e->text));
	if (e->filing)
		json_object_object_add(o, "attestation", filing_json(e->filing, e->filing_state));
	if (e->json) {
		json_object *d = json_tokener_parse(e->json);
		json_object_object_add(o, "data", d ? d : json_object_new_string(e->json));
	}
	return o;
}

/* A dispute of one of the AS's findings (docs/conform.md, "Disputes"). */
static json_object *dispute_json(const struct store_dispute *d)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(d->id));
	json_object_object_add(o, "state", json_object_new_string(d->state));
	json_object_object_add(o, "metric", json_object_new_string(d->metric));
	json_object_object_add(o, "prefix", json_object_new_string(d->prefix));
	json_object_object_add(o, "origin", json_object_new_int64(d->origin));
	json_object_object_add(o, "finding", json_object_new_int64(d->finding_id));
	json_object_object_add(o, "snapshot", json_object_new_int64(d->snapshot_id));
	json_object_object_add(o, "reason", str_or_null(d->reason));
	json_object_object_add(o, "opened_by", str_or_null(d->opened_by));
	json_object_object_add(o, "created", iso_time(d->created));
	json_object_object_add(o, "reviewer", str_or_null(d->reviewer));
	json_object_object_add(o, "decided", iso_time(d->decided));
	json_object_object_add(o, "note", str_or_null(d->note));
	return o;
}

static json_object *control_json(const struct conform_control_result *r)
{
	const struct conform_control *c = r->control;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(c->id));
	json_object_object_add(o, "text", json_object_new_string(c->text));
	json_object_object_add(o, "programme", str_or_null(c->programme));
	json_object_object_add(o, "action", str_or_null(c->action));
	json_object_object_add(
	    o, "evidence_type", json_object_new_string(conform_evidence_name(c->evidence)));
	json_object_object_add(
	    o, "severity", json_object_new_string(conform_severity_name(c->severity)));
	json_object_object_add(o, "rule", json_object_new_string(c->rule_text));
	json_object_object_add(
	    o, "verdict", json_object_new_string(conform_verdict_name(r->verdict)));
	json_object_object_add(o, "basis", json_object_new_string(r->basis));
	json_object_object_add(o, "reason", str_or_null(r->reason));
	json_object_object_add(o, "window_from", iso_time(r->window_from));
	json_object_object_add(o, "window_to", iso_time(r->window_to));
	json_object_object_add(o, "snapshots", json_object_new_int64((int64_t)r->snapshots));
	json_object_object_add(
	    o, "snapshots_failing", json_object_new_int64((int64_t)r->snapshots_fail));
	if (c->fix && r->verdict != CONFORM_PASS)
		json_object_object_add(o, "fix", json_object_new_string(c->fix));
	json_object *ev = json_object_new_array();
	for (size_t i = 0; i < r->nev; i++)
		json_object_array_add(ev, evidence_json(&r->ev[i]));
	json_object_object_add(o, "evidence", ev);
	json_object_object_add(o, "evidence_total", json_object_new_int64((int64_t)r->ev_total));
	return o;
}

json_object *conform_result_json(const struct conform_result *r)
{
	json_object *o = json_object_new_object();
	const struct conform_profile *p = r->profile;
	json_object_object_add(o, "schema", json_object_new_string(CONFORM_SCHEMA));
	json_object_object_add(o, "asn", json_object_new_int64(r->asn));
	json_object_object_add(o, "name", str_or_null(r->name));
	json_object_object_add(o, "country", str_or_null(r->cc));
	json_object *pr = json_object_new_object();
	json_object_object_add(pr, "name", json_object_new_string(p->name));
	json_object_object_add(pr, "title", json_object_new_string(p->title));
	json_object_object_add(pr, "version", json_object_new_string(p->version));
	json_object_object_add(pr, "programme", json_object_new_string(p->programme));
	json_object_object_add(pr, "status", str_or_null(p->status));
	json_object_object_add(o, "profile", pr);
	json_object_object_add(o, "generated", iso_time(r->generated));
	json_object_object_add(o, "window_seconds", json_object_new_int64(r->window));
	json_object_object_add(o, "window_from", iso_time(r->window_from));
	json_object_object_add(o, "window_to", iso_time(r->window_to));
	json_object *sn = json_object_new_array();
	for (size_t i = 0; i < r->nsnaps; i++) {
		json_object *s = json_object_new_object();
		json_object_object_add(s, "id", json_object_new_int64(r->snaps[i].id));
		json_object_object_add(s, "time",
		    iso_time(
		        r->snaps[i].period_end ? r->snaps[i].period_end : r->snaps[i].created));
		json_object_object_add(s, "label", str_or_null(r->snaps[i].label));
		json_object_array_add(sn, s);
	}
	json_object_object_add(o, "snapshots", sn);
	json_object_object_add(
	    o, "overall", json_object_new_string(conform_overall_name(r->overall)));
	json_object *cnt = json_object_new_object();
	for (int v = 0; v < 4; v++)
		json_object_object_add(cnt, conform_verdict_name((enum conform_verdict)v),
		    json_object_new_int64((int64_t)r->count[v]));
	json_object_object_add(
	    cnt, "pass_by_measurement", json_object_new_int64((int64_t)r->measured_pass));
	json_object_object_add(
	    cnt, "pass_by_attestation", json_object_new_int64((int64_t)r->attested_pass));
	json_object_object_add(o, "counts", cnt);
	json_object *cs = json_object_new_array();
	for (size_t i = 0; i < r->n; i++)
		json_object_array_add(cs, control_json(&r->c[i]));
	json_object_object_add(o, "controls", cs);
	json_object *ds = json_object_new_array();
	for (size_t i = 0; i < r->ndisputes; i++)
		json_object_array_add(ds, dispute_json(&r->disputes[i]));
	json_object_object_add(o, "disputes", ds);
	return o;
}

static void emit(FILE *f, json_object *o)
{
	fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	                                            JSON_C_TO_STRING_NOSLASHESCAPE),
	    f);
	fputc('\n', f);
	json_object_put(o);
}

void conform_render_json(FILE *f, const struct conform_result *r)
{
	emit(f, conform_result_json(r));
}

void conform_compare_json(FILE *f, const struct conform_result *r, size_t n)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "schema", json_object_new_string(CONFORM_SCHEMA "/compare"));
	json_object_object_add(o, "profile", json_object_new_string(n ? r[0].profile->name : ""));
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, conform_result_json(&r[i]));
	json_object_object_add(o, "results", a);
	emit(f, o);
}
