/* Procurement: where each provider stands on a profile, their ranking, and the links to the
 * evidence behind each verdict on a routemark server. */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "conform_private.h"

void conform_standing(const struct conform_result *r, struct conform_standing *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < r->n; i++) {
		const struct conform_control_result *c = &r->c[i];
		int pass = c->verdict == CONFORM_PASS;
		if (c->control->severity == CONFORM_REQUIRED) {
			out->req_total++;
			out->req_pass += pass;
		} else if (c->control->severity == CONFORM_RECOMMENDED) {
			out->rec_total++;
			out->rec_pass += pass;
		}
		out->fails += c->verdict == CONFORM_FAIL;
	}
	for (size_t i = 0; i < r->nsnaps; i++) {
		const struct store_snapshot *s = &r->snaps[i];
		int64_t from = s->period_start ? s->period_start : s->created;
		int64_t to = s->period_end ? s->period_end : s->created;
		if (out->data_from == 0 || from < out->data_from)
			out->data_from = from;
		if (to > out->data_to)
			out->data_to = to;
	}
}

struct ranked {
	const struct conform_result *r;
	struct conform_standing s;
	size_t idx;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	int cx = x->r->overall == CONFORM_CONFORMANT, cy = y->r->overall == CONFORM_CONFORMANT;
	if (cx != cy)
		return cy - cx;
	if (x->s.req_pass != y->s.req_pass)
		return x->s.req_pass > y->s.req_pass ? -1 : 1;
	if (x->s.rec_pass != y->s.rec_pass)
		return x->s.rec_pass > y->s.rec_pass ? -1 : 1;
	if (x->s.fails != y->s.fails)
		return x->s.fails < y->s.fails ? -1 : 1;
	if (x->r->asn != y->r->asn)
		return x->r->asn < y->r->asn ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx; /* the same AS twice: as given */
}

void conform_rank(const struct conform_result *r, size_t n, size_t *order)
{
	struct ranked *v = xcalloc(n ? n : 1, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		v[i].r = &r[i];
		v[i].idx = i;
		conform_standing(&r[i], &v[i].s);
	}
	qsort(v, n, sizeof(*v), cmp_ranked);
	for (size_t i = 0; i < n; i++)
		order[i] = v[i].idx;
	free(v);
}

/* Percent-encode what is not unreserved (RFC 3986) into buf of size >= 3 * strlen + 1. */
static void urlenc(char *buf, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || strchr("-._~", c))
			*buf++ = (char)c;
		else {
			*buf++ = '%';
			*buf++ = hex[c >> 4];
			*buf++ = hex[c & 15];
		}
	}
	*buf = '\0';
}

char *conform_link(const char *base, const struct conform_result *r, const char *control)
{
	const char *name = r->profile->name;
	char *enc = xmalloc(3 * strlen(name) + 1);
	urlenc(enc, name);
	size_t bl = base ? strlen(base) : 0;
	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	char *link = xasprintf("%.*s/as/%" PRIu32 "/conformance?profile=%s%s%s", (int)bl,
	    base ? base : "", r->asn, enc, control ? "#control-" : "", control ? control : "");
	free(enc);
	return link;
}
