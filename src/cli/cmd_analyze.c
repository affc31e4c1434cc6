/* routemark analyze: stream MRT files through the checks and store a snapshot. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/analyze.h"
#include "cli/cli.h"
#include "cli/refs.h"

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark analyze [options] [reference data] MRT|TABLE...\n\n"
	    "Stream MRT RIB and update files (RIS, RouteViews; any compression) through the\n"
	    "MANRS checks with the reference data loaded once, and store a snapshot: routes with\n"
	    "their RPKI/IRR/bogon state, findings with evidence, incidents, per-AS metrics,\n"
	    "scores and readiness, and global coverage. Re-running on the same inputs replaces\n"
	    "the snapshot (idempotent); a failure leaves the store as it was.\n\n"
	    "A TABLE is a prefix-to-origin table (CAIDA RouteViews prefix2as, RIPE RIS riswhois,\n"
	    "pyasn), told from its content: each (prefix, origin) is a route checked against the\n"
	    "RPKI, the IRR and the bogon lists; it has no AS paths, so the path metrics (leaks,\n"
	    "customers' routes, bogon ASNs in paths) of a snapshot of tables alone are no data.\n\n"
	    "options:\n"
	    "  --db FILE|URL      the store (default routemark.db; or postgresql://...)\n"
	    "  --label TEXT       a name for the snapshot (default: the data's time span)\n"
	    "  --strict           malformed input (MRT records, reference rows) is fatal: exit 2\n"
	    "  --no-progress      no progress line on a terminal\n"
	    "  --stale-days N     reference data more than N days from the routing data is a\n"
	    "                     warning of the snapshot's provenance (default 30)\n"
	    "  --time TIME        the time of the tables' routes (YYYY-MM-DD[THH:MM] UTC or unix\n"
	    "                     seconds; default: the date in each table's file name)\n"
	    "  --bus URL          nats://HOST:PORT[,...]/STREAM: put one job per file on the bus;\n"
	    "                     workers (routemark worker --bus URL, any machines) read the\n"
	    "                     files, this process judges their routes in file order and\n"
	    "                     stores the snapshot a plain analyze would\n"
	    "  --wait SECONDS     --bus: give up after SECONDS without routes from a worker\n"
	    "                     (default 0: wait)\n"
	    "  --threads N        read up to N routing files at once (default: the CPUs less one\n"
	    "                     for judging, 1 to 8); their routes are judged in the order\n"
	    "                     named, so the snapshot is the same whatever N\n"
	    "  --set KEY=VALUE    a setting MANRS publishes no number for; repeatable: curve_k,\n"
	    "                     ready, aspiring, snapshot_score, rpki_invalid_factor,\n"
	    "                     action1_with_m1 (see routemark metrics)\n"
	    "  -h, --help         this help\n\n" REFS_HELP
	    "\nexit codes: 0 stored; 1 usage, unreadable input or store error; 2 malformed input\n"
	    "under --strict. See routemark-analyze(1).\n");
}

/* The progress line: files, records, routes, rate, and the share of the MRT bytes read with
 * the time left (from the files' sizes; without when reading a pipe). */
static void progress_show(const struct engine_progress *p, void *arg)
{
	(void)arg;
	char eta[48] = "";
	if (p->bytes_total) {
		double frac = (double)p->bytes_done / (double)p->bytes_total;
		if (frac > 0.01 && frac < 1) {
			int left = (int)(p->elapsed / frac - p->elapsed);
			snprintf(eta, sizeof(eta), " %3.0f%% ETA %d:%02d", 100 * frac, left / 60,
			    left % 60);
		} else
			snprintf(eta, sizeof(eta), " %3.0f%%", 100 * frac);
	}
	fprintf(stderr,
	    "\ranalyze: file %zu/%zu %-30.30s %10llu records %10llu routes %8.0f routes/s%s%s",
	    p->file, p->nfiles, p->name, (unsigned long long)p->records,
	    (unsigned long long)p->routes, p->elapsed > 0 ? (double)p->routes / p->elapsed : 0, eta,
	    p->file_done && p->file == p->nfiles ? "\n" : "");
}

static void print_summary(const struct engine_outcome *o, const char *db)
{
	const struct observe_totals *t = &o->tot;
	char *name = store_display_name(db);
	printf("snapshot %lld stored in %s (%s)\n", (long long)o->snap.id, name, o->snap.label);
	free(name);
	printf("  routes (prefix, origin): %llu   prefixes: %llu IPv4, %llu IPv6   ASes: %llu\n",
	    (unsigned long long)t->routes, (unsigned long long)t->prefixes_v4,
	    (unsigned long long)t->prefixes_v6, (unsigned long long)t->ases);
	printf("  RIB entries: %llu   announcements: %llu   withdrawals: %llu\n",
	    (unsigned long long)t->rib_entries, (unsigned long long)t->announcements,
	    (unsigned long long)t->withdrawals);
	printf("  findings: %llu   incidents: %llu   malformed records skipped: %llu   %.2f s\n",
	    (unsigned long long)t->findings, (unsigned long long)t->incidents,
	    (unsigned long long)o->malformed, o->seconds);
}

void analyze_opts_init(struct analyze_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->job.db = "routemark.db";
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	/* one core judges; readers take the others */
	o->job.threads = cpus < 3 ? 1 : cpus > 9 ? 8 : (int)cpus - 1;
	o->progress = isatty(2);
	observe_config_default(&o->job.cfg);
}

int analyze_option(struct analyze_opts *o, int opt, const char *arg)
{
	switch (opt) {
	case JOB_OPT_DB:
		o->job.db = arg;
		return 1;
	case JOB_OPT_LABEL:
		o->job.label = arg;
		return 1;
	case JOB_OPT_STRICT:
		o->refs.strict = 1;
		return 1;
	case JOB_OPT_NO_PROGRESS:
		o->progress = 0;
		o->no_progress = 1;
		return 1;
	case JOB_OPT_SET:
		return observe_config_set(&o->job.cfg, arg) == 0 ? 1 : -1;
	case JOB_OPT_THREADS: {
		char *end;
		long v = strtol(arg, &end, 10);
		if (*end || end == arg || v < 1 || v > 64) {
			fprintf(stderr, "routemark: --threads %s: expected 1 to 64\n", arg);
			return -1;
		}
		o->job.threads = (int)v;
		return 1;
	}
	case JOB_OPT_STALE_DAYS: {
		char *end;
		long v = strtol(arg, &end, 10);
		if (*end || end == arg || v < 1 || v > 36500) {
			fprintf(
			    stderr, "routemark: --stale-days %s: expected 1 to 36500 days\n", arg);
			return -1;
		}
		o->job.stale_days = (int)v;
		return 1;
	}
	case JOB_OPT_TIME:
		if (time_parse_utc(arg, &o->job.table_time) != 0 || o->job.table_time <= 0) {
			fprintf(stderr,
			    "routemark: --time %s: expected YYYY-MM-DD[THH:MM] or unix "
			    "seconds\n",
			    arg);
			return -1;
		}
		return 1;
	}
	return refs_option(&o->refs, opt, arg);
}

void analyze_opts_free(struct analyze_opts *o)
{
	refs_free(&o->refs);
}

int analyze_run(struct analyze_opts *o, const char *const *mrt, size_t nmrt)
{
	struct engine_outcome out;
	struct engine_job *job = &o->job;
	o->refs.spec.strict = o->refs.strict;
	job->refs = &o->refs.spec;
	job->mrt = mrt;
	job->nmrt = nmrt;
	job->progress = o->progress ? progress_show : NULL;
	struct analyze_bus ab = {.url = o->bus, .wait = o->bus_wait};
	if (o->bus && analyze_bus_attach(&ab, job) != 0) {
		analyze_bus_close(&ab);
		return 1;
	}
	int status = engine_analyze(job, &out);
	if (o->bus) {
		if (status == 0)
			printf(
			    "bus: run %s: %llu routes of %zu files read by workers (%llu batches "
			    "published twice, taken once)\n",
			    ab.run, (unsigned long long)ab.routes, nmrt,
			    (unsigned long long)ab.dups);
		analyze_bus_close(&ab);
	}
	if (status == 0)
		print_summary(&out, job->db);
	else if (o->progress)
		fputc('\n', stderr);
	return status;
}

int cmd_analyze(int argc, char **argv)
{
	static const struct option longopts[] = {
	    JOB_LONG_OPTIONS,
	    {"bus", required_argument, NULL, 'B'},
	    {"wait", required_argument, NULL, 'W'},
	    {"help", no_argument, NULL, 'h'},
	    REFS_LONG_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	struct analyze_opts o;
	analyze_opts_init(&o);
	int opt, r, rc;
	if (cli_opt_begin("analyze", longopts, &argc, &argv) != 0)
		return 1;
	while ((opt = cli_getopt(argc, argv, "h", longopts, usage, &rc)) != -1) {
		if (opt == CLI_OPT_EXIT) {
			analyze_opts_free(&o);
			return rc;
		}
		if (opt == 'B') {
			o.bus = optarg;
			continue;
		}
		if (opt == 'W') {
			char *end;
			o.bus_wait = strtod(optarg, &end);
			if (*end || end == optarg || !(o.bus_wait >= 0)) {
				fprintf(stderr, "routemark: analyze: --wait %s: seconds\n", optarg);
				goto usage;
			}
			continue;
		}
		if ((r = analyze_option(&o, opt, optarg)) < 0)
			goto usage;
	}
	if (o.bus_wait > 0 && o.bus == NULL) {
		fprintf(stderr, "routemark: analyze: --wait goes with --bus\n");
		goto usage;
	}
	if (optind == argc) {
		log_err("analyze: no MRT files given");
		usage(stderr);
		goto usage;
	}
	int status = analyze_run(&o, (const char *const *)argv + optind, (size_t)(argc - optind));
	analyze_opts_free(&o);
	return status;
usage:
	analyze_opts_free(&o);
	return 1;
}
