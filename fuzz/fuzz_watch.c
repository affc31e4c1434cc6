/* libFuzzer target: the monitor's watch file (YAML through libyaml, then routemark's keys).
 * A file that loads has its prefixes in the trie, its ASes sorted and distinct, and options
 * within their ranges; a file that does not load leaves nothing behind (ASan sees leaks). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alert/alert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	log_set_level(LOG_LVL_ERR); /* warnings about bad input are expected */
	struct watch *w = watch_load_mem((const char *)data, size, "fuzz");
	if (w == NULL)
		return 0;
	for (size_t i = 0; i < w->nprefixes; i++)
		if (trie_exact(&w->trie, &w->prefixes[i].prefix) != &w->prefixes[i])
			abort();
	for (size_t i = 1; i < w->nasns; i++)
		if (w->asns[i - 1].asn >= w->asns[i].asn)
			abort();
	if (!(w->visibility_percent >= 1 && w->visibility_percent <= 100) || w->hold_down < 0 ||
	    w->update_interval < 0 || w->visibility_min_peers < 1)
		abort();
	watch_free(w);
	return 0;
}
