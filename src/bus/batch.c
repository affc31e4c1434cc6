/*
 * Route batches: the routes a worker read from one input file, in order, as the coordinator
 * of a batch analysis feeds them to its engine (docs/scaling.md, "Batch analysis"). Only what
 * the checks read travels: kind, time, peer (family, address, AS), prefix, SAFI, the AS path
 * and OTC; big-endian, each field at a place fixed by the ones before it.
 */
#include <stdlib.h>
#include <string.h>

#include "bus/bus.h"

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

static void put8(struct bus_batch_writer *w, uint8_t v)
{
	XGROW(w->buf, w->cap, w->len + 1);
	w->buf[w->len++] = v;
}

static void put32(struct bus_batch_writer *w, uint32_t v)
{
	XGROW(w->buf, w->cap, w->len + 4);
	be32_put(w->buf + w->len, v);
	w->len += 4;
}

static void put64(struct bus_batch_writer *w, uint64_t v)
{
	put32(w, (uint32_t)(v >> 32));
	put32(w, (uint32_t)v);
}

static void put_bytes(struct bus_batch_writer *w, const void *p, size_t n)
{
	XGROW(w->buf, w->cap, w->len + n);
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

void bus_batch_begin(struct bus_batch_writer *w, uint32_t file, uint32_t seq)
{
	w->len = 0;
	w->count = 0;
	put_bytes(w, MAGIC, 4);
	put32(w, file);
	put32(w, seq);
	put8(w, 0);
	put32(w, 0); /* count, set by bus_batch_end */
}

int bus_batch_add(struct bus_batch_writer *w, const struct mrt_route *rt)
{
	const struct bgp_attrs *a = rt->attrs;
	int attrs = (rt->kind == MRT_ROUTE_RIB || rt->kind == MRT_ROUTE_ANNOUNCE) && a != NULL;
	if (rt->kind < MRT_ROUTE_RIB || rt->kind > MRT_ROUTE_STATE ||
	    (attrs &&
	        (a->aspath_nwords > BUS_BATCH_MAX_WORDS || !path_ok(a->aspath, a->aspath_nwords))))
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

void bus_batch_end(struct bus_batch_writer *w, const struct bus_batch_trailer *t)
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

void bus_batch_writer_free(struct bus_batch_writer *w)
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

int bus_batch_decode(const void *data, size_t len, struct bus_batch *b, bus_batch_route_fn fn,
    void *arg, const char **err, size_t *off)
{
	/* the whole batch is checked before the first route goes to fn */
	if (fn && bus_batch_decode(data, len, b, NULL, NULL, err, off) != 0)
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
	uint32_t words[BUS_BATCH_MAX_WORDS];
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
			if (!r.bad && (nw > BUS_BATCH_MAX_WORDS || !need(&r, 4 * (size_t)nw))) {
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

/* ---------------------------------------------------------------- jobs */

static int run_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= sizeof(((struct bus_job *)0)->run))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		        (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

int bus_job_encode(const struct bus_job *j, char *buf, size_t size)
{
	if (!run_ok(j->run) || j->file >= j->nfiles || j->path[0] == '\0' ||
	    strchr(j->path, '\n') != NULL)
		return -1;
	int n = snprintf(buf, size,
	    "routemark-job 1\nrun %s\nfile %u\nfiles %u\ntable_time %lld\nstrict %d\npath %s\n",
	    j->run, j->file, j->nfiles, (long long)j->table_time, j->strict ? 1 : 0, j->path);
	return n < 0 || (size_t)n >= size ? -1 : n;
}

int bus_job_decode(const void *data, size_t len, struct bus_job *j)
{
	memset(j, 0, sizeof(*j));
	const char *p = data, *end = p + len;
	unsigned seen = 0;
	int first = 1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			return -1; /* every line ends */
		size_t ll = (size_t)(nl - p);
		char line[4200];
		if (ll >= sizeof(line))
			return -1;
		memcpy(line, p, ll);
		line[ll] = '\0';
		p = nl + 1;
		if (memchr(line, '\0', ll) != NULL)
			return -1;
		if (first) {
			if (strcmp(line, "routemark-job 1") != 0)
				return -1;
			first = 0;
			continue;
		}
		char *v = strchr(line, ' ');
		if (v == NULL)
			return -1;
		*v++ = '\0';
		char *e;
		unsigned bit;
		if (strcmp(line, "run") == 0) {
			if (!run_ok(v))
				return -1;
			snprintf(j->run, sizeof(j->run), "%s", v);
			bit = 1;
		} else if (strcmp(line, "path") == 0) {
			if (*v == '\0' || strlen(v) >= sizeof(j->path))
				return -1;
			snprintf(j->path, sizeof(j->path), "%s", v);
			bit = 2;
		} else {
			long long x = strtoll(v, &e, 10);
			if (*v == '\0' || *e != '\0' || x < 0)
				return -1;
			if (strcmp(line, "file") == 0 && x < UINT32_MAX)
				j->file = (uint32_t)x, bit = 4;
			else if (strcmp(line, "files") == 0 && x <= UINT32_MAX)
				j->nfiles = (uint32_t)x, bit = 8;
			else if (strcmp(line, "table_time") == 0 && x <= UINT32_MAX)
				j->table_time = x, bit = 16;
			else if (strcmp(line, "strict") == 0 && x <= 1)
				j->strict = (int)x, bit = 32;
			else
				return -1;
		}
		if (seen & bit)
			return -1; /* a field twice */
		seen |= bit;
	}
	return seen == 63 && j->file < j->nfiles ? 0 : -1;
}

void bus_job_key(const char *run, uint32_t file, char *buf, size_t size)
{
	snprintf(buf, size, "res-%s-%u", run, file);
}
