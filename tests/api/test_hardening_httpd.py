"""httpd's own defences, as configured in conf/dev/httpd.conf.in (conf/site-example.conf says the
same for a real site): slow clients are cut off by mod_reqtimeout while the workers left keep
serving everyone else. The limits asserted here are read from the rendered configuration, not repeated."""

import importlib.util
import re
import time
from pathlib import Path

import pytest


REPO = Path(__file__).resolve().parents[2]


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


slowloris = _load("slowloris", REPO / "bench" / "slowloris.py")


def rendered_conf(stack):
    return stack.httpd_conf.read_text()


def directive(text, name):
    """The arguments of the one active (uncommented) `name` line of an httpd config."""
    found = re.findall(rf"^\s*{name}\s+(.+?)\s*$", text, re.M)
    assert len(found) == 1, (name, found)
    return found[0]


def mpm_setting(text, mpm, name):
    block = re.search(rf"<IfModule mpm_{mpm}_module>(.*?)</IfModule>", text, re.S).group(1)
    return int(directive(block, name))


# ==== slow clients (mod_reqtimeout) =============================================================

N_SLOW_EVENT = 100  # the review's 40, with room to spare
MARGIN = 2.5  # s: httpd notices a deadline at the next read (the trickle's interval) + load
INTERVAL = 0.5  # s between two trickled bytes
PROBE_LIMIT = 1.0  # s for a normal request while the slow ones are open
PREFORK_SKIP = ("prefork serves one connection per process and each process holds a database "
                "connection: headroom for 100 slow connections would take ~150 processes, more "
                "than PostgreSQL's max_connections=100 (the dev config runs 8; use event, see "
                "conf/site-example.conf)")


def read_timeouts(text):
    """{"header": (initial, max or None, min_rate), "body": ...} from RequestReadTimeout."""
    out = {}
    for stage, initial, maximum, rate in re.findall(
            r"\b(header|body)=(\d+)(?:-(\d+))?,MinRate=(\d+)",
            directive(text, "RequestReadTimeout")):
        out[stage] = (int(initial), int(maximum) if maximum else None, int(rate))
    assert set(out) == {"header", "body"}, out
    return out


def expected_close(timeouts, client):
    """Seconds after its stage began at which httpd's deadline for this client passes: the
    initial timeout, extended by 1 s per MinRate bytes received, up to the maximum."""
    initial, maximum, rate = timeouts["body" if client.kind == "body" else "header"]
    received = client.sent if client.kind == "body" else client.sent + len(client.prefix)
    deadline = initial + received / rate
    return min(deadline, maximum) if maximum else deadline


@pytest.fixture(scope="module")
def slow_run(stack):
    """Opens the slow connections once for the module: half send their request line or headers
    a byte at a time, half a JSON body to the login endpoint a byte at a time. While all are
    open, normal requests (GET /api/health/ and GET /) are timed on new connections; then the
    slow ones are left to the server to close."""
    text = rendered_conf(stack)
    timeouts = read_timeouts(text)
    if stack.mpm == "event":
        n = N_SLOW_EVENT
    else:  # as many as leave two processes free (see PREFORK_SKIP)
        n = mpm_setting(text, "prefork", "MaxRequestWorkers") - 2
    kinds = [("line", "headers")[i % 2] for i in range(n // 2)] + ["body"] * (n - n // 2)
    earliest = min(t[0] for t in timeouts.values())  # the first slow client is closed then
    latest = max(t[1] or t[0] for t in timeouts.values())
    probes = []
    slow = slowloris.SlowClients("127.0.0.1", stack.http_port, kinds, interval=INTERVAL,
                                 max_seconds=latest + 30)
    slow.start()
    try:
        time.sleep(1.0)  # every slow client has sent bytes and holds a worker
        open_before = slow.open_count()
        paths = ["/api/health/", "/"]
        while time.monotonic() - slow.clients[0].stage_start < earliest - 1.5:
            path = paths[len(probes) % 2]
            secs, status = slowloris.probe("127.0.0.1", stack.http_port, path, timeout=5)
            probes.append((path, secs, status))
            time.sleep(0.2)
        open_after = slow.open_count()
        all_closed = slow.wait_all_closed(latest + 10)
    finally:
        slow.stop()
    return {"n": n, "timeouts": timeouts, "clients": slow.clients, "probes": probes,
            "open_before": open_before, "open_after": open_after, "all_closed": all_closed}


def test_slow_connections_leave_workers_for_normal_requests(stack, slow_run):
    if stack.mpm == "prefork":
        pytest.skip(PREFORK_SKIP)
    assert slow_run["n"] == N_SLOW_EVENT
    # the probes ran while every slow connection was open
    assert slow_run["open_before"] == slow_run["open_after"] == N_SLOW_EVENT
    probes = slow_run["probes"]
    assert len(probes) >= 10, probes
    assert {p for p, _, _ in probes} == {"/api/health/", "/"}
    slow = [(p, round(s, 3), st) for p, s, st in probes if st != 200 or s >= PROBE_LIMIT]
    assert slow == [], slow


def test_slow_connections_are_closed_in_time(slow_run):
    """Each slow connection sees EOF or a reset when its RequestReadTimeout deadline passes:
    not before (so the timeout closed it), and no later than MARGIN after."""
    assert slow_run["all_closed"], [c.kind for c in slow_run["clients"] if c.closed_at is None]
    assert len(slow_run["clients"]) == slow_run["n"]
    late, early = [], []
    for c in slow_run["clients"]:
        took = c.closed_at - c.stage_start
        limit = expected_close(slow_run["timeouts"], c)
        if took > limit + MARGIN:
            late.append((c.kind, round(took, 2), round(limit, 2)))
        if took < limit - 0.25:
            early.append((c.kind, round(took, 2), round(limit, 2)))
    assert late == [] and early == [], (late, early)
    # httpd says why before it closes (a request line cut short gets no answer at all)
    for c in slow_run["clients"]:
        if c.kind == "headers":
            assert c.answer.startswith(b"HTTP/1.1 408 "), c.answer[:100]
