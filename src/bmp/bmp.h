/*
 * bmp — the BGP Monitoring Protocol (RFC 7854, with RFC 8671 Adj-RIB-Out and RFC 9069
 * Loc-RIB): a streaming parser of one router's BMP byte stream, and the route state of many
 * routers (per router, view, peer, prefix and path id, attributes interned).
 *
 * The parser is fed bytes in any chunking (a file read in blocks now, a TCP socket later) and
 * calls its handler once per decoded message, and once per route of a Route Monitoring
 * message before that; the BGP UPDATE inside is decoded by the MRT reader's own decoder
 * (bgp_decoder_*), so RFC 7606 handling, ADD-PATH and 4-byte ASNs behave as in MRT files.
 * Everything a callback receives is valid only during the call.
 *
 * Bounded and safe: a message is at most max_msg bytes (1 MiB by default), the parser keeps
 * at most one message, 65,536 peers, 256 counters a peer; a bad version or length makes the stream
 * unusable (bmp_parser_feed returns -1 from then on: a station drops that router). Any other
 * malformed message is reported as "SOURCE: message N at offset B: what", counted by kind, and
 * skipped (with strict, it is fatal too).
 */
#ifndef ROUTEMARK_BMP_H
#define ROUTEMARK_BMP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/core.h"
#include "mrt/mrt.h"

#define BMP_VERSION 3
#define BMP_HDR_LEN 6       /* version, length, type */
#define BMP_PEER_HDR_LEN 42 /* the per-peer header */
#define BMP_MAX_MSG_DEFAULT (1u << 20)

/* Message types (RFC 7854 4.1). */
enum bmp_msg_type {
	BMP_ROUTE_MONITORING = 0,
	BMP_STATS_REPORT = 1,
	BMP_PEER_DOWN = 2,
	BMP_PEER_UP = 3,
	BMP_INITIATION = 4,
	BMP_TERMINATION = 5,
	BMP_ROUTE_MIRRORING = 6,
	BMP_MSG_TYPES /* index of "other" in counters */
};

/* Peer types (RFC 7854 4.2, RFC 9069 4.1). */
enum bmp_peer_type {
	BMP_PEER_GLOBAL = 0,
	BMP_PEER_RD = 1,
	BMP_PEER_LOCAL = 2,
	BMP_PEER_LOC_RIB = 3,
	BMP_PEER_TYPES
};

/* Per-peer header flags of peer types 0-2, and the F flag of Loc-RIB. */
#define BMP_FLAG_V 0x80 /* IPv6 peer address */
#define BMP_FLAG_L 0x40 /* post-policy */
#define BMP_FLAG_A 0x20 /* legacy 2-byte AS_PATH */
#define BMP_FLAG_O 0x10 /* Adj-RIB-Out (RFC 8671) */
#define BMP_FLAG_F 0x80 /* Loc-RIB: filtered (RFC 9069) */

/* The RIB a Route Monitoring message describes. */
enum bmp_view {
	BMP_VIEW_PRE = 0,  /* Adj-RIB-In pre-policy */
	BMP_VIEW_POST,     /* Adj-RIB-In post-policy */
	BMP_VIEW_LOC_RIB,  /* Loc-RIB (RFC 9069) */
	BMP_VIEW_OUT_PRE,  /* Adj-RIB-Out pre-policy (RFC 8671) */
	BMP_VIEW_OUT_POST, /* Adj-RIB-Out post-policy */
	BMP_VIEWS
};

/* "pre-policy", "post-policy", "loc-rib", "adj-rib-out-pre", "adj-rib-out-post" */
const char *bmp_view_name(enum bmp_view v);
/* "route-monitoring", "statistics-report", ... "other" */
const char *bmp_msg_type_name(unsigned type);
/* "local-notification", ... for Peer Down reason codes 1..7; "unknown" otherwise */
const char *bmp_down_reason_name(unsigned reason);

/* The per-peer header (RFC 7854 4.2). */
struct bmp_peer {
	uint8_t type, flags;
	uint8_t rd[8];    /* route distinguisher (peer type 1, 2; Loc-RIB: VRF) */
	uint8_t afi;      /* AFI_IPV4 / AFI_IPV6 (the V flag; AFI_IPV4 for Loc-RIB) */
	uint8_t addr[16]; /* IPv4 in the first 4 bytes */
	uint32_t asn;
	uint32_t bgp_id; /* host byte order */
	uint32_t ts_sec, ts_usec;
};

enum bmp_view bmp_peer_view(const struct bmp_peer *p);
/* The peer address as text (at least 46 bytes). */
char *bmp_peer_addr_format(const struct bmp_peer *p, char *buf, size_t size);

/* One Statistics Report counter (RFC 7854 4.8, RFC 8671 5, IANA registry): every type is
 * kept, by its length: 4 (32-bit counter), 8 (64-bit gauge), 11 (AFI, SAFI, 64-bit gauge). */
struct bmp_stat {
	uint16_t type;
	uint16_t afi; /* per-AFI/SAFI counters; else 0 */
	uint8_t safi;
	uint8_t width; /* 4 or 8: bytes of the value on the wire */
	uint64_t value;
};

/* What a Peer Up says of the session (both OPEN messages, RFC 7854 4.10). */
struct bmp_peer_up {
	uint8_t local_afi;
	uint8_t local_addr[16];
	uint16_t local_port, remote_port;
	uint32_t sent_as, recv_as; /* the OPENs' ASNs (4-octet AS capability when present) */
	uint32_t sent_id, recv_id; /* the OPENs' BGP identifiers */
	int asn4;                  /* both OPENs carry the 4-octet AS capability (RFC 6793) */
	int addpath_in;   /* BGP_ADDPATH_* families whose received routes carry path ids: the
	                     router's OPEN can receive, the peer's can send (RFC 7911 5) */
	int addpath_out;  /* ... whose sent routes do (Adj-RIB-Out) */
	int addpath_any;  /* ... named by ADD-PATH in either OPEN (Loc-RIB's fabricated OPENs) */
	const char *info; /* the Information TLVs' strings, "; "-joined ("" when none) */
	const char *table_name; /* RFC 9069 VRF/Table Name TLV ("" when none) */
};

/* One decoded message, as the handler sees it. Fields beyond the header are set by type. */
struct bmp_msg {
	uint8_t type; /* enum bmp_msg_type, or another value for unknown types */
	uint32_t len;
	uint64_t index;  /* 1-based message number in the stream */
	uint64_t offset; /* byte offset of its common header */
	int has_peer;
	struct bmp_peer peer;
	enum bmp_view view; /* Route Monitoring, Peer Up / Down, Stats: of the peer header */
	/* Route Monitoring */
	int eor; /* the UPDATE was an End-of-RIB marker */
	uint16_t eor_afi;
	uint8_t eor_safi;
	uint32_t announced, withdrawn; /* its prefixes */
	/* Peer Up */
	const struct bmp_peer_up *up;
	/* Peer Down */
	uint8_t down_reason;
	uint16_t fsm_event; /* reason 2 */
	/* Statistics Report */
	const struct bmp_stat *stats;
	uint32_t nstats;
	/* Initiation / Termination */
	const char *sys_name, *sys_descr; /* the router's, as known so far ("" when not) */
	uint16_t term_reason;             /* Termination reason TLV (0xffff when absent) */
};

/* Malformed input by kind. The first two make the stream unusable. */
enum bmp_bad_kind {
	BMP_BAD_VERSION = 0, /* common header version is not 3 */
	BMP_BAD_LENGTH,      /* message length below its header or above max_msg */
	BMP_BAD_TRUNCATED,   /* the stream ended inside a message */
	BMP_BAD_SHORT,       /* a message shorter than its fixed fields */
	BMP_BAD_TYPE,        /* unknown message type (skipped) */
	BMP_BAD_PEER_TYPE,   /* unknown peer type (message skipped) */
	BMP_BAD_TLV,         /* an information TLV cut */
	BMP_BAD_OPEN,        /* a Peer Up OPEN message unparseable */
	BMP_BAD_REASON,      /* Peer Down reason unknown or its data wrong */
	BMP_BAD_STAT,        /* a statistics counter of an unexpected length */
	BMP_BAD_BGP,         /* Route Monitoring: the UPDATE was malformed (kinds in the decoder's
	                        mrt_stats) */
	BMP_BAD_LIMIT,       /* past a limit: 65,536 peers a router (message skipped), 256
	                        distinct statistics counters a peer, 4 KiB of Peer Up strings */
	BMP_BAD_KINDS
};
const char *bmp_bad_name(enum bmp_bad_kind k);

struct bmp_stats {
	uint64_t messages, bytes;
	uint64_t by_type[BMP_MSG_TYPES + 1]; /* [BMP_MSG_TYPES]: unknown types */
	uint64_t rm_by_view[BMP_VIEWS];      /* Route Monitoring messages */
	uint64_t announced[BMP_VIEWS], withdrawn[BMP_VIEWS];
	uint64_t eor[BMP_VIEWS];
	uint64_t rm_before_up;   /* Route Monitoring of a peer with no Peer Up seen */
	uint64_t asn4_mismatch;  /* the A flag disagrees with the OPENs' 4-octet AS capability */
	uint64_t own_as_first;   /* Adj-RIB-In routes of an eBGP peer whose AS_PATH starts with the
	                            monitored router's own AS, not the peer's (FRR 8.4 does so) */
	uint64_t stats_counters; /* counters in all Statistics Reports */
	uint64_t malformed[BMP_BAD_KINDS];
	int failed; /* the stream is unusable (bad version, length; strict error) */
};

/* Called for every route of a Route Monitoring message (rt non-NULL, m->type 0), then for
 * every message (rt NULL), in stream order. */
typedef void (*bmp_event_fn)(void *arg, const struct bmp_msg *m, const struct mrt_route *rt);

struct bmp_parser_opts {
	const char *source; /* file name or router address, for messages */
	size_t max_msg;     /* 0: BMP_MAX_MSG_DEFAULT */
	int strict;         /* 1: the first malformed message makes the stream unusable */
	int quiet;          /* 1: count errors without logging them */
};

struct bmp_parser;

struct bmp_parser *bmp_parser_new(const struct bmp_parser_opts *o, bmp_event_fn fn, void *arg);
/* Feed the next len bytes of the stream. 0, or -1 when the stream is (now) unusable. */
int bmp_parser_feed(struct bmp_parser *p, const uint8_t *data, size_t len);
/* The stream ended: a partial message left is reported (truncated). 0 or -1 as above. */
int bmp_parser_finish(struct bmp_parser *p);
const struct bmp_stats *bmp_parser_stats(const struct bmp_parser *p);
/* The UPDATE decoder's statistics: routes and RFC 7606 / NLRI errors by kind. */
const struct mrt_stats *bmp_parser_bgp_stats(const struct bmp_parser *p);
const char *bmp_parser_sys_name(const struct bmp_parser *p); /* "" until an Initiation */
const char *bmp_parser_sys_descr(const struct bmp_parser *p);

/* The peers seen (Peer Up, Down or any per-peer header), with their last Statistics Report. */
struct bmp_peer_info {
	struct bmp_peer peer; /* the last per-peer header seen */
	int up;               /* a Peer Up was seen and no Peer Down since */
	struct bmp_peer_up session;
	uint64_t ups, downs;
	uint8_t last_down_reason;
	const struct bmp_stat *stats; /* the latest value of every counter reported */
	uint32_t nstats;
	uint64_t stats_reports;
};
size_t bmp_parser_npeers(const struct bmp_parser *p);
/* Peer i (< bmp_parser_npeers), in the order first seen; valid until the next feed. */
const struct bmp_peer_info *bmp_parser_peer(const struct bmp_parser *p, size_t i);
void bmp_parser_free(struct bmp_parser *p);

/* ------------------------------------------------------------ route state (rib.c) */

/*
 * The routes of many routers: one 20-byte entry per (router, view, peer, prefix, path id),
 * found by hash, and chained per distinct prefix; the prefixes have a block index, so the
 * routes a prefix covers are found without a scan. The path attributes of each route are an
 * interned, reference-counted set shared by every route with equal attributes. An
 * announcement replaces, a withdrawal removes (a repeated table changes nothing); a Peer Down
 * removes the peer's routes from every view of that router.
 */
struct bmp_rib;

/* An interned attribute set. */
struct bmp_attrs {
	struct bmp_attrs *next; /* hash chain */
	uint32_t hash, refs;
	uint32_t id;    /* the routes' 32-bit reference (1..) */
	uint32_t npath; /* AS path words (core flat format) */
	uint8_t origin; /* BGP_ORIGIN_* */
	uint8_t nh_len; /* 0, 4 or 16 */
	uint8_t nexthop[16];
	uint32_t med, local_pref;
	uint64_t present; /* bgp_attrs.present */
	uint32_t ncomm, nlarge;
	uint32_t w[]; /* path words, communities (1 word each), large communities (3 each) */
};

struct bmp_rib_entry {
	const char *router;
	enum bmp_view view;
	const struct bmp_peer *peer; /* type, rd, address, AS */
	struct prefix prefix;
	int has_path_id;
	uint32_t path_id;
	const struct bmp_attrs *attrs;
};

struct bmp_rib_stats {
	size_t routes, by_view[BMP_VIEWS];
	size_t routers, peers; /* (router, view, peer) triples count as peers */
	size_t attr_sets;      /* distinct attribute sets */
	size_t table_bytes;    /* the routes, their hash and the (router, view, peer) triples */
	size_t prefixes;       /* distinct prefixes */
	size_t index_bytes;    /* the prefix table and its block index (bmp_rib_covered) */
	size_t attr_bytes;     /* the attribute sets and their hash */
	uint64_t announces, withdraws, replaced, withdraw_missing, flushed;
	size_t peak_routes;     /* the most routes held at once */
	size_t peak_attr_bytes; /* attribute set bytes at that moment */
};

struct bmp_rib *bmp_rib_new(void);
void bmp_rib_free(struct bmp_rib *rib);
/* A router's id by name (created when new). */
uint32_t bmp_rib_router(struct bmp_rib *rib, const char *name);
void bmp_rib_router_rename(struct bmp_rib *rib, uint32_t router, const char *name);
/* Apply one route (announce or withdraw) of a Route Monitoring message. */
void bmp_rib_route(
    struct bmp_rib *rib, uint32_t router, const struct bmp_peer *peer, const struct mrt_route *rt);
/* Remove the peer's routes in every view of the router; returns how many. */
size_t bmp_rib_peer_down(struct bmp_rib *rib, uint32_t router, const struct bmp_peer *peer);
/* Remove every route of the router (its session closed); returns how many. */
size_t bmp_rib_router_flush(struct bmp_rib *rib, uint32_t router);
const char *bmp_rib_router_name(const struct bmp_rib *rib, uint32_t router);
/* The handler glue: routes applied, Peer Down flushes. */
void bmp_rib_event(
    struct bmp_rib *rib, uint32_t router, const struct bmp_msg *m, const struct mrt_route *rt);
void bmp_rib_stats(const struct bmp_rib *rib, struct bmp_rib_stats *st);
/* Every route in a fixed order (router name, view, peer address, peer type and RD, prefix,
 * path id); stops when fn returns non-zero and returns that. */
int bmp_rib_walk(
    const struct bmp_rib *rib, int (*fn)(const struct bmp_rib_entry *e, void *arg), void *arg);
/* Every route the prefix p covers (p itself and every more specific prefix of its family, as
 * a VRP covers routes), in no fixed order; stops when fn returns non-zero and returns that.
 * When prefixes is non-NULL, the distinct prefixes visited are added to it. The cost is the
 * prefixes filed in the blocks p spans (IPv4 /16s, IPv6 /32s), not the whole state. */
int bmp_rib_covered(const struct bmp_rib *rib, const struct prefix *p,
    int (*fn)(const struct bmp_rib_entry *e, void *arg), void *arg, size_t *prefixes);
/* Every route in no fixed order (the fastest full walk); stops as bmp_rib_walk. */
int bmp_rib_scan(
    const struct bmp_rib *rib, int (*fn)(const struct bmp_rib_entry *e, void *arg), void *arg);

/* Every attribute set held (each with at least one route), in id order; stops as
 * bmp_rib_walk. Ids are below bmp_rib_attrs_ids (a bound for arrays indexed by id). */
int bmp_rib_each_attrs(
    const struct bmp_rib *rib, int (*fn)(const struct bmp_attrs *a, void *arg), void *arg);
uint32_t bmp_rib_attrs_ids(const struct bmp_rib *rib);

/* Every route as one JSON line (view, router, peer, peer_as, prefix, path, origin, path_id),
 * in bmp_rib_walk's order; 0, or -1 on a write error. */
int bmp_rib_write_json(const struct bmp_rib *rib, FILE *f);

/* The AS path words of an attribute set. */
static inline const uint32_t *bmp_attrs_path(const struct bmp_attrs *a)
{
	return a->w;
}

/* ------------------------------------------------------------ station (station.c) */

/*
 * The BMP station: one poll() loop over a listening socket (routers connect in) and routers
 * to connect out to (reconnected with a doubling backoff after a close or error). Each router
 * connection has its own parser and a bounded input buffer (a router sending faster than the
 * station parses is read no further until its buffer drains: TCP backpressure); its routes go
 * to the shared route state under the router's name (its address). A router whose stream is
 * unusable (bmp_parser_feed -1) or that sends nothing for idle_timeout seconds is logged and
 * disconnected; when a router's connection ends (close, error, Termination), its routes are
 * flushed from the state, so a reconnecting router starts fresh.
 */
#define BMP_STATION_BUF_DEFAULT (4u << 20)

/* A route change: an announcement or withdrawal of a Route Monitoring message (rt->kind
 * MRT_ROUTE_ANNOUNCE / MRT_ROUTE_WITHDRAW), of a router, view and peer. Valid during the
 * call. */
typedef void (*bmp_route_fn)(void *arg, const char *router, enum bmp_view view,
    const struct bmp_peer *peer, const struct mrt_route *rt);
/* A peer's session ended (Peer Down; peer set) or a router's (its BMP session closed; peer
 * NULL): called before its routes are flushed from the state, which still holds them. */
typedef void (*bmp_down_fn)(void *arg, const char *router, const struct bmp_peer *peer);

struct bmp_station_opts {
	const char *listen;         /* "ADDR:PORT" or "[ADDR6]:PORT" (port 0: any); NULL: none */
	const char *const *connect; /* "HOST:PORT" routers to connect to */
	size_t nconnect;
	size_t buf_max;      /* input buffer bound a router; 0: BMP_STATION_BUF_DEFAULT */
	double idle_timeout; /* seconds with no byte before a router is dropped; 0: never */
	double backoff_min, backoff_max; /* reconnect delay, doubled on each failure; 0: 1, 60 s */
	size_t max_routers;              /* connections at once (more are refused); 0: 1024 */
	int quiet;                       /* count malformed messages without logging them */
	bmp_route_fn on_route;           /* optional: every route change */
	bmp_down_fn on_down;             /* optional: every peer and router end */
	void *arg;
};

struct bmp_station_stats {
	size_t routers;               /* connected now */
	uint64_t accepted, connected; /* sessions in, out */
	uint64_t closed;              /* sessions ended by the router (close, Termination) */
	uint64_t dropped_error;       /* ... by the station: unusable stream, socket error */
	uint64_t dropped_idle;        /* ... by the station: idle_timeout */
	uint64_t refused;             /* connections over max_routers */
	uint64_t connect_failed;      /* connect-out attempts that failed */
	uint64_t messages, bytes;     /* parsed, all sessions */
	uint64_t malformed;           /* malformed messages, all sessions */
	uint64_t flushed;             /* routes removed by session ends */
	size_t buf_max;               /* the bound */
	size_t buf_peak;              /* the most unparsed bytes a router's buffer held */
	uint64_t buf_full;            /* rounds a router was not read: its buffer was full */
};

struct bmp_station;

/* Bind the listening socket (when any) and prepare the connect targets; NULL when the
 * address is unusable (logged). The route state stays the caller's. */
struct bmp_station *bmp_station_new(const struct bmp_station_opts *o, struct bmp_rib *rib);
/* The listening port (the one bound for port 0); 0 with no listener. */
unsigned bmp_station_port(const struct bmp_station *s);
/* One round: wait up to timeout_ms for sockets, read, parse, time out, (re)connect. A signal
 * ends the wait early. 0, or -1 when poll failed otherwise. */
int bmp_station_poll(struct bmp_station *s, int timeout_ms);
/* On stopping: read and parse what the routers have sent already (no new sessions wait),
 * until nothing more is there or max_seconds passed. */
void bmp_station_drain(struct bmp_station *s, double max_seconds);
void bmp_station_stats(const struct bmp_station *s, struct bmp_station_stats *st);
/* Close every session (the route state is left as it is) and free. */
void bmp_station_free(struct bmp_station *s);

/* ------------------------------------------------------------ MRT replay (replay.c) */

/*
 * Replay MRT files (BGP4MP updates, TABLE_DUMP / TABLE_DUMP_V2 RIBs) into the route state as
 * one pseudo-router (router_name, default "mrt"), each MRT peer a BMP peer of the pre-policy
 * (Adj-RIB-In) view: RIB entries and announcements replace, withdrawals remove, a peer
 * leaving the Established state (BGP4MP STATE_CHANGE) is flushed. The files are merged by
 * record time (a file's records in their order); with speed > 0 at speed x real time.
 */
struct bmp_replay_opts {
	const char *const *files;
	size_t nfiles;
	const char *router_name; /* NULL: "mrt" */
	double speed;            /* N x real time; 0: as fast as possible */
	int quiet;
	volatile sig_atomic_t *stop; /* optional: set (by a signal) to stop early */
	bmp_route_fn on_route;       /* optional: every route applied */
	bmp_down_fn on_down;         /* optional: a peer leaving Established */
	void *arg;
};

struct bmp_replay_stats {
	uint64_t routes; /* applied */
	uint64_t rib_entries, announces, withdraws, peer_downs;
	uint32_t first_ts, last_ts; /* record times */
	uint64_t malformed;         /* records, all files */
	int stopped;                /* *stop was set */
};

/* 0, or -1 when a file could not be opened or read (logged). */
int bmp_replay(struct bmp_rib *rib, const struct bmp_replay_opts *o, struct bmp_replay_stats *st);

#endif
