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

static int render(const char *fmt, FILE *out, const struct conform_result *r, size_t n)
{
	if (strcmp(fmt, "json") == 0)
		conform_compare_json(out, r, n);
	else if (strcmp(fmt, "html") == 0)
		conform_compare_html(out, r, n);
	else
		conform_compare_text(out, r, n);
	return ferror(out) ? 1 : 0;
}

static int compare(const char *db, const char *profile, const char *fmt, int64_t window,
    struct cli_refs *refs, uint32_t *asns, size_t n, FILE *out)
{
	struct conform_profile *p = conform_cli_profile(profile);
	if (p == NULL)
		return 1;
	struct observe_refs orefs;
	int rc = refs_load(refs, &orefs);
	struct store *s = NULL;
	if (rc != 0 || conform_cli_store(db, 0, &s) != 0) {
		conform_profile_free(p);
		return rc == -2 ? 2 : 1;
	}
	struct arena a;
	arena_init(&a, 0);
	struct conform_result *r = xcalloc(n, sizeof(*r));
	struct conform_ctx ctx = {.store = s, .refs = &orefs, .window = window, .max_evidence = 5};
	int status = 0;
	for (size_t i = 0; i < n && status == 0; i++)
		status = conform_evaluate(&ctx, p, asns[i], &a, &r[i]) ? 1 : 0;
	if (status == 0)
		status = render(fmt, out, r, n);
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
	int opt;
	if (config_merge_args("compare", longopts, &argc, &argv) < 0)
		return 1;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (opt) {
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
			if ((window = conform_parse_duration(optarg)) <= 0) {
				fprintf(stderr,
				    "routemark: --window %s: expected a duration like 90d\n",
				    optarg);
				return 1;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			if (opt != '?' && refs_option(&refs, opt, optarg) == 1)
				break;
			usage(stderr);
			refs_free(&refs);
			return 1;
		}
	}
	if (strcmp(fmt, "text") && strcmp(fmt, "json") && strcmp(fmt, "html")) {
		fprintf(stderr, "routemark: --format %s: expected text, json or html\n", fmt);
		return 1;
	}
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
	FILE *out = stdout;
	int status = 1;
	if (outp && (out = fopen(outp, "w")) == NULL)
		fprintf(stderr, "routemark: %s: cannot write\n", outp);
	else {
		status = compare(db, profile, fmt, window, &refs, asns, n, out);
		if (out != stdout && fclose(out) != 0)
			status = 1;
	}
	free(asns);
	refs_free(&refs);
	return status;
}
