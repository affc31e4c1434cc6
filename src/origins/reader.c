/* Prefix-to-origin tables (CAIDA prefix2as, RIS riswhois, pyasn) read as RIB routes. */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "origins/origins.h"

#define MAX_ORIGINS ORIGINS_ROW_MAX /* origins of one row kept; more is malformed */
#define DETECT_LINES 20             /* rows that must agree on the format */
#define LOG_FIRST 10                /* malformed rows logged one by one */

#define BATCH_ROWS 4096 /* rows handed from the parsing thread to the caller at a time */
#define NBATCH 4        /* batches in flight */

/* A parsed row: its origins are pool[first .. first + norigin) of its batch. */
struct row_rec {
	struct prefix prefix;
	uint8_t norigin;
	uint32_t first;
	uint64_t row; /* its line number */
};

struct row_batch {
	struct row_rec rec[BATCH_ROWS];
	size_t n;
	uint32_t *pool;
	size_t npool, cappool;
	unsigned char *out; /* the check's result of each pool entry (route), check.size each */
	size_t capout;      /* entries out holds */
	int checked;        /* the check ran on it before it was handed over */
	int rc;             /* set on the last batch: next_row's result that ended the table */
	int last;
};

/*
 * A thread reads and parses the rows (next_row: the fields below marked "parser") into
 * batches; origins_next hands their routes out in order. Without the thread (it could not
 * be started) origins_next fills the batches itself.
 */
struct origins_reader {
	struct zlines lines;
	enum origins_format fmt;
	uint32_t ts;
	int strict;
	struct origins_stats st; /* parser; read by the caller once the table is read */
	/* parser: the row just parsed */
	struct prefix prefix;
	uint32_t origin[MAX_ORIGINS];
	int norigin;
	uint64_t row;
	/* batches */
	pthread_t thread;
	int threaded, stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct row_batch *b[NBATCH];
	unsigned head, tail; /* batches taken by the caller / filled by the parser */
	/* the caller: the batch, row and origin being handed out */
	struct row_batch *cur;
	size_t pos;
	int next;
	int end, end_rc;
	uint32_t words[2];
	struct bgp_attrs attrs;
	/* the check run on each route, by whichever thread takes its batch first */
	struct origins_check check;
};

const char *origins_format_name(enum origins_format f)
{
	switch (f) {
	case ORIGINS_PFX2AS:
		return "pfx2as";
	case ORIGINS_RISWHOIS:
		return "riswhois";
	case ORIGINS_PYASN:
		return "pyasn";
	default:
		return "none";
	}
}

static int all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int is_comment(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0' || *s == '%' || *s == ';' || *s == '#';
}

/*
 * "a", "a_b" (several origins), "a,b" or "{a,b}" (an AS set: no origin), "a_b,c". The single
 * origins go to out (at most MAX_ORIGINS); *sets counts the AS sets. -1 when malformed.
 */
static int parse_origins(char *s, uint32_t *out, int *n, uint64_t *sets)
{
	*n = 0;
	if (*s == '\0')
		return -1;
	for (char *save = NULL, *c = strtok_r(s, "_", &save); c; c = strtok_r(NULL, "_", &save)) {
		if (strchr(c, ',') || *c == '{') {
			size_t l = strlen(c);
			if (*c == '{' && (l < 3 || c[l - 1] != '}'))
				return -1;
			(*sets)++;
			continue;
		}
		if (!all_digits(c) || *n == MAX_ORIGINS || asn_parse(c, &out[*n]) != 0)
			return -1;
		(*n)++;
	}
	return 0;
}

/* snprintf(dst, size, "%s%c%s", a, sep, b) without the format machinery (sep 0: a alone). */
static void join(char *dst, size_t size, const char *a, char sep, const char *b)
{
	size_t o = 0;
	for (; *a && o + 1 < size; a++)
		dst[o++] = *a;
	if (sep) {
		if (o + 1 < size)
			dst[o++] = sep;
		for (; *b && o + 1 < size; b++)
			dst[o++] = *b;
	}
	dst[o] = '\0';
}

/* Split a row into its prefix text and origins text by format; -1 when it has not the
 * shape. pfx2as gives the address and length separately (joined into pbuf). */
static int row_fields(enum origins_format f, char *line, char *pbuf, size_t size, char **origins)
{
	char *fld[4];
	int n = split_ws(line, fld, 4);
	switch (f) {
	case ORIGINS_PFX2AS:
		if (n != 3 || !all_digits(fld[1]) || strchr(fld[0], '/'))
			return -1;
		join(pbuf, size, fld[0], '/', fld[1]);
		*origins = fld[2];
		return 0;
	case ORIGINS_RISWHOIS:
		if (n != 3 || !strchr(fld[1], '/') || !all_digits(fld[2]))
			return -1;
		join(pbuf, size, fld[1], 0, NULL);
		*origins = fld[0];
		return 0;
	case ORIGINS_PYASN:
		if (n != 2 || !strchr(fld[0], '/'))
			return -1;
		join(pbuf, size, fld[0], 0, NULL);
		*origins = fld[1];
		return 0;
	default:
		return -1;
	}
}

#define ROW_MAX 512 /* a longer row is malformed */

/* Digits at *s as a number of at most maxd digits without a leading zero (a lone "0" is
 * one), *s moved past them; -1 when there are none, more, or a leading zero. */
static int64_t plain_number(const char **s, int maxd)
{
	const char *p = *s;
	int64_t v = 0;
	int nd = 0;
	for (; *p >= '0' && *p <= '9'; p++, nd++) {
		if (nd == maxd)
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (nd == 0 || (nd > 1 && **s == '0'))
		return -1;
	*s = p;
	return v;
}

/*
 * A plain IPv4 pfx2as row, "A.B.C.D LEN AS[_AS...]" (tabs or spaces between, numbers without
 * leading zeros, no host bits, no AS set, under ROW_MAX bytes): 1 with its prefix and origins,
 * as origins_parse_row's general path reads them; 0 when the row is anything else, for the general
 * path to read. The general path copies and splits the row, then parses each field apart:
 * it was two thirds of the 2024-01-01 table's parsing.
 */
static int pfx2as_fast(const char *line, struct prefix *p, uint32_t *orig, int *norig)
{
	const char *s = line;
	uint8_t a[4];
	for (int i = 0; i < 4; i++) {
		int64_t v = plain_number(&s, 3);
		if (v < 0 || v > 255 || (i < 3 && *s++ != '.'))
			return 0;
		a[i] = (uint8_t)v;
	}
	if (*s != '\t' && *s != ' ')
		return 0;
	while (*s == '\t' || *s == ' ')
		s++;
	int64_t len = plain_number(&s, 2);
	if (len < 0 || len > 32 || (*s != '\t' && *s != ' '))
		return 0;
	uint32_t addr = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
	if (len < 32 && (addr & (0xffffffffu >> len)) != 0)
		return 0; /* host bits: malformed, said by the general path */
	while (*s == '\t' || *s == ' ')
		s++;
	int n = 0;
	for (;;) {
		int64_t v = plain_number(&s, 10);
		if (v < 0 || v > UINT32_MAX || n == MAX_ORIGINS)
			return 0;
		orig[n++] = (uint32_t)v;
		if (*s != '_')
			break;
		s++;
	}
	while (*s == '\t' || *s == ' ')
		s++;
	if (*s != '\0' || s - line >= ROW_MAX)
		return 0;
	memset(p, 0, sizeof(*p));
	p->afi = AFI_IPV4;
	p->len = (uint8_t)len;
	memcpy(p->addr, a, 4);
	*norig = n;
	return 1;
}

int origins_parse_row(enum origins_format f, const char *line, int general, struct prefix *p,
    uint32_t *orig, int *norig, uint64_t *sets)
{
	if (f == ORIGINS_PFX2AS && !general && pfx2as_fast(line, p, orig, norig))
		return 0;
	char copy[ROW_MAX], pbuf[128], *otext;
	size_t len = strlen(line);
	if (len >= sizeof(copy))
		return -1;
	memcpy(copy, line, len + 1);
	if (row_fields(f, copy, pbuf, sizeof(pbuf), &otext) != 0 || prefix_parse(pbuf, p) != 0)
		return -1;
	return parse_origins(otext, orig, norig, sets);
}

enum origins_format origins_detect(const char *path)
{
	struct zinput *in = zinput_open(path, path, 0, 0);
	if (in == NULL)
		return ORIGINS_NONE;
	/* the first 64 KiB decompressed are plenty for DETECT_LINES rows */
	char *buf = xmalloc(65536);
	size_t len = 0;
	ssize_t k;
	while (len < 65535 && (k = zinput_read(in, (uint8_t *)buf + len, 65535 - len)) > 0)
		len += (size_t)k;
	zinput_close(in);
	buf[len] = '\0';
	enum origins_format found = ORIGINS_NONE;
	int rows = 0;
	char *save = NULL;
	for (char *line = strtok_r(buf, "\n", &save); line && rows < DETECT_LINES;
	     line = strtok_r(NULL, "\n", &save)) {
		if (save && *save == '\0' && len == 65535)
			break; /* possibly cut by the window */
		size_t l = strlen(line);
		if (l && line[l - 1] == '\r')
			line[--l] = '\0';
		if (is_comment(line))
			continue;
		enum origins_format f = ORIGINS_NONE;
		struct prefix p;
		uint32_t o[MAX_ORIGINS];
		int n;
		uint64_t sets = 0;
		for (int c = ORIGINS_PFX2AS; c <= ORIGINS_PYASN && f == ORIGINS_NONE; c++)
			if (origins_parse_row((enum origins_format)c, line, 0, &p, o, &n, &sets) ==
			    0)
				f = (enum origins_format)c;
		if (f == ORIGINS_NONE || (found != ORIGINS_NONE && f != found)) {
			found = ORIGINS_NONE;
			break;
		}
		found = f;
		rows++;
	}
	free(buf);
	return rows > 0 ? found : ORIGINS_NONE;
}

static int64_t utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {
	    .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59)
		return -1;
	return (int64_t)timegm(&tm);
}

int64_t origins_time_from_name(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	/* the first run of 8 digits that is a date, with "-HHMM" or ".HHMM" after it if any */
	for (const char *s = base; *s; s++) {
		if (!isdigit((unsigned char)*s) || (s > base && isdigit((unsigned char)s[-1])))
			continue;
		size_t n = strspn(s, "0123456789");
		if (n != 8)
			continue;
		int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
		int mo = (s[4] - '0') * 10 + (s[5] - '0'), d = (s[6] - '0') * 10 + (s[7] - '0');
		int h = 0, mi = 0;
		if ((s[8] == '-' || s[8] == '.') && strspn(s + 9, "0123456789") == 4) {
			h = (s[9] - '0') * 10 + (s[10] - '0');
			mi = (s[11] - '0') * 10 + (s[12] - '0');
		}
		if (y >= 1990 && y <= 2100) {
			int64_t t = utc(y, mo, d, h, mi);
			if (t >= 0)
				return t;
		}
	}
	return -1;
}

/* Read rows until one with an origin; 1, 0 at the end, -1 / -2 as origins_next. */
static int next_row(struct origins_reader *r)
{
	char *line;
	size_t len;
	int rc;
	while ((rc = zlines_next(&r->lines, &line, &len)) == 1) {
		r->st.lines++;
		if (is_comment(line))
			continue;
		r->st.entries++;
		if (origins_parse_row(
		        r->fmt, line, 0, &r->prefix, r->origin, &r->norigin, &r->st.as_sets) != 0) {
			r->st.malformed++;
			if (r->st.malformed <= LOG_FIRST || r->strict)
				log_warn("%s:%llu: not a %s row: %.80s", r->lines.path,
				    (unsigned long long)r->lines.lineno,
				    origins_format_name(r->fmt), line);
			if (r->strict)
				return -2;
			continue;
		}
		if (r->norigin > 1)
			r->st.moas++;
		if (r->norigin == 0)
			continue; /* AS sets only */
		r->row = r->lines.lineno;
		return 1;
	}
	if (rc == 0 && r->st.malformed > LOG_FIRST)
		log_warn("%s: %llu malformed rows skipped in all", r->lines.path,
		    (unsigned long long)r->st.malformed);
	return rc;
}

/* The route of origin asn of row w, as handed out: its AS path is words (the origin alone),
 * described by attrs. */
static void route_of(const struct origins_reader *r, const struct row_rec *w, uint32_t asn,
    uint32_t *words, const struct bgp_attrs *attrs, struct mrt_route *rt)
{
	words[0] = ASPATH_SEG_HDR(AS_SEQUENCE, 1);
	words[1] = asn;
	memset(rt, 0, sizeof(*rt));
	rt->kind = MRT_ROUTE_RIB;
	rt->ts = r->ts;
	rt->record = w->row;
	rt->peer.afi = w->prefix.afi;
	rt->prefix = w->prefix;
	memcpy(rt->prefix_wire, w->prefix.addr, sizeof(rt->prefix_wire));
	rt->safi = 1;
	rt->origin_only = 1;
	rt->attrs = attrs;
}

/* The check on every route of b, into b->out; worker: ORIGINS_PARSER or ORIGINS_CALLER. */
static void check_batch(struct origins_reader *r, struct row_batch *b, int worker)
{
	size_t sz = r->check.size;
	uint32_t words[2];
	struct bgp_attrs attrs = r->attrs;
	attrs.aspath = words;
	if (b->capout < b->npool) {
		free(b->out);
		b->capout = b->cappool > b->npool ? b->cappool : b->npool;
		b->out = xmalloc(b->capout * sz);
	}
	for (size_t i = 0; i < b->n; i++) {
		const struct row_rec *w = &b->rec[i];
		for (uint32_t k = 0; k < w->norigin; k++) {
			struct mrt_route rt;
			route_of(r, w, b->pool[w->first + k], words, &attrs, &rt);
			r->check.fn(
			    r->check.arg, worker, &rt, b->out + (size_t)(w->first + k) * sz);
		}
	}
}

/* Fill b with the next rows (next_row); the last batch carries the result that ended it. */
static void fill_batch(struct origins_reader *r, struct row_batch *b)
{
	b->n = b->npool = 0;
	b->last = 0;
	b->checked = 0;
	while (b->n < BATCH_ROWS) {
		int rc = next_row(r);
		if (rc != 1) {
			b->last = 1;
			b->rc = rc;
			return;
		}
		struct row_rec *w = &b->rec[b->n++];
		w->prefix = r->prefix;
		w->norigin = (uint8_t)r->norigin;
		w->first = (uint32_t)b->npool;
		w->row = r->row;
		XGROW(b->pool, b->cappool, b->npool + (size_t)r->norigin);
		memcpy(b->pool + b->npool, r->origin, (size_t)r->norigin * sizeof(*r->origin));
		b->npool += (size_t)r->norigin;
	}
}

/*
 * The parser. A batch is checked before it is handed over, by the parser when the caller
 * has rows queued (it is busy: the parser is ahead), or else by the caller when it takes it
 * (the caller would only wait: the checks run beside the parsing of the next rows). Who
 * checks a batch is settled when it is handed over, so neither thread ever waits for the
 * other's checks (a wake-up per batch cost milliseconds on these VMs).
 */
static void *parser_main(void *arg)
{
	struct origins_reader *r = arg;
	for (;;) {
		pthread_mutex_lock(&r->mu);
		while (r->tail - r->head >= NBATCH && !r->stop)
			pthread_cond_wait(&r->cv, &r->mu);
		int stop = r->stop;
		int queued = r->tail - r->head > 1; /* beyond the batch the caller reads */
		pthread_mutex_unlock(&r->mu);
		if (stop)
			return NULL;
		struct row_batch *b = r->b[r->tail % NBATCH];
		fill_batch(r, b);
		if (r->check.fn && queued) {
			check_batch(r, b, ORIGINS_PARSER);
			b->checked = 1;
		}
		pthread_mutex_lock(&r->mu);
		r->tail++;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
		if (b->last)
			return NULL;
	}
}

struct origins_reader *origins_open(
    const char *path, enum origins_format f, uint32_t ts, int strict)
{
	return origins_open_checked(path, f, ts, strict, NULL);
}

struct origins_reader *origins_open_checked(const char *path, enum origins_format f, uint32_t ts,
    int strict, const struct origins_check *check)
{
	struct origins_reader *r = xcalloc(1, sizeof(*r));
	if (zlines_open(&r->lines, path) != 0) {
		free(r);
		return NULL;
	}
	r->fmt = f;
	r->ts = ts;
	r->strict = strict;
	r->attrs.present = 1u << BGP_ATTR_AS_PATH;
	r->attrs.origin = BGP_ORIGIN_INCOMPLETE;
	r->attrs.aspath = r->words;
	r->attrs.aspath_nwords = 2;
	if (check && check->fn && check->size)
		r->check = *check;
	for (int i = 0; i < NBATCH; i++)
		r->b[i] = xcalloc(1, sizeof(*r->b[i]));
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	r->threaded = pthread_create(&r->thread, NULL, parser_main, r) == 0;
	return r;
}

/* The next row to hand out, or NULL at the end (r->end_rc says how it ended). */
static const struct row_rec *next_rec(struct origins_reader *r)
{
	if (r->cur && r->pos < r->cur->n)
		return &r->cur->rec[r->pos++];
	if (r->end)
		return NULL;
	if (r->cur) { /* give the batch back */
		int last = r->cur->last;
		if (last) {
			r->end = 1;
			r->end_rc = r->cur->rc;
		}
		if (r->threaded) {
			pthread_mutex_lock(&r->mu);
			r->head++;
			pthread_cond_broadcast(&r->cv);
			pthread_mutex_unlock(&r->mu);
		}
		r->cur = NULL;
		if (last)
			return NULL;
	}
	if (r->threaded) {
		pthread_mutex_lock(&r->mu);
		while (r->head == r->tail)
			pthread_cond_wait(&r->cv, &r->mu);
		pthread_mutex_unlock(&r->mu);
		r->cur = r->b[r->head % NBATCH];
	} else {
		r->cur = r->b[0];
		fill_batch(r, r->cur);
	}
	if (r->check.fn && !r->cur->checked) /* handed over unchecked: checked here */
		check_batch(r, r->cur, ORIGINS_CALLER);
	r->pos = 0;
	return next_rec(r);
}

int origins_next(struct origins_reader *r, struct mrt_route *rt)
{
	const struct row_rec *w;
	if (r->cur && r->pos > 0 && r->next < r->cur->rec[r->pos - 1].norigin) {
		w = &r->cur->rec[r->pos - 1];
	} else {
		if ((w = next_rec(r)) == NULL)
			return r->end_rc;
		r->next = 0;
	}
	uint32_t asn = r->cur->pool[w->first + (uint32_t)r->next++];
	route_of(r, w, asn, r->words, &r->attrs, rt);
	r->st.routes++;
	return 1;
}

const void *origins_checked_ahead(const struct origins_reader *r, unsigned k)
{
	if (r->check.fn == NULL || r->cur == NULL || r->pos == 0 || r->next == 0)
		return NULL;
	/* a batch's routes are its pool's entries, in order */
	const struct row_rec *w = &r->cur->rec[r->pos - 1];
	size_t i = (size_t)w->first + (size_t)r->next - 1 + k;
	return i < r->cur->npool ? r->cur->out + i * r->check.size : NULL;
}

const void *origins_checked(const struct origins_reader *r)
{
	return origins_checked_ahead(r, 0);
}

const struct origins_stats *origins_stats(const struct origins_reader *r)
{
	return &r->st;
}

void origins_progress(const struct origins_reader *r, uint64_t *done, uint64_t *total)
{
	zinput_progress(r->lines.in, done, total);
}

void origins_close(struct origins_reader *r)
{
	if (r == NULL)
		return;
	if (r->threaded) {
		pthread_mutex_lock(&r->mu);
		r->stop = 1;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
		pthread_join(r->thread, NULL);
	}
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	for (int i = 0; i < NBATCH; i++) {
		free(r->b[i]->pool);
		free(r->b[i]->out);
		free(r->b[i]);
	}
	zlines_close(&r->lines);
	free(r);
}
