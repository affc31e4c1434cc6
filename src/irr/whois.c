/*
 * The IRRd whois query language, answered from a loaded database: the IRRd-style "!"
 * queries that bgpq4, peval and friends send, and a subset of the RIPE-style flag queries.
 *
 * IRRd framing: data is "A<len>\n<content>\nC\n" (len counts the content and its newline),
 * "C\n" is success without data, "D\n" a key that does not exist, "F <message>\n" an error.
 * RIPE style: objects separated by blank lines, "%  No entries found..." or "%% error".
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "irr/irr_private.h"

#define NO_ENTRIES "%  No entries found for the selected source(s).\n\n"

static void answer_data(struct irr_buf *out, const struct irr_buf *data)
{
	if (data->len == 0) {
		irr_buf_puts(out, "C\n");
		return;
	}
	irr_buf_printf(out, "A%zu\n", data->len + 1);
	irr_buf_append(out, data->p, data->len);
	irr_buf_puts(out, "\nC\n");
}

static void word(struct irr_buf *b, const char *s)
{
	if (b->len)
		irr_buf_append(b, " ", 1);
	irr_buf_puts(b, s);
}

/* One attribute in RPSL text form, continuation lines indented. */
static void render_attr(struct irr_buf *b, const char *key, const char *value)
{
	irr_buf_printf(b, "%s:", key);
	for (size_t n = strlen(key) + 1; n < 16; n++)
		irr_buf_append(b, " ", 1);
	for (const char *p = value; *p; p++) {
		if (*p == '\n')
			irr_buf_puts(b, "\n                ");
		else
			irr_buf_append(b, p, 1);
	}
	irr_buf_append(b, "\n", 1);
}

void whois_render_object(const struct irr_db *db, struct irr_buf *b, const struct irr_object *o)
{
	if (b->len)
		irr_buf_append(b, "\n", 1);
	for (size_t i = 0; i < o->nattrs; i++)
		render_attr(b, o->attrs[i].key, o->attrs[i].value);
}

/* Routes are kept compact: their text is rebuilt from the indexed attributes. */
void whois_render_route(const struct irr_db *db, struct irr_buf *b, const struct irr_route *r)
{
	char pb[PREFIX_STRLEN], ob[16];
	if (b->len)
		irr_buf_append(b, "\n", 1);
	render_attr(b, r->prefix.afi == AFI_IPV4 ? "route" : "route6",
	    prefix_format(&r->prefix, pb, sizeof(pb)));
	snprintf(ob, sizeof(ob), "AS%u", r->origin);
	render_attr(b, "origin", ob);
	if (r->member_of)
		render_attr(b, "member-of", r->member_of);
	if (r->mnt_by)
		render_attr(b, "mnt-by", r->mnt_by);
	render_attr(b, "source", db->sources[r->source]);
}

static int parse_asn_arg(const char *s, uint32_t *asn)
{
	while (*s == ' ')
		s++;
	return asn_parse(s, asn);
}

/* Answer with every prefix (of afi, or both families with 0) that name (an AS, as-set or
 * route-set) stands for, expanded fully over the session's sources. */
static void answer_prefixes(const struct irr_db *db, const struct whois_session *s,
    const char *name, int afi, struct irr_buf *out)
{
	char pb[PREFIX_STRLEN + 16];
	struct irr_expand_opts o = {0, s->srcmask};
	struct irr_pfx *v;
	size_t n;
	irr_prefixes(db, name, afi, 0, &o, &v, &n, NULL);
	struct irr_buf data = {0};
	for (size_t i = 0; i < n; i++)
		word(&data, irr_pfx_format(&v[i], pb, sizeof(pb)));
	answer_data(out, &data);
	irr_buf_free(&data);
	free(v);
}

/* !g / !6: the distinct prefixes of one origin's route objects of one family. */
static void q_origin(
    const struct irr_db *db, struct whois_session *s, const char *arg, int afi, struct irr_buf *out)
{
	uint32_t asn;
	char name[16];
	if (parse_asn_arg(arg, &asn) != 0) {
		irr_buf_printf(out, "F Invalid AS number %.60s\n", arg);
		return;
	}
	snprintf(name, sizeof(name), "AS%u", asn);
	answer_prefixes(db, s, name, afi, out);
}

/* !i<set>[,1]: members, directly or recursively. */
static void q_members(
    const struct irr_db *db, struct whois_session *s, const char *arg, struct irr_buf *out)
{
	char name[256], pb[PREFIX_STRLEN + 16];
	size_t n = strcspn(arg, ",");
	int recursive = arg[n] == ',' && strcmp(arg + n + 1, "1") == 0;
	if (n == 0 || n >= sizeof(name) || (arg[n] == ',' && !recursive)) {
		irr_buf_puts(out, "F Invalid set name or option\n");
		return;
	}
	snprintf(name, sizeof(name), "%.*s", (int)n, arg);
	const struct irr_object *set = irr_db_set(db, name, s->srcmask);
	if (set == NULL) {
		irr_buf_puts(out, "D\n");
		return;
	}
	if (recursive && set->cls == RPSL_ROUTE_SET) {
		answer_prefixes(db, s, name, 0, out);
		return;
	}
	struct irr_expand_opts o = {recursive ? 0 : 1, s->srcmask};
	struct irr_expansion x;
	struct irr_buf data = {0};
	irr_expand(db, name, &o, &x);
	for (size_t i = 0; i < x.nasns; i++) {
		snprintf(pb, sizeof(pb), "AS%u", x.asns[i]);
		word(&data, pb);
	}
	for (size_t i = 0; i < x.npfx; i++)
		word(&data, irr_pfx_format(&x.pfx[i], pb, sizeof(pb)));
	for (size_t i = 0; !recursive && i < x.cut.n; i++)
		word(&data, x.cut.v[i]);
	irr_expansion_free(&x);
	answer_data(out, &data);
	irr_buf_free(&data);
}

/* !a[4|6]<set>: every prefix the set stands for. */
static void q_aset(
    const struct irr_db *db, struct whois_session *s, const char *arg, struct irr_buf *out)
{
	int afi = 0;
	if (*arg == '4' || *arg == '6')
		afi = *arg++ == '4' ? AFI_IPV4 : AFI_IPV6;
	if (*arg == '\0') {
		irr_buf_puts(out, "F Missing required set name for A query\n");
		return;
	}
	if (irr_db_set(db, arg, s->srcmask) == NULL) {
		irr_buf_puts(out, "D\n");
		return;
	}
	answer_prefixes(db, s, arg, afi, out);
}

/* !s<list> selects sources; !s-lc lists the selection. */
static void q_sources(
    const struct irr_db *db, struct whois_session *s, const char *arg, struct irr_buf *out)
{
	struct irr_buf data = {0};
	if (strcmp(arg, "-lc") == 0) {
		for (size_t i = 0; i < db->nsources; i++)
			if (irr_src_ok(s->srcmask, (unsigned)i)) {
				if (data.len)
					irr_buf_append(&data, ",", 1);
				irr_buf_puts(&data, db->sources[i]);
			}
		answer_data(out, &data);
		irr_buf_free(&data);
		return;
	}
	uint64_t mask = 0;
	char tok[64];
	for (const char *p = arg; *p;) {
		size_t n = strcspn(p, ",");
		if (n == 0 || n >= sizeof(tok)) {
			irr_buf_puts(out, "F Invalid source list\n");
			return;
		}
		snprintf(tok, sizeof(tok), "%.*s", (int)n, p);
		int i = irr_db_source_find(db, tok);
		if (i < 0) {
			irr_buf_printf(out, "F Unknown source %s\n", tok);
			return;
		}
		mask |= 1ULL << i;
		p += n;
		p += *p == ',';
	}
	if (mask == 0) {
		irr_buf_puts(out, "F Missing source list\n");
		return;
	}
	s->srcmask = mask;
	irr_buf_puts(out, "C\n");
}

/* !j-* or !jSRC[,SRC]: serial ranges ("SOURCE:N:0-LAST"). */
static void q_serials(const struct irr_db *db, const char *arg, struct irr_buf *out)
{
	struct irr_buf data = {0};
	int all = strcmp(arg, "-*") == 0 || *arg == '\0';
	for (size_t i = 0; i < db->nsources; i++) {
		if (!all && !strcasestr(arg, db->sources[i]))
			continue;
		if (data.len)
			irr_buf_append(&data, "\n", 1);
		irr_buf_printf(
		    &data, "%s:N:0-%llu", db->sources[i], (unsigned long long)db->serial[i]);
	}
	answer_data(out, &data);
	irr_buf_free(&data);
}

struct route_q {
	const struct irr_db *db;
	uint64_t srcmask;
	struct irr_buf *data;
	int origins_only;
	int skip_len; /* a prefix length not to report (-1: none) */
};

static int route_q_visit(const struct prefix *p, void *value, void *arg)
{
	struct route_q *q = arg;
	char ob[16];
	if (p->len == q->skip_len)
		return 0;
	for (const struct irr_route *r = value; r; r = r->next) {
		if (!irr_src_ok(q->srcmask, r->source))
			continue;
		if (q->origins_only) {
			const struct irr_route *e = value;
			for (; e != r; e = e->next)
				if (e->origin == r->origin && irr_src_ok(q->srcmask, e->source))
					break;
			snprintf(ob, sizeof(ob), "AS%u", r->origin);
			if (e == r) /* first time this origin is seen */
				word(q->data, ob);
		} else {
			whois_render_route(q->db, q->data, r);
		}
	}
	return 0;
}

/* Route search: mode 'x' exact, 'o' exact origins, 'l' one level less specific, 'L' all
 * less specific with exact, 'M' more specific (all levels). */
int whois_route_search(
    const struct irr_db *db, uint64_t srcmask, const char *pfx, int mode, struct irr_buf *data)
{
	struct prefix p;
	struct route_q q = {db, srcmask, data, mode == 'o', -1};
	if (prefix_parse(pfx, &p) != 0)
		return -1;
	if (mode == 'x' || mode == 'o') {
		const struct irr_route *r = irr_db_routes_exact(db, &p);
		if (r)
			route_q_visit(&p, (void *)r, &q);
	} else if (mode == 'L') {
		trie_walk_covering(&db->routes, &p, route_q_visit, &q);
	} else if (mode == 'l') {
		struct prefix up = p, m;
		if (up.len == 0)
			return 0;
		up.len--;
		prefix_mask(&up);
		const struct irr_route *r = trie_longest(&db->routes, &up, &m);
		if (r)
			route_q_visit(&m, (void *)r, &q);
	} else if (mode == 'M') {
		q.skip_len = p.len;
		trie_walk_covered(&db->routes, &p, route_q_visit, &q);
	}
	return 0;
}

/* !r<prefix>[,o|l|L|M] */
static void q_routes(
    const struct irr_db *db, struct whois_session *s, const char *arg, struct irr_buf *out)
{
	char pfx[PREFIX_STRLEN];
	size_t n = strcspn(arg, ",");
	int mode = 'x';
	if (arg[n] == ',') {
		mode = arg[n + 1];
		if (strchr("olLM", mode) == NULL || mode == 0 || arg[n + 2] != '\0') {
			irr_buf_puts(out, "F Invalid option for !r\n");
			return;
		}
	}
	snprintf(
	    pfx, sizeof(pfx), "%.*s", (int)(n < PREFIX_STRLEN - 1 ? n : PREFIX_STRLEN - 1), arg);
	struct irr_buf data = {0};
	if (whois_route_search(db, s->srcmask, pfx, mode, &data) != 0)
		irr_buf_printf(out, "F Invalid prefix %.60s\n", pfx);
	else
		answer_data(out, &data);
	irr_buf_free(&data);
}

/* The object with this class and primary key, first in source order. */
const struct irr_object *whois_find_object(
    const struct irr_db *db, uint64_t srcmask, enum rpsl_class cls, const char *key)
{
	uint32_t asn;
	const struct irr_object *o = NULL;
	if (cls == RPSL_AUT_NUM)
		return asn_parse(key, &asn) == 0 ? irr_db_autnum(db, asn, srcmask) : NULL;
	if (cls == RPSL_AS_SET || cls == RPSL_ROUTE_SET)
		o = hmap_str_get(&db->sets, key);
	else if (cls == RPSL_MNTNER)
		o = hmap_str_get(&db->mntners, key);
	else if (cls == RPSL_ROLE)
		o = hmap_str_get(&db->roles, key);
	for (; o; o = o->next)
		if (o->cls == cls && irr_src_ok(srcmask, o->source))
			return o;
	return NULL;
}

/* !m<class>,<key> */
static void q_match(
    const struct irr_db *db, struct whois_session *s, const char *arg, struct irr_buf *out)
{
	char cls[32];
	size_t n = strcspn(arg, ",");
	if (arg[n] != ',' || n >= sizeof(cls)) {
		irr_buf_puts(out, "F Invalid !m query, expected !m<class>,<key>\n");
		return;
	}
	snprintf(cls, sizeof(cls), "%.*s", (int)n, arg);
	enum rpsl_class c = rpsl_class_from_key(cls);
	const char *key = arg + n + 1;
	struct irr_buf data = {0};
	if (c == RPSL_ROUTE || c == RPSL_ROUTE6) {
		/* key is prefix+origin, e.g. 192.0.2.0/24AS65000 */
		char pb[PREFIX_STRLEN];
		size_t pl = strcspn(key, "Aa");
		uint32_t asn;
		struct prefix p;
		snprintf(
		    pb, sizeof(pb), "%.*s", (int)(pl < sizeof(pb) - 1 ? pl : sizeof(pb) - 1), key);
		if (prefix_parse(pb, &p) == 0 && asn_parse(key + pl, &asn) == 0)
			for (const struct irr_route *r = irr_db_routes_exact(db, &p); r;
			     r = r->next)
				if (r->origin == asn && irr_src_ok(s->srcmask, r->source)) {
					whois_render_route(db, &data, r);
					break;
				}
	} else {
		const struct irr_object *o = whois_find_object(db, s->srcmask, c, key);
		if (o)
			whois_render_object(db, &data, o);
	}
	if (data.len)
		answer_data(out, &data);
	else
		irr_buf_puts(out, "D\n");
	irr_buf_free(&data);
}

static void irrd_query(
    const struct irr_db *db, struct whois_session *s, const char *q, struct irr_buf *out)
{
	const char *arg = q + 2;
	switch (q[1]) {
	case '!':
		s->persistent = 1;
		return; /* no answer at all, as IRRd */
	case 'q':
		s->quit = 1;
		return;
	case 'n':
		snprintf(s->ident, sizeof(s->ident), "%.63s", arg);
		irr_buf_puts(out, "C\n");
		return;
	case 't':
		irr_buf_puts(out, "C\n");
		return;
	case 'v': {
		struct irr_buf d = {0};
		irr_buf_puts(&d, "routemark " RM_VERSION);
		answer_data(out, &d);
		irr_buf_free(&d);
		return;
	}
	case 'g':
		q_origin(db, s, arg, AFI_IPV4, out);
		return;
	case '6':
		q_origin(db, s, arg, AFI_IPV6, out);
		return;
	case 'i':
		q_members(db, s, arg, out);
		return;
	case 'a':
		q_aset(db, s, arg, out);
		return;
	case 's':
		q_sources(db, s, arg, out);
		return;
	case 'j':
		q_serials(db, arg, out);
		return;
	case 'r':
		q_routes(db, s, arg, out);
		return;
	case 'm':
		q_match(db, s, arg, out);
		return;
	default:
		irr_buf_printf(out, "F Unrecognised command %.20s\n", q);
	}
}

void whois_answer(
    const struct irr_db *db, struct whois_session *s, const char *line, struct irr_buf *out)
{
	char q[1024];
	size_t n = strlen(line);
	while (n > 0 && isspace((unsigned char)line[n - 1]))
		n--;
	while (n > 0 && isspace((unsigned char)*line))
		line++, n--;
	if (n >= sizeof(q)) {
		irr_buf_puts(out, line[0] == '!' ? "F Query too long\n" : "%% Query too long\n\n");
		if (!s->persistent)
			s->quit = 1;
		return;
	}
	memcpy(q, line, n);
	q[n] = '\0';
	if (n == 0)
		return;
	if (q[0] == '!')
		irrd_query(db, s, q, out);
	else
		whois_ripe_query(db, s, q, out);
	if (!s->persistent)
		s->quit = 1;
}
