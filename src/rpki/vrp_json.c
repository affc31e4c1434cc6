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
	static const char *const k_ta[] = {"ta", NULL};
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
	struct json_object *ta = get(r, k_ta);
	c->has_ta = ta && json_object_is_type(ta, json_type_string);
	c->ta = c->has_ta ? json_object_get_string(ta) : NULL;
	c->talen = c->has_ta ? (size_t)json_object_get_string_len(ta) : 0;
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

/*
 * The file is read element by element: a VRP set of 400,000 ROAs is a tree of millions of
 * json-c objects when parsed whole (500 MB for a 30 MB file, and most of the load's time in
 * malloc), so the "roas" array is walked here and json-c parses one ROA at a time; every
 * other member (metadata, "aspas", ...) is parsed whole by json-c. This scanner only finds
 * where a value ends (strings, escapes, nesting); json-c checks each value's syntax.
 */
struct scan {
	struct load_ctx *c;
	const char *buf;
	size_t len, pos;
	struct json_tokener *tok;
};

static int syntax_error(struct scan *s, size_t off, const char *what)
{
	if (off > s->len)
		off = s->len;
	snprintf(s->c->st->first_error, sizeof(s->c->st->first_error),
	    "%s:%zu: JSON syntax error at byte %zu: %s", s->c->name, line_of(s->buf, off), off,
	    what);
	log_err("%s", s->c->st->first_error);
	return -1;
}

static void skip_ws(struct scan *s)
{
	while (s->pos < s->len && (s->buf[s->pos] == ' ' || s->buf[s->pos] == '\t' ||
	                              s->buf[s->pos] == '\n' || s->buf[s->pos] == '\r'))
		s->pos++;
}

/* One past the end of the value at i, or 0 when the input ends inside it. */
static size_t value_end(const char *buf, size_t len, size_t i)
{
	size_t depth = 0;
	for (; i < len; i++) {
		char ch = buf[i];
		if (ch == '"') {
			for (i++; i < len && buf[i] != '"'; i++)
				if (buf[i] == '\\')
					i++;
			if (i >= len)
				return 0;
			if (depth == 0)
				return i + 1;
		} else if (ch == '{' || ch == '[') {
			depth++;
		} else if (ch == '}' || ch == ']') {
			if (depth == 0)
				return i; /* a scalar ends at its container's close */
			if (--depth == 0)
				return i + 1;
		} else if (depth == 0 && (ch == ',' || ch == ' ' || ch == '\t' || ch == '\n' ||
		                             ch == '\r' || ch == ':')) {
			return i;
		}
	}
	return depth == 0 ? len : 0;
}

/* json-c's parse of the value at s->pos (advanced past it); NULL (said) when malformed. */
static struct json_object *parse_value(struct scan *s, int *err)
{
	size_t end = value_end(s->buf, s->len, s->pos);
	*err = 0;
	if (end == 0 || end == s->pos) {
		*err = syntax_error(
		    s, end ? s->pos : s->len, end ? "a value expected" : "unexpected end of file");
		return NULL;
	}
	json_tokener_reset(s->tok);
	struct json_object *o = json_tokener_parse_ex(s->tok, s->buf + s->pos, (int)(end - s->pos));
	enum json_tokener_error je = json_tokener_get_error(s->tok);
	if (je == json_tokener_continue) /* a number or literal at the end of its text */
		o = json_tokener_parse_ex(s->tok, "", 1);
	je = json_tokener_get_error(s->tok);
	if (o == NULL && je != json_tokener_success) {
		*err = syntax_error(
		    s, s->pos + json_tokener_get_parse_end(s->tok), json_tokener_error_desc(je));
		return NULL;
	}
	s->pos = end;
	return o;
}

/*
 * A ROA element in the form every validator writes: a flat object whose members are plain
 * strings (no escapes, ASCII) and non-negative integers of up to 18 digits, no member named
 * twice. read as json_roa reads it, without json-c. b is where the element begins, len the
 * bytes from there to the end of the input. Returns 1, the element's length in *used and
 * json_roa's result in *rc, or 0 when the element has another form (json-c then parses it).
 */
struct flat_val {
	const char *s; /* a string's bytes, NULL for an integer */
	size_t n;
	int64_t num;
};

static int flat_roa(struct load_ctx *c, const char *b, size_t len, size_t *used, int *rc)
{
	static const char *const keys[] = {
	    "asn", "origin", "prefix", "maxLength", "maxlength", "max_length", "ta"};
	static const unsigned char keylen[] = {3, 6, 6, 9, 9, 10, 2};
	enum { K_ASN, K_ORIGIN, K_PREFIX, K_MAXLENGTH, K_MAXLENGTH2, K_MAX_LENGTH, K_TA, NKEYS };
	_Static_assert(sizeof(keylen) == NKEYS && sizeof(keys) / sizeof(keys[0]) == NKEYS, "keys");
	struct flat_val v[NKEYS];
	int seen = 0;
	size_t i = 1; /* past '{' */
#define WS()                                                                                       \
	while (i < len && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r'))           \
	i++
	WS();
	if (i < len && b[i] == '}')
		i++;
	else
		for (;;) {
			if (i >= len || b[i] != '"')
				return 0;
			size_t k0 = ++i;
			while (i < len && b[i] != '"' && b[i] != '\\' &&
			       (unsigned char)b[i] >= 0x20 && (unsigned char)b[i] < 0x80)
				i++;
			if (i >= len || b[i] != '"')
				return 0;
			size_t kn = i++ - k0;
			WS();
			if (i >= len || b[i] != ':')
				return 0;
			i++;
			WS();
			struct flat_val x = {0};
			if (i < len && b[i] == '"') {
				x.s = b + ++i;
				while (i < len && b[i] != '"' && b[i] != '\\' &&
				       (unsigned char)b[i] >= 0x20 && (unsigned char)b[i] < 0x80)
					i++;
				if (i >= len || b[i] != '"')
					return 0;
				x.n = (size_t)(b + i++ - x.s);
			} else if (i < len && b[i] >= '0' && b[i] <= '9') {
				size_t d0 = i;
				for (; i < len && b[i] >= '0' && b[i] <= '9'; i++)
					x.num = x.num * 10 + (b[i] - '0');
				if (i - d0 > 18 || (b[d0] == '0' && i - d0 > 1))
					return 0;
				if (i < len && (b[i] == '.' || b[i] == 'e' || b[i] == 'E'))
					return 0;
			} else {
				return 0; /* nested, negative, literal: json-c */
			}
			for (int k = 0; k < NKEYS; k++) {
				if (keylen[k] != kn || memcmp(keys[k], b + k0, kn) != 0)
					continue;
				if (seen & (1 << k))
					return 0; /* named twice */
				seen |= 1 << k;
				v[k] = x;
			}
			WS();
			if (i < len && b[i] == ',') {
				i++;
				WS();
				continue;
			}
			if (i < len && b[i] == '}') {
				i++;
				break;
			}
			return 0;
		}
#undef WS
	*used = i;
	/* json_roa's checks, in its order */
	char text[128];
	uint32_t asn = 0;
	int ka = seen & (1 << K_ASN) ? K_ASN : seen & (1 << K_ORIGIN) ? K_ORIGIN : -1;
	int bad = ka < 0;
	if (!bad && v[ka].s) {
		if (v[ka].n >= sizeof(text))
			return 0;
		memcpy(text, v[ka].s, v[ka].n);
		text[v[ka].n] = '\0';
		bad = asn_parse(text, &asn) != 0;
	} else if (!bad) {
		bad = v[ka].num > UINT32_MAX;
		asn = (uint32_t)v[ka].num;
	}
	if (bad) {
		c->st->records++;
		*rc = load_bad(c, 0, "missing or bad asn");
		return 1;
	}
	if (!(seen & (1 << K_PREFIX)) || v[K_PREFIX].s == NULL) {
		c->st->records++;
		*rc = load_bad(c, 0, "missing or bad prefix");
		return 1;
	}
	long maxlen = -1;
	int km = seen & (1 << K_MAXLENGTH)    ? K_MAXLENGTH
	         : seen & (1 << K_MAXLENGTH2) ? K_MAXLENGTH2
	         : seen & (1 << K_MAX_LENGTH) ? K_MAX_LENGTH
	                                      : -1;
	if (km >= 0) {
		if (v[km].s) {
			c->st->records++;
			*rc = load_bad(c, 0, "maxLength is not an integer");
			return 1;
		}
		maxlen = v[km].num > 255 ? 255 : (long)v[km].num;
	}
	if (v[K_PREFIX].n >= sizeof(text))
		return 0;
	memcpy(text, v[K_PREFIX].s, v[K_PREFIX].n);
	text[v[K_PREFIX].n] = '\0';
	c->has_ta = (seen & (1 << K_TA)) && v[K_TA].s;
	c->ta = v[K_TA].s;
	c->talen = v[K_TA].n;
	*rc = load_vrp(c, 0, asn, text, maxlen);
	return 1;
}

/* The "roas" array (or a top-level array), one element at a time. -1 syntax, -2 strict. */
static int scan_roas(struct scan *s)
{
	s->pos++; /* '[' */
	skip_ws(s);
	if (s->pos < s->len && s->buf[s->pos] == ']') {
		s->pos++;
		return 0;
	}
	for (long i = 0;; i++) {
		skip_ws(s);
		int err, rc;
		if (s->pos < s->len && s->buf[s->pos] == '{') {
			size_t used;
			s->c->item = i;
			if (flat_roa(s->c, s->buf + s->pos, s->len - s->pos, &used, &rc)) {
				if (rc < 0)
					return -2;
				s->pos += used;
				goto next;
			}
		}
		struct json_object *r = parse_value(s, &err);
		if (err)
			return -1;
		s->c->item = i;
		rc = json_roa(s->c, r);
		json_object_put(r);
		if (rc < 0)
			return -2;
	next:
		skip_ws(s);
		if (s->pos < s->len && s->buf[s->pos] == ',') {
			s->pos++;
			continue;
		}
		if (s->pos < s->len && s->buf[s->pos] == ']') {
			s->pos++;
			return 0;
		}
		return syntax_error(s, s->pos,
		    s->pos < s->len ? "',' or ']' expected after an element"
		                    : "unexpected end of file");
	}
}

/* The members of the top-level object: "roas" walked, the others parsed whole; the ASPA
 * members are kept in aspas for json_aspas. */
static int scan_object(struct scan *s, struct json_object *aspas)
{
	s->pos++; /* '{' */
	for (int first = 1;; first = 0) {
		skip_ws(s);
		if (s->pos < s->len && s->buf[s->pos] == '}' && first) {
			s->pos++;
			return 0;
		}
		if (s->pos >= s->len || s->buf[s->pos] != '"')
			return syntax_error(s, s->pos,
			    s->pos < s->len ? "a member name expected" : "unexpected end of file");
		int err;
		struct json_object *key = parse_value(s, &err);
		if (err)
			return -1;
		char name[64];
		snprintf(name, sizeof(name), "%s", json_object_get_string(key));
		json_object_put(key);
		skip_ws(s);
		if (s->pos >= s->len || s->buf[s->pos] != ':')
			return syntax_error(s, s->pos, "':' expected after a member name");
		s->pos++;
		skip_ws(s);
		if (strcmp(name, "roas") == 0 && s->pos < s->len && s->buf[s->pos] == '[') {
			int rc = scan_roas(s);
			if (rc != 0)
				return rc;
		} else {
			struct json_object *v = parse_value(s, &err);
			if (err)
				return -1;
			if (strcmp(name, "roas") == 0) { /* not an array */
				json_object_put(v);
				s->c->st->records++;
				if (load_bad(s->c, 0, "\"roas\" is not an array") < 0)
					return -2;
			} else if (strcmp(name, "aspas") == 0 ||
			           strcmp(name, "provider_authorizations") == 0)
				json_object_object_add(aspas, name, v);
			else
				json_object_put(v);
		}
		skip_ws(s);
		if (s->pos < s->len && s->buf[s->pos] == ',') {
			s->pos++;
			continue;
		}
		if (s->pos < s->len && s->buf[s->pos] == '}') {
			s->pos++;
			return 0;
		}
		return syntax_error(s, s->pos,
		    s->pos < s->len ? "',' or '}' expected after a member"
		                    : "unexpected end of file");
	}
}

int vrp_load_json(struct load_ctx *c, const char *buf, size_t len)
{
	c->st->format = VRP_FMT_JSON;
	if (len > INT32_MAX) {
		log_err("%s: JSON file too large", c->name);
		return -1;
	}
	struct scan s = {.c = c, .buf = buf, .len = len, .tok = json_tokener_new_ex(64)};
	struct json_object *aspas = json_object_new_object();
	int rc;
	skip_ws(&s);
	if (s.pos < len && buf[s.pos] == '[')
		rc = scan_roas(&s);
	else if (s.pos < len && buf[s.pos] == '{')
		rc = scan_object(&s, aspas);
	else
		rc = syntax_error(&s, s.pos,
		    s.pos < len ? "an object or array expected" : "unexpected end of file");
	if (rc == 0) {
		skip_ws(&s);
		if (s.pos < len)
			rc = syntax_error(&s, s.pos, "text after the document");
	}
	c->item = -1;
	if (rc == 0)
		rc = json_aspas(c, aspas);
	json_object_put(aspas);
	json_tokener_free(s.tok);
	return rc;
}
