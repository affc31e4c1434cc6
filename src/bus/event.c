/*
 * Route events on the wire: one route change in a compact binary record, big-endian, every
 * field at a place fixed by the ones before (docs/scaling.md, "Route events", has the table).
 * The decoder trusts nothing: every length is checked before it is read, the AS path's
 * segments must add up, and nothing may follow the last field.
 */
#include <stdlib.h>
#include <string.h>

#include "bus/bus.h"

#define F_WITHDRAW 0x01
#define F_PATH_ID 0x02
#define F_MED 0x04
#define F_LOCAL_PREF 0x08
#define F_DOWN_PEER 0x10
#define F_DOWN_ROUTER 0x20
#define F_KNOWN 0x3f

#define MAX_WORDS 4096 /* of the AS path, communities, large communities (each) */

struct wbuf {
	uint8_t *p;
	size_t len, cap;
};

static void put(struct wbuf *w, const void *src, size_t n)
{
	if (w->len + n > w->cap)
		xgrow((void **)&w->p, &w->cap, w->len + n, 1);
	memcpy(w->p + w->len, src, n);
	w->len += n;
}

static void put8(struct wbuf *w, uint8_t v)
{
	put(w, &v, 1);
}

static void put16(struct wbuf *w, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	put(w, b, 2);
}

static void put32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
	put(w, b, 4);
}

static void put64(struct wbuf *w, uint64_t v)
{
	put32(w, (uint32_t)(v >> 32));
	put32(w, (uint32_t)v);
}

static void put_words(struct wbuf *w, const uint32_t *v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		put32(w, v[i]);
}

/* The path's segment headers must cover its words exactly, with known types. */
static int path_ok(const uint32_t *w, uint32_t n)
{
	for (uint32_t i = 0; i < n;) {
		uint32_t t = ASPATH_SEG_TYPE(w[i]), cnt = ASPATH_SEG_COUNT(w[i]);
		if (t < AS_SET || t > AS_CONFED_SET || cnt == 0 || cnt > n - i - 1)
			return 0;
		i += 1 + cnt;
	}
	return 1;
}

ssize_t bus_event_encode(const struct bus_event *ev, uint8_t **buf, size_t *cap)
{
	size_t rl = ev->router ? strlen(ev->router) : 0;
	int down = ev->down == BUS_DOWN_PEER || ev->down == BUS_DOWN_ROUTER;
	if (rl == 0 || rl > 255 || (ev->peer_afi != AFI_IPV4 && ev->peer_afi != AFI_IPV6) ||
	    ev->view > 4 || ev->peer_type > 3 || ev->time_usec >= 1000000 ||
	    (ev->down != BUS_DOWN_NONE && !down))
		return -1;
	if (!down && ((ev->prefix.afi != AFI_IPV4 && ev->prefix.afi != AFI_IPV6) ||
	                 ev->prefix.len > prefix_maxlen(ev->prefix.afi)))
		return -1;
	if (!ev->withdraw &&
	    (ev->npath > MAX_WORDS || ev->ncomm > MAX_WORDS || ev->nlarge > MAX_WORDS / 3 ||
	        (ev->nh_len != 0 && ev->nh_len != 4 && ev->nh_len != 16)))
		return -1;
	struct wbuf w = {*buf, 0, *cap};
	uint8_t flags;
	if (down)
		flags = ev->down == BUS_DOWN_PEER ? F_DOWN_PEER : F_DOWN_ROUTER;
	else {
		flags = (ev->withdraw ? F_WITHDRAW : 0) | (ev->has_path_id ? F_PATH_ID : 0);
		if (!ev->withdraw)
			flags |=
			    (ev->has_med ? F_MED : 0) | (ev->has_local_pref ? F_LOCAL_PREF : 0);
	}
	put8(&w, BUS_EVENT_VERSION);
	put8(&w, flags);
	put8(&w, ev->view);
	put8(&w, ev->peer_type);
	put8(&w, ev->peer_flags);
	put8(&w, ev->peer_afi);
	put(&w, ev->peer_rd, 8);
	put(&w, ev->peer_addr, ev->peer_afi == AFI_IPV4 ? 4 : 16);
	put32(&w, ev->peer_as);
	put32(&w, ev->peer_bgp_id);
	put64(&w, ev->seq);
	put64(&w, (uint64_t)ev->time_sec);
	put32(&w, ev->time_usec);
	if (!down) {
		put8(&w, ev->prefix.afi);
		put8(&w, ev->prefix.len);
		put(&w, ev->prefix.addr, (ev->prefix.len + 7u) / 8);
		if (ev->has_path_id)
			put32(&w, ev->path_id);
	}
	put8(&w, (uint8_t)rl);
	put(&w, ev->router, rl);
	if (!down && !ev->withdraw) {
		put8(&w, ev->origin);
		put8(&w, ev->nh_len);
		put(&w, ev->nexthop, ev->nh_len);
		if (ev->has_med)
			put32(&w, ev->med);
		if (ev->has_local_pref)
			put32(&w, ev->local_pref);
		put16(&w, (uint16_t)ev->npath);
		put_words(&w, ev->path, ev->npath);
		put16(&w, (uint16_t)ev->ncomm);
		put_words(&w, ev->comm, ev->ncomm);
		put16(&w, (uint16_t)ev->nlarge);
		put_words(&w, ev->large, ev->nlarge * 3);
	}
	*buf = w.p, *cap = w.cap;
	return (ssize_t)w.len;
}

/* ------------------------------------------------------------ decoding */

struct rd {
	struct cursor c;
	size_t start; /* bytes in all */
	const char *err;
};

static size_t rd_off(const struct rd *r)
{
	return r->start - r->c.len;
}

static int fail(struct rd *r, const char *what)
{
	if (r->err == NULL)
		r->err = what;
	return -1;
}

static int get64(struct cursor *c, uint64_t *v)
{
	uint32_t hi, lo;
	if (c->len < 8)
		return -1;
	cur_u32(c, &hi);
	cur_u32(c, &lo);
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

/* count words (n x mult) into *out, from storage at *next */
static int get_words(struct rd *r, uint32_t max, uint32_t mult, uint32_t **next,
    const uint32_t **out, uint32_t *count, const char *what)
{
	uint16_t n;
	if (cur_u16(&r->c, &n) != 0)
		return fail(r, what);
	if (n > max || r->c.len < (size_t)n * mult * 4)
		return fail(r, what);
	*out = *next, *count = n;
	for (uint32_t i = 0; i < (uint32_t)n * mult; i++)
		cur_u32(&r->c, &(*next)[i]);
	*next += (size_t)n * mult;
	return 0;
}

static int decode_attrs(struct rd *r, struct bus_event *ev, uint8_t flags, uint32_t *words)
{
	if (cur_u8(&r->c, &ev->origin) != 0 || ev->origin > 2)
		return fail(r, "origin missing or not 0..2");
	if (cur_u8(&r->c, &ev->nh_len) != 0 ||
	    (ev->nh_len != 0 && ev->nh_len != 4 && ev->nh_len != 16))
		return fail(r, "next hop length not 0, 4 or 16");
	if (cur_bytes(&r->c, ev->nexthop, ev->nh_len) != 0)
		return fail(r, "next hop cut");
	ev->has_med = !!(flags & F_MED), ev->has_local_pref = !!(flags & F_LOCAL_PREF);
	if (ev->has_med && cur_u32(&r->c, &ev->med) != 0)
		return fail(r, "MED cut");
	if (ev->has_local_pref && cur_u32(&r->c, &ev->local_pref) != 0)
		return fail(r, "LOCAL_PREF cut");
	if (get_words(r, MAX_WORDS, 1, &words, &ev->path, &ev->npath, "AS path cut or too long") !=
	    0)
		return -1;
	if (!path_ok(ev->path, ev->npath))
		return fail(r, "AS path segments do not add up");
	if (get_words(r, MAX_WORDS, 1, &words, &ev->comm, &ev->ncomm,
	        "communities cut or too many") != 0 ||
	    get_words(r, MAX_WORDS / 3, 3, &words, &ev->large, &ev->nlarge,
	        "large communities cut or too many") != 0)
		return -1;
	return 0;
}

/* The prefix and path id of a route event. */
static int decode_prefix(struct rd *r, struct bus_event *ev, uint8_t flags)
{
	uint8_t pafi, plen;
	if (cur_u8(&r->c, &pafi) != 0 || (pafi != AFI_IPV4 && pafi != AFI_IPV6) ||
	    cur_u8(&r->c, &plen) != 0 || plen > prefix_maxlen(pafi))
		return fail(r, "prefix family or length wrong");
	uint8_t pb[16];
	int trailing = 0;
	if (cur_bytes(&r->c, pb, (plen + 7u) / 8) != 0)
		return fail(r, "prefix cut");
	prefix_from_wire(&ev->prefix, pafi, plen, pb, &trailing);
	if (trailing)
		return fail(r, "prefix with bits set past its length");
	ev->has_path_id = !!(flags & F_PATH_ID);
	if (ev->has_path_id && cur_u32(&r->c, &ev->path_id) != 0)
		return fail(r, "path id cut");
	return 0;
}

static int decode(struct rd *r, struct bus_event *ev)
{
	uint8_t v, flags, rl;
	uint64_t t;
	if (cur_u8(&r->c, &v) != 0 || v != BUS_EVENT_VERSION)
		return fail(r, "not a version 1 route event");
	if (cur_u8(&r->c, &flags) != 0 || (flags & ~F_KNOWN))
		return fail(r, "unknown flags");
	if ((flags & F_WITHDRAW) && (flags & (F_MED | F_LOCAL_PREF)))
		return fail(r, "a withdrawal with attributes");
	ev->down = flags & F_DOWN_PEER     ? BUS_DOWN_PEER
	           : flags & F_DOWN_ROUTER ? BUS_DOWN_ROUTER
	                                   : 0;
	if (ev->down && (flags & ~(F_DOWN_PEER | F_DOWN_ROUTER)) != 0)
		return fail(r, "a down event with route flags");
	if ((flags & F_DOWN_PEER) && (flags & F_DOWN_ROUTER))
		return fail(r, "a peer and a router down at once");
	if (cur_u8(&r->c, &ev->view) != 0 || ev->view > 4)
		return fail(r, "view not 0..4");
	if (cur_u8(&r->c, &ev->peer_type) != 0 || ev->peer_type > 3)
		return fail(r, "peer type not 0..3");
	if (cur_u8(&r->c, &ev->peer_flags) != 0 || cur_u8(&r->c, &ev->peer_afi) != 0 ||
	    (ev->peer_afi != AFI_IPV4 && ev->peer_afi != AFI_IPV6))
		return fail(r, "peer address family not 1 or 2");
	if (cur_bytes(&r->c, ev->peer_rd, 8) != 0 ||
	    cur_bytes(&r->c, ev->peer_addr, ev->peer_afi == AFI_IPV4 ? 4 : 16) != 0 ||
	    cur_u32(&r->c, &ev->peer_as) != 0 || cur_u32(&r->c, &ev->peer_bgp_id) != 0)
		return fail(r, "peer cut");
	if (get64(&r->c, &ev->seq) != 0 || get64(&r->c, &t) != 0 ||
	    cur_u32(&r->c, &ev->time_usec) != 0)
		return fail(r, "sequence or time cut");
	ev->time_sec = (int64_t)t;
	if (ev->time_usec >= 1000000)
		return fail(r, "microseconds not below 1000000");
	if (!ev->down && decode_prefix(r, ev, flags) != 0)
		return -1;
	if (cur_u8(&r->c, &rl) != 0 || rl == 0 || r->c.len < rl || memchr(r->c.p, 0, rl))
		return fail(r, "router name cut, empty or with a NUL");
	/* one allocation: the router name, then every word */
	size_t words = r->c.len / 4 + 1;
	ev->storage = xmalloc(words * 4 + rl + 1);
	uint32_t *w = ev->storage;
	char *name = (char *)(w + words);
	cur_bytes(&r->c, name, rl);
	name[rl] = '\0';
	ev->router = name;
	ev->withdraw = !!(flags & F_WITHDRAW);
	if (!ev->down && !ev->withdraw && decode_attrs(r, ev, flags, w) != 0)
		return -1;
	if (r->c.len)
		return fail(r, "bytes after the last field");
	return 0;
}

int bus_event_decode(
    const void *data, size_t len, struct bus_event *ev, const char **err, size_t *off)
{
	memset(ev, 0, sizeof(*ev));
	struct rd r = {cursor_make(data, len), len, NULL};
	if (len > BUS_EVENT_MAX)
		fail(&r, "longer than an event can be");
	else if (decode(&r, ev) == 0)
		return 0;
	if (err)
		*err = r.err;
	if (off)
		*off = rd_off(&r);
	bus_event_free(ev);
	return -1;
}

void bus_event_free(struct bus_event *ev)
{
	free(ev->storage);
	memset(ev, 0, sizeof(*ev));
}
