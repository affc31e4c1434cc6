/* Helpers shared by the conform, compare and attest commands (cmd_conform.c). */
#ifndef ROUTEMARK_CLI_CONFORM_H
#define ROUTEMARK_CLI_CONFORM_H

#include "conform/conform.h"

/* Open the store, upgrading it to the current schema when writable; else read-only. */
int conform_cli_store(const char *db, int writable, struct store **out);
/* Load a profile by name or path; messages to stderr. NULL on error. */
struct conform_profile *conform_cli_profile(const char *name);

#endif
