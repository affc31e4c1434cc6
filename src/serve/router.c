/*
 * The router: the raw request target (untrusted) parsed strictly into decoded path segments
 * and query parameters, matched against the route table; and the typed parameter parsers.
 * Everything is bounded (serve_private.h's limits) and nothing here allocates.
 */
#include <ctype.h>
#include <string.h>
#include <time.h>

#include "observe/observe.h"
#include "serve/serve_private.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode s[0..n) into out (at most max bytes). plus: '+' is a space (query strings).
 * Returns the decoded length, -1 on a bad escape or control byte, -2 when too long. */
static int decode(const char *s, size_t n, int plus, char *out, size_t max)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			int h, l;
			if (i + 2 >= n)
				return -1;
			if ((h = hexval(s[i + 1])) < 0 || (l = hexval(s[i + 2])) < 0)
				return -1;
			c = (unsigned char)(h << 4 | l);
			i += 2;
		} else if (c == '+' && plus) {
			c = ' ';
		}
		if (c < 0x20 || c == 0x7f)
			return -1;
		if (o == max)
			return -2;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return (int)o;
}

static int parse_path(struct target *t, const char *p, size_t n, const char **why)
{
	size_t i = 1; /* p[0] == '/' */
	while (i < n) {
		size_t j = i;
		while (j < n && p[j] != '/')
			j++;
		if (j == i) {
			*why = "empty path segment";
			return 400;
		}
		if (t->nseg == SEG_MAX) {
			*why = "no such path";
			return 404;
		}
		int len = decode(p + i, j - i, 0, t->seg[t->nseg], SEG_LEN);
		if (len < 0) {
			*why = len == -2 ? "path segment too long"
			                 : "bad escape or control byte in path";
			return len == -2 ? 414 : 400;
		}
		if (strcmp(t->seg[t->nseg], ".") == 0 || strcmp(t->seg[t->nseg], "..") == 0) {
			*why = "dot segment in path";
			return 400;
		}
		t->nseg++;
		if (j == n - 1) /* ends in '/' */
			t->trailing_slash = 1;
		i = j + 1;
	}
	return 0;
}

static int key_ok(const char *k)
{
	if (*k == '\0')
		return 0;
	for (; *k; k++)
		if (!islower((unsigned char)*k) && !isdigit((unsigned char)*k) && *k != '_')
			return 0;
	return 1;
}

static int parse_query(struct target *t, const char *q, size_t n, const char **why)
{
	size_t i = 0;
	while (i <= n) {
		size_t j = i;
		while (j < n && q[j] != '&')
			j++;
		if (j > i) {
			if (t->nparam == PARAM_MAX) {
				*why = "too many query parameters";
				return 400;
			}
			struct param *pm = &t->param[t->nparam];
			const char *eq = memchr(q + i, '=', j - i);
			size_t kl = eq ? (size_t)(eq - (q + i)) : j - i;
			if (decode(q + i, kl, 1, pm->key, PARAM_KEY_LEN) < 0 || !key_ok(pm->key)) {
				*why = "bad query parameter name";
				return 400;
			}
			int vl =
			    eq ? decode(eq + 1, (size_t)(q + j - eq - 1), 1, pm->val, PARAM_VAL_LEN)
			       : (pm->val[0] = '\0', 0);
			if (vl < 0) {
				*why = vl == -2 ? "query parameter value too long"
				                : "bad escape or control byte in query";
				return 400;
			}
			if (target_param(t, pm->key) != NULL) {
				*why = "repeated query parameter";
				return 400;
			}
			t->nparam++;
		}
		i = j + 1;
	}
	return 0;
}

int target_parse(struct target *t, const char *uri, size_t len, const char **why)
{
	t->nseg = t->nparam = t->trailing_slash = 0;
	if (len > URI_MAX) {
		*why = "request target too long";
		return 414;
	}
	if (len == 0 || uri[0] != '/') {
		*why = "request target must be an absolute path";
		return 400;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)uri[i];
		if (c <= 0x20 || c >= 0x7f || c == '#') {
			*why = "invalid byte in request target";
			return 400;
		}
	}
	const char *qm = memchr(uri, '?', len);
	size_t plen = qm ? (size_t)(qm - uri) : len;
	int rc = parse_path(t, uri, plen, why);
	if (rc == 0 && qm)
		rc = parse_query(t, qm + 1, len - plen - 1, why);
	return rc;
}

const char *target_param(const struct target *t, const char *key)
{
	for (int i = 0; i < t->nparam; i++)
		if (strcmp(t->param[i].key, key) == 0)
			return t->param[i].val;
	return NULL;
}

/* ---------------------------------------------------------------- typed values */

int param_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	if (s[0] == '\0')
		return -1;
	for (; s[i]; i++) {
		if (!isdigit((unsigned char)s[i]) || i >= 19)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

int param_asn(const char *s, uint32_t *out)
{
	if (strlen(s) > 16)
		return -1;
	return asn_parse(s, out);
}

int param_bool(const char *s, int *out)
{
	static const char *const yes[] = {"1", "true", "yes", "on"};
	static const char *const no[] = {"0", "false", "no", "off"};
	for (size_t i = 0; i < 4; i++) {
		if (strcmp(s, yes[i]) == 0)
			return *out = 1, 0;
		if (strcmp(s, no[i]) == 0)
			return *out = 0, 0;
	}
	return -1;
}

/* n digits at s into *v; -1 unless exactly n digits. */
int param_time(const char *s, int64_t *out)
{
	return time_parse_utc(s, out);
}

int param_asn_list(const char *s, uint32_t *out, size_t max, size_t *n)
{
	*n = 0;
	while (1) {
		const char *c = strchr(s, ',');
		size_t l = c ? (size_t)(c - s) : strlen(s);
		char one[20];
		if (l == 0 || l >= sizeof(one) || *n == max)
			return -1;
		memcpy(one, s, l);
		one[l] = '\0';
		uint32_t a;
		if (param_asn(one, &a) != 0)
			return -1;
		for (size_t i = 0; i < *n; i++)
			if (out[i] == a)
				return -1;
		out[(*n)++] = a;
		if (c == NULL)
			return 0;
		s = c + 1;
	}
}

const char *param_metric(const char *s)
{
	char up[16];
	size_t i = 0;
	for (; s[i] && i < sizeof(up) - 1; i++)
		up[i] = (char)toupper((unsigned char)s[i]);
	if (s[i])
		return NULL;
	up[i] = '\0';
	const struct metric_def *m = metric_by_name(up);
	return m ? m->name : NULL;
}

/* ---------------------------------------------------------------- matching */

/* Next segment of a pattern ("/a/{asn}/b"): copies it into seg, advances *p. */
static int pattern_next(const char **p, char *seg, size_t size)
{
	const char *s = *p;
	if (*s == '/')
		s++;
	if (*s == '\0')
		return 0;
	size_t n = strcspn(s, "/");
	if (n >= size)
		n = size - 1;
	memcpy(seg, s, n);
	seg[n] = '\0';
	*p = s + n;
	return 1;
}

/* Match one route. 0 = match, 404 = not this route, 400 = this route but a bad argument. */
static int match_one(const struct route *rt, const struct target *t, struct route_args *a)
{
	const char *p = rt->pattern;
	char ps[32];
	int i = 0;
	while (pattern_next(&p, ps, sizeof(ps))) {
		if (strcmp(ps, "{*}") == 0) {
			/* the segments up to the literal ones that follow it in the pattern
			 * ("/api/v1/org/{*}/history"), at least one */
			int tail = 0;
			for (const char *q = p; *q; q++)
				tail += *q == '/';
			int end = t->nseg - tail;
			if (i >= end)
				return 404;
			for (int k = 0; k < tail; k++) {
				char lit[32];
				const char *q = p;
				for (int m = 0; m <= k; m++)
					pattern_next(&q, lit, sizeof(lit));
				if (strcmp(lit, t->seg[end + k]) != 0)
					return 404;
			}
			size_t o = 0;
			for (; i < end; i++) {
				size_t l = strlen(t->seg[i]);
				if (o + l + 2 > sizeof(a->rest))
					return 404;
				if (o)
					a->rest[o++] = '/';
				memcpy(a->rest + o, t->seg[i], l);
				o += l;
			}
			a->rest[o] = '\0';
			return 0;
		}
		if (i >= t->nseg)
			return 404;
		const char *seg = t->seg[i++];
		if (strcmp(ps, "{asn}") == 0) {
			if (param_asn(seg, &a->asn) != 0) {
				a->why = "not an AS number";
				return 400;
			}
		} else if (strcmp(ps, "{badge}") == 0) {
			char num[24];
			size_t l = strlen(seg);
			if (l < 5 || l - 4 >= sizeof(num) || strcmp(seg + l - 4, ".svg") != 0)
				return 404;
			memcpy(num, seg, l - 4);
			num[l - 4] = '\0';
			if (param_asn(num, &a->asn) != 0) {
				a->why = "not an AS number";
				return 400;
			}
		} else if (strcmp(ps, seg) != 0) {
			return 404;
		}
	}
	return i == t->nseg && !t->trailing_slash ? 0 : 404;
}

int route_match(const struct route *tab, size_t n, const struct target *t, struct route_args *a,
    const struct route **out)
{
	int best = 404;
	a->why = "no such path";
	for (size_t k = 0; k < n; k++) {
		int rc = match_one(&tab[k], t, a);
		if (rc == 0) {
			*out = &tab[k];
			return 0;
		}
		if (rc == 400)
			best = 400;
	}
	if (best == 404)
		a->why = "no such path";
	return best;
}

int route_check_params(const struct route *rt, const struct target *t, const char **bad)
{
	for (int i = 0; i < t->nparam; i++) {
		const char *k = t->param[i].key, *p = rt->params;
		size_t kl = strlen(k);
		int ok = 0;
		while (p && *p) {
			size_t l = strcspn(p, ",");
			if (l == kl && strncmp(p, k, l) == 0)
				ok = 1;
			p += l + (p[l] == ',');
		}
		if (!ok) {
			*bad = k;
			return -1;
		}
	}
	return 0;
}
