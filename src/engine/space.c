/*
 * RPKI coverage by address space, per scope: how much of the announced address space (IPv4
 * /24-equivalents, IPv6 /48-equivalents; overlapping announcements counted once) is in routes
 * a VRP covers (RPKI valid or invalid) and in RPKI-valid routes. Announcements shorter than
 * /8 (IPv4) or /16 (IPv6) are left out: a default route would count the whole space. Computed from
 * a scored snapshot's routes in memory, as global figures of it beside the route counts. The
 * routes come in prefix order, so each scope's announcements arrive by start address and
 * their union is taken as they pass: memory is a few numbers per scope, not per route.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "registry/registry.h"

/* Shorter announcements are left out of the space (a default route is in most RIBs). */
#define SPACE_MIN_V4 8
#define SPACE_MIN_V6 16

/* The filters a figure counts: every announcement, those a VRP covers, the RPKI-valid ones. */
enum { WANT_ALL, WANT_COVERED, WANT_VALID, WANTS };

/* The union so far of spans of units (IPv4 addresses, IPv6 /64s) given by start. */
struct run {
	uint64_t s, e; /* the open interval, inclusive */
	int open;
	double total; /* units in the closed intervals */
};

struct scope {
	char name[24];
	struct run r[2][WANTS]; /* by family (IPv4, IPv6) and filter */
	int seen[2];
};

struct space {
	struct scope *v;
	size_t n, cap;
	const struct delegated *deleg;
	const struct as2org *orgs;
	struct deleg_region last;
	size_t last_rir, last_cc;
};

static size_t scope_id(struct space *sp, const char *name)
{
	for (size_t i = 0; i < sp->n; i++)
		if (strcmp(sp->v[i].name, name) == 0)
			return i;
	XGROW(sp->v, sp->cap, sp->n + 1);
	memset(&sp->v[sp->n], 0, sizeof(sp->v[0]));
	snprintf(sp->v[sp->n].name, sizeof(sp->v[0].name), "%s", name);
	return sp->n++;
}

static void run_add(struct run *r, uint64_t start, uint64_t end)
{
	if (r->open && (r->e == UINT64_MAX || start <= r->e + 1)) {
		if (end > r->e)
			r->e = end;
		return;
	}
	if (r->open)
		r->total += (double)(r->e - r->s) + 1;
	r->s = start, r->e = end, r->open = 1;
}

static double run_units(struct run *r)
{
	if (r->open)
		r->total += (double)(r->e - r->s) + 1;
	r->open = 0;
	return r->total;
}

static void scope_add(struct scope *sc, int fam, uint64_t start, uint64_t end, uint8_t rpki)
{
	sc->seen[fam] = 1;
	run_add(&sc->r[fam][WANT_ALL], start, end);
	if (rpki == STORE_RPKI_VALID || rpki == STORE_RPKI_INVALID)
		run_add(&sc->r[fam][WANT_COVERED], start, end);
	if (rpki == STORE_RPKI_VALID)
		run_add(&sc->r[fam][WANT_VALID], start, end);
}

static void add_route(const struct store_route_brief *r, void *arg)
{
	struct space *sp = arg;
	const struct prefix *p = &r->prefix;
	if (p->len < (p->afi == AFI_IPV4 ? SPACE_MIN_V4 : SPACE_MIN_V6))
		return; /* a default route or a /1../7 would count the whole space */
	uint64_t top = 0, start, end;
	for (int i = 0; i < 8; i++)
		top = top << 8 | p->addr[i];
	if (p->afi == AFI_IPV4) {
		start = top >> 32;
		end = start + ((1ull << (32 - p->len)) - 1);
	} else {
		int len = p->len > 64 ? 64 : p->len; /* longer than /64: the /64 it is in */
		start = top;
		end = len == 0 ? UINT64_MAX : start + ((1ull << (64 - len)) - 1);
	}
	int fam = p->afi == AFI_IPV4 ? 0 : 1;
	scope_add(&sp->v[0], fam, start, end, r->rpki);
	if (sp->deleg == NULL)
		return;
	struct deleg_region reg;
	char name[24];
	deleg_region(sp->deleg, sp->orgs, p, r->origin, &reg);
	int first = sp->n == 1; /* only "all" so far */
	if (first || reg.rec != sp->last.rec) {
		snprintf(name, sizeof(name), "rir:%s", reg.rir);
		sp->last_rir = scope_id(sp, name);
	}
	if (first || strcmp(reg.cc, sp->last.cc) != 0) {
		snprintf(name, sizeof(name), "cc:%s", reg.cc);
		sp->last_cc = scope_id(sp, name);
	}
	sp->last = reg; /* neighbours mostly share a delegation and a country */
	scope_add(&sp->v[sp->last_rir], fam, start, end, r->rpki);
	scope_add(&sp->v[sp->last_cc], fam, start, end, r->rpki);
}

struct space *engine_space_new(const struct delegated *deleg, const struct as2org *orgs)
{
	struct space *sp = xcalloc(1, sizeof(*sp));
	sp->deleg = deleg;
	sp->orgs = orgs;
	scope_id(sp, "all");
	return sp;
}

void engine_space_add(struct space *sp, const struct store_route_brief *r)
{
	add_route(r, sp);
}

void engine_space_finish(struct space *sp, int have_vrps, struct store_results *out)
{
	for (size_t i = 0; i < sp->n; i++)
		for (int fam = 0; fam < 2; fam++) {
			struct scope *sc = &sp->v[i];
			if (!sc->seen[fam])
				continue;
			int v4 = fam == 0;
			double unit = v4 ? 256.0 : 65536.0; /* /24s of addresses, /48s of /64s */
			const char *k[WANTS] = {v4 ? "space_v4_24s" : "space_v6_48s",
			    v4 ? "space_v4_24s_rpki" : "space_v6_48s_rpki",
			    v4 ? "space_v4_24s_valid" : "space_v6_48s_valid"};
			for (int x = 0; x < WANTS; x++) {
				if (x > 0 && !have_vrps)
					break; /* no data is not zero */
				double val = run_units(&sc->r[fam][x]) / unit;
				store_results_add_global(out, sc->name, k[x], val);
				if (i == 0) /* and the family's scope */
					store_results_add_global(
					    out, v4 ? "afi:4" : "afi:6", k[x], val);
			}
		}
	free(sp->v);
	free(sp);
}

void engine_space_figures(const struct observe *ob, const struct delegated *deleg,
    const struct as2org *orgs, int have_vrps, struct store_results *out)
{
	struct space *sp = engine_space_new(deleg, orgs);
	observe_each_route(ob, add_route, sp);
	engine_space_finish(sp, have_vrps, out);
}
