/*
 * routemark worker: take the jobs of batch analyses (`analyze --bus`) from the bus, one input
 * file each, read the file as analyze would (engine_read_input) and publish its routes, in
 * order, in batches on the job's own key; the coordinator judges them (docs/scaling.md, "Batch
 * analysis"). A job is acknowledged once every batch is; a worker that dies mid-file leaves
 * its job to be delivered again, and the batches published again carry the same ids.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus/bus.h"
#include "mrt/mrt.h"
#include "cli/cli.h"
#include "engine/engine.h"

static volatile sig_atomic_t stop_flag;

static void on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark worker --bus URL [--durable NAME] [--idle-timeout SECONDS] "
	    "[--jobs N]\n\n"
	    "Take the input files of batch analyses (routemark analyze --bus URL) from the bus,\n"
	    "one job at a time: read the file (MRT or a prefix-to-origin table, from the path\n"
	    "the job names: the same on every machine) and publish its routes in order for the\n"
	    "coordinator, which judges and stores them. Any number of workers on any machines\n"
	    "share the jobs.\n\n"
	    "options:\n"
	    "  --bus URL            nats://HOST:PORT[,...]/STREAM (NATS JetStream; the stream of\n"
	    "                       the coordinator)\n"
	    "  --durable NAME       the workers' shared consumer (default routemark-workers)\n"
	    "  --idle-timeout SECONDS  stop after SECONDS without a job (default 0: never)\n"
	    "  --jobs N             stop after N jobs (default 0: no limit)\n"
	    "  -h, --help           this help\n\n"
	    "exit codes: 0 stopped (SIGTERM, idle, --jobs); 1 usage or bus error. See "
	    "routemark-worker(1).\n");
}

struct worker {
	struct bus *bus;
	struct bus_job job;
	char key[BUS_KEY_MAX + 1];
	uint32_t batches;
	double last_progress;
	uint64_t jobs, routes;
	double last_job;
};

/* engine_batch_fn: a closed batch onto the job's key (message ids 1, 2, ...: the same when a
 * job is read again); "in progress" to the job's stream once a second. */
static int publish_batch(void *arg, const uint8_t *buf, size_t len, int last)
{
	struct worker *k = arg;
	(void)last;
	k->batches++;
	double now = clock_mono();
	if (now - k->last_progress > 1) { /* still at it: no redelivery meanwhile */
		bus_progress(k->bus);
		k->last_progress = now;
	}
	return bus_publish(k->bus, k->key, buf, len, k->batches);
}

static int on_job(void *arg, const struct bus_msg *m)
{
	struct worker *k = arg;
	if (bus_job_decode(m->data, m->len, &k->job) != 0) {
		log_warn("bus: message %llu: not a job of routemark analyze --bus (skipped)",
		    (unsigned long long)m->position);
		return 0;
	}
	double t0 = clock_mono();
	k->last_job = k->last_progress = t0;
	k->batches = 0;
	bus_job_key(k->job.run, k->job.file, k->key, sizeof(k->key));
	fprintf(stderr, "routemark: worker: run %s file %u/%u: %s\n", k->job.run, k->job.file + 1,
	    k->job.nfiles, k->job.path);
	uint64_t routes = 0;
	int rc = engine_read_batches(
	    k->job.path, k->job.table_time, k->job.strict, k->job.file, publish_batch, k, &routes);
	if (rc == -4 || bus_flush(k->bus, 120000) != 0) {
		log_err("worker: run %s file %u: not every batch was published; the job stays "
		        "for another worker",
		    k->job.run, k->job.file + 1);
		return 1;
	}
	k->jobs++;
	k->routes += routes;
	k->last_job = clock_mono();
	fprintf(stderr,
	    "routemark: worker: run %s file %u/%u: %llu routes in %u batches, %.2f s%s\n",
	    k->job.run, k->job.file + 1, k->job.nfiles, (unsigned long long)routes, k->batches,
	    k->last_job - t0,
	    rc == 0 ? "" : " (the file could not be read: said to the coordinator)");
	return 0;
}

int cmd_worker(int argc, char **argv)
{
	static const struct option opts[] = {{"bus", required_argument, NULL, 'B'},
	    {"durable", required_argument, NULL, 'U'},
	    {"idle-timeout", required_argument, NULL, 'i'}, {"jobs", required_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	const char *url = NULL, *durable = "routemark-workers";
	double idle = 0;
	long max_jobs = 0;
	int c, rc = 0;
	if (cli_opt_begin("worker", opts, &argc, &argv) != 0)
		return 1;
	while ((c = cli_getopt(argc, argv, "h", opts, usage, &rc)) != -1) {
		char *end;
		switch (c) {
		case CLI_OPT_EXIT:
			return rc;
		case 'B':
			url = optarg;
			break;
		case 'U':
			durable = optarg;
			break;
		case 'i':
			idle = strtod(optarg, &end);
			if (*end || !(idle >= 0)) {
				fprintf(stderr, "routemark: worker: --idle-timeout %s: seconds\n",
				    optarg);
				return 1;
			}
			break;
		case 'j':
			max_jobs = strtol(optarg, &end, 10);
			if (*end || max_jobs < 0) {
				fprintf(stderr, "routemark: worker: --jobs %s: a count\n", optarg);
				return 1;
			}
			break;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (cli_no_args("worker", argc, argv, usage) != 0)
		return 1;
	if (url == NULL) {
		fprintf(stderr, "routemark: worker: --bus URL is needed\n");
		usage(stderr);
		return 1;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	struct worker k = {.last_job = clock_mono()};
	if ((k.bus = bus_open(url)) == NULL)
		return 1;
	bus_set_fetch(k.bus, 1); /* one job at a time: the others stay for other workers */
	if (bus_consume_key(k.bus, durable, BUS_JOBS_KEY, on_job, &k) != 0) {
		bus_close(k.bus);
		return 1;
	}
	fprintf(stderr, "routemark: worker: taking jobs from %s as %s\n", url, durable);
	while (!stop_flag && (max_jobs == 0 || (long)k.jobs < max_jobs)) {
		if (bus_poll(k.bus, 250) < 0) {
			rc = 1;
			break;
		}
		if (idle > 0 && clock_mono() - k.last_job >= idle)
			break;
	}
	printf("worker: %llu jobs, %llu routes published\n", (unsigned long long)k.jobs,
	    (unsigned long long)k.routes);
	bus_close(k.bus);
	return rc;
}
