/* The live monitor's alerts: the current state of each (/api/v1/alerts), the alerts page
 * (/alerts: open alerts, recently resolved ones) and its small script (/alerts.js), which
 * subscribes to /api/v1/events and puts new events at the top. The page is whole without
 * the script. The server only reads alerts ('routemark monitor --db' writes them). */
#include <json-c/json.h>
#include <string.h>
#include <time.h>

#include "serve/serve_private.h"

#define ALERTS_DEFAULT_LIMIT 100
#define ALERTS_RESOLVED_SHOWN 20

static const char *const severity_names[8] = {
    "emergency", "alert", "critical", "error", "warning", "notice", "informational", "debug"};

static const char *severity_name(int s)
{
	return s >= 0 && s < 8 ? severity_names[s] : "unknown";
}

static json_object *j_alert(const struct store_alert_event *ev)
{
	json_object *o = json_object_new_object();
	jadd(o, "id", jint(ev->id));
	jadd(o, "alert_id", jstr(ev->alert_id));
	jadd(o, "kind", jstr(ev->kind));
	jadd(o, "state", jstr(ev->state));
	jadd(o, "time", jint(ev->time));
	jadd(o, "since", jint(ev->since));
	jadd(o, "prefix", *ev->prefix ? jstr(ev->prefix) : NULL);
	jadd(o, "asn", ev->asn ? jint(ev->asn) : NULL);
	jadd(o, "severity", jint(ev->severity));
	jadd(o, "severity_name", jstr(severity_name(ev->severity)));
	jadd(o, "title", jstr(ev->title));
	jadd(o, "text", jstr(ev->text));
	jadd(o, "event", json_tokener_parse(ev->json));
	return o;
}

static int add_alert(const struct store_alert_event *ev, void *arg)
{
	json_object_array_add(arg, j_alert(ev));
	return 0;
}

int api_alerts(struct req *r)
{
	const char *sv = target_param(&r->t, "state");
	int which = STORE_ALERTS_OPEN;
	size_t limit, offset;
	if (sv && strcmp(sv, "all") == 0)
		which = STORE_ALERTS_ALL;
	else if (sv && strcmp(sv, "resolved") == 0)
		which = STORE_ALERTS_RESOLVED;
	else if (sv && strcmp(sv, "open") != 0)
		return req_error(
		    r, 400, "bad_parameter", "state=%.40s: expected open, resolved or all", sv);
	if (req_paging(r, ALERTS_DEFAULT_LIMIT, &limit, &offset) != 0)
		return r->status;
	/* the newest event id first: a client subscribing after it misses nothing */
	int64_t last;
	json_object *a = json_object_new_array();
	if (store_alert_last_id(r->store, &last) != 0 ||
	    store_alerts_current(r->store, which, limit, add_alert, a) != 0) {
		json_object_put(a);
		return req_error(r, 500, "store_error", "the store could not be read");
	}
	json_object *o = json_object_new_object();
	jadd(o, "state",
	    jstr(which == STORE_ALERTS_OPEN       ? "open"
	         : which == STORE_ALERTS_RESOLVED ? "resolved"
	                                          : "all"));
	jadd(o, "last_event_id", jint(last));
	jadd(o, "items", a);
	return req_json(r, o);
}

/* ---------------------------------------------------------------- the page */

static void html_time(struct buf *b, int64_t t)
{
	char iso[40], d[40];
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
	strftime(d, sizeof(d), "%Y-%m-%d %H:%M:%S", &tm);
	buf_printf(b, "<time datetime=\"%s\">%s UTC</time>", iso, d);
}

struct rows {
	struct req *r;
	size_t n;
};

static int alert_row(const struct store_alert_event *ev, void *arg)
{
	struct rows *w = arg;
	struct buf *b = &w->r->body;
	if (w->n++ == 0)
		buf_puts(b, "<div class=\"tw\"><table><thead><tr><th scope=\"col\">kind</th>"
		            "<th scope=\"col\">prefix</th><th scope=\"col\">AS</th>"
		            "<th scope=\"col\">severity</th><th scope=\"col\">since</th>"
		            "<th scope=\"col\">last update</th><th scope=\"col\">alert</th>"
		            "</tr></thead><tbody>\n");
	buf_printf(b, "<tr id=\"alert-%lld\"><td>", (long long)ev->id);
	buf_html(b, ev->kind);
	buf_puts(b, "</td><td>");
	if (*ev->prefix) {
		buf_puts(b, "<a href=\"/prefix/");
		buf_html(b, ev->prefix);
		buf_puts(b, "\"><code>");
		buf_html(b, ev->prefix);
		buf_puts(b, "</code></a>");
	}
	buf_puts(b, "</td><td>");
	if (ev->asn)
		buf_printf(b, "<a href=\"/as/%u\">AS%u</a>", ev->asn, ev->asn);
	buf_printf(b, "</td><td>%s</td><td>", severity_name(ev->severity));
	html_time(b, ev->since);
	buf_puts(b, "</td><td>");
	buf_html(b, ev->state);
	buf_puts(b, " ");
	html_time(b, ev->time);
	buf_puts(b, "</td><td><strong>");
	buf_html(b, ev->title);
	buf_puts(b, "</strong><br>");
	buf_html(b, ev->text);
	buf_puts(b, "</td></tr>\n");
	return 0;
}

int page_alerts(struct req *r)
{
	struct buf *b = &r->body;
	int64_t last;
	if (store_alert_last_id(r->store, &last) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	page_begin(r, "Alerts");
	buf_printf(b,
	    "<h1>Alerts</h1>\n<p class=\"muted\">Raised by the live monitor "
	    "(<code>routemark monitor --db</code>) as it sees routes: an alert opens, is "
	    "updated as more peers see it, and is resolved. "
	    "<a href=\"/api/v1/alerts?state=all\">JSON</a> · "
	    "<a href=\"/api/v1/events?after=0\">event stream</a></p>\n"
	    "<h2>New events</h2>\n<p id=\"live-status\" class=\"muted\">Reload the page to see "
	    "new alerts.</p>\n<ol id=\"live\" data-after=\"%lld\" hidden></ol>\n"
	    "<h2>Open alerts</h2>\n",
	    (long long)last);
	struct rows w = {.r = r};
	if (store_alerts_current(r->store, STORE_ALERTS_OPEN, PAGE_LIMIT_MAX, alert_row, &w) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	if (w.n == 0)
		buf_puts(b, "<p>No open alert.</p>\n");
	else
		buf_puts(b, "</tbody></table></div>\n");
	if (w.n == PAGE_LIMIT_MAX)
		buf_printf(b, "<p class=\"muted\">The %d newest shown.</p>\n", PAGE_LIMIT_MAX);
	buf_puts(b, "<h2>Recently resolved</h2>\n");
	w = (struct rows){.r = r};
	if (store_alerts_current(
	        r->store, STORE_ALERTS_RESOLVED, ALERTS_RESOLVED_SHOWN, alert_row, &w) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	if (w.n == 0)
		buf_puts(b, "<p>No resolved alert.</p>\n");
	else
		buf_puts(b, "</tbody></table></div>\n");
	buf_puts(b, "<script src=\"/alerts.js\" defer></script>\n");
	page_end(r);
	return 0;
}

/* New events at the top of the page as they are stored; text only (no markup from the
 * data), and the reconnection EventSource does itself, resuming after the last id seen. */
static const char script[] =
    "'use strict';\n"
    "(function () {\n"
    "  var list = document.getElementById('live');\n"
    "  var status = document.getElementById('live-status');\n"
    "  if (!list || !status || !window.EventSource) return;\n"
    "  status.textContent = 'Live: connecting to the event stream.';\n"
    "  var es = new EventSource('/api/v1/events?after=' + (list.dataset.after || '0'));\n"
    "  es.onopen = function () {\n"
    "    status.textContent = 'Live: new alert events appear here as they are stored.';\n"
    "  };\n"
    "  es.onerror = function () {\n"
    "    status.textContent = 'Live updates interrupted; reconnecting.';\n"
    "  };\n"
    "  es.addEventListener('alert', function (m) {\n"
    "    var ev;\n"
    "    try { ev = JSON.parse(m.data); } catch (e) { return; }\n"
    "    var li = document.createElement('li');\n"
    "    li.className = 'alert-event';\n"
    "    var when = ev.time ? new Date(ev.time * 1000).toISOString().replace('T', ' ')"
    ".slice(0, 19) + ' UTC' : '';\n"
    "    var head = [when, ev.state, ev.kind, ev.prefix, ev.asn ? 'AS' + ev.asn : '']\n"
    "      .filter(function (x) { return x; }).join(' · ');\n"
    "    var strong = document.createElement('strong');\n"
    "    strong.textContent = ev.title || ev.alert_id || ('event ' + m.lastEventId);\n"
    "    li.appendChild(document.createTextNode(head + ': '));\n"
    "    li.appendChild(strong);\n"
    "    if (ev.text) li.appendChild(document.createTextNode(' ' + ev.text));\n"
    "    list.insertBefore(li, list.firstChild);\n"
    "    list.hidden = false;\n"
    "  });\n"
    "})();\n";

int alerts_js(struct req *r)
{
	r->ctype = "text/javascript; charset=utf-8";
	buf_put(&r->body, script, sizeof(script) - 1);
	return 0;
}
