/* cli — the routemark command table and helpers shared by the commands. */
#ifndef ROUTEMARK_CLI_H
#define ROUTEMARK_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

/* The configuration file (see config.c): set its path once (--config), then let a command
 * merge the options it knows into its argv before getopt_long. Returns -1 on a bad file. */
void config_set_path(const char *path);
int config_merge_args(const char *cmd, const struct option *longopts, int *argc, char ***argv);

/* ---------------------------------------------------------------- helpers (cli_util.c)
 *
 * The option loop of every command:
 *
 *	if (cli_opt_begin("cmd", longopts, &argc, &argv) != 0)
 *		return 1;
 *	while ((opt = cli_getopt(argc, argv, "h", longopts, usage, &rc)) != -1) {
 *		switch (opt) {
 *		case CLI_OPT_EXIT:
 *			return rc;
 *		...
 */

/* Merge the configuration file's options for cmd into argv (config_merge_args) and rewind
 * getopt. Returns -1 (said on stderr) on a bad configuration file. */
int cli_opt_begin(const char *cmd, const struct option *longopts, int *argc, char ***argv);
/* getopt_long, with -h/--help (usage on stdout, *rc = 0) and an unknown option or a missing
 * argument (usage on stderr, *rc = 1) handled the same way everywhere: both return
 * CLI_OPT_EXIT and the command returns *rc. Otherwise the option, or -1 after the last. */
#define CLI_OPT_EXIT (-2)
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
    void (*usage)(FILE *), int *rc);
/* For commands that take no arguments after their options: 0, or -1 after "routemark:
 * error: CMD: unexpected argument 'X'" and the usage on stderr. */
int cli_no_args(const char *cmd, int argc, char **argv, void (*usage)(FILE *));
/* The position of --format's fmt in the space-separated list of the formats a command offers
 * ("text json html" -> 0, 1 or 2); -1 after "routemark: --format X: expected text, json or
 * html" on stderr. */
int cli_format(const char *fmt, const char *offered);
/* -o FILE: the file opened for writing, or stdout when path is NULL; NULL after "routemark:
 * FILE: cannot write". cli_output_close closes it (not stdout) and returns status, or 1 when
 * anything failed to be written. */
FILE *cli_output_open(const char *path);
int cli_output_close(FILE *f, int status);
/* The options the query commands (asrel, bogon, irr) share: CLI_QUERY_LONG_OPTIONS (--format
 * text|jsonl, --strict, --help) in the option table, cli_query_option in the loop: 1 when opt
 * was --format or --strict (recorded), 0 if not, -1 after saying what was wrong. */
#define CLI_QUERY_LONG_OPTIONS                                                                     \
	{"format", required_argument, NULL, 'f'}, {"strict", no_argument, NULL, 'S'},              \
	{                                                                                          \
		"help", no_argument, NULL, 'h'                                                     \
	}
int cli_query_option(int opt, const char *arg, int *jsonl, int *strict);
/* A json-c object printed pretty on stdout (the views' and metrics' --format json), then
 * released. */
struct json_object;
void cli_print_json(struct json_object *j);
/* The one AS-number argument left after the options (argv[optind]): 0, or -1 after saying on
 * stderr why not ("routemark: CMD: which AS?", "... expected one AS number", "... 'X' is not
 * an AS number"). */
int cli_one_asn(const char *cmd, int argc, char **argv, uint32_t *asn);
/* Queries read line by line: call fn for every line of in, with trailing characters in strip
 * removed, skipping empty lines and '#' comments. fn returns 0 or an exit code to OR into
 * the result, or a negative value to stop there with its negation as the result. */
typedef int (*cli_line_fn)(char *line, unsigned long lineno, void *arg);
int cli_each_line(FILE *in, const char *strip, cli_line_fn fn, void *arg);

/* Every command is int cmd_NAME(int argc, char **argv), argv[0] being the command name.
 * Exit codes: 0 success, 1 usage or input error, 2 malformed data under --strict. */
int cmd_dump(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_prefix(int argc, char **argv);
int cmd_irr(int argc, char **argv);
int cmd_asrel(int argc, char **argv);
int cmd_bogon(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_vrps(int argc, char **argv);
int cmd_conform(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_attest(int argc, char **argv);
int cmd_dispute(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_worker(int argc, char **argv);
int cmd_compact(int argc, char **argv);

/* rpki (cmd_vrps.c): load VRPs (and with aspa, ASPAs) from a file or an RTR cache
 * "host:port"; returns a built table (release with vrp_table_release) or NULL with *rc set to
 * the exit code. */
struct vrp_table;
struct aspa_table;
struct vrp_table *cli_vrps_open(const char *file, const char *rtr, struct aspa_table **aspa,
    int strict, int timeout_s, int *rc);

/* The VRP source options of vrps and validate: CLI_VRPS_LONG_OPTIONS in the command's table,
 * cli_vrps_option in its option loop (1 when opt was one of them, 0 if not, -1 after saying
 * what was wrong), then cli_vrps_ready (--rtr wins over a --vrps file from the configuration;
 * -1 unless exactly one source and a positive timeout). */
struct cli_vrps_opts {
	const char *file, *rtr;
	int jsonl, strict, timeout;
};
#define CLI_VRPS_LONG_OPTIONS                                                                      \
	{"vrps", required_argument, NULL, 'f'}, {"rtr", required_argument, NULL, 'r'},             \
	    {"format", required_argument, NULL, 'F'}, {"strict", no_argument, NULL, 's'},          \
	{                                                                                          \
		"timeout", required_argument, NULL, 't'                                            \
	}
int cli_vrps_option(struct cli_vrps_opts *v, int opt, const char *arg);
int cli_vrps_ready(struct cli_vrps_opts *v);
/* A VRP table from the source the options name (cli_vrps_open). */
struct vrp_table *cli_vrps_load(const struct cli_vrps_opts *v, struct aspa_table **aspa, int *rc);

/* The options of the MRT file commands (dump, stat), read by hand (a '-' file is stdin):
 * --format FMT (one of formats, space-separated; *format keeps its default otherwise),
 * --strict, -q/--quiet, -h/--help, and "--" to end them. Returns the index of the first
 * FILE, or -1 with *rc the exit code after the usage or a message saying what was wrong. */
struct mrt_options;
int cli_mrt_args(const char *cmd, int argc, char **argv, const char *formats, const char **format,
    struct mrt_options *opt, void (*usage)(FILE *), int *rc);

/* The arguments argv[from..argc) joined by single spaces, newly allocated. */
char *cli_join_args(int argc, char **argv, int from);

#endif
