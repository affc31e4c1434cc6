/*
 * Customer cones: the AS and everything below it over provider->customer links, found with
 * an explicit-stack depth-first walk and a visited bitmap, so p2c cycles in inferred data
 * (they happen) neither loop nor recurse deeply.
 */
#include <stdlib.h>
#include <string.h>

#include "topo/topo.h"

/* Walk the cone of index root; stores each member's ASN in members (when not NULL) once.
 * Returns the member count. */
static size_t cone_walk(const struct asrel *r, uint32_t root, uint32_t *members)
{
	uint8_t *seen = xcalloc(((size_t)r->nas + 7) / 8, 1);
	uint32_t *stack = xmalloc(((size_t)r->nas + 1) * sizeof(*stack));
	size_t sp = 0, count = 0;
	stack[sp++] = root;
	seen[root >> 3] |= (uint8_t)(1u << (root & 7));
	while (sp > 0) {
		uint32_t i = stack[--sp];
		if (members)
			members[count] = r->asn[i];
		count++;
		for (uint32_t k = r->off[i]; k < r->off[i + 1]; k++) {
			uint32_t j = r->nb[k];
			if (r->rel[k] != TOPO_REL_CUSTOMER || (seen[j >> 3] & (1u << (j & 7))))
				continue;
			seen[j >> 3] |= (uint8_t)(1u << (j & 7));
			stack[sp++] = j; /* each index is pushed at most once: sp <= nas */
		}
	}
	free(stack);
	free(seen);
	return count;
}

int topo_cone(const struct asrel *r, uint32_t asn, uint32_t **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int64_t i = asrel_index(r, asn);
	if (i < 0)
		return -1;
	uint32_t *m = xmalloc(((size_t)r->nas + 1) * sizeof(*m));
	size_t cnt = cone_walk(r, (uint32_t)i, m);
	qsort(m, cnt, sizeof(*m), u32_cmp);
	*out = xreallocarray(m, cnt, sizeof(*m));
	*n = cnt;
	return 0;
}

size_t topo_cone_size(const struct asrel *r, uint32_t asn)
{
	int64_t i = asrel_index(r, asn);
	return i < 0 ? 0 : cone_walk(r, (uint32_t)i, NULL);
}

int topo_in_cone(const struct asrel *r, uint32_t provider, uint32_t member)
{
	if (provider == member)
		return 0;
	uint32_t *m;
	size_t n;
	if (topo_cone(r, provider, &m, &n) != 0)
		return 0;
	size_t i = u32_lower_bound(m, n, sizeof(*m), 0, member);
	int found = i < n && m[i] == member;
	free(m);
	return found;
}
