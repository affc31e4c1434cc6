/* rpki: loading VRP/ASPA files in every supported format, real files and malformed input. */
#include "testutil.h"
#include "rpki/rpki.h"

static struct vrp_table *load(const char *path, struct aspa_table *aspa, struct vrp_load_stats *st)
{
	struct vrp_table *t = vrp_table_new();
	assert_int_equal(vrp_load_file(t, aspa, path, 1, st), 0);
	assert_int_equal(vrp_table_build(t), 0);
	if (aspa != NULL)
		assert_int_equal(aspa_table_build(aspa), 0);
	return t;
}

static struct vrp_table *load_buf(
    const char *text, int strict, int want_rc, struct vrp_load_stats *st, struct aspa_table *aspa)
{
	struct vrp_table *t = vrp_table_new();
	assert_int_equal(vrp_load_buffer(t, aspa, text, strlen(text), "mem", strict, st), want_rc);
	assert_int_equal(vrp_table_build(t), 0);
	return t;
}

static int has_vrp(const struct vrp_table *t, const char *pfx, int maxlen, uint32_t asn)
{
	struct prefix p;
	assert_int_equal(prefix_parse(pfx, &p), 0);
	for (size_t i = 0; i < vrp_table_count(t); i++) {
		const struct vrp *v = vrp_table_get(t, i);
		if (prefix_cmp(&v->p, &p) == 0 && v->maxlen == maxlen && v->asn == asn)
			return 1;
	}
	return 0;
}

static void test_rpki_client_json(void **state)
{
	REQUIRE_DATA(path, "rpki/stayrtr__test.rpki.json");
	struct vrp_load_stats st;
	struct aspa_table *aspa = aspa_table_new();
	struct vrp_table *t = load(path, aspa, &st);
	assert_int_equal(st.format, VRP_FMT_JSON);
	assert_int_equal(st.vrps, 19);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(vrp_table_count(t), 19);
	assert_true(has_vrp(t, "1.0.0.0/24", 24, 13335));
	assert_true(has_vrp(t, "2800:40::/32", 48, 16814));
	assert_true(has_vrp(t, "2800:40::/32", 32, 16814));
	assert_true(has_vrp(t, "2800:38::/32", 128, 27808));
	/* provider_authorizations: 2 customers, listed under ipv4 and ipv6, merged */
	assert_int_equal(st.aspas, 4);
	assert_int_equal(aspa_table_count(aspa), 2);
	const struct aspa *a = aspa_table_find(aspa, 64496);
	assert_non_null(a);
	assert_int_equal(a->nproviders, 6);
	assert_int_equal(a->providers[0], 1299);
	assert_int_equal(a->providers[5], 61138);
	assert_int_equal(aspa_hop_check(aspa, 15562, 2914), ASPA_HOP_PROVIDER);
	assert_int_equal(aspa_hop_check(aspa, 15562, 1299), ASPA_HOP_NOT_PROVIDER);
	assert_int_equal(aspa_hop_check(aspa, 13335, 1299), ASPA_HOP_NO_ATTESTATION);
	vrp_table_free(t);
	aspa_table_free(aspa);
}

static void test_ripe_csv(void **state)
{
	REQUIRE_DATA(path, "rpki/rpkiirrstats__roas.csv");
	struct vrp_load_stats st;
	struct vrp_table *t = load(path, NULL, &st);
	assert_int_equal(st.format, VRP_FMT_CSV);
	assert_int_equal(st.vrps, 49);
	assert_int_equal(vrp_table_count(t), 49);
	assert_true(has_vrp(t, "86.106.22.0/24", 24, 31207));
	assert_true(has_vrp(t, "2001:660::/32", 32, 2200));
	assert_true(has_vrp(t, "213.216.64.0/18", 18, 12741));
	vrp_table_free(t);
}

/* The 2017 CSV was derived from the rcynic text: both must give the same 40,203 VRPs. */
static void test_rcynic_matches_csv(void **state)
{
	REQUIRE_DATA(csv, "rpki/vrps_2017-06-01_from_compress_roas.csv");
	REQUIRE_DATA(txt, "rpki/compress_roas__authenticated-2017-06-01T17:20:44Z.txt");
	struct vrp_load_stats s1, s2;
	struct vrp_table *a = load(csv, NULL, &s1), *b = load(txt, NULL, &s2);
	assert_int_equal(s1.format, VRP_FMT_CSV);
	assert_int_equal(s2.format, VRP_FMT_RCYNIC);
	assert_int_equal(s1.malformed + s2.malformed, 0);
	assert_int_equal(vrp_table_count(a), 40203);
	assert_int_equal(vrp_table_count(b), 40203);
	size_t v4 = 0, explicit_ml = 0;
	for (size_t i = 0; i < vrp_table_count(a); i++) {
		const struct vrp *x = vrp_table_get(a, i), *y = vrp_table_get(b, i);
		assert_int_equal(prefix_cmp(&x->p, &y->p), 0);
		assert_int_equal(x->maxlen, y->maxlen);
		assert_int_equal(x->asn, y->asn);
		v4 += x->p.afi == AFI_IPV4;
		explicit_ml += x->maxlen != x->p.len;
	}
	assert_int_equal(v4, 34804); /* SOURCES.md: 34,804 IPv4 / 5,399 IPv6 */
	assert_true(explicit_ml > 0 && explicit_ml <= 5206);
	vrp_table_free(a);
	vrp_table_free(b);
}

static void test_formats_in_memory(void **state)
{
	struct vrp_load_stats st;
	struct aspa_table *aspa = aspa_table_new();
	/* Routinator JSON: ASN as a string; rpki-client "aspas" */
	struct vrp_table *t =
	    load_buf("{\"roas\":[{\"asn\":\"AS13335\",\"prefix\":\"1.1.1.0/"
	             "24\",\"maxLength\":24,\"ta\":\"apnic\"},"
	             "{\"asn\":64500,\"prefix\":\"2001:db8::/32\",\"maxLength\":48}],"
	             "\"aspas\":[{\"customer_asid\":64500,\"providers\":[64502,64501,64501]},"
	             "{\"customer\":\"AS64510\",\"providers\":[\"AS64511\"]}]}",
	        1, 0, &st, aspa);
	assert_int_equal(vrp_table_count(t), 2);
	assert_true(has_vrp(t, "1.1.1.0/24", 24, 13335));
	assert_int_equal(aspa_table_build(aspa), 0);
	assert_int_equal(aspa_table_count(aspa), 2);
	assert_int_equal(aspa_table_find(aspa, 64500)->nproviders, 2);
	assert_int_equal(aspa_hop_check(aspa, 64510, 64511), ASPA_HOP_PROVIDER);
	vrp_table_free(t);
	aspa_table_free(aspa);
	/* RIPE validator CSV with quotes and CRLF, header names in another order */
	t = load_buf("\"IP Prefix\",\"ASN\",\"Max Length\",\"Trust Anchor\"\r\n"
	             "\"10.0.0.0/8\",\"AS1\",\"16\",\"RIPE NCC RPKI Root\"\r\n",
	    1, 0, &st, NULL);
	assert_int_equal(st.format, VRP_FMT_CSV);
	assert_true(has_vrp(t, "10.0.0.0/8", 16, 1));
	vrp_table_free(t);
	/* rpki-client CSV, no maxLength value: prefix length */
	t = load_buf("ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS2,192.0.2.0/24,,ripe,1\n", 1,
	    0, &st, NULL);
	assert_true(has_vrp(t, "192.0.2.0/24", 24, 2));
	vrp_table_free(t);
	/* rcynic with an explicit maxLength */
	t = load_buf(
	    "2017-01-01T00:31:58Z 6830 213.126.192.0/18 2a02:a200::/27-32\n", 1, 0, &st, NULL);
	assert_int_equal(st.format, VRP_FMT_RCYNIC);
	assert_true(has_vrp(t, "2a02:a200::/27", 32, 6830));
	assert_true(has_vrp(t, "213.126.192.0/18", 18, 6830));
	vrp_table_free(t);
}

static void test_malformed(void **state)
{
	struct vrp_load_stats st;
	const char *csv = "ASN,IP Prefix,Max Length\n"
	                  "AS1,10.0.0.0/8,8\n"
	                  "ASX,10.0.0.0/8,8\n"   /* line 3: bad ASN */
	                  "AS2,10.0.0.1/8,8\n"   /* line 4: host bits */
	                  "AS3,10.0.0.0/16,8\n"  /* line 5: maxLength < length */
	                  "AS4,10.0.0.0/16,33\n" /* line 6: maxLength > 32 */
	                  "AS5\n"                /* line 7: too few fields */
	                  "AS6,2001:db8::/32,48\n";
	struct vrp_table *t = load_buf(csv, 0, 0, &st, NULL);
	assert_int_equal(st.malformed, 5);
	assert_int_equal(st.vrps, 2);
	assert_int_equal(vrp_table_count(t), 2);
	assert_string_equal(st.first_error, "mem:3: bad ASN 'ASX'");
	vrp_table_free(t);
	/* strict: the first bad record fails the load */
	t = load_buf(csv, 1, -2, &st, NULL);
	assert_int_equal(st.malformed, 1);
	vrp_table_free(t);

	t = load_buf(
	    "{\"roas\":[{\"asn\":1,\"prefix\":\"10.0.0.0/8\",\"maxLength\":99},"
	    "{\"prefix\":\"10.0.0.0/8\"},{\"asn\":2,\"prefix\":\"10.0.0.0/8\",\"maxLength\":8}]}",
	    0, 0, &st, NULL);
	assert_int_equal(st.malformed, 2);
	assert_int_equal(vrp_table_count(t), 1);
	assert_non_null(strstr(st.first_error, "roas[0]"));
	vrp_table_free(t);
	/* truncated JSON: a syntax error with its position */
	t = load_buf("{\"roas\":[{\"asn\":1,\n\"prefix\":", 0, -1, &st, NULL);
	assert_non_null(strstr(st.first_error, "mem:2: JSON syntax error"));
	vrp_table_free(t);
	t = load_buf("hello world\n", 0, -1, &st, NULL);
	assert_int_equal(st.format, VRP_FMT_UNKNOWN);
	vrp_table_free(t);
	t = load_buf(
	    "2017-01-01T00:31:58Z 6830 213.126.192.0/18-40 1.2.3.0/24-x\n", 0, 0, &st, NULL);
	assert_int_equal(st.malformed, 2);
	vrp_table_free(t);
	struct vrp_table *u = vrp_table_new();
	assert_int_equal(vrp_load_file(u, NULL, "/nonexistent/vrps.csv", 0, &st), -1);
	vrp_table_free(u);
}

/* A ROA in the plain form (read without json-c) gives what the same ROA gives when a nested
 * member sends it through json-c: the same VRP, or the same complaint. */
static void test_json_plain_form(void **state)
{
	const char *elems[] = {
	    "\"asn\":13335,\"prefix\":\"1.0.0.0/24\",\"maxLength\":24,\"ta\":\"x\"",
	    "\"asn\":\"AS13335\",\"prefix\":\"1.0.1.0/24\",\"maxLength\":24",
	    "\"origin\":\"64500\",\"prefix\":\"1.0.2.0/24\"",
	    "\"asn\":1,\"origin\":2,\"prefix\":\"1.0.3.0/24\",\"max_length\":25",
	    "\"asn\":4294967296,\"prefix\":\"1.0.4.0/24\"",
	    "\"asn\":4294967295,\"prefix\":\"1.0.4.0/24\"",
	    "\"asn\":5,\"prefix\":\"1.0.6.0/24\",\"maxLength\":\"24\"",
	    "\"asn\":5,\"prefix\":\"1.0.8.0/24\",\"maxLength\":300", "\"asn\":5,\"prefix\":17",
	    "\"asn\":5", "\"prefix\":\"1.0.9.0/24\"",
	    " \"asn\" : 6 , \"prefix\" : \"1.0.12.0/24\" , \"maxlength\" : 26 , \"maxLength\": 24 ",
	    "\"asn\":8,\"prefix\":\"2001:db8::/32\",\"maxLength\":48",
	    "\"asn\":9,\"prefix\":\"1.0.15.1/24\"",
	    "\"asn\":10,\"prefix\":\"1.0.16.0/24\",\"maxLength\":16",
	    "\"asn\":\"AS1.5\",\"prefix\":\"1.0.19.0/24\"",
	    "\"asn\":\"ASX\",\"prefix\":\"1.0.19.0/24\""};
	for (size_t i = 0; i < sizeof(elems) / sizeof(elems[0]); i++) {
		char plain[512], general[512];
		snprintf(plain, sizeof(plain), "{\"roas\":[{%s}]}", elems[i]);
		snprintf(general, sizeof(general), "{\"roas\":[{\"z\":{},%s}]}", elems[i]);
		struct vrp_load_stats a, b;
		struct vrp_table *ta = load_buf(plain, 0, 0, &a, NULL);
		struct vrp_table *tb = load_buf(general, 0, 0, &b, NULL);
		assert_int_equal(a.malformed, b.malformed);
		assert_int_equal(a.vrps, b.vrps);
		assert_string_equal(a.first_error, b.first_error);
		assert_int_equal(vrp_table_count(ta), vrp_table_count(tb));
		for (size_t k = 0; k < vrp_table_count(ta); k++) {
			const struct vrp *x = vrp_table_get(ta, k), *y = vrp_table_get(tb, k);
			assert_int_equal(prefix_cmp(&x->p, &y->p), 0);
			assert_int_equal(x->maxlen, y->maxlen);
			assert_int_equal(x->asn, y->asn);
		}
		vrp_table_free(ta);
		vrp_table_free(tb);
	}
}

static uint64_t ta_count(const struct vrp_table *t, const char *name)
{
	const struct vrp_ta *tas;
	size_t n = vrp_table_tas(t, &tas);
	for (size_t i = 0; i < n; i++)
		if (strcmp(tas[i].name, name) == 0)
			return tas[i].vrps;
	return 0;
}

/* The VRPs per trust anchor, counted as the file loads: JSON "ta" by the fast scanner and by
 * json-c (an object it hands over: a nested member), a CSV's "Trust Anchor" column (an empty
 * field counts under ""), none for a CSV without the column; malformed records are not
 * counted; past VRP_MAX_TAS names the rest go to "(others)". */
static void test_trust_anchors(void **state)
{
	(void)state;
	struct vrp_load_stats st;
	struct vrp_table *t =
	    load_buf("{\"roas\":["
	             "{\"asn\":1,\"prefix\":\"192.0.2.0/24\",\"maxLength\":24,\"ta\":\"ripe\"},"
	             "{\"asn\":2,\"prefix\":\"198.51.100.0/24\",\"ta\":\"ripe\"},"
	             "{\"asn\":3,\"prefix\":\"203.0.113.0/24\",\"ta\":\"apnic\","
	             "\"x\":{\"nested\":1}},"
	             "{\"asn\":4,\"prefix\":\"10.0.0.0/8\"},"
	             "{\"asn\":5,\"prefix\":\"bad\",\"ta\":\"arin\"}]}",
	        0, 0, &st, NULL);
	const struct vrp_ta *tas;
	assert_int_equal(vrp_table_tas(t, &tas), 2);
	assert_string_equal(tas[0].name, "ripe");
	assert_int_equal(tas[0].vrps, 2);
	assert_string_equal(tas[1].name, "apnic"); /* through json-c */
	assert_int_equal(tas[1].vrps, 1);
	assert_int_equal(ta_count(t, "arin"), 0); /* malformed: not added, not counted */
	assert_int_equal(st.malformed, 1);
	vrp_table_free(t);

	t = load_buf("ASN,IP Prefix,Max Length,Trust Anchor\n"
	             "AS1,192.0.2.0/24,24,lacnic\nAS2,198.51.100.0/24,24,\n"
	             "AS3,203.0.113.0/24,24,lacnic\n",
	    1, 0, &st, NULL);
	assert_int_equal(vrp_table_tas(t, &tas), 2);
	assert_int_equal(ta_count(t, "lacnic"), 2);
	assert_int_equal(ta_count(t, ""), 1);
	vrp_table_free(t);
	t = load_buf("ASN,IP Prefix,Max Length\nAS1,192.0.2.0/24,24\n", 1, 0, &st, NULL);
	assert_int_equal(vrp_table_tas(t, &tas), 0);
	vrp_table_free(t);

	/* more names than slots */
	char csv[8192];
	size_t n = (size_t)snprintf(csv, sizeof(csv), "ASN,IP Prefix,Max Length,Trust Anchor\n");
	for (int i = 0; i < VRP_MAX_TAS + 5; i++)
		n += (size_t)snprintf(
		    csv + n, sizeof(csv) - n, "AS%d,10.%d.0.0/16,16,ta%d\n", i + 1, i, i);
	t = load_buf(csv, 1, 0, &st, NULL);
	assert_int_equal(vrp_table_tas(t, &tas), VRP_MAX_TAS);
	assert_int_equal(ta_count(t, "ta0"), 1);
	assert_int_equal(ta_count(t, "(others)"), 6);
	uint64_t sum = 0;
	for (size_t i = 0; i < VRP_MAX_TAS; i++)
		sum += tas[i].vrps;
	assert_int_equal(sum, VRP_MAX_TAS + 5);
	vrp_table_free(t);

	REQUIRE_DATA(v17, "rpki/vrps_2017-04-13_from_compress_roas.csv");
	struct vrp_table *r = load(v17, NULL, &st);
	assert_int_equal(vrp_table_tas(r, &tas), 1);
	assert_string_equal(tas[0].name, "unknown");
	assert_int_equal(tas[0].vrps, st.vrps);
	vrp_table_free(r);
}

/* The built table is in vrp_cmp order, strictly (duplicates dropped), for a real set of both
 * families (the radix sort's digits against the comparison) and for VRPs that differ in one
 * field only, each field in turn. */
static void test_sorted(void **state)
{
	(void)state;
	struct vrp_load_stats st;
	struct vrp_table *t = load_buf("ASN,IP Prefix,Max Length\n"
	                               "AS2,192.0.2.0/24,24\nAS1,192.0.2.0/24,24\n"
	                               "AS1,192.0.2.0/24,25\nAS1,192.0.2.0/23,24\n"
	                               "AS1,192.0.3.0/24,24\nAS1,2001:db8::/32,48\n"
	                               "AS1,2001:db8::/32,40\nAS70000,2001:db8::/32,40\n"
	                               "AS1,2001:db8:0:0:1::/80,80\nAS1,1.0.0.0/8,8\n"
	                               "AS2,192.0.2.0/24,24\n"
	                               /* alike in their first 55 bits: the sort's key */
	                               "AS1,2001:db8:0:1::/64,64\nAS1,2001:db8::/64,64\n",
	    1, 0, &st, NULL);
	assert_int_equal(vrp_table_count(t), 12);
	const char *want[] = {"1.0.0.0/8 8 1", "192.0.2.0/23 24 1", "192.0.2.0/24 24 1",
	    "192.0.2.0/24 24 2", "192.0.2.0/24 25 1", "192.0.3.0/24 24 1", "2001:db8::/32 40 1",
	    "2001:db8::/32 40 70000", "2001:db8::/32 48 1", "2001:db8::/64 64 1",
	    "2001:db8:0:1::/64 64 1", "2001:db8:0:0:1::/80 80 1"};
	for (size_t i = 0; i < vrp_table_count(t); i++) {
		const struct vrp *v = vrp_table_get(t, i);
		char pfx[PREFIX_STRLEN], got[80];
		snprintf(got, sizeof(got), "%s %u %u", prefix_format(&v->p, pfx, sizeof(pfx)),
		    v->maxlen, v->asn);
		assert_string_equal(got, want[i]);
	}
	vrp_table_free(t);
	REQUIRE_DATA(path, "rpki/rpki_2023-11-07_derived_roas_aspas.json.gz");
	t = load(path, NULL, &st);
	size_t n6 = 0;
	for (size_t i = 1; i < vrp_table_count(t); i++) {
		assert_true(vrp_cmp(vrp_table_get(t, i - 1), vrp_table_get(t, i)) < 0);
		n6 += vrp_table_get(t, i)->p.afi == AFI_IPV6;
	}
	assert_true(n6 > 10000);
	vrp_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rpki_client_json),
	    cmocka_unit_test(test_ripe_csv),
	    cmocka_unit_test(test_rcynic_matches_csv),
	    cmocka_unit_test(test_formats_in_memory),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_json_plain_form),
	    cmocka_unit_test(test_trust_anchors),
	    cmocka_unit_test(test_sorted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
