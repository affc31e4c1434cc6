/*
 * mrt decoders on hand-built records: every field of TABLE_DUMP_V2 / TABLE_DUMP / BGP4MP(_ET)
 * / type-5 records and BGP attributes, ADD-PATH, the AS4 merge, and every malformed case the
 * reader must survive (truncated, short, overlong, broken attribute lengths, prefix bits past
 * the mask, wrong AFIs, damaged boundaries), plus --strict behaviour.
 */
#include "testutil.h"
#include "mrt/mrt.h"

struct bb {
	uint8_t b[8192];
	size_t n;
};

static void p8(struct bb *b, unsigned v)
{
	b->b[b->n++] = (uint8_t)v;
}
static void p16(struct bb *b, unsigned v)
{
	p8(b, v >> 8), p8(b, v);
}
static void p32(struct bb *b, uint32_t v)
{
	p16(b, v >> 16), p16(b, v & 0xffff);
}
static void pbytes(struct bb *b, const void *d, size_t n)
{
	memcpy(b->b + b->n, d, n);
	b->n += n;
}
/* Record header; returns the offset of the length field for rec_end. */
static size_t rec_begin(struct bb *b, uint32_t ts, unsigned type, unsigned sub)
{
	p32(b, ts), p16(b, type), p16(b, sub);
	size_t at = b->n;
	p32(b, 0);
	return at;
}
static void rec_end(struct bb *b, size_t at)
{
	uint32_t len = (uint32_t)(b->n - at - 4);
	b->b[at] = (uint8_t)(len >> 24), b->b[at + 1] = (uint8_t)(len >> 16);
	b->b[at + 2] = (uint8_t)(len >> 8), b->b[at + 3] = (uint8_t)len;
}
static size_t len16_begin(struct bb *b)
{
	p16(b, 0);
	return b->n - 2;
}
static void len16_end(struct bb *b, size_t at)
{
	size_t len = b->n - at - 2;
	b->b[at] = (uint8_t)(len >> 8), b->b[at + 1] = (uint8_t)len;
}
static void attr(struct bb *b, unsigned flags, unsigned type, const void *v, size_t n)
{
	p8(b, flags), p8(b, type), p8(b, (unsigned)n);
	pbytes(b, v, n);
}

static const uint8_t v4a[4] = {192, 0, 2, 1}, v4b[4] = {198, 51, 100, 7};

static void peer_index(struct bb *b)
{
	size_t at = rec_begin(b, 1000, MRT_TABLE_DUMP_V2, MRT_TD2_PEER_INDEX_TABLE);
	p32(b, 0x0a000001), p16(b, 4), pbytes(b, "view", 4), p16(b, 2);
	p8(b, 2), p32(b, 1), pbytes(b, v4a, 4), p32(b, 4200000001u); /* IPv4, AS4 */
	uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	p8(b, 1), p32(b, 2), pbytes(b, v6, 16), p16(b, 65001); /* IPv6, 2-byte AS */
	rec_end(b, at);
}

/* Full attribute set for a TDv2 entry (4-byte AS_PATH). */
static void rich_attrs(struct bb *b)
{
	size_t al = len16_begin(b);
	attr(b, 0x40, BGP_ATTR_ORIGIN, "\x01", 1);
	uint8_t path[] = {
	    2, 2, 0, 0, 0xfd, 0xe9, 0xfa, 0x56, 0xea, 0x01, 1, 2, 0, 0, 0, 5, 0, 0, 0, 6};
	attr(b, 0x40, BGP_ATTR_AS_PATH, path, sizeof(path));
	attr(b, 0x40, BGP_ATTR_NEXT_HOP, v4b, 4);
	attr(b, 0x80, BGP_ATTR_MED, "\0\0\0\x0a", 4);
	attr(b, 0x40, BGP_ATTR_LOCAL_PREF, "\0\0\0\x64", 4);
	attr(b, 0x40, BGP_ATTR_ATOMIC_AGGREGATE, "", 0);
	attr(b, 0xc0, BGP_ATTR_AGGREGATOR, "\xfa\x56\xea\x01\x0a\x00\x00\x09", 8);
	attr(b, 0xc0, BGP_ATTR_COMMUNITIES, "\xfd\xe9\x00\x64\xff\xff\xff\x01", 8);
	attr(b, 0x80, BGP_ATTR_ORIGINATOR_ID, "\x0a\x00\x00\x02", 4);
	attr(b, 0x80, BGP_ATTR_CLUSTER_LIST, "\x0a\x00\x00\x03\x0a\x00\x00\x04", 8);
	attr(b, 0xc0, BGP_ATTR_EXT_COMMUNITIES, "\x00\x02\xfd\xe9\x00\x00\x00\x01", 8);
	attr(b, 0xc0, BGP_ATTR_LARGE_COMMUNITIES, "\xfa\x56\xea\x01\0\0\0\x01\0\0\0\x02", 12);
	attr(b, 0xc0, BGP_ATTR_OTC, "\0\0\xfd\xe9", 4);
	attr(b, 0xc0, 99, "\xde\xad", 2);
	len16_end(b, al);
}

static struct mrt_reader *open_bb(const struct bb *b, int strict)
{
	struct mrt_options o = {.strict = strict, .quiet = getenv("MRT_VERBOSE") == NULL};
	struct mrt_reader *r = mrt_reader_open_mem(b->b, b->n, &o);
	assert_non_null(r);
	return r;
}

static void test_td2_rib_fields(void **state)
{
	struct bb b = {0};
	peer_index(&b);
	size_t at = rec_begin(&b, 1000, MRT_TABLE_DUMP_V2, MRT_TD2_RIB_IPV4_UNICAST);
	p32(&b, 7), p8(&b, 24), pbytes(&b, "\xcb\x00\x71", 3), p16(&b, 1);
	p16(&b, 0), p32(&b, 999);
	rich_attrs(&b);
	rec_end(&b, at);
	struct mrt_reader *r = open_bb(&b, 1);
	struct mrt_route rt;
	char buf[200];
	assert_int_equal(mrt_reader_next_route(r, &rt), 1);
	assert_int_equal(rt.kind, MRT_ROUTE_RIB);
	assert_string_equal(prefix_format(&rt.prefix, buf, sizeof(buf)), "203.0.113.0/24");
	assert_int_equal(rt.peer.asn, 4200000001u);
	assert_int_equal(rt.peer.bgp_id, 1);
	assert_int_equal(rt.originated, 999);
	const struct bgp_attrs *a = rt.attrs;
	assert_non_null(a);
	assert_int_equal(a->origin, BGP_ORIGIN_EGP);
	aspath_words_format(a->aspath, a->aspath_nwords, buf, sizeof(buf));
	assert_string_equal(buf, "65001 4200000001 {5,6}");
	assert_memory_equal(a->nexthop, v4b, 4);
	assert_int_equal(a->med, 10);
	assert_int_equal(a->local_pref, 100);
	assert_true(bgp_attrs_has(a, BGP_ATTR_ATOMIC_AGGREGATE));
	assert_int_equal(a->aggr_as, 4200000001u);
	assert_int_equal(a->aggr_addr[3], 9);
	assert_int_equal(a->ncommunities, 2);
	assert_int_equal(a->ncluster, 2);
	assert_int_equal(a->originator_id[3], 2);
	assert_int_equal(a->next, 1);
	assert_int_equal(a->nlarge, 1);
	assert_int_equal(a->otc, 65001);
	assert_int_equal(a->nraw, 1);
	assert_int_equal(a->raw[0].type, 99);
	assert_int_equal(a->raw[0].len, 2);
	assert_int_equal(mrt_reader_next_route(r, &rt), 0);
	const struct mrt_stats *st = mrt_reader_stats(r);
	assert_int_equal(st->records, 2);
	assert_int_equal(st->by_type[13][2], 1);
	assert_int_equal(st->routes[MRT_ROUTE_RIB], 1);
	size_t np;
	assert_non_null(mrt_reader_peers(r, &np));
	assert_int_equal(np, 2);
	mrt_reader_close(r);
}

/* A BGP4MP message header (peers, marker, length, type) around an UPDATE body built by fn. */
static size_t msg_begin(
    struct bb *b, uint32_t ts, unsigned type, unsigned sub, int asn4, unsigned afi, size_t *mlen)
{
	size_t at = rec_begin(b, ts, type, sub);
	if (type == MRT_BGP4MP_ET)
		p32(b, 42);
	if (asn4)
		p32(b, 64500), p32(b, 64501);
	else
		p16(b, 64500), p16(b, 64501);
	p16(b, 0), p16(b, afi);
	uint8_t z[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 9};
	if (afi == AFI_IPV6)
		pbytes(b, z, 16), pbytes(b, z, 16);
	else
		pbytes(b, v4a, 4), pbytes(b, v4b, 4);
	for (int i = 0; i < 16; i++)
		p8(b, 0xff);
	*mlen = b->n;
	p16(b, 0), p8(b, 2);
	return at;
}
static void msg_end(struct bb *b, size_t at, size_t mlen)
{
	size_t len = b->n - mlen + 16;
	b->b[mlen] = (uint8_t)(len >> 8), b->b[mlen + 1] = (uint8_t)len;
	rec_end(b, at);
}

static void test_update_order_and_mp(void **state)
{
	struct bb b = {0};
	size_t ml,
	    at = msg_begin(&b, 2000, MRT_BGP4MP_ET, MRT_BGP4MP_MESSAGE_AS4, 1, AFI_IPV4, &ml);
	p16(&b, 4), pbytes(&b, "\x18\x0a\x01\x02", 4); /* withdrawn 10.1.2.0/24 */
	size_t al = len16_begin(&b);
	attr(&b, 0x40, BGP_ATTR_ORIGIN, "\0", 1);
	attr(&b, 0x40, BGP_ATTR_AS_PATH, "\x02\x01\x00\x00\xfb\xf4", 6);
	attr(&b, 0x40, BGP_ATTR_NEXT_HOP, v4a, 4);
	uint8_t mp[64] = {0, 2, 1, 32, 0x20, 0x01, 0x0d, 0xb8, [19] = 1, [20] = 0xfe,
	    0x80, [35] = 2, [36] = 0, [37] = 32, 0x20, 0x01, 0x0d, 0xb8};
	attr(&b, 0x80, BGP_ATTR_MP_REACH_NLRI, mp, 42);
	attr(&b, 0x80, BGP_ATTR_MP_UNREACH_NLRI, "\0\x02\x01\x30\x20\x01\x0d\xb8\x00\x07", 10);
	len16_end(&b, al);
	pbytes(&b, "\x10\xc0\xa8", 3); /* NLRI 192.168.0.0/16 */
	msg_end(&b, at, ml);
	struct mrt_reader *r = open_bb(&b, 1);
	struct mrt_route rt;
	char buf[64];
	const char *want[] = {
	    "W 10.1.2.0/24", "W 2001:db8:7::/48", "A 192.168.0.0/16", "A 2001:db8::/32"};
	for (int i = 0; i < 4; i++) {
		assert_int_equal(mrt_reader_next_route(r, &rt), 1);
		char line[80];
		snprintf(line, sizeof(line), "%c %s", rt.kind == MRT_ROUTE_WITHDRAW ? 'W' : 'A',
		    prefix_format(&rt.prefix, buf, sizeof(buf)));
		assert_string_equal(line, want[i]);
		assert_int_equal(rt.usec, 42);
		assert_int_equal(rt.peer.asn, 64500);
		assert_int_equal(rt.local.asn, 64501);
		assert_int_equal(rt.from_mp, i == 1 || i == 3);
	}
	assert_int_equal(rt.attrs->mp_nh_len, 32);
	assert_int_equal(rt.attrs->mp_nexthop[15], 1);
	assert_int_equal(rt.attrs->mp_nexthop_ll[0], 0xfe);
	assert_int_equal(mrt_reader_next_route(r, &rt), 0);
	mrt_reader_close(r);
}

static void test_as4_merge(void **state)
{
	struct bb b = {0};
	size_t ml, at = msg_begin(&b, 2000, MRT_BGP4MP, MRT_BGP4MP_MESSAGE, 0, AFI_IPV4, &ml);
	p16(&b, 0);
	size_t al = len16_begin(&b);
	/* AS_PATH 64500 23456 23456 64510 (2-byte), AS4_PATH 4200000001 4200000002 64510 */
	attr(&b, 0x40, BGP_ATTR_ORIGIN, "\0", 1);
	attr(&b, 0x40, BGP_ATTR_NEXT_HOP, v4a, 4);
	attr(&b, 0x40, BGP_ATTR_AS_PATH, "\x02\x04\xfb\xf4\x5b\xa0\x5b\xa0\xfb\xfe", 10);
	attr(&b, 0xc0, BGP_ATTR_AS4_PATH,
	    "\x02\x03\xfa\x56\xea\x01\xfa\x56\xea\x02\x00\x00\xfb\xfe", 14);
	attr(&b, 0xc0, BGP_ATTR_AGGREGATOR, "\x5b\xa0\x0a\0\0\x01", 6);
	attr(&b, 0xc0, BGP_ATTR_AS4_AGGREGATOR, "\xfa\x56\xea\x03\x0a\0\0\x01", 8);
	len16_end(&b, al);
	pbytes(&b, "\x08\x0b", 2);
	msg_end(&b, at, ml);
	/* second message: AGGREGATOR not AS_TRANS with AS4_AGGREGATOR: AS4_PATH ignored */
	at = msg_begin(&b, 2001, MRT_BGP4MP, MRT_BGP4MP_MESSAGE, 0, AFI_IPV4, &ml);
	p16(&b, 0);
	al = len16_begin(&b);
	attr(&b, 0x40, BGP_ATTR_ORIGIN, "\0", 1);
	attr(&b, 0x40, BGP_ATTR_NEXT_HOP, v4a, 4);
	attr(&b, 0x40, BGP_ATTR_AS_PATH, "\x02\x02\xfb\xf4\x5b\xa0", 6);
	attr(&b, 0xc0, BGP_ATTR_AS4_PATH, "\x02\x01\xfa\x56\xea\x01", 6);
	attr(&b, 0xc0, BGP_ATTR_AGGREGATOR, "\xfb\xf4\x0a\0\0\x01", 6);
	attr(&b, 0xc0, BGP_ATTR_AS4_AGGREGATOR, "\xfa\x56\xea\x03\x0a\0\0\x01", 8);
	len16_end(&b, al);
	pbytes(&b, "\x08\x0b", 2);
	msg_end(&b, at, ml);
	struct mrt_reader *r = open_bb(&b, 1);
	struct mrt_route rt;
	char buf[128];
	assert_int_equal(mrt_reader_next_route(r, &rt), 1);
	aspath_words_format(rt.attrs->aspath, rt.attrs->aspath_nwords, buf, sizeof(buf));
	assert_string_equal(buf, "64500 4200000001 4200000002 64510");
	assert_int_equal(rt.attrs->aggr_as, 4200000003u);
	assert_int_equal(mrt_reader_next_route(r, &rt), 1);
	aspath_words_format(rt.attrs->aspath, rt.attrs->aspath_nwords, buf, sizeof(buf));
	assert_string_equal(buf, "64500 23456");
	assert_int_equal(rt.attrs->aggr_as, 64500);
	mrt_reader_close(r);
}

static void test_addpath_and_state(void **state)
{
	struct bb b = {0};
	size_t ml,
	    at = msg_begin(&b, 3000, MRT_BGP4MP, MRT_BGP4MP_MESSAGE_AS4_ADDPATH, 1, AFI_IPV4, &ml);
	p16(&b, 0);
	size_t al = len16_begin(&b);
	attr(&b, 0x40, BGP_ATTR_ORIGIN, "\x02", 1);
	attr(&b, 0x40, BGP_ATTR_AS_PATH, "", 0);
	attr(&b, 0x40, BGP_ATTR_NEXT_HOP, v4a, 4);
	len16_end(&b, al);
	pbytes(&b, "\0\0\0\x07\x18\x0a\x00\x01", 8);
	pbytes(&b, "\0\0\0\x08\x18\x0a\x00\x01", 8);
	msg_end(&b, at, ml);
	at = rec_begin(&b, 3001, MRT_BGP4MP, MRT_BGP4MP_STATE_CHANGE_AS4);
	p32(&b, 64500), p32(&b, 64501), p16(&b, 0), p16(&b, 1), pbytes(&b, v4a, 4),
	    pbytes(&b, v4b, 4), p16(&b, 5), p16(&b, 6);
	rec_end(&b, at);
	struct mrt_reader *r = open_bb(&b, 1);
	struct mrt_route rt;
	assert_int_equal(mrt_reader_next_route(r, &rt), 1);
	assert_true(rt.has_path_id);
	assert_int_equal(rt.path_id, 7);
	assert_int_equal(mrt_reader_next_route(r, &rt), 1);
	assert_int_equal(rt.path_id, 8);
	assert_int_equal(mrt_reader_next_route(r, &rt), 1);
	assert_int_equal(rt.kind, MRT_ROUTE_STATE);
	assert_int_equal(rt.old_state, 5);
	assert_int_equal(rt.new_state, 6);
	assert_int_equal(mrt_reader_next_route(r, &rt), 0);
	mrt_reader_close(r);
}

static void td1(struct bb *b, uint32_t ts, const uint8_t *pfx, unsigned len, int extra)
{
	size_t at = rec_begin(b, ts, MRT_TABLE_DUMP, MRT_TD_AFI_IPV4);
	p16(b, 0), p16(b, 0), pbytes(b, pfx, 4), p8(b, len), p8(b, 1), p32(b, ts);
	pbytes(b, v4a, 4), p16(b, 64500);
	size_t al = len16_begin(b);
	attr(b, 0x40, BGP_ATTR_ORIGIN, "\0", 1);
	len16_end(b, al);
	for (int i = 0; i < extra; i++)
		p8(b, 0);
	rec_end(b, at);
}

static void test_malformed_cases(void **state)
{
	struct bb b = {0};
	uint8_t net[4] = {10, 1, 2, 0}, host[4] = {10, 1, 2, 3};
	td1(&b, 100, net, 24, 0);                          /* 1 good */
	td1(&b, 100, host, 24, 0);                         /* 2 host bits: kept, masked */
	td1(&b, 100, net, 24, 3);                          /* 3 overlong: kept */
	size_t at = rec_begin(&b, 100, MRT_TABLE_DUMP, 1); /* 4 short */
	p16(&b, 0);
	rec_end(&b, at);
	at = rec_begin(&b, 100, MRT_TABLE_DUMP, 7); /* 5 wrong AFI (subtype) */
	rec_end(&b, at);
	size_t ml;
	at = msg_begin(&b, 100, MRT_BGP4MP, MRT_BGP4MP_MESSAGE, 0, 3, &ml); /* 6 AFI 3 */
	msg_end(&b, at, ml);
	/* 7 attribute block cut: treat-as-withdraw, so its NLRI comes out as a withdrawal */
	at = msg_begin(&b, 100, MRT_BGP4MP, MRT_BGP4MP_MESSAGE, 0, AFI_IPV4, &ml);
	p16(&b, 0), p16(&b, 4), p8(&b, 0x40), p8(&b, 1), p8(&b, 9), p8(&b, 0);
	pbytes(&b, "\x18\x0a\x01\x02", 4);
	msg_end(&b, at, ml);
	at = msg_begin(&b, 100, MRT_BGP4MP, MRT_BGP4MP_MESSAGE, 0, AFI_IPV4, &ml); /* 8 NLRI /40 */
	p16(&b, 0), p16(&b, 0), pbytes(&b, "\x28\x0a\x01\x02\x03\x04", 6);
	msg_end(&b, at, ml);
	uint8_t net16[4] = {10, 1, 0, 0};
	td1(&b, 100, net16, 16, 0); /* 9 good */
	td1(&b, 100, net, 8, 0);    /* 10: cut below */
	b.n -= 5;
	struct mrt_reader *r = open_bb(&b, 0);
	struct mrt_route rt;
	char buf[64];
	int n = 0;
	const char *want[] = {
	    "10.1.2.0/24", "10.1.2.0/24", "10.1.2.0/24", "10.1.2.0/24", "10.1.0.0/16"};
	while (mrt_reader_next_route(r, &rt) == 1) {
		assert_true(n < 5);
		assert_string_equal(prefix_format(&rt.prefix, buf, sizeof(buf)), want[n]);
		assert_int_equal(rt.host_bits, n == 1);
		if (n == 1)
			assert_int_equal(rt.prefix_wire[3], 3);
		assert_int_equal(rt.kind, n == 3 ? MRT_ROUTE_WITHDRAW : MRT_ROUTE_RIB);
		assert_int_equal(rt.error_withdraw, n == 3);
		n++;
	}
	assert_int_equal(n, 5);
	const struct mrt_stats *st = mrt_reader_stats(r);
	assert_int_equal(st->malformed[MRT_BAD_HOST_BITS], 1);
	assert_int_equal(st->malformed[MRT_BAD_OVERLONG], 1);
	assert_int_equal(st->malformed[MRT_BAD_SHORT], 1);
	assert_int_equal(st->malformed[MRT_BAD_AFI], 2);
	assert_int_equal(st->malformed[MRT_BAD_ATTR], 1);
	/* record 8 announces (an impossible prefix) without ORIGIN / AS_PATH: RFC 7606 3.d */
	assert_int_equal(st->malformed[MRT_BAD_ATTR_MISSING], 1);
	assert_int_equal(st->updates_withdrawn, 2);
	assert_int_equal(st->routes_withdrawn, 1);
	assert_int_equal(st->malformed[MRT_BAD_NLRI], 1);
	assert_int_equal(st->malformed[MRT_BAD_TRUNCATED], 1);
	assert_int_equal(st->records, 9);
	mrt_reader_close(r);
	/* strict: the first malformed record is fatal */
	r = open_bb(&b, 1);
	assert_int_equal(mrt_reader_next_route(r, &rt), 1);
	assert_int_equal(mrt_reader_next_route(r, &rt), MRT_ERR_MALFORMED);
	assert_int_equal(mrt_reader_next_route(r, &rt), MRT_ERR_MALFORMED);
	mrt_reader_close(r);
}

static void test_resync(void **state)
{
	struct bb b = {0};
	uint8_t net[4] = {10, 1, 2, 0};
	td1(&b, 5000, net, 24, 0);
	size_t cut = b.n;
	td1(&b, 5000, net, 23, 0);
	/* damage record 2: its length now reaches into garbage */
	b.b[cut + 11] += 5;
	for (int i = 0; i < 7; i++)
		p8(&b, 0xee);
	td1(&b, 5001, net, 22, 0);
	struct mrt_reader *r = open_bb(&b, 0);
	struct mrt_route rt;
	int lens[4], n = 0;
	while (mrt_reader_next_route(r, &rt) == 1 && n < 4)
		lens[n++] = rt.prefix.len;
	assert_int_equal(n, 2);
	assert_int_equal(lens[0], 24);
	assert_int_equal(lens[1], 22);
	const struct mrt_stats *st = mrt_reader_stats(r);
	assert_true(st->resyncs >= 1);
	assert_true(st->malformed[MRT_BAD_HEADER] >= 1);
	mrt_reader_close(r);
	/* a fuzz-style blob never loops: random-ish bytes end cleanly */
	struct bb g = {0};
	for (int i = 0; i < 4000; i++)
		p8(&g, (unsigned)(i * 7919 + 13) & 0xff);
	r = open_bb(&g, 0);
	while (mrt_reader_next_route(r, &rt) == 1)
		;
	mrt_reader_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_td2_rib_fields),
	    cmocka_unit_test(test_update_order_and_mp),
	    cmocka_unit_test(test_as4_merge),
	    cmocka_unit_test(test_addpath_and_state),
	    cmocka_unit_test(test_malformed_cases),
	    cmocka_unit_test(test_resync),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
