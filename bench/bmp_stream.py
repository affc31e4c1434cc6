#!/usr/bin/python3
"""bmp_stream.py IN OUT COPIES: a large BMP stream made of a real capture (bench_pmbmpd.sh).

The first copy is IN as it is; each further copy drops the Initiation, and every copy's
monitored peer gets its own address (10.128.0.0 + copy, in the per-peer header of Peer Up,
Route Monitoring, Statistics) and loses its Peer Down, so the pre-policy routes of every copy
stay: COPIES peers of one router. The Loc-RIB instance's messages are dropped: GoBGP sends no
Peer Up for it, and pmbmpd 1.7.7 discards Route Monitoring of a peer without one, so both
collectors get only messages both process. Prints the messages and the Route Monitoring
messages."""
import struct
import sys

src, dst, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(src, "rb").read()
msgs = []
off = 0
while off + 6 <= len(data):
	length = struct.unpack("!I", data[off + 1:off + 5])[0]
	msgs.append(data[off:off + length])
	off += length
n = rm = 0
with open(dst, "wb") as f:
	for c in range(copies):
		addr = struct.pack("!I", (10 << 24 | 128 << 16) + c)
		for m in msgs:
			t = m[5]
			if t == 2 or (t == 4 and c > 0):   # Peer Down; Initiation after the first
				continue
			if t in (0, 1, 3) and m[6] == 3:   # Loc-RIB
				continue
			if t in (0, 1, 3) and m[6] != 3:     # a per-peer header, not Loc-RIB's
				m = m[:28] + addr + m[32:]
			f.write(m)
			n += 1
			rm += t == 0
print(n, rm)
