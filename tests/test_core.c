/* core: prefixes, ASNs, AS paths, interning, trie. */
#include "testutil.h"
#include "core/core.h"
#include <arpa/inet.h>
#include <json-c/json.h>

static struct prefix P(const char *s) {
	struct prefix p;
	assert_int_equal(prefix_parse(s, &p), 0);
	return p;
}

static void
test_prefix_parse(void **state)
{
	struct prefix p;
	char buf[PREFIX_STRLEN];
	assert_int_equal(prefix_parse("192.0.2.0/24", &p), 0);
	assert_int_equal(p.afi, AFI_IPV4);
	assert_int_equal(p.len, 24);
	assert_string_equal(prefix_format(&p, buf, sizeof(buf)), "192.0.2.0/24");
	assert_int_equal(prefix_parse("2001:db8::/32", &p), 0);
	assert_int_equal(p.afi, AFI_IPV6);
	assert_string_equal(prefix_format(&p, buf, sizeof(buf)), "2001:db8::/32");
	assert_int_equal(prefix_parse("10.0.0.1", &p), 0);
	assert_int_equal(p.len, 32);
	/* host bits: strict rejects, loose clears */
	assert_int_equal(prefix_parse("10.1.2.3/8", &p), -1);
	assert_int_equal(prefix_parse_loose("10.1.2.3/8", &p), 0);
	assert_string_equal(prefix_format(&p, buf, sizeof(buf)), "10.0.0.0/8");
	assert_int_equal(prefix_parse("10.0.0.0/33", &p), -1);
	assert_int_equal(prefix_parse("2001:db8::/129", &p), -1);
	assert_int_equal(prefix_parse("10.0.0.0/", &p), -1);
	assert_int_equal(prefix_parse("10.0.0.0/-1", &p), -1);
	assert_int_equal(prefix_parse("10.0.0/8", &p), -1);
	assert_int_equal(prefix_parse("", &p), -1);
	assert_int_equal(prefix_parse("0.0.0.0/0", &p), 0);
	assert_int_equal(prefix_parse("::/0", &p), 0);
}

static void test_prefix_wire(void **state)
{
	struct prefix p;
	int trailing;
	uint8_t b[] = {192, 0, 2, 0x81};
	assert_int_equal(prefix_from_wire(&p, AFI_IPV4, 25, b, &trailing), 0);
	assert_int_equal(trailing, 1);
	assert_int_equal(p.addr[3], 0x80);
	assert_int_equal(prefix_from_wire(&p, AFI_IPV4, 24, b, &trailing), 0);
	assert_int_equal(trailing, 0);
	assert_int_equal(prefix_from_wire(&p, AFI_IPV4, 33, b, &trailing), -1);
	assert_int_equal(prefix_from_wire(&p, 3, 8, b, &trailing), -1);
}

/* IPv4 addresses read without inet_pton must be read as inet_pton reads them. */
static void test_prefix_ipv4_as_inet_pton(void **state)
{
	const char *cases[] = {"0.0.0.0/0", "255.255.255.255/32", "1.2.3.0/24", "01.2.3.0/24",
	    "1.2.3.00/32", "1.2.3.256/32", "1.2.3/24", "1.2.3.4.5/32", "1..3.4/32", "1.2.3.4",
	    "1.2.3.4 /32", " 1.2.3.4/32", "1.2.3.4a/32", "1000.2.3.4/32", "10.0.0.0/33",
	    "10.1.0.0/8", "192.0.2.0/", "::ffff:1.2.3.4/128", "1.2.3.4/032", "0.0.0.0/32"};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char addr[64];
		uint8_t want[4];
		const char *sl = strchr(cases[i], '/');
		size_t n = sl ? (size_t)(sl - cases[i]) : strlen(cases[i]);
		snprintf(addr, sizeof(addr), "%.*s", (int)n, cases[i]);
		int pton = strchr(addr, ':') ? 1 : inet_pton(AF_INET, addr, want) == 1;
		struct prefix p;
		int r = prefix_parse_loose(cases[i], &p);
		if (!pton)
			assert_int_equal(r, -1);
		else if (r == 0 && p.afi == AFI_IPV4 && p.len == 32)
			assert_memory_equal(p.addr, want, 4);
	}
	struct prefix p;
	assert_int_equal(prefix_parse("1.2.3.0/24", &p), 0);
	assert_int_equal(p.len, 24);
	assert_int_equal(prefix_parse("01.2.3.0/24", &p), -1);
	assert_int_equal(prefix_parse("1.2.3.1/24", &p), -1); /* host bits */
	assert_int_equal(prefix_parse("10.1.0.0/8", &p), -1);
	assert_int_equal(prefix_parse_loose("10.1.0.0/8", &p), 0);
	assert_int_equal(p.addr[1], 0);
}

static void test_prefix_contains(void **state)
{
	struct prefix a = P("10.0.0.0/8"), b = P("10.1.0.0/16"), c = P("11.0.0.0/8");
	struct prefix v6 = P("2001:db8::/32"), v6b = P("2001:db8:1::/48");
	assert_true(prefix_contains(&a, &b));
	assert_false(prefix_contains(&b, &a));
	assert_false(prefix_contains(&a, &c));
	assert_true(prefix_contains(&a, &a));
	assert_true(prefix_contains(&v6, &v6b));
	assert_false(prefix_contains(&a, &v6));
	assert_true(prefix_cmp(&a, &b) < 0);
	assert_true(prefix_cmp(&a, &v6) < 0);
	assert_int_equal(prefix_cmp(&a, &a), 0);
}

static void test_asn_parse(void **state)
{
	uint32_t a;
	assert_int_equal(asn_parse("64500", &a), 0);
	assert_int_equal(a, 64500);
	assert_int_equal(asn_parse("AS3356", &a), 0);
	assert_int_equal(a, 3356);
	assert_int_equal(asn_parse("as4200000000", &a), 0);
	assert_int_equal(a, 4200000000u);
	assert_int_equal(asn_parse("1.10", &a), 0);
	assert_int_equal(a, 65546);
	assert_int_equal(asn_parse("4294967296", &a), -1);
	assert_int_equal(asn_parse("AS", &a), -1);
	assert_int_equal(asn_parse("12x", &a), -1);
	assert_int_equal(asn_parse("-1", &a), -1);
	assert_int_equal(asn_parse("4294967295", &a), 0);
	assert_int_equal(a, 4294967295u);
	assert_int_equal(asn_parse("99999999999999999999999", &a), -1);
	assert_int_equal(asn_parse("65535.65535", &a), 0);
	assert_int_equal(a, 4294967295u);
	assert_int_equal(asn_parse("65536.1", &a), -1);
	assert_int_equal(asn_parse("1.65536", &a), -1);
	assert_int_equal(asn_parse("1.", &a), -1);
	assert_int_equal(asn_parse("AS 1", &a), -1);
	assert_int_equal(asn_parse("0001", &a), 0);
	assert_int_equal(a, 1);
	struct prefix p;
	assert_int_equal(prefix_parse("10.0.0.0/08", &p), 0);
	assert_int_equal(p.len, 8);
	assert_int_equal(prefix_parse("10.0.0.0/000000000000000000000033", &p), -1);
	assert_int_equal(prefix_parse("10.0.0.0/99999999999999999999", &p), -1);
	assert_int_equal(prefix_parse("10.0.0.0/8x", &p), -1);
	assert_int_equal(prefix_parse("10.0.0.0/+8", &p), -1);
	assert_int_equal(prefix_parse("2001:db8::/128", &p), 0);
	assert_int_equal(prefix_parse("2001:db8::/129", &p), -1);
}

static void test_aspath(void **state)
{
	struct aspath_buf b;
	char buf[256];
	uint32_t o;
	aspath_buf_init(&b);
	assert_int_equal(aspath_parse("3356 1299 {64500,64501}", &b), 0);
	aspath_words_format(b.w, b.n, buf, sizeof(buf));
	assert_string_equal(buf, "3356 1299 {64500,64501}");
	assert_int_equal(aspath_words_origin(b.w, b.n, &o), -1); /* ends in a set */
	assert_true(aspath_words_has_set(b.w, b.n));
	assert_int_equal(aspath_words_length(b.w, b.n), 3);

	assert_int_equal(aspath_parse("(65001 65002) 3356 AS174 174", &b), 0);
	aspath_words_format(b.w, b.n, buf, sizeof(buf));
	assert_string_equal(buf, "(65001 65002) 3356 174 174");
	assert_int_equal(aspath_words_origin(b.w, b.n, &o), 0);
	assert_int_equal(o, 174);
	assert_int_equal(aspath_words_length(b.w, b.n), 3);
	assert_int_equal(aspath_words_first(b.w, b.n, &o), -1); /* confed first */

	assert_int_equal(aspath_parse("[1,2] 3", &b), 0);
	aspath_words_format(b.w, b.n, buf, sizeof(buf));
	assert_string_equal(buf, "[1,2] 3");

	assert_int_equal(aspath_parse("1 {2", &b), -1);
	assert_int_equal(aspath_parse("1, 2", &b), -1);
	assert_int_equal(aspath_parse("", &b), 0);
	assert_int_equal(aspath_words_origin(b.w, b.n, &o), -1);

	/* truncation keeps the buffer terminated */
	assert_int_equal(aspath_parse("4200000000 4200000001 4200000002", &b), 0);
	size_t n = aspath_words_format(b.w, b.n, buf, 16);
	assert_true(n < 16);
	assert_int_equal(strlen(buf), n);
	assert_non_null(strstr(buf, "..."));
	aspath_buf_free(&b);
}

static void test_intern(void **state)
{
	struct aspath_table t;
	struct aspath_buf b;
	aspath_table_init(&t);
	aspath_buf_init(&b);
	const struct aspath *first = NULL;
	for (uint32_t i = 0; i < 5000; i++) {
		aspath_buf_reset(&b);
		aspath_buf_segment(&b, AS_SEQUENCE);
		aspath_buf_push(&b, 3356);
		aspath_buf_push(&b, i % 1000);
		const struct aspath *p = aspath_intern(&t, b.w, b.n);
		if (i == 0)
			first = p;
		if (i == 1000)
			assert_ptr_equal(p, first);
	}
	assert_int_equal(t.count, 1000);
	assert_int_equal(first->nwords, 3);
	assert_int_equal(first->w[2], 0);
	aspath_table_free(&t);
	aspath_buf_free(&b);
}

static int count_cb(const struct prefix *p, void *v, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static int collect_cb(const struct prefix *p, void *v, void *arg)
{
	char *out = arg, buf[PREFIX_STRLEN];
	strcat(out, prefix_format(p, buf, sizeof(buf)));
	strcat(out, " ");
	return 0;
}

static void test_trie(void **state)
{
	struct trie t;
	trie_init(&t);
	const char *ins[] = {"10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.128.0.0/9",
	    "192.0.2.0/24", "0.0.0.0/0", "2001:db8::/32", "2001:db8:1::/48", "10.1.0.0/16"};
	for (size_t i = 0; i < sizeof(ins) / sizeof(ins[0]); i++) {
		struct prefix p = P(ins[i]);
		int created;
		void **slot = trie_insert(&t, &p, &created);
		if (created)
			*slot = (void *)ins[i];
		assert_int_equal(created, i != 8);
	}
	assert_int_equal(t.count, 8);
	struct prefix q = P("10.1.2.128/25"), m;
	assert_string_equal(trie_longest(&t, &q, &m), "10.1.2.0/24");
	q = P("10.2.0.0/16");
	assert_string_equal(trie_longest(&t, &q, &m), "10.0.0.0/8");
	q = P("11.0.0.0/8");
	assert_string_equal(trie_longest(&t, &q, &m), "0.0.0.0/0");
	assert_null(trie_exact(&t, &q));
	q = P("10.1.0.0/16");
	assert_string_equal(trie_exact(&t, &q), "10.1.0.0/16");
	q = P("10.0.0.0/7"); /* glue-free miss above a stored node */
	assert_null(trie_exact(&t, &q));

	char out[512] = "";
	q = P("10.1.2.3/32");
	trie_walk_covering(&t, &q, collect_cb, out);
	assert_string_equal(out, "0.0.0.0/0 10.0.0.0/8 10.1.0.0/16 10.1.2.0/24 ");
	out[0] = '\0';
	q = P("10.0.0.0/8");
	trie_walk_covered(&t, &q, collect_cb, out);
	assert_string_equal(out, "10.0.0.0/8 10.1.0.0/16 10.1.2.0/24 10.128.0.0/9 ");
	out[0] = '\0';
	q = P("10.0.0.0/12"); /* query between stored nodes */
	trie_walk_covered(&t, &q, collect_cb, out);
	assert_string_equal(out, "10.1.0.0/16 10.1.2.0/24 ");
	int n = 0;
	trie_walk_all(&t, count_cb, &n);
	assert_int_equal(n, 8);
	q = P("2001:db8:1:2::/64");
	assert_string_equal(trie_longest(&t, &q, &m), "2001:db8:1::/48");
	trie_free(&t);
}

/* Compare the trie with a brute-force list on random prefixes. */
static void test_trie_random(void **state)
{
	enum { N = 3000, Q = 3000 };
	static struct prefix list[N];
	struct trie t;
	trie_init(&t);
	srand(42);
	for (int i = 0; i < N; i++) {
		struct prefix p = {.afi = AFI_IPV4, .len = (uint8_t)(rand() % 25)};
		uint32_t a = (uint32_t)rand() & 0x0fffffff;
		memcpy(p.addr, &a, 4);
		prefix_mask(&p);
		list[i] = p;
		int created;
		void **slot = trie_insert(&t, &p, &created);
		if (created)
			*slot = &list[i];
	}
	for (int i = 0; i < Q; i++) {
		struct prefix q = {.afi = AFI_IPV4, .len = 24};
		uint32_t a = (uint32_t)rand() & 0x0fffffff;
		memcpy(q.addr, &a, 4);
		prefix_mask(&q);
		int best = -1, ncover = 0;
		for (int j = 0; j < N; j++)
			if (prefix_contains(&list[j], &q) &&
			    (best < 0 || list[j].len > list[best].len))
				best = j;
		for (int j = 0; j < N; j++) { /* count distinct covering */
			int dup = 0;
			if (!prefix_contains(&list[j], &q))
				continue;
			for (int k = 0; k < j; k++)
				if (prefix_cmp(&list[k], &list[j]) == 0)
					dup = 1;
			ncover += !dup;
		}
		struct prefix m;
		struct prefix *got = trie_longest(&t, &q, &m);
		if (best < 0)
			assert_null(got);
		else
			assert_int_equal(m.len, list[best].len);
		int n = 0;
		trie_walk_covering(&t, &q, count_cb, &n);
		assert_int_equal(n, ncover);
	}
	trie_free(&t);
}

static int prefix_qcmp(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

static int order_cb(const struct prefix *p, void *value, void *arg)
{
	struct prefix *last = arg;
	assert_true(last->afi == 0 || prefix_cmp(last, p) < 0);
	assert_int_equal(prefix_cmp(value, p), 0);
	*last = *p;
	return 0;
}

/* Inserts in runs of sorted prefixes (as dumps hold them) mixed with random ones, repeats,
 * parents after children and both families: the insert that starts below the last path must
 * build the same trie as one from the root. */
static void test_trie_sorted_runs(void **state)
{
	enum { N = 6000 };
	static struct prefix list[N], sorted[N];
	struct trie t;
	trie_init(&t);
	srand(7);
	for (int i = 0; i < N; i++) {
		struct prefix p = {.afi = (i / 500) % 3 == 2 ? AFI_IPV6 : AFI_IPV4};
		p.len = (uint8_t)(rand() % (p.afi == AFI_IPV4 ? 33 : 65));
		uint32_t a = (uint32_t)rand() & 0x0f0fffff, b = (uint32_t)rand();
		memcpy(p.addr, &a, 4);
		memcpy(p.addr + 4, &b, 4);
		prefix_mask(&p);
		list[i] = p;
	}
	/* sort a third of it in runs of 200; repeat some neighbours */
	for (int i = 0; i + 200 <= N; i += 600)
		qsort(list + i, 200, sizeof(*list), prefix_qcmp);
	for (int i = 1; i < N; i += 7)
		list[i] = list[i - 1];
	for (int i = 0; i < N; i++) {
		int created;
		void **slot = trie_insert(&t, &list[i], &created);
		if (created)
			*slot = &list[i];
		else
			assert_int_equal(prefix_cmp(*slot, &list[i]), 0);
	}
	memcpy(sorted, list, sizeof(list));
	qsort(sorted, N, sizeof(*sorted), prefix_qcmp);
	size_t distinct = 0;
	for (int i = 0; i < N; i++)
		distinct += i == 0 || prefix_cmp(&sorted[i - 1], &sorted[i]) != 0;
	assert_int_equal(t.count, distinct);
	for (int i = 0; i < N; i++) {
		struct prefix *got = trie_exact(&t, &list[i]);
		assert_non_null(got);
		assert_int_equal(prefix_cmp(got, &list[i]), 0);
	}
	struct prefix last = {0};
	trie_walk_all(&t, order_cb, &last);
	trie_free(&t);
}

static void test_split_ws(void **state)
{
	char s[] = "  a bb\tccc  ";
	char *f[4];
	assert_int_equal(split_ws(s, f, 4), 3);
	assert_string_equal(f[2], "ccc");
}

/* HOST:PORT with IPv6 brackets kept right; hostile lengths are allocated, not truncated. */
static void test_hostport(void **state)
{
	(void)state;
	static const struct {
		const char *in, *host, *port;
	} ok[] = {
	    {"127.0.0.1:323", "127.0.0.1", "323"},
	    {"[::1]:8282", "::1", "8282"},
	    {"[2001:db8::1]:rtr", "2001:db8::1", "rtr"},
	    {"rtr.example.net:3323", "rtr.example.net", "3323"},
	};
	static const char *const bad[] = {"::1:323", "127.0.0.1", "[::1]323", "[::1]:", ":323",
	    "host:0", "host:65536", "host:12x", "host:a b", "[::1"};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char *h, *p;
		const char *err = NULL;
		assert_int_equal(hostport_split(ok[i].in, &h, &p, &err), 0);
		assert_string_equal(h, ok[i].host);
		assert_string_equal(p, ok[i].port);
		free(h);
		free(p);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *h, *p;
		const char *err = NULL;
		if (hostport_split(bad[i], &h, &p, &err) == 0)
			fail_msg("'%s' was accepted as host '%s' port '%s'", bad[i], h, p);
		assert_non_null(err);
	}
	char longhost[1600];
	memset(longhost, 'a', 1500);
	snprintf(longhost + 1500, 100, ":323");
	char *h, *p;
	const char *err;
	assert_int_equal(hostport_split(longhost, &h, &p, &err), 0);
	assert_int_equal(strlen(h), 1500);
	free(h);
	free(p);
}

static void test_grow(void **state)
{
	(void)state;
	int *a = NULL;
	size_t cap = 0;
	for (size_t i = 0; i < 1000; i++) {
		XGROW(a, cap, i + 1);
		a[i] = (int)i;
	}
	assert_true(cap >= 1000);
	assert_int_equal(a[999], 999);
	free(a);
	char *s = xasprintf("%s-%d", "x", 42);
	assert_string_equal(s, "x-42");
	free(s);
}

/* The small shared helpers: the CLI's JSON string, the uint32 order and lower bound (plain
 * arrays and a field of structs), the UTC time text. */
static void test_helpers(void **state)
{
	(void)state;
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	json_fputs(f, "a\"b\\c\n\x01"
	              "d");
	fclose(f);
	assert_string_equal(buf, "\"a\\\"b\\\\c\\u000a\\u0001d\"");
	free(buf);

	uint32_t v[] = {30, 10, 20, 20, 40};
	qsort(v, 5, sizeof(v[0]), u32_cmp);
	assert_int_equal(v[0], 10);
	assert_int_equal(v[4], 40);
	assert_int_equal(u32_lower_bound(v, 5, sizeof(v[0]), 0, 20), 1);
	assert_int_equal(u32_lower_bound(v, 5, sizeof(v[0]), 0, 5), 0);
	assert_int_equal(u32_lower_bound(v, 5, sizeof(v[0]), 0, 41), 5);
	assert_int_equal(u32_lower_bound(NULL, 0, sizeof(v[0]), 0, 1), 0);
	struct row {
		char pad[3];
		uint32_t key;
	} rows[] = {{"a", 1}, {"b", 5}, {"c", 9}};
	assert_int_equal(
	    u32_lower_bound(rows, 3, sizeof(rows[0]), offsetof(struct row, key), 5), 1);
	assert_int_equal(
	    u32_lower_bound(rows, 3, sizeof(rows[0]), offsetof(struct row, key), 6), 2);

	char t[40];
	assert_string_equal(time_utc_format(1401487200, t, sizeof(t)), "2014-05-30 22:00 UTC");
	assert_string_equal(time_utc_format(0, t, sizeof(t)), "-");

	struct arena a;
	arena_init(&a, 0);
	char big[600];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	char *s = arena_printf(&a, "IANA %s: %s", "RESERVED", big);
	assert_int_equal(strlen(s), 15 + sizeof(big) - 1);
	arena_free(&a);
}

/* The hot-path JSON writer: commas, nesting, escapes as json-c writes them, and the text
 * parses back with json-c to the same values. */
static void test_jsonw(void **state)
{
	(void)state;
	struct jsonw j;
	jsonw_init(&j);
	jsonw_object(&j);
	jsonw_kint(&j, "customer", 64512);
	jsonw_key(&j, "hops");
	jsonw_array(&j);
	for (int i = 0; i < 2; i++) {
		jsonw_object(&j);
		jsonw_kint(&j, "from", i);
		jsonw_kstr(&j, "to_is", "provider");
		jsonw_end_object(&j);
	}
	jsonw_end_array(&j);
	jsonw_key(&j, "empty");
	jsonw_array(&j);
	jsonw_end_array(&j);
	jsonw_kstr(&j, "text", "a \"quoted\" back\\slash /\n\t\x01 \xc3\xa9");
	jsonw_kstr(&j, "null", NULL);
	jsonw_kint(&j, "big", 4294967295LL);
	jsonw_end_object(&j);
	assert_string_equal(j.s,
	    "{\"customer\":64512,\"hops\":[{\"from\":0,\"to_is\":\"provider\"},{\"from\":1,"
	    "\"to_is\":\"provider\"}],\"empty\":[],\"text\":\"a \\\"quoted\\\" back\\\\slash "
	    "/\\n\\t\\u0001 \xc3\xa9\",\"null\":\"\",\"big\":4294967295}");
	json_object *o = json_tokener_parse(j.s);
	assert_non_null(o);
	json_object *t;
	assert_true(json_object_object_get_ex(o, "text", &t));
	assert_string_equal(
	    json_object_get_string(t), "a \"quoted\" back\\slash /\n\t\x01 \xc3\xa9");
	json_object_put(o);
	jsonw_reset(&j);
	jsonw_array(&j);
	jsonw_int(&j, -1);
	jsonw_string(&j, "x");
	jsonw_end_array(&j);
	assert_string_equal(j.s, "[-1,\"x\"]");
	jsonw_free(&j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_prefix_parse),
	    cmocka_unit_test(test_prefix_wire),
	    cmocka_unit_test(test_prefix_contains),
	    cmocka_unit_test(test_asn_parse),
	    cmocka_unit_test(test_aspath),
	    cmocka_unit_test(test_intern),
	    cmocka_unit_test(test_trie),
	    cmocka_unit_test(test_prefix_ipv4_as_inet_pton),
	    cmocka_unit_test(test_trie_random),
	    cmocka_unit_test(test_trie_sorted_runs),
	    cmocka_unit_test(test_split_ws),
	    cmocka_unit_test(test_jsonw),
	    cmocka_unit_test(test_hostport),
	    cmocka_unit_test(test_grow),
	    cmocka_unit_test(test_helpers),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
