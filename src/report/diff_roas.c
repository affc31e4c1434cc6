/* Which ROAs (VRPs) appeared and disappeared between two snapshots' VRP sets
 * (engine_snapshot_vrps reads them), counted and the first listed, for text and JSON. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "rpki/rpki.h"

static void on_vrp(const struct vrp *v, int added, void *arg)
{
	struct report_roas *r = arg;
	added ? r->appeared++ : r->disappeared++;
	if (r->n < r->limit) {
		r->changes[r->n].vrp = *v;
		r->changes[r->n++].added = added;
	}
}

void report_roas_diff(
    const struct vrp_table *from, const struct vrp_table *to, size_t limit, struct report_roas *r)
{
	memset(r, 0, sizeof(*r));
	r->limit = limit;
	r->changes = xcalloc(limit ? limit : 1, sizeof(*r->changes));
	r->before = vrp_table_count(from);
	r->after = vrp_table_count(to);
	vrp_table_diff(from, to, on_vrp, r);
}

void report_roas_free(struct report_roas *r)
{
	free(r->changes);
	r->changes = NULL;
}

struct json_object *report_roas_json(const struct report_roas *r, const char *from, const char *to)
{
	json_object *o = json_object_new_object(), *list = json_object_new_array();
	json_object_object_add(o, "from", json_object_new_string(from));
	json_object_object_add(o, "to", json_object_new_string(to));
	json_object_object_add(o, "vrps_before", json_object_new_int64((int64_t)r->before));
	json_object_object_add(o, "vrps_after", json_object_new_int64((int64_t)r->after));
	json_object_object_add(o, "appeared", json_object_new_int64((int64_t)r->appeared));
	json_object_object_add(o, "disappeared", json_object_new_int64((int64_t)r->disappeared));
	for (size_t i = 0; i < r->n; i++) {
		const struct vrp *v = &r->changes[i].vrp;
		char pfx[PREFIX_STRLEN];
		prefix_format(&v->p, pfx, sizeof(pfx));
		json_object *c = json_object_new_object();
		json_object_object_add(c, "change",
		    json_object_new_string(r->changes[i].added ? "appeared" : "disappeared"));
		json_object_object_add(c, "prefix", json_object_new_string(pfx));
		json_object_object_add(c, "maxLength", json_object_new_int(v->maxlen));
		json_object_object_add(c, "asn", json_object_new_int64(v->asn));
		json_object_array_add(list, c);
	}
	json_object_object_add(o, "changes", list);
	return o;
}
