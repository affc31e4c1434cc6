/*
 * The alert engine: route changes in, alert events out.
 *
 * Each route kept (struct ae_route: one per router, view, peer, prefix and path id that shows a
 * condition or counts for a watched prefix's visibility) lists the alerts it supports. An
 * alert's supporters are peers, each with the number of its routes that show it (ADD-PATH
 * gives a peer several). An alert opens when its first supporter comes, is updated when more
 * peers show it (at most once an update_interval, or at once when they doubled), and, once no
 * peer shows it, resolves after the hold-down unless the condition comes back first. A
 * resolved alert is forgotten: the same condition later opens a new one.
 */
#include <stdlib.h>
#include <string.h>

#include "alert/alert_private.h"
#include "rpki/rpki.h"
#include "irr/irr.h"
#include "registry/registry.h"
#include "topo/topo.h"

/* ---------------------------------------------------------------- hash tables */

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

#define HASH0 1469598103934665603ull

/* Every element type starts with its chain pointer and hash. */
struct ae_node {
	struct ae_node *next;
	uint64_t hash;
};

static void table_grow(struct ae_table *t)
{
	size_t nb = t->nb ? t->nb * 2 : 64;
	void **b = xcalloc(nb, sizeof(*b));
	for (size_t i = 0; i < t->nb; i++)
		for (struct ae_node *n = t->b[i], *next; n; n = next) {
			next = n->next;
			n->next = b[n->hash & (nb - 1)];
			b[n->hash & (nb - 1)] = n;
		}
	free(t->b);
	t->b = b, t->nb = nb;
}

static void table_put(struct ae_table *t, void *elem)
{
	if (t->n >= t->nb)
		table_grow(t);
	struct ae_node *n = elem;
	n->next = t->b[n->hash & (t->nb - 1)];
	t->b[n->hash & (t->nb - 1)] = n;
	t->n++;
}

static void table_del(struct ae_table *t, void *elem)
{
	struct ae_node *n = elem;
	for (struct ae_node **pp = (struct ae_node **)&t->b[n->hash & (t->nb - 1)]; *pp;
	     pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			t->n--;
			return;
		}
}

static void *table_first(const struct ae_table *t, uint64_t hash)
{
	return t->nb ? t->b[hash & (t->nb - 1)] : NULL;
}

/* ---------------------------------------------------------------- peers */

static uint32_t peer_id(
    struct alert_engine *ae, const char *router, enum bmp_view view, const struct bmp_peer *p)
{
	uint64_t h = mix(HASH0, router, strlen(router));
	uint8_t v = (uint8_t)view;
	h = mix(h, &v, 1);
	h = mix(h, p->addr, 16);
	h = mix(h, p->rd, 8);
	h = mix(h, &p->asn, 4);
	for (struct ae_peer *e = table_first(&ae->peers, h); e; e = e->next)
		if (e->hash == h && e->view == view && e->asn == p->asn &&
		    memcmp(e->addr, p->addr, 16) == 0 && memcmp(e->rd, p->rd, 8) == 0 &&
		    strcmp(e->router, router) == 0)
			return e->id;
	struct ae_peer *e = xcalloc(1, sizeof(*e));
	e->hash = h;
	e->router = xstrdup(router);
	e->view = view;
	e->afi = p->afi, e->type = p->type;
	memcpy(e->addr, p->addr, 16);
	memcpy(e->rd, p->rd, 8);
	e->asn = p->asn;
	e->id = (uint32_t)ae->npeers;
	XGROW(ae->peer_by_id, ae->cappeers, ae->npeers + 1);
	ae->peer_by_id[ae->npeers++] = e;
	table_put(&ae->peers, e);
	return e->id;
}

static int accepted_view(enum bmp_view v)
{
	return v == BMP_VIEW_POST || v == BMP_VIEW_LOC_RIB;
}

/* Visibility counts what a router's neighbours send it (pre-policy, or a replayed archive)
 * and what a router itself selected (Loc-RIB). */
static int visibility_view(enum bmp_view v)
{
	return v == BMP_VIEW_PRE || v == BMP_VIEW_LOC_RIB;
}

/* ---------------------------------------------------------------- supporter sets */

static size_t sup_find(const struct ae_support *s, size_t n, uint32_t peer, int *found)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s[mid].peer < peer)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < n && s[lo].peer == peer;
	return lo;
}

static void sup_add(struct ae_support **s, size_t *n, size_t *cap, uint32_t peer)
{
	int found;
	size_t i = sup_find(*s, *n, peer, &found);
	if (found) {
		(*s)[i].routes++;
		return;
	}
	XGROW(*s, *cap, *n + 1);
	memmove(*s + i + 1, *s + i, (*n - i) * sizeof(**s));
	(*s)[i].peer = peer, (*s)[i].routes = 1;
	(*n)++;
}

/* 1 when the peer has no route left in the set. */
static int sup_del(struct ae_support *s, size_t *n, uint32_t peer, int all)
{
	int found;
	size_t i = sup_find(s, *n, peer, &found);
	if (!found)
		return 0;
	if (!all && --s[i].routes > 0)
		return 0;
	memmove(s + i, s + i + 1, (*n - i - 1) * sizeof(*s));
	(*n)--;
	return 1;
}

/* ---------------------------------------------------------------- alerts */

static struct ae_alert *alert_find(struct alert_engine *ae, const char *id, uint64_t h)
{
	for (struct ae_alert *a = table_first(&ae->alerts, h); a; a = a->next)
		if (a->hash == h && strcmp(a->id, id) == 0)
			return a;
	return NULL;
}

static void alert_free(struct ae_alert *a)
{
	free(a->id);
	free(a->sup);
	free(a->watched);
	free(a->expected);
	free(a->path);
	free(a->detail);
	free(a->evidence);
	free(a->last_json);
	free(a);
}

static size_t accepted_peers(const struct alert_engine *ae, const struct ae_alert *a)
{
	size_t n = 0;
	for (size_t i = 0; i < a->nsup; i++)
		n += accepted_view(ae->peer_by_id[a->sup[i].peer]->view);
	return n;
}

static void emit(struct alert_engine *ae, struct ae_alert *a, enum alert_state state, int64_t now)
{
	struct alert_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.seq = ++ae->seq;
	ev.id = a->id;
	ev.kind = a->kind;
	ev.state = state;
	ev.time = now;
	ev.prefix = a->prefix;
	ev.has_prefix = a->has_prefix;
	ev.asn = a->asn;
	ev.peers = a->kind == ALERT_VISIBILITY_LOSS ? a->vis_lost : a->nsup;
	ev.accepted = a->kind == ALERT_VISIBILITY_LOSS ? 0 : accepted_peers(ae, a);
	static const int sev[ALERT_KINDS] = {2, 2, 3, 4, 4, 4, 3};
	ev.severity = state == ALERT_RESOLVED ? 5 : sev[a->kind];
	ae_explain(ae, a, &ev, &ae->words);
	free(a->last_json);
	a->last_json = xstrdup(ev.json);
	a->last_event = now;
	a->last_npeers = ev.peers;
	if (state == ALERT_OPENED)
		ae->st.opened++, ae->st.by_kind[a->kind]++;
	else if (state == ALERT_UPDATED)
		ae->st.updated++;
	else
		ae->st.resolved++;
	if (ae->fn)
		ae->fn(ae->arg, &ev);
}

static void alert_drop(struct alert_engine *ae, struct ae_alert *a)
{
	table_del(&ae->alerts, a);
	alert_free(a);
}

static void resolve(struct alert_engine *ae, struct ae_alert *a, int64_t now)
{
	emit(ae, a, ALERT_RESOLVED, now);
	a->open = 0;
	if (a->nsup == 0 && a->kind != ALERT_VISIBILITY_LOSS)
		alert_drop(ae, a);
	/* a visibility alert stays: it is its prefix's, and keeps no routes */
}

/* After a change to a's supporters or condition: open, update, or start the hold-down. */
static void settle(struct alert_engine *ae, struct ae_alert *a, int64_t now)
{
	int active = a->kind == ALERT_VISIBILITY_LOSS ? a->active : a->nsup > 0;
	if (active) {
		a->pending_since = 0;
		if (!a->open) {
			a->open = 1;
			a->opened = now;
			emit(ae, a, ALERT_OPENED, now);
			return;
		}
		size_t peers = a->kind == ALERT_VISIBILITY_LOSS ? a->vis_lost : a->nsup;
		if (peers > a->last_npeers &&
		    (peers >= 2 * a->last_npeers ||
		        (double)(now - a->last_event) >= ae->watch->update_interval))
			emit(ae, a, ALERT_UPDATED, now);
		return;
	}
	if (!a->open) {
		if (a->kind != ALERT_VISIBILITY_LOSS)
			alert_drop(ae, a); /* never opened: nothing to say */
		return;
	}
	if (a->pending_since == 0)
		a->pending_since = now > 0 ? now : 1;
	if (ae->watch->hold_down <= 0)
		resolve(ae, a, now);
}

/* The alert of this id, created when new (with the words of the route that shows it). */
static struct ae_alert *alert_get(struct alert_engine *ae, enum alert_kind kind,
    const struct prefix *p, uint32_t asn, uint32_t asn2, int *created)
{
	char id[128], pfx[PREFIX_STRLEN];
	if (kind == ALERT_NEW_UPSTREAM)
		snprintf(id, sizeof(id), "%s/AS%u/AS%u", alert_kind_name(kind), asn2, asn);
	else if (kind == ALERT_VISIBILITY_LOSS)
		snprintf(id, sizeof(id), "%s/%s", alert_kind_name(kind),
		    prefix_format(p, pfx, sizeof(pfx)));
	else
		snprintf(id, sizeof(id), "%s/%s/AS%u", alert_kind_name(kind),
		    prefix_format(p, pfx, sizeof(pfx)), asn);
	uint64_t h = mix(HASH0, id, strlen(id));
	struct ae_alert *a = alert_find(ae, id, h);
	*created = a == NULL;
	if (a)
		return a;
	a = xcalloc(1, sizeof(*a));
	a->hash = h;
	a->id = xstrdup(id);
	a->kind = kind;
	if (kind != ALERT_NEW_UPSTREAM)
		a->prefix = *p, a->has_prefix = 1;
	a->asn = asn, a->asn2 = asn2;
	table_put(&ae->alerts, a);
	return a;
}

/* ---------------------------------------------------------------- routes */

static uint64_t route_hash(uint32_t peer, const struct prefix *p, uint32_t path_id)
{
	uint64_t h = mix(HASH0, &peer, 4);
	h = mix(h, &p->afi, 1);
	h = mix(h, &p->len, 1);
	h = mix(h, p->addr, 16);
	return mix(h, &path_id, 4);
}

static struct ae_route *route_find(
    struct alert_engine *ae, uint32_t peer, const struct prefix *p, uint32_t path_id, uint64_t h)
{
	for (struct ae_route *r = table_first(&ae->routes, h); r; r = r->next)
		if (r->hash == h && r->peer == peer && r->path_id == path_id &&
		    prefix_cmp(&r->prefix, p) == 0)
			return r;
	return NULL;
}

static struct ae_vis *vis_of(struct alert_engine *ae, const struct prefix *p)
{
	for (struct ae_vis *v = ae->vis; v; v = v->next)
		if (prefix_cmp(&v->prefix, p) == 0)
			return v;
	return NULL;
}

static void vis_settle(struct alert_engine *ae, struct ae_vis *v, int64_t now)
{
	size_t lost = v->nseen - v->ncur;
	int cond = !(ae->watch->disabled & (1u << ALERT_VISIBILITY_LOSS)) &&
	           v->nseen >= ae->watch->visibility_min_peers &&
	           (double)lost * 100.0 >= ae->watch->visibility_percent * (double)v->nseen;
	int created;
	struct ae_alert *a = alert_get(ae, ALERT_VISIBILITY_LOSS, &v->prefix, 0, 0, &created);
	if (created)
		a->watched = xstrdup(v->watched);
	if (!cond && !a->open && !a->active) {
		if (created)
			alert_drop(ae, a);
		return;
	}
	a->vis_seen = v->nseen, a->vis_lost = lost;
	a->active = cond;
	settle(ae, a, now);
}

/* Take route r's support from its alerts and its visibility. */
static void route_release(struct alert_engine *ae, struct ae_route *r, enum ae_reason why,
    int64_t now, struct ae_alert **keep, uint32_t nkeep)
{
	for (uint32_t i = 0; i < r->nalerts; i++) {
		struct ae_alert *a = r->alerts[i];
		int kept = 0;
		for (uint32_t k = 0; k < nkeep && !kept; k++)
			kept = keep[k] == a;
		if (kept)
			continue;
		if (sup_del(a->sup, &a->nsup, r->peer, 0)) {
			a->reason = why;
			if (why == AE_CHANGED && a->kind == ALERT_RPKI_INVALID)
				a->rov_now = ae->cur_rov; /* a new VRP may have made it valid */
		}
		settle(ae, a, now);
	}
	r->nalerts = 0;
	if (r->vis) {
		sup_del(r->vis->cur, &r->vis->ncur, r->peer, 0);
		struct ae_vis *v = r->vis;
		r->vis = NULL;
		vis_settle(ae, v, now);
	}
}

static void route_drop(struct alert_engine *ae, struct ae_route *r)
{
	table_del(&ae->routes, r);
	free(r->alerts);
	free(r);
}

/* ---------------------------------------------------------------- conditions */

static int in_list(const uint32_t *v, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

/* The most specific watched prefix covering p that is not ignored, or NULL. */
static const struct watch_prefix *watched_prefix(const struct watch *w, const struct prefix *p)
{
	const struct watch_prefix *wp = trie_longest(&w->trie, p, NULL);
	return wp && !wp->ignore ? wp : NULL;
}

struct cond {
	enum alert_kind kind;
	uint32_t asn, asn2;
	const struct watch_prefix *wp;
	const struct watch_asn *wa;
	const char *listed_by; /* new-upstream: "ASPA", "watch file" */
};

#define MAX_CONDS 8

static int watched_in_path(const struct watch *w, const struct flat_path *f)
{
	for (uint32_t i = 0; i < f->n; i++)
		if (watch_asn_find(w, f->asn[i]))
			return 1;
	return 0;
}

/* An upstream U of origin A not listed: U is not A's customer, peer or sibling either. */
static int unlisted_upstream(
    const struct observe_refs *refs, uint32_t a, uint32_t u, const uint32_t *list, size_t n)
{
	if (in_list(list, n, u))
		return 0;
	if (refs->asrel) {
		enum topo_rel rel = asrel_lookup(refs->asrel, a, u);
		if (rel == TOPO_REL_CUSTOMER || rel == TOPO_REL_PEER || rel == TOPO_REL_SIBLING)
			return 0;
	}
	return 1;
}

static size_t conditions(const struct alert_engine *ae, const struct prefix *p,
    const struct flat_path *f, const struct route_verdict *v, struct cond *c)
{
	const struct watch *w = ae->watch;
	size_t n = 0;
	const struct watch_prefix *wp = watched_prefix(w, p);
	int involved = wp != NULL || watched_in_path(w, f);
	if (!involved)
		return 0;
	uint32_t origin = v->has_origin ? v->origin : 0;
	const struct watch_asn *wa = v->has_origin ? watch_asn_find(w, origin) : NULL;
	if (wp && wp->norigins && !in_list(wp->origins, wp->norigins, origin)) {
		if (prefix_cmp(&wp->prefix, p) == 0)
			c[n++] =
			    (struct cond){.kind = ALERT_ORIGIN_HIJACK, .asn = origin, .wp = wp};
		else if (!wp->ignore_more_specifics)
			c[n++] =
			    (struct cond){.kind = ALERT_MORE_SPECIFIC, .asn = origin, .wp = wp};
	}
	if (v->rov_checked && v->rov == ROV_INVALID && (wp || wa))
		c[n++] =
		    (struct cond){.kind = ALERT_RPKI_INVALID, .asn = origin, .wp = wp, .wa = wa};
	int leaker = v->leak_index >= 0 ? v->leak_index : v->otc_leak_index;
	if (leaker >= 0 && (uint32_t)leaker < f->n)
		c[n++] = (struct cond){.kind = ALERT_ROUTE_LEAK, .asn = f->asn[leaker], .wp = wp};
	if (v->bogon_asn != BOGON_NOT)
		c[n++] =
		    (struct cond){.kind = ALERT_BOGON_ASN, .asn = v->bogon_asn_value, .wp = wp};
	/* the origin's upstream: the AS before it in the path */
	if (v->has_origin && f->n >= 2 && !f->has_set) {
		uint32_t up = f->asn[f->n - 2];
		const uint32_t *list = NULL;
		size_t nl = 0;
		const char *by = NULL;
		if (wp && wp->nupstreams &&
		    (!wp->norigins || in_list(wp->origins, wp->norigins, origin)))
			list = wp->upstreams, nl = wp->nupstreams, by = "watch file";
		else if (wa && wa->nupstreams)
			list = wa->upstreams, nl = wa->nupstreams, by = "watch file";
		else if (wa && ae->refs.aspa) {
			const struct aspa *as = aspa_table_find(ae->refs.aspa, origin);
			if (as)
				list = as->providers, nl = as->nproviders, by = "ASPA";
		}
		if (by && unlisted_upstream(&ae->refs, origin, up, list, nl))
			c[n++] = (struct cond){.kind = ALERT_NEW_UPSTREAM,
			    .asn = up,
			    .asn2 = origin,
			    .wp = wp,
			    .wa = wa,
			    .listed_by = by};
	}
	/* ignoreASns: never alert about these */
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!watch_asn_ignored(w, c[i].asn) && !(w->disabled & (1u << c[i].kind)))
			c[k++] = c[i];
	return k;
}

static char *asn_list_text(const uint32_t *v, size_t n)
{
	char buf[512];
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && len + 16 < sizeof(buf); i++)
		len +=
		    (size_t)snprintf(buf + len, sizeof(buf) - len, "%sAS%u", i ? ", " : "", v[i]);
	return xstrdup(n ? buf : "none");
}

static char *watched_text(const struct watch_prefix *wp, const struct watch_asn *wa)
{
	char pfx[PREFIX_STRLEN];
	if (wp)
		return wp->description
		           ? xasprintf("%s (%s)", prefix_format(&wp->prefix, pfx, sizeof(pfx)),
		                 wp->description)
		           : xstrdup(prefix_format(&wp->prefix, pfx, sizeof(pfx)));
	if (wa)
		return wa->description ? xasprintf("AS%u (%s)", wa->asn, wa->description)
		                       : xasprintf("AS%u", wa->asn);
	return xstrdup("");
}

/* The words an alert keeps from the first route that showed it. */
static void alert_describe(struct alert_engine *ae, struct ae_alert *a, const struct cond *c,
    const struct prefix *p, const struct alert_route *r, const struct flat_path *f,
    const struct route_verdict *v)
{
	a->watched = watched_text(c->wp, c->wa);
	if (c->kind == ALERT_NEW_UPSTREAM) {
		const struct watch_asn *wa = c->wa;
		if (wa == NULL)
			a->watched = (free(a->watched), xasprintf("AS%u", c->asn2));
		const uint32_t *list = NULL;
		size_t nl = 0;
		if (c->wp && c->wp->nupstreams)
			list = c->wp->upstreams, nl = c->wp->nupstreams;
		else if (wa && wa->nupstreams)
			list = wa->upstreams, nl = wa->nupstreams;
		else if (ae->refs.aspa) {
			const struct aspa *as = aspa_table_find(ae->refs.aspa, c->asn2);
			if (as)
				list = as->providers, nl = as->nproviders;
		}
		char *l = asn_list_text(list, nl);
		a->expected = xasprintf("%s (%s)", l, c->listed_by);
		free(l);
	} else if (c->wp && c->wp->norigins) {
		a->expected = asn_list_text(c->wp->origins, c->wp->norigins);
	}
	char buf[2048];
	aspath_words_format(r->path, r->npath, buf, sizeof(buf));
	a->path = xstrdup(buf);
	/* the checks' own evidence, when a hit of the matching metric is there */
	enum metric_id want = c->kind == ALERT_RPKI_INVALID ? M2
	                      : c->kind == ALERT_ROUTE_LEAK ? M1
	                      : c->kind == ALERT_BOGON_ASN  ? M4
	                                                    : METRIC_COUNT;
	for (int i = 0; i < v->nhits && want != METRIC_COUNT; i++) {
		enum metric_id m = v->hit[i].metric;
		if (metric_defs[m].customer)
			m = (enum metric_id)(m - 1);
		if (m != want)
			continue;
		struct arena ar;
		arena_init(&ar, 4096);
		const char *detail, *evidence;
		route_evidence(
		    &ae->refs, p, r->path, r->npath, f, v, &v->hit[i], &ar, &detail, &evidence);
		a->detail = xstrdup(detail);
		a->evidence = xstrdup(evidence);
		arena_free(&ar);
		break;
	}
	if (a->evidence == NULL) {
		/* hijacks and new upstreams: what the watch file expects against what was seen,
		 * with the route's own RPKI and IRR verdicts */
		struct jsonw jw;
		jsonw_init(&jw);
		jsonw_object(&jw);
		jsonw_kstr(&jw, "kind", alert_kind_name(c->kind));
		if (c->wp) {
			char pfx[PREFIX_STRLEN];
			jsonw_kstr(
			    &jw, "watched_prefix", prefix_format(&c->wp->prefix, pfx, sizeof(pfx)));
			jsonw_key(&jw, "expected_origins");
			jsonw_array(&jw);
			for (size_t i = 0; i < c->wp->norigins; i++)
				jsonw_int(&jw, c->wp->origins[i]);
			jsonw_end_array(&jw);
		}
		if (v->has_origin)
			jsonw_kint(&jw, "origin", v->origin);
		if (c->kind == ALERT_NEW_UPSTREAM) {
			jsonw_kint(&jw, "upstream", c->asn);
			jsonw_kstr(&jw, "listed_by", c->listed_by);
		}
		if (v->rov_checked)
			jsonw_kstr(&jw, "rpki", rov_state_name((enum rov_state)v->rov));
		if (v->irr_checked)
			jsonw_kstr(&jw, "irr", irr_verdict_name((enum irr_verdict)v->irr));
		jsonw_end_object(&jw);
		a->evidence = xstrdup(jw.s);
		jsonw_free(&jw);
	}
}

/* ---------------------------------------------------------------- the interface */

struct alert_engine *alert_engine_new(
    const struct observe_refs *refs, struct watch *watch, alert_event_fn fn, void *arg)
{
	struct alert_engine *ae = xcalloc(1, sizeof(*ae));
	ae->refs = *refs;
	ae->watch = watch;
	ae->fn = fn, ae->arg = arg;
	ae_words_init(&ae->words);
	return ae;
}

static void vis_free_all(struct alert_engine *ae)
{
	for (struct ae_vis *v = ae->vis, *next; v; v = next) {
		next = v->next;
		free(v->seen);
		free(v->cur);
		free(v->watched);
		free(v);
	}
	ae->vis = NULL;
}

static void routes_free_all(struct alert_engine *ae)
{
	for (size_t i = 0; i < ae->routes.nb; i++)
		for (struct ae_route *r = ae->routes.b[i], *next; r; r = next) {
			next = r->next;
			free(r->alerts);
			free(r);
		}
	memset(ae->routes.b, 0, ae->routes.nb * sizeof(void *));
	ae->routes.n = 0;
}

void alert_engine_free(struct alert_engine *ae)
{
	if (ae == NULL)
		return;
	routes_free_all(ae);
	free(ae->routes.b);
	for (size_t i = 0; i < ae->alerts.nb; i++)
		for (struct ae_alert *a = ae->alerts.b[i], *next; a; a = next) {
			next = a->next;
			alert_free(a);
		}
	free(ae->alerts.b);
	for (size_t i = 0; i < ae->npeers; i++) {
		free(ae->peer_by_id[i]->router);
		free(ae->peer_by_id[i]);
	}
	free(ae->peer_by_id);
	free(ae->peers.b);
	vis_free_all(ae);
	ae_words_free(&ae->words);
	watch_free(ae->watch);
	free(ae);
}

int alert_relevant(
    const struct alert_engine *ae, const struct prefix *p, const uint32_t *w, uint32_t nwords)
{
	if (watched_prefix(ae->watch, p))
		return 1;
	if (ae->watch->nasns == 0)
		return 0;
	struct flat_path f;
	flat_path_build(&f, w, nwords);
	return watched_in_path(ae->watch, &f);
}

void alert_route(
    struct alert_engine *ae, const struct alert_route *r, const struct route_verdict *v)
{
	ae->st.routes_seen++;
	uint32_t peer = peer_id(ae, r->router, r->view, r->peer);
	uint32_t path_id = r->has_path_id ? r->path_id : 0;
	uint64_t h = route_hash(peer, r->prefix, path_id);
	struct ae_route *rt = route_find(ae, peer, r->prefix, path_id, h);

	struct cond c[MAX_CONDS];
	size_t nc = 0;
	struct flat_path f;
	ae->cur_rov = v && v->rov_checked ? v->rov : ROV_NOTFOUND;
	if (!r->withdraw && v) {
		flat_path_build(&f, r->path, r->npath);
		nc = conditions(ae, r->prefix, &f, v, c);
	}
	const struct watch_prefix *wp = r->withdraw ? NULL : watched_prefix(ae->watch, r->prefix);
	/* visibility: routes of the watched prefix itself from an expected origin */
	int counts_vis = wp && prefix_cmp(&wp->prefix, r->prefix) == 0 && visibility_view(r->view);
	if (counts_vis && wp->norigins) {
		uint32_t origin;
		counts_vis = aspath_words_origin(r->path, r->npath, &origin) == 0 &&
		             in_list(wp->origins, wp->norigins, origin);
	}
	if (rt == NULL && nc == 0 && !counts_vis)
		return; /* nothing of ours */
	ae->st.routes_relevant++;

	struct ae_alert *now[MAX_CONDS];
	int fresh[MAX_CONDS];
	for (size_t i = 0; i < nc; i++) {
		int created;
		now[i] = alert_get(ae, c[i].kind, r->prefix, c[i].asn, c[i].asn2, &created);
		fresh[i] = created;
		if (created)
			alert_describe(ae, now[i], &c[i], r->prefix, r, &f, v);
	}
	if (rt) {
		enum ae_reason why = r->withdraw && r->path == NULL ? AE_WITHDRAWN : AE_CHANGED;
		/* the alerts this route still shows keep its support untouched */
		struct ae_alert *keep[MAX_CONDS];
		uint32_t nkeep = 0;
		for (size_t i = 0; i < nc; i++)
			for (uint32_t k = 0; k < rt->nalerts; k++)
				if (rt->alerts[k] == now[i])
					keep[nkeep++] = now[i];
		int had_vis = rt->vis != NULL;
		if (had_vis && counts_vis && !r->withdraw) {
			rt->vis = NULL; /* still counted: do not take it away */
		}
		route_release(ae, rt, why, r->time, keep, nkeep);
		if (had_vis && counts_vis && !r->withdraw)
			rt->vis = vis_of(ae, &wp->prefix);
		if (nc == 0 && rt->vis == NULL && !counts_vis) {
			route_drop(ae, rt);
			return;
		}
		/* the kept alerts are in rt->alerts again below */
		for (uint32_t k = 0; k < nkeep; k++)
			for (size_t i = 0; i < nc; i++)
				if (now[i] == keep[k])
					fresh[i] = -1; /* supported already */
	} else {
		rt = xcalloc(1, sizeof(*rt));
		rt->hash = h, rt->peer = peer;
		rt->prefix = *r->prefix;
		rt->has_path_id = r->has_path_id, rt->path_id = path_id;
		table_put(&ae->routes, rt);
	}
	XGROW(rt->alerts, rt->capalerts, nc + 1);
	rt->nalerts = (uint32_t)nc;
	for (size_t i = 0; i < nc; i++) {
		rt->alerts[i] = now[i];
		if (fresh[i] != -1)
			sup_add(&now[i]->sup, &now[i]->nsup, &now[i]->capsup, peer);
		if (c[i].kind == ALERT_RPKI_INVALID)
			now[i]->rov_now = ROV_INVALID;
		settle(ae, now[i], r->time);
	}
	if (counts_vis && rt->vis == NULL) {
		struct ae_vis *vv = vis_of(ae, &wp->prefix);
		if (vv == NULL) {
			vv = xcalloc(1, sizeof(*vv));
			vv->prefix = wp->prefix;
			vv->watched = watched_text(wp, NULL);
			vv->next = ae->vis;
			ae->vis = vv;
		}
		int found;
		sup_find(vv->seen, vv->nseen, peer, &found);
		if (!found)
			sup_add(&vv->seen, &vv->nseen, &vv->capseen, peer);
		sup_add(&vv->cur, &vv->ncur, &vv->capcur, peer);
		rt->vis = vv;
		vis_settle(ae, vv, r->time);
	}
	if (r->withdraw || (rt->nalerts == 0 && rt->vis == NULL))
		route_drop(ae, rt);
}

static void peers_down(
    struct alert_engine *ae, const char *router, const struct bmp_peer *p, int64_t now)
{
	/* the peer ids concerned: every view of the peer (or of the router) */
	for (size_t i = 0; i < ae->npeers; i++) {
		struct ae_peer *e = ae->peer_by_id[i];
		if (router && strcmp(e->router, router) != 0)
			continue;
		if (p && (e->asn != p->asn || memcmp(e->addr, p->addr, 16) != 0 ||
		             memcmp(e->rd, p->rd, 8) != 0))
			continue;
		for (size_t b = 0; b < ae->routes.nb; b++)
			for (struct ae_route *r = ae->routes.b[b], *next; r; r = next) {
				next = r->next;
				if (r->peer != e->id)
					continue;
				route_release(ae, r, AE_PEER_DOWN, now, NULL, 0);
				route_drop(ae, r);
			}
		/* it no longer counts for visibility either */
		for (struct ae_vis *v = ae->vis; v; v = v->next)
			if (sup_del(v->seen, &v->nseen, e->id, 1))
				vis_settle(ae, v, now);
	}
}

void alert_peer_down(
    struct alert_engine *ae, const char *router, const struct bmp_peer *peer, int64_t time)
{
	peers_down(ae, router, peer, time);
}

void alert_router_down(struct alert_engine *ae, const char *router, int64_t time)
{
	peers_down(ae, router, NULL, time);
}

void alert_tick(struct alert_engine *ae, int64_t now)
{
	for (size_t b = 0; b < ae->alerts.nb; b++)
		for (struct ae_alert *a = ae->alerts.b[b], *next; a; a = next) {
			next = a->next;
			if (!a->open)
				continue;
			if (a->pending_since &&
			    (double)(now - a->pending_since) >= ae->watch->hold_down) {
				resolve(ae, a, now);
				continue;
			}
			size_t peers = a->kind == ALERT_VISIBILITY_LOSS ? a->vis_lost : a->nsup;
			if (!a->pending_since && peers > a->last_npeers &&
			    (double)(now - a->last_event) >= ae->watch->update_interval)
				emit(ae, a, ALERT_UPDATED, now);
		}
}

void alert_engine_reload(struct alert_engine *ae, struct watch *watch, int64_t now)
{
	/* every route is judged again by the caller's re-feed: what is not shown again within
	 * the hold-down resolves */
	for (size_t b = 0; b < ae->routes.nb; b++)
		for (struct ae_route *r = ae->routes.b[b], *next; r; r = next) {
			next = r->next;
			route_release(ae, r, AE_RELOAD, now, NULL, 0);
		}
	routes_free_all(ae);
	for (struct ae_vis *v = ae->vis; v; v = v->next)
		v->nseen = v->ncur = 0;
	vis_free_all(ae);
	for (size_t b = 0; b < ae->alerts.nb; b++)
		for (struct ae_alert *a = ae->alerts.b[b], *next; a; a = next) {
			next = a->next;
			if (a->kind == ALERT_VISIBILITY_LOSS && a->open) {
				a->active = 0, a->reason = AE_RELOAD;
				settle(ae, a, now);
			} else if (a->kind == ALERT_VISIBILITY_LOSS) {
				alert_drop(ae, a);
			}
		}
	watch_free(ae->watch);
	ae->watch = watch;
}

void alert_engine_set_vrps(struct alert_engine *ae, const struct vrp_table *vrps)
{
	ae->refs.vrps = vrps;
}

void alert_engine_stats(const struct alert_engine *ae, struct alert_stats *st)
{
	*st = ae->st;
	st->tracked_routes = ae->routes.n;
	st->open_now = 0;
	for (size_t b = 0; b < ae->alerts.nb; b++)
		for (struct ae_alert *a = ae->alerts.b[b]; a; a = a->next)
			st->open_now += a->open;
}

void alert_engine_each_open(const struct alert_engine *ae, alert_event_fn fn, void *arg)
{
	for (size_t b = 0; b < ae->alerts.nb; b++)
		for (struct ae_alert *a = ae->alerts.b[b]; a; a = a->next) {
			if (!a->open)
				continue;
			struct alert_event ev;
			memset(&ev, 0, sizeof(ev));
			ev.id = a->id, ev.kind = a->kind, ev.state = ALERT_OPENED;
			ev.time = a->opened;
			ev.prefix = a->prefix, ev.has_prefix = a->has_prefix, ev.asn = a->asn;
			ev.json = a->last_json;
			ev.peers = a->kind == ALERT_VISIBILITY_LOSS ? a->vis_lost : a->nsup;
			ev.accepted = accepted_peers(ae, a);
			fn(arg, &ev);
		}
}

const char *alert_kind_name(enum alert_kind k)
{
	static const char *names[ALERT_KINDS] = {"origin-hijack", "more-specific", "rpki-invalid",
	    "route-leak", "bogon-asn", "new-upstream", "visibility-loss"};
	return (unsigned)k < ALERT_KINDS ? names[k] : "?";
}

const char *alert_state_name(enum alert_state s)
{
	static const char *names[] = {"opened", "updated", "resolved"};
	return (unsigned)s <= ALERT_RESOLVED ? names[s] : "?";
}
