/* routemark analyze: stream MRT files through the checks and store a snapshot. */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/analyze.h"
#include "cli/refs.h"
#include "fetch/fetch.h"
#include "mrt/mrt.h"
#include "observe/observe.h"
#include "store/store.h"

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark analyze [options] [reference data] MRT...\n\n"
	    "Stream MRT RIB and update files (RIS, RouteViews; any compression) through the\n"
	    "MANRS checks with the reference data loaded once, and store a snapshot: routes with\n"
	    "their RPKI/IRR/bogon state, findings with evidence, incidents, per-AS metrics,\n"
	    "scores and readiness, and global coverage. Re-running on the same inputs replaces\n"
	    "the snapshot (idempotent); a failure leaves the store as it was.\n\n"
	    "options:\n"
	    "  --db FILE          the store (default routemark.db)\n"
	    "  --label TEXT       a name for the snapshot (default: the data's time span)\n"
	    "  --strict           malformed input (MRT records, reference rows) is fatal: exit 2\n"
	    "  --no-progress      no progress line on a terminal\n"
	    "  --set KEY=VALUE    a setting MANRS publishes no number for; repeatable: curve_k,\n"
	    "                     ready, aspiring, snapshot_score, rpki_invalid_factor,\n"
	    "                     action1_with_m1 (see routemark metrics)\n"
	    "  -h, --help         this help\n\n" REFS_HELP
	    "\nexit codes: 0 stored; 1 usage, unreadable input or store error; 2 malformed input\n"
	    "under --strict. See routemark-analyze(1).\n");
}

/* CPU seconds used so far by this process (all threads). */
static double cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

struct input {
	const char *kind, *path;
	char sha256[65];
	uint64_t size, records, malformed;
};

struct inputs {
	struct input *v;
	size_t n, cap;
};

static void add_input(const char *kind, const char *path, void *arg)
{
	struct inputs *in = arg;
	if (in->n == in->cap) {
		in->cap = in->cap ? in->cap * 2 : 16;
		in->v = xrealloc(in->v, in->cap * sizeof(*in->v));
	}
	struct input *x = &in->v[in->n++];
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	x->path = path;
}

static int line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Checksums of every input; the snapshot key is the digest of them all (sorted: the order
 * files are named in does not change the result) and of the settings, so the same inputs and
 * settings give the same snapshot. Live RTR data is never the same twice. */
static int checksum_inputs(struct inputs *in, const struct analyze_job *job, char key[65])
{
	size_t cap = in->n * 80 + 1024, len = 0;
	char *all = xmalloc(cap);
	for (size_t i = 0; i < in->n; i++) {
		struct stat sb;
		if (strcmp(in->v[i].path, "-") == 0) {
			snprintf(in->v[i].sha256, sizeof(in->v[i].sha256), "stdin");
		} else if (stat(in->v[i].path, &sb) != 0 ||
		           fetch_sha256_file(in->v[i].path, in->v[i].sha256) != 0) {
			log_err("%s: cannot read", in->v[i].path);
			free(all);
			return -1;
		} else
			in->v[i].size = (uint64_t)sb.st_size;
	}
	char **lines = xcalloc(in->n + 1, sizeof(*lines));
	for (size_t i = 0; i < in->n; i++) {
		char l[96];
		snprintf(l, sizeof(l), "%s:%s\n", in->v[i].kind, in->v[i].sha256);
		lines[i] = xstrdup(l);
	}
	qsort(lines, in->n, sizeof(*lines), line_cmp);
	for (size_t i = 0; i < in->n; i++) {
		len += (size_t)snprintf(all + len, cap - len, "%s", lines[i]);
		free(lines[i]);
	}
	free(lines);
	if (job->refs->rtr)
		len += (size_t)snprintf(
		    all + len, cap - len, "rtr:%s:%lld\n", job->refs->rtr, (long long)time(NULL));
	char cfg[512];
	observe_config_describe(&job->cfg, cfg, sizeof(cfg));
	len += (size_t)snprintf(all + len, cap - len, "%s", cfg);
	fetch_sha256_mem(all, len, key);
	free(all);
	return 0;
}

/* The progress line: files, records, routes, rate, and the share of the MRT bytes read with
 * the time left (from the files' sizes; without when reading a pipe). */
struct progress {
	double t0;
	size_t nfiles;
	uint64_t before, total; /* bytes of the files already read, of all MRT files */
};

static void progress_show(const struct progress *pg, size_t file, const char *name,
    const struct mrt_reader *r, uint64_t routes, int final)
{
	double dt = clock_mono() - pg->t0;
	uint64_t done, size;
	char eta[48] = "";
	mrt_reader_progress(r, &done, &size);
	if (pg->total && size) {
		double frac = (double)(pg->before + done) / (double)pg->total;
		if (frac > 0.01 && frac < 1) {
			int left = (int)(dt / frac - dt);
			snprintf(eta, sizeof(eta), " %3.0f%% ETA %d:%02d", 100 * frac, left / 60,
			    left % 60);
		} else
			snprintf(eta, sizeof(eta), " %3.0f%%", 100 * frac);
	}
	fprintf(stderr,
	    "\ranalyze: file %zu/%zu %-30.30s %10llu records %10llu routes %8.0f routes/s%s%s",
	    file, pg->nfiles, name, (unsigned long long)mrt_reader_stats(r)->records,
	    (unsigned long long)routes, dt > 0 ? (double)routes / dt : 0, eta, final ? "\n" : "");
}

/* The first MRT file is opened before the reference data is loaded, so that its
 * decompression (the longest single job of a run) starts at once: the decoder may read this
 * far ahead while the reference data loads. bzip2 is decoded on one thread here: the
 * checks keep the other core busy, and decoding on two (bz2par.c, which speeds up stat)
 * made analyze slower (1.15 s against 1.02 s, medians of 5, jinx RIB). */
#define FIRST_READAHEAD (24u << 20)

/* Stream one MRT file (r: already open, or NULL) into the engine. Returns 0, -1
 * unreadable, -2 malformed (strict). */
static int analyze_file(struct observe *ob, struct input *in, struct mrt_reader *r, int strict,
    int show, size_t idx, struct progress *pg, uint64_t *total_routes)
{
	struct mrt_options mo = {.strict = strict, .bz2_sequential = 1};
	if (r == NULL)
		r = mrt_reader_open(in->path, &mo);
	if (r == NULL)
		return -1;
	struct mrt_route rt;
	int rc;
	double last = clock_mono();
	observe_file_begin(ob);
	const char *base = strrchr(in->path, '/') ? strrchr(in->path, '/') + 1 : in->path;
	while ((rc = mrt_reader_next_route(r, &rt)) > 0) {
		observe_route(ob, &rt);
		if (show && (++*total_routes & 0xffff) == 0 && clock_mono() - last > 0.5) {
			last = clock_mono();
			progress_show(pg, idx + 1, base, r, *total_routes, 0);
		}
	}
	const struct mrt_stats *st = mrt_reader_stats(r);
	in->records = st->records;
	for (int k = 0; k < MRT_BAD_KINDS; k++)
		if (k != MRT_BAD_UNSUPPORTED)
			in->malformed += st->malformed[k];
	if (show)
		progress_show(pg, idx + 1, base, r, *total_routes, 0);
	mrt_reader_close(r);
	if (rc == MRT_ERR_MALFORMED)
		return -2;
	return rc < 0 ? -1 : 0;
}

static int store_inputs(struct store *s, const struct inputs *in)
{
	for (size_t i = 0; i < in->n; i++) {
		struct store_input si = {in->v[i].kind, in->v[i].path, in->v[i].sha256,
		    in->v[i].size, in->v[i].records, in->v[i].malformed};
		if (store_put_input(s, &si) != 0)
			return -1;
	}
	return 0;
}

static void print_summary(const struct observe_totals *t, const struct store_snapshot *snap,
    const char *db, const struct inputs *in, double secs)
{
	uint64_t bad = 0;
	for (size_t i = 0; i < in->n; i++)
		bad += in->v[i].malformed;
	printf("snapshot %lld stored in %s (%s)\n", (long long)snap->id, db, snap->label);
	printf("  routes (prefix, origin): %llu   prefixes: %llu IPv4, %llu IPv6   ASes: %llu\n",
	    (unsigned long long)t->routes, (unsigned long long)t->prefixes_v4,
	    (unsigned long long)t->prefixes_v6, (unsigned long long)t->ases);
	printf("  RIB entries: %llu   announcements: %llu   withdrawals: %llu\n",
	    (unsigned long long)t->rib_entries, (unsigned long long)t->announcements,
	    (unsigned long long)t->withdrawals);
	printf("  findings: %llu   incidents: %llu   malformed records skipped: %llu   %.2f s\n",
	    (unsigned long long)t->findings, (unsigned long long)t->incidents,
	    (unsigned long long)bad, secs);
}

int analyze_job_run(const struct analyze_job *job)
{
	double t0 = clock_mono();
	struct inputs in = {0};
	for (int i = 0; i < job->nmrt; i++)
		add_input("mrt", job->mrt[i], &in);
	refs_each_file(job->refs, add_input, &in);
	struct store_snapshot snap;
	memset(&snap, 0, sizeof(snap));
	int status = 1;
	struct observe *ob = NULL;
	struct store *s = NULL;
	struct observe_refs orefs;
	if (checksum_inputs(&in, job, snap.key) != 0)
		goto out;
	log_info("checksums at %.2f s (%.2f s CPU)", clock_mono() - t0, cpu());
	struct mrt_options first_opt = {
	    .strict = job->refs->strict, .readahead = FIRST_READAHEAD, .bz2_sequential = 1};
	struct mrt_reader *first = mrt_reader_open(in.v[0].path, &first_opt);
	if (first == NULL) {
		log_err("%s: cannot be read; nothing stored", in.v[0].path);
		goto out;
	}
	job->refs->defer_contacts = 1; /* contacts and names are for writing: load them meanwhile */
	int rc = refs_load(job->refs, &orefs);
	if (rc != 0) {
		mrt_reader_close(first);
		status = rc == -2 ? 2 : 1;
		goto out;
	}
	log_info("reference data loaded at %.2f s (%.2f s CPU)", clock_mono() - t0, cpu());
	ob = observe_new(&orefs, &job->cfg);
	uint64_t nroutes = 0;
	size_t nmrt = (size_t)job->nmrt;
	struct progress pg = {.t0 = clock_mono(), .nfiles = nmrt};
	for (size_t i = 0; i < nmrt; i++)
		pg.total += in.v[i].size;
	for (size_t i = 0; i < nmrt; i++) {
		rc = analyze_file(ob, &in.v[i], i == 0 ? first : NULL, job->refs->strict,
		    job->progress, i, &pg, &nroutes);
		pg.before += in.v[i].size;
		if (rc != 0) {
			if (job->progress)
				fputc('\n', stderr);
			log_err("%s: %s; nothing stored", in.v[i].path,
			    rc == -2 ? "malformed data (--strict)" : "cannot be read");
			status = rc == -2 ? 2 : 1;
			goto out;
		}
	}
	if (job->progress)
		fputc('\n', stderr);
	log_info("read %zu files at %.2f s (%.2f s CPU)", nmrt, clock_mono() - t0, cpu());
	rc = refs_finish(job->refs, &orefs); /* PeeringDB and AS names: for writing only */
	if (rc != 0) {
		status = rc == -2 ? 2 : 1;
		goto out;
	}
	observe_set_contacts(ob, orefs.pdb, orefs.names);
	if (store_open(job->db, 0, &s) != 0)
		goto out;
	char autolabel[64];
	if (store_snapshot_begin(s, &snap) != 0)
		goto out;
	struct observe_totals tot;
	if (store_inputs(s, &in) != 0 || observe_write(ob, s, &tot) != 0) {
		store_snapshot_abort(s);
		goto out;
	}
	snap.routes = tot.routes;
	snap.prefixes_v4 = tot.prefixes_v4;
	snap.prefixes_v6 = tot.prefixes_v6;
	snap.ases = tot.ases;
	snap.period_start = tot.first_ts;
	snap.period_end = tot.last_ts;
	const char *label = job->label;
	if (label == NULL) {
		time_t ts = tot.first_ts;
		struct tm tm;
		gmtime_r(&ts, &tm);
		strftime(autolabel, sizeof(autolabel), "%Y-%m-%d %H:%M UTC", &tm);
		label = autolabel;
	}
	snap.label = label;
	log_info(
	    "computed and wrote the snapshot at %.2f s (%.2f s CPU)", clock_mono() - t0, cpu());
	if (store_snapshot_commit(s, &snap) != 0)
		goto out;
	log_info("committed at %.2f s (%.2f s CPU)", clock_mono() - t0, cpu());
	print_summary(&tot, &snap, job->db, &in, clock_mono() - t0);
	status = 0;
out:
	observe_free(ob);
	store_close(s);
	free(in.v);
	return status;
}

int cmd_analyze(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"label", required_argument, NULL, 'l'},
	    {"strict", no_argument, NULL, 's'},
	    {"no-progress", no_argument, NULL, 'P'},
	    {"set", required_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},
	    REFS_LONG_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	struct analyze_job job = {.db = "routemark.db", .progress = isatty(2)};
	observe_config_default(&job.cfg);
	int opt;
	struct cli_refs refs;
	memset(&refs, 0, sizeof(refs));
	if (config_merge_args("analyze", longopts, &argc, &argv) < 0)
		return 1;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		int r = refs_option(&refs, opt, optarg);
		if (r < 0)
			return 1;
		if (r > 0)
			continue;
		switch (opt) {
		case 'd':
			job.db = optarg;
			break;
		case 'l':
			job.label = optarg;
			break;
		case 's':
			refs.strict = 1;
			break;
		case 'P':
			job.progress = 0;
			break;
		case 'S':
			if (observe_config_set(&job.cfg, optarg) != 0)
				return 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind == argc) {
		log_err("analyze: no MRT files given");
		usage(stderr);
		return 1;
	}
	job.refs = &refs;
	job.mrt = (const char **)argv + optind;
	job.nmrt = argc - optind;
	int status = analyze_job_run(&job);
	refs_free(&refs);
	return status;
}
