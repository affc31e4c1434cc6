/*
 * One VRP source, loaded and built: a file (VRPs and ASPAs, any format vrp_load_file
 * knows) or the first complete set of an RTR cache. The engine's reference set and the
 * vrps/validate commands load VRPs only through here.
 */
#include <stdlib.h>

#include "rpki/rpki.h"

static int load_file(
    const char *file, int strict, struct vrp_table **vrps, struct aspa_table **aspa)
{
	double t0 = clock_mono();
	struct vrp_table *t = vrp_table_new();
	struct aspa_table *a = aspa_table_new();
	struct vrp_load_stats st = {0};
	int rc = vrp_load_file(t, a, file, strict, &st);
	if (rc < 0) {
		log_err("%s: %s%s%s", file,
		    rc == -2 ? "malformed VRP data (--strict)" : "cannot load VRPs",
		    st.first_error[0] ? ": " : "", st.first_error);
		vrp_table_free(t);
		aspa_table_free(a);
		return rc == -2 ? -2 : -1;
	}
	if (st.malformed > 0)
		log_warn("%s: %zu malformed records skipped (first: %s)", file, st.malformed,
		    st.first_error);
	vrp_table_build(t);
	aspa_table_build(a);
	log_info("loaded %zu VRPs and %zu ASPAs (%s) from %s in %.2f s, %zu malformed skipped",
	    vrp_table_count(t), aspa_table_count(a), vrp_format_name(st.format), file,
	    clock_mono() - t0, st.malformed);
	*vrps = t;
	*aspa = a;
	return 0;
}

static int load_rtr(
    const char *rtr, int timeout_s, struct vrp_table **vrps, struct aspa_table **aspa)
{
	char *host, *port;
	const char *err;
	if (hostport_split(rtr, &host, &port, &err) != 0) {
		log_err("--rtr %s: %s", rtr, err);
		return -1;
	}
	struct rtr_client *c = rtr_client_start(host, port);
	free(host);
	free(port);
	if (c == NULL)
		return -1;
	if (rtr_client_wait_sync(c, timeout_s * 1000) != 0) {
		log_err("--rtr %s: no complete VRP set from the RTR cache (it cannot be reached, "
		        "or sent none within %d s)",
		    rtr, timeout_s);
		rtr_client_stop(c);
		return -1;
	}
	*vrps = rtr_client_table(c);
	rtr_client_stop(c);       /* the table stays ours through its reference */
	*aspa = aspa_table_new(); /* RTRlib 0.8 carries no ASPA */
	aspa_table_build(*aspa);
	log_info("RTR %s: %zu VRPs", rtr, vrp_table_count(*vrps));
	return 0;
}

int vrp_source_load(const char *file, const char *rtr, int strict, int timeout_s,
    struct vrp_table **vrps, struct aspa_table **aspa)
{
	*vrps = NULL;
	*aspa = NULL;
	if ((file == NULL) == (rtr == NULL)) {
		log_err("a VRP file or an RTR cache: give one");
		return -1;
	}
	return file ? load_file(file, strict, vrps, aspa) : load_rtr(rtr, timeout_s, vrps, aspa);
}
