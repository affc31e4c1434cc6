/*
 * Administrative bogons from files: Team Cymru (full)bogons lists (one prefix a line, '#'
 * comments; any compression) and the IANA address-space registries as XML.
 *
 * The XML is read with a small tolerant scan instead of an XML library: the IANA files are
 * machine-generated, flat lists of <record> elements (attributes allowed) with <prefix>, <status>,
 * <designation> or <description> children, and only those are needed. The scan never reads past the
 * buffer, ignores everything else (notes, xrefs, nested registries) and skips a record whose
 * prefix does not parse (counted).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registry/registry.h"
#include "registry/registry_private.h"

#define LOG_FIRST 10

static void add_admin(struct bogon_db *db, struct bogon_file *bf, const struct prefix *p,
    const char *what, uint32_t line)
{
	struct bogon_admin *a = arena_alloc(&db->arena, sizeof(*a));
	a->source = bf->path;
	a->what = what;
	a->line = line;
	int created;
	void **slot = trie_insert(&db->admin, p, &created);
	if (created)
		*slot = a;
	if (p->afi == AFI_IPV4)
		bf->v4++;
	else
		bf->v6++;
}

static void load_list(struct bogon_db *db, struct bogon_file *bf, const char *buf, size_t len)
{
	const char *s = buf, *end = buf + len;
	uint32_t line = 0;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;
		line++;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		size_t n = (size_t)(e - s);
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
			n--;
		if (n > 0 && s[0] != '#') {
			char tmp[64];
			struct prefix p;
			if (n < sizeof(tmp)) {
				memcpy(tmp, s, n);
				tmp[n] = '\0';
			}
			if (n >= sizeof(tmp) || prefix_parse(tmp, &p) != 0) {
				if (bf->malformed++ < LOG_FIRST)
					log_warn("%s:%u: not a prefix", bf->path, line);
			} else {
				add_admin(db, bf, &p, "fullbogons", line);
			}
		}
		s = nl ? nl + 1 : end;
	}
}

/* Text of the first <tag>..</tag> inside [s, e), trimmed, into out (size n). 0 if found. */
static int xml_child(const char *s, const char *e, const char *tag, char *out, size_t n)
{
	char open[32], close[32];
	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	const char *a = memmem(s, (size_t)(e - s), open, strlen(open));
	if (a == NULL)
		return -1;
	a += strlen(open);
	const char *b = memmem(a, (size_t)(e - a), close, strlen(close));
	if (b == NULL)
		return -1;
	while (a < b && (*a == ' ' || *a == '\n' || *a == '\r' || *a == '\t'))
		a++;
	while (b > a && (b[-1] == ' ' || b[-1] == '\n' || b[-1] == '\r' || b[-1] == '\t'))
		b--;
	size_t len = (size_t)(b - a) < n - 1 ? (size_t)(b - a) : n - 1;
	memcpy(out, a, len);
	out[len] = '\0';
	return 0;
}

/* "000/8" (IPv4 registry) or an IPv6 prefix. */
static int xml_prefix(const char *text, struct prefix *p)
{
	if (strchr(text, ':'))
		return prefix_parse_loose(text, p);
	char *end;
	unsigned long oct = strtoul(text, &end, 10);
	if (end == text || *end != '/' || oct > 255)
		return -1;
	unsigned long len = strtoul(end + 1, &end, 10);
	if (*end != '\0' || len > 32)
		return -1;
	char tmp[32];
	snprintf(tmp, sizeof(tmp), "%lu.0.0.0/%lu", oct, len);
	return prefix_parse_loose(tmp, p);
}

/* Decide what one record means for the registry kind; returns the admin reason or NULL. */
static const char *record_reason(
    struct bogon_db *db, struct bogon_file *bf, const struct iana_record *r)
{
	if (strcmp(bf->kind, "iana-ipv6-unicast") == 0 && strcasecmp(r->status, "ALLOCATED") == 0) {
		*trie_insert(&db->iana6, &r->p, NULL) = (void *)bf->path; /* any non-NULL value */
		db->have_iana6 = 1;
		return NULL;
	}
	if (strcmp(bf->kind, "iana-ipv6") == 0) {
		if (strcasecmp(r->desc, "Global Unicast") == 0)
			return NULL;
		return arena_printf(&db->arena, "IANA: %s", r->desc);
	}
	if (strcasecmp(r->status, "RESERVED") == 0 || strcasecmp(r->status, "UNALLOCATED") == 0)
		return arena_printf(&db->arena, "IANA %s: %s", r->status, r->desc);
	return NULL;
}

struct xml_arg {
	struct bogon_db *db;
	struct bogon_file *bf;
};

static void xml_record(const struct iana_record *r, void *arg)
{
	struct xml_arg *a = arg;
	const char *why = record_reason(a->db, a->bf, r);
	if (why)
		add_admin(a->db, a->bf, &r->p, why, r->line);
}

uint64_t reg_iana_xml_each(const char *buf, size_t len, const char *name, reg_iana_fn fn, void *arg)
{
	const char *s = buf, *end = buf + len, *lp = buf;
	uint32_t line = 1;
	uint64_t malformed = 0;
	for (;;) {
		const char *rs = memmem(s, (size_t)(end - s), "<record", 7);
		if (rs == NULL)
			break;
		if (rs + 7 < end && rs[7] != '>' && rs[7] != ' ' && rs[7] != '\t' &&
		    rs[7] != '\n') {
			s = rs + 7; /* <records>, <recordx ...>: not a record */
			continue;
		}
		const char *re = memmem(rs, (size_t)(end - rs), "</record>", 9);
		if (re == NULL)
			re = end;
		for (; lp < rs; lp++)
			line += *lp == '\n';
		char text[128];
		struct iana_record r;
		memset(&r, 0, sizeof(r));
		r.line = line;
		if (xml_child(rs, re, "prefix", text, sizeof(text)) != 0 ||
		    xml_prefix(text, &r.p) != 0) {
			if (malformed++ < LOG_FIRST)
				log_warn("%s:%u: record without a usable <prefix>", name, line);
		} else {
			xml_child(rs, re, "status", r.status, sizeof(r.status));
			if (xml_child(rs, re, "designation", r.desc, sizeof(r.desc)) != 0)
				xml_child(rs, re, "description", r.desc, sizeof(r.desc));
			xml_child(rs, re, "whois", r.whois, sizeof(r.whois));
			fn(&r, arg);
		}
		s = re < end ? re + 9 : end;
	}
	return malformed;
}

const char *reg_iana_xml_kind(const char *buf, size_t len)
{
	size_t head = len < 4096 ? len : 4096;
	if (!memmem(buf, head, "<?xml", 5) && !memmem(buf, head, "<registry", 9))
		return NULL;
	const char *r = memmem(buf, len, "<registry", 9);
	if (r == NULL)
		return "";
	size_t rest = len - (size_t)(r - buf);
	const char *gt = memchr(r, '>', rest);
	size_t hl = gt ? (size_t)(gt - r) : rest;
	if (memmem(r, hl, "id=\"ipv4-address-space\"", 23))
		return "iana-ipv4";
	if (memmem(r, hl, "id=\"ipv6-address-space\"", 23))
		return "iana-ipv6";
	if (memmem(r, hl, "id=\"ipv6-unicast-address-assignments\"", 37))
		return "iana-ipv6-unicast";
	return "";
}

int bogon_load_mem(struct bogon_db *db, const char *buf, size_t len, const char *name)
{
	if (db->nfiles == (int)(sizeof(db->files) / sizeof(db->files[0]))) {
		log_err("%s: too many bogon files", name);
		return -1;
	}
	struct bogon_file *bf = &db->files[db->nfiles];
	memset(bf, 0, sizeof(*bf));
	bf->path = arena_strdup(&db->arena, name);
	bf->kind = reg_iana_xml_kind(buf, len);
	if (bf->kind && bf->kind[0] == '\0') {
		log_err("%s: XML but not an IANA address-space registry", name);
		return -1;
	}
	if (bf->kind) {
		struct xml_arg a = {db, bf};
		bf->malformed += reg_iana_xml_each(buf, len, bf->path, xml_record, &a);
	} else {
		bf->kind = "cymru";
		load_list(db, bf, buf, len);
	}
	db->nfiles++;
	return 0;
}

int bogon_load(struct bogon_db *db, const char *path)
{
	size_t len;
	char *buf = zinput_slurp(path, &len);
	if (buf == NULL)
		return -1;
	int rc = bogon_load_mem(db, buf, len, path);
	free(buf);
	return rc;
}
