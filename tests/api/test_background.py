"""The background sweeps on two httpd nodes sharing one database (services/worker.c,
dbd/sql/background.sql): expired jobs closed and their applicants told exactly once, document
expiry reminders at 30 and 7 days and the expiry itself (rows placed in time), notification
preferences respected, retention deleting only what it should, in bounded batches."""

import os
import shutil
import tempfile
import time
import uuid

import pytest

from conftest import _ensure_migrated
from stack import Stack

FAST = ("CarechainTaskInterval expire_jobs 1\nCarechainTaskInterval documents 1\n"
        "CarechainTaskInterval retention 1\nCarechainTaskInterval mail 1\n"
        "CarechainTaskInterval digest 1\n")
IN_PROGRESS = ["applied", "reviewed", "shortlisted", "interviewing", "offered"]
FINAL = ["hired", "rejected", "withdrawn"]


@pytest.fixture(scope="module")
def nodes(pg_stack):
    _ensure_migrated(pg_stack)
    base = tempfile.mkdtemp(prefix="cc-bg-")
    os.chmod(base, 0o755)
    out = []
    try:
        for name in ("sweep-a", "sweep-b"):
            d = tempfile.mkdtemp(prefix=f"{name}-", dir=base)
            os.chmod(d, 0o755)
            s = Stack(d, mpm=pg_stack.mpm, bcrypt_cost=4, background=True,
                      extra_conf=f"CarechainNodeName {name}\n{FAST}")
            s.conninfo = pg_stack.conninfo
            s.start_httpd()
            out.append(s)
        yield out
    finally:
        for s in out:
            s.stop_httpd()
        problems = [p for s in out for p in s.error_log_problems()]
        shutil.rmtree(base, ignore_errors=True)
    assert not problems, "\n".join(problems)


def wait_for(fn, timeout=60):
    # long: the nodes' mail task writes the sweeps' mails as files (fsync each) in runs of up
    # to 10 s, and the other tasks wait for the thread meanwhile
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.2)
    return fn()


def tag():
    return uuid.uuid4().hex[:10]


def make_users(db, t, role, n, first="Meera"):
    """n users of a role (and their profiles); their ids in order."""
    ids = [r[0] for r in db(
        f"INSERT INTO users (email, password, first_name, last_name, role, is_verified)"
        f" SELECT 'bg-{t}-{role}-' || i || '@example.com', 'x', '{first}', 'Nair', '{role}', true"
        f" FROM generate_series(1, {n}) i RETURNING id")]
    table = "candidate_profiles" if role == "candidate" else "recruiter_profiles"
    db(f"INSERT INTO {table} (user_id) SELECT unnest(ARRAY[{','.join(ids)}]::bigint[])")
    return ids


def test_expired_jobs_closed_applicants_told_once_on_two_nodes(nodes, db):
    t = tag()
    hospital = db.scalar(f"INSERT INTO hospitals (name, registration_number, type)"
                         f" VALUES ('Lakeside {t}', 'R-{t}', 'public') RETURNING id")
    cands = make_users(db, t, "candidate", len(IN_PROGRESS) + len(FINAL))
    statuses = IN_PROGRESS + FINAL
    # preferences: the first candidate wants no job mail, the second no in-app notice
    db(f"INSERT INTO notification_preferences (user_id, type, in_app, email) VALUES"
       f" ({cands[0]}, 'job_update', true, false), ({cands[1]}, 'job_update', false, true)")
    # 300 expired open jobs, each applied to by every candidate (one per status); one job
    # that has not expired, one that expired but was closed by hand already
    # one transaction: the sweep must not close the jobs before their applications exist
    db(f"BEGIN; INSERT INTO jobs (hospital_id, title, expires_at) SELECT {hospital}, 'Ward nurse {t} ' || i,"
       f" now() - interval '1 minute' * i FROM generate_series(1, 300) i;"
       f" INSERT INTO jobs (hospital_id, title, expires_at, is_active) VALUES"
       f" ({hospital}, 'Future {t}', now() + interval '1 day', true),"
       f" ({hospital}, 'Closed {t}', now() - interval '1 day', false);"
       f" INSERT INTO applications (job_id, candidate_id, status)"
       f" SELECT j.id, c.id, (ARRAY{statuses})[array_position(ARRAY[{','.join(cands)}]::bigint[], c.user_id)]"
       f" FROM jobs j, candidate_profiles c WHERE j.hospital_id = {hospital}"
       f" AND c.user_id = ANY (ARRAY[{','.join(cands)}]::bigint[]); COMMIT")
    assert wait_for(lambda: db.scalar(f"SELECT count(*) FROM jobs WHERE hospital_id = {hospital}"
                                      f" AND is_active") == "1", timeout=30)
    time.sleep(2.5)  # both nodes have run again since: nothing is told twice
    assert db(f"SELECT title FROM jobs WHERE hospital_id = {hospital} AND is_active") == \
        [[f"Future {t}"]]
    notes = dict(db(f"SELECT n.user_id, count(*) FROM notifications n"
                    f" WHERE n.user_id = ANY (ARRAY[{','.join(cands)}]::bigint[])"
                    f" AND n.title = 'Job expired' GROUP BY 1"))
    mails = dict(db(f"SELECT u.id, count(*) FROM mail_outbox m JOIN users u ON u.email = m.recipient"
                    f" WHERE u.id = ANY (ARRAY[{','.join(cands)}]::bigint[])"
                    f" AND m.kind = 'job_update' GROUP BY 1"))
    for uid, status in zip(cands, statuses):
        want = 300 if status in IN_PROGRESS else 0
        assert int(notes.get(uid, 0)) == (0 if uid == cands[1] else want), (status, notes)
        assert int(mails.get(uid, 0)) == (0 if uid == cands[0] else want), (status, mails)
    # each notice names its job and application, once
    dup = db(f"SELECT data ->> 'application', count(*) FROM notifications"
             f" WHERE user_id = {cands[2]} AND title = 'Job expired' GROUP BY 1 HAVING count(*) > 1")
    assert dup == []
    body = db.scalar(f"SELECT body FROM mail_outbox m WHERE recipient = 'bg-{t}-candidate-3@example.com'"
                     f" AND kind = 'job_update' ORDER BY id LIMIT 1")
    assert body.startswith("Hello Meera,\n\nThe job \"Ward nurse") and f"at Lakeside {t}" in body
    runs = dict(db("SELECT node, sum(items) FROM task_runs WHERE task = 'expire_jobs'"
                   " AND node LIKE 'sweep-%' GROUP BY 1"))
    assert sum(int(v) for v in runs.values()) >= 300
    print("jobs closed by node:", runs)


def test_document_reminders_30_and_7_days_once_then_expired(nodes, db):
    t = tag()
    [uid] = make_users(db, t, "candidate", 1, first="Ravi")

    def doc(days, name, **cols):
        extra = "".join(f", {k}" for k in cols)
        vals = "".join(f", {v}" for v in cols.values())
        return db.scalar(f"INSERT INTO documents (user_id, document_type, original_name, expires_on{extra})"
                         f" VALUES ({uid}, 'medical_license', '{name}',"
                         f" (now() AT TIME ZONE 'UTC')::date + {days}{vals}) RETURNING id")

    d30 = doc(30, "licence-30.pdf")
    d31 = doc(31, "licence-31.pdf")
    d7 = doc(7, "licence-7.pdf")
    dpast = doc(-1, "licence-old.pdf")
    dnone = db.scalar(f"INSERT INTO documents (user_id, document_type, original_name)"
                      f" VALUES ({uid}, 'resume', 'cv.pdf') RETURNING id")

    def state(d):
        return db(f"SELECT reminded_30_at IS NOT NULL, reminded_7_at IS NOT NULL,"
                  f" expired_at IS NOT NULL FROM documents WHERE id = {d}")[0]

    assert wait_for(lambda: state(dpast) == ["f", "f", "t"] and state(d7)[1] == "t"
                    and state(d30)[0] == "t")
    time.sleep(2.5)
    assert state(d30) == ["t", "f", "f"]
    assert state(d31) == ["f", "f", "f"]
    assert state(d7) == ["f", "t", "f"]  # inside 7 days: only the 7-day reminder
    assert state(dpast) == ["f", "f", "t"]
    assert state(dnone) == ["f", "f", "f"]

    def subjects():
        return [r[0] for r in db(f"SELECT subject FROM mail_outbox WHERE recipient ="
                                 f" 'bg-{t}-candidate-1@example.com' ORDER BY id")]

    today = db.scalar("SELECT (now() AT TIME ZONE 'UTC')::date")
    assert sorted(subjects()) == sorted([
        "Your medical license has expired",
        f"Your medical license expires on {db.scalar(f'SELECT expires_on FROM documents WHERE id = {d7}')}",
        f"Your medical license expires on {db.scalar(f'SELECT expires_on FROM documents WHERE id = {d30}')}"])
    notes = db(f"SELECT notification_type, message FROM notifications WHERE user_id = {uid} ORDER BY id")
    assert len(notes) == 3 and all(n[0] == "system" for n in notes)
    assert [f'Your medical license "licence-30.pdf" expires in 30 days'
            in n[1] for n in notes].count(True) == 1
    # time passes for the 30-day one: 7 days left, then expired; each step once
    db(f"UPDATE documents SET expires_on = '{today}'::date + 6 WHERE id = {d30}")
    assert wait_for(lambda: state(d30) == ["t", "t", "f"])
    db(f"UPDATE documents SET expires_on = '{today}'::date - 1 WHERE id = {d30}")
    assert wait_for(lambda: state(d30) == ["t", "t", "t"])
    time.sleep(2.5)
    assert len(subjects()) == 5
    assert db.scalar(f"SELECT count(*) FROM notifications WHERE user_id = {uid}") == "5"


def test_credential_email_preference_respected(nodes, db):
    t = tag()
    [uid] = make_users(db, t, "candidate", 1)
    db(f"INSERT INTO notification_preferences (user_id, type, in_app, email)"
       f" VALUES ({uid}, 'credential_expiry', true, false)")
    d = db.scalar(f"INSERT INTO documents (user_id, document_type, original_name, expires_on)"
                  f" VALUES ({uid}, 'certificate', 'bls.pdf', (now() AT TIME ZONE 'UTC')::date + 3)"
                  f" RETURNING id")
    assert wait_for(lambda: db.scalar(f"SELECT reminded_7_at IS NOT NULL FROM documents"
                                      f" WHERE id = {d}") == "t")
    assert db.scalar(f"SELECT count(*) FROM mail_outbox WHERE recipient = "
                     f"'bg-{t}-candidate-1@example.com'") == "0"
    assert db.scalar(f"SELECT count(*) FROM notifications WHERE user_id = {uid}") == "1"


def test_unread_messages_digest_once_after_the_delay(nodes, db):
    t = tag()
    a, b = make_users(db, t, "candidate", 2, first="Lina")

    def msg(uid, title, age, read=False):
        db(f"INSERT INTO notifications (user_id, notification_type, title, message, is_read,"
           f" created_at) VALUES ({uid}, 'message', '{title}', 'About the night shift',"
           f" {str(read).lower()}, now() - interval '{age}')")

    for i in range(3):
        msg(a, f"New message from Dr. Iyer {i}", "2 hours")
    msg(a, "Too recent", "10 minutes")
    msg(a, "Already read", "2 hours", read=True)
    msg(b, "For b", "2 hours")
    db(f"INSERT INTO notification_preferences (user_id, type, email) VALUES ({b}, 'message', false)")

    def mails(uid):
        return db(f"SELECT subject, body FROM mail_outbox m JOIN users u ON u.email = m.recipient"
                  f" WHERE u.id = {uid} AND m.kind = 'message' ORDER BY m.id")

    assert wait_for(lambda: len(mails(a)) == 1)
    # b's may come a run later (the nodes share the work); the suite's other rows make runs long
    assert wait_for(lambda: db.scalar(f"SELECT digested_at IS NOT NULL FROM notifications"
                                      f" WHERE user_id = {b}") == "t", timeout=120), \
        db("SELECT node, started_at, duration_ms, result, items, detail FROM task_runs"
           " WHERE task = 'digest' ORDER BY id DESC LIMIT 6")
    time.sleep(2.5)
    [(subject, body)] = mails(a)
    assert subject == "You have 3 unread messages on CareChain"
    assert body.startswith("Hello Lina,\n\n3 messages are waiting for you on CareChain:\n\n"
                           "- New message from Dr. Iyer 0: About the night shift\n")
    assert "Too recent" not in body and "Already read" not in body
    assert mails(b) == []  # email of messages turned off: covered, not mailed
    # the recent one's delay passes: a digest of its own, once
    db(f"UPDATE notifications SET created_at = now() - interval '2 hours'"
       f" WHERE user_id = {a} AND title = 'Too recent'")
    assert wait_for(lambda: len(mails(a)) == 2)
    time.sleep(2.5)
    assert [m[0] for m in mails(a)] == ["You have 3 unread messages on CareChain",
                                        "You have an unread message on CareChain"]


def test_retention_deletes_only_what_it_should_in_batches(nodes, db):
    t = tag()
    [uid] = make_users(db, t, "candidate", 1)
    # one-time tokens: expired (goes) and valid (stays)
    db(f"INSERT INTO one_time_tokens (user_id, purpose, token_hash, expires_at) VALUES"
       f" ({uid}, 'verify_email', 'gone-{t}', now() - interval '1 hour'),"
       f" ({uid}, 'password_reset', 'kept-{t}', now() + interval '1 hour')")
    # refresh tokens: revoked + expired (goes); revoked, not expired; live but expired (stay)
    db(f"INSERT INTO refresh_tokens (jti, user_id, expires_at, revoked_at, revoked_reason) VALUES"
       f" ('gone-{t}', {uid}, now() - interval '1 hour', now() - interval '2 hours', 'rotated'),"
       f" ('kept1-{t}', {uid}, now() + interval '1 day', now(), 'logout'),"
       f" ('kept2-{t}', {uid}, now() - interval '1 hour', NULL, NULL)")
    # login failures: 2,500 older than 7 days (go, in 3 batches of 1,000), one recent (stays)
    db(f"INSERT INTO login_failures (email, client, at) SELECT 'old-{t}@example.com', '10.0.0.1',"
       f" now() - interval '8 days' FROM generate_series(1, 2500)")
    db(f"INSERT INTO login_failures (email, client, at)"
       f" VALUES ('new-{t}@example.com', '10.0.0.1', now() - interval '6 days')")
    # mail: delivered 31 days ago (goes); delivered 29 days ago, failed and pending old (stay)
    db(f"INSERT INTO mail_outbox (recipient, subject, body, created_at, sent_at, failed_at,"
       f" next_attempt_at) VALUES"
       f" ('gone-{t}@example.com', 's', 'b', now() - interval '40 days', now() - interval '31 days', NULL, now()),"
       f" ('kept-{t}@example.com', 's', 'b', now() - interval '40 days', now() - interval '29 days', NULL, now()),"
       f" ('kept-{t}@example.com', 's', 'b', now() - interval '40 days', NULL, now() - interval '39 days', now()),"
       f" ('kept-{t}@example.com', 's', 'b', now() - interval '40 days', NULL, NULL, now() + interval '1 day')")
    db(f"INSERT INTO task_runs (task, node, started_at, duration_ms, result, next_run_at)"
       f" VALUES ('retention', 'old-{t}', now() - interval '8 days', 1, 'ok', now())")
    # the live stream: a ticket two hours past its expiry (goes), one half an hour past (stays);
    # events 8 days old (go) and 6 days old (stays)
    db(f"INSERT INTO stream_tickets (token_hash, user_id, token_version, expires_at) VALUES"
       f" (sha256('gone-{t}'::bytea), {uid}, 0, now() - interval '2 hours'),"
       f" (sha256('kept-{t}'::bytea), {uid}, 0, now() - interval '30 minutes')")
    db(f"INSERT INTO stream_events (user_id, seq, kind, ref_id, created_at) VALUES"
       f" ({uid}, 1000001, 'notification', 0, now() - interval '8 days'),"
       f" ({uid}, 1000002, 'notification', 0, now() - interval '6 days')")
    assert wait_for(lambda: db.scalar(f"SELECT count(*) FROM login_failures"
                                      f" WHERE email = 'old-{t}@example.com'") == "0")
    time.sleep(1.5)
    assert db(f"SELECT purpose FROM one_time_tokens WHERE user_id = {uid}") == [["password_reset"]]
    assert sorted(r[0] for r in db(f"SELECT jti FROM refresh_tokens WHERE user_id = {uid}")) == \
        [f"kept1-{t}", f"kept2-{t}"]
    assert db.scalar(f"SELECT count(*) FROM login_failures WHERE email = 'new-{t}@example.com'") == "1"
    assert db(f"SELECT recipient FROM mail_outbox WHERE recipient LIKE '%-{t}@example.com'") == \
        [[f"kept-{t}@example.com"]] * 3
    assert db.scalar(f"SELECT count(*) FROM task_runs WHERE node = 'old-{t}'") == "0"
    assert db(f"SELECT token_hash = sha256('kept-{t}'::bytea) FROM stream_tickets"
              f" WHERE user_id = {uid}") == [["t"]]
    assert db(f"SELECT seq FROM stream_events WHERE user_id = {uid} AND seq > 1000000") == \
        [["1000002"]]
    # bounded: no statement deleted more than 1,000 rows of a table, so the 2,500 took at least
    # three batches (over the two nodes: they share the work, SKIP LOCKED, so one run may do 2)
    rows = db("SELECT items, (detail::jsonb ->> 'batches')::int FROM task_runs"
              " WHERE task = 'retention' AND node LIKE 'sweep-%' AND items > 0")
    assert sum(int(i) for i, _ in rows) >= 2500 and sum(int(b) for _, b in rows) >= 3, rows
    assert all(int(i) <= 1000 * 3 * int(b) for i, b in rows), rows


@pytest.mark.parametrize("kind,values,subject,body_has,summary", [
    ("job_expired", {"first_name": "Asha", "job": "ICU nurse", "hospital": "Lakeside"},
     "A job you applied to has expired",
     'Hello Asha,\n\nThe job "ICU nurse" at Lakeside has expired and is no longer open',
     'The job "ICU nurse" has expired and is no longer open.'),
    ("document_expiring", {"first_name": "", "document": "medical license", "name": "l.pdf",
                           "expires_on": "2027-01-31", "days": "7"},
     "Your medical license expires on 2027-01-31",
     'Hello there,\n\nYour medical license "l.pdf" expires on 2027-01-31, in 7 days.',
     'Your medical license "l.pdf" expires in 7 days (2027-01-31).'),
    ("document_expired", {"first_name": "Ravi", "document": "certificate", "name": "bls.pdf",
                          "expires_on": "2026-11-30"},
     "Your certificate has expired",
     'Hello Ravi,\n\nYour certificate "bls.pdf" expired on 2026-11-30. Upload the renewed document',
     'Your certificate "bls.pdf" expired on 2026-11-30.'),
    ("message_digest", {"first_name": "Lina", "count": "2", "lines": "- a\n- b"},
     "You have 2 unread messages on CareChain",
     "Hello Lina,\n\n2 messages are waiting for you on CareChain:\n\n- a\n- b\n\nRead and",
     "You have 2 unread messages on CareChain."),
])
def test_mail_templates(db, kind, values, subject, body_has, summary):
    import json
    rows = db("SELECT subject, body, summary FROM cc_mail_template(:'k', :'v'::jsonb)",
              k=kind, v=json.dumps(values))
    assert rows[0][0] == subject and rows[0][2] == summary
    body = db.scalar("SELECT body FROM cc_mail_template(:'k', :'v'::jsonb)", k=kind,
                     v=json.dumps(values))
    assert body.startswith(body_has) and body.endswith("\n\nThe CareChain team\n")


# The mails queued at request time (services/mail.c adds "base"): whole texts are pinned by the
# tests of their endpoints; here each kind's subject, its opening, and that it has no summary.
@pytest.mark.parametrize("kind,values,subject,body_has", [
    ("verify_email", {"token": "T0k"}, "Confirm your CareChain email address",
     "Hello,\n\nWelcome to CareChain. Confirm your email address with this code:\n\nT0k\n\n"
     "or open this link:\nhttps://cc.test/verify-email?token=T0k\n\n"),
    ("password_reset", {"token": "T0k"}, "Reset your CareChain password",
     "Hello,\n\nSomeone asked to reset the password"),
    ("invitation", {"token": "T0k"}, "Your CareChain account is ready",
     "Hello,\n\nA CareChain administrator created an account for this email address. To choose"
     " your password, use this code:\n\nT0k\n\nor open this link:\n"
     "https://cc.test/set-password?token=T0k\n\n"),
    ("application_status", {"job": "ICU <b>nurse</b>", "status": "hired"},
     "Your application for ICU <b>nurse</b>: hired",
     'Hello,\n\nThe status of your application for "ICU <b>nurse</b>" is now: hired.\n\n'
     "See your applications at https://cc.test/.\n"),
    ("testimonial_rejected", {"reason": "Names a patient."},
     "Your CareChain testimonial was not published",
     "Hello,\n\nAn administrator did not publish your testimonial on CareChain.\n\n"
     "Reason: Names a patient.\n\nYou can edit it at https://cc.test/;"),
    ("verification_approved", {"what": "hospital"}, "Your CareChain hospital was verified",
     "Hello,\n\nGood news: an administrator has verified your hospital on CareChain.\n\n"
     "Sign in at https://cc.test/ to continue.\n"),
    ("verification_rejected", {"what": "profile", "reason": "Expired."},
     "Your CareChain profile was not verified",
     "Hello,\n\nAn administrator could not verify your profile on CareChain.\n\n"
     "Reason: Expired.\n\nYou can correct the details and submit again at https://cc.test/.\n"),
])
def test_request_mail_templates(db, kind, values, subject, body_has):
    import json
    values = dict(values, base="https://cc.test")
    [[s, body, summary]] = db("SELECT subject, body, summary IS NULL"
                              " FROM cc_mail_template(:'k', :'v'::jsonb)", k=kind,
                              v=json.dumps(values))
    # values stay plain text (no HTML escaping here: the HTML part escapes the whole text)
    assert s == subject and body.startswith(body_has) and summary == "t", (s, body)
    assert body.endswith("\n") and not body.endswith("\n\n")


def test_unknown_mail_template_is_an_error(db):
    from stack import StackError
    with pytest.raises(StackError, match="no mail template nope"):
        db("SELECT * FROM cc_mail_template('nope', '{}')")
    # the statement a handler's mail goes through (services/mail.c cc_mail_queue) raises too, so
    # the change that causes the mail rolls back with it; nothing is queued
    n = db.scalar("SELECT count(*) FROM mail_outbox")
    with pytest.raises(StackError, match="no mail template invite"):
        db("INSERT INTO mail_outbox (recipient, subject, body) SELECT 'x@example.com', t.subject,"
           " t.body FROM cc_mail_template('invite', '{\"token\": \"t\"}'::jsonb"
           " || jsonb_build_object('base', 'https://cc.test')) t")
    assert db.scalar("SELECT count(*) FROM mail_outbox") == n


@pytest.mark.parametrize("kind,values", [
    ("invitation", {"base": "https://cc.test"}),  # no token
    ("verify_email", {"token": "t"}),  # no base
    ("application_status", {"job": "ICU nurse", "base": "https://cc.test"}),  # no status
    ("verification_rejected", {"what": "profile", "base": "https://cc.test"}),  # no reason
    ("job_expired", {"job": "ICU nurse"}),  # no hospital
])
def test_a_missing_mail_value_is_an_error(db, kind, values):
    import json
    from stack import StackError
    with pytest.raises(StackError, match=f"mail template {kind}: a value is missing"):
        db("SELECT * FROM cc_mail_template(:'k', :'v'::jsonb)", k=kind, v=json.dumps(values))


def test_file_transport_mail_is_delivered_by_the_worker(nodes, db):
    # make run's file: spool: mail nobody's request delivered (a retry, a sweep's) is written by
    # the worker of one node, once
    t = tag()
    mid = db.scalar(f"INSERT INTO mail_outbox (recipient, subject, body)"
                    f" VALUES ('spool-{t}@example.com', 'Spool {t}', 'Hello.') RETURNING id")
    assert wait_for(lambda: db.scalar(f"SELECT sent_at IS NOT NULL FROM mail_outbox"
                                      f" WHERE id = {mid}") == "t")
    time.sleep(1.5)
    files = [p for s in nodes for p in s.mail_dir.iterdir() if p.name.endswith(f"-{mid}.eml")]
    assert len(files) == 1
    text = files[0].read_bytes()
    assert f"Subject: Spool {t}\r\n".encode() in text and b"multipart/alternative" in text
