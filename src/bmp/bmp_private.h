/* bmp internals: the parser struct, shared by the framing (parser.c) and the message
 * decoders (msg.c). */
#ifndef ROUTEMARK_BMP_PRIVATE_H
#define ROUTEMARK_BMP_PRIVATE_H

#include "bmp/bmp.h"

/* Limits on what one router's stream can make the parser keep. */
#define BMP_MAX_PEERS 65536 /* peers (per-peer headers that differ) */
#define BMP_MAX_STATS 256   /* distinct statistics counters of a peer */
#define BMP_MAX_INFO 4096   /* bytes of a Peer Up's joined information strings */

/* A hash index of element numbers (index.c). */
struct bmp_index {
	uint32_t *elem; /* element + 1; 0: empty */
	uint32_t *hash;
	size_t cap, count;
};
/* The element whose hash is hash and for which eq(arg, elem) holds, or -1. */
int64_t bmp_index_find(const struct bmp_index *x, uint32_t hash,
    int (*eq)(const void *arg, uint32_t elem), const void *arg);
void bmp_index_add(struct bmp_index *x, uint32_t hash, uint32_t elem);
void bmp_index_free(struct bmp_index *x);
/* The hash of a peer's identity: type, address, RD. */
uint32_t bmp_peer_hash(const struct bmp_peer *p, uint32_t seed);

/* A peer's entry: the public part plus the storage it points into. */
struct bmp_peer_slot {
	struct bmp_peer_info info;
	struct bmp_stat *stats;
	size_t stats_cap;
	char *info_str, *table_name;
	int seen_up; /* a Peer Up was ever seen */
};

struct bmp_parser {
	struct bmp_parser_opts o;
	char *source;
	bmp_event_fn fn;
	void *arg;
	/* a message being assembled: have bytes of need (need 0: header not complete) */
	uint8_t *buf;
	size_t have, cap;
	uint32_t need;
	uint64_t offset; /* stream offset of the message being assembled / decoded */
	uint64_t index;  /* messages framed so far */
	struct bmp_stats st;
	struct mrt_reader *dec; /* the MRT module's UPDATE decoder */
	char *sys_name, *sys_descr;
	struct bmp_peer_slot *peers;
	size_t npeers, peers_cap;
	size_t last_peer; /* the slot found last (a stream is mostly one peer at a time) */
	struct bmp_index peer_index;
	struct bmp_stat *scratch; /* a Statistics Report's counters */
	size_t scratch_cap;
};

/*
 * Report malformed data of the message being decoded: "SOURCE: message N at offset B: what"
 * (at most 10 times a kind unless strict), counted; the version and length kinds, and every
 * kind under strict, make the stream unusable. Returns -1.
 */
int bmp_bad(struct bmp_parser *p, enum bmp_bad_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Decode one whole message (b, len: from its common header) and call the handler. */
void bmp_message(struct bmp_parser *p, const uint8_t *b, size_t len);

/* The entry of a peer (created when new; NULL past BMP_MAX_PEERS, reported). */
struct bmp_peer_slot *bmp_peer_slot(struct bmp_parser *p, const struct bmp_peer *peer);

/* A NUL-terminated copy of n bytes (NUL bytes inside end the text). */
char *bmp_strndup(const uint8_t *s, size_t n);

#endif
