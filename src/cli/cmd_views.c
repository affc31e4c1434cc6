/*
 * The Internet-wide views of the store: `routemark summary` (coverage and readiness),
 * `routemark top` (ASes ranked by a metric) and `routemark prefix` (who originates a prefix
 * and its RPKI/IRR state). Text or JSON.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "report/report.h"
#include "store/store.h"

struct view_opts {
	const char *db, *format;
	long long snap, limit;
	const char *by;
	int want_prefix;      /* prefix: one PREFIX argument, */
	struct prefix prefix; /* parsed here */
};

/* Parse the options over the defaults (the store routemark.db, text, and what o holds);
 * returns -1 to go on, else an exit code. */
static int parse_common(
    const char *cmd, int *argc, char ***argv, struct view_opts *o, void (*usage)(FILE *))
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"format", required_argument, NULL, 'f'},
	    {"snapshot", required_argument, NULL, 's'},
	    {"limit", required_argument, NULL, 'n'},
	    {"by", required_argument, NULL, 'b'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int opt, rc;
	o->db = "routemark.db";
	o->format = "text";
	if (cli_opt_begin(cmd, longopts, argc, argv) != 0)
		return 1;
	while ((opt = cli_getopt(*argc, *argv, "h", longopts, usage, &rc)) != -1) {
		char *end;
		switch (opt) {
		case CLI_OPT_EXIT:
			return rc;
		case 'd':
			o->db = optarg;
			break;
		case 'f':
			o->format = optarg;
			if (cli_format(o->format, "text json") < 0)
				return 1;
			break;
		case 's':
		case 'n': {
			long long v = strtoll(optarg, &end, 10);
			if (*end || v < 0) {
				log_err("--%s %s: expected a number",
				    opt == 's' ? "snapshot" : "limit", optarg);
				return 1;
			}
			*(opt == 's' ? &o->snap : &o->limit) = v;
			break;
		}
		case 'b':
			if (metric_by_name(optarg) == NULL) {
				log_err("--by %s: not a metric (M1 .. M8, M7IRR, M7RPKI)", optarg);
				return 1;
			}
			o->by = metric_by_name(optarg)->name;
			break;
		}
	}
	if (o->want_prefix &&
	    (optind + 1 != *argc || prefix_parse_loose((*argv)[optind], &o->prefix) != 0)) {
		log_err("prefix: expected one prefix, like 192.0.2.0/24 or 2001:db8::/32");
		usage(stderr);
		return 1;
	}
	return -1;
}

/* What a view reads: the store, the snapshot asked for, an arena for the rows. */
struct view {
	struct store *s;
	struct store_snapshot snap;
	struct arena a;
};

static int view_open(const struct view_opts *o, struct view *v)
{
	if (store_open(o->db, 1, &v->s) != 0)
		return -1;
	int rc = store_snapshot_get(v->s, o->snap, &v->snap);
	if (rc <= 0) {
		if (rc == 0)
			log_err("%s: %s", o->db, o->snap ? "no such snapshot" : "no snapshot yet");
		store_close(v->s);
		return -1;
	}
	arena_init(&v->a, 0);
	return 0;
}

/* A view command: its options over defaults, then show on the snapshot asked for. */
struct view_cmd {
	const char *name;
	void (*usage)(FILE *);
	struct view_opts defaults;
	int (*show)(struct view *v, const struct view_opts *o); /* the exit code */
};

static int view_main(const struct view_cmd *c, int argc, char **argv)
{
	struct view_opts o = c->defaults;
	int rc = parse_common(c->name, &argc, &argv, &o, c->usage);
	if (rc >= 0)
		return rc;
	struct view v;
	if (view_open(&o, &v) != 0)
		return 1;
	rc = c->show(&v, &o);
	arena_free(&v.a);
	store_close(v.s);
	return rc;
}

/* ---------------------------------------------------------------- summary */

static void summary_usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark summary [--db FILE] [--snapshot ID] [--format text|json]\n\n"
	    "The Internet-wide view of a snapshot: routes, RPKI and IRR coverage of the\n"
	    "routing table overall, per address family, per RIR and per country (with\n"
	    "--delegated at analysis), and how many ASes are ready, aspiring or lagging per\n"
	    "MANRS Action; then the coverage trend over all snapshots.\n");
}

static double gval(const struct store_global *g, size_t n, const char *scope, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(g[i].scope, scope) == 0 && strcmp(g[i].key, key) == 0)
			return g[i].value;
	return -1;
}

static void pct_of(char *buf, size_t size, double part, double whole)
{
	if (part < 0 || whole <= 0)
		snprintf(buf, size, "no data");
	else
		snprintf(buf, size, "%.1f %%", 100 * part / whole);
}

static int show_summary(struct view *v, const struct view_opts *o)
{
	struct store *s = v->s;
	const struct store_snapshot snap = v->snap;
	struct store_global *g;
	size_t n;
	struct store_snapshot *snaps;
	size_t nsnaps;
	struct report_provenance prov;
	if (store_get_globals(s, snap.id, "", &v->a, &g, &n) != 0 ||
	    store_snapshots(s, 0, &v->a, &snaps, &nsnaps) != 0 ||
	    report_provenance_read(s, &snap, &v->a, &prov) != 0)
		return 1;
	if (strcmp(o->format, "json") == 0) {
		json_object *j = json_object_new_object(), *scopes = json_object_new_object();
		json_object_object_add(j, "schema", json_object_new_string("routemark.summary/1"));
		json_object_object_add(j, "snapshot", json_object_new_int64(snap.id));
		json_object_object_add(j, "routes", json_object_new_int64((int64_t)snap.routes));
		json_object_object_add(j, "ases", json_object_new_int64((int64_t)snap.ases));
		for (size_t i = 0; i < n; i++) {
			json_object *sc;
			if (!json_object_object_get_ex(scopes, g[i].scope, &sc)) {
				sc = json_object_new_object();
				json_object_object_add(scopes, g[i].scope, sc);
			}
			json_object_object_add(sc, g[i].key, json_object_new_double(g[i].value));
		}
		json_object_object_add(j, "scopes", scopes);
		json_object_object_add(j, "provenance", report_provenance_json(&prov));
		cli_print_json(j);
	} else {
		char t[64], b1[32], b2[32], b3[32];
		printf("snapshot %lld (%s), data from %s\n", (long long)snap.id,
		    snap.label ? snap.label : "", report_time(snap.period_start, t, sizeof(t)));
		printf("%llu routes (%llu IPv4 and %llu IPv6 prefixes), %llu ASes measured\n\n",
		    (unsigned long long)snap.routes, (unsigned long long)snap.prefixes_v4,
		    (unsigned long long)snap.prefixes_v6, (unsigned long long)snap.ases);
		report_provenance_text(stdout, &prov);
		printf("\n");
		printf("%-16s %10s %12s %12s %12s\n", "scope", "routes", "RPKI valid",
		    "RPKI invalid", "IRR");
		for (size_t i = 0; i < n; i++) {
			if (strcmp(g[i].key, "routes") != 0)
				continue;
			const char *sc = g[i].scope;
			double r = g[i].value;
			pct_of(b1, sizeof(b1), gval(g, n, sc, "rpki_valid"), r);
			pct_of(b2, sizeof(b2), gval(g, n, sc, "rpki_invalid"), r);
			pct_of(b3, sizeof(b3), gval(g, n, sc, "irr_registered"),
			    gval(g, n, sc, "irr_checked"));
			printf("%-16s %10.0f %12s %12s %12s\n", sc, r, b1, b2, b3);
		}
		double v4 = gval(g, n, "all", "space_v4_24s"),
		       v6 = gval(g, n, "all", "space_v6_48s");
		if (v4 > 0 || v6 > 0) {
			printf("\naddress space in routes VRPs cover:");
			if (v4 > 0) {
				pct_of(b1, sizeof(b1), gval(g, n, "all", "space_v4_24s_rpki"), v4);
				printf(" IPv4 %s of %.0f /24s", b1, v4);
			}
			if (v6 > 0) {
				pct_of(b2, sizeof(b2), gval(g, n, "all", "space_v6_48s_rpki"), v6);
				printf("%s IPv6 %s of %.0f /48s", v4 > 0 ? "," : "", b2, v6);
			}
			printf("\n");
		}
		if (gval(g, n, "all", "aspa_ases") >= 0)
			printf("ASPA: %.0f measured ASes publish one (%.0f ASPA objects)\n",
			    gval(g, n, "all", "aspa_ases"), gval(g, n, "all", "aspa_objects"));
		printf("\nreadiness       ready  aspiring   lagging   no data\n");
		for (int act = 1; act <= 4; act++) {
			char k[4][40];
			const char *st[] = {"ready", "aspiring", "lagging", "no_data"};
			for (int r = 0; r < 4; r++)
				snprintf(k[r], sizeof(k[r]), "action%d_%s", act, st[r]);
			printf("Action %d   %10.0f %9.0f %9.0f %9.0f\n", act,
			    gval(g, n, "all", k[0]), gval(g, n, "all", k[1]),
			    gval(g, n, "all", k[2]), gval(g, n, "all", k[3]));
		}
		if (nsnaps > 1) {
			printf("\ntrend (all snapshots)\n");
			for (size_t i = nsnaps; i-- > 0;) {
				struct store_global *sg;
				size_t ng;
				if (store_get_globals(s, snaps[i].id, "all", &v->a, &sg, &ng) != 0)
					break;
				double r = gval(sg, ng, "all", "routes");
				pct_of(b1, sizeof(b1), gval(sg, ng, "all", "rpki_valid"), r);
				pct_of(b3, sizeof(b3), gval(sg, ng, "all", "irr_registered"),
				    gval(sg, ng, "all", "irr_checked"));
				pct_of(b2, sizeof(b2), gval(sg, ng, "all", "space_v4_24s_rpki"),
				    gval(sg, ng, "all", "space_v4_24s"));
				printf("  %-22s %10.0f routes  RPKI valid %-9s IRR %-9s IPv4 space "
				       "covered %s\n",
				    report_time(snaps[i].period_start, t, sizeof(t)), r, b1, b3,
				    b2);
			}
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- top */

static void top_usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark top [--by METRIC] [--limit N] [--db FILE] [--snapshot ID] "
	    "[--format text|json]\n\n"
	    "ASes with the most of a metric in a snapshot (default --by M2, --limit 20): the\n"
	    "raw value (incident score for Action 1 metrics), its percentage and the\n"
	    "number of findings.\n");
}

static int show_top(struct view *v, const struct view_opts *o)
{
	struct store *s = v->s;
	struct arena *a = &v->a;
	struct store_metric *m;
	size_t n;
	int status = store_top(s, v->snap.id, o->by, (size_t)o->limit, a, &m, &n) ? 1 : 0;
	if (status == 0 && strcmp(o->format, "json") == 0) {
		json_object *j = json_object_new_object(), *arr = json_object_new_array();
		json_object_object_add(j, "schema", json_object_new_string("routemark.top/1"));
		json_object_object_add(j, "metric", json_object_new_string(o->by));
		for (size_t i = 0; i < n; i++) {
			json_object *x = json_object_new_object();
			struct store_asinfo ai;
			int found;
			store_get_asinfo(s, m[i].asn, a, &ai, &found);
			json_object_object_add(x, "asn", json_object_new_int64(m[i].asn));
			if (found && ai.name)
				json_object_object_add(x, "name", json_object_new_string(ai.name));
			json_object_object_add(x, "raw", json_object_new_double(m[i].raw));
			if (m[i].percent >= 0)
				json_object_object_add(
				    x, "percent", json_object_new_double(m[i].percent));
			json_object_object_add(
			    x, "findings", json_object_new_int64((int64_t)m[i].count));
			json_object_array_add(arr, x);
		}
		json_object_object_add(j, "ases", arr);
		cli_print_json(j);
	} else if (status == 0) {
		const struct metric_def *d = metric_by_name(o->by);
		printf("top %zu by %s (%s), snapshot %lld\n", n, o->by, d->title,
		    (long long)v->snap.id);
		printf("%4s %-12s %-30s %10s %10s %9s\n", "#", "AS", "name", "raw", "score",
		    "findings");
		for (size_t i = 0; i < n; i++) {
			struct store_asinfo ai;
			int found;
			char b[32], as[16];
			store_get_asinfo(s, m[i].asn, a, &ai, &found);
			snprintf(as, sizeof(as), "AS%u", m[i].asn);
			printf("%4zu %-12s %-30.30s %10.4g %10s %9llu\n", i + 1, as,
			    found && ai.name ? ai.name : "", m[i].raw,
			    report_pct(m[i].percent, b, sizeof(b)), (unsigned long long)m[i].count);
		}
	}
	return status;
}

/* ---------------------------------------------------------------- prefix */

static void prefix_usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark prefix [--db FILE] [--snapshot ID] [--format text|json] "
	    "PREFIX\n\n"
	    "Who originates PREFIX and every less-specific prefix that covers it, seen by how\n"
	    "many peers, with RPKI and IRR state and the bogon verdict.\n");
}

static int show_prefix(struct view *v, const struct view_opts *o)
{
	struct store_route *r;
	size_t n;
	char want[PREFIX_STRLEN];
	prefix_format(&o->prefix, want, sizeof(want));
	int status =
	    store_get_routes_by_prefix(v->s, v->snap.id, &o->prefix, 1, &v->a, &r, &n) ? 1 : 0;
	if (status == 0 && strcmp(o->format, "json") == 0) {
		json_object *j = json_object_new_object(), *arr = json_object_new_array();
		json_object_object_add(j, "schema", json_object_new_string("routemark.prefix/1"));
		json_object_object_add(j, "prefix", json_object_new_string(want));
		for (size_t i = 0; i < n; i++) {
			json_object *x = json_object_new_object();
			json_object_object_add(x, "prefix", json_object_new_string(r[i].prefix));
			json_object_object_add(
			    x, "exact", json_object_new_boolean(strcmp(r[i].prefix, want) == 0));
			json_object_object_add(x, "origin", json_object_new_int64(r[i].origin));
			json_object_object_add(x, "peers", json_object_new_int64(r[i].peers));
			if (r[i].rpki)
				json_object_object_add(
				    x, "rpki", json_object_new_string(r[i].rpki));
			if (r[i].rpki_reason)
				json_object_object_add(
				    x, "rpki_reason", json_object_new_string(r[i].rpki_reason));
			if (r[i].irr)
				json_object_object_add(x, "irr", json_object_new_string(r[i].irr));
			if (r[i].bogon)
				json_object_object_add(
				    x, "bogon", json_object_new_string(r[i].bogon));
			json_object_array_add(arr, x);
		}
		json_object_object_add(j, "routes", arr);
		cli_print_json(j);
	} else if (status == 0) {
		printf("%s in snapshot %lld: %zu route%s (the prefix and those covering it)\n",
		    want, (long long)v->snap.id, n, n == 1 ? "" : "s");
		for (size_t i = 0; i < n; i++)
			printf("  %-20s %s AS%-10u %4u peer%s  RPKI %-10s%s%s IRR %-12s%s%s\n",
			    r[i].prefix, strcmp(r[i].prefix, want) == 0 ? "=" : ">", r[i].origin,
			    r[i].peers, r[i].peers == 1 ? " " : "s",
			    r[i].rpki ? r[i].rpki : "no data", r[i].rpki_reason ? " " : "",
			    r[i].rpki_reason ? r[i].rpki_reason : "",
			    r[i].irr ? r[i].irr : "no data", r[i].bogon ? " bogon " : "",
			    r[i].bogon ? r[i].bogon : "");
	}
	return status;
}

/* ---------------------------------------------------------------- the commands */

static const struct view_cmd views[] = {
    {"summary", summary_usage, {0}, show_summary},
    {"top", top_usage, {.limit = 20, .by = "M2"}, show_top},
    {"prefix", prefix_usage, {.want_prefix = 1}, show_prefix},
};

int cmd_summary(int argc, char **argv)
{
	return view_main(&views[0], argc, argv);
}

int cmd_top(int argc, char **argv)
{
	return view_main(&views[1], argc, argv);
}

int cmd_prefix(int argc, char **argv)
{
	return view_main(&views[2], argc, argv);
}
