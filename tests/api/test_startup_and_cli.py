"""httpd refuses to start without a proper JWT key; carechainctl migrate/createsuperuser/check."""

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


def test_httpd_refuses_missing_key_directive(side_stack):
    s = side_stack
    s.base_dir.mkdir(parents=True, exist_ok=True)
    s.template = Path(s.base_dir) / "no-key.conf.in"
    text = (REPO / "conf" / "dev" / "httpd.conf.in").read_text()
    s.template.write_text("\n".join(l for l in text.splitlines()
                                    if not l.strip().startswith("CarechainJWTKeyFile")) + "\n")
    with pytest.raises(StackError):
        s.start_httpd()
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
