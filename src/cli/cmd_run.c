/*
 * routemark run: the main job. Fetch the current public data (or take it from a mirror
 * directory), analyze it into the store, and print the Internet-wide summary.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/analyze.h"
#include "cli/cli.h"
#include "cli/refs.h"
#include "cli/run.h"
#include "fetch/fetch.h"

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark run [options]\n\n"
	    "Fetch the current public data (RouteViews and RIS RIBs and updates, an rpki-client\n"
	    "VRP export, IRR dumps, CAIDA relationships, Team Cymru bogons, NRO delegations,\n"
	    "PeeringDB, AS names), analyze it, store the snapshot and print the summary.\n"
	    "Downloads are cached (ETag / Last-Modified), resumed when interrupted, and "
	    "checked.\n"
	    "With a mirror (--mirror, ROUTEMARK_MIRROR, or the shared data when offline) and no\n"
	    "--sources or --only, run makes a history instead: one snapshot per routing data set\n"
	    "of the history, in time order, each with the reference data closest in time, and\n"
	    "says which it used and how far it is from the routing data.\n"
	    "With --backfill, run builds a history from the public archives: one snapshot per\n"
	    "date, labelled with the date; dates already stored are skipped (a rerun resumes).\n\n"
	    "options:\n"
	    "  --db FILE|URL       the store (default routemark.db; or postgresql://...)\n"
	    "  --cache DIR         download cache (default $XDG_CACHE_HOME/routemark or\n"
	    "                      ~/.cache/routemark)\n"
	    "  --mirror DIR        take every source from DIR instead of the network (also\n"
	    "                      ROUTEMARK_MIRROR); without it, when the network cannot be\n"
	    "                      reached and ../shared/data exists, that is used and said so\n"
	    "  --sources FILE      the list of sources (default: built in; see --list-sources)\n"
	    "  --list-sources      print the built-in list in the file format and exit\n"
	    "  --only KINDS        fetch only these kinds, comma-separated (e.g. mrt,vrps)\n"
	    "  --history FILE      with a mirror: the snapshots to make and the reference data\n"
	    "                      to choose from (default: built in; see --list-history)\n"
	    "  --list-history      print the built-in history in the file format and exit\n"
	    "  --backfill FROM..TO every date of the range (YYYY-MM-DD or YYYY-MM, a month as\n"
	    "                      TO meaning its last day) from each source's archive\n"
	    "  --every UNIT        with --backfill: day, week or month (default month)\n"
	    "  --dry-run           with a mirror: print which data each snapshot would use, and\n"
	    "                      its distance from the routing data, then exit; with\n"
	    "                      --backfill: print each date's sources and URLs, fetch nothing\n"
	    "  --label TEXT        a name for the snapshot\n"
	    "  --strict            malformed input is fatal (exit 2)\n"
	    "  --no-progress       no progress lines\n"
	    "  --set KEY=VALUE     a setting MANRS publishes no number for (as in analyze)\n"
	    "  --stale-days N      reference data more than N days from the routing data is a\n"
	    "                      warning of the snapshot's provenance (default 30)\n"
	    "  -h, --help          this help\n\n"
	    "exit codes: 0 stored; 1 no routing data could be had, a backfill date failed, or a\n"
	    "store error; 2 malformed\n"
	    "input under --strict. See routemark-run(1).\n");
}

/* The default download cache (allocated: the environment may hold any length). */
static char *default_cache(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (xdg && *xdg)
		return xasprintf("%s/routemark", xdg);
	if (home && *home)
		return xasprintf("%s/.cache/routemark", home);
	return xstrdup("routemark-cache");
}

int run_kind_wanted(const char *only, const char *kind)
{
	if (only == NULL)
		return 1;
	size_t n = strlen(kind);
	for (const char *p = only; (p = strstr(p, kind)) != NULL; p += n)
		if ((p == only || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

/* Record a fetched file under its kind: an MRT file to read, or reference data. */
static void add_file(struct refs_spec *r, const char *kind, const char *path, const char ***mrt,
    size_t *nmrt, size_t *capmrt)
{
	if (strcmp(kind, "mrt") == 0) {
		XGROW(*mrt, *capmrt, *nmrt + 1);
		(*mrt)[(*nmrt)++] = path;
	} else
		refs_spec_add(r, kind, path);
}

static const char *base(const char *path)
{
	return strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
}

/* What snapshot s of the plan uses, with dates and distances. */
static void plan_print(const struct plan *p, size_t i)
{
	const struct plan_snapshot *s = &p->snap[i];
	char t[32], d[16];
	struct tm tm;
	time_t tt = (time_t)s->time;
	gmtime_r(&tt, &tm);
	strftime(t, sizeof(t), "%Y-%m-%d %H:%M UTC", &tm);
	fprintf(stderr, "run: snapshot %zu of %zu: routing data of %s:", i + 1, p->nsnap, t);
	for (size_t j = 0; j < s->nrouting; j++)
		fprintf(stderr, " %s", base(s->routing[j]));
	fputc('\n', stderr);
	for (size_t j = 0; j < s->nrefs; j++) {
		const struct plan_ref *r = s->refs[j];
		if (r->time > 0) {
			tt = (time_t)r->time;
			gmtime_r(&tt, &tm);
			strftime(d, sizeof(d), "%Y-%m-%d", &tm);
			fprintf(stderr, "run:   %-9s %-48s %s %+6lld d (date from its %s)\n",
			    r->kind, base(r->path), d,
			    (long long)engine_days_between(s->time, r->time), r->date_from);
		} else
			fprintf(stderr, "run:   %-9s %-48s undated\n", r->kind, base(r->path));
	}
}

/* The history of a mirror: every snapshot of the plan in time order, each with its own
 * reference data. Returns the first failing analysis's status, else 0. */
static int run_history(struct analyze_opts *o, const char *mirror, const char *file, int dry)
{
	char *text = NULL;
	size_t len;
	if (file && (text = zinput_slurp(file, &len)) == NULL)
		return 1;
	struct plan p;
	int rc = engine_plan_parse(
	    text ? text : engine_plan_default_text, file ? file : "built-in history", mirror, &p);
	free(text);
	if (rc != 0)
		return 1;
	if (p.nsnap == 0) {
		log_err("run: no snapshot of the history has its routing data in %s", mirror);
		engine_plan_free(&p);
		return 1;
	}
	fprintf(stderr, "run: a history of %zu snapshots from %s, oldest first\n", p.nsnap, mirror);
	int status = 0;
	for (size_t i = 0; i < p.nsnap && status == 0; i++) {
		plan_print(&p, i);
		if (dry)
			continue;
		int strict = o->refs.spec.strict;
		refs_spec_free(&o->refs.spec);
		memset(&o->refs.spec, 0, sizeof(o->refs.spec));
		o->refs.spec.strict = strict;
		for (size_t j = 0; j < p.snap[i].nrefs; j++)
			refs_spec_add(
			    &o->refs.spec, p.snap[i].refs[j]->kind, p.snap[i].refs[j]->path);
		status = analyze_run(o, (const char *const *)p.snap[i].routing, p.snap[i].nrouting);
	}
	refs_spec_free(&o->refs.spec);
	memset(&o->refs.spec, 0, sizeof(o->refs.spec));
	engine_plan_free(&p);
	return status;
}

/* Without an explicit mirror: when the first source's server cannot be reached and the
 * project's shared data folder is beside us, use it as the mirror. */
static const char *offline_mirror(const struct sources *src)
{
	if (src->n == 0 || fetch_probe(src->v[0].url, 5) == 0)
		return NULL;
	const char *cand[] = {getenv("ROUTEMARK_DATA"), "../shared/data", "../../shared/data"};
	for (size_t i = 0; i < sizeof(cand) / sizeof(cand[0]); i++) {
		if (cand[i] == NULL)
			continue;
		char *p = xasprintf("%s/SOURCES.md", cand[i]);
		int found = access(p, R_OK) == 0;
		free(p);
		if (found)
			return cand[i];
	}
	return NULL;
}

int cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
	    JOB_LONG_OPTIONS,
	    {"cache", required_argument, NULL, 'c'},
	    {"mirror", required_argument, NULL, 'm'},
	    {"sources", required_argument, NULL, 'S'},
	    {"list-sources", no_argument, NULL, 'L'},
	    {"only", required_argument, NULL, 'o'},
	    {"history", required_argument, NULL, 'H'},
	    {"list-history", no_argument, NULL, 'T'},
	    {"dry-run", no_argument, NULL, 'n'},
	    {"backfill", required_argument, NULL, 'B'},
	    {"every", required_argument, NULL, 'E'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char *cache = NULL;
	const char *sources_file = NULL, *only = NULL, *history = NULL, *backfill = NULL,
	           *every = NULL;
	int dry = 0;
	struct fetch_options fo = {.progress = 1};
	struct analyze_opts o;
	analyze_opts_init(&o);
	fo.mirror_dir = getenv("ROUTEMARK_MIRROR");
	int opt, rc;
	if (cli_opt_begin("run", longopts, &argc, &argv) != 0)
		return 1;
	while ((opt = cli_getopt(argc, argv, "h", longopts, usage, &rc)) != -1) {
		int r = analyze_option(&o, opt, optarg);
		if (r < 0) {
			analyze_opts_free(&o);
			return 1;
		}
		if (r > 0)
			continue;
		switch (opt) {
		case CLI_OPT_EXIT:
			return rc;
		case 'c':
			fo.cache_dir = optarg;
			break;
		case 'm':
			fo.mirror_dir = optarg;
			break;
		case 'S':
			sources_file = optarg;
			break;
		case 'L':
			fputs(sources_default_text, stdout);
			return 0;
		case 'o':
			only = optarg;
			break;
		case 'H':
			history = optarg;
			break;
		case 'T':
			fputs(engine_plan_default_text, stdout);
			return 0;
		case 'n':
			dry = 1;
			break;
		case 'B':
			backfill = optarg;
			break;
		case 'E':
			every = optarg;
			break;
		}
	}
	fo.progress = !o.no_progress;
	if (cli_no_args("run", argc, argv, usage) != 0)
		return 1;
	struct sources src;
	if ((sources_file ? sources_load_file(sources_file, &src)
	                  : sources_parse(sources_default_text, "built-in sources", &src)) != 0)
		return 1;
	if (fo.cache_dir == NULL)
		fo.cache_dir = cache = default_cache();
	fetch_global_init();
	if (backfill || every) {
		int status = 1;
		if (backfill == NULL)
			log_err("run: --every goes with --backfill");
		else if (history)
			log_err("run: --history makes a history from a mirror; --backfill from the "
			        "archives");
		else
			status = run_backfill(&o, &fo, &src, only, backfill, every, dry);
		analyze_opts_free(&o);
		sources_free(&src);
		free(cache);
		fetch_global_cleanup();
		return status;
	}
	if (fo.mirror_dir == NULL && (fo.mirror_dir = offline_mirror(&src)) != NULL)
		fprintf(stderr,
		    "run: the network cannot be reached; using the mirror %s "
		    "(the project's shared data) instead\n",
		    fo.mirror_dir);
	else if (fo.mirror_dir)
		fprintf(stderr, "run: taking every source from the mirror %s\n", fo.mirror_dir);
	if (fo.mirror_dir && sources_file == NULL && only == NULL) {
		int status = run_history(&o, fo.mirror_dir, history, dry);
		if (status == 0 && !dry) {
			char *sargv[] = {"summary", "--db", (char *)o.job.db, NULL};
			printf("\n");
			status = cmd_summary(3, sargv);
		}
		analyze_opts_free(&o);
		sources_free(&src);
		free(cache);
		fetch_global_cleanup();
		return status;
	}
	if (dry || history) {
		log_err("run: --history and --dry-run make a history from a mirror (--mirror)");
		analyze_opts_free(&o);
		sources_free(&src);
		free(cache);
		fetch_global_cleanup();
		return 1;
	}
	time_t now = time(NULL);
	struct fetch_result *res = xcalloc((size_t)src.n + 1, sizeof(*res));
	const char **mrt = NULL;
	size_t nmrt = 0, capmrt = 0;
	for (int i = 0; i < src.n; i++) {
		const struct source *s = &src.v[i];
		char url[1024];
		if (!run_kind_wanted(only, s->kind) || strcmp(s->url, "-") == 0)
			continue;
		if (fo.mirror_dir && strcmp(s->mirror, "-") == 0) {
			fprintf(stderr,
			    "run: %-22s not in the mirror: skipped (its metrics: no data)\n",
			    s->name);
			continue;
		}
		if (source_url(s, now, url, sizeof(url)) != 0) {
			log_err("%s: bad URL template %s", s->name, s->url);
			continue;
		}
		if (fetch_get(&fo, url, strcmp(s->mirror, "-") ? s->mirror : NULL, NULL, &res[i]) !=
		    0) {
			fprintf(stderr, "run: %-22s unavailable: skipped (its metrics: no data)\n",
			    s->name);
			continue;
		}
		fprintf(stderr, "run: %-22s %s%s (%.1f MiB)\n", s->name, res[i].path,
		    res[i].from_cache ? ", not modified"
		    : res[i].resumed  ? ", resumed"
		                      : "",
		    (double)res[i].size / 1048576);
		add_file(&o.refs.spec, s->kind, res[i].path, &mrt, &nmrt, &capmrt);
	}
	int status = 1;
	if (nmrt == 0)
		log_err("run: no routing data (MRT) could be fetched; nothing to analyze");
	else {
		status = analyze_run(&o, mrt, nmrt);
	}
	if (status == 0) {
		char *sargv[] = {"summary", "--db", (char *)o.job.db, NULL};
		printf("\n");
		status = cmd_summary(3, sargv);
	}
	analyze_opts_free(&o);
	free(mrt);
	free(res);
	sources_free(&src);
	free(cache);
	fetch_global_cleanup();
	return status;
}
