/*
 * The reference-data set: the files a refs_spec names, loaded once, one thread per kind,
 * into the read-only indexes every check shares.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "engine/engine.h"
#include "irr/irr.h"
#include "registry/registry.h"
#include "rpki/rpki.h"
#include "topo/topo.h"

struct ref_task;

#define RTR_WAIT_S 60 /* for an RTR cache's first complete set */

struct refset {
	const struct refs_spec *spec;
	struct observe_refs out;
	struct vrp_table *vrp_table;
	struct aspa_table *aspa_table;
	struct irr_db *irr_db;
	struct asrel *rel;
	struct bogon_db *bogon_db;
	struct delegated *deleg;
	struct pdb *pdb;
	struct asnames *names;
	struct as2org *orgs;
	struct spoofer *spoofer;
	struct ref_task *contacts; /* deferred PeeringDB, AS names and organisations */
	int orgs_early;            /* organisations loaded with the checks' data (siblings) */
};

static void add(const char ***v, size_t *n, size_t *cap, const char *path)
{
	XGROW(*v, *cap, *n + 1);
	(*v)[(*n)++] = path;
}

int refs_spec_add(struct refs_spec *s, const char *kind, const char *path)
{
	if (strcmp(kind, "vrps") == 0)
		s->vrps = path;
	else if (strcmp(kind, "rtr") == 0)
		s->rtr = path;
	else if (strcmp(kind, "asrel") == 0)
		s->asrel = path;
	else if (strcmp(kind, "orgs") == 0)
		s->orgs = path;
	else if (strcmp(kind, "spoofer") == 0)
		s->spoofer = path;
	else if (strcmp(kind, "irr") == 0)
		add(&s->irr, &s->nirr, &s->capirr, path);
	else if (strcmp(kind, "bogons") == 0)
		add(&s->bogons, &s->nbogons, &s->capbogons, path);
	else if (strcmp(kind, "peeringdb") == 0)
		add(&s->peeringdb, &s->npeeringdb, &s->cappeeringdb, path);
	else if (strcmp(kind, "asnames") == 0)
		add(&s->asnames, &s->nasnames, &s->capasnames, path);
	else if (strcmp(kind, "delegated") == 0)
		add(&s->delegated, &s->ndelegated, &s->capdelegated, path);
	else {
		log_err("unknown kind of reference data '%s'", kind);
		return -1;
	}
	return 0;
}

void refs_spec_free(struct refs_spec *s)
{
	free(s->irr);
	free(s->bogons);
	free(s->peeringdb);
	free(s->asnames);
	free(s->delegated);
	s->irr = s->bogons = s->peeringdb = s->asnames = s->delegated = NULL;
	s->nirr = s->nbogons = s->npeeringdb = s->nasnames = s->ndelegated = 0;
	s->capirr = s->capbogons = s->cappeeringdb = s->capasnames = s->capdelegated = 0;
}

static int load_irr(struct refset *r)
{
	r->irr_db = xcalloc(1, sizeof(*r->irr_db));
	irr_db_init(r->irr_db);
	for (size_t i = 0; i < r->spec->nirr; i++) {
		struct irr_load_stats st;
		memset(&st, 0, sizeof(st));
		if (irr_db_load(r->irr_db, r->spec->irr[i], &st) != 0) {
			log_err("%s: %s", r->spec->irr[i], st.err[0] ? st.err : "cannot load");
			return -1;
		}
		if (st.malformed && r->spec->strict) {
			log_err("%s: %llu malformed objects (--strict): %s", r->spec->irr[i],
			    (unsigned long long)st.malformed, st.err);
			return -2;
		}
		log_info("loaded %llu IRR objects from %s, %llu malformed skipped",
		    (unsigned long long)st.objects, r->spec->irr[i],
		    (unsigned long long)st.malformed);
	}
	return 0;
}

static int load_asrel(struct refset *r)
{
	r->rel = xcalloc(1, sizeof(*r->rel));
	asrel_init(r->rel);
	if (asrel_load(r->rel, r->spec->asrel) != 0)
		return -1;
	if (r->spec->strict && r->rel->st.malformed) {
		log_err("%s: %llu malformed lines (--strict)", r->spec->asrel,
		    (unsigned long long)r->rel->st.malformed);
		return -2;
	}
	log_info("loaded %u ASes, %llu links from %s", r->rel->nas,
	    (unsigned long long)r->rel->st.links, r->spec->asrel);
	return 0;
}

static int load_registries(struct refset *r)
{
	if (r->spec->ndelegated) {
		r->deleg = xcalloc(1, sizeof(*r->deleg));
		delegated_init(r->deleg);
		for (size_t i = 0; i < r->spec->ndelegated; i++)
			if (delegated_load(r->deleg, r->spec->delegated[i]) != 0)
				return -1;
	}
	r->bogon_db = xcalloc(1, sizeof(*r->bogon_db));
	bogon_db_init(r->bogon_db);
	for (size_t i = 0; i < r->spec->nbogons; i++)
		if (bogon_load(r->bogon_db, r->spec->bogons[i]) != 0)
			return -1;
	if (r->deleg)
		bogon_db_set_delegated(r->bogon_db, r->deleg);
	if (r->spec->spoofer) {
		r->spoofer = xcalloc(1, sizeof(*r->spoofer));
		spoofer_init(r->spoofer);
		if (spoofer_load(r->spoofer, r->spec->spoofer) != 0)
			return -1;
		if (r->spec->strict && r->spoofer->st.malformed) {
			log_err("%s: %llu malformed Spoofer sessions (--strict)", r->spec->spoofer,
			    (unsigned long long)r->spoofer->st.malformed);
			return -2;
		}
	}
	return 0;
}

static int load_contacts_orgs(struct refset *r);

static int load_contacts(struct refset *r)
{
	if (r->spec->npeeringdb) {
		r->pdb = xcalloc(1, sizeof(*r->pdb));
		pdb_init(r->pdb);
		for (size_t i = 0; i < r->spec->npeeringdb; i++)
			if (pdb_load(r->pdb, r->spec->peeringdb[i]) != 0)
				return -1;
	}
	if (r->spec->nasnames) {
		r->names = xcalloc(1, sizeof(*r->names));
		asnames_init(r->names);
		for (size_t i = 0; i < r->spec->nasnames; i++)
			if (asnames_load(r->names, r->spec->asnames[i]) != 0)
				return -1;
	}
	return r->orgs_early ? 0 : load_contacts_orgs(r);
}

static int load_contacts_orgs(struct refset *r)
{
	if (r->spec->orgs == NULL)
		return 0;
	double t0 = clock_mono();
	r->orgs = xcalloc(1, sizeof(*r->orgs));
	as2org_init(r->orgs);
	if (as2org_load(r->orgs, r->spec->orgs) != 0)
		return -1;
	log_info("loaded %llu organisations, %llu ASes from %s in %.2f s, %llu malformed skipped",
	    (unsigned long long)r->orgs->st.orgs, (unsigned long long)r->orgs->st.ases,
	    r->spec->orgs, clock_mono() - t0, (unsigned long long)r->orgs->st.malformed);
	return 0;
}

/* With relationships, the organisations are wanted by the route checks (siblings are no
 * leaks): then they load with the rest, not deferred. */
static int load_orgs(struct refset *r)
{
	return load_contacts_orgs(r);
}

static int load_rpki(struct refset *r)
{
	return vrp_source_load(r->spec->vrps, r->spec->rtr, r->spec->strict, RTR_WAIT_S,
	    &r->vrp_table, &r->aspa_table);
}

/* The kinds of reference data are independent: each is loaded by its own thread (the
 * CAIDA file's bzip2, the bogon tries and the VRP index then take turns on both cores
 * with the MRT decompressor). Each loader reports its own errors; the first failure in
 * this order decides the result. */
struct ref_task {
	int (*load)(struct refset *);
	struct refset *r;
	int rc;
	pthread_t thread;
	int started;
	int background; /* deferred: wanted only when the snapshot is written */
};

static void *ref_task_run(void *arg)
{
	struct ref_task *t = arg;
	if (t->background) /* runs beside the route checks: only in their idle moments */
		setpriority(PRIO_PROCESS, (id_t)gettid(), 19);
	t->rc = t->load(t->r);
	return NULL;
}

static void refset_free(struct refset *r);

int refset_open(const struct refs_spec *spec, int defer_contacts, struct refset **out)
{
	*out = NULL;
	if (spec->vrps && spec->rtr) {
		log_err("--vrps and --rtr are alternatives; give one");
		return -1;
	}
	struct refset *r = xcalloc(1, sizeof(*r));
	r->spec = spec;
	r->orgs_early = spec->orgs && spec->asrel;
	struct ref_task t[] = {{.load = load_rpki, .r = r}, {.load = load_irr, .r = r},
	    {.load = load_asrel, .r = r}, {.load = load_registries, .r = r},
	    {.load = load_orgs, .r = r}, {.load = load_contacts, .r = r}};
	const int want[] = {spec->vrps || spec->rtr, spec->nirr > 0, spec->asrel != NULL, 1,
	    r->orgs_early, spec->npeeringdb || spec->nasnames || (spec->orgs && !r->orgs_early)};
	size_t n = sizeof(t) / sizeof(t[0]);
	if (defer_contacts && want[n - 1]) { /* the last task goes on after we return */
		r->contacts = xcalloc(1, sizeof(*r->contacts));
		*r->contacts = t[--n];
		r->contacts->background = 1;
		r->contacts->started =
		    pthread_create(&r->contacts->thread, NULL, ref_task_run, r->contacts) == 0;
		if (!r->contacts->started)
			r->contacts->rc = r->contacts->load(r);
	}
	for (size_t i = 0; i < n; i++) {
		if (!want[i])
			continue;
		t[i].started = pthread_create(&t[i].thread, NULL, ref_task_run, &t[i]) == 0;
		if (!t[i].started) /* no thread: load it here */
			t[i].rc = t[i].load(r);
	}
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		if (t[i].started)
			pthread_join(t[i].thread, NULL);
		if (rc == 0)
			rc = t[i].rc;
	}
	if (rc == 0 && !r->contacts)
		rc = refset_finish(r);
	if (rc != 0) {
		refset_free(r);
		return rc;
	}
	r->out.vrps = r->vrp_table;
	r->out.aspa = r->aspa_table && aspa_table_count(r->aspa_table) ? r->aspa_table : NULL;
	r->out.irr = r->irr_db;
	r->out.asrel = r->rel;
	r->out.bogons = r->bogon_db;
	r->out.deleg = r->deleg;
	r->out.spoofer = r->spoofer;
	if (r->orgs_early)
		r->out.orgs = r->orgs;
	*out = r;
	return 0;
}

static int contacts_wait(struct refset *r)
{
	int rc = 0;
	if (r->contacts) {
		if (r->contacts->started)
			pthread_join(r->contacts->thread, NULL);
		rc = r->contacts->rc;
		free(r->contacts);
		r->contacts = NULL;
	}
	return rc;
}

int refset_finish(struct refset *r)
{
	int rc = contacts_wait(r);
	if (rc != 0)
		return rc;
	r->out.pdb = r->pdb;
	r->out.names = r->names;
	r->out.orgs = r->orgs;
	return 0;
}

const struct observe_refs *refset_refs(const struct refset *r)
{
	return &r->out;
}

void refset_close(struct refset *r)
{
	if (r != NULL)
		refset_free(r);
}

static void refset_free(struct refset *r)
{
	contacts_wait(r);
	vrp_table_release(r->vrp_table);
	if (r->aspa_table)
		aspa_table_free(r->aspa_table);
	if (r->irr_db) {
		irr_db_free(r->irr_db);
		free(r->irr_db);
	}
	if (r->rel) {
		asrel_free(r->rel);
		free(r->rel);
	}
	if (r->bogon_db) {
		bogon_db_free(r->bogon_db);
		free(r->bogon_db);
	}
	if (r->deleg) {
		delegated_free(r->deleg);
		free(r->deleg);
	}
	if (r->pdb) {
		pdb_free(r->pdb);
		free(r->pdb);
	}
	if (r->names) {
		asnames_free(r->names);
		free(r->names);
	}
	if (r->orgs) {
		as2org_free(r->orgs);
		free(r->orgs);
	}
	if (r->spoofer) {
		spoofer_free(r->spoofer);
		free(r->spoofer);
	}
	free(r);
}

void refs_spec_each_file(const struct refs_spec *s, refs_file_fn fn, void *arg)
{
	if (s->vrps)
		fn("vrps", s->vrps, arg);
	for (size_t i = 0; i < s->nirr; i++)
		fn("irr", s->irr[i], arg);
	if (s->asrel)
		fn("asrel", s->asrel, arg);
	for (size_t i = 0; i < s->nbogons; i++)
		fn("bogons", s->bogons[i], arg);
	for (size_t i = 0; i < s->ndelegated; i++)
		fn("delegated", s->delegated[i], arg);
	for (size_t i = 0; i < s->npeeringdb; i++)
		fn("peeringdb", s->peeringdb[i], arg);
	for (size_t i = 0; i < s->nasnames; i++)
		fn("asnames", s->asnames[i], arg);
	if (s->orgs)
		fn("orgs", s->orgs, arg);
	if (s->spoofer)
		fn("spoofer", s->spoofer, arg);
}
