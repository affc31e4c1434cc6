/* irr: the RPSL reader and the database loader on the real shared IRR files. */
#include <strings.h>
#include <zlib.h>

#include "testutil.h"
#include "core/core.h"
#include "irr/irr.h"

/* Counts by object class (first attribute of each object) and attribute lines, taken from
 * the files with grep / awk paragraph mode (see SOURCES.md: 62 route, 62 route6 ...). */
struct expect {
	const char *file;
	int objects, attrs;
	int cls[RPSL_CLASS_COUNT];
};

static const struct expect files[] = {
    {"irr/rpkiirrstats__ripe-db-route.txt", 62, 962, {[RPSL_ROUTE] = 62}},
    {"irr/rpkiirrstats__ripe-db-route6.txt", 62, 972, {[RPSL_ROUTE6] = 62}},
    {"irr/pytinyirrdbcache__radb.db.sample", 6, 50,
        {[RPSL_AS_SET] = 2,
            [RPSL_AUT_NUM] = 1,
            [RPSL_MNTNER] = 1,
            [RPSL_ROUTE] = 1,
            [RPSL_ROUTE6] = 1}},
    {"irr/pytinyirrdbcache__ripe.db.sample", 4, 66,
        {[RPSL_AS_BLOCK] = 1, [RPSL_AS_SET] = 1, [RPSL_ROUTE] = 1, [RPSL_ROUTE6] = 1}},
};

static void count_file(const char *path, int *objects, int *attrs, int *cls)
{
	struct rpsl_reader r;
	struct rpsl_object o;
	int rc;
	assert_int_equal(rpsl_reader_open(&r, path), 0);
	*objects = *attrs = 0;
	while ((rc = rpsl_reader_next(&r, &o)) == RPSL_OBJECT) {
		(*objects)++;
		*attrs += (int)o.nattrs;
		cls[o.cls]++;
		/* every object of these dumps names its source and has a class key with a value */
		assert_non_null(rpsl_object_get(&o, "source"));
		assert_true(o.attrs[0].value[0] != '\0');
		assert_true(o.line >= 1);
		if (o.cls == RPSL_ROUTE || o.cls == RPSL_ROUTE6) {
			uint32_t asn;
			struct prefix p;
			assert_non_null(rpsl_object_get(&o, "origin"));
			assert_int_equal(asn_parse(rpsl_object_get(&o, "origin"), &asn), 0);
			assert_int_equal(prefix_parse(o.attrs[0].value, &p), 0);
			assert_int_equal(p.afi, o.cls == RPSL_ROUTE ? AFI_IPV4 : AFI_IPV6);
		}
	}
	assert_int_equal(rc, 0);
	assert_int_equal(r.malformed, 0);
	rpsl_reader_close(&r);
}

static void test_counts(void **state)
{
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		REQUIRE_DATA(path, files[f].file);
		int objects, attrs, cls[RPSL_CLASS_COUNT] = {0};
		count_file(path, &objects, &attrs, cls);
		assert_int_equal(objects, files[f].objects);
		assert_int_equal(attrs, files[f].attrs);
		for (int c = 1; c < RPSL_CLASS_COUNT; c++)
			assert_int_equal(cls[c], files[f].cls[c]);
	}
}

/* Find the object whose class key has this value. */
static int find(const char *path, const char *key, const char *value, struct rpsl_reader *r,
    struct rpsl_object *o)
{
	assert_int_equal(rpsl_reader_open(r, path), 0);
	while (rpsl_reader_next(r, o) == RPSL_OBJECT)
		if (strcmp(o->attrs[0].key, key) == 0 && strcasecmp(o->attrs[0].value, value) == 0)
			return 1;
	return 0;
}

static void test_continuation_and_comments(void **state)
{
	REQUIRE_DATA(radb, "irr/pytinyirrdbcache__radb.db.sample");
	struct rpsl_reader r;
	struct rpsl_object o;
	/* descr with four continuation lines */
	assert_true(find(radb, "route", "167.96.0.0/16", &r, &o));
	assert_string_equal(rpsl_object_get(&o, "descr"),
	    "Cyprus Minerals Company\n9100 East Mineral Circle\nM.S. "
	    "257N\nEnglewood\nCO 80112, USA");
	assert_string_equal(rpsl_object_get(&o, "origin"), "AS2900");
	assert_string_equal(rpsl_object_get(&o, "member-of"), "RS-COMM_NSFNET");
	assert_string_equal(o.file, radb);
	rpsl_reader_close(&r);
	/* members over three lines; "# a Macro" comment before the object */
	assert_true(find(radb, "as-set", "AS-OREGON-IX-PEERAGE", &r, &o));
	assert_string_equal(rpsl_object_get(&o, "members"),
	    "AS4201, AS1798, AS3582, AS4222, AS2914,\nAS6447, AS5650, AS6108, AS3838, AS1982,\n"
	    "AS4534, AS5798, AS8028");
	rpsl_reader_close(&r);
	/* end-of-line remark removed from the value */
	assert_true(find(radb, "route6", "2001:1988::/32", &r, &o));
	assert_string_equal(rpsl_object_get(&o, "changed"), "charlie@nextweb.net 20041019");
	rpsl_reader_close(&r);
}

static void test_ripe_sample(void **state)
{
	REQUIRE_DATA(ripe, "irr/pytinyirrdbcache__ripe.db.sample");
	struct rpsl_reader r;
	struct rpsl_object o;
	/* lower-case as-set name, "# silly comments here" end-of-line remark */
	assert_true(find(ripe, "as-set", "AS-TMPEBONECWIX", &r, &o));
	assert_string_equal(o.attrs[0].value, "as-tmpebonecwix");
	assert_int_equal(o.cls, RPSL_AS_SET);
	size_t members = 0;
	for (size_t i = 0; i < o.nattrs; i++)
		if (strcmp(o.attrs[i].key, "members") == 0)
			members++;
	assert_int_equal(members, 3);
	assert_string_equal(o.attrs[4].value, "AS5655, AS6081, AS6255, AS6292, AS6618, AS6639");
	assert_string_equal(rpsl_object_get(&o, "last-modified"), "2001-09-21T21:49:51Z");
	rpsl_reader_close(&r);
	assert_true(find(ripe, "route", "193.254.30.0/24", &r, &o));
	assert_string_equal(rpsl_object_get(&o, "origin"), "as12726");
	assert_int_equal(o.line, 45);
	rpsl_reader_close(&r);
}

/* The same file gzip'd reads the same (zlib's gzopen handles both). */
static void test_gzip(void **state)
{
	REQUIRE_DATA(path, "irr/rpkiirrstats__ripe-db-route6.txt");
	char tmp[] = "/tmp/rm_rpsl_XXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	close(fd);
	FILE *in = fopen(path, "rb");
	gzFile out = gzopen(tmp, "wb");
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(gzwrite(out, buf, (unsigned)n), (int)n);
	fclose(in);
	gzclose(out);
	int objects, attrs, cls[RPSL_CLASS_COUNT] = {0};
	count_file(tmp, &objects, &attrs, cls);
	assert_int_equal(objects, 62);
	assert_int_equal(attrs, 972);
	assert_int_equal(cls[RPSL_ROUTE6], 62);
	unlink(tmp);
}

static void test_db_load(void **state)
{
	struct irr_db db;
	struct irr_load_stats st;
	irr_db_init(&db);
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		REQUIRE_DATA(path, files[f].file);
		assert_int_equal(irr_db_load(&db, path, &st), 0);
		assert_int_equal(st.objects, (uint64_t)files[f].objects);
		assert_int_equal(st.malformed, 0);
	}
	/* distinct (prefix, origin, source): 62 + 1 (radb); the ripe sample's route
	 * 193.254.30.0/24 as12726 and route6 2001:1578:200::/40 AS12817 repeat the split files'
	 * objects (same key and source), so they replace them */
	assert_int_equal(db.count[RPSL_ROUTE], 62 + 1 + 0);
	assert_int_equal(db.count[RPSL_ROUTE6], 62 + 1 + 0);
	assert_int_equal(db.count[RPSL_AS_SET], 3);
	assert_int_equal(db.count[RPSL_AUT_NUM], 1);
	assert_int_equal(db.count[RPSL_MNTNER], 1);
	assert_int_equal(db.ignored, 1); /* the as-block */
	assert_int_equal(db.nsources, 2);
	assert_string_equal(db.sources[0], "RIPE");
	assert_string_equal(db.sources[1], "RADB");
	const struct irr_object *a = irr_db_autnum(&db, 372, 0);
	assert_non_null(a);
	assert_string_equal(irr_object_get(a, "tech-c"), "See MAINT-AS372");
	assert_string_equal(irr_object_get(a, "mnt-by"), "MAINT-AS372");
	assert_string_equal(db.sources[a->source], "RADB");
	const struct irr_object *s = irr_db_set(&db, "as-len", 0);
	assert_non_null(s);
	assert_string_equal(s->key, "AS-LEN");
	struct prefix p;
	assert_int_equal(prefix_parse("2002::/16", &p), 0);
	int n = 0;
	for (const struct irr_route *r = irr_db_routes_exact(&db, &p); r; r = r->next)
		n++;
	assert_int_equal(n, 3); /* three origins register 2002::/16 */
	irr_db_free(&db);
}

static void test_malformed(void **state)
{
	static const char text[] = "route: 10.0.0.0/8\norigin: AS1\nsource: TEST\n\n"
	                           "this is not rpsl\nroute: 10.1.0.0/16\n\n"
	                           " continuation first\n\n"
	                           "route: 10.2.0.0/16\norigin: AS2\nsource: TEST\n";
	struct rpsl_reader r;
	struct rpsl_object o;
	rpsl_reader_open_mem(&r, text, sizeof(text) - 1, "mem");
	assert_int_equal(rpsl_reader_next(&r, &o), RPSL_OBJECT);
	assert_string_equal(o.attrs[0].value, "10.0.0.0/8");
	assert_int_equal(rpsl_reader_next(&r, &o), RPSL_OBJECT);
	assert_string_equal(o.attrs[0].value, "10.2.0.0/16");
	assert_int_equal(o.line, 10);
	assert_int_equal(rpsl_reader_next(&r, &o), 0);
	assert_int_equal(r.malformed, 2);
	assert_non_null(strstr(r.err, "mem:5"));
	rpsl_reader_close(&r);
	/* the database rejects objects with bad values and counts them */
	static const char bad[] =
	    "route: 10.0.0.1/8\norigin: AS1\n\nroute6: 10.0.0.0/8\norigin: AS1\n\n"
	    "route: 10.0.0.0/8\norigin: ASX\n\naut-num: ASfoo\n\nas-set: NOTASET\n";
	struct irr_db db;
	char err[256];
	irr_db_init(&db);
	rpsl_reader_open_mem(&r, bad, sizeof(bad) - 1, "bad");
	int rej = 0;
	while (rpsl_reader_next(&r, &o) == RPSL_OBJECT)
		rej += irr_db_add(&db, &o, 0, NULL, err, sizeof(err)) < 0;
	assert_int_equal(rej, 5);
	assert_int_equal(db.malformed, 5);
	rpsl_reader_close(&r);
	irr_db_free(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_counts),
	    cmocka_unit_test(test_continuation_and_comments),
	    cmocka_unit_test(test_ripe_sample),
	    cmocka_unit_test(test_gzip),
	    cmocka_unit_test(test_db_load),
	    cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
