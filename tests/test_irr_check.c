/* irr: the route check on the real RIPE route/route6 objects and a constructed file. */
#include "testutil.h"
#include "core/core.h"
#include "irr/irr.h"
#include "irr_fixture.h"

static struct irr_db db;
static int loaded;

static int setup(void **state)
{
	struct irr_load_stats st;
	const char *f4 = test_data_path("irr/rpkiirrstats__ripe-db-route.txt");
	const char *f6 = test_data_path("irr/rpkiirrstats__ripe-db-route6.txt");
	char dir[] = "/tmp/rm_irrcheck_XXXXXX";
	irr_db_init(&db);
	if (f4 == NULL || f6 == NULL)
		return 0;
	if (irr_db_load(&db, f4, &st) != 0 || irr_db_load(&db, f6, &st) != 0)
		return -1;
	if (mkdtemp(dir) == NULL)
		return -1;
	const char *fx = irr_fixture_write(dir);
	if (fx == NULL || irr_db_load(&db, fx, &st) != 0 || st.malformed != 0)
		return -1;
	unlink(fx);
	rmdir(dir);
	loaded = 1;
	return 0;
}

static int teardown(void **state)
{
	irr_db_free(&db);
	return 0;
}

#define NEED_DB()                                                                                  \
	do {                                                                                       \
		if (!loaded) {                                                                     \
			printf("SKIP: %s: shared IRR files are absent\n", __func__);               \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

static enum irr_verdict check(const char *pfx, uint32_t asn, struct irr_check_result *res)
{
	struct prefix p;
	assert_int_equal(prefix_parse(pfx, &p), 0);
	assert_int_equal(irr_check(&db, &p, asn, 0, res), 0);
	return res->verdict;
}

static void test_real_answers(void **state)
{
	NEED_DB();
	struct irr_check_result r;
	char buf[PREFIX_STRLEN];
	assert_int_equal(check("193.254.30.0/24", 12726, &r), IRR_EXACT);
	assert_int_equal(r.nobj, 1);
	assert_int_equal(r.obj[0]->origin, 12726);
	assert_string_equal(db.sources[r.obj[0]->source], "RIPE");
	assert_string_equal(r.obj[0]->mnt_by, "AS12312-MNT");
	assert_int_equal(r.obj[0]->line, 8);
	assert_int_equal(check("193.254.30.128/25", 12726, &r), IRR_COVERED);
	assert_string_equal(prefix_format(&r.matched, buf, sizeof(buf)), "193.254.30.0/24");
	assert_int_equal(check("193.254.30.0/24", 64500, &r), IRR_OTHER_ORIGIN);
	assert_int_equal(r.total, 1);
	assert_int_equal(r.obj[0]->origin, 12726);
	/* 2002::/16 is registered by three origins */
	assert_int_equal(check("2002::/16", 559, &r), IRR_EXACT);
	assert_int_equal(r.total, 1);
	assert_int_equal(check("2002:c000:200::/40", 64500, &r), IRR_OTHER_ORIGIN);
	assert_int_equal(r.total, 3);
	assert_int_equal(check("2002:c000:200::/40", 12779, &r), IRR_COVERED);
	assert_int_equal(check("11.0.0.0/8", 12726, &r), IRR_ABSENT);
	assert_int_equal(r.nobj, 0);
	assert_int_equal(check("2a00::/12", 12726, &r), IRR_ABSENT);
}

/* Every real route object is found exact with its own origin. */
static void test_every_object(void **state)
{
	NEED_DB();
	const char *names[] = {
	    "irr/rpkiirrstats__ripe-db-route.txt", "irr/rpkiirrstats__ripe-db-route6.txt"};
	int n = 0;
	for (int f = 0; f < 2; f++) {
		struct rpsl_reader rd;
		struct rpsl_object o;
		assert_int_equal(rpsl_reader_open(&rd, test_data_path(names[f])), 0);
		while (rpsl_reader_next(&rd, &o) == RPSL_OBJECT) {
			struct irr_check_result r;
			uint32_t asn;
			assert_int_equal(asn_parse(rpsl_object_get(&o, "origin"), &asn), 0);
			assert_int_equal(check(o.attrs[0].value, asn, &r), IRR_EXACT);
			assert_int_equal(r.obj[0]->origin, asn);
			n++;
		}
		rpsl_reader_close(&rd);
	}
	assert_int_equal(n, 124);
}

static void test_most_specific_evidence(void **state)
{
	NEED_DB();
	struct irr_check_result r;
	char buf[PREFIX_STRLEN];
	/* 10.1.0.0/16 AS396005 and 10.1.1.0/24 AS396006 */
	assert_int_equal(check("10.1.1.0/25", 396005, &r), IRR_COVERED);
	assert_string_equal(prefix_format(&r.matched, buf, sizeof(buf)), "10.1.0.0/16");
	assert_int_equal(check("10.1.1.0/25", 64999, &r), IRR_OTHER_ORIGIN);
	assert_string_equal(prefix_format(&r.matched, buf, sizeof(buf)), "10.1.1.0/24");
	assert_int_equal(r.obj[0]->origin, 396006);
	assert_int_equal(check("10.1.1.0/24", 396006, &r), IRR_EXACT);
	/* source selection */
	struct prefix p;
	assert_int_equal(prefix_parse("193.254.30.0/24", &p), 0);
	int test = irr_db_source_find(&db, "TEST");
	assert_true(test >= 0);
	irr_check(&db, &p, 12726, 1ULL << test, &r);
	assert_int_equal(r.verdict, IRR_ABSENT);
}

/* The CLI answers the same, in text and JSON lines. */
static void test_cli(void **state)
{
	NEED_DB();
	char cmd[8192], line[4096];
	snprintf(cmd, sizeof(cmd), "%s irr check 193.254.30.128/25 AS12726 --irr %s --format jsonl",
	    test_bin(), test_data_path("irr/rpkiirrstats__ripe-db-route.txt"));
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(line, sizeof(line), p));
	assert_int_equal(pclose(p), 0);
	assert_non_null(strstr(line, "\"verdict\":\"covered\""));
	assert_non_null(strstr(line, "\"matched\":\"193.254.30.0/24\""));
	assert_non_null(strstr(line, "\"mnt_by\":\"AS12312-MNT\""));
	snprintf(cmd, sizeof(cmd), "%s irr check 10.0.0.0/8 AS1 --irr /nonexistent 2>/dev/null",
	    test_bin());
	p = popen(cmd, "r");
	assert_int_equal(WEXITSTATUS(pclose(p)), 1);
}

/* A dump of many batches (the loader's reader thread hands objects over in 512 KiB
 * batches): every object indexed in file order, a later copy of a route replacing the
 * earlier one, malformed objects counted and the first one named. */
static void test_load_in_order(void **state)
{
	enum { N = 30000, REPEAT = 200 };
	char path[] = "/tmp/rm_irrload_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	fprintf(f, "%% comment\n\n");
	for (int i = 0; i < N + REPEAT; i++) {
		int k = i < N ? i : (i - N) * 97;
		if (i < N && k % 1000 == 999) /* malformed: bad origin */
			fprintf(f, "route: 10.%d.%d.0/24\norigin: ASx\nsource: T\n\n",
			    k / 256 % 256, k % 256);
		else
			fprintf(f,
			    "route: 10.%d.%d.0/24\norigin: AS%d\nmnt-by: M%s-%d\nsource: T\n\n",
			    k / 256 % 256, k % 256, 64512 + k, i < N ? "A" : "B", k);
	}
	fclose(f);
	struct irr_db d;
	struct irr_load_stats st;
	irr_db_init(&d);
	assert_int_equal(irr_db_load(&d, path, &st), 0);
	assert_int_equal(st.objects, N + REPEAT);
	assert_int_equal(st.malformed, N / 1000);
	assert_non_null(strstr(st.err, ":4998 ")); /* object 999 starts on line 3 + 999 * 5 */
	size_t revived = 0; /* repeats of a malformed object are new routes */
	for (int i = 0; i < REPEAT; i++)
		revived += i * 97 % 1000 == 999;
	assert_int_equal(d.count[RPSL_ROUTE], N - N / 1000 + revived);
	for (int k = 0; k < N; k += 13) {
		char pfx[32], want[32];
		struct prefix p;
		snprintf(pfx, sizeof(pfx), "10.%d.%d.0/24", k / 256 % 256, k % 256);
		assert_int_equal(prefix_parse(pfx, &p), 0);
		const struct irr_route *r = irr_db_routes_exact(&d, &p);
		int again = k % 97 == 0 && k / 97 < REPEAT;
		if (k % 1000 == 999 && !again) {
			assert_null(r);
			continue;
		}
		assert_non_null(r);
		assert_int_equal(r->origin, 64512 + k);
		assert_null(r->next);
		snprintf(want, sizeof(want), "M%s-%d", again ? "B" : "A", k);
		assert_string_equal(r->mnt_by, want);
		assert_int_equal(
		    r->line, again ? 3 + 5u * (N + k / 97) - N / 1000 : 3 + 5u * k - k / 1000);
	}
	irr_db_free(&d);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_answers),
	    cmocka_unit_test(test_every_object),
	    cmocka_unit_test(test_most_specific_evidence),
	    cmocka_unit_test(test_cli),
	    cmocka_unit_test(test_load_in_order),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
