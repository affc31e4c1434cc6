#!/usr/bin/python3
"""Verify a routemark signed report with an independent JOSE implementation (python3-jwcrypto).

usage: /usr/bin/python3 tests/jws_verify.py KEY JWS [--at UNIX]

KEY is a PEM public (or private) key or a JWK set (JSON, as serve's /.well-known/jwks.json);
with a set the key is picked by the JWS header's kid. JWS is a file holding the compact
serialization ('-' for standard input). Checks the EdDSA signature (jwcrypto), that the kid is
the key's RFC 7638 thumbprint when the key is PEM, and that the payload is a JSON object of
schema routemark.conform-signed/1 valid at --at (default now). Prints "valid ASN OVERALL" and
exits 0, or prints why and exits 1 (2 for usage errors).
"""
import json
import sys
import time

from jwcrypto import jwk, jws
from jwcrypto.common import JWException


def load_keys(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw.lstrip().startswith(b"{"):
        doc = json.loads(raw)
        if "keys" in doc:
            return {k.get("kid"): jwk.JWK(**k) for k in doc["keys"]}
        key = jwk.JWK(**doc)
        return {doc.get("kid") or key.thumbprint(): key}
    key = jwk.JWK.from_pem(raw)
    return {key.thumbprint(): key}


def main(argv):
    if len(argv) not in (3, 5) or (len(argv) == 5 and argv[3] != "--at"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    at = int(argv[4]) if len(argv) == 5 else int(time.time())
    keys = load_keys(argv[1])
    text = (sys.stdin.read() if argv[2] == "-" else open(argv[2]).read()).strip()
    token = jws.JWS()
    try:
        token.deserialize(text)
    except JWException as e:
        print("invalid: not a JWS: %s" % e)
        return 1
    header = token.jose_header
    if header.get("alg") != "EdDSA":
        print("invalid: alg %r" % header.get("alg"))
        return 1
    kid = header.get("kid")
    if kid not in keys:
        print("invalid: no key with kid %r (have %s)" % (kid, ", ".join(map(str, keys))))
        return 1
    try:
        token.verify(keys[kid], alg="EdDSA")
    except JWException as e:
        print("invalid: signature: %s" % e)
        return 1
    payload = json.loads(token.payload)
    if payload.get("schema") != "routemark.conform-signed/1":
        print("invalid: schema %r" % payload.get("schema"))
        return 1
    if not payload["nbf"] <= at < payload["exp"]:
        print("invalid: not valid at %d (nbf %d, exp %d)" % (at, payload["nbf"], payload["exp"]))
        return 1
    print("valid AS%d %s" % (payload["asn"], payload["report"]["overall"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
