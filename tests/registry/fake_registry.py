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
  pages      tags t1..t5, ?n=N a page with a Link to the next (relative,
             then absolute); ARG "offhost": the next page on another host
  challenges manifests want "Bearer fake-tok": a 401 sends two
             WWW-Authenticate headers, Basic first, then Bearer (quoted
             values, a comma in scope) with its realm /token here, which
             answers {"token": "fake-tok"}
  accept     manifests: appends "METHOD ACCEPT" of each request to ARG;
             HEAD and GET give the Docker-Content-Digest of the bytes
"""
import hashlib
import http.server
import os
import sys
import threading
import time
import urllib.parse

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
        if MODE == "challenges":
            port = self.server.server_address[1]
            if self.path.startswith("/token"):
                code, body = 200, b'{"token": "fake-tok", "expires_in": 300}'
            elif self.headers.get("Authorization") != "Bearer fake-tok":
                code, body = 401, b'{"errors":[{"code":"UNAUTHORIZED","message":"token needed"}]}'
            else:
                code, body = 200, BODY
            self.send_response(code)
            if code == 401:
                self.send_header("WWW-Authenticate", 'Basic realm="fake registry"')
                self.send_header("WWW-Authenticate",
                                 'Bearer realm="http://127.0.0.1:%d/token",service="fake, registry",'
                                 'scope="repository:acme/tts:pull,push"' % port)
            self.send_header("Content-Type", OCI if body is BODY else "application/json")
            self.send_header("Content-Length", str(len(body)))
            if body is BODY:
                self.send_header("Docker-Content-Digest", "sha256:" + hashlib.sha256(BODY).hexdigest())
            self.end_headers()
            if not head:
                self.wfile.write(body)
            return
        if MODE == "pages" and "/tags/list" in self.path:
            u = urllib.parse.urlparse(self.path)
            q = urllib.parse.parse_qs(u.query)
            n = int(q.get("n", ["100"])[0])
            last = q.get("last", [""])[0]
            tags = [t for t in ["t1", "t2", "t3", "t4", "t5"] if t > last][:n]
            body = ('{"name":"acme/many","tags":[%s]}' % ",".join('"%s"' % t for t in tags)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            if tags and tags[-1] != "t5":
                nxt = "%s?n=%d&last=%s" % (u.path, n, tags[-1])
                port = self.server.server_address[1]
                if ARG == "offhost":
                    nxt = "http://localhost:%d%s" % (port, nxt)
                elif last:
                    nxt = "http://127.0.0.1:%d%s" % (port, nxt)
                self.send_header("Link", '<%s>; rel="next"' % nxt)
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
