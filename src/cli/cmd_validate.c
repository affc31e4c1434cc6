/* routemark validate: Route Origin Validation (RFC 6811) of one route, or of every
 * "PREFIX ASN" / "PREFIX AS-PATH" line of a file or stdin, with the covering VRPs. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/core.h"
#include "rpki/rpki.h"

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark validate (--vrps FILE | --rtr HOST:PORT) [options] PREFIX "
	    "ASN|AS-PATH\n"
	    "       routemark validate (--vrps FILE | --rtr HOST:PORT) [options] - | --input "
	    "FILE\n\n"
	    "Validate the origin of routes against VRPs (RFC 6811): valid, invalid (invalid-asn:\n"
	    "no covering VRP has the origin AS; invalid-length: one has, but the route is longer\n"
	    "than its maxLength; no-origin: the AS path ends in an AS_SET) or not-found, with the\n"
	    "VRPs that cover the route. An AS path's origin is its last AS; AS0 VRPs never make a\n"
	    "route valid. With '-' (or --input), each line is \"PREFIX ASN\" or \"PREFIX "
	    "AS-PATH\"\n"
	    "(e.g. \"192.0.2.0/24 64500 64501 {64502,64503}\"); '#' lines are skipped.\n\n"
	    "  --vrps FILE        VRP file (JSON, CSV or rcynic text, detected from the content)\n"
	    "  --rtr HOST:PORT    fetch the VRPs from an RTR cache (RFC 8210 / 6810)\n"
	    "  --input FILE       read routes from FILE ('-' = stdin)\n"
	    "  --format FMT       text (default) or jsonl\n"
	    "  --strict           exit 2 on the first malformed VRP record or input line\n"
	    "  --timeout SEC      RTR: wait this long for a full set (default 30)\n"
	    "  -h, --help         this help\n\n"
	    "text output: PREFIX ORIGIN STATE [REASON] [covering: PREFIX-MAXLEN ASN, ...]\n"
	    "exit: 0 ok, 1 usage or input error, 2 malformed data under --strict\n");
}

static void print_result(
    FILE *out, const struct prefix *p, uint32_t origin, const struct rov_result *r, int jsonl)
{
	char buf[PREFIX_STRLEN], cb[PREFIX_STRLEN];
	prefix_format(p, buf, sizeof(buf));
	uint32_t kept = r->ncovering < ROV_MAX_COVERING ? r->ncovering : ROV_MAX_COVERING;
	if (jsonl) {
		fprintf(out, "{\"prefix\":\"%s\",", buf);
		if (origin == ROV_NO_ORIGIN)
			fprintf(out, "\"origin\":null,");
		else
			fprintf(out, "\"origin\":%u,", origin);
		fprintf(out, "\"state\":\"%s\"", rov_state_name(r->state));
		if (r->reason != ROV_REASON_NONE)
			fprintf(out, ",\"reason\":\"%s\"", rov_reason_name(r->reason));
		fprintf(out, ",\"covering\":[");
		for (uint32_t i = 0; i < kept; i++) {
			const struct vrp *v = &r->covering[i];
			fprintf(out, "%s{\"prefix\":\"%s\",\"maxLength\":%u,\"asn\":%u}",
			    i ? "," : "", prefix_format(&v->p, cb, sizeof(cb)), v->maxlen, v->asn);
		}
		fprintf(out, "],\"covering_total\":%u}\n", r->ncovering);
		return;
	}
	if (origin == ROV_NO_ORIGIN)
		fprintf(out, "%s - %s", buf, rov_state_name(r->state));
	else
		fprintf(out, "%s AS%u %s", buf, origin, rov_state_name(r->state));
	if (r->reason != ROV_REASON_NONE)
		fprintf(out, " %s", rov_reason_name(r->reason));
	for (uint32_t i = 0; i < kept; i++) {
		const struct vrp *v = &r->covering[i];
		fprintf(out, "%s%s-%u AS%u",
		    i ? ", " : " covering: ", prefix_format(&v->p, cb, sizeof(cb)), v->maxlen,
		    v->asn);
	}
	if (r->ncovering > kept)
		fprintf(out, ", ... (%u in all)", r->ncovering);
	fputc('\n', out);
}

/* Parse "ASN" or an AS path text into the route's origin. Returns -1 on bad syntax. */
static int parse_origin(char *s, struct aspath_buf *b, uint32_t *origin)
{
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0')
		return -1;
	if (strpbrk(s, " \t{([") == NULL) {
		if (asn_parse(s, origin) < 0)
			return -1;
		return 0;
	}
	aspath_buf_reset(b);
	if (aspath_parse(s, b) < 0)
		return -1;
	if (aspath_words_origin(b->w, b->n, origin) < 0)
		*origin = ROV_NO_ORIGIN;
	return 0;
}

/* Validate "PREFIX ORIGIN-OR-PATH" in line. Returns 0, or -1 when the line is malformed. */
static int validate_line(
    const struct vrp_table *t, char *line, struct aspath_buf *b, FILE *out, int jsonl)
{
	char *s = line;
	while (*s == ' ' || *s == '\t')
		s++;
	char *sp = strpbrk(s, " \t");
	if (sp == NULL)
		return -1;
	*sp = '\0';
	struct prefix p;
	uint32_t origin;
	if (prefix_parse_loose(s, &p) < 0 || parse_origin(sp + 1, b, &origin) < 0)
		return -1;
	struct rov_result r;
	rov_validate(t, &p, origin, &r);
	print_result(out, &p, origin, &r, jsonl);
	return 0;
}

struct batch {
	const struct vrp_table *t;
	const char *name;
	struct aspath_buf b;
	int jsonl, strict;
	size_t bad;
};

static int batch_line(char *line, unsigned long lineno, void *arg)
{
	struct batch *x = arg;
	if (validate_line(x->t, line, &x->b, stdout, x->jsonl) == 0)
		return 0;
	if (++x->bad <= 20 || x->strict)
		log_warn("%s:%lu: expected 'PREFIX ASN' or 'PREFIX AS-PATH'", x->name, lineno);
	return x->strict ? -2 : 0;
}

static int batch(const struct vrp_table *t, const char *input, int jsonl, int strict)
{
	FILE *in = strcmp(input, "-") == 0 ? stdin : fopen(input, "r");
	if (in == NULL) {
		perror(input);
		return 1;
	}
	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	struct batch x = {.t = t,
	    .name = strcmp(input, "-") == 0 ? "stdin" : input,
	    .jsonl = jsonl,
	    .strict = strict};
	aspath_buf_init(&x.b);
	int rc = cli_each_line(in, "\r\n", batch_line, &x);
	if (x.bad > 0 && !strict)
		log_warn("%zu malformed input lines skipped", x.bad);
	aspath_buf_free(&x.b);
	if (in != stdin)
		fclose(in);
	fflush(stdout);
	return rc;
}

int cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {CLI_VRPS_LONG_OPTIONS,
	    {"input", required_argument, NULL, 'i'}, {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	struct cli_vrps_opts v = {.timeout = 30};
	const char *input = NULL;
	int c, rc;
	if (cli_opt_begin("validate", opts, &argc, &argv) != 0)
		return 1;
	while ((c = cli_getopt(argc, argv, "+h", opts, usage, &rc)) != -1) {
		switch (c) {
		case CLI_OPT_EXIT:
			return rc;
		case 'i':
			input = optarg;
			break;
		default:
			if (cli_vrps_option(&v, c, optarg) < 0)
				return 1;
		}
	}
	int nargs = argc - optind;
	if (input == NULL && nargs == 1 && strcmp(argv[optind], "-") == 0)
		input = "-", nargs = 0;
	if (cli_vrps_ready(&v) != 0 || (input != NULL ? nargs != 0 : nargs < 2)) {
		usage(stderr);
		return 1;
	}
	/* check the route before loading anything */
	struct prefix p;
	if (input == NULL && prefix_parse_loose(argv[optind], &p) < 0) {
		fprintf(stderr, "routemark validate: bad prefix '%s'\n", argv[optind]);
		return 1;
	}
	struct vrp_table *t = cli_vrps_load(&v, NULL, &rc);
	if (t == NULL)
		return rc;
	if (input != NULL) {
		rc = batch(t, input, v.jsonl, v.strict);
	} else {
		struct aspath_buf b;
		uint32_t origin;
		char *origin_text = cli_join_args(argc, argv, optind + 1);
		aspath_buf_init(&b);
		if (parse_origin(origin_text, &b, &origin) < 0) {
			fprintf(
			    stderr, "routemark validate: bad ASN or AS path '%s'\n", origin_text);
			rc = 1;
		} else {
			struct rov_result r;
			rov_validate(t, &p, origin, &r);
			print_result(stdout, &p, origin, &r, v.jsonl);
			rc = 0;
		}
		aspath_buf_free(&b);
		free(origin_text);
	}
	vrp_table_release(t);
	return rc;
}
