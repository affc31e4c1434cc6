/* Re-validation of live routes when the RPKI data changes: the VRP and ASPA table diffs, the
 * route state's prefix index (bmp_rib_covered against a brute-force walk under random
 * announcements, replacements, withdrawals, Peer Downs and router flushes) and
 * engine_revalidate against a full re-validation of every route. */
#include "testutil.h"
#include "bmp/bmp.h"
#include "engine/engine.h"
#include "rpki/rpki.h"

static struct prefix P(const char *s) {
	struct prefix p;
	assert_int_equal(prefix_parse(s, &p), 0);
	return p;
}

static void
add_vrp(struct vrp_table *t, const char *pfx, int maxlen, uint32_t asn)
{
	struct vrp v = {.p = P(pfx), .maxlen = (uint8_t)maxlen, .asn = asn};
	assert_int_equal(vrp_table_add(t, &v), 0);
}

/* ------------------------------------------------------------ diffs */

struct diff_log {
	char buf[4096];
};

static void log_vrp(const struct vrp *v, int added, void *arg)
{
	struct diff_log *l = arg;
	char p[PREFIX_STRLEN];
	size_t n = strlen(l->buf);
	snprintf(l->buf + n, sizeof(l->buf) - n, "%c%s-%u-AS%u ", added ? '+' : '-',
	    prefix_format(&v->p, p, sizeof(p)), v->maxlen, v->asn);
}

static void test_vrp_diff(void **state)
{
	(void)state;
	struct vrp_table *a = vrp_table_new(), *b = vrp_table_new();
	add_vrp(a, "192.0.2.0/24", 24, 64496);
	add_vrp(a, "198.51.100.0/22", 24, 64497);
	add_vrp(a, "2001:db8::/32", 48, 64498);
	add_vrp(a, "10.0.0.0/8", 8, 0);
	add_vrp(a, "10.0.0.0/8", 8, 0); /* a duplicate: one VRP */
	add_vrp(b, "192.0.2.0/24", 24, 64496);
	add_vrp(b, "198.51.100.0/22", 23, 64497); /* maxLength changed: removed and added */
	add_vrp(b, "2001:db8::/32", 48, 64498);
	add_vrp(b, "203.0.113.0/24", 24, 64499);
	add_vrp(b, "2001:db8:1::/48", 48, 64500);
	vrp_table_build(a);
	vrp_table_build(b);
	struct diff_log l = {""};
	assert_int_equal(vrp_table_diff(a, b, log_vrp, &l), 5);
	assert_string_equal(l.buf, "-10.0.0.0/8-8-AS0 +198.51.100.0/22-23-AS64497 "
	                           "-198.51.100.0/22-24-AS64497 +203.0.113.0/24-24-AS64499 "
	                           "+2001:db8:1::/48-48-AS64500 ");
	assert_int_equal(vrp_table_diff(a, a, NULL, NULL), 0);
	assert_int_equal(vrp_table_diff(NULL, b, NULL, NULL), vrp_table_count(b));
	assert_int_equal(vrp_table_diff(a, NULL, NULL, NULL), vrp_table_count(a));
	vrp_table_release(a);
	vrp_table_release(b);
}

static void log_aspa(uint32_t c, const struct aspa *o, const struct aspa *n, void *arg)
{
	struct diff_log *l = arg;
	size_t k = strlen(l->buf);
	snprintf(l->buf + k, sizeof(l->buf) - k, "%u:%u/%u ", c, o ? o->nproviders : 99,
	    n ? n->nproviders : 99);
}

static void test_aspa_diff(void **state)
{
	(void)state;
	struct aspa_table *a = aspa_table_new(), *b = aspa_table_new();
	uint32_t p1[] = {64500, 64501}, p2[] = {64501, 64500}, p3[] = {64502};
	aspa_table_add(a, 10, p1, 2);
	aspa_table_add(a, 20, p1, 2);
	aspa_table_add(a, 30, p3, 1);
	aspa_table_add(a, 40, NULL, 0);
	aspa_table_add(b, 10, p2, 2); /* same set, other order: unchanged */
	aspa_table_add(b, 20, p3, 1); /* changed */
	aspa_table_add(b, 40, p3, 1); /* empty set -> one provider */
	aspa_table_add(b, 50, p3, 1); /* new */
	aspa_table_build(a);
	aspa_table_build(b);
	struct diff_log l = {""};
	assert_int_equal(aspa_table_diff(a, b, log_aspa, &l), 4);
	assert_string_equal(l.buf, "20:2/1 30:1/99 40:0/1 50:99/1 ");
	assert_int_equal(aspa_table_diff(b, b, NULL, NULL), 0);
	aspa_table_free(a);
	aspa_table_free(b);
}

/* ------------------------------------------------------------ the prefix index */

#define NPFX 400
#define NPEERS 4
#define NROUTERS 2

static uint64_t rng = 88172645463325252ULL;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* A prefix from a small universe, so prefixes nest and repeat. */
static void random_prefix(struct prefix *p, int for_query)
{
	memset(p, 0, sizeof(*p));
	if (rnd(4) == 0) {
		p->afi = AFI_IPV6;
		p->addr[0] = 0x20, p->addr[1] = 0x01, p->addr[2] = 0x0d, p->addr[3] = 0xb8;
		if (rnd(8) == 0)
			p->addr[3] = (uint8_t)rnd(4); /* other /32s */
		p->addr[4] = (uint8_t)rnd(4), p->addr[5] = (uint8_t)rnd(4);
		p->len = (uint8_t)(for_query ? rnd(65) : 24 + rnd(41));
	} else {
		p->afi = AFI_IPV4;
		p->addr[0] = 10, p->addr[1] = (uint8_t)rnd(4), p->addr[2] = (uint8_t)rnd(8);
		if (rnd(8) == 0)
			p->addr[0] = (uint8_t)(11 + rnd(3));
		p->addr[3] = (uint8_t)(rnd(4) << 6);
		p->len = (uint8_t)(for_query ? rnd(33) : 8 + rnd(25));
	}
	prefix_mask(p);
}

/* NPFX distinct prefixes. */
static void make_universe(struct prefix *univ)
{
	for (int i = 0; i < NPFX; i++) {
		int dup;
		do {
			random_prefix(&univ[i], 0);
			dup = 0;
			for (int j = 0; j < i && !dup; j++)
				dup = prefix_cmp(&univ[i], &univ[j]) == 0;
		} while (dup);
	}
}

static void peer_of(int k, int post, struct bmp_peer *bp)
{
	memset(bp, 0, sizeof(*bp));
	bp->type = BMP_PEER_GLOBAL, bp->afi = AFI_IPV4;
	bp->flags = post ? BMP_FLAG_L : 0;
	bp->addr[12] = 192, bp->addr[13] = 0, bp->addr[14] = 2, bp->addr[15] = (uint8_t)(1 + k);
	bp->asn = 64500u + (uint32_t)k;
}

static void route_text(const struct bmp_rib_entry *e, char *buf, size_t size)
{
	char p[PREFIX_STRLEN], a[64];
	bmp_peer_addr_format(e->peer, a, sizeof(a));
	snprintf(buf, size, "%s|%d|%s|%s|%d:%u|%u", e->router, (int)e->view, a,
	    prefix_format(&e->prefix, p, sizeof(p)), e->has_path_id, e->path_id, e->attrs->id);
}

struct rlist {
	char (*s)[96];
	size_t n, cap;
	const struct prefix *q; /* brute force: keep the routes q covers */
};

static int collect(const struct bmp_rib_entry *e, void *arg)
{
	struct rlist *l = arg;
	if (l->q && !prefix_contains(l->q, &e->prefix))
		return 0;
	XGROW(l->s, l->cap, l->n + 1);
	route_text(e, l->s[l->n++], sizeof(l->s[0]));
	return 0;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void check_covered(const struct bmp_rib *rib, const struct prefix *q)
{
	struct rlist a = {0}, b = {0};
	b.q = q;
	size_t np = 0;
	bmp_rib_covered(rib, q, collect, &a, &np);
	bmp_rib_walk(rib, collect, &b);
	if (a.n)
		qsort(a.s, a.n, sizeof(a.s[0]), str_cmp);
	if (b.n)
		qsort(b.s, b.n, sizeof(b.s[0]), str_cmp);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++)
		assert_string_equal(a.s[i], b.s[i]);
	assert_true(np <= a.n);
	free(a.s);
	free(b.s);
}

static int count_routes(const struct bmp_rib_entry *e, void *arg)
{
	(*(size_t *)arg)++;
	return 0;
}

/* The model: for each router, peer, view, prefix and path id (0..2, 3 = none): announced. */
static uint8_t model[NROUTERS][NPEERS][2][NPFX][4];

static void test_covered_random(void **state)
{
	(void)state;
	struct prefix univ[NPFX];
	make_universe(univ);
	memset(model, 0, sizeof(model));
	struct bmp_rib *rib = bmp_rib_new();
	uint32_t rid[NROUTERS] = {bmp_rib_router(rib, "r1"), bmp_rib_router(rib, "r2")};
	uint32_t words[4];
	struct bgp_attrs at;
	for (int round = 0; round < 60; round++) {
		int ops = 200 + (int)rnd(400);
		for (int op = 0; op < ops; op++) {
			int r = (int)rnd(NROUTERS), k = (int)rnd(NPEERS), post = (int)rnd(2);
			/* peer 3 is rare: its Peer Down deletes routes one by one */
			if (k == NPEERS - 1 && rnd(10) != 0)
				k = 0;
			int x = (int)rnd(NPFX), pid = (int)rnd(4);
			struct bmp_peer bp;
			peer_of(k, post, &bp);
			struct mrt_route rt;
			memset(&rt, 0, sizeof(rt));
			rt.prefix = univ[x];
			rt.has_path_id = pid < 3, rt.path_id = pid < 3 ? (uint32_t)pid : 0;
			uint32_t roll = rnd(1000);
			if (roll < 620) {
				memset(&at, 0, sizeof(at));
				words[0] = ASPATH_SEG_HDR(AS_SEQUENCE, 3), words[1] = bp.asn;
				words[2] = 64600 + rnd(3), words[3] = 65000 + rnd(5);
				at.aspath = words, at.aspath_nwords = 4;
				rt.kind = MRT_ROUTE_ANNOUNCE, rt.attrs = &at;
				model[r][k][post][x][pid] = 1;
			} else if (roll < 990) {
				rt.kind = MRT_ROUTE_WITHDRAW;
				model[r][k][post][x][pid] = 0;
			} else if (roll < 997) {
				bmp_rib_peer_down(rib, rid[r], &bp);
				for (int v = 0; v < 2; v++)
					memset(model[r][k][v], 0, sizeof(model[r][k][v]));
				continue;
			} else {
				bmp_rib_router_flush(rib, rid[r]);
				memset(model[r], 0, sizeof(model[r]));
				continue;
			}
			bmp_rib_route(rib, rid[r], &bp, &rt);
		}
		size_t want = 0, got = 0;
		for (size_t i = 0; i < sizeof(model); i++)
			want += ((uint8_t *)model)[i];
		struct bmp_rib_stats rs;
		bmp_rib_stats(rib, &rs);
		bmp_rib_scan(rib, count_routes, &got);
		assert_int_equal(rs.routes, want);
		assert_int_equal(got, want);
		for (int qn = 0; qn < 12; qn++) {
			struct prefix q;
			if (qn < 4)
				q = univ[rnd(NPFX)];
			else
				random_prefix(&q, 1);
			check_covered(rib, &q);
		}
	}
	struct prefix all4 = P("0.0.0.0/0"), all6 = P("::/0");
	check_covered(rib, &all4);
	check_covered(rib, &all6);
	bmp_rib_free(rib);
}

/* ------------------------------------------------------------ engine_revalidate */

struct ev {
	char s[160];
};
struct evlist {
	struct ev *v;
	size_t n, cap;
};

static void ev_add(struct evlist *l, const struct bmp_rib_entry *e, int kind, int a, int b)
{
	char r[96];
	route_text(e, r, sizeof(r));
	XGROW(l->v, l->cap, l->n + 1);
	snprintf(l->v[l->n++].s, sizeof(l->v[0].s), "%s %s %d->%d", kind ? "aspa" : "rov", r, a, b);
}

static void on_change(
    const struct bmp_rib_entry *e, enum engine_reval_kind kind, int a, int b, void *arg)
{
	ev_add(arg, e, kind, a, b);
}

struct brute {
	const struct vrp_table *o, *n;
	const struct aspa_table *oa, *na;
	struct evlist *l;
};

static int brute_route(const struct bmp_rib_entry *e, void *arg)
{
	struct brute *b = arg;
	const uint32_t *w = bmp_attrs_path(e->attrs);
	int x = rov_validate_path(b->o, &e->prefix, w, e->attrs->npath, NULL);
	int y = rov_validate_path(b->n, &e->prefix, w, e->attrs->npath, NULL);
	if (x != y)
		ev_add(b->l, e, 0, x, y);
	x = aspa_verify(b->oa, w, e->attrs->npath, ASPA_DOWNSTREAM, NULL);
	y = aspa_verify(b->na, w, e->attrs->npath, ASPA_DOWNSTREAM, NULL);
	if (x != y)
		ev_add(b->l, e, 1, x, y);
	return 0;
}

static int ev_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ev *)a)->s, ((const struct ev *)b)->s);
}

static size_t seen_rov, seen_aspa;

static void check_reval(const struct bmp_rib *rib, const struct vrp_table *o,
    const struct vrp_table *n, const struct aspa_table *oa, const struct aspa_table *na)
{
	struct evlist got = {0}, want = {0};
	struct engine_reval_stats st;
	engine_revalidate(rib, o, n, oa, na, on_change, &got, &st);
	struct vrp_table *ev = vrp_table_new();
	struct aspa_table *ea = aspa_table_new();
	vrp_table_build(ev);
	aspa_table_build(ea);
	struct brute b = {o ? o : ev, n ? n : ev, oa ? oa : ea, na ? na : ea, &want};
	bmp_rib_scan(rib, brute_route, &b);
	vrp_table_release(ev);
	aspa_table_free(ea);
	if (got.n)
		qsort(got.v, got.n, sizeof(got.v[0]), ev_cmp);
	if (want.n)
		qsort(want.v, want.n, sizeof(want.v[0]), ev_cmp);
	assert_int_equal(got.n, want.n);
	for (size_t i = 0; i < got.n; i++)
		assert_string_equal(got.v[i].s, want.v[i].s);
	assert_int_equal(st.rov_changed + st.aspa_changed, got.n);
	seen_rov += st.rov_changed, seen_aspa += st.aspa_changed;
	free(got.v);
	free(want.v);
}

static void test_revalidate_random(void **state)
{
	(void)state;
	struct prefix univ[NPFX];
	make_universe(univ);
	struct bmp_rib *rib = bmp_rib_new();
	uint32_t router = bmp_rib_router(rib, "r1");
	uint32_t words[5];
	struct bgp_attrs at;
	for (int i = 0; i < 3000; i++) {
		struct bmp_peer bp;
		peer_of((int)rnd(NPEERS), 0, &bp);
		memset(&at, 0, sizeof(at));
		words[0] = ASPATH_SEG_HDR(AS_SEQUENCE, 4), words[1] = bp.asn;
		words[2] = 64600 + rnd(3), words[3] = 64700 + rnd(3), words[4] = 65000 + rnd(5);
		at.aspath = words, at.aspath_nwords = 5;
		struct mrt_route rt;
		memset(&rt, 0, sizeof(rt));
		rt.kind = MRT_ROUTE_ANNOUNCE, rt.attrs = &at;
		rt.prefix = univ[rnd(NPFX)];
		bmp_rib_route(rib, router, &bp, &rt);
	}
	for (int round = 0; round < 20; round++) {
		struct vrp_table *o = vrp_table_new(), *n = vrp_table_new();
		struct aspa_table *oa = aspa_table_new(), *na = aspa_table_new();
		for (int i = 0; i < 60; i++) {
			struct prefix p;
			random_prefix(&p, 1);
			struct vrp v = {.p = p, .asn = 65000 + rnd(6)};
			v.maxlen =
			    (uint8_t)(p.len + rnd((uint32_t)(prefix_maxlen(p.afi) - p.len + 1)));
			int where = (int)rnd(10); /* 0..5 both, 6..7 old only, 8..9 new only */
			if (where < 8)
				vrp_table_add(o, &v);
			if (where < 6 || where >= 8)
				vrp_table_add(n, &v);
		}
		for (uint32_t c = 64600; c < 64610; c++) {
			uint32_t prov[2] = {64700 + rnd(3), 64500 + rnd(NPEERS)};
			if (rnd(2))
				aspa_table_add(oa, c, prov, 1 + rnd(2));
			if (rnd(3))
				aspa_table_add(na, c, prov, 1 + rnd(2));
		}
		for (uint32_t c = 65000; c < 65005; c++) {
			uint32_t prov[1] = {64700 + rnd(3)};
			if (rnd(2))
				aspa_table_add(oa, c, prov, 1);
			if (rnd(2))
				aspa_table_add(na, c, prov, 1);
		}
		vrp_table_build(o);
		vrp_table_build(n);
		aspa_table_build(oa);
		aspa_table_build(na);
		check_reval(rib, o, n, oa, na);
		check_reval(rib, n, o, na, oa);
		check_reval(rib, NULL, n, NULL, na);
		vrp_table_release(o);
		vrp_table_release(n);
		aspa_table_free(oa);
		aspa_table_free(na);
	}
	printf("random changes: %zu ROV and %zu ASPA state changes, all as a full pass found\n",
	    seen_rov, seen_aspa);
	assert_true(seen_rov > 1000 && seen_aspa > 1000);
	bmp_rib_free(rib);
}

/* A hand-checked case: one VRP appears, one route becomes Valid and one Invalid; the covered
 * walk of a /8 VRP and of a /24 inside it visit that /24 once. */
static void test_revalidate_exact(void **state)
{
	(void)state;
	struct bmp_rib *rib = bmp_rib_new();
	uint32_t router = bmp_rib_router(rib, "r1");
	struct bmp_peer bp;
	peer_of(0, 0, &bp);
	const char *pfx[] = {"10.1.2.0/24", "10.1.2.0/24", "10.9.0.0/16", "192.0.2.0/24"};
	uint32_t origin[] = {65001, 65002, 65001, 65001};
	for (int i = 0; i < 4; i++) {
		uint32_t words[3] = {ASPATH_SEG_HDR(AS_SEQUENCE, 2), bp.asn, origin[i]};
		struct bgp_attrs at;
		memset(&at, 0, sizeof(at));
		at.aspath = words, at.aspath_nwords = 3;
		struct mrt_route rt;
		memset(&rt, 0, sizeof(rt));
		rt.kind = MRT_ROUTE_ANNOUNCE, rt.attrs = &at, rt.prefix = P(pfx[i]);
		rt.has_path_id = 1, rt.path_id = (uint32_t)i;
		bmp_rib_route(rib, router, &bp, &rt);
	}
	struct vrp_table *o = vrp_table_new(), *n = vrp_table_new();
	add_vrp(o, "192.0.2.0/24", 24, 65001);
	add_vrp(n, "192.0.2.0/24", 24, 65001);
	add_vrp(n, "10.0.0.0/8", 16, 65001);
	add_vrp(n, "10.1.2.0/24", 24, 65002);
	vrp_table_build(o);
	vrp_table_build(n);
	struct evlist got = {0};
	struct engine_reval_stats st;
	engine_revalidate(rib, o, n, NULL, NULL, on_change, &got, &st);
	assert_int_equal(st.vrps_changed, 2);
	assert_int_equal(st.vrp_prefixes, 1);      /* the /24 is inside the /8 */
	assert_int_equal(st.prefixes_examined, 2); /* 10.1.2.0/24 and 10.9.0.0/16 */
	assert_int_equal(st.routes_examined, 3);
	assert_int_equal(st.rov_changed, 3);
	if (got.n)
		qsort(got.v, got.n, sizeof(got.v[0]), ev_cmp);
	assert_int_equal(got.n, 3);
	/* 10.1.2.0/24 from 65001: longer than the /8's maxLength, the /24's AS differs */
	assert_non_null(strstr(got.v[0].s, "10.1.2.0/24|1:0|"));
	assert_non_null(strstr(got.v[0].s, " 0->2"));
	assert_non_null(strstr(got.v[1].s, "10.1.2.0/24|1:1|"));
	assert_non_null(strstr(got.v[1].s, " 0->1"));
	assert_non_null(strstr(got.v[2].s, "10.9.0.0/16|1:2|"));
	assert_non_null(strstr(got.v[2].s, " 0->1"));
	free(got.v);
	vrp_table_release(o);
	vrp_table_release(n);
	bmp_rib_free(rib);
}

/* The worst case for memory: every route its own prefix (one peer). Counts just past each
 * growth step of the arrays included, the routes and prefix index stay under 100 bytes a
 * route (the bound beyond the attribute sets) from 50,000 routes on; below, the fixed
 * tables (a few tens of KiB) dominate. */
static void test_memory_one_peer(void **state)
{
	(void)state;
	struct bmp_rib *rib = bmp_rib_new();
	uint32_t router = bmp_rib_router(rib, "r1");
	struct bmp_peer bp;
	peer_of(0, 0, &bp);
	uint32_t words[3] = {ASPATH_SEG_HDR(AS_SEQUENCE, 2), bp.asn, 65001};
	struct bgp_attrs at;
	memset(&at, 0, sizeof(at));
	at.aspath = words, at.aspath_nwords = 3;
	double worst = 0;
	size_t last_cap = 0;
	for (uint32_t i = 0; i < 200000; i++) {
		struct mrt_route rt;
		memset(&rt, 0, sizeof(rt));
		rt.kind = MRT_ROUTE_ANNOUNCE, rt.attrs = &at;
		rt.prefix.afi = AFI_IPV4, rt.prefix.len = 24;
		uint32_t a = (1u << 24) + (i * 7919u % 200000u) * 256u;
		rt.prefix.addr[0] = (uint8_t)(a >> 24), rt.prefix.addr[1] = (uint8_t)(a >> 16);
		rt.prefix.addr[2] = (uint8_t)(a >> 8);
		bmp_rib_route(rib, router, &bp, &rt);
		struct bmp_rib_stats rs;
		bmp_rib_stats(rib, &rs);
		if (rs.routes >= 50000 && rs.table_bytes + rs.index_bytes != last_cap) {
			double per = (double)(rs.table_bytes + rs.index_bytes) / (double)rs.routes;
			if (per > worst)
				worst = per;
			last_cap = rs.table_bytes + rs.index_bytes;
		}
	}
	struct bmp_rib_stats rs;
	bmp_rib_stats(rib, &rs);
	assert_int_equal(rs.routes, 200000);
	assert_int_equal(rs.prefixes, 200000);
	printf("one peer, one route a prefix: %.1f bytes a route at the end, %.1f at worst\n",
	    (double)(rs.table_bytes + rs.index_bytes) / (double)rs.routes, worst);
	assert_true(worst < 100.0);
	bmp_rib_free(rib);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vrp_diff),
	    cmocka_unit_test(test_aspa_diff),
	    cmocka_unit_test(test_covered_random),
	    cmocka_unit_test(test_revalidate_exact),
	    cmocka_unit_test(test_revalidate_random),
	    cmocka_unit_test(test_memory_one_peer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
