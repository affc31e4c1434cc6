/*
 * routemark monitor with a watch file, end to end through the binary: the real FRR 8.4
 * capture (ExaBGP feeding FRR, a live /26 hijack announced and withdrawn through ExaBGP) opens
 * and resolves exactly one alert for it; an MRT update stream replayed gives the same alerts
 * by record time, into a JSON-lines sink and the store's event table, and a snapshot.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>

#include "testutil.h"
#include "httpget.h"
#include "mrtgen.h"
#include "store/store.h"

#define FRR "bmp/frr-8.4.4_exabgp_pre-post-policy.bmp"

static char *tmpdir(void)
{
	char t[] = "/tmp/rm_monalert_XXXXXX";
	assert_non_null(mkdtemp(t));
	return xstrdup(t);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The events of a JSON-lines sink file, parsed. */
struct events {
	json_object *ev[1024];
	int n;
};

static void read_events(const char *path, struct events *e)
{
	memset(e, 0, sizeof(*e));
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[65536];
	while (fgets(line, sizeof(line), f)) {
		assert_true(e->n < 1024);
		json_object *o = json_tokener_parse(line);
		assert_non_null(o);
		e->ev[e->n++] = o;
	}
	fclose(f);
}

static void free_events(struct events *e)
{
	for (int i = 0; i < e->n; i++)
		json_object_put(e->ev[i]);
}

static const char *str(json_object *o, const char *k)
{
	json_object *x;
	return json_object_object_get_ex(o, k, &x) ? json_object_get_string(x) : "";
}

/* How many events of alert id in state (NULL: any). */
static int count(const struct events *e, const char *id, const char *state)
{
	int n = 0;
	for (int i = 0; i < e->n; i++)
		if (strcmp(str(e->ev[i], "id"), id) == 0 &&
		    (state == NULL || strcmp(str(e->ev[i], "state"), state) == 0))
			n++;
	return n;
}

static int first(const struct events *e, const char *id, const char *state)
{
	for (int i = 0; i < e->n; i++)
		if (strcmp(str(e->ev[i], "id"), id) == 0 &&
		    strcmp(str(e->ev[i], "state"), state) == 0)
			return i;
	return -1;
}

static void test_frr_capture_hijack(void **state)
{
	(void)state;
	REQUIRE_DATA(cap, FRR);
	char *d = tmpdir(), watch[512], out[512], cmd[2048];
	snprintf(watch, sizeof(watch), "%s/watch.yml", d);
	snprintf(out, sizeof(out), "%s/alerts.jsonl", d);
	/* the lab's ASNs are private and documentation ones: bogon-asn alerts are off */
	write_text(watch, "192.0.2.0/24:\n  description: watched by the lab\n  asn: 64496\n"
	                  "options:\n  holdDown: 0\n  disable: [bogon-asn]\n");
	snprintf(cmd, sizeof(cmd),
	    "%s monitor -q --bmp-file %s --watch %s --sink jsonl:%s > %s/out.txt", test_bin(), cap,
	    watch, out, d);
	assert_int_equal(system(cmd), 0);
	struct events e;
	read_events(out, &e);
	/* the live /26 hijack: one alert, opened then resolved when ExaBGP withdrew it */
	const char *h = "more-specific/192.0.2.0/26/AS64666";
	assert_int_equal(count(&e, h, "opened"), 1);
	assert_int_equal(count(&e, h, "resolved"), 1);
	int o = first(&e, h, "opened"), r = first(&e, h, "resolved");
	assert_true(o < r);
	assert_non_null(strstr(str(e.ev[r], "resolution"), "withdrawn"));
	assert_non_null(
	    strstr(str(e.ev[o], "text"), "a more specific of the watched 192.0.2.0/24"));
	assert_string_equal(str(e.ev[o], "watched"), "192.0.2.0/24 (watched by the lab)");
	/* FRR prepends its own AS: the path as FRR sent it, the origin still AS64666 */
	assert_string_equal(str(e.ev[o], "path"), "65001 65002 64666");
	/* the static /25 of AS64666 stays until ExaBGP stops: resolved by the Peer Down */
	const char *s = "more-specific/192.0.2.128/25/AS64666";
	assert_int_equal(count(&e, s, "opened"), 1);
	assert_int_equal(count(&e, s, "resolved"), 1);
	assert_non_null(strstr(str(e.ev[first(&e, s, "resolved")], "resolution"), "went down"));
	/* the expected origin opens nothing */
	assert_int_equal(count(&e, "origin-hijack/192.0.2.0/24/AS64496", NULL), 0);
	/* sequence numbers increase */
	for (int i = 1; i < e.n; i++) {
		json_object *a, *b;
		assert_true(json_object_object_get_ex(e.ev[i - 1], "seq", &a));
		assert_true(json_object_object_get_ex(e.ev[i], "seq", &b));
		assert_true(json_object_get_int64(a) < json_object_get_int64(b));
	}
	free_events(&e);
	char sum[512];
	snprintf(sum, sizeof(sum),
	    "grep -q 'alerts: 2 opened, .* 2 resolved, 0 open now' %s/out.txt", d);
	assert_int_equal(system(sum), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", d);
	assert_int_equal(system(cmd), 0);
	free(d);
}

/* One UPDATE of peer ip .n (AS 2914) at time ts: announce pfx with path, or withdraw it. */
static void update(
    struct mrtgen_buf *b, uint32_t ts, int n, const char *pfx, const uint32_t *path, size_t np)
{
	struct mrtgen_session s;
	memset(&s, 0, sizeof(s));
	s.ts = ts, s.usec = -1, s.as4 = 1;
	s.peer_as = path ? path[0] : 2914, s.local_as = 12654;
	s.afi = 1;
	s.peer_ip[0] = 10, s.peer_ip[3] = (uint8_t)n;
	s.local_ip[0] = 10, s.local_ip[3] = 254;
	struct prefix p;
	assert_int_equal(prefix_parse(pfx, &p), 0);
	struct mrtgen_buf nlri, attrs;
	mrtgen_buf_init(&nlri);
	mrtgen_buf_init(&attrs);
	mrtgen_nlri(&nlri, p.len, p.addr);
	if (path) {
		mrtgen_attr_origin(&attrs, 0);
		mrtgen_attr_aspath_seq(&attrs, path, np, 1);
		uint8_t nh[4] = {10, 0, 0, (uint8_t)n};
		mrtgen_attr_nexthop(&attrs, nh);
		mrtgen_bgp4mp_update(b, &s, NULL, &attrs, &nlri);
	} else {
		mrtgen_bgp4mp_update(b, &s, &nlri, NULL, NULL);
	}
	mrtgen_buf_free(&nlri);
	mrtgen_buf_free(&attrs);
}

static int count_events(const struct store_alert_event *ev, void *arg)
{
	int *n = arg;
	assert_true(ev->id > 0);
	assert_non_null(strstr(ev->json, "\"text\""));
	(*n)++;
	return 0;
}

static void test_mrt_replay_alerts_and_store(void **state)
{
	(void)state;
	char *d = tmpdir(), mrt[512], watch[512], out[512], db[512], cmd[4096];
	snprintf(mrt, sizeof(mrt), "%s/updates.mrt", d);
	snprintf(watch, sizeof(watch), "%s/watch.yml", d);
	snprintf(out, sizeof(out), "%s/alerts.jsonl", d);
	snprintf(db, sizeof(db), "%s/live.db", d);
	struct mrtgen_buf b;
	mrtgen_buf_init(&b);
	const uint32_t t0 = 1700000000;
	uint32_t good[][2] = {{2914, 3333}, {1299, 3333}, {174, 3333}};
	for (int n = 1; n <= 3; n++)
		update(&b, t0, n, "193.0.0.0/21", good[n - 1], 2);
	uint32_t hij[] = {2914, 666};
	update(&b, t0 + 10, 1, "193.0.0.0/21", hij, 2);     /* origin hijack from peer 1 */
	update(&b, t0 + 20, 1, "193.0.0.0/21", good[0], 2); /* corrected */
	uint32_t other[] = {1299, 15169};
	update(&b, t0 + 200, 2, "8.8.8.0/24", other, 2); /* time passes: the hold-down ends */
	assert_int_equal(mrtgen_write_file(&b, mrt), 0);
	mrtgen_buf_free(&b);
	write_text(watch, "193.0.0.0/21:\n  asn: 3333\n");
	snprintf(cmd, sizeof(cmd),
	    "%s monitor -q --mrt %s --watch %s --sink jsonl:%s --db %s > %s/out.txt 2>&1",
	    test_bin(), mrt, watch, out, db, d);
	assert_int_equal(system(cmd), 0);
	struct events e;
	read_events(out, &e);
	const char *id = "origin-hijack/193.0.0.0/21/AS666";
	assert_int_equal(e.n, 2);
	assert_int_equal(count(&e, id, "opened"), 1);
	assert_int_equal(count(&e, id, "resolved"), 1);
	json_object *x;
	assert_true(json_object_object_get_ex(e.ev[0], "time_unix", &x));
	assert_int_equal(json_object_get_int64(x), t0 + 10); /* the record's time */
	assert_true(json_object_object_get_ex(e.ev[1], "time_unix", &x));
	assert_int_equal(json_object_get_int64(x), t0 + 200); /* 60 s hold-down, next record */
	assert_non_null(strstr(str(e.ev[1], "resolution"), "corrected"));
	free_events(&e);
	/* the store: both events, and the window's snapshot */
	struct store *s;
	assert_int_equal(store_open(db, 1, &s), 0);
	int n = 0;
	assert_int_equal(store_alert_events(s, 0, 100, count_events, &n), 0);
	assert_int_equal(n, 2);
	store_close(s);
	snprintf(cmd, sizeof(cmd),
	    "grep -q 'snapshot of 4 routes held and 6 pre-policy changes stored' %s/out.txt", d);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", d);
	assert_int_equal(system(cmd), 0);
	free(d);
}

/* The value of the sample line that starts with name (labels included), or -1. */
static double sample(const char *text, const char *name)
{
	size_t n = strlen(name);
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, name, n) == 0 && l[n] == ' ')
			return strtod(l + n + 1, NULL);
	return -1;
}

/* Wait (up to 60 s) for a line of the file holding what; its number after "port ". */
static unsigned wait_port(const char *file, const char *what)
{
	for (int i = 0; i < 600; i++) {
		FILE *f = fopen(file, "r");
		char line[512];
		while (f && fgets(line, sizeof(line), f)) {
			const char *p = strstr(line, "(port ");
			if (strstr(line, what) && p) {
				fclose(f);
				return (unsigned)atoi(p + 6);
			}
		}
		if (f)
			fclose(f);
		usleep(100 * 1000);
	}
	fail_msg("no \"%s\" in %s", what, file);
	return 0;
}

static int file_has(const char *file, const char *what)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "grep -q '%s' %s", what, file);
	return system(cmd) == 0;
}

/* The station live: the FRR capture sent over TCP; /metrics counts it and the alerts; SIGHUP
 * reloads the watch file; SIGTERM ends it with the summary. */
static void test_station_metrics_reload(void **state)
{
	(void)state;
	REQUIRE_DATA(cap, FRR);
	char *d = tmpdir(), watch[512], out[512], err[512], cmd[2048];
	snprintf(watch, sizeof(watch), "%s/watch.yml", d);
	snprintf(out, sizeof(out), "jsonl:%s/alerts.jsonl", d);
	snprintf(err, sizeof(err), "%s/err.txt", d);
	write_text(watch,
	    "192.0.2.0/24:\n  asn: 64496\noptions:\n  holdDown: 0\n  disable: [bogon-asn]\n");
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 2);
		int nul = open("/dev/null", O_WRONLY);
		dup2(nul, 1);
		execl(test_bin(), "routemark", "monitor", "--listen", "127.0.0.1:0", "--http",
		    "127.0.0.1:0", "--watch", watch, "--sink", out, "--duration", "60",
		    (char *)NULL);
		_exit(127);
	}
	unsigned bmp = wait_port(err, "listening on"), web = wait_port(err, "metrics on");
	/* send the capture (it ends with ExaBGP's Peer Down: the routes go, the alerts stay
	 * counted) and keep the session open */
	size_t len;
	char *data = zinput_slurp(cap, &len);
	assert_non_null(data);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)bmp)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(send(s, data, len, 0), (ssize_t)len);
	free(data);
	struct body b;
	double opened = -1;
	for (int i = 0; i < 300 && opened < 2; i++) {
		assert_int_equal(http_get(web, "/metrics", &b), 200);
		opened = sample(b.p, "routemark_alert_events_total{state=\"opened\"}");
		if (opened < 2) {
			free(b.p);
			usleep(100 * 1000);
		}
	}
	assert_true(opened == 2);
	assert_true(sample(b.p, "routemark_route_changes_total") >= 1312);
	assert_true(sample(b.p, "routemark_alerts_opened_total{kind=\"more-specific\"}") == 2);
	assert_true(sample(b.p, "routemark_bmp_sessions_total{how=\"accepted\"}") == 1);
	assert_non_null(strstr(b.p, "# TYPE routemark_routes gauge\n"));
	/* every line is a comment or NAME{labels} VALUE */
	for (char *l = b.p; *l; l = strchr(l, '\n') + 1) {
		if (*l != '#') {
			char name[256];
			double v;
			assert_int_equal(sscanf(l, "%255s %lf", name, &v), 2);
			assert_true(strncmp(name, "routemark_", 10) == 0);
		}
		if (strchr(l, '\n') == NULL)
			break;
	}
	free(b.p);
	assert_int_equal(http_get(web, "/nothing", &b), 404);
	free(b.p);
	/* SIGHUP: a bad file is refused and the one in use stays; a good one is taken */
	write_text(watch, "192.0.2.0/24:\n  colour: red\n");
	kill(pid, SIGHUP);
	for (int i = 0; i < 300 && !file_has(err, "not reloaded"); i++)
		usleep(100 * 1000);
	assert_true(file_has(err, "not reloaded"));
	write_text(watch, "198.18.0.0/15:\n  asn: 64500\n");
	kill(pid, SIGHUP);
	for (int i = 0; i < 300 && !file_has(err, "reloaded: 1 prefixes"); i++)
		usleep(100 * 1000);
	assert_true(file_has(err, "reloaded: 1 prefixes"));
	close(s);
	kill(pid, SIGTERM);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", d);
	assert_int_equal(system(cmd), 0);
	free(d);
}

/* Filtering seen from inside: GoBGP's import policy drops the 20 prefixes of 198.19.0.0/16
 * (the lab's config); of what the router received, those are the routes not accepted. */
static void test_filtering_from_inside(void **state)
{
	(void)state;
	REQUIRE_DATA(cap, "bmp/gobgp-3.10_pre-post-policy_loc-rib.bmp");
	REQUIRE_DATA(vrps, "rpki/rpki_2023-11-07_derived_roas_aspas.json.gz");
	char *d = tmpdir(), cmd[4096];
	snprintf(cmd, sizeof(cmd),
	    "%s monitor -q --bmp-file %s --vrps %s --filtering-out %s/f.jsonl > %s/out.txt 2>&1",
	    test_bin(), cap, vrps, d, d);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd),
	    "grep -q 'filtering of router gobgp-r2 (pre-policy against post-policy): 541 routes "
	    "received; rpki-invalid 7 received, 7 accepted, bogon-prefix 22 received, 2 accepted' "
	    "%s/out.txt",
	    d);
	assert_int_equal(system(cmd), 0);
	char path[600];
	snprintf(path, sizeof(path), "%s/f.jsonl", d);
	struct events e;
	read_events(path, &e);
	int refused = 0;
	for (int i = 0; i < e.n; i++) {
		json_object *x;
		assert_true(json_object_object_get_ex(e.ev[i], "accepted", &x));
		if (!json_object_get_boolean(x)) {
			refused++;
			assert_int_equal(strncmp(str(e.ev[i], "prefix"), "198.19.", 7), 0);
		}
	}
	assert_int_equal(e.n, 541); /* the peer is AS65003: a private ASN in every path */
	assert_int_equal(refused, 20);
	free_events(&e);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", d);
	assert_int_equal(system(cmd), 0);
	free(d);
}

static void test_usage_errors(void **state)
{
	(void)state;
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
	    "%s monitor --mrt /dev/null --sink jsonl:- 2>&1 | grep -q 'go with --watch'",
	    test_bin());
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd),
	    "printf '1.2.3.0/24:\\n  colour: red\\n' > /tmp/rm_bad_watch.yml; %s monitor --mrt "
	    "/dev/null "
	    "--watch /tmp/rm_bad_watch.yml 2>&1 | grep -q 'rm_bad_watch.yml:2:3: unknown key'; "
	    "r=$?; rm -f "
	    "/tmp/rm_bad_watch.yml; exit $r",
	    test_bin());
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_frr_capture_hijack),
	    cmocka_unit_test(test_mrt_replay_alerts_and_store),
	    cmocka_unit_test(test_station_metrics_reload),
	    cmocka_unit_test(test_filtering_from_inside),
	    cmocka_unit_test(test_usage_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
