/*
 * registry: CAIDA AS-to-organisation (as-org2info). The real January 2024 file, exact counts;
 * a small file of malformed lines; and the engine giving names and countries from the
 * organisations alone (--orgs without --asnames).
 */
#include <time.h>

#include "testutil.h"

#include "engine/engine.h"
#include "mrt/mrt.h"
#include "registry/registry.h"

#define ORGS "caida/20240101.as-org2info.txt.gz"
#define RRC06 "mrt/libbgpstream__ris.rrc06.updates.1401488100.gz"

static void test_real_file(void **state)
{
	(void)state;
	REQUIRE_DATA(path, ORGS);
	struct as2org a;
	as2org_init(&a);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(as2org_load(&a, path), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("loaded in %.3f s\n",
	    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	/* Counted with zcat | awk -F'|': 209,782 lines; 16 start with '#' (14 header lines and
	 * the two "# format:" lines); 94,113 lines of 5 fields between the format lines (no
	 * org_id repeated), 115,653 lines of 6 fields after the second (numeric ASNs, none
	 * repeated, every org_id among the organisations). As SOURCES.md says. */
	assert_int_equal(a.st.lines, 209782);
	assert_int_equal(a.st.comments, 16);
	assert_int_equal(a.st.orgs, 94113);
	assert_int_equal(a.st.ases, 115653);
	assert_int_equal(a.norgs, 94113);
	assert_int_equal(a.nas, 115653);
	assert_int_equal(a.st.malformed, 0);
	assert_int_equal(a.st.dup_org + a.st.dup_as, 0);

	/* 3356|20180220|LEVEL3|LPL-141-ARIN|...|ARIN; LPL-141-ARIN|...|Level 3 Parent, LLC|US|ARIN
	 */
	const struct as2org_org *o = as2org_get(&a, 3356);
	assert_non_null(o);
	assert_string_equal(o->id, "LPL-141-ARIN");
	assert_string_equal(o->name, "Level 3 Parent, LLC");
	assert_string_equal(o->cc, "US");
	assert_string_equal(o->source, "ARIN");
	assert_string_equal(as2org_as(&a, 3356)->name, "LEVEL3");
	/* 3320||DTAG|ORG-DTA2-RIPE||RIPE; ORG-DTA2-RIPE||Deutsche Telekom AG|DE|RIPE */
	o = as2org_get(&a, 3320);
	assert_non_null(o);
	assert_string_equal(o->name, "Deutsche Telekom AG");
	assert_string_equal(o->cc, "DE");
	assert_string_equal(o->source, "RIPE");
	/* 2497||IIJ|@aut-2497-JPNIC||JPNIC */
	o = as2org_get(&a, 2497);
	assert_non_null(o);
	assert_string_equal(o->name, "Internet Initiative Japan Inc.");
	assert_string_equal(o->cc, "JP");
	assert_string_equal(o->source, "JPNIC");
	/* the highest ASN in the file, and ones not in it */
	assert_non_null(as2org_get(&a, 401308));
	assert_null(as2org_get(&a, 0));
	assert_null(as2org_get(&a, 64512));
	assert_null(as2org_get(&a, 4294967295u));
	as2org_free(&a);
}

static void test_malformed(void **state)
{
	(void)state;
	char path[] = "/tmp/rm-as2org-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("# name: AS Org\n"
	      "64500||X|ORG-A||RIPE\n" /* 2: before any format line */
	      "# format:org_id|changed|org_name|country|source\n"
	      "ORG-A|20240101|Org A|NL|RIPE\n"
	      "ORG-B||||ARIN\n"        /* no name, no country */
	      "ORG-C|x|three fields\n" /* 6: wrong field count */
	      "ORG-A||Again|DE|RIPE\n" /* 7: repeated, the first kept */
	      "ORG-D||Dee|DEU|RIPE\n"  /* 8: country of three letters */
	      "\n"
	      "# format:aut|changed|aut_name|org_id|opaque_id|source\n"
	      "64500||ASA|ORG-A||RIPE\n"
	      "64501||ASB|ORG-B||ARIN\n"
	      "64502|||ORG-B||ARIN\n"
	      "AS-X||bad|ORG-A||RIPE\n"       /* 14: bad ASN */
	      "4294967296||big|ORG-A||RIPE\n" /* 15: out of range */
	      "64503||lost|ORG-Z||RIPE\n"     /* 16: unknown organisation */
	      "64504||x|ORG-A||RIPE|more\n"   /* 17: seven fields */
	      "64500||ASA2|ORG-B||ARIN\n",    /* repeated ASN, the first kept */
	    f);
	assert_int_equal(fclose(f), 0);

	struct as2org a;
	as2org_init(&a);
	assert_int_equal(as2org_load(&a, path), 0);
	unlink(path);
	assert_int_equal(a.st.lines, 18);
	assert_int_equal(a.st.comments, 3);
	assert_int_equal(a.st.orgs, 2);
	assert_int_equal(a.st.dup_org, 1);
	assert_int_equal(a.st.ases, 4); /* 64500 twice, 64501, 64502 */
	assert_int_equal(a.nas, 3);
	assert_int_equal(a.st.dup_as, 1);
	assert_int_equal(a.st.malformed, 7);
	assert_int_equal(a.st.unknown_org, 1);

	const struct as2org_org *o = as2org_get(&a, 64500);
	assert_non_null(o);
	assert_string_equal(o->name, "Org A"); /* the first org and the first AS row */
	assert_string_equal(o->cc, "NL");
	assert_string_equal(as2org_as(&a, 64500)->name, "ASA");
	o = as2org_get(&a, 64501);
	assert_non_null(o);
	assert_null(o->name);
	assert_string_equal(o->cc, "");
	assert_string_equal(o->source, "ARIN");
	assert_null(as2org_as(&a, 64502)->name);
	assert_null(as2org_get(&a, 64503));
	assert_null(as2org_get(&a, 64504));
	as2org_free(&a);

	as2org_init(&a); /* an unreadable file */
	assert_int_equal(as2org_load(&a, "/nonexistent/as-org2info.txt"), -1);
	assert_null(as2org_get(&a, 64500));
	as2org_free(&a);
}

static const struct store_asinfo *info_of(const struct store_results *res, uint32_t asn)
{
	for (size_t i = 0; i < res->ninfo; i++)
		if (res->info[i].asn == asn)
			return &res->info[i];
	return NULL;
}

static void record(const char *kind, const char *path, void *arg)
{
	assert_string_equal(kind, "orgs");
	(*(int *)arg)++;
}

/* --orgs alone: every measured AS in the file gets its organisation's name and country. */
static void test_engine_orgs(void **state)
{
	(void)state;
	REQUIRE_DATA(mrt, RRC06);
	REQUIRE_DATA(path, ORGS);
	struct refs_spec spec = {0};
	assert_int_equal(refs_spec_add(&spec, "orgs", path), 0);
	struct refset *rs;
	assert_int_equal(refset_open(&spec, 1, &rs), 0); /* deferred, as analyze does */
	struct observe_config cfg;
	observe_config_default(&cfg);
	struct engine *e = engine_new(rs, &cfg);
	struct mrt_options mo = {0};
	struct mrt_reader *r = mrt_reader_open(mrt, &mo);
	assert_non_null(r);
	struct mrt_route rt;
	engine_file_begin(e);
	while (mrt_reader_next_route(r, &rt) > 0)
		engine_route(e, &rt);
	mrt_reader_close(r);
	struct store_results res;
	struct observe_totals tot;
	assert_int_equal(engine_score(e, &res, &tot), 0);
	const struct as2org *orgs = refset_refs(rs)->orgs;
	assert_non_null(orgs);

	size_t named = 0;
	for (size_t i = 0; i < res.nas; i++) {
		uint32_t asn = res.as[i].asn;
		const struct as2org_org *o = as2org_get(orgs, asn);
		const struct store_asinfo *in = info_of(&res, asn);
		if (o == NULL) {
			assert_null(in);
			continue;
		}
		assert_non_null(in);
		const char *want = o->name ? o->name : as2org_as(orgs, asn)->name;
		if (want)
			assert_string_equal(in->name, want);
		assert_string_equal(in->cc, o->cc);
		named++;
	}
	printf("%zu of %zu measured ASes named from the organisations\n", named, res.nas);
	assert_true(named > 100);
	const struct store_asinfo *iij = info_of(&res, 2497); /* rrc06 is in Tokyo */
	assert_non_null(iij);
	assert_string_equal(iij->name, "Internet Initiative Japan Inc.");
	assert_string_equal(iij->cc, "JP");
	assert_null(iij->rir); /* no delegation data given */

	/* the file is among the snapshot's recorded inputs */
	int seen = 0;
	refs_spec_each_file(&spec, record, &seen);
	assert_int_equal(seen, 1);
	store_results_free(&res);
	engine_free(e);
	refset_close(rs);
	refs_spec_free(&spec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_file),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_engine_orgs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
