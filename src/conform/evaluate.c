/* Verdicts: every control of a profile evaluated for an AS over the snapshots of its window,
 * with the evidence behind each. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conform_evidence.h"

const char *conform_verdict_name(enum conform_verdict v)
{
	static const char *const n[] = {"pass", "fail", "not-measurable", "no-data"};
	return v <= CONFORM_NO_DATA ? n[v] : "?";
}

const char *conform_overall_name(enum conform_overall o)
{
	static const char *const n[] = {"conformant", "not conformant", "undetermined"};
	return o <= CONFORM_UNDETERMINED ? n[o] : "?";
}

static int64_t snap_time(const struct store_snapshot *s)
{
	return s->period_end ? s->period_end : s->created;
}

/* The values of the rule's atoms in this snapshot, as one line ("M7RPKI = 83.0"). */
static void atom_values(struct snap_data *d, const struct conform_expr *e, char *buf, size_t size)
{
	buf[0] = '\0';
	for (size_t i = 0; i < e->n; i++) {
		const struct cx_node *n = &e->node[i];
		if (n->op != CX_ATOM)
			continue;
		struct cx_val v;
		char name[64];
		if (snap_atom(d, n, &v))
			v.known = 0;
		size_t len = strlen(buf);
		if (v.known)
			snprintf(buf + len, size - len, "%s%s = %.6g", len ? ", " : "",
			    cx_atom_text(n, name, sizeof(name)), v.v);
		else
			snprintf(buf + len, size - len, "%s%s = no data", len ? ", " : "",
			    cx_atom_text(n, name, sizeof(name)));
	}
}

struct eval_state {
	struct snap_data d;
	struct ev_list ev;
	int64_t decide_snap; /* the snapshot whose rows explain the verdict */
	size_t seen, nfalse, ntrue, nunknown;
	char values[512];
};

/* Evaluate the rule in each snapshot of the window where the AS was seen (or once in the
 * newest, for rules that do not need the AS's routing data). */
static int eval_snapshots(struct eval_state *st, const struct conform_control *c,
    const struct store_snapshot *snaps, size_t nsnaps)
{
	const struct conform_expr *e = c->rule;
	int64_t first_seen_snap = 0;
	for (size_t i = 0; i < nsnaps || (i == 0 && nsnaps == 0); i++) {
		int64_t id = nsnaps ? snaps[i].id : 0;
		snap_data_reset(&st->d, id);
		int seen = id ? snap_data_seen(&st->d) : 0;
		if (seen < 0)
			return -1;
		if (!seen && !(i + 1 >= nsnaps && st->seen == 0))
			continue; /* not seen here; the last one is evaluated if none was seen */
		st->seen += seen;
		struct cx_val v;
		if (cx_eval(e, snap_atom, &st->d, &v))
			return -1;
		int64_t t = nsnaps ? snap_time(&snaps[i]) : 0;
		if (first_seen_snap == 0 || !v.known || v.v == 0) {
			char vals[400];
			atom_values(&st->d, e, vals, sizeof(vals));
			struct conform_evidence *x = ev_add(&st->ev, "value");
			if (x) {
				x->snapshot = id;
				x->time = t;
				x->state = !v.known ? "no data" : v.v != 0 ? "true" : "false";
				x->text = arena_strdup(st->ev.a, vals);
			}
			if (first_seen_snap == 0)
				snprintf(st->values, sizeof(st->values), "%s", vals);
		}
		if (first_seen_snap == 0)
			first_seen_snap = id;
		if (!v.known)
			st->nunknown++;
		else if (v.v != 0)
			st->ntrue++;
		else {
			st->nfalse++;
			if (st->decide_snap == 0)
				st->decide_snap = id;
		}
		if (e->quant == CQ_LATEST)
			break;
	}
	if (st->decide_snap == 0)
		st->decide_snap = first_seen_snap;
	return 0;
}

static void decide(
    struct conform_control_result *r, const struct eval_state *st, enum cx_quant q, struct arena *a)
{
	if (q == CQ_ANY)
		r->verdict = st->ntrue      ? CONFORM_PASS
		             : st->nunknown ? CONFORM_NO_DATA
		                            : CONFORM_FAIL;
	else
		r->verdict = st->nfalse     ? CONFORM_FAIL
		             : st->nunknown ? CONFORM_NO_DATA
		                            : CONFORM_PASS;
	r->snapshots = st->seen;
	r->snapshots_fail = st->nfalse;
	if (st->seen == 0 && r->verdict == CONFORM_NO_DATA)
		r->reason = ev_printf(a, "AS not seen in the window (%s)", st->values);
	else if (q == CQ_LATEST)
		r->reason = ev_printf(a, "%s", st->values);
	else
		r->reason = ev_printf(a,
		    "true in %zu, false in %zu, no data in %zu of %zu snapshot%s; "
		    "newest: %s",
		    st->ntrue, st->nfalse, st->nunknown, st->ntrue + st->nfalse + st->nunknown,
		    st->ntrue + st->nfalse + st->nunknown == 1 ? "" : "s", st->values);
}

static int eval_control(const struct conform_ctx *ctx, const struct conform_control *c,
    uint32_t asn, const struct store_snapshot *snaps, size_t nsnaps, int64_t now, struct arena *a,
    struct conform_control_result *r)
{
	struct store_attestation *f = NULL;
	size_t nf = 0;
	if (store_get_attestations(ctx->store, asn, c->id, a, &f, &nf))
		return -1;
	/* as of the evaluation time: a filing made later is not in a report signed earlier */
	size_t kept = 0;
	for (size_t i = 0; i < nf; i++)
		if (f[i].created <= now)
			f[kept++] = f[i];
	nf = kept;
	struct eval_state st = {
	    .d = {.store = ctx->store, .refs = ctx->refs, .a = a, .asn = asn},
	    .ev = {.a = a, .max = ctx->max_evidence ? ctx->max_evidence : 20},
	};
	r->control = c;
	/* only filings valid at the evaluation time count (and make the "attested" atom) */
	char why[600];
	st.d.nfilings = ev_filings(&st.ev, f, nf, now, why, sizeof(why));
	if (c->evidence != CONFORM_MEASURED && st.d.nfilings == 0) {
		r->verdict = CONFORM_NOT_MEASURABLE;
		r->basis = "none";
		if (nf)
			r->reason = ev_printf(a,
			    "%s; no valid attestation: run 'routemark attest AS%" PRIu32
			    " --control %s --file EVIDENCE --by WHO'",
			    why, asn, c->id);
		else
			r->reason = ev_printf(a,
			    "%s control with nothing filed: run 'routemark attest "
			    "AS%" PRIu32 " --control %s --file EVIDENCE --by WHO'",
			    conform_evidence_name(c->evidence), asn, c->id);
		r->ev = st.ev.v;
		r->nev = st.ev.n;
		r->ev_total = st.ev.total;
		return 0;
	}
	if (eval_snapshots(&st, c, snaps, nsnaps))
		return -1;
	decide(r, &st, c->rule->quant, a);
	r->basis = c->evidence == CONFORM_MEASURED   ? "measurement"
	           : c->evidence == CONFORM_ATTESTED ? "attestation"
	                                             : "audit";
	/* the rows behind the deciding snapshot: the first failing one, else the newest */
	snap_data_reset(&st.d, st.decide_snap);
	if (st.decide_snap && snap_data_seen(&st.d) < 0)
		return -1;
	for (size_t i = 0; i < c->rule->n; i++)
		if (c->rule->node[i].op == CX_ATOM &&
		    (st.d.seen || c->rule->node[i].atom == CA_ASPA ||
		        c->rule->node[i].atom == CA_CONTACT))
			ev_atom(&st.d, &st.ev, &c->rule->node[i]);
	r->ev = st.ev.v;
	r->nev = st.ev.n;
	r->ev_total = st.ev.total;
	return 0;
}

/* The snapshots of the window [to - w, to], newest first. */
static size_t window_snaps(const struct store_snapshot *all, size_t n, int64_t ref, int64_t to,
    int64_t w, struct store_snapshot *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t t = snap_time(&all[i]);
		if (all[i].id <= ref && t <= to && t > to - w)
			out[k++] = all[i];
	}
	return k;
}

int conform_evaluate(const struct conform_ctx *ctx, const struct conform_profile *p, uint32_t asn,
    struct arena *a, struct conform_result *out)
{
	memset(out, 0, sizeof(*out));
	out->profile = p;
	out->asn = asn;
	int64_t now = ctx->now > 0 ? ctx->now : (int64_t)time(NULL);
	out->generated = now;
	struct store_snapshot *all;
	size_t nall;
	if (store_snapshots(ctx->store, 0, a, &all, &nall))
		return -1;
	int64_t ref = ctx->snapshot, to = 0;
	for (size_t i = 0; i < nall; i++)
		if (ref == 0 || all[i].id == ref) {
			ref = all[i].id;
			to = snap_time(&all[i]);
			out->snapshot = ref;
			break;
		}
	struct store_asinfo info;
	int found;
	if (store_get_asinfo(ctx->store, asn, a, &info, &found))
		return -1;
	if (found) {
		out->name = info.name;
		out->cc = info.cc;
	}
	out->window = ctx->window > 0 ? ctx->window : p->window;
	out->window_to = to;
	out->window_from = to - out->window;
	out->snaps = arena_alloc(a, (nall + 1) * sizeof(*out->snaps));
	out->nsnaps = window_snaps(all, nall, ref, to, out->window, out->snaps);
	out->c = arena_alloc(a, p->ncontrols * sizeof(*out->c));
	out->n = p->ncontrols;
	struct store_snapshot *ws = arena_alloc(a, (nall + 1) * sizeof(*ws));
	int any_required_open = 0, any_required_fail = 0;
	for (size_t i = 0; i < p->ncontrols; i++) {
		const struct conform_control *c = &p->controls[i];
		int64_t w = ctx->window > 0 ? ctx->window : c->window ? c->window : p->window;
		size_t nw = window_snaps(all, nall, ref, to, w, ws);
		struct conform_control_result *r = &out->c[i];
		memset(r, 0, sizeof(*r));
		r->window_from = to - w;
		r->window_to = to;
		if (eval_control(ctx, c, asn, ws, nw, now, a, r))
			return -1;
		out->count[r->verdict]++;
		if (r->verdict == CONFORM_PASS)
			c->evidence == CONFORM_MEASURED ? out->measured_pass++
			                                : out->attested_pass++;
		if (c->severity == CONFORM_REQUIRED) {
			any_required_fail |= r->verdict == CONFORM_FAIL;
			any_required_open |= r->verdict != CONFORM_PASS;
		}
	}
	if (conform_disputes_load(ctx->store, asn, a, out))
		return -1;
	out->overall = any_required_fail   ? CONFORM_NOT_CONFORMANT
	               : any_required_open ? CONFORM_UNDETERMINED
	                                   : CONFORM_CONFORMANT;
	return 0;
}
