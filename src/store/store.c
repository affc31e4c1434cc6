/* Opening, migrating and writing the store. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_private.h"

static const char *const stmt_sql[ST_COUNT] = {
    [ST_INPUT] = "INSERT INTO snapshot_input (snapshot_id, kind, path, sha256, size, records, "
                 "malformed, data_time, date_from) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
    [ST_METRIC] = "INSERT OR REPLACE INTO as_metric VALUES (?1,?2,?3,?4,?5,?6)",
    [ST_SUMMARY] = "INSERT OR REPLACE INTO as_summary (snapshot_id, asn, prefixes_v4, "
                   "prefixes_v6, routes, rpki_valid, rpki_invalid, rpki_notfound, "
                   "irr_registered, irr_unregistered, action1, action2, action3, "
                   "action4_irr, action4_rpki, aspa, aspa_invalid) VALUES "
                   "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)",
    [ST_FINDING] = "INSERT INTO finding (snapshot_id, asn, metric, culprit, prefix, origin, "
                   "path, peer_ip, peer_asn, peers, first_seen, last_seen, detail, evidence, "
                   "rib_first, rib_last, upd_first, upd_last) "
                   "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)",
    [ST_INCIDENT] = "INSERT INTO incident (snapshot_id, asn, metric, start, end, weight, score, "
                    "nevents, duration_known) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
    [ST_GLOBAL] = "INSERT OR REPLACE INTO global_stat VALUES (?1,?2,?3,?4)",
    [ST_ASINFO] = "INSERT INTO as_info (asn, name, cc, rir, org_id, org_name) "
                  "VALUES (?1,?2,?3,?4,?5,?6) ON CONFLICT(asn) DO UPDATE SET "
                  "name = coalesce(excluded.name, name), cc = coalesce(excluded.cc, cc), "
                  "rir = coalesce(excluded.rir, rir), "
                  "org_id = coalesce(excluded.org_id, org_id), "
                  "org_name = coalesce(excluded.org_name, org_name)",
};

static int db_fail(struct store *s, const char *what)
{
	log_err("%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
	return -1;
}

static int exec(struct store *s, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_err("%s: %s", s->path, msg ? msg : "sqlite error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int store_schema_version(struct store *s)
{
	sqlite3_stmt *st;
	int v = -1;
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Bring the schema to STORE_SCHEMA_VERSION, each step in its own transaction. */
static int migrate(struct store *s)
{
	int v = store_schema_version(s);
	if (v < 0)
		return db_fail(s, "reading the schema version");
	if (v > store_nmigrations) {
		log_err("%s: schema version %d is newer than this routemark knows (%d)", s->path, v,
		    store_nmigrations);
		return -1;
	}
	for (; v < store_nmigrations; v++) {
		char pragma[64];
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d;", v + 1);
		if (exec(s, "BEGIN IMMEDIATE") || exec(s, store_migrations[v]) || exec(s, pragma)) {
			exec(s, "ROLLBACK");
			log_err("%s: migration to schema %d failed", s->path, v + 1);
			return -1;
		}
		if (exec(s, "COMMIT"))
			return -1;
	}
	/* Index changes that need no new schema version (readers work with either), applied
	 * to stores made before them: findings of an AS in page order. */
	if (exec(s, "DROP INDEX IF EXISTS finding_asn; CREATE INDEX IF NOT EXISTS finding_order "
	            "ON finding(snapshot_id, asn, metric, prefix);"))
		return -1;
	return 0;
}

/* A database without any table yet: a file just created. */
static int is_empty(struct store *s)
{
	sqlite3_stmt *st;
	int empty = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_schema", -1, &st, NULL) ==
	    SQLITE_OK) {
		empty = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 0;
		sqlite3_finalize(st);
	}
	return empty;
}

int store_open(const char *path, int readonly, struct store **out)
{
	struct store *s = xcalloc(1, sizeof(*s));
	s->path = xstrdup(path);
	s->readonly = readonly;
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	flags |= SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		db_fail(s, "cannot open database");
		store_close(s);
		return -1;
	}
	sqlite3_busy_timeout(s->db, 5000);
	/* 32 KiB pages (a new store only; an existing one keeps its size): a snapshot writes
	 * tens of MB, and with 4 KiB pages the syscalls and page headers of writing and
	 * checkpointing them were a tenth of an analysis (jinx RIB: 0.94 -> 0.86 s) */
	/* A new (empty) file is filled in rollback-journal mode and switched to WAL when it
	 * is closed: pages new to a file need no journal, so its first snapshot is written once
	 * instead of to the WAL and again into the file (nobody can be reading a file that did
	 * not exist). Every store in use is in WAL mode, so readers never wait for a writer. */
	s->bulk = !readonly && is_empty(s);
	if (!readonly &&
	    (exec(s, "PRAGMA page_size = 32768") ||
	        exec(s, s->bulk ? "PRAGMA synchronous = FULL" : "PRAGMA journal_mode = WAL") ||
	        exec(s, "PRAGMA foreign_keys = OFF") ||
	        (!s->bulk && exec(s, "PRAGMA synchronous = NORMAL")) ||
	        exec(s, "PRAGMA cache_size = -65536") || migrate(s))) {
		store_close(s);
		return -1;
	}
	/* readers: map the file (no copy through read() per page) and a larger page cache */
	if (readonly &&
	    (exec(s, "PRAGMA mmap_size = 1073741824") || exec(s, "PRAGMA cache_size = -16384"))) {
		store_close(s);
		return -1;
	}
	if (readonly && store_schema_version(s) != STORE_SCHEMA_VERSION) {
		log_err(
		    "%s: not a routemark store of schema %d (found %d); run 'routemark analyze' "
		    "to create or upgrade it",
		    path, STORE_SCHEMA_VERSION, store_schema_version(s));
		store_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

int store_changed(struct store *s)
{
	if (s->dv_st == NULL &&
	    sqlite3_prepare_v2(s->db, "PRAGMA data_version", -1, &s->dv_st, NULL) != SQLITE_OK) {
		db_fail(s, "data_version");
		return -1;
	}
	int rc = sqlite3_step(s->dv_st);
	int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(s->dv_st, 0) : -1;
	sqlite3_reset(s->dv_st);
	if (rc != SQLITE_ROW) {
		db_fail(s, "data_version");
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
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_finalize(s->dv_st);
	if (s->bulk && exec(s, "PRAGMA journal_mode = WAL"))
		log_warn("%s: left in rollback-journal mode (readers wait while it is written)",
		    s->path);
	sqlite3_close(s->db);
	free(s->label);
	free(s->path);
	free(s);
}

struct sqlite3 *store_db(struct store *s)
{
	return s->db;
}

static sqlite3_stmt *stmt(struct store *s, enum store_stmt k)
{
	if (s->st[k] == NULL &&
	    sqlite3_prepare_v2(s->db, stmt_sql[k], -1, &s->st[k], NULL) != SQLITE_OK) {
		db_fail(s, "preparing a statement");
		return NULL;
	}
	sqlite3_reset(s->st[k]);
	sqlite3_clear_bindings(s->st[k]);
	return s->st[k];
}

/* Statement k for a row of the snapshot being written, ?1 bound to it; NULL outside one. */
static sqlite3_stmt *snap_stmt(struct store *s, enum store_stmt k)
{
	sqlite3_stmt *st = stmt(s, k);
	if (st == NULL || !s->in_snapshot)
		return NULL;
	sqlite3_bind_int64(st, 1, s->snap_id);
	return st;
}

static int step_done(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(s, "writing");
}

static void bind_pct(sqlite3_stmt *st, int i, double v)
{
	if (v < 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_double(st, i, v);
}

int store_snapshot_begin(struct store *s, struct store_snapshot *snap)
{
	if (s->readonly || s->in_snapshot)
		return -1;
	if (exec(s, "BEGIN IMMEDIATE"))
		return -1;
	s->in_snapshot = 1;
	sqlite3_stmt *st;
	/* Replace a snapshot of the same inputs. Foreign keys are declared for readers and
	 * tools but not enforced (checking them costs a lookup per row written), so the
	 * snapshot's rows are removed here, table by table. */
	static const char *const tables[] = {"snapshot_input", "snapshot_gap", "as_metric",
	    "as_summary", "finding", "incident", "route_block", "global_stat"};
	int rc = SQLITE_DONE;
	for (size_t i = 0; i <= sizeof(tables) / sizeof(tables[0]) && rc == SQLITE_DONE; i++) {
		char sql[160];
		if (i < sizeof(tables) / sizeof(tables[0]))
			snprintf(sql, sizeof(sql),
			    "DELETE FROM %s WHERE snapshot_id IN "
			    "(SELECT id FROM snapshot WHERE key = ?1)",
			    tables[i]);
		else /* the snapshot row itself, last */
			snprintf(sql, sizeof(sql), "DELETE FROM snapshot WHERE key = ?1");
		if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL))
			goto fail;
		store_bind_text(st, 1, snap->key);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
	}
	if (rc != SQLITE_DONE)
		goto fail;
	if (snap->created == 0)
		snap->created = (int64_t)time(NULL);
	if (sqlite3_prepare_v2(s->db,
	        "INSERT INTO snapshot (key, created, period_start, period_end, label) "
	        "VALUES (?1, ?2, ?3, ?4, ?5)",
	        -1, &st, NULL))
		goto fail;
	store_bind_text(st, 1, snap->key);
	sqlite3_bind_int64(st, 2, snap->created);
	sqlite3_bind_int64(st, 3, snap->period_start);
	sqlite3_bind_int64(st, 4, snap->period_end);
	store_bind_text(st, 5, snap->label);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto fail;
	snap->id = s->snap_id = sqlite3_last_insert_rowid(s->db);
	return 0;
fail:
	db_fail(s, "starting a snapshot");
	store_snapshot_abort(s);
	return -1;
}

int store_put_input(struct store *s, const struct store_input *in)
{
	sqlite3_stmt *st = snap_stmt(s, ST_INPUT);
	if (st == NULL)
		return -1;
	store_bind_text(st, 2, in->kind);
	store_bind_text(st, 3, in->path);
	store_bind_text(st, 4, in->sha256);
	sqlite3_bind_int64(st, 5, (int64_t)in->size);
	sqlite3_bind_int64(st, 6, (int64_t)in->records);
	sqlite3_bind_int64(st, 7, (int64_t)in->malformed);
	if (in->data_time > 0)
		sqlite3_bind_int64(st, 8, in->data_time);
	else
		sqlite3_bind_null(st, 8);
	store_bind_text(st, 9, in->data_time > 0 ? in->date_from : NULL);
	return step_done(s, st);
}

int store_put_metric(struct store *s, const struct store_metric *m)
{
	sqlite3_stmt *st = snap_stmt(s, ST_METRIC);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 2, m->asn);
	store_bind_text(st, 3, m->metric);
	if (m->percent < 0)
		sqlite3_bind_null(st, 4);
	else
		sqlite3_bind_double(st, 4, m->raw);
	bind_pct(st, 5, m->percent);
	sqlite3_bind_int64(st, 6, (int64_t)m->count);
	return step_done(s, st);
}

int store_put_summary(struct store *s, const struct store_as_summary *a)
{
	sqlite3_stmt *st = snap_stmt(s, ST_SUMMARY);
	if (st == NULL)
		return -1;
	const uint64_t v[] = {a->prefixes_v4, a->prefixes_v6, a->routes, a->rpki_valid,
	    a->rpki_invalid, a->rpki_notfound, a->irr_registered, a->irr_unregistered};
	sqlite3_bind_int64(st, 2, a->asn);
	for (int i = 0; i < 8; i++)
		sqlite3_bind_int64(st, 3 + i, (int64_t)v[i]);
	bind_pct(st, 11, a->action[1]);
	bind_pct(st, 12, a->action[2]);
	bind_pct(st, 13, a->action[3]);
	bind_pct(st, 14, a->action4_irr);
	bind_pct(st, 15, a->action4_rpki);
	if (a->aspa < 0)
		sqlite3_bind_null(st, 16);
	else
		sqlite3_bind_int(st, 16, a->aspa);
	if (a->aspa_invalid < 0)
		sqlite3_bind_null(st, 17);
	else
		sqlite3_bind_int64(st, 17, a->aspa_invalid);
	return step_done(s, st);
}

int store_put_finding(struct store *s, const struct store_finding *f)
{
	sqlite3_stmt *st = snap_stmt(s, ST_FINDING);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 2, f->asn);
	store_bind_text(st, 3, f->metric);
	sqlite3_bind_int64(st, 4, f->culprit);
	store_bind_text(st, 5, f->prefix);
	sqlite3_bind_int64(st, 6, f->origin);
	store_bind_text(st, 7, f->path);
	store_bind_text(st, 8, f->peer_ip);
	sqlite3_bind_int64(st, 9, f->peer_asn);
	sqlite3_bind_int64(st, 10, f->peers);
	sqlite3_bind_int64(st, 11, f->first_seen);
	sqlite3_bind_int64(st, 12, f->last_seen);
	store_bind_text(st, 13, f->detail);
	store_bind_text(st, 14, f->evidence);
	sqlite3_bind_int64(st, 15, f->rib_first);
	sqlite3_bind_int64(st, 16, f->rib_last);
	sqlite3_bind_int64(st, 17, f->upd_first);
	sqlite3_bind_int64(st, 18, f->upd_last);
	return step_done(s, st);
}

int store_put_incident(struct store *s, const struct store_incident *i)
{
	sqlite3_stmt *st = snap_stmt(s, ST_INCIDENT);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 2, i->asn);
	store_bind_text(st, 3, i->metric);
	sqlite3_bind_int64(st, 4, i->start);
	sqlite3_bind_int64(st, 5, i->end);
	sqlite3_bind_double(st, 6, i->weight);
	sqlite3_bind_double(st, 7, i->score);
	sqlite3_bind_int64(st, 8, i->nevents);
	sqlite3_bind_int(st, 9, i->duration_known);
	return step_done(s, st);
}

int store_put_global(struct store *s, const struct store_global *g)
{
	sqlite3_stmt *st = snap_stmt(s, ST_GLOBAL);
	if (st == NULL)
		return -1;
	store_bind_text(st, 2, g->scope);
	store_bind_text(st, 3, g->key);
	sqlite3_bind_double(st, 4, g->value);
	return step_done(s, st);
}

int store_put_asinfo(struct store *s, const struct store_asinfo *x)
{
	sqlite3_stmt *st = stmt(s, ST_ASINFO);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, x->asn);
	store_bind_text(st, 2, x->name);
	store_bind_text(st, 3, x->cc);
	store_bind_text(st, 4, x->rir);
	store_bind_text(st, 5, x->org_id);
	store_bind_text(st, 6, x->org_name);
	return step_done(s, st);
}

int store_snapshot_commit(struct store *s, const struct store_snapshot *snap)
{
	if (!s->in_snapshot)
		return -1;
	if (store_routes_flush(s) != 0) {
		store_snapshot_abort(s);
		return -1;
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db,
	        "UPDATE snapshot SET routes = ?2, prefixes_v4 = ?3, prefixes_v6 = ?4, ases = ?5, "
	        "period_start = ?6, period_end = ?7, label = coalesce(?8, label) WHERE id = ?1",
	        -1, &st, NULL) != SQLITE_OK) {
		db_fail(s, "finishing a snapshot");
		store_snapshot_abort(s);
		return -1;
	}
	sqlite3_bind_int64(st, 1, s->snap_id);
	sqlite3_bind_int64(st, 2, (int64_t)snap->routes);
	sqlite3_bind_int64(st, 3, (int64_t)snap->prefixes_v4);
	sqlite3_bind_int64(st, 4, (int64_t)snap->prefixes_v6);
	sqlite3_bind_int64(st, 5, (int64_t)snap->ases);
	sqlite3_bind_int64(st, 6, snap->period_start);
	sqlite3_bind_int64(st, 7, snap->period_end);
	store_bind_text(st, 8, snap->label);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || exec(s, "COMMIT")) {
		db_fail(s, "committing a snapshot");
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
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_snapshot = 0;
}

int store_snapshot_get(struct store *s, int64_t id, struct store_snapshot *snap)
{
	sqlite3_stmt *st;
	const char *sql =
	    id ? "SELECT id, key, created, period_start, period_end, label, routes, "
	         "prefixes_v4, prefixes_v6, ases FROM snapshot WHERE id = ?1"
	       : "SELECT id, key, created, period_start, period_end, label, routes, "
	         "prefixes_v4, prefixes_v6, ases FROM snapshot ORDER BY created DESC, "
	         "id DESC LIMIT 1";
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_fail(s, "reading snapshots");
	if (id)
		sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? 0 : db_fail(s, "reading snapshots");
	}
	memset(snap, 0, sizeof(*snap));
	snap->id = sqlite3_column_int64(st, 0);
	snprintf(snap->key, sizeof(snap->key), "%s", (const char *)sqlite3_column_text(st, 1));
	snap->created = sqlite3_column_int64(st, 2);
	snap->period_start = sqlite3_column_int64(st, 3);
	snap->period_end = sqlite3_column_int64(st, 4);
	free(s->label);
	const unsigned char *l = sqlite3_column_text(st, 5);
	s->label = l ? xstrdup((const char *)l) : NULL;
	snap->label = s->label;
	snap->routes = (uint64_t)sqlite3_column_int64(st, 6);
	snap->prefixes_v4 = (uint64_t)sqlite3_column_int64(st, 7);
	snap->prefixes_v6 = (uint64_t)sqlite3_column_int64(st, 8);
	snap->ases = (uint64_t)sqlite3_column_int64(st, 9);
	sqlite3_finalize(st);
	return 1;
}
