/*
 * The store's database layer (private to src/store): one small interface over SQLite
 * (db_sqlite.c) and PostgreSQL (db_pg.c), so that the store's files are written once.
 *
 * SQL is written with numbered placeholders (?1, ?2, ...): SQLite's own, turned into $1, $2
 * for PostgreSQL. Where the dialects differ the caller picks a variant with db_is_pg. A
 * text or blob bound stays the caller's until the statement is stepped, reset or finalized.
 * Column values (text, blob) are valid until the next step, reset or finalize.
 */
#ifndef ROUTEMARK_STORE_DB_H
#define ROUTEMARK_STORE_DB_H

#include <stddef.h>
#include <stdint.h>

enum { DB_ERROR = -1, DB_DONE = 0, DB_ROW = 1 };

struct db;
struct db_stmt;

struct db_ops {
	int (*prepare)(struct db *, const char *, struct db_stmt **);
	void (*finalize)(struct db_stmt *);
	void (*reset)(struct db_stmt *); /* to run again; bindings are kept */
	void (*clear)(struct db_stmt *); /* bindings to NULL */
	void (*bind_int64)(struct db_stmt *, int, int64_t);
	void (*bind_double)(struct db_stmt *, int, double);
	void (*bind_text)(struct db_stmt *, int, const char *);
	void (*bind_blob)(struct db_stmt *, int, const void *, size_t);
	void (*bind_null)(struct db_stmt *, int);
	void (*bind_limit)(struct db_stmt *, int, int64_t); /* a LIMIT; <= 0: none */
	int (*step)(struct db_stmt *);
	int64_t (*col_int64)(struct db_stmt *, int);
	double (*col_double)(struct db_stmt *, int);
	const char *(*col_text)(struct db_stmt *, int); /* NULL for SQL NULL */
	const void *(*col_blob)(struct db_stmt *, int);
	size_t (*col_bytes)(struct db_stmt *, int);
	int (*col_null)(struct db_stmt *, int);
	int (*exec)(struct db *, const char *); /* one or more statements, no result */
	int64_t (*changes)(struct db *);
	int64_t (*last_id)(struct db *); /* of the last row inserted with a generated id */
	const char *(*errmsg)(struct db *);
	int (*begin)(struct db *); /* a write transaction, taking the write lock now */
	void (*close)(struct db *);
};

struct db {
	const struct db_ops *ops;
	int pg;
};

struct db_stmt {
	struct db *db;
};

/* db_sqlite.c: a database file; flags are sqlite3_open_v2's. */
int db_sqlite_open(const char *path, int readonly, struct db **out);
struct sqlite3 *db_sqlite_handle(struct db *);
/* db_pg.c: a postgresql:// or postgres:// connection URL. */
int db_pg_open(const char *url, int readonly, struct db **out);
/* 1 when notifications of changes (db_pg's triggers) came since the last call, 0 when
 * none, -1 on a broken connection (reconnected when it can: count that as a change). */
int db_pg_changed(struct db *);

static inline int db_is_pg(const struct db *db)
{
	return db->pg;
}

static inline int db_prepare(struct db *db, const char *sql, struct db_stmt **st)
{
	return db->ops->prepare(db, sql, st);
}

static inline void db_finalize(struct db_stmt *st)
{
	if (st)
		st->db->ops->finalize(st);
}

static inline void db_reset(struct db_stmt *st)
{
	st->db->ops->reset(st);
}

static inline void db_clear(struct db_stmt *st)
{
	st->db->ops->clear(st);
}

static inline void db_bind_int64(struct db_stmt *st, int i, int64_t v)
{
	st->db->ops->bind_int64(st, i, v);
}

static inline void db_bind_double(struct db_stmt *st, int i, double v)
{
	st->db->ops->bind_double(st, i, v);
}

/* Text, or NULL when v is NULL. */
static inline void db_bind_text(struct db_stmt *st, int i, const char *v)
{
	st->db->ops->bind_text(st, i, v);
}

static inline void db_bind_blob(struct db_stmt *st, int i, const void *v, size_t n)
{
	st->db->ops->bind_blob(st, i, v, n);
}

static inline void db_bind_null(struct db_stmt *st, int i)
{
	st->db->ops->bind_null(st, i);
}

static inline void db_bind_limit(struct db_stmt *st, int i, int64_t limit)
{
	st->db->ops->bind_limit(st, i, limit);
}

static inline int db_step(struct db_stmt *st)
{
	return st->db->ops->step(st);
}

static inline int64_t db_col_int64(struct db_stmt *st, int i)
{
	return st->db->ops->col_int64(st, i);
}

static inline double db_col_double(struct db_stmt *st, int i)
{
	return st->db->ops->col_double(st, i);
}

static inline const char *db_col_text(struct db_stmt *st, int i)
{
	return st->db->ops->col_text(st, i);
}

static inline const void *db_col_blob(struct db_stmt *st, int i)
{
	return st->db->ops->col_blob(st, i);
}

static inline size_t db_col_bytes(struct db_stmt *st, int i)
{
	return st->db->ops->col_bytes(st, i);
}

static inline int db_col_null(struct db_stmt *st, int i)
{
	return st->db->ops->col_null(st, i);
}

static inline int db_exec(struct db *db, const char *sql)
{
	return db->ops->exec(db, sql);
}

static inline int64_t db_changes(struct db *db)
{
	return db->ops->changes(db);
}

static inline int64_t db_last_id(struct db *db)
{
	return db->ops->last_id(db);
}

static inline const char *db_errmsg(struct db *db)
{
	return db->ops->errmsg(db);
}

static inline int db_begin(struct db *db)
{
	return db->ops->begin(db);
}

static inline void db_close(struct db *db)
{
	if (db)
		db->ops->close(db);
}

#endif
