/*
 * The watch file and the alert engine: BGPalerter's prefixes.yml loads as it is, mistakes are
 * named with line and column; each alert kind opens on the route that shows it, is updated
 * as more peers show it, and resolves after the hold-down (withdrawn, corrected, valid by a
 * new VRP, peers down, visible again), with one event per step and JSON that parses.
 */
#include <json-c/json.h>

#include "testutil.h"
#include "alert/alert.h"
#include "observe/observe.h"
#include "registry/registry.h"
#include "rpki/rpki.h"

/* ---------------------------------------------------------------- the watch file */

static const char bgpalerter[] = "192.0.2.0/24:\n"
                                 "  description: our main block\n"
                                 "  asn: 3333\n"
                                 "  ignoreMorespecifics: false\n"
                                 "  ignore: false\n"
                                 "  group: noc\n"
                                 "198.51.100.0/24:\n"
                                 "  description: anycast\n"
                                 "  asn: [3333, 3334]\n"
                                 "  ignoreMorespecifics: true\n"
                                 "  upstreams: [1299]\n"
                                 "203.0.113.0/25:\n"
                                 "  asn: 3333\n"
                                 "  ignore: true\n"
                                 "options:\n"
                                 "  monitorASns:\n"
                                 "    '3333':\n"
                                 "      group: noc\n"
                                 "    AS15169:\n"
                                 "      upstreams: [1299, 174]\n"
                                 "  ignoreASns: [7018]\n"
                                 "  visibility:\n"
                                 "    percent: 50\n"
                                 "    minPeers: 3\n"
                                 "  holdDown: 60\n"
                                 "  updateInterval: 30\n";

static void test_watch_bgpalerter(void **state)
{
	(void)state;
	struct watch *w = watch_load_mem(bgpalerter, sizeof(bgpalerter) - 1, "prefixes.yml");
	assert_non_null(w);
	assert_int_equal(w->nprefixes, 3);
	assert_string_equal(w->prefixes[0].description, "our main block");
	assert_string_equal(w->prefixes[0].group, "noc");
	assert_int_equal(w->prefixes[0].norigins, 1);
	assert_int_equal(w->prefixes[0].origins[0], 3333);
	assert_int_equal(w->prefixes[1].norigins, 2);
	assert_int_equal(w->prefixes[1].origins[1], 3334);
	assert_int_equal(w->prefixes[1].ignore_more_specifics, 1);
	assert_int_equal(w->prefixes[1].nupstreams, 1);
	assert_int_equal(w->prefixes[2].ignore, 1);
	assert_int_equal(w->nasns, 2);
	assert_int_equal(w->asns[0].asn, 3333);
	assert_int_equal(w->asns[1].asn, 15169);
	assert_int_equal(w->asns[1].nupstreams, 2);
	assert_non_null(watch_asn_find(w, 15169));
	assert_null(watch_asn_find(w, 3334));
	assert_true(watch_asn_ignored(w, 7018));
	assert_false(watch_asn_ignored(w, 3333));
	assert_true(w->visibility_percent == 50 && w->visibility_min_peers == 3);
	assert_true(w->hold_down == 60 && w->update_interval == 30);
	watch_free(w);
}

static void expect_error(const char *text, const char *what)
{
	char path[] = "/tmp/rm_watch_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	char cmd[512];
	/* messages go to stderr: run the loader in a child and read them */
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	fflush(stderr);
	int saved = dup(2);
	char err[] = "/tmp/rm_watch_err_XXXXXX";
	int efd = mkstemp(err);
	dup2(efd, 2);
	struct watch *w = watch_load(path);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(efd);
	assert_null(w);
	snprintf(cmd, sizeof(cmd), "grep -q '%s' %s", what, err);
	if (system(cmd) != 0) {
		snprintf(cmd, sizeof(cmd), "cat %s >&2", err);
		if (system(cmd) != 0)
			print_message("could not show %s\n", err);
		fail_msg("expected \"%s\"", what);
	}
	unlink(path);
	unlink(err);
}

static void test_watch_errors(void **state)
{
	(void)state;
	expect_error("192.0.2.0/24:\n  asn: 3333\n  colour: red\n", ":3:3: unknown key \"colour\"");
	expect_error("192.0.2.0/33:\n  asn: 1\n", ":1:1: \"192.0.2.0/33\" is no prefix");
	expect_error("192.0.2.0/24:\n  asn: sixty\n", ":2:8: not an AS number");
	expect_error("192.0.2.0/24:\n  asn: 1\n192.0.2.0/24:\n  asn: 2\n", "listed twice");
	expect_error("192.0.2.0/24:\n  asn: [1, 2\n", "did not find expected");
	expect_error("options:\n  holdDown: -5\n", ":2:13: not a number from 0 to 86400");
	expect_error("options:\n  visibility:\n    percent: 500\n", "not a number from 1 to 100");
	expect_error("- 192.0.2.0/24\n", ":1:1: a mapping (key: value) is expected");
	expect_error("options:\n  disable: [hijack]\n", ":2:13: \"hijack\" is no alert kind");
	/* an empty file watches nothing, and is no error */
	struct watch *w = watch_load_mem("", 0, "empty");
	assert_non_null(w);
	assert_int_equal(w->nprefixes + w->nasns, 0);
	watch_free(w);
	/* a list key given twice adds to the first list (a fuzz find: the second, scalar one
	 * was written past the end of the first list's allocation) */
	const char *twice = "192.0.2.0/24:\n  asn: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, "
	                    "15, 16, 17, 18, 19]\n  asn: 20\n"
	                    "options:\n  ignoreASns: [7, 8]\n  ignoreASns: 9\n";
	w = watch_load_mem(twice, strlen(twice), "twice.yml");
	assert_non_null(w);
	assert_int_equal(w->prefixes[0].norigins, 20);
	assert_int_equal(w->prefixes[0].origins[19], 20);
	assert_int_equal(w->nignore_asns, 3);
	assert_true(watch_asn_ignored(w, 9) && watch_asn_ignored(w, 7));
	watch_free(w);
}

/* ---------------------------------------------------------------- the engine */

struct world {
	struct bogon_db bogons;
	struct vrp_table *vrps;
	struct aspa_table *aspa;
	struct observe_refs refs;
	struct alert_engine *ae;
	json_object *ev[64];
	int nev;
};

static void on_event(void *arg, const struct alert_event *ev)
{
	struct world *w = arg;
	assert_true(w->nev < 64);
	json_object *o = json_tokener_parse(ev->json);
	assert_non_null(o); /* the JSON parses */
	json_object *x;
	assert_true(json_object_object_get_ex(o, "text", &x));
	assert_string_equal(json_object_get_string(x), ev->text);
	assert_true(json_object_object_get_ex(o, "evidence", &x));
	assert_true(json_object_object_get_ex(o, "state", &x));
	assert_string_equal(json_object_get_string(x), alert_state_name(ev->state));
	assert_int_equal((int)ev->seq, w->nev + 1);
	w->ev[w->nev++] = o;
}

static const char *ev_str(struct world *w, int i, const char *key)
{
	json_object *x;
	assert_true(i < w->nev);
	if (!json_object_object_get_ex(w->ev[i], key, &x))
		return "";
	return json_object_get_string(x);
}

static int64_t ev_int(struct world *w, int i, const char *key)
{
	json_object *x;
	assert_true(i < w->nev);
	assert_true(json_object_object_get_ex(w->ev[i], key, &x));
	return json_object_get_int64(x);
}

static struct world *world_new(const char *yaml, const char *vrps)
{
	struct world *w = xcalloc(1, sizeof(*w));
	bogon_db_init(&w->bogons);
	w->refs.bogons = &w->bogons;
	if (vrps) {
		w->vrps = vrp_table_new();
		char buf[256];
		snprintf(buf, sizeof(buf), "%s", vrps);
		for (char *save, *tok = strtok_r(buf, ";", &save); tok;
		     tok = strtok_r(NULL, ";", &save)) {
			struct vrp v;
			char pfx[64];
			unsigned ml, asn;
			assert_int_equal(sscanf(tok, "%63s %u %u", pfx, &ml, &asn), 3);
			assert_int_equal(prefix_parse(pfx, &v.p), 0);
			v.maxlen = (uint8_t)ml, v.asn = asn;
			assert_int_equal(vrp_table_add(w->vrps, &v), 0);
		}
		assert_int_equal(vrp_table_build(w->vrps), 0);
		w->refs.vrps = w->vrps;
	}
	w->aspa = aspa_table_new();
	uint32_t prov[] = {1299};
	assert_int_equal(aspa_table_add(w->aspa, 15169, prov, 1), 0);
	assert_int_equal(aspa_table_build(w->aspa), 0);
	w->refs.aspa = w->aspa;
	struct watch *wt = watch_load_mem(yaml, strlen(yaml), "test.yml");
	assert_non_null(wt);
	w->ae = alert_engine_new(&w->refs, wt, on_event, w);
	return w;
}

static void world_free(struct world *w)
{
	alert_engine_free(w->ae);
	for (int i = 0; i < w->nev; i++)
		json_object_put(w->ev[i]);
	if (w->vrps)
		vrp_table_release(w->vrps);
	aspa_table_free(w->aspa);
	bogon_db_free(&w->bogons);
	free(w);
}

static struct bmp_peer peer_n(int n)
{
	struct bmp_peer p;
	memset(&p, 0, sizeof(p));
	p.afi = AFI_IPV4;
	p.addr[0] = 10, p.addr[3] = (uint8_t)n;
	p.asn = 65000 + (uint32_t)n;
	return p;
}

/* Announce (path != NULL) or withdraw pfx from peer n of router r in view v at time t. */
static void feed(struct world *w, const char *router, enum bmp_view view, int n, const char *pfx,
    const char *path, int64_t t)
{
	struct bmp_peer p = peer_n(n);
	struct prefix px;
	assert_int_equal(prefix_parse(pfx, &px), 0);
	struct alert_route r = {
	    .router = router, .view = view, .peer = &p, .prefix = &px, .time = t};
	if (path == NULL) {
		r.withdraw = 1;
		alert_route(w->ae, &r, NULL);
		return;
	}
	struct aspath_buf b;
	aspath_buf_init(&b);
	assert_int_equal(aspath_parse(path, &b), 0);
	r.path = b.w, r.npath = b.n;
	struct flat_path f;
	struct route_verdict v, pv;
	flat_path_build(&f, b.w, b.n);
	route_check_prefix(&w->refs, &px, &f, b.w, b.n, &v);
	route_check_path(&w->refs, &f, b.w, b.n, 0, 0, &pv);
	route_verdict_add_path(&v, &pv);
	if (alert_relevant(w->ae, &px, b.w, b.n))
		alert_route(w->ae, &r, &v);
	else {
		r.withdraw = 1;
		alert_route(w->ae, &r, NULL);
	}
	aspath_buf_free(&b);
}

static void test_hijack_life(void **state)
{
	(void)state;
	struct world *w = world_new(bgpalerter, NULL);
	feed(w, "r1", BMP_VIEW_PRE, 1, "192.0.2.0/24", "1299 3333", 100); /* expected */
	assert_int_equal(w->nev, 0);
	feed(w, "r1", BMP_VIEW_PRE, 2, "192.0.2.0/24", "2914 666", 101);
	assert_int_equal(w->nev, 1);
	assert_string_equal(ev_str(w, 0, "id"), "origin-hijack/192.0.2.0/24/AS666");
	assert_string_equal(ev_str(w, 0, "state"), "opened");
	assert_string_equal(ev_str(w, 0, "severity"), "critical");
	assert_int_equal(ev_int(w, 0, "peers"), 1);
	assert_int_equal(ev_int(w, 0, "accepted"), 0);
	assert_string_equal(ev_str(w, 0, "expected"), "AS3333");
	assert_non_null(strstr(ev_str(w, 0, "text"), "origin hijack"));
	assert_non_null(strstr(ev_str(w, 0, "text"), "our main block"));
	/* the router accepted it: its post-policy view shows it too; peers doubled: updated */
	feed(w, "r1", BMP_VIEW_POST, 2, "192.0.2.0/24", "2914 666", 102);
	assert_int_equal(w->nev, 2);
	assert_string_equal(ev_str(w, 1, "state"), "updated");
	assert_int_equal(ev_int(w, 1, "peers"), 2);
	assert_int_equal(ev_int(w, 1, "accepted"), 1);
	/* a third view within the update interval: no event until a tick after it */
	feed(w, "r2", BMP_VIEW_PRE, 3, "192.0.2.0/24", "174 666", 103);
	assert_int_equal(w->nev, 2);
	alert_tick(w->ae, 120);
	assert_int_equal(w->nev, 2);
	alert_tick(w->ae, 133);
	assert_int_equal(w->nev, 3);
	assert_string_equal(ev_str(w, 2, "state"), "updated");
	assert_int_equal(ev_int(w, 2, "peers"), 3);
	/* withdrawn everywhere: resolved once the hold-down (60 s) has passed */
	feed(w, "r1", BMP_VIEW_PRE, 2, "192.0.2.0/24", NULL, 200);
	feed(w, "r1", BMP_VIEW_POST, 2, "192.0.2.0/24", NULL, 200);
	feed(w, "r2", BMP_VIEW_PRE, 3, "192.0.2.0/24", NULL, 201);
	alert_tick(w->ae, 260);
	assert_int_equal(w->nev, 3);
	alert_tick(w->ae, 261);
	assert_int_equal(w->nev, 4);
	assert_string_equal(ev_str(w, 3, "state"), "resolved");
	assert_string_equal(ev_str(w, 3, "severity"), "notice");
	assert_non_null(strstr(ev_str(w, 3, "resolution"), "withdrawn"));
	struct alert_stats st;
	alert_engine_stats(w->ae, &st);
	assert_int_equal(st.opened, 1);
	assert_int_equal(st.updated, 2);
	assert_int_equal(st.resolved, 1);
	assert_int_equal(st.open_now, 0);
	assert_int_equal(st.tracked_routes, 1); /* the expected route, for visibility */
	world_free(w);
}

static void test_hold_down_flap(void **state)
{
	(void)state;
	struct world *w = world_new(bgpalerter, NULL);
	feed(w, "r1", BMP_VIEW_PRE, 2, "192.0.2.0/24", "2914 666", 100);
	feed(w, "r1", BMP_VIEW_PRE, 2, "192.0.2.0/24", NULL, 110);
	alert_tick(w->ae, 150);
	/* back within the hold-down: the same alert goes on, nothing new is said */
	feed(w, "r1", BMP_VIEW_PRE, 2, "192.0.2.0/24", "2914 666", 160);
	alert_tick(w->ae, 300);
	assert_int_equal(w->nev, 1);
	/* corrected: the peer now sends the expected origin */
	feed(w, "r1", BMP_VIEW_PRE, 2, "192.0.2.0/24", "2914 3333", 400);
	alert_tick(w->ae, 460);
	assert_int_equal(w->nev, 2);
	assert_string_equal(ev_str(w, 1, "state"), "resolved");
	assert_non_null(strstr(ev_str(w, 1, "resolution"), "corrected"));
	/* after resolution the same condition is a new alert */
	feed(w, "r1", BMP_VIEW_PRE, 2, "192.0.2.0/24", "2914 666", 500);
	assert_int_equal(w->nev, 3);
	assert_string_equal(ev_str(w, 2, "state"), "opened");
	world_free(w);
}

static void test_more_specific(void **state)
{
	(void)state;
	struct world *w = world_new(bgpalerter, NULL);
	feed(w, "r1", BMP_VIEW_PRE, 1, "192.0.2.128/25", "1299 3333", 100); /* expected */
	feed(w, "r1", BMP_VIEW_PRE, 1, "198.51.100.0/25", "1299 666", 100); /* ignored */
	feed(w, "r1", BMP_VIEW_PRE, 1, "203.0.113.0/25", "1299 666", 100);  /* ignore: true */
	assert_int_equal(w->nev, 0);
	feed(w, "r1", BMP_VIEW_PRE, 1, "192.0.2.0/26", "1299 666", 101);
	assert_int_equal(w->nev, 1);
	assert_string_equal(ev_str(w, 0, "id"), "more-specific/192.0.2.0/26/AS666");
	assert_non_null(
	    strstr(ev_str(w, 0, "text"), "a more specific of the watched 192.0.2.0/24"));
	/* ignoreASns */
	feed(w, "r1", BMP_VIEW_PRE, 1, "192.0.2.64/26", "1299 7018", 102);
	assert_int_equal(w->nev, 1);
	world_free(w);
}

static void test_rpki_invalid_made_valid(void **state)
{
	(void)state;
	const char *yaml = "198.51.100.0/24:\n  asn: [3333, 3334]\noptions:\n  holdDown: 0\n";
	struct world *w = world_new(yaml, "198.51.100.0/24 24 3333");
	feed(w, "r1", BMP_VIEW_PRE, 1, "198.51.100.0/24", "1299 3334", 100);
	assert_int_equal(w->nev, 1);
	assert_string_equal(ev_str(w, 0, "id"), "rpki-invalid/198.51.100.0/24/AS3334");
	assert_string_equal(ev_str(w, 0, "severity"), "error");
	/* the finding's evidence: the covering VRP */
	json_object *e, *x;
	assert_true(json_object_object_get_ex(w->ev[0], "evidence", &e));
	assert_true(json_object_object_get_ex(e, "rpki", &x));
	assert_true(json_object_object_get_ex(x, "covering_vrps", &e));
	assert_int_equal(json_object_array_length(e), 1);
	assert_non_null(strstr(ev_str(w, 0, "detail"), "RPKI invalid"));
	/* the text says it once, with the reason */
	const char *t = strstr(ev_str(w, 0, "text"), "is RPKI invalid (invalid-asn). Networks");
	assert_non_null(t);
	assert_null(strstr(t + 1, "is RPKI invalid"));
	/* a new VRP for AS3334 arrives (an RTR serial change): the route is judged again */
	vrp_table_release(w->vrps);
	w->vrps = vrp_table_new();
	struct vrp v = {.maxlen = 24, .asn = 3334};
	assert_int_equal(prefix_parse("198.51.100.0/24", &v.p), 0);
	assert_int_equal(vrp_table_add(w->vrps, &v), 0);
	assert_int_equal(vrp_table_build(w->vrps), 0);
	w->refs.vrps = w->vrps;
	feed(w, "r1", BMP_VIEW_PRE, 1, "198.51.100.0/24", "1299 3334", 200);
	assert_int_equal(w->nev, 2);
	assert_string_equal(ev_str(w, 1, "state"), "resolved");
	assert_non_null(strstr(ev_str(w, 1, "resolution"), "RPKI valid now"));
	world_free(w);
}

static void test_visibility(void **state)
{
	(void)state;
	const char *yaml = "203.0.113.0/24:\n  asn: 3333\noptions:\n  holdDown: 10\n"
	                   "  visibility: {percent: 50, minPeers: 3}\n";
	struct world *w = world_new(yaml, NULL);
	for (int n = 1; n <= 4; n++)
		feed(w, "r1", BMP_VIEW_PRE, n, "203.0.113.0/24", "1299 3333", 100);
	/* post-policy views do not count for visibility */
	feed(w, "r1", BMP_VIEW_POST, 1, "203.0.113.0/24", "1299 3333", 100);
	feed(w, "r1", BMP_VIEW_PRE, 1, "203.0.113.0/24", NULL, 110);
	assert_int_equal(w->nev, 0); /* 1 of 4: 25 % */
	feed(w, "r1", BMP_VIEW_PRE, 2, "203.0.113.0/24", NULL, 111);
	assert_int_equal(w->nev, 1);
	assert_string_equal(ev_str(w, 0, "id"), "visibility-loss/203.0.113.0/24");
	assert_int_equal(ev_int(w, 0, "peers_seen"), 4);
	assert_int_equal(ev_int(w, 0, "peers_lost"), 2);
	feed(w, "r1", BMP_VIEW_PRE, 1, "203.0.113.0/24", "1299 3333", 120);
	alert_tick(w->ae, 131);
	assert_int_equal(w->nev, 2);
	assert_string_equal(ev_str(w, 1, "state"), "resolved");
	assert_non_null(strstr(ev_str(w, 1, "text"), "visible again: 3 of the 4 peers"));
	/* a peer whose session went down no longer counts: 1 lost of 3 is 33 % */
	struct bmp_peer p4 = peer_n(4);
	alert_peer_down(w->ae, "r1", &p4, 140);
	feed(w, "r1", BMP_VIEW_PRE, 3, "203.0.113.0/24", NULL, 141);
	assert_int_equal(w->nev, 3); /* 2 of 3 lost: 67 % */
	feed(w, "r1", BMP_VIEW_PRE, 3, "203.0.113.0/24", "1299 3333", 142);
	alert_tick(w->ae, 200);
	assert_int_equal(w->nev, 4);
	world_free(w);
}

static void test_peer_down_resolves(void **state)
{
	(void)state;
	const char *yaml = "192.0.2.0/24:\n  asn: 3333\noptions:\n  holdDown: 5\n";
	struct world *w = world_new(yaml, NULL);
	feed(w, "r1", BMP_VIEW_PRE, 2, "192.0.2.0/24", "2914 666", 100);
	feed(w, "r2", BMP_VIEW_PRE, 2, "192.0.2.0/24", "2914 666", 100);
	assert_int_equal(w->nev, 2); /* opened, updated (two peers) */
	alert_router_down(w->ae, "r1", 110);
	alert_tick(w->ae, 200);
	assert_int_equal(w->nev, 2); /* r2 still shows it */
	struct bmp_peer p2 = peer_n(2);
	alert_peer_down(w->ae, "r2", &p2, 210);
	alert_tick(w->ae, 215);
	assert_int_equal(w->nev, 3);
	assert_non_null(strstr(ev_str(w, 2, "resolution"), "went down"));
	world_free(w);
}

static void test_new_upstream_and_bogon(void **state)
{
	(void)state;
	struct world *w = world_new(bgpalerter, NULL);
	/* AS15169's ASPA is not read: the watch file lists its upstreams 1299, 174 */
	feed(w, "r1", BMP_VIEW_PRE, 1, "100.64.0.0/10", "1299 15169",
	    100); /* bogon prefix: not ours */
	feed(w, "r1", BMP_VIEW_PRE, 1, "8.8.8.0/24", "174 15169", 100);
	assert_int_equal(w->nev, 0);
	feed(w, "r1", BMP_VIEW_PRE, 1, "8.8.4.0/24", "2914 15169", 101);
	assert_int_equal(w->nev, 1);
	assert_string_equal(ev_str(w, 0, "id"), "new-upstream/AS15169/AS2914");
	assert_int_equal(ev_int(w, 0, "asn"), 15169);
	assert_int_equal(ev_int(w, 0, "upstream"), 2914);
	assert_non_null(strstr(ev_str(w, 0, "expected"), "AS1299, AS174 (watch file)"));
	/* a bogon ASN (AS_TRANS) in the path of a watched prefix */
	feed(w, "r1", BMP_VIEW_PRE, 1, "192.0.2.0/24", "1299 23456 3333", 102);
	assert_int_equal(w->nev, 2);
	assert_string_equal(ev_str(w, 1, "id"), "bogon-asn/192.0.2.0/24/AS23456");
	world_free(w);
	/* options.disable turns a kind off */
	const char *y = "192.0.2.0/24:\n  asn: 3333\noptions:\n  disable: [bogon-asn]\n";
	w = world_new(y, NULL);
	feed(w, "r1", BMP_VIEW_PRE, 1, "192.0.2.0/24", "1299 23456 3333", 102);
	assert_int_equal(w->nev, 0);
	world_free(w);
}

static void test_new_upstream_aspa(void **state)
{
	(void)state;
	/* no upstreams in the watch file: AS15169's ASPA (provider 1299) decides */
	const char *yaml = "options:\n  monitorASns:\n    15169:\n";
	struct world *w = world_new(yaml, NULL);
	feed(w, "r1", BMP_VIEW_PRE, 1, "8.8.8.0/24", "6453 1299 15169", 100);
	assert_int_equal(w->nev, 0);
	feed(w, "r1", BMP_VIEW_PRE, 1, "8.8.8.0/24", "6453 6939 15169", 101);
	assert_int_equal(w->nev, 1);
	assert_non_null(strstr(ev_str(w, 0, "expected"), "AS1299 (ASPA)"));
	world_free(w);
}

static void test_reload(void **state)
{
	(void)state;
	const char *yaml = "192.0.2.0/24:\n  asn: 3333\noptions:\n  holdDown: 5\n";
	struct world *w = world_new(yaml, NULL);
	feed(w, "r1", BMP_VIEW_PRE, 2, "192.0.2.0/24", "2914 666", 100);
	assert_int_equal(w->nev, 1);
	/* the new file expects AS666 too: the alert resolves after the hold-down */
	const char *y2 = "192.0.2.0/24:\n  asn: [3333, 666]\noptions:\n  holdDown: 5\n";
	struct watch *nw = watch_load_mem(y2, strlen(y2), "new.yml");
	assert_non_null(nw);
	alert_engine_reload(w->ae, nw, 110);
	feed(w, "r1", BMP_VIEW_PRE, 2, "192.0.2.0/24", "2914 666", 110); /* the re-feed */
	alert_tick(w->ae, 120);
	assert_int_equal(w->nev, 2);
	assert_string_equal(ev_str(w, 1, "state"), "resolved");
	world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_watch_bgpalerter),
	    cmocka_unit_test(test_watch_errors),
	    cmocka_unit_test(test_hijack_life),
	    cmocka_unit_test(test_hold_down_flap),
	    cmocka_unit_test(test_more_specific),
	    cmocka_unit_test(test_rpki_invalid_made_valid),
	    cmocka_unit_test(test_visibility),
	    cmocka_unit_test(test_peer_down_resolves),
	    cmocka_unit_test(test_new_upstream_and_bogon),
	    cmocka_unit_test(test_new_upstream_aspa),
	    cmocka_unit_test(test_reload),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
