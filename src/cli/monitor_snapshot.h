/* monitor --db: the route state of the station or replay written as an engine snapshot. */
#ifndef ROUTEMARK_CLI_MONITOR_SNAPSHOT_H
#define ROUTEMARK_CLI_MONITOR_SNAPSHOT_H

#include "bmp/bmp.h"

/* Score the routes held now and store them in db as one snapshot labelled with the time.
 * Each router's best view is fed (Loc-RIB, else post-policy, else pre-policy) as RIB entries.
 * 0, 1 when nothing was held (nothing stored), -1 on an error (logged). */
int monitor_snapshot(const struct bmp_rib *rib, const char *db, uint64_t *routes);

#endif
