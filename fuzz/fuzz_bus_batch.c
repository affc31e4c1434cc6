/* libFuzzer target: what workers and coordinators of a batch analysis read off the bus: a
 * route batch (mrt_batch_decode) and a job (bus_job_decode). A batch that decodes gives its
 * routes to the handler only when all of it is right, and encodes back to the same bytes (one
 * encoding per batch); a job that decodes encodes to a text that decodes to the same job. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bus/bus.h"
#include "mrt/mrt.h"

struct again {
	struct mrt_batch_writer w;
	int bad;
};

static void add(void *arg, const struct mrt_route *rt)
{
	struct again *a = arg;
	if (mrt_batch_add(&a->w, rt) != 0)
		a->bad = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mrt_batch b;
	const char *err = NULL;
	size_t off = 0;
	struct again a;
	memset(&a, 0, sizeof(a));
	if (mrt_batch_decode(data, size, &b, NULL, NULL, &err, &off) == 0) {
		mrt_batch_begin(&a.w, b.file, b.seq);
		if (mrt_batch_decode(data, size, &b, add, &a, &err, &off) != 0 || a.bad)
			abort();
		mrt_batch_end(&a.w, b.last ? &b.trailer : NULL);
		if (a.w.len != size || memcmp(a.w.buf, data, size) != 0)
			abort();
	} else if (err == NULL || off > size)
		abort();
	mrt_batch_writer_free(&a.w);

	struct bus_job j, k;
	if (bus_job_decode(data, size, &j) == 0) {
		char buf[5000];
		int n = bus_job_encode(&j, buf, sizeof(buf));
		if (n < 0 || bus_job_decode(buf, (size_t)n, &k) != 0 ||
		    memcmp(&j, &k, sizeof(j)) != 0)
			abort();
	}
	return 0;
}
