/* libFuzzer target: a sink's spool file (sink_spool_parse), the one parser of outside bytes in
 * src/sink (a spool is read back after a crash, so it may be cut or damaged anywhere). Every
 * record handed on has an increasing seq, a severity 0..7 and a one-line JSON object; the
 * good records re-serialised parse back to the same count. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sink/sink.h"

struct check {
	uint64_t last;
	char *out; /* the good records, written again as spool lines */
	size_t len, cap;
};

static void put(struct check *c, const char *s)
{
	size_t n = strlen(s);
	XGROW(c->out, c->cap, c->len + n + 1);
	memcpy(c->out + c->len, s, n + 1);
	c->len += n;
}

static int check_one(const struct sink_event *ev, void *arg)
{
	struct check *c = arg;
	if (ev->seq <= c->last || ev->severity < 0 || ev->severity > 7 || !ev->kind || !ev->state ||
	    !ev->title || !ev->text || !ev->json || ev->json[0] != '{' || strchr(ev->json, '\n'))
		abort();
	c->last = ev->seq;
	struct jsonw j;
	jsonw_init(&j);
	jsonw_object(&j);
	jsonw_kint(&j, "seq", (int64_t)ev->seq);
	jsonw_kint(&j, "time", ev->time);
	jsonw_kint(&j, "severity", ev->severity);
	jsonw_kstr(&j, "kind", ev->kind);
	jsonw_kstr(&j, "state", ev->state);
	jsonw_kstr(&j, "title", ev->title);
	jsonw_kstr(&j, "text", ev->text);
	jsonw_kstr(&j, "json", ev->json);
	jsonw_end_object(&j);
	put(c, j.s);
	put(c, "\n");
	jsonw_free(&j);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int quiet;
	if (!quiet) {
		log_set_level(LOG_LVL_ERR);
		quiet = 1;
	}
	struct check c = {0};
	struct sink_spool_counts n, again;
	sink_spool_parse((const char *)data, size, "fuzz", check_one, &c, &n);
	if (n.good_len > size)
		abort();
	if (c.out) {
		sink_spool_parse(c.out, c.len, "fuzz-again", NULL, NULL, &again);
		if (again.events != n.events || again.corrupt != 0 || again.max_seq != n.max_seq)
			abort();
	}
	free(c.out);
	return 0;
}
