/*
 * The rule language of conformance controls (docs/conform.md), parsed once by recursive
 * descent into a node array and evaluated per snapshot with three-valued logic:
 *
 *   rule  := expr [ "for" ( "all" "snapshots" | "any" "snapshot" | "latest" "snapshot" ) ]
 *   expr  := and { "or" and }
 *   and   := unary { "and" unary }
 *   unary := "not" unary | cmp
 *   cmp   := sum [ ( ">=" | "<=" | "==" | "!=" | ">" | "<" ) sum ]
 *   sum   := prim { ( "+" | "-" ) prim }
 *   prim  := NUMBER | "true" | "false" | NAME | FUNC "(" NAME ")"
 *          | "count" "(" ( "findings" | "incidents" ) NAME ")" | "(" expr ")"
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "conform_private.h"

struct parser {
	const char *s;
	size_t pos;
	struct conform_expr *e;
	char *err;
	size_t errsize;
	int failed, depth;
};

static int fail(struct parser *p, const char *what, const char *arg)
{
	if (!p->failed)
		snprintf(p->err, p->errsize, "column %zu: %s%s%s", p->pos + 1, what, arg ? " " : "",
		    arg ? arg : "");
	p->failed = 1;
	return -1;
}

static void skip_ws(struct parser *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n')
		p->pos++;
}

static int is_name_char(int c, int first)
{
	return isalpha(c) || c == '_' || (!first && (isdigit(c) || c == '.' || c == '-'));
}

/* Peek at the next word (name) without consuming; returns its length. */
static size_t peek_word(struct parser *p, char *buf, size_t size)
{
	skip_ws(p);
	size_t i = 0;
	while (is_name_char((unsigned char)p->s[p->pos + i], i == 0)) {
		if (i + 1 < size)
			buf[i] = p->s[p->pos + i];
		i++;
	}
	buf[i < size ? i : size - 1] = '\0';
	return i;
}

static int accept_word(struct parser *p, const char *w)
{
	char buf[32];
	size_t n = peek_word(p, buf, sizeof(buf));
	if (n && strcmp(buf, w) == 0) {
		p->pos += n;
		return 1;
	}
	return 0;
}

static int accept(struct parser *p, const char *tok)
{
	skip_ws(p);
	size_t n = strlen(tok);
	if (strncmp(p->s + p->pos, tok, n) == 0) {
		p->pos += n;
		return 1;
	}
	return 0;
}

/* A rule's tree may be at most this high: a long chain of operators ("a - b - c ...")
 * nests as deeply as parentheses do, and evaluating and printing recurse through it. */
#define CX_MAX_HEIGHT 128

static int node(struct parser *p, enum cx_op op, int l, int r)
{
	struct conform_expr *e = p->e;
	int hl = l >= 0 ? e->node[l].height : 0, hr = r >= 0 ? e->node[r].height : 0;
	int h = 1 + (hl > hr ? hl : hr);
	if (h > CX_MAX_HEIGHT)
		return fail(p, "rule nested too deeply", NULL);
	XGROW(e->node, e->cap, e->n + 1);
	struct cx_node *x = &e->node[e->n];
	memset(x, 0, sizeof(*x));
	x->op = op;
	x->l = l;
	x->r = r;
	x->height = h;
	return (int)e->n++;
}

static const struct {
	const char *name;
	enum cx_atom atom;
	int sub;
} names[] = {
    {"action1", CA_ACTION, 1},
    {"action2", CA_ACTION, 2},
    {"action3", CA_ACTION, 3},
    {"action4_irr", CA_ACTION, 4},
    {"action4_rpki", CA_ACTION, 5},
    {"routes", CA_ROUTES, CR_ALL},
    {"routes.v4", CA_ROUTES, CR_V4},
    {"routes.v6", CA_ROUTES, CR_V6},
    {"routes.rpki_valid", CA_ROUTES, CR_RPKI_VALID},
    {"routes.rpki_invalid", CA_ROUTES, CR_RPKI_INVALID},
    {"routes.rpki_notfound", CA_ROUTES, CR_RPKI_NOTFOUND},
    {"routes.irr_registered", CA_ROUTES, CR_IRR_REGISTERED},
    {"routes.irr_unregistered", CA_ROUTES, CR_IRR_UNREGISTERED},
    {"routes.bogon", CA_ROUTES, CR_BOGON},
    {"irr.roa_conflicts", CA_ROUTES, CR_ROA_CONFLICT},
    {"aspa.published", CA_ASPA, 0},
    {"aspa.consistent", CA_ASPA, 1},
    {"aspa.missing_providers", CA_ASPA, 2},
    {"contact.peeringdb", CA_CONTACT, 0},
    {"contact.rir", CA_CONTACT, 1},
    {"attested", CA_ATTESTED, 0},
    {"seen", CA_SEEN, 0},
};

/* A metric name or "action1" (every Action 1 metric) as a function argument. */
static int metric_arg(struct parser *p, int x, int allow_action1)
{
	char buf[40];
	size_t n = peek_word(p, buf, sizeof(buf));
	if (n == 0 || n >= sizeof(buf))
		return fail(p, "expected a metric name", NULL);
	if (!metric_by_name(buf) && !(allow_action1 && strcmp(buf, "action1") == 0))
		return fail(p, "unknown metric", buf);
	p->pos += n;
	snprintf(p->e->node[x].name, sizeof(p->e->node[x].name), "%s", buf);
	return 0;
}

static int parse_call(struct parser *p, const char *fn)
{
	int x = node(p, CX_ATOM, -1, -1);
	int counted = -1; /* count(findings M2C), count(incidents action1) */
	if (strcmp(fn, "count") == 0 && accept_word(p, "findings"))
		counted = CA_FINDINGS;
	else if (strcmp(fn, "count") == 0 && accept_word(p, "incidents"))
		counted = CA_INCIDENTS;
	if (counted >= 0) {
		p->e->node[x].atom = (enum cx_atom)counted;
		if (metric_arg(p, x, 1))
			return -1;
	} else {
		static const struct {
			const char *fn;
			enum cx_atom atom;
			int action1;
		} fns[] = {{"raw", CA_METRIC_RAW, 0}, {"pct", CA_METRIC_PCT, 0},
		    {"count", CA_METRIC_COUNT, 0}, {"findings", CA_FINDINGS, 1},
		    {"incidents", CA_INCIDENTS, 1}};
		size_t i = 0;
		for (; i < sizeof(fns) / sizeof(fns[0]) && strcmp(fns[i].fn, fn); i++)
			;
		if (i == sizeof(fns) / sizeof(fns[0]))
			return fail(p, "unknown function", fn);
		p->e->node[x].atom = fns[i].atom;
		if (metric_arg(p, x, fns[i].action1))
			return -1;
	}
	if (!accept(p, ")"))
		return fail(p, "expected ')'", NULL);
	return x;
}

static int parse_expr(struct parser *p);

static int parse_prim(struct parser *p)
{
	char buf[40];
	skip_ws(p);
	const char *s = p->s + p->pos;
	if (isdigit((unsigned char)*s) || (*s == '.' && isdigit((unsigned char)s[1]))) {
		char *end;
		double v = strtod(s, &end);
		if (!isfinite(v))
			return fail(p, "bad number", NULL);
		p->pos += (size_t)(end - s);
		int x = node(p, CX_NUM, -1, -1);
		p->e->node[x].num = v;
		return x;
	}
	if (accept(p, "(")) {
		int x = parse_expr(p);
		if (x < 0)
			return -1;
		if (!accept(p, ")"))
			return fail(p, "expected ')'", NULL);
		return x;
	}
	size_t n = peek_word(p, buf, sizeof(buf));
	if (n == 0)
		return fail(p, *s ? "unexpected character" : "unexpected end of rule", NULL);
	if (n >= sizeof(buf))
		return fail(p, "name too long", NULL);
	p->pos += n;
	if (strcmp(buf, "true") == 0 || strcmp(buf, "false") == 0) {
		int x = node(p, CX_NUM, -1, -1);
		p->e->node[x].num = buf[0] == 't';
		return x;
	}
	if (accept(p, "("))
		return parse_call(p, buf);
	int x = node(p, CX_ATOM, -1, -1);
	struct cx_node *a = &p->e->node[x];
	if (metric_by_name(buf)) {
		a->atom = CA_METRIC_PCT;
		snprintf(a->name, sizeof(a->name), "%s", buf);
		return x;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].name, buf) == 0) {
			a->atom = names[i].atom;
			a->sub = names[i].sub;
			snprintf(a->name, sizeof(a->name), "%s", buf);
			return x;
		}
	p->pos -= n;
	return fail(p, "unknown name", buf);
}

static int parse_sum(struct parser *p)
{
	int l = parse_prim(p);
	while (l >= 0) {
		if (accept(p, "+"))
			l = node(p, CX_ADD, l, -1);
		else if (accept(p, "-"))
			l = node(p, CX_SUB, l, -1);
		else
			break;
		if (l < 0)
			return -1;
		int r = parse_prim(p);
		if (r < 0)
			return -1;
		struct cx_node *x = &p->e->node[l];
		x->r = r;
		if (p->e->node[r].height >= x->height &&
		    (x->height = p->e->node[r].height + 1) > CX_MAX_HEIGHT)
			return fail(p, "rule nested too deeply", NULL);
	}
	return l;
}

static int parse_cmp(struct parser *p)
{
	static const struct {
		const char *tok;
		enum cx_op op;
	} ops[] = {
	    {">=", CX_GE}, {"<=", CX_LE}, {"==", CX_EQ}, {"!=", CX_NE}, {">", CX_GT}, {"<", CX_LT}};
	int l = parse_sum(p);
	if (l < 0)
		return -1;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (accept(p, ops[i].tok)) {
			int r = parse_sum(p);
			return r < 0 ? -1 : node(p, ops[i].op, l, r);
		}
	return l;
}

static int parse_unary(struct parser *p)
{
	if (++p->depth > 64)
		return fail(p, "rule nested too deeply", NULL);
	int x;
	if (accept_word(p, "not")) {
		int l = parse_unary(p);
		x = l < 0 ? -1 : node(p, CX_NOT, l, -1);
	} else
		x = parse_cmp(p);
	p->depth--;
	return x;
}

static int parse_binary(
    struct parser *p, const char *word, enum cx_op op, int (*sub)(struct parser *))
{
	int l = sub(p);
	while (l >= 0 && accept_word(p, word)) {
		int r = sub(p);
		if (r < 0)
			return -1;
		l = node(p, op, l, r);
	}
	return l;
}

static int parse_and(struct parser *p)
{
	return parse_binary(p, "and", CX_AND, parse_unary);
}

static int parse_expr(struct parser *p)
{
	if (++p->depth > 64)
		return fail(p, "rule nested too deeply", NULL);
	int x = parse_binary(p, "or", CX_OR, parse_and);
	p->depth--;
	return x;
}

int conform_expr_parse(const char *src, struct conform_expr **out, char *err, size_t errsize)
{
	struct parser p = {.s = src, .err = err, .errsize = errsize};
	p.e = xcalloc(1, sizeof(*p.e));
	p.e->root = parse_expr(&p);
	if (p.e->root >= 0 && accept_word(&p, "for")) {
		if (accept_word(&p, "all") && accept_word(&p, "snapshots"))
			p.e->quant = CQ_ALL;
		else if (accept_word(&p, "any") && accept_word(&p, "snapshot"))
			p.e->quant = CQ_ANY;
		else if (accept_word(&p, "latest") && accept_word(&p, "snapshot"))
			p.e->quant = CQ_LATEST;
		else
			fail(&p,
			    "expected 'all snapshots', 'any snapshot' or 'latest snapshot' "
			    "after 'for'",
			    NULL);
	}
	skip_ws(&p);
	if (!p.failed && p.s[p.pos] != '\0')
		fail(&p, "unexpected text after the rule", NULL);
	if (p.failed || p.e->root < 0) {
		conform_expr_free(p.e);
		*out = NULL;
		return -1;
	}
	*out = p.e;
	return 0;
}

void conform_expr_free(struct conform_expr *e)
{
	if (e == NULL)
		return;
	free(e->node);
	free(e);
}

const char *cx_atom_text(const struct cx_node *n, char *buf, size_t size)
{
	static const char *const fn[] = {[CA_METRIC_RAW] = "raw",
	    [CA_METRIC_COUNT] = "count",
	    [CA_FINDINGS] = "findings",
	    [CA_INCIDENTS] = "incidents"};
	if (n->atom < (int)(sizeof(fn) / sizeof(fn[0])) && fn[n->atom])
		snprintf(buf, size, "%s(%s)", fn[n->atom], n->name);
	else
		snprintf(buf, size, "%s", n->name);
	return buf;
}

static void format_node(const struct conform_expr *e, int i, char *buf, size_t size)
{
	static const char *const op[] = {[CX_AND] = "and",
	    [CX_OR] = "or",
	    [CX_ADD] = "+",
	    [CX_SUB] = "-",
	    [CX_LT] = "<",
	    [CX_LE] = "<=",
	    [CX_GT] = ">",
	    [CX_GE] = ">=",
	    [CX_EQ] = "==",
	    [CX_NE] = "!="};
	const struct cx_node *n = &e->node[i];
	size_t len = strlen(buf);
	char a[64];
	switch (n->op) {
	case CX_NUM:
		snprintf(buf + len, size - len, "%g", n->num);
		return;
	case CX_ATOM:
		snprintf(buf + len, size - len, "%s", cx_atom_text(n, a, sizeof(a)));
		return;
	case CX_NOT:
		snprintf(buf + len, size - len, "not ");
		format_node(e, n->l, buf, size);
		return;
	default:
		snprintf(buf + len, size - len, "(");
		format_node(e, n->l, buf, size);
		len = strlen(buf);
		snprintf(buf + len, size - len, " %s ", op[n->op]);
		format_node(e, n->r, buf, size);
		len = strlen(buf);
		snprintf(buf + len, size - len, ")");
	}
}

void conform_expr_format(const struct conform_expr *e, char *buf, size_t size)
{
	static const char *const q[] = {"", " for all snapshots", " for any snapshot"};
	if (size == 0)
		return;
	buf[0] = '\0';
	format_node(e, e->root, buf, size);
	size_t len = strlen(buf);
	snprintf(buf + len, size - len, "%s", q[e->quant]);
}

static int eval_node(
    const struct conform_expr *e, int i, cx_atom_fn fn, void *arg, struct cx_val *out)
{
	const struct cx_node *n = &e->node[i];
	struct cx_val l, r;
	switch (n->op) {
	case CX_NUM:
		*out = (struct cx_val){n->num, 1};
		return 0;
	case CX_ATOM:
		return fn(arg, n, out);
	case CX_NOT:
		if (eval_node(e, n->l, fn, arg, &l))
			return -1;
		*out = (struct cx_val){l.v == 0, l.known};
		return 0;
	default:
		break;
	}
	if (eval_node(e, n->l, fn, arg, &l) || eval_node(e, n->r, fn, arg, &r))
		return -1;
	if (n->op == CX_AND) {
		/* false wins over unknown; unknown over true */
		if ((l.known && l.v == 0) || (r.known && r.v == 0))
			*out = (struct cx_val){0, 1};
		else
			*out = (struct cx_val){1, l.known && r.known};
		return 0;
	}
	if (n->op == CX_OR) {
		if ((l.known && l.v != 0) || (r.known && r.v != 0))
			*out = (struct cx_val){1, 1};
		else
			*out = (struct cx_val){0, l.known && r.known};
		return 0;
	}
	out->known = l.known && r.known;
	switch (n->op) {
	case CX_ADD:
		out->v = l.v + r.v;
		break;
	case CX_SUB:
		out->v = l.v - r.v;
		break;
	/* percentages are stored as doubles: compare with a small tolerance */
	case CX_LT:
		out->v = l.v < r.v - 1e-9;
		break;
	case CX_LE:
		out->v = l.v <= r.v + 1e-9;
		break;
	case CX_GT:
		out->v = l.v > r.v + 1e-9;
		break;
	case CX_GE:
		out->v = l.v >= r.v - 1e-9;
		break;
	case CX_EQ:
		out->v = fabs(l.v - r.v) <= 1e-9;
		break;
	case CX_NE:
		out->v = fabs(l.v - r.v) > 1e-9;
		break;
	default:
		out->v = 0;
		out->known = 0;
		break;
	}
	return 0;
}

int cx_eval(const struct conform_expr *e, cx_atom_fn fn, void *arg, struct cx_val *out)
{
	return eval_node(e, e->root, fn, arg, out);
}
