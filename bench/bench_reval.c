/*
 * Re-validation benchmark (issue 13): a route state of NROUTES routes (the real prefixes of a
 * CAIDA RouteViews prefix-to-AS table, each announced by NPEERS peers through one of a few
 * transit ASes, some of them ASPA customers), then engine_revalidate for a 10,000-VRP change
 * of the real VRP set (the old and the new table each lack 5,000 different VRPs of it) and an
 * ASPA change (the transit customers' ASPAs gone): the median of RUNS runs, the ROV and ASPA
 * parts alone, and the route state's bytes a route (routes, hash and prefix index; the shared
 * attribute sets apart).
 *
 * usage: bench_reval [--routes N] [--peers P] [--runs N] PFX2AS VRPFILE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmp/bmp.h"
#include "engine/engine.h"
#include "rpki/rpki.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return rng;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct pfx_origin {
	struct prefix p;
	uint32_t origin;
};

static struct pfx_origin *load_pfx2as(const char *path, size_t *n)
{
	struct zlines l;
	if (zlines_open(&l, path) < 0)
		exit(1);
	struct pfx_origin *v = NULL;
	size_t cap = 0;
	char *line, buf[128];
	size_t len;
	*n = 0;
	while (zlines_next(&l, &line, &len) > 0) {
		char addr[64], asn[64];
		unsigned plen;
		if (sscanf(line, "%63s %u %63s", addr, &plen, asn) != 3)
			continue;
		snprintf(buf, sizeof(buf), "%s/%u", addr, plen);
		struct prefix p;
		if (prefix_parse_loose(buf, &p) < 0)
			continue;
		XGROW(v, cap, *n + 1);
		v[*n].p = p;
		v[*n].origin = (uint32_t)strtoul(asn, NULL, 10); /* the first of a MOAS set */
		(*n)++;
	}
	zlines_close(&l);
	return v;
}

static void changed(
    const struct bmp_rib_entry *e, enum engine_reval_kind kind, int a, int b, void *arg)
{
	(*(size_t *)arg)++;
}

static double median_reval(const struct bmp_rib *rib, const struct vrp_table *o,
    const struct vrp_table *n, const struct aspa_table *oa, const struct aspa_table *na, int runs,
    struct engine_reval_stats *st)
{
	double *t = xcalloc((size_t)runs, sizeof(*t));
	for (int r = 0; r < runs; r++) {
		size_t events = 0;
		engine_revalidate(rib, o, n, oa, na, changed, &events, st);
		t[r] = st->seconds;
	}
	qsort(t, (size_t)runs, sizeof(*t), dcmp);
	double med = t[runs / 2];
	free(t);
	return med;
}

int main(int argc, char **argv)
{
	size_t nroutes = 1000000, npeers = 10;
	int runs = 5, i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--routes") == 0 && i + 1 < argc)
			nroutes = (size_t)atol(argv[++i]);
		else if (strcmp(argv[i], "--peers") == 0 && i + 1 < argc)
			npeers = (size_t)atol(argv[++i]);
		else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
			runs = atoi(argv[++i]);
	}
	if (i + 2 != argc || npeers == 0 || runs < 1) {
		fprintf(stderr, "usage: bench_reval [--routes N] [--peers P] [--runs N] PFX2AS "
		                "VRPFILE\n");
		return 2;
	}
	size_t npfx;
	struct pfx_origin *po = load_pfx2as(argv[i], &npfx);
	struct vrp_table *all = vrp_table_new();
	struct aspa_table *aspa = aspa_table_new();
	struct vrp_load_stats ls;
	if (vrp_load_file(all, aspa, argv[i + 1], 0, &ls) < 0)
		return 1;
	vrp_table_build(all);
	aspa_table_build(aspa);

	/* transit ASes: large networks and, for the ASPA side, the first 8 ASPA customers */
	uint32_t transit[16] = {174, 3356, 1299, 2914, 6939, 3257, 6762, 6453};
	size_t ntransit = 8;
	for (size_t k = 0; k < aspa_table_count(aspa) && ntransit < 16; k++)
		transit[ntransit++] = aspa_table_get(aspa, k)->customer;

	size_t use = (nroutes + npeers - 1) / npeers;
	if (use > npfx)
		use = npfx;
	struct bmp_rib *rib = bmp_rib_new();
	uint32_t router = bmp_rib_router(rib, "bench");
	double t0 = clock_mono();
	size_t fed = 0;
	for (size_t j = 0; j < use && fed < nroutes; j++) {
		const struct pfx_origin *x = &po[j * npfx / use];
		for (size_t k = 0; k < npeers && fed < nroutes; k++, fed++) {
			struct bmp_peer bp;
			memset(&bp, 0, sizeof(bp));
			bp.afi = AFI_IPV4, bp.addr[0] = 10, bp.addr[2] = (uint8_t)(k >> 8);
			bp.addr[3] = (uint8_t)k;
			bp.asn = 64512u + (uint32_t)k;
			uint32_t w[4] = {ASPATH_SEG_HDR(AS_SEQUENCE, 3), bp.asn,
			    transit[(x->origin + k) % ntransit], x->origin};
			struct bgp_attrs at;
			memset(&at, 0, sizeof(at));
			at.aspath = w, at.aspath_nwords = 4;
			struct mrt_route rt;
			memset(&rt, 0, sizeof(rt));
			rt.kind = MRT_ROUTE_ANNOUNCE, rt.attrs = &at, rt.prefix = x->p;
			bmp_rib_route(rib, router, &bp, &rt);
		}
	}
	double load_s = clock_mono() - t0;
	struct bmp_rib_stats rs;
	bmp_rib_stats(rib, &rs);

	/* the old and the new VRP table each lack 5,000 different VRPs of the real set */
	size_t nv = vrp_table_count(all);
	uint8_t *drop = xcalloc(nv, 1);
	for (int side = 1; side <= 2; side++)
		for (int k = 0; k < 5000;) {
			size_t j = (size_t)(rnd() % nv);
			if (drop[j] == 0)
				drop[j] = (uint8_t)side, k++;
		}
	struct vrp_table *o = vrp_table_new(), *n = vrp_table_new();
	for (size_t j = 0; j < nv; j++) {
		if (drop[j] != 1)
			vrp_table_add(o, vrp_table_get(all, j));
		if (drop[j] != 2)
			vrp_table_add(n, vrp_table_get(all, j));
	}
	vrp_table_build(o);
	vrp_table_build(n);
	/* the new ASPA table lacks the transit customers' ASPAs */
	struct aspa_table *na = aspa_table_new();
	for (size_t k = 0; k < aspa_table_count(aspa); k++) {
		const struct aspa *a = aspa_table_get(aspa, k);
		int is_transit = 0;
		for (size_t m = 8; m < ntransit; m++)
			is_transit |= transit[m] == a->customer;
		if (!is_transit)
			aspa_table_add(na, a->customer, a->providers, a->nproviders);
	}
	aspa_table_build(na);

	struct engine_reval_stats st, sr, sa;
	double both = median_reval(rib, o, n, aspa, na, runs, &st);
	double rov = median_reval(rib, o, n, aspa, aspa, runs, &sr);
	double asp = median_reval(rib, o, o, aspa, na, runs, &sa);

	printf("route state: %zu routes (%zu prefixes of %s x %zu peers), %zu attribute sets, "
	       "loaded in %.2f s\n",
	    rs.routes, rs.prefixes, strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i],
	    npeers, rs.attr_sets, load_s);
	printf("memory: %.1f bytes a route (routes and hash %.1f + prefix index %.1f), attribute "
	       "sets %.1f more\n",
	    (double)(rs.table_bytes + rs.index_bytes) / (double)rs.routes,
	    (double)rs.table_bytes / (double)rs.routes, (double)rs.index_bytes / (double)rs.routes,
	    (double)rs.attr_bytes / (double)rs.routes);
	printf("change: %zu VRPs (%zu in the set), %zu ASPA customers (%zu ASPAs)\n",
	    st.vrps_changed, nv, st.aspas_changed, aspa_table_count(aspa));
	printf("engine_revalidate: median %.4f s of %d (ROV part %.4f s, ASPA part %.4f s): "
	       "%zu VRP prefixes, %zu route prefixes and %zu routes examined, %zu ROV changes; "
	       "%zu attribute sets examined, %zu ASPA changes\n",
	    both, runs, rov, asp, st.vrp_prefixes, st.prefixes_examined, st.routes_examined,
	    st.rov_changed, st.attr_sets_examined, st.aspa_changed);
	printf("target: under 1 s for a 10,000-VRP change over 1M routes: %s\n",
	    both < 1.0 ? "met" : "NOT met");

	free(drop);
	free(po);
	vrp_table_release(all);
	vrp_table_release(o);
	vrp_table_release(n);
	aspa_table_free(aspa);
	aspa_table_free(na);
	bmp_rib_free(rib);
	return 0;
}
