"""The schema fuzzer (schema_fuzz.py) against a stack of its own.

In the API suite (make test): derandomised (one fixed seed per operation), database=None,
FUZZ_EXAMPLES (default 18) requests per operation, a few thousand in all. `make fuzz-api` sets
FUZZ_TIME=N: random seeds, rounds over every operation until N seconds have passed.

It runs on its own PostgreSQL and httpd (not the suite's shared stack): it loads the sample
data, and what it writes (random skills, jobs, deactivated users, ...) must not reach the other
test files. Every distinct problem is listed at the end with a request that shows it.
"""

import json
import os
import shutil
import sys
import tempfile
import time

import pytest
import requests

import samples
import schema_fuzz
from helpers import PASSWORD, unique_email
from stack import Stack

FUZZ_TIME = float(os.environ.get("FUZZ_TIME") or 0)
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or (50 if FUZZ_TIME else 18))


@pytest.fixture(scope="module")
def fuzz_stack(request):
    base = tempfile.mkdtemp(prefix="cc-fuzz-")
    s = Stack(base, mpm=os.environ.get("CC_MPM", "event"), bcrypt_cost=4, pg_fsync=False)
    failed_before = request.session.testsfailed
    try:
        s.start_postgres()
        s.migrate()
        s.start_httpd()
        yield s
    finally:
        s.stop()
        problems = s.error_log_problems(allow=s.allowed_log_patterns)
        keep = (request.session.testsfailed > failed_before or problems
                or os.environ.get("CC_KEEP"))
        if keep:
            print(f"\nschema fuzz stack directory kept: {base}", file=sys.stderr)
        else:
            shutil.rmtree(base, ignore_errors=True)
    if problems:
        pytest.fail("unexpected lines in the fuzz stack's error log:\n" + "\n".join(problems),
                    pytrace=False)


def _login(session, base_url, path, email, password):
    r = session.post(f"{base_url}/api/{path}", json={"email": email, "password": password},
                     timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def _seed(stack, session, psql):
    """Sample data plus an admin, a second admin-less candidate, and objects (a conversation, a
    message, a document) owned by the callers. Returns the accounts of Actors."""
    base = stack.base_url
    admin_email = unique_email("fuzz-admin")
    stack.create_superuser(admin_email, PASSWORD)
    stack.seed_masters()
    creds = stack.sample_data()
    assert creds.get("candidates") and creds.get("recruiters"), creds
    pw = {c["email"]: c["password"] for c in creds["candidates"] + creds["recruiters"]}
    # Candidate A: the sample candidate with the most applications; recruiter A: who posted
    # the job of one of them (so the two may talk); B's: others, who own none of A's objects.
    cand_a, recr_a = psql.query(
        "SELECT cu.email, ru.email FROM applications a JOIN candidate_profiles cp"
        " ON cp.id = a.candidate_id JOIN users cu ON cu.id = cp.user_id JOIN jobs j"
        " ON j.id = a.job_id JOIN recruiter_profiles rp ON rp.id = j.posted_by"
        " JOIN users ru ON ru.id = rp.user_id"
        " GROUP BY cu.email, ru.email ORDER BY count(*) DESC, 1, 2 LIMIT 1")[0]
    cand_b = sorted(c["email"] for c in creds["candidates"] if c["email"] != cand_a)[0]
    recr_b = sorted(c["email"] for c in creds["recruiters"] if c["email"] != recr_a)[-1]
    accounts = {
        "candidate": {"email": cand_a, "password": pw[cand_a], "login_path": "accounts/login/"},
        "candidate2": {"email": cand_b, "password": pw[cand_b], "login_path": "accounts/login/"},
        "recruiter": {"email": recr_a, "password": pw[recr_a],
                      "login_path": "accounts/login/"},
        "recruiter2": {"email": recr_b, "password": pw[recr_b],
                       "login_path": "accounts/login/"},
        "admin": {"email": admin_email, "password": PASSWORD,
                  "login_path": "accounts/admin-login/"},
    }
    tok = {k: _login(session, base, a["login_path"], a["email"], a["password"])
           for k, a in accounts.items()}
    auth = {k: {"Authorization": "Bearer " + t["access"]} for k, t in tok.items()}
    recr_id = int(psql.query(f"SELECT id FROM users WHERE email = '{recr_a}'")[0][0])
    r = session.post(f"{base}/api/messaging/conversations/create/", headers=auth["candidate"],
                     json={"participant_ids": [recr_id], "message": "Night shifts?"}, timeout=30)
    if r.status_code == 201:
        conv = r.json()["id"]
        for who in ("candidate", "recruiter"):
            session.post(f"{base}/api/messaging/conversations/{conv}/send/", headers=auth[who],
                         json={"content": f"hello from the {who}"}, timeout=30)
    for who in ("candidate", "recruiter"):
        session.post(f"{base}/api/documents/upload/", headers=auth[who],
                     files={"file": ("cv.pdf", samples.pdf(), "application/pdf")},
                     data={"document_type": "resume" if who == "candidate" else "license"},
                     timeout=30)
    return accounts


@pytest.fixture(scope="module")
def fuzzer(fuzz_stack):
    session = requests.Session()
    session.trust_env = False
    psql = schema_fuzz.Psql(fuzz_stack)
    try:
        accounts = _seed(fuzz_stack, session, psql)
        psql.query(schema_fuzz.AUDIT_SQL)
        doc, source = schema_fuzz.load_document(fuzz_stack.base_url, session)
        actors = schema_fuzz.Actors(fuzz_stack, session, psql, accounts)
        f = schema_fuzz.Fuzzer(fuzz_stack, schema_fuzz.Document(doc), actors, psql)
        f.source = source
        yield f
    finally:
        psql.close()
        session.close()


def test_write_audit_sees_writes(fuzzer):
    """The no-write check can fail: the triggers see a server's write, and check() reports a
    write by a refused request unless the table is one refused requests write by design."""
    psql, base = fuzzer.psql, fuzzer.base
    psql.query(schema_fuzz.TAKE_SQL)
    r = fuzzer.session.post(base + "/accounts/register/", json={
        "email": unique_email("audit"), "password": PASSWORD, "password2": PASSWORD,
        "first_name": "Audit", "last_name": "Check", "role": "candidate"}, timeout=30)
    assert r.status_code == 201, r.text
    writes = {(t, o) for t, o, _ in psql.query(schema_fuzz.TAKE_SQL)}
    assert ("users", "INSERT") in writes, writes
    r = fuzzer.session.post(base + "/accounts/login/", timeout=30,
                            json={"email": unique_email("nobody"), "password": "wrong"})
    assert r.status_code == 401, r.text
    writes = psql.query(schema_fuzz.TAKE_SQL)
    assert {t for t, _, _ in writes} <= set(schema_fuzz.REFUSED_WRITES_ALLOWED), writes

    op = next(o for o in fuzzer.d.operations() if o.method == "post")
    forbidden = requests.Response()
    forbidden.status_code = 403
    forbidden.headers["Content-Type"] = "application/json; charset=utf-8"
    forbidden._content = b'{"detail": "No.", "code": "permission_denied"}'
    args = ("http://x/", {}, b"{}", "valid", None)
    fuzzer.check(op, forbidden, *args, [["login_failures", "INSERT", "1"]])
    assert not [p for p in fuzzer.problems.values() if p["kind"] == "refused request wrote"]
    fuzzer.check(op, forbidden, *args, [["jobs", "UPDATE", "1"]])
    found = [p for p in fuzzer.problems.values() if p["kind"] == "refused request wrote"]
    assert len(found) == 1 and found[0]["detail"].startswith("jobs UPDATE x1"), found
    fuzzer.problems.clear()


def test_schema_fuzz(fuzzer):
    ops = fuzzer.d.operations()
    assert ops, f"no operations in {fuzzer.source}"
    print(f"\nschema fuzz: {len(ops)} operations from {fuzzer.source}", file=sys.stderr)
    started = time.monotonic()
    rounds = 0
    while True:
        for op in ops:
            fuzzer.run_operation(op, EXAMPLES, derandomize=not FUZZ_TIME)
            if FUZZ_TIME and time.monotonic() - started > FUZZ_TIME:
                break
        rounds += 1
        if not FUZZ_TIME or time.monotonic() - started > FUZZ_TIME:
            break
    elapsed = time.monotonic() - started
    schema_fuzz.print_summary(fuzzer, elapsed)
    if os.environ.get("FUZZ_REPORT"):
        with open(os.environ["FUZZ_REPORT"], "w") as f:
            json.dump({"requests": fuzzer.requests, "seconds": elapsed, "rounds": rounds,
                       "problems": list(fuzzer.problems.values()),
                       "statuses": {f"{k} {st}": n for (k, st), n
                                    in sorted(fuzzer.statuses.items())}}, f, indent=2)
    assert fuzzer.requests >= len(ops) * min(EXAMPLES, 5), fuzzer.requests
    assert not fuzzer.problems, (f"{len(fuzzer.problems)} problems in {fuzzer.requests}"
                                 f" requests:\n" + fuzzer.report())
