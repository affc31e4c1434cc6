/*
 * The per-route checks and their attribution (manrs-metrics.md §2):
 *
 *   M2  hijack: RPKI Invalid; or, where no VRP covers the route, route objects cover it but
 *       none with this origin (IRR conflict). Charged to the origin.
 *   M3  full bogon prefix. Charged to the origin.
 *   M4  a full bogon ASN in the path. Charged to the first non-bogon AS on the collector side
 *       of the bogon ASN nearest the collector: the AS that should have dropped or stripped it.
 *   M1  route leak: the valley-free check (RFC 7908 types 1-4) names the leaker; an OTC
 *       violation (RFC 9234) names the AS that sent an OTC-marked route to a provider or peer;
 *       without relationship data, an ASPA-invalid path names the AS on the neighbour side of
 *       the failing hop.
 *   xC  the AS immediately on the collector side of the culprit, when the culprit is its
 *       customer (CAIDA relationships), for each of the above.
 */
#include <string.h>

#include "irr/irr.h"
#include "observe_private.h"
#include "registry/registry.h"
#include "rpki/rpki.h"
#include "topo/topo.h"

void flat_path_build(struct flat_path *f, const uint32_t *w, uint32_t nwords)
{
	f->n = 0;
	f->has_set = f->truncated = 0;
	for (uint32_t i = 0; i < nwords; i += 1 + ASPATH_SEG_COUNT(w[i])) {
		uint32_t type = ASPATH_SEG_TYPE(w[i]), cnt = ASPATH_SEG_COUNT(w[i]);
		if (type != AS_SEQUENCE) {
			f->has_set = 1;
			continue;
		}
		for (uint32_t j = 0; j < cnt && i + 1 + j < nwords; j++) {
			uint32_t a = w[i + 1 + j];
			if (f->n && f->asn[f->n - 1] == a)
				continue; /* prepend */
			if (f->n == OBS_MAX_PATH) {
				f->truncated = 1;
				return;
			}
			f->asn[f->n++] = a;
		}
	}
}

static void hit(struct route_verdict *v, enum metric_id m, uint32_t asn, uint32_t culprit)
{
	for (int i = 0; i < v->nhits; i++)
		if (v->hit[i].metric == m && v->hit[i].asn == asn)
			return;
	if (v->nhits < OBS_MAX_HITS)
		v->hit[v->nhits++] = (struct obs_hit){m, asn, culprit, 1};
}

/* Charge metric m to the culprit at position idx of the path, and its customer variant to the
 * AS next to it on the collector side when the culprit is that AS's customer. */
/* The valley check's sibling predicate: ASes of one CAIDA organisation (--orgs). */
static int org_siblings(const void *ctx, uint32_t a, uint32_t b)
{
	return as2org_siblings(ctx, a, b);
}

int observe_valley(
    const struct observe_refs *refs, const uint32_t *w, uint32_t nwords, struct valley_result *res)
{
	return valley_check_sib(
	    refs->asrel, refs->orgs ? org_siblings : NULL, refs->orgs, w, nwords, res);
}

static void charge(const struct observe_refs *refs, const struct flat_path *f,
    struct route_verdict *v, enum metric_id m, int idx)
{
	uint32_t culprit = f->asn[idx];
	hit(v, m, culprit, culprit);
	if (refs->asrel == NULL || idx == 0)
		return;
	uint32_t up = f->asn[idx - 1];
	if (asrel_lookup(refs->asrel, up, culprit) == TOPO_REL_CUSTOMER &&
	    !as2org_siblings(refs->orgs, up, culprit))        /* a sibling is no customer */
		hit(v, (enum metric_id)(m + 1), up, culprit); /* M1 -> M1C, M2 -> M2C, ... */
}

/* RFC 9234: the AS that set OTC (otc) sent the route to a customer or peer; any AS between
 * it and the collector that then sends it to its provider or peer leaks. */
static int otc_leaker(const struct observe_refs *refs, const struct flat_path *f, uint32_t otc)
{
	const struct asrel *r = refs->asrel;
	int at = -1;
	for (int i = (int)f->n - 1; i >= 0; i--)
		if (f->asn[i] == otc) {
			at = i;
			break;
		}
	if (at < 0 || r == NULL)
		return -1;
	for (int j = at - 1; j >= 1; j--) {
		enum topo_rel rel = asrel_lookup(r, f->asn[j], f->asn[j - 1]);
		if ((rel == TOPO_REL_PROVIDER || rel == TOPO_REL_PEER) &&
		    !as2org_siblings(refs->orgs, f->asn[j], f->asn[j - 1]))
			return j;
	}
	return -1;
}

/* The bogon ASN nearest the collector, and the AS that passed it on. */
static void check_bogon_asns(
    const struct observe_refs *refs, const struct flat_path *f, struct route_verdict *v)
{
	v->bogon_asn = BOGON_NOT;
	for (uint32_t i = 0; i < f->n; i++) {
		enum bogon_kind k = bogon_check_asn(refs->bogons, f->asn[i], NULL);
		if ((int)k > v->bogon_asn) {
			v->bogon_asn = k;
			v->bogon_asn_value = f->asn[i];
		}
		if (k == BOGON_FULL && v->bogon_asn_value == f->asn[i]) {
			int c = (int)i - 1;
			while (
			    c >= 0 && bogon_check_asn(refs->bogons, f->asn[c], NULL) == BOGON_FULL)
				c--;
			if (c >= 0)
				charge(refs, f, v, M4, c);
			break;
		}
	}
}

void route_check_prefix(const struct observe_refs *refs, const struct prefix *p,
    const struct flat_path *f, const uint32_t *w, uint32_t nwords, struct route_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->leak_index = v->otc_leak_index = -1;
	v->has_origin = aspath_words_origin(w, nwords, &v->origin) == 0;
	int last = (int)f->n - 1;

	if (refs->vrps) {
		struct rov_result res;
		v->rov_checked = 1;
		v->rov =
		    rov_validate(refs->vrps, p, v->has_origin ? v->origin : ROV_NO_ORIGIN, &res);
		v->rov_reason = res.reason;
		v->rov_ncovering = res.ncovering;
	}
	if (refs->irr && v->has_origin) {
		struct irr_check_result res;
		v->irr_checked = 1;
		irr_check(refs->irr, p, v->origin, 0, &res);
		v->irr = res.verdict;
	}
	if (v->has_origin && last >= 0 && f->asn[last] == v->origin) {
		if (v->rov_checked && v->rov == ROV_INVALID)
			charge(refs, f, v, M2, last);
		else if ((!v->rov_checked || v->rov == ROV_NOTFOUND) && v->irr_checked &&
		         v->irr == IRR_OTHER_ORIGIN) {
			v->hijack_irr = 1;
			charge(refs, f, v, M2, last);
		}
	}
	v->bogon_prefix = bogon_check_prefix(refs->bogons, p, NULL);
	if (v->bogon_prefix == BOGON_FULL && v->has_origin)
		charge(refs, f, v, M3, (int)f->n - 1);
}

void route_check_path(const struct observe_refs *refs, const struct flat_path *f, const uint32_t *w,
    uint32_t nwords, int has_otc, uint32_t otc, struct route_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->leak_index = v->otc_leak_index = -1;
	check_bogon_asns(refs, f, v);
	if (refs->asrel && !f->has_set) {
		struct valley_result vr;
		if (observe_valley(refs, w, nwords, &vr) == 0) {
			v->leak_checked = 1;
			v->leak_type = vr.leak_type;
			if (vr.leak_index >= 0) {
				/* map the flattened position (prepends kept) to ours */
				for (uint32_t i = 0; i < f->n; i++)
					if (f->asn[i] == vr.leaker) {
						v->leak_index = (int)i;
						break;
					}
				if (v->leak_index >= 0)
					charge(refs, f, v, M1, v->leak_index);
			}
		}
	}
	if (has_otc && refs->asrel) {
		v->otc_leak_index = otc_leaker(refs, f, otc);
		if (v->otc_leak_index >= 0)
			charge(refs, f, v, M1, v->otc_leak_index);
	}
	if (refs->aspa) {
		struct aspa_result ar;
		v->aspa_checked = 1;
		v->aspa = aspa_verify(refs->aspa, w, nwords, ASPA_DOWNSTREAM, &ar);
		if (v->aspa == ASPA_INVALID && !refs->asrel && ar.fail_index >= 0 &&
		    (uint32_t)ar.fail_index < f->n)
			charge(refs, f, v, M1, ar.fail_index);
	}
}

void route_verdict_add_path(struct route_verdict *v, const struct route_verdict *pv)
{
	v->bogon_asn = pv->bogon_asn;
	v->bogon_asn_value = pv->bogon_asn_value;
	v->leak_checked = pv->leak_checked;
	v->leak_index = pv->leak_index;
	v->leak_type = pv->leak_type;
	v->otc_leak_index = pv->otc_leak_index;
	v->aspa_checked = pv->aspa_checked;
	v->aspa = pv->aspa;
	for (int i = 0; i < pv->nhits; i++)
		hit(v, pv->hit[i].metric, pv->hit[i].asn, pv->hit[i].culprit);
}
