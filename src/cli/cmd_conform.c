/* routemark conform: an AS's conformance to a profile, or an IXP route server's RIB dump
 * checked route by route. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/conform_cli.h"
#include "cli/refs.h"

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark conform [options] ASN\n"
	    "       routemark conform --ixp --rs-dump FILE --members FILE [reference data]\n\n"
	    "Per control of a conformance profile: pass, fail, not-measurable or no-data, with\n"
	    "the evidence behind it (routes, VRPs, route objects, findings, incidents, filings,\n"
	    "dates) from the store's snapshots in the window, and the overall verdict.\n\n"
	    "options:\n"
	    "  --db FILE|URL       the store (default routemark.db; or postgresql://...)\n"
	    "  --profile NAME|FILE a shipped profile (default manrs-plus-draft) or a profile file\n"
	    "  --list-profiles     print the shipped profiles and exit\n"
	    "  --window DURATION   observation window (e.g. 90d, 12w), overriding the profile's\n"
	    "  --snapshot ID       the newest snapshot to consider (default: the store's newest)\n"
	    "  --format FMT        text (default), json (schema " CONFORM_SCHEMA "), html\n"
	    "  --max-evidence N    evidence items per control (default 20)\n"
	    "  -o, --output FILE   write there instead of standard output\n"
	    "  -h, --help          this help\n\n" CONFORM_SIGN_HELP "\n"
	    "IXP route-server mode:\n"
	    "  --ixp               check a route server's MRT dump instead of an AS\n"
	    "  --rs-dump FILE      the route server's MRT RIB (or update) dump\n"
	    "  --members FILE      members: one \"ASN [AS-SET]\" a line\n"
	    "  (with --vrps: RPKI-invalid routes; --irr: AS-SETs and route objects;\n"
	    "   --bogons: administrative bogons besides the built-in special-purpose "
	    "ones)\n\n" REFS_HELP
	    "  (AS mode: --vrps with ASPA objects and --asrel decide aspa.*, --peeringdb and\n"
	    "   --irr decide contact.*)\n\n"
	    "exit codes: 0 conformant (IXP mode: no violation); 3 not conformant (IXP mode:\n"
	    "violations); 4 undetermined: no required control fails but some lack data or a\n"
	    "valid filing; 1 usage, profile or store error; 2 malformed reference data under\n"
	    "--strict. See routemark-conform(1), docs/conform.md.\n");
}

int conform_cli_exit(enum conform_overall o)
{
	return o == CONFORM_CONFORMANT       ? 0
	       : o == CONFORM_NOT_CONFORMANT ? CONFORM_EXIT_NOT_CONFORMANT
	                                     : CONFORM_EXIT_UNDETERMINED;
}

int conform_cli_store(const char *db, int writable, struct store **out)
{
	if (writable || store_is_url(db) || access(db, W_OK) == 0) {
		if (store_open(db, 0, out) == 0)
			return 0;
		if (writable)
			return -1;
	}
	return store_open(db, 1, out);
}

struct conform_profile *conform_cli_profile(const char *name)
{
	struct conform_profile *p;
	char err[512];
	if (conform_profile_find(name, &p, err, sizeof(err)) != 0) {
		fprintf(stderr, "routemark: %s\n", err);
		return NULL;
	}
	return p;
}

struct conform_opts {
	const char *db, *profile, *fmt, *out, *rs_dump, *members;
	int64_t window, snapshot;
	long max_ev;
	int ixp, list, fmt_given;
	struct cli_refs refs;
	struct conform_sign_opts sign;
};

static int run_ixp(struct conform_opts *o, FILE *out)
{
	if (o->rs_dump == NULL || o->members == NULL) {
		fprintf(
		    stderr, "routemark: conform --ixp needs --rs-dump FILE and --members FILE\n");
		return 1;
	}
	struct ixp_member *m;
	size_t nm;
	char err[512];
	if (ixp_members_load(o->members, &m, &nm, err, sizeof(err)) != 0) {
		fprintf(stderr, "routemark: %s\n", err);
		return 1;
	}
	struct observe_refs orefs;
	int rc = refs_load(&o->refs, &orefs);
	if (rc != 0) {
		ixp_members_free(m, nm);
		return rc == -2 ? 2 : 1;
	}
	struct ixp_result r;
	int status = 1;
	if (ixp_check_dump(o->rs_dump, m, nm, &orefs, &r) == 0) {
		if (strcmp(o->fmt, "json") == 0)
			ixp_render_json(out, &r);
		else
			ixp_render_text(out, &r, (size_t)o->max_ev);
		status = r.bad_routes ? CONFORM_EXIT_NOT_CONFORMANT : 0;
	}
	ixp_result_free(&r);
	ixp_members_free(m, nm);
	return status;
}

int conform_cli_open(const char *profile, const char *db, struct cli_refs *refs,
    struct conform_profile **p, struct observe_refs *orefs, struct store **s)
{
	if ((*p = conform_cli_profile(profile)) == NULL)
		return 1;
	memset(orefs, 0, sizeof(*orefs));
	int rc = refs_load(refs, orefs);
	if (rc != 0 || conform_cli_store(db, 0, s) != 0) {
		conform_profile_free(*p);
		return rc == -2 ? 2 : 1;
	}
	return 0;
}

int conform_cli_window(const char *arg, int64_t *window)
{
	if ((*window = conform_parse_duration(arg)) <= 0) {
		fprintf(stderr, "routemark: --window %s: expected a duration like 90d\n", arg);
		return -1;
	}
	return 0;
}

void conform_cli_render(FILE *out, const char *fmt, const struct conform_result *r, size_t n)
{
	if (strcmp(fmt, "json") == 0)
		n ? conform_compare_json(out, r, n) : conform_render_json(out, r);
	else if (strcmp(fmt, "html") == 0)
		n ? conform_compare_html(out, r, n) : conform_render_html(out, r);
	else
		n ? conform_compare_text(out, r, n) : conform_render_text(out, r);
}

static int run_as(struct conform_opts *o, uint32_t asn, FILE *out)
{
	struct conform_profile *p;
	struct observe_refs orefs;
	struct store *s;
	int rc = conform_cli_open(o->profile, o->db, &o->refs, &p, &orefs, &s);
	if (rc != 0)
		return rc;
	struct arena a;
	arena_init(&a, 0);
	struct conform_ctx ctx = {.store = s,
	    .refs = &orefs,
	    .window = o->window,
	    .snapshot = o->snapshot,
	    .max_evidence = (size_t)o->max_ev};
	struct conform_result r;
	int status = 1;
	if (o->sign.key)
		status = conform_cli_sign(out, &o->sign, &ctx, p, asn, &o->refs);
	else if (conform_evaluate(&ctx, p, asn, &a, &r) == 0) {
		conform_cli_render(out, o->fmt, &r, 0);
		status = ferror(out) ? 1 : conform_cli_exit(r.overall);
	}
	arena_free(&a);
	store_close(s);
	conform_profile_free(p);
	return status;
}

static int parse_opt(struct conform_opts *o, int opt, const char *arg)
{
	char *end;
	switch (opt) {
	case 'd':
		o->db = arg;
		return 0;
	case 'p':
		o->profile = arg;
		return 0;
	case 'f':
		o->fmt = arg;
		o->fmt_given = 1;
		return 0;
	case 'o':
		o->out = arg;
		return 0;
	case 'x':
		o->ixp = 1;
		return 0;
	case 'r':
		o->rs_dump = arg;
		return 0;
	case 'm':
		o->members = arg;
		return 0;
	case 'L':
		o->list = 1;
		return 0;
	case 'S':
		o->refs.strict = 1;
		return 0;
	case 'w':
		return conform_cli_window(arg, &o->window);
	case 's':
		o->snapshot = strtoll(arg, &end, 10);
		if (*end || o->snapshot <= 0) {
			fprintf(stderr, "routemark: --snapshot %s: expected a snapshot id\n", arg);
			return -1;
		}
		return 0;
	case 'n':
		o->max_ev = strtol(arg, &end, 10);
		if (*end || o->max_ev < 0) {
			fprintf(stderr, "routemark: --max-evidence %s: expected a number\n", arg);
			return -1;
		}
		return 0;
	default: {
		int k = conform_sign_option(&o->sign, opt, arg);
		if (k != 0)
			return k > 0 ? 0 : -1;
		k = refs_option(&o->refs, opt, arg);
		if (k < 0)
			fprintf(stderr, "routemark: too many reference files\n");
		return k == 1 ? 0 : -1;
	}
	}
}

int cmd_conform(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"profile", required_argument, NULL, 'p'},
	    {"window", required_argument, NULL, 'w'},
	    {"snapshot", required_argument, NULL, 's'},
	    {"format", required_argument, NULL, 'f'},
	    {"max-evidence", required_argument, NULL, 'n'},
	    {"output", required_argument, NULL, 'o'},
	    {"ixp", no_argument, NULL, 'x'},
	    {"rs-dump", required_argument, NULL, 'r'},
	    {"members", required_argument, NULL, 'm'},
	    {"list-profiles", no_argument, NULL, 'L'},
	    {"strict", no_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},
	    REFS_LONG_OPTIONS,
	    CONFORM_SIGN_LONG_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	struct conform_opts o = {
	    .db = "routemark.db", .profile = "manrs-plus-draft", .fmt = "text", .max_ev = 20};
	int opt, rc;
	if (cli_opt_begin("conform", longopts, &argc, &argv) != 0)
		return 1;
	while ((opt = cli_getopt(argc, argv, "ho:", longopts, usage, &rc)) != -1) {
		if (opt == CLI_OPT_EXIT || parse_opt(&o, opt, optarg) != 0) {
			if (opt != CLI_OPT_EXIT)
				usage(stderr);
			refs_free(&o.refs);
			return opt == CLI_OPT_EXIT ? rc : 1;
		}
	}
	if (o.list) {
		char **names;
		size_t n = conform_profile_list(&names);
		for (size_t i = 0; i < n; i++) {
			printf("%s\n", names[i]);
			free(names[i]);
		}
		free(names);
		return 0;
	}
	if (cli_format(o.fmt, "text json html") < 0)
		return 1;
	if (o.sign.key && (o.ixp || (o.fmt_given && strcmp(o.fmt, "json") != 0))) {
		fprintf(stderr, "routemark: --sign signs the JSON report of an AS: not with %s\n",
		    o.ixp ? "--ixp" : "--format text or html");
		refs_free(&o.refs);
		return 1;
	}
	uint32_t asn = 0;
	if (!o.ixp && cli_one_asn("conform", argc, argv, &asn) != 0) {
		usage(stderr);
		return 1;
	}
	FILE *out = cli_output_open(o.out);
	if (out == NULL)
		return 1;
	int status = o.ixp ? run_ixp(&o, out) : run_as(&o, asn, out);
	status = cli_output_close(out, status);
	refs_free(&o.refs);
	return status;
}
