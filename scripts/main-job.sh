#!/bin/sh
# The README's main job: summarise every real MRT archive in the shared data, show a sample of
# decoded routes, and validate a real routing table against real RPKI data.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
data=${ROUTEMARK_DATA:-$top/../shared/data}
rm=$top/build/routemark
if [ ! -d "$data/mrt" ]; then
	echo "main job: no shared data at $data (set ROUTEMARK_DATA)" >&2
	exit 1
fi
echo "== routemark stat: every MRT archive in $data/mrt"
"$rm" stat "$data"/mrt/* || true
jinx=$data/mrt/libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2
echo
echo "== routemark dump: the first routes of the RouteViews jinx RIB (bgpdump -m format)"
"$rm" dump "$jinx" | head -5
if "$rm" --help 2>/dev/null | grep -q '^  vrps'; then
	echo
	echo "== routemark vrps: the 2017 global RPKI"
	"$rm" vrps --vrps "$data/rpki/vrps_2017-06-01_from_compress_roas.csv"
fi
