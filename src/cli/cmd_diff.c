/*
 * routemark diff: what changed between two snapshots of the store: routes (prefix, origin)
 * that became RPKI valid, invalid or not-found, routes that appeared or disappeared by state,
 * and the first changes listed.
 */
#include <json-c/json.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "report/report.h"
#include "store/store.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: routemark diff [--db FILE] [--limit N] [--format text|json] OLD NEW\n\n"
	           "Compare two snapshots (ids, as `routemark summary` shows them): the routes\n"
	           "(prefix, origin) in both whose RPKI state changed (became valid, invalid or\n"
	           "not-found), a table of old state against new, the routes that appeared or\n"
	           "disappeared by state, and the first changes in prefix order.\n\n"
	           "options:\n"
	           "  --db FILE           the store (default routemark.db)\n"
	           "  --limit N           list at most N changes (default 20; 0: counts only)\n"
	           "  --format FMT        text (default) or json (schema routemark.diff/1)\n"
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

int cmd_diff(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"limit", required_argument, NULL, 'n'},
	    {"format", required_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *db = "routemark.db", *format = "text";
	long long limit = 20;
	int opt, rc;
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
	if (strcmp(format, "json") == 0)
		cli_print_json(report_diff_json(&d));
	else {
		char t1[64], t2[64];
		struct store_snapshot a, b;
		store_snapshot_get(s, from, &a);
		report_time(a.period_start, t1, sizeof(t1));
		store_snapshot_get(s, to, &b);
		report_time(b.period_start, t2, sizeof(t2));
		printf("snapshot %lld (%s) -> snapshot %lld (%s)\n", (long long)from, t1,
		    (long long)to, t2);
		report_diff_text(stdout, &d);
	}
	report_diff_free(&d);
	store_close(s);
	return 0;
}
