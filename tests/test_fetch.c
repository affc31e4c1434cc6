/* fetch: downloads from a local HTTP server (libmicrohttpd on 127.0.0.1) serving the shared
 * data: checksums, conditional requests (304), resumption after a cut connection, mirrors. */
#include "testutil.h"
#include "fetch/fetch.h"
#include "httpd.h"

static char cache[256];

static int setup(void **state)
{
	root = getenv("ROUTEMARK_DATA");
	if (root == NULL || access(root, R_OK) != 0)
		return 0;
	if (httpd_start(root) == 0)
		return -1;
	snprintf(cache, sizeof(cache), "/tmp/routemark-test-fetch-%d", (int)getpid());
	fetch_global_init();
	return 0;
}

static int teardown(void **state)
{
	httpd_stop();
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", cache);
	if (cache[0] && system(cmd) != 0)
		return -1;
	fetch_global_cleanup();
	return 0;
}

#define NEED_SERVER()                                                                              \
	do {                                                                                       \
		if (daemon_ == NULL) {                                                             \
			printf("SKIP: %s: shared data absent, no server\n", __func__);             \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

static void url_of(char *buf, size_t size, const char *rel)
{
	snprintf(buf, size, "http://127.0.0.1:%u/%s", port, rel);
}

static void test_download_and_304(void **state)
{
	NEED_SERVER();
	const char *rel = "rpki/rpkiirrstats__roas.csv";
	char url[256], want[65], orig[4096];
	url_of(url, sizeof(url), rel);
	snprintf(orig, sizeof(orig), "%s/%s", root, rel);
	assert_int_equal(fetch_sha256_file(orig, want), 0);
	struct fetch_options o = {.cache_dir = cache};
	struct fetch_result res;
	assert_int_equal(fetch_get(&o, url, NULL, want, &res), 0);
	assert_int_equal(res.http_status, 200);
	assert_int_equal(res.from_cache, 0);
	assert_string_equal(res.sha256, want);
	assert_int_equal(res.size, 1320);
	/* again: the server answers 304 and the cached copy is used */
	int before = not_modified;
	assert_int_equal(fetch_get(&o, url, NULL, want, &res), 0);
	assert_int_equal(res.http_status, 304);
	assert_int_equal(res.from_cache, 1);
	assert_int_equal(not_modified, before + 1);
	assert_string_equal(res.sha256, want);
}

static void test_resume(void **state)
{
	NEED_SERVER();
	const char *rel = "mrt/bgpdump__updates.20070211.0141.gz"; /* 395,073 bytes */
	char url[256], want[65], orig[4096];
	url_of(url, sizeof(url), rel);
	snprintf(orig, sizeof(orig), "%s/%s", root, rel);
	assert_int_equal(fetch_sha256_file(orig, want), 0);
	struct fetch_options o = {.cache_dir = cache, .low_speed_time = 5};
	struct fetch_result res;
	cut_after = 150000; /* the connection drops part-way */
	assert_int_equal(fetch_get(&o, url, NULL, want, &res), -1);
	cut_after = -1;
	int before = ranged;
	assert_int_equal(fetch_get(&o, url, NULL, want, &res), 0);
	assert_int_equal(res.resumed, 1);
	assert_int_equal(res.http_status, 206);
	assert_int_equal(ranged, before + 1);
	assert_string_equal(res.sha256, want);
	assert_int_equal(res.size, 395073);
}

static void test_errors(void **state)
{
	NEED_SERVER();
	char url[256];
	struct fetch_options o = {.cache_dir = cache};
	struct fetch_result res;
	url_of(url, sizeof(url), "no/such/file");
	assert_int_equal(fetch_get(&o, url, NULL, NULL, &res), -1);
	assert_int_equal(res.http_status, 404);
	/* checksum mismatch: fails and leaves no file behind */
	url_of(url, sizeof(url), "irr/pytinyirrdbcache__l3.updates.sample");
	assert_int_equal(fetch_get(&o, url, NULL, "00", &res), -1);
	assert_int_not_equal(access(res.path, F_OK), 0);
	/* nothing listens here */
	struct fetch_options o2 = {.cache_dir = cache, .connect_timeout = 2};
	assert_int_equal(fetch_get(&o2, "http://127.0.0.1:1/x", NULL, NULL, &res), -1);
}

static void test_mirror(void **state)
{
	NEED_SERVER();
	struct fetch_options o = {.cache_dir = cache, .mirror_dir = root};
	struct fetch_result res;
	int before = requests;
	assert_int_equal(fetch_get(&o, "https://example.invalid/pub/roas.csv",
	                     "rpki/rpkiirrstats__roas.csv", NULL, &res),
	    0);
	assert_int_equal(res.from_mirror, 1);
	assert_int_equal(res.size, 1320);
	assert_int_equal(requests, before); /* no network */
	assert_int_equal(
	    fetch_get(&o, "https://example.invalid/pub/absent.csv", NULL, NULL, &res), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_download_and_304),
	    cmocka_unit_test(test_resume),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_mirror),
	};
	return cmocka_run_group_tests_name("fetch", tests, setup, teardown);
}
