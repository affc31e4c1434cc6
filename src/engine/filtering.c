/*
 * Filtering seen from inside: for a router that exports its pre-policy view (what its
 * neighbours sent) and its post-policy view or Loc-RIB (what it accepted or selected), which
 * RPKI-invalid, bogon and leaked routes it received, and which of them it accepted. That is
 * direct evidence for MANRS Action 1 ("filter incorrect routing information") that no
 * outside observatory has: it sees the router's decision, not a guess from the paths.
 *
 * Kept as the changes come (a session's end withdraws everything, so the state at the end
 * says nothing): a pre-policy announcement with a problem is recorded once per router, peer,
 * prefix and path id; it counts as accepted when the post-policy view of that router holds
 * the prefix from the same peer (and path id), or its Loc-RIB holds the prefix with the same
 * origin, at any moment of the window, whichever of the two arrives first. Only routers that
 * have exported a post-policy view or a Loc-RIB are judged (the others say nothing of what
 * they accepted).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmp/bmp.h"
#include "engine/engine.h"
#include "engine/engine_private.h"
#include "registry/registry.h"
#include "rpki/rpki.h"

const char *engine_filter_kind_name(enum engine_filter_kind k)
{
	static const char *n[ENGINE_FILTER_KINDS] = {
	    "rpki-invalid", "bogon-prefix", "bogon-asn", "route-leak"};
	return (unsigned)k < ENGINE_FILTER_KINDS ? n[k] : "?";
}

/* A received route with a problem. */
struct frec {
	struct frec *next; /* hash chain by (router, prefix) */
	uint32_t router;   /* index into flt->r */
	struct prefix prefix;
	uint8_t peer_afi;
	uint8_t peer_addr[16];
	uint8_t peer_rd[8];
	uint32_t peer_as;
	int has_path_id;
	uint32_t path_id;
	uint32_t origin;
	int has_origin;
	unsigned problems; /* bit per enum engine_filter_kind */
	int accepted;      /* 0, 1 post-policy, 2 Loc-RIB */
	char *path;
};

struct live_filter {
	struct engine_filtering f; /* per router figures */
	struct frec **b;
	size_t nb, n;
};

struct live_filter *live_filter_new(void)
{
	return xcalloc(1, sizeof(struct live_filter));
}

void live_filter_free(struct live_filter *lf)
{
	if (lf == NULL)
		return;
	for (size_t i = 0; i < lf->nb; i++)
		for (struct frec *r = lf->b[i], *next; r; r = next) {
			next = r->next;
			free(r->path);
			free(r);
		}
	free(lf->b);
	engine_filtering_free(&lf->f);
	free(lf);
}

static struct engine_filtering_router *router_get(
    struct live_filter *lf, const char *name, uint32_t *idx)
{
	struct engine_filtering *f = &lf->f;
	size_t i = 0;
	while (i < f->n && strcmp(f->r[i].router, name) != 0)
		i++;
	if (i == f->n) {
		XGROW(f->r, f->cap, f->n + 1);
		memset(&f->r[i], 0, sizeof(f->r[i]));
		f->r[i].router = xstrdup(name);
		f->n++;
	}
	if (idx)
		*idx = (uint32_t)i;
	return &f->r[i];
}

static uint64_t rec_hash(uint32_t router, const struct prefix *p)
{
	uint64_t h = 1469598103934665603ull ^ router;
	const uint8_t *b = p->addr;
	for (int i = 0; i < 16; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return (h ^ p->len ^ ((uint64_t)p->afi << 8)) * 1099511628211ull;
}

static void grow(struct live_filter *lf)
{
	size_t nb = lf->nb ? lf->nb * 2 : 256;
	struct frec **b = xcalloc(nb, sizeof(*b));
	for (size_t i = 0; i < lf->nb; i++)
		for (struct frec *r = lf->b[i], *next; r; r = next) {
			next = r->next;
			size_t k = rec_hash(r->router, &r->prefix) & (nb - 1);
			r->next = b[k], b[k] = r;
		}
	free(lf->b);
	lf->b = b, lf->nb = nb;
}

static int same_peer(const struct frec *r, const struct bmp_peer *p)
{
	return r->peer_as == p->asn && memcmp(r->peer_addr, p->addr, 16) == 0 &&
	       memcmp(r->peer_rd, p->rd, 8) == 0;
}

static void accept(struct live_filter *lf, struct frec *r, int how)
{
	if (r->accepted)
		return;
	r->accepted = how;
	struct engine_filtering_router *fr = &lf->f.r[r->router];
	for (int k = 0; k < ENGINE_FILTER_KINDS; k++)
		if (r->problems & (1u << k))
			fr->k[k].accepted++;
}

/* A post-policy or Loc-RIB announcement: the records it accepts. */
static void on_accepted_view(struct live_filter *lf, uint32_t router, enum bmp_view view,
    const struct bmp_peer *peer, const struct mrt_route *rt)
{
	if (lf->nb == 0)
		return;
	uint32_t origin = 0;
	int has_origin = rt->attrs && aspath_words_origin(rt->attrs->aspath,
	                                  rt->attrs->aspath_nwords, &origin) == 0;
	for (struct frec *r = lf->b[rec_hash(router, &rt->prefix) & (lf->nb - 1)]; r; r = r->next) {
		if (r->router != router || prefix_cmp(&r->prefix, &rt->prefix) != 0)
			continue;
		if (view == BMP_VIEW_POST && same_peer(r, peer) &&
		    r->has_path_id == rt->has_path_id && r->path_id == rt->path_id)
			accept(lf, r, 1);
		else if (view == BMP_VIEW_LOC_RIB && has_origin && r->has_origin &&
		         r->origin == origin)
			accept(lf, r, 2);
	}
}

struct held {
	const char *router;
	struct frec *r;
	struct live_filter *lf;
};

/* The route state already holds the accepted route (post-policy came first). */
static int held_accepted(const struct bmp_rib_entry *e, void *arg)
{
	struct held *h = arg;
	if (strcmp(e->router, h->router) != 0 || prefix_cmp(&e->prefix, &h->r->prefix) != 0)
		return 0;
	if (e->view == BMP_VIEW_POST && same_peer(h->r, e->peer) &&
	    e->has_path_id == h->r->has_path_id && e->path_id == h->r->path_id) {
		accept(h->lf, h->r, 1);
		return 1;
	}
	uint32_t o;
	if (e->view == BMP_VIEW_LOC_RIB && h->r->has_origin &&
	    aspath_words_origin(bmp_attrs_path(e->attrs), e->attrs->npath, &o) == 0 &&
	    o == h->r->origin)
		accept(h->lf, h->r, 2);
	return 0;
}

void live_filter_route(struct live_filter *lf, const struct observe_refs *refs,
    const struct bmp_rib *rib, const char *router, enum bmp_view view, const struct bmp_peer *peer,
    const struct mrt_route *rt)
{
	if (rt->kind == MRT_ROUTE_WITHDRAW || rt->attrs == NULL || rt->attrs->aspath_error)
		return;
	uint32_t ri;
	struct engine_filtering_router *fr = router_get(lf, router, &ri);
	fr->views |= 1u << view;
	if (view == BMP_VIEW_POST || view == BMP_VIEW_LOC_RIB) {
		on_accepted_view(lf, ri, view, peer, rt);
		return;
	}
	if (view != BMP_VIEW_PRE || !(fr->views & (1u << BMP_VIEW_POST | 1u << BMP_VIEW_LOC_RIB)))
		return; /* not (yet) known to say what it accepts */
	fr->received_routes++;
	const struct bgp_attrs *a = rt->attrs;
	struct flat_path f;
	struct route_verdict v, pv;
	flat_path_build(&f, a->aspath, a->aspath_nwords);
	route_check_prefix(refs, &rt->prefix, &f, a->aspath, a->aspath_nwords, &v);
	route_check_path(
	    refs, &f, a->aspath, a->aspath_nwords, bgp_attrs_has(a, BGP_ATTR_OTC), a->otc, &pv);
	route_verdict_add_path(&v, &pv);
	unsigned problems = (v.rov_checked && v.rov == ROV_INVALID) << ENGINE_FILTER_RPKI_INVALID |
	                    (v.bogon_prefix != BOGON_NOT) << ENGINE_FILTER_BOGON_PREFIX |
	                    (v.bogon_asn != BOGON_NOT) << ENGINE_FILTER_BOGON_ASN |
	                    (v.leak_index >= 0 || v.otc_leak_index >= 0) << ENGINE_FILTER_LEAK;
	if (problems == 0)
		return;
	if (lf->n >= lf->nb)
		grow(lf);
	size_t k = rec_hash(ri, &rt->prefix) & (lf->nb - 1);
	for (struct frec *r = lf->b[k]; r; r = r->next)
		if (r->router == ri && prefix_cmp(&r->prefix, &rt->prefix) == 0 &&
		    same_peer(r, peer) && r->has_path_id == rt->has_path_id &&
		    r->path_id == rt->path_id)
			return; /* recorded already (a table sent twice) */
	struct frec *r = xcalloc(1, sizeof(*r));
	r->router = ri;
	r->prefix = rt->prefix;
	r->peer_afi = peer->afi;
	memcpy(r->peer_addr, peer->addr, 16);
	memcpy(r->peer_rd, peer->rd, 8);
	r->peer_as = peer->asn;
	r->has_path_id = rt->has_path_id, r->path_id = rt->path_id;
	r->has_origin = v.has_origin, r->origin = v.origin;
	r->problems = problems;
	char buf[2048];
	aspath_words_format(a->aspath, a->aspath_nwords, buf, sizeof(buf));
	r->path = xstrdup(buf);
	r->next = lf->b[k], lf->b[k] = r;
	lf->n++;
	for (int i = 0; i < ENGINE_FILTER_KINDS; i++)
		if (problems & (1u << i))
			fr->k[i].received++;
	if (rib) {
		struct held h = {.router = router, .r = r, .lf = lf};
		bmp_rib_covered(rib, &rt->prefix, held_accepted, &h, NULL);
	}
}

static int rec_cmp(const void *a, const void *b)
{
	const struct frec *x = *(const struct frec *const *)a, *y = *(const struct frec *const *)b;
	if (x->router != y->router)
		return x->router < y->router ? -1 : 1;
	int c = prefix_cmp(&x->prefix, &y->prefix);
	if (c)
		return c;
	c = memcmp(x->peer_addr, y->peer_addr, 16);
	if (c)
		return c;
	return x->path_id < y->path_id ? -1 : x->path_id > y->path_id;
}

int live_filter_report(const struct live_filter *lf, FILE *jsonl, struct engine_filtering *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < lf->f.n; i++) {
		XGROW(out->r, out->cap, out->n + 1);
		out->r[out->n] = lf->f.r[i];
		out->r[out->n].router = xstrdup(lf->f.r[i].router);
		out->n++;
	}
	if (jsonl == NULL)
		return 0;
	struct frec **v = xcalloc(lf->n + 1, sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < lf->nb; i++)
		for (struct frec *r = lf->b[i]; r; r = r->next)
			v[n++] = r;
	qsort(v, n, sizeof(*v), rec_cmp);
	for (size_t i = 0; i < n; i++) {
		const struct frec *r = v[i];
		char pfx[PREFIX_STRLEN], addr[PREFIX_STRLEN];
		struct bmp_peer bp;
		memset(&bp, 0, sizeof(bp));
		bp.afi = r->peer_afi;
		bp.flags = r->peer_afi == AFI_IPV6 ? BMP_FLAG_V : 0;
		memcpy(bp.addr, r->peer_addr, 16);
		fputs("{\"router\":", jsonl);
		json_fputs(jsonl, lf->f.r[r->router].router);
		fprintf(jsonl, ",\"peer\":\"%s\",\"peer_as\":%u,\"prefix\":\"%s\",\"path\":\"%s\"",
		    bmp_peer_addr_format(&bp, addr, sizeof(addr)), r->peer_as,
		    prefix_format(&r->prefix, pfx, sizeof(pfx)), r->path);
		fputs(",\"problems\":[", jsonl);
		for (int k = 0, first = 1; k < ENGINE_FILTER_KINDS; k++)
			if (r->problems & (1u << k)) {
				fprintf(jsonl, "%s\"%s\"", first ? "" : ",",
				    engine_filter_kind_name((enum engine_filter_kind)k));
				first = 0;
			}
		fprintf(jsonl, "],\"accepted\":%s%s}\n", r->accepted ? "true" : "false",
		    r->accepted == 1   ? ",\"accepted_in\":\"post-policy\""
		    : r->accepted == 2 ? ",\"accepted_in\":\"loc-rib\""
		                       : "");
	}
	free(v);
	return fflush(jsonl) != 0 || ferror(jsonl) ? -1 : 0;
}

void engine_filtering_free(struct engine_filtering *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->r[i].router);
	free(f->r);
	memset(f, 0, sizeof(*f));
}
