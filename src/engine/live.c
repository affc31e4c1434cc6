/*
 * The live door: route changes from BMP routers (or a replayed archive) through the engine.
 *
 * Every change of a router's pre-policy view (Adj-RIB-In: what the Internet sent it, as the
 * collectors' archives record it) goes into the window's engine as an announcement or a
 * withdrawal, so findings open and close as update-stream events and become incidents
 * exactly as in the batch analysis of update files. A snapshot adds every route the routers
 * hold at that moment, each router's best view (pre-policy, else Loc-RIB, else post-policy:
 * routers that export no pre-policy view are judged from what they selected), scores the
 * window and stores it; the next window starts empty.
 *
 * Changes of every view that concern the watch file also go to the alert engine with the
 * checks' verdict, so an alert knows which peers sent a route (pre-policy) and which routers
 * accepted it (post-policy, Loc-RIB).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert/alert.h"
#include "bmp/bmp.h"
#include "engine/engine.h"
#include "engine/engine_private.h"
#include "observe/observe.h"
#include "rpki/rpki.h"
#include "store/store.h"

struct engine_live {
	struct refset *rs;
	struct observe_config cfg;
	struct observe_refs refs;
	struct engine *e; /* the window's */
	struct alert_engine *ae;
	uint8_t *comm;
	size_t comm_cap;
	struct engine_live_stats st;
	int64_t window_start;
	struct vrp_table *rtr_vrps; /* a live RTR cache's table (referenced), else NULL */
	const struct bmp_rib *rib;
	struct live_filter *filter;
	struct rtr_client *rtr; /* engine_live_rtr_open's session */
	uint32_t rtr_update;    /* the update number of the table taken last */
};

struct engine_live *engine_live_new(const struct engine_live_opts *o)
{
	struct engine_live *l = xcalloc(1, sizeof(*l));
	l->rs = o->refs;
	if (o->cfg)
		l->cfg = *o->cfg;
	else
		observe_config_default(&l->cfg);
	l->refs = *refset_refs(o->refs);
	l->e = engine_new(l->rs, &l->cfg);
	engine_file_begin(l->e);
	if (o->watch)
		l->ae = alert_engine_new(&l->refs, o->watch, o->on_alert, o->arg);
	l->window_start = (int64_t)time(NULL);
	l->rib = o->rib;
	l->filter = live_filter_new();
	return l;
}

void engine_live_free(struct engine_live *l)
{
	if (l == NULL)
		return;
	engine_free(l->e);
	alert_engine_free(l->ae);
	if (l->rtr)
		rtr_client_stop(l->rtr);
	if (l->rtr_vrps)
		vrp_table_release(l->rtr_vrps);
	live_filter_free(l->filter);
	free(l->comm);
	free(l);
}

/* ---------------------------------------------------------------- changes */

static uint32_t route_time(const struct bmp_peer *peer, const struct mrt_route *rt)
{
	if (rt->ts)
		return rt->ts;
	if (peer->ts_sec)
		return peer->ts_sec;
	return (uint32_t)time(NULL);
}

static void check_route(
    const struct engine_live *l, const struct mrt_route *rt, struct route_verdict *v)
{
	const struct bgp_attrs *a = rt->attrs;
	struct flat_path f;
	struct route_verdict pv;
	flat_path_build(&f, a->aspath, a->aspath_nwords);
	route_check_prefix(&l->refs, &rt->prefix, &f, a->aspath, a->aspath_nwords, v);
	route_check_path(
	    &l->refs, &f, a->aspath, a->aspath_nwords, bgp_attrs_has(a, BGP_ATTR_OTC), a->otc, &pv);
	route_verdict_add_path(v, &pv);
}

void engine_live_route(struct engine_live *l, const char *router, enum bmp_view view,
    const struct bmp_peer *peer, const struct mrt_route *rt)
{
	l->st.changes++;
	uint32_t ts = route_time(peer, rt);
	int withdraw = rt->kind == MRT_ROUTE_WITHDRAW;
	if (withdraw)
		l->st.withdrawals++;
	if (view == BMP_VIEW_PRE) {
		struct mrt_route r = *rt;
		r.ts = ts;
		r.peer.afi = peer->afi;
		memcpy(r.peer.addr, peer->addr, 16);
		r.peer.asn = peer->asn, r.peer.bgp_id = peer->bgp_id;
		if (r.kind == MRT_ROUTE_RIB)
			r.kind = MRT_ROUTE_ANNOUNCE;
		engine_route(l->e, &r);
		l->st.judged++;
	}
	live_filter_route(l->filter, &l->refs, l->rib, router, view, peer, rt);
	if (l->ae == NULL)
		return;
	struct alert_route ar = {.router = router,
	    .view = view,
	    .peer = peer,
	    .prefix = &rt->prefix,
	    .has_path_id = rt->has_path_id,
	    .path_id = rt->path_id,
	    .withdraw = withdraw,
	    .time = ts};
	if (withdraw) {
		alert_route(l->ae, &ar, NULL);
	} else if (rt->attrs && !rt->attrs->aspath_error) {
		const struct bgp_attrs *a = rt->attrs;
		ar.path = a->aspath, ar.npath = a->aspath_nwords;
		if (!alert_relevant(l->ae, &rt->prefix, a->aspath, a->aspath_nwords)) {
			ar.withdraw = 1; /* a route that concerned us may have changed into this */
			alert_route(l->ae, &ar, NULL);
		} else {
			struct route_verdict v;
			check_route(l, rt, &v);
			l->st.checked++;
			alert_route(l->ae, &ar, &v);
		}
	}
	alert_tick(l->ae, ts);
}

/* ---------------------------------------------------------------- peers and routers */

struct down {
	struct engine_live *l;
	const char *router;
	const struct bmp_peer *peer;
	uint32_t now;
};

static int same_peer(const struct bmp_peer *a, const struct bmp_peer *b)
{
	return a->asn == b->asn && memcmp(a->addr, b->addr, 16) == 0 &&
	       memcmp(a->rd, b->rd, 8) == 0;
}

/* The routes the pre-policy view of a peer (or router) held end: withdrawals. */
static int withdraw_held(const struct bmp_rib_entry *e, void *arg)
{
	struct down *d = arg;
	if (e->view != BMP_VIEW_PRE || strcmp(e->router, d->router) != 0 ||
	    (d->peer && !same_peer(e->peer, d->peer)))
		return 0;
	struct mrt_route r;
	memset(&r, 0, sizeof(r));
	r.kind = MRT_ROUTE_WITHDRAW;
	r.ts = d->now;
	r.peer.afi = e->peer->afi;
	memcpy(r.peer.addr, e->peer->addr, 16);
	r.peer.asn = e->peer->asn;
	r.prefix = e->prefix;
	r.safi = 1;
	r.has_path_id = e->has_path_id, r.path_id = e->path_id;
	engine_route(d->l->e, &r);
	return 0;
}

void engine_live_down(struct engine_live *l, const struct bmp_rib *rib, const char *router,
    const struct bmp_peer *peer, int64_t now)
{
	struct down d = {.l = l, .router = router, .peer = peer, .now = (uint32_t)now};
	if (rib)
		bmp_rib_walk(rib, withdraw_held, &d);
	if (peer)
		l->st.peer_downs++;
	else
		l->st.router_downs++;
	if (l->ae == NULL)
		return;
	if (peer)
		alert_peer_down(l->ae, router, peer, now);
	else
		alert_router_down(l->ae, router, now);
}

void engine_live_tick(struct engine_live *l, int64_t now)
{
	if (l->ae)
		alert_tick(l->ae, now);
}

/* ---------------------------------------------------------------- reload */

struct refeed {
	struct engine_live *l;
	struct bgp_attrs ba;
};

static void attrs_of(const struct bmp_attrs *a, struct bgp_attrs *ba, uint8_t **comm, size_t *cap);

static int refeed_route(const struct bmp_rib_entry *e, void *arg)
{
	struct refeed *rf = arg;
	struct engine_live *l = rf->l;
	const struct bmp_attrs *a = e->attrs;
	if (!alert_relevant(l->ae, &e->prefix, bmp_attrs_path(a), a->npath))
		return 0;
	attrs_of(a, &rf->ba, &l->comm, &l->comm_cap);
	struct mrt_route rt;
	memset(&rt, 0, sizeof(rt));
	rt.kind = MRT_ROUTE_ANNOUNCE;
	rt.prefix = e->prefix;
	rt.safi = 1;
	rt.attrs = &rf->ba;
	struct route_verdict v;
	check_route(l, &rt, &v);
	struct alert_route ar = {.router = e->router,
	    .view = e->view,
	    .peer = e->peer,
	    .prefix = &e->prefix,
	    .has_path_id = e->has_path_id,
	    .path_id = e->path_id,
	    .path = bmp_attrs_path(a),
	    .npath = a->npath,
	    .time = (int64_t)time(NULL)};
	alert_route(l->ae, &ar, &v);
	return 0;
}

int engine_live_reload(
    struct engine_live *l, struct watch *watch, const struct bmp_rib *rib, int64_t now)
{
	if (l->ae == NULL) {
		watch_free(watch);
		return -1;
	}
	alert_engine_reload(l->ae, watch, now);
	struct refeed rf = {.l = l};
	if (rib)
		bmp_rib_walk(rib, refeed_route, &rf);
	return 0;
}

int engine_live_filtering(const struct engine_live *l, FILE *jsonl, struct engine_filtering *out)
{
	return live_filter_report(l->filter, jsonl, out);
}

void engine_live_stats(const struct engine_live *l, struct engine_live_stats *st)
{
	*st = l->st;
	if (l->ae)
		alert_engine_stats(l->ae, &st->alerts);
}

void engine_live_each_open_alert(const struct engine_live *l, alert_event_fn fn, void *arg)
{
	if (l->ae)
		alert_engine_each_open(l->ae, fn, arg);
}

/* ---------------------------------------------------------------- live RTR */

struct reval_ctx {
	struct engine_live *l;
	int64_t now;
	struct bgp_attrs ba;
};

/* A route whose ROV state a new VRP table changed: counted, judged again. */
static void on_reval(const struct bmp_rib_entry *e, enum engine_reval_kind kind, int old_state,
    int new_state, void *arg)
{
	struct reval_ctx *c = arg;
	struct engine_live *l = c->l;
	if (kind != ENGINE_REVAL_ROV)
		return;
	if (new_state == ROV_INVALID)
		l->st.became_invalid++;
	else if (new_state == ROV_VALID)
		l->st.became_valid++;
	else
		l->st.became_other++;
	(void)old_state;
	const struct bmp_attrs *a = e->attrs;
	attrs_of(a, &c->ba, &l->comm, &l->comm_cap);
	struct mrt_route rt;
	memset(&rt, 0, sizeof(rt));
	rt.kind = MRT_ROUTE_ANNOUNCE;
	rt.ts = (uint32_t)c->now;
	rt.prefix = e->prefix;
	memcpy(rt.prefix_wire, e->prefix.addr, 16);
	rt.safi = 1;
	rt.has_path_id = e->has_path_id, rt.path_id = e->path_id;
	rt.attrs = &c->ba;
	/* the pre-policy view into the window's checks again, every view to the alerts */
	engine_live_route(l, e->router, e->view, e->peer, &rt);
}

void engine_live_set_vrps(struct engine_live *l, struct vrp_table *vrps, const struct bmp_rib *rib,
    int64_t now, struct engine_reval_stats *st)
{
	struct engine_reval_stats local;
	if (st == NULL)
		st = &local;
	memset(st, 0, sizeof(*st));
	const struct vrp_table *old = l->refs.vrps;
	struct vrp_table *old_owned = l->rtr_vrps;
	l->rtr_vrps = vrp_table_ref(vrps);
	l->refs.vrps = vrps;
	engine_set_vrps(l->e, vrps);
	if (l->ae)
		alert_engine_set_vrps(l->ae, vrps);
	if (old != NULL && rib != NULL) {
		struct reval_ctx c = {.l = l, .now = now};
		engine_revalidate(rib, old, vrps, NULL, NULL, on_reval, &c, st);
		l->st.rtr_updates++;
		if (st->seconds > l->st.reval_seconds_max)
			l->st.reval_seconds_max = st->seconds;
	}
	if (old_owned)
		vrp_table_release(old_owned);
}

#define RTR_WAIT_S 60

int engine_live_rtr_open(
    struct engine_live *l, const char *hostport, uint32_t *serial, size_t *nvrps)
{
	char *host, *port;
	const char *err;
	if (hostport_split(hostport, &host, &port, &err) != 0) {
		log_err("--rtr %s: %s", hostport, err);
		return -1;
	}
	l->rtr = rtr_client_start(host, port);
	free(host);
	free(port);
	if (l->rtr == NULL)
		return -1;
	if (rtr_client_wait_sync(l->rtr, RTR_WAIT_S * 1000) != 0) {
		log_err("--rtr %s: no complete VRP set from the RTR cache within %d s", hostport,
		    RTR_WAIT_S);
		return -1;
	}
	struct vrp_table *t = rtr_client_table_at(l->rtr, &l->rtr_update, serial);
	*nvrps = vrp_table_count(t);
	engine_live_set_vrps(l, t, NULL, (int64_t)time(NULL), NULL);
	vrp_table_release(t);
	return 0;
}

int engine_live_rtr_poll(struct engine_live *l, int64_t now, struct engine_reval_stats *st,
    uint32_t *serial, size_t *nvrps)
{
	uint32_t upd;
	struct vrp_table *t = l->rtr ? rtr_client_table_at(l->rtr, &upd, serial) : NULL;
	if (t == NULL)
		return 0;
	int taken = upd != l->rtr_update;
	if (taken) {
		l->rtr_update = upd;
		*nvrps = vrp_table_count(t);
		engine_live_set_vrps(l, t, l->rib, now, st);
	}
	vrp_table_release(t);
	return taken;
}

/* ---------------------------------------------------------------- snapshots */

struct router_views {
	const char *name;
	unsigned views; /* bit per enum bmp_view */
};

struct feed {
	struct router_views *rv;
	size_t n, cap;
	struct engine_live *l;
	uint32_t now;
	struct bgp_attrs ba;
};

static int note_view(const struct bmp_rib_entry *e, void *arg)
{
	struct feed *f = arg;
	if (f->n == 0 || strcmp(f->rv[f->n - 1].name, e->router) != 0) {
		XGROW(f->rv, f->cap, f->n + 1);
		f->rv[f->n].name = e->router, f->rv[f->n].views = 0;
		f->n++;
	}
	f->rv[f->n - 1].views |= 1u << e->view;
	return 0;
}

/* What the routers' neighbours sent, else what they selected, else what they accepted. */
static enum bmp_view best_view(unsigned views)
{
	if (views & (1u << BMP_VIEW_PRE))
		return BMP_VIEW_PRE;
	if (views & (1u << BMP_VIEW_LOC_RIB))
		return BMP_VIEW_LOC_RIB;
	return BMP_VIEW_POST;
}

/* An interned attribute set as the decoder's bgp_attrs (communities in *comm). */
static void attrs_of(const struct bmp_attrs *a, struct bgp_attrs *ba, uint8_t **comm, size_t *cap)
{
	size_t need = 4 * (size_t)a->ncomm + 12 * (size_t)a->nlarge;
	XGROW(*comm, *cap, need + 1);
	const uint32_t *w = bmp_attrs_path(a) + a->npath;
	for (uint32_t k = 0; k < a->ncomm + 3 * a->nlarge; k++)
		be32_put(*comm + 4 * k, w[k]);
	memset(ba, 0, sizeof(*ba));
	ba->present = a->present;
	ba->origin = a->origin;
	ba->aspath = bmp_attrs_path(a), ba->aspath_nwords = a->npath;
	if (a->nh_len == 4)
		memcpy(ba->nexthop, a->nexthop, 4);
	else if (a->nh_len == 16)
		ba->mp_nh_len = 16, memcpy(ba->mp_nexthop, a->nexthop, 16);
	ba->med = a->med, ba->local_pref = a->local_pref;
	ba->communities = *comm, ba->ncommunities = a->ncomm;
	ba->large_communities = *comm + 4 * a->ncomm, ba->nlarge = a->nlarge;
}

static int feed_route(const struct bmp_rib_entry *e, void *arg)
{
	struct feed *f = arg;
	size_t i = 0;
	while (i < f->n && strcmp(f->rv[i].name, e->router) != 0)
		i++;
	if (i == f->n || e->view != best_view(f->rv[i].views))
		return 0;
	attrs_of(e->attrs, &f->ba, &f->l->comm, &f->l->comm_cap);
	struct mrt_route rt;
	memset(&rt, 0, sizeof(rt));
	rt.kind = MRT_ROUTE_RIB;
	rt.ts = f->now;
	rt.peer.afi = e->peer->afi;
	memcpy(rt.peer.addr, e->peer->addr, 16);
	rt.peer.asn = e->peer->asn, rt.peer.bgp_id = e->peer->bgp_id;
	rt.prefix = e->prefix;
	memcpy(rt.prefix_wire, e->prefix.addr, 16);
	rt.safi = 1;
	rt.has_path_id = e->has_path_id, rt.path_id = e->path_id;
	rt.originated = f->now;
	rt.attrs = &f->ba;
	engine_route(f->l->e, &rt);
	return 0;
}

int engine_live_snapshot(
    struct engine_live *l, const struct bmp_rib *rib, const char *db, int64_t now, uint64_t *routes)
{
	struct feed f = {.l = l, .now = (uint32_t)now};
	bmp_rib_walk(rib, note_view, &f);
	engine_file_begin(l->e);
	uint64_t changes = engine_routes_fed(l->e);
	bmp_rib_walk(rib, feed_route, &f);
	free(f.rv);
	*routes = engine_routes_fed(l->e) - changes;
	uint64_t fed = engine_routes_fed(l->e);
	int rc = 1;
	struct store_results res;
	store_results_init(&res);
	struct observe_totals tot;
	if (fed > 0 && engine_score(l->e, &res, &tot) == 0) {
		struct engine_input in = {.kind = "bmp", .path = "routemark monitor"};
		static unsigned long long seq; /* two in one second are two snapshots */
		snprintf(
		    in.sha256, sizeof(in.sha256), "%032llx%032llx", (unsigned long long)now, ++seq);
		in.records = fed;
		in.data_time = now, in.date_from = "records";
		struct store_snapshot snap;
		memset(&snap, 0, sizeof(snap));
		engine_snapshot_key(&in, 1, NULL, &l->cfg, snap.key);
		char label[64];
		time_t t = (time_t)now;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(label, sizeof(label), "live %Y-%m-%d %H:%M:%S UTC", &tm);
		snap.label = label;
		rc = engine_store(l->e, &res, &tot, db, &in, 1, NULL, 0, &snap) == 0 ? 0 : -1;
		if (rc == 0)
			l->st.snapshots++;
	} else if (fed > 0) {
		rc = -1;
	}
	store_results_free(&res);
	/* the next window */
	engine_free(l->e);
	l->e = engine_new(l->rs, &l->cfg);
	engine_set_vrps(l->e, l->refs.vrps);
	engine_file_begin(l->e);
	l->window_start = now;
	return rc;
}
