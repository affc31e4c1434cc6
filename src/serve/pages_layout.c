/* The dashboard's frame: head with inline CSS, navigation (from the route table), footer;
 * and small HTML helpers. No scripts, no external assets. */
#include <string.h>

#include "serve/serve_private.h"

static const char css[] =
    ":root{--fg:#1f2328;--muted:#57606a;--bg:#fff;--line:#d0d7de;--accent:#0550ae;"
    "--ready:#1a7f37;--aspiring:#9a6700;--lagging:#cf222e;--nodata:#6e7781}"
    "*{box-sizing:border-box}"
    "body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
    "color:var(--fg);background:var(--bg)}"
    "a{color:var(--accent)}a:focus-visible,input:focus-visible,button:focus-visible,"
    "select:focus-visible{outline:3px solid #fb8500;outline-offset:2px}"
    ".skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px}"
    "header{background:#0d1117;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;"
    "gap:.5rem 1.5rem;align-items:center}"
    "header a{color:#fff;text-decoration:none}header a:hover{text-decoration:underline}"
    "header .brand{font-weight:700;font-size:1.1rem}nav ul{list-style:none;margin:0;padding:0;"
    "display:flex;flex-wrap:wrap;gap:1rem}"
    "header form{margin-left:auto;display:flex;gap:.25rem}"
    "header input{padding:.3rem;border-radius:4px;border:1px solid "
    "#57606a;width:12rem;max-width:50vw}"
    "button{padding:.3rem .7rem;border-radius:4px;border:1px solid var(--line);background:#f6f8fa;"
    "font:inherit;cursor:pointer}"
    "main{max-width:72rem;margin:0 auto;padding:1rem}"
    "h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.25rem;margin:1.5rem 0 .5rem;"
    "border-bottom:1px solid var(--line)}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:.75rem}"
    ".card{border:1px solid var(--line);border-radius:6px;padding:.6rem .8rem}"
    ".card .v{font-size:1.5rem;font-weight:700}.card .k{color:var(--muted);font-size:.9rem}"
    ".tw{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.95rem}"
    "th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid var(--line);"
    "vertical-align:top}th{background:#f6f8fa}td.n,th.n{text-align:right}"
    ".r{display:inline-block;padding:0 .45rem;border-radius:1rem;color:#fff;font-size:.85rem;"
    "font-weight:600}.r-ready{background:var(--ready)}.r-aspiring{background:var(--aspiring)}"
    ".r-lagging{background:var(--lagging)}.r-no-data{background:var(--nodata)}"
    ".muted{color:var(--muted)}code{font-size:.9em;word-break:break-all}"
    ".warn{border-left:4px solid var(--lagging);padding:.3rem .6rem;background:#fff5f5}"
    "svg{max-width:100%;height:auto}figure{margin:1rem 0}figcaption{color:var(--muted);"
    "font-size:.9rem}"
    "form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end}"
    "form.filters label{display:flex;flex-direction:column;font-size:.9rem}"
    "form.filters input{padding:.3rem;border:1px solid var(--line);border-radius:4px}"
    ".pager{display:flex;gap:1rem;margin:.75rem 0}"
    "footer{max-width:72rem;margin:2rem auto;padding:1rem;color:var(--muted);font-size:.85rem;"
    "border-top:1px solid var(--line)}"
    "@media (max-width:40rem){header form{margin-left:0;width:100%}header input{flex:1;"
    "max-width:none}main{padding:.6rem}}";

void page_begin(struct req *r, const char *title)
{
	struct buf *b = &r->body;
	buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	            "<title>");
	buf_html(b, title);
	buf_puts(b, " · routemark</title>\n<style>");
	buf_puts(b, css);
	buf_puts(b, "</style>\n</head>\n<body>\n<a class=\"skip\" href=\"#content\">Skip to "
	            "content</a>\n<header>\n<a class=\"brand\" href=\"/\">routemark</a>\n"
	            "<nav aria-label=\"Main\"><ul>");
	for (size_t i = 0; i < serve_nroutes; i++) {
		if (serve_routes[i].nav == NULL)
			continue;
		buf_puts(b, "<li><a href=\"");
		buf_html(b, serve_routes[i].pattern);
		buf_puts(b, "\">");
		buf_html(b, serve_routes[i].nav);
		buf_puts(b, "</a></li>");
	}
	buf_puts(b, "</ul></nav>\n<form role=\"search\" method=\"get\" action=\"/search\">"
	            "<label for=\"q\" class=\"skip\">AS number or name</label>"
	            "<input id=\"q\" name=\"q\" type=\"search\" placeholder=\"AS number or name\" "
	            "maxlength=\"64\"><button type=\"submit\">Search</button></form>\n</header>\n"
	            "<main id=\"content\">\n");
}

void page_end(struct req *r)
{
	buf_printf(&r->body,
	    "</main>\n<footer>routemark %s · the open MANRS observatory · "
	    "data from public routing, RPKI and IRR sources · "
	    "<a href=\"/api/v1\">JSON API</a></footer>\n</body>\n</html>\n",
	    RM_VERSION);
}

void html_readiness(struct buf *b, const struct observe_config *c, double pct)
{
	const char *r = readiness_str(c, pct);
	char cls[32];
	snprintf(cls, sizeof(cls), "%s", r);
	for (char *p = cls; *p; p++)
		if (*p == ' ' || *p == '_')
			*p = '-';
	buf_printf(b, "<span class=\"r r-%s\">%s</span>", cls, r);
}

void html_pct(struct buf *b, double pct)
{
	if (pct < 0)
		buf_puts(b, "<span class=\"muted\">no data</span>");
	else
		buf_printf(b, "%.1f %%", pct);
}
