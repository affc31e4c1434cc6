/* The analysis behind `routemark analyze` and `routemark run`: the engine's file door with a
 * progress line and the summary printed. */
#ifndef ROUTEMARK_CLI_ANALYZE_H
#define ROUTEMARK_CLI_ANALYZE_H

#include "engine/engine.h"

/* Run job (its progress callback is set here when progress is on) and print what was
 * stored. Returns engine_analyze's exit status: 0, 1 or 2. */
int analyze_run(struct engine_job *job, int progress);

#endif
