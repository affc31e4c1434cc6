/*
 * Evidence for a finding: the facts that decided it, as JSON (the VRPs that covered the
 * route, the route objects, the relationships of the leak, the bogon registry row), and one
 * line for people. Built once per finding, when it is first seen.
 */
#include <json-c/json.h>
#include <string.h>

#include "irr/irr.h"
#include "observe_private.h"
#include "rpki/rpki.h"
#include "topo/topo.h"

static json_object *jstr(const char *s)
{
	return json_object_new_string(s ? s : "");
}

static json_object *jprefix(const struct prefix *p)
{
	char buf[PREFIX_STRLEN];
	return jstr(prefix_format(p, buf, sizeof(buf)));
}

static json_object *rov_evidence(
    const struct observe *o, const struct prefix *p, const struct route_verdict *v)
{
	struct rov_result res;
	json_object *j = json_object_new_object();
	rov_validate(o->refs.vrps, p, v->has_origin ? v->origin : ROV_NO_ORIGIN, &res);
	json_object_object_add(j, "state", jstr(rov_state_name(res.state)));
	if (res.reason)
		json_object_object_add(j, "reason", jstr(rov_reason_name(res.reason)));
	json_object *arr = json_object_new_array();
	for (uint32_t i = 0; i < res.ncovering && i < ROV_MAX_COVERING; i++) {
		json_object *x = json_object_new_object();
		json_object_object_add(x, "prefix", jprefix(&res.covering[i].p));
		json_object_object_add(x, "maxLength", json_object_new_int(res.covering[i].maxlen));
		json_object_object_add(x, "asn", json_object_new_int64(res.covering[i].asn));
		json_object_array_add(arr, x);
	}
	json_object_object_add(j, "covering_vrps", arr);
	json_object_object_add(j, "covering_total", json_object_new_int64(res.ncovering));
	return j;
}

static json_object *irr_evidence(const struct observe *o, const struct prefix *p, uint32_t origin)
{
	struct irr_check_result res;
	json_object *j = json_object_new_object();
	irr_check(o->refs.irr, p, origin, 0, &res);
	json_object_object_add(j, "verdict", jstr(irr_verdict_name(res.verdict)));
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < res.nobj; i++) {
		const struct irr_route *r = res.obj[i];
		json_object *x = json_object_new_object();
		json_object_object_add(x, "prefix", jprefix(&r->prefix));
		json_object_object_add(x, "origin", json_object_new_int64(r->origin));
		json_object_object_add(x, "source", jstr(o->refs.irr->sources[r->source]));
		if (r->mnt_by)
			json_object_object_add(x, "mnt_by", jstr(r->mnt_by));
		json_object_array_add(arr, x);
	}
	json_object_object_add(j, "route_objects", arr);
	return j;
}

static json_object *leak_evidence(const struct observe *o, const uint32_t *w, uint32_t nwords,
    const struct flat_path *f, const struct route_verdict *v, uint32_t culprit)
{
	json_object *j = json_object_new_object();
	if (v->leak_index >= 0 && f->asn[v->leak_index] == culprit) {
		struct valley_result *vr = xmalloc(sizeof(*vr));
		valley_check(o->refs.asrel, w, nwords, vr);
		json_object_object_add(j, "kind", jstr("valley-free"));
		json_object_object_add(j, "leak_type", json_object_new_int(vr->leak_type));
		json_object_object_add(j, "leak", jstr(valley_leak_name(vr->leak_type)));
		json_object_object_add(j, "leaker", json_object_new_int64(vr->leaker));
		json_object *hops = json_object_new_array();
		for (uint32_t i = 0; i < vr->nhops && i < VALLEY_MAX_HOPS; i++) {
			json_object *x = json_object_new_object();
			json_object_object_add(x, "from", json_object_new_int64(vr->hops[i].from));
			json_object_object_add(x, "to", json_object_new_int64(vr->hops[i].to));
			json_object_object_add(x, "to_is", jstr(topo_rel_name(vr->hops[i].rel)));
			json_object_array_add(hops, x);
		}
		json_object_object_add(j, "hops", hops);
		free(vr);
	} else if (v->otc_leak_index >= 0) {
		json_object_object_add(j, "kind", jstr("otc"));
		json_object_object_add(
		    j, "leaker", json_object_new_int64(f->asn[v->otc_leak_index]));
	} else if (v->aspa_checked) {
		json_object_object_add(j, "kind", jstr("aspa"));
		json_object_object_add(j, "aspa", jstr(aspa_state_name(v->aspa)));
	}
	return j;
}

void evidence_build(const struct observe *o, const struct prefix *p, const uint32_t *w,
    uint32_t nwords, const struct flat_path *f, const struct route_verdict *v,
    const struct obs_hit *h, struct arena *a, const char **detail, const char **evidence)
{
	char line[512], pfx[PREFIX_STRLEN];
	json_object *j = json_object_new_object();
	enum metric_id base = h->metric;
	if (metric_defs[base].customer)
		base = (enum metric_id)(base - 1);
	prefix_format(p, pfx, sizeof(pfx));
	const char *via = "";
	char viabuf[64] = "";
	if (h->asn != h->culprit) {
		snprintf(viabuf, sizeof(viabuf), ", passed on by AS%u for its customer AS%u",
		    h->asn, h->culprit);
		via = viabuf;
		json_object_object_add(j, "customer", json_object_new_int64(h->culprit));
	}
	switch (base) {
	case M2:
		if (v->rov_checked && v->rov == ROV_INVALID) {
			snprintf(line, sizeof(line), "%s from AS%u is RPKI invalid (%s)%s", pfx,
			    v->origin, rov_reason_name(v->rov_reason), via);
			json_object_object_add(j, "rpki", rov_evidence(o, p, v));
		} else {
			snprintf(line, sizeof(line),
			    "%s from AS%u: no ROA, and the IRR registers it for other origins%s",
			    pfx, v->origin, via);
		}
		if (o->refs.irr && v->has_origin)
			json_object_object_add(j, "irr", irr_evidence(o, p, v->origin));
		break;
	case M3: {
		struct bogon_verdict bv;
		bogon_check_prefix(o->refs.bogons, p, &bv);
		snprintf(line, sizeof(line), "%s is a bogon prefix (%s%s%s)%s", pfx,
		    bv.row ? bv.row->name : "special-purpose", bv.row ? ", " : "",
		    bv.row ? bv.row->rfc : "", via);
		json_object *b = json_object_new_object();
		json_object_object_add(b, "block", jprefix(&bv.match));
		if (bv.row) {
			json_object_object_add(b, "name", jstr(bv.row->name));
			json_object_object_add(b, "rfc", jstr(bv.row->rfc));
		}
		json_object_object_add(j, "bogon_prefix", b);
		break;
	}
	case M4: {
		struct bogon_asn_verdict bv;
		bogon_check_asn(o->refs.bogons, v->bogon_asn_value, &bv);
		snprintf(line, sizeof(line), "path of %s carries bogon AS%u (%s)%s", pfx,
		    v->bogon_asn_value, bv.range ? bv.range->rfc : "unallocated", via);
		json_object *b = json_object_new_object();
		json_object_object_add(b, "asn", json_object_new_int64(v->bogon_asn_value));
		if (bv.range) {
			json_object_object_add(b, "range", jstr(bv.range->name));
			json_object_object_add(b, "rfc", jstr(bv.range->rfc));
		}
		json_object_object_add(j, "bogon_asn", b);
		break;
	}
	case M1:
		snprintf(line, sizeof(line), "%s leaked by AS%u%s", pfx, h->culprit, via);
		json_object_object_add(j, "leak", leak_evidence(o, w, nwords, f, v, h->culprit));
		break;
	default:
		snprintf(line, sizeof(line), "%s: %s", pfx, metric_defs[h->metric].title);
		break;
	}
	*detail = arena_strdup(a, line);
	*evidence = arena_strdup(a, json_object_to_json_string_ext(j,
	                                JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
}
