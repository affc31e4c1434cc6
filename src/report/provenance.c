/* The provenance of a snapshot for people and programs: each input with its data date and
 * distance from the routing data, and the known coverage gaps, warnings first. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/report.h"

int report_provenance_read(struct store *s, const struct store_snapshot *snap, struct arena *a,
    struct report_provenance *p)
{
	memset(p, 0, sizeof(*p));
	p->routing_time = snap->period_start;
	if (store_get_inputs(s, snap->id, a, &p->in, &p->nin) != 0 ||
	    store_get_gaps(s, snap->id, a, &p->gaps, &p->ngaps) != 0)
		return -1;
	for (size_t i = 0; i < p->ngaps; i++)
		p->nwarnings += p->gaps[i].warning != 0;
	struct store_global *g;
	size_t ng;
	p->stale_days = STORE_STALE_DAYS;
	if (store_get_globals(s, snap->id, "all", a, &g, &ng) != 0)
		return -1;
	for (size_t i = 0; i < ng; i++)
		if (strcmp(g[i].key, "provenance_stale_days") == 0)
			p->stale_days = (int)g[i].value;
	return 0;
}

static const char *day(int64_t t, char *buf, size_t size)
{
	return time_utc_strftime(t, "%Y-%m-%d", buf, size);
}

int report_provenance_distance(
    const struct report_provenance *p, const struct store_input *in, long long *days)
{
	if (in->data_time <= 0 || p->routing_time <= 0)
		return 0;
	int64_t a = p->routing_time / 86400, b = in->data_time / 86400; /* calendar days */
	*days = (long long)(b - a);
	return 1;
}

struct json_object *report_provenance_json(const struct report_provenance *p)
{
	json_object *j = json_object_new_object(), *ins = json_object_new_array(),
	            *gaps = json_object_new_array(), *warn = json_object_new_array();
	char d[16];
	for (size_t i = 0; i < p->nin; i++) {
		const struct store_input *in = &p->in[i];
		json_object *o = json_object_new_object();
		long long days;
		json_object_object_add(o, "kind", json_object_new_string(in->kind));
		json_object_object_add(o, "path", json_object_new_string(in->path));
		json_object_object_add(
		    o, "sha256", in->sha256 ? json_object_new_string(in->sha256) : NULL);
		json_object_object_add(o, "size", json_object_new_int64((int64_t)in->size));
		json_object_object_add(o, "records", json_object_new_int64((int64_t)in->records));
		json_object_object_add(
		    o, "malformed", json_object_new_int64((int64_t)in->malformed));
		json_object_object_add(o, "data_time",
		    in->data_time > 0 ? json_object_new_int64(in->data_time) : NULL);
		json_object_object_add(o, "data_date",
		    in->data_time > 0 ? json_object_new_string(day(in->data_time, d, sizeof(d)))
		                      : NULL);
		json_object_object_add(
		    o, "date_from", in->date_from ? json_object_new_string(in->date_from) : NULL);
		json_object_object_add(o, "distance_days",
		    report_provenance_distance(p, in, &days) ? json_object_new_int64(days) : NULL);
		json_object_array_add(ins, o);
	}
	for (size_t i = 0; i < p->ngaps; i++) {
		const struct store_gap *g = &p->gaps[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "kind", json_object_new_string(g->kind));
		json_object_object_add(o, "code", json_object_new_string(g->code));
		json_object_object_add(o, "detail", json_object_new_string(g->detail));
		json_object_object_add(o, "warning", json_object_new_boolean(g->warning));
		json_object_array_add(gaps, o);
		if (g->warning)
			json_object_array_add(warn, json_object_new_string(g->detail));
	}
	json_object_object_add(j, "stale_days", json_object_new_int(p->stale_days));
	json_object_object_add(j, "inputs", ins);
	json_object_object_add(j, "gaps", gaps);
	json_object_object_add(j, "warnings", warn);
	return j;
}

void report_provenance_text(FILE *f, const struct report_provenance *p)
{
	char d[16];
	for (size_t i = 0; i < p->ngaps; i++)
		if (p->gaps[i].warning)
			fprintf(f, "WARNING: %s\n", p->gaps[i].detail);
	if (p->nwarnings)
		fputc('\n', f);
	fprintf(f, "provenance (data date, distance from the routing data)\n");
	for (size_t i = 0; i < p->nin; i++) {
		const struct store_input *in = &p->in[i];
		const char *b = strrchr(in->path, '/') ? strrchr(in->path, '/') + 1 : in->path;
		long long days;
		char dist[32] = "";
		if (report_provenance_distance(p, in, &days))
			snprintf(dist, sizeof(dist), "%+lld d", days);
		fprintf(f, "  %-9s %-10s %-8s %-8s %s\n", in->kind,
		    in->data_time > 0 ? day(in->data_time, d, sizeof(d)) : "unknown",
		    in->date_from ? in->date_from : "", dist, b);
	}
	size_t nother = p->ngaps - p->nwarnings;
	if (nother) {
		fprintf(f, "known gaps\n");
		for (size_t i = 0; i < p->ngaps; i++)
			if (!p->gaps[i].warning)
				fprintf(f, "  %s\n", p->gaps[i].detail);
	}
}
