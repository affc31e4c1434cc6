/* Per-RIR and per-country scopes from real data: the IANA address-space registries loaded as
 * delegations (the RIR of each IPv4 /8 and IPv6 block, an RIR's own record winning over them),
 * the country of the origin AS's organisation where no record names one, and the 2017-03-29
 * and 2024-01-01 RouteViews tables analysed into one store: rir: scopes adding up to "all",
 * every AS still measured without ASN rows, and RPKI coverage rising in the history API. */
#include "testutil.h"

#include <curl/curl.h>
#include <json-c/json.h>

#include "engine/engine.h"
#include "registry/registry.h"
#include "serve/serve.h"
#include "store/store.h"

#define IANA4 "bogons/iana__ipv4-address-space.xml"
#define IANA6 "bogons/iana__ipv6-unicast-address-assignments.xml"
#define NRO "misc/rpkiirrstats__nro-extended-delegated-stats-excerpt.txt"
#define ORGS "caida/20240101.as-org2info.txt.gz"

static char dir[64];

static struct prefix P(const char *s) {
	struct prefix p;
	assert_int_equal(prefix_parse(s, &p), 0);
	return p;
}

static const struct deleg_entry *
at(const struct delegated *d, const char *s, char *blk)
{
	struct prefix q = P(s), b;
	const struct deleg_entry *e = delegated_prefix(d, &q, &b);
	if (e && blk)
		prefix_format(&b, blk, PREFIX_STRLEN);
	return e;
}

/* data paths copied (test_data_path rotates 4 buffers) */
static void paths(char (*out)[1024], const char *const *rel, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *x = test_data_path(rel[i]);
		assert_non_null(x);
		snprintf(out[i], sizeof(out[i]), "%s", x);
	}
}

static void test_iana_as_delegations(void **state)
{
	REQUIRE_DATA(v4, IANA4);
	static const char *const rel[] = {IANA4, IANA6, NRO, ORGS};
	for (size_t i = 1; i < 4; i++) {
		REQUIRE_DATA(x, rel[i]);
	}
	char p[4][1024], blk[PREFIX_STRLEN];
	paths(p, rel, 4);
	struct delegated d;
	delegated_init(&d);
	assert_int_equal(delegated_load(&d, p[0]), 0);
	assert_int_equal(delegated_load(&d, p[1]), 0);
	/* no ASN rows, no RIR statistics: only coarse IANA blocks */
	assert_int_equal(d.nasn, 0);
	assert_int_equal(d.st.ipv4 + d.st.ipv6, 0);
	assert_int_equal(d.st.malformed, 0);
	/* 256 /8s less 35 reserved, multicast and future-use ones; 40 IPv6 blocks less 6to4 */
	assert_int_equal(d.st.iana, 221 + 39);
	assert_int_equal(d.st.iana_skipped, 35 + 1);
	const struct deleg_entry *e = at(&d, "193.0.0.0/21", blk);
	assert_non_null(e);
	assert_string_equal(deleg_rir_name(e->rir), "ripencc");
	assert_string_equal(blk, "193.0.0.0/8");
	assert_int_equal(e->iana, 1);
	assert_string_equal(e->cc, "");
	e = at(&d, "8.8.8.0/24", NULL); /* 008/8 "Administered by ARIN", LEGACY */
	assert_string_equal(deleg_rir_name(e->rir), "arin");
	assert_true(deleg_is_delegated(e));
	e = at(&d, "6.1.0.0/16", NULL); /* Army Information Systems Center: whois.arin.net */
	assert_string_equal(deleg_rir_name(e->rir), "arin");
	assert_string_equal(deleg_rir_name(at(&d, "1.0.4.0/24", NULL)->rir), "apnic");
	assert_string_equal(deleg_rir_name(at(&d, "41.0.0.0/11", NULL)->rir), "afrinic");
	assert_string_equal(deleg_rir_name(at(&d, "200.1.0.0/16", NULL)->rir), "lacnic");
	assert_null(at(&d, "240.0.0.0/8", NULL)); /* future use: no RIR */
	assert_null(at(&d, "224.0.0.0/24", NULL));
	e = at(&d, "2a00:1450::/32", blk);
	assert_string_equal(deleg_rir_name(e->rir), "ripencc");
	assert_string_equal(blk, "2a00::/12");
	assert_string_equal(deleg_rir_name(at(&d, "2600:1f00::/24", NULL)->rir), "arin");
	assert_string_equal(
	    deleg_rir_name(at(&d, "2001:4:112::/48", blk)->rir), "iana"); /* AS112 */
	assert_string_equal(blk, "2001::/23");
	assert_string_equal(deleg_rir_name(at(&d, "2001:db8::/32", blk)->rir), "apnic");
	assert_string_equal(blk, "2001:c00::/23");
	assert_null(at(&d, "2002:c000:204::/48", NULL)); /* 6to4 */

	/* no ASN rows: no AS is an administrative bogon, and IANA's blocks decide no prefix */
	struct bogon_db db;
	bogon_db_init(&db);
	bogon_db_set_delegated(&db, &d);
	assert_int_equal(bogon_check_asn(&db, 3333, NULL), BOGON_NOT);
	struct prefix q = P("193.0.0.0/21");
	assert_int_equal(bogon_check_prefix(&db, &q, NULL), BOGON_NOT);

	/* an RIR's records win over IANA's, whichever was loaded first */
	struct delegated n;
	delegated_init(&n);
	assert_int_equal(delegated_load(&n, p[2]), 0);
	assert_int_equal(delegated_load(&n, p[0]), 0);
	assert_int_equal(delegated_load(&n, p[1]), 0);
	assert_int_equal(delegated_load(&d, p[2]), 0);
	const struct delegated *both[2] = {&n, &d};
	for (int k = 0; k < 2; k++) {
		e = at(both[k], "1.0.0.0/24", blk); /* apnic|AU|ipv4|1.0.0.0|256 */
		assert_string_equal(e->cc, "AU");
		assert_int_equal(e->iana, 0);
		assert_string_equal(blk, "1.0.0.0/24");
		e = at(both[k], "1.0.4.0/24", blk); /* not in the excerpt: APNIC's /8 */
		assert_int_equal(e->iana, 1);
		assert_string_equal(blk, "1.0.0.0/8");
		e = at(both[k], "2001:600:1::/48", blk); /* ripencc|EU|ipv6|2001:600::|32 */
		assert_string_equal(e->cc, "EU");
		assert_string_equal(blk, "2001:600::/32");
	}
	/* with RIR statistics loaded, space they leave out stays an administrative bogon */
	bogon_db_set_delegated(&db, &n);
	q = P("2.48.0.0/16");
	struct bogon_verdict v;
	assert_int_equal(bogon_check_prefix(&db, &q, &v), BOGON_ADMIN);
	assert_null(v.deleg);

	/* the country: the record's, else the origin AS's organisation's, else ZZ */
	struct as2org orgs;
	as2org_init(&orgs);
	assert_int_equal(as2org_load(&orgs, p[3]), 0);
	struct deleg_region r;
	q = P("193.0.0.0/21");
	deleg_region(&d, &orgs, &q, 3333, &r); /* RIPE NCC's own AS: ORG-RIEN1-RIPE, NL */
	assert_string_equal(r.rir, "ripencc");
	assert_string_equal(r.cc, "NL");
	deleg_region(&d, NULL, &q, 3333, &r);
	assert_string_equal(r.cc, "ZZ");
	q = P("1.0.0.0/24");
	deleg_region(&d, &orgs, &q, 13335, &r); /* the APNIC record says AU; Cloudflare is US */
	assert_string_equal(r.rir, "apnic");
	assert_string_equal(r.cc, "AU");
	q = P("2001:601::/32"); /* ripencc|ZZ|...|reserved: no country, the origin's */
	deleg_region(&d, &orgs, &q, 15169, &r);
	assert_string_equal(r.cc, "US");
	q = P("240.1.0.0/16");
	deleg_region(&d, &orgs, &q, 4294967295u, &r);
	assert_string_equal(r.rir, "unknown");
	assert_string_equal(r.cc, "ZZ");
	deleg_region(NULL, &orgs, &q, 15169, &r);
	assert_null(r.rec);
	assert_string_equal(r.cc, "US");
	as2org_free(&orgs);
	bogon_db_free(&db);
	delegated_free(&n);
	delegated_free(&d);
}

/* Bad input in memory: a record without a usable prefix skipped and counted, other XML refused. */
static void test_iana_mem(void **state)
{
	static const char xml[] =
	    "<?xml version='1.0'?>\n<registry id=\"ipv4-address-space\">\n"
	    "<record><prefix>300/8</prefix><designation>ARIN</designation></record>\n"
	    "<record><prefix>193/8</prefix><designation>RIPE NCC</designation>"
	    "<status>ALLOCATED</status></record>\n"
	    "<record><prefix>006/8</prefix><designation>Army</designation>"
	    "<whois>whois.arin.net</whois><status>LEGACY</status></record>\n"
	    "<record><prefix>240/4</prefix><designation>Future use</designation></record>\n"
	    "<record><prefix>010/8</prefix><designation>Administered by LACNIC</designation>";
	struct delegated d;
	delegated_init(&d);
	assert_int_equal(delegated_load_iana_mem(&d, xml, strlen(xml), "t.xml"), 0);
	assert_int_equal(d.st.malformed, 1);
	assert_int_equal(d.st.iana, 3); /* cut last record: up to the end of the buffer */
	assert_int_equal(d.st.iana_skipped, 1);
	assert_int_equal(at(&d, "193.1.0.0/16", NULL)->status, DELEG_ALLOCATED);
	assert_int_equal(at(&d, "6.0.0.0/8", NULL)->status, DELEG_ASSIGNED);
	assert_string_equal(deleg_rir_name(at(&d, "10.0.0.0/8", NULL)->rir), "lacnic");
	const char *other = "<?xml version='1.0'?><registry id=\"as-numbers\"></registry>";
	assert_int_equal(delegated_load_iana_mem(&d, other, strlen(other), "o.xml"), -1);
	other = "<?xml version='1.0'?><registry id=\"ipv6-address-space\"></registry>";
	assert_int_equal(delegated_load_iana_mem(&d, other, strlen(other), "o.xml"), -1);
	assert_int_equal(delegated_load_iana_mem(&d, "2|nro|1", 7, "o.txt"), -1);
	delegated_free(&d);
}

static size_t on_body(char *p, size_t sz, size_t n, void *arg)
{
	return fwrite(p, sz, n, (FILE *)arg);
}

static char *get(uint16_t port, const char *path)
{
	char url[256], *body = NULL;
	size_t len = 0;
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
	FILE *f = open_memstream(&body, &len);
	CURL *h = curl_easy_init();
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	assert_int_equal(curl_easy_perform(h), CURLE_OK);
	long code = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	assert_int_equal(code, 200);
	curl_easy_cleanup(h);
	fclose(f);
	return body;
}

static int64_t analyze(const char *db, const char *table, const char *vrps, char (*p)[1024])
{
	struct refs_spec spec;
	memset(&spec, 0, sizeof(spec));
	spec.vrps = vrps;
	assert_int_equal(refs_spec_add(&spec, "delegated", p[0]), 0);
	assert_int_equal(refs_spec_add(&spec, "delegated", p[1]), 0);
	assert_int_equal(refs_spec_add(&spec, "orgs", p[2]), 0);
	struct engine_job job = {.db = db, .refs = &spec, .mrt = &table, .nmrt = 1};
	observe_config_default(&job.cfg);
	struct engine_outcome out;
	int rc = engine_analyze(&job, &out);
	refs_spec_free(&spec);
	assert_int_equal(rc, 0);
	return out.snap.id;
}

/* The sum of key over the scopes starting with prefix, and how many there are. */
static double sum(
    const struct store_global *g, size_t n, const char *prefix, const char *key, size_t *count)
{
	double t = 0;
	*count = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(g[i].scope, prefix, strlen(prefix)) == 0 && strcmp(g[i].key, key) == 0)
			t += g[i].value, ++*count;
	return t;
}

static double val(const struct store_global *g, size_t n, const char *scope, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(g[i].scope, scope) == 0 && strcmp(g[i].key, key) == 0)
			return g[i].value;
	return -1;
}

static void test_history_per_rir(void **state)
{
	static const char *const rel[] = {IANA4, IANA6, ORGS,
	    "routing/caida_routeviews-rv2-20170329-0200.pfx2as.gz",
	    "rpki/vrps_2017-04-13_from_compress_roas.csv",
	    "routing/caida_routeviews-rv2-20240101-1200.pfx2as.gz",
	    "rpki/rpki_2023-11-07_derived_roas_aspas.json.gz"};
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		REQUIRE_DATA(x, rel[i]);
	}
	char p[7][1024];
	paths(p, rel, 7);
	char db[128];
	snprintf(db, sizeof(db), "%s/rir.db", dir);
	int64_t s24 = analyze(db, p[5], p[6], p); /* written first: the history orders by data */
	int64_t s17 = analyze(db, p[3], p[4], p);
	struct store *s;
	assert_int_equal(store_open(db, 1, &s), 0);
	int64_t snaps[2] = {s17, s24};
	double valid_share[2];
	for (int k = 0; k < 2; k++) {
		struct arena a;
		arena_init(&a, 0);
		struct store_global *g;
		size_t n, nrir, ncc, nx;
		assert_int_equal(store_get_globals(s, snaps[k], "", &a, &g, &n), 0);
		double all = val(g, n, "all", "routes");
		assert_true(all > 700000);
		/* every route in exactly one RIR and one country */
		assert_true(sum(g, n, "rir:", "routes", &nrir) == all);
		assert_true(sum(g, n, "cc:", "routes", &ncc) == all);
		assert_true(sum(g, n, "rir:", "rpki_valid", &nx) == val(g, n, "all", "rpki_valid"));
		assert_true(nrir >= 5 && nrir <= 7);
		assert_true(ncc > 150);
		/* nearly all in the five RIRs, the country of most known (of the 2017 origins,
		 * 2 % are in no 2024 organisation) */
		assert_true(val(g, n, "rir:unknown", "routes") < all / 1000);
		assert_true(val(g, n, "cc:ZZ", "routes") < all / 25);
		assert_true(val(g, n, "cc:US", "routes") > all / 10);
		assert_true(val(g, n, "cc:NL", "routes") > 0);
		assert_true(val(g, n, "rir:ripencc", "space_v4_24s") > 1e6);
		valid_share[k] =
		    val(g, n, "rir:ripencc", "rpki_valid") / val(g, n, "rir:ripencc", "routes");
		/* no ASN rows: every AS seen is still measured (none "not delegated") */
		struct store_snapshot sn;
		assert_int_equal(store_snapshot_get(s, snaps[k], &sn), 1);
		double measured = 0;
		static const char *const st[] = {
		    "action4_ready", "action4_aspiring", "action4_lagging", "action4_no_data"};
		for (int i = 0; i < 4; i++)
			measured += val(g, n, "all", st[i]) > 0 ? val(g, n, "all", st[i]) : 0;
		assert_true(measured >= 0.99 * (double)sn.ases);
		arena_free(&a);
	}
	assert_true(valid_share[0] < 0.2 && valid_share[1] > 0.4);
	store_close(s);

	/* the history API: both points of rir:ripencc, oldest data first, coverage rising */
	struct serve_config c = {.db = db, .listen = "127.0.0.1:0", .threads = 1};
	struct serve *sv;
	assert_int_equal(serve_start(&c, &sv), 0);
	char *body = get(serve_port(sv), "/api/v1/history?scope=rir:ripencc");
	char *page = get(serve_port(sv), "/");
	serve_stop(sv, 500);
	json_object *o = json_tokener_parse(body), *series, *x, *v;
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "series", &series));
	assert_int_equal(json_object_array_length(series), 2);
	double routes[2], valid[2];
	for (size_t i = 0; i < 2; i++) {
		x = json_object_array_get_idx(series, i);
		assert_true(json_object_object_get_ex(x, "snapshot", &v));
		assert_int_equal(json_object_get_int64(v), snaps[i]);
		assert_true(json_object_object_get_ex(x, "routes", &v));
		routes[i] = json_object_get_double(v);
		assert_true(json_object_object_get_ex(x, "rpki_valid", &v));
		valid[i] = json_object_get_double(v);
	}
	assert_true(valid[0] / routes[0] == valid_share[0]);
	assert_true(valid[1] / routes[1] == valid_share[1]);
	json_object_put(o);
	free(body);
	/* the overview's per-RIR chart and table: five RIRs, both snapshots */
	assert_non_null(strstr(page, "RPKI coverage per RIR over time"));
	assert_non_null(strstr(page, "Share of routes RPKI valid per RIR"));
	assert_non_null(strstr(page, "/api/v1/history?scope=rir:ripencc"));
	assert_non_null(strstr(page, "2017-03-29"));
	free(page);
}

static int setup(void **state)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return test_tmpdir_make(dir, sizeof(dir), "rir");
}

static int teardown(void **state)
{
	curl_global_cleanup();
	return test_tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_iana_as_delegations),
	    cmocka_unit_test(test_iana_mem),
	    cmocka_unit_test(test_history_per_rir),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
