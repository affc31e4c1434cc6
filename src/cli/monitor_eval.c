/*
 * routemark monitor --bus URL (no --collect-only, no input of its own): an evaluator. It takes
 * the route events collectors publish (monitor_bus.c) with a durable consumer and runs them
 * through the same live side as the station (monitor_live.c): the route state, the checks, the
 * window's snapshots, filtering, alerts and sinks. Each router's events arrive in order (one
 * subject or partition a router); an event is acknowledged once applied, so a restarted
 * evaluator goes on where it stopped. Times are the events' (the routers' or the records'),
 * so an archive replayed through the bus gives the alerts `--mrt` gives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus/bus.h"
#include "cli/monitor.h"

struct evaluator {
	struct monitor_live *ml;
	struct bmp_rib *rib;
	uint64_t events, downs, bad;
	uint64_t *per_router; /* events by router id (the route state's) */
	size_t cap_router;
	uint8_t *comm;
	size_t comm_cap;
	double last_event;  /* clock_mono */
	double first_event; /* clock_mono; 0 before the first */
};

static void peer_of(const struct bus_event *ev, struct bmp_peer *p)
{
	memset(p, 0, sizeof(*p));
	p->type = ev->peer_type, p->flags = ev->peer_flags;
	memcpy(p->rd, ev->peer_rd, 8);
	p->afi = ev->peer_afi;
	memcpy(p->addr, ev->peer_addr, 16);
	p->asn = ev->peer_as, p->bgp_id = ev->peer_bgp_id;
	p->ts_sec = (uint32_t)ev->time_sec, p->ts_usec = ev->time_usec;
}

static int on_event(void *arg, const struct bus_msg *m)
{
	struct evaluator *e = arg;
	struct bus_event ev;
	const char *err;
	size_t off;
	e->last_event = clock_mono();
	if (e->first_event == 0)
		e->first_event = e->last_event;
	if (bus_event_decode(m->data, m->len, &ev, &err, &off) != 0) {
		log_warn("bus: message %llu of %s: byte %zu: %s (skipped)",
		    (unsigned long long)m->position, m->key, off, err);
		e->bad++;
		return 0; /* acknowledged: it will not get better */
	}
	struct bmp_peer peer;
	peer_of(&ev, &peer);
	uint32_t router = bmp_rib_router(e->rib, ev.router);
	if (router >= e->cap_router) {
		size_t old = e->cap_router;
		XGROW(e->per_router, e->cap_router, (size_t)router + 1);
		memset(e->per_router + old, 0, (e->cap_router - old) * sizeof(*e->per_router));
	}
	e->per_router[router]++;
	if (ev.down) {
		/* the live side sees the routes before they go */
		monitor_live_down(e->ml, ev.router, ev.down == BUS_DOWN_PEER ? &peer : NULL);
		if (ev.down == BUS_DOWN_PEER)
			bmp_rib_peer_down(e->rib, router, &peer);
		else
			bmp_rib_router_flush(e->rib, router);
		e->downs++;
		bus_event_free(&ev);
		return 0;
	}
	struct bgp_attrs ba;
	memset(&ba, 0, sizeof(ba));
	struct mrt_route rt;
	memset(&rt, 0, sizeof(rt));
	rt.kind = ev.withdraw ? MRT_ROUTE_WITHDRAW : MRT_ROUTE_ANNOUNCE;
	rt.ts = (uint32_t)ev.time_sec, rt.usec = ev.time_usec;
	rt.peer.afi = peer.afi;
	memcpy(rt.peer.addr, peer.addr, 16);
	rt.peer.asn = peer.asn, rt.peer.bgp_id = peer.bgp_id;
	rt.prefix = ev.prefix;
	memcpy(rt.prefix_wire, ev.prefix.addr, 16);
	rt.safi = 1;
	rt.has_path_id = ev.has_path_id, rt.path_id = ev.path_id;
	if (!ev.withdraw) {
		size_t words = ev.ncomm + 3 * (size_t)ev.nlarge;
		XGROW(e->comm, e->comm_cap, 4 * words + 1);
		for (size_t i = 0; i < ev.ncomm; i++)
			be32_put(e->comm + 4 * i, ev.comm[i]);
		for (size_t i = 0; i < 3 * (size_t)ev.nlarge; i++)
			be32_put(e->comm + 4 * (ev.ncomm + i), ev.large[i]);
		ba.origin = ev.origin;
		ba.present |= 1ull << BGP_ATTR_ORIGIN | 1ull << BGP_ATTR_AS_PATH;
		ba.aspath = ev.path, ba.aspath_nwords = ev.npath;
		if (ev.nh_len == 4) {
			memcpy(ba.nexthop, ev.nexthop, 4);
			ba.present |= 1ull << BGP_ATTR_NEXT_HOP;
		} else if (ev.nh_len == 16) {
			ba.mp_nh_len = 16;
			memcpy(ba.mp_nexthop, ev.nexthop, 16);
		}
		if (ev.has_med)
			ba.med = ev.med, ba.present |= 1ull << BGP_ATTR_MED;
		if (ev.has_local_pref)
			ba.local_pref = ev.local_pref, ba.present |= 1ull << BGP_ATTR_LOCAL_PREF;
		ba.communities = e->comm, ba.ncommunities = ev.ncomm;
		ba.large_communities = e->comm + 4 * ev.ncomm, ba.nlarge = ev.nlarge;
		if (ev.ncomm)
			ba.present |= 1ull << BGP_ATTR_COMMUNITIES;
		if (ev.nlarge)
			ba.present |= 1ull << BGP_ATTR_LARGE_COMMUNITIES;
		rt.attrs = &ba;
	}
	monitor_live_route(e->ml, ev.router, (enum bmp_view)ev.view, &peer, &rt);
	bmp_rib_route(e->rib, router, &peer, &rt);
	e->events++;
	bus_event_free(&ev);
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The routers whose events this evaluator took, by name, with their counts (a shard's share). */
static void print_routers(const struct evaluator *e)
{
	const char **names = xreallocarray(NULL, e->cap_router + 1, sizeof(*names));
	size_t n = 0;
	for (size_t i = 0; i < e->cap_router; i++)
		if (e->per_router[i])
			names[n++] = bmp_rib_router_name(e->rib, (uint32_t)i);
	qsort(names, n, sizeof(*names), name_cmp);
	printf("bus: events of %zu router%s", n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++)
		printf("%s%s (%llu)", i ? ", " : ": ", names[i],
		    (unsigned long long)e->per_router[bmp_rib_router(e->rib, names[i])]);
	printf("\n");
	free(names);
}

int monitor_evaluate(const struct monitor_opts *mo, volatile sig_atomic_t *stop)
{
	struct bus *bus = bus_open(mo->bus);
	if (bus == NULL)
		return 1;
	struct bmp_rib *rib = bmp_rib_new();
	struct monitor_live ml;
	if (monitor_live_open(&ml, mo, rib, 0) != 0) {
		monitor_live_close(&ml);
		bmp_rib_free(rib);
		bus_close(bus);
		return 1;
	}
	struct evaluator e = {.ml = &ml, .rib = rib, .last_event = clock_mono()};
	const char *durable = mo->durable ? mo->durable : "routemark-evaluator";
	int rc = 0;
	unsigned nshards = mo->nshards ? mo->nshards : 1;
	if (bus_consume_shard(bus, durable, mo->shard, nshards, on_event, &e) != 0)
		rc = 1;
	if (nshards > 1)
		fprintf(stderr, "routemark: monitor: evaluating %s as %s, shard %u of %u\n",
		    mo->bus, durable, mo->shard, nshards);
	else
		fprintf(stderr, "routemark: monitor: evaluating %s as %s\n", mo->bus, durable);
	while (rc == 0 && !*stop) {
		if (bus_poll(bus, 250) < 0) {
			rc = 1;
			break;
		}
		if (mo->idle_timeout > 0 && clock_mono() - e.last_event >= mo->idle_timeout)
			break; /* nothing new for that long: the stream is drained */
	}
	double span = e.first_event ? e.last_event - e.first_event : 0;
	printf("bus: %llu route events applied (%llu peer or router ends), %llu malformed skipped; "
	       "%.3f s from the first to the last: %.0f events/s\n",
	    (unsigned long long)e.events, (unsigned long long)e.downs, (unsigned long long)e.bad,
	    span, span > 0 ? (double)(e.events + e.downs) / span : 0);
	print_routers(&e);
	if (monitor_live_summary(&ml) != 0 || monitor_live_snapshot(&ml) != 0)
		rc = 1;
	monitor_live_close(&ml);
	bmp_rib_free(rib);
	bus_close(bus);
	free(e.comm);
	free(e.per_router);
	return rc;
}
