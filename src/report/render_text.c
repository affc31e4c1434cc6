/* The scorecard for a terminal. */
#include <string.h>

#include "report/report.h"

static const char *action_title[] = {
    "", "Filtering", "Anti-spoofing", "Coordination", "Global validation"};

static void action_row(FILE *f, const struct scorecard *sc, const char *name, double pct)
{
	char b[32];
	fprintf(f, "  %-34s %-10s %s\n", name, report_pct(pct, b, sizeof(b)),
	    readiness_name(readiness_of(&sc->cfg, pct)));
}

static void header(FILE *f, const struct scorecard *sc)
{
	char t[64];
	fprintf(f, "AS%u", sc->asn);
	if (sc->has_info && sc->info.name)
		fprintf(f, " %s", sc->info.name);
	if (sc->has_info && (sc->info.cc || sc->info.rir))
		fprintf(f, " (%s%s%s)", sc->info.cc ? sc->info.cc : "",
		    sc->info.cc && sc->info.rir ? ", " : "", sc->info.rir ? sc->info.rir : "");
	if (sc->has_info && sc->info.org_id) {
		fprintf(f, "\norganisation %s%s%s", sc->info.org_id, sc->info.org_name ? " " : "",
		    sc->info.org_name ? sc->info.org_name : "");
		for (size_t i = 0; i < sc->nsiblings && i < 20; i++)
			fprintf(f, "%sAS%u", i ? ", " : "; siblings: ", sc->siblings[i].asn);
		if (sc->nsiblings > 20)
			fprintf(f, " and %zu more", sc->nsiblings - 20);
	}
	fprintf(f, "\nsnapshot %lld: %s (data from %s)\n\n", (long long)sc->snap.id,
	    sc->snap.label ? sc->snap.label : "", report_time(sc->snap.period_start, t, sizeof(t)));
}

static void scores(FILE *f, const struct scorecard *sc)
{
	const struct store_as_summary *s = &sc->sum;
	fprintf(f, "Routes originated: %llu (%llu IPv4, %llu IPv6)\n",
	    (unsigned long long)s->routes, (unsigned long long)s->prefixes_v4,
	    (unsigned long long)s->prefixes_v6);
	fprintf(f,
	    "  RPKI: %llu valid, %llu invalid, %llu not found   IRR: %llu registered, "
	    "%llu not\n\n",
	    (unsigned long long)s->rpki_valid, (unsigned long long)s->rpki_invalid,
	    (unsigned long long)s->rpki_notfound, (unsigned long long)s->irr_registered,
	    (unsigned long long)s->irr_unregistered);
	if (s->aspa >= 0) {
		fprintf(f, "  ASPA: %s", s->aspa ? "published" : "not published");
		if (s->aspa_invalid >= 0)
			fprintf(f, "; %lld route%s seen with an ASPA-invalid path",
			    (long long)s->aspa_invalid, s->aspa_invalid == 1 ? "" : "s");
		fputs("\n\n", f);
	}
	fprintf(f, "  %-34s %-10s %s\n", "MANRS action", "score", "readiness");
	for (int a = 1; a <= 3; a++) {
		char name[64];
		snprintf(name, sizeof(name), "%d %s", a, action_title[a]);
		action_row(f, sc, name, s->action[a]);
	}
	action_row(f, sc, "4 Global validation: IRR", s->action4_irr);
	action_row(f, sc, "4 Global validation: RPKI", s->action4_rpki);
	fprintf(f, "\nMetrics\n");
	for (size_t i = 0; i < sc->nmetrics; i++) {
		const struct store_metric *m = &sc->metrics[i];
		const struct metric_def *d = metric_by_name(m->metric);
		char b[32];
		fprintf(f, "  %-7s %-26s raw %-8.4g %-10s %llu finding%s\n", m->metric,
		    d ? d->title : "", m->raw, report_pct(m->percent, b, sizeof(b)),
		    (unsigned long long)m->count, m->count == 1 ? "" : "s");
	}
}

static void findings(FILE *f, const struct scorecard *sc)
{
	char t1[64], t2[64];
	fprintf(
	    f, "\nFindings (%zu of %llu)\n", sc->nfindings, (unsigned long long)sc->findings_total);
	for (size_t i = 0; i < sc->nfindings; i++) {
		const struct store_finding *x = &sc->findings[i];
		fprintf(f, "  %-7s %s origin AS%u, seen by %u peer%s, %s .. %s\n", x->metric,
		    x->prefix, x->origin, x->peers, x->peers == 1 ? "" : "s",
		    report_time(x->first_seen, t1, sizeof(t1)),
		    report_time(x->last_seen, t2, sizeof(t2)));
		fprintf(f, "          %s\n", x->detail ? x->detail : "");
		char via[96];
		fprintf(f, "          path %s, via %s\n", x->path ? x->path : "",
		    report_seen_via(x, via, sizeof(via)));
		if (x->evidence)
			fprintf(f, "          evidence %s\n", x->evidence);
		if (x->disputed)
			fprintf(f,
			    "          DISPUTED: dispute #%lld accepted; not counted in the "
			    "scores\n",
			    (long long)x->disputed);
	}
}

static void incidents(FILE *f, const struct scorecard *sc)
{
	char t1[64], t2[64];
	fprintf(f, "\nIncidents (%zu)\n", sc->nincidents);
	for (size_t i = 0; i < sc->nincidents; i++) {
		const struct store_incident *x = &sc->incidents[i];
		fprintf(f, "  %-7s %s .. %s  %u event%s  score %.4g%s\n", x->metric,
		    report_time(x->start, t1, sizeof(t1)), report_time(x->end, t2, sizeof(t2)),
		    x->nevents, x->nevents == 1 ? "" : "s", x->score,
		    x->duration_known ? "" : " (seen in one snapshot: duration unknown)");
	}
}

static void trend(FILE *f, const struct scorecard *sc)
{
	char b[5][32], t[64];
	fprintf(f, "\nTrend\n  %-22s %-10s %-10s %-10s %-10s\n", "snapshot", "Action 1", "Action 3",
	    "4 IRR", "4 RPKI");
	for (size_t i = 0; i < sc->nhistory; i++) {
		const struct store_history *h = &sc->history[i];
		if (!h->found)
			continue;
		fprintf(f, "  %-22s %-10s %-10s %-10s %-10s\n",
		    report_time(h->snap.period_start, t, sizeof(t)),
		    report_pct(h->sum.action[1], b[0], 32), report_pct(h->sum.action[3], b[1], 32),
		    report_pct(h->sum.action4_irr, b[2], 32),
		    report_pct(h->sum.action4_rpki, b[3], 32));
	}
}

void report_text_scorecard(FILE *f, const struct scorecard *sc)
{
	header(f, sc);
	if (!sc->found) {
		fprintf(f,
		    "AS%u is not in this snapshot: it originated no route and was charged "
		    "with nothing in the data analyzed.\n",
		    sc->asn);
		return;
	}
	scores(f, sc);
	findings(f, sc);
	incidents(f, sc);
	trend(f, sc);
	size_t show = sc->max_fixes && sc->max_fixes < sc->nfixes ? sc->max_fixes : sc->nfixes;
	fprintf(f, "\nFix first (%zu)\n", sc->nfixes);
	for (size_t i = 0; i < show; i++)
		fprintf(f, "  %3zu. [%s] %s\n", i + 1, fix_kind_name(sc->fixes[i].kind),
		    sc->fixes[i].text);
	if (show < sc->nfixes)
		fprintf(f, "  ... and %zu more (--fixes 0 shows all)\n", sc->nfixes - show);
}
