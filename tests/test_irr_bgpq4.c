/*
 * irr serve against the real client: Debian's bgpq4 asks `routemark irr serve` for the
 * prefix lists of as-sets and ASNs (IPv4 and IPv6), and its lists must equal routemark's
 * own `irr prefixes` output. Also: several clients at once, bad queries, SIGTERM.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "testutil.h"
#include "irr_fixture.h"

static char dir[64], files[8192];
static int port;
static pid_t server = -1;

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

/* In a child about to exec a server that drops privileges and sandboxes itself: under
 * LeakSanitizer (ASan builds) the leak check at exit can neither read /proc/self/maps
 * (Landlock) nor trace the process (no longer dumpable), so it is turned off there; the
 * in-process tests check serve's and the whois server's memory. */
static void no_leak_check_in_child(void)
{
	const char *o = getenv("ASAN_OPTIONS");
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s%sdetect_leaks=0", o ? o : "", o && *o ? ":" : "");
	setenv("ASAN_OPTIONS", buf, 1);
}

static int start_server(void)
{
	char addr[64], *argv[32];
	int n = 0;
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	argv[n++] = (char *)test_bin();
	argv[n++] = "irr";
	argv[n++] = "serve";
	argv[n++] = "--listen";
	argv[n++] = addr;
	if (geteuid() == 0) { /* root must name the user to become */
		argv[n++] = "--user";
		argv[n++] = "nobody";
	}
	for (char *f = strtok(files, " "); f; f = strtok(NULL, " ")) {
		argv[n++] = strncmp(f, "nrtm:", 5) == 0 ? "--nrtm" : "--irr";
		argv[n++] = strncmp(f, "nrtm:", 5) == 0 ? f + 5 : f;
	}
	argv[n] = NULL;
	server = fork();
	if (server == 0) {
		no_leak_check_in_child();
		execv(argv[0], argv);
		_exit(127);
	}
	for (int i = 0; i < 100; i++) { /* up to 10 s for the load */
		int fd = dial();
		if (fd >= 0) {
			close(fd);
			return 0;
		}
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return -1;
}

static int setup(void **state)
{
	const char *shared[] = {"irr/pytinyirrdbcache__radb.db.sample",
	    "irr/pytinyirrdbcache__ripe.db.sample", "irr/rpkiirrstats__ripe-db-route.txt",
	    "irr/rpkiirrstats__ripe-db-route6.txt"};
	if (access("/usr/bin/bgpq4", X_OK) != 0)
		return 0;
	files[0] = '\0';
	for (size_t i = 0; i < 4; i++) {
		const char *p = test_data_path(shared[i]);
		if (p == NULL)
			return 0;
		strcat(files, p);
		strcat(files, " ");
	}
	const char *upd = test_data_path("irr/pytinyirrdbcache__radb.updates.sample");
	if (upd) {
		strcat(files, "nrtm:");
		strcat(files, upd);
		strcat(files, " ");
	}
	snprintf(dir, sizeof(dir), "/tmp/rm_bgpq4_XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	strcat(files, irr_fixture_write(dir));
	port = free_port();
	char saved[sizeof(files)];
	memcpy(saved, files, sizeof(files));
	int rc = start_server();
	memcpy(files, saved, sizeof(files)); /* strtok cut it */
	return rc;
}

static int teardown(void **state)
{
	if (server > 0) {
		kill(server, SIGKILL);
		waitpid(server, NULL, 0);
	}
	if (dir[0]) {
		char p[128];
		snprintf(p, sizeof(p), "%s/fixture.db", dir);
		unlink(p);
		rmdir(dir);
	}
	return 0;
}

#define NEED_SERVER()                                                                              \
	do {                                                                                       \
		if (server <= 0) {                                                                 \
			printf("SKIP: %s: bgpq4 (/usr/bin/bgpq4) or the shared IRR files are "     \
			       "absent\n",                                                         \
			    __func__);                                                             \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run cmd, collect its whitespace-separated words, sorted, joined by ' ' into out. */
static int words_of(FILE *p, char *out, size_t size)
{
	static char buf[1 << 16];
	char *w[4096];
	size_t n = fread(buf, 1, sizeof(buf) - 1, p), k = 0;
	buf[n] = '\0';
	int rc = pclose(p);
	for (char *t = strtok(buf, " \t\n"); t && k < 4096; t = strtok(NULL, " \t\n"))
		w[k++] = t;
	qsort(w, k, sizeof(*w), cmp_str);
	out[0] = '\0';
	for (size_t i = 0; i < k; i++) {
		strncat(out, w[i], size - strlen(out) - 2);
		strcat(out, " ");
	}
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static int bgpq4_list(const char *obj, const char *flags, char *out, size_t size)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "bgpq4 -h 127.0.0.1:%d %s -F '%%n/%%l\\n' %s 2>/dev/null", port,
	    flags, obj);
	return words_of(popen(cmd, "r"), out, size);
}

static int routemark_list(const char *obj, const char *flags, char *out, size_t size)
{
	char cmd[16384], args[12000] = "";
	char copy[sizeof(files)];
	memcpy(copy, files, sizeof(files));
	for (char *f = strtok(copy, " "); f; f = strtok(NULL, " ")) {
		strcat(args, strncmp(f, "nrtm:", 5) == 0 ? " --nrtm " : " --irr ");
		strcat(args, strncmp(f, "nrtm:", 5) == 0 ? f + 5 : f);
	}
	snprintf(
	    cmd, sizeof(cmd), "%s irr prefixes %s %s%s 2>/dev/null", test_bin(), flags, obj, args);
	return words_of(popen(cmd, "r"), out, size);
}

static void test_bgpq4_equals_prefixes(void **state)
{
	NEED_SERVER();
	static const struct {
		const char *obj, *bgpq4, *ours;
	} cases[] = {
	    {"AS-ROOT", "-4", "-4"},
	    {"AS-ROOT", "-6", "-6"},
	    {"AS-REAL", "-4", "-4"},
	    {"AS-REAL", "-6", "-6"},
	    {"AS-A", "-4", "-4"},
	    {"AS12726", "-4", "-4"},
	    {"AS2607", "-6", "-6"},
	    {"AS-TMPEBONECWIX", "-4", "-4"},
	    {"AS-HURRICANE", "-4", "-4"},
	    {"AS-ROOT", "-4 -L 2", "-4 --depth 2"}, /* bgpq4 then walks with plain !i */
	    {"AS-REAL", "-6 -L 3", "-6 --depth 3"},
	};
	static char a[1 << 16], b[1 << 16];
	int nonempty = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(bgpq4_list(cases[i].obj, cases[i].bgpq4, a, sizeof(a)), 0);
		assert_int_equal(routemark_list(cases[i].obj, cases[i].ours, b, sizeof(b)), 0);
		if (strcmp(a, b) != 0)
			printf("mismatch for %s %s:\n bgpq4:     %s\n routemark: %s\n",
			    cases[i].obj, cases[i].bgpq4, a, b);
		assert_string_equal(a, b);
		nonempty += a[0] != '\0';
	}
	assert_true(nonempty >= 8);
	/* and a known answer, so that equal-but-wrong cannot pass */
	assert_int_equal(bgpq4_list("AS-ROOT", "-4", a, sizeof(a)), 0);
	assert_string_equal(a, "10.0.0.0/24 10.0.0.128/25 10.0.1.0/24 10.1.0.0/16 172.16.0.0/16 ");
}

static void test_parallel_clients(void **state)
{
	NEED_SERVER();
	char cmd[256];
	FILE *p[4];
	static char out[4][4096];
	for (int i = 0; i < 4; i++) {
		snprintf(cmd, sizeof(cmd), "bgpq4 -h 127.0.0.1:%d -F '%%n/%%l\\n' %s 2>/dev/null",
		    port, i % 2 ? "-6 AS-REAL" : "AS-REAL");
		p[i] = popen(cmd, "r");
		assert_non_null(p[i]);
	}
	for (int i = 0; i < 4; i++)
		assert_int_equal(words_of(p[i], out[i], sizeof(out[i])), 0);
	assert_string_equal(out[0], out[2]);
	assert_string_equal(out[1], out[3]);
	assert_true(strlen(out[0]) > 0 && strlen(out[1]) > 0);
}

/* Read from fd until the text contains want (or 5 s pass). */
static int read_until(int fd, char *buf, size_t size, const char *want)
{
	size_t n = 0;
	time_t end = time(NULL) + 5;
	buf[0] = '\0';
	while (!strstr(buf, want) && time(NULL) < end && n < size - 1) {
		ssize_t r = recv(fd, buf + n, size - 1 - n, 0);
		if (r <= 0)
			break;
		n += (size_t)r;
		buf[n] = '\0';
	}
	return strstr(buf, want) != NULL;
}

static void test_bad_queries(void **state)
{
	NEED_SERVER();
	static char buf[65536];
	int fd = dial();
	assert_true(fd >= 0);
	static const char q[] = "!!\n!xyz\n!gASfoo\n!iAS-ROOT,2\n!a\n!sNOSUCH\n\x01\x02\xff\n"
	                        "!iAS-NOSUCH\n!r10.0.0.0/33\n-z\n!gAS396001\n";
	assert_int_equal(send(fd, q, sizeof(q) - 1, 0), (ssize_t)sizeof(q) - 1);
	assert_true(read_until(fd, buf, sizeof(buf), "10.0.0.0/24 10.0.1.0/24\nC\n"));
	assert_non_null(strstr(buf, "F Unrecognised command !xyz\n"));
	assert_non_null(strstr(buf, "F Invalid AS number"));
	assert_non_null(strstr(buf, "F Missing required set name for A query\n"));
	assert_non_null(strstr(buf, "F Unknown source NOSUCH\n"));
	assert_non_null(strstr(buf, "D\n"));
	assert_non_null(strstr(buf, "%% Unsupported flag -z"));
	/* a line far too long closes that client, not the server */
	static char big[10000];
	memset(big, 'A', sizeof(big));
	send(fd, big, sizeof(big), MSG_NOSIGNAL);
	read_until(fd, buf, sizeof(buf), "F Query too long");
	close(fd);
	/* the server still answers; without "!!" it closes after one answer */
	fd = dial();
	assert_true(fd >= 0);
	assert_int_equal(send(fd, "!6AS396003\n", 11, 0), 11);
	assert_true(read_until(fd, buf, sizeof(buf), "A16\n2001:db8:1::/48\nC\n"));
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), 0);
	close(fd);
	/* RIPE style */
	fd = dial();
	assert_int_equal(send(fd, "-i origin AS396010\n", 19, 0), 19);
	assert_true(read_until(fd, buf, sizeof(buf), "source:         TEST\n"));
	assert_non_null(strstr(buf, "route:          172.16.0.0/16\n"));
	close(fd);
}

/* Last: SIGTERM stops the server cleanly (exit 0). */
static void test_sigterm(void **state)
{
	NEED_SERVER();
	int fd = dial(); /* an idle client must not keep it alive */
	assert_true(fd >= 0);
	assert_int_equal(kill(server, SIGTERM), 0);
	int status = -1;
	for (int i = 0; i < 50; i++) {
		if (waitpid(server, &status, WNOHANG) == server)
			break;
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	close(fd);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	server = -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bgpq4_equals_prefixes),
	    cmocka_unit_test(test_parallel_clients),
	    cmocka_unit_test(test_bad_queries),
	    cmocka_unit_test(test_sigterm),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
