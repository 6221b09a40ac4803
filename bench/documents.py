#!/usr/bin/python3
"""Document storage figures (`make bench-documents`): upload and download throughput of a 5 MiB
file, httpd's resident memory during 8 concurrent 10 MiB uploads, and the cost of the
alternative (a directory store: write, fsync, rename) measured on the same disk for comparison.

It starts its own private stack (tests/stack.py) in a temporary directory, so it never touches
`make run`'s var/ or the bench data; nothing is left behind. Results go to stdout and to
bench/documents-results.json.

    /usr/bin/python3 bench/documents.py [--rounds N]
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.dont_write_bytecode = True
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "tests" / "api"))

from stack import Stack  # noqa: E402
import samples  # noqa: E402

RESULTS = REPO / "bench" / "documents-results.json"
MIB = 1024 * 1024
BOUNDARY = "cc-bench-boundary-5c1e"
PASSWORD = "Quiet-Harbour-2718"


def pdf_of_size(size, seed=b""):
    """A valid PDF padded with one comment line of random hex to exactly `size` bytes."""
    base = samples.pdf("bench " + seed.hex())
    pad = size - len(base) - 2
    body = os.urandom(pad // 2 + 1).hex().encode()[:pad]
    return base + b"%" + body + b"\n"


def multipart(data, name="bench.pdf"):
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"document_type\"\r\n\r\n"
            f"resume\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n").encode() + data \
        + f"\r\n--{BOUNDARY}--\r\n".encode()


class Client:
    def __init__(self, stack):
        self.base = stack.base_url + "/api/"
        self.s = requests.Session()
        self.s.trust_env = False

    def user(self, stack, role="candidate"):
        email = f"bench-{uuid.uuid4().hex[:12]}@example.com"
        r = self.s.post(self.base + "accounts/register/", json={
            "email": email, "password": PASSWORD, "password2": PASSWORD, "first_name": "Bench",
            "last_name": "User", "role": role})
        r.raise_for_status()
        stack.psql(f"UPDATE users SET is_verified = true WHERE email = '{email}'")
        r = self.s.post(self.base + "accounts/login/", json={"email": email, "password": PASSWORD})
        r.raise_for_status()
        return r.json()["access"]

    def upload(self, token, body):
        r = self.s.post(self.base + "documents/upload/", data=body, headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
        if r.status_code != 201:
            raise RuntimeError(f"upload: {r.status_code} {r.text[:200]}")
        return r.json()

    def download(self, token, doc_id):
        r = self.s.get(self.base + f"documents/{doc_id}/download/",
                       headers={"Authorization": f"Bearer {token}"})
        r.raise_for_status()
        return r.content


def directory_store_seconds(directory, data, rounds):
    """What a directory store pays per file: write a temporary file, fsync it, rename it into
    place, fsync the directory (the durability PostgreSQL's commit gives the chunks)."""
    times = []
    for i in range(rounds):
        t0 = time.perf_counter()
        tmp = directory / f".tmp-{i}"
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, directory / f"doc-{i}")
        fd = os.open(directory, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
        times.append(time.perf_counter() - t0)
    return times


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=10)
    args = ap.parse_args()
    base = Path(tempfile.mkdtemp(prefix="cc-docbench-"))
    stack = Stack(base, mpm="event", bcrypt_cost=4, pg_fsync=True)
    out = {}
    try:
        stack.start_postgres()
        stack.migrate()
        stack.start_httpd()
        c = Client(stack)
        token = c.user(stack)
        five = pdf_of_size(5 * MIB)
        body = multipart(five)
        c.upload(token, body)  # warm-up: connections, libmagic pages
        up, down, ids = [], [], []
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            d = c.upload(token, body)
            up.append(time.perf_counter() - t0)
            ids.append(d["id"])
        for doc_id in ids:
            t0 = time.perf_counter()
            got = c.download(token, doc_id)
            down.append(time.perf_counter() - t0)
            assert len(got) == len(five)
        out["upload_5mib_s"] = statistics.median(up)
        out["download_5mib_s"] = statistics.median(down)
        out["upload_mib_per_s"] = 5 / out["upload_5mib_s"]
        out["download_mib_per_s"] = 5 / out["download_5mib_s"]

        # 8 concurrent 10 MiB uploads, 8 different users (the per-user total is 100 MiB)
        tokens = [c.user(stack) for _ in range(8)]
        bodies = [multipart(pdf_of_size(10 * MIB, bytes([i]))) for i in range(8)]
        idle = stack.httpd_rss_kb()
        peak = {"total": sum(idle.values()), "processes": len(idle), "growth": 0}
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                now = stack.httpd_rss_kb()
                peak["total"] = max(peak["total"], sum(now.values()))
                peak["processes"] = max(peak["processes"], len(now))
                # growth of a process that existed before the uploads (new children are
                # whole processes, reported by the count)
                peak["growth"] = max([peak["growth"]] + [now[p] - idle[p] for p in now
                                                          if p in idle])
                time.sleep(0.02)
        errors = []

        def one(i):
            try:
                Client(stack).upload(tokens[i], bodies[i])
            except Exception as e:  # reported below
                errors.append(str(e))
        sampler = threading.Thread(target=sample)
        sampler.start()
        t0 = time.perf_counter()
        workers = [threading.Thread(target=one, args=(i,)) for i in range(8)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        wall = time.perf_counter() - t0
        stop.set()
        sampler.join()
        out["concurrent_8x10mib"] = {"wall_s": wall, "errors": errors,
                                     "httpd_rss_idle_kb": sum(idle.values()),
                                     "httpd_processes_idle": len(idle),
                                     "httpd_rss_peak_kb": peak["total"],
                                     "httpd_processes_peak": peak["processes"],
                                     "max_process_growth_kb": peak["growth"],
                                     "aggregate_mib_per_s": 80 / wall}
        sizes = stack.psql("SELECT pg_total_relation_size('document_chunks'),"
                           " (SELECT sum(size) FROM documents)")[0]
        out["postgres_bytes_on_disk"] = int(sizes[0])
        out["document_bytes"] = int(sizes[1])

        store = base / "dirstore"
        store.mkdir()
        fs = directory_store_seconds(store, five, args.rounds)
        out["directory_store_5mib_s"] = statistics.median(fs)
    finally:
        stack.stop()
        shutil.rmtree(base, ignore_errors=True)

    cc = out["concurrent_8x10mib"]
    print(f"5 MiB upload:    {out['upload_5mib_s'] * 1000:7.1f} ms  "
          f"({out['upload_mib_per_s']:.1f} MiB/s, median of {args.rounds})")
    print(f"5 MiB download:  {out['download_5mib_s'] * 1000:7.1f} ms  "
          f"({out['download_mib_per_s']:.1f} MiB/s)")
    print(f"directory store: {out['directory_store_5mib_s'] * 1000:7.1f} ms  "
          f"(write + fsync + rename of the same 5 MiB, for comparison)")
    print(f"8 x 10 MiB concurrent uploads: {cc['wall_s']:.2f} s "
          f"({cc['aggregate_mib_per_s']:.1f} MiB/s), errors {len(cc['errors'])}; "
          f"httpd RSS {cc['httpd_rss_idle_kb'] / 1024:.1f} MiB idle "
          f"({cc['httpd_processes_idle']} processes), {cc['httpd_rss_peak_kb'] / 1024:.1f} MiB "
          f"peak ({cc['httpd_processes_peak']} processes); largest growth of one process "
          f"{cc['max_process_growth_kb'] / 1024:.1f} MiB")
    print(f"PostgreSQL: {out['postgres_bytes_on_disk'] / MIB:.1f} MiB on disk for "
          f"{out['document_bytes'] / MIB:.1f} MiB of documents")
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")
    return 1 if cc["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
