/* Reading the store: scorecards, findings, incidents, routes, history, rankings. */
#include <stdlib.h>
#include <string.h>

#include "store_private.h"

/* A growable array in an arena (the old copy is simply abandoned to the arena). */
struct vec {
	void *v;
	size_t n, cap, size;
};

static void *vec_push(struct vec *x, struct arena *a)
{
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 16;
		void *nv = arena_alloc(a, cap * x->size);
		if (x->n)
			memcpy(nv, x->v, x->n * x->size);
		x->v = nv;
		x->cap = cap;
	}
	void *e = (char *)x->v + x->n++ * x->size;
	memset(e, 0, x->size);
	return e;
}

static double col_pct(struct db_stmt *st, int i)
{
	return db_col_null(st, i) ? -1 : db_col_double(st, i);
}

static int prep(struct store *s, const char *sql, struct db_stmt **st)
{
	if (db_prepare(s->db, sql, st) != 0) {
		log_err("%s: query: %s", s->path, db_errmsg(s->db));
		return -1;
	}
	return 0;
}

/* prep, then bind what most queries select by: ?1 the snapshot, ?2 the AS and ?3 the metric
 * (left NULL, "any", when metric is NULL). */
static int prep_as(struct store *s, const char *sql, int64_t snap, uint32_t asn, const char *metric,
    struct db_stmt **st)
{
	if (prep(s, sql, st))
		return -1;
	db_bind_int64(*st, 1, snap);
	db_bind_int64(*st, 2, asn);
	if (metric)
		db_bind_text(*st, 3, metric);
	return 0;
}

static int done(struct store *s, struct db_stmt *st, int rc)
{
	db_finalize(st);
	if (rc != DB_DONE) {
		log_err("%s: query: %s", s->path, db_errmsg(s->db));
		return -1;
	}
	return 0;
}

#define SNAP_COLS                                                                                  \
	"id, key, created, period_start, period_end, label, routes, prefixes_v4, "                 \
	"prefixes_v6, ases"

static void read_snapshot(struct db_stmt *st, int c, struct arena *a, struct store_snapshot *x)
{
	x->id = db_col_int64(st, c);
	const char *k = db_col_text(st, c + 1);
	snprintf(x->key, sizeof(x->key), "%s", k ? k : "");
	x->created = db_col_int64(st, c + 2);
	x->period_start = db_col_int64(st, c + 3);
	x->period_end = db_col_int64(st, c + 4);
	x->label = store_col_text(st, c + 5, a);
	x->routes = (uint64_t)db_col_int64(st, c + 6);
	x->prefixes_v4 = (uint64_t)db_col_int64(st, c + 7);
	x->prefixes_v6 = (uint64_t)db_col_int64(st, c + 8);
	x->ases = (uint64_t)db_col_int64(st, c + 9);
}

int store_snapshots(
    struct store *s, size_t limit, struct arena *a, struct store_snapshot **out, size_t *n)
{
	struct db_stmt *st;
	struct vec v = {.size = sizeof(**out)};
	if (prep(s, "SELECT " SNAP_COLS " FROM snapshot ORDER BY created DESC, id DESC LIMIT ?1",
	        &st))
		return -1;
	db_bind_limit(st, 1, (int64_t)limit);
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		read_snapshot(st, 0, a, vec_push(&v, a));
	*out = v.v;
	*n = v.n;
	return done(s, st, rc);
}

#define SUM_COLS                                                                                   \
	"asn, prefixes_v4, prefixes_v6, routes, rpki_valid, rpki_invalid, "                        \
	"rpki_notfound, irr_registered, irr_unregistered, action1, action2, action3, "             \
	"action4_irr, action4_rpki, aspa, aspa_invalid"

static void read_summary(struct db_stmt *st, int c, struct store_as_summary *x)
{
	memset(x, 0, sizeof(*x));
	x->asn = (uint32_t)db_col_int64(st, c);
	uint64_t *f[] = {&x->prefixes_v4, &x->prefixes_v6, &x->routes, &x->rpki_valid,
	    &x->rpki_invalid, &x->rpki_notfound, &x->irr_registered, &x->irr_unregistered};
	for (int i = 0; i < 8; i++)
		*f[i] = (uint64_t)db_col_int64(st, c + 1 + i);
	x->action[0] = -1;
	x->action[1] = col_pct(st, c + 9);
	x->action[2] = col_pct(st, c + 10);
	x->action[3] = col_pct(st, c + 11);
	x->action4_irr = col_pct(st, c + 12);
	x->action4_rpki = col_pct(st, c + 13);
	x->aspa = db_col_null(st, c + 14) ? -1 : (int)db_col_int64(st, c + 14);
	x->aspa_invalid = db_col_null(st, c + 15) ? -1 : db_col_int64(st, c + 15);
	/* Action 4 as one number: the lower of its two parts (no data if both have none) */
	x->action[4] = x->action4_irr < 0                 ? x->action4_rpki
	               : x->action4_rpki < 0              ? x->action4_irr
	               : x->action4_irr < x->action4_rpki ? x->action4_irr
	                                                  : x->action4_rpki;
}

int store_get_summary(
    struct store *s, int64_t snap, uint32_t asn, struct store_as_summary *out, int *found)
{
	struct db_stmt *st;
	if (prep_as(s, "SELECT " SUM_COLS " FROM as_summary WHERE snapshot_id = ?1 AND asn = ?2",
	        snap, asn, NULL, &st))
		return -1;
	int rc = db_step(st);
	*found = rc == DB_ROW;
	if (*found) {
		read_summary(st, 0, out);
		rc = DB_DONE;
	}
	return done(s, st, rc);
}

static void read_metric(struct db_stmt *st, struct arena *a, struct store_metric *m)
{
	m->asn = (uint32_t)db_col_int64(st, 0);
	m->metric = store_col_text(st, 1, a);
	m->raw = db_col_double(st, 2);
	m->percent = col_pct(st, 3);
	m->count = (uint64_t)db_col_int64(st, 4);
}

/*
 * An AS's metrics are kept sparse: a row in as_metric only where the analysis found
 * something (an incident metric with a raw value or findings); the share metrics are columns
 * of as_summary; every other incident metric has the snapshot's default (global_stat scope
 * "metric_default": its percentage at raw 0, or < 0 for "no data"). Reading puts the twelve
 * back together; a row in as_metric wins over both.
 */
static const struct {
	const char *metric;
	const char *raw, *percent; /* as_summary columns */
} summary_metrics[] = {
    {"M5", "0", "action2"},
    {"M7IRR", "irr_registered", "action4_irr"},
    {"M7RPKI", "rpki_invalid", "action4_rpki"},
    {"M8", "CASE WHEN action3 > 0 THEN 1 ELSE 0 END", "action3"},
};
#define NSUMMARY_METRICS (sizeof(summary_metrics) / sizeof(summary_metrics[0]))

static int have_metric(const struct vec *v, const char *name)
{
	const struct store_metric *m = v->v;
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(m[i].metric, name) == 0)
			return 1;
	return 0;
}

static int metric_cmp(const void *a, const void *b)
{
	return strcmp(
	    ((const struct store_metric *)a)->metric, ((const struct store_metric *)b)->metric);
}

int store_get_metrics(struct store *s, int64_t snap, uint32_t asn, struct arena *a,
    struct store_metric **out, size_t *n)
{
	struct db_stmt *st;
	struct vec v = {.size = sizeof(**out)};
	int rc;
	*out = NULL;
	*n = 0;
	if (prep_as(s,
	        "SELECT asn, metric, raw, percent, count FROM as_metric "
	        "WHERE snapshot_id = ?1 AND asn = ?2",
	        snap, asn, NULL, &st))
		return -1;
	while ((rc = db_step(st)) == DB_ROW)
		read_metric(st, a, vec_push(&v, a));
	if (done(s, st, rc))
		return -1;
	struct store_as_summary sum;
	int found;
	if (store_get_summary(s, snap, asn, &sum, &found))
		return -1;
	if (found) {
		const double raw[] = {
		    0, (double)sum.irr_registered, (double)sum.rpki_invalid, sum.action[3] > 0};
		const double pct[] = {
		    sum.action[2], sum.action4_irr, sum.action4_rpki, sum.action[3]};
		for (size_t i = 0; i < NSUMMARY_METRICS; i++) {
			if (have_metric(&v, summary_metrics[i].metric))
				continue;
			struct store_metric *m = vec_push(&v, a);
			*m = (struct store_metric){
			    asn, summary_metrics[i].metric, raw[i], pct[i], 0};
		}
		if (prep(s,
		        "SELECT key, value FROM global_stat WHERE snapshot_id = ?1 AND "
		        "scope = 'metric_default'",
		        &st))
			return -1;
		db_bind_int64(st, 1, snap);
		while ((rc = db_step(st)) == DB_ROW) {
			const char *name = db_col_text(st, 0);
			if (name == NULL || have_metric(&v, name))
				continue;
			double d = db_col_double(st, 1);
			struct store_metric *m = vec_push(&v, a);
			*m =
			    (struct store_metric){asn, arena_strdup(a, name), 0, d < 0 ? -1 : d, 0};
		}
		if (done(s, st, rc))
			return -1;
	}
	if (v.n)
		qsort(v.v, v.n, v.size, metric_cmp);
	*out = v.v;
	*n = v.n;
	return 0;
}

int store_top(struct store *s, int64_t snap, const char *metric, size_t limit, struct arena *a,
    struct store_metric **out, size_t *n)
{
	struct db_stmt *st;
	struct vec v = {.size = sizeof(**out)};
	char sql[512];
	snprintf(sql, sizeof(sql),
	    "SELECT asn, metric, raw, percent, count FROM as_metric "
	    "WHERE snapshot_id = ?1 AND metric = ?2 AND raw > 0 "
	    "ORDER BY raw DESC, asn LIMIT ?3");
	/* M5 of a tested AS has its row (the spoofing prefixes); the others are columns */
	for (size_t i = 0; i < NSUMMARY_METRICS; i++)
		if (strcmp(metric, summary_metrics[i].metric) == 0 && strcmp(metric, "M5") != 0)
			snprintf(sql, sizeof(sql),
			    "SELECT asn, CAST(?2 AS TEXT), %s AS r, %s, 0 FROM as_summary WHERE "
			    "snapshot_id = ?1 AND %s > 0 ORDER BY r DESC, asn LIMIT ?3",
			    summary_metrics[i].raw, summary_metrics[i].percent,
			    summary_metrics[i].raw);
	if (prep(s, sql, &st))
		return -1;
	db_bind_int64(st, 1, snap);
	db_bind_text(st, 2, metric);
	db_bind_limit(st, 3, (int64_t)limit);
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		read_metric(st, a, vec_push(&v, a));
	*out = v.v;
	*n = v.n;
	return done(s, st, rc);
}

#define FIND_COLS                                                                                  \
	"asn, metric, culprit, prefix, origin, path, peer_ip, peer_asn, peers, "                   \
	"first_seen, last_seen, detail, evidence, id, disputed, rib_first, rib_last, upd_first, "  \
	"upd_last"

/* Step st (FIND_COLS) to the end, collecting its rows. */
static int read_findings(
    struct store *s, struct db_stmt *st, struct arena *a, struct store_finding **out, size_t *n)
{
	struct vec v = {.size = sizeof(**out)};
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct store_finding *f = vec_push(&v, a);
		f->asn = (uint32_t)db_col_int64(st, 0);
		f->metric = store_col_text(st, 1, a);
		f->culprit = (uint32_t)db_col_int64(st, 2);
		f->prefix = store_col_text(st, 3, a);
		f->origin = (uint32_t)db_col_int64(st, 4);
		f->path = store_col_text(st, 5, a);
		f->peer_ip = store_col_text(st, 6, a);
		f->peer_asn = (uint32_t)db_col_int64(st, 7);
		f->peers = (uint32_t)db_col_int64(st, 8);
		f->first_seen = db_col_int64(st, 9);
		f->last_seen = db_col_int64(st, 10);
		f->detail = store_col_text(st, 11, a);
		f->evidence = store_col_text(st, 12, a);
		f->id = db_col_int64(st, 13);
		f->disputed = db_col_int64(st, 14);
		f->rib_first = db_col_int64(st, 15);
		f->rib_last = db_col_int64(st, 16);
		f->upd_first = db_col_int64(st, 17);
		f->upd_last = db_col_int64(st, 18);
	}
	*out = v.v;
	*n = v.n;
	return done(s, st, rc);
}

int store_get_findings(struct store *s, int64_t snap, uint32_t asn, const char *metric,
    size_t limit, size_t offset, struct arena *a, struct store_finding **out, size_t *n)
{
	struct db_stmt *st;
	/* NULLs first, as SQLite orders them (PostgreSQL: last) */
#define FIND_SQL(NULLS)                                                                            \
	"SELECT " FIND_COLS " FROM finding WHERE snapshot_id = ?1 AND asn = ?2 "                   \
	"AND (CAST(?3 AS TEXT) IS NULL OR metric = ?3) ORDER BY metric, prefix" NULLS              \
	", id LIMIT ?4 OFFSET ?5"
	if (prep_as(
	        s, store_sql(s, FIND_SQL(""), FIND_SQL(" NULLS FIRST")), snap, asn, metric, &st))
		return -1;
	db_bind_limit(st, 4, (int64_t)limit);
	db_bind_int64(st, 5, (int64_t)offset);
	return read_findings(s, st, a, out, n);
}

int store_get_finding_briefs(struct store *s, int64_t snap, uint32_t asn, struct arena *a,
    struct store_finding **out, size_t *n)
{
	struct db_stmt *st;
	/* FIND_COLS without the bulky ones; an accepted dispute leaves nothing to fix */
#define BRIEF_SQL(NULLS)                                                                           \
	"SELECT asn, metric, culprit, prefix, origin, NULL, NULL, 0, 0, 0, 0, detail, "            \
	"NULL, id, NULL, 0, 0, 0, 0 FROM finding WHERE snapshot_id = ?1 AND asn = ?2 AND "         \
	"metric <> 'M2' AND disputed IS NULL ORDER BY metric, prefix" NULLS ", id"
	if (prep_as(
	        s, store_sql(s, BRIEF_SQL(""), BRIEF_SQL(" NULLS FIRST")), snap, asn, NULL, &st))
		return -1;
	return read_findings(s, st, a, out, n);
}

/* Findings of an AS (metric NULL: all), all of them or only those still scored. */
static int count_findings(struct store *s, int64_t snap, uint32_t asn, const char *metric,
    int scored_only, uint64_t *count)
{
	struct db_stmt *st;
	if (prep_as(s,
	        scored_only ? "SELECT count(*) FROM finding WHERE snapshot_id = ?1 AND asn = ?2 "
	                      "AND (CAST(?3 AS TEXT) IS NULL OR metric = ?3) AND disputed IS NULL"
	                    : "SELECT count(*) FROM finding WHERE snapshot_id = ?1 AND asn = ?2 "
	                      "AND (CAST(?3 AS TEXT) IS NULL OR metric = ?3)",
	        snap, asn, metric, &st))
		return -1;
	int rc = db_step(st);
	*count = rc == DB_ROW ? (uint64_t)db_col_int64(st, 0) : 0;
	return done(s, st, rc == DB_ROW ? DB_DONE : rc);
}

int store_count_findings(
    struct store *s, int64_t snap, uint32_t asn, const char *metric, uint64_t *count)
{
	return count_findings(s, snap, asn, metric, 0, count);
}

int store_count_scored_findings(
    struct store *s, int64_t snap, uint32_t asn, const char *metric, uint64_t *count)
{
	return count_findings(s, snap, asn, metric, 1, count);
}

int store_get_incidents(struct store *s, int64_t snap, uint32_t asn, const char *metric,
    int64_t from, int64_t to, size_t limit, size_t offset, struct arena *a,
    struct store_incident **out, size_t *n)
{
	struct db_stmt *st;
	struct vec v = {.size = sizeof(**out)};
	/* two statements, so that one AS's incidents are found through incident_asn
	 * (an "?2 = 0 OR asn = ?2" term would leave only snapshot_id usable) */
#define INC_SQL(ASN)                                                                               \
	"SELECT asn, metric, start, \"end\", weight, score, nevents, duration_known FROM "         \
	"incident "                                                                                \
	"WHERE snapshot_id = ?1 " ASN                                                              \
	"AND (CAST(?3 AS TEXT) IS NULL OR metric = ?3) AND (?4 = 0 OR \"end\" >= ?4) "             \
	"AND (?5 = 0 OR start <= ?5) ORDER BY start DESC, asn, metric LIMIT ?6 OFFSET ?7"
	if (prep_as(s, asn ? INC_SQL("AND asn = ?2 ") : INC_SQL(""), snap, asn, metric, &st))
		return -1;
#undef INC_SQL
	db_bind_int64(st, 4, from);
	db_bind_int64(st, 5, to);
	db_bind_limit(st, 6, (int64_t)limit);
	db_bind_int64(st, 7, (int64_t)offset);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct store_incident *i = vec_push(&v, a);
		i->asn = (uint32_t)db_col_int64(st, 0);
		i->metric = store_col_text(st, 1, a);
		i->start = db_col_int64(st, 2);
		i->end = db_col_int64(st, 3);
		i->weight = db_col_double(st, 4);
		i->score = db_col_double(st, 5);
		i->nevents = (uint32_t)db_col_int64(st, 6);
		i->duration_known = (int)db_col_int64(st, 7);
	}
	*out = v.v;
	*n = v.n;
	return done(s, st, rc);
}

int store_get_history(
    struct store *s, uint32_t asn, struct arena *a, struct store_history **out, size_t *n)
{
	struct db_stmt *st;
	struct vec v = {.size = sizeof(**out)};
	if (prep(s,
	        "SELECT snapshot.id, key, created, period_start, period_end, label, "
	        "snapshot.routes, snapshot.prefixes_v4, snapshot.prefixes_v6, ases, "
	        "m.asn IS NOT NULL, "
	        "m.asn, m.prefixes_v4, m.prefixes_v6, m.routes, m.rpki_valid, m.rpki_invalid, "
	        "m.rpki_notfound, m.irr_registered, m.irr_unregistered, m.action1, m.action2, "
	        "m.action3, m.action4_irr, m.action4_rpki, m.aspa, m.aspa_invalid FROM snapshot "
	        "LEFT JOIN as_summary m ON m.snapshot_id = snapshot.id AND m.asn = ?1 "
	        "ORDER BY period_start, created, id",
	        &st))
		return -1;
	db_bind_int64(st, 1, asn);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct store_history *h = vec_push(&v, a);
		read_snapshot(st, 0, a, &h->snap);
		h->found = (int)db_col_int64(st, 10);
		if (h->found)
			read_summary(st, 11, &h->sum);
	}
	*out = v.v;
	*n = v.n;
	return done(s, st, rc);
}

int store_get_globals(struct store *s, int64_t snap, const char *scope, struct arena *a,
    struct store_global **out, size_t *n)
{
	struct db_stmt *st;
	struct vec v = {.size = sizeof(**out)};
	if (prep(s,
	        "SELECT scope, key, value FROM global_stat WHERE snapshot_id = ?1 "
	        "AND (?2 = '' OR scope = ?2) ORDER BY scope, key",
	        &st))
		return -1;
	db_bind_int64(st, 1, snap);
	db_bind_text(st, 2, scope ? scope : "");
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct store_global *g = vec_push(&v, a);
		g->scope = store_col_text(st, 0, a);
		g->key = store_col_text(st, 1, a);
		g->value = db_col_double(st, 2);
	}
	*out = v.v;
	*n = v.n;
	return done(s, st, rc);
}

int store_get_asinfo(
    struct store *s, uint32_t asn, struct arena *a, struct store_asinfo *out, int *found)
{
	struct db_stmt *st;
	if (prep(s, "SELECT asn, name, cc, rir, org_id, org_name FROM as_info WHERE asn = ?1", &st))
		return -1;
	db_bind_int64(st, 1, asn);
	int rc = db_step(st);
	memset(out, 0, sizeof(*out));
	out->asn = asn;
	*found = rc == DB_ROW;
	if (*found) {
		out->name = store_col_text(st, 1, a);
		out->cc = store_col_text(st, 2, a);
		out->rir = store_col_text(st, 3, a);
		out->org_id = store_col_text(st, 4, a);
		out->org_name = store_col_text(st, 5, a);
		rc = DB_DONE;
	}
	return done(s, st, rc);
}

int store_find_org(
    struct store *s, const char *q, struct arena *a, const char **id, const char **name, int *found)
{
	struct db_stmt *st;
	*id = *name = NULL;
	/* PostgreSQL has no NOCASE: lower() both (SQLite's NOCASE folds ASCII only) */
#define ORG_SQL(MATCH)                                                                             \
	"SELECT org_id, org_name FROM as_info WHERE org_id = ?1 OR " MATCH                         \
	" ORDER BY org_id <> ?1, org_id LIMIT 1"
	if (prep(s,
	        store_sql(s, ORG_SQL("org_name = ?1 COLLATE NOCASE"),
	            ORG_SQL("lower(org_name) = lower(?1)")),
	        &st))
		return -1;
	db_bind_text(st, 1, q);
	int rc = db_step(st);
	*found = rc == DB_ROW;
	if (*found) {
		*id = store_col_text(st, 0, a);
		*name = store_col_text(st, 1, a);
		rc = DB_DONE;
	}
	return done(s, st, rc);
}

int store_org_members(
    struct store *s, const char *id, struct arena *a, struct store_asinfo **out, size_t *n)
{
	struct db_stmt *st;
	struct vec v = {.size = sizeof(**out)};
	if (prep(s,
	        "SELECT asn, name, cc, rir, org_id, org_name FROM as_info WHERE org_id = ?1 "
	        "ORDER BY asn",
	        &st))
		return -1;
	db_bind_text(st, 1, id);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct store_asinfo *x = vec_push(&v, a);
		x->asn = (uint32_t)db_col_int64(st, 0);
		x->name = store_col_text(st, 1, a);
		x->cc = store_col_text(st, 2, a);
		x->rir = store_col_text(st, 3, a);
		x->org_id = store_col_text(st, 4, a);
		x->org_name = store_col_text(st, 5, a);
	}
	*out = v.v;
	*n = v.n;
	return done(s, st, rc);
}

int store_search_as(struct store *s, const char *q, size_t limit, struct arena *a,
    struct store_asinfo **out, size_t *n)
{
	struct db_stmt *st;
	struct vec v = {.size = sizeof(**out)};
	uint32_t asn = 0;
	int is_asn = asn_parse(q, &asn) == 0;
	/* LIKE ignores ASCII case in SQLite; PostgreSQL's ILIKE does */
#define SEARCH_SQL(LIKE)                                                                           \
	"SELECT asn, name, cc, rir FROM as_info WHERE asn = ?1 "                                   \
	"OR (?2 <> '' AND name " LIKE " '%' || ?2 || '%' ESCAPE '\\') "                            \
	"ORDER BY asn = ?1 DESC, asn LIMIT ?3"
	if (prep(s, store_sql(s, SEARCH_SQL("LIKE"), SEARCH_SQL("ILIKE")), &st))
		return -1;
	/* escape LIKE wildcards in the user's text */
	char esc[256];
	size_t k = 0;
	for (const char *c = q; *c && k + 2 < sizeof(esc); c++) {
		if (*c == '%' || *c == '_' || *c == '\\')
			esc[k++] = '\\';
		esc[k++] = *c;
	}
	esc[k] = '\0';
	db_bind_int64(st, 1, is_asn ? (int64_t)asn : -1);
	db_bind_text(st, 2, esc);
	db_bind_limit(st, 3, (int64_t)limit);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct store_asinfo *x = vec_push(&v, a);
		x->asn = (uint32_t)db_col_int64(st, 0);
		x->name = store_col_text(st, 1, a);
		x->cc = store_col_text(st, 2, a);
		x->rir = store_col_text(st, 3, a);
	}
	*out = v.v;
	*n = v.n;
	return done(s, st, rc);
}
