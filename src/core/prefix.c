/* IPv4/IPv6 prefixes: parsing, printing, containment. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

void prefix_mask(struct prefix *p)
{
	unsigned len = p->len > 128 ? 128 : p->len, full = len / 8;
	if (len % 8)
		p->addr[full++] &= (uint8_t)(0xff00 >> (len % 8));
	if (full < 16) /* the bytes past the length, and an IPv4 address's unused twelve */
		memset(p->addr + full, 0, 16 - full);
}

/* The usual "a.b.c.d" (four decimal octets up to 255, no leading zeros: a subset of what
 * inet_pton accepts, read the same) without the copy and the call; 0 for anything else. */
static int ipv4_fast(const char *s, size_t n, uint8_t *out)
{
	size_t i = 0;
	for (int oct = 0; oct < 4; oct++) {
		unsigned v = 0, nd = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9' && nd < 4) {
			v = v * 10 + (unsigned)(s[i] - '0');
			i++;
			nd++;
		}
		if (nd == 0 || nd > 3 || v > 255 || (nd > 1 && s[i - nd] == '0'))
			return 0;
		out[oct] = (uint8_t)v;
		if (oct < 3) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
	}
	return i == n;
}

static int prefix_parse_common(const char *s, struct prefix *p, int strict)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(buf))
		return -1;
	memset(p, 0, sizeof(*p));
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (ipv4_fast(s, alen, p->addr)) {
		p->afi = AFI_IPV4;
	} else if (strchr(buf, ':')) {
		if (inet_pton(AF_INET6, buf, p->addr) != 1)
			return -1;
		p->afi = AFI_IPV6;
	} else {
		if (inet_pton(AF_INET, buf, p->addr) != 1)
			return -1;
		p->afi = AFI_IPV4;
	}
	int max = prefix_maxlen(p->afi);
	if (slash) {
		const char *l = slash + 1;
		if (*l < '0' || *l > '9')
			return -1;
		long len = 0;
		for (; *l >= '0' && *l <= '9'; l++)
			if (len <= 128)
				len = len * 10 + (*l - '0');
		if (*l != '\0' || len > max)
			return -1;
		p->len = (uint8_t)len;
	} else
		p->len = (uint8_t)max;
	struct prefix m = *p;
	prefix_mask(&m);
	if (strict && memcmp(m.addr, p->addr, 16) != 0)
		return -1;
	*p = m;
	return 0;
}

int prefix_parse(const char *s, struct prefix *p)
{
	return prefix_parse_common(s, p, 1);
}
int prefix_parse_loose(const char *s, struct prefix *p)
{
	return prefix_parse_common(s, p, 0);
}

int prefix_from_wire(
    struct prefix *p, uint8_t afi, uint8_t len, const uint8_t *bytes, int *trailing)
{
	if ((afi != AFI_IPV4 && afi != AFI_IPV6) || len > prefix_maxlen(afi))
		return -1;
	memset(p, 0, sizeof(*p));
	p->afi = afi;
	p->len = len;
	memcpy(p->addr, bytes, (len + 7u) / 8u);
	uint8_t last = (len % 8) ? p->addr[len / 8] : 0;
	prefix_mask(p);
	if (trailing)
		*trailing = (len % 8) && last != p->addr[len / 8];
	return 0;
}

/* Decimal digits of v (< 1000) at s; returns the end. */
static char *put_dec(char *s, unsigned v)
{
	if (v >= 100)
		*s++ = (char)('0' + v / 100);
	if (v >= 10)
		*s++ = (char)('0' + v / 10 % 10);
	*s++ = (char)('0' + v % 10);
	return s;
}

/* IPv4 by hand: reports format a prefix for every finding and route they show, and
 * inet_ntop plus snprintf cost more than the rest of that. IPv6 goes through inet_ntop
 * (its "::" compression rules are easy to get subtly wrong). */
char *prefix_addr_format(uint8_t afi, const uint8_t *addr, char *buf, size_t size)
{
	if (afi == AFI_IPV4 && size >= 16) {
		char *s = buf;
		for (int i = 0; i < 4; i++) {
			if (i)
				*s++ = '.';
			s = put_dec(s, addr[i]);
		}
		*s = '\0';
		return buf;
	}
	if (inet_ntop(afi == AFI_IPV4 ? AF_INET : AF_INET6, addr, buf, (socklen_t)size) == NULL)
		snprintf(buf, size, "?");
	return buf;
}

char *prefix_format(const struct prefix *p, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];
	size_t n = strlen(prefix_addr_format(p->afi, p->addr, a, sizeof(a)));
	if (size >= n + 5) {
		memcpy(buf, a, n);
		char *s = put_dec(buf + n + 1, p->len);
		buf[n] = '/';
		*s = '\0';
	} else
		snprintf(buf, size, "%s/%u", a, p->len);
	return buf;
}

int prefix_cmp(const struct prefix *a, const struct prefix *b)
{
	if (a->afi != b->afi)
		return a->afi < b->afi ? -1 : 1;
	int c = memcmp(a->addr, b->addr, a->afi == AFI_IPV4 ? 4 : 16);
	if (c)
		return c < 0 ? -1 : 1;
	return a->len == b->len ? 0 : (a->len < b->len ? -1 : 1);
}
