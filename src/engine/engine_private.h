/* engine: what its files share and no other module sees. */
#ifndef ROUTEMARK_ENGINE_PRIVATE_H
#define ROUTEMARK_ENGINE_PRIVATE_H

#include <stdio.h>

#include "engine/engine.h"

/* filtering.c: filtering seen from inside, kept as the live changes come. */
struct live_filter;
struct live_filter *live_filter_new(void);
void live_filter_free(struct live_filter *lf);
/* One change of any view (the route state rib holds the others already). */
void live_filter_route(struct live_filter *lf, const struct observe_refs *refs,
    const struct bmp_rib *rib, const char *router, enum bmp_view view, const struct bmp_peer *peer,
    const struct mrt_route *rt);
/* The figures into out (engine_filtering_free it) and, with jsonl, the routes. 0 or -1. */
int live_filter_report(const struct live_filter *lf, FILE *jsonl, struct engine_filtering *out);

/* parallel.c: routing inputs read by reader threads (up to threads, each the next file not
 * started) while the caller hands their routes to the engine in file order. Start before the
 * reference data loads (readers run ahead, bounded); take once the engine exists (in[]'s
 * records, malformed, data time and kind filled; 0 or engine_read_input's -1/-2/-3, said);
 * end always (readers stopped, everything freed). in must outlive the readers. */
struct engine_par;
struct engine_par *engine_par_start(
    struct engine_input *in, size_t nin, int threads, int64_t table_time, int strict);
int engine_par_take(
    struct engine_par *p, struct engine *e, const struct engine_job *job, uint64_t *routes);
void engine_par_end(struct engine_par *p);

#endif
