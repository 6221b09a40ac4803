"""/api/notifications/: the caller's own notifications as a page list or a keyset feed, with
unread_count; detail, mark-read, mark-all-read and delete (CONTRACT §7 without the live stream,
and the decisions in docs/API.md "Notifications").

Notifications are created the way the features create them: cc_notify() in the database."""

import base64
import json
import socket
from urllib.parse import parse_qsl, urlsplit

import pytest

from helpers import (DATETIME_RE, NOT_AUTHENTICATED, assert_error, assert_json, create_admin,
                     logged_in_user)

NOT_FOUND = {"detail": "Not found.", "code": "not_found"}
INVALID_PAGE = {"detail": "Invalid page.", "code": "not_found"}
INVALID_CURSOR = {"cursor": ["Invalid cursor"]}
NOTIFICATION_KEYS = {"id", "title", "message", "notification_type", "is_read", "data",
                     "created_at"}
PAGE_KEYS = {"count", "next", "previous", "unread_count", "results"}
FEED_KEYS = {"next", "previous", "unread_count", "results"}
TYPES = ["job_update", "application_status", "message", "verification", "match", "system"]


# ---- helpers ----------------------------------------------------------------------------------


def notify(db, user_id, ntype="system", title="Title", message="Message", data=None):
    """One notification through cc_notify(); returns its id."""
    return int(db.scalar("SELECT cc_notify(:'u', :'t', :'ti', :'m', :'d'::jsonb)",
                         u=user_id, t=ntype, ti=title, m=message,
                         d=json.dumps({} if data is None else data)))


def notify_many(db, user_id, n, ntype="system"):
    """n notifications titled "N1".."Nn" with data {"n": k}; their ids, oldest first."""
    rows = db("SELECT g, cc_notify(:'u', :'t', 'N' || g, 'body ' || g, jsonb_build_object('n', g))"
              " FROM generate_series(1, :n) g ORDER BY g", u=user_id, t=ntype, n=n)
    ids = [int(r[1]) for r in rows]
    assert ids == sorted(ids) and len(ids) == n
    return ids


def created_at(db, nid):
    return db.scalar("SELECT cc_ts(created_at) FROM notifications WHERE id = :'id'", id=nid)


def expected(db, nid, title, message, ntype, data, is_read=False):
    return {"id": nid, "title": title, "message": message, "notification_type": ntype,
            "is_read": is_read, "data": data, "created_at": created_at(db, nid)}


def read_state(db, nid):
    """(is_read, read_at text) of a row; read_at '' when NULL."""
    row = db("SELECT is_read, read_at FROM notifications WHERE id = :'id'", id=nid)
    assert len(row) == 1, row
    return row[0][0] == "t", row[0][1]


def ids_of(data):
    return [n["id"] for n in data["results"]]


def get_list(api, user, query="", status=200):
    r = api.get("notifications/" + query, token=user["access"])
    return assert_json(r, status)


def follow(api, user, url):
    """Follows a next/previous link (absolute URL) as the user."""
    assert url is not None
    r = api.get(url, token=user["access"])
    return assert_json(r, 200)


def unread_count(api, user):
    return get_list(api, user)["unread_count"]


def cursor_of(url):
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))["cursor"]


def b64url(text):
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.fixture
def cand(api, read_mails):
    return logged_in_user(api, read_mails, role="candidate")


@pytest.fixture
def other(api, read_mails):
    return logged_in_user(api, read_mails, role="recruiter")


# ==== list ======================================================================================


def test_list_shape_exact_values_newest_first(api, db, cand, other, base_url):
    a = notify(db, cand["id"], "application_status", "Application reviewed",
               "Your application was reviewed.", {"application": 12, "job": 7})
    b = notify(db, cand["id"], "message", "New message", "", {"conversation": 3})
    c = notify(db, cand["id"], "match", "A job matches you", "Staff Nurse, Pune", {"job": 9})
    notify(db, other["id"], "system", "Not yours")

    data = get_list(api, cand)
    assert set(data) == PAGE_KEYS
    assert data == {
        "count": 3, "next": None, "previous": None, "unread_count": 3,
        "results": [
            expected(db, c, "A job matches you", "Staff Nurse, Pune", "match", {"job": 9}),
            expected(db, b, "New message", "", "message", {"conversation": 3}),
            expected(db, a, "Application reviewed", "Your application was reviewed.",
                     "application_status", {"application": 12, "job": 7}),
        ]}
    for n in data["results"]:
        assert set(n) == NOTIFICATION_KEYS
        assert DATETIME_RE.match(n["created_at"]), n["created_at"]
    # the canonical path without the slash is the same resource
    assert get_list(api, cand, "")["results"] == assert_json(
        api.get("notifications", token=cand["access"]), 200)["results"]


def test_list_empty(api, cand):
    assert get_list(api, cand) == {"count": 0, "next": None, "previous": None,
                                   "unread_count": 0, "results": []}


def test_list_orders_by_id_when_created_at_ties(api, db, cand):
    # one transaction: every row has the same created_at; the order is still by id, newest first
    rows = db("SELECT cc_notify(:'u', 'system', 'T' || g, '', '{}') FROM generate_series(1, 4) g",
              u=cand["id"])
    ids = sorted(int(r[0]) for r in rows)
    assert len({created_at(db, i) for i in ids}) == 1
    assert ids_of(get_list(api, cand)) == ids[::-1]


def test_every_role_sees_only_its_own(api, db, read_mails, stack, cand, other):
    admin = create_admin(stack, api, login_now=True)
    ids = {}
    for u in (cand, other, admin):
        ids[u["email"]] = [notify(db, u["id"], "system", f"for {u['role']}")]
    for u in (cand, other, admin):
        data = get_list(api, u)
        assert ids_of(data) == ids[u["email"]]
        assert data["results"][0]["title"] == f"for {u['role']}"
        assert data["unread_count"] == 1


def test_data_round_trip(api, db, cand):
    data = {"job": 41, "application": 5, "nested": {"list": [1, 2.5, "three", None, True],
                                                   "empty": {}, "flag": False},
            "unicode": "Ärztin – 看護師 🩺", "quote": "a \"quoted\" \\ value\n"}
    nid = notify(db, cand["id"], "job_update", "Ünïcödé title ✓", "line 1\nline 2", data)
    r = api.get(f"notifications/{nid}/", token=cand["access"])
    got = assert_json(r, 200)
    assert got == expected(db, nid, "Ünïcödé title ✓", "line 1\nline 2", "job_update", data)
    assert get_list(api, cand)["results"] == [got]
    # cc_notify without data or message stores {} and ""
    nid2 = int(db.scalar("SELECT cc_notify(:'u', 'system', 'Bare', NULL, NULL)", u=cand["id"]))
    got2 = assert_json(api.get(f"notifications/{nid2}/", token=cand["access"]), 200)
    assert (got2["data"], got2["message"]) == ({}, "")


# ==== unread_count ==============================================================================


def test_unread_count_accounting(api, db, cand, other):
    ids = notify_many(db, cand["id"], 4)
    notify(db, other["id"])
    assert unread_count(api, cand) == 4

    r = api.post(f"notifications/{ids[0]}/mark-read/", token=cand["access"])
    assert assert_json(r, 200)["is_read"] is True
    assert unread_count(api, cand) == 3
    # idempotent
    assert_json(api.post(f"notifications/{ids[0]}/mark-read/", token=cand["access"]), 200)
    assert unread_count(api, cand) == 3

    # deleting an unread one lowers the count; deleting a read one does not
    assert api.delete(f"notifications/{ids[1]}/", token=cand["access"]).status_code == 204
    assert unread_count(api, cand) == 2
    assert api.delete(f"notifications/{ids[0]}/", token=cand["access"]).status_code == 204
    assert unread_count(api, cand) == 2

    r = api.post("notifications/mark-all-read/", token=cand["access"])
    assert assert_json(r, 200) == {"updated": 2}
    assert unread_count(api, cand) == 0
    # nothing left to change
    assert assert_json(api.post("notifications/mark-all-read/", token=cand["access"]),
                       200) == {"updated": 0}

    notify(db, cand["id"], "match")
    assert unread_count(api, cand) == 1
    # the other user's notification was never touched
    assert unread_count(api, other) == 1


def test_unread_count_ignores_filters(api, db, cand):
    ids = notify_many(db, cand["id"], 3, "message")
    notify(db, cand["id"], "match")
    db("UPDATE notifications SET is_read = true, read_at = now() WHERE id = :'id'", id=ids[0])
    for query in ("?is_read=true", "?is_read=false", "?notification_type=verification",
                  "?notification_type=match&is_read=true", "?page_size=1", "?cursor=",
                  "?cursor=&is_read=true&notification_type=system"):
        data = get_list(api, cand, query)
        assert data["unread_count"] == 3, query


# ==== filters ===================================================================================


def test_filter_is_read(api, db, cand):
    ids = notify_many(db, cand["id"], 4)
    for i in (ids[0], ids[2]):
        assert_json(api.post(f"notifications/{i}/mark-read/", token=cand["access"]), 200)
    read, unread = [ids[2], ids[0]], [ids[3], ids[1]]
    for value, want in (("true", read), ("1", read), ("TRUE", read), ("True", read),
                        ("false", unread), ("0", unread), ("FALSE", unread)):
        data = get_list(api, cand, f"?is_read={value}")
        assert ids_of(data) == want, value
        assert data["count"] == 2
        assert all(n["is_read"] is (want is read) for n in data["results"])


def test_filter_notification_type(api, db, cand):
    ids = {t: notify(db, cand["id"], t, t) for t in TYPES}
    second_match = notify(db, cand["id"], "match", "again")
    for t in TYPES:
        data = get_list(api, cand, f"?notification_type={t}")
        want = [second_match, ids[t]] if t == "match" else [ids[t]]
        assert ids_of(data) == want, t
        assert data["count"] == len(want)
    # both filters together
    assert_json(api.post(f"notifications/{second_match}/mark-read/", token=cand["access"]), 200)
    assert ids_of(get_list(api, cand, "?notification_type=match&is_read=false")) == [ids["match"]]
    assert ids_of(get_list(api, cand, "?notification_type=match&is_read=true")) == [second_match]
    assert ids_of(get_list(api, cand, "?notification_type=system&is_read=true")) == []


@pytest.mark.parametrize("value", ["yes", "no", "2", "-1", "t", "", "true%20", "nul"])
def test_filter_is_read_invalid(api, cand, value):
    r = api.get(f"notifications/?is_read={value}", token=cand["access"])
    assert_json(r, 400, {"is_read": ["Must be one of: true, false, 1, 0."]})


@pytest.mark.parametrize("value", ["alert", "MATCH", "Match", "", "job-update", "match%20"])
def test_filter_notification_type_invalid(api, cand, value):
    r = api.get(f"notifications/?notification_type={value}", token=cand["access"])
    shown = value.replace("%20", " ")
    assert_json(r, 400, {"notification_type": [
        f"Select a valid choice. {shown} is not one of the available choices."]})


def test_filter_errors_also_in_cursor_form(api, cand):
    r = api.get("notifications/?cursor=&is_read=maybe", token=cand["access"])
    assert_json(r, 400, {"is_read": ["Must be one of: true, false, 1, 0."]})
    r = api.get("notifications/?cursor=&notification_type=x", token=cand["access"])
    assert_json(r, 400, {"notification_type": [
        "Select a valid choice. x is not one of the available choices."]})


# ==== page pagination ===========================================================================


def test_pagination_pages_and_links(api, db, cand, base_url):
    ids = notify_many(db, cand["id"], 25)
    newest = ids[::-1]
    url = f"{base_url}/api/notifications/"

    p1 = get_list(api, cand, "?page_size=10")
    assert (p1["count"], p1["unread_count"]) == (25, 25)
    assert ids_of(p1) == newest[:10]
    assert p1["previous"] is None
    assert p1["next"] == f"{url}?page_size=10&page=2"

    p2 = follow(api, cand, p1["next"])
    assert ids_of(p2) == newest[10:20]
    assert p2["count"] == 25 and p2["unread_count"] == 25
    assert p2["previous"] == f"{url}?page_size=10"
    assert p2["next"] == f"{url}?page_size=10&page=3"

    p3 = follow(api, cand, p2["next"])
    assert ids_of(p3) == newest[20:]
    assert p3["next"] is None
    assert p3["previous"] == f"{url}?page_size=10&page=2"
    assert [n["title"] for n in p3["results"]] == ["N5", "N4", "N3", "N2", "N1"]
    assert [n["data"] for n in p3["results"]] == [{"n": k} for k in (5, 4, 3, 2, 1)]

    # default size 10, and filters stay in the links
    d = get_list(api, cand, "?is_read=false")
    assert ids_of(d) == newest[:10]
    assert d["next"] == f"{url}?is_read=false&page=2"
    d2 = follow(api, cand, d["next"])
    assert ids_of(d2) == newest[10:20]
    assert d2["previous"] == f"{url}?is_read=false"


def test_pagination_invalid_pages(api, db, cand):
    notify_many(db, cand["id"], 5)
    for q in ("?page=2", "?page=2&page_size=5", "?page=4&page_size=2", "?page=0", "?page=abc",
              "?page=-1"):
        r = api.get("notifications/" + q, token=cand["access"])
        assert_json(r, 404, INVALID_PAGE)
    # page 3 of size 2 is the last (one row)
    assert len(get_list(api, cand, "?page=3&page_size=2")["results"]) == 1
    for q in ("?page_size=abc", "?page_size=0", "?page_size=-3"):
        r = api.get("notifications/" + q, token=cand["access"])
        assert_json(r, 400, {"page_size": ["A valid positive integer is required."]})
    # a filter that leaves nothing: page 1 exists and is empty, page 2 does not
    assert get_list(api, cand, "?is_read=true") == {
        "count": 0, "next": None, "previous": None, "unread_count": 5, "results": []}
    assert_json(api.get("notifications/?is_read=true&page=2", token=cand["access"]), 404,
                INVALID_PAGE)


def test_page_size_is_clamped_to_100(api, db, cand, base_url):
    notify_many(db, cand["id"], 101)
    d = get_list(api, cand, "?page_size=500")
    assert (d["count"], len(d["results"])) == (101, 100)
    assert d["next"] == f"{base_url}/api/notifications/?page_size=500&page=2"
    assert len(follow(api, cand, d["next"])["results"]) == 1


# ==== cursor feed ===============================================================================


def test_cursor_feed_walks_forward_and_back(api, db, cand, other, base_url):
    ids = notify_many(db, cand["id"], 7)
    notify_many(db, other["id"], 3)  # interleaved ids of someone else never show up
    newest = ids[::-1]
    url = f"{base_url}/api/notifications/"

    f1 = get_list(api, cand, "?cursor=&page_size=3")
    assert set(f1) == FEED_KEYS
    assert ids_of(f1) == newest[0:3]
    assert f1["unread_count"] == 7
    assert f1["previous"] is None
    assert f1["next"].startswith(f"{url}?page_size=3&cursor=")
    # the cursor is base64url of a direction and the boundary id (opaque to clients)
    assert cursor_of(f1["next"]) == b64url(f"o:{newest[2]}")
    for n in f1["results"]:
        assert set(n) == NOTIFICATION_KEYS

    f2 = follow(api, cand, f1["next"])
    assert ids_of(f2) == newest[3:6]
    assert f2["previous"].startswith(f"{url}?page_size=3&cursor=")
    f3 = follow(api, cand, f2["next"])
    assert ids_of(f3) == newest[6:]
    assert f3["next"] is None
    assert f3["unread_count"] == 7

    b2 = follow(api, cand, f3["previous"])
    assert ids_of(b2) == newest[3:6]
    assert b2["next"] is not None and b2["previous"] is not None
    b1 = follow(api, cand, b2["previous"])
    assert ids_of(b1) == newest[0:3]
    assert b1["previous"] is None
    assert ids_of(follow(api, cand, b1["next"])) == newest[3:6]


def test_cursor_feed_default_size_and_exact_fit(api, db, cand):
    ids = notify_many(db, cand["id"], 12)
    f1 = get_list(api, cand, "?cursor=")
    assert ids_of(f1) == ids[::-1][:10]
    f2 = follow(api, cand, f1["next"])
    assert ids_of(f2) == ids[::-1][10:]
    assert f2["next"] is None
    # a page that ends exactly at the last row has no next link
    ex = get_list(api, cand, "?cursor=&page_size=12")
    assert ids_of(ex) == ids[::-1]
    assert ex["next"] is None and ex["previous"] is None
    assert len(get_list(api, cand, "?cursor=&page_size=1000")["results"]) == 12


def test_cursor_feed_is_stable_under_inserts(api, db, cand):
    ids = notify_many(db, cand["id"], 6)
    newest = ids[::-1]
    f1 = get_list(api, cand, "?cursor=&page_size=2")
    assert ids_of(f1) == newest[0:2]

    # new notifications arrive while the client reads
    new1 = notify(db, cand["id"], "message", "new 1")
    f2 = follow(api, cand, f1["next"])
    assert ids_of(f2) == newest[2:4]  # no repeat, no skip
    new2 = notify(db, cand["id"], "message", "new 2")
    new3 = notify(db, cand["id"], "message", "new 3")
    f3 = follow(api, cand, f2["next"])
    assert ids_of(f3) == newest[4:6]
    assert f3["next"] is None
    assert f3["unread_count"] == 9

    # walking back reaches the new ones without repeating the old ones
    b2 = follow(api, cand, f3["previous"])
    assert ids_of(b2) == newest[2:4]
    b1 = follow(api, cand, b2["previous"])
    assert ids_of(b1) == newest[0:2]
    b0 = follow(api, cand, b1["previous"])
    assert ids_of(b0) == [new2, new1]
    bt = follow(api, cand, b0["previous"])
    assert ids_of(bt) == [new3]
    assert bt["previous"] is None
    # and forward again from the top covers everything exactly once
    seen, page = ids_of(bt), bt
    while page["next"]:
        page = follow(api, cand, page["next"])
        seen += ids_of(page)
    assert seen == [new3, new2, new1] + newest


def test_cursor_feed_keeps_filters_in_links(api, db, cand, base_url):
    msgs = notify_many(db, cand["id"], 5, "message")
    notify_many(db, cand["id"], 3, "match")
    f1 = get_list(api, cand, "?notification_type=message&cursor=&is_read=false&page_size=2")
    assert ids_of(f1) == [msgs[4], msgs[3]]
    assert f1["next"].startswith(
        f"{base_url}/api/notifications/?notification_type=message&is_read=false&page_size=2"
        "&cursor=")
    # one further down is marked read meanwhile: the unread feed skips it
    assert_json(api.post(f"notifications/{msgs[2]}/mark-read/", token=cand["access"]), 200)
    f2 = follow(api, cand, f1["next"])
    assert ids_of(f2) == [msgs[1], msgs[0]]
    assert f2["next"] is None
    assert f2["unread_count"] == 7
    b1 = follow(api, cand, f2["previous"])
    assert ids_of(b1) == [msgs[4], msgs[3]]
    assert b1["previous"] is None


def test_cursor_wins_over_page(api, db, cand, base_url):
    ids = notify_many(db, cand["id"], 4)
    d = get_list(api, cand, "?page=2&cursor=&page_size=2")
    assert set(d) == FEED_KEYS
    assert ids_of(d) == [ids[3], ids[2]]
    assert d["next"] == f"{base_url}/api/notifications/?page_size=2&cursor=" + b64url(
        f"o:{ids[2]}")


def test_cursor_positions_without_rows(api, db, cand, other):
    ids = notify_many(db, cand["id"], 3)
    # below the oldest: empty, and the way back leads to the oldest rows
    d = get_list(api, cand, "?cursor=" + b64url(f"o:{ids[0]}") + "&page_size=2")
    assert d["results"] == [] and d["next"] is None
    back = follow(api, cand, d["previous"])
    assert ids_of(back) == [ids[1], ids[0]]
    assert ids_of(follow(api, cand, back["previous"])) == [ids[2]]
    # above the newest: empty, and next leads down from the top
    d = get_list(api, cand, "?cursor=" + b64url(f"n:{ids[2]}") + "&page_size=2")
    assert d["results"] == [] and d["previous"] is None
    assert ids_of(follow(api, cand, d["next"])) == [ids[2], ids[1]]
    # the extremes are valid positions
    assert ids_of(get_list(api, cand, "?cursor=" + b64url("n:0"))) == ids[::-1]
    assert get_list(api, cand, "?cursor=" + b64url("o:0"))["results"] == []
    assert ids_of(get_list(api, cand, "?cursor=" + b64url("o:999999999999999999"))) == ids[::-1]
    # an empty feed
    assert get_list(api, other, "?cursor=") == {"next": None, "previous": None,
                                                "unread_count": 0, "results": []}
    # someone else's cursor only moves through the caller's own rows
    notify(db, other["id"], "system", "theirs")
    d = get_list(api, other, "?cursor=" + b64url("n:0"))
    assert [n["title"] for n in d["results"]] == ["theirs"]


@pytest.mark.parametrize("cursor", [
    "abc",                         # decodes to bytes that are no cursor
    b64url("o:5") + "=",           # padding
    b64url("x:5"),                 # unknown direction
    b64url("o:05"),                # leading zero
    b64url("o:-5"),
    b64url("o:5 "),
    b64url("o:1000000000000000000"),  # beyond the id range
    b64url("o:"),
    "o:5",                         # not encoded
    "bzo0Mh",                      # "o:42" with stray bits (not canonical)
    "bzo%2BMg",                    # '+' from the standard alphabet
    "%20",
    "1" * 40,
])
def test_malformed_cursor_is_400(api, db, cand, cursor):
    notify(db, cand["id"])
    r = api.get(f"notifications/?cursor={cursor}", token=cand["access"])
    assert_json(r, 400, INVALID_CURSOR)


def test_cursor_without_value_and_bad_page_size(api, cand):
    # "?cursor" alone is the empty cursor, as in HTML forms: the feed starts at the newest
    data = assert_json(api.get("notifications/?cursor", token=cand["access"]), 200)
    assert set(data) == {"next", "previous", "unread_count", "results"}
    for q in ("?cursor=&page_size=abc", "?cursor=&page_size=0"):
        assert_json(api.get("notifications/" + q, token=cand["access"]), 400,
                    {"page_size": ["A valid positive integer is required."]})


def test_raw_quote_in_query_keeps_links_valid_json(stack, db, api, cand):
    """The links echo the query string: a character JSON must escape stays escaped."""
    notify_many(db, cand["id"], 3)
    req = (f"GET /api/notifications/?x=%22&y=a\"b&cursor=&page_size=1 HTTP/1.1\r\n"
           f"Host: 127.0.0.1\r\nAuthorization: Bearer {cand['access']}\r\n"
           "Connection: close\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", stack.http_port), timeout=10) as c:
        c.sendall(req)
        out = b""
        while chunk := c.recv(65536):
            out += chunk
    head, _, body = out.partition(b"\r\n\r\n")
    assert int(head.split(b" ")[1]) == 200, out  # httpd lets a raw quote through to the module
    data = json.loads(body)
    assert urlsplit(data["next"]).query.startswith('x=%22&y=a"b&page_size=1&cursor=')


# ==== one notification ==========================================================================


def test_detail(api, db, cand):
    nid = notify(db, cand["id"], "verification", "Profile verified", "Welcome.", {"profile": 3})
    r = api.get(f"notifications/{nid}/", token=cand["access"])
    assert assert_json(r, 200) == expected(db, nid, "Profile verified", "Welcome.",
                                           "verification", {"profile": 3})
    assert assert_json(api.get(f"notifications/{nid}", token=cand["access"]), 200)["id"] == nid


def test_mark_read_sets_read_at_once(api, db, cand):
    nid = notify(db, cand["id"], "job_update", "Job closed", "", {"job": 4})
    assert read_state(db, nid) == (False, "")
    r = api.post(f"notifications/{nid}/mark-read/", token=cand["access"])
    assert assert_json(r, 200) == expected(db, nid, "Job closed", "", "job_update", {"job": 4},
                                           is_read=True)
    is_read, first_at = read_state(db, nid)
    assert is_read and first_at
    # again: 200, the same answer, read_at unchanged
    r = api.post(f"notifications/{nid}/mark-read", token=cand["access"])
    assert assert_json(r, 200)["is_read"] is True
    assert read_state(db, nid) == (True, first_at)
    # mark-all-read does not touch it either
    assert assert_json(api.post("notifications/mark-all-read/", token=cand["access"]),
                       200) == {"updated": 0}
    assert read_state(db, nid) == (True, first_at)


def test_mark_read_ignores_a_body(api, db, cand):
    nid = notify(db, cand["id"])
    r = api.post(f"notifications/{nid}/mark-read/", json={"is_read": False, "id": 1},
                 token=cand["access"])
    got = assert_json(r, 200)
    assert (got["id"], got["is_read"]) == (nid, True)


def test_delete(api, db, cand):
    nid = notify(db, cand["id"])
    keep = notify(db, cand["id"])
    r = api.delete(f"notifications/{nid}/", token=cand["access"])
    assert r.status_code == 204 and r.content == b""
    assert db.scalar("SELECT count(*) FROM notifications WHERE id = :'id'", id=nid) == "0"
    assert_json(api.get(f"notifications/{nid}/", token=cand["access"]), 404, NOT_FOUND)
    assert_json(api.delete(f"notifications/{nid}/", token=cand["access"]), 404, NOT_FOUND)
    assert_json(api.post(f"notifications/{nid}/mark-read/", token=cand["access"]), 404,
                NOT_FOUND)
    assert ids_of(get_list(api, cand)) == [keep]


def test_mark_all_read_changes_only_own_unread(api, db, cand, other):
    mine = notify_many(db, cand["id"], 3)
    theirs = notify_many(db, other["id"], 2)
    assert_json(api.post(f"notifications/{mine[0]}/mark-read/", token=cand["access"]), 200)
    _, first_at = read_state(db, mine[0])

    r = api.post("notifications/mark-all-read", token=cand["access"])
    assert assert_json(r, 200) == {"updated": 2}
    assert all(read_state(db, i)[0] for i in mine)
    assert all(read_state(db, i)[1] for i in mine)
    assert read_state(db, mine[0]) == (True, first_at)
    assert [read_state(db, i) for i in theirs] == [(False, ""), (False, "")]
    assert all(n["is_read"] for n in get_list(api, cand)["results"])
    assert unread_count(api, other) == 2


def test_another_users_notification_is_404(api, db, cand, other):
    nid = notify(db, other["id"], "message", "Private", "secret", {"conversation": 1})
    for method, path in (("GET", f"notifications/{nid}/"),
                         ("DELETE", f"notifications/{nid}/"),
                         ("POST", f"notifications/{nid}/mark-read/")):
        r = api.request(method, path, token=cand["access"])
        assert_json(r, 404, NOT_FOUND)
    # untouched, and the owner still sees it
    assert read_state(db, nid) == (False, "")
    assert assert_json(api.get(f"notifications/{nid}/", token=other["access"]), 200)["id"] == nid


def test_unknown_and_invalid_ids_are_404(api, db, cand):
    nid = notify(db, cand["id"])
    for path in (f"notifications/{nid + 100000}/", "notifications/0/", "notifications/-1/",
                 "notifications/abc/", f"notifications/{nid}x/", "notifications/1.0/",
                 "notifications/9999999999999999999/", f"notifications/{nid}/mark-read/x/",
                 "notifications/mark-all-read/x/"):
        assert_json(api.get(path, token=cand["access"]), 404, NOT_FOUND)
    for path in (f"notifications/{nid + 100000}/mark-read/", "notifications/0/mark-read/",
                 "notifications/mark-all-read/mark-read/"):
        assert_json(api.post(path, token=cand["access"]), 404, NOT_FOUND)


# ==== methods and authentication ================================================================


def test_mark_all_read_is_not_an_id_route(api, db, cand):
    notify(db, cand["id"])
    r = api.get("notifications/mark-all-read/", token=cand["access"])
    assert_error(r, 405, "method_not_allowed", 'Method "GET" not allowed.')
    assert r.headers["Allow"] == "POST, OPTIONS"
    r = api.delete("notifications/mark-all-read/", token=cand["access"])
    assert_error(r, 405, "method_not_allowed", 'Method "DELETE" not allowed.')
    assert r.headers["Allow"] == "POST, OPTIONS"
    assert unread_count(api, cand) == 1


@pytest.mark.parametrize("method,path,allow", [
    ("POST", "notifications/", {"GET", "HEAD", "OPTIONS"}),
    ("PUT", "notifications/", {"GET", "HEAD", "OPTIONS"}),
    ("DELETE", "notifications/", {"GET", "HEAD", "OPTIONS"}),
    ("PUT", "notifications/{id}/", {"GET", "DELETE", "HEAD", "OPTIONS"}),
    ("PATCH", "notifications/{id}/", {"GET", "DELETE", "HEAD", "OPTIONS"}),
    ("POST", "notifications/{id}/", {"GET", "DELETE", "HEAD", "OPTIONS"}),
    ("GET", "notifications/{id}/mark-read/", {"POST", "OPTIONS"}),
    ("PUT", "notifications/{id}/mark-read/", {"POST", "OPTIONS"}),
    ("PATCH", "notifications/mark-all-read/", {"POST", "OPTIONS"}),
])
def test_wrong_method_is_405(api, db, cand, method, path, allow):
    nid = notify(db, cand["id"])
    r = api.request(method, path.format(id=nid), token=cand["access"], json={})
    assert_error(r, 405, "method_not_allowed", f'Method "{method}" not allowed.')
    assert set(r.headers["Allow"].split(", ")) == allow
    assert read_state(db, nid) == (False, "")
    # OPTIONS lists the same methods
    r = api.request("OPTIONS", path.format(id=nid))
    assert r.status_code == 204
    assert set(r.headers["Allow"].split(", ")) == allow


def test_head_on_list(api, db, cand):
    notify(db, cand["id"])
    r = api.request("HEAD", "notifications/", token=cand["access"])
    assert r.status_code == 200 and r.content == b""
    assert r.headers["Cache-Control"] == "no-store"


def test_anonymous_is_401(api, db, cand):
    nid = notify(db, cand["id"])
    for method, path in (("GET", "notifications/"), ("GET", "notifications/?cursor="),
                         ("GET", f"notifications/{nid}/"), ("DELETE", f"notifications/{nid}/"),
                         ("POST", f"notifications/{nid}/mark-read/"),
                         ("POST", "notifications/mark-all-read/"),
                         ("GET", "notifications/999999/")):
        r = api.request(method, path)
        assert_error(r, 401, "not_authenticated", NOT_AUTHENTICATED["detail"])
    assert read_state(db, nid) == (False, "")


def test_invalid_token_is_401(api, db, cand):
    r = api.get("notifications/", token=cand["access"] + "x")
    assert_error(r, 401, "token_not_valid")


def test_responses_are_not_cached(api, db, cand):
    nid = notify(db, cand["id"])
    for r in (api.get("notifications/", token=cand["access"]),
              api.get(f"notifications/{nid}/", token=cand["access"]),
              api.post(f"notifications/{nid}/mark-read/", token=cand["access"])):
        assert r.status_code == 200
        assert r.headers["Cache-Control"] == "no-store"
