/*
 * The documentation matches the program:
 *   - docs/metrics.md's generated section is exactly the output of `routemark metrics`;
 *   - every command listed by `routemark --help` has a page docs/routemark-<command>.1, and
 *     docs/routemark.1 refers to it;
 *   - `routemark <command> --help` exits 0 and prints a usage line;
 *   - every long option a command's --help prints appears in its man page.
 * Run from the repository top (tests/run.sh does); the user's configuration file is kept out.
 */
#include <ctype.h>
#include <sys/wait.h>

#include "testutil.h"

#define MAX_CMDS 64

struct text {
	char *s;
	size_t n;
};

/* Run routemark with args, standard output captured into out (NUL-terminated, malloc'ed).
 * Returns the exit status, -1 when it could not be run. */
static int run(const char *args, struct text *out)
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd),
	    "env -u ROUTEMARK_CONFIG XDG_CONFIG_HOME=/nonexistent-routemark-test %s %s "
	    "2>/dev/null",
	    test_bin(), args);
	FILE *p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	size_t cap = 8192;
	out->s = malloc(cap);
	out->n = 0;
	size_t k;
	while ((k = fread(out->s + out->n, 1, cap - out->n - 1, p)) > 0) {
		out->n += k;
		if (cap - out->n - 1 == 0) {
			cap *= 2;
			out->s = realloc(out->s, cap);
		}
	}
	out->s[out->n] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The whole file, NUL-terminated, or NULL when it cannot be read. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t cap = 16384, n = 0, k;
	char *s = malloc(cap);
	while ((k = fread(s + n, 1, cap - n - 1, f)) > 0) {
		n += k;
		if (cap - n - 1 == 0) {
			cap *= 2;
			s = realloc(s, cap);
		}
	}
	s[n] = '\0';
	fclose(f);
	return s;
}

/* The command names of `routemark --help`: the indented words after "commands:". */
static size_t list_commands(char names[MAX_CMDS][32])
{
	struct text t;
	assert_int_equal(run("--help", &t), 0);
	char *c = strstr(t.s, "\ncommands:\n");
	assert_non_null(c);
	size_t n = 0;
	for (char *line = strchr(c + 1, '\n') + 1; *line == ' ' && n < MAX_CMDS;) {
		char *w = line;
		while (*w == ' ')
			w++;
		size_t len = 0;
		while (islower((unsigned char)w[len]))
			len++;
		if (len == 0 || len >= 32)
			break;
		memcpy(names[n], w, len);
		names[n++][len] = '\0';
		char *nl = strchr(line, '\n');
		if (nl == NULL)
			break;
		line = nl + 1;
	}
	free(t.s);
	return n;
}

static int has_command(char names[MAX_CMDS][32], size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}

static void test_metrics_section(void **state)
{
	(void)state;
	static const char begin[] = "<!-- BEGIN routemark metrics -->\n",
	                  end[] = "<!-- END routemark metrics -->";
	char *doc = slurp("docs/metrics.md");
	assert_non_null(doc);
	char *b = strstr(doc, begin), *e = b ? strstr(b, end) : NULL;
	assert_non_null(b);
	assert_non_null(e);
	b += strlen(begin);
	*e = '\0'; /* the section: from after the BEGIN line to the start of the END line */
	struct text t;
	assert_int_equal(run("metrics", &t), 0);
	assert_non_null(strstr(t.s, "| M7RPKI | 4 | share |"));
	assert_string_equal(b, t.s);
	free(t.s);
	free(doc);
}

static void test_every_command_has_a_page(void **state)
{
	(void)state;
	char names[MAX_CMDS][32];
	size_t n = list_commands(names);
	/* the observatory's commands are among them */
	assert_true(n >= 7);
	const char *core[] = {"analyze", "run", "report", "summary", "top", "prefix", "metrics"};
	for (size_t i = 0; i < sizeof(core) / sizeof(core[0]); i++)
		assert_true(has_command(names, n, core[i]));
	char *top = slurp("docs/routemark.1");
	assert_non_null(top);
	int missing = 0;
	for (size_t i = 0; i < n; i++) {
		char path[128], ref[128];
		snprintf(path, sizeof(path), "docs/routemark-%s.1", names[i]);
		if (access(path, R_OK) != 0) {
			printf("no man page %s for the command '%s'\n", path, names[i]);
			missing++;
		}
		snprintf(ref, sizeof(ref), ".BR routemark-%s (1)", names[i]);
		if (strstr(top, ref) == NULL) {
			printf("docs/routemark.1 does not refer to routemark-%s(1)\n", names[i]);
			missing++;
		}
	}
	free(top);
	assert_int_equal(missing, 0);
}

static void test_every_help_prints_usage(void **state)
{
	(void)state;
	char names[MAX_CMDS][32];
	size_t n = list_commands(names);
	assert_true(n >= 7);
	int bad = 0;
	for (size_t i = 0; i < n; i++) {
		char args[64];
		struct text t;
		snprintf(args, sizeof(args), "%s --help", names[i]);
		int rc = run(args, &t);
		if (rc != 0 || strstr(t.s, "usage") == NULL) {
			printf("'routemark %s --help' exited %d%s\n", names[i], rc,
			    strstr(t.s, "usage") ? "" : " without printing a usage line");
			bad++;
		}
		free(t.s);
	}
	assert_int_equal(bad, 0);
}

/* Does the man page source (with \- already turned into -) name the option "--opt"? */
static int page_has_option(const char *page, const char *opt)
{
	size_t len = strlen(opt);
	for (const char *p = page; (p = strstr(p, opt)) != NULL; p += len) {
		unsigned char after = (unsigned char)p[len];
		if (!(islower(after) || isdigit(after) || after == '-'))
			return 1;
	}
	return 0;
}

/* Check every --option of a command's help against its page; returns the number missing. */
static int check_options(const char *cmd)
{
	char args[64], path[128];
	struct text t;
	snprintf(args, sizeof(args), "%s --help", cmd);
	if (run(args, &t) != 0) {
		free(t.s);
		return 1;
	}
	snprintf(path, sizeof(path), "docs/routemark-%s.1", cmd);
	char *page = slurp(path);
	if (page == NULL) {
		printf("%s: no man page\n", path);
		free(t.s);
		return 1;
	}
	/* troff writes a hyphen as \- : read the page as plain hyphens */
	char *w = page;
	for (const char *r = page; *r; r++) {
		if (r[0] == '\\' && r[1] == '-')
			r++;
		*w++ = *r;
	}
	*w = '\0';
	int missing = 0, found = 0;
	for (const char *p = t.s; (p = strstr(p, "--")) != NULL;) {
		char opt[64];
		size_t len = 2;
		while (
		    len < sizeof(opt) - 1 && (islower((unsigned char)p[len]) ||
		                                 isdigit((unsigned char)p[len]) || p[len] == '-'))
			len++;
		while (len > 2 && p[len - 1] == '-')
			len--;
		if (len > 2 && islower((unsigned char)p[2])) {
			memcpy(opt, p, len);
			opt[len] = '\0';
			found++;
			if (!page_has_option(page, opt)) {
				printf("%s: '%s' is in 'routemark %s --help' but not in the page\n",
				    path, opt, cmd);
				missing++;
			}
		}
		p += len;
	}
	if (found == 0) {
		printf("'routemark %s --help' lists no long option\n", cmd);
		missing++;
	}
	free(page);
	free(t.s);
	return missing;
}

static void test_help_options_in_pages(void **state)
{
	(void)state;
	char names[MAX_CMDS][32];
	size_t n = list_commands(names);
	assert_true(n >= 7);
	int missing = 0;
	for (size_t i = 0; i < n; i++)
		missing += check_options(names[i]);
	assert_int_equal(missing, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_metrics_section),
	    cmocka_unit_test(test_every_command_has_a_page),
	    cmocka_unit_test(test_every_help_prints_usage),
	    cmocka_unit_test(test_help_options_in_pages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
