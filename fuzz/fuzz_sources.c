/* libFuzzer target: the sources list parser of `routemark run` and its URL templates, current
 * and archived. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/fetch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	log_set_level(LOG_LVL_ERR + 0);
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	struct sources s;
	if (sources_parse(text, "fuzz", &s) == 0) {
		char url[1024];
		for (int i = 0; i < s.n; i++) {
			source_url(&s.v[i], 1764000000, url, sizeof(url));
			source_url(&s.v[i], 0, url, sizeof(url));
			source_archive_url(&s.v[i], 1704412800, url, sizeof(url));
			source_archive_url(&s.v[i], 0, url, sizeof(url));
		}
		sources_free(&s);
	}
	free(text);
	return 0;
}
