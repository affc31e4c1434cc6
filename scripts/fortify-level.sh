#!/bin/sh
# Print the _FORTIFY_SOURCE level to build with: 3 when the compiler ($1, default cc) and the C
# library honour it (glibc >= 2.34 with gcc >= 12 or clang >= 9: __USE_FORTIFY_LEVEL comes out
# as 3), else 2. Used by the Makefile's hardening flags.
cc=${1:-cc}
lvl=$(printf '#include <stdio.h>\nrm_fortify_level __USE_FORTIFY_LEVEL\n' |
	$cc -O2 -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3 -E -P -x c - 2>/dev/null |
	sed -n 's/^rm_fortify_level \([0-9]\).*/\1/p')
[ "$lvl" = 3 ] && echo 3 || echo 2
