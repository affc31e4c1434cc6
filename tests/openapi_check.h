/* A test helper: load docs/openapi.yaml with libyaml and check a json-c value against the
 * response schema the document declares for a path, method and status. Implements the
 * JSON-Schema subset the document uses (type, nullable, properties, required, items, enum,
 * additionalProperties, allOf, oneOf, anyOf, minimum/maximum, minLength/maxLength, $ref to
 * "#/..."); any other keyword in a schema it reaches is reported as an error, never ignored.
 * Errors name the JSON path ($.items[3].rpki) and the schema path (#/components/...). */
#ifndef ROUTEMARK_OPENAPI_CHECK_H
#define ROUTEMARK_OPENAPI_CHECK_H

#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define OAS_MAXCOVER 128

struct oas {
	yaml_document_t doc;
	int loaded;
	/* strict: also report a field that a schema with properties (its own or its allOf
	 * branches') does not list and whose additionalProperties is absent: the document
	 * should name every field the server sends */
	int strict;
	json_object *allof_of; /* the value allOf branches are checking (strict: the union) */
	char err[4096];        /* the messages of the last check, one a line */
	size_t nerr;
	/* coverage: "METHOD template status" of every response checked */
	char *covered[OAS_MAXCOVER];
	size_t ncovered;
};

static int oas_load(struct oas *o, const char *file)
{
	memset(o, 0, sizeof(*o));
	FILE *f = fopen(file, "rb");
	if (f == NULL) {
		snprintf(o->err, sizeof(o->err), "%s: cannot open", file);
		return -1;
	}
	yaml_parser_t p;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	int ok = yaml_parser_load(&p, &o->doc);
	if (!ok)
		snprintf(o->err, sizeof(o->err), "%s:%zu:%zu: %s", file, p.problem_mark.line + 1,
		    p.problem_mark.column + 1, p.problem ? p.problem : "YAML error");
	yaml_parser_delete(&p);
	fclose(f);
	if (!ok)
		return -1;
	o->loaded = yaml_document_get_root_node(&o->doc) != NULL;
	return o->loaded ? 0 : -1;
}

__attribute__((unused)) static void oas_free(struct oas *o)
{
	if (o->loaded)
		yaml_document_delete(&o->doc);
	for (size_t i = 0; i < o->ncovered; i++)
		free(o->covered[i]);
	o->loaded = 0;
	o->ncovered = 0;
}

__attribute__((format(printf, 2, 3))) static void oas_error(struct oas *o, const char *fmt, ...)
{
	size_t len = strlen(o->err);
	va_list ap;
	o->nerr++;
	if (len + 2 >= sizeof(o->err))
		return;
	va_start(ap, fmt);
	vsnprintf(o->err + len, sizeof(o->err) - len - 1, fmt, ap);
	va_end(ap);
	len = strlen(o->err);
	o->err[len] = '\n';
	o->err[len + 1] = '\0';
}

/* ---------------------------------------------------------------- the YAML tree */

static const char *oas_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A plain (unquoted) scalar YAML reads as null: null, Null, NULL, ~ or empty. */
static int oas_is_null(const yaml_node_t *n)
{
	const char *s = oas_scalar(n);
	if (s == NULL || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return !*s || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL") ||
	       !strcmp(s, "~");
}

static int oas_is_true(const yaml_node_t *n)
{
	const char *s = oas_scalar(n);
	return s && (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"));
}

static int oas_is_false(const yaml_node_t *n)
{
	const char *s = oas_scalar(n);
	return s && (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"));
}

static yaml_node_t *oas_get(struct oas *o, const yaml_node_t *map, const char *key)
{
	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		const char *k = oas_scalar(yaml_document_get_node(&o->doc, p->key));
		if (k && strcmp(k, key) == 0)
			return yaml_document_get_node(&o->doc, p->value);
	}
	return NULL;
}

static size_t oas_seq_len(const yaml_node_t *n)
{
	return n && n->type == YAML_SEQUENCE_NODE
	           ? (size_t)(n->data.sequence.items.top - n->data.sequence.items.start)
	           : 0;
}

static yaml_node_t *oas_seq_at(struct oas *o, const yaml_node_t *n, size_t i)
{
	return yaml_document_get_node(&o->doc, n->data.sequence.items.start[i]);
}

/* A local reference "#/a/b~1c" (JSON pointer, ~1 is '/', ~0 is '~'); NULL if it leads
 * nowhere. */
static yaml_node_t *oas_resolve(struct oas *o, const char *ref)
{
	if (strncmp(ref, "#/", 2) != 0)
		return NULL;
	yaml_node_t *n = yaml_document_get_root_node(&o->doc);
	const char *s = ref + 2;
	while (n && *s) {
		char key[256];
		size_t k = 0;
		for (; *s && *s != '/' && k + 1 < sizeof(key); s++) {
			if (s[0] == '~' && (s[1] == '0' || s[1] == '1'))
				key[k++] = *++s == '1' ? '/' : '~';
			else
				key[k++] = *s;
		}
		key[k] = '\0';
		n = oas_get(o, n, key);
		if (*s == '/')
			s++;
	}
	return n;
}

/* Follow $ref (in a schema, a response, a parameter), renaming *where to the target. */
static yaml_node_t *oas_deref(struct oas *o, yaml_node_t *n, char *where, size_t size)
{
	for (int depth = 0; n && depth < 16; depth++) {
		const char *ref = oas_scalar(oas_get(o, n, "$ref"));
		if (ref == NULL)
			return n;
		if (n->data.mapping.pairs.top - n->data.mapping.pairs.start != 1) {
			oas_error(o, "%s: $ref with sibling keywords", where);
			return NULL;
		}
		yaml_node_t *t = oas_resolve(o, ref);
		if (t == NULL) {
			oas_error(o, "%s: unresolved $ref %s", where, ref);
			return NULL;
		}
		snprintf(where, size, "%s", ref);
		n = t;
	}
	if (n)
		oas_error(o, "%s: $ref chain too deep", where);
	return NULL;
}

/* ---------------------------------------------------------------- schema checks */

/* dst = a b c, cut to size (a deep path is only shortened in messages). */
static void oas_join(char *dst, size_t size, const char *a, const char *b, const char *c)
{
	if (snprintf(dst, size, "%s%s%s", a, b, c) >= (int)size)
		dst[size - 1] = '\0';
}

static void oas_check_at(struct oas *o, yaml_node_t *schema, const char *spath, json_object *j,
    const char *jpath, int depth);

static const char *oas_json_type(json_object *j)
{
	switch (json_object_get_type(j)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "boolean";
	case json_type_int:
		return "integer";
	case json_type_double:
		return "number";
	case json_type_string:
		return "string";
	case json_type_array:
		return "array";
	case json_type_object:
		return "object";
	}
	return "?";
}

static int oas_type_ok(const char *want, json_object *j)
{
	const char *got = oas_json_type(j);
	if (strcmp(want, "number") == 0)
		return !strcmp(got, "number") || !strcmp(got, "integer");
	return strcmp(want, got) == 0;
}

static int oas_enum_ok(struct oas *o, yaml_node_t *en, json_object *j)
{
	for (size_t i = 0; i < oas_seq_len(en); i++) {
		yaml_node_t *v = oas_seq_at(o, en, i);
		if (json_object_is_type(j, json_type_null)) {
			if (oas_is_null(v))
				return 1;
			continue;
		}
		if (oas_is_null(v) || oas_scalar(v) == NULL)
			continue;
		if (json_object_is_type(j, json_type_string)) {
			if (strcmp(oas_scalar(v), json_object_get_string(j)) == 0)
				return 1;
		} else if (strcmp(oas_scalar(v), json_object_to_json_string(j)) == 0)
			return 1;
	}
	return 0;
}

/* type (a name or a list of names, "null" among them) and nullable. 0 when the value's type
 * is allowed; an error otherwise. A null that is allowed stops further checks (*stop). */
static int oas_check_type(struct oas *o, yaml_node_t *schema, const char *spath, json_object *j,
    const char *jpath, int *stop)
{
	yaml_node_t *type = oas_get(o, schema, "type");
	int is_null = json_object_is_type(j, json_type_null);
	int nullable = oas_is_true(oas_get(o, schema, "nullable"));
	*stop = 0;
	if (type == NULL) {
		*stop = is_null;
		return 0;
	}
	char names[128] = "";
	int ok = 0;
	size_t n = type->type == YAML_SEQUENCE_NODE ? oas_seq_len(type) : 1;
	for (size_t i = 0; i < n; i++) {
		const char *t =
		    oas_scalar(type->type == YAML_SEQUENCE_NODE ? oas_seq_at(o, type, i) : type);
		if (t == NULL) {
			oas_error(o, "%s/type: not a name", spath);
			return -1;
		}
		snprintf(
		    names + strlen(names), sizeof(names) - strlen(names), "%s%s", i ? "|" : "", t);
		ok |= oas_type_ok(t, j);
	}
	if (is_null && (ok || nullable)) {
		*stop = 1;
		return 0;
	}
	if (ok)
		return 0;
	oas_error(o, "%s: %s where %s/type wants %s%s", jpath, oas_json_type(j), spath, names,
	    nullable ? " (nullable)" : "");
	return -1;
}

/* Does the schema (or, through $ref, one of its allOf branches) list the property? */
static int oas_lists_prop(struct oas *o, yaml_node_t *schema, const char *key, int depth)
{
	char where[512] = "allOf";
	schema = depth < 16 ? oas_deref(o, schema, where, sizeof(where)) : NULL;
	if (schema == NULL)
		return 0;
	if (oas_get(o, oas_get(o, schema, "properties"), key))
		return 1;
	yaml_node_t *all = oas_get(o, schema, "allOf");
	for (size_t i = 0; i < oas_seq_len(all); i++)
		if (oas_lists_prop(o, oas_seq_at(o, all, i), key, depth + 1))
			return 1;
	return 0;
}

static void oas_check_object(struct oas *o, yaml_node_t *schema, const char *spath, json_object *j,
    const char *jpath, int depth)
{
	char sp[512], jp[512];
	yaml_node_t *props = oas_get(o, schema, "properties");
	yaml_node_t *req = oas_get(o, schema, "required");
	yaml_node_t *addl = oas_get(o, schema, "additionalProperties");
	for (size_t i = 0; i < oas_seq_len(req); i++) {
		const char *k = oas_scalar(oas_seq_at(o, req, i));
		if (k && !json_object_object_get_ex(j, k, NULL))
			oas_error(
			    o, "%s: missing required field \"%s\" (%s/required)", jpath, k, spath);
	}
	json_object_object_foreach(j, key, val)
	{
		snprintf(jp, sizeof(jp), "%s.%s", jpath, key);
		yaml_node_t *ps = oas_get(o, props, key);
		if (ps) {
			oas_join(sp, sizeof(sp), spath, "/properties/", key);
			oas_check_at(o, ps, sp, val, jp, depth + 1);
		} else if (addl && oas_is_false(addl)) {
			oas_error(
			    o, "%s: field not allowed (%s/additionalProperties: false)", jp, spath);
		} else if (addl && addl->type == YAML_MAPPING_NODE) {
			oas_join(sp, sizeof(sp), spath, "/additionalProperties", "");
			oas_check_at(o, addl, sp, val, jp, depth + 1);
		} else if (o->strict && addl == NULL && o->allof_of != j &&
		           (props || oas_get(o, schema, "allOf")) &&
		           !oas_lists_prop(o, schema, key, 0)) {
			oas_error(o, "%s: field not listed by %s (strict)", jp, spath);
		}
	}
}

static void oas_check_bounds(
    struct oas *o, yaml_node_t *schema, const char *spath, json_object *j, const char *jpath)
{
	const char *mn = oas_scalar(oas_get(o, schema, "minimum"));
	const char *mx = oas_scalar(oas_get(o, schema, "maximum"));
	if (json_object_is_type(j, json_type_int) || json_object_is_type(j, json_type_double)) {
		double v = json_object_get_double(j);
		if (mn && v < strtod(mn, NULL))
			oas_error(o, "%s: %g below %s/minimum %s", jpath, v, spath, mn);
		if (mx && v > strtod(mx, NULL))
			oas_error(o, "%s: %g above %s/maximum %s", jpath, v, spath, mx);
	}
	const char *mnl = oas_scalar(oas_get(o, schema, "minLength"));
	const char *mxl = oas_scalar(oas_get(o, schema, "maxLength"));
	if (json_object_is_type(j, json_type_string)) {
		long len = (long)json_object_get_string_len(j);
		if (mnl && len < atol(mnl))
			oas_error(
			    o, "%s: length %ld below %s/minLength %s", jpath, len, spath, mnl);
		if (mxl && len > atol(mxl))
			oas_error(
			    o, "%s: length %ld above %s/maxLength %s", jpath, len, spath, mxl);
	}
}

/* allOf: every one; oneOf: exactly one; anyOf: at least one (errors of the branches are kept
 * only when the combination fails). */
static void oas_check_combo(struct oas *o, yaml_node_t *list, const char *kw, const char *spath,
    json_object *j, const char *jpath, int depth)
{
	char sp[512];
	size_t n = oas_seq_len(list), passed = 0;
	if (list == NULL || list->type != YAML_SEQUENCE_NODE || n == 0) {
		oas_error(o, "%s/%s: not a list of schemas", spath, kw);
		return;
	}
	size_t mark = strlen(o->err), nmark = o->nerr;
	json_object *outer = o->allof_of;
	if (strcmp(kw, "allOf") == 0)
		o->allof_of = j; /* the owner checks the union of the branches' properties */
	for (size_t i = 0; i < n; i++) {
		size_t before = o->nerr;
		char idx[64];
		snprintf(idx, sizeof(idx), "/%s/%zu", kw, i);
		oas_join(sp, sizeof(sp), spath, idx, "");
		oas_check_at(o, oas_seq_at(o, list, i), sp, j, jpath, depth + 1);
		passed += o->nerr == before;
	}
	o->allof_of = outer;
	if (strcmp(kw, "allOf") == 0)
		return; /* the branches' errors are the errors */
	int ok = strcmp(kw, "oneOf") == 0 ? passed == 1 : passed >= 1;
	if (ok) {
		o->err[mark] = '\0';
		o->nerr = nmark;
	} else
		oas_error(o, "%s: %zu of %zu schemas of %s/%s match", jpath, passed, n, spath, kw);
}

static int oas_keyword_known(const char *k)
{
	static const char *const known[] = {"type", "nullable", "properties", "required", "items",
	    "enum", "additionalProperties", "allOf", "oneOf", "anyOf", "minimum", "maximum",
	    "minLength", "maxLength",
	    /* annotations, nothing to check */
	    "description", "default", "example", "title", "deprecated", "readOnly", NULL};
	for (size_t i = 0; known[i]; i++)
		if (strcmp(k, known[i]) == 0)
			return 1;
	return 0;
}

static void oas_check_at(struct oas *o, yaml_node_t *schema, const char *spath, json_object *j,
    const char *jpath, int depth)
{
	char where[512], sp[512], jp[512];
	snprintf(where, sizeof(where), "%s", spath);
	if (depth > 64) {
		oas_error(o, "%s: schema nesting too deep at %s", jpath, spath);
		return;
	}
	schema = oas_deref(o, schema, where, sizeof(where));
	if (schema == NULL)
		return;
	if (schema->type != YAML_MAPPING_NODE) {
		oas_error(o, "%s: a schema must be a mapping", where);
		return;
	}
	for (yaml_node_pair_t *p = schema->data.mapping.pairs.start;
	     p < schema->data.mapping.pairs.top; p++) {
		const char *k = oas_scalar(yaml_document_get_node(&o->doc, p->key));
		if (k == NULL || !oas_keyword_known(k))
			oas_error(o, "%s: schema keyword \"%s\" not implemented by the checker",
			    where, k ? k : "?");
	}
	int stop;
	if (oas_check_type(o, schema, where, j, jpath, &stop) != 0 || stop)
		return;
	yaml_node_t *en = oas_get(o, schema, "enum");
	if (en && !oas_enum_ok(o, en, j))
		oas_error(
		    o, "%s: %s is not in %s/enum", jpath, json_object_to_json_string(j), where);
	oas_check_bounds(o, schema, where, j, jpath);
	static const char *const combos[] = {"allOf", "oneOf", "anyOf"};
	for (size_t i = 0; i < 3; i++) {
		yaml_node_t *c = oas_get(o, schema, combos[i]);
		if (c)
			oas_check_combo(o, c, combos[i], where, j, jpath, depth);
	}
	if (json_object_is_type(j, json_type_object))
		oas_check_object(o, schema, where, j, jpath, depth);
	yaml_node_t *items = oas_get(o, schema, "items");
	if (items && json_object_is_type(j, json_type_array)) {
		oas_join(sp, sizeof(sp), where, "/items", "");
		for (size_t i = 0; i < json_object_array_length(j); i++) {
			snprintf(jp, sizeof(jp), "%s[%zu]", jpath, i);
			oas_check_at(o, items, sp, json_object_array_get_idx(j, i), jp, depth + 1);
		}
	}
}

/* Check j against the schema at ref ("#/components/schemas/Error"); the number of errors,
 * whose messages are in o->err. */
static size_t oas_check_ref(struct oas *o, const char *ref, json_object *j)
{
	o->err[0] = '\0';
	o->nerr = 0;
	yaml_node_t *s = oas_resolve(o, ref);
	if (s == NULL)
		oas_error(o, "%s: no such schema", ref);
	else
		oas_check_at(o, s, ref, j, "$", 0);
	return o->nerr;
}

/* ---------------------------------------------------------------- paths and responses */

/* Does the concrete path (no query) match the template? A {param} matches one segment; the
 * last one, when greedy, the rest of the path (as /api/v1/prefix/{prefix} does). The score is
 * the number of literal segments, or -1. */
static int oas_path_score(const char *tmpl, const char *path, int greedy)
{
	int score = 0;
	const char *t = tmpl, *p = path;
	while (*t && *p) {
		if (*t != '/' || *p != '/')
			return -1;
		t++, p++;
		size_t tl = strcspn(t, "/"), pl = strcspn(p, "/");
		if (*t == '{') {
			if (pl == 0)
				return -1;
			if (greedy && t[tl] == '\0')
				return score;
		} else if (tl != pl || strncmp(t, p, tl) != 0)
			return -1;
		else
			score++;
		t += tl, p += pl;
	}
	return *t || *p ? -1 : score;
}

/* The documented path template for a concrete path; NULL if none. */
static const char *oas_find_path(struct oas *o, const char *path, yaml_node_t **item)
{
	yaml_node_t *paths = oas_get(o, yaml_document_get_root_node(&o->doc), "paths");
	if (paths == NULL || paths->type != YAML_MAPPING_NODE)
		return NULL;
	for (int greedy = 0; greedy < 2; greedy++) {
		const char *best = NULL;
		int bs = -1;
		for (yaml_node_pair_t *p = paths->data.mapping.pairs.start;
		     p < paths->data.mapping.pairs.top; p++) {
			const char *k = oas_scalar(yaml_document_get_node(&o->doc, p->key));
			int s = k ? oas_path_score(k, path, greedy) : -1;
			if (s > bs) {
				bs = s, best = k;
				*item = yaml_document_get_node(&o->doc, p->value);
			}
		}
		if (best)
			return best;
	}
	return NULL;
}

static void oas_cover(struct oas *o, const char *method, const char *tmpl, const char *status)
{
	char key[300];
	snprintf(key, sizeof(key), "%s %s %s", method, tmpl, status);
	for (size_t i = 0; i < o->ncovered; i++)
		if (strcmp(o->covered[i], key) == 0)
			return;
	if (o->ncovered < OAS_MAXCOVER)
		o->covered[o->ncovered++] = strdup(key);
}

/* Check a response (method "GET", path with or without its query string, HTTP status) against
 * the schema of its application/json content. Returns the number of errors (a path, method or
 * status the document does not declare is one); *documented says whether the path and method
 * are in the document at all. */
static size_t oas_check_response(struct oas *o, const char *method, const char *target, long status,
    json_object *j, int *documented)
{
	char path[1024], meth[16], st[16], where[512];
	o->err[0] = '\0';
	o->nerr = 0;
	*documented = 0;
	snprintf(path, sizeof(path), "%.*s", (int)strcspn(target, "?"), target);
	size_t i = 0;
	for (; method[i] && i + 1 < sizeof(meth); i++)
		meth[i] = (char)(method[i] | 0x20);
	meth[i] = '\0';
	yaml_node_t *item = NULL;
	const char *tmpl = oas_find_path(o, path, &item);
	yaml_node_t *op = tmpl ? oas_get(o, item, meth) : NULL;
	if (op == NULL) {
		oas_error(o, "%s %s: no such path and method in the document", method, path);
		return o->nerr;
	}
	*documented = 1;
	snprintf(st, sizeof(st), "%ld", status);
	yaml_node_t *resp = oas_get(o, oas_get(o, op, "responses"), st);
	if (resp == NULL) {
		oas_error(o, "%s %s: status %s not declared under paths/%s/%s/responses", method,
		    path, st, tmpl, meth);
		return o->nerr;
	}
	size_t w = (size_t)snprintf(where, sizeof(where), "#/paths/");
	for (const char *c = tmpl; *c && w + 3 < sizeof(where); c++)
		w += (size_t)snprintf(where + w, sizeof(where) - w, *c == '/' ? "~1" : "%c", *c);
	snprintf(where + w, sizeof(where) - w, "/%s/responses/%s", meth, st);
	resp = oas_deref(o, resp, where, sizeof(where));
	yaml_node_t *schema =
	    oas_get(o, oas_get(o, oas_get(o, resp, "content"), "application/json"), "schema");
	if (schema == NULL) {
		oas_error(o, "%s: no application/json schema", where);
		return o->nerr;
	}
	oas_cover(o, method, tmpl, st);
	size_t len = strlen(where);
	snprintf(where + len, sizeof(where) - len, "/content/application~1json/schema");
	oas_check_at(o, schema, where, j, "$", 0);
	return o->nerr;
}

/* A response that is not JSON (a signed report, application/jose): the document must declare
 * the status with content of media type ctype. Returns the number of errors (o->err). */
__attribute__((unused)) static size_t oas_check_raw(
    struct oas *o, const char *method, const char *target, long status, const char *ctype)
{
	char path[1024], meth[16], st[16], where[512];
	o->err[0] = '\0';
	o->nerr = 0;
	snprintf(path, sizeof(path), "%.*s", (int)strcspn(target, "?"), target);
	size_t i = 0;
	for (; method[i] && i + 1 < sizeof(meth); i++)
		meth[i] = (char)(method[i] | 0x20);
	meth[i] = '\0';
	yaml_node_t *item = NULL;
	const char *tmpl = oas_find_path(o, path, &item);
	yaml_node_t *op = tmpl ? oas_get(o, item, meth) : NULL;
	if (op == NULL) {
		oas_error(o, "%s %s: no such path and method in the document", method, path);
		return o->nerr;
	}
	snprintf(st, sizeof(st), "%ld", status);
	snprintf(where, sizeof(where), "paths/%s/%s/responses/%s", tmpl, meth, st);
	yaml_node_t *resp =
	    oas_deref(o, oas_get(o, oas_get(o, op, "responses"), st), where, sizeof(where));
	if (resp == NULL) {
		oas_error(o, "%s: not declared", where);
		return o->nerr;
	}
	if (oas_get(o, oas_get(o, resp, "content"), ctype) == NULL) {
		oas_error(o, "%s: no content of type %s", where, ctype);
		return o->nerr;
	}
	oas_cover(o, method, tmpl, st);
	return 0;
}

/* Every response the document declares for a method, as "METHOD template status", that no
 * check covered; their number (their list is in o->err). */
__attribute__((unused)) static size_t oas_uncovered(struct oas *o, const char *method)
{
	char meth[16], key[300];
	size_t i = 0;
	for (; method[i] && i + 1 < sizeof(meth); i++)
		meth[i] = (char)(method[i] | 0x20);
	meth[i] = '\0';
	o->err[0] = '\0';
	o->nerr = 0;
	yaml_node_t *paths = oas_get(o, yaml_document_get_root_node(&o->doc), "paths");
	if (paths == NULL || paths->type != YAML_MAPPING_NODE)
		return 0;
	for (yaml_node_pair_t *p = paths->data.mapping.pairs.start;
	     p < paths->data.mapping.pairs.top; p++) {
		const char *tmpl = oas_scalar(yaml_document_get_node(&o->doc, p->key));
		yaml_node_t *r = oas_get(
		    o, oas_get(o, yaml_document_get_node(&o->doc, p->value), meth), "responses");
		if (tmpl == NULL || r == NULL || r->type != YAML_MAPPING_NODE)
			continue;
		for (yaml_node_pair_t *q = r->data.mapping.pairs.start;
		     q < r->data.mapping.pairs.top; q++) {
			const char *st = oas_scalar(yaml_document_get_node(&o->doc, q->key));
			snprintf(key, sizeof(key), "%s %s %s", method, tmpl, st ? st : "?");
			size_t k = 0;
			while (k < o->ncovered && strcmp(o->covered[k], key) != 0)
				k++;
			if (k == o->ncovered)
				oas_error(o, "not exercised: %s", key);
		}
	}
	return o->nerr;
}

#endif
