/* cli — the routemark command table and helpers shared by the commands. */
#ifndef ROUTEMARK_CLI_H
#define ROUTEMARK_CLI_H

#include <getopt.h>

/* The configuration file (see config.c): set its path once (--config), then let a command
 * merge the options it knows into its argv before getopt_long. Returns -1 on a bad file. */
void config_set_path(const char *path);
int config_merge_args(const char *cmd, const struct option *longopts, int *argc, char ***argv);

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
int cmd_prefix(int argc, char **argv);
int cmd_irr(int argc, char **argv);
int cmd_asrel(int argc, char **argv);
int cmd_bogon(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_vrps(int argc, char **argv);
int cmd_conform(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_attest(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* rpki (cmd_vrps.c): load VRPs (and with aspa, ASPAs) from a file or an RTR cache
 * "host:port"; returns a built table (release with vrp_table_release) or NULL with *rc set to
 * the exit code. */
struct vrp_table;
struct aspa_table;
struct vrp_table *cli_vrps_open(const char *file, const char *rtr, struct aspa_table **aspa,
    int strict, int timeout_s, int *rc);

#endif
