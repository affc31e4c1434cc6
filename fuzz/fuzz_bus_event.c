/* libFuzzer target: a route event off the bus (bus_event_decode), the bus's parser of outside
 * bytes (whatever a collector, or anyone with access to the stream, published). A decoded
 * event is valid (router name 1..255 bytes, AS path segments adding up) and encodes back to
 * exactly the same bytes: the format has one encoding per event. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bus/bus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bus_event ev;
	const char *err = NULL;
	size_t off = 0;
	if (bus_event_decode(data, size, &ev, &err, &off) != 0) {
		if (err == NULL || off > size)
			abort();
		return 0;
	}
	size_t rl = strlen(ev.router);
	if (rl == 0 || rl > 255)
		abort();
	uint8_t *buf = NULL;
	size_t cap = 0;
	ssize_t n = bus_event_encode(&ev, &buf, &cap);
	if (n < 0 || (size_t)n != size || memcmp(buf, data, size) != 0)
		abort();
	free(buf);
	bus_event_free(&ev);
	return 0;
}
