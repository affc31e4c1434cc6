/* routemark bogon: classify prefixes and ASNs as full bogons (IANA special-purpose
 * registries, built in), administrative bogons (loaded lists, IANA registries, delegation
 * statistics) or not bogons, with the registry row or file line that decided. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/core.h"
#include "registry/registry.h"

struct bogon_opts {
	const char *bogons[16];
	int nbogons;
	const char *deleg;
	int jsonl, strict;
};

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark bogon [--bogons FILE]... [--delegated FILE] [--format text|jsonl]\n"
	    "                       [--strict] PREFIX|ASN...\n\n"
	    "Classify each prefix or ASN as a full bogon (IANA special-purpose registries,\n"
	    "RFC 6890 and successors, and the RFC ASN ranges; built in), an administrative\n"
	    "bogon (space or ASNs not allocated: Team Cymru (full)bogons lists, IANA\n"
	    "address-space XML, NRO delegated-extended statistics), or not a bogon. Prefixes\n"
	    "match \"or longer\". '-' reads queries from standard input, one per line.\n\n"
	    "options:\n"
	    "  --bogons FILE         a Team Cymru list (plain or .gz) or IANA address-space XML\n"
	    "                        (repeatable)\n"
	    "  --delegated FILE      NRO/RIR delegated(-extended) statistics: undelegated space\n"
	    "                        and ASNs are administrative bogons; shows RIR and country\n"
	    "  --format text|jsonl   output format (default text)\n"
	    "  --strict              exit 2 when a data file had malformed lines\n"
	    "  -h, --help            this help\n\n"
	    "exit codes: 0 ok (bogon or not), 1 usage or input error, 2 malformed data under\n"
	    "--strict.\n");
}

static void json_kv(const char *k, const char *v, int comma)
{
	printf("%s\"%s\":", comma ? "," : "", k);
	if (v)
		json_fputs(stdout, v);
	else
		printf("null");
}

static void deleg_json(const struct deleg_entry *e)
{
	if (e == NULL)
		return;
	printf(",\"delegation\":{\"rir\":\"%s\",\"cc\":", deleg_rir_name(e->rir));
	json_fputs(stdout, e->cc);
	printf(",\"status\":\"%s\",\"date\":%u}", deleg_status_name(e->status), e->date);
}

static void deleg_text(const struct deleg_entry *e)
{
	if (e)
		printf(" [%s %s %s %u]", deleg_rir_name(e->rir), e->cc[0] ? e->cc : "-",
		    deleg_status_name(e->status), e->date);
}

static void show_prefix(const struct bogon_opts *o, const char *q, const struct bogon_verdict *v)
{
	char m[PREFIX_STRLEN] = "";
	if (v->match.afi)
		prefix_format(&v->match, m, sizeof(m));
	const struct bogon_row *row = v->row;
	if (o->jsonl) {
		printf("{\"type\":\"prefix\",\"query\":");
		json_fputs(stdout, q);
		printf(",\"verdict\":\"%s\"", bogon_kind_name(v->kind));
		json_kv("match", v->match.afi ? m : NULL, 1);
		if (row) {
			printf(",\"row\":{");
			json_kv("prefix", row->prefix, 0);
			json_kv("name", row->name, 1);
			json_kv("rfc", row->rfc, 1);
			json_kv("registry", row->registry, 1);
			printf(",\"bogon\":%s}", row->bogon ? "true" : "false");
		}
		json_kv("source", v->source, 1);
		json_kv("reason", v->what, 1);
		if (v->line)
			printf(",\"line\":%u", v->line);
		printf(",\"covers_bogon\":%s", v->covers_bogon ? "true" : "false");
		deleg_json(v->deleg);
		printf("}\n");
		return;
	}
	printf("%s: %s", q, v->kind == BOGON_NOT ? "not bogon" : bogon_kind_name(v->kind));
	if (v->kind == BOGON_FULL)
		printf(" bogon: %s %s (%s, %s)", row->prefix, row->name, row->rfc, row->registry);
	else if (v->kind == BOGON_ADMIN)
		printf(" bogon: %s%s%s (%s", m, m[0] ? " " : "", v->what, v->source);
	if (v->kind == BOGON_ADMIN && v->line)
		printf(" line %u", v->line);
	if (v->kind == BOGON_ADMIN)
		printf(")");
	if (v->kind == BOGON_NOT && row)
		printf(" (inside %s %s, %s: globally reachable)", row->prefix, row->name, row->rfc);
	if (v->covers_bogon)
		printf(" (covers a full-bogon block)");
	deleg_text(v->deleg);
	printf("\n");
}

static void show_asn(
    const struct bogon_opts *o, const char *q, uint32_t asn, const struct bogon_asn_verdict *v)
{
	const struct bogon_asn_range *r = v->range;
	if (o->jsonl) {
		printf("{\"type\":\"asn\",\"query\":");
		json_fputs(stdout, q);
		printf(",\"asn\":%u,\"verdict\":\"%s\"", asn, bogon_kind_name(v->kind));
		if (r)
			printf(
			    ",\"range\":{\"first\":%u,\"last\":%u,\"name\":\"%s\",\"rfc\":\"%s\"}",
			    r->lo, r->hi, r->name, r->rfc);
		json_kv("reason", v->what, 1);
		deleg_json(v->deleg);
		printf("}\n");
		return;
	}
	printf("AS%u: %s", asn, v->kind == BOGON_NOT ? "not bogon" : bogon_kind_name(v->kind));
	if (r)
		printf(" bogon: AS%u-AS%u %s (%s)", r->lo, r->hi, r->name, r->rfc);
	else if (v->kind == BOGON_ADMIN)
		printf(" bogon: %s (delegated)", v->what);
	deleg_text(v->deleg);
	printf("\n");
}

/* One query; returns 1 when it is neither a prefix nor an ASN. */
static int query(const struct bogon_db *db, const struct bogon_opts *o, const char *q)
{
	struct prefix p;
	uint32_t asn;
	if (strchr(q, '.') || strchr(q, ':')) {
		if (prefix_parse(q, &p) != 0 && prefix_parse_loose(q, &p) != 0) {
			fprintf(stderr, "routemark bogon: '%s' is not a prefix\n", q);
			return 1;
		}
		struct bogon_verdict v;
		bogon_check_prefix(db, &p, &v);
		show_prefix(o, q, &v);
		return 0;
	}
	if (asn_parse(q, &asn) != 0) {
		fprintf(stderr, "routemark bogon: '%s' is neither a prefix nor an ASN\n", q);
		return 1;
	}
	struct bogon_asn_verdict v;
	bogon_check_asn(db, asn, &v);
	show_asn(o, q, asn, &v);
	return 0;
}

static const struct option longopts[] = {
    {"bogons", required_argument, NULL, 'b'},
    {"delegated", required_argument, NULL, 'd'},
    CLI_QUERY_LONG_OPTIONS,
    {NULL, 0, NULL, 0},
};

/* Parse options; returns -1 to go on, else an exit code. */
static int parse_args(struct bogon_opts *o, int argc, char **argv)
{
	int ch, rc;
	while ((ch = cli_getopt(argc, argv, "h", longopts, usage, &rc)) != -1) {
		switch (ch) {
		case CLI_OPT_EXIT:
			return rc;
		case 'b':
			if (o->nbogons == 16) {
				fprintf(stderr, "routemark bogon: at most 16 --bogons files\n");
				return 1;
			}
			o->bogons[o->nbogons++] = optarg;
			break;
		case 'd':
			o->deleg = optarg;
			break;
		default:
			if (cli_query_option(ch, optarg, &o->jsonl, &o->strict) < 0)
				return 1;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}
	return -1;
}

struct stdin_run {
	const struct bogon_db *db;
	const struct bogon_opts *o;
};

static int query_line(char *line, unsigned long lineno, void *arg)
{
	const struct stdin_run *x = arg;
	return query(x->db, x->o, line);
}

/* Load the data files; returns 0, 1 (unreadable) or 2 (malformed under --strict). */
static int load(struct bogon_db *db, struct delegated *d, const struct bogon_opts *o)
{
	uint64_t malformed = 0;
	for (int i = 0; i < o->nbogons; i++) {
		if (bogon_load(db, o->bogons[i]) != 0)
			return 1;
		malformed += db->files[db->nfiles - 1].malformed;
	}
	if (o->deleg) {
		if (delegated_load(d, o->deleg) != 0)
			return 1;
		malformed += d->st.malformed;
		bogon_db_set_delegated(db, d);
	}
	if (malformed && o->strict) {
		fprintf(stderr, "routemark bogon: %llu malformed lines in the data files\n",
		    (unsigned long long)malformed);
		return 2;
	}
	return 0;
}

int cmd_bogon(int argc, char **argv)
{
	struct bogon_opts o;
	memset(&o, 0, sizeof(o));
	if (cli_opt_begin("bogon", longopts, &argc, &argv) != 0)
		return 1;
	int rc = parse_args(&o, argc, argv);
	if (rc >= 0)
		return rc;
	struct bogon_db db;
	struct delegated d;
	bogon_db_init(&db);
	delegated_init(&d);
	rc = load(&db, &d, &o);
	struct stdin_run x = {&db, &o};
	for (int i = optind; rc == 0 && i < argc; i++)
		rc |= strcmp(argv[i], "-") == 0 ? cli_each_line(stdin, "\r\n ", query_line, &x)
		                                : query(&db, &o, argv[i]);
	bogon_db_free(&db);
	delegated_free(&d);
	return rc;
}
