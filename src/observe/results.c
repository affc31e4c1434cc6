/*
 * Writing a snapshot's routing table and findings (what the route stream accumulated) into
 * the store; the scores, incidents and global figures come computed (observe_score) and the
 * store persists them as they are (store_put_results).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "irr/irr.h"
#include "observe_private.h"
#include "rpki/rpki.h"
#include "store/store.h"

static const char *rov_str(const struct rt_ent *e)
{
	return e->rov_checked ? rov_state_name(e->rov) : NULL;
}

static int put_route(struct store *s, enum store_routes_by by, const struct rt_ent *e)
{
	struct store_route r = {
	    .prefix = NULL, /* the store takes .pfx */
	    .pfx = &e->p,
	    .origin = e->origin,
	    .peers = e->peers.n,
	    .rpki = rov_str(e),
	    .rpki_reason = e->rov_checked && e->rov_reason ? rov_reason_name(e->rov_reason) : NULL,
	    .irr = e->irr_checked ? irr_verdict_name(e->irr) : NULL,
	    .bogon = e->bogon ? bogon_kind_name(e->bogon) : NULL,
	    .first_seen = e->first_seen,
	    .last_seen = e->last_seen,
	};
	return store_stream_route(s, by, &r);
}

/* One pass of the routes into the store (which compresses them as they come: no copy of the
 * table is made; it was 40 bytes a route, 40 MB for a full table, at the peak of the store's
 * memory): by prefix, the order observe_score put them in; by origin AS, an AS's in prefix
 * order (a stable radix sort of their positions). */
struct route_pass {
	const struct observe *o;
	struct store *s;
	enum store_routes_by by;
	int rc;
	pthread_t thread;
};

#define ROUTE_AHEAD 8

static void *route_pass_run(void *arg)
{
	struct route_pass *p = arg;
	const struct observe *o = p->o;
	size_t n = o->routes.n;
	p->rc = 0;
	/* the entries are reached through pointers: the one ROUTE_AHEAD on is fetched while
	 * one is put (a third of a pass was waiting for them, the pass by origin most) */
	if (p->by == STORE_BY_PREFIX) {
		for (size_t i = 0; i < n && p->rc == 0; i++) {
			if (i + ROUTE_AHEAD < n)
				__builtin_prefetch(o->order[i + ROUTE_AHEAD]);
			p->rc = put_route(p->s, p->by, o->order[i]);
		}
	} else {
		uint64_t *by = xreallocarray(NULL, n ? n : 1, sizeof(*by));
		for (size_t i = 0; i < n; i++)
			by[i] = (uint64_t)o->order[i]->origin << 32 | i;
		u64_radix_sort(by, n, 32, 64);
		for (size_t i = 0; i < n && p->rc == 0; i++) {
			if (i + ROUTE_AHEAD < n)
				__builtin_prefetch(o->order[(uint32_t)by[i + ROUTE_AHEAD]]);
			p->rc = put_route(p->s, p->by, o->order[(uint32_t)by[i]]);
		}
		free(by);
	}
	if (p->rc == 0)
		p->rc = store_stream_end(p->s, p->by);
	return NULL;
}

/* Both passes, the one by origin on a thread of its own (the store keeps them apart). */
static int write_routes(const struct observe *o, struct store *s)
{
	if (o->routes.n > UINT32_MAX) {
		log_err("%zu routes: more than a snapshot can hold", o->routes.n);
		return -1;
	}
	if (store_routes_stream(s) != 0)
		return -1;
	struct route_pass prefix = {.o = o, .s = s, .by = STORE_BY_PREFIX},
	                  origin = {.o = o, .s = s, .by = STORE_BY_ORIGIN};
	int threaded = pthread_create(&origin.thread, NULL, route_pass_run, &origin) == 0;
	route_pass_run(&prefix);
	if (threaded)
		pthread_join(origin.thread, NULL);
	else
		route_pass_run(&origin);
	return prefix.rc != 0 || origin.rc != 0 ? -1 : 0;
}

void observe_each_route(const struct observe *o, store_route_fn fn, void *arg)
{
	for (size_t i = 0; o->order && i < o->routes.n; i++) {
		const struct rt_ent *e = o->order[i];
		struct store_route_brief b = {.prefix = e->p, .origin = e->origin};
		if (e->rov_checked)
			b.rpki = e->rov == ROV_VALID     ? STORE_RPKI_VALID
			         : e->rov == ROV_INVALID ? STORE_RPKI_INVALID
			                                 : STORE_RPKI_NOTFOUND;
		if (e->irr_checked) /* the store's codes: 1 exact .. 4 absent */
			b.irr = (uint8_t)(e->irr + 1);
		fn(&b, arg);
	}
}

/* write_routes on a thread of its own (and one more for its pass by origin; no SQLite: the
 * store compresses the routes into blocks and writes them at commit). */
struct route_job {
	const struct observe *o;
	struct store *s;
	int rc;
	pthread_t thread;
};

static void *route_job_run(void *arg)
{
	struct route_job *j = arg;
	j->rc = write_routes(j->o, j->s);
	if (j->rc == 0)
		j->rc = store_routes_done(j->s);
	return NULL;
}

/* The findings, a chunk at a time (the store takes arrays of rows; their prefix and peer
 * strings live in the chunk), by AS: the store's index of them leads with the AS, and
 * inserted in its order it grows at its end instead of at random pages (126,461 findings of
 * the 2024-01-01 bundle, found in prefix order). An AS's keep the order they were found in.
 * The table itself is not reordered: scoring reads it meanwhile. */
#define FINDINGS_CHUNK 64

static int write_findings(const struct observe *o, struct store *s)
{
	struct store_finding f[FINDINGS_CHUNK];
	char pfx[FINDINGS_CHUNK][PREFIX_STRLEN], peer[FINDINGS_CHUNK][64];
	if (o->finds.n > UINT32_MAX) {
		log_err("%zu findings: more than a snapshot can hold", o->finds.n);
		return -1;
	}
	uint64_t *order = xreallocarray(NULL, o->finds.n ? o->finds.n : 1, sizeof(*order));
	for (size_t i = 0; i < o->finds.n; i++)
		order[i] =
		    (uint64_t)((const struct fd_ent *)OTABLE_AT(&o->finds, i))->k.asn << 32 | i;
	u64_radix_sort(order, o->finds.n, 32, 64);
	int rc = 0;
	for (size_t i = 0; i < o->finds.n && rc == 0; i += FINDINGS_CHUNK) {
		size_t n = o->finds.n - i < FINDINGS_CHUNK ? o->finds.n - i : FINDINGS_CHUNK;
		for (size_t j = 0; j < n; j++) {
			const struct fd_ent *e = OTABLE_AT(&o->finds, (uint32_t)order[i + j]);
			prefix_addr_format(e->peer_afi ? e->peer_afi : AFI_IPV4, e->peer_addr,
			    peer[j], sizeof(peer[j]));
			f[j] = (struct store_finding){
			    .asn = e->k.asn,
			    .metric = metric_defs[e->k.metric].name,
			    .culprit = e->culprit,
			    .prefix = prefix_format(&e->k.p, pfx[j], sizeof(pfx[j])),
			    .origin = e->k.origin,
			    .path = e->path,
			    .peer_ip = peer[j],
			    .peer_asn = e->peer_asn,
			    .peers = e->peers.n,
			    .first_seen = e->first_seen,
			    .last_seen = e->last_seen,
			    .detail = e->detail,
			    .evidence = e->evidence,
			    .rib_first = e->rib_first,
			    .rib_last = e->rib_last,
			    .upd_first = e->upd_first,
			    .upd_last = e->upd_last,
			};
		}
		rc = store_put_findings(s, f, n);
	}
	free(order);
	return rc;
}

int observe_write_findings(struct observe *o, struct store *s)
{
	double w0 = clock_mono(), c0 = clock_thread_cpu();
	int rc = write_findings(o, s);
	log_debug(
	    "findings written: %.2f s (%.2f s CPU)", clock_mono() - w0, clock_thread_cpu() - c0);
	o->finds_written = rc == 0;
	return rc;
}

int observe_write(const struct observe *o, const struct store_results *res, struct store *s)
{
	if (o->order == NULL && o->routes.n) {
		log_err("observe_write: the snapshot was not scored");
		return -1;
	}
	double w0 = clock_mono(), c0 = clock_thread_cpu();
	struct route_job rj = {.o = o, .s = s};
	int threaded = pthread_create(&rj.thread, NULL, route_job_run, &rj) == 0;
	if (!threaded)
		route_job_run(&rj);
	int rc = o->finds_written ? 0 : write_findings(o, s);
	log_debug(
	    "findings written: +%.2f s (%.2f s CPU)", clock_mono() - w0, clock_thread_cpu() - c0);
	if (rc == 0)
		rc = store_put_results(s, res);
	log_debug(
	    "results written: +%.2f s (%.2f s CPU)", clock_mono() - w0, clock_thread_cpu() - c0);
	if (threaded)
		pthread_join(rj.thread, NULL);
	return rc == 0 ? rj.rc : rc;
}

void observe_period(const struct observe *o, uint32_t *first, uint32_t *last)
{
	*first = o->first_ts;
	*last = o->last_ts;
}
