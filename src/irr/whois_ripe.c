/*
 * RIPE-style whois queries ("-k -s RADB -i origin AS65000", "-x 192.0.2.0/24", "AS-FOO"),
 * the subset IRRd answers from an IRR: -i origin / member-of, -x -l -L -M, -s -a -T -k -V,
 * and a free-text primary-key look-up. -K -r -F -B -G are accepted and ignored.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "irr/irr_private.h"

#define NO_ENTRIES "%  No entries found for the selected source(s).\n\n"

struct ripe_q {
	uint64_t srcmask;
	unsigned classes; /* bit per enum rpsl_class; 0 = all */
	int mode;         /* route search mode or 0 */
	const char *attr; /* -i attribute */
	const char *arg;
};

static int class_ok(const struct ripe_q *q, enum rpsl_class c)
{
	return q->classes == 0 || (q->classes >> c & 1);
}

static int parse_classes(struct ripe_q *q, const char *list)
{
	char tok[32];
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		snprintf(tok, sizeof(tok), "%.*s", (int)(n < 31 ? n : 31), p);
		enum rpsl_class c = rpsl_class_from_key(tok);
		if (c == RPSL_CLASS_OTHER)
			return -1;
		q->classes |= 1u << c;
		p += n;
		p += *p == ',';
	}
	return 0;
}

static int parse_sources(const struct irr_db *db, struct ripe_q *q, const char *list)
{
	char tok[64];
	uint64_t mask = 0;
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		snprintf(tok, sizeof(tok), "%.*s", (int)(n < 63 ? n : 63), p);
		int i = irr_db_source_find(db, tok);
		if (i < 0)
			return -1;
		mask |= 1ULL << i;
		p += n;
		p += *p == ',';
	}
	q->srcmask = mask;
	return 0;
}

/* -i origin ASx / -i member-of SET */
static int inverse(const struct irr_db *db, const struct ripe_q *q, struct irr_buf *data)
{
	uint32_t asn;
	if (strcasecmp(q->attr, "origin") == 0) {
		if (asn_parse(q->arg, &asn) != 0)
			return -1;
		const struct irr_route *r = irr_db_routes_by_origin(db, asn);
		for (; r; r = r->next_origin)
			if (irr_src_ok(q->srcmask, r->source) &&
			    class_ok(q, r->prefix.afi == AFI_IPV4 ? RPSL_ROUTE : RPSL_ROUTE6))
				whois_render_route(db, data, r);
		return 0;
	}
	if (strcasecmp(q->attr, "member-of") == 0) {
		const struct irr_claim *c = hmap_str_get(&db->claims, q->arg);
		for (; c; c = c->next) {
			if (c->route && !c->route->deleted &&
			    irr_src_ok(q->srcmask, c->route->source))
				whois_render_route(db, data, c->route);
			if (c->obj && !c->obj->deleted && irr_src_ok(q->srcmask, c->obj->source) &&
			    class_ok(q, c->obj->cls))
				whois_render_object(db, data, c->obj);
		}
		return 0;
	}
	return -2;
}

/* A free-text look-up by primary key. */
static void lookup(const struct irr_db *db, const struct ripe_q *q, struct irr_buf *data)
{
	static const enum rpsl_class order[] = {
	    RPSL_AUT_NUM, RPSL_AS_SET, RPSL_ROUTE_SET, RPSL_MNTNER, RPSL_ROLE};
	struct prefix p;
	if (strchr(q->arg, '/') && prefix_parse(q->arg, &p) == 0) {
		whois_route_search(db, q->srcmask, q->arg, 'L', data);
		return;
	}
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!class_ok(q, order[i]))
			continue;
		const struct irr_object *o = whois_find_object(db, q->srcmask, order[i], q->arg);
		if (o)
			whois_render_object(db, data, o);
	}
}

/* Parse the flags; returns 0, or -1 with an error message in out. */
static int parse(const struct irr_db *db, struct whois_session *s, struct ripe_q *q, char **tok,
    int n, struct irr_buf *out)
{
	for (int i = 0; i < n; i++) {
		const char *t = tok[i];
		if (t[0] != '-' || t[1] == '\0' || t[2] != '\0') {
			if (q->arg) {
				irr_buf_printf(out, "%%%% Unexpected argument %.60s\n\n", t);
				return -1;
			}
			q->arg = t;
			continue;
		}
		int needs = strchr("sTViqxlLMt", t[1]) != NULL;
		if (needs && i + 1 >= n) {
			irr_buf_printf(out, "%%%% Missing argument for %s\n\n", t);
			return -1;
		}
		switch (t[1]) {
		case 'k':
			s->persistent = !s->persistent;
			break;
		case 'a':
			q->srcmask = 0;
			break;
		case 's':
			if (parse_sources(db, q, tok[++i]) != 0) {
				irr_buf_printf(out, "%%%% Unknown source in %.60s\n\n", tok[i]);
				return -1;
			}
			break;
		case 'T':
			if (parse_classes(q, tok[++i]) != 0) {
				irr_buf_printf(
				    out, "%%%% Unknown object class in %.60s\n\n", tok[i]);
				return -1;
			}
			break;
		case 'V':
			snprintf(s->ident, sizeof(s->ident), "%.63s", tok[++i]);
			break;
		case 'i':
			if (i + 2 >= n) {
				irr_buf_puts(out, "%% -i needs an attribute and a value\n\n");
				return -1;
			}
			q->attr = tok[++i];
			q->arg = tok[++i];
			break;
		case 'x':
		case 'l':
		case 'L':
		case 'M':
			q->mode = t[1];
			q->arg = tok[++i];
			break;
		case 'K':
		case 'r':
		case 'F':
		case 'B':
		case 'G':
			break;
		default:
			irr_buf_printf(out, "%%%% Unsupported flag %s\n\n", t);
			return -1;
		}
	}
	return 0;
}

void whois_ripe_query(
    const struct irr_db *db, struct whois_session *s, char *line, struct irr_buf *out)
{
	char *tok[32];
	int n = split_ws(line, tok, 32);
	struct ripe_q q;
	memset(&q, 0, sizeof(q));
	q.srcmask = s->srcmask;
	if (parse(db, s, &q, tok, n, out) != 0)
		return;
	if (q.arg == NULL)
		return; /* only flags (e.g. "-k"): no answer */
	struct irr_buf data = {0};
	int r = 0;
	if (q.attr)
		r = inverse(db, &q, &data);
	else if (q.mode)
		r = whois_route_search(db, q.srcmask, q.arg, q.mode, &data);
	else
		lookup(db, &q, &data);
	if (r == -2)
		irr_buf_printf(out, "%%%% Inverse look-up of %.30s is not supported\n\n", q.attr);
	else if (r < 0)
		irr_buf_printf(out, "%%%% Invalid argument %.60s\n\n", q.arg);
	else if (data.len == 0)
		irr_buf_puts(out, NO_ENTRIES);
	else {
		irr_buf_append(out, data.p, data.len);
		irr_buf_puts(out, "\n\n");
	}
	irr_buf_free(&data);
}
