/* libFuzzer target: VRP/ASPA file loading (JSON, CSV, rcynic detection and parsing), then
 * building the index and validating a few routes derived from the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rpki/rpki.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int quiet;
	if (!quiet) {
		log_set_level(LOG_LVL_ERR);
		quiet = 1;
	}
	struct vrp_table *t = vrp_table_new();
	struct aspa_table *a = aspa_table_new();
	struct vrp_load_stats st;
	vrp_load_buffer(t, a, (const char *)data, size, "fuzz", 0, &st);
	vrp_table_build(t);
	aspa_table_build(a);
	/* every loaded VRP validates as Valid for its own prefix and AS (unless AS0) */
	for (size_t i = 0; i < vrp_table_count(t) && i < 64; i++) {
		const struct vrp *v = vrp_table_get(t, i);
		struct rov_result r;
		enum rov_state s = rov_validate(t, &v->p, v->asn, &r);
		if ((v->asn != 0 && s != ROV_VALID) || r.ncovering == 0)
			abort();
	}
	uint32_t path[8];
	size_t n = size / 4 < 8 ? size / 4 : 8;
	memcpy(path, data, n * 4);
	struct aspa_result ar;
	aspa_verify_asns(a, path, n, ASPA_DOWNSTREAM, &ar);
	aspa_verify_asns(a, path, n, ASPA_UPSTREAM, &ar);
	aspa_table_free(a);
	vrp_table_free(t);
	return 0;
}
