/*
 * as-set and route-set expansion (RFC 2622 5.1 and 5.2, RFC 4012 mp-members): recursive,
 * each set expanded once, loops and the depth limit reported rather than followed, members
 * by reference (mbrs-by-ref / member-of) honoured. Then the prefixes a set stands for, and
 * their aggregation.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "irr/irr_private.h"

#define DEFAULT_DEPTH 64

struct exp_ctx {
	const struct irr_db *db;
	uint64_t srcmask;
	int max_depth;
	struct irr_expansion *x;
	struct irr_hmap seen;
	struct arena arena;
	const char *stack[DEFAULT_DEPTH + 2];
	int sp;
	const struct irr_object *set; /* the set whose members are being read */
	int depth;
};

static void add_asn(struct irr_expansion *x, uint32_t asn)
{
	XGROW(x->asns, x->casns, x->nasns + 1);
	x->asns[x->nasns++] = asn;
}

static void add_pfx(struct irr_expansion *x, const struct irr_pfx *p)
{
	XGROW(x->pfx, x->cpfx, x->npfx + 1);
	x->pfx[x->npfx++] = *p;
}

static void expand_set(struct exp_ctx *c, const char *name, int depth);

/* A member token: ASN, set (optionally with a range operator), or prefix in a route-set. */
static int member(const char *tok, void *arg)
{
	struct exp_ctx *c = arg;
	uint32_t asn;
	struct irr_pfx p;
	int route_set = c->set->cls == RPSL_ROUTE_SET;
	if (route_set && irr_pfx_parse(tok, &p) == 0) {
		add_pfx(c->x, &p);
		return 0;
	}
	char *name = xstrdup(tok);
	if (route_set) /* "AS1^+", "RS-FOO^24": the operator is dropped (routes taken as is) */
		name[strcspn(name, "^")] = '\0';
	if (asn_parse(name, &asn) == 0)
		add_asn(c->x, asn);
	else if (irr_is_set_name(name))
		expand_set(c, name, c->depth + 1);
	else
		irr_names_add(&c->x->bad, tok);
	free(name);
	return 0;
}

/* 1 when token list `list` holds `name` (case-insensitive). */
static int list_has_cb(const char *tok, void *arg)
{
	return strcasecmp(tok, (const char *)arg) == 0;
}

static int list_has(const char *list, const char *name)
{
	return list && irr_list_each(list, list_has_cb, (void *)name);
}

/* 1 when the claiming object's maintainers satisfy the set's mbrs-by-ref. */
static int mnt_ok(const char *mbrs_by_ref, const char *mnt_by)
{
	if (list_has(mbrs_by_ref, "ANY"))
		return 1;
	char tok[256];
	const char *p = mnt_by ? mnt_by : "";
	while (*p) {
		size_t n = strcspn(p, " ");
		if (n > 0 && n < sizeof(tok)) {
			memcpy(tok, p, n);
			tok[n] = '\0';
			if (list_has(mbrs_by_ref, tok))
				return 1;
		}
		p += n;
		p += *p == ' ';
	}
	return 0;
}

static void by_reference(struct exp_ctx *c, const struct irr_object *set)
{
	const char *refs = irr_object_get(set, "mbrs-by-ref");
	if (refs == NULL)
		return;
	const struct irr_claim *cl = hmap_str_get(&c->db->claims, set->key);
	for (; cl; cl = cl->next) {
		if (cl->obj && set->cls == RPSL_AS_SET) {
			const struct irr_object *o = cl->obj;
			if (o->deleted || !irr_src_ok(c->srcmask, o->source))
				continue;
			struct irr_buf mnt = {0};
			for (size_t i = 0; i < o->nattrs; i++)
				if (strcmp(o->attrs[i].key, "mnt-by") == 0) {
					irr_buf_puts(&mnt, o->attrs[i].value);
					irr_buf_puts(&mnt, " ");
				}
			for (char *q = mnt.p; q && *q; q++)
				if (*q == ',' || *q == '\n')
					*q = ' ';
			if (list_has(irr_object_get(o, "member-of"), set->key) &&
			    mnt_ok(refs, mnt.p))
				add_asn(c->x, o->asn);
			irr_buf_free(&mnt);
		} else if (cl->route && set->cls == RPSL_ROUTE_SET) {
			const struct irr_route *r = cl->route;
			if (r->deleted || !irr_src_ok(c->srcmask, r->source))
				continue;
			if (list_has(r->member_of, set->key) && mnt_ok(refs, r->mnt_by)) {
				struct irr_pfx p = {r->prefix, r->prefix.len, r->prefix.len};
				add_pfx(c->x, &p);
			}
		}
	}
}

static void record_loop(struct exp_ctx *c, int from, const char *name)
{
	struct irr_buf b = {0};
	for (int i = from; i < c->sp; i++) {
		irr_buf_puts(&b, c->stack[i]);
		irr_buf_puts(&b, " -> ");
	}
	irr_buf_puts(&b, name);
	irr_names_add(&c->x->loops, b.p);
	irr_buf_free(&b);
}

static void expand_set(struct exp_ctx *c, const char *name, int depth)
{
	for (int i = 0; i < c->sp; i++)
		if (strcasecmp(c->stack[i], name) == 0) {
			record_loop(c, i, name);
			return;
		}
	void **seen = hmap_str_slot(&c->seen, &c->arena, name, 1);
	if (*seen)
		return; /* expanded already, through another path */
	if (depth >= c->max_depth) {
		irr_names_add(&c->x->cut, name);
		return; /* not marked seen: a shorter path may still reach it */
	}
	*seen = (void *)1;
	const struct irr_object *set = irr_db_set(c->db, name, c->srcmask);
	if (set == NULL) {
		irr_names_add(&c->x->missing, name);
		return;
	}
	irr_names_add(&c->x->sets, set->key);
	if (depth > c->x->depth)
		c->x->depth = depth;
	const struct irr_object *outer = c->set;
	int outer_depth = c->depth;
	c->stack[c->sp++] = set->key;
	c->set = set;
	c->depth = depth;
	for (size_t i = 0; i < set->nattrs; i++)
		if (strcmp(set->attrs[i].key, "members") == 0 ||
		    strcmp(set->attrs[i].key, "mp-members") == 0)
			irr_list_each(set->attrs[i].value, member, c);
	by_reference(c, set);
	c->sp--;
	c->set = outer;
	c->depth = outer_depth;
}

static int cmp_pfx(const void *a, const void *b)
{
	const struct irr_pfx *x = a, *y = b;
	int r = prefix_cmp(&x->p, &y->p);
	if (r)
		return r;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->hi < y->hi ? -1 : x->hi > y->hi;
}

static size_t sort_unique_pfx(struct irr_pfx *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_pfx);
	size_t k = 1;
	for (size_t i = 1; i < n; i++)
		if (cmp_pfx(&v[i], &v[k - 1]) != 0)
			v[k++] = v[i];
	return k;
}

void irr_expansion_free(struct irr_expansion *x)
{
	free(x->asns);
	free(x->pfx);
	irr_names_free(&x->sets);
	irr_names_free(&x->missing);
	irr_names_free(&x->loops);
	irr_names_free(&x->cut);
	irr_names_free(&x->bad);
	memset(x, 0, sizeof(*x));
}

int irr_expand(const struct irr_db *db, const char *name, const struct irr_expand_opts *o,
    struct irr_expansion *x)
{
	struct exp_ctx c;
	memset(&c, 0, sizeof(c));
	memset(x, 0, sizeof(*x));
	c.db = db;
	c.x = x;
	c.srcmask = o ? o->srcmask : 0;
	c.max_depth =
	    o && o->max_depth > 0 && o->max_depth < DEFAULT_DEPTH ? o->max_depth : DEFAULT_DEPTH;
	arena_init(&c.arena, 16 * 1024);
	expand_set(&c, name, 0);
	hmap_free(&c.seen);
	arena_free(&c.arena);
	if (x->nasns) {
		qsort(x->asns, x->nasns, sizeof(*x->asns), u32_cmp);
		size_t k = 1;
		for (size_t i = 1; i < x->nasns; i++)
			if (x->asns[i] != x->asns[k - 1])
				x->asns[k++] = x->asns[i];
		x->nasns = k;
	}
	x->npfx = sort_unique_pfx(x->pfx, x->npfx);
	return x->sets.n == 0 ? -1 : 0;
}

/* Sibling test: same length, same bits except the last one. */
static int siblings(const struct prefix *a, const struct prefix *b)
{
	if (a->afi != b->afi || a->len != b->len || a->len == 0)
		return 0;
	struct prefix pa = *a, pb = *b;
	pa.len = pb.len = (uint8_t)(a->len - 1);
	prefix_mask(&pa);
	prefix_mask(&pb);
	return prefix_cmp(&pa, &pb) == 0 && prefix_cmp(a, b) != 0;
}

size_t irr_aggregate(struct irr_pfx *v, size_t n)
{
	size_t k = 0; /* v[0..k) is the output, used as a stack */
	for (size_t i = 0; i < n; i++) {
		struct irr_pfx cur = v[i];
		int exact = cur.lo == cur.p.len && cur.hi == cur.p.len;
		if (exact && k > 0 && v[k - 1].lo == v[k - 1].p.len &&
		    v[k - 1].hi == v[k - 1].p.len && prefix_contains(&v[k - 1].p, &cur.p))
			continue; /* covered by what is already out */
		v[k++] = cur;
		while (exact && k >= 2 && v[k - 2].lo == v[k - 2].p.len &&
		       v[k - 2].hi == v[k - 2].p.len && siblings(&v[k - 2].p, &v[k - 1].p)) {
			struct irr_pfx parent = v[k - 2];
			parent.p.len--;
			prefix_mask(&parent.p);
			parent.lo = parent.hi = parent.p.len;
			k -= 2;
			v[k++] = parent;
		}
	}
	return k;
}

static void routes_of(
    const struct irr_db *db, uint32_t asn, int afi, uint64_t srcmask, struct irr_expansion *acc)
{
	for (const struct irr_route *r = irr_db_routes_by_origin(db, asn); r; r = r->next_origin) {
		if ((afi && r->prefix.afi != afi) || !irr_src_ok(srcmask, r->source))
			continue;
		struct irr_pfx p = {r->prefix, r->prefix.len, r->prefix.len};
		add_pfx(acc, &p);
	}
}

int irr_prefixes(const struct irr_db *db, const char *name, int afi, int aggregate,
    const struct irr_expand_opts *o, struct irr_pfx **out, size_t *n, struct irr_expansion *x)
{
	struct irr_expansion local, acc;
	uint32_t asn;
	uint64_t srcmask = o ? o->srcmask : 0;
	int rc = 0;
	if (x == NULL)
		x = &local;
	memset(&acc, 0, sizeof(acc));
	if (asn_parse(name, &asn) == 0) {
		memset(x, 0, sizeof(*x));
		add_asn(x, asn);
	} else {
		rc = irr_expand(db, name, o, x);
	}
	for (size_t i = 0; i < x->nasns; i++)
		routes_of(db, x->asns[i], afi, srcmask, &acc);
	for (size_t i = 0; i < x->npfx; i++)
		if (afi == 0 || x->pfx[i].p.afi == afi)
			add_pfx(&acc, &x->pfx[i]);
	acc.npfx = sort_unique_pfx(acc.pfx, acc.npfx);
	if (aggregate)
		acc.npfx = irr_aggregate(acc.pfx, acc.npfx);
	*out = acc.pfx;
	*n = acc.npfx;
	if (x == &local)
		irr_expansion_free(&local);
	return rc;
}
