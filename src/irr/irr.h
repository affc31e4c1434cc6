/*
 * irr — Internet Routing Registry data: a streaming RPSL reader (RFC 2622 / RFC 4012), an
 * in-memory database of route/route6, aut-num, as-set, route-set, mntner and role objects
 * from several sources at once, NRTM v1/v3 update streams, the route check, as-set and
 * route-set expansion, and an IRRd-compatible whois query answerer and server.
 *
 * Depends on core only. The database is built once (load, then NRTM) and read by many
 * checks; every function that reads it takes a const pointer.
 */
#ifndef ROUTEMARK_IRR_H
#define ROUTEMARK_IRR_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* ---------------------------------------------------------------- RPSL objects */

enum rpsl_class {
	RPSL_CLASS_OTHER = 0, /* any class routemark does not index (person, inetnum, ...) */
	RPSL_ROUTE,
	RPSL_ROUTE6,
	RPSL_AUT_NUM,
	RPSL_AS_SET,
	RPSL_ROUTE_SET,
	RPSL_MNTNER,
	RPSL_ROLE,
	RPSL_PERSON,
	RPSL_AS_BLOCK,
	RPSL_CLASS_COUNT
};

const char *rpsl_class_name(enum rpsl_class c);
enum rpsl_class rpsl_class_from_key(const char *key);

/* One attribute: key lower-cased; value without '#' comments, trimmed, with continuation
 * lines joined by '\n'. line is the attribute's first line in its file. */
struct rpsl_attr {
	const char *key;
	const char *value;
	uint32_t line;
};

/* An object as read: valid until the next rpsl_reader_next on the same reader. */
struct rpsl_object {
	enum rpsl_class cls;
	const char *file; /* path as given to the reader */
	uint32_t line;    /* first line */
	uint64_t offset;  /* byte offset of the first line (uncompressed) */
	struct rpsl_attr *attrs;
	size_t nattrs;
};

/* First value of key (lower-case) or NULL. */
const char *rpsl_object_get(const struct rpsl_object *o, const char *key);

/* ---------------------------------------------------------------- RPSL reader */

#define RPSL_OBJECT 1  /* rpsl_reader_next: an object was read */
#define RPSL_CONTROL 2 /* NRTM mode only: a control line (%START, ADD n, DEL n, %END) */

/*
 * A streaming reader over a dump file (any compression, detected from its bytes), or memory.
 * Objects are separated by blank lines; '#' and '%' lines between objects are comments;
 * '#' starts an end-of-line remark anywhere; lines starting with space, tab or '+' continue
 * the previous attribute. A malformed object is skipped, counted and reported (file, line,
 * byte offset), and reading goes on.
 */
struct rpsl_reader {
	struct zinput *in; /* the file (any compression), NULL for memory input */
	const char *mem;   /* memory input */
	size_t memlen, mempos;
	char *path;
	char *buf; /* input buffer: [bstart, bend) not yet consumed */
	size_t bcap, bstart, bend;
	int eof, ioerr, skip_long;
	uint32_t lineno; /* lines consumed */
	uint64_t offset; /* bytes consumed */
	char *text;      /* current object: "key\0value\0..." */
	size_t tlen, tcap;
	struct rpsl_attr *attrs; /* during reading, key/value hold offsets into text */
	size_t nattrs, acap;
	int nrtm;           /* set by the caller: report NRTM control lines */
	char control[256];  /* the control line of RPSL_CONTROL */
	uint64_t objects;   /* objects returned */
	uint64_t malformed; /* objects skipped as malformed */
	char err[256];      /* the first error message, "" when none */
};

int rpsl_reader_open(struct rpsl_reader *r, const char *path);
void rpsl_reader_open_mem(struct rpsl_reader *r, const char *buf, size_t len, const char *name);
/* RPSL_OBJECT, RPSL_CONTROL, 0 at end of input, -1 on an I/O or decompression error. */
int rpsl_reader_next(struct rpsl_reader *r, struct rpsl_object *o);
void rpsl_reader_close(struct rpsl_reader *r);

/* ---------------------------------------------------------------- small helpers */

/* A growable byte buffer (responses, output). */
struct irr_buf {
	char *p;
	size_t len, cap;
};
void irr_buf_append(struct irr_buf *b, const char *s, size_t n);
void irr_buf_puts(struct irr_buf *b, const char *s);
void irr_buf_printf(struct irr_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void irr_buf_free(struct irr_buf *b);

/* An open-addressing hash map (string keys compared case-insensitively, or integer keys). */
struct irr_hent;
struct irr_hmap {
	struct irr_hent *slot;
	size_t cap, count;
};

/* ---------------------------------------------------------------- the database */

/* A route or route6 object, kept compact (there are millions). */
struct irr_route {
	struct prefix prefix;
	uint16_t source; /* index into db->sources */
	uint16_t file;   /* index into db->files */
	uint32_t origin;
	uint32_t line;                 /* first line in its file */
	uint32_t last_modified;        /* epoch seconds, 0 when absent */
	uint32_t deleted;              /* removed by NRTM (kept for claims that point here) */
	const char *mnt_by;            /* mnt-by values joined by ' ', interned; NULL when none */
	const char *member_of;         /* member-of values, interned; NULL when none */
	struct irr_route *next;        /* other objects with the same prefix */
	struct irr_route *next_origin; /* other objects with the same origin */
};

/* Any other indexed object, with all its attributes. */
struct irr_object {
	enum rpsl_class cls;
	uint16_t source, file;
	uint32_t line;
	uint32_t asn;    /* aut-num only */
	int deleted;     /* removed or replaced */
	const char *key; /* primary key as written */
	struct rpsl_attr *attrs;
	size_t nattrs;
	struct irr_object *next; /* same key in other sources (load order) */
};

const char *irr_object_get(const struct irr_object *o, const char *key);

#define IRR_MAX_SOURCES 64

struct irr_db {
	struct trie routes;               /* prefix -> struct irr_route list */
	struct arena arena;               /* objects, attributes, strings */
	struct irr_hmap by_origin;        /* asn -> struct irr_route list (next_origin) */
	struct irr_hmap autnums;          /* asn -> struct irr_object list */
	struct irr_hmap sets;             /* as-set / route-set name -> struct irr_object list */
	struct irr_hmap mntners;          /* mntner name -> struct irr_object list */
	struct irr_hmap roles;            /* nic-hdl -> struct irr_object list */
	struct irr_hmap claims;           /* member-of set name -> struct irr_claim list */
	struct irr_hmap strings;          /* interned strings */
	char *sources[IRR_MAX_SOURCES];   /* upper-case names, in order of first appearance */
	uint64_t serial[IRR_MAX_SOURCES]; /* last NRTM serial applied per source (0 = none) */
	size_t nsources;
	size_t src_hint; /* the source of the last object loaded (a look-up hint) */
	/* the last single value interned for a route object, as written, and its interned form */
	char intern_hint_in[64];
	const char *intern_hint;
	char **files;
	size_t nfiles;
	size_t count[RPSL_CLASS_COUNT]; /* objects held, by class */
	size_t malformed;               /* objects rejected by irr_db_add (bad prefix, origin...) */
	size_t ignored;                 /* objects of classes not indexed */
	uint64_t autnum_sources;        /* bit i: sources[i] gave at least one aut-num */
};

void irr_db_init(struct irr_db *db);
void irr_db_free(struct irr_db *db);

struct irr_load_stats {
	uint64_t objects;   /* objects read */
	uint64_t malformed; /* skipped by the reader or rejected by the database */
	uint64_t ignored;   /* classes not indexed */
	char err[256];      /* first problem, "" when none */
};

/* Load a dump (plain, gzip, bzip2, xz or zstd). Returns 0, or -1 when the file could not be read to
 * its end (message in st->err). Malformed objects are skipped and counted, not fatal. */
int irr_db_load(struct irr_db *db, const char *path, struct irr_load_stats *st);
/* Register a file name; returns its index for irr_db_add. */
uint16_t irr_db_file(struct irr_db *db, const char *path);
/* Index of source name (case-insensitive), added when new; -1 when the table is full. */
int irr_db_source(struct irr_db *db, const char *name);
/* Index of an existing source or -1. */
int irr_db_source_find(const struct irr_db *db, const char *name);

/* Add one object. default_source is used when the object has no source: attribute.
 * Returns 0 when indexed, 1 when its class is not indexed, -1 when malformed (err set). */
int irr_db_add(struct irr_db *db, const struct rpsl_object *o, uint16_t file,
    const char *default_source, char *err, size_t errlen);
/* Remove the object with o's class, key (and origin for routes) and source. Returns 0 when
 * removed, 1 when not present, -1 when o is malformed. */
int irr_db_delete(struct irr_db *db, const struct rpsl_object *o, const char *default_source,
    char *err, size_t errlen);

/* Look-ups. srcmask selects sources (bit i = db->sources[i]); 0 means all. */
const struct irr_route *irr_db_routes_exact(const struct irr_db *db, const struct prefix *p);
const struct irr_route *irr_db_routes_by_origin(const struct irr_db *db, uint32_t asn);
const struct irr_object *irr_db_set(const struct irr_db *db, const char *name, uint64_t srcmask);
const struct irr_object *irr_db_autnum(const struct irr_db *db, uint32_t asn, uint64_t srcmask);
const struct irr_object *irr_db_mntner(const struct irr_db *db, const char *name);

static inline int irr_src_ok(uint64_t srcmask, unsigned source)
{
	return srcmask == 0 || (srcmask >> source & 1);
}

/* ---------------------------------------------------------------- NRTM */

struct nrtm_stats {
	int version;             /* 1 or 3 */
	char source[64];         /* from %START */
	uint64_t first, last;    /* serial range announced by %START */
	uint64_t applied_serial; /* last serial applied */
	uint64_t adds, dels;     /* operations applied */
	uint64_t missing;        /* DEL of an object not present */
	uint64_t errors;         /* malformed operations or objects, out-of-order serials */
	char err[256];           /* first problem */
};

/* Apply an NRTM v1 or v3 stream (file or memory) to db. Returns 0, or -1 when the stream
 * has no valid %START line or cannot be read. Bad operations are skipped and counted. */
int nrtm_apply_file(struct irr_db *db, const char *path, struct nrtm_stats *st);
int nrtm_apply_mem(
    struct irr_db *db, const char *buf, size_t len, const char *name, struct nrtm_stats *st);

/* ---------------------------------------------------------------- route check */

enum irr_verdict {
	IRR_EXACT = 0,    /* a route object for this prefix and origin */
	IRR_COVERED,      /* a less-specific route object with the same origin */
	IRR_OTHER_ORIGIN, /* route objects cover the prefix, none with this origin */
	IRR_ABSENT,       /* no route object covers the prefix */
};

const char *irr_verdict_name(enum irr_verdict v);

#define IRR_CHECK_MAX 16

struct irr_check_result {
	enum irr_verdict verdict;
	struct prefix matched;                      /* prefix of the deciding objects */
	const struct irr_route *obj[IRR_CHECK_MAX]; /* the deciding objects */
	size_t nobj;                                /* how many are in obj */
	size_t total; /* how many decided (may exceed IRR_CHECK_MAX) */
};

/* A trie walk over the prefixes covering p: cost grows with the prefix length, not the
 * number of objects. */
int irr_check(const struct irr_db *db, const struct prefix *p, uint32_t origin, uint64_t srcmask,
    struct irr_check_result *res);

/* ---------------------------------------------------------------- set expansion */

struct irr_expand_opts {
	int max_depth;    /* a set at depth d (root 0) is expanded when d < max_depth, as
	                     bgpq4 -L counts; 0 = the default and ceiling, 64 */
	uint64_t srcmask; /* 0 = all sources */
};

/* A prefix with an RPSL range operator: lengths lo..hi (lo == hi == len when exact). */
struct irr_pfx {
	struct prefix p;
	uint8_t lo, hi;
};

struct irr_name_list {
	char **v;
	size_t n, cap;
};

struct irr_expansion {
	uint32_t *asns; /* sorted, unique */
	size_t nasns, casns;
	struct irr_pfx *pfx; /* route-set prefix members, sorted, unique */
	size_t npfx, cpfx;
	struct irr_name_list sets;    /* sets expanded */
	struct irr_name_list missing; /* referenced sets with no object */
	struct irr_name_list loops;   /* "A -> B -> A" for each loop found */
	struct irr_name_list cut;     /* sets not expanded: depth limit */
	struct irr_name_list bad;     /* members that are neither ASN, set nor prefix */
	int depth;                    /* deepest level reached (root = 0) */
};

void irr_expansion_free(struct irr_expansion *x);
/* Expand an as-set or route-set recursively (mbrs-by-ref / member-of included). Returns 0,
 * or -1 when the root set does not exist. */
int irr_expand(const struct irr_db *db, const char *name, const struct irr_expand_opts *o,
    struct irr_expansion *x);

/* The prefixes an as-set, route-set or ASN ("AS64500") stands for: route objects of every
 * ASN it expands to (afi 0 = both families), plus route-set prefix members. Sorted, unique;
 * aggregated when asked (covered prefixes dropped, sibling pairs merged). x may be NULL. */
int irr_prefixes(const struct irr_db *db, const char *name, int afi, int aggregate,
    const struct irr_expand_opts *o, struct irr_pfx **out, size_t *n, struct irr_expansion *x);
/* Aggregate a sorted unique array in place; returns the new count. */
size_t irr_aggregate(struct irr_pfx *v, size_t n);
/* "192.0.2.0/24" or "192.0.2.0/24^24-32" */
char *irr_pfx_format(const struct irr_pfx *p, char *buf, size_t size);

/* ---------------------------------------------------------------- whois (IRRd queries) */

struct whois_session {
	int persistent;   /* "!!" or "-k" seen */
	int quit;         /* close after the pending output */
	uint64_t srcmask; /* "!s" selection, 0 = all */
	char ident[64];   /* "!n" */
};

/* Answer one query line (without its newline) from db, appending the response to out. */
void whois_answer(
    const struct irr_db *db, struct whois_session *s, const char *line, struct irr_buf *out);

struct whois_client;
#define WHOIS_MAX_PENDING (16u << 20) /* default bound of one client's pending output */
struct whois_server {
	const struct irr_db *db;
	int lfd;
	struct whois_client *clients;
	size_t nclients, maxclients;
	int idle_timeout;   /* seconds without reading or writing: disconnected */
	size_t max_pending; /* an answer that would leave more output pending is refused */
	uint64_t queries, connections;
	uint64_t refused;    /* answers refused as too large */
	uint64_t dropped;    /* clients disconnected for not reading their output */
	size_t peak_pending; /* the most output one client had pending */
};

/* Listen on "HOST:PORT" ("127.0.0.1:4343", "[::1]:43"). Returns 0 or -1 (logged). */
int whois_server_listen(struct whois_server *s, const struct irr_db *db, const char *addr);
/* Serve until stop_fd becomes readable (e.g. a signalfd for SIGTERM/SIGINT); -1 = never. */
int whois_server_run(struct whois_server *s, int stop_fd);
void whois_server_close(struct whois_server *s);

#endif
