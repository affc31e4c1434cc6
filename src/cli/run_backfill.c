/*
 * routemark run --backfill: history from the public archives. One snapshot per date of a
 * range, labelled with the date, from each source's archived file of that date (RouteViews
 * and RIS RIBs and updates, CAIDA relationships, the RIRs' VRPs as archived by the RIPE NCC,
 * NRO delegations); a source with no archive gives today's file, and the snapshot's
 * provenance says so. Resumable: a date the store holds is not fetched or analyzed again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/run.h"

#define BACKFILL_MAX_DATES 40000 /* a century of days */
#define BACKFILL_MAX_FILES 64    /* sources of one date */

/* One file of a date's plan. */
struct bf_file {
	const struct source *s;
	char url[1024];
	int current; /* no archive: today's file */
	const char *path;
};

/* The files fetched in this run, by URL: a file shared by several dates (a monthly one, a
 * current one) is asked for once. */
struct bf_fetched {
	char *url;
	struct fetch_result res;
};

struct bf_run {
	const struct fetch_options *fo;
	struct bf_fetched **got; /* pointers: a date's paths stay put while the list grows */
	size_t ngot, capgot;
};

/* "YYYY-MM-DD", or "YYYY-MM" (its first day, or its last with last set), at 00:00 UTC;
 * -1 when malformed. */
static time_t parse_date(const char *s, size_t len, int last)
{
	char buf[16];
	int y, m, d = 1, n = 0;
	if (len != 7 && len != 10)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (len == 7 ? sscanf(buf, "%4d-%2d%n", &y, &m, &n) != 2
	             : sscanf(buf, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3)
		return -1;
	if ((size_t)n != len || y < 1970 || m < 1 || m > 12 || d < 1)
		return -1;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
	if (len == 7 && last) /* the day before the first of the next month */
		tm.tm_mon++;
	time_t t = timegm(&tm);
	if (len == 7 && last)
		t -= 86400;
	struct tm back;
	gmtime_r(&t, &back);
	if (len == 10 && back.tm_mday != d) /* 2024-02-30 */
		return -1;
	return t;
}

/* The k-th month after t, on t's day of the month (or the month's last day when shorter). */
static time_t add_months(time_t t, int k)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	int day = tm.tm_mday;
	tm.tm_mon += k;
	tm.tm_mday = 1;
	time_t first = timegm(&tm);
	tm.tm_mon++;
	time_t next = timegm(&tm);
	int days = (int)((next - first) / 86400);
	return first + (time_t)((day < days ? day : days) - 1) * 86400;
}

/* The dates of range "FROM..TO" every unit ("day", "week", "month"), oldest first. */
static int backfill_dates(const char *range, const char *every, time_t **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	const char *dots = strstr(range, "..");
	time_t from = dots ? parse_date(range, (size_t)(dots - range), 0) : -1;
	time_t to = dots ? parse_date(dots + 2, strlen(dots + 2), 1) : -1;
	if (from < 0 || to < 0 || to < from) {
		log_err("run: --backfill %s: expected FROM..TO, each YYYY-MM-DD or YYYY-MM, FROM "
		        "not after TO",
		    range);
		return -1;
	}
	int unit = strcmp(every, "day") == 0 ? 1 : strcmp(every, "week") == 0 ? 7 : 0;
	if (unit == 0 && strcmp(every, "month") != 0) {
		log_err("run: --every %s: expected day, week or month", every);
		return -1;
	}
	size_t cap = 0;
	for (int k = 0;; k++) {
		time_t t = unit ? from + (time_t)k * unit * 86400 : add_months(from, k);
		if (t > to)
			break;
		if (*n == BACKFILL_MAX_DATES) {
			log_err(
			    "run: --backfill %s: more than %d dates", range, BACKFILL_MAX_DATES);
			free(*out);
			*out = NULL;
			return -1;
		}
		XGROW(*out, cap, *n + 1);
		(*out)[(*n)++] = t;
	}
	return 0;
}

/* The labels of the snapshots in the store at db (none when it does not exist yet). */
static int stored_labels(const char *db, int dry, struct arena *a, char ***labels, size_t *n)
{
	*labels = NULL;
	*n = 0;
	if (access(db, F_OK) != 0)
		return 0;
	struct store *s;
	struct store_snapshot *v;
	size_t nv;
	if (store_open(db, dry, &s) != 0)
		return -1;
	int rc = store_snapshots(s, 0, a, &v, &nv);
	store_close(s);
	if (rc != 0)
		return -1;
	*labels = xcalloc(nv + 1, sizeof(**labels));
	for (size_t i = 0; i < nv; i++)
		if (v[i].label)
			(*labels)[(*n)++] = (char *)v[i].label;
	return 0;
}

static int label_stored(char *const *labels, size_t n, const char *label)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(labels[i], label) == 0)
			return 1;
	return 0;
}

/* The files of date: each wanted source's archived file, or today's when it has none. */
static int plan_date(const struct sources *src, const char *only, time_t date, time_t now,
    struct bf_file *f, size_t *n)
{
	*n = 0;
	for (int i = 0; i < src->n; i++) {
		const struct source *s = &src->v[i];
		if (!run_kind_wanted(only, s->kind) || strcmp(s->archive, "-") == 0)
			continue;
		if (*n == BACKFILL_MAX_FILES) {
			log_err("run: more than %d sources", BACKFILL_MAX_FILES);
			return -1;
		}
		struct bf_file *x = &f[(*n)++];
		memset(x, 0, sizeof(*x));
		x->s = s;
		int rc = source_archive_url(s, date, x->url, sizeof(x->url));
		if (rc == 1) {
			x->current = 1;
			rc = source_url(s, now, x->url, sizeof(x->url));
		}
		if (rc != 0) {
			log_err("%s: bad URL template", s->name);
			return -1;
		}
	}
	return 0;
}

/* The file's place in a mirror directory: the source's mirror path for today's file, else
 * the URL without its scheme (host/path, as `wget --mirror` lays it out). */
static const char *mirror_name(const struct bf_file *x)
{
	if (x->current && strcmp(x->s->mirror, "-") != 0)
		return x->s->mirror;
	const char *p = strstr(x->url, "://");
	return p ? p + 3 : x->url;
}

static const struct fetch_result *fetch_once(struct bf_run *r, const struct bf_file *x, int *again)
{
	for (size_t i = 0; i < r->ngot; i++)
		if (strcmp(r->got[i]->url, x->url) == 0) {
			*again = 1;
			return &r->got[i]->res;
		}
	*again = 0;
	struct bf_fetched *g = xcalloc(1, sizeof(*g));
	if (fetch_get(r->fo, x->url, mirror_name(x), NULL, &g->res) != 0) {
		free(g);
		return NULL;
	}
	g->url = xstrdup(x->url);
	XGROW(r->got, r->capgot, r->ngot + 1);
	r->got[r->ngot++] = g;
	return &g->res;
}

static int mkdir_p(const char *dir)
{
	char *p = xstrdup(dir);
	int rc = 0;
	for (char *q = p + 1; rc == 0; q++)
		if (*q == '/' || *q == '\0') {
			char c = *q;
			*q = '\0';
			if (mkdir(p, 0755) != 0 && errno != EEXIST)
				rc = -1;
			*q = c;
			if (c == '\0')
				break;
		}
	free(p);
	return rc;
}

/* The engine takes one VRP file: the per-trust-anchor CSV files of a date become one, in
 * the cache (named by the date, which is the VRPs' date), headers after the first dropped. */
static char *merge_vrps(const char *cache, const char *label, const struct bf_file *f, size_t n)
{
	char *out = xasprintf("%s/backfill-vrps-%s.csv", cache, label);
	char *tmp = xasprintf("%s.part", out);
	FILE *w = NULL;
	int ok = mkdir_p(cache) == 0 && (w = fopen(tmp, "w")) != NULL, first = 1;
	for (size_t i = 0; ok && i < n; i++) {
		if (strcmp(f[i].s->kind, "vrps") != 0)
			continue;
		size_t len;
		char *text = zinput_slurp(f[i].path, &len);
		if (text == NULL || text[strspn(text, " \t\r\n")] == '{') {
			if (text)
				log_err(
				    "%s: the VRP files of a date are merged as CSV; this one is "
				    "JSON",
				    f[i].url);
			free(text);
			ok = 0;
			break;
		}
		const char *body = text;
		if (!first && strncmp(text, "ASN,", 4) == 0) /* the header again */
			body = strchr(text, '\n') ? strchr(text, '\n') + 1 : text + len;
		size_t blen = len - (size_t)(body - text);
		ok = fwrite(body, 1, blen, w) == blen &&
		     (blen == 0 || body[blen - 1] == '\n' || fputc('\n', w) != EOF);
		first = 0;
		free(text);
	}
	if (w && fclose(w) != 0)
		ok = 0;
	if (ok && rename(tmp, out) != 0)
		ok = 0;
	if (!ok) {
		log_err("run: %s: cannot write the merged VRPs", out);
		unlink(tmp);
		free(out);
		out = NULL;
	}
	free(tmp);
	return out;
}

static int decides(const char *kind)
{
	return strcmp(kind, "vrps") == 0 || strcmp(kind, "irr") == 0 ||
	       strcmp(kind, "asrel") == 0 || strcmp(kind, "bogons") == 0;
}

/* Fetch the date's files and analyze them into the snapshot labelled label. 0 stored, 1
 * failed (said). */
static int backfill_one(
    struct bf_run *r, struct analyze_opts *o, const char *label, struct bf_file *f, size_t n)
{
	const char **mrt = xcalloc(n + 1, sizeof(*mrt));
	struct store_gap *gaps = xcalloc(n + 1, sizeof(*gaps));
	char(*detail)[256] = xcalloc(n + 1, sizeof(*detail));
	size_t nmrt = 0, ngaps = 0, nvrps = 0;
	char *merged = NULL;
	int status = 1;
	for (size_t i = 0; i < n; i++) {
		int again;
		const struct fetch_result *res = fetch_once(r, &f[i], &again);
		if (res == NULL) {
			fprintf(stderr, "run:   %-22s %s: unavailable; date %s not stored\n",
			    f[i].s->name, f[i].url, label);
			goto out;
		}
		f[i].path = res->path;
		fprintf(stderr, "run:   %-22s %s (%s%.1f MiB)%s\n", f[i].s->name, f[i].url,
		    again              ? "again, "
		    : res->from_mirror ? "mirror, "
		    : res->from_cache  ? "cached, "
		    : res->resumed     ? "resumed, "
		                       : "",
		    (double)res->size / 1048576, f[i].current ? " today's: no archive" : "");
		if (f[i].current) {
			snprintf(detail[ngaps], sizeof(detail[0]),
			    "%s %s has no archive: today's file stands in for %s", f[i].s->kind,
			    f[i].s->name, label);
			gaps[ngaps] = (struct store_gap){
			    f[i].s->kind, "not-archived", detail[ngaps], decides(f[i].s->kind)};
			ngaps++;
		}
		nvrps += strcmp(f[i].s->kind, "vrps") == 0;
	}
	if (nvrps > 1 && (merged = merge_vrps(r->fo->cache_dir, label, f, n)) == NULL)
		goto out;
	int strict = o->refs.spec.strict;
	refs_spec_free(&o->refs.spec);
	memset(&o->refs.spec, 0, sizeof(o->refs.spec));
	o->refs.spec.strict = strict;
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].s->kind, "mrt") == 0)
			mrt[nmrt++] = f[i].path;
		else if (strcmp(f[i].s->kind, "vrps") != 0 || merged == NULL)
			refs_spec_add(&o->refs.spec, f[i].s->kind, f[i].path);
	if (merged)
		refs_spec_add(&o->refs.spec, "vrps", merged);
	if (nmrt == 0) {
		log_err("run: %s: no routing data (MRT) among the sources", label);
		goto out;
	}
	o->job.label = label;
	o->job.gaps = gaps;
	o->job.ngaps = ngaps;
	status = analyze_run(o, mrt, nmrt) != 0;
	o->job.label = NULL;
	o->job.gaps = NULL;
	o->job.ngaps = 0;
out:
	free(merged);
	free(detail);
	free(gaps);
	free(mrt);
	return status;
}

/* The URLs of a plan, one string: two dates with the same files make one snapshot. */
static char *plan_key(const struct bf_file *f, size_t n)
{
	char *k = xstrdup("");
	for (size_t i = 0; i < n; i++) {
		char *next = xasprintf("%s %s", k, f[i].url);
		free(k);
		k = next;
	}
	return k;
}

int run_backfill(struct analyze_opts *o, const struct fetch_options *fo, const struct sources *src,
    const char *only, const char *range, const char *every, int dry)
{
	time_t *dates;
	size_t ndates, nlabels;
	char **labels;
	struct arena a;
	if (o->job.label) {
		log_err("run: --label and --backfill: each snapshot is labelled with its date");
		return 1;
	}
	if (backfill_dates(range, every ? every : "month", &dates, &ndates) != 0)
		return 1;
	arena_init(&a, 0);
	if (stored_labels(o->job.db, dry, &a, &labels, &nlabels) != 0) {
		free(dates);
		arena_free(&a);
		return 1;
	}
	struct bf_run r = {.fo = fo};
	struct bf_file *f = xcalloc(BACKFILL_MAX_FILES, sizeof(*f));
	char *prev = NULL, prev_label[16] = "";
	size_t nf, stored = 0, skipped = 0, same = 0, failed = 0;
	char *failures = xstrdup("");
	time_t now = time(NULL);
	fprintf(stderr, "run: backfill of %zu date%s (%s every %s) into %s\n", ndates,
	    ndates == 1 ? "" : "s", range, every ? every : "month", o->job.db);
	for (size_t i = 0; i < ndates; i++) {
		char label[16];
		time_utc_strftime(dates[i], "%Y-%m-%d", label, sizeof(label));
		if (label_stored(labels, nlabels, label)) {
			fprintf(stderr, "run: %zu/%zu %s: stored already\n", i + 1, ndates, label);
			skipped++;
			continue;
		}
		if (plan_date(src, only, dates[i], now, f, &nf) != 0) {
			failed = ndates;
			break;
		}
		if (dry) {
			for (size_t j = 0; j < nf; j++)
				printf("%s  %-20s %s%s\n", label, f[j].s->name, f[j].url,
				    f[j].current ? "  (no archive: today's)" : "");
			continue;
		}
		char *key = plan_key(f, nf);
		if (prev && strcmp(prev, key) == 0) {
			fprintf(stderr, "run: %zu/%zu %s: the same files as %s: skipped\n", i + 1,
			    ndates, label, prev_label);
			free(key);
			same++;
			continue;
		}
		free(prev);
		prev = key;
		snprintf(prev_label, sizeof(prev_label), "%s", label);
		fprintf(stderr, "run: %zu/%zu %s: %zu files\n", i + 1, ndates, label, nf);
		if (backfill_one(&r, o, label, f, nf) == 0)
			stored++;
		else {
			char *next = xasprintf("%s %s", failures, label);
			free(failures);
			failures = next;
			failed++;
		}
	}
	if (!dry)
		fprintf(stderr,
		    "run: backfill: %zu dates: %zu stored, %zu stored already, %zu the same files "
		    "as the date before, %zu failed%s%s\n",
		    ndates, stored, skipped, same, failed, failed ? ":" : "", failures);
	free(failures);
	free(prev);
	for (size_t i = 0; i < r.ngot; i++) {
		free(r.got[i]->url);
		free(r.got[i]);
	}
	int strict = o->refs.spec.strict; /* its paths were the fetched files' */
	refs_spec_free(&o->refs.spec);
	memset(&o->refs.spec, 0, sizeof(o->refs.spec));
	o->refs.spec.strict = strict;
	free(r.got);
	free(f);
	free(labels);
	arena_free(&a);
	free(dates);
	return failed ? 1 : 0;
}
