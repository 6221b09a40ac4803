"""mod_dbd's connection pool under contention (event MPM): no request waits for another while it
holds a pooled connection the other needs.

Found by bench/soak.py: after a PostgreSQL restart one httpd process hung for good, 52 threads
in apr_reslist_acquire and 12 in services/cached.c's current_stamp, 8 of them (the whole pool,
DBDMax 8) holding the connection their token check had taken while they waited for the shared
content-stamp read of an anonymous request, which itself waited for a connection. Here the same
knot is tied on purpose with a pool of one: an authenticated request takes the connection (its
token check is held up by a lock on users), an anonymous job list starts the shared stamp read
and waits for the connection, then the lock goes and the authenticated request reaches its own
stamp. Both must answer."""

import shutil
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import Api
from helpers import logged_in_user
from stack import PG_BIN, Stack

POOL_OF_ONE = """
<IfModule mpm_event_module>
    StartServers 1
    ServerLimit 1
    ThreadsPerChild 16
    ThreadLimit 16
    MaxRequestWorkers 16
    MinSpareThreads 1
    MaxSpareThreads 16
</IfModule>
DBDMin 0
DBDKeep 1
DBDMax 1
"""


@pytest.fixture
def pool_of_one(pg_stack, stack):
    if pg_stack.mpm != "event":
        pytest.skip("one thread per process under prefork: nothing waits for a pooled connection")
    d = tempfile.mkdtemp(prefix="cc-pool1-")
    s = Stack(d, mpm="event", bcrypt_cost=4, extra_conf=POOL_OF_ONE)
    s.conninfo = pg_stack.conninfo
    s.migrated = True
    s.prepare_dir()
    s.jwt_key.write_bytes(stack.jwt_key.read_bytes())  # the suite's tokens are valid here
    s.jwt_key.chmod(0o600)
    s.start_httpd()
    yield s
    s.stop_httpd()
    problems = s.error_log_problems()
    if not problems:
        shutil.rmtree(d, ignore_errors=True)
    assert not problems, (d, problems)


def lock_users(pg_stack, seconds):
    """A psql session holding an ACCESS EXCLUSIVE lock on users for `seconds`; returns once the
    lock is granted."""
    sql = (f"BEGIN; LOCK TABLE users IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep({seconds});"
           " COMMIT;")
    proc = subprocess.Popen(pg_stack._as_service(
        [PG_BIN / "psql", "-X", "-q", "-h", pg_stack.sockdir, "-p", pg_stack.pg_port,
         "-U", "carechain", "-d", "carechain", "-c", sql]), stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, cwd="/")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if pg_stack.psql("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                         " WHERE c.relname = 'users' AND l.mode = 'AccessExclusiveLock'"
                         " AND l.granted")[0][0] == "1":
            return proc
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("the lock on users was not granted")


def waiting_on_lock(pg_stack):
    return int(pg_stack.psql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type ="
                             " 'Lock' AND query LIKE '%FROM users%'")[0][0])


def test_a_request_holding_the_pool_never_waits_for_the_shared_stamp(api, read_mails, pg_stack,
                                                                     pool_of_one):
    cand = logged_in_user(api, read_mails)
    node = Api(pool_of_one.base_url, timeout=20)
    anon = Api(pool_of_one.base_url, timeout=20)
    assert node.get("jobs/").status_code == 200  # the pool's one connection exists
    out = {}

    def call(name, client, path, **kw):
        t0 = time.monotonic()
        try:
            out[name] = (client.get(path, **kw).status_code, time.monotonic() - t0)
        except Exception as e:  # a timeout: the process hung
            out[name] = (repr(e), time.monotonic() - t0)

    locker = lock_users(pg_stack, 2)
    try:
        # 1. the candidate's token check takes the connection and waits for the lock
        b = threading.Thread(target=call, args=("auth", node, "jobs/999999999/"),
                             kwargs={"token": cand["access"]})
        b.start()
        deadline = time.monotonic() + 5
        while waiting_on_lock(pg_stack) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert waiting_on_lock(pg_stack) == 1
        # 2. an anonymous list starts the shared stamp read and waits for the connection
        a = threading.Thread(target=call, args=("anon", anon, "jobs/?city=Nowhere-pool-1"))
        a.start()
        time.sleep(0.5)
        assert "anon" not in out and "auth" not in out
        # 3. the lock goes after its 2 s; the candidate's request reaches its stamp
        a.join(25)
        b.join(25)
    finally:
        locker.wait(30)
        node.close()
        anon.close()
    assert out["auth"][0] == 404, out  # no such job, answered
    assert out["anon"][0] == 200, out
    assert out["auth"][1] < 10 and out["anon"][1] < 10, out
