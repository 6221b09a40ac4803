"""Fixtures for the API suite: a private PostgreSQL + httpd stack (tests/stack.py) per session.

Run from this directory with Debian's interpreter (pytest.ini sits here):

    cd tests/api && /usr/bin/python3 -m pytest -q            # CC_MPM=prefork for the other MPM

Nothing is built here: run `make` first. Environment:
    CC_MPM=event|prefork   MPM for httpd (default event)
    CC_KEEP=1              keep the stack directory (logs, mails, cluster) after the session;
                           it is also kept when a test failed, and its path is printed

Fixtures:
    pg_stack   session; the Stack with PostgreSQL started (nothing else)
    stack      session; pg_stack + migrated + httpd started. At the end of the session the httpd
               error log must hold no line at warn or worse: a test that provokes one appends a
               regex to stack.allowed_log_patterns.
    base_url   "http://127.0.0.1:PORT"
    api        Api helper: api.get/post/put/patch/delete(path, json=None, token=None,
               headers=None, data=None, **requests_kwargs) -> requests.Response; path is relative
               to /api/ ("accounts/login/"). Every response of every Api session is checked
               against the API description (openapi.yaml, tests/api/openapi_check.py): an
               undeclared status, an undescribed route or a body that does not match its schema
               fails the test (raised at the request, and the test is failed even when it
               catches that). CC_OPENAPI_HOOK=described limits it to the described paths.
    db         Db helper: db(sql, **psql_vars) -> rows as lists of str (NULL -> ''); db.scalar(sql)
               -> first column of the first row or None. Migrates first when build/carechainctl
               exists, so tests that only use db still see the schema.
    mail_dir   Path of the stack's mail directory (CarechainMailTransport file:)
    read_mails read_mails(to=None) -> [email.message.EmailMessage], oldest first, newest last
"""

import atexit
import email.parser
import email.policy
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
import requests

sys.dont_write_bytecode = True  # keep __pycache__ of tests/stack.py out of the repository
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stack import Stack  # noqa: E402

import openapi_check  # noqa: E402

# What the response hook found during the current test (openapi_check.install); a test that
# swallowed the exception is failed by pytest_runtest_makereport below all the same.
_openapi_problems = []
_openapi_checker = None


def _checker():
    global _openapi_checker
    if _openapi_checker is None:
        _openapi_checker = openapi_check.ResponseChecker()
    return _openapi_checker


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _openapi_problems.clear()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if _openapi_problems and report.passed:
        report.outcome = "failed"
        report.longrepr = "responses that do not keep to the API description:\n" + "\n".join(
            dict.fromkeys(_openapi_problems))
    _openapi_problems.clear()


def _report(config, text):
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(text)
    else:
        print(text, file=sys.stderr)


@pytest.fixture(scope="session")
def pg_stack(request):
    base = tempfile.mkdtemp(prefix="cc-")
    s = Stack(base, mpm=os.environ.get("CC_MPM", "event"), bcrypt_cost=4, pg_fsync=False)
    s.keep_dir = False  # set when the session found a problem the files help to explain
    atexit.register(s.stop)  # also on an interrupted session; stop() is idempotent
    try:
        s.start_postgres()
        yield s
    finally:
        s.stop()
        keep = s.keep_dir or request.session.testsfailed or os.environ.get("CC_KEEP")
        if keep:
            _report(request.config, f"\nstack directory kept: {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)


def _ensure_migrated(s):
    if not s.migrated:
        s.migrate()


@pytest.fixture(scope="session")
def stack(pg_stack):
    s = pg_stack
    try:
        _ensure_migrated(s)
        s.start_httpd()
    except BaseException:
        s.keep_dir = True
        s.stop_httpd()
        raise
    try:
        yield s
    finally:
        s.stop_httpd()
    problems = s.error_log_problems(allow=s.allowed_log_patterns)
    if problems:
        s.keep_dir = True
        pytest.fail(f"unexpected lines in {s.error_log}:\n" + "\n".join(problems),
                    pytrace=False)


@pytest.fixture(scope="session")
def base_url(stack):
    return stack.base_url


class Api:
    """requests.Session bound to the stack's /api/ prefix."""

    def __init__(self, base_url, timeout=30):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.trust_env = False  # no proxies from the environment for 127.0.0.1
        openapi_check.install(self.session, _checker(), _openapi_problems.append)

    def url(self, path):
        path = str(path)
        if path.startswith("http://") or path.startswith("https://"):
            return path
        if path.startswith("/"):
            return self.base_url + path  # absolute path on the server: "/api/health/"
        return f"{self.base_url}/api/{path}"

    def request(self, method, path, json=None, token=None, headers=None, data=None, **kwargs):
        hdrs = dict(headers or {})
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        kwargs.setdefault("timeout", self.timeout)
        kwargs.setdefault("allow_redirects", False)
        return self.session.request(method, self.url(path), json=json, data=data,
                                    headers=hdrs, **kwargs)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.request("POST", path, json=json, **kw)

    def put(self, path, json=None, **kw):
        return self.request("PUT", path, json=json, **kw)

    def patch(self, path, json=None, **kw):
        return self.request("PATCH", path, json=json, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def close(self):
        self.session.close()


@pytest.fixture
def api(base_url):
    a = Api(base_url)
    yield a
    a.close()


class Db:
    """SQL through psql -X -A -t -v ON_ERROR_STOP=1 (as the carechain user when root)."""

    def __init__(self, stack):
        self.stack = stack

    def __call__(self, sql, **variables):
        """Rows of every result as lists of str; ``:'name'`` in sql quotes a variable."""
        return self.stack.psql(sql, **variables)

    def scalar(self, sql, **variables):
        rows = self(sql, **variables)
        return rows[0][0] if rows else None


@pytest.fixture
def db(pg_stack):
    if pg_stack.ctl.exists():
        _ensure_migrated(pg_stack)
    return Db(pg_stack)


@pytest.fixture
def mail_dir(stack):
    return stack.mail_dir


def _load_mails(directory, to=None):
    parser = email.parser.BytesParser(policy=email.policy.default)
    files = []
    for p in Path(directory).iterdir():
        # Dot files and *.tmp are mails still being written (write-then-rename).
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith(".tmp"):
            st = p.stat()
            files.append((st.st_mtime_ns, p.name, p))
    mails = []
    for _, _, p in sorted(files):
        with open(p, "rb") as f:
            msg = parser.parse(f)
        if to is not None:
            addrs = [a.addr_spec.lower() for a in getattr(msg["To"], "addresses", ())]
            if to.lower() not in addrs:
                continue
        mails.append(msg)
    return mails


@pytest.fixture
def read_mails(mail_dir):
    """read_mails(to=None) -> parsed mails (newest last), optionally only those sent to `to`."""

    def read(to=None):
        return _load_mails(mail_dir, to)

    return read
