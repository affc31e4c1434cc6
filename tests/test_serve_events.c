/* serve: the live monitor's alerts. A store holding only alert events (as `routemark monitor
 * --db` writes them), a server on 127.0.0.1 with one worker thread: /api/v1/alerts, the /alerts
 * page and its script, and /api/v1/events, the Server-Sent Events stream: replay after
 * Last-Event-ID or ?after=, an event stored meanwhile by another connection (as the monitor
 * would) delivered within seconds, keep-alive comments, the bound on streams (503), other
 * requests served while streams wait, a client that went away noticed, and a stop with streams
 * open. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "serve/serve.h"
#include "store/store.h"

static char dir[256], db[300];
static struct serve *sv;
static uint16_t port;
static struct store *writer; /* the monitor's connection */
static int64_t ids[3];
static pid_t child = -1; /* a server program started by a test: killed in teardown if left */

#define KEEPALIVE_MS 300

static int64_t put_event(const char *alert, const char *state, int64_t t, const char *title)
{
	char json[512];
	snprintf(json, sizeof(json),
	    "{\"alert_id\":\"%s\",\"kind\":\"origin-hijack\",\"state\":\"%s\",\"time\":%lld,"
	    "\"prefix\":\"192.0.2.0/24\",\"asn\":64500,\"title\":\"%s\"}",
	    alert, state, (long long)t, title);
	struct store_alert_event ev = {.alert_id = alert,
	    .kind = "origin-hijack",
	    .state = state,
	    .time = t,
	    .prefix = "192.0.2.0/24",
	    .asn = 64500,
	    .severity = 2,
	    .title = title,
	    .text = "AS64501 originates a prefix of AS64500 <seen by 2 peers>.",
	    .json = json};
	assert_int_equal(store_put_alert_event(writer, &ev), 0);
	return ev.id;
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/routemark-events-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(db, sizeof(db), "%s/store.db", dir);
	if (store_open(db, 0, &writer) != 0)
		return -1;
	ids[0] = put_event("origin-hijack/192.0.2.0/24/AS64501", "opened", 1764670000,
	    "AS64501 originates 192.0.2.0/24");
	ids[1] = put_event("more-specific/198.51.100.0/25/AS64502", "opened", 1764670100,
	    "A more-specific of 198.51.100.0/24");
	ids[2] = put_event("more-specific/198.51.100.0/25/AS64502", "resolved", 1764670200,
	    "A more-specific of 198.51.100.0/24 is gone");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct serve_config c = {.db = db,
	    .listen = "127.0.0.1:0",
	    .threads = 1, /* streams must not hold it */
	    .events_max = 2,
	    .events_keepalive_ms = KEEPALIVE_MS};
	if (serve_start(&c, &sv) != 0)
		return -1;
	port = serve_port(sv);
	return 0;
}

static int teardown(void **state)
{
	char cmd[400];
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	serve_stop(sv, 500);
	store_close(writer);
	curl_global_cleanup();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------- a client */

struct stream {
	CURL *h;
	char *data;
	size_t len;
	char ctype[128], csp[512];
	long status;
	int done;
	CURLcode rc;
};

static size_t on_data(char *p, size_t sz, size_t n, void *arg)
{
	struct stream *s = arg;
	s->data = realloc(s->data, s->len + sz * n + 1);
	memcpy(s->data + s->len, p, sz * n);
	s->len += sz * n;
	s->data[s->len] = '\0';
	return sz * n;
}

static void header(const char *h, size_t n, const char *name, char *out, size_t size)
{
	size_t l = strlen(name);
	if (n > l && strncasecmp(h, name, l) == 0) {
		size_t v = n - l;
		while (v && (h[l + v - 1] == '\r' || h[l + v - 1] == '\n'))
			v--;
		if (v >= size)
			v = size - 1;
		memcpy(out, h + l, v);
		out[v] = '\0';
	}
}

static size_t on_header(char *h, size_t sz, size_t n, void *arg)
{
	struct stream *s = arg;
	header(h, sz * n, "Content-Type: ", s->ctype, sizeof(s->ctype));
	header(h, sz * n, "Content-Security-Policy: ", s->csp, sizeof(s->csp));
	return sz * n;
}

static CURL *easy(
    struct stream *s, const char *method, const char *path, const char *hdr, struct curl_slist **hl)
{
	char url[512];
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
	memset(s, 0, sizeof(*s));
	s->data = calloc(1, 1);
	CURL *c = curl_easy_init();
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, s);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	*hl = hdr ? curl_slist_append(NULL, hdr) : NULL;
	if (*hl)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, *hl);
	s->h = c;
	return c;
}

/* A whole request (not a stream). */
static struct stream get(const char *method, const char *path, const char *hdr)
{
	struct stream s;
	struct curl_slist *hl;
	CURL *c = easy(&s, method, path, hdr, &hl);
	s.rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &s.status);
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	return s;
}

/* Streams are driven together by one multi handle. */
static CURLM *multi;
static struct curl_slist *stream_hl[4];

static void stream_open(struct stream *s, int slot, const char *path, const char *hdr)
{
	if (multi == NULL)
		multi = curl_multi_init();
	easy(s, "GET", path, hdr, &stream_hl[slot]);
	curl_easy_setopt(s->h, CURLOPT_PRIVATE, s);
	curl_multi_add_handle(multi, s->h);
}

static void stream_close(struct stream *s, int slot)
{
	if (s->h) {
		curl_multi_remove_handle(multi, s->h);
		curl_easy_cleanup(s->h);
	}
	curl_slist_free_all(stream_hl[slot]);
	stream_hl[slot] = NULL;
	free(s->data);
	memset(s, 0, sizeof(*s));
}

/* Drive the streams until s's data holds needle (or s ended): 1 when found. */
static int pump_until(struct stream *s, const char *needle, double timeout)
{
	double end = now_s() + timeout;
	while (now_s() < end) {
		int running;
		curl_multi_perform(multi, &running);
		CURLMsg *m;
		int q;
		while ((m = curl_multi_info_read(multi, &q)))
			if (m->msg == CURLMSG_DONE) {
				struct stream *x;
				curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
				x->done = 1;
				x->rc = m->data.result;
				curl_easy_getinfo(
				    m->easy_handle, CURLINFO_RESPONSE_CODE, &x->status);
			}
		if (needle && strstr(s->data, needle))
			return 1;
		if (s->done)
			return needle == NULL;
		curl_multi_poll(multi, NULL, 0, 50, NULL);
	}
	return 0;
}

/* Open a stream and see it start. A stream whose client left holds its place until a
 * keep-alive finds the client gone (KEEPALIVE_MS here), so a 503 is retried for a while. */
static void stream_start(struct stream *s, int slot, const char *path, const char *hdr)
{
	for (int i = 0; i < 50; i++) {
		stream_open(s, slot, path, hdr);
		if (pump_until(s, "retry: 3000\n\n", 10))
			return;
		assert_int_equal(s->status, 503);
		stream_close(s, slot);
		struct stream idle;
		memset(&idle, 0, sizeof(idle));
		idle.data = "";
		pump_until(&idle, "never", 0.1);
	}
	fail_msg("%s: no place for a stream", path);
}

/* The events of a stream's text: ids and data lines, in order. */
static size_t parse(const char *text, int64_t *id, char (*data)[600], size_t max)
{
	size_t n = 0;
	const char *p = text;
	while (n < max && (p = strstr(p, "id: ")) != NULL) {
		if (p != text && p[-1] != '\n') {
			p += 4;
			continue;
		}
		id[n] = strtoll(p + 4, NULL, 10);
		const char *ev = strstr(p, "\nevent: alert\ndata: ");
		assert_non_null(ev);
		ev += strlen("\nevent: alert\ndata: ");
		size_t l = strcspn(ev, "\n");
		assert_true(l < 600);
		memcpy(data[n], ev, l);
		data[n][l] = '\0';
		assert_int_equal(ev[l + 1], '\n'); /* one data line, then the blank line */
		n++;
		p = ev + l;
	}
	return n;
}

/* ---------------------------------------------------------------- tests */

static void test_alerts_api(void **state)
{
	struct stream r = get("GET", "/api/v1/alerts", NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.ctype, "application/json");
	json_object *o = json_tokener_parse(r.data), *items, *x, *v;
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "items", &items));
	assert_int_equal(json_object_array_length(items), 1); /* the open one */
	x = json_object_array_get_idx(items, 0);
	assert_true(json_object_object_get_ex(x, "alert_id", &v));
	assert_string_equal(json_object_get_string(v), "origin-hijack/192.0.2.0/24/AS64501");
	assert_true(json_object_object_get_ex(x, "id", &v));
	assert_int_equal(json_object_get_int64(v), ids[0]);
	assert_true(json_object_object_get_ex(x, "since", &v));
	assert_int_equal(json_object_get_int64(v), 1764670000);
	assert_true(json_object_object_get_ex(x, "severity_name", &v));
	assert_string_equal(json_object_get_string(v), "critical");
	assert_true(json_object_object_get_ex(x, "event", &v));
	assert_true(json_object_is_type(v, json_type_object));
	assert_true(json_object_object_get_ex(o, "last_event_id", &v));
	assert_int_equal(json_object_get_int64(v), ids[2]);
	json_object_put(o);
	free(r.data);
	/* all: both alerts, the newest first, each at its latest event */
	r = get("GET", "/api/v1/alerts?state=all&limit=10", NULL);
	assert_int_equal(r.status, 200);
	o = json_tokener_parse(r.data);
	assert_true(json_object_object_get_ex(o, "items", &items));
	assert_int_equal(json_object_array_length(items), 2);
	assert_true(json_object_object_get_ex(json_object_array_get_idx(items, 0), "state", &v));
	assert_string_equal(json_object_get_string(v), "resolved");
	assert_true(json_object_object_get_ex(json_object_array_get_idx(items, 0), "since", &v));
	assert_int_equal(json_object_get_int64(v), 1764670100);
	json_object_put(o);
	free(r.data);
	static const char *const bad[] = {
	    "/api/v1/alerts?state=closed", "/api/v1/alerts?limit=0", "/api/v1/alerts?x=1"};
	for (size_t i = 0; i < 3; i++) {
		r = get("GET", bad[i], NULL);
		assert_int_equal(r.status, 400);
		free(r.data);
	}
}

static void test_alerts_page(void **state)
{
	struct stream r = get("GET", "/alerts", NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.ctype, "text/html; charset=utf-8");
	assert_non_null(strstr(r.data, "<a href=\"/alerts\">Alerts</a>")); /* navigation */
	assert_non_null(strstr(r.data, "AS64501 originates 192.0.2.0/24"));
	assert_non_null(strstr(r.data, "A more-specific of 198.51.100.0/24 is gone"));
	assert_non_null(strstr(r.data, "&lt;seen by 2 peers&gt;")); /* escaped */
	assert_non_null(
	    strstr(r.data, "<time datetime=\"2025-12-02T10:06:40Z\">2025-12-02 10:06:40 UTC"));
	char want[64];
	snprintf(want, sizeof(want), "data-after=\"%lld\"", (long long)ids[2]);
	assert_non_null(strstr(r.data, want));
	/* open before resolved */
	assert_true(strstr(r.data, "AS64501 originates") < strstr(r.data, "Recently resolved"));
	assert_true(strstr(r.data, "is gone") > strstr(r.data, "Recently resolved"));
	/* its script is allowed (its own origin), no other page's is */
	assert_non_null(strstr(r.data, "<script src=\"/alerts.js\" defer></script>"));
	assert_non_null(strstr(r.csp, "script-src 'self'"));
	assert_non_null(strstr(r.csp, "connect-src 'self'"));
	free(r.data);
	r = get("GET", "/alerts", NULL); /* from the cache: the same policy */
	assert_non_null(strstr(r.csp, "script-src 'self'"));
	free(r.data);
	r = get("GET", "/search?q=x", NULL);
	assert_null(strstr(r.csp, "script-src"));
	free(r.data);
	r = get("GET", "/alerts.js", NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.ctype, "text/javascript; charset=utf-8");
	assert_non_null(strstr(r.data, "new EventSource('/api/v1/events?after='"));
	assert_null(strstr(r.data, "innerHTML"));
	free(r.data);
}

/* Replay after Last-Event-ID, then an event the monitor stores meanwhile, within seconds. */
static void test_events_replay_and_live(void **state)
{
	struct stream s;
	char hdr[64];
	snprintf(hdr, sizeof(hdr), "Last-Event-ID: %lld", (long long)ids[0]);
	/* the header wins over ?after= (a browser reconnecting keeps the URL) */
	stream_start(&s, 0, "/api/v1/events?after=0", hdr);
	char want[64];
	snprintf(want, sizeof(want), "id: %lld\n", (long long)ids[2]);
	assert_true(pump_until(&s, want, 10));
	assert_string_equal(s.ctype, "text/event-stream");
	assert_int_equal(strncmp(s.data, "retry: 3000\n\n", 13), 0);
	int64_t id[8];
	char data[8][600];
	assert_true(pump_until(&s, "is gone\"}\n\n", 10));
	size_t n = parse(s.data, id, data, 8);
	assert_int_equal(n, 2);
	assert_int_equal(id[0], ids[1]);
	assert_int_equal(id[1], ids[2]);
	json_object *o = json_tokener_parse(data[1]), *v;
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "state", &v));
	assert_string_equal(json_object_get_string(v), "resolved");
	json_object_put(o);
	/* the monitor stores a new event: it arrives */
	double t0 = now_s();
	int64_t nid = put_event("origin-hijack/192.0.2.0/24/AS64501", "updated", 1764670300,
	    "AS64501 originates 192.0.2.0/24, now seen by 5 peers");
	snprintf(want, sizeof(want), "id: %lld\n", (long long)nid);
	assert_true(pump_until(&s, want, 10));
	assert_true(pump_until(&s, "5 peers\"}\n\n", 10));
	double took = now_s() - t0;
	printf("events: a stored event reached the stream in %.0f ms\n", took * 1e3);
	assert_true(took < 5);
	n = parse(s.data, id, data, 8);
	assert_int_equal(n, 3);
	assert_int_equal(id[2], nid);
	stream_close(&s, 0);
}

/* No cursor: only what is stored after connecting; ?after=0: everything. */
static void test_events_new_only(void **state)
{
	struct stream s, all;
	stream_start(&s, 0, "/api/v1/events", NULL);
	stream_start(&all, 1, "/api/v1/events?after=0", NULL);
	int64_t nid = put_event("bogon-asn/AS64512", "opened", 1764670400, "Bogon AS64512");
	char want[64];
	snprintf(want, sizeof(want), "id: %lld\n", (long long)nid);
	assert_true(pump_until(&s, "Bogon AS64512\"}\n\n", 10));
	assert_true(pump_until(&all, "Bogon AS64512\"}\n\n", 10));
	int64_t id[8];
	char data[8][600];
	assert_int_equal(parse(s.data, id, data, 8), 1);
	assert_int_equal(id[0], nid);
	size_t n = parse(all.data, id, data, 8);
	assert_int_equal(n, 5);
	for (size_t i = 1; i < n; i++)
		assert_true(id[i] > id[i - 1]);
	assert_int_equal(id[0], ids[0]);
	stream_close(&s, 0);
	stream_close(&all, 1);
}

/* Two streams (the bound) wait on a server of one worker: other requests are served, a third
 * stream is refused, keep-alive comments come, and a stream whose client went away frees its
 * place once a keep-alive finds it gone. */
static void test_events_bound_keepalive(void **state)
{
	struct stream a, b;
	stream_start(&a, 0, "/api/v1/events", NULL);
	stream_start(&b, 1, "/api/v1/events", NULL);
	double t0 = now_s();
	struct stream r = get("GET", "/api/v1/alerts", NULL);
	assert_int_equal(r.status, 200);
	assert_true(now_s() - t0 < 5);
	free(r.data);
	r = get("GET", "/api/v1/events", NULL);
	assert_int_equal(r.status, 503);
	assert_string_equal(r.ctype, "application/json");
	assert_non_null(strstr(r.data, "\"too_many_streams\""));
	free(r.data);
	/* keep-alive comments on a quiet stream */
	assert_true(pump_until(&a, ": keepalive\n\n", 5));
	/* a leaves: its place is free again after a keep-alive or two */
	stream_close(&a, 0);
	int ok = 0;
	for (int i = 0; i < 40 && !ok; i++) {
		pump_until(&b, NULL, 0.1);
		struct stream c;
		stream_open(&c, 2, "/api/v1/events", NULL);
		pump_until(&c, "retry: 3000\n\n", 2);
		ok = strstr(c.data, "retry: 3000") != NULL;
		if (!ok)
			assert_int_equal(c.status, 503);
		stream_close(&c, 2);
	}
	assert_true(ok);
	stream_close(&b, 1);
}

static void test_events_errors_and_head(void **state)
{
	struct stream r = get("GET", "/api/v1/events?after=x", NULL);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.data, "after"));
	free(r.data);
	r = get("GET", "/api/v1/events", "Last-Event-ID: -3");
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.data, "Last-Event-ID"));
	free(r.data);
	r = get("HEAD", "/api/v1/events", NULL);
	assert_int_equal(r.rc, CURLE_OK);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.ctype, "text/event-stream");
	free(r.data);
}

/* ---------------------------------------------------------------- the program, as nobody */

static int free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), p = -1;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		p = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return p;
}

static int answers(int p)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
	    .sin_port = htons((uint16_t)p),
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

/* `routemark serve --user nobody` (privileges dropped, Landlock where the kernel has it) on the
 * store the monitor writes as root: a stream gets the replay and a new event. */
static void test_events_program_as_nobody(void **state)
{
	if (geteuid() != 0 || getpwnam("nobody") == NULL) {
		printf("SKIP: %s: needs root and the user nobody\n", __func__);
		skip();
	}
	assert_int_equal(chmod(dir, 0755), 0);
	char listen[64], errpath[400], hdr[64];
	int p = free_port();
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", p);
	snprintf(errpath, sizeof(errpath), "%s/stderr", dir);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0)
			dup2(fd, 2);
		/* LeakSanitizer cannot work in a sandboxed, undumpable process */
		setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
		execl(test_bin(), test_bin(), "serve", "--db", db, "--listen", listen, "--user",
		    "nobody", "--threads", "1", "--events-max", "4", (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	child = pid;
	int up = 0;
	for (int i = 0; i < 200 && !up; i++) { /* 20 s */
		up = answers(p);
		if (!up) {
			struct timespec ts = {0, 100 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
	assert_true(up);
	uint16_t own = port;
	port = (uint16_t)p;
	struct stream s;
	snprintf(hdr, sizeof(hdr), "Last-Event-ID: %lld", (long long)ids[1]);
	stream_start(&s, 0, "/api/v1/events", hdr);
	char want[64];
	snprintf(want, sizeof(want), "id: %lld\n", (long long)ids[2]);
	assert_true(pump_until(&s, want, 10));
	double t0 = now_s();
	int64_t nid = put_event("rpki-invalid/203.0.113.0/24/AS64503", "opened", 1764670500,
	    "203.0.113.0/24 from AS64503 is RPKI-invalid");
	assert_true(pump_until(&s, "RPKI-invalid\"}\n\n", 10));
	printf("events: as nobody, a stored event reached the stream in %.0f ms\n",
	    (now_s() - t0) * 1e3);
	int64_t id[16];
	char data[16][600];
	size_t n = parse(s.data, id, data, 16);
	assert_true(n >= 2);
	assert_int_equal(id[n - 1], nid);
	stream_close(&s, 0);
	struct stream r = get("GET", "/api/v1/alerts", NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.data, "RPKI-invalid"));
	free(r.data);
	port = own;
	int st = 0;
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	child = -1;
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* The server stops with a stream open: the stream ends, promptly. Runs last. */
static void test_events_stop(void **state)
{
	struct stream s;
	stream_start(&s, 0, "/api/v1/events", NULL);
	pump_until(&s, "never", 0.5); /* let it wait, suspended */
	double t0 = now_s();
	serve_stop(sv, 2000);
	sv = NULL;
	double took = now_s() - t0;
	printf("events: stopped with a stream open in %.0f ms\n", took * 1e3);
	assert_true(took < 2.5);
	assert_true(pump_until(&s, NULL, 5));
	assert_true(s.done);
	stream_close(&s, 0);
	curl_multi_cleanup(multi);
	multi = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alerts_api),
	    cmocka_unit_test(test_alerts_page),
	    cmocka_unit_test(test_events_replay_and_live),
	    cmocka_unit_test(test_events_new_only),
	    cmocka_unit_test(test_events_bound_keepalive),
	    cmocka_unit_test(test_events_errors_and_head),
	    cmocka_unit_test(test_events_program_as_nobody),
	    cmocka_unit_test(test_events_stop),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
