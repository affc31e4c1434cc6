/* Persisting a snapshot's computed results: the store writes what scoring produced, row by
 * row, and computes nothing. */
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

void store_results_init(struct store_results *r)
{
	memset(r, 0, sizeof(*r));
	arena_init(&r->arena, 64 << 10);
}

void store_results_free(struct store_results *r)
{
	free(r->as);
	free(r->info);
	free(r->metrics);
	free(r->incidents);
	free(r->globals);
	free(r->stale);
	arena_free(&r->arena);
	memset(r, 0, sizeof(*r));
}

void store_results_add_global(
    struct store_results *r, const char *scope, const char *key, double value)
{
	XGROW(r->globals, r->capglobals, r->nglobals + 1);
	r->globals[r->nglobals++] = (struct store_global){
	    arena_strdup(&r->arena, scope), arena_strdup(&r->arena, key), value};
}

double store_results_global(
    const struct store_results *r, const char *scope, const char *key, double def)
{
	for (size_t i = 0; i < r->nglobals; i++)
		if (strcmp(r->globals[i].scope, scope) == 0 && strcmp(r->globals[i].key, key) == 0)
			return r->globals[i].value;
	return def;
}

int store_put_results(struct store *s, const struct store_results *r)
{
	if (store_put_summaries(s, r->as, r->nas) != 0 ||
	    store_put_asinfo(s, r->info, r->ninfo) != 0 ||
	    store_put_metrics(s, r->metrics, r->nmetrics) != 0 ||
	    store_put_incidents(s, r->incidents, r->nincidents) != 0 ||
	    store_put_findings(s, r->stale, r->nstale) != 0 ||
	    store_put_globals(s, r->globals, r->nglobals) != 0)
		return -1;
	return 0;
}
