/* libFuzzer target: a VRP set as the store keeps it (vrp_table_unpack: zstd frame, then the
 * records). A set that unpacks packs again into bytes that unpack to the same VRPs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rpki/rpki.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vrp_table *t, *u;
	const char *err = NULL;
	if (vrp_table_unpack(data, size, &t, &err) != 0) {
		if (err == NULL)
			abort();
		return 0;
	}
	uint8_t *buf;
	size_t len;
	if (vrp_table_pack(t, &buf, &len) != 0 || vrp_table_unpack(buf, len, &u, &err) != 0)
		abort();
	size_t n = vrp_table_count(t);
	if (vrp_table_count(u) != n)
		abort();
	for (size_t i = 0; i < n; i++)
		if (vrp_cmp(vrp_table_get(t, i), vrp_table_get(u, i)) != 0)
			abort();
	free(buf);
	vrp_table_free(t);
	vrp_table_free(u);
	return 0;
}
