/* serve: the router and parameter parsers, then every API endpoint of a server started on
 * 127.0.0.1 over a store built from ../shared/data, checked against values read back from the
 * store itself; errors, ETags, pagination, pages, badge, read-only. */
#include <arpa/inet.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "openapi_check.h"
#include "serve_fixture.h"
#include "conform/conform.h"
#include "report/report.h"
#include "serve/serve_private.h"
#include "sign/sign.h"
#include "store/store.h"

/* ---------------------------------------------------------------- router (no server) */

static void test_target_parse(void **state)
{
	struct target *t = malloc(sizeof(*t));
	const char *why;
	const char *u = "/api/v1/as/AS6939?limit=5&offset=10&q=a+b%20c";
	assert_int_equal(target_parse(t, u, strlen(u), &why), 0);
	assert_int_equal(t->nseg, 4);
	assert_string_equal(t->seg[3], "AS6939");
	assert_string_equal(target_param(t, "limit"), "5");
	assert_string_equal(target_param(t, "q"), "a b c");
	assert_null(target_param(t, "x"));
	static const struct {
		const char *uri;
		int status;
	} bad[] = {{"api", 400}, {"/a//b", 400}, {"/a/%zz", 400}, {"/a/%0", 400}, {"/a/%00", 400},
	    {"/a/%0a", 400}, {"/a/../b", 400}, {"/a/%2e%2e/b", 400}, {"/a?x=1&x=2", 400},
	    {"/a?X=1", 400}, {"/a?=1", 400}, {"/a b", 400}, {"/a#frag", 400},
	    {"/1/2/3/4/5/6/7/8/9", 404}};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(
		    target_parse(t, bad[i].uri, strlen(bad[i].uri), &why), bad[i].status);
	char big[URI_MAX + 10];
	memset(big, 'a', sizeof(big) - 1);
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(target_parse(t, big, strlen(big), &why), 414);
	/* routing */
	struct route_args a;
	const struct route *rt;
	u = "/api/v1/prefix/192.0.2.0/24";
	assert_int_equal(target_parse(t, u, strlen(u), &why), 0);
	assert_int_equal(route_match(serve_routes, serve_nroutes, t, &a, &rt), 0);
	assert_string_equal(a.rest, "192.0.2.0/24");
	assert_ptr_equal(rt->fn, api_prefix);
	u = "/badge/AS64500.svg";
	assert_int_equal(target_parse(t, u, strlen(u), &why), 0);
	assert_int_equal(route_match(serve_routes, serve_nroutes, t, &a, &rt), 0);
	assert_int_equal(a.asn, 64500);
	u = "/api/v1/as/notanumber";
	assert_int_equal(target_parse(t, u, strlen(u), &why), 0);
	assert_int_equal(route_match(serve_routes, serve_nroutes, t, &a, &rt), 400);
	u = "/api/v1/summary/";
	assert_int_equal(target_parse(t, u, strlen(u), &why), 0);
	assert_int_equal(route_match(serve_routes, serve_nroutes, t, &a, &rt), 404);
	free(t);
}

/* --listen: numeric ADDR:PORT and [V6]:PORT, port 0 allowed; long hosts refused, no
 * fixed buffer to overflow */
static void test_parse_listen(void **state)
{
	struct sockaddr_storage ss;
	unsigned len = 0;
	assert_int_equal(serve_parse_listen("127.0.0.1:8080", &ss, &len), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), 8080);
	assert_int_equal(serve_parse_listen("127.0.0.1:0", &ss, &len), 0);
	assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), 0);
	assert_int_equal(serve_parse_listen("[::1]:443", &ss, &len), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(len, sizeof(struct sockaddr_in6));
	assert_int_equal(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), 443);
	assert_int_equal(serve_parse_listen("[::]:0", &ss, &len), 0);
	static const char *const bad[] = {"::1:80", "localhost:80", "127.0.0.1",
	    "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:http", "[::1]80", ":80", "[::1]:-1",
	    "1.2.3.4:08x"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(serve_parse_listen(bad[i], &ss, &len), -1);
	char *lng = malloc(1600);
	memset(lng, '1', 1500);
	strcpy(lng + 1500, ":80");
	assert_int_equal(serve_parse_listen(lng, &ss, &len), -1);
	lng[0] = '[';
	strcpy(lng + 1500, "]:80");
	assert_int_equal(serve_parse_listen(lng, &ss, &len), -1);
	free(lng);
}

static void test_params(void **state)
{
	int64_t tm;
	uint64_t u;
	uint32_t asns[COMPARE_MAX];
	size_t n;
	int b;
	assert_int_equal(param_time("2014-05-30", &tm), 0);
	assert_int_equal(tm, 1401408000);
	assert_int_equal(param_time("2014-05-30T22:00Z", &tm), 0);
	assert_int_equal(tm, 1401487200);
	assert_int_equal(param_time("1401487200", &tm), 0);
	assert_int_equal(tm, 1401487200);
	assert_int_equal(param_time("2014-13-01", &tm), -1);
	assert_int_equal(param_time("2014-05-30T25:00", &tm), -1);
	assert_int_equal(param_time("yesterday", &tm), -1);
	assert_int_equal(param_uint("18446744073709551615", UINT64_MAX, &u), -1); /* 20 digits */
	assert_int_equal(param_uint("", 10, &u), -1);
	assert_int_equal(param_uint("11", 10, &u), -1);
	assert_int_equal(param_asn_list("AS6939,3257", asns, COMPARE_MAX, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(asns[1], 3257);
	assert_int_equal(param_asn_list("1,1", asns, COMPARE_MAX, &n), -1);
	assert_int_equal(param_asn_list("1,", asns, COMPARE_MAX, &n), -1);
	assert_int_equal(param_asn_list("1,2,3,4,5,6,7,8,9", asns, COMPARE_MAX, &n), -1);
	assert_string_equal(param_metric("m2c"), "M2C");
	assert_null(param_metric("M99"));
	assert_int_equal(param_bool("true", &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(param_bool("maybe", &b), -1);
	assert_int_equal(etag_match("W/\"ab\", \"cd\"", "\"cd\""), 1);
	assert_int_equal(etag_match("\"ab\"", "\"cd\""), 0);
	assert_int_equal(etag_match("*", "\"cd\""), 1);
}

/* ---------------------------------------------------------------- the API's contract */

static struct oas spec_; /* docs/openapi.yaml, loaded once */
static size_t nvalidated;

static struct oas *spec(void)
{
	if (!spec_.loaded) {
		const char *top = getenv("ROUTEMARK_TOP");
		char path[1024];
		snprintf(path, sizeof(path), "%s/docs/openapi.yaml", top ? top : ".");
		if (oas_load(&spec_, path) != 0)
			fprintf(stderr, "%s\n", spec_.err);
		assert_true(spec_.loaded);
		spec_.strict = 1; /* the document names every field the server sends */
	}
	return &spec_;
}

/* Every API body is checked against the schema docs/openapi.yaml declares for its path,
 * method and status; an error body of a path or method the document does not have (an
 * unknown path, POST) and the router's 405 and 414 of any path (the document's description
 * says so) against the Error schema. */
static void expect_valid(const char *method, const char *path, long status, json_object *j)
{
	struct oas *o = spec();
	int documented;
	size_t n = oas_check_response(o, method, path, status, j, &documented);
	if ((!documented && status >= 400) || status == 405 || status == 414)
		n = oas_check_ref(o, "#/components/schemas/Error", j);
	if (n)
		fprintf(stderr, "%s %s -> %ld: %zu mismatch(es) with docs/openapi.yaml:\n%s",
		    method, path, status, n, o->err);
	assert_int_equal(n, 0);
	nvalidated++;
}

/* The same for a raw response. */
static void expect_valid_resp(const char *method, const char *path, const struct resp *r)
{
	assert_string_equal(r->ctype, "application/json");
	json_object *j = json_tokener_parse(r->body);
	assert_non_null(j);
	expect_valid(method, path, r->status, j);
	json_object_put(j);
}

/* ---------------------------------------------------------------- API over HTTP */

static json_object *get_json(const char *path, long want)
{
	struct resp r = get(path);
	if (r.status != want)
		fprintf(stderr, "GET %s: %ld %s\n", path, r.status, r.body);
	assert_int_equal(r.status, want);
	assert_string_equal(r.ctype, "application/json");
	json_object *j = json_tokener_parse(r.body);
	assert_non_null(j);
	free(r.body);
	expect_valid("GET", path, want, j);
	return j;
}

static json_object *field(json_object *o, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok(buf, "."); k; k = strtok(NULL, ".")) {
		json_object *x;
		if (!json_object_object_get_ex(o, k, &x)) {
			fprintf(stderr, "missing field %s (in %s)\n", k, path);
			fail();
		}
		o = x;
	}
	return o;
}

static int64_t ifield(json_object *o, const char *path)
{
	return json_object_get_int64(field(o, path));
}

static struct store *open_store(void)
{
	struct store *s;
	assert_int_equal(store_open(fx.db, 1, &s), 0);
	return s;
}

static void test_summary(void **state)
{
	REQUIRE_SERVER();
	struct store *s = open_store();
	struct store_snapshot snap;
	assert_int_equal(store_snapshot_get(s, 0, &snap), 1);
	struct arena a;
	arena_init(&a, 0);
	struct store_global *g;
	size_t n;
	assert_int_equal(store_get_globals(s, snap.id, "all", &a, &g, &n), 0);
	json_object *j = get_json("/api/v1/summary", 200);
	assert_int_equal(ifield(j, "snapshot.id"), snap.id);
	assert_int_equal(ifield(j, "snapshot.routes"), (int64_t)snap.routes);
	assert_int_equal(ifield(j, "snapshot.ases"), (int64_t)snap.ases);
	assert_int_equal(
	    ifield(j, "coverage.all.routes"), (int64_t)globals_get(g, n, "all", "routes"));
	assert_int_equal(
	    ifield(j, "coverage.all.rpki_valid"), (int64_t)globals_get(g, n, "all", "rpki_valid"));
	double pct = json_object_get_double(field(j, "coverage.all.rpki_valid_pct"));
	assert_true(pct > 0 && pct < 100);
	assert_non_null(field(j, "coverage.afi:4"));
	/* every measured AS is in exactly one readiness class per Action */
	for (int act = 1; act <= 4; act++) {
		char k[64];
		int64_t sum = 0;
		const char *st[] = {"ready", "aspiring", "lagging", "no_data"};
		for (int i = 0; i < 4; i++) {
			snprintf(k, sizeof(k), "readiness.%d.%s", act, st[i]);
			sum += ifield(j, k);
		}
		assert_int_equal(sum, (int64_t)snap.ases);
	}
	json_object_put(j);
	/* an older snapshot by id */
	j = get_json("/api/v1/summary?snapshot=1", 200);
	assert_int_equal(ifield(j, "snapshot.id"), 1);
	assert_true(ifield(j, "snapshot.routes") < (int64_t)snap.routes);
	json_object_put(j);
	arena_free(&a);
	store_close(s);
}

static void test_as_scorecard(void **state)
{
	REQUIRE_SERVER();
	struct store *s = open_store();
	struct store_snapshot snap;
	assert_int_equal(store_snapshot_get(s, 0, &snap), 1);
	struct store_as_summary sum;
	int found;
	assert_int_equal(store_get_summary(s, snap.id, 6939, &sum, &found), 0);
	assert_true(found);
	uint64_t total;
	assert_int_equal(store_count_findings(s, snap.id, 6939, NULL, &total), 0);
	json_object *j = get_json("/api/v1/as/AS6939?findings=3", 200);
	assert_string_equal(json_object_get_string(field(j, "schema")), "routemark.report/1");
	assert_int_equal(ifield(j, "asn"), 6939);
	assert_string_equal(json_object_get_string(field(j, "name")), "HURRICANE");
	assert_true(json_object_get_boolean(field(j, "found")));
	assert_int_equal(ifield(j, "summary.routes"), (int64_t)sum.routes);
	assert_int_equal(ifield(j, "summary.rpki_valid"), (int64_t)sum.rpki_valid);
	assert_int_equal(ifield(j, "findings_total"), (int64_t)total);
	assert_int_equal(json_object_array_length(field(j, "findings")), 3);
	assert_true(json_object_is_type(field(j, "fixes"), json_type_array));
	assert_true(json_object_is_type(field(j, "trend"), json_type_array));
	assert_non_null(field(j, "summary.actions.4_rpki.readiness"));
	json_object_put(j);
	/* an AS that is in no snapshot */
	j = get_json("/api/v1/as/4200000000", 404);
	assert_int_equal(ifield(j, "error.status"), 404);
	json_object_put(j);
	store_close(s);
}

/* Organisations (the store is analysed with the 2024-01-01 as-org2info, --orgs): HiNet
 * (AS3462), TWGate (AS9505) and AS10126 are Chunghwa Telecom's; the organisation's scorecard
 * sums its networks' routes and findings. */
static void test_org(void **state)
{
	REQUIRE_SERVER();
	struct store *s = open_store();
	struct store_snapshot snap;
	assert_int_equal(store_snapshot_get(s, 0, &snap), 1);
	uint64_t routes = 0, findings = 0;
	const uint32_t members[] = {3462, 9505, 10126};
	for (int i = 0; i < 3; i++) {
		struct store_as_summary sum;
		int found;
		uint64_t n;
		assert_int_equal(store_get_summary(s, snap.id, members[i], &sum, &found), 0);
		assert_true(found);
		assert_int_equal(store_count_findings(s, snap.id, members[i], NULL, &n), 0);
		routes += sum.routes;
		findings += n;
	}
	store_close(s);
	assert_true(routes > 0);
	json_object *j = get_json("/api/v1/org/ORG-CTCL1-AP-APNIC", 200);
	assert_string_equal(json_object_get_string(field(j, "schema")), "routemark.org/1");
	assert_string_equal(json_object_get_string(field(j, "name")), "Chunghwa Telecom Co., Ltd.");
	assert_int_equal(ifield(j, "summary.networks"), 3);
	assert_int_equal(ifield(j, "summary.routes"), (int64_t)routes);
	assert_int_equal(ifield(j, "summary.findings"), (int64_t)findings);
	assert_int_equal(json_object_array_length(field(j, "networks")), 3);
	json_object_put(j);
	/* by name, URL-encoded */
	j = get_json("/api/v1/org/chunghwa%20telecom%20co.,%20ltd.", 200);
	assert_string_equal(json_object_get_string(field(j, "id")), "ORG-CTCL1-AP-APNIC");
	json_object_put(j);
	j = get_json("/api/v1/org/NO-SUCH-ORG", 404);
	json_object_put(j);
	j = get_json("/api/v1/org/ORG-CTCL1-AP-APNIC?snapshot=x", 400);
	json_object_put(j);
	/* its history: one entry per snapshot it is in, in time order; the newest's routes the
	 * scorecard's */
	j = get_json("/api/v1/org/ORG-CTCL1-AP-APNIC/history", 200);
	json_object *series = field(j, "series");
	size_t ns = json_object_array_length(series);
	assert_true(ns >= 1);
	int64_t last = 0;
	for (size_t i = 0; i < ns; i++) {
		json_object *e = json_object_array_get_idx(series, i);
		int64_t t = json_object_get_int64(field(e, "period_start"));
		assert_true(t >= last);
		last = t;
	}
	int seen = 0;
	for (size_t i = 0; i < ns; i++) {
		json_object *e = json_object_array_get_idx(series, i);
		if (ifield(e, "snapshot") != snap.id)
			continue;
		assert_int_equal(ifield(e, "routes"), (int64_t)routes);
		assert_int_equal(ifield(e, "networks"), 3);
		seen = 1;
	}
	assert_true(seen);
	json_object_put(j);
	j = get_json("/api/v1/org/NO-SUCH-ORG/history", 404);
	json_object_put(j);
	char longid[300] = "/api/v1/org/";
	memset(longid + 12, 'X', 250);
	snprintf(longid + 262, sizeof(longid) - 262, "/history");
	j = get_json(longid, 400);
	json_object_put(j);
	/* the AS's scorecard names its organisation and siblings */
	j = get_json("/api/v1/as/3462?findings=0", 200);
	assert_string_equal(
	    json_object_get_string(field(j, "organisation.id")), "ORG-CTCL1-AP-APNIC");
	assert_int_equal(json_object_array_length(field(j, "organisation.siblings")), 2);
	json_object_put(j);
}

static void test_findings_pages(void **state)
{
	REQUIRE_SERVER();
	struct store *s = open_store();
	struct store_snapshot snap;
	assert_int_equal(store_snapshot_get(s, 0, &snap), 1);
	uint32_t asn = 6939; /* the AS with most findings in this snapshot */
	uint64_t total;
	assert_int_equal(store_count_findings(s, snap.id, asn, "M1C", &total), 0);
	assert_true(total > 14);
	struct arena a;
	arena_init(&a, 0);
	struct store_finding *f;
	size_t n;
	assert_int_equal(store_get_findings(s, snap.id, asn, "M1C", 7, 7, &a, &f, &n), 0);
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/as/%u/findings?metric=M1C&limit=7&offset=7", asn);
	json_object *j = get_json(path, 200);
	assert_int_equal(ifield(j, "total"), (int64_t)total);
	assert_int_equal(ifield(j, "next_offset"), 14);
	json_object *items = field(j, "items");
	assert_int_equal(json_object_array_length(items), 7);
	for (size_t i = 0; i < 7; i++) {
		json_object *x = json_object_array_get_idx(items, i);
		assert_string_equal(json_object_get_string(field(x, "prefix")), f[i].prefix);
		assert_string_equal(json_object_get_string(field(x, "metric")), "M1C");
		assert_non_null(field(x, "evidence"));
	}
	json_object_put(j);
	/* the last page has no next */
	snprintf(path, sizeof(path), "/api/v1/as/%u/findings?metric=M1C&limit=7&offset=%llu", asn,
	    (unsigned long long)(total - 1));
	j = get_json(path, 200);
	assert_int_equal(json_object_array_length(field(j, "items")), 1);
	assert_true(json_object_is_type(field(j, "next_offset"), json_type_null));
	json_object_put(j);
	arena_free(&a);
	store_close(s);
}

/* No dispute in the fixture's store: an empty list; the findings carry their ids and no
 * disputed mark (tests/test_dispute.c has the disputes themselves). */
static void test_disputes_empty(void **state)
{
	REQUIRE_SERVER();
	json_object *j = get_json("/api/v1/as/6939/disputes", 200);
	assert_int_equal(ifield(j, "asn"), 6939);
	assert_int_equal(json_object_array_length(field(j, "items")), 0);
	json_object_put(j);
	j = get_json("/api/v1/as/6939/findings?limit=3", 200);
	json_object *x = json_object_array_get_idx(field(j, "items"), 0);
	assert_true(ifield(x, "id") > 0);
	assert_true(json_object_is_type(field(x, "disputed"), json_type_null));
	json_object_put(j);
}

static void test_incidents(void **state)
{
	REQUIRE_SERVER();
	struct store *s = open_store();
	struct store_snapshot snap;
	assert_int_equal(store_snapshot_get(s, 0, &snap), 1);
	struct arena a;
	arena_init(&a, 0);
	struct store_incident *v;
	size_t n;
	assert_int_equal(store_get_incidents(s, snap.id, 0, "M2", 0, 0, 0, 0, &a, &v, &n), 0);
	assert_true(n > 10);
	json_object *j = get_json("/api/v1/incidents?metric=m2&limit=500", 200);
	json_object *items = field(j, "items");
	assert_int_equal(json_object_array_length(items), n < 500 ? n : 500);
	for (size_t i = 0; i < json_object_array_length(items); i++)
		assert_string_equal(
		    json_object_get_string(field(json_object_array_get_idx(items, i), "metric")),
		    "M2");
	json_object_put(j);
	/* by AS: the AS of the first M2 incident */
	uint32_t asn = v[0].asn;
	size_t nas;
	struct store_incident *va;
	assert_int_equal(store_get_incidents(s, snap.id, asn, NULL, 0, 0, 0, 0, &a, &va, &nas), 0);
	char path[160];
	snprintf(
	    path, sizeof(path), "/api/v1/incidents?asn=AS%u&from=2014-05-30&to=2014-06-01", asn);
	j = get_json(path, 200);
	items = field(j, "items");
	assert_int_equal(json_object_array_length(items), nas);
	for (size_t i = 0; i < nas; i++)
		assert_int_equal(ifield(json_object_array_get_idx(items, i), "asn"), asn);
	json_object_put(j);
	/* the same through the per-AS route */
	snprintf(path, sizeof(path), "/api/v1/as/%u/incidents", asn);
	j = get_json(path, 200);
	assert_int_equal(json_object_array_length(field(j, "items")), nas);
	json_object_put(j);
	/* a window before the data holds nothing */
	j = get_json("/api/v1/incidents?to=2000-01-01", 200);
	assert_int_equal(json_object_array_length(field(j, "items")), 0);
	json_object_put(j);
	arena_free(&a);
	store_close(s);
}

static void test_prefix_search_top(void **state)
{
	REQUIRE_SERVER();
	struct store *s = open_store();
	struct store_snapshot snap;
	assert_int_equal(store_snapshot_get(s, 0, &snap), 1);
	struct arena a;
	arena_init(&a, 0);
	struct prefix p;
	struct store_route *rv;
	size_t n;
	assert_int_equal(prefix_parse("8.8.8.0/24", &p), 0);
	assert_int_equal(store_get_routes_by_prefix(s, snap.id, &p, 0, &a, &rv, &n), 0);
	assert_true(n >= 1);
	json_object *j = get_json("/api/v1/prefix/8.8.8.0/24", 200);
	json_object *routes = field(j, "routes");
	assert_int_equal(json_object_array_length(routes), n);
	assert_int_equal(ifield(json_object_array_get_idx(routes, 0), "origin"), rv[0].origin);
	json_object_put(j);
	j = get_json("/api/v1/prefix/8.8.8.0%2F24?covering=true", 200);
	assert_true(json_object_array_length(field(j, "routes")) > n);
	json_object_put(j);
	/* search by name and by number */
	j = get_json("/api/v1/search?q=hurricane", 200);
	json_object *items = field(j, "items");
	int seen = 0;
	for (size_t i = 0; i < json_object_array_length(items); i++)
		seen |= ifield(json_object_array_get_idx(items, i), "asn") == 6939;
	assert_true(seen);
	json_object_put(j);
	j = get_json("/api/v1/search?q=AS6939&limit=1", 200);
	assert_int_equal(ifield(json_object_array_get_idx(field(j, "items"), 0), "asn"), 6939);
	json_object_put(j);
	/* ranking */
	struct store_metric *m;
	assert_int_equal(store_top(s, snap.id, "M2", 5, &a, &m, &n), 0);
	j = get_json("/api/v1/top?metric=M2&limit=5", 200);
	items = field(j, "items");
	assert_int_equal(json_object_array_length(items), n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(ifield(json_object_array_get_idx(items, i), "asn"), m[i].asn);
	json_object_put(j);
	arena_free(&a);
	store_close(s);
}

static void test_snapshots_history_compare(void **state)
{
	REQUIRE_SERVER();
	struct store *s = open_store();
	struct store_snapshot snap;
	assert_int_equal(store_snapshot_get(s, 0, &snap), 1);
	json_object *j = get_json("/api/v1/snapshots", 200);
	assert_int_equal(ifield(j, "total"), 2);
	assert_int_equal(ifield(json_object_array_get_idx(field(j, "items"), 0), "id"), snap.id);
	json_object_put(j);
	j = get_json("/api/v1/snapshots?limit=1&offset=1", 200);
	assert_int_equal(json_object_array_length(field(j, "items")), 1);
	json_object_put(j);
	j = get_json("/api/v1/history", 200);
	assert_int_equal(json_object_array_length(field(j, "series")), 2);
	/* data time order: the RIB (written second, snapshot 2) holds older data than the
	 * updates (snapshot 1) */
	json_object *h0 = json_object_array_get_idx(field(j, "series"), 0);
	json_object *h1 = json_object_array_get_idx(field(j, "series"), 1);
	assert_int_equal(ifield(h0, "snapshot"), 2);
	assert_int_equal(ifield(h0, "period_start"), 1401487200);
	assert_int_equal(ifield(h1, "snapshot"), 1);
	assert_true(ifield(h0, "period_start") < ifield(h1, "period_start"));
	json_object_put(j);
	struct arena a;
	arena_init(&a, 0);
	struct store_history *h;
	size_t n;
	assert_int_equal(store_get_history(s, 6939, &a, &h, &n), 0);
	j = get_json("/api/v1/as/6939/history", 200);
	assert_int_equal(json_object_array_length(field(j, "series")), n);
	json_object_put(j);
	/* compare: each AS's figures are the store's */
	struct store_as_summary s1, s2;
	int f1, f2;
	assert_int_equal(store_get_summary(s, snap.id, 6939, &s1, &f1), 0);
	assert_int_equal(store_get_summary(s, snap.id, 3257, &s2, &f2), 0);
	assert_true(f1 && f2);
	j = get_json("/api/v1/compare?asn=6939,AS3257,4200000000", 200);
	json_object *ases = field(j, "ases");
	assert_int_equal(json_object_array_length(ases), 3);
	assert_int_equal(ifield(json_object_array_get_idx(ases, 0), "routes"), (int64_t)s1.routes);
	assert_int_equal(ifield(json_object_array_get_idx(ases, 1), "routes"), (int64_t)s2.routes);
	assert_int_equal(ifield(json_object_array_get_idx(ases, 1), "asn"), 3257);
	assert_false(json_object_get_boolean(field(json_object_array_get_idx(ases, 2), "found")));
	assert_non_null(field(json_object_array_get_idx(ases, 0), "actions.1.readiness"));
	json_object_put(j);
	j = get_json("/api/v1", 200);
	assert_true(json_object_array_length(field(j, "endpoints")) >= 12);
	json_object_put(j);

	/* provenance: the summary and each snapshot carry their inputs with data dates; the
	 * 2017 VRPs are years from the 2014 routes: a warning */
	j = get_json("/api/v1/summary?snapshot=2", 200);
	json_object *in = field(j, "provenance.inputs");
	assert_int_equal(json_object_array_length(in), 6); /* MRT, 4 references, --orgs */
	assert_string_equal(
	    json_object_get_string(field(json_object_array_get_idx(in, 0), "data_date")),
	    "2014-05-30");
	assert_true(json_object_array_length(field(j, "provenance.warnings")) >= 1);
	assert_non_null(strstr(
	    json_object_get_string(json_object_array_get_idx(field(j, "provenance.warnings"), 0)),
	    "VRPs dated 2017-06-01"));
	/* address-space coverage beside the route counts */
	assert_true(json_object_get_double(field(j, "coverage.all.space_v4_24s")) > 1e6);
	assert_true(json_object_get_double(field(j, "coverage.all.space_v4_24s_rpki")) > 0);
	json_object_put(j);
	j = get_json("/api/v1/snapshots", 200);
	assert_non_null(field(json_object_array_get_idx(field(j, "items"), 0), "provenance.gaps"));
	json_object_put(j);
	/* history by scope, with the address space: each family its own figures */
	j = get_json("/api/v1/history?scope=afi:6", 200);
	json_object *p0 = json_object_array_get_idx(field(j, "series"), 0);
	assert_true(json_object_get_double(field(p0, "space_v6_48s")) > 0);
	assert_true(json_object_get_double(field(p0, "space_v6_rpki_pct")) > 0);
	assert_null(field(p0, "space_v4_24s"));
	json_object_put(j);
	j = get_json("/api/v1/as/6939/history", 200);
	json_object *h2 = json_object_array_get_idx(field(j, "series"), 0);
	assert_non_null(field(h2, "rpki_valid"));
	assert_non_null(field(h2, "irr_registered_pct"));
	json_object_put(j);

	/* the diff of the two snapshots: what the store's routes give */
	struct report_diff d;
	assert_int_equal(report_diff(s, 2, 1, 3, &d), 0);
	j = get_json("/api/v1/diff?from=2&to=1&limit=3", 200);
	assert_int_equal(ifield(j, "routes_from"), (int64_t)d.routes_from);
	assert_int_equal(ifield(j, "routes_to"), (int64_t)d.routes_to);
	assert_int_equal(ifield(j, "changed"), (int64_t)d.changed);
	assert_int_equal(ifield(j, "appeared.valid"), (int64_t)d.appeared[1]);
	assert_int_equal(ifield(j, "in_both"), (int64_t)(d.changed + d.unchanged));
	assert_int_equal(json_object_array_length(field(j, "changes")), d.nchanges);
	/* both were analysed with the same VRP set: no route in both changed state */
	assert_non_null(strstr(json_object_get_string(field(j, "vrps_from.path")),
	    "vrps_2017-06-01_from_compress_roas.csv"));
	assert_string_equal(json_object_get_string(field(j, "vrps_from.sha256")),
	    json_object_get_string(field(j, "vrps_to.sha256")));
	assert_int_equal(d.changed, 0);
	assert_true(d.routes_from > 400000 && d.routes_to > 0);
	json_object_put(j);
	/* and the ROAs, from the VRP set the store kept once for both: none changed */
	j = get_json("/api/v1/diff?from=2&to=1&limit=3&roas=true", 200);
	assert_true(ifield(j, "roas.vrps_before") > 10000);
	assert_int_equal(ifield(j, "roas.vrps_after"), ifield(j, "roas.vrps_before"));
	assert_int_equal(ifield(j, "roas.appeared") + ifield(j, "roas.disappeared"), 0);
	assert_int_equal(json_object_array_length(field(j, "roas.changes")), 0);
	json_object_put(j);
	report_diff_free(&d);
	arena_free(&a);
	store_close(s);
}

/* The verdicts conform computes itself from the same store (the expected values). */
static void conform_direct(struct store *s, const char *profile, int64_t snap, uint32_t asn,
    struct arena *a, struct conform_profile **p, struct conform_result *res)
{
	char err[512];
	assert_int_equal(conform_profile_find(profile, p, err, sizeof(err)), 0);
	struct conform_ctx ctx = {.store = s, .snapshot = snap};
	assert_int_equal(conform_evaluate(&ctx, *p, asn, a, res), 0);
}

/* Control by control, a result of the API is the one computed from the store. */
static void expect_same_verdicts(json_object *j, const struct conform_result *res)
{
	assert_int_equal(ifield(j, "asn"), res->asn);
	assert_string_equal(
	    json_object_get_string(field(j, "overall")), conform_overall_name(res->overall));
	assert_int_equal(ifield(j, "counts.pass"), (int64_t)res->count[CONFORM_PASS]);
	assert_int_equal(ifield(j, "counts.fail"), (int64_t)res->count[CONFORM_FAIL]);
	assert_int_equal(ifield(j, "counts.no-data"), (int64_t)res->count[CONFORM_NO_DATA]);
	json_object *c = field(j, "controls");
	assert_int_equal(json_object_array_length(c), res->n);
	for (size_t i = 0; i < res->n; i++) {
		json_object *x = json_object_array_get_idx(c, i);
		assert_string_equal(json_object_get_string(field(x, "id")), res->c[i].control->id);
		assert_string_equal(json_object_get_string(field(x, "verdict")),
		    conform_verdict_name(res->c[i].verdict));
	}
}

static json_object *control_of(json_object *j, const char *id)
{
	json_object *c = field(j, "controls");
	for (size_t i = 0; i < json_object_array_length(c); i++) {
		json_object *x = json_object_array_get_idx(c, i);
		if (strcmp(json_object_get_string(field(x, "id")), id) == 0)
			return x;
	}
	fprintf(stderr, "no control %s\n", id);
	fail();
	return NULL;
}

static void test_conformance_api(void **state)
{
	REQUIRE_SERVER();
	struct store *s = open_store();
	struct store_snapshot snap;
	assert_int_equal(store_snapshot_get(s, 0, &snap), 1);
	struct store_as_summary sum;
	int found;
	assert_int_equal(store_get_summary(s, snap.id, 6939, &sum, &found), 0);
	assert_true(found && sum.routes > 0 && sum.rpki_notfound > 0);
	struct arena a;
	arena_init(&a, 0);
	struct conform_profile *p;
	struct conform_result res;
	conform_direct(s, "manrs-plus-draft", snap.id, 6939, &a, &p, &res);
	/* the default profile is manrs-plus-draft */
	json_object *j = get_json("/api/v1/as/AS6939/conformance", 200);
	assert_string_equal(json_object_get_string(field(j, "schema")), CONFORM_SCHEMA);
	assert_string_equal(json_object_get_string(field(j, "profile.name")), "manrs-plus-draft");
	assert_string_equal(json_object_get_string(field(j, "name")), "HURRICANE");
	expect_same_verdicts(j, &res);
	/* by hand: HE originates routes not covered by a ROA (the store's summary says how
	 * many), so "every originated prefix RPKI-valid" fails, on measurement */
	json_object *x = control_of(j, "PLUS-RPKI-1");
	assert_string_equal(json_object_get_string(field(x, "verdict")), "fail");
	assert_string_equal(json_object_get_string(field(x, "basis")), "measurement");
	char want[64];
	snprintf(want, sizeof(want), "routes.rpki_notfound = %llu",
	    (unsigned long long)sum.rpki_notfound);
	assert_non_null(strstr(json_object_get_string(field(x, "reason")), want));
	assert_string_equal(json_object_get_string(field(j, "overall")), "not conformant");
	json_object_put(j);
	conform_profile_free(p);

	/* another shipped profile, an older snapshot */
	conform_direct(s, "manrs-netops", 1, 3257, &a, &p, &res);
	j = get_json("/api/v1/as/3257/conformance?profile=manrs-netops&snapshot=1", 200);
	assert_string_equal(json_object_get_string(field(j, "profile.name")), "manrs-netops");
	expect_same_verdicts(j, &res);
	json_object_put(j);
	conform_profile_free(p);

	/* side by side: an AS not in the store is there, with no pass and no fail */
	j = get_json("/api/v1/compare/conformance?asn=6939,AS3257,4200000000", 200);
	assert_string_equal(
	    json_object_get_string(field(j, "schema")), "routemark.conform/1/compare");
	assert_string_equal(json_object_get_string(field(j, "profile")), "manrs-plus-draft");
	json_object *r = field(j, "results");
	assert_int_equal(json_object_array_length(r), 3);
	static const uint32_t asns[] = {6939, 3257, 4200000000u};
	for (size_t i = 0; i < 3; i++) {
		conform_direct(s, "manrs-plus-draft", snap.id, asns[i], &a, &p, &res);
		expect_same_verdicts(json_object_array_get_idx(r, i), &res);
		conform_profile_free(p);
	}
	json_object *none = json_object_array_get_idx(r, 2);
	assert_int_equal(ifield(none, "counts.pass") + ifield(none, "counts.fail"), 0);
	json_object_put(j);

	/* profile names are names of shipped profiles, never paths */
	static const char *const bad[] = {"/api/v1/as/6939/conformance?profile=nope",
	    "/api/v1/as/6939/conformance?profile=..%2Fprofiles%2Fmanrs-netops",
	    "/api/v1/as/6939/conformance?profile=profiles%2Fmanrs-netops.json",
	    "/api/v1/as/6939/conformance?profile=%2Fetc%2Fpasswd",
	    "/api/v1/as/6939/conformance?profile=MANRS-NETOPS",
	    "/api/v1/as/6939/conformance?profile=",
	    "/api/v1/compare/conformance?asn=6939&profile=manrs-netops.json",
	    "/api/v1/compare/conformance?profile=manrs-netops",
	    "/api/v1/compare/conformance?asn=6939,6939", "/api/v1/as/6939/conformance?window=30d",
	    NULL};
	for (size_t i = 0; bad[i]; i++) {
		j = get_json(bad[i], 400);
		assert_int_equal(ifield(j, "error.status"), 400);
		assert_null(strstr(json_object_get_string(field(j, "error.message")), "/"));
		json_object_put(j);
	}
	j = get_json("/api/v1/as/6939/conformance?profile=nope", 400);
	assert_non_null(
	    strstr(json_object_get_string(field(j, "error.message")), "manrs-plus-draft"));
	json_object_put(j);
	j = get_json("/api/v1/as/4200000000/conformance", 404);
	json_object_put(j);
	arena_free(&a);
	store_close(s);
}

/* Signed reports (the fixture's server signs with a key made by openssl genpkey): the JWS of
 * an AS verifies with the key of /.well-known/jwks.json and carries the verdicts of
 * /conformance; its errors are JSON; the badge links to it. */
static void test_signed_reports(void **state)
{
	REQUIRE_SERVER();
	json_object *set = get_json("/.well-known/jwks.json", 200);
	const char *text = json_object_to_json_string(set);
	struct sign_key **keys;
	size_t nk;
	char err[512];
	assert_int_equal(sign_keyset_parse(text, strlen(text), &keys, &nk, err, sizeof(err)), 0);
	assert_int_equal(nk, 1);
	json_object_put(set);
	const char *path = "/api/v1/as/AS6939/conformance.jws?profile=manrs-netops";
	struct resp r = get(path);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.ctype, "application/jose");
	size_t n = oas_check_raw(spec(), "GET", path, 200, "application/jose");
	if (n)
		fprintf(stderr, "%s", spec()->err);
	assert_int_equal(n, 0);
	nvalidated++;
	struct sign_jws j;
	const struct sign_key *used;
	assert_int_equal(sign_jws_parse(r.body, r.len, &j, err, sizeof(err)), 0);
	assert_int_equal(sign_jws_verify_set(&j, keys, nk, &used, err, sizeof(err)), 0);
	assert_string_equal(j.cty, CONFORM_SIGNED_CTY);
	free(r.body);
	struct arena a;
	arena_init(&a, 0);
	struct conform_signed_info info;
	assert_int_equal(conform_signed_parse(
	                     (const char *)j.payload, j.payload_len, &a, &info, err, sizeof(err)),
	    0);
	assert_int_equal(info.asn, 6939);
	assert_string_equal(info.profile, "manrs-netops");
	assert_string_equal(info.iss, "routemark-test");
	assert_int_equal(info.exp - info.iat, 90 * 86400);
	/* the same verdicts as the unsigned answer */
	json_object *p = json_tokener_parse((const char *)j.payload), *report = field(p, "report");
	json_object *plain = get_json("/api/v1/as/AS6939/conformance?profile=manrs-netops", 200);
	assert_string_equal(json_object_get_string(field(report, "overall")),
	    json_object_get_string(field(plain, "overall")));
	json_object *cs = field(report, "controls"), *cq = field(plain, "controls");
	assert_int_equal(json_object_array_length(cs), json_object_array_length(cq));
	for (size_t i = 0; i < json_object_array_length(cs); i++)
		assert_string_equal(
		    json_object_get_string(field(json_object_array_get_idx(cs, i), "verdict")),
		    json_object_get_string(field(json_object_array_get_idx(cq, i), "verdict")));
	json_object_put(plain);
	json_object_put(p);
	sign_jws_free(&j);
	arena_free(&a);
	sign_keys_free(keys, nk);
	/* errors are JSON, as for /conformance */
	json_object_put(get_json("/api/v1/as/6939/conformance.jws?profile=nope", 400));
	json_object_put(get_json("/api/v1/as/6939/conformance.jws?window=30d", 400));
	json_object_put(get_json("/api/v1/as/4200000000/conformance.jws", 404));
	json_object_put(get_json("/api/v1/as/6939/conformance.jws?snapshot=99999", 404));
	/* the badge stands for the signed report of its snapshot and profile */
	r = get("/badge/AS6939.svg?profile=manrs-netops&snapshot=1");
	assert_int_equal(r.status, 200);
	assert_string_equal(r.link,
	    "</api/v1/as/6939/conformance.jws?profile=manrs-netops&snapshot=1>; "
	    "rel=\"describedby\"; type=\"application/jose\"; title=\"signed report\"");
	assert_non_null(strstr(r.body,
	    "href=\"/api/v1/as/6939/conformance.jws?profile=manrs-netops&amp;snapshot=1\""));
	free(r.body);
	/* an AS not measured: no link */
	r = get("/badge/AS4200000000.svg");
	assert_int_equal(r.status, 404);
	assert_string_equal(r.link, "");
	assert_null(strstr(r.body, "<a "));
	free(r.body);
}

/* Bad input: a 4xx JSON error whose status matches, never a 5xx. */
static void test_errors(void **state)
{
	REQUIRE_SERVER();
	static const struct {
		const char *path;
		long status;
	} bad[] = {
	    {"/api/v1/nothing", 404},
	    {"/api/v1/as/x", 400},
	    {"/api/v1/as/99999999999", 400},
	    {"/api/v1/summary?snapshot=abc", 400},
	    {"/api/v1/summary?snapshot=999", 404},
	    {"/api/v1/summary?snapshot=0", 400},
	    {"/api/v1/summary?bogus=1", 400},
	    {"/api/v1/summary?snapshot=1&snapshot=2", 400},
	    {"/api/v1/snapshots?limit=0", 400},
	    {"/api/v1/snapshots?limit=501", 400},
	    {"/api/v1/snapshots?offset=-1", 400},
	    {"/api/v1/as/6939/findings?metric=M99", 400},
	    {"/api/v1/as/6939/disputes?state=pending", 400},
	    {"/api/v1/incidents?from=tomorrow", 400},
	    {"/api/v1/incidents?from=2015-01-01&to=2014-01-01", 400},
	    {"/api/v1/incidents?asn=foo", 400},
	    {"/api/v1/prefix/not-a-prefix", 400},
	    {"/api/v1/prefix/10.0.0.1/8", 400},
	    {"/api/v1/prefix/8.8.8.0/24?covering=perhaps", 400},
	    {"/api/v1/search", 400},
	    {"/api/v1/search?q=", 400},
	    {"/api/v1/top", 400},
	    {"/api/v1/compare", 400},
	    {"/api/v1/compare?asn=1,2,3,4,5,6,7,8,9", 400},
	    {"/api/v1/compare?asn=1,1", 400},
	    {"/api/v1/as/%zz", 400},
	    {"/api/v1/as/%00", 400},
	    {"/api/v1/../etc/passwd", 400},
	    {"/api/v1/summary/", 404},
	    {"/api//v1", 400},
	    {"/api/v1/as/6939?findings=100000", 400},
	    {"/api/v1/history?scope=", 400},
	    {"/api/v1/as/6939/incidents?from=never", 400},
	    {"/api/v1/as/AS-x/history", 400},
	    {"/api/v1/diff", 400},
	    {"/api/v1/diff?from=1", 400},
	    {"/api/v1/diff?from=x&to=1", 400},
	    {"/api/v1/diff?from=1&to=2&limit=5000", 400},
	    {"/api/v1/diff?from=1&to=2&roas=maybe", 400},
	    {"/api/v1/diff?from=1&to=999", 404},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_object *j = get_json(bad[i].path, bad[i].status);
		assert_int_equal(ifield(j, "error.status"), bad[i].status);
		assert_true(strlen(json_object_get_string(field(j, "error.message"))) > 3);
		json_object_put(j);
	}
	char *big = malloc(URI_MAX + 100);
	snprintf(big, URI_MAX + 100, "/api/v1/search?q=");
	memset(big + strlen(big), 'a', URI_MAX + 40);
	big[URI_MAX + 50] = '\0';
	struct resp r = get(big);
	assert_true(r.status == 414 || r.status == 400);
	expect_valid_resp("GET", big, &r);
	free(r.body);
	free(big);
	r = http("POST", "/api/v1/summary", NULL);
	assert_int_equal(r.status, 405);
	assert_non_null(strstr(r.body, "\"status\":405"));
	expect_valid_resp("POST", "/api/v1/summary", &r);
	free(r.body);
	r = http("DELETE", "/as/6939", NULL);
	assert_int_equal(r.status, 405);
	free(r.body);
}

static void test_etag(void **state)
{
	REQUIRE_SERVER();
	struct resp r = get("/api/v1/as/6939");
	assert_int_equal(r.status, 200);
	assert_int_equal(strlen(r.etag), 18);
	assert_true(r.last_modified[0] != '\0');
	char h[128];
	snprintf(h, sizeof(h), "If-None-Match: %s", r.etag);
	struct resp r2 = http("GET", "/api/v1/as/6939", h);
	assert_int_equal(r2.status, 304);
	assert_int_equal(r2.len, 0);
	snprintf(h, sizeof(h), "If-None-Match: \"x\", W/%s", r.etag);
	struct resp r3 = http("GET", "/api/v1/as/6939", h);
	assert_int_equal(r3.status, 304);
	/* another resource does not match that tag */
	struct resp r4 = http("GET", "/api/v1/as/3257", h);
	assert_int_equal(r4.status, 200);
	expect_valid_resp("GET", "/api/v1/as/6939", &r);
	expect_valid_resp("GET", "/api/v1/as/3257", &r4);
	assert_string_not_equal(r4.etag, r.etag);
	/* HEAD: headers, same tag, no body */
	struct resp r5 = http("HEAD", "/api/v1/as/6939", NULL);
	assert_int_equal(r5.status, 200);
	assert_string_equal(r5.etag, r.etag);
	assert_int_equal(r5.len, 0);
	free(r.body), free(r2.body), free(r3.body), free(r4.body), free(r5.body);
}

static void expect_page(const char *path, long status, const char *const *needles)
{
	struct resp r = get(path);
	if (r.status != status)
		fprintf(stderr, "GET %s: %ld\n", path, r.status);
	assert_int_equal(r.status, status);
	assert_string_equal(r.ctype, "text/html; charset=utf-8");
	assert_non_null(strstr(r.body, "<!DOCTYPE html>"));
	assert_null(strstr(r.body, "<script"));
	assert_null(strstr(r.body, "http://") == NULL ? NULL : strstr(r.body, "src=\"http"));
	for (size_t i = 0; needles && needles[i]; i++) {
		if (strstr(r.body, needles[i]) == NULL)
			fprintf(stderr, "GET %s: missing '%s'\n", path, needles[i]);
		assert_non_null(strstr(r.body, needles[i]));
	}
	free(r.body);
}

static void test_pages(void **state)
{
	REQUIRE_SERVER();
	const char *overview[] = {"Routing security overview", "<svg", "RPKI valid",
	    "MANRS readiness", "afi:4", "name=\"viewport\"",
	    /* provenance: the 2017 VRPs are years from the 2014 routes */
	    "<strong>WARNING:</strong> VRPs dated 2017-06-01", "<h2>Provenance</h2>",
	    "vrps_2017-06-01_from_compress_roas.csv", NULL};
	expect_page("/", 200, overview);
	const char *as[] = {"AS6939 — HURRICANE", "/badge/AS6939.svg", "Scorecard", "Findings",
	    "What to fix", "<details>", "Action 4: RPKI", "page=2#findings",
	    "<strong>WARNING:</strong> VRPs dated", "routes RPKI valid", NULL};
	expect_page("/as/6939", 200, as);
	const char *as2[] = {"page 2 of", "rel=\"prev\"", NULL};
	expect_page("/as/6939?page=2", 200, as2);
	const char *cmp[] = {"Compare networks", "AS6939", "AS3257", "<svg", NULL};
	expect_page("/compare?asn=6939,3257", 200, cmp);
	const char *inc[] = {"Incidents", "M2", "<table>", NULL};
	expect_page("/incidents?metric=M2", 200, inc);
	const char *pfx[] = {"8.8.8.0/24", "/as/15169", NULL};
	expect_page("/prefix/8.8.8.0/24", 200, pfx);
	const char *asorg[] = {"href=\"/org/ORG-CTCL1-AP-APNIC\"",
	    "siblings: ", "<a href=\"/as/9505\">AS9505</a>", NULL};
	expect_page("/as/3462", 200, asorg);
	const char *org[] = {
	    "Chunghwa Telecom", "<a href=\"/as/9505\">AS9505</a>", "worst network", NULL};
	expect_page("/org/ORG-CTCL1-AP-APNIC", 200, org);
	const char *srch[] = {"HURRICANE", "/as/6939", NULL};
	expect_page("/search?q=hurricane", 200, srch);
	const char *top[] = {"Rankings", "Most Hijacks (M2)", "/as/", NULL};
	expect_page("/top?metric=m2", 200, top);
	const char *notfound[] = {"404 Not Found", NULL};
	expect_page("/no/such/page", 404, notfound);
	const char *badp[] = {"400 Bad Request", NULL};
	expect_page("/incidents?from=never", 400, badp);
	/* the badge */
	struct resp r = get("/badge/AS6939.svg");
	assert_int_equal(r.status, 200);
	assert_string_equal(r.ctype, "image/svg+xml");
	assert_non_null(strstr(r.body, ">AS6939</text>"));
	assert_non_null(strstr(r.body, "weakest MANRS Action"));
	free(r.body);
	r = get("/badge/AS4200000000.svg");
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(r.body, "not measured"));
	free(r.body);
}

/* The conformance pages, the links to them, and the badge's profile level. */
static void test_conformance_pages(void **state)
{
	REQUIRE_SERVER();
	struct store *s = open_store();
	struct arena a;
	arena_init(&a, 0);
	struct conform_profile *p;
	struct conform_result res;
	conform_direct(s, "manrs-plus-draft", 0, 6939, &a, &p, &res);
	char overall[80];
	snprintf(overall, sizeof(overall), "rmc-overall %s\">%s</div>",
	    res.overall == CONFORM_CONFORMANT       ? "rmc-conformant"
	    : res.overall == CONFORM_NOT_CONFORMANT ? "rmc-not"
	                                            : "rmc-undetermined",
	    conform_overall_name(res.overall));
	const char *one[] = {"AS6939 HURRICANE", overall, "PLUS-RPKI-1", "PLUS-FILTER-1",
	    "<option value=\"manrs-plus-draft\" selected>", "<option value=\"manrs-netops\">",
	    "href=\"/as/6939\"", "/api/v1/as/6939/conformance?profile=manrs-plus-draft",
	    "/compare/conformance?asn=6939&amp;profile=manrs-plus-draft",
	    /* the anchors `compare --format html|json|csv` link each verdict to */
	    "<tr id=\"control-PLUS-RPKI-1\">", "<tr id=\"control-PLUS-SAV-1\">", NULL};
	expect_page("/as/6939/conformance", 200, one);
	const char *netops[] = {"MANRS for Network Operators",
	    "<option value=\"manrs-netops\" "
	    "selected>",
	    NULL};
	expect_page("/as/AS6939/conformance?profile=manrs-netops", 200, netops);
	const char *cmp[] = {"MANRS+", "<th>AS6939 HURRICANE</th>", "AS3257", "PLUS-RPKI-1",
	    "<th>Overall</th>", "href=\"/as/3257/conformance?profile=manrs-plus-draft\"",
	    "href=\"/compare?asn=6939%2C3257\"", NULL};
	expect_page("/compare/conformance?asn=6939,3257", 200, cmp);
	const char *form[] = {"Compare conformance", "name=\"asn\"", NULL};
	expect_page("/compare/conformance", 200, form);
	const char *bad[] = {"400 Bad Request", "not a shipped profile", NULL};
	expect_page("/as/6939/conformance?profile=..%2Fprofiles%2Fmanrs-netops", 400, bad);
	expect_page("/compare/conformance?asn=6939&profile=nope", 400, bad);
	const char *nf[] = {"404 Not Found", NULL};
	expect_page("/as/4200000000/conformance", 404, nf);
	/* linked from the AS page and the compare page */
	const char *as[] = {"href=\"/as/6939/conformance\"", NULL};
	expect_page("/as/6939", 200, as);
	const char *c2[] = {"href=\"/compare/conformance?asn=6939%2C3257\"", NULL};
	expect_page("/compare?asn=6939,3257", 200, c2);
	/* the badge: the level reached of the profile, small valid SVG */
	char want[96];
	snprintf(want, sizeof(want), ">MANRS+ draft: %s</text>", conform_overall_name(res.overall));
	struct resp r = get("/badge/AS6939.svg");
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, want));
	assert_true(r.len < 1024);
	assert_int_equal(strncmp(r.body, "<svg xmlns=\"http://www.w3.org/2000/svg\" ", 40), 0);
	assert_non_null(strstr(r.body, "</svg>"));
	free(r.body);
	conform_profile_free(p);
	conform_direct(s, "manrs-netops", 0, 6939, &a, &p, &res);
	snprintf(want, sizeof(want), ">MANRS Network Operators: %s</text>",
	    conform_overall_name(res.overall));
	r = get("/badge/AS6939.svg?profile=manrs-netops");
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, want));
	free(r.body);
	r = get("/badge/AS6939.svg?profile=%2Fetc%2Fpasswd");
	assert_int_equal(r.status, 400);
	free(r.body);
	conform_profile_free(p);
	arena_free(&a);
	store_close(s);
}

/* Out of memory while building one response: that request gets a 503 (a JSON error on the
 * API, an HTML page for pages), the server goes on answering the next ones normally. */
static void test_out_of_memory(void **state)
{
	REQUIRE_SERVER();
	serve_buf_limit = 16384; /* a buffer "runs out of memory" beyond 16 KiB */
	struct resp r = get("/api/v1/as/2119?findings=500");
	assert_int_equal(r.status, 503);
	assert_string_equal(r.ctype, "application/json");
	json_object *j = json_tokener_parse(r.body);
	assert_non_null(j);
	assert_string_equal(json_object_get_string(field(j, "error.code")), "out_of_memory");
	assert_int_equal(ifield(j, "error.status"), 503);
	json_object_put(j);
	free(r.body);
	r = get("/api/v1/summary"); /* small: fits */
	assert_int_equal(r.status, 200);
	free(r.body);
	r = get("/as/2119"); /* a page: the HTML error */
	assert_int_equal(r.status, 503);
	assert_non_null(strstr(r.body, "503 Service Unavailable"));
	free(r.body);
	r = get("/api/v1/search?q=TELENOR");
	assert_int_equal(r.status, 200);
	free(r.body);
	serve_buf_limit = 0;
	r = get("/api/v1/as/2119?findings=500");
	assert_int_equal(r.status, 200);
	free(r.body);
	r = get("/as/2119");
	assert_int_equal(r.status, 200);
	free(r.body);
}

/* The server never writes: the store file is unchanged after all the requests, and a store
 * that does not exist is not created. */
/* A raw HTTP/1.1 GET of an event stream on port p: the bytes read until needle came (or
 * timeout), in out. Returns the socket (to close), or -1. */
static int raw_stream(uint16_t p, const char *path, const char *needle, char *out, size_t size)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(p)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		return -1;
	char req[256];
	int n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", path);
	if (write(fd, req, (size_t)n) != n)
		return -1;
	struct timeval tv = {.tv_sec = 10};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	size_t len = 0;
	out[0] = '\0';
	while (strstr(out, needle) == NULL && len + 1 < size) {
		ssize_t k = read(fd, out + len, size - len - 1);
		if (k <= 0)
			break;
		len += (size_t)k;
		out[len] = '\0';
	}
	return fd;
}

/* The alert endpoints over a store without alerts: empty lists, a stream's answer, and the
 * bound on streams (a second server on the store allowing one). */
static void test_alerts_events(void **state)
{
	REQUIRE_SERVER();
	json_object *j = get_json("/api/v1/alerts", 200);
	assert_int_equal(json_object_array_length(field(j, "items")), 0);
	assert_int_equal(json_object_get_int64(field(j, "last_event_id")), 0);
	json_object_put(j);
	json_object_put(get_json("/api/v1/alerts?state=all&limit=5", 200));
	json_object_put(get_json("/api/v1/alerts?state=nope", 400));
	json_object_put(get_json("/api/v1/events?after=x", 400));
	struct serve_config c = {
	    .db = fx.db, .listen = "127.0.0.1:0", .threads = 2, .events_max = 1};
	struct serve *one;
	assert_int_equal(serve_start(&c, &one), 0);
	char buf[2048];
	int fd =
	    raw_stream(serve_port(one), "/api/v1/events?after=0", "retry: 3000", buf, sizeof(buf));
	assert_true(fd >= 0);
	assert_int_equal(strncmp(buf, "HTTP/1.1 200", 12), 0);
	assert_non_null(strcasestr(buf, "Content-Type: text/event-stream\r\n"));
	assert_non_null(strstr(buf, "retry: 3000"));
	size_t n = oas_check_raw(spec(), "GET", "/api/v1/events", 200, "text/event-stream");
	if (n)
		fprintf(stderr, "%s", spec()->err);
	assert_int_equal(n, 0);
	nvalidated++;
	uint16_t keep = fx.port;
	fx.port = serve_port(one);
	json_object_put(get_json("/api/v1/events", 503));
	fx.port = keep;
	close(fd);
	serve_stop(one, 500);
	/* the dashboard's navigation has the alerts page */
	struct resp r = get("/alerts");
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<a href=\"/alerts\">Alerts</a>"));
	assert_non_null(strstr(r.body, "No open alert."));
	free(r.body);
}

static void test_readonly(void **state)
{
	REQUIRE_SERVER();
	struct stat before, after;
	assert_int_equal(stat(fx.db, &before), 0);
	struct resp r = get("/api/v1/summary");
	expect_valid_resp("GET", "/api/v1/summary", &r);
	free(r.body);
	r = get("/as/6939");
	free(r.body);
	assert_int_equal(stat(fx.db, &after), 0);
	assert_int_equal(before.st_size, after.st_size);
	assert_int_equal(before.st_mtime, after.st_mtime);
	char missing[400];
	snprintf(missing, sizeof(missing), "%s/none.db", fx.dir);
	struct serve_config c = {.db = missing, .listen = "127.0.0.1:0", .threads = 1};
	struct serve *sv;
	assert_int_equal(serve_start(&c, &sv), -1);
	assert_int_equal(access(missing, F_OK), -1);
	c.db = fx.db;
	c.listen = "localhost:80";
	assert_int_equal(serve_start(&c, &sv), -1);
}

/* docs/openapi.yaml, the API's contract, describes every API row of the route table (a GET
 * with a 200 response whose schema is a $ref) and nothing else. */
static void test_openapi_covers_routes(void **state)
{
	struct oas *o = spec();
	yaml_node_t *paths = oas_get(o, yaml_document_get_root_node(&o->doc), "paths");
	assert_non_null(paths);
	size_t napi = 0;
	for (size_t i = 0; i < serve_nroutes; i++) {
		if (serve_routes[i].kind != ROUTE_API)
			continue;
		char pat[200];
		snprintf(pat, sizeof(pat), "%s", serve_routes[i].pattern);
		/* the rest of the path: a prefix, or an organisation's id */
		char *star = strstr(pat, "{*}");
		if (star)
			snprintf(star, sizeof(pat) - (size_t)(star - pat), "{prefix}");
		yaml_node_t *ok = oas_get(
		    o, oas_get(o, oas_get(o, oas_get(o, paths, pat), "get"), "responses"), "200");
		if (ok == NULL && star) {
			snprintf(star, sizeof(pat) - (size_t)(star - pat), "{id}");
			ok = oas_get(o,
			    oas_get(o, oas_get(o, oas_get(o, paths, pat), "get"), "responses"),
			    "200");
		}
		if (ok == NULL)
			fprintf(stderr, "docs/openapi.yaml lacks GET %s 200\n", pat);
		assert_non_null(ok);
		napi++;
	}
	assert_true(napi >= 15);
	assert_int_equal(paths->data.mapping.pairs.top - paths->data.mapping.pairs.start, napi);
}

/* Run last: every response the document declares for a GET, success and error, came back
 * from the server and was checked at least once. */
static void test_openapi_all_responses_checked(void **state)
{
	REQUIRE_SERVER();
	struct oas *o = spec();
	size_t n = oas_uncovered(o, "GET");
	if (n)
		fprintf(stderr, "%s", o->err);
	assert_int_equal(n, 0);
	printf("openapi: %zu responses checked against docs/openapi.yaml, %zu path/status pairs\n",
	    nvalidated, o->ncovered);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_target_parse),
	    cmocka_unit_test(test_params),
	    cmocka_unit_test(test_parse_listen),
	    cmocka_unit_test(test_openapi_covers_routes),
	    cmocka_unit_test(test_summary),
	    cmocka_unit_test(test_as_scorecard),
	    cmocka_unit_test(test_org),
	    cmocka_unit_test(test_findings_pages),
	    cmocka_unit_test(test_disputes_empty),
	    cmocka_unit_test(test_incidents),
	    cmocka_unit_test(test_prefix_search_top),
	    cmocka_unit_test(test_snapshots_history_compare),
	    cmocka_unit_test(test_conformance_api),
	    cmocka_unit_test(test_signed_reports),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_etag),
	    cmocka_unit_test(test_pages),
	    cmocka_unit_test(test_conformance_pages),
	    cmocka_unit_test(test_out_of_memory),
	    cmocka_unit_test(test_alerts_events),
	    cmocka_unit_test(test_readonly),
	    cmocka_unit_test(test_openapi_all_responses_checked),
	};
	fixture_sign = 1; /* conformance.jws and the JWK set */
	/* organisations for the organisation scorecards and siblings */
	static char orgs[1100];
	const char *op = test_data_path("caida/20240101.as-org2info.txt.gz");
	if (op)
		snprintf(orgs, sizeof(orgs), "--orgs %s", op);
	fixture_analyze_args = orgs;
	int rc = cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
	oas_free(&spec_);
	return rc;
}
