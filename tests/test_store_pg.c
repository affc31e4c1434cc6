/*
 * The PostgreSQL store (src/store/db_pg.c) against the SQLite one, on a private PostgreSQL
 * server the test starts itself (initdb and pg_ctl from /usr/lib/postgresql/N/bin, as the
 * postgres user when run as root: initdb refuses root) on a free 127.0.0.1 port, in a temp
 * dir, stopped at the end (pg_ctl stop; its PID killed should that fail).
 *
 *   - identity: the same real inputs (the jinx updates, then the jinx RIB, with VRPs,
 *     relationships, route objects and AS names) analysed into a SQLite file and into
 *     PostgreSQL: report, summary, top and prefix print the same bytes, and so does the
 *     server's API and pages; alert events written to both read back the same, and so do a
 *     dispute accepted (scores rewritten) and attestations filed and revoked;
 *   - restart: PostgreSQL stopped and started again under a reader holding a connection: the
 *     reader reconnects (and says the store changed), a new analyze stores its snapshot, a
 *     new reader opens;
 *   - replicas: two `routemark serve` processes on one database, each with its responses
 *     cached; an analyze into it, and an alert event written to it, reach both (NOTIFY),
 *     long before the cache's TTL.
 */
#include <curl/curl.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#include "testutil.h"
#include "httpget.h"
#include "netutil.h"
#include "serve/serve.h"
#include "store/store.h"

static struct {
	char dir[256], data[300], bin[256], lite[300], url[200];
	int port, drop;
	uid_t uid;
	gid_t gid;
	pid_t serve[2];     /* test_replicas' servers, stopped by teardown should a check fail */
	pid_t nats, worker; /* test_batch's */
} pg;

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Run a PostgreSQL program (as postgres when root), its output appended to dir/pg.log. */
static int pg_run(char *const argv[])
{
	char log[320];
	snprintf(log, sizeof(log), "%s/pg.log", pg.dir);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (pg.drop &&
		    (setgroups(0, NULL) != 0 || setgid(pg.gid) != 0 || setuid(pg.uid) != 0))
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int pg_start(void)
{
	char prog[300], log[320], opts[600];
	snprintf(prog, sizeof(prog), "%s/pg_ctl", pg.bin);
	snprintf(log, sizeof(log), "%s/server.log", pg.dir);
	snprintf(opts, sizeof(opts),
	    "-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60", pg.port,
	    pg.dir);
	char *const argv[] = {
	    prog, "-D", pg.data, "-w", "-t", "120", "-l", log, "-o", opts, "start", NULL};
	return pg_run(argv);
}

/* pg_ctl stop; should it fail, the postmaster's PID (postmaster.pid) killed. */
static int pg_stop(void)
{
	char prog[300];
	snprintf(prog, sizeof(prog), "%s/pg_ctl", pg.bin);
	char *const argv[] = {prog, "-D", pg.data, "-m", "fast", "-w", "-t", "120", "stop", NULL};
	if (pg_run(argv) == 0)
		return 0;
	char pidfile[320];
	snprintf(pidfile, sizeof(pidfile), "%s/postmaster.pid", pg.data);
	FILE *f = fopen(pidfile, "r");
	long pid = 0;
	if (f && fscanf(f, "%ld", &pid) == 1 && pid > 1)
		kill((pid_t)pid, SIGKILL);
	if (f)
		fclose(f);
	return -1;
}

static int setup(void **state)
{
	glob_t g;
	if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &g) != 0 || g.gl_pathc == 0) {
		printf(
		    "test_store_pg: no PostgreSQL server (scripts/deps.sh installs postgresql)\n");
		return -1;
	}
	snprintf(pg.bin, sizeof(pg.bin), "%s", g.gl_pathv[g.gl_pathc - 1]);
	globfree(&g);
	*strrchr(pg.bin, '/') = '\0';
	snprintf(pg.dir, sizeof(pg.dir), "/tmp/routemark-pg-XXXXXX");
	if (mkdtemp(pg.dir) == NULL)
		return -1;
	if (geteuid() == 0) { /* initdb refuses root */
		struct passwd *pw = getpwnam("postgres");
		if (pw == NULL) {
			printf("test_store_pg: run as root and no user postgres\n");
			return -1;
		}
		pg.drop = 1, pg.uid = pw->pw_uid, pg.gid = pw->pw_gid;
		if (chown(pg.dir, pg.uid, pg.gid) != 0)
			return -1;
	}
	snprintf(pg.data, sizeof(pg.data), "%s/data", pg.dir);
	snprintf(pg.lite, sizeof(pg.lite), "%s/store.db", pg.dir);
	pg.port = loopback_free_port(NULL);
	snprintf(pg.url, sizeof(pg.url), "postgresql://routemark@127.0.0.1:%d/postgres", pg.port);
	char prog[300];
	snprintf(prog, sizeof(prog), "%s/initdb", pg.bin);
	char *const argv[] = {prog, "-D", pg.data, "-A", "trust", "-U", "routemark", "--no-sync",
	    "-E", "UTF8", "--locale=C", NULL};
	if (pg_run(argv) != 0 || pg_start() != 0) {
		printf("test_store_pg: initdb or pg_ctl start failed: see %s/pg.log\n", pg.dir);
		return -1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return 0;
}

static int teardown(void **state)
{
	pid_t *kids[4] = {&pg.serve[0], &pg.serve[1], &pg.worker, &pg.nats};
	for (int i = 0; i < 4; i++)
		if (*kids[i] > 0) {
			kill(*kids[i], SIGTERM);
			waitpid(*kids[i], NULL, 0);
			*kids[i] = 0;
		}
	int rc = pg_stop();
	curl_global_cleanup();
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", pg.dir);
	return system(cmd) == 0 && rc == 0 ? 0 : -1;
}

/* A command's output (stdout and stderr) and exit status. */
static int run_out(const char *args, char **out)
{
	char cmd[8192];
	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", test_bin(), args);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = 0, cap = 1 << 16;
	char *b = malloc(cap);
	size_t got;
	while ((got = fread(b + n, 1, cap - n - 1, p)) > 0)
		if ((n += got) == cap - 1)
			b = realloc(b, cap *= 2);
	b[n] = '\0';
	*out = b;
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* analyze one MRT file with the reference data into db; its wall time. */
static double analyze(const char *db, const char *mrt)
{
	static const char *const rel[] = {"rpki/vrps_2017-06-01_from_compress_roas.csv",
	    "caida/20140101.as-rel.txt.bz2", "irr/rpkiirrstats__ripe-db-route.txt",
	    "misc/asn_names_ASN_lookup.txt.gz"};
	char p[5][1024];
	for (int i = 0; i < 5; i++) {
		const char *x = test_data_path(i < 4 ? rel[i] : mrt);
		assert_non_null(x);
		snprintf(p[i], sizeof(p[i]), "%s", x);
	}
	char args[6000], *out;
	snprintf(args, sizeof(args),
	    "-q analyze --db %s --vrps %s --asrel %s --irr %s --asnames %s %s", db, p[0], p[1],
	    p[2], p[3], p[4]);
	double t = now_s();
	int rc = run_out(args, &out);
	t = now_s() - t;
	if (rc != 0)
		fail_msg("analyze %s into %s: exit %d: %s", mrt, db, rc, out);
	free(out);
	return t;
}

#define UPDATES "mrt/libbgpstream__routeviews.route-views.jinx.updates.1401493500.bz2"
#define RIB "mrt/libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2"

/* Run sql on both stores: SQLite's file and PostgreSQL. */
static void sql_both(const char *sql)
{
	sqlite3 *h;
	assert_int_equal(sqlite3_open(pg.lite, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	PGconn *c = PQconnectdb(pg.url);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PGresult *r = PQexec(c, sql);
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	PQfinish(c);
}

/* A report's "generated" time (the second it ran) as X: two runs may straddle a second. */
static void mask_generated(char *s)
{
	for (char *p = s; (p = strstr(p, "\"generated\": \"")) != NULL;) {
		for (p += 14; *p && *p != '"'; p++)
			*p = 'X';
	}
}

/* The same command on both stores: exit status want, the same bytes (but the time it ran). */
static void same_cli_rc(const char *cmd, int want)
{
	char args[1024], *a, *b;
	snprintf(args, sizeof(args), "%s --db %s", cmd, pg.lite);
	int ra = run_out(args, &a);
	snprintf(args, sizeof(args), "%s --db %s", cmd, pg.url);
	int rb = run_out(args, &b);
	mask_generated(a);
	mask_generated(b);
	if (ra != want || rb != want || strcmp(a, b) != 0)
		fail_msg("'%s': SQLite (exit %d, %zu bytes) and PostgreSQL (exit %d, %zu bytes) "
		         "differ:\n%.400s\n---\n%.400s",
		    cmd, ra, strlen(a), rb, strlen(b), a, b);
	if (strlen(a) < 100)
		fail_msg("'%s': only \"%s\"", cmd, a);
	free(a);
	free(b);
}

static void same_cli(const char *cmd)
{
	same_cli_rc(cmd, 0);
}

/* Alert events written to s and read back, as text. */
static int alert_line(const struct store_alert_event *ev, void *arg)
{
	char line[1024];
	snprintf(line, sizeof(line), "%lld %s %s %s %lld %s %u %d %s|%s|%s|%lld\n",
	    (long long)ev->id, ev->alert_id, ev->kind, ev->state, (long long)ev->time, ev->prefix,
	    ev->asn, ev->severity, ev->title, ev->text, ev->json, (long long)ev->since);
	strncat(arg, line, 8191 - strlen(arg));
	return 0;
}

static void alerts(const char *db, char *out)
{
	struct store *s;
	assert_int_equal(store_open(db, 0, &s), 0);
	struct store_alert_event ev = {.alert_id = "hijack:192.0.2.0/24",
	    .kind = "hijack",
	    .state = "opened",
	    .time = 1700000000,
	    .prefix = "192.0.2.0/24",
	    .asn = 64500,
	    .severity = 2,
	    .title = "Hijack",
	    .text = "192.0.2.0/24 from AS64500",
	    .json = "{ \"alert\": \"hijack\", \"origin\" : 64500, \"note\": \"a b\\\" c\" }"};
	assert_int_equal(store_put_alert_event(s, &ev), 0);
	assert_int_equal(store_put_alert_event(s, &ev), 1); /* the same event: not again */
	ev.state = "resolved", ev.time = 1700000600;
	ev.json = "{\"alert\":\"hijack\",\"resolved\":true}";
	assert_int_equal(store_put_alert_event(s, &ev), 0);
	ev.json = "[1, 2]";
	assert_int_equal(store_put_alert_event(s, &ev), -1); /* not an object */
	out[0] = '\0';
	assert_int_equal(store_alert_events(s, 0, 0, alert_line, out), 0);
	assert_int_equal(store_alerts_current(s, STORE_ALERTS_ALL, 0, alert_line, out), 0);
	int64_t last;
	assert_int_equal(store_alert_last_id(s, &last), 0);
	assert_int_equal(last, 2);
	store_close(s);
}

static const char *const api[] = {
    "/api/v1/summary",
    "/api/v1/as/6939?findings=3",
    "/api/v1/as/2119/findings?limit=40&offset=3",
    "/api/v1/as/15169/incidents",
    "/api/v1/incidents?metric=m2&limit=200",
    "/api/v1/prefix/8.8.8.0%2F24?covering=true",
    "/api/v1/search?q=hurricane",
    "/api/v1/top?metric=M2&limit=20",
    "/api/v1/top?metric=M8&limit=20",
    "/api/v1/snapshots",
    "/api/v1/history",
    "/api/v1/as/6939/history",
    "/api/v1/compare?asn=6939,AS3257,4200000000",
    "/api/v1/alerts",
    "/",
    "/as/6939",
};

static void test_identity(void **state)
{
	REQUIRE_DATA(rib, RIB);
	double tl = analyze(pg.lite, UPDATES);
	double tp = analyze(pg.url, UPDATES);
	tl += analyze(pg.lite, RIB);
	tp += analyze(pg.url, RIB);
	printf("analyze (jinx updates + RIB): SQLite %.2f s, PostgreSQL %.2f s\n", tl, tp);
	/* the one value that differs: when each analysis ran */
	sql_both("UPDATE snapshot SET created = 1700000000 + id");

	static const char *const cli[] = {"report 2119", "report --format json 15169",
	    "report --format html 174", "report --format json 3320", "summary",
	    "summary --format json", "top --by M2", "top --by M7IRR --format json --snapshot 2",
	    "top --by M8 --limit 50 --snapshot 2", "top --by M4C --limit 100 --snapshot 2",
	    "prefix 194.116.156.0/24", "prefix --format json 8.8.8.0/24", "diff 1 2"};
	for (size_t i = 0; i < sizeof(cli) / sizeof(cli[0]); i++)
		same_cli(cli[i]);

	/* a dispute accepted (the AS's scores rewritten) and attestations filed, one revoked:
	 * the same on both once their clock times are made equal */
	char ev[400];
	snprintf(ev, sizeof(ev), "%s/evidence.txt", pg.dir);
	FILE *f = fopen(ev, "w");
	assert_non_null(f);
	fputs("SAV on every customer port\n", f);
	fclose(f);
	const char *db[2] = {pg.lite, pg.url};
	for (int i = 0; i < 2; i++) {
		char args[1200], *out;
		const char *const steps[] = {
		    "dispute open --finding 100 --reason 'LOA on file' --by noc",
		    "dispute accept 1 --reviewer rev --note seen",
		    "attest 2119 --control PLUS-SAV-1 --file %s --by auditor",
		    "attest 2119 --control PLUS-SAV-1 --file %s --by auditor2",
		    "attest revoke 2 --by auditor --reason wrong"};
		for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
			int n = snprintf(args, sizeof(args), steps[k], ev);
			snprintf(args + n, sizeof(args) - (size_t)n, " --db %s", db[i]);
			if (run_out(args, &out) != 0)
				fail_msg("%s: %s", args, out);
			free(out);
		}
	}
	sql_both("UPDATE dispute SET created = 1700000100, decided = 1700000200;"
	         "UPDATE dispute_event SET time = 1700000000 + id;"
	         "UPDATE attestation SET created = 1700000000 + id, valid_from = 1700000000 + id, "
	         "valid_until = 1900000000 + id, revoked = CASE WHEN revoked IS NULL THEN NULL "
	         "ELSE 1700000300 END");
	same_cli("dispute show 1");
	same_cli("dispute list --format json");
	same_cli("attest list 2119");
	same_cli_rc("conform --format json 2119", 3); /* not conformant */

	char a[8192], b[8192];
	alerts(pg.lite, a);
	alerts(pg.url, b);
	assert_string_equal(a, b);
	assert_non_null(
	    strstr(b, "{\"alert\":\"hijack\",\"origin\":64500,\"note\":\"a b\\\" c\"}"));

	struct serve *sv[2];
	struct serve_config c = {.listen = "127.0.0.1:0", .threads = 2, .cache_mib = -1};
	c.db = pg.lite;
	assert_int_equal(serve_start(&c, &sv[0]), 0);
	c.db = pg.url;
	assert_int_equal(serve_start(&c, &sv[1]), 0);
	for (size_t i = 0; i < sizeof(api) / sizeof(api[0]); i++) {
		struct body x, y;
		long sx = http_get(serve_port(sv[0]), api[i], &x);
		long sy = http_get(serve_port(sv[1]), api[i], &y);
		if (sx != 200 || sy != 200 || x.n != y.n || memcmp(x.p, y.p, x.n) != 0)
			fail_msg("GET %s: SQLite %ld (%zu bytes), PostgreSQL %ld (%zu bytes):\n"
			         "%.300s\n---\n%.300s",
			    api[i], sx, x.n, sy, y.n, x.p, y.p);
		free(x.p);
		free(y.p);
	}
	serve_stop(sv[0], 500);
	serve_stop(sv[1], 500);
}

static void test_restart(void **state)
{
	REQUIRE_DATA(mrt, "mrt/mrtparse__openbgpd_rib_table-v2");
	struct store *r, *r2;
	struct store_snapshot snap;
	assert_int_equal(store_open(pg.url, 1, &r), 0);
	assert_int_equal(store_changed(r), 0); /* the first call listens */
	assert_int_equal(store_snapshot_get(r, 0, &snap), 1);
	int64_t before = snap.id;
	assert_int_equal(pg_stop(), 0);
	assert_int_equal(pg_start(), 0);
	analyze(pg.url, "mrt/mrtparse__openbgpd_rib_table-v2");
	/* the reader's connection died with the server: opened again on its next statement */
	assert_int_equal(store_snapshot_get(r, 0, &snap), 1);
	assert_true(snap.id > before);
	assert_int_equal(store_changed(r), 1);
	assert_int_equal(store_changed(r), 0);
	assert_int_equal(store_open(pg.url, 1, &r2), 0);
	assert_int_equal(store_snapshot_get(r2, 0, &snap), 1);
	assert_true(snap.id > before);
	store_close(r2);
	/* and a change after the restart is notified as before */
	analyze(pg.url, "mrt/mrtparse__quagga_rib");
	int changed = 0;
	for (double end = now_s() + 30; !changed && now_s() < end;) {
		changed = store_changed(r);
		assert_true(changed >= 0);
		if (!changed)
			usleep(20000);
	}
	assert_int_equal(changed, 1);
	store_close(r);
}

/* The number of snapshots a server lists, or -1. */
static int snapshots_of(int port)
{
	struct body b;
	if (http_get(port, "/api/v1/snapshots", &b) != 200) {
		free(b.p);
		return -1;
	}
	const char *t = strstr(b.p, "\"total\":");
	int n = t ? atoi(t + 8) : -1;
	free(b.p);
	return n;
}

static void test_replicas(void **state)
{
	REQUIRE_DATA(mrt, "mrt/mrtparse__bird-mrtdump_rib");
	int port[2];
	pid_t *pid = pg.serve;
	for (int i = 0; i < 2; i++) {
		char listen[64];
		port[i] = loopback_free_port(NULL);
		snprintf(listen, sizeof(listen), "127.0.0.1:%d", port[i]);
		pid[i] = fork();
		if (pid[i] == 0) {
			int fd = open("/dev/null", O_WRONLY);
			dup2(fd, 2);
			/* a cached answer lives 300 s: only the notice can make it new */
			execl(test_bin(), test_bin(), "-q", "serve", "--db", pg.url, "--listen",
			    listen, "--threads", "2", "--cache-ttl", "300",
			    geteuid() == 0 ? "--user" : NULL, "nobody", (char *)NULL);
			_exit(127);
		}
		assert_true(pid[i] > 0);
	}
	int n[2];
	for (int i = 0; i < 2; i++) {
		for (double end = now_s() + 60; !loopback_port_open(port[i]) && now_s() < end;)
			usleep(20000);
		n[i] = snapshots_of(port[i]);
		assert_true(n[i] > 0);
		assert_int_equal(snapshots_of(port[i]), n[i]); /* now from the cache */
	}
	assert_int_equal(n[0], n[1]);
	analyze(pg.url, "mrt/mrtparse__bird-mrtdump_rib");
	for (int i = 0; i < 2; i++) {
		int got = n[i];
		for (double end = now_s() + 30; got == n[i] && now_s() < end;) {
			got = snapshots_of(port[i]);
			if (got == n[i])
				usleep(20000);
		}
		assert_int_equal(got, n[i] + 1);
	}
	/* and an alert event the live monitor writes */
	for (int i = 0; i < 2; i++) {
		struct body x;
		assert_int_equal(http_get(port[i], "/api/v1/alerts?state=all", &x), 200);
		assert_null(strstr(x.p, "leak:203.0.113.0/24"));
		free(x.p);
	}
	struct store *w;
	assert_int_equal(store_open(pg.url, 0, &w), 0);
	struct store_alert_event ev = {.alert_id = "leak:203.0.113.0/24",
	    .kind = "leak",
	    .state = "opened",
	    .prefix = "203.0.113.0/24",
	    .asn = 64501,
	    .severity = 3,
	    .title = "Route leak",
	    .text = "203.0.113.0/24 leaked",
	    .json = "{\"alert\":\"leak\"}"};
	assert_int_equal(store_put_alert_event(w, &ev), 0);
	store_close(w);
	for (int i = 0; i < 2; i++) {
		int seen = 0;
		for (double end = now_s() + 30; !seen && now_s() < end;) {
			struct body x;
			if (http_get(port[i], "/api/v1/alerts?state=all", &x) == 200)
				seen = strstr(x.p, "leak:203.0.113.0/24") != NULL;
			free(x.p);
			if (!seen)
				usleep(20000);
		}
		assert_true(seen);
	}
	/* the database restarts under the two servers (sandboxed: TCP to its port only): their
	 * connections are opened again and the next snapshot shows in both */
	assert_int_equal(pg_stop(), 0);
	assert_int_equal(pg_start(), 0);
	analyze(pg.url, "mrt/bgpdump__updates.20100722.2015.gz");
	for (int i = 0; i < 2; i++) {
		int got = 0;
		for (double end = now_s() + 30; got != n[i] + 2 && now_s() < end;) {
			got = snapshots_of(port[i]);
			if (got != n[i] + 2)
				usleep(50000);
		}
		assert_int_equal(got, n[i] + 2);
	}
	for (int i = 0; i < 2; i++) {
		int st;
		kill(pid[i], SIGTERM);
		assert_int_equal(waitpid(pid[i], &st, 0), pid[i]);
		pid[i] = 0;
	}
}

/* Start argv with its output to /dev/null; its pid. */
static pid_t start_quiet(char *const argv[])
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		dup2(fd, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* The batch of issue 16 as written: analyze --bus (a worker reads the file, on a nats-server
 * started here) into PostgreSQL gives what a plain analyze into SQLite gives. */
static void test_batch(void **state)
{
	REQUIRE_DATA(upd, "mrt/bgpdump__updates.20100722.2015.gz");
	char file[1024], port[16], js[400], url[128];
	snprintf(file, sizeof(file), "%s", upd);
	int np = loopback_free_port(NULL);
	snprintf(port, sizeof(port), "%d", np);
	snprintf(js, sizeof(js), "%s/js", pg.dir);
	char *nats[] = {"nats-server", "-a", "127.0.0.1", "-p", port, "-js", "-sd", js, NULL};
	pg.nats = start_quiet(nats);
	for (double end = now_s() + 15; !loopback_port_open(np); usleep(20000))
		assert_true(now_s() < end);
	snprintf(url, sizeof(url), "nats://127.0.0.1:%d/PGBATCH", np);
	char *worker[] = {(char *)test_bin(), "worker", "--bus", url, "--idle-timeout", "60", NULL};
	pg.worker = start_quiet(worker);
	char args[2048], *out;
	snprintf(args, sizeof(args), "-q analyze --db %s --vrps %s %s", pg.lite,
	    test_data_path("rpki/vrps_2017-06-01_from_compress_roas.csv"), file);
	assert_int_equal(run_out(args, &out), 0);
	free(out);
	snprintf(args, sizeof(args),
	    "analyze --no-progress --bus %s --wait 60 --db %s --vrps %s %s", url, pg.url,
	    test_data_path("rpki/vrps_2017-06-01_from_compress_roas.csv"), file);
	if (run_out(args, &out) != 0 || strstr(out, "read by workers") == NULL)
		fail_msg("analyze --bus into PostgreSQL: %s", out);
	free(out);
	sql_both("UPDATE snapshot SET created = 1700000000 + id");
	static const char *const cli[] = {"summary", "summary --format json", "top --by M2",
	    "top --by M2 --format json", "diff 2 3"};
	for (size_t i = 0; i < sizeof(cli) / sizeof(cli[0]); i++)
		same_cli(cli[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_identity),
	    cmocka_unit_test(test_batch),
	    cmocka_unit_test(test_restart),
	    cmocka_unit_test(test_replicas),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
