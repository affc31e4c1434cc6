/*
 * The file door: checksum the inputs, load the reference data while the first MRT file
 * already decompresses, stream every file through the engine, score, store one snapshot.
 */
#include <stdio.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "engine/engine.h"
#include "engine_private.h"
#include "fetch/fetch.h"
#include "mrt/mrt.h"
#include "origins/origins.h"
#include "rpki/rpki.h"

/* CPU seconds used so far by this process (all threads). */
static double cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

struct inputs {
	struct engine_input *v;
	size_t n, cap;
};

static void add_input(const char *kind, const char *path, void *arg)
{
	struct inputs *in = arg;
	XGROW(in->v, in->cap, in->n + 1);
	struct engine_input *x = &in->v[in->n++];
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	x->path = path;
}

static int checksum_inputs(struct inputs *in)
{
	for (size_t i = 0; i < in->n; i++) {
		struct stat sb;
		if (strcmp(in->v[i].path, "-") == 0) {
			snprintf(in->v[i].sha256, sizeof(in->v[i].sha256), "stdin");
		} else if (stat(in->v[i].path, &sb) != 0 ||
		           fetch_sha256_file(in->v[i].path, in->v[i].sha256) != 0) {
			log_err("%s: cannot read", in->v[i].path);
			return -1;
		} else
			in->v[i].size = (uint64_t)sb.st_size;
	}
	return 0;
}

static int line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void engine_snapshot_key(const struct engine_input *in, size_t nin, const char *rtr,
    const struct observe_config *cfg, char key[65])
{
	char **lines = xreallocarray(NULL, nin ? nin : 1, sizeof(*lines));
	for (size_t i = 0; i < nin; i++)
		lines[i] = xasprintf("%s:%s\n", in[i].kind, in[i].sha256);
	qsort(lines, nin, sizeof(*lines), line_cmp);
	char *all = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&all, &len); /* grows with what is written: no size guesses */
	if (f == NULL) {
		fprintf(stderr, "routemark: out of memory\n");
		abort();
	}
	for (size_t i = 0; i < nin; i++) {
		fputs(lines[i], f);
		free(lines[i]);
	}
	free(lines);
	if (rtr) /* live RTR data is never the same twice */
		fprintf(f, "rtr:%s:%lld\n", rtr, (long long)time(NULL));
	char cfgtext[512];
	observe_config_describe(cfg, cfgtext, sizeof(cfgtext));
	fputs(cfgtext, f);
	if (fclose(f) != 0) {
		fprintf(stderr, "routemark: out of memory\n");
		abort();
	}
	fetch_sha256_mem(all, len, key);
	free(all);
}

/* The first MRT file is opened before the reference data is loaded, so that its
 * decompression (the longest single job of a run) starts at once: the decoder may read this
 * far ahead while the reference data loads. bzip2 is decoded on one thread here: the
 * checks keep the other core busy, and decoding on two (bz2par.c, which speeds up stat)
 * made analyze slower (1.15 s against 1.02 s, medians of 5, jinx RIB). */
#define FIRST_READAHEAD (24u << 20)

struct reading {
	const struct engine_job *job;
	engine_route_fn route; /* where the routes go: the engine (engine_analyze), or a worker's */
	void *route_arg;
	int strict;
	int64_t table_time;
	double t0;
	uint64_t before, total; /* bytes of the files already read, of all MRT files */
	uint64_t routes;        /* fed, of all files */
	const struct engine_input *inputs;
};

static void route_to_engine(void *arg, const struct mrt_route *rt)
{
	engine_route(arg, rt);
}

/* The routing table's slot of the route this many ahead is fetched while one is fed. */
#define PREFETCH_AHEAD 8
/* A table's prefix checks, by the table's parser thread or the judging one, whichever is
 * free (origins_check), each into its own arena. */
static void check_for_engine(void *arg, int worker, const struct mrt_route *rt, void *out)
{
	engine_check_prefix(arg, worker == ORIGINS_PARSER ? 0 : 1, rt, out);
}

static void report(
    struct reading *rd, size_t idx, const char *name, const struct mrt_reader *r, int done)
{
	struct engine_progress p = {.file = idx + 1,
	    .nfiles = rd->job->nmrt,
	    .name = name,
	    .records = mrt_reader_stats(r)->records,
	    .routes = rd->routes,
	    .elapsed = clock_mono() - rd->t0,
	    .file_done = done};
	uint64_t d, size;
	mrt_reader_progress(r, &d, &size);
	if (rd->total && size) {
		p.bytes_done = rd->before + d;
		p.bytes_total = rd->total;
	}
	rd->job->progress(&p, rd->job->progress_arg);
}

/* A file begins: the engine's next sighting (a worker marks it in its own stream). */
static void file_begin(struct reading *rd)
{
	if (rd->route == route_to_engine)
		engine_file_begin(rd->route_arg);
}

/* Stream one MRT file (r: already open, or NULL) into the engine. Returns 0, -1 unreadable,
 * -2 malformed (strict), -3 no valid MRT record in it (said). */
static int read_file(struct reading *rd, struct engine_input *in, struct mrt_reader *r, size_t idx)
{
	struct mrt_options mo = {.strict = rd->strict, .bz2_sequential = 1};
	if (r == NULL)
		r = mrt_reader_open(in->path, &mo);
	if (r == NULL)
		return -1;
	struct mrt_route rt;
	int rc;
	double last = clock_mono();
	uint64_t fed0 = rd->routes;
	file_begin(rd);
	const char *base = strrchr(in->path, '/') ? strrchr(in->path, '/') + 1 : in->path;
	int progress = rd->job && rd->job->progress;
	while ((rc = mrt_reader_next_route(r, &rt)) > 0) {
		rd->route(rd->route_arg, &rt);
		if ((++rd->routes & 0xffff) == 0 && progress && clock_mono() - last > 0.5) {
			last = clock_mono();
			report(rd, idx, base, r, 0);
		}
	}
	const struct mrt_stats *st = mrt_reader_stats(r); /* the reader's: gone at close */
	in->records = st->records;
	if (st->first_ts) {
		in->data_time = st->first_ts;
		in->date_from = "records";
	}
	uint64_t bad = 0;
	for (int k = 0; k < MRT_BAD_KINDS; k++)
		if (k != MRT_BAD_UNSUPPORTED)
			bad += st->malformed[k];
	st = NULL;
	in->malformed = bad;
	if (progress)
		report(rd, idx, base, r, 1);
	mrt_reader_close(r);
	if (rc == MRT_ERR_MALFORMED)
		return -2;
	if (rc < 0)
		return -1;
	/* a record with a discarded attribute (RFC 7606) still gives its route: a file is
	 * foreign when nothing in it was a valid record and nothing gave a route */
	if (in->records <= bad && rd->routes == fed0) {
		log_err("%s: no valid MRT record in %llu bytes (not an MRT file?); nothing stored",
		    in->path, (unsigned long long)in->size);
		return -3;
	}
	return 0;
}

/* Stream one prefix-to-origin table into the engine: its rows are one RIB sighting at the
 * table's time. Returns 0, -1 unreadable or no time known, -2 malformed (strict). */
static int read_table(struct reading *rd, struct engine_input *in, enum origins_format fmt)
{
	int64_t ts = rd->table_time ? rd->table_time : origins_time_from_name(in->path);
	if (ts <= 0 || ts > UINT32_MAX) {
		log_err("%s: a %s table without a date in its name: give its time (--time)",
		    in->path, origins_format_name(fmt));
		return -1;
	}
	/* into the engine, the prefix checks run where the rows are parsed, beside the rest */
	int to_engine = rd->route == route_to_engine;
	struct origins_check check = {
	    check_for_engine, rd->route_arg, sizeof(struct route_prefix_check)};
	struct origins_reader *r = origins_open_checked(
	    in->path, fmt, (uint32_t)ts, rd->strict, to_engine ? &check : NULL);
	if (r == NULL)
		return -1;
	in->kind = "table";
	in->data_time = ts;
	in->date_from = rd->table_time ? "given" : "name";
	file_begin(rd);
	struct mrt_route rt;
	int rc;
	while ((rc = origins_next(r, &rt)) > 0) {
		if (to_engine) {
			const struct route_prefix_check *ahead =
			    origins_checked_ahead(r, PREFETCH_AHEAD);
			if (ahead)
				engine_prefetch(rd->route_arg, ahead);
			engine_route_checked(rd->route_arg, &rt, origins_checked(r));
		} else
			rd->route(rd->route_arg, &rt);
		rd->routes++;
	}
	const struct origins_stats *st = origins_stats(r);
	in->records = st->entries;
	in->malformed = st->malformed;
	log_info("%s: %s table: %llu rows, %llu routes, %llu with several origins, %llu AS-set "
	         "origins (no route), %llu malformed",
	    in->path, origins_format_name(fmt), (unsigned long long)st->entries,
	    (unsigned long long)st->routes, (unsigned long long)st->moas,
	    (unsigned long long)st->as_sets, (unsigned long long)st->malformed);
	if (rd->job && rd->job->progress) {
		uint64_t d, size;
		origins_progress(r, &d, &size);
		const char *base = strrchr(in->path, '/') ? strrchr(in->path, '/') + 1 : in->path;
		struct engine_progress p = {.file = (size_t)(in - rd->inputs) + 1,
		    .nfiles = rd->job->nmrt,
		    .name = base,
		    .records = st->entries,
		    .routes = rd->routes,
		    .elapsed = clock_mono() - rd->t0,
		    .file_done = 1};
		rd->job->progress(&p, rd->job->progress_arg);
	}
	origins_close(r);
	return rc == -2 ? -2 : rc < 0 ? -1 : 0;
}

/* The format of a routing input: a table, or ORIGINS_NONE for MRT (standard input is MRT:
 * it can be read only once). */
static enum origins_format input_format(const char *path)
{
	return strcmp(path, "-") == 0 ? ORIGINS_NONE : origins_detect(path);
}

int engine_read_input(const char *path, int64_t table_time, int strict, struct engine_input *in,
    uint64_t *routes, engine_route_fn fn, void *arg)
{
	struct reading rd = {.route = fn,
	    .route_arg = arg,
	    .strict = strict,
	    .table_time = table_time,
	    .t0 = clock_mono(),
	    .inputs = in};
	memset(in, 0, sizeof(*in));
	in->kind = "mrt";
	in->path = path;
	struct stat sb;
	if (stat(path, &sb) == 0)
		in->size = (uint64_t)sb.st_size;
	enum origins_format fmt = input_format(path);
	int rc = fmt != ORIGINS_NONE ? read_table(&rd, in, fmt) : read_file(&rd, in, NULL, 0);
	*routes = rd.routes;
	return rc;
}

/* first: the first file opened as MRT already, or NULL; fmt0: the first file's format. */
static int read_all(
    struct reading *rd, struct inputs *in, struct mrt_reader *first, enum origins_format fmt0)
{
	for (size_t i = 0; i < rd->job->nmrt; i++) {
		enum origins_format fmt = i == 0 ? fmt0 : input_format(in->v[i].path);
		int rc = fmt != ORIGINS_NONE ? read_table(rd, &in->v[i], fmt)
		                             : read_file(rd, &in->v[i], i == 0 ? first : NULL, i);
		rd->before += in->v[i].size;
		if (rc == -3) /* said */
			return 1;
		if (rc != 0) {
			log_err("%s: %s; nothing stored", in->v[i].path,
			    rc == -2 ? "malformed data (--strict)" : "cannot be read");
			return rc == -2 ? 2 : 1;
		}
	}
	return 0;
}

int engine_analyze(const struct engine_job *job, struct engine_outcome *out)
{
	double t0 = clock_mono();
	memset(out, 0, sizeof(*out));
	if (job->nmrt == 0) {
		log_err("analyze: no MRT files given");
		return 1;
	}
	struct inputs in = {0};
	for (size_t i = 0; i < job->nmrt; i++)
		add_input("mrt", job->mrt[i], &in);
	refs_spec_each_file(job->refs, add_input, &in);
	int status = 1;
	struct engine_par *par = NULL;
	struct refset *rs = NULL;
	struct engine *e = NULL;
	struct store_results res;
	struct engine_gaps gaps;
	store_results_init(&res);
	engine_gaps_init(&gaps);
	struct mrt_options first_opt = {
	    .strict = job->refs->strict, .readahead = FIRST_READAHEAD, .bz2_sequential = 1};
	int parallel = !job->read_routes && job->threads > 1 && job->nmrt > 1;
	enum origins_format fmt0 =
	    job->read_routes || parallel ? ORIGINS_NONE : input_format(in.v[0].path);
	/* a table has its own parser thread (origins); reading it ahead during the reference
	 * phase, CPU-bound already, only moved the time (docs/benchmarks.md) */
	struct mrt_reader *first = NULL;
	/* the reading starts first: the checksums, the data dates (the head of a bzip2 file is
	 * a whole block to decode) and the reference data load while it decompresses */
	if (parallel)
		par = engine_par_start(
		    in.v, job->nmrt, job->threads, job->table_time, job->refs->strict);
	else if (fmt0 == ORIGINS_NONE && !job->read_routes &&
	         (first = mrt_reader_open(in.v[0].path, &first_opt)) == NULL) {
		log_err("%s: cannot be read; nothing stored", in.v[0].path);
		goto out;
	}
	if (checksum_inputs(&in) != 0) {
		mrt_reader_close(first);
		goto out;
	}
	for (size_t i = job->nmrt; i < in.n; i++)
		engine_input_date(&in.v[i]);
	engine_snapshot_key(in.v, in.n, job->refs->rtr, &job->cfg, out->snap.key);
	log_info("checksums at %.2f s (%.2f s CPU)", clock_mono() - t0, cpu());
	/* contacts and names are for scoring: they load while the routes are read */
	int rc = refset_open(job->refs, 1, &rs);
	if (rc != 0) {
		mrt_reader_close(first);
		status = rc == -2 ? 2 : 1;
		goto out;
	}
	log_info("reference data loaded at %.2f s (%.2f s CPU)", clock_mono() - t0, cpu());
	e = engine_new(rs, &job->cfg);
	struct reading rd = {.job = job,
	    .route = route_to_engine,
	    .route_arg = e,
	    .strict = job->refs->strict,
	    .table_time = job->table_time,
	    .t0 = clock_mono(),
	    .inputs = in.v};
	for (size_t i = 0; i < job->nmrt; i++)
		rd.total += in.v[i].size;
	if (job->read_routes || par) { /* read elsewhere (workers, threads), in order */
		uint64_t routes;
		rc = par ? engine_par_take(par, e, job, &routes)
		         : job->read_routes(job->read_routes_arg, e, in.v, job->nmrt);
		status = rc == 0 ? 0 : rc == -2 ? 2 : 1;
	} else
		status = read_all(&rd, &in, first, fmt0);
	if (status != 0)
		goto out;
	status = 1;
	log_info("read %zu files at %.2f s (%.2f s CPU)", job->nmrt, clock_mono() - t0, cpu());
	/* the decoders' buffers and the tables' old copies are free now: their pages go back
	 * (main.c keeps freed memory otherwise), so scoring and the store start from less
	 * (jinx RIB analyze: peak RSS 150 MiB with this trim, 165-173 without) */
	malloc_trim(0);
	/* the snapshot is begun now and its findings written while it is scored */
	if (engine_routes_fed(e) > 0 && engine_store_begin(e, job->db, &out->snap) != 0)
		goto out;
	store_results_free(&res);
	rc = engine_score(e, &res, &out->tot);
	if (rc != 0) {
		status = rc == -2 ? 2 : 1;
		goto out;
	}
	/* no trim here: what scoring freed, the store reuses (trimmed, its pages were faulted
	 * in again: 13,000 page faults in the 2024-01-01 bundle, for 1-3 MiB of peak RSS) */
	log_info("scored at %.2f s (%.2f s CPU)", clock_mono() - t0, cpu());
	if (job->label)
		snprintf(out->label, sizeof(out->label), "%s", job->label);
	else {
		time_t ts = out->tot.first_ts;
		struct tm tm;
		gmtime_r(&ts, &tm);
		strftime(out->label, sizeof(out->label), "%Y-%m-%d %H:%M UTC", &tm);
	}
	out->snap.label = job->label ? job->label : out->label;
	int stale = job->stale_days > 0 ? job->stale_days : STORE_STALE_DAYS;
	engine_gaps_find(in.v, in.n, job->refs, refset_refs(rs), out->tot.first_ts, stale, &gaps);
	for (size_t i = 0; i < job->ngaps; i++)
		engine_gaps_add(&gaps, &job->gaps[i]);
	store_results_add_global(&res, "all", "provenance_stale_days", stale);
	for (size_t i = 0; i < gaps.n; i++)
		if (gaps.v[i].warning)
			log_warn("%s", gaps.v[i].detail);
	if (engine_store(e, &res, &out->tot, job->db, in.v, in.n, gaps.v, gaps.n, &out->snap) != 0)
		goto out;
	log_info("committed at %.2f s (%.2f s CPU)", clock_mono() - t0, cpu());
	for (size_t i = 0; i < in.n; i++)
		out->malformed += in.v[i].malformed;
	out->seconds = clock_mono() - t0;
	status = 0;
out:
	engine_par_end(par); /* readers stopped before what they read goes */
	engine_gaps_free(&gaps);
	store_results_free(&res);
	engine_free(e);
	refset_close(rs);
	free(in.v);
	return status;
}
