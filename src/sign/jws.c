/* JWS compact serialization (RFC 7515 sections 3.1, 5.1, 5.2, 7.1) with EdDSA over Ed25519
 * (RFC 8037 section 3.1): signing, strict parsing, verification with a precise reason. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "core/core.h"
#include "sign/sign_private.h"

/* The Ed25519 signature of msg (64 bytes into sig); 0 or -1. */
static int ed25519_sign(EVP_PKEY *pk, const void *msg, size_t len, unsigned char sig[64])
{
	EVP_MD_CTX *mc = EVP_MD_CTX_new();
	size_t sl = 64;
	int ok = mc && EVP_DigestSignInit(mc, NULL, NULL, NULL, pk) == 1 &&
	         EVP_DigestSign(mc, sig, &sl, msg, len) == 1 && sl == 64;
	EVP_MD_CTX_free(mc);
	ERR_clear_error();
	return ok ? 0 : -1;
}

static int ed25519_verify(
    EVP_PKEY *pk, const void *msg, size_t len, const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *mc = EVP_MD_CTX_new();
	int ok = mc && EVP_DigestVerifyInit(mc, NULL, NULL, NULL, pk) == 1 &&
	         EVP_DigestVerify(mc, sig, siglen, msg, len) == 1;
	EVP_MD_CTX_free(mc);
	ERR_clear_error();
	return ok ? 0 : -1;
}

char *sign_jws_header(const struct sign_key *k, const char *header_json, const void *payload,
    size_t len, char *err, size_t errsize)
{
	if (!k->priv) {
		sign_err(
		    err, errsize, "key %s is a public key: signing needs the private key", k->kid);
		return NULL;
	}
	char *h = b64url_encode(header_json, strlen(header_json));
	char *p = b64url_encode(payload, len);
	size_t hl = strlen(h), pl = strlen(p), sl = b64url_len(64);
	char *out = xmalloc(hl + 1 + pl + 1 + sl + 1);
	memcpy(out, h, hl);
	out[hl] = '.';
	memcpy(out + hl + 1, p, pl);
	free(h);
	free(p);
	unsigned char sig[64];
	if (ed25519_sign(k->pk, out, hl + 1 + pl, sig) != 0) {
		sign_err(err, errsize, "OpenSSL could not sign with key %s", k->kid);
		free(out);
		return NULL;
	}
	char *s = b64url_encode(sig, sizeof(sig));
	out[hl + 1 + pl] = '.';
	memcpy(out + hl + 1 + pl + 1, s, sl + 1);
	free(s);
	return out;
}

char *sign_jws(const struct sign_key *k, const char *cty, const void *payload, size_t len,
    char *err, size_t errsize)
{
	json_object *h = json_object_new_object();
	json_object_object_add(h, "alg", json_object_new_string(SIGN_ALG));
	json_object_object_add(h, "kid", json_object_new_string(k->kid));
	json_object_object_add(h, "typ", json_object_new_string("JOSE"));
	if (cty)
		json_object_object_add(h, "cty", json_object_new_string(cty));
	char *hs = sign_json_text(h);
	char *out = sign_jws_header(k, hs, payload, len, err, errsize);
	free(hs);
	return out;
}

void sign_jws_free(struct sign_jws *j)
{
	free(j->header);
	free(j->alg);
	free(j->kid);
	free(j->typ);
	free(j->cty);
	free(j->payload);
	free(j->sig);
	free(j->text);
	memset(j, 0, sizeof(*j));
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

int sign_jws_parse(const char *s, size_t len, struct sign_jws *out, char *err, size_t errsize)
{
	memset(out, 0, sizeof(*out));
	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' ' ||
	                  s[len - 1] == '\t'))
		len--;
	const char *d1 = memchr(s, '.', len);
	const char *d2 = d1 ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - s)) : NULL;
	if (d1 == NULL || d2 == NULL || memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - s))) {
		sign_err(err, errsize,
		    "not a JWS in compact serialization (three base64url parts separated by '.')");
		return SIGN_EMALFORMED;
	}
	out->text = xmalloc(len + 1);
	memcpy(out->text, s, len);
	out->text[len] = '\0';
	out->signing_input_len = (size_t)(d2 - s);
	unsigned char *hb;
	size_t hl;
	if (d1 == s || b64url_decode(s, (size_t)(d1 - s), &hb, &hl) != 0) {
		sign_err(err, errsize, "the JWS header is not base64url");
		return SIGN_EMALFORMED;
	}
	out->header = (char *)hb;
	if (b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), &out->payload, &out->payload_len) != 0) {
		sign_err(err, errsize, "the JWS payload is not base64url");
		return SIGN_EMALFORMED;
	}
	if (b64url_decode(d2 + 1, len - (size_t)(d2 + 1 - s), &out->sig, &out->sig_len) != 0) {
		sign_err(err, errsize, "the JWS signature is not base64url");
		return SIGN_EMALFORMED;
	}
	json_object *h = sign_json_parse(out->header, hl);
	if (h == NULL || !json_object_is_type(h, json_type_object)) {
		json_object_put(h);
		sign_err(err, errsize, "the JWS header is not a JSON object");
		return SIGN_EMALFORMED;
	}
	int bad = 0;
	out->alg = dup_or_null(sign_json_str(h, "alg", &bad));
	out->kid = dup_or_null(sign_json_str(h, "kid", &bad));
	out->typ = dup_or_null(sign_json_str(h, "typ", &bad));
	out->cty = dup_or_null(sign_json_str(h, "cty", &bad));
	int crit = json_object_object_get_ex(h, "crit", NULL);
	json_object_put(h);
	if (bad) {
		sign_err(
		    err, errsize, "a JWS header parameter (alg, kid, typ, cty) is not a string");
		return SIGN_EHEADER;
	}
	if (out->alg == NULL) {
		sign_err(err, errsize, "the JWS header has no \"alg\"");
		return SIGN_EHEADER;
	}
	if (crit) {
		sign_err(err, errsize, "the JWS header has \"crit\": no extension is understood");
		return SIGN_EHEADER;
	}
	return 0;
}

int sign_jws_verify(const struct sign_jws *j, const struct sign_key *k, char *err, size_t errsize)
{
	if (j->alg == NULL || strcmp(j->alg, SIGN_ALG) != 0) {
		sign_err(err, errsize, "the JWS header's alg is %s%s%s, not " SIGN_ALG,
		    j->alg ? "\"" : "", j->alg ? j->alg : "absent", j->alg ? "\"" : "");
		return SIGN_EALG;
	}
	if (j->kid && strcmp(j->kid, k->kid) != 0) {
		sign_err(err, errsize, "signed with key id %s, not with the key given (%s)", j->kid,
		    k->kid);
		return SIGN_EKID;
	}
	if (j->sig_len != 64) {
		sign_err(err, errsize, "the signature is %zu bytes (Ed25519 signatures are 64)",
		    j->sig_len);
		return SIGN_ESIG;
	}
	if (ed25519_verify(k->pk, j->text, j->signing_input_len, j->sig, j->sig_len) != 0) {
		sign_err(err, errsize,
		    "bad signature: key %s did not sign this header and payload (they, or the "
		    "signature, were changed after signing)",
		    k->kid);
		return SIGN_ESIG;
	}
	return 0;
}

int sign_jws_verify_set(const struct sign_jws *j, struct sign_key *const *keys, size_t n,
    const struct sign_key **used, char *err, size_t errsize)
{
	*used = NULL;
	if (n == 0) {
		sign_err(err, errsize, "no key to verify with");
		return SIGN_EKEY;
	}
	int rc = SIGN_EKID, tried = 0;
	for (size_t i = 0; i < n; i++) {
		if (j->kid && strcmp(j->kid, keys[i]->kid) != 0)
			continue;
		tried++;
		rc = sign_jws_verify(j, keys[i], err, errsize);
		if (rc == 0) {
			*used = keys[i];
			return 0;
		}
		if (rc == SIGN_EALG)
			return rc;
	}
	if (rc == SIGN_ESIG && j->kid == NULL && tried > 1)
		sign_err(err, errsize,
		    "bad signature: none of the %d keys given signed this header and payload "
		    "(they, "
		    "or the signature, were changed after signing)",
		    tried);
	if (tried == 0) {
		char known[256] = "";
		for (size_t i = 0; i < n && strlen(known) < sizeof(known) - 2; i++)
			snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s",
			    i ? ", " : "", keys[i]->kid);
		sign_err(err, errsize,
		    "signed with key id %s, which none of the keys given has (%s)", j->kid, known);
	}
	return rc;
}
