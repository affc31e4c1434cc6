/* rpki: Route Origin Validation (RFC 6811) on hand-built VRP sets, a brute-force cross-check
 * of the index on random sets, threads sharing one table, and the real 2017 VRP set. */
#include <pthread.h>

#include "testutil.h"
#include "rpki/rpki.h"

static struct prefix P(const char *s) {
	struct prefix p;
	assert_int_equal(prefix_parse(s, &p), 0);
	return p;
}

static void
add(struct vrp_table *t, const char *pfx, int maxlen, uint32_t asn)
{
	struct vrp v = {.p = P(pfx), .asn = asn};
	v.maxlen = (uint8_t)(maxlen < 0 ? v.p.len : maxlen);
	assert_int_equal(vrp_table_add(t, &v), 0);
}

static enum rov_state V(
    const struct vrp_table *t, const char *pfx, uint32_t asn, struct rov_result *r)
{
	struct prefix p = P(pfx);
	enum rov_state s = rov_validate(t, &p, asn, r);
	/* the state-only fast path must agree with the full answer */
	assert_int_equal(rov_validate(t, &p, asn, NULL), s);
	return s;
}

static struct vrp_table *rfc_table(void)
{
	struct vrp_table *t = vrp_table_new();
	add(t, "192.0.2.0/24", 24, 64496);    /* exact only */
	add(t, "198.51.100.0/22", 24, 64497); /* maxLength 24 */
	add(t, "198.51.100.0/22", 22, 64498); /* second origin, no more-specifics */
	add(t, "203.0.113.0/24", 24, 0);      /* AS0: nothing here is valid */
	add(t, "10.0.0.0/8", 8, 64499);
	add(t, "2001:db8::/32", 48, 64500);
	add(t, "2001:db8:ff00::/40", 40, 64501);
	add(t, "192.0.2.0/24", 24, 64496); /* duplicate, removed by build */
	assert_int_equal(vrp_table_build(t), 0);
	return t;
}

static void test_exact_and_covered(void **state)
{
	struct vrp_table *t = rfc_table();
	struct rov_result r;
	assert_int_equal(vrp_table_count(t), 7);
	assert_int_equal(V(t, "192.0.2.0/24", 64496, &r), ROV_VALID);
	assert_int_equal(r.ncovering, 1);
	assert_int_equal(r.matched, 0);
	assert_int_equal(r.covering[0].asn, 64496);
	/* covered by a /22 with maxLength 24 */
	assert_int_equal(V(t, "198.51.101.0/24", 64497, &r), ROV_VALID);
	assert_int_equal(r.ncovering, 2);
	assert_int_equal(r.reason, ROV_REASON_NONE);
	/* the same prefix from the other origin: its VRP allows only the /22 */
	assert_int_equal(V(t, "198.51.101.0/24", 64498, &r), ROV_INVALID);
	assert_int_equal(r.reason, ROV_REASON_LENGTH);
	assert_int_equal(V(t, "198.51.100.0/22", 64498, &r), ROV_VALID);
	/* wrong origin */
	assert_int_equal(V(t, "192.0.2.0/24", 64511, &r), ROV_INVALID);
	assert_int_equal(r.reason, ROV_REASON_ASN);
	assert_int_equal(r.ncovering, 1);
	assert_int_equal(r.matched, -1);
	/* not covered: a less specific of a VRP is not covered by it */
	assert_int_equal(V(t, "192.0.0.0/16", 64496, &r), ROV_NOTFOUND);
	assert_int_equal(r.ncovering, 0);
	assert_int_equal(V(t, "172.16.0.0/12", 64496, &r), ROV_NOTFOUND);
	/* a /8 VRP covers every more-specific, valid only at /8 */
	assert_int_equal(V(t, "10.0.0.0/8", 64499, &r), ROV_VALID);
	assert_int_equal(V(t, "10.20.30.0/24", 64499, &r), ROV_INVALID);
	assert_int_equal(r.reason, ROV_REASON_LENGTH);
	vrp_table_free(t);
}

static void test_maxlength_edge(void **state)
{
	struct vrp_table *t = rfc_table();
	struct rov_result r;
	assert_int_equal(V(t, "198.51.100.0/23", 64497, &r), ROV_VALID);
	assert_int_equal(V(t, "198.51.103.0/24", 64497, &r), ROV_VALID);     /* = maxLength */
	assert_int_equal(V(t, "198.51.103.128/25", 64497, &r), ROV_INVALID); /* maxLength + 1 */
	assert_int_equal(r.reason, ROV_REASON_LENGTH);
	assert_int_equal(V(t, "198.51.103.1/32", 64497, &r), ROV_INVALID);
	assert_int_equal(V(t, "2001:db8:1234::/48", 64500, &r), ROV_VALID);
	assert_int_equal(V(t, "2001:db8:1234:5600::/56", 64500, &r), ROV_INVALID);
	assert_int_equal(r.reason, ROV_REASON_LENGTH);
	vrp_table_free(t);
}

static void test_as0(void **state)
{
	struct vrp_table *t = rfc_table();
	struct rov_result r;
	/* RFC 6483: an AS0 VRP makes covered routes Invalid and never Valid */
	assert_int_equal(V(t, "203.0.113.0/24", 64496, &r), ROV_INVALID);
	assert_int_equal(r.reason, ROV_REASON_ASN);
	assert_int_equal(V(t, "203.0.113.0/24", 0, &r), ROV_INVALID);
	assert_int_equal(r.covering[0].asn, 0);
	/* origin 0 is never valid, even under a VRP of another AS */
	assert_int_equal(V(t, "192.0.2.0/24", 0, &r), ROV_INVALID);
	vrp_table_free(t);
}

static void test_as_set_origin(void **state)
{
	struct vrp_table *t = rfc_table();
	struct rov_result r;
	struct aspath_buf b;
	struct prefix p = P("192.0.2.0/24"), q = P("192.168.0.0/16");
	aspath_buf_init(&b);
	/* path ends in an AS_SET holding the VRP's AS: still no origin (RFC 6811 sec. 2) */
	assert_int_equal(aspath_parse("64510 64496 {64496,64497}", &b), 0);
	assert_int_equal(rov_validate_path(t, &p, b.w, b.n, &r), ROV_INVALID);
	assert_int_equal(r.reason, ROV_REASON_NO_ORIGIN);
	assert_int_equal(rov_validate_path(t, &q, b.w, b.n, &r), ROV_NOTFOUND);
	/* a set in the middle does not matter: the origin is the last AS_SEQUENCE AS */
	aspath_buf_reset(&b);
	assert_int_equal(aspath_parse("64510 {1,2} 64496", &b), 0);
	assert_int_equal(rov_validate_path(t, &p, b.w, b.n, &r), ROV_VALID);
	aspath_buf_reset(&b);
	assert_int_equal(aspath_parse("64510 64511", &b), 0);
	assert_int_equal(rov_validate_path(t, &p, b.w, b.n, &r), ROV_INVALID);
	assert_int_equal(r.reason, ROV_REASON_ASN);
	/* empty path (iBGP-originated): no origin */
	assert_int_equal(rov_validate_path(t, &p, NULL, 0, &r), ROV_INVALID);
	assert_int_equal(r.reason, ROV_REASON_NO_ORIGIN);
	aspath_buf_free(&b);
	vrp_table_free(t);
}

static void test_ipv6(void **state)
{
	struct vrp_table *t = rfc_table();
	struct rov_result r;
	assert_int_equal(V(t, "2001:db8::/32", 64500, &r), ROV_VALID);
	assert_int_equal(V(t, "2001:db8:ff00::/40", 64501, &r), ROV_VALID);
	assert_int_equal(r.ncovering, 2); /* the /32 covers it too */
	assert_int_equal(V(t, "2001:db8:ff00::/40", 64500, &r), ROV_VALID); /* via the /32 */
	assert_int_equal(V(t, "2001:db8:ff00::/44", 64501, &r), ROV_INVALID);
	assert_int_equal(V(t, "2001:db9::/32", 64500, &r), ROV_NOTFOUND);
	assert_int_equal(V(t, "2001:db8::1/128", 64500, &r), ROV_INVALID);
	assert_int_equal(V(t, "::/0", 64500, &r), ROV_NOTFOUND);
	/* families do not mix: ::ffff:192.0.2.0/120 is not covered by the IPv4 VRP */
	assert_int_equal(V(t, "::ffff:192.0.2.0/120", 64496, &r), ROV_NOTFOUND);
	vrp_table_free(t);
}

static void test_many_covering(void **state)
{
	struct vrp_table *t = vrp_table_new();
	struct rov_result r;
	for (uint32_t i = 0; i < 40; i++)
		add(t, "100.64.0.0/10", 24, 65000 + i);
	add(t, "0.0.0.0/0", 0, 1);
	assert_int_equal(vrp_table_build(t), 0);
	assert_int_equal(V(t, "100.64.1.0/24", 65039, &r), ROV_VALID);
	assert_int_equal(r.ncovering, 41); /* every covering VRP counted, 16 kept */
	assert_int_equal(r.matched, -1);   /* the match is past the kept ones */
	assert_int_equal(V(t, "100.64.1.0/24", 65100, &r), ROV_INVALID);
	assert_int_equal(V(t, "8.8.8.0/24", 1, &r), ROV_INVALID); /* only the /0 covers */
	assert_int_equal(V(t, "0.0.0.0/0", 1, &r), ROV_VALID);
	vrp_table_free(t);
}

/* ------------------------------------------------ brute-force cross-check */

static uint64_t rng = 88172645463325252ULL;
static uint32_t rnd(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (uint32_t)rng;
}

static struct prefix rand_prefix(int afi, int minlen)
{
	struct prefix p = {.afi = (uint8_t)afi};
	/* few distinct leading bytes, so that random routes often hit random VRPs */
	int maxlen = afi == AFI_IPV4 ? 32 : 64;
	p.len = (uint8_t)(minlen + (int)(rnd() % (uint32_t)(maxlen - minlen + 1)));
	p.addr[0] = (uint8_t)(afi == AFI_IPV4 ? 10 + rnd() % 3 : 0x20);
	for (int i = 1; i < 16; i++)
		p.addr[i] = (uint8_t)(i == 1 ? rnd() % 64 : i < 4 ? rnd() % 16 : rnd());
	prefix_mask(&p);
	return p;
}

static enum rov_state brute(const struct vrp *v, size_t n, const struct prefix *p, uint32_t asn)
{
	int covered = 0;
	for (size_t i = 0; i < n; i++) {
		if (!prefix_contains(&v[i].p, p))
			continue;
		covered = 1;
		if (v[i].asn == asn && asn != 0 && p->len <= v[i].maxlen)
			return ROV_VALID;
	}
	return covered ? ROV_INVALID : ROV_NOTFOUND;
}

static void test_random_vs_brute_force(void **state)
{
	enum { NV = 3000, NQ = 20000 };
	struct vrp *vs = calloc(NV, sizeof(*vs));
	struct vrp_table *t = vrp_table_new();
	for (int i = 0; i < NV; i++) {
		vs[i].p = i % 3 ? rand_prefix(AFI_IPV4, 16) : rand_prefix(AFI_IPV6, 24);
		if (i % 500 == 0)
			vs[i].p =
			    rand_prefix(i % 3 ? AFI_IPV4 : AFI_IPV6, 0); /* a few short ones */
		int room = prefix_maxlen(vs[i].p.afi) - vs[i].p.len;
		vs[i].maxlen =
		    (uint8_t)(vs[i].p.len + (rnd() % 2 ? 0 : (int)(rnd() % (uint32_t)(room + 1))));
		vs[i].asn = rnd() % 4;
		assert_int_equal(vrp_table_add(t, &vs[i]), 0);
	}
	assert_int_equal(vrp_table_build(t), 0);
	int counts[3] = {0};
	for (int q = 0; q < NQ; q++) {
		struct prefix p = rand_prefix(q % 3 ? AFI_IPV4 : AFI_IPV6, 12);
		uint32_t asn = rnd() % 4;
		struct rov_result r;
		enum rov_state want = brute(vs, NV, &p, asn);
		assert_int_equal(rov_validate(t, &p, asn, &r), want);
		assert_int_equal(rov_validate(t, &p, asn, NULL), want);
		counts[want]++;
	}
	print_message(
	    "states: %d valid, %d invalid, %d not-found\n", counts[1], counts[2], counts[0]);
	/* the generator must exercise every state */
	assert_true(
	    counts[ROV_VALID] > 100 && counts[ROV_INVALID] > 100 && counts[ROV_NOTFOUND] > 100);
	free(vs);
	vrp_table_free(t);
}

/* ------------------------------------------------ threads share one built table */

struct thr {
	const struct vrp_table *t;
	int valid;
};

static void *thr_main(void *arg)
{
	struct thr *a = arg;
	struct prefix p = P("198.51.100.0/24");
	for (int i = 0; i < 100000; i++)
		a->valid += rov_validate(a->t, &p, 64497, NULL) == ROV_VALID;
	return NULL;
}

static void test_threads(void **state)
{
	struct vrp_table *t = rfc_table();
	pthread_t th[4];
	struct thr a[4];
	for (int i = 0; i < 4; i++) {
		a[i] = (struct thr){t, 0};
		assert_int_equal(pthread_create(&th[i], NULL, thr_main, &a[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(a[i].valid, 100000);
	}
	vrp_table_free(t);
}

static void test_real_2017(void **state)
{
	REQUIRE_DATA(path, "rpki/vrps_2017-06-01_from_compress_roas.csv");
	struct vrp_table *t = vrp_table_new();
	struct vrp_load_stats st;
	struct rov_result r;
	assert_int_equal(vrp_load_file(t, NULL, path, 1, &st), 0);
	assert_int_equal(vrp_table_build(t), 0);
	assert_int_equal(vrp_table_count(t), 40203);
	/* rows of the file itself */
	assert_int_equal(V(t, "193.104.146.0/24", 44018, &r), ROV_VALID);
	assert_int_equal(V(t, "213.126.192.0/18", 6830, &r), ROV_VALID);
	assert_int_equal(V(t, "213.126.192.0/19", 6830, &r), ROV_INVALID);
	assert_int_equal(r.reason, ROV_REASON_LENGTH);
	assert_int_equal(V(t, "193.104.146.0/24", 3333, &r), ROV_INVALID);
	assert_int_equal(r.reason, ROV_REASON_ASN);
	assert_int_equal(V(t, "2a02:a200::/28", 6830, &r), ROV_VALID);
	vrp_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exact_and_covered),
	    cmocka_unit_test(test_maxlength_edge),
	    cmocka_unit_test(test_as0),
	    cmocka_unit_test(test_as_set_origin),
	    cmocka_unit_test(test_ipv6),
	    cmocka_unit_test(test_many_covering),
	    cmocka_unit_test(test_random_vs_brute_force),
	    cmocka_unit_test(test_threads),
	    cmocka_unit_test(test_real_2017),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
