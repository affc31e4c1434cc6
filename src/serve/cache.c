/*
 * The response cache: a stored snapshot never changes, so a response built once is served
 * again from memory until the store changes. Keyed by the request target as sent (path and
 * query); holds 200 responses only; bounded in bytes, least recently used out first; an
 * entry also ages out after a time to live (verdicts that depend on the clock, such as an
 * attestation's validity, are rebuilt then). The whole cache is dropped when any connection
 * sees another process commit to the store (a new snapshot, an accepted dispute, a filing):
 * rare, and never wrong.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve/server_private.h"

/* A body, shared: the entry holds one reference, each response being sent another. */
struct cbody {
	atomic_uint refs;
	size_t len;
	char data[];
};

static struct cbody *cbody_new(const char *p, size_t len)
{
	struct cbody *b = malloc(sizeof(*b) + (len ? len : 1));
	if (b == NULL)
		return NULL;
	atomic_init(&b->refs, 1);
	b->len = len;
	memcpy(b->data, p, len);
	return b;
}

char *cbody_data(struct cbody *b)
{
	return b->data;
}

size_t cbody_len(const struct cbody *b)
{
	return b->len;
}

void cbody_release(void *arg)
{
	struct cbody *b = arg;
	if (b && atomic_fetch_sub(&b->refs, 1) == 1)
		free(b);
}

struct centry {
	struct centry *next_hash;
	struct centry *prev, *next; /* recency: head most recent */
	uint64_t hash;
	char *key;
	struct cbody *body;
	struct cbody *gz; /* the gzip coding of body (NULL: below GZIP_MIN, or it did not shrink) */
	char etag_gz[20];
	const char *ctype; /* a string constant of the handler */
	char *link;        /* the Link header, or NULL */
	int64_t last_modified, born;
	char etag[20];
};

struct resp_cache {
	pthread_mutex_t mu;
	struct centry **tab;
	size_t nbuckets;
	struct centry *head, *tail;
	size_t bytes, max_bytes, entries;
	int64_t ttl;
	uint64_t hits, misses, drops;
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static size_t entry_cost(const struct centry *e)
{
	return sizeof(*e) + strlen(e->key) + 1 + e->body->len + (e->gz ? e->gz->len : 0);
}

struct resp_cache *resp_cache_new(size_t max_bytes, int64_t ttl)
{
	if (max_bytes == 0)
		return NULL;
	struct resp_cache *c = xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->mu, NULL);
	c->nbuckets = 4096;
	c->tab = xcalloc(c->nbuckets, sizeof(*c->tab));
	c->max_bytes = max_bytes;
	c->ttl = ttl;
	return c;
}

static void unlink_entry(struct resp_cache *c, struct centry *e)
{
	struct centry **pp = &c->tab[e->hash % c->nbuckets];
	while (*pp != e)
		pp = &(*pp)->next_hash;
	*pp = e->next_hash;
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	c->bytes -= entry_cost(e);
	c->entries--;
	free(e->key);
	cbody_release(e->body); /* freed here, or by the last response sending it */
	cbody_release(e->gz);
	free(e->link);
	free(e);
}

static void drop_all(struct resp_cache *c)
{
	while (c->head)
		unlink_entry(c, c->head);
}

void resp_cache_free(struct resp_cache *c)
{
	if (c == NULL)
		return;
	drop_all(c);
	free(c->tab);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

void resp_cache_invalidate(struct resp_cache *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	if (c->entries)
		c->drops++;
	drop_all(c);
	pthread_mutex_unlock(&c->mu);
}

static int64_t now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

int resp_cache_get(struct resp_cache *c, const char *key, struct req *r)
{
	if (c == NULL)
		return 0;
	uint64_t h = fnv1a(key);
	int found = 0;
	pthread_mutex_lock(&c->mu);
	struct centry *e = c->tab[h % c->nbuckets];
	while (e && (e->hash != h || strcmp(e->key, key) != 0))
		e = e->next_hash;
	if (e && c->ttl > 0 && now_s() - e->born >= c->ttl) {
		unlink_entry(c, e);
		e = NULL;
	}
	if (e) {
		if (c->head != e) { /* to the front */
			e->prev->next = e->next;
			if (e->next)
				e->next->prev = e->prev;
			else
				c->tail = e->prev;
			e->prev = NULL;
			e->next = c->head;
			c->head->prev = e;
			c->head = e;
		}
		int gz = r->accept_gzip && e->gz;
		buf_reset(&r->body);
		cbody_release(r->shared);
		r->shared = gz ? e->gz : e->body;
		atomic_fetch_add(&r->shared->refs, 1);
		r->gzipped = gz;
		r->status = 200;
		r->ctype = e->ctype;
		r->last_modified = e->last_modified;
		r->link = e->link ? arena_strdup(&r->arena, e->link) : NULL; /* e may go */
		memcpy(r->etag, gz ? e->etag_gz : e->etag, sizeof(r->etag));
		c->hits++;
		found = 1;
	} else {
		c->misses++;
	}
	pthread_mutex_unlock(&c->mu);
	return found;
}

void resp_cache_put(struct resp_cache *c, const char *key, const struct req *r)
{
	if (c == NULL || r->status != 200 || r->body.failed)
		return;
	struct centry *e = calloc(1, sizeof(*e));
	if (e == NULL)
		return;
	e->key = strdup(key);
	e->body = cbody_new(r->body.p, r->body.len);
	e->link = r->link ? strdup(r->link) : NULL;
	if (e->key == NULL || e->body == NULL || (r->link && e->link == NULL)) {
		free(e->key); /* no memory: simply not cached (gz is not made yet) */
		cbody_release(e->body);
		free(e->link);
		free(e);
		return;
	}
	e->hash = fnv1a(key);
	e->ctype = r->ctype;
	e->last_modified = r->last_modified;
	e->born = now_s();
	etag_of(e->body->data, e->body->len, e->etag);
	char *gz;
	size_t gzlen;
	if (e->body->len >= GZIP_MIN &&
	    gzip_encode(e->body->data, e->body->len, &gz, &gzlen) == 0) {
		if (gzlen < e->body->len && (e->gz = cbody_new(gz, gzlen)) != NULL)
			etag_of(gz, gzlen, e->etag_gz);
		free(gz); /* no smaller: always the body as it is */
	}
	size_t cost = entry_cost(e);
	pthread_mutex_lock(&c->mu);
	if (cost > c->max_bytes / 8) { /* one response may not take over the cache */
		pthread_mutex_unlock(&c->mu);
		free(e->key);
		cbody_release(e->body);
		cbody_release(e->gz);
		free(e->link);
		free(e);
		return;
	}
	/* another thread may have built the same response meanwhile: keep the newer */
	for (struct centry *o = c->tab[e->hash % c->nbuckets]; o; o = o->next_hash)
		if (o->hash == e->hash && strcmp(o->key, key) == 0) {
			unlink_entry(c, o);
			break;
		}
	while (c->tail && c->bytes + cost > c->max_bytes)
		unlink_entry(c, c->tail);
	struct centry **b = &c->tab[e->hash % c->nbuckets];
	e->next_hash = *b;
	*b = e;
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (c->tail == NULL)
		c->tail = e;
	c->bytes += cost;
	c->entries++;
	pthread_mutex_unlock(&c->mu);
}

void resp_cache_stats(struct resp_cache *c, struct resp_cache_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	st->entries = c->entries;
	st->bytes = c->bytes;
	st->max_bytes = c->max_bytes;
	st->hits = c->hits;
	st->misses = c->misses;
	st->drops = c->drops;
	pthread_mutex_unlock(&c->mu);
}
