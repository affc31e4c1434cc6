/*
 * libFuzzer target for the MRT reader: the input is read as an MRT stream (framing, every
 * record decoder, BGP UPDATE and attribute decoding, both output formats), and once more with
 * its bytes placed as the path attributes of a TABLE_DUMP_V2 RIB entry and of a BGP4MP UPDATE,
 * so the attribute decoder sees raw fuzz bytes directly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mrt/mrt.h"

static void drain(const uint8_t *buf, size_t len, int strict)
{
	struct mrt_options o = {.strict = strict, .quiet = 1};
	struct mrt_reader *r = mrt_reader_open_mem(buf, len, &o);
	struct mrt_out out;
	mrt_out_init(&out, -1);
	struct mrt_route rt;
	while (mrt_reader_next_route(r, &rt) == 1) {
		mrt_printers[0]->route(&out, r, &rt);
		mrt_printers[1]->route(&out, r, &rt);
		out.len = 0;
	}
	mrt_out_free(&out);
	mrt_reader_close(r);
}

static size_t put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return 4;
}

/* A PEER_INDEX_TABLE + one RIB_IPV6_UNICAST entry whose attributes are the input. */
static void as_rib_attrs(const uint8_t *data, size_t size)
{
	if (size > 60000)
		size = 60000;
	uint8_t *b = malloc(size + 128), *p = b;
	static const uint8_t pit[] = {0, 0, 0, 1, 0, 0, 0, 1, 3, 0, 0, 0, 9, 0x20, 1, 0x0d, 0xb8, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0xfd, 0xe8};
	p += put32(p, 1), *p++ = 0, *p++ = 13, *p++ = 0, *p++ = 1;
	p += put32(p, sizeof(pit));
	memcpy(p, pit, sizeof(pit)), p += sizeof(pit);
	p += put32(p, 1), *p++ = 0, *p++ = 13, *p++ = 0, *p++ = 4;
	p += put32(p, (uint32_t)(4 + 1 + 4 + 2 + 2 + 4 + 2 + size));
	p += put32(p, 0), *p++ = 32, memcpy(p, "\x20\x01\x0d\xb8", 4), p += 4;
	*p++ = 0, *p++ = 1;                   /* one entry */
	*p++ = 0, *p++ = 0, p += put32(p, 1); /* peer 0, originated */
	*p++ = (uint8_t)(size >> 8), *p++ = (uint8_t)size;
	memcpy(p, data, size), p += size;
	drain(b, (size_t)(p - b), 0);
	free(b);
}

/* A BGP4MP MESSAGE_AS4 UPDATE whose attribute block is the input, announcing 10.0.0.0/8. */
static void as_update_attrs(const uint8_t *data, size_t size)
{
	if (size > 60000)
		size = 60000;
	uint8_t *b = malloc(size + 128), *p = b;
	size_t msg = 19 + 2 + 2 + size + 2;
	p += put32(p, 1), *p++ = 0, *p++ = 16, *p++ = 0, *p++ = 4;
	p += put32(p, (uint32_t)(20 + msg));
	p += put32(p, 64500), p += put32(p, 64501), *p++ = 0, *p++ = 0, *p++ = 0, *p++ = 1;
	p += put32(p, 0xc0000201), p += put32(p, 0xc0000202);
	memset(p, 0xff, 16), p += 16;
	*p++ = (uint8_t)(msg >> 8), *p++ = (uint8_t)msg, *p++ = 2;
	*p++ = 0, *p++ = 0, *p++ = (uint8_t)(size >> 8), *p++ = (uint8_t)size;
	memcpy(p, data, size), p += size;
	*p++ = 8, *p++ = 10;
	drain(b, (size_t)(p - b), 0);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	drain(data, size, 0);
	drain(data, size, 1);
	as_rib_attrs(data, size);
	as_update_attrs(data, size);
	return 0;
}
