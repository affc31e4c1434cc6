/* store: the live monitor's alert events (src/store/alert.c): ids, idempotent writes, the
 * current state of each alert, bad events refused, a reader on another connection. */
#include <sqlite3.h>

#include "testutil.h"
#include "store/store.h"
#include "store/store_private.h"

static char dbpath[256];

static int setup(void **state)
{
	snprintf(dbpath, sizeof(dbpath), "/tmp/routemark-test-alert-%d.db", (int)getpid());
	unlink(dbpath);
	return 0;
}

static int teardown(void **state)
{
	char p[300];
	unlink(dbpath);
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", dbpath);
	unlink(p);
	return 0;
}

/* What a walk saw. */
struct seen {
	int64_t id[16], since[16], time[16];
	char alert[16][64], state[16][16], json[16][256];
	size_t n;
	size_t stop_at; /* stop (return 7) after this many; 0 = never */
};

static int collect(const struct store_alert_event *ev, void *arg)
{
	struct seen *s = arg;
	assert_true(s->n < 16);
	s->id[s->n] = ev->id;
	s->since[s->n] = ev->since;
	s->time[s->n] = ev->time;
	snprintf(s->alert[s->n], sizeof(s->alert[0]), "%s", ev->alert_id);
	snprintf(s->state[s->n], sizeof(s->state[0]), "%s", ev->state);
	snprintf(s->json[s->n], sizeof(s->json[0]), "%s", ev->json);
	s->n++;
	return s->stop_at && s->n == s->stop_at ? 7 : 0;
}

static int put(
    struct store *s, const char *alert, const char *state, int64_t t, const char *json, int64_t *id)
{
	struct store_alert_event ev = {.alert_id = alert,
	    .kind = "origin-hijack",
	    .state = state,
	    .time = t,
	    .prefix = "192.0.2.0/24",
	    .asn = 64500,
	    .severity = 2,
	    .title = "AS64501 originates 192.0.2.0/24",
	    .text = "Seen by 2 peers.",
	    .json = json};
	int rc = store_put_alert_event(s, &ev);
	if (id)
		*id = ev.id;
	return rc;
}

static void test_alert_events(void **state)
{
	struct store *s;
	assert_int_equal(store_open(dbpath, 0, &s), 0);
	assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
	int64_t last = -1, a1, a2, a3, b1, dup;
	assert_int_equal(store_alert_last_id(s, &last), 0);
	assert_int_equal(last, 0);
	const char *A = "origin-hijack/192.0.2.0/24/AS64501", *B = "rpki-invalid/198.51.100.0/24";
	assert_int_equal(put(s, A, "opened", 1000, "{\"peers\": 1,\n \"x\": [1, 2]}", &a1), 0);
	assert_int_equal(put(s, B, "opened", 1010, "{\"peers\":1}", &b1), 0);
	assert_int_equal(put(s, A, "updated", 1020, "{\"peers\":2}", &a2), 0);
	assert_true(a1 > 0 && b1 > a1 && a2 > b1);
	/* the same event again (a restarted monitor): not stored, its id given back; the
	 * JSON compared minified */
	assert_int_equal(put(s, A, "opened", 1000, "{\"peers\":1,\"x\":[1,2]}", &dup), 1);
	assert_int_equal(dup, a1);
	/* new content at the same time is a new event */
	assert_int_equal(put(s, A, "updated", 1020, "{\"peers\":3}", &a3), 0);
	assert_true(a3 > a2);
	assert_int_equal(store_alert_last_id(s, &last), 0);
	assert_int_equal(last, a3);

	/* events after an id, oldest first, limited; JSON stored on one line */
	struct seen w = {0};
	assert_int_equal(store_alert_events(s, 0, 0, collect, &w), 0);
	assert_int_equal(w.n, 4);
	assert_int_equal(w.id[0], a1);
	assert_string_equal(w.json[0], "{\"peers\":1,\"x\":[1,2]}");
	assert_int_equal(w.id[3], a3);
	memset(&w, 0, sizeof(w));
	assert_int_equal(store_alert_events(s, b1, 1, collect, &w), 0);
	assert_int_equal(w.n, 1);
	assert_int_equal(w.id[0], a2);
	memset(&w, 0, sizeof(w));
	w.stop_at = 2;
	assert_int_equal(store_alert_events(s, 0, 0, collect, &w), 7);
	assert_int_equal(w.n, 2);

	/* the current state: newest first, since = when opened */
	memset(&w, 0, sizeof(w));
	assert_int_equal(store_alerts_current(s, STORE_ALERTS_OPEN, 0, collect, &w), 0);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.alert[0], A);
	assert_int_equal(w.id[0], a3);
	assert_int_equal(w.since[0], 1000);
	assert_int_equal(w.time[0], 1020);
	assert_string_equal(w.alert[1], B);
	/* B resolves: it leaves the open list, stays in all, is in resolved */
	int64_t b2;
	assert_int_equal(put(s, B, "resolved", 1100, "{}", &b2), 0);
	memset(&w, 0, sizeof(w));
	assert_int_equal(store_alerts_current(s, 1, 0, collect, &w), 0); /* open_only = 1 */
	assert_int_equal(w.n, 1);
	assert_string_equal(w.alert[0], A);
	memset(&w, 0, sizeof(w));
	assert_int_equal(store_alerts_current(s, STORE_ALERTS_RESOLVED, 0, collect, &w), 0);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.state[0], "resolved");
	assert_int_equal(w.since[0], 1010);
	memset(&w, 0, sizeof(w));
	assert_int_equal(store_alerts_current(s, 0, 1, collect, &w), 0); /* all, limit 1 */
	assert_int_equal(w.n, 1);
	assert_int_equal(w.id[0], b2);
	/* opened again later: open since then */
	assert_int_equal(put(s, B, "opened", 2000, "{}", NULL), 0);
	memset(&w, 0, sizeof(w));
	assert_int_equal(store_alerts_current(s, STORE_ALERTS_OPEN, 0, collect, &w), 0);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.alert[0], B);
	assert_int_equal(w.since[0], 2000);

	/* refused: no id, unknown state, bad severity, not a JSON object; nothing written */
	int64_t before;
	assert_int_equal(store_alert_last_id(s, &before), 0);
	assert_int_equal(put(s, "", "opened", 1, "{}", NULL), -1);
	assert_int_equal(put(s, A, "closed", 1, "{}", NULL), -1);
	assert_int_equal(put(s, A, "opened", 1, "[1]", NULL), -1);
	assert_int_equal(put(s, A, "opened", 1, "{\"a\":", NULL), -1);
	assert_int_equal(put(s, A, "opened", 1, NULL, NULL), -1);
	struct store_alert_event bad = {
	    .alert_id = A, .kind = "x", .state = "opened", .severity = 8, .json = "{}"};
	assert_int_equal(store_put_alert_event(s, &bad), -1);
	assert_int_equal(store_alert_last_id(s, &last), 0);
	assert_int_equal(last, before);
	/* time 0 is now */
	struct store_alert_event now = {
	    .alert_id = "x/1", .kind = "bogon-asn", .state = "opened", .json = "{}"};
	assert_int_equal(store_put_alert_event(s, &now), 0);
	assert_true(now.time > 1700000000);
	store_close(s);

	/* a reader on its own connection: sees the events, notices a new one */
	struct store *r, *wr;
	assert_int_equal(store_open(dbpath, 1, &r), 0);
	assert_int_equal(store_open(dbpath, 0, &wr), 0);
	assert_int_equal(store_changed(r), 0);
	assert_int_equal(store_alert_last_id(r, &last), 0);
	assert_int_equal(last, now.id);
	assert_int_equal(put(wr, "y/1", "opened", 3000, "{}", &a1), 0);
	assert_int_equal(store_changed(r), 1);
	assert_int_equal(store_alert_last_id(r, &last), 0);
	assert_int_equal(last, a1);
	assert_int_equal(put(r, "y/2", "opened", 3000, "{}", NULL), -1); /* read-only */
	store_close(wr);
	store_close(r);
}

/* A new file written only with alert events (the monitor's store) is in WAL mode from its
 * first event, so the server reads while the monitor writes. */
static void test_alert_new_store_wal(void **state)
{
	struct store *s;
	assert_int_equal(store_open(dbpath, 0, &s), 0);
	assert_int_equal(put(s, "z/1", "opened", 1, "{}", NULL), 0);
	sqlite3_stmt *st;
	assert_int_equal(
	    sqlite3_prepare_v2(store_db(s), "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	/* not inside a snapshot */
	struct store_snapshot snap = {.key = "k"};
	assert_int_equal(store_snapshot_begin(s, &snap), 0);
	assert_int_equal(put(s, "z/2", "opened", 1, "{}", NULL), -1);
	store_snapshot_abort(s);
	assert_int_equal(put(s, "z/2", "opened", 1, "{}", NULL), 0);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_alert_events, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_alert_new_store_wal, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
