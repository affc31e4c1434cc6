/* serve in a real browser: headless Chromium (Debian `chromium`) loads the overview, an AS
 * page, the compare page and the two conformance pages from a server on 127.0.0.1, the DOM
 * it built is checked, and screenshots (desktop and phone widths) are saved under
 * build/screenshots/ to look at. */
#include <sys/wait.h>

#include "serve_fixture.h"
#include "store/store.h"

static const char *chromium(void)
{
	static const char *const cand[] = {"/usr/bin/chromium", "/usr/bin/chromium-browser"};
	for (size_t i = 0; i < 2; i++)
		if (access(cand[i], X_OK) == 0)
			return cand[i];
	return NULL;
}

/* Run chromium headless on path with a fresh profile; mode is "--dump-dom" (output kept in
 * out) or "--screenshot=FILE". Returns the exit status. */
static int run_chromium(const char *mode, const char *path, int width, int height, char **out)
{
	char profile[300], cmd[2048];
	snprintf(profile, sizeof(profile), "%s/profile-XXXXXX", fx.dir);
	if (mkdtemp(profile) == NULL)
		return -1;
	snprintf(cmd, sizeof(cmd),
	    "timeout 60 %s --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
	    "--disable-background-networking --disable-component-update --disable-sync "
	    "--disable-dev-shm-usage --hide-scrollbars --user-data-dir=%s --window-size=%d,%d %s "
	    "'http://127.0.0.1:%u%s' 2>/dev/null",
	    chromium(), profile, width, height, mode, fx.port, path);
	FILE *p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	size_t k;
	while ((k = fread(buf + len, 1, cap - len - 1, p)) > 0) {
		len += k;
		if (cap - len < 4096)
			buf = realloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	int rc = pclose(p);
	if (out)
		*out = buf;
	else
		free(buf);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

#define REQUIRE_CHROMIUM()                                                                         \
	do {                                                                                       \
		REQUIRE_SERVER();                                                                  \
		if (chromium() == NULL) {                                                          \
			printf(                                                                    \
			    "SKIP: %s: chromium is not installed (scripts/deps.sh)\n", __func__);  \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

static void check_page(const char *name, const char *path, const char *const *needles)
{
	char *dom = NULL;
	assert_int_equal(run_chromium("--dump-dom", path, 1280, 1800, &dom), 0);
	for (size_t i = 0; needles[i]; i++) {
		if (strstr(dom, needles[i]) == NULL)
			fprintf(stderr, "%s: DOM lacks '%s'\n", path, needles[i]);
		assert_non_null(strstr(dom, needles[i]));
	}
	free(dom);
	const char *top = getenv("ROUTEMARK_TOP");
	char dir[1024], shot[1200], mode[1300];
	snprintf(dir, sizeof(dir), "%s/build/screenshots", top ? top : ".");
	mkdir(dir, 0755);
	static const struct {
		const char *suffix;
		int w, h;
	} sizes[] = {{"", 1280, 1800}, {"-phone", 390, 1600}};
	for (size_t i = 0; i < 2; i++) {
		snprintf(shot, sizeof(shot), "%s/%s%s.png", dir, name, sizes[i].suffix);
		unlink(shot);
		snprintf(mode, sizeof(mode), "--screenshot=%s", shot);
		assert_int_equal(run_chromium(mode, path, sizes[i].w, sizes[i].h, NULL), 0);
		struct stat st;
		assert_int_equal(stat(shot, &st), 0);
		assert_true(st.st_size > 10000); /* a rendered page, not a blank one */
		printf("screenshot: %s (%lld bytes)\n", shot, (long long)st.st_size);
	}
}

static void test_overview(void **state)
{
	REQUIRE_CHROMIUM();
	const char *n[] = {"Routing security overview", "<svg", "MANRS readiness", "RPKI valid",
	    "Coverage over time", NULL};
	check_page("overview", "/", n);
}

static void test_as_page(void **state)
{
	REQUIRE_CHROMIUM();
	const char *n[] = {"AS6939 — HURRICANE", "Scorecard", "What to fix", "Findings",
	    "<img src=\"/badge/AS6939.svg\"", NULL};
	check_page("as6939", "/as/6939", n);
}

static void test_compare_page(void **state)
{
	REQUIRE_CHROMIUM();
	const char *n[] = {"Compare networks", "AS6939", "AS3257", "AS174", "Action 4: RPKI", NULL};
	check_page("compare", "/compare?asn=6939,3257,174", n);
}

static void test_conformance_page(void **state)
{
	REQUIRE_CHROMIUM();
	const char *n[] = {"AS6939 HURRICANE", "MANRS+ (routemark draft profile)", "rmc-overall",
	    "PLUS-RPKI-1", "Every originated prefix is RPKI-valid", "not conformant",
	    "<option value=\"manrs-plus-draft\" selected=\"\">", "compare with other networks",
	    NULL};
	check_page("conformance-as6939", "/as/6939/conformance", n);
}

static void test_conformance_compare_page(void **state)
{
	REQUIRE_CHROMIUM();
	const char *n[] = {"MANRS+ (routemark draft profile)", "<th>AS6939 HURRICANE</th>",
	    "AS3257", "AS174", "PLUS-RPKI-1", "<th>Overall</th>", "Verdicts with their evidence",
	    NULL};
	check_page("conformance-compare", "/compare/conformance?asn=6939,3257,174", n);
}

/* The alerts page with an alert the monitor stored: the table, and its script subscribed to
 * the event stream (the status line it sets once the stream is open). */
static void test_alerts_page(void **state)
{
	REQUIRE_CHROMIUM();
	struct store *w;
	assert_int_equal(store_open(fx.db, 0, &w), 0);
	struct store_alert_event ev = {.alert_id = "origin-hijack/192.0.2.0/24/AS64501",
	    .kind = "origin-hijack",
	    .state = "opened",
	    .time = 1764670000,
	    .prefix = "192.0.2.0/24",
	    .asn = 6939,
	    .severity = 2,
	    .title = "AS64501 originates 192.0.2.0/24 of AS6939",
	    .text = "Seen by 3 of 12 peers.",
	    .json = "{\"title\":\"AS64501 originates 192.0.2.0/24 of AS6939\"}"};
	assert_int_equal(store_put_alert_event(w, &ev), 0);
	store_close(w);
	const char *n[] = {"<h1>Alerts</h1>", "AS64501 originates 192.0.2.0/24 of AS6939",
	    "Seen by 3 of 12 peers.", "<a href=\"/as/6939\">AS6939</a>",
	    "<p id=\"live-status\" class=\"muted\">Live: ", NULL};
	check_page("alerts", "/alerts", n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_overview),
	    cmocka_unit_test(test_as_page),
	    cmocka_unit_test(test_compare_page),
	    cmocka_unit_test(test_conformance_page),
	    cmocka_unit_test(test_conformance_compare_page),
	    cmocka_unit_test(test_alerts_page),
	};
	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
