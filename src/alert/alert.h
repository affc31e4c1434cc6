/*
 * alert — what the live monitor tells its operator: a watch file (YAML, BGPalerter's prefixes
 * file with routemark's additions) and alerts with a life: opened, updated as more peers see
 * the condition, resolved when no peer has shown it for the hold-down time (withdrawn,
 * corrected, or a new ROA made the route valid).
 *
 * The alert engine is fed route changes of any view (the monitor's BMP routers, a replayed
 * archive) with the checks' verdict on each (observe's route_check_*), and peer and router
 * ends. It keeps only what concerns the watch file: routes of watched prefixes (and their
 * more specifics) and routes whose path holds a watched AS. Time is what the caller says
 * (record time when replaying), so replays give the same alerts as the live feed did.
 *
 * Alert kinds (docs/alerts.md):
 *	origin-hijack      a watched prefix announced by an origin the watch file does not expect
 *	more-specific      a more specific of a watched prefix, from an unexpected origin
 *	rpki-invalid       a route of a watched prefix or origin AS that is RPKI invalid
 *	route-leak         a route leak (valley, or RFC 9234 OTC) by or through a watched AS, or of
 *	                   a watched prefix
 *	bogon-asn          a bogon ASN in the path of a watched prefix or through a watched AS
 *	new-upstream       a watched origin AS reached through a neighbour its ASPA (or the watch
 *	                   file's upstreams) does not list
 *	visibility-loss    a watched prefix no longer seen by the given share of the peers that
 *	                   had it ("visible again" resolves it)
 */
#ifndef ROUTEMARK_ALERT_H
#define ROUTEMARK_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "bmp/bmp.h"
#include "core/core.h"
#include "observe/observe.h"

/* ---------------------------------------------------------------- the watch file (watch.c) */

struct watch_prefix {
	struct prefix prefix;
	const char *description, *group;
	uint32_t *origins; /* the expected origins ("asn"); none: any origin is fine */
	size_t norigins;
	uint32_t *upstreams; /* the expected neighbours of the origin; none: not checked */
	size_t nupstreams;
	int ignore_more_specifics; /* BGPalerter's ignoreMorespecifics */
	int ignore;                /* watched for nothing (its more specifics neither) */
};

struct watch_asn {
	uint32_t asn;
	const char *description, *group;
	uint32_t *upstreams; /* the expected upstreams (else its ASPA, when one is loaded) */
	size_t nupstreams;
};

struct watch {
	char *path;
	struct watch_prefix *prefixes; /* in file order */
	size_t nprefixes;
	struct watch_asn *asns; /* sorted by AS number */
	size_t nasns;
	uint32_t *ignore_asns; /* never alerted on (sorted) */
	size_t nignore_asns;
	double visibility_percent;     /* share of peers lost that alerts; default 50 */
	unsigned visibility_min_peers; /* peers that had it before loss counts; default 3 */
	double hold_down;              /* seconds a condition must be gone before resolving; 60 */
	double update_interval;        /* at most one "updated" an alert in this many seconds; 60 */
	unsigned disabled;             /* bit per enum alert_kind: options.disable */
	struct trie trie;              /* prefix -> struct watch_prefix * */
	struct arena arena;            /* the strings */
};

/* Load a watch file: BGPalerter's prefixes.yml (prefix keys with asn, description,
 * ignoreMorespecifics, ignore, group; options.monitorASns) plus upstreams and routemark's
 * options (docs/alerts.md). NULL on an error, logged with the file, line and column. */
struct watch *watch_load(const char *path);
/* The same from text in memory; name is used in messages. */
struct watch *watch_load_mem(const char *text, size_t len, const char *name);
void watch_free(struct watch *w);
/* The watched entry of an AS, or NULL. */
const struct watch_asn *watch_asn_find(const struct watch *w, uint32_t asn);
int watch_asn_ignored(const struct watch *w, uint32_t asn);

/* ---------------------------------------------------------------- alerts (alert.c) */

enum alert_kind {
	ALERT_ORIGIN_HIJACK = 0,
	ALERT_MORE_SPECIFIC,
	ALERT_RPKI_INVALID,
	ALERT_ROUTE_LEAK,
	ALERT_BOGON_ASN,
	ALERT_NEW_UPSTREAM,
	ALERT_VISIBILITY_LOSS,
	ALERT_KINDS
};
const char *alert_kind_name(enum alert_kind k); /* "origin-hijack", ... */

enum alert_state { ALERT_OPENED = 0, ALERT_UPDATED, ALERT_RESOLVED };
const char *alert_state_name(enum alert_state s);

/* One event of an alert's life, as the sinks and the store take it. Valid during the call. */
struct alert_event {
	uint64_t seq;   /* 1, 2, ... over the engine's life */
	const char *id; /* the alert's stable id: "origin-hijack/192.0.2.0/24/AS64666" */
	enum alert_kind kind;
	enum alert_state state;
	int64_t time;
	struct prefix prefix; /* len 0 and afi 0 when none (new-upstream) */
	int has_prefix;
	uint32_t asn;      /* the AS it is about: the offending origin, leaker, bogon or upstream */
	int severity;      /* RFC 5424: 2 critical, 3 error, 4 warning, 5 notice */
	const char *title; /* one line */
	const char *text;  /* the plain-words paragraph */
	const char *json;  /* the whole event, one JSON object with "text" and "evidence" */
	size_t peers, accepted; /* peers showing it now; of them in post-policy / Loc-RIB views */
};

typedef void (*alert_event_fn)(void *arg, const struct alert_event *ev);

/* A route change as the alert engine sees it. */
struct alert_route {
	const char *router;
	enum bmp_view view;
	const struct bmp_peer *peer;
	const struct prefix *prefix;
	int has_path_id;
	uint32_t path_id;
	int withdraw;         /* with path set: replaced by a route that concerns nothing watched */
	const uint32_t *path; /* AS path words (core flat format); announcements */
	uint32_t npath;
	int64_t time;
};

struct alert_stats {
	uint64_t routes_seen, routes_relevant; /* changes fed; of them kept */
	uint64_t opened, updated, resolved;
	size_t open_now, tracked_routes;
	uint64_t by_kind[ALERT_KINDS]; /* opened */
};

struct alert_engine;

/* refs: the reference data the checks used (ASPA and relationships for new-upstream; the
 * rest for the evidence); watch is the engine's until alert_engine_free or a reload. */
struct alert_engine *alert_engine_new(
    const struct observe_refs *refs, struct watch *watch, alert_event_fn fn, void *arg);
void alert_engine_free(struct alert_engine *ae);
/* 1 when a route of prefix p with path words w concerns the watch file (the caller runs the
 * checks only then). */
int alert_relevant(
    const struct alert_engine *ae, const struct prefix *p, const uint32_t *w, uint32_t nwords);
/* A change: v is the checks' verdict (NULL for a withdrawal). */
void alert_route(
    struct alert_engine *ae, const struct alert_route *r, const struct route_verdict *v);
/* A peer's session ended (Peer Down): it shows nothing any more, and no longer counts for
 * visibility. router NULL with peer NULL: every peer of every router (shutdown). */
void alert_peer_down(
    struct alert_engine *ae, const char *router, const struct bmp_peer *peer, int64_t time);
/* Every peer of a router (its BMP session ended). */
void alert_router_down(struct alert_engine *ae, const char *router, int64_t time);
/* Time passes: alerts whose hold-down ran out are resolved; pending updates sent. */
void alert_tick(struct alert_engine *ae, int64_t now);
/* SIGHUP: a new watch file. Alerts the new file no longer backs are resolved ("no longer
 * watched"); the routes kept are judged again by the caller's next changes only. */
void alert_engine_reload(struct alert_engine *ae, struct watch *watch, int64_t now);
/* The VRPs the evidence is built from from now on (a live RTR cache's new table). */
struct vrp_table;
void alert_engine_set_vrps(struct alert_engine *ae, const struct vrp_table *vrps);
void alert_engine_stats(const struct alert_engine *ae, struct alert_stats *st);
/* Every open alert, for a status page: fn gets its latest event. */
void alert_engine_each_open(const struct alert_engine *ae, alert_event_fn fn, void *arg);

#endif
