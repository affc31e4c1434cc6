/*
 * The route state of BMP routers: one 20-byte route per (router, view, peer, prefix, path id)
 * in a dense array with stable indexes (a free list reuses them), found through an
 * open-addressing hash of route indexes (linear probing, deletion by backward shift, so no
 * tombstones; doubled at 3/4 full). The (router, view, peer) triple, the prefix (pindex.c) and
 * the interned attribute set (attrs.c) are 32-bit ids; the routes of one prefix are chained,
 * so the routes a prefix covers are found through the prefix table's block index without a
 * scan (bmp_rib_covered). A route costs 20 bytes (about 27 with the array's slack) and 5-11
 * of hash, a distinct prefix about 40 more: 40-90 bytes a route, the less the more peers
 * share a prefix, plus its share of the attribute sets.
 *
 * A Peer Down walks the routes once: it deletes the peer's routes one by one when they are
 * few, and rebuilds the hash and the chains without them when they are more than 1/16.
 */
#include <stdlib.h>
#include <string.h>

#include "bmp/rib_private.h"

struct route {
	uint32_t attrs; /* the attribute set's id; 0: free */
	uint32_t vp;    /* the (router, view, peer) triple; VP_PATH_ID: the route has a path id */
	uint32_t path_id;
	uint32_t pfx;  /* the prefix's id */
	uint32_t next; /* the next route of the prefix (PFX_NONE: last); free: next free */
};
_Static_assert(sizeof(struct route) == 20, "a route is 20 bytes");
#define VP_PATH_ID 0x80000000u
#define VP_ID(r) ((r)->vp & ~VP_PATH_ID)

/* A (router, view, peer) triple. */
struct vpeer {
	uint32_t router;
	uint8_t view;
	struct bmp_peer peer;
	size_t routes;
};

struct bmp_rib {
	struct route *r;
	size_t nr, rcap;    /* nr: routes used so far (live or free) */
	uint32_t rfree;     /* free list head, PFX_NONE: none */
	uint32_t *h;        /* route + 1; 0: empty */
	size_t hcap, count; /* hcap: a power of two */
	struct bmp_ptab pt;
	struct vpeer *vp;
	size_t nvp, vp_cap, last_vp;
	struct bmp_index vp_index;
	char **routers;
	size_t nrouters, routers_cap;
	struct attr_table at;
	size_t by_view[BMP_VIEWS];
	uint64_t announces, withdraws, replaced, withdraw_missing, flushed;
	size_t peak_routes, peak_attr_bytes;
};

struct bmp_rib *bmp_rib_new(void)
{
	struct bmp_rib *r = xcalloc(1, sizeof(*r));
	r->hcap = 1024;
	r->h = xcalloc(r->hcap, sizeof(*r->h));
	r->rfree = PFX_NONE;
	bmp_ptab_init(&r->pt);
	attr_table_init(&r->at);
	return r;
}

void bmp_rib_free(struct bmp_rib *r)
{
	if (r == NULL)
		return;
	free(r->r);
	free(r->h);
	bmp_ptab_free(&r->pt);
	free(r->vp);
	bmp_index_free(&r->vp_index);
	for (size_t i = 0; i < r->nrouters; i++)
		free(r->routers[i]);
	free(r->routers);
	attr_table_free(&r->at);
	free(r);
}

uint32_t bmp_rib_router(struct bmp_rib *r, const char *name)
{
	for (size_t i = 0; i < r->nrouters; i++)
		if (strcmp(r->routers[i], name) == 0)
			return (uint32_t)i;
	XGROW(r->routers, r->routers_cap, r->nrouters + 1);
	r->routers[r->nrouters] = xstrdup(name);
	return (uint32_t)r->nrouters++;
}

void bmp_rib_router_rename(struct bmp_rib *r, uint32_t router, const char *name)
{
	if (router >= r->nrouters)
		return;
	free(r->routers[router]);
	r->routers[router] = xstrdup(name);
}

static int same_peer(const struct bmp_peer *a, const struct bmp_peer *b)
{
	return a->type == b->type && a->afi == b->afi && memcmp(a->addr, b->addr, 16) == 0 &&
	       memcmp(a->rd, b->rd, 8) == 0;
}

struct vp_key {
	const struct bmp_rib *r;
	uint32_t router;
	uint8_t view;
	const struct bmp_peer *peer;
};

static int vp_eq(const void *arg, uint32_t i)
{
	const struct vp_key *k = arg;
	const struct vpeer *v = &k->r->vp[i];
	return v->router == k->router && v->view == k->view && same_peer(&v->peer, k->peer);
}

static uint32_t vpeer_id(struct bmp_rib *r, uint32_t router, const struct bmp_peer *p)
{
	uint8_t view = (uint8_t)bmp_peer_view(p);
	struct vp_key k = {r, router, view, p};
	if (!(r->last_vp < r->nvp && vp_eq(&k, (uint32_t)r->last_vp))) {
		uint32_t h = bmp_peer_hash(p, router * 8 + view);
		int64_t i = bmp_index_find(&r->vp_index, h, vp_eq, &k);
		if (i < 0) {
			XGROW(r->vp, r->vp_cap, r->nvp + 1);
			memset(&r->vp[r->nvp], 0, sizeof(r->vp[0]));
			r->vp[r->nvp].router = router, r->vp[r->nvp].view = view;
			r->vp[r->nvp].peer = *p;
			bmp_index_add(&r->vp_index, h, (uint32_t)r->nvp);
			i = (int64_t)r->nvp++;
		}
		r->last_vp = (size_t)i;
	}
	r->vp[r->last_vp].peer = *p; /* the latest header: AS, BGP ID, time */
	return (uint32_t)r->last_vp;
}

struct rkey {
	uint32_t vp, path_id, pfx;
};

static uint32_t rkey_hash(const struct rkey *k)
{
	return hash_bytes(k, sizeof(*k), 0x726962);
}

static size_t home(const struct bmp_rib *r, const struct route *rt)
{
	struct rkey k = {rt->vp, rt->path_id, rt->pfx};
	return rkey_hash(&k) & (r->hcap - 1);
}

/* The hash slot of key k, or the empty slot where it would go. */
static size_t find(const struct bmp_rib *r, const struct rkey *k)
{
	size_t mask = r->hcap - 1, i = rkey_hash(k) & mask;
	for (; r->h[i]; i = (i + 1) & mask) {
		const struct route *rt = &r->r[r->h[i] - 1];
		if (rt->pfx == k->pfx && rt->vp == k->vp && rt->path_id == k->path_id)
			break;
	}
	return i;
}

static void hash_put(struct bmp_rib *r, uint32_t idx)
{
	size_t i = home(r, &r->r[idx]);
	while (r->h[i])
		i = (i + 1) & (r->hcap - 1);
	r->h[i] = idx + 1;
}

static void hash_rebuild(struct bmp_rib *r)
{
	memset(r->h, 0, r->hcap * sizeof(*r->h));
	for (size_t i = 0; i < r->nr; i++)
		if (r->r[i].attrs)
			hash_put(r, (uint32_t)i);
}

/* Empty hash slot i, moving later members of its cluster back (Knuth's algorithm R). */
static void hash_delete(struct bmp_rib *r, size_t i)
{
	size_t mask = r->hcap - 1, j = i;
	for (;;) {
		r->h[i] = 0;
		for (;;) {
			j = (j + 1) & mask;
			if (r->h[j] == 0)
				return;
			size_t h = home(r, &r->r[r->h[j] - 1]);
			/* stays when its home lies cyclically in (i, j] */
			if (i <= j ? (i < h && h <= j) : (i < h || h <= j))
				continue;
			break;
		}
		r->h[i] = r->h[j];
		i = j;
	}
}

/* Take route idx out of its prefix's chain; the prefix goes with its last route. */
static void unlink_route(struct bmp_rib *r, uint32_t idx)
{
	struct rib_pfx *p = &r->pt.p[r->r[idx].pfx];
	uint32_t *at = &p->head;
	while (*at != idx)
		at = &r->r[*at].next;
	*at = r->r[idx].next;
	if (p->head == PFX_NONE)
		bmp_ptab_remove(&r->pt, r->r[idx].pfx);
}

/* Release route idx's counts and attributes and put it on the free list. */
static void release_route(struct bmp_rib *r, uint32_t idx)
{
	struct route *rt = &r->r[idx];
	struct vpeer *v = &r->vp[VP_ID(rt)];
	v->routes--;
	r->by_view[v->view]--;
	attr_release(&r->at, attr_get(&r->at, rt->attrs));
	r->count--;
	rt->attrs = 0;
	rt->next = r->rfree;
	r->rfree = idx;
}

/* Remove the route in hash slot i. */
static void remove_at(struct bmp_rib *r, size_t i)
{
	uint32_t idx = r->h[i] - 1;
	hash_delete(r, i);
	unlink_route(r, idx);
	release_route(r, idx);
}

void bmp_rib_route(
    struct bmp_rib *r, uint32_t router, const struct bmp_peer *peer, const struct mrt_route *rt)
{
	struct rkey k;
	k.vp = vpeer_id(r, router, peer) | (rt->has_path_id ? VP_PATH_ID : 0);
	k.path_id = rt->has_path_id ? rt->path_id : 0;
	struct prefix p = rt->prefix;
	prefix_mask(&p);
	int announce = rt->kind == MRT_ROUTE_ANNOUNCE && rt->attrs != NULL;
	if (!announce) {
		r->withdraws++;
		k.pfx = bmp_ptab_find(&r->pt, &p);
		size_t i = k.pfx == PFX_NONE ? 0 : find(r, &k);
		if (k.pfx != PFX_NONE && r->h[i])
			remove_at(r, i);
		else
			r->withdraw_missing++;
		return;
	}
	r->announces++;
	const struct bmp_attrs *a = attr_intern(&r->at, rt->attrs);
	k.pfx = bmp_ptab_add(&r->pt, &p);
	size_t i = find(r, &k);
	if (r->h[i]) {
		struct route *old = &r->r[r->h[i] - 1];
		r->replaced++;
		attr_release(&r->at, attr_get(&r->at, old->attrs));
		old->attrs = a->id;
		return;
	}
	uint32_t idx;
	if (r->rfree != PFX_NONE) {
		idx = r->rfree;
		r->rfree = r->r[idx].next;
	} else {
		RIB_GROW(r->r, r->rcap, r->nr + 1);
		idx = (uint32_t)r->nr++;
	}
	struct route *n = &r->r[idx];
	n->attrs = a->id, n->vp = k.vp, n->path_id = k.path_id, n->pfx = k.pfx;
	n->next = r->pt.p[k.pfx].head;
	r->pt.p[k.pfx].head = idx;
	r->h[i] = idx + 1;
	r->count++;
	struct vpeer *v = &r->vp[VP_ID(n)];
	v->routes++;
	r->by_view[v->view]++;
	if (r->count > r->peak_routes) {
		r->peak_routes = r->count;
		r->peak_attr_bytes =
		    r->at.bytes + r->at.nb * sizeof(*r->at.b) + r->at.idcap * sizeof(*r->at.byid);
	}
	if (r->count * 4 > r->hcap * 3) {
		free(r->h);
		r->hcap *= 2;
		r->h = xcalloc(r->hcap, sizeof(*r->h));
		hash_rebuild(r);
	}
}

static int flush_match(const struct vpeer *v, uint32_t router, const struct bmp_peer *peer)
{
	return v->router == router && (peer == NULL || same_peer(&v->peer, peer));
}

/* Flush by rebuilding: the routes flushed are released, then the hash and every prefix's
 * chain are rebuilt from the routes kept (prefixes left without routes go). For a large share
 * of the routes this beats deleting one by one (each deletion walks a chain and rehashes the
 * rest of its hash cluster). */
static size_t flush_rebuild(struct bmp_rib *r, uint32_t router, const struct bmp_peer *peer)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nr; i++) {
		if (r->r[i].attrs && flush_match(&r->vp[VP_ID(&r->r[i])], router, peer)) {
			release_route(r, (uint32_t)i);
			n++;
		}
	}
	for (size_t i = 0; i < r->pt.n; i++)
		if (r->pt.p[i].afi)
			r->pt.p[i].head = PFX_NONE;
	for (size_t i = r->nr; i-- > 0;) {
		struct route *rt = &r->r[i];
		if (rt->attrs) {
			rt->next = r->pt.p[rt->pfx].head;
			r->pt.p[rt->pfx].head = (uint32_t)i;
		}
	}
	for (size_t i = 0; i < r->pt.n; i++)
		if (r->pt.p[i].afi && r->pt.p[i].head == PFX_NONE)
			bmp_ptab_remove(&r->pt, (uint32_t)i);
	hash_rebuild(r);
	return n;
}

/* The routes of the router's peer, or of all its peers (peer NULL). */
static size_t flush(struct bmp_rib *r, uint32_t router, const struct bmp_peer *peer)
{
	size_t want = 0;
	for (size_t v = 0; v < r->nvp; v++)
		if (flush_match(&r->vp[v], router, peer))
			want += r->vp[v].routes;
	if (want == 0)
		return 0;
	if (want * 16 > r->count) {
		size_t k = flush_rebuild(r, router, peer);
		r->flushed += k;
		return k;
	}
	size_t n = 0;
	for (size_t i = 0; i < r->nr && n < want; i++) {
		const struct route *rt = &r->r[i];
		if (rt->attrs && flush_match(&r->vp[VP_ID(rt)], router, peer)) {
			struct rkey k = {rt->vp, rt->path_id, rt->pfx};
			remove_at(r, find(r, &k));
			n++;
		}
	}
	r->flushed += n;
	return n;
}

size_t bmp_rib_peer_down(struct bmp_rib *r, uint32_t router, const struct bmp_peer *peer)
{
	return flush(r, router, peer);
}

size_t bmp_rib_router_flush(struct bmp_rib *r, uint32_t router)
{
	return flush(r, router, NULL);
}

const char *bmp_rib_router_name(const struct bmp_rib *r, uint32_t router)
{
	return router < r->nrouters ? r->routers[router] : "";
}

void bmp_rib_event(
    struct bmp_rib *r, uint32_t router, const struct bmp_msg *m, const struct mrt_route *rt)
{
	if (rt)
		bmp_rib_route(r, router, &m->peer, rt);
	else if (m->type == BMP_PEER_DOWN)
		bmp_rib_peer_down(r, router, &m->peer);
}

void bmp_rib_stats(const struct bmp_rib *r, struct bmp_rib_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->routes = r->count;
	memcpy(st->by_view, r->by_view, sizeof(st->by_view));
	st->routers = r->nrouters;
	st->peers = r->nvp;
	st->attr_sets = r->at.count;
	st->table_bytes = r->rcap * sizeof(struct route) + r->hcap * sizeof(*r->h) +
	                  r->vp_cap * sizeof(struct vpeer);
	st->prefixes = r->pt.count;
	st->index_bytes = bmp_ptab_bytes(&r->pt);
	st->attr_bytes =
	    r->at.bytes + r->at.nb * sizeof(*r->at.b) + r->at.idcap * sizeof(*r->at.byid);
	st->announces = r->announces, st->withdraws = r->withdraws;
	st->replaced = r->replaced, st->withdraw_missing = r->withdraw_missing;
	st->flushed = r->flushed;
	st->peak_routes = r->peak_routes, st->peak_attr_bytes = r->peak_attr_bytes;
}

/* ------------------------------------------------------------ walks */

static void fill_entry(const struct bmp_rib *r, uint32_t idx, struct bmp_rib_entry *e)
{
	const struct route *rt = &r->r[idx];
	const struct vpeer *v = &r->vp[VP_ID(rt)];
	memset(e, 0, sizeof(*e));
	e->router = r->routers[v->router];
	e->view = (enum bmp_view)v->view;
	e->peer = &v->peer;
	bmp_ptab_get(&r->pt, rt->pfx, &e->prefix);
	e->has_path_id = (rt->vp & VP_PATH_ID) != 0;
	e->path_id = rt->path_id;
	e->attrs = attr_get(&r->at, rt->attrs);
}

static int route_cmp(const void *pa, const void *pb, void *arg)
{
	const struct bmp_rib *r = arg;
	const struct route *a = &r->r[*(const uint32_t *)pa], *b = &r->r[*(const uint32_t *)pb];
	const struct vpeer *va = &r->vp[VP_ID(a)], *vb = &r->vp[VP_ID(b)];
	int c;
	if (va != vb) {
		if ((c = strcmp(r->routers[va->router], r->routers[vb->router])) != 0)
			return c;
		if (va->view != vb->view)
			return va->view < vb->view ? -1 : 1;
		if (va->peer.afi != vb->peer.afi)
			return va->peer.afi < vb->peer.afi ? -1 : 1;
		if ((c = memcmp(va->peer.addr, vb->peer.addr, 16)) != 0)
			return c;
		if (va->peer.type != vb->peer.type)
			return va->peer.type < vb->peer.type ? -1 : 1;
		if ((c = memcmp(va->peer.rd, vb->peer.rd, 8)) != 0)
			return c;
	}
	if (a->pfx != b->pfx) {
		const struct rib_pfx *x = &r->pt.p[a->pfx], *y = &r->pt.p[b->pfx];
		if (x->afi != y->afi)
			return x->afi < y->afi ? -1 : 1;
		if ((c = memcmp(x->addr, y->addr, 16)) != 0)
			return c;
		if (x->len != y->len)
			return x->len < y->len ? -1 : 1;
	}
	if (a->path_id != b->path_id)
		return a->path_id < b->path_id ? -1 : 1;
	return 0;
}

int bmp_rib_walk(
    const struct bmp_rib *r, int (*fn)(const struct bmp_rib_entry *e, void *arg), void *arg)
{
	uint32_t *idx = xreallocarray(NULL, r->count + 1, sizeof(*idx));
	size_t n = 0;
	for (size_t i = 0; i < r->nr; i++)
		if (r->r[i].attrs)
			idx[n++] = (uint32_t)i;
	qsort_r(idx, n, sizeof(*idx), route_cmp, (void *)(uintptr_t)r);
	int k = 0;
	for (size_t i = 0; i < n && k == 0; i++) {
		struct bmp_rib_entry e;
		fill_entry(r, idx[i], &e);
		k = fn(&e, arg);
	}
	free(idx);
	return k;
}

int bmp_rib_scan(
    const struct bmp_rib *r, int (*fn)(const struct bmp_rib_entry *e, void *arg), void *arg)
{
	int k = 0;
	for (size_t i = 0; i < r->nr && k == 0; i++) {
		if (!r->r[i].attrs)
			continue;
		struct bmp_rib_entry e;
		fill_entry(r, (uint32_t)i, &e);
		k = fn(&e, arg);
	}
	return k;
}

int bmp_rib_each_attrs(
    const struct bmp_rib *r, int (*fn)(const struct bmp_attrs *a, void *arg), void *arg)
{
	int k = 0;
	for (uint32_t id = 1; id < r->at.nid && k == 0; id++)
		if (r->at.byid[id] != NULL)
			k = fn(r->at.byid[id], arg);
	return k;
}

uint32_t bmp_rib_attrs_ids(const struct bmp_rib *r)
{
	return r->at.nid;
}

struct covered_ctx {
	const struct bmp_rib *r;
	int (*fn)(const struct bmp_rib_entry *e, void *arg);
	void *arg;
	size_t prefixes;
};

static int covered_prefix(uint32_t id, void *arg)
{
	struct covered_ctx *c = arg;
	c->prefixes++;
	for (uint32_t i = c->r->pt.p[id].head; i != PFX_NONE; i = c->r->r[i].next) {
		struct bmp_rib_entry e;
		fill_entry(c->r, i, &e);
		int k = c->fn(&e, c->arg);
		if (k)
			return k;
	}
	return 0;
}

int bmp_rib_covered(const struct bmp_rib *r, const struct prefix *p,
    int (*fn)(const struct bmp_rib_entry *e, void *arg), void *arg, size_t *prefixes)
{
	struct covered_ctx c = {r, fn, arg, 0};
	int k = bmp_ptab_covered(&r->pt, p, covered_prefix, &c);
	if (prefixes)
		*prefixes += c.prefixes;
	return k;
}
