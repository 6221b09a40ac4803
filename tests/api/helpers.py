"""Shared helpers for the API tests: unique accounts, mails, logins, JWT crafting.

Everything here takes the fixtures of conftest.py as arguments (api, db, read_mails, stack), so a
test composes them instead of repeating the register -> verify -> login dance.

    user = create_user(api, read_mails)                      # registered + verified candidate
    user = create_user(api, read_mails, role="recruiter", login=True)
    user["access"], user["refresh"], user["id"], user["email"], user["password"]
    admin = create_admin(stack, api, login=True)
"""

import base64
import hashlib
import hmac
import json
import re
import socket
import time
import uuid

# A password that passes every rule (length, common list, numeric, similarity).
PASSWORD = "Quiet-Harbour-2718"
OTHER_PASSWORD = "Velvet-Compass-9046"

USER_KEYS = {"id", "email", "first_name", "last_name", "role", "is_candidate", "is_recruiter",
             "is_admin", "is_active", "is_verified", "date_joined", "last_login"}
TOKEN_KEYS = {"access", "refresh", "token"}

# ISO-8601 UTC with microseconds and Z (CONTRACT §1).
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")

JSON_CT = "application/json; charset=utf-8"

VERIFY_SUBJECT = "Confirm your CareChain email address"

BAD_CREDENTIALS = {"detail": "Invalid email or password.", "code": "invalid_credentials"}
NOT_AUTHENTICATED = {"detail": "Authentication credentials were not provided.",
                     "code": "not_authenticated"}
INVALID_TOKEN = {"token": ["Invalid or expired token."]}
REQUIRED = ["This field is required."]
BLANK = ["This field may not be blank."]


def unique_email(prefix="user", domain="example.com"):
    return f"{prefix}-{uuid.uuid4().hex[:16]}@{domain}"


def sql_quote(value):
    """A SQL string literal (for the few statements built in tests from known values)."""
    return "'" + str(value).replace("'", "''") + "'"


# ---- mails ---------------------------------------------------------------------------------


def mail_text(msg):
    """The text body of a parsed mail with LF line ends."""
    return msg.get_body(("plain",)).get_content().replace("\r\n", "\n")


def token_in_mail(msg):
    """The code of a CareChain mail: on its own line after "code:" (verification mails), or
    else the first line that holds nothing but a long token (password reset mails)."""
    text = mail_text(msg)
    m = re.search(r"code:[ \t]*\n(?:[ \t]*\n)*[ \t]*([A-Za-z0-9_\-]+)[ \t]*\n", text)
    if not m and msg["Subject"] != VERIFY_SUBJECT:
        m = re.search(r"^[ \t]*([A-Za-z0-9_\-]{20,})[ \t]*$", text, re.MULTILINE)
    assert m, f"no code in mail:\n{text}"
    return m.group(1)


def mails_to(read_mails, email, subject=None):
    mails = read_mails(to=email)
    if subject is not None:
        mails = [m for m in mails if m["Subject"] == subject]
    return mails


def last_mail(read_mails, email, subject=None):
    mails = mails_to(read_mails, email, subject)
    assert mails, f"no mail to {email}" + (f" with subject {subject!r}" if subject else "")
    return mails[-1]


def verification_token(read_mails, email):
    return token_in_mail(last_mail(read_mails, email, VERIFY_SUBJECT))


def reset_mails(read_mails, email):
    return [m for m in read_mails(to=email) if m["Subject"] != VERIFY_SUBJECT]


def reset_token(read_mails, email):
    mails = reset_mails(read_mails, email)
    assert mails, f"no password reset mail to {email}"
    return token_in_mail(mails[-1])


# ---- accounts ------------------------------------------------------------------------------


def register_body(email=None, password=PASSWORD, role="candidate", first_name="Asha",
                  last_name="Verma", **extra):
    body = {"email": unique_email(role or "user") if email is None else email,
            "password": password,
            "password2": password, "first_name": first_name, "last_name": last_name}
    if role is not None:
        body["role"] = role
    body.update(extra)
    return body


def register(api, **kw):
    """POST accounts/register/ with a valid body (overridable); returns the Response."""
    return api.post("accounts/register/", json=register_body(**kw))


def verify_email(api, read_mails, email):
    r = api.post("accounts/verify-email/", json={"token": verification_token(read_mails, email)})
    assert r.status_code == 200, r.text
    return r


def login(api, email, password=PASSWORD, path="accounts/login/", expect=200):
    r = api.post(path, json={"email": email, "password": password})
    assert r.status_code == expect, r.text
    return r.json()


def create_user(api, read_mails, role="candidate", verify=True, login_now=False,
                password=PASSWORD, email=None, **extra):
    """Registers (and by default verifies) a user; with login_now also logs in.

    Returns a dict: email, password, id, role, user (the register answer's <user>), and after a
    login also access, refresh and login (the whole login answer)."""
    email = email or unique_email(role)
    r = register(api, email=email, password=password, role=role, **extra)
    assert r.status_code == 201, r.text
    user = r.json()["user"]
    out = {"email": user["email"], "password": password, "id": user["id"], "role": role,
           "user": user}
    if verify:
        verify_email(api, read_mails, user["email"])
    if login_now:
        data = login(api, user["email"], password)
        out.update(login=data, access=data["access"], refresh=data["refresh"])
    return out


def logged_in_user(api, read_mails, role="candidate", **kw):
    return create_user(api, read_mails, role=role, login_now=True, **kw)


def create_admin(stack, api=None, login_now=False, password=PASSWORD, email=None):
    """An admin through carechainctl (register never makes admins)."""
    email = email or unique_email("admin")
    stack.create_superuser(email, password)
    out = {"email": email, "password": password, "role": "admin"}
    if login_now:
        data = login(api, email, password, path="accounts/admin-login/")
        out.update(login=data, access=data["access"], refresh=data["refresh"], id=data["id"])
    return out


def clear_login_failures(db):
    db("DELETE FROM login_failures")


def user_row(db, user_id, columns="email, first_name, last_name, role, is_active, is_verified"):
    rows = db(f"SELECT {columns} FROM users WHERE id = {int(user_id)}")
    assert len(rows) == 1, rows
    return rows[0]


def set_active(db, user_id, active):
    db(f"UPDATE users SET is_active = {'true' if active else 'false'} WHERE id = {int(user_id)}")


# ---- responses -----------------------------------------------------------------------------


def assert_json(r, status, body=None):
    """Status, the JSON content type, an X-Request-Id, and (optionally) the exact body."""
    assert r.status_code == status, f"{r.status_code} != {status}: {r.text[:500]}"
    assert r.headers.get("Content-Type") == JSON_CT, r.headers.get("Content-Type")
    assert r.headers.get("X-Request-Id"), dict(r.headers)
    data = r.json()
    if body is not None:
        assert data == body, data
    return data


def assert_error(r, status, code, detail=None):
    data = assert_json(r, status)
    assert set(data) == {"detail", "code"}, data
    assert data["code"] == code, data
    assert isinstance(data["detail"], str) and data["detail"], data
    if detail is not None:
        assert data["detail"] == detail, data
    if status == 401:
        assert r.headers.get("WWW-Authenticate") == 'Bearer realm="api"', dict(r.headers)
    return data


def assert_user_shape(u):
    assert set(u) == USER_KEYS, sorted(u)
    assert isinstance(u["id"], int) and u["id"] > 0
    assert u["is_candidate"] == (u["role"] == "candidate")
    assert u["is_recruiter"] == (u["role"] == "recruiter")
    assert u["is_admin"] == (u["role"] == "admin")
    assert DATETIME_RE.match(u["date_joined"]), u["date_joined"]
    assert u["last_login"] is None or DATETIME_RE.match(u["last_login"]), u["last_login"]


# ---- JWT -----------------------------------------------------------------------------------


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def jwt_parts(token):
    """(header, claims) of a JWT, unverified."""
    h, c, _ = token.split(".")
    return json.loads(b64url_decode(h)), json.loads(b64url_decode(c))


def jwt_claims(token):
    return jwt_parts(token)[1]


def jwt_key(stack):
    """The stack's signing key as the module reads it (trailing CR/LF bytes are dropped)."""
    return stack.jwt_key.read_bytes().rstrip(b"\r\n")


def jwt_sign(claims, key, alg="HS256", header=None):
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    head = header or {"alg": alg, "typ": "JWT"}
    signing_input = (b64url(json.dumps(head, separators=(",", ":")).encode()) + "."
                     + b64url(json.dumps(claims, separators=(",", ":")).encode()))
    sig = hmac.new(key, signing_input.encode(), digest).digest()
    return signing_input + "." + b64url(sig)


def now():
    return int(time.time())


def raw_request(stack, data, timeout=10):
    """Sends raw bytes to httpd and returns (status, headers dict, body bytes)."""
    with socket.create_connection(("127.0.0.1", stack.http_port), timeout=timeout) as c:
        c.sendall(data)
        out = b""
        while True:
            try:
                chunk = c.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            out += chunk
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers, body
