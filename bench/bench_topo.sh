#!/bin/sh
# Load time and peak memory of the 2023 CAIDA relationships (380k links), against the floor
# of decompressing the file (bzip2 -dc); then lookup rates for pairs, valley checks and bogons.
. bench/lib.sh
B=$BENCH_BUILD/bench/bench_topo
F=$ROUTEMARK_DATA/caida/20230101.as-rel.txt.bz2
[ -f "$F" ] || { echo "SKIP: $F absent"; exit 0; }
[ -x "$B" ] || { echo "SKIP: $B not built"; exit 0; }
load=$(median_of "$B load $F")
floor=$(median_of "bzip2 -dc $F")
rss=$(peak_rss_mb "$B load $F")
echo "asrel load 2023 (median of $RUNS): ${load} s; bzip2 -dc alone ${floor} s;" \
     "ratio $(ratio "$load" "$floor"); peak RSS ${rss} MiB"
V4=$ROUTEMARK_DATA/bogons/cymru_fullbogons-ipv4_20240310.txt
V6=$ROUTEMARK_DATA/bogons/cymru_fullbogons-ipv6_20240310.txt.gz
"$B" query "$F" "$V4" "$V6"
