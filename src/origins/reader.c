/* Prefix-to-origin tables (CAIDA prefix2as, RIS riswhois, pyasn) read as RIB routes. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "origins/origins.h"

#define MAX_ORIGINS 64  /* origins of one row kept; more is malformed */
#define DETECT_LINES 20 /* rows that must agree on the format */
#define LOG_FIRST 10    /* malformed rows logged one by one */

struct origins_reader {
	struct zlines lines;
	enum origins_format fmt;
	uint32_t ts;
	int strict;
	struct origins_stats st;
	/* the row being handed out: its prefix and the origins left */
	struct prefix prefix;
	uint32_t origin[MAX_ORIGINS];
	int norigin, next;
	uint64_t row; /* its line number */
	uint32_t words[2];
	struct bgp_attrs attrs;
};

const char *origins_format_name(enum origins_format f)
{
	switch (f) {
	case ORIGINS_PFX2AS:
		return "pfx2as";
	case ORIGINS_RISWHOIS:
		return "riswhois";
	case ORIGINS_PYASN:
		return "pyasn";
	default:
		return "none";
	}
}

static int all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int is_comment(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0' || *s == '%' || *s == ';' || *s == '#';
}

/*
 * "a", "a_b" (several origins), "a,b" or "{a,b}" (an AS set: no origin), "a_b,c". The single
 * origins go to out (at most MAX_ORIGINS); *sets counts the AS sets. -1 when malformed.
 */
static int parse_origins(char *s, uint32_t *out, int *n, uint64_t *sets)
{
	*n = 0;
	if (*s == '\0')
		return -1;
	for (char *save = NULL, *c = strtok_r(s, "_", &save); c; c = strtok_r(NULL, "_", &save)) {
		if (strchr(c, ',') || *c == '{') {
			size_t l = strlen(c);
			if (*c == '{' && (l < 3 || c[l - 1] != '}'))
				return -1;
			(*sets)++;
			continue;
		}
		if (!all_digits(c) || *n == MAX_ORIGINS || asn_parse(c, &out[*n]) != 0)
			return -1;
		(*n)++;
	}
	return 0;
}

/* Split a row into its prefix text and origins text by format; -1 when it has not the
 * shape. pfx2as gives the address and length separately (joined into pbuf). */
static int row_fields(enum origins_format f, char *line, char *pbuf, size_t size, char **origins)
{
	char *fld[4];
	int n = split_ws(line, fld, 4);
	switch (f) {
	case ORIGINS_PFX2AS:
		if (n != 3 || !all_digits(fld[1]) || strchr(fld[0], '/'))
			return -1;
		snprintf(pbuf, size, "%s/%s", fld[0], fld[1]);
		*origins = fld[2];
		return 0;
	case ORIGINS_RISWHOIS:
		if (n != 3 || !strchr(fld[1], '/') || !all_digits(fld[2]))
			return -1;
		snprintf(pbuf, size, "%s", fld[1]);
		*origins = fld[0];
		return 0;
	case ORIGINS_PYASN:
		if (n != 2 || !strchr(fld[0], '/'))
			return -1;
		snprintf(pbuf, size, "%s", fld[0]);
		*origins = fld[1];
		return 0;
	default:
		return -1;
	}
}

/* A row parses in format f: prefix and origins. */
static int row_parse(enum origins_format f, const char *line, struct prefix *p, uint32_t *orig,
    int *norig, uint64_t *sets)
{
	char copy[512], pbuf[128], *otext;
	if (strlen(line) >= sizeof(copy))
		return -1;
	memcpy(copy, line, strlen(line) + 1);
	if (row_fields(f, copy, pbuf, sizeof(pbuf), &otext) != 0 || prefix_parse(pbuf, p) != 0)
		return -1;
	return parse_origins(otext, orig, norig, sets);
}

enum origins_format origins_detect(const char *path)
{
	struct zinput *in = zinput_open(path, path, 0, 0);
	if (in == NULL)
		return ORIGINS_NONE;
	/* the first 64 KiB decompressed are plenty for DETECT_LINES rows */
	char *buf = xmalloc(65536);
	size_t len = 0;
	ssize_t k;
	while (len < 65535 && (k = zinput_read(in, (uint8_t *)buf + len, 65535 - len)) > 0)
		len += (size_t)k;
	zinput_close(in);
	buf[len] = '\0';
	enum origins_format found = ORIGINS_NONE;
	int rows = 0;
	char *save = NULL;
	for (char *line = strtok_r(buf, "\n", &save); line && rows < DETECT_LINES;
	     line = strtok_r(NULL, "\n", &save)) {
		if (save && *save == '\0' && len == 65535)
			break; /* possibly cut by the window */
		size_t l = strlen(line);
		if (l && line[l - 1] == '\r')
			line[--l] = '\0';
		if (is_comment(line))
			continue;
		enum origins_format f = ORIGINS_NONE;
		struct prefix p;
		uint32_t o[MAX_ORIGINS];
		int n;
		uint64_t sets = 0;
		for (int c = ORIGINS_PFX2AS; c <= ORIGINS_PYASN && f == ORIGINS_NONE; c++)
			if (row_parse((enum origins_format)c, line, &p, o, &n, &sets) == 0)
				f = (enum origins_format)c;
		if (f == ORIGINS_NONE || (found != ORIGINS_NONE && f != found)) {
			found = ORIGINS_NONE;
			break;
		}
		found = f;
		rows++;
	}
	free(buf);
	return rows > 0 ? found : ORIGINS_NONE;
}

static int64_t utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {
	    .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59)
		return -1;
	return (int64_t)timegm(&tm);
}

int64_t origins_time_from_name(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	/* the first run of 8 digits that is a date, with "-HHMM" or ".HHMM" after it if any */
	for (const char *s = base; *s; s++) {
		if (!isdigit((unsigned char)*s) || (s > base && isdigit((unsigned char)s[-1])))
			continue;
		size_t n = strspn(s, "0123456789");
		if (n != 8)
			continue;
		int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
		int mo = (s[4] - '0') * 10 + (s[5] - '0'), d = (s[6] - '0') * 10 + (s[7] - '0');
		int h = 0, mi = 0;
		if ((s[8] == '-' || s[8] == '.') && strspn(s + 9, "0123456789") == 4) {
			h = (s[9] - '0') * 10 + (s[10] - '0');
			mi = (s[11] - '0') * 10 + (s[12] - '0');
		}
		if (y >= 1990 && y <= 2100) {
			int64_t t = utc(y, mo, d, h, mi);
			if (t >= 0)
				return t;
		}
	}
	return -1;
}

struct origins_reader *origins_open(
    const char *path, enum origins_format f, uint32_t ts, int strict)
{
	struct origins_reader *r = xcalloc(1, sizeof(*r));
	if (zlines_open(&r->lines, path) != 0) {
		free(r);
		return NULL;
	}
	r->fmt = f;
	r->ts = ts;
	r->strict = strict;
	r->attrs.present = 1u << BGP_ATTR_AS_PATH;
	r->attrs.origin = BGP_ORIGIN_INCOMPLETE;
	r->attrs.aspath = r->words;
	r->attrs.aspath_nwords = 2;
	return r;
}

/* Read rows until one with an origin; 1, 0 at the end, -1 / -2 as origins_next. */
static int next_row(struct origins_reader *r)
{
	char *line;
	size_t len;
	int rc;
	while ((rc = zlines_next(&r->lines, &line, &len)) == 1) {
		r->st.lines++;
		if (is_comment(line))
			continue;
		r->st.entries++;
		if (row_parse(r->fmt, line, &r->prefix, r->origin, &r->norigin, &r->st.as_sets) !=
		    0) {
			r->st.malformed++;
			if (r->st.malformed <= LOG_FIRST || r->strict)
				log_warn("%s:%llu: not a %s row: %.80s", r->lines.path,
				    (unsigned long long)r->lines.lineno,
				    origins_format_name(r->fmt), line);
			if (r->strict)
				return -2;
			continue;
		}
		if (r->norigin > 1)
			r->st.moas++;
		if (r->norigin == 0)
			continue; /* AS sets only */
		r->row = r->lines.lineno;
		r->next = 0;
		return 1;
	}
	if (rc == 0 && r->st.malformed > LOG_FIRST)
		log_warn("%s: %llu malformed rows skipped in all", r->lines.path,
		    (unsigned long long)r->st.malformed);
	return rc;
}

int origins_next(struct origins_reader *r, struct mrt_route *rt)
{
	if (r->next >= r->norigin) {
		int rc = next_row(r);
		if (rc != 1)
			return rc;
	}
	uint32_t asn = r->origin[r->next++];
	r->words[0] = ASPATH_SEG_HDR(AS_SEQUENCE, 1);
	r->words[1] = asn;
	memset(rt, 0, sizeof(*rt));
	rt->kind = MRT_ROUTE_RIB;
	rt->ts = r->ts;
	rt->record = r->row;
	rt->peer.afi = r->prefix.afi;
	rt->prefix = r->prefix;
	memcpy(rt->prefix_wire, r->prefix.addr, sizeof(rt->prefix_wire));
	rt->safi = 1;
	rt->origin_only = 1;
	rt->attrs = &r->attrs;
	r->st.routes++;
	return 1;
}

const struct origins_stats *origins_stats(const struct origins_reader *r)
{
	return &r->st;
}

void origins_progress(const struct origins_reader *r, uint64_t *done, uint64_t *total)
{
	zinput_progress(r->lines.in, done, total);
}

void origins_close(struct origins_reader *r)
{
	if (r == NULL)
		return;
	zlines_close(&r->lines);
	free(r);
}
