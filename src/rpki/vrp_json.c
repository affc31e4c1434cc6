/*
 * JSON VRP files (json-c): rpki-client, Routinator ("jsonext" too) and GoRTR/StayRTR.
 *   {"roas": [{"asn": 13335 | "AS13335", "prefix": "1.0.0.0/24", "maxLength": 24, ...}],
 *    "aspas": [{"customer_asid" | "customer": N, "providers": [N, ...]}],
 *    "provider_authorizations": {"ipv4": [...], "ipv6": [...]}}   (older ASPA form)
 * A top-level array of ROA objects is accepted too. JSON has no useful line numbers after
 * parsing, so malformed entries are named by their index ("roas[12]").
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "rpki/rpki_private.h"

/* ASN from a JSON integer or an "AS123"/"123" string. */
static int json_asn(struct json_object *o, uint32_t *asn)
{
	if (o == NULL)
		return -1;
	if (json_object_is_type(o, json_type_int)) {
		int64_t v = json_object_get_int64(o);
		if (v < 0 || v > UINT32_MAX)
			return -1;
		*asn = (uint32_t)v;
		return 0;
	}
	if (json_object_is_type(o, json_type_string))
		return asn_parse(json_object_get_string(o), asn);
	return -1;
}

static struct json_object *get(struct json_object *o, const char *const *keys)
{
	struct json_object *v;
	for (int i = 0; keys[i]; i++)
		if (json_object_object_get_ex(o, keys[i], &v))
			return v;
	return NULL;
}

static int json_roa(struct load_ctx *c, struct json_object *r)
{
	static const char *const k_asn[] = {"asn", "origin", NULL};
	static const char *const k_pfx[] = {"prefix", NULL};
	static const char *const k_max[] = {"maxLength", "maxlength", "max_length", NULL};
	uint32_t asn;
	if (!json_object_is_type(r, json_type_object)) {
		c->st->records++;
		return load_bad(c, 0, "not an object");
	}
	struct json_object *pfx = get(r, k_pfx), *ml = get(r, k_max);
	if (json_asn(get(r, k_asn), &asn) < 0) {
		c->st->records++;
		return load_bad(c, 0, "missing or bad asn");
	}
	if (pfx == NULL || !json_object_is_type(pfx, json_type_string)) {
		c->st->records++;
		return load_bad(c, 0, "missing or bad prefix");
	}
	long maxlen = -1;
	if (ml != NULL) {
		if (!json_object_is_type(ml, json_type_int)) {
			c->st->records++;
			return load_bad(c, 0, "maxLength is not an integer");
		}
		int64_t v = json_object_get_int64(ml);
		maxlen = v < 0 || v > 255 ? 255 : (long)v; /* 255 is out of range below */
	}
	return load_vrp(c, 0, asn, json_object_get_string(pfx), maxlen);
}

static int json_aspa(struct load_ctx *c, struct json_object *a, const char *where, size_t idx)
{
	static const char *const k_cust[] = {"customer_asid", "customer", NULL};
	static const char *const k_prov[] = {"providers", "provider_asids", NULL};
	uint32_t cust, buf[256];
	c->st->records++;
	struct json_object *pv = json_object_is_type(a, json_type_object) ? get(a, k_prov) : NULL;
	if (pv == NULL || json_asn(get(a, k_cust), &cust) < 0 ||
	    !json_object_is_type(pv, json_type_array))
		return load_bad(c, 0, "%s[%zu]: missing customer or providers", where, idx);
	size_t n = json_object_array_length(pv);
	uint32_t *prov = n <= 256 ? buf : xreallocarray(NULL, n, sizeof(*prov));
	for (size_t i = 0; i < n; i++) {
		if (json_asn(json_object_array_get_idx(pv, i), &prov[i]) < 0) {
			if (prov != buf)
				free(prov);
			return load_bad(c, 0, "%s[%zu]: bad provider ASN", where, idx);
		}
	}
	aspa_table_add(c->aspa, cust, prov, n);
	c->st->aspas++;
	if (prov != buf)
		free(prov);
	return 0;
}

static int json_aspas(struct load_ctx *c, struct json_object *top)
{
	struct json_object *arr, *pa;
	if (c->aspa == NULL)
		return 0;
	if (json_object_object_get_ex(top, "aspas", &arr) &&
	    json_object_is_type(arr, json_type_array))
		for (size_t i = 0; i < json_object_array_length(arr); i++)
			if (json_aspa(c, json_object_array_get_idx(arr, i), "aspas", i) < 0)
				return -2;
	if (!json_object_object_get_ex(top, "provider_authorizations", &pa) ||
	    !json_object_is_type(pa, json_type_object))
		return 0;
	static const char *const fam[] = {"ipv4", "ipv6"};
	for (int f = 0; f < 2; f++) {
		if (!json_object_object_get_ex(pa, fam[f], &arr) ||
		    !json_object_is_type(arr, json_type_array))
			continue;
		for (size_t i = 0; i < json_object_array_length(arr); i++)
			if (json_aspa(c, json_object_array_get_idx(arr, i), fam[f], i) < 0)
				return -2;
	}
	return 0;
}

static size_t line_of(const char *buf, size_t off)
{
	size_t line = 1;
	for (size_t i = 0; i < off; i++)
		line += buf[i] == '\n';
	return line;
}

int vrp_load_json(struct load_ctx *c, const char *buf, size_t len)
{
	c->st->format = VRP_FMT_JSON;
	if (len > INT32_MAX) {
		log_err("%s: JSON file too large", c->name);
		return -1;
	}
	struct json_tokener *tok = json_tokener_new_ex(64);
	struct json_object *top = json_tokener_parse_ex(tok, buf, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (top == NULL || jerr != json_tokener_success) {
		size_t off = end < len ? end : len;
		snprintf(c->st->first_error, sizeof(c->st->first_error),
		    "%s:%zu: JSON syntax error at byte %zu: %s", c->name, line_of(buf, off), off,
		    jerr == json_tokener_continue ? "unexpected end of file"
		                                  : json_tokener_error_desc(jerr));
		log_err("%s", c->st->first_error);
		json_object_put(top);
		return -1;
	}
	struct json_object *roas = top;
	int rc = 0;
	if (json_object_is_type(top, json_type_object) &&
	    !json_object_object_get_ex(top, "roas", &roas))
		roas = NULL;
	if (roas != NULL && !json_object_is_type(roas, json_type_array)) {
		c->st->records++;
		rc = load_bad(c, 0, "\"roas\" is not an array");
		roas = NULL;
	}
	for (size_t i = 0; rc == 0 && roas != NULL && i < json_object_array_length(roas); i++) {
		c->item = (long)i;
		rc = json_roa(c, json_object_array_get_idx(roas, i)) < 0 ? -2 : 0;
	}
	c->item = -1;
	if (rc == 0 && json_object_is_type(top, json_type_object))
		rc = json_aspas(c, top);
	json_object_put(top);
	return rc;
}
