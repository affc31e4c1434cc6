/*
 * Compaction: an old snapshot keeps its aggregates (per-AS summaries and metrics, incidents,
 * global figures, inputs, provenance gaps) and loses its bulk (the route blocks and the
 * findings with their paths and evidence), so that years of history stay small. A finding a
 * dispute names stays (the audit trail). A gap "compacted" says what went and when.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store_private.h"

static int fail(struct store *s, const char *what)
{
	log_err("%s: compacting: %s: %s", s->path, what, db_errmsg(s->db));
	db_exec(s->db, "ROLLBACK");
	return -1;
}

/* One value of a one-row query with ?1 the snapshot; -1 on an error. */
static int64_t scalar(struct store *s, const char *sql, int64_t snap, int col)
{
	struct db_stmt *st;
	if (db_prepare(s->db, sql, &st) != 0)
		return -1;
	db_bind_int64(st, 1, snap);
	int64_t v = db_step(st) == DB_ROW ? db_col_int64(st, col) : -1;
	db_finalize(st);
	return v;
}

static int exec_snap(struct store *s, const char *sql, int64_t snap, int64_t *changed)
{
	struct db_stmt *st;
	if (db_prepare(s->db, sql, &st) != 0)
		return -1;
	db_bind_int64(st, 1, snap);
	int rc = db_step(st);
	db_finalize(st);
	if (changed)
		*changed = db_changes(s->db);
	return rc == DB_DONE ? 0 : -1;
}

int store_compact(struct store *s, int64_t snap, struct store_compact_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (s->readonly || s->in_snapshot || s->in_edit) {
		log_err("%s: compacting: the store is read-only or being written", s->path);
		return -1;
	}
	if (db_begin(s->db) != 0)
		return fail(s, "begin");
	int64_t n = scalar(s, "SELECT count(*) FROM snapshot WHERE id = ?1", snap, 0);
	if (n != 1) {
		db_exec(s->db, "ROLLBACK");
		log_err("%s: compacting: no snapshot %lld", s->path, (long long)snap);
		return -1;
	}
	if (scalar(s,
	        "SELECT count(*) FROM snapshot_gap WHERE snapshot_id = ?1 AND code = 'compacted'",
	        snap, 0) > 0) {
		out->already = 1;
		db_exec(s->db, "ROLLBACK");
		return 0;
	}
	out->blocks = scalar(s, "SELECT count(*) FROM route_block WHERE snapshot_id = ?1", snap, 0);
	out->bytes = scalar(s,
	    "SELECT coalesce(sum(length(data)), 0) FROM route_block WHERE snapshot_id = ?1", snap,
	    0);
	if (out->blocks < 0 || out->bytes < 0)
		return fail(s, "counting");
	if (exec_snap(s, "DELETE FROM route_block WHERE snapshot_id = ?1", snap, NULL) != 0)
		return fail(s, "route blocks");
	if (exec_snap(s,
	        "DELETE FROM finding WHERE snapshot_id = ?1 AND id NOT IN "
	        "(SELECT finding_id FROM dispute WHERE finding_id IS NOT NULL)",
	        snap, &out->findings) != 0)
		return fail(s, "findings");
	out->kept = scalar(s, "SELECT count(*) FROM finding WHERE snapshot_id = ?1", snap, 0);
	char when[32], detail[300];
	time_utc_strftime(time(NULL), "%Y-%m-%d", when, sizeof(when));
	snprintf(detail, sizeof(detail),
	    "compacted on %s: the routes and findings (%lld) are gone, the summaries, metrics, "
	    "incidents and global figures stay%s",
	    when, (long long)out->findings,
	    out->kept ? "; findings named by a dispute are kept" : "");
	struct db_stmt *st;
	if (db_prepare(s->db, "INSERT INTO snapshot_gap VALUES (?1, 'store', 'compacted', ?2, 1)",
	        &st) != 0)
		return fail(s, "its gap");
	db_bind_int64(st, 1, snap);
	db_bind_text(st, 2, detail);
	int rc = db_step(st);
	db_finalize(st);
	if (rc != DB_DONE)
		return fail(s, "its gap");
	if (db_exec(s->db, "COMMIT") != 0)
		return fail(s, "commit");
	return 0;
}

int store_reclaim(struct store *s)
{
	/* SQLite: the file shrinks; PostgreSQL: the space is reusable at once, VACUUM lets the
	 * planner know (neither runs inside a transaction) */
	if (db_exec(s->db, db_is_pg(s->db) ? "VACUUM ANALYZE" : "VACUUM") != 0) {
		log_err("%s: VACUUM: %s", s->path, db_errmsg(s->db));
		return -1;
	}
	return 0;
}
