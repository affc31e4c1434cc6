/*
 * BMP benchmark: ingest speed of the parser and route state on real captures (each fed
 * REPEAT times, as one stream, from memory: messages/s and route changes/s, median of RUNS),
 * then the route state's size: NPFX IPv4 prefixes announced by NPEERS peers (one attribute set
 * per 10 prefixes and peer), in bytes a route for the table and the attribute sets, and the
 * time of the final Peer Downs.
 *
 * usage: bench_bmp [--routes NPFX NPEERS] [--repeat N] [--runs N] CAPTURE...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmp/bmp.h"

static void on_event(void *arg, const struct bmp_msg *m, const struct mrt_route *rt)
{
	bmp_rib_event(arg, 0, m, rt);
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	uint8_t *b = NULL;
	size_t cap = 0, n;
	*len = 0;
	for (;;) {
		if (*len + 65536 > cap)
			b = xrealloc(b, cap = cap ? cap * 2 : 1 << 20);
		if ((n = fread(b + *len, 1, 65536, f)) == 0)
			break;
		*len += n;
	}
	fclose(f);
	return b;
}

static void ingest(const char *path, int repeat, int runs)
{
	size_t len;
	uint8_t *b = slurp(path, &len);
	if (b == NULL) {
		fprintf(stderr, "bench_bmp: cannot read %s\n", path);
		exit(1);
	}
	double *t = xcalloc((size_t)runs, sizeof(*t));
	uint64_t msgs = 0, changes = 0;
	for (int r = 0; r < runs; r++) {
		struct bmp_rib *rib = bmp_rib_new();
		bmp_rib_router(rib, "bench");
		struct bmp_parser_opts o = {.source = path, .quiet = 1};
		struct bmp_parser *p = bmp_parser_new(&o, on_event, rib);
		double t0 = clock_mono();
		for (int i = 0; i < repeat; i++)
			bmp_parser_feed(p, b, len);
		bmp_parser_finish(p);
		t[r] = clock_mono() - t0;
		struct bmp_rib_stats rs;
		bmp_rib_stats(rib, &rs);
		msgs = bmp_parser_stats(p)->messages;
		changes = rs.announces + rs.withdraws;
		bmp_parser_free(p);
		bmp_rib_free(rib);
	}
	qsort(t, (size_t)runs, sizeof(*t), dcmp);
	double med = t[runs / 2];
	const char *base = strrchr(path, '/');
	printf("ingest %s x%d: %llu messages, %llu route changes, %.1f MB: median %.3f s, "
	       "%.2f M messages/s, %.2f M route changes/s\n",
	    base ? base + 1 : path, repeat, (unsigned long long)msgs, (unsigned long long)changes,
	    (double)len * repeat / 1e6, med, (double)msgs / med / 1e6, (double)changes / med / 1e6);
	free(t);
	free(b);
}

static void state_size(int npfx, int npeers)
{
	struct bmp_rib *rib = bmp_rib_new();
	uint32_t router = bmp_rib_router(rib, "bench");
	struct bgp_attrs at;
	uint32_t words[5];
	double t0 = clock_mono();
	for (int pe = 0; pe < npeers; pe++) {
		struct bmp_peer bp = {.type = 0, .afi = AFI_IPV4, .asn = 64500u + (uint32_t)pe};
		bp.addr[0] = 10, bp.addr[2] = (uint8_t)(pe >> 8), bp.addr[3] = (uint8_t)pe;
		for (int i = 0; i < npfx; i++) {
			memset(&at, 0, sizeof(at));
			words[0] = (2u << 16) | 4, words[1] = bp.asn, words[2] = 3356,
			words[3] = 1299 + (uint32_t)(i / 10 % 97),
			words[4] = 65000u + (uint32_t)(i / 10);
			at.aspath = words, at.aspath_nwords = 5;
			at.present = 1u << 1 | 1u << 2 | 1u << 3;
			struct mrt_route rt;
			memset(&rt, 0, sizeof(rt));
			rt.kind = MRT_ROUTE_ANNOUNCE, rt.attrs = &at;
			rt.prefix.afi = AFI_IPV4, rt.prefix.len = 24;
			rt.prefix.addr[0] = (uint8_t)(1 + (i >> 16)),
			rt.prefix.addr[1] = (uint8_t)(i >> 8), rt.prefix.addr[2] = (uint8_t)i;
			bmp_rib_route(rib, router, &bp, &rt);
		}
	}
	double t1 = clock_mono();
	struct bmp_rib_stats rs;
	bmp_rib_stats(rib, &rs);
	printf("state %d prefixes x %d peers: %zu routes in %.2f s (%.2f M/s); table %.1f + prefix "
	       "index %.1f bytes a route, %zu attribute sets %.1f bytes a route\n",
	    npfx, npeers, rs.routes, t1 - t0, (double)rs.routes / (t1 - t0) / 1e6,
	    (double)rs.table_bytes / (double)rs.routes, (double)rs.index_bytes / (double)rs.routes,
	    rs.attr_sets, (double)rs.attr_bytes / (double)rs.routes);
	t0 = clock_mono();
	for (int pe = 0; pe < npeers; pe++) {
		struct bmp_peer bp = {.type = 0, .afi = AFI_IPV4};
		bp.addr[0] = 10, bp.addr[2] = (uint8_t)(pe >> 8), bp.addr[3] = (uint8_t)pe;
		bmp_rib_peer_down(rib, router, &bp);
	}
	bmp_rib_stats(rib, &rs);
	printf("  %d Peer Downs: %.3f s (%.1f ms each), %zu routes left\n", npeers,
	    clock_mono() - t0, (clock_mono() - t0) * 1e3 / npeers, rs.routes);
	bmp_rib_free(rib);
}

int main(int argc, char **argv)
{
	int npfx = 1000000, npeers = 2, repeat = 100, runs = 5, i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--routes") == 0 && i + 2 < argc) {
			npfx = atoi(argv[++i]);
			npeers = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
			repeat = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
			runs = atoi(argv[++i]);
		} else {
			fprintf(stderr,
			    "usage: bench_bmp [--routes NPFX NPEERS] [--repeat N] [--runs N] "
			    "CAPTURE...\n");
			return 1;
		}
	}
	if (npfx < 1 || npfx > 16000000 || npeers < 1 || npeers > 65535 || repeat < 1 || runs < 1) {
		fprintf(stderr, "bench_bmp: values out of range\n");
		return 1;
	}
	for (; i < argc; i++)
		ingest(argv[i], repeat, runs);
	state_size(npfx, npeers);
	return 0;
}
