/*
 * CAIDA AS-to-organisation files (as-org2info): the organisations first, then the ASes
 * naming them by org_id. An org_id hash resolves the ASes while loading; once a file is in,
 * the ASes are sorted by ASN (the first row of an ASN kept) for binary search.
 */
#include <stdlib.h>
#include <string.h>

#include "registry/registry.h"
#include "registry/registry_private.h"

#define ORG_FIELDS 5 /* org_id|changed|org_name|country|source */
#define AS_FIELDS 6  /* aut|changed|aut_name|org_id|opaque_id|source */

enum section { SEC_NONE, SEC_ORG, SEC_AS };

struct load {
	struct as2org *a;
	const char *path;
	enum section sec;
	uint64_t malformed, first_line;
	const char *first_why;
};

void as2org_init(struct as2org *a)
{
	memset(a, 0, sizeof(*a));
	arena_init(&a->arena, 256 * 1024);
}

void as2org_free(struct as2org *a)
{
	free(a->orgs);
	free(a->as);
	free(a->idx);
	arena_free(&a->arena);
	memset(a, 0, sizeof(*a));
}

static size_t id_slot(const char *id, size_t len, size_t nslots)
{
	return hash_bytes(id, len, 0) & (nslots - 1);
}

static void rehash(struct as2org *a)
{
	size_t ns = a->nslots ? a->nslots * 2 : 4096;
	uint32_t *h = xcalloc(ns, sizeof(*h));
	for (size_t i = 0; i < a->norgs; i++) {
		const char *id = a->orgs[i].id;
		size_t s = id_slot(id, strlen(id), ns);
		while (h[s])
			s = (s + 1) & (ns - 1);
		h[s] = (uint32_t)(i + 1);
	}
	free(a->idx);
	a->idx = h;
	a->nslots = ns;
}

/* The slot of org id (len bytes): its entry, or the empty slot where it would go. */
static size_t org_slot(const struct as2org *a, const char *id, size_t len)
{
	size_t s = id_slot(id, len, a->nslots);
	while (a->idx[s]) {
		const char *o = a->orgs[a->idx[s] - 1].id;
		if (strncmp(o, id, len) == 0 && o[len] == '\0')
			break;
		s = (s + 1) & (a->nslots - 1);
	}
	return s;
}

static const char *dup(struct as2org *a, const char *s, size_t n)
{
	char *c = arena_alloc(&a->arena, n + 1);
	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

/* Split line at '|' into at most max fields; returns how many there are (max + 1: more). */
static int split(const char *line, size_t len, const char **f, size_t *fl, int max)
{
	const char *p = line, *end = line + len;
	int n = 0;
	for (;;) {
		const char *bar = memchr(p, '|', (size_t)(end - p));
		if (n == max)
			return max + 1;
		f[n] = p;
		fl[n] = (size_t)((bar ? bar : end) - p);
		n++;
		if (bar == NULL)
			return n;
		p = bar + 1;
	}
}

static const char *add_org(struct as2org *a, const char *line, size_t len)
{
	const char *f[ORG_FIELDS];
	size_t fl[ORG_FIELDS];
	if (split(line, len, f, fl, ORG_FIELDS) != ORG_FIELDS)
		return "not 5 fields";
	if (fl[0] == 0)
		return "empty org_id";
	if (fl[3] != 0 && fl[3] != 2)
		return "country not two letters";
	if (2 * (a->norgs + 1) > a->nslots)
		rehash(a);
	size_t s = org_slot(a, f[0], fl[0]);
	if (a->idx[s]) {
		a->st.dup_org++;
		return NULL;
	}
	XGROW(a->orgs, a->caporgs, a->norgs + 1);
	struct as2org_org *o = &a->orgs[a->norgs];
	memset(o, 0, sizeof(*o));
	o->id = dup(a, f[0], fl[0]);
	o->name = fl[2] ? dup(a, f[2], fl[2]) : NULL;
	o->source = dup(a, f[4], fl[4]);
	memcpy(o->cc, f[3], fl[3]);
	a->idx[s] = (uint32_t)(++a->norgs);
	a->st.orgs++;
	return NULL;
}

static const char *add_as(struct as2org *a, const char *line, size_t len)
{
	const char *f[AS_FIELDS];
	size_t fl[AS_FIELDS];
	char num[16];
	uint32_t asn;
	if (split(line, len, f, fl, AS_FIELDS) != AS_FIELDS)
		return "not 6 fields";
	if (fl[0] == 0 || fl[0] >= sizeof(num))
		return "bad ASN";
	memcpy(num, f[0], fl[0]);
	num[fl[0]] = '\0';
	if (asn_parse(num, &asn) != 0)
		return "bad ASN";
	size_t s = a->nslots ? org_slot(a, f[3], fl[3]) : 0;
	if (a->nslots == 0 || a->idx[s] == 0) {
		a->st.unknown_org++;
		return "unknown org_id";
	}
	XGROW(a->as, a->capas, a->nas + 1);
	a->as[a->nas++] =
	    (struct as2org_as){asn, a->idx[s] - 1, fl[2] ? dup(a, f[2], fl[2]) : NULL};
	a->st.ases++;
	return NULL;
}

static void load_line(const char *line, size_t len, uint64_t lineno, void *arg)
{
	struct load *l = arg;
	struct as2org *a = l->a;
	const char *why;
	a->st.lines++;
	if (len > 0 && line[0] == '#') {
		a->st.comments++;
		if (len >= 15 && memcmp(line, "# format:org_id", 15) == 0)
			l->sec = SEC_ORG;
		else if (len >= 13 && memcmp(line, "# format:aut|", 13) == 0)
			l->sec = SEC_AS;
		return;
	}
	if (len == 0)
		return;
	if (l->sec == SEC_ORG)
		why = add_org(a, line, len);
	else if (l->sec == SEC_AS)
		why = add_as(a, line, len);
	else
		why = "before any \"# format:\" line";
	if (why == NULL)
		return;
	a->st.malformed++;
	if (l->malformed++ == 0) {
		l->first_line = lineno;
		l->first_why = why;
	}
}

static int key_cmp(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

/* Sort the ASes by ASN, keeping the first row loaded of each. */
static void sort_as(struct as2org *a)
{
	if (a->nas == 0)
		return;
	uint64_t *key = xreallocarray(NULL, a->nas, sizeof(*key));
	for (size_t i = 0; i < a->nas; i++)
		key[i] = (uint64_t)a->as[i].asn << 32 | i;
	qsort(key, a->nas, sizeof(*key), key_cmp);
	struct as2org_as *v = xreallocarray(NULL, a->nas, sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < a->nas; i++) {
		const struct as2org_as *e = &a->as[key[i] & 0xffffffffu];
		if (n > 0 && v[n - 1].asn == e->asn) {
			a->st.dup_as++;
			continue;
		}
		v[n++] = *e;
	}
	free(key);
	free(a->as);
	a->as = v;
	a->nas = a->capas = n;
}

int as2org_load(struct as2org *a, const char *path)
{
	struct load l = {.a = a, .path = path};
	int rc = reg_each_line(path, load_line, &l);
	if (l.malformed)
		log_warn("%s: %llu malformed lines skipped (first: line %llu: %s)", path,
		    (unsigned long long)l.malformed, (unsigned long long)l.first_line, l.first_why);
	sort_as(a);
	return rc;
}

const struct as2org_as *as2org_as(const struct as2org *a, uint32_t asn)
{
	size_t i =
	    u32_lower_bound(a->as, a->nas, sizeof(*a->as), offsetof(struct as2org_as, asn), asn);
	return i < a->nas && a->as[i].asn == asn ? &a->as[i] : NULL;
}

const struct as2org_org *as2org_get(const struct as2org *a, uint32_t asn)
{
	const struct as2org_as *e = as2org_as(a, asn);
	return e ? &a->orgs[e->org] : NULL;
}

int as2org_siblings(const struct as2org *a, uint32_t x, uint32_t y)
{
	if (a == NULL || x == y)
		return 0;
	const struct as2org_as *ex = as2org_as(a, x), *ey;
	return ex != NULL && (ey = as2org_as(a, y)) != NULL && ex->org == ey->org;
}

size_t as2org_org_ases(
    const struct as2org *a, uint32_t org, void (*fn)(uint32_t asn, void *arg), void *arg)
{
	size_t n = 0;
	for (size_t i = 0; i < a->nas; i++)
		if (a->as[i].org == org) {
			if (fn)
				fn(a->as[i].asn, arg);
			n++;
		}
	return n;
}

int64_t as2org_org_index(const struct as2org *a, const char *id)
{
	if (a->nslots == 0)
		return -1;
	size_t s = org_slot(a, id, strlen(id));
	return a->idx[s] ? (int64_t)a->idx[s] - 1 : -1;
}
