/* cli — the routemark command table and helpers shared by the commands. */
#ifndef ROUTEMARK_CLI_H
#define ROUTEMARK_CLI_H

/* Every command is int cmd_NAME(int argc, char **argv), argv[0] being the command name.
 * Exit codes: 0 success, 1 usage or input error, 2 malformed data under --strict. */
int cmd_dump(int argc, char **argv);
int cmd_stat(int argc, char **argv);

#endif
