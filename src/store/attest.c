/* Attestations and audit records of conformance controls: written outside snapshots, valid
 * for a period, revocable. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_private.h"

#define ATT_COLS                                                                                   \
	"id, asn, control, kind, sha256, file, size, created, who, note, valid_from, "             \
	"valid_until, revoked, revoked_by, revoke_reason"

enum store_att_state store_attestation_state(const struct store_attestation *a, int64_t t)
{
	if (a->revoked && a->revoked <= t)
		return STORE_ATT_REVOKED;
	if (t < a->valid_from)
		return STORE_ATT_NOT_YET_VALID;
	if (a->valid_until && t >= a->valid_until)
		return STORE_ATT_EXPIRED;
	return STORE_ATT_VALID;
}

const char *store_att_state_name(enum store_att_state s)
{
	static const char *const n[] = {"valid", "expired", "revoked", "not-yet-valid"};
	return s <= STORE_ATT_NOT_YET_VALID ? n[s] : "?";
}

static void bind_time(struct db_stmt *st, int i, int64_t t)
{
	if (t)
		db_bind_int64(st, i, t);
	else
		db_bind_null(st, i);
}

int store_put_attestation(struct store *s, struct store_attestation *a)
{
	if (s->readonly || s->in_snapshot || a->control == NULL || a->kind == NULL ||
	    a->sha256 == NULL || a->who == NULL || a->who[0] == '\0') {
		log_err("%s: attestation: store read-only, in a snapshot, or fields missing "
		        "(control, kind, sha256, who)",
		    s->path);
		return -1;
	}
	if (a->created == 0)
		a->created = (int64_t)time(NULL);
	if (a->valid_from == 0)
		a->valid_from = a->created;
	if (a->valid_until && a->valid_until <= a->valid_from) {
		log_err("%s: attestation: valid until is not after valid from", s->path);
		return -1;
	}
	struct db_stmt *st;
	const char *sql =
	    "INSERT INTO attestation (asn, control, kind, sha256, file, size, created, "
	    "who, note, valid_from, valid_until) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)";
	if (db_prepare(s->db, sql, &st) != 0) {
		log_err("%s: attestation: %s", s->path, db_errmsg(s->db));
		return -1;
	}
	db_bind_int64(st, 1, a->asn);
	db_bind_text(st, 2, a->control);
	db_bind_text(st, 3, a->kind);
	db_bind_text(st, 4, a->sha256);
	db_bind_text(st, 5, a->file);
	db_bind_int64(st, 6, (int64_t)a->size);
	db_bind_int64(st, 7, a->created);
	db_bind_text(st, 8, a->who);
	db_bind_text(st, 9, a->note);
	db_bind_int64(st, 10, a->valid_from);
	bind_time(st, 11, a->valid_until);
	int rc = db_step(st);
	db_finalize(st);
	if (rc != DB_DONE) {
		log_err("%s: attestation: %s", s->path, db_errmsg(s->db));
		return -1;
	}
	a->id = db_last_id(s->db);
	return 0;
}

static void read_row(struct db_stmt *st, struct arena *ar, struct store_attestation *a)
{
	a->id = db_col_int64(st, 0);
	a->asn = (uint32_t)db_col_int64(st, 1);
	a->control = store_col_text(st, 2, ar);
	a->kind = store_col_text(st, 3, ar);
	a->sha256 = store_col_text(st, 4, ar);
	a->file = store_col_text(st, 5, ar);
	a->size = (uint64_t)db_col_int64(st, 6);
	a->created = db_col_int64(st, 7);
	a->who = store_col_text(st, 8, ar);
	a->note = store_col_text(st, 9, ar);
	a->valid_from = db_col_int64(st, 10);
	a->valid_until = db_col_int64(st, 11); /* NULL reads as 0: no end */
	a->revoked = db_col_int64(st, 12);
	a->revoked_by = store_col_text(st, 13, ar);
	a->revoke_reason = store_col_text(st, 14, ar);
}

int store_get_attestations(struct store *s, uint32_t asn, const char *control, struct arena *ar,
    struct store_attestation **out, size_t *n)
{
	struct db_stmt *st;
	const char *sql =
	    "SELECT " ATT_COLS " FROM attestation "
	    "WHERE (?1 = 0 OR asn = ?1) AND (CAST(?2 AS TEXT) IS NULL OR control = ?2) "
	    "ORDER BY created DESC, id DESC";
	*out = NULL;
	*n = 0;
	if (db_prepare(s->db, sql, &st) != 0) {
		log_err("%s: attestations: %s", s->path, db_errmsg(s->db));
		return -1;
	}
	db_bind_int64(st, 1, asn);
	db_bind_text(st, 2, control);
	size_t cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			struct store_attestation *nv = arena_alloc(ar, cap * sizeof(*nv));
			if (*n)
				memcpy(nv, *out, *n * sizeof(*nv));
			*out = nv;
		}
		read_row(st, ar, &(*out)[(*n)++]);
	}
	db_finalize(st);
	if (rc != DB_DONE) {
		log_err("%s: attestations: %s", s->path, db_errmsg(s->db));
		return -1;
	}
	return 0;
}

int store_get_attestation(
    struct store *s, int64_t id, struct arena *ar, struct store_attestation *out, int *found)
{
	struct db_stmt *st;
	*found = 0;
	memset(out, 0, sizeof(*out));
	if (db_prepare(s->db, "SELECT " ATT_COLS " FROM attestation WHERE id = ?1", &st) != 0) {
		log_err("%s: attestation %lld: %s", s->path, (long long)id, db_errmsg(s->db));
		return -1;
	}
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		read_row(st, ar, out);
		*found = 1;
	}
	db_finalize(st);
	if (rc != DB_ROW && rc != DB_DONE) {
		log_err("%s: attestation %lld: %s", s->path, (long long)id, db_errmsg(s->db));
		return -1;
	}
	return 0;
}

int store_revoke_attestation(
    struct store *s, int64_t id, int64_t when, const char *by, const char *reason)
{
	if (s->readonly || by == NULL || *by == '\0' || reason == NULL || *reason == '\0') {
		log_err("%s: revoke attestation %lld: store read-only, or who/reason missing",
		    s->path, (long long)id);
		return -1;
	}
	struct arena a;
	arena_init(&a, 0);
	struct store_attestation cur;
	int found;
	int rc = store_get_attestation(s, id, &a, &cur, &found);
	arena_free(&a);
	if (rc)
		return -1;
	if (!found)
		return 1;
	if (cur.revoked)
		return 2;
	struct db_stmt *st;
	const char *sql = "UPDATE attestation SET revoked = ?2, revoked_by = ?3, "
	                  "revoke_reason = ?4 WHERE id = ?1 AND revoked IS NULL";
	if (db_prepare(s->db, sql, &st) != 0) {
		log_err(
		    "%s: revoke attestation %lld: %s", s->path, (long long)id, db_errmsg(s->db));
		return -1;
	}
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, when ? when : (int64_t)time(NULL));
	db_bind_text(st, 3, by);
	db_bind_text(st, 4, reason);
	rc = db_step(st);
	db_finalize(st);
	if (rc != DB_DONE) {
		log_err(
		    "%s: revoke attestation %lld: %s", s->path, (long long)id, db_errmsg(s->db));
		return -1;
	}
	return db_changes(s->db) == 1 ? 0 : 2;
}
