/* The quality mark: /badge/AS64500.svg, a small SVG an operator can embed, showing the AS's
 * lowest-scoring Action readiness of the snapshot (Action 2 is "no data" without Spoofer
 * results, so it does not count). */
#include <string.h>

#include "serve/serve_private.h"

int badge_svg(struct req *r)
{
	struct store_snapshot snap;
	struct store_as_summary s;
	int found;
	if (req_snapshot(r, &snap))
		return r->status;
	if (store_get_summary(r->store, snap.id, r->args.asn, &s, &found) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	r->ctype = "image/svg+xml";
	if (!found)
		r->status = 404;
	/* the weakest Action with data decides */
	double worst = -1;
	for (int i = 0; found && i < ACTION_COUNT; i++) {
		double v = action_score(&s, i);
		if (v >= 0 && (worst < 0 || v < worst))
			worst = v;
	}
	const char *state = found ? readiness_str(worst) : "not measured";
	const char *color = strcmp(state, "ready") == 0      ? "#1a7f37"
	                    : strcmp(state, "aspiring") == 0 ? "#9a6700"
	                    : strcmp(state, "lagging") == 0  ? "#cf222e"
	                                                     : "#6e7781";
	char left[40];
	snprintf(left, sizeof(left), "MANRS AS%u", r->args.asn);
	int lw = 8 + 7 * (int)strlen(left), rw = 10 + 7 * (int)strlen(state);
	buf_printf(&r->body,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"20\" role=\"img\" "
	    "aria-label=\"%s: %s\"><title>%s: %s (routemark snapshot %lld)</title>"
	    "<rect width=\"%d\" height=\"20\" fill=\"#24292f\"/>"
	    "<rect x=\"%d\" width=\"%d\" height=\"20\" fill=\"%s\"/>"
	    "<g fill=\"#fff\" font-family=\"Verdana,DejaVu Sans,sans-serif\" font-size=\"11\">"
	    "<text x=\"6\" y=\"14\">%s</text><text x=\"%d\" y=\"14\">%s</text></g></svg>\n",
	    lw + rw, left, state, left, state, (long long)snap.id, lw, lw, rw, color, left, lw + 5,
	    state);
	return 0;
}
