/* fetch: downloads from a local HTTP server (libmicrohttpd on 127.0.0.1) serving the shared
 * data: checksums, conditional requests (304), resumption after a cut connection, mirrors. */
#include <fcntl.h>
#include <microhttpd.h>
#include <sys/stat.h>
#include <time.h>

#include "testutil.h"
#include "fetch/fetch.h"

static struct MHD_Daemon *daemon_;
static uint16_t port;
static const char *root;
static long cut_after = -1; /* >= 0: drop the connection after this many body bytes */
static int requests, ranged, not_modified;

struct body {
	int fd;
	off_t start;
	long sent;
};

static ssize_t read_body(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct body *b = cls;
	if (cut_after >= 0 && b->sent >= cut_after)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	if (cut_after >= 0 && (long)max > cut_after - b->sent)
		max = (size_t)(cut_after - b->sent);
	ssize_t n = pread(b->fd, buf, max, b->start + (off_t)pos);
	if (n <= 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	b->sent += n;
	return n;
}

static void free_body(void *cls)
{
	struct body *b = cls;
	close(b->fd);
	free(b);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload, size_t *upload_size,
    void **con_cls)
{
	char path[4096], etag[64], lm[64];
	struct stat sb;
	struct MHD_Response *r;
	requests++;
	snprintf(path, sizeof(path), "%s%s", root, url);
	if (strstr(url, "..") || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		r = MHD_create_response_from_buffer(9, "not found", MHD_RESPMEM_PERSISTENT);
		enum MHD_Result ret = MHD_queue_response(c, 404, r);
		MHD_destroy_response(r);
		return ret;
	}
	snprintf(etag, sizeof(etag), "\"%lx-%lx\"", (long)sb.st_size, (long)sb.st_mtime);
	struct tm tm;
	gmtime_r(&sb.st_mtime, &tm);
	strftime(lm, sizeof(lm), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
	if (inm && strcmp(inm, etag) == 0) {
		not_modified++;
		r = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(r, "ETag", etag);
		enum MHD_Result ret = MHD_queue_response(c, 304, r);
		MHD_destroy_response(r);
		return ret;
	}
	struct body *b = calloc(1, sizeof(*b));
	b->fd = open(path, O_RDONLY);
	long long from = 0;
	const char *range = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Range");
	int status = 200;
	if (range && sscanf(range, "bytes=%lld-", &from) == 1 && from > 0 && from < sb.st_size) {
		status = 206;
		ranged++;
		b->start = (off_t)from;
	}
	r = MHD_create_response_from_callback((uint64_t)(sb.st_size - b->start), 65536, read_body,
	    b, free_body);
	MHD_add_response_header(r, "ETag", etag);
	MHD_add_response_header(r, "Last-Modified", lm);
	MHD_add_response_header(r, "Accept-Ranges", "bytes");
	if (status == 206) {
		char cr[128];
		snprintf(cr, sizeof(cr), "bytes %lld-%lld/%lld", from, (long long)sb.st_size - 1,
		    (long long)sb.st_size);
		MHD_add_response_header(r, "Content-Range", cr);
	}
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

static char cache[256];

static int setup(void **state)
{
	root = getenv("ROUTEMARK_DATA");
	if (root == NULL || access(root, R_OK) != 0)
		return 0;
	daemon_ = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL,
	    NULL, handler, NULL, MHD_OPTION_SOCK_ADDR, NULL, MHD_OPTION_END);
	if (daemon_ == NULL)
		return -1;
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
	port = di->port;
	snprintf(cache, sizeof(cache), "/tmp/routemark-test-fetch-%d", (int)getpid());
	fetch_global_init();
	return 0;
}

static int teardown(void **state)
{
	if (daemon_)
		MHD_stop_daemon(daemon_);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", cache);
	if (cache[0] && system(cmd) != 0)
		return -1;
	fetch_global_cleanup();
	return 0;
}

#define NEED_SERVER()                                                                          \
	do {                                                                                   \
		if (daemon_ == NULL) {                                                         \
			printf("SKIP: %s: shared data absent, no server\n", __func__);         \
			skip();                                                                \
		}                                                                              \
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
			     "rpki/rpkiirrstats__roas.csv", NULL, &res), 0);
	assert_int_equal(res.from_mirror, 1);
	assert_int_equal(res.size, 1320);
	assert_int_equal(requests, before); /* no network */
	assert_int_equal(fetch_get(&o, "https://example.invalid/pub/absent.csv", NULL, NULL, &res),
	    -1);
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
