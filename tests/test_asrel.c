/* topo: CAIDA AS relationships, pair lookups and customer cones on the real files.
 * Expected values: SOURCES.md (link and AS counts), bzcat | grep (single links), and an
 * independent Python walk over the same file (cone sizes). */
#include "testutil.h"
#include "topo/topo.h"

#define CAIDA23 "caida/20230101.as-rel.txt.bz2"
#define CAIDA14 "caida/20140101.as-rel.txt.bz2"

static struct asrel rel23;
static int loaded23;

static int load23(void **state)
{
	const char *p = test_data_path(CAIDA23);
	if (p == NULL)
		return 0;
	asrel_init(&rel23);
	if (asrel_load(&rel23, p) != 0)
		return -1;
	loaded23 = 1;
	return 0;
}

static int free23(void **state)
{
	if (loaded23)
		asrel_free(&rel23);
	return 0;
}

#define NEED23()                                                                                   \
	do {                                                                                       \
		if (!loaded23) {                                                                   \
			printf("SKIP: %s: %s absent\n", __func__, CAIDA23);                        \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

static void test_counts_2023(void **state)
{
	NEED23();
	assert_int_equal(rel23.st.links, 380537);
	assert_int_equal(rel23.st.p2c, 149459);
	assert_int_equal(rel23.st.p2p, 231078);
	assert_int_equal(rel23.nas, 74859);
	assert_int_equal(rel23.st.malformed, 0);
	assert_int_equal(rel23.st.duplicates + rel23.st.conflicts, 0);
	assert_int_equal(rel23.nclique, 19);
	assert_true(asrel_is_clique(&rel23, 3356));
	assert_true(asrel_is_clique(&rel23, 12956));
	assert_false(asrel_is_clique(&rel23, 6939));
	assert_int_equal(rel23.nixp, 28);
	assert_true(asrel_is_ixp(&rel23, 1200));
	assert_true(asrel_is_ixp(&rel23, 57463));
	assert_false(asrel_is_ixp(&rel23, 3356));
	/* links with a 4-byte ASN: SOURCES.md says 139,365 */
	uint64_t four = 0;
	for (uint32_t i = 0; i < rel23.nas; i++)
		for (uint32_t k = rel23.off[i]; k < rel23.off[i + 1]; k++)
			if (rel23.asn[i] < rel23.asn[rel23.nb[k]] &&
			    (rel23.asn[i] > 65535 || rel23.asn[rel23.nb[k]] > 65535))
				four++;
	assert_int_equal(four, 139365);
}

static void test_lookup_2023(void **state)
{
	NEED23();
	/* 1299|3356|0, 174|13335|-1, 3356|3|-1, 701|7018|0, 2914|15169|0 (bzcat | grep) */
	assert_int_equal(asrel_lookup(&rel23, 1299, 3356), TOPO_REL_PEER);
	assert_int_equal(asrel_lookup(&rel23, 3356, 1299), TOPO_REL_PEER);
	assert_int_equal(asrel_lookup(&rel23, 174, 13335), TOPO_REL_CUSTOMER);
	assert_int_equal(asrel_lookup(&rel23, 13335, 174), TOPO_REL_PROVIDER);
	assert_int_equal(asrel_lookup(&rel23, 3356, 3), TOPO_REL_CUSTOMER);
	assert_int_equal(asrel_lookup(&rel23, 3, 3356), TOPO_REL_PROVIDER);
	assert_int_equal(asrel_lookup(&rel23, 7018, 701), TOPO_REL_PEER);
	assert_int_equal(asrel_lookup(&rel23, 15169, 2914), TOPO_REL_PEER);
	assert_int_equal(asrel_lookup(&rel23, 3, 174), TOPO_REL_PROVIDER); /* 174|3|-1 */
	assert_int_equal(asrel_lookup(&rel23, 3, 15169), TOPO_REL_NONE);
	assert_int_equal(asrel_lookup(&rel23, 4294967295u, 3356), TOPO_REL_NONE);
	assert_string_equal(asrel_source(&rel23, 3356, 3), "");
	uint32_t c, p, e;
	asrel_degree(&rel23, 3356, &c, &p, &e);
	assert_int_equal(c, 6370); /* awk: lines "3356|x|-1" */
	assert_int_equal(p, 0);    /* a clique member has no provider */
	asrel_degree(&rel23, 15169, &c, &p, &e);
	assert_int_equal(c, 12);
}

static void test_index_sorted(void **state)
{
	NEED23();
	for (uint32_t i = 1; i < rel23.nas; i++)
		assert_true(rel23.asn[i - 1] < rel23.asn[i]);
	assert_int_equal(rel23.off[rel23.nas], 2 * 380537);
	for (uint32_t i = 0; i < rel23.nas; i++) {
		assert_true(rel23.off[i] < rel23.off[i + 1]); /* every AS has a link */
		for (uint32_t k = rel23.off[i] + 1; k < rel23.off[i + 1]; k++)
			assert_true(rel23.nb[k - 1] < rel23.nb[k]);
	}
	/* symmetry of every link */
	for (uint32_t i = 0; i < rel23.nas; i += 97)
		for (uint32_t k = rel23.off[i]; k < rel23.off[i + 1]; k++) {
			uint32_t a = rel23.asn[i], b = rel23.asn[rel23.nb[k]];
			enum topo_rel ab = asrel_lookup(&rel23, a, b),
			              ba = asrel_lookup(&rel23, b, a);
			assert_int_equal(ab, rel23.rel[k]);
			if (ab == TOPO_REL_CUSTOMER)
				assert_int_equal(ba, TOPO_REL_PROVIDER);
			else if (ab == TOPO_REL_PEER)
				assert_int_equal(ba, TOPO_REL_PEER);
		}
}

static void test_cones_2023(void **state)
{
	NEED23();
	uint32_t *m;
	size_t n;
	assert_int_equal(topo_cone(&rel23, 557, &m, &n), 0);
	uint32_t want557[] = {557, 6056, 17152, 22847, 55032};
	assert_int_equal(n, 5);
	assert_memory_equal(m, want557, sizeof(want557));
	free(m);
	assert_int_equal(topo_cone(&rel23, 195, &m, &n), 0);
	uint32_t want195[] = {195, 1909, 2641, 12148, 22213, 46985};
	assert_int_equal(n, 6);
	assert_memory_equal(m, want195, sizeof(want195));
	free(m);
	assert_int_equal(topo_cone_size(&rel23, 3), 2);
	assert_int_equal(topo_cone_size(&rel23, 15169), 14);
	assert_int_equal(topo_cone_size(&rel23, 3356), 68077);
	assert_int_equal(topo_cone_size(&rel23, 174), 63035);
	assert_int_equal(topo_cone_size(&rel23, 7018), 12711);
	assert_int_equal(topo_cone_size(&rel23, 4294967295u), 0);
	assert_int_equal(topo_cone(&rel23, 4294967295u, &m, &n), -1);
	assert_true(topo_in_cone(&rel23, 557, 55032));
	assert_false(topo_in_cone(&rel23, 557, 3356));
	assert_false(topo_in_cone(&rel23, 557, 557));
}

static void test_counts_2014(void **state)
{
	REQUIRE_DATA(p, CAIDA14);
	struct asrel r;
	asrel_init(&r);
	assert_int_equal(asrel_load(&r, p), 0);
	assert_int_equal(r.st.links, 165364);
	assert_int_equal(r.st.p2c, 88733);
	assert_int_equal(r.st.p2p, 76631);
	assert_int_equal(r.nas, 46185);
	assert_int_equal(r.nclique, 13); /* "# inferred clique:" in this older file */
	assert_int_equal(r.nixp, 25);
	assert_int_equal(asrel_lookup(&r, 3356, 1299), TOPO_REL_PEER);
	assert_int_equal(asrel_lookup(&r, 3, 3356), TOPO_REL_PROVIDER);
	assert_int_equal(topo_cone_size(&r, 3356), 38325);
	assert_int_equal(topo_cone_size(&r, 701), 40530);
	asrel_free(&r);
}

static void feed(struct asrel *r, const char *text)
{
	char *copy = strdup(text), *save = NULL;
	uint64_t n = 0;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		asrel_add_line(r, l, strlen(l), "test", ++n);
	free(copy);
	asrel_finish(r);
}

static void test_serial2_and_bad_lines(void **state)
{
	struct asrel r;
	asrel_init(&r);
	log_set_level(LOG_LVL_ERR);
	feed(&r, "# input clique: 10 20\n"
	         "# IXP ASes: 99\n"
	         "10|20|0|bgp\n"
	         "10|30|-1|mlp\n"
	         "40|30|-1|bgp\n"
	         "30|10|0|bgp\n"        /* conflict: first kept */
	         "20|10|0|bgp\n"        /* duplicate */
	         "10|x|0\n"             /* malformed */
	         "10|11|5\n"            /* bad relationship */
	         "10|10|0\n"            /* self link */
	         "10|11|0|a|b\n"        /* too many fields */
	         "4200000000|10|-1\n"); /* 4-byte provider, larger ASN first */
	log_set_level(LOG_LVL_WARN);
	assert_int_equal(r.st.links, 4);
	assert_int_equal(r.st.conflicts, 1);
	assert_int_equal(r.st.duplicates, 1);
	assert_int_equal(r.st.malformed, 4);
	assert_int_equal(r.st.self_links, 1);
	assert_int_equal(r.nclique, 2);
	assert_true(asrel_is_ixp(&r, 99));
	assert_int_equal(asrel_lookup(&r, 10, 30), TOPO_REL_CUSTOMER);
	assert_int_equal(asrel_lookup(&r, 30, 40), TOPO_REL_PROVIDER);
	assert_int_equal(asrel_lookup(&r, 10, 4200000000u), TOPO_REL_PROVIDER);
	assert_int_equal(asrel_lookup(&r, 4200000000u, 10), TOPO_REL_CUSTOMER);
	assert_string_equal(asrel_source(&r, 30, 10), "mlp");
	assert_string_equal(asrel_source(&r, 10, 20), "bgp");
	asrel_free(&r);
}

static void test_cone_cycle(void **state)
{
	struct asrel r;
	asrel_init(&r);
	/* 1 > 2 > 3 > 1 is a p2c cycle (inconsistent data); 3 > 4 */
	feed(&r, "1|2|-1\n2|3|-1\n3|1|-1\n3|4|-1\n5|1|0\n");
	uint32_t *m;
	size_t n;
	assert_int_equal(topo_cone(&r, 2, &m, &n), 0);
	uint32_t want[] = {1, 2, 3, 4};
	assert_int_equal(n, 4);
	assert_memory_equal(m, want, sizeof(want));
	free(m);
	assert_int_equal(topo_cone_size(&r, 4), 1);
	assert_int_equal(topo_cone_size(&r, 5), 1); /* peers are not in the cone */
	asrel_free(&r);
}

static void test_plain_and_gzip_files(void **state)
{
	char plain[] = "/tmp/rm_asrel_XXXXXX";
	int fd = mkstemp(plain);
	assert_true(fd >= 0);
	const char *text = "# IXP ASes: 7\r\n1|2|-1\r\n2|3|0"; /* CRLF, no final newline */
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	struct asrel r;
	asrel_init(&r);
	assert_int_equal(asrel_load(&r, plain), 0);
	assert_int_equal(r.st.links, 2);
	assert_int_equal(asrel_lookup(&r, 3, 2), TOPO_REL_PEER);
	assert_true(asrel_is_ixp(&r, 7));
	asrel_free(&r);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "gzip -f %s", plain);
	assert_int_equal(system(cmd), 0);
	char gz[64];
	snprintf(gz, sizeof(gz), "%s.gz", plain);
	asrel_init(&r);
	assert_int_equal(asrel_load(&r, gz), 0);
	assert_int_equal(r.st.links, 2);
	assert_int_equal(asrel_lookup(&r, 1, 2), TOPO_REL_CUSTOMER);
	asrel_free(&r);
	unlink(gz);
	asrel_init(&r);
	log_set_level(LOG_LVL_ERR);
	assert_int_equal(asrel_load(&r, "/nonexistent/as-rel.txt"), -1);
	log_set_level(LOG_LVL_WARN);
	asrel_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_counts_2023),
	    cmocka_unit_test(test_lookup_2023),
	    cmocka_unit_test(test_index_sorted),
	    cmocka_unit_test(test_cones_2023),
	    cmocka_unit_test(test_counts_2014),
	    cmocka_unit_test(test_serial2_and_bad_lines),
	    cmocka_unit_test(test_cone_cycle),
	    cmocka_unit_test(test_plain_and_gzip_files),
	};
	return cmocka_run_group_tests(tests, load23, free23);
}
