/* routemark dump: print the routes of MRT files as bgpdump -m lines or JSON lines. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/core.h"
#include "mrt/mrt.h"

static void dump_usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark dump [--format bgpdump|jsonl] [--strict] [-q] FILE...\n"
	    "\n"
	    "Print every route (RIB entry, announcement, withdrawal) and BGP state change of MRT\n"
	    "files (TABLE_DUMP, TABLE_DUMP_V2, BGP4MP, BGP4MP_ET, type-5 BGP; ADD-PATH included).\n"
	    "FILE may be gzip, bzip2, xz, zstd or plain, detected from its bytes; '-' reads\n"
	    "standard input.\n"
	    "\n"
	    "options:\n"
	    "  --format bgpdump  the lines 'bgpdump -m' prints (the default)\n"
	    "  --format jsonl    one JSON object per route or state change, every decoded field\n"
	    "  --strict          stop at the first malformed record (exit 2)\n"
	    "  -q, --quiet       do not log malformed records (they are still skipped)\n"
	    "  -h, --help        this text\n"
	    "\n"
	    "Malformed records are reported on stderr as FILE: record N at offset B: what, "
	    "skipped,\n"
	    "and decoding goes on.\n"
	    "\n"
	    "exit status: 0 ok, 1 usage error or a file that cannot be read, 2 malformed data\n"
	    "with --strict.\n");
}

static int dump_file(const char *path, const struct mrt_options *opt, const struct mrt_printer *pr,
    struct mrt_out *out)
{
	struct mrt_reader *r = mrt_reader_open(path, opt);
	if (r == NULL)
		return 1;
	struct mrt_route rt;
	int k;
	while ((k = mrt_reader_next_route(r, &rt)) == 1) {
		pr->route(out, r, &rt);
		if (out->error)
			break;
	}
	mrt_reader_close(r);
	if (k == MRT_ERR_MALFORMED)
		return 2;
	return k < 0 ? 1 : 0;
}

int cli_mrt_args(const char *cmd, int argc, char **argv, const char *formats, const char **format,
    struct mrt_options *opt, void (*usage)(FILE *), int *rc)
{
	int i = 1;
	*rc = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			*rc = 0;
			return -1;
		} else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			*format = argv[++i];
		} else if (strncmp(argv[i], "--format=", 9) == 0) {
			*format = argv[i] + 9;
		} else if (strcmp(argv[i], "--strict") == 0) {
			opt->strict = 1;
		} else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
			opt->quiet = 1;
		} else {
			fprintf(stderr, "routemark %s: unknown option %s\n", cmd, argv[i]);
			usage(stderr);
			return -1;
		}
	}
	if (cli_format(*format, formats) < 0)
		return -1;
	if (i == argc) {
		fprintf(stderr, "routemark %s: no input file\n", cmd);
		usage(stderr);
		return -1;
	}
	return i;
}

int cmd_dump(int argc, char **argv)
{
	struct mrt_options opt = {0};
	const char *format = "bgpdump";
	int rc,
	    i = cli_mrt_args("dump", argc, argv, "bgpdump jsonl", &format, &opt, dump_usage, &rc);
	if (i < 0)
		return rc;
	const struct mrt_printer *pr = mrt_printer_find(format);
	struct mrt_out out;
	mrt_out_init(&out, STDOUT_FILENO);
	rc = 0;
	for (; i < argc && !out.error; i++) {
		int k = dump_file(argv[i], &opt, pr, &out);
		if (k > rc)
			rc = k;
		if (k == 2)
			break;
	}
	mrt_out_free(&out);
	if (out.error && rc == 0)
		rc = 1;
	return rc;
}
