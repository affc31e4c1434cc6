/* Shared by the serve tests: build a store from ../shared/data with `routemark analyze` (the
 * jinx updates, then the jinx RIB: two snapshots, the RIB newest) in a fresh temp dir, start
 * the server in-process on a free 127.0.0.1 port, and GET with libcurl. */
#ifndef ROUTEMARK_SERVE_FIXTURE_H
#define ROUTEMARK_SERVE_FIXTURE_H

#include <curl/curl.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "testutil.h"
#include "serve/serve.h"

struct fixture {
	char dir[256], db[300];
	char key[300], pub[300]; /* fixture_sign: the signing key (PEM) and its public half */
	struct serve *sv;
	uint16_t port;
	int ready;
};

static struct fixture fx;

/* Extra analyze options (e.g. "--set ready=10"), set before fixture_setup; and whether the
 * temp dir is world-readable (for a server that drops to another user). */
static const char *fixture_analyze_args = "";
static int fixture_world_readable;
/* Set before fixture_setup: the server signs conformance reports with a key made by
 * `openssl genpkey -algorithm ed25519` (fx.key; fx.pub its public key). */
static int fixture_sign;

/* Run analyze on one MRT file with the reference data; 0 on success. */
static int fixture_analyze(const char *mrt)
{
	static const char *const rel[] = {"rpki/vrps_2017-06-01_from_compress_roas.csv",
	    "caida/20140101.as-rel.txt.bz2", "irr/rpkiirrstats__ripe-db-route.txt",
	    "misc/asn_names_ASN_lookup.txt.gz"};
	char p[5][1024]; /* test_data_path rotates 4 buffers: copy each */
	for (int i = 0; i < 5; i++) {
		const char *x = test_data_path(i < 4 ? rel[i] : mrt);
		if (x == NULL)
			return -1;
		snprintf(p[i], sizeof(p[i]), "%s", x);
	}
	char cmd[6000];
	snprintf(cmd, sizeof(cmd),
	    "%s -q analyze --db %s --vrps %s --asrel %s --irr %s --asnames %s %s %s 2>&1",
	    test_bin(), fx.db, p[0], p[1], p[2], p[3], fixture_analyze_args, p[4]);
	FILE *pp = popen(cmd, "r");
	if (pp == NULL)
		return -1;
	char line[512], last[512] = "";
	while (fgets(line, sizeof(line), pp))
		snprintf(last, sizeof(last), "%s", line);
	int rc = pclose(pp);
	if (rc != 0)
		printf("analyze %s: exit %d: %s", mrt, rc, last);
	return rc == 0 ? 0 : -1;
}

static int fixture_setup(void **state)
{
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/routemark-serve-XXXXXX");
	if (mkdtemp(fx.dir) == NULL)
		return -1;
	if (fixture_world_readable && chmod(fx.dir, 0755) != 0)
		return -1;
	snprintf(fx.db, sizeof(fx.db), "%s/store.db", fx.dir);
	if (fixture_sign) {
		char cmd[1000];
		snprintf(fx.key, sizeof(fx.key), "%s/sign.pem", fx.dir);
		snprintf(fx.pub, sizeof(fx.pub), "%s/sign.pub.pem", fx.dir);
		snprintf(cmd, sizeof(cmd),
		    "openssl genpkey -algorithm ed25519 -out %s && "
		    "openssl pkey -in %s -pubout -out %s",
		    fx.key, fx.key, fx.pub);
		if (system(cmd) != 0) {
			printf("SKIP: serve tests: openssl cannot make an Ed25519 key\n");
			return 0;
		}
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (fixture_analyze(
	        "mrt/libbgpstream__routeviews.route-views.jinx.updates.1401493500.bz2") ||
	    fixture_analyze("mrt/libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2")) {
		printf("SKIP: serve tests: shared data absent or analyze failed\n");
		return 0;
	}
	struct serve_config c = {.db = fx.db,
	    .listen = "127.0.0.1:0",
	    .threads = 4,
	    .sign_key = fixture_sign ? fx.key : NULL,
	    .issuer = "routemark-test"};
	if (serve_start(&c, &fx.sv) != 0)
		return -1;
	fx.port = serve_port(fx.sv);
	fx.ready = fx.port != 0;
	return 0;
}

static int fixture_teardown(void **state)
{
	char cmd[600];
	serve_stop(fx.sv, 500);
	curl_global_cleanup();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx.dir);
	return system(cmd) == 0 ? 0 : -1;
}

#define REQUIRE_SERVER()                                                                           \
	do {                                                                                       \
		if (!fx.ready) {                                                                   \
			printf("SKIP: %s: no store (shared data absent)\n", __func__);             \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

struct resp {
	long status;
	char *body;
	size_t len;
	char etag[64], ctype[128], last_modified[64], xcache[16], link[512], cenc[32], vary[64];
};

static size_t on_body(char *p, size_t sz, size_t n, void *arg)
{
	struct resp *r = arg;
	r->body = realloc(r->body, r->len + sz * n + 1);
	memcpy(r->body + r->len, p, sz * n);
	r->len += sz * n;
	r->body[r->len] = '\0';
	return sz * n;
}

static void header_value(const char *h, size_t n, const char *name, char *out, size_t size)
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
	struct resp *r = arg;
	header_value(h, sz * n, "ETag: ", r->etag, sizeof(r->etag));
	header_value(h, sz * n, "Content-Type: ", r->ctype, sizeof(r->ctype));
	header_value(h, sz * n, "Last-Modified: ", r->last_modified, sizeof(r->last_modified));
	header_value(h, sz * n, "X-Cache: ", r->xcache, sizeof(r->xcache));
	header_value(h, sz * n, "Content-Encoding: ", r->cenc, sizeof(r->cenc));
	header_value(h, sz * n, "Vary: ", r->vary, sizeof(r->vary));
	header_value(h, sz * n, "Link: ", r->link, sizeof(r->link));
	return sz * n;
}

/* GET (or another method) path; header is an extra request header or NULL. */
__attribute__((unused)) static struct resp http(
    const char *method, const char *path, const char *header)
{
	struct resp r = {0};
	char url[4096];
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", fx.port, path);
	CURL *c = curl_easy_init();
	struct curl_slist *hl = header ? curl_slist_append(NULL, header) : NULL;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	if (hl)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	if (r.body == NULL)
		r.body = calloc(1, 1);
	return r;
}

__attribute__((unused)) static struct resp get(const char *path)
{
	return http("GET", path, NULL);
}

#endif
