"""httpd starts without a database configuration (a package installed before the site is set
up): the frontend is served, /api/health/ and every other /api/ URL answer 503 JSON saying what
is missing; a virtual host with its own DBDriver is served normally beside it."""

import shutil
import tempfile
from pathlib import Path

import pytest
import requests

from stack import Stack, free_port

REPO = Path(__file__).resolve().parents[2]
NOT_CONFIGURED = r"CC01109: no DBDriver is configured for this server"


def template_without_database(base_dir):
    """The development httpd.conf.in without its mod_dbd directives."""
    text = (REPO / "conf" / "dev" / "httpd.conf.in").read_text()
    t = Path(base_dir) / "no-db.conf.in"
    t.write_text("\n".join(l for l in text.splitlines() if not l.strip().startswith("DBD")) + "\n")
    return t


@pytest.fixture
def bare_stack(pg_stack):
    d = tempfile.mkdtemp(prefix="cc-nodb-")
    s = Stack(d, mpm=pg_stack.mpm, bcrypt_cost=4)
    s.base_dir.mkdir(parents=True, exist_ok=True)
    # start_httpd wants a conninfo; without DBD directives the template never uses it.
    s.conninfo = "dbname=unused"
    s.template = template_without_database(s.base_dir)
    yield s
    s.stop_httpd()
    shutil.rmtree(d, ignore_errors=True)


def get(s, path, port=None, **kw):
    port = port or s.http_port
    return requests.get(f"http://127.0.0.1:{port}{path}", timeout=10, **kw)


def test_httpd_starts_without_database_and_says_so(bare_stack):
    s = bare_stack
    s.start_httpd()
    assert s.httpd_running()

    # The frontend is served as usual.
    r = get(s, "/")
    assert r.status_code == 200
    assert "text/html" in r.headers["Content-Type"]
    assert r.content == (Path(s.document_root) / "index.html").read_bytes()

    # The health check: 503 JSON in its own shape, saying what is missing.
    r = get(s, "/api/health/")
    assert r.status_code == 503
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.headers["Cache-Control"] == "no-store"
    body = r.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "not configured"
    assert body["code"] == "not_configured"
    assert "DBDriver pgsql and DBDParams" in body["detail"]
    assert body["version"] == (REPO / "VERSION").read_text().strip()

    # Every other /api/ URL (known, unknown, any method): the same clear 503.
    for method, path in (("GET", "/api/"), ("GET", "/api/jobs/"), ("GET", "/api/no-such/"),
                         ("POST", "/api/accounts/login/"), ("DELETE", "/api/jobs/1/")):
        r = requests.request(method, f"{s.base_url}{path}", timeout=10,
                             json={"email": "a@b.in", "password": "x"})
        assert r.status_code == 503, (method, path)
        assert r.json() == {"code": "not_configured", "detail": body["detail"]}

    # Said once at startup per server, nothing else: no "Not configured" from mod_dbd per request.
    log = s.error_log.read_text()
    assert NOT_CONFIGURED in log
    assert "AH00633" not in log
    assert s.error_log_problems(allow=[NOT_CONFIGURED]) == []


def test_virtual_host_with_its_own_database_is_served(bare_stack, pg_stack):
    """DBDriver inside one <VirtualHost>: that host answers from the database, the main server
    (no DBDriver) still answers 503 not_configured."""
    if not pg_stack.migrated:
        pg_stack.migrate()
    s = bare_stack
    port2 = free_port()
    s.extra_conf = f"""
Listen 127.0.0.1:{port2}
<VirtualHost 127.0.0.1:{port2}>
    DBDriver pgsql
    DBDParams "{pg_stack.conninfo} connect_timeout=5"
    DBDMin 0
    DBDMax 2
</VirtualHost>
"""
    s.start_httpd()
    r = get(s, "/api/health/", port=port2)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "ok" and r.json()["database"] == "ok"
    r = get(s, "/api/masters/skills/", port=port2)
    assert r.status_code == 200
    r = get(s, "/api/health/")
    assert r.status_code == 503 and r.json()["database"] == "not configured"
    assert s.error_log_problems(allow=[NOT_CONFIGURED]) == []


def test_httpd_starts_without_key_and_says_so(bare_stack):
    """Neither a key nor a database: the detail names the key (what to fix first)."""
    s = bare_stack
    text = s.template.read_text()
    s.template.write_text("\n".join(l for l in text.splitlines()
                                    if not l.strip().startswith("CarechainJWTKeyFile")) + "\n")
    s.start_httpd()
    body = get(s, "/api/health/").json()
    assert body["status"] == "unavailable" and body["database"] == "not configured"
    assert "CarechainJWTKeyFile is not set" in body["detail"]
    r = get(s, "/api/jobs/")
    assert r.status_code == 503 and r.json()["code"] == "not_configured"
    assert "CC01001: CarechainJWTKeyFile is not set" in s.error_log.read_text()
