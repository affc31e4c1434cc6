/*
 * Siblings: ASes of one CAIDA organisation are no leak between each other. Real data: the
 * 2024-01-01 relationships say AS9505 (TWGate) is a provider of AS3462 (HiNet) and AS6453 is
 * one of HiNet's providers; the 2024-01-01 as-org2info puts AS9505 and AS3462 in one
 * organisation (ORG-CTCL1-AP-APNIC, Chunghwa Telecom). The path "174 9505 3462 6453" (a route
 * of 6453 that HiNet passes to TWGate, which sends it to its provider 174) is a type 1
 * hairpin by AS3462 for the plain valley check, and no leak once the siblings are known.
 */
#include "testutil.h"
#include "observe/observe.h"
#include "registry/registry.h"
#include "topo/topo.h"

static struct asrel R;
static struct as2org O;
static struct valley_result V; /* large: off the stack */

static int setup(void **state)
{
	const char *rel = test_data_path("caida/20240101.as-rel.txt.bz2");
	const char *org = test_data_path("caida/20240101.as-org2info.txt.gz");
	if (rel == NULL || org == NULL)
		return 0; /* each test says SKIP */
	char relp[4096];
	snprintf(relp, sizeof(relp), "%s", rel);
	asrel_init(&R);
	as2org_init(&O);
	if (asrel_load(&R, relp) != 0 || as2org_load(&O, org) != 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	asrel_free(&R);
	as2org_free(&O);
	return 0;
}

static int sib(const void *ctx, uint32_t a, uint32_t b)
{
	return as2org_siblings(ctx, a, b);
}

static void test_real_siblings(void **state)
{
	REQUIRE_DATA(p, "caida/20240101.as-org2info.txt.gz");
	(void)p;
	const struct as2org_org *g = as2org_get(&O, 3462);
	assert_non_null(g);
	assert_string_equal(g->id, "ORG-CTCL1-AP-APNIC");
	assert_ptr_equal(as2org_get(&O, 9505), g);
	assert_int_equal(as2org_siblings(&O, 3462, 9505), 1);
	assert_int_equal(as2org_siblings(&O, 3462, 6453), 0);
	assert_int_equal(as2org_siblings(&O, 3462, 3462), 0); /* an AS is not its own sibling */
	assert_int_equal(as2org_siblings(NULL, 3462, 9505), 0);
	assert_int_equal(asrel_lookup(&R, 3462, 9505), TOPO_REL_PROVIDER);
	assert_int_equal(asrel_lookup(&R, 3462, 6453), TOPO_REL_PROVIDER);
	int64_t gi = as2org_org_index(&O, "ORG-CTCL1-AP-APNIC");
	assert_true(gi >= 0);
	assert_int_equal(as2org_org_ases(&O, (uint32_t)gi, NULL, NULL), 3);
	assert_int_equal(as2org_org_index(&O, "NO-SUCH-ORG"), -1);

	struct aspath_buf b;
	aspath_buf_init(&b);
	assert_int_equal(aspath_parse("174 9505 3462 6453", &b), 0);
	/* without organisations: HiNet sent its provider's route to a provider */
	assert_int_equal(valley_check(&R, b.w, b.n, &V), 0);
	assert_int_equal(V.leak_type, 1);
	assert_int_equal(V.leaker, 3462);
	assert_int_equal(V.nleaks, 1);
	/* with them: the hop 9505-3462 is inside one organisation */
	assert_int_equal(valley_check_sib(&R, sib, &O, b.w, b.n, &V), 0);
	assert_int_equal(V.leak_type, 0);
	assert_int_equal(V.nleaks, 0);
	assert_int_equal(V.leak_index, -1);
	assert_int_equal(V.hops[1].rel, TOPO_REL_SIBLING);
	assert_int_equal(V.unknown, 0);
	/* a leak outside the organisation is still one: HiNet sending 6453's route to its
	 * other provider 7473 (7473|3462|-1) */
	assert_int_equal(asrel_lookup(&R, 3462, 7473), TOPO_REL_PROVIDER);
	aspath_buf_reset(&b);
	assert_int_equal(aspath_parse("7473 3462 6453", &b), 0);
	assert_int_equal(valley_check_sib(&R, sib, &O, b.w, b.n, &V), 0);
	assert_int_equal(V.leak_type, 1);
	assert_int_equal(V.leaker, 3462);

	/* the observatory's check: M1 charged to AS3462 without organisations, none with */
	struct observe_refs refs = {.asrel = &R};
	struct flat_path f;
	struct route_verdict v;
	aspath_buf_reset(&b);
	assert_int_equal(aspath_parse("174 9505 3462 6453", &b), 0);
	flat_path_build(&f, b.w, b.n);
	route_check_path(&refs, &f, b.w, b.n, 0, 0, &v);
	int m1 = 0;
	for (int i = 0; i < v.nhits; i++)
		m1 += v.hit[i].metric == M1 && v.hit[i].asn == 3462;
	assert_int_equal(m1, 1);
	refs.orgs = &O;
	route_check_path(&refs, &f, b.w, b.n, 0, 0, &v);
	assert_int_equal(v.leak_checked, 1);
	assert_int_equal(v.leak_index, -1);
	for (int i = 0; i < v.nhits; i++)
		assert_true(v.hit[i].metric != M1 && v.hit[i].metric != M1C);
	aspath_buf_free(&b);
}

/* routemark asrel --orgs: the same path, the sibling hop named, no leak */
static void test_cli_orgs(void **state)
{
	REQUIRE_DATA(rel, "caida/20240101.as-rel.txt.bz2");
	char relp[1024], cmd[3072], out[4096];
	snprintf(relp, sizeof(relp), "%s", rel);
	REQUIRE_DATA(org, "caida/20240101.as-org2info.txt.gz");
	snprintf(cmd, sizeof(cmd),
	    "%s asrel --asrel %s --orgs %s --format jsonl '174 9505 3462 6453'", test_bin(), relp,
	    org);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	size_t n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	assert_int_equal(pclose(f), 0);
	assert_non_null(strstr(out, "{\"from\":9505,\"to\":3462,\"rel\":\"sibling\"}"));
	assert_non_null(strstr(out, "\"leak\":null"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_siblings),
	    cmocka_unit_test(test_cli_orgs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
