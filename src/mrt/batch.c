/*
 * Route batches: decoded routes in a compact form, in order, for another thread or machine to
 * judge (engine's parallel reading, the workers of a batch analysis over the bus;
 * docs/scaling.md, "Batch analysis"). Only what the checks read is kept: kind, time, peer
 * (family, address, AS), prefix, SAFI, path id, the AS path and OTC; big-endian, each field at
 * a place fixed by the ones before it.
 */
#include <stdlib.h>
#include <string.h>

#include "mrt/mrt.h"

#define MAGIC "RMB1"
#define HDR_LEN 17     /* magic, file, seq, flags, count */
#define TRAILER_LEN 42 /* records, malformed, routes, data time, rc, table, size */

/* route flags */
#define RF_ORIGIN_ONLY 0x01
#define RF_ASPATH_ERROR 0x02
#define RF_OTC 0x04
#define RF_PATH_ID 0x08
#define RF_ATTRS 0x10
#define RF_ALL 0x1f

/* The path's segment headers stay within its words, with known types (an empty segment, which
 * the MRT decoder may keep, is allowed): the checks walk them. */
static int path_ok(const uint32_t *w, uint32_t n)
{
	for (uint32_t i = 0; i < n;) {
		uint32_t t = ASPATH_SEG_TYPE(w[i]), cnt = ASPATH_SEG_COUNT(w[i]);
		if (t < AS_SET || t > AS_CONFED_SET || cnt > n - i - 1)
			return 0;
		i += 1 + cnt;
	}
	return 1;
}

static void put8(struct mrt_batch_writer *w, uint8_t v)
{
	XGROW(w->buf, w->cap, w->len + 1);
	w->buf[w->len++] = v;
}

static void put32(struct mrt_batch_writer *w, uint32_t v)
{
	XGROW(w->buf, w->cap, w->len + 4);
	be32_put(w->buf + w->len, v);
	w->len += 4;
}

static void put64(struct mrt_batch_writer *w, uint64_t v)
{
	put32(w, (uint32_t)(v >> 32));
	put32(w, (uint32_t)v);
}

static void put_bytes(struct mrt_batch_writer *w, const void *p, size_t n)
{
	XGROW(w->buf, w->cap, w->len + n);
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

void mrt_batch_begin(struct mrt_batch_writer *w, uint32_t file, uint32_t seq)
{
	w->len = 0;
	w->count = 0;
	put_bytes(w, MAGIC, 4);
	put32(w, file);
	put32(w, seq);
	put8(w, 0);
	put32(w, 0); /* count, set by mrt_batch_end */
}

int mrt_batch_add(struct mrt_batch_writer *w, const struct mrt_route *rt)
{
	const struct bgp_attrs *a = rt->attrs;
	int attrs = (rt->kind == MRT_ROUTE_RIB || rt->kind == MRT_ROUTE_ANNOUNCE) && a != NULL;
	if (rt->kind < MRT_ROUTE_RIB || rt->kind > MRT_ROUTE_STATE ||
	    (attrs &&
	        (a->aspath_nwords > MRT_BATCH_MAX_WORDS || !path_ok(a->aspath, a->aspath_nwords))))
		return -1;
	uint8_t flags = (rt->origin_only ? RF_ORIGIN_ONLY : 0) | (rt->has_path_id ? RF_PATH_ID : 0);
	if (attrs)
		flags |= RF_ATTRS | (a->aspath_error ? RF_ASPATH_ERROR : 0) |
		         (bgp_attrs_has(a, BGP_ATTR_OTC) ? RF_OTC : 0);
	put8(w, (uint8_t)rt->kind);
	put8(w, flags);
	put8(w, rt->safi);
	put32(w, rt->ts);
	put8(w, rt->peer.afi);
	put_bytes(w, rt->peer.addr, rt->peer.afi == AFI_IPV6 ? 16 : 4);
	put32(w, rt->peer.asn);
	if (rt->kind != MRT_ROUTE_STATE) {
		put8(w, rt->prefix.afi);
		put8(w, rt->prefix.len);
		put_bytes(w, rt->prefix.addr, (rt->prefix.len + 7u) / 8);
	}
	if (rt->has_path_id)
		put32(w, rt->path_id);
	if (flags & RF_OTC)
		put32(w, a->otc);
	if (attrs) {
		put32(w, a->aspath_nwords);
		for (uint32_t i = 0; i < a->aspath_nwords; i++)
			put32(w, a->aspath[i]);
	}
	w->count++;
	return 0;
}

void mrt_batch_end(struct mrt_batch_writer *w, const struct mrt_batch_trailer *t)
{
	be32_put(w->buf + 13, w->count);
	if (t == NULL)
		return;
	w->buf[12] = 1;
	put64(w, t->records);
	put64(w, t->malformed);
	put64(w, t->routes);
	put64(w, (uint64_t)t->data_time);
	put8(w, (uint8_t)(int8_t)t->rc);
	put8(w, (uint8_t)t->table);
	put64(w, t->size);
}

void mrt_batch_writer_free(struct mrt_batch_writer *w)
{
	free(w->buf);
	memset(w, 0, sizeof(*w));
}

/* ---------------------------------------------------------------- reading */

struct rd {
	const uint8_t *p;
	size_t len, off;
	int bad;
};

static int need(struct rd *r, size_t n)
{
	if (r->bad || r->len - r->off < n) {
		r->bad = 1;
		return 0;
	}
	return 1;
}

static uint8_t get8(struct rd *r)
{
	return need(r, 1) ? r->p[r->off++] : 0;
}

static uint32_t get32(struct rd *r)
{
	if (!need(r, 4))
		return 0;
	const uint8_t *b = r->p + r->off;
	r->off += 4;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint64_t get64(struct rd *r)
{
	uint64_t hi = get32(r);
	return hi << 32 | get32(r);
}

int mrt_batch_decode(const void *data, size_t len, struct mrt_batch *b, mrt_batch_route_fn fn,
    void *arg, const char **err, size_t *off)
{
	/* the whole batch is checked before the first route goes to fn */
	if (fn && mrt_batch_decode(data, len, b, NULL, NULL, err, off) != 0)
		return -1;
	struct rd r = {.p = data, .len = len};
	memset(b, 0, sizeof(*b));
	*err = NULL;
	if (len < HDR_LEN || memcmp(data, MAGIC, 4) != 0) {
		*err = "not a route batch (magic)";
		*off = 0;
		return -1;
	}
	r.off = 4;
	b->file = get32(&r);
	b->seq = get32(&r);
	uint8_t flags = get8(&r);
	b->count = get32(&r);
	if (flags > 1) {
		*err = "unknown batch flags";
		*off = 12;
		return -1;
	}
	b->last = flags;
	uint32_t words[MRT_BATCH_MAX_WORDS];
	for (uint32_t i = 0; i < b->count; i++) {
		size_t start = r.off;
		struct mrt_route rt;
		struct bgp_attrs a;
		memset(&rt, 0, sizeof(rt));
		memset(&a, 0, sizeof(a));
		rt.kind = (enum mrt_route_kind)get8(&r);
		uint8_t rf = get8(&r);
		rt.safi = get8(&r);
		rt.ts = get32(&r);
		rt.peer.afi = get8(&r);
		int attrs = (rf & RF_ATTRS) != 0;
		if (r.bad)
			break;
		if (rt.kind < MRT_ROUTE_RIB || rt.kind > MRT_ROUTE_STATE || (rf & ~RF_ALL) ||
		    (attrs && rt.kind != MRT_ROUTE_RIB && rt.kind != MRT_ROUTE_ANNOUNCE) ||
		    (!attrs && (rf & (RF_OTC | RF_ASPATH_ERROR))) ||
		    (rt.peer.afi != AFI_IPV4 && rt.peer.afi != AFI_IPV6)) {
			*err = "a route's kind, flags or peer family is wrong";
			*off = start;
			return -1;
		}
		size_t alen = rt.peer.afi == AFI_IPV6 ? 16 : 4;
		if (need(&r, alen)) {
			memcpy(rt.peer.addr, r.p + r.off, alen);
			r.off += alen;
		}
		rt.peer.asn = get32(&r);
		if (rt.kind != MRT_ROUTE_STATE) {
			rt.prefix.afi = get8(&r);
			rt.prefix.len = get8(&r);
			unsigned max = rt.prefix.afi == AFI_IPV6 ? 128 : 32;
			if (!r.bad && ((rt.prefix.afi != AFI_IPV4 && rt.prefix.afi != AFI_IPV6) ||
			                  rt.prefix.len > max)) {
				*err = "a route's prefix family or length is wrong";
				*off = start;
				return -1;
			}
			size_t n = (rt.prefix.len + 7u) / 8;
			if (need(&r, n)) {
				memcpy(rt.prefix.addr, r.p + r.off, n);
				r.off += n;
				if (n && (rt.prefix.len & 7) &&
				    (rt.prefix.addr[n - 1] & (0xffu >> (rt.prefix.len & 7)))) {
					*err = "a route's prefix has bits set past its length";
					*off = start;
					return -1;
				}
			}
			memcpy(rt.prefix_wire, rt.prefix.addr, 16);
		}
		rt.origin_only = (rf & RF_ORIGIN_ONLY) != 0;
		if (rf & RF_PATH_ID)
			rt.has_path_id = 1, rt.path_id = get32(&r);
		if (rf & RF_OTC) {
			a.otc = get32(&r);
			a.present |= 1ull << BGP_ATTR_OTC;
		}
		if (attrs) {
			uint32_t nw = get32(&r);
			if (!r.bad && (nw > MRT_BATCH_MAX_WORDS || !need(&r, 4 * (size_t)nw))) {
				*err = "a route's AS path is too long";
				*off = start;
				return -1;
			}
			for (uint32_t k = 0; k < nw && !r.bad; k++)
				words[k] = get32(&r);
			if (!r.bad && !path_ok(words, nw)) {
				*err = "a route's AS path segments do not cover its words";
				*off = start;
				return -1;
			}
			a.aspath = words, a.aspath_nwords = nw;
			a.aspath_error = (rf & RF_ASPATH_ERROR) != 0;
			a.present |= 1ull << BGP_ATTR_AS_PATH;
			rt.attrs = &a;
		}
		if (r.bad)
			break;
		if (fn)
			fn(arg, &rt);
	}
	if (!r.bad && b->last) {
		b->trailer.records = get64(&r);
		b->trailer.malformed = get64(&r);
		b->trailer.routes = get64(&r);
		b->trailer.data_time = (int64_t)get64(&r);
		b->trailer.rc = (int8_t)get8(&r);
		b->trailer.table = get8(&r);
		b->trailer.size = get64(&r);
		if (!r.bad && (b->trailer.table > 1 || b->trailer.rc > 0 || b->trailer.rc < -3)) {
			*err = "the file's closing figures are wrong";
			*off = r.off - TRAILER_LEN;
			return -1;
		}
	}
	if (r.bad) {
		*err = "the batch ends inside a route";
		*off = r.off;
		return -1;
	}
	if (r.off != len) {
		*err = "bytes after the batch";
		*off = r.off;
		return -1;
	}
	return 0;
}
