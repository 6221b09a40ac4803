"""What a hostile client could still do after the first half, closed (the hardening issue): the
module's side. httpd's side (timeouts, workers, rate limits, the frontend's headers) is in
test_hardening_httpd.py."""

import pytest

from helpers import jwt_key, jwt_sign, now, raw_request

JSON_PREFIX = "application/json"


def _expect_json_error(stack, data, status, code):
    got, headers, body = raw_request(stack, data)
    assert got == status, body[:300]
    assert headers["content-type"].startswith(JSON_PREFIX), (headers, body[:300])
    import json
    doc = json.loads(body)
    assert doc["code"] == code and isinstance(doc["detail"], str) and doc["detail"]
    assert set(doc) == {"detail", "code"}
    return headers, doc


# ---- httpd's own errors answer JSON for /api/ URLs (finding 3) -----------------------------

H = b"Host: a\r\nConnection: close\r\n"

# (request bytes, status, code): each is refused by httpd before any <Location> applies.
REFUSED = {
    "nul in path": (b"GET /api/x%00y HTTP/1.1\r\n" + H + b"\r\n", 404, "not_found"),
    "trace": (b"TRACE /api/ HTTP/1.1\r\n" + H + b"\r\n", 405, "method_not_allowed"),
    "connect": (b"CONNECT /api/ HTTP/1.1\r\n" + H + b"\r\n", 400, "parse_error"),
    "oversized header": (b"GET /api/ HTTP/1.1\r\n" + H + b"X-Big: " + b"a" * 9000 + b"\r\n\r\n",
                         400, "parse_error"),
    "too many headers": (b"GET /api/ HTTP/1.1\r\n" + H
                         + b"".join(b"X-%d: 1\r\n" % i for i in range(120)) + b"\r\n",
                         400, "parse_error"),
    "nul in header": (b"GET /api/ HTTP/1.1\r\n" + H + b"X-A: a\x00b\r\n\r\n", 400, "parse_error"),
    "two content-lengths": (b"POST /api/accounts/login/ HTTP/1.1\r\n" + H
                            + b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
                            400, "parse_error"),
    "negative content-length": (b"POST /api/accounts/login/ HTTP/1.1\r\n" + H
                                + b"Content-Length: -1\r\n\r\n", 400, "parse_error"),
    "unknown transfer-encoding": (b"POST /api/accounts/login/ HTTP/1.1\r\n" + H
                                  + b"Transfer-Encoding: gzip\r\n\r\n", 400, "parse_error"),
    "expect foo": (b"POST /api/accounts/login/ HTTP/1.1\r\n" + H
                   + b"Expect: foo\r\nContent-Length: 2\r\n\r\n{}", 417, "expectation_failed"),
    "uri over the line limit": (b"GET /api/" + b"a" * 9000 + b" HTTP/1.1\r\n" + H + b"\r\n",
                                414, "uri_too_long"),
    # HTTP/0.9 used to be answered with a bare body and no headers (HttpProtocolOptions
    # Require1.0 refuses it)
    "http/0.9": (b"GET /api/\r\n", 400, "parse_error"),
    "lower-case method": (b"get /api/ HTTP/1.1\r\n" + H + b"\r\n", 405, "method_not_allowed"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_httpd_refusals_answer_json_for_api_urls(stack, name):
    data, status, code = REFUSED[name]
    headers, doc = _expect_json_error(stack, data, status, code)
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("x-request-id")
    if name == "trace":
        assert doc["detail"] == 'Method "TRACE" not allowed.'


def test_httpd_refusals_outside_api_keep_httpd_pages(stack):
    """The frontend's errors stay httpd's: only /api/ answers are JSON."""
    # (a page path such as /no-such-page is the frontend's index.html, FallbackResource; a
    # missing file with a static file's extension stays httpd's 404)
    for data in (b"GET /x%00y HTTP/1.1\r\n" + H + b"\r\n",
                 b"GET /no-such-file.js HTTP/1.1\r\n" + H + b"\r\n",
                 b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n" + H + b"\r\n"):
        status, headers, body = raw_request(stack, data)
        assert status in (404, 414)
        assert headers["content-type"].startswith("text/html"), headers
    # a path that only starts like the API is not the API
    status, headers, _ = raw_request(stack, b"GET /apix%00 HTTP/1.1\r\n" + H + b"\r\n")
    assert status == 404 and headers["content-type"].startswith("text/html")


def test_head_of_an_httpd_refusal_has_no_body(stack):
    status, headers, body = raw_request(stack, b"HEAD /api/x%00y HTTP/1.1\r\n" + H + b"\r\n")
    assert status == 404
    assert headers["content-type"].startswith(JSON_PREFIX)
    assert body == b""


# ---- JWT crit (finding 9) ------------------------------------------------------------------


def test_token_with_crit_header_is_refused(api, stack, read_mails):
    """RFC 7515 4.1.11: a correctly signed token that names critical extensions is refused."""
    from helpers import create_user, jwt_claims
    user = create_user(api, read_mails, login_now=True)
    claims = jwt_claims(user["access"])
    key = jwt_key(stack)
    good = jwt_sign(claims, key)
    assert api.get("accounts/profile/", token=good).status_code == 200
    for crit in (["exp"], [], "x"):
        bad = jwt_sign(claims, key, header={"alg": "HS256", "typ": "JWT", "crit": crit, "exp": 1})
        r = api.get("accounts/profile/", token=bad)
        assert r.status_code == 401, r.text
        assert r.json()["code"] == "token_not_valid"
    assert claims["exp"] > now()


# ---- slow bodies: no database connection held (finding 2), 408 on a timeout (finding 10) ---

SLOW_APP = "cc-slow-bodies"
# A body must start within 4 s and then keep 100 bytes/s (each 100 bytes buy a second more).
SLOW_CONF = """
<IfModule !reqtimeout_module>
    LoadModule reqtimeout_module "/usr/lib/apache2/modules/mod_reqtimeout.so"
</IfModule>
RequestReadTimeout handshake=0 header=20 body=4,MinRate=100
# One process: mod_dbd keeps a pool per process, so requests spread over four processes could
# open (and keep) one connection in each and a count of backends could not tell a held one from
# a kept one (CI saw 4 on a slow run).
<IfModule mpm_event_module>
    StartServers 1
    ServerLimit 1
    MaxRequestWorkers 64
    MinSpareThreads 8
    MaxSpareThreads 64
</IfModule>
"""


@pytest.fixture(scope="module")
def slow_stack(stack):
    """A second httpd on the session's database and key, with short body timeouts; its
    connections carry their own application_name so they can be counted."""
    import shutil
    import tempfile
    from stack import Stack
    d = tempfile.mkdtemp(prefix="cc-slow-")
    s = Stack(d, mpm=stack.mpm, bcrypt_cost=4, extra_conf=SLOW_CONF)
    s.conninfo = stack.conninfo + f" application_name={SLOW_APP}"
    s.sockdir, s.pg_port = stack.sockdir, stack.pg_port
    s.base_dir.mkdir(parents=True, exist_ok=True)
    s.jwt_key.write_bytes(stack.jwt_key.read_bytes())
    s.jwt_key.chmod(0o600)
    s.start_httpd()
    yield s
    problems = s.error_log_problems(allow=[r"AH01382", r"Request body read timeout"])
    s.stop_httpd()
    shutil.rmtree(d, ignore_errors=True)
    assert not problems, problems


def _slow_patch(s, token, body, first):
    """A PATCH of the caller's profile whose headers are sent and `first` bytes of the body."""
    import socket
    c = socket.create_connection(("127.0.0.1", s.http_port), timeout=15)
    c.sendall(b"PATCH /api/accounts/profile/ HTTP/1.1\r\nHost: a\r\nConnection: close\r\n"
              b"Content-Type: application/json\r\nAuthorization: Bearer " + token.encode()
              + b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body[:first])
    return c


def _answer(c):
    out = b""
    while True:
        d = c.recv(65536)
        if not d:
            break
        out += d
    c.close()
    head, _, body = out.partition(b"\r\n\r\n")
    return int(head.split()[1]), head.decode("latin-1"), body


def _backends(stack):
    return int(stack.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                          f"'{SLOW_APP}'")[0][0])


def test_slow_bodies_hold_no_database_connection(slow_stack, stack, api, read_mails):
    import json
    import time
    from helpers import create_user
    if slow_stack.mpm == "prefork":
        pytest.skip("prefork: every child keeps its own connection (DBDKeep) whatever a request "
                    "does, so a count of connections cannot tell a held one; measured under event")
    user = create_user(api, read_mails, login_now=True)
    n = 12
    body = json.dumps({"first_name": "Slowly"}).encode()
    # warm the pool of the second httpd (an authenticated request opens a connection)
    r = api.session.get(slow_stack.base_url + "/api/accounts/profile/",
                        headers={"Authorization": "Bearer " + user["access"]}, timeout=10)
    assert r.status_code == 200
    before = _backends(stack)
    socks = []
    for _ in range(n):  # one after the other: a connection given back is there for the next
        socks.append(_slow_patch(slow_stack, user["access"], body, 1))
        time.sleep(0.15)
    time.sleep(0.5)  # every request authenticated and now waiting for its body
    during = _backends(stack)
    for c in socks:
        c.sendall(body[1:])
    answers = [_answer(c) for c in socks]
    assert [a[0] for a in answers] == [200] * n, answers[0]
    assert all(json.loads(a[2])["first_name"] == "Slowly" for a in answers)
    # Before the fix each waiting request kept the connection its authentication took: n of
    # them. Now the pool serves the authentications one after the other.
    assert during <= max(before, 1) + 2 < n, (before, during)


def test_slow_body_times_out_with_408_json(slow_stack, api, read_mails):
    import json
    import time
    from helpers import create_user
    user = create_user(api, read_mails, login_now=True)
    body = json.dumps({"first_name": "Trickle" * 20}).encode()
    c = _slow_patch(slow_stack, user["access"], body, 1)
    started = time.monotonic()
    try:
        for i in range(1, 60):  # one byte every half second: far below 100 bytes/s
            time.sleep(0.5)
            c.sendall(body[i:i + 1])
    except OSError:
        pass  # the server gave up and closed: the answer is already in the socket
    status, head, data = _answer(c)
    elapsed = time.monotonic() - started
    assert status == 408, (status, head, data)
    assert "application/json" in head
    assert json.loads(data) == {"detail": "The request body took too long to arrive.",
                                "code": "request_timeout"}
    assert 3 < elapsed < 15
    # and nothing was written
    r = api.get("accounts/profile/", token=user["access"])
    assert r.json()["first_name"] != "Trickle" * 20


# ---- a database outage is logged once, not once per request (finding 8) ---------------------


def test_database_outage_is_logged_once_per_process(api, stack):
    import concurrent.futures
    import math
    import re
    import time
    stack.allowed_log_patterns.extend([r"\[dbd:error\]", r"AH00629", r"AH02655", r"CC01107",
                                       r"CC01108", r"CC01104.*connection lost"])
    assert api.get("health/").status_code == 200
    log_before = stack.error_log.stat().st_size
    outage_began = time.monotonic()
    stack.stop_postgres()
    statuses = []
    try:
        def hammer(_):
            out = []
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                out.append(api.get("health/", headers={"Connection": "close"}).status_code)
            return out
        with concurrent.futures.ThreadPoolExecutor(4) as ex:
            for part in ex.map(hammer, range(4)):
                statuses += part
    finally:
        stack.start_postgres()
    deadline = time.monotonic() + 10
    while api.get("health/").status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert api.get("health/").status_code == 200
    outage = time.monotonic() - outage_began
    # every process notes the end with its next request: enough of them, in parallel, that each
    # process that saw the outage gets some
    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        after = list(ex.map(lambda _: api.get("health/", headers={"Connection": "close"})
                            .status_code, range(200)))
    assert set(after) == {200}
    with open(stack.error_log, "rb") as f:
        f.seek(log_before)
        written = f.read()
    # many requests against a handful of lines (about 2,000 on a quiet machine; CI's loaded
    # runs managed 466, so the bound only asks for far more requests than log lines)
    assert set(statuses) == {503} and len(statuses) > 200, (set(statuses), len(statuses))
    lines = written.decode("utf-8", "replace").splitlines()
    began = [l for l in lines if "CC01107" in l]
    ended = [l for l in lines if "CC01108" in l]
    # at most once per httpd process (the dev configuration: 4 under event, 8 under prefork)
    processes = 4 if stack.mpm == "event" else 8
    assert 1 <= len(began) <= processes, began
    # and when it ended each process said how many requests it refused without a word: all but
    # the few that asked mod_dbd (the first one, and once a second where no address was known)
    refused = sum(int(re.search(r"answered (\d+) requests", l).group(1)) for l in ended)
    assert len(ended) == len(began)
    assert len(statuses) - 4 * processes <= refused <= len(statuses), (refused, len(statuses))
    # mod_dbd's own two lines come from one attempt per process that never had a connection,
    # at most once a second of the outage (which lasts longer on a loaded machine), beside our
    # three per process; before this change there were three lines for every request
    bound = processes * (3 + 2 * (math.ceil(outage) + 1))
    assert len(lines) <= bound and len(written) <= 400 * bound, (len(lines), len(written), outage)


# ---- registration: throttled, one-line names, nothing of the client's in a mail (finding 4) --


def _side_stack(stack, extra_conf, prefix):
    """A second httpd on the session's database and key, with `extra_conf` after the dev
    configuration (later directives win)."""
    import tempfile
    from stack import Stack
    d = tempfile.mkdtemp(prefix=prefix)
    s = Stack(d, mpm=stack.mpm, bcrypt_cost=4, extra_conf=extra_conf)
    s.conninfo = stack.conninfo
    s.sockdir, s.pg_port = stack.sockdir, stack.pg_port
    s.base_dir.mkdir(parents=True, exist_ok=True)
    s.jwt_key.write_bytes(stack.jwt_key.read_bytes())
    s.jwt_key.chmod(0o600)
    s.mail_dir = stack.mail_dir  # mails land where read_mails looks
    s.start_httpd()
    return s


@pytest.fixture(scope="module")
def throttled_stack(stack):
    import shutil
    s = _side_stack(stack, "CarechainRegisterThrottle 3 3 3600\n", "cc-reg-")
    yield s
    problems = s.error_log_problems()
    s.stop_httpd()
    shutil.rmtree(s.base_dir, ignore_errors=True)
    assert not problems, problems


def _register_from(s, source_ip, email):
    """POST accounts/register/ to stack s from a loopback address of our choice."""
    import http.client
    import json
    from helpers import register_body
    c = http.client.HTTPConnection("127.0.0.1", s.http_port, timeout=30,
                                   source_address=(source_ip, 0))
    c.request("POST", "/api/accounts/register/", body=json.dumps(register_body(email=email)),
              headers={"Content-Type": "application/json"})
    r = c.getresponse()
    out = (r.status, {k.lower(): v for k, v in r.getheaders()}, json.loads(r.read() or b"null"))
    c.close()
    return out


def test_registration_is_throttled_per_client(throttled_stack, db):
    import uuid
    db("DELETE FROM throttle_events")
    emails = [f"reg-{uuid.uuid4().hex[:10]}@client{i}.example.org" for i in range(4)]
    for e in emails[:3]:
        status, _, body = _register_from(throttled_stack, "127.0.0.3", e)
        assert status == 201, body
    status, headers, body = _register_from(throttled_stack, "127.0.0.3", emails[3])
    assert status == 429, body
    assert body["code"] == "throttled"
    assert 3500 <= int(headers["retry-after"]) <= 3600
    assert body["detail"] == ("Too many registrations from here or for this email domain. "
                              f"Try again in {headers['retry-after']} seconds.")
    assert db.scalar(f"SELECT count(*) FROM users WHERE email = '{emails[3]}'") == "0"
    # another client is not affected
    status, _, body = _register_from(throttled_stack, "127.0.0.4", emails[3])
    assert status == 201, body


def test_registration_is_throttled_per_mail_domain(throttled_stack, db):
    import uuid
    db("DELETE FROM throttle_events")
    domain = f"hospital-{uuid.uuid4().hex[:8]}.example.org"
    for i in range(3):
        status, _, body = _register_from(throttled_stack, f"127.0.1.{i + 1}",
                                         f"staff{i}@{domain}")
        assert status == 201, body
    status, headers, body = _register_from(throttled_stack, "127.0.1.9", f"staff9@{domain}")
    assert status == 429 and body["code"] == "throttled" and int(headers["retry-after"]) > 0
    assert db.scalar(f"SELECT count(*) FROM users WHERE email = 'staff9@{domain}'") == "0"
    # the same client may still register elsewhere
    status, _, body = _register_from(throttled_stack, "127.0.1.9", f"staff9@other-{domain}")
    assert status == 201, body


@pytest.mark.parametrize("name", ["Eve\nDear customer, your account", "Eve\rBob", "Eve\tBob",
                                  "Eve\u0085Bob", "Eve\u2028Bob", "Eve\x1bBob", "Eve\x7fBob"])
def test_names_refuse_control_characters(api, db, name):
    from helpers import register_body, unique_email
    email = unique_email("ctl")
    r = api.post("accounts/register/", json=register_body(email=email, first_name=name))
    assert r.status_code == 400
    assert r.json() == {"first_name": [
        "This field may not contain line breaks, tabs or other control characters."]}
    assert db.scalar(f"SELECT count(*) FROM users WHERE email = '{email}'") == "0"
    r = api.post("accounts/register/", json=register_body(email=email, last_name=name,
                                                          role="recruiter",
                                                          company_name="Ward" + name))
    assert r.status_code == 400
    assert set(r.json()) == {"last_name", "company_name"}


def test_profile_names_and_one_line_fields_refuse_control_characters(api, read_mails):
    from helpers import create_user
    u = create_user(api, read_mails, login_now=True)
    r = api.patch("accounts/profile/", json={"last_name": "Nair\nAdmin"}, token=u["access"])
    assert r.status_code == 400 and list(r.json()) == ["last_name"]
    r = api.patch("profiles/candidate/", json={"city": "Pune\nMumbai"}, token=u["access"])
    assert r.status_code == 400 and list(r.json()) == ["city"]
    r = api.patch("profiles/candidate/", json={"certifications": ["BLS\nACLS"]},
                  token=u["access"])
    assert r.status_code == 400 and list(r.json()) == ["certifications"]
    # long text keeps its lines; surrounding white space is trimmed as before
    r = api.patch("profiles/candidate/", json={"summary": "ICU nurse.\n\n\tTen years.",
                                                "address": "12 MG Road\nPune"},
                  token=u["access"])
    assert r.status_code == 200, r.text
    assert r.json()["summary"] == "ICU nurse.\n\n\tTen years."
    assert r.json()["address"] == "12 MG Road\nPune"
    r = api.patch("profiles/candidate/", json={"summary": "bell\x07"}, token=u["access"])
    assert r.status_code == 400
    assert r.json() == {"summary": ["This field may not contain control characters."]}


def test_verification_mail_holds_nothing_the_client_typed(api, read_mails):
    from helpers import VERIFY_SUBJECT, mail_text, mails_to, register_body, unique_email
    email = unique_email("phish")
    name = "Your-account-is-suspended-call-555"
    r = api.post("accounts/register/", json=register_body(email=email, first_name=name,
                                                          last_name="Doe"))
    assert r.status_code == 201
    msg = mails_to(read_mails, email, VERIFY_SUBJECT)[-1]
    text = mail_text(msg)
    assert text.startswith("Hello,\n\nWelcome to CareChain. Confirm your email address")
    assert name not in text and name not in str(msg)


# ---- a pending link sees the hospital only as anyone may (finding 5) ------------------------


def test_pending_link_sees_an_unverified_hospital_by_name_and_city_only(api, read_mails, stack):
    from helpers import assert_error, create_admin, logged_in_user
    from test_profiles import make_hospital
    admin = create_admin(stack, api, login_now=True)
    creator = logged_in_user(api, read_mails, role="recruiter")
    h = make_hospital(api, creator)
    # the admin rejects it, with a reason only the hospital's own people may read
    assert api.post("profiles/verification/", json={"registration_number": h["registration_number"]},
                    token=creator["access"]).status_code == 201
    r = api.post("profiles/reject-hospital-verification/",
                 json={"hospital_id": h["id"], "reason": "Registration certificate unreadable"},
                 token=admin["access"])
    assert r.status_code == 200, r.text
    stranger = logged_in_user(api, read_mails, role="recruiter")
    r = api.patch("profiles/recruiter/", json={"hospital": h["id"]}, token=stranger["access"])
    assert r.status_code == 200 and r.json()["verification_status"] == "pending"

    seen = api.get("profiles/hospital/", token=stranger["access"]).json()
    assert seen == {"id": h["id"], "name": h["name"], "city": h["city"], "link_status": "pending"}
    # what hospital-details/ shows it: nothing (an unverified hospital is the admin's only)
    assert api.get(f"profiles/hospital-details/{h['id']}/",
                   token=stranger["access"]).status_code == 404
    v = api.get("profiles/verification/", token=stranger["access"]).json()
    assert v == {"subject": "hospital", "candidate_profile": None, "hospital": h["id"],
                 "verification_status": None, "verified_at": None, "rejection_reason": None,
                 "request": None}
    assert api.get("profiles/hospital/recruiters/", token=stranger["access"]).status_code == 403
    # the creator sees everything, the reason included
    mine = api.get("profiles/hospital/", token=creator["access"]).json()
    assert mine["rejection_reason"] == "Registration certificate unreadable"
    assert mine["registration_number"] == h["registration_number"]
    v = api.get("profiles/verification/", token=creator["access"]).json()
    assert v["request"]["rejection_reason"] == "Registration certificate unreadable"
    # and the stranger cannot take the hospital's verification over either
    assert_error(api.put("profiles/verification/", json={"registration_number": "X-1"},
                         token=stranger["access"]), 403, "permission_denied")


def test_members_accept_or_refuse_links_of_a_verified_hospital(api, read_mails, stack):
    from helpers import assert_error, create_admin, logged_in_user, mails_to
    from test_profiles import verified_hospital
    admin = create_admin(stack, api, login_now=True)
    creator = logged_in_user(api, read_mails, role="recruiter")
    h = verified_hospital(api, creator, admin)
    joiner, other, outsider = (logged_in_user(api, read_mails, role="recruiter")
                               for _ in range(3))
    for u in (joiner, other):
        api.patch("profiles/recruiter/", json={"hospital": h["id"]}, token=u["access"])
    jp = api.get("profiles/recruiter/", token=joiner["access"]).json()["id"]
    op = api.get("profiles/recruiter/", token=other["access"]).json()["id"]
    # a verified hospital: a pending link sees what anyone sees, i.e. the public record
    # (which hospital-details/ shows with the hospital's rating)
    public = api.get(f"profiles/hospital-details/{h['id']}/").json()
    assert public.pop("rating") == {"average": None, "count": 0}
    assert api.get("profiles/hospital/", token=joiner["access"]).json() == public

    links = {x["id"]: x for x in
             api.get("profiles/hospital/recruiters/", token=creator["access"]).json()}
    assert links[jp]["verification_status"] == "pending" and links[jp]["email"] == joiner["email"]
    # a pending colleague may not decide; a recruiter of another hospital is told nothing
    assert_error(api.post(f"profiles/hospital/recruiters/{op}/approve/", json={},
                          token=joiner["access"]), 403, "permission_denied")
    assert_error(api.post(f"profiles/hospital/recruiters/{jp}/approve/", json={},
                          token=outsider["access"]), 404, "not_found")
    assert_error(api.post(f"profiles/hospital/recruiters/{jp}/approve/", json={},
                          token=admin["access"]), 403, "permission_denied")
    # the creator accepts one and refuses the other (a reason is required)
    r = api.post(f"profiles/hospital/recruiters/{jp}/approve/", json={},
                 token=creator["access"])
    assert r.status_code == 200 and r.json()["verification_status"] == "verified", r.text
    assert api.post(f"profiles/hospital/recruiters/{op}/reject/", json={},
                    token=creator["access"]).json() == {"reason": ["This field is required."]}
    r = api.post(f"profiles/hospital/recruiters/{op}/reject/", json={"reason": "Not our staff"},
                 token=creator["access"])
    assert r.status_code == 200 and r.json()["verification_status"] == "rejected"
    assert mails_to(read_mails, other["email"])[-1]["Subject"] == (
        "Your CareChain recruiter account was not verified")
    # the accepted recruiter is now a member: the whole record, and the links
    assert "registration_number" in api.get("profiles/hospital/", token=joiner["access"]).json()
    assert api.get("profiles/hospital/recruiters/", token=joiner["access"]).status_code == 200
    # the refused one sees the public record only, and a decided link cannot be decided again
    assert api.get("profiles/hospital/", token=other["access"]).json() == public
    assert_error(api.post(f"profiles/hospital/recruiters/{op}/approve/", json={},
                          token=joiner["access"]), 409, "invalid_transition")
