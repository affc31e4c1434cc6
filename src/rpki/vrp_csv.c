/*
 * CSV VRP files: Routinator and rpki-client ("ASN,IP Prefix,Max Length,Trust Anchor[,Expires]")
 * and the RIPE NCC validator export ("ASN","IP Prefix","Max Length"..., ASN as "AS123",
 * fields possibly quoted). Columns are found by header name when there is a header, else the
 * order is ASN, prefix, maxLength. Lines starting with '#' are comments.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "rpki/rpki_private.h"

#define CSV_MAX_FIELDS 16
#define CSV_MAX_LINE 1024

/* Split line (NUL-terminated, modified) into fields; strips quotes and surrounding blanks. */
static int csv_split(char *line, char **f, int max)
{
	int n = 0;
	char *p = line;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		char *start = p, *out = p;
		if (*p == '"') {
			p++;
			start = out = p;
			while (*p && !(*p == '"' && p[1] != '"')) {
				if (*p == '"')
					p++; /* "" is a quote */
				*out++ = *p++;
			}
			if (*p == '"')
				p++;
			while (*p && *p != ',')
				p++;
		} else {
			while (*p && *p != ',')
				out++, p++;
			while (out > start && (out[-1] == ' ' || out[-1] == '\t'))
				out--;
		}
		int last = *p != ',';
		if (!last)
			p++;
		*out = '\0';
		if (n < max)
			f[n++] = start;
		if (last)
			return n;
	}
}

struct csv_cols {
	int asn, prefix, maxlen, ta, nmin; /* ta: the "Trust Anchor" column, -1 none */
};

static int find_col(char **f, int n, const char *const *names)
{
	for (int i = 0; i < n; i++)
		for (int k = 0; names[k]; k++)
			if (strcasecmp(f[i], names[k]) == 0)
				return i;
	return -1;
}

/* 1 when the split line is a header (its columns recorded in cols). */
static int csv_header(char **f, int n, struct csv_cols *cols)
{
	static const char *const asn_names[] = {"asn", "as", "origin", "origin_as", NULL};
	static const char *const pfx_names[] = {"ip prefix", "prefix", "ip_prefix", NULL};
	static const char *const max_names[] = {
	    "max length", "maxlength", "max_length", "maxlen", "max-length", NULL};
	static const char *const ta_names[] = {"trust anchor", "ta", "trust_anchor", NULL};
	struct prefix p;
	for (int i = 0; i < n; i++)
		if (prefix_parse(f[i], &p) == 0)
			return 0;
	int a = find_col(f, n, asn_names), b = find_col(f, n, pfx_names);
	if (a < 0 || b < 0)
		return 0;
	cols->asn = a;
	cols->prefix = b;
	cols->maxlen = find_col(f, n, max_names);
	cols->ta = find_col(f, n, ta_names);
	cols->nmin = (a > b ? a : b) + 1;
	return 1;
}

int vrp_load_csv(struct load_ctx *c, const char *buf, size_t len)
{
	struct csv_cols cols = {0, 1, 2, -1, 2};
	char line[CSV_MAX_LINE + 1], *f[CSV_MAX_FIELDS];
	size_t lineno = 0, pos = 0;
	int seen_data = 0;
	c->st->format = VRP_FMT_CSV;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len, l = end - pos;
		const char *s = buf + pos;
		pos = end + 1;
		lineno++;
		while (l > 0 && (s[l - 1] == '\r' || s[l - 1] == ' '))
			l--;
		if (l == 0 || s[0] == '#')
			continue;
		if (l > CSV_MAX_LINE || memchr(s, '\0', l) != NULL) {
			c->st->records++;
			if (load_bad(c, lineno, "line too long or binary") < 0)
				return -2;
			continue;
		}
		memcpy(line, s, l);
		line[l] = '\0';
		int n = csv_split(line, f, CSV_MAX_FIELDS);
		if (!seen_data && csv_header(f, n, &cols)) {
			seen_data = 1;
			continue;
		}
		seen_data = 1;
		if (n < cols.nmin) {
			c->st->records++;
			if (load_bad(c, lineno, "%d fields, expected at least %d", n, cols.nmin) <
			    0)
				return -2;
			continue;
		}
		const char *ml = cols.maxlen >= 0 && cols.maxlen < n ? f[cols.maxlen] : NULL;
		c->has_ta = cols.ta >= 0 && cols.ta < n;
		c->ta = c->has_ta ? f[cols.ta] : NULL;
		c->talen = c->has_ta ? strlen(f[cols.ta]) : 0;
		if (load_vrp_text(c, lineno, f[cols.asn], f[cols.prefix], ml) < 0)
			return -2;
	}
	return 0;
}
