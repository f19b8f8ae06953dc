#!/usr/bin/env python3
"""A cluster change to its row on the dashboard's screen, for bench/run.sh.

usage: change_to_row.py TMUX-SOCKET PANE CLUSTER-URL COUNT

Deletes the first COUNT models shown on the pane, one at a time: each
namespace turns Terminating at once on the demo cluster. For each, the
clock starts as the DELETE goes out on an open connection and stops when a
capture of the pane shows that model's row changed. Prints the times in ms,
one line, space separated (-1 for a row that did not change in 5 s).

One process for the whole measure: a shell loop spends tens of ms
starting curl, tmux, grep and sed for every poll, which is the harness's
time, not the dashboard's.
"""
import http.client
import re
import subprocess
import sys
import time
import urllib.parse


def screen(sock, pane):
    return subprocess.run(["tmux", "-L", sock, "capture-pane", "-p", "-t", pane],
                          capture_output=True, text=True).stdout


def row(text, model):
    for line in text.splitlines():
        if re.search(r"(^|\s)" + re.escape(model) + r"(\s|$)", line):
            return line
    return None


def main():
    sock, pane, url, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    models = []
    for m in re.findall(r"model-[0-9]+", screen(sock, pane)):
        if m not in models:
            models.append(m)
    times = []
    for model in models[:count]:
        before = row(screen(sock, pane), model)
        t0 = time.monotonic()
        conn.request("DELETE", "/api/v1/namespaces/" + model)
        resp = conn.getresponse()
        resp.read()
        if resp.status >= 300:
            sys.exit("DELETE %s: HTTP %d" % (model, resp.status))
        took = -1
        while time.monotonic() - t0 < 5:
            if row(screen(sock, pane), model) != before:
                took = (time.monotonic() - t0) * 1000
                break
            time.sleep(0.002)
        times.append("%d" % took if took >= 0 else "-1")
        time.sleep(1)  # the next model from a quiet dashboard
    print(" ".join(times))


if __name__ == "__main__":
    main()
