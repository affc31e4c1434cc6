/*
 * rcynic (rpki.net) validated-ROA text: one ROA per line,
 *   <signing-time> <ASN> <prefix>[-<maxlen>] <prefix>[-<maxlen>] ...
 * e.g. "2017-01-01T00:31:58Z 6830 213.126.192.0/18 2a02:a200::/28-32". Each prefix is one VRP.
 */
#include <stdlib.h>
#include <string.h>

#include "rpki/rpki_private.h"

#define TOK_MAX 64

/* Next whitespace-separated token of s[0..l) from *i into tok; 0 at end of line, -1 when the
 * token is too long (it is skipped). */
static int next_tok(const char *s, size_t l, size_t *i, char *tok)
{
	while (*i < l && (s[*i] == ' ' || s[*i] == '\t' || s[*i] == '\r'))
		(*i)++;
	if (*i >= l)
		return 0;
	size_t n = 0;
	int toolong = 0;
	while (*i < l && s[*i] != ' ' && s[*i] != '\t' && s[*i] != '\r') {
		if (n < TOK_MAX)
			tok[n++] = s[*i];
		else
			toolong = 1;
		(*i)++;
	}
	tok[n] = '\0';
	return toolong ? -1 : 1;
}

static int rcynic_line(struct load_ctx *c, size_t lineno, const char *s, size_t l)
{
	char tok[TOK_MAX + 1], asn_s[TOK_MAX + 1];
	size_t i = 0;
	int r;
	if (next_tok(s, l, &i, tok) <= 0 || next_tok(s, l, &i, asn_s) <= 0) {
		c->st->records++;
		return load_bad(c, lineno, "expected '<time> <ASN> <prefix>...'");
	}
	uint32_t asn;
	if (asn_parse(asn_s, &asn) < 0) {
		c->st->records++;
		return load_bad(c, lineno, "bad ASN '%.30s'", asn_s);
	}
	int nprefix = 0;
	while ((r = next_tok(s, l, &i, tok)) != 0) {
		nprefix++;
		if (r < 0) {
			c->st->records++;
			if (load_bad(c, lineno, "prefix field too long") < 0)
				return -2;
			continue;
		}
		long maxlen = -1;
		char *dash = strchr(tok, '-');
		if (dash != NULL) {
			*dash = '\0';
			char *end;
			maxlen = strtol(dash + 1, &end, 10);
			if (dash[1] == '\0' || *end != '\0' || maxlen < 0 || maxlen > 128) {
				c->st->records++;
				if (load_bad(c, lineno, "bad maxLength in '%s-%.20s'", tok,
				        dash + 1) < 0)
					return -2;
				continue;
			}
		}
		if (load_vrp(c, lineno, asn, tok, maxlen) < 0)
			return -2;
	}
	if (nprefix == 0) {
		c->st->records++;
		return load_bad(c, lineno, "ROA without prefixes");
	}
	return 0;
}

int vrp_load_rcynic(struct load_ctx *c, const char *buf, size_t len)
{
	size_t pos = 0, lineno = 0;
	c->st->format = VRP_FMT_RCYNIC;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		const char *s = buf + pos;
		size_t l = end - pos;
		pos = end + 1;
		lineno++;
		if (l == 0 || s[0] == '#' || (l == 1 && s[0] == '\r'))
			continue;
		if (rcynic_line(c, lineno, s, l) < 0)
			return -2;
	}
	return 0;
}
