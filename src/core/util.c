/* Allocation wrappers that fail loudly, hashing, and small string helpers. */
#include <ctype.h>
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
