/* Line iteration over plain or gzip files (zlib reads plain files transparently). */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/core.h"
#include "registry/registry_private.h"

#define LINE_MAX_LEN (64 * 1024)

int reg_each_line(const char *path, reg_line_fn fn, void *arg)
{
	gzFile f = gzopen(path, "rb");
	if (f == NULL) {
		log_err("%s: cannot open", path);
		return -1;
	}
	gzbuffer(f, 128 * 1024);
	char *buf = xmalloc(LINE_MAX_LEN);
	uint64_t lineno = 0;
	int cut = 0, rc = 0;
	while (gzgets(f, buf, LINE_MAX_LEN) != NULL) {
		size_t n = strlen(buf);
		int complete = n > 0 && buf[n - 1] == '\n';
		if (cut) { /* the rest of an over-long line */
			cut = !complete;
			continue;
		}
		lineno++;
		if (!complete && !gzeof(f)) {
			log_warn("%s:%llu: line longer than %d bytes cut", path,
			    (unsigned long long)lineno, LINE_MAX_LEN);
			cut = 1;
		}
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			buf[--n] = '\0';
		fn(buf, n, lineno, arg);
	}
	int err;
	const char *msg = gzerror(f, &err);
	if (err != Z_OK && err != Z_STREAM_END) {
		log_err("%s: after line %llu: %s", path, (unsigned long long)lineno, msg);
		rc = -1;
	}
	gzclose(f);
	free(buf);
	return rc;
}
