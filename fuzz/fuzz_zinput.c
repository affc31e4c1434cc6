/* libFuzzer target: core's compressed input (zinput.c) on arbitrary bytes through a file path:
 * the codec sniffed from them (gzip through ISA-L, bzip2, xz, zstd, plain), every member read
 * through the reader's thread and ring, and zinput_head (decoded on the caller's thread),
 * which must give the reader's first bytes unless the stream is damaged (then what comes
 * before the damage depends on the decoders' buffer sizes: libbz2 does not count the bytes
 * of a call that finds a block's run-lengths corrupt, so one large buffer gets none of them
 * where smaller ones got the first). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_OUT (8u << 20) /* a decompression bomb is read this far */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	log_set_level(LOG_LVL_ERR);
	int fd = memfd_create("zinput", 0);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct zinput *in = zinput_open(path, path, 0, 1);
	if (in == NULL) {
		close(fd);
		return 0;
	}
	uint8_t *all = malloc(MAX_OUT);
	size_t n = 0;
	ssize_t k;
	while (n < MAX_OUT && (k = zinput_read(in, all + n, MAX_OUT - n)) > 0)
		n += (size_t)k;
	const char *problem = zinput_problem(in);
	int damaged = problem && strstr(problem, "corrupt");
	zinput_close(in);
	size_t want = size % 70001, hn; /* a head length the input chooses */
	char *h = zinput_head(path, want, &hn);
	if (h == NULL || hn > want ||
	    (!damaged && ((hn < want && hn < n && n < MAX_OUT) ||
	                     memcmp(h, all, hn < n ? hn : n) != 0 || (hn > n && n < MAX_OUT)))) {
		size_t d = 0;
		while (h && d < hn && d < n && h[d] == (char)all[d])
			d++;
		fprintf(stderr,
		    "zinput_head(%zu) gave %zu bytes, the reader %zu; first difference at %zu\n",
		    want, h ? hn : 0, n, d);
		__builtin_trap();
	}
	free(h);
	free(all);
	close(fd);
	return 0;
}
