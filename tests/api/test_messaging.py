"""Messaging (CONTRACT §6 and docs/API.md "Messaging"): who may start a conversation (a recruiter
with a candidate who applied to one of its jobs and back, an admin with anyone), one
conversation per pair and job, the first message, every validation error, non-participants'
404 on every route, the list's participants, last_message and unread_count, the cursor feed
under inserts, send/ and its notifications, read/, hiding and re-appearing, the throttle and
deactivated users."""

import json
import uuid

import pytest

from helpers import assert_error, assert_json, set_active
from test_applications import NOT_FOUND, world  # noqa: F401 (a module-scoped fixture)

CONV_KEYS = {"id", "job", "job_title", "participants", "last_message", "unread_count",
             "created_at", "updated_at"}
MSG_KEYS = {"id", "conversation", "sender", "content", "is_read", "created_at"}
REQUIRED = ["This field is required."]
FORBIDDEN_PAIR = {"detail": "You may not start a conversation with this user.",
                  "code": "permission_denied"}


# ---- helpers ---------------------------------------------------------------------------------


def uniq(s):
    return f"{s} {uuid.uuid4().hex[:8]}"


def create(w, user, others, status=None, **body):
    body = dict(body, participant_ids=[o["id"] for o in others])
    r = w.api.post("messaging/conversations/create/", json=body, token=user["access"])
    if status is None:
        return r
    d = assert_json(r, status)
    assert set(d) == CONV_KEYS, d
    return d


def applied_pair(w):
    """A fresh candidate who applied to a fresh job of a fresh recruiter."""
    recr, cand = w.recruiter(), w.candidate()
    job = w.job(recr)
    w.apply(cand, job)
    return recr, cand, job


def send(w, user, conv, content, status=201):
    r = w.api.post(f"messaging/conversations/{conv}/send/", json={"content": content},
                   token=user["access"])
    if status is None:
        return r
    d = assert_json(r, status)
    if status == 201:
        assert set(d) == MSG_KEYS, d
    return d


def person(u, first, last, active=True):
    return {"id": u["id"], "first_name": first, "last_name": last, "role": u["role"],
            "is_active": active}


def listed(w, user):
    d = assert_json(w.api.get("messaging/conversations/?page_size=100", token=user["access"]),
                    200)
    assert set(d) == {"count", "next", "previous", "results"}
    return d["results"]


def feed(w, user, conv, query=""):
    d = assert_json(w.api.get(f"messaging/conversations/{conv}/messages/{query}",
                              token=user["access"]), 200)
    assert set(d) == {"next", "previous", "results"}, d
    return d


def clear_throttle(db):
    db("DELETE FROM throttle_events WHERE kind = 'message'")


@pytest.fixture(autouse=True)
def _fresh_throttle(db):
    clear_throttle(db)


# ---- who may start a conversation ---------------------------------------------------------------


def test_recruiter_starts_with_an_applicant_and_the_same_pair_and_job_gets_it_back(world, db):
    w = world
    recr, cand, job = applied_pair(w)
    c = create(w, recr, [cand], 201, job=job["id"])
    assert c["job"] == job["id"] and c["job_title"] == job["title"]
    assert c["participants"] == [person(recr, "Ravi", "Menon"), person(cand, "Asha", "Verma")]
    assert c["last_message"] is None and c["unread_count"] == 0
    # the same two users about the same job: the same conversation, 200, whoever asks
    again = create(w, cand, [recr], 200, job=job["id"])
    assert again["id"] == c["id"]
    # another job (or none) is another conversation
    other = create(w, cand, [recr], 201)
    assert other["id"] != c["id"] and other["job"] is None
    assert int(db.scalar(f"SELECT count(*) FROM conversation_participants"
                         f" WHERE conversation_id = {c['id']}")) == 2


def test_candidate_starts_with_the_recruiter_of_a_job_it_applied_to(world):
    w = world
    recr, cand, job = applied_pair(w)
    c = create(w, cand, [recr], 201, job=job["id"], message="Is the night shift fixed?")
    assert c["last_message"]["content"] == "Is the night shift fixed?"
    assert c["last_message"]["sender"] == person(cand, "Asha", "Verma")


def test_refused_pairs(world):
    w = world
    recr, cand, job = applied_pair(w)
    stranger_cand, stranger_recr = w.candidate(), w.recruiter()
    other_job = w.job(recr)
    for user, other in [(cand, stranger_cand), (stranger_cand, cand),  # candidate-candidate
                        (recr, stranger_recr), (stranger_recr, recr),  # recruiter-recruiter
                        (recr, stranger_cand), (stranger_cand, recr),  # never applied
                        (stranger_recr, cand), (cand, stranger_recr)]:  # not its job
        assert_json(create(w, user, [other]), 403, FORBIDDEN_PAIR)
    # the candidate applied to `job`, not to `other_job`
    r = create(w, recr, [cand], job=other_job["id"])
    assert_error(r, 403, "permission_denied",
                 "You may not start a conversation with this user about this job.")


def test_admin_with_anyone_and_anyone_with_an_admin(world):
    w = world
    stranger = w.candidate()
    c = create(w, w.admin, [stranger], 201, message="Please upload your licence.")
    assert {p["role"] for p in c["participants"]} == {"candidate", "admin"}
    assert create(w, stranger, [w.admin], 200)["id"] == c["id"]
    recr = w.recruiter()
    assert create(w, recr, [w.admin], 201)["participants"][0]["id"] in (recr["id"], w.admin["id"])


def test_a_group_conversation_by_an_admin(world):
    w = world
    a, b = w.candidate(), w.recruiter()
    c = create(w, w.admin, [a, b], 201)
    assert {p["id"] for p in c["participants"]} == {a["id"], b["id"], w.admin["id"]}
    # groups are never merged: a second one is a new conversation
    assert create(w, w.admin, [a, b], 201)["id"] != c["id"]


def test_create_validation(world, db):
    w = world
    recr, cand, job = applied_pair(w)
    path = "messaging/conversations/create/"

    def bad(body, expect, user=recr):
        before = int(db.scalar("SELECT count(*) FROM conversations"))
        assert_json(w.api.post(path, json=body, token=user["access"]), 400, expect)
        assert int(db.scalar("SELECT count(*) FROM conversations")) == before

    bad({}, {"participant_ids": REQUIRED})
    bad({"participant_ids": []}, {"participant_ids": ["This list may not be empty."]})
    r = w.api.post(path, json={"participant_ids": "x"}, token=recr["access"])
    assert "participant_ids" in assert_json(r, 400)
    bad({"participant_ids": [recr["id"]]},
        {"participant_ids": ["You cannot start a conversation with yourself."]})
    bad({"participant_ids": [999999999]},
        {"participant_ids": ['Invalid pk "999999999" - object does not exist.']})
    bad({"participant_ids": [cand["id"]], "job": 999999999},
        {"job": ['Invalid pk "999999999" - object does not exist.']})
    # an invalid first message creates nothing
    bad({"participant_ids": [cand["id"]], "message": ""},
        {"message": ["This field may not be blank."]})
    bad({"participant_ids": [cand["id"]], "message": "   \n "},
        {"message": ["This field may not be blank."]})
    bad({"participant_ids": [cand["id"]], "message": "x" * 5001},
        {"message": ["Ensure this field has no more than 5000 characters."]})
    bad({"participant_ids": [cand["id"]], "message": 5}, {"message": ["Not a valid string."]})
    bad({"participant_ids": [cand["id"]], "message": None},
        {"message": ["This field may not be null."]})
    bad({"participant_ids": [cand["id"]], "message": "a\x07b"},
        {"message": ["This field may not contain control characters."]})
    # a deactivated user cannot be added
    gone = w.candidate()
    set_active(db, gone["id"], False)
    bad({"participant_ids": [gone["id"]]}, {"participant_ids": [f"User {gone['id']} is not active."]},
        user=w.admin)


def test_anonymous_is_refused(world):
    w = world
    for method, path in [("get", "messaging/conversations/"),
                         ("post", "messaging/conversations/create/"),
                         ("get", "messaging/conversations/1/"),
                         ("get", "messaging/conversations/1/messages/"),
                         ("post", "messaging/conversations/1/send/"),
                         ("put", "messaging/conversations/1/read/"),
                         ("delete", "messaging/conversations/1/")]:
        r = w.api.request(method.upper(), path, json={} if method in ("post", "put") else None)
        assert_error(r, 401, "not_authenticated")


# ---- non-participants ---------------------------------------------------------------------------


def test_non_participants_get_404_on_every_route(world, db):
    w = world
    recr, cand, job = applied_pair(w)
    c = create(w, recr, [cand], 201, job=job["id"], message="Secret salary details")
    outsiders = [w.candidate(), w.recruiter(), w.admin]  # admins are no exception
    before = int(db.scalar(f"SELECT count(*) FROM messages WHERE conversation_id = {c['id']}"))
    for o in outsiders:
        for method, sub, body in [("GET", "", None), ("DELETE", "", None),
                                  ("GET", "messages/", None),
                                  ("POST", "send/", {"content": "hi"}),
                                  ("PUT", "read/", {})]:
            r = w.api.request(method, f"messaging/conversations/{c['id']}/{sub}", json=body,
                              token=o["access"])
            assert_json(r, 404, NOT_FOUND)
            assert "Secret" not in r.text
        assert c["id"] not in [x["id"] for x in listed(w, o)]
    for method, sub in [("GET", ""), ("GET", "messages/")]:
        r = w.api.request(method, f"messaging/conversations/999999999/{sub}", token=recr["access"])
        assert_json(r, 404, NOT_FOUND)
    assert int(db.scalar(f"SELECT count(*) FROM messages WHERE conversation_id = {c['id']}")) \
        == before
    assert_json(w.api.get(f"messaging/conversations/{c['id']}/", token=cand["access"]), 200)


# ---- sending, notifications, unread accounting --------------------------------------------------


def test_send_stores_content_as_sent_and_notifies_the_others(world, db):
    w = world
    recr, cand, job = applied_pair(w)
    c = create(w, recr, [cand], 201, job=job["id"])
    before = int(db.scalar("SELECT coalesce(max(id), 0) FROM notifications"))
    content = '  <script>alert("x")</script> \\ "quoted"\nline two\t tab \u00e9\U0001F600  '
    m = send(w, recr, c["id"], content)
    assert m["content"] == content  # not trimmed, not escaped into HTML
    assert m["conversation"] == c["id"] and m["is_read"] is False
    assert m["sender"] == person(recr, "Ravi", "Menon")
    assert db.scalar(f"SELECT content FROM messages WHERE id = {m['id']}") == content
    rows = db(f"SELECT user_id, notification_type, title, data::text FROM notifications"
              f" WHERE id > {before} ORDER BY id")
    assert len(rows) == 1
    uid, typ, title, data = rows[0]
    assert int(uid) == cand["id"] and typ == "message" and title == "New message from Ravi Menon"
    assert json.loads(data) == {"conversation": c["id"], "message": m["id"]}
    # the whole body is JSON-escaped in every answer
    d = feed(w, cand, c["id"])
    assert d["results"][0]["content"] == content


def test_send_validation(world):
    w = world
    recr, cand, job = applied_pair(w)
    c = create(w, recr, [cand], 201)
    path = f"messaging/conversations/{c['id']}/send/"
    for body, expect in [({}, {"content": REQUIRED}),
                         ({"content": ""}, {"content": ["This field may not be blank."]}),
                         ({"content": "\t \n"}, {"content": ["This field may not be blank."]}),
                         ({"content": "é" * 5001},
                          {"content": ["Ensure this field has no more than 5000 characters."]}),
                         ({"content": ["x"]}, {"content": ["Not a valid string."]}),
                         ({"content": None}, {"content": ["This field may not be null."]})]:
        assert_json(w.api.post(path, json=body, token=recr["access"]), 400, expect)
    assert send(w, recr, c["id"], "é" * 5000)["content"] == "é" * 5000
    assert send(w, recr, c["id"], "x")["content"] == "x"
    r = w.api.post(path, data="content=x", headers={"Content-Type": "text/plain"},
                   token=recr["access"])
    assert_json(r, 415)


def test_unread_accounting_and_read(world, db):
    w = world
    recr, cand, job = applied_pair(w)
    c = create(w, recr, [cand], 201, job=job["id"], message="one")
    send(w, recr, c["id"], "two")
    send(w, cand, c["id"], "reply")
    m3 = send(w, recr, c["id"], "three")

    def conv(user):
        return assert_json(w.api.get(f"messaging/conversations/{c['id']}/", token=user["access"]),
                           200)

    assert conv(cand)["unread_count"] == 3
    assert conv(recr)["unread_count"] == 1
    assert conv(cand)["last_message"]["id"] == m3["id"]
    assert conv(cand)["last_message"]["is_read"] is False
    unread_notes = ("SELECT count(*) FROM notifications WHERE user_id = %d AND notification_type"
                    " = 'message' AND NOT is_read AND data->>'conversation' = '%d'")
    assert int(db.scalar(unread_notes % (cand["id"], c["id"]))) == 3
    r = w.api.put(f"messaging/conversations/{c['id']}/read/", json={}, token=cand["access"])
    assert_json(r, 200, {"updated": 3})
    assert conv(cand)["unread_count"] == 0
    assert int(db.scalar(unread_notes % (cand["id"], c["id"]))) == 0
    # the sender sees its message read once every other participant read it
    assert conv(recr)["last_message"]["is_read"] is True
    assert_json(w.api.put(f"messaging/conversations/{c['id']}/read/", json={},
                          token=cand["access"]), 200, {"updated": 0})
    assert conv(recr)["unread_count"] == 1  # the recruiter has not read the reply
    assert_json(w.api.put(f"messaging/conversations/{c['id']}/read/", json={},
                          token=recr["access"]), 200, {"updated": 1})
    send(w, recr, c["id"], "four")
    assert conv(cand)["unread_count"] == 1


# ---- the list, hiding -------------------------------------------------------------------------------


def test_list_newest_activity_first_with_hiding_and_reappearing(world):
    w = world
    recr, cand, job = applied_pair(w)
    job2 = w.job(recr)
    w.apply(cand, job2)
    a = create(w, recr, [cand], 201, job=job["id"], message="first")
    b = create(w, recr, [cand], 201, job=job2["id"], message="second")
    assert [x["id"] for x in listed(w, cand)] == [b["id"], a["id"]]
    send(w, cand, a["id"], "bump")
    items = listed(w, cand)
    assert [x["id"] for x in items] == [a["id"], b["id"]]
    assert items[0]["last_message"]["content"] == "bump"
    assert items[1]["unread_count"] == 1 and items[0]["unread_count"] == 1
    assert all(set(x) == CONV_KEYS for x in items)
    # the candidate hides a: gone from its list only
    r = w.api.delete(f"messaging/conversations/{a['id']}/", token=cand["access"])
    assert r.status_code == 204
    assert [x["id"] for x in listed(w, cand)] == [b["id"]]
    assert [x["id"] for x in listed(w, recr)] == [a["id"], b["id"]]
    # still readable by its participant who hid it
    assert_json(w.api.get(f"messaging/conversations/{a['id']}/", token=cand["access"]), 200)
    # a new message shows it again
    send(w, recr, a["id"], "are you there?")
    assert [x["id"] for x in listed(w, cand)] == [a["id"], b["id"]]
    # and so does create/ of the same pair and job
    w.api.delete(f"messaging/conversations/{b['id']}/", token=cand["access"])
    assert b["id"] not in [x["id"] for x in listed(w, cand)]
    assert create(w, cand, [recr], 200, job=job2["id"])["id"] == b["id"]
    assert b["id"] in [x["id"] for x in listed(w, cand)]


def test_list_pagination(world):
    w = world
    stranger = w.candidate()
    ids = [create(w, w.admin, [stranger, w.candidate()], 201)["id"] for _ in range(3)]
    d = assert_json(w.api.get("messaging/conversations/?page_size=2", token=stranger["access"]),
                    200)
    assert d["count"] == 3 and [x["id"] for x in d["results"]] == ids[::-1][:2]
    assert d["next"].endswith("page=2&page_size=2") or "page=2" in d["next"]
    assert_json(w.api.get("messaging/conversations/?page=9", token=stranger["access"]), 404)


# ---- the messages feed ------------------------------------------------------------------------------


def test_feed_is_a_cursor_walk_stable_under_inserts(world):
    w = world
    recr, cand, job = applied_pair(w)
    c = create(w, recr, [cand], 201)
    sent = [send(w, recr if i % 2 else cand, c["id"], f"m{i}")["id"] for i in range(7)]
    d = feed(w, cand, c["id"], "?page_size=3")
    assert [m["id"] for m in d["results"]] == sent[::-1][:3] and d["previous"] is None
    assert all(set(m) == MSG_KEYS for m in d["results"])
    # inserts while walking neither repeat nor skip anything
    new = send(w, recr, c["id"], "late")["id"]
    seen = [m["id"] for m in d["results"]]
    nxt = d["next"]
    while nxt:
        d = assert_json(w.api.get(nxt, token=cand["access"]), 200)
        seen += [m["id"] for m in d["results"]]
        nxt = d["next"]
    assert seen == sent[::-1]
    # previous from the first page's cursor brings the newer one
    first = feed(w, cand, c["id"], "?page_size=3")
    assert first["results"][0]["id"] == new
    assert_json(w.api.get(f"messaging/conversations/{c['id']}/messages/?cursor=garbage",
                          token=cand["access"]), 400, {"cursor": ["Invalid cursor"]})
    assert_json(w.api.get(f"messaging/conversations/{c['id']}/messages/?page_size=x",
                          token=cand["access"]), 400)


# ---- throttle, deactivation ------------------------------------------------------------------------


def test_sending_is_throttled(world, db):
    w = world
    recr, cand, job = applied_pair(w)
    c = create(w, recr, [cand], 201)
    for i in range(30):
        send(w, recr, c["id"], f"n{i}")
    before = int(db.scalar("SELECT count(*) FROM messages"))
    r = send(w, recr, c["id"], "one too many", status=None)
    assert_error(r, 429, "throttled")
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    # create/ with a first message counts too, and creates nothing when throttled
    r = create(w, recr, [cand], job=job["id"], message="hello")
    assert_error(r, 429, "throttled")
    assert int(db.scalar("SELECT count(*) FROM messages")) == before
    # the other participant has its own budget
    send(w, cand, c["id"], "still fine")
    clear_throttle(db)
    send(w, recr, c["id"], "after the window")


def test_a_deactivated_user_cannot_send_and_shows_inactive(world, db):
    w = world
    recr, cand, job = applied_pair(w)
    c = create(w, recr, [cand], 201, job=job["id"])
    set_active(db, cand["id"], False)
    try:
        before = int(db.scalar("SELECT count(*) FROM messages"))
        r = send(w, cand, c["id"], "hello?", status=None)
        assert r.status_code in (401, 403), r.text
        assert int(db.scalar("SELECT count(*) FROM messages")) == before
        d = assert_json(w.api.get(f"messaging/conversations/{c['id']}/", token=recr["access"]),
                        200)
        assert person(cand, "Asha", "Verma", active=False) in d["participants"]
        # and nobody can start a new one with it
        assert_json(create(w, recr, [cand]), 400,
                    {"participant_ids": [f"User {cand['id']} is not active."]})
    finally:
        set_active(db, cand["id"], True)
