#!/bin/sh
# Alert latency end to end: a BMP Route Monitoring message written to `routemark monitor
# --listen` until the webhook receiver gets the alert's "opened" POST, p50/p99 over
# ALERT_CYCLES hijack announce/withdraw cycles (default 200), with an empty table and with
# ALERT_TABLE unwatched routes held (default 100000). The goal is p99 under
# 50 ms. No reference tool.
. bench/lib.sh
"$BENCH_BUILD/bench/bench_alert_latency" "${ALERT_CYCLES:-200}" "${ALERT_TABLE:-100000}"
