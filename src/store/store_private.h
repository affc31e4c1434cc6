/* store internals shared by its files. */
#ifndef ROUTEMARK_STORE_PRIVATE_H
#define ROUTEMARK_STORE_PRIVATE_H

#include <sqlite3.h>

#include "store/store.h"

extern const char *const store_migrations[];
extern const int store_nmigrations;

enum store_stmt {
	ST_INPUT,
	ST_METRIC,
	ST_SUMMARY,
	ST_FINDING,
	ST_INCIDENT,
	ST_GLOBAL,
	ST_ASINFO,
	ST_ROUTE,
	ST_COUNT
};

struct store {
	sqlite3 *db;
	char *path;
	int readonly;
	int in_snapshot;
	int64_t snap_id;
	sqlite3_stmt *st[ST_COUNT];
	/* strings handed out by store_snapshot_get */
	char *label;
};

/* The sortable byte key of a prefix: family, 16 address bytes, length. */
void store_prefix_key(const struct prefix *p, uint8_t key[18]);

#endif
