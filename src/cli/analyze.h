/* The analysis behind `routemark analyze` and `routemark run`: the engine's file door with a
 * progress line and the summary printed. */
#ifndef ROUTEMARK_CLI_ANALYZE_H
#define ROUTEMARK_CLI_ANALYZE_H

#include <getopt.h>

#include "cli/refs.h"
#include "engine/engine.h"

/* The flags analyze and run share: the store, the label, strictness, progress, settings. */
struct analyze_opts {
	struct engine_job job;
	struct cli_refs refs;
	int progress;    /* a progress line on stderr (default: when it is a terminal) */
	int no_progress; /* --no-progress was given */
	const char *bus; /* analyze --bus URL: workers read the files */
	double bus_wait; /* --wait SECONDS */
};

enum {
	JOB_OPT_DB = 1100,
	JOB_OPT_LABEL,
	JOB_OPT_STRICT,
	JOB_OPT_NO_PROGRESS,
	JOB_OPT_SET,
	JOB_OPT_TIME,
	JOB_OPT_STALE_DAYS,
	JOB_OPT_THREADS,
};

#define JOB_LONG_OPTIONS                                                                           \
	{"db", required_argument, NULL, JOB_OPT_DB},                                               \
	    {"label", required_argument, NULL, JOB_OPT_LABEL},                                     \
	    {"strict", no_argument, NULL, JOB_OPT_STRICT},                                         \
	    {"no-progress", no_argument, NULL, JOB_OPT_NO_PROGRESS},                               \
	    {"time", required_argument, NULL, JOB_OPT_TIME},                                       \
	    {"stale-days", required_argument, NULL, JOB_OPT_STALE_DAYS},                           \
	    {"threads", required_argument, NULL, JOB_OPT_THREADS},                                 \
	{                                                                                          \
		"set", required_argument, NULL, JOB_OPT_SET                                        \
	}

void analyze_opts_init(struct analyze_opts *o);
/* 1 when opt was one of the shared flags (recorded), 0 if not, -1 on a bad value (said). */
int analyze_option(struct analyze_opts *o, int opt, const char *arg);
void analyze_opts_free(struct analyze_opts *o);

/* Run o's job on the MRT files (a progress line when o->progress) and print what was
 * stored. Returns engine_analyze's exit status: 0, 1 or 2. */
int analyze_run(struct analyze_opts *o, const char *const *mrt, size_t nmrt);

/* analyze_bus.c: analyze --bus URL, the coordinator of a batch whose files workers read. */
struct bus;
struct analyze_bus {
	const char *url;
	double wait; /* seconds without routes from a worker before giving up; 0 = never */
	/* set by analyze_bus_attach */
	struct bus *bus;
	char run[48];
	const struct engine_job *job;
	uint64_t routes, dups; /* routes taken; batches published twice (a job taken over) */
};
/* Open the bus and make job's routing inputs come from workers (job->mrt set). 0, or -1
 * (said). */
int analyze_bus_attach(struct analyze_bus *ab, struct engine_job *job);
void analyze_bus_close(struct analyze_bus *ab);

#endif
