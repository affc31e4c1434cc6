/*
 * MRT replay into the route state: the files' routes merged by record time, one pseudo-router,
 * each MRT peer a pre-policy BMP peer. A collector applies no import policy, so what it
 * recorded is the peer's Adj-RIB-In before policy.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bmp/bmp.h"

struct src {
	struct mrt_reader *r;
	struct mrt_route rt; /* the next route (valid until the reader's next call) */
	int have;
};

/* Advance a source; -1 on an unrecoverable read error. */
static int src_next(struct src *s)
{
	int r = mrt_reader_next_route(s->r, &s->rt);
	s->have = r == 1;
	if (r < 0)
		log_warn("%s: read error; replay stopped", mrt_reader_label(s->r));
	return r < 0 ? -1 : 0;
}

static void to_bmp_peer(const struct mrt_route *rt, struct bmp_peer *p)
{
	memset(p, 0, sizeof(*p));
	p->type = BMP_PEER_GLOBAL;
	p->afi = rt->peer.afi;
	if (rt->peer.afi == AFI_IPV6)
		p->flags = BMP_FLAG_V;
	memcpy(p->addr, rt->peer.addr, 16);
	p->asn = rt->peer.asn;
	p->bgp_id = rt->peer.bgp_id;
	p->ts_sec = rt->ts, p->ts_usec = rt->usec;
}

/* Sleep until the replay clock reaches ts (speed x real time), or *stop. */
static void pace(
    const struct bmp_replay_opts *o, double wall0, uint32_t ts0, uint32_t ts, uint32_t usec)
{
	double due = wall0 + ((double)(ts - ts0) + usec / 1e6) / o->speed;
	for (;;) {
		double left = due - clock_mono();
		if (left <= 0 || (o->stop && *o->stop))
			return;
		if (left > 0.1)
			left = 0.1;
		struct timespec t = {0, (long)(left * 1e9)};
		nanosleep(&t, NULL);
	}
}

int bmp_replay(struct bmp_rib *rib, const struct bmp_replay_opts *o, struct bmp_replay_stats *st)
{
	memset(st, 0, sizeof(*st));
	struct src *s = xcalloc(o->nfiles + 1, sizeof(*s));
	int rc = 0;
	for (size_t i = 0; i < o->nfiles && rc == 0; i++) {
		struct mrt_options mo = {.quiet = o->quiet};
		s[i].r = mrt_reader_open(o->files[i], &mo);
		if (s[i].r == NULL || src_next(&s[i]) != 0)
			rc = -1;
	}
	const char *name = o->router_name ? o->router_name : "mrt";
	uint32_t router = bmp_rib_router(rib, name);
	double wall0 = clock_mono();
	int started = 0;
	uint32_t ts0 = 0;
	while (rc == 0) {
		if (o->stop && *o->stop) {
			st->stopped = 1;
			break;
		}
		/* the earliest pending route; ties go to the earlier file */
		struct src *best = NULL;
		for (size_t i = 0; i < o->nfiles; i++)
			if (s[i].have &&
			    (best == NULL || s[i].rt.ts < best->rt.ts ||
			        (s[i].rt.ts == best->rt.ts && s[i].rt.usec < best->rt.usec)))
				best = &s[i];
		if (best == NULL)
			break;
		struct mrt_route rt = best->rt;
		if (!started) {
			started = 1;
			ts0 = st->first_ts = rt.ts;
		}
		if (rt.ts > st->last_ts)
			st->last_ts = rt.ts;
		if (o->speed > 0 && rt.ts >= ts0)
			pace(o, wall0, ts0, rt.ts, rt.usec);
		struct bmp_peer peer;
		to_bmp_peer(&rt, &peer);
		switch (rt.kind) {
		case MRT_ROUTE_RIB:
			rt.kind = MRT_ROUTE_ANNOUNCE;
			st->rib_entries++;
			/* fall through */
		case MRT_ROUTE_ANNOUNCE:
		case MRT_ROUTE_WITHDRAW:
			if (rt.kind == MRT_ROUTE_ANNOUNCE && best->rt.kind != MRT_ROUTE_RIB)
				st->announces++;
			else if (rt.kind == MRT_ROUTE_WITHDRAW)
				st->withdraws++;
			bmp_rib_route(rib, router, &peer, &rt);
			st->routes++;
			if (o->on_route)
				o->on_route(o->arg, name, BMP_VIEW_PRE, &peer, &rt);
			break;
		case MRT_ROUTE_STATE:
			if (rt.old_state == 6 && rt.new_state != 6) { /* left Established */
				if (o->on_down)
					o->on_down(o->arg, name, &peer);
				bmp_rib_peer_down(rib, router, &peer);
				st->peer_downs++;
			}
			break;
		}
		if (src_next(best) != 0)
			rc = -1;
	}
	for (size_t i = 0; i < o->nfiles; i++) {
		if (s[i].r == NULL)
			continue;
		const struct mrt_stats *ms = mrt_reader_stats(s[i].r);
		for (int k = 0; k < MRT_BAD_KINDS; k++)
			st->malformed += ms->malformed[k];
		mrt_reader_close(s[i].r);
	}
	free(s);
	return rc;
}
