/* libFuzzer target: prefix-to-origin tables (src/origins) on arbitrary bytes, through the
 * file path a user gives (core's zinput: the bytes may also be taken for gzip, bzip2, xz or
 * zstd): format detection, then every row of each format, lax and strict; and each line of
 * the bytes read both ways as a pfx2as row (the fast path must read it as the general one). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "origins/origins.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void origin_of(void *arg, int worker, const struct mrt_route *rt, void *out)
{
	*(uint32_t *)out = rt->attrs->aspath[1];
}

static void rows_agree(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (char *line = copy, *nl; line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		struct prefix p1, p2;
		uint32_t o1[ORIGINS_ROW_MAX], o2[ORIGINS_ROW_MAX];
		int n1 = 0, n2 = 0;
		uint64_t s1 = 0, s2 = 0;
		int r1 = origins_parse_row(ORIGINS_PFX2AS, line, 0, &p1, o1, &n1, &s1);
		int r2 = origins_parse_row(ORIGINS_PFX2AS, line, 1, &p2, o2, &n2, &s2);
		if (r1 != r2 ||
		    (r1 == 0 && (memcmp(&p1, &p2, sizeof(p1)) != 0 || n1 != n2 ||
		                    memcmp(o1, o2, (size_t)n1 * sizeof(*o1)) != 0 || s1 != s2)))
			__builtin_trap();
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	log_set_level(LOG_LVL_ERR); /* complaints about bad rows are expected */
	rows_agree(data, size);
	int fd = memfd_create("origins", 0);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	enum origins_format found = origins_detect(path);
	for (int f = ORIGINS_PFX2AS; f <= ORIGINS_PYASN; f++) {
		for (int strict = 0; strict < 2; strict++) {
			if (strict && f != (int)found)
				continue;
			/* the strict reads run a check on every route on the parser's thread: its
			 * result must be the route's own */
			struct origins_check check = {origin_of, NULL, sizeof(uint32_t)};
			struct origins_reader *r = origins_open_checked(
			    path, (enum origins_format)f, 1, strict, strict ? &check : NULL);
			if (r == NULL)
				continue;
			struct mrt_route rt;
			while (origins_next(r, &rt) == 1) {
				if (rt.attrs->aspath_nwords != 2)
					__builtin_trap();
				const uint32_t *seen = origins_checked(r);
				if (strict && (seen == NULL || *seen != rt.attrs->aspath[1]))
					__builtin_trap();
			}
			origins_close(r);
		}
	}
	close(fd);
	return 0;
}
