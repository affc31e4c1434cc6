/* The jobs of a batch analysis over the bus (docs/scaling.md, "Batch analysis"): text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus/bus.h"

static int run_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= sizeof(((struct bus_job *)0)->run))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		        (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

int bus_job_encode(const struct bus_job *j, char *buf, size_t size)
{
	if (!run_ok(j->run) || j->file >= j->nfiles || j->path[0] == '\0' ||
	    strchr(j->path, '\n') != NULL)
		return -1;
	int n = snprintf(buf, size,
	    "routemark-job 1\nrun %s\nfile %u\nfiles %u\ntable_time %lld\nstrict %d\npath %s\n",
	    j->run, j->file, j->nfiles, (long long)j->table_time, j->strict ? 1 : 0, j->path);
	return n < 0 || (size_t)n >= size ? -1 : n;
}

int bus_job_decode(const void *data, size_t len, struct bus_job *j)
{
	memset(j, 0, sizeof(*j));
	const char *p = data, *end = p + len;
	unsigned seen = 0;
	int first = 1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			return -1; /* every line ends */
		size_t ll = (size_t)(nl - p);
		char line[4200];
		if (ll >= sizeof(line))
			return -1;
		memcpy(line, p, ll);
		line[ll] = '\0';
		p = nl + 1;
		if (memchr(line, '\0', ll) != NULL)
			return -1;
		if (first) {
			if (strcmp(line, "routemark-job 1") != 0)
				return -1;
			first = 0;
			continue;
		}
		char *v = strchr(line, ' ');
		if (v == NULL)
			return -1;
		*v++ = '\0';
		char *e;
		unsigned bit;
		if (strcmp(line, "run") == 0) {
			if (!run_ok(v))
				return -1;
			snprintf(j->run, sizeof(j->run), "%s", v);
			bit = 1;
		} else if (strcmp(line, "path") == 0) {
			if (*v == '\0' || strlen(v) >= sizeof(j->path))
				return -1;
			snprintf(j->path, sizeof(j->path), "%s", v);
			bit = 2;
		} else {
			long long x = strtoll(v, &e, 10);
			if (*v == '\0' || *e != '\0' || x < 0)
				return -1;
			if (strcmp(line, "file") == 0 && x < UINT32_MAX)
				j->file = (uint32_t)x, bit = 4;
			else if (strcmp(line, "files") == 0 && x <= UINT32_MAX)
				j->nfiles = (uint32_t)x, bit = 8;
			else if (strcmp(line, "table_time") == 0 && x <= UINT32_MAX)
				j->table_time = x, bit = 16;
			else if (strcmp(line, "strict") == 0 && x <= 1)
				j->strict = (int)x, bit = 32;
			else
				return -1;
		}
		if (seen & bit)
			return -1; /* a field twice */
		seen |= bit;
	}
	return seen == 63 && j->file < j->nfiles ? 0 : -1;
}

void bus_job_key(const char *run, uint32_t file, char *buf, size_t size)
{
	snprintf(buf, size, "res-%s-%u", run, file);
}
