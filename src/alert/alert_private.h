/* alert: the engine's state, shared by alert.c (life) and explain.c (words and JSON). */
#ifndef ROUTEMARK_ALERT_PRIVATE_H
#define ROUTEMARK_ALERT_PRIVATE_H

#include "alert/alert.h"

/* A peer as the alerts count it: a (router, view, peer) row of the BMP state. */
struct ae_peer {
	struct ae_peer *next; /* hash chain */
	uint64_t hash;
	char *router;
	enum bmp_view view;
	uint8_t afi, type;
	uint8_t addr[16];
	uint8_t rd[8];
	uint32_t asn;
	uint32_t id;
};

/* Why a peer stopped showing an alert's condition (the resolution's words). */
enum ae_reason { AE_NONE = 0, AE_WITHDRAWN, AE_CHANGED, AE_PEER_DOWN, AE_RELOAD };

struct ae_support {
	uint32_t peer;
	uint32_t routes; /* its routes showing the condition (ADD-PATH: several) */
};

struct ae_alert {
	struct ae_alert *next; /* hash chain by id */
	uint64_t hash;
	char *id;
	enum alert_kind kind;
	struct prefix prefix;
	int has_prefix;
	uint32_t asn;           /* offending origin, leaker, bogon ASN, new upstream */
	uint32_t asn2;          /* new-upstream: the watched AS; others: 0 */
	struct ae_support *sup; /* sorted by peer */
	size_t nsup, capsup;
	int open;   /* opened, not resolved */
	int active; /* the condition holds now (visibility: the share lost) */
	int64_t opened, last_event, pending_since; /* pending_since 0: not pending */
	size_t last_npeers;                        /* peers at the last event */
	enum ae_reason reason;                     /* of the last peer that stopped showing it */
	int rov_now; /* rpki-invalid: the state a re-validation last gave (enum rov_state) */
	/* what the explanation says, from the first route that showed it */
	char *watched;             /* "192.0.2.0/24 (Our main block)" or "AS64500 (Us)" */
	char *expected;            /* "AS64500" or "AS64500, AS64501" or the upstream list */
	char *path;                /* an AS path that showed it */
	char *detail;              /* the checks' one-line detail */
	char *evidence;            /* JSON */
	char *last_json;           /* the latest event's JSON (each_open) */
	size_t vis_seen, vis_lost; /* visibility-loss: the figures */
};

/* A watched prefix's visibility: the peers (pre-policy, Loc-RIB) that had it, and have it. */
struct ae_vis {
	struct ae_vis *next;
	struct prefix prefix;
	struct ae_support *seen, *cur; /* sorted by peer; routes counted per peer */
	size_t nseen, capseen, ncur, capcur;
	char *watched;
};

/* A route that shows some alert's condition or counts for a visibility. */
struct ae_route {
	struct ae_route *next;
	uint64_t hash;
	uint32_t peer;
	int has_path_id;
	uint32_t path_id;
	struct prefix prefix;
	struct ae_alert **alerts;
	uint32_t nalerts;
	size_t capalerts;
	struct ae_vis *vis;
};

struct ae_table {
	void **b; /* buckets of chains (next is each element's first member) */
	size_t nb, n;
};

/* The words of the event being sent (explain.c). */
struct ae_words {
	char *title, *text;
	struct jsonw json;
};

struct alert_engine {
	struct observe_refs refs;
	struct watch *watch;
	alert_event_fn fn;
	void *arg;
	struct ae_table peers, alerts, routes;
	struct ae_peer **peer_by_id;
	size_t npeers, cappeers;
	struct ae_vis *vis; /* list */
	uint64_t seq;
	int cur_rov; /* the ROV state of the route being fed (resolution words) */
	struct alert_stats st;
	struct ae_words words;
};

/* explain.c: fill ev's title, text and JSON for alert a (valid until the next call). */
void ae_words_init(struct ae_words *w);
void ae_words_free(struct ae_words *w);
void ae_explain(const struct alert_engine *ae, const struct ae_alert *a, struct alert_event *ev,
    struct ae_words *w);

#endif
