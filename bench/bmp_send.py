#!/usr/bin/python3
"""bmp_send.py HOST PORT FILE: one BMP router for bench_pmbmpd.sh. Connects (retrying while the
collector starts, up to 60 s), writes FILE, shuts its side, and waits until the collector
closes the connection, which a collector does once it has read everything up to the end of
the stream. Prints the seconds from the connect to that close."""
import socket
import sys
import time

host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
data = open(path, "rb").read()
deadline = time.monotonic() + 60
while True:
	try:
		s = socket.create_connection((host, port))
		break
	except OSError:
		if time.monotonic() > deadline:
			sys.exit("bmp_send: nothing listens on %s:%d" % (host, port))
		time.sleep(0.05)
t0 = time.perf_counter()
s.sendall(data)
s.shutdown(socket.SHUT_WR)
while s.recv(1 << 16):
	pass
print("%.6f" % (time.perf_counter() - t0))
