#!/bin/sh
# Run every test binary in BUILD/tests with the shared data folder, then print one closing
# line "N passed, N failed, N skipped" over all of them (cmocka's per-binary counts summed).
BUILD=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
export ROUTEMARK_DATA=${ROUTEMARK_DATA:-$(cd "$top/../shared/data" 2>/dev/null && pwd)}
export ROUTEMARK_BIN="$top/$BUILD/routemark"
export ROUTEMARK_TOP="$top"
[ -d "$ROUTEMARK_DATA" ] || echo "SKIP: shared data folder not found (tests needing it will skip)"
cd "$top" || exit 1
pass=0 fail=0 skipped=0 bad=""
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	s=$(printf '%s\n' "$out" | sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' | tail -1)
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0})); skipped=$((skipped + ${s:-0}))
	if [ $rc -ne 0 ]; then
		bad="$bad $(basename "$t")"
		[ -z "$f" ] && fail=$((fail + 1))
	fi
done
echo
[ -n "$bad" ] && echo "failing test binaries:$bad"
echo "$pass passed, $fail failed, $skipped skipped"
[ -z "$bad" ]
