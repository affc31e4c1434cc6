/*
 * Provenance of a snapshot: the date of each input's data, read from its content where it
 * says (rpki-client / Routinator metadata, CAIDA "# date:" headers, IANA "<updated>", the
 * first MRT record) or from its file name, and the known coverage gaps of the reference data:
 * far from the routing data, a derived VRP set, an absent trust anchor, IRRs not included,
 * kinds not loaded. A warning marks the gaps that distort verdicts.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/engine.h"
#include "irr/irr.h"
#include "registry/registry.h"
#include "rpki/rpki.h"

#define HEAD_BYTES 65536 /* what is read of a file for a date in its header */

/* A unix time from a calendar date (UTC), or -1 when it is no date. */
static int64_t civil(int y, int mo, int d, int h, int mi, int s)
{
	if (y < 1980 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || s < 0 || s > 60)
		return -1;
	struct tm tm = {.tm_year = y - 1900,
	    .tm_mon = mo - 1,
	    .tm_mday = d,
	    .tm_hour = h,
	    .tm_min = mi,
	    .tm_sec = s};
	time_t t = timegm(&tm);
	return tm.tm_mday == d ? (int64_t)t : -1; /* 2023-02-30 normalises away */
}

static int digits(const char *p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

int64_t engine_date_from_name(const char *path)
{
	const char *b = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n = strlen(b);
	for (size_t i = 0; i + 8 <= n; i++) {
		if (i > 0 && isdigit((unsigned char)b[i - 1]))
			continue;
		const char *p = b + i;
		int64_t t = -1;
		if (i + 10 <= n && p[4] == '-' && p[7] == '-' && !isdigit((unsigned char)p[10]))
			t = civil(digits(p, 4), digits(p + 5, 2), digits(p + 8, 2), 0, 0, 0);
		else if (!isdigit((unsigned char)p[8]))
			t = civil(digits(p, 4), digits(p + 4, 2), digits(p + 6, 2), 0, 0, 0);
		if (t > 0)
			return t;
	}
	return -1;
}

static int64_t floor_day(int64_t t)
{
	return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

int64_t engine_days_between(int64_t from, int64_t to)
{
	return floor_day(to) - floor_day(from);
}

/* "2023-11-07T22:05:20Z" (or a date alone) at p. */
static int64_t iso_time(const char *p)
{
	int64_t t = civil(digits(p, 4), p[4] == '-' ? digits(p + 5, 2) : -1,
	    p[7] == '-' ? digits(p + 8, 2) : -1, 0, 0, 0);
	if (t > 0 && (p[10] == 'T' || p[10] == ' ') && p[13] == ':' && p[16] == ':') {
		int64_t u = civil(digits(p, 4), digits(p + 5, 2), digits(p + 8, 2),
		    digits(p + 11, 2), digits(p + 14, 2), digits(p + 17, 2));
		if (u > 0)
			t = u;
	}
	return t;
}

/* The value of JSON key "key" in text: a time string or a number (unix seconds). */
static int64_t json_time(const char *text, const char *key)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\"", key);
	const char *p = strstr(text, pat);
	if (p == NULL)
		return -1;
	p += strlen(pat);
	while (*p == ' ' || *p == ':' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p == '"')
		return iso_time(p + 1);
	if (isdigit((unsigned char)*p)) {
		long long v = strtoll(p, NULL, 10);
		return v > 315532800 && v < 4102444800LL ? (int64_t)v : -1;
	}
	return -1;
}

/* The date in the first bytes of a file, by kind; -1 when it says none. */
static int64_t content_date(const char *kind, const char *head)
{
	if (strcmp(kind, "vrps") == 0) {
		const char *keys[] = {"buildtime", "generatedTime", "generated"};
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			int64_t t = json_time(head, keys[i]);
			if (t > 0)
				return t;
		}
		return -1;
	}
	if (strcmp(kind, "asrel") == 0 || strcmp(kind, "orgs") == 0) {
		const char *p = strstr(head, "# date:"); /* "# date: 202401" (a month) */
		if (p == NULL)
			return -1;
		for (p += 7; *p == ' '; p++)
			;
		int64_t t = civil(digits(p, 4), digits(p + 4, 2),
		    isdigit((unsigned char)p[6]) ? digits(p + 6, 2) : 1, 0, 0, 0);
		return t;
	}
	if (strcmp(kind, "irr") == 0) { /* the newest last-modified / changed of the head */
		int64_t best = -1;
		for (const char *p = head; p && *p;
		     p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
			int64_t t = -1;
			if (strncmp(p, "last-modified:", 14) == 0) {
				const char *v = p + 14 + strspn(p + 14, " \t");
				t = iso_time(v);
			} else if (strncmp(p, "changed:", 8) == 0) {
				const char *e = strchr(p, '\n') ? strchr(p, '\n') : p + strlen(p);
				const char *v = e;
				while (v > p && (v[-1] == '\r' || v[-1] == ' '))
					v--;
				if (v - p >= 8 + 8 && !isdigit((unsigned char)v[-9]))
					t = civil(digits(v - 8, 4), digits(v - 4, 2),
					    digits(v - 2, 2), 0, 0, 0);
			}
			if (t > best)
				best = t;
		}
		return best;
	}
	/* IANA registries: <updated>2024-03-01</updated> (as bogons, or as delegations: then
	 * the only delegation files dated by their content) */
	if (strcmp(kind, "bogons") == 0 || strcmp(kind, "delegated") == 0) {
		const char *p = strstr(head, "<updated>");
		return p ? iso_time(p + 9) : -1;
	}
	return -1;
}

void engine_input_date(struct engine_input *in)
{
	if (in->data_time > 0 || strcmp(in->path, "-") == 0)
		return; /* routing inputs: set from their records while read */
	char *head = zinput_head(in->path, HEAD_BYTES, NULL);
	int64_t t = head ? content_date(in->kind, head) : -1;
	free(head);
	if (t > 0) {
		in->data_time = t;
		in->date_from = "content";
	} else if ((t = engine_date_from_name(in->path)) > 0) {
		in->data_time = t;
		in->date_from = "name";
	}
}

/* ---------------------------------------------------------------- gaps */

static const char *kind_name(const char *kind)
{
	static const char *const names[][2] = {{"vrps", "VRPs"}, {"irr", "IRR data"},
	    {"asrel", "AS relationships"}, {"bogons", "bogon list"},
	    {"delegated", "delegation statistics"}, {"orgs", "AS organisations"},
	    {"asnames", "AS names"}, {"peeringdb", "PeeringDB data"}};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(kind, names[i][0]) == 0)
			return names[i][1];
	return kind;
}

/* Reference data that decides verdicts (the others only name things). */
static int decides(const char *kind)
{
	return strcmp(kind, "vrps") == 0 || strcmp(kind, "irr") == 0 ||
	       strcmp(kind, "asrel") == 0 || strcmp(kind, "bogons") == 0 ||
	       strcmp(kind, "delegated") == 0;
}

static void gap(struct engine_gaps *g, const char *kind, const char *code, int warning,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void gap(
    struct engine_gaps *g, const char *kind, const char *code, int warning, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < g->n; i++) /* two files of one edition: said once */
		if (strcmp(g->v[i].detail, buf) == 0)
			return;
	XGROW(g->v, g->cap, g->n + 1);
	g->v[g->n++] = (struct store_gap){kind, code, arena_strdup(&g->arena, buf), warning};
}

void engine_gaps_add(struct engine_gaps *g, const struct store_gap *x)
{
	gap(g, arena_strdup(&g->arena, x->kind), arena_strdup(&g->arena, x->code), x->warning, "%s",
	    x->detail);
}

static const char *day(int64_t t, char *buf, size_t size)
{
	return time_utc_strftime(t, "%Y-%m-%d", buf, size);
}

/* The five RIRs' trust anchors, told from a "ta" value. */
static const char *const rirs[] = {"AFRINIC", "APNIC", "ARIN", "LACNIC", "RIPE"};
#define NRIRS 5

static int rir_of_ta(const char *ta, size_t len)
{
	char low[32];
	if (len >= sizeof(low))
		len = sizeof(low) - 1;
	for (size_t i = 0; i < len; i++)
		low[i] = (char)tolower((unsigned char)ta[i]);
	low[len] = '\0';
	if (strstr(low, "afrinic"))
		return 0;
	if (strstr(low, "apnic"))
		return 1;
	if (strstr(low, "lacnic"))
		return 3;
	if (strstr(low, "arin"))
		return 2;
	if (strstr(low, "ripe"))
		return 4;
	return -1;
}

/* Whether the VRP file says in its first 4 KiB (rpki-client's metadata, a CSV's comment)
 * that it is derived or re-validated elsewhere. */
static int vrp_file_derived(const char *path)
{
	char *head = zinput_head(path, 4096, NULL);
	int derived = head && (strstr(head, "derived") || strstr(head, "re-validated"));
	free(head);
	return derived;
}

/* The gaps of the VRP set loaded from path: derived, an RIR's trust anchor absent or nearly
 * (the VRPs per trust anchor are counted as the file is loaded: vrp_table_tas). */
static void vrp_gaps(const char *path, const struct vrp_table *t, struct engine_gaps *g)
{
	uint64_t per[NRIRS] = {0}, named = 0, unknown = 0, max = 0, total = 0;
	int imax = 0;
	const struct vrp_ta *tas;
	size_t ntas = vrp_table_tas(t, &tas);
	for (size_t i = 0; i < ntas; i++) {
		size_t len = strlen(tas[i].name);
		int r = rir_of_ta(tas[i].name, len);
		if (r >= 0)
			per[r] += tas[i].vrps;
		else if (len == 0 || strcmp(tas[i].name, "unknown") == 0)
			unknown += tas[i].vrps;
		else
			named += tas[i].vrps;
	}
	const char *b = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (strstr(b, "derived") || vrp_file_derived(path))
		gap(g, "vrps", "derived", 0,
		    "the VRP set is derived (decoded from a validator cache or another export), "
		    "not re-validated here: it may hold ROAs a validator would reject or lack "
		    "some it would accept");
	for (int i = 0; i < NRIRS; i++) {
		total += per[i];
		if (per[i] > max) {
			max = per[i];
			imax = i;
		}
	}
	if (total == 0) {
		gap(g, "vrps", "ta-unknown", 0,
		    "the VRP set names no RIR trust anchor (%" PRIu64
		    " VRPs with TA \"unknown\" or "
		    "none): whether every RIR's repository is in it cannot be checked",
		    unknown + named);
		return;
	}
	/* a TA with under 2 % of the largest TA's VRPs reads as absent: a repository that was
	 * not fetched leaves only VRPs filed elsewhere under its name */
	for (int i = 0; i < NRIRS; i++) {
		if (per[i] == 0)
			gap(g, "vrps", "ta-absent", 1,
			    "no %s trust anchor in the VRP set: routes in %s address space read "
			    "RPKI not-found, never valid or invalid",
			    rirs[i], rirs[i]);
		else if (per[i] * 50 < max)
			gap(g, "vrps", "ta-absent", 1,
			    "%s trust anchor nearly absent from the VRP set (%" PRIu64
			    " VRPs, under 2 "
			    "%% of %s's %" PRIu64 "): most routes in %s address space read RPKI "
			    "not-found",
			    rirs[i], per[i], rirs[imax], max, rirs[i]);
	}
}

/* The IRR sources that matter most for coverage, absent from the loaded data. */
static void irr_gaps(struct engine_gaps *g, const struct irr_db *db)
{
	static const char *const major[] = {"RADB", "RIPE", "APNIC", "ARIN", "AFRINIC", "LACNIC"};
	char missing[128] = "";
	size_t nmiss = 0;
	for (size_t i = 0; i < sizeof(major) / sizeof(major[0]); i++) {
		if (db && irr_db_source_find(db, major[i]) >= 0)
			continue;
		snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing), "%s%s",
		    nmiss++ ? ", " : "", major[i]);
	}
	if (nmiss)
		gap(g, "irr", "irr-absent", 1,
		    "IRR source%s not in the loaded IRR data: %s; IRR coverage is understated "
		    "(routes registered only there read unregistered)",
		    nmiss > 1 ? "s" : "", missing);
}

void engine_gaps_find(const struct engine_input *in, size_t nin, const struct refs_spec *spec,
    const struct observe_refs *refs, int64_t routing_time, int stale_days, struct engine_gaps *g)
{
	if (stale_days <= 0)
		stale_days = STORE_STALE_DAYS;
	char d1[16], d2[16];
	for (size_t i = 0; i < nin; i++) {
		const struct engine_input *x = &in[i];
		if (strcmp(x->kind, "mrt") == 0 || strcmp(x->kind, "table") == 0)
			continue;
		if (x->data_time <= 0) {
			gap(g, x->kind, "date-unknown", 0,
			    "%s %s: no date in its content or name; its distance from the routing "
			    "data is unknown",
			    kind_name(x->kind), x->path);
			continue;
		}
		if (routing_time <= 0)
			continue;
		int64_t dist = engine_days_between(routing_time, x->data_time);
		int64_t days = dist < 0 ? -dist : dist;
		/* an IANA registry (the delegation files dated by content): the RIR of a /8
		 * changes seldom, not a warning */
		int iana = strcmp(x->kind, "delegated") == 0 && x->date_from &&
		           strcmp(x->date_from, "content") == 0;
		if (days > stale_days)
			gap(g, x->kind, "stale", decides(x->kind) && !iana,
			    "%s dated %s: %" PRId64 " days %s the routing data (%s)%s",
			    kind_name(x->kind), day(x->data_time, d1, sizeof(d1)), days,
			    dist < 0 ? "before" : "after", day(routing_time, d2, sizeof(d2)),
			    strcmp(x->kind, "vrps") == 0 ? ": RPKI verdicts are of another time "
			                                   "(in the shared data a 5-month "
			                                   "gap doubles the RPKI-invalid share)"
			    : iana ? " (IANA registry: the RIR of a block seldom changes)"
			    : decides(x->kind) ? ": its verdicts are of another time"
			                       : "");
	}
	if (spec->vrps && refs && refs->vrps)
		vrp_gaps(spec->vrps, refs->vrps, g);
	else if (spec->vrps == NULL && spec->rtr == NULL)
		gap(g, "vrps", "not-loaded", 0, "no VRPs loaded: RPKI metrics are no data");
	if (spec->nirr)
		irr_gaps(g, refs ? refs->irr : NULL);
	else
		gap(g, "irr", "not-loaded", 0, "no IRR data loaded: IRR metrics are no data");
	if (spec->asrel == NULL)
		gap(g, "asrel", "not-loaded", 0,
		    "no AS relationships loaded: route-leak metrics are no data");
	if (spec->ndelegated == 0)
		gap(g, "delegated", "not-loaded", 0,
		    "no delegation statistics loaded: no per-RIR and per-country figures");
	else if (refs && refs->deleg && refs->deleg->st.ipv4 + refs->deleg->st.ipv6 == 0)
		gap(g, "delegated", "iana-only", 0,
		    "delegations from the IANA registries only: rir: scopes by the RIR of each "
		    "IPv4 /8 or IPv6 block, cc: scopes by the origin AS's organisation (--orgs)%s",
		    refs->deleg->nasn ? "" : "; no ASN rows: every AS seen is measured");
}

void engine_gaps_init(struct engine_gaps *g)
{
	memset(g, 0, sizeof(*g));
	arena_init(&g->arena, 0);
}

void engine_gaps_free(struct engine_gaps *g)
{
	free(g->v);
	arena_free(&g->arena);
	memset(g, 0, sizeof(*g));
}
