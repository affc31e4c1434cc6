#include "store_private.h"
int store_pg_migrate(struct store *s)
{
	return -1;
}
int store_pg_schema_version(struct store *s)
{
	return -1;
}
