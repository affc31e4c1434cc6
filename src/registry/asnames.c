/*
 * AS names: "ASN:NAME, CC" lines (potaroo autnums style, asn_names_ASN_lookup) and the
 * ip-location-db ASN CSV "range_start,range_end,asn,org_name" (org_name CSV-quoted when it
 * holds a comma). The first name / org seen for an ASN wins. An open-addressing hash maps an
 * ASN to its entry, so the 500k CSV rows collapse to one entry per ASN while loading.
 */
#include <stdlib.h>
#include <string.h>

#include "registry/registry.h"
#include "registry/registry_private.h"

void asnames_init(struct asnames *a)
{
	memset(a, 0, sizeof(*a));
	arena_init(&a->arena, 256 * 1024);
}

void asnames_free(struct asnames *a)
{
	free(a->v);
	free(a->hash);
	arena_free(&a->arena);
	memset(a, 0, sizeof(*a));
}

static size_t slot_of(uint32_t asn, size_t nslots)
{
	return (size_t)((asn * 2654435761u) & (uint32_t)(nslots - 1));
}

static void rehash(struct asnames *a)
{
	size_t ns = a->nslots ? a->nslots * 2 : 4096;
	uint32_t *h = xcalloc(ns, sizeof(*h));
	for (size_t i = 0; i < a->n; i++) {
		size_t s = slot_of(a->v[i].asn, ns);
		while (h[s])
			s = (s + 1) & (ns - 1);
		h[s] = (uint32_t)(i + 1);
	}
	free(a->hash);
	a->hash = h;
	a->nslots = ns;
}

static struct asname *entry(struct asnames *a, uint32_t asn)
{
	if (2 * (a->n + 1) > a->nslots)
		rehash(a);
	size_t s = slot_of(asn, a->nslots);
	while (a->hash[s]) {
		if (a->v[a->hash[s] - 1].asn == asn)
			return &a->v[a->hash[s] - 1];
		s = (s + 1) & (a->nslots - 1);
	}
	XGROW(a->v, a->cap, a->n + 1);
	struct asname *e = &a->v[a->n];
	memset(e, 0, sizeof(*e));
	e->asn = asn;
	a->hash[s] = (uint32_t)(++a->n);
	return e;
}

static const char *dup(struct asnames *a, const char *s, size_t n)
{
	char *c = arena_alloc(&a->arena, n + 1);
	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

/* "ASN:NAME, CC": the country follows the last ", " when it is two letters. */
static int add_autnum(struct asnames *a, const char *line, size_t len, const char *colon)
{
	char num[16];
	size_t nl = (size_t)(colon - line);
	uint32_t asn;
	if (nl == 0 || nl >= sizeof(num))
		return -1;
	memcpy(num, line, nl);
	num[nl] = '\0';
	if (asn_parse(num, &asn) != 0)
		return -1;
	const char *name = colon + 1, *end = line + len;
	const char *cc = NULL;
	if (end - name >= 4 && end[-4] == ',' && end[-3] == ' ')
		cc = end - 2;
	struct asname *e = entry(a, asn);
	if (e->name == NULL)
		e->name = dup(a, name, (size_t)((cc ? cc - 2 : end) - name));
	if (cc && e->cc[0] == '\0')
		memcpy(e->cc, cc, 2);
	return 0;
}

/* One CSV field starting at *p (quoted or not); copies its text into out. */
static int csv_field(const char **p, const char *end, char *out, size_t size)
{
	const char *s = *p;
	size_t n = 0;
	if (s < end && *s == '"') {
		s++;
		for (;;) {
			if (s >= end)
				return -1;
			if (*s == '"') {
				if (s + 1 < end && s[1] == '"') {
					s++;
				} else {
					s++;
					break;
				}
			}
			if (n + 1 < size)
				out[n++] = *s;
			s++;
		}
	} else {
		while (s < end && *s != ',') {
			if (n + 1 < size)
				out[n++] = *s;
			s++;
		}
	}
	out[n] = '\0';
	if (s < end && *s != ',')
		return -1;
	*p = s < end ? s + 1 : s;
	return 0;
}

static int add_csv(struct asnames *a, const char *line, size_t len)
{
	const char *p = line, *end = line + len;
	char f[4][256];
	for (int i = 0; i < 4; i++)
		if (p > end || csv_field(&p, end, f[i], sizeof(f[i])) != 0)
			return -1;
	uint32_t asn;
	if (asn_parse(f[2], &asn) != 0)
		return -1;
	struct asname *e = entry(a, asn);
	if (e->org == NULL && f[3][0])
		e->org = dup(a, f[3], strlen(f[3]));
	return 0;
}

int asnames_add_line(struct asnames *a, const char *line, size_t len)
{
	a->lines++;
	if (len == 0 || line[0] == '#')
		return 0;
	/* CSV when the first field is an IP address; else "ASN:NAME, CC" */
	const char *comma = memchr(line, ',', len);
	char first[64];
	struct prefix ip;
	size_t fl = comma ? (size_t)(comma - line) : 0;
	int rc, is_csv = 0;
	if (fl > 0 && fl < sizeof(first)) {
		memcpy(first, line, fl);
		first[fl] = '\0';
		is_csv = prefix_parse(first, &ip) == 0;
	}
	const char *colon = memchr(line, ':', len);
	/* RIPE's asn.txt: "ASN NAME - description, CC" */
	size_t digits = 0;
	while (digits < len && line[digits] >= '0' && line[digits] <= '9')
		digits++;
	if (is_csv)
		rc = add_csv(a, line, len);
	else if (colon)
		rc = add_autnum(a, line, len, colon);
	else if (digits > 0 && digits < len && line[digits] == ' ')
		rc = add_autnum(a, line, len, line + digits);
	else
		rc = -1;
	if (rc != 0)
		a->malformed++;
	return rc;
}

static void load_line(const char *line, size_t len, uint64_t lineno, void *arg)
{
	asnames_add_line(arg, line, len);
}

int asnames_load(struct asnames *a, const char *path)
{
	uint64_t before = a->malformed;
	int rc = reg_each_line(path, load_line, a);
	if (a->malformed > before)
		log_warn("%s: %llu malformed lines skipped", path,
		    (unsigned long long)(a->malformed - before));
	return rc;
}

const struct asname *asnames_get(const struct asnames *a, uint32_t asn)
{
	if (a->nslots == 0)
		return NULL;
	size_t s = slot_of(asn, a->nslots);
	while (a->hash[s]) {
		if (a->v[a->hash[s] - 1].asn == asn)
			return &a->v[a->hash[s] - 1];
		s = (s + 1) & (a->nslots - 1);
	}
	return NULL;
}
