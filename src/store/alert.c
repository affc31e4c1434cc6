/* The live monitor's alert events: written by the monitor outside snapshots, each in a
 * transaction of its own; read by the server's event stream and alerts page. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_private.h"

static int fail(struct store *s, const char *what)
{
	log_err("%s: %s: %s", s->path, what, db_errmsg(s->db));
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

static int known_state(const char *st)
{
	return strcmp(st, "opened") == 0 || strcmp(st, "updated") == 0 ||
	       strcmp(st, "resolved") == 0;
}

/* One statement with ?1.. bound by the caller, stepped once: DB_ROW's first column
 * as an integer into *v (when v), or DB_DONE. -1 on an error. */
static int step_one(struct store *s, struct db_stmt *st, int64_t *v, const char *what)
{
	int rc = db_step(st);
	if (rc == DB_ROW && v)
		*v = db_col_int64(st, 0);
	db_finalize(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return fail(s, what);
	return rc;
}

/* Is json one JSON object? 1, 0, or -1. */
static int json_object_ok(struct store *s, const char *json)
{
	struct db_stmt *st;
	if (db_is_pg(s->db)) { /* no json_valid: a cast of what is not JSON fails */
		if (db_prepare(s->db,
		        "SELECT CASE WHEN jsonb_typeof(CAST(?1 AS jsonb)) = 'object' THEN 1 ELSE 0 "
		        "END",
		        &st) != 0)
			return fail(s, "checking an alert event");
		db_bind_text(st, 1, json);
		int64_t ok = 0;
		if (db_step(st) == DB_ROW)
			ok = db_col_int64(st, 0);
		db_finalize(st);
		return ok != 0;
	}
	if (db_prepare(s->db,
	        "SELECT CASE WHEN json_valid(?1) THEN json_type(?1) = 'object' ELSE 0 END",
	        &st) != 0)
		return fail(s, "checking an alert event");
	db_bind_text(st, 1, json);
	int64_t ok = 0;
	int rc = step_one(s, st, &ok, "checking an alert event");
	return rc < 0 ? -1 : ok != 0;
}

/* Valid JSON without the blanks between its tokens: the text SQLite's json() stores, for
 * PostgreSQL (which would keep it as given, or print it its own way as jsonb). */
static char *json_compact(const char *json)
{
	char *o = xmalloc(strlen(json) + 1), *p = o;
	int in_str = 0;
	for (const char *c = json; *c; c++) {
		if (in_str) {
			*p++ = *c;
			if (*c == '\\' && c[1])
				*p++ = *++c;
			else if (*c == '"')
				in_str = 0;
		} else if (*c != ' ' && *c != '\t' && *c != '\n' && *c != '\r') {
			*p++ = *c;
			in_str = *c == '"';
		}
	}
	*p = '\0';
	return o;
}

/* The id of a stored event equal to ev, or 0. */
static int find_equal(struct store *s, const struct store_alert_event *ev, int64_t *id)
{
	struct db_stmt *st;
	*id = 0;
	if (db_prepare(s->db,
	        store_sql(s,
	            "SELECT id FROM alert_event WHERE alert_id = ?1 AND time = ?2 AND state = ?3 "
	            "AND json = json(?4) ORDER BY id LIMIT 1",
	            "SELECT id FROM alert_event WHERE alert_id = ?1 AND time = ?2 AND state = ?3 "
	            "AND json = ?4 ORDER BY id LIMIT 1"),
	        &st) != 0)
		return fail(s, "reading alert events");
	db_bind_text(st, 1, ev->alert_id);
	db_bind_int64(st, 2, ev->time);
	db_bind_text(st, 3, ev->state);
	db_bind_text(st, 4, ev->json);
	return step_one(s, st, id, "reading alert events") < 0 ? -1 : 0;
}

static int insert_event(struct store *s, struct store_alert_event *ev)
{
	struct db_stmt *st;
	if (db_prepare(s->db,
	        store_sql(s,
	            "INSERT INTO alert_event (alert_id, kind, state, time, prefix, asn, severity, "
	            "title, text, json) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,json(?10))",
	            "INSERT INTO alert_event (alert_id, kind, state, time, prefix, asn, severity, "
	            "title, text, json) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)"),
	        &st) != 0)
		return fail(s, "writing an alert event");
	db_bind_text(st, 1, ev->alert_id);
	db_bind_text(st, 2, ev->kind);
	db_bind_text(st, 3, ev->state);
	db_bind_int64(st, 4, ev->time);
	db_bind_text(st, 5, ev->prefix ? ev->prefix : "");
	db_bind_int64(st, 6, ev->asn);
	db_bind_int64(st, 7, ev->severity);
	db_bind_text(st, 8, ev->title ? ev->title : "");
	db_bind_text(st, 9, ev->text ? ev->text : "");
	db_bind_text(st, 10, ev->json);
	if (step_one(s, st, NULL, "writing an alert event") < 0)
		return -1;
	ev->id = db_last_id(s->db);
	/* the alert's current state: open since this event when it was not open before */
	if (db_prepare(s->db,
	        "INSERT INTO alert (alert_id, last_id, open, since) VALUES (?1, ?2, ?3, ?4) "
	        "ON CONFLICT(alert_id) DO UPDATE SET last_id = excluded.last_id, "
	        "open = excluded.open, "
	        "since = CASE WHEN alert.open <> 0 THEN alert.since ELSE excluded.since END",
	        &st) != 0)
		return fail(s, "writing an alert");
	db_bind_text(st, 1, ev->alert_id);
	db_bind_int64(st, 2, ev->id);
	db_bind_int64(st, 3, strcmp(ev->state, "resolved") != 0);
	db_bind_int64(st, 4, ev->time);
	return step_one(s, st, NULL, "writing an alert") < 0 ? -1 : 0;
}

int store_put_alert_event(struct store *s, struct store_alert_event *ev)
{
	if (s->readonly || s->in_snapshot || s->in_edit) {
		log_err("%s: alert event: store read-only or a snapshot open", s->path);
		return -1;
	}
	if (ev->alert_id == NULL || *ev->alert_id == '\0' || ev->kind == NULL ||
	    *ev->kind == '\0' || ev->state == NULL || !known_state(ev->state) || ev->severity < 0 ||
	    ev->severity > 7 || ev->json == NULL) {
		log_err("%s: alert event %s: needs an alert id, a kind, a state (opened, "
		        "updated, resolved), a severity 0..7 and JSON",
		    s->path, ev->alert_id ? ev->alert_id : "(no id)");
		return -1;
	}
	int ok = json_object_ok(s, ev->json);
	if (ok <= 0) {
		if (ok == 0)
			log_err("%s: alert event %s: not a JSON object", s->path, ev->alert_id);
		return -1;
	}
	if (ev->time == 0)
		ev->time = (int64_t)time(NULL);
	/* A file created by this connection is filled without a write-ahead log until it is
	 * closed (store.c); the monitor keeps its store open for days and the server reads it
	 * meanwhile, so the log goes on now. */
	if (s->bulk) {
		if (exec(s, "PRAGMA journal_mode = WAL") || exec(s, "PRAGMA synchronous = NORMAL"))
			return -1;
		s->bulk = 0;
	}
	if (begin(s))
		return -1;
	int64_t dup;
	const char *given = ev->json;
	char *compact = db_is_pg(s->db) ? json_compact(ev->json) : NULL;
	if (compact)
		ev->json = compact;
	int rc = find_equal(s, ev, &dup);
	if (rc == 0 && dup) {
		ev->id = dup;
		rc = 1;
	} else if (rc == 0) {
		rc = insert_event(s, ev);
	}
	ev->json = given;
	free(compact);
	if (rc >= 0 && exec(s, "COMMIT") == 0)
		return rc;
	exec(s, "ROLLBACK");
	return -1;
}

#define EVENT_COLS                                                                                 \
	"e.id, e.alert_id, e.kind, e.state, e.time, e.prefix, e.asn, e.severity, e.title, "        \
	"e.text, e.json"

static const char *col(struct db_stmt *st, int i)
{
	const char *t = db_col_text(st, i);
	return t ? t : "";
}

/* Each row of st (EVENT_COLS, then since when with_since) handed to fn. */
static int walk(struct store *s, struct db_stmt *st, int with_since, store_alert_fn fn, void *arg)
{
	int rc = DB_DONE, stop = 0;
	while (stop == 0 && (rc = db_step(st)) == DB_ROW) {
		struct store_alert_event ev = {
		    .id = db_col_int64(st, 0),
		    .alert_id = col(st, 1),
		    .kind = col(st, 2),
		    .state = col(st, 3),
		    .time = db_col_int64(st, 4),
		    .prefix = col(st, 5),
		    .asn = (uint32_t)db_col_int64(st, 6),
		    .severity = (int)db_col_int64(st, 7),
		    .title = col(st, 8),
		    .text = col(st, 9),
		    .json = col(st, 10),
		    .since = with_since ? db_col_int64(st, 11) : 0,
		};
		stop = fn(&ev, arg);
	}
	if (stop == 0 && rc != DB_DONE) {
		fail(s, "reading alert events");
		stop = -1;
	}
	db_finalize(st);
	return stop;
}

int store_alert_events(struct store *s, int64_t after, size_t limit, store_alert_fn fn, void *arg)
{
	struct db_stmt *st;
	if (db_prepare(s->db,
	        "SELECT " EVENT_COLS " FROM alert_event e WHERE e.id > ?1 ORDER BY e.id LIMIT ?2",
	        &st) != 0)
		return fail(s, "reading alert events");
	db_bind_int64(st, 1, after);
	db_bind_limit(st, 2, (int64_t)limit);
	return walk(s, st, 0, fn, arg);
}

int store_alerts_current(struct store *s, int which, size_t limit, store_alert_fn fn, void *arg)
{
	static const char *const where[] = {
	    [STORE_ALERTS_ALL] = "",
	    [STORE_ALERTS_OPEN] = "WHERE a.open = 1 ",
	    [STORE_ALERTS_RESOLVED] = "WHERE a.open = 0 ",
	};
	if (which < STORE_ALERTS_ALL || which > STORE_ALERTS_RESOLVED)
		which = STORE_ALERTS_ALL;
	char sql[400];
	snprintf(sql, sizeof(sql),
	    "SELECT " EVENT_COLS ", a.since FROM alert a JOIN alert_event e ON e.id = a.last_id "
	    "%sORDER BY a.last_id DESC LIMIT ?1",
	    where[which]);
	struct db_stmt *st;
	if (db_prepare(s->db, sql, &st) != 0)
		return fail(s, "reading alerts");
	db_bind_limit(st, 1, (int64_t)limit);
	return walk(s, st, 1, fn, arg);
}

int store_alert_last_id(struct store *s, int64_t *id)
{
	struct db_stmt *st;
	*id = 0;
	if (db_prepare(s->db, "SELECT coalesce(max(id), 0) FROM alert_event", &st) != 0)
		return fail(s, "reading alert events");
	return step_one(s, st, id, "reading alert events") < 0 ? -1 : 0;
}
