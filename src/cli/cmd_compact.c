/* routemark compact: old snapshots kept as their aggregates (store_compact), so that a history
 * of many full tables stays small. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "store/store.h"

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark compact [--db FILE|URL] (--keep N | --before DATE) [--dry-run]\n\n"
	    "Keep old snapshots as their aggregates: their routes and findings (with paths and\n"
	    "evidence) go; their per-AS summaries and metrics, incidents, global figures "
	    "(history,\n"
	    "trends, growth), inputs and provenance stay, with a warning that they were "
	    "compacted.\n"
	    "Findings a dispute names are kept. The snapshot stored last (the one summary and\n"
	    "serve show) is never compacted.\n\n"
	    "options:\n"
	    "  --db FILE|URL   the store (default routemark.db)\n"
	    "  --keep N        keep the N snapshots stored last whole\n"
	    "  --before DATE   compact the snapshots whose data starts before DATE (YYYY-MM-DD)\n"
	    "  --dry-run       say which snapshots would be compacted, change nothing\n"
	    "  -h, --help      this help\n\n"
	    "exit codes: 0 done (or nothing to do); 1 usage or store error. See "
	    "routemark-compact(1).\n");
}

static long long file_size(const char *path)
{
	struct stat sb;
	return !store_is_url(path) && stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

int cmd_compact(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
	    {"keep", required_argument, NULL, 'k'}, {"before", required_argument, NULL, 'b'},
	    {"dry-run", no_argument, NULL, 'n'}, {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	const char *db = "routemark.db";
	long keep = -1;
	int64_t before = 0;
	int dry = 0, c, rc = 0;
	if (cli_opt_begin("compact", opts, &argc, &argv) != 0)
		return 1;
	while ((c = cli_getopt(argc, argv, "h", opts, usage, &rc)) != -1) {
		char *end;
		switch (c) {
		case CLI_OPT_EXIT:
			return rc;
		case 'd':
			db = optarg;
			break;
		case 'k':
			keep = strtol(optarg, &end, 10);
			if (*end || end == optarg || keep < 1) {
				fprintf(
				    stderr, "routemark: compact: --keep %s: 1 or more\n", optarg);
				return 1;
			}
			break;
		case 'b':
			if (time_parse_utc(optarg, &before) != 0 || before <= 0) {
				fprintf(stderr,
				    "routemark: compact: --before %s: YYYY-MM-DD expected\n",
				    optarg);
				return 1;
			}
			break;
		case 'n':
			dry = 1;
			break;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (cli_no_args("compact", argc, argv, usage) != 0)
		return 1;
	if ((keep > 0) == (before > 0)) {
		fprintf(stderr, "routemark: compact: one of --keep N or --before DATE is needed\n");
		usage(stderr);
		return 1;
	}
	struct store *s;
	if (store_open(db, dry, &s) != 0)
		return 1;
	long long size0 = file_size(db);
	struct arena a;
	arena_init(&a, 1 << 14);
	struct store_snapshot *snaps;
	size_t n;
	if (store_snapshots(s, 0, &a, &snaps, &n) != 0) {
		arena_free(&a);
		store_close(s);
		return 1;
	}
	char *name = store_display_name(db);
	size_t done = 0, already = 0;
	int64_t findings = 0, bytes = 0;
	/* newest first as summary and serve see them (the last stored); the newest (i = 0),
	 * which they show, always stays whole */
	for (size_t i = 1; i < n && rc == 0; i++) {
		if (keep > 0 ? i < (size_t)keep : snaps[i].period_start >= before)
			continue;
		char t[32];
		time_utc_format(snaps[i].period_start, t, sizeof(t));
		if (dry) {
			printf("would compact snapshot %lld (%s, data of %s)\n",
			    (long long)snaps[i].id, snaps[i].label ? snaps[i].label : "", t);
			done++;
			continue;
		}
		struct store_compact_stats st;
		if (store_compact(s, snaps[i].id, &st) != 0) {
			rc = 1;
			break;
		}
		if (st.already) {
			already++;
			continue;
		}
		printf("snapshot %lld (%s, data of %s): %lld findings and %lld route blocks (%.1f "
		       "MiB) "
		       "removed%s\n",
		    (long long)snaps[i].id, snaps[i].label ? snaps[i].label : "", t,
		    (long long)st.findings, (long long)st.blocks, (double)st.bytes / (1 << 20),
		    st.kept ? ", findings named by disputes kept" : "");
		done++;
		findings += st.findings;
		bytes += st.bytes;
	}
	if (rc == 0 && !dry && done > 0 && store_reclaim(s) != 0)
		rc = 1;
	store_close(s);
	long long size1 = file_size(db);
	if (rc == 0 && dry)
		printf("%zu of %zu snapshots would be compacted in %s\n", done, n, name);
	else if (rc == 0) {
		printf("%zu of %zu snapshots compacted in %s (%zu were already): %lld findings, "
		       "%.1f MiB "
		       "of routes",
		    done, n, name, already, (long long)findings, (double)bytes / (1 << 20));
		if (size0 >= 0 && size1 >= 0)
			printf("; the file went from %.1f to %.1f MiB", (double)size0 / (1 << 20),
			    (double)size1 / (1 << 20));
		printf("\n");
	}
	free(name);
	arena_free(&a);
	return rc;
}
