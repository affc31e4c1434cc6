/* routemark attest: file an operator's declaration or an audit document for a control, list
 * the filings with their state, revoke one. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/conform_cli.h"
#include "fetch/fetch.h"

#define DEFAULT_VALIDITY (365 * 86400) /* when neither the options nor the control say */

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark attest [options] ASN --control ID --file EVIDENCE --by WHO\n"
	    "       routemark attest list [--db FILE] [--at DATE] [ASN]\n"
	    "       routemark attest revoke [--db FILE] ID --by WHO --reason TEXT\n\n"
	    "Record in the store that EVIDENCE (a declaration by the operator, or a document an\n"
	    "auditor reviewed) supports control ID for the AS: its SHA-256, name, size, the date,\n"
	    "who attests, and the period it is valid for. The file itself is not copied.\n"
	    "Conformance verdicts count a filing only while it is valid and not revoked.\n\n"
	    "options:\n"
	    "  --db FILE|URL       the store (default routemark.db; or postgresql://...)\n"
	    "  --control ID        the control (checked against --profile)\n"
	    "  --file EVIDENCE     the evidence document\n"
	    "  --by WHO            who attests (required; for revoke: who revokes)\n"
	    "  --kind KIND         attested or audited (default: from the control's evidence "
	    "type)\n"
	    "  --note TEXT         a short note kept with the record\n"
	    "  --profile NAME|FILE the profile the control belongs to (default manrs-plus-draft)\n"
	    "  --valid-from DATE   start of validity (default: now)\n"
	    "  --valid-until DATE  end of validity, exclusive; 'never' for no end\n"
	    "  --valid-for DUR     validity from the start (e.g. 365d); default: the control's\n"
	    "                      \"validity\" in the profile, else 365d\n"
	    "  --reason TEXT       (revoke) why the filing no longer holds\n"
	    "  --at DATE           (list) the time the status is computed for (default: now)\n"
	    "  --list              the same as 'attest list ASN'\n"
	    "  -h, --help          this help\n\n"
	    "DATE: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC).\n\n"
	    "exit codes: 0 filed, listed or revoked; 1 usage, unknown control or filing, filing\n"
	    "already revoked, unreadable file or store error. See routemark-attest(1).\n");
}

/* DATE (UTC) to Unix seconds; -1 after saying so. */
static int parse_date(const char *opt, const char *s, int64_t *out)
{
	if (time_parse_utc(s, out) != 0) {
		fprintf(stderr,
		    "routemark: attest: %s %s: expected YYYY-MM-DD or "
		    "YYYY-MM-DDTHH:MM:SSZ\n",
		    opt, s);
		return -1;
	}
	return 0;
}

static int list(struct store *s, uint32_t asn, int64_t at)
{
	struct arena a;
	arena_init(&a, 0);
	struct store_attestation *v;
	size_t n;
	int rc = store_get_attestations(s, asn, NULL, &a, &v, &n);
	if (rc == 0)
		printf("#id\tasn\tcontrol\tkind\tstatus\tvalid_from\tvalid_until\twho\tsha256\t"
		       "file\tsize\tfiled\trevocation\n");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char b1[40], b2[40], b3[40], b4[40];
		enum store_att_state st = store_attestation_state(&v[i], at);
		printf("%" PRId64 "\tAS%" PRIu32 "\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%" PRIu64
		       "\t%s\t",
		    v[i].id, v[i].asn, v[i].control, v[i].kind, store_att_state_name(st),
		    time_utc_format(v[i].valid_from, b1, sizeof(b1)),
		    v[i].valid_until ? time_utc_format(v[i].valid_until, b2, sizeof(b2)) : "never",
		    v[i].who ? v[i].who : "", v[i].sha256, v[i].file ? v[i].file : "", v[i].size,
		    time_utc_format(v[i].created, b3, sizeof(b3)));
		if (v[i].revoked)
			printf("revoked %s by %s: %s",
			    time_utc_format(v[i].revoked, b4, sizeof(b4)),
			    v[i].revoked_by ? v[i].revoked_by : "?",
			    v[i].revoke_reason ? v[i].revoke_reason : "");
		printf("\n");
	}
	arena_free(&a);
	return rc ? 1 : 0;
}

struct filing {
	const char *control, *path, *who, *kind, *note, *profile;
	int64_t from, until, valid_for;
	int never;
};

static int file_it(struct store *s, uint32_t asn, const struct filing *o)
{
	struct conform_profile *p = conform_cli_profile(o->profile);
	if (p == NULL)
		return 1;
	const struct conform_control *c = conform_profile_control(p, o->control);
	int status = 1;
	struct stat st;
	char sha[65];
	int64_t from = o->from ? o->from : (int64_t)time(NULL), until = o->until;
	if (!o->never && until == 0)
		until = from + (o->valid_for          ? o->valid_for
		                   : c && c->validity ? c->validity
		                                      : DEFAULT_VALIDITY);
	if (c == NULL)
		fprintf(stderr, "routemark: attest: profile %s has no control '%s'\n", p->name,
		    o->control);
	else if (c->evidence == CONFORM_MEASURED && o->kind == NULL)
		fprintf(stderr,
		    "routemark: attest: control %s is measured; give --kind to file "
		    "evidence for it anyway\n",
		    o->control);
	else if (until && until <= from)
		fprintf(stderr, "routemark: attest: --valid-until is not after the start of "
		                "validity\n");
	else if (stat(o->path, &st) != 0 || !S_ISREG(st.st_mode) ||
	         fetch_sha256_file(o->path, sha) != 0)
		fprintf(stderr, "routemark: attest: %s: cannot read the evidence file\n", o->path);
	else {
		struct store_attestation at = {.asn = asn,
		    .control = o->control,
		    .kind = o->kind ? o->kind : conform_evidence_name(c->evidence),
		    .sha256 = sha,
		    .file = o->path,
		    .size = (uint64_t)st.st_size,
		    .who = o->who,
		    .note = o->note,
		    .valid_from = from,
		    .valid_until = until};
		if (store_put_attestation(s, &at) == 0) {
			char b1[40], b2[40];
			printf("filed #%" PRId64 ": AS%" PRIu32
			       " %s %s sha256 %s by %s, valid %s to "
			       "%s\n",
			    at.id, asn, o->control, at.kind, sha, o->who,
			    time_utc_format(from, b1, sizeof(b1)),
			    until ? time_utc_format(until, b2, sizeof(b2)) : "no end");
			status = 0;
		}
	}
	conform_profile_free(p);
	return status;
}

static int revoke(struct store *s, const char *idarg, const char *by, const char *reason)
{
	char *end;
	long long id = strtoll(idarg, &end, 10);
	if (*end || id <= 0) {
		fprintf(stderr, "routemark: attest revoke: '%s' is not a filing id\n", idarg);
		return 1;
	}
	int rc = store_revoke_attestation(s, id, 0, by, reason);
	if (rc == 1)
		fprintf(stderr, "routemark: attest revoke: no filing #%lld\n", id);
	else if (rc == 2)
		fprintf(stderr, "routemark: attest revoke: filing #%lld is already revoked\n", id);
	else if (rc == 0)
		printf("revoked #%lld by %s: %s\n", id, by, reason);
	return rc == 0 ? 0 : 1;
}

enum mode { FILE_IT, LIST, REVOKE };

/* What the options leave: the mode's one argument, and the checks of required options. */
static int run(enum mode m, int argc, char **argv, const char *db, struct filing *o,
    const char *reason, int64_t at)
{
	uint32_t asn = 0;
	const char *arg = optind < argc ? argv[optind] : NULL;
	if (optind + 1 < argc || (m != LIST && arg == NULL)) {
		fprintf(stderr, "routemark: attest: expected one %s\n", m == REVOKE ? "ID" : "ASN");
		usage(stderr);
		return 1;
	}
	if (m != REVOKE && arg && cli_one_asn("attest", argc, argv, &asn) != 0)
		return 1;
	if (m == FILE_IT && (o->control == NULL || o->path == NULL || o->who == NULL)) {
		fprintf(stderr, "routemark: attest: --control ID, --file EVIDENCE and --by WHO are "
		                "required\n");
		return 1;
	}
	if (m == REVOKE && (o->who == NULL || reason == NULL)) {
		fprintf(stderr, "routemark: attest revoke: --by WHO and --reason TEXT are "
		                "required\n");
		return 1;
	}
	struct store *s;
	if (conform_cli_store(db, m != LIST, &s) != 0)
		return 1;
	int status = m == LIST     ? list(s, asn, at ? at : (int64_t)time(NULL))
	                 : m == REVOKE ? revoke(s, arg, o->who, reason)
	                           : file_it(s, asn, o);
	store_close(s);
	return status;
}

int cmd_attest(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"control", required_argument, NULL, 'c'},
	    {"file", required_argument, NULL, 'f'},
	    {"by", required_argument, NULL, 'b'},
	    {"kind", required_argument, NULL, 'k'},
	    {"note", required_argument, NULL, 'n'},
	    {"profile", required_argument, NULL, 'p'},
	    {"valid-from", required_argument, NULL, 'F'},
	    {"valid-until", required_argument, NULL, 'U'},
	    {"valid-for", required_argument, NULL, 'V'},
	    {"reason", required_argument, NULL, 'r'},
	    {"at", required_argument, NULL, 'a'},
	    {"list", no_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	enum mode m = FILE_IT;
	if (argc > 1 && (strcmp(argv[1], "list") == 0 || strcmp(argv[1], "revoke") == 0)) {
		m = strcmp(argv[1], "list") == 0 ? LIST : REVOKE;
		argc--;
		argv++;
	}
	const char *db = "routemark.db", *reason = NULL;
	struct filing o = {.profile = "manrs-plus-draft"};
	int64_t at = 0;
	int opt, rc;
	if (cli_opt_begin("attest", longopts, &argc, &argv) != 0)
		return 1;
	while ((opt = cli_getopt(argc, argv, "h", longopts, usage, &rc)) != -1) {
		switch (opt) {
		case CLI_OPT_EXIT:
			return rc;
		case 'd':
			db = optarg;
			break;
		case 'c':
			o.control = optarg;
			break;
		case 'f':
			o.path = optarg;
			break;
		case 'b':
			o.who = *optarg ? optarg : NULL;
			break;
		case 'k':
			o.kind = optarg;
			break;
		case 'n':
			o.note = optarg;
			break;
		case 'p':
			o.profile = optarg;
			break;
		case 'r':
			reason = *optarg ? optarg : NULL;
			break;
		case 'F':
			if (parse_date("--valid-from", optarg, &o.from) != 0)
				return 1;
			break;
		case 'U':
			if (strcmp(optarg, "never") == 0)
				o.never = 1;
			else if (parse_date("--valid-until", optarg, &o.until) != 0)
				return 1;
			break;
		case 'V':
			if ((o.valid_for = conform_parse_duration(optarg)) <= 0) {
				fprintf(stderr,
				    "routemark: attest: --valid-for %s: expected a "
				    "duration like 365d\n",
				    optarg);
				return 1;
			}
			break;
		case 'a':
			if (parse_date("--at", optarg, &at) != 0)
				return 1;
			break;
		case 'l':
			m = LIST;
			break;
		}
	}
	if (o.kind && strcmp(o.kind, "attested") && strcmp(o.kind, "audited")) {
		fprintf(
		    stderr, "routemark: attest: --kind %s: expected attested or audited\n", o.kind);
		return 1;
	}
	if ((o.until || o.never) && o.valid_for) {
		fprintf(stderr, "routemark: attest: give --valid-until or --valid-for, not both\n");
		return 1;
	}
	return run(m, argc, argv, db, &o, reason, at);
}
