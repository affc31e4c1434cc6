/* routemark verify: check a signed conformance report (conform --sign, serve's
 * conformance.jws): its signature, its validity period and, with --db, that evaluating the
 * same inputs again gives the same payload. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "cli/conform_cli.h"
#include "cli/refs.h"
#include "sign/sign.h"

#define VERIFY_MAX_BYTES (64u << 20)

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark verify --key KEY [options] FILE\n\n"
	    "Check a signed conformance report (routemark conform --sign, or serve's\n"
	    "/api/v1/as/ASN/conformance.jws): a JWS (RFC 7515, compact, alg EdDSA) whose payload\n"
	    "is schema " CONFORM_SIGNED_SCHEMA ". FILE '-' is standard input.\n\n"
	    "options:\n"
	    "  --key KEY           the signer's public key: PEM (a private key serves too), a "
	    "JWK,\n"
	    "                      or a JWK set such as serve's /.well-known/jwks.json (the key\n"
	    "                      is picked by the report's kid)\n"
	    "  --at TIME           check the validity period at TIME (unix seconds or\n"
	    "                      YYYY-MM-DD[THH:MM[:SS]][Z], UTC) instead of now\n"
	    "  --format FMT        text (default) or json\n"
	    "  --db FILE           evaluate again on this store, with the report's issuer, times,\n"
	    "                      snapshot, window and profile, and require the same payload\n"
	    "  --profile NAME|FILE the profile to evaluate with (default the report's, by name)\n"
	    "  -o, --output FILE   write there instead of standard output\n"
	    "  -h, --help          this help\n\n"
	    "With --db, give the reference files the report was made with (its "
	    "\"references\"):\n\n" REFS_HELP
	    "  --strict           malformed reference data is an error\n\n"
	    "exit codes: 0 valid; 1 not valid: malformed, bad signature (the report or its\n"
	    "signature was changed, or another key signed it), unknown key id, not yet valid,\n"
	    "expired, or the evaluation gives another payload (the message says which);\n"
	    "2 could not check: usage error, unreadable report or key, store error, malformed\n"
	    "reference data under --strict. See routemark-verify(1), docs/conform.md.\n");
}

struct verify_opts {
	const char *key, *db, *profile, *out, *file;
	int64_t at;
	int json;
	struct cli_refs refs;
};

/* What was found, for the summary. */
struct verdict {
	const char *reason; /* NULL: valid */
	const char *kid;
	int trusted; /* the signature verified: info is the signer's */
	struct conform_signed_info info;
	int reevaluated;
};

/* The whole report (at most VERIFY_MAX_BYTES); NULL after saying why. */
static char *read_report(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "routemark: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 16, n = 0, k;
	char *buf = xmalloc(cap);
	while (n < VERIFY_MAX_BYTES && (k = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += k;
		if (n + 1 == cap)
			XGROW(buf, cap, cap * 2);
	}
	int bad = ferror(f), big = n >= VERIFY_MAX_BYTES;
	if (f != stdin)
		fclose(f);
	if (bad || big) {
		fprintf(stderr, "routemark: %s: %s\n", path,
		    bad ? "read error" : "larger than 64 MiB: not a signed report");
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The snapshot of the store whose key is key: its id, 0 when absent, -1 on a store error. */
static int64_t snapshot_by_key(struct store *s, const char *key, struct arena *a)
{
	struct store_snapshot *all;
	size_t n;
	if (store_snapshots(s, 0, a, &all, &n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(all[i].key, key) == 0)
			return all[i].id;
	return 0;
}

/* Evaluate again on --db. 0 the same payload, 1 another (why set), 2 could not (said). */
static int reevaluate(struct verify_opts *o, const struct conform_signed_info *in,
    const unsigned char *payload, size_t len, char *why, size_t whysize)
{
	struct conform_profile *p;
	struct observe_refs orefs;
	struct store *s;
	int rc = conform_cli_open(
	    o->profile ? o->profile : in->profile, o->db, &o->refs, &p, &orefs, &s);
	if (rc != 0)
		return 2;
	struct arena a;
	arena_init(&a, 0);
	int64_t snap = 0;
	int status = 2;
	if (in->snapshot_key && (snap = snapshot_by_key(s, in->snapshot_key, &a)) <= 0) {
		if (snap == 0) {
			snprintf(why, whysize,
			    "the report's snapshot (id %" PRId64 ", key %.16s...) is not in %s",
			    in->snapshot, in->snapshot_key, o->db);
			status = 1;
		}
		goto out;
	}
	struct conform_ctx ctx = {.store = s,
	    .refs = &orefs,
	    .window = in->window,
	    .snapshot = snap,
	    .max_evidence = (size_t)in->max_evidence,
	    .now = in->iat};
	struct conform_result r;
	char *again =
	    conform_cli_signed_payload(&ctx, p, in->asn, &o->refs, in->iss, in->exp, &a, &r);
	if (again) {
		status = conform_signed_diff(
		    (const char *)payload, len, again, strlen(again), why, whysize);
		free(again);
	}
out:
	arena_free(&a);
	store_close(s);
	conform_profile_free(p);
	return status;
}

/* When the reference files differ: which the report was made with. */
static void refs_hint(const struct conform_signed_info *in, char *why, size_t whysize)
{
	size_t l = strlen(why);
	if (in->nrefs == 0) {
		snprintf(why + l, whysize - l, " (the report was made without reference files)");
		return;
	}
	l += (size_t)snprintf(why + l, whysize - l, " (the report was made with");
	for (size_t i = 0; i < in->nrefs && l < whysize; i++)
		l += (size_t)snprintf(why + l, whysize - l, "%s --%s %s", i ? "," : "",
		    in->refs[i].kind, in->refs[i].path);
	if (l < whysize)
		snprintf(why + l, whysize - l, ")");
}

static json_object *iso(int64_t t)
{
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_object_new_string(buf);
}

static void print_json(FILE *out, const struct verify_opts *o, const struct verdict *v)
{
	const struct conform_signed_info *in = &v->info;
	json_object *j = json_object_new_object();
	json_object_object_add(j, "file", json_object_new_string(o->file));
	json_object_object_add(j, "valid", json_object_new_boolean(v->reason == NULL));
	json_object_object_add(j, "reason", v->reason ? json_object_new_string(v->reason) : NULL);
	json_object_object_add(j, "kid", v->kid ? json_object_new_string(v->kid) : NULL);
	json_object_object_add(j, "checked_at", iso(o->at));
	if (v->trusted) {
		json_object_object_add(j, "iss", json_object_new_string(in->iss));
		json_object_object_add(j, "asn", json_object_new_int64(in->asn));
		json_object_object_add(
		    j, "as_name", in->as_name ? json_object_new_string(in->as_name) : NULL);
		json_object *p = json_object_new_object();
		json_object_object_add(p, "name", json_object_new_string(in->profile));
		json_object_object_add(p, "version", json_object_new_string(in->profile_version));
		json_object_object_add(p, "sha256", json_object_new_string(in->profile_sha256));
		json_object_object_add(j, "profile", p);
		json_object_object_add(j, "overall", json_object_new_string(in->overall));
		json_object *sn = json_object_new_array();
		for (size_t i = 0; i < in->nsnaps; i++)
			json_object_array_add(sn, json_object_new_int64(in->snaps[i].id));
		json_object_object_add(j, "snapshots", sn);
		json_object_object_add(j, "valid_from", iso(in->nbf));
		json_object_object_add(j, "valid_until", iso(in->exp));
	}
	json_object_object_add(j, "reevaluated", json_object_new_boolean(v->reevaluated));
	fputs(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	                                            JSON_C_TO_STRING_NOSLASHESCAPE),
	    out);
	fputc('\n', out);
	json_object_put(j);
}

static void print_text(FILE *out, const struct verify_opts *o, const struct verdict *v)
{
	const struct conform_signed_info *in = &v->info;
	char t1[40], t2[40], t3[40];
	fprintf(out, "%s: %s%s\n", o->file, v->reason ? "NOT VALID: " : "valid",
	    v->reason ? v->reason : "");
	if (!v->trusted)
		return;
	fprintf(out, "  signed by    key %s, issuer %s, %s %s\n", v->kid, in->iss, in->tool,
	    in->tool_version);
	fprintf(out, "  AS           AS%" PRIu32 "%s%s\n", in->asn, in->as_name ? " " : "",
	    in->as_name ? in->as_name : "");
	fprintf(out, "  profile      %s %s (sha256 %.16s...)\n", in->profile, in->profile_version,
	    in->profile_sha256);
	fprintf(out, "  verdict      %s\n", in->overall);
	if (in->nsnaps)
		fprintf(out,
		    "  snapshots    %zu in the window; newest %" PRId64 " (%s, key %.16s...)\n",
		    in->nsnaps, in->snaps[0].id, in->snaps[0].label ? in->snaps[0].label : "-",
		    in->snaps[0].key);
	else
		fprintf(out, "  snapshots    none\n");
	fprintf(out, "  references   %zu file%s\n", in->nrefs, in->nrefs == 1 ? "" : "s");
	fprintf(out, "  valid        from %s until %s (checked at %s)\n",
	    time_utc_format(in->nbf, t1, sizeof(t1)), time_utc_format(in->exp, t2, sizeof(t2)),
	    time_utc_format(o->at, t3, sizeof(t3)));
	if (v->reevaluated) {
		char *name = store_display_name(o->db);
		fprintf(out, "  evaluated    again on %s: the same payload\n", name);
		free(name);
	}
}

/* Check the report; v->reason says what failed. Returns 0, 1 (not valid) or 2. */
static int check(
    struct verify_opts *o, struct verdict *v, struct arena *a, char *why, size_t whysize)
{
	struct sign_key **keys;
	size_t nkeys;
	char err[512];
	if (sign_keyset_load(o->key, &keys, &nkeys, err, sizeof(err)) != 0) {
		fprintf(stderr, "routemark: --key %s\n", err);
		return 2;
	}
	size_t len;
	char *text = read_report(o->file, &len);
	if (text == NULL) {
		sign_keys_free(keys, nkeys);
		return 2;
	}
	struct sign_jws j;
	const struct sign_key *used = NULL;
	int status = 1;
	if (sign_jws_parse(text, len, &j, why, whysize) != 0)
		goto out;
	v->kid = j.kid ? arena_strdup(a, j.kid) : NULL;
	if (sign_jws_verify_set(&j, keys, nkeys, &used, why, whysize) != 0)
		goto out;
	v->kid = arena_strdup(a, sign_key_kid(used));
	if (j.cty && strcmp(j.cty, CONFORM_SIGNED_CTY) != 0) {
		snprintf(why, whysize, "not a signed conformance report (cty %.64s)", j.cty);
		goto out;
	}
	if (conform_signed_parse(
	        (const char *)j.payload, j.payload_len, a, &v->info, err, sizeof(err)) != 0) {
		snprintf(why, whysize, "the payload is not a %s document: %s",
		    CONFORM_SIGNED_SCHEMA, err);
		goto out;
	}
	v->trusted = 1;
	char t[40];
	if (o->at < v->info.nbf) {
		snprintf(why, whysize, "not yet valid: valid from %s",
		    time_utc_format(v->info.nbf, t, sizeof(t)));
		goto out;
	}
	if (o->at >= v->info.exp) {
		snprintf(why, whysize, "expired at %s", time_utc_format(v->info.exp, t, sizeof(t)));
		goto out;
	}
	if (o->db) {
		char diff[1024];
		int rc = reevaluate(o, &v->info, j.payload, j.payload_len, diff, sizeof(diff));
		if (rc == 2) {
			status = 2;
			goto out;
		}
		if (rc == 1) {
			char *name = store_display_name(o->db);
			snprintf(why, whysize, "evaluated again on %s: %s", name, diff);
			free(name);
			if (strncmp(diff, "differs in ", 11) == 0 && strstr(diff, "references"))
				refs_hint(&v->info, why, whysize);
			goto out;
		}
		v->reevaluated = 1;
	}
	status = 0;
out:
	if (status == 1)
		v->reason = why;
	sign_jws_free(&j);
	free(text);
	sign_keys_free(keys, nkeys);
	return status;
}

static int parse_opt(struct verify_opts *o, int opt, const char *arg)
{
	switch (opt) {
	case 'k':
		o->key = arg;
		return 0;
	case 'd':
		o->db = arg;
		return 0;
	case 'p':
		o->profile = arg;
		return 0;
	case 'o':
		o->out = arg;
		return 0;
	case 'S':
		o->refs.strict = 1;
		return 0;
	case 'a':
		if (time_parse_utc(arg, &o->at) != 0) {
			fprintf(stderr,
			    "routemark: --at %s: expected unix seconds or "
			    "YYYY-MM-DD[THH:MM[:SS]][Z]\n",
			    arg);
			return -1;
		}
		return 0;
	case 'f': {
		int k = cli_format(arg, "text json");
		o->json = k == 1;
		return k < 0 ? -1 : 0;
	}
	default: {
		int k = refs_option(&o->refs, opt, arg);
		return k == 1 ? 0 : -1;
	}
	}
}

int cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"key", required_argument, NULL, 'k'},
	    {"at", required_argument, NULL, 'a'},
	    {"format", required_argument, NULL, 'f'},
	    {"db", required_argument, NULL, 'd'},
	    {"profile", required_argument, NULL, 'p'},
	    {"output", required_argument, NULL, 'o'},
	    {"strict", no_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},
	    REFS_LONG_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	struct verify_opts o = {.at = (int64_t)time(NULL)};
	int opt, rc;
	if (cli_opt_begin("verify", longopts, &argc, &argv) != 0)
		return 2;
	while ((opt = cli_getopt(argc, argv, "ho:", longopts, usage, &rc)) != -1) {
		if (opt == CLI_OPT_EXIT || parse_opt(&o, opt, optarg) != 0) {
			refs_free(&o.refs);
			return opt == CLI_OPT_EXIT ? (rc ? 2 : 0) : 2;
		}
	}
	if (optind + 1 != argc || o.key == NULL) {
		fprintf(stderr, "routemark: verify: %s\n",
		    o.key == NULL
		        ? "--key KEY is required (the signer's public key or JWK set)"
		        : "expected one FILE (the signed report, '-' for standard input)");
		usage(stderr);
		refs_free(&o.refs);
		return 2;
	}
	o.file = argv[optind];
	FILE *out = cli_output_open(o.out);
	if (out == NULL) {
		refs_free(&o.refs);
		return 2;
	}
	struct arena a;
	arena_init(&a, 0);
	struct verdict v = {0};
	char why[1536];
	int status = check(&o, &v, &a, why, sizeof(why));
	if (status == 1)
		fprintf(stderr, "routemark: verify: %s: not valid: %s\n", o.file, v.reason);
	if (status != 2) {
		if (o.json)
			print_json(out, &o, &v);
		else
			print_text(out, &o, &v);
	}
	arena_free(&a);
	refs_free(&o.refs);
	rc = cli_output_close(out, 0);
	return status ? status : rc ? 2 : 0;
}
