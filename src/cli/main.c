/* routemark — command dispatch. Each command lives in its own cmd_*.c. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/core.h"

struct command {
	const char *name;
	int (*fn)(int, char **);
	const char *summary;
};

static const struct command commands[] = {
    {"run", cmd_run, "the main job: fetch the public data, analyze, store, summarise"},
    {"analyze", cmd_analyze,
        "check MRT files against RPKI, IRR, bogons and relationships; store a snapshot"},
    {"report", cmd_report, "an AS's MANRS scorecard with evidence, trend and fix list"},
    {"summary", cmd_summary, "Internet-wide RPKI/IRR coverage and MANRS readiness"},
    {"top", cmd_top, "ASes ranked by a metric"},
    {"diff", cmd_diff, "routes whose RPKI state changed between two snapshots"},
    {"compact", cmd_compact, "keep old snapshots as their aggregates: history stays small"},
    {"prefix", cmd_prefix, "who originates a prefix, with its RPKI, IRR and bogon state"},
    {"metrics", cmd_metrics, "the MANRS metrics measured and the defaults used"},
    {"conform", cmd_conform,
        "conformance to a MANRS / MANRS+ profile with evidence; IXP route-server check"},
    {"compare", cmd_compare,
        "providers ranked, control by control, on a conformance profile (procurement)"},
    {"attest", cmd_attest,
        "file, list or revoke attestations and audit records for conformance controls"},
    {"dispute", cmd_dispute, "dispute a finding; accept or reject disputes (audit trail)"},
    {"verify", cmd_verify, "check a signed conformance report: signature, validity, re-evaluation"},
    {"serve", cmd_serve, "the store as a JSON API and web dashboard over HTTP"},
    {"monitor", cmd_monitor,
        "BMP routers, captures or MRT replays live: route state, checks, alerts; bus"},
    {"worker", cmd_worker, "read the input files of batch analyses over the bus (analyze --bus)"},
    {"dump", cmd_dump, "print the routes of MRT files (bgpdump -m lines, or JSON lines)"},
    {"stat", cmd_stat, "count records, routes, prefixes and peers in MRT files"},
    {"validate", cmd_validate, "route origin validation (RFC 6811) of routes against VRPs"},
    {"vrps", cmd_vrps, "summarise a VRP set (file or RTR cache) or diff two"},
    {"irr", cmd_irr, "IRR data: route check, as-set expansion, filter prefixes, whois server"},
    {"asrel", cmd_asrel,
        "classify AS paths with CAIDA relationships (route leaks); customer cones"},
    {"bogon", cmd_bogon, "classify prefixes and ASNs as full / administrative bogons"},
};

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark [-v|-q] [--config FILE] [--version] <command> [options] [args]\n\n"
	    "routemark is a routing-security observatory and MANRS conformance tester.\n\n"
	    "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(
	    f, "\nrun 'routemark <command> --help' for a command's options; see routemark(1).\n");
}

int main(int argc, char **argv)
{
	/* Large blocks from the heap, not from mmap: every munmap of a freed table or buffer
	 * stops the other threads' CPUs to flush their TLBs, and the decompression thread beside
	 * the checks lost a tenth of its speed to that. */
	mallopt(M_MMAP_THRESHOLD, 256 << 20);
	/* One arena for all threads: memory moves between them (a loader's tables, the route
	 * and block builders' buffers) and per-thread arenas each kept their own freed memory
	 * (jinx RIB analyze: peak RSS -25 MiB; no thread allocates in a tight loop). */
	mallopt(M_ARENA_MAX, 1);
	mallopt(M_TRIM_THRESHOLD, 512 << 20);
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0)
			log_set_level(log_get_level() + 1 > LOG_LVL_DEBUG ? LOG_LVL_DEBUG
			                                                  : log_get_level() + 1);
		else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0)
			log_set_level(LOG_LVL_ERR);
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config_set_path(argv[++i]);
		else if (strcmp(argv[i], "--version") == 0) {
			printf("routemark %s\n", RM_VERSION);
			return 0;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "routemark: unknown option %s\n", argv[i]);
			usage(stderr);
			return 1;
		}
	}
	if (i == argc) {
		usage(stderr);
		return 1;
	}
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
		if (strcmp(argv[i], commands[c].name) == 0)
			return commands[c].fn(argc - i, argv + i);
	fprintf(stderr, "routemark: unknown command '%s'\n", argv[i]);
	usage(stderr);
	return 1;
}
