/*
 * conform: every control of the MANRS+ draft (and the netops profile) passing and failing on
 * a store built with the store write API; attestations; the renderers; and the IXP
 * route-server check on a generated RIB with planted violations.
 *
 * The store: snapshots at T0 - 200 d (outside the 90-day window), T0 - 30 d and T0.
 * AS64500 is clean in the window (and dirty in the old snapshot, which must not count);
 * AS64501 is clean at T0 but had an RPKI-invalid route, a customer's invalid route passed
 * on, an incident and a stale route object at T0 - 30 d, spoofing in both; AS64502 is absent.
 */
#include <json-c/json.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "testutil.h"
#include "mrtgen.h"
#include "conform/conform.h"
#include "irr/irr.h"
#include "registry/registry.h"
#include "rpki/rpki.h"
#include "topo/topo.h"

#define T0 1704067200 /* 2024-01-01 */
#define DAY 86400

static char dir[256], dbpath[300];

static void write_file(const char *name, const char *text, char *path, size_t size)
{
	snprintf(path, size, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

struct as_snap {
	uint32_t asn;
	int bad_rpki, bad_customer, stale_irr;
	double spoof; /* raw M5 */
};

static void put_as(struct store *s, const struct as_snap *a, int64_t t)
{
	static const char *const names[] = {
	    "M1", "M1C", "M2", "M2C", "M3", "M3C", "M4", "M4C", "M5", "M7IRR", "M7RPKI", "M8"};
	for (size_t i = 0; i < 12; i++) {
		double pct = 100, raw = 0;
		if ((i == 2 && a->bad_rpki) || (i == 3 && a->bad_customer))
			pct = 49, raw = 1;
		if (i == 8)
			raw = a->spoof, pct = a->spoof ? 0 : 100;
		if (i == 10 && a->bad_rpki)
			pct = 0;
		struct store_metric m = {a->asn, names[i], raw, pct, (uint64_t)raw};
		assert_int_equal(store_put_metrics(s, &m, 1), 0);
	}
	struct store_as_summary sum = {.asn = a->asn,
	    .prefixes_v4 = 2,
	    .routes = 2,
	    .rpki_valid = a->bad_rpki ? 1 : 2,
	    .rpki_invalid = a->bad_rpki ? 1 : 0,
	    .irr_registered = 2,
	    .action = {0, a->bad_rpki || a->bad_customer ? 80 : 100, 100, 100, 0},
	    .action4_irr = 100,
	    .action4_rpki = a->bad_rpki ? 0 : 100};
	assert_int_equal(store_put_summaries(s, &sum, 1), 0);
	char p1[32], p2[32];
	snprintf(p1, sizeof(p1), "10.%u.0.0/16", a->asn - 64400);
	snprintf(p2, sizeof(p2), "11.%u.0.0/16", a->asn - 64400);
	struct store_route r1 = {p1, a->asn, 3, "valid", NULL,
	    a->stale_irr ? "other-origin" : "exact", NULL, t, t, NULL};
	struct store_route r2 = {p2, a->asn, 3, a->bad_rpki ? "invalid" : "valid",
	    a->bad_rpki ? "invalid-asn" : NULL, "exact", NULL, t, t, NULL};
	assert_int_equal(store_put_route(s, &r1), 0);
	assert_int_equal(store_put_route(s, &r2), 0);
	if (a->bad_rpki) {
		struct store_finding f = {.asn = a->asn,
		    .metric = "M2",
		    .culprit = a->asn,
		    .prefix = p2,
		    .path = "174 64501",
		    .origin = a->asn,
		    .peer_asn = 174,
		    .peers = 3,
		    .first_seen = t,
		    .last_seen = t,
		    .detail = "RPKI invalid (invalid-asn)",
		    .evidence = "{\"rpki\":{\"state\":\"invalid\"}}"};
		assert_int_equal(store_put_findings(s, &f, 1), 0);
		struct store_incident inc = {a->asn, "M2", t, t, 1, 1, 1, 0};
		assert_int_equal(store_put_incidents(s, &inc, 1), 0);
	}
	if (a->bad_customer) {
		struct store_finding f = {.asn = a->asn,
		    .metric = "M2C",
		    .culprit = 65010,
		    .prefix = "192.0.2.0/24",
		    .path = "174 64501 65010",
		    .origin = 65010,
		    .first_seen = t,
		    .last_seen = t,
		    .detail = "customer's invalid route"};
		assert_int_equal(store_put_findings(s, &f, 1), 0);
	}
}

static void put_snapshot(struct store *s, int64_t t, const struct as_snap *as, size_t n)
{
	struct store_snapshot snap = {.period_start = t, .period_end = t, .label = "test"};
	snprintf(snap.key, sizeof(snap.key), "key-%lld", (long long)t);
	assert_int_equal(store_snapshot_begin(s, &snap), 0);
	for (size_t i = 0; i < n; i++)
		put_as(s, &as[i], t);
	assert_int_equal(
	    store_put_asinfo(
	        s, &(struct store_asinfo){as[0].asn, "GOOD-NET", "NL", NULL, NULL, NULL}, 1),
	    0);
	assert_int_equal(store_snapshot_commit(s, &snap), 0);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/routemark-test-conform-%d", (int)getpid());
	if (mkdir(dir, 0700) != 0)
		return -1;
	snprintf(dbpath, sizeof(dbpath), "%s/t.db", dir);
	char prof[4096];
	const char *top = getenv("ROUTEMARK_TOP");
	snprintf(prof, sizeof(prof), "%s/profiles", top ? top : ".");
	setenv("ROUTEMARK_PROFILES", prof, 1);
	struct store *s;
	if (store_open(dbpath, 0, &s) != 0)
		return -1;
	struct as_snap old[] = {{64500, 1, 1, 1, 5}, {64501, 0, 0, 0, 0}};
	struct as_snap mid[] = {{64500, 0, 0, 0, 0}, {64501, 1, 1, 1, 2}};
	struct as_snap now[] = {{64500, 0, 0, 0, 0}, {64501, 0, 0, 0, 1}};
	put_snapshot(s, T0 - 200 * DAY, old, 2);
	put_snapshot(s, T0 - 30 * DAY, mid, 2);
	put_snapshot(s, T0, now, 2);
	char ev[400];
	write_file("sav.pdf", "declaration: uRPF strict on all customer ports\n", ev, sizeof(ev));
	struct store_attestation at = {.asn = 64500,
	    .control = "PLUS-SAV-1",
	    .kind = "attested",
	    .sha256 = "00ab",
	    .file = ev,
	    .size = 47,
	    .who = "noc@good.example"};
	if (store_put_attestation(s, &at) != 0)
		return -1;
	struct store_attestation au = {.asn = 64500,
	    .control = "PLUS-AUDIT-1",
	    .kind = "audited",
	    .sha256 = "00cd",
	    .file = "audit-2023.pdf",
	    .size = 1000,
	    .who = "auditor"};
	if (store_put_attestation(s, &au) != 0)
		return -1;
	store_close(s);
	return 0;
}

static int teardown(void **state)
{
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The reference data only conform reads: ASPA + relationships, PeeringDB, IRR aut-nums. */
struct refs {
	struct aspa_table *aspa;
	struct asrel rel;
	struct pdb pdb;
	struct irr_db irr;
	struct observe_refs o;
};

static void refs_build(struct refs *r)
{
	char path[400];
	r->aspa = aspa_table_new();
	uint32_t p0[] = {174, 3356}, p1[] = {174};
	aspa_table_add(r->aspa, 64500, p0, 2);
	aspa_table_add(r->aspa, 64501, p1, 1);
	aspa_table_build(r->aspa);
	asrel_init(&r->rel);
	write_file("rel.txt", "174|64500|-1\n3356|64500|-1\n174|64501|-1\n1299|64501|-1\n", path,
	    sizeof(path));
	assert_int_equal(asrel_load(&r->rel, path), 0);
	pdb_init(&r->pdb);
	const char *pj =
	    "{\"net\":{\"data\":[{\"id\":1,\"asn\":64500,\"name\":\"GOOD\",\"irr_as_set\":"
	    "\"\",\"info_type\":\"NSP\"},{\"id\":2,\"asn\":64501,\"name\":\"BAD\",\"irr_as_set\":"
	    "\"\",\"info_type\":\"NSP\"}]},\"poc\":{\"data\":[{\"id\":9,\"net_id\":1,\"role\":"
	    "\"NOC\",\"name\":\"noc\",\"email\":\"noc@good.example\",\"visible\":\"Public\"}]}}";
	assert_int_equal(pdb_load_mem(&r->pdb, pj, strlen(pj), "pdb.json"), 0);
	irr_db_init(&r->irr);
	write_file("irr.db",
	    "aut-num: AS64500\nas-name: GOOD\ntech-c: GN1-TEST\nsource: TEST\n\n"
	    "aut-num: AS64501\nas-name: BAD\nsource: TEST\n\n",
	    path, sizeof(path));
	struct irr_load_stats st;
	memset(&st, 0, sizeof(st));
	assert_int_equal(irr_db_load(&r->irr, path, &st), 0);
	memset(&r->o, 0, sizeof(r->o));
	r->o.aspa = r->aspa;
	r->o.asrel = &r->rel;
	r->o.pdb = &r->pdb;
	r->o.irr = &r->irr;
}

static void refs_free_all(struct refs *r)
{
	aspa_table_free(r->aspa);
	asrel_free(&r->rel);
	pdb_free(&r->pdb);
	irr_db_free(&r->irr);
}

static enum conform_verdict verdict(const struct conform_result *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->c[i].control->id, id) == 0)
			return r->c[i].verdict;
	fail_msg("no control %s", id);
	return CONFORM_NO_DATA;
}

static const struct conform_control_result *ctl(const struct conform_result *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->c[i].control->id, id) == 0)
			return &r->c[i];
	return NULL;
}

static int has_evidence(
    const struct conform_control_result *c, const char *kind, const char *prefix)
{
	for (size_t i = 0; i < c->nev; i++)
		if (strcmp(c->ev[i].kind, kind) == 0 &&
		    (prefix == NULL || (c->ev[i].prefix && strcmp(c->ev[i].prefix, prefix) == 0)))
			return 1;
	return 0;
}

static void test_plus_draft(void **state)
{
	struct store *s;
	assert_int_equal(store_open(dbpath, 1, &s), 0);
	struct conform_profile *p;
	char err[512];
	assert_int_equal(conform_profile_find("manrs-plus-draft", &p, err, sizeof(err)), 0);
	struct refs rf;
	refs_build(&rf);
	struct arena a;
	arena_init(&a, 0);
	struct conform_ctx ctx = {.store = s, .refs = &rf.o};
	struct conform_result good, bad, none;
	assert_int_equal(conform_evaluate(&ctx, p, 64500, &a, &good), 0);
	assert_int_equal(conform_evaluate(&ctx, p, 64501, &a, &bad), 0);
	assert_int_equal(conform_evaluate(&ctx, p, 64502, &a, &none), 0);
	/* the window holds the two newest snapshots only */
	assert_int_equal(good.nsnaps, 2);
	assert_int_equal(good.window_to, T0);
	static const char *const measured[] = {"PLUS-RPKI-1", "PLUS-FILTER-1", "PLUS-ORIGIN-1",
	    "PLUS-ASPA-1", "PLUS-IRR-1", "PLUS-SPOOF-1", "PLUS-CONTACT-1"};
	for (size_t i = 0; i < 7; i++) {
		if (verdict(&good, measured[i]) != CONFORM_PASS ||
		    verdict(&bad, measured[i]) != CONFORM_FAIL)
			fprintf(stderr, "%s: good %s (%s), bad %s (%s)\n", measured[i],
			    conform_verdict_name(verdict(&good, measured[i])),
			    ctl(&good, measured[i])->reason,
			    conform_verdict_name(verdict(&bad, measured[i])),
			    ctl(&bad, measured[i])->reason);
		assert_int_equal(verdict(&good, measured[i]), CONFORM_PASS);
		assert_int_equal(verdict(&bad, measured[i]), CONFORM_FAIL);
	}
	/* attested and audited controls: pass on the filing, not measurable without one */
	assert_int_equal(verdict(&good, "PLUS-SAV-1"), CONFORM_PASS);
	assert_int_equal(verdict(&good, "PLUS-AUDIT-1"), CONFORM_PASS);
	assert_string_equal(ctl(&good, "PLUS-SAV-1")->basis, "attestation");
	assert_string_equal(ctl(&good, "PLUS-AUDIT-1")->basis, "audit");
	assert_true(has_evidence(ctl(&good, "PLUS-SAV-1"), "attestation", NULL));
	assert_int_equal(verdict(&bad, "PLUS-SAV-1"), CONFORM_NOT_MEASURABLE);
	assert_int_equal(verdict(&bad, "PLUS-AUDIT-1"), CONFORM_NOT_MEASURABLE);
	assert_int_equal(good.overall, CONFORM_CONFORMANT);
	assert_int_equal(good.measured_pass, 7);
	assert_int_equal(good.attested_pass, 2);
	assert_int_equal(bad.overall, CONFORM_NOT_CONFORMANT);
	assert_int_equal(bad.count[CONFORM_FAIL], 7);
	/* AS64501 fails "for all snapshots" on the T0 - 30 d snapshot only */
	const struct conform_control_result *c = ctl(&bad, "PLUS-RPKI-1");
	assert_int_equal(c->snapshots, 2);
	assert_int_equal(c->snapshots_fail, 1);
	assert_true(has_evidence(c, "route", "11.101.0.0/16"));
	assert_true(has_evidence(ctl(&bad, "PLUS-FILTER-1"), "finding", "192.0.2.0/24"));
	assert_true(has_evidence(ctl(&bad, "PLUS-ORIGIN-1"), "incident", NULL));
	assert_true(has_evidence(ctl(&bad, "PLUS-IRR-1"), "route", "10.101.0.0/16"));
	assert_true(has_evidence(ctl(&bad, "PLUS-ASPA-1"), "aspa", NULL));
	assert_non_null(strstr(ctl(&bad, "PLUS-ASPA-1")->ev[1].text, "AS1299"));
	/* the AS that is not in the store: no data for what needs routing data */
	assert_int_equal(verdict(&none, "PLUS-RPKI-1"), CONFORM_NO_DATA);
	assert_int_equal(verdict(&none, "PLUS-FILTER-1"), CONFORM_NO_DATA);
	assert_int_equal(verdict(&none, "PLUS-SPOOF-1"), CONFORM_NO_DATA);
	assert_int_equal(none.overall, CONFORM_NOT_CONFORMANT); /* no ASPA, no contacts */
	/* without reference data, ASPA and contacts are no data, not failures */
	struct conform_ctx bare = {.store = s};
	struct conform_result r2;
	assert_int_equal(conform_evaluate(&bare, p, 64501, &a, &r2), 0);
	assert_int_equal(verdict(&r2, "PLUS-ASPA-1"), CONFORM_NO_DATA);
	assert_int_equal(verdict(&r2, "PLUS-CONTACT-1"), CONFORM_NO_DATA);
	/* a shorter window (10 days) sees only T0, where AS64501's routes are clean */
	struct conform_ctx w10 = {.store = s, .refs = &rf.o, .window = 10 * DAY};
	assert_int_equal(conform_evaluate(&w10, p, 64501, &a, &r2), 0);
	assert_int_equal(verdict(&r2, "PLUS-RPKI-1"), CONFORM_PASS);
	assert_int_equal(verdict(&r2, "PLUS-SPOOF-1"), CONFORM_FAIL);
	arena_free(&a);
	refs_free_all(&rf);
	conform_profile_free(p);
	store_close(s);
}

static void test_netops_and_render(void **state)
{
	struct store *s;
	assert_int_equal(store_open(dbpath, 1, &s), 0);
	struct conform_profile *p;
	char err[512];
	assert_int_equal(conform_profile_find("manrs-netops", &p, err, sizeof(err)), 0);
	struct arena a;
	arena_init(&a, 0);
	struct conform_ctx ctx = {.store = s, .snapshot = 2}; /* evaluated as of T0 - 30 d */
	struct conform_result r[2];
	assert_int_equal(conform_evaluate(&ctx, p, 64500, &a, &r[0]), 0);
	assert_int_equal(conform_evaluate(&ctx, p, 64501, &a, &r[1]), 0);
	assert_int_equal(r[0].window_to, T0 - 30 * DAY);
	assert_int_equal(verdict(&r[0], "NETOPS-4-RPKI"), CONFORM_PASS);
	assert_int_equal(verdict(&r[1], "NETOPS-4-RPKI"), CONFORM_FAIL);
	assert_int_equal(verdict(&r[0], "NETOPS-1"), CONFORM_PASS);
	assert_int_equal(verdict(&r[1], "NETOPS-1"), CONFORM_FAIL); /* action1 80 < 90 */
	assert_int_equal(verdict(&r[0], "NETOPS-3"), CONFORM_PASS);
	/* JSON: parses, carries the schema, the verdicts and the evidence */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	conform_render_json(f, &r[1]);
	fclose(f);
	json_object *o = json_tokener_parse(buf);
	assert_non_null(o);
	json_object *v, *cs, *c0;
	assert_true(json_object_object_get_ex(o, "schema", &v));
	assert_string_equal(json_object_get_string(v), CONFORM_SCHEMA);
	assert_true(json_object_object_get_ex(o, "overall", &v));
	assert_string_equal(json_object_get_string(v), "not conformant");
	assert_true(json_object_object_get_ex(o, "controls", &cs));
	assert_int_equal(json_object_array_length(cs), p->ncontrols);
	c0 = json_object_array_get_idx(cs, 0);
	assert_true(json_object_object_get_ex(c0, "verdict", &v));
	assert_string_equal(json_object_get_string(v), "fail");
	assert_true(json_object_object_get_ex(c0, "evidence", &v));
	assert_true(json_object_array_length(v) >= 2);
	json_object_put(o);
	free(buf);
	/* HTML page and fragment; text; comparison */
	f = open_memstream(&buf, &len);
	conform_render_html(f, &r[1]);
	fclose(f);
	assert_non_null(strstr(buf, "<!DOCTYPE html>"));
	assert_non_null(strstr(buf, "rmc-fail"));
	free(buf);
	f = open_memstream(&buf, &len);
	conform_render_html_fragment(f, &r[0]);
	fclose(f);
	assert_null(strstr(buf, "<html"));
	assert_non_null(strstr(buf, "<section class=\"rmc\">"));
	free(buf);
	f = open_memstream(&buf, &len);
	conform_compare_text(f, r, 2);
	fclose(f);
	assert_non_null(strstr(buf, "AS64500"));
	assert_non_null(strstr(buf, "AS64501"));
	assert_non_null(strstr(buf, "NETOPS-4-RPKI"));
	free(buf);
	arena_free(&a);
	conform_profile_free(p);
	store_close(s);
}

/* ---------------------------------------------------------------- IXP */

static void rib_route(struct mrtgen_buf *b, uint32_t seq, const char *pfx, uint16_t peer,
    const uint32_t *path, size_t n)
{
	struct prefix p;
	assert_int_equal(prefix_parse(pfx, &p), 0);
	struct mrtgen_buf a;
	mrtgen_buf_init(&a);
	uint8_t nh[4] = {192, 0, 2, 1};
	mrtgen_attr_origin(&a, 0);
	mrtgen_attr_aspath_seq(&a, path, n, 1);
	mrtgen_attr_nexthop(&a, nh);
	struct mrtgen_rib r = mrtgen_rib_begin(b, T0, MRTGEN_RIB_IPV4_UNICAST, seq, p.len, p.addr);
	mrtgen_rib_entry(b, &r, peer, T0, 0, a.p, a.len);
	mrtgen_rib_end(b, &r);
	mrtgen_buf_free(&a);
}

static void test_ixp(void **state)
{
	char rib[400], members[400], irrpath[400];
	struct mrtgen_buf b;
	mrtgen_buf_init(&b);
	struct mrtgen_peer pe[3] = {
	    {.afi = 1, .asn = 20940, .bgp_id = 1, .addr = {185, 0, 0, 1}},
	    {.afi = 1, .asn = 13335, .bgp_id = 2, .addr = {185, 0, 0, 2}},
	    {.afi = 1, .asn = 2914, .bgp_id = 3, .addr = {185, 0, 0, 3}},
	};
	mrtgen_peer_index(&b, T0, 0x0a000001, "rs1", pe, 3);
	uint32_t p1[] = {20940, 16509}, p2[] = {20940}, p3[] = {13335},
	         p6[] = {13335, 64496, 13335}, p7[] = {20940, 3356}, p9[] = {2914};
	rib_route(&b, 0, "193.0.0.0/21", 0, p1, 2);  /* clean: valid, in AS-GOOD, object */
	rib_route(&b, 1, "100.10.0.0/16", 0, p2, 1); /* clean: not-found, object */
	rib_route(&b, 2, "185.1.0.0/22", 1, p3, 1);  /* clean: valid */
	rib_route(&b, 3, "185.1.0.0/24", 1, p3, 1);  /* planted: RPKI invalid (maxLength 22) */
	rib_route(&b, 4, "10.0.0.0/8", 0, p2, 1);    /* planted: bogon prefix */
	rib_route(&b, 5, "100.20.0.0/16", 1, p6, 3); /* planted: bogon ASN 64496 in the path */
	rib_route(&b, 6, "100.30.0.0/16", 0, p7, 2); /* planted: origin 3356 not in AS-GOOD */
	rib_route(&b, 7, "100.40.0.0/16", 0, p2, 1); /* planted: no route object */
	rib_route(&b, 8, "100.50.0.0/16", 2, p9, 1); /* planted: peer is not a member */
	snprintf(rib, sizeof(rib), "%s/rs.mrt", dir);
	assert_int_equal(mrtgen_write_file(&b, rib), 0);
	mrtgen_buf_free(&b);
	write_file("members.txt", "# route-server members\n20940 AS-GOOD\n13335\n", members,
	    sizeof(members));
	write_file("ixp-irr.db",
	    "as-set: AS-GOOD\nmembers: AS20940, AS16509\nsource: TEST\n\n"
	    "route: 193.0.0.0/21\norigin: AS16509\nsource: TEST\n\n"
	    "route: 100.10.0.0/16\norigin: AS20940\nsource: TEST\n\n"
	    "route: 185.1.0.0/22\norigin: AS13335\nsource: TEST\n\n"
	    "route: 185.1.0.0/24\norigin: AS13335\nsource: TEST\n\n"
	    "route: 10.0.0.0/8\norigin: AS20940\nsource: TEST\n\n"
	    "route: 100.20.0.0/16\norigin: AS13335\nsource: TEST\n\n"
	    "route: 100.30.0.0/16\norigin: AS3356\nsource: TEST\n\n"
	    "route: 100.50.0.0/16\norigin: AS2914\nsource: TEST\n\n",
	    irrpath, sizeof(irrpath));
	struct irr_db irr;
	irr_db_init(&irr);
	struct irr_load_stats st;
	memset(&st, 0, sizeof(st));
	assert_int_equal(irr_db_load(&irr, irrpath, &st), 0);
	struct vrp_table *vrps = vrp_table_new();
	struct vrp v1 = {.maxlen = 24, .asn = 16509}, v2 = {.maxlen = 22, .asn = 13335};
	prefix_parse("193.0.0.0/21", &v1.p);
	prefix_parse("185.1.0.0/22", &v2.p);
	vrp_table_add(vrps, &v1);
	vrp_table_add(vrps, &v2);
	vrp_table_build(vrps);
	struct observe_refs refs = {.vrps = vrps, .irr = &irr};
	struct ixp_member *m;
	size_t nm;
	char err[300];
	assert_int_equal(ixp_members_load(members, &m, &nm, err, sizeof(err)), 0);
	assert_int_equal(nm, 2);
	struct ixp_result r;
	assert_int_equal(ixp_check_dump(rib, m, nm, &refs, &r), 0);
	assert_int_equal(r.routes, 9);
	assert_int_equal(r.bad_routes, 6);
	static const struct {
		enum ixp_check c;
		const char *pfx;
		uint32_t member;
	} want[] = {{IXP_RPKI_INVALID, "185.1.0.0/24", 13335},
	    {IXP_BOGON_PREFIX, "10.0.0.0/8", 20940}, {IXP_BOGON_ASN, "100.20.0.0/16", 13335},
	    {IXP_ORIGIN_NOT_IN_SET, "100.30.0.0/16", 20940},
	    {IXP_NO_ROUTE_OBJECT, "100.40.0.0/16", 20940},
	    {IXP_UNKNOWN_MEMBER, "100.50.0.0/16", 2914}};
	assert_int_equal(r.nv, 6); /* exactly the planted ones: none invented */
	for (size_t i = 0; i < 6; i++) {
		char pb[PREFIX_STRLEN];
		assert_int_equal(r.v[i].check, want[i].c);
		assert_string_equal(prefix_format(&r.v[i].prefix, pb, sizeof(pb)), want[i].pfx);
		assert_int_equal(r.v[i].member, want[i].member);
		assert_int_equal(r.count[want[i].c], 1);
	}
	assert_int_equal(r.members[0].routes, 5);
	assert_int_equal(r.members[0].bad_routes, 3);
	assert_int_equal(r.members[0].set_asns, 2);
	assert_int_equal(r.members[1].bad_routes, 2);
	ixp_result_free(&r);
	/* the command's exit code gates: 3 with violations, 0 for a clean route server */
	char cmd[1500];
	snprintf(cmd, sizeof(cmd),
	    "%s conform --ixp --rs-dump %s --members %s --irr %s >/dev/null 2>&1", test_bin(), rib,
	    members, irrpath);
	int rc = system(cmd);
	assert_true(WIFEXITED(rc));
	assert_int_equal(WEXITSTATUS(rc), 3);
	char clean[400];
	mrtgen_buf_init(&b);
	mrtgen_peer_index(&b, T0, 0x0a000001, "rs1", pe, 3);
	rib_route(&b, 0, "193.0.0.0/21", 0, p1, 2);
	rib_route(&b, 1, "100.10.0.0/16", 0, p2, 1);
	rib_route(&b, 2, "185.1.0.0/22", 1, p3, 1);
	snprintf(clean, sizeof(clean), "%s/rs-clean.mrt", dir);
	assert_int_equal(mrtgen_write_file(&b, clean), 0);
	mrtgen_buf_free(&b);
	snprintf(cmd, sizeof(cmd),
	    "%s conform --ixp --rs-dump %s --members %s --irr %s >/dev/null 2>&1", test_bin(),
	    clean, members, irrpath);
	rc = system(cmd);
	assert_true(WIFEXITED(rc));
	assert_int_equal(WEXITSTATUS(rc), 0);
	/* a members file with a bad line names it */
	write_file("bad-members.txt", "20940 AS-GOOD\nAS-X 1 2\n", members, sizeof(members));
	ixp_members_free(m, nm);
	assert_int_equal(ixp_members_load(members, &m, &nm, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad-members.txt:2"));
	vrp_table_free(vrps);
	irr_db_free(&irr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plus_draft),
	    cmocka_unit_test(test_netops_and_render),
	    cmocka_unit_test(test_ixp),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
