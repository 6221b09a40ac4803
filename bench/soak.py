#!/usr/bin/python3
"""make soak: a realistic mix for SOAK_TIME seconds on a private stack, with faults, then a
consistency check of what the load wrote (issue 19 item 6; docs/bench.md "Soak").

    /usr/bin/python3 bench/soak.py                 # SOAK_TIME=600 by default

The load: every sample-data user (SOAK_SCALE=20: 200 candidates, 100 recruiters) plus two
admins, each an asyncio task with its own keep-alive connection that waits an exponential think
time (mean SOAK_THINK s) and then makes one request: 80 % reads (job lists and searches with
varied filters, job details, matches, notifications, conversations and messages, applications,
admin screens), 20 % writes (applications, status changes, withdrawals, job edits and posts,
conversations and messages, profile edits, document uploads). SOAK_STREAMS users hold a
notifications/stream/ open (stream-ticket, reconnecting with Last-Event-ID when it ends).
Faults: PostgreSQL is restarted (pg_ctl stop -m fast, start) at a third of the time, and one
httpd child process (of the stack this script started) is killed with SIGKILL at two thirds.

Reported (stdout and bench/soak-results.json): requests/s, p50/p99 per kind, statuses per kind,
503s inside and outside the restart window, connection errors inside and outside the kill
window, httpd and PostgreSQL memory (RSS sum and PSS sum) every minute, the stream events
received against stream_events, and the consistency check: every 201 has its row, every
acknowledged status change its history row, every acknowledged edit its value, no half-written
object, and GET /api/admin/dashboard-stats/ equal to direct SQL counts. Exit status 1 when a
target fails (a 500, a 503 outside the window, a lost write, a half-written object, a count
that differs, a lost stream event).

Environment: SOAK_TIME=600 SOAK_SCALE=20 SOAK_THINK=1.5 SOAK_STREAMS=40 SOAK_SEED=19
SOAK_GRACE=10 (seconds after PostgreSQL is back that still count as the restart window),
SOAK_CONF (httpd lines added to the stack's configuration, "\n" between them), SOAK_HOLD.
Standard library only; run it with Debian's /usr/bin/python3.
"""

import asyncio
import json
import math
import os
import random
import re
import resource
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.dont_write_bytecode = True
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "tests" / "api"))

from stack import Stack, child_pids, pid_alive, read_pid  # noqa: E402

RESULTS = REPO / "bench" / "soak-results.json"
ADMIN_PASSWORD = "Soak-Admin-Night-Shift-19"
BOUNDARY = "cc-soak-boundary-19"
FINAL = {"hired", "rejected", "withdrawn"}
CHAIN = ["applied", "reviewed", "shortlisted", "interviewing", "offered", "hired"]
CITIES = ["Pune", "Mumbai", "Bengaluru", "Chennai", "Delhi", "Hyderabad", "Kolkata", "Jaipur"]
WORDS = ["nurse", "icu", "staff nurse", "doctor", "radiology", "pharmacist", "night",
         "physiotherapist", "paediatric", "emergency", "lab technician", "surgeon"]
JOB_TYPES = ["full_time", "part_time", "contract", "temporary", "locum", "per_diem"]
LEVELS = ["entry", "mid", "senior", "executive"]
HOSPITAL_TYPES = ["public", "private", "specialty", "clinic", "nursing_home"]
ORDERINGS = ["-created_at", "created_at", "salary_min", "-salary_max", "start_date",
             "expires_at"]
# Error-log lines the faults produce (tests/api/test_db_restart.py lists the restart's).
FAULT_LOG_PATTERNS = [r"\[dbd:error\]", r"\[dbd:crit\]", r"AH00629", r"AH00633", r"AH00628",
                      r"CC01107", r"CC01108", r"CC01104.*connection lost",
                      r"AH00052.*exit signal Killed",
                      r"CC0160[24]"]  # the stream listener lost PostgreSQL (it reconnects)


def env_num(name, default, kind=float):
    try:
        return kind(os.environ.get(name) or default)
    except ValueError:
        sys.exit(f"soak: {name} must be a number")


def percentile(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(math.ceil(p / 100 * len(v))) - 1))] if v else None


# ------------------------------------------------------------------------------------------------
# a minimal HTTP/1.1 client on asyncio streams (keep-alive, Content-Length or chunked bodies)

class HttpError(Exception):
    """The connection failed before a whole response arrived."""


class Conn:
    IDLE_MAX = 4.0  # below httpd's KeepAliveTimeout (5 s): never reuse a connection it closes

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.r = self.w = None
        self.last = 0.0

    def close(self):
        if self.w:
            self.w.close()
        self.r = self.w = None

    async def request(self, method, path, headers=None, body=None):
        if self.w and time.monotonic() - self.last > self.IDLE_MAX:
            self.close()
        if not self.w:
            self.r, self.w = await asyncio.open_connection(self.host, self.port)
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        for k, v in (headers or {}).items():
            head.append(f"{k}: {v}")
        if body is not None:
            head.append(f"Content-Length: {len(body)}")
        data = ("\r\n".join(head) + "\r\n\r\n").encode() + (body or b"")
        try:
            self.w.write(data)
            await self.w.drain()
            status_line = await self.r.readline()
            if not status_line:
                raise HttpError("connection closed before the status line")
            parts = status_line.split(None, 2)
            status = int(parts[1])
            hdrs = {}
            while True:
                line = await self.r.readline()
                if not line:
                    raise HttpError("connection closed in the headers")
                if line in (b"\r\n", b"\n"):
                    break
                k, _, v = line.decode("latin-1").partition(":")
                hdrs[k.strip().lower()] = v.strip()
            if method == "HEAD" or status in (204, 304):
                payload = b""
            elif hdrs.get("transfer-encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int((await self.r.readline()).split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while (await self.r.readline()) not in (b"\r\n", b"\n", b""):
                            pass
                        break
                    chunks.append(await self.r.readexactly(size))
                    await self.r.readexactly(2)
                payload = b"".join(chunks)
            elif "content-length" in hdrs:
                payload = await self.r.readexactly(int(hdrs["content-length"]))
            else:
                payload = await self.r.read()
                hdrs["connection"] = "close"
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as e:
            self.close()
            raise HttpError(f"{type(e).__name__}: {e}") from e
        except HttpError:
            self.close()
            raise
        self.last = time.monotonic()
        if hdrs.get("connection", "").lower() == "close":
            self.close()
        return status, hdrs, payload


def multipart_pdf(name, text):
    import samples
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"document_type\"\r\n\r\n"
            f"certificate\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"description\""
            f"\r\n\r\n{text}\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n").encode() \
        + samples.pdf(text) + f"\r\n--{BOUNDARY}--\r\n".encode()


# ------------------------------------------------------------------------------------------------
# what the load saw


class Stats:
    def __init__(self):
        self.t0 = None
        self.lat = defaultdict(list)  # kind -> [ms]
        self.status = defaultdict(Counter)  # kind -> {status or "conn"/"timeout": n}
        self.events = []  # (t, kind, status) of every non-2xx answer and every failure
        self.created = []  # (table, id, kind) of every 201
        self.total = 0
        self.writes = 0
        self.unknown_writes = Counter()  # writes without an answer (connection lost, timeout)

    def record(self, kind, write, status, ms, started=None):
        self.total += 1
        self.writes += write
        self.status[kind][status] += 1
        if isinstance(status, int) and status < 400:
            self.lat[kind].append(ms)
        else:
            # (answered or failed at, kind, status, sent at): the windows judge the answer time
            now = time.monotonic()
            self.events.append((now - self.t0, kind, status, (started or now) - self.t0))
            if write and not isinstance(status, int):
                self.unknown_writes[kind] += 1


class User:
    def __init__(self, uid, role, email):
        self.id, self.role, self.email = uid, role, email
        self.profile = None  # candidate or recruiter profile id
        self.token = None
        self.conn = None
        self.convs = []  # conversation ids
        self.jobs = []  # own job ids (recruiters)
        self.apps = {}  # candidates: job id -> [application id, status]
        self.can_post = False
        self.docs = 0


class State:
    """What the soak knows of the database, and what it was told by the answers."""

    def __init__(self):
        self.users = []
        self.by_id = {}
        self.jobs = []  # active job ids
        self.free_jobs = []  # active job ids without required documents
        self.apps = {}  # application id -> {"job", "cand" (user), "recr" (user id), "status"}
        self.app_events_acked = []  # (application id, status) answered 200
        self.edits = defaultdict(list)  # (table, id, column) -> [(value, acked)]
        self.skills = []


# ------------------------------------------------------------------------------------------------
# the consistency check (pure SQL through a psql callable: tests/api/test_bench_tools.py runs it)

def check_created(psql, created):
    """{table: [ids]} of the 201s whose row is not in the database."""
    by_table = defaultdict(set)
    for table, oid, _kind in created:
        by_table[table].add(int(oid))
    missing = {}
    for table, ids in sorted(by_table.items()):
        if not re.fullmatch(r"[a-z_]+", table):
            raise ValueError(table)
        rows = psql(f"SELECT x FROM unnest('{{{','.join(map(str, sorted(ids)))}}}'::bigint[]) x"
                    f" WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = x) ORDER BY x")
        gone = [int(r[0]) for r in rows if r and r[0]]
        if gone:
            missing[table] = gone
    return missing


# name -> SQL returning the ids of offending rows; {since_<table>} bounds each to newer rows
HALF_WRITTEN = {
    "applications without their 'applied' history row": """
        SELECT a.id FROM applications a WHERE a.id > {since_applications}
          AND NOT EXISTS (SELECT 1 FROM application_events e
                          WHERE e.application_id = a.id AND e.status = 'applied')""",
    "applications whose status is not their latest history row": """
        SELECT a.id FROM applications a
        JOIN LATERAL (SELECT e.status FROM application_events e WHERE e.application_id = a.id
                      ORDER BY e.id DESC LIMIT 1) last ON true
        WHERE a.id > {since_applications} AND last.status <> a.status""",
    "hired applications without their assignment": """
        SELECT a.id FROM applications a WHERE a.id > {since_applications} AND a.status = 'hired'
          AND NOT EXISTS (SELECT 1 FROM active_jobs j WHERE j.application_id = a.id)""",
    "applications whose hired_at is not their first 'hired' history row": """
        SELECT a.id FROM applications a WHERE a.id > {since_applications}
          AND a.hired_at IS DISTINCT FROM (SELECT min(e.changed_at) FROM application_events e
                                           WHERE e.application_id = a.id AND e.status = 'hired')""",
    "completed assignments without their completed_jobs row": """
        SELECT j.id FROM active_jobs j WHERE j.id > {since_active_jobs} AND j.status = 'completed'
          AND NOT EXISTS (SELECT 1 FROM completed_jobs c WHERE c.active_job_id = j.id)""",
    "conversations with fewer than two participants": """
        SELECT c.id FROM conversations c WHERE c.id > {since_conversations}
          AND (SELECT count(*) FROM conversation_participants p WHERE p.conversation_id = c.id) < 2""",
    "conversations whose last_message_id is not their newest message": """
        SELECT c.id FROM conversations c WHERE c.id > {since_conversations}
          AND c.last_message_id IS DISTINCT FROM (SELECT max(m.id) FROM messages m
                                                  WHERE m.conversation_id = c.id)""",
    "messages from a sender who is not a participant": """
        SELECT m.id FROM messages m WHERE m.id > {since_messages} AND m.sender_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM conversation_participants p
                          WHERE p.conversation_id = m.conversation_id AND p.user_id = m.sender_id)""",
    # counted by grouping, not per message: stream_events has no index on ref_id, and a
    # correlated count per message read the whole table for each (a 30-minute soak's check
    # ran into the statement timeout)
    "messages without a stream event for each participant": """
        SELECT m.id FROM messages m
          JOIN (SELECT p.conversation_id, count(*) AS n FROM conversation_participants p
                 GROUP BY 1) p ON p.conversation_id = m.conversation_id
          LEFT JOIN (SELECT s.ref_id, count(*) AS n FROM stream_events s
                      WHERE s.kind = 'message' AND s.ref_id > {since_messages} GROUP BY 1) s
                 ON s.ref_id = m.id
         WHERE m.id > {since_messages} AND coalesce(s.n, 0) <> p.n""",
    "documents whose chunks do not add up to their size": """
        SELECT d.id FROM documents d WHERE d.id > {since_documents}
          AND d.size IS DISTINCT FROM (SELECT coalesce(sum(length(c.data)), 0)
                                       FROM document_chunks c WHERE c.document_id = d.id)""",
    "candidates without a candidate profile": """
        SELECT u.id FROM users u WHERE u.id > {since_users} AND u.role = 'candidate'
          AND NOT EXISTS (SELECT 1 FROM candidate_profiles p WHERE p.user_id = u.id)""",
    "recruiters without a recruiter profile": """
        SELECT u.id FROM users u WHERE u.id > {since_users} AND u.role = 'recruiter'
          AND NOT EXISTS (SELECT 1 FROM recruiter_profiles p WHERE p.user_id = u.id)""",
    "notifications without their stream event": """
        SELECT n.id FROM notifications n WHERE n.id > {since_notifications}
          AND NOT EXISTS (SELECT 1 FROM stream_events s WHERE s.kind = 'notification'
                          AND s.ref_id = n.id AND s.user_id = n.user_id)""",
}
SINCE_TABLES = ["applications", "active_jobs", "conversations", "messages", "documents", "users",
                "notifications"]


def check_half_written(psql, since=None, prelude=""):
    """{check name: [ids]} of the objects that are only partly there. since: {table: id} checks
    only newer rows; prelude: SQL run first in the same transaction, which is rolled back (the
    tests break an object there and watch the check find it)."""
    since = since or {}
    fmt = {f"since_{t}": int(since.get(t, 0)) for t in SINCE_TABLES}
    names = list(HALF_WRITTEN)
    union = " UNION ALL ".join(
        f"(SELECT {i}, x.id FROM ({HALF_WRITTEN[n].format(**fmt)}) x(id))"
        for i, n in enumerate(names))
    # a one-off read of every table after a long run: more time than the stack's 15 s default
    rows = psql(f"BEGIN;\nSET LOCAL statement_timeout = '5min';\n{prelude}\n"
                f"SELECT * FROM ({union}) q ORDER BY 1, 2;\nROLLBACK;")
    out = {}
    for r in rows:
        if len(r) == 2 and r[0].isdigit():
            out.setdefault(names[int(r[0])], []).append(int(r[1]))
    return out


DIRECT_COUNTS = {
    "total_users": "SELECT count(*) FROM users",
    "total_candidates": "SELECT count(*) FROM users WHERE role = 'candidate'",
    "total_recruiters": "SELECT count(*) FROM users WHERE role = 'recruiter'",
    "total_admins": "SELECT count(*) FROM users WHERE role = 'admin'",
    "total_jobs": "SELECT count(*) FROM jobs",
    "active_jobs": "SELECT count(*) FROM jobs WHERE is_active"
                   " AND (expires_at IS NULL OR expires_at > now())",
    "total_applications": "SELECT count(*) FROM applications",
    "pending_verifications": "SELECT count(*) FROM verification_requests"
                             " WHERE candidate_profile_id IS NOT NULL AND status = 'pending'",
    "verified_profiles": "SELECT count(*) FROM verification_requests"
                         " WHERE candidate_profile_id IS NOT NULL AND status = 'verified'",
    "recent_registrations": "SELECT count(*) FROM users"
                            " WHERE date_joined > now() - interval '168 hours'",
    "pending_hospital_verifications": "SELECT count(*) FROM verification_requests"
                                      " WHERE hospital_id IS NOT NULL AND status = 'pending'",
    "pending_documents": "SELECT count(*) FROM documents WHERE NOT is_verified"
                         " AND document_type IN ('medical_license', 'certificate', 'id')",
    "applications_last_7_days": "SELECT count(*) FROM applications"
                                " WHERE applied_at > now() - interval '7 days'",
    # from the hired_at column (the counters are moved by its day); that hired_at is the first
    # 'hired' history row is a check of HALF_WRITTEN (the suite's stack also holds rows whose
    # history tests moved in time by hand, which only the column count agrees with)
    "hires_last_30_days": "SELECT count(*) FROM applications"
                          " WHERE hired_at > now() - interval '30 days'",
}


def direct_counts(psql):
    """The dashboard's figures counted from the rows (docs/API.md "dashboard-stats/"), in one
    snapshot."""
    names = list(DIRECT_COUNTS)
    sql = "BEGIN ISOLATION LEVEL REPEATABLE READ;\nSELECT " + ", ".join(
        f"({DIRECT_COUNTS[n]})" for n in names) + ";\nCOMMIT;"
    row = [r for r in psql(sql) if len(r) == len(names)][0]
    return {n: int(v) for n, v in zip(names, row)}


def compare_dashboard(stats, counts):
    """[(key, dashboard, direct)] where they differ, or a key is missing on either side."""
    keys = sorted(set(stats) | set(counts))
    return [(k, stats.get(k), counts.get(k)) for k in keys if stats.get(k) != counts.get(k)]


def check_edits(psql, edits):
    """[(table, id, column, found, expected)] where the row holds neither the last acknowledged
    value nor one of the attempts made after it whose answer was lost (one query per column)."""
    wanted = defaultdict(dict)  # (table, column) -> {id: (allowed values, last acknowledged)}
    for (table, oid, col), attempts in edits.items():
        last = max((i for i, (_v, acked) in enumerate(attempts) if acked), default=None)
        if last is not None:
            wanted[(table, col)][int(oid)] = ({v for v, _a in attempts[last:]}, attempts[last][0])
    bad = []
    for (table, col), rows in sorted(wanted.items()):
        if not re.fullmatch(r"[a-z_]+", table) or not re.fullmatch(r"[a-z_]+", col):
            raise ValueError((table, col))
        found = {int(r[0]): r[1] for r in psql(
            f"SELECT id, {col}::text FROM {table} WHERE id IN ({','.join(map(str, rows))})")
            if len(r) == 2}
        for oid, (allowed, expected) in sorted(rows.items()):
            if found.get(oid) not in allowed:
                bad.append((table, oid, col, found.get(oid), expected))
    return bad


def check_status_events(psql, acked):
    """[(application id, status)] answered 200 without their history row."""
    if not acked:
        return []
    values = ",".join(f"({int(a)}, '{s}')" for a, s in sorted(set(acked)) if s.isalpha())
    rows = psql(f"SELECT v.a, v.s FROM (VALUES {values}) v(a, s) WHERE NOT EXISTS ("
                f"SELECT 1 FROM application_events e WHERE e.application_id = v.a"
                f" AND e.status = v.s) ORDER BY 1")
    return [(int(r[0]), r[1]) for r in rows if len(r) == 2]


# ------------------------------------------------------------------------------------------------
# memory


def rss_pss_kb(pids):
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


def memory(stack):
    hp = read_pid(stack.pid_file)
    hpids = [hp] + child_pids(hp) if hp else []
    pp = read_pid(stack.pg_data / "postmaster.pid")
    ppids = [pp] + child_pids(pp) if pp and pid_alive(pp) else []
    h = rss_pss_kb(hpids)
    p = rss_pss_kb(ppids)
    return {"httpd_procs": len(hpids), "httpd_rss_mb": round(h[0] / 1024, 1),
            "httpd_pss_mb": round(h[1] / 1024, 1), "pg_procs": len(ppids),
            "pg_rss_mb": round(p[0] / 1024, 1), "pg_pss_mb": round(p[1] / 1024, 1)}


# ------------------------------------------------------------------------------------------------
# the soak


class Soak:
    def __init__(self):
        self.duration = env_num("SOAK_TIME", 600)
        self.scale = env_num("SOAK_SCALE", 20, int)
        self.think = env_num("SOAK_THINK", 1.5)
        self.nstreams = env_num("SOAK_STREAMS", 40, int)
        self.grace = env_num("SOAK_GRACE", 10)
        self.rng = random.Random(env_num("SOAK_SEED", 19, int))
        self.stats = Stats()
        self.state = State()
        self.stack = None
        self.host = "127.0.0.1"
        self.port = None
        self.stop_at = None
        self.faults = {}
        self.mem = []
        self.stream_seen = defaultdict(set)  # user id -> seqs received
        self.stream_from = {}  # user id -> the seq the soak's first stream started after
        self.stream_stats = Counter()
        self.stream_log = defaultdict(list)  # user id -> [(t, what)]
        self.stream_port = {}  # user id -> the local port of its current stream

    # -- setup ------------------------------------------------------------------------------------

    def extra_conf(self):
        # 4 processes x 24 stream slots: SOAK_STREAMS spread unevenly never meet the cap
        return (f"CarechainStreamMax {max(16, self.nstreams)}\n"
                + os.environ.get("SOAK_CONF", "").replace("\\n", "\n") + "\n")

    def setup(self):
        base = tempfile.mkdtemp(prefix="cc-soak-")
        self.base = base
        s = self.stack = Stack(base, mpm="event", bcrypt_cost=4, extra_conf=self.extra_conf(),
                               pg_fsync=True, new_session=True)
        t0 = time.monotonic()
        s.start_postgres()
        s.migrate()
        s.seed_masters()
        for i in (1, 2):
            s.create_superuser(f"soak-admin{i}@soak.carechain.test", ADMIN_PASSWORD)
        creds = s.sample_data("--scale", self.scale)
        s.psql("SET statement_timeout = 0;\nVACUUM (ANALYZE)", timeout=600)
        s.start_httpd()
        self.port = s.http_port
        self.creds = creds
        print(f"soak: stack up in {time.monotonic() - t0:.0f} s: httpd {s.base_url},"
              f" PostgreSQL {s.sockdir}:{s.pg_port}", flush=True)

    def load_state(self):
        st, psql = self.state, self.stack.psql
        pw = {c["email"]: c["password"] for k in ("candidates", "recruiters")
              for c in self.creds.get(k) or []}
        scaled_pw = (self.creds.get("scaled") or {}).get("password")
        for uid, role, email, cp, rp, can_post in psql(
                "SELECT u.id, u.role, u.email, cp.id, rp.id,"
                " coalesce(h.verification_status = 'verified', false)"
                " FROM users u LEFT JOIN candidate_profiles cp ON cp.user_id = u.id"
                " LEFT JOIN recruiter_profiles rp ON rp.user_id = u.id"
                " LEFT JOIN hospitals h ON h.id = rp.hospital_id"
                " WHERE u.is_active AND u.is_verified ORDER BY u.id"):
            u = User(int(uid), role, email)
            u.profile = int(cp or rp or 0) or None
            u.can_post = can_post == "t"
            u.password = (ADMIN_PASSWORD if role == "admin" else pw.get(email)
                          or (scaled_pw if email.endswith("@scale.carechain.test") else None))
            if u.password:
                st.users.append(u)
                st.by_id[u.id] = u
        by_profile = {u.profile: u for u in st.users if u.role == "recruiter"}
        cand_profile = {u.profile: u for u in st.users if u.role == "candidate"}
        for jid, posted_by, active, free in psql(
                "SELECT id, posted_by, is_active AND (expires_at IS NULL OR expires_at > now()),"
                " true FROM jobs ORDER BY id"):  # (required documents: not in this schema)
            jid = int(jid)
            if active == "t":
                st.jobs.append(jid)
                if free == "t":
                    st.free_jobs.append(jid)
            r = by_profile.get(int(posted_by)) if posted_by else None
            if r:
                r.jobs.append(jid)
        for aid, jid, cand, status, posted_by in psql(
                "SELECT a.id, a.job_id, a.candidate_id, a.status, j.posted_by FROM applications a"
                " JOIN jobs j ON j.id = a.job_id ORDER BY a.id"):
            c = cand_profile.get(int(cand))
            r = by_profile.get(int(posted_by)) if posted_by else None
            st.apps[int(aid)] = {"job": int(jid), "cand": c.id if c else None,
                                 "recr": r.id if r else None, "status": status}
            if c:
                c.apps[int(jid)] = [int(aid), status]
        st.skills = [int(r[0]) for r in psql("SELECT id FROM skills ORDER BY id LIMIT 200")]
        roles = Counter(u.role for u in st.users)
        print(f"soak: {len(st.users)} users ({dict(roles)}), {len(st.jobs)} open jobs,"
              f" {len(st.apps)} applications", flush=True)

    async def login_all(self):
        sem = asyncio.Semaphore(8)

        async def one(u):
            async with sem:
                c = Conn(self.host, self.port)
                path = ("/api/accounts/admin-login/" if u.role == "admin"
                        else "/api/accounts/login/")
                status, _h, body = await c.request(
                    "POST", path, {"Content-Type": "application/json"},
                    json.dumps({"email": u.email, "password": u.password}).encode())
                c.close()
                if status != 200:
                    raise RuntimeError(f"login {u.email}: {status} {body[:200]!r}")
                u.token = json.loads(body)["access"]
        await asyncio.gather(*(one(u) for u in self.state.users))

    # -- one request ------------------------------------------------------------------------------

    async def call(self, u, kind, write, method, path, body=None, ctype="application/json",
                   auth=True):
        if u.conn is None:
            u.conn = Conn(self.host, self.port)
        headers = {"Accept": "application/json"}
        if auth and u.token:
            headers["Authorization"] = f"Bearer {u.token}"
        if body is not None:
            headers["Content-Type"] = ctype
            if not isinstance(body, bytes):
                body = json.dumps(body).encode()
        t = time.monotonic()
        try:
            status, _h, payload = await asyncio.wait_for(
                u.conn.request(method, "/api/" + path, headers, body), 30)
        except HttpError:
            self.stats.record(kind, write, "conn", 0, t)
            return None, None
        except asyncio.TimeoutError:
            u.conn.close()
            self.stats.record(kind, write, "timeout", 0, t)
            return None, None
        except OSError:  # connect refused or reset
            u.conn.close()
            self.stats.record(kind, write, "conn", 0, t)
            return None, None
        self.stats.record(kind, write, status, (time.monotonic() - t) * 1000, t)
        try:
            data = json.loads(payload) if payload and payload[:1] in (b"{", b"[") else None
        except ValueError:
            data = None
        return status, data

    # -- the actions ------------------------------------------------------------------------------

    def list_query(self, search=False):
        r = self.rng
        q = []
        if search:
            q.append(("q", r.choice(WORDS)))
        for name, gen in (("city", lambda: r.choice(CITIES)),
                          ("job_type", lambda: ",".join(r.sample(JOB_TYPES, r.randint(1, 2)))),
                          ("experience_level", lambda: r.choice(LEVELS)),
                          ("salary_min", lambda: str(r.choice([20000, 40000, 60000]))),
                          ("hospital_type", lambda: r.choice(HOSPITAL_TYPES)),
                          ("location", lambda: r.choice(CITIES).lower()),
                          ("ordering", lambda: r.choice(ORDERINGS))):
            if r.random() < 0.25:
                q.append((name, gen()))
        if not q and r.random() < 0.3:  # a filtered list may have one page only
            q.append(("page", str(r.randint(1, 3))))
        if r.random() < 0.2:
            q.append(("page_size", str(r.choice([5, 20, 50]))))
        from urllib.parse import urlencode
        return ("?" + urlencode(q)) if q else ""

    async def a_jobs_list(self, u):
        mine = "?mine=true" if u.role == "recruiter" and self.rng.random() < 0.5 else None
        await self.call(u, "jobs_list", 0, "GET", "jobs/" + (mine or self.list_query()),
                        auth=u.role != "candidate" or self.rng.random() < 0.5)

    async def a_jobs_search(self, u):
        await self.call(u, "jobs_search", 0, "GET", "jobs/search/" + self.list_query(True))

    async def a_job_detail(self, u):
        jobs = u.jobs if u.role == "recruiter" and u.jobs else self.state.jobs
        await self.call(u, "job_detail", 0, "GET", f"jobs/{self.rng.choice(jobs)}/")

    async def a_matches(self, u):
        if u.role == "recruiter":
            if not u.jobs:
                return await self.a_jobs_list(u)
            return await self.call(u, "matches", 0, "GET",
                                   f"jobs/matches/?job={self.rng.choice(u.jobs)}")
        await self.call(u, "matches", 0, "GET", "jobs/matches/")

    async def a_notifications(self, u):
        q = self.rng.choice(["", "?is_read=false", "?notification_type=application_status",
                             "?page_size=20"])
        await self.call(u, "notifications", 0, "GET", "notifications/" + q)

    async def a_conversations(self, u):
        await self.call(u, "conversations", 0, "GET", "messaging/conversations/")

    async def a_messages(self, u):
        if not u.convs:
            return await self.a_conversations(u)
        await self.call(u, "messages", 0, "GET",
                        f"messaging/conversations/{self.rng.choice(u.convs)}/messages/")

    async def a_applications(self, u):
        q = ""
        if u.role == "recruiter" and u.jobs and self.rng.random() < 0.5:
            q = f"?job={self.rng.choice(u.jobs)}"
        elif self.rng.random() < 0.3:
            q = "?status=applied,reviewed"
        await self.call(u, "applications", 0, "GET", "jobs/applications/" + q)

    async def a_application_detail(self, u):
        mine = [a for a, x in self.state.apps.items() if x["recr"] == u.id] if u.jobs else []
        if not mine:
            return await self.a_applications(u)
        await self.call(u, "application_detail", 0, "GET",
                        f"jobs/applications/{self.rng.choice(mine)}/")

    async def a_admin_read(self, u):
        path = self.rng.choice(["admin/dashboard-stats/", "admin/users/?role=candidate",
                                "admin/users/?search=scale", "admin/recent-activity/",
                                "admin/audit-log/", "jobs/applications/?status=hired"])
        await self.call(u, "admin_read", 0, "GET", path)

    # writes

    async def w_apply(self, u):
        st = self.state
        for _ in range(5):
            job = self.rng.choice(st.free_jobs)
            if job not in u.apps:
                break
        else:
            return await self.w_profile(u)
        u.apps[job] = [None, "pending"]
        status, data = await self.call(u, "apply", 1, "POST", "jobs/applications/",
                                       {"job": job, "cover_letter": "Soak test application."})
        if status == 201:
            aid = int(data["id"])
            self.stats.created.append(("applications", aid, "apply"))
            u.apps[job] = [aid, "applied"]
            owner = next((r.id for r in st.users if r.role == "recruiter" and job in r.jobs),
                         None)
            st.apps[aid] = {"job": job, "cand": u.id, "recr": owner, "status": "applied"}
            st.app_events_acked.append((aid, "applied"))
        elif status != 409:  # 409: applied already (an earlier answer was lost)
            del u.apps[job]

    async def w_withdraw(self, u):
        open_apps = [(j, a) for j, a in u.apps.items() if a[0] and a[1] not in FINAL]
        if not open_apps:
            return await self.w_apply(u)
        job, a = self.rng.choice(open_apps)
        status, _ = await self.call(u, "withdraw", 1, "PATCH", f"jobs/applications/{a[0]}/",
                                    {"status": "withdrawn"})
        if status == 200:
            a[1] = "withdrawn"
            self.state.apps[a[0]]["status"] = "withdrawn"
            self.state.app_events_acked.append((a[0], "withdrawn"))

    async def w_status(self, u):
        st = self.state
        mine = [a for a, x in st.apps.items() if x["recr"] == u.id and x["status"] in CHAIN[:-1]]
        if not mine:
            return await self.w_job_edit(u)
        aid = self.rng.choice(mine)
        cur = st.apps[aid]["status"]
        nxt = "rejected" if self.rng.random() < 0.15 else CHAIN[CHAIN.index(cur) + 1]
        status, _ = await self.call(u, "status_change", 1, "PATCH", f"jobs/applications/{aid}/",
                                    {"status": nxt, "notes": f"soak {nxt}"})
        if status == 200:
            st.apps[aid]["status"] = nxt
            st.app_events_acked.append((aid, nxt))
            c = st.by_id.get(st.apps[aid]["cand"])
            if c and st.apps[aid]["job"] in c.apps:
                c.apps[st.apps[aid]["job"]][1] = nxt
        elif status == 409:  # the candidate withdrew meanwhile: learn the status
            s2, data = await self.call(u, "application_detail", 0, "GET",
                                       f"jobs/applications/{aid}/")
            if s2 == 200 and data:
                st.apps[aid]["status"] = data["status"]

    async def w_job_edit(self, u):
        if not u.jobs:
            return await self.w_profile(u)
        job = self.rng.choice(u.jobs)
        text = f"Soak edit {self.rng.getrandbits(40):x}: care for patients on the ward."
        key = ("jobs", job, "description")
        self.state.edits[key].append([text, False])
        status, _ = await self.call(u, "job_edit", 1, "PATCH", f"jobs/{job}/",
                                    {"description": text, "vacancies": self.rng.randint(1, 5)})
        if status == 200:
            self.state.edits[key][-1][1] = True
        elif isinstance(status, int):
            self.state.edits[key].pop()  # refused: not a possible value

    async def w_job_post(self, u):
        if not u.can_post:
            return await self.w_job_edit(u)
        city = self.rng.choice(CITIES)
        body = {"title": f"Staff Nurse {self.rng.randint(1, 999)}",
                "description": "Care for adult patients.", "requirements": "GNM, BLS",
                "department": "Medicine", "location": "Main campus", "city": city,
                "state": "Maharashtra", "job_type": self.rng.choice(JOB_TYPES),
                "experience_level": self.rng.choice(LEVELS), "min_experience_years": 1,
                "salary_min": "30000", "salary_max": "50000", "pay_unit": "monthly",
                "vacancies": 2, "skills": self.rng.sample(self.state.skills, 3),
                "expires_at": "2030-01-31T18:30:00Z"}
        status, data = await self.call(u, "job_post", 1, "POST", "jobs/", body)
        if status == 201:
            jid = int(data["id"])
            self.stats.created.append(("jobs", jid, "job_post"))
            u.jobs.append(jid)
            self.state.jobs.append(jid)
            self.state.free_jobs.append(jid)

    async def w_conversation(self, u):
        st = self.state
        if u.role == "admin":
            other = self.rng.choice(st.users)
            if other.id == u.id:
                return
            body = {"participant_ids": [other.id]}
        else:
            apps = [x for x in st.apps.values() if x["recr"] == u.id and x["cand"]]
            if not apps:
                return await self.w_profile(u)
            x = self.rng.choice(apps)
            other = st.by_id[x["cand"]]
            body = {"participant_ids": [other.id], "job": x["job"]}
        if self.rng.random() < 0.5:
            body["message"] = "Hello from the soak."
        status, data = await self.call(u, "conversation_create", 1, "POST",
                                       "messaging/conversations/create/", body)
        if status in (200, 201):
            cid = int(data["id"])
            if status == 201:
                self.stats.created.append(("conversations", cid, "conversation_create"))
            for p in (u, other):
                if cid not in p.convs:
                    p.convs.append(cid)

    async def w_message(self, u):
        if not u.convs:
            return await (self.w_conversation(u) if u.role != "candidate" else self.w_profile(u))
        cid = self.rng.choice(u.convs)
        status, data = await self.call(u, "message_send", 1, "POST",
                                       f"messaging/conversations/{cid}/send/",
                                       {"content": f"Soak message {self.rng.getrandbits(32):x}"})
        if status == 201:
            self.stats.created.append(("messages", int(data["id"]), "message_send"))

    async def w_profile(self, u):
        if u.role == "candidate":
            text = f"Staff nurse, soak {self.rng.getrandbits(32):x}"
            key, path, body = (("candidate_profiles", u.profile, "headline"),
                               "profiles/candidate/", {"headline": text,
                                                       "summary": "Ten years on wards."})
        elif u.role == "recruiter":
            text = f"Talent lead {self.rng.getrandbits(32):x}"
            key, path, body = (("recruiter_profiles", u.profile, "designation"),
                               "profiles/recruiter/", {"designation": text})
        else:
            text = f"Admin{self.rng.getrandbits(24):x}"
            key, path, body = (("users", u.id, "first_name"), "accounts/profile/",
                               {"first_name": text})
        self.state.edits[key].append([text, False])
        status, _ = await self.call(u, "profile_edit", 1, "PATCH", path, body)
        if status == 200:
            self.state.edits[key][-1][1] = True
        elif isinstance(status, int):
            self.state.edits[key].pop()

    async def w_account(self, u):
        text = f"Asha{self.rng.getrandbits(24):x}"
        key = ("users", u.id, "first_name")
        self.state.edits[key].append([text, False])
        status, _ = await self.call(u, "profile_edit", 1, "PATCH", "accounts/profile/",
                                    {"first_name": text})
        if status == 200:
            self.state.edits[key][-1][1] = True
        elif isinstance(status, int):
            self.state.edits[key].pop()

    async def w_upload(self, u):
        if u.role == "admin" or u.docs >= 40:  # the per-user limit is 50 documents
            return await self.w_profile(u)
        u.docs += 1
        body = multipart_pdf(f"cert-{u.docs}.pdf", f"soak {u.id} {u.docs}")
        status, data = await self.call(u, "upload", 1, "POST", "documents/upload/", body,
                                       ctype=f"multipart/form-data; boundary={BOUNDARY}")
        if status == 201:
            self.stats.created.append(("documents", int(data["id"]), "upload"))

    async def w_mark_read(self, u):
        await self.call(u, "mark_all_read", 1, "POST", "notifications/mark-all-read/", {})

    def mix(self):
        """Per role: (weight, action, write); reads 80 and writes 20 of 100 for every role."""
        return {
            "candidate": [
                (24, self.a_jobs_list, 0), (15, self.a_jobs_search, 0), (15, self.a_job_detail, 0),
                (8, self.a_matches, 0), (8, self.a_notifications, 0), (4, self.a_conversations, 0),
                (3, self.a_messages, 0), (3, self.a_applications, 0),
                (7, self.w_apply, 1), (1, self.w_withdraw, 1), (4, self.w_message, 1),
                (3, self.w_profile, 1), (1, self.w_account, 1), (3, self.w_upload, 1),
                (1, self.w_mark_read, 1)],
            "recruiter": [
                (14, self.a_jobs_list, 0), (6, self.a_jobs_search, 0), (10, self.a_job_detail, 0),
                (10, self.a_matches, 0), (14, self.a_applications, 0),
                (8, self.a_application_detail, 0), (8, self.a_notifications, 0),
                (5, self.a_conversations, 0), (5, self.a_messages, 0),
                (8, self.w_status, 1), (4, self.w_job_edit, 1), (1, self.w_job_post, 1),
                (2, self.w_conversation, 1), (3, self.w_message, 1), (1, self.w_profile, 1),
                (1, self.w_upload, 1)],
            "admin": [
                (50, self.a_admin_read, 0), (10, self.a_jobs_list, 0), (10, self.a_jobs_search, 0),
                (5, self.a_conversations, 0), (5, self.a_messages, 0),
                (5, self.w_conversation, 1), (12, self.w_message, 1), (3, self.w_profile, 1)],
        }

    async def user_loop(self, u, table):
        weights = [w for w, _a, _k in table]
        actions = [a for _w, a, _k in table]
        await asyncio.sleep(self.rng.uniform(0, self.think * 2))
        while time.monotonic() < self.stop_at:
            action = self.rng.choices(actions, weights)[0]
            try:
                await action(u)
            except Exception as e:  # a bug in the driver must not end the user silently
                self.stats.record("driver_error", 0, type(e).__name__, 0)
                print(f"soak: driver error in {action.__name__}: {e!r}", file=sys.stderr)
            await asyncio.sleep(self.rng.expovariate(1.0 / self.think))
        if u.conn:
            u.conn.close()

    # -- the streams ------------------------------------------------------------------------------

    async def stream_loop(self, u):
        c = Conn(self.host, self.port)
        last = self.stream_from[u.id]
        while time.monotonic() < self.stop_at + 3:
            status, data = None, None
            try:
                status, _h, body = await asyncio.wait_for(c.request(
                    "POST", "/api/notifications/stream-ticket/",
                    {"Authorization": f"Bearer {u.token}"}), 30)
                data = json.loads(body) if status == 201 else None
            except (HttpError, OSError, asyncio.TimeoutError, ValueError):
                c.close()
            self.stream_stats[f"ticket {status or 'conn'}"] += 1
            if not data:
                await asyncio.sleep(1)
                continue
            try:
                r, w = await asyncio.open_connection(self.host, self.port)
            except OSError:
                self.stream_stats["open conn"] += 1
                await asyncio.sleep(1)
                continue
            self.stream_port[u.id] = w.get_extra_info("sockname")[1]
            w.write(f"GET /api/notifications/stream/?ticket={data['ticket']} HTTP/1.0\r\n"
                    f"Host: {self.host}\r\nAccept: text/event-stream\r\n"
                    f"Last-Event-ID: {last}\r\n\r\n".encode())
            try:
                line = await r.readline()
                code = line.split()[1].decode() if len(line.split()) > 1 else "conn"
                self.stream_stats[f"open {code}"] += 1
                self.slog(u, f"open {code} after {last}")
                if code == "200":
                    while time.monotonic() < self.stop_at + 3:
                        try:
                            line = await asyncio.wait_for(r.readline(), 1.0)
                        except asyncio.TimeoutError:
                            continue
                        if not line:
                            self.stream_stats["ended by server"] += 1
                            self.slog(u, "ended")
                            break
                        if line.startswith(b"id: "):
                            last = int(line[4:])
                            self.slog(u, f"id {last}")
                            self.stream_seen[u.id].add(last)
                            self.stream_stats["events"] += 1
            except (OSError, ValueError) as e:
                self.stream_stats["stream conn error"] += 1
                self.slog(u, f"error {e!r}")
            w.close()
            await asyncio.sleep(0.5)
        c.close()

    def slog(self, u, what):
        self.stream_log[u.id].append((round(time.monotonic() - self.stats.t0, 2), what))

    # -- faults and memory ------------------------------------------------------------------------

    async def faults_and_memory(self):
        loop = asyncio.get_running_loop()
        t0 = self.stats.t0
        restart_at, kill_at = t0 + self.duration / 3, t0 + 2 * self.duration / 3
        next_mem = t0 + 60
        done_restart = done_kill = False
        while time.monotonic() < self.stop_at:
            now = time.monotonic()
            if now >= next_mem:
                self.mem_sample()
                next_mem += 60
            if not done_restart and now >= restart_at:
                done_restart = True
                a = time.monotonic() - t0
                await loop.run_in_executor(None, self.stack.restart_postgres)
                b = time.monotonic() - t0
                self.faults["pg_restart"] = {"begin_s": round(a, 2), "back_s": round(b, 2)}
                print(f"soak: PostgreSQL restarted ({a:.1f} s .. {b:.1f} s)", flush=True)
            if not done_kill and now >= kill_at:
                done_kill = True
                self.kill_child()
            await asyncio.sleep(0.25)

    def kill_child(self):
        parent = read_pid(self.stack.pid_file)
        conf = str(self.stack.httpd_conf).encode()
        kids = []
        for pid in child_pids(parent) if parent else []:
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"apache2" in cmd and conf in cmd:  # a child of the httpd this script started
                kids.append(pid)
        if not kids:
            self.faults["child_kill"] = {"error": "no child of our httpd found"}
            return
        victim = self.rng.choice(sorted(kids))
        os.kill(victim, signal.SIGKILL)
        t = time.monotonic() - self.stats.t0
        self.faults["child_kill"] = {"pid": victim, "at_s": round(t, 2), "children": len(kids)}
        print(f"soak: SIGKILL to httpd child {victim} at {t:.1f} s", flush=True)

    def mem_sample(self):
        m = memory(self.stack)
        m["t_s"] = round(time.monotonic() - self.stats.t0) if self.stats.t0 else 0
        self.mem.append(m)
        print(f"soak: t={m['t_s']:>4} s  httpd {m['httpd_procs']} procs RSS {m['httpd_rss_mb']}"
              f" MB PSS {m['httpd_pss_mb']} MB   PostgreSQL {m['pg_procs']} procs RSS"
              f" {m['pg_rss_mb']} MB PSS {m['pg_pss_mb']} MB   requests {self.stats.total}",
              flush=True)

    # -- the run ----------------------------------------------------------------------------------

    async def run_load(self):
        await self.login_all()
        stream_users = [u for u in self.state.users if u.role != "admin"]
        self.rng.shuffle(stream_users)
        stream_users = stream_users[:self.nstreams]
        ids = ",".join(str(u.id) for u in stream_users) or "0"
        seqs = {int(a): int(b) for a, b in self.stack.psql(
            f"SELECT user_id, seq FROM stream_counters WHERE user_id IN ({ids})")}
        for u in stream_users:
            self.stream_from[u.id] = seqs.get(u.id, 0)
        self.stats.t0 = time.monotonic()
        self.stop_at = self.stats.t0 + self.duration
        self.mem_sample()
        mix = self.mix()
        tasks = [asyncio.create_task(self.stream_loop(u)) for u in stream_users]
        tasks += [asyncio.create_task(self.user_loop(u, mix[u.role])) for u in self.state.users]
        tasks.append(asyncio.create_task(self.faults_and_memory()))
        await asyncio.gather(*tasks)
        self.elapsed = time.monotonic() - self.stats.t0
        self.mem_sample()

    def stream_check(self):
        """Per stream user, the events of stream_events after its starting seq it never got."""
        lost = {}
        wall0 = time.time() - (time.monotonic() - self.stats.t0)
        for uid, start in self.stream_from.items():
            rows = self.stack.psql(f"SELECT seq, extract(epoch FROM created_at) FROM stream_events"
                                   f" WHERE user_id = {uid} AND seq > {start} ORDER BY seq")
            want = {int(r[0]): round(float(r[1]) - wall0, 2) for r in rows if r and r[0]}
            missing = sorted(set(want) - self.stream_seen[uid])
            if missing:
                lost[uid] = {"missing": [(m, want[m]) for m in missing],
                             "log": self.stream_log[uid]}
        return lost

    def consistency(self):
        psql = self.stack.psql
        out = {}
        out["missing_201_rows"] = check_created(psql, self.stats.created)
        out["missing_status_history"] = check_status_events(psql, self.state.app_events_acked)
        out["edits_not_found"] = check_edits(psql, self.state.edits)
        out["half_written"] = check_half_written(psql)
        admin = next(u for u in self.state.users if u.role == "admin")

        async def dashboard():
            await self.login_one(admin)  # a fresh token: the first may be near its hour
            c = Conn(self.host, self.port)
            status, _h, body = await c.request("GET", "/api/admin/dashboard-stats/",
                                               {"Authorization": f"Bearer {admin.token}"})
            c.close()
            if status != 200:
                raise RuntimeError(f"dashboard-stats/: {status} {body[:200]!r}")
            return json.loads(body)

        for attempt in range(3):  # a windowed count may move between the two reads
            stats = asyncio.run(dashboard())
            diff = compare_dashboard(stats, direct_counts(psql))
            if not diff:
                break
        out["dashboard"] = stats
        out["dashboard_differs"] = diff
        out["stream_events_lost"] = self.stream_check()
        return out

    async def login_one(self, u):
        c = Conn(self.host, self.port)
        _s, _h, body = await c.request("POST", "/api/accounts/admin-login/",
                                       {"Content-Type": "application/json"},
                                       json.dumps({"email": u.email,
                                                   "password": u.password}).encode())
        c.close()
        u.token = json.loads(body)["access"]

    # -- the report -------------------------------------------------------------------------------

    def report(self, cons, log_problems):
        s = self.stats
        restart = self.faults.get("pg_restart", {})
        kill = self.faults.get("child_kill", {})
        w_lo = restart.get("begin_s", -1)
        w_hi = restart.get("back_s", -1) + self.grace
        k_lo = kill.get("at_s", -1)
        # a keep-alive connection to the killed process fails at its next use, up to
        # Conn.IDLE_MAX later
        k_hi = k_lo + Conn.IDLE_MAX + 1 if k_lo >= 0 else -1
        by_status = Counter()
        for kind, c in s.status.items():
            if kind != "driver_error":
                by_status.update(c)
        e503_in = sum(1 for t, _k, st, _s in s.events if st == 503 and w_lo <= t <= w_hi)
        e503_out = sum(1 for t, _k, st, _s in s.events if st == 503 and not w_lo <= t <= w_hi)
        conn = [(t, k) for t, k, st, _s in s.events if st in ("conn", "timeout")]
        conn_restart = sum(1 for t, _k in conn if w_lo <= t <= w_hi)
        conn_kill = sum(1 for t, _k in conn if k_lo <= t <= k_hi)
        conn_other = len(conn) - conn_restart - conn_kill
        last503 = max((t for t, _k, st, _s in s.events if st == 503), default=None)
        timeline = Counter(f"{int(t // 5) * 5:>4}s {st}" for t, _k, st, _s in s.events)
        kinds = {}
        for kind in sorted(s.status):
            lat = s.lat.get(kind, [])
            kinds[kind] = {"n": sum(s.status[kind].values()),
                           "p50_ms": round(percentile(lat, 50), 1) if lat else None,
                           "p99_ms": round(percentile(lat, 99), 1) if lat else None,
                           "statuses": {str(k): v for k, v in sorted(s.status[kind].items(),
                                                                     key=lambda x: str(x[0]))}}
        mem0, mem1 = self.mem[0], self.mem[-1]
        failures = []
        if by_status.get(500):
            failures.append(f"{by_status[500]} x 500")
        if e503_out:
            failures.append(f"{e503_out} x 503 outside the restart window")
        if conn_other:
            failures.append(f"{conn_other} connection errors outside the fault windows")
        if s.status.get("driver_error"):
            failures.append("driver errors")
        for key in ("missing_201_rows", "missing_status_history", "edits_not_found",
                    "half_written", "dashboard_differs", "stream_events_lost"):
            if cons[key]:
                failures.append(key)
        if log_problems:
            failures.append(f"{len(log_problems)} unexpected error-log lines")
        result = {
            "config": {"time_s": self.duration, "scale": self.scale, "think_s": self.think,
                       "users": len(self.state.users),
                       "roles": dict(Counter(u.role for u in self.state.users)),
                       "streams": len(self.stream_from), "grace_s": self.grace},
            "requests": s.total, "writes": s.writes,
            "write_share": round(s.writes / max(1, s.total), 3),
            "rps": round(s.total / self.elapsed, 1),
            "statuses": {str(k): v for k, v in sorted(by_status.items(), key=lambda x: str(x[0]))},
            "503_in_restart_window": e503_in, "503_outside": e503_out,
            "last_503_s": round(last503, 2) if last503 is not None else None,
            "conn_errors": {"restart_window": conn_restart, "kill_window": conn_kill,
                            "elsewhere": conn_other},
            "writes_without_answer": dict(s.unknown_writes),
            "failures_by_5s": dict(sorted(timeline.items())),
            "faults": self.faults, "kinds": kinds, "memory": self.mem,
            "memory_change_mb": {k: round(mem1[k] - mem0[k], 1) for k in
                                 ("httpd_rss_mb", "httpd_pss_mb", "pg_rss_mb", "pg_pss_mb")},
            "streams": dict(self.stream_stats),
            "created_201": dict(Counter(t for t, _i, _k in s.created)),
            "acked_status_changes": len(self.state.app_events_acked),
            "acked_edits": sum(1 for v in self.state.edits.values() for _x, a in v if a),
            "consistency": cons, "error_log_problems": log_problems[:50],
            "failures": failures,
        }
        return result


def print_report(r):
    print("\n=== soak: %d s, %d users (%s), %d streams ===" % (
        r["config"]["time_s"], r["config"]["users"], r["config"]["roles"],
        r["config"]["streams"]))
    print(f"requests {r['requests']} ({r['rps']} req/s), writes {r['write_share'] * 100:.1f} %")
    print(f"statuses: {r['statuses']}")
    print(f"503: {r['503_in_restart_window']} in the restart window, {r['503_outside']} outside"
          f" (last at {r['last_503_s']} s); connection errors {r['conn_errors']};"
          f" writes without answer {r['writes_without_answer']}")
    print(f"faults: {r['faults']}")
    print(f"non-2xx answers and failures by 5 s: {r['failures_by_5s']}")
    print(f"{'kind':22} {'n':>7} {'p50 ms':>8} {'p99 ms':>8}  statuses")
    for kind, k in r["kinds"].items():
        print(f"{kind:22} {k['n']:>7} {k['p50_ms'] if k['p50_ms'] is not None else '-':>8}"
              f" {k['p99_ms'] if k['p99_ms'] is not None else '-':>8}  {k['statuses']}")
    print("memory (MB):  t     httpd RSS  PSS    PostgreSQL RSS  PSS")
    for m in r["memory"]:
        print(f"          {m['t_s']:>5}  {m['httpd_rss_mb']:>9} {m['httpd_pss_mb']:>6}"
              f"   {m['pg_rss_mb']:>12} {m['pg_pss_mb']:>6}")
    print(f"memory change start -> end: {r['memory_change_mb']}")
    print(f"streams: {r['streams']}")
    c = r["consistency"]
    print(f"201s: {r['created_201']}; acknowledged status changes {r['acked_status_changes']},"
          f" edits {r['acked_edits']}")
    print(f"consistency: missing 201 rows {c['missing_201_rows'] or 'none'}; missing status"
          f" history {c['missing_status_history'] or 'none'}; edits not found"
          f" {c['edits_not_found'] or 'none'}; half-written {c['half_written'] or 'none'};"
          f" dashboard differs {c['dashboard_differs'] or 'none'}; stream events lost"
          f" {c['stream_events_lost'] or 'none'}")
    for line in r["error_log_problems"]:
        print(f"error log: {line}")
    print("RESULT: " + ("ok" if not r["failures"] else "FAILED: " + "; ".join(r["failures"])))


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    soak = Soak()
    interrupted = []

    def on_signal(signum, frame):
        interrupted.append(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    result = None
    try:
        soak.setup()
        soak.load_state()
        print(f"soak: {soak.duration:g} s of load; uptime: {os.getloadavg()}", flush=True)
        asyncio.run(soak.run_load())
        time.sleep(2)
        if os.environ.get("SOAK_HOLD"):  # debugging: time to look at the servers
            print(f"soak: holding for {os.environ['SOAK_HOLD']} s; httpd pid"
                  f" {read_pid(soak.stack.pid_file)}", flush=True)
            time.sleep(float(os.environ["SOAK_HOLD"]))
        cons = soak.consistency()
        problems = soak.stack.error_log_problems(allow=FAULT_LOG_PATTERNS)
        result = soak.report(cons, problems)
        result["loadavg_end"] = os.getloadavg()
    except KeyboardInterrupt:
        print("soak: interrupted", file=sys.stderr)
    finally:
        if soak.stack:
            try:
                soak.stack.stop()
            except Exception as e:
                print(f"soak: {e}", file=sys.stderr)
        if getattr(soak, "base", None):
            if result is not None and not result["failures"]:
                shutil.rmtree(soak.base, ignore_errors=True)
            else:  # the logs of a failed run stay for a look
                print(f"soak: the stack's files are kept in {soak.base}", file=sys.stderr)
    if result is None:
        return 1
    RESULTS.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print_report(result)
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
