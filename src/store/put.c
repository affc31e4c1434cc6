/*
 * Writing a snapshot's rows: its inputs, per-AS metrics and summaries, findings, incidents,
 * global figures, and AS names. Rows come as arrays. On SQLite most go BATCH_ROWS at a time
 * through one INSERT of as many VALUES groups (a statement's fixed cost, from binding to the
 * step's end, is about a quarter of a small row's: 75,000 as_summary rows 0.13 -> 0.09 s),
 * the remainder one by one. PostgreSQL takes them one by one, pipelined (db_pg.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_private.h"

#define BATCH_ROWS 16 /* 32 measured no faster */

static const char *const stmt_sql[ST_COUNT] = {
    [ST_INPUT] = "INSERT INTO snapshot_input (snapshot_id, kind, path, sha256, size, records, "
                 "malformed, data_time, date_from) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
    [ST_METRIC] = "INSERT OR REPLACE INTO as_metric VALUES (?1,?2,?3,?4,?5,?6)",
    [ST_SUMMARY] = "INSERT OR REPLACE INTO as_summary (snapshot_id, asn, prefixes_v4, "
                   "prefixes_v6, routes, rpki_valid, rpki_invalid, rpki_notfound, "
                   "irr_registered, irr_unregistered, action1, action2, action3, "
                   "action4_irr, action4_rpki, aspa, aspa_invalid) VALUES "
                   "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)",
    [ST_FINDING] = "INSERT INTO finding (snapshot_id, asn, metric, culprit, prefix, origin, "
                   "path, peer_ip, peer_asn, peers, first_seen, last_seen, detail, evidence, "
                   "rib_first, rib_last, upd_first, upd_last) "
                   "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)",
    [ST_INCIDENT] =
        "INSERT INTO incident (snapshot_id, asn, metric, start, \"end\", weight, score, "
        "nevents, duration_known) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
    [ST_GLOBAL] = "INSERT OR REPLACE INTO global_stat VALUES (?1,?2,?3,?4)",
    [ST_ASINFO] = "INSERT INTO as_info (asn, name, cc, rir, org_id, org_name) "
                  "VALUES (?1,?2,?3,?4,?5,?6) ON CONFLICT(asn) DO UPDATE SET "
                  "name = coalesce(excluded.name, as_info.name), "
                  "cc = coalesce(excluded.cc, as_info.cc), "
                  "rir = coalesce(excluded.rir, as_info.rir), "
                  "org_id = coalesce(excluded.org_id, as_info.org_id), "
                  "org_name = coalesce(excluded.org_name, as_info.org_name)",
};

/* PostgreSQL's, where they differ: no INSERT OR REPLACE */
static const char *const stmt_sql_pg[ST_COUNT] = {
    [ST_METRIC] = STORE_PG_PUT_METRIC,
    [ST_SUMMARY] = "INSERT INTO as_summary (snapshot_id, asn, prefixes_v4, "
                   "prefixes_v6, routes, rpki_valid, rpki_invalid, rpki_notfound, "
                   "irr_registered, irr_unregistered, action1, action2, action3, "
                   "action4_irr, action4_rpki, aspa, aspa_invalid) VALUES "
                   "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17) "
                   "ON CONFLICT (snapshot_id, asn) DO UPDATE SET "
                   "prefixes_v4 = excluded.prefixes_v4, prefixes_v6 = excluded.prefixes_v6, "
                   "routes = excluded.routes, rpki_valid = excluded.rpki_valid, "
                   "rpki_invalid = excluded.rpki_invalid, "
                   "rpki_notfound = excluded.rpki_notfound, "
                   "irr_registered = excluded.irr_registered, "
                   "irr_unregistered = excluded.irr_unregistered, "
                   "action1 = excluded.action1, action2 = excluded.action2, "
                   "action3 = excluded.action3, action4_irr = excluded.action4_irr, "
                   "action4_rpki = excluded.action4_rpki, aspa = excluded.aspa, "
                   "aspa_invalid = excluded.aspa_invalid",
    [ST_GLOBAL] = "INSERT INTO global_stat VALUES (?1,?2,?3,?4) ON CONFLICT (snapshot_id, "
                  "scope, key) DO UPDATE SET value = excluded.value",
};

/* Per statement: ?1 is the snapshot's id, shared by all rows of a batch (snap), and
 * whether its rows go in batches: not the findings (a rowid table with an index: 126,461 rows
 * took 0.33 s batched, 0.23 s one by one). */
static const struct {
	int snap, batch;
} row_shape[ST_COUNT] = {
    [ST_INPUT] = {1, 0},
    [ST_METRIC] = {1, 1},
    [ST_SUMMARY] = {1, 1},
    [ST_FINDING] = {1, 0},
    [ST_INCIDENT] = {1, 1},
    [ST_GLOBAL] = {1, 1},
    [ST_ASINFO] = {0, 1},
};

/* The placeholders of one row of statement k besides a shared ?1: its highest number less
 * the shared one. */
static int row_width(enum store_stmt k)
{
	int max = 0;
	for (const char *c = strchr(stmt_sql[k], '?'); c; c = strchr(c + 1, '?')) {
		int v = atoi(c + 1);
		if (v > max)
			max = v;
	}
	return max - row_shape[k].snap;
}

static struct db_stmt *stmt(struct store *s, enum store_stmt k)
{
	const char *sql = db_is_pg(s->db) && stmt_sql_pg[k] ? stmt_sql_pg[k] : stmt_sql[k];
	if (s->st[k] == NULL && db_prepare(s->db, sql, &s->st[k]) != 0) {
		store_db_fail(s, "preparing a statement");
		return NULL;
	}
	db_reset(s->st[k]);
	db_clear(s->st[k]);
	return s->st[k];
}

/* Statement k for one row, ?1 bound to the snapshot being written where it has one (NULL
 * outside a snapshot then). */
static struct db_stmt *row_stmt(struct store *s, enum store_stmt k)
{
	struct db_stmt *st = stmt(s, k);
	if (st == NULL || !row_shape[k].snap)
		return st;
	if (!s->in_snapshot)
		return NULL;
	db_bind_int64(st, 1, s->snap_id);
	return st;
}

/* Statement k's SQLite text with its VALUES group written BATCH_ROWS times, the placeholders
 * of row r moved up by r * row_width (a shared ?1 stays). */
static char *batch_sql(enum store_stmt k, int width)
{
	const char *sql = stmt_sql[k], *g = strstr(sql, "VALUES (");
	if (g == NULL)
		return NULL;
	g += strlen("VALUES ");
	const char *ge = strchr(g, ')');
	if (ge == NULL)
		return NULL;
	ge++;
	size_t cap = strlen(sql) + BATCH_ROWS * ((size_t)(ge - g) * 2 + 2), n = 0;
	char *out = xmalloc(cap);
	n += (size_t)snprintf(out, cap, "%.*s", (int)(g - sql), sql);
	for (int r = 0; r < BATCH_ROWS; r++) {
		if (r)
			out[n++] = ',';
		for (const char *c = g; c < ge; c++) {
			if (*c != '?') {
				out[n++] = *c;
				continue;
			}
			char *end;
			int v = (int)strtol(c + 1, &end, 10);
			c = end - 1;
			if (!(row_shape[k].snap && v == 1))
				v += r * width;
			n += (size_t)snprintf(out + n, cap - n, "?%d", v);
		}
	}
	snprintf(out + n, cap - n, "%s", ge);
	return out;
}

/* The BATCH_ROWS statement of k, ?1 bound as in row_stmt; NULL when there is none. */
static struct db_stmt *batch_stmt(struct store *s, enum store_stmt k, int width)
{
	if (s->batch[k] == NULL) {
		char *sql = batch_sql(k, width);
		int rc = sql ? db_prepare(s->db, sql, &s->batch[k]) : -1;
		free(sql);
		if (rc != 0) {
			store_db_fail(s, "preparing a statement");
			return NULL;
		}
	}
	db_reset(s->batch[k]);
	if (row_shape[k].snap) {
		if (!s->in_snapshot)
			return NULL;
		db_bind_int64(s->batch[k], 1, s->snap_id);
	}
	return s->batch[k];
}

static int step_done(struct store *s, struct db_stmt *st)
{
	int rc = db_step(st);
	db_reset(st);
	return rc == DB_DONE ? 0 : store_db_fail(s, "writing");
}

/* Binds one row's placeholders, each moved up by base. */
typedef void (*bind_row_fn)(struct db_stmt *st, int base, const void *row);

/* n rows of size bytes each: whole batches on SQLite, then one by one. Every placeholder of
 * a row is bound (a batch's bindings are not cleared between steps). */
static int put_rows(
    struct store *s, enum store_stmt k, const void *rows, size_t size, size_t n, bind_row_fn bind)
{
	const char *row = rows;
	size_t i = 0;
	if (n >= BATCH_ROWS && !db_is_pg(s->db) && row_shape[k].batch) {
		int width = row_width(k);
		struct db_stmt *st = batch_stmt(s, k, width);
		if (st == NULL)
			return -1;
		for (; n - i >= BATCH_ROWS; i += BATCH_ROWS) {
			for (int r = 0; r < BATCH_ROWS; r++)
				bind(st, r * width, row + (i + (size_t)r) * size);
			if (step_done(s, st) != 0)
				return -1;
		}
	}
	for (; i < n; i++) {
		struct db_stmt *st = row_stmt(s, k);
		if (st == NULL)
			return -1;
		bind(st, 0, row + i * size);
		if (step_done(s, st) != 0)
			return -1;
	}
	return 0;
}

static void bind_pct(struct db_stmt *st, int i, double v)
{
	if (v < 0)
		db_bind_null(st, i);
	else
		db_bind_double(st, i, v);
}

static void bind_int_or_null(struct db_stmt *st, int i, int64_t v)
{
	if (v < 0)
		db_bind_null(st, i);
	else
		db_bind_int64(st, i, v);
}

static void bind_input(struct db_stmt *st, int b, const void *row)
{
	const struct store_input *in = row;
	db_bind_text(st, b + 2, in->kind);
	db_bind_text(st, b + 3, in->path);
	db_bind_text(st, b + 4, in->sha256);
	db_bind_int64(st, b + 5, (int64_t)in->size);
	db_bind_int64(st, b + 6, (int64_t)in->records);
	db_bind_int64(st, b + 7, (int64_t)in->malformed);
	if (in->data_time > 0)
		db_bind_int64(st, b + 8, in->data_time);
	else
		db_bind_null(st, b + 8);
	db_bind_text(st, b + 9, in->data_time > 0 ? in->date_from : NULL);
}

int store_put_input(struct store *s, const struct store_input *in)
{
	return put_rows(s, ST_INPUT, in, sizeof(*in), 1, bind_input);
}

static void bind_metric(struct db_stmt *st, int b, const void *row)
{
	const struct store_metric *m = row;
	db_bind_int64(st, b + 2, m->asn);
	db_bind_text(st, b + 3, m->metric);
	if (m->percent < 0)
		db_bind_null(st, b + 4);
	else
		db_bind_double(st, b + 4, m->raw);
	bind_pct(st, b + 5, m->percent);
	db_bind_int64(st, b + 6, (int64_t)m->count);
}

int store_put_metrics(struct store *s, const struct store_metric *m, size_t n)
{
	return put_rows(s, ST_METRIC, m, sizeof(*m), n, bind_metric);
}

static void bind_summary(struct db_stmt *st, int b, const void *row)
{
	const struct store_as_summary *a = row;
	const uint64_t v[] = {a->prefixes_v4, a->prefixes_v6, a->routes, a->rpki_valid,
	    a->rpki_invalid, a->rpki_notfound, a->irr_registered, a->irr_unregistered};
	db_bind_int64(st, b + 2, a->asn);
	for (int i = 0; i < 8; i++)
		db_bind_int64(st, b + 3 + i, (int64_t)v[i]);
	bind_pct(st, b + 11, a->action[1]);
	bind_pct(st, b + 12, a->action[2]);
	bind_pct(st, b + 13, a->action[3]);
	bind_pct(st, b + 14, a->action4_irr);
	bind_pct(st, b + 15, a->action4_rpki);
	bind_int_or_null(st, b + 16, a->aspa);
	bind_int_or_null(st, b + 17, a->aspa_invalid);
}

int store_put_summaries(struct store *s, const struct store_as_summary *a, size_t n)
{
	return put_rows(s, ST_SUMMARY, a, sizeof(*a), n, bind_summary);
}

static void bind_finding(struct db_stmt *st, int b, const void *row)
{
	const struct store_finding *f = row;
	db_bind_int64(st, b + 2, f->asn);
	db_bind_text(st, b + 3, f->metric);
	db_bind_int64(st, b + 4, f->culprit);
	db_bind_text(st, b + 5, f->prefix);
	db_bind_int64(st, b + 6, f->origin);
	db_bind_text(st, b + 7, f->path);
	db_bind_text(st, b + 8, f->peer_ip);
	db_bind_int64(st, b + 9, f->peer_asn);
	db_bind_int64(st, b + 10, f->peers);
	db_bind_int64(st, b + 11, f->first_seen);
	db_bind_int64(st, b + 12, f->last_seen);
	db_bind_text(st, b + 13, f->detail);
	db_bind_text(st, b + 14, f->evidence);
	db_bind_int64(st, b + 15, f->rib_first);
	db_bind_int64(st, b + 16, f->rib_last);
	db_bind_int64(st, b + 17, f->upd_first);
	db_bind_int64(st, b + 18, f->upd_last);
}

int store_put_findings(struct store *s, const struct store_finding *f, size_t n)
{
	return put_rows(s, ST_FINDING, f, sizeof(*f), n, bind_finding);
}

static void bind_incident(struct db_stmt *st, int b, const void *row)
{
	const struct store_incident *i = row;
	db_bind_int64(st, b + 2, i->asn);
	db_bind_text(st, b + 3, i->metric);
	db_bind_int64(st, b + 4, i->start);
	db_bind_int64(st, b + 5, i->end);
	db_bind_double(st, b + 6, i->weight);
	db_bind_double(st, b + 7, i->score);
	db_bind_int64(st, b + 8, i->nevents);
	db_bind_int64(st, b + 9, i->duration_known);
}

int store_put_incidents(struct store *s, const struct store_incident *i, size_t n)
{
	return put_rows(s, ST_INCIDENT, i, sizeof(*i), n, bind_incident);
}

static void bind_global(struct db_stmt *st, int b, const void *row)
{
	const struct store_global *g = row;
	db_bind_text(st, b + 2, g->scope);
	db_bind_text(st, b + 3, g->key);
	db_bind_double(st, b + 4, g->value);
}

int store_put_globals(struct store *s, const struct store_global *g, size_t n)
{
	return put_rows(s, ST_GLOBAL, g, sizeof(*g), n, bind_global);
}

static void bind_asinfo(struct db_stmt *st, int b, const void *row)
{
	const struct store_asinfo *x = row;
	db_bind_int64(st, b + 1, x->asn);
	db_bind_text(st, b + 2, x->name);
	db_bind_text(st, b + 3, x->cc);
	db_bind_text(st, b + 4, x->rir);
	db_bind_text(st, b + 5, x->org_id);
	db_bind_text(st, b + 6, x->org_name);
}

int store_put_asinfo(struct store *s, const struct store_asinfo *x, size_t n)
{
	return put_rows(s, ST_ASINFO, x, sizeof(*x), n, bind_asinfo);
}
