/* libFuzzer target: the conformance profile parser (JSON, every field validated) and the
 * rule language. The first byte picks which: even = a whole profile, odd = one rule. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conform/conform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	char err[512];
	if ((data[0] & 1) == 0) {
		struct conform_profile *p;
		if (conform_profile_parse(
		        (const char *)data + 1, size - 1, "fuzz", &p, err, sizeof(err)) == 0)
			conform_profile_free(p);
		return 0;
	}
	char *s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	struct conform_expr *e;
	if (conform_expr_parse(s, &e, err, sizeof(err)) == 0) {
		char buf[1024];
		conform_expr_format(e, buf, sizeof(buf));
		conform_expr_free(e);
	}
	free(s);
	return 0;
}
