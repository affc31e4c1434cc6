/*
 * conform — conformance testing: MANRS programme profiles (and the MANRS+ draft) as data
 * files, a small rule language that binds each control to the observatory's measurements,
 * verdicts per control with their evidence (routes, VRPs, route objects, findings,
 * incidents, attestations, dates) read from the store, an IXP route-server check of an MRT
 * RIB dump, and renderers (text, JSON of schema CONFORM_SCHEMA, HTML page and fragment).
 *
 * Formats and the rule language: docs/conform.md. The web dashboard uses conform_evaluate
 * then conform_render_json / conform_render_html_fragment on the plain result struct.
 */
#ifndef ROUTEMARK_CONFORM_H
#define ROUTEMARK_CONFORM_H

#include <stdint.h>
#include <stdio.h>

#include "core/core.h"
#include "observe/observe.h"
#include "store/store.h"

#define CONFORM_SCHEMA "routemark.conform/1"
#define CONFORM_PROFILE_FORMAT "routemark.profile/1"

/* ---------------------------------------------------------------- rules (expr.c) */

/* A parsed pass rule: an expression over one snapshot's data of the AS, and a quantifier
 * over the snapshots of the window ("for all snapshots", "for any snapshot", default: the
 * newest snapshot). */
struct conform_expr;

/* Parse src. On error returns -1 and writes "column N: what" into err. */
int conform_expr_parse(const char *src, struct conform_expr **out, char *err, size_t errsize);
void conform_expr_free(struct conform_expr *e);
/* Canonical text of a parsed rule (for reports and round-trip tests). */
void conform_expr_format(const struct conform_expr *e, char *buf, size_t size);

/* ---------------------------------------------------------------- profiles (profile.c) */

enum conform_evidence_type { CONFORM_MEASURED = 0, CONFORM_ATTESTED, CONFORM_AUDITED };
enum conform_severity { CONFORM_REQUIRED = 0, CONFORM_RECOMMENDED, CONFORM_INFORMATIONAL };

struct conform_control {
	char *id, *text, *programme, *action, *fix;
	enum conform_evidence_type evidence;
	enum conform_severity severity;
	char *rule_text;
	struct conform_expr *rule;
	int64_t window;   /* seconds; 0 = the profile's */
	int64_t validity; /* default validity of a filing (attest), seconds; 0 = none set */
};

struct conform_profile {
	char *path;      /* where it was loaded from */
	char sha256[65]; /* of the bytes it was parsed from (hex) */
	char *name, *title, *version, *programme, *description, *status;
	int64_t window; /* seconds, > 0 */
	struct conform_control *controls;
	size_t ncontrols;
};

/* Parse a profile (JSON). On error returns -1 with a message naming the file, the control id
 * (or index) and the field in err; nothing is logged. */
int conform_profile_parse(const char *buf, size_t len, const char *name,
    struct conform_profile **out, char *err, size_t errsize);
int conform_profile_load(const char *path, struct conform_profile **out, char *err, size_t errsize);
/* NAME (a shipped profile: looked up in $ROUTEMARK_PROFILES, ./profiles, the directory next to
 * the executable's ../profiles, then PREFIX/share/routemark/profiles) or a FILE path. */
int conform_profile_find(
    const char *name_or_path, struct conform_profile **out, char *err, size_t errsize);
/* The names of the shipped profiles found on the search path (sorted; free with free()). */
size_t conform_profile_list(char ***names);
void conform_profile_free(struct conform_profile *p);
const struct conform_control *conform_profile_control(
    const struct conform_profile *p, const char *id);
const char *conform_evidence_name(enum conform_evidence_type t); /* "measured", ... */
const char *conform_severity_name(enum conform_severity s);      /* "required", ... */
/* "90d", "12w", "24h", "3600s" or "3600" -> seconds; -1 when malformed. */
int64_t conform_parse_duration(const char *s);

/* ---------------------------------------------------------------- verdicts (evaluate.c) */

enum conform_verdict {
	CONFORM_PASS = 0,
	CONFORM_FAIL,
	CONFORM_NOT_MEASURABLE, /* cannot be decided from public data, and nothing filed */
	CONFORM_NO_DATA,        /* the data the rule needs is not in the store / references */
};
const char *conform_verdict_name(enum conform_verdict v); /* "pass", "fail", ... */

/* One piece of evidence behind a verdict. Strings live in the result's arena. */
struct conform_evidence {
	const char *kind;   /* "value", "route", "finding", "incident", "attestation", "aspa",
	                       "contact", "snapshot", "dispute" */
	int64_t snapshot;   /* snapshot id (0: none) */
	int64_t time;       /* when (first seen, incident start, filing date, snapshot time) */
	const char *prefix; /* NULL when not about a route */
	uint32_t origin, asn;
	const char *state; /* "invalid", "absent", "M2C", ... */
	const char *text;  /* one line for people */
	const char *json;  /* the store's evidence JSON (VRPs, route objects) or NULL */
	/* kind "attestation": the filing and its state at the evaluation time ("valid",
	 * "expired", "revoked", "not-yet-valid"); NULL otherwise */
	const struct store_attestation *filing;
	const char *filing_state;
};

struct conform_control_result {
	const struct conform_control *control;
	enum conform_verdict verdict;
	const char *basis;  /* "measurement", "attestation", "audit", "none" */
	const char *reason; /* one line: the values that decided */
	int64_t window_from, window_to;
	size_t snapshots;      /* snapshots of the window in which the AS was seen */
	size_t snapshots_fail; /* of them, where the rule was false */
	struct conform_evidence *ev;
	size_t nev, ev_total; /* kept, and found (ev_total >= nev) */
};

enum conform_overall {
	CONFORM_CONFORMANT = 0, /* every required control passes */
	CONFORM_NOT_CONFORMANT, /* a required control fails */
	CONFORM_UNDETERMINED,   /* no required control fails, but some lack data / filing */
};
const char *conform_overall_name(enum conform_overall o); /* "conformant", ... */

struct conform_result {
	const struct conform_profile *profile;
	uint32_t asn;
	const char *name, *cc; /* from the store's AS info, or NULL */
	int64_t window, window_from, window_to;
	int64_t generated;            /* the evaluation time (conform_ctx.now) */
	int64_t snapshot;             /* the newest snapshot considered (0: the store has none) */
	struct store_snapshot *snaps; /* of the window, newest first */
	size_t nsnaps;
	struct conform_control_result *c;
	size_t n;
	size_t count[4];                     /* by enum conform_verdict */
	size_t measured_pass, attested_pass; /* passes resting on measurement / a filing */
	enum conform_overall overall;
	struct store_dispute *disputes; /* of the AS's findings, every state, newest first */
	size_t ndisputes;
};

/* What the evaluation reads. refs may be NULL or partial: ASPA objects (refs->aspa) with
 * the AS relationships (refs->asrel) decide aspa.*; refs->pdb and refs->irr decide
 * contact.*. Without them those terms are "no data". */
struct conform_ctx {
	struct store *store;
	const struct observe_refs *refs;
	int64_t window;      /* > 0 overrides the profile's and the controls' windows */
	int64_t snapshot;    /* the newest snapshot to consider (0 = the store's newest) */
	size_t max_evidence; /* per control (0 = 20) */
	/* the evaluation time (0 = the clock): which filings are valid then (a filing made later
	 * is left out, so that a signed report can be evaluated again to the same bytes), and the
	 * result's generated time */
	int64_t now;
};

/* Evaluate every control of p for asn. Everything is allocated in a. Returns 0, or -1 on a
 * store error (logged). An empty store or an AS not seen gives "no data" verdicts, not an
 * error. */
int conform_evaluate(const struct conform_ctx *ctx, const struct conform_profile *p, uint32_t asn,
    struct arena *a, struct conform_result *out);

/* ---------------------------------------------------------------- rendering (render_*.c) */

void conform_render_text(FILE *f, const struct conform_result *r);
/* One JSON object of schema CONFORM_SCHEMA (docs/conform.md). */
void conform_render_json(FILE *f, const struct conform_result *r);
/* The same object as json-c builds it (the caller releases it). */
struct json_object;
struct json_object *conform_result_json(const struct conform_result *r);
/* A complete printable page, and the same content as a fragment (one <section>, no <html>,
 * class names prefixed "rmc-") for embedding in the dashboard. */
void conform_render_html(FILE *f, const struct conform_result *r);
void conform_render_html_fragment(FILE *f, const struct conform_result *r);

/* Side by side: n results of the same profile (different ASes). */
void conform_compare_text(FILE *f, const struct conform_result *r, size_t n);
void conform_compare_json(FILE *f, const struct conform_result *r, size_t n);
void conform_compare_html(FILE *f, const struct conform_result *r, size_t n);
void conform_compare_html_fragment(FILE *f, const struct conform_result *r, size_t n);

/* ---------------------------------------------------------------- procurement (rank.c,
 * render_procure*.c): providers ranked, control by control, with links to the evidence on
 * a routemark server and the dates of the data (docs/conform.md) */

#define CONFORM_PROCURE_SCHEMA "routemark.conform/1/procurement"
#define CONFORM_RANKING_RULE                                                                       \
	"conformant first, then more required controls passed, then more recommended controls "    \
	"passed, then fewer failed controls, then the lower AS number"

/* Where a result stands: what the ranking and the reports count. */
struct conform_standing {
	size_t req_pass, req_total, rec_pass, rec_total, fails;
	int64_t data_from, data_to; /* earliest start / latest end of the window's snapshots */
};
void conform_standing(const struct conform_result *r, struct conform_standing *out);
/* order[i] = the index in r of the provider ranked i + 1 (CONFORM_RANKING_RULE). */
void conform_rank(const struct conform_result *r, size_t n, size_t *order);
/* The evidence of r on a routemark server: base ("" = a relative link) +
 * "/as/ASN/conformance?profile=NAME", then "#control-ID" when control is set. free() it. */
char *conform_link(const char *base, const struct conform_result *r, const char *control);

/* n results of one profile, in any order, ranked. base_url as for conform_link. JSON of
 * schema CONFORM_PROCURE_SCHEMA; CSV (RFC 4180, CRLF) one row per provider and control under
 * a fixed header; a self-contained printable HTML page. */
void conform_procure_json(FILE *f, const struct conform_result *r, size_t n, const char *base_url);
void conform_procure_csv(FILE *f, const struct conform_result *r, size_t n, const char *base_url);
void conform_procure_html(FILE *f, const struct conform_result *r, size_t n, const char *base_url);

/* ---------------------------------------------------------------- signed reports (signed.c)
 *
 * The payload of a signed report (docs/conform.md, "Signed reports"): one compact JSON object
 * of schema CONFORM_SIGNED_SCHEMA naming the issuer, the validity (JWT's iat, nbf, exp), the
 * tool, the profile (name, version, SHA-256 of its file), the AS, the window, the evaluation
 * options, every snapshot of the window with its inputs by SHA-256, the reference files by
 * SHA-256, and the report (conform_result_json, "generated" = iat). Built from the same
 * inputs with the same iat it is the same bytes: that is how a report is checked again. */

#define CONFORM_SIGNED_SCHEMA "routemark.conform-signed/1"
/* The JWS "cty" of a signed report (RFC 7515 section 4.1.10: "application/" left out). */
#define CONFORM_SIGNED_CTY "vnd.routemark.conform-signed+json"

/* A reference file the evaluation read (kind as the engine names it: "vrps", "irr", ...;
 * "rtr" is an RTR cache address, not hashed). sha256 is filled by the payload builder. */
struct conform_ref_file {
	const char *kind, *path;
	const char *sha256; /* parsing: hex, or NULL (rtr) */
};

struct conform_signed_meta {
	const char *issuer;
	int64_t exp; /* iat and nbf are the evaluation time, ctx->now */
	const struct conform_ref_file *refs;
	size_t nrefs;
};

/* The payload of r, evaluated with ctx (ctx->now set: it is iat and nbf). NULL with err when
 * a reference file cannot be read or the store fails. Free with free(). */
char *conform_signed_payload(const struct conform_ctx *ctx, const struct conform_result *r,
    const struct conform_signed_meta *m, char *err, size_t errsize);

/* One snapshot of a signed payload. */
struct conform_signed_snap {
	int64_t id;
	const char *key, *label, *period_start, *period_end;
	size_t ninputs;
};

/* What a verifier reads from a signed payload (strings in the arena). */
struct conform_signed_info {
	const char *iss, *tool, *tool_version;
	int64_t iat, nbf, exp;
	uint32_t asn;
	const char *as_name, *overall;
	const char *profile, *profile_version, *profile_sha256;
	/* evaluation options: the --window override (0: the profile's), the evidence kept per
	 * control, the newest snapshot considered (id, key; 0 / NULL: none) */
	int64_t window, max_evidence, snapshot;
	const char *snapshot_key;
	struct conform_signed_snap *snaps;
	size_t nsnaps;
	struct conform_ref_file *refs;
	size_t nrefs;
};

/* Parse and check a payload: schema, every field this header names with its type. -1 with
 * err naming the field. */
int conform_signed_parse(const char *payload, size_t len, struct arena *a,
    struct conform_signed_info *out, char *err, size_t errsize);
/* Compare a signed payload with one built again: 0 when the bytes are equal; else 1 with
 * why naming the top-level fields that differ and the first difference within them
 * ("report.controls[PLUS-RPKI-1].verdict: signed \"pass\", now \"fail\""). */
int conform_signed_diff(const char *signed_payload, size_t slen, const char *rebuilt, size_t rlen,
    char *why, size_t whysize);

/* ---------------------------------------------------------------- IXP route servers (ixp.c) */

/* One member of the route server: its ASN and the AS-SET its announcements must stay in
 * (NULL: the ASN alone). */
struct ixp_member {
	uint32_t asn;
	char *as_set;
};

/* Members file: one member a line, "ASN [AS-SET]" ('#' comments). -1 with err naming the
 * file and line. */
int ixp_members_load(
    const char *path, struct ixp_member **out, size_t *n, char *err, size_t errsize);
void ixp_members_free(struct ixp_member *m, size_t n);

enum ixp_check {
	IXP_BOGON_PREFIX = 0,
	IXP_BOGON_ASN,
	IXP_RPKI_INVALID,
	IXP_ORIGIN_NOT_IN_SET,
	IXP_NO_ROUTE_OBJECT,
	IXP_UNKNOWN_MEMBER,
	IXP_CHECK_COUNT
};
const char *ixp_check_name(enum ixp_check c); /* "bogon-prefix", ... */

struct ixp_violation {
	enum ixp_check check;
	uint32_t member; /* the peer that announced it */
	struct prefix prefix;
	uint32_t origin;
	char path[256];
	char detail[256];
};

struct ixp_member_result {
	uint32_t asn;
	const char *as_set;
	uint64_t routes, bad_routes;
	uint64_t count[IXP_CHECK_COUNT];
	size_t set_asns; /* ASNs the AS-SET expanded to (0: the ASN alone / not found) */
	int set_missing;
};

struct ixp_result {
	uint64_t routes, bad_routes;
	uint64_t count[IXP_CHECK_COUNT];
	int checked[IXP_CHECK_COUNT]; /* 0: the reference data was not given */
	struct ixp_violation *v;
	size_t nv, capv;
	struct ixp_member_result *members;
	size_t nmembers;
	uint64_t malformed;
};

/* Check every route of the RIB/update dump at path as the MANRS IXP guide requires. refs:
 * bogons (NULL = the built-in special-purpose registry), vrps, irr (as-sets, route
 * objects). -1 when the file cannot be read. */
int ixp_check_dump(const char *path, const struct ixp_member *m, size_t nm,
    const struct observe_refs *refs, struct ixp_result *out);
void ixp_result_free(struct ixp_result *r);
void ixp_render_text(FILE *f, const struct ixp_result *r, size_t max_lines);
void ixp_render_json(FILE *f, const struct ixp_result *r);

#endif
