/*
 * The route state of BMP routers: one 32-byte slot per (router, view, peer, prefix, path id)
 * in an open-addressing table with linear probing (deletion by backward shift, so no
 * tombstones), the (router, view, peer) triple and the interned attribute set (attrs.c) as
 * 32-bit ids. The table doubles at 4/5 full: between 32 / 0.8 = 40 and 32 / 0.4 = 80 bytes a
 * route, plus its share of the sets.
 *
 * A Peer Down walks the whole table once: it deletes the peer's routes one by one when they
 * are few, and rebuilds the table without them when they are more than 1/16 of it (1M of 2M
 * routes: 0.7 s on a busy 2-core machine).
 */
#include <stdlib.h>
#include <string.h>

#include "bmp/rib_private.h"

struct slot {
	uint32_t attrs; /* the attribute set's id; 0: empty */
	/* the key: 27 bytes from vp on */
	uint32_t vp;
	uint32_t path_id;
	uint8_t afi, len, has_path_id;
	uint8_t addr[16];
};
_Static_assert(sizeof(struct slot) == 32, "a route slot is 32 bytes");
#define SLOT_KEY(s) ((const uint8_t *)&(s)->vp)
#define SLOT_KEY_LEN 27

/* A (router, view, peer) triple. */
struct vpeer {
	uint32_t router;
	uint8_t view;
	struct bmp_peer peer;
	size_t routes;
};

struct bmp_rib {
	struct slot *t;
	size_t cap, count; /* cap: a power of two */
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
	r->cap = 1024;
	r->t = xcalloc(r->cap, sizeof(*r->t));
	attr_table_init(&r->at);
	return r;
}

void bmp_rib_free(struct bmp_rib *r)
{
	if (r == NULL)
		return;
	free(r->t);
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

static size_t home(const struct bmp_rib *r, const struct slot *s)
{
	return hash_bytes(SLOT_KEY(s), SLOT_KEY_LEN, 0x726962) & (r->cap - 1);
}

/* The slot of key k, or the empty slot where it would go. */
static size_t find(const struct bmp_rib *r, const struct slot *k)
{
	size_t i = home(r, k);
	while (r->t[i].attrs && memcmp(SLOT_KEY(&r->t[i]), SLOT_KEY(k), SLOT_KEY_LEN) != 0)
		i = (i + 1) & (r->cap - 1);
	return i;
}

static void grow(struct bmp_rib *r)
{
	struct slot *old = r->t;
	size_t n = r->cap;
	r->cap *= 2;
	r->t = xcalloc(r->cap, sizeof(*r->t));
	for (size_t i = 0; i < n; i++)
		if (old[i].attrs)
			r->t[find(r, &old[i])] = old[i];
	free(old);
}

/* Empty slot i, moving later members of its cluster back (Knuth's algorithm R). */
static void remove_at(struct bmp_rib *r, size_t i)
{
	const struct slot *s = &r->t[i];
	r->vp[s->vp].routes--;
	r->by_view[r->vp[s->vp].view]--;
	attr_release(&r->at, attr_get(&r->at, s->attrs));
	r->count--;
	size_t mask = r->cap - 1, j = i;
	for (;;) {
		r->t[i].attrs = 0;
		for (;;) {
			j = (j + 1) & mask;
			if (r->t[j].attrs == 0)
				return;
			size_t h = home(r, &r->t[j]);
			/* stays when its home lies cyclically in (i, j] */
			if (i <= j ? (i < h && h <= j) : (i < h || h <= j))
				continue;
			break;
		}
		r->t[i] = r->t[j];
		i = j;
	}
}

void bmp_rib_route(
    struct bmp_rib *r, uint32_t router, const struct bmp_peer *peer, const struct mrt_route *rt)
{
	struct slot k;
	memset(&k, 0, sizeof(k));
	k.vp = vpeer_id(r, router, peer);
	k.path_id = rt->has_path_id ? rt->path_id : 0;
	k.has_path_id = (uint8_t)(rt->has_path_id != 0);
	k.afi = rt->prefix.afi, k.len = rt->prefix.len;
	memcpy(k.addr, rt->prefix.addr, 16);
	size_t i = find(r, &k);
	if (rt->kind != MRT_ROUTE_ANNOUNCE || rt->attrs == NULL) {
		r->withdraws++;
		if (r->t[i].attrs)
			remove_at(r, i);
		else
			r->withdraw_missing++;
		return;
	}
	r->announces++;
	const struct bmp_attrs *a = attr_intern(&r->at, rt->attrs);
	if (r->t[i].attrs) {
		r->replaced++;
		attr_release(&r->at, attr_get(&r->at, r->t[i].attrs));
		r->t[i].attrs = a->id;
		return;
	}
	k.attrs = a->id;
	r->t[i] = k;
	r->count++;
	r->vp[k.vp].routes++;
	r->by_view[r->vp[k.vp].view]++;
	if (r->count > r->peak_routes) {
		r->peak_routes = r->count;
		r->peak_attr_bytes =
		    r->at.bytes + r->at.nb * sizeof(*r->at.b) + r->at.idcap * sizeof(*r->at.byid);
	}
	if (r->count * 5 > r->cap * 4)
		grow(r);
}

/* Flush by rebuilding: the routes kept are reinserted into a fresh table, the others
 * released. For a large share of the table this beats deleting one by one (each deletion
 * rehashes the rest of its cluster). */
static int flush_match(const struct vpeer *v, uint32_t router, const struct bmp_peer *peer)
{
	return v->router == router && (peer == NULL || same_peer(&v->peer, peer));
}

static size_t flush_rebuild(struct bmp_rib *r, uint32_t router, const struct bmp_peer *peer)
{
	struct slot *old = r->t;
	size_t n = 0;
	r->t = xcalloc(r->cap, sizeof(*r->t));
	for (size_t i = 0; i < r->cap; i++) {
		const struct slot *s = &old[i];
		if (!s->attrs)
			continue;
		struct vpeer *v = &r->vp[s->vp];
		if (flush_match(v, router, peer)) {
			v->routes--;
			r->by_view[v->view]--;
			attr_release(&r->at, attr_get(&r->at, s->attrs));
			r->count--;
			n++;
		} else {
			r->t[find(r, s)] = *s;
		}
	}
	free(old);
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
	for (size_t i = 0; i < r->cap && n < want;) {
		const struct slot *s = &r->t[i];
		if (s->attrs && flush_match(&r->vp[s->vp], router, peer)) {
			remove_at(r, i); /* another route may have moved into i: look again */
			n++;
		} else {
			i++;
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
	st->table_bytes = r->cap * sizeof(struct slot) + r->vp_cap * sizeof(struct vpeer);
	st->attr_bytes =
	    r->at.bytes + r->at.nb * sizeof(*r->at.b) + r->at.idcap * sizeof(*r->at.byid);
	st->announces = r->announces, st->withdraws = r->withdraws;
	st->replaced = r->replaced, st->withdraw_missing = r->withdraw_missing;
	st->flushed = r->flushed;
	st->peak_routes = r->peak_routes, st->peak_attr_bytes = r->peak_attr_bytes;
}

/* ------------------------------------------------------------ ordered walk */

static int slot_cmp(const void *pa, const void *pb, void *arg)
{
	const struct bmp_rib *r = arg;
	const struct slot *a = &r->t[*(const size_t *)pa], *b = &r->t[*(const size_t *)pb];
	const struct vpeer *va = &r->vp[a->vp], *vb = &r->vp[b->vp];
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
	if (a->afi != b->afi)
		return a->afi < b->afi ? -1 : 1;
	if ((c = memcmp(a->addr, b->addr, 16)) != 0)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	if (a->path_id != b->path_id)
		return a->path_id < b->path_id ? -1 : 1;
	return 0;
}

int bmp_rib_walk(
    const struct bmp_rib *r, int (*fn)(const struct bmp_rib_entry *e, void *arg), void *arg)
{
	size_t *idx = xreallocarray(NULL, r->count + 1, sizeof(*idx)), n = 0;
	for (size_t i = 0; i < r->cap; i++)
		if (r->t[i].attrs)
			idx[n++] = i;
	qsort_r(idx, n, sizeof(*idx), slot_cmp, (void *)(uintptr_t)r);
	int k = 0;
	for (size_t i = 0; i < n && k == 0; i++) {
		const struct slot *s = &r->t[idx[i]];
		const struct vpeer *v = &r->vp[s->vp];
		struct bmp_rib_entry e;
		memset(&e, 0, sizeof(e));
		e.router = r->routers[v->router];
		e.view = (enum bmp_view)v->view;
		e.peer = &v->peer;
		e.prefix.afi = s->afi, e.prefix.len = s->len;
		memcpy(e.prefix.addr, s->addr, 16);
		e.has_path_id = s->has_path_id;
		e.path_id = s->path_id;
		e.attrs = attr_get(&r->at, s->attrs);
		k = fn(&e, arg);
	}
	free(idx);
	return k;
}
