/*
 * routemark monitor: the BMP station. Routers connect (--listen) or are connected to
 * (--connect), each judged by its own BMP parser into one route state; --bmp-file reads a
 * captured BMP stream and --mrt replays MRT files into the same state. At the end (SIGTERM,
 * SIGINT, --duration, end of the files) a summary is printed and --rib-out writes the final
 * routes as JSON lines. Every route change goes through the live engine (monitor_live.c):
 * the checks, the window's snapshot (--db) and, with --watch, alerts to the sinks.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmp/bmp.h"
#include "bus/bus.h"
#include "cli/cli.h"
#include "cli/monitor.h"
#include "serve/serve.h"
#include "engine/engine.h"
#include "core/core.h"
#include "mrt/mrt.h"

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark monitor --listen ADDR:PORT | --connect HOST:PORT ... |\n"
	    "                         --bmp-file FILE | --mrt FILE ...\n"
	    "                         [--watch FILE] [--sink SPEC]... [--spool DIR] [--http "
	    "ADDR:PORT]\n"
	    "                         [--rib-out FILE] [--filtering-out FILE]\n"
	    "                         [--duration SECONDS] [--idle-timeout "
	    "SECONDS]\n"
	    "                         [--speed N] [--db FILE [--snapshot-every MINUTES]]\n"
	    "                         [reference data] [--router-name NAME] [--strict] [-q]\n"
	    "       routemark monitor --collect-only --bus URL --listen ADDR:PORT | --connect "
	    "HOST:PORT ... |\n"
	    "                         --mrt FILE ...\n"
	    "       routemark monitor --bus URL [--durable NAME] [--shard I/N] [--idle-timeout "
	    "SECONDS]\n"
	    "                         [--watch FILE ...]\n\n"
	    "Keep the routes of every BMP router, view and peer: routers connecting over TCP,\n"
	    "routers connected to, a captured BMP stream, or MRT files replayed. Every change\n"
	    "goes through the checks; with a watch file, alerts open, update and resolve.\n\n"
	    "  --listen ADDR:PORT   accept BMP routers ([ADDR6]:PORT; port 0: any, reported)\n"
	    "  --connect HOST:PORT  connect to a BMP router (repeatable; reconnects after a close\n"
	    "                       or error, waiting 1 s doubling to 60 s)\n"
	    "  --bmp-file FILE      read a BMP stream ('-' standard input; gzip, bzip2, xz, zstd)\n"
	    "  --mrt FILE           replay MRT updates or RIBs (repeatable; more files may follow\n"
	    "                       as arguments), merged by record time, as one pseudo-router\n"
	    "  --watch FILE         the watch file (YAML; BGPalerter's prefixes.yml works as it\n"
	    "                       is): alerts on hijacks, more specifics, RPKI invalids, leaks,\n"
	    "                       bogon ASNs, new upstreams, visibility loss (SIGHUP reloads)\n"
	    "  --sink SPEC          where alerts go (repeatable): webhook:URL (or a bare http(s)\n"
	    "                       URL), syslog:udp:HOST:PORT, syslog:tcp:HOST:PORT,\n"
	    "                       syslog:unix:PATH, jsonl:FILE ('jsonl:-' standard output)\n"
	    "  --spool DIR          keep undelivered alerts on disk across restarts\n"
	    "  --http ADDR:PORT     the station: Prometheus metrics at /metrics (port 0: any)\n"
	    "  --filtering-out FILE the RPKI-invalid, bogon and leaked routes each router "
	    "received\n"
	    "                       (pre-policy) and whether it accepted them (post-policy or\n"
	    "                       Loc-RIB), as JSON lines ('-' standard output)\n"
	    "  --collect-only       only collect: publish every route change on the bus (--bus),\n"
	    "                       no reference data, checks or alerts\n"
	    "  --bus URL            nats://HOST:PORT[,...]/STREAM[?replicas=N&partitions=P] or\n"
	    "                       kafka://HOST:PORT[,...]/TOPIC[?partitions=N]: one ordered\n"
	    "                       subject or partition per router; alone (no --collect-only,\n"
	    "                       no input): evaluate what collectors publish, with a durable\n"
	    "                       consumer, through the checks, snapshots and alerts\n"
	    "  --durable NAME       the evaluator's consumer (default routemark-evaluator; a\n"
	    "                       restart with the same name goes on where it stopped)\n"
	    "  --shard I/N          this evaluator is shard I (0..N-1) of N sharing the routers\n"
	    "                       (JetStream with ?partitions=P, P >= N, for collectors and\n"
	    "                       evaluators alike; on Kafka, evaluators of one --durable group\n"
	    "                       share the partitions without it)\n"
	    "  --rib-out FILE       write the final routes as JSON lines ('-' standard output)\n"
	    "  --duration SECONDS   stop after SECONDS (as on SIGTERM)\n"
	    "  --idle-timeout SECONDS  drop a router that sends nothing for SECONDS (default 0:\n"
	    "                       never; BMP has no keepalive: TCP keepalive finds dead hosts);\n"
	    "                       the evaluator: stop when nothing came for SECONDS\n"
	    "  --speed N            --mrt: N x real time (default: as fast as possible)\n"
	    "  --db FILE            store a snapshot of the window at the end (SIGTERM too) and\n"
	    "                       the alert events (which `serve` streams) in the store FILE\n"
	    "  --snapshot-every MINUTES  the station: also every MINUTES\n"
	    "  --router-name NAME   --bmp-file: the router's name (default: its sysName, else the\n"
	    "                       file name); --mrt: the pseudo-router's (default: mrt)\n"
	    "  --strict             --bmp-file: stop at the first malformed message (exit 2)\n"
	    "  -q, --quiet          count malformed messages without logging them\n"
	    "  -h, --help           this text\n\n" REFS_HELP "\n"
	    "A router's routes are flushed when its session ends. Times: the station's clock\n"
	    "live; the records' when reading a file or replaying (the same alerts either way).\n");
}

struct monitor {
	struct monitor_live *ml;
	struct bmp_rib *rib;
	uint32_t router;
	char *router_name; /* of the current router */
	const char *fixed_name;
	int named; /* an Initiation's sysName has named the router */
};

/* The router is named by its Initiation's sysName; a later Initiation with another name
 * (captures of several sessions put one after the other) starts another router. */
static void on_event(void *arg, const struct bmp_msg *m, const struct mrt_route *rt)
{
	struct monitor *mon = arg;
	if (rt == NULL && m->type == BMP_INITIATION && !mon->fixed_name && *m->sys_name &&
	    strcmp(m->sys_name, mon->router_name) != 0) {
		if (!mon->named)
			bmp_rib_router_rename(mon->rib, mon->router, m->sys_name);
		else
			mon->router = bmp_rib_router(mon->rib, m->sys_name);
		free(mon->router_name);
		mon->router_name = xstrdup(m->sys_name);
	}
	if (rt == NULL && m->type == BMP_INITIATION)
		mon->named = 1;
	if (rt)
		monitor_live_route(mon->ml, mon->router_name, m->view, &m->peer, rt);
	else if (m->type == BMP_PEER_DOWN)
		monitor_live_down(mon->ml, mon->router_name, &m->peer);
	bmp_rib_event(mon->rib, mon->router, m, rt);
}

/* ------------------------------------------------------------ summary */

static void print_peer(const struct bmp_peer_info *pi)
{
	static const char *types[] = {"global", "rd", "local", "loc-rib"};
	char a[PREFIX_STRLEN];
	printf("    peer %s AS%u %s: peer up %llu, peer down %llu",
	    bmp_peer_addr_format(&pi->peer, a, sizeof(a)), pi->peer.asn,
	    pi->peer.type < 4 ? types[pi->peer.type] : "?", (unsigned long long)pi->ups,
	    (unsigned long long)pi->downs);
	if (pi->downs)
		printf(" (last reason %u %s)", pi->last_down_reason,
		    bmp_down_reason_name(pi->last_down_reason));
	if (pi->ups)
		printf(", 4-octet AS %s, ADD-PATH in 0x%x out 0x%x",
		    pi->session.asn4 ? "yes" : "no", (unsigned)pi->session.addpath_in,
		    (unsigned)pi->session.addpath_out);
	printf("%s\n", pi->up ? ", up" : ", down");
	if (pi->stats_reports) {
		printf("      statistics reports %llu, last values:",
		    (unsigned long long)pi->stats_reports);
		for (uint32_t i = 0; i < pi->nstats; i++) {
			const struct bmp_stat *s = &pi->stats[i];
			if (s->afi)
				printf(" type%u(%u/%u)=%llu", s->type, s->afi, s->safi,
				    (unsigned long long)s->value);
			else
				printf(" type%u=%llu", s->type, (unsigned long long)s->value);
		}
		printf("\n");
	}
}

static void print_rib_summary(const struct bmp_rib *rib);
static void print_malformed(const struct bmp_stats *st, const struct mrt_stats *ms);

static void print_summary(
    const char *path, const struct bmp_parser *p, const struct bmp_rib *rib, double secs)
{
	const struct bmp_stats *st = bmp_parser_stats(p);
	printf("%s: %llu messages, %llu bytes in %.3f s (%.0f messages/s)\n", path,
	    (unsigned long long)st->messages, (unsigned long long)st->bytes, secs,
	    secs > 0 ? (double)st->messages / secs : 0.0);
	printf("  router: %s%s%s%s\n", *bmp_parser_sys_name(p) ? bmp_parser_sys_name(p) : "-",
	    *bmp_parser_sys_descr(p) ? " (" : "", bmp_parser_sys_descr(p),
	    *bmp_parser_sys_descr(p) ? ")" : "");
	printf("  messages:");
	for (unsigned t = 0; t <= BMP_MSG_TYPES; t++)
		if (st->by_type[t])
			printf(
			    " %s %llu", bmp_msg_type_name(t), (unsigned long long)st->by_type[t]);
	printf("\n  route monitoring by view:\n");
	for (int v = 0; v < BMP_VIEWS; v++)
		if (st->rm_by_view[v])
			printf("    %-16s %llu messages, %llu announced, %llu withdrawn, %llu "
			       "End-of-RIB\n",
			    bmp_view_name((enum bmp_view)v), (unsigned long long)st->rm_by_view[v],
			    (unsigned long long)st->announced[v],
			    (unsigned long long)st->withdrawn[v], (unsigned long long)st->eor[v]);
	size_t np = bmp_parser_npeers(p);
	printf("  peers: %zu\n", np);
	for (size_t i = 0; i < np; i++)
		print_peer(bmp_parser_peer(p, i));
	if (st->rm_before_up || st->asn4_mismatch || st->own_as_first)
		printf("  quirks: route monitoring with no Peer Up %llu; A flag against the OPENs "
		       "%llu; eBGP routes starting with the router's own AS %llu\n",
		    (unsigned long long)st->rm_before_up, (unsigned long long)st->asn4_mismatch,
		    (unsigned long long)st->own_as_first);

	print_rib_summary(rib);
	print_malformed(st, bmp_parser_bgp_stats(p));
}

static void print_rib_summary(const struct bmp_rib *rib)
{
	struct bmp_rib_stats rs;
	bmp_rib_stats(rib, &rs);
	printf("routes in the final state: %zu (routers %zu, router/view/peer triples %zu)\n",
	    rs.routes, rs.routers, rs.peers);
	for (int v = 0; v < BMP_VIEWS; v++)
		printf("  %-16s %zu\n", bmp_view_name((enum bmp_view)v), rs.by_view[v]);
	printf("  applied: %llu announcements (%llu replacing a route), %llu withdrawals (%llu of "
	       "routes not held), %llu routes flushed by Peer Down\n",
	    (unsigned long long)rs.announces, (unsigned long long)rs.replaced,
	    (unsigned long long)rs.withdraws, (unsigned long long)rs.withdraw_missing,
	    (unsigned long long)rs.flushed);
	printf("  memory: route table %zu bytes, %zu attribute sets in %zu bytes\n", rs.table_bytes,
	    rs.attr_sets, rs.attr_bytes);
	if (rs.peak_routes)
		printf("  at the peak: %zu routes, %.1f bytes a route in the table + %.1f in "
		       "attribute sets\n",
		    rs.peak_routes, (double)rs.table_bytes / (double)rs.peak_routes,
		    (double)rs.peak_attr_bytes / (double)rs.peak_routes);
}

static void print_malformed(const struct bmp_stats *st, const struct mrt_stats *ms)
{
	uint64_t bad = 0;
	for (int k = 0; k < BMP_BAD_KINDS; k++)
		bad += st->malformed[k];
	printf(
	    "malformed: %llu%s\n", (unsigned long long)bad, st->failed ? " (stream unusable)" : "");
	for (int k = 0; k < BMP_BAD_KINDS; k++)
		if (st->malformed[k])
			printf("  %s: %llu\n", bmp_bad_name((enum bmp_bad_kind)k),
			    (unsigned long long)st->malformed[k]);
	for (int k = 0; k < MRT_BAD_KINDS; k++)
		if (ms->malformed[k])
			printf("  UPDATE %s: %llu\n",
			    mrt_malformed_name((enum mrt_malformed_kind)k),
			    (unsigned long long)ms->malformed[k]);
}

/* ------------------------------------------------------------ modes */

static volatile sig_atomic_t stop_flag, reload_flag;

static void on_stop(int sig)
{
	if (sig == SIGHUP)
		reload_flag = 1;
	else
		stop_flag = 1;
}

/* SIGTERM, SIGINT and the --duration timer (SIGALRM) set stop_flag; no SA_RESTART, so a
 * waiting poll() returns. */
static void stop_signals(double duration)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (duration > 0) {
		struct itimerval it;
		memset(&it, 0, sizeof(it));
		it.it_value.tv_sec = (time_t)duration;
		it.it_value.tv_usec = (suseconds_t)((duration - (double)(time_t)duration) * 1e6);
		if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
			it.it_value.tv_usec = 1;
		setitimer(ITIMER_REAL, &it, NULL);
	}
}

static int rib_out_write(const char *path, const struct bmp_rib *rib)
{
	if (path == NULL)
		return 0;
	FILE *f = cli_output_open(strcmp(path, "-") == 0 ? NULL : path);
	if (f == NULL)
		return 1;
	return cli_output_close(f, bmp_rib_write_json(rib, f) != 0);
}

static int run_file(const struct monitor_opts *mo)
{
	const char *label = strcmp(mo->file, "-") == 0 ? "stdin" : mo->file;
	struct zinput *in = zinput_open(mo->file, label, 0, 0);
	if (in == NULL)
		return 1;
	struct monitor_live ml;
	struct monitor mon = {.rib = bmp_rib_new(), .fixed_name = mo->name, .ml = &ml};
	if (monitor_live_open(&ml, mo, mon.rib, 0) != 0) {
		zinput_close(in);
		monitor_live_close(&ml);
		bmp_rib_free(mon.rib);
		return 1;
	}
	mon.router_name = xstrdup(mo->name ? mo->name : label);
	mon.router = bmp_rib_router(mon.rib, mon.router_name);
	struct bmp_parser_opts po = {.source = label, .strict = mo->strict, .quiet = mo->quiet};
	struct bmp_parser *p = bmp_parser_new(&po, on_event, &mon);
	enum { CHUNK = 256 * 1024 };
	uint8_t *buf = xmalloc(CHUNK);
	double t0 = clock_mono();
	int io_error = 0, rc = 0;
	for (;;) {
		ssize_t n = zinput_read(in, buf, CHUNK);
		if (n < 0)
			io_error = 1;
		if (n <= 0)
			break;
		if (bmp_parser_feed(p, buf, (size_t)n) < 0)
			break;
	}
	const char *problem = zinput_problem(in);
	if (problem && !bmp_parser_stats(p)->failed) {
		log_warn("%s: %s", label, problem);
		io_error = 1;
	}
	bmp_parser_finish(p);
	double secs = clock_mono() - t0;
	free(buf);
	zinput_close(in);

	print_summary(label, p, mon.rib, secs);
	if (monitor_live_summary(&ml) != 0)
		rc = 1;
	rc = rib_out_write(mo->rib_out, mon.rib);
	if (monitor_live_snapshot(&ml) != 0)
		rc = 1;
	monitor_live_close(&ml);
	const struct bmp_stats *st = bmp_parser_stats(p);
	uint64_t bad = 0;
	for (int k = 0; k < BMP_BAD_KINDS; k++)
		bad += st->malformed[k];
	if (rc == 0 && io_error)
		rc = 1;
	if (rc == 0 && mo->strict && bad)
		rc = 2;
	bmp_parser_free(p);
	bmp_rib_free(mon.rib);
	free(mon.router_name);
	return rc;
}

/* The status line on a terminal: routers, peers, routes, messages/s. */
static void status_line(const struct bmp_station_stats *ss, const struct bmp_rib *rib, double rate)
{
	struct bmp_rib_stats rs;
	bmp_rib_stats(rib, &rs);
	fprintf(stderr, "\rrouters %zu, peers %zu, routes %zu, %.0f messages/s    ", ss->routers,
	    rs.peers, rs.routes, rate);
	fflush(stderr);
}

static int run_station(const struct monitor_opts *mo)
{
	struct bmp_rib *rib = bmp_rib_new();
	struct monitor_live ml;
	if (monitor_live_open(&ml, mo, rib, 1) != 0) {
		monitor_live_close(&ml);
		bmp_rib_free(rib);
		return 1;
	}
	struct bmp_station_opts so = {.listen = mo->listen,
	    .connect = mo->connect,
	    .nconnect = mo->nconnect,
	    .idle_timeout = mo->idle_timeout,
	    .quiet = mo->quiet,
	    .on_route = monitor_live_route,
	    .on_down = monitor_live_down,
	    .arg = &ml};
	struct bmp_station *st = bmp_station_new(&so, rib);
	if (st == NULL) {
		monitor_live_close(&ml);
		bmp_rib_free(rib);
		return 1;
	}
	struct serve_metrics *http = NULL;
	if (mo->http && (http = serve_metrics_start(mo->http)) == NULL) {
		bmp_station_free(st);
		monitor_live_close(&ml);
		bmp_rib_free(rib);
		return 1;
	}
	stop_signals(mo->duration); /* before saying so: a SIGTERM right after must stop cleanly */
	if (http)
		fprintf(stderr, "routemark: monitor: metrics on %s (port %u) at /metrics\n",
		    mo->http, serve_metrics_port(http));
	if (mo->listen)
		fprintf(stderr, "routemark: monitor: listening on %s (port %u)\n", mo->listen,
		    bmp_station_port(st));
	int tty = isatty(STDERR_FILENO), rc = 0;
	double t0 = clock_mono(), last = t0, next_snap = t0 + mo->snapshot_every;
	uint64_t last_msgs = 0;
	struct bmp_station_stats ss;
	while (!stop_flag) {
		if (bmp_station_poll(st, 250) != 0) {
			log_warn("monitor: poll: %s", strerror(errno));
			rc = 1;
			break;
		}
		double now = clock_mono();
		monitor_live_tick(&ml);
		if (http) {
			bmp_station_stats(st, &ss);
			serve_metrics_set(http, monitor_live_metrics(&ml, &ss));
		}
		if (reload_flag) {
			reload_flag = 0;
			monitor_live_reload(&ml);
		}
		if (tty && now - last >= 1) {
			bmp_station_stats(st, &ss);
			status_line(&ss, rib, (double)(ss.messages - last_msgs) / (now - last));
			last = now, last_msgs = ss.messages;
		}
		if (mo->db && mo->snapshot_every > 0 && now >= next_snap) {
			if (monitor_live_snapshot(&ml) != 0)
				rc = 1;
			next_snap = now + mo->snapshot_every;
		}
	}
	if (stop_flag)
		bmp_station_drain(st, 2); /* what the routers sent before the signal */
	double secs = clock_mono() - t0;
	if (tty)
		fputc('\n', stderr);
	bmp_station_stats(st, &ss);
	printf("station: %llu sessions (%llu accepted, %llu connected out), %zu open at the end\n",
	    (unsigned long long)(ss.accepted + ss.connected), (unsigned long long)ss.accepted,
	    (unsigned long long)ss.connected, ss.routers);
	printf("  ended: %llu closed by the router, %llu dropped on errors, %llu idle; %llu "
	       "refused, %llu connects failed\n",
	    (unsigned long long)ss.closed, (unsigned long long)ss.dropped_error,
	    (unsigned long long)ss.dropped_idle, (unsigned long long)ss.refused,
	    (unsigned long long)ss.connect_failed);
	printf("  %llu messages, %llu bytes in %.3f s (%.0f messages/s); %llu malformed; %llu "
	       "routes flushed at session ends\n",
	    (unsigned long long)ss.messages, (unsigned long long)ss.bytes, secs,
	    secs > 0 ? (double)ss.messages / secs : 0.0, (unsigned long long)ss.malformed,
	    (unsigned long long)ss.flushed);
	printf("  input buffer: at most %zu bytes a router (peak %zu; %llu rounds full)\n",
	    ss.buf_max, ss.buf_peak, (unsigned long long)ss.buf_full);
	print_rib_summary(rib);
	if (monitor_live_summary(&ml) != 0)
		rc = 1;
	if (rib_out_write(mo->rib_out, rib) != 0 || monitor_live_snapshot(&ml) != 0)
		rc = 1;
	bmp_station_free(st);
	serve_metrics_stop(http);
	monitor_live_close(&ml);
	bmp_rib_free(rib);
	return rc;
}

static int run_mrt(const struct monitor_opts *mo)
{
	struct bmp_rib *rib = bmp_rib_new();
	struct monitor_live ml;
	if (monitor_live_open(&ml, mo, rib, 0) != 0) {
		monitor_live_close(&ml);
		bmp_rib_free(rib);
		return 1;
	}
	struct bmp_replay_opts ro = {.files = mo->mrt,
	    .nfiles = mo->nmrt,
	    .router_name = mo->name,
	    .speed = mo->speed,
	    .quiet = mo->quiet,
	    .stop = &stop_flag,
	    .on_route = monitor_live_route,
	    .on_down = monitor_live_down,
	    .arg = &ml};
	struct bmp_replay_stats rs;
	stop_signals(mo->duration);
	double t0 = clock_mono();
	int rc = bmp_replay(rib, &ro, &rs) != 0;
	double secs = clock_mono() - t0;
	printf("mrt replay: %zu files, %llu routes (%llu RIB entries, %llu announcements, %llu "
	       "withdrawals), %llu peers down, in %.3f s%s\n",
	    mo->nmrt, (unsigned long long)rs.routes, (unsigned long long)rs.rib_entries,
	    (unsigned long long)rs.announces, (unsigned long long)rs.withdraws,
	    (unsigned long long)rs.peer_downs, secs, rs.stopped ? " (stopped)" : "");
	printf("  record times %u to %u (%u s); %llu malformed records\n", rs.first_ts, rs.last_ts,
	    rs.last_ts - rs.first_ts, (unsigned long long)rs.malformed);
	print_rib_summary(rib);
	if (monitor_live_summary(&ml) != 0)
		rc = 1;
	if (rib_out_write(mo->rib_out, rib) != 0 || monitor_live_snapshot(&ml) != 0)
		rc = 1;
	monitor_live_close(&ml);
	bmp_rib_free(rib);
	return rc;
}

/* ------------------------------------------------------------ command */

static int parse_seconds(const char *opt, const char *arg, double *out)
{
	char *end;
	double v = strtod(arg, &end);
	if (*arg == '\0' || *end != '\0' || !(v >= 0) || v > 1e9) {
		fprintf(stderr, "routemark: monitor: %s %s: not a number of seconds\n", opt, arg);
		return -1;
	}
	*out = v;
	return 0;
}

int cmd_monitor(int argc, char **argv)
{
	static const struct option opts[] = {{"bmp-file", required_argument, NULL, 'f'},
	    {"rib-out", required_argument, NULL, 'o'},
	    {"router-name", required_argument, NULL, 'n'}, {"strict", no_argument, NULL, 's'},
	    {"listen", required_argument, NULL, 'l'}, {"connect", required_argument, NULL, 'c'},
	    {"mrt", required_argument, NULL, 'm'}, {"duration", required_argument, NULL, 'd'},
	    {"idle-timeout", required_argument, NULL, 'i'}, {"speed", required_argument, NULL, 'S'},
	    {"db", required_argument, NULL, 'D'}, {"snapshot-every", required_argument, NULL, 'E'},
	    {"watch", required_argument, NULL, 'W'}, {"sink", required_argument, NULL, 'K'},
	    {"spool", required_argument, NULL, 'P'}, {"http", required_argument, NULL, 'H'},
	    {"filtering-out", required_argument, NULL, 'F'}, {"quiet", no_argument, NULL, 'q'},
	    {"bus", required_argument, NULL, 'B'}, {"collect-only", no_argument, NULL, 'C'},
	    {"durable", required_argument, NULL, 'U'}, {"shard", required_argument, NULL, 'R'},
	    {"help", no_argument, NULL, 'h'}, REFS_LONG_OPTIONS, {NULL, 0, NULL, 0}};
	struct monitor_opts mo;
	memset(&mo, 0, sizeof(mo));
	signal(SIGPIPE, SIG_IGN); /* a router or receiver gone is an error return, not death */
	int c, rc = 0;
	if (cli_opt_begin("monitor", opts, &argc, &argv) != 0)
		return 1;
	mo.connect = xcalloc((size_t)argc + 1, sizeof(*mo.connect));
	mo.mrt = xcalloc((size_t)argc + 1, sizeof(*mo.mrt));
	mo.sinks = xcalloc((size_t)argc + 1, sizeof(*mo.sinks));
	while ((c = cli_getopt(argc, argv, "hq", opts, usage, &rc)) != -1) {
		switch (c) {
		case CLI_OPT_EXIT:
			goto out;
		case 'f':
			mo.file = optarg;
			break;
		case 'o':
			mo.rib_out = optarg;
			break;
		case 'n':
			mo.name = optarg;
			break;
		case 's':
			mo.strict = 1;
			break;
		case 'l':
			mo.listen = optarg;
			break;
		case 'c':
			mo.connect[mo.nconnect++] = optarg;
			break;
		case 'm':
			mo.mrt[mo.nmrt++] = optarg;
			break;
		case 'd':
		case 'i':
		case 'S':
			if (parse_seconds(c == 'd'   ? "--duration"
			                  : c == 'i' ? "--idle-timeout"
			                             : "--speed",
			        optarg,
			        c == 'd'   ? &mo.duration
			        : c == 'i' ? &mo.idle_timeout
			                   : &mo.speed) != 0) {
				rc = 1;
				goto out;
			}
			break;
		case 'D':
			mo.db = optarg;
			break;
		case 'E':
			if (parse_seconds("--snapshot-every", optarg, &mo.snapshot_every) != 0) {
				rc = 1;
				goto out;
			}
			mo.snapshot_every *= 60; /* minutes */
			break;
		case 'q':
			mo.quiet = 1;
			break;
		case 'W':
			mo.watch = optarg;
			break;
		case 'K':
			mo.sinks[mo.nsinks++] = optarg;
			break;
		case 'P':
			mo.spool = optarg;
			break;
		case 'H':
			mo.http = optarg;
			break;
		case 'F':
			mo.filtering_out = optarg;
			break;
		case 'U':
			mo.durable = optarg;
			break;
		case 'R': {
			unsigned i, n;
			char end;
			if (sscanf(optarg, "%u/%u%c", &i, &n, &end) != 2 || n == 0 || i >= n ||
			    n > BUS_NATS_PARTITIONS_MAX) {
				fprintf(stderr,
				    "routemark: monitor: --shard %s: I/N with 0 <= I < N <= %d "
				    "expected\n",
				    optarg, BUS_NATS_PARTITIONS_MAX);
				rc = 1;
				goto out;
			}
			mo.shard = i, mo.nshards = n;
			break;
		}
		case 'B':
			mo.bus = optarg;
			break;
		case 'C':
			mo.collect_only = 1;
			break;
		default:
			if (!refs_option(&mo.refs, c, optarg)) {
				rc = 1;
				goto out;
			}
			break;
		}
	}
	mo.refs.strict = mo.strict;
	/* --mrt FILE...: the files after the options */
	if (mo.nmrt)
		while (optind < argc)
			mo.mrt[mo.nmrt++] = argv[optind++];
	if (cli_no_args("monitor", argc, argv, usage) != 0) {
		rc = 1;
		goto out;
	}
	int modes = (mo.file != NULL) + (mo.nmrt > 0) + (mo.listen || mo.nconnect);
	int evaluate = modes == 0 && mo.bus && !mo.collect_only;
	if (evaluate && mo.http) {
		fprintf(stderr, "routemark: monitor: --http goes with --listen or --connect\n");
		rc = 1;
	} else if (evaluate && (mo.nsinks || mo.spool) && !mo.watch) {
		fprintf(stderr, "routemark: monitor: --sink and --spool go with --watch\n");
		rc = 1;
	} else if (evaluate) {
		stop_signals(mo.duration);
		rc = monitor_evaluate(&mo, &stop_flag);
	} else if (mo.durable || mo.nshards) {
		fprintf(stderr, "routemark: monitor: --durable and --shard go with --bus alone (an "
		                "evaluator)\n");
		rc = 1;
	} else if (modes != 1) {
		fprintf(stderr,
		    "routemark: monitor: one of --listen / --connect, --bmp-file, --mrt or --bus "
		    "is needed\n");
		usage(stderr);
		rc = 1;
	} else if (mo.collect_only != (mo.bus != NULL) || (mo.collect_only && mo.file)) {
		fprintf(stderr, "routemark: monitor: --collect-only and --bus go together, with "
		                "--listen, --connect or --mrt\n");
		rc = 1;
	} else if (mo.collect_only && (mo.watch || mo.nsinks || mo.spool || mo.db || mo.http ||
	                                  mo.rib_out || mo.filtering_out)) {
		fprintf(stderr, "routemark: monitor: --collect-only only publishes: no --watch, "
		                "--sink, --spool, --db, --http, --rib-out or --filtering-out\n");
		rc = 1;
	} else if (mo.collect_only) {
		stop_signals(mo.duration);
		rc = monitor_collect(&mo, &stop_flag);
	} else if (mo.http && !(mo.listen || mo.nconnect)) {
		fprintf(stderr, "routemark: monitor: --http goes with --listen or --connect\n");
		rc = 1;
	} else if ((mo.nsinks || mo.spool) && !mo.watch) {
		fprintf(stderr, "routemark: monitor: --sink and --spool go with --watch\n");
		rc = 1;
	} else if (mo.file) {
		rc = run_file(&mo);
	} else if (mo.nmrt) {
		rc = run_mrt(&mo);
	} else {
		rc = run_station(&mo);
	}
out:
	free(mo.connect);
	free(mo.mrt);
	free(mo.sinks);
	refs_spec_free(&mo.refs.spec);
	return rc;
}
