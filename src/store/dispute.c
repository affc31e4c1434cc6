/* Disputes of findings and their audit trail: written outside snapshots (by the CLI), read
 * by the pages, the API, the conformance report and the rescoring. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_private.h"

static int fail(struct store *s, const char *what)
{
	log_err("%s: %s: %s", s->path, what, db_errmsg(s->db));
	return -1;
}

static int begin(struct store *s)
{
	if (db_begin(s->db) != 0) {
		log_err("%s: %s", s->path, db_errmsg(s->db));
		return -1;
	}
	return 0;
}

static int exec(struct store *s, const char *sql)
{
	if (db_exec(s->db, sql) != 0) {
		log_err("%s: %s", s->path, db_errmsg(s->db));
		return -1;
	}
	return 0;
}

/* One row of the audit trail. */
static int put_event(struct store *s, int64_t id, int64_t now, const char *who, const char *from,
    const char *to, const char *note)
{
	struct db_stmt *st;
	if (db_prepare(s->db,
	        "INSERT INTO dispute_event (dispute_id, time, who, from_state, to_state, note) "
	        "VALUES (?1,?2,?3,?4,?5,?6)",
	        &st) != 0)
		return fail(s, "dispute audit record");
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, now);
	db_bind_text(st, 3, who);
	db_bind_text(st, 4, from);
	db_bind_text(st, 5, to);
	db_bind_text(st, 6, note);
	int rc = db_step(st);
	db_finalize(st);
	return rc == DB_DONE ? 0 : fail(s, "dispute audit record");
}

/* The live (open or accepted) dispute of the finding's identity: its id, or 0. */
static int live_of(struct store *s, int64_t finding_id, int64_t *id)
{
	struct db_stmt *st;
	*id = 0;
	if (db_prepare(s->db,
	        "SELECT d.id FROM finding f JOIN dispute d ON d.asn = f.asn AND "
	        "d.metric = f.metric AND d.prefix = coalesce(f.prefix, '') AND d.origin = f.origin "
	        "WHERE f.id = ?1 AND d.state IN ('open', 'accepted')",
	        &st) != 0)
		return fail(s, "disputes");
	db_bind_int64(st, 1, finding_id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int64(st, 0);
	db_finalize(st);
	return rc == DB_ROW || rc == DB_DONE ? 0 : fail(s, "disputes");
}

int store_dispute_open(
    struct store *s, int64_t finding_id, const char *reason, const char *by, int64_t *id)
{
	*id = 0;
	if (s->readonly || s->in_snapshot || reason == NULL || *reason == '\0') {
		log_err("%s: dispute: store read-only, in a snapshot, or no reason given", s->path);
		return -1;
	}
	if (begin(s))
		return -1;
	int64_t now = (int64_t)time(NULL), live;
	struct db_stmt *st = NULL;
	int rc = -1;
	if (live_of(s, finding_id, &live))
		goto out;
	if (live) {
		*id = live;
		rc = STORE_DISPUTE_CONFLICT;
		goto out;
	}
	if (db_prepare(s->db,
	        "INSERT INTO dispute (asn, metric, prefix, origin, finding_id, snapshot_id, "
	        "period_start, state, reason, opened_by, created) "
	        "SELECT f.asn, f.metric, coalesce(f.prefix, ''), coalesce(f.origin, 0), f.id, "
	        "f.snapshot_id, coalesce(sn.period_start, 0), 'open', ?2, ?3, ?4 "
	        "FROM finding f JOIN snapshot sn ON sn.id = f.snapshot_id WHERE f.id = ?1",
	        &st) != 0) {
		fail(s, "opening a dispute");
		goto out;
	}
	db_bind_int64(st, 1, finding_id);
	db_bind_text(st, 2, reason);
	db_bind_text(st, 3, by);
	db_bind_int64(st, 4, now);
	if (db_step(st) != DB_DONE) {
		fail(s, "opening a dispute");
		goto out;
	}
	if (db_changes(s->db) == 0) {
		rc = STORE_DISPUTE_NOT_FOUND;
		goto out;
	}
	*id = db_last_id(s->db);
	rc = put_event(s, *id, now, by, NULL, "open", reason);
out:
	db_finalize(st);
	if (rc == 0 && exec(s, "COMMIT") == 0)
		return 0;
	exec(s, "ROLLBACK");
	return rc == 0 ? -1 : rc;
}

int store_dispute_decide(
    struct store *s, int64_t id, const char *to, const char *reviewer, const char *note)
{
	if (s->readonly || s->in_snapshot ||
	    (strcmp(to, "accepted") != 0 && strcmp(to, "rejected") != 0)) {
		log_err("%s: dispute: store read-only, in a snapshot, or bad state", s->path);
		return -1;
	}
	if (begin(s))
		return -1;
	int64_t now = (int64_t)time(NULL);
	struct db_stmt *st = NULL;
	int rc = -1;
	if (db_prepare(s->db, "SELECT state FROM dispute WHERE id = ?1", &st) != 0) {
		fail(s, "deciding a dispute");
		goto out;
	}
	db_bind_int64(st, 1, id);
	int step = db_step(st);
	if (step == DB_DONE)
		rc = STORE_DISPUTE_NOT_FOUND;
	else if (step != DB_ROW)
		fail(s, "deciding a dispute");
	else if (strcmp(db_col_text(st, 0), "open") != 0)
		rc = STORE_DISPUTE_CONFLICT;
	else
		rc = 0;
	db_finalize(st);
	st = NULL;
	if (rc != 0)
		goto out;
	rc = -1;
	if (db_prepare(s->db,
	        "UPDATE dispute SET state = ?2, reviewer = ?3, decided = ?4, note = ?5 "
	        "WHERE id = ?1",
	        &st) != 0) {
		fail(s, "deciding a dispute");
		goto out;
	}
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, to);
	db_bind_text(st, 3, reviewer);
	db_bind_int64(st, 4, now);
	db_bind_text(st, 5, note);
	if (db_step(st) != DB_DONE) {
		fail(s, "deciding a dispute");
		goto out;
	}
	rc = put_event(s, id, now, reviewer, "open", to, note);
out:
	db_finalize(st);
	if (rc == 0 && exec(s, "COMMIT") == 0)
		return 0;
	exec(s, "ROLLBACK");
	return rc == 0 ? -1 : rc;
}

#define DISPUTE_COLS                                                                               \
	"id, asn, metric, prefix, origin, finding_id, snapshot_id, period_start, state, reason, "  \
	"opened_by, created, reviewer, decided, note"

static void read_dispute(struct db_stmt *st, struct arena *a, struct store_dispute *d)
{
	d->id = db_col_int64(st, 0);
	d->asn = (uint32_t)db_col_int64(st, 1);
	d->metric = store_col_text(st, 2, a);
	d->prefix = store_col_text(st, 3, a);
	d->origin = (uint32_t)db_col_int64(st, 4);
	d->finding_id = db_col_int64(st, 5);
	d->snapshot_id = db_col_int64(st, 6);
	d->period_start = db_col_int64(st, 7);
	d->state = store_col_text(st, 8, a);
	d->reason = store_col_text(st, 9, a);
	d->opened_by = store_col_text(st, 10, a);
	d->created = db_col_int64(st, 11);
	d->reviewer = store_col_text(st, 12, a);
	d->decided = db_col_int64(st, 13);
	d->note = store_col_text(st, 14, a);
}

int store_get_dispute(
    struct store *s, int64_t id, struct arena *a, struct store_dispute *out, int *found)
{
	struct db_stmt *st;
	*found = 0;
	if (db_prepare(s->db, "SELECT " DISPUTE_COLS " FROM dispute WHERE id = ?1", &st) != 0)
		return fail(s, "disputes");
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		read_dispute(st, a, out);
		*found = 1;
	}
	db_finalize(st);
	return rc == DB_ROW || rc == DB_DONE ? 0 : fail(s, "disputes");
}

/* Rows of st collected into an arena array of elements of size, filled by fn. */
static int collect(struct store *s, struct db_stmt *st, struct arena *a, size_t size,
    void (*fn)(struct db_stmt *, struct arena *, void *), void **out, size_t *n)
{
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			void *nv = arena_alloc(a, cap * size);
			if (*n)
				memcpy(nv, *out, *n * size);
			*out = nv;
		}
		void *e = (char *)*out + (*n)++ * size;
		memset(e, 0, size);
		fn(st, a, e);
	}
	db_finalize(st);
	return rc == DB_DONE ? 0 : fail(s, "disputes");
}

static void dispute_row(struct db_stmt *st, struct arena *a, void *e)
{
	read_dispute(st, a, e);
}

int store_get_disputes(struct store *s, uint32_t asn, const char *state, struct arena *a,
    struct store_dispute **out, size_t *n)
{
	struct db_stmt *st;
	*out = NULL;
	*n = 0;
	if (db_prepare(s->db,
	        "SELECT " DISPUTE_COLS " FROM dispute WHERE (?1 = 0 OR asn = ?1) AND "
	        "(CAST(?2 AS TEXT) IS NULL OR state = ?2) ORDER BY created DESC, id DESC",
	        &st) != 0)
		return fail(s, "disputes");
	db_bind_int64(st, 1, asn);
	db_bind_text(st, 2, state);
	void *v;
	int rc = collect(s, st, a, sizeof(**out), dispute_row, &v, n);
	*out = v;
	return rc;
}

static void event_row(struct db_stmt *st, struct arena *a, void *p)
{
	struct store_dispute_event *e = p;
	e->id = db_col_int64(st, 0);
	e->dispute_id = db_col_int64(st, 1);
	e->time = db_col_int64(st, 2);
	e->who = store_col_text(st, 3, a);
	e->from_state = store_col_text(st, 4, a);
	e->to_state = store_col_text(st, 5, a);
	e->note = store_col_text(st, 6, a);
}

int store_get_dispute_events(
    struct store *s, int64_t id, struct arena *a, struct store_dispute_event **out, size_t *n)
{
	struct db_stmt *st;
	*out = NULL;
	*n = 0;
	if (db_prepare(s->db,
	        "SELECT id, dispute_id, time, who, from_state, to_state, note FROM dispute_event "
	        "WHERE dispute_id = ?1 ORDER BY id",
	        &st) != 0)
		return fail(s, "dispute audit records");
	db_bind_int64(st, 1, id);
	void *v;
	int rc = collect(s, st, a, sizeof(**out), event_row, &v, n);
	*out = v;
	return rc;
}

/* The accepted dispute applying to finding f (a row of the outer statement) in a snapshot of
 * period ?3: the oldest one, should there be several. */
#define APPLYING                                                                                   \
	"(SELECT d.id FROM dispute d WHERE d.state = 'accepted' AND d.asn = finding.asn AND "      \
	"d.metric = finding.metric AND d.prefix = coalesce(finding.prefix, '') AND "               \
	"d.origin = coalesce(finding.origin, 0) AND d.period_start <= ?3 ORDER BY d.id LIMIT 1)"

#define MARK_SQL(IS_NOT)                                                                           \
	"UPDATE finding SET disputed = " APPLYING " WHERE snapshot_id = ?1 AND asn = ?2 "          \
	"AND disputed " IS_NOT " " APPLYING

int store_dispute_mark(
    struct store *s, int64_t snap, uint32_t asn, uint64_t *changed, uint64_t *marked)
{
	struct db_stmt *st;
	struct store_snapshot sn;
	*changed = *marked = 0;
	int found = store_snapshot_get(s, snap, &sn);
	if (found <= 0) {
		if (found == 0)
			log_err("%s: no snapshot %lld", s->path, (long long)snap);
		return -1;
	}
	if (db_prepare(
	        s->db, store_sql(s, MARK_SQL("IS NOT"), MARK_SQL("IS DISTINCT FROM")), &st) != 0)
		return fail(s, "marking disputed findings");
	db_bind_int64(st, 1, snap);
	db_bind_int64(st, 2, asn);
	db_bind_int64(st, 3, sn.period_start);
	int rc = db_step(st);
	db_finalize(st);
	if (rc != DB_DONE)
		return fail(s, "marking disputed findings");
	*changed = (uint64_t)db_changes(s->db);
	if (db_prepare(s->db,
	        "SELECT count(*) FROM finding WHERE snapshot_id = ?1 AND asn = ?2 AND "
	        "disputed IS NOT NULL",
	        &st) != 0)
		return fail(s, "marking disputed findings");
	db_bind_int64(st, 1, snap);
	db_bind_int64(st, 2, asn);
	rc = db_step(st);
	if (rc == DB_ROW)
		*marked = (uint64_t)db_col_int64(st, 0);
	db_finalize(st);
	return rc == DB_ROW ? 0 : fail(s, "marking disputed findings");
}

int store_dispute_ases(
    struct store *s, int64_t period_start, struct arena *a, uint32_t **out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	if (db_prepare(s->db,
	        "SELECT DISTINCT asn FROM dispute WHERE state = 'accepted' AND "
	        "period_start <= ?1 ORDER BY asn",
	        &st) != 0)
		return fail(s, "disputes");
	db_bind_int64(st, 1, period_start);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			uint32_t *nv = arena_alloc(a, cap * sizeof(*nv));
			if (*n)
				memcpy(nv, *out, *n * sizeof(*nv));
			*out = nv;
		}
		(*out)[(*n)++] = (uint32_t)db_col_int64(st, 0);
	}
	db_finalize(st);
	return rc == DB_DONE ? 0 : fail(s, "disputes");
}
