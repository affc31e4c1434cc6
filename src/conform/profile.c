/* Conformance profiles: JSON files (docs/conform.md), validated when loaded. Every error
 * names the file, the control (id and position) and the field. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "conform_private.h"
#include "fetch/fetch.h"

struct perr {
	const char *file;
	char *buf;
	size_t size;
};

static int perr(struct perr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int perr(struct perr *e, const char *fmt, ...)
{
	int n = snprintf(e->buf, e->size, "%s: ", e->file);
	if (n >= 0 && (size_t)n < e->size) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->buf + n, e->size - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

const char *conform_evidence_name(enum conform_evidence_type t)
{
	static const char *const n[] = {"measured", "attested", "audited"};
	return t <= CONFORM_AUDITED ? n[t] : "?";
}

const char *conform_severity_name(enum conform_severity s)
{
	static const char *const n[] = {"required", "recommended", "informational"};
	return s <= CONFORM_INFORMATIONAL ? n[s] : "?";
}

int64_t conform_parse_duration(const char *s)
{
	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || v <= 0 || v > 100LL * 365 * 86400)
		return -1;
	int64_t mul = 1;
	switch (*end) {
	case 'd':
		mul = 86400;
		end++;
		break;
	case 'w':
		mul = 7 * 86400;
		end++;
		break;
	case 'h':
		mul = 3600;
		end++;
		break;
	case 's':
		end++;
		break;
	case '\0':
		break;
	default:
		return -1;
	}
	return *end ? -1 : (int64_t)v * mul;
}

/* A string field: required or optional; -1 with the error set when missing or not a string. */
static int get_str(
    struct perr *e, const char *where, json_object *o, const char *key, int required, char **out)
{
	json_object *v;
	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null)) {
		if (required)
			return perr(e, "%sfield \"%s\": missing", where, key);
		return 0;
	}
	if (!json_object_is_type(v, json_type_string) || json_object_get_string_len(v) == 0)
		return perr(e, "%sfield \"%s\": must be a non-empty string", where, key);
	*out = xstrdup(json_object_get_string(v));
	return 0;
}

static int check_keys(struct perr *e, const char *where, json_object *o, const char *const *known)
{
	json_object_object_foreach(o, key, val)
	{
		(void)val;
		size_t i = 0;
		for (; known[i] && strcmp(known[i], key); i++)
			;
		if (known[i] == NULL)
			return perr(e, "%sfield \"%s\": unknown field", where, key);
	}
	return 0;
}

static int enum_of(const char *v, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(v, names[i]) == 0)
			return i;
	return -1;
}

static int parse_control(struct perr *e, struct conform_profile *p, json_object *o, size_t i)
{
	static const char *const known[] = {"id", "text", "programme", "action", "evidence", "rule",
	    "window", "severity", "fix", "validity", NULL};
	static const char *const ev[] = {"measured", "attested", "audited"};
	static const char *const sev[] = {"required", "recommended", "informational"};
	struct conform_control *c = &p->controls[i];
	char where[160], *s = NULL;
	snprintf(where, sizeof(where), "control #%zu: ", i + 1);
	if (!json_object_is_type(o, json_type_object))
		return perr(e, "%smust be an object", where);
	if (get_str(e, where, o, "id", 1, &c->id))
		return -1;
	for (const char *q = c->id; *q; q++)
		if (!isalnum((unsigned char)*q) && !strchr("._-", *q))
			return perr(e,
			    "%sfield \"id\": \"%s\" may hold only letters, digits, '.', "
			    "'_' and '-'",
			    where, c->id);
	snprintf(where, sizeof(where), "control %.100s (#%zu): ", c->id, i + 1);
	for (size_t j = 0; j < i; j++)
		if (strcmp(p->controls[j].id, c->id) == 0)
			return perr(e, "%sfield \"id\": duplicate of control #%zu", where, j + 1);
	if (check_keys(e, where, o, known) || get_str(e, where, o, "text", 1, &c->text) ||
	    get_str(e, where, o, "programme", 0, &c->programme) ||
	    get_str(e, where, o, "action", 0, &c->action) ||
	    get_str(e, where, o, "fix", 0, &c->fix) ||
	    get_str(e, where, o, "rule", 1, &c->rule_text))
		return -1;
	if (get_str(e, where, o, "evidence", 1, &s))
		return -1;
	int k = enum_of(s, ev, 3);
	free(s);
	if (k < 0)
		return perr(
		    e, "%sfield \"evidence\": must be measured, attested or audited", where);
	c->evidence = (enum conform_evidence_type)k;
	if (get_str(e, where, o, "severity", 1, &s))
		return -1;
	k = enum_of(s, sev, 3);
	free(s);
	if (k < 0)
		return perr(e,
		    "%sfield \"severity\": must be required, recommended or "
		    "informational",
		    where);
	c->severity = (enum conform_severity)k;
	if (get_str(e, where, o, "window", 0, &s))
		return -1;
	if (s) {
		c->window = conform_parse_duration(s);
		free(s);
		if (c->window <= 0)
			return perr(e, "%sfield \"window\": not a duration like 90d", where);
	}
	if (get_str(e, where, o, "validity", 0, &s))
		return -1;
	if (s) {
		c->validity = conform_parse_duration(s);
		free(s);
		if (c->validity <= 0)
			return perr(e, "%sfield \"validity\": not a duration like 365d", where);
	}
	char msg[200];
	if (conform_expr_parse(c->rule_text, &c->rule, msg, sizeof(msg)))
		return perr(e, "%sfield \"rule\": %s", where, msg);
	if (c->programme == NULL && p->programme)
		c->programme = xstrdup(p->programme);
	return 0;
}

static int parse_profile(struct perr *e, struct conform_profile *p, json_object *root)
{
	static const char *const known[] = {"format", "name", "title", "version", "programme",
	    "status", "description", "window", "controls", NULL};
	char *fmt = NULL, *win = NULL;
	if (!json_object_is_type(root, json_type_object))
		return perr(e, "the profile must be a JSON object");
	if (check_keys(e, "", root, known) || get_str(e, "", root, "format", 1, &fmt))
		return -1;
	int bad = strcmp(fmt, CONFORM_PROFILE_FORMAT) != 0;
	free(fmt);
	if (bad)
		return perr(e, "field \"format\": must be \"%s\"", CONFORM_PROFILE_FORMAT);
	if (get_str(e, "", root, "name", 1, &p->name) ||
	    get_str(e, "", root, "title", 1, &p->title) ||
	    get_str(e, "", root, "version", 1, &p->version) ||
	    get_str(e, "", root, "programme", 1, &p->programme) ||
	    get_str(e, "", root, "status", 0, &p->status) ||
	    get_str(e, "", root, "description", 0, &p->description) ||
	    get_str(e, "", root, "window", 1, &win))
		return -1;
	p->window = conform_parse_duration(win);
	free(win);
	if (p->window <= 0)
		return perr(e, "field \"window\": not a duration like 90d");
	json_object *ctl;
	if (!json_object_object_get_ex(root, "controls", &ctl) ||
	    !json_object_is_type(ctl, json_type_array) || json_object_array_length(ctl) == 0)
		return perr(e, "field \"controls\": must be a non-empty array");
	size_t n = json_object_array_length(ctl);
	p->controls = xcalloc(n, sizeof(*p->controls));
	for (size_t i = 0; i < n; i++) {
		p->ncontrols = i + 1;
		if (parse_control(e, p, json_object_array_get_idx(ctl, i), i))
			return -1;
	}
	return 0;
}

int conform_profile_parse(const char *buf, size_t len, const char *name,
    struct conform_profile **out, char *err, size_t errsize)
{
	struct perr e = {name, err, errsize};
	*out = NULL;
	json_tokener *tok = json_tokener_new();
	json_object *root =
	    json_tokener_parse_ex(tok, buf, (int)(len > 0x7fffffff ? 0x7fffffff : len));
	enum json_tokener_error je = json_tokener_get_error(tok);
	if (root == NULL || je != json_tokener_success) {
		/* a complete value followed by more text, or broken JSON */
		size_t off = json_tokener_get_parse_end(tok);
		perr(&e, "not valid JSON near byte %zu: %s", off,
		    root ? "text after the profile" : json_tokener_error_desc(je));
		json_object_put(root);
		json_tokener_free(tok);
		return -1;
	}
	json_tokener_free(tok);
	struct conform_profile *p = xcalloc(1, sizeof(*p));
	p->path = xstrdup(name);
	if (fetch_sha256_mem(buf, len, p->sha256) != 0)
		p->sha256[0] = '\0';
	int rc = parse_profile(&e, p, root);
	json_object_put(root);
	if (rc) {
		conform_profile_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

int conform_profile_load(const char *path, struct conform_profile **out, char *err, size_t errsize)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	size_t cap = 1 << 14, n = 0, k;
	char *buf = xmalloc(cap);
	while ((k = fread(buf + n, 1, cap - n, f)) > 0) {
		n += k;
		if (n == cap) {
			if (cap >= (1 << 24)) {
				fclose(f);
				free(buf);
				snprintf(err, errsize, "%s: larger than 16 MiB", path);
				return -1;
			}
			XGROW(buf, cap, cap + 1);
		}
	}
	int rd = ferror(f);
	fclose(f);
	int rc = rd ? -1 : conform_profile_parse(buf, n, path, out, err, errsize);
	if (rd)
		snprintf(err, errsize, "%s: read error", path);
	free(buf);
	return rc;
}

/* Where `make install` put the profiles (DATADIR/profiles; the Makefile passes DATADIR). */
#ifndef RM_DATADIR
#define RM_DATADIR "/usr/local/share/routemark"
#endif

/* The directories searched for shipped profiles, in order (newly allocated; free with
 * dirs_free). */
static size_t search_dirs(char *dirs[4])
{
	size_t n = 0;
	const char *env = getenv("ROUTEMARK_PROFILES");
	if (env && *env)
		dirs[n++] = xstrdup(env);
	dirs[n++] = xstrdup("profiles");
	char exe[4096];
	ssize_t k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (k > 0 && k < (ssize_t)sizeof(exe) - 1) {
		exe[k] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			dirs[n++] = xasprintf("%s/../profiles", exe);
		}
	}
	dirs[n++] = xstrdup(RM_DATADIR "/profiles");
	return n;
}

static void dirs_free(char *dirs[4], size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(dirs[i]);
}

int conform_profile_find(
    const char *name_or_path, struct conform_profile **out, char *err, size_t errsize)
{
	struct stat st;
	if (strchr(name_or_path, '/') || stat(name_or_path, &st) == 0)
		return conform_profile_load(name_or_path, out, err, errsize);
	char *dirs[4];
	size_t nd = search_dirs(dirs);
	for (size_t i = 0; i < nd; i++) {
		char *path = xasprintf("%s/%s.json", dirs[i], name_or_path);
		int found = stat(path, &st) == 0;
		int rc = found ? conform_profile_load(path, out, err, errsize) : 0;
		free(path);
		if (found) {
			dirs_free(dirs, nd);
			return rc;
		}
	}
	dirs_free(dirs, nd);
	snprintf(err, errsize,
	    "no profile named '%s' (searched $ROUTEMARK_PROFILES, ./profiles, "
	    "the program's ../profiles, " RM_DATADIR "/profiles)",
	    name_or_path);
	*out = NULL;
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t conform_profile_list(char ***names)
{
	char *dirs[4];
	size_t nd = search_dirs(dirs), n = 0;
	*names = NULL;
	for (size_t i = 0; i < nd && n == 0; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *de;
		while (d && (de = readdir(d)) != NULL) {
			size_t len = strlen(de->d_name);
			if (len < 6 || strcmp(de->d_name + len - 5, ".json"))
				continue;
			*names = xreallocarray(*names, n + 1, sizeof(char *));
			(*names)[n] = xstrdup(de->d_name);
			(*names)[n++][len - 5] = '\0';
		}
		if (d)
			closedir(d);
	}
	dirs_free(dirs, nd);
	if (n)
		qsort(*names, n, sizeof(char *), cmp_str);
	return n;
}

void conform_profile_free(struct conform_profile *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->ncontrols; i++) {
		struct conform_control *c = &p->controls[i];
		free(c->id);
		free(c->text);
		free(c->programme);
		free(c->action);
		free(c->fix);
		free(c->rule_text);
		conform_expr_free(c->rule);
	}
	free(p->controls);
	free(p->path);
	free(p->name);
	free(p->title);
	free(p->version);
	free(p->programme);
	free(p->description);
	free(p->status);
	free(p);
}

const struct conform_control *conform_profile_control(
    const struct conform_profile *p, const char *id)
{
	for (size_t i = 0; i < p->ncontrols; i++)
		if (strcmp(p->controls[i].id, id) == 0)
			return &p->controls[i];
	return NULL;
}
