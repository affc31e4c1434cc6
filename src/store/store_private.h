/* store internals shared by its files. */
#ifndef ROUTEMARK_STORE_PRIVATE_H
#define ROUTEMARK_STORE_PRIVATE_H

#include <sqlite3.h>

#include "store/store.h"

/* The SQLite handle: for this backend's files and its white-box tests only; nothing above
 * the store sees SQLite. */
struct sqlite3 *store_db(struct store *s);

extern const char *const store_migrations[];
extern const int store_nmigrations;

enum store_stmt {
	ST_INPUT,
	ST_METRIC,
	ST_SUMMARY,
	ST_FINDING,
	ST_INCIDENT,
	ST_GLOBAL,
	ST_ASINFO,
	ST_COUNT
};

struct store {
	sqlite3 *db;
	char *path;
	int readonly;
	int bulk; /* a new file, in rollback-journal mode until closed (store.c) */
	int in_snapshot;
	int in_edit; /* rescoring (rewrite.c) */
	int64_t snap_id;
	sqlite3_stmt *st[ST_COUNT];
	/* strings handed out by store_snapshot_get */
	char *label;
	/* routes of the snapshot being written, stored at commit (routes.c) */
	uint8_t *rec;
	size_t nrec, caprec;
	struct block_job *jobs[2]; /* compressing them, once store_routes_done was called */
	/* store_changed: PRAGMA data_version and the value it gave last */
	sqlite3_stmt *dv_st;
	int64_t dv;
};

/* routes.c: store the collected routes (at commit), or drop them (abort). */
struct block_job;
int store_routes_flush(struct store *s);
void store_routes_clear(struct store *s);

/* Bind text, or NULL when v is NULL. */
static inline void store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Column i's text copied into the arena, or NULL for SQL NULL. */
static inline const char *store_col_text(sqlite3_stmt *st, int i, struct arena *a)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? arena_strdup(a, (const char *)t) : NULL;
}

#endif
