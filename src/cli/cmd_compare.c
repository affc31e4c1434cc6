/* routemark compare: providers side by side, ranked, control by control, on one profile (a
 * procurement comparison in text, JSON, CSV or printable HTML), optionally gating on their
 * conformance to a profile (--require). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/conform_cli.h"
#include "cli/refs.h"

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark compare [options] ASN ASN...\n\n"
	    "The conformance verdicts of several ASes on one profile, ranked, control by control,\n"
	    "with the overall verdict, links to the evidence and the dates of the data: a\n"
	    "procurement comparison. Ranking: " CONFORM_RANKING_RULE ".\n\n"
	    "options:\n"
	    "  --db FILE|URL       the store (default routemark.db; or postgresql://...)\n"
	    "  --profile NAME|FILE the profile (default manrs-plus-draft, or --require's)\n"
	    "  --require NAME|FILE exit 0 only when every AS conforms to this profile (see "
	    "below)\n"
	    "  --window DURATION   observation window, overriding the profile's\n"
	    "  --format FMT        text (default), json (schema " CONFORM_PROCURE_SCHEMA "),\n"
	    "                      csv (one row per AS and control), html (printable page)\n"
	    "  --base-url URL      the routemark server the evidence links point to (default:\n"
	    "                      relative links /as/ASN/conformance?profile=P#control-ID)\n"
	    "  -o, --output FILE   write there instead of standard output\n"
	    "  -h, --help          this help\n\n" REFS_HELP
	    "\nexit codes: 0 shown (with --require: every AS conformant); 3 with --require: an AS\n"
	    "is not conformant; 4 with --require: none fails but some are undetermined (not\n"
	    "enough data or filings); the ASes that are not conformant are named on stderr; 1\n"
	    "usage, profile or store error; 2 malformed reference data under --strict. See\n"
	    "routemark-compare(1).\n");
}

struct compare_opts {
	const char *db, *profile, *require, *fmt, *base_url;
	int64_t window;
	struct cli_refs refs;
};

static int evaluate_all(struct conform_ctx *ctx, const struct conform_profile *p,
    const uint32_t *asns, size_t n, struct arena *a, struct conform_result *r)
{
	for (size_t i = 0; i < n; i++)
		if (conform_evaluate(ctx, p, asns[i], a, &r[i]) != 0)
			return -1;
	return 0;
}

/* The required controls of r with verdict v (or, v < 0, not passing), as "A, B". */
static void required_ids(const struct conform_result *r, int v, char *buf, size_t size)
{
	buf[0] = '\0';
	for (size_t i = 0; i < r->n; i++) {
		const struct conform_control_result *c = &r->c[i];
		if (c->control->severity != CONFORM_REQUIRED ||
		    (v >= 0 ? (int)c->verdict != v : c->verdict == CONFORM_PASS))
			continue;
		size_t len = strlen(buf);
		snprintf(buf + len, size - len, "%s%s", len ? ", " : "", c->control->id);
	}
}

/* --require: 0 all conformant, 3 one is not, 4 none fails but some are undetermined. */
static int gate(const struct conform_result *r, size_t n, const char *name)
{
	int any_not = 0, any_undet = 0;
	char ids[1024];
	for (size_t i = 0; i < n; i++) {
		if (r[i].overall == CONFORM_NOT_CONFORMANT) {
			any_not = 1;
			required_ids(&r[i], CONFORM_FAIL, ids, sizeof(ids));
			fprintf(stderr,
			    "routemark: compare: AS%" PRIu32 " is not conformant to %s (failing: "
			    "%s)\n",
			    r[i].asn, name, ids);
		} else if (r[i].overall == CONFORM_UNDETERMINED) {
			any_undet = 1;
			required_ids(&r[i], -1, ids, sizeof(ids));
			fprintf(stderr,
			    "routemark: compare: AS%" PRIu32 " is undetermined on %s (not decided: "
			    "%s)\n",
			    r[i].asn, name, ids);
		}
	}
	return any_not ? CONFORM_EXIT_NOT_CONFORMANT : any_undet ? CONFORM_EXIT_UNDETERMINED : 0;
}

static void render(
    FILE *out, const struct compare_opts *o, const struct conform_result *r, size_t n)
{
	if (strcmp(o->fmt, "json") == 0)
		conform_procure_json(out, r, n, o->base_url);
	else if (strcmp(o->fmt, "csv") == 0)
		conform_procure_csv(out, r, n, o->base_url);
	else if (strcmp(o->fmt, "html") == 0)
		conform_procure_html(out, r, n, o->base_url);
	else {
		/* side by side in the ranking's order */
		size_t *order = xcalloc(n, sizeof(*order));
		struct conform_result *ranked = xcalloc(n, sizeof(*ranked));
		conform_rank(r, n, order);
		for (size_t i = 0; i < n; i++)
			ranked[i] = r[order[i]];
		conform_compare_text(out, ranked, n);
		fprintf(out, "ranked: %s\n", CONFORM_RANKING_RULE);
		free(ranked);
		free(order);
	}
}

static int compare(struct compare_opts *o, uint32_t *asns, size_t n, FILE *out)
{
	struct conform_profile *p, *req = NULL;
	struct observe_refs orefs;
	struct store *s;
	int rc = conform_cli_open(o->profile, o->db, &o->refs, &p, &orefs, &s);
	if (rc != 0)
		return rc;
	if (o->require && strcmp(o->require, o->profile) != 0 &&
	    (req = conform_cli_profile(o->require)) == NULL) {
		store_close(s);
		conform_profile_free(p);
		return 1;
	}
	struct arena a;
	arena_init(&a, 0);
	struct conform_result *r = xcalloc(n, sizeof(*r)), *rq = r;
	/* one evaluation time for every AS: the filings counted and the generated time agree */
	struct conform_ctx ctx = {.store = s,
	    .refs = &orefs,
	    .window = o->window,
	    .max_evidence = 5,
	    .now = (int64_t)time(NULL)};
	int status = evaluate_all(&ctx, p, asns, n, &a, r) ? 1 : 0;
	if (status == 0 && req) {
		rq = xcalloc(n, sizeof(*rq));
		status = evaluate_all(&ctx, req, asns, n, &a, rq) ? 1 : 0;
	}
	if (status == 0) {
		render(out, o, r, n);
		if (o->require)
			status = gate(rq, n, (req ? req : p)->name);
	}
	if (rq != r)
		free(rq);
	free(r);
	arena_free(&a);
	store_close(s);
	conform_profile_free(req);
	conform_profile_free(p);
	return status;
}

int cmd_compare(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"profile", required_argument, NULL, 'p'},
	    {"require", required_argument, NULL, 'R'},
	    {"window", required_argument, NULL, 'w'},
	    {"format", required_argument, NULL, 'f'},
	    {"base-url", required_argument, NULL, 'B'},
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    REFS_LONG_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	struct compare_opts o = {.db = "routemark.db", .fmt = "text", .base_url = ""};
	const char *outp = NULL;
	int opt, rc;
	if (cli_opt_begin("compare", longopts, &argc, &argv) != 0)
		return 1;
	while ((opt = cli_getopt(argc, argv, "ho:", longopts, usage, &rc)) != -1) {
		switch (opt) {
		case CLI_OPT_EXIT:
			refs_free(&o.refs);
			return rc;
		case 'd':
			o.db = optarg;
			break;
		case 'p':
			o.profile = optarg;
			break;
		case 'R':
			o.require = optarg;
			break;
		case 'f':
			o.fmt = optarg;
			break;
		case 'B':
			o.base_url = optarg;
			break;
		case 'o':
			outp = optarg;
			break;
		case 'w':
			if (conform_cli_window(optarg, &o.window) != 0) {
				refs_free(&o.refs);
				return 1;
			}
			break;
		default:
			if (refs_option(&o.refs, opt, optarg) == 1)
				break;
			usage(stderr);
			refs_free(&o.refs);
			return 1;
		}
	}
	if (o.profile == NULL)
		o.profile = o.require ? o.require : "manrs-plus-draft";
	size_t n = (size_t)(argc - optind);
	if (cli_format(o.fmt, "text json csv html") < 0 || n == 0) {
		if (n == 0) {
			fprintf(stderr, "routemark: compare: which ASes?\n");
			usage(stderr);
		}
		refs_free(&o.refs);
		return 1;
	}
	uint32_t *asns = xcalloc(n, sizeof(*asns));
	for (size_t i = 0; i < n; i++)
		if (asn_parse(argv[optind + (int)i], &asns[i]) != 0) {
			fprintf(stderr, "routemark: compare: '%s' is not an AS number\n",
			    argv[optind + (int)i]);
			free(asns);
			refs_free(&o.refs);
			return 1;
		}
	FILE *out = cli_output_open(outp);
	int status = 1;
	if (out != NULL)
		status = cli_output_close(out, compare(&o, asns, n, out));
	free(asns);
	refs_free(&o.refs);
	return status;
}
