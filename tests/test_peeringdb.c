/* registry: PeeringDB exports. Real 2016 ix / ixlan / ixpfx files (counts verified with python
 * json); net and poc shapes from a small inline export, since no real net/poc dump exists in
 * the shared data. */
#include "testutil.h"
#include "registry/registry.h"

static struct prefix P(const char *s) {
	struct prefix p;
	assert_int_equal(prefix_parse(s, &p), 0);
	return p;
}

static void
test_real_ix_files(void **state)
{
	REQUIRE_DATA(ix, "peeringdb/pdb_2016-10-19_ix.json");
	REQUIRE_DATA(ixlan, "peeringdb/pdb_2016-10-19_ixlan.json");
	REQUIRE_DATA(ixpfx, "peeringdb/pdb_2016-10-19_ixpfx.json");
	struct pdb db;
	pdb_init(&db);
	assert_int_equal(pdb_load(&db, ix), 0);
	assert_int_equal(pdb_load(&db, ixlan), 0);
	assert_int_equal(pdb_load(&db, ixpfx), 0);
	assert_int_equal(db.st.ix, 557);
	assert_int_equal(db.st.ixlan, 559);
	assert_int_equal(db.st.ixpfx, 793);
	assert_int_equal(db.st.unknown, 0);
	assert_int_equal(db.st.net + db.st.poc, 0);
	const struct pdb_ix *x = pdb_ix_by_id(&db, 26);
	assert_non_null(x);
	assert_string_equal(x->name, "AMS-IX");
	assert_string_equal(x->country, "NL");
	assert_string_equal(pdb_ix_by_id(&db, 2)->name, "Equinix Chicago");
	/* 80.249.208.0/21 is ixpfx 555 on ixlan 26 (AMS-IX) */
	struct prefix q = P("80.249.209.17/32");
	const struct pdb_ixpfx *px = pdb_ixp_prefix(&db, &q);
	assert_non_null(px);
	assert_int_equal(px->id, 555);
	const struct pdb_ixlan *l = pdb_ixlan_by_id(&db, px->ixlan_id);
	assert_non_null(l);
	assert_string_equal(pdb_ix_by_id(&db, l->ix_id)->name, "AMS-IX");
	q = P("2001:504:0:2::1/128"); /* first ixpfx: 2001:504:0:2::/64, ixlan 1 */
	assert_int_equal(pdb_ixp_prefix(&db, &q)->ixlan_id, 1);
	q = P("8.8.8.0/24");
	assert_null(pdb_ixp_prefix(&db, &q));
	pdb_free(&db);
}

static const char *NETPOC =
    "{\"net\":{\"data\":["
    "{\"id\":10,\"asn\":64500,\"name\":\"Example\",\"irr_as_set\":\"AS-EX\",\"info_type\":\"NSP\"},"
    "{\"id\":11,\"asn\":64501,\"name\":\"No contacts\"},"
    "{\"id\":12,\"asn\":64502,\"name\":null,\"irr_as_set\":7,\"info_type\":\"\"},"
    "{\"id\":13,\"asn\":64503,\"irr_as_set\":\"\"}]},"
    "\"poc\":{\"data\":["
    "{\"id\":1,\"net_id\":10,\"role\":\"Abuse\",\"email\":\"abuse@example.net\"},"
    "{\"id\":2,\"net_id\":10,\"role\":\"NOC\",\"email\":\"noc@example.net\",\"phone\":\"\"},"
    "{\"id\":3,\"net_id\":10,\"role\":\"Technical\",\"phone\":\"+1 555\"},"
    "{\"id\":4,\"net_id\":12,\"role\":\"Policy\",\"email\":\"\"},"
    "{\"id\":5,\"net_id\":13,\"role\":\"Abuse\",\"email\":\"a@b\"}]},"
    "\"ix\":{\"data\":[7, {\"id\":1}]}}";

static void test_net_and_contacts(void **state)
{
	struct pdb db;
	pdb_init(&db);
	assert_int_equal(pdb_load_mem(&db, NETPOC, strlen(NETPOC), "inline"), 0);
	assert_int_equal(db.st.net, 4);
	assert_int_equal(db.st.poc, 5);
	assert_int_equal(db.st.ix, 1);         /* typed by its part of the dump */
	assert_int_equal(db.st.unknown, 1);    /* the 7 */
	assert_int_equal(db.st.bad_fields, 1); /* irr_as_set: 7 */
	const struct pdb_net *n = pdb_net_by_asn(&db, 64500);
	assert_non_null(n);
	assert_string_equal(n->name, "Example");
	assert_string_equal(n->irr_as_set, "AS-EX");
	assert_int_equal(n->npoc, 3);
	assert_int_equal(pdb_net_contacts(&db, n), 2); /* NOC e-mail, Technical phone */
	assert_int_equal(pdb_net_contacts(&db, pdb_net_by_asn(&db, 64501)), 0);
	assert_int_equal(pdb_net_contacts(&db, pdb_net_by_asn(&db, 64502)), 0); /* empty e-mail */
	assert_int_equal(pdb_net_contacts(&db, pdb_net_by_asn(&db, 64503)), 0); /* abuse only */
	assert_null(pdb_net_by_asn(&db, 64502)->name);
	assert_null(pdb_net_by_asn(&db, 1));
	pdb_free(&db);
}

static void test_single_type_and_errors(void **state)
{
	struct pdb db;
	pdb_init(&db);
	const char *nets = "{\"data\":[{\"id\":1,\"asn\":3356,\"irr_as_set\":\"AS3356:AS-ALL\"},"
	                   "{\"id\":2,\"role\":\"NOC\",\"net_id\":1,\"email\":\"x@y\"},"
	                   "{\"id\":3,\"prefix\":\"not a prefix\",\"ixlan_id\":1},{}]}";
	assert_int_equal(pdb_load_mem(&db, nets, strlen(nets), "n"), 0);
	assert_int_equal(db.st.net, 1);
	assert_int_equal(db.st.poc, 1);
	assert_int_equal(db.st.ixpfx, 0);
	assert_int_equal(db.st.unknown, 1);
	assert_int_equal(pdb_net_contacts(&db, pdb_net_by_asn(&db, 3356)), 1);
	log_set_level(LOG_LVL_ERR + 0);
	const char *bad[] = {"{\"data\":[", "[1,2]", "{\"x\":1}", "", "nul"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(pdb_load_mem(&db, bad[i], strlen(bad[i]), "bad"), -1);
	assert_int_equal(pdb_load(&db, "/nonexistent.json"), -1);
	pdb_free(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_ix_files),
	    cmocka_unit_test(test_net_and_contacts),
	    cmocka_unit_test(test_single_type_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
