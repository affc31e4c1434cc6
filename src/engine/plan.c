/*
 * A history from a data mirror: the routing data of each snapshot, and a pool of reference
 * files of which each snapshot takes, of every kind, the file closest in time (its date as
 * provenance reads it). The snapshots come out in time order of their routing data.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "mrt/mrt.h"
#include "origins/origins.h"

/* The history the project's shared data folder makes (see its SOURCES.md): the 2014 RIB
 * with its update streams, and the RouteViews tables of 2017-03-29, 2024-01-01 and
 * 2024-04-06; the reference data of 2014 to 2024 to choose from, and the IANA registries as
 * delegations (per-RIR and per-country scopes). */
const char engine_plan_default_text[] =
    "# routemark offline history: `run` with a mirror analyses each snapshot line, in time\n"
    "# order of its routing data; of every other kind, each snapshot takes the file closest\n"
    "# in time (and, for kinds that take several files, the files of that kind within a\n"
    "# year of it); undated files only when a kind has no dated one.\n"
    "# snapshot FILE...  |  KIND FILE   (paths in the mirror)\n"
    "snapshot mrt/libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2 "
    "mrt/libbgpstream__ris.rrc06.updates.1401488100.gz "
    "mrt/libbgpstream__routeviews.route-views.jinx.updates.1401493500.bz2\n"
    "snapshot routing/caida_routeviews-rv2-20170329-0200.pfx2as.gz\n"
    "snapshot routing/caida_routeviews-rv2-20240101-1200.pfx2as.gz\n"
    "snapshot routing/caida_routeviews-rv2-20240406.pfx2as.gz\n"
    "vrps      rpki/vrps_2017-04-13_from_compress_roas.csv\n"
    "vrps      rpki/vrps_2017-06-01_from_compress_roas.csv\n"
    "vrps      rpki/rpki_2023-11-07_derived_roas_aspas.json.gz\n"
    "irr       irr/rpkiirrstats__ripe-db-route.txt\n"
    "irr       irr/rpkiirrstats__ripe-db-route6.txt\n"
    "irr       irr/irr_2024-01-01_16-irrs_route.db.gz\n"
    "asrel     caida/20140101.as-rel.txt.bz2\n"
    "asrel     caida/20170101.as-rel.txt.bz2\n"
    "asrel     caida/20230101.as-rel.txt.bz2\n"
    "asrel     caida/20240101.as-rel.txt.bz2\n"
    "orgs      caida/20240101.as-org2info.txt.gz\n"
    "bogons    bogons/cymru_fullbogons-ipv4_20240310.txt\n"
    "bogons    bogons/cymru_fullbogons-ipv6_20240310.txt.gz\n"
    "asnames   misc/asn_names_ASN_lookup.txt.gz\n"
    "# the RIR of every IPv4 /8 and IPv6 block (no NRO statistics beyond an excerpt there)\n"
    "delegated bogons/iana__ipv4-address-space.xml\n"
    "delegated bogons/iana__ipv6-unicast-address-assignments.xml\n";

/* Kinds refs_spec takes once: a snapshot gets only the closest file of these. */
static int single(const char *kind)
{
	return strcmp(kind, "vrps") == 0 || strcmp(kind, "asrel") == 0 || strcmp(kind, "orgs") == 0;
}

int64_t engine_routing_time(const char *path)
{
	if (origins_detect(path) != ORIGINS_NONE)
		return origins_time_from_name(path);
	struct mrt_options mo = {.bz2_sequential = 1};
	struct mrt_reader *r = mrt_reader_open(path, &mo);
	if (r == NULL)
		return -1;
	struct mrt_record rec;
	int64_t t = mrt_reader_next(r, &rec) > 0 ? (int64_t)rec.ts : -1;
	mrt_reader_close(r);
	return t;
}

static int64_t dist(int64_t a, int64_t b)
{
	return a > b ? a - b : b - a;
}

/* Choose the reference files of snapshot s from the pool. */
static void choose(struct plan *p, struct plan_snapshot *s)
{
	for (size_t i = 0; i < p->npool; i++) {
		const char *kind = p->pool[i].kind;
		int seen = 0;
		for (size_t j = 0; j < i; j++)
			seen |= strcmp(p->pool[j].kind, kind) == 0;
		if (seen)
			continue;
		/* the closest dated file of this kind */
		const struct plan_ref *best = NULL;
		for (size_t j = i; j < p->npool; j++) {
			const struct plan_ref *x = &p->pool[j];
			if (strcmp(x->kind, kind) != 0 || x->time <= 0)
				continue;
			if (best == NULL || dist(x->time, s->time) < dist(best->time, s->time))
				best = x;
		}
		for (size_t j = i; j < p->npool; j++) {
			const struct plan_ref *x = &p->pool[j];
			if (strcmp(x->kind, kind) != 0)
				continue;
			int take = best == NULL   ? x->time <= 0 /* no dated one: the undated */
			           : single(kind) ? x == best
			                          : x->time > 0 && dist(x->time, best->time) <=
			                                               PLAN_EDITION_DAYS * 86400;
			if (!take)
				continue;
			XGROW(s->refs, s->caprefs, s->nrefs + 1);
			s->refs[s->nrefs++] = x;
		}
	}
}

static int snap_cmp(const void *a, const void *b)
{
	const struct plan_snapshot *x = a, *y = b;
	return (x->time > y->time) - (x->time < y->time);
}

/* path within dir (allocated). */
static char *in_dir(const char *dir, const char *rel)
{
	return rel[0] == '/' || dir == NULL ? xstrdup(rel) : xasprintf("%s/%s", dir, rel);
}

int engine_plan_parse(const char *text, const char *origin, const char *dir, struct plan *p)
{
	memset(p, 0, sizeof(*p));
	/* absolute paths: a snapshot's provenance names its files wherever it is read */
	char *real = dir ? realpath(dir, NULL) : NULL;
	if (real)
		dir = real;
	char *copy = xstrdup(text), *save = NULL;
	int lineno = 0, rc = 0;
	size_t capsnap = 0, cappool = 0;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lineno++; /* blank lines are folded away by strtok: numbers count written lines */
		char *tok = NULL, *f = strtok_r(line, " \t\r", &tok);
		if (f == NULL || f[0] == '#')
			continue;
		if (strcmp(f, "snapshot") == 0) {
			struct plan_snapshot s = {0};
			size_t cap = 0;
			int missing = 0;
			for (char *a; (a = strtok_r(NULL, " \t\r", &tok)) != NULL;) {
				char *path = in_dir(dir, a);
				if (access(path, R_OK) != 0) {
					log_warn("%s: %s: not in the mirror", origin, path);
					missing = 1;
				}
				XGROW(s.routing, cap, s.nrouting + 1);
				s.routing[s.nrouting++] = path;
			}
			if (s.nrouting == 0) {
				log_err("%s:%d: a snapshot without files", origin, lineno);
				rc = -1;
			}
			for (size_t i = 0; i < s.nrouting && !missing; i++) {
				int64_t t = engine_routing_time(s.routing[i]);
				if (t <= 0) {
					log_warn(
					    "%s: no time known for its routes: snapshot left out",
					    s.routing[i]);
					missing = 1;
				} else if (s.time == 0 || t < s.time)
					s.time = t;
			}
			if (missing || s.nrouting == 0) {
				for (size_t i = 0; i < s.nrouting; i++)
					free(s.routing[i]);
				free(s.routing);
				continue;
			}
			XGROW(p->snap, capsnap, p->nsnap + 1);
			p->snap[p->nsnap++] = s;
			continue;
		}
		char *rel = strtok_r(NULL, " \t\r", &tok);
		struct refs_spec probe = {0};
		if (rel == NULL || strtok_r(NULL, " \t\r", &tok) != NULL ||
		    refs_spec_add(&probe, f, rel) != 0 || strcmp(f, "rtr") == 0) {
			log_err("%s:%d: expected \"snapshot FILE...\" or \"KIND FILE\"", origin,
			    lineno);
			refs_spec_free(&probe);
			rc = -1;
			continue;
		}
		refs_spec_free(&probe);
		char *path = in_dir(dir, rel);
		if (access(path, R_OK) != 0) {
			log_warn("%s: %s: not in the mirror", origin, path);
			free(path);
			continue;
		}
		struct engine_input in = {.kind = f, .path = path};
		engine_input_date(&in);
		XGROW(p->pool, cappool, p->npool + 1);
		p->pool[p->npool++] = (struct plan_ref){.kind = xstrdup(f),
		    .path = path,
		    .time = in.data_time,
		    .date_from = in.date_from};
	}
	free(copy);
	free(real);
	if (rc != 0) {
		engine_plan_free(p);
		return -1;
	}
	qsort(p->snap, p->nsnap, sizeof(*p->snap), snap_cmp);
	for (size_t i = 0; i < p->nsnap; i++)
		choose(p, &p->snap[i]);
	return 0;
}

void engine_plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->nsnap; i++) {
		for (size_t j = 0; j < p->snap[i].nrouting; j++)
			free(p->snap[i].routing[j]);
		free(p->snap[i].routing);
		free(p->snap[i].refs);
	}
	for (size_t i = 0; i < p->npool; i++) {
		free(p->pool[i].kind);
		free(p->pool[i].path);
	}
	free(p->snap);
	free(p->pool);
	memset(p, 0, sizeof(*p));
}
