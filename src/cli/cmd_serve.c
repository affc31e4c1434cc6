/* `routemark serve`: the store as a JSON API and web dashboard over HTTP (src/serve). */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "conform/conform.h"
#include "core/core.h"
#include "serve/sandbox.h"
#include "serve/serve.h"

#define SERVE_MAX_JWKS 16

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark serve [--db FILE] [--listen ADDR:PORT] [--threads N]\n"
	    "                       [--access-log FILE] [--cors ORIGIN]\n"
	    "                       [--cache-size MIB] [--cache-ttl SECONDS] [--events-max N]\n"
	    "                       [--user NAME [--group NAME]]\n"
	    "                       [--sign-key KEY [--issuer NAME] [--valid-for DURATION]]\n"
	    "                       [--jwks-key FILE]...\n\n"
	    "Serve the store read-only as a JSON API under /api/v1/ (docs/openapi.yaml) and a\n"
	    "web dashboard (overview, AS, prefix, incidents, compare and alerts pages;\n"
	    "/badge/ASn.svg), and the live monitor's alert events as Server-Sent Events\n"
	    "(/api/v1/events).\n\n"
	    "  --db FILE|URL        the store (default routemark.db; or postgresql://...),\n"
	    "                       opened read-only\n"
	    "  --listen ADDR:PORT   numeric address and port (default %s; [::1]:8080 for\n"
	    "                       IPv6; port 0 picks a free one)\n"
	    "  --threads N          worker threads, each with its own store connection\n"
	    "                       (1 to %d, default 4)\n"
	    "  --access-log FILE    one line per request (Common Log Format plus time taken);\n"
	    "                       '-' for standard output\n"
	    "  --cors ORIGIN        send Access-Control-Allow-Origin: ORIGIN on the API (off\n"
	    "                       by default)\n"
	    "  --cache-size MIB     memory for built responses (default %d; 0 turns the cache\n"
	    "                       off): a stored snapshot never changes, so a page or API\n"
	    "                       answer is built once and served from memory (ETag,\n"
	    "                       X-Cache: hit) until the store changes (a new snapshot,\n"
	    "                       a dispute or filing), least recently used out first\n"
	    "  --cache-ttl SECONDS  rebuild a cached answer after this long (default %d), so\n"
	    "                       verdicts that depend on the clock (an attestation's\n"
	    "                       validity) stay current\n"
	    "  --events-max N       alert event streams (/api/v1/events) open at once (1 to\n"
	    "                       %d, default %d; one more is answered 503); a waiting\n"
	    "                       stream holds no worker thread\n"
	    "  --user NAME          the user to run as once the socket is bound (required when\n"
	    "                       started as root, which is otherwise refused)\n"
	    "  --group NAME         the group to run as (default the user's primary group)\n"
	    "  --sign-key KEY       sign conformance reports with this Ed25519 private key\n"
	    "                       (PEM): /api/v1/as/ASN/conformance.jws, badges link to it,\n"
	    "                       and its public key is in /.well-known/jwks.json; read\n"
	    "                       before the privileges are dropped\n"
	    "  --issuer NAME        the issuer the signed reports name (default the host name)\n"
	    "  --valid-for DURATION how long a signed report is valid (default 90d)\n"
	    "  --jwks-key FILE      a further public key to publish in /.well-known/jwks.json\n"
	    "                       (PEM, JWK or JWK set; e.g. of an offline signing key);\n"
	    "                       repeatable, up to %d\n\n"
	    "After binding, the server drops to --user, opens the store read-only as that user\n"
	    "and, on Linux, confines itself (no_new_privs; Landlock where the kernel has it: "
	    "reads\n"
	    "beneath the store's directory only, no writes, no new connections).\n\n"
	    "Stops gracefully on SIGTERM or SIGINT. Exit codes: 0 stopped by a signal,\n"
	    "1 usage error, missing or unreadable store, unusable address, started as root\n"
	    "without --user, privileges not dropped.\n",
	    SERVE_DEFAULT_LISTEN, SERVE_MAX_THREADS, SERVE_DEFAULT_CACHE_MIB,
	    SERVE_DEFAULT_CACHE_TTL, SERVE_EVENTS_MAX_LIMIT, SERVE_DEFAULT_EVENTS_MAX,
	    SERVE_MAX_JWKS);
}

int cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"listen", required_argument, NULL, 'l'},
	    {"threads", required_argument, NULL, 't'},
	    {"access-log", required_argument, NULL, 'a'},
	    {"cors", required_argument, NULL, 'c'},
	    {"cache-size", required_argument, NULL, 'C'},
	    {"cache-ttl", required_argument, NULL, 'T'},
	    {"events-max", required_argument, NULL, 'E'},
	    {"user", required_argument, NULL, 'u'},
	    {"group", required_argument, NULL, 'g'},
	    {"sign-key", required_argument, NULL, 'K'},
	    {"issuer", required_argument, NULL, 'I'},
	    {"valid-for", required_argument, NULL, 'V'},
	    {"jwks-key", required_argument, NULL, 'J'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct serve_config c = {
	    .db = "routemark.db", .listen = SERVE_DEFAULT_LISTEN, .threads = 4};
	const char *logpath = NULL, *user = NULL, *group = NULL, *jwks[SERVE_MAX_JWKS];
	struct privdrop drop;
	int opt, rc;
	if (cli_opt_begin("serve", longopts, &argc, &argv) != 0)
		return 1;
	while ((opt = cli_getopt(argc, argv, "h", longopts, usage, &rc)) != -1) {
		char *end;
		long v;
		switch (opt) {
		case CLI_OPT_EXIT:
			return rc;
		case 'd':
			c.db = optarg;
			break;
		case 'l':
			c.listen = optarg;
			break;
		case 't':
			v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > SERVE_MAX_THREADS) {
				log_err(
				    "--threads %s: expected 1 to %d", optarg, SERVE_MAX_THREADS);
				return 1;
			}
			c.threads = (unsigned)v;
			break;
		case 'a':
			logpath = optarg;
			break;
		case 'c':
			c.cors_origin = optarg;
			break;
		case 'C':
			v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 0 || v > 1 << 20) {
				log_err("--cache-size %s: expected MiB, 0 to %d", optarg, 1 << 20);
				return 1;
			}
			c.cache_mib = v ? (int)v : -1;
			break;
		case 'T':
			v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 1 || v > 86400 * 365) {
				log_err("--cache-ttl %s: expected seconds, 1 or more", optarg);
				return 1;
			}
			c.cache_ttl = (int)v;
			break;
		case 'E':
			v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 1 || v > SERVE_EVENTS_MAX_LIMIT) {
				log_err("--events-max %s: expected 1 to %d", optarg,
				    SERVE_EVENTS_MAX_LIMIT);
				return 1;
			}
			c.events_max = (unsigned)v;
			break;
		case 'u':
			user = optarg;
			break;
		case 'g':
			group = optarg;
			break;
		case 'K':
			c.sign_key = optarg;
			break;
		case 'I':
			if (*optarg == '\0' || strlen(optarg) > 255) {
				log_err("--issuer: expected a name of 1 to 255 bytes");
				return 1;
			}
			c.issuer = optarg;
			break;
		case 'V':
			if ((c.valid_for = conform_parse_duration(optarg)) <= 0) {
				log_err("--valid-for %s: expected a duration like 90d, 12w, 24h or "
				        "3600s",
				    optarg);
				return 1;
			}
			break;
		case 'J':
			if (c.njwks_keys == SERVE_MAX_JWKS) {
				log_err("--jwks-key: at most %d", SERVE_MAX_JWKS);
				return 1;
			}
			jwks[c.njwks_keys++] = optarg;
			c.jwks_keys = jwks;
			break;
		}
	}
	if (cli_no_args("serve", argc, argv, usage) != 0)
		return 1;
	if (privdrop_prepare("serve", user, group, &drop) != 0)
		return 1;
	c.drop = &drop;
	c.sandbox = 1;
	if (logpath) {
		c.access_log = strcmp(logpath, "-") == 0 ? stdout : fopen(logpath, "a");
		if (c.access_log == NULL) {
			log_err("--access-log %s: cannot open for appending", logpath);
			return 1;
		}
	}
	fprintf(stderr, "routemark: serving %s on http://%s/ (stop with Ctrl-C or SIGTERM)\n", c.db,
	    c.listen);
	rc = serve_run(&c);
	if (c.access_log && c.access_log != stdout)
		fclose(c.access_log);
	return rc == 0 ? 0 : 1;
}
