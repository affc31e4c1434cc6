/*
 * Path-compressed binary trie over prefixes. Every node carries a prefix; a node is either a
 * stored prefix (has_value) or a glue node where two subtrees branch. child[b] holds the
 * subtree whose next bit after node->p.len is b. Nodes come from the trie's arena and are
 * never freed one by one.
 */
#include <string.h>

#include "core.h"

struct trie_node {
	struct prefix p;
	uint8_t has_value; /* in the prefix's padding: 48 bytes a node */
	struct trie_node *child[2];
	void *value;
};

void trie_init(struct trie *t)
{
	memset(t, 0, sizeof(*t));
	arena_init(&t->arena, 256 * 1024);
}

void trie_free(struct trie *t)
{
	arena_free(&t->arena);
	memset(t->root, 0, sizeof(t->root));
	t->count = 0;
	t->path = NULL;
	t->npath = 0;
}

#define PATH_MAX_NODES 130 /* lengths 0..128 strictly increase along a path */

static struct trie_node *node_new(struct trie *t, const struct prefix *p)
{
	struct trie_node *n = arena_alloc(&t->arena, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->p = *p;
	return n;
}

/* Length of the common leading bits of a and b, at most max. */
static unsigned common_len(const struct prefix *a, const struct prefix *b, unsigned max)
{
	uint64_t x = be64_load(a->addr) ^ be64_load(b->addr);
	unsigned c = 64;
	if (x)
		c = (unsigned)__builtin_clzll(x);
	else if (max > 64) {
		x = be64_load(a->addr + 8) ^ be64_load(b->addr + 8);
		c = x ? 64 + (unsigned)__builtin_clzll(x) : 128;
	}
	return c < max ? c : max;
}

/* Record n as the next node of the path to the prefix being inserted. */
static void path_push(struct trie *t, struct trie_node *n)
{
	if (t->npath < PATH_MAX_NODES)
		t->path[t->npath++] = n;
}

void **trie_insert(struct trie *t, const struct prefix *p, int *created)
{
	struct trie_node **slot = &t->root[p->afi == AFI_IPV6];
	int dummy;
	if (created == NULL)
		created = &dummy;
	*created = 0;
	if (t->path == NULL)
		t->path = arena_alloc(&t->arena, PATH_MAX_NODES * sizeof(*t->path));
	/* Every node containing p lies on the walk from the root to p, and nodes are never
	 * removed nor their prefixes changed: start below the deepest remembered one. */
	unsigned i = t->npath;
	while (i > 0 && !prefix_contains(&t->path[i - 1]->p, p))
		i--;
	t->npath = i;
	if (i > 0) {
		struct trie_node *a = t->path[i - 1];
		if (a->p.len == p->len) {
			if (!a->has_value) {
				a->has_value = 1;
				t->count++;
				*created = 1;
			}
			return &a->value;
		}
		slot = &a->child[prefix_bit(p, a->p.len)];
	}
	for (;;) {
		struct trie_node *n = *slot;
		if (n == NULL) {
			n = node_new(t, p);
			n->has_value = 1;
			*slot = n;
			t->count++;
			*created = 1;
			path_push(t, n);
			return &n->value;
		}
		unsigned max = n->p.len < p->len ? n->p.len : p->len;
		unsigned c = common_len(&n->p, p, max);
		if (c == n->p.len && c == p->len) { /* same prefix */
			if (!n->has_value) {
				n->has_value = 1;
				t->count++;
				*created = 1;
			}
			path_push(t, n);
			return &n->value;
		}
		if (c == n->p.len) { /* n contains p: descend */
			path_push(t, n);
			slot = &n->child[prefix_bit(p, n->p.len)];
			continue;
		}
		if (c == p->len) { /* p contains n: p becomes n's parent */
			struct trie_node *m = node_new(t, p);
			m->has_value = 1;
			m->child[prefix_bit(&n->p, p->len)] = n;
			*slot = m;
			t->count++;
			*created = 1;
			path_push(t, m);
			return &m->value;
		}
		/* they diverge at bit c: a glue node with both as children */
		struct prefix g = *p;
		g.len = (uint8_t)c;
		prefix_mask(&g);
		struct trie_node *glue = node_new(t, &g);
		struct trie_node *m = node_new(t, p);
		m->has_value = 1;
		glue->child[prefix_bit(p, c)] = m;
		glue->child[prefix_bit(&n->p, c)] = n;
		*slot = glue;
		t->count++;
		*created = 1;
		path_push(t, glue);
		path_push(t, m);
		return &m->value;
	}
}

void *trie_exact(const struct trie *t, const struct prefix *p)
{
	const struct trie_node *n = t->root[p->afi == AFI_IPV6];
	while (n && n->p.len <= p->len && prefix_contains(&n->p, p)) {
		if (n->p.len == p->len)
			return n->has_value ? n->value : NULL;
		n = n->child[prefix_bit(p, n->p.len)];
	}
	return NULL;
}

void *trie_longest(const struct trie *t, const struct prefix *p, struct prefix *match)
{
	const struct trie_node *n = t->root[p->afi == AFI_IPV6], *best = NULL;
	while (n && n->p.len <= p->len && prefix_contains(&n->p, p)) {
		if (n->has_value)
			best = n;
		if (n->p.len == p->len)
			break;
		n = n->child[prefix_bit(p, n->p.len)];
	}
	if (best == NULL)
		return NULL;
	if (match)
		*match = best->p;
	return best->value;
}

int trie_walk_covering(const struct trie *t, const struct prefix *p, trie_walk_fn fn, void *arg)
{
	const struct trie_node *n = t->root[p->afi == AFI_IPV6];
	while (n && n->p.len <= p->len && prefix_contains(&n->p, p)) {
		if (n->has_value) {
			int r = fn(&n->p, n->value, arg);
			if (r)
				return r;
		}
		if (n->p.len == p->len)
			break;
		n = n->child[prefix_bit(p, n->p.len)];
	}
	return 0;
}

/* In-order walk with an explicit stack (depth is at most 129). */
static int walk_subtree(const struct trie_node *n, trie_walk_fn fn, void *arg)
{
	const struct trie_node *stack[160];
	int sp = 0;
	if (n)
		stack[sp++] = n;
	while (sp) {
		n = stack[--sp];
		if (n->has_value) {
			int r = fn(&n->p, n->value, arg);
			if (r)
				return r;
		}
		if (n->child[1])
			stack[sp++] = n->child[1];
		if (n->child[0])
			stack[sp++] = n->child[0];
	}
	return 0;
}

int trie_walk_covered(const struct trie *t, const struct prefix *p, trie_walk_fn fn, void *arg)
{
	const struct trie_node *n = t->root[p->afi == AFI_IPV6];
	while (n) {
		if (prefix_contains(p, &n->p))
			return walk_subtree(n, fn, arg);
		if (n->p.len >= p->len || !prefix_contains(&n->p, p))
			return 0;
		n = n->child[prefix_bit(p, n->p.len)];
	}
	return 0;
}

int trie_walk_all(const struct trie *t, trie_walk_fn fn, void *arg)
{
	int r = walk_subtree(t->root[0], fn, arg);
	return r ? r : walk_subtree(t->root[1], fn, arg);
}
