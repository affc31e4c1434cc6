/*
 * The sign module: base64url against RFC 4648's test vectors, Ed25519 JWS against RFC 8037
 * Appendix A (its key, its thumbprint and its JWS of "Example of Ed25519 signing", compared
 * byte for byte: Ed25519 is deterministic), the thumbprint procedure against RFC 7638 section
 * 3.1's example, PEM keys as OpenSSL writes them, JWK sets, and every way a JWS is refused.
 */
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "sign/sign.h"
#include "testutil.h"

/* RFC 8037 Appendix A.1 (the key of RFC 8032 section 7.1 test 1) */
static const char rfc8037_jwk[] = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
                                  "\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\","
                                  "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";
/* A.2 */
static const char rfc8037_pub[] = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
                                  "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";
/* A.3 */
static const char rfc8037_thumbprint[] = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";
/* A.4 */
static const char rfc8037_jws[] =
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
static const char rfc8037_payload[] = "Example of Ed25519 signing";

static struct sign_key *jwk(const char *text, int need_private)
{
	struct sign_key *k;
	char err[256];
	int rc = sign_key_parse(text, strlen(text), need_private, &k, err, sizeof(err));
	if (rc != 0)
		fail_msg("%s: %s", text, err);
	return k;
}

static void test_base64url(void **state)
{
	/* RFC 4648 section 10, unpadded */
	static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const enc[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
	for (int i = 0; i < 7; i++) {
		char *e = b64url_encode(plain[i], strlen(plain[i]));
		assert_string_equal(e, enc[i]);
		assert_int_equal(b64url_len(strlen(plain[i])), strlen(enc[i]));
		unsigned char *d;
		size_t n;
		assert_int_equal(b64url_decode(e, strlen(e), &d, &n), 0);
		assert_int_equal(n, strlen(plain[i]));
		assert_memory_equal(d, plain[i], n);
		free(d);
		free(e);
	}
	/* the URL-safe alphabet: 0xfb 0xff is "-_8" ("+/8=" in base64) */
	static const unsigned char fb[] = {0xfb, 0xff};
	char *e = b64url_encode(fb, 2);
	assert_string_equal(e, "-_8");
	free(e);
	/* every length round-trips */
	unsigned char buf[300];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + 3);
	for (size_t n = 0; n <= sizeof(buf); n++) {
		char *s = b64url_encode(buf, n);
		unsigned char *d;
		size_t m;
		assert_int_equal(b64url_decode(s, strlen(s), &d, &m), 0);
		assert_int_equal(m, n);
		assert_memory_equal(d, buf, n);
		free(d);
		free(s);
	}
	/* refused: padding, base64's '+' and '/', white space, a length of 1 mod 4, and a
	 * last character whose unused bits are set (the text would not be the only one of its
	 * bytes: "Zh" decodes to "f" as "Zg" does) */
	static const char *const bad[] = {
	    "Zg==", "Zg=", "+/8", "Zm 9v", "Zm9v\n", "Z", "Zm9vY", "Zh", "Zm9", "Zm8A\xff"};
	unsigned char *d;
	size_t m;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (b64url_decode(bad[i], strlen(bad[i]), &d, &m) != -1)
			fail_msg("b64url_decode accepted \"%s\"", bad[i]);
	assert_int_equal(b64url_decode("Zm9", 3, &d, &m), -1);
	assert_int_equal(b64url_decode("Zm8", 3, &d, &m), 0);
	free(d);
}

/* RFC 8037 Appendix A: the key, its thumbprint, and the JWS, exactly. */
static void test_rfc8037(void **state)
{
	struct sign_key *k = jwk(rfc8037_jwk, 1), *pub = jwk(rfc8037_pub, 0);
	assert_true(sign_key_is_private(k));
	assert_false(sign_key_is_private(pub));
	assert_string_equal(sign_key_kid(k), rfc8037_thumbprint);
	assert_string_equal(sign_key_kid(pub), rfc8037_thumbprint);
	assert_memory_equal(sign_key_public(k), sign_key_public(pub), 32);
	char err[256];
	char *jws = sign_jws_header(
	    k, "{\"alg\":\"EdDSA\"}", rfc8037_payload, strlen(rfc8037_payload), err, sizeof(err));
	assert_non_null(jws);
	assert_string_equal(jws, rfc8037_jws);
	free(jws);
	/* A.5: the JWS verifies with the public key */
	struct sign_jws j;
	assert_int_equal(sign_jws_parse(rfc8037_jws, strlen(rfc8037_jws), &j, err, sizeof(err)), 0);
	assert_string_equal(j.alg, "EdDSA");
	assert_null(j.kid);
	assert_int_equal(j.payload_len, strlen(rfc8037_payload));
	assert_memory_equal(j.payload, rfc8037_payload, j.payload_len);
	assert_int_equal(sign_jws_verify(&j, pub, err, sizeof(err)), 0);
	sign_jws_free(&j);
	/* a public key cannot sign */
	assert_null(sign_jws(pub, NULL, "x", 1, err, sizeof(err)));
	assert_non_null(strstr(err, "private key"));
	/* the public JWK we publish: its members, and its thumbprint recomputed from them */
	char *pj = sign_key_jwk(k);
	assert_string_equal(pj, "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_"
	                        "7TyWQHOg7hcvPapiMlrwIaaPcHURo\","
	                        "\"kid\":\"kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k\",\"use\":"
	                        "\"sig\",\"alg\":\"EdDSA\"}");
	struct sign_key *back = jwk(pj, 0);
	assert_string_equal(sign_key_kid(back), rfc8037_thumbprint);
	sign_key_free(back);
	free(pj);
	/* a private JWK whose x is not its d's public key */
	struct sign_key *bad;
	const char *wrong = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	                    "\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\","
	                    "\"x\":\"21qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";
	assert_int_equal(sign_key_parse(wrong, strlen(wrong), 1, &bad, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not the public key"));
	sign_key_free(k);
	sign_key_free(pub);
}

/* RFC 7638 section 3.1: the thumbprint of its RSA example (members given out of order, and an
 * optional member left out as the procedure says), and section 3.2's OKP case of RFC 8037. */
static void test_rfc7638(void **state)
{
	static const char n[] =
	    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc"
	    "_"
	    "BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-"
	    "65YGjQR0_"
	    "FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-"
	    "bFTWhAI4v"
	    "MQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
	const char *names[] = {"n", "kty", "e"}, *values[] = {n, "RSA", "AQAB"};
	char tp[44];
	assert_int_equal(sign_thumbprint(names, values, 3, tp), 0);
	assert_string_equal(tp, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
	const char *on[] = {"x", "kty", "crv"},
	           *ov[] = {"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "OKP", "Ed25519"};
	assert_int_equal(sign_thumbprint(on, ov, 3, tp), 0);
	assert_string_equal(tp, rfc8037_thumbprint);
	const char *qn[] = {"x"}, *qv[] = {"a\"b"};
	assert_int_equal(sign_thumbprint(qn, qv, 1, tp), -1);
}

/* A key made by OpenSSL, written as PEM the way `openssl genpkey` and `openssl pkey -pubout`
 * write it. */
static char *pem_of(EVP_PKEY *pk, int priv, const EVP_CIPHER *enc)
{
	BIO *b = BIO_new(BIO_s_mem());
	if (priv)
		assert_int_equal(PEM_write_bio_PKCS8PrivateKey(
		                     b, pk, enc, enc ? "pass" : NULL, enc ? 4 : 0, NULL, NULL),
		    1);
	else
		assert_int_equal(PEM_write_bio_PUBKEY(b, pk), 1);
	char *p;
	long n = BIO_get_mem_data(b, &p);
	char *s = malloc((size_t)n + 1);
	memcpy(s, p, (size_t)n);
	s[n] = '\0';
	BIO_free(b);
	return s;
}

static void test_pem_keys(void **state)
{
	EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	assert_non_null(pk);
	char *priv = pem_of(pk, 1, NULL), *pub = pem_of(pk, 0, NULL);
	char *enc = pem_of(pk, 1, EVP_aes_256_cbc());
	assert_non_null(strstr(priv, "-----BEGIN PRIVATE KEY-----"));
	assert_non_null(strstr(pub, "-----BEGIN PUBLIC KEY-----"));
	struct sign_key *k, *p, *x;
	char err[256];
	assert_int_equal(sign_key_parse(priv, strlen(priv), 1, &k, err, sizeof(err)), 0);
	assert_int_equal(sign_key_parse(pub, strlen(pub), 0, &p, err, sizeof(err)), 0);
	assert_string_equal(sign_key_kid(k), sign_key_kid(p));
	/* a private key where a public one is expected */
	assert_int_equal(sign_key_parse(priv, strlen(priv), 0, &x, err, sizeof(err)), 0);
	assert_string_equal(sign_key_kid(x), sign_key_kid(p));
	sign_key_free(x);
	/* a public key cannot sign; an encrypted key is refused with advice */
	assert_int_equal(sign_key_parse(pub, strlen(pub), 1, &x, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "private key"));
	assert_int_equal(sign_key_parse(enc, strlen(enc), 1, &x, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "encrypted"));
	/* sign with the PEM key, verify with the public one; the JWK set round-trips */
	char *jws = sign_jws(k, "example+json", "{\"a\":1}", 7, err, sizeof(err));
	assert_non_null(jws);
	struct sign_jws j;
	assert_int_equal(sign_jws_parse(jws, strlen(jws), &j, err, sizeof(err)), 0);
	assert_string_equal(j.kid, sign_key_kid(k));
	assert_string_equal(j.typ, "JOSE");
	assert_string_equal(j.cty, "example+json");
	assert_int_equal(sign_jws_verify(&j, p, err, sizeof(err)), 0);
	/* another Ed25519 key: the kid differs, and without a kid the signature fails */
	EVP_PKEY *pk2 = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	char *pub2 = pem_of(pk2, 0, NULL);
	struct sign_key *p2;
	assert_int_equal(sign_key_parse(pub2, strlen(pub2), 0, &p2, err, sizeof(err)), 0);
	assert_int_equal(sign_jws_verify(&j, p2, err, sizeof(err)), SIGN_EKID);
	free(j.kid);
	j.kid = NULL;
	assert_int_equal(sign_jws_verify(&j, p2, err, sizeof(err)), SIGN_ESIG);
	sign_jws_free(&j);
	/* JWK set of both; verify_set picks by kid */
	struct sign_key *set[2] = {p2, p};
	char *jwks = sign_jwks(set, 2);
	struct sign_key **keys;
	size_t nk;
	assert_int_equal(sign_keyset_parse(jwks, strlen(jwks), &keys, &nk, err, sizeof(err)), 0);
	assert_int_equal(nk, 2);
	assert_int_equal(sign_jws_parse(jws, strlen(jws), &j, err, sizeof(err)), 0);
	const struct sign_key *used;
	assert_int_equal(sign_jws_verify_set(&j, keys, nk, &used, err, sizeof(err)), 0);
	assert_string_equal(sign_key_kid(used), sign_key_kid(k));
	assert_int_equal(sign_jws_verify_set(&j, keys, 1, &used, err, sizeof(err)), SIGN_EKID);
	assert_non_null(strstr(err, sign_key_kid(k)));
	sign_jws_free(&j);
	sign_keys_free(keys, nk);
	free(jwks);
	/* an empty set renders; a set of other key types is refused; others are skipped */
	char *empty = sign_jwks(NULL, 0);
	assert_string_equal(empty, "{\"keys\":[]}");
	free(empty);
	const char *rsa = "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}";
	assert_int_equal(sign_keyset_parse(rsa, strlen(rsa), &keys, &nk, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no Ed25519 key"));
	char mixed[1024];
	char *pj = sign_key_jwk(p);
	snprintf(mixed, sizeof(mixed),
	    "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"a\",\"y\":\"b\"},%s]}", pj);
	free(pj);
	assert_int_equal(sign_keyset_parse(mixed, strlen(mixed), &keys, &nk, err, sizeof(err)), 0);
	assert_int_equal(nk, 1);
	sign_keys_free(keys, nk);
	/* a PEM public key as a one-key set */
	assert_int_equal(sign_keyset_parse(pub, strlen(pub), &keys, &nk, err, sizeof(err)), 0);
	assert_int_equal(nk, 1);
	sign_keys_free(keys, nk);
	/* not Ed25519 */
	EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	char *ecpem = pem_of(ec, 1, NULL);
	assert_int_equal(sign_key_parse(ecpem, strlen(ecpem), 1, &x, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not Ed25519"));
	assert_int_equal(sign_key_parse("hello", 5, 0, &x, err, sizeof(err)), -1);
	free(jws);
	free(ecpem);
	free(priv);
	free(pub);
	free(pub2);
	free(enc);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(pk);
	EVP_PKEY_free(pk2);
	sign_key_free(k);
	sign_key_free(p);
	sign_key_free(p2);
}

/* Replace the character at i of s by another of the base64url alphabet. */
static void flip(char *s, size_t i)
{
	s[i] = s[i] == 'A' ? 'B' : 'A';
}

static int verify_text(const char *text, const struct sign_key *k, char *err, size_t errsize)
{
	struct sign_jws j;
	int rc = sign_jws_parse(text, strlen(text), &j, err, errsize);
	if (rc == 0)
		rc = sign_jws_verify(&j, k, err, errsize);
	sign_jws_free(&j);
	return rc;
}

/* Every change is caught, and the reason names it. */
static void test_refusals(void **state)
{
	struct sign_key *k = jwk(rfc8037_jwk, 1), *pub = jwk(rfc8037_pub, 0);
	char err[256], buf[1024];
	const char *payload = "{\"asn\":64500,\"overall\":\"conformant\"}";
	char *jws = sign_jws(k, NULL, payload, strlen(payload), err, sizeof(err));
	assert_int_equal(verify_text(jws, pub, err, sizeof(err)), 0);
	/* with a trailing newline, as a file holds it */
	snprintf(buf, sizeof(buf), "%s\n", jws);
	assert_int_equal(verify_text(buf, pub, err, sizeof(err)), 0);
	const char *d1 = strchr(jws, '.'), *d2 = strchr(d1 + 1, '.');
	size_t h = (size_t)(d1 - jws), p = (size_t)(d2 - jws), n = strlen(jws);
	/* one character of the header, of the payload, of the signature */
	size_t at[] = {h / 2, (h + p) / 2, p + 1 + (n - p) / 2, p + 1};
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", jws);
		flip(buf, at[i]);
		int rc = verify_text(buf, pub, err, sizeof(err));
		if (rc == 0)
			fail_msg("a change at %zu was not caught", at[i]);
		if (at[i] > h)
			assert_int_equal(rc, SIGN_ESIG);
	}
	/* the last character of the signature: its 4 unused bits are refused as well */
	snprintf(buf, sizeof(buf), "%s", jws);
	buf[n - 1] = buf[n - 1] == 'A' ? 'B' : (char)(buf[n - 1] ^ 1);
	assert_int_not_equal(verify_text(buf, pub, err, sizeof(err)), 0);
	/* a truncated signature (60 bytes: 80 characters, no unused bits) */
	snprintf(buf, sizeof(buf), "%.*s", (int)(n - 6), jws);
	assert_int_equal(verify_text(buf, pub, err, sizeof(err)), SIGN_ESIG);
	assert_non_null(strstr(err, "bytes"));
	/* structure */
	assert_int_equal(verify_text("a.b", pub, err, sizeof(err)), SIGN_EMALFORMED);
	assert_int_equal(verify_text("a.b.c.d", pub, err, sizeof(err)), SIGN_EMALFORMED);
	assert_int_equal(verify_text("", pub, err, sizeof(err)), SIGN_EMALFORMED);
	assert_int_equal(verify_text("..", pub, err, sizeof(err)), SIGN_EMALFORMED);
	/* headers: alg none and HS256, crit, a kid of another key, a number as kid, not JSON */
	static const struct {
		const char *header;
		int rc;
		const char *says;
	} hs[] = {
	    {"{\"alg\":\"none\"}", SIGN_EALG, "not EdDSA"},
	    {"{\"alg\":\"HS256\"}", SIGN_EALG, "HS256"},
	    {"{\"typ\":\"JOSE\"}", SIGN_EHEADER, "no \"alg\""},
	    {"{\"alg\":\"EdDSA\",\"crit\":[\"b64\"],\"b64\":false}", SIGN_EHEADER, "crit"},
	    {"{\"alg\":\"EdDSA\",\"kid\":\"other\"}", SIGN_EKID, "other"},
	    {"{\"alg\":\"EdDSA\",\"kid\":7}", SIGN_EHEADER, "not a string"},
	    {"{\"alg\":\"EdDSA\"} x", SIGN_EMALFORMED, "JSON object"},
	    {"[\"alg\",\"EdDSA\"]", SIGN_EMALFORMED, "JSON object"},
	    {"{'alg':'EdDSA'}", SIGN_EMALFORMED, "JSON object"},
	};
	for (size_t i = 0; i < sizeof(hs) / sizeof(hs[0]); i++) {
		char *t = sign_jws_header(k, hs[i].header, "x", 1, err, sizeof(err));
		assert_non_null(t);
		int rc = verify_text(t, pub, err, sizeof(err));
		if (rc != hs[i].rc || strstr(err, hs[i].says) == NULL)
			fail_msg("header %s: %d (%s), expected %d (%s)", hs[i].header, rc, err,
			    hs[i].rc, hs[i].says);
		free(t);
	}
	/* a header with a NUL byte in it */
	char *nul = b64url_encode("{\"alg\":\"EdDSA\"}\0", 16);
	snprintf(buf, sizeof(buf), "%s.eA.%s", nul, d2 + 1);
	assert_int_equal(verify_text(buf, pub, err, sizeof(err)), SIGN_EMALFORMED);
	free(nul);
	free(jws);
	sign_key_free(k);
	sign_key_free(pub);
}

/* Files: a key is read from a file, a missing one is named. */
static void test_files(void **state)
{
	char path[] = "/tmp/routemark-test-sign-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, rfc8037_jwk, strlen(rfc8037_jwk)), (ssize_t)strlen(rfc8037_jwk));
	close(fd);
	struct sign_key *k, **ks;
	size_t n;
	char err[512];
	assert_int_equal(sign_key_load(path, 1, &k, err, sizeof(err)), 0);
	assert_string_equal(sign_key_kid(k), rfc8037_thumbprint);
	sign_key_free(k);
	assert_int_equal(sign_keyset_load(path, &ks, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	sign_keys_free(ks, n);
	unlink(path);
	assert_int_equal(sign_key_load(path, 1, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_int_equal(sign_keyset_load(path, &ks, &n, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_base64url),
	    cmocka_unit_test(test_rfc8037),
	    cmocka_unit_test(test_rfc7638),
	    cmocka_unit_test(test_pem_keys),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_files),
	};
	return cmocka_run_group_tests_name("sign", tests, NULL, NULL);
}
