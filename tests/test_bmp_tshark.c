/* routemark monitor's route state against an independent decoder (issue 13): tshark's BMP and
 * BGP dissectors, replayed by tests/oracle/bmp_tshark_state.py, on the real GoBGP (pre-policy,
 * post-policy, Loc-RIB) and FRR captures. Both final states of those streams are empty (every
 * route withdrawn or flushed by a Peer Down), so the states are compared route for route at a
 * dozen message boundaries through each stream, and at its end. */
#include "testutil.h"

#include <stdint.h>

#define NCUTS 12

static const char *top(void)
{
	const char *t = getenv("ROUTEMARK_TOP");
	return t ? t : ".";
}

/* The whole output of a command; it must exit 0. */
static char *run(const char *cmd)
{
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	size_t cap = 1 << 16, n = 0, r;
	char *buf = malloc(cap);
	assert_non_null(buf);
	while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (cap - n < 4096) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	buf[n] = '\0';
	int rc = pclose(f);
	if (rc != 0)
		fail_msg("%s: exit status %d", cmd, rc);
	return buf;
}

static size_t count_view(const char *lines, const char *view)
{
	size_t n = 0, len = strlen(view);
	for (const char *p = lines; *p;) {
		if (strncmp(p, view, len) == 0 && p[len] == ' ')
			n++;
		const char *e = strchr(p, '\n');
		if (!e)
			break;
		p = e + 1;
	}
	return n;
}

/* routemark's --rib-out of the first `upto` bytes of `data`, normalized. */
static char *routemark_state(const uint8_t *data, size_t upto)
{
	char tmp[] = "/tmp/test_bmp_tsharkXXXXXX", out[64], cmd[8192];
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	assert_true(write(fd, data, upto) == (ssize_t)upto);
	close(fd);
	snprintf(out, sizeof(out), "%s.jsonl", tmp);
	snprintf(cmd, sizeof(cmd), "%s monitor -q --bmp-file %s --rib-out %s >/dev/null 2>&1",
	    test_bin(), tmp, out);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd),
	    "/usr/bin/python3 %s/tests/oracle/bmp_tshark_state.py --rib-out %s", top(), out);
	char *res = run(cmd);
	unlink(tmp), unlink(out);
	return res;
}

/* Compares both at NCUTS message boundaries and the end; the most routes of each view seen at
 * one cut go to max[] (pre, post, loc-rib). */
static void compare(const char *file, size_t max[3])
{
	assert_int_equal(access("/usr/bin/tshark", X_OK), 0); /* scripts/deps.sh installs it */
	FILE *f = fopen(file, "rb");
	assert_non_null(f);
	static uint8_t data[1 << 20];
	size_t len = fread(data, 1, sizeof(data), f);
	fclose(f);
	assert_true(len > 0 && len < sizeof(data));

	/* the message boundaries, by the common header's length */
	static size_t ends[1 << 16];
	size_t nmsg = 0;
	for (size_t off = 0; off + 6 <= len && nmsg < sizeof(ends) / sizeof(ends[0]);) {
		uint32_t l = (uint32_t)data[off + 1] << 24 | (uint32_t)data[off + 2] << 16 |
		             (uint32_t)data[off + 3] << 8 | data[off + 4];
		assert_true(l >= 6 && off + l <= len);
		off += l;
		ends[nmsg++] = off;
	}
	assert_int_equal(ends[nmsg - 1], len);
	size_t cuts[NCUTS + 1];
	char cmd[8192];
	int n = snprintf(
	    cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/oracle/bmp_tshark_state.py --at ", top());
	for (int i = 0; i <= NCUTS; i++) {
		cuts[i] = i < NCUTS ? ends[(nmsg * (i + 1)) / (NCUTS + 1)] : len;
		n += snprintf(cmd + n, sizeof(cmd) - n, "%s%zu", i ? "," : "", cuts[i]);
	}
	snprintf(cmd + n, sizeof(cmd) - n, " '%s'", file);
	char *oracle = run(cmd);

	memset(max, 0, 3 * sizeof(max[0]));
	char *p = oracle;
	for (int i = 0; i <= NCUTS; i++) {
		char head[64];
		snprintf(head, sizeof(head), "# at %zu ", cuts[i]);
		assert_true(strncmp(p, head, strlen(head)) == 0);
		char *body = strchr(p, '\n') + 1;
		char *next = strstr(body, "# at ");
		if (next)
			next[0] = '\0';
		char *ours = routemark_state(data, cuts[i]);
		if (strcmp(ours, body) != 0)
			fail_msg("%s: the states differ after %zu "
			         "bytes:\nroutemark:\n%.2000s\ntshark:\n%.2000s",
			    file, cuts[i], ours, body);
		const char *views[3] = {"pre-policy", "post-policy", "loc-rib"};
		for (int v = 0; v < 3; v++) {
			size_t c = count_view(body, views[v]);
			if (c > max[v])
				max[v] = c;
		}
		free(ours);
		if (!next) {
			assert_int_equal(i, NCUTS);
			break;
		}
		next[0] = '#';
		p = next;
	}
	free(oracle);
}

static void test_gobgp(void **state)
{
	(void)state;
	REQUIRE_DATA(file, "bmp/gobgp-3.10_pre-post-policy_loc-rib.bmp");
	size_t max[3];
	compare(file, max);
	/* each of the three views held routes at some cut (541 pre-policy, 522 post and Loc-RIB at
	 * the most) */
	assert_true(max[0] > 500);
	assert_true(max[1] > 500);
	assert_true(max[2] > 500);
}

static void test_frr(void **state)
{
	(void)state;
	REQUIRE_DATA(file, "bmp/frr-8.4.4_exabgp_pre-post-policy.bmp");
	size_t max[3];
	compare(file, max);
	assert_true(max[0] > 200);
	assert_true(max[1] > 200);
	assert_int_equal(max[2], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_gobgp),
	    cmocka_unit_test(test_frr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
