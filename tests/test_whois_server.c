/*
 * The whois server under load, in-process: a huge and deep as-set (100,000 ASNs, each with a
 * route; a chain of 50 sets above a third of them). One client pipelining hundreds of deep
 * expansions does not stall another client's simple query (round robin, one query per
 * client per turn); a client that reads nothing has a bounded amount of output pending and is
 * disconnected after the idle timeout; an answer larger than the pending limit is refused
 * with an "F" error and the session goes on.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>

#include "testutil.h"
#include "irr/irr.h"

#define NSUB 200   /* AS-H0 .. AS-H199 */
#define PERSUB 500 /* ASNs per sub-set */
#define DEEP 50    /* AS-DEEP0 -> ... -> AS-DEEP49 -> AS-H0..AS-H59 */
#define LIMIT (1u << 20)

static char dir[64];
static struct irr_db db;
static struct whois_server srv;
static pthread_t th;
static int stop_pipe[2] = {-1, -1};
static int port;

static int free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0)
		return -1;
	close(fd);
	return ntohs(a.sin_port);
}

static int dial(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
	    .sin_port = htons((uint16_t)port),
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
		return fd;
	if (fd >= 0)
		close(fd);
	return -1;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *run(void *arg)
{
	whois_server_run(&srv, stop_pipe[0]);
	return NULL;
}

static int write_fixture(const char *path)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "as-set: AS-HUGE\nmembers: ");
	for (int k = 0; k < NSUB; k++)
		fprintf(f, "%sAS-H%d", k ? ", " : "", k);
	fprintf(f, "\nsource: TEST\n\n");
	for (int k = 0; k < NSUB; k++) {
		fprintf(f, "as-set: AS-H%d\nmembers: ", k);
		for (int j = 0; j < PERSUB; j++)
			fprintf(
			    f, "%sAS%u", j ? ", " : "", 4200000000u + (unsigned)(k * PERSUB + j));
		fprintf(f, "\nsource: TEST\n\n");
	}
	for (int d = 0; d < DEEP; d++) {
		fprintf(f, "as-set: AS-DEEP%d\nmembers: AS%u", d, 4210000000u + (unsigned)d);
		if (d + 1 < DEEP)
			fprintf(f, ", AS-DEEP%d", d + 1);
		else
			for (int k = 0; k < 60; k++)
				fprintf(f, ", AS-H%d", k);
		fprintf(f, "\nsource: TEST\n\n");
	}
	for (int i = 0; i < NSUB * PERSUB; i++)
		fprintf(f, "route: 10.%d.%d.0/24\norigin: AS%u\nsource: TEST\n\n", i >> 16,
		    (i >> 8) & 255, 4200000000u + (unsigned)i);
	fprintf(f, "route: 192.0.2.0/24\norigin: AS64500\nsource: TEST\n\n");
	return fclose(f);
}

static int setup(void **state)
{
	char path[128];
	snprintf(dir, sizeof(dir), "/tmp/routemark-whois-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/huge.db", dir);
	if (write_fixture(path) != 0)
		return -1;
	struct irr_load_stats st;
	irr_db_init(&db);
	if (irr_db_load(&db, path, &st) != 0)
		return -1;
	char addr[64];
	port = free_port();
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	if (whois_server_listen(&srv, &db, addr) != 0)
		return -1;
	srv.max_pending = LIMIT;
	srv.idle_timeout = 2;
	if (pipe(stop_pipe) != 0)
		return -1;
	return pthread_create(&th, NULL, run, NULL);
}

static int teardown(void **state)
{
	char cmd[128];
	if (write(stop_pipe[1], "x", 1) != 1)
		return -1;
	pthread_join(th, NULL);
	whois_server_close(&srv);
	irr_db_free(&db);
	close(stop_pipe[0]);
	close(stop_pipe[1]);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void send_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
		assert_true(w > 0);
		s += w;
		n -= (size_t)w;
	}
}

/* Read one IRRd answer ("A<n>\n<n bytes>C\n", "C\n", "D\n" or "F ...\n") into out. */
static size_t read_answer(int fd, char *out, size_t size, double timeout)
{
	size_t len = 0, want = 0;
	double t0 = now_s();
	while (now_s() - t0 < timeout) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 100) <= 0)
			continue;
		ssize_t r = recv(fd, out + len, size - len - 1, 0);
		if (r <= 0)
			break;
		len += (size_t)r;
		out[len] = '\0';
		char *nl = memchr(out, '\n', len);
		if (nl == NULL)
			continue;
		if (out[0] != 'A')
			return len;
		if (want == 0)
			want = (size_t)(nl - out) + 1 + strtoul(out + 1, NULL, 10) + 2;
		if (len >= want)
			return len;
	}
	return len;
}

/* A client that reads everything it gets, counting answers, until told to stop. */
struct drainer {
	int fd;
	volatile int stop;
	size_t bytes;
};

static void *drain(void *arg)
{
	struct drainer *d = arg;
	char buf[65536];
	while (!d->stop) {
		struct pollfd p = {.fd = d->fd, .events = POLLIN};
		if (poll(&p, 1, 50) <= 0)
			continue;
		ssize_t r = recv(d->fd, buf, sizeof(buf), 0);
		if (r <= 0)
			break;
		d->bytes += (size_t)r;
	}
	return NULL;
}

/* A simple query is answered promptly while another client pipelines deep expansions. */
static void test_fair(void **state)
{
	char out[1 << 16];
	static char big[8 << 20];
	/* the cost of one deep expansion, alone */
	int a = dial();
	assert_true(a >= 0);
	double t0 = now_s();
	send_all(a, "!!\n!iAS-DEEP0,1\n", 16);
	size_t n = read_answer(a, big, sizeof(big), 30);
	double one = now_s() - t0;
	assert_true(n > 100000);
	assert_int_equal(big[0], 'A');
	/* then 300 of them pipelined, read as they come */
	static char flood[300 * 16];
	size_t fl = 0;
	for (int i = 0; i < 300; i++)
		fl += (size_t)snprintf(flood + fl, sizeof(flood) - fl, "!iAS-DEEP0,1\n");
	struct drainer d = {.fd = a};
	pthread_t dt;
	assert_int_equal(pthread_create(&dt, NULL, drain, &d), 0);
	send_all(a, flood, fl);
	struct timespec ts = {0, 100 * 1000 * 1000};
	nanosleep(&ts, NULL); /* the flood is being answered */
	int b = dial();
	assert_true(b >= 0);
	t0 = now_s();
	send_all(b, "!gAS64500\n", 10);
	n = read_answer(b, out, sizeof(out), 60);
	double waited = now_s() - t0;
	printf("one deep expansion %.1f ms; a simple query behind a flood of 300: %.1f ms\n",
	    one * 1e3, waited * 1e3);
	assert_true(n > 0);
	assert_string_equal(out, "A13\n192.0.2.0/24\nC\n");
	/* at most a few expansions ahead of it, not the flood (300 of them) */
	assert_true(waited < 5 * one + 1.0);
	close(b);
	d.stop = 1;
	pthread_join(dt, NULL);
	assert_true(d.bytes > 0);
	close(a);
}

/* An answer above the pending limit is refused with an error; the session goes on. */
static void test_too_large(void **state)
{
	static char out[4 << 20];
	int c = dial();
	assert_true(c >= 0);
	uint64_t refused = srv.refused;
	send_all(c, "!!\n!iAS-HUGE,1\n", 15);
	size_t n = read_answer(c, out, sizeof(out), 30);
	assert_true(n > 0);
	assert_memory_equal(out, "F Response too large", 20);
	assert_int_equal(srv.refused, refused + 1);
	send_all(c, "!gAS64500\n", 10);
	n = read_answer(c, out, sizeof(out), 30);
	assert_string_equal(out, "A13\n192.0.2.0/24\nC\n");
	close(c);
}

/* A client that pipelines queries and reads nothing: its pending output stays bounded and
 * it is disconnected after the idle timeout (2 s here); the server still answers others. */
static void test_not_reading(void **state)
{
	int c = dial();
	assert_true(c >= 0);
	int small = 4096;
	setsockopt(c, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	static char flood[200 * 16];
	size_t fl = (size_t)snprintf(flood, sizeof(flood), "!!\n");
	for (int i = 0; i < 200; i++)
		fl += (size_t)snprintf(flood + fl, sizeof(flood) - fl, "!iAS-DEEP0,1\n");
	uint64_t dropped = srv.dropped;
	send_all(c, flood, fl);
	double t0 = now_s();
	while (srv.dropped == dropped && now_s() - t0 < 20) {
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	printf("not reading: dropped after %.1f s, peak pending %zu bytes\n", now_s() - t0,
	    srv.peak_pending);
	assert_int_equal(srv.dropped, dropped + 1);
	assert_true(srv.peak_pending <= LIMIT);
	close(c);
	int b = dial();
	char out[256];
	send_all(b, "!gAS64500\n", 10);
	read_answer(b, out, sizeof(out), 10);
	assert_string_equal(out, "A13\n192.0.2.0/24\nC\n");
	close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fair),
	    cmocka_unit_test(test_too_large),
	    cmocka_unit_test(test_not_reading),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
