/*
 * bench_gen_rib — write a full-table-scale TABLE_DUMP_V2 RIB for benchmarks, derived from a
 * real table.
 *
 * Input: the `bgpdump -m` lines of a real RIB (the template): prefix, AS path, origin, MED,
 * communities, atomic aggregate and aggregator of the first entry seen for each prefix.
 * Output: a PEER_INDEX_TABLE, then one RIB_IPV4_UNICAST / RIB_IPV6_UNICAST record per prefix
 * (sorted, IPv4 first, as collectors write them), each with one entry per peer.
 *
 * Expansion to -n distinct prefixes, deterministically, in rounds until the count is reached:
 * the real prefixes; the two halves of every real IPv4 prefix of length 8..23 (deaggregation);
 * every real IPv4 prefix of length <= 32 mapped into 2a10::/16 (length + 16), standing in for
 * the IPv6 table; then the quarters. Derived prefixes inherit their parent's route.
 *
 * Per peer, the path is the real path with the first (neighbour) ASN replaced by the peer's,
 * and a deterministic variation (hash of prefix and peer): prepending, a different transit
 * in second position, or an extra transit hop. Communities naming the template's neighbour
 * are renamed to the peer; some peers add their own communities, MED or LARGE_COMMUNITY;
 * IPv6 entries carry the abbreviated MP_REACH_NLRI (some with a link-local next hop).
 *
 * The MRT encoding is tests/mrtgen.h, written from RFC 6396/4271/6793, independent of
 * routemark's reader. Output is plain, gzip or bzip2 (-z); everything is reproducible.
 */
#include <arpa/inet.h>
#include <bzlib.h>
#include <errno.h>
#include <getopt.h>
#include <zlib.h>

#include "../tests/mrtgen.h"

#define MAX_PEERS 64

struct tmpl {
	uint32_t path_off, comm_off; /* into the word pools */
	uint16_t path_nw, ncomm;
	uint32_t med, agg_as, nbr_as; /* nbr_as: the template's neighbour (peer) AS */
	uint8_t origin, atomic, has_agg, agg_ip[4];
};

struct gprefix {
	uint8_t afi, len, addr[16];
	uint32_t tmpl;
};

struct genpeer {
	uint32_t asn;
	uint8_t v4[4], v6[16];
};

struct gen {
	struct tmpl *t;
	size_t nt, capt;
	uint32_t *words;
	size_t nwords, capw;
	struct gprefix *p; /* selected prefixes */
	size_t np, capp, target;
	uint32_t *slots; /* open-addressing set of p indexes + 1 */
	size_t nslots;
	uint32_t dump_ts;
	struct genpeer *peers; /* v4 peers seen in the template, then the fixed list */
	size_t npeers;
	uint8_t v6_lan[16]; /* the first IPv6 peer address seen, for the peers' v6 sessions */
	int have_v6_lan;
};

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (p == NULL) {
		fprintf(stderr, "bench_gen_rib: out of memory\n");
		exit(1);
	}
	return p;
}

static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t prefix_hash(const struct gprefix *p)
{
	uint64_t a, b;
	memcpy(&a, p->addr, 8);
	memcpy(&b, p->addr + 8, 8);
	return mix64(a ^ mix64(b ^ ((uint64_t)p->afi << 8 | p->len)));
}

static int prefix_same(const struct gprefix *a, const struct gprefix *b)
{
	return a->afi == b->afi && a->len == b->len && memcmp(a->addr, b->addr, 16) == 0;
}

/* Add p unless present or the target is reached; returns 1 when added. */
static int gen_add(struct gen *g, const struct gprefix *p)
{
	if (g->np >= g->target)
		return 0;
	size_t mask = g->nslots - 1, i = prefix_hash(p) & mask;
	for (; g->slots[i]; i = (i + 1) & mask)
		if (prefix_same(&g->p[g->slots[i] - 1], p))
			return 0;
	if (g->np == g->capp) {
		g->capp = g->capp ? 2 * g->capp : 1 << 16;
		g->p = xrealloc(g->p, g->capp * sizeof(*g->p));
	}
	g->p[g->np++] = *p;
	g->slots[i] = (uint32_t)g->np;
	return 1;
}

static void pool_push(struct gen *g, uint32_t w)
{
	if (g->nwords == g->capw) {
		g->capw = g->capw ? 2 * g->capw : 1 << 20;
		g->words = xrealloc(g->words, g->capw * sizeof(uint32_t));
	}
	g->words[g->nwords++] = w;
}

static int parse_asn(char **s, uint32_t *asn)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(*s, &end, 10);
	if (end == *s || errno || v > UINT32_MAX)
		return -1;
	*asn = (uint32_t)v;
	*s = end;
	return 0;
}

/* "30844 3491 {38266,65000}" -> flat segments (sets in {}, confederations in () and []). */
static int parse_path(struct gen *g, char *s, struct tmpl *t)
{
	size_t seq = SIZE_MAX; /* header of the open AS_SEQUENCE */
	uint32_t asn;
	t->path_off = (uint32_t)g->nwords;
	while (*s) {
		if (*s == ' ') {
			s++;
		} else if (*s == '{' || *s == '(' || *s == '[') {
			char close = *s == '{' ? '}' : *s == '(' ? ')' : ']';
			uint32_t type = *s == '{'   ? MRTGEN_AS_SET
			                : *s == '(' ? MRTGEN_AS_CONFED_SEQ
			                            : MRTGEN_AS_CONFED_SET;
			size_t hdr = g->nwords;
			pool_push(g, MRTGEN_SEG(type, 0));
			s++;
			while (*s != close) {
				if (*s == ',' || *s == ' ') {
					s++;
					continue;
				}
				if (parse_asn(&s, &asn) < 0)
					return -1;
				pool_push(g, asn);
				g->words[hdr]++;
			}
			s++;
			seq = SIZE_MAX;
		} else {
			if (parse_asn(&s, &asn) < 0)
				return -1;
			if (seq == SIZE_MAX) {
				seq = g->nwords;
				pool_push(g, MRTGEN_SEG(MRTGEN_AS_SEQUENCE, 0));
			}
			pool_push(g, asn);
			g->words[seq]++;
		}
	}
	t->path_nw = (uint16_t)(g->nwords - t->path_off);
	return 0;
}

static int parse_communities(struct gen *g, char *s, struct tmpl *t)
{
	static const struct {
		const char *name;
		uint32_t v;
	} wk[] = {{"no-export", 0xffffff01}, {"no-advertise", 0xffffff02},
	    {"no-export-subconfed", 0xffffff03}};
	char *save = NULL;
	t->comm_off = (uint32_t)g->nwords;
	for (char *tok = strtok_r(s, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		unsigned a, b;
		uint32_t v = 0;
		int known = 0;
		for (size_t i = 0; i < sizeof(wk) / sizeof(wk[0]); i++)
			if (strcmp(tok, wk[i].name) == 0)
				v = wk[i].v, known = 1;
		if (!known) {
			if (sscanf(tok, "%u:%u", &a, &b) != 2 || a > 0xffff || b > 0xffff)
				continue; /* large communities and the like: not in the template */
			v = a << 16 | b;
		}
		pool_push(g, v);
	}
	t->ncomm = (uint16_t)(g->nwords - t->comm_off);
	return 0;
}

static int parse_prefix(const char *s, struct gprefix *p)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	if (slash == NULL || (size_t)(slash - s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	memset(p, 0, sizeof(*p));
	p->afi = strchr(buf, ':') ? 2 : 1;
	if (inet_pton(p->afi == 2 ? AF_INET6 : AF_INET, buf, p->addr) != 1)
		return -1;
	int len = atoi(slash + 1);
	if (len < 0 || len > (p->afi == 2 ? 128 : 32))
		return -1;
	p->len = (uint8_t)len;
	return 0;
}

/* Remember the template's peers: IPv4 ones become the first generated peers. */
static void note_peer(struct gen *g, const char *ip, uint32_t asn)
{
	struct genpeer np;
	memset(&np, 0, sizeof(np));
	np.asn = asn;
	if (strchr(ip, ':')) {
		if (!g->have_v6_lan && inet_pton(AF_INET6, ip, g->v6_lan) == 1)
			g->have_v6_lan = 1;
		return;
	}
	if (inet_pton(AF_INET, ip, np.v4) != 1 || g->npeers >= MAX_PEERS)
		return;
	for (size_t i = 0; i < g->npeers; i++)
		if (g->peers[i].asn == asn)
			return;
	g->peers[g->npeers++] = np;
}

/* One `bgpdump -m` TABLE_DUMP2 line; a prefix seen before is ignored (first entry wins). */
static int read_line(struct gen *g, char *line)
{
	char *f[16];
	int n = 0;
	for (char *s = line; n < 16; n++) {
		f[n] = s;
		s = strchr(s, '|');
		if (s == NULL) {
			n++;
			break;
		}
		*s++ = '\0';
	}
	struct gprefix p;
	if (n < 14 || strncmp(f[0], "TABLE_DUMP", 10) != 0 || parse_prefix(f[5], &p) < 0)
		return -1;
	if (g->dump_ts == 0)
		g->dump_ts = (uint32_t)strtoul(f[1], NULL, 10);
	if (g->nt == g->capt) {
		g->capt = g->capt ? 2 * g->capt : 1 << 16;
		g->t = xrealloc(g->t, g->capt * sizeof(*g->t));
	}
	struct tmpl *t = &g->t[g->nt];
	memset(t, 0, sizeof(*t));
	size_t mark = g->nwords;
	t->nbr_as = (uint32_t)strtoul(f[4], NULL, 10);
	note_peer(g, f[3], t->nbr_as);
	t->origin = f[7][0] == 'I' && f[7][1] == 'G' ? 0 : f[7][0] == 'E' ? 1 : 2;
	t->med = (uint32_t)strtoul(f[10], NULL, 10);
	t->atomic = strcmp(f[12], "AG") == 0;
	char ip[64];
	unsigned long agg;
	if (sscanf(f[13], "%lu %63s", &agg, ip) == 2 && inet_pton(AF_INET, ip, t->agg_ip) == 1)
		t->has_agg = 1, t->agg_as = (uint32_t)agg;
	if (parse_path(g, f[6], t) < 0 || parse_communities(g, f[11], t) < 0) {
		g->nwords = mark;
		return -1;
	}
	p.tmpl = (uint32_t)g->nt;
	if (gen_add(g, &p))
		g->nt++;
	else
		g->nwords = mark;
	return 0;
}

static int read_template(struct gen *g, FILE *in)
{
	char *line = NULL;
	size_t cap = 0, bad = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, in)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (read_line(g, line) < 0)
			bad++;
	}
	free(line);
	if (bad)
		fprintf(stderr, "bench_gen_rib: %zu template lines not understood, ignored\n", bad);
	return g->np ? 0 : -1;
}

/* ------------------------------------------------------------------ expansion */

/* Children of p at len + k (all 2^k of them), for the deaggregation rounds. */
static void add_children(struct gen *g, const struct gprefix *p, int k)
{
	for (uint32_t c = 0; c < (1u << k) && g->np < g->target; c++) {
		struct gprefix q = *p;
		for (int b = 0; b < k; b++) {
			unsigned bit = p->len + (unsigned)b;
			if ((c >> (k - 1 - b)) & 1)
				q.addr[bit >> 3] |= (uint8_t)(0x80 >> (bit & 7));
		}
		q.len = (uint8_t)(p->len + k);
		gen_add(g, &q);
	}
}

/* An IPv4 prefix mapped into 2a10::/16 (address at bits 16..47, length + 16). */
static void add_v6_mapped(struct gen *g, const struct gprefix *p)
{
	struct gprefix q;
	memset(&q, 0, sizeof(q));
	q.afi = 2;
	q.addr[0] = 0x2a;
	q.addr[1] = 0x10;
	memcpy(q.addr + 2, p->addr, 4);
	q.len = (uint8_t)(p->len + 16);
	q.tmpl = p->tmpl;
	gen_add(g, &q);
}

static void expand(struct gen *g)
{
	size_t nreal = g->np;
	for (int k = 1; k <= 8 && g->np < g->target; k++) {
		for (size_t i = 0; i < nreal && g->np < g->target; i++) {
			struct gprefix p = g->p[i]; /* copy: gen_add may move g->p */
			if (p.afi == 1 && p.len >= 8 && p.len + k <= 24)
				add_children(g, &p, k);
		}
		if (k > 1)
			continue;
		for (size_t i = 0; i < nreal && g->np < g->target; i++) {
			struct gprefix p = g->p[i];
			if (p.afi == 1)
				add_v6_mapped(g, &p);
		}
	}
}

static int gprefix_cmp(const void *a, const void *b)
{
	const struct gprefix *x = a, *y = b;
	if (x->afi != y->afi)
		return x->afi < y->afi ? -1 : 1;
	int c = memcmp(x->addr, y->addr, 16);
	if (c)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

/* ------------------------------------------------------------------ peers */

/* Well-known transit networks: filler peers and the transits of path variations. */
static const uint32_t transit_as[] = {3356, 1299, 174, 2914, 6453, 3257, 6762, 6939, 2828, 701,
    3320, 5511, 1239, 7018, 6830, 3491, 12956, 6461, 9002, 4637, 7922, 1273};
#define NTRANSIT (sizeof(transit_as) / sizeof(transit_as[0]))
/* Peers with 4-byte ASNs, so that the peer index and paths carry some. */
static const uint32_t filler_as4[] = {202032, 396986, 263075, 327814};

static void make_peers(struct gen *g, size_t want)
{
	uint8_t lan4[4] = {192, 0, 2, 0};
	if (g->npeers)
		memcpy(lan4, g->peers[0].v4, 3);
	if (!g->have_v6_lan)
		inet_pton(AF_INET6, "2001:db8::", g->v6_lan);
	for (size_t k = 0; g->npeers < want && k < NTRANSIT + 4; k++) {
		uint32_t asn = k % 5 == 4 && k / 5 < 4 ? filler_as4[k / 5] : transit_as[k];
		int dup = 0;
		for (size_t i = 0; i < g->npeers; i++)
			dup |= g->peers[i].asn == asn;
		if (dup)
			continue;
		struct genpeer *p = &g->peers[g->npeers];
		memset(p, 0, sizeof(*p));
		p->asn = asn;
		memcpy(p->v4, lan4, 3);
		p->v4[3] = (uint8_t)(100 + g->npeers);
		g->npeers++;
	}
	g->npeers = g->npeers < want ? g->npeers : want;
	for (size_t i = 0; i < g->npeers; i++) {
		/* 196.223.14.55 <-> 2001:43f8:1f0::55, as at the IXP the template comes from */
		unsigned d = g->peers[i].v4[3];
		unsigned hex = (d / 100) << 8 | ((d / 10) % 10) << 4 | d % 10;
		memcpy(g->peers[i].v6, g->v6_lan, 14);
		g->peers[i].v6[14] = (uint8_t)(hex >> 8);
		g->peers[i].v6[15] = (uint8_t)hex;
	}
}

/* ------------------------------------------------------------------ output */

struct out {
	int kind; /* 0 plain, 1 gzip, 2 bzip2 */
	FILE *f;
	gzFile gz;
	BZFILE *bz;
	uint64_t bytes;
};

static int out_open(struct out *o, const char *path, int kind, int level)
{
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->f = path ? fopen(path, "wb") : stdout;
	if (o->f == NULL)
		return -1;
	if (kind == 1) {
		char mode[8];
		snprintf(mode, sizeof(mode), "wb%d", level);
		o->gz = gzdopen(dup(fileno(o->f)), mode);
		return o->gz ? 0 : -1;
	}
	if (kind == 2) {
		int err;
		o->bz = BZ2_bzWriteOpen(&err, o->f, level, 0, 0);
		return err == BZ_OK ? 0 : -1;
	}
	return 0;
}

static int out_write(struct out *o, struct mrtgen_buf *b)
{
	int ok = 1, err;
	if (b->len == 0)
		return 0;
	if (o->kind == 1)
		ok = gzwrite(o->gz, b->p, (unsigned)b->len) == (int)b->len;
	else if (o->kind == 2) {
		BZ2_bzWrite(&err, o->bz, b->p, (int)b->len);
		ok = err == BZ_OK;
	} else
		ok = fwrite(b->p, 1, b->len, o->f) == b->len;
	o->bytes += b->len;
	mrtgen_buf_reset(b);
	return ok ? 0 : -1;
}

static int out_close(struct out *o)
{
	int err, rc = 0;
	if (o->kind == 1)
		rc = gzclose(o->gz) == Z_OK ? 0 : -1;
	if (o->kind == 2) {
		BZ2_bzWriteClose(&err, o->bz, 0, NULL, NULL);
		rc = err == BZ_OK ? 0 : -1;
	}
	if (o->f != stdout)
		rc |= fclose(o->f);
	else
		rc |= fflush(o->f);
	return rc ? -1 : 0;
}

/* ------------------------------------------------------------------ records */

struct scratch {
	uint32_t *w; /* path words */
	size_t cap;
	uint32_t comm[64];
};

static int path_has(const uint32_t *w, size_t nw, uint32_t asn)
{
	for (size_t i = 0; i < nw; i++) /* headers never equal a transit ASN */
		if (w[i] == asn)
			return 1;
	return 0;
}

/* The peer's path: the real one with the peer as neighbour, varied by h. Returns nwords. */
static size_t peer_path(
    struct scratch *sc, const struct gen *g, const struct tmpl *t, uint32_t peer_as, uint64_t h)
{
	if (sc->cap < t->path_nw + 4u) {
		sc->cap = t->path_nw + 64u;
		sc->w = xrealloc(sc->w, sc->cap * sizeof(uint32_t));
	}
	uint32_t *w = sc->w;
	size_t nw = t->path_nw;
	memcpy(w, g->words + t->path_off, nw * sizeof(uint32_t));
	if (nw == 0 || (w[0] >> 16) != MRTGEN_AS_SEQUENCE || (w[0] & 0xffff) == 0) {
		memmove(w + 2, w, nw * sizeof(uint32_t)); /* prepend a segment [peer] */
		w[0] = MRTGEN_SEG(MRTGEN_AS_SEQUENCE, 1);
		w[1] = peer_as;
		return nw + 2;
	}
	w[1] = peer_as;
	uint32_t n = w[0] & 0xffff, tr = transit_as[(h >> 8) % NTRANSIT];
	int fresh = tr != peer_as && !path_has(w + 1, nw - 1, tr);
	switch (h % 8) {
	case 0: /* the peer prepends itself once */
		memmove(w + 2, w + 1, (nw - 1) * sizeof(uint32_t));
		w[0]++;
		nw++;
		break;
	case 1:
	case 2:
	case 3: /* a different transit in second position */
		if (n >= 3 && fresh)
			w[2] = tr;
		break;
	case 4: /* one more transit hop */
		if (n >= 2 && fresh) {
			memmove(w + 3, w + 2, (nw - 2) * sizeof(uint32_t));
			w[2] = tr;
			w[0]++;
			nw++;
		}
		break;
	}
	return nw;
}

static size_t peer_communities(struct scratch *sc, const struct gen *g, const struct tmpl *t,
    uint32_t peer_as, size_t pi, uint64_t h)
{
	size_t n = 0;
	for (size_t i = 0; i < t->ncomm && n < 60; i++) {
		uint32_t c = g->words[t->comm_off + i];
		if ((c >> 16) == t->nbr_as) {
			if (peer_as > 0xffff)
				continue;
			c = peer_as << 16 | (c & 0xffff);
		}
		sc->comm[n++] = c;
	}
	if (pi % 3 == 1 && peer_as <= 0xffff) {
		sc->comm[n++] = peer_as << 16 | (uint32_t)(1000 + (h >> 16) % 50);
		sc->comm[n++] = peer_as << 16 | (uint32_t)(2000 + (h >> 24) % 10);
	}
	return n;
}

/* The attributes of one entry, in type-code order as routers send them. */
static void entry_attrs(struct mrtgen_buf *a, struct scratch *sc, const struct gen *g,
    const struct gprefix *p, size_t pi, uint64_t h)
{
	const struct tmpl *t = &g->t[p->tmpl];
	const struct genpeer *peer = &g->peers[pi];
	mrtgen_buf_reset(a);
	mrtgen_attr_origin(a, t->origin);
	size_t nw = peer_path(sc, g, t, peer->asn, h); /* may move sc->w: call first */
	mrtgen_attr_aspath(a, sc->w, nw, 1);
	if (p->afi == 1)
		mrtgen_attr_nexthop(a, peer->v4);
	uint32_t med = pi % 5 == 1 ? (uint32_t)((h >> 32) % 200) : t->med;
	if (med || pi % 5 == 1)
		mrtgen_attr_med(a, med);
	if (t->atomic)
		mrtgen_attr_atomic_aggregate(a);
	if (t->has_agg)
		mrtgen_attr_aggregator(a, MRTGEN_ATTR_AGGREGATOR, t->agg_as, t->agg_ip, 1);
	size_t nc = peer_communities(sc, g, t, peer->asn, pi, h);
	if (nc)
		mrtgen_attr_communities(a, sc->comm, nc);
	if (p->afi == 2) {
		uint8_t nh[32] = {0}; /* global address, then link-local fe80::<peer> */
		memcpy(nh, peer->v6, 16);
		nh[16] = 0xfe;
		nh[17] = 0x80;
		nh[30] = (uint8_t)(pi >> 8);
		nh[31] = (uint8_t)(pi + 1);
		mrtgen_attr_mp_reach_abbrev(a, nh, pi % 3 == 0 ? 32 : 16);
	}
	if (pi % 4 == 2) {
		uint32_t lc[6] = {
		    peer->asn, 1, (uint32_t)((h >> 40) % 1000), peer->asn, 2, (uint32_t)pi};
		mrtgen_attr_large_communities(a, lc, 2);
	}
}

static int write_rib(struct gen *g, struct out *o)
{
	struct mrtgen_buf b, a;
	struct scratch sc = {NULL, 0, {0}};
	struct mrtgen_peer *mp = calloc(2 * g->npeers, sizeof(*mp));
	mrtgen_buf_init(&b);
	mrtgen_buf_init(&a);
	for (size_t i = 0; i < g->npeers; i++) {
		struct mrtgen_peer *v4 = &mp[i], *v6 = &mp[g->npeers + i];
		v4->afi = 1;
		v6->afi = 2;
		v4->asn = v6->asn = g->peers[i].asn;
		memcpy(&v4->bgp_id, g->peers[i].v4, 4);
		v4->bgp_id = v6->bgp_id = ntohl(v4->bgp_id);
		memcpy(v4->addr, g->peers[i].v4, 4);
		memcpy(v6->addr, g->peers[i].v6, 16);
	}
	/* a fixed collector BGP ID; RouteViews leaves the view name empty */
	mrtgen_peer_index(&b, g->dump_ts, 0x80df3366, "", mp, 2 * g->npeers);
	free(mp);
	int rc = 0;
	for (size_t i = 0; i < g->np && rc == 0; i++) {
		const struct gprefix *p = &g->p[i];
		uint64_t ph = prefix_hash(p);
		struct mrtgen_rib r = mrtgen_rib_begin(&b, g->dump_ts + (uint32_t)(i / 250000),
		    p->afi == 1 ? MRTGEN_RIB_IPV4_UNICAST : MRTGEN_RIB_IPV6_UNICAST, (uint32_t)i,
		    p->len, p->addr);
		for (size_t pi = 0; pi < g->npeers; pi++) {
			uint64_t h = mix64(ph + pi);
			entry_attrs(&a, &sc, g, p, pi, h);
			mrtgen_rib_entry(&b, &r, (uint16_t)(p->afi == 1 ? pi : g->npeers + pi),
			    g->dump_ts - (uint32_t)((h >> 20) % (86400 * 60)), 0, a.p, a.len);
		}
		mrtgen_rib_end(&b, &r);
		if (b.len > (1u << 22))
			rc = out_write(o, &b);
	}
	if (rc == 0)
		rc = out_write(o, &b);
	mrtgen_buf_free(&b);
	mrtgen_buf_free(&a);
	free(sc.w);
	return rc;
}

/* ------------------------------------------------------------------ main */

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: bench_gen_rib [-n PREFIXES] [-p PEERS] [-z none|gzip|bz2] [-l LEVEL]\n"
	    "                     [-o OUT] [TEMPLATE]\n"
	    "Write a TABLE_DUMP_V2 RIB of PREFIXES distinct prefixes (default 1000000) x PEERS\n"
	    "peers (default 20, at most %d) derived from TEMPLATE, the `bgpdump -m` output of\n"
	    "a real RIB (default: standard input). -z: compression (default from OUT's suffix\n"
	    ".gz/.bz2, else none); -l: its level (default 6); -o: output (default stdout).\n"
	    "Exit: 0 ok, 1 usage or input error.\n",
	    MAX_PEERS);
}

static int kind_of(const char *z, const char *out)
{
	if (z)
		return strcmp(z, "gzip") == 0   ? 1
		       : strcmp(z, "bz2") == 0  ? 2
		       : strcmp(z, "none") == 0 ? 0
		                                : -1;
	size_t n = out ? strlen(out) : 0;
	if (n > 3 && strcmp(out + n - 3, ".gz") == 0)
		return 1;
	if (n > 4 && strcmp(out + n - 4, ".bz2") == 0)
		return 2;
	return 0;
}

int main(int argc, char **argv)
{
	struct gen g;
	const char *outpath = NULL, *z = NULL;
	long npfx = 1000000, npeers = 20, level = 6;
	int c;
	memset(&g, 0, sizeof(g));
	while ((c = getopt(argc, argv, "n:p:z:l:o:h")) != -1) {
		switch (c) {
		case 'n':
			npfx = strtol(optarg, NULL, 10);
			break;
		case 'p':
			npeers = strtol(optarg, NULL, 10);
			break;
		case 'z':
			z = optarg;
			break;
		case 'l':
			level = strtol(optarg, NULL, 10);
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	int kind = kind_of(z, outpath);
	if (npfx < 1 || npfx > 50000000 || npeers < 1 || npeers > MAX_PEERS || kind < 0 ||
	    level < 1 || level > 9 || optind + 1 < argc) {
		usage(stderr);
		return 1;
	}
	const char *tpath = optind < argc ? argv[optind] : "-";
	FILE *in = strcmp(tpath, "-") == 0 ? stdin : fopen(tpath, "r");
	if (in == NULL) {
		fprintf(stderr, "bench_gen_rib: %s: %s\n", tpath, strerror(errno));
		return 1;
	}
	g.target = (size_t)npfx;
	for (g.nslots = 1024; g.nslots < 2 * g.target; g.nslots *= 2)
		;
	g.slots = calloc(g.nslots, sizeof(uint32_t));
	g.peers = calloc(MAX_PEERS, sizeof(*g.peers));
	if (g.slots == NULL || g.peers == NULL || read_template(&g, in) < 0) {
		fprintf(stderr, "bench_gen_rib: %s: no usable bgpdump -m lines\n", tpath);
		return 1;
	}
	if (in != stdin)
		fclose(in);
	size_t nreal = g.np;
	expand(&g);
	qsort(g.p, g.np, sizeof(*g.p), gprefix_cmp);
	make_peers(&g, (size_t)npeers);
	size_t v6 = 0;
	for (size_t i = 0; i < g.np; i++)
		v6 += g.p[i].afi == 2;
	struct out o;
	if (out_open(&o, outpath, kind, (int)level) < 0 || write_rib(&g, &o) < 0 ||
	    out_close(&o) < 0) {
		fprintf(stderr, "bench_gen_rib: %s: write failed\n", outpath ? outpath : "-");
		return 1;
	}
	fprintf(stderr,
	    "bench_gen_rib: %zu prefixes (%zu IPv4, %zu IPv6; %zu real, %zu derived) x %zu peers"
	    " = %zu RIB entries in %zu records, %llu bytes before compression\n",
	    g.np, g.np - v6, v6, nreal, g.np - nreal, g.npeers, g.np * g.npeers, g.np + 1,
	    (unsigned long long)o.bytes);
	if (g.np < g.target)
		fprintf(stderr,
		    "bench_gen_rib: warning: only %zu of %zu prefixes could be derived\n", g.np,
		    g.target);
	free(g.p);
	free(g.t);
	free(g.words);
	free(g.slots);
	free(g.peers);
	return 0;
}
