/*
 * topo — AS relationships (CAIDA serial-1 / serial-2), customer cones, and the valley-free
 * (RFC 7908 route-leak) check of AS paths.
 *
 * The relationship index is built once and read-only afterwards: a sorted array of the ASNs
 * seen, and per AS a sorted array of its neighbours (by index) with the relationship, so a
 * pair lookup costs one hash probe per ASN and a binary search in a's neighbour list
 * (O(1) + O(log deg)). See docs/topo.md.
 */
#ifndef ROUTEMARK_TOPO_H
#define ROUTEMARK_TOPO_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* ---------------------------------------------------------------- line reader */

/* ---------------------------------------------------------------- relationships */

/* Relationship of b as seen from a (what b is to a). */
enum topo_rel {
	TOPO_REL_NONE = 0, /* no link known */
	TOPO_REL_CUSTOMER, /* b is a's customer (a|b|-1) */
	TOPO_REL_PROVIDER, /* b is a's provider (b|a|-1) */
	TOPO_REL_PEER,     /* settlement-free peers (a|b|0) */
	TOPO_REL_SIBLING,  /* same organisation (a|b|1 in old files) */
};

const char *topo_rel_name(enum topo_rel r); /* "customer", "provider", "peer", ... */

/* Counters filled by the loader. */
struct asrel_stats {
	uint64_t lines, comments, links, p2c, p2p, s2s;
	uint64_t duplicates; /* same pair again, same relationship: ignored */
	uint64_t conflicts;  /* same pair again, other relationship: first kept */
	uint64_t malformed;  /* skipped, each logged (the first few) with file:line */
	uint64_t self_links; /* a|a|x: skipped */
};

/*
 * The index. asn[] is sorted; AS i's neighbours are nb[off[i] .. off[i+1]) (indices into
 * asn[], sorted), with rel[] the relationship of the neighbour as seen from AS i and src[]
 * the serial-2 source (index into sources[], 0 = none).
 */
struct asrel {
	uint32_t nas;
	uint32_t *asn;
	uint32_t *off; /* nas + 1 entries */
	uint32_t *nb;
	uint8_t *rel;
	uint8_t *src;
	char *sources[64]; /* serial-2 source names; [0] is "" */
	uint32_t nsources;
	uint32_t *clique; /* "# input clique:" / "# inferred clique:" ASNs, sorted */
	uint32_t nclique;
	uint32_t *ixp; /* "# IXP ASes:", sorted */
	uint32_t nixp;
	uint32_t *hslot; /* ASN -> index + 1, open addressing (0 empty); hmask + 1 slots */
	uint32_t hmask;
	struct asrel_stats st;
	/* building state (freed by asrel_finish) */
	struct asrel_edge *edges;
	size_t nedges, capedges;
};

void asrel_init(struct asrel *r);
void asrel_free(struct asrel *r);
/* Feed one line of a serial-1/serial-2 file (no newline). Header comments are parsed; a bad
 * line is counted and, for the first few, logged with name:lineno. Returns 0, or -1 for a
 * malformed line (still counted; the caller may stop under --strict). */
int asrel_add_line(
    struct asrel *r, const char *line, size_t len, const char *name, uint64_t lineno);
/* Build the index from the lines fed. Call once, before any lookup. */
int asrel_finish(struct asrel *r);
/* Load a whole file (plain, .gz or .bz2) and build the index. -1 when the file cannot be
 * read; malformed lines are counted in r->st. */
int asrel_load(struct asrel *r, const char *path);

/* Index of asn in r->asn, or -1. */
int64_t asrel_index(const struct asrel *r, uint32_t asn);
/* What b is to a. */
enum topo_rel asrel_lookup(const struct asrel *r, uint32_t a, uint32_t b);
/* The serial-2 source of the a-b link ("" when none or unknown). */
const char *asrel_source(const struct asrel *r, uint32_t a, uint32_t b);
/* Neighbour counts of asn by relationship (all 0 when the AS is unknown). */
void asrel_degree(
    const struct asrel *r, uint32_t asn, uint32_t *customers, uint32_t *providers, uint32_t *peers);
int asrel_is_clique(const struct asrel *r, uint32_t asn);
int asrel_is_ixp(const struct asrel *r, uint32_t asn);

/* ---------------------------------------------------------------- customer cones */

/*
 * The customer cone of asn: asn itself and every AS reachable from it over provider->customer
 * links, recursively (cycles in the data are safe). *out is a sorted xmalloc'ed array (free
 * it); *n its length. Returns -1 when asn is not in the data (then *out = NULL, *n = 0).
 */
int topo_cone(const struct asrel *r, uint32_t asn, uint32_t **out, size_t *n);
/* Size of the cone only (no array kept). 0 when asn is unknown. */
size_t topo_cone_size(const struct asrel *r, uint32_t asn);
/* 1 when member is in provider's customer cone (member != provider). */
int topo_in_cone(const struct asrel *r, uint32_t provider, uint32_t member);

/* ---------------------------------------------------------------- valley-free */

/* One adjacency of a path, in the path's order: from = path[i], to = path[i + 1] in AS_PATH
 * order (to is nearer the origin); rel is what `to` is to `from`. */
struct valley_hop {
	uint32_t from, to;
	uint32_t from_index, to_index; /* positions in the flattened ASN list */
	enum topo_rel rel;             /* TOPO_REL_NONE when unknown or across a set */
	int across_set;                /* an AS_SET / confed segment lies between them */
};

#define VALLEY_MAX_HOPS 256 /* longer paths (after collapsing prepends) are rejected */

struct valley_result {
	int leak_index;  /* position of the leaking AS in the flattened ASN list, -1 if none */
	uint32_t leaker; /* its ASN (0 when none) */
	int leak_type;   /* RFC 7908 type 1..4, 0 when none */
	enum topo_rel from_rel; /* what the leaker's neighbour towards the origin is to it */
	enum topo_rel to_rel;   /* what the leaker's neighbour towards the collector is to it */
	int nleaks;     /* number of ASes that broke export policy (the first is reported) */
	int unknown;    /* hops whose relationship is unknown */
	int has_set;    /* the path holds an AS_SET / confederation segment (skipped) */
	int loop;       /* an ASN appears twice, not adjacent (poisoning or a loop) */
	uint32_t nasn;  /* ASNs in the flattened list, prepends included */
	uint32_t nhops; /* adjacencies after collapsing prepends (<= VALLEY_MAX_HOPS kept) */
	struct valley_hop hops[VALLEY_MAX_HOPS];
};

/* Check the AS path (core's flat word form). Returns 0, or -1 for a malformed path. */
int valley_check(
    const struct asrel *r, const uint32_t *w, uint32_t nwords, struct valley_result *res);

/* "a and b belong to one organisation" (CAIDA AS-to-organisation data, from the caller):
 * 1 or 0. A hop between siblings is a sibling hop whatever the relationship file says. */
typedef int (*topo_sibling_fn)(const void *ctx, uint32_t a, uint32_t b);
/* valley_check where sib (may be NULL) names siblings: a route passing between two ASes of
 * one organisation is no leak (neither side of a sibling hop is judged on it). */
int valley_check_sib(const struct asrel *r, topo_sibling_fn sib, const void *sibctx,
    const uint32_t *w, uint32_t nwords, struct valley_result *res);
const char *valley_leak_name(int type); /* "hairpin (provider to provider)", ... */

#endif
