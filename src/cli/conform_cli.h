/* Helpers shared by the conform, compare and attest commands (cmd_conform.c). */
#ifndef ROUTEMARK_CLI_CONFORM_H
#define ROUTEMARK_CLI_CONFORM_H

#include "conform/conform.h"

/* Exit codes of conform and compare --require for gating: conformant (or no IXP violation)
 * 0; not conformant (violations) 3; not enough data or filings to decide 4. Errors stay 1
 * (usage, store, profile) and 2 (malformed reference data under --strict). */
#define CONFORM_EXIT_NOT_CONFORMANT 3
#define CONFORM_EXIT_UNDETERMINED 4
int conform_cli_exit(enum conform_overall o);

/* Open the store, upgrading it to the current schema when writable; else read-only. */
int conform_cli_store(const char *db, int writable, struct store **out);
/* Load a profile by name or path; messages to stderr. NULL on error. */
struct conform_profile *conform_cli_profile(const char *name);
/* What conform and compare evaluate with: the profile, the reference data and the store
 * (conform_cli_store(db, 0)). Returns 0, or the exit code (1, or 2 for malformed reference
 * data under --strict) with nothing left open. */
struct cli_refs;
struct observe_refs;
int conform_cli_open(const char *profile, const char *db, struct cli_refs *refs,
    struct conform_profile **p, struct observe_refs *orefs, struct store **s);
/* --window DURATION; -1 after saying so on stderr. */
int conform_cli_window(const char *arg, int64_t *window);
/* Render one verdict (n == 0: r[0]) or n side by side in fmt (text, json or html). */
void conform_cli_render(FILE *out, const char *fmt, const struct conform_result *r, size_t n);

#endif
