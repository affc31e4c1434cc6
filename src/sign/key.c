/* Ed25519 keys: PEM (PKCS#8, SubjectPublicKeyInfo) through OpenSSL, JWK (RFC 8037) through
 * json-c, key ids as RFC 7638 thumbprints, and JWK sets (RFC 7517). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/core.h"
#include "sign/sign_private.h"

void sign_err(char *err, size_t errsize, const char *fmt, ...)
{
	if (err == NULL || errsize == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errsize, fmt, ap);
	va_end(ap);
}

json_object *sign_json_parse(const char *s, size_t len)
{
	if (len > 0x7fffffff || memchr(s, '\0', len) != NULL)
		return NULL;
	json_tokener *tok = json_tokener_new();
	if (tok == NULL)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	json_object *o = json_tokener_parse_ex(tok, s, (int)len);
	size_t end = json_tokener_get_parse_end(tok);
	int ok = o != NULL && json_tokener_get_error(tok) == json_tokener_success;
	json_tokener_free(tok);
	/* nothing but white space after the value */
	for (; ok && end < len; end++)
		ok = s[end] == ' ' || s[end] == '\t' || s[end] == '\n' || s[end] == '\r';
	if (!ok) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

const char *sign_json_str(json_object *o, const char *key, int *bad)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	if (!json_object_is_type(v, json_type_string)) {
		*bad = 1;
		return NULL;
	}
	return json_object_get_string(v);
}

void sign_sha256(const void *p, size_t n, unsigned char md[32])
{
	unsigned int len = 0;
	if (EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) != 1 || len != 32)
		memset(md, 0, 32); /* cannot happen with OpenSSL's own SHA-256 */
}

/* ---------------------------------------------------------------- thumbprints */

int sign_thumbprint(const char *const *names, const char *const *values, size_t n, char out[44])
{
	size_t order[16];
	if (n == 0 || n > 16)
		return -1;
	for (size_t i = 0; i < n; i++) {
		for (const char *c = names[i]; *c; c++)
			if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20)
				return -1;
		for (const char *c = values[i]; *c; c++)
			if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20)
				return -1;
		order[i] = i;
	}
	/* members sorted by name (code points: RFC 7638 section 3.3; the names are ASCII) */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(names[order[j - 1]], names[order[j]]) > 0; j--) {
			size_t t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	struct jsonw w;
	jsonw_init(&w);
	jsonw_object(&w);
	for (size_t i = 0; i < n; i++)
		jsonw_kstr(&w, names[order[i]], values[order[i]]);
	jsonw_end_object(&w);
	unsigned char md[32];
	sign_sha256(w.s, w.len, md);
	jsonw_free(&w);
	char *b = b64url_encode(md, sizeof(md));
	memcpy(out, b, 44); /* 43 characters and the NUL */
	free(b);
	return 0;
}

/* ---------------------------------------------------------------- keys */

static struct sign_key *key_new(EVP_PKEY *pk, int priv, const char *kid, char *err, size_t errsize)
{
	struct sign_key *k = xcalloc(1, sizeof(*k));
	k->pk = pk;
	k->priv = priv;
	size_t len = sizeof(k->x);
	if (EVP_PKEY_get_raw_public_key(pk, k->x, &len) != 1 || len != sizeof(k->x)) {
		ERR_clear_error();
		sign_err(err, errsize, "cannot read the Ed25519 public key");
		EVP_PKEY_free(pk);
		free(k);
		return NULL;
	}
	if (kid) {
		k->kid = xstrdup(kid);
	} else {
		char *x = b64url_encode(k->x, sizeof(k->x)), tp[44];
		const char *names[] = {"kty", "crv", "x"}, *values[] = {"OKP", "Ed25519", x};
		sign_thumbprint(names, values, 3, tp);
		free(x);
		k->kid = xstrdup(tp);
	}
	return k;
}

void sign_key_free(struct sign_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pk);
	free(k->kid);
	free(k);
}

void sign_keys_free(struct sign_key **keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sign_key_free(keys[i]);
	free(keys);
}

const char *sign_key_kid(const struct sign_key *k)
{
	return k->kid;
}

int sign_key_is_private(const struct sign_key *k)
{
	return k->priv;
}

const unsigned char *sign_key_public(const struct sign_key *k)
{
	return k->x;
}

/* OpenSSL asks for a pass phrase for an encrypted key: there is none. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	return -1;
}

static int pem_key(
    const char *buf, size_t len, int need_private, struct sign_key **out, char *err, size_t errsize)
{
	static const char priv_tag[] = "-----BEGIN PRIVATE KEY-----";
	static const char pub_tag[] = "-----BEGIN PUBLIC KEY-----";
	const char *begin = memmem(buf, len, "-----BEGIN ", 11);
	size_t rest = begin ? len - (size_t)(begin - buf) : 0;
	int priv =
	    rest >= sizeof(priv_tag) - 1 && memcmp(begin, priv_tag, sizeof(priv_tag) - 1) == 0;
	int pub = rest >= sizeof(pub_tag) - 1 && memcmp(begin, pub_tag, sizeof(pub_tag) - 1) == 0;
	static const char enc_tag[] = "-----BEGIN ENCRYPTED PRIVATE KEY-----";
	if (rest >= sizeof(enc_tag) - 1 && memcmp(begin, enc_tag, sizeof(enc_tag) - 1) == 0) {
		sign_err(err, errsize,
		    "an encrypted private key: decrypt it first (openssl pkey -in KEY -out "
		    "PLAIN)");
		return -1;
	}
	if (!priv && !pub) {
		sign_err(err, errsize,
		    "not an Ed25519 key in PEM (\"PRIVATE KEY\" as openssl genpkey -algorithm "
		    "ed25519 writes it, or \"PUBLIC KEY\"), nor a JWK");
		return -1;
	}
	if (need_private && !priv) {
		sign_err(err, errsize, "a public key: signing needs the private key");
		return -1;
	}
	if (rest > 0x7fffffff)
		rest = 0x7fffffff;
	BIO *bio = BIO_new_mem_buf(begin, (int)rest);
	if (bio == NULL) {
		sign_err(err, errsize, "out of memory");
		return -1;
	}
	EVP_PKEY *pk = priv ? PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL)
	                    : PEM_read_bio_PUBKEY(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	ERR_clear_error();
	if (pk == NULL) {
		sign_err(err, errsize, "malformed PEM %s key", priv ? "private" : "public");
		return -1;
	}
	if (EVP_PKEY_get_id(pk) != EVP_PKEY_ED25519) {
		sign_err(err, errsize, "a %s key, not Ed25519",
		    EVP_PKEY_get0_type_name(pk) ? EVP_PKEY_get0_type_name(pk) : "non-Ed25519");
		EVP_PKEY_free(pk);
		return -1;
	}
	*out = key_new(pk, priv, NULL, err, errsize);
	return *out ? 0 : -1;
}

/* One JWK object. skip (when set): a key of another type or curve is not an error; *skip is
 * set to 1 for it and 0 is returned with *out NULL. */
static int jwk_key(
    json_object *o, int need_private, int *skip, struct sign_key **out, char *err, size_t errsize)
{
	*out = NULL;
	if (!json_object_is_type(o, json_type_object)) {
		sign_err(err, errsize, "a JWK must be a JSON object");
		return -1;
	}
	int bad = 0;
	const char *kty = sign_json_str(o, "kty", &bad), *crv = sign_json_str(o, "crv", &bad);
	const char *x = sign_json_str(o, "x", &bad), *d = sign_json_str(o, "d", &bad);
	const char *kid = sign_json_str(o, "kid", &bad), *use = sign_json_str(o, "use", &bad);
	const char *alg = sign_json_str(o, "alg", &bad);
	if (bad) {
		sign_err(
		    err, errsize, "a JWK member (kty, crv, x, d, kid, use, alg) is not a string");
		return -1;
	}
	if (kty == NULL) {
		sign_err(err, errsize, "a JWK without \"kty\"");
		return -1;
	}
	if (strcmp(kty, "OKP") != 0 || crv == NULL || strcmp(crv, "Ed25519") != 0 ||
	    (use && strcmp(use, "sig") != 0) || (alg && strcmp(alg, SIGN_ALG) != 0)) {
		if (skip) {
			*skip = 1;
			return 0;
		}
		sign_err(err, errsize,
		    "a JWK of kty %s%s%s%s%s: only OKP / Ed25519 keys for signatures (alg EdDSA)",
		    kty, crv ? ", crv " : "", crv ? crv : "", use ? ", use " : "", use ? use : "");
		return -1;
	}
	if (kid && (strlen(kid) == 0 || strlen(kid) > SIGN_KID_MAX)) {
		sign_err(
		    err, errsize, "a JWK whose kid is empty or longer than %d bytes", SIGN_KID_MAX);
		return -1;
	}
	unsigned char *xb = NULL, *db = NULL;
	size_t xl = 0, dl = 0;
	if (x == NULL || b64url_decode(x, strlen(x), &xb, &xl) != 0 || xl != 32) {
		free(xb);
		sign_err(err, errsize, "a JWK whose \"x\" is not 32 bytes in base64url");
		return -1;
	}
	if (d && (b64url_decode(d, strlen(d), &db, &dl) != 0 || dl != 32)) {
		free(xb);
		free(db);
		sign_err(err, errsize, "a JWK whose \"d\" is not 32 bytes in base64url");
		return -1;
	}
	if (need_private && d == NULL) {
		free(xb);
		sign_err(err, errsize, "a public JWK: signing needs the private key (\"d\")");
		return -1;
	}
	EVP_PKEY *pk = d ? EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, db, 32)
	                 : EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, xb, 32);
	if (db)
		OPENSSL_cleanse(db, dl);
	free(db);
	ERR_clear_error();
	if (pk == NULL) {
		free(xb);
		sign_err(err, errsize, "OpenSSL refused the JWK's key");
		return -1;
	}
	struct sign_key *k = key_new(pk, d != NULL, kid, err, errsize);
	if (k && memcmp(k->x, xb, 32) != 0) {
		sign_err(err, errsize, "a JWK whose \"x\" is not the public key of its \"d\"");
		sign_key_free(k);
		k = NULL;
	}
	free(xb);
	*out = k;
	return k ? 0 : -1;
}

static const char *skip_ws(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++;
	return s;
}

int sign_key_parse(
    const char *buf, size_t len, int need_private, struct sign_key **out, char *err, size_t errsize)
{
	*out = NULL;
	const char *s = skip_ws(buf, buf + len);
	if (s == buf + len) {
		sign_err(err, errsize, "empty: no key in it");
		return -1;
	}
	if (*s == '{') {
		json_object *o = sign_json_parse(buf, len);
		if (o == NULL) {
			sign_err(err, errsize, "not valid JSON (a JWK was expected)");
			return -1;
		}
		int rc;
		if (json_object_object_get_ex(o, "keys", NULL)) {
			sign_err(err, errsize, "a JWK set: one key (PEM or JWK) was expected");
			rc = -1;
		} else {
			rc = jwk_key(o, need_private, NULL, out, err, errsize);
		}
		json_object_put(o);
		return rc;
	}
	return pem_key(buf, len, need_private, out, err, errsize);
}

int sign_keyset_parse(
    const char *buf, size_t len, struct sign_key ***keys, size_t *n, char *err, size_t errsize)
{
	*keys = NULL;
	*n = 0;
	const char *s = skip_ws(buf, buf + len);
	json_object *o = NULL, *arr;
	if (s < buf + len && *s == '{' && (o = sign_json_parse(buf, len)) != NULL &&
	    json_object_object_get_ex(o, "keys", &arr)) {
		if (!json_object_is_type(arr, json_type_array)) {
			json_object_put(o);
			sign_err(err, errsize, "a JWK set whose \"keys\" is not an array");
			return -1;
		}
		size_t m = json_object_array_length(arr), skipped = 0;
		*keys = xcalloc(m + 1, sizeof(**keys));
		for (size_t i = 0; i < m; i++) {
			int skip = 0;
			struct sign_key *k;
			char e[256];
			if (jwk_key(
			        json_object_array_get_idx(arr, i), 0, &skip, &k, e, sizeof(e))) {
				sign_err(err, errsize, "key %zu of the JWK set: %s", i + 1, e);
				json_object_put(o);
				sign_keys_free(*keys, *n);
				*keys = NULL;
				*n = 0;
				return -1;
			}
			if (k)
				(*keys)[(*n)++] = k;
			skipped += skip;
		}
		json_object_put(o);
		if (*n == 0) {
			sign_err(err, errsize, "a JWK set with no Ed25519 key (%zu other%s)",
			    skipped, skipped == 1 ? "" : "s");
			free(*keys);
			*keys = NULL;
			return -1;
		}
		return 0;
	}
	json_object_put(o);
	struct sign_key *k;
	if (sign_key_parse(buf, len, 0, &k, err, errsize) != 0)
		return -1;
	*keys = xcalloc(1, sizeof(**keys));
	(*keys)[0] = k;
	*n = 1;
	return 0;
}

/* The whole file (at most 1 MiB: keys are small), NUL-terminated. */
static char *slurp(const char *path, size_t *len, char *err, size_t errsize)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		sign_err(err, errsize, "%s: %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 20;
	char *buf = xmalloc(cap + 1);
	*len = fread(buf, 1, cap, f);
	int bad = ferror(f), big = *len == cap && fgetc(f) != EOF;
	fclose(f);
	if (bad || big) {
		sign_err(err, errsize, "%s: %s", path, bad ? "read error" : "larger than 1 MiB");
		OPENSSL_cleanse(buf, *len);
		free(buf);
		return NULL;
	}
	buf[*len] = '\0';
	return buf;
}

/* Prefix err with the file's name. */
static void name_err(const char *path, char *err, size_t errsize)
{
	if (err == NULL || errsize == 0)
		return;
	char *m = xstrdup(err);
	snprintf(err, errsize, "%s: %s", path, m);
	free(m);
}

int sign_key_load(
    const char *path, int need_private, struct sign_key **out, char *err, size_t errsize)
{
	*out = NULL;
	size_t len;
	char *buf = slurp(path, &len, err, errsize);
	if (buf == NULL)
		return -1;
	int rc = sign_key_parse(buf, len, need_private, out, err, errsize);
	OPENSSL_cleanse(buf, len);
	free(buf);
	if (rc)
		name_err(path, err, errsize);
	return rc;
}

int sign_keyset_load(
    const char *path, struct sign_key ***keys, size_t *n, char *err, size_t errsize)
{
	*keys = NULL;
	*n = 0;
	size_t len;
	char *buf = slurp(path, &len, err, errsize);
	if (buf == NULL)
		return -1;
	int rc = sign_keyset_parse(buf, len, keys, n, err, errsize);
	OPENSSL_cleanse(buf, len);
	free(buf);
	if (rc)
		name_err(path, err, errsize);
	return rc;
}

/* ---------------------------------------------------------------- JWK and JWK sets */

static json_object *jwk_json(const struct sign_key *k)
{
	json_object *o = json_object_new_object();
	char *x = b64url_encode(k->x, sizeof(k->x));
	json_object_object_add(o, "kty", json_object_new_string("OKP"));
	json_object_object_add(o, "crv", json_object_new_string("Ed25519"));
	json_object_object_add(o, "x", json_object_new_string(x));
	json_object_object_add(o, "kid", json_object_new_string(k->kid));
	json_object_object_add(o, "use", json_object_new_string("sig"));
	json_object_object_add(o, "alg", json_object_new_string(SIGN_ALG));
	free(x);
	return o;
}

char *sign_json_text(json_object *o)
{
	char *s = xstrdup(json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

char *sign_key_jwk(const struct sign_key *k)
{
	return sign_json_text(jwk_json(k));
}

char *sign_jwks(struct sign_key *const *keys, size_t n)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, jwk_json(keys[i]));
	json_object_object_add(o, "keys", a);
	return sign_json_text(o);
}
