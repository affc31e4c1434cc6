/* Alert sinks: webhook delivery (body, headers, order, keep-alive, retries, refusals), the
 * durable spool across a restart, syslog framing over UDP, TCP and a Unix socket, JSON lines,
 * damaged spool lines, bad specs. Receivers run in this process on 127.0.0.1. */
#include "testutil.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>

#include "sink/sink.h"

/* ---------------------------------------------------------------- a webhook receiver */

#define MAXREQ 256
static struct {
	pthread_mutex_t mu;
	struct MHD_Daemon *d;
	uint16_t port;
	int nreq, nconn;
	char *body[MAXREQ];
	int status[MAXREQ];
	char ctype[128], ua[128];
	int script[8], nscript; /* statuses to answer first, then 200 */
	int fail_from;          /* > 0: answer 500 from this request on */
} rx = {.mu = PTHREAD_MUTEX_INITIALIZER};

struct upload {
	char *buf;
	size_t len;
};

static enum MHD_Result rx_handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data, size_t *size, void **con_cls)
{
	struct upload *u = *con_cls;
	if (u == NULL) {
		*con_cls = calloc(1, sizeof(*u));
		return MHD_YES;
	}
	if (*size > 0) {
		u->buf = realloc(u->buf, u->len + *size + 1);
		memcpy(u->buf + u->len, data, *size);
		u->len += *size;
		u->buf[u->len] = '\0';
		*size = 0;
		return MHD_YES;
	}
	pthread_mutex_lock(&rx.mu);
	int i = rx.nreq++;
	int st = i < rx.nscript ? rx.script[i] : 200;
	if (rx.fail_from > 0 && i >= rx.fail_from)
		st = 500;
	if (i < MAXREQ) {
		rx.body[i] = u->buf ? u->buf : strdup("");
		rx.status[i] = st;
		u->buf = NULL;
	}
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	const char *ua = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "User-Agent");
	snprintf(rx.ctype, sizeof(rx.ctype), "%s", ct ? ct : "");
	snprintf(rx.ua, sizeof(rx.ua), "%s", ua ? ua : "");
	pthread_mutex_unlock(&rx.mu);
	const char *msg = st == 200 ? "ok" : "invalid_payload";
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(strlen(msg), (void *)msg, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)st, r);
	MHD_destroy_response(r);
	return ret;
}

static void rx_done(
    void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct upload *u = *con_cls;
	if (u) {
		free(u->buf);
		free(u);
	}
	*con_cls = NULL;
}

static void rx_conn(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		pthread_mutex_lock(&rx.mu);
		rx.nconn++;
		pthread_mutex_unlock(&rx.mu);
	}
}

static void rx_reset(void)
{
	pthread_mutex_lock(&rx.mu);
	for (int i = 0; i < rx.nreq && i < MAXREQ; i++)
		free(rx.body[i]);
	rx.nreq = rx.nconn = rx.nscript = rx.fail_from = 0;
	pthread_mutex_unlock(&rx.mu);
}

/* Start on port (0: any free one). */
static void rx_start(uint16_t port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rx.d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, rx_handler, NULL,
	    MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
	    MHD_OPTION_NOTIFY_COMPLETED, rx_done, NULL, MHD_OPTION_NOTIFY_CONNECTION, rx_conn, NULL,
	    MHD_OPTION_END);
	assert_non_null(rx.d);
	rx.port = MHD_get_daemon_info(rx.d, MHD_DAEMON_INFO_BIND_PORT)->port;
}

static void rx_stop(void)
{
	MHD_stop_daemon(rx.d);
	rx.d = NULL;
}

static int rx_count(void)
{
	pthread_mutex_lock(&rx.mu);
	int n = rx.nreq;
	pthread_mutex_unlock(&rx.mu);
	return n;
}

/* ---------------------------------------------------------------- helpers */

struct ev {
	struct sink_event e;
	char json[512], title[64];
};

static void make_event(struct ev *v, uint64_t seq, const char *kind)
{
	snprintf(v->title, sizeof(v->title), "Origin hijack of 192.0.2.0/24 (%llu)",
	    (unsigned long long)seq);
	snprintf(v->json, sizeof(v->json),
	    "{\"seq\":%llu,\"kind\":\"%s\",\"text\":\"%s: AS64511 now originates it\"}",
	    (unsigned long long)seq, kind, v->title);
	v->e = (struct sink_event){.seq = seq,
	    .time = 1764676800, /* 2025-12-02T12:00:00Z */
	    .kind = kind,
	    .state = "opened",
	    .severity = 2,
	    .title = v->title,
	    .text = "AS64511 now originates it, expected AS64500.",
	    .json = v->json};
}

/* Wait (up to 20 s, polling) until sink i has delivered want events and has none pending. */
static void wait_delivered(struct sink_set *s, int i, uint64_t want, struct sink_stats *st)
{
	double end = clock_mono() + 20;
	do {
		assert_int_equal(sink_set_stats(s, i, st), 0);
		if (st->delivered + st->refused >= want && st->pending == 0)
			return;
		usleep(2000);
	} while (clock_mono() < end);
	fail_msg("sink %d: %llu delivered of %llu", i, (unsigned long long)st->delivered,
	    (unsigned long long)want);
}

static char *tmpdir(void)
{
	char *d = strdup("/tmp/rm-sink-XXXXXX");
	assert_non_null(mkdtemp(d));
	return d;
}

static void rmtree(const char *d)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	assert_int_equal(system(cmd), 0);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = calloc(1, 1 << 20);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	return buf;
}

/* ---------------------------------------------------------------- webhook */

static void test_webhook_order_headers(void **state)
{
	rx_reset();
	rx_start(0);
	char spec[128];
	snprintf(spec, sizeof(spec), "http://127.0.0.1:%u/hook/T000/SECRET", rx.port);
	struct sink_set *s = sink_set_new(NULL);
	assert_int_equal(sink_set_add(s, spec), 0);
	struct ev v[20];
	for (int i = 0; i < 20; i++) {
		make_event(&v[i], (uint64_t)(i + 1), "origin-hijack");
		assert_int_equal(sink_set_emit(s, &v[i].e), 0);
	}
	struct sink_stats st;
	wait_delivered(s, 0, 20, &st);
	assert_int_equal(st.delivered, 20);
	assert_int_equal(st.failed, 0);
	assert_int_equal(st.done_seq, 20);
	assert_null(strstr(st.name, "SECRET")); /* a webhook's path is not shown */
	assert_non_null(strstr(st.name, "127.0.0.1"));
	assert_true(st.nlat == 20 && st.lat_p50 > 0 && st.lat_p99 >= st.lat_p50);
	sink_set_close(s, 5);
	rx_stop();
	assert_int_equal(rx.nreq, 20);
	for (int i = 0; i < 20; i++) {
		assert_string_equal(rx.body[i], v[i].json);
		assert_int_equal(rx.status[i], 200);
	}
	assert_string_equal(rx.ctype, "application/json");
	assert_string_equal(rx.ua, "routemark/" RM_VERSION);
	assert_int_equal(rx.nconn, 1); /* one kept-alive connection */
}

static void test_webhook_retry(void **state)
{
	rx_reset();
	rx.script[0] = 500, rx.script[1] = 503, rx.nscript = 2;
	rx_start(0);
	char spec[128];
	snprintf(spec, sizeof(spec), "webhook:http://127.0.0.1:%u/", rx.port);
	struct sink_set *s = sink_set_new(NULL);
	assert_int_equal(sink_set_add(s, spec), 0);
	struct ev v[2];
	make_event(&v[0], 7, "rpki-invalid");
	make_event(&v[1], 8, "rpki-invalid");
	assert_int_equal(sink_set_emit(s, &v[0].e), 0);
	assert_int_equal(sink_set_emit(s, &v[1].e), 0);
	struct sink_stats st;
	wait_delivered(s, 0, 2, &st);
	assert_int_equal(st.delivered, 2);
	assert_int_equal(st.failed, 2);
	assert_int_equal(st.dropped, 0);
	assert_non_null(strstr(st.last_error, "HTTP 503"));
	sink_set_close(s, 5);
	rx_stop();
	/* 500, 503, then the same event once more (200), then the next */
	assert_int_equal(rx.nreq, 4);
	assert_string_equal(rx.body[0], v[0].json);
	assert_string_equal(rx.body[1], v[0].json);
	assert_string_equal(rx.body[2], v[0].json);
	assert_int_equal(rx.status[2], 200);
	assert_string_equal(rx.body[3], v[1].json);
}

static void test_webhook_refused(void **state)
{
	rx_reset();
	rx.script[0] = 400, rx.nscript = 1;
	rx_start(0);
	char spec[128];
	snprintf(spec, sizeof(spec), "webhook:http://127.0.0.1:%u/x", rx.port);
	struct sink_set *s = sink_set_new(NULL);
	assert_int_equal(sink_set_add(s, spec), 0);
	struct ev v[2];
	make_event(&v[0], 1, "route-leak");
	make_event(&v[1], 2, "route-leak");
	sink_set_emit(s, &v[0].e);
	sink_set_emit(s, &v[1].e);
	struct sink_stats st;
	wait_delivered(s, 0, 2, &st);
	assert_int_equal(st.delivered, 1);
	assert_int_equal(st.refused, 1);
	assert_int_equal(st.dropped, 1);
	assert_int_equal(st.failed, 0);
	assert_non_null(strstr(st.last_error, "HTTP 400: invalid_payload"));
	sink_set_close(s, 5);
	rx_stop();
	assert_int_equal(rx.nreq, 2); /* the refused event is not sent again */
	assert_string_equal(rx.body[1], v[1].json);
}

/* The receiver is down while events are emitted; the set closes with a short flush; a new
 * set over the same spool, with the receiver up, sends them all once, in order, then the new
 * ones. A third set finds nothing left. */
static void test_webhook_spool_restart(void **state)
{
	rx_reset();
	rx_start(0);
	uint16_t port = rx.port;
	rx_stop();
	char *dir = tmpdir(), spec[128];
	snprintf(spec, sizeof(spec), "webhook:http://127.0.0.1:%u/alerts", port);
	struct ev v[15];
	for (int i = 0; i < 15; i++)
		make_event(&v[i], (uint64_t)(i + 1), "origin-hijack");

	struct sink_set *s = sink_set_new(dir);
	assert_int_equal(sink_set_add(s, spec), 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(sink_set_emit(s, &v[i].e), 0);
	struct sink_stats st;
	sink_set_stats(s, 0, &st);
	assert_int_equal(st.delivered, 0);
	assert_int_equal(st.pending, 10);
	sink_set_close(s, 0.2);

	rx_start(port);
	s = sink_set_new(dir);
	assert_int_equal(sink_set_add(s, spec), 0);
	assert_int_equal(sink_set_next_seq(s), 11);
	assert_int_equal(sink_set_emit(s, &v[4].e), -1); /* seq not above the spooled ones */
	for (int i = 10; i < 15; i++)
		assert_int_equal(sink_set_emit(s, &v[i].e), 0);
	wait_delivered(s, 0, 15, &st);
	assert_int_equal(st.delivered, 15);
	assert_int_equal(st.corrupt, 0);
	sink_set_close(s, 5);
	assert_int_equal(rx_count(), 15);
	for (int i = 0; i < 15; i++)
		assert_string_equal(rx.body[i], v[i].json);

	/* delivered and marked: the spool is empty, nothing is sent again */
	char path[600];
	snprintf(path, sizeof(path), "%s/%s.spool", dir, st.id);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, 0);
	s = sink_set_new(dir);
	assert_int_equal(sink_set_add(s, spec), 0);
	assert_int_equal(sink_set_next_seq(s), 16);
	sink_set_stats(s, 0, &st);
	assert_int_equal(st.pending, 0);
	assert_int_equal(st.done_seq, 15);
	sink_set_close(s, 5);
	assert_int_equal(rx_count(), 15);
	rx_stop();
	rmtree(dir);
	free(dir);
}

/* A receiver that is always behind: a spool past its limit and mostly delivered is rewritten
 * with the pending events only, and a restart sends exactly those. */
static void test_spool_rewrite(void **state)
{
	rx_reset();
	rx_start(0);
	uint16_t port = rx.port;
	rx_stop();
	char *dir = tmpdir(), spec[128];
	snprintf(spec, sizeof(spec), "webhook:http://127.0.0.1:%u/", port);
	struct sink_set *s = sink_set_new(dir);
	sink_set_spool_limit(s, 4096);
	assert_int_equal(sink_set_add(s, spec), 0);
	static struct ev v[100];
	for (int i = 0; i < 100; i++) {
		make_event(&v[i], (uint64_t)(i + 1), "origin-hijack");
		assert_int_equal(sink_set_emit(s, &v[i].e), 0);
	}
	/* 70 delivered, then 500s: the done marker after the 64th rewrites the spool */
	pthread_mutex_lock(&rx.mu);
	rx.fail_from = 70;
	pthread_mutex_unlock(&rx.mu);
	rx_start(port);
	double end = clock_mono() + 20;
	while (rx_count() < 71 && clock_mono() < end)
		usleep(2000);
	assert_true(rx_count() >= 71);
	struct sink_stats st;
	sink_set_stats(s, 0, &st);
	assert_int_equal(st.delivered, 70);
	sink_set_close(s, 0);

	char path[600];
	snprintf(path, sizeof(path), "%s/%s.spool", dir, st.id);
	size_t len;
	char *buf = slurp(path, &len);
	if (strncmp(buf, "{\"seq\":65,", 10) != 0)
		fail_msg("spool starts: %.40s", buf);
	int lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	assert_int_equal(lines, 36);
	free(buf);
	snprintf(path, sizeof(path), "%s/%s.done", dir, st.id);
	buf = slurp(path, &len);
	assert_string_equal(buf, "70\n");
	free(buf);

	pthread_mutex_lock(&rx.mu);
	rx.fail_from = 0;
	int n0 = rx.nreq;
	pthread_mutex_unlock(&rx.mu);
	s = sink_set_new(dir);
	assert_int_equal(sink_set_add(s, spec), 0);
	assert_int_equal(sink_set_next_seq(s), 101);
	wait_delivered(s, 0, 30, &st);
	assert_int_equal(st.delivered, 30);
	sink_set_close(s, 5);
	rx_stop();
	assert_int_equal(rx.nreq, n0 + 30);
	for (int i = 0; i < 30; i++)
		assert_string_equal(rx.body[n0 + i], v[70 + i].json);
	rmtree(dir);
	free(dir);
}

/* ---------------------------------------------------------------- syslog */

static int udp_bound(uint16_t *port)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t sl = sizeof(sa);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	*port = ntohs(sa.sin_port);
	return fd;
}

static ssize_t recv_wait(int fd, char *buf, size_t n)
{
	struct pollfd p = {fd, POLLIN, 0};
	assert_int_equal(poll(&p, 1, 20000), 1);
	ssize_t r = recv(fd, buf, n - 1, 0);
	assert_true(r > 0);
	buf[r] = '\0';
	return r;
}

/* The expected message of make_event's event with state st, facility fac, bom. */
static void expected(char *buf, size_t n, int pri, const char *kind, const char *st_esc,
    uint64_t seq, const char *title, int bom)
{
	char host[256] = "";
	gethostname(host, sizeof(host) - 1);
	snprintf(buf, n,
	    "<%d>1 2025-12-02T12:00:00Z %s routemark %ld %s [routemark@32473 state=\"%s\" "
	    "kind=\"%s\" seq=\"%llu\"] %s%s \xE2\x80\x94 AS64511 now originates it, expected "
	    "AS64500.",
	    pri, host, (long)getpid(), kind, st_esc, kind, (unsigned long long)seq,
	    bom ? "\xEF\xBB\xBF" : "", title);
}

static void test_syslog_udp(void **state)
{
	uint16_t port;
	int fd = udp_bound(&port);
	char spec[128], buf[4096], want[4096];
	snprintf(spec, sizeof(spec), "syslog:udp:127.0.0.1:%u?facility=local0", port);
	struct sink_set *s = sink_set_new(NULL);
	assert_int_equal(sink_set_add(s, spec), 0);
	struct ev v;
	make_event(&v, 42, "origin-hijack");
	v.e.state = "op\"en]ed\\"; /* escaped as \" \] \\ */
	assert_int_equal(sink_set_emit(s, &v.e), 0);
	recv_wait(fd, buf, sizeof(buf));
	expected(
	    want, sizeof(want), 16 * 8 + 2, "origin-hijack", "op\\\"en\\]ed\\\\", 42, v.title, 1);
	assert_string_equal(buf, want);
	/* a kind with a space is a MSGID with '_' (and the SD value keeps it) */
	make_event(&v, 43, "x y");
	v.e.severity = 6;
	assert_int_equal(sink_set_emit(s, &v.e), 0);
	recv_wait(fd, buf, sizeof(buf));
	assert_non_null(strstr(buf, "<134>1 "));
	assert_non_null(strstr(buf, " x_y [routemark@32473 state=\"opened\" kind=\"x y\""));
	struct sink_stats st;
	wait_delivered(s, 0, 2, &st);
	sink_set_close(s, 5);
	close(fd);
}

/* Read one octet-counted frame ("LEN SP MSG") from a stream socket. */
static void read_frame(int fd, char *buf, size_t n)
{
	char len[16];
	size_t i = 0;
	for (;;) {
		char c;
		struct pollfd p = {fd, POLLIN, 0};
		assert_int_equal(poll(&p, 1, 20000), 1);
		assert_int_equal(recv(fd, &c, 1, 0), 1);
		if (c == ' ')
			break;
		assert_true(c >= '0' && c <= '9' && i < sizeof(len) - 1);
		len[i++] = c;
	}
	len[i] = '\0';
	size_t want = strtoul(len, NULL, 10), got = 0;
	assert_true(want > 0 && want < n);
	while (got < want) {
		struct pollfd p = {fd, POLLIN, 0};
		assert_int_equal(poll(&p, 1, 20000), 1);
		ssize_t r = recv(fd, buf + got, want - got, 0);
		assert_true(r > 0);
		got += (size_t)r;
	}
	buf[got] = '\0';
}

static int accept_wait(int lfd)
{
	struct pollfd p = {lfd, POLLIN, 0};
	assert_int_equal(poll(&p, 1, 20000), 1);
	int fd = accept(lfd, NULL, NULL);
	assert_true(fd >= 0);
	return fd;
}

static void test_syslog_tcp(void **state)
{
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t sl = sizeof(sa);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 4), 0);
	getsockname(lfd, (struct sockaddr *)&sa, &sl);
	char spec[128], buf[4096], want[4096];
	snprintf(spec, sizeof(spec), "syslog:tcp:127.0.0.1:%u?bom=0", ntohs(sa.sin_port));
	struct sink_set *s = sink_set_new(NULL);
	assert_int_equal(sink_set_add(s, spec), 0);
	struct ev v[4];
	for (int i = 0; i < 3; i++) {
		make_event(&v[i], (uint64_t)(i + 1), "route-leak");
		assert_int_equal(sink_set_emit(s, &v[i].e), 0);
	}
	int fd = accept_wait(lfd);
	for (int i = 0; i < 3; i++) {
		read_frame(fd, buf, sizeof(buf));
		expected(want, sizeof(want), 3 * 8 + 2, "route-leak", "opened", (uint64_t)(i + 1),
		    v[i].title, 0);
		assert_string_equal(buf, want);
	}
	struct sink_stats st;
	wait_delivered(s, 0, 3, &st);
	/* the receiver restarts: the sink sees the closed connection and connects again */
	close(fd);
	make_event(&v[3], 4, "route-leak");
	assert_int_equal(sink_set_emit(s, &v[3].e), 0);
	fd = accept_wait(lfd);
	read_frame(fd, buf, sizeof(buf));
	assert_non_null(strstr(buf, "seq=\"4\""));
	wait_delivered(s, 0, 4, &st);
	assert_int_equal(st.delivered, 4);
	sink_set_close(s, 5);
	close(fd);
	close(lfd);
}

static void test_syslog_unix(void **state)
{
	char *dir = tmpdir();
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/log", dir);
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	char spec[256], buf[4096], want[4096];
	snprintf(spec, sizeof(spec), "syslog:unix:%s", sa.sun_path);
	struct sink_set *s = sink_set_new(NULL);
	assert_int_equal(sink_set_add(s, spec), 0);
	struct ev v;
	make_event(&v, 5, "rpki-invalid");
	v.e.severity = 4;
	assert_int_equal(sink_set_emit(s, &v.e), 0);
	recv_wait(fd, buf, sizeof(buf));
	expected(want, sizeof(want), 3 * 8 + 4, "rpki-invalid", "opened", 5, v.title, 1);
	assert_string_equal(buf, want);
	sink_set_close(s, 5);
	close(fd);
	rmtree(dir);
	free(dir);
}

/* ---------------------------------------------------------------- JSON lines, spool */

static void test_jsonl(void **state)
{
	char *dir = tmpdir(), path[600], spec[700];
	snprintf(path, sizeof(path), "%s/alerts.jsonl", dir);
	snprintf(spec, sizeof(spec), "jsonl:%s", path);
	struct sink_set *s = sink_set_new(NULL);
	assert_int_equal(sink_set_add(s, spec), 0);
	struct ev v[3];
	char want[2048] = "";
	for (int i = 0; i < 3; i++) {
		make_event(&v[i], (uint64_t)(i + 10), "origin-hijack");
		assert_int_equal(sink_set_emit(s, &v[i].e), 0);
		strcat(want, v[i].json);
		strcat(want, "\n");
	}
	struct sink_stats st;
	wait_delivered(s, 0, 3, &st);
	size_t len;
	char *got = slurp(path, &len); /* flushed at each event, before close */
	assert_string_equal(got, want);
	free(got);
	sink_set_close(s, 5);
	rmtree(dir);
	free(dir);
}

static int count_cb(const struct sink_event *ev, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

/* Damaged spool lines are named, skipped and counted; the good ones are sent. */
static void test_spool_corrupt(void **state)
{
	char *dir = tmpdir(), out[600], spec[700], path[700];
	snprintf(out, sizeof(out), "%s/out.jsonl", dir);
	snprintf(spec, sizeof(spec), "jsonl:%s", out);
	struct sink_set *s = sink_set_new(dir);
	assert_int_equal(sink_set_add(s, spec), 0);
	struct sink_stats st;
	sink_set_stats(s, 0, &st);
	sink_set_close(s, 1);
	snprintf(path, sizeof(path), "%s/%s.spool", dir, st.id);
	const char *good1 =
	    "{\"seq\":1,\"time\":1,\"severity\":2,\"kind\":\"k\",\"state\":\"opened\","
	    "\"title\":\"t\",\"text\":\"x\",\"json\":\"{\\\"text\\\":\\\"one\\\"}\"}\n";
	const char *good5 =
	    "{\"seq\":5,\"time\":1,\"severity\":2,\"kind\":\"k\",\"state\":\"opened\","
	    "\"title\":\"t\",\"text\":\"x\",\"json\":\"{\\\"text\\\":\\\"five\\\"}\"}\n";
	FILE *f = fopen(path, "w");
	fputs(good1, f);
	fputs("garbage {\n", f);
	fputs("{\"seq\":2,\"time\":1,\"severity\":9,\"kind\":\"k\",\"state\":\"s\",\"title\":\"t\","
	      "\"text\":\"x\",\"json\":\"{}\"}\n",
	    f);                               /* severity out of range */
	fputs("{\"seq\":1,\"time\":1}\n", f); /* members missing */
	fputs(good1, f);                      /* seq not increasing */
	fputs(good5, f);
	fputs("{\"seq\":6,\"ti", f); /* cut short by a crash */
	fclose(f);

	size_t len;
	char *buf = slurp(path, &len);
	struct sink_spool_counts c;
	int n = 0;
	assert_int_equal(sink_spool_parse(buf, len, path, count_cb, &n, &c), 0);
	assert_int_equal(n, 2);
	assert_int_equal(c.events, 2);
	assert_int_equal(c.corrupt, 5);
	assert_int_equal(c.max_seq, 5);
	assert_int_equal(c.good_len, len - strlen("{\"seq\":6,\"ti"));
	free(buf);

	s = sink_set_new(dir);
	assert_int_equal(sink_set_add(s, spec), 0);
	assert_int_equal(sink_set_next_seq(s), 6);
	wait_delivered(s, 0, 2, &st);
	assert_int_equal(st.corrupt, 5);
	assert_int_equal(st.delivered, 2);
	sink_set_close(s, 5);
	buf = slurp(out, &len);
	assert_string_equal(buf, "{\"text\":\"one\"}\n{\"text\":\"five\"}\n");
	free(buf);
	rmtree(dir);
	free(dir);
}

static void test_bad_specs(void **state)
{
	struct sink_set *s = sink_set_new(NULL);
	const char *bad[] = {"ftp://example.net/", "webhook:gopher://x/", "webhook:", "nonsense",
	    "syslog:udp:localhost", "syslog:tcp:[::1:514", "syslog:udp:::1:514",
	    "syslog:tcp:127.0.0.1:0", "syslog:udp:h:514?facility=nope", "syslog:udp:h:514?bom=2",
	    "syslog:udp:h:514?x", "syslog:sctp:h:514",
	    "syslog:unix:", "jsonl:", "jsonl:/nonexistent-dir/x.jsonl"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (sink_set_add(s, bad[i]) != -1)
			fail_msg("spec accepted: %s", bad[i]);
	}
	assert_int_equal(sink_set_count(s), 0);
	assert_int_equal(sink_set_add(s, "syslog:udp:[::1]:514?facility=local7&bom=0"), 0);
	assert_int_equal(sink_set_add(s, "syslog:udp:[::1]:514?facility=local7&bom=0"), -1);
	assert_int_equal(sink_set_count(s), 1);
	sink_set_close(s, 0);

	s = sink_set_new(NULL);
	assert_int_equal(sink_set_add(s, "jsonl:/dev/null"), 0);
	struct ev v;
	make_event(&v, 3, "k");
	assert_int_equal(sink_set_emit(s, &v.e), 0);
	assert_int_equal(sink_set_emit(s, &v.e), -1); /* the same seq again */
	make_event(&v, 4, "k");
	v.e.json = "not json";
	assert_int_equal(sink_set_emit(s, &v.e), -1);
	struct sink_stats st;
	assert_int_equal(sink_set_stats(s, 1, &st), -1);
	sink_set_close(s, 0);
	sink_set_close(NULL, 0);
}

int main(void)
{
	log_set_level(LOG_LVL_ERR);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_webhook_order_headers),
	    cmocka_unit_test(test_webhook_retry),
	    cmocka_unit_test(test_webhook_refused),
	    cmocka_unit_test(test_webhook_spool_restart),
	    cmocka_unit_test(test_spool_rewrite),
	    cmocka_unit_test(test_syslog_udp),
	    cmocka_unit_test(test_syslog_tcp),
	    cmocka_unit_test(test_syslog_unix),
	    cmocka_unit_test(test_jsonl),
	    cmocka_unit_test(test_spool_corrupt),
	    cmocka_unit_test(test_bad_specs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
