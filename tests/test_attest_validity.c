/*
 * Attestations that expire and can be revoked, conform's exit codes for gating, the
 * procurement comparison (JSON, CSV, HTML) and the equipment-vendor profile.
 *
 * The store: one snapshot at T0 (2024-01-01). AS64500 is clean (RPKI-valid, registered);
 * AS64501 originates an RPKI-invalid route (registered); AS64504 an RPKI-invalid route with
 * no route object; AS64502 is absent. The profile "gate" (written here): G-RPKI (measured,
 * required), G-SAV (attested, required), G-IRR (measured, recommended). With a filing for
 * G-SAV, AS64500 is conformant, AS64501 and AS64504 are not, AS64502 is undetermined.
 * Filings for AS64510..64513 are valid, expired, revoked and not yet valid at T0.
 */
#include <json-c/json.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "testutil.h"
#include "conform/conform.h"
#include "store/store_private.h"

#define T0 1704067200 /* 2024-01-01 */
#define DAY 86400

static char dir[256], dbpath[300], gate[300], doc[300];

static void write_file(const char *name, const char *text, char *path, size_t size)
{
	snprintf(path, size, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void put_as(struct store *s, uint32_t asn, const char *rpki, const char *irr)
{
	int reg = strcmp(irr, "exact") == 0, valid = strcmp(rpki, "valid") == 0;
	struct store_as_summary sum = {.asn = asn,
	    .prefixes_v4 = 1,
	    .routes = 1,
	    .rpki_valid = valid,
	    .rpki_invalid = !valid,
	    .irr_registered = reg,
	    .irr_unregistered = !reg,
	    .action = {0, 100, 100, 100, 100},
	    .action4_irr = reg ? 100 : 0,
	    .action4_rpki = valid ? 100 : 0};
	assert_int_equal(store_put_summaries(s, &sum, 1), 0);
	char p[32];
	snprintf(p, sizeof(p), "10.%u.0.0/16", asn - 64400);
	struct store_route r = {
	    p, asn, 3, rpki, valid ? NULL : "invalid-asn", irr, NULL, T0, T0, NULL};
	assert_int_equal(store_put_route(s, &r), 0);
}

static void put_filing(
    struct store *s, uint32_t asn, const char *control, int64_t from, int64_t until, int64_t *id)
{
	struct store_attestation at = {.asn = asn,
	    .control = control,
	    .kind = "attested",
	    .sha256 = "5e1f",
	    .file = "declaration.pdf",
	    .size = 100,
	    /* filed before T0 - 2 days, the earliest evaluation time below (a filing made after
	     * the evaluation time is left out of it, as a signed report needs) */
	    .created = from < T0 - 3 * DAY ? from : T0 - 3 * DAY,
	    .who = "noc@example.net",
	    .valid_from = from,
	    .valid_until = until};
	assert_int_equal(store_put_attestation(s, &at), 0);
	*id = at.id;
}

static int64_t id_valid, id_expired, id_revoked, id_future;

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/routemark-test-attest-%d", (int)getpid());
	if (mkdir(dir, 0700) != 0)
		return -1;
	snprintf(dbpath, sizeof(dbpath), "%s/t.db", dir);
	char prof[4096];
	const char *top = getenv("ROUTEMARK_TOP");
	snprintf(prof, sizeof(prof), "%s/profiles", top ? top : ".");
	setenv("ROUTEMARK_PROFILES", prof, 1);
	write_file("gate.json",
	    "{\"format\": \"routemark.profile/1\", \"name\": \"gate\", \"title\": \"Gate\",\n"
	    " \"version\": \"1\", \"programme\": \"test\", \"window\": \"30d\", \"controls\": [\n"
	    "  {\"id\": \"G-RPKI\", \"text\": \"no RPKI-invalid route, none at all\", "
	    "\"evidence\": \"measured\",\n"
	    "   \"severity\": \"required\", \"rule\": \"routes > 0 and routes.rpki_invalid == "
	    "0\"},\n"
	    "  {\"id\": \"G-SAV\", \"text\": \"SAV declared\", \"evidence\": \"attested\",\n"
	    "   \"severity\": \"required\", \"rule\": \"attested\"},\n"
	    "  {\"id\": \"G-IRR\", \"text\": \"routes registered\", \"evidence\": \"measured\",\n"
	    "   \"severity\": \"recommended\", \"rule\": \"routes.irr_unregistered == 0\"}]}\n",
	    gate, sizeof(gate));
	write_file("sav.txt", "uRPF strict on every customer port\n", doc, sizeof(doc));
	struct store *s;
	if (store_open(dbpath, 0, &s) != 0)
		return -1;
	struct store_snapshot snap = {.period_start = T0 - DAY, .period_end = T0, .label = "t"};
	snprintf(snap.key, sizeof(snap.key), "key-t0");
	assert_int_equal(store_snapshot_begin(s, &snap), 0);
	put_as(s, 64500, "valid", "exact");
	put_as(s, 64501, "invalid", "exact");
	put_as(s, 64504, "invalid", "absent");
	assert_int_equal(store_snapshot_commit(s, &snap), 0);
	int64_t dummy;
	put_filing(s, 64510, "G-SAV", T0 - 10 * DAY, T0 + 10 * DAY, &id_valid);
	put_filing(s, 64511, "G-SAV", T0 - 400 * DAY, T0 - 35 * DAY, &id_expired);
	put_filing(s, 64512, "G-SAV", T0 - 10 * DAY, 0, &id_revoked);
	put_filing(s, 64513, "G-SAV", T0 + 30 * DAY, 0, &id_future);
	(void)dummy;
	assert_int_equal(
	    store_revoke_attestation(s, id_revoked, T0 - DAY, "auditor-x", "uRPF disabled"), 0);
	assert_int_equal(store_revoke_attestation(s, id_revoked, T0, "auditor-x", "again"), 2);
	assert_int_equal(store_revoke_attestation(s, 9999, T0, "auditor-x", "none"), 1);
	store_close(s);
	return 0;
}

static int teardown(void **state)
{
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const struct conform_control_result *ctl(const struct conform_result *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->c[i].control->id, id) == 0)
			return &r->c[i];
	fail_msg("no control %s", id);
	return NULL;
}

static char *render(
    void (*fn)(FILE *, const struct conform_result *), const struct conform_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	fn(f, r);
	fclose(f);
	return buf;
}

/* The "attestation" object of the control's first attestation evidence in r's JSON. */
static json_object *filing_of(json_object *o, const char *id)
{
	json_object *cs, *v, *ev, *att;
	assert_true(json_object_object_get_ex(o, "controls", &cs));
	for (size_t i = 0; i < json_object_array_length(cs); i++) {
		json_object *c = json_object_array_get_idx(cs, i);
		json_object_object_get_ex(c, "id", &v);
		if (strcmp(json_object_get_string(v), id) != 0)
			continue;
		assert_true(json_object_object_get_ex(c, "evidence", &ev));
		assert_true(json_object_array_length(ev) >= 1);
		json_object *e = json_object_array_get_idx(ev, 0);
		assert_true(json_object_object_get_ex(e, "kind", &v));
		assert_string_equal(json_object_get_string(v), "attestation");
		assert_true(json_object_object_get_ex(e, "attestation", &att));
		return att;
	}
	fail_msg("no control %s in the JSON", id);
	return NULL;
}

static const char *jget(json_object *o, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return NULL;
	return json_object_get_string(v);
}

/* Each state of a filing at the evaluation time T0: verdict, reason, text, JSON, HTML. */
static void test_validity_states(void **state)
{
	struct store *s;
	assert_int_equal(store_open(dbpath, 1, &s), 0);
	struct conform_profile *p;
	char err[512];
	assert_int_equal(conform_profile_load(gate, &p, err, sizeof(err)), 0);
	struct arena a;
	arena_init(&a, 0);
	struct conform_ctx ctx = {.store = s, .now = T0};
	struct conform_result rv, re, rr, rf;
	assert_int_equal(conform_evaluate(&ctx, p, 64510, &a, &rv), 0);
	assert_int_equal(conform_evaluate(&ctx, p, 64511, &a, &re), 0);
	assert_int_equal(conform_evaluate(&ctx, p, 64512, &a, &rr), 0);
	assert_int_equal(conform_evaluate(&ctx, p, 64513, &a, &rf), 0);
	assert_int_equal(rv.generated, T0); /* the injected time is the report's */
	/* valid: passes on the filing */
	const struct conform_control_result *c = ctl(&rv, "G-SAV");
	assert_int_equal(c->verdict, CONFORM_PASS);
	assert_string_equal(c->basis, "attestation");
	assert_string_equal(c->ev[0].filing_state, "valid");
	assert_int_equal(rv.attested_pass, 1);
	/* expired: not measurable, as with nothing filed, and the reason says why */
	char want[200];
	c = ctl(&re, "G-SAV");
	assert_int_equal(c->verdict, CONFORM_NOT_MEASURABLE);
	assert_string_equal(c->basis, "none");
	snprintf(want, sizeof(want), "attestation %lld expired on 2023-11-27 00:00 UTC",
	    (long long)id_expired);
	assert_non_null(strstr(c->reason, want));
	assert_non_null(strstr(c->reason, "no valid attestation"));
	assert_string_equal(c->ev[0].filing_state, "expired");
	assert_non_null(strstr(c->ev[0].text, "expired on 2023-11-27"));
	/* revoked */
	c = ctl(&rr, "G-SAV");
	assert_int_equal(c->verdict, CONFORM_NOT_MEASURABLE);
	snprintf(want, sizeof(want),
	    "attestation %lld revoked on 2023-12-31 00:00 UTC by auditor-x: uRPF disabled",
	    (long long)id_revoked);
	assert_non_null(strstr(c->reason, want));
	assert_string_equal(c->ev[0].filing_state, "revoked");
	/* not yet valid */
	c = ctl(&rf, "G-SAV");
	assert_int_equal(c->verdict, CONFORM_NOT_MEASURABLE);
	assert_non_null(strstr(c->reason, "not valid before 2024-01-31"));
	assert_string_equal(c->ev[0].filing_state, "not-yet-valid");
	assert_int_equal(rf.overall, CONFORM_UNDETERMINED);
	/* the same filings evaluated at other times: before its revocation the revoked one
	 * counted; after 30 days the future one does, and the valid one has expired */
	struct conform_result r2;
	ctx.now = T0 - 2 * DAY;
	assert_int_equal(conform_evaluate(&ctx, p, 64512, &a, &r2), 0);
	assert_int_equal(ctl(&r2, "G-SAV")->verdict, CONFORM_PASS);
	ctx.now = T0 + 30 * DAY;
	assert_int_equal(conform_evaluate(&ctx, p, 64513, &a, &r2), 0);
	assert_int_equal(ctl(&r2, "G-SAV")->verdict, CONFORM_PASS);
	assert_int_equal(conform_evaluate(&ctx, p, 64510, &a, &r2), 0);
	assert_int_equal(ctl(&r2, "G-SAV")->verdict, CONFORM_NOT_MEASURABLE);
	/* text */
	char *buf = render(conform_render_text, &rr);
	assert_non_null(strstr(buf, "revoked on 2023-12-31 00:00 UTC by auditor-x: uRPF disabled"));
	assert_non_null(strstr(buf, "N/M    G-SAV"));
	free(buf);
	/* JSON: the filing's fields and status */
	buf = render(conform_render_json, &re);
	json_object *o = json_tokener_parse(buf);
	assert_non_null(o);
	json_object *f = filing_of(o, "G-SAV");
	assert_string_equal(jget(f, "status"), "expired");
	assert_string_equal(jget(f, "who"), "noc@example.net");
	assert_string_equal(jget(f, "sha256"), "5e1f");
	assert_string_equal(jget(f, "valid_from"), "2022-11-27T00:00:00Z");
	assert_string_equal(jget(f, "valid_until"), "2023-11-27T00:00:00Z");
	assert_null(jget(f, "revoked"));
	json_object_put(o);
	free(buf);
	buf = render(conform_render_json, &rr);
	o = json_tokener_parse(buf);
	f = filing_of(o, "G-SAV");
	assert_string_equal(jget(f, "status"), "revoked");
	assert_string_equal(jget(f, "revoked"), "2023-12-31T00:00:00Z");
	assert_string_equal(jget(f, "revoked_by"), "auditor-x");
	assert_string_equal(jget(f, "revoke_reason"), "uRPF disabled");
	assert_null(jget(f, "valid_until")); /* no end */
	json_object_put(o);
	free(buf);
	buf = render(conform_render_json, &rv);
	o = json_tokener_parse(buf);
	assert_string_equal(jget(filing_of(o, "G-SAV"), "status"), "valid");
	assert_string_equal(jget(o, "generated"), "2024-01-01T00:00:00Z");
	json_object_put(o);
	free(buf);
	/* HTML: the state on the item, the anchors procurement links point to */
	buf = render(conform_render_html, &rf);
	assert_non_null(strstr(buf, "<tr id=\"control-G-SAV\">"));
	assert_non_null(strstr(buf, "<tr id=\"control-G-RPKI\">"));
	assert_non_null(strstr(buf, "class=\"rmc-att-not-yet-valid\""));
	assert_non_null(strstr(buf, "not valid before 2024-01-31"));
	free(buf);
	arena_free(&a);
	conform_profile_free(p);
	store_close(s);
}

/* A schema-3 store with a filing is upgraded: the filing is valid from its filing, no end. */
static void test_migration(void **state)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/old.db", dir);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(
		    sqlite3_exec(db, store_migrations[i], NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                     "PRAGMA user_version = 3; INSERT INTO attestation (asn, control, "
	                     "kind, sha256, created, who) VALUES (64500, 'G-SAV', 'attested', "
	                     "'ab', 1700000000, 'old')",
	                     NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	struct store *s;
	assert_int_equal(store_open(path, 0, &s), 0);
	assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
	struct arena a;
	arena_init(&a, 0);
	struct store_attestation *v;
	size_t n;
	assert_int_equal(store_get_attestations(s, 64500, NULL, &a, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].valid_from, 1700000000);
	assert_int_equal(v[0].valid_until, 0);
	assert_int_equal(v[0].revoked, 0);
	assert_int_equal(store_attestation_state(&v[0], 1700000000), STORE_ATT_VALID);
	assert_int_equal(store_attestation_state(&v[0], 1699999999), STORE_ATT_NOT_YET_VALID);
	/* who is required */
	struct store_attestation bad = {
	    .asn = 1, .control = "X", .kind = "attested", .sha256 = "ab", .who = ""};
	assert_int_equal(store_put_attestation(s, &bad), -1);
	arena_free(&a);
	store_close(s);
}

/* ---------------------------------------------------------------- the command line */

/* Run a shell command; its exit status, its stdout in out (malloc'd) when out is set. */
static int sh(const char *cmd, char **out)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t cap = 1 << 16, n = 0, k;
	char *buf = malloc(cap);
	while ((k = fread(buf + n, 1, cap - n - 1, p)) > 0) {
		n += k;
		if (n + 1 == cap)
			buf = realloc(buf, cap *= 2);
	}
	buf[n] = '\0';
	int st = pclose(p);
	if (out)
		*out = buf;
	else
		free(buf);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static int rm(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int rm(char **out, const char *fmt, ...)
{
	char args[2000], cmd[3000];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "%s %s", test_bin(), args);
	return sh(cmd, out);
}

/* conform and compare --require: 0 conformant, 3 not, 4 undetermined; errors 1. */
static void test_exit_codes(void **state)
{
	char *out;
	/* filed through the command line: valid from now for the default year */
	assert_int_equal(rm(&out,
	                     "attest --db %s --profile %s 64500 --control G-SAV --file %s "
	                     "--by noc@good.example",
	                     dbpath, gate, doc),
	    0);
	assert_non_null(strstr(out, "filed #"));
	free(out);
	/* without --by: refused */
	assert_int_equal(rm(NULL,
	                     "attest --db %s --profile %s 64500 --control G-SAV --file %s "
	                     "2>/dev/null",
	                     dbpath, gate, doc),
	    1);
	assert_int_equal(
	    rm(NULL, "conform --db %s --profile %s 64500 >/dev/null", dbpath, gate), 0);
	assert_int_equal(
	    rm(NULL, "conform --db %s --profile %s 64501 >/dev/null", dbpath, gate), 3);
	assert_int_equal(
	    rm(NULL, "conform --db %s --profile %s 64502 >/dev/null", dbpath, gate), 4);
	assert_int_equal(
	    rm(NULL, "conform --db %s --profile %s --format json 64501 >/dev/null", dbpath, gate),
	    3);
	assert_int_equal(
	    rm(NULL, "conform --db %s --profile /nonexistent.json 64500 2>/dev/null", dbpath), 1);
	assert_int_equal(rm(&out, "compare --db %s --require %s 64500 2>&1", dbpath, gate), 0);
	free(out);
	assert_int_equal(rm(&out, "compare --db %s --require %s 64500 64501 64502 2>&1 >/dev/null",
	                     dbpath, gate),
	    3);
	assert_non_null(strstr(out, "AS64501 is not conformant to gate (failing: G-RPKI)"));
	assert_non_null(strstr(out, "AS64502 is undetermined on gate"));
	assert_null(strstr(out, "AS64500"));
	free(out);
	assert_int_equal(
	    rm(&out, "compare --db %s --require %s 64502 64500 2>&1 >/dev/null", dbpath, gate), 4);
	assert_non_null(
	    strstr(out, "AS64502 is undetermined on gate (not decided: G-RPKI, G-SAV)"));
	free(out);
	/* --require another profile than the one shown: gates on the required one */
	assert_int_equal(rm(NULL,
	                     "compare --db %s --profile manrs-netops --require %s 64500 "
	                     ">/dev/null 2>&1",
	                     dbpath, gate),
	    0);
	/* without --require compare shows and exits 0 whatever the verdicts */
	assert_int_equal(
	    rm(NULL, "compare --db %s --profile %s 64501 64502 >/dev/null", dbpath, gate), 0);
	/* attest list: the states at a given time */
	assert_int_equal(rm(&out, "attest list --db %s --at 2024-01-01", dbpath), 0);
	char line[200];
	snprintf(
	    line, sizeof(line), "%lld\tAS64511\tG-SAV\tattested\texpired\t", (long long)id_expired);
	assert_non_null(strstr(out, line));
	snprintf(line, sizeof(line), "%lld\tAS64513\tG-SAV\tattested\tnot-yet-valid\t",
	    (long long)id_future);
	assert_non_null(strstr(out, line));
	assert_non_null(strstr(out, "revoked 2023-12-31 00:00 UTC by auditor-x: uRPF disabled"));
	free(out);
	/* revoke from the command line: AS64500 is then undetermined (exit 4) */
	assert_int_equal(rm(&out, "attest list --db %s 64500", dbpath), 0);
	char *tab = strchr(strchr(out, '\n') + 1, '\t');
	assert_non_null(tab);
	*tab = '\0';
	long long id = atoll(strchr(out, '\n') + 1);
	free(out);
	assert_true(id > 0);
	assert_int_equal(
	    rm(NULL, "attest revoke --db %s %lld --by lead 2>/dev/null", dbpath, id), 1);
	assert_int_equal(
	    rm(&out, "attest revoke --db %s %lld --by lead --reason 'SAV off'", dbpath, id), 0);
	free(out);
	assert_int_equal(rm(&out, "conform --db %s --profile %s 64500", dbpath, gate), 4);
	assert_non_null(strstr(out, "by lead: SAV off; no valid attestation"));
	free(out);
	/* filed again, valid until a date in the past: refused as not after its start */
	assert_int_equal(rm(NULL,
	                     "attest --db %s --profile %s 64500 --control G-SAV --file %s --by x "
	                     "--valid-until 2001-01-01 2>/dev/null",
	                     dbpath, gate, doc),
	    1);
	assert_int_equal(rm(NULL,
	                     "attest --db %s --profile %s 64500 --control G-SAV --file %s --by x "
	                     "--valid-for 30d >/dev/null",
	                     dbpath, gate, doc),
	    0);
	assert_int_equal(
	    rm(NULL, "conform --db %s --profile %s 64500 >/dev/null", dbpath, gate), 0);
}

/* Split one CSV record (RFC 4180) of s into fields; returns the count, advances *s past the
 * CRLF. */
static size_t csv_record(const char **s, char fields[][400], size_t max)
{
	size_t n = 0;
	const char *p = *s;
	for (;;) {
		char *o = fields[n];
		size_t k = 0;
		if (*p == '"') {
			for (p++; *p && !(*p == '"' && p[1] != '"'); p++) {
				if (*p == '"')
					p++;
				if (k < 399)
					o[k++] = *p;
			}
			assert_int_equal(*p, '"');
			p++;
		} else
			while (*p && *p != ',' && *p != '\r')
				if (k < 399)
					o[k++] = *p++;
		o[k] = '\0';
		n++;
		if (*p == ',' && n < max) {
			p++;
			continue;
		}
		assert_int_equal(p[0], '\r');
		assert_int_equal(p[1], '\n');
		*s = p + 2;
		return n;
	}
}

static void test_procurement(void **state)
{
	char *out;
	/* JSON: ranked, with cells, links and dates */
	assert_int_equal(
	    rm(&out, "compare --db %s --profile %s --format json 64504 64502 64501 64500", dbpath,
	        gate),
	    0);
	json_object *o = json_tokener_parse(out);
	free(out);
	assert_non_null(o);
	assert_string_equal(jget(o, "schema"), CONFORM_PROCURE_SCHEMA);
	assert_string_equal(jget(o, "ranking"), CONFORM_RANKING_RULE);
	assert_non_null(jget(o, "generated"));
	json_object *pv, *cs;
	assert_true(json_object_object_get_ex(o, "providers", &pv));
	assert_true(json_object_object_get_ex(o, "controls", &cs));
	assert_int_equal(json_object_array_length(cs), 3);
	/* conformant first; then required passed (all 0), recommended passed (64501: G-IRR),
	 * fewer fails (64502 none, 64504 two) */
	static const uint32_t want[] = {64500, 64501, 64502, 64504};
	static const char *const overall[] = {
	    "conformant", "not conformant", "undetermined", "not conformant"};
	assert_int_equal(json_object_array_length(pv), 4);
	for (size_t i = 0; i < 4; i++) {
		json_object *x = json_object_array_get_idx(pv, i), *v, *cells;
		assert_true(json_object_object_get_ex(x, "asn", &v));
		assert_int_equal(json_object_get_int64(v), want[i]);
		assert_true(json_object_object_get_ex(x, "rank", &v));
		assert_int_equal(json_object_get_int64(v), (int64_t)i + 1);
		assert_string_equal(jget(x, "overall"), overall[i]);
		assert_true(json_object_object_get_ex(x, "cells", &cells));
		assert_int_equal(json_object_array_length(cells), 3);
		json_object *c0 = json_object_array_get_idx(cells, 0);
		assert_string_equal(jget(c0, "control"), "G-RPKI");
		char link[200];
		snprintf(
		    link, sizeof(link), "/as/%u/conformance?profile=gate#control-G-RPKI", want[i]);
		assert_string_equal(jget(c0, "link"), link);
		if (want[i] != 64502) {
			assert_string_equal(jget(x, "data_from"), "2023-12-31T00:00:00Z");
			assert_string_equal(jget(x, "data_to"), "2024-01-01T00:00:00Z");
			assert_string_equal(jget(x, "window_to"), "2024-01-01T00:00:00Z");
		}
	}
	json_object *req;
	assert_true(json_object_object_get_ex(json_object_array_get_idx(pv, 0), "required", &req));
	assert_string_equal(jget(req, "passed"), "2");
	assert_string_equal(jget(req, "total"), "2");
	json_object_put(o);
	/* CSV: a fixed header, one row per provider and control, in the ranking's order */
	assert_int_equal(
	    rm(&out, "compare --db %s --profile %s --format csv 64504 64500 64502 64501", dbpath,
	        gate),
	    0);
	const char *p = out;
	char(*f)[400] = malloc(30 * sizeof(*f));
	size_t nf = csv_record(&p, f, 30);
	assert_int_equal(nf, 23);
	assert_string_equal(f[0], "rank");
	assert_string_equal(f[1], "asn");
	assert_string_equal(f[10], "control");
	assert_string_equal(f[13], "verdict");
	assert_string_equal(f[21], "link");
	size_t rows = 0;
	int saw_quoted = 0;
	while (*p) {
		assert_int_equal(csv_record(&p, f, 30), 23);
		uint32_t asn = (uint32_t)atol(f[1]);
		assert_int_equal(asn, want[rows / 3]);
		assert_int_equal(atoi(f[0]), (int)(rows / 3) + 1);
		saw_quoted |= strchr(f[15], ',') != NULL; /* a reason with commas survived */
		if (asn == 64501 && strcmp(f[10], "G-RPKI") == 0)
			assert_string_equal(f[13], "fail");
		if (asn == 64500 && strcmp(f[10], "G-SAV") == 0)
			assert_string_equal(f[14], "attestation");
		rows++;
	}
	assert_int_equal(rows, 12);
	assert_true(saw_quoted);
	free(f);
	free(out);
	/* HTML: printable, self-contained, links to the evidence on the server, dates */
	assert_int_equal(rm(&out,
	                     "compare --db %s --profile %s --format html --base-url "
	                     "https://rm.example.net/ 64501 64500",
	                     dbpath, gate),
	    0);
	assert_non_null(strstr(out, "<!DOCTYPE html>"));
	assert_null(strstr(out, "<script"));
	assert_null(strstr(out, "<link"));
	assert_non_null(strstr(out, "@media print"));
	assert_non_null(strstr(out, "href=\"https://rm.example.net/as/64500/conformance?"
	                            "profile=gate#control-G-SAV\""));
	assert_non_null(strstr(out, "<tr id=\"control-G-IRR\">"));
	assert_non_null(strstr(out, "2023-12-31 00:00 UTC to 2024-01-01 00:00 UTC (1)"));
	assert_non_null(strstr(out, "generated <time>"));
	assert_true(strstr(out, "id=\"as-64500\"") < strstr(out, "id=\"as-64501\""));
	free(out);
	/* text: ranked, the rule stated */
	assert_int_equal(rm(&out, "compare --db %s --profile %s 64501 64500", dbpath, gate), 0);
	assert_true(strstr(out, "AS64500") < strstr(out, "AS64501"));
	assert_non_null(strstr(out, "ranked: conformant first"));
	free(out);
}

/* The equipment-vendor profile: not measurable without filings (exit 4), conformant with a
 * valid filing per action (exit 0), filings valid for the profile's year. */
static void test_vendor(void **state)
{
	const char *asn = "4200000001"; /* a private-use placeholder ASN */
	char *out;
	assert_int_equal(rm(&out, "conform --db %s --profile manrs-vendor %s", dbpath, asn), 4);
	assert_non_null(strstr(out, "N/M    VENDOR-1"));
	assert_non_null(strstr(out, "N/M    VENDOR-3"));
	free(out);
	static const char *const ids[] = {"VENDOR-1", "VENDOR-2", "VENDOR-3"};
	for (int i = 0; i < 3; i++) {
		assert_int_equal(rm(&out,
		                     "attest --db %s --profile manrs-vendor %s --control %s "
		                     "--file %s --by psirt@vendor.example",
		                     dbpath, asn, ids[i], doc),
		    0);
		free(out);
	}
	assert_int_equal(
	    rm(&out, "conform --db %s --profile manrs-vendor --format json %s", dbpath, asn), 0);
	json_object *o = json_tokener_parse(out);
	free(out);
	assert_string_equal(jget(o, "overall"), "conformant");
	json_object *f = filing_of(o, "VENDOR-1");
	assert_string_equal(jget(f, "kind"), "audited"); /* from the control's evidence type */
	json_object_put(o);
	struct store *s;
	assert_int_equal(store_open(dbpath, 1, &s), 0);
	struct arena a;
	arena_init(&a, 0);
	struct store_attestation *v;
	size_t n;
	assert_int_equal(store_get_attestations(s, 4200000001u, NULL, &a, &v, &n), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(v[i].valid_until - v[i].valid_from, 365 * DAY);
	arena_free(&a);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_validity_states),
	    cmocka_unit_test(test_migration),
	    cmocka_unit_test(test_exit_codes),
	    cmocka_unit_test(test_procurement),
	    cmocka_unit_test(test_vendor),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
