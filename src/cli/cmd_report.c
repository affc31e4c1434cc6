/* routemark report: one AS's scorecard from the store. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "report/report.h"
#include "store/store.h"

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark report [options] ASN\n\n"
	    "The AS's MANRS scorecard from the store: score and readiness per Action, every\n"
	    "metric, the findings with their evidence (the route, the peer that saw it, the VRPs,\n"
	    "route objects or relationships that decided), its incidents and its customers', the\n"
	    "trend over snapshots, and a fix list, most urgent first.\n\n"
	    "options:\n"
	    "  --db FILE           the store (default routemark.db)\n"
	    "  --format FMT        text (default), json (schema " REPORT_SCHEMA "), html\n"
	    "  --snapshot ID       a given snapshot (default: the newest)\n"
	    "  --findings N        at most N findings (default 100; 0 = all)\n"
	    "  --fixes N           text: at most N fixes (default 25; 0 = all)\n"
	    "  -o, --output FILE   write there instead of standard output\n"
	    "  -h, --help          this help\n\n"
	    "exit codes: 0 shown (also when the AS is not in the snapshot); 1 usage or store\n"
	    "error. See routemark-report(1).\n");
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"format", required_argument, NULL, 'f'},
	    {"snapshot", required_argument, NULL, 's'},
	    {"findings", required_argument, NULL, 'n'},
	    {"fixes", required_argument, NULL, 'x'},
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *db = "routemark.db", *fmt = "text", *outpath = NULL;
	long long snap = 0, nfind = 100, nfix = 25;
	int opt;
	if (config_merge_args("report", longopts, &argc, &argv) < 0)
		return 1;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		char *end;
		switch (opt) {
		case 'd':
			db = optarg;
			break;
		case 'f':
			fmt = optarg;
			break;
		case 's':
			snap = strtoll(optarg, &end, 10);
			if (*end || snap <= 0) {
				log_err("--snapshot %s: expected a snapshot id", optarg);
				return 1;
			}
			break;
		case 'n':
			nfind = strtoll(optarg, &end, 10);
			if (*end || nfind < 0) {
				log_err("--findings %s: expected a number", optarg);
				return 1;
			}
			break;
		case 'x':
			nfix = strtoll(optarg, &end, 10);
			if (*end || nfix < 0) {
				log_err("--fixes %s: expected a number", optarg);
				return 1;
			}
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	uint32_t asn;
	if (optind + 1 != argc || asn_parse(argv[optind], &asn) != 0) {
		log_err(optind == argc ? "report: which AS?" : "report: '%s' is not an AS number",
		    optind < argc ? argv[optind] : "");
		usage(stderr);
		return 1;
	}
	const struct report_format *rf = report_format_find(fmt);
	if (rf == NULL) {
		log_err("--format %s: expected text, json or html", fmt);
		return 1;
	}
	struct store *s;
	if (store_open(db, 1, &s) != 0)
		return 1;
	struct arena a;
	arena_init(&a, 0);
	struct scorecard sc;
	int status = 1;
	FILE *out = stdout;
	if (scorecard_load(s, snap, asn, (size_t)nfind, &a, &sc) == 0) {
		sc.max_fixes = (size_t)nfix;
		if (outpath && (out = fopen(outpath, "w")) == NULL)
			log_err("%s: cannot write", outpath);
		else {
			rf->scorecard(out, &sc);
			status = ferror(out) ? 1 : 0;
			if (out != stdout && fclose(out) != 0)
				status = 1;
		}
	}
	arena_free(&a);
	store_close(s);
	return status;
}
