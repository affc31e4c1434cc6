/*
 * The routes of a snapshot, stored as blocks rather than a row each: a snapshot holds a
 * whole routing table (half a million to a million routes), and one SQLite row per route
 * made writing it the slowest part of an analysis. Routes are collected while the snapshot
 * is written, compressed by a thread of their own while the rest of it is written (once the caller
 * says all routes are in: store_routes_done), and stored at commit, twice:
 *
 *   kind 2: by origin: one block per group of 64 consecutive ASNs (key = ASN >> 6), its
 *           routes by origin, then in prefix order;
 *   kind 3: by address: prefixes shorter than B bits (12 for IPv4, 20 for IPv6) by (bits,
 *           length), longer ones by their first B bits; key = afi << 48 | bits << 8 |
 *           class. A prefix's covering routes are in at most B + 1 blocks.
 *
 * Blocks hold a few hundred routes: large enough that a snapshot is a few thousand rows and
 * compresses well, small enough that a reader decompresses little. (Kinds 0 and 1, a block
 * per origin AS and per /16, were the first layout: tens of thousands of tiny blocks, whose
 * compression and rows cost more than the rest of the snapshot. A snapshot stored that way
 * is reported, not misread.)
 *
 * A block is n records of ROUTE_REC bytes: afi, length, rpki, reason, irr, bogon, 2 spare,
 * 16 address bytes, then origin, peers, first_seen, last_seen as little-endian 32-bit; the
 * records are stored as one zstd frame (sorted records compress about 4:1, and the pages
 * SQLite writes are what a snapshot's commit costs).
 * State strings are coded with the vocabulary below; an unknown one is an error.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "store_private.h"

#define ROUTE_REC 40
#define KIND_ORIGIN 2
#define KIND_ADDRESS 3
#define ORIGIN_GROUP_SHIFT 6
#define BUCKET_BITS(afi) ((afi) == AFI_IPV4 ? 12 : 20)

static const char *const rpki_names[] = {NULL, "valid", "invalid", "not-found"};
static const char *const reason_names[] = {NULL, "invalid-asn", "invalid-length", "no-origin"};
static const char *const irr_names[] = {NULL, "exact", "covered", "other-origin", "absent"};
static const char *const bogon_names[] = {NULL, "administrative", "full"};
#define NAMES(v) (v), sizeof(v) / sizeof((v)[0])

static int code_of(const char *s, const char *const *names, size_t n)
{
	if (s == NULL)
		return 0;
	for (size_t i = 1; i < n; i++) /* the first letters tell most apart */
		if (s[0] == names[i][0] && strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16),
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The record of route r in e; -1 (logged) when it cannot be coded. */
static int encode(struct store *s, const struct store_route *r, uint8_t *e)
{
	struct prefix p;
	if (r->pfx)
		p = *r->pfx;
	else if (prefix_parse_loose(r->prefix, &p) != 0) {
		log_err("%s: route with a bad prefix '%s'", s->path, r->prefix);
		return -1;
	}
	int c[4] = {code_of(r->rpki, NAMES(rpki_names)),
	    code_of(r->rpki_reason, NAMES(reason_names)), code_of(r->irr, NAMES(irr_names)),
	    code_of(r->bogon, NAMES(bogon_names))};
	if (c[0] < 0 || c[1] < 0 || c[2] < 0 || c[3] < 0) {
		char buf[PREFIX_STRLEN];
		log_err("%s: route %s: a state routemark does not know", s->path,
		    prefix_format(&p, buf, sizeof(buf)));
		return -1;
	}
	memset(e, 0, ROUTE_REC);
	e[0] = p.afi, e[1] = p.len;
	for (int i = 0; i < 4; i++)
		e[2 + i] = (uint8_t)c[i];
	memcpy(e + 8, p.addr, 16);
	put32(e + 24, r->origin);
	put32(e + 28, r->peers);
	put32(e + 32, (uint32_t)r->first_seen);
	put32(e + 36, (uint32_t)r->last_seen);
	return 0;
}

static void rec_prefix(const uint8_t *e, struct prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->afi = e[0];
	p->len = e[1];
	memcpy(p->addr, e + 8, 16);
}

/* The address block a prefix is stored in. */
static int64_t bucket_of(const struct prefix *p)
{
	int b = BUCKET_BITS(p->afi);
	int cls = p->len < b ? p->len : b;
	uint64_t top = 0;
	for (int i = 0; i < 8; i++)
		top = top << 8 | p->addr[i];
	uint64_t bits = top >> (64 - b);
	if (cls < b)
		bits &= ~((1ull << (b - cls)) - 1);
	/* bits before class: keys then rise with prefix order (address, then length), so
	 * routes put in prefix order need no sort to be grouped by block */
	return (int64_t)p->afi << 48 | (int64_t)bits << 8 | cls;
}

/* A record's block key: its origin AS (grouped by ORIGIN_GROUP_SHIFT), or its address bucket. */
static int64_t rec_key(int kind, const uint8_t *e)
{
	if (kind == KIND_ORIGIN)
		return (int64_t)get32(e + 24);
	struct prefix p;
	rec_prefix(e, &p);
	return bucket_of(&p);
}

struct keyed {
	int64_t key;
	uint32_t idx; /* ties keep the order the routes were put in (prefix order, from observe) */
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * The order to take n (< 2^32) records in: NULL when they are in key order already (by
 * address, routes put in prefix order are), else their indices sorted by key, ties in put
 * order. Origins, 32-bit keys, are sorted packed with their index (8 bytes a record) by a
 * stable two-pass radix sort; other keys (addresses out of order) by qsort.
 */
static uint32_t *order_of(int kind, const uint8_t *rec, size_t n)
{
	size_t i = 1;
	while (
	    i < n && rec_key(kind, rec + i * ROUTE_REC) >= rec_key(kind, rec + (i - 1) * ROUTE_REC))
		i++;
	if (i >= n)
		return NULL;
	uint32_t *idx = xreallocarray(NULL, n, sizeof(*idx));
	if (kind != KIND_ORIGIN) {
		struct keyed *k = xreallocarray(NULL, n, sizeof(*k));
		for (size_t x = 0; x < n; x++)
			k[x] = (struct keyed){rec_key(kind, rec + x * ROUTE_REC), (uint32_t)x};
		qsort(k, n, sizeof(*k), cmp_keyed);
		for (size_t x = 0; x < n; x++)
			idx[x] = k[x].idx;
		free(k);
		return idx;
	}
	uint64_t *v = xreallocarray(NULL, n, sizeof(*v));
	for (size_t x = 0; x < n; x++)
		v[x] = (uint64_t)rec_key(kind, rec + x * ROUTE_REC) << 32 | x;
	u64_radix_sort(v, n, 32, 64);
	for (size_t x = 0; x < n; x++)
		idx[x] = (uint32_t)v[x];
	free(v);
	return idx;
}

/* ---------------------------------------------------------------- blocks */

struct zblock {
	int64_t key;
	size_t n;   /* records */
	uint8_t *z; /* zstd frame */
	size_t zn;
};

/* The blocks of one kind, built from its records in key order: a block is compressed as soon
 * as its group ends, each kept at its compressed size. */
struct builder {
	int kind;
	int64_t group, last; /* the open block's group; the last record's key */
	uint8_t *raw;        /* the open block's records */
	size_t nraw, capraw;
	uint8_t *zbuf;
	size_t zcap;
	ZSTD_CCtx *cctx; /* one for all blocks: creating one is dear */
	struct zblock *b;
	size_t nb, capb;
	int failed;
	char err[128];
};

static void builder_init(struct builder *bd, int kind)
{
	memset(bd, 0, sizeof(*bd));
	bd->kind = kind;
}

/* The block a record of key k goes in: a group of ASNs, or the address bucket itself. */
static int64_t group_of(int kind, int64_t k)
{
	return kind == KIND_ORIGIN ? k >> ORIGIN_GROUP_SHIFT : k;
}

/* Compress the open block. */
static void builder_flush(struct builder *bd)
{
	if (bd->nraw == 0 || bd->failed)
		return;
	size_t len = bd->nraw * ROUTE_REC, bound = ZSTD_compressBound(len);
	if (bound > bd->zcap)
		bd->zbuf = xrealloc(bd->zbuf, bd->zcap = bound);
	if (bd->cctx == NULL)
		bd->cctx = ZSTD_createCCtx();
	XGROW(bd->b, bd->capb, bd->nb + 1);
	struct zblock *b = &bd->b[bd->nb];
	b->key = bd->group;
	b->n = bd->nraw;
	b->zn = bd->cctx ? ZSTD_compressCCtx(bd->cctx, bd->zbuf, bound, bd->raw, len, -1) : 0;
	if (bd->cctx == NULL || ZSTD_isError(b->zn)) {
		snprintf(bd->err, sizeof(bd->err), "compressing routes: %s",
		    bd->cctx ? ZSTD_getErrorName(b->zn) : "no zstd context");
		bd->failed = 1;
		return;
	}
	b->z = xmalloc(b->zn);
	memcpy(b->z, bd->zbuf, b->zn);
	bd->nb++;
	bd->nraw = 0;
}

/* One more record, in key order (-1 when it is not: the caller's bug). */
static int builder_add(struct builder *bd, const uint8_t *e)
{
	int64_t key = rec_key(bd->kind, e), group = group_of(bd->kind, key);
	if (bd->nb + bd->nraw > 0 && key < bd->last) {
		snprintf(bd->err, sizeof(bd->err), "routes put out of %s order",
		    bd->kind == KIND_ORIGIN ? "origin" : "prefix");
		bd->failed = 1;
	}
	if (bd->failed)
		return -1;
	if (bd->nraw > 0 && group != bd->group)
		builder_flush(bd);
	bd->group = group;
	bd->last = key;
	XGROW(bd->raw, bd->capraw, (bd->nraw + 1) * ROUTE_REC);
	memcpy(bd->raw + bd->nraw++ * ROUTE_REC, e, ROUTE_REC);
	return 0;
}

/* The last block compressed; the scratch buffers go. */
static void builder_end(struct builder *bd)
{
	builder_flush(bd);
	free(bd->raw);
	free(bd->zbuf);
	ZSTD_freeCCtx(bd->cctx);
	bd->raw = bd->zbuf = NULL;
	bd->cctx = NULL;
	bd->nraw = bd->capraw = bd->zcap = 0;
}

static void builder_free(struct builder *bd)
{
	builder_end(bd);
	for (size_t i = 0; i < bd->nb; i++)
		free(bd->b[i].z);
	free(bd->b);
	bd->b = NULL;
	bd->nb = bd->capb = 0;
}

/* ---------------------------------------------------------------- putting routes */

/* Routes put in any order: kept as records and, at store_routes_done, sorted into both kinds
 * by a thread of its own while the rest of the snapshot is written. */
struct block_job {
	uint8_t *rec; /* the records, freed once both kinds are built */
	size_t nrec;
	pthread_t thread;
	int running;
};

static void *build_blocks(void *arg)
{
	struct store *s = arg;
	struct block_job *j = s->job;
	for (int k = 0; k < 2; k++) {
		struct builder *bd = &s->blocks[k];
		size_t n = j->nrec;
		if (n > UINT32_MAX) {
			snprintf(bd->err, sizeof(bd->err),
			    "%zu routes: more than a snapshot can hold", n);
			bd->failed = 1;
			n = 0;
		}
		uint32_t *order = order_of(bd->kind, j->rec, n);
		for (size_t x = 0; x < n; x++)
			if (builder_add(bd, j->rec + (size_t)(order ? order[x] : x) * ROUTE_REC) !=
			    0)
				break;
		builder_end(bd);
		free(order);
	}
	free(j->rec); /* both kinds built: the records are no longer read */
	j->rec = NULL;
	return NULL;
}

static void job_wait(struct store *s)
{
	if (s->job && s->job->running) {
		pthread_join(s->job->thread, NULL);
		s->job->running = 0;
	}
}

/* The builders, when no pass was begun yet. */
static void blocks_begin(struct store *s)
{
	if (s->routes_mode == ROUTES_NONE) {
		s->blocks = xcalloc(2, sizeof(*s->blocks));
		builder_init(&s->blocks[0], KIND_ORIGIN);
		builder_init(&s->blocks[1], KIND_ADDRESS);
	}
}

int store_routes_stream(struct store *s)
{
	if (!s->in_snapshot || s->routes_mode != ROUTES_NONE) {
		log_err("%s: routes streamed into a snapshot that has some already", s->path);
		return -1;
	}
	blocks_begin(s);
	s->routes_mode = ROUTES_STREAM;
	return 0;
}

/* The builder of pass by: by origin is kind 2, blocks[0]; by prefix kind 3, blocks[1]. */
static struct builder *pass_builder(struct store *s, enum store_routes_by by)
{
	return &s->blocks[by == STORE_BY_ORIGIN ? 0 : 1];
}

int store_stream_route(struct store *s, enum store_routes_by by, const struct store_route *r)
{
	if (s->routes_mode != ROUTES_STREAM) {
		log_err("%s: a route streamed outside store_routes_stream", s->path);
		return -1;
	}
	uint8_t e[ROUTE_REC];
	if (encode(s, r, e) != 0)
		return -1;
	struct builder *bd = pass_builder(s, by);
	if (builder_add(bd, e) != 0) {
		log_err("%s: %s", s->path, bd->err);
		return -1;
	}
	return 0;
}

int store_stream_end(struct store *s, enum store_routes_by by)
{
	if (s->routes_mode != ROUTES_STREAM)
		return -1;
	builder_end(pass_builder(s, by));
	return 0;
}

int store_put_route(struct store *s, const struct store_route *r)
{
	if (!s->in_snapshot)
		return -1;
	if (s->routes_mode != ROUTES_NONE && s->routes_mode != ROUTES_ANY) {
		log_err("%s: a route put after store_routes_done or while streaming", s->path);
		return -1;
	}
	uint8_t e[ROUTE_REC];
	if (encode(s, r, e) != 0)
		return -1;
	blocks_begin(s);
	s->routes_mode = ROUTES_ANY;
	if (s->nrec == s->caprec) {
		s->caprec = s->caprec ? s->caprec * 2 : 4096;
		s->rec = xreallocarray(s->rec, s->caprec, ROUTE_REC);
	}
	memcpy(s->rec + s->nrec++ * ROUTE_REC, e, ROUTE_REC);
	return 0;
}

int store_routes_done(struct store *s)
{
	if (!s->in_snapshot)
		return -1;
	switch (s->routes_mode) {
	case ROUTES_STREAM:
		builder_end(&s->blocks[0]);
		builder_end(&s->blocks[1]);
		break;
	case ROUTES_ANY:
		s->job = xcalloc(1, sizeof(*s->job));
		s->job->rec = s->rec;
		s->job->nrec = s->nrec;
		s->rec = NULL;
		s->caprec = 0;
		s->job->running = pthread_create(&s->job->thread, NULL, build_blocks, s) == 0;
		if (!s->job->running)
			build_blocks(s);
		break;
	default:
		break;
	}
	if (s->routes_mode != ROUTES_NONE)
		s->routes_mode = ROUTES_DONE;
	return 0;
}

static int insert_blocks(struct store *s, const struct builder *bd)
{
	if (bd->failed) {
		log_err("%s: %s", s->path, bd->err);
		return -1;
	}
	struct db_stmt *st;
	if (db_prepare(s->db, "INSERT INTO route_block VALUES (?1, ?2, ?3, ?4, ?5)", &st) != 0)
		return -1;
	int rc = DB_DONE;
	for (size_t i = 0; i < bd->nb && rc == DB_DONE; i++) {
		db_reset(st);
		db_bind_int64(st, 1, s->snap_id);
		db_bind_int64(st, 2, bd->kind);
		db_bind_int64(st, 3, bd->b[i].key);
		db_bind_int64(st, 4, (int64_t)bd->b[i].n);
		db_bind_blob(st, 5, bd->b[i].z, bd->b[i].zn);
		rc = db_step(st);
	}
	db_finalize(st);
	if (rc != DB_DONE)
		log_err("%s: writing routes: %s", s->path, db_errmsg(s->db));
	return rc == DB_DONE ? 0 : -1;
}

int store_routes_flush(struct store *s)
{
	int rc = 0;
	if (s->routes_mode != ROUTES_NONE) {
		if (s->routes_mode != ROUTES_DONE && store_routes_done(s) != 0)
			rc = -1;
		job_wait(s);
		if (rc == 0)
			rc = insert_blocks(s, &s->blocks[0]) != 0 ||
			             insert_blocks(s, &s->blocks[1]) != 0
			         ? -1
			         : 0;
	}
	store_routes_clear(s);
	return rc;
}

void store_routes_clear(struct store *s)
{
	job_wait(s); /* its thread reads the records and fills the builders */
	if (s->job) {
		free(s->job->rec);
		free(s->job);
		s->job = NULL;
	}
	if (s->blocks) {
		builder_free(&s->blocks[0]);
		builder_free(&s->blocks[1]);
		free(s->blocks);
		s->blocks = NULL;
	}
	s->routes_mode = ROUTES_NONE;
	free(s->rec);
	s->rec = NULL;
	s->nrec = s->caprec = 0;
}

/* ---------------------------------------------------------------- reading */

static void decode(const uint8_t *e, struct arena *a, struct store_route *r)
{
	struct prefix p;
	char buf[PREFIX_STRLEN];
	rec_prefix(e, &p);
	memset(r, 0, sizeof(*r));
	r->prefix = arena_strdup(a, prefix_format(&p, buf, sizeof(buf)));
	r->rpki = e[2] < 4 ? rpki_names[e[2]] : NULL;
	r->rpki_reason = e[3] < 4 ? reason_names[e[3]] : NULL;
	r->irr = e[4] < 5 ? irr_names[e[4]] : NULL;
	r->bogon = e[5] < 3 ? bogon_names[e[5]] : NULL;
	r->origin = get32(e + 24);
	r->peers = get32(e + 28);
	r->first_seen = get32(e + 32);
	r->last_seen = get32(e + 36);
}

/* The records of one block, decompressed into the arena. */
static int read_block(struct store *s, struct db_stmt *st, int64_t snap, int kind, int64_t key,
    struct arena *a, const uint8_t **data, size_t *n)
{
	db_reset(st);
	db_bind_int64(st, 1, snap);
	db_bind_int64(st, 2, kind);
	db_bind_int64(st, 3, key);
	int rc = db_step(st);
	*n = 0;
	*data = NULL;
	if (rc == DB_ROW) {
		const void *z = db_col_blob(st, 0);
		size_t zn = (size_t)db_col_bytes(st, 0);
		size_t want = (size_t)db_col_int64(st, 1) * ROUTE_REC;
		unsigned long long size = z ? ZSTD_getFrameContentSize(z, zn) : 0;
		if (z == NULL || size != want) {
			log_err("%s: a damaged route block (snapshot %lld, key %lld)", s->path,
			    (long long)snap, (long long)key);
			return -1;
		}
		uint8_t *out = arena_alloc(a, want ? want : 1);
		size_t got = ZSTD_decompress(out, want, z, zn);
		if (ZSTD_isError(got) || got != want) {
			log_err("%s: a damaged route block (snapshot %lld, key %lld)", s->path,
			    (long long)snap, (long long)key);
			return -1;
		}
		*data = out;
		*n = want / ROUTE_REC;
		return 0;
	}
	if (rc == DB_DONE)
		return 0;
	log_err("%s: reading routes: %s", s->path, db_errmsg(s->db));
	return -1;
}

static struct store_route *push(struct store_route **v, size_t *n, size_t *cap, struct arena *a)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct store_route *nv = arena_alloc(a, nc * sizeof(*nv));
		if (*n)
			memcpy(nv, *v, *n * sizeof(*nv));
		*v = nv;
		*cap = nc;
	}
	return &(*v)[(*n)++];
}

#define BLOCK_SQL                                                                                  \
	"SELECT data, n FROM route_block WHERE snapshot_id = ?1 AND kind = ?2 AND key = ?3"

/* A snapshot whose routes are in the first layout (kinds 0 and 1) is said so, once per
 * query, rather than shown without routes. */
static int legacy_layout(struct store *s, int64_t snap)
{
	struct db_stmt *st;
	int legacy = 0;
	if (db_prepare(s->db,
	        "SELECT 1 FROM route_block WHERE snapshot_id = ?1 AND kind IN (0, 1) LIMIT 1",
	        &st) != 0)
		return 0;
	db_bind_int64(st, 1, snap);
	legacy = db_step(st) == DB_ROW;
	db_finalize(st);
	if (legacy)
		log_warn("%s: snapshot %lld stores its routes in an older layout this routemark "
		         "does not read; run analyze again on its inputs",
		    s->path, (long long)snap);
	return legacy;
}

int store_get_routes_by_origin(struct store *s, int64_t snap, uint32_t asn, struct arena *a,
    struct store_route **out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 0, nb;
	const uint8_t *data;
	*out = NULL;
	*n = 0;
	if (db_prepare(s->db, BLOCK_SQL, &st) != 0)
		return -1;
	int rc = read_block(
	    s, st, snap, KIND_ORIGIN, (int64_t)(asn >> ORIGIN_GROUP_SHIFT), a, &data, &nb);
	for (size_t i = 0; rc == 0 && i < nb; i++)
		if (get32(data + i * ROUTE_REC + 24) == asn)
			decode(data + i * ROUTE_REC, a, push(out, n, &cap, a));
	db_finalize(st);
	if (rc == 0 && nb == 0)
		legacy_layout(s, snap);
	return rc;
}

int store_get_routes_by_prefix(struct store *s, int64_t snap, const struct prefix *p, int covering,
    struct arena *a, struct store_route **out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 0, seen = 0;
	*out = NULL;
	*n = 0;
	if (db_prepare(s->db, BLOCK_SQL, &st) != 0)
		return -1;
	int b = BUCKET_BITS(p->afi), rc = 0;
	/* shortest covering prefixes first, the asked one last; by origin within a length.
	 * Below B bits each length has its block; from B on, one block holds them all. */
	for (int len = covering ? 0 : p->len; len <= p->len && rc == 0; len++) {
		struct prefix q = *p;
		q.len = (uint8_t)len;
		prefix_mask(&q);
		const uint8_t *data;
		size_t nb;
		rc = read_block(s, st, snap, KIND_ADDRESS, bucket_of(&q), a, &data, &nb);
		seen += nb;
		if (len < b) {
			for (size_t i = 0; rc == 0 && i < nb; i++) {
				struct prefix r;
				rec_prefix(data + i * ROUTE_REC, &r);
				if (prefix_cmp(&r, &q) == 0)
					decode(data + i * ROUTE_REC, a, push(out, n, &cap, a));
			}
			continue;
		}
		/* the block from B bits on: its covering routes by length (stable: the order
		 * they were put in within a length) */
		const uint8_t **hit = arena_alloc(a, (nb ? nb : 1) * sizeof(*hit));
		size_t nhit = 0;
		for (size_t i = 0; rc == 0 && i < nb; i++) {
			struct prefix r;
			rec_prefix(data + i * ROUTE_REC, &r);
			if (r.len <= p->len && (covering || r.len == p->len) &&
			    prefix_contains(&r, p)) {
				size_t j = nhit++;
				for (; j > 0 && hit[j - 1][1] > r.len; j--)
					hit[j] = hit[j - 1];
				hit[j] = data + i * ROUTE_REC;
			}
		}
		for (size_t i = 0; i < nhit; i++)
			decode(hit[i], a, push(out, n, &cap, a));
		break; /* that one block holds every length from B on */
	}
	db_finalize(st);
	if (rc == 0 && seen == 0)
		legacy_layout(s, snap);
	return rc;
}

int store_each_route(struct store *s, int64_t snap, store_route_fn fn, void *arg)
{
	struct db_stmt *st;
	if (db_prepare(s->db,
	        "SELECT data, n, key FROM route_block WHERE snapshot_id = ?1 AND kind = ?2 "
	        "ORDER BY key",
	        &st) != 0) {
		log_err("%s: reading routes: %s", s->path, db_errmsg(s->db));
		return -1;
	}
	db_bind_int64(st, 1, snap);
	db_bind_int64(st, 2, KIND_ADDRESS);
	uint8_t *buf = NULL;
	size_t cap = 0, seen = 0;
	int rc, status = 0;
	while (status == 0 && (rc = db_step(st)) == DB_ROW) {
		const void *z = db_col_blob(st, 0);
		size_t zn = (size_t)db_col_bytes(st, 0);
		size_t want = (size_t)db_col_int64(st, 1) * ROUTE_REC;
		unsigned long long size = z ? ZSTD_getFrameContentSize(z, zn) : 0;
		if (want > cap) {
			free(buf);
			cap = want;
			buf = xmalloc(cap);
		}
		size_t got = z && size == want ? ZSTD_decompress(buf, want, z, zn) : 0;
		if (z == NULL || size != want || ZSTD_isError(got) || got != want) {
			log_err("%s: a damaged route block (snapshot %lld, key %lld)", s->path,
			    (long long)snap, (long long)db_col_int64(st, 2));
			status = -1;
			break;
		}
		for (size_t i = 0; i < want / ROUTE_REC; i++) {
			const uint8_t *e = buf + i * ROUTE_REC;
			struct store_route_brief b;
			rec_prefix(e, &b.prefix);
			b.origin = get32(e + 24);
			b.rpki = e[2];
			b.irr = e[4];
			fn(&b, arg);
			seen++;
		}
	}
	if (status == 0 && rc != DB_DONE) {
		log_err("%s: reading routes: %s", s->path, db_errmsg(s->db));
		status = -1;
	}
	db_finalize(st);
	free(buf);
	if (status == 0 && seen == 0)
		legacy_layout(s, snap);
	return status;
}
