/*
 * IXP route-server mode: every route of a route server's MRT RIB (or update) dump checked as
 * the MANRS IXP guide requires: no bogon prefix or ASN, no RPKI-invalid route, the origin
 * within the announcing member's AS-SET, and a route object for (prefix, origin). The member
 * is the peer that announced the route to the route server (the MRT peer).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "conform_private.h"
#include "irr/irr.h"
#include "mrt/mrt.h"
#include "registry/registry.h"
#include "rpki/rpki.h"

const char *ixp_check_name(enum ixp_check c)
{
	static const char *const n[] = {"bogon-prefix", "bogon-asn", "rpki-invalid",
	    "origin-not-in-as-set", "no-route-object", "unknown-member"};
	return c < IXP_CHECK_COUNT ? n[c] : "?";
}

int ixp_members_load(
    const char *path, struct ixp_member **out, size_t *n, char *err, size_t errsize)
{
	*out = NULL;
	*n = 0;
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	char line[1024];
	size_t lineno = 0, cap = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char *h = strchr(line, '#');
		if (h)
			*h = '\0';
		char *save, *a = strtok_r(line, " \t\r\n", &save), *set;
		if (a == NULL)
			continue;
		set = strtok_r(NULL, " \t\r\n", &save);
		uint32_t asn;
		if (asn_parse(a, &asn) != 0 || strtok_r(NULL, " \t\r\n", &save) != NULL) {
			snprintf(err, errsize, "%s:%zu: expected \"ASN [AS-SET]\"", path, lineno);
			fclose(f);
			ixp_members_free(*out, *n);
			*out = NULL;
			*n = 0;
			return -1;
		}
		XGROW(*out, cap, *n + 1);
		(*out)[*n].asn = asn;
		(*out)[(*n)++].as_set = set ? xstrdup(set) : NULL;
	}
	fclose(f);
	return 0;
}

void ixp_members_free(struct ixp_member *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(m[i].as_set);
	free(m);
}

struct member_state {
	struct ixp_member_result *res;
	struct irr_expansion x;
	int expanded; /* 1: x holds the set's ASNs; 0: the origin must be the member itself;
	                 -1: not checkable (set given but no IRR data) */
};

static void violation(struct ixp_result *r, struct member_state *ms, enum ixp_check c,
    const struct mrt_route *rt, uint32_t origin, const char *detail)
{
	r->count[c]++;
	if (ms)
		ms->res->count[c]++;
	XGROW(r->v, r->capv, r->nv + 1);
	struct ixp_violation *v = &r->v[r->nv++];
	memset(v, 0, sizeof(*v));
	v->check = c;
	v->member = rt->peer.asn;
	v->prefix = rt->prefix;
	v->origin = origin;
	if (rt->attrs)
		aspath_words_format(
		    rt->attrs->aspath, rt->attrs->aspath_nwords, v->path, sizeof(v->path));
	snprintf(v->detail, sizeof(v->detail), "%s", detail);
}

/* Every check on one route; returns how many failed. */
static int check_route(struct ixp_result *r, struct member_state *ms, const struct mrt_route *rt,
    const struct observe_refs *refs, const struct bogon_db *bogons)
{
	const uint32_t *w = rt->attrs ? rt->attrs->aspath : NULL;
	uint32_t nw = rt->attrs ? rt->attrs->aspath_nwords : 0, origin = 0;
	int has_origin = aspath_words_origin(w, nw, &origin) == 0;
	char d[256];
	size_t before = r->nv;
	if (ms == NULL) {
		violation(
		    r, NULL, IXP_UNKNOWN_MEMBER, rt, origin, "the peer is not in the members file");
		return 1;
	}
	struct bogon_verdict bv;
	if (bogon_check_prefix(bogons, &rt->prefix, &bv) != BOGON_NOT) {
		snprintf(d, sizeof(d), "%s bogon prefix", bogon_kind_name(bv.kind));
		violation(r, ms, IXP_BOGON_PREFIX, rt, origin, d);
	}
	for (uint32_t i = 0; i < nw;) {
		uint32_t cnt = ASPATH_SEG_COUNT(w[i]);
		for (uint32_t k = 1; k <= cnt && i + k < nw; k++)
			if (bogon_check_asn(bogons, w[i + k], NULL) == BOGON_FULL) {
				snprintf(
				    d, sizeof(d), "bogon ASN %" PRIu32 " in the path", w[i + k]);
				violation(r, ms, IXP_BOGON_ASN, rt, origin, d);
				k = cnt;
				i = nw;
			}
		i += cnt + 1;
	}
	if (refs->vrps) {
		struct rov_result rv;
		if (rov_validate(refs->vrps, &rt->prefix, has_origin ? origin : ROV_NO_ORIGIN,
		        &rv) == ROV_INVALID) {
			char vp[PREFIX_STRLEN];
			snprintf(d, sizeof(d), "RPKI invalid (%s)%s%s-%u AS%" PRIu32,
			    rov_reason_name(rv.reason), rv.ncovering ? "; covering VRP " : "",
			    rv.ncovering ? prefix_format(&rv.covering[0].p, vp, sizeof(vp)) : "",
			    rv.ncovering ? rv.covering[0].maxlen : 0,
			    rv.ncovering ? rv.covering[0].asn : 0);
			violation(r, ms, IXP_RPKI_INVALID, rt, origin, d);
		}
	}
	if (ms->expanded >= 0) {
		int ok = has_origin &&
		         (origin == ms->res->asn ||
		             (ms->expanded == 1 && bsearch(&origin, ms->x.asns, ms->x.nasns,
		                                       sizeof(uint32_t), u32_cmp)));
		if (!ok) {
			snprintf(d, sizeof(d), "origin AS%" PRIu32 " not in %s", origin,
			    ms->res->as_set ? ms->res->as_set : "the member's own ASN");
			violation(r, ms, IXP_ORIGIN_NOT_IN_SET, rt, origin, d);
		}
	}
	if (refs->irr) {
		struct irr_check_result ir;
		irr_check(refs->irr, &rt->prefix, origin, 0, &ir);
		if (!has_origin || ir.verdict != IRR_EXACT) {
			snprintf(d, sizeof(d),
			    "no route object for this prefix and origin (IRR %s)",
			    irr_verdict_name(ir.verdict));
			violation(r, ms, IXP_NO_ROUTE_OBJECT, rt, origin, d);
		}
	}
	return r->nv > before;
}

static void members_init(struct ixp_result *r, struct member_state *ms, const struct ixp_member *m,
    size_t nm, const struct irr_db *irr)
{
	r->members = xcalloc(nm ? nm : 1, sizeof(*r->members));
	r->nmembers = nm;
	for (size_t i = 0; i < nm; i++) {
		ms[i].res = &r->members[i];
		ms[i].res->asn = m[i].asn;
		ms[i].res->as_set = m[i].as_set;
		if (m[i].as_set == NULL)
			ms[i].expanded = 0;
		else if (irr == NULL)
			ms[i].expanded = -1;
		else if (irr_expand(irr, m[i].as_set, NULL, &ms[i].x) == 0) {
			ms[i].expanded = 1;
			ms[i].res->set_asns = ms[i].x.nasns;
		} else {
			ms[i].expanded = 0; /* a missing set admits only the member itself */
			ms[i].res->set_missing = 1;
		}
	}
}

int ixp_check_dump(const char *path, const struct ixp_member *m, size_t nm,
    const struct observe_refs *refs, struct ixp_result *out)
{
	memset(out, 0, sizeof(*out));
	struct mrt_options opt = {.quiet = 0};
	struct mrt_reader *rd = mrt_reader_open(path, &opt);
	if (rd == NULL)
		return -1;
	struct bogon_db builtin;
	const struct bogon_db *bogons = refs->bogons;
	if (bogons == NULL) {
		bogon_db_init(&builtin);
		bogons = &builtin;
	}
	struct member_state *ms = xcalloc(nm ? nm : 1, sizeof(*ms));
	members_init(out, ms, m, nm, refs->irr);
	out->checked[IXP_BOGON_PREFIX] = out->checked[IXP_BOGON_ASN] = 1;
	out->checked[IXP_RPKI_INVALID] = refs->vrps != NULL;
	out->checked[IXP_ORIGIN_NOT_IN_SET] = out->checked[IXP_UNKNOWN_MEMBER] = 1;
	out->checked[IXP_NO_ROUTE_OBJECT] = refs->irr != NULL;
	struct mrt_route rt;
	int k;
	while ((k = mrt_reader_next_route(rd, &rt)) == 1) {
		if (rt.kind != MRT_ROUTE_RIB && rt.kind != MRT_ROUTE_ANNOUNCE)
			continue;
		struct member_state *s = NULL;
		for (size_t i = 0; i < nm && s == NULL; i++)
			if (ms[i].res->asn == rt.peer.asn)
				s = &ms[i];
		out->routes++;
		if (s)
			s->res->routes++;
		if (check_route(out, s, &rt, refs, bogons)) {
			out->bad_routes++;
			if (s)
				s->res->bad_routes++;
		}
	}
	const struct mrt_stats *st = mrt_reader_stats(rd);
	(void)st;
	mrt_reader_close(rd);
	for (size_t i = 0; i < nm; i++)
		if (ms[i].expanded == 1)
			irr_expansion_free(&ms[i].x);
	free(ms);
	if (bogons == &builtin)
		bogon_db_free(&builtin);
	return k < 0 ? -1 : 0;
}

void ixp_result_free(struct ixp_result *r)
{
	free(r->v);
	free(r->members);
	memset(r, 0, sizeof(*r));
}

void ixp_render_text(FILE *f, const struct ixp_result *r, size_t max_lines)
{
	fprintf(f,
	    "route server dump: %" PRIu64 " routes, %" PRIu64 " failing at least one check\n",
	    r->routes, r->bad_routes);
	for (int c = 0; c < IXP_CHECK_COUNT; c++)
		if (r->checked[c])
			fprintf(f, "  %-22s %" PRIu64 "\n", ixp_check_name((enum ixp_check)c),
			    r->count[c]);
		else
			fprintf(f, "  %-22s not checked (reference data not given)\n",
			    ixp_check_name((enum ixp_check)c));
	fprintf(f, "\nmembers:\n");
	for (size_t i = 0; i < r->nmembers; i++) {
		const struct ixp_member_result *m = &r->members[i];
		fprintf(f, "  AS%-10" PRIu32 " %-20s routes %6" PRIu64 "  failing %6" PRIu64 "%s\n",
		    m->asn, m->as_set ? m->as_set : "-", m->routes, m->bad_routes,
		    m->set_missing ? "  (AS-SET not found in the IRR data)" : "");
	}
	fprintf(f, "\nviolations:\n");
	for (size_t i = 0; i < r->nv && (max_lines == 0 || i < max_lines); i++) {
		char p[PREFIX_STRLEN];
		const struct ixp_violation *v = &r->v[i];
		fprintf(f, "  %-20s member AS%" PRIu32 " %s origin AS%" PRIu32 " path %s: %s\n",
		    ixp_check_name(v->check), v->member, prefix_format(&v->prefix, p, sizeof(p)),
		    v->origin, v->path, v->detail);
	}
	if (max_lines && r->nv > max_lines)
		fprintf(f, "  ... %zu more (--max-evidence 0 shows all)\n", r->nv - max_lines);
}

void ixp_render_json(FILE *f, const struct ixp_result *r)
{
	fprintf(f,
	    "{\"schema\": \"%s/ixp\", \"routes\": %" PRIu64 ", \"bad_routes\": %" PRIu64
	    ", \"checks\": {",
	    CONFORM_SCHEMA, r->routes, r->bad_routes);
	for (int c = 0; c < IXP_CHECK_COUNT; c++) {
		fprintf(f, "%s\"%s\": ", c ? ", " : "", ixp_check_name((enum ixp_check)c));
		if (r->checked[c])
			fprintf(f, "%" PRIu64, r->count[c]);
		else
			fprintf(f, "null");
	}
	fprintf(f, "},\n \"members\": [");
	for (size_t i = 0; i < r->nmembers; i++) {
		const struct ixp_member_result *m = &r->members[i];
		fprintf(f, "%s\n  {\"asn\": %" PRIu32 ", \"as_set\": ", i ? "," : "", m->asn);
		if (m->as_set) {
			fputc('"', f);
			for (const char *s = m->as_set; *s; s++)
				if (isalnum((unsigned char)*s) || strchr(":-_.", *s))
					fputc(*s, f);
			fputc('"', f);
		} else
			fputs("null", f);
		fprintf(f,
		    ", \"routes\": %" PRIu64 ", \"bad_routes\": %" PRIu64
		    ", \"as_set_missing\": %s}",
		    m->routes, m->bad_routes, m->set_missing ? "true" : "false");
	}
	fprintf(f, "],\n \"violations\": [");
	for (size_t i = 0; i < r->nv; i++) {
		char p[PREFIX_STRLEN];
		const struct ixp_violation *v = &r->v[i];
		fprintf(f,
		    "%s\n  {\"check\": \"%s\", \"member\": %" PRIu32 ", \"prefix\": \"%s\", "
		    "\"origin\": %" PRIu32 ", \"path\": \"%s\", \"detail\": \"%s\"}",
		    i ? "," : "", ixp_check_name(v->check), v->member,
		    prefix_format(&v->prefix, p, sizeof(p)), v->origin, v->path, v->detail);
	}
	fprintf(f, "]}\n");
}
