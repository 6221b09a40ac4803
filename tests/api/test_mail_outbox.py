"""Mail goes through the outbox: a failed delivery loses nothing, and is delivered later."""

import os
import re
import time
import uuid

PASSWORD = "Ward7-Night-Shift"


def register(api, email):
    r = api.post("accounts/register/", json={"email": email, "password": PASSWORD,
                                              "first_name": "Ravi", "last_name": "Kumar",
                                              "role": "recruiter", "company_name": "Apollo"})
    assert r.status_code == 201, r.text


def test_outbox_row_committed_with_registration(api, db, read_mails):
    email = f"mail-{uuid.uuid4().hex[:10]}@example.com"
    register(api, email)
    rows = db(f"SELECT subject, attempts, sent_at IS NOT NULL, last_error IS NULL"
              f" FROM mail_outbox WHERE recipient = '{email}'")
    assert rows == [["Confirm your CareChain email address", "1", "t", "t"]]
    mails = read_mails(to=email)
    assert len(mails) == 1
    m = mails[0]
    assert m["Subject"] == "Confirm your CareChain email address"
    assert m["From"] == "CareChain <no-reply@carechain.local>"
    assert m["Message-ID"].endswith("@carechain.local>")
    # multipart/alternative: the text, and HTML made from it with every value escaped
    assert m.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in m.iter_parts()] == ["text/plain", "text/html"]
    assert re.search(r"code:\s+([A-Za-z0-9_-]{43})\s", m.get_body(("plain",)).get_content())
    assert "<p>" in m.get_body(("html",)).get_content()


def test_failed_delivery_stays_queued_and_is_delivered_later(api, db, stack, read_mails):
    stack.allowed_log_patterns.append(r"CC01301: mail \d+ not delivered")
    email = f"mail-{uuid.uuid4().hex[:10]}@example.com"
    mode = os.stat(stack.mail_dir).st_mode
    # httpd runs as an unprivileged user: a read-only mail directory makes delivery fail.
    os.chmod(stack.mail_dir, 0o555)
    try:
        register(api, email)  # the registration itself succeeds
    finally:
        os.chmod(stack.mail_dir, mode)
    rows = db(f"SELECT attempts, sent_at IS NULL, last_error, next_attempt_at > now()"
              f" FROM mail_outbox WHERE recipient = '{email}'")
    assert rows == [["1", "t", "cannot create the message file", "t"]]
    assert read_mails(to=email) == []
    # The backoff has not passed: another delivery run leaves it alone ...
    other = f"mail-{uuid.uuid4().hex[:10]}@example.com"
    register(api, other)
    assert read_mails(to=email) == []
    # ... and delivers it once it is due.
    db(f"UPDATE mail_outbox SET next_attempt_at = now() WHERE recipient = '{email}'")
    register(api, f"mail-{uuid.uuid4().hex[:10]}@example.com")
    deadline = time.monotonic() + 5
    while not read_mails(to=email) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(read_mails(to=email)) == 1
    assert db(f"SELECT attempts, sent_at IS NOT NULL, last_error IS NULL FROM mail_outbox"
              f" WHERE recipient = '{email}'") == [["2", "t", "t"]]
