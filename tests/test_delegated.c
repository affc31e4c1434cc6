/* registry: NRO extended delegation statistics; AS names. */
#include "testutil.h"
#include "registry/registry.h"

#define NRO "misc/rpkiirrstats__nro-extended-delegated-stats-excerpt.txt"

static struct prefix P(const char *s) {
	struct prefix p;
	assert_int_equal(prefix_parse(s, &p), 0);
	return p;
}

static void
test_nro_excerpt(void **state)
{
	REQUIRE_DATA(path, NRO);
	struct delegated d;
	delegated_init(&d);
	assert_int_equal(delegated_load(&d, path), 0);
	assert_int_equal(d.version, 2);
	assert_int_equal(d.serial, 20160406);
	assert_int_equal(d.st.summaries, 3);
	assert_int_equal(d.st.asn, 4);
	assert_int_equal(d.st.ipv4, 7);
	assert_int_equal(d.st.ipv6, 4);
	assert_int_equal(d.st.ipv4_cidrs, 7); /* every count here is a power of two */
	assert_int_equal(d.st.malformed, 0);
	assert_int_equal(d.st.per_rir[RIR_RIPENCC], 7);
	assert_int_equal(d.st.per_rir[RIR_APNIC], 5);
	/* arin|US|asn|1|1|20010920|assigned */
	const struct deleg_entry *e = delegated_asn(&d, 1);
	assert_non_null(e);
	assert_string_equal(deleg_rir_name(e->rir), "arin");
	assert_string_equal(e->cc, "US");
	assert_int_equal(e->date, 20010920);
	assert_true(deleg_is_delegated(e));
	/* iana|ZZ|asn|0|1|19920101|ietf */
	e = delegated_asn(&d, 0);
	assert_non_null(e);
	assert_int_equal(e->status, DELEG_IETF);
	assert_false(deleg_is_delegated(e));
	assert_null(delegated_asn(&d, 2));
	assert_string_equal(delegated_asn(&d, 7)->cc, "GB");
	/* apnic|CN|ipv4|1.0.2.0|512 -> 1.0.2.0/23 */
	struct prefix blk, q = P("1.0.3.0/24");
	char buf[PREFIX_STRLEN];
	e = delegated_prefix(&d, &q, &blk);
	assert_non_null(e);
	assert_string_equal(e->cc, "CN");
	assert_string_equal(prefix_format(&blk, buf, sizeof(buf)), "1.0.2.0/23");
	q = P("2.16.5.0/24"); /* ripencc|EU|ipv4|2.16.0.0|524288 -> /13 */
	e = delegated_prefix(&d, &q, &blk);
	assert_string_equal(e->cc, "EU");
	assert_string_equal(prefix_format(&blk, buf, sizeof(buf)), "2.16.0.0/13");
	q = P("2.48.0.0/16"); /* after 2.32.0.0/12 */
	assert_null(delegated_prefix(&d, &q, NULL));
	q = P("2001:200:2000::/48"); /* apnic|JP|ipv6|2001:200:2000::|35 */
	e = delegated_prefix(&d, &q, &blk);
	assert_string_equal(prefix_format(&blk, buf, sizeof(buf)), "2001:200:2000::/35");
	q = P("2001:601::/32"); /* ripencc|ZZ|ipv6|2001:601::|32||reserved */
	e = delegated_prefix(&d, &q, NULL);
	assert_int_equal(e->status, DELEG_RESERVED);
	assert_false(deleg_is_delegated(e));
	delegated_free(&d);
}

static void add(struct delegated *d, const char *line)
{
	delegated_add_line(d, line, strlen(line), "t", 1);
}

static void test_split_and_errors(void **state)
{
	struct delegated d;
	delegated_init(&d);
	log_set_level(LOG_LVL_ERR);
	add(&d, "2.3|ripencc|20240101|5|19830705|20240101|+0100");
	add(&d, "ripencc|NL|ipv4|10.0.0.0|768|20200101|allocated");      /* /23 + /24 */
	add(&d, "arin|US|ipv4|1.0.1.0|768|20200101|assigned|x|e-stats"); /* /24 + /23 */
	add(&d, "lacnic|BR|ipv4|200.0.0.0|1000|20200101|allocated");     /* 512+256+128+64+32+8 */
	add(&d, "afrinic|ZA|asn|327680|1024|20200101|allocated");
	add(&d, "apnic|AU|asn|327700|2|20200101|allocated"); /* overlaps the range above */
	add(&d, "ripencc|NL|ipv4|255.255.255.0|512|20200101|allocated"); /* past the end */
	add(&d, "ripencc|NL|asn|x|1|20200101|allocated");
	add(&d, "ripencc|NL|asn|4294967295|2|20200101|allocated");
	add(&d, "ripencc|NL|ipv6|2001:db8::|129|20200101|allocated");
	add(&d, "ripencc|NL|foo|1|1|20200101|allocated");
	add(&d, "ripencc|NL|asn|1|1");
	add(&d, "ripencc|NL|asn|5|1|2020x|allocated");
	add(&d, "# comment");
	add(&d, "");
	log_set_level(LOG_LVL_WARN);
	delegated_finish(&d);
	assert_int_equal(d.version, 2);
	assert_int_equal(d.serial, 20240101);
	assert_int_equal(d.st.malformed, 7);
	assert_int_equal(d.st.ipv4, 3);
	assert_int_equal(d.st.ipv4_cidrs, 2 + 2 + 6);
	assert_int_equal(d.st.overlaps, 1);
	struct prefix blk, q = P("10.0.2.0/24");
	char buf[PREFIX_STRLEN];
	assert_non_null(delegated_prefix(&d, &q, &blk));
	assert_string_equal(prefix_format(&blk, buf, sizeof(buf)), "10.0.2.0/24");
	q = P("10.0.3.0/24");
	assert_null(delegated_prefix(&d, &q, NULL));
	q = P("1.0.2.0/23");
	assert_string_equal(delegated_prefix(&d, &q, NULL)->cc, "US");
	assert_string_equal(
	    prefix_format(&delegated_prefix(&d, &q, NULL)->first, buf, sizeof(buf)), "1.0.1.0/24");
	q = P("200.0.3.224/29");
	assert_non_null(delegated_prefix(&d, &q, &blk));
	assert_string_equal(prefix_format(&blk, buf, sizeof(buf)), "200.0.3.224/29");
	q = P("200.0.3.232/29"); /* 1000 addresses end at 200.0.3.231 */
	assert_null(delegated_prefix(&d, &q, NULL));
	assert_string_equal(delegated_asn(&d, 327701)->cc, "AU");
	assert_string_equal(delegated_asn(&d, 328703)->cc, "ZA");
	assert_null(delegated_asn(&d, 328704));
	delegated_free(&d);
}

static void test_bogon_with_delegated(void **state)
{
	REQUIRE_DATA(path, NRO);
	struct delegated d;
	delegated_init(&d);
	assert_int_equal(delegated_load(&d, path), 0);
	struct bogon_db db;
	bogon_db_init(&db);
	bogon_db_set_delegated(&db, &d);
	struct bogon_asn_verdict av;
	assert_int_equal(bogon_check_asn(&db, 7, &av), BOGON_NOT);
	assert_int_equal(bogon_check_asn(&db, 2, &av), BOGON_ADMIN);
	assert_string_equal(av.what, "not in the delegation statistics");
	assert_int_equal(bogon_check_asn(&db, 0, &av), BOGON_FULL);
	struct prefix q = P("1.0.0.0/24");
	struct bogon_verdict v;
	assert_int_equal(bogon_check_prefix(&db, &q, &v), BOGON_NOT);
	assert_non_null(v.deleg);
	q = P("2001:601::/32");
	assert_int_equal(bogon_check_prefix(&db, &q, &v), BOGON_ADMIN);
	assert_string_equal(v.what, "reserved");
	bogon_db_free(&db);
	delegated_free(&d);
}

static void test_asnames(void **state)
{
	REQUIRE_DATA(path, "misc/asn_names_ASN_lookup.txt.gz");
	struct asnames a;
	asnames_init(&a);
	assert_int_equal(asnames_load(&a, path), 0);
	assert_int_equal(a.lines, 110549);
	assert_int_equal(a.malformed, 0);
	const struct asname *n = asnames_get(&a, 3);
	assert_non_null(n);
	assert_string_equal(n->name, "MIT-GATEWAYS");
	assert_string_equal(n->cc, "US");
	n = asnames_get(&a, 0);
	assert_string_equal(n->name, "-Reserved AS-");
	assert_string_equal(n->cc, "ZZ");
	assert_null(asnames_get(&a, 4294967295u));
	/* a name with a comma inside keeps it: the country is after the last ", " */
	asnames_add_line(&a, "4199999998:ACME, Inc., DE", 25);
	assert_string_equal(asnames_get(&a, 4199999998u)->name, "ACME, Inc.");
	assert_string_equal(asnames_get(&a, 4199999998u)->cc, "DE");
	asnames_free(&a);
}

static void test_iplocation_orgs(void **state)
{
	REQUIRE_DATA(path, "misc/iplocationdb_asn-ipv6_2026-06-17.csv.gz");
	struct asnames a;
	asnames_init(&a);
	assert_int_equal(asnames_load(&a, path), 0);
	assert_int_equal(a.lines, 103197);
	assert_int_equal(a.malformed, 0);
	/* 2001::,2001::ffff:...,6939,Hurricane Electric LLC */
	assert_string_equal(asnames_get(&a, 6939)->org, "Hurricane Electric LLC");
	assert_string_equal(asnames_get(&a, 2500)->org, "WIDE Project");
	assert_null(asnames_get(&a, 6939)->name);
	/* quoted CSV field with a comma */
	const char *l = "1.0.0.0,1.0.0.255,4199999997,\"Cloudflare, Inc.\"";
	asnames_add_line(&a, l, strlen(l));
	assert_string_equal(asnames_get(&a, 4199999997u)->org, "Cloudflare, Inc.");
	asnames_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nro_excerpt),
	    cmocka_unit_test(test_split_and_errors),
	    cmocka_unit_test(test_bogon_with_delegated),
	    cmocka_unit_test(test_asnames),
	    cmocka_unit_test(test_iplocation_orgs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
