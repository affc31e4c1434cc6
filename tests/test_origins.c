/* Prefix-to-origin tables as a route source (src/origins): the three formats told from their
 * content, the MOAS / AS-set rules, malformed rows, times from file names; and the same-era
 * bundles of ../shared/data analysed whole, giving exactly the counts an independent
 * computation gave (SOURCES.md), with both snapshots' growth in the history API. */
#include "testutil.h"

#include <curl/curl.h>
#include <json-c/json.h>

#include "engine/engine.h"
#include "origins/origins.h"
#include "serve/serve.h"
#include "store/store.h"

static char dir[64];

static const char *write_tmp(const char *name, const char *text)
{
	static char path[16][160];
	static int next;
	char *p = path[next++ % 16];
	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return p;
}

/* Every route of a table: "prefix origin" lines joined. */
static void read_all(const char *path, enum origins_format f, int strict, char *out, size_t size,
    struct origins_stats *st, int *rc)
{
	struct origins_reader *r = origins_open(path, f, 1704110400, strict);
	assert_non_null(r);
	struct mrt_route rt;
	size_t o = 0;
	out[0] = '\0';
	while ((*rc = origins_next(r, &rt)) == 1) {
		char p[64];
		uint32_t origin;
		prefix_format(&rt.prefix, p, sizeof(p));
		assert_int_equal(rt.kind, MRT_ROUTE_RIB);
		assert_int_equal(rt.origin_only, 1);
		assert_int_equal(rt.ts, 1704110400);
		assert_int_equal(
		    aspath_words_origin(rt.attrs->aspath, rt.attrs->aspath_nwords, &origin), 0);
		o += (size_t)snprintf(out + o, size - o, "%s %u;", p, origin);
	}
	*st = *origins_stats(r);
	origins_close(r);
}

static void test_formats(void **state)
{
	const char *pfx2as = write_tmp("routeviews-rv2-20240101-1200.pfx2as",
	    "1.0.0.0\t24\t13335\n"
	    "1.2.4.0\t24\t24151_24409\n"
	    "5.5.0.0\t16\t100_200,300\n" /* a MOAS with an AS set: the route of origin 100 */
	    "6.6.0.0\t16\t400,500\n"     /* an AS set alone: no route */
	    "2001:db8::\t32\t64500\n");
	const char *ris =
	    write_tmp("riswhois.txt", "% RIS whois dump\n%\n\n3333\t193.0.0.0/21\t338\n"
	                              "{64500,64501}\t10.0.0.0/8\t2\n"
	                              "15169\t2001:4860::/32\t300\n");
	const char *pyasn = write_tmp("ipasn_20140513.dat",
	    "; IP-ASN32-DAT file\n; Prefixes : 2\n1.0.0.0/24\t15169\n1.0.4.0/24\t56203\n");
	assert_int_equal(origins_detect(pfx2as), ORIGINS_PFX2AS);
	assert_int_equal(origins_detect(ris), ORIGINS_RISWHOIS);
	assert_int_equal(origins_detect(pyasn), ORIGINS_PYASN);
	/* neither: an MRT file, prose, a mix of formats */
	assert_int_equal(origins_detect(write_tmp("prose.txt", "hello world\n")), ORIGINS_NONE);
	assert_int_equal(
	    origins_detect(write_tmp("mix.txt", "1.0.0.0\t24\t1\n1.0.0.0/24\t1\n")), ORIGINS_NONE);
	const char *mrt = test_data_path("mrt/bgpdump__updates.20020722.2238.gz");
	if (mrt)
		assert_int_equal(origins_detect(mrt), ORIGINS_NONE);

	char out[1024];
	struct origins_stats st;
	int rc;
	read_all(pfx2as, ORIGINS_PFX2AS, 0, out, sizeof(out), &st, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "1.0.0.0/24 13335;1.2.4.0/24 24151;1.2.4.0/24 24409;"
	                         "5.5.0.0/16 100;2001:db8::/32 64500;");
	assert_int_equal(st.entries, 5);
	assert_int_equal(st.routes, 5);
	assert_int_equal(st.moas, 1); /* 1.2.4.0/24; 100_200,300 has one single origin */
	assert_int_equal(st.as_sets, 2);
	read_all(ris, ORIGINS_RISWHOIS, 0, out, sizeof(out), &st, &rc);
	assert_string_equal(out, "193.0.0.0/21 3333;2001:4860::/32 15169;");
	assert_int_equal(st.as_sets, 1);
	read_all(pyasn, ORIGINS_PYASN, 0, out, sizeof(out), &st, &rc);
	assert_string_equal(out, "1.0.0.0/24 15169;1.0.4.0/24 56203;");

	/* malformed rows: named, skipped, counted; fatal under strict */
	const char *bad = write_tmp("bad.pfx2as",
	    "1.0.0.0\t24\t13335\n1.0.0.1\t24\t1\n9.9.9.0\t24\tAS-FOO\n2.0.0.0\t8\t3215\n");
	read_all(bad, ORIGINS_PFX2AS, 0, out, sizeof(out), &st, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "1.0.0.0/24 13335;2.0.0.0/8 3215;");
	assert_int_equal(st.malformed, 2); /* host bits set; an origin that is no AS number */
	read_all(bad, ORIGINS_PFX2AS, 1, out, sizeof(out), &st, &rc);
	assert_int_equal(rc, -2);
	assert_string_equal(out, "1.0.0.0/24 13335;");
}

/* Both ways of reading row line agree: the same verdict, prefix, origins and AS sets. */
static void rows_agree(enum origins_format f, const char *line)
{
	struct prefix p1, p2;
	uint32_t o1[ORIGINS_ROW_MAX], o2[ORIGINS_ROW_MAX];
	int n1 = -1, n2 = -1;
	uint64_t s1 = 0, s2 = 0;
	int r1 = origins_parse_row(f, line, 0, &p1, o1, &n1, &s1);
	int r2 = origins_parse_row(f, line, 1, &p2, o2, &n2, &s2);
	if (r1 != r2)
		fail_msg("row '%s': fast %d, general %d", line, r1, r2);
	if (r1 != 0)
		return;
	assert_memory_equal(&p1, &p2, sizeof(p1));
	assert_int_equal(n1, n2);
	assert_memory_equal(o1, o2, (size_t)n1 * sizeof(*o1));
	assert_true(s1 == s2);
}

/* The fast path of plain IPv4 pfx2as rows reads every row as the general path does: edge
 * cases around its shape, and every row of the shared data's three CAIDA tables. */
static void test_pfx2as_fast_path(void **state)
{
	(void)state;
	static const char *const rows[] = {"1.0.0.0\t24\t13335", "1.0.0.0 24 13335",
	    "1.0.0.0\t\t24 \t13335  ", "0.0.0.0\t0\t0", "255.255.255.255\t32\t4294967295",
	    "1.0.0.0\t24\t4294967296", "1.0.0.0\t24\t013335", "01.0.0.0\t24\t1", "1.0.0.0\t024\t1",
	    "1.0.0.0\t05\t1", "1.0.0.0\t33\t1", "1.0.0.1\t24\t1", "1.0.0.0\t8\t1",
	    "256.0.0.0\t8\t1", "1.0.0\t24\t1", "1.0.0.0.0\t24\t1", "1.0.0.0\t24\t1_2_3",
	    "1.0.0.0\t24\t1__2", "1.0.0.0\t24\t_1", "1.0.0.0\t24\t1_", "1.0.0.0\t24\t1,2",
	    "1.0.0.0\t24\t1_2,3", "1.0.0.0\t24\t{1,2}", "1.0.0.0\t24", "1.0.0.0\t24\t1\t9",
	    "1.0.0.0\t24\t1\r", "1.0.0.0/24\t24\t1", " 1.0.0.0\t24\t1", "1.0.0.0\t24\tAS1",
	    "1.0.0.0\t24\t1.5", "2001:db8::\t32\t1", "1.0.0.0\t24\t-1", "1.0.0.0\t24\t12345678901",
	    ""};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		rows_agree(ORIGINS_PFX2AS, rows[i]);
	/* 64 origins are kept, 65 are malformed; a row of 512 bytes or more is malformed */
	char big[1024];
	for (int k = 63; k <= 66; k++) {
		int o = snprintf(big, sizeof(big), "10.0.0.0\t8\t");
		for (int j = 0; j < k; j++)
			o += snprintf(
			    big + o, sizeof(big) - (size_t)o, "%s%d", j ? "_" : "", 1000000 + j);
		rows_agree(ORIGINS_PFX2AS, big);
	}
	memset(big, ' ', sizeof(big));
	memcpy(big, "10.0.0.0\t8\t1", 13);
	for (size_t at = 505; at <= 515; at++) {
		big[at] = '\0';
		rows_agree(ORIGINS_PFX2AS, big);
		big[at] = ' ';
	}
	const char *files[] = {"routing/caida_routeviews-rv2-20170329-0200.pfx2as.gz",
	    "routing/caida_routeviews-rv2-20240101-1200.pfx2as.gz",
	    "routing/caida_routeviews-rv2-20240406.pfx2as.gz"};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		REQUIRE_DATA(path, files[i]);
		struct zlines zl;
		assert_int_equal(zlines_open(&zl, path), 0);
		char *line;
		size_t len;
		uint64_t n = 0;
		while (zlines_next(&zl, &line, &len) == 1) {
			rows_agree(ORIGINS_PFX2AS, line);
			n++;
		}
		zlines_close(&zl);
		assert_true(n > 500000);
	}
}

static void test_time_from_name(void **state)
{
	assert_int_equal(
	    origins_time_from_name("/x/caida_routeviews-rv2-20240101-1200.pfx2as.gz"), 1704110400);
	assert_int_equal(
	    origins_time_from_name("routeviews-rv2-20240406.pfx2as"), 1712361600); /* 00:00 */
	assert_int_equal(origins_time_from_name("ipasn_20140513.dat.gz"), 1399939200);
	assert_int_equal(origins_time_from_name("riswhoisdump.IPv4.gz"), -1);
	assert_int_equal(origins_time_from_name("table-20241399.txt"), -1); /* no such date */
}

static size_t on_body(char *p, size_t sz, size_t n, void *arg)
{
	FILE *f = arg;
	return fwrite(p, sz, n, f);
}

static double global(struct store *s, int64_t snap, const char *key)
{
	struct arena a;
	arena_init(&a, 0);
	struct store_global *g;
	size_t n;
	double v = -1;
	assert_int_equal(store_get_globals(s, snap, "all", &a, &g, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(g[i].key, key) == 0)
			v = g[i].value;
	arena_free(&a);
	return v;
}

static int64_t analyze(const char *db, const char *table, const char *vrps, const char *irr)
{
	struct refs_spec spec;
	memset(&spec, 0, sizeof(spec));
	spec.vrps = vrps;
	if (irr)
		assert_int_equal(refs_spec_add(&spec, "irr", irr), 0);
	struct engine_job job = {.db = db, .refs = &spec, .mrt = &table, .nmrt = 1};
	observe_config_default(&job.cfg);
	struct engine_outcome out;
	int rc = engine_analyze(&job, &out);
	refs_spec_free(&spec);
	assert_int_equal(rc, 0);
	return out.snap.id;
}

static void test_same_era_bundles(void **state)
{
	static const char *const rel[5] = {"routing/caida_routeviews-rv2-20240101-1200.pfx2as.gz",
	    "rpki/rpki_2023-11-07_derived_roas_aspas.json.gz",
	    "irr/irr_2024-01-01_16-irrs_route.db.gz",
	    "routing/caida_routeviews-rv2-20170329-0200.pfx2as.gz",
	    "rpki/vrps_2017-04-13_from_compress_roas.csv"};
	char p[5][1024]; /* test_data_path rotates 4 buffers: copy each */
	for (int i = 0; i < 5; i++) {
		REQUIRE_DATA(x, rel[i]);
		snprintf(p[i], sizeof(p[i]), "%s", x);
	}
	const char *t24 = p[0], *v23 = p[1], *irr = p[2], *t17 = p[3], *v17 = p[4];
	char db[128];
	snprintf(db, sizeof(db), "%s/era.db", dir);
	int64_t s24 = analyze(db, t24, v23, irr);
	int64_t s17 = analyze(db, t17, v17, NULL);
	struct store *s;
	assert_int_equal(store_open(db, 1, &s), 0);
	/* the counts an independent RFC 6811 computation gave (../shared/data/SOURCES.md) */
	struct store_snapshot sn;
	assert_int_equal(store_snapshot_get(s, s24, &sn), 1);
	assert_int_equal(sn.routes, 993468);
	assert_int_equal(sn.period_start, 1704110400); /* the table's time, from its name */
	assert_true(global(s, s24, "rpki_valid") == 376898);
	assert_true(global(s, s24, "rpki_invalid") == 7098);
	assert_true(global(s, s24, "rpki_notfound") == 609472);
	assert_true(global(s, s24, "irr_registered") == 319196);
	assert_int_equal(store_snapshot_get(s, s17, &sn), 1);
	assert_int_equal(sn.routes, 702184);
	assert_true(global(s, s17, "rpki_valid") == 46422);
	assert_true(global(s, s17, "rpki_invalid") == 5004);
	/* a table has no paths: the path metrics are "no data", never 0 */
	struct arena a;
	arena_init(&a, 0);
	struct store_metric *m;
	size_t nm;
	assert_int_equal(store_get_metrics(s, s24, 13335, &a, &m, &nm), 0);
	int seen = 0;
	for (size_t i = 0; i < nm; i++) {
		if (strcmp(m[i].metric, "M1") == 0 || strcmp(m[i].metric, "M1C") == 0 ||
		    strcmp(m[i].metric, "M4") == 0) {
			assert_true(m[i].percent < 0);
			seen++;
		}
		if (strcmp(m[i].metric, "M7RPKI") == 0)
			assert_true(m[i].percent >= 0);
	}
	assert_int_equal(seen, 3);
	arena_free(&a);
	store_close(s);

	/* the history API shows the growth, oldest data first */
	struct serve_config c = {.db = db, .listen = "127.0.0.1:0", .threads = 1};
	struct serve *sv;
	assert_int_equal(serve_start(&c, &sv), 0);
	char url[128], *body = NULL;
	size_t len = 0;
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/api/v1/history", serve_port(sv));
	FILE *f = open_memstream(&body, &len);
	CURL *h = curl_easy_init();
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, f);
	assert_int_equal(curl_easy_perform(h), CURLE_OK);
	curl_easy_cleanup(h);
	fclose(f);
	serve_stop(sv, 500);
	json_object *o = json_tokener_parse(body), *series, *x, *v;
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "series", &series));
	assert_int_equal(json_object_array_length(series), 2);
	int64_t want[2][2] = {{s17, 46422}, {s24, 376898}};
	for (size_t i = 0; i < 2; i++) {
		x = json_object_array_get_idx(series, i);
		assert_true(json_object_object_get_ex(x, "snapshot", &v));
		assert_int_equal(json_object_get_int64(v), want[i][0]);
		assert_non_null(strstr(json_object_to_json_string(x), i ? "376898" : "46422"));
	}
	json_object_put(o);
	free(body);
}

static int setup(void **state)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return test_tmpdir_make(dir, sizeof(dir), "origins");
}

static int teardown(void **state)
{
	curl_global_cleanup();
	return test_tmpdir_remove(dir);
}

/* A table of many batches (rows are parsed on a thread and handed over 4096 at a time):
 * routes in row order, MOAS rows giving each origin, a malformed row skipped (or ending the
 * read under strict after every row before it), and a reader closed half-way. */
static void test_many_rows(void **state)
{
	enum { N = 20000, BAD = 15000 };
	char *text = xmalloc((size_t)N * 40);
	size_t o = 0;
	for (int i = 0; i < N; i++) {
		if (i == BAD)
			o += (size_t)sprintf(
			    text + o, "10.%d.%d.1\t24\t7\n", i / 256 % 256, i % 256);
		else if (i % 10 == 3)
			o += (size_t)sprintf(text + o, "10.%d.%d.0\t24\t%d_%d\n", i / 256 % 256,
			    i % 256, i + 1, i + 2);
		else
			o += (size_t)sprintf(
			    text + o, "10.%d.%d.0\t24\t%d\n", i / 256 % 256, i % 256, i + 1);
	}
	const char *path = write_tmp("routeviews-rv2-20240101-1200.pfx2as", text);
	free(text);
	for (int strict = 0; strict <= 1; strict++) {
		struct origins_reader *r = origins_open(path, ORIGINS_PFX2AS, 1704110400, strict);
		assert_non_null(r);
		struct mrt_route rt;
		int rc, i = 0, second = 0;
		uint64_t routes = 0;
		while ((rc = origins_next(r, &rt)) == 1) {
			uint32_t origin;
			assert_int_equal(
			    aspath_words_origin(rt.attrs->aspath, rt.attrs->aspath_nwords, &origin),
			    0);
			if (second) { /* the second origin of a MOAS row */
				assert_int_equal(origin, i + 2);
				second = 0;
				i++;
			} else {
				if (i == BAD)
					i++;
				assert_int_equal(rt.record, (uint64_t)i + 1);
				assert_int_equal(rt.prefix.addr[1], i / 256 % 256);
				assert_int_equal(rt.prefix.addr[2], i % 256);
				assert_int_equal(origin, i + 1);
				if (i % 10 == 3)
					second = 1;
				else
					i++;
			}
			routes++;
		}
		const struct origins_stats *st = origins_stats(r);
		assert_int_equal(st->malformed, 1);
		if (strict) {
			assert_int_equal(rc, -2);
			assert_int_equal(i, BAD);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(i, N);
			assert_int_equal(st->entries, N);
			assert_int_equal(st->routes, routes);
			assert_int_equal(routes, N - 1 + N / 10);
		}
		origins_close(r);
	}
	struct origins_reader *r = origins_open(path, ORIGINS_PFX2AS, 1704110400, 0);
	struct mrt_route rt;
	for (int k = 0; k < 10; k++)
		assert_int_equal(origins_next(r, &rt), 1);
	origins_close(r); /* the parsing thread stops without the rest being read */
	unlink(path);
}

/* What the check of test_check saw of one route. */
struct seen_route {
	struct prefix prefix;
	uint32_t origin;
	uint64_t record;
	int ok; /* a one-AS route as handed out (no assert on the parser's thread) */
};

static void check_route(void *arg, int worker, const struct mrt_route *rt, void *out)
{
	struct seen_route *s = out;
	uint64_t *calls = arg; /* one count per worker: the two may run at once */
	calls[worker == ORIGINS_PARSER ? 0 : 1]++;
	s->prefix = rt->prefix;
	s->record = rt->record;
	s->ok = rt->origin_only && rt->kind == MRT_ROUTE_RIB &&
	        aspath_words_origin(rt->attrs->aspath, rt->attrs->aspath_nwords, &s->origin) == 0;
}

/* A check on every route where the rows are parsed (the engine's prefix checks): run once per
 * route, MOAS origins each, across batch boundaries, its result handed out with that very
 * route; none without a check. */
static void test_check(void **state)
{
	enum { N = 9000 }; /* three batches */
	char *text = xmalloc((size_t)N * 40);
	size_t o = 0;
	for (int i = 0; i < N; i++)
		o += (size_t)sprintf(text + o,
		    i % 7 == 2 ? "10.%d.%d.0\t24\t%d_%d_5\n" : "10.%d.%d.0\t24\t%d\n",
		    i / 256 % 256, i % 256, i + 1, i + 2);
	const char *path = write_tmp("routeviews-rv2-20240101-1200.pfx2as", text);
	free(text);
	uint64_t calls[2] = {0, 0}, routes = 0;
	struct origins_check check = {check_route, calls, sizeof(struct seen_route)};
	struct origins_reader *r =
	    origins_open_checked(path, ORIGINS_PFX2AS, 1704110400, 0, &check);
	assert_non_null(r);
	assert_null(origins_checked(r)); /* nothing handed out yet */
	struct mrt_route rt;
	struct seen_route next = {0}; /* what origins_checked_ahead(r, 1) said comes next */
	uint64_t aheads = 0;
	while (origins_next(r, &rt) == 1) {
		const struct seen_route *s = origins_checked(r);
		if (next.record) {
			assert_memory_equal(s, &next, sizeof(next));
			aheads++;
		}
		const struct seen_route *ahead = origins_checked_ahead(r, 1);
		if (ahead)
			next = *ahead;
		else
			memset(&next, 0, sizeof(next)); /* the batch's last route */
		assert_non_null(s);
		assert_true(s->ok);
		uint32_t origin;
		assert_int_equal(
		    aspath_words_origin(rt.attrs->aspath, rt.attrs->aspath_nwords, &origin), 0);
		assert_int_equal(s->origin, origin);
		assert_int_equal(s->record, rt.record);
		assert_int_equal(prefix_cmp(&s->prefix, &rt.prefix), 0);
		routes++;
	}
	assert_int_equal(routes, N + 2 * ((N + 4) / 7));
	assert_true(aheads > routes - 10); /* known ahead but at the ends of batches */
	assert_null(origins_checked_ahead(r, 1));
	origins_close(r);
	assert_int_equal(calls[0] + calls[1], routes); /* each route checked once, none twice */
	r = origins_open(path, ORIGINS_PFX2AS, 1704110400, 0);
	assert_int_equal(origins_next(r, &rt), 1);
	assert_null(origins_checked(r));
	origins_close(r);
	unlink(path);
}

int main(void)
{
	log_set_level(LOG_LVL_ERR);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_formats),
	    cmocka_unit_test(test_pfx2as_fast_path),
	    cmocka_unit_test(test_many_rows),
	    cmocka_unit_test(test_check),
	    cmocka_unit_test(test_time_from_name),
	    cmocka_unit_test(test_same_era_bundles),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
