/* The store's database layer on SQLite (db.h): thin wrappers, nothing cached. */
#include <sqlite3.h>
#include <stdlib.h>

#include "core/core.h"
#include "db.h"

struct lite {
	struct db db;
	sqlite3 *h;
};

struct lite_stmt {
	struct db_stmt st;
	sqlite3_stmt *s;
};

#define H(db) (((struct lite *)(db))->h)
#define S(st) (((struct lite_stmt *)(st))->s)

static int lite_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
	sqlite3_stmt *s;
	*out = NULL;
	if (sqlite3_prepare_v2(H(db), sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	struct lite_stmt *l = xcalloc(1, sizeof(*l));
	l->st.db = db;
	l->s = s;
	*out = &l->st;
	return 0;
}

static void lite_finalize(struct db_stmt *st)
{
	sqlite3_finalize(S(st));
	free(st);
}

static void lite_reset(struct db_stmt *st)
{
	sqlite3_reset(S(st));
}

static void lite_clear(struct db_stmt *st)
{
	sqlite3_clear_bindings(S(st));
}

static void lite_bind_int64(struct db_stmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(S(st), i, v);
}

static void lite_bind_double(struct db_stmt *st, int i, double v)
{
	sqlite3_bind_double(S(st), i, v);
}

static void lite_bind_text(struct db_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(S(st), i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(S(st), i);
}

static void lite_bind_blob(struct db_stmt *st, int i, const void *v, size_t n)
{
	sqlite3_bind_blob64(S(st), i, v, n, SQLITE_STATIC);
}

static void lite_bind_null(struct db_stmt *st, int i)
{
	sqlite3_bind_null(S(st), i);
}

/* SQLite: a negative LIMIT is none */
static void lite_bind_limit(struct db_stmt *st, int i, int64_t limit)
{
	sqlite3_bind_int64(S(st), i, limit > 0 ? limit : -1);
}

static int lite_step(struct db_stmt *st)
{
	int rc = sqlite3_step(S(st));
	return rc == SQLITE_ROW ? DB_ROW : rc == SQLITE_DONE ? DB_DONE : DB_ERROR;
}

static int64_t lite_col_int64(struct db_stmt *st, int i)
{
	return sqlite3_column_int64(S(st), i);
}

static double lite_col_double(struct db_stmt *st, int i)
{
	return sqlite3_column_double(S(st), i);
}

static const char *lite_col_text(struct db_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(S(st), i);
}

static const void *lite_col_blob(struct db_stmt *st, int i)
{
	return sqlite3_column_blob(S(st), i);
}

static size_t lite_col_bytes(struct db_stmt *st, int i)
{
	return (size_t)sqlite3_column_bytes(S(st), i);
}

static int lite_col_null(struct db_stmt *st, int i)
{
	return sqlite3_column_type(S(st), i) == SQLITE_NULL;
}

static int lite_exec(struct db *db, const char *sql)
{
	return sqlite3_exec(H(db), sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static int64_t lite_changes(struct db *db)
{
	return sqlite3_changes64(H(db));
}

static int64_t lite_last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(H(db));
}

static const char *lite_errmsg(struct db *db)
{
	return sqlite3_errmsg(H(db));
}

static int lite_begin(struct db *db)
{
	return lite_exec(db, "BEGIN IMMEDIATE");
}

static void lite_close(struct db *db)
{
	sqlite3_close(H(db));
	free(db);
}

static const struct db_ops lite_ops = {
    .prepare = lite_prepare,
    .finalize = lite_finalize,
    .reset = lite_reset,
    .clear = lite_clear,
    .bind_int64 = lite_bind_int64,
    .bind_double = lite_bind_double,
    .bind_text = lite_bind_text,
    .bind_blob = lite_bind_blob,
    .bind_null = lite_bind_null,
    .bind_limit = lite_bind_limit,
    .step = lite_step,
    .col_int64 = lite_col_int64,
    .col_double = lite_col_double,
    .col_text = lite_col_text,
    .col_blob = lite_col_blob,
    .col_bytes = lite_col_bytes,
    .col_null = lite_col_null,
    .exec = lite_exec,
    .changes = lite_changes,
    .last_id = lite_last_id,
    .errmsg = lite_errmsg,
    .begin = lite_begin,
    .close = lite_close,
};

int db_sqlite_open(const char *path, int readonly, struct db **out)
{
	struct lite *l = xcalloc(1, sizeof(*l));
	l->db.ops = &lite_ops;
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	flags |= SQLITE_OPEN_NOMUTEX;
	*out = &l->db;
	/* on failure the handle stays, for its error message; db_close frees it */
	if (sqlite3_open_v2(path, &l->h, flags, NULL) != SQLITE_OK)
		return -1;
	sqlite3_busy_timeout(l->h, 5000);
	return 0;
}

struct sqlite3 *db_sqlite_handle(struct db *db)
{
	return db && !db->pg ? H(db) : NULL;
}
