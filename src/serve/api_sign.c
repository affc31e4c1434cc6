/* Signed reports on the web: the keys (loaded at start, before the privilege drop and the
 * sandbox), the signed conformance report of an AS (/api/v1/as/{asn}/conformance.jws, a JWS of
 * schema routemark.conform-signed/1, as `routemark conform --sign`), the public keys as a JWK
 * set (/.well-known/jwks.json, RFC 7517), and the link a badge carries to the report it stands
 * for. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conform/conform.h"
#include "serve/serve_private.h"
#include "serve/server_private.h"
#include "sign/sign.h"

#define SERVE_DEFAULT_VALIDITY (90 * 86400)

int serve_keys_load(struct serve *sv)
{
	const struct serve_config *c = &sv->cfg;
	char err[512];
	struct sign_key **pub = xcalloc(c->njwks_keys + 2, sizeof(*pub));
	size_t npub = 0;
	if (c->sign_key) {
		if (sign_key_load(c->sign_key, 1, &sv->sign_key, err, sizeof(err)) != 0) {
			log_err("--sign-key %s", err);
			free(pub);
			return -1;
		}
		pub[npub++] = sv->sign_key;
	}
	size_t first_extra = npub;
	int rc = 0;
	for (size_t i = 0; i < c->njwks_keys && rc == 0; i++) {
		struct sign_key **ks;
		size_t nk;
		if (sign_keyset_load(c->jwks_keys[i], &ks, &nk, err, sizeof(err)) != 0) {
			log_err("--jwks-key %s", err);
			rc = -1;
			break;
		}
		for (size_t k = 0; k < nk; k++) {
			int dup = 0;
			for (size_t j = 0; j < npub && !dup; j++)
				dup = strcmp(sign_key_kid(pub[j]), sign_key_kid(ks[k])) == 0;
			if (dup) {
				log_warn("--jwks-key %s: key %s is published already",
				    c->jwks_keys[i], sign_key_kid(ks[k]));
				sign_key_free(ks[k]);
				continue;
			}
			pub = xreallocarray(pub, npub + 1, sizeof(*pub));
			pub[npub++] = ks[k];
		}
		free(ks);
	}
	if (rc == 0)
		sv->jwks = sign_jwks(pub, npub);
	for (size_t i = first_extra; i < npub; i++)
		sign_key_free(pub[i]);
	free(pub);
	if (c->issuer)
		snprintf(sv->issuer, sizeof(sv->issuer), "%s", c->issuer);
	else if (gethostname(sv->issuer, sizeof(sv->issuer)) != 0 || sv->issuer[0] == '\0')
		snprintf(sv->issuer, sizeof(sv->issuer), "routemark");
	sv->issuer[sizeof(sv->issuer) - 1] = '\0';
	if (rc == 0 && sv->sign_key)
		log_info("signing conformance reports with key %s as %s",
		    sign_key_kid(sv->sign_key), sv->issuer);
	return rc;
}

void serve_keys_free(struct serve *sv)
{
	sign_key_free(sv->sign_key);
	sv->sign_key = NULL;
	free(sv->jwks);
	sv->jwks = NULL;
}

int api_jwks(struct req *r)
{
	buf_puts(&r->body, r->sv->jwks ? r->sv->jwks : "{\"keys\":[]}");
	buf_puts(&r->body, "\n");
	r->ctype = "application/json";
	return 0;
}

int api_as_conformance_jws(struct req *r)
{
	struct store_snapshot snap;
	struct store_as_summary sum;
	const struct conform_profile *p;
	int found;
	if (r->sv->sign_key == NULL)
		return req_error(r, 404, "not_signed",
		    "this server signs no reports (it runs without --sign-key)");
	if (req_profile(r, &p) || req_snapshot(r, &snap))
		return r->status;
	if (store_get_summary(r->store, snap.id, r->args.asn, &sum, &found) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	if (!found)
		return req_error(r, 404, "not_found", "AS%u is not in snapshot %lld", r->args.asn,
		    (long long)snap.id);
	struct conform_ctx ctx = {.store = r->store, .snapshot = snap.id, .now = time(NULL)};
	struct conform_result res;
	if (conform_evaluate(&ctx, p, r->args.asn, &r->arena, &res) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	int64_t valid = r->sv->cfg.valid_for > 0 ? r->sv->cfg.valid_for : SERVE_DEFAULT_VALIDITY;
	struct conform_signed_meta m = {.issuer = r->sv->issuer, .exp = ctx.now + valid};
	char err[512];
	char *payload = conform_signed_payload(&ctx, &res, &m, err, sizeof(err));
	char *jws = payload ? sign_jws(r->sv->sign_key, CONFORM_SIGNED_CTY, payload,
	                          strlen(payload), err, sizeof(err))
	                    : NULL;
	free(payload);
	if (jws == NULL) {
		log_err("serve: %s: %s", r->uri, err);
		return req_error(r, 500, "internal", "the report could not be signed");
	}
	buf_puts(&r->body, jws);
	free(jws);
	r->ctype = "application/jose";
	return 0;
}

int serve_signed_link(struct req *r, const struct conform_profile *p, int64_t snap)
{
	if (r->sv->sign_key == NULL)
		return 0;
	struct buf u = {0};
	buf_printf(&u, "/api/v1/as/%u/conformance.jws?profile=", r->args.asn);
	buf_urlenc(&u, p->name);
	buf_printf(&u, "&snapshot=%lld", (long long)snap);
	if (u.failed) {
		buf_free(&u);
		return 0;
	}
	r->link = arena_printf(&r->arena,
	    "<%s>; rel=\"describedby\"; type=\"application/jose\"; title=\"signed report\"", u.p);
	buf_puts(&r->body, "<a xmlns:xlink=\"http://www.w3.org/1999/xlink\" href=\"");
	buf_html(&r->body, u.p);
	buf_puts(&r->body, "\" xlink:href=\"");
	buf_html(&r->body, u.p);
	buf_puts(&r->body, "\">");
	buf_free(&u);
	return 1;
}
