"""PostgreSQL restarts under a running httpd (STYLE pitfall 1, issue #2 item 6).

mod_dbd reconnects pooled handles but never re-prepares statements on them; mod_carechain tracks
prepared statements per backend PID and recovers. Once PostgreSQL is back no request may fail with
500, and at most one 503 may be seen per pooled connection.
"""

import concurrent.futures
import threading
import time
import uuid

import re

import pytest

PASSWORD = "Ward7-Night-Shift"

# Lines the restart legitimately produces in the error log: mod_dbd failing to (re)connect while
# the server is down, and our own notes about lost connections and 503s.
RESTART_LOG_PATTERNS = [
    r"\[dbd:error\]",
    r"\[dbd:crit\]",
    r"AH00629",  # mod_dbd: can't connect
    r"AH00633",  # mod_dbd: failed to acquire a connection
    r"AH00628",
    r"CC01107",  # the database cannot be reached (once per process and outage)
    r"CC01108",  # the database is reachable again
    r"CC01104.*connection lost",
    r"AH00161",  # prefork: 16 client threads against 8 children is the point of the test
]


@pytest.fixture
def allow_restart_logs(stack):
    stack.allowed_log_patterns.extend(RESTART_LOG_PATTERNS)
    yield


# Concurrent requests use a connection each (no keep-alive): a keep-alive connection that the
# server closes just as a client thread reuses it would be a client-side race, not a server error.
CLOSE = {"Connection": "close"}


def pooled_connections(db):
    """Client connections of the carechain role other than this psql."""
    return int(db.scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE usename = 'carechain'"
        " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"))


def warm_pool(api, token, n=64):
    """Concurrent requests so every process opens its pooled connections."""
    with concurrent.futures.ThreadPoolExecutor(16) as ex:
        statuses = list(ex.map(lambda _: api.get("accounts/profile/", token=token, headers=CLOSE).status_code,
                               range(n)))
    assert statuses.count(200) == n


def make_user(api, read_mails):
    """A verified candidate, registered through the API and the mailed token."""
    email = f"restart-{uuid.uuid4().hex[:10]}@example.com"
    r = api.post("accounts/register/", json={"email": email, "password": PASSWORD,
                                              "first_name": "Asha", "last_name": "Nair",
                                              "role": "candidate"})
    assert r.status_code == 201, r.text
    body = read_mails(to=email)[-1].get_body(("plain",)).get_content()
    token = re.search(r"code:\s+(\S+)", body).group(1)
    assert api.post("accounts/verify-email/", json={"token": token}).status_code == 200
    return {"email": email, "password": PASSWORD}


def login(api, email, password):
    r = api.post("accounts/login/", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return r.json()


def test_restart_while_idle(api, db, stack, read_mails, allow_restart_logs):
    user = make_user(api, read_mails)
    token = login(api, user["email"], user["password"])["access"]
    warm_pool(api, token)
    pool = pooled_connections(db)
    assert pool >= 1

    stack.restart_postgres()

    statuses = []
    # Reads on every pooled connection (more requests than connections, concurrently) and writes.
    with concurrent.futures.ThreadPoolExecutor(16) as ex:
        statuses += list(ex.map(lambda _: api.get("accounts/profile/", token=token, headers=CLOSE).status_code,
                                range(64)))
        statuses += list(ex.map(
            lambda i: api.patch("accounts/profile/", json={"first_name": f"Asha{i}"},
                                token=token, headers=CLOSE).status_code, range(32)))
    assert 500 not in statuses
    assert statuses.count(503) <= pool, (pool, statuses)
    assert set(statuses) <= {200, 503}
    # And afterwards everything works again, with real data.
    r = api.get("accounts/profile/", token=token)
    assert r.status_code == 200
    assert r.json()["email"] == user["email"]
    assert api.get("health/").json() == {"status": "ok", "database": "ok",
                                         "version": api.get("health/").json()["version"]}


def test_restart_under_concurrent_load(api, db, stack, read_mails, allow_restart_logs):
    user = make_user(api, read_mails)
    token = login(api, user["email"], user["password"])["access"]
    warm_pool(api, token)
    pool = pooled_connections(db)

    results = []  # (started_after_restart, status)
    lock = threading.Lock()
    stop = threading.Event()
    back = threading.Event()

    def worker(i):
        n = 0
        # Bounded in count and in time: at most 400 requests per worker, at most ~60 s.
        deadline = time.monotonic() + 60
        while not stop.is_set() and n < 400 and time.monotonic() < deadline:
            after = back.is_set()
            if n % 3 == 2:
                r = api.patch("accounts/profile/", json={"last_name": f"Nair{i}"}, token=token,
                              headers=CLOSE)
            else:
                r = api.get("accounts/profile/" if n % 2 else "health/", token=token,
                            headers=CLOSE)
            with lock:
                results.append((after, r.status_code))
            n += 1

    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        futures = [ex.submit(worker, i) for i in range(8)]
        time.sleep(0.5)
        stack.restart_postgres()
        back.set()
        time.sleep(2.0)
        stop.set()
        for f in futures:
            f.result()

    during = [s for a, s in results if not a]
    after = [s for a, s in results if a]
    assert 500 not in during, "a request failed with 500 while PostgreSQL restarted"
    assert set(during) <= {200, 503}
    assert len(after) > 20, "the load did not continue after the restart"
    assert 500 not in after
    assert set(after) <= {200, 503}
    assert after.count(503) <= pool, (pool, after.count(503))
    # The tail of the run is all successes: the pool has recovered.
    assert after[-8:] == [200] * 8


def test_health_is_503_while_database_is_down(api, stack, allow_restart_logs):
    stack.stop_postgres()
    try:
        r = api.get("health/")
        assert r.status_code == 503
        assert r.json() == {"detail": "The service is temporarily unavailable. Try again shortly.",
                            "code": "service_unavailable"}
        assert r.headers["Retry-After"] == "5"
        assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    finally:
        stack.start_postgres()
    statuses = [api.get("health/").status_code for _ in range(20)]
    assert 500 not in statuses
    assert statuses[-1] == 200
    assert api.get("health/").json()["database"] == "ok"
