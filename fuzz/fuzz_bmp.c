/*
 * libFuzzer target for the BMP parser and route state: the input is read as a BMP stream
 * whole, then again in chunks whose sizes come from its own bytes (the two runs must agree on
 * the counters), with the routes applied to a route state that is walked at the end (its prefix
 * index checked against full walks); then its bytes are placed as the UPDATE of a Route Monitoring
 * message after a Peer Up that negotiated ADD-PATH, and as the body of a Peer Up (the OPEN and TLV
 * decoders), so every message decoder sees raw fuzz bytes directly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bmp/bmp.h"

static void on_event(void *arg, const struct bmp_msg *m, const struct mrt_route *rt)
{
	bmp_rib_event(arg, 0, m, rt);
}

static int count_route(const struct bmp_rib_entry *e, void *arg)
{
	(*(size_t *)arg)++;
	return e->attrs == NULL; /* never: every route held has its attributes */
}

/* The prefix index agrees with a full walk: everything under 0/0 and ::/0 is every route, and
 * the routes the first few routes' prefixes cover are those a walk finds. */
struct cover {
	const struct bmp_rib *rib;
	const struct prefix *q;
	size_t n, checked;
};

static int count_covered(const struct bmp_rib_entry *e, void *arg)
{
	struct cover *c = arg;
	c->n += c->q == NULL || prefix_contains(c->q, &e->prefix);
	return 0;
}

static int check_route(const struct bmp_rib_entry *e, void *arg)
{
	struct cover *c = arg;
	struct cover a = {c->rib, &e->prefix, 0, 0}, b = a;
	bmp_rib_covered(c->rib, &e->prefix, count_covered, &a, NULL);
	bmp_rib_scan(c->rib, count_covered, &b);
	if (a.n != b.n || a.n == 0)
		abort();
	return ++c->checked >= 16;
}

static void check_index(const struct bmp_rib *rib, size_t routes)
{
	struct prefix all4 = {.afi = AFI_IPV4}, all6 = {.afi = AFI_IPV6};
	struct cover c = {rib, NULL, 0, 0};
	bmp_rib_covered(rib, &all4, count_covered, &c, NULL);
	bmp_rib_covered(rib, &all6, count_covered, &c, NULL);
	if (c.n != routes)
		abort();
	bmp_rib_scan(rib, check_route, &c);
}

/* Feed data in chunks (chunk 0: whole; else sizes from the data); returns the messages. */
static uint64_t run(const uint8_t *data, size_t size, int chunked, int strict)
{
	struct bmp_rib *rib = bmp_rib_new();
	bmp_rib_router(rib, "fuzz");
	struct bmp_parser_opts o = {.source = "fuzz", .quiet = 1, .strict = strict};
	struct bmp_parser *p = bmp_parser_new(&o, on_event, rib);
	size_t off = 0, i = 0;
	while (off < size) {
		size_t n = chunked ? 1 + data[i++ % size] % 61 : size;
		if (n > size - off)
			n = size - off;
		bmp_parser_feed(p, data + off, n);
		off += n;
	}
	bmp_parser_finish(p);
	size_t routes = 0;
	struct bmp_rib_stats rs;
	bmp_rib_stats(rib, &rs);
	if (bmp_rib_walk(rib, count_route, &routes) != 0 || routes != rs.routes)
		abort();
	check_index(rib, routes);
	for (size_t k = 0; k < bmp_parser_npeers(p); k++)
		if (bmp_parser_peer(p, k)->nstats && bmp_parser_peer(p, k)->stats == NULL)
			abort();
	uint64_t n = bmp_parser_stats(p)->messages;
	bmp_parser_free(p);
	bmp_rib_free(rib);
	return n;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

/* Common header + per-peer header (global, IPv4 192.0.2.1, AS 64500). */
static uint8_t *headers(uint8_t *p, uint8_t type, size_t body)
{
	*p++ = 3;
	p = put32(p, (uint32_t)(6 + 42 + body));
	*p++ = type;
	memset(p, 0, 42);
	p[2 + 8 + 12] = 192, p[2 + 8 + 13] = 0, p[2 + 8 + 14] = 2, p[2 + 8 + 15] = 1;
	put32(p + 26, 64500);
	return p + 42;
}

/* An OPEN with the 4-octet AS and ADD-PATH (IPv4 and IPv6 unicast, send and receive). */
static uint8_t *open_msg(uint8_t *p)
{
	static const uint8_t caps[] = {
	    2, 16, 65, 4, 0, 0, 0xfb, 0xf4, 69, 8, 0, 1, 1, 3, 0, 2, 1, 3};
	memset(p, 0xff, 16);
	p[16] = 0, p[17] = (uint8_t)(29 + sizeof(caps)), p[18] = 1;
	p += 19;
	*p++ = 4, *p++ = 0xfb, *p++ = 0xf4, *p++ = 0, *p++ = 90;
	p = put32(p, 0x0a000001);
	*p++ = (uint8_t)sizeof(caps);
	memcpy(p, caps, sizeof(caps));
	return p + sizeof(caps);
}

static void as_update(const uint8_t *data, size_t size)
{
	if (size > 60000)
		size = 60000;
	uint8_t *b = malloc(2 * 256 + size + 128), *p = b;
	uint8_t *body = headers(p, 3, 20 + 2 * 47);
	memset(body, 0, 20);
	p = open_msg(open_msg(body + 20));
	uint8_t *rm = headers(p, 0, 19 + size);
	memset(rm, 0xff, 16);
	rm[16] = (uint8_t)((19 + size) >> 8), rm[17] = (uint8_t)(19 + size), rm[18] = 2;
	memcpy(rm + 19, data, size);
	p = rm + 19 + size;
	run(b, (size_t)(p - b), 0, 0);
	free(b);
}

static void as_peer_up(const uint8_t *data, size_t size)
{
	if (size > 60000)
		size = 60000;
	uint8_t *b = malloc(size + 64);
	uint8_t *p = headers(b, 3, size);
	memcpy(p, data, size);
	run(b, (size_t)(p + size - b), 0, 0);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t whole = run(data, size, 0, 0);
	if (run(data, size, 1, 0) != whole)
		abort(); /* the chunking changed what was decoded */
	run(data, size, 0, 1);
	as_update(data, size);
	as_peer_up(data, size);
	return 0;
}
