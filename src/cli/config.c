/*
 * Configuration file: "key = value" lines whose keys are long option names, e.g.
 *
 *	# ~/.config/routemark/routemark.conf
 *	vrps = /var/lib/rpki-client/json
 *	irr = /srv/irr/ripe.db.gz
 *	irr = /srv/irr/radb.db.gz
 *	[analyze]
 *	db = /srv/routemark/routemark.db
 *
 * Keys before any [section] apply to every command that has such an option; keys in
 * [command] apply to that command only. Config options are placed before the command-line
 * arguments, so for single-valued options the command line wins and repeatable options
 * (--irr, --bogons) add up.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/core.h"

static const char *config_path; /* set once from --config or the environment */

void config_set_path(const char *path)
{
	config_path = path;
}

/* Newly allocated, or NULL when there is no home to look in. */
static char *default_path(void)
{
	const char *env = getenv("ROUTEMARK_CONFIG");
	if (env)
		return xstrdup(env);
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (xdg)
		return xasprintf("%s/routemark/routemark.conf", xdg);
	if (home)
		return xasprintf("%s/.config/routemark/routemark.conf", home);
	return NULL;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static const struct option *find_opt(const struct option *opts, const char *name)
{
	for (; opts && opts->name; opts++)
		if (strcmp(opts->name, name) == 0)
			return opts;
	return NULL;
}

static int merge(const char *path, FILE *f, const char *cmd, const struct option *longopts,
    int *argc, char ***argv);

int config_merge_args(const char *cmd, const struct option *longopts, int *argc, char ***argv)
{
	char *dflt = NULL;
	const char *path = config_path;
	int explicit = path != NULL;
	if (!explicit)
		path = dflt = default_path();
	if (path == NULL)
		return 0;
	int rc = 0;
	FILE *f = fopen(path, "r");
	if (f != NULL)
		rc = merge(path, f, cmd, longopts, argc, argv);
	else if (explicit || getenv("ROUTEMARK_CONFIG")) {
		log_err("%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(dflt);
	return rc;
}

static int merge(const char *path, FILE *f, const char *cmd, const struct option *longopts,
    int *argc, char ***argv)
{
	/* new argv: argv[0], config options, then the original arguments */
	size_t cap = (size_t)*argc + 16, n = 1;
	char **out = xcalloc(cap + 1, sizeof(*out));
	out[0] = (*argv)[0];
	char *line = NULL, *section = xstrdup("");
	size_t linecap = 0;
	int lineno = 0, rc = 0;
	while (getline(&line, &linecap, f) > 0) {
		lineno++;
		char *s = trim(line);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *e = strchr(s, ']');
			if (e == NULL) {
				log_err("%s:%d: bad section header", path, lineno);
				rc = -1;
				break;
			}
			*e = '\0';
			free(section);
			section = xstrdup(trim(s + 1));
			continue;
		}
		char *eq = strchr(s, '=');
		if (eq == NULL) {
			log_err("%s:%d: expected 'key = value'", path, lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		char *key = trim(s), *val = trim(eq + 1);
		if (section[0] && strcmp(section, cmd) != 0)
			continue;
		const struct option *o = find_opt(longopts, key);
		if (o == NULL) {
			if (section[0]) { /* a command section may only name that command's options
				           */
				log_err(
				    "%s:%d: '%s' is not an option of '%s'", path, lineno, key, cmd);
				rc = -1;
				break;
			}
			continue;
		}
		XGROW(out, cap, n + 3); /* the option, its value and the final NULL */
		out[n++] = xasprintf("--%s", key);
		if (o->has_arg != no_argument)
			out[n++] = xstrdup(val);
	}
	free(line);
	free(section);
	fclose(f);
	if (rc != 0) {
		free(out); /* the strings leak until exit; this is a fatal path */
		return rc;
	}
	if (n == 1) {
		free(out);
		return 0;
	}
	out = xreallocarray(out, n + (size_t)*argc, sizeof(*out));
	for (int i = 1; i < *argc; i++)
		out[n++] = (*argv)[i];
	out[n] = NULL;
	*argc = (int)n;
	*argv = out; /* lives until exit */
	return 0;
}
