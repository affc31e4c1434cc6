/* libFuzzer target: the parsers of signed reports. The first byte picks which (mod 4):
 *   0  keys: one PEM key, one JWK or a JWK set (sign_keyset_parse), and what is parsed renders
 *      back into a JWK set that parses to the same key ids;
 *   1  a JWS in compact serialization (sign_jws_parse), verified against the RFC 8037 key;
 *   2  a signed payload (conform_signed_parse) and its comparison with its first half
 *      (conform_signed_diff);
 *   3  base64url (b64url_decode): what decodes encodes back to the same text.
 * Invariants besides no crash: the round trips above hold. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conform/conform.h"
#include "sign/sign.h"

static const char rfc8037_pub[] = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
                                  "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";

static void keys(const char *s, size_t n)
{
	struct sign_key **k, **back;
	size_t nk, nb;
	char err[512];
	if (sign_keyset_parse(s, n, &k, &nk, err, sizeof(err)) != 0)
		return;
	char *jwks = sign_jwks(k, nk);
	if (sign_keyset_parse(jwks, strlen(jwks), &back, &nb, err, sizeof(err)) != 0 || nb != nk)
		abort();
	for (size_t i = 0; i < nk; i++)
		if (strcmp(sign_key_kid(k[i]), sign_key_kid(back[i])) != 0 ||
		    memcmp(sign_key_public(k[i]), sign_key_public(back[i]), 32) != 0)
			abort();
	sign_keys_free(back, nb);
	sign_keys_free(k, nk);
	free(jwks);
}

static void jws(const char *s, size_t n)
{
	static struct sign_key *pub;
	char err[512];
	if (pub == NULL &&
	    sign_key_parse(rfc8037_pub, strlen(rfc8037_pub), 0, &pub, err, sizeof(err)) != 0)
		abort();
	struct sign_jws j;
	if (sign_jws_parse(s, n, &j, err, sizeof(err)) == 0) {
		const struct sign_key *used;
		struct sign_key *set[1] = {pub};
		int a = sign_jws_verify(&j, pub, err, sizeof(err));
		int b = sign_jws_verify_set(&j, set, 1, &used, err, sizeof(err));
		if ((a == 0) != (b == 0))
			abort();
	}
	sign_jws_free(&j);
}

static void payload(const char *s, size_t n)
{
	struct arena a;
	arena_init(&a, 0);
	struct conform_signed_info info;
	char err[512], why[1024];
	conform_signed_parse(s, n, &a, &info, err, sizeof(err));
	if (conform_signed_diff(s, n, s, n, why, sizeof(why)) != 0)
		abort();
	conform_signed_diff(s, n, s, n / 2, why, sizeof(why));
	arena_free(&a);
}

static void base64url(const char *s, size_t n)
{
	unsigned char *d;
	size_t m;
	if (b64url_decode(s, n, &d, &m) != 0)
		return;
	char *e = b64url_encode(d, m);
	if (strlen(e) != n || memcmp(e, s, n) != 0)
		abort();
	free(e);
	free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	switch (data[0] & 3) {
	case 0:
		keys(s, n);
		break;
	case 1:
		jws(s, n);
		break;
	case 2:
		payload(s, n);
		break;
	default:
		base64url(s, n);
	}
	return 0;
}
