/*
 * The watch file: YAML through libyaml's document loader (every node keeps its line and
 * column for messages). BGPalerter's prefixes.yml loads as it is; routemark adds upstreams
 * (per prefix and per monitored AS) and a few options. Unknown keys are errors: a typo in a
 * watch file must not silently watch nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "alert/alert.h"

#define WATCH_MAX_BYTES (64u << 20)

struct wload {
	yaml_document_t doc;
	const char *name;
	struct watch *w;
};

static void node_error(struct wload *l, const yaml_node_t *n, const char *fmt, const char *what)
{
	char msg[256];
	snprintf(msg, sizeof(msg), fmt, what ? what : "");
	log_warn("%s:%zu:%zu: %s", l->name, n ? n->start_mark.line + 1 : 0,
	    n ? n->start_mark.column + 1 : 0, msg);
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int parse_bool(struct wload *l, const yaml_node_t *n, int *out)
{
	const char *s = scalar(n);
	if (s && (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0 || strcmp(s, "1") == 0))
		*out = 1;
	else if (s &&
	         (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0 || strcmp(s, "0") == 0))
		*out = 0;
	else {
		node_error(l, n, "not true or false%s", NULL);
		return -1;
	}
	return 0;
}

static int parse_number(struct wload *l, const yaml_node_t *n, double lo, double hi, double *out)
{
	const char *s = scalar(n);
	char *end;
	errno = 0;
	double v = s ? strtod(s, &end) : 0;
	if (s == NULL || *s == '\0' || *end != '\0' || errno || !(v >= lo && v <= hi)) {
		char what[64];
		snprintf(what, sizeof(what), "%g to %g", lo, hi);
		node_error(l, n, "not a number from %s", what);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_asn_node(struct wload *l, const yaml_node_t *n, uint32_t *asn)
{
	const char *s = scalar(n);
	if (s && (s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's'))
		s += 2;
	if (s == NULL || asn_parse(s, asn) != 0) {
		node_error(l, n, "not an AS number%s", NULL);
		return -1;
	}
	return 0;
}

/* An AS number or a list of them, added to *out (a key given twice adds to the first list). */
static int parse_asn_list(struct wload *l, const yaml_node_t *n, uint32_t **out, size_t *nout)
{
	size_t cap = *nout; /* *out holds exactly *nout: grows on the first addition */
	if (n->type == YAML_SCALAR_NODE) {
		XGROW(*out, cap, *nout + 1);
		return parse_asn_node(l, n, &(*out)[(*nout)++]);
	}
	if (n->type != YAML_SEQUENCE_NODE) {
		node_error(l, n, "an AS number or a list of them is expected%s", NULL);
		return -1;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		XGROW(*out, cap, *nout + 1);
		if (parse_asn_node(l, yaml_document_get_node(&l->doc, *it), &(*out)[(*nout)++]) !=
		    0)
			return -1;
	}
	return 0;
}

/* A list of alert kinds by name ("bogon-asn", ...). */
static int parse_kinds(struct wload *l, const yaml_node_t *n, unsigned *mask)
{
	if (n->type != YAML_SEQUENCE_NODE) {
		node_error(l, n, "a list of alert kinds is expected%s", NULL);
		return -1;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		const yaml_node_t *e = yaml_document_get_node(&l->doc, *it);
		const char *s = scalar(e);
		int k = 0;
		while (k < ALERT_KINDS &&
		       (s == NULL || strcmp(s, alert_kind_name((enum alert_kind)k))))
			k++;
		if (k == ALERT_KINDS) {
			node_error(l, e,
			    "\"%s\" is no alert kind (origin-hijack, more-specific, "
			    "rpki-invalid, route-leak, bogon-asn, new-upstream, "
			    "visibility-loss)",
			    s ? s : "");
			return -1;
		}
		*mask |= 1u << k;
	}
	return 0;
}

typedef int (*pair_fn)(
    struct wload *l, const yaml_node_t *key, const char *k, const yaml_node_t *val, void *arg);

static int each_pair(struct wload *l, const yaml_node_t *map, pair_fn fn, void *arg)
{
	if (map->type != YAML_MAPPING_NODE) {
		node_error(l, map, "a mapping (key: value) is expected%s", NULL);
		return -1;
	}
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		const yaml_node_t *k = yaml_document_get_node(&l->doc, p->key);
		const yaml_node_t *v = yaml_document_get_node(&l->doc, p->value);
		if (scalar(k) == NULL) {
			node_error(l, k, "a key must be a plain value%s", NULL);
			return -1;
		}
		if (fn(l, k, scalar(k), v, arg) != 0)
			return -1;
	}
	return 0;
}

static const char *text_of(struct wload *l, const yaml_node_t *v, const char *key)
{
	const char *s = scalar(v);
	if (s == NULL) {
		node_error(l, v, "%s: a text is expected", key);
		return NULL;
	}
	return arena_strdup(&l->w->arena, s);
}

static int prefix_pair(
    struct wload *l, const yaml_node_t *key, const char *k, const yaml_node_t *v, void *arg)
{
	(void)key;
	struct watch_prefix *wp = arg;
	if (strcmp(k, "description") == 0)
		return (wp->description = text_of(l, v, k)) ? 0 : -1;
	if (strcmp(k, "group") == 0)
		return (wp->group = text_of(l, v, k)) ? 0 : -1;
	if (strcmp(k, "asn") == 0 || strcmp(k, "origins") == 0)
		return parse_asn_list(l, v, &wp->origins, &wp->norigins);
	if (strcmp(k, "upstreams") == 0)
		return parse_asn_list(l, v, &wp->upstreams, &wp->nupstreams);
	if (strcmp(k, "ignoreMorespecifics") == 0 || strcmp(k, "ignore_more_specifics") == 0)
		return parse_bool(l, v, &wp->ignore_more_specifics);
	if (strcmp(k, "ignore") == 0)
		return parse_bool(l, v, &wp->ignore);
	if (strcmp(k, "path") == 0 || strcmp(k, "excludeMonitors") == 0 ||
	    strcmp(k, "includeMonitors") == 0)
		return 0; /* BGPalerter's path matching and monitor selection: not used here */
	node_error(l, key, "unknown key \"%s\" of a prefix", k);
	return -1;
}

static int asn_pair(
    struct wload *l, const yaml_node_t *key, const char *k, const yaml_node_t *v, void *arg)
{
	(void)key;
	struct watch_asn *wa = arg;
	if (strcmp(k, "group") == 0)
		return (wa->group = text_of(l, v, k)) ? 0 : -1;
	if (strcmp(k, "description") == 0)
		return (wa->description = text_of(l, v, k)) ? 0 : -1;
	if (strcmp(k, "upstreams") == 0)
		return parse_asn_list(l, v, &wa->upstreams, &wa->nupstreams);
	node_error(l, key, "unknown key \"%s\" of a monitored AS", k);
	return -1;
}

static int monitor_asn(
    struct wload *l, const yaml_node_t *key, const char *k, const yaml_node_t *v, void *arg)
{
	(void)k;
	struct watch *w = l->w;
	size_t *cap = arg;
	XGROW(w->asns, *cap, w->nasns + 1);
	struct watch_asn *wa = &w->asns[w->nasns++];
	memset(wa, 0, sizeof(*wa));
	if (parse_asn_node(l, key, &wa->asn) != 0)
		return -1;
	if (v->type == YAML_SCALAR_NODE && *scalar(v) == '\0')
		return 0; /* "64500:" with nothing under it */
	return each_pair(l, v, asn_pair, wa);
}

static int visibility_pair(
    struct wload *l, const yaml_node_t *key, const char *k, const yaml_node_t *v, void *arg)
{
	(void)arg;
	double d;
	if (strcmp(k, "percent") == 0)
		return parse_number(l, v, 1, 100, &l->w->visibility_percent);
	if (strcmp(k, "minPeers") == 0 || strcmp(k, "min_peers") == 0) {
		if (parse_number(l, v, 1, 1e6, &d) != 0)
			return -1;
		l->w->visibility_min_peers = (unsigned)d;
		return 0;
	}
	node_error(l, key, "unknown key \"%s\" of visibility", k);
	return -1;
}

static int option_pair(
    struct wload *l, const yaml_node_t *key, const char *k, const yaml_node_t *v, void *arg)
{
	(void)arg;
	struct watch *w = l->w;
	if (strcmp(k, "monitorASns") == 0) {
		size_t cap = 0;
		if (v->type == YAML_SCALAR_NODE && *scalar(v) == '\0')
			return 0;
		return each_pair(l, v, monitor_asn, &cap);
	}
	if (strcmp(k, "ignoreASns") == 0)
		return parse_asn_list(l, v, &w->ignore_asns, &w->nignore_asns);
	if (strcmp(k, "visibility") == 0)
		return each_pair(l, v, visibility_pair, NULL);
	if (strcmp(k, "disable") == 0)
		return parse_kinds(l, v, &w->disabled);
	if (strcmp(k, "holdDown") == 0 || strcmp(k, "hold_down") == 0)
		return parse_number(l, v, 0, 86400, &w->hold_down);
	if (strcmp(k, "updateInterval") == 0 || strcmp(k, "update_interval") == 0)
		return parse_number(l, v, 0, 86400, &w->update_interval);
	node_error(l, key, "unknown option \"%s\"", k);
	return -1;
}

static int top_pair(
    struct wload *l, const yaml_node_t *key, const char *k, const yaml_node_t *v, void *arg)
{
	size_t *cap = arg;
	struct watch *w = l->w;
	if (strcmp(k, "options") == 0)
		return each_pair(l, v, option_pair, NULL);
	struct prefix p;
	if (prefix_parse(k, &p) != 0) {
		node_error(l, key, "\"%s\" is no prefix (and not \"options\")", k);
		return -1;
	}
	XGROW(w->prefixes, *cap, w->nprefixes + 1);
	struct watch_prefix *wp = &w->prefixes[w->nprefixes++];
	memset(wp, 0, sizeof(*wp));
	wp->prefix = p;
	if (v->type == YAML_SCALAR_NODE && *scalar(v) == '\0')
		return 0;
	return each_pair(l, v, prefix_pair, wp);
}

static int cmp_asn(const void *a, const void *b)
{
	return u32_cmp(&((const struct watch_asn *)a)->asn, &((const struct watch_asn *)b)->asn);
}

/* The trie, sorted lists, duplicates refused. */
static int finish(struct wload *l)
{
	struct watch *w = l->w;
	for (size_t i = 0; i < w->nprefixes; i++) {
		int created;
		void **slot = trie_insert(&w->trie, &w->prefixes[i].prefix, &created);
		if (!created) {
			char pfx[PREFIX_STRLEN];
			prefix_format(&w->prefixes[i].prefix, pfx, sizeof(pfx));
			log_warn("%s: prefix %s is listed twice", l->name, pfx);
			return -1;
		}
		*slot = &w->prefixes[i];
	}
	if (w->nasns) /* asns is NULL without monitorASns: qsort's argument must not be */
		qsort(w->asns, w->nasns, sizeof(*w->asns), cmp_asn);
	for (size_t i = 1; i < w->nasns; i++)
		if (w->asns[i].asn == w->asns[i - 1].asn) {
			log_warn(
			    "%s: AS%u is listed twice in monitorASns", l->name, w->asns[i].asn);
			return -1;
		}
	if (w->nignore_asns)
		qsort(w->ignore_asns, w->nignore_asns, sizeof(uint32_t), u32_cmp);
	return 0;
}

struct watch *watch_load_mem(const char *text, size_t len, const char *name)
{
	struct wload l = {.name = name};
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser)) {
		log_err("%s: libyaml: out of memory", name);
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &l.doc)) {
		log_warn("%s:%zu:%zu: %s%s%s", name, parser.problem_mark.line + 1,
		    parser.problem_mark.column + 1, parser.problem ? parser.problem : "YAML error",
		    parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return NULL;
	}
	yaml_parser_delete(&parser);
	struct watch *w = xcalloc(1, sizeof(*w));
	l.w = w;
	w->path = xstrdup(name);
	w->visibility_percent = 50;
	w->visibility_min_peers = 3;
	w->hold_down = 60;
	w->update_interval = 60;
	trie_init(&w->trie);
	arena_init(&w->arena, 4096);
	yaml_node_t *root = yaml_document_get_root_node(&l.doc);
	size_t cap = 0;
	int rc = 0;
	if (root != NULL && !(root->type == YAML_SCALAR_NODE && *scalar(root) == '\0'))
		rc = each_pair(&l, root, top_pair, &cap);
	if (rc == 0)
		rc = finish(&l);
	yaml_document_delete(&l.doc);
	if (rc != 0) {
		watch_free(w);
		return NULL;
	}
	return w;
}

struct watch *watch_load(const char *path)
{
	size_t len;
	char *text = zinput_slurp(path, &len);
	if (text == NULL)
		return NULL;
	struct watch *w = watch_load_mem(text, len, path);
	free(text);
	return w;
}

void watch_free(struct watch *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->nprefixes; i++) {
		free(w->prefixes[i].origins);
		free(w->prefixes[i].upstreams);
	}
	for (size_t i = 0; i < w->nasns; i++)
		free(w->asns[i].upstreams);
	free(w->prefixes);
	free(w->asns);
	free(w->ignore_asns);
	trie_free(&w->trie);
	arena_free(&w->arena);
	free(w->path);
	free(w);
}

const struct watch_asn *watch_asn_find(const struct watch *w, uint32_t asn)
{
	struct watch_asn key = {.asn = asn};
	return w->nasns ? bsearch(&key, w->asns, w->nasns, sizeof(key), cmp_asn) : NULL;
}

int watch_asn_ignored(const struct watch *w, uint32_t asn)
{
	return w->nignore_asns &&
	       bsearch(&asn, w->ignore_asns, w->nignore_asns, sizeof(asn), u32_cmp) != NULL;
}
