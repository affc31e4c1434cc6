/* bmp internals of the route state: the attribute set table (attrs.c) used by rib.c. */
#ifndef ROUTEMARK_BMP_RIB_PRIVATE_H
#define ROUTEMARK_BMP_RIB_PRIVATE_H

#include <stddef.h>

#include "bmp/bmp.h"

/* Interned attribute sets: a chained hash of struct bmp_attrs. */
struct attr_table {
	struct bmp_attrs **b;
	size_t nb, count;
	size_t bytes; /* of the sets */
	struct bmp_attrs *scratch;
	size_t scratch_cap;
};

void attr_table_init(struct attr_table *t);
void attr_table_free(struct attr_table *t);
/* The shared set equal to in, with one more reference. */
const struct bmp_attrs *attr_intern(struct attr_table *t, const struct bgp_attrs *in);
/* Drop one reference; the set is freed with its last. */
void attr_release(struct attr_table *t, const struct bmp_attrs *a);

#endif
