/* base64url (RFC 4648 section 5) without padding, as JOSE uses it (RFC 7515 section 2), with a
 * strict decoder: one text per byte string. */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "sign/sign.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t b64url_len(size_t n)
{
	return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
}

char *b64url_encode(const void *p, size_t n)
{
	const unsigned char *b = p;
	char *out = xmalloc(b64url_len(n) + 1), *o = out;
	size_t i = 0;
	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)b[i] << 16 | (uint32_t)b[i + 1] << 8 | b[i + 2];
		*o++ = alphabet[v >> 18];
		*o++ = alphabet[(v >> 12) & 63];
		*o++ = alphabet[(v >> 6) & 63];
		*o++ = alphabet[v & 63];
	}
	if (n - i == 1) {
		*o++ = alphabet[b[i] >> 2];
		*o++ = alphabet[(b[i] & 3) << 4];
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)b[i] << 8 | b[i + 1];
		*o++ = alphabet[v >> 10];
		*o++ = alphabet[(v >> 4) & 63];
		*o++ = alphabet[(v & 15) << 2];
	}
	*o = '\0';
	return out;
}

static int value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

int b64url_decode(const char *s, size_t len, unsigned char **out, size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	if (len % 4 == 1)
		return -1;
	unsigned char *b = xmalloc(len / 4 * 3 + 3);
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < len; i++) {
		int v = value((unsigned char)s[i]);
		if (v < 0) {
			free(b);
			return -1;
		}
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			b[o++] = (unsigned char)(acc >> bits);
		}
	}
	/* the bits left over must be zero: "QQ" is "A", "QR" is refused */
	if (bits && (acc & ((1u << bits) - 1)) != 0) {
		free(b);
		return -1;
	}
	b[o] = '\0';
	*out = b;
	*outlen = o;
	return 0;
}
