/*
 * One snapshot in the making: the route stream fed from any source into the checks, scored
 * in memory, and persisted by the store in one transaction.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "mrt/mrt.h"
#include "rpki/rpki.h"

struct engine {
	struct refset *rs;
	struct observe *ob;
	uint64_t fed;
	int scored;
	struct store *s;    /* the snapshot begun early (engine_store_begin), or NULL */
	pthread_t findings; /* writing the findings into s while scoring goes on */
	int writing, wrc;   /* that thread runs; what it returned */
	const char *db;
	struct arena checked[ENGINE_CHECKERS]; /* the evidence of engine_check_prefix, kept
	                                        * for the findings, one per checker */
};

struct engine *engine_new(struct refset *rs, const struct observe_config *cfg)
{
	struct engine *e = xcalloc(1, sizeof(*e));
	e->rs = rs;
	e->ob = observe_new(refset_refs(rs), cfg);
	for (int i = 0; i < ENGINE_CHECKERS; i++)
		arena_init(&e->checked[i], 1 << 20);
	return e;
}

/* The findings thread ended; its result. */
static int findings_wait(struct engine *e)
{
	if (e->writing) {
		pthread_join(e->findings, NULL);
		e->writing = 0;
	}
	return e->wrc;
}

void engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	findings_wait(e);
	if (e->s) { /* begun, never stored */
		store_snapshot_abort(e->s);
		store_close(e->s);
	}
	observe_free(e->ob);
	for (int i = 0; i < ENGINE_CHECKERS; i++)
		arena_free(&e->checked[i]);
	free(e);
}

void engine_set_vrps(struct engine *e, const struct vrp_table *vrps)
{
	observe_set_vrps(e->ob, vrps);
}

void engine_file_begin(struct engine *e)
{
	observe_file_begin(e->ob);
}

void engine_route(struct engine *e, const struct mrt_route *rt)
{
	observe_route(e->ob, rt);
	e->fed++;
}

void engine_check_prefix(
    struct engine *e, unsigned checker, const struct mrt_route *rt, struct route_prefix_check *pc)
{
	observe_check_prefix(e->ob, rt, &e->checked[checker % ENGINE_CHECKERS], pc);
}

void engine_route_checked(
    struct engine *e, const struct mrt_route *rt, const struct route_prefix_check *pc)
{
	observe_route_checked(e->ob, rt, pc);
	e->fed++;
}

void engine_prefetch(const struct engine *e, const struct route_prefix_check *pc)
{
	observe_prefetch(e->ob, pc);
}

uint64_t engine_routes_fed(const struct engine *e)
{
	return e->fed;
}

int engine_score(struct engine *e, struct store_results *res, struct observe_totals *tot)
{
	store_results_init(res);
	memset(tot, 0, sizeof(*tot));
	if (e->scored) {
		log_err("engine: a snapshot is scored once");
		return -1;
	}
	if (e->fed == 0) {
		log_err("no route in the input: an empty snapshot is not stored");
		return -1;
	}
	/* the contacts and names, which only scoring uses, loaded while routes were read */
	int rc = refset_finish(e->rs);
	if (rc != 0)
		return rc;
	const struct observe_refs *r = refset_refs(e->rs);
	observe_set_contacts(e->ob, r->pdb, r->names, r->orgs);
	e->scored = 1;
	return observe_score(e->ob, res, tot);
}

/* The address-space figures, computed beside the store's writing (they read the routes only). */
struct space_job {
	const struct engine *e;
	struct store_results figures;
	pthread_t thread;
	int running;
};

static void *space_job_run(void *arg)
{
	struct space_job *j = arg;
	const struct observe_refs *r = refset_refs(j->e->rs);
	engine_space_figures(j->e->ob, r->deleg, r->orgs, r->vrps != NULL, &j->figures);
	return NULL;
}

/* The findings into e->s, which stays the engine's until this thread is joined. */
static void *findings_run(void *arg)
{
	struct engine *e = arg;
	e->wrc = observe_write_findings(e->ob, e->s);
	return NULL;
}

int engine_store_begin(struct engine *e, const char *db, struct store_snapshot *snap)
{
	if (e->s || e->scored) {
		log_err("engine: a snapshot is begun once, before it is scored");
		return -1;
	}
	if (store_open(db, 0, &e->s) != 0)
		return -1;
	/* the period is the snapshot row's from the start: accepted disputes apply by it */
	uint32_t first, last;
	observe_period(e->ob, &first, &last);
	snap->period_start = first;
	snap->period_end = last;
	if (store_snapshot_begin(e->s, snap) != 0) {
		store_close(e->s);
		e->s = NULL;
		return -1;
	}
	e->db = db;
	e->writing = pthread_create(&e->findings, NULL, findings_run, e) == 0;
	if (!e->writing)
		findings_run(e);
	return 0;
}

int engine_store(struct engine *e, const struct store_results *res,
    const struct observe_totals *tot, const char *db, const struct engine_input *in, size_t nin,
    const struct store_gap *gaps, size_t ngaps, struct store_snapshot *snap)
{
	struct store *s = NULL;
	if (!e->scored) {
		log_err("engine: the snapshot was not scored");
		return -1;
	}
	double t0 = clock_mono();
	if (e->s) { /* begun: the findings are written or being written */
		/* their thread reads e->s: it ends before the store is taken from the engine */
		int wrc = findings_wait(e);
		s = e->s;
		e->s = NULL;
		if (strcmp(db, e->db) != 0) {
			log_err("engine: snapshot begun in %s, stored in %s", e->db, db);
			goto fail;
		}
		if (wrc != 0)
			goto fail;
	} else {
		if (store_open(db, 0, &s) != 0)
			return -1;
		/* the period is the snapshot row's from the start: accepted disputes apply by it */
		snap->period_start = tot->first_ts;
		snap->period_end = tot->last_ts;
		if (store_snapshot_begin(s, snap) != 0) {
			store_close(s);
			return -1;
		}
	}
	for (size_t i = 0; i < nin; i++) {
		struct store_input si = {in[i].kind, in[i].path, in[i].sha256, in[i].size,
		    in[i].records, in[i].malformed, in[i].data_time, in[i].date_from};
		if (store_put_input(s, &si) != 0)
			goto fail;
	}
	for (size_t i = 0; i < ngaps; i++)
		if (store_put_gap(s, &gaps[i]) != 0)
			goto fail;
	/* the VRP set the file gave: a diff of two snapshots says which ROAs appeared (a live
	 * RTR set has no file: not kept) */
	if (engine_keep_vrp_sets(s, refset_refs(e->rs)->vrps, in, nin) != 0)
		goto fail;
	log_debug("store: inputs, gaps and VRP sets: +%.2f s", clock_mono() - t0);
	struct space_job sj = {.e = e};
	store_results_init(&sj.figures);
	sj.running = pthread_create(&sj.thread, NULL, space_job_run, &sj) == 0;
	if (!sj.running)
		space_job_run(&sj);
	int rc = observe_write(e->ob, res, s);
	if (sj.running)
		pthread_join(sj.thread, NULL);
	if (rc == 0)
		rc = store_put_results(s, &sj.figures);
	store_results_free(&sj.figures);
	if (rc != 0)
		goto fail;
	log_debug("store: routes, results and address space: +%.2f s", clock_mono() - t0);
	/* accepted disputes of findings hold in every later snapshot, this one too */
	size_t nrescored;
	if (observe_apply_disputes(s, snap->id, &nrescored) != 0)
		goto fail;
	if (nrescored)
		log_info("%s: accepted disputes applied to %zu AS%s", db, nrescored,
		    nrescored == 1 ? "" : "es");
	snap->routes = tot->routes;
	snap->prefixes_v4 = tot->prefixes_v4;
	snap->prefixes_v6 = tot->prefixes_v6;
	snap->ases = tot->ases;
	snap->period_start = tot->first_ts;
	snap->period_end = tot->last_ts;
	if (store_snapshot_commit(s, snap) != 0)
		goto fail;
	log_debug("store: committed: +%.2f s", clock_mono() - t0);
	store_close(s);
	return 0;
fail:
	store_snapshot_abort(s);
	store_close(s);
	return -1;
}
