/* conform --sign: an AS's verdicts as a signed report (a JWS whose payload is schema
 * CONFORM_SIGNED_SCHEMA), and the evaluation that verify --db repeats to check one. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/conform_cli.h"
#include "cli/refs.h"
#include "sign/sign.h"

int conform_sign_option(struct conform_sign_opts *s, int opt, const char *arg)
{
	switch (opt) {
	case CONFORM_OPT_SIGN:
		s->key = arg;
		return 1;
	case CONFORM_OPT_ISSUER:
		if (*arg == '\0' || strlen(arg) > 255) {
			fprintf(stderr, "routemark: --issuer: expected a name of 1 to 255 bytes\n");
			return -1;
		}
		s->issuer = arg;
		return 1;
	case CONFORM_OPT_VALID_FOR:
		if ((s->valid_for = conform_parse_duration(arg)) <= 0) {
			fprintf(stderr,
			    "routemark: --valid-for %s: expected a duration like 90d, 12w, 24h or "
			    "3600s\n",
			    arg);
			return -1;
		}
		return 1;
	default:
		return 0;
	}
}

const char *conform_cli_issuer(const char *given, char *buf, size_t size)
{
	if (given)
		return given;
	if (gethostname(buf, size) != 0 || buf[0] == '\0')
		snprintf(buf, size, "routemark");
	buf[size - 1] = '\0';
	return buf;
}

struct ref_list {
	struct conform_ref_file *v;
	size_t n, cap;
};

static void add_ref(const char *kind, const char *path, void *arg)
{
	struct ref_list *l = arg;
	XGROW(l->v, l->cap, l->n + 1);
	l->v[l->n++] = (struct conform_ref_file){kind, path, NULL};
}

char *conform_cli_signed_payload(struct conform_ctx *ctx, const struct conform_profile *p,
    uint32_t asn, const struct cli_refs *refs, const char *issuer, int64_t exp, struct arena *a,
    struct conform_result *r)
{
	if (conform_evaluate(ctx, p, asn, a, r) != 0)
		return NULL;
	struct ref_list l = {0};
	if (refs) {
		refs_spec_each_file(&refs->spec, add_ref, &l);
		if (refs->spec.rtr)
			add_ref("rtr", refs->spec.rtr, &l);
	}
	struct conform_signed_meta m = {.issuer = issuer, .exp = exp, .refs = l.v, .nrefs = l.n};
	char err[512];
	char *payload = conform_signed_payload(ctx, r, &m, err, sizeof(err));
	if (payload == NULL)
		fprintf(stderr, "routemark: %s\n", err);
	free(l.v);
	return payload;
}

int conform_cli_sign(FILE *out, const struct conform_sign_opts *so, struct conform_ctx *ctx,
    const struct conform_profile *p, uint32_t asn, const struct cli_refs *refs)
{
	struct sign_key *k;
	char err[512], host[256];
	if (sign_key_load(so->key, 1, &k, err, sizeof(err)) != 0) {
		fprintf(stderr, "routemark: --sign %s\n", err);
		return 1;
	}
	ctx->now = (int64_t)time(NULL);
	int64_t valid = so->valid_for > 0 ? so->valid_for : CONFORM_SIGN_DEFAULT_VALIDITY;
	struct arena a;
	arena_init(&a, 0);
	struct conform_result r;
	int status = 1;
	char *payload = conform_cli_signed_payload(ctx, p, asn, refs,
	    conform_cli_issuer(so->issuer, host, sizeof(host)), ctx->now + valid, &a, &r);
	char *jws =
	    payload ? sign_jws(k, CONFORM_SIGNED_CTY, payload, strlen(payload), err, sizeof(err))
	            : NULL;
	if (payload && jws == NULL)
		fprintf(stderr, "routemark: %s\n", err);
	if (jws) {
		fputs(jws, out);
		fputc('\n', out);
		/* the verdict's exit status, as without --sign: gating works on signed reports */
		status = ferror(out) ? 1 : conform_cli_exit(r.overall);
		log_info("AS%u: %s under %s %s, signed with key %s, valid until %s", asn,
		    conform_overall_name(r.overall), p->name, p->version, sign_key_kid(k),
		    time_utc_format(ctx->now + valid, host, sizeof(host)));
	}
	free(jws);
	free(payload);
	arena_free(&a);
	sign_key_free(k);
	return status;
}
