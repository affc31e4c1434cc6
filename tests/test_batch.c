/*
 * Batch analysis over the bus (analyze --bus, routemark worker): the route batch and job
 * formats, and a batch through workers on a nats-server started here, plain and with a worker
 * killed in the middle of a file, compared with a plain analyze finding by finding.
 */
#include <nats/nats.h>

#include "natslab.h"

#include "bus/bus.h"
#include "mrt/mrt.h"
#include "core/core.h"
#include "store/store.h"

struct batch_seen {
	int n;
	struct mrt_route rt[4];
	uint32_t words[4][8];
	uint32_t otc[4]; /* 0: none */
};

static void batch_route(void *arg, const struct mrt_route *rt)
{
	struct batch_seen *s = arg;
	assert_true(s->n < 4);
	s->rt[s->n] = *rt;
	if (rt->attrs) {
		assert_true(rt->attrs->aspath_nwords <= 8);
		memcpy(s->words[s->n], rt->attrs->aspath, 4 * rt->attrs->aspath_nwords);
		if (bgp_attrs_has(rt->attrs, BGP_ATTR_OTC))
			s->otc[s->n] = rt->attrs->otc;
	}
	s->n++;
}

/* Routes through a batch come out as they went in; a damaged batch gives none of them. */
static void test_batch_format(void **state)
{
	uint32_t path[] = {(uint32_t)AS_SEQUENCE << 16 | 3, 64500, 64501, 64502};
	struct bgp_attrs a;
	memset(&a, 0, sizeof(a));
	a.aspath = path, a.aspath_nwords = 4;
	a.present = 1ull << BGP_ATTR_AS_PATH | 1ull << BGP_ATTR_OTC;
	a.otc = 64501;
	struct mrt_route in[3];
	memset(in, 0, sizeof(in));
	in[0].kind = MRT_ROUTE_RIB, in[0].ts = 1401487200, in[0].safi = 1, in[0].attrs = &a;
	in[0].peer.afi = AFI_IPV4, in[0].peer.asn = 64500, in[0].peer.addr[0] = 192;
	assert_int_equal(prefix_parse("198.51.100.0/24", &in[0].prefix), 0);
	in[1] = in[0];
	in[1].kind = MRT_ROUTE_WITHDRAW, in[1].attrs = NULL, in[1].has_path_id = 1;
	in[1].path_id = 7, in[1].peer.afi = AFI_IPV6, in[1].peer.addr[15] = 1;
	assert_int_equal(prefix_parse("2001:db8::/33", &in[1].prefix), 0);
	in[2] = in[0];
	in[2].kind = MRT_ROUTE_STATE;
	struct mrt_batch_writer w;
	memset(&w, 0, sizeof(w));
	mrt_batch_begin(&w, 2, 5);
	for (int i = 0; i < 3; i++)
		assert_int_equal(mrt_batch_add(&w, &in[i]), 0);
	struct mrt_batch_trailer t = {.records = 9,
	    .malformed = 1,
	    .routes = 3,
	    .data_time = 1401487200,
	    .rc = 0,
	    .size = 77};
	mrt_batch_end(&w, &t);
	struct batch_seen s;
	memset(&s, 0, sizeof(s));
	struct mrt_batch b;
	const char *err;
	size_t off;
	assert_int_equal(mrt_batch_decode(w.buf, w.len, &b, batch_route, &s, &err, &off), 0);
	assert_int_equal(s.n, 3);
	assert_true(b.file == 2 && b.seq == 5 && b.count == 3 && b.last);
	assert_true(b.trailer.records == 9 && b.trailer.malformed == 1 && b.trailer.size == 77);
	assert_int_equal(s.rt[0].kind, MRT_ROUTE_RIB);
	assert_memory_equal(&s.rt[0].prefix, &in[0].prefix, sizeof(struct prefix));
	assert_memory_equal(s.words[0], path, sizeof(path));
	assert_int_equal(s.otc[0], 64501);
	assert_int_equal(s.rt[1].kind, MRT_ROUTE_WITHDRAW);
	assert_true(s.rt[1].has_path_id && s.rt[1].path_id == 7 && s.rt[1].peer.addr[15] == 1);
	assert_memory_equal(&s.rt[1].prefix, &in[1].prefix, sizeof(struct prefix));
	assert_int_equal(s.rt[2].kind, MRT_ROUTE_STATE);
	/* cut anywhere, or a byte past the end: refused, and no route handed over */
	for (size_t cut = 0; cut < w.len; cut++) {
		memset(&s, 0, sizeof(s));
		assert_int_equal(mrt_batch_decode(w.buf, cut, &b, batch_route, &s, &err, &off), -1);
		assert_int_equal(s.n, 0);
		assert_non_null(err);
	}
	/* a path whose segment runs past its words cannot be sent */
	path[0] = (uint32_t)AS_SEQUENCE << 16 | 9;
	assert_int_equal(mrt_batch_add(&w, &in[0]), -1);
	mrt_batch_writer_free(&w);

	/* jobs */
	struct bus_job j = {.file = 1, .nfiles = 3, .table_time = 1704067200, .strict = 1}, k;
	snprintf(j.run, sizeof(j.run), "1796228012-6664");
	snprintf(j.path, sizeof(j.path), "/data/rib.20240101.bz2");
	char buf[5000];
	int n = bus_job_encode(&j, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(bus_job_decode(buf, (size_t)n, &k), 0);
	assert_memory_equal(&j, &k, sizeof(j));
	assert_int_equal(bus_job_decode(buf, (size_t)n - 1, &k), -1); /* a line cut */
	j.file = 3;                                                   /* not below nfiles */
	assert_int_equal(bus_job_encode(&j, buf, sizeof(buf)), -1);
	char key[64];
	bus_job_key("r-1", 2, key, sizeof(key));
	assert_string_equal(key, "res-r-1-2");
}

struct routes_seen {
	uint64_t n, hash;
};

static void route_hash(const struct store_route_brief *r, void *arg)
{
	struct routes_seen *s = arg;
	s->n++;
	uint8_t b[16 + 2 + 4 + 2]; /* the fields, not the struct: its padding is undefined */
	memcpy(b, r->prefix.addr, 16);
	b[16] = r->prefix.afi, b[17] = r->prefix.len;
	memcpy(b + 18, &r->origin, 4);
	b[22] = r->rpki, b[23] = r->irr;
	s->hash = (s->hash ^ hash_bytes(b, sizeof(b), (uint32_t)s->n)) * 0x100000001b3ull;
}

/* The newest snapshot of two stores is the same: key, label, every route with its states,
 * every incident, and every finding of every AS charged or seen, field by field. */
static void same_snapshot(const char *db1, const char *db2)
{
	struct store *s[2];
	struct arena a;
	arena_init(&a, 1 << 16);
	struct store_snapshot *snap[2];
	struct routes_seen rs[2] = {{0, 0}, {0, 0}};
	struct store_incident *inc[2];
	size_t n, ninc[2];
	for (int k = 0; k < 2; k++) {
		assert_int_equal(store_open(k ? db2 : db1, 1, &s[k]), 0);
		assert_int_equal(store_snapshots(s[k], 1, &a, &snap[k], &n), 0);
		assert_int_equal(n, 1);
		assert_int_equal(store_each_route(s[k], snap[k]->id, route_hash, &rs[k]), 0);
		assert_int_equal(store_get_incidents(
		                     s[k], snap[k]->id, 0, NULL, 0, 0, 0, 0, &a, &inc[k], &ninc[k]),
		    0);
	}
	assert_string_equal(snap[0]->key, snap[1]->key); /* the same inputs and settings */
	assert_string_equal(snap[0]->label, snap[1]->label);
	assert_true(rs[0].n > 100000);
	assert_int_equal(rs[0].n, rs[1].n);
	assert_true(rs[0].hash == rs[1].hash);
	assert_true(ninc[0] > 0);
	assert_int_equal(ninc[0], ninc[1]);
	uint64_t findings = 0;
	for (size_t i = 0; i < ninc[0]; i++) {
		assert_int_equal(inc[0][i].asn, inc[1][i].asn);
		assert_string_equal(inc[0][i].metric, inc[1][i].metric);
		assert_true(inc[0][i].start == inc[1][i].start && inc[0][i].end == inc[1][i].end);
		assert_true(inc[0][i].score == inc[1][i].score);
		if (i && inc[0][i].asn == inc[0][i - 1].asn)
			continue;
		struct store_finding *f[2];
		size_t nf[2];
		for (int k = 0; k < 2; k++)
			assert_int_equal(store_get_findings(s[k], snap[k]->id, inc[0][i].asn, NULL,
			                     0, 0, &a, &f[k], &nf[k]),
			    0);
		assert_int_equal(nf[0], nf[1]);
		for (size_t j = 0; j < nf[0]; j++) {
			assert_string_equal(f[0][j].metric, f[1][j].metric);
			assert_string_equal(f[0][j].prefix, f[1][j].prefix);
			assert_int_equal(f[0][j].origin, f[1][j].origin);
			assert_int_equal(f[0][j].culprit, f[1][j].culprit);
			assert_int_equal(f[0][j].peers, f[1][j].peers);
			assert_true(f[0][j].first_seen == f[1][j].first_seen);
			assert_true(f[0][j].last_seen == f[1][j].last_seen);
			assert_string_equal(
			    f[0][j].path ? f[0][j].path : "", f[1][j].path ? f[1][j].path : "");
			assert_string_equal(f[0][j].evidence ? f[0][j].evidence : "",
			    f[1][j].evidence ? f[1][j].evidence : "");
		}
		findings += nf[0];
	}
	assert_true(findings > 1000);
	printf("batch: the same snapshot: %llu routes, %zu incidents, %llu findings of the ASes "
	       "with incidents\n",
	    (unsigned long long)rs[0].n, ninc[0], (unsigned long long)findings);
	store_close(s[0]);
	store_close(s[1]);
	arena_free(&a);
}

struct inputs {
	char f[3][512], vrps[512], asrel[512];
};

/* The three routing files and two reference files of the batch tests (a 2010 update file, a
 * 2014 RIS update file, the 2014 RouteViews RIB: 513,077 routes); 0 after a SKIP line when
 * absent (test_data_path's answer lives until its next call: each is copied). */
static int inputs_find(struct inputs *x)
{
	static const char *const rel[5] = {"mrt/bgpdump__updates.20100722.2015.gz",
	    "mrt/libbgpstream__ris.rrc06.updates.1401488100.gz",
	    "mrt/libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2",
	    "rpki/vrps_2017-06-01_from_compress_roas.csv", "caida/20140101.as-rel.txt.bz2"};
	char *dst[5] = {x->f[0], x->f[1], x->f[2], x->vrps, x->asrel};
	for (int i = 0; i < 5; i++) {
		const char *p = test_data_path(rel[i]);
		if (p == NULL) {
			printf("SKIP: shared data file %s is absent\n", rel[i]);
			skip();
			return 0;
		}
		snprintf(dst[i], 512, "%s", p);
	}
	return 1;
}

/* Files read by reader threads (--threads 3) give the snapshot one thread gives. */
static void test_threads(void **state)
{
	struct inputs x;
	if (!inputs_find(&x))
		return;
	char cmd[8192], db[2][512];
	for (int k = 0; k < 2; k++) {
		snprintf(db[k], sizeof(db[k]), "%s/threads%d.db", lab.dir, k ? 3 : 1);
		snprintf(cmd, sizeof(cmd),
		    "%s analyze --no-progress --threads %d --db %s --vrps '%s' --asrel '%s' '%s' "
		    "'%s' "
		    "'%s' > %s.txt 2>&1",
		    test_bin(), k ? 3 : 1, db[k], x.vrps, x.asrel, x.f[0], x.f[1], x.f[2], db[k]);
		assert_int_equal(system(cmd), 0);
	}
	same_snapshot(db[0], db[1]);
	/* an unreadable file among them: nothing stored, said, whatever the threads */
	snprintf(cmd, sizeof(cmd),
	    "%s analyze --no-progress --threads 3 --db %s/bad.db '%s' /nonexistent.mrt '%s' 2>&1 | "
	    "grep -q 'nonexistent.mrt'",
	    test_bin(), lab.dir, x.f[0], x.f[1]);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "test ! -s %s/bad.db", lab.dir);
	assert_int_equal(system(cmd), 0);
}

/* Messages the stream holds now (-1 when it cannot be asked). */
static int64_t stream_msgs(const char *stream)
{
	char url[64];
	snprintf(url, sizeof(url), "nats://127.0.0.1:%d", lab.port[0]);
	natsConnection *nc = NULL;
	jsCtx *js = NULL;
	jsStreamInfo *si = NULL;
	int64_t n = -1;
	if (natsConnection_ConnectTo(&nc, url) == NATS_OK &&
	    natsConnection_JetStream(&js, nc, NULL) == NATS_OK &&
	    js_GetStreamInfo(&si, js, stream, NULL, NULL) == NATS_OK)
		n = (int64_t)si->State.Msgs;
	jsStreamInfo_Destroy(si);
	jsCtx_Destroy(js);
	natsConnection_Destroy(nc);
	return n;
}

/* analyze --bus with workers stores what a plain analyze stores; a worker killed in the middle
 * of a file leaves its job to another, and the snapshot is still the same. */
static void test_batch_workers(void **state)
{
	struct inputs x;
	if (!inputs_find(&x))
		return;
	const char *f1 = x.f[0], *f2 = x.f[1], *f3 = x.f[2], *vrps = x.vrps, *asrel = x.asrel;
	start_nats1();
	char url[128], cmd[8192], refs[4096];
	snprintf(url, sizeof(url), "nats://127.0.0.1:%d/BATCH?ack_wait=2", lab.port[0]);
	snprintf(
	    refs, sizeof(refs), "--vrps '%s' --asrel '%s' '%s' '%s' '%s'", vrps, asrel, f1, f2, f3);
	snprintf(cmd, sizeof(cmd),
	    "%s analyze --no-progress --db %s/plain.db %s >%s/plain.txt 2>&1", test_bin(), lab.dir,
	    refs, lab.dir);
	if (system(cmd) != 0) {
		snprintf(cmd, sizeof(cmd), "cat %s/plain.txt", lab.dir);
		assert_int_equal(system(cmd), 0);
		fail();
	}

	/* two workers share the three files */
	char *w[] = {(char *)test_bin(), "worker", "--bus", url, "--idle-timeout", "30", NULL};
	lab.pid[1] = spawn("w1.log", w);
	lab.pid[2] = spawn("w2.log", w);
	snprintf(cmd, sizeof(cmd),
	    "%s analyze --no-progress --bus '%s' --wait 60 --db %s/bus.db %s > %s/bus.txt 2>&1",
	    test_bin(), url, lab.dir, refs, lab.dir);
	assert_int_equal(system(cmd), 0);
	char plain[512], bus1[512], bus2[512], log[512];
	snprintf(plain, sizeof(plain), "%s/plain.db", lab.dir);
	snprintf(bus1, sizeof(bus1), "%s/bus.db", lab.dir);
	snprintf(bus2, sizeof(bus2), "%s/bus2.db", lab.dir);
	same_snapshot(plain, bus1);
	/* the routes were purged once taken: the stream keeps the three jobs only */
	assert_int_equal(stream_msgs("BATCH"), 3);
	stop_pid(&lab.pid[1], SIGTERM);
	stop_pid(&lab.pid[2], SIGTERM);

	/* one worker, killed while it reads the RIB (the third file); a second one started then
	 * takes the job when it comes again (ack_wait 2 s) */
	lab.pid[1] = spawn("w3.log", w);
	char *c[] = {(char *)test_bin(), "analyze", "--no-progress", "--bus", url, "--wait", "90",
	    "--db", bus2, "--vrps", x.vrps, "--asrel", x.asrel, x.f[0], x.f[1], x.f[2], NULL};
	pid_t coord = spawn("coord.txt", c);
	snprintf(log, sizeof(log), "%s/w3.log", lab.dir);
	double until = clock_mono() + 60;
	for (int taken = 0; !taken;) {
		char line[1024];
		FILE *lf = fopen(log, "r");
		while (lf && fgets(line, sizeof(line), lf))
			taken |= strstr(line, "file 3/3: /") != NULL;
		if (lf)
			fclose(lf);
		assert_true(clock_mono() < until);
		if (!taken)
			sleep_ms(10);
	}
	sleep_ms(200); /* into the file: some of its batches are out */
	stop_pid(&lab.pid[1], SIGKILL);
	lab.pid[2] = spawn("w4.log", w);
	int st;
	until = clock_mono() + 120;
	while (waitpid(coord, &st, WNOHANG) == 0) {
		assert_true(clock_mono() < until);
		sleep_ms(50);
	}
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	same_snapshot(plain, bus2);
	snprintf(cmd, sizeof(cmd), "grep -h 'run \\|routes of' %s/w3.log %s/w4.log %s/coord.txt",
	    lab.dir, lab.dir, lab.dir);
	assert_int_equal(system(cmd), 0);
	stop_pid(&lab.pid[2], SIGTERM);
}

int main(void)
{
	if (!natslab_have_server())
		return 1;
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_batch_format),
	    cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_batch_workers, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
