/* irr: as-set / route-set expansion (nesting, loops, depth, mbrs-by-ref) and prefixes. */
#include "testutil.h"
#include "core/core.h"
#include "irr/irr.h"
#include "irr_fixture.h"

static struct irr_db db;
static int loaded;

static int setup(void **state)
{
	struct irr_load_stats st;
	char dir[] = "/tmp/rm_irrexp_XXXXXX";
	const char *radb = test_data_path("irr/pytinyirrdbcache__radb.db.sample");
	const char *ripe = test_data_path("irr/pytinyirrdbcache__ripe.db.sample");
	const char *r4 = test_data_path("irr/rpkiirrstats__ripe-db-route.txt");
	irr_db_init(&db);
	if (mkdtemp(dir) == NULL)
		return -1;
	const char *fx = irr_fixture_write(dir);
	if (fx == NULL || irr_db_load(&db, fx, &st) != 0 || st.malformed != 0)
		return -1;
	unlink(fx);
	rmdir(dir);
	if (radb && ripe && r4) {
		if (irr_db_load(&db, radb, &st) || irr_db_load(&db, ripe, &st) ||
		    irr_db_load(&db, r4, &st))
			return -1;
		loaded = 1;
	}
	return 0;
}

static int teardown(void **state)
{
	irr_db_free(&db);
	return 0;
}

static int has_asn(const struct irr_expansion *x, uint32_t asn)
{
	for (size_t i = 0; i < x->nasns; i++)
		if (x->asns[i] == asn)
			return 1;
	return 0;
}

static void test_real_sets(void **state)
{
	if (!loaded) {
		printf("SKIP: %s: shared IRR files are absent\n", __func__);
		skip();
	}
	struct irr_expansion x;
	assert_int_equal(irr_expand(&db, "AS-OREGON-IX-PEERAGE", NULL, &x), 0);
	assert_int_equal(x.nasns, 13); /* members over three lines */
	assert_int_equal(x.asns[0], 1798);
	assert_int_equal(x.asns[12], 8028);
	irr_expansion_free(&x);
	assert_int_equal(irr_expand(&db, "AS-TMPEBONECWIX", NULL, &x), 0);
	assert_int_equal(x.nasns, 24); /* 9 + 9 + 6 members, lower-case "as3727" included */
	assert_true(has_asn(&x, 3727));
	assert_true(has_asn(&x, 6639));
	irr_expansion_free(&x);
	assert_int_equal(irr_expand(&db, "AS-NO-SUCH-SET", NULL, &x), -1);
	assert_int_equal(x.missing.n, 1);
	irr_expansion_free(&x);
}

static void test_nested_loop_missing_byref(void **state)
{
	struct irr_expansion x;
	assert_int_equal(irr_expand(&db, "AS-ROOT", NULL, &x), 0);
	/* AS396001 direct, AS396002 (AS-A), AS396003 (AS-B), AS396004 (AS-C), AS396005 (AS-LOOP2),
	 * AS396010 by reference; AS396011's maintainer is not in mbrs-by-ref */
	uint32_t want[] = {396001, 396002, 396003, 396004, 396005, 396010};
	assert_int_equal(x.nasns, 6);
	for (int i = 0; i < 6; i++)
		assert_int_equal(x.asns[i], want[i]);
	assert_int_equal(x.loops.n, 1);
	assert_string_equal(x.loops.v[0], "AS-LOOP1 -> AS-LOOP2 -> AS-LOOP1");
	assert_int_equal(x.missing.n, 1);
	assert_string_equal(x.missing.v[0], "AS-MISSING");
	assert_int_equal(x.bad.n, 1);
	assert_string_equal(x.bad.v[0], "192.0.2.0/24");
	assert_int_equal(x.depth, 3);
	assert_int_equal(x.sets.n, 6);
	assert_int_equal(x.cut.n, 0);
	irr_expansion_free(&x);
}

static void test_depth_limit(void **state)
{
	struct irr_expansion x;
	struct irr_expand_opts o = {2, 0}; /* root and one level, as bgpq4 -L 2 */
	assert_int_equal(irr_expand(&db, "AS-ROOT", &o, &x), 0);
	uint32_t want[] = {396001, 396002, 396010};
	assert_int_equal(x.nasns, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(x.asns[i], want[i]);
	assert_int_equal(x.cut.n, 2);
	assert_string_equal(x.cut.v[0], "AS-B");
	assert_string_equal(x.cut.v[1], "AS-LOOP2");
	irr_expansion_free(&x);

	/* a chain of 100 sets stops at the default ceiling, and says so */
	struct irr_buf b = {0};
	for (int i = 0; i < 100; i++)
		irr_buf_printf(&b, "as-set: AS-D%d\nmembers: AS-D%d, AS%d\nsource: DEEP\n\n", i,
		    i + 1, 100000 + i);
	struct rpsl_reader r;
	struct rpsl_object obj;
	char err[256];
	rpsl_reader_open_mem(&r, b.p, b.len, "deep");
	while (rpsl_reader_next(&r, &obj) == RPSL_OBJECT)
		assert_int_equal(irr_db_add(&db, &obj, 0, NULL, err, sizeof(err)), 0);
	rpsl_reader_close(&r);
	irr_buf_free(&b);
	assert_int_equal(irr_expand(&db, "AS-D0", NULL, &x), 0);
	assert_int_equal(x.nasns, 64);
	assert_int_equal(x.cut.n, 1);
	assert_string_equal(x.cut.v[0], "AS-D64");
	irr_expansion_free(&x);
}

static void test_route_set(void **state)
{
	struct irr_expansion x;
	char buf[80];
	assert_int_equal(irr_expand(&db, "RS-TEST", NULL, &x), 0);
	assert_int_equal(x.nasns, 1); /* AS396001: its routes */
	assert_int_equal(x.npfx, 4);  /* 2 members, the /32 of RS-INNER, 1 by reference */
	assert_string_equal(irr_pfx_format(&x.pfx[0], buf, sizeof(buf)), "198.18.0.0/15");
	assert_string_equal(irr_pfx_format(&x.pfx[1], buf, sizeof(buf)), "198.51.100.0/24");
	assert_string_equal(irr_pfx_format(&x.pfx[2], buf, sizeof(buf)), "203.0.113.0/24^25-26");
	assert_string_equal(irr_pfx_format(&x.pfx[3], buf, sizeof(buf)), "2001:db8::/32");
	irr_expansion_free(&x);
	struct irr_pfx *v;
	size_t n;
	assert_int_equal(irr_prefixes(&db, "RS-TEST", AFI_IPV4, 0, NULL, &v, &n, NULL), 0);
	assert_int_equal(n, 5); /* + 10.0.0.0/24, 10.0.1.0/24 of AS396001 */
	free(v);
}

static void test_prefixes_aggregate(void **state)
{
	struct irr_pfx *v;
	size_t n;
	char buf[80];
	assert_int_equal(irr_prefixes(&db, "AS-ROOT", AFI_IPV4, 0, NULL, &v, &n, NULL), 0);
	const char *plain[] = {
	    "10.0.0.0/24", "10.0.0.128/25", "10.0.1.0/24", "10.1.0.0/16", "172.16.0.0/16"};
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(irr_pfx_format(&v[i], buf, sizeof(buf)), plain[i]);
	free(v);
	assert_int_equal(irr_prefixes(&db, "AS-ROOT", AFI_IPV4, 1, NULL, &v, &n, NULL), 0);
	const char *agg[] = {"10.0.0.0/23", "10.1.0.0/16", "172.16.0.0/16"};
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(irr_pfx_format(&v[i], buf, sizeof(buf)), agg[i]);
	free(v);
	assert_int_equal(irr_prefixes(&db, "AS-ROOT", AFI_IPV6, 0, NULL, &v, &n, NULL), 0);
	assert_int_equal(n, 2);
	free(v);
	assert_int_equal(irr_prefixes(&db, "AS396001", 0, 0, NULL, &v, &n, NULL), 0);
	assert_int_equal(n, 2);
	free(v);
	/* four /26 siblings fold into one /24 */
	struct irr_pfx q[4];
	const char *four[] = {"192.0.2.0/26", "192.0.2.64/26", "192.0.2.128/26", "192.0.2.192/26"};
	for (int i = 0; i < 4; i++) {
		assert_int_equal(prefix_parse(four[i], &q[i].p), 0);
		q[i].lo = q[i].hi = 26;
	}
	assert_int_equal(irr_aggregate(q, 4), 1);
	assert_string_equal(irr_pfx_format(&q[0], buf, sizeof(buf)), "192.0.2.0/24");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_sets),
	    cmocka_unit_test(test_nested_loop_missing_byref),
	    cmocka_unit_test(test_depth_limit),
	    cmocka_unit_test(test_route_set),
	    cmocka_unit_test(test_prefixes_aggregate),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
