/*
 * The engine's intake: every route of the stream is checked once per (prefix, origin, path)
 * and folded into the routing table, the findings and, for update streams, the events.
 */
#include <stdlib.h>
#include <string.h>

#include "mrt/mrt.h"
#include "observe_private.h"
#include "rpki/rpki.h"

/* The path half of the checks (route_check_path) of recently seen paths: in a RIB dump
 * about seven routes in eight share their AS path with a recent one (the jinx RIB: 503,590
 * routes, 71,796 paths), and the valley-free, bogon-ASN and ASPA checks of a path are the
 * same whatever its prefix. Direct-mapped on a hash of the path; an entry holds the whole
 * path to compare, so a collision costs a check, never a wrong verdict. */
#define PATH_MEMO_SLOTS 8192
#define PATH_MEMO_WORDS 32

struct path_memo_ent {
	uint32_t nwords; /* 0: empty */
	uint32_t otc;
	int has_otc;
	uint32_t w[PATH_MEMO_WORDS];
	struct route_verdict pv;
};

struct path_memo {
	struct path_memo_ent e[PATH_MEMO_SLOTS];
};

static const struct route_verdict *path_checked(struct observe *o, const struct flat_path *f,
    const uint32_t *w, uint32_t nwords, int has_otc, uint32_t otc, struct route_verdict *tmp)
{
	if (nwords == 0 || nwords > PATH_MEMO_WORDS) {
		route_check_path(&o->refs, f, w, nwords, has_otc, otc, tmp);
		return tmp;
	}
	uint64_t h = 0x9e3779b97f4a7c15ull ^ nwords ^ (uint64_t)otc << 32 ^ (uint64_t)has_otc;
	for (uint32_t i = 0; i < nwords; i++)
		h = (h ^ w[i]) * 0xff51afd7ed558ccdull;
	struct path_memo_ent *e = &o->path_memo->e[(h ^ h >> 29) & (PATH_MEMO_SLOTS - 1)];
	if (e->nwords == nwords && e->has_otc == has_otc && e->otc == otc &&
	    memcmp(e->w, w, nwords * sizeof(*w)) == 0)
		return &e->pv;
	route_check_path(&o->refs, f, w, nwords, has_otc, otc, &e->pv);
	e->nwords = nwords;
	e->has_otc = has_otc;
	e->otc = otc;
	memcpy(e->w, w, nwords * sizeof(*w));
	return &e->pv;
}

struct observe *observe_new(const struct observe_refs *refs, const struct observe_config *cfg)
{
	struct observe *o = xcalloc(1, sizeof(*o));
	o->refs = *refs;
	if (cfg)
		o->cfg = *cfg;
	else
		observe_config_default(&o->cfg);
	bogon_db_init(&o->builtin_bogons);
	if (o->refs.bogons == NULL)
		o->refs.bogons = &o->builtin_bogons;
	otable_init(&o->routes, sizeof(struct rt_ent), sizeof(struct rt_key));
	otable_init(&o->finds, sizeof(struct fd_ent), sizeof(struct fd_key));
	otable_init(&o->open, sizeof(struct open_ent), sizeof(struct open_key));
	otable_init(&o->peers, sizeof(struct peer_ent), sizeof(struct peer_key));
	otable_init(&o->seen, sizeof(uint32_t), sizeof(uint32_t));
	arena_init(&o->arena, 1 << 20);
	o->path_memo = xcalloc(1, sizeof(*o->path_memo));
	return o;
}

void observe_free(struct observe *o)
{
	if (o == NULL)
		return;
	bogon_db_free(&o->builtin_bogons);
	otable_free(&o->routes);
	otable_free(&o->finds);
	otable_free(&o->open);
	otable_free(&o->peers);
	otable_free(&o->seen);
	free(o->order);
	arena_free(&o->arena);
	free(o->path_memo);
	free(o->ev);
	free(o);
}

void observe_set_contacts(struct observe *o, const struct pdb *pdb, const struct asnames *names,
    const struct as2org *orgs)
{
	o->refs.pdb = pdb;
	o->refs.names = names;
	o->refs.orgs = orgs;
}

static uint32_t peer_index(struct observe *o, const struct mrt_peer *p)
{
	struct peer_key k;
	memset(&k, 0, sizeof(k));
	k.afi = p->afi;
	memcpy(k.addr, p->addr, 16);
	k.asn = p->asn;
	/* a collector has few peers and a RIB record lists them in turn: look in a small
	 * direct-mapped cache before hashing */
	unsigned slot = (p->asn ^ p->addr[3] ^ p->addr[15]) & (OBS_PEER_CACHE - 1);
	if (o->peer_cache[slot].idx && memcmp(&o->peer_cache[slot].k, &k, sizeof(k)) == 0)
		return o->peer_cache[slot].idx - 1;
	int created;
	struct peer_ent *e = otable_upsert(&o->peers, &k, &created);
	uint32_t idx = (uint32_t)(e - (struct peer_ent *)o->peers.v);
	o->peer_cache[slot].k = k;
	o->peer_cache[slot].idx = idx + 1;
	return idx;
}

void observe_push_event(struct observe *o, struct event ev)
{
	if (o->nev == o->capev) {
		o->capev = o->capev ? o->capev * 2 : 1024;
		o->ev = xreallocarray(o->ev, o->capev, sizeof(*o->ev));
	}
	o->ev[o->nev++] = ev;
}

/* Close the open events of a peer's route that the new hit set no longer has. */
static void update_open(struct observe *o, const struct prefix *p, uint32_t peer, uint32_t ts,
    const struct route_verdict *v)
{
	struct open_key k;
	memset(&k, 0, sizeof(k));
	k.p = *p;
	k.peer = peer;
	struct open_ent *e;
	if (v == NULL || v->nhits == 0) {
		e = otable_find(&o->open, &k);
		if (e == NULL)
			return;
	} else {
		int created;
		e = otable_upsert(&o->open, &k, &created);
	}
	/* keep hits present in both, close the others */
	uint8_t keep = 0;
	for (int i = 0; i < e->n; i++) {
		int still = 0;
		for (int j = 0; v && j < v->nhits; j++)
			if (v->hit[j].asn == e->h[i].asn && v->hit[j].metric == e->h[i].metric)
				still = 1;
		if (still)
			e->h[keep++] = e->h[i];
		else
			observe_push_event(o,
			    (struct event){e->h[i].asn, e->h[i].metric, 1, e->h[i].start, ts, 1});
	}
	e->n = keep;
	for (int j = 0; v && j < v->nhits; j++) {
		int have = 0;
		for (int i = 0; i < e->n; i++)
			if (v->hit[j].asn == e->h[i].asn && v->hit[j].metric == e->h[i].metric)
				have = 1;
		if (!have && e->n < OBS_MAX_HITS) {
			e->h[e->n].asn = v->hit[j].asn;
			e->h[e->n].metric = (uint8_t)v->hit[j].metric;
			e->h[e->n].start = ts;
			e->n++;
		}
	}
}

/* k: the route's key, h its hash (taken before the checks, so that its slot could be
 * fetched meanwhile: the routing table is far bigger than the caches). */
static void note_route(struct observe *o, const struct mrt_route *rt, const struct rt_key *k,
    uint32_t h, const struct route_verdict *v, uint32_t peer)
{
	int created;
	struct rt_ent *e = otable_upsert_hashed(&o->routes, k, h, &created);
	if (created) {
		e->first_seen = rt->ts;
		e->rov = (uint8_t)v->rov;
		e->rov_reason = (uint8_t)v->rov_reason;
		e->rov_checked = (uint8_t)v->rov_checked;
		e->irr = (uint8_t)v->irr;
		e->irr_checked = (uint8_t)v->irr_checked;
		e->bogon = (uint8_t)v->bogon_prefix;
	}
	if (v->aspa_checked && !rt->origin_only) { /* a table's one-AS "path" is no path */
		e->aspa_seen = 1;
		e->aspa_invalid |= v->aspa == ASPA_INVALID;
	}
	if (rt->ts < e->first_seen)
		e->first_seen = rt->ts;
	if (rt->ts > e->last_seen)
		e->last_seen = rt->ts;
	peer_count_add(&e->peers, peer);
}

/* pc: the prefix half taken ahead, with the evidence of its hits (the first of v's), or NULL */
static void note_findings(struct observe *o, const struct mrt_route *rt, const struct flat_path *f,
    const struct route_verdict *v, uint32_t peer, const struct route_prefix_check *pc)
{
	const char *pathstr = NULL; /* formatted once, for the first new finding */
	for (int i = 0; i < v->nhits; i++) {
		struct fd_key k;
		memset(&k, 0, sizeof(k));
		k.p = rt->prefix;
		k.origin = v->origin;
		k.asn = v->hit[i].asn;
		k.metric = v->hit[i].metric;
		int created;
		struct fd_ent *e = otable_upsert(&o->finds, &k, &created);
		if (created) {
			e->culprit = v->hit[i].culprit;
			e->first_seen = rt->ts;
			e->peer_asn = rt->peer.asn;
			e->peer_afi = rt->peer.afi;
			memcpy(e->peer_addr, rt->peer.addr, 16);
			if (pathstr == NULL) {
				char buf[2048];
				aspath_words_format(
				    rt->attrs->aspath, rt->attrs->aspath_nwords, buf, sizeof(buf));
				pathstr = arena_strdup(&o->arena, buf);
			}
			e->path = pathstr;
			if (pc && i < pc->nevidence) {
				e->detail = pc->detail[i];
				e->evidence = pc->evidence[i];
			} else
				route_evidence(&o->refs, &rt->prefix, rt->attrs->aspath,
				    rt->attrs->aspath_nwords, f, v, &v->hit[i], &o->arena,
				    &e->detail, &e->evidence);
		}
		if (rt->ts < e->first_seen)
			e->first_seen = rt->ts;
		if (rt->ts > e->last_seen)
			e->last_seen = rt->ts;
		if (rt->kind == MRT_ROUTE_RIB) {
			if (e->rib_first == 0 || o->rib_ts < e->rib_first)
				e->rib_first = o->rib_ts;
			if (o->rib_ts > e->rib_last)
				e->rib_last = o->rib_ts;
		} else if (rt->kind == MRT_ROUTE_ANNOUNCE) {
			if (e->upd_first == 0 || rt->ts < e->upd_first)
				e->upd_first = rt->ts;
			if (rt->ts > e->upd_last)
				e->upd_last = rt->ts;
		}
		peer_count_add(&e->peers, peer);
	}
}

void observe_file_begin(struct observe *o)
{
	o->rib_ts = 0;
}

/* Every AS seen in a path is measured (a transit AS too), so remember them all. */
static void note_seen(struct observe *o, const struct flat_path *f)
{
	for (uint32_t i = 0; i < f->n; i++) {
		uint32_t a = f->asn[i], *c = &o->seen_cache[(a * 2654435761u) >> 20];
		if (*c == a && a != 0)
			continue;
		int created;
		otable_upsert(&o->seen, &a, &created);
		*c = a;
	}
}

void observe_check_prefix(const struct observe *o, const struct mrt_route *rt, struct arena *a,
    struct route_prefix_check *pc)
{
	const struct bgp_attrs *at = rt->attrs;
	struct flat_path f;
	memset(pc, 0, sizeof(*pc));
	if (at == NULL || at->aspath_error)
		return; /* observe_route_checked does not judge it */
	flat_path_build(&f, at->aspath, at->aspath_nwords);
	route_check_prefix(&o->refs, &rt->prefix, &f, at->aspath, at->aspath_nwords, &pc->v);
	struct rt_key k;
	memset(&k, 0, sizeof(k));
	k.p = rt->prefix;
	if (aspath_words_origin(at->aspath, at->aspath_nwords, &k.origin) == 0)
		pc->hash = otable_hash(&o->routes, &k); /* reads the key size alone */
	/* the prefix half's evidence reads that half and the references only (evidence.c) */
	for (int i = 0; a && i < pc->v.nhits; i++)
		route_evidence(&o->refs, &rt->prefix, at->aspath, at->aspath_nwords, &f, &pc->v,
		    &pc->v.hit[i], a, &pc->detail[i], &pc->evidence[i]);
	pc->nevidence = a ? pc->v.nhits : 0;
}

void observe_prefetch(const struct observe *o, const struct route_prefix_check *pc)
{
	otable_prefetch(&o->routes, pc->hash);
}

void observe_route(struct observe *o, const struct mrt_route *rt)
{
	observe_route_checked(o, rt, NULL);
}

void observe_route_checked(
    struct observe *o, const struct mrt_route *rt, const struct route_prefix_check *pc)
{
	if (rt->kind == MRT_ROUTE_STATE)
		return; /* a session reset is not a withdrawal of what the archive shows */
	if (rt->ts) {
		if (o->first_ts == 0 || rt->ts < o->first_ts)
			o->first_ts = rt->ts;
		if (rt->ts > o->last_ts)
			o->last_ts = rt->ts;
	}
	uint32_t peer = peer_index(o, &rt->peer);
	if (rt->kind == MRT_ROUTE_WITHDRAW) {
		o->nwithdrawals++;
		update_open(o, &rt->prefix, peer, rt->ts, NULL);
		return;
	}
	if (rt->attrs == NULL || rt->attrs->aspath_error || rt->safi != 1)
		return; /* nothing to judge: no usable path, or not unicast */
	if (rt->kind == MRT_ROUTE_RIB) {
		o->nrib++;
		if (o->rib_ts == 0)
			o->rib_ts = rt->ts;
	} else
		o->nupdates++;
	o->nroutes++;
	if (!rt->origin_only)
		o->npaths++;

	struct flat_path f;
	struct route_verdict v;
	const struct bgp_attrs *a = rt->attrs;
	flat_path_build(&f, a->aspath, a->aspath_nwords);
	struct rt_key k;
	memset(&k, 0, sizeof(k));
	k.p = rt->prefix;
	uint32_t h = 0;
	if (aspath_words_origin(a->aspath, a->aspath_nwords, &k.origin) == 0) {
		h = pc ? pc->hash : otable_hash(&o->routes, &k);
		otable_prefetch(&o->routes, h);
	}
	note_seen(o, &f);
	if (pc)
		v = pc->v;
	else
		route_check_prefix(&o->refs, &rt->prefix, &f, a->aspath, a->aspath_nwords, &v);
	struct route_verdict pv;
	route_verdict_add_path(&v, path_checked(o, &f, a->aspath, a->aspath_nwords,
	                               bgp_attrs_has(a, BGP_ATTR_OTC), a->otc, &pv));
	if (v.has_origin)
		note_route(o, rt, &k, h, &v, peer);
	if (v.nhits)
		note_findings(o, rt, &f, &v, peer, pc);
	if (rt->kind == MRT_ROUTE_ANNOUNCE)
		update_open(o, &rt->prefix, peer, rt->ts, &v);
}

void observe_set_vrps(struct observe *o, const struct vrp_table *vrps)
{
	o->refs.vrps = vrps;
}
