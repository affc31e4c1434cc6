/*
 * store — the observatory's persistence in SQLite: snapshots (when, from which inputs),
 * per-AS metrics and summaries, findings with their evidence, incidents, global coverage
 * figures, AS names. The schema is versioned (PRAGMA user_version) and migrated forward on
 * open. A snapshot is written in one transaction: a crash leaves the previous state intact,
 * and writing a snapshot whose key exists replaces it (re-running on the same inputs is
 * idempotent).
 *
 * Rows are plain structs of this header; the store knows nothing of how they are computed
 * (the engine computes them, store_put_results persists them). This header is the seam for
 * a second backend (PostgreSQL): no SQLite type appears in it, and a backend implements these
 * functions over its own tables.
 */
#ifndef ROUTEMARK_STORE_H
#define ROUTEMARK_STORE_H

#include <stdint.h>

#include "core/core.h"

#define STORE_SCHEMA_VERSION 9 /* = store_nmigrations (schema.c) */

struct store;

/* Open (creating and migrating when writable). Read-only opens fail on a missing file or an
 * older schema. Errors are logged with the path. */
int store_open(const char *path, int readonly, struct store **out);
/* Is path a PostgreSQL URL (postgresql://, postgres://) rather than a file? */
int store_is_url(const char *path);
/* The TCP ports a PostgreSQL store's connections go to (libpq's reading of the URL: each
 * host's port, 5432 when none is given; none for a Unix-socket directory), at most max; how
 * many. 0 for a file. For a sandbox that must let reconnections through. */
size_t store_url_ports(const char *path, uint16_t *ports, size_t max);
/* path for messages: a file's name, or the URL with its password as "***" (malloc'ed). */
char *store_display_name(const char *path);
void store_close(struct store *s);
int store_schema_version(struct store *s);
/* 1 when another connection committed to the store since this connection last asked (the
 * first call says 0): a reader's caches of what it read are stale then. -1 on error. */
int store_changed(struct store *s);

struct store_snapshot {
	int64_t id;
	char key[65];                     /* identifies the inputs and configuration (hex digest) */
	int64_t created;                  /* unix time written */
	int64_t period_start, period_end; /* time span of the routing data */
	const char *label;
	uint64_t routes, prefixes_v4, prefixes_v6, ases;
};

struct store_input {
	/* "mrt", "vrps", "irr", "asrel", "bogons", "delegated", "peeringdb", "asnames", "orgs" */
	const char *kind;
	const char *path;
	const char *sha256;
	uint64_t size, records, malformed;
	/* provenance: the time the data describes (0 = unknown) and where it was read:
	 * "content" (a header or metadata field), "records" (the first record's time), "name"
	 * (the file name's date) */
	int64_t data_time;
	const char *date_from;
};

/* A known coverage gap of a snapshot's data: kind is the input kind it concerns ("vrps",
 * "irr", "asrel", ...), code a short machine name ("stale", "derived", "ta-absent",
 * "irr-absent", "not-loaded", "ta-unknown"), detail one line for people; warning when
 * the gap distorts verdicts (the summary and pages show a WARNING line). */
struct store_gap {
	const char *kind, *code, *detail;
	int warning;
};

/* How far (days) reference data may be from the routing data before the snapshot carries a
 * warning: in the shared data, a 5-month gap between the routes and the VRPs doubles the
 * invalid share. */
#define STORE_STALE_DAYS 30

/* Per-AS, per-metric value. percent < 0 stores NULL: "no data", never 0. */
struct store_metric {
	uint32_t asn;
	const char *metric; /* "M2C" */
	double raw, percent;
	uint64_t count; /* findings or routes counted */
};

struct store_as_summary {
	uint32_t asn;
	uint64_t prefixes_v4, prefixes_v6, routes;
	uint64_t rpki_valid, rpki_invalid, rpki_notfound;
	uint64_t irr_registered, irr_unregistered;
	double action[5]; /* [1..4]: score per action, < 0 = no data; [0] unused */
	double action4_irr, action4_rpki;
	int aspa;             /* publishes ASPA (customer AS of an object): 1, 0, -1 no data */
	int64_t aspa_invalid; /* routes seen with an ASPA-invalid path; -1 no data */
};

struct store_asinfo {
	uint32_t asn;
	const char *name, *cc, *rir;
	const char *org_id, *org_name; /* CAIDA organisation (--orgs), NULL when unknown */
};

struct store_finding {
	uint32_t asn;       /* the AS charged (culprit, or the AS that passed it on) */
	const char *metric; /* "M2", "M2C", ... or an informational kind ("rpki-invalid") */
	uint32_t culprit;   /* the AS that caused it (== asn for M1..M4) */
	const char *prefix, *path;
	uint32_t origin;
	const char *peer_ip;
	uint32_t peer_asn;
	uint32_t peers; /* how many peers saw it */
	int64_t first_seen, last_seen;
	const char *detail;   /* one line for people */
	const char *evidence; /* JSON: the VRPs, route objects, relationships that decided */
	/* the sightings analysis made its events of (0 = none): the dates of the RIB
	 * snapshots it was in, and the span of its update-stream announcements */
	int64_t rib_first, rib_last, upd_first, upd_last;
	int64_t id;       /* reading: the row's id (what a dispute names) */
	int64_t disputed; /* reading: the accepted dispute that took it out of the scores */
};

struct store_incident {
	uint32_t asn;
	const char *metric;
	int64_t start, end;
	double weight, score;
	uint32_t nevents;
	int duration_known;
};

/* One announced route (prefix, origin) of the snapshot, with its checks. NULL strings are
 * "no data" (the reference data was not given). */
struct store_route {
	const char *prefix;
	uint32_t origin;
	uint32_t peers;
	const char *rpki, *rpki_reason; /* "valid" / "invalid" / "not-found"; "invalid-asn" ... */
	const char *irr;                /* "exact" / "covered" / "other-origin" / "absent" */
	const char *bogon;              /* "full" / "administrative" / NULL */
	int64_t first_seen, last_seen;
	const struct prefix *pfx; /* writing: the parsed prefix if at hand (else parsed) */
};

struct store_global {
	const char *scope; /* "all", "rir:RIPE", "cc:NL", "afi:6" */
	const char *key;   /* "rpki_valid_routes", ... */
	double value;
};

/* Begin writing a snapshot (opens the transaction, removes a previous snapshot with the same
 * key). Sets snap->id. */
int store_snapshot_begin(struct store *s, struct store_snapshot *snap);
int store_put_input(struct store *s, const struct store_input *in);
int store_put_gap(struct store *s, const struct store_gap *g);
/* n rows each (several per statement on SQLite). Strings stay the caller's until return. */
int store_put_metrics(struct store *s, const struct store_metric *m, size_t n);
int store_put_summaries(struct store *s, const struct store_as_summary *a, size_t n);
int store_put_findings(struct store *s, const struct store_finding *f, size_t n);
int store_put_incidents(struct store *s, const struct store_incident *i, size_t n);
int store_put_globals(struct store *s, const struct store_global *g, size_t n);
/*
 * A snapshot's routes, put one by one in any order (kept and sorted at store_routes_done),
 * or streamed: after store_routes_stream, all of them in two passes, by prefix (prefix_cmp,
 * then origin) and by origin AS (each AS's in prefix order), each compressed as it comes:
 * nothing else is kept. A route out of its pass's order fails. The two passes may run at
 * once on two threads (each touches only its own blocks). These functions touch the
 * snapshot's routes, not the database: other threads may call them while one writes the
 * other rows.
 */
enum store_routes_by { STORE_BY_PREFIX, STORE_BY_ORIGIN };
int store_put_route(struct store *s, const struct store_route *r);
int store_routes_stream(struct store *s);
int store_stream_route(struct store *s, enum store_routes_by by, const struct store_route *r);
/* The pass's last block compressed (optional: store_routes_done ends both). */
int store_stream_end(struct store *s, enum store_routes_by by);
/* All routes of the snapshot are put: those put in any order are compressed in the
 * background while the rest of the snapshot is written (optional; commit does it
 * otherwise). No store_put_route after it. */
int store_routes_done(struct store *s);
/* AS names, inside a snapshot or not: n rows, a field NULL keeps what is stored. */
int store_put_asinfo(struct store *s, const struct store_asinfo *x, size_t n);
/*
 * Everything scoring computed for one snapshot, in memory (observe_score fills it): per-AS
 * summaries and names, the incident metrics, incidents, global figures (with the settings
 * the scores were computed with, readiness thresholds among them) and the stale-IRR
 * findings. The store persists it as it is; a second backend implements store_put_results
 * the same way. Strings are in the arena or static; store_results_free frees all.
 */
struct store_results {
	struct store_as_summary *as;
	size_t nas, capas;
	struct store_asinfo *info;
	size_t ninfo, capinfo;
	struct store_metric *metrics;
	size_t nmetrics, capmetrics;
	struct store_incident *incidents;
	size_t nincidents, capincidents;
	struct store_global *globals;
	size_t nglobals, capglobals;
	struct store_finding *stale; /* kind "irr-stale": route objects the ROAs contradict */
	size_t nstale, capstale;
	struct arena arena;
};

void store_results_init(struct store_results *r);
void store_results_free(struct store_results *r);
/* Append one row (copied; strings are not). */
void store_results_add_global(
    struct store_results *r, const char *scope, const char *key, double value);
/* The value of a global figure, or def when absent. */
double store_results_global(
    const struct store_results *r, const char *scope, const char *key, double def);
/* Write every row of r into the snapshot open in s. 0, or -1 (logged; abort the snapshot). */
int store_put_results(struct store *s, const struct store_results *r);

/* Update the snapshot's totals, period and label, and commit. */
int store_snapshot_commit(struct store *s, const struct store_snapshot *snap);
void store_snapshot_abort(struct store *s);

/* Fill snap with snapshot id, or the newest when id is 0. Returns 1 when found, 0 when there
 * is none, -1 on error. snap->label is owned by the store until the next call. */
int store_snapshot_get(struct store *s, int64_t id, struct store_snapshot *snap);

/* ---------------------------------------------------------------- VRP sets (vrpset.c) */

/* Keep the VRP set of a snapshot's VRP file, by the file's SHA-256 (as recorded with the
 * snapshot's inputs): data (vrp_table_pack's bytes) holding n VRPs; a set stored already is
 * left as it is. Inside a snapshot. 0 or -1 (logged). */
int store_put_vrp_set(
    struct store *s, const char *sha256, const void *data, size_t len, uint64_t n);
/* The set stored under sha256: *found 0 when there is none (a snapshot made before routemark
 * kept them, or judged over RTR); data in the arena. 0 or -1 (logged). */
int store_get_vrp_set(struct store *s, const char *sha256, struct arena *a, const void **data,
    size_t *len, int *found);

/* ---------------------------------------------------------------- compaction (compact.c) */

struct store_compact_stats {
	int already;      /* compacted before: nothing done */
	int64_t blocks;   /* route blocks removed */
	int64_t bytes;    /* their compressed bytes */
	int64_t findings; /* findings removed */
	int64_t kept;     /* findings kept (a dispute names them) */
};
/* Compact snapshot snap to its aggregates, in one transaction: its route blocks and findings
 * go (but those a dispute names), its per-AS summaries and metrics, incidents, global figures,
 * inputs and gaps stay, and a warning gap "compacted" says so. 0 (also when it was compacted
 * already: out->already), or -1 (logged; nothing changed). */
int store_compact(struct store *s, int64_t snap, struct store_compact_stats *out);
/* Give the space back (SQLite: VACUUM, the file shrinks; PostgreSQL: VACUUM ANALYZE). Outside a
 * transaction. 0 or -1 (logged). */
int store_reclaim(struct store *s);

/* ---------------------------------------------------------------- reading */

/*
 * Read calls fill arrays allocated in the caller's arena (strings too): free everything at
 * once with arena_free. They return 0 (n may be 0), or -1 on a database error (logged).
 * snap is a snapshot id (store_snapshot_get(s, 0, ...) gives the newest).
 */

struct store_history {
	struct store_snapshot snap;
	int found; /* the AS has a summary in this snapshot */
	struct store_as_summary sum;
};

/* Newest first, at most limit (0 = all). */
int store_snapshots(
    struct store *s, size_t limit, struct arena *a, struct store_snapshot **out, size_t *n);
int store_get_summary(
    struct store *s, int64_t snap, uint32_t asn, struct store_as_summary *out, int *found);
int store_get_metrics(struct store *s, int64_t snap, uint32_t asn, struct arena *a,
    struct store_metric **out, size_t *n);
/* metric NULL = every metric; newest evidence first; limit 0 = all. */
int store_get_findings(struct store *s, int64_t snap, uint32_t asn, const char *metric,
    size_t limit, size_t offset, struct arena *a, struct store_finding **out, size_t *n);
/* Every finding of the AS but its own hijacks (M2), without path and evidence: what a fix
 * list is derived from, cheaply. */
int store_get_finding_briefs(struct store *s, int64_t snap, uint32_t asn, struct arena *a,
    struct store_finding **out, size_t *n);
int store_count_findings(
    struct store *s, int64_t snap, uint32_t asn, const char *metric, uint64_t *count);
/* The same, without the findings an accepted dispute took out of the scores. */
int store_count_scored_findings(
    struct store *s, int64_t snap, uint32_t asn, const char *metric, uint64_t *count);
/* asn 0 = every AS; metric NULL = all; [from, to] filters on the incident interval (0 = open). */
int store_get_incidents(struct store *s, int64_t snap, uint32_t asn, const char *metric,
    int64_t from, int64_t to, size_t limit, size_t offset, struct arena *a,
    struct store_incident **out, size_t *n);
int store_get_routes_by_origin(struct store *s, int64_t snap, uint32_t asn, struct arena *a,
    struct store_route **out, size_t *n);
/* The routes of exactly this prefix text (canonical form), and of every less-specific one
 * when covering is set. */
int store_get_routes_by_prefix(struct store *s, int64_t snap, const struct prefix *p, int covering,
    struct arena *a, struct store_route **out, size_t *n);
/* Every route of a snapshot, cheaply (no strings): its prefix, origin, and states as codes.
 * rpki: 0 no data, 1 valid, 2 invalid, 3 not-found; irr: 0 no data, 1 exact, 2 covered,
 * 3 other-origin, 4 absent. In address-block order (not strictly prefix order). */
struct store_route_brief {
	struct prefix prefix;
	uint32_t origin;
	uint8_t rpki, irr;
};
#define STORE_RPKI_VALID 1
#define STORE_RPKI_INVALID 2
#define STORE_RPKI_NOTFOUND 3
typedef void (*store_route_fn)(const struct store_route_brief *r, void *arg);
int store_each_route(struct store *s, int64_t snap, store_route_fn fn, void *arg);
int store_get_history(
    struct store *s, uint32_t asn, struct arena *a, struct store_history **out, size_t *n);
/* The inputs recorded with snapshot snap (MRT files, tables and reference data: kind, path as
 * given, SHA-256, size, records, malformed, data date; provenance.c), in the order written. */
int store_get_inputs(
    struct store *s, int64_t snap, struct arena *a, struct store_input **out, size_t *n);
/* Its known coverage gaps, warnings first. */
int store_get_gaps(
    struct store *s, int64_t snap, struct arena *a, struct store_gap **out, size_t *n);
/* scope "" = every scope. */
int store_get_globals(struct store *s, int64_t snap, const char *scope, struct arena *a,
    struct store_global **out, size_t *n);
/* The ASes with the highest raw value of metric (ties by ASN), at most limit. */
int store_top(struct store *s, int64_t snap, const char *metric, size_t limit, struct arena *a,
    struct store_metric **out, size_t *n);
/* found = 0 when the AS has no info row. */
int store_get_asinfo(
    struct store *s, uint32_t asn, struct arena *a, struct store_asinfo *out, int *found);
/* An organisation by its id, or else by its name (case-insensitive; the first id in order
 * when several organisations share the name): *id and *name in a, *found. */
int store_find_org(struct store *s, const char *q, struct arena *a, const char **id,
    const char **name, int *found);
/* The ASes of organisation id (as_info rows), in ASN order. */
int store_org_members(
    struct store *s, const char *id, struct arena *a, struct store_asinfo **out, size_t *n);
/* ASes whose number is q or whose name contains q (case-insensitive), at most limit. */
int store_search_as(struct store *s, const char *q, size_t limit, struct arena *a,
    struct store_asinfo **out, size_t *n);

/* ---------------------------------------------------------------- attestations (attest.c) */

/* A declaration by the operator ("attested") or a document an auditor reviewed ("audited")
 * for one conformance control of an AS: what was filed (its SHA-256, name and size), when,
 * by whom, the period it is valid for, and its revocation. Written outside snapshots; never
 * replaced (a new filing adds a row; a revocation marks the row). */
struct store_attestation {
	int64_t id;
	uint32_t asn;
	const char *control; /* "PLUS-RPKI-1" */
	const char *kind;    /* "attested" or "audited" */
	const char *sha256;  /* hex of the evidence file */
	const char *file;    /* its name as given */
	uint64_t size;
	int64_t created; /* unix time filed (0 when writing: now) */
	const char *who; /* who attested: required */
	const char *note;
	int64_t valid_from;  /* 0 when writing: created */
	int64_t valid_until; /* exclusive end; 0 = no end */
	int64_t revoked;     /* when revoked; 0 = not revoked */
	const char *revoked_by, *revoke_reason;
};

/* An attestation's state at a time: revoked (revoked <= t) wins over not yet valid
 * (t < valid_from), which wins over expired (t >= valid_until). */
enum store_att_state {
	STORE_ATT_VALID = 0,
	STORE_ATT_EXPIRED,
	STORE_ATT_REVOKED,
	STORE_ATT_NOT_YET_VALID,
};
enum store_att_state store_attestation_state(const struct store_attestation *a, int64_t t);
const char *store_att_state_name(enum store_att_state s); /* "valid", "expired", ... */

/* Sets a->id (and a->created, a->valid_from when 0). Not inside an open snapshot. who is
 * required; valid_until, when set, must be after valid_from. */
int store_put_attestation(struct store *s, struct store_attestation *a);
/* The filings of asn (0 = every AS; control NULL = every control), newest first. */
int store_get_attestations(struct store *s, uint32_t asn, const char *control, struct arena *ar,
    struct store_attestation **out, size_t *n);
/* One filing by id; *found = 0 when there is none. */
int store_get_attestation(
    struct store *s, int64_t id, struct arena *ar, struct store_attestation *out, int *found);
/* Mark filing id revoked at when (0 = now) by by, for reason. Returns 0, 1 when there is no
 * such filing, 2 when it is already revoked, -1 on a store error (logged). */
int store_revoke_attestation(
    struct store *s, int64_t id, int64_t when, const char *by, const char *reason);

/* ---------------------------------------------------------------- disputes (dispute.c) */

/*
 * A network's dispute of a finding, and a reviewer's decision. A dispute names one finding by
 * id and keeps its identity across snapshots (asn, metric, prefix, origin) and the period of
 * the snapshot it was raised on: an accepted dispute takes every finding of that identity in
 * that snapshot and every later one (period_start at or after it) out of the scores
 * (observe_rescore). States: "open" -> "accepted" or "rejected", nothing else; each change
 * is a store_dispute_event; nothing is deleted. Only one open or accepted dispute per
 * identity. Written outside snapshots, by the CLI.
 */
struct store_dispute {
	int64_t id;
	uint32_t asn;
	const char *metric;
	const char *prefix; /* "" when the finding had none */
	uint32_t origin;
	int64_t finding_id, snapshot_id; /* the finding named, and its snapshot */
	int64_t period_start;            /* that snapshot's: applies from here on */
	const char *state;               /* "open", "accepted", "rejected" */
	const char *reason, *opened_by;
	int64_t created;
	const char *reviewer; /* the decision (NULL while open) */
	int64_t decided;
	const char *note;
};

struct store_dispute_event {
	int64_t id, dispute_id, time;
	const char *who;
	const char *from_state; /* NULL for the opening */
	const char *to_state, *note;
};

#define STORE_DISPUTE_NOT_FOUND 1 /* no such finding / dispute */
#define STORE_DISPUTE_CONFLICT 2  /* a live dispute of the identity exists / not open */

/* Open a dispute of finding finding_id. Returns 0 (*id set), STORE_DISPUTE_NOT_FOUND,
 * STORE_DISPUTE_CONFLICT (*id set to the open or accepted dispute of the same identity),
 * or -1 on a store error (logged). */
int store_dispute_open(
    struct store *s, int64_t finding_id, const char *reason, const char *by, int64_t *id);
/* Decide open dispute id: to is "accepted" or "rejected". Returns 0,
 * STORE_DISPUTE_NOT_FOUND, STORE_DISPUTE_CONFLICT (not open), or -1. */
int store_dispute_decide(
    struct store *s, int64_t id, const char *to, const char *reviewer, const char *note);
int store_get_dispute(
    struct store *s, int64_t id, struct arena *a, struct store_dispute *out, int *found);
/* asn 0 = every AS, state NULL = every state; newest first. */
int store_get_disputes(struct store *s, uint32_t asn, const char *state, struct arena *a,
    struct store_dispute **out, size_t *n);
/* The audit trail of dispute id, oldest first. */
int store_get_dispute_events(
    struct store *s, int64_t id, struct arena *a, struct store_dispute_event **out, size_t *n);
/* Set finding.disputed on the findings of asn in snap to the accepted dispute that applies
 * to each. *changed = findings whose mark changed (0: nothing was written), *marked = the
 * AS's findings marked now. */
int store_dispute_mark(
    struct store *s, int64_t snap, uint32_t asn, uint64_t *changed, uint64_t *marked);
/* The distinct ASes with an accepted dispute applying to a snapshot of period_start. */
int store_dispute_ases(
    struct store *s, int64_t period_start, struct arena *a, uint32_t **out, size_t *n);

/* ---------------------------------------------------------------- rescoring (rewrite.c) */

/* Rewriting one AS's scores in a stored snapshot (observe_rescore): a transaction of its own,
 * or part of the snapshot being written when called inside one. */
int store_edit_begin(struct store *s);
int store_edit_commit(struct store *s);
void store_edit_abort(struct store *s);
/* Replace the incidents of (snap, asn, metric) by v. */
int store_set_incidents(struct store *s, int64_t snap, uint32_t asn, const char *metric,
    const struct store_incident *v, size_t n);
/* Write m into snap (replacing), or remove the AS's row of m->metric when remove is set. */
int store_set_metric(struct store *s, int64_t snap, const struct store_metric *m, int remove);
/* The AS's Action 1 score (< 0: no data). */
int store_set_action1(struct store *s, int64_t snap, uint32_t asn, double action1);
/* Add delta to a global figure of snap (created at delta when absent). */
int store_add_global(
    struct store *s, int64_t snap, const char *scope, const char *key, double delta);

/* ---------------------------------------------------------------- alert events (alert.c) */

/*
 * The live monitor's alerts: each is raised, grows and ends as a series of events (opened,
 * updated with more peers, resolved), written by the monitor outside snapshots and read by the
 * server (its event stream and alerts page). Ids increase with every event stored and are
 * never reused: a reader that saw id N asks for the events after N.
 *
 * Idempotent: an event equal to a stored one in alert_id, state, time and JSON (compared as
 * SQLite's minified json()) is not stored again; a monitor restarting and emitting the alerts
 * it still sees with their original times therefore adds nothing, while an event with new
 * content (more peers, a new time) is a new event.
 */
struct store_alert_event {
	int64_t id;           /* set by store_put_alert_event: increasing; the SSE event id */
	const char *alert_id; /* stable id of the alert across its life,
	                       * e.g. "origin-hijack/192.0.2.0/24/AS64500" */
	const char *kind;     /* "origin-hijack", "more-specific", "rpki-invalid", "route-leak",
	                       * "bogon-asn", "aspa-new-upstream", "visibility-loss" (a free token;
	                       * not validated here) */
	const char *state;    /* "opened", "updated", "resolved" */
	int64_t time;         /* unix seconds (0 when writing: now) */
	const char *prefix;   /* "" when none (NULL is written as "") */
	uint32_t asn;         /* the AS concerned (watched AS or offending origin); 0 none */
	int severity;         /* RFC 5424 0..7 */
	const char *title;    /* one line */
	const char *text;     /* plain-words paragraph */
	const char *json;     /* the whole event as one JSON object (evidence included); stored
	                       * minified, on one line */
	/* reading store_alerts_current: when the alert was opened (the time of its latest
	 * "opened" event, or of its first event); 0 elsewhere */
	int64_t since;
};

/* Store ev (not inside an open snapshot): sets ev->id (and ev->time when 0). Returns 0, 1
 * when an equal event was stored before (ev->id is its id; nothing written), or -1 (logged:
 * a read-only store, a missing alert_id, kind or state, a state other than the three, a
 * severity outside 0..7, json not a JSON object, a database error). */
int store_put_alert_event(struct store *s, struct store_alert_event *ev);

/* Called per event; the strings are valid during the call. A non-zero return stops the walk
 * and is returned by the walking function. */
typedef int (*store_alert_fn)(const struct store_alert_event *ev, void *arg);

/* The events with id > after, oldest first, at most limit (0 = all). 0, fn's stop value, or
 * -1 on a database error (logged). */
int store_alert_events(struct store *s, int64_t after, size_t limit, store_alert_fn fn, void *arg);

/* The latest event of every alert (its current state, with since), newest first, at most limit
 * (0 = all): which is STORE_ALERTS_ALL, _OPEN (latest state not "resolved") or _RESOLVED
 * (open_only 1 / 0 reads as OPEN / ALL). Returns as store_alert_events. */
#define STORE_ALERTS_ALL 0
#define STORE_ALERTS_OPEN 1
#define STORE_ALERTS_RESOLVED 2
int store_alerts_current(struct store *s, int which, size_t limit, store_alert_fn fn, void *arg);

/* The id of the newest event stored (0 when none): where a reader that wants only new
 * events starts. 0 or -1. */
int store_alert_last_id(struct store *s, int64_t *id);

#endif
