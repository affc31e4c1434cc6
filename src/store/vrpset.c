/* The VRP sets snapshots were judged with, by the SHA-256 of their file, each stored once: a
 * snapshot diff reads two of them to say which ROAs appeared and disappeared. */
#include <string.h>

#include "store_private.h"

int store_put_vrp_set(struct store *s, const char *sha256, const void *data, size_t len, uint64_t n)
{
	if (!s->in_snapshot) {
		log_err("%s: a VRP set is written inside a snapshot", s->path);
		return -1;
	}
	struct db_stmt *st;
	if (db_prepare(s->db,
	        store_sql(s, "INSERT OR IGNORE INTO vrp_set VALUES (?1, ?2, ?3)",
	            "INSERT INTO vrp_set VALUES (?1, ?2, ?3) ON CONFLICT (sha256) DO NOTHING"),
	        &st) != 0) {
		log_err("%s: writing a VRP set: %s", s->path, db_errmsg(s->db));
		return -1;
	}
	db_bind_text(st, 1, sha256);
	db_bind_int64(st, 2, (int64_t)n);
	db_bind_blob(st, 3, data, len);
	int rc = db_step(st);
	db_finalize(st);
	if (rc != DB_DONE) {
		log_err("%s: writing a VRP set: %s", s->path, db_errmsg(s->db));
		return -1;
	}
	return 0;
}

int store_get_vrp_set(struct store *s, const char *sha256, struct arena *a, const void **data,
    size_t *len, int *found)
{
	*found = 0, *data = NULL, *len = 0;
	struct db_stmt *st;
	if (db_prepare(s->db, "SELECT data FROM vrp_set WHERE sha256 = ?1", &st) != 0) {
		log_err("%s: reading a VRP set: %s", s->path, db_errmsg(s->db));
		return -1;
	}
	db_bind_text(st, 1, sha256);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		size_t n = db_col_bytes(st, 0);
		void *copy = arena_alloc(a, n ? n : 1);
		if (n)
			memcpy(copy, db_col_blob(st, 0), n);
		*data = copy, *len = n, *found = 1;
	}
	db_finalize(st);
	if (rc != DB_ROW && rc != DB_DONE) {
		log_err("%s: reading a VRP set: %s", s->path, db_errmsg(s->db));
		return -1;
	}
	return 0;
}
