/* Rewriting one AS's scores in a stored snapshot: what observe_rescore computes after a
 * dispute is accepted, persisted row by row (the store computes nothing). */
#include <stdlib.h>
#include <string.h>

#include "store_private.h"

static int fail(struct store *s, const char *what)
{
	log_err("%s: %s: %s", s->path, what, db_errmsg(s->db));
	return -1;
}

int store_edit_begin(struct store *s)
{
	if (s->readonly || s->in_edit) {
		log_err("%s: rescoring: store read-only or already being edited", s->path);
		return -1;
	}
	s->in_edit = 1;
	if (s->in_snapshot) /* part of the snapshot's transaction */
		return 0;
	if (db_begin(s->db) != 0) {
		s->in_edit = 0;
		return fail(s, "rescoring");
	}
	return 0;
}

int store_edit_commit(struct store *s)
{
	if (!s->in_edit)
		return -1;
	s->in_edit = 0;
	if (s->in_snapshot)
		return 0;
	if (db_exec(s->db, "COMMIT") != 0) {
		fail(s, "rescoring");
		db_exec(s->db, "ROLLBACK");
		return -1;
	}
	return 0;
}

void store_edit_abort(struct store *s)
{
	if (!s->in_edit)
		return;
	s->in_edit = 0;
	if (s->in_snapshot) /* the snapshot's writer aborts it all */
		return;
	db_exec(s->db, "ROLLBACK");
}

/* sql prepared with ?1 the snapshot and ?2 the AS bound, or NULL (logged). */
static struct db_stmt *prep(struct store *s, const char *sql, int64_t snap, uint32_t asn)
{
	struct db_stmt *st;
	if (!s->in_edit) {
		log_err("%s: rescoring outside store_edit_begin", s->path);
		return NULL;
	}
	if (db_prepare(s->db, sql, &st) != 0) {
		fail(s, "rescoring");
		return NULL;
	}
	db_bind_int64(st, 1, snap);
	db_bind_int64(st, 2, asn);
	return st;
}

static int run(struct store *s, struct db_stmt *st)
{
	if (st == NULL)
		return -1;
	int rc = db_step(st);
	db_finalize(st);
	return rc == DB_DONE ? 0 : fail(s, "rescoring");
}

int store_set_incidents(struct store *s, int64_t snap, uint32_t asn, const char *metric,
    const struct store_incident *v, size_t n)
{
	struct db_stmt *st = prep(s,
	    "DELETE FROM incident WHERE snapshot_id = ?1 AND asn = ?2 AND metric = ?3", snap, asn);
	if (st)
		db_bind_text(st, 3, metric);
	if (run(s, st))
		return -1;
	for (size_t i = 0; i < n; i++) {
		st = prep(s,
		    "INSERT INTO incident (snapshot_id, asn, metric, start, \"end\", weight, "
		    "score, "
		    "nevents, duration_known) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
		    snap, asn);
		if (st == NULL)
			return -1;
		db_bind_text(st, 3, metric);
		db_bind_int64(st, 4, v[i].start);
		db_bind_int64(st, 5, v[i].end);
		db_bind_double(st, 6, v[i].weight);
		db_bind_double(st, 7, v[i].score);
		db_bind_int64(st, 8, v[i].nevents);
		db_bind_int64(st, 9, v[i].duration_known);
		if (run(s, st))
			return -1;
	}
	return 0;
}

int store_set_metric(struct store *s, int64_t snap, const struct store_metric *m, int remove)
{
	struct db_stmt *st = prep(s,
	    remove ? "DELETE FROM as_metric WHERE snapshot_id = ?1 AND asn = ?2 AND metric = ?3"
	           : store_sql(s, "INSERT OR REPLACE INTO as_metric VALUES (?1,?2,?3,?4,?5,?6)",
	                 STORE_PG_PUT_METRIC),
	    snap, m->asn);
	if (st == NULL)
		return -1;
	db_bind_text(st, 3, m->metric);
	if (!remove) { /* as store_put_metrics: no data stores NULL */
		if (m->percent < 0) {
			db_bind_null(st, 4);
			db_bind_null(st, 5);
		} else {
			db_bind_double(st, 4, m->raw);
			db_bind_double(st, 5, m->percent);
		}
		db_bind_int64(st, 6, (int64_t)m->count);
	}
	return run(s, st);
}

int store_set_action1(struct store *s, int64_t snap, uint32_t asn, double action1)
{
	struct db_stmt *st = prep(
	    s, "UPDATE as_summary SET action1 = ?3 WHERE snapshot_id = ?1 AND asn = ?2", snap, asn);
	if (st == NULL)
		return -1;
	if (action1 < 0)
		db_bind_null(st, 3);
	else
		db_bind_double(st, 3, action1);
	return run(s, st);
}

int store_add_global(
    struct store *s, int64_t snap, const char *scope, const char *key, double delta)
{
	struct db_stmt *st = prep(s,
	    "INSERT INTO global_stat VALUES (?1, ?3, ?4, ?5) ON CONFLICT (snapshot_id, scope, key) "
	    "DO UPDATE SET value = global_stat.value + excluded.value",
	    snap, 0);
	if (st == NULL)
		return -1;
	db_bind_text(st, 3, scope);
	db_bind_text(st, 4, key);
	db_bind_double(st, 5, delta);
	return run(s, st);
}
