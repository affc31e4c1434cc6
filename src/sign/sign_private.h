/* sign internals shared by its files. */
#ifndef ROUTEMARK_SIGN_PRIVATE_H
#define ROUTEMARK_SIGN_PRIVATE_H

#include <openssl/evp.h>

#include "sign/sign.h"

struct json_object;

struct sign_key {
	EVP_PKEY *pk;
	int priv;
	unsigned char x[32]; /* the public key */
	char *kid;
};

/* snprintf into err (when err is set). */
void sign_err(char *err, size_t errsize, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* s[0..len) as one JSON value (strict; white space after it only; no NUL byte), or NULL. */
struct json_object *sign_json_parse(const char *s, size_t len);
/* The string member key of o: NULL when absent; *bad = 1 when present but not a string. */
const char *sign_json_str(struct json_object *o, const char *key, int *bad);
/* Compact JSON text of o (released), malloc'ed. */
char *sign_json_text(struct json_object *o);
void sign_sha256(const void *p, size_t n, unsigned char md[32]);

#endif
