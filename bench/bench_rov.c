/*
 * ROV benchmark: index build time and validations per second of routemark's vrp_table against
 * RTRlib's pfx_table on the same generated VRP set and the same queries.
 *
 * The VRP set (800,000 by default) copies the shape of the real 2017 set: each generated VRP
 * takes the family, prefix length and maxLength-minus-length of a random real VRP and the
 * leading address bits (/8 for IPv4, /16 for IPv6) of another, the rest random. Queries: 40%
 * derived from a generated VRP (a more-specific up to maxLength + 2, origin right 80% of the
 * time), 60% random routes in the same leading address space with a RouteViews-like length
 * mix (IPv4 /24-heavy, 1 in 8 IPv6). Both sides answer every query; the state counts must
 * match or the bench fails.
 *
 * usage: bench_rov REAL_VRP_FILE [NVRPS] [NQUERIES] [RUNS]
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rtrlib/rtrlib.h>

#include "rpki/rpki.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint32_t rnd(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), dcmp);
	return v[n / 2];
}

/* A random prefix of length len whose leading `keep` bits come from `like`. */
static struct prefix shaped(const struct prefix *like, int keep, int len)
{
	struct prefix p = *like;
	for (int i = 0; i < 16; i++) {
		int bit0 = i * 8;
		if (bit0 + 8 <= keep)
			continue;
		uint8_t r = (uint8_t)rnd();
		if (bit0 < keep) {
			uint8_t m = (uint8_t)(0xff << (8 - (keep - bit0)));
			p.addr[i] = (uint8_t)((like->addr[i] & m) | (r & ~m));
		} else {
			p.addr[i] = r;
		}
	}
	if (p.afi == AFI_IPV4)
		memset(p.addr + 4, 0, 12);
	p.len = (uint8_t)len;
	prefix_mask(&p);
	return p;
}

static void to_lrtr(const struct prefix *p, struct lrtr_ip_addr *a)
{
	if (p->afi == AFI_IPV4) {
		a->ver = LRTR_IPV4;
		a->u.addr4.addr = (uint32_t)p->addr[0] << 24 | (uint32_t)p->addr[1] << 16 |
		                  (uint32_t)p->addr[2] << 8 | p->addr[3];
	} else {
		a->ver = LRTR_IPV6;
		for (int w = 0; w < 4; w++)
			a->u.addr6.addr[w] = (uint32_t)p->addr[w * 4] << 24 |
			                     (uint32_t)p->addr[w * 4 + 1] << 16 |
			                     (uint32_t)p->addr[w * 4 + 2] << 8 | p->addr[w * 4 + 3];
	}
}

struct query {
	struct prefix p;
	uint32_t asn;
	struct lrtr_ip_addr a;
};

static void print_mix(const struct vrp_table *real)
{
	size_t n = vrp_table_count(real), v4 = 0, lens[129] = {0}, ml = 0;
	for (size_t i = 0; i < n; i++) {
		const struct vrp *v = vrp_table_get(real, i);
		v4 += v->p.afi == AFI_IPV4;
		if (v->p.afi == AFI_IPV4)
			lens[v->p.len]++;
		ml += v->maxlen > v->p.len;
	}
	printf("mix (from %zu real VRPs): IPv4 %.1f%%, maxLength > length %.1f%%, IPv4 lengths:", n,
	    100.0 * (double)v4 / (double)n, 100.0 * (double)ml / (double)n);
	for (int l = 8; l <= 32; l++)
		if (lens[l] * 100 >= v4)
			printf(" /%d %.0f%%", l, 100.0 * (double)lens[l] / (double)v4);
	printf("\n");
}

static const struct vrp *pick(const struct vrp_table *t)
{
	return vrp_table_get(t, rnd() % vrp_table_count(t));
}

/* A uniformly random unicast address: 1.0.0.0-223.255.255.255 or 2000::/12 (where the
 * RIRs' IPv6 space is). */
static struct prefix random_addr(int afi)
{
	struct prefix p = {.afi = (uint8_t)afi, .len = 0};
	for (int i = 0; i < 16; i++)
		p.addr[i] = (uint8_t)rnd();
	if (afi == AFI_IPV4) {
		p.addr[0] = (uint8_t)(1 + rnd() % 223);
		memset(p.addr + 4, 0, 12);
	} else {
		p.addr[0] = 0x20;
		p.addr[1] &= 0x0f;
	}
	return p;
}

static void gen_vrps(const struct vrp_table *real, struct vrp *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct vrp *shape = pick(real);
		struct prefix a = random_addr(shape->p.afi);
		out[i].p = shaped(&a, 0, shape->p.len);
		out[i].maxlen = shape->maxlen;
		out[i].asn = 1 + rnd() % 400000;
	}
}

static int route_len4(void)
{
	uint32_t r = rnd() % 100; /* RouteViews 2014: ~55% /24, then /22, /23, /20, /21, /16 */
	return r < 55   ? 24
	       : r < 67 ? 22
	       : r < 77 ? 23
	       : r < 84 ? 20
	       : r < 90 ? 21
	       : r < 94 ? 16
	                : 17 + (int)(rnd() % 3);
}

static void gen_queries(const struct vrp *vrps, size_t nv, struct query *q, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (rnd() % 2) {
			/* a route under a VRP: within maxLength 90% of the time, origin right 90%
			 */
			const struct vrp *v = &vrps[rnd() % nv];
			int max = prefix_maxlen(v->p.afi);
			int top = rnd() % 10            ? v->maxlen
			          : v->maxlen + 2 > max ? max
			                                : v->maxlen + 2;
			int len = v->p.len + (int)(rnd() % (uint32_t)(top - v->p.len + 1));
			q[i].p = shaped(&v->p, v->p.len, len);
			q[i].asn = rnd() % 10 ? v->asn : 1 + rnd() % 400000;
		} else {
			/* a random route, RouteViews length mix, 1 in 8 IPv6 */
			int v6 = rnd() % 8 == 0;
			struct prefix a = random_addr(v6 ? AFI_IPV6 : AFI_IPV4);
			q[i].p = shaped(&a, 0, v6 ? 32 + 16 * (int)(rnd() % 2) : route_len4());
			q[i].asn = 1 + rnd() % 400000;
		}
		to_lrtr(&q[i].p, &q[i].a);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_rov REAL_VRP_FILE [NVRPS] [NQUERIES] [RUNS]\n");
		return 1;
	}
	size_t nv = argc > 2 ? strtoul(argv[2], NULL, 10) : 800000;
	size_t nq = argc > 3 ? strtoul(argv[3], NULL, 10) : 2000000;
	int runs = argc > 4 ? atoi(argv[4]) : 5;
	if (runs < 1 || runs > 50)
		runs = 5;
	struct vrp_table *real = vrp_table_new();
	struct vrp_load_stats st;
	if (vrp_load_file(real, NULL, argv[1], 0, &st) < 0 || vrp_table_build(real) < 0 ||
	    vrp_table_count(real) == 0)
		return 1;
	print_mix(real);
	struct vrp *vrps = xcalloc(nv, sizeof(*vrps));
	struct query *q = xcalloc(nq, sizeof(*q));
	gen_vrps(real, vrps, nv);
	gen_queries(vrps, nv, q, nq);
	printf("generated %zu VRPs with that mix at uniformly random addresses (IPv4 unicast, "
	       "IPv6 2000::/12);\n%zu queries: 50%% routes under a random VRP (90%% within "
	       "maxLength, 90%% its AS), 50%% random routes (RouteViews lengths, 1 in 8 IPv6)\n",
	    nv, nq);

	double tb[50], tr[50], tv[50], tve[50], trv[50];
	size_t mine[3] = {0}, theirs[3] = {0};
	struct vrp_table *t = NULL;
	struct pfx_table pt;
	for (int r = 0; r < runs; r++) {
		if (t != NULL) {
			vrp_table_free(t);
			pfx_table_free(&pt);
		}
		double t0 = now();
		t = vrp_table_new();
		for (size_t i = 0; i < nv; i++)
			vrp_table_add(t, &vrps[i]);
		vrp_table_build(t);
		tb[r] = now() - t0;
		t0 = now();
		pfx_table_init(&pt, NULL);
		for (size_t i = 0; i < nv; i++) {
			struct pfx_record rec = {.asn = vrps[i].asn,
			    .min_len = vrps[i].p.len,
			    .max_len = vrps[i].maxlen};
			to_lrtr(&vrps[i].p, &rec.prefix);
			pfx_table_add(&pt, &rec);
		}
		tr[r] = now() - t0;
	}
	for (int r = 0; r < runs; r++) {
		memset(mine, 0, sizeof(mine));
		memset(theirs, 0, sizeof(theirs));
		double t0 = now();
		for (size_t i = 0; i < nq; i++)
			mine[rov_validate(t, &q[i].p, q[i].asn, NULL)]++;
		tv[r] = now() - t0;
		struct rov_result res;
		t0 = now();
		for (size_t i = 0; i < nq; i++)
			rov_validate(t, &q[i].p, q[i].asn, &res);
		tve[r] = now() - t0;
		t0 = now();
		for (size_t i = 0; i < nq; i++) {
			enum pfxv_state s;
			pfx_table_validate(&pt, q[i].asn, &q[i].a, q[i].p.len, &s);
			theirs[s == BGP_PFXV_STATE_VALID     ? 1
			       : s == BGP_PFXV_STATE_INVALID ? 2
			                                     : 0]++;
		}
		trv[r] = now() - t0;
	}
	printf("states: valid %zu, invalid %zu, not-found %zu (RTRlib: %zu / %zu / %zu)\n", mine[1],
	    mine[2], mine[0], theirs[1], theirs[2], theirs[0]);
	double b = median(tb, runs), br = median(tr, runs);
	double v = (double)nq / median(tv, runs), ve = (double)nq / median(tve, runs);
	double rv = (double)nq / median(trv, runs);
	printf(
	    "index build (%zu VRPs, %zu unique), median of %d: routemark %.3f s, RTRlib %.3f s\n",
	    nv, vrp_table_count(t), runs, b, br);
	printf("validations/s, median of %d: routemark %.2f M/s (with evidence %.2f M/s), "
	       "RTRlib %.2f M/s\n",
	    runs, v / 1e6, ve / 1e6, rv / 1e6);
	printf("ratio routemark/RTRlib: %.2fx (with evidence %.2fx)\n", v / rv, ve / rv);
	int ok = memcmp(mine, theirs, sizeof(mine)) == 0;
	if (!ok)
		printf("ERROR: routemark and RTRlib disagree on the state counts\n");
	vrp_table_free(t);
	pfx_table_free(&pt);
	vrp_table_free(real);
	free(vrps);
	free(q);
	return ok ? 0 : 1;
}
