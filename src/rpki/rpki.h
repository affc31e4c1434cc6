/*
 * rpki — Validated ROA Payloads (VRPs) and ASPA data from validator output files and from live
 * RTR caches, Route Origin Validation (RFC 6811) and ASPA AS_PATH verification
 * (draft-ietf-sidrops-aspa-verification).
 *
 * Tables are built once and then immutable: a built vrp_table or aspa_table may be read by any
 * number of threads without locks. The RTR client publishes a new table after every complete
 * update (End of Data) and never changes one a reader holds.
 */
#ifndef ROUTEMARK_RPKI_H
#define ROUTEMARK_RPKI_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* ---------------------------------------------------------------- VRPs */

/* One Validated ROA Payload: (prefix, maxLength, origin AS). */
struct vrp {
	struct prefix p;
	uint8_t maxlen;
	uint32_t asn;
};

/* Opaque: the VRP array and its lookup index. */
struct vrp_table;

struct vrp_table *vrp_table_new(void);
void vrp_table_free(struct vrp_table *t);
/* Add one VRP before vrp_table_build. Returns -1 (and adds nothing) when maxlen is shorter than
 * the prefix or longer than the family allows, or when the table is already built. */
int vrp_table_add(struct vrp_table *t, const struct vrp *v);
/* The table's order: family, length, address, maxlen, asn (<0, 0, >0 as for qsort). */
int vrp_cmp(const struct vrp *a, const struct vrp *b);
/* Sort, drop duplicates and build the index. After this the table is read-only. */
int vrp_table_build(struct vrp_table *t);
/* Number of unique VRPs (after build), and the i-th in vrp_cmp order. */
size_t vrp_table_count(const struct vrp_table *t);
/* The trust anchors a loaded file named (JSON "ta", a CSV's "Trust Anchor" column) with the
 * VRPs added under each, in the order first seen: none when the source names none (RTR,
 * rcynic text, a CSV without the column). "" counts VRPs whose field was empty; past
 * VRP_MAX_TAS names, the rest count under "(others)". */
#define VRP_MAX_TAS 32
struct vrp_ta {
	char name[32];
	uint64_t vrps;
};
size_t vrp_table_tas(const struct vrp_table *t, const struct vrp_ta **tas);
const struct vrp *vrp_table_get(const struct vrp_table *t, size_t i);

/* A built table as bytes (vrp_pack.c: the records zstd-compressed; *out malloc'ed) and back (a
 * built table, or -1 with *err saying what is wrong). For the store's VRP sets. */
int vrp_table_pack(const struct vrp_table *t, uint8_t **out, size_t *outlen);
int vrp_table_unpack(const uint8_t *buf, size_t len, struct vrp_table **out, const char **err);

/* Reference counting for tables shared between an updater (the RTR client) and readers: a new
 * table has one reference; vrp_table_release frees it when the last one goes. */
struct vrp_table *vrp_table_ref(struct vrp_table *t);
void vrp_table_release(struct vrp_table *t);

/* ---------------------------------------------------------------- ASPA */

/* One ASPA: a customer AS and its set of provider ASes (sorted, unique). */
struct aspa {
	uint32_t customer;
	uint32_t nproviders;
	const uint32_t *providers;
};

struct aspa_table;

struct aspa_table *aspa_table_new(void);
void aspa_table_free(struct aspa_table *t);
/* Add (or merge into) the provider set of customer. */
int aspa_table_add(struct aspa_table *t, uint32_t customer, const uint32_t *providers, size_t n);
int aspa_table_build(struct aspa_table *t);
size_t aspa_table_count(const struct aspa_table *t);
const struct aspa *aspa_table_get(const struct aspa_table *t, size_t i);
/* The ASPA of customer, or NULL. */
const struct aspa *aspa_table_find(const struct aspa_table *t, uint32_t customer);

/* ---------------------------------------------------------------- diffs (diff.c) */

/* One VRP that is in the new table and not the old (added 1) or the other way (added 0). */
typedef void (*vrp_diff_fn)(const struct vrp *v, int added, void *arg);
/* Call fn (may be NULL) for every VRP added or removed between two built tables (NULL: an
 * empty table), removed and added ones merged in vrp_cmp order; returns how many. One linear
 * pass over both. */
size_t vrp_table_diff(
    const struct vrp_table *old, const struct vrp_table *new, vrp_diff_fn fn, void *arg);
/* One customer AS whose provider set changed: old or new is NULL when it has no ASPA there. */
typedef void (*aspa_diff_fn)(
    uint32_t customer, const struct aspa *old, const struct aspa *new, void *arg);
/* The same for two built ASPA tables, by customer (ascending); returns how many changed. */
size_t aspa_table_diff(
    const struct aspa_table *old, const struct aspa_table *new, aspa_diff_fn fn, void *arg);

/* ---------------------------------------------------------------- loading files */

enum vrp_format {
	VRP_FMT_UNKNOWN = 0,
	VRP_FMT_JSON,   /* rpki-client, Routinator, GoRTR/StayRTR JSON ("roas": [...]) */
	VRP_FMT_CSV,    /* Routinator / rpki-client / RIPE validator CSV */
	VRP_FMT_RCYNIC, /* "signing-time ASN prefix[-maxlen] ..." per ROA */
};

struct vrp_load_stats {
	enum vrp_format format;
	size_t records;        /* rows / JSON entries / prefixes read */
	size_t vrps;           /* VRPs added (before de-duplication) */
	size_t aspas;          /* ASPA entries added */
	size_t malformed;      /* skipped records */
	char first_error[256]; /* "file:line: message" of the first malformed record */
};

const char *vrp_format_name(enum vrp_format f);
/* Load VRPs (and ASPAs, when aspa is non-NULL and the file has them) from path, detecting the
 * format from the content. Malformed records are reported (log_warn, with file and line),
 * counted and skipped; with strict, the first one fails the load with -2. Returns -1 when the
 * file cannot be read or its format is not recognised. The tables are not built. */
int vrp_load_file(struct vrp_table *t, struct aspa_table *aspa, const char *path, int strict,
    struct vrp_load_stats *st);
/* The same from a memory buffer; name is used in messages. */
int vrp_load_buffer(struct vrp_table *t, struct aspa_table *aspa, const char *buf, size_t len,
    const char *name, int strict, struct vrp_load_stats *st);

/* ---------------------------------------------------------------- ROV (RFC 6811) */

enum rov_state { ROV_NOTFOUND = 0, ROV_VALID = 1, ROV_INVALID = 2 };

enum rov_reason {
	ROV_REASON_NONE = 0,  /* Valid or NotFound */
	ROV_REASON_ASN,       /* covered, but no covering VRP has the route's origin AS */
	ROV_REASON_LENGTH,    /* a covering VRP has the origin AS, but the route is longer than
	                         its maxLength */
	ROV_REASON_NO_ORIGIN, /* covered, and the path has no origin (ends in an AS_SET) */
};

#define ROV_MAX_COVERING 16

/* The answer with its evidence: every covering VRP (up to ROV_MAX_COVERING of them; ncovering
 * is the full count), and for Valid the index of the VRP that matched. */
struct rov_result {
	enum rov_state state;
	enum rov_reason reason;
	uint32_t ncovering;
	int matched; /* index into covering[] of the matching VRP, -1 if none or not kept */
	struct vrp covering[ROV_MAX_COVERING];
};

#define ROV_NO_ORIGIN UINT32_MAX /* pass as origin when the path has none */

/* Validate route (prefix, origin). origin ROV_NO_ORIGIN means "no origin" (RFC 6811: the route
 * cannot be Valid). AS0 VRPs never make a route Valid (RFC 6483), and origin 0 never matches.
 * res may be NULL when only the state is wanted (fastest). Thread-safe on a built table. */
enum rov_state rov_validate(
    const struct vrp_table *t, const struct prefix *p, uint32_t origin, struct rov_result *res);
/* The same with the origin taken from an AS path (flat words, core.h): the last AS of a
 * trailing AS_SEQUENCE; a path ending in an AS_SET (or empty) has no origin. */
enum rov_state rov_validate_path(const struct vrp_table *t, const struct prefix *p,
    const uint32_t *w, uint32_t nwords, struct rov_result *res);
const char *rov_state_name(enum rov_state s);   /* "valid", "invalid", "not-found" */
const char *rov_reason_name(enum rov_reason r); /* "", "invalid-asn", "invalid-length", ... */

/* ---------------------------------------------------------------- ASPA verification */

enum aspa_hop { ASPA_HOP_NO_ATTESTATION = 0, ASPA_HOP_PROVIDER, ASPA_HOP_NOT_PROVIDER };
enum aspa_state { ASPA_VALID = 0, ASPA_UNKNOWN = 1, ASPA_INVALID = 2 };
enum aspa_direction { ASPA_UPSTREAM = 0, ASPA_DOWNSTREAM = 1 };

/* hop(customer, provider): is provider in customer's ASPA? */
enum aspa_hop aspa_hop_check(const struct aspa_table *t, uint32_t customer, uint32_t provider);

struct aspa_result {
	enum aspa_state state;
	/* For Invalid (and Unknown): the hop that decided it, as positions in the received path
	 * with prepends collapsed, 0 = the neighbour: hop (fail_index, fail_index + 1). -1 when
	 * no single hop is to blame (empty path, AS_SET). */
	int fail_index;
	uint32_t fail_from, fail_to; /* the two ASes of that hop (neighbour side first) */
	uint32_t path_len;           /* ASes after collapsing prepends */
};

/* Verify an AS path received from a customer or lateral peer (ASPA_UPSTREAM) or from a provider
 * (ASPA_DOWNSTREAM). The path is as received: neighbour first, origin last. A path with an
 * AS_SET, or an empty one, is Invalid. */
enum aspa_state aspa_verify(const struct aspa_table *t, const uint32_t *w, uint32_t nwords,
    enum aspa_direction dir, struct aspa_result *res);
/* The same on a plain ASN array (neighbour first). */
enum aspa_state aspa_verify_asns(const struct aspa_table *t, const uint32_t *asns, size_t n,
    enum aspa_direction dir, struct aspa_result *res);
const char *aspa_state_name(enum aspa_state s);

/* ---------------------------------------------------------------- live RTR */

struct rtr_client;

struct rtr_client_stats {
	uint32_t serial;                   /* serial of the published table */
	uint32_t updates;                  /* tables published so far */
	uint32_t resets;                   /* cache resets (full reloads) seen */
	uint32_t last_added, last_removed; /* delta of the last published update */
	size_t vrps;                       /* VRPs in the published table */
};

/* Connect to an RTR cache (RFC 8210, falling back to RFC 6810) at host:port. Returns NULL on
 * error (message logged). Updates are applied in RTRlib's thread. */
struct rtr_client *rtr_client_start(const char *host, const char *port);
/* Wait up to timeout_ms for the first complete table; 0 when synchronised, -1 on timeout. */
int rtr_client_wait_sync(struct rtr_client *c, int timeout_ms);
/* Wait until a table newer than update number `after` is published; 0 or -1 on timeout. */
int rtr_client_wait_update(struct rtr_client *c, uint32_t after, int timeout_ms);
/* The current table, with a reference the caller must drop with vrp_table_release. It never
 * changes; later updates publish a new table. NULL before the first sync. */
struct vrp_table *rtr_client_table(struct rtr_client *c);
void rtr_client_stats(struct rtr_client *c, struct rtr_client_stats *st);
/* A descriptor for a poll() loop: readable once a table is published after the last
 * rtr_client_notify_ack (non-blocking, close-on-exec; owned by the client). */
int rtr_client_notify_fd(struct rtr_client *c);
/* Drain the descriptor and return the update number (rtr_client_stats' updates) of the
 * table published last: pass it to rtr_client_table_at to get that table. Tables published
 * after the drain make the descriptor readable again, so none is missed. */
uint32_t rtr_client_notify_ack(struct rtr_client *c);
/* The current table with a reference (as rtr_client_table) and its update number and serial
 * read under the same lock; either out pointer may be NULL. */
struct vrp_table *rtr_client_table_at(struct rtr_client *c, uint32_t *update, uint32_t *serial);
void rtr_client_stop(struct rtr_client *c);

/* One VRP source, loaded and built (vrp_source.c): a file (VRPs and ASPAs; strict makes a
 * malformed record fatal), or rtr "HOST:PORT" / "[V6]:PORT", an RTR cache's first complete
 * set within timeout_s (no ASPA: *aspa is empty). Exactly one of file and rtr. Returns 0,
 * -1 (unreadable, unreachable, bad address; logged) or -2 (malformed under strict). Free with
 * vrp_table_release and aspa_table_free. */
int vrp_source_load(const char *file, const char *rtr, int strict, int timeout_s,
    struct vrp_table **vrps, struct aspa_table **aspa);

#endif
