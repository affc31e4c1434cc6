/* The reference-data flags shared by analyze, conform and compare: parsed here, loaded by
 * the engine. */
#include <string.h>

#include "cli/refs.h"

int refs_option(struct cli_refs *r, int opt, const char *arg)
{
	static const char *const kind[] = {"vrps", "rtr", "irr", "asrel", "bogons", "delegated",
	    "peeringdb", "asnames", "orgs", "spoofer"};
	if (opt < REFS_OPT_VRPS || opt > REFS_OPT_SPOOFER)
		return 0;
	refs_spec_add(&r->spec, kind[opt - REFS_OPT_VRPS], arg);
	return 1;
}

int refs_load(struct cli_refs *r, struct observe_refs *out)
{
	memset(out, 0, sizeof(*out));
	r->spec.strict = r->strict;
	int rc = refset_open(&r->spec, 0, &r->set);
	if (rc == 0)
		*out = *refset_refs(r->set);
	return rc;
}

void refs_free(struct cli_refs *r)
{
	refset_close(r->set);
	r->set = NULL;
	refs_spec_free(&r->spec);
}
