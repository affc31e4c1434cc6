/* libFuzzer target: the CAIDA relationship reader, index, cones and the valley-free check on
 * arbitrary bytes. The input is fed line by line as an as-rel file; then every line is also
 * parsed as an AS path and checked, and the cone of its first AS is computed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct valley_result res; /* large */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct asrel r;
	const char *s = (const char *)data, *end = s + size;
	log_set_level(LOG_LVL_ERR); /* warnings about bad input are expected */
	asrel_init(&r);
	uint64_t lineno = 0;
	for (const char *p = s; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		asrel_add_line(&r, p, (size_t)(e - p), "fuzz", ++lineno);
		p = nl ? nl + 1 : end;
	}
	asrel_finish(&r);
	struct aspath_buf b;
	aspath_buf_init(&b);
	char line[512];
	for (const char *p = s; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		if (n < sizeof(line) && memchr(p, '\0', n) == NULL) {
			memcpy(line, p, n);
			line[n] = '\0';
			for (char *c = line; *c; c++)
				if (*c == '|')
					*c = ' ';
			aspath_buf_reset(&b);
			if (aspath_parse(line, &b) == 0) {
				valley_check(&r, b.w, b.n, &res);
				uint32_t first;
				if (aspath_words_first(b.w, b.n, &first) == 0) {
					topo_cone_size(&r, first);
					asrel_lookup(&r, first, first + 1);
				}
			}
		}
		p = nl ? nl + 1 : end;
	}
	aspath_buf_free(&b);
	asrel_free(&r);
	return 0;
}
