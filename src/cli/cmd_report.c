/* routemark report: one AS's scorecard, or one organisation's, from the store. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "report/report.h"
#include "store/store.h"

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark report [options] ASN\n"
	    "       routemark report [options] --org ORGID|NAME\n\n"
	    "The AS's MANRS scorecard from the store: score and readiness per Action, every\n"
	    "metric, the findings with their evidence (the route, the peer that saw it, the VRPs,\n"
	    "route objects or relationships that decided), its incidents and its customers', the\n"
	    "trend over snapshots, and a fix list, most urgent first.\n\n"
	    "With --org, an organisation's scorecard (CAIDA AS-to-organisation, stored by analyze\n"
	    "--orgs): routes, metrics, readiness and findings over its networks (counts summed,\n"
	    "M7IRR and M7RPKI from the summed counts, other scores the worst network's).\n\n"
	    "options:\n"
	    "  --db FILE|URL       the store (default routemark.db; or postgresql://...)\n"
	    "  --format FMT        text (default), json (schema " REPORT_SCHEMA "), html\n"
	    "  --snapshot ID       a given snapshot (default: the newest)\n"
	    "  --findings N        at most N findings (default 100; 0 = all)\n"
	    "  --fixes N           text: at most N fixes (default 25; 0 = all)\n"
	    "  --org ORGID|NAME    an organisation (its CAIDA id, or its name) instead of an AS\n"
	    "  -o, --output FILE   write there instead of standard output\n"
	    "  -h, --help          this help\n\n"
	    "exit codes: 0 shown (also when the AS is not in the snapshot); 1 usage, store\n"
	    "error or unknown organisation. See routemark-report(1).\n");
}

/* report --org: the organisation scorecard. nargs: operands left (none allowed). */
static int report_org(const char *db, const char *fmt, long long snap, const char *org,
    const char *outpath, int nargs)
{
	if (nargs > 0) {
		log_err("report: --org takes no ASN");
		usage(stderr);
		return 1;
	}
	if (cli_format(fmt, "text json html") < 0)
		return 1;
	struct store *s;
	if (store_open(db, 1, &s) != 0)
		return 1;
	struct arena a;
	arena_init(&a, 0);
	struct org_scorecard sc;
	int status = 1;
	FILE *out;
	if (org_scorecard_load(s, snap, org, &a, &sc) == 0) {
		if (!sc.found)
			log_err(
			    "%s: no organisation %s (is the store analysed with --orgs?)", db, org);
		else if ((out = cli_output_open(outpath)) != NULL) {
			if (strcmp(fmt, "json") == 0)
				report_json_org(out, &sc);
			else if (strcmp(fmt, "html") == 0)
				report_html_org(out, &sc);
			else
				report_text_org(out, &sc);
			status = cli_output_close(out, 0);
		}
	}
	arena_free(&a);
	store_close(s);
	return status;
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"format", required_argument, NULL, 'f'},
	    {"snapshot", required_argument, NULL, 's'},
	    {"findings", required_argument, NULL, 'n'},
	    {"fixes", required_argument, NULL, 'x'},
	    {"org", required_argument, NULL, 'g'},
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *db = "routemark.db", *fmt = "text", *outpath = NULL, *org = NULL;
	long long snap = 0, nfind = 100, nfix = 25;
	int opt, rc;
	if (cli_opt_begin("report", longopts, &argc, &argv) != 0)
		return 1;
	while ((opt = cli_getopt(argc, argv, "ho:", longopts, usage, &rc)) != -1) {
		char *end;
		switch (opt) {
		case CLI_OPT_EXIT:
			return rc;
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
		case 'g':
			org = optarg;
			break;
		}
	}
	if (org)
		return report_org(db, fmt, snap, org, outpath, argc - optind);
	uint32_t asn;
	if (cli_one_asn("report", argc, argv, &asn) != 0) {
		usage(stderr);
		return 1;
	}
	if (cli_format(fmt, "text json html") < 0)
		return 1;
	const struct report_format *rf = report_format_find(fmt);
	struct store *s;
	if (store_open(db, 1, &s) != 0)
		return 1;
	struct arena a;
	arena_init(&a, 0);
	struct scorecard sc;
	int status = 1;
	FILE *out;
	if (scorecard_load(s, snap, asn, (size_t)nfind, &a, &sc) == 0 &&
	    (out = cli_output_open(outpath)) != NULL) {
		sc.max_fixes = (size_t)nfix;
		rf->scorecard(out, &sc);
		status = cli_output_close(out, 0);
	}
	arena_free(&a);
	store_close(s);
	return status;
}
