/*
 * The difference of two snapshots: which routes (prefix, origin) changed RPKI state, which
 * appeared and disappeared with which state, counted, and the first changes listed. Read from
 * the stored routes of both (store_each_route), sorted and merged.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

static const char *const state_names[4] = {"no-data", "valid", "invalid", "not-found"};

const char *report_diff_state(int code)
{
	return code >= 0 && code < 4 ? state_names[code] : "no-data";
}

struct rlist {
	struct report_route_state *v;
	size_t n, cap;
};

static void collect(const struct store_route_brief *r, void *arg)
{
	struct rlist *l = arg;
	XGROW(l->v, l->cap, l->n + 1);
	l->v[l->n++] = (struct report_route_state){r->prefix, r->origin, r->rpki < 4 ? r->rpki : 0};
}

static int route_cmp(const void *a, const void *b)
{
	const struct report_route_state *x = a, *y = b;
	int c = prefix_cmp(&x->prefix, &y->prefix);
	if (c)
		return c;
	return (x->origin > y->origin) - (x->origin < y->origin);
}

static int read_routes(struct store *s, int64_t snap, struct rlist *l)
{
	if (store_each_route(s, snap, collect, l) != 0)
		return -1;
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), route_cmp);
	return 0;
}

static void add_change(struct report_diff *d, const struct report_route_state *r, uint8_t from)
{
	if (d->nchanges >= d->limit)
		return;
	XGROW(d->changes, d->capchanges, d->nchanges + 1);
	struct report_route_change *c = &d->changes[d->nchanges++];
	c->prefix = r->prefix;
	c->origin = r->origin;
	c->from = from;
	c->to = r->rpki;
}

/* The VRP input of snapshot snap (copied), if it had one. */
static int vrps_of(struct store *s, int64_t snap, struct report_diff_vrps *v)
{
	struct arena a;
	struct store_input *in;
	size_t n;
	arena_init(&a, 0);
	int rc = store_get_inputs(s, snap, &a, &in, &n);
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (strcmp(in[i].kind, "vrps") == 0) {
			v->path = xstrdup(in[i].path);
			v->sha256 = in[i].sha256 ? xstrdup(in[i].sha256) : NULL;
			v->data_time = in[i].data_time;
			break;
		}
	arena_free(&a);
	return rc;
}

int report_diff(struct store *s, int64_t from, int64_t to, size_t limit, struct report_diff *d)
{
	memset(d, 0, sizeof(*d));
	d->from = from;
	d->to = to;
	d->limit = limit;
	struct rlist a = {0}, b = {0};
	int rc = -1;
	if (vrps_of(s, from, &d->vrps[0]) != 0 || vrps_of(s, to, &d->vrps[1]) != 0)
		goto out;
	if (read_routes(s, from, &a) != 0 || read_routes(s, to, &b) != 0)
		goto out;
	d->routes_from = a.n;
	d->routes_to = b.n;
	size_t i = 0, j = 0;
	while (i < a.n || j < b.n) {
		int c = i == a.n ? 1 : j == b.n ? -1 : route_cmp(&a.v[i], &b.v[j]);
		if (c < 0) {
			d->disappeared[a.v[i].rpki]++;
			i++;
		} else if (c > 0) {
			d->appeared[b.v[j].rpki]++;
			j++;
		} else {
			uint8_t x = a.v[i].rpki, y = b.v[j].rpki;
			d->matrix[x][y]++;
			if (x != y) {
				d->changed++;
				d->became[y]++;
				add_change(d, &b.v[j], x);
			} else
				d->unchanged++;
			i++;
			j++;
		}
	}
	rc = 0;
out:
	free(a.v);
	free(b.v);
	return rc;
}

void report_diff_free(struct report_diff *d)
{
	for (int i = 0; i < 2; i++) {
		free(d->vrps[i].path);
		free(d->vrps[i].sha256);
	}
	free(d->changes);
	memset(d, 0, sizeof(*d));
}

static json_object *by_state(const uint64_t v[4])
{
	json_object *o = json_object_new_object();
	for (int k = 0; k < 4; k++)
		json_object_object_add(o, state_names[k], json_object_new_int64((int64_t)v[k]));
	return o;
}

struct json_object *report_diff_json(const struct report_diff *d)
{
	json_object *o = json_object_new_object(), *m = json_object_new_object(),
	            *ch = json_object_new_array();
	char buf[PREFIX_STRLEN];
	json_object_object_add(o, "schema", json_object_new_string("routemark.diff/1"));
	json_object_object_add(o, "from", json_object_new_int64(d->from));
	json_object_object_add(o, "to", json_object_new_int64(d->to));
	json_object_object_add(o, "routes_from", json_object_new_int64((int64_t)d->routes_from));
	json_object_object_add(o, "routes_to", json_object_new_int64((int64_t)d->routes_to));
	json_object_object_add(
	    o, "in_both", json_object_new_int64((int64_t)(d->changed + d->unchanged)));
	json_object_object_add(o, "changed", json_object_new_int64((int64_t)d->changed));
	json_object_object_add(o, "became", by_state(d->became));
	json_object_object_add(o, "appeared", by_state(d->appeared));
	json_object_object_add(o, "disappeared", by_state(d->disappeared));
	for (int x = 0; x < 4; x++)
		json_object_object_add(m, state_names[x], by_state(d->matrix[x]));
	json_object_object_add(o, "transitions", m);
	for (size_t i = 0; i < d->nchanges; i++) {
		const struct report_route_change *c = &d->changes[i];
		json_object *x = json_object_new_object();
		json_object_object_add(x, "prefix",
		    json_object_new_string(prefix_format(&c->prefix, buf, sizeof(buf))));
		json_object_object_add(x, "origin", json_object_new_int64(c->origin));
		json_object_object_add(x, "from", json_object_new_string(state_names[c->from]));
		json_object_object_add(x, "to", json_object_new_string(state_names[c->to]));
		json_object_array_add(ch, x);
	}
	for (int i = 0; i < 2; i++) {
		const struct report_diff_vrps *v = &d->vrps[i];
		json_object *x = NULL;
		if (v->path) {
			x = json_object_new_object();
			json_object_object_add(x, "path", json_object_new_string(v->path));
			json_object_object_add(
			    x, "sha256", v->sha256 ? json_object_new_string(v->sha256) : NULL);
			json_object_object_add(x, "data_time",
			    v->data_time > 0 ? json_object_new_int64(v->data_time) : NULL);
		}
		json_object_object_add(o, i ? "vrps_to" : "vrps_from", x);
	}
	json_object_object_add(o, "limit", json_object_new_int64((int64_t)d->limit));
	json_object_object_add(o, "changes", ch);
	return o;
}

void report_diff_text(FILE *f, const struct report_diff *d)
{
	char buf[PREFIX_STRLEN];
	fprintf(f, "routes: %llu -> %llu; %llu in both, %llu appeared, %llu disappeared\n",
	    (unsigned long long)d->routes_from, (unsigned long long)d->routes_to,
	    (unsigned long long)(d->changed + d->unchanged),
	    (unsigned long long)(d->appeared[0] + d->appeared[1] + d->appeared[2] + d->appeared[3]),
	    (unsigned long long)(d->disappeared[0] + d->disappeared[1] + d->disappeared[2] +
	                         d->disappeared[3]));
	fprintf(f,
	    "RPKI state changed in both: %llu (became valid %llu, invalid %llu, not-found "
	    "%llu, no data %llu)\n\n",
	    (unsigned long long)d->changed, (unsigned long long)d->became[1],
	    (unsigned long long)d->became[2], (unsigned long long)d->became[3],
	    (unsigned long long)d->became[0]);
	fprintf(f, "%-12s %10s %10s %10s %10s\n", "from \\ to", "valid", "invalid", "not-found",
	    "no-data");
	for (int x = 1; x <= 4; x++) {
		int r = x & 3; /* valid, invalid, not-found, then no-data */
		fprintf(f, "%-12s %10llu %10llu %10llu %10llu\n", state_names[r],
		    (unsigned long long)d->matrix[r][1], (unsigned long long)d->matrix[r][2],
		    (unsigned long long)d->matrix[r][3], (unsigned long long)d->matrix[r][0]);
	}
	fprintf(f, "%-12s %10llu %10llu %10llu %10llu\n", "appeared",
	    (unsigned long long)d->appeared[1], (unsigned long long)d->appeared[2],
	    (unsigned long long)d->appeared[3], (unsigned long long)d->appeared[0]);
	fprintf(f, "%-12s %10llu %10llu %10llu %10llu\n", "disappeared",
	    (unsigned long long)d->disappeared[1], (unsigned long long)d->disappeared[2],
	    (unsigned long long)d->disappeared[3], (unsigned long long)d->disappeared[0]);
	const struct report_diff_vrps *va = &d->vrps[0], *vb = &d->vrps[1];
	if (va->path && vb->path) {
		if (va->sha256 && vb->sha256 && strcmp(va->sha256, vb->sha256) == 0)
			fprintf(f,
			    "\nthe same VRP set in both (%s): no route in both can change state; "
			    "the routes that appeared and disappeared are changes of routing\n",
			    va->path);
		else
			fprintf(f,
			    "\nVRP sets: %s -> %s\n  the ROAs that changed: routemark vrps --vrps "
			    "%s "
			    "--diff %s\n",
			    va->path, vb->path, va->path, vb->path);
	}
	if (d->nchanges == 0)
		return;
	fprintf(f, "\nchanges (the first %zu of %llu, in prefix order)\n", d->nchanges,
	    (unsigned long long)d->changed);
	for (size_t i = 0; i < d->nchanges; i++) {
		const struct report_route_change *c = &d->changes[i];
		fprintf(f, "  %-20s AS%-10u %s -> %s\n",
		    prefix_format(&c->prefix, buf, sizeof(buf)), c->origin, state_names[c->from],
		    state_names[c->to]);
	}
}
