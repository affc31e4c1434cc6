/*
 * BGP path attributes (RFC 4271, 4760, 6793, 1997, 4360, 8092, 4456, 9234) into struct
 * bgp_attrs, read through the bounds-checked cursor: the block is cut into one sub-cursor per
 * attribute, and every value is read from its own. AS4_PATH / AS4_AGGREGATOR are merged as
 * RFC 6793 4.2.3 says. Unknown attributes are kept raw.
 *
 * Errors get the action of RFC 7606 (docs/mrt.md has the table): a repeated attribute keeps
 * the first copy and discards the later ones (3.g), except MP_REACH / MP_UNREACH (session
 * reset, which a file cannot do: treat-as-withdraw); Optional / Transitive flag bits that
 * contradict the attribute's kind are treat-as-withdraw (3.c); each known attribute's length
 * and content are checked and a malformed one is either discarded (ATOMIC_AGGREGATE,
 * AGGREGATOR, AS4_PATH, AS4_AGGREGATOR) or makes the route treat-as-withdraw (the others); a
 * block that cannot be parsed to its end is treat-as-withdraw (section 4).
 */
#include <string.h>

#include "mrt/mrt_private.h"

#define AS_TRANS 23456

/* AS_PATH / AS4_PATH segments into words (b NULL: only checked). Returns 0 or -1 (RFC 7606
 * 7.2, RFC 6793 6: an unknown segment type, a segment of no ASNs, or one that overruns the
 * attribute). */
static int aspath_decode(struct aspath_buf *b, struct cursor c, int asn4)
{
	if (b)
		aspath_buf_reset(b);
	while (c.len > 0) {
		uint8_t type, n;
		if (cur_u8(&c, &type) || cur_u8(&c, &n))
			return -1;
		if (type < AS_SET || type > AS_CONFED_SET || n == 0 ||
		    c.len < (size_t)n * (asn4 ? 4 : 2))
			return -1;
		if (b == NULL) {
			cur_skip(&c, (size_t)n * (asn4 ? 4 : 2));
			continue;
		}
		aspath_buf_segment(b, type);
		for (unsigned i = 0; i < n; i++) {
			uint32_t as = 0;
			uint16_t as2 = 0;
			if (asn4) {
				cur_u32(&c, &as);
			} else {
				cur_u16(&c, &as2);
				as = as2;
			}
			aspath_buf_push(b, as);
		}
	}
	return 0;
}

/* Count of AS numbers as RFC 6793 compares them: each ASN of a sequence, 1 per set. */
static uint32_t aspath_count(const uint32_t *w, uint32_t n)
{
	uint32_t c = 0;
	for (uint32_t i = 0; i < n; i += 1 + ASPATH_SEG_COUNT(w[i])) {
		uint32_t t = ASPATH_SEG_TYPE(w[i]);
		c += (t == AS_SET || t == AS_CONFED_SET) ? 1 : ASPATH_SEG_COUNT(w[i]);
	}
	return c;
}

/* RFC 6793 4.2.3: leading part of AS_PATH + AS4_PATH, into actx.merged. */
static void as4_merge(struct bgp_attr_ctx *x)
{
	uint32_t n2 = aspath_count(x->path.w, x->path.n);
	uint32_t n4 = aspath_count(x->path4.w, x->path4.n);
	if (n2 < n4)
		return; /* AS4_PATH ignored */
	uint32_t need = n2 - n4;
	struct aspath_buf *m = &x->merged;
	aspath_buf_reset(m);
	for (uint32_t i = 0; i < x->path.n && need > 0; i += 1 + ASPATH_SEG_COUNT(x->path.w[i])) {
		uint32_t t = ASPATH_SEG_TYPE(x->path.w[i]), c = ASPATH_SEG_COUNT(x->path.w[i]);
		aspath_buf_segment(m, t);
		int set = t == AS_SET || t == AS_CONFED_SET;
		uint32_t take = set ? c : (c < need ? c : need);
		for (uint32_t j = 0; j < take; j++)
			aspath_buf_push(m, x->path.w[i + 1 + j]);
		need -= set ? 1 : take;
	}
	for (uint32_t i = 0; i < x->path4.n; i += 1 + ASPATH_SEG_COUNT(x->path4.w[i])) {
		uint32_t t = ASPATH_SEG_TYPE(x->path4.w[i]), c = ASPATH_SEG_COUNT(x->path4.w[i]);
		if (t == AS_CONFED_SEQUENCE || t == AS_CONFED_SET)
			continue; /* not valid in AS4_PATH */
		aspath_buf_segment(m, t);
		for (uint32_t j = 0; j < c; j++)
			aspath_buf_push(m, x->path4.w[i + 1 + j]);
	}
	struct aspath_buf tmp = x->path;
	x->path = x->merged;
	x->merged = tmp;
}

static void attrs_reset(struct bgp_attrs *a, struct bgp_attr_ctx *x)
{
	a->present = 0;
	a->origin = 0;
	a->aspath = NULL, a->aspath_nwords = 0, a->aspath_error = 0;
	a->rfc7606 = MRT_7606_NONE;
	a->mp_afi = 0, a->mp_safi = 0, a->mp_nh_len = 0;
	a->med = 0, a->local_pref = 0, a->aggr_as = 0;
	a->ncommunities = 0, a->next = 0, a->nlarge = 0, a->ncluster = 0;
	a->otc = 0;
	a->nraw = 0;
	aspath_buf_reset(&x->path);
	aspath_buf_reset(&x->path4);
	x->has_reach = x->has_unreach = 0;
	x->reach.c.len = x->unreach.c.len = 0;
	x->seen[0] = x->seen[1] = x->seen[2] = x->seen[3] = 0;
	x->withdraw_kind = MRT_BAD_ATTR;
}

/* ------------------------------------------------------------ what RFC 7606 says per type */

#define F_OPT 0x80
#define F_TRANS 0x40
#define F_EXTLEN 0x10

/* How a known attribute is checked: the Optional / Transitive bits it must carry, whether a
 * malformed copy is discarded (else the route is treat-as-withdraw), and the section of the
 * RFC that says so. */
struct attr_rule {
	const char *name;
	uint8_t flags;   /* expected F_OPT | F_TRANS bits */
	uint8_t discard; /* 1: attribute discard; 0: treat-as-withdraw */
	const char *ref;
};

static const struct attr_rule rules[BGP_ATTR_OTC + 1] = {
    [BGP_ATTR_ORIGIN] = {"ORIGIN", F_TRANS, 0, "RFC 7606 7.1"},
    [BGP_ATTR_AS_PATH] = {"AS_PATH", F_TRANS, 0, "RFC 7606 7.2"},
    [BGP_ATTR_NEXT_HOP] = {"NEXT_HOP", F_TRANS, 0, "RFC 7606 7.3"},
    [BGP_ATTR_MED] = {"MED", F_OPT, 0, "RFC 7606 7.4"},
    [BGP_ATTR_LOCAL_PREF] = {"LOCAL_PREF", F_TRANS, 0, "RFC 7606 7.5"},
    [BGP_ATTR_ATOMIC_AGGREGATE] = {"ATOMIC_AGGREGATE", F_TRANS, 1, "RFC 7606 7.6"},
    [BGP_ATTR_AGGREGATOR] = {"AGGREGATOR", F_OPT | F_TRANS, 1, "RFC 7606 7.7"},
    [BGP_ATTR_COMMUNITIES] = {"COMMUNITIES", F_OPT | F_TRANS, 0, "RFC 7606 7.8"},
    [BGP_ATTR_ORIGINATOR_ID] = {"ORIGINATOR_ID", F_OPT, 0, "RFC 7606 7.9"},
    [BGP_ATTR_CLUSTER_LIST] = {"CLUSTER_LIST", F_OPT, 0, "RFC 7606 7.10"},
    [BGP_ATTR_MP_REACH_NLRI] = {"MP_REACH_NLRI", F_OPT, 0, "RFC 7606 7.11"},
    [BGP_ATTR_MP_UNREACH_NLRI] = {"MP_UNREACH_NLRI", F_OPT, 0, "RFC 7606 7.12"},
    [BGP_ATTR_EXT_COMMUNITIES] = {"EXTENDED_COMMUNITIES", F_OPT | F_TRANS, 0, "RFC 7606 7.14"},
    [BGP_ATTR_AS4_PATH] = {"AS4_PATH", F_OPT | F_TRANS, 1, "RFC 6793 6"},
    [BGP_ATTR_AS4_AGGREGATOR] = {"AS4_AGGREGATOR", F_OPT | F_TRANS, 1, "RFC 6793 6"},
    [BGP_ATTR_LARGE_COMMUNITIES] = {"LARGE_COMMUNITIES", F_OPT | F_TRANS, 0, "RFC 8092 6"},
    [BGP_ATTR_OTC] = {"OTC", F_OPT | F_TRANS, 0, "RFC 9234 5"},
};

static const struct attr_rule *rule_of(uint8_t type)
{
	return type <= BGP_ATTR_OTC && rules[type].name ? &rules[type] : NULL;
}

static const char *attr_name(uint8_t type)
{
	const struct attr_rule *k = rule_of(type);
	return k ? k->name : "attribute";
}

/* ------------------------------------------------------------ MP_REACH / MP_UNREACH */

/* MP_REACH_NLRI. abbrev: TDv2 RIB form (RFC 6396 4.3.4: next hop length and next hop only;
 * a value starting with a zero byte is taken as the full form, as some writers produce).
 * Returns 0 or -1 (cannot be parsed: its NLRI cannot be located). */
static int mp_reach(struct mrt_reader *r, struct cursor c, int abbrev)
{
	struct bgp_attrs *a = &r->attrs;
	struct bgp_attr_ctx *x = &r->actx;
	uint8_t first;
	if (!abbrev || cur_peek_u8(&c, &first) || first == 0) {
		if (c.len < 5 || cur_u16(&c, &a->mp_afi) || cur_u8(&c, &a->mp_safi))
			return -1;
	}
	uint8_t nhl;
	struct cursor nh;
	if (cur_u8(&c, &nhl) || cur_sub(&c, nhl, &nh))
		return -1;
	a->mp_nh_len = nhl;
	memset(a->mp_nexthop, 0, 16);
	if (nhl == 12 || nhl == 24 || nhl == 48)
		cur_skip(&nh, 8); /* VPN: route distinguisher first */
	cur_bytes(&nh, a->mp_nexthop, nh.len < 16 ? nh.len : 16);
	if (nh.len >= 16)
		cur_bytes(&nh, a->mp_nexthop_ll, 16);
	if (abbrev && a->mp_afi == 0)
		return 0;
	uint8_t nsnpa;
	if (cur_u8(&c, &nsnpa))
		return abbrev ? 0 : -1;
	for (unsigned i = 0; i < nsnpa; i++) {
		uint8_t sl;
		if (cur_u8(&c, &sl) || cur_skip(&c, sl))
			return -1;
	}
	x->has_reach = 1;
	x->reach.c = c;
	x->reach.afi = a->mp_afi > 255 ? 0 : (uint8_t)a->mp_afi;
	x->reach.safi = a->mp_safi;
	return 0;
}

static int mp_unreach(struct mrt_reader *r, struct cursor c)
{
	struct bgp_attr_ctx *x = &r->actx;
	uint16_t afi;
	if (cur_u16(&c, &afi) || cur_u8(&c, &x->unreach.safi))
		return -1;
	x->has_unreach = 1;
	x->unreach.afi = afi > 255 ? 0 : (uint8_t)afi;
	x->unreach.c = c;
	return 0;
}

/* ------------------------------------------------------------ one attribute */

/* Why attr_one refused a value. */
enum attr_fault { AF_OK = 0, AF_LENGTH, AF_VALUE };

/* A fixed-length attribute's value, or an error. */
static int want_len(struct cursor v, size_t n)
{
	return v.len == n ? AF_OK : AF_LENGTH;
}
/* A list of n-byte items, at least one (RFC 7606: "a non-zero multiple of"). */
static int want_list(struct cursor v, size_t n)
{
	return v.len > 0 && v.len % n == 0 ? AF_OK : AF_LENGTH;
}

/* One attribute's value. Returns AF_OK, or why it is malformed (nothing of it kept then). */
static int attr_one(
    struct mrt_reader *r, uint8_t flags, uint8_t type, struct cursor v, int asn4, int abbrev)
{
	struct bgp_attrs *a = &r->attrs;
	struct bgp_attr_ctx *x = &r->actx;
	int k;
	switch (type) {
	case BGP_ATTR_ORIGIN:
		if ((k = want_len(v, 1)) != AF_OK)
			return k;
		cur_u8(&v, &a->origin);
		return a->origin <= BGP_ORIGIN_INCOMPLETE ? AF_OK : AF_VALUE;
	case BGP_ATTR_AS_PATH:
		if (aspath_decode(r->opt.no_attrs ? NULL : &x->path, v, asn4) != 0) {
			a->aspath_error = 1;
			aspath_buf_reset(&x->path);
			return AF_VALUE;
		}
		return AF_OK;
	case BGP_ATTR_AS4_PATH: /* RFC 6793 6: at least one ASN, an even length */
		if (v.len < 6 || v.len % 2)
			return AF_LENGTH;
		if (aspath_decode(r->opt.no_attrs ? NULL : &x->path4, v, 1) != 0) {
			aspath_buf_reset(&x->path4);
			return AF_VALUE;
		}
		return AF_OK;
	case BGP_ATTR_NEXT_HOP:
		if ((k = want_len(v, 4)) == AF_OK)
			cur_bytes(&v, a->nexthop, 4);
		return k;
	case BGP_ATTR_ORIGINATOR_ID:
		if ((k = want_len(v, 4)) == AF_OK)
			cur_bytes(&v, a->originator_id, 4);
		return k;
	case BGP_ATTR_MED:
		if ((k = want_len(v, 4)) == AF_OK)
			cur_u32(&v, &a->med);
		return k;
	case BGP_ATTR_LOCAL_PREF:
		if ((k = want_len(v, 4)) == AF_OK)
			cur_u32(&v, &a->local_pref);
		return k;
	case BGP_ATTR_OTC:
		if ((k = want_len(v, 4)) == AF_OK)
			cur_u32(&v, &a->otc);
		return k;
	case BGP_ATTR_ATOMIC_AGGREGATE:
		return want_len(v, 0);
	case BGP_ATTR_AGGREGATOR: /* 6 bytes (2-byte AS) or 8 (4-byte AS), whatever the session */
		if (v.len == 8) {
			cur_u32(&v, &a->aggr_as);
		} else if (v.len == 6) {
			uint16_t as2 = 0;
			cur_u16(&v, &as2);
			a->aggr_as = as2;
		} else {
			return AF_LENGTH;
		}
		cur_bytes(&v, a->aggr_addr, 4);
		return AF_OK;
	case BGP_ATTR_AS4_AGGREGATOR:
		if ((k = want_len(v, 8)) != AF_OK)
			return k;
		cur_u32(&v, &x->aggr4_as);
		cur_bytes(&v, x->aggr4_addr, 4);
		return AF_OK;
	case BGP_ATTR_COMMUNITIES:
		if ((k = want_list(v, 4)) == AF_OK)
			a->communities = v.p, a->ncommunities = (uint32_t)(v.len / 4);
		return k;
	case BGP_ATTR_CLUSTER_LIST:
		if ((k = want_list(v, 4)) == AF_OK)
			a->cluster_list = v.p, a->ncluster = (uint32_t)(v.len / 4);
		return k;
	case BGP_ATTR_EXT_COMMUNITIES:
		if ((k = want_list(v, 8)) == AF_OK)
			a->ext_communities = v.p, a->next = (uint32_t)(v.len / 8);
		return k;
	case BGP_ATTR_LARGE_COMMUNITIES:
		if ((k = want_list(v, 12)) == AF_OK)
			a->large_communities = v.p, a->nlarge = (uint32_t)(v.len / 12);
		return k;
	case BGP_ATTR_MP_REACH_NLRI:
		return mp_reach(r, v, abbrev) == 0 ? AF_OK : AF_VALUE;
	case BGP_ATTR_MP_UNREACH_NLRI:
		return mp_unreach(r, v) == 0 ? AF_OK : AF_LENGTH;
	default:
		if (a->nraw < BGP_MAX_RAW_ATTRS) {
			struct bgp_raw_attr *u = &a->raw[a->nraw++];
			u->flags = flags, u->type = type, u->len = (uint16_t)v.len, u->data = v.p;
		}
		return AF_OK;
	}
}

static void finish(struct mrt_reader *r, int asn4)
{
	struct bgp_attrs *a = &r->attrs;
	struct bgp_attr_ctx *x = &r->actx;
	if (!asn4) {
		/* RFC 6793 4.2.3: when AGGREGATOR and AS4_AGGREGATOR are both present and the
		 * AGGREGATOR AS is not AS_TRANS, an OLD speaker aggregated: AS4_AGGREGATOR and
		 * AS4_PATH are ignored. */
		int both = bgp_attrs_has(a, BGP_ATTR_AGGREGATOR) &&
		           bgp_attrs_has(a, BGP_ATTR_AS4_AGGREGATOR);
		int aggr_ok = !both || a->aggr_as == AS_TRANS;
		if (both && aggr_ok) {
			a->aggr_as = x->aggr4_as;
			memcpy(a->aggr_addr, x->aggr4_addr, 4);
		}
		if (aggr_ok && x->path4.n > 0 && bgp_attrs_has(a, BGP_ATTR_AS_PATH))
			as4_merge(x);
	}
	a->aspath = x->path.w;
	a->aspath_nwords = x->path.n;
}

/* ------------------------------------------------------------ the block */

/* Report an error that makes the route treat-as-withdraw; the first one names the reason. */
#define WITHDRAW(kind, ...)                                                                        \
	do {                                                                                       \
		if (a->rfc7606 != MRT_7606_WITHDRAW)                                               \
			r->actx.withdraw_kind = (kind);                                            \
		a->rfc7606 = MRT_7606_WITHDRAW;                                                    \
		mrt_bad(r, (kind), __VA_ARGS__);                                                   \
	} while (0)

/* Report an attribute discarded (the route is kept). */
#define DISCARD(kind, ...)                                                                         \
	do {                                                                                       \
		if (a->rfc7606 == MRT_7606_NONE)                                                   \
			a->rfc7606 = MRT_7606_DISCARD;                                             \
		r->st.attrs_discarded++;                                                           \
		mrt_bad(r, (kind), __VA_ARGS__);                                                   \
	} while (0)

int bgp_attrs_decode(struct mrt_reader *r, struct cursor blk, int asn4, int mp_abbrev)
{
	struct bgp_attrs *a = &r->attrs;
	struct bgp_attr_ctx *x = &r->actx;
	attrs_reset(a, x);
	struct cursor c = blk;
	while (c.len > 0) {
		uint8_t flags, type;
		uint16_t l16;
		size_t left = c.len;
		if (cur_u8(&c, &flags) || cur_u8(&c, &type) ||
		    ((flags & F_EXTLEN) ? cur_u16(&c, &l16) : cur_u8_as16(&c, &l16))) {
			WITHDRAW(MRT_BAD_ATTR,
			    "path attribute header cut (%zu bytes left): treat-as-withdraw "
			    "(RFC 7606 4)",
			    left);
			break;
		}
		struct cursor v;
		if (cur_sub(&c, l16, &v)) {
			WITHDRAW(MRT_BAD_ATTR,
			    "%s (type %u) length %u exceeds the %zu bytes left: treat-as-withdraw "
			    "(RFC 7606 4)",
			    attr_name(type), type, l16, c.len);
			break;
		}
		uint64_t bit = (uint64_t)1 << (type & 63);
		int mp = type == BGP_ATTR_MP_REACH_NLRI || type == BGP_ATTR_MP_UNREACH_NLRI;
		if (x->seen[type >> 6] & bit) {
			if (mp)
				WITHDRAW(MRT_BAD_ATTR_MP_REPEATED,
				    "%s (type %u) repeated: treat-as-withdraw (RFC 7606 3.g)",
				    attr_name(type), type);
			else
				DISCARD(MRT_BAD_ATTR_REPEATED,
				    "%s (type %u) repeated: later copy discarded (RFC 7606 3.g)",
				    attr_name(type), type);
			continue;
		}
		x->seen[type >> 6] |= bit;
		const struct attr_rule *k = rule_of(type);
		if (k && (flags & (F_OPT | F_TRANS)) != k->flags) {
			WITHDRAW(MRT_BAD_ATTR_FLAGS,
			    "%s (type %u) flags 0x%02x: Optional/Transitive bits should be 0x%02x: "
			    "treat-as-withdraw (RFC 7606 3.c)",
			    k->name, type, flags, k->flags);
			/* MP_REACH / MP_UNREACH are still read: they say what to withdraw */
			if (!mp)
				continue;
		}
		int fault = attr_one(r, flags, type, v, asn4, mp_abbrev);
		if (fault == AF_OK) {
			if (type < 64)
				a->present |= bit;
			continue;
		}
		enum mrt_malformed_kind kind =
		    fault == AF_LENGTH ? MRT_BAD_ATTR_LENGTH : MRT_BAD_ATTR_VALUE;
		const char *what = fault == AF_LENGTH ? "wrong length" : "malformed content";
		if (k->discard)
			DISCARD(kind, "%s (type %u) %s (length %zu): attribute discarded (%s)",
			    k->name, type, what, v.len, k->ref);
		else
			WITHDRAW(kind, "%s (type %u) %s (length %zu): treat-as-withdraw (%s)",
			    k->name, type, what, v.len, k->ref);
	}
	if (!r->opt.no_attrs)
		finish(r, asn4); /* with no_attrs, the paths were only checked */
	return a->rfc7606 == MRT_7606_WITHDRAW ? -1 : 0;
}
