/* rpki: the live RTR client against a real cache. Starts Debian's stayrtr on 127.0.0.1 on a
 * free port serving a VRP JSON file the test writes, syncs, rewrites the file and checks that
 * the change arrives as an incremental (serial) update. SKIPs when stayrtr is absent. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <time.h>

#include "testutil.h"
#include "netutil.h"
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

static enum rov_state V(const struct vrp_table *t, const char *pfx, uint32_t asn)
{
	struct prefix p;
	assert_int_equal(prefix_parse(pfx, &p), 0);
	return rov_validate(t, &p, asn, NULL);
}

static void test_stayrtr_incremental(void **state)
{
	const char *bin = find_stayrtr();
	if (bin == NULL) {
		printf("SKIP: %s: stayrtr is not installed (apt-get install stayrtr)\n", __func__);
		skip();
	}
	char dir[] = "/tmp/routemark-rtr-XXXXXX";
	assert_non_null(mkdtemp(dir));
	write_vrps(dir,
	    "{\"asn\":64496,\"prefix\":\"192.0.2.0/24\",\"maxLength\":24,\"ta\":\"t\"},"
	    "{\"asn\":64497,\"prefix\":\"198.51.100.0/22\",\"maxLength\":24,\"ta\":\"t\"},"
	    "{\"asn\":64498,\"prefix\":\"2001:db8::/32\",\"maxLength\":48,\"ta\":\"t\"}");
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
	for (int i = 0; i < 100 && !loopback_port_open(port); i++)
		usleep(100000);
	assert_true(loopback_port_open(port));

	struct rtr_client *c = rtr_client_start("127.0.0.1", portstr);
	assert_non_null(c);
	assert_int_equal(rtr_client_wait_sync(c, 20000), 0);
	struct rtr_client_stats s1, s2;
	rtr_client_stats(c, &s1);
	struct vrp_table *t1 = rtr_client_table(c);
	assert_non_null(t1);
	assert_int_equal(vrp_table_count(t1), 3);
	assert_int_equal(V(t1, "198.51.101.0/24", 64497), ROV_VALID);
	assert_int_equal(V(t1, "2001:db8:1::/48", 64498), ROV_VALID);
	assert_int_equal(V(t1, "203.0.113.0/24", 64499), ROV_NOTFOUND);

	/* change the cache: one VRP removed, one added */
	write_vrps(dir,
	    "{\"asn\":64496,\"prefix\":\"192.0.2.0/24\",\"maxLength\":24,\"ta\":\"t\"},"
	    "{\"asn\":64498,\"prefix\":\"2001:db8::/32\",\"maxLength\":48,\"ta\":\"t\"},"
	    "{\"asn\":64499,\"prefix\":\"203.0.113.0/24\",\"maxLength\":24,\"ta\":\"t\"}");
	assert_int_equal(rtr_client_wait_update(c, s1.updates, 30000), 0);
	rtr_client_stats(c, &s2);
	struct vrp_table *t2 = rtr_client_table(c);
	printf("rtr: serial %u -> %u, update +%u -%u, resets %u -> %u, %zu VRPs\n", s1.serial,
	    s2.serial, s2.last_added, s2.last_removed, s1.resets, s2.resets, s2.vrps);
	assert_int_equal(vrp_table_count(t2), 3);
	assert_int_equal(V(t2, "203.0.113.0/24", 64499), ROV_VALID);
	assert_int_equal(V(t2, "198.51.101.0/24", 64497), ROV_NOTFOUND);
	/* incremental: only the delta came, the serial moved on, no new cache reset */
	assert_int_equal(s2.last_added, 1);
	assert_int_equal(s2.last_removed, 1);
	assert_true(s2.serial != s1.serial);
	assert_int_equal(s2.resets, s1.resets);
	/* the table a reader held is unchanged */
	assert_int_equal(V(t1, "198.51.101.0/24", 64497), ROV_VALID);
	vrp_table_release(t1);
	vrp_table_release(t2);
	rtr_client_stop(c);

	kill(pid, SIGTERM);
	int st;
	waitpid(pid, &st, 0);
	unlink(cache);
	unlink(logp);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stayrtr_incremental),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
