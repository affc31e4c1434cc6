/* libFuzzer target: prefix-to-origin tables (src/origins) on arbitrary bytes, through the
 * file path a user gives (core's zinput: the bytes may also be taken for gzip, bzip2, xz or
 * zstd): format detection, then every row of each format, lax and strict. */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "origins/origins.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void origin_of(void *arg, int worker, const struct mrt_route *rt, void *out)
{
	*(uint32_t *)out = rt->attrs->aspath[1];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	log_set_level(LOG_LVL_ERR); /* complaints about bad rows are expected */
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
