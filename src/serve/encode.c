/* Content coding: gzip for clients that accept it (Accept-Encoding, RFC 9110 12.5.3). A
 * JSON or HTML answer shrinks to a tenth or less; the bytes are the same for the same body
 * (no time in the gzip header), so the coded answer has a stable ETag of its own. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "serve/serve_private.h"

int accepts_gzip(const char *ae)
{
	if (ae == NULL)
		return 0;
	/* a list of "coding[;q=VALUE]"; gzip (or x-gzip) with no q or a q above 0 */
	for (const char *p = ae; *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		size_t n = strcspn(p, ",;");
		int is_gzip = (n == 4 && strncasecmp(p, "gzip", 4) == 0) ||
		              (n == 6 && strncasecmp(p, "x-gzip", 6) == 0);
		p += n;
		double q = 1;
		if (*p == ';') {
			const char *e = p + 1;
			while (*e == ' ')
				e++;
			if (strncasecmp(e, "q=", 2) == 0)
				q = strtod(e + 2, NULL);
			p += strcspn(p, ",");
		}
		if (is_gzip)
			return q > 0;
	}
	return 0;
}

int gzip_encode(const char *in, size_t n, char **out, size_t *outlen)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	size_t cap = deflateBound(&z, (uLong)n);
	char *buf = malloc(cap);
	if (buf == NULL) {
		deflateEnd(&z);
		return -1;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)buf;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	size_t len = cap - z.avail_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(buf);
		return -1;
	}
	*out = buf;
	*outlen = len;
	return 0;
}
