/*
 * routemark diff: what changed between two snapshots of the store: routes (prefix, origin)
 * that became RPKI valid, invalid or not-found, routes that appeared or disappeared by state,
 * and the first changes listed.
 */
#include <json-c/json.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "engine/engine.h"
#include "report/report.h"
#include "rpki/rpki.h"
#include "store/store.h"

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark diff [--db FILE] [--limit N] [--format text|json] [--roas] OLD "
	    "NEW\n\n"
	    "Compare two snapshots (ids, as `routemark summary` shows them): the routes\n"
	    "(prefix, origin) in both whose RPKI state changed (became valid, invalid or\n"
	    "not-found), a table of old state against new, the routes that appeared or\n"
	    "disappeared by state, and the first changes in prefix order.\n\n"
	    "options:\n"
	    "  --db FILE|URL       the store (default routemark.db; or postgresql://...)\n"
	    "  --limit N           list at most N changes (default 20; 0: counts only)\n"
	    "  --format FMT        text (default) or json (schema routemark.diff/1)\n"
	    "  --roas              also the ROAs (VRPs) that appeared and disappeared between\n"
	    "                      the two snapshots' VRP files, read again from the paths\n"
	    "                      recorded with them when their SHA-256 still matches\n"
	    "  -h, --help          this help\n\n"
	    "exit codes: 0 shown; 1 usage, no such snapshot, or a store error. See "
	    "routemark-diff(1).\n");
}

static int snapshot_arg(struct store *s, const char *db, const char *arg, int64_t *id)
{
	char *end;
	long long v = strtoll(arg, &end, 10);
	struct store_snapshot snap;
	if (*end || v <= 0) {
		log_err("diff: %s: expected a snapshot id (a number)", arg);
		return -1;
	}
	int rc = store_snapshot_get(s, v, &snap);
	if (rc <= 0) {
		if (rc == 0)
			log_err("%s: no snapshot %lld", db, v);
		return -1;
	}
	*id = v;
	return 0;
}

/* ------------------------------------------------------------ --roas */

/* A snapshot's VRP set (the store's copy, else its file as recorded); NULL after saying why. */
static struct vrp_table *vrps_of(struct store *s, const struct report_diff_vrps *v, int64_t snap)
{
	char why[600];
	struct vrp_table *t =
	    engine_snapshot_vrps(s, v->path, v->sha256, snap, 1, why, sizeof(why));
	if (t == NULL)
		log_err("diff --roas: %s", why);
	return t;
}

/* The ROAs that appeared and disappeared; into json when given, else printed. 0 or -1. */
static int roas_diff(struct store *s, const struct report_diff *d, size_t limit, json_object *json)
{
	struct vrp_table *a = vrps_of(s, &d->vrps[0], d->from);
	struct vrp_table *b = a ? vrps_of(s, &d->vrps[1], d->to) : NULL;
	if (b == NULL) {
		if (a)
			vrp_table_release(a);
		return -1;
	}
	struct report_roas r;
	report_roas_diff(a, b, limit, &r);
	if (json)
		json_object_object_add(
		    json, "roas", report_roas_json(&r, d->vrps[0].path, d->vrps[1].path));
	else {
		printf("\nROAs (VRPs) from %s to %s:\n", d->vrps[0].path, d->vrps[1].path);
		for (size_t i = 0; i < r.n; i++) {
			const struct vrp *v = &r.changes[i].vrp;
			char pfx[PREFIX_STRLEN];
			prefix_format(&v->p, pfx, sizeof(pfx));
			printf("  %c %-24s max %-3u AS%u\n", r.changes[i].added ? '+' : '-', pfx,
			    v->maxlen, v->asn);
		}
		printf("  %zu appeared, %zu disappeared (%zu VRPs before, %zu after)%s\n",
		    r.appeared, r.disappeared, r.before, r.after,
		    r.n < r.appeared + r.disappeared ? "; the first ones above" : "");
	}
	report_roas_free(&r);
	vrp_table_release(a);
	vrp_table_release(b);
	return 0;
}

int cmd_diff(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"limit", required_argument, NULL, 'n'},
	    {"format", required_argument, NULL, 'f'},
	    {"roas", no_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *db = "routemark.db", *format = "text";
	long long limit = 20;
	int opt, rc, roas = 0;
	if (cli_opt_begin("diff", longopts, &argc, &argv) != 0)
		return 1;
	while ((opt = cli_getopt(argc, argv, "h", longopts, usage, &rc)) != -1) {
		char *end;
		switch (opt) {
		case CLI_OPT_EXIT:
			return rc;
		case 'd':
			db = optarg;
			break;
		case 'n':
			limit = strtoll(optarg, &end, 10);
			if (*end || limit < 0 || limit > 1000000) {
				log_err("--limit %s: expected a number from 0 to 1000000", optarg);
				return 1;
			}
			break;
		case 'r':
			roas = 1;
			break;
		case 'f':
			format = optarg;
			if (cli_format(format, "text json") < 0)
				return 1;
			break;
		}
	}
	if (argc - optind != 2) {
		log_err("diff: expected two snapshots, OLD and NEW");
		usage(stderr);
		return 1;
	}
	struct store *s;
	if (store_open(db, 1, &s) != 0)
		return 1;
	int64_t from, to;
	struct report_diff d;
	if (snapshot_arg(s, db, argv[optind], &from) != 0 ||
	    snapshot_arg(s, db, argv[optind + 1], &to) != 0) {
		store_close(s);
		return 1;
	}
	if (report_diff(s, from, to, (size_t)limit, &d) != 0) {
		report_diff_free(&d);
		store_close(s);
		return 1;
	}
	rc = 0;
	if (strcmp(format, "json") == 0) {
		json_object *j = report_diff_json(&d);
		if (roas && roas_diff(s, &d, (size_t)limit, j) != 0)
			rc = 1;
		cli_print_json(j);
	} else {
		char t1[64], t2[64];
		struct store_snapshot a, b;
		store_snapshot_get(s, from, &a);
		report_time(a.period_start, t1, sizeof(t1));
		store_snapshot_get(s, to, &b);
		report_time(b.period_start, t2, sizeof(t2));
		printf("snapshot %lld (%s) -> snapshot %lld (%s)\n", (long long)from, t1,
		    (long long)to, t2);
		report_diff_text(stdout, &d);
		if (roas && roas_diff(s, &d, (size_t)limit, NULL) != 0)
			rc = 1;
	}
	report_diff_free(&d);
	store_close(s);
	return rc;
}
