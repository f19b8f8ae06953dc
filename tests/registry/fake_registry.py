#!/usr/bin/env python3
"""A misbehaving registry for the tests where the real one cannot misbehave.

  fake_registry.py MODE PORT_FILE [ARG]

Binds a free loopback port and writes it to PORT_FILE once listening.
  mismatch   manifests: HEAD without Docker-Content-Digest; GET serves bytes
             whose Docker-Content-Digest is another digest
  nodigest   manifests: no Docker-Content-Digest at all (the bytes decide)
  slow       accepts and never answers (a timeout)
  redirect   asks for Basic auth, then redirects manifests to ARG (a URL base)
  record     appends each request's Authorization header (or "-") to ARG
             and serves a manifest without a digest
  hostile    escape sequences and bidi controls in its error and its tags
  accept     manifests: appends "METHOD ACCEPT" of each request to ARG;
             HEAD and GET give the Docker-Content-Digest of the bytes
"""
import hashlib
import http.server
import os
import sys
import threading
import time

MODE = sys.argv[1]
PORT_FILE = sys.argv[2]
ARG = sys.argv[3] if len(sys.argv) > 3 else ""
BODY = b'{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",' \
       b'"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:' + \
       b"1" * 64 + b'","size":2},"layers":[]}'
OCI = "application/vnd.oci.image.manifest.v1+json"


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, head):
        if MODE == "slow":
            time.sleep(60)
            return
        if self.path == "/v2/" or self.path == "/v2":
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            if not head:
                self.wfile.write(b"{}")
            return
        if MODE == "hostile":
            if "/tags/list" in self.path:
                code, body = 200, b'{"name":"x","tags":["ok","bad\\u001b[2Jtag","rtl\\u202etag"]}'
            else:
                code, body = 404, (b'{"errors":[{"code":"MANIFEST_UNKNOWN\\u001b[31m",'
                                   b'"message":"evil \\u001b]0;pwned\\u0007 text \\u202e end"}]}')
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)
            return
        if MODE == "accept":
            with open(ARG, "a") as f:
                f.write("%s %s\n" % (self.command, self.headers.get("Accept") or "-"))
        if MODE == "record":
            with open(ARG, "a") as f:
                f.write((self.headers.get("Authorization") or "-") + "\n")
        if MODE == "redirect":
            if self.headers.get("Authorization") != "Basic dTpzZWNyZXQtcHc=":  # u:secret-pw
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="fake"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(307)
            self.send_header("Location", ARG + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", OCI)
        self.send_header("Content-Length", str(len(BODY)))
        if MODE == "mismatch" and not head:
            self.send_header("Docker-Content-Digest", "sha256:" + "0" * 64)
        if MODE == "accept":
            self.send_header("Docker-Content-Digest", "sha256:" + hashlib.sha256(BODY).hexdigest())
        self.end_headers()
        if not head:
            self.wfile.write(BODY)

    def do_HEAD(self):
        self.answer(True)

    def do_GET(self):
        self.answer(False)


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
tmp = PORT_FILE + ".tmp"
with open(tmp, "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(tmp, PORT_FILE)
srv.serve_forever()
