#!/bin/sh
# BMP ingest over TCP against pmacct's BMP collector (issue 13: "at least 5x faster"). One
# stream made of the real GoBGP capture (bench/bmp_stream.py: BMP_COPIES copies, each with its
# own peer, Loc-RIB dropped as pmbmpd ignores it without a Peer Up) goes over loopback to
# `routemark monitor --listen` (with VRPs, ASPAs and AS relationships: every check runs) and
# to `pmbmpd` (no message log, no dump), each started afresh for every run, in turn. Time: from
# the connect until the collector closes the connection after reading the stream's end
# (bench/bmp_send.py); medians of RUNS. Both receivers' logs are checked afterwards: routemark
# must report every message and no malformed one, pmbmpd no discarded packet.
. bench/lib.sh
gobgp="$ROUTEMARK_DATA/bmp/gobgp-3.10_pre-post-policy_loc-rib.bmp"
vrps="$ROUTEMARK_DATA/rpki/rpki_2023-11-07_derived_roas_aspas.json.gz"
asrel="$ROUTEMARK_DATA/caida/20240101.as-rel.txt.bz2"
for f in "$gobgp" "$vrps" "$asrel"; do
	if [ ! -f "$f" ]; then
		echo "SKIP: bench_pmbmpd: $f is absent"
		exit 0
	fi
done
if ! command -v pmbmpd >/dev/null 2>&1; then
	echo "SKIP: bench_pmbmpd: pmbmpd (Debian pmacct) is not installed (scripts/deps.sh)"
	exit 0
fi
py=/usr/bin/python3
stream="$BENCH_OUT/pmbmpd_stream.bmp"
set -- $($py bench/bmp_stream.py "$gobgp" "$stream" "${BMP_COPIES:-200}")
msgs=$1 routes=$2 # one prefix a Route Monitoring message in this capture
bytes=$(wc -c <"$stream")
port=${BMP_PORT:-17990}
log="$BENCH_OUT/pmbmpd_bench.log"
: >"$BENCH_OUT/.times_rm"
: >"$BENCH_OUT/.times_pm"
i=0
while [ "$i" -lt "$RUNS" ]; do
	"$ROUTEMARK_BIN" monitor --listen "127.0.0.1:$port" --duration 600 -q --vrps "$vrps" \
	    --asrel "$asrel" >"$log" 2>&1 &
	pid=$!
	$py bench/bmp_send.py 127.0.0.1 "$port" "$stream" >>"$BENCH_OUT/.times_rm"
	kill -TERM "$pid"
	wait "$pid"
	if ! grep -q " $msgs messages, $bytes bytes in .* 0 malformed" "$log"; then
		echo "bench_pmbmpd: routemark did not read the whole stream:"
		cat "$log"
		exit 1
	fi
	pmbmpd -L 127.0.0.1 -l $((port + 1)) >"$log" 2>&1 &
	pid=$!
	$py bench/bmp_send.py 127.0.0.1 $((port + 1)) "$stream" >>"$BENCH_OUT/.times_pm"
	kill -INT "$pid" # pmacct ends on SIGINT (docs/SIGNALS); SIGTERM in the background is ignored
	wait "$pid"
	if grep -q "discarded\|ERROR\|WARN" "$log" || ! grep -q "connection reset by peer" "$log"; then
		echo "bench_pmbmpd: pmbmpd did not read the whole stream:"
		cat "$log"
		exit 1
	fi
	i=$((i + 1))
done
med() { sort -g "$1" | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'; }
trm=$(med "$BENCH_OUT/.times_rm")
tpm=$(med "$BENCH_OUT/.times_pm")
rate() { echo "$routes $1" | awk '{ printf "%.0f", $1 / $2 }'; }
echo "BMP ingest over TCP, $msgs messages ($bytes bytes, $routes route changes, ${BMP_COPIES:-200} peers), median of $RUNS"
echo "  routemark monitor --listen (all checks): $trm s, $(rate "$trm") routes/s"
echo "  pmbmpd $(pmbmpd -V 2>&1 | sed -n 's/.*pmbmpd \([^ ]*\).*/\1/p' | head -1): $tpm s, $(rate "$tpm") routes/s"
echo "  routemark is $(ratio "$tpm" "$trm")x faster"
rm -f "$stream"
