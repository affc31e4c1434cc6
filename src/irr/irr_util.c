/* irr helpers: hash maps, growable buffers, name lists, list splitting, prefix ranges. */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "irr/irr_private.h"

/* ---------------------------------------------------------------- hash maps */

uint32_t hash_ci(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint8_t)toupper((unsigned char)*s)) * 16777619u;
	return h;
}

static uint32_t hash_int(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (uint32_t)k;
}

static void hmap_grow(struct irr_hmap *m)
{
	struct irr_hent *old = m->slot;
	size_t oldcap = m->cap;
	m->cap = m->cap ? m->cap * 2 : 64;
	m->slot = xcalloc(m->cap, sizeof(*m->slot));
	for (size_t i = 0; i < oldcap; i++) {
		if (!old[i].used)
			continue;
		size_t j = old[i].hash & (m->cap - 1);
		while (m->slot[j].used)
			j = (j + 1) & (m->cap - 1);
		m->slot[j] = old[i];
	}
	free(old);
}

void **hmap_str_slot(struct irr_hmap *m, struct arena *a, const char *key, int create)
{
	if (m->cap == 0) {
		if (!create)
			return NULL;
		hmap_grow(m);
	}
	uint32_t h = hash_ci(key);
	size_t j = h & (m->cap - 1);
	for (; m->slot[j].used; j = (j + 1) & (m->cap - 1))
		if (m->slot[j].hash == h && strcasecmp(m->slot[j].skey, key) == 0)
			return &m->slot[j].val;
	if (!create)
		return NULL;
	if ((m->count + 1) * 4 > m->cap * 3) {
		hmap_grow(m);
		return hmap_str_slot(m, a, key, create);
	}
	m->slot[j].used = 1;
	m->slot[j].hash = h;
	m->slot[j].skey = arena_strdup(a, key);
	m->slot[j].val = NULL;
	m->count++;
	return &m->slot[j].val;
}

void **hmap_int_slot(struct irr_hmap *m, uint64_t key, int create)
{
	if (m->cap == 0) {
		if (!create)
			return NULL;
		hmap_grow(m);
	}
	uint32_t h = hash_int(key);
	size_t j = h & (m->cap - 1);
	for (; m->slot[j].used; j = (j + 1) & (m->cap - 1))
		if (m->slot[j].ikey == key)
			return &m->slot[j].val;
	if (!create)
		return NULL;
	if ((m->count + 1) * 4 > m->cap * 3) {
		hmap_grow(m);
		return hmap_int_slot(m, key, create);
	}
	m->slot[j].used = 1;
	m->slot[j].hash = h;
	m->slot[j].ikey = key;
	m->slot[j].val = NULL;
	m->count++;
	return &m->slot[j].val;
}

void *hmap_str_get(const struct irr_hmap *m, const char *key)
{
	void **v = hmap_str_slot((struct irr_hmap *)m, NULL, key, 0);
	return v ? *v : NULL;
}

void *hmap_int_get(const struct irr_hmap *m, uint64_t key)
{
	void **v = hmap_int_slot((struct irr_hmap *)m, key, 0);
	return v ? *v : NULL;
}

void hmap_free(struct irr_hmap *m)
{
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

/* ---------------------------------------------------------------- buffers */

void irr_buf_append(struct irr_buf *b, const char *s, size_t n)
{
	XGROW(b->p, b->cap, b->len + n + 1);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void irr_buf_puts(struct irr_buf *b, const char *s)
{
	irr_buf_append(b, s, strlen(s));
}

void irr_buf_printf(struct irr_buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		irr_buf_append(b, small, (size_t)n);
		return;
	}
	char *big = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	irr_buf_append(b, big, (size_t)n);
	free(big);
}

void irr_buf_free(struct irr_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* ---------------------------------------------------------------- names and lists */

void irr_names_add(struct irr_name_list *l, const char *s)
{
	XGROW(l->v, l->cap, l->n + 1);
	l->v[l->n++] = xstrdup(s);
}

void irr_names_free(struct irr_name_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int irr_list_each(const char *value, int (*fn)(const char *tok, void *arg), void *arg)
{
	char tok[256];
	const char *p = value;
	while (*p) {
		while (*p && (*p == ',' || isspace((unsigned char)*p)))
			p++;
		size_t n = 0;
		while (p[n] && p[n] != ',' && !isspace((unsigned char)p[n]))
			n++;
		if (n == 0)
			break;
		if (n < sizeof(tok)) { /* longer tokens are no valid names: skipped */
			memcpy(tok, p, n);
			tok[n] = '\0';
			int r = fn(tok, arg);
			if (r)
				return r;
		}
		p += n;
	}
	return 0;
}

/* One component of a hierarchical set name: "AS-x", "RS-x" (case-insensitive). */
static int set_component(const char *s, size_t n)
{
	return n > 3 && (strncasecmp(s, "AS-", 3) == 0 || strncasecmp(s, "RS-", 3) == 0);
}

int irr_is_set_name(const char *s)
{
	/* RFC 2622 5.1: components separated by ':', at least one a set name, others ASNs */
	int has_set = 0;
	while (*s) {
		const char *e = strchr(s, ':');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (set_component(s, n))
			has_set = 1;
		else if (n < 3 || strncasecmp(s, "AS", 2) != 0 || !isdigit((unsigned char)s[2]))
			return 0;
		s += n;
		if (*s == ':')
			s++;
	}
	return has_set;
}

int irr_pfx_parse(const char *s, struct irr_pfx *p)
{
	char tmp[PREFIX_STRLEN + 16];
	const char *caret = strchr(s, '^');
	size_t n = caret ? (size_t)(caret - s) : strlen(s);
	if (n == 0 || n >= PREFIX_STRLEN)
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (strchr(tmp, '/') == NULL || prefix_parse(tmp, &p->p) != 0)
		return -1;
	int max = prefix_maxlen(p->p.afi), lo = p->p.len, hi = p->p.len;
	if (caret) {
		const char *op = caret + 1;
		char *end;
		if (strcmp(op, "-") == 0) {
			lo = p->p.len + 1, hi = max;
		} else if (strcmp(op, "+") == 0) {
			hi = max;
		} else if (isdigit((unsigned char)*op)) {
			lo = (int)strtol(op, &end, 10);
			hi = lo;
			if (*end == '-' && isdigit((unsigned char)end[1]))
				hi = (int)strtol(end + 1, &end, 10);
			if (*end != '\0')
				return -1;
		} else {
			return -1;
		}
	}
	if (lo < p->p.len || hi < lo || hi > max)
		return -1;
	p->lo = (uint8_t)lo;
	p->hi = (uint8_t)hi;
	return 0;
}

char *irr_pfx_format(const struct irr_pfx *p, char *buf, size_t size)
{
	char pb[PREFIX_STRLEN];
	prefix_format(&p->p, pb, sizeof(pb));
	if (p->lo == p->p.len && p->hi == p->p.len)
		snprintf(buf, size, "%s", pb);
	else if (p->lo == p->hi)
		snprintf(buf, size, "%s^%u", pb, p->lo);
	else
		snprintf(buf, size, "%s^%u-%u", pb, p->lo, p->hi);
	return buf;
}
