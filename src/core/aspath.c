/* ASNs and AS paths: building, origin, text form. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* Decimal digits at s, saturating above 2^32 (all a caller needs to reject); *end after. */
static uint64_t dec_sat(const char *s, const char **end)
{
	uint64_t v = 0;
	for (; *s >= '0' && *s <= '9'; s++)
		if (v <= UINT32_MAX)
			v = v * 10 + (uint64_t)(*s - '0');
	*end = s;
	return v;
}

int asn_parse(const char *s, uint32_t *asn)
{
	if ((s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's'))
		s += 2;
	if (!isdigit((unsigned char)*s))
		return -1;
	const char *end;
	uint64_t v = dec_sat(s, &end);
	if (*end == '.') { /* asdot: high.low */
		if (v > 0xffff || !isdigit((unsigned char)end[1]))
			return -1;
		uint64_t lo = dec_sat(end + 1, &end);
		if (*end != '\0' || lo > 0xffff)
			return -1;
		*asn = (uint32_t)(v << 16 | lo);
		return 0;
	}
	if (*end != '\0' || v > UINT32_MAX)
		return -1;
	*asn = (uint32_t)v;
	return 0;
}

void aspath_buf_init(struct aspath_buf *b)
{
	memset(b, 0, sizeof(*b));
	b->last_hdr = UINT32_MAX;
}

void aspath_buf_reset(struct aspath_buf *b)
{
	b->n = 0;
	b->last_hdr = UINT32_MAX;
}

void aspath_buf_free(struct aspath_buf *b)
{
	free(b->w);
	aspath_buf_init(b);
}

static void buf_put(struct aspath_buf *b, uint32_t v)
{
	if (b->n == b->cap) {
		if (b->cap > UINT32_MAX / 2)
			abort(); /* no AS path is four billion words long */
		b->cap = b->cap ? b->cap * 2 : 32;
		b->w = xreallocarray(b->w, b->cap, sizeof(*b->w));
	}
	b->w[b->n++] = v;
}

int aspath_buf_segment(struct aspath_buf *b, enum aspath_seg_type type)
{
	if (type < AS_SET || type > AS_CONFED_SET)
		return -1;
	b->last_hdr = b->n;
	buf_put(b, ASPATH_SEG_HDR(type, 0));
	return 0;
}

int aspath_buf_push(struct aspath_buf *b, uint32_t asn)
{
	if (b->last_hdr == UINT32_MAX || ASPATH_SEG_COUNT(b->w[b->last_hdr]) == 0xffff)
		return -1;
	buf_put(b, asn);
	b->w[b->last_hdr]++;
	return 0;
}

int aspath_words_length(const uint32_t *w, uint32_t nwords)
{
	int len = 0;
	for (uint32_t i = 0; i < nwords; i += 1 + ASPATH_SEG_COUNT(w[i])) {
		switch (ASPATH_SEG_TYPE(w[i])) {
		case AS_SEQUENCE:
			len += ASPATH_SEG_COUNT(w[i]);
			break;
		case AS_SET:
			len += 1;
			break;
		default:
			break;
		}
	}
	return len;
}

int aspath_words_origin(const uint32_t *w, uint32_t nwords, uint32_t *origin)
{
	uint32_t last = UINT32_MAX;
	for (uint32_t i = 0; i < nwords; i += 1 + ASPATH_SEG_COUNT(w[i]))
		last = i;
	if (last == UINT32_MAX || ASPATH_SEG_TYPE(w[last]) != AS_SEQUENCE ||
	    ASPATH_SEG_COUNT(w[last]) == 0)
		return -1;
	*origin = w[last + ASPATH_SEG_COUNT(w[last])];
	return 0;
}

int aspath_words_first(const uint32_t *w, uint32_t nwords, uint32_t *first)
{
	if (nwords < 2 || ASPATH_SEG_TYPE(w[0]) != AS_SEQUENCE || ASPATH_SEG_COUNT(w[0]) == 0)
		return -1;
	*first = w[1];
	return 0;
}

int aspath_words_has_set(const uint32_t *w, uint32_t nwords)
{
	for (uint32_t i = 0; i < nwords; i += 1 + ASPATH_SEG_COUNT(w[i])) {
		uint32_t t = ASPATH_SEG_TYPE(w[i]);
		if (t == AS_SET || t == AS_CONFED_SET)
			return 1;
	}
	return 0;
}

/* Append s to buf at *off; on overflow end the text with "..." and return -1. */
static int put(char *buf, size_t size, size_t *off, const char *s, size_t n)
{
	if (*off + n + 4 > size) {
		size_t at = *off + 4 > size ? size - 4 : *off;
		memcpy(buf + at, "...", 4);
		*off = at + 3;
		return -1;
	}
	memcpy(buf + *off, s, n);
	*off += n;
	buf[*off] = '\0';
	return 0;
}

size_t aspath_words_format(const uint32_t *w, uint32_t nwords, char *buf, size_t size)
{
	size_t off = 0;
	if (size < 4) {
		if (size)
			buf[0] = '\0';
		return 0;
	}
	buf[0] = '\0';
	for (uint32_t i = 0; i < nwords; i += 1 + ASPATH_SEG_COUNT(w[i])) {
		uint32_t type = ASPATH_SEG_TYPE(w[i]), n = ASPATH_SEG_COUNT(w[i]);
		const char *open = "", *close = "", *sep = " ";
		switch (type) {
		case AS_SET:
			open = "{", close = "}", sep = ",";
			break;
		case AS_CONFED_SEQUENCE:
			open = "(", close = ")";
			break;
		case AS_CONFED_SET:
			open = "[", close = "]", sep = ",";
			break;
		}
		if ((i && put(buf, size, &off, " ", 1)) || put(buf, size, &off, open, strlen(open)))
			return off;
		for (uint32_t j = 0; j < n && i + 1 + j < nwords; j++) {
			char tmp[16];
			int k = snprintf(tmp, sizeof(tmp), "%s%u", j ? sep : "", w[i + 1 + j]);
			if (put(buf, size, &off, tmp, (size_t)k))
				return off;
		}
		if (put(buf, size, &off, close, strlen(close)))
			return off;
	}
	return off;
}

int aspath_parse(const char *s, struct aspath_buf *b)
{
	aspath_buf_reset(b);
	int open = 0; /* 0, or the closing character expected */
	while (*s) {
		if (isspace((unsigned char)*s) || *s == ',') {
			if (*s == ',' && open != '}' && open != ']')
				return -1;
			s++;
			continue;
		}
		if (*s == '{' || *s == '(' || *s == '[') {
			if (open)
				return -1;
			open = *s == '{' ? '}' : *s == '(' ? ')' : ']';
			aspath_buf_segment(b, *s == '{'   ? AS_SET
			                      : *s == '(' ? AS_CONFED_SEQUENCE
			                                  : AS_CONFED_SET);
			s++;
			continue;
		}
		if (*s == '}' || *s == ')' || *s == ']') {
			if (*s != open)
				return -1;
			open = 0;
			b->last_hdr = UINT32_MAX;
			s++;
			continue;
		}
		char tok[32];
		size_t n = 0;
		while (s[n] && !isspace((unsigned char)s[n]) && !strchr(",{}()[]", s[n]))
			n++;
		if (n == 0 || n >= sizeof(tok))
			return -1;
		memcpy(tok, s, n);
		tok[n] = '\0';
		s += n;
		uint32_t asn;
		if (asn_parse(tok, &asn) != 0)
			return -1;
		if (!open && (b->last_hdr == UINT32_MAX ||
		                 ASPATH_SEG_TYPE(b->w[b->last_hdr]) != AS_SEQUENCE))
			aspath_buf_segment(b, AS_SEQUENCE);
		if (aspath_buf_push(b, asn) != 0)
			return -1;
	}
	return open ? -1 : 0;
}
