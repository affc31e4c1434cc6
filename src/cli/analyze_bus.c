/*
 * routemark analyze --bus URL: the coordinator of a batch analysis. Every input file becomes
 * a job on the bus; workers (`routemark worker`, cmd_worker.c) read the files and publish their
 * routes in order; the coordinator takes them file by file, in the order the files were named,
 * and gives them to its engine exactly as it would have read them itself (the engine's
 * read_routes hook), so the snapshot is the one a single `analyze` of the same files stores.
 * Only the reading is spread: decompression and MRT decoding, the bulk of the work.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bus/bus.h"
#include "mrt/mrt.h"
#include "cli/analyze.h"

struct coord {
	struct analyze_bus *ab;
	const struct engine_job *job;
	struct engine *e;
	uint32_t file;     /* the file being taken */
	uint32_t expected; /* its next batch */
	int done, rc, bad;
	struct mrt_batch_trailer t;
	uint64_t routes, dups;
	double last_msg; /* clock_mono */
};

static void to_engine(void *arg, const struct mrt_route *rt)
{
	engine_route(arg, rt);
}

static int on_batch(void *arg, const struct bus_msg *m)
{
	struct coord *c = arg;
	struct mrt_batch b;
	const char *err;
	size_t off;
	c->last_msg = clock_mono();
	if (mrt_batch_decode(m->data, m->len, &b, NULL, NULL, &err, &off) != 0 ||
	    b.file != c->file) {
		log_err("bus: message %llu of %s: byte %zu: %s", (unsigned long long)m->position,
		    m->key, b.file != c->file ? 0 : off,
		    b.file != c->file ? "a batch of another file" : err);
		c->bad = 1; /* routes would be missing: the run fails */
		c->done = 1;
		return 0;
	}
	if (b.seq < c->expected) { /* published again by a worker that took the job over */
		c->dups++;
		return 0;
	}
	if (b.seq > c->expected)
		return 1; /* an earlier batch comes again first */
	if (b.seq == 0)
		engine_file_begin(c->e);
	mrt_batch_decode(m->data, m->len, &b, to_engine, c->e, &err, &off);
	c->routes += b.count;
	c->expected++;
	if (b.last) {
		c->t = b.trailer;
		c->done = 1;
	}
	return 0;
}

/* Take file i's batches until its last. 0, or -1 (said). */
static int take_file(struct coord *c, struct engine_input *in, uint32_t i, uint32_t n)
{
	struct analyze_bus *ab = c->ab;
	char key[BUS_KEY_MAX + 1], durable[96];
	bus_job_key(ab->run, i, key, sizeof(key));
	snprintf(durable, sizeof(durable), "rm-%s-%u", ab->run, i);
	c->file = i, c->expected = 0, c->done = 0, c->bad = 0, c->routes = 0;
	if (bus_consume_key(ab->bus, durable, key, on_batch, c) != 0)
		return -1;
	c->last_msg = clock_mono();
	double said = c->last_msg;
	int rc = 0;
	while (!c->done) {
		if (bus_poll(ab->bus, 500) < 0) {
			rc = -1;
			break;
		}
		double now = clock_mono();
		if (ab->wait > 0 && now - c->last_msg >= ab->wait) {
			log_err(
			    "%s: no routes from a worker for %.0f s (is `routemark worker --bus "
			    "%s` running?); nothing stored",
			    in->path, ab->wait, ab->url);
			rc = -1;
			break;
		}
		if (now - said >= 10 && now - c->last_msg >= 10) {
			log_warn("analyze: waiting for a worker to read file %u/%u (%s)", i + 1, n,
			    in->path);
			said = now;
		}
	}
	bus_consumer_delete(ab->bus, durable);
	if (rc == 0 && !c->bad) /* taken: the stream need not keep them */
		bus_purge_key(ab->bus, key);
	return rc == 0 && c->bad ? -1 : rc;
}

/* engine_job.read_routes: the inputs' routes from the workers, file after file. */
static int read_routes(void *arg, struct engine *e, struct engine_input *in, size_t nin)
{
	struct analyze_bus *ab = arg;
	struct coord c = {.ab = ab, .job = ab->job, .e = e};
	uint64_t id0 = (uint64_t)time(NULL) << 32 ^ (uint64_t)getpid() << 20;
	for (size_t i = 0; i < nin; i++) {
		struct bus_job j = {.file = (uint32_t)i,
		    .nfiles = (uint32_t)nin,
		    .table_time = ab->job->table_time,
		    .strict = ab->job->refs->strict};
		snprintf(j.run, sizeof(j.run), "%s", ab->run);
		char abs[PATH_MAX], buf[5000];
		if (realpath(in[i].path, abs) == NULL) { /* workers run elsewhere: no cwd of ours */
			log_err("%s: cannot be read; nothing stored", in[i].path);
			return -1;
		}
		snprintf(j.path, sizeof(j.path), "%s", abs);
		int len = bus_job_encode(&j, buf, sizeof(buf));
		if (len < 0 || bus_publish(ab->bus, BUS_JOBS_KEY, buf, (size_t)len, id0 + i) != 0) {
			log_err("%s: the job cannot be published", in[i].path);
			return -1;
		}
	}
	if (bus_flush(ab->bus, 60000) != 0)
		return -1;
	log_info("analyze: run %s: %zu jobs on %s", ab->run, nin, ab->url);
	double t0 = clock_mono();
	for (size_t i = 0; i < nin; i++) {
		if (take_file(&c, &in[i], (uint32_t)i, (uint32_t)nin) != 0)
			return -1;
		engine_input_from_trailer(&in[i], &c.t, ab->job->table_time);
		if (c.t.rc == -3)
			log_err("%s: no valid MRT record in %llu bytes (not an MRT file?); nothing "
			        "stored",
			    in[i].path, (unsigned long long)in[i].size);
		else if (c.t.rc != 0)
			log_err("%s: %s (said by the worker that read it); nothing stored",
			    in[i].path,
			    c.t.rc == -2 ? "malformed data (--strict)" : "cannot be read");
		if (c.t.rc != 0)
			return c.t.rc;
		ab->routes += c.routes;
		ab->dups += c.dups;
		if (ab->job->progress) {
			const char *base = strrchr(in[i].path, '/');
			struct engine_progress p = {.file = i + 1,
			    .nfiles = nin,
			    .name = base ? base + 1 : in[i].path,
			    .records = c.t.records,
			    .routes = ab->routes,
			    .elapsed = clock_mono() - t0,
			    .file_done = 1};
			ab->job->progress(&p, ab->job->progress_arg);
		}
	}
	return 0;
}

int analyze_bus_attach(struct analyze_bus *ab, struct engine_job *job)
{
	for (size_t i = 0; i < job->nmrt; i++)
		if (strcmp(job->mrt[i], "-") == 0) {
			log_err("analyze --bus: standard input cannot go to workers; name files");
			return -1;
		}
	if (strncmp(ab->url, "nats://", 7) != 0) {
		log_err(
		    "analyze --bus %s: batch analysis needs NATS JetStream (nats://...)", ab->url);
		return -1;
	}
	if ((ab->bus = bus_open(ab->url)) == NULL)
		return -1;
	snprintf(ab->run, sizeof(ab->run), "%lld-%d", (long long)time(NULL), (int)getpid());
	ab->job = job;
	job->read_routes = read_routes;
	job->read_routes_arg = ab;
	return 0;
}

void analyze_bus_close(struct analyze_bus *ab)
{
	bus_close(ab->bus);
	ab->bus = NULL;
}
