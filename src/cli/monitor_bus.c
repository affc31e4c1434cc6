/*
 * routemark monitor --collect-only --bus URL: the station or the MRT replay as a collector.
 * Every route change becomes a route event (src/bus, docs/scaling.md) published with the
 * router as its key, so each router's changes stay in order on one subject or partition, and
 * so does every end of a peer's or router's session (its routes are gone); no
 * reference data, checks or alerts here (evaluators consume the bus).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus/bus.h"
#include "cli/monitor.h"

#define FLUSH_TIMEOUT_MS 60000

struct router_seq {
	char *name;
	uint64_t count;
};

struct collector {
	struct bus *bus;
	uint64_t epoch; /* the start time, the high 32 bits of every sequence number */
	struct router_seq *routers;
	size_t nrouters, cap;
	uint8_t *buf;
	size_t bufcap;
	uint64_t events, downs, unencodable, errors;
	double first, last; /* clock_mono of the first and last event published */
};

static uint64_t next_seq(struct collector *c, const char *router)
{
	for (size_t i = 0; i < c->nrouters; i++) /* a station has a few dozen routers */
		if (strcmp(c->routers[i].name, router) == 0)
			return c->epoch + ++c->routers[i].count;
	XGROW(c->routers, c->cap, c->nrouters + 1);
	c->routers[c->nrouters].name = xstrdup(router);
	c->routers[c->nrouters].count = 1;
	c->nrouters++;
	return c->epoch + 1;
}

/* The words of communities (4 bytes each) or large communities (12), from wire order. */
static uint32_t *wire_words(const uint8_t *p, size_t nwords)
{
	uint32_t *w = xcalloc(nwords ? nwords : 1, sizeof(*w));
	for (size_t i = 0; i < nwords; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	return w;
}

static void publish(struct collector *c, const struct bus_event *ev)
{
	ssize_t n = bus_event_encode(ev, &c->buf, &c->bufcap);
	if (n < 0) {
		c->unencodable++;
		return;
	}
	if (bus_publish(c->bus, ev->router, c->buf, (size_t)n, ev->seq) != 0) {
		c->errors++;
		return;
	}
	c->last = clock_mono();
	if (c->events++ == 0)
		c->first = c->last;
	if (ev->down)
		c->downs++;
}

static void on_route(void *arg, const char *router, enum bmp_view view, const struct bmp_peer *peer,
    const struct mrt_route *rt)
{
	struct collector *c = arg;
	struct bus_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.router = router;
	ev.seq = next_seq(c, router);
	ev.time_sec = rt->ts ? rt->ts : peer->ts_sec ? peer->ts_sec : (int64_t)time(NULL);
	ev.time_usec = rt->ts ? rt->usec : peer->ts_usec;
	if (ev.time_usec >= 1000000)
		ev.time_usec = 0;
	ev.view = (uint8_t)view;
	ev.peer_type = peer->type, ev.peer_flags = peer->flags;
	memcpy(ev.peer_rd, peer->rd, 8);
	ev.peer_afi = peer->afi == AFI_IPV6 ? AFI_IPV6 : AFI_IPV4;
	memcpy(ev.peer_addr, peer->addr, 16);
	ev.peer_as = peer->asn, ev.peer_bgp_id = peer->bgp_id;
	ev.prefix = rt->prefix;
	ev.has_path_id = rt->has_path_id, ev.path_id = rt->path_id;
	ev.withdraw = rt->kind == MRT_ROUTE_WITHDRAW || rt->attrs == NULL;
	uint32_t *comm = NULL, *large = NULL;
	const struct bgp_attrs *a = rt->attrs;
	if (!ev.withdraw) {
		ev.origin = a->origin <= 2 ? a->origin : BGP_ORIGIN_INCOMPLETE;
		if (a->mp_nh_len == 4 || a->mp_nh_len == 16 || a->mp_nh_len == 32) {
			ev.nh_len = a->mp_nh_len == 4 ? 4 : 16;
			memcpy(ev.nexthop, a->mp_nexthop, ev.nh_len);
		} else if (bgp_attrs_has(a, BGP_ATTR_NEXT_HOP)) {
			ev.nh_len = 4;
			memcpy(ev.nexthop, a->nexthop, 4);
		}
		ev.has_med = bgp_attrs_has(a, BGP_ATTR_MED), ev.med = a->med;
		ev.has_local_pref = bgp_attrs_has(a, BGP_ATTR_LOCAL_PREF);
		ev.local_pref = a->local_pref;
		ev.path = a->aspath, ev.npath = a->aspath_nwords;
		comm = wire_words(a->communities, a->ncommunities);
		large = wire_words(a->large_communities, (size_t)a->nlarge * 3);
		ev.comm = comm, ev.ncomm = a->ncommunities;
		ev.large = large, ev.nlarge = a->nlarge;
	}
	publish(c, &ev);
	free(comm);
	free(large);
}

/* A peer's session ended (peer set) or the router's: its routes are gone. */
static void on_down(void *arg, const char *router, const struct bmp_peer *peer)
{
	struct collector *c = arg;
	struct bus_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.router = router;
	ev.seq = next_seq(c, router);
	ev.time_sec = (int64_t)time(NULL);
	ev.peer_afi = AFI_IPV4;
	ev.down = peer ? BUS_DOWN_PEER : BUS_DOWN_ROUTER;
	if (peer) {
		ev.peer_type = peer->type, ev.peer_flags = peer->flags;
		memcpy(ev.peer_rd, peer->rd, 8);
		ev.peer_afi = peer->afi == AFI_IPV6 ? AFI_IPV6 : AFI_IPV4;
		memcpy(ev.peer_addr, peer->addr, 16);
		ev.peer_as = peer->asn, ev.peer_bgp_id = peer->bgp_id;
		ev.view = (uint8_t)bmp_peer_view(peer);
	}
	publish(c, &ev);
}

static int collect_station(const struct monitor_opts *mo, struct collector *c, struct bmp_rib *rib,
    volatile sig_atomic_t *stop)
{
	struct bmp_station_opts so = {.listen = mo->listen,
	    .connect = mo->connect,
	    .nconnect = mo->nconnect,
	    .idle_timeout = mo->idle_timeout,
	    .quiet = mo->quiet,
	    .on_route = on_route,
	    .on_down = on_down,
	    .arg = c};
	struct bmp_station *st = bmp_station_new(&so, rib);
	if (st == NULL)
		return 1;
	if (mo->listen)
		fprintf(stderr, "routemark: monitor: collecting; listening on %s (port %u)\n",
		    mo->listen, bmp_station_port(st));
	int rc = 0;
	while (!*stop)
		if (bmp_station_poll(st, 250) != 0) {
			rc = 1;
			break;
		}
	bmp_station_drain(st, 2);
	struct bmp_station_stats ss;
	bmp_station_stats(st, &ss);
	printf("station: %llu sessions, %llu messages, %llu malformed\n",
	    (unsigned long long)(ss.accepted + ss.connected), (unsigned long long)ss.messages,
	    (unsigned long long)ss.malformed);
	bmp_station_free(st);
	return rc;
}

int monitor_collect(const struct monitor_opts *mo, volatile sig_atomic_t *stop)
{
	struct collector c;
	memset(&c, 0, sizeof(c));
	c.epoch = (uint64_t)time(NULL) << 32;
	if ((c.bus = bus_open(mo->bus)) == NULL)
		return 1;
	struct bmp_rib *rib = bmp_rib_new();
	double t0 = clock_mono();
	int rc;
	if (mo->nmrt) {
		struct bmp_replay_opts ro = {.files = mo->mrt,
		    .nfiles = mo->nmrt,
		    .router_name = mo->name,
		    .speed = mo->speed,
		    .quiet = mo->quiet,
		    .stop = stop,
		    .on_route = on_route,
		    .on_down = on_down,
		    .arg = &c};
		struct bmp_replay_stats rs;
		rc = bmp_replay(rib, &ro, &rs) != 0;
	} else {
		rc = collect_station(mo, &c, rib, stop);
	}
	double t_read = clock_mono() - t0;
	if (bus_flush(c.bus, FLUSH_TIMEOUT_MS) != 0)
		rc = 1;
	double secs = clock_mono() - t0;
	/* the busy time: from the first event to the last one published, at most 8,192 of them
	 * unacknowledged at any time (a station waits for routers, and for the signal, the rest
	 * of the time) */
	double busy = c.last - c.first;
	struct bus_stats bs;
	bus_stats(c.bus, &bs);
	printf("bus: %llu route events (%llu peer or router ends) of %zu routers published to %s, "
	       "%llu acknowledged, %llu "
	       "sent again, %llu failed, %llu not publishable; in %.3f s (%.3f s reading), "
	       "%.3f s from the first event published to the last: %.0f events/s\n",
	    (unsigned long long)c.events, (unsigned long long)c.downs, c.nrouters, mo->bus,
	    (unsigned long long)bs.acked, (unsigned long long)bs.retried,
	    (unsigned long long)(bs.failed + c.errors), (unsigned long long)c.unencodable, secs,
	    t_read, busy, busy > 0 ? (double)c.events / busy : 0.0);
	if (c.errors || bs.failed)
		rc = 1;
	bus_close(c.bus);
	bmp_rib_free(rib);
	for (size_t i = 0; i < c.nrouters; i++)
		free(c.routers[i].name);
	free(c.routers);
	free(c.buf);
	return rc;
}
