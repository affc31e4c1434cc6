/*
 * mrt — a streaming reader of MRT routing archives (RFC 6396, RFC 8050) and the BGP messages
 * inside them (RFC 4271, 4760, 6793, 7911, 8092, 9234).
 *
 * A reader opens one file (or "-" for standard input), detects gzip / bzip2 / xz / zstd / plain
 * from the first bytes, decompresses in a second thread, and hands out one record at a time
 * (mrt_reader_next) or one route at a time (mrt_reader_next_route). Memory stays flat: buffers
 * are reused across records and nothing of the file is kept once it has been handed out.
 *
 * Everything a call returns (record body, route, attributes) stays valid until the next call
 * on the same reader. Malformed input is logged once where it is found, as
 * "FILE: record N at offset B: what", counted in the statistics, and skipped; with
 * mrt_options.strict the call returns MRT_ERR_MALFORMED instead. Malformed path attributes get
 * the action RFC 7606 gives them (attribute discard, or treat-as-withdraw: an UPDATE's
 * announcements come out as withdrawals, a RIB entry is skipped), also with no_attrs.
 */
#ifndef ROUTEMARK_MRT_H
#define ROUTEMARK_MRT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "core/core.h"

/* MRT types (RFC 6396 section 4). */
#define MRT_BGP 5 /* deprecated, old RIS files */
#define MRT_TABLE_DUMP 12
#define MRT_TABLE_DUMP_V2 13
#define MRT_BGP4MP 16
#define MRT_BGP4MP_ET 17

/* TABLE_DUMP subtypes */
#define MRT_TD_AFI_IPV4 1
#define MRT_TD_AFI_IPV6 2
/* TABLE_DUMP_V2 subtypes (8..12: RFC 8050 ADD-PATH) */
#define MRT_TD2_PEER_INDEX_TABLE 1
#define MRT_TD2_RIB_IPV4_UNICAST 2
#define MRT_TD2_RIB_IPV4_MULTICAST 3
#define MRT_TD2_RIB_IPV6_UNICAST 4
#define MRT_TD2_RIB_IPV6_MULTICAST 5
#define MRT_TD2_RIB_GENERIC 6
#define MRT_TD2_GEO_PEER_TABLE 7
#define MRT_TD2_RIB_IPV4_UNICAST_ADDPATH 8
#define MRT_TD2_RIB_IPV4_MULTICAST_ADDPATH 9
#define MRT_TD2_RIB_IPV6_UNICAST_ADDPATH 10
#define MRT_TD2_RIB_IPV6_MULTICAST_ADDPATH 11
#define MRT_TD2_RIB_GENERIC_ADDPATH 12
/* BGP4MP / BGP4MP_ET subtypes (8..11: RFC 8050 ADD-PATH) */
#define MRT_BGP4MP_STATE_CHANGE 0
#define MRT_BGP4MP_MESSAGE 1
#define MRT_BGP4MP_ENTRY 2
#define MRT_BGP4MP_SNAPSHOT 3
#define MRT_BGP4MP_MESSAGE_AS4 4
#define MRT_BGP4MP_STATE_CHANGE_AS4 5
#define MRT_BGP4MP_MESSAGE_LOCAL 6
#define MRT_BGP4MP_MESSAGE_AS4_LOCAL 7
#define MRT_BGP4MP_MESSAGE_ADDPATH 8
#define MRT_BGP4MP_MESSAGE_AS4_ADDPATH 9
#define MRT_BGP4MP_MESSAGE_LOCAL_ADDPATH 10
#define MRT_BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH 11
/* deprecated BGP (type 5) subtypes */
#define MRT_BGP_UPDATE 1
#define MRT_BGP_STATE_CHANGE 3
#define MRT_BGP_OPEN 5
#define MRT_BGP_NOTIFY 6
#define MRT_BGP_KEEPALIVE 7

/* BGP path attribute type codes */
#define BGP_ATTR_ORIGIN 1
#define BGP_ATTR_AS_PATH 2
#define BGP_ATTR_NEXT_HOP 3
#define BGP_ATTR_MED 4
#define BGP_ATTR_LOCAL_PREF 5
#define BGP_ATTR_ATOMIC_AGGREGATE 6
#define BGP_ATTR_AGGREGATOR 7
#define BGP_ATTR_COMMUNITIES 8
#define BGP_ATTR_ORIGINATOR_ID 9
#define BGP_ATTR_CLUSTER_LIST 10
#define BGP_ATTR_MP_REACH_NLRI 14
#define BGP_ATTR_MP_UNREACH_NLRI 15
#define BGP_ATTR_EXT_COMMUNITIES 16
#define BGP_ATTR_AS4_PATH 17
#define BGP_ATTR_AS4_AGGREGATOR 18
#define BGP_ATTR_LARGE_COMMUNITIES 32
#define BGP_ATTR_OTC 35

#define BGP_ORIGIN_IGP 0
#define BGP_ORIGIN_EGP 1
#define BGP_ORIGIN_INCOMPLETE 2

/* Return codes of the reader calls. */
#define MRT_ERR_IO (-1)        /* open/read/decompression failure */
#define MRT_ERR_MALFORMED (-2) /* malformed data while strict */

struct mrt_options {
	int strict;         /* 1: the first malformed record is fatal (MRT_ERR_MALFORMED) */
	int no_attrs;       /* 1: routes carry no decoded attributes (for counting; attributes are
	                       still checked, so routes and RFC 7606 counts match a full read) */
	int quiet;          /* 1: count errors without logging them */
	const char *label;  /* name used in messages; NULL: the path ("-" shows as "stdin") */
	size_t readahead;   /* compressed input: decompressed bytes the decoder thread may hold
	                       ahead of the reader (0: 4 MiB; at most 64 MiB) */
	int bz2_sequential; /* 1: decode a bzip2 file on one thread (by default a file of 1 MiB
	                       or more is decoded by two, block by block; same bytes) */
};

/* One MRT record. body/len exclude the 12-byte header and the BGP4MP_ET microseconds. */
struct mrt_record {
	uint64_t index;  /* 1-based record number in the file */
	uint64_t offset; /* byte offset of the header in the decompressed stream */
	uint32_t ts;     /* seconds since 1970 */
	uint32_t usec;   /* BGP4MP_ET microseconds, else 0 */
	uint16_t type, subtype;
	uint32_t len;
	const uint8_t *body;
};

/* A BGP speaker as seen in a record (TDv2 peer index entry, BGP4MP peer fields). */
struct mrt_peer {
	uint8_t afi;      /* AFI_IPV4 / AFI_IPV6 */
	uint8_t addr[16]; /* network byte order; IPv4 uses the first 4 bytes */
	uint32_t asn;
	uint32_t bgp_id; /* TDv2 only; host byte order */
};

/* An attribute that routemark does not decode, kept as raw bytes. */
struct bgp_raw_attr {
	uint8_t flags, type;
	uint16_t len;
	const uint8_t *data;
};

#define BGP_MAX_RAW_ATTRS 16

/*
 * The decoded path attributes of one route. `present` has bit (1 << type) set for every
 * attribute type < 64 that was present on the wire. Arrays point into the record (or into
 * reader-owned buffers) and stay valid until the next reader call.
 */
struct bgp_attrs {
	uint64_t present;
	uint8_t origin;         /* BGP_ORIGIN_* */
	const uint32_t *aspath; /* core flat word array, AS4_PATH merged (RFC 6793 4.2.3) */
	uint32_t aspath_nwords;
	int aspath_error;   /* 1: AS_PATH was malformed (path is empty) */
	uint8_t rfc7606;    /* enum mrt_rfc7606_action: the strongest action taken on this
	                       attribute block (DISCARD: some attributes were dropped) */
	uint8_t nexthop[4]; /* NEXT_HOP (IPv4) */
	uint16_t mp_afi;    /* MP_REACH AFI/SAFI; 0 for the TDv2 abbreviated form */
	uint8_t mp_safi;
	uint8_t mp_nh_len;         /* MP_REACH next hop length: 0 (none), 4, 16 or 32 */
	uint8_t mp_nexthop[16];    /* MP_REACH next hop (IPv4 in the first 4 bytes when len 4) */
	uint8_t mp_nexthop_ll[16]; /* IPv6 link-local next hop when mp_nh_len is 32 */
	uint32_t med, local_pref;
	uint32_t aggr_as; /* AGGREGATOR (AS4_AGGREGATOR merged) */
	uint8_t aggr_addr[4];
	const uint8_t *communities; /* ncommunities x 4 bytes, wire order */
	uint32_t ncommunities;
	const uint8_t *ext_communities; /* next x 8 bytes */
	uint32_t next;
	const uint8_t *large_communities; /* nlarge x 12 bytes */
	uint32_t nlarge;
	uint8_t originator_id[4];
	const uint8_t *cluster_list; /* ncluster x 4 bytes */
	uint32_t ncluster;
	uint32_t otc;
	struct bgp_raw_attr raw[BGP_MAX_RAW_ATTRS]; /* unknown attributes, first 16 */
	uint32_t nraw;
};

static inline int bgp_attrs_has(const struct bgp_attrs *a, unsigned type)
{
	return type < 64 && (a->present >> type) & 1;
}

enum mrt_route_kind {
	MRT_ROUTE_RIB = 1,  /* an entry of a TABLE_DUMP / TABLE_DUMP_V2 RIB */
	MRT_ROUTE_ANNOUNCE, /* a prefix announced in a BGP UPDATE */
	MRT_ROUTE_WITHDRAW, /* a prefix withdrawn in a BGP UPDATE */
	MRT_ROUTE_STATE,    /* a BGP FSM state change of a peer */
};

/* One route (prefix x peer [x path id]) or one state change. */
struct mrt_route {
	enum mrt_route_kind kind;
	uint16_t type, subtype; /* of the record it came from */
	uint32_t ts, usec;
	uint64_t record;         /* record index */
	struct mrt_peer peer;    /* the remote peer (first AS/address pair of a BGP4MP record) */
	struct mrt_peer local;   /* BGP4MP: the collector side; else zero */
	struct prefix prefix;    /* host bits past the length cleared */
	uint8_t prefix_wire[16]; /* the address bytes as on the wire, host bits included */
	int host_bits;           /* 1 when the wire prefix had bits set past its length */
	uint8_t safi;            /* 1 unicast, 2 multicast */
	uint8_t from_mp;         /* UPDATE: 1 when the prefix came from MP_REACH / MP_UNREACH */
	int has_path_id;         /* ADD-PATH record */
	uint32_t path_id;
	uint8_t error_withdraw;        /* WITHDRAW: announced, but the UPDATE was handled as
	                                  treat-as-withdraw (RFC 7606) */
	uint8_t origin_only;           /* RIB: from a prefix-to-origin table (src/origins): the
	                                  path is the origin alone, nothing is known of the rest */
	uint32_t originated;           /* RIB entries: originated time */
	uint16_t old_state, new_state; /* MRT_ROUTE_STATE */
	const struct bgp_attrs *attrs; /* RIB and ANNOUNCE (NULL with no_attrs); NULL otherwise */
};

/* Counters of one reader. */
#define MRT_STAT_TYPES 18 /* type codes 0..17 counted by subtype; others in other_records */
#define MRT_STAT_SUBTYPES 16

enum mrt_malformed_kind {
	MRT_BAD_HEADER = 0,  /* implausible MRT header (damaged boundary) */
	MRT_BAD_TRUNCATED,   /* file or compressed stream ends inside a record */
	MRT_BAD_SHORT,       /* record shorter than its fixed fields */
	MRT_BAD_OVERLONG,    /* bytes left over after the record's content */
	MRT_BAD_ATTR,        /* attribute block unparseable: an attribute header cut or its length
	                        past the block (RFC 7606 4): treat-as-withdraw */
	MRT_BAD_NLRI,        /* broken prefix list (length > max, cut prefix) */
	MRT_BAD_HOST_BITS,   /* prefix with bits set beyond its length (kept, masked) */
	MRT_BAD_AFI,         /* unknown address family */
	MRT_BAD_PEER_INDEX,  /* TDv2 entry naming a peer not in the index table */
	MRT_BAD_BGP,         /* BGP message header (marker, length, type) */
	MRT_BAD_UNSUPPORTED, /* well-formed but not decoded (e.g. BGP4MP_ENTRY, VPN SAFIs) */
	/* RFC 7606 path attribute errors, by kind (docs/mrt.md has the table of actions) */
	MRT_BAD_ATTR_REPEATED,    /* attribute repeated: later copies discarded (3.g) */
	MRT_BAD_ATTR_MP_REPEATED, /* MP_REACH / MP_UNREACH repeated: treat-as-withdraw (3.g) */
	MRT_BAD_ATTR_FLAGS,   /* Optional / Transitive flag bits wrong: treat-as-withdraw (3.c) */
	MRT_BAD_ATTR_LENGTH,  /* attribute length wrong for its type (7.x) */
	MRT_BAD_ATTR_VALUE,   /* invalid content: ORIGIN code, AS_PATH segment, MP_REACH */
	MRT_BAD_ATTR_MISSING, /* ORIGIN / AS_PATH / NEXT_HOP missing: treat-as-withdraw (3.d) */
	MRT_BAD_KINDS
};

/* What RFC 7606 did to a route: the action taken on its worst attribute error. */
enum mrt_rfc7606_action {
	MRT_7606_NONE = 0,
	MRT_7606_DISCARD,  /* attribute discard: the attribute is dropped, the route kept */
	MRT_7606_WITHDRAW, /* treat-as-withdraw (also for session reset, which files cannot do) */
};

struct mrt_stats {
	uint64_t records, bytes; /* records read, decompressed bytes consumed */
	uint64_t by_type[MRT_STAT_TYPES][MRT_STAT_SUBTYPES];
	uint64_t other_records; /* type >= 18 or subtype >= 16 */
	uint64_t routes[5];     /* by enum mrt_route_kind (index 0 unused) */
	uint64_t malformed[MRT_BAD_KINDS];
	uint64_t resyncs;           /* times the reader searched for the next valid header */
	uint64_t skipped_bytes;     /* bytes skipped while resynchronising */
	uint32_t first_ts, last_ts; /* earliest and latest record timestamp (0 when none) */
	int truncated;              /* the (compressed) stream ended early */
	/* RFC 7606 outcomes; the errors themselves are counted by kind in malformed[] */
	uint64_t attrs_discarded;   /* attributes dropped (attribute discard, repeated copies) */
	uint64_t updates_withdrawn; /* UPDATEs handled as treat-as-withdraw */
	uint64_t routes_withdrawn;  /* their announced prefixes, handed out as withdrawals */
	uint64_t rib_skipped[MRT_BAD_KINDS]; /* RIB entries not usable (treat-as-withdraw), by the
	                                        kind of error that made them so */
};

struct mrt_reader;

/* Open path ("-" = standard input). Returns NULL (message logged) when it cannot be opened. */
struct mrt_reader *mrt_reader_open(const char *path, const struct mrt_options *opt);
/* Read MRT data from memory (no copy; buf must outlive the reader). Used by tests/fuzzers. */
struct mrt_reader *mrt_reader_open_mem(
    const uint8_t *buf, size_t len, const struct mrt_options *opt);
/* Next record: 1 record, 0 end of input, < 0 MRT_ERR_IO / MRT_ERR_MALFORMED. */
int mrt_reader_next(struct mrt_reader *r, struct mrt_record *rec);
/* Next route of the stream (records without routes are skipped): 1 / 0 / < 0 as above. */
int mrt_reader_next_route(struct mrt_reader *r, struct mrt_route *route);
/* The record the last route came from. */
const struct mrt_record *mrt_reader_record(const struct mrt_reader *r);
/* TDv2 peer index table (NULL, 0 when none was read yet). */
const struct mrt_peer *mrt_reader_peers(const struct mrt_reader *r, size_t *count);
const struct mrt_stats *mrt_reader_stats(const struct mrt_reader *r);
/* How far into the file (compressed bytes) the reader is, and the file's size (0 when
 * unknown: standard input, a pipe). For progress lines. */
void mrt_reader_progress(const struct mrt_reader *r, uint64_t *done, uint64_t *total);
const char *mrt_reader_label(const struct mrt_reader *r);
void mrt_reader_close(struct mrt_reader *r);

/* The byte source under the reader is core's zinput (any compression, told from the bytes). */

/*
 * The BGP UPDATE decoder without MRT framing, for BGP messages that arrive in other
 * envelopes (BMP Route Monitoring). It is an mrt_reader with no input: the very code that
 * decodes BGP4MP UPDATEs, with the same RFC 7606 actions, statistics and messages.
 *
 * bgp_decoder_begin takes one whole BGP message (msg, len: with its 19-byte header) and
 * starts walking its routes; asn4: AS_PATH holds 4-byte ASNs; addpath: the families whose
 * prefixes carry ADD-PATH path ids (BGP_ADDPATH_* bits, or BGP_ADDPATH_ALL); tmpl (may be
 * NULL): the route fields every route starts from (peer, time, type); index and offset
 * name the enclosing message in error messages ("LABEL: message N at offset B: ...").
 * Returns 1 when the message has routes, 0 when it has none (not an UPDATE, End-of-RIB), -1
 * when malformed (reported and counted in mrt_reader_stats), MRT_ERR_MALFORMED under strict.
 * bgp_decoder_next hands out the routes one at a time (1 / 0 / -1 as mrt_reader_next_route);
 * they stay valid until the next call. bgp_decoder_eor: 1 when the last message was an
 * End-of-RIB marker (RFC 4724: an empty UPDATE for IPv4 unicast, an UPDATE with only an empty
 * MP_UNREACH_NLRI for others), with its family. Free with mrt_reader_close.
 */
#define BGP_ADDPATH_IPV4_UNICAST 0x1
#define BGP_ADDPATH_IPV4_MULTICAST 0x2
#define BGP_ADDPATH_IPV6_UNICAST 0x4
#define BGP_ADDPATH_IPV6_MULTICAST 0x8
#define BGP_ADDPATH_ALL 0xf
/* The bit of an AFI / SAFI pair (0 for families the decoder does not decode). */
static inline int bgp_addpath_bit(uint16_t afi, uint8_t safi)
{
	if ((afi != AFI_IPV4 && afi != AFI_IPV6) || (safi != 1 && safi != 2))
		return 0;
	return 1 << ((afi - 1) * 2 + (safi - 1));
}
struct mrt_reader *bgp_decoder_new(const struct mrt_options *opt);
int bgp_decoder_begin(struct mrt_reader *r, const uint8_t *msg, size_t len, int asn4, int addpath,
    const struct mrt_route *tmpl, uint64_t index, uint64_t offset);
int bgp_decoder_next(struct mrt_reader *r, struct mrt_route *route);
int bgp_decoder_eor(const struct mrt_reader *r, uint16_t *afi, uint8_t *safi);

/* Short names ("TABLE_DUMP_V2", "RIB_IPV4_UNICAST", "broken attribute"...) for reports. */
const char *mrt_type_name(uint16_t type);
const char *mrt_subtype_name(uint16_t type, uint16_t subtype);
const char *mrt_malformed_name(enum mrt_malformed_kind k);

/*
 * Output formats of `routemark dump`. A printer writes routes into a buffered writer; one
 * formatter per format (print_bgpdump.c, print_jsonl.c), chosen by name from a table.
 */
struct mrt_out {
	int fd;
	char *buf;
	size_t len, cap;
	int error; /* a write failed */
};

void mrt_out_init(struct mrt_out *o, int fd);
void mrt_out_flush(struct mrt_out *o);
void mrt_out_free(struct mrt_out *o);

struct mrt_printer {
	const char *name;
	const char *summary;
	void (*route)(struct mrt_out *o, const struct mrt_reader *r, const struct mrt_route *rt);
};

const struct mrt_printer *mrt_printer_find(const char *name);
extern const struct mrt_printer *const mrt_printers[]; /* NULL-terminated */

/* ---------------------------------------------------------------- route batches (batch.c) */

/* Decoded routes in a compact form, in order, cut into batches: the routes of one input file
 * read by another thread (engine) or machine (a batch analysis's workers); the last batch of a
 * file carries its closing figures. */
#define MRT_BATCH_ROUTES 2048 /* routes a batch holds at most */
#define MRT_BATCH_MAX_WORDS                                                                        \
	17000 /* AS path words of a route: more than an AS_PATH of 65,535 bytes holds */

struct mrt_batch_trailer {
	uint64_t records, malformed, routes; /* of the file, as its reader counted */
	int64_t data_time;                   /* the file's first record's time (0 unknown) */
	int rc;    /* the reader's result: 0, or -1 unreadable, -2 malformed (strict), -3 no valid
	              record */
	int table; /* 1: a prefix-to-origin table */
	uint64_t size;
};

struct mrt_batch_writer {
	uint8_t *buf;
	size_t len, cap;
	uint32_t count;
};

/* Start a batch of file index file, number seq (0, 1, ... within the file). */
void mrt_batch_begin(struct mrt_batch_writer *w, uint32_t file, uint32_t seq);
/* Add one route (RIB entry, announcement, withdrawal or state change). -1 when it cannot
 * travel (an AS path over MRT_BATCH_MAX_WORDS words, or malformed segments). */
int mrt_batch_add(struct mrt_batch_writer *w, const struct mrt_route *rt);
/* Close the batch (t: the file's closing figures, making it its last); the message is
 * w->buf, w->len. */
void mrt_batch_end(struct mrt_batch_writer *w, const struct mrt_batch_trailer *t);
void mrt_batch_writer_free(struct mrt_batch_writer *w);

struct mrt_batch {
	uint32_t file, seq, count;
	int last;
	struct mrt_batch_trailer trailer; /* when last */
};
typedef void (*mrt_batch_route_fn)(void *arg, const struct mrt_route *rt);
/* Check a batch and hand its routes to fn (may be NULL) in order; each route (and its
 * attributes) is valid during the call. Nothing reaches fn unless the whole batch is right.
 * 0, or -1 with *err (static text) and *off (the byte offset). */
int mrt_batch_decode(const void *data, size_t len, struct mrt_batch *b, mrt_batch_route_fn fn,
    void *arg, const char **err, size_t *off);

#endif
