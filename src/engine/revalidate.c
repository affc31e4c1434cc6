/*
 * Re-validation of a BMP route state when the RPKI data changes (see engine.h). The VRP side
 * costs the routes the changed VRPs cover, found through the route state's prefix index; the
 * ASPA side one pass over the attribute sets (verified against both tables only when the path
 * holds a changed customer), then, only when some set's verdict changed, one pass over the
 * routes to find theirs (a per-set mark indexed by the set's id).
 */
#include <stdlib.h>
#include <string.h>

#include "bmp/bmp.h"
#include "engine/engine.h"
#include "rpki/rpki.h"

struct reval {
	const struct vrp_table *old, *new;
	const struct aspa_table *old_aspa, *new_aspa;
	engine_reval_fn fn;
	void *arg;
	struct engine_reval_stats *st;
	struct prefix *pfx; /* changed VRP prefixes */
	size_t npfx, cappfx;
	uint32_t *cust; /* changed ASPA customers, ascending */
	size_t ncust, capcust;
	uint8_t *memo; /* per attribute set id: 0 unchanged, 0x80|old<<2|new: changed */
	size_t capmemo;
};

static void on_vrp(const struct vrp *v, int added, void *arg)
{
	struct reval *r = arg;
	XGROW(r->pfx, r->cappfx, r->npfx + 1);
	r->pfx[r->npfx++] = v->p;
}

static void on_aspa(uint32_t customer, const struct aspa *o, const struct aspa *n, void *arg)
{
	struct reval *r = arg;
	XGROW(r->cust, r->capcust, r->ncust + 1);
	r->cust[r->ncust++] = customer;
}

static int pfx_qcmp(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

/* Sort, de-duplicate and drop prefixes inside another: sorted by address then length, the
 * prefixes form a laminar family, so one inside an earlier one is inside the last kept. */
static size_t outermost(struct prefix *p, size_t n)
{
	if (n > 1)
		qsort(p, n, sizeof(*p), pfx_qcmp);
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if (w == 0 || !prefix_contains(&p[w - 1], &p[i]))
			p[w++] = p[i];
	return w;
}

static int reval_rov(const struct bmp_rib_entry *e, void *arg)
{
	struct reval *r = arg;
	const uint32_t *w = bmp_attrs_path(e->attrs);
	enum rov_state a = rov_validate_path(r->old, &e->prefix, w, e->attrs->npath, NULL);
	enum rov_state b = rov_validate_path(r->new, &e->prefix, w, e->attrs->npath, NULL);
	r->st->routes_examined++;
	if (a != b) {
		r->st->rov_changed++;
		if (r->fn)
			r->fn(e, ENGINE_REVAL_ROV, (int)a, (int)b, r->arg);
	}
	return 0;
}

static int path_has_changed(const struct reval *r, const uint32_t *w, uint32_t n)
{
	for (uint32_t i = 0; i < n;) {
		uint32_t cnt = ASPATH_SEG_COUNT(w[i]);
		for (uint32_t k = 1; k <= cnt && i + k < n; k++) {
			size_t j =
			    u32_lower_bound(r->cust, r->ncust, sizeof(uint32_t), 0, w[i + k]);
			if (j < r->ncust && r->cust[j] == w[i + k])
				return 1;
		}
		i += cnt + 1;
	}
	return 0;
}

/* Phase 1: each attribute set whose path holds a changed customer, verified against both. */
static int reval_set(const struct bmp_attrs *a, void *arg)
{
	struct reval *r = arg;
	const uint32_t *w = bmp_attrs_path(a);
	if (a->id >= r->capmemo || !path_has_changed(r, w, a->npath))
		return 0;
	r->st->attr_sets_examined++;
	enum aspa_state x = aspa_verify(r->old_aspa, w, a->npath, ASPA_DOWNSTREAM, NULL);
	enum aspa_state y = aspa_verify(r->new_aspa, w, a->npath, ASPA_DOWNSTREAM, NULL);
	if (x != y) {
		r->st->attr_sets_changed++;
		r->memo[a->id] = (uint8_t)(0x80 | x << 2 | y);
	}
	return 0;
}

/* Phase 2, only when a set changed: the routes of those sets. */
static int reval_aspa(const struct bmp_rib_entry *e, void *arg)
{
	struct reval *r = arg;
	uint8_t m = r->memo[e->attrs->id];
	if (m & 0x80) {
		r->st->aspa_changed++;
		if (r->fn)
			r->fn(e, ENGINE_REVAL_ASPA, (m >> 2) & 3, m & 3, r->arg);
	}
	return 0;
}

void engine_revalidate(const struct bmp_rib *rib, const struct vrp_table *old,
    const struct vrp_table *new, const struct aspa_table *old_aspa,
    const struct aspa_table *new_aspa, engine_reval_fn fn, void *arg, struct engine_reval_stats *st)
{
	struct engine_reval_stats dummy;
	if (st == NULL)
		st = &dummy;
	memset(st, 0, sizeof(*st));
	double t0 = clock_mono();
	/* a missing table is an empty one */
	struct vrp_table *empty = NULL;
	struct aspa_table *empty_aspa = NULL;
	if (old == NULL || new == NULL) {
		empty = vrp_table_new();
		vrp_table_build(empty);
	}
	if (old_aspa == NULL || new_aspa == NULL) {
		empty_aspa = aspa_table_new();
		aspa_table_build(empty_aspa);
	}
	struct reval r;
	memset(&r, 0, sizeof(r));
	r.old = old ? old : empty, r.new = new ? new : empty;
	r.old_aspa = old_aspa ? old_aspa : empty_aspa;
	r.new_aspa = new_aspa ? new_aspa : empty_aspa;
	r.fn = fn, r.arg = arg, r.st = st;

	st->vrps_changed = vrp_table_diff(r.old, r.new, on_vrp, &r);
	st->vrp_prefixes = outermost(r.pfx, r.npfx);
	for (size_t i = 0; i < st->vrp_prefixes; i++)
		bmp_rib_covered(rib, &r.pfx[i], reval_rov, &r, &st->prefixes_examined);

	st->aspas_changed = aspa_table_diff(r.old_aspa, r.new_aspa, on_aspa, &r);
	if (r.ncust > 0) {
		r.capmemo = bmp_rib_attrs_ids(rib);
		r.memo = xcalloc(r.capmemo + 1, 1);
		bmp_rib_each_attrs(rib, reval_set, &r);
		if (st->attr_sets_changed > 0)
			bmp_rib_scan(rib, reval_aspa, &r);
	}

	free(r.pfx);
	free(r.cust);
	free(r.memo);
	vrp_table_free(empty);
	aspa_table_free(empty_aspa);
	st->seconds = clock_mono() - t0;
}
