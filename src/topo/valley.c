/*
 * Valley-free check of an AS path (RFC 7908 route-leak types 1-4).
 *
 * The AS_PATH lists ASes from the collector's neighbour (position 0) to the origin (last);
 * the route travelled the other way. Prepends are collapsed first (the run keeps the position
 * of its leftmost copy). For every AS X with a neighbour on both sides we know from whom X
 * received the route (the neighbour towards the origin: "in") and to whom X sent it (the
 * neighbour towards the collector: "out"). X broke export policy when it sent a route learnt
 * from a provider or a peer to a provider or a peer:
 *   in provider, out provider: type 1 (hairpin);  in peer, out peer: type 2 (lateral);
 *   in provider, out peer:     type 3;            in peer, out provider: type 4.
 * For a fully known path this is exactly "not of the form up* peer? down*". A hop with no
 * known relationship, a sibling hop (a|b|1 in old files, or two ASes of one organisation
 * when the caller names siblings: valley_check_sib), or a hop across an AS_SET/confederation
 * segment leaves the ASes on both of its sides unjudged. The leaker reported is the one nearest the
 * origin (the first in propagation order); nleaks counts all. See docs/topo.md.
 */
#include <string.h>

#include "topo/topo.h"

struct flat {
	uint32_t asn, pos;
	int brk; /* a set / confed segment lies between this entry and the previous one */
};

const char *valley_leak_name(int type)
{
	switch (type) {
	case 1:
		return "type 1: hairpin (provider route sent to a provider)";
	case 2:
		return "type 2: lateral (peer route sent to a peer)";
	case 3:
		return "type 3: provider route sent to a peer";
	case 4:
		return "type 4: peer route sent to a provider";
	default:
		return "none";
	}
}

/* Flatten the sequences, collapse prepends, mark set boundaries. Returns the entry count or
 * -1 when the words are malformed or the path is too long. */
static int flatten(const uint32_t *w, uint32_t nwords, struct flat *c, struct valley_result *res)
{
	int m = 0, brk = 0;
	uint32_t pos = 0;
	for (uint32_t i = 0; i < nwords;) {
		uint32_t type = ASPATH_SEG_TYPE(w[i]), cnt = ASPATH_SEG_COUNT(w[i]);
		if (type < AS_SET || type > AS_CONFED_SET || cnt > nwords - i - 1)
			return -1;
		const uint32_t *a = w + i + 1;
		i += cnt + 1;
		if (type != AS_SEQUENCE) {
			res->has_set = 1;
			pos += cnt;
			brk = 1;
			continue;
		}
		for (uint32_t k = 0; k < cnt; k++, pos++) {
			if (m > 0 && !brk && c[m - 1].asn == a[k])
				continue; /* prepend */
			if (m == VALLEY_MAX_HOPS + 1)
				return -1;
			c[m].asn = a[k];
			c[m].pos = pos;
			c[m].brk = brk;
			brk = 0;
			m++;
		}
	}
	res->nasn = pos;
	return m;
}

static enum topo_rel inverse(enum topo_rel r)
{
	if (r == TOPO_REL_CUSTOMER)
		return TOPO_REL_PROVIDER;
	if (r == TOPO_REL_PROVIDER)
		return TOPO_REL_CUSTOMER;
	return r;
}

static int leak_type(enum topo_rel in, enum topo_rel out)
{
	int in_up = in == TOPO_REL_PROVIDER, in_peer = in == TOPO_REL_PEER;
	int out_up = out == TOPO_REL_PROVIDER, out_peer = out == TOPO_REL_PEER;
	if (in_up && out_up)
		return 1;
	if (in_peer && out_peer)
		return 2;
	if (in_up && out_peer)
		return 3;
	if (in_peer && out_up)
		return 4;
	return 0;
}

static int judgeable(const struct valley_hop *h)
{
	return !h->across_set && h->rel != TOPO_REL_NONE && h->rel != TOPO_REL_SIBLING;
}

int valley_check(
    const struct asrel *r, const uint32_t *w, uint32_t nwords, struct valley_result *res)
{
	return valley_check_sib(r, NULL, NULL, w, nwords, res);
}

int valley_check_sib(const struct asrel *r, topo_sibling_fn sib, const void *sibctx,
    const uint32_t *w, uint32_t nwords, struct valley_result *res)
{
	struct flat c[VALLEY_MAX_HOPS + 1];
	res->leak_index = -1;
	res->leaker = 0;
	res->leak_type = 0;
	res->from_rel = res->to_rel = TOPO_REL_NONE;
	res->nleaks = res->unknown = res->has_set = res->loop = 0;
	res->nasn = res->nhops = 0;
	int m = flatten(w, nwords, c, res);
	if (m < 0)
		return -1;
	for (int i = 0; i + 1 < m; i++) {
		struct valley_hop *h = &res->hops[i];
		h->from = c[i].asn;
		h->to = c[i + 1].asn;
		h->from_index = c[i].pos;
		h->to_index = c[i + 1].pos;
		h->across_set = c[i + 1].brk;
		h->rel = h->across_set ? TOPO_REL_NONE : asrel_lookup(r, h->from, h->to);
		if (!h->across_set && h->rel == TOPO_REL_NONE)
			res->unknown++;
		for (int j = 0; j < i && !res->loop; j++)
			res->loop = c[j].asn == c[i + 1].asn;
	}
	res->nhops = m > 1 ? (uint32_t)(m - 1) : 0;
	/* AS c[k] got the route over hop k (from c[k+1]) and sent it over hop k-1 (to c[k-1]) */
	for (int k = m - 2; k >= 1; k--) {
		struct valley_hop *hin = &res->hops[k], *hout = &res->hops[k - 1];
		if (!judgeable(hin) || !judgeable(hout))
			continue;
		enum topo_rel in = hin->rel, out = inverse(hout->rel);
		int t = leak_type(in, out);
		if (t == 0)
			continue;
		/* a would-be leak: asked only now whether a hop is inside one organisation (the
		 * predicate costs look-ups; most hops never need it) */
		if (sib != NULL && sib(sibctx, hin->from, hin->to))
			hin->rel =
			    TOPO_REL_SIBLING; /* one organisation: not a customer nor a peer */
		if (sib != NULL && sib(sibctx, hout->from, hout->to))
			hout->rel = TOPO_REL_SIBLING;
		if (!judgeable(hin) || !judgeable(hout))
			continue;
		if (res->nleaks++ == 0) {
			res->leak_index = (int)c[k].pos;
			res->leaker = c[k].asn;
			res->leak_type = t;
			res->from_rel = in;
			res->to_rel = out;
		}
	}
	return 0;
}
