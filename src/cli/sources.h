/* The public data sets `routemark run` fetches: kind, name, URL (possibly dated), and the file
 * that stands for it in a mirror directory. */
#ifndef ROUTEMARK_CLI_SOURCES_H
#define ROUTEMARK_CLI_SOURCES_H

#include <time.h>

struct source {
	char kind[16];     /* mrt, vrps, irr, asrel, bogons, delegated, peeringdb, asnames */
	char name[48];
	char period[8];    /* publication period: "2h", "8h", "1d", "1M", or "-" (a fixed URL) */
	char lag[8];       /* how long after a period its file appears: "3h", "45d", "-" */
	char url[512];     /* may hold {YYYY} {MM} {DD} {HH} */
	char mirror[256];  /* path in a mirror directory, "-" when a mirror has none */
};

struct sources {
	struct source *v;
	int n;
};

/* The built-in list (the text that --list-sources prints). */
extern const char sources_default_text[];
/* Parse the text form ("kind name period lag url mirror" lines, # comments). Errors name
 * origin and line. Returns 0 or -1. */
int sources_parse(const char *text, const char *origin, struct sources *out);
int sources_load_file(const char *path, struct sources *out);
void sources_free(struct sources *s);
/* The URL of s for the newest period published by time now. Returns -1 on a bad template. */
int source_url(const struct source *s, time_t now, char *buf, size_t size);

#endif
