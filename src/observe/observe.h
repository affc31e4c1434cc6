/*
 * observe — routemark's measurements: the MANRS metrics (M1..M8) as one table of
 * definitions, incidents and their weights, scores, readiness. The numbers MANRS does not
 * publish live in struct observe_config, the one configuration place.
 *
 * See docs/metrics.md (rendered from the same definitions) and
 * ../shared/docs/manrs-metrics.md.
 */
#ifndef ROUTEMARK_OBSERVE_H
#define ROUTEMARK_OBSERVE_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

enum metric_id { M1, M1C, M2, M2C, M3, M3C, M4, M4C, M5, M7IRR, M7RPKI, M8, METRIC_COUNT };

enum metric_kind {
	METRIC_INCIDENTS, /* Action 1: weighted incidents -> raw value -> percentage curve */
	METRIC_SHARE,     /* a share of routes, already a percentage */
	METRIC_PRESENCE,  /* 0 or 100 % */
	METRIC_COUNT_RAW, /* a count (M5: spoofing prefixes) */
};

/* One row per metric: the single source of truth for names, actions and meaning. */
struct metric_def {
	enum metric_id id;
	const char *name; /* "M2C" */
	int action;       /* MANRS action 1..4 */
	enum metric_kind kind;
	int customer;       /* 1 for the "passed on for a direct customer" variants */
	const char *title;  /* short, for tables */
	const char *counts; /* what it counts, one sentence */
};

extern const struct metric_def metric_defs[METRIC_COUNT];
const struct metric_def *metric_by_name(const char *name); /* NULL if unknown */

/* A score curve point for a custom raw -> percent mapping. */
struct curve_point {
	double raw, percent;
};

/* Every number that MANRS does not publish (routemark defaults), set once at start-up. */
struct observe_config {
	double curve_k;                  /* percent = 100 * exp(-k * sqrt(raw)); default 0.7133 */
	const struct curve_point *curve; /* if set, piecewise-linear curve instead (sorted) */
	size_t ncurve;
	double ready_min;           /* readiness "ready" at or above; default 90 */
	double aspiring_min;        /* "aspiring" at or above; default 50 */
	double snapshot_score;      /* an incident seen in one RIB snapshot only; default 1 */
	double rpki_invalid_factor; /* M7RPKI = valid% - factor * invalid%; default 10 */
	int action1_with_m1;        /* include M1/M1C in the Action 1 mean; default 0 */
};

void observe_config_default(struct observe_config *c);
/* Set one value from "key=value": curve_k, ready, aspiring, snapshot_score,
 * rpki_invalid_factor, action1_with_m1 (0/1). Returns -1 (message logged) on a bad key or
 * value. */
int observe_config_set(struct observe_config *c, const char *kv);
/* The settings as "key=value" lines (all of them, in a fixed order), for records and keys. */
void observe_config_describe(const struct observe_config *c, char *buf, size_t size);
/* The settings in config_keys order, as numbers (for storing); n is their count. */
#define OBSERVE_CONFIG_NKEYS 6
extern const char *const observe_config_keys[OBSERVE_CONFIG_NKEYS];
double observe_config_get(const struct observe_config *c, int i);
void observe_config_put(struct observe_config *c, int i, double v);

/* ---------------------------------------------------------------- incidents */

/* An event: something wrong an AS did (or passed on) from start to end (seconds). */
struct event {
	uint32_t asn;
	enum metric_id metric;
	double weight;
	int64_t start, end;
	int duration_known; /* 0 for an event seen in a single snapshot */
};

struct incident {
	uint32_t asn;
	enum metric_id metric;
	double weight;
	int64_t start, end;
	int duration_known;
	uint32_t nevents;
	double score; /* weight * duration score */
};

/* The duration score of one incident (manrs-metrics.md §3). */
double incident_duration_score(const struct observe_config *c, int64_t seconds, int duration_known);
/* Merge events of the same AS, metric and weight whose intervals overlap or touch into
 * incidents. Sorts ev in place; writes at most n incidents to out; returns their count. */
size_t incidents_merge(
    const struct observe_config *c, struct event *ev, size_t n, struct incident *out);

/* ---------------------------------------------------------------- scores */

/* Raw Action 1 value -> percentage (1 = 100 % when raw is 0). */
double metric_percent(const struct observe_config *c, double raw);
/* M7RPKI: share valid - factor * share invalid, clamped to 0..100. Returns -1 with no routes. */
double m7rpki_percent(
    const struct observe_config *c, uint64_t valid, uint64_t invalid, uint64_t total);
/* M7IRR: share of routes with a matching route object; -1 with no routes. */
double m7irr_percent(uint64_t registered, uint64_t total);

enum readiness { READY_NO_DATA, READY_LAGGING, READY_ASPIRING, READY_READY };
/* pct < 0 means "no data", never 0. */
enum readiness readiness_of(const struct observe_config *c, double pct);
const char *readiness_name(enum readiness r);

/* Action 1 score: the mean of the percentages of M2, M2C, M3, M3C, M4, M4C (and M1, M1C when
 * configured). pct[] is indexed by enum metric_id; entries < 0 are "no data" and skipped.
 * Returns -1 when none has data. */
double action1_score(const struct observe_config *c, const double pct[METRIC_COUNT]);

/* ---------------------------------------------------------------- route checks */

struct vrp_table;
struct aspa_table;
struct irr_db;
struct asrel;
struct bogon_db;
struct delegated;
struct pdb;
struct asnames;
struct as2org;
struct spoofer;

/* The reference data, loaded once and shared read-only. Any may be NULL: the metrics that
 * need it are then "no data". */
struct observe_refs {
	const struct vrp_table *vrps;
	const struct aspa_table *aspa;
	const struct irr_db *irr;
	const struct asrel *asrel;
	const struct bogon_db *bogons; /* NULL: the built-in special-purpose registry only */
	const struct delegated *deleg;
	const struct pdb *pdb;
	const struct asnames *names;
	const struct as2org *orgs;
	const struct spoofer *spoofer; /* CAIDA Spoofer sessions (M5) */
};

#define OBS_MAX_PATH 256 /* ASNs kept of a flattened path (prepends collapsed) */

/* A path flattened for the checks: neighbour (the collector's peer) first, origin last,
 * prepends collapsed. Sets and confederation segments make has_set. */
struct flat_path {
	uint32_t asn[OBS_MAX_PATH];
	uint32_t n;
	int has_set;   /* an AS_SET / confederation segment (not in asn[]) */
	int truncated; /* longer than OBS_MAX_PATH */
};

void flat_path_build(struct flat_path *f, const uint32_t *w, uint32_t nwords);

/* One thing wrong with a route, charged to an AS. */
struct obs_hit {
	enum metric_id metric;
	uint32_t asn;     /* the AS charged */
	uint32_t culprit; /* the AS that caused it (== asn unless a customer variant) */
	int weight;       /* 1 */
};

#define OBS_MAX_HITS 8

/* Everything the checks found about one route. */
struct route_verdict {
	int has_origin;
	uint32_t origin;
	int rov_checked;
	int rov; /* enum rov_state */
	int rov_reason;
	uint32_t rov_ncovering;
	int irr_checked;
	int irr;          /* enum irr_verdict */
	int bogon_prefix; /* enum bogon_kind */
	int bogon_asn;    /* enum bogon_kind of the worst ASN in the path */
	uint32_t bogon_asn_value;
	int leak_checked;
	int leak_index; /* position in the flat path of the leaker, -1 none */
	int leak_type;
	int aspa_checked;
	int aspa;           /* enum aspa_state */
	int otc_leak_index; /* -1 none */
	int hijack_irr;     /* M2 from an IRR conflict (no ROA) */
	struct obs_hit hit[OBS_MAX_HITS];
	int nhits;
};

/* Every check on one route (pure: depends only on the route and the references), in two
 * halves: what depends on the prefix and origin (RPKI, IRR, bogon prefix; M2, M3), and what
 * depends on the path alone (bogon ASNs, leaks, OTC, ASPA; M4, M1), which routes sharing a
 * path share. route_verdict_add_path puts a path half (pv) into a prefix half (v). */
void route_check_prefix(const struct observe_refs *refs, const struct prefix *p,
    const struct flat_path *path, const uint32_t *w, uint32_t nwords, struct route_verdict *v);
void route_check_path(const struct observe_refs *refs, const struct flat_path *path,
    const uint32_t *w, uint32_t nwords, int has_otc, uint32_t otc, struct route_verdict *pv);
void route_verdict_add_path(struct route_verdict *v, const struct route_verdict *pv);
/* The JSON evidence (one object) and one-line detail of hit h of verdict v on a route, in a: a
 * finding's, and an alert's. refs->bogons must be set (the built-in registry at least). */
void route_evidence(const struct observe_refs *refs, const struct prefix *p, const uint32_t *w,
    uint32_t nwords, const struct flat_path *f, const struct route_verdict *v,
    const struct obs_hit *h, struct arena *a, const char **detail, const char **evidence);

/* ---------------------------------------------------------------- the engine */

struct mrt_route;
struct store;
struct store_results;

/* Accumulates the route stream: the routing table as (prefix, origin) with its checks,
 * findings with evidence, and update-stream events. Memory grows with the routing table and
 * the findings, not with the number of records read. */
struct observe;

struct observe *observe_new(const struct observe_refs *refs, const struct observe_config *cfg);
void observe_free(struct observe *o);
/* The VRPs the checks use from now on (a live RTR cache's new table). */
void observe_set_vrps(struct observe *o, const struct vrp_table *vrps);
/* The contact, name and organisation data, which only writing uses, when it was loaded
 * after observe_new (analyze loads it while the routes are read). */
void observe_set_contacts(struct observe *o, const struct pdb *pdb, const struct asnames *names,
    const struct as2org *orgs);
/* Start a new input file: the RIB entries of one file are one snapshot, dated by the first
 * of them (a dump takes minutes to write; its records' times are not separate sightings). */
void observe_file_begin(struct observe *o);
/* Feed one route: a RIB entry, an announcement or a withdrawal (state changes end the
 * peer's open events). */
void observe_route(struct observe *o, const struct mrt_route *rt);
/* The prefix half of a route's checks (route_check_prefix against o's references), which
 * reads nothing observe_route changes: another thread may run it while routes are fed, as
 * long as the references stay as they are. */
struct route_prefix_check {
	struct route_verdict v;
	uint32_t hash; /* the route's (prefix, origin) key hashed for the routing table */
	/* with an arena: the finding's detail and evidence of each hit of v (route_evidence) */
	const char *detail[OBS_MAX_HITS], *evidence[OBS_MAX_HITS];
	int nevidence;
};
/* a: where the hits' evidence goes, for the findings a route opens (NULL: built when fed);
 * one thread at a time, and it must outlive o's findings being written. */
void observe_check_prefix(const struct observe *o, const struct mrt_route *rt, struct arena *a,
    struct route_prefix_check *pc);
/* Start fetching the routing table's slot of a route checked ahead of its feeding (the table
 * is far bigger than the caches). */
void observe_prefetch(const struct observe *o, const struct route_prefix_check *pc);
/* observe_route with the prefix half already taken (observe_check_prefix on the same route);
 * pc NULL: taken here. */
void observe_route_checked(
    struct observe *o, const struct mrt_route *rt, const struct route_prefix_check *pc);

struct observe_totals {
	uint64_t routes, prefixes_v4, prefixes_v6, ases, findings, incidents;
	uint64_t rib_entries, announcements, withdrawals;
	uint32_t first_ts, last_ts;
};

/* Compute every AS's metrics, scores and readiness, the incidents, the global figures and
 * the settings they were computed with into res (store_results_init first; the caller
 * frees it), and put the routing table in order for writing. Nothing is written. Call it once
 * per snapshot: it closes the update-stream events still open. Returns 0. */
int observe_score(struct observe *o, struct store_results *res, struct observe_totals *tot);

/* Write the routes and findings that o accumulated, and the scored results, into the
 * snapshot open in s (store_snapshot_begin). Returns 0 or -1 (a store error; the caller
 * aborts the snapshot). */
int observe_write(const struct observe *o, const struct store_results *res, struct store *s);
/* The findings alone, once the routes are all in: scoring only reads them, so this may run
 * on another thread while observe_score does; observe_write then leaves them out. 0 or -1. */
int observe_write_findings(struct observe *o, struct store *s);
/* The time of the first and last route sighting fed (0 when none). */
void observe_period(const struct observe *o, uint32_t *first, uint32_t *last);

/* Every route of a scored snapshot in the order it is stored (prefix, then origin), as the
 * store gives it back (store_each_route): read only, so it may run beside observe_write. */
struct store_route_brief;
void observe_each_route(
    const struct observe *o, void (*fn)(const struct store_route_brief *r, void *arg), void *arg);

/* ---------------------------------------------------------------- disputes (rescore.c) */

/* Take the findings of asn in stored snapshot snap that an accepted dispute covers out of
 * its scores: marks them (finding.disputed), rebuilds the AS's incidents and metric rows of
 * the metrics concerned, its Action 1 score and the readiness distribution, in one
 * transaction (or in the snapshot's, when called while it is written). *rescored = 0 when
 * no accepted dispute newly applied: nothing was rewritten. Returns 0 or -1 (logged). */
int observe_rescore(struct store *s, int64_t snap, uint32_t asn, int *rescored);
/* observe_rescore for every AS an accepted dispute applies to in snapshot snap (the
 * engine, for each snapshot it writes). *nrescored: the ASes rewritten. */
int observe_apply_disputes(struct store *s, int64_t snap, size_t *nrescored);
/* observe_rescore of accepted dispute id's AS in every snapshot from its period on.
 * *nsnapshots: the snapshots rewritten. */
int observe_apply_dispute(struct store *s, int64_t dispute_id, size_t *nsnapshots);

#endif
