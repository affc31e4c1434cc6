#!/bin/sh
# Check that ELF binaries carry the hardening the Makefile builds with, like checksec: PIE (ELF
# type DYN with the PIE flag), full RELRO (a GNU_RELRO segment and BIND_NOW), the stack
# protector (__stack_chk_fail imported) and _FORTIFY_SOURCE (__*_chk functions imported).
# Usage: scripts/check-hardening.sh BINARY...  Exits 1 when anything is missing.
status=0
[ $# -gt 0 ] || set -- build/routemark
for bin in "$@"; do
	if ! [ -f "$bin" ]; then
		echo "hardening: $bin: no such file"
		status=1
		continue
	fi
	bad=""
	readelf -hW "$bin" | grep -q 'Type:[[:space:]]*DYN' || bad="$bad PIE(type)"
	dyn=$(readelf -dW "$bin")
	echo "$dyn" | grep -q 'FLAGS_1.*PIE' || bad="$bad PIE(flag)"
	echo "$dyn" | grep -Eq '\(BIND_NOW\)|FLAGS.*[[:space:]]NOW' || bad="$bad BIND_NOW"
	readelf -lW "$bin" | grep -q 'GNU_RELRO' || bad="$bad GNU_RELRO"
	syms=$(readelf --dyn-syms -W "$bin")
	echo "$syms" | grep -q '__stack_chk_fail' || bad="$bad stack-protector"
	nchk=$(echo "$syms" | grep -o '__[a-z0-9_]*_chk' | grep -v __stack_chk | sort -u | wc -l)
	[ "$nchk" -gt 0 ] || bad="$bad fortify"
	if [ -n "$bad" ]; then
		echo "hardening: $bin: MISSING$bad"
		status=1
	else
		echo "hardening: $bin: PIE, full RELRO (GNU_RELRO + BIND_NOW), stack protector," \
			"fortify ($nchk __*_chk functions): ok"
	fi
done
exit $status
