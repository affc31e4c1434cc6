/*
 * bench_irr: an RPSL dump at RADB scale and the cost of loading and checking it.
 *
 *   bench_irr gen FILE N      write N route/route6 objects shaped like RIPE/RADB ones (descr
 *                             with continuation lines, origin, mnt-by, created,
 *                             last-modified, source, some remarks and member-of) plus
 *                             aut-num and as-set objects, deterministic
 *   bench_irr load FILE       load it; print objects, load seconds, then the rate of route
 *                             checks over the objects' own prefixes and random ones
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "irr/irr.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void gen_route(FILE *f, int v6, uint32_t asn, unsigned i)
{
	static const char *src[] = {"RADB", "RIPE", "ARIN", "NTTCOM", "ALTDB", "LEVEL3"};
	struct prefix p;
	char pb[PREFIX_STRLEN];
	memset(&p, 0, sizeof(p));
	p.afi = v6 ? AFI_IPV6 : AFI_IPV4;
	if (v6) {
		p.addr[0] = 0x2a, p.addr[1] = (uint8_t)(rnd() % 16);
		for (int b = 2; b < 8; b++)
			p.addr[b] = (uint8_t)rnd();
		p.len = (uint8_t)(32 + rnd() % 17);
	} else {
		p.addr[0] = (uint8_t)(1 + rnd() % 222);
		p.addr[1] = (uint8_t)rnd(), p.addr[2] = (uint8_t)rnd();
		p.len = (uint8_t)(16 + rnd() % 9);
	}
	prefix_mask(&p);
	fprintf(f, "%-16s%s\n", v6 ? "route6:" : "route:", prefix_format(&p, pb, sizeof(pb)));
	fprintf(f, "descr:          Customer network %u of AS%u\n", i, asn);
	if (i % 5 == 0)
		fprintf(f, "                Some Street %u\n                City, CC\n", i % 997);
	fprintf(f, "origin:         AS%u\n", asn);
	if (i % 50 == 0)
		fprintf(f, "member-of:      AS%u:RS-CUSTOMERS\n", asn);
	fprintf(f, "mnt-by:         MAINT-AS%u\n", asn);
	if (i % 3 == 0)
		fprintf(f, "notify:         noc@as%u.example.net\n", asn);
	fprintf(f, "changed:        noc@as%u.example.net 20%02u%02u%02u  #12:00:00Z\n", asn,
	    10 + rnd() % 14, 1 + rnd() % 12, 1 + rnd() % 28);
	fprintf(f, "created:        20%02u-%02u-%02uT10:11:12Z\n", 2 + rnd() % 20, 1 + rnd() % 12,
	    1 + rnd() % 28);
	fprintf(f, "last-modified:  2023-%02u-%02uT10:11:12Z\n", 1 + rnd() % 12, 1 + rnd() % 28);
	fprintf(f, "source:         %s\n", src[i % 6]);
	if (i % 4 == 0)
		fprintf(f, "remarks:        ****************************\n"
		           "remarks:        * THIS OBJECT IS MODIFIED\n"
		           "remarks:        ****************************\n");
	fputc('\n', f);
}

static int gen(const char *path, unsigned n)
{
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		return 1;
	}
	fprintf(f, "#\n# routemark bench: generated RPSL dump, %u route objects\n#\n\n", n);
	for (unsigned i = 0; i < n; i++) {
		/* origins: a heavy tail, as in real IRRs (a few ASNs with thousands) */
		uint32_t asn = rnd() % 8 == 0 ? 1 + rnd() % 200 : 1000 + rnd() % 80000;
		gen_route(f, i % 9 == 0, asn, i);
		if (i % 40 == 0)
			fprintf(f,
			    "aut-num:        AS%u\nas-name:        NET-%u\nimport:         "
			    "from AS%u accept ANY\nexport:         to AS%u announce AS-%u\n"
			    "tech-c:         TC%u-RIPE\nadmin-c:        AC%u-RIPE\n"
			    "mnt-by:         MAINT-AS%u\nsource:         RIPE\n\n"
			    "as-set:         AS%u:AS-CUSTOMERS\nmembers:        AS%u, AS%u,\n"
			    "                AS%u\nmnt-by:         MAINT-AS%u\nsource:         "
			    "RIPE\n\n",
			    asn, asn, rnd() % 70000, rnd() % 70000, asn, asn, asn, asn, asn,
			    1000 + rnd() % 80000, 1000 + rnd() % 80000, 1000 + rnd() % 80000, asn);
	}
	return fclose(f) == 0 ? 0 : 1;
}

struct sample {
	struct prefix *p;
	uint32_t *asn;
	size_t n, cap;
};

static int take(const struct prefix *p, void *value, void *arg)
{
	struct sample *s = arg;
	const struct irr_route *r = value;
	if (r == NULL || s->n == s->cap)
		return s->n == s->cap;
	s->p[s->n] = *p;
	s->asn[s->n++] = r->origin;
	return 0;
}

static int load(const char *path)
{
	struct irr_db db;
	struct irr_load_stats st;
	irr_db_init(&db);
	double t0 = now();
	if (irr_db_load(&db, path, &st) != 0) {
		fprintf(stderr, "bench_irr: %s\n", st.err);
		return 1;
	}
	double t1 = now();
	printf(
	    "objects %llu route %zu route6 %zu aut-num %zu as-set %zu malformed %llu load_s %.3f\n",
	    (unsigned long long)st.objects, db.count[RPSL_ROUTE], db.count[RPSL_ROUTE6],
	    db.count[RPSL_AUT_NUM], db.count[RPSL_AS_SET], (unsigned long long)st.malformed,
	    t1 - t0);
	/* 500k checks, as the observatory does for a full table: half registered prefixes
	 * (their more-specific /25s with their own origin), half random /24s */
	struct sample s = {xmalloc(250000 * sizeof(struct prefix)), xmalloc(250000 * 4), 0, 250000};
	trie_walk_all(&db.routes, take, &s);
	size_t verdicts[4] = {0};
	struct irr_check_result res;
	t0 = now();
	for (size_t i = 0; i < 500000; i++) {
		struct prefix p;
		uint32_t asn;
		if (i % 2 == 0 && s.n) {
			p = s.p[(i / 2) % s.n];
			asn = s.asn[(i / 2) % s.n];
		} else {
			memset(&p, 0, sizeof(p));
			p.afi = AFI_IPV4;
			p.len = 24;
			uint32_t a = rnd() << 8;
			p.addr[0] = (uint8_t)(a >> 24), p.addr[1] = (uint8_t)(a >> 16);
			p.addr[2] = (uint8_t)(a >> 8);
			asn = 1000 + rnd() % 80000;
		}
		irr_check(&db, &p, asn, 0, &res);
		verdicts[res.verdict]++;
	}
	t1 = now();
	printf("checks 500000 check_s %.3f per_s %.0f exact %zu covered %zu other %zu absent %zu\n",
	    t1 - t0, 500000 / (t1 - t0), verdicts[0], verdicts[1], verdicts[2], verdicts[3]);
	free(s.p);
	free(s.asn);
	irr_db_free(&db);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], (unsigned)strtoul(argv[3], NULL, 10));
	if (argc == 3 && strcmp(argv[1], "load") == 0)
		return load(argv[2]);
	fprintf(stderr, "usage: bench_irr gen FILE N | bench_irr load FILE\n");
	return 1;
}
