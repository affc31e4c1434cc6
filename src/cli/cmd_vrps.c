/* routemark vrps: summary of a VRP set (file or live RTR cache) and the difference of two. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/core.h"
#include "rpki/rpki.h"

/* Load a VRP table from a file or an RTR cache ("host:port") through the library's one VRP
 * loader; with aspa non-NULL the file's ASPAs too. Returns the built table, or NULL with *rc
 * set (1 input error, 2 malformed data under strict). */
struct vrp_table *cli_vrps_open(
    const char *file, const char *rtr, struct aspa_table **aspa, int strict, int timeout_s, int *rc)
{
	struct vrp_table *t;
	struct aspa_table *a;
	int r = vrp_source_load(file, rtr, strict, timeout_s, &t, &a);
	*rc = r == -2 ? 2 : 1;
	if (r != 0)
		return NULL;
	if (aspa != NULL)
		*aspa = a;
	else
		aspa_table_free(a);
	return t;
}

int cli_vrps_option(struct cli_vrps_opts *v, int opt, const char *arg)
{
	switch (opt) {
	case 'f':
		v->file = arg;
		return 1;
	case 'r':
		v->rtr = arg;
		return 1;
	case 's':
		v->strict = 1;
		return 1;
	case 't':
		v->timeout = atoi(arg);
		return 1;
	case 'F':
		if ((v->jsonl = cli_format(arg, "text jsonl json")) < 0)
			return -1;
		v->jsonl = v->jsonl > 0;
		return 1;
	}
	return 0;
}

int cli_vrps_ready(struct cli_vrps_opts *v)
{
	if (v->rtr != NULL)
		v->file = NULL;
	return (v->file == NULL) == (v->rtr == NULL) || v->timeout <= 0 ? -1 : 0;
}

struct vrp_table *cli_vrps_load(const struct cli_vrps_opts *v, struct aspa_table **aspa, int *rc)
{
	return cli_vrps_open(v->file, v->rtr, aspa, v->strict, v->timeout, rc);
}

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark vrps (--vrps FILE | --rtr HOST:PORT) [--diff OTHER] [options]\n\n"
	    "Summarise a VRP set, or show how OTHER differs from it.\n\n"
	    "  --vrps FILE        VRP file: rpki-client/Routinator/StayRTR JSON, CSV, or rcynic\n"
	    "                     text (format detected from the content; '-' is stdin)\n"
	    "  --rtr HOST:PORT    fetch the VRPs from an RTR cache (RFC 8210 / 6810)\n"
	    "  --diff OTHER       compare with another VRP file (or HOST:PORT with --diff-rtr)\n"
	    "  --diff-rtr         OTHER is an RTR cache\n"
	    "  --list             print every VRP (\"prefix maxLength AS\")\n"
	    "  --format FMT       text (default) or jsonl\n"
	    "  --strict           fail (exit 2) on the first malformed record\n"
	    "  --timeout SEC      RTR: wait this long for a full set (default 30)\n"
	    "  -h, --help         this help\n\n"
	    "exit: 0 ok (also when the sets differ), 1 usage or input error, 2 malformed data\n"
	    "under --strict\n");
}

struct summary {
	size_t total, v4, v6, asns, as0, maxlen_used;
};

static void summarise(const struct vrp_table *t, struct summary *s)
{
	size_t n = vrp_table_count(t);
	uint32_t *asn = xmalloc((n + 1) * sizeof(*asn));
	memset(s, 0, sizeof(*s));
	s->total = n;
	for (size_t i = 0; i < n; i++) {
		const struct vrp *v = vrp_table_get(t, i);
		v->p.afi == AFI_IPV4 ? s->v4++ : s->v6++;
		s->as0 += v->asn == 0;
		s->maxlen_used += v->maxlen > v->p.len;
		asn[i] = v->asn;
	}
	qsort(asn, n, sizeof(*asn), u32_cmp);
	for (size_t i = 0; i < n; i++)
		s->asns += i == 0 || asn[i] != asn[i - 1];
	free(asn);
}

static void print_summary(
    const char *name, const struct summary *s, const struct aspa_table *a, int jsonl)
{
	size_t na = a ? aspa_table_count(a) : 0;
	if (jsonl) {
		printf("{\"source\":");
		json_fputs(stdout, name); /* a path or HOST:PORT: escaped */
		printf(",\"vrps\":%zu,\"ipv4\":%zu,\"ipv6\":%zu,\"asns\":%zu,\"as0\":%zu,"
		       "\"maxlength_used\":%zu,\"aspas\":%zu}\n",
		    s->total, s->v4, s->v6, s->asns, s->as0, s->maxlen_used, na);
	} else
		printf("%s: %zu VRPs (%zu IPv4, %zu IPv6), %zu origin ASes, %zu AS0, "
		       "%zu with maxLength > length, %zu ASPAs\n",
		    name, s->total, s->v4, s->v6, s->asns, s->as0, s->maxlen_used, na);
}

static void print_vrp(char sign, const struct vrp *v, int jsonl)
{
	char buf[PREFIX_STRLEN];
	prefix_format(&v->p, buf, sizeof(buf));
	if (jsonl)
		printf("{\"change\":\"%s\",\"prefix\":\"%s\",\"maxLength\":%u,\"asn\":%u}\n",
		    sign == '+'   ? "added"
		    : sign == '-' ? "removed"
		                  : "present",
		    buf, v->maxlen, v->asn);
	else if (sign == ' ')
		printf("%s %u AS%u\n", buf, v->maxlen, v->asn);
	else
		printf("%c %s %u AS%u\n", sign, buf, v->maxlen, v->asn);
}

struct vdiff {
	int jsonl;
	size_t add, del;
};

static void on_change(const struct vrp *v, int added, void *arg)
{
	struct vdiff *d = arg;
	print_vrp(added ? '+' : '-', v, d->jsonl);
	added ? d->add++ : d->del++;
}

static void diff(const struct vrp_table *a, const struct vrp_table *b, int jsonl)
{
	struct vdiff d = {.jsonl = jsonl};
	vrp_table_diff(a, b, on_change, &d);
	size_t na = vrp_table_count(a);
	if (jsonl)
		printf("{\"added\":%zu,\"removed\":%zu,\"unchanged\":%zu}\n", d.add, d.del,
		    na - d.del);
	else
		printf("diff: %zu added, %zu removed, %zu unchanged\n", d.add, d.del, na - d.del);
}

int cmd_vrps(int argc, char **argv)
{
	static const struct option opts[] = {CLI_VRPS_LONG_OPTIONS,
	    {"diff", required_argument, NULL, 'd'}, {"diff-rtr", no_argument, NULL, 'D'},
	    {"list", no_argument, NULL, 'l'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct cli_vrps_opts v = {.timeout = 30};
	const char *other = NULL;
	int other_rtr = 0, list = 0, c, rc;
	if (cli_opt_begin("vrps", opts, &argc, &argv) != 0)
		return 1;
	while ((c = cli_getopt(argc, argv, "h", opts, usage, &rc)) != -1) {
		switch (c) {
		case CLI_OPT_EXIT:
			return rc;
		case 'd':
			other = optarg;
			break;
		case 'D':
			other_rtr = 1;
			break;
		case 'l':
			list = 1;
			break;
		default:
			if (cli_vrps_option(&v, c, optarg) < 0)
				return 1;
		}
	}
	if (cli_vrps_ready(&v) != 0 || optind != argc) {
		usage(stderr);
		return 1;
	}
	int jsonl = v.jsonl;
	struct aspa_table *aspa = NULL;
	struct vrp_table *t = cli_vrps_load(&v, &aspa, &rc);
	if (t == NULL)
		return rc;
	struct summary s;
	summarise(t, &s);
	int ret = 0;
	if (list)
		for (size_t i = 0; i < vrp_table_count(t); i++)
			print_vrp(' ', vrp_table_get(t, i), jsonl);
	print_summary(v.file ? v.file : v.rtr, &s, aspa, jsonl);
	if (other != NULL) {
		struct aspa_table *aspa2 = NULL;
		struct vrp_table *u = cli_vrps_open(other_rtr ? NULL : other,
		    other_rtr ? other : NULL, &aspa2, v.strict, v.timeout, &rc);
		if (u == NULL) {
			ret = rc;
		} else {
			summarise(u, &s);
			print_summary(other, &s, aspa2, jsonl);
			diff(t, u, jsonl);
			vrp_table_release(u);
			aspa_table_free(aspa2);
		}
	}
	vrp_table_release(t);
	aspa_table_free(aspa);
	return ret;
}
