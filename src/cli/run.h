/* routemark run's parts: the main job (cmd_run.c) and the backfill of archived data
 * (run_backfill.c). */
#ifndef ROUTEMARK_CLI_RUN_H
#define ROUTEMARK_CLI_RUN_H

#include "cli/analyze.h"
#include "fetch/fetch.h"

/* 1 when kind is in only (comma-separated kinds), or only is NULL. */
int run_kind_wanted(const char *only, const char *kind);

/*
 * run --backfill FROM..TO --every UNIT: for every date of the range, the archived file of
 * each source (today's where a source has no archive, said in the snapshot's provenance),
 * analyzed into one snapshot labelled with the date. Dates whose snapshot the store holds
 * are skipped; a date whose files cannot all be had is reported and the others go on. dry:
 * print the plan (date, source, URL) and fetch nothing. Returns 0, or 1 when a date failed
 * or the arguments are bad.
 */
int run_backfill(struct analyze_opts *o, const struct fetch_options *fo, const struct sources *src,
    const char *only, const char *range, const char *every, int dry);

#endif
