"""A small server-sent events client for the tests and bench/streams.py's checks: one socket,
HTTP/1.0 (no chunking: the body is the event stream as written), blocks split on blank lines."""

import json
import socket
import time
from urllib.parse import urlparse


class Sse:
    def __init__(self, base_url, ticket, last_event_id=None, query_last_event_id=None,
                 timeout=10):
        u = urlparse(base_url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=timeout)
        path = f"/api/notifications/stream/?ticket={ticket}"
        if query_last_event_id is not None:
            path += f"&last_event_id={query_last_event_id}"
        head = [f"GET {path} HTTP/1.0", f"Host: {u.hostname}:{u.port}",
                "Accept: text/event-stream"]
        if last_event_id is not None:
            head.append(f"Last-Event-ID: {last_event_id}")
        self.sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        self.buf = b""
        self.eof = False
        while b"\r\n\r\n" not in self.buf:
            if not self._fill(time.monotonic() + timeout):
                raise AssertionError(f"no response head: {self.buf!r}")
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {}
        for line in lines[1:]:
            k, v = line.split(":", 1)
            self.headers[k.strip().lower()] = v.strip()
        if self.status != 200:
            n = int(self.headers.get("content-length", "0"))
            while len(self.buf) < n and self._fill(time.monotonic() + timeout):
                pass
            self.body = json.loads(self.buf[:n] or b"null")
            self.close()

    def _fill(self, deadline):
        """Reads more into buf before `deadline`; False on timeout or end of stream."""
        if self.eof:
            return False
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        self.sock.settimeout(left)
        try:
            data = self.sock.recv(65536)
        except (socket.timeout, TimeoutError):
            return False
        except OSError:
            data = b""
        if not data:
            self.eof = True
            return False
        self.buf += data
        return True

    def block(self, timeout=5):
        """The next block as {"id", "event", "data", "retry", "comments"} (absent fields None),
        or None when nothing came within `timeout` or the stream ended (see .eof)."""
        deadline = time.monotonic() + timeout
        while b"\n\n" not in self.buf:
            if not self._fill(deadline):
                return None
        raw, self.buf = self.buf.split(b"\n\n", 1)
        out = {"id": None, "event": None, "data": None, "retry": None, "comments": []}
        for line in raw.decode().split("\n"):
            if line.startswith(":"):
                out["comments"].append(line[1:].strip())
            else:
                k, _, v = line.partition(":")
                out[k] = v[1:] if v.startswith(" ") else v
        if out["data"] is not None:
            out["data"] = json.loads(out["data"])
        return out

    def event(self, timeout=5):
        """The next block that is an event (heartbeats and retry advice skipped), or None."""
        deadline = time.monotonic() + timeout
        while True:
            b = self.block(max(0.0, deadline - time.monotonic()))
            if b is None or b["event"]:
                return b

    def events(self, n, timeout=5):
        out = []
        deadline = time.monotonic() + timeout
        while len(out) < n:
            e = self.event(max(0.0, deadline - time.monotonic()))
            if e is None:
                break
            out.append(e)
        return out

    def wait_end(self, timeout):
        """True when the server ends the stream within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not self.eof and time.monotonic() < deadline:
            self._fill(deadline)
            self.buf = b""
        return self.eof

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
