/* Loading the reference data named by the shared flags. */
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/refs.h"
#include "irr/irr.h"
#include "registry/registry.h"
#include "rpki/rpki.h"
#include "topo/topo.h"

static int add(const char **v, int *n, const char *arg, const char *flag)
{
	if (*n == REFS_MAX_FILES) {
		log_err("too many --%s files (at most %d)", flag, REFS_MAX_FILES);
		return -1;
	}
	v[(*n)++] = arg;
	return 1;
}

int refs_option(struct cli_refs *r, int opt, const char *arg)
{
	switch (opt) {
	case REFS_OPT_VRPS:
		r->vrps = arg;
		return 1;
	case REFS_OPT_RTR:
		r->rtr = arg;
		return 1;
	case REFS_OPT_IRR:
		return add(r->irr, &r->nirr, arg, "irr");
	case REFS_OPT_ASREL:
		r->asrel = arg;
		return 1;
	case REFS_OPT_BOGONS:
		return add(r->bogons, &r->nbogons, arg, "bogons");
	case REFS_OPT_DELEGATED:
		r->delegated = arg;
		return 1;
	case REFS_OPT_PEERINGDB:
		return add(r->peeringdb, &r->npeeringdb, arg, "peeringdb");
	case REFS_OPT_ASNAMES:
		return add(r->asnames, &r->nasnames, arg, "asnames");
	}
	return 0;
}

static int load_vrps(struct cli_refs *r)
{
	double t0 = clock_mono();
	r->vrp_table = vrp_table_new();
	r->aspa_table = aspa_table_new();
	struct vrp_load_stats st;
	memset(&st, 0, sizeof(st));
	int rc = vrp_load_file(r->vrp_table, r->aspa_table, r->vrps, r->strict, &st);
	if (rc < 0) {
		log_err("%s: %s%s%s", r->vrps,
		    rc == -2 ? "malformed VRP data (--strict)" : "cannot load VRPs",
		    st.first_error[0] ? ": " : "", st.first_error);
		return rc == -2 ? -2 : -1;
	}
	vrp_table_build(r->vrp_table);
	aspa_table_build(r->aspa_table);
	log_info("loaded %zu VRPs and %zu ASPAs (%s) from %s in %.2f s, %zu malformed skipped",
	    vrp_table_count(r->vrp_table), aspa_table_count(r->aspa_table),
	    vrp_format_name(st.format), r->vrps, clock_mono() - t0, st.malformed);
	return 0;
}

static int load_rtr(struct cli_refs *r)
{
	char host[256];
	const char *colon = strrchr(r->rtr, ':');
	if (colon == NULL || colon == r->rtr || (size_t)(colon - r->rtr) >= sizeof(host)) {
		log_err("--rtr %s: expected HOST:PORT", r->rtr);
		return -1;
	}
	memcpy(host, r->rtr, (size_t)(colon - r->rtr));
	host[colon - r->rtr] = '\0';
	r->rtr_client = rtr_client_start(host, colon + 1);
	if (r->rtr_client == NULL || rtr_client_wait_sync(r->rtr_client, 60000) != 0) {
		log_err("%s: no complete VRP set from the RTR cache within 60 s", r->rtr);
		return -1;
	}
	r->vrp_table = rtr_client_table(r->rtr_client);
	log_info("RTR %s: %zu VRPs", r->rtr, vrp_table_count(r->vrp_table));
	return 0;
}

static int load_irr(struct cli_refs *r)
{
	r->irr_db = xcalloc(1, sizeof(*r->irr_db));
	irr_db_init(r->irr_db);
	for (int i = 0; i < r->nirr; i++) {
		struct irr_load_stats st;
		memset(&st, 0, sizeof(st));
		if (irr_db_load(r->irr_db, r->irr[i], &st) != 0) {
			log_err("%s: %s", r->irr[i], st.err[0] ? st.err : "cannot load");
			return -1;
		}
		if (st.malformed && r->strict) {
			log_err("%s: %llu malformed objects (--strict): %s", r->irr[i],
			    (unsigned long long)st.malformed, st.err);
			return -2;
		}
		log_info("loaded %llu IRR objects from %s, %llu malformed skipped",
		    (unsigned long long)st.objects, r->irr[i], (unsigned long long)st.malformed);
	}
	return 0;
}

static int load_asrel(struct cli_refs *r)
{
	r->rel = xcalloc(1, sizeof(*r->rel));
	asrel_init(r->rel);
	if (asrel_load(r->rel, r->asrel) != 0)
		return -1;
	if (r->strict && r->rel->st.malformed) {
		log_err("%s: %llu malformed lines (--strict)", r->asrel,
		    (unsigned long long)r->rel->st.malformed);
		return -2;
	}
	log_info("loaded %u ASes, %llu links from %s", r->rel->nas,
	    (unsigned long long)r->rel->st.links, r->asrel);
	return 0;
}

static int load_registries(struct cli_refs *r)
{
	if (r->delegated) {
		r->deleg = xcalloc(1, sizeof(*r->deleg));
		delegated_init(r->deleg);
		if (delegated_load(r->deleg, r->delegated) != 0)
			return -1;
	}
	r->bogon_db = xcalloc(1, sizeof(*r->bogon_db));
	bogon_db_init(r->bogon_db);
	for (int i = 0; i < r->nbogons; i++)
		if (bogon_load(r->bogon_db, r->bogons[i]) != 0)
			return -1;
	if (r->deleg)
		bogon_db_set_delegated(r->bogon_db, r->deleg);
	return 0;
}

static int load_contacts(struct cli_refs *r)
{
	if (r->npeeringdb) {
		r->pdb = xcalloc(1, sizeof(*r->pdb));
		pdb_init(r->pdb);
		for (int i = 0; i < r->npeeringdb; i++)
			if (pdb_load(r->pdb, r->peeringdb[i]) != 0)
				return -1;
	}
	if (r->nasnames) {
		r->names = xcalloc(1, sizeof(*r->names));
		asnames_init(r->names);
		for (int i = 0; i < r->nasnames; i++)
			if (asnames_load(r->names, r->asnames[i]) != 0)
				return -1;
	}
	return 0;
}

static int load_rpki(struct cli_refs *r)
{
	if (r->vrps)
		return load_vrps(r);
	return r->rtr ? load_rtr(r) : 0;
}

/* The kinds of reference data are independent: each is loaded by its own thread (the
 * CAIDA file's bzip2, the bogon tries and the VRP index then take turns on both cores
 * with the MRT decompressor). Each loader reports its own errors; the first failure in
 * this order decides the result. */
struct ref_task {
	int (*load)(struct cli_refs *);
	struct cli_refs *r;
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

int refs_load(struct cli_refs *r, struct observe_refs *out)
{
	memset(out, 0, sizeof(*out));
	if (r->vrps && r->rtr) {
		log_err("--vrps and --rtr are alternatives; give one");
		return -1;
	}
	struct ref_task t[] = {{.load = load_rpki, .r = r}, {.load = load_irr, .r = r},
	    {.load = load_asrel, .r = r}, {.load = load_registries, .r = r},
	    {.load = load_contacts, .r = r}};
	const int want[] = {
	    r->vrps || r->rtr, r->nirr > 0, r->asrel != NULL, 1, r->npeeringdb || r->nasnames};
	size_t n = sizeof(t) / sizeof(t[0]);
	if (r->defer_contacts && want[n - 1]) { /* the last task goes on after we return */
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
	if (rc != 0)
		return rc;
	out->vrps = r->vrp_table;
	out->aspa = r->aspa_table && aspa_table_count(r->aspa_table) ? r->aspa_table : NULL;
	out->irr = r->irr_db;
	out->asrel = r->rel;
	out->bogons = r->bogon_db;
	out->deleg = r->deleg;
	return r->contacts ? 0 : refs_finish(r, out);
}

static int contacts_wait(struct cli_refs *r)
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

int refs_finish(struct cli_refs *r, struct observe_refs *out)
{
	int rc = contacts_wait(r);
	if (rc != 0)
		return rc;
	out->pdb = r->pdb;
	out->names = r->names;
	return 0;
}

void refs_free(struct cli_refs *r)
{
	contacts_wait(r);
	if (r->rtr_client) {
		if (r->vrp_table)
			vrp_table_release(r->vrp_table);
		rtr_client_stop(r->rtr_client);
	} else if (r->vrp_table)
		vrp_table_free(r->vrp_table);
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
}

void refs_each_file(const struct cli_refs *r, refs_file_fn fn, void *arg)
{
	if (r->vrps)
		fn("vrps", r->vrps, arg);
	for (int i = 0; i < r->nirr; i++)
		fn("irr", r->irr[i], arg);
	if (r->asrel)
		fn("asrel", r->asrel, arg);
	for (int i = 0; i < r->nbogons; i++)
		fn("bogons", r->bogons[i], arg);
	if (r->delegated)
		fn("delegated", r->delegated, arg);
	for (int i = 0; i < r->npeeringdb; i++)
		fn("peeringdb", r->peeringdb[i], arg);
	for (int i = 0; i < r->nasnames; i++)
		fn("asnames", r->asnames[i], arg);
}
