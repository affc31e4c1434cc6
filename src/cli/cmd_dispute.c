/* routemark dispute: a network disputes a finding; a reviewer accepts or rejects it; an
 * accepted dispute takes the finding out of the scores from its snapshot on. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "cli/conform_cli.h"
#include "observe/observe.h"
#include "report/report.h"
#include "store/store.h"

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark dispute open --finding ID --reason TEXT [--by WHO] [--db FILE]\n"
	    "       routemark dispute accept|reject ID --reviewer WHO [--note TEXT] [--db FILE]\n"
	    "       routemark dispute list [--asn N] [--state S] [--format text|json] [--db FILE]\n"
	    "       routemark dispute show ID [--format text|json] [--db FILE]\n"
	    "       routemark dispute apply [--db FILE]\n\n"
	    "A network disputes a finding (its id is in the findings of 'routemark report', the\n"
	    "AS page and /api/v1/as/ASN/findings) with a reason; a reviewer accepts or rejects\n"
	    "the dispute. An accepted dispute takes every finding of the same AS, metric, prefix\n"
	    "and origin out of the scores of the snapshot it was raised on and of every later\n"
	    "snapshot, including those analysed afterwards. Every change is kept as an audit\n"
	    "record (who, when, from which state to which, note); nothing is deleted. Only one\n"
	    "open or accepted dispute per finding identity. 'apply' re-applies every accepted\n"
	    "dispute to every snapshot (idempotent).\n\n"
	    "options:\n"
	    "  --db FILE|URL       the store (default routemark.db; or postgresql://...)\n"
	    "  --finding ID        the finding disputed\n"
	    "  --reason TEXT       why the finding is wrong (required to open)\n"
	    "  --by WHO            who disputes it (default $USER)\n"
	    "  --reviewer WHO      who decides (required to accept or reject)\n"
	    "  --note TEXT         the reviewer's note\n"
	    "  --asn N             list: the disputes of AS N only\n"
	    "  --state S           list: open, accepted or rejected only\n"
	    "  --format FMT        list, show: text (default) or json\n"
	    "  -h, --help          this help\n\n"
	    "exit codes: 0 done; 1 usage, no such finding or dispute, a live dispute of the same\n"
	    "finding already, a dispute already decided, or a store error. See "
	    "routemark-dispute(1).\n");
}

struct dopts {
	const char *db, *reason, *by, *reviewer, *note, *state;
	int64_t finding;
	uint32_t asn;
	int json;
};

static const char *time_str(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (t <= 0 || gmtime_r(&tt, &tm) == NULL)
		return "-";
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* A positive decimal id; 0 when s is not one. */
static int64_t parse_id(const char *s)
{
	char *end;
	long long v = s && *s ? strtoll(s, &end, 10) : 0;
	return s && *s && *end == '\0' && v > 0 ? (int64_t)v : 0;
}

static void dispute_line(const struct store_dispute *d)
{
	printf("#%" PRId64 "\t%s\tAS%" PRIu32 "\t%s\t%s\torigin AS%" PRIu32 "\tfinding %" PRId64
	       "\tsnapshot %" PRId64 "\t%s\n",
	    d->id, d->state, d->asn, d->metric, d->prefix, d->origin, d->finding_id, d->snapshot_id,
	    d->reason);
}

static int do_open(struct store *s, const struct dopts *o)
{
	int64_t id;
	if (o->finding <= 0 || o->reason == NULL || *o->reason == '\0') {
		fprintf(stderr, "routemark: dispute open: --finding ID and --reason TEXT are "
		                "required\n");
		return 1;
	}
	int rc = store_dispute_open(s, o->finding, o->reason, o->by, &id);
	if (rc == STORE_DISPUTE_NOT_FOUND)
		fprintf(stderr, "routemark: dispute open: %s: no finding %" PRId64 "\n", o->db,
		    o->finding);
	else if (rc == STORE_DISPUTE_CONFLICT)
		fprintf(stderr,
		    "routemark: dispute open: finding %" PRId64
		    " is already disputed (dispute #%" PRId64 ", open or accepted)\n",
		    o->finding, id);
	else if (rc == 0)
		printf("dispute #%" PRId64 " opened on finding %" PRId64 " by %s\n", id, o->finding,
		    o->by ? o->by : "unknown");
	return rc == 0 ? 0 : 1;
}

static int do_decide(struct store *s, const struct dopts *o, const char *verb, int64_t id)
{
	const char *to = strcmp(verb, "accept") == 0 ? "accepted" : "rejected";
	if (o->reviewer == NULL || *o->reviewer == '\0') {
		fprintf(stderr, "routemark: dispute %s: --reviewer WHO is required\n", verb);
		return 1;
	}
	int rc = store_dispute_decide(s, id, to, o->reviewer, o->note);
	if (rc == STORE_DISPUTE_NOT_FOUND) {
		fprintf(
		    stderr, "routemark: dispute %s: %s: no dispute %" PRId64 "\n", verb, o->db, id);
		return 1;
	}
	if (rc == STORE_DISPUTE_CONFLICT) {
		fprintf(stderr,
		    "routemark: dispute %s: dispute %" PRId64 " is not open (already decided)\n",
		    verb, id);
		return 1;
	}
	if (rc != 0)
		return 1;
	size_t n = 0;
	if (strcmp(to, "accepted") == 0 && observe_apply_dispute(s, id, &n) != 0) {
		fprintf(stderr,
		    "routemark: dispute accept: dispute %" PRId64 " is accepted but the scores "
		    "could not be rewritten; run 'routemark dispute apply'\n",
		    id);
		return 1;
	}
	printf("dispute #%" PRId64 " %s by %s", id, to, o->reviewer);
	if (strcmp(to, "accepted") == 0)
		printf("; scores rewritten in %zu snapshot%s", n, n == 1 ? "" : "s");
	printf("\n");
	return 0;
}

static int do_list(struct store *s, const struct dopts *o)
{
	struct arena a;
	struct store_dispute *d;
	size_t n;
	arena_init(&a, 0);
	int rc = store_get_disputes(s, o->asn, o->state, &a, &d, &n);
	if (rc == 0 && o->json) {
		json_object *arr = json_object_new_array();
		for (size_t i = 0; i < n; i++)
			json_object_array_add(arr, report_dispute_json(&d[i], NULL, 0));
		cli_print_json(arr);
	} else
		for (size_t i = 0; rc == 0 && i < n; i++)
			dispute_line(&d[i]);
	arena_free(&a);
	return rc ? 1 : 0;
}

static int do_show(struct store *s, const struct dopts *o, int64_t id)
{
	struct arena a;
	struct store_dispute d;
	struct store_dispute_event *ev;
	size_t nev;
	int found;
	char t[32];
	arena_init(&a, 0);
	int rc = store_get_dispute(s, id, &a, &d, &found);
	if (rc == 0 && !found) {
		fprintf(stderr, "routemark: dispute show: %s: no dispute %" PRId64 "\n", o->db, id);
		rc = -1;
	}
	if (rc == 0)
		rc = store_get_dispute_events(s, id, &a, &ev, &nev);
	if (rc == 0 && o->json)
		cli_print_json(report_dispute_json(&d, ev, nev));
	else if (rc == 0) {
		dispute_line(&d);
		for (size_t i = 0; i < nev; i++)
			printf("  %s\t%s -> %s\tby %s%s%s\n", time_str(ev[i].time, t, sizeof(t)),
			    ev[i].from_state ? ev[i].from_state : "-", ev[i].to_state,
			    ev[i].who ? ev[i].who : "unknown", ev[i].note ? "\t" : "",
			    ev[i].note ? ev[i].note : "");
	}
	arena_free(&a);
	return rc ? 1 : 0;
}

/* Every accepted dispute into every snapshot. */
static int do_apply(struct store *s)
{
	struct arena a;
	struct store_snapshot *sn;
	size_t n, total = 0;
	arena_init(&a, 0);
	int rc = store_snapshots(s, 0, &a, &sn, &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		size_t k;
		rc = observe_apply_disputes(s, sn[i].id, &k);
		total += k;
	}
	arena_free(&a);
	if (rc == 0)
		printf("accepted disputes applied: %zu AS score%s rewritten\n", total,
		    total == 1 ? "" : "s");
	return rc ? 1 : 0;
}

int cmd_dispute(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"finding", required_argument, NULL, 'f'},
	    {"reason", required_argument, NULL, 'r'},
	    {"by", required_argument, NULL, 'b'},
	    {"reviewer", required_argument, NULL, 'R'},
	    {"note", required_argument, NULL, 'n'},
	    {"asn", required_argument, NULL, 'a'},
	    {"state", required_argument, NULL, 's'},
	    {"format", required_argument, NULL, 'F'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct dopts o = {.db = "routemark.db", .by = getenv("USER")};
	int opt, rc, fmt;
	if (cli_opt_begin("dispute", longopts, &argc, &argv) != 0)
		return 1;
	while ((opt = cli_getopt(argc, argv, "h", longopts, usage, &rc)) != -1) {
		switch (opt) {
		case CLI_OPT_EXIT:
			return rc;
		case 'd':
			o.db = optarg;
			break;
		case 'f':
			if ((o.finding = parse_id(optarg)) == 0) {
				fprintf(stderr,
				    "routemark: dispute: --finding %s: expected a finding id\n",
				    optarg);
				return 1;
			}
			break;
		case 'r':
			o.reason = optarg;
			break;
		case 'b':
			o.by = optarg;
			break;
		case 'R':
			o.reviewer = optarg;
			break;
		case 'n':
			o.note = optarg;
			break;
		case 'a':
			if (asn_parse(optarg, &o.asn) != 0) {
				fprintf(stderr, "routemark: dispute: --asn %s: not an AS number\n",
				    optarg);
				return 1;
			}
			break;
		case 's':
			if (strcmp(optarg, "open") && strcmp(optarg, "accepted") &&
			    strcmp(optarg, "rejected")) {
				fprintf(stderr,
				    "routemark: dispute: --state %s: expected open, accepted or "
				    "rejected\n",
				    optarg);
				return 1;
			}
			o.state = optarg;
			break;
		case 'F':
			if ((fmt = cli_format(optarg, "text json")) < 0)
				return 1;
			o.json = fmt == 1;
			break;
		}
	}
	const char *verb = optind < argc ? argv[optind] : NULL;
	int nargs = argc - optind - 1; /* after the verb */
	int with_id = verb && (strcmp(verb, "accept") == 0 || strcmp(verb, "reject") == 0 ||
	                          strcmp(verb, "show") == 0);
	int64_t id = 0;
	if (verb == NULL ||
	    (!with_id && strcmp(verb, "open") && strcmp(verb, "list") && strcmp(verb, "apply"))) {
		if (verb)
			fprintf(stderr, "routemark: dispute: unknown action '%s'\n", verb);
		else
			fprintf(stderr, "routemark: dispute: which action?\n");
		usage(stderr);
		return 1;
	}
	if (nargs != with_id) {
		fprintf(stderr, "routemark: dispute %s: %s\n", verb,
		    with_id ? "expected one dispute id" : "unexpected argument");
		return 1;
	}
	if (with_id && (id = parse_id(argv[optind + 1])) == 0) {
		fprintf(stderr, "routemark: dispute %s: '%s' is not a dispute id\n", verb,
		    argv[optind + 1]);
		return 1;
	}
	int writes = strcmp(verb, "list") != 0 && strcmp(verb, "show") != 0;
	struct store *s;
	if (!store_is_url(o.db) && access(o.db, F_OK) != 0) { /* never a new store file */
		char *name = store_display_name(o.db);
		fprintf(stderr, "routemark: dispute: %s: no such store\n", name);
		free(name);
		return 1;
	}
	if (conform_cli_store(o.db, writes, &s) != 0)
		return 1;
	int status;
	if (strcmp(verb, "open") == 0)
		status = do_open(s, &o);
	else if (strcmp(verb, "list") == 0)
		status = do_list(s, &o);
	else if (strcmp(verb, "show") == 0)
		status = do_show(s, &o, id);
	else if (strcmp(verb, "apply") == 0)
		status = do_apply(s);
	else
		status = do_decide(s, &o, verb, id);
	store_close(s);
	return status;
}
