/* Disputes of an AS's findings with their audit trail: the API (/api/v1/as/ASN/disputes)
 * and the AS page's section. The server only reads them ('routemark dispute' writes). */
#include <json-c/json.h>
#include <string.h>

#include "report/report.h"
#include "serve/serve_private.h"

int api_as_disputes(struct req *r)
{
	struct store_dispute *d;
	size_t n;
	const char *state = target_param(&r->t, "state");
	if (state && strcmp(state, "open") && strcmp(state, "accepted") &&
	    strcmp(state, "rejected"))
		return req_error(r, 400, "bad_parameter",
		    "state=%s: expected open, accepted or rejected", state);
	if (store_get_disputes(r->store, r->args.asn, state, &r->arena, &d, &n) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct store_dispute_event *ev;
		size_t nev;
		if (store_get_dispute_events(r->store, d[i].id, &r->arena, &ev, &nev) != 0) {
			json_object_put(a);
			return req_error(r, 500, "store_error", "the store could not be read");
		}
		json_object_array_add(a, report_dispute_json(&d[i], ev, nev));
	}
	json_object *o = json_object_new_object();
	jadd(o, "asn", jint(r->args.asn));
	jadd(o, "items", a);
	return req_json(r, o);
}

int html_disputes(struct req *r, uint32_t asn)
{
	struct store_dispute *d;
	struct buf *b = &r->body;
	size_t n;
	char t[40];
	if (store_get_disputes(r->store, asn, NULL, &r->arena, &d, &n) != 0)
		return -1;
	buf_printf(b, "<h2 id=\"disputes\">Disputes (%zu)</h2>\n", n);
	if (n == 0) {
		buf_puts(b, "<p>No finding of this AS has been disputed. A network disputes a "
		            "finding with <code>routemark dispute open</code>; an accepted dispute "
		            "takes it out of the scores from its snapshot on.</p>\n");
		return 0;
	}
	buf_printf(b,
	    "<p class=\"muted\">Disputed findings and their review; findings of an accepted "
	    "dispute are struck through above and not counted in the scores. "
	    "<a href=\"/api/v1/as/%u/disputes\">JSON</a></p>\n",
	    asn);
	buf_puts(b, "<div class=\"tw\"><table><thead><tr><th scope=\"col\">#</th>"
	            "<th scope=\"col\">state</th><th scope=\"col\">finding</th>"
	            "<th scope=\"col\">reason</th><th scope=\"col\">audit trail</th></tr></thead>"
	            "<tbody>");
	for (size_t i = 0; i < n; i++) {
		struct store_dispute_event *ev;
		size_t nev;
		if (store_get_dispute_events(r->store, d[i].id, &r->arena, &ev, &nev) != 0)
			return -1;
		buf_printf(b, "<tr><td>%lld</td><td>", (long long)d[i].id);
		buf_html(b, d[i].state);
		buf_puts(b, "</td><td>");
		buf_html(b, d[i].metric);
		buf_puts(b, " ");
		buf_html(b, d[i].prefix);
		buf_printf(b,
		    " origin AS%u <span class=\"muted\">(finding %lld, snapshot %lld)</span>",
		    d[i].origin, (long long)d[i].finding_id, (long long)d[i].snapshot_id);
		buf_puts(b, "</td><td>");
		buf_html(b, d[i].reason);
		buf_puts(b, "</td><td><ol>");
		for (size_t k = 0; k < nev; k++) {
			buf_printf(b, "<li>%s: ", report_time(ev[k].time, t, sizeof(t)));
			buf_html(b, ev[k].from_state ? ev[k].from_state : "new");
			buf_puts(b, " → ");
			buf_html(b, ev[k].to_state);
			buf_puts(b, " by ");
			buf_html(b, ev[k].who ? ev[k].who : "unknown");
			if (ev[k].note) {
				buf_puts(b, ": ");
				buf_html(b, ev[k].note);
			}
			buf_puts(b, "</li>");
		}
		buf_puts(b, "</ol></td></tr>");
	}
	buf_puts(b, "</tbody></table></div>\n");
	return 0;
}
