/* The store's database layer on PostgreSQL (db.h): not in this build yet. */
#include "core/core.h"
#include "db.h"

int db_pg_open(const char *url, int readonly, struct db **out)
{
	*out = NULL;
	log_err("PostgreSQL stores are not supported by this build");
	return -1;
}

int db_pg_changed(struct db *db)
{
	return -1;
}
