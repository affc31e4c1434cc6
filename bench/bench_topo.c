/* bench_topo: load the CAIDA relationships (and optionally the bogon lists), then time pair
 * lookups, valley-free checks and bogon checks.
 *   bench_topo load FILE            load only (for wall time / peak RSS from the script)
 *   bench_topo query FILE [BOGONS...] load, then print lookups per second */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "registry/registry.h"
#include "topo/topo.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (uint32_t)rng;
}

static struct valley_result res;

static void query(const struct asrel *r, char **bogons, int nbogons)
{
	enum { N = 2000000 };
	/* pairs of real linked ASes and random ASes, half each */
	uint64_t found = 0;
	double t = now();
	for (int i = 0; i < N; i++) {
		uint32_t a = r->asn[rnd() % r->nas], b;
		int64_t ia = asrel_index(r, a);
		if (i & 1)
			b = r->asn[r->nb[r->off[ia] + rnd() % (r->off[ia + 1] - r->off[ia])]];
		else
			b = r->asn[rnd() % r->nas];
		found += asrel_lookup(r, a, b) != TOPO_REL_NONE;
	}
	double dt = now() - t;
	printf("pair lookups: %.1f M/s (%llu of %d linked)\n", N / dt / 1e6,
	    (unsigned long long)found, N);
	/* valley checks on 5-hop paths walked along real links */
	uint32_t w[8];
	uint64_t leaks = 0;
	t = now();
	for (int i = 0; i < N / 4; i++) {
		w[0] = ASPATH_SEG_HDR(AS_SEQUENCE, 5);
		uint32_t x = rnd() % r->nas;
		for (int k = 1; k <= 5; k++) {
			w[k] = r->asn[x];
			x = r->nb[r->off[x] + rnd() % (r->off[x + 1] - r->off[x])];
		}
		valley_check(r, w, 6, &res);
		leaks += res.leak_index >= 0;
	}
	dt = now() - t;
	printf("valley checks (5 hops): %.2f M/s (%llu leaks of %d random walks)\n",
	    N / 4 / dt / 1e6, (unsigned long long)leaks, N / 4);
	struct bogon_db db;
	bogon_db_init(&db);
	for (int i = 0; i < nbogons; i++)
		bogon_load(&db, bogons[i]);
	uint64_t bog = 0;
	t = now();
	for (int i = 0; i < N; i++) {
		struct prefix p = {.afi = (i & 3) ? AFI_IPV4 : AFI_IPV6, .len = (i & 3) ? 24 : 48};
		uint32_t v = rnd();
		memcpy(p.addr, &v, 4);
		if (p.afi == AFI_IPV6)
			p.addr[0] = 0x20 | (p.addr[0] & 0x0f);
		prefix_mask(&p);
		bog += bogon_check_prefix(&db, &p, NULL) != BOGON_NOT;
		bog += bogon_check_asn(&db, v, NULL) != BOGON_NOT;
	}
	dt = now() - t;
	printf("bogon prefix+ASN checks: %.2f M/s (%d admin-list files, %zu list prefixes; "
	       "%llu bogon answers)\n",
	    N / dt / 1e6, nbogons, db.admin.count, (unsigned long long)bog);
	bogon_db_free(&db);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_topo load|query FILE [BOGONS...]\n");
		return 1;
	}
	struct asrel r;
	asrel_init(&r);
	double t = now();
	if (asrel_load(&r, argv[2]) != 0)
		return 1;
	printf("load: %.3f s, %llu links, %u ASes\n", now() - t, (unsigned long long)r.st.links,
	    r.nas);
	if (strcmp(argv[1], "query") == 0)
		query(&r, argv + 3, argc - 3);
	asrel_free(&r);
	return 0;
}
