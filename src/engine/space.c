/*
 * RPKI coverage by address space, per scope: how much of the announced address space (IPv4
 * /24-equivalents, IPv6 /48-equivalents; overlapping announcements counted once) is in routes
 * a VRP covers (RPKI valid or invalid) and in RPKI-valid routes. Announcements shorter than
 * /8 (IPv4) or /16 (IPv6) are left out: a default route would count the whole space. Computed from
 * a scored snapshot's routes in memory, as global figures of it beside the route counts.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "registry/registry.h"

/* Shorter announcements are left out of the space (a default route is in most RIBs). */
#define SPACE_MIN_V4 8
#define SPACE_MIN_V6 16

/* One announced prefix as a range of units: IPv4 addresses, IPv6 /64s. */
struct span {
	uint64_t start, end; /* inclusive */
	uint16_t scope;
	uint8_t afi, rpki;
};

struct space {
	struct span *v;
	size_t n, cap;
	char (*scopes)[24];
	size_t nscopes, capscopes;
	const struct delegated *deleg;
	const struct as2org *orgs;
	struct deleg_region last;
	uint16_t last_rir, last_cc;
};

static uint16_t scope_id(struct space *sp, const char *name)
{
	for (size_t i = 0; i < sp->nscopes; i++)
		if (strcmp(sp->scopes[i], name) == 0)
			return (uint16_t)i;
	XGROW(sp->scopes, sp->capscopes, sp->nscopes + 1);
	snprintf(sp->scopes[sp->nscopes], sizeof(sp->scopes[0]), "%s", name);
	return (uint16_t)sp->nscopes++;
}

static void push(struct space *sp, const struct span *x, uint16_t scope)
{
	XGROW(sp->v, sp->cap, sp->n + 1);
	sp->v[sp->n] = *x;
	sp->v[sp->n++].scope = scope;
}

static void add_route(const struct store_route_brief *r, void *arg)
{
	struct space *sp = arg;
	const struct prefix *p = &r->prefix;
	if (p->len < (p->afi == AFI_IPV4 ? SPACE_MIN_V4 : SPACE_MIN_V6))
		return; /* a default route or a /1../7 would count the whole space */
	struct span x = {.afi = p->afi, .rpki = r->rpki};
	uint64_t top = 0;
	for (int i = 0; i < 8; i++)
		top = top << 8 | p->addr[i];
	if (p->afi == AFI_IPV4) {
		x.start = top >> 32;
		x.end = x.start + ((1ull << (32 - p->len)) - 1);
	} else {
		int len = p->len > 64 ? 64 : p->len; /* longer than /64: the /64 it is in */
		x.start = top;
		x.end = len == 0 ? UINT64_MAX : x.start + ((1ull << (64 - len)) - 1);
	}
	push(sp, &x, 0);
	if (sp->deleg == NULL)
		return;
	struct deleg_region reg;
	char name[24];
	deleg_region(sp->deleg, sp->orgs, p, r->origin, &reg);
	if (sp->nscopes == 1 || reg.rec != sp->last.rec) {
		snprintf(name, sizeof(name), "rir:%s", reg.rir);
		sp->last_rir = scope_id(sp, name);
	}
	if (sp->nscopes == 1 || strcmp(reg.cc, sp->last.cc) != 0) {
		snprintf(name, sizeof(name), "cc:%s", reg.cc);
		sp->last_cc = scope_id(sp, name);
	}
	sp->last = reg; /* neighbours mostly share a delegation and a country */
	push(sp, &x, sp->last_rir);
	push(sp, &x, sp->last_cc);
}

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	if (x->scope != y->scope)
		return x->scope < y->scope ? -1 : 1;
	if (x->afi != y->afi)
		return x->afi < y->afi ? -1 : 1;
	return (x->start > y->start) - (x->start < y->start);
}

/* Units in the union of the spans [i, j) that pass want (all when want is 0). */
static double union_units(const struct span *v, size_t i, size_t j, int want)
{
	double total = 0;
	int open = 0;
	uint64_t s = 0, e = 0;
	for (size_t k = i; k < j; k++) {
		const struct span *x = &v[k];
		if (want == 1 && x->rpki != STORE_RPKI_VALID)
			continue;
		if (want == 2 && x->rpki != STORE_RPKI_VALID && x->rpki != STORE_RPKI_INVALID)
			continue;
		if (open && x->start <= e + 1 && e != UINT64_MAX) {
			if (x->end > e)
				e = x->end;
			continue;
		}
		if (open && e == UINT64_MAX)
			continue; /* the whole space is already in */
		if (open)
			total += (double)(e - s) + 1;
		s = x->start;
		e = x->end;
		open = 1;
	}
	if (open)
		total += (double)(e - s) + 1;
	return total;
}

/*
 * Sort the spans by scope, family and start. The routes come in prefix order,
 * so a scope's spans are mostly in order already: they are grouped by scope keeping their
 * order (a counting sort) and a group is sorted only when it is not in order. Spans of equal
 * start may end in any order: the union does not depend on it.
 */
static void sort_spans(struct space *sp)
{
	size_t *at = xcalloc(sp->nscopes + 1, sizeof(*at));
	for (size_t i = 0; i < sp->n; i++)
		at[sp->v[i].scope + 1]++;
	for (size_t k = 0; k < sp->nscopes; k++)
		at[k + 1] += at[k];
	struct span *w = xreallocarray(NULL, sp->n, sizeof(*w));
	for (size_t i = 0; i < sp->n; i++)
		w[at[sp->v[i].scope]++] = sp->v[i];
	free(sp->v);
	sp->v = w;
	sp->cap = sp->n;
	for (size_t i = 0; i < sp->n;) {
		size_t j = i + 1;
		int sorted = 1;
		for (; j < sp->n && sp->v[j].scope == sp->v[i].scope; j++)
			if (sorted && span_cmp(&sp->v[j - 1], &sp->v[j]) > 0)
				sorted = 0;
		if (!sorted)
			qsort(sp->v + i, j - i, sizeof(*sp->v), span_cmp);
		i = j;
	}
	free(at);
}

void engine_space_figures(const struct observe *ob, const struct delegated *deleg,
    const struct as2org *orgs, int have_vrps, struct store_results *out)
{
	struct space sp = {.deleg = deleg, .orgs = orgs};
	scope_id(&sp, "all");
	observe_each_route(ob, add_route, &sp);
	if (sp.n)
		sort_spans(&sp);
	for (size_t i = 0; i < sp.n;) {
		size_t j = i;
		while (j < sp.n && sp.v[j].scope == sp.v[i].scope && sp.v[j].afi == sp.v[i].afi)
			j++;
		int v4 = sp.v[i].afi == AFI_IPV4;
		double unit = v4 ? 256.0 : 65536.0; /* /24s of addresses, /48s of /64s */
		const char *k[3] = {v4 ? "space_v4_24s" : "space_v6_48s",
		    v4 ? "space_v4_24s_rpki" : "space_v6_48s_rpki",
		    v4 ? "space_v4_24s_valid" : "space_v6_48s_valid"};
		double val[3] = {union_units(sp.v, i, j, 0) / unit,
		    union_units(sp.v, i, j, 2) / unit, union_units(sp.v, i, j, 1) / unit};
		const char *scope = sp.scopes[sp.v[i].scope];
		for (int x = 0; x < 3; x++) {
			if (x > 0 && !have_vrps)
				break; /* no data is not zero */
			store_results_add_global(out, scope, k[x], val[x]);
			if (sp.v[i].scope == 0) /* and the family's scope */
				store_results_add_global(out, v4 ? "afi:4" : "afi:6", k[x], val[x]);
		}
		i = j;
	}
	free(sp.v);
	free(sp.scopes);
}
