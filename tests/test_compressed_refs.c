/* Every reference file may be compressed (gzip, bzip2, xz, zstd), told from its bytes: each
 * loader reads a real file of ../shared/data recompressed with each tool exactly as it reads
 * the plain file, and a cut compressed file is an error naming it, never a short table. */
#include "testutil.h"

#include <sys/stat.h>

#include "irr/irr.h"
#include "registry/registry.h"
#include "rpki/rpki.h"
#include "topo/topo.h"

static char dir[64];

/* Counts what loader kind gives for path; -1 when the load failed. */
static int64_t load_count(const char *kind, const char *path)
{
	int64_t n = -1;
	if (strcmp(kind, "vrps") == 0) {
		struct vrp_table *t = vrp_table_new();
		struct aspa_table *a = aspa_table_new();
		if (vrp_load_file(t, a, path, 0, NULL) == 0 && (aspa_table_build(a), 1))
			n = (int64_t)(vrp_table_count(t) * 1000 + aspa_table_count(a));
		vrp_table_free(t);
		aspa_table_free(a);
	} else if (strcmp(kind, "asrel") == 0) {
		struct asrel r;
		asrel_init(&r);
		if (asrel_load(&r, path) == 0)
			n = r.nas;
		asrel_free(&r);
	} else if (strcmp(kind, "irr") == 0) {
		struct irr_db db;
		struct irr_load_stats st;
		irr_db_init(&db);
		if (irr_db_load(&db, path, &st) == 0)
			n = (int64_t)(db.count[RPSL_ROUTE] + db.count[RPSL_ROUTE6] +
			              db.count[RPSL_AUT_NUM]);
		irr_db_free(&db);
	} else if (strcmp(kind, "bogons") == 0) {
		struct bogon_db db;
		bogon_db_init(&db);
		if (bogon_load(&db, path) == 0)
			n = (int64_t)(db.files[0].v4 + db.files[0].v6);
		bogon_db_free(&db);
	} else if (strcmp(kind, "orgs") == 0) {
		struct as2org a;
		as2org_init(&a);
		if (as2org_load(&a, path) == 0)
			n = (int64_t)(a.norgs * 1000000 + a.nas);
		as2org_free(&a);
	} else if (strcmp(kind, "peeringdb") == 0) {
		struct pdb db;
		pdb_init(&db);
		if (pdb_load(&db, path) == 0)
			n = (int64_t)db.nix;
		pdb_free(&db);
	} else if (strcmp(kind, "delegated") == 0) {
		struct delegated d;
		delegated_init(&d);
		if (delegated_load(&d, path) == 0)
			n = (int64_t)d.nasn;
		delegated_free(&d);
	}
	return n;
}

static int sh(const char *cmd)
{
	int rc = system(cmd);
	if (rc != 0)
		fprintf(stderr, "failed (%d): %s\n", rc, cmd);
	return rc;
}

static void check_kind(const char *kind, const char *rel, int64_t expect)
{
	const char *src = test_data_path(rel);
	struct stat sb;
	if (src == NULL || stat(src, &sb) != 0) {
		printf("SKIP: %s: %s absent\n", kind, rel);
		skip();
	}
	char plain[256], cmd[2048];
	snprintf(plain, sizeof(plain), "%s/%s.plain", dir, kind);
	/* the shared file may itself be compressed: make the plain one with the tools */
	snprintf(cmd, sizeof(cmd),
	    "case '%s' in *.gz) gzip -dc '%s';; *.bz2) bzip2 -dc '%s';; *) cat '%s';; esac > '%s'",
	    src, src, src, src, plain);
	assert_int_equal(sh(cmd), 0);
	int64_t base = load_count(kind, plain);
	assert_true(base > 0);
	if (expect > 0)
		assert_int_equal(base, expect);
	static const char *const tools[][2] = {{"gz", "gzip -1 -c"}, {"bz2", "bzip2 -1 -c"},
	    {"xz", "xz -0 -c"}, {"zst", "zstd -1 -q -c"}};
	for (size_t i = 0; i < 4; i++) {
		char z[300];
		/* a name that does not say the compression: it is told from the bytes */
		snprintf(z, sizeof(z), "%s/%s.%s.data", dir, kind, tools[i][0]);
		snprintf(cmd, sizeof(cmd), "%s '%s' > '%s'", tools[i][1], plain, z);
		assert_int_equal(sh(cmd), 0);
		int64_t n = load_count(kind, z);
		if (n != base)
			fprintf(stderr, "%s %s: %lld, plain %lld\n", kind, tools[i][0],
			    (long long)n, (long long)base);
		assert_int_equal(n, base);
		/* cut in the middle: the load fails (a short table would be silent data loss) */
		struct stat zs;
		assert_int_equal(stat(z, &zs), 0);
		assert_int_equal(truncate(z, zs.st_size / 2), 0);
		assert_int_equal(load_count(kind, z), -1);
	}
}

static void test_vrps(void **state)
{
	/* 2023-11-07 rpki-client JSON with ASPA: 389,757 VRPs and 92 ASPAs */
	check_kind("vrps", "rpki/rpki_2023-11-07_derived_roas_aspas.json.gz", 389757 * 1000 + 92);
}

static void test_asrel(void **state)
{
	check_kind("asrel", "caida/20140101.as-rel.txt.bz2", 0);
}

static void test_irr(void **state)
{
	check_kind("irr", "irr/pytinyirrdbcache__ripe.db.sample", 0);
}

static void test_bogons(void **state)
{
	check_kind("bogons", "bogons/cymru_fullbogons-ipv4_20240310.txt", 0);
}

static void test_orgs(void **state)
{
	/* 94,113 organisations, 115,653 ASes */
	check_kind("orgs", "caida/20240101.as-org2info.txt.gz", 94113LL * 1000000 + 115653);
}

static void test_peeringdb(void **state)
{
	check_kind("peeringdb", "peeringdb/pdb_2016-10-19_ix.json", 0);
}

static void test_delegated(void **state)
{
	check_kind("delegated", "misc/rpkiirrstats__nro-extended-delegated-stats-excerpt.txt", 0);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/routemark-zref-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	log_set_level(LOG_LVL_ERR); /* the cut files are expected to complain (errors show) */
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vrps),
	    cmocka_unit_test(test_asrel),
	    cmocka_unit_test(test_irr),
	    cmocka_unit_test(test_bogons),
	    cmocka_unit_test(test_orgs),
	    cmocka_unit_test(test_peeringdb),
	    cmocka_unit_test(test_delegated),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
