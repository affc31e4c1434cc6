/*
 * NRTM v1 and v3 (the IRRd / RIPE mirroring streams):
 *
 *   %START Version: 3 RADB 2393925-2393950
 *   ADD 2393925          (v1: "ADD" without a serial)
 *   <blank> <object> <blank>
 *   DEL 2393926 ...
 *   %END RADB
 *
 * Each operation is applied to a loaded database in order. v3 serials must increase and
 * lie in the announced range; v1 operations take the range's serials in turn.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "irr/irr_private.h"

enum nrtm_op { OP_NONE, OP_ADD, OP_DEL, OP_SKIP }; /* SKIP: the object of a rejected op */

struct nrtm_state {
	struct irr_db *db;
	struct nrtm_stats *st;
	const char *name;
	int started, ended;
	enum nrtm_op op;
	uint64_t serial, next_serial;
	uint32_t op_line;
};

static void nrtm_problem(struct nrtm_state *s, uint32_t line, const char *fmt, const char *arg)
{
	char msg[200];
	snprintf(msg, sizeof(msg), fmt, arg);
	s->st->errors++;
	if (s->st->err[0] == '\0')
		snprintf(s->st->err, sizeof(s->st->err), "%.100s:%u: %.140s", s->name, line, msg);
	if (s->st->errors <= 20)
		log_warn("%s:%u: %s", s->name, line, msg);
}

static void control(struct nrtm_state *s, const char *c, uint32_t line)
{
	char src[64];
	unsigned long long a, b;
	int v;
	if (strncmp(c, "%START", 6) == 0) {
		if (sscanf(c, "%%START Version: %d %63s %llu-%llu", &v, src, &a, &b) != 4 ||
		    (v != 1 && v != 3) || b < a) {
			nrtm_problem(s, line, "bad %s line", "%START");
			return;
		}
		s->started = 1;
		s->st->version = v;
		snprintf(s->st->source, sizeof(s->st->source), "%s", src);
		s->st->first = a;
		s->st->last = b;
		s->next_serial = a;
		return;
	}
	if (strncmp(c, "%END", 4) == 0) {
		s->ended = 1;
		return;
	}
	if (strncasecmp(c, "%ERROR", 6) == 0) {
		nrtm_problem(s, line, "server error: %.150s", c);
		return;
	}
	if (c[0] == '%')
		return; /* a remark such as "% Warning: there are no newer updates" */
	if (s->op == OP_ADD || s->op == OP_DEL)
		nrtm_problem(s, line, "%s without an object", s->op == OP_ADD ? "ADD" : "DEL");
	s->op = OP_SKIP; /* until the operation proves valid */
	if (!s->started || s->ended) {
		nrtm_problem(s, line, "operation outside %%START..%%END: %.60s", c);
		return;
	}
	enum nrtm_op op = strncmp(c, "ADD", 3) == 0 ? OP_ADD : OP_DEL;
	const char *rest = c + 3;
	uint64_t serial;
	if (s->st->version == 3) {
		char *end;
		serial = strtoull(rest, &end, 10);
		if (end == rest || *end != '\0') {
			nrtm_problem(s, line, "NRTMv3 operation without a serial: %.60s", c);
			return;
		}
	} else {
		if (rest[strspn(rest, " \t")] != '\0') {
			nrtm_problem(s, line, "NRTMv1 operation with trailing text: %.60s", c);
			return;
		}
		serial = s->next_serial;
	}
	if (serial < s->next_serial || serial > s->st->last) {
		nrtm_problem(s, line, "serial out of order or out of range: %.60s", c);
		return;
	}
	s->op = op;
	s->serial = serial;
	s->op_line = line;
}

static void apply(struct nrtm_state *s, const struct rpsl_object *o, uint16_t file)
{
	char err[256];
	int r;
	if (s->op == OP_NONE) {
		nrtm_problem(s, o->line, "object without ADD/DEL (%s)", o->attrs[0].key);
		return;
	}
	if (s->op == OP_SKIP) {
		s->op = OP_NONE;
		return;
	}
	if (s->op == OP_ADD) {
		r = irr_db_add(s->db, o, file, s->st->source, err, sizeof(err));
		if (r == 0 || r == 1)
			s->st->adds++;
	} else {
		r = irr_db_delete(s->db, o, s->st->source, err, sizeof(err));
		if (r == 0)
			s->st->dels++;
		if (r == 1)
			s->st->missing++;
	}
	if (r < 0) {
		nrtm_problem(s, o->line, "%s", err);
	} else {
		s->st->applied_serial = s->serial;
		s->next_serial = s->serial + 1;
	}
	s->op = OP_NONE;
}

static int run(struct nrtm_state *s, struct rpsl_reader *r)
{
	struct rpsl_object o;
	int rc;
	uint16_t file = irr_db_file(s->db, s->name);
	r->nrtm = 1;
	while ((rc = rpsl_reader_next(r, &o)) > 0) {
		if (rc == RPSL_CONTROL)
			control(s, r->control, r->lineno);
		else
			apply(s, &o, file);
	}
	if (r->malformed) {
		s->st->errors += r->malformed;
		if (s->st->err[0] == '\0')
			snprintf(s->st->err, sizeof(s->st->err), "%s", r->err);
	}
	if (s->op == OP_ADD || s->op == OP_DEL)
		nrtm_problem(s, s->op_line, "%s at end of stream without an object",
		    s->op == OP_ADD ? "ADD" : "DEL");
	if (!s->started) {
		if (s->st->err[0] == '\0')
			snprintf(
			    s->st->err, sizeof(s->st->err), "%.200s: no %%START line", s->name);
		return -1;
	}
	int src = irr_db_source(s->db, s->st->source);
	if (src >= 0 && s->st->applied_serial)
		s->db->serial[src] = s->st->applied_serial;
	return rc < 0 ? -1 : 0;
}

int nrtm_apply_file(struct irr_db *db, const char *path, struct nrtm_stats *st)
{
	struct rpsl_reader r;
	struct nrtm_state s = {db, st, path, 0, 0, OP_NONE, 0, 0, 0};
	memset(st, 0, sizeof(*st));
	if (rpsl_reader_open(&r, path) != 0) {
		snprintf(st->err, sizeof(st->err), "%s", r.err);
		rpsl_reader_close(&r);
		return -1;
	}
	int rc = run(&s, &r);
	rpsl_reader_close(&r);
	return rc;
}

int nrtm_apply_mem(
    struct irr_db *db, const char *buf, size_t len, const char *name, struct nrtm_stats *st)
{
	struct rpsl_reader r;
	struct nrtm_state s = {db, st, name, 0, 0, OP_NONE, 0, 0, 0};
	memset(st, 0, sizeof(*st));
	rpsl_reader_open_mem(&r, buf, len, name);
	int rc = run(&s, &r);
	rpsl_reader_close(&r);
	return rc;
}
