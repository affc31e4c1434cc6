/* Line iteration over a file in any compression (core's zlines). */
#include "core/core.h"
#include "registry/registry_private.h"

int reg_each_line(const char *path, reg_line_fn fn, void *arg)
{
	struct zlines l;
	if (zlines_open(&l, path) != 0)
		return -1;
	char *line;
	size_t len;
	int rc;
	while ((rc = zlines_next(&l, &line, &len)) == 1)
		fn(line, len, l.lineno, arg);
	zlines_close(&l);
	return rc < 0 ? -1 : 0;
}
