/*
 * Several routing inputs read at once: up to `threads` reader threads each take the next file
 * not yet started (in the order the files were named) and read it with engine_read_input into
 * route batches (mrt_batch_*); the caller's thread hands the batches to the engine file after
 * file, in that order. The engine sees the same routes in the same order as when one thread
 * reads everything, so the snapshot is the same whatever the thread count; only decompression
 * and decoding overlap. A file's queue holds at most QUEUE_BYTES of batches: a reader ahead of
 * the engine waits, so memory stays bounded by the threads, not by the input. The files being
 * read are always the lowest not yet handed over, so the engine's next file is always among
 * them (no reader waits on a file nobody reads).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine_private.h"

#define QUEUE_BYTES (32u << 20)

struct batch {
	struct batch *next;
	size_t len;
	uint8_t data[];
};

struct file_q {
	struct batch *head, *tail;
	size_t bytes;
	int done; /* the last batch is queued */
};

struct engine_par {
	pthread_t *tid;
	size_t started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct engine_input *in;
	size_t nin, next; /* the next file to start */
	int64_t table_time;
	int strict;
	int stop; /* the engine side gave up: readers end */
	struct file_q *q;
};

/* Where a reader's batches go: its file's queue. */
struct dest {
	struct engine_par *p;
	struct file_q *q;
};

/* engine_batch_fn: a closed batch into its file's queue, waiting while the queue is full. */
static int enqueue(void *arg, const uint8_t *buf, size_t len, int last)
{
	struct engine_par *p = ((struct dest *)arg)->p;
	struct file_q *q = ((struct dest *)arg)->q;
	struct batch *b = xmalloc(sizeof(*b) + len);
	b->next = NULL;
	b->len = len;
	memcpy(b->data, buf, len);
	pthread_mutex_lock(&p->mu);
	while (q->bytes > QUEUE_BYTES && !p->stop)
		pthread_cond_wait(&p->cv, &p->mu);
	if (q->tail)
		q->tail->next = b;
	else
		q->head = b;
	q->tail = b;
	q->bytes += b->len;
	if (last)
		q->done = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

static void *reader_main(void *arg)
{
	struct engine_par *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		if (p->stop || p->next == p->nin) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		size_t file = p->next++;
		pthread_mutex_unlock(&p->mu);
		struct dest d = {p, &p->q[file]};
		uint64_t routes;
		engine_read_batches(p->in[file].path, p->table_time, p->strict, (uint32_t)file,
		    enqueue, &d, &routes);
	}
	return NULL;
}

static void to_engine(void *arg, const struct mrt_route *rt)
{
	engine_route(arg, rt);
}

/* Hand file i's batches to the engine as they come. Its trailer into *t. */
static void take(struct engine_par *p, struct engine *e, size_t i, struct mrt_batch_trailer *t)
{
	struct file_q *q = &p->q[i];
	engine_file_begin(e);
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (q->head == NULL)
			pthread_cond_wait(&p->cv, &p->mu);
		struct batch *b = q->head;
		q->head = b->next;
		if (q->head == NULL)
			q->tail = NULL;
		q->bytes -= b->len;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		struct mrt_batch mb;
		const char *err;
		size_t off;
		if (mrt_batch_decode(b->data, b->len, &mb, to_engine, e, &err, &off) != 0) {
			log_err("engine: a batch of routes is damaged (%s, byte %zu)", err, off);
			abort(); /* made in this process a moment ago: a bug, never input */
		}
		free(b);
		if (mb.last) {
			*t = mb.trailer;
			return;
		}
	}
}

struct engine_par *engine_par_start(
    struct engine_input *in, size_t nin, int threads, int64_t table_time, int strict)
{
	struct engine_par *p = xcalloc(1, sizeof(*p));
	p->in = in, p->nin = nin, p->table_time = table_time, p->strict = strict;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->q = xcalloc(nin, sizeof(*p->q));
	size_t nt = (size_t)threads < nin ? (size_t)threads : nin;
	p->tid = xcalloc(nt ? nt : 1, sizeof(*p->tid));
	for (; p->started < nt; p->started++)
		if (pthread_create(&p->tid[p->started], NULL, reader_main, p) != 0)
			break;
	return p;
}

int engine_par_take(
    struct engine_par *p, struct engine *e, const struct engine_job *job, uint64_t *routes)
{
	double t0 = clock_mono();
	*routes = 0;
	if (p->started == 0) {
		log_err("engine: no reader thread could be started");
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < p->nin && rc == 0; i++) {
		struct engine_input *in = &p->in[i];
		struct mrt_batch_trailer t;
		take(p, e, i, &t);
		engine_input_from_trailer(in, &t, p->table_time);
		*routes += t.routes;
		rc = t.rc;
		if (rc == 0 && job->progress) {
			const char *base = strrchr(in->path, '/');
			struct engine_progress pr = {.file = i + 1,
			    .nfiles = p->nin,
			    .name = base ? base + 1 : in->path,
			    .records = t.records,
			    .routes = *routes,
			    .elapsed = clock_mono() - t0,
			    .file_done = 1};
			job->progress(&pr, job->progress_arg);
		}
		if (rc == -2)
			log_err("%s: malformed data (--strict); nothing stored", in->path);
		else if (rc == -1)
			log_err("%s: cannot be read; nothing stored", in->path);
	}
	return rc;
}

void engine_par_end(struct engine_par *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1; /* after an error or none: readers of later files end */
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (size_t k = 0; k < p->started; k++)
		pthread_join(p->tid[k], NULL);
	for (size_t i = 0; i < p->nin; i++)
		for (struct batch *b = p->q[i].head, *nb; b; b = nb) {
			nb = b->next;
			free(b);
		}
	free(p->q);
	free(p->tid);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}
