/* conform internals: a bounded list of evidence items (evidence.c). */
#ifndef ROUTEMARK_CONFORM_EVIDENCE_H
#define ROUTEMARK_CONFORM_EVIDENCE_H

#include <stdarg.h>

#include "conform_atoms.h"

struct ev_list {
	struct arena *a;
	struct conform_evidence *v;
	size_t n, cap, max, total;
};

/* A new item, or NULL when the list is full (total still counts it). */
struct conform_evidence *ev_add(struct ev_list *l, const char *kind);
char *ev_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* One evidence item per filing with its state at now (filings.c); returns how many are
 * valid, and writes why the others do not count ("attestation 12 expired ...") in why. */
size_t ev_filings(struct ev_list *l, const struct store_attestation *f, size_t n, int64_t now,
    char *why, size_t whysize);
/* The rows of d's snapshot behind atom n. */
void ev_atom(struct snap_data *d, struct ev_list *l, const struct cx_node *n);

/* After the evidence item of finding f, the accepted dispute that took it out of the scores
 * (kind "dispute"). */
void ev_dispute(struct snap_data *d, struct ev_list *l, const struct store_finding *f);

#endif
