/* Reference data shared by the observatory commands (analyze, conform, run): the same flags
 * everywhere, loaded once, with what was loaded reported. */
#ifndef ROUTEMARK_CLI_REFS_H
#define ROUTEMARK_CLI_REFS_H

#include <getopt.h>

#include "engine/engine.h"

/* The reference flags of a command: what to load (the engine's refs_spec) and, once loaded,
 * the set. */
struct cli_refs {
	struct refs_spec spec;
	int strict; /* --strict: copied into spec when loading */
	struct refset *set;
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
	REFS_OPT_ORGS,
	REFS_OPT_SPOOFER,
};

#define REFS_LONG_OPTIONS                                                                          \
	{"vrps", required_argument, NULL, REFS_OPT_VRPS},                                          \
	    {"rtr", required_argument, NULL, REFS_OPT_RTR},                                        \
	    {"irr", required_argument, NULL, REFS_OPT_IRR},                                        \
	    {"asrel", required_argument, NULL, REFS_OPT_ASREL},                                    \
	    {"bogons", required_argument, NULL, REFS_OPT_BOGONS},                                  \
	    {"delegated", required_argument, NULL, REFS_OPT_DELEGATED},                            \
	    {"peeringdb", required_argument, NULL, REFS_OPT_PEERINGDB},                            \
	    {"asnames", required_argument, NULL, REFS_OPT_ASNAMES},                                \
	    {"orgs", required_argument, NULL, REFS_OPT_ORGS},                                      \
	{                                                                                          \
		"spoofer", required_argument, NULL, REFS_OPT_SPOOFER                               \
	}

#define REFS_HELP                                                                                  \
	"reference data (each optional; what is missing makes its metrics \"no data\"):\n"         \
	"  --vrps FILE        VRPs (and ASPA) from rpki-client/Routinator/StayRTR JSON or CSV\n"   \
	"  --rtr HOST:PORT    VRPs live from an RTR cache instead of a file ([V6ADDR]:PORT)\n"     \
	"  --irr FILE         an RPSL dump; repeatable\n"                                          \
	"  --asrel FILE       CAIDA AS relationships (serial-1/-2)\n"                              \
	"  --bogons FILE      Team Cymru fullbogons or IANA address-space XML; repeatable\n"       \
	"  --delegated FILE   NRO delegated statistics (the measured-AS universe) or IANA\n"       \
	"                     address-space XML (RIR per block); repeatable\n"                     \
	"  --peeringdb FILE   a PeeringDB API export (net/poc); repeatable\n"                      \
	"  --asnames FILE     AS names (ASN:NAME, CC lines, or ip-location-db CSV); repeatable\n"  \
	"  --orgs FILE        CAIDA AS-to-organisation (as-org2info): names, countries,\n"         \
	"                     siblings (no leak between them), organisation scorecards\n"          \
	"  --spoofer FILE     CAIDA Spoofer sessions (Spoofer Data API JSON) for M5 (Action 2)\n"  \
	"  (every file may be plain or compressed: gzip, bzip2, xz or zstd, told from its "        \
	"bytes)\n"

/* 1 when opt was a reference flag (and was recorded), 0 if not. */
int refs_option(struct cli_refs *r, int opt, const char *arg);
/* Load everything named (engine refset_open); messages go to stderr. -1 when a file cannot
 * be read, -2 when malformed under strict. */
int refs_load(struct cli_refs *r, struct observe_refs *out);
void refs_free(struct cli_refs *r);

#endif
