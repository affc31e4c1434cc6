/*
 * Loading an RPSL dump into the database on two threads: a reader thread cuts the objects
 * (rpsl_reader_next) and packs them into batches, the caller's thread indexes them in file
 * order (irr_db_add). The decompression has a thread of its own (zinput). A batch holds
 * whole objects: per object a header, its attributes as offsets, then its text.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "irr/irr_private.h"

#define NBATCH 4                 /* batches in flight */
#define BATCH_BYTES (512u << 10) /* a batch is handed over once it holds this much */

struct batch {
	char *buf;
	size_t len, cap;
};

/* Header of one packed object; then nattrs struct packed_attr, then tlen bytes of text. */
struct packed_obj {
	uint64_t offset;
	uint32_t nattrs, line, tlen, cls;
};

struct packed_attr {
	uint32_t key, value, line; /* key and value: offsets into the object's text */
};

struct loader {
	struct rpsl_reader r;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch b[NBATCH];
	unsigned head, tail; /* batches taken by the consumer / handed over by the reader */
	int done, rc;        /* reader finished; its last rpsl_reader_next result */
};

static void put(struct batch *b, const void *p, size_t n)
{
	XGROW(b->buf, b->cap, b->len + n);
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static void pack(struct batch *b, const struct rpsl_object *o, const struct rpsl_reader *r)
{
	struct packed_obj h = {.offset = o->offset,
	    .nattrs = (uint32_t)o->nattrs,
	    .line = o->line,
	    .tlen = (uint32_t)r->tlen,
	    .cls = (uint32_t)o->cls};
	put(b, &h, sizeof(h));
	for (size_t i = 0; i < o->nattrs; i++) {
		struct packed_attr a = {(uint32_t)(o->attrs[i].key - r->text),
		    (uint32_t)(o->attrs[i].value - r->text), o->attrs[i].line};
		put(b, &a, sizeof(a));
	}
	put(b, r->text, r->tlen);
}

static void *reader_main(void *arg)
{
	struct loader *l = arg;
	struct rpsl_object o;
	int rc;
	struct batch *b = NULL;
	for (;;) {
		if (b == NULL) { /* wait for a free batch */
			pthread_mutex_lock(&l->mu);
			while (l->tail - l->head >= NBATCH)
				pthread_cond_wait(&l->cv, &l->mu);
			b = &l->b[l->tail % NBATCH];
			pthread_mutex_unlock(&l->mu);
			b->len = 0;
		}
		rc = rpsl_reader_next(&l->r, &o);
		if (rc == RPSL_OBJECT)
			pack(b, &o, &l->r);
		if (rc > 0 && b->len < BATCH_BYTES)
			continue;
		pthread_mutex_lock(&l->mu);
		l->tail++;
		if (rc <= 0) {
			l->done = 1;
			l->rc = rc;
		}
		pthread_cond_broadcast(&l->cv);
		pthread_mutex_unlock(&l->mu);
		b = NULL;
		if (rc <= 0)
			return NULL;
	}
}

static void add_one(struct irr_db *db, const struct rpsl_object *o, uint16_t file,
    struct irr_load_stats *st, const char *path)
{
	char err[256];
	st->objects++;
	int a = irr_db_add(db, o, file, NULL, err, sizeof(err));
	if (a == 1)
		st->ignored++;
	if (a < 0) {
		st->malformed++;
		if (st->err[0] == '\0')
			snprintf(st->err, sizeof(st->err), "%.100s:%u (offset %llu): %.120s", path,
			    o->line, (unsigned long long)o->offset, err);
		if (st->malformed <= 20)
			log_warn("%.100s:%u (offset %llu): %.120s", path, o->line,
			    (unsigned long long)o->offset, err);
	}
}

/* Index the objects of one batch, in order. attrs: the caller's growing array. */
static void unpack(struct irr_db *db, const struct batch *b, struct rpsl_attr **attrs, size_t *acap,
    uint16_t file, struct irr_load_stats *st, const char *path)
{
	size_t pos = 0;
	while (pos < b->len) {
		struct packed_obj h;
		memcpy(&h, b->buf + pos, sizeof(h));
		pos += sizeof(h);
		const char *pa = b->buf + pos, *text = pa + h.nattrs * sizeof(struct packed_attr);
		XGROW(*attrs, *acap, h.nattrs);
		for (uint32_t i = 0; i < h.nattrs; i++) {
			struct packed_attr a;
			memcpy(&a, pa + i * sizeof(a), sizeof(a));
			(*attrs)[i].key = text + a.key;
			(*attrs)[i].value = text + a.value;
			(*attrs)[i].line = a.line;
		}
		pos += h.nattrs * sizeof(struct packed_attr) + h.tlen;
		struct rpsl_object o = {.attrs = *attrs,
		    .nattrs = h.nattrs,
		    .cls = (enum rpsl_class)h.cls,
		    .file = path,
		    .line = h.line,
		    .offset = h.offset};
		add_one(db, &o, file, st, path);
	}
}

int irr_db_load(struct irr_db *db, const char *path, struct irr_load_stats *st)
{
	struct loader *l = xcalloc(1, sizeof(*l));
	memset(st, 0, sizeof(*st));
	if (rpsl_reader_open(&l->r, path) != 0) {
		snprintf(st->err, sizeof(st->err), "%s", l->r.err);
		rpsl_reader_close(&l->r);
		free(l);
		return -1;
	}
	uint16_t file = irr_db_file(db, path);
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cv, NULL);
	struct rpsl_attr *attrs = NULL;
	size_t acap = 0;
	int rc;
	pthread_t t;
	if (pthread_create(&t, NULL, reader_main, l) != 0) { /* one thread, then */
		struct rpsl_object o;
		while ((rc = rpsl_reader_next(&l->r, &o)) > 0)
			if (rc == RPSL_OBJECT)
				add_one(db, &o, file, st, path);
	} else {
		for (;;) {
			pthread_mutex_lock(&l->mu);
			while (l->head == l->tail && !l->done)
				pthread_cond_wait(&l->cv, &l->mu);
			int empty = l->head == l->tail;
			pthread_mutex_unlock(&l->mu);
			if (empty)
				break; /* done, and every batch taken */
			unpack(db, &l->b[l->head % NBATCH], &attrs, &acap, file, st, path);
			pthread_mutex_lock(&l->mu);
			l->head++;
			pthread_cond_broadcast(&l->cv);
			pthread_mutex_unlock(&l->mu);
		}
		pthread_join(t, NULL);
		rc = l->rc;
	}
	st->malformed += l->r.malformed;
	if (st->err[0] == '\0' && l->r.err[0])
		snprintf(st->err, sizeof(st->err), "%s", l->r.err);
	rpsl_reader_close(&l->r);
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->cv);
	for (int i = 0; i < NBATCH; i++)
		free(l->b[i].buf);
	free(attrs);
	free(l);
	return rc < 0 ? -1 : 0;
}
