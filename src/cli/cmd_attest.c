/* routemark attest: file an operator's declaration or an audit document for a control. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/conform_cli.h"
#include "fetch/fetch.h"

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark attest [options] ASN --control ID --file EVIDENCE\n"
	    "       routemark attest [options] ASN --list\n\n"
	    "Record in the store that EVIDENCE (a declaration by the operator, or a document an\n"
	    "auditor reviewed) supports control ID for the AS: its SHA-256, name, size, the date\n"
	    "and who filed it. The file itself is not copied. Conformance verdicts then show the\n"
	    "control as resting on attestation (or audit) rather than measurement.\n\n"
	    "options:\n"
	    "  --db FILE           the store (default routemark.db)\n"
	    "  --control ID        the control (checked against --profile)\n"
	    "  --file EVIDENCE     the evidence document\n"
	    "  --by WHO            who files it (default $USER)\n"
	    "  --kind KIND         attested or audited (default: from the control's evidence "
	    "type)\n"
	    "  --note TEXT         a short note kept with the record\n"
	    "  --profile NAME|FILE the profile the control belongs to (default manrs-plus-draft)\n"
	    "  --list              print the AS's filings instead\n"
	    "  -h, --help          this help\n\n"
	    "exit codes: 0 filed (or listed); 1 usage, unknown control, unreadable file or store\n"
	    "error. See routemark-attest(1).\n");
}

static int list(struct store *s, uint32_t asn)
{
	struct arena a;
	arena_init(&a, 0);
	struct store_attestation *v;
	size_t n;
	int rc = store_get_attestations(s, asn, NULL, &a, &v, &n);
	for (size_t i = 0; rc == 0 && i < n; i++)
		printf("%" PRId64 "\tAS%" PRIu32 "\t%s\t%s\t%s\t%s\t%" PRIu64 "\t%" PRId64 "\t%s\n",
		    v[i].id, v[i].asn, v[i].control, v[i].kind, v[i].sha256,
		    v[i].file ? v[i].file : "", v[i].size, v[i].created, v[i].who ? v[i].who : "");
	arena_free(&a);
	return rc ? 1 : 0;
}

static int file_it(struct store *s, uint32_t asn, const char *control, const char *path,
    const char *who, const char *kind, const char *note, const char *profile)
{
	struct conform_profile *p = conform_cli_profile(profile);
	if (p == NULL)
		return 1;
	const struct conform_control *c = conform_profile_control(p, control);
	int status = 1;
	struct stat st;
	char sha[65];
	if (c == NULL)
		fprintf(stderr, "routemark: attest: profile %s has no control '%s'\n", p->name,
		    control);
	else if (c->evidence == CONFORM_MEASURED && kind == NULL)
		fprintf(stderr,
		    "routemark: attest: control %s is measured; give --kind to file "
		    "evidence for it anyway\n",
		    control);
	else if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || fetch_sha256_file(path, sha) != 0)
		fprintf(stderr, "routemark: attest: %s: cannot read the evidence file\n", path);
	else {
		struct store_attestation at = {.asn = asn,
		    .control = control,
		    .kind = kind ? kind : conform_evidence_name(c->evidence),
		    .sha256 = sha,
		    .file = path,
		    .size = (uint64_t)st.st_size,
		    .who = who,
		    .note = note};
		if (store_put_attestation(s, &at) == 0) {
			printf("filed #%" PRId64 ": AS%" PRIu32 " %s %s sha256 %s by %s\n", at.id,
			    asn, control, at.kind, sha, who ? who : "unknown");
			status = 0;
		}
	}
	conform_profile_free(p);
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
	    {"list", no_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *db = "routemark.db", *control = NULL, *path = NULL, *who = getenv("USER");
	const char *kind = NULL, *note = NULL, *profile = "manrs-plus-draft";
	int opt, rc, listing = 0;
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
			control = optarg;
			break;
		case 'f':
			path = optarg;
			break;
		case 'b':
			who = optarg;
			break;
		case 'k':
			kind = optarg;
			break;
		case 'n':
			note = optarg;
			break;
		case 'p':
			profile = optarg;
			break;
		case 'l':
			listing = 1;
			break;
		}
	}
	uint32_t asn;
	if (cli_one_asn("attest", argc, argv, &asn) != 0) {
		usage(stderr);
		return 1;
	}
	if (!listing && (control == NULL || path == NULL)) {
		fprintf(
		    stderr, "routemark: attest: --control ID and --file EVIDENCE are required\n");
		return 1;
	}
	if (kind && strcmp(kind, "attested") && strcmp(kind, "audited")) {
		fprintf(
		    stderr, "routemark: attest: --kind %s: expected attested or audited\n", kind);
		return 1;
	}
	struct store *s;
	if (conform_cli_store(db, !listing, &s) != 0)
		return 1;
	int status =
	    listing ? list(s, asn) : file_it(s, asn, control, path, who, kind, note, profile);
	store_close(s);
	return status;
}
