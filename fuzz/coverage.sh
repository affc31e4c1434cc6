#!/bin/sh
# Line coverage reached by each fuzz target's corpus: runs the coverage build of every target
# (BUILD, default build-fuzzcov: clang -fprofile-instr-generate -fcoverage-mapping, made by
# `make fuzz-cov`) once over the corpus `make fuzz` left in build-fuzz/corpus/NAME (committed
# seeds + real-data seeds + what the fuzzer found), then prints llvm-cov's line coverage of the
# parser files the target is meant for, one line per file and a total.
BUILD=${1:-build-fuzzcov}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
profdata=$(command -v llvm-profdata || command -v llvm-profdata-14)
llvmcov=$(command -v llvm-cov || command -v llvm-cov-14)
[ -n "$profdata" ] && [ -n "$llvmcov" ] || { echo "fuzz-cov: llvm-profdata/llvm-cov absent"; exit 1; }

files_of() {
	case "$1" in
	fuzz_asrel) echo src/topo/asrel.c src/topo/valley.c src/topo/cone.c ;;
	fuzz_bmp) echo src/bmp/parser.c src/bmp/msg.c src/bmp/attrs.c src/bmp/rib.c \
		src/mrt/bgp_decoder.c ;;
	fuzz_bz2par) echo src/core/bz2par.c ;;
	fuzz_delegated) echo src/registry/delegated.c src/registry/bogon_load.c \
		src/registry/asnames.c src/registry/peeringdb.c ;;
	fuzz_mrt) echo src/mrt/reader.c src/mrt/table_dump.c src/mrt/table_dump_v2.c \
		src/mrt/bgp4mp.c src/mrt/bgp_attr.c src/mrt/bgp_update.c ;;
	fuzz_jws) echo src/sign/b64url.c src/sign/key.c src/sign/jws.c src/conform/signed.c ;;
	fuzz_origins) echo src/origins/reader.c src/core/zinput.c src/core/zlines.c ;;
	fuzz_profile) echo src/conform/profile.c src/conform/expr.c ;;
	fuzz_router) echo src/serve/router.c ;;
	fuzz_rpsl) echo src/irr/rpsl.c src/irr/nrtm.c src/irr/whois.c ;;
	fuzz_sources) echo src/fetch/sources.c ;;
	fuzz_spool) echo src/sink/spool.c ;;
	fuzz_watch) echo src/alert/watch.c ;;
	fuzz_vrp) echo src/rpki/vrp_json.c src/rpki/vrp_csv.c src/rpki/vrp_rcynic.c \
		src/rpki/vrp_load.c ;;
	esac
}

status=0
for bin in "$BUILD"/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	corpus=build-fuzz/corpus/$name
	[ -d "$corpus" ] || { echo "fuzz-cov: $name: no corpus (run make fuzz first)"; status=1; continue; }
	rm -f "$BUILD/$name".profraw
	if ! LLVM_PROFILE_FILE="$BUILD/$name.profraw" "$bin" -runs=0 -max_len=70000 "$corpus" \
	    >"$BUILD/$name.log" 2>&1; then
		echo "fuzz-cov: $name: the corpus run failed (see $BUILD/$name.log)"
		status=1
		continue
	fi
	"$profdata" merge -sparse -o "$BUILD/$name.profdata" "$BUILD/$name.profraw" || { status=1; continue; }
	n=$(ls "$corpus" | wc -l)
	# llvm-cov report: Filename Regions Missed Cover Functions Missed Executed Lines Missed Cover
	"$llvmcov" report "$bin" -instr-profile="$BUILD/$name.profdata" $(files_of "$name") |
		awk -v name="$name" -v n="$n" '
		$1 ~ /\.c$/ { sub(".*/", "", $1)
			printf "fuzz-cov: %-15s %-28s lines %6s of %5d  (regions %s)\n", name, $1, $10, $8, $4 }
		$1 == "TOTAL" { printf "fuzz-cov: %-15s %-28s lines %6s of %5d  (regions %s), corpus of %d inputs\n",
			name, "total", $10, $8, $4, n }'
done
exit $status
