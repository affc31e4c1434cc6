/*
 * Bogon classification. The IANA special-purpose address registries (RFC 6890 and the RFCs
 * that added rows since) are transcribed below, one row per registry entry with its RFC; a
 * row is a bogon when the registry says its addresses are not globally reachable, plus the
 * rows manrs-metrics.md names (multicast, 240/4, 6to4 relays). Every IPv6 prefix outside
 * 2000::/3 is a full bogon. Matching is "or longer": the longest row containing the prefix
 * decides, so 192.0.0.9/32 (PCP anycast, reachable) is not a bogon although 192.0.0.0/24 is.
 * Such a reachable special-purpose block is never an administrative bogon either, even when a
 * loaded list (Team Cymru lists 192.0.0.0/24 whole) covers it: the registry row is the more
 * specific fact. Administrative checks apply to space with no special-purpose row.
 */
#include <string.h>

#include "registry/registry.h"

#define V4S "iana-ipv4-special-registry"
#define V6S "iana-ipv6-special-registry"
#define V6A "ipv6-address-space"

static const struct bogon_row special_rows[] = {
    /* IPv4 Special-Purpose Address Registry */
    {"0.0.0.0/8", "\"This network\"", "RFC 791 s3.2", V4S, 1},
    {"0.0.0.0/32", "\"This host on this network\"", "RFC 1122 s3.2.1.3", V4S, 1},
    {"10.0.0.0/8", "Private-Use", "RFC 1918", V4S, 1},
    {"100.64.0.0/10", "Shared Address Space", "RFC 6598", V4S, 1},
    {"127.0.0.0/8", "Loopback", "RFC 1122 s3.2.1.3", V4S, 1},
    {"169.254.0.0/16", "Link Local", "RFC 3927", V4S, 1},
    {"172.16.0.0/12", "Private-Use", "RFC 1918", V4S, 1},
    {"192.0.0.0/24", "IETF Protocol Assignments", "RFC 6890 s2.1", V4S, 1},
    {"192.0.0.0/29", "IPv4 Service Continuity Prefix", "RFC 7335", V4S, 1},
    {"192.0.0.8/32", "IPv4 dummy address", "RFC 7600", V4S, 1},
    {"192.0.0.9/32", "Port Control Protocol Anycast", "RFC 7723", V4S, 0},
    {"192.0.0.10/32", "Traversal Using Relays around NAT Anycast", "RFC 8155", V4S, 0},
    {"192.0.0.170/32", "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050 s2.2", V4S, 1},
    {"192.0.0.171/32", "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050 s2.2", V4S, 1},
    {"192.0.2.0/24", "Documentation (TEST-NET-1)", "RFC 5737", V4S, 1},
    {"192.31.196.0/24", "AS112-v4", "RFC 7535", V4S, 0},
    {"192.52.193.0/24", "AMT", "RFC 7450", V4S, 0},
    {"192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "RFC 7526", V4S, 1},
    {"192.168.0.0/16", "Private-Use", "RFC 1918", V4S, 1},
    {"192.175.48.0/24", "Direct Delegation AS112 Service", "RFC 7534", V4S, 0},
    {"198.18.0.0/15", "Benchmarking", "RFC 2544", V4S, 1},
    {"198.51.100.0/24", "Documentation (TEST-NET-2)", "RFC 5737", V4S, 1},
    {"203.0.113.0/24", "Documentation (TEST-NET-3)", "RFC 5737", V4S, 1},
    {"240.0.0.0/4", "Reserved", "RFC 1112 s4", V4S, 1},
    {"255.255.255.255/32", "Limited Broadcast", "RFC 8190, RFC 919 s7", V4S, 1},
    /* IPv4 multicast (IPv4 Multicast Address Space Registry) */
    {"224.0.0.0/4", "Multicast", "RFC 5771", "ipv4-multicast-addresses", 1},
    /* IPv6 Special-Purpose Address Registry */
    {"::1/128", "Loopback Address", "RFC 4291", V6S, 1},
    {"::/128", "Unspecified Address", "RFC 4291", V6S, 1},
    {"::ffff:0:0/96", "IPv4-mapped Address", "RFC 4291", V6S, 1},
    /* reachable per the registry, but outside 2000::/3 and never announced globally */
    {"64:ff9b::/96", "IPv4-IPv6 Translat.", "RFC 6052", V6S, 1},
    {"64:ff9b:1::/48", "IPv4-IPv6 Translat.", "RFC 8215", V6S, 1},
    {"100::/64", "Discard-Only Address Block", "RFC 6666", V6S, 1},
    {"2001::/23", "IETF Protocol Assignments", "RFC 2928", V6S, 1},
    {"2001::/32", "TEREDO", "RFC 4380, RFC 8190", V6S, 0},
    {"2001:1::1/128", "Port Control Protocol Anycast", "RFC 7723", V6S, 0},
    {"2001:1::2/128", "TURN Anycast", "RFC 8155", V6S, 0},
    {"2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", "RFC 9665", V6S, 0},
    {"2001:2::/48", "Benchmarking", "RFC 5180, RFC Errata 1752", V6S, 1},
    {"2001:3::/32", "AMT", "RFC 7450", V6S, 0},
    {"2001:4:112::/48", "AS112-v6", "RFC 7535", V6S, 0},
    {"2001:10::/28", "Deprecated (previously ORCHID)", "RFC 4843", V6S, 1},
    {"2001:20::/28", "ORCHIDv2", "RFC 7343", V6S, 0},
    {"2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", "RFC 9374", V6S, 0},
    {"2001:db8::/32", "Documentation", "RFC 3849", V6S, 1},
    {"2002::/16", "6to4", "RFC 3056, RFC 7526", V6S, 1},
    {"2620:4f:8000::/48", "Direct Delegation AS112 Service", "RFC 7534", V6S, 0},
    {"3fff::/20", "Documentation", "RFC 9637", V6S, 1},
    {"5f00::/16", "Segment Routing (SRv6) SIDs", "RFC 9602", V6S, 1},
    {"fc00::/7", "Unique-Local", "RFC 4193, RFC 8190", V6S, 1},
    {"fe80::/10", "Link-Local Unicast", "RFC 4291", V6S, 1},
    /* IPv6 Address Space: all but 2000::/3 is reserved, multicast or local */
    {"::/3", "Reserved by IETF (outside 2000::/3)", "RFC 4291 s2.4", V6A, 1},
    {"4000::/2", "Reserved by IETF (outside 2000::/3)", "RFC 4291 s2.4", V6A, 1},
    {"8000::/1", "Reserved by IETF (outside 2000::/3)", "RFC 4291 s2.4", V6A, 1},
    {"fec0::/10", "Deprecated site-local", "RFC 3879", V6A, 1},
    {"ff00::/8", "Multicast", "RFC 4291 s2.7", V6A, 1},
};

static const struct bogon_asn_range asn_ranges[] = {
    {0, 0, "AS 0 (reserved)", "RFC 7607"},
    {23456, 23456, "AS_TRANS", "RFC 6793"},
    {64496, 64511, "Documentation", "RFC 5398"},
    {64512, 65534, "Private use", "RFC 6996"},
    {65535, 65535, "Reserved (last 16-bit ASN)", "RFC 7300"},
    {65536, 65551, "Documentation", "RFC 5398"},
    {65552, 131071, "Reserved by IANA", "IANA AS Numbers registry"},
    {4200000000u, 4294967294u, "Private use", "RFC 6996"},
    {4294967295u, 4294967295u, "Reserved (last 32-bit ASN)", "RFC 7300"},
};

const struct bogon_row *bogon_special_rows(size_t *n)
{
	*n = sizeof(special_rows) / sizeof(special_rows[0]);
	return special_rows;
}

const struct bogon_asn_range *bogon_asn_ranges(size_t *n)
{
	*n = sizeof(asn_ranges) / sizeof(asn_ranges[0]);
	return asn_ranges;
}

const char *bogon_kind_name(enum bogon_kind k)
{
	return k == BOGON_FULL ? "full" : k == BOGON_ADMIN ? "administrative" : "not bogon";
}

void bogon_db_init(struct bogon_db *db)
{
	memset(db, 0, sizeof(*db));
	trie_init(&db->special);
	trie_init(&db->admin);
	trie_init(&db->iana6);
	arena_init(&db->arena, 64 * 1024);
	for (size_t i = 0; i < sizeof(special_rows) / sizeof(special_rows[0]); i++) {
		struct prefix p;
		if (prefix_parse(special_rows[i].prefix, &p) != 0) {
			log_err(
			    "bogon table row %zu (%s) does not parse", i, special_rows[i].prefix);
			continue;
		}
		*trie_insert(&db->special, &p, NULL) = (void *)&special_rows[i];
	}
}

void bogon_db_free(struct bogon_db *db)
{
	trie_free(&db->special);
	trie_free(&db->admin);
	trie_free(&db->iana6);
	arena_free(&db->arena);
	memset(db, 0, sizeof(*db));
}

void bogon_db_set_delegated(struct bogon_db *db, const struct delegated *d)
{
	db->deleg = d;
}

struct cover_arg {
	uint8_t len;
	int found;
};

static int cover_fn(const struct prefix *p, void *value, void *arg)
{
	struct cover_arg *c = arg;
	const struct bogon_row *row = value;
	if (p->len > c->len && row->bogon) {
		c->found = 1;
		return 1;
	}
	return 0;
}

/* Administrative checks, in order: loaded lists, IANA IPv6 unicast gaps, delegation stats. */
static enum bogon_kind admin_prefix(
    const struct bogon_db *db, const struct prefix *p, struct bogon_verdict *v)
{
	struct prefix m;
	const struct bogon_admin *a = trie_longest(&db->admin, p, &m);
	if (a) {
		v->match = m;
		v->source = a->source;
		v->what = a->what;
		v->line = a->line;
		return BOGON_ADMIN;
	}
	if (db->have_iana6 && p->afi == AFI_IPV6 && (p->addr[0] & 0xe0) == 0x20 &&
	    trie_longest(&db->iana6, p, NULL) == NULL) {
		v->source = "IANA IPv6 unicast address assignments";
		v->what = "not allocated by IANA";
		return BOGON_ADMIN;
	}
	const struct delegated *d = db->deleg;
	if (d && (p->afi == AFI_IPV4 ? d->st.ipv4 : d->st.ipv6) > 0) {
		v->deleg = delegated_prefix(d, p, &m);
		if (v->deleg && v->deleg->iana) /* an IANA block: says nothing of the RIR's */
			v->deleg = NULL;
		if (v->deleg == NULL || !deleg_is_delegated(v->deleg)) {
			v->source = "delegated";
			v->what = v->deleg ? deleg_status_name(v->deleg->status)
			                   : "not in the delegation statistics";
			if (v->deleg)
				v->match = m;
			return BOGON_ADMIN;
		}
	}
	return BOGON_NOT;
}

enum bogon_kind bogon_check_prefix(
    const struct bogon_db *db, const struct prefix *p, struct bogon_verdict *v)
{
	struct bogon_verdict dummy;
	int want_cover = v != NULL; /* only a caller that asks sees covers_bogon */
	if (v == NULL)
		v = &dummy;
	memset(v, 0, sizeof(*v));
	struct prefix m;
	v->row = trie_longest(&db->special, p, &m);
	if (v->row && v->row->bogon) {
		v->match = m;
		return v->kind = BOGON_FULL;
	}
	if (want_cover) {
		struct cover_arg c = {p->len, 0};
		trie_walk_covered(&db->special, p, cover_fn, &c);
		v->covers_bogon = c.found;
	}
	if (v->row) { /* a globally reachable special-purpose block (AS112, anycast, ...) */
		v->match = m;
		return v->kind = BOGON_NOT;
	}
	return v->kind = admin_prefix(db, p, v);
}

enum bogon_kind bogon_check_asn(
    const struct bogon_db *db, uint32_t asn, struct bogon_asn_verdict *v)
{
	struct bogon_asn_verdict dummy;
	if (v == NULL)
		v = &dummy;
	memset(v, 0, sizeof(*v));
	size_t lo = 0, hi = sizeof(asn_ranges) / sizeof(asn_ranges[0]);
	while (lo < hi) { /* first range with hi >= asn */
		size_t mid = lo + (hi - lo) / 2;
		if (asn_ranges[mid].hi < asn)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < sizeof(asn_ranges) / sizeof(asn_ranges[0]) && asn_ranges[lo].lo <= asn) {
		v->range = &asn_ranges[lo];
		return v->kind = BOGON_FULL;
	}
	const struct delegated *d = db ? db->deleg : NULL;
	if (d && d->st.asn > 0) {
		v->deleg = delegated_asn(d, asn);
		if (v->deleg == NULL || !deleg_is_delegated(v->deleg)) {
			v->what = v->deleg ? deleg_status_name(v->deleg->status)
			                   : "not in the delegation statistics";
			return v->kind = BOGON_ADMIN;
		}
	}
	return v->kind = BOGON_NOT;
}
