/* Downloads through libcurl into a cache, with conditional requests and resumption. */
#include <curl/curl.h>
#include <errno.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fetch/fetch.h"

struct meta {
	char etag[256];
	char last_modified[128];
};

struct transfer {
	const struct fetch_options *o;
	const char *url, *name;
	FILE *f;
	int resuming, started, discard;
	CURL *curl;
	struct meta got; /* validators of this response */
	double last_progress;
};

int fetch_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}
void fetch_global_cleanup(void)
{
	curl_global_cleanup();
}

static int mkdir_p(const char *dir)
{
	char *buf = xstrdup(dir);
	int rc = 0;
	for (char *p = buf + 1; rc == 0 && *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			rc = -1;
		*p = '/';
	}
	if (rc == 0 && mkdir(buf, 0755) != 0 && errno != EEXIST)
		rc = -1;
	free(buf);
	return rc;
}

/* The URL's last path element, without query; "download" if there is none. */
static void url_basename(const char *url, char *out, size_t size)
{
	const char *end = url + strcspn(url, "?#");
	const char *b = end;
	while (b > url && b[-1] != '/')
		b--;
	size_t n = (size_t)(end - b);
	if (n == 0 || n >= size)
		snprintf(out, size, "download");
	else {
		memcpy(out, b, n);
		out[n] = '\0';
	}
}

/* Copy src into dst, truncating to fit. */
static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void meta_read(const char *path, struct meta *m)
{
	memset(m, 0, sizeof(*m));
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return;
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(line, "etag=", 5) == 0)
			copy_str(m->etag, sizeof(m->etag), line + 5);
		else if (strncmp(line, "last-modified=", 14) == 0)
			copy_str(m->last_modified, sizeof(m->last_modified), line + 14);
	}
	fclose(f);
}

static void meta_write(const char *path, const char *url, const struct meta *m, const char *sha256)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return;
	fprintf(f, "url=%s\netag=%s\nlast-modified=%s\nsha256=%s\nfetched=%lld\n", url, m->etag,
	    m->last_modified, sha256, (long long)time(NULL));
	fclose(f);
}

static size_t on_header(char *buf, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	size_t len = size * n;
	char line[512];
	if (len >= sizeof(line))
		return len;
	memcpy(line, buf, len);
	line[len] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	if (strncmp(line, "HTTP/", 5) == 0) /* a new response (redirects): forget validators */
		memset(&t->got, 0, sizeof(t->got));
	else if (strncasecmp(line, "etag:", 5) == 0)
		copy_str(t->got.etag, sizeof(t->got.etag), line + 5 + strspn(line + 5, " "));
	else if (strncasecmp(line, "last-modified:", 14) == 0)
		copy_str(t->got.last_modified, sizeof(t->got.last_modified),
		    line + 14 + strspn(line + 14, " "));
	return len;
}

static size_t on_body(char *buf, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	if (!t->started) {
		long code = 0;
		t->started = 1;
		curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &code);
		if (code >= 300 || code == 204)
			t->discard = 1; /* an error page or redirect body is not the file */
		else if (t->resuming && code == 200) {
			/* the server ignored the Range: start over */
			if (ftruncate(fileno(t->f), 0) != 0 || fseek(t->f, 0, SEEK_SET) != 0)
				return 0;
			t->resuming = 0;
		}
	}
	if (t->discard)
		return size * n;
	return fwrite(buf, size, n, t->f) == n ? size * n : 0;
}

static int on_progress(void *arg, curl_off_t total, curl_off_t now, curl_off_t ut, curl_off_t un)
{
	struct transfer *t = arg;
	double tnow = clock_mono();
	if (tnow - t->last_progress < 0.25 && !(total && now == total))
		return 0;
	t->last_progress = tnow;
	if (total > 0)
		fprintf(stderr, "\rfetch: %-40.40s %8.1f / %.1f MiB %3d%%", t->name,
		    (double)now / 1048576, (double)total / 1048576, (int)(100 * now / total));
	else
		fprintf(stderr, "\rfetch: %-40.40s %8.1f MiB", t->name, (double)now / 1048576);
	return 0;
}

static int finish(const char *path, const char *expect, struct fetch_result *res)
{
	struct stat sb;
	if (strlen(path) >= sizeof(res->path)) {
		log_err("%.200s...: path too long", path);
		return -1;
	}
	memcpy(res->path, path, strlen(path) + 1);
	if (stat(path, &sb) != 0 || fetch_sha256_file(path, res->sha256) != 0) {
		log_err("%s: %s", path, strerror(errno));
		return -1;
	}
	res->size = (uint64_t)sb.st_size;
	if (expect && *expect && strcasecmp(expect, res->sha256) != 0) {
		log_err("%s: SHA-256 mismatch: expected %s, got %s", path, expect, res->sha256);
		return -1;
	}
	return 0;
}

static int from_mirror(const struct fetch_options *o, const char *url, const char *mirror_name,
    const char *expect, struct fetch_result *res)
{
	char base[512];
	if (mirror_name == NULL) {
		url_basename(url, base, sizeof(base));
		mirror_name = base;
	}
	char *path = xasprintf("%s/%s", o->mirror_dir, mirror_name);
	int rc = -1;
	if (access(path, R_OK) != 0)
		log_err("%s: not in the mirror (%s) for %s", path, strerror(errno), url);
	else {
		res->from_mirror = 1;
		rc = finish(path, expect, res);
	}
	free(path);
	return rc;
}

static struct curl_slist *header_add(struct curl_slist *hdr, const char *name, const char *v)
{
	char *h = xasprintf("%s: %s", name, v);
	hdr = curl_slist_append(hdr, h); /* copies h */
	free(h);
	return hdr;
}

/* One transfer attempt; returns the HTTP status (>= 0) or -1 on a transport error. */
static long transfer(struct transfer *t, const char *part, const struct meta *old, int cached)
{
	struct stat sb;
	curl_off_t have = stat(part, &sb) == 0 ? (curl_off_t)sb.st_size : 0;
	t->f = fopen(part, have ? "ab" : "wb");
	if (t->f == NULL) {
		log_err("%s: %s", part, strerror(errno));
		return -1;
	}
	t->resuming = have > 0;
	t->started = t->discard = 0;
	CURL *c = t->curl;
	curl_easy_reset(c);
	struct curl_slist *hdr = NULL;
	if (cached && !t->resuming && old->etag[0])
		hdr = header_add(hdr, "If-None-Match", old->etag);
	if (cached && !t->resuming && old->last_modified[0])
		hdr = header_add(hdr, "If-Modified-Since", old->last_modified);
	curl_easy_setopt(c, CURLOPT_URL, t->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "routemark/" RM_VERSION);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(
	    c, CURLOPT_CONNECTTIMEOUT, t->o->connect_timeout ? t->o->connect_timeout : 20L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, t->o->timeout);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(
	    c, CURLOPT_LOW_SPEED_TIME, t->o->low_speed_time ? t->o->low_speed_time : 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (t->resuming)
		curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, have);
	int show = t->o->progress && isatty(2);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, show ? 0L : 1L);
	if (show) {
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, t);
	}
	CURLcode rc = curl_easy_perform(c);
	if (show)
		fputc('\n', stderr);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(hdr);
	if (fclose(t->f) != 0 && rc == CURLE_OK) {
		log_err("%s: %s", part, strerror(errno));
		return -1;
	}
	t->f = NULL;
	if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && code >= 400)) {
		log_err("%s: %s%s", t->url, curl_easy_strerror(rc),
		    t->resuming || have ? " (partial download kept for resumption)" : "");
		return -1;
	}
	return code;
}

static int cache_get(const struct fetch_options *o, const char *url, const char *base,
    const char *path, const char *part, const char *metap, const char *expect_sha256,
    struct fetch_result *res);

int fetch_get(const struct fetch_options *o, const char *url, const char *mirror_name,
    const char *expect_sha256, struct fetch_result *res)
{
	memset(res, 0, sizeof(*res));
	if (o->mirror_dir)
		return from_mirror(o, url, mirror_name, expect_sha256, res);
	char base[512];
	url_basename(url, base, sizeof(base));
	if (mkdir_p(o->cache_dir) != 0) {
		log_err("%s: cannot create cache directory: %s", o->cache_dir, strerror(errno));
		return -1;
	}
	/* one cache file per URL: the name for people, a hash against collisions */
	char *path = xasprintf("%s/%08x-%s", o->cache_dir, hash_bytes(url, strlen(url), 0), base);
	char *part = xasprintf("%s.part", path), *metap = xasprintf("%s.meta", path);
	int rc = cache_get(o, url, base, path, part, metap, expect_sha256, res);
	free(path);
	free(part);
	free(metap);
	return rc;
}

/* fetch_get into the cache file path (part while it comes, metap its HTTP metadata). */
static int cache_get(const struct fetch_options *o, const char *url, const char *base,
    const char *path, const char *part, const char *metap, const char *expect_sha256,
    struct fetch_result *res)
{
	struct meta old;
	meta_read(metap, &old);
	int cached = access(path, R_OK) == 0;

	struct transfer t = {.o = o, .url = url, .name = base};
	t.curl = curl_easy_init();
	if (t.curl == NULL)
		return -1;
	long code = transfer(&t, part, &old, cached);
	int was_resume = t.resuming;
	if (code == 416) { /* our partial file does not fit the resource any more */
		unlink(part);
		code = transfer(&t, part, &old, cached);
	}
	curl_easy_cleanup(t.curl);
	res->http_status = code;
	if (code < 0)
		return -1;
	if (code == 304 && cached) {
		unlink(part);
		res->from_cache = 1;
		return finish(path, expect_sha256, res);
	}
	/* file:// and other schemes report 0 */
	if (code != 0 && code != 200 && code != 206) {
		unlink(part);
		log_err("%s: HTTP status %ld", url, code);
		return -1;
	}
	res->resumed = was_resume && code == 206;
	if (rename(part, path) != 0) {
		log_err("%s: %s", path, strerror(errno));
		return -1;
	}
	if (finish(path, expect_sha256, res) != 0) {
		unlink(path);
		unlink(metap);
		return -1;
	}
	meta_write(metap, url, &t.got, res->sha256);
	return 0;
}

int fetch_probe(const char *url, long timeout)
{
	CURL *c = curl_easy_init();
	if (c == NULL)
		return -1;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout * 2);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "routemark/" RM_VERSION);
	CURLcode rc = curl_easy_perform(c);
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? 0 : -1;
}
