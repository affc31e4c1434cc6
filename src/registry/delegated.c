/*
 * RIR / NRO (extended) delegation statistics:
 *   version line   2|nro|20160406|395402|19821213|20160406|+0000
 *   summary lines  nro|*|asn|*|74480|summary
 *   records        registry|cc|type|start|value|date|status[|opaque-id[|extensions...]]
 * asn rows: start ASN, value = count. ipv4: start address, value = number of addresses
 * (not always a power of two: split into CIDRs). ipv6: start address, value = prefix length.
 *
 * The IANA address-space registries (IPv4 /8s, IPv6 unicast assignments; XML, told from the
 * content) load into the same table as coarse records: the RIR a block is designated to or
 * administered by, no country, no ASNs. A more specific record (an RIR's) wins over them.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registry/registry.h"
#include "registry/registry_private.h"

#define LOG_FIRST 10
#define MAXF 12

static const char *rir_names[RIR_COUNT] = {
    "unknown", "afrinic", "apnic", "arin", "iana", "lacnic", "ripencc"};
static const char *status_names[] = {
    "other", "allocated", "assigned", "available", "reserved", "ietf", "iana"};

const char *deleg_rir_name(int rir)
{
	return rir >= 0 && rir < RIR_COUNT ? rir_names[rir] : "unknown";
}

const char *deleg_status_name(int status)
{
	return status >= 0 && status <= DELEG_IANA ? status_names[status] : "other";
}

int deleg_is_delegated(const struct deleg_entry *e)
{
	return e && (e->status == DELEG_ALLOCATED || e->status == DELEG_ASSIGNED);
}

void delegated_init(struct delegated *d)
{
	memset(d, 0, sizeof(*d));
	trie_init(&d->ip);
	arena_init(&d->arena, 256 * 1024);
}

void delegated_free(struct delegated *d)
{
	free(d->asn);
	trie_free(&d->ip);
	arena_free(&d->arena);
	memset(d, 0, sizeof(*d));
}

static int bad(struct delegated *d, const char *name, uint64_t lineno, const char *why)
{
	if (d->st.malformed++ < LOG_FIRST)
		log_warn("%s:%llu: %s", name ? name : "delegated", (unsigned long long)lineno, why);
	return -1;
}

static int lookup_name(const char *const *names, int n, const char *s, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(names[i]) == len && strncasecmp(names[i], s, len) == 0)
			return i;
	return 0;
}

/* Unsigned decimal of exactly len bytes. */
static int field_u64(const char *s, size_t len, uint64_t *v)
{
	if (len == 0 || len > 19)
		return -1;
	uint64_t x = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = x;
	return 0;
}

/* Index every CIDR of [start, start + count) under e. */
static int add_v4(struct delegated *d, struct deleg_entry *e, uint32_t start, uint64_t count)
{
	if (count == 0 || (uint64_t)start + count > (1ull << 32))
		return -1;
	uint64_t a = start;
	int first = 1;
	while (count > 0) {
		int len = 32;
		/* the largest aligned block at a that fits in count */
		while (len > 0) {
			uint64_t size = 1ull << (32 - (len - 1));
			if ((a & (size - 1)) != 0 || size > count)
				break;
			len--;
		}
		struct prefix p = {.afi = AFI_IPV4, .len = (uint8_t)len};
		p.addr[0] = (uint8_t)(a >> 24), p.addr[1] = (uint8_t)(a >> 16);
		p.addr[2] = (uint8_t)(a >> 8), p.addr[3] = (uint8_t)a;
		if (first)
			e->first = p;
		first = 0;
		int created;
		void **slot = trie_insert(&d->ip, &p, &created);
		if (created || *slot == NULL || (((struct deleg_entry *)*slot)->iana && !e->iana))
			*slot = e;
		d->st.ipv4_cidrs++;
		uint64_t size = 1ull << (32 - len);
		a += size;
		count -= size;
	}
	return 0;
}

/* Index e under p: a record of a delegation file replaces an earlier one of the same block, an
 * IANA registry's record never replaces a file's. */
static void put_ip(struct delegated *d, const struct prefix *p, struct deleg_entry *e)
{
	int created;
	void **slot = trie_insert(&d->ip, p, &created);
	if (created || *slot == NULL || !e->iana || ((struct deleg_entry *)*slot)->iana)
		*slot = e;
}

static int add_record(
    struct delegated *d, const char **f, const size_t *fl, const char *name, uint64_t lineno)
{
	struct deleg_entry e;
	memset(&e, 0, sizeof(e));
	e.rir = (uint8_t)lookup_name(rir_names, RIR_COUNT, f[0], fl[0]);
	e.status = (uint8_t)lookup_name(status_names, DELEG_IANA + 1, f[6], fl[6]);
	e.line = (uint32_t)lineno;
	memcpy(e.cc, f[1], fl[1] == 2 ? 2 : 0);
	uint64_t date = 0;
	if (fl[5] > 0 && field_u64(f[5], fl[5], &date) != 0)
		return bad(d, name, lineno, "bad date");
	e.date = date > UINT32_MAX ? 0 : (uint32_t)date;
	if (field_u64(f[4], fl[4], &e.value) != 0)
		return bad(d, name, lineno, "bad value");
	char start[64];
	if (fl[3] == 0 || fl[3] >= sizeof(start))
		return bad(d, name, lineno, "bad start");
	memcpy(start, f[3], fl[3]);
	start[fl[3]] = '\0';
	if (fl[2] == 3 && strncmp(f[2], "asn", 3) == 0) {
		uint32_t a;
		e.type = DELEG_ASN;
		if (asn_parse(start, &a) != 0 || e.value == 0 || a + (e.value - 1) > UINT32_MAX)
			return bad(d, name, lineno, "bad ASN range");
		e.start = a;
		e.count = (uint32_t)e.value;
		XGROW(d->asn, d->capasn, d->nasn + 1);
		d->asn[d->nasn++] = e;
		d->sorted = 0;
		d->st.asn++;
	} else if (fl[2] == 4 && strncmp(f[2], "ipv4", 4) == 0) {
		struct prefix p;
		e.type = DELEG_IPV4;
		if (prefix_parse(start, &p) != 0 || p.afi != AFI_IPV4)
			return bad(d, name, lineno, "bad IPv4 start address");
		uint32_t a = (uint32_t)p.addr[0] << 24 | (uint32_t)p.addr[1] << 16 |
		             (uint32_t)p.addr[2] << 8 | p.addr[3];
		struct deleg_entry *ep = arena_alloc(&d->arena, sizeof(*ep));
		*ep = e;
		if (add_v4(d, ep, a, e.value) != 0)
			return bad(d, name, lineno, "IPv4 address count out of range");
		d->st.ipv4++;
	} else if (fl[2] == 4 && strncmp(f[2], "ipv6", 4) == 0) {
		char tmp[80];
		struct prefix p;
		e.type = DELEG_IPV6;
		snprintf(tmp, sizeof(tmp), "%s/%llu", start, (unsigned long long)e.value);
		if (e.value > 128 || prefix_parse_loose(tmp, &p) != 0 || p.afi != AFI_IPV6)
			return bad(d, name, lineno, "bad IPv6 prefix");
		struct deleg_entry *ep = arena_alloc(&d->arena, sizeof(*ep));
		e.first = p;
		*ep = e;
		put_ip(d, &p, ep);
		d->st.ipv6++;
	} else {
		return bad(d, name, lineno, "type is not asn, ipv4 or ipv6");
	}
	d->st.records++;
	d->st.per_rir[e.rir]++;
	return 0;
}

int delegated_add_line(
    struct delegated *d, const char *line, size_t len, const char *name, uint64_t lineno)
{
	d->st.lines++;
	if (len == 0)
		return 0;
	if (line[0] == '#') {
		d->st.comments++;
		return 0;
	}
	const char *f[MAXF];
	size_t fl[MAXF];
	int nf = 0;
	const char *p = line, *end = line + len;
	for (;;) {
		const char *bar = memchr(p, '|', (size_t)(end - p));
		if (nf == MAXF)
			break;
		f[nf] = p;
		fl[nf++] = bar ? (size_t)(bar - p) : (size_t)(end - p);
		if (bar == NULL)
			break;
		p = bar + 1;
	}
	if (nf == 6 && fl[5] == 7 && strncmp(f[5], "summary", 7) == 0) {
		d->st.summaries++;
		return 0;
	}
	if (f[0][0] >= '0' && f[0][0] <= '9') { /* version line: "2|nro|serial|..." or "2.3|..." */
		uint64_t serial;
		d->version = (uint32_t)(f[0][0] - '0');
		if (nf >= 3 && field_u64(f[2], fl[2], &serial) == 0 && serial <= UINT32_MAX)
			d->serial = (uint32_t)serial;
		return 0;
	}
	if (nf < 7)
		return bad(d, name, lineno, "fewer than 7 fields");
	return add_record(d, f, fl, name, lineno);
}

static int cmp_asn(const void *a, const void *b)
{
	const struct deleg_entry *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

void delegated_finish(struct delegated *d)
{
	if (d->sorted)
		return;
	if (d->nasn)
		qsort(d->asn, d->nasn, sizeof(*d->asn), cmp_asn);
	d->st.overlaps = 0;
	uint64_t reach = 0; /* one past the highest ASN covered so far */
	for (size_t i = 0; i < d->nasn; i++) {
		if (i > 0 && d->asn[i].start < reach)
			d->st.overlaps++;
		uint64_t e = (uint64_t)d->asn[i].start + d->asn[i].count;
		if (e > reach)
			reach = e;
	}
	d->sorted = 1;
}

struct load_arg {
	struct delegated *d;
	const char *path;
};

static void load_line(const char *line, size_t len, uint64_t lineno, void *arg)
{
	struct load_arg *a = arg;
	delegated_add_line(a->d, line, len, a->path, lineno);
}

/* The RIR of an IANA record: its designation ("RIPE NCC", "Administered by ARIN"), else the
 * whois server it names (legacy blocks designated to their holder). */
static int iana_rir(const struct iana_record *r)
{
	static const char *const names[][3] = {{"AFRINIC", "whois.afrinic.net", "afrinic"},
	    {"APNIC", "whois.apnic.net", "apnic"}, {"ARIN", "whois.arin.net", "arin"},
	    {"IANA", "whois.iana.org", "iana"}, {"LACNIC", "whois.lacnic.net", "lacnic"},
	    {"RIPE NCC", "whois.ripe.net", "ripencc"}};
	const char *desc = r->desc;
	if (strncasecmp(desc, "Administered by ", 16) == 0)
		desc += 16;
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcasecmp(k == 0 ? desc : r->whois, names[i][k]) == 0)
				return lookup_name(
				    rir_names, RIR_COUNT, names[i][2], strlen(names[i][2]));
	return RIR_UNKNOWN;
}

static void iana_record(const struct iana_record *r, void *arg)
{
	struct delegated *d = arg;
	int rir = iana_rir(r);
	if (rir == RIR_UNKNOWN) { /* reserved, multicast, 6to4: no registry holds it */
		d->st.iana_skipped++;
		return;
	}
	struct deleg_entry *e = arena_alloc(&d->arena, sizeof(*e));
	memset(e, 0, sizeof(*e));
	e->first = r->p;
	e->type = r->p.afi == AFI_IPV4 ? DELEG_IPV4 : DELEG_IPV6;
	e->value = r->p.afi == AFI_IPV4 ? 1ull << (32 - r->p.len) : r->p.len;
	e->rir = (uint8_t)rir;
	e->status = strcasecmp(r->status, "ALLOCATED") == 0  ? DELEG_ALLOCATED
	            : strcasecmp(r->status, "LEGACY") == 0   ? DELEG_ASSIGNED
	            : strcasecmp(r->status, "RESERVED") == 0 ? DELEG_RESERVED
	                                                     : DELEG_OTHER;
	e->iana = 1;
	e->line = r->line;
	put_ip(d, &r->p, e);
	d->st.iana++;
	d->st.per_rir[rir]++;
}

int delegated_load_iana_mem(struct delegated *d, const char *buf, size_t len, const char *name)
{
	const char *kind = reg_iana_xml_kind(buf, len);
	if (kind == NULL ||
	    (strcmp(kind, "iana-ipv4") != 0 && strcmp(kind, "iana-ipv6-unicast") != 0)) {
		log_err(
		    "%s: not the IANA IPv4 address space or IPv6 unicast assignments XML", name);
		return -1;
	}
	d->st.malformed += reg_iana_xml_each(buf, len, name, iana_record, d);
	return 0;
}

/* An IANA registry file: 1 when it was XML (loaded, or -1 in *rc), 0 when not. */
static int load_iana(struct delegated *d, const char *path, int *rc)
{
	char head[4096];
	struct zinput *z = zinput_open(path, path, 0, 1);
	if (z == NULL) {
		*rc = -1;
		return 1;
	}
	size_t n = 0;
	ssize_t r;
	while (n < sizeof(head) && (r = zinput_read(z, (uint8_t *)head + n, sizeof(head) - n)) > 0)
		n += (size_t)r;
	zinput_close(z);
	if (n == 0 || reg_iana_xml_kind(head, n) == NULL)
		return 0;
	size_t len;
	char *buf = zinput_slurp(path, &len);
	*rc = buf ? delegated_load_iana_mem(d, buf, len, path) : -1;
	free(buf);
	return 1;
}

int delegated_load(struct delegated *d, const char *path)
{
	int rc;
	if (load_iana(d, path, &rc))
		return rc;
	struct load_arg a = {d, path};
	uint64_t before = d->st.malformed;
	rc = reg_each_line(path, load_line, &a);
	if (d->st.malformed - before > LOG_FIRST)
		log_warn("%s: %llu malformed lines skipped in all", path,
		    (unsigned long long)(d->st.malformed - before));
	delegated_finish(d);
	return rc;
}

const struct deleg_entry *delegated_asn(const struct delegated *d, uint32_t asn)
{
	/* last range starting at or before asn; with overlaps, look back a little further */
	size_t lo = 0, hi = d->nasn;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->asn[mid].start <= asn)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i > 0 && lo - i < 8; i--) {
		const struct deleg_entry *e = &d->asn[i - 1];
		if ((uint64_t)asn < (uint64_t)e->start + e->count)
			return e;
		if (d->st.overlaps == 0)
			break;
	}
	return NULL;
}

const struct deleg_entry *delegated_prefix(
    const struct delegated *d, const struct prefix *p, struct prefix *block)
{
	return trie_longest(&d->ip, p, block);
}

void deleg_region(const struct delegated *d, const struct as2org *orgs, const struct prefix *p,
    uint32_t origin, struct deleg_region *out)
{
	out->rec = d ? delegated_prefix(d, p, NULL) : NULL;
	out->rir = deleg_rir_name(out->rec ? out->rec->rir : RIR_UNKNOWN);
	if (out->rec && out->rec->cc[0] && strcmp(out->rec->cc, "ZZ") != 0) {
		memcpy(out->cc, out->rec->cc, 3);
		return;
	}
	const struct as2org_org *g = orgs ? as2org_get(orgs, origin) : NULL;
	memcpy(out->cc, g && g->cc[0] ? g->cc : "ZZ", 3);
}
