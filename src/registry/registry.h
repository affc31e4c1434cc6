/*
 * registry — bogon prefixes and ASNs (IANA special-purpose registries built in, Team Cymru and
 * IANA address-space files loaded), NRO extended delegation statistics, AS names, PeeringDB
 * exports and CAIDA AS organisations. Read-only indexes built once, cheap to query per route:
 * tries for prefixes, sorted ranges for ASNs. See docs/registry.md.
 */
#ifndef ROUTEMARK_REGISTRY_H
#define ROUTEMARK_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* ---------------------------------------------------------------- delegation statistics */

enum rir {
	RIR_UNKNOWN = 0,
	RIR_AFRINIC,
	RIR_APNIC,
	RIR_ARIN,
	RIR_IANA,
	RIR_LACNIC,
	RIR_RIPENCC,
	RIR_COUNT
};
enum deleg_status {
	DELEG_OTHER = 0,
	DELEG_ALLOCATED,
	DELEG_ASSIGNED,
	DELEG_AVAILABLE,
	DELEG_RESERVED,
	DELEG_IETF,
	DELEG_IANA
};
enum deleg_type { DELEG_ASN = 0, DELEG_IPV4, DELEG_IPV6 };

/* One record of a delegated(-extended) file. For ipv4 rows whose address count is not a
 * power of two the record is stored once and indexed under each CIDR of its split. */
struct deleg_entry {
	uint32_t start, count;     /* asn rows: first ASN and how many */
	struct prefix first;       /* ip rows: start address / prefix (v4: first CIDR) */
	uint64_t value;            /* the file's value field (v4 address count, v6 length) */
	uint32_t date;             /* YYYYMMDD, 0 when empty */
	uint8_t rir, status, type; /* enum rir, enum deleg_status, enum deleg_type */
	char cc[3];                /* ISO 3166 code, "ZZ" for none ("" from IANA) */
	uint8_t iana;              /* from an IANA registry: a whole /8 or RIR block, no cc */
	uint32_t line;             /* line in its file */
};

struct delegated_stats {
	uint64_t lines, records, asn, ipv4, ipv6, ipv4_cidrs, summaries, comments, malformed;
	uint64_t overlaps;     /* asn ranges overlapping an earlier one */
	uint64_t iana;         /* blocks from IANA registries (not in ipv4 / ipv6) */
	uint64_t iana_skipped; /* IANA records of no RIR (reserved, multicast, 6to4, ...) */
	uint64_t per_rir[RIR_COUNT];
};

struct delegated {
	struct deleg_entry *asn; /* asn rows sorted by start */
	size_t nasn, capasn;
	struct trie ip; /* value: struct deleg_entry * */
	struct arena arena;
	int sorted;
	uint32_t version, serial; /* from the header line (0 when absent) */
	struct delegated_stats st;
};

void delegated_init(struct delegated *d);
void delegated_free(struct delegated *d);
/* Feed one line (no newline); -1 for a malformed line (counted, first few logged). */
int delegated_add_line(
    struct delegated *d, const char *line, size_t len, const char *name, uint64_t lineno);
/* Sort the ASN ranges; called by delegated_load, and by lookups' callers after add_line. */
void delegated_finish(struct delegated *d);
/* Load a file (plain, gzip, bzip2, xz or zstd): delegated(-extended) statistics, or the IANA
 * IPv4 address space / IPv6 unicast assignments XML (told from the content; coarse records
 * naming the RIR of each block). Several files may be loaded into one table; the most specific
 * record holding a prefix answers, and a file's record wins over IANA's for the same block. */
int delegated_load(struct delegated *d, const char *path);
/* The same for an IANA registry's XML in memory (fuzzing, tests); -1 when it is not one. */
int delegated_load_iana_mem(struct delegated *d, const char *buf, size_t len, const char *name);
/* The record whose range holds asn, or NULL. */
const struct deleg_entry *delegated_asn(const struct delegated *d, uint32_t asn);
/* The most specific record (CIDR) containing p, or NULL; *block gets that CIDR. */
const struct deleg_entry *delegated_prefix(
    const struct delegated *d, const struct prefix *p, struct prefix *block);
/* 1 for allocated / assigned (the measured-AS universe); 0 for available, reserved, ... */
int deleg_is_delegated(const struct deleg_entry *e);
const char *deleg_rir_name(int rir); /* "ripencc", ... */

struct as2org;
/* Where a route is, for the per-RIR and per-country scopes (rir:NAME, cc:XX): the RIR of the
 * most specific delegation record holding the prefix ("unknown" without one), and the country
 * of that record, or, when it names none (IANA registry, "ZZ", no record), the country of the
 * origin AS's organisation in orgs (may be NULL), else "ZZ". */
struct deleg_region {
	const struct deleg_entry *rec; /* the record, NULL when none */
	const char *rir;
	char cc[3];
};
void deleg_region(const struct delegated *d, const struct as2org *orgs, const struct prefix *p,
    uint32_t origin, struct deleg_region *out);
const char *deleg_status_name(int status); /* "assigned", ... */

/* ---------------------------------------------------------------- bogons */

enum bogon_kind { BOGON_NOT = 0, BOGON_ADMIN = 1, BOGON_FULL = 2 };
const char *bogon_kind_name(enum bogon_kind k); /* "not bogon", "administrative", "full" */

/* A row of the built-in IANA special-purpose tables (RFC 6890 and successors). */
struct bogon_row {
	const char *prefix;   /* "10.0.0.0/8" */
	const char *name;     /* the registry's name for the block */
	const char *rfc;      /* "RFC 1918" */
	const char *registry; /* the IANA registry the row comes from */
	int bogon;            /* 1: a full bogon when announced in BGP */
};
const struct bogon_row *bogon_special_rows(size_t *n);

/* A bogon ASN range (manrs-metrics.md). */
struct bogon_asn_range {
	uint32_t lo, hi;
	const char *name, *rfc;
};
const struct bogon_asn_range *bogon_asn_ranges(size_t *n);

/* An administrative bogon prefix from a loaded file. */
struct bogon_admin {
	const char *source; /* the file it came from */
	const char *what;   /* "fullbogons", "IANA RESERVED: ..." */
	uint32_t line;
};

struct bogon_file {
	const char *path;
	const char *kind; /* "cymru", "iana-ipv4", "iana-ipv6", "iana-ipv6-unicast" */
	uint64_t v4, v6, malformed;
};

struct bogon_db {
	struct trie special; /* value: const struct bogon_row * */
	struct trie admin;   /* value: struct bogon_admin * */
	struct trie iana6;   /* IANA ALLOCATED IPv6 unicast blocks (value: the file name) */
	int have_iana6;      /* unicast assignments loaded: unlisted 2000::/3 space is admin */
	const struct delegated *deleg; /* optional: prefixes / ASNs not delegated are admin */
	struct arena arena;
	struct bogon_file files[16];
	int nfiles;
};

struct bogon_verdict {
	enum bogon_kind kind;
	const struct bogon_row *row; /* longest special-purpose row containing the prefix */
	struct prefix match;         /* the prefix of the deciding row or admin entry */
	const char *source;          /* admin: the file, or "delegated" */
	const char *what;            /* admin: why */
	uint32_t line;               /* admin: line in the source (0 when none) */
	int covers_bogon;            /* the prefix is shorter than a full-bogon block it covers */
	const struct deleg_entry *deleg; /* the delegation record when stats are loaded */
};

struct bogon_asn_verdict {
	enum bogon_kind kind;
	const struct bogon_asn_range *range; /* full: the RFC range */
	const struct deleg_entry *deleg;     /* the delegation record (NULL when none) */
	const char *what;                    /* admin: why */
};

void bogon_db_init(struct bogon_db *db);
void bogon_db_free(struct bogon_db *db);
/* Load a Team Cymru (full)bogons list (plain, gzip, bzip2, xz or zstd) or an IANA address-space XML
 * file (the kind is told by the content). -1 when unreadable or of unknown kind. */
int bogon_load(struct bogon_db *db, const char *path);
/* Same for text in memory (fuzzing, tests); name is used in messages. */
int bogon_load_mem(struct bogon_db *db, const char *buf, size_t len, const char *name);
void bogon_db_set_delegated(struct bogon_db *db, const struct delegated *d);
/* Classify a prefix ("or longer" matching): full when the longest special-purpose row
 * containing it is a bogon row (or it is IPv6 outside 2000::/3); else administrative when a
 * loaded list or registry says the space is not allocated; else not a bogon. */
enum bogon_kind bogon_check_prefix(
    const struct bogon_db *db, const struct prefix *p, struct bogon_verdict *v);
enum bogon_kind bogon_check_asn(
    const struct bogon_db *db, uint32_t asn, struct bogon_asn_verdict *v);

/* ---------------------------------------------------------------- AS names */

struct asname {
	uint32_t asn;
	const char *name; /* short AS name (asn_names files), NULL when none */
	const char *org;  /* organisation (ip-location-db), NULL when none */
	char cc[3];       /* country, "" when none */
};

struct asnames {
	struct asname *v;
	size_t n, cap;
	uint32_t *hash; /* open addressing: index + 1 into v, 0 empty */
	size_t nslots;
	struct arena arena;
	uint64_t lines, malformed;
};

void asnames_init(struct asnames *a);
void asnames_free(struct asnames *a);
/* Load "ASN:NAME, CC" lines (asn_names_ASN_lookup) or ip-location-db "start,end,asn,org" CSV
 * (any compression; told apart per line). The first name / org seen for an ASN is kept. */
int asnames_load(struct asnames *a, const char *path);
int asnames_add_line(struct asnames *a, const char *line, size_t len);
const struct asname *asnames_get(const struct asnames *a, uint32_t asn);

/* ---------------------------------------------------------------- PeeringDB */

struct pdb_net {
	uint32_t id, asn;
	const char *name, *irr_as_set, *info_type, *website;
	uint32_t first_poc, npoc; /* this net's contacts: pocs[first_poc .. + npoc) */
};
struct pdb_poc {
	uint32_t id, net_id;
	const char *role, *name, *email, *phone, *visible;
};
struct pdb_ix {
	uint32_t id;
	const char *name, *name_long, *country, *city, *tech_email, *policy_email;
};
struct pdb_ixlan {
	uint32_t id, ix_id, rs_asn;
};
struct pdb_ixpfx {
	uint32_t id, ixlan_id;
	struct prefix prefix;
};

struct pdb_stats {
	uint64_t objects, net, poc, ix, ixlan, ixpfx, unknown, bad_fields;
};

struct pdb {
	struct pdb_net *net;
	size_t nnet, capnet;
	struct pdb_poc *poc;
	size_t npoc, cappoc;
	struct pdb_ix *ix;
	size_t nix, capix;
	struct pdb_ixlan *ixlan;
	size_t nixlan, capixlan;
	struct pdb_ixpfx *ixpfx;
	size_t nixpfx, capixpfx;
	struct trie pfx; /* IXP prefixes; value: struct pdb_ixpfx * (index + 1 cast) */
	struct arena arena;
	int indexed;
	struct pdb_stats st;
};

void pdb_init(struct pdb *db);
void pdb_free(struct pdb *db);
/* Load an API export: {"data":[...]} of one object type (told by the objects' fields), or a
 * combined dump {"net":{"data":[...]},"poc":{...},...}. Missing fields are tolerated. */
int pdb_load(struct pdb *db, const char *path);
int pdb_load_mem(struct pdb *db, const char *buf, size_t len, const char *name);
/* Sort and link (nets by ASN, contacts to nets, IXP prefix trie). Called by the loaders. */
void pdb_index(struct pdb *db);
const struct pdb_net *pdb_net_by_asn(const struct pdb *db, uint32_t asn);
/* Contacts that count for MANRS Action 3: role Technical, NOC, Policy or Maintenance with an
 * e-mail or phone. Returns how many. */
int pdb_net_contacts(const struct pdb *db, const struct pdb_net *n);
const struct pdb_ix *pdb_ix_by_id(const struct pdb *db, uint32_t id);
const struct pdb_ixlan *pdb_ixlan_by_id(const struct pdb *db, uint32_t id);
/* The IXP peering-LAN prefix containing p (longest), or NULL. */
const struct pdb_ixpfx *pdb_ixp_prefix(const struct pdb *db, const struct prefix *p);

/* ---------------------------------------------------------------- AS organisations */

/* CAIDA AS-to-organisation (as-org2info): an organisation section
 * "org_id|changed|org_name|country|source", then an AS section
 * "aut|changed|aut_name|org_id|opaque_id|source", each started by its "# format:" line. */
struct as2org_org {
	const char *id;     /* "LPL-141-ARIN" */
	const char *name;   /* NULL when the file gives none */
	const char *source; /* the registry it comes from: "ARIN", "RIPE", "JPNIC", ... */
	char cc[3];         /* country, "" when none */
};
struct as2org_as {
	uint32_t asn;
	uint32_t org;     /* index into orgs */
	const char *name; /* aut_name, NULL when none */
};

struct as2org_stats {
	uint64_t lines, comments, orgs, ases;
	uint64_t malformed;       /* lines skipped: wrong field count, bad ASN, unknown org, ... */
	uint64_t unknown_org;     /* of those: an AS naming an organisation not in the file */
	uint64_t dup_org, dup_as; /* repeated ids, the first kept (not counted as malformed) */
};

struct as2org {
	struct as2org_org *orgs;
	size_t norgs, caporgs;
	struct as2org_as *as; /* sorted by ASN once loaded */
	size_t nas, capas;
	uint32_t *idx; /* open addressing over org ids: index + 1 into orgs, 0 empty */
	size_t nslots;
	struct arena arena;
	struct as2org_stats st;
};

void as2org_init(struct as2org *a);
void as2org_free(struct as2org *a);
/* Load a file (plain, gzip, bzip2, xz or zstd). Malformed lines are skipped and counted, the first
 * logged with its line. -1 when the file cannot be read. */
int as2org_load(struct as2org *a, const char *path);
/* The organisation of asn, or NULL. */
const struct as2org_org *as2org_get(const struct as2org *a, uint32_t asn);
/* The AS row itself (its aut_name and organisation index), or NULL. */
const struct as2org_as *as2org_as(const struct as2org *a, uint32_t asn);
/* 1 when a and b are distinct ASes of one organisation (siblings); 0 otherwise or unknown. */
int as2org_siblings(const struct as2org *a, uint32_t x, uint32_t y);
/* Calls fn for each AS of organisation org (index into orgs), in ASN order; returns their
 * count. A scan of every AS row (about 100,000): for a request, not per route. */
size_t as2org_org_ases(
    const struct as2org *a, uint32_t org, void (*fn)(uint32_t asn, void *arg), void *arg);
/* The organisation with this id (exact), or -1. */
int64_t as2org_org_index(const struct as2org *a, const char *id);

/* ---------------------------------------------------------------- CAIDA Spoofer */

/* One test of a Spoofer session: one address family of one client (spoofer.c). */
struct spoofer_test {
	uint32_t asn;         /* asn4 / asn6 of the session */
	uint32_t session;     /* the session id (0 when absent) */
	int64_t ts;           /* the session's time (Unix seconds) */
	struct prefix client; /* client4 / client6: the client's (anonymised) prefix */
	int spoofed;          /* routed or private spoofed packets "received" by CAIDA */
};

struct spoofer_stats {
	uint64_t sessions, tests, spoofed, malformed;
};

struct spoofer {
	struct spoofer_test *v; /* sorted by ASN, client prefix, time once loaded */
	size_t n, cap;
	struct spoofer_stats st;
};

void spoofer_init(struct spoofer *sp);
void spoofer_free(struct spoofer *sp);
/* Load Spoofer Data API sessions (a JSON-LD page with hydra:member, a JSON array, or one
 * session object per line; any compression). A session without timestamp, or a tested
 * family without ASN or with a bad prefix, is skipped and counted. -1 when the file cannot
 * be read or is not JSON. */
int spoofer_load(struct spoofer *sp, const char *path);
int spoofer_load_mem(struct spoofer *sp, const char *buf, size_t len, const char *name);
/* M5 of asn over [from, to): 1 when the AS ran a test then (*prefixes = the distinct client
 * prefixes from which spoofed packets escaped), 0 when it ran none ("no data"). */
int spoofer_m5(
    const struct spoofer *sp, uint32_t asn, int64_t from, int64_t to, uint32_t *prefixes);
/* The window of a snapshot's data [first, last]: from the first day of first's month to the
 * first day of the month after last's (UTC), as MANRS takes the month's Spoofer tests. */
void spoofer_window(int64_t first, int64_t last, int64_t *from, int64_t *to);

#endif
