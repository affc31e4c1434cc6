/*
 * CAIDA AS relationships: serial-1 "a|b|rel" and serial-2 "a|b|rel|source" lines, with the
 * "# input clique:" (or "# inferred clique:") and "# IXP ASes:" header lines. rel is -1 for
 * provider a / customer b, 0 for peers, 1 or 2 for siblings (old files).
 *
 * Lines are collected as edges, then asrel_finish sorts the edges by (smaller ASN, larger ASN)
 * and fills per-AS neighbour arrays; walking the sorted edges appends every AS's neighbours in
 * ascending order, so no per-AS sort is needed.
 */
#include <stdlib.h>
#include <string.h>

#include "topo/topo.h"

struct asrel_edge {
	uint32_t lo, hi; /* the pair, lo < hi */
	int8_t rel;      /* -1: lo provider of hi; 1: hi provider of lo; 0 peer; 2 sibling */
	uint8_t src;
};

#define LOG_FIRST 10 /* malformed lines logged individually, the rest only counted */

void asrel_init(struct asrel *r)
{
	memset(r, 0, sizeof(*r));
	r->sources[0] = xstrdup("");
	r->nsources = 1;
}

void asrel_free(struct asrel *r)
{
	free(r->asn);
	free(r->off);
	free(r->nb);
	free(r->rel);
	free(r->src);
	free(r->clique);
	free(r->ixp);
	free(r->hslot);
	free(r->edges);
	for (uint32_t i = 0; i < r->nsources; i++)
		free(r->sources[i]);
	memset(r, 0, sizeof(*r));
}

const char *topo_rel_name(enum topo_rel rel)
{
	switch (rel) {
	case TOPO_REL_CUSTOMER:
		return "customer";
	case TOPO_REL_PROVIDER:
		return "provider";
	case TOPO_REL_PEER:
		return "peer";
	case TOPO_REL_SIBLING:
		return "sibling";
	default:
		return "unknown";
	}
}

/* Parse the ASN list of a header line into a sorted array. */
static void header_list(const char *s, uint32_t **out, uint32_t *n)
{
	char *copy = xstrdup(s);
	size_t cap = 16;
	uint32_t *v = xreallocarray(NULL, cap, sizeof(*v)), cnt = 0;
	char *save = NULL;
	for (char *tok = strtok_r(copy, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		uint32_t asn;
		if (asn_parse(tok, &asn) != 0)
			continue;
		XGROW(v, cap, (size_t)cnt + 1);
		v[cnt++] = asn;
	}
	free(copy);
	qsort(v, cnt, sizeof(*v), u32_cmp);
	free(*out);
	*out = v;
	*n = cnt;
}

static void parse_comment(struct asrel *r, const char *line, size_t len)
{
	char *copy = xmalloc(len + 1);
	memcpy(copy, line, len);
	copy[len] = '\0';
	const char *s = copy + 1;
	while (*s == ' ' || *s == '\t')
		s++;
	if (strncmp(s, "input clique:", 13) == 0)
		header_list(s + 13, &r->clique, &r->nclique);
	else if (strncmp(s, "inferred clique:", 16) == 0)
		header_list(s + 16, &r->clique, &r->nclique);
	else if (strncmp(s, "IXP ASes:", 9) == 0)
		header_list(s + 9, &r->ixp, &r->nixp);
	free(copy);
}

static uint8_t intern_source(struct asrel *r, const char *s, size_t n)
{
	for (uint32_t i = 1; i < r->nsources; i++)
		if (strlen(r->sources[i]) == n && memcmp(r->sources[i], s, n) == 0)
			return (uint8_t)i;
	if (r->nsources == sizeof(r->sources) / sizeof(r->sources[0]))
		return 0;
	char *c = xmalloc(n + 1);
	memcpy(c, s, n);
	c[n] = '\0';
	r->sources[r->nsources] = c;
	return (uint8_t)r->nsources++;
}

static int bad_line(struct asrel *r, const char *name, uint64_t lineno, const char *why)
{
	if (r->st.malformed++ < LOG_FIRST)
		log_warn("%s:%llu: %s", name ? name : "asrel", (unsigned long long)lineno, why);
	return -1;
}

/* Parse a decimal ASN of field f (not NUL-terminated, n bytes). */
static int field_asn(const char *f, size_t n, uint32_t *asn)
{
	char tmp[16];
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, f, n);
	tmp[n] = '\0';
	return asn_parse(tmp, asn);
}

static int add_edge(struct asrel *r, uint32_t a, uint32_t b, int rel, uint8_t src)
{
	XGROW(r->edges, r->capedges, r->nedges + 1);
	struct asrel_edge *e = &r->edges[r->nedges];
	e->lo = a < b ? a : b;
	e->hi = a < b ? b : a;
	/* rel -1 means a is the provider: when a is the larger ASN, hi is the provider */
	e->rel = (int8_t)(rel == -1 ? (a < b ? -1 : 1) : rel);
	e->src = src;
	r->nedges++;
	return 0;
}

int asrel_add_line(struct asrel *r, const char *line, size_t len, const char *name, uint64_t lineno)
{
	r->st.lines++;
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (len == 0)
		return 0;
	if (line[0] == '#') {
		r->st.comments++;
		parse_comment(r, line, len);
		return 0;
	}
	const char *f[5];
	size_t fl[5];
	int nf = 0;
	const char *p = line, *end = line + len;
	while (nf < 5) {
		const char *bar = memchr(p, '|', (size_t)(end - p));
		f[nf] = p;
		fl[nf] = bar ? (size_t)(bar - p) : (size_t)(end - p);
		nf++;
		if (bar == NULL)
			break;
		p = bar + 1;
	}
	if (nf < 3 || nf > 4)
		return bad_line(r, name, lineno, "expected a|b|rel or a|b|rel|source");
	uint32_t a, b;
	if (field_asn(f[0], fl[0], &a) != 0 || field_asn(f[1], fl[1], &b) != 0)
		return bad_line(r, name, lineno, "bad ASN");
	int rel;
	if (fl[2] == 2 && f[2][0] == '-' && f[2][1] == '1')
		rel = -1;
	else if (fl[2] == 1 && f[2][0] >= '0' && f[2][0] <= '2')
		rel = f[2][0] == '0' ? 0 : 2;
	else
		return bad_line(r, name, lineno, "relationship is not -1, 0, 1 or 2");
	if (a == b) {
		r->st.self_links++;
		return bad_line(r, name, lineno, "link from an AS to itself");
	}
	uint8_t src = nf == 4 ? intern_source(r, f[3], fl[3]) : 0;
	return add_edge(r, a, b, rel, src);
}

/* Stable LSD radix sorts (16-bit digits): qsort of a CAIDA file's 165k-380k edges and
 * twice as many ASNs was most of the cost of loading it. Edges are added in file order, so
 * sorting them stably by (lo, hi) keeps the first of duplicate pairs first. */
static void radix_edges(struct asrel_edge *v, size_t n)
{
	struct asrel_edge *tmp = xreallocarray(NULL, n ? n : 1, sizeof(*tmp));
	static const int shift[4] = {0, 16, 32, 48};
	for (int pass = 0; pass < 4; pass++) {
		size_t *count = xcalloc(65537, sizeof(*count));
		for (size_t i = 0; i < n; i++) {
			uint64_t k = (uint64_t)v[i].lo << 32 | v[i].hi;
			count[(k >> shift[pass] & 0xffff) + 1]++;
		}
		if (count[(((uint64_t)(n ? v[0].lo : 0) << 32 | (n ? v[0].hi : 0)) >> shift[pass] &
		              0xffff) +
		          1] == n) {
			free(count); /* every key has this digit: nothing moves */
			continue;
		}
		for (size_t d = 1; d <= 65536; d++)
			count[d] += count[d - 1];
		for (size_t i = 0; i < n; i++) {
			uint64_t k = (uint64_t)v[i].lo << 32 | v[i].hi;
			tmp[count[k >> shift[pass] & 0xffff]++] = v[i];
		}
		memcpy(v, tmp, n * sizeof(*v));
		free(count);
	}
	free(tmp);
}

static void radix_u32(uint32_t *v, size_t n)
{
	uint32_t *tmp = xreallocarray(NULL, n ? n : 1, sizeof(*tmp));
	for (int shift = 0; shift < 32; shift += 16) {
		size_t *count = xcalloc(65537, sizeof(*count));
		for (size_t i = 0; i < n; i++)
			count[(v[i] >> shift & 0xffff) + 1]++;
		for (size_t d = 1; d <= 65536; d++)
			count[d] += count[d - 1];
		for (size_t i = 0; i < n; i++)
			tmp[count[v[i] >> shift & 0xffff]++] = v[i];
		memcpy(v, tmp, n * sizeof(*v));
		free(count);
	}
	free(tmp);
}

/* Drop repeated pairs (the first in file order stays); count them. */
static void dedupe(struct asrel *r)
{
	size_t w = 0;
	for (size_t i = 0; i < r->nedges; i++) {
		if (w > 0 && r->edges[w - 1].lo == r->edges[i].lo &&
		    r->edges[w - 1].hi == r->edges[i].hi) {
			if (r->edges[w - 1].rel == r->edges[i].rel)
				r->st.duplicates++;
			else
				r->st.conflicts++;
			continue;
		}
		r->edges[w++] = r->edges[i];
	}
	r->nedges = w;
}

static void collect_asns(struct asrel *r)
{
	uint32_t *v = xreallocarray(NULL, 2 * r->nedges + 1, sizeof(*v));
	for (size_t i = 0; i < r->nedges; i++) {
		v[2 * i] = r->edges[i].lo;
		v[2 * i + 1] = r->edges[i].hi;
	}
	radix_u32(v, 2 * r->nedges);
	uint32_t n = 0;
	for (size_t i = 0; i < 2 * r->nedges; i++)
		if (n == 0 || v[n - 1] != v[i])
			v[n++] = v[i];
	r->asn = xreallocarray(v, n ? n : 1, sizeof(*v));
	r->nas = n;
}

static enum topo_rel rel_from(const struct asrel_edge *e, int from_lo)
{
	switch (e->rel) {
	case 0:
		return TOPO_REL_PEER;
	case 2:
		return TOPO_REL_SIBLING;
	case -1: /* lo is the provider of hi */
		return from_lo ? TOPO_REL_CUSTOMER : TOPO_REL_PROVIDER;
	default: /* hi is the provider of lo */
		return from_lo ? TOPO_REL_PROVIDER : TOPO_REL_CUSTOMER;
	}
}

static uint32_t hash_asn(uint32_t asn)
{
	return (asn * 2654435761u) ^ (asn >> 16);
}

static void build_hash(struct asrel *r)
{
	uint32_t n = 1024;
	while (n < 2 * r->nas)
		n *= 2;
	free(r->hslot);
	r->hslot = xcalloc(n, sizeof(*r->hslot));
	r->hmask = n - 1;
	for (uint32_t i = 0; i < r->nas; i++) {
		uint32_t s = hash_asn(r->asn[i]) & r->hmask;
		while (r->hslot[s])
			s = (s + 1) & r->hmask;
		r->hslot[s] = i + 1;
	}
}

int asrel_finish(struct asrel *r)
{
	if (r->nedges) /* edges is NULL when nothing was added */
		radix_edges(r->edges, r->nedges);
	dedupe(r);
	collect_asns(r);
	build_hash(r);
	uint32_t *ilo = xreallocarray(NULL, r->nedges + 1, sizeof(*ilo));
	uint32_t *ihi = xreallocarray(NULL, r->nedges + 1, sizeof(*ihi));
	r->off = xcalloc((size_t)r->nas + 1, sizeof(*r->off));
	for (size_t i = 0; i < r->nedges; i++) {
		const struct asrel_edge *e = &r->edges[i];
		ilo[i] = (uint32_t)asrel_index(r, e->lo);
		ihi[i] = (uint32_t)asrel_index(r, e->hi);
		r->off[ilo[i] + 1]++;
		r->off[ihi[i] + 1]++;
		if (e->rel == 0)
			r->st.p2p++;
		else if (e->rel == 2)
			r->st.s2s++;
		else
			r->st.p2c++;
	}
	r->st.links = r->nedges;
	for (uint32_t i = 0; i < r->nas; i++)
		r->off[i + 1] += r->off[i];
	size_t tot = 2 * r->nedges + 1;
	r->nb = xreallocarray(NULL, tot, sizeof(*r->nb));
	r->rel = xmalloc(tot);
	r->src = xmalloc(tot);
	uint32_t *fillp = xmalloc(((size_t)r->nas + 1) * sizeof(*fillp));
	memcpy(fillp, r->off, ((size_t)r->nas + 1) * sizeof(*fillp));
	/* edges are sorted by (lo, hi): every list fills in ascending neighbour order */
	for (size_t i = 0; i < r->nedges; i++) {
		const struct asrel_edge *e = &r->edges[i];
		uint32_t k = fillp[ilo[i]]++;
		r->nb[k] = ihi[i];
		r->rel[k] = (uint8_t)rel_from(e, 1);
		r->src[k] = e->src;
		k = fillp[ihi[i]]++;
		r->nb[k] = ilo[i];
		r->rel[k] = (uint8_t)rel_from(e, 0);
		r->src[k] = e->src;
	}
	free(fillp);
	free(ilo);
	free(ihi);
	free(r->edges);
	r->edges = NULL;
	r->nedges = r->capedges = 0;
	return 0;
}

int asrel_load(struct asrel *r, const char *path)
{
	struct zlines l;
	if (zlines_open(&l, path) != 0)
		return -1;
	char *line;
	size_t len;
	int rc;
	while ((rc = zlines_next(&l, &line, &len)) == 1)
		asrel_add_line(r, line, len, path, l.lineno);
	zlines_close(&l);
	if (r->st.malformed > LOG_FIRST)
		log_warn("%s: %llu malformed lines skipped in all", path,
		    (unsigned long long)r->st.malformed);
	asrel_finish(r);
	return rc < 0 ? -1 : 0;
}

static int64_t bsearch_u32(const uint32_t *v, size_t n, uint32_t x)
{
	size_t i = u32_lower_bound(v, n, sizeof(*v), 0, x);
	return i < n && v[i] == x ? (int64_t)i : -1;
}

int64_t asrel_index(const struct asrel *r, uint32_t asn)
{
	if (r->hslot == NULL)
		return bsearch_u32(r->asn, r->nas, asn);
	for (uint32_t s = hash_asn(asn) & r->hmask; r->hslot[s]; s = (s + 1) & r->hmask)
		if (r->asn[r->hslot[s] - 1] == asn)
			return r->hslot[s] - 1;
	return -1;
}

/* Position of b's index in a's neighbour list, or -1. */
static int64_t pair_pos(const struct asrel *r, uint32_t a, uint32_t b)
{
	int64_t ia = asrel_index(r, a), ib;
	if (ia < 0 || (ib = asrel_index(r, b)) < 0)
		return -1;
	uint32_t o = r->off[ia];
	int64_t k = bsearch_u32(r->nb + o, r->off[ia + 1] - o, (uint32_t)ib);
	return k < 0 ? -1 : o + k;
}

enum topo_rel asrel_lookup(const struct asrel *r, uint32_t a, uint32_t b)
{
	int64_t k = pair_pos(r, a, b);
	return k < 0 ? TOPO_REL_NONE : (enum topo_rel)r->rel[k];
}

const char *asrel_source(const struct asrel *r, uint32_t a, uint32_t b)
{
	int64_t k = pair_pos(r, a, b);
	return k < 0 ? "" : r->sources[r->src[k]];
}

void asrel_degree(
    const struct asrel *r, uint32_t asn, uint32_t *customers, uint32_t *providers, uint32_t *peers)
{
	*customers = *providers = *peers = 0;
	int64_t i = asrel_index(r, asn);
	if (i < 0)
		return;
	for (uint32_t k = r->off[i]; k < r->off[i + 1]; k++) {
		if (r->rel[k] == TOPO_REL_CUSTOMER)
			(*customers)++;
		else if (r->rel[k] == TOPO_REL_PROVIDER)
			(*providers)++;
		else if (r->rel[k] == TOPO_REL_PEER)
			(*peers)++;
	}
}

int asrel_is_clique(const struct asrel *r, uint32_t asn)
{
	return bsearch_u32(r->clique, r->nclique, asn) >= 0;
}

int asrel_is_ixp(const struct asrel *r, uint32_t asn)
{
	return bsearch_u32(r->ixp, r->nixp, asn) >= 0;
}
