/*
 * sign — signed documents: base64url (RFC 4648 section 5, unpadded), Ed25519 keys (PEM:
 * PKCS#8 private keys as `openssl genpkey -algorithm ed25519` writes them, SubjectPublicKeyInfo
 * public keys; JWK of kty OKP per RFC 8037), key ids that are JWK thumbprints (RFC 7638), JWK
 * sets (RFC 7517), and JWS in compact serialization (RFC 7515) with alg EdDSA (RFC 8037),
 * through OpenSSL 3's EVP interface.
 *
 * Sits just above core (json-c and libcrypto besides): it knows nothing of what is signed.
 * Functions return 0 on success; failures return a negative value and write one line saying
 * why into err (never logged). Everything returned as char * is malloc'ed and the caller's.
 */
#ifndef ROUTEMARK_SIGN_H
#define ROUTEMARK_SIGN_H

#include <stddef.h>
#include <stdint.h>

#define SIGN_ALG "EdDSA"
#define SIGN_KID_MAX 128 /* longest key id accepted from a JWK */

/* ---------------------------------------------------------------- base64url */

/* Characters of the unpadded encoding of n bytes. */
size_t b64url_len(size_t n);
/* The unpadded base64url text of p[0..n), NUL-terminated. */
char *b64url_encode(const void *p, size_t n);
/* Strict decoding of s[0..len): the URL-safe alphabet only (no '=', no white space), a length
 * that is not 1 modulo 4, and the unused low bits of the last character zero (the one
 * canonical text of the bytes: a changed character always changes the bytes). *out gets
 * *outlen bytes plus a NUL. -1 on anything else. */
int b64url_decode(const char *s, size_t len, unsigned char **out, size_t *outlen);

/* ---------------------------------------------------------------- keys */

struct sign_key;

/* A key from text: PEM ("PRIVATE KEY" PKCS#8 or "PUBLIC KEY" SubjectPublicKeyInfo; an
 * encrypted key is refused) or one JWK (JSON, kty OKP, crv Ed25519, x, and d for a private
 * key: x must then be d's public key). need_private: refuse a public key. A private key
 * serves where a public one is expected. The key id is the JWK's "kid" when it has one, else
 * its RFC 7638 thumbprint. */
int sign_key_parse(const char *buf, size_t len, int need_private, struct sign_key **out, char *err,
    size_t errsize);
/* The same from a file (err names it). */
int sign_key_load(
    const char *path, int need_private, struct sign_key **out, char *err, size_t errsize);
/* Public keys to verify with, from a file: one PEM key, one JWK, or a JWK set {"keys":[...]}
 * (keys of another type or curve are skipped; none usable is an error). */
int sign_keyset_load(
    const char *path, struct sign_key ***keys, size_t *n, char *err, size_t errsize);
int sign_keyset_parse(
    const char *buf, size_t len, struct sign_key ***keys, size_t *n, char *err, size_t errsize);
void sign_key_free(struct sign_key *k);
void sign_keys_free(struct sign_key **keys, size_t n);

const char *sign_key_kid(const struct sign_key *k);
int sign_key_is_private(const struct sign_key *k);
/* The 32 bytes of the public key. */
const unsigned char *sign_key_public(const struct sign_key *k);

/* The RFC 7638 thumbprint of a JWK given by its required members (names and string values,
 * in any order): SHA-256 of the members sorted by name, as compact JSON, in base64url. -1
 * when a name or value needs escaping (not in a JWK's required members). */
int sign_thumbprint(const char *const *names, const char *const *values, size_t n, char out[44]);

/* The public JWK of k: {"kty":"OKP","crv":"Ed25519","x":..,"kid":..,"use":"sig","alg":"EdDSA"}. */
char *sign_key_jwk(const struct sign_key *k);
/* A JWK set of the public keys: {"keys":[...]} ({"keys":[]} when n is 0). */
char *sign_jwks(struct sign_key *const *keys, size_t n);

/* ---------------------------------------------------------------- JWS */

/* The compact JWS of payload signed with the private key k, protected header
 * {"alg":"EdDSA","kid":KID,"typ":"JOSE"} plus "cty":cty when cty is set. NULL (err set) when
 * k has no private part or OpenSSL fails. */
char *sign_jws(const struct sign_key *k, const char *cty, const void *payload, size_t len,
    char *err, size_t errsize);
/* The same with the protected header given as JSON text as it is (tests: RFC vectors). */
char *sign_jws_header(const struct sign_key *k, const char *header_json, const void *payload,
    size_t len, char *err, size_t errsize);

/* Why a JWS was refused (the negative return values of parse and verify). */
enum sign_fail {
	SIGN_EMALFORMED = -1, /* not three base64url parts, or the header is not a JSON object */
	SIGN_EHEADER = -2,    /* a header parameter of the wrong type, or "crit" */
	SIGN_EALG = -3,       /* alg is not EdDSA */
	SIGN_EKID = -4,       /* the header's kid is not the key's / no key has it */
	SIGN_ESIG = -5,       /* the signature does not verify */
	SIGN_EKEY = -6,       /* no usable key */
};

/* A parsed compact JWS. The header's parameters are NULL when absent. */
struct sign_jws {
	char *header; /* the decoded protected header (JSON text) */
	char *alg, *kid, *typ, *cty;
	unsigned char *payload; /* payload_len bytes, NUL-terminated */
	size_t payload_len;
	unsigned char *sig;
	size_t sig_len;
	size_t signing_input_len; /* the text signed: the first two parts and their '.' */
	char *text;               /* the JWS as given (trailing white space removed) */
};

/* Parse s[0..len) (trailing white space, e.g. a newline, is ignored). The header must be a
 * JSON object whose alg, kid, typ and cty are strings when present, without "crit" (no
 * extension is understood, RFC 7515 section 4.1.11). Returns 0 or SIGN_EMALFORMED /
 * SIGN_EHEADER with err saying what is wrong; free with sign_jws_free either way. */
int sign_jws_parse(const char *s, size_t len, struct sign_jws *out, char *err, size_t errsize);
/* Check j against k: alg EdDSA, the header's kid (when present) is k's, and the signature
 * over the signing input. 0, or SIGN_EALG / SIGN_EKID / SIGN_ESIG with the reason. */
int sign_jws_verify(const struct sign_jws *j, const struct sign_key *k, char *err, size_t errsize);
/* The same against a set: the key named by the header's kid (SIGN_EKID when none has it); a
 * header without kid is tried against every key. *used is the key that verified. */
int sign_jws_verify_set(const struct sign_jws *j, struct sign_key *const *keys, size_t n,
    const struct sign_key **used, char *err, size_t errsize);
void sign_jws_free(struct sign_jws *j);

#endif
