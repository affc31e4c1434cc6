#!/bin/sh
# BMP: ingest of the real FRR and GoBGP captures (parser + route state, from memory, each fed
# 100 times as one stream; median of RUNS runs inside one process), then the route state's
# bytes a route for BMP_PREFIXES x BMP_PEERS routes (default 1,000,000 x 2; the issue's
# 1M x 20 needs about 1.3 GB) and the time of a Peer Down. Against pmacct's pmbmpd over TCP:
# bench_pmbmpd.sh.
. bench/lib.sh
frr="$ROUTEMARK_DATA/bmp/frr-8.4.4_exabgp_pre-post-policy.bmp"
gobgp="$ROUTEMARK_DATA/bmp/gobgp-3.10_pre-post-policy_loc-rib.bmp"
if [ ! -f "$frr" ] || [ ! -f "$gobgp" ]; then
	echo "SKIP: bench_bmp: the captures of $ROUTEMARK_DATA/bmp are absent"
	exit 0
fi
"$BENCH_BUILD/bench/bench_bmp" --runs "$RUNS" --routes "${BMP_PREFIXES:-1000000}" \
    "${BMP_PEERS:-2}" "$frr" "$gobgp"
