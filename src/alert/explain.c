/*
 * An alert event in words: a one-line title, one paragraph a network engineer reads at
 * 3 a.m. (what is wrong, who sees it, whether their routers accepted it, what it means), and
 * the JSON the sinks and the store take, carrying the same evidence object as a finding.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert/alert_private.h"
#include "rpki/rpki.h"

#define MAX_PEERS_LISTED 20

void ae_words_init(struct ae_words *w)
{
	memset(w, 0, sizeof(*w));
	jsonw_init(&w->json);
}

void ae_words_free(struct ae_words *w)
{
	free(w->title);
	free(w->text);
	jsonw_free(&w->json);
}

static const char *severity_name(int s)
{
	static const char *names[] = {"emergency", "alert", "critical", "error", "warning",
	    "notice", "informational", "debug"};
	return s >= 0 && s <= 7 ? names[s] : "notice";
}

static const char *kind_words(enum alert_kind k)
{
	static const char *w[ALERT_KINDS] = {"origin hijack", "more-specific hijack",
	    "RPKI-invalid route", "route leak", "bogon ASN", "new upstream", "visibility loss"};
	return (unsigned)k < ALERT_KINDS ? w[k] : "alert";
}

/* "Seen from 3 peers on 2 routers; 1 of them accepted it (post-policy / Loc-RIB)." */
static char *peers_words(const struct alert_engine *ae, const struct ae_alert *a, size_t accepted)
{
	size_t routers = 0;
	for (size_t i = 0; i < a->nsup; i++) {
		const char *r = ae->peer_by_id[a->sup[i].peer]->router;
		int seen = 0;
		for (size_t k = 0; k < i && !seen; k++)
			seen = strcmp(ae->peer_by_id[a->sup[k].peer]->router, r) == 0;
		routers += !seen;
	}
	return xasprintf("Seen from %zu peer%s on %zu router%s; %zu of these views are after the "
	                 "router's policy (post-policy or Loc-RIB: accepted).",
	    a->nsup, a->nsup == 1 ? "" : "s", routers, routers == 1 ? "" : "s", accepted);
}

static char *resolution_words(const struct ae_alert *a)
{
	switch (a->reason) {
	case AE_WITHDRAWN:
		return xstrdup("every peer that showed it has withdrawn the route");
	case AE_CHANGED:
		if (a->kind == ALERT_RPKI_INVALID && a->rov_now == ROV_VALID)
			return xstrdup("the route is RPKI valid now: a VRP authorises it");
		if (a->kind == ALERT_RPKI_INVALID && a->rov_now == ROV_NOTFOUND)
			return xstrdup("no VRP covers the route any more (RPKI not found)");
		return xstrdup("the peers now carry the route without the problem (corrected)");
	case AE_PEER_DOWN:
		return xstrdup("the sessions of the peers that showed it went down");
	case AE_RELOAD:
		return xstrdup("not shown again after the watch file was reloaded");
	case AE_NONE:
		break;
	}
	return xstrdup("the condition is gone");
}

static char *condition_words(const struct ae_alert *a, const char *pfx)
{
	const char *expected = a->expected ? a->expected : "other origins";
	const char *detail = a->detail ? a->detail : "";
	switch (a->kind) {
	case ALERT_ORIGIN_HIJACK:
		return xasprintf(
		    "%s is announced with origin AS%u, but the watch file expects %s "
		    "for %s. If AS%u has no authority to originate it, this is an origin "
		    "hijack: traffic for %s goes to AS%u wherever this route is preferred.",
		    pfx, a->asn, expected, a->watched, a->asn, pfx, a->asn);
	case ALERT_MORE_SPECIFIC:
		return xasprintf(
		    "%s, a more specific of the watched %s, is announced with origin "
		    "AS%u; the watch file expects %s. A more specific route wins over "
		    "the watched prefix wherever it is accepted, drawing the traffic of "
		    "those addresses to AS%u.",
		    pfx, a->watched, a->asn, expected, a->asn);
	case ALERT_RPKI_INVALID:
		/* the checks' detail is the whole sentence ("PFX from ASn is RPKI invalid
		 * (invalid-asn)"): not said twice */
		if (*detail)
			return xasprintf("%s. Networks that validate routes (ROV) drop it; any "
			                 "that accepted it do not filter invalid routes.",
			    detail);
		return xasprintf(
		    "%s from AS%u is RPKI invalid. Networks that validate routes "
		    "(ROV) drop it; any that accepted it do not filter invalid routes.",
		    pfx, a->asn);
	case ALERT_ROUTE_LEAK:
		return xasprintf(
		    "The route to %s carries a route leak by AS%u%s%s: a route learnt "
		    "from a provider or peer was passed on to another provider or peer.",
		    pfx, a->asn, *detail ? " (" : "", *detail ? detail : "");
	case ALERT_BOGON_ASN:
		return xasprintf(
		    "The AS path of %s holds AS%u, a bogon (reserved or unallocated) AS "
		    "number%s%s%s; no route should carry it.",
		    pfx, a->asn, *detail ? " (" : "", detail, *detail ? ")" : "");
	case ALERT_NEW_UPSTREAM:
		return xasprintf(
		    "%s is reached through AS%u, which is not among its listed upstreams: "
		    "%s. It may be a new provider not yet in the ASPA or the watch file, "
		    "or a route leak or path hijack.",
		    a->watched, a->asn, expected);
	case ALERT_VISIBILITY_LOSS:
		return xasprintf(
		    "%s is no longer seen by %zu of the %zu peers that had it (%.0f %%).",
		    a->watched, a->vis_lost, a->vis_seen,
		    a->vis_seen ? 100.0 * (double)a->vis_lost / (double)a->vis_seen : 0.0);
	case ALERT_KINDS:
		break;
	}
	return xstrdup("");
}

void ae_explain(const struct alert_engine *ae, const struct ae_alert *a, struct alert_event *ev,
    struct ae_words *w)
{
	char pfx[PREFIX_STRLEN] = "", when[32];
	if (a->has_prefix)
		prefix_format(&a->prefix, pfx, sizeof(pfx));
	free(w->title);
	free(w->text);
	const char *what = kind_words(a->kind);
	if (a->kind == ALERT_NEW_UPSTREAM)
		w->title = xasprintf(
		    "%s: %s of AS%u: AS%u", alert_state_name(ev->state), what, a->asn2, a->asn);
	else if (a->kind == ALERT_VISIBILITY_LOSS)
		w->title = xasprintf("%s: %s of %s", alert_state_name(ev->state), what, pfx);
	else
		w->title =
		    xasprintf("%s: %s: %s AS%u", alert_state_name(ev->state), what, pfx, a->asn);

	char *cond = condition_words(a, pfx);
	char *peers =
	    a->kind == ALERT_VISIBILITY_LOSS ? xstrdup("") : peers_words(ae, a, ev->accepted);
	char *path = a->path ? xasprintf(" Path: %s.", a->path) : xstrdup("");
	if (ev->state == ALERT_RESOLVED) {
		char *res = a->kind == ALERT_VISIBILITY_LOSS
		                ? xasprintf("%s is visible again: %zu of the %zu peers that had it "
		                            "see it",
		                      a->watched, a->vis_seen - a->vis_lost, a->vis_seen)
		                : resolution_words(a);
		w->text = xasprintf("Resolved after %lld s: %s. It was: %s",
		    (long long)(ev->time - a->opened), res, cond);
		free(res);
	} else {
		w->text = xasprintf("%s%s%s%s", cond, path, *peers ? " " : "", peers);
	}
	free(cond);
	free(peers);
	free(path);

	struct jsonw *j = &w->json;
	jsonw_reset(j);
	jsonw_object(j);
	jsonw_kstr(j, "type", "alert");
	jsonw_kint(j, "seq", (int64_t)ev->seq);
	jsonw_kstr(j, "id", a->id);
	jsonw_kstr(j, "kind", alert_kind_name(a->kind));
	jsonw_kstr(j, "state", alert_state_name(ev->state));
	jsonw_kstr(
	    j, "time", time_utc_strftime(ev->time, "%Y-%m-%dT%H:%M:%SZ", when, sizeof(when)));
	jsonw_kint(j, "time_unix", ev->time);
	jsonw_kstr(
	    j, "opened", time_utc_strftime(a->opened, "%Y-%m-%dT%H:%M:%SZ", when, sizeof(when)));
	jsonw_kstr(j, "severity", severity_name(ev->severity));
	if (a->has_prefix)
		jsonw_kstr(j, "prefix", pfx);
	if (a->kind == ALERT_NEW_UPSTREAM) {
		jsonw_kint(j, "asn", a->asn2);
		jsonw_kint(j, "upstream", a->asn);
	} else if (a->kind != ALERT_VISIBILITY_LOSS) {
		jsonw_kint(j, "asn", a->asn);
	}
	jsonw_kstr(j, "watched", a->watched ? a->watched : "");
	if (a->expected)
		jsonw_kstr(j, "expected", a->expected);
	if (a->kind == ALERT_VISIBILITY_LOSS) {
		jsonw_kint(j, "peers_seen", (int64_t)a->vis_seen);
		jsonw_kint(j, "peers_lost", (int64_t)a->vis_lost);
	} else {
		jsonw_kint(j, "peers", (int64_t)a->nsup);
		jsonw_kint(j, "accepted", (int64_t)ev->accepted);
	}
	if (a->path)
		jsonw_kstr(j, "path", a->path);
	jsonw_kstr(j, "title", w->title);
	jsonw_kstr(j, "text", w->text);
	if (ev->state == ALERT_RESOLVED && a->kind != ALERT_VISIBILITY_LOSS) {
		char *res = resolution_words(a);
		jsonw_kstr(j, "resolution", res);
		free(res);
	}
	if (a->detail)
		jsonw_kstr(j, "detail", a->detail);
	jsonw_key(j, "evidence");
	if (a->evidence)
		jsonw_raw(j, a->evidence);
	else {
		jsonw_object(j);
		jsonw_kstr(j, "kind", alert_kind_name(a->kind));
		jsonw_end_object(j);
	}
	jsonw_key(j, "views");
	jsonw_array(j);
	for (size_t i = 0; i < a->nsup && i < MAX_PEERS_LISTED; i++) {
		const struct ae_peer *p = ae->peer_by_id[a->sup[i].peer];
		char addr[PREFIX_STRLEN];
		struct bmp_peer bp;
		memset(&bp, 0, sizeof(bp));
		bp.afi = p->afi;
		bp.flags = p->afi == AFI_IPV6 ? BMP_FLAG_V : 0;
		memcpy(bp.addr, p->addr, 16);
		jsonw_object(j);
		jsonw_kstr(j, "router", p->router);
		jsonw_kstr(j, "view", bmp_view_name(p->view));
		jsonw_kstr(j, "peer", bmp_peer_addr_format(&bp, addr, sizeof(addr)));
		jsonw_kint(j, "peer_as", p->asn);
		jsonw_end_object(j);
	}
	jsonw_end_array(j);
	jsonw_end_object(j);
	ev->title = w->title;
	ev->text = w->text;
	ev->json = j->s;
}
