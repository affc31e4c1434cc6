/* bmp internals of the route state: the attribute set table (attrs.c) used by rib.c. */
#ifndef ROUTEMARK_BMP_RIB_PRIVATE_H
#define ROUTEMARK_BMP_RIB_PRIVATE_H

#include <stddef.h>

#include "bmp/bmp_private.h"

/* Interned attribute sets: a chained hash of struct bmp_attrs. */
struct attr_table {
	struct bmp_attrs **b;
	size_t nb, count;
	size_t bytes; /* of the sets */
	struct bmp_attrs *scratch;
	size_t scratch_cap;
	struct bmp_attrs **byid; /* [id]: the set (NULL: free id); [0] unused */
	size_t idcap;
	uint32_t nid;       /* ids handed out so far (the highest + 1) */
	uint32_t *free_ids; /* ids of freed sets, for reuse */
	size_t nfree, free_cap;
};

void attr_table_init(struct attr_table *t);
void attr_table_free(struct attr_table *t);
/* The shared set equal to in, with one more reference. */
const struct bmp_attrs *attr_intern(struct attr_table *t, const struct bgp_attrs *in);
/* The set of an id from attr_intern. */
static inline const struct bmp_attrs *attr_get(const struct attr_table *t, uint32_t id)
{
	return t->byid[id];
}
/* Drop one reference; the set is freed with its last. */
void attr_release(struct attr_table *t, const struct bmp_attrs *a);

#endif
