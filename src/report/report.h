/*
 * report — what routemark shows people: the per-AS scorecard (per Action, with readiness,
 * findings and their evidence, customers' incidents, the trend, and a fix list), the
 * Internet-wide summary, rankings and the prefix view, rendered as text, JSON (a documented,
 * versioned schema: docs/json-schema.md) or HTML. One renderer per format behind one table.
 */
#ifndef ROUTEMARK_REPORT_H
#define ROUTEMARK_REPORT_H

#include <stdio.h>

#include "observe/observe.h"
#include "rpki/rpki.h"
#include "store/store.h"

#define REPORT_SCHEMA "routemark.report/1"

enum fix_kind {
	FIX_INVALID_ROUTE = 0, /* an RPKI-invalid announcement: fix the ROA or the route */
	FIX_CUSTOMER,          /* a customer's bad route passed on: filter it */
	FIX_BOGON,             /* a bogon prefix or ASN: filter it */
	FIX_LEAK,              /* a route leak by this AS */
	FIX_CREATE_ROA,        /* a route with no ROA */
	FIX_CREATE_ROUTE_OBJ,  /* a route with no matching IRR route object */
	FIX_DELETE_ROUTE_OBJ,  /* a route object that contradicts the ROAs */
	FIX_CONTACT,           /* no contact in PeeringDB / IRR */
};

/* One thing an operator can do, most urgent first. */
struct fix {
	enum fix_kind kind;
	const char *prefix;
	uint32_t origin, maxlen, other_asn;
	const char *metric; /* grouped fixes: the metric ("M2C") */
	uint32_t nroutes;   /* grouped fixes: how many routes it concerns (prefix: the first) */
	const char *text;   /* the action, in one sentence */
};

const char *fix_kind_name(enum fix_kind k); /* "create-roa", ... */

struct scorecard {
	struct store_snapshot snap;
	uint32_t asn;
	struct store_asinfo info;
	int has_info, found;
	struct store_as_summary sum;
	struct store_metric *metrics;
	size_t nmetrics;
	struct store_finding *findings; /* at most the limit asked */
	size_t nfindings;
	uint64_t findings_total;
	struct store_incident *incidents;
	size_t nincidents;
	struct store_route *routes; /* announced by the AS */
	size_t nroutes;
	struct store_history *history;
	size_t nhistory;
	struct fix *fixes;
	size_t nfixes;
	struct store_asinfo *siblings; /* the other ASes of its organisation (info.org_id) */
	size_t nsiblings;
	struct observe_config cfg; /* readiness thresholds */
	size_t max_fixes;          /* text output: at most this many fixes (0 = all) */
};

/* The settings snapshot snap_id (an id, not 0) was scored with, readiness thresholds
 * included: the defaults overridden by what the snapshot stored. Every surface that names a
 * readiness (report, the API, the dashboard, badges) takes its thresholds from here, then
 * readiness_of(). Returns 0, or -1 on a store error. */
int scorecard_config_load(
    struct store *s, int64_t snap_id, struct arena *a, struct observe_config *cfg);

/* Read the scorecard of asn from snapshot snap (0 = newest). Returns 0 (sc->found says
 * whether the AS is in the snapshot), or -1 on a store error / no snapshot. */
int scorecard_load(struct store *s, int64_t snap, uint32_t asn, size_t max_findings,
    struct arena *a, struct scorecard *sc);

struct report_format {
	const char *name;
	void (*scorecard)(FILE *f, const struct scorecard *sc);
};

/* "text", "json", "html"; NULL when unknown. */
const struct report_format *report_format_find(const char *name);

/* Renderers, one file each. */
void report_text_scorecard(FILE *f, const struct scorecard *sc);
void report_json_scorecard(FILE *f, const struct scorecard *sc);
/* The same JSON without the layout for people (the API's answer, as all its others). */
void report_json_scorecard_compact(FILE *f, const struct scorecard *sc);
void report_html_scorecard(FILE *f, const struct scorecard *sc);

/* ---------------------------------------------------------------- organisations */

#define REPORT_ORG_SCHEMA "routemark.org/1"

/* One network of an organisation. found: it is in the snapshot (as_summary). */
struct org_member {
	struct store_asinfo info;
	int found;
	struct store_as_summary sum;
	uint64_t findings;
};

/* A metric over the organisation: raw values and findings summed over the members; the
 * percentage recomputed from summed counts for the ratios (M7IRR, M7RPKI), else the worst
 * member's (worst_asn; nmeasured members had data). */
struct org_metric {
	const char *metric;
	double raw, percent;
	uint64_t count;
	uint32_t worst_asn;
	size_t nmeasured;
};

/* The organisation scorecard (a MANRS participant with several networks), aggregated at read
 * time from its members' rows (docs/metrics.md, "Organisations"). */
struct org_scorecard {
	struct store_snapshot snap;
	struct observe_config cfg;
	const char *id, *name;
	int found; /* the organisation is known to the store */
	struct org_member *members;
	size_t nmembers, nin;        /* nin: members in the snapshot */
	struct store_as_summary sum; /* routes, prefixes, RPKI and IRR counts summed; action[]
	                                and action4_* aggregated as the metrics are */
	uint32_t action_worst[5];    /* the member whose score is the organisation's (0: none) */
	struct org_metric metrics[METRIC_COUNT];
	uint64_t findings;
	int64_t aspa_members; /* members publishing ASPA; -1 no data */
	int64_t aspa_invalid; /* their routes with an ASPA-invalid path, summed; -1 no data */
};

/* Read organisation q (an org id, or a name) from snapshot snap (0 = newest). Returns 0
 * (org->found says whether it is known), or -1 on a store error / no snapshot. */
int org_scorecard_load(
    struct store *s, int64_t snap, const char *q, struct arena *a, struct org_scorecard *org);
void report_text_org(FILE *f, const struct org_scorecard *org);
void report_json_org(FILE *f, const struct org_scorecard *org);
void report_html_org(FILE *f, const struct org_scorecard *org);
void report_html_org_body(FILE *f, const struct org_scorecard *org); /* for the dashboard */

/* Helpers shared by the renderers. */
/* A dispute as JSON (docs/json-schema.md, "Disputes"), with its audit trail when ev is not
 * NULL. The caller owns the object. */
struct json_object;
struct json_object *report_dispute_json(
    const struct store_dispute *d, const struct store_dispute_event *ev, size_t nev);

/* A snapshot's provenance (report/provenance.c): its inputs with their data dates, its known
 * gaps (warnings first), read into an arena. */
struct report_provenance {
	int64_t routing_time; /* the snapshot's period_start */
	struct store_input *in;
	size_t nin;
	struct store_gap *gaps;
	size_t ngaps, nwarnings;
	int stale_days; /* the snapshot's warning threshold */
};
int report_provenance_read(struct store *s, const struct store_snapshot *snap, struct arena *a,
    struct report_provenance *p);
/* Days from the routing data to an input's data (negative: before); 0 when unknown. */
int report_provenance_distance(
    const struct report_provenance *p, const struct store_input *in, long long *days);
/* {"stale_days", "inputs": [...], "gaps": [...], "warnings": [detail, ...]} (caller owns). */
struct json_object *report_provenance_json(const struct report_provenance *p);
/* WARNING lines, then the inputs and the other gaps. */
void report_provenance_text(FILE *f, const struct report_provenance *p);

/* The difference of two snapshots (report/diff.c): routes (prefix, origin) by RPKI state.
 * State codes as store_route_brief: 0 no data, 1 valid, 2 invalid, 3 not-found. */
struct report_route_state {
	struct prefix prefix;
	uint32_t origin;
	uint8_t rpki;
};
struct report_route_change {
	struct prefix prefix;
	uint32_t origin;
	uint8_t from, to;
};
struct report_diff {
	int64_t from, to;
	uint64_t routes_from, routes_to;
	uint64_t changed, unchanged; /* routes in both */
	uint64_t became[4];          /* changed, by the new state */
	uint64_t matrix[4][4];       /* routes in both, [old state][new state] */
	uint64_t appeared[4], disappeared[4];
	struct report_route_change *changes; /* the first limit changes, in prefix order */
	size_t nchanges, capchanges, limit;
	/* the VRP set of each snapshot as recorded (its provenance); path NULL when none: the
	 * ROAs that appeared are what `routemark vrps --vrps FROM --diff TO` shows */
	struct report_diff_vrps {
		char *path, *sha256;
		int64_t data_time;
	} vrps[2];
};
/* 0, or -1 on a store error (logged). report_diff_free in both cases. */
int report_diff(struct store *s, int64_t from, int64_t to, size_t limit, struct report_diff *d);
void report_diff_free(struct report_diff *d);
const char *report_diff_state(int code); /* "valid", ..., "no-data" */
/* Schema routemark.diff/1 (docs/json-schema.md); the caller owns it. */
struct json_object *report_diff_json(const struct report_diff *d);
void report_diff_text(FILE *f, const struct report_diff *d);

/* diff_roas.c: the ROAs (VRPs) that appeared and disappeared between two snapshots. */
struct report_roas {
	size_t before, after;         /* VRPs in each set */
	size_t appeared, disappeared; /* in all */
	struct report_roas_change {
		struct vrp vrp;
		int added;
	} * changes; /* the first limit, in prefix order */
	size_t n, limit;
};
void report_roas_diff(
    const struct vrp_table *from, const struct vrp_table *to, size_t limit, struct report_roas *r);
void report_roas_free(struct report_roas *r);
/* {"from", "to", "vrps_before", "vrps_after", "appeared", "disappeared", "changes": [{change,
 * prefix, maxLength, asn}]}; from and to name the two sets (file names). */
struct json_object *report_roas_json(const struct report_roas *r, const char *from, const char *to);

const char *report_pct(double pct, char *buf, size_t size); /* "87.5 %" or "no data" */
const char *report_time(int64_t t, char *buf, size_t size); /* "2014-05-30 22:00 UTC" */
/* Who saw a finding's route, for people: "PEER ASn", or "a prefix-to-origin table" for a
 * route of a table (src/origins: no peer, peer AS 0). */
const char *report_seen_via(const struct store_finding *x, char *buf, size_t size);

#endif
