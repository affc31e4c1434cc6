/* routemark monitor: the command (cmd_monitor.c) and its live side (monitor_live.c): the
 * reference data, watch file, live engine, alert sinks and store that every mode shares. */
#ifndef ROUTEMARK_CLI_MONITOR_H
#define ROUTEMARK_CLI_MONITOR_H

#include <signal.h>

#include "bmp/bmp.h"
#include "cli/refs.h"
#include "engine/engine.h"

struct monitor_opts {
	const char *file, *rib_out, *name, *listen, *db, *watch;
	const char **connect, **mrt, **sinks;
	size_t nconnect, nmrt, nsinks;
	const char *spool;         /* --spool DIR */
	const char *http;          /* --http ADDR:PORT */
	const char *filtering_out; /* --filtering-out FILE */
	const char *bus;           /* --bus URL */
	int collect_only;          /* --collect-only */
	const char *durable;       /* --durable NAME: the evaluator's consumer */
	unsigned shard, nshards;   /* --shard I/N (nshards 0: not given) */
	double duration, idle_timeout, speed, snapshot_every; /* the last in seconds */
	int strict, quiet;
	struct cli_refs refs;
};

/* The live side of a run. */
struct monitor_live {
	const struct monitor_opts *mo;
	struct bmp_rib *rib;
	struct engine_live *live;
	struct sink_set *sinks;
	struct store *events; /* --db: alert events */
	int wall_clock;       /* the station: now is the clock's, not the records' */
	int rtr;              /* the station with --rtr: the live engine keeps the session */
	uint64_t alerts_emitted, alert_errors;
	uint64_t judged_stored; /* pre-policy changes in the snapshots stored so far */
};

/* Load the reference data and watch file, open sinks and the store's event table. 0, or 1
 * (logged). */
int monitor_live_open(
    struct monitor_live *ml, const struct monitor_opts *mo, struct bmp_rib *rib, int wall_clock);
/* bmp_route_fn / bmp_down_fn for the station and the replay (arg: struct monitor_live). */
void monitor_live_route(void *arg, const char *router, enum bmp_view view,
    const struct bmp_peer *peer, const struct mrt_route *rt);
void monitor_live_down(void *arg, const char *router, const struct bmp_peer *peer);
void monitor_live_tick(struct monitor_live *ml);
/* SIGHUP: the watch file again. */
void monitor_live_reload(struct monitor_live *ml);
/* --db: a snapshot of the window now. 0, or 1 on a store error. */
int monitor_live_snapshot(struct monitor_live *ml);
/* The checks' and alerts' figures, the alerts open now, and the filtering seen from inside
 * (--filtering-out written). 0, or 1 when that file could not be written. */
int monitor_live_summary(const struct monitor_live *ml);
/* The Prometheus text exposition of everything the monitor counts (ss: the station's, or
 * NULL); malloc'ed. */
char *monitor_live_metrics(const struct monitor_live *ml, const struct bmp_station_stats *ss);

/* --collect-only --bus URL (monitor_bus.c): the station or the MRT replay publishing every
 * route change as a route event, until *stop (the station) or the files' end. 0, or 1. */
int monitor_collect(const struct monitor_opts *mo, volatile sig_atomic_t *stop);
/* --bus URL alone: evaluate the route events collectors publish (monitor_eval.c). */
int monitor_evaluate(const struct monitor_opts *mo, volatile sig_atomic_t *stop);

/* Flush the sinks (a few seconds at most), close everything. */
void monitor_live_close(struct monitor_live *ml);

#endif
