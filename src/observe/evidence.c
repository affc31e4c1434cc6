/*
 * Evidence for a finding: the facts that decided it, as JSON (the VRPs that covered the
 * route, the route objects, the relationships of the leak, the bogon registry row), and one
 * line for people. Built once per finding, when it is first seen, with core's JSON writer
 * (json-c objects for each of tens of thousands of findings cost more than the checks).
 */
#include <stdlib.h>
#include <string.h>

#include "irr/irr.h"
#include "observe_private.h"
#include "rpki/rpki.h"
#include "topo/topo.h"

static void jprefix(struct jsonw *j, const char *key, const struct prefix *p)
{
	char buf[PREFIX_STRLEN];
	jsonw_kstr(j, key, prefix_format(p, buf, sizeof(buf)));
}

static void rov_evidence(struct jsonw *j, const struct observe_refs *refs, const struct prefix *p,
    const struct route_verdict *v)
{
	struct rov_result res;
	rov_validate(refs->vrps, p, v->has_origin ? v->origin : ROV_NO_ORIGIN, &res);
	jsonw_key(j, "rpki");
	jsonw_object(j);
	jsonw_kstr(j, "state", rov_state_name(res.state));
	if (res.reason)
		jsonw_kstr(j, "reason", rov_reason_name(res.reason));
	jsonw_key(j, "covering_vrps");
	jsonw_array(j);
	for (uint32_t i = 0; i < res.ncovering && i < ROV_MAX_COVERING; i++) {
		jsonw_object(j);
		jprefix(j, "prefix", &res.covering[i].p);
		jsonw_kint(j, "maxLength", res.covering[i].maxlen);
		jsonw_kint(j, "asn", res.covering[i].asn);
		jsonw_end_object(j);
	}
	jsonw_end_array(j);
	jsonw_kint(j, "covering_total", res.ncovering);
	jsonw_end_object(j);
}

static void irr_evidence(
    struct jsonw *j, const struct observe_refs *refs, const struct prefix *p, uint32_t origin)
{
	struct irr_check_result res;
	irr_check(refs->irr, p, origin, 0, &res);
	jsonw_key(j, "irr");
	jsonw_object(j);
	jsonw_kstr(j, "verdict", irr_verdict_name(res.verdict));
	jsonw_key(j, "route_objects");
	jsonw_array(j);
	for (size_t i = 0; i < res.nobj; i++) {
		const struct irr_route *r = res.obj[i];
		jsonw_object(j);
		jprefix(j, "prefix", &r->prefix);
		jsonw_kint(j, "origin", r->origin);
		jsonw_kstr(j, "source", refs->irr->sources[r->source]);
		if (r->mnt_by)
			jsonw_kstr(j, "mnt_by", r->mnt_by);
		jsonw_end_object(j);
	}
	jsonw_end_array(j);
	jsonw_end_object(j);
}

static void leak_evidence(struct jsonw *j, const struct observe_refs *refs, const uint32_t *w,
    uint32_t nwords, const struct flat_path *f, const struct route_verdict *v, uint32_t culprit)
{
	jsonw_key(j, "leak");
	jsonw_object(j);
	if (v->leak_index >= 0 && f->asn[v->leak_index] == culprit) {
		struct valley_result *vr = xmalloc(sizeof(*vr));
		observe_valley(refs, w, nwords, vr);
		jsonw_kstr(j, "kind", "valley-free");
		jsonw_kint(j, "leak_type", vr->leak_type);
		jsonw_kstr(j, "leak", valley_leak_name(vr->leak_type));
		jsonw_kint(j, "leaker", vr->leaker);
		jsonw_key(j, "hops");
		jsonw_array(j);
		for (uint32_t i = 0; i < vr->nhops && i < VALLEY_MAX_HOPS; i++) {
			jsonw_object(j);
			jsonw_kint(j, "from", vr->hops[i].from);
			jsonw_kint(j, "to", vr->hops[i].to);
			jsonw_kstr(j, "to_is", topo_rel_name(vr->hops[i].rel));
			jsonw_end_object(j);
		}
		jsonw_end_array(j);
		free(vr);
	} else if (v->otc_leak_index >= 0) {
		jsonw_kstr(j, "kind", "otc");
		jsonw_kint(j, "leaker", f->asn[v->otc_leak_index]);
	} else if (v->aspa_checked) {
		jsonw_kstr(j, "kind", "aspa");
		jsonw_kstr(j, "aspa", aspa_state_name(v->aspa));
	}
	jsonw_end_object(j);
}

void route_evidence(const struct observe_refs *refs, const struct prefix *p, const uint32_t *w,
    uint32_t nwords, const struct flat_path *f, const struct route_verdict *v,
    const struct obs_hit *h, struct arena *a, const char **detail, const char **evidence)
{
	char line[512], pfx[PREFIX_STRLEN];
	struct jsonw jw, *j = &jw;
	jsonw_init(j);
	jsonw_object(j);
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
		jsonw_kint(j, "customer", h->culprit);
	}
	switch (base) {
	case M2:
		if (v->rov_checked && v->rov == ROV_INVALID) {
			snprintf(line, sizeof(line), "%s from AS%u is RPKI invalid (%s)%s", pfx,
			    v->origin, rov_reason_name(v->rov_reason), via);
			rov_evidence(j, refs, p, v);
		} else {
			snprintf(line, sizeof(line),
			    "%s from AS%u: no ROA, and the IRR registers it for other origins%s",
			    pfx, v->origin, via);
		}
		if (refs->irr && v->has_origin)
			irr_evidence(j, refs, p, v->origin);
		break;
	case M3: {
		struct bogon_verdict bv;
		bogon_check_prefix(refs->bogons, p, &bv);
		snprintf(line, sizeof(line), "%s is a bogon prefix (%s%s%s)%s", pfx,
		    bv.row ? bv.row->name : "special-purpose", bv.row ? ", " : "",
		    bv.row ? bv.row->rfc : "", via);
		jsonw_key(j, "bogon_prefix");
		jsonw_object(j);
		jprefix(j, "block", &bv.match);
		if (bv.row) {
			jsonw_kstr(j, "name", bv.row->name);
			jsonw_kstr(j, "rfc", bv.row->rfc);
		}
		jsonw_end_object(j);
		break;
	}
	case M4: {
		struct bogon_asn_verdict bv;
		bogon_check_asn(refs->bogons, v->bogon_asn_value, &bv);
		snprintf(line, sizeof(line), "path of %s carries bogon AS%u (%s)%s", pfx,
		    v->bogon_asn_value, bv.range ? bv.range->rfc : "unallocated", via);
		jsonw_key(j, "bogon_asn");
		jsonw_object(j);
		jsonw_kint(j, "asn", v->bogon_asn_value);
		if (bv.range) {
			jsonw_kstr(j, "range", bv.range->name);
			jsonw_kstr(j, "rfc", bv.range->rfc);
		}
		jsonw_end_object(j);
		break;
	}
	case M1:
		snprintf(line, sizeof(line), "%s leaked by AS%u%s", pfx, h->culprit, via);
		leak_evidence(j, refs, w, nwords, f, v, h->culprit);
		break;
	default:
		snprintf(line, sizeof(line), "%s: %s", pfx, metric_defs[h->metric].title);
		break;
	}
	jsonw_end_object(j);
	*detail = arena_strdup(a, line);
	*evidence = arena_strdup(a, j->s);
	jsonw_free(j);
}
