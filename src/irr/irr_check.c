/*
 * Route check: is (prefix, origin) registered in the IRR? One walk down the trie over the
 * prefixes that cover the route (at most 33 or 129 nodes), never a scan of the objects.
 */
#include <string.h>

#include "irr/irr_private.h"

static const char *verdict_names[] = {"exact", "covered", "other-origin", "absent"};

const char *irr_verdict_name(enum irr_verdict v)
{
	return (unsigned)v <= IRR_ABSENT ? verdict_names[v] : "?";
}

struct check_walk {
	const struct prefix *p;
	uint32_t origin;
	uint64_t srcmask;
	const struct irr_route *exact;    /* same prefix, same origin */
	const struct irr_route *covering; /* longest less-specific with the same origin */
	const struct irr_route *other;    /* longest covering prefix with objects (any origin) */
};

static int check_visit(const struct prefix *p, void *value, void *arg)
{
	struct check_walk *w = arg;
	const struct irr_route *r, *head = value;
	int any = 0;
	for (r = head; r; r = r->next) {
		if (!irr_src_ok(w->srcmask, r->source))
			continue;
		any = 1;
		if (r->origin != w->origin)
			continue;
		if (p->len == w->p->len)
			w->exact = head;
		else
			w->covering = head;
	}
	if (any)
		w->other = head;
	return 0;
}

/* Copy the objects of list head that match (origin or, with match_any, all) into res. */
static void collect(struct irr_check_result *res, const struct irr_route *head, uint32_t origin,
    int match_any, uint64_t srcmask)
{
	res->matched = head->prefix;
	for (const struct irr_route *r = head; r; r = r->next) {
		if (!irr_src_ok(srcmask, r->source) || (!match_any && r->origin != origin))
			continue;
		if (res->nobj < IRR_CHECK_MAX)
			res->obj[res->nobj++] = r;
		res->total++;
	}
}

int irr_check(const struct irr_db *db, const struct prefix *p, uint32_t origin, uint64_t srcmask,
    struct irr_check_result *res)
{
	struct check_walk w = {p, origin, srcmask, NULL, NULL, NULL};
	memset(res, 0, sizeof(*res));
	trie_walk_covering(&db->routes, p, check_visit, &w);
	if (w.exact) {
		res->verdict = IRR_EXACT;
		collect(res, w.exact, origin, 0, srcmask);
	} else if (w.covering) {
		res->verdict = IRR_COVERED;
		collect(res, w.covering, origin, 0, srcmask);
	} else if (w.other) {
		res->verdict = IRR_OTHER_ORIGIN;
		collect(res, w.other, origin, 1, srcmask);
	} else {
		res->verdict = IRR_ABSENT;
		res->matched = *p;
	}
	return 0;
}
