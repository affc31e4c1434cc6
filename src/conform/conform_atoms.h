/* conform internals: one snapshot's data of an AS as rule atoms see it (atoms.c), shared with
 * the evaluator and its evidence collectors (evaluate.c, evidence.c). */
#ifndef ROUTEMARK_CONFORM_ATOMS_H
#define ROUTEMARK_CONFORM_ATOMS_H

#include "conform_private.h"

struct snap_data {
	struct store *store;
	const struct observe_refs *refs;
	struct arena *a;
	uint32_t asn;
	size_t nfilings; /* attestations of the control being evaluated */
	/* of the current snapshot (0: none) */
	int64_t snap;
	int loaded, routes_loaded, seen;
	struct store_as_summary sum;
	struct store_metric *metrics;
	size_t nmetrics;
	struct store_route *routes;
	size_t nroutes;
};

void snap_data_reset(struct snap_data *d, int64_t snap);
int snap_data_seen(struct snap_data *d); /* 1, 0, or -1 on a store error */
int snap_data_routes(struct snap_data *d);
int snap_atom(void *arg, const struct cx_node *n, struct cx_val *out);

/* A route row against a routes.* selector; known = 0 when its reference data is absent. */
int route_matches(const struct store_route *r, int sub, int *known);
/* 1 when asn has an ASPA; counts its providers in the relationships missing from it. */
int aspa_missing(const struct observe_refs *refs, uint32_t asn, uint32_t *missing, size_t max,
    size_t *nmissing, size_t *nupstreams);
int contact_state(const struct observe_refs *refs, int sub, uint32_t asn, const char **why);

#endif
