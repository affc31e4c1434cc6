/* Disputes in conformance results: the evidence item of a disputed finding (who disputed it,
 * why, who accepted it), and the AS's disputes listed with the result. */
#include <inttypes.h>
#include <string.h>

#include "conform_evidence.h"

void ev_dispute(struct snap_data *d, struct ev_list *l, const struct store_finding *f)
{
	struct store_dispute x;
	int found;
	if (store_get_dispute(d->store, f->disputed, d->a, &x, &found) != 0 || !found)
		return;
	struct conform_evidence *e = ev_add(l, "dispute");
	if (e == NULL)
		return;
	e->snapshot = d->snap;
	e->time = x.decided ? x.decided : x.created;
	e->prefix = f->prefix;
	e->origin = f->origin;
	e->asn = x.asn;
	e->state = x.state;
	e->text = ev_printf(d->a,
	    "dispute #%" PRId64 " of this %s finding, %s by %s: \"%s\"; %s by %s%s%s: not "
	    "counted",
	    x.id, x.metric, "opened", x.opened_by ? x.opened_by : "unknown", x.reason, x.state,
	    x.reviewer ? x.reviewer : "unknown", x.note ? " — " : "", x.note ? x.note : "");
}

int conform_disputes_load(
    struct store *s, uint32_t asn, struct arena *a, struct conform_result *out)
{
	return store_get_disputes(s, asn, NULL, a, &out->disputes, &out->ndisputes);
}
