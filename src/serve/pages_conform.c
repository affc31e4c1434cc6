/* Conformance pages: the verdicts of one AS under a shipped profile (/as/{asn}/conformance)
 * and several ASes side by side, control by control (/compare/conformance), rendered by
 * conform's HTML fragments inside the dashboard's frame. */
#include <stdlib.h>
#include <string.h>

#include "conform/conform.h"
#include "serve/serve_private.h"

/* The fragments' classes (rmc-*) in the dashboard's colours. */
static const char rmc_css[] =
    "<style>.rmc h1{margin-top:0}.rmc-meta{color:var(--muted);margin:.2rem 0}"
    ".rmc-overall{display:inline-block;padding:.2rem .7rem;border-radius:4px;font-weight:700;"
    "margin:.4rem 0}.rmc-conformant{background:#d4f4d2;color:#0a5a06}"
    ".rmc-not{background:#fbd5d5;color:#8a0c0c}.rmc-undetermined{background:#fdf0c4;"
    "color:#6b5100}.rmc-v{font-weight:700;white-space:nowrap}.rmc-pass{color:var(--ready)}"
    ".rmc-fail{color:var(--lagging)}.rmc-nm{color:var(--muted)}.rmc-nodata{color:"
    "var(--aspiring)}.rmc-ev{font-size:.9rem;margin:.2rem 0 0 1rem;padding:0}"
    ".rmc-fix{font-size:.9rem}select{padding:.3rem;border:1px solid var(--line);"
    "border-radius:4px;font:inherit;max-width:100%}form.filters label{max-width:100%}"
    "</style>\n";

/* Append what a FILE-based renderer writes. */
static int put_rendered(struct req *r, void (*fn)(FILE *, const struct conform_result *, size_t),
    const struct conform_result *res, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&text, &len);
	if (mf == NULL)
		return -1;
	fn(mf, res, n);
	fclose(mf);
	buf_put(&r->body, text, len);
	free(text);
	return 0;
}

static void one_html(FILE *f, const struct conform_result *res, size_t n)
{
	(void)n;
	conform_render_html_fragment(f, res);
}

/* A <select> of the shipped profiles with cur selected. */
static void profile_select(struct req *r, const struct conform_profile *cur)
{
	struct buf *b = &r->body;
	buf_puts(b, "<label for=\"profile\">Profile<select id=\"profile\" name=\"profile\">");
	for (size_t i = 0; i < serve_profile_count(r->sv); i++) {
		const struct conform_profile *p = serve_profile_at(r->sv, i);
		buf_puts(b, "<option value=\"");
		buf_html(b, p->name);
		buf_puts(b, p == cur ? "\" selected>" : "\">");
		buf_html(b, p->title ? p->title : p->name);
		buf_puts(b, "</option>");
	}
	buf_puts(b, "</select></label>");
}

static void basis_note(struct buf *b)
{
	buf_puts(b, "<p class=\"muted\">Verdicts rest on the store's measurements and on the "
	            "attestations and audit records filed with <code>routemark attest</code>. The "
	            "server reads no ASPA or PeeringDB data, so controls that need them show "
	            "<em>no data</em> here (<code>routemark conform</code> with the reference "
	            "files decides them).</p>\n");
}

int page_as_conformance(struct req *r)
{
	struct store_snapshot snap;
	struct store_as_summary sum;
	struct conform_result res;
	const struct conform_profile *p;
	int found;
	uint32_t asn = r->args.asn;
	if (req_profile(r, &p) || req_snapshot(r, &snap))
		return r->status;
	if (store_get_summary(r->store, snap.id, asn, &sum, &found) != 0)
		return req_error(r, 500, "store_error", "the store could not be read");
	if (!found)
		return req_error(
		    r, 404, "not_found", "AS%u is not in snapshot %lld", asn, (long long)snap.id);
	if (req_conform(r, p, snap.id, asn, &res))
		return r->status;
	char title[160], label[96];
	snprintf(title, sizeof(title), "AS%u conformance: %s", asn,
	    profile_label(p, label, sizeof(label)));
	page_begin(r, title);
	struct buf *b = &r->body;
	buf_puts(b, rmc_css);
	buf_printf(b,
	    "<p class=\"muted\"><a href=\"/as/%u\">← scorecard of AS%u</a> · "
	    "<a href=\"/api/v1/as/%u/conformance?profile=",
	    asn, asn, asn);
	buf_urlenc(b, p->name);
	buf_printf(b, "\">JSON</a> · <a href=\"/compare/conformance?asn=%u&amp;profile=", asn);
	buf_urlenc(b, p->name);
	buf_printf(
	    b, "\">compare with other networks</a> · snapshot %lld</p>\n", (long long)snap.id);
	buf_printf(b, "<form class=\"filters\" method=\"get\" action=\"/as/%u/conformance\">", asn);
	profile_select(r, p);
	buf_puts(b, "<button type=\"submit\">Show</button></form>\n<div class=\"tw\">");
	if (put_rendered(r, one_html, &res, 1) != 0)
		return req_error(r, 500, "internal", "out of memory");
	buf_puts(b, "</div>\n");
	basis_note(b);
	page_end(r);
	return 0;
}

int page_compare_conformance(struct req *r)
{
	struct store_snapshot snap;
	const struct conform_profile *p;
	uint32_t asns[COMPARE_MAX];
	size_t n = 0;
	const char *av = target_param(&r->t, "asn"); /* shown again in the form */
	if (req_asn_list(r, asns, &n, 0))
		return r->status;
	if (req_profile(r, &p) || req_snapshot(r, &snap))
		return r->status;
	struct conform_result *res = arena_alloc(&r->arena, (n + 1) * sizeof(*res));
	for (size_t i = 0; i < n; i++)
		if (req_conform(r, p, snap.id, asns[i], &res[i]))
			return r->status;
	struct buf *b = &r->body;
	page_begin(r, "Compare conformance");
	buf_puts(b, rmc_css);
	if (n == 0)
		buf_puts(b, "<h1>Compare conformance</h1>\n");
	buf_puts(b, "<p class=\"muted\">Providers side by side, control by control. "
	            "<a href=\"/compare");
	if (av && *av) {
		buf_puts(b, "?asn=");
		buf_urlenc(b, av);
	}
	buf_puts(b,
	    "\">Compare their MANRS scores</a>.</p>\n<form class=\"filters\" "
	    "method=\"get\" action=\"/compare/conformance\"><label for=\"asn\">AS numbers, "
	    "separated by commas<input id=\"asn\" name=\"asn\" placeholder=\"6939,3257,174\" "
	    "value=\"");
	buf_html(b, av);
	buf_puts(b, "\"></label>");
	profile_select(r, p);
	buf_puts(b, "<button type=\"submit\">Compare</button></form>\n");
	if (n) {
		buf_puts(b, "<div class=\"tw\">");
		if (put_rendered(r, conform_compare_html_fragment, res, n) != 0)
			return req_error(r, 500, "internal", "out of memory");
		buf_puts(b, "</div>\n<p>Verdicts with their evidence: ");
		for (size_t i = 0; i < n; i++) {
			buf_printf(
			    b, "%s<a href=\"/as/%u/conformance?profile=", i ? " · " : "", asns[i]);
			buf_urlenc(b, p->name);
			buf_printf(b, "\">AS%u</a>", asns[i]);
		}
		buf_puts(b, "</p>\n");
		basis_note(b);
	}
	page_end(r);
	return 0;
}
