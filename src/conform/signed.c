/* Signed reports: the payload (schema CONFORM_SIGNED_SCHEMA) built from a result, parsed back
 * for a verifier, and compared with one built again from the same inputs. The signature itself
 * is the sign module's. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "conform_private.h"
#include "fetch/fetch.h"

static void say(char *err, size_t errsize, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(char *err, size_t errsize, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errsize, fmt, ap);
	va_end(ap);
}

static json_object *iso(int64_t t)
{
	if (t <= 0)
		return NULL;
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_object_new_string(buf);
}

static json_object *str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* ---------------------------------------------------------------- building */

struct file_row {
	const char *kind, *file, *sha256;
};

static int row_cmp(const void *x, const void *y)
{
	const struct file_row *a = x, *b = y;
	int c = strcmp(a->kind, b->kind);
	if (c == 0)
		c = strcmp(a->file, b->file);
	if (c == 0)
		c = strcmp(a->sha256 ? a->sha256 : "", b->sha256 ? b->sha256 : "");
	return c;
}

/* Rows sorted (the order files were named in does not matter, as for the snapshot key). */
static json_object *rows_json(struct file_row *rows, size_t n)
{
	qsort(rows, n, sizeof(*rows), row_cmp);
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "kind", json_object_new_string(rows[i].kind));
		json_object_object_add(o, "file", json_object_new_string(rows[i].file));
		json_object_object_add(o, "sha256", str(rows[i].sha256));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *snapshot_json(
    struct store *s, const struct store_snapshot *sn, struct arena *a, int *failed)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(sn->id));
	json_object_object_add(o, "key", json_object_new_string(sn->key));
	json_object_object_add(o, "label", str(sn->label));
	json_object_object_add(o, "period_start", iso(sn->period_start));
	json_object_object_add(o, "period_end", iso(sn->period_end));
	struct store_input *in = NULL;
	size_t n = 0;
	if (store_get_inputs(s, sn->id, a, &in, &n) != 0)
		*failed = 1;
	struct file_row *rows = arena_alloc(a, (n + 1) * sizeof(*rows));
	for (size_t i = 0; i < n; i++)
		rows[i] = (struct file_row){in[i].kind ? in[i].kind : "",
		    in[i].path ? base_name(in[i].path) : "", in[i].sha256};
	json_object_object_add(o, "inputs", rows_json(rows, n));
	return o;
}

char *conform_signed_payload(const struct conform_ctx *ctx, const struct conform_result *r,
    const struct conform_signed_meta *m, char *err, size_t errsize)
{
	const struct conform_profile *p = r->profile;
	struct arena a;
	arena_init(&a, 0);
	struct file_row *refs = arena_alloc(&a, (m->nrefs + 1) * sizeof(*refs));
	for (size_t i = 0; i < m->nrefs; i++) {
		const struct conform_ref_file *f = &m->refs[i];
		refs[i] = (struct file_row){f->kind, base_name(f->path), NULL};
		if (strcmp(f->kind, "rtr") == 0) {
			refs[i].file = f->path; /* an address, not a file */
			continue;
		}
		char *h = arena_alloc(&a, 65);
		if (fetch_sha256_file(f->path, h) != 0) {
			say(err, errsize, "%s: cannot be read to hash it", f->path);
			arena_free(&a);
			return NULL;
		}
		refs[i].sha256 = h;
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "schema", json_object_new_string(CONFORM_SIGNED_SCHEMA));
	json_object_object_add(o, "iss", json_object_new_string(m->issuer ? m->issuer : ""));
	json_object_object_add(o, "iat", json_object_new_int64(r->generated));
	json_object_object_add(o, "nbf", json_object_new_int64(r->generated));
	json_object_object_add(o, "exp", json_object_new_int64(m->exp));
	json_object *tool = json_object_new_object();
	json_object_object_add(tool, "name", json_object_new_string("routemark"));
	json_object_object_add(tool, "version", json_object_new_string(RM_VERSION));
	json_object_object_add(o, "tool", tool);
	json_object *pr = json_object_new_object();
	json_object_object_add(pr, "name", json_object_new_string(p->name));
	json_object_object_add(pr, "version", json_object_new_string(p->version));
	json_object_object_add(pr, "sha256", json_object_new_string(p->sha256));
	json_object_object_add(o, "profile", pr);
	json_object_object_add(o, "asn", json_object_new_int64(r->asn));
	json_object *w = json_object_new_object();
	json_object_object_add(w, "seconds", json_object_new_int64(r->window));
	json_object_object_add(w, "from", iso(r->window_from));
	json_object_object_add(w, "to", iso(r->window_to));
	json_object_object_add(o, "window", w);
	json_object *opt = json_object_new_object();
	json_object_object_add(
	    opt, "window", ctx->window > 0 ? json_object_new_int64(ctx->window) : NULL);
	json_object_object_add(opt, "max_evidence",
	    json_object_new_int64((int64_t)(ctx->max_evidence ? ctx->max_evidence : 20)));
	json_object *ref = NULL;
	for (size_t i = 0; i < r->nsnaps; i++)
		if (r->snaps[i].id == r->snapshot) {
			ref = json_object_new_object();
			json_object_object_add(ref, "id", json_object_new_int64(r->snapshot));
			json_object_object_add(ref, "key", json_object_new_string(r->snaps[i].key));
		}
	json_object_object_add(opt, "snapshot", ref);
	json_object_object_add(o, "options", opt);
	int failed = 0;
	json_object *sn = json_object_new_array();
	for (size_t i = 0; i < r->nsnaps; i++)
		json_object_array_add(sn, snapshot_json(ctx->store, &r->snaps[i], &a, &failed));
	json_object_object_add(o, "snapshots", sn);
	json_object_object_add(o, "references", rows_json(refs, m->nrefs));
	json_object_object_add(o, "report", conform_result_json(r));
	char *out = NULL;
	if (failed)
		say(err, errsize, "the store could not be read (the snapshots' inputs)");
	else
		out = xstrdup(json_object_to_json_string_ext(
		    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	arena_free(&a);
	return out;
}

/* ---------------------------------------------------------------- parsing */

struct pctx {
	struct arena *a;
	char *err;
	size_t errsize;
};

/* Member key of o as type t (json_type_null: absent or null is allowed and gives NULL with
 * 0; otherwise required). -1 after naming path.key in err. */
static int member(struct pctx *c, json_object *o, const char *path, const char *key, json_type t,
    int nullable, json_object **out)
{
	*out = NULL;
	json_object *v = NULL;
	if (!json_object_object_get_ex(o, key, &v) || v == NULL) {
		if (nullable)
			return 0;
		say(c->err, c->errsize, "%s%s%s: missing", path, *path ? "." : "", key);
		return -1;
	}
	if (!json_object_is_type(v, t)) {
		say(c->err, c->errsize, "%s%s%s: expected %s", path, *path ? "." : "", key,
		    json_type_to_name(t));
		return -1;
	}
	*out = v;
	return 0;
}

static int get_str(struct pctx *c, json_object *o, const char *path, const char *key, int nullable,
    const char **out)
{
	json_object *v;
	*out = NULL;
	if (member(c, o, path, key, json_type_string, nullable, &v))
		return -1;
	if (v)
		*out = arena_strdup(c->a, json_object_get_string(v));
	return 0;
}

static int get_int(struct pctx *c, json_object *o, const char *path, const char *key, int nullable,
    int64_t min, int64_t max, int64_t *out)
{
	json_object *v;
	*out = 0;
	if (member(c, o, path, key, json_type_int, nullable, &v))
		return -1;
	if (v == NULL)
		return 0;
	int64_t x = json_object_get_int64(v);
	if (x < min || x > max) {
		say(c->err, c->errsize, "%s%s%s: %" PRId64 " is out of range", path,
		    *path ? "." : "", key, x);
		return -1;
	}
	*out = x;
	return 0;
}

static int parse_files(
    struct pctx *c, json_object *arr, const char *path, struct conform_ref_file **out, size_t *n)
{
	size_t m = json_object_array_length(arr);
	*out = arena_alloc(c->a, (m + 1) * sizeof(**out));
	*n = m;
	for (size_t i = 0; i < m; i++) {
		json_object *f = json_object_array_get_idx(arr, i);
		char p[64];
		snprintf(p, sizeof(p), "%s[%zu]", path, i);
		if (!json_object_is_type(f, json_type_object)) {
			say(c->err, c->errsize, "%s: expected an object", p);
			return -1;
		}
		struct conform_ref_file *x = &(*out)[i];
		if (get_str(c, f, p, "kind", 0, &x->kind) ||
		    get_str(c, f, p, "file", 0, &x->path) ||
		    get_str(c, f, p, "sha256", 1, &x->sha256))
			return -1;
	}
	return 0;
}

int conform_signed_parse(const char *payload, size_t len, struct arena *a,
    struct conform_signed_info *out, char *err, size_t errsize)
{
	memset(out, 0, sizeof(*out));
	struct pctx c = {a, err, errsize};
	json_object *root = NULL;
	if (len <= 0x7fffffff && memchr(payload, '\0', len) == NULL) {
		json_tokener *tok = json_tokener_new();
		json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
		root = json_tokener_parse_ex(tok, payload, (int)len);
		if (root && (json_tokener_get_error(tok) != json_tokener_success ||
		                json_tokener_get_parse_end(tok) != len)) {
			json_object_put(root);
			root = NULL;
		}
		json_tokener_free(tok);
	}
	if (root == NULL || !json_object_is_type(root, json_type_object)) {
		say(err, errsize, "the payload is not a JSON object");
		json_object_put(root);
		return -1;
	}
	int rc = -1;
	const char *schema;
	json_object *tool, *prof, *opt, *snap, *snaps, *refs, *report, *win;
	int64_t asn;
	if (get_str(&c, root, "", "schema", 0, &schema))
		goto out;
	if (strcmp(schema, CONFORM_SIGNED_SCHEMA) != 0) {
		say(err, errsize, "schema %s, not " CONFORM_SIGNED_SCHEMA, schema);
		goto out;
	}
	if (get_str(&c, root, "", "iss", 0, &out->iss) ||
	    get_int(&c, root, "", "iat", 0, 0, INT64_MAX / 2, &out->iat) ||
	    get_int(&c, root, "", "nbf", 0, 0, INT64_MAX / 2, &out->nbf) ||
	    get_int(&c, root, "", "exp", 0, 0, INT64_MAX / 2, &out->exp) ||
	    member(&c, root, "", "tool", json_type_object, 0, &tool) ||
	    get_str(&c, tool, "tool", "name", 0, &out->tool) ||
	    get_str(&c, tool, "tool", "version", 0, &out->tool_version) ||
	    member(&c, root, "", "profile", json_type_object, 0, &prof) ||
	    get_str(&c, prof, "profile", "name", 0, &out->profile) ||
	    get_str(&c, prof, "profile", "version", 0, &out->profile_version) ||
	    get_str(&c, prof, "profile", "sha256", 0, &out->profile_sha256) ||
	    get_int(&c, root, "", "asn", 0, 0, UINT32_MAX, &asn) ||
	    member(&c, root, "", "window", json_type_object, 0, &win) ||
	    member(&c, root, "", "options", json_type_object, 0, &opt) ||
	    get_int(&c, opt, "options", "window", 1, 1, INT64_MAX / 4, &out->window) ||
	    get_int(&c, opt, "options", "max_evidence", 0, 0, 1 << 30, &out->max_evidence) ||
	    member(&c, opt, "options", "snapshot", json_type_object, 1, &snap) ||
	    member(&c, root, "", "snapshots", json_type_array, 0, &snaps) ||
	    member(&c, root, "", "references", json_type_array, 0, &refs) ||
	    member(&c, root, "", "report", json_type_object, 0, &report) ||
	    get_str(&c, report, "report", "overall", 0, &out->overall) ||
	    get_str(&c, report, "report", "name", 1, &out->as_name))
		goto out;
	out->asn = (uint32_t)asn;
	if (snap && (get_int(&c, snap, "options.snapshot", "id", 0, 1, INT64_MAX, &out->snapshot) ||
	                get_str(&c, snap, "options.snapshot", "key", 0, &out->snapshot_key)))
		goto out;
	size_t n = json_object_array_length(snaps);
	out->snaps = arena_alloc(a, (n + 1) * sizeof(*out->snaps));
	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(snaps, i), *in;
		struct conform_signed_snap *x = &out->snaps[i];
		char p[48];
		snprintf(p, sizeof(p), "snapshots[%zu]", i);
		if (!json_object_is_type(s, json_type_object)) {
			say(err, errsize, "%s: expected an object", p);
			goto out;
		}
		if (get_int(&c, s, p, "id", 0, 1, INT64_MAX, &x->id) ||
		    get_str(&c, s, p, "key", 0, &x->key) ||
		    get_str(&c, s, p, "label", 1, &x->label) ||
		    get_str(&c, s, p, "period_start", 1, &x->period_start) ||
		    get_str(&c, s, p, "period_end", 1, &x->period_end) ||
		    member(&c, s, p, "inputs", json_type_array, 0, &in))
			goto out;
		x->ninputs = json_object_array_length(in);
		out->nsnaps++;
	}
	if (parse_files(&c, refs, "references", &out->refs, &out->nrefs))
		goto out;
	rc = 0;
out:
	json_object_put(root);
	return rc;
}

/* ---------------------------------------------------------------- comparing */

/* v as short compact text. */
static void shown(json_object *v, char *buf, size_t size)
{
	const char *t = v ? json_object_to_json_string_ext(
	                        v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
	                  : "absent";
	size_t n = strlen(t);
	if (n > 80)
		snprintf(buf, size, "%.77s...", t);
	else
		snprintf(buf, size, "%s", t);
}

static int same(json_object *a, json_object *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	const char *x = json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN);
	char *keep = xstrdup(x);
	int eq = strcmp(keep, json_object_to_json_string_ext(b, JSON_C_TO_STRING_PLAIN)) == 0;
	free(keep);
	return eq;
}

/* The first place where a and b differ, as "path: signed X, now Y" in why. 1 when found. */
static int first_diff(
    json_object *a, json_object *b, char *path, size_t cap, char *why, size_t whysize, int depth)
{
	if (same(a, b))
		return 0;
	size_t len = strlen(path);
	if (depth < 16 && a && b && json_object_is_type(a, json_type_object) &&
	    json_object_is_type(b, json_type_object)) {
		json_object_object_foreach(a, k, va)
		{
			json_object *vb = NULL;
			json_object_object_get_ex(b, k, &vb);
			snprintf(path + len, cap - len, "%s%s", len ? "." : "", k);
			if (first_diff(va, vb, path, cap, why, whysize, depth + 1))
				return 1;
		}
		json_object_object_foreach(b, k2, vb2)
		{
			if (!json_object_object_get_ex(a, k2, NULL)) {
				snprintf(path + len, cap - len, "%s%s", len ? "." : "", k2);
				return first_diff(NULL, vb2, path, cap, why, whysize, depth + 1);
			}
		}
		path[len] = '\0';
	} else if (depth < 16 && a && b && json_object_is_type(a, json_type_array) &&
	           json_object_is_type(b, json_type_array)) {
		size_t na = json_object_array_length(a), nb = json_object_array_length(b);
		for (size_t i = 0; i < na && i < nb; i++) {
			json_object *ea = json_object_array_get_idx(a, i), *id;
			/* elements with a string id (controls) are named by it */
			if (json_object_is_type(ea, json_type_object) &&
			    json_object_object_get_ex(ea, "id", &id) &&
			    json_object_is_type(id, json_type_string))
				snprintf(path + len, cap - len, "[%s]", json_object_get_string(id));
			else
				snprintf(path + len, cap - len, "[%zu]", i);
			if (first_diff(ea, json_object_array_get_idx(b, i), path, cap, why, whysize,
			        depth + 1))
				return 1;
		}
		path[len] = '\0';
		if (na != nb) {
			snprintf(why, whysize, "%s: %zu item%s signed, %zu now", path, na,
			    na == 1 ? "" : "s", nb);
			return 1;
		}
	}
	char sa[96], sb[96];
	shown(a, sa, sizeof(sa));
	shown(b, sb, sizeof(sb));
	snprintf(why, whysize, "%s: signed %s, now %s", *path ? path : "payload", sa, sb);
	return 1;
}

/* The verdicts of two reports: the first control (by id) whose verdict, else whose reason,
 * differs, and a different overall verdict. 1 when found (why set). */
static int verdict_diff(json_object *a, json_object *b, char *why, size_t whysize)
{
	json_object *ca, *cb, *oa, *ob;
	size_t l = 0;
	why[0] = '\0';
	if (json_object_object_get_ex(a, "overall", &oa) &&
	    json_object_object_get_ex(b, "overall", &ob) && !same(oa, ob))
		l += (size_t)snprintf(why, whysize, "report.overall: signed \"%s\", now \"%s\"",
		    json_object_get_string(oa), json_object_get_string(ob));
	if (!json_object_object_get_ex(a, "controls", &ca) ||
	    !json_object_object_get_ex(b, "controls", &cb) ||
	    !json_object_is_type(ca, json_type_array) || !json_object_is_type(cb, json_type_array))
		return l > 0;
	static const char *const fields[] = {"verdict", "reason"};
	for (int f = 0; f < 2; f++)
		for (size_t i = 0; i < json_object_array_length(ca); i++) {
			json_object *x = json_object_array_get_idx(ca, i), *id, *vx, *vy = NULL;
			if (!json_object_object_get_ex(x, "id", &id) ||
			    !json_object_object_get_ex(x, fields[f], &vx))
				continue;
			for (size_t k = 0; k < json_object_array_length(cb) && vy == NULL; k++) {
				json_object *y = json_object_array_get_idx(cb, k), *idy;
				if (json_object_object_get_ex(y, "id", &idy) && same(id, idy))
					json_object_object_get_ex(y, fields[f], &vy);
			}
			if (same(vx, vy))
				continue;
			char sa[96], sb[96];
			shown(vx, sa, sizeof(sa));
			shown(vy, sb, sizeof(sb));
			snprintf(why + l, whysize - l,
			    "%sreport.controls[%s].%s: signed %s, now %s", l ? "; " : "",
			    json_object_get_string(id), fields[f], sa, sb);
			return 1;
		}
	return l > 0;
}

static json_object *parse_any(const char *s, size_t len)
{
	if (len > 0x7fffffff)
		return NULL;
	json_tokener *tok = json_tokener_new();
	json_object *o = json_tokener_parse_ex(tok, s, (int)len);
	json_tokener_free(tok);
	return o;
}

int conform_signed_diff(const char *signed_payload, size_t slen, const char *rebuilt, size_t rlen,
    char *why, size_t whysize)
{
	if (slen == rlen && memcmp(signed_payload, rebuilt, slen) == 0)
		return 0;
	json_object *a = parse_any(signed_payload, slen), *b = parse_any(rebuilt, rlen);
	if (a == NULL || b == NULL || !json_object_is_type(a, json_type_object) ||
	    !json_object_is_type(b, json_type_object)) {
		snprintf(why, whysize, "the payloads differ (one is not a JSON object)");
		json_object_put(a);
		json_object_put(b);
		return 1;
	}
	char fields[256] = "", first[600] = "", verdicts[600] = "", path[512];
	json_object_object_foreach(a, k, va)
	{
		json_object *vb = NULL;
		json_object_object_get_ex(b, k, &vb);
		if (same(va, vb))
			continue;
		size_t l = strlen(fields);
		snprintf(fields + l, sizeof(fields) - l, "%s%s", l ? ", " : "", k);
		/* in the report, what matters first: a verdict or its reason */
		if (strcmp(k, "report") == 0 && vb &&
		    verdict_diff(va, vb, verdicts, sizeof(verdicts)))
			continue;
		if (first[0] == '\0') {
			snprintf(path, sizeof(path), "%s", k);
			first_diff(va, vb, path, sizeof(path), first, sizeof(first), 1);
		}
	}
	json_object_object_foreach(b, k2, vb2)
	{
		(void)vb2;
		if (json_object_object_get_ex(a, k2, NULL))
			continue;
		size_t l = strlen(fields);
		snprintf(fields + l, sizeof(fields) - l, "%s%s (new)", l ? ", " : "", k2);
	}
	if (fields[0] == '\0')
		snprintf(why, whysize, "the same values, serialized differently");
	else if (verdicts[0])
		snprintf(why, whysize, "differs in %s; %s%s%s", fields, verdicts,
		    first[0] ? "; " : "", first);
	else
		snprintf(why, whysize, "differs in %s; first: %s", fields,
		    first[0] ? first : "a field the re-evaluation adds");
	json_object_put(a);
	json_object_put(b);
	return 1;
}
