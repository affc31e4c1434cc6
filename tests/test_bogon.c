/* registry: bogon prefixes and ASNs. The expected classifications below are written out from
 * the IANA special-purpose registries and manrs-metrics.md (not read back from the table), and
 * the file counts from SOURCES.md / grep. */
#include <sys/wait.h>

#include "testutil.h"
#include "registry/registry.h"

static struct bogon_db DB;

static int setup(void **state)
{
	bogon_db_init(&DB);
	return 0;
}

static int teardown(void **state)
{
	bogon_db_free(&DB);
	return 0;
}

static enum bogon_kind classify(struct bogon_db *db, const char *s, struct bogon_verdict *v)
{
	struct prefix p;
	if (prefix_parse(s, &p) != 0)
		fail_msg("test prefix %s does not parse", s);
	return bogon_check_prefix(db, &p, v);
}

struct want {
	const char *prefix;
	enum bogon_kind kind;
	const char *rfc; /* the deciding row's RFC (NULL: no row) */
};

static void check_list(const struct want *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct bogon_verdict v;
		enum bogon_kind k = classify(&DB, w[i].prefix, &v);
		if (k != w[i].kind)
			fail_msg("%s: got %s, want %s", w[i].prefix, bogon_kind_name(k),
			    bogon_kind_name(w[i].kind));
		if (w[i].rfc == NULL) {
			if (v.row != NULL)
				fail_msg("%s: unexpected row %s", w[i].prefix, v.row->prefix);
		} else if (v.row == NULL || strcmp(v.row->rfc, w[i].rfc) != 0) {
			fail_msg("%s: row rfc %s, want %s", w[i].prefix,
			    v.row ? v.row->rfc : "(none)", w[i].rfc);
		}
	}
}

/* manrs-metrics.md's IPv4 list, each block and a more-specific inside it */
static void test_manrs_v4_list(void **state)
{
	static const struct want w[] = {
	    {"0.0.0.0/8", BOGON_FULL, "RFC 791 s3.2"},
	    {"0.1.2.0/24", BOGON_FULL, "RFC 791 s3.2"},
	    {"10.0.0.0/8", BOGON_FULL, "RFC 1918"},
	    {"10.200.0.0/16", BOGON_FULL, "RFC 1918"},
	    {"100.64.0.0/10", BOGON_FULL, "RFC 6598"},
	    {"100.127.255.0/24", BOGON_FULL, "RFC 6598"},
	    {"127.0.0.0/8", BOGON_FULL, "RFC 1122 s3.2.1.3"},
	    {"127.0.0.1/32", BOGON_FULL, "RFC 1122 s3.2.1.3"},
	    {"169.254.0.0/16", BOGON_FULL, "RFC 3927"},
	    {"172.16.0.0/12", BOGON_FULL, "RFC 1918"},
	    {"172.31.255.0/24", BOGON_FULL, "RFC 1918"},
	    {"192.0.0.0/24", BOGON_FULL, "RFC 6890 s2.1"},
	    {"192.0.2.0/24", BOGON_FULL, "RFC 5737"},
	    {"192.88.99.0/24", BOGON_FULL, "RFC 7526"},
	    {"192.168.0.0/16", BOGON_FULL, "RFC 1918"},
	    {"192.168.1.0/24", BOGON_FULL, "RFC 1918"},
	    {"198.18.0.0/15", BOGON_FULL, "RFC 2544"},
	    {"198.19.0.0/16", BOGON_FULL, "RFC 2544"},
	    {"198.51.100.0/24", BOGON_FULL, "RFC 5737"},
	    {"203.0.113.0/24", BOGON_FULL, "RFC 5737"},
	    {"224.0.0.0/4", BOGON_FULL, "RFC 5771"},
	    {"239.255.0.0/16", BOGON_FULL, "RFC 5771"},
	    {"240.0.0.0/4", BOGON_FULL, "RFC 1112 s4"},
	    {"255.255.255.255/32", BOGON_FULL, "RFC 8190, RFC 919 s7"},
	};
	check_list(w, sizeof(w) / sizeof(w[0]));
}

/* the rest of the IPv4 special-purpose registry, and "or longer" / longest-match edges */
static void test_v4_special_rows(void **state)
{
	static const struct want w[] = {
	    {"0.0.0.0/32", BOGON_FULL, "RFC 1122 s3.2.1.3"},
	    {"192.0.0.0/29", BOGON_FULL, "RFC 7335"},
	    {"192.0.0.8/32", BOGON_FULL, "RFC 7600"},
	    {"192.0.0.9/32", BOGON_NOT, "RFC 7723"},  /* PCP anycast: globally reachable */
	    {"192.0.0.10/32", BOGON_NOT, "RFC 8155"}, /* TURN anycast */
	    {"192.0.0.170/32", BOGON_FULL, "RFC 8880, RFC 7050 s2.2"},
	    {"192.0.0.171/32", BOGON_FULL, "RFC 8880, RFC 7050 s2.2"},
	    {"192.0.0.128/25", BOGON_FULL, "RFC 6890 s2.1"},
	    {"192.31.196.0/24", BOGON_NOT, "RFC 7535"}, /* AS112-v4 */
	    {"192.52.193.0/24", BOGON_NOT, "RFC 7450"}, /* AMT */
	    {"192.175.48.0/24", BOGON_NOT, "RFC 7534"}, /* AS112 direct delegation */
	    {"8.8.8.0/24", BOGON_NOT, NULL},
	    {"1.1.1.0/24", BOGON_NOT, NULL},
	    {"192.0.3.0/24", BOGON_NOT, NULL},
	    {"11.0.0.0/8", BOGON_NOT, NULL},
	    /* shorter than a bogon block: not a bogon ("or longer"), but flagged */
	    {"192.0.0.0/16", BOGON_NOT, NULL},
	    {"0.0.0.0/0", BOGON_NOT, NULL},
	    {"172.0.0.0/8", BOGON_NOT, NULL},
	};
	check_list(w, sizeof(w) / sizeof(w[0]));
	struct bogon_verdict v;
	classify(&DB, "192.0.0.0/16", &v);
	assert_int_equal(v.covers_bogon, 1);
	classify(&DB, "8.0.0.0/8", &v);
	assert_int_equal(v.covers_bogon, 0);
	classify(&DB, "192.168.7.0/24", &v);
	char buf[PREFIX_STRLEN];
	assert_string_equal(prefix_format(&v.match, buf, sizeof(buf)), "192.168.0.0/16");
}

static void test_v6_rows(void **state)
{
	static const struct want w[] = {
	    {"::1/128", BOGON_FULL, "RFC 4291"},
	    {"::/128", BOGON_FULL, "RFC 4291"},
	    {"::ffff:0:0/96", BOGON_FULL, "RFC 4291"},
	    {"64:ff9b::/96", BOGON_FULL, "RFC 6052"},
	    {"64:ff9b:1::/48", BOGON_FULL, "RFC 8215"},
	    {"100::/64", BOGON_FULL, "RFC 6666"},
	    {"2001::/23", BOGON_FULL, "RFC 2928"},
	    {"2001:5::/32", BOGON_FULL, "RFC 2928"},
	    {"2001::/32", BOGON_NOT, "RFC 4380, RFC 8190"}, /* Teredo */
	    {"2001:1::1/128", BOGON_NOT, "RFC 7723"},
	    {"2001:1::2/128", BOGON_NOT, "RFC 8155"},
	    {"2001:1::3/128", BOGON_NOT, "RFC 9665"},
	    {"2001:2::/48", BOGON_FULL, "RFC 5180, RFC Errata 1752"},
	    {"2001:3::/32", BOGON_NOT, "RFC 7450"},
	    {"2001:4:112::/48", BOGON_NOT, "RFC 7535"},
	    {"2001:10::/28", BOGON_FULL, "RFC 4843"},
	    {"2001:20::/28", BOGON_NOT, "RFC 7343"},
	    {"2001:30::/28", BOGON_NOT, "RFC 9374"},
	    {"2001:db8::/32", BOGON_FULL, "RFC 3849"},
	    {"2001:db8:1234::/48", BOGON_FULL, "RFC 3849"},
	    {"2002::/16", BOGON_FULL, "RFC 3056, RFC 7526"},
	    {"2620:4f:8000::/48", BOGON_NOT, "RFC 7534"},
	    {"3fff::/20", BOGON_FULL, "RFC 9637"},
	    {"5f00::/16", BOGON_FULL, "RFC 9602"},
	    {"fc00::/7", BOGON_FULL, "RFC 4193, RFC 8190"},
	    {"fd12:3456::/32", BOGON_FULL, "RFC 4193, RFC 8190"},
	    {"fe80::/10", BOGON_FULL, "RFC 4291"},
	    {"fec0::/10", BOGON_FULL, "RFC 3879"},
	    {"ff02::/16", BOGON_FULL, "RFC 4291 s2.7"},
	    /* outside 2000::/3 */
	    {"4000::/3", BOGON_FULL, "RFC 4291 s2.4"},
	    {"1234::/16", BOGON_FULL, "RFC 4291 s2.4"},
	    {"a000::/16", BOGON_FULL, "RFC 4291 s2.4"},
	    /* global unicast */
	    {"2a00:1450::/32", BOGON_NOT, NULL},
	    {"2600::/12", BOGON_NOT, NULL},
	    {"2000::/3", BOGON_NOT, NULL},
	};
	check_list(w, sizeof(w) / sizeof(w[0]));
	struct bogon_verdict v;
	classify(&DB, "2000::/3", &v);
	assert_int_equal(v.covers_bogon, 1); /* 2001:db8::/32 and others lie inside */
}

static void test_table_consistency(void **state)
{
	size_t n;
	const struct bogon_row *rows = bogon_special_rows(&n);
	assert_true(n >= 50);
	for (size_t i = 0; i < n; i++) {
		struct prefix p;
		assert_int_equal(prefix_parse(rows[i].prefix, &p), 0);
		struct bogon_verdict v;
		enum bogon_kind k = bogon_check_prefix(&DB, &p, &v);
		assert_ptr_equal(v.row, &rows[i]); /* each row decides for its own block */
		assert_int_equal(k, rows[i].bogon ? BOGON_FULL : BOGON_NOT);
		assert_non_null(strstr(rows[i].rfc, "RFC"));
	}
}

struct asn_want {
	uint32_t asn;
	enum bogon_kind kind;
	const char *rfc;
};

static void test_asn_ranges(void **state)
{
	static const struct asn_want w[] = {
	    {0, BOGON_FULL, "RFC 7607"},
	    {1, BOGON_NOT, NULL},
	    {3356, BOGON_NOT, NULL},
	    {23455, BOGON_NOT, NULL},
	    {23456, BOGON_FULL, "RFC 6793"},
	    {23457, BOGON_NOT, NULL},
	    {64495, BOGON_NOT, NULL},
	    {64496, BOGON_FULL, "RFC 5398"},
	    {64511, BOGON_FULL, "RFC 5398"},
	    {64512, BOGON_FULL, "RFC 6996"},
	    {65000, BOGON_FULL, "RFC 6996"},
	    {65534, BOGON_FULL, "RFC 6996"},
	    {65535, BOGON_FULL, "RFC 7300"},
	    {65536, BOGON_FULL, "RFC 5398"},
	    {65551, BOGON_FULL, "RFC 5398"},
	    {65552, BOGON_FULL, "IANA AS Numbers registry"},
	    {131071, BOGON_FULL, "IANA AS Numbers registry"},
	    {131072, BOGON_NOT, NULL},
	    {4199999999u, BOGON_NOT, NULL},
	    {4200000000u, BOGON_FULL, "RFC 6996"},
	    {4294967294u, BOGON_FULL, "RFC 6996"},
	    {4294967295u, BOGON_FULL, "RFC 7300"},
	};
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		struct bogon_asn_verdict v;
		enum bogon_kind k = bogon_check_asn(&DB, w[i].asn, &v);
		if (k != w[i].kind)
			fail_msg("AS%u: got %s", w[i].asn, bogon_kind_name(k));
		if (w[i].rfc)
			assert_string_equal(v.range->rfc, w[i].rfc);
		else
			assert_null(v.range);
	}
}

static void test_cymru_files(void **state)
{
	REQUIRE_DATA(v4, "bogons/cymru_fullbogons-ipv4_20240310.txt");
	REQUIRE_DATA(v6, "bogons/cymru_fullbogons-ipv6_20240310.txt.gz");
	struct bogon_db db;
	bogon_db_init(&db);
	assert_int_equal(bogon_load(&db, v4), 0);
	assert_int_equal(bogon_load(&db, v6), 0);
	assert_int_equal(db.nfiles, 2);
	assert_string_equal(db.files[0].kind, "cymru");
	assert_int_equal(db.files[0].v4, 703);
	assert_int_equal(db.files[0].v6, 0);
	assert_int_equal(db.files[1].v6, 143544);
	assert_int_equal(db.files[0].malformed + db.files[1].malformed, 0);
	assert_int_equal(db.admin.count, 703 + 143544); /* no duplicates in either list */
	struct bogon_verdict v;
	/* third line of the v4 list */
	assert_int_equal(classify(&db, "23.135.225.0/24", &v), BOGON_ADMIN);
	assert_string_equal(v.what, "fullbogons");
	assert_int_equal(v.line, 5); /* two comment lines, then 0/8, 10/8 */
	assert_int_equal(classify(&db, "23.135.225.128/25", &v), BOGON_ADMIN); /* or longer */
	assert_int_equal(classify(&db, "23.135.224.0/23", &v), BOGON_NOT);
	assert_int_equal(classify(&db, "10.0.0.0/8", &v), BOGON_FULL); /* special first */
	/* Cymru lists 192.0.0.0/24 whole; the reachable registry row still decides */
	assert_int_equal(classify(&db, "192.0.0.9/32", &v), BOGON_NOT);
	assert_int_equal(classify(&db, "192.175.48.0/24", &v), BOGON_NOT);
	assert_int_equal(classify(&db, "8.8.8.0/24", &v), BOGON_NOT);
	assert_int_equal(classify(&db, "40::/11", &v), BOGON_FULL); /* outside 2000::/3 */
	assert_int_equal(classify(&db, "2a00:1450::/32", &v), BOGON_NOT);
	bogon_db_free(&db);
}

static void test_iana_xml(void **state)
{
	REQUIRE_DATA(x4, "bogons/iana__ipv4-address-space.xml");
	REQUIRE_DATA(x6, "bogons/iana__ipv6-address-space.xml");
	REQUIRE_DATA(u6, "bogons/iana__ipv6-unicast-address-assignments.xml");
	struct bogon_db db;
	bogon_db_init(&db);
	assert_int_equal(bogon_load(&db, x4), 0);
	assert_int_equal(bogon_load(&db, x6), 0);
	assert_int_equal(bogon_load(&db, u6), 0);
	assert_string_equal(db.files[0].kind, "iana-ipv4");
	assert_int_equal(db.files[0].v4, 35); /* 35 RESERVED /8s of 256 records */
	assert_string_equal(db.files[1].kind, "iana-ipv6");
	assert_int_equal(db.files[1].v6, 19); /* 20 records, one is 2000::/3 */
	assert_string_equal(db.files[2].kind, "iana-ipv6-unicast");
	assert_int_equal(db.files[2].v6, 5); /* 5 RESERVED, 35 ALLOCATED */
	assert_int_equal(db.iana6.count, 35);
	for (int i = 0; i < 3; i++)
		assert_int_equal(db.files[i].malformed, 0);
	struct bogon_verdict v;
	assert_int_equal(classify(&db, "2d00:1::/32", &v), BOGON_ADMIN);
	assert_non_null(strstr(v.what, "RESERVED"));
	assert_int_equal(classify(&db, "3ffe:1::/32", &v), BOGON_ADMIN); /* old 6bone */
	assert_int_equal(classify(&db, "2004::/16", &v), BOGON_ADMIN);   /* unlisted */
	assert_string_equal(v.what, "not allocated by IANA");
	assert_int_equal(classify(&db, "2a00:1450::/32", &v), BOGON_NOT);
	assert_int_equal(classify(&db, "2001:4860::/32", &v), BOGON_NOT);
	assert_int_equal(classify(&db, "225.1.0.0/16", &v), BOGON_FULL);
	assert_int_equal(classify(&db, "1.0.0.0/24", &v), BOGON_NOT); /* APNIC, ALLOCATED */
	assert_int_equal(classify(&db, "3.0.0.0/8", &v), BOGON_NOT);  /* LEGACY */
	bogon_db_free(&db);
}

static void test_mem_loader_errors(void **state)
{
	struct bogon_db db;
	bogon_db_init(&db);
	log_set_level(LOG_LVL_ERR);
	const char *list = "# c\n1.2.3.0/24\r\nnot-a-prefix\n  5.6.0.0/16  \n10.1.2.3/8\n";
	assert_int_equal(bogon_load_mem(&db, list, strlen(list), "mem"), 0);
	assert_int_equal(db.files[0].v4, 2);
	assert_int_equal(db.files[0].malformed, 2); /* garbage, host bits set */
	const char *xml = "<?xml?><registry id=\"other\"><record><prefix>1/8</prefix></record>";
	assert_int_equal(bogon_load_mem(&db, xml, strlen(xml), "x"), -1);
	const char *x4 = "<?xml?><registry id=\"ipv4-address-space\"><record><prefix>300/8"
	                 "</prefix><status>RESERVED</status></record><record><prefix>007/8"
	                 "</prefix><status>RESERVED</status></record><record><prefix>";
	assert_int_equal(bogon_load_mem(&db, x4, strlen(x4), "x4"), 0);
	assert_int_equal(db.files[1].v4, 1);
	assert_int_equal(db.files[1].malformed, 2); /* 300/8 and the unterminated record */
	log_set_level(LOG_LVL_WARN);
	struct bogon_verdict v;
	assert_int_equal(classify(&db, "7.1.0.0/16", &v), BOGON_ADMIN);
	assert_int_equal(classify(&db, "5.6.7.0/24", &v), BOGON_ADMIN);
	bogon_db_free(&db);
}

/* the command: text and jsonl output, exit codes */
static void test_cli(void **state)
{
	if (access(test_bin(), X_OK) != 0) {
		printf("SKIP: %s: %s not built\n", __func__, test_bin());
		skip();
	}
	char cmd[512], out[4096];
	snprintf(
	    cmd, sizeof(cmd), "%s bogon 10.1.0.0/16 192.0.0.9/32 AS23456 8.8.8.0/24", test_bin());
	FILE *f = popen(cmd, "r");
	size_t n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	assert_int_equal(pclose(f), 0);
	assert_non_null(strstr(out, "10.1.0.0/16: full bogon: 10.0.0.0/8 Private-Use (RFC 1918"));
	assert_non_null(strstr(out, "192.0.0.9/32: not bogon"));
	assert_non_null(strstr(out, "AS23456: full bogon: AS23456-AS23456 AS_TRANS (RFC 6793)"));
	assert_non_null(strstr(out, "8.8.8.0/24: not bogon\n"));
	snprintf(cmd, sizeof(cmd), "%s bogon --format jsonl 2001:db8::/48", test_bin());
	f = popen(cmd, "r");
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	assert_int_equal(pclose(f), 0);
	assert_non_null(strstr(out, "\"verdict\":\"full\",\"match\":\"2001:db8::/32\""));
	assert_non_null(strstr(out, "\"rfc\":\"RFC 3849\""));
	snprintf(cmd, sizeof(cmd), "%s bogon not-a-prefix 2>/dev/null", test_bin());
	f = popen(cmd, "r");
	assert_int_equal(WEXITSTATUS(pclose(f)), 1);
	snprintf(
	    cmd, sizeof(cmd), "%s bogon --bogons /nonexistent 1.0.0.0/8 2>/dev/null", test_bin());
	f = popen(cmd, "r");
	assert_int_equal(WEXITSTATUS(pclose(f)), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_manrs_v4_list),
	    cmocka_unit_test(test_v4_special_rows),
	    cmocka_unit_test(test_v6_rows),
	    cmocka_unit_test(test_table_consistency),
	    cmocka_unit_test(test_asn_ranges),
	    cmocka_unit_test(test_cymru_files),
	    cmocka_unit_test(test_iana_xml),
	    cmocka_unit_test(test_mem_loader_errors),
	    cmocka_unit_test(test_cli),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
