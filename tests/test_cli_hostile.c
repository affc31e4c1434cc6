/*
 * Hostile arguments to every command end in an error exit, never a signal: over-long
 * strings, numbers out of range, unknown formats, stores that are directories or absent,
 * files that are not what they claim. Each case is run as a child process (under ASan in the
 * sanitizer build, where an overflow is a report and a non-zero exit, so a signal or exit
 * status outside 0..4 fails here).
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include "testutil.h"

static char dir[64], longarg[6000];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/rm-hostile-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	memset(longarg, 'x', sizeof(longarg) - 1);
	longarg[sizeof(longarg) - 1] = '\0';
	char p[128];
	snprintf(p, sizeof(p), "%s/notmrt.txt", dir);
	FILE *f = fopen(p, "w");
	if (f == NULL)
		return -1;
	fputs("prefix\torigin\n192.0.2.0/24\t64500\n", f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/store.d", dir);
	return mkdir(p, 0700);
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Run "routemark ARGS" (with @L replaced by the long argument and @D by the temp folder);
 * return the wait status. */
static int run(const char *args)
{
	size_t cap = strlen(args) + 16, n = 0;
	char *exp = NULL;
	for (const char *p = args; *p; p++) {
		const char *put = NULL;
		size_t len = 1;
		if (p[0] == '@' && p[1] == 'L')
			put = longarg, len = strlen(longarg), p++;
		else if (p[0] == '@' && p[1] == 'D')
			put = dir, len = strlen(dir), p++;
		else
			put = p;
		if (exp == NULL || n + len + 1 > cap) {
			cap = (n + len + 1) * 2;
			exp = realloc(exp, cap);
			assert_non_null(exp);
		}
		memcpy(exp + n, put, len);
		n += len;
	}
	exp[n] = '\0';
	char *cmd;
	if (asprintf(&cmd, "%s %s </dev/null >/dev/null 2>&1", test_bin(), exp) < 0)
		fail();
	int st = system(cmd);
	free(cmd);
	free(exp);
	return st;
}

static void check(const char *args, int want_error)
{
	int st = run(args);
	if (!WIFEXITED(st))
		fail_msg("routemark %.120s: ended by signal %d", args, WTERMSIG(st));
	int rc = WEXITSTATUS(st);
	if (rc > 4)
		fail_msg("routemark %.120s: exit status %d (outside 0..4: a crash?)", args, rc);
	if (want_error && rc == 0)
		fail_msg("routemark %.120s: exit 0 where an error was expected", args);
}

static const char *const commands[] = {"run", "analyze", "report", "summary", "top", "prefix",
    "metrics", "conform", "compare", "attest", "serve", "dump", "stat", "validate", "vrps", "irr",
    "asrel", "bogon", "verify", "monitor"};
#define NCMD (sizeof(commands) / sizeof(commands[0]))

/* Every command: help works; an unknown flag, a long unknown flag and a long positional
 * argument are errors, not crashes. */
static void test_every_command(void **state)
{
	(void)state;
	char a[256];
	for (size_t i = 0; i < NCMD; i++) {
		snprintf(a, sizeof(a), "%s --help", commands[i]);
		int st = run(a);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			fail_msg("routemark %s --help: status %d", commands[i], st);
		snprintf(a, sizeof(a), "%s --no-such-flag", commands[i]);
		check(a, 1);
		snprintf(a, sizeof(a), "%s --@L", commands[i]);
		check(a, 1);
		snprintf(a, sizeof(a), "%s --db @D/store.d @L", commands[i]);
		check(a, strcmp(commands[i], "metrics") != 0 && strcmp(commands[i], "bogon") != 0);
	}
	check("@L", 1);
	check("--config @D/@L analyze x", 1);
}

/* Values that must be refused or handled: numbers out of range, long hosts and labels,
 * stores that are folders or absent, formats that do not exist. */
static void test_values(void **state)
{
	(void)state;
	static const char *const cases[] = {
	    "analyze --db @D/a.db --rtr @L:323 @D/notmrt.txt",
	    "analyze --db @D/a.db --rtr [@L]:323 @D/notmrt.txt",
	    "analyze --db @D/a.db --rtr ::1:99999 @D/notmrt.txt",
	    "analyze --db @D/a.db --label @L @D/notmrt.txt",
	    "analyze --db @D/a.db --set ready=1e999 @D/notmrt.txt",
	    "analyze --db @D/a.db --set aspiring=-5 --set ready=-10 @D/notmrt.txt",
	    "analyze --db @D/store.d @D/notmrt.txt",
	    "analyze --db @D/a.db --vrps @D/notmrt.txt --irr @L @D/notmrt.txt",
	    "report --db @D/none.db 4294967296",
	    "report --db @D/none.db AS@L",
	    "report --db @D/store.d 13335",
	    "report --db @D/none.db --format @L 13335",
	    "top --db @D/none.db --limit -1 M2",
	    "top --db @D/none.db --limit 99999999999999999999999 M2",
	    "prefix --db @D/none.db 300.1.2.3/33",
	    "prefix --db @D/none.db @L",
	    "summary --db @D/none.db --format @L",
	    "conform --db @D/none.db --profile @L 13335",
	    "compare --db @D/none.db --profile @D/notmrt.txt 1 2",
	    "attest --db @D/none.db 13335 @L",
	    "serve --db @D/none.db --listen @L",
	    "serve --db @D/none.db --listen [::1]:99999",
	    "serve --db @D/none.db --sign-key @L",
	    "serve --db @D/none.db --sign-key @D/notmrt.txt --valid-for @L",
	    "serve --db @D/none.db --jwks-key @D/notmrt.txt --issuer @L",
	    "conform --db @D/none.db --sign @L 13335",
	    "conform --db @D/none.db --sign @D/notmrt.txt 13335",
	    "conform --db @D/none.db --sign @D/notmrt.txt --valid-for -5d 13335",
	    "conform --db @D/none.db --sign @D/notmrt.txt --issuer @L 13335",
	    "verify --key @L @L",
	    "verify --key @D/notmrt.txt @D/notmrt.txt",
	    "verify --key @D/notmrt.txt --at @L @D/notmrt.txt",
	    "verify --key @D/notmrt.txt --format html @D/notmrt.txt",
	    "verify @D/notmrt.txt",
	    "verify --key @D/store.d @D/store.d",
	    "dump @D/notmrt.txt --format @L",
	    "stat @D/nonexistent.mrt",
	    "validate --vrps @D/notmrt.txt @L",
	    "vrps --rtr @L:323",
	    "vrps --rtr [::1",
	    "irr expand --irr @D/notmrt.txt AS-@L",
	    "irr serve --irr @D/notmrt.txt --listen @L",
	    "asrel --asrel @D/notmrt.txt @L",
	    "bogon 999.999.999.999/99",
	    "metrics --format @L",
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check(cases[i], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_command),
	    cmocka_unit_test(test_values),
	};
	return cmocka_run_group_tests_name("cli_hostile", tests, setup, teardown);
}
