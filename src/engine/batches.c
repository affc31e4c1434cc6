/*
 * A routing input read into route batches (mrt_batch_*) for another thread or machine to
 * judge: the reading of engine_read_input, the routes cut into batches, the file's figures in
 * its last batch; and those figures back into the input's record on the judging side. One
 * piece for the engine's reader threads (parallel.c) and the workers of a batch over the bus.
 */
#include <string.h>

#include "engine/engine.h"

struct cut {
	const char *path;
	uint32_t file, seq;
	struct mrt_batch_writer w;
	engine_batch_fn emit;
	void *arg;
	int bad;    /* a route no batch can hold: the file fails, said */
	int failed; /* emit failed */
};

static void close_batch(struct cut *c, const struct mrt_batch_trailer *t)
{
	mrt_batch_end(&c->w, t);
	if (c->emit(c->arg, c->w.buf, c->w.len, t != NULL) != 0)
		c->failed = 1;
	mrt_batch_begin(&c->w, c->file, ++c->seq);
}

static void on_route(void *arg, const struct mrt_route *rt)
{
	struct cut *c = arg;
	if (mrt_batch_add(&c->w, rt) != 0) {
		if (!c->bad)
			log_err("%s: record %llu: a route that cannot be passed on (AS path of %u "
			        "words)",
			    c->path, (unsigned long long)rt->record,
			    rt->attrs ? rt->attrs->aspath_nwords : 0);
		c->bad = 1;
		return;
	}
	if (c->w.count >= MRT_BATCH_ROUTES)
		close_batch(c, NULL);
}

int engine_read_batches(const char *path, int64_t table_time, int strict, uint32_t file,
    engine_batch_fn emit, void *arg, uint64_t *routes)
{
	struct cut c = {.path = path, .file = file, .emit = emit, .arg = arg};
	mrt_batch_begin(&c.w, file, 0);
	struct engine_input in;
	*routes = 0;
	int rc = engine_read_input(path, table_time, strict, &in, routes, on_route, &c);
	if (rc == 0 && c.bad)
		rc = -1;
	struct mrt_batch_trailer t = {.records = in.records,
	    .malformed = in.malformed,
	    .routes = *routes,
	    .data_time = in.data_time,
	    .rc = rc,
	    .table = strcmp(in.kind, "table") == 0,
	    .size = in.size};
	close_batch(&c, &t);
	mrt_batch_writer_free(&c.w);
	return c.failed ? -4 : rc;
}

void engine_input_from_trailer(
    struct engine_input *in, const struct mrt_batch_trailer *t, int64_t table_time)
{
	in->records = t->records;
	in->malformed = t->malformed;
	if (t->table) {
		in->kind = "table";
		in->data_time = t->data_time;
		in->date_from = table_time ? "given" : "name";
	} else if (t->data_time) {
		in->data_time = t->data_time;
		in->date_from = "records";
	}
}
