/* Reference data shared by the observatory commands (analyze, conform, run): the same flags
 * everywhere, loaded once, with what was loaded reported. */
#ifndef ROUTEMARK_CLI_REFS_H
#define ROUTEMARK_CLI_REFS_H

#include <getopt.h>

#include "observe/observe.h"

#define REFS_MAX_FILES 32

struct cli_refs {
	const char *vrps, *rtr, *asrel, *delegated;
	const char *irr[REFS_MAX_FILES], *bogons[REFS_MAX_FILES], *peeringdb[REFS_MAX_FILES];
	const char *asnames[REFS_MAX_FILES];
	int nirr, nbogons, npeeringdb, nasnames;
	int strict;
	/* loaded */
	struct vrp_table *vrp_table;
	struct aspa_table *aspa_table;
	struct irr_db *irr_db;
	struct asrel *rel;
	struct bogon_db *bogon_db;
	struct delegated *deleg;
	struct pdb *pdb;
	struct asnames *names;
	struct rtr_client *rtr_client;
	/* defer_contacts: refs_load leaves PeeringDB and AS names loading (needed only when a
	 * snapshot is written) to a thread that refs_finish waits for */
	int defer_contacts;
	struct ref_task *contacts;
};

/* getopt_long codes of the reference flags (>= 1000), to put in a command's table. */
enum {
	REFS_OPT_VRPS = 1000,
	REFS_OPT_RTR,
	REFS_OPT_IRR,
	REFS_OPT_ASREL,
	REFS_OPT_BOGONS,
	REFS_OPT_DELEGATED,
	REFS_OPT_PEERINGDB,
	REFS_OPT_ASNAMES,
};

#define REFS_LONG_OPTIONS                                                                          \
	{"vrps", required_argument, NULL, REFS_OPT_VRPS},                                          \
	    {"rtr", required_argument, NULL, REFS_OPT_RTR},                                        \
	    {"irr", required_argument, NULL, REFS_OPT_IRR},                                        \
	    {"asrel", required_argument, NULL, REFS_OPT_ASREL},                                    \
	    {"bogons", required_argument, NULL, REFS_OPT_BOGONS},                                  \
	    {"delegated", required_argument, NULL, REFS_OPT_DELEGATED},                            \
	    {"peeringdb", required_argument, NULL, REFS_OPT_PEERINGDB},                            \
	{                                                                                          \
		"asnames", required_argument, NULL, REFS_OPT_ASNAMES                               \
	}

#define REFS_HELP                                                                                  \
	"reference data (each optional; what is missing makes its metrics \"no data\"):\n"         \
	"  --vrps FILE        VRPs (and ASPA) from rpki-client/Routinator/StayRTR JSON or CSV\n"   \
	"  --rtr HOST:PORT    VRPs live from an RTR cache instead of a file\n"                     \
	"  --irr FILE         an RPSL dump (.gz or plain); repeatable\n"                           \
	"  --asrel FILE       CAIDA AS relationships (serial-1/-2; .bz2, .gz or plain)\n"          \
	"  --bogons FILE      Team Cymru fullbogons or IANA address-space XML; repeatable\n"       \
	"  --delegated FILE   NRO extended delegated statistics (the measured-AS universe)\n"      \
	"  --peeringdb FILE   a PeeringDB API export (net/poc); repeatable\n"                      \
	"  --asnames FILE     AS names (ASN:NAME, CC lines, or ip-location-db CSV); repeatable\n"

/* 1 when opt was a reference flag (and was recorded), 0 if not, -1 on too many files. */
int refs_option(struct cli_refs *r, int opt, const char *arg);
/* Load everything named; messages go to stderr. -1 when a file cannot be read, or is
 * malformed under strict. */
int refs_load(struct cli_refs *r, struct observe_refs *out);
/* Wait for what refs_load deferred and add it to out. 0, or refs_load's error codes. */
int refs_finish(struct cli_refs *r, struct observe_refs *out);
void refs_free(struct cli_refs *r);
/* Every file named, with its kind, for the snapshot's record of inputs. */
typedef void (*refs_file_fn)(const char *kind, const char *path, void *arg);
void refs_each_file(const struct cli_refs *r, refs_file_fn fn, void *arg);

#endif
