/*
 * fetch — downloading public data sets with libcurl: a cache directory keyed by URL,
 * conditional requests (ETag / Last-Modified) so unchanged files are not fetched again,
 * resumption of interrupted downloads (HTTP Range), SHA-256 checksums, progress on a
 * terminal, and a mirror directory that replaces the network entirely.
 */
#ifndef ROUTEMARK_FETCH_H
#define ROUTEMARK_FETCH_H

#include <stdint.h>
#include <time.h>

#include "core/core.h"

struct fetch_options {
	const char *cache_dir;  /* where downloads are kept (created if missing) */
	const char *mirror_dir; /* if set: files come from here, never from the network */
	int progress;           /* 1: show progress on stderr (only when it is a terminal) */
	long connect_timeout;   /* seconds; 0 = 20 */
	long timeout;           /* seconds for the whole transfer; 0 = none */
	long low_speed_time;    /* abort when under 1 KiB/s for this long; 0 = 60 */
};

struct fetch_result {
	char path[4096]; /* the local file to read */
	char sha256[65]; /* of that file */
	uint64_t size;
	int from_cache;   /* 1: the server said 304 Not Modified, or offline cache hit */
	int from_mirror;  /* 1: taken from the mirror directory */
	int resumed;      /* 1: an interrupted download was continued */
	long http_status; /* last HTTP status (0 for file:// and mirror) */
};

/*
 * Make the resource available locally. With a mirror directory, mirror_name (a path relative
 * to it; NULL = the URL's last path element) is used and the network is not touched. Else the
 * URL is fetched into the cache, conditionally when a cached copy exists. When expect_sha256
 * is set the file must match it (a mismatch deletes the download and fails). Returns 0, or -1
 * with the reason logged (URL, HTTP status or curl error, file).
 */
int fetch_get(const struct fetch_options *o, const char *url, const char *mirror_name,
    const char *expect_sha256, struct fetch_result *res);

/* 0 when the URL's server answers at all (any HTTP status) within timeout seconds, -1 when
 * it cannot be reached (no route, no DNS, refused). */
int fetch_probe(const char *url, long timeout);

/* SHA-256 of a file as lowercase hex (65 bytes with NUL). Returns -1 when unreadable. */
int fetch_sha256_file(const char *path, char out[65]);
int fetch_sha256_mem(const void *buf, size_t len, char out[65]);

/* Global libcurl set-up; call once before threads start, and the cleanup at exit. */
int fetch_global_init(void);
void fetch_global_cleanup(void);

/* ---------------------------------------------------------------- sources */

/* The public data sets `routemark run` fetches: kind, name, URL (possibly dated), the file
 * that stands for it in a mirror directory, and where its past editions are archived (for
 * `run --backfill`). */
struct source {
	char kind[16]; /* mrt, vrps, irr, asrel, bogons, delegated, peeringdb, asnames */
	char name[48];
	char period[8];   /* publication period: "2h", "8h", "1d", "1M", or "-" (a fixed URL) */
	char lag[8];      /* how long after a period its file appears: "3h", "45d", "-" */
	char url[512];    /* may hold {YYYY} {MM} {DD} {HH} {mm}; "-": archive only (backfill) */
	char mirror[256]; /* path in a mirror directory, "-" when a mirror has none */
	/* the file of a past date: a template like url; "=" the url's own template; "current"
	 * no archive (a backfill takes today's file); "-" a backfill does not use it (another
	 * source archives the same data) */
	char archive[512];
};

struct sources {
	struct source *v;
	int n;
};

/* The built-in list (the text that --list-sources prints). */
extern const char sources_default_text[];
/* Parse the text form ("kind name period lag url mirror [archive]" lines, # comments; without
 * archive: "=" for a dated URL, "current" for a fixed one). Errors name origin and line.
 * Returns 0 or -1. */
int sources_parse(const char *text, const char *origin, struct sources *out);
int sources_load_file(const char *path, struct sources *out);
void sources_free(struct sources *s);
/* The URL of s for the newest period published by time now. Returns -1 on a bad template. */
int source_url(const struct source *s, time_t now, char *buf, size_t size);
/* The archived URL of s for the period holding date (monthly: the first of its month).
 * Returns 0, 1 when s has no archive ("current" or "-": no URL written), -1 on a bad
 * template. */
int source_archive_url(const struct source *s, time_t date, char *buf, size_t size);

#endif
