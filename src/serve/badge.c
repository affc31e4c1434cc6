/* The quality mark: /badge/AS64500.svg[?profile=NAME], a small SVG an operator can embed,
 * showing the level of a conformance profile the AS reaches (default manrs-plus-draft:
 * "MANRS+ draft: conformant / not conformant / undetermined"), with the readiness of its
 * weakest Action in the tooltip (Action 2 is "no data" without Spoofer results, so it does
 * not count). When the server signs reports (--sign-key), the badge links to the signed
 * report it stands for (an SVG <a> and a Link header, rel="describedby"). */
#include <string.h>

#include "conform/conform.h"
#include "serve/serve_private.h"

static const char *overall_color(enum conform_overall o)
{
	return o == CONFORM_CONFORMANT       ? "#1a7f37"
	       : o == CONFORM_NOT_CONFORMANT ? "#cf222e"
	                                     : "#9a6700";
}

int badge_svg(struct req *r)
{
	struct store_snapshot snap;
	struct store_as_summary s;
	struct conform_result res;
	const struct conform_profile *p;
	int found;
	if (req_profile(r, &p) || req_snapshot(r, &snap))
		return r->status;
	if (store_get_summary(r->store, snap.id, r->args.asn, &s, &found) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	if (found && req_conform(r, p, snap.id, r->args.asn, &res))
		return r->status;
	r->ctype = "image/svg+xml";
	if (!found)
		r->status = 404;
	/* the weakest Action with data: the readiness shown in the tooltip */
	double worst = -1;
	for (int i = 0; found && i < ACTION_COUNT; i++) {
		double v = action_score(&s, i);
		if (v >= 0 && (worst < 0 || v < worst))
			worst = v;
	}
	char left[16], right[128], label[96];
	snprintf(left, sizeof(left), "AS%u", r->args.asn);
	snprintf(right, sizeof(right), "%s: %s", profile_label(p, label, sizeof(label)),
	    found ? conform_overall_name(res.overall) : "not measured");
	const char *color = found ? overall_color(res.overall) : "#6e7781";
	int lw = 10 + 7 * (int)strlen(left), rw = 10 + 7 * (int)strlen(right);
	struct buf *b = &r->body;
	buf_printf(b,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"20\" role=\"img\" "
	    "aria-label=\"%s ",
	    lw + rw, left);
	buf_html(b, right);
	buf_printf(b, "\"><title>%s ", left);
	buf_html(b, right);
	buf_printf(b, " (profile ");
	buf_html(b, p->name);
	buf_printf(b, "; weakest MANRS Action: %s; routemark snapshot %lld)</title>",
	    found ? readiness_str(&r->cfg, worst) : "not measured", (long long)snap.id);
	/* with a signing key, the badge links to the signed report it stands for */
	int linked = found && serve_signed_link(r, p, snap.id);
	buf_printf(b,
	    "<rect width=\"%d\" height=\"20\" fill=\"#24292f\"/>"
	    "<rect x=\"%d\" width=\"%d\" height=\"20\" fill=\"%s\"/>"
	    "<g fill=\"#fff\" font-family=\"Verdana,DejaVu Sans,sans-serif\" font-size=\"11\">"
	    "<text x=\"6\" y=\"14\">%s</text><text x=\"%d\" y=\"14\">",
	    lw, lw, rw, color, left, lw + 5);
	buf_html(b, right);
	buf_puts(b, linked ? "</text></g></a></svg>\n" : "</text></g></svg>\n");
	return 0;
}
