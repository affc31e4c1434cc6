/*
 * routemark monitor: the BMP station's first layer. --bmp-file reads a captured BMP byte
 * stream (any compression the MRT reader knows) to its end through the bmp parser into the
 * route state, then prints a summary (routers, peers, messages by type, routes per view,
 * statistics reports, malformed counts) and with --rib-out writes the final state as JSON
 * lines. The TCP station, live checks and alerts are not built yet.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmp/bmp.h"
#include "cli/cli.h"
#include "core/core.h"
#include "mrt/mrt.h"

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark monitor --bmp-file FILE [--rib-out FILE] [--router-name NAME]\n"
	    "                         [--strict] [-q]\n\n"
	    "Read a captured BMP (RFC 7854) byte stream to its end, keep the routes of every\n"
	    "router, view and peer, and print a summary.\n\n"
	    "  --bmp-file FILE      the BMP stream ('-' standard input; gzip, bzip2, xz, zstd)\n"
	    "  --rib-out FILE       write the final routes as JSON lines ('-' standard output)\n"
	    "  --router-name NAME   the router's name (default: its sysName, else the file name)\n"
	    "  --strict             stop at the first malformed message (exit 2)\n"
	    "  -q, --quiet          count malformed messages without logging them\n"
	    "  -h, --help           this text\n\n"
	    "Not built yet: the TCP station (routers connecting), live checks and alerts.\n");
}

struct monitor {
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
	bmp_rib_event(mon->rib, mon->router, m, rt);
}

/* ------------------------------------------------------------ JSON lines */

static int write_route(const struct bmp_rib_entry *e, void *arg)
{
	FILE *f = arg;
	char buf[PREFIX_STRLEN];
	fputs("{\"view\":", f);
	json_fputs(f, bmp_view_name(e->view));
	fputs(",\"router\":", f);
	json_fputs(f, e->router);
	fputs(",\"peer\":", f);
	json_fputs(f, bmp_peer_addr_format(e->peer, buf, sizeof(buf)));
	fprintf(f, ",\"peer_as\":%u,\"prefix\":", e->peer->asn);
	json_fputs(f, prefix_format(&e->prefix, buf, sizeof(buf)));
	fputs(",\"path\":[", f);
	const uint32_t *w = bmp_attrs_path(e->attrs);
	uint32_t n = e->attrs->npath, first = 1;
	for (uint32_t i = 0; i < n;) {
		uint32_t cnt = ASPATH_SEG_COUNT(w[i]);
		for (uint32_t j = 1; j <= cnt && i + j < n; j++, first = 0)
			fprintf(f, "%s%u", first ? "" : ",", w[i + j]);
		i += cnt + 1;
	}
	uint32_t origin;
	if (aspath_words_origin(w, n, &origin) == 0)
		fprintf(f, "],\"origin\":%u", origin);
	else
		fputs("],\"origin\":null", f);
	if (e->has_path_id)
		fprintf(f, ",\"path_id\":%u", e->path_id);
	fputs("}\n", f);
	return ferror(f) ? -1 : 0;
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

	uint64_t bad = 0;
	for (int k = 0; k < BMP_BAD_KINDS; k++)
		bad += st->malformed[k];
	printf(
	    "malformed: %llu%s\n", (unsigned long long)bad, st->failed ? " (stream unusable)" : "");
	for (int k = 0; k < BMP_BAD_KINDS; k++)
		if (st->malformed[k])
			printf("  %s: %llu\n", bmp_bad_name((enum bmp_bad_kind)k),
			    (unsigned long long)st->malformed[k]);
	const struct mrt_stats *ms = bmp_parser_bgp_stats(p);
	for (int k = 0; k < MRT_BAD_KINDS; k++)
		if (ms->malformed[k])
			printf("  UPDATE %s: %llu\n",
			    mrt_malformed_name((enum mrt_malformed_kind)k),
			    (unsigned long long)ms->malformed[k]);
}

/* ------------------------------------------------------------ command */

int cmd_monitor(int argc, char **argv)
{
	static const struct option opts[] = {{"bmp-file", required_argument, NULL, 'f'},
	    {"rib-out", required_argument, NULL, 'o'},
	    {"router-name", required_argument, NULL, 'n'}, {"strict", no_argument, NULL, 's'},
	    {"quiet", no_argument, NULL, 'q'}, {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	const char *file = NULL, *rib_out = NULL, *name = NULL;
	int strict = 0, quiet = 0, c, rc = 0;
	if (cli_opt_begin("monitor", opts, &argc, &argv) != 0)
		return 1;
	while ((c = cli_getopt(argc, argv, "hq", opts, usage, &rc)) != -1) {
		switch (c) {
		case CLI_OPT_EXIT:
			return rc;
		case 'f':
			file = optarg;
			break;
		case 'o':
			rib_out = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 's':
			strict = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		}
	}
	if (cli_no_args("monitor", argc, argv, usage) != 0)
		return 1;
	if (file == NULL) {
		fprintf(stderr, "routemark: monitor: --bmp-file FILE is needed (the TCP station is "
		                "not built yet)\n");
		usage(stderr);
		return 1;
	}
	const char *label = strcmp(file, "-") == 0 ? "stdin" : file;
	struct zinput *in = zinput_open(file, label, 0, 0);
	if (in == NULL)
		return 1;

	struct monitor mon = {.rib = bmp_rib_new(), .fixed_name = name};
	mon.router_name = xstrdup(name ? name : label);
	mon.router = bmp_rib_router(mon.rib, mon.router_name);
	struct bmp_parser_opts po = {.source = label, .strict = strict, .quiet = quiet};
	struct bmp_parser *p = bmp_parser_new(&po, on_event, &mon);
	enum { CHUNK = 256 * 1024 };
	uint8_t *buf = xmalloc(CHUNK);
	double t0 = clock_mono();
	int io_error = 0;
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
	if (rib_out) {
		FILE *f = cli_output_open(strcmp(rib_out, "-") == 0 ? NULL : rib_out);
		if (f == NULL)
			rc = 1;
		else
			rc = cli_output_close(f, bmp_rib_walk(mon.rib, write_route, f) != 0);
	}
	const struct bmp_stats *st = bmp_parser_stats(p);
	uint64_t bad = 0;
	for (int k = 0; k < BMP_BAD_KINDS; k++)
		bad += st->malformed[k];
	if (rc == 0 && io_error)
		rc = 1;
	if (rc == 0 && strict && bad)
		rc = 2;
	bmp_parser_free(p);
	bmp_rib_free(mon.rib);
	free(mon.router_name);
	return rc;
}
