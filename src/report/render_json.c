/* The scorecard as JSON (schema routemark.report/1, docs/json-schema.md). */
#include <json-c/json.h>
#include <string.h>

#include "report/report.h"

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}
static json_object *jint(int64_t v)
{
	return json_object_new_int64(v);
}
/* A percentage, or null for "no data". */
static json_object *jpct(double v)
{
	return v < 0 ? NULL : json_object_new_double(v);
}

static void add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static json_object *action(const struct scorecard *sc, double pct)
{
	json_object *o = json_object_new_object();
	add(o, "score", jpct(pct));
	add(o, "readiness", jstr(readiness_name(readiness_of(&sc->cfg, pct))));
	return o;
}

static json_object *summary(const struct scorecard *sc)
{
	const struct store_as_summary *s = &sc->sum;
	json_object *o = json_object_new_object();
	add(o, "routes", jint((int64_t)s->routes));
	add(o, "prefixes_v4", jint((int64_t)s->prefixes_v4));
	add(o, "prefixes_v6", jint((int64_t)s->prefixes_v6));
	add(o, "rpki_valid", jint((int64_t)s->rpki_valid));
	add(o, "rpki_invalid", jint((int64_t)s->rpki_invalid));
	add(o, "rpki_not_found", jint((int64_t)s->rpki_notfound));
	add(o, "irr_registered", jint((int64_t)s->irr_registered));
	add(o, "irr_unregistered", jint((int64_t)s->irr_unregistered));
	json_object *acts = json_object_new_object();
	add(acts, "1", action(sc, s->action[1]));
	add(acts, "2", action(sc, s->action[2]));
	add(acts, "3", action(sc, s->action[3]));
	add(acts, "4_irr", action(sc, s->action4_irr));
	add(acts, "4_rpki", action(sc, s->action4_rpki));
	add(o, "actions", acts);
	json_object *aspa = json_object_new_object(); /* observatory figures, no MANRS metric */
	add(aspa, "publishes", s->aspa >= 0 ? json_object_new_boolean(s->aspa) : NULL);
	add(aspa, "invalid_routes", s->aspa_invalid >= 0 ? jint(s->aspa_invalid) : NULL);
	add(o, "aspa", aspa);
	return o;
}

static json_object *metrics(const struct scorecard *sc)
{
	json_object *o = json_object_new_object();
	for (size_t i = 0; i < sc->nmetrics; i++) {
		const struct store_metric *m = &sc->metrics[i];
		json_object *x = json_object_new_object();
		add(x, "raw", m->percent < 0 ? NULL : json_object_new_double(m->raw));
		add(x, "percent", jpct(m->percent));
		add(x, "count", jint((int64_t)m->count));
		add(o, m->metric, x);
	}
	return o;
}

static json_object *findings(const struct scorecard *sc)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < sc->nfindings; i++) {
		const struct store_finding *f = &sc->findings[i];
		json_object *x = json_object_new_object();
		add(x, "metric", jstr(f->metric));
		add(x, "prefix", jstr(f->prefix));
		add(x, "origin", jint(f->origin));
		add(x, "culprit", jint(f->culprit));
		add(x, "path", jstr(f->path));
		add(x, "peer", jstr(f->peer_ip));
		add(x, "peer_asn", jint(f->peer_asn));
		add(x, "peers", jint(f->peers));
		add(x, "first_seen", jint(f->first_seen));
		add(x, "last_seen", jint(f->last_seen));
		add(x, "detail", jstr(f->detail));
		add(x, "evidence", f->evidence ? json_tokener_parse(f->evidence) : NULL);
		add(x, "id", jint(f->id));
		/* the accepted dispute that took it out of the scores, or null */
		add(x, "disputed", f->disputed ? jint(f->disputed) : NULL);
		json_object_array_add(a, x);
	}
	return a;
}

static json_object *incidents(const struct scorecard *sc)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < sc->nincidents; i++) {
		const struct store_incident *n = &sc->incidents[i];
		json_object *x = json_object_new_object();
		add(x, "metric", jstr(n->metric));
		add(x, "start", jint(n->start));
		add(x, "end", jint(n->end));
		add(x, "events", jint(n->nevents));
		add(x, "weight", json_object_new_double(n->weight));
		add(x, "score", json_object_new_double(n->score));
		add(x, "duration_known", json_object_new_boolean(n->duration_known));
		json_object_array_add(a, x);
	}
	return a;
}

static json_object *trend(const struct scorecard *sc)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < sc->nhistory; i++) {
		const struct store_history *h = &sc->history[i];
		if (!h->found)
			continue;
		json_object *x = json_object_new_object();
		add(x, "snapshot", jint(h->snap.id));
		add(x, "period_start", jint(h->snap.period_start));
		add(x, "action1", jpct(h->sum.action[1]));
		add(x, "action3", jpct(h->sum.action[3]));
		add(x, "action4_irr", jpct(h->sum.action4_irr));
		add(x, "action4_rpki", jpct(h->sum.action4_rpki));
		json_object_array_add(a, x);
	}
	return a;
}

static json_object *fixes(const struct scorecard *sc)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < sc->nfixes; i++) {
		const struct fix *f = &sc->fixes[i];
		json_object *x = json_object_new_object();
		add(x, "kind", jstr(fix_kind_name(f->kind)));
		if (f->prefix) {
			add(x, "prefix", jstr(f->prefix));
			add(x, "origin", jint(f->origin));
		}
		if (f->kind == FIX_CREATE_ROA || f->kind == FIX_INVALID_ROUTE)
			add(x, "max_length", jint(f->maxlen));
		if (f->kind == FIX_CUSTOMER)
			add(x, "customer", jint(f->other_asn));
		if (f->nroutes) {
			add(x, "metric", jstr(f->metric));
			add(x, "routes", jint(f->nroutes));
		}
		add(x, "text", jstr(f->text));
		json_object_array_add(a, x);
	}
	return a;
}

static void scorecard_json(FILE *f, const struct scorecard *sc, int flags)
{
	json_object *o = json_object_new_object();
	add(o, "schema", jstr(REPORT_SCHEMA));
	add(o, "asn", jint(sc->asn));
	add(o, "name", sc->has_info ? jstr(sc->info.name) : NULL);
	add(o, "country", sc->has_info ? jstr(sc->info.cc) : NULL);
	add(o, "rir", sc->has_info ? jstr(sc->info.rir) : NULL);
	json_object *org = NULL;
	if (sc->has_info && sc->info.org_id) {
		org = json_object_new_object();
		add(org, "id", jstr(sc->info.org_id));
		add(org, "name", jstr(sc->info.org_name));
		json_object *sib = json_object_new_array();
		for (size_t i = 0; i < sc->nsiblings; i++)
			json_object_array_add(sib, jint(sc->siblings[i].asn));
		add(org, "siblings", sib);
	}
	add(o, "organisation", org);
	json_object *snap = json_object_new_object();
	add(snap, "id", jint(sc->snap.id));
	add(snap, "label", jstr(sc->snap.label));
	add(snap, "period_start", jint(sc->snap.period_start));
	add(snap, "period_end", jint(sc->snap.period_end));
	add(o, "snapshot", snap);
	add(o, "found", json_object_new_boolean(sc->found));
	if (sc->found) {
		add(o, "summary", summary(sc));
		add(o, "metrics", metrics(sc));
		add(o, "findings_total", jint((int64_t)sc->findings_total));
		add(o, "findings", findings(sc));
		add(o, "incidents", incidents(sc));
		add(o, "trend", trend(sc));
		add(o, "fixes", fixes(sc));
	}
	fputs(json_object_to_json_string_ext(o, flags | JSON_C_TO_STRING_NOSLASHESCAPE), f);
	fputc('\n', f);
	json_object_put(o);
}

void report_json_scorecard(FILE *f, const struct scorecard *sc)
{
	scorecard_json(f, sc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED);
}

void report_json_scorecard_compact(FILE *f, const struct scorecard *sc)
{
	scorecard_json(f, sc, JSON_C_TO_STRING_PLAIN);
}
