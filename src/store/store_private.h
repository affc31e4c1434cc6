/* store internals shared by its files. */
#ifndef ROUTEMARK_STORE_PRIVATE_H
#define ROUTEMARK_STORE_PRIVATE_H

#include "db.h"
#include "store/store.h"

/* The SQLite handle (NULL on PostgreSQL): for white-box tests only; nothing above the store
 * sees the database. */
struct sqlite3 *store_db(struct store *s);

extern const char *const store_migrations[];
extern const int store_nmigrations;
/* schema_pg.c: the PostgreSQL schema at STORE_SCHEMA_VERSION, and its bringing up to date */
int store_pg_migrate(struct store *s);
int store_pg_schema_version(struct store *s);

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
	struct db *db;
	char *path;
	int readonly;
	int bulk; /* a new file, in rollback-journal mode until closed (store.c) */
	int in_snapshot;
	int in_edit; /* rescoring (rewrite.c) */
	int64_t snap_id;
	struct db_stmt *st[ST_COUNT];
	struct db_stmt *batch[ST_COUNT]; /* several rows per statement (put.c) */
	/* strings handed out by store_snapshot_get */
	char *label;
	/* routes of the snapshot being written, stored at commit (routes.c) */
	uint8_t *rec; /* routes put in any order (ROUTES_ANY) */
	size_t nrec, caprec;
	enum {
		ROUTES_NONE,   /* none put yet */
		ROUTES_ANY,    /* kept, sorted at store_routes_done */
		ROUTES_STREAM, /* streamed (store_routes_stream), by prefix and by origin */
		ROUTES_DONE,
	} routes_mode;
	struct builder *blocks; /* [2]: by origin, by address (routes.c) */
	struct block_job *job;  /* ROUTES_ANY: building them, once store_routes_done was called */
	/* store_changed: PRAGMA data_version and the value it gave last (SQLite) */
	struct db_stmt *dv_st;
	int64_t dv;
};

/* Log "path: what: the database's message"; returns -1. */
int store_db_fail(struct store *s, const char *what);

/* routes.c: store the collected routes (at commit), or drop them (abort). */
struct block_job;
struct builder;
int store_routes_flush(struct store *s);
void store_routes_clear(struct store *s);

/* as_metric's row, replaced (store.c, rewrite.c) on PostgreSQL */
#define STORE_PG_PUT_METRIC                                                                        \
	"INSERT INTO as_metric VALUES (?1,?2,?3,?4,?5,?6) ON CONFLICT (snapshot_id, asn, metric) " \
	"DO UPDATE SET raw = excluded.raw, percent = excluded.percent, count = excluded.count"

/* The SQL of the backend in use: a (SQLite) or b (PostgreSQL). */
static inline const char *store_sql(const struct store *s, const char *a, const char *b)
{
	return db_is_pg(s->db) ? b : a;
}

/* Column i's text copied into the arena, or NULL for SQL NULL. */
static inline const char *store_col_text(struct db_stmt *st, int i, struct arena *a)
{
	const char *t = db_col_text(st, i);
	return t ? arena_strdup(a, t) : NULL;
}

#endif
