/*
 * The bus (src/bus): route events encoded and decoded; NATS JetStream on one nats-server and
 * on a 3-node cluster whose stream leader is killed while publishing; Kafka through
 * librdkafka's mock cluster (no Kafka broker is available here). The servers are started
 * here on 127.0.0.1 with free ports and stopped by PID in the teardown, even after a failure.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <nats/nats.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "testutil.h"
#include "netutil.h"

#include "bus/bus.h"
#include "core/core.h"

#define KEYS 4
#define MAXSEQ 4096

#include "natslab.h"

/* ---------------------------------------------------------------- events */

static const char *router_name(int k)
{
	static const char *names[KEYS] = {"192.0.2.1", "192.0.2.2", "rtr-3.example", "2001:db8::4"};
	return names[k];
}

static void make_event(struct bus_event *ev, int k, uint64_t seq, uint32_t *words)
{
	memset(ev, 0, sizeof(*ev));
	ev->router = router_name(k);
	ev->seq = seq;
	ev->time_sec = 1764676800 + (int64_t)seq;
	ev->time_usec = 123456;
	ev->view = 1, ev->peer_type = 0, ev->peer_flags = 0x40;
	ev->peer_afi = AFI_IPV4;
	memcpy(ev->peer_addr, "\xc6\x33\x64\x01", 4);
	ev->peer_as = 64500 + (uint32_t)k, ev->peer_bgp_id = 0x0a000001;
	assert_int_equal(prefix_parse("203.0.113.0/24", &ev->prefix), 0);
	ev->prefix.addr[2] = (uint8_t)seq;
	ev->has_path_id = seq & 1, ev->path_id = (uint32_t)seq;
	ev->withdraw = seq % 7 == 0;
	ev->origin = 0, ev->nh_len = 4;
	memcpy(ev->nexthop, "\xc6\x33\x64\x01", 4);
	ev->has_med = 1, ev->med = 10;
	words[0] = ASPATH_SEG_HDR(AS_SEQUENCE, 3);
	words[1] = ev->peer_as, words[2] = 3356, words[3] = 64496;
	words[4] = (64500u << 16) | 100;              /* a community */
	words[5] = 64500, words[6] = 1, words[7] = 2; /* a large community */
	ev->path = words, ev->npath = 4;
	ev->comm = words + 4, ev->ncomm = 1;
	ev->large = words + 5, ev->nlarge = 1;
}

static void test_event_roundtrip(void **state)
{
	uint32_t words[8];
	struct bus_event ev, back;
	uint8_t *buf = NULL;
	size_t cap = 0;
	const char *err;
	size_t off;
	for (uint64_t seq = 1; seq <= 14; seq++) {
		make_event(&ev, (int)(seq % KEYS), seq, words);
		ssize_t n = bus_event_encode(&ev, &buf, &cap);
		assert_true(n > 40 && n < 120);
		assert_int_equal(bus_event_decode(buf, (size_t)n, &back, &err, &off), 0);
		assert_string_equal(back.router, ev.router);
		assert_true(back.seq == seq && back.time_sec == ev.time_sec);
		assert_int_equal(back.time_usec, 123456);
		assert_int_equal(prefix_cmp(&back.prefix, &ev.prefix), 0);
		assert_int_equal(back.withdraw, ev.withdraw);
		assert_int_equal(back.has_path_id, ev.has_path_id);
		assert_int_equal(back.peer_as, ev.peer_as);
		assert_memory_equal(back.peer_addr, ev.peer_addr, 4);
		if (!ev.withdraw) {
			assert_int_equal(back.npath, 4);
			assert_memory_equal(back.path, words, 16);
			assert_int_equal(back.ncomm, 1);
			assert_int_equal(back.comm[0], words[4]);
			assert_int_equal(back.nlarge, 1);
			assert_memory_equal(back.large, words + 5, 12);
			assert_int_equal(back.med, 10);
			assert_true(back.has_med && !back.has_local_pref);
		} else {
			assert_int_equal(back.npath, 0);
		}
		bus_event_free(&back);
		/* every cut is refused, naming where */
		for (ssize_t cut = 0; cut < n; cut++) {
			err = NULL;
			assert_int_equal(bus_event_decode(buf, (size_t)cut, &back, &err, &off), -1);
			assert_non_null(err);
			assert_true(off <= (size_t)cut);
		}
	}
	/* a byte more, a bad version, a broken AS path */
	make_event(&ev, 0, 2, words);
	ssize_t n = bus_event_encode(&ev, &buf, &cap);
	buf = xrealloc(buf, (size_t)n + 1);
	buf[n] = 0;
	assert_int_equal(bus_event_decode(buf, (size_t)n + 1, &back, &err, &off), -1);
	assert_string_equal(err, "bytes after the last field");
	buf[0] = 9;
	assert_int_equal(bus_event_decode(buf, (size_t)n, &back, &err, &off), -1);
	assert_int_equal(off, 1);
	words[0] = ASPATH_SEG_HDR(AS_SEQUENCE, 4); /* one ASN more than there is */
	n = bus_event_encode(&ev, &buf, &cap);
	assert_int_equal(bus_event_decode(buf, (size_t)n, &back, &err, &off), -1);
	assert_string_equal(err, "AS path segments do not add up");
	ev.router = "";
	assert_int_equal(bus_event_encode(&ev, &buf, &cap), -1);

	/* the end of a peer's session, and of a router's: no prefix, no attributes */
	for (int d = BUS_DOWN_PEER; d <= BUS_DOWN_ROUTER; d++) {
		make_event(&ev, 3, 99, words);
		ev.down = d;
		n = bus_event_encode(&ev, &buf, &cap);
		assert_int_equal(n, 6 + 8 + 4 + 8 + 8 + 12 + 1 + (ssize_t)strlen(router_name(3)));
		assert_int_equal(bus_event_decode(buf, (size_t)n, &back, &err, &off), 0);
		assert_int_equal(back.down, d);
		assert_int_equal(back.peer_as, ev.peer_as);
		assert_int_equal(back.seq, 99);
		assert_int_equal(back.npath, 0);
		assert_int_equal(back.prefix.afi, 0);
		assert_string_equal(back.router, router_name(3));
		bus_event_free(&back);
		buf[1] |= 0x01; /* a withdrawal flag too */
		assert_int_equal(bus_event_decode(buf, (size_t)n, &back, &err, &off), -1);
		assert_string_equal(err, "a down event with route flags");
	}
	ev.down = 3;
	assert_int_equal(bus_event_encode(&ev, &buf, &cap), -1);
	free(buf);
}

static void test_url_errors(void **state)
{
	assert_null(bus_open("nats://127.0.0.1:4222"));               /* no stream */
	assert_null(bus_open("nats://127.0.0.1:4222/a.b"));           /* bad stream name */
	assert_null(bus_open("nats://127.0.0.1/S"));                  /* no port */
	assert_null(bus_open("nats://127.0.0.1:4222/S?replicas=9"));  /* replicas */
	assert_null(bus_open("kafka://127.0.0.1:9092/t?replicas=3")); /* a NATS parameter */
	assert_null(bus_open("nats://127.0.0.1:4222/S?partitions=0"));
	assert_null(bus_open("nats://127.0.0.1:4222/S?partitions=2000")); /* over 1024 */
	/* the partition of a key: a pure function of the key, within range */
	assert_int_equal(bus_key_partition("edge-1", 8), bus_key_partition("edge-1", 8));
	for (int p = 1; p <= 64; p *= 2)
		assert_true(bus_key_partition("r", p) >= 0 && bus_key_partition("r", p) < p);
	assert_null(bus_open("amqp://127.0.0.1:5672/q"));
	int port = loopback_free_port(NULL); /* nothing listens there */
	char url[128];
	snprintf(url, sizeof(url), "nats://127.0.0.1:%d/S", port);
	assert_null(bus_open(url));
}

/* ---------------------------------------------------------------- a consumer's checks */

struct seen {
	uint64_t next[KEYS];       /* the sequence expected next per key (ordered check) */
	uint8_t got[KEYS][MAXSEQ]; /* times each sequence arrived */
	uint64_t total, dups, out_of_order, bad;
	int ordered;     /* 1: sequences must come in order per key */
	uint64_t refuse; /* refuse this position once (0: none) */
	int refused;
};

static int key_index(const char *router)
{
	for (int k = 0; k < KEYS; k++)
		if (strcmp(router, router_name(k)) == 0)
			return k;
	return -1;
}

static int on_msg(void *arg, const struct bus_msg *m)
{
	struct seen *s = arg;
	struct bus_event ev;
	const char *err;
	size_t off;
	if (bus_event_decode(m->data, m->len, &ev, &err, &off) != 0) {
		s->bad++;
		return 0;
	}
	int k = key_index(ev.router);
	if (k < 0 || ev.seq == 0 || ev.seq >= MAXSEQ || strcmp(m->key, ev.router) != 0 ||
	    m->msg_id != ev.seq) {
		s->bad++;
		bus_event_free(&ev);
		return 0;
	}
	if (s->refuse && m->position == s->refuse && !s->refused) {
		s->refused = 1;
		bus_event_free(&ev);
		return 1;
	}
	if (s->got[k][ev.seq]++)
		s->dups++;
	else
		s->total++;
	if (s->ordered && ev.seq != s->next[k])
		s->out_of_order++;
	s->next[k] = ev.seq + 1;
	bus_event_free(&ev);
	return 0;
}

static void seen_init(struct seen *s, int ordered)
{
	memset(s, 0, sizeof(*s));
	for (int k = 0; k < KEYS; k++)
		s->next[k] = 1;
	s->ordered = ordered;
}

/* Publish per key sequences from..to (inclusive), round robin over the keys. */
static void publish_range(struct bus *b, uint64_t from, uint64_t to)
{
	uint32_t words[8];
	struct bus_event ev;
	uint8_t *buf = NULL;
	size_t cap = 0;
	for (uint64_t seq = from; seq <= to; seq++)
		for (int k = 0; k < KEYS; k++) {
			make_event(&ev, k, seq, words);
			ssize_t n = bus_event_encode(&ev, &buf, &cap);
			assert_true(n > 0);
			assert_int_equal(bus_publish(b, ev.router, buf, (size_t)n, seq), 0);
		}
	free(buf);
}

static void poll_until(struct bus *b, struct seen *s, uint64_t want, double secs)
{
	double end = clock_mono() + secs;
	while (s->total < want && clock_mono() < end)
		assert_true(bus_poll(b, 500) >= 0);
}

/* ---------------------------------------------------------------- NATS, one node */

static void test_nats_single(void **state)
{
	start_nats1();
	char url[128];
	snprintf(url, sizeof(url), "nats://127.0.0.1:%d/ROUTES?ack_wait=5", lab.port[0]);
	struct bus *pub = bus_open(url);
	assert_non_null(pub);
	assert_int_equal(bus_kind(pub), BUS_NATS);
	double t0 = clock_mono();
	publish_range(pub, 1, 2500); /* 10,000 events */
	assert_int_equal(bus_flush(pub, 30000), 0);
	double secs = clock_mono() - t0;
	printf("nats: 10000 events published and acknowledged in %.3f s (%.0f events/s)\n", secs,
	    10000 / secs);
	struct bus_stats st;
	bus_stats(pub, &st);
	assert_int_equal(st.published, 10000);
	assert_int_equal(st.acked, 10000);
	assert_int_equal(st.failed, 0);

	/* half with one consumer, the rest after it is closed and opened again */
	static struct seen s;
	seen_init(&s, 1);
	struct bus *c = bus_open(url);
	assert_non_null(c);
	assert_int_equal(bus_consume(c, "evaluator", on_msg, &s), 0);
	t0 = clock_mono();
	poll_until(c, &s, 5000, 30);
	assert_true(s.total >= 5000);
	bus_close(c);
	uint64_t first = s.total;
	c = bus_open(url);
	assert_non_null(c);
	assert_int_equal(bus_consume(c, "evaluator", on_msg, &s), 0);
	poll_until(c, &s, 10000, 30);
	secs = clock_mono() - t0;
	printf("nats: consumed %llu then %llu after reopening, in %.3f s\n",
	    (unsigned long long)first, (unsigned long long)(s.total - first), secs);
	assert_int_equal(s.total, 10000);
	assert_int_equal(s.dups, 0);
	assert_int_equal(s.out_of_order, 0);
	assert_int_equal(s.bad, 0);
	for (int k = 0; k < KEYS; k++)
		assert_int_equal(s.next[k], 2501);

	/* the same ids again: de-duplicated by the stream, nothing new to consume */
	publish_range(pub, 1, 25);
	assert_int_equal(bus_flush(pub, 30000), 0);
	bus_stats(pub, &st);
	assert_int_equal(st.duplicates, 100);
	assert_int_equal(bus_poll(c, 300), 0);

	/* a refused message comes again, and what follows it in order */
	s.refuse = 10000 + 1; /* the stream sequence of the next new message */
	publish_range(pub, 2501, 2510);
	assert_int_equal(bus_flush(pub, 30000), 0);
	poll_until(c, &s, 10040, 30);
	assert_int_equal(s.refused, 1);
	assert_int_equal(s.total, 10040);
	assert_int_equal(s.dups, 0);
	assert_int_equal(s.out_of_order, 0);
	bus_stats(c, &st);
	assert_int_equal(st.refused, 1);
	bus_close(c);
	bus_close(pub);
}

/* ---------------------------------------------------------------- the collector */

struct collected {
	uint64_t events, bad, gaps, announces, downs;
	int last_down; /* of the last event */
	uint64_t last_seq;
	char router[64];
};

static int on_collected(void *arg, const struct bus_msg *m)
{
	struct collected *c = arg;
	struct bus_event ev;
	const char *err;
	size_t off;
	if (bus_event_decode(m->data, m->len, &ev, &err, &off) != 0) {
		c->bad++;
		return 0;
	}
	if (c->events == 0)
		snprintf(c->router, sizeof(c->router), "%s", ev.router);
	if (strcmp(ev.router, c->router) != 0 || strcmp(m->key, ev.router) != 0 ||
	    m->msg_id != ev.seq || (ev.prefix.afi == 0) != (ev.down != 0))
		c->bad++;
	if (ev.down)
		c->downs++;
	c->last_down = ev.down;
	if (c->events && ev.seq != c->last_seq + 1)
		c->gaps++;
	if (!ev.withdraw && ev.npath > 0)
		c->announces++;
	c->last_seq = ev.seq;
	c->events++;
	bus_event_free(&ev);
	return 0;
}

/* monitor --collect-only replays an MRT file onto the stream; every event decodes, in order. */
/* A consumer of the whole stream at url takes the events (up to want, 30 s at most) into c;
 * with quiet, then nothing more comes. */
static void consume_all(const char *url, unsigned long long want, struct collected *c, int quiet)
{
	memset(c, 0, sizeof(*c));
	struct bus *b = bus_open(url);
	assert_non_null(b);
	assert_int_equal(bus_consume(b, "evaluator", on_collected, c), 0);
	double end = clock_mono() + 30;
	while (c->events < want && clock_mono() < end)
		assert_true(bus_poll(b, 500) >= 0);
	if (quiet)
		assert_int_equal(bus_poll(b, 200), 0);
	bus_close(b);
}

static void test_monitor_collect(void **state)
{
	REQUIRE_DATA(mrt, "mrt/bgpdump__updates.20100722.2015.gz");
	start_nats1();
	char url[128], cmd[1024], line[512];
	snprintf(url, sizeof(url), "nats://127.0.0.1:%d/COLLECT", lab.port[0]);
	snprintf(cmd, sizeof(cmd), "%s monitor --collect-only --bus '%s' --mrt '%s' 2>&1",
	    test_bin(), url, mrt);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	unsigned long long published = 0;
	while (fgets(line, sizeof(line), p)) {
		fputs(line, stdout);
		sscanf(line, "bus: %llu route events", &published);
	}
	assert_int_equal(pclose(p), 0);
	assert_true(published > 1000);

	static struct collected c;
	consume_all(url, published, &c, 1);
	assert_int_equal(c.events, published);
	assert_int_equal(c.bad, 0);
	assert_int_equal(c.gaps, 0);
	assert_string_equal(c.router, "mrt");
	assert_true(c.announces > 0);
	assert_int_equal((uint32_t)c.last_seq, published); /* the count in the low 32 bits */

	/* --bus without --collect-only, a bad URL: refused */
	snprintf(cmd, sizeof(cmd), "%s monitor --bus '%s' --mrt '%s' >/dev/null 2>&1", test_bin(),
	    url, mrt);
	assert_int_not_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd),
	    "%s monitor --collect-only --bus nats://127.0.0.1:%d --mrt '%s' >/dev/null 2>&1",
	    test_bin(), lab.port[0], mrt);
	assert_int_not_equal(system(cmd), 0);
}

/* The lines of a file, or "" (malloc'ed). */
static char *slurp_text(const char *path)
{
	size_t len;
	char *t = zinput_slurp(path, &len);
	return t ? t : xstrdup("");
}

/* One engine, two doors: an MRT archive replayed straight (--mrt) and the same archive
 * published by a collector and judged by an evaluator from the bus give the same alerts (ids,
 * states, times) and the same snapshot. */
static void test_evaluator(void **state)
{
	REQUIRE_DATA(mrt, "mrt/bgpdump__updates.20100722.2015.gz");
	start_nats1();
	char url[128], cmd[2048], w[512], a1[512], a2[512];
	snprintf(url, sizeof(url), "nats://127.0.0.1:%d/EVAL", lab.port[0]);
	snprintf(w, sizeof(w), "%s/watch.yml", lab.dir);
	snprintf(a1, sizeof(a1), "%s/direct.jsonl", lab.dir);
	snprintf(a2, sizeof(a2), "%s/eval.jsonl", lab.dir);
	FILE *f = fopen(w, "w");
	assert_non_null(f);
	fputs("193.105.235.0/24:\n  asn: 1\n62.37.120.0/22:\n  asn: 1\noptions:\n  holdDown: 30\n",
	    f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
	    "%s monitor -q --mrt '%s' --watch %s --sink jsonl:%s --db %s/direct.db > %s/direct.txt "
	    "2>&1",
	    test_bin(), mrt, w, a1, lab.dir, lab.dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd),
	    "%s monitor --collect-only --bus '%s' --mrt '%s' > %s/collect.txt 2>&1", test_bin(),
	    url, mrt, lab.dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd),
	    "%s monitor -q --bus '%s' --idle-timeout 3 --watch %s --sink jsonl:%s --db %s/eval.db "
	    "> "
	    "%s/eval.txt 2>&1",
	    test_bin(), url, w, a2, lab.dir, lab.dir);
	assert_int_equal(system(cmd), 0);
	/* the alerts: the same events in the same order (seq, ids, states, times, texts) */
	char *d = slurp_text(a1), *e = slurp_text(a2);
	assert_true(strlen(d) > 0);
	assert_non_null(strstr(d, "origin-hijack/193.105.235.0/24/AS50798"));
	assert_string_equal(d, e);
	free(d), free(e);
	/* the snapshots: the same summary */
	char s1[512], s2[512];
	snprintf(s1, sizeof(s1), "%s/s1.txt", lab.dir);
	snprintf(s2, sizeof(s2), "%s/s2.txt", lab.dir);
	snprintf(cmd, sizeof(cmd),
	    "%s summary --db %s/direct.db | sed -n 2,4p > %s && %s summary --db %s/eval.db | sed "
	    "-n "
	    "2,4p > %s",
	    test_bin(), lab.dir, s1, test_bin(), lab.dir, s2);
	assert_int_equal(system(cmd), 0);
	d = slurp_text(s1), e = slurp_text(s2);
	assert_non_null(strstr(d, " routes ("));
	assert_string_equal(d, e);
	free(d), free(e);
	snprintf(cmd, sizeof(cmd), "grep -q 'route events applied' %s/eval.txt", lab.dir);
	assert_int_equal(system(cmd), 0);
}

/* Run an evaluator (extra: its options) until the stream is drained; the events it applied,
 * by router name, from its "bus: events of N routers: a (n), b (m)" line into names/counts. */
static size_t evaluate_routers(
    const char *url, const char *extra, char names[][16], unsigned long long *counts)
{
	char cmd[1024], line[1024];
	snprintf(cmd, sizeof(cmd), "%s monitor -q --bus '%s' --idle-timeout 5 %s 2>&1", test_bin(),
	    url, extra);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = 0;
	while (fgets(line, sizeof(line), p)) {
		fputs(line, stdout);
		char *c = strstr(line, ": ") ? strstr(line + 5, ": ") : NULL;
		if (strncmp(line, "bus: events of", 14) != 0 || c == NULL)
			continue;
		for (c += 2; n < 8 && sscanf(c, "%15[^ ] (%llu)", names[n], &counts[n]) == 2; n++)
			c = strstr(c, "), ") ? strstr(c, "), ") + 3 : c + strlen(c);
	}
	assert_int_equal(pclose(p), 0);
	return n;
}

/* Routers spread over evaluators: four collectors (one router each) publish onto a stream of 8
 * partitions; evaluators --shard 0/2 and 1/2 each take exactly the routers whose partition
 * falls to them, every one of its events, and together what one evaluator of the whole
 * stream takes. */
static void test_evaluator_shards(void **state)
{
	REQUIRE_DATA(mrt, "mrt/bgpdump__updates.20100722.2015.gz");
	start_nats1();
	char url[128], cmd[1024];
	snprintf(url, sizeof(url), "nats://127.0.0.1:%d/SHARDS?partitions=8", lab.port[0]);
	static const char *const routers[] = {"edge-1", "edge-2", "edge-3", "edge-4"};
	int shard_of[4], on[2] = {0, 0};
	for (int i = 0; i < 4; i++) {
		shard_of[i] = bus_key_partition(routers[i], 8) % 2;
		on[shard_of[i]]++;
		snprintf(cmd, sizeof(cmd),
		    "%s monitor --collect-only --bus '%s' --router-name %s --mrt '%s' >/dev/null "
		    "2>&1",
		    test_bin(), url, routers[i], mrt);
		assert_int_equal(system(cmd), 0);
	}
	assert_true(on[0] > 0 && on[1] > 0); /* the names were chosen so that both get some */
	char all[8][16], sh[2][8][16];
	unsigned long long nall[8], nsh[2][8];
	assert_int_equal(evaluate_routers(url, "--durable whole", all, nall), 4);
	assert_true(nall[0] > 1000);
	for (int s = 0; s < 2; s++) {
		char extra[64];
		snprintf(extra, sizeof(extra), "--durable part --shard %d/2", s);
		assert_int_equal(evaluate_routers(url, extra, sh[s], nsh[s]), (size_t)on[s]);
		for (int k = 0; k < on[s]; k++) {
			int i = 0;
			while (i < 4 && strcmp(routers[i], sh[s][k]) != 0)
				i++;
			assert_true(i < 4);
			assert_int_equal(shard_of[i], s);     /* its partition's shard */
			assert_int_equal(nsh[s][k], nall[i]); /* every event of the router */
		}
	}
	/* a shard is refused without partitions, and a shard that is none */
	snprintf(cmd, sizeof(cmd),
	    "%s monitor -q --bus nats://127.0.0.1:%d/SHARDS --shard 1/2 --idle-timeout 1 "
	    ">/dev/null 2>&1",
	    test_bin(), lab.port[0]);
	assert_int_not_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s monitor -q --bus '%s' --shard 2/2 >/dev/null 2>&1",
	    test_bin(), url);
	assert_int_not_equal(system(cmd), 0);
}

/* The station as a collector: a router sends the FRR capture over TCP and closes; its route
 * changes, its peers' ends and its own end arrive on the stream in order. */
static void test_station_collect(void **state)
{
	REQUIRE_DATA(cap, "bmp/frr-8.4.4_exabgp_pre-post-policy.bmp");
	start_nats1();
	char url[128], listen[64];
	snprintf(url, sizeof(url), "nats://127.0.0.1:%d/STATION", lab.port[0]);
	int port = loopback_free_port(NULL);
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	char *argv[] = {(char *)test_bin(), "monitor", "--collect-only", "--listen", listen,
	    "--bus", url, "--duration", "60", NULL};
	lab.pid[1] = spawn("collector.log", argv);
	/* ready when it says so (a probe connection would be a router session of its own) */
	char log[512], line[512];
	snprintf(log, sizeof(log), "%s/collector.log", lab.dir);
	double until = clock_mono() + 15;
	for (int ready = 0; !ready;) {
		FILE *lf = fopen(log, "r");
		while (lf && fgets(line, sizeof(line), lf))
			ready |= strstr(line, "collecting; listening") != NULL;
		if (lf)
			fclose(lf);
		assert_true(waitpid(lab.pid[1], NULL, WNOHANG) == 0);
		assert_true(clock_mono() < until);
		if (!ready)
			sleep_ms(20);
	}

	size_t len;
	char *bytes = zinput_slurp(cap, &len);
	assert_non_null(bytes);
	struct sockaddr_in a = {.sin_family = AF_INET,
	    .sin_port = htons((uint16_t)port),
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, bytes + off, len - off);
		assert_true(w > 0);
		off += (size_t)w;
	}
	free(bytes);
	shutdown(fd, SHUT_WR);
	char c1;
	assert_true(read(fd, &c1, 1) <= 0); /* the station closes when it has read it all */
	close(fd);
	kill(lab.pid[1], SIGTERM);
	int st;
	assert_int_equal(waitpid(lab.pid[1], &st, 0), lab.pid[1]);
	lab.pid[1] = 0;
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	FILE *f = fopen(log, "r");
	assert_non_null(f);
	unsigned long long published = 0, ends = 0;
	while (fgets(line, sizeof(line), f)) {
		fputs(line, stdout);
		sscanf(
		    line, "bus: %llu route events (%llu peer or router ends)", &published, &ends);
	}
	fclose(f);
	assert_true(published > 100);
	assert_true(ends >= 1);

	static struct collected c;
	consume_all(url, published, &c, 0);
	assert_int_equal(c.events, published);
	assert_int_equal(c.downs, ends);
	assert_int_equal(c.bad, 0);
	assert_int_equal(c.gaps, 0);
	assert_true(c.router[0] != '\0'); /* one router (its sysName), all in sequence */
	assert_int_equal(c.last_down, BUS_DOWN_ROUTER);
}

/* ---------------------------------------------------------------- NATS, 3 nodes */

static void start_nats3(void)
{
	for (int i = 0; i < 3; i++)
		lab.port[i] = loopback_free_port(NULL), lab.cport[i] = loopback_free_port(NULL);
	for (int i = 0; i < 3; i++) {
		char conf[300], log[32];
		snprintf(conf, sizeof(conf), "%s/n%d.conf", lab.dir, i + 1);
		FILE *f = fopen(conf, "w");
		assert_non_null(f);
		fprintf(f,
		    "server_name: n%d\nlisten: 127.0.0.1:%d\n"
		    "jetstream { store_dir: \"%s/js%d\" }\n"
		    "cluster {\n  name: rmc\n  listen: 127.0.0.1:%d\n"
		    "  routes: [ nats-route://127.0.0.1:%d, nats-route://127.0.0.1:%d, "
		    "nats-route://127.0.0.1:%d ]\n}\n",
		    i + 1, lab.port[i], lab.dir, i + 1, lab.cport[i], lab.cport[0], lab.cport[1],
		    lab.cport[2]);
		fclose(f);
		snprintf(log, sizeof(log), "n%d.log", i + 1);
		char *argv[] = {"nats-server", "-c", conf, NULL};
		lab.pid[i] = spawn(log, argv);
	}
	for (int i = 0; i < 3; i++)
		wait_port(lab.port[i], lab.pid[i]);
}

/* The server name of the stream's leader, asked over a connection of its own. */
static int stream_leader(void)
{
	char url[64];
	snprintf(url, sizeof(url), "nats://127.0.0.1:%d", lab.port[0]);
	natsConnection *nc = NULL;
	jsCtx *js = NULL;
	jsStreamInfo *si = NULL;
	int leader = -1;
	if (natsConnection_ConnectTo(&nc, url) == NATS_OK &&
	    natsConnection_JetStream(&js, nc, NULL) == NATS_OK &&
	    js_GetStreamInfo(&si, js, "ROUTES3", NULL, NULL) == NATS_OK && si->Cluster &&
	    si->Cluster->Leader && si->Cluster->Leader[0] == 'n')
		leader = atoi(si->Cluster->Leader + 1) - 1;
	jsStreamInfo_Destroy(si);
	jsCtx_Destroy(js);
	natsConnection_Destroy(nc);
	return leader;
}

static void test_nats_cluster(void **state)
{
	start_nats3();
	char url[256];
	snprintf(url, sizeof(url),
	    "nats://127.0.0.1:%d,127.0.0.1:%d,127.0.0.1:%d/ROUTES3?replicas=3", lab.port[0],
	    lab.port[1], lab.port[2]);
	double t0 = clock_mono();
	struct bus *pub = bus_open(url);
	assert_non_null(pub);
	printf("nats cluster: R3 stream ready %.3f s after start\n", clock_mono() - t0);
	for (uint64_t seq = 1; seq <= 400; seq += 50) {
		publish_range(pub, seq, seq + 49);
		assert_int_equal(bus_flush(pub, 60000), 0);
	}
	int leader = stream_leader();
	assert_true(leader >= 0 && leader < 3);
	/* the leader dies while messages are in flight; the rest go on */
	publish_range(pub, 401, 450);
	stop_pid(&lab.pid[leader], SIGKILL);
	t0 = clock_mono();
	for (uint64_t seq = 451; seq <= 750; seq += 50) {
		publish_range(pub, seq, seq + 49);
		assert_int_equal(bus_flush(pub, 60000), 0);
	}
	struct bus_stats st;
	bus_stats(pub, &st);
	printf("nats cluster: leader n%d killed; the next 1600 events acknowledged in %.3f s "
	       "(%llu sent again, %llu de-duplicated)\n",
	    leader + 1, clock_mono() - t0, (unsigned long long)st.retried,
	    (unsigned long long)st.duplicates);
	assert_int_equal(st.failed, 0);
	assert_int_equal(st.acked, 3000);

	static struct seen s;
	seen_init(&s, 0);
	struct bus *c = bus_open(url);
	assert_non_null(c);
	assert_int_equal(bus_consume(c, "evaluator", on_msg, &s), 0);
	poll_until(c, &s, 3000, 40);
	assert_int_equal(bus_poll(c, 300), 0); /* nothing more */
	printf("nats cluster: consumed %llu events, %llu copies counted once\n",
	    (unsigned long long)s.total, (unsigned long long)s.dups);
	assert_int_equal(s.total, 3000);
	assert_int_equal(s.bad, 0);
	for (int k = 0; k < KEYS; k++)
		for (int q = 1; q <= 750; q++)
			assert_true(s.got[k][q] >= 1);
	bus_close(c);
	bus_close(pub);
}

/* ---------------------------------------------------------------- Kafka, mock cluster */

static void test_kafka_mock(void **state)
{
	char err[256];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_conf_set(conf, "log_level", "3", err, sizeof(err));
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
	assert_non_null(rk);
	rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, 3);
	assert_non_null(mc);
	assert_int_equal(rd_kafka_mock_topic_create(mc, "routes", 4, 3), 0);
	char url[512];
	snprintf(url, sizeof(url), "kafka://%s/routes", rd_kafka_mock_cluster_bootstraps(mc));
	struct bus *pub = bus_open(url);
	assert_non_null(pub);
	assert_int_equal(bus_kind(pub), BUS_KAFKA);
	double t0 = clock_mono();
	publish_range(pub, 1, 1000);
	assert_int_equal(bus_flush(pub, 30000), 0);
	double secs = clock_mono() - t0;
	printf("kafka (mock): 4000 events published and acknowledged in %.3f s (%.0f events/s)\n",
	    secs, 4000 / secs);
	struct bus_stats st;
	bus_stats(pub, &st);
	assert_int_equal(st.acked, 4000);
	assert_int_equal(st.failed, 0);

	static struct seen s;
	seen_init(&s, 1);
	s.refuse = 5; /* some partition's offset 5: refused once, read again from there */
	struct bus *c = bus_open(url);
	assert_non_null(c);
	assert_int_equal(bus_consume(c, "evaluators", on_msg, &s), 0);
	t0 = clock_mono();
	poll_until(c, &s, 4000, 40);
	printf("kafka (mock): consumed %llu in %.3f s\n", (unsigned long long)s.total,
	    clock_mono() - t0);
	assert_int_equal(s.total, 4000);
	assert_int_equal(s.dups, 0);
	assert_int_equal(s.out_of_order, 0);
	assert_int_equal(s.bad, 0);
	assert_int_equal(s.refused, 1);
	bus_close(c);

	/* the group's committed offsets hold: only what is new comes to the next member */
	publish_range(pub, 1001, 1010);
	assert_int_equal(bus_flush(pub, 30000), 0);
	c = bus_open(url);
	assert_non_null(c);
	assert_int_equal(bus_consume(c, "evaluators", on_msg, &s), 0);
	t0 = clock_mono();
	poll_until(c, &s, 4040, 40);
	printf("kafka (mock): the group's next member consumed the 40 new events in %.3f s\n",
	    clock_mono() - t0);
	assert_int_equal(s.total, 4040);
	assert_int_equal(s.dups, 0);
	assert_int_equal(s.out_of_order, 0);
	bus_close(c);
	bus_close(pub);
	rd_kafka_mock_cluster_destroy(mc);
	rd_kafka_destroy(rk);
}

int main(void)
{
	if (!natslab_have_server())
		return 1;
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_event_roundtrip),
	    cmocka_unit_test(test_url_errors),
	    cmocka_unit_test_setup_teardown(test_nats_single, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_monitor_collect, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_station_collect, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_evaluator, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_evaluator_shards, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nats_cluster, setup, teardown),
	    cmocka_unit_test(test_kafka_mock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
