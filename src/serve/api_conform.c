/* Conformance in the API: the shipped profiles (loaded once at start; a request names one by
 * its exact name, never a path), verdicts of one AS (/api/v1/as/{asn}/conformance, schema
 * routemark.conform/1) and of several side by side (/api/v1/compare/conformance). */
#include <stdlib.h>
#include <string.h>

#include "conform/conform.h"
#include "serve/serve_private.h"
#include "serve/server_private.h"

void serve_profiles_load(struct serve *sv)
{
	char **names, err[512];
	size_t n = conform_profile_list(&names);
	sv->profiles = xcalloc(n + 1, sizeof(*sv->profiles));
	for (size_t i = 0; i < n; i++) {
		struct conform_profile *p;
		if (conform_profile_find(names[i], &p, err, sizeof(err)) == 0)
			sv->profiles[sv->nprofiles++] = p;
		else
			log_warn("profile %s not served: %s", names[i], err);
		free(names[i]);
	}
	free(names);
	if (serve_profile(sv, SERVE_DEFAULT_PROFILE) == NULL)
		log_warn("profile %s not found: the conformance pages will answer 400",
		    SERVE_DEFAULT_PROFILE);
}

void serve_profiles_free(struct serve *sv)
{
	for (size_t i = 0; i < sv->nprofiles; i++)
		conform_profile_free(sv->profiles[i]);
	free(sv->profiles);
	sv->profiles = NULL;
	sv->nprofiles = 0;
}

const struct conform_profile *serve_profile(const struct serve *sv, const char *name)
{
	for (size_t i = 0; i < sv->nprofiles; i++)
		if (strcmp(sv->profiles[i]->name, name) == 0)
			return sv->profiles[i];
	return NULL;
}

size_t serve_profile_count(const struct serve *sv)
{
	return sv->nprofiles;
}

const struct conform_profile *serve_profile_at(const struct serve *sv, size_t i)
{
	return i < sv->nprofiles ? sv->profiles[i] : NULL;
}

const char *profile_label(const struct conform_profile *p, char *buf, size_t size)
{
	int draft = p->status && strncmp(p->status, "draft", 5) == 0;
	snprintf(buf, size, "%s%s", p->programme ? p->programme : p->name, draft ? " draft" : "");
	return buf;
}

int req_profile(struct req *r, const struct conform_profile **out)
{
	const char *v = target_param(&r->t, "profile");
	const char *name = v ? v : SERVE_DEFAULT_PROFILE;
	*out = serve_profile(r->sv, name);
	if (*out)
		return 0;
	struct buf known = {0};
	for (size_t i = 0; i < serve_profile_count(r->sv); i++) {
		buf_puts(&known, i ? ", " : "");
		buf_puts(&known, serve_profile_at(r->sv, i)->name);
	}
	/* only a short, printable echo of the value */
	int plain = strlen(name) <= 64;
	for (const char *c = name; plain && *c; c++)
		plain = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' ||
		        *c == '_' || *c == '.';
	req_error(r, 400, "bad_parameter", "profile%s%s: not a shipped profile (%s)",
	    plain ? "=" : "", plain ? name : "", known.len ? known.p : "none loaded");
	buf_free(&known);
	return r->status;
}

int req_conform(struct req *r, const struct conform_profile *p, int64_t snap, uint32_t asn,
    struct conform_result *out)
{
	struct conform_ctx ctx = {.store = r->store, .snapshot = snap};
	if (conform_evaluate(&ctx, p, asn, &r->arena, out) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	return 0;
}

/* Render with a FILE-based renderer into the body. */
static int body_from(struct req *r, void (*fn)(FILE *, const struct conform_result *, size_t),
    const struct conform_result *res, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&text, &len);
	if (mf == NULL)
		return req_error(r, 500, "internal", "out of memory");
	fn(mf, res, n);
	fclose(mf);
	buf_put(&r->body, text, len);
	free(text);
	r->ctype = "application/json";
	return 0;
}

static void one_json(FILE *f, const struct conform_result *res, size_t n)
{
	(void)n;
	conform_render_json(f, res);
}

int api_as_conformance(struct req *r)
{
	struct store_snapshot snap;
	struct store_as_summary sum;
	struct conform_result res;
	const struct conform_profile *p;
	int found;
	if (req_profile(r, &p) || req_snapshot(r, &snap))
		return r->status;
	if (store_get_summary(r->store, snap.id, r->args.asn, &sum, &found) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	if (!found)
		return req_error(r, 404, "not_found", "AS%u is not in snapshot %lld", r->args.asn,
		    (long long)snap.id);
	if (req_conform(r, p, snap.id, r->args.asn, &res))
		return r->status;
	return body_from(r, one_json, &res, 1);
}

int api_compare_conformance(struct req *r)
{
	struct store_snapshot snap;
	const struct conform_profile *p;
	uint32_t asns[COMPARE_MAX];
	size_t n;
	if (req_asn_list(r, asns, &n, 1))
		return r->status;
	if (req_profile(r, &p) || req_snapshot(r, &snap))
		return r->status;
	struct conform_result *res = arena_alloc(&r->arena, n * sizeof(*res));
	for (size_t i = 0; i < n; i++)
		if (req_conform(r, p, snap.id, asns[i], &res[i]))
			return r->status;
	return body_from(r, conform_compare_json, res, n);
}
