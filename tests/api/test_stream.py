"""The live stream (CONTRACT §7 stream-ticket/ and stream/, docs/API.md "Live stream"): tickets
(single use, 60 s, hashed, garbage), events `notification` and `message` within a second in the
REST resources' shapes, Last-Event-ID replay in order, the per-process cap's 503, heartbeats and
retry advice, the end of a deactivated or password-changed user's streams, graceful restarts,
the ticket kept out of the access log, and two nodes on one database: a message sent through
node A reaches a stream held at node B, and a PostgreSQL restart loses and repeats nothing.

Node A is the session's httpd (heartbeat 25 s); node B a second httpd on the same PostgreSQL with
a one-second heartbeat and CarechainStreamMax 2 (prefork: 2 for the whole server)."""

import json
import os
import shutil
import signal
import tempfile
import time

import pytest

from conftest import Api
from helpers import assert_error, assert_json, set_active
from sse import Sse
from stack import Stack, read_pid
from test_applications import world  # noqa: F401 (a module-scoped fixture)
from test_db_restart import RESTART_LOG_PATTERNS
from test_messaging import applied_pair, create, send

STREAM_LOG_PATTERNS = [r"CC01602", r"CC01603", r"CC01604"]
MAX_B = 2


@pytest.fixture(scope="module")
def node_b(pg_stack, stack):
    d = tempfile.mkdtemp(prefix="cc-b-")
    s = Stack(d, mpm=pg_stack.mpm, bcrypt_cost=4,
              extra_conf=f"CarechainStreamHeartbeat 1\nCarechainStreamMax {MAX_B}\n")
    s.conninfo = pg_stack.conninfo
    s.migrated = True
    s.start_httpd()
    yield s
    s.stop_httpd()
    problems = s.error_log_problems(allow=RESTART_LOG_PATTERNS + STREAM_LOG_PATTERNS)
    if not problems:
        shutil.rmtree(d, ignore_errors=True)
    assert not problems, (d, problems)


def ticket(w, user):
    d = assert_json(w.api.post("notifications/stream-ticket/", json={}, token=user["access"]), 201)
    assert set(d) == {"ticket", "expires_in"} and d["expires_in"] == 60
    return d["ticket"]


def open_stream(w, user, base=None, wait=8, **kw):
    """A stream of `user` at `base` (node A by default); a 503 (a slot not yet given back by a
    stream a previous test closed) is retried for `wait` seconds."""
    deadline = time.monotonic() + wait
    while True:
        s = Sse(base or w.stack.base_url, ticket(w, user), **kw)
        if s.status != 503 or time.monotonic() > deadline:
            assert s.status == 200, (s.status, getattr(s, "body", None))
            first = s.block(5)
            assert first["retry"] == "3000", first
            return s
        time.sleep(0.3)


def message_pair(w):
    recr, cand, job = applied_pair(w)
    conv = create(w, recr, [cand], 201, job=job["id"])
    return recr, cand, conv


def rest_notification(w, user, nid):
    return assert_json(w.api.get(f"notifications/{nid}/", token=user["access"]), 200)


# ---- tickets ------------------------------------------------------------------------------------------


def test_ticket_needs_a_token_and_is_stored_hashed(world, db):
    w = world
    assert_error(w.api.post("notifications/stream-ticket/", json={}), 401, "not_authenticated")
    recr, cand, conv = message_pair(w)
    t = ticket(w, cand)
    assert len(t) >= 40
    rows = db(f"SELECT user_id, encode(token_hash, 'hex') = encode(sha256(convert_to("
              f"'{t}', 'UTF8')), 'hex'), expires_at - now() > interval '55 seconds'"
              f" FROM stream_tickets WHERE user_id = {cand['id']}")
    assert rows == [[str(cand["id"]), "t", "t"]]
    assert int(db.scalar(f"SELECT count(*) FROM stream_tickets WHERE token_hash::text LIKE"
                         f" '%{t[:10]}%'")) == 0
    assert ticket(w, cand) != t


def test_garbage_missing_reused_and_expired_tickets(world, db):
    w = world
    recr, cand, conv = message_pair(w)
    invalid = "The stream ticket is missing, invalid, expired or already used."
    for bad in ["garbage", "x" * 300, ""]:
        s = Sse(w.stack.base_url, bad)
        assert s.status == 401 and s.body == {"detail": invalid, "code": "token_not_valid"}
    r = w.api.get("notifications/stream/")
    assert_error(r, 401, "token_not_valid", invalid)
    t = ticket(w, cand)
    s = Sse(w.stack.base_url, t)
    assert s.status == 200 and s.headers["content-type"].startswith("text/event-stream")
    assert "no-store" in s.headers["cache-control"]
    assert "content-encoding" not in s.headers
    s.close()
    again = Sse(w.stack.base_url, t)
    assert again.status == 401 and again.body["code"] == "token_not_valid"
    t = ticket(w, cand)
    db(f"UPDATE stream_tickets SET expires_at = now() - interval '1 second'"
       f" WHERE user_id = {cand['id']} AND used_at IS NULL")
    assert Sse(w.stack.base_url, t).status == 401
    r = w.api.get(f"notifications/stream/?ticket={ticket(w, cand)}&last_event_id=x")
    assert_json(r, 400, {"last_event_id": ["A valid non-negative integer is required."]})


def test_the_ticket_stays_out_of_the_access_log(world):
    w = world
    recr, cand, conv = message_pair(w)
    t = ticket(w, cand)
    s = open_stream(w, cand)
    s.close()
    Sse(w.stack.base_url, t).close()
    time.sleep(0.5)
    log = w.stack.access_log.read_text()
    assert t not in log
    assert "/api/notifications/stream/?ticket=- " in log


# ---- events -------------------------------------------------------------------------------------------


def test_events_arrive_within_a_second_in_the_rest_shapes(world):
    w = world
    recr, cand, conv = message_pair(w)
    s = open_stream(w, cand)
    try:
        t0 = time.monotonic()
        m = send(w, recr, conv["id"], 'Hello "there"\nsecond line')
        got = s.events(2, timeout=1.0)
        assert time.monotonic() - t0 < 1.0
        assert [e["event"] for e in got] == ["message", "notification"]
        assert int(got[1]["id"]) == int(got[0]["id"]) + 1
        feed = assert_json(w.api.get(f"messaging/conversations/{conv['id']}/messages/",
                                     token=cand["access"]), 200)
        assert got[0]["data"] == feed["results"][0] and got[0]["data"]["id"] == m["id"]
        note = got[1]["data"]
        assert note == rest_notification(w, cand, note["id"])
        assert note["notification_type"] == "message"
        assert note["data"] == {"conversation": conv["id"], "message": m["id"]}
        # the sender's own streams see its message (its other devices), without a notification
        mine = open_stream(w, recr)
        try:
            send(w, recr, conv["id"], "again")
            e = mine.event(1.0)
            assert e["event"] == "message" and e["data"]["content"] == "again"
            assert mine.event(0.5) is None
        finally:
            mine.close()
    finally:
        s.close()


def test_an_http11_client_gets_each_event_at_once(world):
    """What a browser's EventSource sees: HTTP/1.1, chunked, each event flushed on its own."""
    w = world
    recr, cand, conv = message_pair(w)
    r = w.api.get(f"notifications/stream/?ticket={ticket(w, cand)}", stream=True, timeout=5,
                  headers={"Accept": "text/event-stream", "Accept-Encoding": "gzip"})
    try:
        assert r.status_code == 200 and r.raw.version == 11
        assert r.headers.get("Transfer-Encoding") == "chunked"
        assert "Content-Encoding" not in r.headers
        lines = r.iter_lines(chunk_size=1, decode_unicode=True)
        assert next(lines) == "retry: 3000"
        m = send(w, recr, conv["id"], "over HTTP/1.1")
        t0 = time.monotonic()
        got = []
        while len(got) < 3:
            got.append(next(lines))
        assert time.monotonic() - t0 < 1.0
        assert got[0] == "" and got[1].startswith("id: ") and got[2] == "event: message", got
        data = next(lines)
        assert json.loads(data[6:])["id"] == m["id"]
    finally:
        r.close()


def test_last_event_id_replays_in_order(world):
    w = world
    recr, cand, conv = message_pair(w)
    s = open_stream(w, cand)
    send(w, recr, conv["id"], "one")
    first = s.events(2, timeout=2)
    s.close()
    last = int(first[-1]["id"])
    contents = [send(w, recr, conv["id"], f"later {i}")["content"] for i in range(3)]
    for kw in ({"last_event_id": last}, {"query_last_event_id": last}):
        r = open_stream(w, cand, **kw)
        try:
            got = r.events(6, timeout=3)
            assert [int(e["id"]) for e in got] == list(range(last + 1, last + 7))
            assert [e["event"] for e in got] == ["message", "notification"] * 3
            assert [e["data"]["content"] for e in got[::2]] == contents
            assert r.event(0.3) is None
        finally:
            r.close()
    # without Last-Event-ID a stream starts from now
    r = open_stream(w, cand)
    try:
        assert r.event(0.5) is None
    finally:
        r.close()


# ---- node B: heartbeat, cap, ending -----------------------------------------------------------------


def test_heartbeat_comments(world, node_b):
    w = world
    recr, cand, conv = message_pair(w)
    s = open_stream(w, cand, base=node_b.base_url)
    try:
        t0 = time.monotonic()
        b = s.block(3)
        assert b["comments"] == ["heartbeat"] and b["event"] is None
        assert time.monotonic() - t0 < 2.5
        assert s.block(3)["comments"] == ["heartbeat"]
    finally:
        s.close()


def test_the_cap_answers_503_with_retry_after(world, node_b):
    w = world
    recr, cand, conv = message_pair(w)
    procs = 1 if node_b.mpm == "prefork" else 4
    limit = MAX_B * procs
    opened, refused = [], None
    try:
        for _ in range(limit + 1):
            s = Sse(node_b.base_url, ticket(w, cand))
            if s.status == 503:
                refused = s
                break
            assert s.status == 200
            opened.append(s)
        assert refused is not None, f"{len(opened)} streams open without a 503"
        assert len(opened) <= limit
        assert refused.body["code"] == "service_unavailable"
        assert refused.headers["retry-after"] == "5"
        assert refused.headers["content-type"].startswith("application/json")
        # the API still answers while the streams are open
        assert_json(Api(node_b.base_url).get("health/"), 200)
    finally:
        for s in opened:
            s.close()


def test_a_deactivated_or_password_changed_users_stream_ends(world, node_b, db):
    w = world
    recr, cand, conv = message_pair(w)
    s = open_stream(w, cand, base=node_b.base_url)
    set_active(db, cand["id"], False)
    try:
        assert s.wait_end(2.5)
    finally:
        set_active(db, cand["id"], True)
        s.close()
    s = open_stream(w, recr, base=node_b.base_url)
    db(f"UPDATE users SET token_version = token_version + 1 WHERE id = {recr['id']}")
    try:
        assert s.wait_end(2.5)
    finally:
        s.close()


# ---- two nodes -----------------------------------------------------------------------------------------


def test_a_message_through_node_a_reaches_a_stream_at_node_b(world, node_b):
    w = world
    recr, cand, conv = message_pair(w)
    s = open_stream(w, cand, base=node_b.base_url)
    try:
        for i in range(3):
            t0 = time.monotonic()
            m = send(w, recr, conv["id"], f"across nodes {i}")
            e = s.event(1.0)
            assert time.monotonic() - t0 < 1.0, "not within a second"
            assert e["event"] == "message" and e["data"]["id"] == m["id"]
            assert s.event(1.0)["event"] == "notification"
    finally:
        s.close()


def test_a_postgresql_restart_loses_and_repeats_nothing(world, node_b, stack):
    w = world
    stack.allowed_log_patterns.extend(RESTART_LOG_PATTERNS + STREAM_LOG_PATTERNS)
    recr, cand, conv = message_pair(w)
    a = open_stream(w, cand)
    b = open_stream(w, cand, base=node_b.base_url)
    try:
        sent = [send(w, recr, conv["id"], "before")["id"]]
        stack.restart_postgres()
        deadline = time.monotonic() + 30
        while len(sent) < 4 and time.monotonic() < deadline:
            r = w.api.post(f"messaging/conversations/{conv['id']}/send/",
                           json={"content": f"after {len(sent)}"}, token=recr["access"])
            if r.status_code == 201:
                sent.append(r.json()["id"])
            else:
                assert r.status_code == 503, r.text
                time.sleep(0.3)
        assert len(sent) == 4
        for s in (a, b):
            got = s.events(8, timeout=10)
            msgs = [e["data"]["id"] for e in got if e["event"] == "message"]
            assert msgs == sent, (msgs, sent)
            ids = [int(e["id"]) for e in got]
            assert ids == list(range(ids[0], ids[0] + 8)), ids
            assert s.event(1.5) is None
    finally:
        a.close()
        b.close()


# ---- graceful restart ----------------------------------------------------------------------------------


def test_a_graceful_restart_ends_streams_promptly(world, pg_stack):
    w = world
    d = tempfile.mkdtemp(prefix="cc-g-")
    s = Stack(d, mpm=pg_stack.mpm, bcrypt_cost=4)
    s.conninfo = pg_stack.conninfo
    s.migrated = True
    s.start_httpd()
    try:
        recr, cand, conv = message_pair(w)
        st = open_stream(w, cand, base=s.base_url)
        os.kill(read_pid(s.pid_file), signal.SIGUSR1)
        t0 = time.monotonic()
        assert st.wait_end(5), "the stream outlived a graceful restart"
        assert time.monotonic() - t0 < 3
        st.close()
        time.sleep(1)
        st = open_stream(w, cand, base=s.base_url)  # the new generation serves streams
        st.close()
    finally:
        s.stop_httpd()
        shutil.rmtree(d, ignore_errors=True)
