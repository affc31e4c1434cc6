/* The provenance block of the overview and AS pages: a WARNING line for each gap that
 * distorts verdicts, then (on the overview) every input with its data date and distance
 * from the routing data, and the other known gaps. */
#include <string.h>
#include <time.h>

#include "report/report.h"
#include "serve/serve_private.h"

int html_provenance(struct req *r, const struct store_snapshot *snap, int full)
{
	struct report_provenance p;
	struct buf *b = &r->body;
	if (report_provenance_read(r->store, snap, &r->arena, &p) != 0)
		return -1;
	for (size_t i = 0; i < p.ngaps; i++) {
		if (!p.gaps[i].warning)
			continue;
		buf_puts(b, "<p class=\"warn\"><strong>WARNING:</strong> ");
		buf_html(b, p.gaps[i].detail);
		buf_puts(b, "</p>\n");
	}
	if (!full)
		return 0;
	buf_puts(b, "<h2>Provenance</h2>\n<div class=\"tw\"><table><thead><tr><th>kind</th>"
	            "<th>data date</th><th>from</th><th class=\"n\">days from the routes</th>"
	            "<th>file</th></tr></thead><tbody>");
	for (size_t i = 0; i < p.nin; i++) {
		const struct store_input *in = &p.in[i];
		const char *base = strrchr(in->path, '/') ? strrchr(in->path, '/') + 1 : in->path;
		char d[16] = "unknown";
		long long days;
		if (in->data_time > 0) {
			time_t t = (time_t)in->data_time;
			struct tm tm;
			gmtime_r(&t, &tm);
			strftime(d, sizeof(d), "%Y-%m-%d", &tm);
		}
		buf_puts(b, "<tr><td>");
		buf_html(b, in->kind);
		buf_printf(b, "</td><td>%s</td><td>", d);
		buf_html(b, in->date_from ? in->date_from : "");
		buf_puts(b, "</td><td class=\"n\">");
		if (report_provenance_distance(&p, in, &days))
			buf_printf(b, "%+lld", days);
		buf_puts(b, "</td><td><code>");
		buf_html(b, base);
		buf_puts(b, "</code></td></tr>");
	}
	buf_puts(b, "</tbody></table></div>\n");
	if (p.ngaps > p.nwarnings) {
		buf_puts(b, "<ul class=\"muted\">");
		for (size_t i = 0; i < p.ngaps; i++) {
			if (p.gaps[i].warning)
				continue;
			buf_puts(b, "<li>");
			buf_html(b, p.gaps[i].detail);
			buf_puts(b, "</li>");
		}
		buf_puts(b, "</ul>\n");
	}
	return 0;
}
