/*
 * Alert delivery latency: events emitted to a webhook sink whose receiver (libmicrohttpd)
 * runs in this process on 127.0.0.1; the sink's own figures give the time from
 * sink_set_emit to the receiver's 2xx (p50, p99, max). Three runs: events spaced by
 * INTERVAL_MS without a spool, the same with a spool (each event synced to disk before emit
 * returns), and a burst (all events at once, without a spool: the later ones wait for the
 * earlier). The goal: p99 under 50 ms.
 *
 * usage: bench_sink [EVENTS] [INTERVAL_MS]     (default 200 events, 5 ms)
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sink/sink.h"

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data, size_t *size, void **con_cls)
{
	if (*con_cls == NULL) {
		*con_cls = c;
		return MHD_YES;
	}
	if (*size > 0) {
		*size = 0;
		return MHD_YES;
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(2, "ok", MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

static void sleep_ms(double ms)
{
	struct timespec ts = {
	    (time_t)(ms / 1000), (long)((ms - 1000 * (double)(time_t)(ms / 1000)) * 1e6)};
	nanosleep(&ts, NULL);
}

static void run(const char *label, uint16_t port, const char *spool, int n, double interval_ms)
{
	char spec[128];
	snprintf(spec, sizeof(spec), "webhook:http://127.0.0.1:%u/hook", port);
	struct sink_set *s = sink_set_new(spool);
	if (s == NULL || sink_set_add(s, spec) < 0)
		exit(1);
	uint64_t seq0 = sink_set_next_seq(s);
	char json[400], title[80];
	for (int i = 0; i < n; i++) {
		uint64_t seq = seq0 + (uint64_t)i;
		snprintf(title, sizeof(title), "Origin hijack of 192.0.2.0/24 (%llu)",
		    (unsigned long long)seq);
		snprintf(json, sizeof(json),
		    "{\"seq\":%llu,\"kind\":\"origin-hijack\",\"state\":\"opened\",\"prefix\":"
		    "\"192.0.2.0/24\",\"origin\":64511,\"expected\":[64500],\"text\":\"%s\"}",
		    (unsigned long long)seq, title);
		struct sink_event ev = {.seq = seq,
		    .time = time(NULL),
		    .kind = "origin-hijack",
		    .state = "opened",
		    .severity = 2,
		    .title = title,
		    .text = "AS64511 now originates it.",
		    .json = json};
		if (sink_set_emit(s, &ev) < 0)
			exit(1);
		if (interval_ms > 0)
			sleep_ms(interval_ms);
	}
	struct sink_stats st;
	double end = clock_mono() + 30;
	do {
		sink_set_stats(s, 0, &st);
		if (st.delivered >= (uint64_t)n)
			break;
		sleep_ms(1);
	} while (clock_mono() < end);
	printf("sink webhook, %-34s %4llu delivered: p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms%s\n",
	    label, (unsigned long long)st.delivered, st.lat_p50 * 1e3, st.lat_p99 * 1e3,
	    st.lat_max * 1e3, st.lat_p99 < 0.050 ? "" : "  (over the 50 ms goal)");
	sink_set_close(s, 5);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;
	double interval = argc > 2 ? atof(argv[2]) : 5;
	if (n <= 0 || n > SINK_LAT_RING) {
		fprintf(stderr, "bench_sink: 1..%d events\n", SINK_LAT_RING);
		return 2;
	}
	struct sockaddr_in sa = {.sin_family = AF_INET};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL,
	    handler, NULL, MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_END);
	if (d == NULL)
		return 1;
	uint16_t port = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
	char dir[] = "/tmp/rm-bench-sink-XXXXXX", label[64];
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(label, sizeof(label), "one every %g ms, in memory:", interval);
	run(label, port, NULL, n, interval);
	snprintf(label, sizeof(label), "one every %g ms, spooled:", interval);
	run(label, port, dir, n, interval);
	run("all at once, in memory:", port, NULL, n, 0);
	MHD_stop_daemon(d);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : 1;
}
