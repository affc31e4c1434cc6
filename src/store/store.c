/* Opening and migrating the store, beginning and committing a snapshot (its rows: put.c). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_private.h"

int store_db_fail(struct store *s, const char *what)
{
	log_err("%s: %s: %s", s->path, what, s->db ? db_errmsg(s->db) : "out of connections");
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

int store_schema_version(struct store *s)
{
	if (db_is_pg(s->db))
		return store_pg_schema_version(s);
	struct db_stmt *st;
	int v = -1;
	if (db_prepare(s->db, "PRAGMA user_version", &st) != 0)
		return -1;
	if (db_step(st) == DB_ROW)
		v = (int)db_col_int64(st, 0);
	db_finalize(st);
	return v;
}

/* Bring the schema to STORE_SCHEMA_VERSION, every step in one transaction (a new store's
 * nine steps and the index fix committed one by one cost 40 fsyncs, 15 ms of an analysis). */
static int migrate(struct store *s)
{
	if (db_is_pg(s->db))
		return store_pg_migrate(s);
	int v = store_schema_version(s);
	if (v < 0)
		return store_db_fail(s, "reading the schema version");
	if (v > store_nmigrations) {
		log_err("%s: schema version %d is newer than this routemark knows (%d)", s->path, v,
		    store_nmigrations);
		return -1;
	}
	/* deferred: a store already at the version takes no write lock here */
	if (exec(s, "BEGIN"))
		return -1;
	for (; v < store_nmigrations; v++) {
		char pragma[64];
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d;", v + 1);
		if (exec(s, store_migrations[v]) || exec(s, pragma)) {
			exec(s, "ROLLBACK");
			log_err("%s: migration to schema %d failed", s->path, v + 1);
			return -1;
		}
	}
	/* Index changes that need no new schema version (readers work with either), applied
	 * to stores made before them: findings of an AS in page order. */
	if (exec(s, "DROP INDEX IF EXISTS finding_asn; CREATE INDEX IF NOT EXISTS finding_order "
	            "ON finding(snapshot_id, asn, metric, prefix);")) {
		exec(s, "ROLLBACK");
		return -1;
	}
	return exec(s, "COMMIT");
}

/* A database without any table yet: a file just created. */
static int is_empty(struct store *s)
{
	struct db_stmt *st;
	int empty = 0;
	if (db_prepare(s->db, "SELECT count(*) FROM sqlite_schema", &st) == 0) {
		empty = db_step(st) == DB_ROW && db_col_int64(st, 0) == 0;
		db_finalize(st);
	}
	return empty;
}

int store_is_url(const char *path)
{
	return strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0;
}

/* The URL without its password, for messages. */
static char *redact(const char *url)
{
	const char *at = strchr(url, '@'), *user = strstr(url, "://");
	const char *colon = user && at ? memchr(user + 3, ':', (size_t)(at - user - 3)) : NULL;
	if (colon == NULL)
		return xstrdup(url);
	char *r = xmalloc(strlen(url) + 8);
	snprintf(r, strlen(url) + 8, "%.*s:***%s", (int)(colon - url), url, at);
	return r;
}

char *store_display_name(const char *path)
{
	return store_is_url(path) ? redact(path) : xstrdup(path);
}

/* SQLite: the file's settings for a writer or a reader. */
static int lite_setup(struct store *s)
{
	/* 32 KiB pages (a new store only; an existing one keeps its size): a snapshot writes
	 * tens of MB, and with 4 KiB pages the syscalls and page headers of writing and
	 * checkpointing them were a tenth of an analysis (jinx RIB: 0.94 -> 0.86 s) */
	/* A new (empty) file is filled in rollback-journal mode and switched to WAL when it
	 * is closed: pages new to a file need no journal, so its first snapshot is written once
	 * instead of to the WAL and again into the file (nobody can be reading a file that did
	 * not exist). Every store in use is in WAL mode, so readers never wait for a writer. */
	if (!s->readonly) {
		s->bulk = is_empty(s);
		return exec(s, "PRAGMA page_size = 32768") ||
		               exec(s, s->bulk ? "PRAGMA synchronous = FULL"
		                               : "PRAGMA journal_mode = WAL") ||
		               exec(s, "PRAGMA foreign_keys = OFF") ||
		               (!s->bulk && exec(s, "PRAGMA synchronous = NORMAL")) ||
		               exec(s, "PRAGMA cache_size = -8192")
		           ? -1
		           : 0;
	}
	/* readers: map the file (no copy through read() per page) and a larger page cache */
	return exec(s, "PRAGMA mmap_size = 1073741824") || exec(s, "PRAGMA cache_size = -16384")
	           ? -1
	           : 0;
}

int store_open(const char *path, int readonly, struct store **out)
{
	struct store *s = xcalloc(1, sizeof(*s));
	int pg = store_is_url(path);
	s->path = pg ? redact(path) : xstrdup(path);
	s->readonly = readonly;
	if ((pg ? db_pg_open(path, readonly, &s->db) : db_sqlite_open(path, readonly, &s->db)) !=
	    0) {
		store_db_fail(s, "cannot open database");
		store_close(s);
		return -1;
	}
	if ((!pg && lite_setup(s)) || (!readonly && migrate(s))) {
		store_close(s);
		return -1;
	}
	if (readonly && store_schema_version(s) != STORE_SCHEMA_VERSION) {
		log_err(
		    "%s: not a routemark store of schema %d (found %d); run 'routemark analyze' "
		    "to create or upgrade it",
		    s->path, STORE_SCHEMA_VERSION, store_schema_version(s));
		store_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

int store_changed(struct store *s)
{
	if (db_is_pg(s->db)) { /* notifications (LISTEN routemark: db_pg.c) */
		int rc = db_pg_changed(s->db);
		if (rc < 0)
			store_db_fail(s, "change notices");
		return rc;
	}
	if (s->dv_st == NULL && db_prepare(s->db, "PRAGMA data_version", &s->dv_st) != 0) {
		store_db_fail(s, "data_version");
		return -1;
	}
	int rc = db_step(s->dv_st);
	int64_t v = rc == DB_ROW ? db_col_int64(s->dv_st, 0) : -1;
	db_reset(s->dv_st);
	if (rc != DB_ROW) {
		store_db_fail(s, "data_version");
		return -1;
	}
	int changed = s->dv != 0 && v != s->dv;
	s->dv = v;
	return changed;
}

void store_close(struct store *s)
{
	if (s == NULL)
		return;
	if (s->in_snapshot)
		store_snapshot_abort(s);
	for (int i = 0; i < ST_COUNT; i++) {
		db_finalize(s->st[i]);
		db_finalize(s->batch[i]);
	}
	db_finalize(s->dv_st);
	if (s->bulk && exec(s, "PRAGMA journal_mode = WAL"))
		log_warn("%s: left in rollback-journal mode (readers wait while it is written)",
		    s->path);
	db_close(s->db);
	free(s->label);
	free(s->path);
	free(s);
}

struct sqlite3 *store_db(struct store *s)
{
	return db_sqlite_handle(s->db);
}

int store_snapshot_begin(struct store *s, struct store_snapshot *snap)
{
	if (s->readonly || s->in_snapshot)
		return -1;
	if (begin(s))
		return -1;
	s->in_snapshot = 1;
	struct db_stmt *st;
	/* Replace a snapshot of the same inputs. Foreign keys are declared for readers and
	 * tools but not enforced (checking them costs a lookup per row written), so the
	 * snapshot's rows are removed here, table by table. */
	static const char *const tables[] = {"snapshot_input", "snapshot_gap", "as_metric",
	    "as_summary", "finding", "incident", "route_block", "global_stat"};
	int rc = DB_DONE;
	for (size_t i = 0; i <= sizeof(tables) / sizeof(tables[0]) && rc == DB_DONE; i++) {
		char sql[160];
		if (i < sizeof(tables) / sizeof(tables[0]))
			snprintf(sql, sizeof(sql),
			    "DELETE FROM %s WHERE snapshot_id IN "
			    "(SELECT id FROM snapshot WHERE key = ?1)",
			    tables[i]);
		else /* the snapshot row itself, last */
			snprintf(sql, sizeof(sql), "DELETE FROM snapshot WHERE key = ?1");
		if (db_prepare(s->db, sql, &st))
			goto fail;
		db_bind_text(st, 1, snap->key);
		rc = db_step(st);
		db_finalize(st);
	}
	if (rc != DB_DONE)
		goto fail;
	if (snap->created == 0)
		snap->created = (int64_t)time(NULL);
	if (db_prepare(s->db,
	        "INSERT INTO snapshot (key, created, period_start, period_end, label) "
	        "VALUES (?1, ?2, ?3, ?4, ?5)",
	        &st))
		goto fail;
	db_bind_text(st, 1, snap->key);
	db_bind_int64(st, 2, snap->created);
	db_bind_int64(st, 3, snap->period_start);
	db_bind_int64(st, 4, snap->period_end);
	db_bind_text(st, 5, snap->label);
	rc = db_step(st);
	db_finalize(st);
	if (rc != DB_DONE)
		goto fail;
	snap->id = s->snap_id = db_last_id(s->db);
	return 0;
fail:
	store_db_fail(s, "starting a snapshot");
	store_snapshot_abort(s);
	return -1;
}

int store_snapshot_commit(struct store *s, const struct store_snapshot *snap)
{
	if (!s->in_snapshot)
		return -1;
	if (store_routes_flush(s) != 0) {
		store_snapshot_abort(s);
		return -1;
	}
	struct db_stmt *st;
	if (db_prepare(s->db,
	        "UPDATE snapshot SET routes = ?2, prefixes_v4 = ?3, prefixes_v6 = ?4, ases = ?5, "
	        "period_start = ?6, period_end = ?7, label = coalesce(?8, label) WHERE id = ?1",
	        &st) != 0) {
		store_db_fail(s, "finishing a snapshot");
		store_snapshot_abort(s);
		return -1;
	}
	db_bind_int64(st, 1, s->snap_id);
	db_bind_int64(st, 2, (int64_t)snap->routes);
	db_bind_int64(st, 3, (int64_t)snap->prefixes_v4);
	db_bind_int64(st, 4, (int64_t)snap->prefixes_v6);
	db_bind_int64(st, 5, (int64_t)snap->ases);
	db_bind_int64(st, 6, snap->period_start);
	db_bind_int64(st, 7, snap->period_end);
	db_bind_text(st, 8, snap->label);
	int rc = db_step(st);
	db_finalize(st);
	if (rc != DB_DONE || exec(s, "COMMIT")) {
		store_db_fail(s, "committing a snapshot");
		store_snapshot_abort(s);
		return -1;
	}
	s->in_snapshot = 0;
	return 0;
}

void store_snapshot_abort(struct store *s)
{
	store_routes_clear(s);
	if (!s->in_snapshot)
		return;
	db_exec(s->db, "ROLLBACK");
	s->in_snapshot = 0;
}

int store_snapshot_get(struct store *s, int64_t id, struct store_snapshot *snap)
{
	struct db_stmt *st;
	const char *sql =
	    id ? "SELECT id, key, created, period_start, period_end, label, routes, "
	         "prefixes_v4, prefixes_v6, ases FROM snapshot WHERE id = ?1"
	       : "SELECT id, key, created, period_start, period_end, label, routes, "
	         "prefixes_v4, prefixes_v6, ases FROM snapshot ORDER BY created DESC, "
	         "id DESC LIMIT 1";
	if (db_prepare(s->db, sql, &st) != 0)
		return store_db_fail(s, "reading snapshots");
	if (id)
		db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_finalize(st);
		return rc == DB_DONE ? 0 : store_db_fail(s, "reading snapshots");
	}
	memset(snap, 0, sizeof(*snap));
	snap->id = db_col_int64(st, 0);
	snprintf(snap->key, sizeof(snap->key), "%s", db_col_text(st, 1));
	snap->created = db_col_int64(st, 2);
	snap->period_start = db_col_int64(st, 3);
	snap->period_end = db_col_int64(st, 4);
	free(s->label);
	const char *l = db_col_text(st, 5);
	s->label = l ? xstrdup(l) : NULL;
	snap->label = s->label;
	snap->routes = (uint64_t)db_col_int64(st, 6);
	snap->prefixes_v4 = (uint64_t)db_col_int64(st, 7);
	snap->prefixes_v6 = (uint64_t)db_col_int64(st, 8);
	snap->ases = (uint64_t)db_col_int64(st, 9);
	db_finalize(st);
	return 1;
}
