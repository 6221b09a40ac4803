#!/usr/bin/python3
"""Runs make targets side by side (make test's suites): `parallel.py TARGET...`.

Each target's output goes to build/logs/TARGET.log; when it ends its summary (the last lines) is
printed, and the whole log's tail when it failed. Exits non-zero when any target failed, after
all of them ended (one failure does not hide another). The suites spend most of their time
waiting (timeouts, slow clients, outages, a browser), so running them together on two cores
takes about the time of the longest rather than the sum."""
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(targets):
    logs = os.path.join(ROOT, "build", "logs")
    os.makedirs(logs, exist_ok=True)
    start = time.monotonic()
    running = {}
    for t in targets:
        path = os.path.join(logs, t + ".log")
        f = open(path, "w")
        p = subprocess.Popen(["make", "--no-print-directory", t], cwd=ROOT, stdout=f,
                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        running[p] = (t, path, f, time.monotonic())
        print(f"parallel: started {t} (log {os.path.relpath(path, ROOT)})", flush=True)
    failed = []
    while running:
        for p in list(running):
            if p.poll() is None:
                continue
            t, path, f, began = running.pop(p)
            f.close()
            with open(path, errors="replace") as fh:
                lines = fh.read().splitlines()
            took = time.monotonic() - began
            ok = p.returncode == 0
            print(f"parallel: {t} {'passed' if ok else 'FAILED (exit %d)' % p.returncode}"
                  f" in {took:.0f} s", flush=True)
            tail = lines[-4:] if ok else lines[-200:]
            for line in tail:
                print(f"  {t} | {line}")
            sys.stdout.flush()
            if not ok:
                failed.append(t)
        time.sleep(0.5)
    print(f"parallel: {len(targets)} targets in {time.monotonic() - start:.0f} s"
          + (f", failed: {' '.join(failed)}" if failed else ", all passed"), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
