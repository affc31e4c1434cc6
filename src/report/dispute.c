/* A dispute and its audit trail as JSON: one shape for 'routemark dispute --format json'
 * and the API (/api/v1/as/ASN/disputes). */
#include <json-c/json.h>

#include "report/report.h"

static json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *time_or_null(int64_t t)
{
	return t > 0 ? json_object_new_int64(t) : NULL;
}

struct json_object *report_dispute_json(
    const struct store_dispute *d, const struct store_dispute_event *ev, size_t nev)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(d->id));
	json_object_object_add(o, "asn", json_object_new_int64(d->asn));
	json_object_object_add(o, "metric", str_or_null(d->metric));
	json_object_object_add(o, "prefix", str_or_null(d->prefix));
	json_object_object_add(o, "origin", json_object_new_int64(d->origin));
	json_object_object_add(o, "finding", json_object_new_int64(d->finding_id));
	json_object_object_add(o, "snapshot", json_object_new_int64(d->snapshot_id));
	json_object_object_add(o, "period_start", json_object_new_int64(d->period_start));
	json_object_object_add(o, "state", str_or_null(d->state));
	json_object_object_add(o, "reason", str_or_null(d->reason));
	json_object_object_add(o, "opened_by", str_or_null(d->opened_by));
	json_object_object_add(o, "created", time_or_null(d->created));
	json_object_object_add(o, "reviewer", str_or_null(d->reviewer));
	json_object_object_add(o, "decided", time_or_null(d->decided));
	json_object_object_add(o, "note", str_or_null(d->note));
	if (ev) {
		json_object *a = json_object_new_array();
		for (size_t i = 0; i < nev; i++) {
			json_object *e = json_object_new_object();
			json_object_object_add(e, "time", json_object_new_int64(ev[i].time));
			json_object_object_add(e, "who", str_or_null(ev[i].who));
			json_object_object_add(e, "from", str_or_null(ev[i].from_state));
			json_object_object_add(e, "to", str_or_null(ev[i].to_state));
			json_object_object_add(e, "note", str_or_null(ev[i].note));
			json_object_array_add(a, e);
		}
		json_object_object_add(o, "audit", a);
	}
	return o;
}
