/*
 * The live lab, end to end (issue 13): ExaBGP feeds FRR 8.4's bgpd over eBGP on loopback, bgpd
 * exports BMP to `routemark monitor --listen`, whose RTR cache is a real stayrtr serving a VRP
 * file, and whose alerts go to a webhook receiver in this process and a JSON-lines file.
 *
 * A /26 hijack of the watched 192.0.2.0/24 announced and withdrawn through ExaBGP's API opens
 * and resolves exactly one more-specific alert (and its RPKI-invalid twin); the VRP file
 * rewritten mid-test makes the invalid route of the second watched prefix valid: stayrtr
 * sends the new serial, the monitor re-validates the route and the alert resolves "RPKI valid
 * now". Every server runs on 127.0.0.1 (bgpd on 127.0.0.2) on free ports in a private temporary
 * folder and is stopped by its PID (process group) in the teardown, also when a check fails.
 * Needs frr, exabgp and stayrtr (scripts/deps.sh); absent, the test fails saying so.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "testutil.h"
#include "proclab.h"
#include "netutil.h"
#include "core/core.h"

#define BGPD "/usr/lib/frr/bgpd"
#define WAIT_S 20.0 /* any one condition; the machine is shared and loaded */

/* ---------------------------------------------------------------- the webhook receiver */

#define MAX_HOOKS 256

static pthread_mutex_t hook_mu = PTHREAD_MUTEX_INITIALIZER;
static char *hooks[MAX_HOOKS]; /* every POST body, in arrival order */
static int nhooks;

struct upload {
	char *p;
	size_t len;
};

static enum MHD_Result on_hook(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data, size_t *size, void **con_cls)
{
	struct upload *u = *con_cls;
	if (u == NULL) {
		*con_cls = calloc(1, sizeof(*u));
		return *con_cls ? MHD_YES : MHD_NO;
	}
	if (*size > 0) {
		u->p = realloc(u->p, u->len + *size + 1);
		if (u->p == NULL)
			return MHD_NO;
		memcpy(u->p + u->len, data, *size);
		u->len += *size;
		u->p[u->len] = '\0';
		*size = 0;
		return MHD_YES;
	}
	pthread_mutex_lock(&hook_mu);
	if (strcmp(method, "POST") == 0 && u->p && nhooks < MAX_HOOKS) {
		hooks[nhooks++] = u->p;
		u->p = NULL;
	}
	pthread_mutex_unlock(&hook_mu);
	struct MHD_Response *r = MHD_create_response_from_buffer(2, "ok", MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

static void on_done(
    void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode why)
{
	struct upload *u = *con_cls;
	if (u) {
		free(u->p);
		free(u);
	}
	*con_cls = NULL;
}

/* ---------------------------------------------------------------- the lab */

static struct lab {
	char dir[64];
	pid_t stayrtr, monitor, bgpd, exabgp;
	struct MHD_Daemon *hook;
} lab;

static char *path_of(const char *name)
{
	static char buf[8][512];
	static int next;
	char *b = buf[next++ & 7];
	snprintf(b, sizeof(buf[0]), "%s/%s", lab.dir, name);
	return b;
}

static void write_file(const char *name, const char *text)
{
	char tmp[600];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path_of(name));
	FILE *f = fopen(tmp, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, path_of(name)), 0); /* readers never see half a file */
}

static void append_line(const char *name, const char *line)
{
	FILE *f = fopen(path_of(name), "a");
	assert_non_null(f);
	fprintf(f, "%s\n", line);
	assert_int_equal(fclose(f), 0);
}

/* Start argv in its own process group, output to log (in the lab folder). */
static pid_t spawn(const char *log, char *const argv[])
{
	return proc_spawn(path_of(log), argv);
}

/* ---------------------------------------------------------------- the webhook's events */

/* How many webhook events of alert id (NULL: any) in state (NULL: any); *last the latest. */
static int hook_count(const char *id, const char *state, json_object **last)
{
	int n = 0;
	if (last)
		*last = NULL;
	pthread_mutex_lock(&hook_mu);
	for (int i = 0; i < nhooks; i++) {
		json_object *o = json_tokener_parse(hooks[i]), *x;
		if (o == NULL)
			continue;
		const char *oid =
		    json_object_object_get_ex(o, "id", &x) ? json_object_get_string(x) : "";
		const char *ost =
		    json_object_object_get_ex(o, "state", &x) ? json_object_get_string(x) : "";
		if ((id == NULL || strcmp(oid, id) == 0) &&
		    (state == NULL || strcmp(ost, state) == 0)) {
			n++;
			if (last) {
				if (*last)
					json_object_put(*last);
				*last = json_object_get(o);
			}
		}
		json_object_put(o);
	}
	pthread_mutex_unlock(&hook_mu);
	return n;
}

static const char *jstr(json_object *o, const char *k)
{
	json_object *x;
	return o && json_object_object_get_ex(o, k, &x) ? json_object_get_string(x) : "";
}

static int64_t jint(json_object *o, const char *k)
{
	json_object *x;
	return o && json_object_object_get_ex(o, k, &x) ? json_object_get_int64(x) : -1;
}

/* Poll until the webhook has an event of id in state, or WAIT_S passes; the seconds taken. */
static double wait_hook(const char *id, const char *state)
{
	double t0 = clock_mono();
	while (hook_count(id, state, NULL) == 0) {
		assert_true(proc_alive(lab.monitor));
		if (clock_mono() - t0 > WAIT_S)
			fail_msg(
			    "no '%s' event of %s at the webhook within %.0f s", state, id, WAIT_S);
		proc_sleep_ms(50);
	}
	return clock_mono() - t0;
}

static double wait_file(const char *name, const char *needle)
{
	double t0 = clock_mono();
	while (!proc_file_has(path_of(name), needle)) {
		if (clock_mono() - t0 > WAIT_S)
			fail_msg("'%s' not in %s within %.0f s", needle, name, WAIT_S);
		proc_sleep_ms(50);
	}
	return clock_mono() - t0;
}

/* ---------------------------------------------------------------- configuration */

static const char *VRPS_BEFORE = /* 198.51.100.0/24 is AS64511's: AS64497's route invalid */
    "{\"roas\":[{\"asn\":64496,\"prefix\":\"192.0.2.0/24\",\"maxLength\":24,\"ta\":\"lab\"},"
    "{\"asn\":64511,\"prefix\":\"198.51.100.0/24\",\"maxLength\":24,\"ta\":\"lab\"}]}\n";
static const char *VRPS_AFTER = /* a ROA for AS64497 added: valid */
    "{\"roas\":[{\"asn\":64496,\"prefix\":\"192.0.2.0/24\",\"maxLength\":24,\"ta\":\"lab\"},"
    "{\"asn\":64511,\"prefix\":\"198.51.100.0/24\",\"maxLength\":24,\"ta\":\"lab\"},"
    "{\"asn\":64497,\"prefix\":\"198.51.100.0/24\",\"maxLength\":24,\"ta\":\"lab\"}]}\n";

/* the lab's ASNs are private and documentation ones: bogon-asn alerts are off */
static const char *WATCH = "192.0.2.0/24:\n  description: lab hijack target\n  asn: 64496\n"
                           "198.51.100.0/24:\n  description: lab rpki target\n  asn: 64497\n"
                           "options:\n  holdDown: 1\n  disable: [bogon-asn]\n";

/* ../shared/tools/bmp-lab/frr/r1.conf with the lab's ports; FRR never connects out
 * (passive): only our ExaBGP reaches it. */
static void write_frr_conf(int bmp_port)
{
	char conf[4096];
	snprintf(conf, sizeof(conf),
	    "frr defaults traditional\n"
	    "hostname r1\n"
	    "log file %s informational\n"
	    "!\n"
	    "ip prefix-list DROP198-19 seq 5 permit 198.19.0.0/16 le 32\n"
	    "route-map IN deny 10\n"
	    " match ip address prefix-list DROP198-19\n"
	    "route-map IN permit 20\n"
	    " set local-preference 200\n"
	    "!\n"
	    "router bgp 65001\n"
	    " bgp router-id 127.0.0.2\n"
	    " no bgp ebgp-requires-policy\n"
	    " no bgp network import-check\n"
	    " bgp allow-martian-nexthop\n"
	    " neighbor 127.0.0.1 remote-as 65002\n"
	    " neighbor 127.0.0.1 description exabgp-feeder\n"
	    " neighbor 127.0.0.1 passive\n"
	    " address-family ipv4 unicast\n"
	    "  neighbor 127.0.0.1 soft-reconfiguration inbound\n"
	    "  neighbor 127.0.0.1 route-map IN in\n"
	    " exit-address-family\n"
	    " !\n"
	    " bmp targets collector\n"
	    "  bmp monitor ipv4 unicast pre-policy\n"
	    "  bmp monitor ipv4 unicast post-policy\n"
	    "  bmp stats interval 2000\n"
	    "  bmp connect 127.0.0.1 port %d min-retry 200 max-retry 1000\n"
	    " exit\n"
	    "!\n",
	    path_of("bgpd.log"), bmp_port);
	write_file("r1.conf", conf);
}

/* ../shared/tools/bmp-lab/exabgp/feeder.conf, short: the two watched prefixes (the first
 * with its expected origin, the second RPKI invalid until the VRP file changes), one other
 * and one that FRR's import policy denies. The API process turns each line of cmds into an
 * ExaBGP command (from the file's first line: nothing is lost however late it starts). */
static void write_exabgp_conf(int bgp_port)
{
	char conf[4096], ctl[1024];
	snprintf(ctl, sizeof(ctl), "#!/bin/sh\nexec tail -n +1 -F \"%s\"\n", path_of("cmds"));
	write_file("ctl.sh", ctl);
	assert_int_equal(chmod(path_of("ctl.sh"), 0755), 0);
	write_file("cmds", "");
	write_file("exabgp.env", "[exabgp.daemon]\nuser = 'root'\ndaemonize = false\n"
	                         "[exabgp.tcp]\nbind = ''\n"
	                         "[exabgp.log]\ndestination = 'stdout'\nlevel = INFO\n");
	snprintf(conf, sizeof(conf),
	    "process ctl {\n  run %s;\n  encoder text;\n}\n"
	    "neighbor 127.0.0.2 {\n"
	    "  router-id 127.0.0.1;\n  local-address 127.0.0.1;\n"
	    "  local-as 65002;\n  peer-as 65001;\n  connect %d;\n  hold-time 30;\n"
	    "  api { processes [ ctl ]; }\n"
	    "  family { ipv4 unicast; }\n"
	    "  static {\n"
	    "    route 192.0.2.0/24 next-hop 127.0.0.1 as-path [ 65002 64496 ];\n"
	    "    route 198.51.100.0/24 next-hop 127.0.0.1 as-path [ 65002 64497 ];\n"
	    "    route 198.18.0.0/24 next-hop 127.0.0.1 as-path [ 65002 64500 ];\n"
	    "    route 198.19.0.0/24 next-hop 127.0.0.1 as-path [ 65002 64501 ];\n"
	    "  }\n}\n",
	    path_of("ctl.sh"), bgp_port);
	write_file("feeder.conf", conf);
}

static int need(const char *bin, const char *pkg)
{
	if (access(bin, X_OK) == 0)
		return 0;
	print_error("%s is absent: install %s (scripts/deps.sh)\n", bin, pkg);
	return -1;
}

/* ---------------------------------------------------------------- setup and teardown */

static int setup(void **state)
{
	memset(&lab, 0, sizeof(lab));
	snprintf(lab.dir, sizeof(lab.dir), "/tmp/rm_livelab_XXXXXX");
	if (mkdtemp(lab.dir) == NULL)
		return -1;
	chmod(lab.dir, 0700);
	return 0;
}

static int teardown(void **state)
{
	/* feeders first, then the monitor, then its RTR cache */
	proc_stop(&lab.exabgp, 10);
	proc_stop(&lab.bgpd, 10);
	proc_stop(&lab.monitor, 10);
	proc_stop(&lab.stayrtr, 10);
	if (lab.hook)
		MHD_stop_daemon(lab.hook);
	lab.hook = NULL;
	for (int i = 0; i < nhooks; i++)
		free(hooks[i]);
	nhooks = 0;
	if (getenv("LIVELAB_KEEP") == NULL && lab.dir[0]) {
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", lab.dir);
		if (system(cmd) != 0)
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- the test */

static void test_live_hijack_and_rtr(void **state)
{
	double t_start = clock_mono();
	assert_int_equal(need(BGPD, "frr"), 0);
	assert_int_equal(need("/usr/sbin/exabgp", "exabgp python3-exabgp"), 0);
	assert_int_equal(need("/usr/bin/stayrtr", "stayrtr"), 0);
	assert_int_equal(need("/usr/bin/vtysh", "frr"), 0);

	/* the RTR cache */
	write_file("vrps.json", VRPS_BEFORE);
	int rtr_port = loopback_free_port("127.0.0.1"),
	    metrics_port = loopback_free_port("127.0.0.1");
	char rtr_bind[32], metrics[32], rtr_spec[32];
	snprintf(rtr_bind, sizeof(rtr_bind), "127.0.0.1:%d", rtr_port);
	snprintf(metrics, sizeof(metrics), "127.0.0.1:%d", metrics_port);
	snprintf(rtr_spec, sizeof(rtr_spec), "127.0.0.1:%d", rtr_port);
	char *rtr_argv[] = {"/usr/bin/stayrtr", "-cache", path_of("vrps.json"), "-bind", rtr_bind,
	    "-metrics.addr", metrics, "-refresh", "1", "-checktime=false", NULL};
	lab.stayrtr = spawn("stayrtr.log", rtr_argv);

	/* the webhook receiver */
	struct sockaddr_in sa = {.sin_family = AF_INET};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lab.hook = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_hook, NULL,
	    MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL, MHD_OPTION_END);
	assert_non_null(lab.hook);
	unsigned hook_port = MHD_get_daemon_info(lab.hook, MHD_DAEMON_INFO_BIND_PORT)->port;

	double t0 = clock_mono();
	while (!loopback_port_open(rtr_port)) {
		assert_true(proc_alive(lab.stayrtr));
		assert_true(clock_mono() - t0 < WAIT_S);
		proc_sleep_ms(50);
	}

	/* the station: any free port, read back from its log */
	write_file("watch.yml", WATCH);
	char hook_spec[64], jsonl_spec[600];
	snprintf(hook_spec, sizeof(hook_spec), "webhook:http://127.0.0.1:%u/hook", hook_port);
	snprintf(jsonl_spec, sizeof(jsonl_spec), "jsonl:%s", path_of("alerts.jsonl"));
	char *mon_argv[] = {(char *)test_bin(), "-v", "monitor", "-q", "--listen", "127.0.0.1:0",
	    "--watch", path_of("watch.yml"), "--rtr", rtr_spec, "--sink", hook_spec, "--sink",
	    jsonl_spec, NULL};
	lab.monitor = spawn("monitor.log", mon_argv);
	wait_file("monitor.log", "(port ");
	char *log = proc_slurp(path_of("monitor.log"));
	const char *p = strstr(log, "(port ");
	int bmp_port = atoi(p + 6);
	free(log);
	assert_true(bmp_port > 0);
	wait_file("monitor.log", "monitor: RTR: 2 VRPs");

	/* FRR bgpd (BMP to the station), then ExaBGP feeding it */
	int bgp_port = loopback_free_port("127.0.0.2");
	char bgp_port_s[16];
	snprintf(bgp_port_s, sizeof(bgp_port_s), "%d", bgp_port);
	write_frr_conf(bmp_port);
	char *bgpd_argv[] = {BGPD, "-S", "-Z", "-M", "bmp", "-f", path_of("r1.conf"),
	    "--vty_socket", lab.dir, "-i", path_of("bgpd.pid"), "-l", "127.0.0.2", "-p", bgp_port_s,
	    "-P", "0", NULL};
	lab.bgpd = spawn("bgpd.stdout", bgpd_argv);
	struct stat sb;
	t0 = clock_mono();
	while (stat(path_of("bgpd.vty"), &sb) != 0) {
		assert_true(proc_alive(lab.bgpd));
		assert_true(clock_mono() - t0 < WAIT_S);
		proc_sleep_ms(50);
	}
	write_exabgp_conf(bgp_port);
	char *exa_argv[] = {
	    "/usr/sbin/exabgp", "--env", path_of("exabgp.env"), path_of("feeder.conf"), NULL};
	lab.exabgp = spawn("exabgp.log", exa_argv);

	/* the feed has arrived when the invalid route of the second watched prefix alerts */
	const char *inv = "rpki-invalid/198.51.100.0/24/AS64497";
	double t_feed = wait_hook(inv, "opened");
	double t_up = clock_mono() - t_start;

	/* FRR's own view: 3 of the 4 prefixes accepted (198.19.0.0/24 denied by its policy) */
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
	    "vtysh --vty_socket %s -d bgpd -c 'show bgp ipv4 unicast summary json' | "
	    "/usr/bin/python3 -c 'import json,sys; "
	    "sys.exit(json.load(sys.stdin)[\"peers\"][\"127.0.0.1\"][\"pfxRcd\"] != 3)'",
	    lab.dir);
	assert_int_equal(system(cmd), 0);

	/* the live hijack: a /26 of the watched /24 from AS64666 */
	const char *ms = "more-specific/192.0.2.0/26/AS64666";
	const char *ms_inv = "rpki-invalid/192.0.2.0/26/AS64666";
	append_line(
	    "cmds", "announce route 192.0.2.0/26 next-hop 127.0.0.1 as-path [ 65002 64666 ]");
	double t_open = wait_hook(ms, "opened");
	wait_hook(ms_inv, "opened");
	append_line("cmds", "withdraw route 192.0.2.0/26 next-hop 127.0.0.1");
	double t_resolve = wait_hook(ms, "resolved");
	wait_hook(ms_inv, "resolved");

	/* the RTR cache's new table: AS64497's route becomes valid, its alert resolves */
	write_file("vrps.json", VRPS_AFTER);
	double t_rtr = wait_hook(inv, "resolved");
	wait_file("monitor.log", "became valid");
	assert_true(proc_file_has(path_of("monitor.log"), "monitor: RTR serial "));
	assert_true(proc_file_has(path_of("monitor.log"), ": 3 VRPs, 1 changed;"));
	assert_true(proc_file_has(path_of("monitor.log"), "0 became invalid, 2 became valid"));

	/* exactly these three alerts, each opened once and resolved once */
	json_object *o, *r;
	const char *ids[] = {inv, ms, ms_inv};
	int updates = 0;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(hook_count(ids[i], "opened", NULL), 1);
		assert_int_equal(hook_count(ids[i], "resolved", NULL), 1);
		updates += hook_count(ids[i], "updated", NULL);
	}
	assert_int_equal(hook_count(NULL, NULL, NULL), 6 + updates);
	/* the expected origin's route alerts nothing */
	assert_int_equal(hook_count("origin-hijack/192.0.2.0/24/AS64496", NULL, NULL), 0);

	/* the hijack's events: words, path as FRR sent it, times */
	hook_count(ms, "opened", &o);
	hook_count(ms, "resolved", &r);
	assert_non_null(strstr(jstr(o, "text"), "192.0.2.0/26, a more specific of the watched "
	                                        "192.0.2.0/24 (lab hijack target)"));
	assert_string_equal(jstr(o, "path"), "65001 65002 64666"); /* FRR prepends its AS */
	assert_string_equal(jstr(o, "watched"), "192.0.2.0/24 (lab hijack target)");
	assert_non_null(strstr(jstr(r, "resolution"), "withdrawn"));
	assert_non_null(strstr(jstr(r, "text"), "Resolved after "));
	assert_true(jint(r, "time_unix") >= jint(o, "time_unix") + 1); /* the 1 s hold-down */
	assert_true(jint(o, "seq") < jint(r, "seq"));
	json_object_put(o);
	json_object_put(r);

	/* the RPKI alert: resolved by the new VRP, not by a withdrawal */
	hook_count(inv, "opened", &o);
	hook_count(inv, "resolved", &r);
	const char *t = strstr(jstr(o, "text"), "198.51.100.0/24 from AS64497 is RPKI invalid");
	assert_non_null(t);
	assert_null(strstr(strstr(t, "is RPKI") + 1, "is RPKI invalid")); /* said once */
	assert_non_null(strstr(jstr(r, "resolution"), "RPKI valid now"));
	assert_non_null(strstr(jstr(r, "text"), "RPKI valid now"));
	json_object_put(o);
	json_object_put(r);

	/* every body is Slack-compatible: a non-empty "text" string; the JSON-lines sink got the
	 * same events */
	pthread_mutex_lock(&hook_mu); /* no assertion while it is held */
	int n = nhooks, slack = 0;
	for (int i = 0; i < n; i++) {
		json_object *e = json_tokener_parse(hooks[i]), *x;
		if (e && json_object_object_get_ex(e, "text", &x) &&
		    json_object_is_type(x, json_type_string) && json_object_get_string_len(x) > 20)
			slack++;
		json_object_put(e);
	}
	pthread_mutex_unlock(&hook_mu);
	assert_int_equal(slack, n);
	char *jl = proc_slurp(path_of("alerts.jsonl"));
	int lines = 0;
	for (const char *s = jl; (s = strchr(s, '\n')) != NULL; s++)
		lines++;
	free(jl);
	assert_int_equal(lines, n);

	/* the monitor's summary at SIGTERM */
	int st = proc_stop(&lab.monitor, 15);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	const char *mlog = path_of("monitor.log");
	assert_true(
	    proc_file_has(mlog, "rtr: 1 new VRP tables; routes re-validated: 0 became invalid, "
	                        "2 became valid"));
	assert_true(proc_file_has(mlog, "alerts: 3 opened, "));
	assert_true(proc_file_has(mlog, " 3 resolved, 0 open now"));
	assert_true(proc_file_has(mlog, "  opened by kind: more-specific 1 rpki-invalid 2"));
	printf("live lab: feed up after %.1f s (first alert %.1f s after ExaBGP started), hijack "
	       "opened %.2f s after the announce, resolved %.2f s after the withdrawal, RTR "
	       "change resolved %.2f s after the VRP file changed; %d webhook events; %.1f s in "
	       "all\n",
	    t_up, t_feed, t_open, t_resolve, t_rtr, n, clock_mono() - t_start);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_live_hijack_and_rtr, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
