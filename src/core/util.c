/* Allocation wrappers that fail loudly, hashing, and small string helpers. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core.h"

static void oom(size_t n)
{
	fprintf(stderr, "routemark: out of memory (%zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		oom(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		oom(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom(n);
	return p;
}

void *xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size) {
		fprintf(
		    stderr, "routemark: allocation of %zu x %zu bytes overflows\n", nmemb, size);
		abort();
	}
	return xrealloc(p, nmemb * size);
}

void xgrow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return;
	size_t n = *cap < 16 ? 16 : *cap;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			n = need;
		else
			n *= 2;
	}
	*p = xreallocarray(*p, n, size);
	*cap = n;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom(0);
	return s;
}

int hostport_split(const char *s, char **host, char **port, const char **err)
{
	const char *h, *he, *p;
	*host = *port = NULL;
	if (s[0] == '[') {
		h = s + 1;
		he = strchr(h, ']');
		if (he == NULL || he[1] != ':') {
			*err = "expected [IPV6]:PORT";
			return -1;
		}
		p = he + 2;
	} else {
		h = s;
		he = strchr(s, ':');
		if (he == NULL) {
			*err = "expected HOST:PORT";
			return -1;
		}
		if (strchr(he + 1, ':') != NULL) {
			*err = "an IPv6 address needs brackets: [ADDR]:PORT";
			return -1;
		}
		p = he + 1;
	}
	if (he == h) {
		*err = "empty host";
		return -1;
	}
	if (*p == '\0') {
		*err = "empty port";
		return -1;
	}
	if (isdigit((unsigned char)*p)) {
		char *end;
		errno = 0;
		unsigned long v = strtoul(p, &end, 10);
		if (*end != '\0' || errno != 0 || v == 0 || v > 65535) {
			*err = "port must be 1..65535";
			return -1;
		}
	} else {
		for (const char *c = p; *c; c++)
			if (!isalnum((unsigned char)*c) && *c != '-') {
				*err = "port must be a number or a service name";
				return -1;
			}
	}
	*host = xmalloc((size_t)(he - h) + 1);
	memcpy(*host, h, (size_t)(he - h));
	(*host)[he - h] = '\0';
	*port = xstrdup(p);
	return 0;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

uint32_t hash_bytes(const void *p, size_t n, uint32_t seed)
{
	const uint8_t *b = p;
	uint32_t h = 2166136261u ^ seed;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 16777619u;
	}
	/* final avalanche so that low bits are usable as a table index */
	h ^= h >> 16;
	h *= 0x7feb352d;
	h ^= h >> 15;
	h *= 0x846ca68b;
	h ^= h >> 16;
	return h;
}

int split_ws(char *s, char **fields, int max)
{
	int n = 0;
	while (*s && n < max) {
		while (*s && isspace((unsigned char)*s))
			*s++ = '\0';
		if (*s == '\0')
			break;
		fields[n++] = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
	}
	if (*s)
		*s = '\0';
	return n;
}

void html_put(FILE *f, const char *markup, const char *text)
{
	fputs(markup, f);
	html_escape(f, text);
}

void html_escape(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

double clock_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

double clock_thread_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

const char *time_utc_strftime(int64_t t, const char *fmt, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (t <= 0 || gmtime_r(&tt, &tm) == NULL)
		return "-";
	strftime(buf, size, fmt, &tm);
	return buf;
}

const char *time_utc_format(int64_t t, char *buf, size_t size)
{
	return time_utc_strftime(t, "%Y-%m-%d %H:%M UTC", buf, size);
}

int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

size_t u32_lower_bound(const void *base, size_t n, size_t size, size_t offset, uint32_t x)
{
	const unsigned char *b = base;
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t k;
		memcpy(&k, b + mid * size + offset, sizeof(k));
		if (k < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

int time_parse_utc(const char *s, int64_t *out)
{
	if (isdigit((unsigned char)s[0]) && strlen(s) <= 12 && strchr(s, '-') == NULL) {
		char *end;
		unsigned long long u = strtoull(s, &end, 10);
		if (*end != '\0' || u > 253402300799ULL)
			return -1;
		*out = (int64_t)u;
		return 0;
	}
	struct tm tm = {0};
	int y, mo, d, h = 0, mi = 0, sec = 0;
	size_t n = strlen(s);
	if (n < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d))
		return -1;
	const char *p = s + 10;
	if (*p == 'T' || *p == ' ') {
		if (digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi))
			return -1;
		p += 6;
		if (*p == ':') {
			if (digits(p + 1, 2, &sec))
				return -1;
			p += 3;
		}
	}
	if (*p == 'Z')
		p++;
	if (*p != '\0' || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = (int64_t)timegm(&tm);
	return 0;
}

void u64_radix_sort(uint64_t *v, size_t n, unsigned lo, unsigned hi)
{
	if (n < 2)
		return;
	uint64_t *tmp = xreallocarray(NULL, n, sizeof(*tmp)), *src = v, *dst = tmp;
	size_t *count = xcalloc(65537, sizeof(*count));
	for (unsigned shift = lo; shift < hi; shift += 16) {
		memset(count, 0, 65537 * sizeof(*count));
		for (size_t x = 0; x < n; x++)
			count[(src[x] >> shift & 0xffff) + 1]++;
		for (size_t d = 1; d <= 65536; d++)
			count[d] += count[d - 1];
		for (size_t x = 0; x < n; x++)
			dst[count[src[x] >> shift & 0xffff]++] = src[x];
		uint64_t *t = src;
		src = dst, dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(count);
	free(tmp);
}
