/*
 * engine — routemark's analysis as one library with three doors: files (analyze, run), live
 * feeds (BMP, replayed archives) and the server (which only reads what the engine stored).
 *
 *	refset_open(spec)            the reference data, loaded once (one thread per kind)
 *	engine_new(refset, cfg)      a snapshot in the making
 *	engine_file_begin / engine_route
 *	                             routes from any source, in order
 *	engine_score(e, &results)    metrics, incidents, scores, readiness, global figures:
 *	                             computed in memory, nothing written
 *	engine_store(e, ...)         the store persists routes, findings and the results in
 *	                             one transaction (begun by engine_store_begin before
 *	                             scoring, the findings are written while it scores)
 *
 * engine_analyze runs the whole file door (checksums, the files, the snapshot) for analyze
 * and run. Messages go to the log (core); progress to a callback.
 */
#ifndef ROUTEMARK_ENGINE_H
#define ROUTEMARK_ENGINE_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "alert/alert.h"
#include "bmp/bmp.h"
#include "observe/observe.h"
#include "store/store.h"

/* ---------------------------------------------------------------- reference data */

/* What reference data to load: file names, each optional (what is missing makes its
 * metrics "no data"). Arrays grow with refs_spec_add; refs_spec_free frees them (not the
 * names, which stay the caller's). */
struct refs_spec {
	const char *vrps, *rtr, *asrel;
	const char *orgs;    /* CAIDA as-org2info */
	const char *spoofer; /* CAIDA Spoofer sessions (JSON from the Spoofer Data API) */
	const char **irr, **bogons, **peeringdb, **asnames;
	size_t nirr, nbogons, npeeringdb, nasnames;
	size_t capirr, capbogons, cappeeringdb, capasnames;
	const char **delegated; /* NRO/RIR statistics and IANA address-space registries */
	size_t ndelegated, capdelegated;
	int strict; /* a malformed row is fatal */
};

/* Add a file of a kind: "vrps", "rtr" (HOST:PORT), "irr", "asrel", "bogons", "delegated",
 * "peeringdb", "asnames", "orgs", "spoofer". Returns 0, or -1 on an unknown kind (logged). */
int refs_spec_add(struct refs_spec *s, const char *kind, const char *path);
void refs_spec_free(struct refs_spec *s);
/* Every file named, with its kind, for the snapshot's record of inputs ("rtr" not: it is
 * no file). */
typedef void (*refs_file_fn)(const char *kind, const char *path, void *arg);
void refs_spec_each_file(const struct refs_spec *s, refs_file_fn fn, void *arg);

struct refset;

/* Load everything spec names, one thread per kind; what was loaded is logged. With
 * defer_contacts, PeeringDB, AS names and organisations (needed only when a snapshot is written) go
 * on loading at the lowest priority after this returns, until refset_finish. Returns 0, -1 (a file
 * cannot be read, or --rtr is not HOST:PORT or gives no data) or -2 (malformed under strict); *out
 * is NULL on failure. spec must outlive the set. */
int refset_open(const struct refs_spec *spec, int defer_contacts, struct refset **out);
/* Wait for what refset_open deferred. 0, or refset_open's error codes. */
int refset_finish(struct refset *rs);
/* The loaded indexes, as the checks take them (contacts only after refset_finish). */
const struct observe_refs *refset_refs(const struct refset *rs);
void refset_close(struct refset *rs);

/* ---------------------------------------------------------------- one snapshot */

struct engine;

/* rs must outlive the engine. */
struct engine *engine_new(struct refset *rs, const struct observe_config *cfg);
void engine_free(struct engine *e);
/* The VRPs the checks use from now on (live RTR); the caller keeps the table alive. */
struct vrp_table;
void engine_set_vrps(struct engine *e, const struct vrp_table *vrps);
/* A new input: the RIB entries of one file (or one table transfer) are one sighting. */
void engine_file_begin(struct engine *e);
/* One route from any source: a RIB entry, an announcement or a withdrawal. */
void engine_route(struct engine *e, const struct mrt_route *rt);
/* The same in two halves: the route's prefix checks with their findings' evidence, which may
 * run on other threads while routes are fed (they read the reference data only, and write
 * the evidence into memory of their own: one arena per checker, 0 .. ENGINE_CHECKERS - 1,
 * each used by one thread at a time), then the route with them. */
#define ENGINE_CHECKERS 2
void engine_check_prefix(
    struct engine *e, unsigned checker, const struct mrt_route *rt, struct route_prefix_check *pc);
void engine_route_checked(
    struct engine *e, const struct mrt_route *rt, const struct route_prefix_check *pc);
/* A route checked ahead will be fed soon: its place in the tables is fetched meanwhile. */
void engine_prefetch(const struct engine *e, const struct route_prefix_check *pc);
/* Routes fed so far. */
uint64_t engine_routes_fed(const struct engine *e);
/* Score what was fed: res (initialised here; store_results_free it) holds every AS's
 * metrics, scores, incidents and the global figures, readiness thresholds among them.
 * Waits for the reference data refset_open deferred. Once per engine. Returns 0, -1 when
 * no route was fed (an empty snapshot is never scored silently) or deferred data could not
 * be read, -2 when it was malformed under strict. */
int engine_score(struct engine *e, struct store_results *res, struct observe_totals *tot);

/* An input of the snapshot, as recorded with it. */
struct engine_input {
	const char *kind, *path;
	char sha256[65];
	uint64_t size, records, malformed;
	int64_t data_time;     /* provenance: the time the data describes, 0 = unknown */
	const char *date_from; /* "content", "records", "name", "given" (static) */
};

/* ---------------------------------------------------------------- provenance.c */

/* The date a file name carries (YYYYMMDD or YYYY-MM-DD, UTC midnight), or -1. */
int64_t engine_date_from_name(const char *path);
/* Calendar days (UTC) from the day of from to the day of to: 2024-01-01 12:00 is 55 days
 * after 2023-11-07 22:05. */
int64_t engine_days_between(int64_t from, int64_t to);
/* Set in->data_time and date_from of a reference input from its content (rpki-client
 * "buildtime", Routinator "generatedTime"/"generated", CAIDA "# date:", IANA "<updated>", the
 * newest RPSL "last-modified:" / "changed:" in the first 64 KiB of an IRR dump),
 * else its name; left 0 when neither says. Routing inputs get theirs while read. */
void engine_input_date(struct engine_input *in);

/* The known coverage gaps of a snapshot's reference data (rows for store_put_gap). */
struct engine_gaps {
	struct store_gap *v;
	size_t n, cap;
	struct arena arena; /* the details */
};
void engine_gaps_init(struct engine_gaps *g);
void engine_gaps_free(struct engine_gaps *g);
/* Add one gap (its strings copied); one with the same detail is said once. */
void engine_gaps_add(struct engine_gaps *g, const struct store_gap *x);
/* Add the gaps of inputs in (dated) against the routing data's time: reference data more
 * than stale_days (0: STORE_STALE_DAYS) away (a warning for what decides verdicts), a derived VRP
 * set, an RIR trust anchor absent from it (warning), major IRR sources not loaded (warning), kinds
 * not loaded. refs: the loaded set (IRR sources, the VRPs per trust anchor); NULL reads the
 * IRR sources as absent and finds no trust anchor gaps. */
void engine_gaps_find(const struct engine_input *in, size_t nin, const struct refs_spec *spec,
    const struct observe_refs *refs, int64_t routing_time, int stale_days, struct engine_gaps *g);

/* Open the store at db and begin e's snapshot there (snap: key set; the label may come at
 * engine_store), once all its routes are in and before engine_score: its findings are
 * written on a thread of their own while the caller scores. engine_store finishes it,
 * engine_free abandons it. Optional; 0 or -1 (logged). */
int engine_store_begin(struct engine *e, const char *db, struct store_snapshot *snap);

/* Persist the scored snapshot into the store at db: inputs, gaps, routes, findings, results, in
 * one transaction that replaces a snapshot of the same key. snap: key and label set by the
 * caller; id, totals and period set here. Returns 0 or -1 (logged; nothing stored). */
int engine_store(struct engine *e, const struct store_results *res,
    const struct observe_totals *tot, const char *db, const struct engine_input *in, size_t nin,
    const struct store_gap *gaps, size_t ngaps, struct store_snapshot *snap);

/* ---------------------------------------------------------------- VRP sets (vrpset.c) */

/* Inside a snapshot being stored: keep vt, the set read from the snapshot's VRP file, once per
 * file (store_put_vrp_set by the input's SHA-256). 0 or -1 (logged). */
int engine_keep_vrp_sets(
    struct store *s, const struct vrp_table *vt, const struct engine_input *in, size_t nin);
/* The VRP set snapshot snap was judged with, built: the store's copy of the file of SHA-256
 * sha256; else, with files and for a snapshot stored before they were kept, the file at path
 * when it still has those bytes. NULL with why filled when there is none. */
struct vrp_table *engine_snapshot_vrps(struct store *s, const char *path, const char *sha256,
    int64_t snap, int files, char *why, size_t size);

/* ---------------------------------------------------------------- plan.c: a history */

/* A history from a data mirror (plan.c): the routing data of each snapshot, in time order, and
 * the reference files each takes: of every kind the file closest in time to its routing data
 * (dates as engine_input_date reads them), and for kinds that take several files (irr, bogons,
 * asnames, peeringdb) every file of the kind within PLAN_EDITION_DAYS of that one (the parts
 * of one edition: IPv4 and IPv6 bogons, RIPE's route and route6 splits); undated files only
 * when a kind has no dated one. */
#define PLAN_EDITION_DAYS 365

struct plan_ref {
	char *kind, *path;
	int64_t time;          /* 0 = undated */
	const char *date_from; /* "content", "name" or NULL */
};

struct plan_snapshot {
	char **routing; /* MRT files or a prefix-to-origin table */
	size_t nrouting;
	int64_t time;                 /* of its routing data: the earliest file's */
	const struct plan_ref **refs; /* into plan.pool */
	size_t nrefs, caprefs;
};

struct plan {
	struct plan_snapshot *snap; /* oldest routing data first */
	size_t nsnap;
	struct plan_ref *pool;
	size_t npool;
};

/* The built-in history of the project's shared data folder (`run --list-history`). */
extern const char engine_plan_default_text[];
/* Parse a history ("snapshot FILE..." and "KIND FILE" lines, # comments; paths relative to
 * dir), date every file and choose each snapshot's reference data. A file missing from dir
 * is left out, said (a snapshot with a missing routing file too). Returns 0 or -1 (a bad
 * line, named with origin and line). */
int engine_plan_parse(const char *text, const char *origin, const char *dir, struct plan *p);
void engine_plan_free(struct plan *p);
/* The time of a routing file: a table's from its name, an MRT file's first record; -1. */
int64_t engine_routing_time(const char *path);

/* ---------------------------------------------------------------- space.c */

/* RPKI coverage by address space of the scored snapshot ob, added to out as global figures
 * (scopes all, afi:4, afi:6, and rir:/cc: with deleg, as deleg_region tells them with orgs):
 * space_v4_24s (announced IPv4 /24-equivalents, overlaps once), space_v4_24s_rpki (in routes a
 * VRP covers: valid or invalid), space_v4_24s_valid, and space_v6_48s* the same in /48s; the VRP
 * figures only with have_vrps. Reads ob only: it runs beside observe_write. */
struct delegated;
struct as2org;
void engine_space_figures(const struct observe *ob, const struct delegated *deleg,
    const struct as2org *orgs, int have_vrps, struct store_results *out);
/* The same from any routes: engine_space_add each in prefix order (as the store and
 * observe_each_route give them), then engine_space_finish adds the figures to out and frees. */
struct space;
struct space *engine_space_new(const struct delegated *deleg, const struct as2org *orgs);
void engine_space_add(struct space *sp, const struct store_route_brief *r);
void engine_space_finish(struct space *sp, int have_vrps, struct store_results *out);

/* ---------------------------------------------------------------- the live door (live.c) */

/*
 * Route changes from BMP routers or a replayed archive (src/bmp) through the engine: the
 * pre-policy changes into the window's snapshot (update-stream events and incidents as in
 * batch analysis), every view's changes that concern the watch file into the alert engine
 * (src/alert). engine_live_snapshot scores and stores the window with the routes held.
 */
struct bmp_rib;
struct bmp_peer;
struct watch;
struct alert_event;
struct engine_live;

struct engine_live_opts {
	struct refset *refs;              /* the reference data (may hold nothing); outlives */
	const struct observe_config *cfg; /* NULL: the defaults */
	struct watch *watch;              /* NULL: no alerts; else the live engine's */
	const struct bmp_rib *rib;        /* the route state the changes go to (filtering) */
	void (*on_alert)(void *arg, const struct alert_event *ev);
	void *arg;
};

struct engine_live_stats {
	uint64_t changes, withdrawals; /* route changes fed, of all views */
	uint64_t judged;               /* pre-policy changes into the snapshot's checks */
	uint64_t checked;              /* changes concerning the watch file, checked for alerts */
	uint64_t peer_downs, router_downs, snapshots;
	uint64_t rtr_updates;                  /* VRP tables taken after the first */
	uint64_t became_invalid, became_valid; /* routes, by re-validation */
	uint64_t became_other;                 /* other ROV changes (e.g. valid to not found) */
	double reval_seconds_max;
	struct alert_stats alerts;
};

struct engine_live *engine_live_new(const struct engine_live_opts *o);
void engine_live_free(struct engine_live *l);
/* One change (bmp_route_fn's arguments). */
void engine_live_route(struct engine_live *l, const char *router, enum bmp_view view,
    const struct bmp_peer *peer, const struct mrt_route *rt);
/* A peer's (peer set) or router's session ended; rib still holds its routes. */
void engine_live_down(struct engine_live *l, const struct bmp_rib *rib, const char *router,
    const struct bmp_peer *peer, int64_t now);
/* Time passes (alerts' hold-down and updates). */
void engine_live_tick(struct engine_live *l, int64_t now);
/* SIGHUP: a new watch file (the live engine's from now on); the routes held are judged
 * against it at once. -1 when the engine was started without one (watch freed). */
int engine_live_reload(
    struct engine_live *l, struct watch *watch, const struct bmp_rib *rib, int64_t now);
/* A live RTR cache's new VRP table (the live engine takes a reference): the routes rib holds
 * that the changed VRPs cover are judged again (engine_revalidate); routes whose ROV state
 * changed are counted as became-invalid / became-valid, go into the window's checks again
 * (pre-policy) and to the alert engine. The first table is only taken. st may be NULL. */
struct engine_reval_stats;
void engine_live_set_vrps(struct engine_live *l, struct vrp_table *vrps, const struct bmp_rib *rib,
    int64_t now, struct engine_reval_stats *st);
/* Keep an RTR cache's session (HOST:PORT, [V6ADDR]:PORT; RTRlib's threads) and take its
 * first complete table (waiting up to 60 s): its serial and size in *serial, *nvrps. 0, or
 * -1 (logged). The session ends with the live engine. */
int engine_live_rtr_open(
    struct engine_live *l, const char *hostport, uint32_t *serial, size_t *nvrps);
/* A table the cache published since the last one taken goes to engine_live_set_vrps (with the
 * route state of the options). 1 when one was taken (st, serial, nvrps filled), else 0. */
int engine_live_rtr_poll(struct engine_live *l, int64_t now, struct engine_reval_stats *st,
    uint32_t *serial, size_t *nvrps);
void engine_live_stats(const struct engine_live *l, struct engine_live_stats *st);
void engine_live_each_open_alert(
    const struct engine_live *l, void (*fn)(void *arg, const struct alert_event *ev), void *arg);

/* Filtering seen from inside (filtering.c), over the window's changes: of the routes a
 * router received (pre-policy) that are RPKI invalid, bogon prefixes, carry a bogon ASN or are
 * leaks, how many it accepted (its post-policy view from the same peer, or its Loc-RIB with
 * the same origin). Only routers that export a post-policy view or a Loc-RIB are judged. */
enum engine_filter_kind {
	ENGINE_FILTER_RPKI_INVALID = 0,
	ENGINE_FILTER_BOGON_PREFIX,
	ENGINE_FILTER_BOGON_ASN,
	ENGINE_FILTER_LEAK,
	ENGINE_FILTER_KINDS
};
const char *engine_filter_kind_name(enum engine_filter_kind k);
struct engine_filtering_router {
	char *router;
	unsigned views;           /* bit per enum bmp_view it exported */
	uint64_t received_routes; /* pre-policy announcements judged */
	struct {
		uint64_t received, accepted;
	} k[ENGINE_FILTER_KINDS];
};
struct engine_filtering {
	struct engine_filtering_router *r; /* in the order first seen */
	size_t n, cap;
};
/* The figures so far; with jsonl, one line per problem route received ({router, peer, peer_as,
 * prefix, path, problems, accepted, accepted_in}), sorted. 0, or -1 on a write error. */
int engine_live_filtering(const struct engine_live *l, FILE *jsonl, struct engine_filtering *out);
void engine_filtering_free(struct engine_filtering *f);

/* Score the window (its changes and the routes rib holds now: each router's pre-policy view,
 * else Loc-RIB, else post-policy, as RIB entries) and store it in db as one snapshot labelled
 * with the time; the next window starts. 0, 1 when nothing was held or fed (nothing stored),
 * -1 on an error (logged); *routes the routes held (fed as RIB entries). */
int engine_live_snapshot(struct engine_live *l, const struct bmp_rib *rib, const char *db,
    int64_t now, uint64_t *routes);

/* ---------------------------------------------------------------- the file door */

struct engine_progress {
	size_t file, nfiles; /* 1-based */
	const char *name;    /* the file's base name */
	uint64_t records, routes;
	uint64_t bytes_done, bytes_total; /* of all MRT files; total 0 when unknown (a pipe) */
	double elapsed;
	int file_done;
};

typedef void (*engine_progress_fn)(const struct engine_progress *p, void *arg);

/* Where routes go while an input is read. */
typedef void (*engine_route_fn)(void *arg, const struct mrt_route *rt);

/* Read one routing input (an MRT file, or a prefix-to-origin table told from its content) as
 * engine_analyze does, each route to fn in order: in is filled (kind "mrt" or "table", path,
 * records, malformed, data_time, date_from; not the checksum or size), *routes counts them.
 * table_time as in engine_job. Returns 0, -1 unreadable or a table without a time (logged), -2
 * malformed under strict, -3 no valid MRT record in it (logged). */
int engine_read_input(const char *path, int64_t table_time, int strict, struct engine_input *in,
    uint64_t *routes, engine_route_fn fn, void *arg);

/* batches.c: a routing input read as engine_read_input does, its routes cut into route batches
 * of file index file (mrt_batch_*), each batch handed to emit as it closes (buf valid during the
 * call; last: the file's closing batch, with its figures and the reading's result). A route no
 * batch can hold fails the file (said). Returns engine_read_input's result, or -4 when emit
 * failed (non-zero) for any batch. */
typedef int (*engine_batch_fn)(void *arg, const uint8_t *buf, size_t len, int last);
int engine_read_batches(const char *path, int64_t table_time, int strict, uint32_t file,
    engine_batch_fn emit, void *arg, uint64_t *routes);
/* The judging side: a file's closing figures into its input record, as engine_read_input fills
 * them (records, malformed, kind, data time and where it came from). */
void engine_input_from_trailer(
    struct engine_input *in, const struct mrt_batch_trailer *t, int64_t table_time);

struct engine_job {
	const char *db;    /* the store */
	const char *label; /* NULL: the data's start time */
	const struct refs_spec *refs;
	const char *const *mrt; /* routing inputs: MRT files ("-" = standard input) and
	                           prefix-to-origin tables (src/origins), told from the content */
	size_t nmrt;
	int64_t table_time;          /* the time of the tables' routes; 0: from each file's name */
	int stale_days;              /* provenance warning threshold; 0: STORE_STALE_DAYS */
	struct observe_config cfg;   /* the settings MANRS publishes no number for */
	engine_progress_fn progress; /* NULL: none */
	void *progress_arg;
	/* NULL: the routing inputs are read here. Else they were read elsewhere (the workers of a
	 * batch over the bus) and this hands them over: for every input i in order,
	 * engine_file_begin(e), then engine_route(e, rt) for each of its routes in order, and
	 * in[i]'s kind, records, malformed, data_time and date_from. Returns 0, or
	 * engine_read_input's codes (-3 after saying why). */
	int (*read_routes)(void *arg, struct engine *e, struct engine_input *in, size_t nin);
	void *read_routes_arg;
	/* reader threads for several routing inputs (0 or 1: the files one after the other on
	 * this thread): files decompressed and decoded at once, their routes judged in the order
	 * named, so the snapshot is the same whatever the count (parallel.c) */
	int threads;
	/* gaps the caller knows of, recorded with the others (run --backfill: reference data
	 * with no archive, taken as it is today) */
	const struct store_gap *gaps;
	size_t ngaps;
};

struct engine_outcome {
	struct store_snapshot snap; /* id and label of the stored snapshot */
	char label[64];
	struct observe_totals tot;
	uint64_t malformed; /* MRT records skipped */
	double seconds;
};

/* Checksum the inputs, load the reference data, stream the MRT files and tables, score,
 * and write one snapshot in one transaction. A file with no valid MRT record that is no
 * table either, a table whose time is unknown, or inputs that give no route, are errors:
 * nothing is stored. Returns 0, 1 (unreadable or empty input, store
 * error) or 2 (malformed input under strict). */
int engine_analyze(const struct engine_job *job, struct engine_outcome *out);

/* The snapshot key: SHA-256 over the inputs' kinds and digests (sorted: the order files are
 * named in does not matter), the RTR cache and time when live, and the settings. */
void engine_snapshot_key(const struct engine_input *in, size_t nin, const char *rtr,
    const struct observe_config *cfg, char key[65]);

/* ---------------------------------------------------------------- re-validation (revalidate.c) */

/*
 * When the VRPs or ASPAs change (an RTR cache's serial moved), only the routes the change
 * can affect are looked at again: for every VRP added or removed, the routes its prefix covers
 * (each changed prefix once; one inside another changed prefix is visited through that one),
 * validated against both tables; for every customer AS whose ASPA changed, the attribute sets
 * whose AS path holds that AS (one pass over the sets, each verified against both tables, as
 * observe does: downstream), then the routes of the sets whose verdict changed (one pass over
 * the routes, only when there are such sets).
 */
struct bmp_rib;
struct bmp_rib_entry;
struct vrp_table;
struct aspa_table;

enum engine_reval_kind {
	ENGINE_REVAL_ROV = 0, /* states are enum rov_state */
	ENGINE_REVAL_ASPA,    /* states are enum aspa_state */
};

/* A route whose state changed: e is valid during the call only. */
typedef void (*engine_reval_fn)(const struct bmp_rib_entry *e, enum engine_reval_kind kind,
    int old_state, int new_state, void *arg);

struct engine_reval_stats {
	size_t vrps_changed;      /* VRPs added or removed */
	size_t vrp_prefixes;      /* their distinct prefixes, less those inside another */
	size_t prefixes_examined; /* route prefixes those cover */
	size_t routes_examined;   /* routes validated (against both tables) for ROV */
	size_t rov_changed;       /* routes whose ROV state changed */
	size_t aspas_changed;     /* customer ASes whose provider set changed */
	size_t attr_sets_examined, attr_sets_changed; /* attribute sets holding such an AS */
	size_t aspa_changed;                          /* routes whose ASPA verdict changed */
	double seconds;
};

/* Re-validate rib's routes for the change from (old, old_aspa) to (new, new_aspa), all built
 * (any may be NULL: an empty table), calling fn (may be NULL) for every route whose ROV state
 * or ASPA verdict changed: ROV changes first, then ASPA changes. st may be NULL. */
void engine_revalidate(const struct bmp_rib *rib, const struct vrp_table *old,
    const struct vrp_table *new, const struct aspa_table *old_aspa,
    const struct aspa_table *new_aspa, engine_reval_fn fn, void *arg,
    struct engine_reval_stats *st);

#endif
