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

static int batch(const struct vrp_table *t, const char *input, int jsonl, int strict)
{
	FILE *in = strcmp(input, "-") == 0 ? stdin : fopen(input, "r");
	if (in == NULL) {
		perror(input);
		return 1;
	}
	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	struct aspath_buf b;
	aspath_buf_init(&b);
	char *line = NULL;
	size_t cap = 0, lineno = 0, bad = 0;
	ssize_t n;
	int rc = 0;
	while ((n = getline(&line, &cap, in)) > 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if (validate_line(t, line, &b, stdout, jsonl) < 0) {
			if (++bad <= 20 || strict)
				log_warn("%s:%zu: expected 'PREFIX ASN' or 'PREFIX AS-PATH'",
				    strcmp(input, "-") == 0 ? "stdin" : input, lineno);
			if (strict) {
				rc = 2;
				break;
			}
		}
	}
	if (bad > 0 && !strict)
		log_warn("%zu malformed input lines skipped", bad);
	free(line);
	aspath_buf_free(&b);
	if (in != stdin)
		fclose(in);
	fflush(stdout);
	return rc;
}

int cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {{"vrps", required_argument, NULL, 'f'},
	    {"rtr", required_argument, NULL, 'r'}, {"input", required_argument, NULL, 'i'},
	    {"format", required_argument, NULL, 'F'}, {"strict", no_argument, NULL, 's'},
	    {"timeout", required_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	const char *file = NULL, *rtr = NULL, *input = NULL;
	int jsonl = 0, strict = 0, timeout = 30, c, rc;
	if (config_merge_args("validate", opts, &argc, &argv) != 0)
		return 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			file = optarg;
			break;
		case 'r':
			rtr = optarg;
			break;
		case 'i':
			input = optarg;
			break;
		case 's':
			strict = 1;
			break;
		case 't':
			timeout = atoi(optarg);
			break;
		case 'F':
			if (strcmp(optarg, "jsonl") == 0 || strcmp(optarg, "json") == 0)
				jsonl = 1;
			else if (strcmp(optarg, "text") != 0) {
				fprintf(
				    stderr, "routemark validate: unknown format '%s'\n", optarg);
				return 1;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	int nargs = argc - optind;
	if (input == NULL && nargs == 1 && strcmp(argv[optind], "-") == 0)
		input = "-", nargs = 0;
	if (rtr != NULL)
		file = NULL; /* --rtr wins over a vrps file from the configuration */
	if ((file == NULL) == (rtr == NULL) || timeout <= 0 ||
	    (input != NULL ? nargs != 0 : nargs < 2)) {
		usage(stderr);
		return 1;
	}
	/* check the route before loading anything */
	struct prefix p;
	char origin_text[4096] = "";
	if (input == NULL) {
		if (prefix_parse_loose(argv[optind], &p) < 0) {
			fprintf(stderr, "routemark validate: bad prefix '%s'\n", argv[optind]);
			return 1;
		}
		for (int i = optind + 1; i < argc; i++) {
			strncat(
			    origin_text, argv[i], sizeof(origin_text) - strlen(origin_text) - 2);
			strcat(origin_text, " ");
		}
	}
	struct vrp_table *t = cli_vrps_open(file, rtr, NULL, strict, timeout, &rc);
	if (t == NULL)
		return rc;
	if (input != NULL) {
		rc = batch(t, input, jsonl, strict);
	} else {
		struct aspath_buf b;
		uint32_t origin;
		aspath_buf_init(&b);
		origin_text[strlen(origin_text) - 1] = '\0';
		if (parse_origin(origin_text, &b, &origin) < 0) {
			fprintf(
			    stderr, "routemark validate: bad ASN or AS path '%s'\n", origin_text);
			rc = 1;
		} else {
			struct rov_result r;
			rov_validate(t, &p, origin, &r);
			print_result(stdout, &p, origin, &r, jsonl);
			rc = 0;
		}
		aspath_buf_free(&b);
	}
	vrp_table_release(t);
	return rc;
}
