#!/usr/bin/python3
"""Figures of the background work (docs/notes/background.md): mails per second through a local
SMTP server (aiosmtpd, STARTTLS + AUTH), the expiry sweep of 100,000 jobs, and the longest time
a mail claim was held. Its own temporary PostgreSQL + httpd (tests/stack.py).

    make build && /usr/bin/python3 bench/background.py [--mails 2000] [--jobs 100000]
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "api"))
sys.dont_write_bytecode = True

from smtp_server import PASSWORD, USER, SmtpServer, chown_for_httpd  # noqa: E402
from stack import Stack  # noqa: E402


def wait(fn, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if fn():
            return True
        time.sleep(0.2)
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mails", type=int, default=2000)
    ap.add_argument("--jobs", type=int, default=100000)
    ap.add_argument("--batch", type=int, default=50)
    args = ap.parse_args()
    base = tempfile.mkdtemp(prefix="cc-bench-bg-")
    os.chmod(base, 0o755)
    smtp = SmtpServer(base)
    smtp.start()
    auth = os.path.join(base, "mail-auth")
    Path(auth).write_text(f"{USER}\n{PASSWORD}\n")
    os.chmod(auth, 0o600)
    chown_for_httpd(auth)
    ca = os.path.join(base, "ca.pem")
    shutil.copy(smtp.cert, ca)
    os.chmod(ca, 0o644)
    s = Stack(os.path.join(base, "stack"), bcrypt_cost=4, pg_fsync=False, background=True,
              mail_transport=f"smtp://127.0.0.1:{smtp.port}",
              mail_conf=f"CarechainMailAuthFile {auth}\nCarechainMailCAFile {ca}\n",
              extra_conf=f"CarechainNodeName bench\nCarechainTaskInterval mail 1\n"
                         f"CarechainTaskInterval expire_jobs 1\nCarechainTaskInterval documents off\n"
                         f"CarechainTaskInterval retention off\nCarechainMailBatch {args.batch}\n")
    try:
        s.start_postgres()
        s.migrate()
        s.start_httpd()
        # ---- mails per second
        s.psql(f"INSERT INTO mail_outbox (recipient, subject, body) SELECT 'bench-' || i ||"
               f" '@example.com', 'Bench ' || i, repeat('Line of a bench message.' || chr(10), 20)"
               f" FROM generate_series(1, {args.mails}) i")
        ok = wait(lambda: s.psql("SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL")[0][0]
                  == "0", 600)
        span = float(s.psql("SELECT extract(epoch FROM max(sent_at) - min(sent_at))"
                            " FROM mail_outbox")[0][0])
        held = s.psql("SELECT max((detail::jsonb ->> 'claim_held_ms')::float) FROM task_runs"
                      " WHERE task = 'mail'")[0][0]
        print(f"mails: {args.mails} delivered={ok} received={len(smtp.raw)} in {span:.2f} s"
              f" = {args.mails / span:.0f} mails/s (batch {args.batch}); longest claim held"
              f" {float(held):.0f} ms; EHLO commands {smtp.ehlo_count}")
        # ---- the expiry sweep: jobs expired, 1 in 10 with an application in progress
        s.psql("SET statement_timeout = 0;"
               "INSERT INTO hospitals (name, registration_number, type) VALUES ('B', 'B', 'public');"
               "INSERT INTO users (email, password, role) VALUES ('bench-cand@example.com', 'x',"
               " 'candidate'); INSERT INTO candidate_profiles (user_id) SELECT id FROM users"
               " WHERE email = 'bench-cand@example.com';"
               f"BEGIN; INSERT INTO jobs (hospital_id, title, expires_at) SELECT (SELECT id FROM"
               f" hospitals WHERE name = 'B'), 'Bench job ' || i, now() - interval '1 second' * i"
               f" FROM generate_series(1, {args.jobs}) i;"
               " INSERT INTO applications (job_id, candidate_id) SELECT j.id, c.id FROM jobs j,"
               " candidate_profiles c WHERE j.id % 10 = 0 AND j.title LIKE 'Bench job %'; COMMIT",
               timeout=600)
        t0 = time.monotonic()
        ok = wait(lambda: s.psql("SELECT count(*) FROM jobs WHERE is_active AND expires_at"
                                 " <= now()")[0][0] == "0", 900)
        wall = time.monotonic() - t0
        runs = s.psql("SELECT count(*), sum(duration_ms), sum(items), max(duration_ms) FROM"
                      " task_runs WHERE task = 'expire_jobs' AND items > 0")[0]
        notes = s.psql("SELECT count(*) FROM notifications WHERE title = 'Job expired'")[0][0]
        print(f"sweep: {args.jobs} jobs closed={ok} in {float(runs[1]) / 1000:.1f} s of task time"
              f" ({runs[0]} runs, longest {float(runs[3]) / 1000:.1f} s; {wall:.1f} s wall);"
              f" {notes} applicants notified")
    finally:
        s.stop()
        smtp.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
