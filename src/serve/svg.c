/* Charts as inline SVG: horizontal bars, lines over time, stacked readiness bars. Each chart
 * has a <title> and an aria-label, and the figures it shows are also in a table on the page. */
#include <string.h>
#include <time.h>

#include "serve/serve_private.h"

static const char *const palette[] = {"#0550ae", "#bf3989", "#1a7f37", "#9a6700", "#6639ba"};
static const char *const ready_colors[] = {"#1a7f37", "#9a6700", "#cf222e", "#6e7781"};
static const char *const ready_names[] = {"ready", "aspiring", "lagging", "no data"};

static void svg_open(struct buf *b, const char *title, int w, int h)
{
	buf_printf(
	    b, "<svg viewBox=\"0 0 %d %d\" width=\"%d\" role=\"img\" aria-label=\"", w, h, w);
	buf_html(b, title);
	buf_puts(b, "\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"system-ui,sans-serif\" "
	            "font-size=\"12\"><title>");
	buf_html(b, title);
	buf_puts(b, "</title>");
}

void svg_bars(struct buf *b, const struct observe_config *c, const char *title,
    const char *const *labels, const double *v, size_t n)
{
	size_t maxl = 4;
	for (size_t i = 0; i < n; i++)
		if (strlen(labels[i]) > maxl)
			maxl = strlen(labels[i]);
	int row = 26, lw = 14 + 7 * (int)maxl, bw = 360, w = lw + bw + 70, h = (int)n * row + 8;
	svg_open(b, title, w, h);
	for (size_t i = 0; i < n; i++) {
		int y = 4 + (int)i * row;
		buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", lw - 8, y + 15);
		buf_html(b, labels[i]);
		buf_puts(b, "</text>");
		buf_printf(b,
		    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" fill=\"#eaeef2\"/>", lw,
		    y + 2, bw);
		if (v[i] < 0) {
			buf_printf(b, "<text x=\"%d\" y=\"%d\" fill=\"#57606a\">no data</text>",
			    lw + 6, y + 15);
			continue;
		}
		double pct = v[i] > 100 ? 100 : v[i];
		buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"18\" fill=\"%s\"/>",
		    lw, y + 2, bw * pct / 100,
		    ready_colors[readiness_of(c, v[i]) == READY_READY      ? 0
		                 : readiness_of(c, v[i]) == READY_ASPIRING ? 1
		                                                           : 2]);
		buf_printf(b, "<text x=\"%d\" y=\"%d\">%.1f %%</text>", lw + bw + 6, y + 15, v[i]);
	}
	buf_puts(b, "</svg>");
}

/* A round upper bound for the y axis: 1, 2, 5 times a power of ten, at most 100. */
static double nice_max(double m)
{
	static const double steps[] = {1, 2, 5, 10, 20, 25, 50, 100};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (m <= steps[i])
			return steps[i];
	return 100;
}

void svg_lines(struct buf *b, const char *title, const int64_t *x, size_t n,
    const double *const *series, const char *const *names, size_t nseries)
{
	int w = 640, h = 240, l = 48, rgt = 16, top = 28, bot = 36;
	double ymax = 0;
	int64_t x0 = n ? x[0] : 0, x1 = n ? x[n - 1] : 1;
	for (size_t s = 0; s < nseries; s++)
		for (size_t i = 0; i < n; i++)
			if (series[s][i] > ymax)
				ymax = series[s][i];
	ymax = nice_max(ymax);
	svg_open(b, title, w, h);
	double pw = w - l - rgt, ph = h - top - bot;
	for (int k = 0; k <= 4; k++) {
		double y = top + ph - ph * k / 4;
		buf_printf(b,
		    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#d0d7de\"/>"
		    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g %%</text>",
		    l, y, w - rgt, y, l - 4, y + 4, ymax * k / 4);
	}
	int key = nseries > 4 ? 112 : 150; /* legend spacing: five short names fit too */
	for (size_t s = 0; s < nseries && s < 5; s++) {
		buf_printf(b,
		    "<rect x=\"%d\" y=\"6\" width=\"12\" height=\"12\" fill=\"%s\"/>"
		    "<text x=\"%d\" y=\"16\">",
		    l + (int)s * key, palette[s], l + (int)s * key + 16);
		buf_html(b, names[s]);
		buf_puts(b, "</text>");
		buf_printf(b, "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"%s\" points=\"",
		    palette[s]);
		for (size_t i = 0; i < n; i++) {
			if (series[s][i] < 0)
				continue;
			double px =
			    x1 > x0 ? l + pw * (double)(x[i] - x0) / (double)(x1 - x0) : l + pw / 2;
			buf_printf(b, "%.1f,%.1f ", px, top + ph - ph * series[s][i] / ymax);
		}
		buf_puts(b, "\"/>");
		for (size_t i = 0; i < n; i++) {
			if (series[s][i] < 0)
				continue;
			double px =
			    x1 > x0 ? l + pw * (double)(x[i] - x0) / (double)(x1 - x0) : l + pw / 2;
			buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>", px,
			    top + ph - ph * series[s][i] / ymax, palette[s]);
		}
	}
	char d[32];
	/* at most about six labels, and always the last one */
	size_t step = n > 6 ? n / 6 : 1;
	for (size_t i = 0; i < n; i = (i + step < n || i + 1 == n) ? i + step : n - 1) {
		time_t t = (time_t)x[i];
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(d, sizeof(d), "%Y-%m-%d %H:%M", &tm);
		double px = x1 > x0 ? l + pw * (double)(x[i] - x0) / (double)(x1 - x0) : l + pw / 2;
		const char *anchor = i == 0 && n > 1       ? "start"
		                     : i + 1 == n && n > 1 ? "end"
		                                           : "middle";
		buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>", px, h - 12,
		    anchor, d);
	}
	buf_puts(b, "</svg>");
}

void svg_stacked(struct buf *b, const char *title, const char *const *labels,
    const double (*counts)[4], size_t n)
{
	int row = 30, lw = 190, bw = 400, w = lw + bw + 10, h = (int)n * row + 30;
	svg_open(b, title, w, h);
	for (int k = 0; k < 4; k++) {
		buf_printf(b,
		    "<rect x=\"%d\" y=\"4\" width=\"12\" height=\"12\" fill=\"%s\"/>"
		    "<text x=\"%d\" y=\"14\">%s</text>",
		    lw + k * 100, ready_colors[k], lw + k * 100 + 16, ready_names[k]);
	}
	for (size_t i = 0; i < n; i++) {
		int y = 26 + (int)i * row;
		double tot = 0, x = lw;
		for (int k = 0; k < 4; k++)
			tot += counts[i][k] > 0 ? counts[i][k] : 0;
		buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", lw - 8, y + 16);
		buf_html(b, labels[i]);
		buf_puts(b, "</text>");
		for (int k = 0; k < 4 && tot > 0; k++) {
			if (counts[i][k] <= 0)
				continue;
			double wd = bw * counts[i][k] / tot;
			buf_printf(b,
			    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"22\" "
			    "fill=\"%s\"><title>%s: %.0f</title></rect>",
			    x, y, wd, ready_colors[k], ready_names[k], counts[i][k]);
			x += wd;
		}
	}
	buf_puts(b, "</svg>");
}
