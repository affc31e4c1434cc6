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

enum metric_id {
	M1,
	M1C,
	M2,
	M2C,
	M3,
	M3C,
	M4,
	M4C,
	M5,
	M7IRR,
	M7RPKI,
	M8,
	METRIC_COUNT
};

enum metric_kind {
	METRIC_INCIDENTS, /* Action 1: weighted incidents -> raw value -> percentage curve */
	METRIC_SHARE,     /* a share of routes, already a percentage */
	METRIC_PRESENCE,  /* 0 or 100 % */
	METRIC_COUNT_RAW, /* a count (M5: spoofing prefixes) */
};

/* One row per metric: the single source of truth for names, actions and meaning. */
struct metric_def {
	enum metric_id id;
	const char *name;   /* "M2C" */
	int action;         /* MANRS action 1..4 */
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
	double curve_k;            /* percent = 100 * exp(-k * sqrt(raw)); default 0.7133 */
	const struct curve_point *curve; /* if set, piecewise-linear curve instead (sorted) */
	size_t ncurve;
	double ready_min;          /* readiness "ready" at or above; default 90 */
	double aspiring_min;       /* "aspiring" at or above; default 50 */
	double snapshot_score;     /* an incident seen in one RIB snapshot only; default 1 */
	double rpki_invalid_factor; /* M7RPKI = valid% - factor * invalid%; default 10 */
	int action1_with_m1;       /* include M1/M1C in the Action 1 mean; default 0 */
};

void observe_config_default(struct observe_config *c);

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
double incident_duration_score(const struct observe_config *c, int64_t seconds,
    int duration_known);
/* Merge events of the same AS, metric and weight whose intervals overlap or touch into
 * incidents. Sorts ev in place; writes at most n incidents to out; returns their count. */
size_t incidents_merge(const struct observe_config *c, struct event *ev, size_t n,
    struct incident *out);

/* ---------------------------------------------------------------- scores */

/* Raw Action 1 value -> percentage (1 = 100 % when raw is 0). */
double metric_percent(const struct observe_config *c, double raw);
/* M7RPKI: share valid - factor * share invalid, clamped to 0..100. Returns -1 with no routes. */
double m7rpki_percent(const struct observe_config *c, uint64_t valid, uint64_t invalid,
    uint64_t total);
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

#endif
