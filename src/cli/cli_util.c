/* The commands' common ground: the option loop, --format, -o FILE, JSON to standard output,
 * the AS-number argument and queries read from standard input (see cli.h). */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/core.h"

int cli_opt_begin(const char *cmd, const struct option *longopts, int *argc, char ***argv)
{
	if (config_merge_args(cmd, longopts, argc, argv) != 0)
		return -1;
	optind = 1;
	return 0;
}

int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
    void (*usage)(FILE *), int *rc)
{
	int opt = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (opt == 'h') {
		usage(stdout);
		*rc = 0;
		return CLI_OPT_EXIT;
	}
	if (opt == '?') {
		usage(stderr);
		*rc = 1;
		return CLI_OPT_EXIT;
	}
	return opt;
}

int cli_no_args(const char *cmd, int argc, char **argv, void (*usage)(FILE *))
{
	if (optind == argc)
		return 0;
	log_err("%s: unexpected argument '%s'", cmd, argv[optind]);
	usage(stderr);
	return -1;
}

int cli_format(const char *fmt, const char *offered)
{
	size_t flen = strlen(fmt);
	int i = 0;
	for (const char *p = offered; *p; i++) {
		size_t n = strcspn(p, " ");
		if (n == flen && strncmp(p, fmt, n) == 0)
			return i;
		p += n;
		p += strspn(p, " ");
	}
	/* "--format X: expected a, b or c" */
	fprintf(stderr, "routemark: --format %s: expected ", fmt);
	for (const char *p = offered; *p;) {
		size_t n = strcspn(p, " ");
		const char *next = p + n + strspn(p + n, " ");
		fprintf(stderr, "%.*s%s", (int)n, p,
		    *next == '\0'                      ? ""
		    : next[strcspn(next, " ")] == '\0' ? " or "
		                                       : ", ");
		p = next;
	}
	fputc('\n', stderr);
	return -1;
}

int cli_query_option(int opt, const char *arg, int *jsonl, int *strict)
{
	if (opt == 'S') {
		*strict = 1;
		return 1;
	}
	if (opt != 'f')
		return 0;
	return (*jsonl = cli_format(arg, "text jsonl")) < 0 ? -1 : 1;
}

FILE *cli_output_open(const char *path)
{
	if (path == NULL)
		return stdout;
	FILE *f = fopen(path, "w");
	if (f == NULL)
		fprintf(stderr, "routemark: %s: cannot write\n", path);
	return f;
}

int cli_output_close(FILE *f, int status)
{
	if (ferror(f))
		status = 1;
	if (f != stdout && fclose(f) != 0)
		status = 1;
	return status;
}

void cli_print_json(struct json_object *j)
{
	puts(json_object_to_json_string_ext(
	    j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
}

int cli_one_asn(const char *cmd, int argc, char **argv, uint32_t *asn)
{
	if (optind == argc)
		fprintf(stderr, "routemark: %s: which AS?\n", cmd);
	else if (optind + 1 != argc)
		fprintf(stderr, "routemark: %s: expected one AS number\n", cmd);
	else if (asn_parse(argv[optind], asn) != 0)
		fprintf(stderr, "routemark: %s: '%s' is not an AS number\n", cmd, argv[optind]);
	else
		return 0;
	return -1;
}

int cli_each_line(FILE *in, const char *strip, cli_line_fn fn, void *arg)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	int rc = 0;
	while ((n = getline(&line, &cap, in)) >= 0) {
		lineno++;
		while (n > 0 && line[n - 1] != '\0' && strchr(strip, line[n - 1]) != NULL)
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		int r = fn(line, lineno, arg);
		if (r < 0) {
			rc = -r;
			break;
		}
		rc |= r;
	}
	free(line);
	return rc;
}

char *cli_join_args(int argc, char **argv, int from)
{
	size_t len = 1;
	for (int i = from; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *s = xmalloc(len), *p = s;
	*p = '\0';
	for (int i = from; i < argc; i++) {
		size_t n = strlen(argv[i]);
		if (i > from)
			*p++ = ' ';
		memcpy(p, argv[i], n + 1);
		p += n;
	}
	return s;
}
