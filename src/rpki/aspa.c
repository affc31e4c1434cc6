/*
 * ASPA table and AS_PATH verification per draft-ietf-sidrops-aspa-verification (the
 * up-ramp / down-ramp formulation of sections "Upstream" and "Downstream" paths, stable from
 * -16 to the latest revisions).
 *
 * The path is numbered from the origin: A[1] = origin ... A[N] = the neighbour, after
 * collapsing prepends. hop(x, y) asks x's ASPA whether y is its provider.
 *   max_up   = longest r such that no hop(A[i], A[i+1]), i < r, is Not Provider+
 *   min_up   = longest r such that every hop(A[i], A[i+1]), i < r, is Provider+
 *   max_down / min_down: the same from the neighbour end with hop(A[j+1], A[j])
 * Upstream: Valid if min_up = N; Invalid if max_up < N; else Unknown.
 * Downstream: Invalid if max_up + max_down < N; Valid if min_up + min_down >= N; else Unknown.
 */
#include <stdlib.h>
#include <string.h>

#include "rpki/rpki.h"

struct aspa_pair {
	uint32_t customer, provider;
};

struct aspa_table {
	struct aspa_pair *pairs; /* before build: every (customer, provider) added */
	size_t npairs, cap;
	struct aspa *a; /* after build: one per customer, sorted by customer */
	size_t n;
	uint32_t *prov; /* all provider sets, back to back */
	int built;
};

struct aspa_table *aspa_table_new(void)
{
	return xcalloc(1, sizeof(struct aspa_table));
}

void aspa_table_free(struct aspa_table *t)
{
	if (t == NULL)
		return;
	free(t->pairs);
	free(t->a);
	free(t->prov);
	free(t);
}

static void add_pair(struct aspa_table *t, uint32_t c, uint32_t p)
{
	XGROW(t->pairs, t->cap, t->npairs + 1);
	t->pairs[t->npairs++] = (struct aspa_pair){c, p};
}

int aspa_table_add(struct aspa_table *t, uint32_t customer, const uint32_t *providers, size_t n)
{
	if (t == NULL || t->built)
		return -1;
	/* A customer with an empty provider set (or only AS0) still has an ASPA: every hop
	 * from it is Not Provider+. Record it with the AS0 marker, dropped below. */
	add_pair(t, customer, 0);
	for (size_t i = 0; i < n; i++)
		if (providers[i] != 0)
			add_pair(t, customer, providers[i]);
	return 0;
}

static int pair_cmp(const void *a, const void *b)
{
	const struct aspa_pair *x = a, *y = b;
	if (x->customer != y->customer)
		return x->customer < y->customer ? -1 : 1;
	if (x->provider != y->provider)
		return x->provider < y->provider ? -1 : 1;
	return 0;
}

int aspa_table_build(struct aspa_table *t)
{
	if (t->built)
		return -1;
	if (t->npairs > 1)
		qsort(t->pairs, t->npairs, sizeof(*t->pairs), pair_cmp);
	t->a = xcalloc(t->npairs + 1, sizeof(*t->a));
	t->prov = xcalloc(t->npairs + 1, sizeof(*t->prov));
	size_t np = 0;
	for (size_t i = 0; i < t->npairs; i++) {
		const struct aspa_pair *q = &t->pairs[i];
		if (t->n == 0 || t->a[t->n - 1].customer != q->customer) {
			t->a[t->n].customer = q->customer;
			t->a[t->n].providers = &t->prov[np];
			t->a[t->n].nproviders = 0;
			t->n++;
		}
		if (q->provider == 0 || (i > 0 && pair_cmp(&t->pairs[i - 1], q) == 0))
			continue;
		t->prov[np++] = q->provider;
		t->a[t->n - 1].nproviders++;
	}
	free(t->pairs);
	t->pairs = NULL;
	t->npairs = t->cap = 0;
	t->built = 1;
	return 0;
}

size_t aspa_table_count(const struct aspa_table *t)
{
	return t->n;
}

const struct aspa *aspa_table_get(const struct aspa_table *t, size_t i)
{
	return i < t->n ? &t->a[i] : NULL;
}

const struct aspa *aspa_table_find(const struct aspa_table *t, uint32_t customer)
{
	size_t i =
	    u32_lower_bound(t->a, t->n, sizeof(*t->a), offsetof(struct aspa, customer), customer);
	return i < t->n && t->a[i].customer == customer ? &t->a[i] : NULL;
}

enum aspa_hop aspa_hop_check(const struct aspa_table *t, uint32_t customer, uint32_t provider)
{
	const struct aspa *a = aspa_table_find(t, customer);
	if (a == NULL)
		return ASPA_HOP_NO_ATTESTATION;
	size_t i = u32_lower_bound(a->providers, a->nproviders, sizeof(uint32_t), 0, provider);
	return i < a->nproviders && a->providers[i] == provider ? ASPA_HOP_PROVIDER
	                                                        : ASPA_HOP_NOT_PROVIDER;
}

const char *aspa_state_name(enum aspa_state s)
{
	switch (s) {
	case ASPA_VALID:
		return "valid";
	case ASPA_INVALID:
		return "invalid";
	default:
		return "unknown";
	}
}

/* The ramps of path A[0..n-1] in origin-first order (A[0] = origin). */
struct ramps {
	size_t max_up, min_up, max_down, min_down;
};

static void compute_ramps(const struct aspa_table *t, const uint32_t *A, size_t n, struct ramps *r)
{
	r->max_up = r->min_up = n;
	for (size_t i = 0; i + 1 < n; i++) {
		enum aspa_hop h = aspa_hop_check(t, A[i], A[i + 1]);
		if (h != ASPA_HOP_PROVIDER && r->min_up == n)
			r->min_up = i + 1;
		if (h == ASPA_HOP_NOT_PROVIDER) {
			r->max_up = i + 1;
			break;
		}
	}
	r->max_down = r->min_down = n;
	for (size_t j = n - 1; j > 0; j--) {
		enum aspa_hop h = aspa_hop_check(t, A[j], A[j - 1]);
		if (h != ASPA_HOP_PROVIDER && r->min_down == n)
			r->min_down = n - j;
		if (h == ASPA_HOP_NOT_PROVIDER) {
			r->max_down = n - j;
			break;
		}
	}
}

/* Record hop (A[k], A[k+1]) (origin-first) in res as positions from the neighbour. */
static void blame(struct aspa_result *res, const uint32_t *A, size_t n, size_t k)
{
	if (k + 1 >= n)
		return;
	res->fail_index = (int)(n - 2 - k);
	res->fail_from = A[k + 1];
	res->fail_to = A[k];
}

enum aspa_state aspa_verify_asns(const struct aspa_table *t, const uint32_t *asns, size_t n,
    enum aspa_direction dir, struct aspa_result *res)
{
	struct aspa_result dummy;
	if (res == NULL)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	res->fail_index = -1;
	/* collapse prepends and reverse into origin-first order */
	uint32_t stackbuf[64], *A = n <= 64 ? stackbuf : xreallocarray(NULL, n, sizeof(*A));
	size_t N = 0;
	for (size_t i = n; i-- > 0;)
		if (N == 0 || A[N - 1] != asns[i])
			A[N++] = asns[i];
	res->path_len = (uint32_t)N;
	enum aspa_state st = ASPA_VALID;
	struct ramps r;
	if (N == 0) {
		st = ASPA_INVALID;
	} else if (N > 1) {
		compute_ramps(t, A, N, &r);
		if (dir == ASPA_UPSTREAM) {
			st = r.min_up == N  ? ASPA_VALID
			     : r.max_up < N ? ASPA_INVALID
			                    : ASPA_UNKNOWN;
			if (st == ASPA_INVALID)
				blame(res, A, N, r.max_up - 1);
			else if (st == ASPA_UNKNOWN)
				blame(res, A, N, r.min_up - 1);
		} else {
			st = r.max_up + r.max_down < N    ? ASPA_INVALID
			     : r.min_up + r.min_down >= N ? ASPA_VALID
			                                  : ASPA_UNKNOWN;
			/* the first hop past the longest possible up-ramp is where the
			 * valley begins */
			if (st == ASPA_INVALID)
				blame(res, A, N, r.max_up - 1);
			else if (st == ASPA_UNKNOWN)
				blame(res, A, N, r.min_up - 1);
		}
	}
	res->state = st;
	if (A != stackbuf)
		free(A);
	return st;
}

enum aspa_state aspa_verify(const struct aspa_table *t, const uint32_t *w, uint32_t nwords,
    enum aspa_direction dir, struct aspa_result *res)
{
	uint32_t stackbuf[64],
	    *asns = nwords <= 64 ? stackbuf : xreallocarray(NULL, nwords, sizeof(*asns));
	size_t n = 0;
	int has_set = 0;
	for (uint32_t i = 0; i < nwords;) {
		uint32_t type = ASPATH_SEG_TYPE(w[i]), cnt = ASPATH_SEG_COUNT(w[i]);
		if (type == AS_SET || type == AS_CONFED_SET)
			has_set = 1;
		for (uint32_t k = 1; k <= cnt && i + k < nwords; k++)
			if (type == AS_SEQUENCE)
				asns[n++] = w[i + k];
		i += cnt + 1;
	}
	enum aspa_state st;
	if (has_set) {
		if (res != NULL) {
			memset(res, 0, sizeof(*res));
			res->fail_index = -1;
			res->state = ASPA_INVALID;
		}
		st = ASPA_INVALID;
	} else {
		st = aspa_verify_asns(t, asns, n, dir, res);
	}
	if (asns != stackbuf)
		free(asns);
	return st;
}
