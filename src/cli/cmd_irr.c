/*
 * routemark irr — IRR data: route check, as-set expansion, filter prefixes, and an
 * IRRd-compatible whois server (for bgpq4 and friends) over RPSL dumps and NRTM streams.
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/core.h"
#include "irr/irr.h"
#include "serve/sandbox.h"

struct irr_cli {
	const char **irr, **nrtm;
	int nirr, nnrtm;
	const char *sources, *listen, *user, *group;
	struct privdrop drop;
	int jsonl, strict, aggregate, afi, depth;
	struct irr_db db;
	uint64_t srcmask;
};

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark irr check PREFIX ASN       --irr FILE... [options]\n"
	    "       routemark irr expand SET             --irr FILE... [options]\n"
	    "       routemark irr prefixes SET|ASN       --irr FILE... [--aggregate] [-4|-6]\n"
	    "       routemark irr serve --listen HOST:PORT --irr FILE... [--user NAME]\n\n"
	    "  check      is PREFIX registered for origin ASN? exact, covered (a less-specific\n"
	    "             route object with the same origin), other-origin, or absent, with the\n"
	    "             route objects that decided\n"
	    "  expand     the ASNs of an as-set (or route-set), recursively\n"
	    "  prefixes   the route objects' prefixes of an as-set, route-set or ASN (as bgpq4)\n"
	    "  serve      answer IRRd whois queries (!i !g !6 !a !j !s !r !m, -i origin ...)\n\n"
	    "options:\n"
	    "  --irr FILE         RPSL dump, plain or gzip; repeatable; sources keep load order\n"
	    "  --nrtm FILE        NRTM v1/v3 stream applied after loading; repeatable\n"
	    "  --sources A,B      use only these sources\n"
	    "  --format text|jsonl  output format (default text)\n"
	    "  --strict           exit 2 when any object or NRTM operation was malformed\n"
	    "  --depth N          set levels expanded, the root counting 1 (as bgpq4 -L; default "
	    "64)\n"
	    "  --aggregate        (prefixes) drop covered prefixes and merge siblings\n"
	    "  -4, -6             (prefixes) one address family only\n"
	    "  --listen HOST:PORT (serve) address to listen on, e.g. 127.0.0.1:4343\n"
	    "  --user NAME        (serve) the user to run as once listening: required as root,\n"
	    "                     which is otherwise refused; then no_new_privs and, where the\n"
	    "                     kernel has it, Landlock (no file access, no new connections)\n"
	    "  --group NAME       (serve) the group to run as (default the user's primary group)\n"
	    "  -h, --help         this help\n\n"
	    "exit codes: 0 ok (a check answer is data, not an error), 1 usage or input error\n"
	    "(unreadable file, unknown set), 2 malformed data under --strict.\n");
}

static void json_names(const char *key, const struct irr_name_list *l)
{
	printf(",\"%s\":[", key);
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			putchar(',');
		json_fputs(stdout, l->v[i]);
	}
	putchar(']');
}

/* Load dumps and NRTM streams. Returns 0, 1 (input error) or 2 (malformed, --strict). */
static int load(struct irr_cli *c)
{
	uint64_t malformed = 0;
	irr_db_init(&c->db);
	for (int i = 0; i < c->nirr; i++) {
		struct irr_load_stats st;
		if (irr_db_load(&c->db, c->irr[i], &st) != 0) {
			log_err("%s", st.err);
			return 1;
		}
		log_info("%s: %llu objects, %llu malformed, %llu of other classes", c->irr[i],
		    (unsigned long long)st.objects, (unsigned long long)st.malformed,
		    (unsigned long long)st.ignored);
		if (st.malformed)
			log_warn("%s: %llu malformed objects skipped (first: %s)", c->irr[i],
			    (unsigned long long)st.malformed, st.err);
		malformed += st.malformed;
	}
	for (int i = 0; i < c->nnrtm; i++) {
		struct nrtm_stats st;
		if (nrtm_apply_file(&c->db, c->nrtm[i], &st) != 0) {
			log_err("%s", st.err);
			return 1;
		}
		log_info("%s: NRTMv%d %s %llu-%llu: %llu added, %llu deleted, %llu missing",
		    c->nrtm[i], st.version, st.source, (unsigned long long)st.first,
		    (unsigned long long)st.last, (unsigned long long)st.adds,
		    (unsigned long long)st.dels, (unsigned long long)st.missing);
		if (st.errors)
			log_warn("%s: %llu bad operations skipped (first: %s)", c->nrtm[i],
			    (unsigned long long)st.errors, st.err);
		malformed += st.errors;
	}
	if (c->sources) {
		char *dup = xstrdup(c->sources), *save = NULL;
		for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			int s = irr_db_source_find(&c->db, t);
			if (s < 0) {
				log_err("--sources: no object was loaded from source %s", t);
				free(dup);
				return 1;
			}
			c->srcmask |= 1ULL << s;
		}
		free(dup);
	}
	if (malformed && c->strict) {
		log_err("%llu malformed objects or operations (--strict)",
		    (unsigned long long)malformed);
		return 2;
	}
	return 0;
}

static void print_route(const struct irr_db *db, const struct irr_route *r, int json)
{
	char pb[PREFIX_STRLEN];
	prefix_format(&r->prefix, pb, sizeof(pb));
	const char *file = r->file < db->nfiles ? db->files[r->file] : "?";
	if (!json) {
		printf("  %s %s origin AS%u source %s mnt-by %s (%s:%u)\n",
		    r->prefix.afi == AFI_IPV4 ? "route" : "route6", pb, r->origin,
		    db->sources[r->source], r->mnt_by ? r->mnt_by : "-", file, r->line);
		return;
	}
	printf("{\"prefix\":\"%s\",\"origin\":%u,\"source\":", pb, r->origin);
	json_fputs(stdout, db->sources[r->source]);
	printf(",\"mnt_by\":");
	json_fputs(stdout, r->mnt_by ? r->mnt_by : "");
	printf(",\"file\":");
	json_fputs(stdout, file);
	printf(",\"line\":%u}", r->line);
}

static int do_check(struct irr_cli *c, char **args, int nargs)
{
	struct prefix p;
	uint32_t asn;
	char pb[PREFIX_STRLEN], mb[PREFIX_STRLEN];
	if (nargs != 2) {
		log_err("irr check: want PREFIX ASN");
		return 1;
	}
	if (prefix_parse(args[0], &p) != 0) {
		log_err("irr check: bad prefix \"%s\"", args[0]);
		return 1;
	}
	if (asn_parse(args[1], &asn) != 0) {
		log_err("irr check: bad ASN \"%s\"", args[1]);
		return 1;
	}
	struct irr_check_result res;
	irr_check(&c->db, &p, asn, c->srcmask, &res);
	prefix_format(&p, pb, sizeof(pb));
	prefix_format(&res.matched, mb, sizeof(mb));
	if (c->jsonl) {
		printf("{\"prefix\":\"%s\",\"origin\":%u,\"verdict\":\"%s\",\"matched\":\"%s\","
		       "\"total\":%zu,\"objects\":[",
		    pb, asn, irr_verdict_name(res.verdict), res.verdict == IRR_ABSENT ? "" : mb,
		    res.total);
		for (size_t i = 0; i < res.nobj; i++) {
			if (i)
				putchar(',');
			print_route(&c->db, res.obj[i], 1);
		}
		printf("]}\n");
		return 0;
	}
	printf("%s AS%u %s", pb, asn, irr_verdict_name(res.verdict));
	if (res.verdict != IRR_ABSENT)
		printf(" (%zu object%s for %s)", res.total, res.total == 1 ? "" : "s", mb);
	putchar('\n');
	for (size_t i = 0; i < res.nobj; i++)
		print_route(&c->db, res.obj[i], 0);
	return 0;
}

static void report_expansion(const char *cmd, const struct irr_expansion *x)
{
	for (size_t i = 0; i < x->loops.n; i++)
		log_warn("irr %s: loop %s (not followed)", cmd, x->loops.v[i]);
	for (size_t i = 0; i < x->missing.n; i++)
		log_warn("irr %s: set %s has no object", cmd, x->missing.v[i]);
	for (size_t i = 0; i < x->cut.n; i++)
		log_warn("irr %s: set %s not expanded (depth limit)", cmd, x->cut.v[i]);
	for (size_t i = 0; i < x->bad.n; i++)
		log_warn("irr %s: member \"%s\" is neither ASN, set nor prefix", cmd, x->bad.v[i]);
}

static int do_expand(struct irr_cli *c, char **args, int nargs)
{
	char pb[PREFIX_STRLEN + 16];
	if (nargs != 1) {
		log_err("irr expand: want one AS-SET");
		return 1;
	}
	struct irr_expand_opts o = {c->depth, c->srcmask};
	struct irr_expansion x;
	if (irr_expand(&c->db, args[0], &o, &x) != 0) {
		log_err("irr expand: %s: no such as-set or route-set", args[0]);
		irr_expansion_free(&x);
		return 1;
	}
	report_expansion("expand", &x);
	if (c->jsonl) {
		printf("{\"set\":");
		json_fputs(stdout, args[0]);
		printf(",\"asns\":[");
		for (size_t i = 0; i < x.nasns; i++)
			printf("%s%u", i ? "," : "", x.asns[i]);
		printf("],\"prefixes\":[");
		for (size_t i = 0; i < x.npfx; i++)
			printf("%s\"%s\"", i ? "," : "", irr_pfx_format(&x.pfx[i], pb, sizeof(pb)));
		putchar(']');
		json_names("sets", &x.sets);
		json_names("missing", &x.missing);
		json_names("loops", &x.loops);
		json_names("depth_limited", &x.cut);
		json_names("bad_members", &x.bad);
		printf(",\"depth\":%d}\n", x.depth);
	} else {
		for (size_t i = 0; i < x.nasns; i++)
			printf("AS%u\n", x.asns[i]);
		for (size_t i = 0; i < x.npfx; i++)
			printf("%s\n", irr_pfx_format(&x.pfx[i], pb, sizeof(pb)));
	}
	irr_expansion_free(&x);
	return 0;
}

static int do_prefixes(struct irr_cli *c, char **args, int nargs)
{
	char pb[PREFIX_STRLEN + 16];
	uint32_t asn;
	if (nargs != 1) {
		log_err("irr prefixes: want one AS-SET, route-set or ASN");
		return 1;
	}
	struct irr_expand_opts o = {c->depth, c->srcmask};
	struct irr_expansion x;
	struct irr_pfx *v;
	size_t n;
	int rc = irr_prefixes(&c->db, args[0], c->afi, c->aggregate, &o, &v, &n, &x);
	if (rc != 0 && asn_parse(args[0], &asn) != 0) {
		log_err("irr prefixes: %s: no such as-set or route-set", args[0]);
		irr_expansion_free(&x);
		free(v);
		return 1;
	}
	report_expansion("prefixes", &x);
	for (size_t i = 0; i < n; i++) {
		irr_pfx_format(&v[i], pb, sizeof(pb));
		if (c->jsonl) {
			printf("{\"set\":");
			json_fputs(stdout, args[0]);
			printf(",\"prefix\":\"%s\"}\n", pb);
		} else {
			printf("%s\n", pb);
		}
	}
	irr_expansion_free(&x);
	free(v);
	return 0;
}

static int do_serve(struct irr_cli *c)
{
	struct whois_server srv;
	sigset_t set;
	if (c->listen == NULL) {
		log_err("irr serve: --listen HOST:PORT is required");
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0) {
		log_err("irr serve: signalfd: %m");
		return 1;
	}
	if (whois_server_listen(&srv, &c->db, c->listen) != 0) {
		close(sfd);
		return 1;
	}
	/* listening: the data is in memory, nothing more to open */
	if (privdrop_apply("irr serve", &c->drop) != 0 || sandbox_restrict("irr serve", NULL, 0)) {
		whois_server_close(&srv);
		close(sfd);
		return 1;
	}
	fprintf(stderr,
	    "routemark: irr serve: listening on %s (%zu route, %zu route6, %zu as-set, "
	    "%zu route-set objects)\n",
	    c->listen, c->db.count[RPSL_ROUTE], c->db.count[RPSL_ROUTE6], c->db.count[RPSL_AS_SET],
	    c->db.count[RPSL_ROUTE_SET]);
	int rc = whois_server_run(&srv, sfd);
	fprintf(stderr, "routemark: irr serve: stopping after %llu connections, %llu queries\n",
	    (unsigned long long)srv.connections, (unsigned long long)srv.queries);
	whois_server_close(&srv);
	close(sfd);
	return rc == 0 ? 0 : 1;
}

static void add_file(const char ***v, int *n, const char *f)
{
	*v = xreallocarray(*v, (size_t)*n + 1, sizeof(**v));
	(*v)[(*n)++] = f;
}

static const struct option longopts[] = {
    {"irr", required_argument, NULL, 'i'},
    {"nrtm", required_argument, NULL, 'n'},
    {"sources", required_argument, NULL, 's'},
    {"depth", required_argument, NULL, 'd'},
    {"aggregate", no_argument, NULL, 'A'},
    {"listen", required_argument, NULL, 'l'},
    {"user", required_argument, NULL, 'u'},
    {"group", required_argument, NULL, 'g'},
    CLI_QUERY_LONG_OPTIONS,
    {NULL, 0, NULL, 0},
};

/* Parse options; returns -1 to go on, else an exit code. */
static int parse_args(struct irr_cli *c, int argc, char **argv)
{
	int ch, rc;
	while ((ch = cli_getopt(argc, argv, "46h", longopts, usage, &rc)) != -1) {
		switch (ch) {
		case CLI_OPT_EXIT:
			return rc;
		case 'i':
			add_file(&c->irr, &c->nirr, optarg);
			break;
		case 'n':
			add_file(&c->nrtm, &c->nnrtm, optarg);
			break;
		case 's':
			c->sources = optarg;
			break;
		case 'd':
			c->depth = atoi(optarg);
			if (c->depth < 1) {
				log_err("irr: --depth wants a number >= 1");
				return 1;
			}
			break;
		case 'A':
			c->aggregate = 1;
			break;
		case 'l':
			c->listen = optarg;
			break;
		case 'u':
			c->user = optarg;
			break;
		case 'g':
			c->group = optarg;
			break;
		case '4':
			c->afi = AFI_IPV4;
			break;
		case '6':
			c->afi = AFI_IPV6;
			break;
		default:
			if (cli_query_option(ch, optarg, &c->jsonl, &c->strict) < 0)
				return 1;
		}
	}
	return -1;
}

int cmd_irr(int argc, char **argv)
{
	struct irr_cli c;
	memset(&c, 0, sizeof(c));
	if (cli_opt_begin("irr", longopts, &argc, &argv) != 0)
		return 1;
	int rc = parse_args(&c, argc, argv);
	if (rc >= 0)
		goto out;
	rc = 1;
	if (optind >= argc) {
		usage(stderr);
		goto out;
	}
	const char *sub = argv[optind];
	char **args = argv + optind + 1;
	int nargs = argc - optind - 1;
	if (strcmp(sub, "check") && strcmp(sub, "expand") && strcmp(sub, "prefixes") &&
	    strcmp(sub, "serve")) {
		log_err("irr: unknown subcommand \"%s\"", sub);
		usage(stderr);
		goto out;
	}
	/* refused as root without --user before the (long) load, not after */
	if (strcmp(sub, "serve") == 0 &&
	    privdrop_prepare("irr serve", c.user, c.group, &c.drop) != 0)
		goto out;
	if (c.nirr == 0) {
		log_err("irr %s: no IRR data: give --irr FILE (or irr = FILE in the config)", sub);
		goto out;
	}
	rc = load(&c);
	if (rc == 0) {
		if (strcmp(sub, "check") == 0)
			rc = do_check(&c, args, nargs);
		else if (strcmp(sub, "expand") == 0)
			rc = do_expand(&c, args, nargs);
		else if (strcmp(sub, "prefixes") == 0)
			rc = do_prefixes(&c, args, nargs);
		else
			rc = do_serve(&c);
	}
	irr_db_free(&c.db);
out:
	free(c.irr);
	free(c.nrtm);
	return rc;
}
