/*
 * Alert latency end to end: from a BMP Route Monitoring message written to `routemark monitor
 * --listen` over TCP to the webhook receiver getting the alert's "opened" POST. The receiver
 * (libmicrohttpd) and the BMP "router" run in this process, so both timestamps come from one
 * clock; the monitor is the real binary (ROUTEMARK_BIN) with a watch file and a webhook sink.
 *
 * Each cycle announces a more specific of the watched 193.0.0.0/15 from AS666 (a new /24 each
 * time: one alert each), waits for its "opened" POST, then withdraws it. Two runs of CYCLES
 * cycles (default 200): the station holding nothing else, then holding a table of ROUTES
 * unwatched routes (default 100,000, sent first, 200 to an UPDATE). Prints p50, p99 and max
 * of each run and the sink's own emit-to-2xx figures from the monitor's summary. The issue's
 * goal: p99 under 50 ms.
 *
 * usage: bench_alert_latency [CYCLES] [ROUTES]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../tests/mrtgen.h"
#include "bmp/bmp.h"

#define MAX_CYCLES 256
#define WAIT_S 10.0

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* ---------------------------------------------------------------- the webhook receiver */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static double got[2][256]; /* when 193.R.C.0/24's "opened" arrived; 0: not yet */
static int posts, others;

struct upload {
	char *p;
	size_t len;
};

/* "more-specific/193.R.C.0/24/AS666" opened. */
static void record(const char *body, double t)
{
	const char *id = strstr(body, "\"id\":\"more-specific/193.");
	unsigned r, c;
	pthread_mutex_lock(&mu);
	posts++;
	if (id && strstr(body, "\"state\":\"opened\"") &&
	    sscanf(id, "\"id\":\"more-specific/193.%u.%u.0/24/AS666\"", &r, &c) == 2 && r < 2 &&
	    c < 256)
		got[r][c] = t;
	else if (strstr(body, "\"state\":\"resolved\"") == NULL)
		others++;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static enum MHD_Result on_hook(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data, size_t *size, void **con_cls)
{
	struct upload *u = *con_cls;
	if (u == NULL) {
		*con_cls = calloc(1, sizeof(*u));
		return *con_cls ? MHD_YES : MHD_NO;
	}
	if (*size > 0) {
		char *p = realloc(u->p, u->len + *size + 1);
		if (p == NULL)
			return MHD_NO;
		u->p = p;
		memcpy(u->p + u->len, data, *size);
		u->len += *size;
		u->p[u->len] = '\0';
		*size = 0;
		return MHD_YES;
	}
	if (u->p)
		record(u->p, now_s());
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

/* ---------------------------------------------------------------- BMP (as tests/test_bmp.c) */

static size_t bmp_begin(struct mrtgen_buf *b, uint8_t type)
{
	size_t off = b->len;
	mrtgen_put8(b, 3);
	mrtgen_put32(b, 0);
	mrtgen_put8(b, type);
	return off;
}

static void bmp_end(struct mrtgen_buf *b, size_t off)
{
	mrtgen_patch32(b, off + 1, (uint32_t)(b->len - off));
}

static const uint8_t peer_ip[4] = {10, 0, 0, 1};
enum { PEER_AS = 2914, LOCAL_AS = 64500 };

/* A pre-policy per-peer header of the peer 10.0.0.1, AS2914 (4-byte AS paths). */
static void peer_hdr(struct mrtgen_buf *b)
{
	mrtgen_put8(b, 0);
	mrtgen_put8(b, 0);
	memset(mrtgen_grow(b, 8), 0, 8);
	memset(mrtgen_grow(b, 12), 0, 12);
	mrtgen_put(b, peer_ip, 4);
	mrtgen_put32(b, PEER_AS);
	mrtgen_put32(b, 0x0a000001);
	mrtgen_put32(b, (uint32_t)time(NULL));
	mrtgen_put32(b, 0);
}

static void tlv(struct mrtgen_buf *b, uint16_t type, const char *s)
{
	mrtgen_put16(b, type);
	mrtgen_put16(b, (uint16_t)strlen(s));
	mrtgen_put(b, s, strlen(s));
}

static void open_msg(struct mrtgen_buf *b, uint32_t as, uint32_t id)
{
	size_t m = mrtgen_bgp_begin(b, 1);
	mrtgen_put8(b, 4);
	mrtgen_put16(b, (uint16_t)as);
	mrtgen_put16(b, 90);
	mrtgen_put32(b, id);
	mrtgen_put8(b, 14); /* optional parameters: one with two capabilities */
	mrtgen_put8(b, 2);
	mrtgen_put8(b, 12);
	mrtgen_put8(b, 1), mrtgen_put8(b, 4), mrtgen_put16(b, 1), mrtgen_put16(b, 1);
	mrtgen_put8(b, 65), mrtgen_put8(b, 4), mrtgen_put32(b, as);
	mrtgen_bgp_end(b, m);
}

static void start_msgs(struct mrtgen_buf *b)
{
	size_t m = bmp_begin(b, BMP_INITIATION);
	tlv(b, 1, "bench_alert_latency");
	tlv(b, 2, "bench");
	bmp_end(b, m);
	m = bmp_begin(b, BMP_PEER_UP);
	peer_hdr(b);
	uint8_t la[16] = {0};
	la[15] = 1;
	mrtgen_put(b, la, 16);
	mrtgen_put16(b, 179);
	mrtgen_put16(b, 40000);
	open_msg(b, LOCAL_AS, 0x0a0000fe);
	open_msg(b, PEER_AS, 0x0a000001);
	bmp_end(b, m);
}

/* Route Monitoring: 193.r.c.0/24 announced with path 2914 666, or withdrawn. */
static void route_msg(struct mrtgen_buf *b, unsigned r, unsigned c, int withdraw)
{
	const uint8_t addr[3] = {193, (uint8_t)r, (uint8_t)c};
	struct mrtgen_buf n, a;
	mrtgen_buf_init(&n);
	mrtgen_buf_init(&a);
	mrtgen_nlri(&n, 24, addr);
	size_t m = bmp_begin(b, BMP_ROUTE_MONITORING);
	peer_hdr(b);
	size_t u = mrtgen_bgp_begin(b, 2);
	if (withdraw) {
		mrtgen_put16(b, (uint16_t)n.len);
		mrtgen_append(b, &n);
		mrtgen_put16(b, 0);
	} else {
		static const uint32_t path[] = {PEER_AS, 666};
		static const uint8_t nh[4] = {10, 0, 0, 1};
		mrtgen_attr_origin(&a, 0);
		mrtgen_attr_aspath_seq(&a, path, 2, 1);
		mrtgen_attr_nexthop(&a, nh);
		mrtgen_put16(b, 0);
		mrtgen_put16(b, (uint16_t)a.len);
		mrtgen_append(b, &a);
		mrtgen_append(b, &n);
	}
	mrtgen_bgp_end(b, u);
	bmp_end(b, m);
	mrtgen_buf_free(&n);
	mrtgen_buf_free(&a);
}

static int write_all(int fd, const struct mrtgen_buf *b)
{
	size_t off = 0;
	while (off < b->len) {
		ssize_t w = write(fd, b->p + off, b->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	return 0;
}

/* ---------------------------------------------------------------- the run */

/* A table of n /24s under 20.0.0.0/8 .. from the peer, 200 to an UPDATE: not watched. */
static void table_msgs(struct mrtgen_buf *b, int n)
{
	static const uint32_t path[] = {PEER_AS, 3356, 15169};
	static const uint8_t nh[4] = {10, 0, 0, 1};
	struct mrtgen_buf a, nl;
	mrtgen_buf_init(&a);
	mrtgen_buf_init(&nl);
	mrtgen_attr_origin(&a, 0);
	mrtgen_attr_aspath_seq(&a, path, 3, 1);
	mrtgen_attr_nexthop(&a, nh);
	for (int i = 0; i < n; i += 200) {
		mrtgen_buf_reset(&nl);
		for (int k = i; k < n && k < i + 200; k++) {
			const uint8_t addr[3] = {(uint8_t)(20 + k / 65536),
			    (uint8_t)(k / 256 % 256), (uint8_t)(k % 256)};
			mrtgen_nlri(&nl, 24, addr);
		}
		size_t m = bmp_begin(b, BMP_ROUTE_MONITORING);
		peer_hdr(b);
		size_t u = mrtgen_bgp_begin(b, 2);
		mrtgen_put16(b, 0);
		mrtgen_put16(b, (uint16_t)a.len);
		mrtgen_append(b, &a);
		mrtgen_append(b, &nl);
		mrtgen_bgp_end(b, u);
		bmp_end(b, m);
	}
	mrtgen_buf_free(&a);
	mrtgen_buf_free(&nl);
}

/* Wait until 193.r.c.0/24's "opened" arrived or wait_s passed; its time, 0 if none. */
static double wait_opened(unsigned r, unsigned c, double t0, double wait_s)
{
	pthread_mutex_lock(&mu);
	while (got[r][c] == 0 && now_s() < t0 + wait_s) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 5000000;
		if (ts.tv_nsec >= 1000000000)
			ts.tv_sec++, ts.tv_nsec -= 1000000000;
		pthread_cond_timedwait(&cv, &mu, &ts);
	}
	double t1 = got[r][c];
	pthread_mutex_unlock(&mu);
	return t1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(const double *s, int n, double p)
{
	int i = (int)(p * (n - 1) + 0.5);
	return s[i < 0 ? 0 : i >= n ? n - 1 : i];
}

/* cycles hijacks of 193.r.0.0/24, 193.r.1.0/24, ...: announce, wait for the alert, withdraw. */
static int run_cycles(int fd, unsigned r, int cycles, const char *label)
{
	double lat[MAX_CYCLES];
	struct mrtgen_buf b;
	mrtgen_buf_init(&b);
	int n = 0, rc = 0;
	for (int c = 0; c < cycles && rc == 0; c++) {
		mrtgen_buf_reset(&b);
		route_msg(&b, r, (unsigned)c, 0);
		double t0 = now_s();
		if (write_all(fd, &b) != 0) {
			rc = -1;
			break;
		}
		double t1 = wait_opened(r, (unsigned)c, t0, WAIT_S);
		if (t1 == 0) {
			fprintf(stderr, "bench_alert_latency: cycle %d: no alert within %.0f s\n",
			    c, WAIT_S);
			rc = -1;
			break;
		}
		lat[n++] = t1 - t0;
		mrtgen_buf_reset(&b);
		route_msg(&b, r, (unsigned)c, 1);
		rc = write_all(fd, &b);
	}
	mrtgen_buf_free(&b);
	if (rc != 0)
		return rc;
	qsort(lat, (size_t)n, sizeof(lat[0]), cmp_double);
	printf("alert latency, BMP message -> webhook POST, %-24s %3d hijacks: p50 %6.2f ms  "
	       "p99 %6.2f ms  max %6.2f ms%s\n",
	    label, n, pct(lat, n, 0.5) * 1e3, pct(lat, n, 0.99) * 1e3, lat[n - 1] * 1e3,
	    pct(lat, n, 0.99) < 0.050 ? "" : "  (over the 50 ms goal)");
	return 0;
}

static int read_port(const char *log, double deadline)
{
	while (now_s() < deadline) {
		FILE *f = fopen(log, "r");
		char line[512];
		while (f && fgets(line, sizeof(line), f)) {
			const char *p = strstr(line, "(port ");
			if (p)
				return fclose(f), atoi(p + 6);
		}
		if (f)
			fclose(f);
		sleep_ms(20);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int cycles = argc > 1 ? atoi(argv[1]) : 200;
	int table = argc > 2 ? atoi(argv[2]) : 100000;
	if (cycles <= 0 || cycles > MAX_CYCLES - 1 || table < 0 || table > 1000000) {
		fprintf(stderr, "usage: bench_alert_latency [1..%d cycles] [0..1000000 routes]\n",
		    MAX_CYCLES - 1);
		return 2;
	}
	const char *bin = getenv("ROUTEMARK_BIN") ? getenv("ROUTEMARK_BIN") : "build/routemark";
	signal(SIGPIPE, SIG_IGN);
	struct sockaddr_in sa = {.sin_family = AF_INET};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL,
	    on_hook, NULL, MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
	    MHD_OPTION_END);
	if (d == NULL)
		return 1;
	unsigned hport = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
	char dir[] = "/tmp/rm-bench-alat-XXXXXX", watch[64], log[64], out[64], spec[64];
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(watch, sizeof(watch), "%s/watch.yml", dir);
	snprintf(log, sizeof(log), "%s/monitor.err", dir);
	snprintf(out, sizeof(out), "%s/monitor.out", dir);
	snprintf(spec, sizeof(spec), "webhook:http://127.0.0.1:%u/hook", hport);
	FILE *f = fopen(watch, "w");
	if (f == NULL)
		return 1;
	fputs("193.0.0.0/15:\n  asn: 3333\noptions:\n  holdDown: 0\n  disable: [bogon-asn]\n", f);
	fclose(f);

	pid_t pid = fork();
	if (pid == 0) {
		int e = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (e < 0 || o < 0)
			_exit(127);
		dup2(o, 1);
		dup2(e, 2);
		execl(bin, "routemark", "monitor", "-q", "--listen", "127.0.0.1:0", "--watch",
		    watch, "--sink", spec, (char *)NULL);
		_exit(127);
	}
	int rc = 1, fd = -1, port = read_port(log, now_s() + 30);
	if (port <= 0) {
		fprintf(stderr, "bench_alert_latency: the monitor did not start (%s)\n", log);
		goto out;
	}
	struct sockaddr_in ba = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	ba.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&ba, sizeof(ba)) != 0)
		goto out;
	struct mrtgen_buf b;
	mrtgen_buf_init(&b);
	start_msgs(&b);
	int w = write_all(fd, &b);
	mrtgen_buf_free(&b);
	if (w != 0 || run_cycles(fd, 0, cycles, "empty table:") != 0)
		goto out;
	if (table > 0) {
		/* a full table, then a marker hijack: the cycles start once the station has read
		 * and judged all of it */
		mrtgen_buf_init(&b);
		table_msgs(&b, table);
		route_msg(&b, 1, 255, 0);
		double t0 = now_s();
		w = write_all(fd, &b);
		mrtgen_buf_free(&b);
		double t1 = w == 0 ? wait_opened(1, 255, t0, 120) : 0;
		if (t1 == 0)
			goto out;
		printf("  %d routes of a table (%d UPDATEs) read and judged, then an alert, in "
		       "%.3f s\n",
		    table, (table + 199) / 200, t1 - t0);
		char label[64];
		snprintf(label, sizeof(label), "%d routes held:", table);
		if (run_cycles(fd, 1, cycles, label) != 0)
			goto out;
	}
	rc = 0;
out:
	kill(pid, SIGTERM); /* the session still open: the summary counts the routes held */
	int st;
	waitpid(pid, &st, 0);
	if (fd >= 0)
		close(fd);
	if (rc == 0) {
		/* the monitor's own figure for the sink: emit -> the receiver's 2xx */
		FILE *o = fopen(out, "r");
		char line[512];
		while (o && fgets(line, sizeof(line), o))
			if (strstr(line, "sink webhook:"))
				printf("  the monitor's sink figures:%s", strchr(line, ':') + 1);
			else if (strncmp(line, "routes in the final state", 25) == 0)
				printf("  the monitor's %s", line);
		if (o)
			fclose(o);
		if (others)
			printf("  %d unexpected events\n", others);
	}
	MHD_stop_daemon(d);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
