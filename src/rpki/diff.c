/*
 * What changed between two built tables: a linear merge over their sorted order (VRPs in
 * vrp_cmp order, ASPAs by customer), so a diff costs one pass over both and no allocation.
 */
#include <string.h>

#include "rpki/rpki.h"

size_t vrp_table_diff(
    const struct vrp_table *old, const struct vrp_table *new, vrp_diff_fn fn, void *arg)
{
	size_t no = old ? vrp_table_count(old) : 0, nn = new ? vrp_table_count(new) : 0;
	size_t i = 0, j = 0, changed = 0;
	while (i < no || j < nn) {
		const struct vrp *a = i < no ? vrp_table_get(old, i) : NULL;
		const struct vrp *b = j < nn ? vrp_table_get(new, j) : NULL;
		int c = a == NULL ? 1 : b == NULL ? -1 : vrp_cmp(a, b);
		if (c == 0) {
			i++, j++;
			continue;
		}
		changed++;
		if (c < 0) {
			if (fn)
				fn(a, 0, arg);
			i++;
		} else {
			if (fn)
				fn(b, 1, arg);
			j++;
		}
	}
	return changed;
}

static int same_providers(const struct aspa *a, const struct aspa *b)
{
	return a->nproviders == b->nproviders &&
	       (a->nproviders == 0 ||
	           memcmp(a->providers, b->providers, a->nproviders * sizeof(uint32_t)) == 0);
}

size_t aspa_table_diff(
    const struct aspa_table *old, const struct aspa_table *new, aspa_diff_fn fn, void *arg)
{
	size_t no = old ? aspa_table_count(old) : 0, nn = new ? aspa_table_count(new) : 0;
	size_t i = 0, j = 0, changed = 0;
	while (i < no || j < nn) {
		const struct aspa *a = i < no ? aspa_table_get(old, i) : NULL;
		const struct aspa *b = j < nn ? aspa_table_get(new, j) : NULL;
		if (a && b && a->customer == b->customer) {
			i++, j++;
			if (same_providers(a, b))
				continue;
		} else if (b == NULL || (a && a->customer < b->customer)) {
			b = NULL, i++;
		} else {
			a = NULL, j++;
		}
		changed++;
		if (fn)
			fn(a ? a->customer : b->customer, a, b, arg);
	}
	return changed;
}
