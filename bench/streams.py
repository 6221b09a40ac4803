#!/usr/bin/python3
"""make bench-streams: the live stream under load, on a private stack (event MPM) sized for it.

    /usr/bin/python3 bench/streams.py            # BENCH_STREAMS=1000 streams by default

Measures (figures in docs/notes/streams.md and the README's sizing rule):
  (a) N open streams on one node: httpd's threads, its RSS per stream, and the p99 of
      GET /api/jobs/ (wrk) with and without the streams open;
  (b) delivery latency from POST send/ returning to the event arriving at the recipient's
      streams, p50/p99, with the N streams open and BENCH_RATE messages/s flowing;
  (c) send/ throughput (BENCH_SENDERS threads as fast as they can, the streams still open).

The client is one asyncio loop holding every stream on a plain socket (HTTP/1.0, so the body is
the event stream as written); senders are threads. Environment (all optional):
    BENCH_STREAMS=1000  BENCH_USERS=100  BENCH_RATE=50  BENCH_SECONDS=20  BENCH_SENDERS=8
    BENCH_PROCS=4 (httpd processes; CarechainStreamMax and ThreadsPerChild follow from N)
Standard library, requests and wrk; run it with Debian's /usr/bin/python3.
"""

import asyncio
import json
import math
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.dont_write_bytecode = True
sys.path.insert(0, str(REPO / "tests"))

from stack import Stack, child_pids, read_pid  # noqa: E402

N = int(os.environ.get("BENCH_STREAMS", "1000"))
USERS = int(os.environ.get("BENCH_USERS", "100"))
RATE = float(os.environ.get("BENCH_RATE", "50"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
SENDERS = int(os.environ.get("BENCH_SENDERS", "8"))
PROCS = int(os.environ.get("BENCH_PROCS", "4"))
PASSWORD = "Ward7-Night-Shift"


def conf():
    cap = math.ceil(N * 1.5 / PROCS) + 4  # connections spread unevenly over the processes
    tpc = cap + 64  # the API keeps the 64 threads the dev configuration gives it
    return cap, tpc, f"""
<IfModule mpm_event_module>
    StartServers {PROCS}
    ServerLimit {PROCS}
    ThreadLimit {tpc}
    ThreadsPerChild {tpc}
    MaxRequestWorkers {PROCS * tpc}
    MinSpareThreads 32
    MaxSpareThreads {PROCS * tpc}
</IfModule>
CarechainStreamMax {cap}
CarechainMessageThrottle 1000000 60
# One address stands for every client here: the per-client request-rate limit (mod_qos, 30,000
# per 10 s) would answer wrk's requests 429 on a quiet machine and then cut the address off for
# 60 s, so /api/ requests are not counted against it in this run.
<Location /api>
    SetEnvIfExpr "true" !QS_Limit
</Location>
"""


def percentile(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(math.ceil(p / 100 * len(v))) - 1)] if v else float("nan")


def httpd_threads(stack):
    parent = read_pid(stack.pid_file)
    n = 0
    for pid in [parent] + child_pids(parent):
        try:
            n += len(os.listdir(f"/proc/{pid}/task"))
        except OSError:
            pass
    return n


def wrk_p99(url, seconds=5):
    out = subprocess.run(["/usr/bin/wrk", "-t2", "-c4", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    m = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if bad:  # a figure of refusals is not a figure of the API
        raise SystemExit(f"wrk: {bad.group(1)} answers were not 2xx:\n{out}")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
    return float(m.group(1)) * scale, float(rps.group(1))


class Api:
    def __init__(self, base):
        self.base = base + "/api/"
        self.s = requests.Session()
        self.s.trust_env = False

    def post(self, path, token=None, **body):
        h = {"Authorization": f"Bearer {token}"} if token else {}
        return self.s.post(self.base + path, json=body, headers=h, timeout=30)


def make_users(stack, api):
    """An admin (the sender) and USERS candidates (the recipients), each with a conversation."""
    email = "bench-admin@bench.carechain.test"
    stack.create_superuser(email, PASSWORD)
    admin = api.post("accounts/admin-login/", email=email, password=PASSWORD).json()["access"]
    users = []
    for i in range(USERS):
        e = f"bench-cand-{i}-{os.getpid()}@bench.carechain.test"
        r = api.post("accounts/register/", email=e, password=PASSWORD, password2=PASSWORD,
                     first_name="Asha", last_name=f"B{i}", role="candidate")
        assert r.status_code == 201, r.text
        users.append(e)
    stack.psql("UPDATE users SET is_verified = true")
    out = []
    for e in users:
        d = api.post("accounts/login/", email=e, password=PASSWORD).json()
        c = api.post("messaging/conversations/create/", token=admin, participant_ids=[d["id"]])
        assert c.status_code == 201, c.text
        out.append({"id": d["id"], "access": d["access"], "conv": c.json()["id"]})
    return admin, out


class Streams:
    """Every stream on one asyncio loop (its own thread); arrival times by message id."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.loop = asyncio.new_event_loop()
        self.arrivals = {}  # message id -> [monotonic arrival, ...]
        self.open = 0
        self.refused = 0
        self.ended = 0
        self.writers = []
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    async def _one(self, ticket, ready):
        try:
            r, w = await asyncio.open_connection(self.host, self.port)
        except OSError:
            self.refused += 1
            ready.set_result(False)
            return
        self.writers.append(w)
        w.write(f"GET /api/notifications/stream/?ticket={ticket} HTTP/1.0\r\n"
                f"Host: {self.host}\r\nAccept: text/event-stream\r\n\r\n".encode())
        status = (await r.readline()).decode()
        if " 200 " not in status:
            self.refused += 1
            ready.set_result(False)
            w.close()
            return
        self.open += 1
        ready.set_result(True)
        event = None
        while True:
            line = await r.readline()
            if not line:
                break
            if line.startswith(b"event: "):
                event = line[7:].strip()
            elif line.startswith(b"data: ") and event == b"message":
                now = time.monotonic()
                mid = json.loads(line[6:])["id"]
                self.arrivals.setdefault(mid, []).append(now)
        self.open -= 1
        self.ended += 1

    def add(self, ticket):
        async def go():
            ready = self.loop.create_future()
            self.loop.create_task(self._one(ticket, ready))
            return await ready
        return asyncio.run_coroutine_threadsafe(go(), self.loop).result(30)

    def close(self):
        def shut():
            for w in self.writers:
                w.close()
        self.loop.call_soon_threadsafe(shut)


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    cap, tpc, extra = conf()
    base_dir = tempfile.mkdtemp(prefix="cc-streams-")
    stack = Stack(base_dir, mpm="event", bcrypt_cost=4, extra_conf=extra, pg_fsync=False)
    results = {"streams_wanted": N, "procs": PROCS, "stream_max": cap, "threads_per_child": tpc}
    try:
        stack.start_postgres()
        stack.migrate()
        stack.sample_data()
        stack.start_httpd()
        base = stack.base_url
        api = Api(base)
        admin, users = make_users(stack, api)
        jobs = base + "/api/jobs/"
        wrk_p99(jobs, 3)  # warm-up
        time.sleep(2)
        results["threads_idle"] = httpd_threads(stack)
        rss0 = sum(stack.httpd_rss_kb().values())
        results["jobs_p99_ms_without"], results["jobs_rps_without"] = wrk_p99(jobs)
        time.sleep(2)

        # (a) open the streams
        host, port = base.split("//")[1].split(":")
        st = Streams(host, int(port))
        t0 = time.monotonic()
        for i in range(N):
            u = users[i % len(users)]
            for _attempt in range(20):  # a 503 from a full process: the next try lands elsewhere
                tr = api.post("notifications/stream-ticket/", token=u["access"])
                assert tr.status_code == 201, (i, tr.status_code, tr.text[:300])
                t = tr.json()["ticket"]
                if st.add(t):
                    break
        results["open_seconds"] = round(time.monotonic() - t0, 1)
        time.sleep(2)
        results["streams_open"] = st.open
        results["streams_refused"] = st.refused
        results["threads_with_streams"] = httpd_threads(stack)
        rss1 = sum(stack.httpd_rss_kb().values())
        results["rss_mb_without"] = round(rss0 / 1024, 1)
        results["rss_mb_with"] = round(rss1 / 1024, 1)
        results["rss_kb_per_stream"] = round((rss1 - rss0) / max(1, st.open), 1)
        results["db_connections"] = int(stack.psql(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
            " AND pid <> pg_backend_pid()")[0][0])
        results["jobs_p99_ms_with"], results["jobs_rps_with"] = wrk_p99(jobs)
        time.sleep(2)

        # (b) latency at RATE messages/s, round-robin over the recipients
        sent = {}
        errors = []
        lock = threading.Lock()
        period = 1.0 / RATE
        total = int(RATE * SECONDS)

        def sender(k):
            s = Api(base)
            nxt = time.monotonic()
            for j in range(k, total, 4):
                nxt += period * 4
                u = users[j % len(users)]
                r = s.post(f"messaging/conversations/{u['conv']}/send/", token=admin,
                           content=f"bench {j}")
                done = time.monotonic()
                if r.status_code == 201:
                    with lock:
                        sent[r.json()["id"]] = done
                else:
                    errors.append(r.status_code)
                delay = nxt - time.monotonic()
                if delay > 0:
                    time.sleep(delay)

        ths = [threading.Thread(target=sender, args=(k,)) for k in range(4)]
        for t in ths:
            t.start()
        for t in ths:
            t.join()
        time.sleep(2)
        lat = []
        missing = 0
        for mid, done in sent.items():
            arr = st.arrivals.get(mid)
            if not arr:
                missing += 1
                continue
            lat += [(a - done) * 1000 for a in arr]
        results["latency_messages"] = len(sent)
        results["latency_send_errors"] = len(errors)
        results["latency_events"] = len(lat)
        results["latency_missing_messages"] = missing
        results["latency_ms_p50"] = round(statistics.median(lat), 1) if lat else None
        results["latency_ms_p99"] = round(percentile(lat, 99), 1) if lat else None
        results["latency_ms_max"] = round(max(lat), 1) if lat else None

        # (c) send/ throughput, with the streams open and then without them
        def throughput():
            count[0] = 0
            stop[0] = time.monotonic() + 10
            ths = [threading.Thread(target=blast, args=(k,)) for k in range(SENDERS)]
            for t in ths:
                t.start()
            for t in ths:
                t.join()
            return round(count[0] / 10, 1)

        count = [0]
        stop = [0]

        def blast(k):
            s = Api(base)
            n = 0
            while time.monotonic() < stop[0]:
                u = users[(k * 7 + n) % len(users)]
                if s.post(f"messaging/conversations/{u['conv']}/send/", token=admin,
                          content="x").status_code == 201:
                    n += 1
            with lock:
                count[0] += n

        results["send_per_second_with_streams"] = throughput()
        results["streams_open_at_end"] = st.open
        st.close()
        time.sleep(3)
        results["send_per_second_without_streams"] = throughput()
    except BaseException:
        # what httpd said is the first thing to read when a run fails
        try:
            lines = stack.error_log.read_text(errors="replace").splitlines()
            print(f"--- {stack.error_log} (last 40 lines) ---", file=sys.stderr)
            print("\n".join(lines[-40:]), file=sys.stderr)
        except OSError:
            pass
        raise
    finally:
        stack.stop()
        shutil.rmtree(base_dir, ignore_errors=True)
    print(json.dumps(results, indent=2))
    (REPO / "bench" / "streams-results.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
