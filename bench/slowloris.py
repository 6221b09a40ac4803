#!/usr/bin/python3
"""Slow clients against httpd: how many can the development configuration take while normal
requests stay fast?

    /usr/bin/python3 bench/slowloris.py                  # event, steps 0 50 100 ... 300
    /usr/bin/python3 bench/slowloris.py --mpm prefork --steps 0,2,4,6,8,10
    /usr/bin/python3 bench/slowloris.py --url http://127.0.0.1:8080 --steps 100

Without --url it starts a private stack (tests/stack.py, conf/dev/httpd.conf.in unchanged) in a
temporary directory and stops it at the end. For each step it keeps N slow connections open for
--seconds (every one the server closes is opened again at once, as an attacker would): half send
a request line and headers a byte at a time, half send complete headers for a JSON POST to
/api/accounts/login/ and then its body a byte at a time. Meanwhile a probe sends GET /api/health/
and GET / alternately on new connections, --rate per second, and records each answer's latency
(a probe that times out or fails counts as infinitely slow). A step passes when the probes' p99
is under --p99-ms (100). The result is the largest N that passed.

Traffic goes to 127.0.0.1 only; every loop is bounded in time. Standard library only.
tests/api/test_hardening_httpd.py uses SlowClients from here.
"""

import argparse
import http.client
import math
import os
import select
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.dont_write_bytecode = True


class Slow:
    """One slow connection: `prefix` is sent at once, then `trickle` one byte per interval.

    stage_start: when the part the server times is first waited for (the connect for a
    request line or headers, the end of the headers for a body). closed_at: when the server
    closed it (EOF or reset seen), None while open. answer: what the server sent (its 408)."""

    def __init__(self, kind, prefix, trickle):
        self.kind = kind
        self.prefix = prefix
        self.trickle = trickle
        self.sock = None
        self.sent = 0
        self.stage_start = None
        self.closed_at = None
        self.answer = b""
        self.next_send = 0.0


def slow_request(kind, host, n):
    """(prefix, trickle) bytes for a slow client of this kind: "line" (the request line a byte
    at a time), "headers" (request line at once, then a header a byte at a time) or "body"
    (complete headers of a JSON POST, then the body a byte at a time)."""
    if kind == "line":
        return b"", b"GET /api/health/?slow=%d HTTP/1.1\r\nHost: %s\r\n" % (n, host) + b"x" * 4096
    if kind == "headers":
        return (b"GET /?slow=%d HTTP/1.1\r\nHost: %s\r\n" % (n, host),
                b"X-Slow: " + b"a" * 8000)
    if kind == "body":
        body = b'{"email": "slow%d@example.com", "password": "' % n + b"p" * 4000 + b'"}'
        head = (b"POST /api/accounts/login/ HTTP/1.1\r\nHost: %s\r\n"
                b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (host, len(body)))
        return head, body
    raise ValueError(kind)


class SlowClients:
    """Keeps slow connections to host:port open from a background thread.

    kinds: a list of "line" / "headers" / "body", one per connection. interval: seconds between
    two trickled bytes of one connection. reconnect: open a new connection of the same kind
    whenever the server closes one (a bench); otherwise a closed connection stays closed (a
    test reads its closed_at). max_seconds bounds the thread's life whatever happens."""

    def __init__(self, host, port, kinds, interval=0.5, reconnect=False, max_seconds=120,
                 source=None):
        self.host, self.port = host, port
        self.kinds = list(kinds)
        self.interval = interval
        self.reconnect = reconnect
        self.max_seconds = max_seconds
        self.source = source
        self.clients = []  # every connection ever opened, in order
        self.reopened = 0
        self.errors = []
        self._stop = threading.Event()
        self._thread = None
        self._counter = 0

    # -- control ----------------------------------------------------------------------------------

    def start(self):
        """Open every connection (prefixes sent) and start trickling; returns when all are
        open, so the caller knows the slow clients hold their workers from now on."""
        for kind in self.kinds:
            self._open(kind)
        self._thread = threading.Thread(target=self._run, name="slow-clients", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        if self._thread:
            self._thread.join(10)
        for c in self.clients:
            if c.sock is not None:
                c.sock.close()
                c.sock = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def open_count(self):
        return sum(1 for c in self.clients if c.closed_at is None)

    def wait_all_closed(self, timeout):
        """True when every connection was closed by the server within timeout seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.open_count() == 0:
                return True
            time.sleep(0.05)
        return self.open_count() == 0

    # -- the loop ---------------------------------------------------------------------------------

    def _open(self, kind):
        self._counter += 1
        prefix, trickle = slow_request(kind, self.host.encode(), self._counter)
        c = Slow(kind, prefix, trickle)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.source:
            s.bind((self.source, 0))
        s.settimeout(10)
        s.connect((self.host, self.port))
        now = time.monotonic()
        if prefix:
            s.sendall(prefix)
        else:
            s.sendall(trickle[:1])  # the first byte at once: httpd accepts on data (AcceptFilter)
            c.sent = 1
        c.stage_start = time.monotonic() if kind == "body" else now
        c.next_send = time.monotonic() + self.interval
        s.setblocking(False)
        c.sock = s
        self.clients.append(c)
        return c

    def _closed(self, c, when):
        c.closed_at = when
        c.sock.close()
        c.sock = None
        if self.reconnect and not self._stop.is_set():
            try:
                self._open(c.kind)
                self.reopened += 1
            except OSError as e:
                self.errors.append(f"reconnect: {e}")

    def _run(self):
        end = time.monotonic() + self.max_seconds
        while not self._stop.is_set() and time.monotonic() < end:
            live = [c for c in self.clients if c.sock is not None]
            if not live:
                if not self.reconnect:
                    return
                time.sleep(0.05)
                continue
            now = time.monotonic()
            for c in live:
                if c.sock is not None and now >= c.next_send and c.sent < len(c.trickle):
                    try:
                        c.sock.send(c.trickle[c.sent:c.sent + 1])
                        c.sent += 1
                    except BlockingIOError:
                        pass
                    except OSError:  # reset by the server: it closed this connection
                        self._closed(c, time.monotonic())
                        continue
                    c.next_send = now + self.interval
            live = [c for c in self.clients if c.sock is not None]
            wait = max(0.0, min([c.next_send for c in live] + [now + 0.05]) - time.monotonic())
            try:
                readable, _, _ = select.select([c.sock for c in live], [], [], wait)
            except (OSError, ValueError):
                continue
            when = time.monotonic()
            by_sock = {c.sock: c for c in live}
            for s in readable:
                c = by_sock.get(s)
                if c is None or c.sock is None:
                    continue
                try:
                    data = s.recv(65536)
                except BlockingIOError:
                    continue
                except OSError:
                    self._closed(c, when)
                    continue
                if not data:
                    self._closed(c, when)
                else:
                    c.answer += data


# ------------------------------------------------------------------------------------------------
# normal requests while the slow ones are open


def probe(host, port, path, timeout=5.0):
    """Seconds until a complete answer to GET path on a new connection, and its status; an
    exception instead of a status when there was none within timeout."""
    t0 = time.monotonic()
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Connection": "close"})
        r = conn.getresponse()
        r.read()
        return time.monotonic() - t0, r.status
    except (OSError, http.client.HTTPException) as e:
        return time.monotonic() - t0, e
    finally:
        conn.close()


def percentile(values, p):
    """The p-th percentile (nearest rank) of values; inf counts as the slowest."""
    if not values:
        return math.nan
    v = sorted(values)
    k = max(0, math.ceil(p / 100.0 * len(v)) - 1)
    return v[k]


def measure(host, port, n, seconds, rate, interval, warmup=2.0, timeout=2.0):
    """One step: n slow clients (half line/headers, half body) kept open, probes for seconds.
    Returns a dict of the latencies in ms (failures as inf) and the counts."""
    kinds = [("line", "headers")[i % 2] if i < n // 2 else "body" for i in range(n)]
    lat = []
    failures = 0
    with SlowClients(host, port, kinds, interval=interval, reconnect=True,
                     max_seconds=warmup + seconds + 30) as slow:
        time.sleep(warmup)
        end = time.monotonic() + seconds
        paths = ("/api/health/", "/")
        i = 0
        while time.monotonic() < end:
            t_next = time.monotonic() + 1.0 / rate
            secs, status = probe(host, port, paths[i % 2], timeout=timeout)
            i += 1
            if status != 200:
                failures += 1
                lat.append(math.inf)
            else:
                lat.append(secs * 1000.0)
            time.sleep(max(0.0, t_next - time.monotonic()))
        still_open = slow.open_count()
        reopened = slow.reopened
    return {"n": n, "probes": len(lat), "failures": failures,
            "p50_ms": percentile(lat, 50), "p99_ms": percentile(lat, 99),
            "max_ms": max(lat) if lat else math.nan, "open_at_end": still_open,
            "reopened": reopened}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", help="an httpd already running (default: start a private stack)")
    ap.add_argument("--mpm", choices=("event", "prefork"), default="event")
    ap.add_argument("--steps", default="0,50,100,150,200,225,250,275,300",
                    help="numbers of slow connections, comma-separated")
    ap.add_argument("--seconds", type=float, default=12.0,
                    help="probe time per step (longer than one RequestReadTimeout cycle)")
    ap.add_argument("--rate", type=float, default=20.0, help="probes per second")
    ap.add_argument("--interval", type=float, default=0.5, help="seconds between trickled bytes")
    ap.add_argument("--p99-ms", type=float, default=100.0)
    args = ap.parse_args(argv)
    steps = [int(x) for x in args.steps.split(",") if x.strip()]

    stack = None
    tmp = None
    if args.url:
        hostport = args.url.split("//", 1)[-1].rstrip("/")
        host, port = hostport.rsplit(":", 1)
        port = int(port)
    else:
        sys.path.insert(0, str(REPO / "tests"))
        from stack import Stack  # noqa: E402
        tmp = tempfile.mkdtemp(prefix="cc-slowloris-")
        stack = Stack(tmp, mpm=args.mpm, bcrypt_cost=4, pg_fsync=False)
        stack.start_postgres()
        stack.migrate()
        stack.start_httpd()
        host, port = "127.0.0.1", stack.http_port
        print(f"slowloris: private stack {stack.base_url} (MPM {args.mpm}) in {tmp}", flush=True)
    rows = []
    try:
        print(f"{'slow':>5} {'probes':>6} {'fail':>4} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
              f" {'reopened':>8}  verdict", flush=True)
        for n in steps:
            r = measure(host, port, n, args.seconds, args.rate, args.interval)
            r["ok"] = r["p99_ms"] < args.p99_ms
            rows.append(r)
            print(f"{n:>5} {r['probes']:>6} {r['failures']:>4} {r['p50_ms']:>8.1f}"
                  f" {r['p99_ms']:>8.1f} {r['max_ms']:>8.1f} {r['reopened']:>8}  "
                  f"{'ok' if r['ok'] else 'p99 >= %g ms' % args.p99_ms}", flush=True)
            time.sleep(1.0)  # let the last slow connections go before the next step
    finally:
        if stack:
            stack.stop()
            if os.environ.get("CC_KEEP"):
                print(f"slowloris: stack directory kept: {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)
    passed = [r["n"] for r in rows if r["ok"]]
    first_fail = next((r["n"] for r in rows if not r["ok"]), None)
    best = max((n for n in passed if first_fail is None or n < first_fail), default=None)
    print(f"slowloris: survived {best} slow connections with p99 < {args.p99_ms:g} ms"
          + (f" (failed at {first_fail})" if first_fail is not None else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
