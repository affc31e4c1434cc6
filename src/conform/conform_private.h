/* conform internals shared by its files: the rule AST and the snapshot evaluator. */
#ifndef ROUTEMARK_CONFORM_PRIVATE_H
#define ROUTEMARK_CONFORM_PRIVATE_H

#include "conform/conform.h"

enum cx_op {
	CX_NUM,
	CX_ATOM,
	CX_NOT,
	CX_AND,
	CX_OR,
	CX_ADD,
	CX_SUB,
	CX_LT,
	CX_LE,
	CX_GT,
	CX_GE,
	CX_EQ,
	CX_NE,
};

/* What an atom reads from one snapshot of the AS. */
enum cx_atom {
	CA_METRIC_PCT,   /* M7RPKI: the percentage */
	CA_METRIC_RAW,   /* raw(M2) */
	CA_METRIC_COUNT, /* count(M2) */
	CA_FINDINGS,     /* findings(M2C); name "action1" = every Action 1 metric */
	CA_INCIDENTS,    /* incidents(M2); same */
	CA_ACTION,       /* action1..action4_rpki: sub = 1, 2, 3, 4 (irr), 5 (rpki) */
	CA_ROUTES,       /* routes.*: sub = enum cx_routes */
	CA_ASPA,         /* sub 0 published, 1 consistent, 2 missing providers */
	CA_CONTACT,      /* sub 0 peeringdb, 1 rir */
	CA_ATTESTED,     /* filings for the control */
	CA_SEEN,         /* the AS is in the snapshot */
};

enum cx_routes {
	CR_ALL = 0,
	CR_V4,
	CR_V6,
	CR_RPKI_VALID,
	CR_RPKI_INVALID,
	CR_RPKI_NOTFOUND,
	CR_IRR_REGISTERED,
	CR_IRR_UNREGISTERED,
	CR_BOGON,
	CR_ROA_CONFLICT,
	CR_COUNT
};

struct cx_node {
	enum cx_op op;
	double num;
	enum cx_atom atom;
	int sub;
	char name[40]; /* metric name of the atom ("M2C", "action1") */
	int l, r;      /* children (-1 none) */
	int height;    /* of the subtree: evaluating and printing recurse this deep */
};

enum cx_quant { CQ_LATEST = 0, CQ_ALL, CQ_ANY };

struct conform_expr {
	struct cx_node *node;
	size_t n, cap;
	int root;
	enum cx_quant quant;
};

/* A value: unknown is "no data" (three-valued logic). */
struct cx_val {
	double v;
	int known;
};

typedef int (*cx_atom_fn)(void *arg, const struct cx_node *atom, struct cx_val *out);

/* Evaluate the expression for one snapshot; atoms are answered by fn. -1 when fn fails. */
int cx_eval(const struct conform_expr *e, cx_atom_fn fn, void *arg, struct cx_val *out);
const char *cx_atom_text(const struct cx_node *n, char *buf, size_t size);

/* The AS's disputes into out (dispute.c). */
int conform_disputes_load(
    struct store *s, uint32_t asn, struct arena *a, struct conform_result *out);

#endif
