/* rpki: ASPA hop checks and upstream/downstream path verification
 * (draft-ietf-sidrops-aspa-verification), hand-built topologies in the style of the draft's
 * examples. Paths are written as received: neighbour first, origin last. */
#include "testutil.h"
#include "rpki/rpki.h"

/*
 * Topology (customer -> providers as attested by ASPAs):
 *   AS10 -> {20}      AS20 -> {30}    AS30 -> {} (tier-1: empty provider set, AS0 ASPA)
 *   AS40 -> {30}      AS50 -> {40}    AS60, AS61: no ASPA   AS70 -> {60}
 *   AS35 -> {} (empty set)   AS30 and AS31 (no ASPA) peer laterally.
 */
static struct aspa_table *topo(void)
{
	struct aspa_table *t = aspa_table_new();
	uint32_t p10[] = {20}, p20[] = {30}, p40[] = {30}, p50[] = {40}, p70[] = {60};
	assert_int_equal(aspa_table_add(t, 10, p10, 1), 0);
	assert_int_equal(aspa_table_add(t, 20, p20, 1), 0);
	assert_int_equal(aspa_table_add(t, 30, NULL, 0), 0);
	assert_int_equal(aspa_table_add(t, 40, p40, 1), 0);
	assert_int_equal(aspa_table_add(t, 50, p50, 1), 0);
	assert_int_equal(aspa_table_add(t, 70, p70, 1), 0);
	assert_int_equal(aspa_table_add(t, 35, NULL, 0), 0);
	assert_int_equal(aspa_table_build(t), 0);
	return t;
}

static enum aspa_state up(
    const struct aspa_table *t, const uint32_t *p, size_t n, struct aspa_result *r)
{
	return aspa_verify_asns(t, p, n, ASPA_UPSTREAM, r);
}

static enum aspa_state down(
    const struct aspa_table *t, const uint32_t *p, size_t n, struct aspa_result *r)
{
	return aspa_verify_asns(t, p, n, ASPA_DOWNSTREAM, r);
}

static void test_hop(void **state)
{
	struct aspa_table *t = topo();
	assert_int_equal(aspa_hop_check(t, 10, 20), ASPA_HOP_PROVIDER);
	assert_int_equal(aspa_hop_check(t, 10, 30), ASPA_HOP_NOT_PROVIDER);
	assert_int_equal(aspa_hop_check(t, 30, 31), ASPA_HOP_NOT_PROVIDER); /* empty set */
	assert_int_equal(aspa_hop_check(t, 60, 10), ASPA_HOP_NO_ATTESTATION);
	aspa_table_free(t);
}

static void test_upstream(void **state)
{
	struct aspa_table *t = topo();
	struct aspa_result r;
	/* AS20 announces its customer 10's route to us, its provider: path "20 10" */
	uint32_t a[] = {20, 10};
	assert_int_equal(up(t, a, 2, &r), ASPA_VALID);
	uint32_t b[] = {30, 20, 10}; /* a full up-ramp */
	assert_int_equal(up(t, b, 3, &r), ASPA_VALID);
	uint32_t b2[] = {30, 30, 20, 20, 20, 10}; /* prepends collapse */
	assert_int_equal(up(t, b2, 6, &r), ASPA_VALID);
	assert_int_equal(r.path_len, 3);
	/* leak: 40 got the route from its provider 30 and sends it up to us (its customer
	 * cone of ours): hop 30 -> 40 is Not Provider+ for AS30 */
	uint32_t c[] = {40, 30, 20, 10};
	assert_int_equal(up(t, c, 4, &r), ASPA_INVALID);
	assert_int_equal(r.fail_index, 0); /* the hop (40, 30) */
	assert_int_equal(r.fail_from, 40);
	assert_int_equal(r.fail_to, 30);
	/* a hop from an AS without ASPA: Unknown, with the unattested hop */
	uint32_t d[] = {20, 60};
	assert_int_equal(up(t, d, 2, &r), ASPA_UNKNOWN);
	assert_int_equal(r.fail_index, 0);
	uint32_t e[] = {60, 70}; /* 70 attests 60 */
	assert_int_equal(up(t, e, 2, &r), ASPA_VALID);
	uint32_t single[] = {10};
	assert_int_equal(up(t, single, 1, &r), ASPA_VALID);
	assert_int_equal(up(t, NULL, 0, &r), ASPA_INVALID);
	aspa_table_free(t);
}

static void test_downstream(void **state)
{
	struct aspa_table *t = topo();
	struct aspa_result r;
	/* up 10->20->30, down 30->40->50: a clean mountain, received by AS50's customer */
	uint32_t a[] = {50, 40, 30, 20, 10};
	assert_int_equal(down(t, a, 5, &r), ASPA_VALID);
	/* one lateral peering at the apex (30 -- 31), then 31 sends it down to us: the ramps
	 * 10,20,30 and 31 meet, so Valid */
	uint32_t b[] = {31, 30, 20, 10};
	assert_int_equal(down(t, b, 4, &r), ASPA_VALID);
	/* a valley: up 10 -> 20 -> 30, down to 40, then up again to 40's non-provider 35 */
	uint32_t c[] = {35, 40, 30, 20, 10};
	assert_int_equal(down(t, c, 5, &r), ASPA_INVALID);
	assert_int_equal(r.fail_index, 1); /* the hop (40, 30): 40 is not 30's provider */
	assert_int_equal(r.fail_from, 40);
	assert_int_equal(r.fail_to, 30);
	/* two unattested hops at the start (60 -> 61 -> 20): the apex cannot be placed, and
	 * no attested hop contradicts the path: Unknown */
	uint32_t d[] = {10, 20, 61, 60};
	assert_int_equal(down(t, d, 4, &r), ASPA_UNKNOWN);
	assert_int_equal(r.fail_index, 2); /* the first unattested hop (61, 60) */
	/* an unattested hop beside an attested down-ramp: 20 -- 60 can be a peering */
	uint32_t e2[] = {70, 60, 20, 10};
	assert_int_equal(down(t, e2, 4, &r), ASPA_VALID);
	/* N <= 2 is always Valid downstream */
	uint32_t e[] = {30, 40};
	assert_int_equal(down(t, e, 2, &r), ASPA_VALID);
	/* the valley is Invalid upstream too, and so is a mountain received from a customer */
	assert_int_equal(up(t, c, 5, &r), ASPA_INVALID);
	assert_int_equal(up(t, a, 5, &r), ASPA_INVALID);
	aspa_table_free(t);
}

static void test_as_set(void **state)
{
	struct aspa_table *t = topo();
	struct aspa_result r;
	struct aspath_buf b;
	aspath_buf_init(&b);
	assert_int_equal(aspath_parse("30 20 10", &b), 0);
	assert_int_equal(aspa_verify(t, b.w, b.n, ASPA_UPSTREAM, &r), ASPA_VALID);
	aspath_buf_reset(&b);
	assert_int_equal(aspath_parse("30 20 {10,11}", &b), 0);
	assert_int_equal(aspa_verify(t, b.w, b.n, ASPA_UPSTREAM, &r), ASPA_INVALID);
	assert_int_equal(r.fail_index, -1);
	aspath_buf_free(&b);
	aspa_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hop),
	    cmocka_unit_test(test_upstream),
	    cmocka_unit_test(test_downstream),
	    cmocka_unit_test(test_as_set),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
