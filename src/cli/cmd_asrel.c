/* routemark asrel: classify AS paths against CAIDA relationships (valley-free / RFC 7908),
 * and print customer cones. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/core.h"
#include "registry/registry.h"
#include "topo/topo.h"

struct asrel_opts {
	const char *file;
	const char *orgs;            /* --orgs: CAIDA as-org2info, siblings are no leak */
	const struct as2org *as2org; /* loaded */
	int jsonl, strict, members;
	int ncone;
	uint32_t cone[64];
};

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark asrel --asrel FILE [--format text|jsonl] [--strict] PATH...\n"
	    "       routemark asrel --asrel FILE --cone ASN [--members] [--format text|jsonl]\n\n"
	    "Classify AS paths with CAIDA AS relationships (serial-1 or serial-2; plain, .gz or\n"
	    ".bz2): the relationship of every hop and the valley-free verdict (RFC 7908 route\n"
	    "leak types 1-4) naming the AS that broke export policy. Each PATH is one argument\n"
	    "in AS_PATH order, collector side first (\"1299 3356 3\", sets as {1,2}); '-' reads\n"
	    "paths from standard input, one per line.\n\n"
	    "options:\n"
	    "  --asrel FILE          the relationship file (required)\n"
	    "  --cone ASN            print the size of ASN's customer cone (repeatable)\n"
	    "  --members             with --cone, also list the cone's ASNs\n"
	    "  --orgs FILE           CAIDA AS-to-organisation: ASes of one organisation are\n"
	    "                        siblings, and a route passing between them is no leak\n"
	    "  --format text|jsonl   output format (default text)\n"
	    "  --strict              exit 2 when the file had malformed lines\n"
	    "  -h, --help            this help\n\n"
	    "exit codes: 0 ok (leaks found or not), 1 usage or input error, 2 malformed data\n"
	    "under --strict.\n");
}

static int org_siblings(const void *ctx, uint32_t a, uint32_t b)
{
	return as2org_siblings(ctx, a, b);
}

static void print_hops_text(const struct valley_result *v)
{
	for (uint32_t i = 0; i < v->nhops && i < VALLEY_MAX_HOPS; i++) {
		const struct valley_hop *h = &v->hops[i];
		if (h->across_set)
			printf("  AS%u -> AS%u: across an AS_SET, not judged\n", h->from, h->to);
		else if (h->rel == TOPO_REL_NONE)
			printf("  AS%u -> AS%u: relationship unknown\n", h->from, h->to);
		else
			printf("  AS%u -> AS%u: AS%u is its %s\n", h->from, h->to, h->to,
			    topo_rel_name(h->rel));
	}
}

static void print_text(const char *path, const struct valley_result *v)
{
	printf("path: %s\n", path);
	print_hops_text(v);
	if (v->leak_index < 0)
		printf("verdict: valley-free%s\n",
		    v->unknown ? " as far as known (some hops unknown)" : "");
	else
		printf("verdict: leak by AS%u (position %d), %s: received from its %s, sent to "
		       "its %s\n",
		    v->leaker, v->leak_index, valley_leak_name(v->leak_type),
		    topo_rel_name(v->from_rel), topo_rel_name(v->to_rel));
	printf("unknown hops: %d%s%s", v->unknown, v->has_set ? ", has AS_SET (skipped)" : "",
	    v->loop ? ", ASN repeated (loop or poisoning)" : "");
	if (v->nleaks > 1)
		printf(", %d ASes broke export policy", v->nleaks);
	printf("\n");
}

static void print_jsonl(const char *path, const struct valley_result *v)
{
	printf("{\"path\":");
	json_fputs(stdout, path);
	printf(",\"hops\":[");
	for (uint32_t i = 0; i < v->nhops && i < VALLEY_MAX_HOPS; i++) {
		const struct valley_hop *h = &v->hops[i];
		printf("%s{\"from\":%u,\"to\":%u,\"rel\":\"%s\"%s}", i ? "," : "", h->from, h->to,
		    h->across_set ? "set" : topo_rel_name(h->rel),
		    h->across_set ? ",\"across_set\":true" : "");
	}
	printf("],\"leak\":");
	if (v->leak_index < 0)
		printf("null");
	else
		printf("{\"index\":%d,\"asn\":%u,\"type\":%d,\"from\":\"%s\",\"to\":\"%s\"}",
		    v->leak_index, v->leaker, v->leak_type, topo_rel_name(v->from_rel),
		    topo_rel_name(v->to_rel));
	printf(",\"nleaks\":%d,\"unknown\":%d,\"has_set\":%s,\"loop\":%s}\n", v->nleaks, v->unknown,
	    v->has_set ? "true" : "false", v->loop ? "true" : "false");
}

/* Returns 0, or 1 when the path does not parse. */
static int classify(
    const struct asrel *r, const struct asrel_opts *o, const char *path, const char *where)
{
	static struct valley_result v; /* large: not on the stack */
	struct aspath_buf b;
	aspath_buf_init(&b);
	if (aspath_parse(path, &b) != 0 ||
	    valley_check_sib(r, o->as2org ? org_siblings : NULL, o->as2org, b.w, b.n, &v) != 0) {
		fprintf(stderr, "routemark asrel: %s: not an AS path: '%s'\n", where, path);
		aspath_buf_free(&b);
		return 1;
	}
	aspath_buf_free(&b);
	if (o->jsonl)
		print_jsonl(path, &v);
	else
		print_text(path, &v);
	return 0;
}

static int print_cone(const struct asrel *r, const struct asrel_opts *o, uint32_t asn)
{
	uint32_t *m;
	size_t n;
	if (topo_cone(r, asn, &m, &n) != 0) {
		fprintf(stderr, "routemark asrel: AS%u is not in %s\n", asn, o->file);
		return 1;
	}
	uint32_t c, p, e;
	asrel_degree(r, asn, &c, &p, &e);
	if (o->jsonl) {
		printf("{\"asn\":%u,\"cone_size\":%zu,\"customers\":%u,\"providers\":%u,"
		       "\"peers\":%u",
		    asn, n, c, p, e);
		if (o->members) {
			printf(",\"members\":[");
			for (size_t i = 0; i < n; i++)
				printf("%s%u", i ? "," : "", m[i]);
			printf("]");
		}
		printf("}\n");
	} else {
		printf("AS%u: customer cone %zu ASes (%u customers, %u providers, %u peers)\n", asn,
		    n, c, p, e);
		for (size_t i = 0; o->members && i < n; i++)
			printf("  AS%u\n", m[i]);
	}
	free(m);
	return 0;
}

static const struct option longopts[] = {
    {"asrel", required_argument, NULL, 'a'},
    {"cone", required_argument, NULL, 'c'},
    {"members", no_argument, NULL, 'm'},
    {"orgs", required_argument, NULL, 'g'},
    CLI_QUERY_LONG_OPTIONS,
    {NULL, 0, NULL, 0},
};

/* Parse options; returns -1 to go on, else an exit code. */
static int parse_args(struct asrel_opts *o, int argc, char **argv)
{
	int ch, rc;
	while ((ch = cli_getopt(argc, argv, "h", longopts, usage, &rc)) != -1) {
		switch (ch) {
		case CLI_OPT_EXIT:
			return rc;
		case 'a':
			o->file = optarg;
			break;
		case 'c':
			if (o->ncone == 64 || asn_parse(optarg, &o->cone[o->ncone]) != 0) {
				fprintf(stderr, "routemark asrel: bad --cone '%s'\n", optarg);
				return 1;
			}
			o->ncone++;
			break;
		case 'm':
			o->members = 1;
			break;
		case 'g':
			o->orgs = optarg;
			break;
		default:
			if (cli_query_option(ch, optarg, &o->jsonl, &o->strict) < 0)
				return 1;
		}
	}
	if (o->file == NULL || (optind >= argc && o->ncone == 0)) {
		usage(stderr);
		return 1;
	}
	return -1;
}

struct stdin_run {
	const struct asrel *r;
	const struct asrel_opts *o;
};

static int classify_line(char *line, unsigned long lineno, void *arg)
{
	const struct stdin_run *x = arg;
	char where[32];
	snprintf(where, sizeof(where), "stdin:%lu", lineno);
	return classify(x->r, x->o, line, where);
}

int cmd_asrel(int argc, char **argv)
{
	struct asrel_opts o;
	memset(&o, 0, sizeof(o));
	if (cli_opt_begin("asrel", longopts, &argc, &argv) != 0)
		return 1;
	int rc = parse_args(&o, argc, argv);
	if (rc >= 0)
		return rc;
	struct asrel r;
	asrel_init(&r);
	if (asrel_load(&r, o.file) != 0) {
		asrel_free(&r);
		return 1;
	}
	log_info("%s: %llu links (%llu p2c, %llu p2p), %u ASes, %llu malformed lines", o.file,
	    (unsigned long long)r.st.links, (unsigned long long)r.st.p2c,
	    (unsigned long long)r.st.p2p, r.nas, (unsigned long long)r.st.malformed);
	struct as2org orgs;
	as2org_init(&orgs);
	if (o.orgs) {
		if (as2org_load(&orgs, o.orgs) != 0) {
			as2org_free(&orgs);
			asrel_free(&r);
			return 1;
		}
		o.as2org = &orgs;
	}
	rc = 0;
	for (int i = 0; i < o.ncone; i++)
		rc |= print_cone(&r, &o, o.cone[i]);
	struct stdin_run x = {&r, &o};
	for (int i = optind; i < argc; i++) {
		char where[32];
		snprintf(where, sizeof(where), "argument %d", i - optind + 1);
		rc |= strcmp(argv[i], "-") == 0 ? cli_each_line(stdin, "\r\n", classify_line, &x)
		                                : classify(&r, &o, argv[i], where);
	}
	if (rc == 0 && o.strict && r.st.malformed > 0) {
		fprintf(stderr, "routemark asrel: %s: %llu malformed lines\n", o.file,
		    (unsigned long long)r.st.malformed);
		rc = 2;
	}
	as2org_free(&orgs);
	asrel_free(&r);
	return rc;
}
