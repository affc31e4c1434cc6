/* The analysis job behind `routemark analyze` and `routemark run`. */
#ifndef ROUTEMARK_CLI_ANALYZE_H
#define ROUTEMARK_CLI_ANALYZE_H

#include "cli/refs.h"

struct analyze_job {
	const char *db;        /* the store */
	const char *label;     /* NULL: the data's start time */
	struct cli_refs *refs; /* named, not yet loaded; refs->strict applies to MRT too */
	const char **mrt;
	int nmrt;
	int progress;              /* a progress line on stderr */
	struct observe_config cfg; /* the settings MANRS does not publish (--set) */
};

/* Checksum the inputs, load the reference data, stream the MRT files, and write one
 * snapshot in one transaction. Returns 0, 1 (unreadable input, store error) or 2 (malformed
 * input under strict); on failure nothing is stored. */
int analyze_job_run(const struct analyze_job *job);

#endif
