/*
 * The IRR database: route/route6 objects in the core prefix trie (a list of objects per
 * prefix) and in an origin index; aut-num, as-set, route-set, mntner and role objects with
 * all their attributes in hash maps by primary key. Several sources live side by side; a
 * key's list keeps load order, which is the source priority of look-ups.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "irr/irr_private.h"

void irr_db_init(struct irr_db *db)
{
	memset(db, 0, sizeof(*db));
	trie_init(&db->routes);
	arena_init(&db->arena, 1024 * 1024);
}

void irr_db_free(struct irr_db *db)
{
	trie_free(&db->routes);
	hmap_free(&db->by_origin);
	hmap_free(&db->autnums);
	hmap_free(&db->sets);
	hmap_free(&db->mntners);
	hmap_free(&db->roles);
	hmap_free(&db->claims);
	hmap_free(&db->strings);
	for (size_t i = 0; i < db->nsources; i++)
		free(db->sources[i]);
	for (size_t i = 0; i < db->nfiles; i++)
		free(db->files[i]);
	free(db->files);
	arena_free(&db->arena);
	memset(db, 0, sizeof(*db));
}

const char *irr_intern(struct irr_db *db, const char *s)
{
	void **slot = hmap_str_slot(&db->strings, &db->arena, s, 1);
	if (*slot == NULL) {
		struct irr_hent *e =
		    (struct irr_hent *)((char *)slot - offsetof(struct irr_hent, val));
		*slot = (void *)e->skey;
	}
	return *slot;
}

uint16_t irr_db_file(struct irr_db *db, const char *path)
{
	for (size_t i = 0; i < db->nfiles; i++)
		if (strcmp(db->files[i], path) == 0)
			return (uint16_t)i;
	if (db->nfiles >= UINT16_MAX)
		return UINT16_MAX - 1;
	db->files = xreallocarray(db->files, db->nfiles + 1, sizeof(*db->files));
	db->files[db->nfiles] = xstrdup(path);
	return (uint16_t)db->nfiles++;
}

int irr_db_source_find(const struct irr_db *db, const char *name)
{
	for (size_t i = 0; i < db->nsources; i++)
		if (strcasecmp(db->sources[i], name) == 0)
			return (int)i;
	return -1;
}

int irr_db_source(struct irr_db *db, const char *name)
{
	int i = irr_db_source_find(db, name);
	if (i >= 0)
		return i;
	if (db->nsources >= IRR_MAX_SOURCES)
		return -1;
	char *s = xstrdup(name);
	for (char *p = s; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	db->sources[db->nsources] = s;
	return (int)db->nsources++;
}

const char *irr_object_get(const struct irr_object *o, const char *key)
{
	for (size_t i = 0; i < o->nattrs; i++)
		if (strcmp(o->attrs[i].key, key) == 0)
			return o->attrs[i].value;
	return NULL;
}

/* "2009-10-15T09:32:17Z" -> epoch seconds; 0 when absent or unreadable. */
static uint32_t parse_time(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	if (s == NULL || strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
		return 0;
	time_t t = timegm(&tm);
	return t > 0 && t < (time_t)UINT32_MAX ? (uint32_t)t : 0;
}

/* All values of key joined by ' ' (newlines and commas as spaces), interned; NULL when the
 * object has none. One value without a newline or comma (the usual mnt-by) is interned as
 * it is. */
static const char *joined(struct irr_db *db, const struct rpsl_object *o, const char *key)
{
	const char *one = NULL;
	size_t n = 0, len = 0;
	for (size_t i = 0; i < o->nattrs; i++) {
		if (o->attrs[i].key[0] != key[0] || strcmp(o->attrs[i].key, key) != 0)
			continue;
		one = o->attrs[i].value;
		len += strlen(one) + 1;
		n++;
	}
	if (n == 0 || (len == 1 && n == 1))
		return NULL;
	if (n == 1 && strpbrk(one, "\n,") == NULL) {
		/* objects come in runs of one maintainer: the last value, as written, first */
		if (db->intern_hint && strcmp(db->intern_hint_in, one) == 0)
			return db->intern_hint;
		const char *r = irr_intern(db, one);
		if (len <= sizeof(db->intern_hint_in)) {
			memcpy(db->intern_hint_in, one, len);
			db->intern_hint = r;
		}
		return r;
	}
	char small[256], *b = len <= sizeof(small) ? small : xmalloc(len), *w = b;
	for (size_t i = 0; i < o->nattrs; i++) {
		if (strcmp(o->attrs[i].key, key) != 0)
			continue;
		if (w > b)
			*w++ = ' ';
		for (const char *p = o->attrs[i].value; *p; p++)
			*w++ = *p == '\n' || *p == ',' ? ' ' : *p;
	}
	*w = '\0';
	const char *r = w > b ? irr_intern(db, b) : NULL;
	if (b != small)
		free(b);
	return r;
}

static int object_source(
    struct irr_db *db, const struct rpsl_object *o, const char *def, char *err, size_t errlen)
{
	const char *src = rpsl_object_get(o, "source");
	if (src == NULL || *src == '\0')
		src = def ? def : "UNKNOWN";
	char name[64];
	size_t n = strcspn(src, " \t\n#");
	if (n > 63)
		n = 63;
	/* objects come in runs of one source: try the last one found first */
	if (db->src_hint < db->nsources && strncasecmp(db->sources[db->src_hint], src, n) == 0 &&
	    db->sources[db->src_hint][n] == '\0')
		return (int)db->src_hint;
	memcpy(name, src, n);
	name[n] = '\0';
	int i = irr_db_source(db, name);
	if (i >= 0)
		db->src_hint = (size_t)i;
	if (i < 0)
		snprintf(err, errlen, "more than %d sources", IRR_MAX_SOURCES);
	return i;
}

static void add_claims(struct irr_db *db, const char *member_of, const struct irr_object *obj,
    const struct irr_route *route);

static int claim_one(const char *tok, void *arg)
{
	struct irr_claim *c = arg;
	struct irr_db *db = (struct irr_db *)c->next;
	void **slot = hmap_str_slot(&db->claims, &db->arena, tok, 1);
	struct irr_claim *n = arena_alloc(&db->arena, sizeof(*n));
	n->obj = c->obj;
	n->route = c->route;
	n->next = *slot;
	*slot = n;
	return 0;
}

static void add_claims(struct irr_db *db, const char *member_of, const struct irr_object *obj,
    const struct irr_route *route)
{
	if (member_of == NULL)
		return;
	/* the template's next field carries db through the callback */
	struct irr_claim tmpl = {obj, route, (struct irr_claim *)(void *)db};
	irr_list_each(member_of, claim_one, &tmpl);
}

/* Parse a route/route6 object's prefix and origin. */
static int route_key(
    const struct rpsl_object *o, struct prefix *p, uint32_t *origin, char *err, size_t errlen)
{
	const char *ps = o->attrs[0].value, *os = rpsl_object_get(o, "origin");
	if (prefix_parse(ps, p) != 0 || strchr(ps, '/') == NULL) {
		snprintf(err, errlen, "%s: bad prefix \"%.60s\"", o->attrs[0].key, ps);
		return -1;
	}
	if ((o->cls == RPSL_ROUTE) != (p->afi == AFI_IPV4)) {
		snprintf(err, errlen, "%s: wrong address family \"%.60s\"", o->attrs[0].key, ps);
		return -1;
	}
	if (os == NULL || asn_parse(os, origin) != 0) {
		snprintf(err, errlen, "%s %s: bad or missing origin \"%.30s\"", o->attrs[0].key, ps,
		    os ? os : "");
		return -1;
	}
	return 0;
}

static int add_route(struct irr_db *db, const struct rpsl_object *o, uint16_t file, int src,
    char *err, size_t errlen)
{
	struct prefix p;
	uint32_t origin;
	if (route_key(o, &p, &origin, err, errlen) != 0)
		return -1;
	void **slot = trie_insert(&db->routes, &p, NULL);
	struct irr_route *r = *slot;
	for (; r; r = r->next)
		if (r->origin == origin && r->source == src)
			break;
	int fresh = r == NULL;
	if (fresh) {
		r = arena_alloc(&db->arena, sizeof(*r));
		memset(r, 0, sizeof(*r));
		r->prefix = p;
		r->origin = origin;
		r->source = (uint16_t)src;
		r->next = *slot;
		*slot = r;
		void **os = hmap_int_slot(&db->by_origin, origin, 1);
		r->next_origin = *os;
		*os = r;
		db->count[o->cls]++;
	}
	r->file = file;
	r->line = o->line;
	r->last_modified = parse_time(rpsl_object_get(o, "last-modified"));
	r->mnt_by = joined(db, o, "mnt-by");
	r->member_of = joined(db, o, "member-of");
	add_claims(db, r->member_of, NULL, r);
	return 0;
}

static struct irr_object *copy_object(
    struct irr_db *db, const struct rpsl_object *o, uint16_t file, int src)
{
	struct irr_object *n = arena_alloc(&db->arena, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->cls = o->cls;
	n->source = (uint16_t)src;
	n->file = file;
	n->line = o->line;
	n->nattrs = o->nattrs;
	n->attrs = arena_alloc(&db->arena, o->nattrs * sizeof(*n->attrs));
	for (size_t i = 0; i < o->nattrs; i++) {
		n->attrs[i].key = irr_intern(db, o->attrs[i].key);
		n->attrs[i].value = arena_strdup(&db->arena, o->attrs[i].value);
		n->attrs[i].line = o->attrs[i].line;
	}
	n->key = n->attrs[0].value;
	return n;
}

/* Put n into the list at slot, replacing an object of the same source (kept in place). */
static void list_put(struct irr_db *db, void **slot, struct irr_object *n)
{
	struct irr_object **pp = (struct irr_object **)slot;
	for (; *pp; pp = &(*pp)->next) {
		if ((*pp)->source == n->source) {
			(*pp)->deleted = 1;
			n->next = (*pp)->next;
			*pp = n;
			return;
		}
	}
	*pp = n;
	db->count[n->cls]++;
}

static const char *object_key(const struct rpsl_object *o)
{
	if (o->cls == RPSL_ROLE) { /* a role's primary key is its nic-hdl */
		const char *h = rpsl_object_get(o, "nic-hdl");
		return h ? h : o->attrs[0].value;
	}
	return o->attrs[0].value;
}

static struct irr_hmap *object_map(struct irr_db *db, enum rpsl_class c)
{
	switch (c) {
	case RPSL_AS_SET:
	case RPSL_ROUTE_SET:
		return &db->sets;
	case RPSL_MNTNER:
		return &db->mntners;
	case RPSL_ROLE:
		return &db->roles;
	default:
		return NULL;
	}
}

static int add_object(struct irr_db *db, const struct rpsl_object *o, uint16_t file, int src,
    char *err, size_t errlen)
{
	const char *key = object_key(o);
	void **slot;
	uint32_t asn = 0;
	if (o->cls == RPSL_AUT_NUM) {
		if (asn_parse(key, &asn) != 0) {
			snprintf(err, errlen, "aut-num: bad ASN \"%.30s\"", key);
			return -1;
		}
		slot = hmap_int_slot(&db->autnums, asn, 1);
		db->autnum_sources |= 1ull << src; /* whose contacts were loaded (Action 3) */
	} else {
		if (*key == '\0' || strcspn(key, " \t\n") != strlen(key)) {
			snprintf(err, errlen, "%s: bad name \"%.40s\"", o->attrs[0].key, key);
			return -1;
		}
		if ((o->cls == RPSL_AS_SET || o->cls == RPSL_ROUTE_SET) && !irr_is_set_name(key)) {
			snprintf(err, errlen, "%s: bad set name \"%.40s\"", o->attrs[0].key, key);
			return -1;
		}
		slot = hmap_str_slot(object_map(db, o->cls), &db->arena, key, 1);
	}
	struct irr_object *n = copy_object(db, o, file, src);
	n->asn = asn;
	n->key = irr_intern(db, key);
	list_put(db, slot, n);
	if (o->cls == RPSL_AUT_NUM)
		add_claims(db, joined(db, o, "member-of"), n, NULL);
	return 0;
}

int irr_db_add(struct irr_db *db, const struct rpsl_object *o, uint16_t file,
    const char *default_source, char *err, size_t errlen)
{
	err[0] = '\0';
	if (o->nattrs == 0)
		return -1;
	switch (o->cls) {
	case RPSL_ROUTE:
	case RPSL_ROUTE6:
	case RPSL_AUT_NUM:
	case RPSL_AS_SET:
	case RPSL_ROUTE_SET:
	case RPSL_MNTNER:
	case RPSL_ROLE:
		break;
	default:
		db->ignored++;
		return 1;
	}
	int src = object_source(db, o, default_source, err, errlen);
	int r = src < 0 ? -1
	        : (o->cls == RPSL_ROUTE || o->cls == RPSL_ROUTE6)
	            ? add_route(db, o, file, src, err, errlen)
	            : add_object(db, o, file, src, err, errlen);
	if (r < 0)
		db->malformed++;
	return r;
}

static int delete_route(
    struct irr_db *db, const struct rpsl_object *o, int src, char *err, size_t errlen)
{
	struct prefix p;
	uint32_t origin;
	if (route_key(o, &p, &origin, err, errlen) != 0)
		return -1;
	if (trie_exact(&db->routes, &p) == NULL)
		return 1;
	struct irr_route **pp = (struct irr_route **)trie_insert(&db->routes, &p, NULL);
	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->origin == origin && (*pp)->source == src)
			break;
	if (*pp == NULL)
		return 1;
	struct irr_route *r = *pp;
	*pp = r->next;
	struct irr_route **op = (struct irr_route **)hmap_int_slot(&db->by_origin, origin, 0);
	for (; op && *op; op = &(*op)->next_origin)
		if (*op == r) {
			*op = r->next_origin;
			break;
		}
	r->deleted = 1;
	db->count[o->cls]--;
	return 0;
}

int irr_db_delete(struct irr_db *db, const struct rpsl_object *o, const char *default_source,
    char *err, size_t errlen)
{
	err[0] = '\0';
	if (o->nattrs == 0)
		return -1;
	int src = irr_db_source_find(db, "UNKNOWN");
	const char *sv = rpsl_object_get(o, "source");
	if (sv || default_source) {
		char name[64];
		const char *s = sv && *sv ? sv : default_source;
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(s, " \t\n#"), s);
		src = irr_db_source_find(db, name);
	}
	if (src < 0)
		return 1; /* nothing was ever loaded from that source */
	if (o->cls == RPSL_ROUTE || o->cls == RPSL_ROUTE6)
		return delete_route(db, o, src, err, errlen);
	void **slot;
	if (o->cls == RPSL_AUT_NUM) {
		uint32_t asn;
		if (asn_parse(o->attrs[0].value, &asn) != 0) {
			snprintf(err, errlen, "aut-num: bad ASN \"%.30s\"", o->attrs[0].value);
			return -1;
		}
		slot = hmap_int_slot(&db->autnums, asn, 0);
	} else if (object_map(db, o->cls)) {
		slot = hmap_str_slot(object_map(db, o->cls), NULL, object_key(o), 0);
	} else {
		return 1;
	}
	struct irr_object **pp = (struct irr_object **)slot;
	for (; pp && *pp; pp = &(*pp)->next) {
		if ((*pp)->source == src && (*pp)->cls == o->cls) {
			(*pp)->deleted = 1;
			*pp = (*pp)->next;
			db->count[o->cls]--;
			return 0;
		}
	}
	return 1;
}

const struct irr_route *irr_db_routes_exact(const struct irr_db *db, const struct prefix *p)
{
	return trie_exact(&db->routes, p);
}

const struct irr_route *irr_db_routes_by_origin(const struct irr_db *db, uint32_t asn)
{
	return hmap_int_get(&db->by_origin, asn);
}

static const struct irr_object *first_ok(const struct irr_object *o, uint64_t srcmask)
{
	for (; o; o = o->next)
		if (irr_src_ok(srcmask, o->source))
			return o;
	return NULL;
}

const struct irr_object *irr_db_set(const struct irr_db *db, const char *name, uint64_t srcmask)
{
	return first_ok(hmap_str_get(&db->sets, name), srcmask);
}

const struct irr_object *irr_db_autnum(const struct irr_db *db, uint32_t asn, uint64_t srcmask)
{
	return first_ok(hmap_int_get(&db->autnums, asn), srcmask);
}

const struct irr_object *irr_db_mntner(const struct irr_db *db, const char *name)
{
	return hmap_str_get(&db->mntners, name);
}
