/* serve's response cache: the cache itself (bound, least recently used out, time to live,
 * invalidation), and the server with it: a response is built once, served again with the
 * same ETag and bytes (X-Cache: hit), rebuilt when another process changes the store, and
 * off with --cache-size 0. */
#include "serve_fixture.h"

#include <zlib.h>

#include "serve/server_private.h"
#include "store/store.h"

/* A request carrying a response body, as a handler leaves it. */
static void fake_resp(struct req *r, const char *body, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->status = 200;
	r->ctype = "application/json";
	r->last_modified = 1401487200;
	buf_put(&r->body, body, len);
}

static void test_cache_unit(void **state)
{
	struct resp_cache *c = resp_cache_new(64 * 1024, 0);
	assert_non_null(c);
	assert_null(resp_cache_new(0, 0)); /* size 0: no cache */
	struct req r, out;
	char big[6000];
	memset(big, 'x', sizeof(big));
	/* ten 6000-byte answers fit in 64 KiB; the eleventh pushes out the least recent */
	char key[32];
	for (int i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "/as/%d", i);
		fake_resp(&r, big, sizeof(big));
		resp_cache_put(c, key, &r);
		buf_free(&r.body);
	}
	struct resp_cache_stats st;
	resp_cache_stats(c, &st);
	assert_int_equal(st.entries, 10);
	assert_true(st.bytes <= 64 * 1024);
	memset(&out, 0, sizeof(out));
	assert_int_equal(resp_cache_get(c, "/as/0", &out), 1); /* /as/0 now most recent */
	assert_int_equal(out.status, 200);
	assert_int_equal(out.body.len, 0); /* the body is the cache's own, shared */
	assert_non_null(out.shared);
	assert_int_equal(cbody_len(out.shared), sizeof(big));
	assert_memory_equal(cbody_data(out.shared), big, sizeof(big));
	assert_string_equal(out.ctype, "application/json");
	assert_int_equal(out.last_modified, 1401487200);
	assert_int_equal(strlen(out.etag), 18);
	cbody_release(out.shared);
	fake_resp(&r, big, sizeof(big));
	resp_cache_put(c, "/as/10", &r);
	resp_cache_put(c, "/as/11", &r);
	buf_free(&r.body);
	resp_cache_stats(c, &st);
	assert_true(st.bytes <= 64 * 1024);
	memset(&out, 0, sizeof(out));
	assert_int_equal(resp_cache_get(c, "/as/1", &out), 0); /* the least recent went */
	assert_int_equal(resp_cache_get(c, "/as/0", &out), 1); /* the one used stayed */
	cbody_release(out.shared);
	out.shared = NULL;
	/* an answer larger than an eighth of the cache is not kept; nor an error */
	char *huge = calloc(1, 10000);
	fake_resp(&r, huge, 10000);
	resp_cache_put(c, "/huge", &r);
	buf_free(&r.body);
	fake_resp(&r, "{}", 2);
	r.status = 404;
	resp_cache_put(c, "/missing", &r);
	buf_free(&r.body);
	memset(&out, 0, sizeof(out));
	assert_int_equal(resp_cache_get(c, "/huge", &out), 0);
	assert_int_equal(resp_cache_get(c, "/missing", &out), 0);
	/* the same key again replaces the entry */
	fake_resp(&r, "{\"v\":2}", 7);
	resp_cache_put(c, "/as/0", &r);
	buf_free(&r.body);
	assert_int_equal(resp_cache_get(c, "/as/0", &out), 1);
	assert_int_equal(cbody_len(out.shared), 7);
	assert_memory_equal(cbody_data(out.shared), "{\"v\":2}", 7);
	/* invalidation drops everything; a body being sent stays until it is let go */
	resp_cache_invalidate(c);
	assert_memory_equal(cbody_data(out.shared), "{\"v\":2}", 7);
	cbody_release(out.shared);
	out.shared = NULL;
	resp_cache_stats(c, &st);
	assert_int_equal(st.entries, 0);
	assert_int_equal(st.bytes, 0);
	assert_int_equal(st.drops, 1);
	assert_int_equal(resp_cache_get(c, "/as/0", &out), 0);
	free(huge);
	resp_cache_free(c);
	/* a time to live of 1 s: gone two seconds later */
	c = resp_cache_new(64 * 1024, 1);
	fake_resp(&r, "{}", 2);
	resp_cache_put(c, "/ttl", &r);
	buf_free(&r.body);
	assert_int_equal(resp_cache_get(c, "/ttl", &out), 1);
	cbody_release(out.shared);
	out.shared = NULL;
	sleep(2);
	assert_int_equal(resp_cache_get(c, "/ttl", &out), 0);
	resp_cache_free(c);
}

static void test_hit_same_bytes(void **state)
{
	REQUIRE_SERVER();
	const char *paths[] = {"/api/v1/as/6939/conformance", "/badge/AS6939.svg", "/as/6939",
	    "/api/v1/as/3257?findings=5", "/"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct resp a = get(paths[i]), b = get(paths[i]);
		assert_int_equal(a.status, 200);
		assert_int_equal(b.status, 200);
		assert_string_equal(b.xcache, "hit");
		assert_string_equal(a.etag, b.etag);
		assert_string_equal(a.ctype, b.ctype);
		assert_string_equal(a.last_modified, b.last_modified);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.body, b.body, a.len);
		/* revalidation from the cache */
		char h[128];
		snprintf(h, sizeof(h), "If-None-Match: %s", a.etag);
		struct resp c = http("GET", paths[i], h);
		assert_int_equal(c.status, 304);
		free(a.body), free(b.body), free(c.body);
	}
	/* errors are never cached */
	struct resp e1 = get("/api/v1/as/6939?snapshot=999"),
	            e2 = get("/api/v1/as/6939?snapshot=999");
	assert_int_equal(e1.status, 404);
	assert_int_equal(e2.status, 404);
	assert_string_equal(e2.xcache, "");
	free(e1.body), free(e2.body);
}

static void test_store_change_rebuilds(void **state)
{
	REQUIRE_SERVER();
	const char *path = "/api/v1/as/6939/conformance";
	struct resp a = get(path), b = get(path);
	assert_string_equal(b.xcache, "hit");
	assert_null(strstr(a.body, "cafe0123"));
	/* another process files an attestation: the next answer is built anew and shows it */
	struct store *s;
	assert_int_equal(store_open(fx.db, 0, &s), 0);
	struct store_attestation at = {.asn = 6939,
	    .control = "PLUS-SAV-1",
	    .kind = "attested",
	    .sha256 = "cafe0123cafe0123cafe0123cafe0123cafe0123cafe0123cafe0123cafe0123",
	    .file = "sav-policy.pdf",
	    .size = 1234,
	    .who = "noc@example.net"};
	assert_int_equal(store_put_attestation(s, &at), 0);
	store_close(s);
	struct resp c = get(path);
	assert_int_equal(c.status, 200);
	assert_string_equal(c.xcache, "miss");
	assert_string_not_equal(c.etag, a.etag);
	assert_non_null(strstr(c.body, "cafe0123"));
	struct resp d = get(path);
	assert_string_equal(d.xcache, "hit");
	assert_string_equal(d.etag, c.etag);
	free(a.body), free(b.body), free(c.body), free(d.body);
}

/* gunzip a body (libz); the decoded bytes and their count. */
static char *gunzip(const char *p, size_t n, size_t *outlen)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	size_t cap = n * 40 + 1024;
	char *out = malloc(cap);
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	*outlen = cap - z.avail_out;
	inflateEnd(&z);
	return out;
}

static void test_accepts_gzip(void **state)
{
	assert_int_equal(accepts_gzip("gzip"), 1);
	assert_int_equal(accepts_gzip("gzip, deflate, br"), 1);
	assert_int_equal(accepts_gzip("br;q=1.0, gzip;q=0.8, *;q=0.1"), 1);
	assert_int_equal(accepts_gzip("x-gzip"), 1);
	assert_int_equal(accepts_gzip("GZIP"), 1);
	assert_int_equal(accepts_gzip("gzip;q=0"), 0);
	assert_int_equal(accepts_gzip("gzip; q=0.000"), 0);
	assert_int_equal(accepts_gzip("identity"), 0);
	assert_int_equal(accepts_gzip("deflate, br"), 0);
	assert_int_equal(accepts_gzip("notgzip, gzipx"), 0);
	assert_int_equal(accepts_gzip(""), 0);
	assert_int_equal(accepts_gzip(NULL), 0);
}

/* A client that takes gzip gets the same bytes coded, under an ETag of their own, from the
 * cache as on the miss; small answers go as they are. */
static void test_gzip(void **state)
{
	REQUIRE_SERVER();
	const char *paths[] = {"/api/v1/as/2119", "/as/2119", "/api/v1/as/2119/conformance"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct resp plain = get(paths[i]);
		struct resp a = http("GET", paths[i], "Accept-Encoding: gzip, br");
		struct resp b = http("GET", paths[i], "Accept-Encoding: gzip");
		assert_int_equal(a.status, 200);
		assert_string_equal(a.cenc, "gzip");
		assert_string_equal(b.cenc, "gzip");
		assert_string_equal(a.vary, "Accept-Encoding");
		assert_string_equal(plain.vary, "Accept-Encoding");
		assert_string_equal(plain.cenc, "");
		assert_true(a.len < plain.len / 3);
		size_t n;
		char *dec = gunzip(a.body, a.len, &n);
		assert_int_equal(n, plain.len);
		assert_memory_equal(dec, plain.body, n);
		free(dec);
		/* the coded answer is stable: same bytes and tag from the cache */
		assert_string_equal(a.etag, b.etag);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.body, b.body, a.len);
		assert_string_not_equal(a.etag, plain.etag);
		char h[160];
		snprintf(h, sizeof(h), "If-None-Match: %s", a.etag);
		struct resp c = http("GET", paths[i], h); /* without gzip: another representation */
		assert_int_equal(c.status, 200);
		free(plain.body), free(a.body), free(b.body), free(c.body);
	}
	/* below GZIP_MIN: as it is */
	struct resp s = http("GET", "/badge/AS2119.svg", "Accept-Encoding: gzip");
	assert_int_equal(s.status, 200);
	assert_true(s.len < GZIP_MIN);
	assert_string_equal(s.cenc, "");
	free(s.body);
}

static void test_cache_off(void **state)
{
	REQUIRE_SERVER();
	struct serve_config cfg = {
	    .db = fx.db, .listen = "127.0.0.1:0", .threads = 2, .cache_mib = -1};
	struct serve *sv;
	assert_int_equal(serve_start(&cfg, &sv), 0);
	uint16_t keep = fx.port;
	fx.port = serve_port(sv);
	struct resp a = get("/api/v1/as/6939"), b = get("/api/v1/as/6939");
	assert_int_equal(b.status, 200);
	assert_string_equal(a.xcache, "");
	assert_string_equal(b.xcache, "");
	assert_string_equal(a.etag, b.etag); /* the ETag is of the bytes, cached or not */
	struct resp g = http("GET", "/api/v1/as/6939", "Accept-Encoding: gzip");
	assert_string_equal(g.cenc, "gzip"); /* coded per request without a cache */
	size_t n;
	char *dec = gunzip(g.body, g.len, &n);
	assert_int_equal(n, a.len);
	assert_memory_equal(dec, a.body, n);
	free(dec);
	free(g.body);
	fx.port = keep;
	serve_stop(sv, 500);
	free(a.body), free(b.body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cache_unit),
	    cmocka_unit_test(test_hit_same_bytes),
	    cmocka_unit_test(test_store_change_rebuilds),
	    cmocka_unit_test(test_cache_off),
	    cmocka_unit_test(test_accepts_gzip),
	    cmocka_unit_test(test_gzip),
	};
	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
