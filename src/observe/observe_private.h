/* observe internals: the tables the engine accumulates into. */
#ifndef ROUTEMARK_OBSERVE_PRIVATE_H
#define ROUTEMARK_OBSERVE_PRIVATE_H

#include "observe/observe.h"
#include "registry/registry.h"

struct otable {
	void *v;
	size_t n, cap, size, keylen;
	int mapped;     /* v is mapped (large), not from malloc (otable.c) */
	uint64_t *slot; /* hash << 32 | index + 1; 0 = empty (otable.c) */
	size_t nslots;
};

void otable_init(struct otable *t, size_t size, size_t keylen);
void otable_free(struct otable *t);
void *otable_find(const struct otable *t, const void *key);
void *otable_upsert(struct otable *t, const void *key, int *created);
/* Free the hash index of a table that will only be iterated (OTABLE_AT) from now on; a later
 * upsert builds it again, a find looks through the entries. */
void otable_drop_index(struct otable *t);
/* The same in two steps, for a caller with other work between: the key's hash, a hint to
 * bring its slot into the cache, and the upsert with that hash. */
uint32_t otable_hash(const struct otable *t, const void *key);
void otable_prefetch(const struct otable *t, uint32_t h);
void *otable_upsert_hashed(struct otable *t, const void *key, uint32_t h, int *created);
void otable_remove_all(struct otable *t);
#define OTABLE_AT(t, i) ((void *)((char *)(t)->v + (size_t)(i) * (t)->size))

/* A distinct-peer counter: exact for a route seen from one peer after another, an estimate
 * (at most 64 bits of peer hash) when peers interleave across files. */
struct peer_count {
	uint32_t n;
	uint32_t last; /* peer index + 1 */
	uint64_t bloom;
};

static inline void peer_count_add(struct peer_count *c, uint32_t peer)
{
	uint64_t bit = 1ull << ((peer * 0x9e3779b1u) >> 26);
	if (c->last == peer + 1 || (c->n && (c->bloom & bit)))
		return;
	c->last = peer + 1;
	c->bloom |= bit;
	c->n++;
}

/* (prefix, origin) of the routing table. */
struct rt_ent {
	struct prefix p; /* key */
	uint32_t origin; /* key */
	struct peer_count peers;
	uint32_t first_seen, last_seen;
	uint8_t rov, rov_reason, irr, bogon;
	uint8_t rov_checked, irr_checked;
	uint8_t aspa_seen, aspa_invalid; /* a path verified by ASPA; one of them invalid */
};

struct rt_key {
	struct prefix p;
	uint32_t origin;
};

/* A finding: (metric, charged AS, prefix, origin). */
struct fd_key {
	struct prefix p;
	uint32_t origin;
	uint32_t asn;
	uint32_t metric;
};

struct fd_ent {
	struct fd_key k;
	uint32_t culprit;
	struct peer_count peers;
	uint32_t first_seen, last_seen;
	uint32_t rib_first, rib_last; /* seen in RIB snapshots (0 = never) */
	uint32_t upd_first, upd_last; /* announced in the update stream (0 = never) */
	uint32_t peer_asn;
	uint8_t peer_afi, peer_addr[16];
	const char *path, *detail, *evidence; /* arena strings */
};

/* An open update-stream event of one peer's route. */
struct open_key {
	struct prefix p;
	uint32_t peer;
};

struct open_ent {
	struct open_key k;
	uint8_t n;
	struct {
		uint32_t asn;
		uint8_t metric;
		uint32_t start;
	} h[OBS_MAX_HITS];
};

struct peer_key {
	uint8_t afi;
	uint8_t addr[16];
	uint32_t asn;
};

struct peer_ent {
	struct peer_key k;
};

#define OBS_PEER_CACHE 64

struct observe {
	struct observe_refs refs;
	struct observe_config cfg;
	struct bogon_db builtin_bogons; /* used when refs.bogons is NULL */
	struct otable routes;           /* struct rt_ent */
	struct otable finds;            /* struct fd_ent */
	int finds_written;              /* observe_write_findings ran: observe_write skips them */
	struct otable open;             /* struct open_ent */
	struct otable peers;            /* struct peer_ent */
	struct otable seen;             /* every ASN seen in a path (uint32_t) */
	struct rt_ent **order;          /* routes in (prefix, origin) order, after observe_score */
	struct {
		struct peer_key k;
		uint32_t idx; /* + 1; 0 = empty */
	} peer_cache[OBS_PEER_CACHE];
	uint32_t seen_cache[4096];   /* direct-mapped filter in front of seen */
	struct path_memo *path_memo; /* the path half of recent routes' checks (analyze.c) */
	struct event *ev;            /* closed update-stream events */
	size_t nev, capev;
	struct arena arena; /* strings */
	uint32_t first_ts, last_ts;
	uint32_t rib_ts; /* the current file's snapshot time (0 until its first RIB entry) */
	uint64_t nroutes, nupdates, nwithdrawals, nrib;
	uint64_t npaths; /* routes with a whole AS path (not origin_only): path checks ran */
};

/* check.c: the valley-free check with siblings (ASes of one organisation, when --orgs is
 * loaded) taken as one network: a route passing between them is no leak. */
struct valley_result;
int observe_valley(
    const struct observe_refs *refs, const uint32_t *w, uint32_t nwords, struct valley_result *res);

/* analyze.c: append an event (update-stream or RIB sighting) to o->ev. */
void observe_push_event(struct observe *o, struct event ev);

#endif
