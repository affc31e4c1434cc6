/* rpki: differential test of routemark's ROV against RTRlib's pfx_table_validate on every
 * (prefix, origin) of the real 2014 RouteViews table and the real 2017 VRP set. */
#include <zlib.h>

#include <rtrlib/rtrlib.h>

#include "testutil.h"
#include "rpki/rpki.h"

static void to_lrtr(const struct prefix *p, struct lrtr_ip_addr *a)
{
	char buf[PREFIX_STRLEN];
	prefix_addr_format(p->afi, p->addr, buf, sizeof(buf));
	assert_int_equal(lrtr_ip_str_to_addr(buf, a), 0);
}

static void test_rtrlib_differential(void **state)
{
	REQUIRE_DATA(vrps, "rpki/vrps_2017-06-01_from_compress_roas.csv");
	REQUIRE_DATA(routes, "misc/pyasn__ipasn_20140513.dat.gz");
	struct vrp_table *t = vrp_table_new();
	struct vrp_load_stats st;
	assert_int_equal(vrp_load_file(t, NULL, vrps, 1, &st), 0);
	assert_int_equal(vrp_table_build(t), 0);

	struct pfx_table pt;
	pfx_table_init(&pt, NULL);
	for (size_t i = 0; i < vrp_table_count(t); i++) {
		const struct vrp *v = vrp_table_get(t, i);
		struct pfx_record r = {.asn = v->asn, .min_len = v->p.len, .max_len = v->maxlen};
		to_lrtr(&v->p, &r.prefix);
		assert_int_equal(pfx_table_add(&pt, &r), PFX_SUCCESS);
	}

	gzFile gz = gzopen(routes, "rb");
	assert_non_null(gz);
	char line[256];
	size_t n = 0, disagree = 0, counts[3] = {0}, reasons[4] = {0};
	while (gzgets(gz, line, sizeof(line)) != NULL) {
		char *f[3];
		if (line[0] == ';' || split_ws(line, f, 3) != 2)
			continue;
		struct prefix p;
		uint32_t asn;
		assert_int_equal(prefix_parse(f[0], &p), 0);
		assert_int_equal(asn_parse(f[1], &asn), 0);
		struct rov_result res;
		enum rov_state mine = rov_validate(t, &p, asn, &res);
		struct lrtr_ip_addr a;
		enum pfxv_state theirs;
		to_lrtr(&p, &a);
		assert_int_equal(pfx_table_validate(&pt, asn, &a, p.len, &theirs), PFX_SUCCESS);
		enum rov_state want = theirs == BGP_PFXV_STATE_VALID     ? ROV_VALID
		                      : theirs == BGP_PFXV_STATE_INVALID ? ROV_INVALID
		                                                         : ROV_NOTFOUND;
		if (mine != want && disagree++ < 10)
			printf("DISAGREE: %s AS%u routemark %s RTRlib %s\n", f[0], asn,
			    rov_state_name(mine), rov_state_name(want));
		counts[mine]++;
		reasons[res.reason]++;
		n++;
	}
	gzclose(gz);
	printf("rov-vs-rtrlib: %zu routes, %zu VRPs: valid %zu, invalid %zu (asn %zu, length %zu), "
	       "not-found %zu; disagreements %zu\n",
	    n, vrp_table_count(t), counts[ROV_VALID], counts[ROV_INVALID], reasons[ROV_REASON_ASN],
	    reasons[ROV_REASON_LENGTH], counts[ROV_NOTFOUND], disagree);
	assert_int_equal(n, 512621); /* every pair of the file */
	assert_int_equal(disagree, 0);
	assert_true(counts[ROV_VALID] > 0 && counts[ROV_INVALID] > 0);
	pfx_table_free(&pt);
	vrp_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rtrlib_differential),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
