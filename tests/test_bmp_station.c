/*
 * The BMP station (src/bmp/station.c) and MRT replay (src/bmp/replay.c): the station runs
 * in-process on 127.0.0.1 port 0 and forked clients replay the real captures of
 * ../shared/data/bmp over TCP in small random chunks, several at once from their own loopback
 * addresses; the state must equal `routemark monitor --bmp-file` on the same bytes, route for
 * route. A garbage-sending client is dropped while a good one goes on, a silent one after the
 * idle timeout, a blasting one never grows the buffer past its bound; --connect reaches a test
 * listener and reconnects. The MRT replay of a real update file equals the routes applied in
 * order by an independent model, and --speed paces it. The routemark binary is run too,
 * stopped by SIGTERM, its --rib-out checked.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "testutil.h"

#include "bmp/bmp.h"

#define FRR "bmp/frr-8.4.4_exabgp_pre-post-policy.bmp"
#define GOBGP "bmp/gobgp-3.10_pre-post-policy_loc-rib.bmp"
#define UPDATES "mrt/bgpdump__updates.20020722.2238.gz"

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *b = malloc((size_t)n + 1);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	b[n] = 0;
	*len = (size_t)n;
	return b;
}

/* ------------------------------------------------------------ captures */

static void on_msg(void *arg, const struct bmp_msg *m, const struct mrt_route *rt)
{
	uint64_t *off = arg;
	if (rt == NULL && m->type == BMP_PEER_DOWN)
		*off = m->offset;
}

/* The capture up to its last Peer Down: the routes still held there (the captures end with
 * their peers down, so their final states are empty). */
static uint8_t *capture_live(const char *rel, size_t *len)
{
	const char *path = test_data_path(rel);
	assert_non_null(path);
	uint8_t *b = slurp(path, len);
	uint64_t off = 0;
	struct bmp_parser_opts po = {.source = rel, .quiet = 1};
	struct bmp_parser *p = bmp_parser_new(&po, on_msg, &off);
	assert_int_equal(bmp_parser_feed(p, b, *len), 0);
	bmp_parser_free(p);
	assert_true(off > 1000);
	*len = (size_t)off;
	return b;
}

/* `routemark monitor --bmp-file` on the bytes, the router named name: its --rib-out. */
static char *file_rib(const uint8_t *data, size_t len, const char *name)
{
	char in[] = "/tmp/rm_station_inXXXXXX", out[64];
	int fd = mkstemp(in);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	snprintf(out, sizeof(out), "%s.json", in);
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
	    "%s monitor --bmp-file %s --router-name %s --rib-out %s >/dev/null", test_bin(), in,
	    name, out);
	assert_int_equal(system(cmd), 0);
	size_t n;
	char *s = (char *)slurp(out, &n);
	unlink(in);
	unlink(out);
	return s;
}

static char *rib_json(const struct bmp_rib *rib)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);
	assert_int_equal(bmp_rib_write_json(rib, f), 0);
	fclose(f);
	return s;
}

static size_t lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* ------------------------------------------------------------ clients */

/* The write end of the current hold pipe: a child closes its copy, or its own read of the
 * pipe would never see the end. */
static int hold_w = -1;

static void hold_pipe(int p[2])
{
	assert_int_equal(pipe(p), 0);
	hold_w = p[1];
}

static void child_begin(void)
{
	if (hold_w >= 0)
		close(hold_w);
}

/* A client process: connects from src (a loopback address) to port, sends data in random
 * chunks of 1..maxchunk bytes (repeated times), then waits for hold to close (when hold >=
 * 0) before closing. */
static pid_t client(const char *src, unsigned port, const uint8_t *data, size_t len, int times,
    size_t maxchunk, int hold)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid > 0)
		return pid;
	child_begin();
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET};
	inet_pton(AF_INET, src, &a.sin_addr);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		_exit(2);
	a.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		_exit(3);
	srand((unsigned)getpid());
	for (int t = 0; t < times; t++)
		for (size_t off = 0; off < len;) {
			size_t n = 1 + (size_t)rand() % maxchunk;
			if (n > len - off)
				n = len - off;
			ssize_t w = write(fd, data + off, n);
			if (w <= 0)
				_exit(4);
			off += (size_t)w;
		}
	if (hold >= 0) {
		char c;
		while (read(hold, &c, 1) > 0)
			;
	}
	close(fd);
	_exit(0);
}

static void reap(pid_t pid)
{
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

typedef int (*cond_fn)(const struct bmp_station_stats *s, void *arg);

/* Run the station until cond holds (at most 20 s). */
static void run_until(struct bmp_station *st, cond_fn cond, void *arg)
{
	double end = clock_mono() + 20;
	struct bmp_station_stats s;
	for (;;) {
		bmp_station_stats(st, &s);
		if (cond(&s, arg))
			return;
		assert_true(clock_mono() < end);
		assert_int_equal(bmp_station_poll(st, 50), 0);
	}
}

static int bytes_at_least(const struct bmp_station_stats *s, void *arg)
{
	return s->bytes >= *(uint64_t *)arg;
}

static int no_routers(const struct bmp_station_stats *s, void *arg)
{
	return s->routers == 0 && s->accepted + s->connected > 0;
}

/* The route hook: changes seen, by kind. */
static uint64_t hook_announce, hook_withdraw;

static void on_route(void *arg, const char *router, enum bmp_view view, const struct bmp_peer *peer,
    const struct mrt_route *rt)
{
	assert_true(strncmp(router, "127.0.0.", 8) == 0);
	assert_true(view < BMP_VIEWS);
	assert_non_null(peer);
	if (rt->kind == MRT_ROUTE_ANNOUNCE)
		hook_announce++;
	else if (rt->kind == MRT_ROUTE_WITHDRAW)
		hook_withdraw++;
}

static struct bmp_station *station(struct bmp_rib *rib, double idle, size_t buf_max)
{
	hook_announce = hook_withdraw = 0;
	struct bmp_station_opts o = {.listen = "127.0.0.1:0",
	    .idle_timeout = idle,
	    .buf_max = buf_max,
	    .quiet = 1,
	    .on_route = on_route};
	struct bmp_station *st = bmp_station_new(&o, rib);
	assert_non_null(st);
	assert_true(bmp_station_port(st) > 0);
	printf("station listening on 127.0.0.1:%u\n", bmp_station_port(st));
	return st;
}

/* ------------------------------------------------------------ tests */

/* Three routers at once (FRR, GoBGP, FRR again) in random chunks of up to 300 bytes: the
 * state is that of monitor --bmp-file on the same bytes, route for route; when they close,
 * their routes are flushed. */
static void test_captures_over_tcp(void **state)
{
	size_t lf, lg;
	uint8_t *frr = capture_live(FRR, &lf), *gob = capture_live(GOBGP, &lg);
	struct bmp_rib *rib = bmp_rib_new();
	struct bmp_station *st = station(rib, 0, 0);
	int hold[2];
	hold_pipe(hold);
	double t0 = clock_mono();
	pid_t p1 = client("127.0.0.2", bmp_station_port(st), frr, lf, 1, 300, hold[0]);
	pid_t p2 = client("127.0.0.3", bmp_station_port(st), gob, lg, 1, 300, hold[0]);
	pid_t p3 = client("127.0.0.4", bmp_station_port(st), frr, lf, 1, 300, hold[0]);
	close(hold[0]);
	uint64_t total = 2 * lf + lg;
	run_until(st, bytes_at_least, &total);
	double secs = clock_mono() - t0;

	struct bmp_station_stats s;
	bmp_station_stats(st, &s);
	assert_int_equal(s.routers, 3);
	assert_int_equal(s.accepted, 3);
	assert_int_equal(s.bytes, total);
	assert_int_equal(s.malformed, 0);
	printf("3 routers, %llu messages, %llu bytes in %.3f s over TCP\n",
	    (unsigned long long)s.messages, (unsigned long long)s.bytes, secs);

	char *got = rib_json(rib);
	char *e1 = file_rib(frr, lf, "127.0.0.2"), *e2 = file_rib(gob, lg, "127.0.0.3"),
	     *e3 = file_rib(frr, lf, "127.0.0.4");
	size_t n = strlen(e1) + strlen(e2) + strlen(e3) + 1;
	char *want = malloc(n);
	snprintf(want, n, "%s%s%s", e1, e2, e3);
	assert_true(lines(e1) > 500 && lines(e2) > 500);
	assert_string_equal(got, want);
	printf("state: %zu routes, equal to monitor --bmp-file\n", lines(got));

	struct bmp_rib_stats rs;
	bmp_rib_stats(rib, &rs);
	size_t held = rs.routes;
	assert_int_equal(hook_announce, rs.announces); /* the hook saw every change */
	assert_int_equal(hook_withdraw, rs.withdraws);
	close(hold[1]); /* the clients close */
	run_until(st, no_routers, NULL);
	bmp_station_stats(st, &s);
	bmp_rib_stats(rib, &rs);
	assert_int_equal(s.closed, 3);
	assert_int_equal(rs.routes, 0);
	assert_int_equal(s.flushed, held);
	reap(p1), reap(p2), reap(p3);
	bmp_station_free(st);
	bmp_rib_free(rib);
	free(got), free(want), free(e1), free(e2), free(e3), free(frr), free(gob);
}

static int garbage_done(const struct bmp_station_stats *s, void *arg)
{
	return s->dropped_error >= 1 && s->bytes >= *(uint64_t *)arg;
}

/* A client sending garbage is dropped; a good one alongside goes on to the end. */
static void test_garbage_dropped(void **state)
{
	size_t lf;
	uint8_t *frr = capture_live(FRR, &lf);
	uint8_t junk[4096];
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 7 + 0x55);
	struct bmp_rib *rib = bmp_rib_new();
	struct bmp_station *st = station(rib, 0, 0);
	int hold[2];
	hold_pipe(hold);
	pid_t bad = client("127.0.0.5", bmp_station_port(st), junk, sizeof(junk), 1, 512, hold[0]);
	pid_t good = client("127.0.0.6", bmp_station_port(st), frr, lf, 1, 200, hold[0]);
	close(hold[0]);
	uint64_t want = lf;
	run_until(st, garbage_done, &want);
	struct bmp_station_stats s;
	bmp_station_stats(st, &s);
	assert_int_equal(s.dropped_error, 1);
	assert_int_equal(s.routers, 1);
	char *got = rib_json(rib), *exp = file_rib(frr, lf, "127.0.0.6");
	assert_string_equal(got, exp);
	close(hold[1]);
	run_until(st, no_routers, NULL);
	reap(good);
	int status;
	assert_int_equal(waitpid(bad, &status, 0), bad); /* its socket was closed under it */
	bmp_station_free(st);
	bmp_rib_free(rib);
	free(got), free(exp), free(frr);
}

static int idle_dropped(const struct bmp_station_stats *s, void *arg)
{
	return s->dropped_idle >= 1;
}

/* A router that sends part of a message and stalls is dropped after the idle timeout. */
static void test_idle_timeout(void **state)
{
	size_t lf;
	uint8_t *frr = capture_live(FRR, &lf);
	struct bmp_rib *rib = bmp_rib_new();
	struct bmp_station *st = station(rib, 0.3, 0);
	int hold[2];
	hold_pipe(hold);
	double t0 = clock_mono();
	pid_t p = client("127.0.0.7", bmp_station_port(st), frr, 1000, 1, 100, hold[0]);
	close(hold[0]);
	run_until(st, idle_dropped, NULL);
	double secs = clock_mono() - t0;
	struct bmp_station_stats s;
	bmp_station_stats(st, &s);
	assert_int_equal(s.routers, 0);
	assert_int_equal(s.dropped_idle, 1);
	assert_true(secs >= 0.3);
	assert_true(secs < 5);
	struct bmp_rib_stats rs;
	bmp_rib_stats(rib, &rs);
	assert_int_equal(rs.routes, 0);
	close(hold[1]);
	reap(p);
	bmp_station_free(st);
	bmp_rib_free(rib);
	free(frr);
}

static int closed_one(const struct bmp_station_stats *s, void *arg)
{
	return s->closed >= 1;
}

/* A client blasting 60 copies of a capture at a station with a 64 KiB buffer: every byte is
 * parsed, the buffer never held more than its bound, reads stopped at the bound (the rest
 * waited in the kernel). */
static void test_buffer_bound(void **state)
{
	REQUIRE_DATA(path, FRR);
	size_t lf;
	uint8_t *frr = slurp(path, &lf);
	struct bmp_rib *rib = bmp_rib_new();
	struct bmp_station *st = station(rib, 0, 64 * 1024);
	double t0 = clock_mono();
	pid_t p = client("127.0.0.8", bmp_station_port(st), frr, lf, 60, 65536, -1);
	run_until(st, closed_one, NULL);
	double secs = clock_mono() - t0;
	struct bmp_station_stats s;
	bmp_station_stats(st, &s);
	assert_int_equal(s.bytes, 60 * (uint64_t)lf);
	assert_int_equal(s.malformed, 0);
	assert_int_equal(s.buf_max, 64 * 1024);
	assert_true(s.buf_peak <= 64 * 1024);
	assert_true(s.buf_peak > 0);
	assert_true(s.buf_full > 0);
	printf("blast: %llu messages, %llu bytes in %.3f s (%.0f messages/s); buffer peak %zu of "
	       "%zu, %llu reads stopped at the bound\n",
	    (unsigned long long)s.messages, (unsigned long long)s.bytes, secs,
	    (double)s.messages / secs, s.buf_peak, s.buf_max, (unsigned long long)s.buf_full);
	reap(p);
	bmp_station_free(st);
	bmp_rib_free(rib);
	free(frr);
}

/* A test listener the station connects to: the first session sends a, waits for hold to
 * close, closes; the second (the reconnect) sends b and waits for the station to close. */
static pid_t router_listener(
    int lfd, const uint8_t *a, size_t la, const uint8_t *b, size_t lb, int hold)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid > 0)
		return pid;
	child_begin();
	int fd = accept(lfd, NULL, NULL);
	if (fd < 0 || write(fd, a, la) != (ssize_t)la)
		_exit(2);
	char c;
	while (read(hold, &c, 1) > 0)
		;
	close(fd);
	fd = accept(lfd, NULL, NULL);
	if (fd < 0 || write(fd, b, lb) != (ssize_t)lb)
		_exit(3);
	while (read(fd, &c, 1) > 0)
		;
	_exit(0);
}

static int sessions_at_least(const struct bmp_station_stats *s, void *arg)
{
	uint64_t *want = arg; /* sessions, bytes */
	return s->connected >= want[0] && s->bytes >= want[1] && s->routers == 1;
}

static void test_connect_out(void **state)
{
	size_t lf, lg;
	uint8_t *frr = capture_live(FRR, &lf), *gob = capture_live(GOBGP, &lg);
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(lfd, 4), 0);
	socklen_t sl = sizeof(a);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &sl), 0);
	char target[64];
	snprintf(target, sizeof(target), "127.0.0.1:%u", ntohs(a.sin_port));
	int hold[2];
	hold_pipe(hold);
	pid_t p = router_listener(lfd, frr, lf, gob, lg, hold[0]);
	close(hold[0]);

	const char *targets[] = {target};
	struct bmp_rib *rib = bmp_rib_new();
	struct bmp_station_opts o = {
	    .connect = targets, .nconnect = 1, .backoff_min = 0.05, .quiet = 1};
	struct bmp_station *st = bmp_station_new(&o, rib);
	assert_non_null(st);
	uint64_t want[2] = {1, lf};
	run_until(st, sessions_at_least, want);
	char *got = rib_json(rib), *exp = file_rib(frr, lf, "127.0.0.1");
	assert_string_equal(got, exp);
	free(got), free(exp);

	close(hold[1]); /* the router closes; the station reconnects, gets the other capture */
	want[0] = 2, want[1] = lf + lg;
	run_until(st, sessions_at_least, want);
	struct bmp_station_stats s;
	bmp_station_stats(st, &s);
	assert_int_equal(s.closed, 1);
	got = rib_json(rib), exp = file_rib(gob, lg, "127.0.0.1");
	assert_string_equal(got, exp); /* started fresh: nothing of the first session */
	bmp_station_free(st);
	reap(p);
	close(lfd);
	bmp_rib_free(rib);
	free(got), free(exp), free(frr), free(gob);
}

/* ------------------------------------------------------------ MRT replay */

struct ev {
	char key[160];
	char val[1024];
	int announce;
	size_t seq;
};

static int ev_cmp(const void *pa, const void *pb)
{
	const struct ev *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);
	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void path_text(char *buf, size_t size, const uint32_t *w, uint32_t n)
{
	size_t o = 0;
	buf[0] = 0;
	for (uint32_t i = 0; i < n && o + 12 < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%x.", w[i]);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The model: each (peer, prefix, path id) holds its last event's path when an announcement. */
static char **model_state(const char *path, size_t *count)
{
	struct mrt_options mo = {.quiet = 1};
	struct mrt_reader *r = mrt_reader_open(path, &mo);
	assert_non_null(r);
	struct ev *ev = NULL;
	size_t n = 0, cap = 0;
	struct mrt_route rt;
	while (mrt_reader_next_route(r, &rt) == 1) {
		if (rt.kind == MRT_ROUTE_STATE)
			assert_false(rt.old_state == 6 && rt.new_state != 6); /* no session ends */
		if (rt.kind != MRT_ROUTE_ANNOUNCE && rt.kind != MRT_ROUTE_WITHDRAW)
			continue;
		if (n == cap)
			ev = realloc(ev, (cap = cap ? cap * 2 : 1024) * sizeof(*ev));
		struct ev *e = &ev[n];
		char peer[64], pfx[64];
		inet_ntop(
		    rt.peer.afi == AFI_IPV6 ? AF_INET6 : AF_INET, rt.peer.addr, peer, sizeof(peer));
		prefix_format(&rt.prefix, pfx, sizeof(pfx));
		snprintf(e->key, sizeof(e->key), "%s AS%u %s %u", peer, rt.peer.asn, pfx,
		    rt.has_path_id ? rt.path_id : 0);
		e->announce = rt.kind == MRT_ROUTE_ANNOUNCE && rt.attrs;
		e->val[0] = 0;
		if (e->announce)
			path_text(
			    e->val, sizeof(e->val), rt.attrs->aspath, rt.attrs->aspath_nwords);
		e->seq = n++;
	}
	mrt_reader_close(r);
	qsort(ev, n, sizeof(*ev), ev_cmp);
	char **out = calloc(n + 1, sizeof(*out));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && strcmp(ev[i].key, ev[i + 1].key) == 0)
			continue; /* not the last event of its key */
		if (!ev[i].announce)
			continue;
		size_t len = strlen(ev[i].key) + strlen(ev[i].val) + 2;
		out[k] = malloc(len);
		snprintf(out[k++], len, "%s %s", ev[i].key, ev[i].val);
	}
	free(ev);
	qsort(out, k, sizeof(*out), str_cmp);
	*count = k;
	return out;
}

struct collect {
	char **v;
	size_t n, cap;
};

static int collect_route(const struct bmp_rib_entry *e, void *arg)
{
	struct collect *c = arg;
	char peer[64], pfx[64], path[1024], line[1300];
	assert_int_equal(e->view, BMP_VIEW_PRE);
	assert_string_equal(e->router, "mrt");
	bmp_peer_addr_format(e->peer, peer, sizeof(peer));
	prefix_format(&e->prefix, pfx, sizeof(pfx));
	path_text(path, sizeof(path), bmp_attrs_path(e->attrs), e->attrs->npath);
	snprintf(line, sizeof(line), "%s AS%u %s %u %s", peer, e->peer->asn, pfx,
	    e->has_path_id ? e->path_id : 0, path);
	if (c->n == c->cap)
		c->v = realloc(c->v, (c->cap = c->cap ? c->cap * 2 : 1024) * sizeof(*c->v));
	c->v[c->n++] = strdup(line);
	return 0;
}

static void test_mrt_replay_state(void **state)
{
	REQUIRE_DATA(path, UPDATES);
	size_t nm;
	char **model = model_state(path, &nm);
	struct bmp_rib *rib = bmp_rib_new();
	const char *files[] = {path};
	struct bmp_replay_opts o = {.files = files, .nfiles = 1, .quiet = 1};
	struct bmp_replay_stats rs;
	assert_int_equal(bmp_replay(rib, &o, &rs), 0);
	struct collect c = {0};
	bmp_rib_walk(rib, collect_route, &c);
	qsort(c.v, c.n, sizeof(*c.v), str_cmp);
	printf("replay: %llu routes applied, %zu held; the model holds %zu\n",
	    (unsigned long long)rs.routes, c.n, nm);
	assert_true(nm > 100);
	assert_int_equal(c.n, nm);
	for (size_t i = 0; i < nm; i++)
		assert_string_equal(c.v[i], model[i]);
	for (size_t i = 0; i < nm; i++)
		free(model[i]), free(c.v[i]);
	free(model), free(c.v);
	bmp_rib_free(rib);
}

/* Two files merged by time equal the routes of both applied in time order; --speed paces:
 * the update file spans 892 s, at 2000 x it takes about 0.45 s. */
static void test_mrt_speed(void **state)
{
	REQUIRE_DATA(path, UPDATES);
	struct bmp_rib *rib = bmp_rib_new();
	const char *files[] = {path};
	struct bmp_replay_opts o = {.files = files, .nfiles = 1, .speed = 2000, .quiet = 1};
	struct bmp_replay_stats rs;
	double t0 = clock_mono();
	assert_int_equal(bmp_replay(rib, &o, &rs), 0);
	double secs = clock_mono() - t0;
	double want = (double)(rs.last_ts - rs.first_ts) / 2000;
	printf("speed 2000: %u s of records in %.3f s (expected %.3f)\n", rs.last_ts - rs.first_ts,
	    secs, want);
	assert_true(want > 0.3);
	assert_true(secs >= want - 0.01);
	assert_true(secs < want + 2);
	bmp_rib_free(rib);
}

/* ------------------------------------------------------------ the binary */

/* routemark monitor --listen 127.0.0.1:0: the port read from its stderr, a capture sent,
 * SIGTERM: the --rib-out it writes equals monitor --bmp-file's. */
static void test_binary_sigterm(void **state)
{
	size_t lf;
	uint8_t *frr = capture_live(FRR, &lf);
	char out[] = "/tmp/rm_station_outXXXXXX";
	int ofd = mkstemp(out);
	assert_true(ofd >= 0);
	close(ofd);
	int errp[2];
	assert_int_equal(pipe(errp), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(errp[1], 2);
		int dn = open("/dev/null", O_WRONLY);
		dup2(dn, 1);
		execl(test_bin(), "routemark", "monitor", "--listen", "127.0.0.1:0", "--rib-out",
		    out, "--duration", "30", (char *)NULL);
		_exit(127);
	}
	close(errp[1]);
	char buf[512];
	size_t n = 0;
	unsigned port = 0;
	while (n + 1 < sizeof(buf)) { /* bounded: the child exits after 30 s at most */
		ssize_t r = read(errp[0], buf + n, sizeof(buf) - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
		buf[n] = 0;
		const char *p = strstr(buf, "(port ");
		if (p && strchr(p, ')')) {
			port = (unsigned)atoi(p + 6);
			break;
		}
	}
	assert_true(port > 0);
	int hold[2];
	hold_pipe(hold);
	int sent[2];
	assert_int_equal(pipe(sent), 0);
	pid_t c = fork();
	if (c == 0) { /* sends, tells, holds the session open */
		child_begin();
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
		inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
		    write(fd, frr, lf) != (ssize_t)lf)
			_exit(2);
		if (write(sent[1], "x", 1) != 1)
			_exit(3);
		char ch;
		while (read(hold[0], &ch, 1) > 0)
			;
		_exit(0);
	}
	close(hold[0]);
	close(sent[1]);
	char ch;
	assert_int_equal(read(sent[0], &ch, 1), 1); /* all bytes are in the station's socket */
	assert_int_equal(kill(pid, SIGTERM), 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(hold[1]);
	reap(c);
	size_t len;
	char *got = (char *)slurp(out, &len), *exp = file_rib(frr, lf, "127.0.0.1");
	assert_true(lines(exp) > 500);
	assert_string_equal(got, exp);
	unlink(out);
	close(errp[0]);
	close(sent[0]);
	free(got), free(exp), free(frr);
}

/* monitor --mrt FILE --db: the window (its update-stream changes and the final state) stored
 * as an engine snapshot, read back by routemark summary: the same routes and ASes as
 * routemark analyze of the file. */
static void test_mrt_snapshot_db(void **state)
{
	REQUIRE_DATA(path, UPDATES);
	char db[] = "/tmp/rm_station_dbXXXXXX";
	int fd = mkstemp(db);
	assert_true(fd >= 0);
	close(fd);
	unlink(db);
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "%s monitor --mrt %s --db %s", test_bin(), path, db);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char line[512];
	int stored = 0;
	while (fgets(line, sizeof(line), p))
		stored |= strstr(line, "snapshot of 534 routes held and 3244 pre-policy changes "
		                       "stored") != NULL;
	assert_int_equal(pclose(p), 0);
	assert_true(stored);
	snprintf(cmd, sizeof(cmd), "%s summary --db %s", test_bin(), db);
	p = popen(cmd, "r");
	assert_non_null(p);
	int routes = 0;
	while (fgets(line, sizeof(line), p))
		routes |=
		    strncmp(line, "599 routes (598 IPv4 and 0 IPv6 prefixes), 217 ASes", 51) == 0;
	assert_int_equal(pclose(p), 0);
	assert_true(routes);
	unlink(db);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_captures_over_tcp),
	    cmocka_unit_test(test_garbage_dropped),
	    cmocka_unit_test(test_idle_timeout),
	    cmocka_unit_test(test_buffer_bound),
	    cmocka_unit_test(test_connect_out),
	    cmocka_unit_test(test_mrt_replay_state),
	    cmocka_unit_test(test_mrt_speed),
	    cmocka_unit_test(test_binary_sigterm),
	    cmocka_unit_test(test_mrt_snapshot_db),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
