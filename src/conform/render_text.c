/* Conformance results as text for a terminal, and the side-by-side comparison. */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "conform_private.h"

static const char *mark(enum conform_verdict v)
{
	static const char *const m[] = {"PASS", "FAIL", "N/M ", "NODATA"};
	return m[v];
}

void conform_render_text(FILE *f, const struct conform_result *r)
{
	char b1[40], b2[40];
	const struct conform_profile *p = r->profile;
	fprintf(f, "AS%" PRIu32 "%s%s%s%s%s — %s (%s %s%s%s)\n", r->asn, r->name ? " " : "",
	    r->name ? r->name : "", r->cc ? " [" : "", r->cc ? r->cc : "", r->cc ? "]" : "",
	    p->title, p->name, p->version, p->status ? ", " : "", p->status ? p->status : "");
	fprintf(f, "window: %s .. %s (%zu snapshot%s)\n",
	    time_utc_format(r->window_from, b1, sizeof(b1)),
	    time_utc_format(r->window_to, b2, sizeof(b2)), r->nsnaps, r->nsnaps == 1 ? "" : "s");
	fprintf(f,
	    "overall: %s — %zu pass (%zu by measurement, %zu by attestation/audit), %zu "
	    "fail, %zu not measurable, %zu no data\n\n",
	    conform_overall_name(r->overall), r->count[CONFORM_PASS], r->measured_pass,
	    r->attested_pass, r->count[CONFORM_FAIL], r->count[CONFORM_NOT_MEASURABLE],
	    r->count[CONFORM_NO_DATA]);
	for (size_t i = 0; i < r->n; i++) {
		const struct conform_control_result *c = &r->c[i];
		const struct conform_control *k = c->control;
		fprintf(f, "%-6s %-14s %s [%s, %s, basis: %s]\n", mark(c->verdict), k->id, k->text,
		    conform_evidence_name(k->evidence), conform_severity_name(k->severity),
		    c->basis);
		fprintf(f, "       rule: %s\n       why:  %s\n", k->rule_text,
		    c->reason ? c->reason : "");
		for (size_t j = 0; j < c->nev; j++) {
			const struct conform_evidence *e = &c->ev[j];
			fprintf(f, "       - %s%s%s %s\n", e->kind, e->time ? " " : "",
			    e->time ? time_utc_format(e->time, b1, sizeof(b1)) : "",
			    e->text ? e->text : "");
		}
		if (c->ev_total > c->nev)
			fprintf(f, "       ... %zu more (use --format json --max-evidence N)\n",
			    c->ev_total - c->nev);
		if (k->fix && c->verdict != CONFORM_PASS)
			fprintf(f, "       fix:  %s\n", k->fix);
	}
	if (r->ndisputes)
		fprintf(f, "\ndisputes of the AS's findings (accepted ones are not counted):\n");
	for (size_t i = 0; i < r->ndisputes; i++) {
		const struct store_dispute *d = &r->disputes[i];
		fprintf(f, "  #%" PRId64 " %-8s %s %s origin AS%" PRIu32 ", by %s: %s%s%s\n", d->id,
		    d->state, d->metric, d->prefix, d->origin,
		    d->opened_by ? d->opened_by : "unknown", d->reason,
		    d->reviewer ? "; reviewer " : "", d->reviewer ? d->reviewer : "");
	}
}

void conform_compare_text(FILE *f, const struct conform_result *r, size_t n)
{
	if (n == 0)
		return;
	const struct conform_result *r0 = &r[0];
	fprintf(f, "%s (%s %s) — window %" PRId64 " days\n\n", r0->profile->title,
	    r0->profile->name, r0->profile->version, r0->window / 86400);
	fprintf(f, "%-16s", "control");
	for (size_t j = 0; j < n; j++) {
		char h[20];
		snprintf(h, sizeof(h), "AS%" PRIu32, r[j].asn);
		fprintf(f, " %-14s", h);
	}
	fputc('\n', f);
	for (size_t i = 0; i < r0->n; i++) {
		fprintf(f, "%-16s", r0->c[i].control->id);
		for (size_t j = 0; j < n; j++) {
			const struct conform_control_result *c = &r[j].c[i];
			char cell[24];
			snprintf(cell, sizeof(cell), "%s%s", conform_verdict_name(c->verdict),
			    c->verdict == CONFORM_PASS && c->control->evidence != CONFORM_MEASURED
			        ? "*"
			        : "");
			fprintf(f, " %-14s", cell);
		}
		fprintf(f, "  %s\n", r0->c[i].control->text);
	}
	fprintf(f, "%-16s", "overall");
	for (size_t j = 0; j < n; j++)
		fprintf(f, " %-14s", conform_overall_name(r[j].overall));
	fprintf(f, "\n%-16s", "passed");
	for (size_t j = 0; j < n; j++) {
		char cell[24];
		snprintf(cell, sizeof(cell), "%zu/%zu", r[j].count[CONFORM_PASS], r[j].n);
		fprintf(f, " %-14s", cell);
	}
	fprintf(f, "\n\n* passed on an attestation or audit record, not on measurement\n");
}
