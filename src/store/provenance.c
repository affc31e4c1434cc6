/* Provenance of a snapshot: its inputs as recorded (with their data dates) and the known
 * coverage gaps of its data. */
#include <string.h>

#include "store_private.h"

int store_put_gap(struct store *s, const struct store_gap *g)
{
	if (!s->in_snapshot) {
		log_err("%s: a gap is written inside a snapshot", s->path);
		return -1;
	}
	struct db_stmt *st;
	if (db_prepare(s->db, "INSERT INTO snapshot_gap VALUES (?1, ?2, ?3, ?4, ?5)", &st) != 0) {
		log_err("%s: writing a gap: %s", s->path, db_errmsg(s->db));
		return -1;
	}
	db_bind_int64(st, 1, s->snap_id);
	db_bind_text(st, 2, g->kind);
	db_bind_text(st, 3, g->code);
	db_bind_text(st, 4, g->detail ? g->detail : "");
	db_bind_int64(st, 5, g->warning != 0);
	int rc = db_step(st);
	db_finalize(st);
	if (rc != DB_DONE) {
		log_err("%s: writing a gap: %s", s->path, db_errmsg(s->db));
		return -1;
	}
	return 0;
}

/* Rows of a query on one snapshot, each made by row() into a growing arena array. */
static int read_rows(struct store *s, const char *sql, int64_t snap, struct arena *a, size_t size,
    void (*row)(struct db_stmt *, void *, struct arena *), void **out, size_t *n)
{
	struct db_stmt *st;
	*out = NULL;
	*n = 0;
	if (db_prepare(s->db, sql, &st) != 0) {
		log_err("%s: query: %s", s->path, db_errmsg(s->db));
		return -1;
	}
	db_bind_int64(st, 1, snap);
	size_t cap = 0;
	char *v = NULL;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			char *nv = arena_alloc(a, cap * size);
			if (*n)
				memcpy(nv, v, *n * size);
			v = nv;
		}
		memset(v + *n * size, 0, size);
		row(st, v + (*n)++ * size, a);
	}
	db_finalize(st);
	if (rc != DB_DONE) {
		log_err("%s: query: %s", s->path, db_errmsg(s->db));
		return -1;
	}
	*out = v;
	return 0;
}

static void input_row(struct db_stmt *st, void *p, struct arena *a)
{
	struct store_input *in = p;
	in->kind = store_col_text(st, 0, a);
	in->path = store_col_text(st, 1, a);
	in->sha256 = store_col_text(st, 2, a);
	in->size = (uint64_t)db_col_int64(st, 3);
	in->records = (uint64_t)db_col_int64(st, 4);
	in->malformed = (uint64_t)db_col_int64(st, 5);
	in->data_time = db_col_int64(st, 6);
	in->date_from = store_col_text(st, 7, a);
}

int store_get_inputs(
    struct store *s, int64_t snap, struct arena *a, struct store_input **out, size_t *n)
{
#define INPUTS(ORDER)                                                                              \
	"SELECT kind, path, sha256, size, records, malformed, data_time, date_from "               \
	"FROM snapshot_input WHERE snapshot_id = ?1 ORDER BY " ORDER
	/* in the order they were put; PostgreSQL has no rowid (schema_pg.c) */
	return read_rows(s, store_sql(s, INPUTS("rowid"), INPUTS("seq")), snap, a, sizeof(**out),
	    input_row, (void **)out, n);
}

static void gap_row(struct db_stmt *st, void *p, struct arena *a)
{
	struct store_gap *g = p;
	g->kind = store_col_text(st, 0, a);
	g->code = store_col_text(st, 1, a);
	g->detail = store_col_text(st, 2, a);
	g->warning = (int)db_col_int64(st, 3);
}

int store_get_gaps(
    struct store *s, int64_t snap, struct arena *a, struct store_gap **out, size_t *n)
{
#define GAPS(ORDER)                                                                                \
	"SELECT kind, code, detail, warning FROM snapshot_gap WHERE snapshot_id = ?1 "             \
	"ORDER BY warning DESC, " ORDER
	return read_rows(s, store_sql(s, GAPS("rowid"), GAPS("seq")), snap, a, sizeof(**out),
	    gap_row, (void **)out, n);
}
