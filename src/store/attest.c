/* Attestations and audit records of conformance controls: written outside snapshots. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_private.h"

int store_put_attestation(struct store *s, struct store_attestation *a)
{
	if (s->readonly || s->in_snapshot || a->control == NULL || a->kind == NULL ||
	    a->sha256 == NULL) {
		log_err(
		    "%s: attestation: store read-only, in a snapshot, or fields missing", s->path);
		return -1;
	}
	if (a->created == 0)
		a->created = (int64_t)time(NULL);
	sqlite3_stmt *st;
	const char *sql =
	    "INSERT INTO attestation (asn, control, kind, sha256, file, size, created, "
	    "who, note) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)";
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
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_err("%s: attestation: %s", s->path, sqlite3_errmsg(s->db));
		return -1;
	}
	a->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_get_attestations(struct store *s, uint32_t asn, const char *control, struct arena *ar,
    struct store_attestation **out, size_t *n)
{
	sqlite3_stmt *st;
	const char *sql = "SELECT id, asn, control, kind, sha256, file, size, created, who, note "
	                  "FROM attestation WHERE asn = ?1 AND (?2 IS NULL OR control = ?2) "
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
		struct store_attestation *a = &(*out)[(*n)++];
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
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_err("%s: attestations: %s", s->path, sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}
