#!/bin/sh
# Alert sinks: latency from emit to a local webhook receiver's 2xx for SINK_EVENTS events
# (default 200) spaced by SINK_INTERVAL_MS (default 5), in memory and with a spool, then all at
# once. The goal is p99 under 50 ms. No reference tool.
. bench/lib.sh
"$BENCH_BUILD/bench/bench_sink" "${SINK_EVENTS:-200}" "${SINK_INTERVAL_MS:-5}"
