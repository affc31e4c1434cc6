/*
 * The live door: a BMP route state (src/bmp) through the engine. A snapshot is what the routers
 * hold at one moment: every route of each router's best view (Loc-RIB, else post-policy, else
 * pre-policy: what the router selected is closest to what an MRT RIB dump records) is fed as
 * a RIB entry, then scored and stored. No reference data is loaded yet (its metrics are "no
 * data"); the key is the moment and a sequence number, so each snapshot is its own.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bmp/bmp.h"
#include "engine/engine.h"
#include "observe/observe.h"
#include "store/store.h"

struct router_views {
	const char *name;
	unsigned views; /* bit per enum bmp_view */
};

struct feed {
	struct router_views *rv;
	size_t n, cap;
	struct engine *e;
	uint32_t now;
	uint8_t *comm;
	size_t comm_cap;
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

static enum bmp_view best_view(unsigned views)
{
	if (views & (1u << BMP_VIEW_LOC_RIB))
		return BMP_VIEW_LOC_RIB;
	if (views & (1u << BMP_VIEW_POST))
		return BMP_VIEW_POST;
	return BMP_VIEW_PRE;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int feed_route(const struct bmp_rib_entry *e, void *arg)
{
	struct feed *f = arg;
	size_t i = 0;
	while (i < f->n && strcmp(f->rv[i].name, e->router) != 0)
		i++;
	if (i == f->n || e->view != best_view(f->rv[i].views))
		return 0;
	const struct bmp_attrs *a = e->attrs;
	size_t need = 4 * (size_t)a->ncomm + 12 * (size_t)a->nlarge;
	XGROW(f->comm, f->comm_cap, need + 1);
	const uint32_t *w = bmp_attrs_path(a) + a->npath;
	for (uint32_t k = 0; k < a->ncomm + 3 * a->nlarge; k++)
		put_be32(f->comm + 4 * k, w[k]);

	struct bgp_attrs ba;
	memset(&ba, 0, sizeof(ba));
	ba.present = a->present;
	ba.origin = a->origin;
	ba.aspath = bmp_attrs_path(a), ba.aspath_nwords = a->npath;
	if (a->nh_len == 4)
		memcpy(ba.nexthop, a->nexthop, 4);
	else if (a->nh_len == 16)
		ba.mp_nh_len = 16, memcpy(ba.mp_nexthop, a->nexthop, 16);
	ba.med = a->med, ba.local_pref = a->local_pref;
	ba.communities = f->comm, ba.ncommunities = a->ncomm;
	ba.large_communities = f->comm + 4 * a->ncomm, ba.nlarge = a->nlarge;

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
	rt.attrs = &ba;
	engine_route(f->e, &rt);
	return 0;
}

int engine_snapshot_bmp(const struct bmp_rib *rib, const char *db, uint64_t *routes)
{
	*routes = 0;
	struct refs_spec spec;
	memset(&spec, 0, sizeof(spec));
	struct refset *rs = NULL;
	if (refset_open(&spec, 0, &rs) != 0)
		return -1;
	struct observe_config cfg;
	observe_config_default(&cfg);
	struct feed f = {.now = (uint32_t)time(NULL)};
	f.e = engine_new(rs, &cfg);
	bmp_rib_walk(rib, note_view, &f);
	engine_file_begin(f.e);
	bmp_rib_walk(rib, feed_route, &f);
	*routes = engine_routes_fed(f.e);
	int rc = 1;
	struct store_results res;
	store_results_init(&res);
	struct observe_totals tot;
	if (*routes > 0 && engine_score(f.e, &res, &tot) == 0) {
		struct engine_input in = {.kind = "bmp", .path = "routemark monitor"};
		static unsigned long long seq; /* two in one second are two snapshots */
		snprintf(in.sha256, sizeof(in.sha256), "%032llx%032llx", (unsigned long long)f.now,
		    ++seq);
		struct store_snapshot snap;
		memset(&snap, 0, sizeof(snap));
		engine_snapshot_key(&in, 1, NULL, &cfg, snap.key);
		char label[64];
		time_t t = (time_t)f.now;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(label, sizeof(label), "live %Y-%m-%d %H:%M:%S UTC", &tm);
		snap.label = label;
		rc = engine_store(f.e, &res, &tot, db, &in, 1, NULL, 0, &snap) == 0 ? 0 : -1;
	} else if (*routes > 0) {
		rc = -1;
	}
	store_results_free(&res);
	engine_free(f.e);
	refset_close(rs);
	free(f.rv);
	free(f.comm);
	return rc;
}
