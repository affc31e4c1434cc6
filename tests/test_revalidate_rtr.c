/* engine_revalidate end to end with a real RTR cache: Debian's stayrtr on 127.0.0.1 serves a
 * VRP JSON file the test writes; the client's notify descriptor (poll) says when its first
 * table and, after the file is rewritten (stayrtr re-reads it every second: -refresh 1), the
 * next one are published; the diff of the two tables and the routes re-validated are checked
 * exactly. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "testutil.h"
#include "netutil.h"
#include "bmp/bmp.h"
#include "engine/engine.h"
#include "rpki/rpki.h"

static const char *find_stayrtr(void)
{
	static char buf[4096];
	const char *path = getenv("PATH");
	if (path == NULL)
		path = "/usr/bin:/bin";
	while (*path) {
		const char *c = strchr(path, ':');
		size_t n = c ? (size_t)(c - path) : strlen(path);
		snprintf(buf, sizeof(buf), "%.*s/stayrtr", (int)n, path);
		if (access(buf, X_OK) == 0)
			return buf;
		path += n + (c != NULL);
	}
	return NULL;
}

static void write_vrps(const char *dir, const char *roas)
{
	char tmp[4200], path[4200];
	snprintf(tmp, sizeof(tmp), "%s/vrps.json.tmp", dir);
	snprintf(path, sizeof(path), "%s/vrps.json", dir);
	FILE *f = fopen(tmp, "w");
	assert_non_null(f);
	fprintf(f, "{\"metadata\":{\"buildtime\":\"2024-01-01T00:00:00Z\"},\"roas\":[%s]}\n", roas);
	fclose(f);
	assert_int_equal(rename(tmp, path), 0); /* atomic: stayrtr never reads half a file */
}

/* Wait (poll, up to 30 s) until the client publishes a table with a different set of VRPs
 * than prev (NULL: any table); returns it with a reference. */
static struct vrp_table *next_table(struct rtr_client *c, const struct vrp_table *prev)
{
	int fd = rtr_client_notify_fd(c);
	for (int waited = 0; waited < 30000;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int k = poll(&p, 1, 1000);
		if (k == 0) {
			waited += 1000;
			continue;
		}
		assert_int_equal(k, 1);
		uint32_t upd = rtr_client_notify_ack(c), at;
		struct vrp_table *t = rtr_client_table_at(c, &at, NULL);
		assert_non_null(t);
		assert_true(at >= upd);
		if (prev == NULL || vrp_table_diff(prev, t, NULL, NULL) > 0)
			return t;
		vrp_table_release(t); /* a sync that changed nothing */
	}
	fail_msg("no new table within 30 s");
	return NULL;
}

static void announce(
    struct bmp_rib *rib, uint32_t router, int peer, const char *pfx, uint32_t origin)
{
	struct bmp_peer bp;
	memset(&bp, 0, sizeof(bp));
	bp.afi = AFI_IPV4, bp.addr[0] = 192, bp.addr[2] = 2, bp.addr[3] = (uint8_t)peer;
	bp.asn = 64510u + (uint32_t)peer;
	uint32_t w[3] = {ASPATH_SEG_HDR(AS_SEQUENCE, 2), bp.asn, origin};
	struct bgp_attrs at;
	memset(&at, 0, sizeof(at));
	at.aspath = w, at.aspath_nwords = 3;
	struct mrt_route rt;
	memset(&rt, 0, sizeof(rt));
	rt.kind = MRT_ROUTE_ANNOUNCE, rt.attrs = &at;
	assert_int_equal(prefix_parse(pfx, &rt.prefix), 0);
	bmp_rib_route(rib, router, &bp, &rt);
}

struct log {
	char buf[4096];
};

static void log_vrp(const struct vrp *v, int added, void *arg)
{
	struct log *l = arg;
	char p[PREFIX_STRLEN];
	size_t n = strlen(l->buf);
	snprintf(l->buf + n, sizeof(l->buf) - n, "%c%s-%u-AS%u ", added ? '+' : '-',
	    prefix_format(&v->p, p, sizeof(p)), v->maxlen, v->asn);
}

struct evs {
	char s[8][128];
	size_t n;
};

static void on_change(
    const struct bmp_rib_entry *e, enum engine_reval_kind kind, int a, int b, void *arg)
{
	struct evs *l = arg;
	char p[PREFIX_STRLEN], pa[64];
	assert_int_equal(kind, ENGINE_REVAL_ROV);
	assert_true(l->n < 8);
	snprintf(l->s[l->n++], sizeof(l->s[0]), "%s %s AS%u %s->%s",
	    prefix_format(&e->prefix, p, sizeof(p)), bmp_peer_addr_format(e->peer, pa, sizeof(pa)),
	    bmp_attrs_path(e->attrs)[2], rov_state_name(a), rov_state_name(b));
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void test_stayrtr_revalidate(void **state)
{
	(void)state;
	const char *bin = find_stayrtr();
	assert_non_null(bin); /* Debian package stayrtr (scripts/deps.sh) */
	char dir[] = "/tmp/routemark-reval-XXXXXX";
	assert_non_null(mkdtemp(dir));
	write_vrps(dir,
	    "{\"asn\":64496,\"prefix\":\"192.0.2.0/24\",\"maxLength\":24,\"ta\":\"t\"},"
	    "{\"asn\":64497,\"prefix\":\"198.51.100.0/22\",\"maxLength\":24,\"ta\":\"t\"},"
	    "{\"asn\":64498,\"prefix\":\"10.0.0.0/8\",\"maxLength\":16,\"ta\":\"t\"}");
	int port = loopback_free_port(NULL), mport = loopback_free_port(NULL);
	char cache[4200], bind_s[64], metrics[64], logp[4200], portstr[16];
	snprintf(cache, sizeof(cache), "%s/vrps.json", dir);
	snprintf(logp, sizeof(logp), "%s/stayrtr.log", dir);
	snprintf(bind_s, sizeof(bind_s), "127.0.0.1:%d", port);
	snprintf(metrics, sizeof(metrics), "127.0.0.1:%d", mport);
	snprintf(portstr, sizeof(portstr), "%d", port);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(logp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(bin, "stayrtr", "-cache", cache, "-bind", bind_s, "-metrics.addr", metrics,
		    "-refresh", "1", "-checktime=false", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200 && !loopback_port_open(port); i++)
		usleep(100000);
	assert_true(loopback_port_open(port));

	/* the routes: two peers */
	struct bmp_rib *rib = bmp_rib_new();
	uint32_t r = bmp_rib_router(rib, "r1");
	announce(rib, r, 1, "192.0.2.0/24", 64496);     /* valid, stays valid */
	announce(rib, r, 1, "198.51.101.0/24", 64497);  /* valid -> not-found (VRP removed) */
	announce(rib, r, 2, "198.51.101.0/24", 64499);  /* invalid -> not-found */
	announce(rib, r, 1, "203.0.113.0/24", 64499);   /* not-found -> valid (VRP added) */
	announce(rib, r, 2, "203.0.113.128/25", 64499); /* not-found -> invalid (maxLength) */
	announce(rib, r, 1, "10.1.0.0/16", 64498);      /* valid -> invalid (maxLength 16 -> 12) */
	announce(rib, r, 2, "10.0.0.0/8", 64498);       /* valid, stays valid */

	struct rtr_client *c = rtr_client_start("127.0.0.1", portstr);
	assert_non_null(c);
	struct vrp_table *t1 = next_table(c, NULL);
	assert_int_equal(vrp_table_count(t1), 3);
	struct rtr_client_stats s1, s2;
	rtr_client_stats(c, &s1);

	write_vrps(dir,
	    "{\"asn\":64496,\"prefix\":\"192.0.2.0/24\",\"maxLength\":24,\"ta\":\"t\"},"
	    "{\"asn\":64499,\"prefix\":\"203.0.113.0/24\",\"maxLength\":24,\"ta\":\"t\"},"
	    "{\"asn\":64498,\"prefix\":\"10.0.0.0/8\",\"maxLength\":12,\"ta\":\"t\"}");
	struct vrp_table *t2 = next_table(c, t1);
	rtr_client_stats(c, &s2);
	assert_true(s2.updates > s1.updates);
	assert_true(s2.serial != s1.serial);

	struct log l = {""};
	assert_int_equal(vrp_table_diff(t1, t2, log_vrp, &l), 4);
	assert_string_equal(l.buf, "+10.0.0.0/8-12-AS64498 -10.0.0.0/8-16-AS64498 "
	                           "-198.51.100.0/22-24-AS64497 +203.0.113.0/24-24-AS64499 ");

	struct evs ev = {.n = 0};
	struct engine_reval_stats st;
	engine_revalidate(rib, t1, t2, NULL, NULL, on_change, &ev, &st);
	printf("re-validation: %zu VRPs changed, %zu prefixes, %zu routes examined, %zu changed "
	       "in %.6f s\n",
	    st.vrps_changed, st.prefixes_examined, st.routes_examined, st.rov_changed, st.seconds);
	assert_int_equal(st.vrps_changed, 4);
	assert_int_equal(st.vrp_prefixes, 3);
	assert_int_equal(st.routes_examined, 6); /* not 192.0.2.0/24 */
	assert_int_equal(ev.n, 5);
	qsort(ev.s, ev.n, sizeof(ev.s[0]), str_cmp);
	assert_string_equal(ev.s[0], "10.1.0.0/16 192.0.2.1 AS64498 valid->invalid");
	assert_string_equal(ev.s[1], "198.51.101.0/24 192.0.2.1 AS64497 valid->not-found");
	assert_string_equal(ev.s[2], "198.51.101.0/24 192.0.2.2 AS64499 invalid->not-found");
	assert_string_equal(ev.s[3], "203.0.113.0/24 192.0.2.1 AS64499 not-found->valid");
	assert_string_equal(ev.s[4], "203.0.113.128/25 192.0.2.2 AS64499 not-found->invalid");

	vrp_table_release(t1);
	vrp_table_release(t2);
	rtr_client_stop(c);
	bmp_rib_free(rib);
	kill(pid, SIGTERM);
	int ws;
	waitpid(pid, &ws, 0);
	unlink(cache);
	unlink(logp);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stayrtr_revalidate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
