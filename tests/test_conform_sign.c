/*
 * Signed conformance reports end to end, on a store built from the real shared data (the jinx
 * updates and RIB with the 2017 VRPs, 2014 CAIDA relationships, RIPE route objects and AS
 * names: serve_fixture.h) and a key made by `openssl genpkey -algorithm ed25519`:
 *   - `routemark conform --sign` of AS2119 (Telenor Norge) is a JWS whose payload names the
 *     profile by the SHA-256 of its file, the snapshots' inputs and the reference files by
 *     their SHA-256 (computed here by sha256sum), and carries the report;
 *   - it verifies with `routemark verify` (PEM public key, the private key, and evaluated again
 *     on the store: the same payload) and with an independent implementation, python3-jwcrypto
 *     (tests/jws_verify.py run by /usr/bin/python3);
 *   - once any byte of it changes (header, payload, signature; spread over the whole text),
 *     both refuse it, and routemark verify exits 1 saying why; a rewritten verdict with the old
 *     signature too;
 *   - an expired or not yet valid report, an unknown key, a re-evaluation on other reference
 *     data or with another profile file are refused with their reason;
 *   - serve publishes its key in /.well-known/jwks.json, that key verifies the served
 *     conformance.jws with jwcrypto and routemark, and the badge links to it; without a key the
 *     set is empty and no report is signed; --jwks-key publishes further keys.
 */
#include <ctype.h>
#include <json-c/json.h>
#include <sys/wait.h>
#include <time.h>

#include "conform/conform.h"
#include "serve_fixture.h"
#include "sign/sign.h"

#define PYTHON "/usr/bin/python3"
#define ASN 2119

static char refs[4096], jws_path[400], pub_jwks[400];

static const char *const ref_rel[] = {"rpki/vrps_2017-06-01_from_compress_roas.csv",
    "caida/20140101.as-rel.txt.bz2", "irr/rpkiirrstats__ripe-db-route.txt"};

/* Exit status of a shell command; its standard output into out (when set, NUL-terminated). */
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
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path)
{
	char cmd[600], *s;
	snprintf(cmd, sizeof(cmd), "cat '%s'", path);
	assert_int_equal(sh(cmd, &s), 0);
	return s;
}

static void spit(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(s, f);
	fclose(f);
}

/* conform's exit code for a report written: the verdict's (0 conformant, 3 not, 4
 * undetermined), with or without --sign. */
static int conform_ok(int rc)
{
	return rc == 0 || rc == 3 || rc == 4;
}

static int setup(void **state)
{
	fixture_sign = 1;
	int rc = fixture_setup(state);
	if (rc != 0 || !fx.ready)
		return rc;
	size_t o = 0;
	for (size_t i = 0; i < 3; i++) {
		static const char *const flag[] = {"--vrps", "--asrel", "--irr"};
		const char *p = test_data_path(ref_rel[i]);
		if (p == NULL)
			return -1;
		o += (size_t)snprintf(refs + o, sizeof(refs) - o, " %s %s", flag[i], p);
	}
	snprintf(jws_path, sizeof(jws_path), "%s/r.jws", fx.dir);
	snprintf(pub_jwks, sizeof(pub_jwks), "%s/jwks.json", fx.dir);
	return 0;
}

#define REQUIRE_PYTHON()                                                                           \
	do {                                                                                       \
		if (sh(PYTHON " -c 'import jwcrypto' 2>/dev/null", NULL) != 0) {                   \
			printf("SKIP: %s: " PYTHON " without jwcrypto (python3-jwcrypto)\n",       \
			    __func__);                                                             \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

/* tests/jws_verify.py KEY FILE [--at T]: its exit status, its output into out. */
static int jwcrypto(const char *key, const char *file, const char *extra, char **out)
{
	char *cmd;
	const char *top = getenv("ROUTEMARK_TOP");
	if (asprintf(&cmd, PYTHON " %s/tests/jws_verify.py %s %s %s 2>&1", top ? top : ".", key,
	        file, extra ? extra : "") < 0)
		fail();
	int rc = sh(cmd, out);
	free(cmd);
	return rc;
}

/* routemark verify ARGS FILE: exit status; standard output and error into out. */
static int verify(const char *args, const char *file, char **out)
{
	char *cmd;
	if (asprintf(&cmd, "%s verify %s %s 2>&1", test_bin(), args, file) < 0)
		fail();
	int rc = sh(cmd, out);
	free(cmd);
	return rc;
}

static char *sha256_of(const char *path)
{
	char cmd[1200], *s;
	snprintf(cmd, sizeof(cmd), "sha256sum '%s' | cut -c1-64", path);
	assert_int_equal(sh(cmd, &s), 0);
	s[64] = '\0';
	return s;
}

/* The payload of the JWS at path, parsed as JSON (after the signature was checked). */
static json_object *payload_of(const char *path, const struct sign_key *k)
{
	char *text = slurp(path), err[512];
	struct sign_jws j;
	assert_int_equal(sign_jws_parse(text, strlen(text), &j, err, sizeof(err)), 0);
	assert_int_equal(sign_jws_verify(&j, k, err, sizeof(err)), 0);
	json_object *o = json_tokener_parse((const char *)j.payload);
	assert_non_null(o);
	sign_jws_free(&j);
	free(text);
	return o;
}

static json_object *at(json_object *o, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok(buf, "."); k; k = strtok(NULL, ".")) {
		json_object *x;
		if (isdigit((unsigned char)k[0]))
			x = json_object_array_get_idx(o, (size_t)atoi(k));
		else if (!json_object_object_get_ex(o, k, &x))
			x = NULL;
		if (x == NULL)
			fail_msg("no %s in the payload (at %s)", path, k);
		o = x;
	}
	return o;
}

/* Sign AS2119's report with the CLI; check what the payload says against sha256sum. */
static void test_sign_payload(void **state)
{
	REQUIRE_SERVER();
	char cmd[6000], *out;
	snprintf(cmd, sizeof(cmd), "%s conform --db %s --sign %s --issuer test-issuer %s -o %s %d",
	    test_bin(), fx.db, fx.key, refs, jws_path, ASN);
	assert_true(conform_ok(sh(cmd, NULL)));
	char *text = slurp(jws_path);
	/* one line: three base64url parts and a newline */
	assert_int_equal(text[strlen(text) - 1], '\n');
	assert_ptr_equal(strchr(text, '\n'), text + strlen(text) - 1);
	struct sign_key *k;
	char err[512];
	assert_int_equal(sign_key_load(fx.pub, 0, &k, err, sizeof(err)), 0);
	json_object *p = payload_of(jws_path, k);
	assert_string_equal(json_object_get_string(at(p, "schema")), CONFORM_SIGNED_SCHEMA);
	assert_string_equal(json_object_get_string(at(p, "iss")), "test-issuer");
	assert_int_equal(json_object_get_int(at(p, "asn")), ASN);
	int64_t iat = json_object_get_int64(at(p, "iat"));
	assert_int_equal(json_object_get_int64(at(p, "nbf")), iat);
	assert_int_equal(json_object_get_int64(at(p, "exp")), iat + 90 * 86400);
	assert_true(llabs(iat - (int64_t)time(NULL)) < 600);
	assert_string_equal(json_object_get_string(at(p, "tool.name")), "routemark");
	assert_string_equal(json_object_get_string(at(p, "tool.version")), RM_VERSION);
	/* the profile by the SHA-256 of its file */
	char prof[600];
	snprintf(prof, sizeof(prof), "%s/profiles/manrs-plus-draft.json",
	    getenv("ROUTEMARK_TOP") ? getenv("ROUTEMARK_TOP") : ".");
	char *h = sha256_of(prof);
	assert_string_equal(json_object_get_string(at(p, "profile.name")), "manrs-plus-draft");
	assert_string_equal(json_object_get_string(at(p, "profile.sha256")), h);
	free(h);
	/* the snapshots of the window (the RIB's: the updates are later than the newest one's
	 * end, so outside), each naming its MRT file and reference files by SHA-256 */
	json_object *sn = at(p, "snapshots");
	size_t nsn = json_object_array_length(sn);
	assert_int_equal(nsn, json_object_array_length(at(p, "report.snapshots")));
	assert_true(nsn >= 1);
	const char *mrt[] = {"mrt/libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2",
	    "mrt/libbgpstream__routeviews.route-views.jinx.updates.1401493500.bz2"};
	for (size_t i = 0; i < nsn; i++) {
		json_object *in = at(json_object_array_get_idx(sn, i), "inputs");
		char *want = sha256_of(test_data_path(mrt[i]));
		char *vrps = sha256_of(test_data_path(ref_rel[0]));
		int found = 0;
		for (size_t k2 = 0; k2 < json_object_array_length(in); k2++) {
			json_object *x = json_object_array_get_idx(in, k2);
			const char *kind = json_object_get_string(at(x, "kind"));
			if (strcmp(kind, "mrt") == 0) {
				assert_string_equal(json_object_get_string(at(x, "sha256")), want);
				assert_non_null(
				    strstr(mrt[i], json_object_get_string(at(x, "file"))));
				found++;
			} else if (strcmp(kind, "vrps") == 0) {
				assert_string_equal(json_object_get_string(at(x, "sha256")), vrps);
				found += 10;
			}
		}
		assert_int_equal(found, 11);
		free(vrps);
		assert_int_equal(
		    json_object_array_length(in), 5); /* mrt, vrps, asrel, irr, names */
		free(want);
	}
	assert_int_equal(json_object_get_int64(at(p, "options.snapshot.id")),
	    json_object_get_int64(at(p, "snapshots.0.id")));
	/* the reference files given to conform, by SHA-256, sorted by kind */
	json_object *rf = at(p, "references");
	assert_int_equal(json_object_array_length(rf), 3);
	static const char *const kinds[] = {"asrel", "irr", "vrps"};
	static const int rel_of[] = {1, 2, 0};
	for (int i = 0; i < 3; i++) {
		json_object *x = json_object_array_get_idx(rf, (size_t)i);
		char *want = sha256_of(test_data_path(ref_rel[rel_of[i]]));
		assert_string_equal(json_object_get_string(at(x, "kind")), kinds[i]);
		assert_string_equal(json_object_get_string(at(x, "sha256")), want);
		free(want);
	}
	/* the report, generated at iat, is conform --format json's */
	char iso[32];
	time_t t = (time_t)iat;
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	assert_string_equal(json_object_get_string(at(p, "report.generated")), iso);
	assert_string_equal(json_object_get_string(at(p, "report.schema")), CONFORM_SCHEMA);
	snprintf(cmd, sizeof(cmd), "%s conform --db %s %s --format json %d", test_bin(), fx.db,
	    refs, ASN);
	assert_true(conform_ok(sh(cmd, &out)));
	json_object *plain = json_tokener_parse(out);
	free(out);
	assert_string_equal(json_object_get_string(at(plain, "overall")),
	    json_object_get_string(at(p, "report.overall")));
	json_object *cp = at(p, "report.controls"), *cq = at(plain, "controls");
	assert_int_equal(json_object_array_length(cp), json_object_array_length(cq));
	for (size_t i = 0; i < json_object_array_length(cp); i++)
		assert_string_equal(
		    json_object_get_string(at(json_object_array_get_idx(cp, i), "verdict")),
		    json_object_get_string(at(json_object_array_get_idx(cq, i), "verdict")));
	printf("AS%d signed: %s, %zu controls, payload of %zu bytes\n", ASN,
	    json_object_get_string(at(p, "report.overall")), json_object_array_length(cp),
	    strlen(json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN)));
	json_object_put(plain);
	json_object_put(p);
	sign_key_free(k);
	/* --format text with --sign is refused */
	snprintf(cmd, sizeof(cmd), "%s conform --db %s --sign %s --format html %d 2>/dev/null",
	    test_bin(), fx.db, fx.key, ASN);
	assert_int_equal(sh(cmd, NULL), 1);
	/* a public key cannot sign */
	snprintf(cmd, sizeof(cmd), "%s conform --db %s --sign %s %d 2>&1", test_bin(), fx.db,
	    fx.pub, ASN);
	assert_int_equal(sh(cmd, &out), 1);
	assert_non_null(strstr(out, "private key"));
	free(out);
	free(text);
}

/* The report verifies: routemark (public key, private key, evaluated again), jwcrypto. */
static void test_verify(void **state)
{
	REQUIRE_SERVER();
	char args[6000], *out;
	assert_int_equal(verify("--key", fx.pub, NULL), 2); /* no FILE */
	snprintf(args, sizeof(args), "--key %s", fx.pub);
	assert_int_equal(verify(args, jws_path, &out), 0);
	assert_non_null(strstr(out, ": valid"));
	assert_non_null(strstr(out, "AS2119"));
	free(out);
	snprintf(args, sizeof(args), "--key %s", fx.key);
	assert_int_equal(verify(args, jws_path, NULL), 0);
	snprintf(args, sizeof(args), "--key %s --db %s %s", fx.pub, fx.db, refs);
	assert_int_equal(verify(args, jws_path, &out), 0);
	assert_non_null(strstr(out, "the same payload"));
	free(out);
	snprintf(args, sizeof(args), "--key %s --format json", fx.pub);
	assert_int_equal(verify(args, jws_path, &out), 0);
	json_object *j = json_tokener_parse(out);
	assert_non_null(j);
	assert_true(json_object_get_boolean(at(j, "valid")));
	assert_int_equal(json_object_get_int(at(j, "asn")), ASN);
	assert_string_equal(json_object_get_string(at(j, "iss")), "test-issuer");
	json_object_put(j);
	free(out);
	/* standard input */
	snprintf(args, sizeof(args), "--key %s - < %s", fx.pub, jws_path);
	assert_int_equal(verify(args, "", NULL), 0);
	/* python3-jwcrypto, with the PEM public key and with a JWK set of it */
	REQUIRE_PYTHON();
	assert_int_equal(jwcrypto(fx.pub, jws_path, NULL, &out), 0);
	assert_non_null(strstr(out, "valid AS2119"));
	free(out);
	struct sign_key *k;
	char err[512];
	assert_int_equal(sign_key_load(fx.pub, 0, &k, err, sizeof(err)), 0);
	char *set = sign_jwks(&k, 1);
	spit(pub_jwks, set);
	free(set);
	sign_key_free(k);
	assert_int_equal(jwcrypto(pub_jwks, jws_path, NULL, NULL), 0);
	snprintf(args, sizeof(args), "--key %s", pub_jwks);
	assert_int_equal(verify(args, jws_path, NULL), 0);
}

/* Change one byte anywhere: jwcrypto and routemark both refuse it, routemark says why. */
static void test_tampering(void **state)
{
	REQUIRE_SERVER();
	REQUIRE_PYTHON();
	char *text = slurp(jws_path), path[400], args[600], *out;
	size_t n = strlen(text) - 1; /* the newline */
	size_t h = strcspn(text, "."), p = h + 1 + strcspn(text + h + 1, ".");
	snprintf(path, sizeof(path), "%s/t.jws", fx.dir);
	snprintf(args, sizeof(args), "--key %s", fx.pub);
	/* a byte of the header, of the payload (first, middle, last), of the signature (first,
	 * middle, last), and 24 more spread over the whole text */
	size_t pos[40], npos = 0;
	size_t fixed[] = {h / 2, h + 1, (h + p) / 2, p - 1, p + 1, (p + n) / 2, n - 1};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		pos[npos++] = fixed[i];
	for (size_t i = 0; i < 24; i++)
		pos[npos++] = (n * (2 * i + 1)) / 48;
	int py_checked = 0;
	for (size_t i = 0; i < npos; i++) {
		if (text[pos[i]] == '.')
			continue;
		char *t = strdup(text);
		t[pos[i]] = t[pos[i]] == 'A' ? 'B' : 'A'; /* another base64url character */
		/* the last character of the signature carries 4 unused bits: change its value */
		if (pos[i] == n - 1)
			t[pos[i]] = text[pos[i]] == 'g' ? 'Q' : 'g';
		spit(path, t);
		int rc = verify(args, path, &out);
		if (rc != 1 || strstr(out, "not valid") == NULL)
			fail_msg("byte %zu changed: routemark verify exit %d: %s", pos[i], rc, out);
		if (pos[i] > h)
			assert_true(strstr(out, "bad signature") || strstr(out, "base64url"));
		free(out);
		/* jwcrypto at the fixed places and every fourth spread one (it takes a while) */
		if (i < sizeof(fixed) / sizeof(fixed[0]) || i % 4 == 0) {
			if (jwcrypto(fx.pub, path, NULL, &out) != 1)
				fail_msg("byte %zu changed: jwcrypto accepted it: %s", pos[i], out);
			free(out);
			py_checked++;
		}
		free(t);
	}
	/* a byte that is not base64url at all */
	char *t = strdup(text);
	t[(h + p) / 2] = '*';
	spit(path, t);
	assert_int_equal(verify(args, path, &out), 1);
	assert_non_null(strstr(out, "payload is not base64url"));
	free(out);
	assert_int_equal(jwcrypto(fx.pub, path, NULL, NULL), 1);
	free(t);
	/* the verdict rewritten ("not conformant" -> "conformant"), signature kept */
	struct sign_jws j;
	char err[512];
	assert_int_equal(sign_jws_parse(text, strlen(text), &j, err, sizeof(err)), 0);
	char *pl = (char *)j.payload, *v = strstr(pl, "\"overall\":\"");
	assert_non_null(v);
	char *forged = malloc(j.payload_len + 64);
	size_t pre = (size_t)(v - pl) + 11;
	const char *rest = strchr(pl + pre, '"');
	snprintf(forged, j.payload_len + 64, "%.*sconformant%s", (int)pre, pl, rest);
	char *b = b64url_encode(forged, strlen(forged));
	t = malloc(strlen(text) + strlen(b) + 8);
	sprintf(t, "%.*s.%s.%s", (int)h, text, b, text + p + 1);
	spit(path, t);
	assert_int_equal(verify(args, path, &out), 1);
	assert_non_null(strstr(out, "bad signature"));
	free(out);
	assert_int_equal(jwcrypto(fx.pub, path, NULL, NULL), 1);
	printf("%zu changed bytes refused by routemark verify, %d of them by jwcrypto too\n", npos,
	    py_checked);
	free(t);
	free(b);
	free(forged);
	sign_jws_free(&j);
	free(text);
}

/* Validity, keys, and an evaluation on other inputs. */
static void test_refused(void **state)
{
	REQUIRE_SERVER();
	char cmd[6000], args[6000], path[400], *out;
	/* valid for 1 second, checked 10 seconds later; and before it was issued */
	snprintf(path, sizeof(path), "%s/short.jws", fx.dir);
	snprintf(cmd, sizeof(cmd), "%s conform --db %s --sign %s --valid-for 1s -o %s %d",
	    test_bin(), fx.db, fx.key, path, ASN);
	assert_true(conform_ok(sh(cmd, NULL)));
	long long now = (long long)time(NULL);
	snprintf(args, sizeof(args), "--key %s --at %lld", fx.pub, now + 10);
	assert_int_equal(verify(args, path, &out), 1);
	assert_non_null(strstr(out, "expired at"));
	free(out);
	snprintf(args, sizeof(args), "--key %s --at 2020-01-01", fx.pub);
	assert_int_equal(verify(args, path, &out), 1);
	assert_non_null(strstr(out, "not yet valid"));
	free(out);
	if (sh(PYTHON " -c 'import jwcrypto' 2>/dev/null", NULL) == 0) {
		char later[32];
		snprintf(later, sizeof(later), "--at %lld", now + 10);
		assert_int_equal(jwcrypto(fx.pub, path, later, &out), 1);
		assert_non_null(strstr(out, "not valid at"));
		free(out);
	}
	/* another key: by kid, and a JWK set without it */
	char other[400], other_pub[400];
	snprintf(other, sizeof(other), "%s/other.pem", fx.dir);
	snprintf(other_pub, sizeof(other_pub), "%s/other.pub.pem", fx.dir);
	snprintf(cmd, sizeof(cmd),
	    "openssl genpkey -algorithm ed25519 -out %s && openssl pkey -in %s -pubout -out %s",
	    other, other, other_pub);
	assert_int_equal(sh(cmd, NULL), 0);
	snprintf(args, sizeof(args), "--key %s", other_pub);
	assert_int_equal(verify(args, jws_path, &out), 1);
	assert_non_null(strstr(out, "none of the keys given"));
	free(out);
	/* evaluated again without the reference files, and with a changed profile file */
	snprintf(args, sizeof(args), "--key %s --db %s", fx.pub, fx.db);
	assert_int_equal(verify(args, jws_path, &out), 1);
	assert_non_null(strstr(out, "differs in references"));
	assert_non_null(strstr(out, "--vrps vrps_2017-06-01_from_compress_roas.csv"));
	free(out);
	char prof[400];
	snprintf(prof, sizeof(prof), "%s/changed.json", fx.dir);
	snprintf(cmd, sizeof(cmd),
	    "sed 's/routes > 0 and routes.rpki_invalid + routes.rpki_notfound == 0 for all "
	    "snapshots/routes > 0 for all snapshots/' %s/profiles/manrs-plus-draft.json > %s",
	    getenv("ROUTEMARK_TOP") ? getenv("ROUTEMARK_TOP") : ".", prof);
	assert_int_equal(sh(cmd, NULL), 0);
	snprintf(args, sizeof(args), "--key %s --db %s %s --profile %s", fx.pub, fx.db, refs, prof);
	assert_int_equal(verify(args, jws_path, &out), 1);
	assert_non_null(strstr(out, "differs in profile, report"));
	assert_non_null(strstr(out, "report.controls[PLUS-RPKI-1].verdict: signed \"fail\""));
	free(out);
	/* other VRPs: another reference file (named by its hash) */
	const char *old = test_data_path("rpki/vrps_2017-04-13_from_compress_roas.csv");
	assert_non_null(old);
	snprintf(args, sizeof(args), "--key %s --db %s --vrps %s --asrel %s --irr %s", fx.pub,
	    fx.db, old, test_data_path(ref_rel[1]), test_data_path(ref_rel[2]));
	assert_int_equal(verify(args, jws_path, &out), 1);
	assert_non_null(strstr(out, "references"));
	free(out);
	/* not a report at all; a missing file (2: could not check) */
	snprintf(path, sizeof(path), "%s/junk.jws", fx.dir);
	spit(path, "hello\n");
	snprintf(args, sizeof(args), "--key %s", fx.pub);
	assert_int_equal(verify(args, path, &out), 1);
	assert_non_null(strstr(out, "compact serialization"));
	free(out);
	assert_int_equal(verify(args, "/nonexistent/r.jws", NULL), 2);
	snprintf(args, sizeof(args), "--key /nonexistent/key.pem");
	assert_int_equal(verify(args, jws_path, NULL), 2);
}

/* serve: the JWK set, the signed report it serves, the badge's link. */
static void test_serve(void **state)
{
	REQUIRE_SERVER();
	struct resp r = get("/.well-known/jwks.json");
	assert_int_equal(r.status, 200);
	assert_string_equal(r.ctype, "application/json");
	char served_jwks[400], served[400], args[1200], *out;
	snprintf(served_jwks, sizeof(served_jwks), "%s/served-jwks.json", fx.dir);
	spit(served_jwks, r.body);
	struct sign_key **keys, *k;
	size_t nk;
	char err[512];
	assert_int_equal(sign_keyset_parse(r.body, r.len, &keys, &nk, err, sizeof(err)), 0);
	assert_int_equal(nk, 1);
	assert_int_equal(sign_key_load(fx.pub, 0, &k, err, sizeof(err)), 0);
	assert_string_equal(sign_key_kid(keys[0]), sign_key_kid(k));
	sign_keys_free(keys, nk);
	free(r.body);
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/as/%d/conformance.jws", ASN);
	r = get(path);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.ctype, "application/jose");
	assert_null(strchr(r.body, '\n'));
	snprintf(served, sizeof(served), "%s/served.jws", fx.dir);
	spit(served, r.body);
	free(r.body);
	json_object *p = payload_of(served, k);
	assert_string_equal(json_object_get_string(at(p, "iss")), "routemark-test");
	assert_int_equal(json_object_array_length(at(p, "references")), 0);
	json_object_put(p);
	/* routemark verify with the served JWK set, evaluating again on the store */
	snprintf(args, sizeof(args), "--key %s --db %s", served_jwks, fx.db);
	assert_int_equal(verify(args, served, &out), 0);
	assert_non_null(strstr(out, "the same payload"));
	free(out);
	/* the badge links to the report it stands for */
	char badge[64];
	snprintf(badge, sizeof(badge), "/badge/AS%d.svg", ASN);
	r = get(badge);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.link, "/conformance.jws?profile=manrs-plus-draft&snapshot="));
	assert_non_null(strstr(r.link, "rel=\"describedby\""));
	assert_non_null(strstr(r.body,
	    "<a xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
	    "href=\"/api/v1/as/2119/conformance.jws?profile=manrs-plus-draft&amp;snapshot="));
	assert_non_null(strstr(r.body, "</a></svg>"));
	/* the linked report is served */
	char link[512];
	snprintf(link, sizeof(link), "%.*s", (int)strcspn(r.link + 1, ">"), r.link + 1);
	free(r.body);
	r = get(link);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.ctype, "application/jose");
	free(r.body);
	sign_key_free(k);
	/* jwcrypto verifies the served report with the served key */
	REQUIRE_PYTHON();
	assert_int_equal(jwcrypto(served_jwks, served, NULL, &out), 0);
	assert_non_null(strstr(out, "valid AS2119"));
	free(out);
}

/* A server without a signing key: an empty set, no signed report, badges without link; with
 * --jwks-key it publishes that key. */
static void test_serve_unsigned(void **state)
{
	REQUIRE_SERVER();
	const char *extra[] = {fx.pub};
	struct serve_config c = {.db = fx.db,
	    .listen = "127.0.0.1:0",
	    .threads = 2,
	    .jwks_keys = extra,
	    .njwks_keys = 0};
	for (int with = 0; with < 2; with++) {
		c.njwks_keys = (size_t)with;
		struct serve *sv;
		assert_int_equal(serve_start(&c, &sv), 0);
		uint16_t keep = fx.port;
		fx.port = serve_port(sv);
		struct resp r = get("/.well-known/jwks.json");
		assert_int_equal(r.status, 200);
		if (!with)
			assert_string_equal(r.body, "{\"keys\":[]}\n");
		else
			assert_non_null(strstr(r.body, "\"kty\":\"OKP\""));
		free(r.body);
		r = get("/api/v1/as/2119/conformance.jws");
		assert_int_equal(r.status, 404);
		assert_non_null(strstr(r.body, "not_signed"));
		free(r.body);
		r = get("/badge/AS2119.svg");
		assert_int_equal(r.status, 200);
		assert_string_equal(r.link, "");
		assert_null(strstr(r.body, "<a "));
		free(r.body);
		fx.port = keep;
		serve_stop(sv, 500);
	}
	/* an unreadable key stops the start */
	c.sign_key = "/nonexistent/key.pem";
	struct serve *sv;
	assert_int_equal(serve_start(&c, &sv), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sign_payload),
	    cmocka_unit_test(test_verify),
	    cmocka_unit_test(test_tampering),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_serve),
	    cmocka_unit_test(test_serve_unsigned),
	};
	return cmocka_run_group_tests_name("conform_sign", tests, setup, fixture_teardown);
}
