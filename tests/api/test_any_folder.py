"""`make run` and the test stacks from any folder (issue 12): a checkout in a mode-0700 directory.

As root the servers run as the service user, who cannot enter such a directory: the stack keeps
its files in a runtime directory under /var/lib/carechain-dev and makes var a symlink to it, and
httpd serves a copy of htdocs/ (tests/stack.py, module docstring). The user's folder keeps its
mode and owner. As another user the servers run as that user, who can reach their own 0700
folder: the same checks then run against a plain var/ directory.

The checkout is a copy of what the stack needs (the built binaries, conf/, htdocs/,
tests/stack.py, .gitignore), made by the fixture; its own copy of stack.py is imported, so the
repository is the checkout.
"""

import importlib.util
import json
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
ROOT = os.geteuid() == 0
MPM = os.environ.get("CC_MPM", "event")
PASSWORD = "Theatre-Sister-42"
SCHEMA_FILES = len(list((REPO / "dbd" / "schema").glob("*.sql")))


def _mode_owner(path):
    st = os.lstat(path)
    return stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid


class Checkout:
    def __init__(self, top):
        self.top = top  # the user's 0700 folder
        self.co = top / "co"
        self.var = self.co / "var"
        self.ctl = self.co / "build" / "carechainctl"
        self.stack_py = self.co / "tests" / "stack.py"
        self.before = {p: _mode_owner(p) for p in (top, self.co)}
        spec = importlib.util.spec_from_file_location(f"stack_{uuid.uuid4().hex}", self.stack_py)
        self.mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(self.mod)
        assert self.mod.REPO_ROOT == self.co

    def stack(self, **kw):
        return self.mod.Stack(self.var, mpm=MPM, bcrypt_cost=4, pg_fsync=False, **kw)

    def unchanged(self):
        """The user's folder and the checkout keep mode and owner."""
        return {p: _mode_owner(p) for p in self.before} == self.before


@pytest.fixture
def checkout():
    for p in ("build/mod_carechain.so", "build/carechainctl"):
        if not (REPO / p).exists():
            pytest.fail(f"{p} not found: run `make build` first", pytrace=False)
    top = Path(tempfile.mkdtemp(prefix="cc-folder-"))  # mode 0700, like root's home
    assert _mode_owner(top)[0] == 0o700
    co = top / "co"
    (co / "build").mkdir(parents=True)
    (co / "tests").mkdir()
    for p in ("build/mod_carechain.so", "build/carechainctl", "tests/stack.py", ".gitignore"):
        shutil.copy2(REPO / p, co / p)
    for d in ("conf", "htdocs"):
        shutil.copytree(REPO / d, co / d)
    c = Checkout(top)
    yield c
    runtime = Path(os.path.realpath(c.var)) if c.var.is_symlink() else None
    shutil.rmtree(top, ignore_errors=True)
    if runtime is not None and runtime.parent == c.mod.RUNTIME_ROOT:
        shutil.rmtree(runtime, ignore_errors=True)


def _get(url, method="GET", **kw):
    with requests.Session() as s:
        s.trust_env = False  # no proxies from the environment for 127.0.0.1
        return s.request(method, url, timeout=30, **kw)


def _check_serving(base_url, co):
    r = _get(base_url + "/")
    assert r.status_code == 200
    assert r.content == (co / "htdocs" / "index.html").read_bytes()
    r = _get(base_url + "/api/health/")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json()["status"] == "ok" and r.json()["database"] == "ok"


def _ctl(c, *args):
    """The checkout's carechainctl, no --db nor CARECHAIN_DB: it reads <its dir>/../var/conninfo."""
    env = {k: v for k, v in os.environ.items() if k != "CARECHAIN_DB" and not k.startswith("PG")}
    return subprocess.run([str(c.ctl), *args], capture_output=True, text=True, env=env,
                          cwd="/", timeout=120)


def _check_layout(c, s):
    """Where the files went: a runtime directory (root) or var/ itself (another user)."""
    if ROOT:
        runtime = s.base_dir
        assert c.var.is_symlink() and Path(os.path.realpath(c.var)) == runtime
        assert runtime.parent == c.mod.RUNTIME_ROOT
        assert _mode_owner(runtime.parent) == (0o755, 0, 0)
        mode, uid, _ = _mode_owner(runtime)
        assert mode == 0o700 and uid == s._uid
        assert (runtime / "origin").read_text() == f"{c.var}\n"
        # The checkout is out of the service user's reach: httpd serves a copy of htdocs/.
        assert s.document_root == runtime / "htdocs"
    else:
        assert not c.var.is_symlink() and c.var.is_dir()
        assert s.base_dir == c.var
        assert s.document_root == c.co / "htdocs"
    assert c.unchanged()


def test_stack_from_a_private_folder(checkout):
    """PostgreSQL, migrate, httpd (frontend and API) from a checkout in a 0700 folder; a second
    start reuses the data; `stack.py stop --dir var` finds the servers a crash left."""
    c = checkout
    email = f"folder-{uuid.uuid4().hex[:8]}@example.com"
    pwfile = c.top / "pw"
    pwfile.write_text(PASSWORD)
    s = c.stack()
    try:
        s.start_postgres()
        assert s.pg_created
        assert f"schema files: {SCHEMA_FILES} applied" in s.migrate()
        s.start_httpd()
        _check_serving(s.base_url, c.co)
        # A row written through carechainctl's own discovery of var/conninfo.
        r = _ctl(c, "createsuperuser", "--email", email, "--password-file", str(pwfile),
                 "--bcrypt-cost", "4")
        assert r.returncode == 0, r.stderr
        assert s.error_log_problems() == []
    finally:
        s.stop()
    _check_layout(c, s)
    # var is ignored by git whether it is a directory or a symlink.
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(c.co)], check=True)
        status = subprocess.run(["git", "-C", str(c.co), "status", "--porcelain"],
                                capture_output=True, text=True, check=True).stdout
        assert "?? tests/" in status.splitlines()  # git sees the checkout
        assert not [l for l in status.splitlines() if l.rstrip("/").endswith(" var")], status

    s2 = c.stack()
    try:
        s2.start_postgres()
        assert not s2.pg_created and s2.base_dir == s.base_dir
        assert "0 applied" in s2.migrate()
        assert s2.psql(f"SELECT role FROM users WHERE email = '{email}'") == [["admin"]]
        s2.start_httpd()
        _check_serving(s2.base_url, c.co)
        pids = (s2._running_postmaster(), s2._running_httpd())
        assert all(pids)
        # As after a crash: another process stops what this one started.
        r = subprocess.run(["/usr/bin/python3", str(c.stack_py), "stop", "--dir", "var"],
                           cwd=str(c.co), capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        assert not s2._running_postmaster() and not s2._running_httpd()
    finally:
        s2.stop()
    _check_layout(c, s2)


def test_temporary_stack_of_a_private_checkout(checkout):
    """A throw-away stack under /tmp (as the API suite makes) reached by every user, of a
    checkout in the 0700 folder: it stays where it is, and serves the frontend."""
    c = checkout
    d = Path(tempfile.mkdtemp(prefix="cc-tmpstack-"))
    s = c.mod.Stack(d, mpm=MPM, bcrypt_cost=4, pg_fsync=False)
    try:
        s.start_postgres()
        s.migrate()
        s.start_httpd()
        _check_serving(s.base_url, c.co)
        assert s.error_log_problems() == []
    finally:
        s.stop()
        shutil.rmtree(d, ignore_errors=True)
    assert s.base_dir == d and not d.is_symlink()
    assert s.document_root == (d / "htdocs" if ROOT else c.co / "htdocs")
    assert c.unchanged()


def test_files_already_in_var_are_kept(checkout):
    """A var/ directory from before (a run when the folder was open, or the empty one an
    earlier version left when it refused): its files stay reachable as var/..."""
    c = checkout
    (c.var / "mail").mkdir(parents=True)
    (c.var / "mail" / "old.eml").write_text("kept\n")
    s = c.stack()
    try:
        s.start_postgres()
        assert s.psql("SELECT 1") == [["1"]]
    finally:
        s.stop()
    assert (c.var / "mail" / "old.eml").read_text() == "kept\n"
    assert (s.base_dir / "mail" / "old.eml").exists()
    assert c.var.is_symlink() if ROOT else c.var.is_dir() and not c.var.is_symlink()
    assert c.unchanged()


def _start_run(c, out, port):
    f = open(out, "w")
    proc = subprocess.Popen(["/usr/bin/python3", str(c.stack_py), "run", "--dir", "var",
                             "--port", str(port), "--mpm", MPM, "--bcrypt-cost", "4"],
                            cwd=str(c.co), stdout=f, stderr=subprocess.STDOUT)
    f.close()
    deadline = time.monotonic() + 180
    while "Press Ctrl-C to stop." not in out.read_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(60)
            pytest.fail(f"stack.py run did not get ready:\n{out.read_text()}", pytrace=False)
        time.sleep(0.2)
    return proc


def _stop_run(proc, out):
    proc.send_signal(signal.SIGINT)
    assert proc.wait(120) == 0, out.read_text()
    assert out.read_text().rstrip().endswith("stopped."), out.read_text()


def test_make_run_from_a_private_folder(checkout):
    """`stack.py run --dir var` (what `make run` starts) from the 0700 folder, twice on the same
    port: the credentials, conninfo and logs appear under var/, the second run reuses the data."""
    c = checkout
    port = c.mod.free_port()
    out = c.top / "run.out"
    proc = _start_run(c, out, port)
    try:
        base = f"http://127.0.0.1:{port}"
        _check_serving(base, c.co)
        text = out.read_text()
        assert "skills: 242 added" in text
        assert f"credentials: {c.var}/dev-credentials.json" in text
        creds = json.loads((c.var / "dev-credentials.json").read_text())
        assert creds["admin"]["email"] == "admin@carechain.local" and creds["candidates"]
        r = _get(base + "/api/masters/skills/")
        assert r.status_code == 200
        assert (c.var / "httpd" / "error.log").exists()
        r = _ctl(c, "migrate")
        assert f"schema files: 0 applied, {SCHEMA_FILES} total" in r.stdout, r.stdout + r.stderr
    finally:
        if proc.poll() is None:
            _stop_run(proc, out)
    mode, uid, _ = _mode_owner(c.var / "dev-credentials.json")
    assert mode == 0o600 and uid == os.geteuid()
    if ROOT:  # the servers' user cannot read what root keeps there
        assert c.var.is_symlink()
        probe = subprocess.run(["/usr/sbin/runuser", "-u", c.mod.SERVICE_USER, "--",
                                "/usr/bin/test", "-r", str(os.path.realpath(
                                    c.var / "dev-credentials.json"))])
        assert probe.returncode != 0
    else:
        assert c.var.is_dir() and not c.var.is_symlink()
    assert c.unchanged()

    out2 = c.top / "run2.out"
    proc = _start_run(c, out2, port)
    try:
        _check_serving(f"http://127.0.0.1:{port}", c.co)
        text = out2.read_text()
        assert "schema files: 0 applied" in text and "skills:" not in text
        assert json.loads((c.var / "dev-credentials.json").read_text()) == creds
        admin = creds["admin"]
        r = _get(f"http://127.0.0.1:{port}/api/accounts/admin-login/", "POST",
                 json={"email": admin["email"], "password": admin["password"]})
        assert r.status_code == 200, r.text
    finally:
        if proc.poll() is None:
            _stop_run(proc, out2)
    assert c.unchanged()


def test_service_user_cannot_enter_the_folder(checkout):
    """The premise of the two tests above as root: the servers' user really cannot reach the
    checkout, so they exercised the runtime directory and the copy of htdocs/."""
    if not ROOT:
        pytest.skip("not root: the servers run as this user, who can enter their own 0700 folder")
    c = checkout
    c.mod.Stack(c.var)._ensure_user()
    probe = subprocess.run(["/usr/sbin/runuser", "-u", c.mod.SERVICE_USER, "--",
                            "/usr/bin/test", "-x", str(c.co)], cwd="/")
    assert probe.returncode != 0
