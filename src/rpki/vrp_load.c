/* Loading VRP/ASPA files: read, detect the format from the content, dispatch to the format's
 * parser; the shared record helpers every parser uses. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rpki/rpki_private.h"

const char *vrp_format_name(enum vrp_format f)
{
	switch (f) {
	case VRP_FMT_JSON:
		return "json";
	case VRP_FMT_CSV:
		return "csv";
	case VRP_FMT_RCYNIC:
		return "rcynic";
	default:
		return "unknown";
	}
}

int load_bad(struct load_ctx *c, size_t line, const char *fmt, ...)
{
	char msg[200];
	int off = 0;
	va_list ap;
	if (line == 0 && c->item >= 0)
		off = snprintf(msg, sizeof(msg), "roas[%ld]: ", c->item);
	va_start(ap, fmt);
	vsnprintf(msg + off, sizeof(msg) - (size_t)off, fmt, ap);
	va_end(ap);
	c->st->malformed++;
	if (c->st->malformed == 1) {
		if (line)
			snprintf(c->st->first_error, sizeof(c->st->first_error), "%s:%zu: %s",
			    c->name, line, msg);
		else
			snprintf(
			    c->st->first_error, sizeof(c->st->first_error), "%s: %s", c->name, msg);
	}
	/* one warning per record up to a limit, so a broken file does not flood the terminal */
	if (c->st->malformed <= 20 || c->strict) {
		if (line)
			log_warn("%s:%zu: %s%s", c->name, line, msg, c->strict ? "" : " (skipped)");
		else
			log_warn("%s: %s%s", c->name, msg, c->strict ? "" : " (skipped)");
	}
	return c->strict ? -2 : 0;
}

int load_vrp(struct load_ctx *c, size_t line, uint32_t asn, const char *prefix_s, long maxlen)
{
	struct vrp v;
	memset(&v, 0, sizeof(v));
	c->st->records++;
	if (prefix_parse(prefix_s, &v.p) < 0)
		return load_bad(c, line, "bad prefix '%.60s'", prefix_s);
	if (maxlen < 0)
		maxlen = v.p.len;
	if (maxlen < v.p.len || maxlen > prefix_maxlen(v.p.afi))
		return load_bad(c, line, "maxLength %ld out of range for %.60s", maxlen, prefix_s);
	v.maxlen = (uint8_t)maxlen;
	v.asn = asn;
	if (vrp_table_add(c->t, &v) < 0)
		return load_bad(c, line, "VRP not accepted (table already built)");
	c->st->vrps++;
	if (c->has_ta)
		vrp_table_count_ta(c->t, c->ta, c->talen);
	return 0;
}

static int parse_long(const char *s, long *out)
{
	char *end;
	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	long v = strtol(s, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (errno || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

int load_vrp_text(
    struct load_ctx *c, size_t line, const char *asn_s, const char *prefix_s, const char *maxlen_s)
{
	uint32_t asn;
	long maxlen = -1;
	if (asn_parse(asn_s, &asn) < 0) {
		c->st->records++;
		return load_bad(c, line, "bad ASN '%.30s'", asn_s);
	}
	if (maxlen_s != NULL && *maxlen_s != '\0' && parse_long(maxlen_s, &maxlen) < 0) {
		c->st->records++;
		return load_bad(c, line, "bad maxLength '%.30s'", maxlen_s);
	}
	return load_vrp(c, line, asn, prefix_s, maxlen);
}

/* rcynic text: the first field is an ISO time like 2017-01-01T00:31:34Z. */
static int looks_rcynic(const char *buf, size_t len)
{
	size_t i = 0;
	while (i < len && (buf[i] == '#' || buf[i] == '\n' || buf[i] == '\r')) {
		while (i < len && buf[i] != '\n')
			i++;
		i++;
	}
	if (i + 20 > len)
		return 0;
	return isdigit((unsigned char)buf[i]) && buf[i + 4] == '-' && buf[i + 10] == 'T' &&
	       buf[i + 19] == 'Z';
}

static enum vrp_format detect(const char *buf, size_t len)
{
	size_t i = 0;
	if (len >= 3 && (unsigned char)buf[0] == 0xef && (unsigned char)buf[1] == 0xbb &&
	    (unsigned char)buf[2] == 0xbf)
		i = 3; /* UTF-8 byte order mark */
	while (i < len && isspace((unsigned char)buf[i]))
		i++;
	if (i == len)
		return VRP_FMT_UNKNOWN;
	if (buf[i] == '{' || buf[i] == '[')
		return VRP_FMT_JSON;
	if (looks_rcynic(buf + i, len - i))
		return VRP_FMT_RCYNIC;
	/* CSV: a comma on the first line */
	for (size_t j = i; j < len && buf[j] != '\n'; j++)
		if (buf[j] == ',')
			return VRP_FMT_CSV;
	return VRP_FMT_UNKNOWN;
}

int vrp_load_buffer(struct vrp_table *t, struct aspa_table *aspa, const char *buf, size_t len,
    const char *name, int strict, struct vrp_load_stats *st)
{
	struct vrp_load_stats dummy;
	if (st == NULL)
		st = &dummy;
	memset(st, 0, sizeof(*st));
	struct load_ctx c = {t, aspa, name, strict, st, -1, 0, NULL, 0};
	st->format = detect(buf, len);
	switch (st->format) {
	case VRP_FMT_JSON:
		return vrp_load_json(&c, buf, len);
	case VRP_FMT_CSV:
		return vrp_load_csv(&c, buf, len);
	case VRP_FMT_RCYNIC:
		return vrp_load_rcynic(&c, buf, len);
	default:
		snprintf(st->first_error, sizeof(st->first_error),
		    "%s: unrecognised VRP file format (expected JSON, CSV or rcynic text)", name);
		log_err("%s", st->first_error);
		return -1;
	}
}

int vrp_load_file(struct vrp_table *t, struct aspa_table *aspa, const char *path, int strict,
    struct vrp_load_stats *st)
{
	size_t len;
	char *buf = zinput_slurp(path, &len); /* any compression, detected from the bytes */
	if (buf == NULL) {
		if (st != NULL) {
			memset(st, 0, sizeof(*st));
			snprintf(
			    st->first_error, sizeof(st->first_error), "%s: cannot be read", path);
		}
		return -1;
	}
	int rc = vrp_load_buffer(t, aspa, buf, len, path, strict, st);
	free(buf);
	return rc;
}
