#!/usr/bin/python3
"""An independent decoder of a BMP capture: tshark's BMP and BGP dissectors (issue 13).

bmp_tshark_state.py [--at OFF,OFF,...] FILE
    FILE holds raw BMP bytes (a station's TCP payload). They go into a pcap as one TCP
    stream (127.0.0.2:40000 -> 127.0.0.1:11020, segments of 1400 bytes that tshark must
    reassemble), tshark decodes it (-T json), and the messages are replayed into a route
    state: an announcement replaces, a withdrawal removes, a Peer Down flushes the peer's
    routes in every view (RFC 7854 section 4.9); peer type 3 is Loc-RIB (RFC 9069). The
    state is printed after every message that ends at or before each OFF (bytes; default:
    the whole file) as "# at OFF N" then one sorted line a route:
        view router peer peer_as prefix path
bmp_tshark_state.py --rib-out FILE
    routemark monitor's --rib-out JSON lines in the same line form, sorted.

Python standard library and tshark only; nothing of routemark's code.
"""
import ipaddress
import json
import os
import struct
import subprocess
import sys
import tempfile

PORT = 11020
SEG = 1400


def pcap(data, path):
	"""Raw bytes as one TCP stream in a pcap. Segments of SEG bytes, and a segment also
	ends after every Peer Up: tshark 4.0's BGP dissector raises an exception on FRR 8.4's
	Peer Up (its Information TLV after the OPENs) and TCP reassembly of the rest of that
	segment's stream then stops for good; a segment boundary after the Peer Up avoids it.
	This framing reads only the common header's length and type."""
	cuts = set(range(SEG, len(data), SEG))
	off = 0
	while off + 6 <= len(data):
		length = struct.unpack("!I", data[off + 1:off + 5])[0]
		if length < 6:
			break
		if data[off + 5] == 3:
			cuts.add(off + length)
		off += length
	cuts = sorted(c for c in cuts if 0 < c < len(data)) + [len(data)]
	with open(path, "wb") as f:
		f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
		prev = 0
		for n, c in enumerate(cuts):
			p = data[prev:c]
			tcp = struct.pack("!HHIIBBHHH", 40000, PORT, 1000 + prev, 1, 5 << 4, 0x18, 65535, 0, 0)
			ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40 + len(p), 0, 0x4000, 64, 6, 0,
			                 bytes([127, 0, 0, 2]), bytes([127, 0, 0, 1]))
			frame = b"\0" * 12 + b"\x08\x00" + ip + tcp + p
			f.write(struct.pack("<IIII", n + 1, 0, len(frame), len(frame)) + frame)
			prev = c


def obj(v):
	return isinstance(v, list) and v and isinstance(v[0], tuple)


def get(pairs, key, default=None):
	for k, v in pairs:
		if k == key:
			return v
	return default


def prefixes(container):
	"""The prefixes under an NLRI / withdrawn routes / MP_(UN)REACH item."""
	out = []
	for _, v in container:
		if not obj(v):
			continue
		plen = get(v, "bgp.prefix_length")
		addr = None
		for k, x in v:
			if k.endswith("_prefix") and k != "bgp.prefix_length":
				addr = x
		if plen is None or addr is None:
			continue
		net = ipaddress.ip_network("%s/%s" % (addr, plen), strict=False)
		out.append(str(net))
	return out


def update(bgp):
	"""(withdrawn, announced, path) of one UPDATE."""
	wd, ann, path = [], [], []
	for k, v in bgp:
		if k == "bgp.update.withdrawn_routes" and obj(v):
			wd += prefixes(v)
		elif k == "bgp.update.nlri" and obj(v):
			ann += prefixes(v)
		elif k == "bgp.update.path_attributes" and obj(v):
			for ak, attr in v:
				if ak != "bgp.update.path_attribute":
					continue
				code = get(attr, "bgp.update.path_attribute.type_code")
				for bk, b in attr:
					if code == "2" and bk == "bgp.update.path_attribute.as_path_segment":
						path += [x for sk, x in b if sk.endswith((".as4", ".as2"))]
					elif code == "14" and bk == "bgp.update.path_attribute.mp_reach_nlri" and obj(b):
						ann += prefixes(b)
					elif code == "15" and bk == "bgp.update.path_attribute.mp_unreach_nlri" and obj(b):
						wd += prefixes(b)
	return wd, ann, path


def view(ptype, flags):
	if ptype == 3:
		return "loc-rib"
	post = flags & 0x40
	if flags & 0x10:
		return "adj-rib-out-post" if post else "adj-rib-out-pre"
	return "post-policy" if post else "pre-policy"


def dump(state, off):
	lines = sorted(" ".join(k[:2] + (k[2], k[3], k[4], v)) for k, v in state.items())
	print("# at %d %d" % (off, len(lines)))
	for line in lines:
		print(line)


def replay(file, cuts):
	data = open(file, "rb").read()
	cuts = sorted(cuts) if cuts else [len(data)]
	with tempfile.TemporaryDirectory() as tmp:
		pc = os.path.join(tmp, "bmp.pcap")
		pcap(data, pc)
		r = subprocess.run(["tshark", "-n", "-r", pc, "-d", "tcp.port==%d,bmp" % PORT,
		                    "-o", "tcp.desegment_tcp_streams:TRUE", "-o", "bmp.desegment:TRUE",
		                    "-T", "json"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
		                   check=True)
	frames = json.loads(r.stdout, object_pairs_hook=lambda p: p)
	router = "?"
	state = {}   # (view, router, peer, peer_as, prefix) -> path
	off = 0
	ci = 0
	for fr in frames:
		for k, m in get(get(fr, "_source"), "layers"):
			if k != "bmp":
				continue
			length = int(get(m, "bmp.length"))
			while ci < len(cuts) and off + length > cuts[ci]:
				dump(state, cuts[ci])
				ci += 1
			off += length
			mtype = int(get(m, "bmp.type"))
			if mtype == 4:
				for tk, t in m:
					if tk != "bmp.init.types" or not obj(t):
						continue
					ttype = None   # pairs: bmp.init.type, then its tree
					for kk, x in t:
						if kk == "bmp.init.type":
							ttype = x
						elif kk == "bmp.init.type_tree" and ttype == "2":
							router = get(x, "bmp.init.info")
				continue
			ph = get(m, "bmp.peer.header")
			if not ph:
				continue
			ptype = int(get(ph, "bmp.peer.type"))
			flags = int(get(ph, "bmp.peer.flags"), 16)
			addr = get(ph, "bmp.peer.ipv6.addr") or get(ph, "bmp.peer.ip.addr")
			addr = str(ipaddress.ip_address(addr))
			asn = get(ph, "bmp.peer.asn")
			if mtype == 2:   # Peer Down: every view of this peer
				for key in [key for key in state
				            if key[1] == router and key[2] == addr and
				            (key[0] == "loc-rib") == (ptype == 3)]:
					del state[key]
			elif mtype == 0:
				bgp = get(m, "bgp")
				if not bgp or get(bgp, "bgp.type") != "2":
					continue
				wd, ann, path = update(bgp)
				v = view(ptype, flags)
				for p in wd:
					state.pop((v, router, addr, asn, p), None)
				for p in ann:
					state[(v, router, addr, asn, p)] = ",".join(path)
	if off != len(data):
		sys.exit("tshark decoded %d of %d bytes" % (off, len(data)))
	while ci < len(cuts):
		dump(state, cuts[ci])
		ci += 1


def rib_out(file):
	lines = []
	for line in open(file):
		r = json.loads(line)
		lines.append("%s %s %s %s %s %s" % (r["view"], r["router"], r["peer"], r["peer_as"],
		                                   r["prefix"], ",".join(str(a) for a in r["path"])))
	for line in sorted(lines):
		print(line)


def main():
	args = sys.argv[1:]
	if len(args) == 2 and args[0] == "--rib-out":
		return rib_out(args[1])
	cuts = []
	if len(args) == 3 and args[0] == "--at":
		cuts = [int(x) for x in args[1].split(",")]
		args = args[2:]
	if len(args) != 1:
		sys.exit("usage: bmp_tshark_state.py [--at OFF,...] FILE | --rib-out FILE")
	replay(args[0], cuts)


if __name__ == "__main__":
	main()
