"""Mail over SMTP from the background worker, against a real SMTP server (aiosmtpd) with
STARTTLS and AUTH: delivery, a server without STARTTLS, 4xx then success, 5xx, a server that is
down, two httpd nodes on one outbox, MIME and a body line starting with a dot."""

import os
import shutil
import tempfile
import time
import uuid

import pytest

from conftest import Api, _ensure_migrated
from helpers import VERIFY_SUBJECT
from smtp_server import PASSWORD, USER, SmtpServer, chown_for_httpd
from stack import Stack, StackError

# Short intervals and backoff, so that retries happen within a test.
FAST = ("CarechainTaskInterval mail 1\nCarechainMailRetry 1 2 6\nCarechainMailTimeouts 5 10\n"
        "CarechainMailBatch 10\n")


def node(pg_stack, smtp, name, workdir, extra=""):
    d = tempfile.mkdtemp(prefix=f"cc-{name}-", dir=workdir)
    os.chmod(d, 0o755)
    auth = os.path.join(d, "mail-auth")
    with open(auth, "w") as f:
        f.write(f"{USER}\n{PASSWORD}\n")
    os.chmod(auth, 0o600)
    chown_for_httpd(auth)
    ca = os.path.join(d, "ca.pem")
    shutil.copy(smtp.cert, ca)
    os.chmod(ca, 0o644)
    s = Stack(d, mpm=pg_stack.mpm, bcrypt_cost=4, background=True,
              mail_transport=f"smtp://127.0.0.1:{smtp.port}",
              mail_conf=f"CarechainMailAuthFile {auth}\nCarechainMailCAFile {ca}\n",
              extra_conf=f"CarechainNodeName {name}\n{FAST}{extra}")
    s.conninfo = pg_stack.conninfo
    return s


@pytest.fixture(scope="module")
def workdir():
    d = tempfile.mkdtemp(prefix="cc-smtp-")
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def smtp(workdir):
    srv = SmtpServer(workdir)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def mailnode(pg_stack, smtp, workdir):
    _ensure_migrated(pg_stack)
    s = node(pg_stack, smtp, "node-a", workdir)
    s.allowed_log_patterns.append(r"CC01703: task run .*\"result\":\"error\"")
    s.start_httpd()
    yield s
    s.stop_httpd()
    problems = s.error_log_problems(allow=s.allowed_log_patterns)
    assert not problems, "\n".join(problems)


@pytest.fixture
def node_api(mailnode):
    a = Api(mailnode.base_url)
    yield a
    a.close()


def queue(db, to, subject="Test message", body="Hello.\n"):
    return db.scalar("INSERT INTO mail_outbox (recipient, subject, body) VALUES (:'to', :'s', :'b')"
                     " RETURNING id", to=to, s=subject, b=body)


def row(db, mid):
    r = db(f"SELECT attempts, sent_at IS NOT NULL, failed_at IS NOT NULL, coalesce(last_error, ''),"
           f" claimed_until IS NULL FROM mail_outbox WHERE id = {mid}")
    a, sent, failed, err, unclaimed = r[0]
    return {"attempts": int(a), "sent": sent == "t", "failed": failed == "t", "error": err,
            "unclaimed": unclaimed == "t"}


def wait_for(fn, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.1)
    return fn()


def received(smtp, to):
    return [m for m in smtp.messages if m["To"] == to]


def addr(prefix="smtp"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


def test_registration_mail_arrives_over_starttls_with_auth(mailnode, node_api, smtp, db):
    email = addr()
    r = node_api.post("accounts/register/", json={"email": email, "password": "Ward7-Night-Shift",
                                                  "first_name": "Asha", "last_name": "Rao",
                                                  "role": "candidate"})
    assert r.status_code == 201, r.text
    # the request does not deliver (SMTP is the worker's): the row is queued, untouched
    mid = db.scalar(f"SELECT id FROM mail_outbox WHERE recipient = '{email}'")
    assert wait_for(lambda: row(db, mid)["sent"])
    assert row(db, mid) == {"attempts": 1, "sent": True, "failed": False, "error": "",
                            "unclaimed": True}
    [m] = received(smtp, email)
    assert m["Subject"] == VERIFY_SUBJECT
    assert m["From"] == "CareChain <no-reply@carechain.local>"
    assert m["Message-ID"].startswith(f"<carechain.{mid}.") and m["Date"]
    i = smtp.raw.index(next(r for r in smtp.raw if f"carechain.{mid}.".encode() in r))
    assert smtp.auth_users[i] == USER.encode()
    assert smtp.envelopes[i] == ("no-reply@carechain.local", [email])
    assert "code:" in m.get_body(("plain",)).get_content()


def test_mime_headers_encoded_html_escaped_and_dot_line_intact(mailnode, smtp, db):
    to = addr()
    subject = "Bewerbung für Station 3 – 東京 🏥"
    body = ("Dear <b>Dr. O'Brien</b> & team,\n\n.leading dot line\n..two dots\n.\n"
            "last line\n")
    mid = queue(db, to, subject, body)
    assert wait_for(lambda: row(db, mid)["sent"])
    [m] = received(smtp, to)
    raw = next(r for r in smtp.raw if f"carechain.{mid}.".encode() in r)
    assert b"\r\nSubject: =?UTF-8?B?" in raw  # RFC 2047 on the wire, decoded by the parser
    assert m["Subject"] == subject
    assert m.get_content_type() == "multipart/alternative"
    text = m.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text == body  # dots stuffed by libcurl, unstuffed by the server: intact
    html = m.get_body(("html",)).get_content()
    assert "&lt;b&gt;Dr. O&#39;Brien&lt;/b&gt; &amp; team" in html
    assert "<b>" not in html
    assert ".leading dot line<br>" in html


def test_451_then_success_delivers_once(mailnode, smtp, db):
    to = addr()
    smtp.data_replies.append("451 4.3.0 Temporary local problem, try again")
    mid = queue(db, to)
    assert wait_for(lambda: row(db, mid)["attempts"] >= 1)
    assert wait_for(lambda: row(db, mid)["sent"])
    assert row(db, mid) == {"attempts": 2, "sent": True, "failed": False, "error": "",
                            "unclaimed": True}
    assert len(received(smtp, to)) == 1


def test_550_fails_with_the_servers_answer(mailnode, smtp, db):
    to = addr("reject")
    mid = queue(db, to)
    assert wait_for(lambda: row(db, mid)["failed"])
    r = row(db, mid)
    assert r["attempts"] == 1 and not r["sent"]
    assert r["error"].startswith("550 5.1.1 <" + to + ">: mailbox unavailable"), r["error"]
    time.sleep(1.5)
    assert row(db, mid)["attempts"] == 1  # failed for good: not retried
    assert received(smtp, to) == []


def test_invalid_address_fails_without_a_connection(mailnode, smtp, db):
    mid = queue(db, "not an address")
    assert wait_for(lambda: row(db, mid)["failed"])
    assert row(db, mid)["error"] == "invalid recipient address"


def test_server_down_retried_later_nothing_lost(mailnode, smtp, db):
    to = addr()
    smtp.stop()
    try:
        mid = queue(db, to)
        assert wait_for(lambda: row(db, mid)["attempts"] >= 1)
        r = row(db, mid)
        assert not r["sent"] and not r["failed"] and "connect" in r["error"].lower(), r
    finally:
        smtp.start()
    assert wait_for(lambda: row(db, mid)["sent"])
    assert row(db, mid)["attempts"] >= 2
    assert len(received(smtp, to)) == 1


def test_server_without_starttls_gets_nothing(mailnode, smtp, db):
    to = addr()
    smtp.stop()
    smtp.start(tls=False)
    try:
        before = smtp.mail_from_count
        mid = queue(db, to)
        assert wait_for(lambda: row(db, mid)["attempts"] >= 1)
        r = row(db, mid)
        assert not r["sent"] and not r["failed"]
        assert r["error"].startswith("TLS required, nothing sent"), r["error"]
        assert smtp.mail_from_count == before  # not even MAIL FROM in plain text
    finally:
        smtp.stop()
        smtp.start()
    # retried once the server offers STARTTLS again
    assert wait_for(lambda: row(db, mid)["sent"])
    assert len(received(smtp, to)) == 1


def test_too_many_attempts_fail_the_message(mailnode, smtp, db):
    to = addr()
    smtp.data_replies.extend(["421 4.7.0 Try again later"] * 6)
    mid = queue(db, to)
    assert wait_for(lambda: row(db, mid)["failed"], timeout=40)
    r = row(db, mid)
    assert r["attempts"] == 6 and r["error"].startswith("421 4.7.0 Try again later"), r
    del smtp.data_replies[:]


def test_two_nodes_one_outbox_each_message_once(pg_stack, mailnode, smtp, db, workdir):
    other = node(pg_stack, smtp, "node-b", workdir)
    other.start_httpd()
    try:
        tag = uuid.uuid4().hex[:8]
        db(f"INSERT INTO mail_outbox (recipient, subject, body) SELECT 'two-{tag}-' || i"
           f" || '@example.com', 'Two nodes ' || i, 'Message ' || i FROM generate_series(1, 300) i")
        ids = [r[0] for r in db(f"SELECT id FROM mail_outbox WHERE recipient LIKE 'two-{tag}-%'")]
        assert wait_for(lambda: db.scalar(
            f"SELECT count(*) FROM mail_outbox WHERE recipient LIKE 'two-{tag}-%'"
            f" AND sent_at IS NOT NULL") == "300", timeout=60)
        time.sleep(2)  # anything delivered twice would arrive by now
        got = [m["Message-ID"] for m in smtp.messages if m["To"].startswith(f"two-{tag}-")]
        assert len(got) == 300 and len(set(got)) == 300
        assert sorted(int(g.split(".")[1]) for g in got) == sorted(int(i) for i in ids)
        by = dict(db(f"SELECT claimed_by, count(*) FROM mail_outbox"
                     f" WHERE recipient LIKE 'two-{tag}-%' GROUP BY 1"))
        assert set(by) <= {"node-a", "node-b"}
        print("deliveries by node:", by)
    finally:
        other.stop_httpd()
    assert not other.error_log_problems()


def test_auth_file_readable_by_others_is_refused(pg_stack, smtp, workdir):
    s = node(pg_stack, smtp, "node-c", workdir)
    auth = s.mail_conf.split()[1]
    os.chmod(auth, 0o644)
    with pytest.raises(StackError):
        s.start_httpd()
    assert "may be read by others: chmod 600 it" in s.error_log.read_text()
    s.stop_httpd()


def test_plain_smtp_url_with_user_is_refused(pg_stack, smtp, workdir):
    s = node(pg_stack, smtp, "node-d", workdir)
    s.mail_transport = "smtp://user:pw@127.0.0.1:25"
    with pytest.raises(StackError) as e:
        s.start_httpd()
    assert "the credentials go in CarechainMailAuthFile" in str(e.value)
    s.stop_httpd()


def test_task_runs_recorded_and_logged(mailnode, db):
    rows = db("SELECT task, node, result, detail::jsonb ? 'claim_held_ms', next_run_at > started_at"
              " FROM task_runs WHERE node = 'node-a' AND task = 'mail' ORDER BY id DESC LIMIT 1")
    assert rows == [["mail", "node-a", "ok", "t", "t"]]
    log = mailnode.error_log.read_text()
    assert 'CC01703: task run {"task":"mail","node":"node-a","started":' in log


def ctl(stack, *args, check=True):
    return stack._run([stack.ctl] + list(args), service=False, check=check,
                      env={"CARECHAIN_DB": stack.conninfo, "PATH": "/usr/bin:/bin"})


def test_carechainctl_mail_status_retry_and_tasks(mailnode, smtp, db):
    to = addr("reject")
    mid = queue(db, to)
    assert wait_for(lambda: row(db, mid)["failed"])
    out = ctl(mailnode, "mail", "status").stdout
    assert "queued:" in out and "oldest undelivered:" in out
    failed = int(db.scalar("SELECT count(*) FROM mail_outbox WHERE failed_at IS NOT NULL"))
    assert f"failed:              {failed}\n" in out
    assert f"550 5.1.1 <{to}>: mailbox unavailable" in out
    # retry one: due again with fresh attempts (refused again by this server, so failed again)
    r = ctl(mailnode, "mail", "retry", mid)
    assert r.stdout == "mail retry: 1 message due again\n"
    assert wait_for(lambda: row(db, mid)["failed"] and row(db, mid)["attempts"] == 1)
    # a message refused 6 times with 421, then retried by hand once the server is fine again
    to2 = addr()
    smtp.data_replies.extend(["421 4.7.0 Try again later"] * 6)
    mid2 = queue(db, to2)
    assert wait_for(lambda: row(db, mid2)["failed"], timeout=40)
    del smtp.data_replies[:]
    r = ctl(mailnode, "mail", "retry", "--failed")
    assert r.stdout.startswith("mail retry: ") and int(r.stdout.split()[2]) >= 2
    assert wait_for(lambda: row(db, mid2)["sent"])
    assert len(received(smtp, to2)) == 1
    r = ctl(mailnode, "mail", "retry", "999999999", check=False)
    assert r.returncode == 1 and "no undelivered message 999999999" in r.stderr
    r = ctl(mailnode, "mail", "retry", "x1", check=False)
    assert r.returncode == 2
    out = ctl(mailnode, "tasks").stdout.splitlines()
    assert out[0].split()[:3] == ["TASK", "NODE", "LAST"]
    mine = [line.split() for line in out[1:] if line.split()[:2] == ["mail", "node-a"]]
    assert len(mine) == 1 and mine[0][4] == "ok"


def test_health_verbose_for_admins_only(pg_stack, mailnode, node_api, db):
    from helpers import create_admin, create_user  # noqa: E402
    admin = create_admin(pg_stack, node_api, login_now=True)
    r = node_api.get("health/", params={"verbose": "1"}, token=admin["access"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert set(body["mail"]) == {"queued", "due", "in_flight", "oldest_undelivered",
                                 "oldest_undelivered_age_s", "sent_last_24h", "failed",
                                 "failures_by_reason"}
    assert body["mail"]["failed"] == int(db.scalar(
        "SELECT count(*) FROM mail_outbox WHERE failed_at IS NOT NULL"))
    mail = [t for t in body["tasks"] if t["task"] == "mail" and t["node"] == "node-a"]
    assert len(mail) == 1 and mail[0]["result"] == "ok" and "claim_held_ms" in mail[0]["detail"]
    assert r.headers["Cache-Control"] == "no-store"
    # plain health stays public and short
    assert node_api.get("health/").json().keys() == {"status", "database", "version"}
    r = node_api.get("health/", params={"verbose": "1"})
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"
    email = f"cand-{uuid.uuid4().hex[:10]}@example.com"
    r = node_api.post("accounts/register/", json={"email": email, "password": "Ward7-Night-Shift",
                                                  "first_name": "A", "last_name": "B",
                                                  "role": "candidate"})
    assert r.status_code == 201
    db(f"UPDATE users SET is_verified = true WHERE email = '{email}'")
    tok = node_api.post("accounts/login/", json={"email": email,
                                                 "password": "Ward7-Night-Shift"}).json()["access"]
    r = node_api.get("health/", params={"verbose": "1"}, token=tok)
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    r = node_api.get("health/", params={"verbose": "1"}, token="not-a-token")
    assert r.status_code == 401
