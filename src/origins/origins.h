/*
 * origins — prefix-to-origin tables as a route source: CAIDA RouteViews prefix2as
 * ("prefix<TAB>length<TAB>origins"), RIPE RIS riswhois dumps ("origin<TAB>prefix<TAB>peers",
 * '%' comments) and pyasn files ("prefix/length<TAB>origin", ';' comments), in any
 * compression (core's zlines). The format is told from the content.
 *
 * Each (prefix, origin) pair is one route, handed out as an MRT RIB entry whose AS path is
 * the origin alone (mrt_route.origin_only): every prefix/origin check applies, no path check
 * does. Several origins ("a_b", a MOAS) give one route each; an AS set ("a,b", "{a,b}") is no
 * origin and gives none, so "a_b,c" gives the route with origin a.
 *
 * Malformed lines are named (file, line), skipped and counted; strict makes the first fatal.
 */
#ifndef ROUTEMARK_ORIGINS_H
#define ROUTEMARK_ORIGINS_H

#include <stddef.h>
#include <stdint.h>

#include "mrt/mrt.h"

enum origins_format {
	ORIGINS_NONE = 0, /* not a table this module reads */
	ORIGINS_PFX2AS,   /* CAIDA RouteViews prefix2as */
	ORIGINS_RISWHOIS, /* RIPE RIS riswhoisdump.IPv4/IPv6 */
	ORIGINS_PYASN,    /* pyasn IPASN data file */
};
const char *origins_format_name(enum origins_format f); /* "pfx2as", ... */

struct origins_stats {
	uint64_t lines;     /* read, comments and blank lines included */
	uint64_t entries;   /* table rows (prefixes) */
	uint64_t routes;    /* (prefix, origin) pairs handed out */
	uint64_t moas;      /* rows with several origins */
	uint64_t as_sets;   /* origins that were AS sets (no route) */
	uint64_t malformed; /* rows skipped */
};

/* The format of path from its first lines (decompressed): ORIGINS_NONE when they are not
 * all rows of one table format, or the file cannot be read. */
enum origins_format origins_detect(const char *path);

/* The data time a file name carries: CAIDA "routeviews-rv2-20240101-1200.pfx2as" (UTC),
 * "...-20240406.pfx2as", pyasn "ipasn_20140513"; -1 when it carries none. */
int64_t origins_time_from_name(const char *path);

/* One row of a table in format f, as the reader reads it: its prefix, its single origins
 * (at most ORIGINS_ROW_MAX into orig) and its AS sets added to *sets; 0, or -1 when the row
 * is malformed. general = 1 takes the general path alone: the fast path for plain pfx2as
 * rows must agree with it (tests/test_origins.c). */
#define ORIGINS_ROW_MAX 64
int origins_parse_row(enum origins_format f, const char *line, int general, struct prefix *p,
    uint32_t *orig, int *norig, uint64_t *sets);

struct origins_reader;

/* Open a table of a known format (origins_detect); ts is the time its routes carry. NULL
 * (logged) when it cannot be opened. */
struct origins_reader *origins_open(
    const char *path, enum origins_format f, uint32_t ts, int strict);
/* The next route: 1, 0 at the end, -1 on a read error, -2 on a malformed row under strict
 * (both logged). rt and what it points to stay valid until the next call. */
int origins_next(struct origins_reader *r, struct mrt_route *rt);

/* A check run on every route before it is handed out, a batch of rows at a time: the
 * caller's work that reads only data fixed while the table is read (the engine's prefix
 * checks). A batch is checked by the parser's thread after parsing it when the caller has
 * rows queued, else by the caller's when it takes the batch: a caller that would wait for
 * rows checks them itself while the next are parsed, so the two threads share the work and
 * neither waits for the other's checks. worker says which thread runs fn
 * (ORIGINS_PARSER, ORIGINS_CALLER; the two may run at once). fn writes size bytes at out;
 * origins_checked hands them out with the route. fn must not keep rt. */
enum { ORIGINS_PARSER, ORIGINS_CALLER };
struct origins_check {
	void (*fn)(void *arg, int worker, const struct mrt_route *rt, void *out);
	void *arg;
	size_t size;
};
/* origins_open with a check on every route (NULL or a NULL fn: none). */
struct origins_reader *origins_open_checked(const char *path, enum origins_format f, uint32_t ts,
    int strict, const struct origins_check *check);
/* The check's result for the route origins_next handed out last (valid until the next
 * call), or NULL without a check. */
const void *origins_checked(const struct origins_reader *r);
/* The check's result for the route k after that one when it is already parsed, or NULL. */
const void *origins_checked_ahead(const struct origins_reader *r, unsigned k);
const struct origins_stats *origins_stats(const struct origins_reader *r);
/* Bytes of the file read so far and its size (progress). */
void origins_progress(const struct origins_reader *r, uint64_t *done, uint64_t *total);
void origins_close(struct origins_reader *r);

#endif
