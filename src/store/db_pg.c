/*
 * The store's database layer on PostgreSQL (db.h), with libpq.
 *
 * Statements: ?N placeholders become $N. A statement's first run goes as one PQexecParams (no
 * round trip to prepare a query run once); from its second run on (the same SQL text, on
 * this connection) it is a named prepared statement, kept until the connection closes: the
 * store's SQL is a small fixed set. Parameters go as text (blobs as binary bytea) and their
 * types are inferred by the server; results come as text (PostgreSQL 12 and later print
 * floats exactly), bytea decoded from its hex form.
 *
 * Writes: an INSERT inside a transaction is pipelined (libpq's pipeline mode): sent without
 * waiting for its answer, the answers read when anything else runs (or every PIPE_MAX
 * statements), so a snapshot's hundred thousand rows do not cost a round trip each. An
 * error of a pipelined INSERT is reported by the statement that reads it; the transaction
 * has failed then, and its COMMIT too.
 *
 * Change notices: a connection that wrote in a transaction sends NOTIFY routemark with its
 * COMMIT (and after a write outside a transaction); db_pg_changed LISTENs and reports
 * whether any came. A connection lost between statements is opened again once, outside a
 * transaction; that counts as a change (notices may have been missed).
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "db.h"
#include "store/store.h"

#define MAXP 32      /* placeholders per statement */
#define MAXCACHE 512 /* SQL texts remembered per connection */
#define PIPE_MAX 512 /* pipelined statements before their answers are read */
#define OID_TEXT 25
#define OID_BYTEA 17

struct pg_sql {
	char *sql; /* as given (?N) */
	char *pg;  /* $N */
	int nparams;
	unsigned char used[MAXP + 1];
	int prepared; /* as "rm<index>" */
	unsigned runs;
	int insert; /* an INSERT without RETURNING: pipelined in a transaction */
};

struct pg {
	struct db db;
	PGconn *c;
	int readonly;
	char err[512];
	int64_t changes;
	int dirty;     /* wrote in the open transaction */
	int listening; /* LISTEN routemark sent */
	int lost;      /* opened again: a change to report */
	int pending;   /* pipelined statements whose answers are unread */
	int pipe_err;  /* a pipelined statement failed: prepared names are unsure */
	struct pg_sql *sql;
	size_t nsql, capsql;
};

struct pg_stmt {
	struct db_stmt st;
	size_t sql; /* index into the connection's texts */
	const char *val[MAXP];
	int len[MAXP], fmt[MAXP];
	char num[MAXP][32];
	PGresult *res;
	int ran, row, nrows;
	unsigned char *blob; /* the decoded bytea of column blobcol */
	size_t bloblen;
	int blobcol;
};

#define P(db) ((struct pg *)(db))
#define PS(st) ((struct pg_stmt *)(st))

static void set_err(struct pg *p, const char *msg)
{
	snprintf(p->err, sizeof(p->err), "%s", msg && *msg ? msg : "PostgreSQL error");
	size_t n = strlen(p->err);
	while (n && (p->err[n - 1] == '\n' || p->err[n - 1] == ' '))
		p->err[--n] = '\0';
}

static void no_notice(void *arg, const char *msg)
{
}

/* The session's settings, at connect and reconnect. */
static int session(struct pg *p)
{
	PQsetNoticeProcessor(p->c, no_notice, NULL);
	char sql[256];
	snprintf(sql, sizeof(sql),
	    "SET client_min_messages = warning; SET extra_float_digits = 3; "
	    "SET default_transaction_read_only = %s;%s",
	    p->readonly ? "on" : "off", p->listening ? " LISTEN routemark;" : "");
	PGresult *r = PQexec(p->c, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		set_err(p, PQerrorMessage(p->c));
	PQclear(r);
	return ok ? 0 : -1;
}

/* A connection found broken outside a transaction: open it again. */
static int reconnect(struct pg *p)
{
	if (PQstatus(p->c) != CONNECTION_BAD)
		return -1;
	PQreset(p->c);
	if (PQstatus(p->c) != CONNECTION_OK) {
		set_err(p, PQerrorMessage(p->c));
		return -1;
	}
	for (size_t i = 0; i < p->nsql; i++)
		p->sql[i].prepared = 0;
	p->lost = 1;
	p->dirty = 0;
	return session(p);
}

/* ?N to $N, outside quotes; which N are used. */
static void translate(struct pg_sql *q)
{
	size_t n = strlen(q->sql);
	char *o = xmalloc(n + 1);
	size_t k = 0;
	char quote = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = q->sql[i];
		if (quote) {
			if (ch == quote)
				quote = 0;
		} else if (ch == '\'' || ch == '"') {
			quote = ch;
		} else if (ch == '?' && q->sql[i + 1] >= '0' && q->sql[i + 1] <= '9') {
			int v = 0;
			o[k++] = '$';
			while (q->sql[i + 1] >= '0' && q->sql[i + 1] <= '9') {
				v = v * 10 + (q->sql[i + 1] - '0');
				o[k++] = q->sql[++i];
			}
			if (v >= 1 && v <= MAXP) {
				q->used[v] = 1;
				if (v > q->nparams)
					q->nparams = v;
			}
			continue;
		}
		o[k++] = ch;
	}
	o[k] = '\0';
	q->pg = o;
}

static int pg_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
	struct pg *p = P(db);
	size_t i;
	for (i = 0; i < p->nsql; i++)
		if (strcmp(p->sql[i].sql, sql) == 0)
			break;
	if (i == p->nsql) {
		if (p->nsql == MAXCACHE) { /* not expected: the store has a few dozen */
			set_err(p, "too many distinct statements");
			*out = NULL;
			return -1;
		}
		XGROW(p->sql, p->capsql, p->nsql + 1);
		struct pg_sql *q = &p->sql[p->nsql++];
		memset(q, 0, sizeof(*q));
		q->sql = xstrdup(sql);
		q->insert = strncmp(sql, "INSERT", 6) == 0 && strstr(sql, "RETURNING") == NULL;
		translate(q);
	}
	struct pg_stmt *s = xcalloc(1, sizeof(*s));
	s->st.db = db;
	s->sql = i;
	s->blobcol = -1;
	*out = &s->st;
	return 0;
}

static void drop_result(struct pg_stmt *s)
{
	PQclear(s->res);
	s->res = NULL;
	s->ran = 0;
	free(s->blob);
	s->blob = NULL;
	s->blobcol = -1;
}

static void pg_finalize(struct db_stmt *st)
{
	drop_result(PS(st));
	free(st);
}

static void pg_reset(struct db_stmt *st)
{
	drop_result(PS(st));
}

static void pg_clear(struct db_stmt *st)
{
	struct pg_stmt *s = PS(st);
	memset(s->val, 0, sizeof(s->val));
	memset(s->fmt, 0, sizeof(s->fmt));
}

static int slot(struct db_stmt *st, int i)
{
	return i >= 1 && i <= MAXP ? i - 1 : -1;
}

static void pg_bind_int64(struct db_stmt *st, int i, int64_t v)
{
	struct pg_stmt *s = PS(st);
	if ((i = slot(st, i)) < 0)
		return;
	snprintf(s->num[i], sizeof(s->num[i]), "%lld", (long long)v);
	s->val[i] = s->num[i], s->fmt[i] = 0;
}

static void pg_bind_double(struct db_stmt *st, int i, double v)
{
	struct pg_stmt *s = PS(st);
	if ((i = slot(st, i)) < 0)
		return;
	if (v != v)
		snprintf(s->num[i], sizeof(s->num[i]), "NaN");
	else if (v > 1e308 || v < -1e308)
		snprintf(s->num[i], sizeof(s->num[i]), "%sInfinity", v < 0 ? "-" : "");
	else
		snprintf(s->num[i], sizeof(s->num[i]), "%.17g", v);
	s->val[i] = s->num[i], s->fmt[i] = 0;
}

static void pg_bind_text(struct db_stmt *st, int i, const char *v)
{
	struct pg_stmt *s = PS(st);
	if ((i = slot(st, i)) < 0)
		return;
	s->val[i] = v, s->fmt[i] = 0;
}

static void pg_bind_blob(struct db_stmt *st, int i, const void *v, size_t n)
{
	struct pg_stmt *s = PS(st);
	if ((i = slot(st, i)) < 0)
		return;
	s->val[i] = v ? v : "", s->len[i] = (int)n, s->fmt[i] = 1;
}

static void pg_bind_null(struct db_stmt *st, int i)
{
	pg_bind_text(st, i, NULL);
}

/* PostgreSQL: LIMIT NULL is none (a negative one is an error) */
static void pg_bind_limit(struct db_stmt *st, int i, int64_t limit)
{
	if (limit > 0)
		pg_bind_int64(st, i, limit);
	else
		pg_bind_null(st, i);
}

static PGresult *run(struct pg *p, struct pg_stmt *s)
{
	struct pg_sql *q = &p->sql[s->sql];
	Oid types[MAXP];
	for (int i = 0; i < q->nparams; i++)
		types[i] = !q->used[i + 1] ? OID_TEXT : s->fmt[i] ? OID_BYTEA : 0;
	char name[24];
	snprintf(name, sizeof(name), "rm%zu", s->sql);
	if (!q->prepared && q->runs++ == 0)
		return PQexecParams(p->c, q->pg, q->nparams, types, s->val, s->len, s->fmt, 0);
	if (!q->prepared) {
		PGresult *r = PQprepare(p->c, name, q->pg, q->nparams, types);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			return r;
		PQclear(r);
		q->prepared = 1;
	}
	return PQexecPrepared(p->c, name, q->nparams, s->val, s->len, s->fmt, 0);
}

/* Read the answers of the pipelined statements and leave pipeline mode: 0, or -1 when one
 * failed (its message kept). */
static int flush(struct pg *p)
{
	if (!PQpipelineStatus(p->c))
		return 0;
	int synced = PQpipelineSync(p->c) == 1, err = !synced;
	while (synced && PQstatus(p->c) != CONNECTION_BAD) {
		PGresult *r = PQgetResult(p->c);
		if (r == NULL) {
			if (PQstatus(p->c) == CONNECTION_BAD)
				break;
			continue; /* the end of one statement's answers */
		}
		ExecStatusType rs = PQresultStatus(r);
		if (rs == PGRES_PIPELINE_SYNC) {
			PQclear(r);
			break;
		}
		if (rs == PGRES_COMMAND_OK && PQcmdTuples(r)[0])
			p->changes = strtoll(PQcmdTuples(r), NULL, 10);
		else if (rs != PGRES_COMMAND_OK && rs != PGRES_PIPELINE_ABORTED && !err) {
			set_err(p, PQresultErrorMessage(r));
			err = 1;
		}
		PQclear(r);
	}
	if (PQstatus(p->c) == CONNECTION_BAD && !err) {
		set_err(p, PQerrorMessage(p->c));
		err = 1;
	}
	p->pending = 0;
	PQexitPipelineMode(p->c);
	if (err) { /* names prepared in the pipeline may not exist: forget them all */
		for (size_t i = 0; i < p->nsql; i++)
			p->sql[i].prepared = 0;
		p->pipe_err = 1;
	}
	return err ? -1 : 0;
}

/* Send an INSERT of the open transaction without waiting for its answer. */
static int pipelined(struct pg *p, struct pg_stmt *s)
{
	struct pg_sql *q = &p->sql[s->sql];
	if (!PQpipelineStatus(p->c) && PQenterPipelineMode(p->c) != 1) {
		set_err(p, PQerrorMessage(p->c));
		return DB_ERROR;
	}
	Oid types[MAXP];
	for (int i = 0; i < q->nparams; i++)
		types[i] = !q->used[i + 1] ? OID_TEXT : s->fmt[i] ? OID_BYTEA : 0;
	char name[24];
	snprintf(name, sizeof(name), "rm%zu", s->sql);
	int ok;
	if (!q->prepared && q->runs++ == 0) {
		ok = PQsendQueryParams(p->c, q->pg, q->nparams, types, s->val, s->len, s->fmt, 0);
	} else {
		ok = q->prepared || PQsendPrepare(p->c, name, q->pg, q->nparams, types);
		q->prepared = 1;
		ok = ok && PQsendQueryPrepared(p->c, name, q->nparams, s->val, s->len, s->fmt, 0);
	}
	if (!ok) {
		set_err(p, PQerrorMessage(p->c));
		flush(p);
		return DB_ERROR;
	}
	p->dirty = 1;
	s->ran = 1;
	if (++p->pending >= PIPE_MAX && flush(p) != 0)
		return DB_ERROR;
	return DB_DONE;
}

/* A NOTIFY for readers after a write outside a transaction (in one: with its COMMIT). */
static void notify_now(struct pg *p)
{
	PQclear(PQexec(p->c, "NOTIFY routemark"));
	p->dirty = 0;
}

static int pg_step(struct db_stmt *st)
{
	struct pg_stmt *s = PS(st);
	struct pg *p = P(st->db);
	if (s->ran && s->res == NULL) /* a pipelined INSERT */
		return DB_DONE;
	if (!s->ran && p->sql[s->sql].insert &&
	    (PQpipelineStatus(p->c) || PQtransactionStatus(p->c) == PQTRANS_INTRANS))
		return pipelined(p, s);
	if (flush(p) != 0)
		return DB_ERROR;
	if (s->res == NULL) {
		int idle = PQtransactionStatus(p->c) == PQTRANS_IDLE;
		PGresult *r = run(p, s);
		ExecStatusType rs = PQresultStatus(r);
		if (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK && idle && reconnect(p) == 0) {
			PQclear(r);
			r = run(p, s);
			rs = PQresultStatus(r);
		}
		if (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK) {
			set_err(p, PQresultErrorMessage(r));
			PQclear(r);
			return DB_ERROR;
		}
		const char *cmd = PQcmdStatus(r);
		if (strncmp(cmd, "INSERT", 6) == 0 || strncmp(cmd, "UPDATE", 6) == 0 ||
		    strncmp(cmd, "DELETE", 6) == 0) {
			p->changes = strtoll(PQcmdTuples(r), NULL, 10);
			p->dirty = 1;
			if (idle)
				notify_now(p);
		}
		s->res = r;
		s->ran = 1;
		s->row = -1;
		s->nrows = rs == PGRES_TUPLES_OK ? PQntuples(r) : 0;
	}
	free(s->blob);
	s->blob = NULL;
	s->blobcol = -1;
	return ++s->row < s->nrows ? DB_ROW : DB_DONE;
}

static const char *value(struct pg_stmt *s, int i)
{
	if (s->res == NULL || s->row < 0 || s->row >= s->nrows || i < 0 || i >= PQnfields(s->res) ||
	    PQgetisnull(s->res, s->row, i))
		return NULL;
	return PQgetvalue(s->res, s->row, i);
}

static int64_t pg_col_int64(struct db_stmt *st, int i)
{
	const char *v = value(PS(st), i);
	if (v == NULL)
		return 0;
	if (*v == 't' || *v == 'f') /* a boolean */
		return *v == 't';
	if (strpbrk(v, ".eEIN")) /* a float, read as SQLite does */
		return (int64_t)strtod(v, NULL);
	return strtoll(v, NULL, 10);
}

static double pg_col_double(struct db_stmt *st, int i)
{
	const char *v = value(PS(st), i);
	if (v && (*v == 't' || *v == 'f'))
		return *v == 't';
	return v ? strtod(v, NULL) : 0;
}

static const char *pg_col_text(struct db_stmt *st, int i)
{
	return value(PS(st), i);
}

/* Column i as bytes: bytea decoded, anything else its text. */
static const void *bytes(struct pg_stmt *s, int i, size_t *n)
{
	const char *v = value(s, i);
	*n = 0;
	if (v == NULL)
		return NULL;
	if (PQftype(s->res, i) != OID_BYTEA) {
		*n = strlen(v);
		return v;
	}
	if (s->blobcol != i) {
		free(s->blob);
		s->blob = PQunescapeBytea((const unsigned char *)v, &s->bloblen);
		s->blobcol = s->blob ? i : -1;
	}
	*n = s->blob ? s->bloblen : 0;
	return s->blob;
}

static const void *pg_col_blob(struct db_stmt *st, int i)
{
	size_t n;
	return bytes(PS(st), i, &n);
}

static size_t pg_col_bytes(struct db_stmt *st, int i)
{
	size_t n;
	bytes(PS(st), i, &n);
	return n;
}

static int pg_col_null(struct db_stmt *st, int i)
{
	return value(PS(st), i) == NULL;
}

static int pg_exec(struct db *db, const char *sql)
{
	struct pg *p = P(db);
	int commit = strcmp(sql, "COMMIT") == 0, rollback = strcmp(sql, "ROLLBACK") == 0;
	if (flush(p) != 0 && !rollback) {
		if (commit) { /* the transaction failed: end it */
			PQclear(PQexec(p->c, "ROLLBACK"));
			p->dirty = 0;
		}
		return -1;
	}
	int idle = PQtransactionStatus(p->c) == PQTRANS_IDLE;
	if (rollback)
		p->dirty = 0;
	PGresult *r = PQexec(p->c, commit && p->dirty ? "NOTIFY routemark; COMMIT" : sql);
	ExecStatusType rs = PQresultStatus(r);
	if (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK && idle && reconnect(p) == 0) {
		PQclear(r);
		r = PQexec(p->c, sql);
		rs = PQresultStatus(r);
	}
	int ok = rs == PGRES_COMMAND_OK || rs == PGRES_TUPLES_OK;
	if (!ok)
		set_err(p, PQresultErrorMessage(r));
	else if (commit && strcmp(PQcmdStatus(r), "ROLLBACK") == 0) {
		set_err(p, "the transaction failed: rolled back");
		ok = 0;
	}
	PQclear(r);
	if (commit)
		p->dirty = 0;
	if (p->pipe_err && PQtransactionStatus(p->c) == PQTRANS_IDLE) {
		PQclear(PQexec(p->c, "DEALLOCATE ALL"));
		p->pipe_err = 0;
	}
	return ok ? 0 : -1;
}

static int64_t pg_changes(struct db *db)
{
	flush(P(db));
	return P(db)->changes;
}

static int64_t pg_last_id(struct db *db)
{
	if (flush(P(db)) != 0)
		return 0;
	PGresult *r = PQexec(P(db)->c, "SELECT lastval()");
	int64_t v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1
	                ? strtoll(PQgetvalue(r, 0, 0), NULL, 10)
	                : 0;
	PQclear(r);
	return v;
}

static const char *pg_errmsg(struct db *db)
{
	return P(db)->err;
}

static int pg_begin(struct db *db)
{
	P(db)->dirty = 0;
	return pg_exec(db, "BEGIN");
}

static void pg_close(struct db *db)
{
	struct pg *p = P(db);
	PQfinish(p->c);
	for (size_t i = 0; i < p->nsql; i++) {
		free(p->sql[i].sql);
		free(p->sql[i].pg);
	}
	free(p->sql);
	free(p);
}

static const struct db_ops pg_ops = {
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .reset = pg_reset,
    .clear = pg_clear,
    .bind_int64 = pg_bind_int64,
    .bind_double = pg_bind_double,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .bind_null = pg_bind_null,
    .bind_limit = pg_bind_limit,
    .step = pg_step,
    .col_int64 = pg_col_int64,
    .col_double = pg_col_double,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .col_bytes = pg_col_bytes,
    .col_null = pg_col_null,
    .exec = pg_exec,
    .changes = pg_changes,
    .last_id = pg_last_id,
    .errmsg = pg_errmsg,
    .begin = pg_begin,
    .close = pg_close,
};

int db_pg_open(const char *url, int readonly, struct db **out)
{
	struct pg *p = xcalloc(1, sizeof(*p));
	p->db.ops = &pg_ops;
	p->db.pg = 1;
	p->readonly = readonly;
	*out = &p->db;
	p->c = PQconnectdb(url);
	if (p->c == NULL || PQstatus(p->c) != CONNECTION_OK) {
		set_err(p, p->c ? PQerrorMessage(p->c) : "out of memory");
		return -1;
	}
	return session(p);
}

int db_pg_changed(struct db *db)
{
	struct pg *p = P(db);
	if (flush(p) != 0)
		return -1;
	if (!p->listening) {
		p->listening = 1;
		PGresult *r = PQexec(p->c, "LISTEN routemark");
		int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		if (!ok)
			set_err(p, PQresultErrorMessage(r)); /* e.g. a hot standby */
		PQclear(r);
		if (!ok && reconnect(p) != 0) { /* (reconnecting LISTENs again) */
			p->listening = 0;
			return -1;
		}
		p->lost = 0; /* listening from now on: nothing to report yet */
		return 0;
	}
	int changed = 0;
	if (PQconsumeInput(p->c) == 0 || PQstatus(p->c) == CONNECTION_BAD) {
		if (reconnect(p) != 0)
			return -1;
	}
	PGnotify *n;
	while ((n = PQnotifies(p->c)) != NULL) {
		changed = 1;
		PQfreemem(n);
	}
	if (p->lost) {
		p->lost = 0;
		changed = 1;
	}
	return changed;
}

size_t store_url_ports(const char *path, uint16_t *ports, size_t max)
{
	if (!store_is_url(path))
		return 0;
	PQconninfoOption *opts = PQconninfoParse(path, NULL);
	if (opts == NULL)
		return 0;
	const char *host = "", *port = "";
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (o->val && strcmp(o->keyword, "host") == 0)
			host = o->val;
		else if (o->val && strcmp(o->keyword, "port") == 0)
			port = o->val;
	/* comma-separated lists: the i-th port goes with the i-th host; one port for all */
	size_t n = 0;
	const char *h = host, *p = port;
	do {
		size_t hl = strcspn(h, ","), pl = strcspn(p, ",");
		long v = pl ? strtol(p, NULL, 10) : 5432;
		if (!(hl && h[0] == '/') && v > 0 && v < 65536 && n < max)
			ports[n++] = (uint16_t)v; /* a host not given is localhost over TCP too */
		h += hl + (h[hl] == ',');
		if (p[pl] == ',')
			p += pl + 1;
	} while (*h);
	PQconninfoFree(opts);
	return n;
}
