/* routemark compare: providers side by side, control by control, on one profile. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/conform_cli.h"
#include "cli/refs.h"

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark compare [options] ASN ASN...\n\n"
	    "The conformance verdicts of several ASes on one profile, side by side, control by\n"
	    "control, with the overall verdict and the passes resting on attestation marked.\n\n"
	    "options:\n"
	    "  --db FILE           the store (default routemark.db)\n"
	    "  --profile NAME|FILE the profile (default manrs-plus-draft)\n"
	    "  --window DURATION   observation window, overriding the profile's\n"
	    "  --format FMT        text (default), json (schema " CONFORM_SCHEMA "/compare), html\n"
	    "  -o, --output FILE   write there instead of standard output\n"
	    "  -h, --help          this help\n\n" REFS_HELP
	    "\nexit codes: 0 shown; 1 usage, profile or store error. See routemark-compare(1).\n");
}

static int compare(const char *db, const char *profile, const char *fmt, int64_t window,
    struct cli_refs *refs, uint32_t *asns, size_t n, FILE *out)
{
	struct conform_profile *p;
	struct observe_refs orefs;
	struct store *s;
	int rc = conform_cli_open(profile, db, refs, &p, &orefs, &s);
	if (rc != 0)
		return rc;
	struct arena a;
	arena_init(&a, 0);
	struct conform_result *r = xcalloc(n, sizeof(*r));
	struct conform_ctx ctx = {.store = s, .refs = &orefs, .window = window, .max_evidence = 5};
	int status = 0;
	for (size_t i = 0; i < n && status == 0; i++)
		status = conform_evaluate(&ctx, p, asns[i], &a, &r[i]) ? 1 : 0;
	if (status == 0)
		conform_cli_render(out, fmt, r, n);
	free(r);
	arena_free(&a);
	store_close(s);
	conform_profile_free(p);
	return status;
}

int cmd_compare(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"profile", required_argument, NULL, 'p'},
	    {"window", required_argument, NULL, 'w'},
	    {"format", required_argument, NULL, 'f'},
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    REFS_LONG_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	const char *db = "routemark.db", *profile = "manrs-plus-draft", *fmt = "text", *outp = NULL;
	int64_t window = 0;
	struct cli_refs refs;
	memset(&refs, 0, sizeof(refs));
	int opt, rc;
	if (cli_opt_begin("compare", longopts, &argc, &argv) != 0)
		return 1;
	while ((opt = cli_getopt(argc, argv, "ho:", longopts, usage, &rc)) != -1) {
		switch (opt) {
		case CLI_OPT_EXIT:
			refs_free(&refs);
			return rc;
		case 'd':
			db = optarg;
			break;
		case 'p':
			profile = optarg;
			break;
		case 'f':
			fmt = optarg;
			break;
		case 'o':
			outp = optarg;
			break;
		case 'w':
			if (conform_cli_window(optarg, &window) != 0)
				return 1;
			break;
		default:
			if (refs_option(&refs, opt, optarg) == 1)
				break;
			usage(stderr);
			refs_free(&refs);
			return 1;
		}
	}
	if (cli_format(fmt, "text json html") < 0)
		return 1;
	size_t n = (size_t)(argc - optind);
	if (n == 0) {
		fprintf(stderr, "routemark: compare: which ASes?\n");
		usage(stderr);
		return 1;
	}
	uint32_t *asns = xcalloc(n, sizeof(*asns));
	for (size_t i = 0; i < n; i++)
		if (asn_parse(argv[optind + (int)i], &asns[i]) != 0) {
			fprintf(stderr, "routemark: compare: '%s' is not an AS number\n",
			    argv[optind + (int)i]);
			free(asns);
			return 1;
		}
	FILE *out = cli_output_open(outp);
	int status = 1;
	if (out != NULL)
		status =
		    cli_output_close(out, compare(db, profile, fmt, window, &refs, asns, n, out));
	free(asns);
	refs_free(&refs);
	return status;
}
