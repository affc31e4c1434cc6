/*
 * routemark monitor, the live side: reference data and watch file loaded once, every route
 * change through the live engine (src/engine/live.c), every alert event to the log, the
 * sinks (src/sink) and, with --db, the store's event table that `serve` streams.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert/alert.h"
#include "cli/cli.h"
#include "cli/monitor.h"
#include "sink/sink.h"
#include "store/store.h"

/* What an operator watching the station wants to see, whatever the log level. */
static void notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void notice(const char *fmt, ...)
{
	/* one write: RTRlib's threads print to stderr too, and must not land inside the line */
	char line[1024];
	int n = snprintf(line, sizeof(line), "routemark: monitor: ");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	strcat(line, "\n");
	fputs(line, stderr);
}

static uint64_t seq_base; /* sink sequence numbers go on from the spool's */

static void on_alert(void *arg, const struct alert_event *ev)
{
	struct monitor_live *ml = arg;
	ml->alerts_emitted++;
	if (!ml->mo->quiet)
		fprintf(stderr, "routemark: alert %s\n", ev->title);
	if (ml->sinks) {
		struct sink_event se = {.seq = seq_base + ev->seq,
		    .time = ev->time,
		    .kind = alert_kind_name(ev->kind),
		    .state = alert_state_name(ev->state),
		    .severity = ev->severity,
		    .title = ev->title,
		    .text = ev->text,
		    .json = ev->json};
		if (sink_set_emit(ml->sinks, &se) != 0)
			ml->alert_errors++;
	}
	if (ml->events) {
		char pfx[PREFIX_STRLEN] = "";
		if (ev->has_prefix)
			prefix_format(&ev->prefix, pfx, sizeof(pfx));
		struct store_alert_event se = {.alert_id = ev->id,
		    .kind = alert_kind_name(ev->kind),
		    .state = alert_state_name(ev->state),
		    .time = ev->time,
		    .prefix = pfx,
		    .asn = ev->asn,
		    .severity = ev->severity,
		    .title = ev->title,
		    .text = ev->text,
		    .json = ev->json};
		if (store_put_alert_event(ml->events, &se) < 0)
			ml->alert_errors++;
	}
}

/* A new table from the RTR cache: the routes it concerns are judged again. */
static void rtr_poll(struct monitor_live *ml)
{
	struct engine_live_stats before, after;
	engine_live_stats(ml->live, &before);
	struct engine_reval_stats rs;
	uint32_t serial;
	size_t nvrps;
	if (engine_live_rtr_poll(ml->live, (int64_t)time(NULL), &rs, &serial, &nvrps) != 1)
		return;
	engine_live_stats(ml->live, &after);
	notice("RTR serial %u: %zu VRPs, %zu changed; %zu routes judged again, %llu became "
	       "invalid, %llu became valid, in %.3f s",
	    serial, nvrps, rs.vrps_changed, rs.routes_examined,
	    (unsigned long long)(after.became_invalid - before.became_invalid),
	    (unsigned long long)(after.became_valid - before.became_valid), rs.seconds);
}

int monitor_live_open(
    struct monitor_live *ml, const struct monitor_opts *mo, struct bmp_rib *rib, int wall_clock)
{
	memset(ml, 0, sizeof(*ml));
	ml->mo = mo, ml->rib = rib, ml->wall_clock = wall_clock;
	struct cli_refs *refs = (struct cli_refs *)&mo->refs;
	struct observe_refs loaded;
	/* the station keeps an RTR cache's session: its new tables re-validate the routes */
	const char *rtr = wall_clock ? refs->spec.rtr : NULL;
	if (rtr)
		refs->spec.rtr = NULL;
	if (refs_load(refs, &loaded) != 0)
		return 1;
	struct watch *w = NULL;
	if (mo->watch) {
		w = watch_load(mo->watch);
		if (w == NULL)
			return 1;
		notice(
		    "watching %zu prefixes and %zu ASes (%s)", w->nprefixes, w->nasns, mo->watch);
	}
	if (mo->nsinks) {
		ml->sinks = sink_set_new(mo->spool);
		if (ml->sinks == NULL) {
			watch_free(w);
			return 1;
		}
		for (size_t i = 0; i < mo->nsinks; i++)
			if (sink_set_add(ml->sinks, mo->sinks[i]) != 0) {
				watch_free(w);
				return 1;
			}
		seq_base = sink_set_next_seq(ml->sinks) - 1;
	}
	if (mo->db && w) {
		if (store_open(mo->db, 0, &ml->events) != 0) {
			watch_free(w);
			return 1;
		}
	}
	struct engine_live_opts lo = {
	    .refs = refs->set, .watch = w, .rib = rib, .on_alert = on_alert, .arg = ml};
	ml->live = engine_live_new(&lo);
	if (rtr) {
		uint32_t serial;
		size_t nvrps;
		if (engine_live_rtr_open(ml->live, rtr, &serial, &nvrps) != 0)
			return 1;
		ml->rtr = 1;
		notice("RTR: %zu VRPs (serial %u)", nvrps, serial);
	}
	return 0;
}

static int64_t now_of(const struct monitor_live *ml, int64_t fallback)
{
	return ml->wall_clock || fallback == 0 ? (int64_t)time(NULL) : fallback;
}

void monitor_live_route(void *arg, const char *router, enum bmp_view view,
    const struct bmp_peer *peer, const struct mrt_route *rt)
{
	struct monitor_live *ml = arg;
	if (ml->wall_clock) {
		struct mrt_route r = *rt;
		r.ts = (uint32_t)time(NULL);
		engine_live_route(ml->live, router, view, peer, &r);
		return;
	}
	engine_live_route(ml->live, router, view, peer, rt);
}

void monitor_live_down(void *arg, const char *router, const struct bmp_peer *peer)
{
	struct monitor_live *ml = arg;
	int64_t t = peer && peer->ts_sec && !ml->wall_clock ? peer->ts_sec : 0;
	engine_live_down(ml->live, ml->rib, router, peer, now_of(ml, t));
}

void monitor_live_tick(struct monitor_live *ml)
{
	if (ml->rtr)
		rtr_poll(ml);
	engine_live_tick(ml->live, (int64_t)time(NULL));
}

void monitor_live_reload(struct monitor_live *ml)
{
	if (ml->mo->watch == NULL) {
		log_warn("monitor: SIGHUP: no watch file to reload");
		return;
	}
	struct watch *w = watch_load(ml->mo->watch);
	if (w == NULL) {
		log_warn("monitor: SIGHUP: %s not reloaded (the watch file in use stays)",
		    ml->mo->watch);
		return;
	}
	size_t np = w->nprefixes, na = w->nasns;
	engine_live_reload(ml->live, w, ml->rib, (int64_t)time(NULL));
	notice("SIGHUP: %s reloaded: %zu prefixes, %zu ASes", ml->mo->watch, np, na);
}

int monitor_live_snapshot(struct monitor_live *ml)
{
	if (ml->mo->db == NULL)
		return 0;
	uint64_t n;
	struct engine_live_stats st;
	engine_live_stats(ml->live, &st);
	uint64_t changes = st.judged - ml->judged_stored;
	int r = engine_live_snapshot(ml->live, ml->rib, ml->mo->db, (int64_t)time(NULL), &n);
	if (r == 0) {
		char *name = store_display_name(ml->mo->db);
		printf("snapshot of %llu routes held and %llu pre-policy changes stored in %s\n",
		    (unsigned long long)n, (unsigned long long)changes, name);
		free(name);
	} else if (r == 1)
		printf("no routes held or changed: no snapshot stored\n");
	ml->judged_stored = st.judged;
	return r < 0;
}

static void print_open(void *arg, const struct alert_event *ev)
{
	(void)arg;
	char when[32], pfx[PREFIX_STRLEN] = "-";
	if (ev->has_prefix)
		prefix_format(&ev->prefix, pfx, sizeof(pfx));
	printf("  open: %s since %s, %zu peers (%zu accepted)\n", ev->id,
	    time_utc_format(ev->time, when, sizeof(when)), ev->peers, ev->accepted);
}

/* Filtering seen from inside, for routers that say what they accepted. 0, or 1 when
 * --filtering-out could not be written. */
static int filtering_summary(const struct monitor_live *ml)
{
	FILE *f = NULL;
	if (ml->mo->filtering_out &&
	    (f = cli_output_open(
	         strcmp(ml->mo->filtering_out, "-") == 0 ? NULL : ml->mo->filtering_out)) == NULL)
		return 1;
	struct engine_filtering flt;
	int rc = engine_live_filtering(ml->live, f, &flt);
	if (f)
		rc = cli_output_close(f, rc != 0);
	for (size_t i = 0; i < flt.n; i++) {
		const struct engine_filtering_router *r = &flt.r[i];
		if (!(r->views & (1u << BMP_VIEW_POST | 1u << BMP_VIEW_LOC_RIB)) ||
		    !(r->views & (1u << BMP_VIEW_PRE)))
			continue;
		printf("filtering of router %s (pre-policy against %s): %llu routes received;",
		    r->router, r->views & (1u << BMP_VIEW_POST) ? "post-policy" : "Loc-RIB",
		    (unsigned long long)r->received_routes);
		for (int k = 0; k < ENGINE_FILTER_KINDS; k++)
			printf("%s %s %llu received, %llu accepted", k ? "," : "",
			    engine_filter_kind_name((enum engine_filter_kind)k),
			    (unsigned long long)r->k[k].received,
			    (unsigned long long)r->k[k].accepted);
		printf("\n");
	}
	engine_filtering_free(&flt);
	return rc != 0;
}

int monitor_live_summary(const struct monitor_live *ml)
{
	int rc = filtering_summary(ml);
	struct engine_live_stats st;
	engine_live_stats(ml->live, &st);
	printf("checks: %llu changes (%llu withdrawals), %llu pre-policy into the snapshot's "
	       "checks, %llu checked for the watch file; %llu peers and %llu routers down\n",
	    (unsigned long long)st.changes, (unsigned long long)st.withdrawals,
	    (unsigned long long)st.judged, (unsigned long long)st.checked,
	    (unsigned long long)st.peer_downs, (unsigned long long)st.router_downs);
	if (ml->rtr)
		printf("rtr: %llu new VRP tables; routes re-validated: %llu became invalid, %llu "
		       "became valid, %llu other changes; slowest re-validation %.3f s\n",
		    (unsigned long long)st.rtr_updates, (unsigned long long)st.became_invalid,
		    (unsigned long long)st.became_valid, (unsigned long long)st.became_other,
		    st.reval_seconds_max);
	if (ml->mo->watch == NULL)
		return rc;
	const struct alert_stats *a = &st.alerts;
	printf("alerts: %llu opened, %llu updated, %llu resolved, %zu open now; %zu routes "
	       "tracked\n",
	    (unsigned long long)a->opened, (unsigned long long)a->updated,
	    (unsigned long long)a->resolved, a->open_now, a->tracked_routes);
	printf("  opened by kind:");
	for (int k = 0; k < ALERT_KINDS; k++)
		if (a->by_kind[k])
			printf(" %s %llu", alert_kind_name((enum alert_kind)k),
			    (unsigned long long)a->by_kind[k]);
	printf("\n");
	engine_live_each_open_alert(ml->live, print_open, NULL);
	if (ml->alert_errors)
		printf("  %llu alert events could not be queued or stored\n",
		    (unsigned long long)ml->alert_errors);
	/* what was emitted last is usually on its way: give the sinks a moment */
	for (double t0 = clock_mono(); ml->sinks && clock_mono() - t0 < 2;) {
		uint64_t pending = 0;
		for (int i = 0; i < sink_set_count(ml->sinks); i++) {
			struct sink_stats ss;
			if (sink_set_stats(ml->sinks, i, &ss) == 0)
				pending += ss.pending;
		}
		if (pending == 0)
			break;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	for (int i = 0; ml->sinks && i < sink_set_count(ml->sinks); i++) {
		struct sink_stats ss;
		if (sink_set_stats(ml->sinks, i, &ss) != 0)
			continue;
		printf(
		    "  sink %s: %llu delivered, %llu pending, %llu dropped, %llu failed attempts; "
		    "latency p50 %.1f ms, p99 %.1f ms%s%s\n",
		    ss.name, (unsigned long long)ss.delivered, (unsigned long long)ss.pending,
		    (unsigned long long)ss.dropped, (unsigned long long)ss.failed, ss.lat_p50 * 1e3,
		    ss.lat_p99 * 1e3, *ss.last_error ? "; last error: " : "", ss.last_error);
	}
	return rc;
}

void monitor_live_close(struct monitor_live *ml)
{
	engine_live_free(ml->live);
	ml->live = NULL;
	ml->rtr = 0;
	sink_set_close(ml->sinks, 5);
	ml->sinks = NULL;
	store_close(ml->events);
	ml->events = NULL;
	refs_free((struct cli_refs *)&ml->mo->refs);
}

/* ---------------------------------------------------------------- /metrics */

static void metric(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

char *monitor_live_metrics(const struct monitor_live *ml, const struct bmp_station_stats *ss)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f == NULL)
		return xstrdup("");
	if (ss) {
		metric(f, "routemark_bmp_routers", "gauge", "BMP sessions open now");
		fprintf(f, "routemark_bmp_routers %zu\n", ss->routers);
		metric(
		    f, "routemark_bmp_sessions_total", "counter", "BMP sessions by how they began");
		fprintf(f, "routemark_bmp_sessions_total{how=\"accepted\"} %llu\n",
		    (unsigned long long)ss->accepted);
		fprintf(f, "routemark_bmp_sessions_total{how=\"connected\"} %llu\n",
		    (unsigned long long)ss->connected);
		metric(f, "routemark_bmp_sessions_ended_total", "counter",
		    "BMP sessions by how they ended");
		fprintf(f, "routemark_bmp_sessions_ended_total{how=\"closed\"} %llu\n",
		    (unsigned long long)ss->closed);
		fprintf(f, "routemark_bmp_sessions_ended_total{how=\"error\"} %llu\n",
		    (unsigned long long)ss->dropped_error);
		fprintf(f, "routemark_bmp_sessions_ended_total{how=\"idle\"} %llu\n",
		    (unsigned long long)ss->dropped_idle);
		metric(f, "routemark_bmp_messages_total", "counter",
		    "BMP messages parsed (sessions ended)");
		fprintf(f, "routemark_bmp_messages_total %llu\n", (unsigned long long)ss->messages);
		metric(f, "routemark_bmp_malformed_total", "counter",
		    "malformed BMP messages (sessions ended)");
		fprintf(
		    f, "routemark_bmp_malformed_total %llu\n", (unsigned long long)ss->malformed);
		metric(f, "routemark_bmp_buffer_peak_bytes", "gauge",
		    "the most unparsed bytes a router's buffer held");
		fprintf(f, "routemark_bmp_buffer_peak_bytes %zu\n", ss->buf_peak);
	}
	struct bmp_rib_stats rs;
	bmp_rib_stats(ml->rib, &rs);
	metric(f, "routemark_routes", "gauge", "routes held, by view");
	for (int v = 0; v < BMP_VIEWS; v++)
		fprintf(f, "routemark_routes{view=\"%s\"} %zu\n", bmp_view_name((enum bmp_view)v),
		    rs.by_view[v]);
	metric(f, "routemark_peers", "gauge", "router/view/peer rows held");
	fprintf(f, "routemark_peers %zu\n", rs.peers);
	metric(f, "routemark_attribute_sets", "gauge", "distinct interned attribute sets");
	fprintf(f, "routemark_attribute_sets %zu\n", rs.attr_sets);
	metric(f, "routemark_state_bytes", "gauge", "memory of the route state, by part");
	fprintf(f, "routemark_state_bytes{part=\"routes\"} %zu\n", rs.table_bytes);
	fprintf(f, "routemark_state_bytes{part=\"attributes\"} %zu\n", rs.attr_bytes);

	struct engine_live_stats st;
	engine_live_stats(ml->live, &st);
	metric(f, "routemark_route_changes_total", "counter", "route changes fed, all views");
	fprintf(f, "routemark_route_changes_total %llu\n", (unsigned long long)st.changes);
	metric(f, "routemark_route_withdrawals_total", "counter", "withdrawals among them");
	fprintf(f, "routemark_route_withdrawals_total %llu\n", (unsigned long long)st.withdrawals);
	metric(f, "routemark_route_checks_total", "counter",
	    "changes checked: pre-policy into the snapshot, or concerning the watch file");
	fprintf(f, "routemark_route_checks_total{for=\"snapshot\"} %llu\n",
	    (unsigned long long)st.judged);
	fprintf(f, "routemark_route_checks_total{for=\"watch\"} %llu\n",
	    (unsigned long long)st.checked);
	metric(f, "routemark_snapshots_total", "counter", "snapshots stored");
	fprintf(f, "routemark_snapshots_total %llu\n", (unsigned long long)st.snapshots);
	metric(f, "routemark_rtr_updates_total", "counter", "new VRP tables from the RTR cache");
	fprintf(f, "routemark_rtr_updates_total %llu\n", (unsigned long long)st.rtr_updates);
	metric(f, "routemark_rov_changes_total", "counter",
	    "routes whose ROV state a new table changed");
	fprintf(f, "routemark_rov_changes_total{to=\"invalid\"} %llu\n",
	    (unsigned long long)st.became_invalid);
	fprintf(f, "routemark_rov_changes_total{to=\"valid\"} %llu\n",
	    (unsigned long long)st.became_valid);
	fprintf(f, "routemark_rov_changes_total{to=\"other\"} %llu\n",
	    (unsigned long long)st.became_other);
	metric(f, "routemark_revalidation_seconds_max", "gauge", "the slowest re-validation");
	fprintf(f, "routemark_revalidation_seconds_max %.6f\n", st.reval_seconds_max);
	if (ml->mo->watch) {
		const struct alert_stats *a = &st.alerts;
		metric(f, "routemark_alert_events_total", "counter", "alert events by state");
		fprintf(f, "routemark_alert_events_total{state=\"opened\"} %llu\n",
		    (unsigned long long)a->opened);
		fprintf(f, "routemark_alert_events_total{state=\"updated\"} %llu\n",
		    (unsigned long long)a->updated);
		fprintf(f, "routemark_alert_events_total{state=\"resolved\"} %llu\n",
		    (unsigned long long)a->resolved);
		metric(f, "routemark_alerts_opened_total", "counter", "alerts opened, by kind");
		for (int k = 0; k < ALERT_KINDS; k++)
			fprintf(f, "routemark_alerts_opened_total{kind=\"%s\"} %llu\n",
			    alert_kind_name((enum alert_kind)k), (unsigned long long)a->by_kind[k]);
		metric(f, "routemark_alerts_open", "gauge", "alerts open now");
		fprintf(f, "routemark_alerts_open %zu\n", a->open_now);
		metric(f, "routemark_alert_routes_tracked", "gauge",
		    "routes the alert engine keeps (watched prefixes and ASes)");
		fprintf(f, "routemark_alert_routes_tracked %zu\n", a->tracked_routes);
	}
	int nsinks = ml->sinks ? sink_set_count(ml->sinks) : 0;
	struct sink_stats *k = nsinks ? xcalloc((size_t)nsinks, sizeof(*k)) : NULL;
	for (int i = 0; i < nsinks; i++)
		if (sink_set_stats(ml->sinks, i, &k[i]) != 0)
			snprintf(k[i].id, sizeof(k[i].id), "?");
	if (nsinks) {
		static const char *outcome[] = {"delivered", "dropped", "failed_attempt"};
		metric(f, "routemark_sink_events_total", "counter",
		    "alert events by sink and outcome");
		for (int i = 0; i < nsinks; i++)
			for (int o = 0; o < 3; o++)
				fprintf(f,
				    "routemark_sink_events_total{sink=\"%s\",outcome=\"%s\"} "
				    "%llu\n",
				    k[i].id, outcome[o],
				    (unsigned long long)(o == 0   ? k[i].delivered
				                         : o == 1 ? k[i].dropped
				                                  : k[i].failed));
		metric(
		    f, "routemark_sink_pending", "gauge", "alert events queued, not yet delivered");
		for (int i = 0; i < nsinks; i++)
			fprintf(f, "routemark_sink_pending{sink=\"%s\"} %llu\n", k[i].id,
			    (unsigned long long)k[i].pending);
		metric(f, "routemark_sink_latency_seconds", "gauge",
		    "from emit to delivery, over the last deliveries");
		for (int i = 0; i < nsinks; i++) {
			fprintf(f,
			    "routemark_sink_latency_seconds{sink=\"%s\",quantile=\"0.5\"} %.6f\n",
			    k[i].id, k[i].lat_p50);
			fprintf(f,
			    "routemark_sink_latency_seconds{sink=\"%s\",quantile=\"0.99\"} %.6f\n",
			    k[i].id, k[i].lat_p99);
		}
	}
	free(k);
	fclose(f);
	return text;
}
