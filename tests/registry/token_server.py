#!/usr/bin/env python3
"""A token issuer for the registry's `auth: token` config, for the tests.

  token_server.py PORT_FILE KEY CERT USER PASS LOG

Serves GET /token?service=S&scope=repository:NAME:ACTIONS. With Basic
USER:PASS it grants the scope's actions, without credentials it answers
401, with wrong ones 401 {"details": ...}. POST /token with the OAuth2 form
grant_type=refresh_token&refresh_token=refresh-PASS (docker's identity
token) grants them too, logged as "refresh SCOPE". Tokens are ES256 JWTs with the
certificate in x5c (what the registry's rootcertbundle checks). Each
request is logged to LOG as "token SCOPE". Writes its port to PORT_FILE.
The token is in "access_token" with "expires_in": 300, unless the file
LOG.answer holds "KEY TTL" (read at each request): the token in KEY
("token" or "access_token") and expires_in TTL seconds.
"""
import base64
import http.server
import json
import os
import sys
import time
import urllib.parse

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography import x509

PORT_FILE, KEY, CERT, USER, PASS, LOG = sys.argv[1:7]
with open(KEY, "rb") as f:
    key = serialization.load_pem_private_key(f.read(), password=None)
with open(CERT, "rb") as f:
    cert = x509.load_pem_x509_certificate(f.read())
X5C = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def grant(service, scope):
    key, ttl = "access_token", 300
    try:
        with open(LOG + ".answer") as f:
            key, ttl = f.read().split()
            ttl = int(ttl)
    except FileNotFoundError:
        pass
    return {key: jwt(service, scope), "expires_in": ttl}


def jwt(service, scope):
    access = []
    if scope:
        typ, name, actions = scope.split(":", 2)
        access.append({"type": typ, "name": name, "actions": actions.split(",")})
    now = int(time.time())
    head = {"alg": "ES256", "typ": "JWT", "x5c": [X5C]}
    claims = {"iss": "ttstui-test-issuer", "sub": USER, "aud": service, "exp": now + 300,
              "nbf": now - 10, "iat": now, "jti": str(time.time_ns()), "access": access}
    signing = b64u(json.dumps(head).encode()) + "." + b64u(json.dumps(claims).encode())
    der = key.sign(signing.encode(), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return signing + "." + b64u(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(u.query)
        scope = q.get("scope", [""])[0]
        with open(LOG, "a") as f:
            f.write("token %s\n" % scope)
        want = "Basic " + base64.b64encode(("%s:%s" % (USER, PASS)).encode()).decode()
        got = self.headers.get("Authorization")
        if got is None:
            self.send(401, {"details": "no credentials"})
        elif got != want:
            self.send(401, {"details": "incorrect username or password"})
        else:
            self.send(200, grant(q.get("service", [""])[0], scope))


def do_POST(self):
    n = int(self.headers.get("Content-Length") or 0)
    form = urllib.parse.parse_qs(self.rfile.read(n).decode())
    scope = form.get("scope", [""])[0]
    with open(LOG, "a") as f:
        f.write("refresh %s\n" % scope)
    if form.get("grant_type") != ["refresh_token"] or form.get("refresh_token") != ["refresh-" + PASS]:
        self.send(401, {"error": "invalid_grant"})
    else:
        self.send(200, grant(form.get("service", [""])[0], scope))


H.do_POST = do_POST
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
with open(PORT_FILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(PORT_FILE + ".tmp", PORT_FILE)
srv.serve_forever()
