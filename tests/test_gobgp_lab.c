/*
 * The GoBGP pair, live (issue 13): in a private network namespace, a feeder gobgpd (AS65003,
 * 10.99.0.3) feeds a monitored gobgpd (AS65004, 10.99.0.4) over eBGP; the monitored one
 * exports BMP with route-monitoring-policy "all" (pre-policy, post-policy and Loc-RIB) to two
 * `routemark monitor --listen` stations. The feeder gets the first records of a real
 * RouteViews RIB (`gobgp mrt inject`) and a few hand-made routes: 20 that the monitored
 * router's import policy drops (so pre-policy != post-policy), a /24 whose path is replaced,
 * a path ending in an AS_SET and a /25 hijack announced and withdrawn.
 *
 * The independent decoder is GoBGP itself: its Adj-RIB-In (`neighbor X adj-in -j`: the
 * pre-policy view) and its global table (`global rib -j`: every path that passed the import
 * policy, i.e. the post-policy Adj-RIB-In of each peer, the best ones being the Loc-RIB).
 * The first station's --rib-out, written at SIGTERM, must equal them route for route
 * (prefix, AS path, origin AS, peer). The second station stays up while the feeder stops: its
 * final state must be empty (PeerDown flushes pre-policy; GoBGP withdraws post-policy and
 * Loc-RIB explicitly). With tshark installed, the first station's port is captured too and
 * tshark's decoding of the stream, replayed, must end in the same state. Every process runs
 * in its own process group and is stopped by its PID in the teardown, which also deletes the
 * namespace, also when a check fails (LIVELAB_KEEP=1 keeps the folder and its logs).
 * Needs gobgpd (scripts/deps.sh) and root (network namespaces); else the test fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "testutil.h"
#include "proclab.h"
#include "core/core.h"

#define WAIT_S 40.0 /* any one condition; the machine is shared and loaded */
#define MRT_FILE "mrt/libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2"
#define MRT_RECORDS 2000 /* RIB records injected: ~1,770 IPv4 prefixes */
#define FEEDER "10.99.0.3"
#define MONITORED "10.99.0.4"
#define API_FEEDER 50053
#define API_MONITORED 50054
#define BMP_A 11019 /* the compared station */
#define BMP_B 11020 /* the station that sees the PeerDown */
#define NDROP 20    /* 198.19.k.0/24, dropped by the monitored router's import policy */

static struct lab {
	char dir[64];
	char ns[32];
	int ns_made;
	pid_t mon_a, mon_b, monitored, feeder, tshark;
} lab;

static char *path_of(const char *name)
{
	static char buf[8][512];
	static int next;
	char *b = buf[next++ & 7];
	snprintf(b, sizeof(buf[0]), "%s/%s", lab.dir, name);
	return b;
}

static void write_file(const char *name, const char *text)
{
	FILE *f = fopen(path_of(name), "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* The output of a shell command run in the namespace (NULL when it fails); the caller frees. */
static char *ns_run(const char *fmt, ...)
{
	char cmd[2048], full[2200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "ip netns exec %s %s 2>/dev/null", lab.ns, cmd);
	FILE *p = popen(full, "r");
	assert_non_null(p);
	char *out = proc_slurp_stream(p);
	if (pclose(p) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* Start argv inside the namespace in its own process group, output to log. `ip netns exec`
 * execs the command: the PID is the daemon's. */
static pid_t spawn_ns(const char *log, char *const argv[])
{
	char *full[32] = {"ip", "netns", "exec", lab.ns};
	int n = 4;
	for (int i = 0; argv[i] && n < 31; i++)
		full[n++] = argv[i];
	full[n] = NULL;
	return proc_spawn(path_of(log), full);
}

static void wait_file(const char *name, const char *needle)
{
	double t0 = clock_mono();
	while (!proc_file_has(path_of(name), needle)) {
		if (clock_mono() - t0 > WAIT_S)
			fail_msg("'%s' not in %s within %.0f s", needle, name, WAIT_S);
		proc_sleep_ms(50);
	}
}

/* ---------------------------------------------------------------- configuration */

/* ../shared/tools/bmp-lab/gobgp/monitored.toml: the import policy in
 * [global.apply-policy.config] (a per-neighbor one is ignored), passive, two stations */
static void write_monitored_conf(void)
{
	char conf[4096];
	int n = snprintf(conf, sizeof(conf),
	    "[global.config]\n  as = 65004\n  router-id = \"" MONITORED "\"\n  port = 179\n"
	    "  local-address-list = [\"" MONITORED "\"]\n"
	    "[global.apply-policy.config]\n  import-policy-list = [\"drop-198-19\"]\n"
	    "  default-import-policy = \"accept-route\"\n");
	for (int port = BMP_A; port <= BMP_B; port++)
		n += snprintf(conf + n, sizeof(conf) - (size_t)n,
		    "[[bmp-servers]]\n  [bmp-servers.config]\n    address = \"127.0.0.1\"\n"
		    "    port = %d\n    route-monitoring-policy = \"all\"\n"
		    "    statistics-timeout = 15\n    sys-name = \"gobgp-r2\"\n",
		    port);
	snprintf(conf + n, sizeof(conf) - (size_t)n,
	    "[[neighbors]]\n  [neighbors.config]\n    neighbor-address = \"" FEEDER "\"\n"
	    "    peer-as = 65003\n  [neighbors.timers.config]\n    connect-retry = 1\n"
	    "  [neighbors.transport.config]\n    passive-mode = true\n"
	    "    local-address = \"" MONITORED "\"\n"
	    "  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n"
	    "      afi-safi-name = \"ipv4-unicast\"\n"
	    "[[defined-sets.prefix-sets]]\n  prefix-set-name = \"p198-19\"\n"
	    "  [[defined-sets.prefix-sets.prefix-list]]\n    ip-prefix = \"198.19.0.0/16\"\n"
	    "    masklength-range = \"16..32\"\n"
	    "[[policy-definitions]]\n  name = \"drop-198-19\"\n"
	    "  [[policy-definitions.statements]]\n"
	    "    [policy-definitions.statements.conditions.match-prefix-set]\n"
	    "      prefix-set = \"p198-19\"\n"
	    "    [policy-definitions.statements.actions]\n"
	    "      route-disposition = \"reject-route\"\n");
	write_file("monitored.toml", conf);
}

static void write_feeder_conf(void)
{
	write_file("feeder.toml",
	    "[global.config]\n  as = 65003\n  router-id = \"" FEEDER "\"\n  port = 179\n"
	    "  local-address-list = [\"" FEEDER "\"]\n"
	    "[[neighbors]]\n  [neighbors.config]\n    neighbor-address = \"" MONITORED "\"\n"
	    "    peer-as = 65004\n  [neighbors.timers.config]\n    connect-retry = 1\n"
	    "  [neighbors.transport.config]\n    local-address = \"" FEEDER "\"\n"
	    "  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n"
	    "      afi-safi-name = \"ipv4-unicast\"\n");
}

/* ---------------------------------------------------------------- the two sides' routes */

/* A route as "view peer prefix path origin", comparable as a string. */
struct routes {
	char **v;
	size_t n, cap;
};

static void routes_add(struct routes *r, const char *view, const char *peer, const char *prefix,
    const char *path, const char *origin)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 1024;
		r->v = realloc(r->v, r->cap * sizeof(*r->v));
		assert_non_null(r->v);
	}
	size_t len = strlen(view) + strlen(peer) + strlen(prefix) + strlen(path) + 32;
	char *s = malloc(len);
	assert_non_null(s);
	snprintf(s, len, "%s %s %s [%s] %s", view, peer, prefix, path, origin);
	r->v[r->n++] = s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void routes_free(struct routes *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i]);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static size_t routes_count(const struct routes *r, const char *view)
{
	size_t n = 0, len = strlen(view);
	for (size_t i = 0; i < r->n; i++)
		n += strncmp(r->v[i], view, len) == 0 && r->v[i][len] == ' ';
	return n;
}

/* Equal as sorted lists; else name the first few differences. */
static void routes_expect_equal(
    const char *wname, struct routes *want, const char *gname, struct routes *got)
{
	qsort(want->v, want->n, sizeof(*want->v), cmp_str);
	qsort(got->v, got->n, sizeof(*got->v), cmp_str);
	size_t i = 0, j = 0;
	int shown = 0, diff = 0;
	while (i < want->n || j < got->n) {
		int c = i == want->n ? 1 : j == got->n ? -1 : strcmp(want->v[i], got->v[j]);
		if (c == 0) {
			i++, j++;
			continue;
		}
		diff++;
		if (shown++ < 10)
			print_error(
			    "only %s: %s\n", c < 0 ? wname : gname, c < 0 ? want->v[i] : got->v[j]);
		c < 0 ? i++ : j++;
	}
	if (diff)
		fail_msg("%d routes differ (%s %zu, %s %zu)", diff, wname, want->n, gname, got->n);
}

/* A GoBGP path's AS_PATH (attribute type 2) as "a b c" and its origin AS (the last of a final
 * AS_SEQUENCE; "null" for an empty path or one ending in an AS_SET), as routemark says them. */
static void gobgp_path(json_object *p, char *path, size_t size, char *origin, size_t osize)
{
	json_object *attrs, *segs = NULL;
	path[0] = '\0';
	snprintf(origin, osize, "null");
	assert_true(json_object_object_get_ex(p, "attrs", &attrs));
	for (size_t i = 0; i < json_object_array_length(attrs); i++) {
		json_object *a = json_object_array_get_idx(attrs, i), *t;
		if (json_object_object_get_ex(a, "type", &t) && json_object_get_int(t) == 2)
			json_object_object_get_ex(a, "as_paths", &segs);
	}
	size_t n = 0;
	int last_type = 0;
	int64_t last_as = -1;
	for (size_t i = 0; segs && i < json_object_array_length(segs); i++) {
		json_object *seg = json_object_array_get_idx(segs, i), *t, *asns;
		assert_true(json_object_object_get_ex(seg, "segment_type", &t));
		last_type = json_object_get_int(t);
		if (!json_object_object_get_ex(seg, "asns", &asns))
			continue;
		for (size_t k = 0; k < json_object_array_length(asns); k++) {
			last_as = json_object_get_int64(json_object_array_get_idx(asns, k));
			n += (size_t)snprintf(
			    path + n, size - n, "%s%lld", n ? " " : "", (long long)last_as);
			assert_true(n < size);
		}
	}
	if (last_type == 2 && last_as >= 0) /* AS_SEQUENCE */
		snprintf(origin, osize, "%lld", (long long)last_as);
}

static const char *jstr(json_object *o, const char *k)
{
	json_object *x;
	return o && json_object_object_get_ex(o, k, &x) ? json_object_get_string(x) : "";
}

static int jbool(json_object *o, const char *k)
{
	json_object *x;
	return o && json_object_object_get_ex(o, k, &x) && json_object_get_boolean(x);
}

/* GoBGP's own RIBs: pre-policy from the feeder's Adj-RIB-In; post-policy from the global
 * table's paths of the feeder (what passed the import policy); Loc-RIB its best paths. */
static void gobgp_routes(struct routes *r)
{
	char path[8192], origin[24];
	char *adj = ns_run("gobgp -p %d -j neighbor " FEEDER " adj-in -a ipv4", API_MONITORED);
	char *glob = ns_run("gobgp -p %d -j global rib -a ipv4", API_MONITORED);
	assert_non_null(adj);
	assert_non_null(glob);
	json_object *ja = json_tokener_parse(adj), *jg = json_tokener_parse(glob);
	assert_non_null(ja);
	assert_non_null(jg);
	json_object_object_foreach(ja, prefix, paths)
	{
		for (size_t i = 0; i < json_object_array_length(paths); i++) {
			json_object *p = json_object_array_get_idx(paths, i);
			gobgp_path(p, path, sizeof(path), origin, sizeof(origin));
			routes_add(r, "pre-policy", FEEDER, prefix, path, origin);
		}
	}
	json_object_object_foreach(jg, gprefix, gpaths)
	{
		for (size_t i = 0; i < json_object_array_length(gpaths); i++) {
			json_object *p = json_object_array_get_idx(gpaths, i);
			gobgp_path(p, path, sizeof(path), origin, sizeof(origin));
			routes_add(r, "post-policy", jstr(p, "neighbor-ip"), gprefix, path, origin);
			if (jbool(p, "best")) /* the Loc-RIB's per-peer header: peer 0.0.0.0 */
				routes_add(r, "loc-rib", "0.0.0.0", gprefix, path, origin);
		}
	}
	json_object_put(ja);
	json_object_put(jg);
	free(adj);
	free(glob);
}

/* routemark's --rib-out lines. */
static void routemark_routes(const char *file, struct routes *r)
{
	char *s = proc_slurp(file), *save = NULL;
	for (char *line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_object *o = json_tokener_parse(line), *x;
		assert_non_null(o);
		char path[8192] = "", origin[24] = "null";
		size_t n = 0;
		assert_true(json_object_object_get_ex(o, "path", &x));
		for (size_t k = 0; k < json_object_array_length(x); k++)
			n += (size_t)snprintf(path + n, sizeof(path) - n, "%s%lld", n ? " " : "",
			    (long long)json_object_get_int64(json_object_array_get_idx(x, k)));
		if (json_object_object_get_ex(o, "origin", &x) && x != NULL)
			snprintf(
			    origin, sizeof(origin), "%lld", (long long)json_object_get_int64(x));
		assert_string_equal(jstr(o, "router"), "127.0.0.1");
		routes_add(r, jstr(o, "view"), jstr(o, "peer"), jstr(o, "prefix"), path, origin);
		json_object_put(o);
	}
	free(s);
}

/* ---------------------------------------------------------------- tshark, a second decoder */

/* a JSON value that tshark gives as one item or, repeated, as an array */
static size_t jlen(json_object *o)
{
	return o == NULL                                 ? 0
	       : json_object_is_type(o, json_type_array) ? json_object_array_length(o)
	                                                 : 1;
}

static json_object *jidx(json_object *o, size_t i)
{
	return json_object_is_type(o, json_type_array) ? json_object_array_get_idx(o, i) : o;
}

static json_object *jget(json_object *o, const char *k)
{
	json_object *x;
	return o && json_object_object_get_ex(o, k, &x) ? x : NULL;
}

/* The state the stream builds, as "view peer prefix" -> "path origin" (few thousand: a plain
 * array searched from the end). */
struct kv {
	char **k, **v;
	size_t n, cap;
};

static ssize_t kv_find(struct kv *s, const char *k)
{
	for (size_t i = s->n; i-- > 0;)
		if (strcmp(s->k[i], k) == 0)
			return (ssize_t)i;
	return -1;
}

static void kv_del_at(struct kv *s, size_t i)
{
	free(s->k[i]);
	free(s->v[i]);
	s->k[i] = s->k[s->n - 1];
	s->v[i] = s->v[s->n - 1];
	s->n--;
}

static void kv_set(struct kv *s, const char *k, const char *v)
{
	ssize_t i = kv_find(s, k);
	if (i >= 0) {
		free(s->v[i]);
		s->v[i] = xstrdup(v);
		return;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->k = realloc(s->k, s->cap * sizeof(*s->k));
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		assert_true(s->k && s->v);
	}
	s->k[s->n] = xstrdup(k);
	s->v[s->n++] = xstrdup(v);
}

/* "[a b c] origin" from a BGP UPDATE's path attributes as tshark decodes them */
static void tshark_path(json_object *bgp, char *out, size_t size)
{
	json_object *attrs =
	    jget(jget(bgp, "bgp.update.path_attributes"), "bgp.update.path_attribute");
	char path[8192] = "";
	size_t n = 0;
	const char *last = NULL, *last_type = NULL;
	for (size_t i = 0; i < jlen(attrs); i++) {
		json_object *segs =
		    jget(jidx(attrs, i), "bgp.update.path_attribute.as_path_segment");
		for (size_t j = 0; j < jlen(segs); j++) {
			json_object *seg = jidx(segs, j);
			json_object *as =
			    jget(seg, "bgp.update.path_attribute.as_path_segment.as4");
			if (as == NULL)
				as = jget(seg, "bgp.update.path_attribute.as_path_segment.as2");
			last_type = json_object_get_string(
			    jget(seg, "bgp.update.path_attribute.as_path_segment.type"));
			for (size_t k = 0; k < jlen(as); k++) {
				last = json_object_get_string(jidx(as, k));
				n += (size_t)snprintf(
				    path + n, sizeof(path) - n, "%s%s", n ? " " : "", last);
				assert_true(n < sizeof(path));
			}
		}
	}
	snprintf(out, size, "[%s] %s", path,
	    last && last_type && strcmp(last_type, "2") == 0 ? last : "null");
}

/* Replay the BMP stream tshark decodes from the capture: Route Monitoring withdrawals and
 * announcements per view (peer type 3: loc-rib; L flag: post-policy; else pre-policy),
 * Peer Down flushing the peer's Adj-RIB-In views. */
static void tshark_routes(const char *pcap, struct routes *r)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
	    "tshark -n -r %s -d tcp.port==%d,bmp -Y bmp -T json --no-duplicate-keys -J bmp "
	    "2>/dev/null",
	    pcap, BMP_A);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char *out = proc_slurp_stream(p);
	assert_int_equal(pclose(p), 0);
	json_object *frames = json_tokener_parse(out);
	free(out);
	assert_non_null(frames);
	struct kv s = {0};
	char key[256], val[8300];
	for (size_t f = 0; f < json_object_array_length(frames); f++) {
		json_object *bmp = jget(
		    jget(jget(json_object_array_get_idx(frames, f), "_source"), "layers"), "bmp");
		for (size_t m = 0; m < jlen(bmp); m++) {
			json_object *msg = jidx(bmp, m), *ph = jget(msg, "bmp.peer.header");
			const char *type = json_object_get_string(jget(msg, "bmp.type"));
			const char *peer = json_object_get_string(jget(ph, "bmp.peer.ip.addr"));
			if (type == NULL || peer == NULL)
				continue;
			if (strcmp(type, "2") == 0) { /* Peer Down */
				for (size_t i = s.n; i-- > 0;) {
					char v[32], pp[64];
					if (sscanf(s.k[i], "%31s %63s", v, pp) == 2 &&
					    strcmp(pp, peer) == 0 && strcmp(v, "loc-rib") != 0)
						kv_del_at(&s, i);
				}
				continue;
			}
			if (strcmp(type, "0") != 0)
				continue;
			const char *ptype = json_object_get_string(jget(ph, "bmp.peer.type"));
			long flags =
			    strtol(json_object_get_string(jget(ph, "bmp.peer.flags")), NULL, 16);
			const char *view =
			    ptype && strcmp(ptype, "3") == 0 ? "loc-rib"
			    : flags & 0x10 ? (flags & 0x40 ? "adj-rib-out-post" : "adj-rib-out-pre")
			    : flags & 0x40 ? "post-policy"
			                   : "pre-policy";
			json_object *bgp = jget(msg, "bgp");
			json_object *wd = jget(bgp, "bgp.update.withdrawn_routes");
			if (wd && json_object_is_type(wd, json_type_object)) {
				json_object_object_foreach(wd, wprefix, wv)
				{
					(void)wv;
					snprintf(key, sizeof(key), "%s %s %s", view, peer, wprefix);
					ssize_t i = kv_find(&s, key);
					if (i >= 0)
						kv_del_at(&s, (size_t)i);
				}
			}
			json_object *nlri = jget(bgp, "bgp.update.nlri");
			if (nlri && json_object_is_type(nlri, json_type_object)) {
				tshark_path(bgp, val, sizeof(val));
				json_object_object_foreach(nlri, nprefix, nv)
				{
					(void)nv;
					snprintf(key, sizeof(key), "%s %s %s", view, peer, nprefix);
					kv_set(&s, key, val);
				}
			}
		}
	}
	json_object_put(frames);
	for (size_t i = 0; i < s.n; i++) {
		size_t len = strlen(s.k[i]) + strlen(s.v[i]) + 2;
		if (r->n == r->cap) {
			r->cap = r->cap ? 2 * r->cap : 1024;
			r->v = realloc(r->v, r->cap * sizeof(*r->v));
			assert_non_null(r->v);
		}
		r->v[r->n] = malloc(len);
		assert_non_null(r->v[r->n]);
		snprintf(r->v[r->n++], len, "%s %s", s.k[i], s.v[i]);
		free(s.k[i]);
		free(s.v[i]);
	}
	free(s.k);
	free(s.v);
}

/* ---------------------------------------------------------------- polling */

/* GoBGP's counts: Adj-RIB-In of the feeder, paths of the global table, best paths. */
struct counts {
	long pre, post, loc;
};

static int gobgp_counts(struct counts *c)
{
	char *adj = ns_run("gobgp -p %d neighbor " FEEDER " adj-in -a ipv4 summary", API_MONITORED);
	char *glob = ns_run("gobgp -p %d global rib -a ipv4 summary", API_MONITORED);
	int ok = 0;
	const char *d, *p;
	if (adj && glob && (d = strstr(adj, "Destination: ")) && (p = strstr(adj, "Path: "))) {
		c->pre = atol(p + 6);
		if ((d = strstr(glob, "Destination: ")) && (p = strstr(glob, "Path: "))) {
			c->loc = atol(d + 13); /* one best path a destination */
			c->post = atol(p + 6);
			ok = 1;
		}
	}
	free(adj);
	free(glob);
	return ok;
}

/* routemark's counts from its /metrics (routemark_routes{view="..."}). */
static int routemark_counts(int http_port, struct counts *c)
{
	char *m = ns_run("curl -s --max-time 5 http://127.0.0.1:%d/metrics", http_port);
	if (m == NULL)
		return 0;
	const char *views[] = {"pre-policy", "post-policy", "loc-rib"};
	long *dst[] = {&c->pre, &c->post, &c->loc};
	int ok = 1;
	for (int i = 0; i < 3; i++) {
		char key[64];
		snprintf(key, sizeof(key), "routemark_routes{view=\"%s\"} ", views[i]);
		const char *p = strstr(m, key);
		if (p == NULL)
			ok = 0;
		else
			*dst[i] = atol(p + strlen(key));
	}
	free(m);
	return ok;
}

/* The metrics port a station logged ("metrics on ... (port N)"). */
static int metrics_port(const char *log)
{
	wait_file(log, " at /metrics");
	char *s = proc_slurp(path_of(log));
	const char *p = strstr(s, "metrics on ");
	p = p ? strstr(p, "(port ") : NULL;
	int port = p ? atoi(p + 6) : 0;
	free(s);
	assert_true(port > 0);
	return port;
}

/* Poll until GoBGP holds a stable table (same counts for 2 s, what pred says of it true) and
 * both stations hold the same counts; the counts. */
static struct counts wait_agree(int http_a, int http_b, int (*pred)(const struct counts *))
{
	double t0 = clock_mono(), since = clock_mono();
	struct counts last = {-1, -1, -1}, g, a = {-1, -1, -1}, b = {-1, -1, -1};
	for (;;) {
		assert_true(proc_alive(lab.monitored));
		assert_true(lab.mon_a == 0 || proc_alive(lab.mon_a));
		assert_true(proc_alive(lab.mon_b));
		if (gobgp_counts(&g)) {
			if (memcmp(&g, &last, sizeof(g)) != 0) {
				last = g;
				since = clock_mono();
			}
			int same_a = http_a == 0 || (routemark_counts(http_a, &a) &&
			                                memcmp(&a, &g, sizeof(g)) == 0);
			int same_b = routemark_counts(http_b, &b) && memcmp(&b, &g, sizeof(g)) == 0;
			if (pred(&g) && clock_mono() - since >= 2.0 && same_a && same_b)
				return g;
		}
		if (clock_mono() - t0 > WAIT_S)
			fail_msg(
			    "no agreement within %.0f s: gobgp %ld/%ld/%ld, routemark %ld/%ld/%ld",
			    WAIT_S, last.pre, last.post, last.loc, a.pre, a.post, a.loc);
		proc_sleep_ms(200);
	}
}

static int table_in(const struct counts *c)
{
	return c->pre > 1000 && c->pre == c->post + NDROP && c->loc == c->post;
}

static int table_empty(const struct counts *c)
{
	return c->pre == 0 && c->post == 0 && c->loc == 0;
}

/* a route in GoBGP's Loc-RIB (1) or not (0), polled */
static void wait_route(const char *prefix, const char *aspath, int present)
{
	double t0 = clock_mono();
	for (;;) {
		char *s = ns_run("gobgp -p %d global rib -a ipv4 %s", API_MONITORED, prefix);
		int has = s && strstr(s, aspath) != NULL;
		free(s);
		if (has == present)
			return;
		if (clock_mono() - t0 > WAIT_S)
			fail_msg("%s (%s) %s the Loc-RIB after %.0f s", prefix, aspath,
			    present ? "not in" : "still in", WAIT_S);
		proc_sleep_ms(100);
	}
}

static void feed(const char *args)
{
	char *s = ns_run("gobgp -p %d global rib -a ipv4 %s", API_FEEDER, args);
	assert_non_null(s);
	free(s);
}

/* ---------------------------------------------------------------- setup and teardown */

static int setup(void **state)
{
	memset(&lab, 0, sizeof(lab));
	snprintf(lab.dir, sizeof(lab.dir), "/tmp/rm_gobgplab_XXXXXX");
	if (mkdtemp(lab.dir) == NULL)
		return -1;
	chmod(lab.dir, 0700);
	/* the namespace: rm-<the folder's random part> */
	snprintf(lab.ns, sizeof(lab.ns), "rm-%s", strrchr(lab.dir, '_') + 1);
	return 0;
}

static int teardown(void **state)
{
	/* the feeder first, then the monitored router, then the stations */
	proc_stop(&lab.feeder, 10);
	proc_stop(&lab.monitored, 10);
	proc_stop(&lab.mon_a, 10);
	proc_stop(&lab.mon_b, 10);
	proc_stop(&lab.tshark, 10);
	char cmd[600];
	int rc = 0;
	if (lab.ns_made) {
		snprintf(cmd, sizeof(cmd), "ip netns del %s", lab.ns);
		rc |= system(cmd) != 0;
	}
	if (getenv("LIVELAB_KEEP") == NULL && lab.dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", lab.dir);
		rc |= system(cmd) != 0;
	}
	return rc ? -1 : 0;
}

/* ---------------------------------------------------------------- the test */

static void test_gobgp_pair(void **state)
{
	double t_start = clock_mono();
	const char *mrt = test_data_path(MRT_FILE);
	if (mrt == NULL)
		fail_msg("shared data file %s is absent", MRT_FILE);
	if (access("/usr/bin/gobgpd", X_OK) != 0 || access("/usr/bin/gobgp", X_OK) != 0)
		fail_msg("gobgpd is absent: install gobgpd (scripts/deps.sh)");
	if (geteuid() != 0)
		fail_msg("network namespaces need root");

	/* the namespace: lo up, the routers' addresses on it */
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "ip netns add %s", lab.ns);
	assert_int_equal(system(cmd), 0);
	lab.ns_made = 1;
	snprintf(cmd, sizeof(cmd),
	    "ip -n %s link set lo up && ip -n %s addr add " FEEDER "/32 dev lo && "
	    "ip -n %s addr add " MONITORED "/32 dev lo",
	    lab.ns, lab.ns, lab.ns);
	assert_int_equal(system(cmd), 0);

	/* tshark on the first station's port, when installed: a second decoder */
	if (access("/usr/bin/tshark", X_OK) == 0) {
		char filter[32];
		snprintf(filter, sizeof(filter), "tcp port %d", BMP_A);
		/* a 64 MiB capture buffer holds the whole stream (under 1 MiB): with the default
		 * 2 MiB, a burst of large loopback segments while dumpcap waits for a CPU was
		 * dropped once in CI (48 Loc-RIB routes absent from tshark's replay) */
		char *ts_argv[] = {"tshark", "-n", "-i", "lo", "-B", "64", "-f", filter, "-w",
		    path_of("bmp.pcapng"), NULL};
		lab.tshark = spawn_ns("tshark.log", ts_argv);
		wait_file("tshark.log", "Capturing on");
	}

	/* the stations, then the routers */
	char listen_a[32], listen_b[32];
	snprintf(listen_a, sizeof(listen_a), "127.0.0.1:%d", BMP_A);
	snprintf(listen_b, sizeof(listen_b), "127.0.0.1:%d", BMP_B);
	char *mon_a[] = {(char *)test_bin(), "-v", "monitor", "--listen", listen_a, "--http",
	    "127.0.0.1:0", "--rib-out", path_of("rib-a.jsonl"), NULL};
	char *mon_b[] = {(char *)test_bin(), "-v", "monitor", "--listen", listen_b, "--http",
	    "127.0.0.1:0", "--rib-out", path_of("rib-b.jsonl"), NULL};
	lab.mon_a = spawn_ns("monitor-a.log", mon_a);
	lab.mon_b = spawn_ns("monitor-b.log", mon_b);
	int http_a = metrics_port("monitor-a.log"), http_b = metrics_port("monitor-b.log");
	wait_file("monitor-a.log", "listening on");
	wait_file("monitor-b.log", "listening on");

	write_monitored_conf();
	write_feeder_conf();
	char api_m[32], api_f[32];
	snprintf(api_m, sizeof(api_m), "127.0.0.1:%d", API_MONITORED);
	snprintf(api_f, sizeof(api_f), "127.0.0.1:%d", API_FEEDER);
	char *monitored[] = {"gobgpd", "-f", path_of("monitored.toml"), "--api-hosts", api_m,
	    "--pprof-disable", "-p", "-l", "info", NULL};
	char *feeder[] = {"gobgpd", "-f", path_of("feeder.toml"), "--api-hosts", api_f,
	    "--pprof-disable", "-p", "-l", "info", NULL};
	lab.monitored = spawn_ns("monitored.log", monitored);
	lab.feeder = spawn_ns("feeder.log", feeder);

	/* the session (~5 s) */
	double t0 = clock_mono();
	for (;;) {
		assert_true(proc_alive(lab.monitored));
		assert_true(proc_alive(lab.feeder));
		char *s = ns_run("gobgp -p %d neighbor " FEEDER, API_MONITORED);
		int up = s && strcasestr(s, "BGP state = established") != NULL;
		free(s);
		if (up)
			break;
		if (clock_mono() - t0 > WAIT_S)
			fail_msg("no BGP session within %.0f s", WAIT_S);
		proc_sleep_ms(100);
	}
	double t_session = clock_mono() - t_start;

	/* the real table, then the hand-made routes */
	snprintf(cmd, sizeof(cmd), "bzcat %s > %s", mrt, path_of("rib.mrt"));
	assert_int_equal(system(cmd), 0); /* a file: from a pipe, gobgp misreads records */
	snprintf(cmd, sizeof(cmd),
	    "ip netns exec %s gobgp -p %d mrt inject global %s %d --only-best --no-ipv6", lab.ns,
	    API_FEEDER, path_of("rib.mrt"), MRT_RECORDS);
	assert_int_equal(system(cmd), 0);
	for (int k = 0; k < NDROP; k++) {
		char args[128];
		snprintf(args, sizeof(args), "add 198.19.%d.0/24 origin igp aspath 64501", k);
		feed(args);
	}
	feed("add 192.0.2.0/24 origin igp aspath 64496");
	wait_route("192.0.2.0/24", "65003 64496", 1);
	feed("add 192.0.2.0/24 origin igp aspath '64511 64496'"); /* replaces the path */
	feed(
	    "add 203.0.113.0/24 origin incomplete aspath '64500 {64501,64502}'"); /* no origin AS */
	feed("add 192.0.2.0/25 origin igp aspath 64666");                         /* the hijack */
	wait_route("192.0.2.0/25", "65003 64666", 1);
	wait_route("192.0.2.0/24", "65003 64511 64496", 1);
	wait_route("203.0.113.0/24", "65003 64500", 1);
	feed("del 192.0.2.0/25");
	wait_route("192.0.2.0/25", "65003 64666", 0);

	/* GoBGP stable and both stations at its counts: compare route for route */
	struct counts c = wait_agree(http_a, http_b, table_in);
	double t_table = clock_mono() - t_start;
	struct routes want = {0}, got = {0};
	gobgp_routes(&want);
	assert_int_equal(routes_count(&want, "pre-policy"), c.pre);
	assert_int_equal(routes_count(&want, "post-policy"), c.post);
	assert_int_equal(routes_count(&want, "loc-rib"), c.loc);
	int st = proc_stop(&lab.mon_a, 20);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	routemark_routes(path_of("rib-a.jsonl"), &got);
	routes_expect_equal("gobgp", &want, "routemark", &got);
	/* the replaced path, the AS_SET and the withdrawn hijack, in every view */
	int seen = 0;
	for (size_t i = 0; i < got.n; i++) {
		assert_null(strstr(got.v[i], " 192.0.2.0/25 "));
		if (strstr(got.v[i], " 192.0.2.0/24 "))
			seen += strstr(got.v[i], " [65003 64511 64496] 64496") != NULL;
		if (strstr(got.v[i], " 203.0.113.0/24 "))
			seen += strstr(got.v[i], " [65003 64500 64501 64502] null") != NULL;
	}
	assert_int_equal(seen, 6);
	assert_int_equal(routes_count(&got, "pre-policy"), c.pre);
	routes_free(&want);

	/* tshark's decoding of the same stream, replayed, ends in the same state */
	const char *tshark_said = "tshark absent: not compared";
	if (lab.tshark) {
		kill(lab.tshark, SIGINT); /* tshark writes the capture out and exits */
		double t1 = clock_mono();
		while (waitpid(lab.tshark, NULL, WNOHANG) == 0 && clock_mono() - t1 < WAIT_S)
			proc_sleep_ms(50);
		proc_stop(&lab.tshark, 5);
		/* tshark says "N packets dropped from lo" when the kernel dropped any: then its
		 * replay misses routes through no fault of either decoder; say so plainly */
		if (proc_file_has(path_of("tshark.log"), "dropped"))
			fail_msg("tshark's capture is incomplete (%s): not comparable",
			    path_of("tshark.log"));
		char *lost = ns_run("tshark -n -r %s -Y tcp.analysis.lost_segment -T fields "
		                    "-e frame.number",
		    path_of("bmp.pcapng"));
		assert_non_null(lost);
		if (lost[0] != '\0')
			fail_msg("tshark's capture lacks TCP segments before frames %s", lost);
		free(lost);
		tshark_routes(path_of("bmp.pcapng"), &want);
		routes_expect_equal("tshark", &want, "routemark", &got);
		routes_free(&want);
		tshark_said = "tshark's decoding agrees";
	}
	routes_free(&got);
	assert_true(proc_file_has(path_of("monitor-a.log"), " 0 malformed;"));

	/* the feeder stops: PeerDown; the other station's state empties as GoBGP's does */
	proc_stop(&lab.feeder, 10);
	wait_agree(0, http_b, table_empty);
	st = proc_stop(&lab.mon_b, 20);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	char *rib_b = proc_slurp(path_of("rib-b.jsonl"));
	assert_string_equal(rib_b, "");
	free(rib_b);
	char flushed[128];
	snprintf(flushed, sizeof(flushed), "%ld routes flushed by Peer Down", c.pre);
	if (!proc_file_has(path_of("monitor-b.log"), flushed))
		fail_msg("monitor-b.log lacks '%s'", flushed);

	printf("gobgp pair: session after %.1f s, table agreed after %.1f s: pre-policy %ld, "
	       "post-policy %ld, Loc-RIB %ld routes equal route for route; PeerDown emptied "
	       "the other station; %s; %.1f s in all\n",
	    t_session, t_table, c.pre, c.post, c.loc, tshark_said, clock_mono() - t_start);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_gobgp_pair, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
