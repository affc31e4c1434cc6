/* Shared helpers for routemark's cmocka tests. */
#ifndef ROUTEMARK_TESTUTIL_H
#define ROUTEMARK_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* Path of a file in the shared real-data folder (ROUTEMARK_DATA, default ../shared/data), or
 * NULL when it is absent. Tests that need it print a visible SKIP line and call skip(). */
static inline const char *test_data_path(const char *rel)
{
	static char buf[4][4096];
	static int next;
	const char *dir = getenv("ROUTEMARK_DATA");
	char *b = buf[next++ & 3];
	snprintf(b, sizeof(buf[0]), "%s/%s", dir ? dir : "../shared/data", rel);
	return access(b, R_OK) == 0 ? b : NULL;
}

#define REQUIRE_DATA(var, rel)                                                                     \
	const char *var = test_data_path(rel);                                                     \
	do {                                                                                       \
		if (var == NULL) {                                                                 \
			printf("SKIP: %s: shared data file %s is absent\n", __func__, rel);        \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

/* A private directory /tmp/routemark-NAME-XXXXXX into dir (size n): 0, or -1. */
static inline int test_tmpdir_make(char *dir, size_t n, const char *name)
{
	snprintf(dir, n, "/tmp/routemark-%s-XXXXXX", name);
	return mkdtemp(dir) ? 0 : -1;
}

/* The directory and everything in it removed: 0, or -1. */
static inline int test_tmpdir_remove(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Path of the routemark binary under test (ROUTEMARK_BIN, set by tests/run.sh). */
static inline const char *test_bin(void)
{
	const char *b = getenv("ROUTEMARK_BIN");
	return b ? b : "build/routemark";
}

#endif
