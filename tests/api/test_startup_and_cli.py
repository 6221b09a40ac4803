"""httpd refuses to start with a bad JWT key (and starts, API 503, without one); carechainctl migrate/createsuperuser/check."""

import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from stack import Stack, StackError

REPO = Path(__file__).resolve().parents[2]
CTL = REPO / "build" / "carechainctl"


@pytest.fixture
def side_stack(pg_stack):
    """A second httpd config beside the session's, pointed at the same PostgreSQL."""
    d = tempfile.mkdtemp(prefix="cc-key-")
    s = Stack(d, mpm=pg_stack.mpm, bcrypt_cost=4)
    s.conninfo = pg_stack.conninfo
    yield s
    s.stop_httpd()
    shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("key,expect", [
    (b"short-key-of-31-bytes-xxxxxxxxx", "holds 31 bytes: at least 32 are required"),
    (b"", "holds 0 bytes: at least 32 are required"),
    (None, "cannot be read"),
])
def test_httpd_refuses_bad_jwt_key(side_stack, key, expect):
    s = side_stack
    s.base_dir.mkdir(parents=True, exist_ok=True)
    if key is None:
        # The key file directive points at a file that does not exist.
        s.extra_conf = "CarechainJWTKeyFile " + str(s.base_dir / "missing.key")
        s.jwt_key.write_bytes(b"k" * 48)
    else:
        s.jwt_key.write_bytes(key)
        os.chmod(s.jwt_key, 0o600)
    with pytest.raises(StackError):
        s.start_httpd()
    log = s.error_log.read_text()
    assert expect in log
    assert "CarechainJWTKeyFile" in log
    assert not s.httpd_running()


def test_httpd_starts_without_key_directive(side_stack):
    """No CarechainJWTKeyFile at all (the module enabled before it is configured): httpd starts
    and serves the rest; /api/ answers 503 naming the directive (test_unconfigured.py)."""
    s = side_stack
    s.base_dir.mkdir(parents=True, exist_ok=True)
    s.template = Path(s.base_dir) / "no-key.conf.in"
    text = (REPO / "conf" / "dev" / "httpd.conf.in").read_text()
    s.template.write_text("\n".join(l for l in text.splitlines()
                                    if not l.strip().startswith("CarechainJWTKeyFile")) + "\n")
    s.start_httpd()
    import requests
    r = requests.get(s.base_url + "/api/health/", timeout=10)
    assert r.status_code == 503
    assert r.json()["database"] == "not checked"
    assert "CarechainJWTKeyFile is not set" in r.json()["detail"]
    assert "CarechainJWTKeyFile is not set" in s.error_log.read_text()


def ctl(pg_stack, *args, input=None):
    env = dict(os.environ, CARECHAIN_DB=pg_stack.conninfo)
    return subprocess.run([str(CTL), *args], capture_output=True, text=True, env=env,
                          input=input, timeout=60)


def test_migrate_is_idempotent(pg_stack, db):
    first = db.scalar("SELECT count(*) FROM cc_schema_migrations")
    r = ctl(pg_stack, "migrate")
    assert r.returncode == 0, r.stderr
    assert "0 applied" in r.stdout
    assert db.scalar("SELECT count(*) FROM cc_schema_migrations") == first
    assert db.scalar("SELECT name FROM cc_schema_migrations WHERE version = 1") == "0001_accounts"


def test_check_passes_and_prepares_every_statement(pg_stack, db, tmp_path):
    key = tmp_path / "k"
    key.write_bytes(b"x" * 40)
    r = ctl(pg_stack, "check", "--key-file", str(key))
    assert r.returncode == 0, r.stderr
    assert "0 failed" in r.stdout
    assert "key file ok (40 bytes)" in r.stdout
    short = tmp_path / "s"
    short.write_bytes(b"x" * 10)
    r = ctl(pg_stack, "check", "--key-file", str(short))
    assert r.returncode == 1
    assert "shorter than 32 bytes" in r.stderr


def test_check_fails_when_database_unreachable(tmp_path):
    env = dict(os.environ, CARECHAIN_DB=f"host={tmp_path} port=1 dbname=x connect_timeout=2")
    r = subprocess.run([str(CTL), "check"], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 1
    assert "cannot connect to the database" in r.stderr


def test_createsuperuser(pg_stack, db, tmp_path, api):
    email = f"Admin-{uuid.uuid4().hex[:8]}@Example.com"
    pw = tmp_path / "pw"
    pw.write_text("Theatre-Sister-42\n")
    r = ctl(pg_stack, "createsuperuser", "--email", email, "--password-file", str(pw),
            "--bcrypt-cost", "4", "--first-name", "Meera", "--last-name", "Iyer")
    assert r.returncode == 0, r.stderr
    row = db(f"SELECT role, is_verified, is_active, first_name, left(password, 4)"
             f" FROM users WHERE email = lower('{email}')")
    assert row == [["admin", "t", "t", "Meera", "$2y$"]]
    # The same email again is refused, case-insensitively.
    r = ctl(pg_stack, "createsuperuser", "--email", email.upper(), "--password-file", str(pw),
            "--bcrypt-cost", "4")
    assert r.returncode == 1
    assert "already exists" in r.stderr
    # Weak passwords are refused with Django's messages.
    weak = tmp_path / "weak"
    weak.write_text("12345678")
    r = ctl(pg_stack, "createsuperuser", "--email", "other-" + email, "--password-file",
            str(weak), "--bcrypt-cost", "4")
    assert r.returncode == 2
    assert "This password is too common." in r.stderr
    assert "This password is entirely numeric." in r.stderr


def test_createsuperuser_can_log_in(stack, pg_stack, tmp_path, api):
    email = f"admin-{uuid.uuid4().hex[:8]}@example.com"
    pw = tmp_path / "pw"
    pw.write_text("Theatre-Sister-42")
    assert ctl(pg_stack, "createsuperuser", "--email", email, "--password-file", str(pw),
               "--bcrypt-cost", "4").returncode == 0
    r = api.post("accounts/admin-login/", json={"email": email, "password": "Theatre-Sister-42"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["role"] == "admin" and body["is_admin"] is True
    assert "profile" not in body and "recruiter_profile" not in body


@pytest.mark.parametrize("directive,expect", [
    ("CarechainDocumentMaxSize 10X", "CarechainDocumentMaxSize: '10X' is not a size"),
    ("CarechainDocumentMaxSize 512", "CarechainDocumentMaxSize: '512' is not a size in 1024.."),
    ("CarechainDocumentLimits 0 100M", "CarechainDocumentLimits: '0' is not an integer"),
    ("CarechainDocumentLimits 5 -1", "CarechainDocumentLimits: '-1' is not a size"),
])
def test_httpd_refuses_bad_document_directives(side_stack, directive, expect):
    s = side_stack
    s.extra_conf = directive
    with pytest.raises(StackError) as e:
        s.start_httpd()
    assert expect in str(e.value)


def test_document_limits_are_configurable(side_stack, pg_stack, db):
    """Small limits in a second httpd on the same database: the file size (413) and the count
    and total per user (400) follow the directives."""
    import hashlib

    from conftest import Api
    from helpers import PASSWORD, login, register
    import samples
    s = side_stack
    s.extra_conf = "CarechainDocumentMaxSize 2K\nCarechainDocumentLimits 2 3K\n"
    s.start_httpd()
    api = Api(s.base_url)
    email = f"limits-{uuid.uuid4().hex[:12]}@example.com"
    assert register(api, email=email).status_code == 201
    pg_stack.psql(f"UPDATE users SET is_verified = true WHERE email = '{email}'")
    token = login(api, email, PASSWORD)["access"]

    def up(data):
        body = (b"--b\r\nContent-Disposition: form-data; name=\"document_type\"\r\n\r\n"
                b"certificate\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; "
                b"filename=\"x.png\"\r\n\r\n" + data + b"\r\n--b--\r\n")
        return api.post("documents/upload/", data=body, token=token,
                        headers={"Content-Type": "multipart/form-data; boundary=b"})
    big = samples.png(40, 40) + b"\x00" * 2048
    r = up(big)
    assert r.status_code == 413 and r.json()["code"] == "file_too_large"
    assert r.json()["detail"] == "The file is larger than the limit of 2048 bytes."
    png = samples.png(20, 20)
    png = png + b"\x00" * (1600 - len(png))
    assert up(png).status_code == 201
    r = up(png)  # 1600 + 1600 > 3 KiB
    assert r.status_code == 400 and r.json() == {"file": [
        "This file would take your documents over the total of 3072 bytes allowed; delete some "
        "first."]}
    small = samples.png()
    assert up(small).status_code == 201
    r = up(small)
    assert r.status_code == 400 and r.json() == {"file": [
        "You have 2 documents, the most allowed; delete one before uploading another."]}
    assert hashlib.sha256(small).hexdigest() == pg_stack.psql(
        f"SELECT d.sha256 FROM documents d JOIN users u ON u.id = d.user_id"
        f" WHERE u.email = '{email}' ORDER BY d.id DESC LIMIT 1")[0][0]
    api.close()
