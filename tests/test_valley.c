/* topo: valley-free check (RFC 7908 leak types 1-4) on a constructed topology, and on real
 * CAIDA data for a path whose shape the file decides. */
#include <sys/wait.h>

#include "testutil.h"
#include "topo/topo.h"

/*
 *        1 ---peer--- 2            tier 1s
 *        |            |
 *       10 ---peer--- 20           10 and 20 also peer with 30
 *       |  \        /  |
 *     100   \      /  200
 *            300 (customer of 10 and of 20)
 *   40 and 41 are siblings; 41 is a customer of 20.
 */
static const char *TOPO = "1|2|0\n1|10|-1\n2|20|-1\n10|100|-1\n20|200|-1\n10|20|0\n"
                          "10|300|-1\n20|300|-1\n10|30|0\n20|30|0\n40|41|1\n20|41|-1\n";

static struct asrel R;

static int setup(void **state)
{
	asrel_init(&R);
	char *copy = strdup(TOPO), *save = NULL;
	uint64_t n = 0;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		asrel_add_line(&R, l, strlen(l), "topo", ++n);
	free(copy);
	return asrel_finish(&R);
}

static int teardown(void **state)
{
	asrel_free(&R);
	return 0;
}

static struct valley_result V; /* large: keep it off the stack */

static struct valley_result *check(const char *path)
{
	struct aspath_buf b;
	aspath_buf_init(&b);
	assert_int_equal(aspath_parse(path, &b), 0);
	assert_int_equal(valley_check(&R, b.w, b.n, &V), 0);
	aspath_buf_free(&b);
	return &V;
}

static void assert_valid(const char *path)
{
	struct valley_result *v = check(path);
	if (v->leak_index != -1)
		fail_msg("%s: unexpected leak at %d (type %d)", path, v->leak_index, v->leak_type);
	assert_int_equal(v->leak_type, 0);
	assert_int_equal(v->nleaks, 0);
	assert_int_equal(v->unknown, 0);
}

static void test_valid_paths(void **state)
{
	assert_valid("1 10 100");          /* up, up */
	assert_valid("2 1 10 100");        /* up, up, peer */
	assert_valid("200 20 2 1 10 100"); /* up, up, peer, down, down */
	assert_valid("20 10 100");         /* up, peer */
	assert_valid("200 20 10 100");     /* up, peer, down */
	assert_valid("300 10 100");        /* up, down */
	assert_valid("100");               /* origin only */
	assert_valid("10 100");            /* one hop */
	assert_int_equal(check("")->nhops, 0);
	assert_int_equal(check("1 10 100")->nhops, 2);
	assert_int_equal(V.hops[0].rel, TOPO_REL_CUSTOMER); /* 10 is 1's customer */
	assert_int_equal(V.hops[1].rel, TOPO_REL_CUSTOMER);
}

static void assert_leak(const char *path, int type, int index, uint32_t leaker)
{
	struct valley_result *v = check(path);
	if (v->leak_type != type || v->leak_index != index || v->leaker != leaker)
		fail_msg("%s: got type %d index %d leaker %u", path, v->leak_type, v->leak_index,
		    v->leaker);
}

static void test_leak_types(void **state)
{
	/* type 1: 300 got 100's route from provider 10 and sent it to provider 20 */
	assert_leak("20 300 10 100", 1, 1, 300);
	assert_int_equal(V.from_rel, TOPO_REL_PROVIDER);
	assert_int_equal(V.to_rel, TOPO_REL_PROVIDER);
	assert_leak("200 20 300 10 100", 1, 2, 300);
	/* type 2: 30 got it from peer 10 and sent it to peer 20 */
	assert_leak("20 30 10 100", 2, 1, 30);
	assert_int_equal(V.from_rel, TOPO_REL_PEER);
	assert_int_equal(V.to_rel, TOPO_REL_PEER);
	/* type 3: 10 got 200's route from provider 1 and sent it to peer 30 */
	assert_leak("30 10 1 2 20 200", 3, 1, 10);
	/* type 4: 10 got 200's route from peer 20 and sent it to provider 1 */
	assert_leak("1 10 20 200", 4, 1, 10);
	assert_int_equal(V.nleaks, 1);
	assert_string_equal(valley_leak_name(4), "type 4: peer route sent to a provider");
	assert_string_equal(valley_leak_name(0), "none");
}

static void test_two_leakers(void **state)
{
	/* 30 leaks peer 20's route to peer 10 (type 2); 10 passes it to provider 1 (type 4) */
	assert_leak("1 10 30 20 200", 2, 2, 30);
	assert_int_equal(V.nleaks, 2);
}

static void test_prepending(void **state)
{
	assert_valid("1 1 1 10 10 100 100 100");
	assert_int_equal(V.nasn, 8);
	assert_int_equal(V.nhops, 2);
	assert_int_equal(V.hops[1].from_index, 3);
	assert_int_equal(V.hops[1].to_index, 5);
	/* the leaker is reported at its leftmost copy */
	assert_leak("20 20 300 300 300 10 100", 1, 2, 300);
	assert_int_equal(V.nasn, 7);
	assert_int_equal(V.loop, 0);
}

static void test_unknown(void **state)
{
	struct valley_result *v = check("1 10 999 100");
	assert_int_equal(v->unknown, 2);
	assert_int_equal(v->leak_index, -1);
	/* a leak whose two hops are known is still found */
	assert_leak("20 300 10 100 999", 1, 1, 300);
	assert_int_equal(V.unknown, 1);
	/* a leak hidden behind an unknown hop is not guessed */
	v = check("20 300 999 10 100");
	assert_int_equal(v->leak_index, -1);
	assert_int_equal(v->unknown, 2);
	/* siblings are not judged, nor counted unknown */
	v = check("20 41 40");
	assert_int_equal(v->unknown, 0);
	assert_int_equal(v->leak_index, -1);
	assert_int_equal(v->hops[1].rel, TOPO_REL_SIBLING);
}

static void test_sets_and_loops(void **state)
{
	struct valley_result *v = check("20 300 10 {100,101}");
	assert_int_equal(v->has_set, 1);
	assert_int_equal(v->leak_type, 1);
	assert_int_equal(v->leaker, 300);
	assert_int_equal(v->nasn, 5);
	v = check("20 {300} 10 100");
	assert_int_equal(v->has_set, 1);
	assert_int_equal(v->leak_index, -1);
	assert_int_equal(v->unknown, 0);
	assert_int_equal(v->nhops, 2);
	assert_int_equal(v->hops[0].across_set, 1);
	assert_int_equal(v->hops[0].to_index, 2);
	v = check("1 10 1 10 100");
	assert_int_equal(v->loop, 1);
}

static void test_malformed_words(void **state)
{
	uint32_t bad[] = {ASPATH_SEG_HDR(AS_SEQUENCE, 5), 1, 2};
	assert_int_equal(valley_check(&R, bad, 3, &V), -1);
	uint32_t badtype[] = {ASPATH_SEG_HDR(9, 1), 1};
	assert_int_equal(valley_check(&R, badtype, 2, &V), -1);
	/* 300 distinct ASes: longer than VALLEY_MAX_HOPS */
	uint32_t *w = malloc(301 * sizeof(*w));
	w[0] = ASPATH_SEG_HDR(AS_SEQUENCE, 300);
	for (int i = 1; i <= 300; i++)
		w[i] = 1000 + i;
	assert_int_equal(valley_check(&R, w, 301, &V), -1);
	/* 300 copies of one AS collapse to one */
	for (int i = 1; i <= 300; i++)
		w[i] = 100;
	assert_int_equal(valley_check(&R, w, 301, &V), 0);
	assert_int_equal(V.nhops, 0);
	assert_int_equal(V.nasn, 300);
	free(w);
}

static void test_real_caida(void **state)
{
	REQUIRE_DATA(p, "caida/20230101.as-rel.txt.bz2");
	struct asrel r;
	asrel_init(&r);
	assert_int_equal(asrel_load(&r, p), 0);
	struct aspath_buf b;
	aspath_buf_init(&b);
	/* 15169 peers 2914 (2914|15169|0) and 174 is 3's provider (174|3|-1); 3356 is 3's provider
	 * (3356|3|-1) and peers 1299 (1299|3356|0); 174 and 3356 are clique peers. */
	assert_int_equal(aspath_parse("1299 3356 3", &b), 0);
	assert_int_equal(valley_check(&r, b.w, b.n, &V), 0);
	assert_int_equal(V.leak_index, -1);
	assert_int_equal(V.unknown, 0);
	/* 3 sending 174's route to its other provider 3356: hairpin */
	aspath_buf_reset(&b);
	assert_int_equal(aspath_parse("1299 3356 3 174", &b), 0);
	assert_int_equal(valley_check(&r, b.w, b.n, &V), 0);
	assert_int_equal(V.leak_type, 1);
	assert_int_equal(V.leaker, 3);
	assert_int_equal(V.leak_index, 2);
	aspath_buf_free(&b);
	asrel_free(&r);
}

/* the command on the real file: text and jsonl, cones, exit codes */
static void test_cli(void **state)
{
	REQUIRE_DATA(p, "caida/20230101.as-rel.txt.bz2");
	if (access(test_bin(), X_OK) != 0) {
		printf("SKIP: %s: %s not built\n", __func__, test_bin());
		skip();
	}
	char cmd[1024], out[8192];
	snprintf(cmd, sizeof(cmd),
	    "%s asrel --asrel %s --format jsonl '1299 3356 3 174' "
	    "--cone 557",
	    test_bin(), p);
	FILE *f = popen(cmd, "r");
	size_t n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	assert_int_equal(pclose(f), 0);
	assert_non_null(strstr(out, "{\"asn\":557,\"cone_size\":5,"));
	assert_non_null(strstr(out, "\"leak\":{\"index\":2,\"asn\":3,\"type\":1,"));
	assert_non_null(strstr(out, "{\"from\":1299,\"to\":3356,\"rel\":\"peer\"}"));
	snprintf(cmd, sizeof(cmd), "echo '1299 3356 3' | %s asrel --asrel %s -", test_bin(), p);
	f = popen(cmd, "r");
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	assert_int_equal(pclose(f), 0);
	assert_non_null(strstr(out, "verdict: valley-free\n"));
	snprintf(cmd, sizeof(cmd), "%s asrel --asrel %s '1 {' 2>/dev/null", test_bin(), p);
	f = popen(cmd, "r");
	assert_int_equal(WEXITSTATUS(pclose(f)), 1);
	snprintf(cmd, sizeof(cmd), "%s asrel 2>/dev/null", test_bin());
	f = popen(cmd, "r");
	assert_int_equal(WEXITSTATUS(pclose(f)), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_paths),
	    cmocka_unit_test(test_leak_types),
	    cmocka_unit_test(test_two_leakers),
	    cmocka_unit_test(test_prepending),
	    cmocka_unit_test(test_unknown),
	    cmocka_unit_test(test_sets_and_loops),
	    cmocka_unit_test(test_malformed_words),
	    cmocka_unit_test(test_real_caida),
	    cmocka_unit_test(test_cli),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
