/* A small HTTP server for tests, on 127.0.0.1 with a free port (libmicrohttpd): serves the
 * files below `root` with ETag, Last-Modified, If-None-Match (304) and byte ranges (206), and
 * can cut a response short (cut_after) to test resumption. */
#ifndef ROUTEMARK_TEST_HTTPD_H
#define ROUTEMARK_TEST_HTTPD_H

#include <fcntl.h>
#include <microhttpd.h>
#include <sys/stat.h>
#include <time.h>

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
	r = MHD_create_response_from_callback(
	    (uint64_t)(sb.st_size - b->start), 65536, read_body, b, free_body);
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

/* Start serving dir; returns the port, 0 on failure. */
static uint16_t httpd_start(const char *dir)
{
	root = dir;
	daemon_ = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL,
	    NULL, handler, NULL, MHD_OPTION_SOCK_ADDR, NULL, MHD_OPTION_END);
	if (daemon_ == NULL)
		return 0;
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
	port = di->port;
	return port;
}

static void httpd_stop(void)
{
	if (daemon_)
		MHD_stop_daemon(daemon_);
	daemon_ = NULL;
}

#endif
