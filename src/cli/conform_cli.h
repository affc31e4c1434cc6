/* Helpers shared by the conform, compare and attest commands (cmd_conform.c). */
#ifndef ROUTEMARK_CLI_CONFORM_H
#define ROUTEMARK_CLI_CONFORM_H

#include "conform/conform.h"

/* Exit codes of conform and compare --require for gating: conformant (or no IXP violation)
 * 0; not conformant (violations) 3; not enough data or filings to decide 4. Errors stay 1
 * (usage, store, profile) and 2 (malformed reference data under --strict). */
#define CONFORM_EXIT_NOT_CONFORMANT 3
#define CONFORM_EXIT_UNDETERMINED 4
int conform_cli_exit(enum conform_overall o);

/* Open the store, upgrading it to the current schema when writable; else read-only. */
int conform_cli_store(const char *db, int writable, struct store **out);
/* Load a profile by name or path; messages to stderr. NULL on error. */
struct conform_profile *conform_cli_profile(const char *name);
/* What conform and compare evaluate with: the profile, the reference data and the store
 * (conform_cli_store(db, 0)). Returns 0, or the exit code (1, or 2 for malformed reference
 * data under --strict) with nothing left open. */
struct cli_refs;
struct observe_refs;
int conform_cli_open(const char *profile, const char *db, struct cli_refs *refs,
    struct conform_profile **p, struct observe_refs *orefs, struct store **s);
/* --window DURATION; -1 after saying so on stderr. */
int conform_cli_window(const char *arg, int64_t *window);
/* Render one verdict (n == 0: r[0]) or n side by side in fmt (text, json or html). */
void conform_cli_render(FILE *out, const char *fmt, const struct conform_result *r, size_t n);

/* ------------------------------------------------------- signed reports (conform_sign.c) */

#define CONFORM_SIGN_DEFAULT_VALIDITY (90 * 86400)

/* conform's --sign KEY, --issuer NAME, --valid-for DURATION: CONFORM_SIGN_LONG_OPTIONS in the
 * option table, conform_sign_option in the loop (1 when opt was one of them, 0 if not, -1
 * after saying what was wrong). */
struct conform_sign_opts {
	const char *key, *issuer;
	int64_t valid_for; /* seconds; 0 = CONFORM_SIGN_DEFAULT_VALIDITY */
};
enum { CONFORM_OPT_SIGN = 1100, CONFORM_OPT_ISSUER, CONFORM_OPT_VALID_FOR };
#define CONFORM_SIGN_LONG_OPTIONS                                                                  \
	{"sign", required_argument, NULL, CONFORM_OPT_SIGN},                                       \
	    {"issuer", required_argument, NULL, CONFORM_OPT_ISSUER},                               \
	{                                                                                          \
		"valid-for", required_argument, NULL, CONFORM_OPT_VALID_FOR                        \
	}
#define CONFORM_SIGN_HELP                                                                          \
	"signed reports (routemark-verify(1) checks them):\n"                                      \
	"  --sign KEY          write the JSON report as a JWS (compact, alg EdDSA) signed with\n"  \
	"                      the Ed25519 private key KEY (PEM, as openssl genpkey -algorithm\n"  \
	"                      ed25519 writes it); --format is then json or left out\n"            \
	"  --valid-for DURATION  how long the report is valid (default 90d)\n"                     \
	"  --issuer NAME       who signs, in the report (default the host name)\n"
int conform_sign_option(struct conform_sign_opts *s, int opt, const char *arg);
/* given, or the host name (in buf). */
const char *conform_cli_issuer(const char *given, char *buf, size_t size);
/* Evaluate (ctx->now is the evaluation time and iat) and build the signed payload with the
 * reference files named in refs (may be NULL). NULL after saying why on stderr. */
struct cli_refs;
char *conform_cli_signed_payload(struct conform_ctx *ctx, const struct conform_profile *p,
    uint32_t asn, const struct cli_refs *refs, const char *issuer, int64_t exp, struct arena *a,
    struct conform_result *r);
/* conform --sign: evaluate now and write the JWS (one line) to out. Returns the exit code. */
int conform_cli_sign(FILE *out, const struct conform_sign_opts *so, struct conform_ctx *ctx,
    const struct conform_profile *p, uint32_t asn, const struct cli_refs *refs);

#endif
