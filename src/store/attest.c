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

static void bind_time(sqlite3_stmt *st, int i, int64_t t)
{
	if (t)
		sqlite3_bind_int64(st, i, t);
	else
		sqlite3_bind_null(st, i);
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
	sqlite3_stmt *st;
	const char *sql =
	    "INSERT INTO attestation (asn, control, kind, sha256, file, size, created, "
	    "who, note, valid_from, valid_until) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)";
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		log_err("%s: attestation: %s", s->path, sqlite3_errmsg(s->db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, a->asn);
	store_bind_text(st, 2, a->control);
	store_bind_text(st, 3, a->kind);
	store_bind_text(st, 4, a->sha256);
	store_bind_text(st, 5, a->file);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)a->size);
	sqlite3_bind_int64(st, 7, a->created);
	store_bind_text(st, 8, a->who);
	store_bind_text(st, 9, a->note);
	sqlite3_bind_int64(st, 10, a->valid_from);
	bind_time(st, 11, a->valid_until);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_err("%s: attestation: %s", s->path, sqlite3_errmsg(s->db));
		return -1;
	}
	a->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static void read_row(sqlite3_stmt *st, struct arena *ar, struct store_attestation *a)
{
	a->id = sqlite3_column_int64(st, 0);
	a->asn = (uint32_t)sqlite3_column_int64(st, 1);
	a->control = store_col_text(st, 2, ar);
	a->kind = store_col_text(st, 3, ar);
	a->sha256 = store_col_text(st, 4, ar);
	a->file = store_col_text(st, 5, ar);
	a->size = (uint64_t)sqlite3_column_int64(st, 6);
	a->created = sqlite3_column_int64(st, 7);
	a->who = store_col_text(st, 8, ar);
	a->note = store_col_text(st, 9, ar);
	a->valid_from = sqlite3_column_int64(st, 10);
	a->valid_until = sqlite3_column_int64(st, 11); /* NULL reads as 0: no end */
	a->revoked = sqlite3_column_int64(st, 12);
	a->revoked_by = store_col_text(st, 13, ar);
	a->revoke_reason = store_col_text(st, 14, ar);
}

int store_get_attestations(struct store *s, uint32_t asn, const char *control, struct arena *ar,
    struct store_attestation **out, size_t *n)
{
	sqlite3_stmt *st;
	const char *sql = "SELECT " ATT_COLS " FROM attestation "
	                  "WHERE (?1 = 0 OR asn = ?1) AND (?2 IS NULL OR control = ?2) "
	                  "ORDER BY created DESC, id DESC";
	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		log_err("%s: attestations: %s", s->path, sqlite3_errmsg(s->db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, asn);
	store_bind_text(st, 2, control);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			struct store_attestation *nv = arena_alloc(ar, cap * sizeof(*nv));
			if (*n)
				memcpy(nv, *out, *n * sizeof(*nv));
			*out = nv;
		}
		read_row(st, ar, &(*out)[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_err("%s: attestations: %s", s->path, sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

int store_get_attestation(
    struct store *s, int64_t id, struct arena *ar, struct store_attestation *out, int *found)
{
	sqlite3_stmt *st;
	*found = 0;
	memset(out, 0, sizeof(*out));
	if (sqlite3_prepare_v2(s->db, "SELECT " ATT_COLS " FROM attestation WHERE id = ?1", -1, &st,
	        NULL) != SQLITE_OK) {
		log_err("%s: attestation %lld: %s", s->path, (long long)id, sqlite3_errmsg(s->db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_row(st, ar, out);
		*found = 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_err("%s: attestation %lld: %s", s->path, (long long)id, sqlite3_errmsg(s->db));
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
	sqlite3_stmt *st;
	const char *sql = "UPDATE attestation SET revoked = ?2, revoked_by = ?3, "
	                  "revoke_reason = ?4 WHERE id = ?1 AND revoked IS NULL";
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		log_err("%s: revoke attestation %lld: %s", s->path, (long long)id,
		    sqlite3_errmsg(s->db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, when ? when : (int64_t)time(NULL));
	store_bind_text(st, 3, by);
	store_bind_text(st, 4, reason);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_err("%s: revoke attestation %lld: %s", s->path, (long long)id,
		    sqlite3_errmsg(s->db));
		return -1;
	}
	return sqlite3_changes(s->db) == 1 ? 0 : 2;
}
