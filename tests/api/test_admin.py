"""The admin API (CONTRACT §5 and docs/API.md "Admin"): users/ (list, filters, orderings, edit,
activation, the last-admin and self rules, tokens of a deactivated user, creating users with an
invitation), dashboard-stats/ (every figure follows a write by exactly one), recent-activity/
and audit-log/ (cursor feeds, filters) and the append-only audit log."""

import threading
import uuid

import pytest

from conftest import Api
from helpers import (BLANK, DATETIME_RE, NOT_AUTHENTICATED, PASSWORD, REQUIRED, USER_KEYS,
                     assert_error, assert_json, assert_user_shape, create_admin, last_mail,
                     login, mail_text, token_in_mail)
from test_applications import NOT_FOUND, PERMISSION_DENIED, new_world
from test_jobs import job_body

INVITE_SUBJECT = "Your CareChain account is ready"
STATS_KEYS = {"total_users", "total_candidates", "total_recruiters", "total_admins", "total_jobs",
              "active_jobs", "total_applications", "pending_verifications", "verified_profiles",
              "recent_registrations", "pending_hospital_verifications", "pending_documents",
              "applications_last_7_days", "hires_last_30_days"}
ACTIVITY_KEYS = {"id", "type", "actor", "summary", "object", "created_at"}
AUDIT_KEYS = {"id", "actor", "action", "target", "details", "request_id", "client", "created_at"}


@pytest.fixture(scope="module")
def w(stack):
    w = new_world(stack)
    yield w
    w.api.close()


def admin_token(w):
    return w.admin["access"]


def get(w, path, token=None, status=200):
    return assert_json(w.api.get(path, token=token or admin_token(w)), status)


def new_user(w, role="candidate", first="Asha", last="Verma"):
    return w.user(role, first, last)


def invite(w, role="candidate", email=None, **kw):
    body = {"email": email or f"inv-{uuid.uuid4().hex[:12]}@example.com", "first_name": "Kiran",
            "last_name": "Rao", "role": role, **kw}
    return w.api.post("admin/users/", json=body, token=admin_token(w))


def stats(w):
    d = get(w, "admin/dashboard-stats/")
    assert set(d) == STATS_KEYS, d
    assert all(isinstance(v, int) and v >= 0 for v in d.values()), d
    return d


def delta(before, after):
    return {k: after[k] - before[k] for k in before if after[k] != before[k]}


def audit_rows(w, target_type, target_id):
    return w.sql(f"SELECT action, actor_id, details::text, request_id, client FROM audit_log"
                 f" WHERE target_type = '{target_type}' AND target_id = {int(target_id)}"
                 f" ORDER BY id")


# ---- roles ---------------------------------------------------------------------------------

ENDPOINTS = [("GET", "admin/users/"), ("POST", "admin/users/"), ("GET", "admin/users/1/"),
             ("PUT", "admin/users/1/"), ("PATCH", "admin/users/1/"), ("DELETE", "admin/users/1/"),
             ("POST", "admin/users/1/activate/"), ("POST", "admin/users/1/deactivate/"),
             ("GET", "admin/dashboard-stats/"), ("GET", "admin/recent-activity/"),
             ("GET", "admin/audit-log/")]


@pytest.mark.parametrize("method,path", ENDPOINTS)
def test_only_admins(w, method, path):
    body = {} if method in ("POST", "PUT", "PATCH") else None
    assert_json(w.api.request(method, path, json=body), 401, NOT_AUTHENTICATED)
    for u in (w.cand, w.recr):
        assert_json(w.api.request(method, path, json=body, token=u["access"]), 403,
                    PERMISSION_DENIED)


@pytest.mark.parametrize("method,suffix", [("GET", ""), ("PATCH", ""), ("PUT", ""),
                                           ("DELETE", ""), ("POST", "activate/"),
                                           ("POST", "deactivate/")])
def test_unknown_user_is_404(w, method, suffix):
    body = {"first_name": "A", "last_name": "B", "is_active": True, "is_verified": True}
    r = w.api.request(method, f"admin/users/999999999/{suffix}",
                      json=body if method in ("PUT", "PATCH") else None, token=admin_token(w))
    assert_json(r, 404, NOT_FOUND)


def test_root_lists_admin(w):
    d = assert_json(w.api.get(""), 200)
    assert d["admin"].endswith("/api/admin/")


# ---- users/ list -----------------------------------------------------------------------------


def list_ids(w, query):
    d = get(w, "admin/users/?page_size=100&" + query)
    assert set(d) == {"count", "next", "previous", "results"}
    for u in d["results"]:
        assert_user_shape(u)
    return [u["id"] for u in d["results"]], d


def test_list_filters_and_search(w):
    tag = uuid.uuid4().hex[:8]
    a = new_user(w, "candidate", f"Zed{tag}", "Alpha")
    b = new_user(w, "recruiter", "Ravi", f"Q{tag}_x")
    ids, d = list_ids(w, f"search={tag}")
    assert sorted(ids) == sorted([a["id"], b["id"]]) and d["count"] == 2
    assert list_ids(w, f"search={tag}&role=recruiter")[0] == [b["id"]]
    assert list_ids(w, f"search={tag}&role=candidate")[0] == [a["id"]]
    # the search is literal: % and _ are no wildcards
    assert list_ids(w, f"search=Q{tag}_x")[0] == [b["id"]]
    assert list_ids(w, f"search=Q{tag}%25")[0] == []
    assert list_ids(w, f"search={tag[:4]}_{tag[5:]}")[0] == []
    # email and full name
    assert list_ids(w, f"search={a['email'].upper()}")[0] == [a["id"]]
    assert list_ids(w, f"search=Zed{tag} Alpha")[0] == [a["id"]]
    # is_active / is_verified
    w.sql(f"UPDATE users SET is_active = false WHERE id = {b['id']}")
    assert list_ids(w, f"search={tag}&is_active=false")[0] == [b["id"]]
    assert list_ids(w, f"search={tag}&is_active=true")[0] == [a["id"]]
    w.sql(f"UPDATE users SET is_verified = false WHERE id = {a['id']}")
    assert list_ids(w, f"search={tag}&is_verified=0")[0] == [a["id"]]
    assert list_ids(w, f"search={tag}&is_verified=1")[0] == [b["id"]]
    # joined_after: a date (the UTC day included) or an instant
    w.sql(f"UPDATE users SET date_joined = '2020-03-05T10:00:00Z' WHERE id = {a['id']}")
    assert list_ids(w, f"search={tag}&joined_after=2020-03-05")[0] == [b["id"], a["id"]]
    assert list_ids(w, f"search={tag}&joined_after=2020-03-06")[0] == [b["id"]]
    assert list_ids(w, f"search={tag}&joined_after=2020-03-05T10:00:00Z")[0] == [b["id"], a["id"]]
    assert list_ids(w, f"search={tag}&joined_after=2020-03-05T10:00:01")[0] == [b["id"]]


def test_list_orderings(w):
    tag = uuid.uuid4().hex[:8]
    us = [new_user(w, "candidate", f"Ord{tag}", n) for n in ("A", "B", "C")]
    emails = {u["id"]: u["email"] for u in us}
    w.sql(f"UPDATE users SET email = 'c-{tag}@example.com', date_joined = '2021-01-01Z',"
          f" last_login = NULL WHERE id = {us[0]['id']}")
    w.sql(f"UPDATE users SET email = 'a-{tag}@example.com', date_joined = '2021-01-03Z',"
          f" last_login = '2021-02-01Z' WHERE id = {us[1]['id']}")
    w.sql(f"UPDATE users SET email = 'b-{tag}@example.com', date_joined = '2021-01-02Z',"
          f" last_login = '2021-02-02Z' WHERE id = {us[2]['id']}")
    del emails
    i0, i1, i2 = (u["id"] for u in us)
    q = f"search=Ord{tag}&ordering="
    assert list_ids(w, q + "date_joined")[0] == [i0, i2, i1]
    assert list_ids(w, q + "-date_joined")[0] == [i1, i2, i0]
    assert list_ids(w, q + "email")[0] == [i1, i2, i0]
    assert list_ids(w, q + "-email")[0] == [i0, i2, i1]
    assert list_ids(w, q + "last_login")[0] == [i1, i2, i0]   # never logged in: last
    assert list_ids(w, q + "-last_login")[0] == [i2, i1, i0]  # both ways
    assert list_ids(w, f"search=Ord{tag}")[0] == [i1, i2, i0]  # default -date_joined


@pytest.mark.parametrize("query,field", [("ordering=role", "ordering"), ("ordering=-password", "ordering"),
                                         ("role=superuser", "role"), ("is_active=maybe", "is_active"),
                                         ("is_verified=2", "is_verified"),
                                         ("joined_after=yesterday", "joined_after"),
                                         ("joined_after=2026-02-30", "joined_after"),
                                         ("page_size=0", "page_size")])
def test_list_bad_parameters(w, query, field):
    d = get(w, "admin/users/?" + query, status=400)
    assert list(d) == [field], d


def test_list_pagination(w):
    d = get(w, "admin/users/?page_size=1")
    assert d["count"] >= 5 and len(d["results"]) == 1 and "page=2" in d["next"]
    assert_error(w.api.get("admin/users/?page=99999", token=admin_token(w)), 404, "not_found")


# ---- users/<id>/ -----------------------------------------------------------------------------


def test_get_user(w):
    d = get(w, f"admin/users/{w.cand['id']}/")
    assert_user_shape(d)
    assert d["id"] == w.cand["id"] and d["email"] == w.cand["email"] and d["role"] == "candidate"


def test_patch_and_put_edit_only_their_fields(w):
    u = new_user(w, "candidate")
    r = w.api.patch(f"admin/users/{u['id']}/", token=admin_token(w),
                    json={"first_name": "  Meera ", "role": "admin", "password": "x",
                          "email": "evil@example.com", "is_admin": True})
    d = assert_json(r, 200)
    assert d["first_name"] == "Meera" and d["last_name"] == "Verma"
    assert d["role"] == "candidate" and d["email"] == u["email"] and not d["is_admin"]
    row = w.sql(f"SELECT role, email, password LIKE '$2%' FROM users WHERE id = {u['id']}")[0]
    assert row == ["candidate", u["email"], "t"]
    rows = audit_rows(w, "user", u["id"])
    assert [x[0] for x in rows] == ["users.update"]
    assert rows[0][1] == str(w.admin["id"]) and rows[0][3] == r.headers["X-Request-Id"]
    assert rows[0][4] == "127.0.0.1"
    assert '"after": {"first_name": "Meera"}' in rows[0][2]
    # a PATCH that changes nothing writes no record
    assert_json(w.api.patch(f"admin/users/{u['id']}/", json={"first_name": "Meera"},
                            token=admin_token(w)), 200)
    assert len(audit_rows(w, "user", u["id"])) == 1
    # PUT needs all four
    r = w.api.put(f"admin/users/{u['id']}/", json={"first_name": "X"}, token=admin_token(w))
    assert_json(r, 400, {"last_name": REQUIRED, "is_active": REQUIRED, "is_verified": REQUIRED})
    d = assert_json(w.api.put(f"admin/users/{u['id']}/", token=admin_token(w),
                              json={"first_name": "Meera", "last_name": "Iyer",
                                    "is_active": True, "is_verified": False}), 200)
    assert (d["last_name"], d["is_active"], d["is_verified"]) == ("Iyer", True, False)


@pytest.mark.parametrize("body,errors", [
    ({"first_name": ""}, {"first_name": BLANK}),
    ({"first_name": "x" * 151}, {"first_name": ["Ensure this field has no more than 150 characters."]}),
    ({"last_name": "a\nb"}, {"last_name": ["This field may not contain line breaks, tabs or other control characters."]}),
    ({"is_active": "maybe"}, {"is_active": ["Must be a valid boolean."]}),
    ({"is_verified": None}, {"is_verified": ["This field may not be null."]}),
])
def test_edit_validation(w, body, errors):
    r = w.api.patch(f"admin/users/{w.other_cand['id']}/", json=body, token=admin_token(w))
    assert_json(r, 400, errors)


# ---- activation ------------------------------------------------------------------------------


def test_deactivate_kills_tokens_at_once_and_activate_restores(w):
    u = new_user(w, "recruiter")
    data = login(w.api, u["email"])
    assert_json(w.api.get("accounts/profile/", token=data["access"]), 200)
    d = assert_json(w.api.post(f"admin/users/{u['id']}/deactivate/", token=admin_token(w)), 200)
    assert d["is_active"] is False and d["id"] == u["id"]
    assert_error(w.api.get("accounts/profile/", token=data["access"]), 401, "token_not_valid")
    assert_error(w.api.post("accounts/token/refresh/", json={"refresh": data["refresh"]}), 401,
                 "token_not_valid")
    assert w.sql(f"SELECT count(*) FROM refresh_tokens WHERE user_id = {u['id']}"
                 f" AND revoked_at IS NULL")[0][0] == "0"
    assert w.sql(f"SELECT DISTINCT revoked_reason FROM refresh_tokens WHERE user_id = {u['id']}")\
        == [["deactivated"]]
    assert_error(w.api.post("accounts/login/", json={"email": u["email"], "password": PASSWORD}),
                 403, "account_disabled")
    # deactivating again changes nothing and records nothing more
    assert_json(w.api.post(f"admin/users/{u['id']}/deactivate/", token=admin_token(w)), 200)
    d = assert_json(w.api.post(f"admin/users/{u['id']}/activate/", token=admin_token(w)), 200)
    assert d["is_active"] is True
    assert [x[0] for x in audit_rows(w, "user", u["id"])] == ["users.deactivate", "users.activate"]
    # the old tokens stay dead; a new login works
    assert_error(w.api.get("accounts/profile/", token=data["access"]), 401, "token_not_valid")
    assert login(w.api, u["email"])["id"] == u["id"]


def test_delete_and_patch_deactivate(w):
    u = new_user(w, "candidate")
    data = login(w.api, u["email"])
    r = w.api.delete(f"admin/users/{u['id']}/", token=admin_token(w))
    assert r.status_code == 204 and r.content == b""
    assert w.sql(f"SELECT is_active FROM users WHERE id = {u['id']}")[0][0] == "f"
    assert_error(w.api.get("accounts/profile/", token=data["access"]), 401, "token_not_valid")
    d = assert_json(w.api.patch(f"admin/users/{u['id']}/", json={"is_active": True},
                                token=admin_token(w)), 200)
    assert d["is_active"] is True
    data = login(w.api, u["email"])
    d = assert_json(w.api.patch(f"admin/users/{u['id']}/", json={"is_active": "false"},
                                token=admin_token(w)), 200)
    assert d["is_active"] is False
    assert_error(w.api.get("accounts/profile/", token=data["access"]), 401, "token_not_valid")


def test_admin_cannot_deactivate_itself(w):
    me = w.admin["id"]
    for method, path, body in [("POST", f"admin/users/{me}/deactivate/", None),
                               ("DELETE", f"admin/users/{me}/", None),
                               ("PATCH", f"admin/users/{me}/", {"is_active": False})]:
        r = w.api.request(method, path, json=body, token=admin_token(w))
        assert_error(r, 409, "cannot_deactivate_self")
    assert w.sql(f"SELECT is_active FROM users WHERE id = {me}")[0][0] == "t"
    assert_json(w.api.get("accounts/profile/", token=admin_token(w)), 200)


def test_last_active_admin_is_never_deactivated(w, stack):
    # every other admin out of the way, then two admins try to deactivate each other at once
    a = create_admin(stack, w.api, login_now=True)
    b = create_admin(stack, w.api, login_now=True)
    w.sql(f"UPDATE users SET is_active = false WHERE role = 'admin'"
          f" AND id NOT IN ({a['id']}, {b['id']})")
    try:
        results = {}

        def worker(me, other):
            api = Api(stack.base_url)
            results[me["id"]] = api.post(f"admin/users/{other['id']}/deactivate/",
                                         token=me["access"])
            api.close()

        ts = [threading.Thread(target=worker, args=(a, b)),
              threading.Thread(target=worker, args=(b, a))]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        # one wins; the other is refused: last_admin when it passed authentication before the
        # winner committed, else its own token has died (never 500, never both)
        codes = sorted(r.status_code for r in results.values())
        assert codes in ([200, 401], [200, 409]), [r.text for r in results.values()]
        loser = next(r for r in results.values() if r.status_code != 200)
        assert loser.json()["code"] in ("last_admin", "token_not_valid"), loser.text
        assert w.sql("SELECT count(*) FROM users WHERE role = 'admin' AND is_active")[0][0] == "1"
        survivor = a if w.sql(f"SELECT is_active FROM users WHERE id = {a['id']}")[0][0] == "t" \
            else b
        # the survivor, alone: itself 409 (self), and nobody else can take it
        assert_error(w.api.post(f"admin/users/{survivor['id']}/deactivate/",
                                token=survivor["access"]), 409, "cannot_deactivate_self")
    finally:
        w.sql(f"UPDATE users SET is_active = true WHERE role = 'admin' AND id <> {a['id']}"
              f" AND id <> {b['id']}")


# ---- creating users --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["candidate", "recruiter", "admin"])
def test_create_user_and_invitation(w, read_mails, role):
    email = f"Inv-{uuid.uuid4().hex[:10]}@Example.com"
    r = invite(w, role, email=email, password="Chosen-By-Admin-99", is_active=False)
    d = assert_json(r, 201)
    assert_user_shape(d)
    assert d["email"] == email.lower() and d["role"] == role and d["first_name"] == "Kiran"
    assert d["is_active"] is True and d["is_verified"] is False and d["last_login"] is None
    uid = d["id"]
    # no password passed through: not even the one in the body works
    assert w.sql(f"SELECT password LIKE '$2%' FROM users WHERE id = {uid}")[0][0] == "f"
    assert_error(w.api.post("accounts/login/", json={"email": email,
                                                     "password": "Chosen-By-Admin-99"}),
                 401, "invalid_credentials")
    profile = {"candidate": "candidate_profiles", "recruiter": "recruiter_profiles"}.get(role)
    if profile:
        assert w.sql(f"SELECT count(*) FROM {profile} WHERE user_id = {uid}")[0][0] == "1"
    rows = audit_rows(w, "user", uid)
    assert [x[0] for x in rows] == ["users.create"] and rows[0][1] == str(w.admin["id"])
    mail = last_mail(read_mails, email.lower(), INVITE_SUBJECT)
    text = mail_text(mail)
    token = token_in_mail(mail)
    # our words only (not the name the admin typed), and the link in the history-style form of
    # the reset link: <base>/set-password?token=, no "/#/"
    assert text == (
        "Hello,\n\nA CareChain administrator created an account for this email address. To"
        f" choose your password, use this code:\n\n{token}\n\nor open this link:\n"
        f"{w.stack.base_url}/set-password?token={token}\n\nThe code expires in 72 hours and"
        " works once. If you did not expect this message, ignore it.\n")
    # httpd answers the link's path with the frontend's index (FallbackResource), whose router
    # shows the page; opening it does not use the token
    import requests
    page = requests.get(f"{w.stack.base_url}/set-password?token={token}", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert page.text == requests.get(f"{w.stack.base_url}/index.html", timeout=10).text
    assert w.sql(f"SELECT count(*) FROM one_time_tokens WHERE user_id = {uid}"
                 f" AND purpose = 'invite' AND token_hash = sha256(convert_to('{token}', 'UTF8'))"
                 f" AND expires_at > now() + interval '71 hours'")[0][0] == "1"
    # the link sets a password once
    bad = w.api.post("accounts/set-password/", json={"token": token, "new_password": "12345678"})
    assert "new_password" in assert_json(bad, 400)
    ok = w.api.post("accounts/set-password/", json={"token": token, "new_password": PASSWORD})
    assert_json(ok, 200, {"detail": "Password set. You can log in now.", "code": "password_set"})
    again = w.api.post("accounts/set-password/",
                       json={"token": token, "new_password": "Another-Pass-4417"})
    assert_json(again, 400, {"token": ["Invalid or expired token."]})
    path = "accounts/admin-login/" if role == "admin" else "accounts/login/"
    data = login(w.api, email, PASSWORD, path=path)
    assert data["is_verified"] is True and data["role"] == role
    # an invitation is no reset token and back
    assert_json(w.api.post("accounts/password-reset/confirm/",
                           json={"token": token, "new_password": PASSWORD}), 400)


def test_created_admin_can_act_as_admin(w, read_mails):
    email = f"inv-{uuid.uuid4().hex[:10]}@example.com"
    uid = assert_json(invite(w, "admin", email=email), 201)["id"]
    token = token_in_mail(last_mail(read_mails, email, INVITE_SUBJECT))
    assert_json(w.api.post("accounts/set-password/",
                           json={"token": token, "new_password": PASSWORD}), 200)
    data = login(w.api, email, path="accounts/admin-login/")
    assert data["id"] == uid
    assert_json(w.api.get("admin/dashboard-stats/", token=data["access"]), 200)


def test_set_password_with_a_reset_token_is_refused(w, read_mails):
    u = new_user(w, "candidate")
    assert_json(w.api.post("accounts/password-reset/", json={"email": u["email"]}), 202)
    mails = [m for m in read_mails(to=u["email"]) if "Reset" in m["Subject"]]
    token = token_in_mail(mails[-1])
    r = w.api.post("accounts/set-password/", json={"token": token, "new_password": PASSWORD})
    assert_json(r, 400, {"token": ["Invalid or expired token."]})


@pytest.mark.parametrize("body,errors", [
    ({}, {"email": REQUIRED, "first_name": REQUIRED, "last_name": REQUIRED, "role": REQUIRED}),
    ({"email": "not-an-email", "first_name": "A", "last_name": "B", "role": "candidate"},
     {"email": ["Enter a valid email address."]}),
    ({"email": "a@example.com", "first_name": "A", "last_name": "B", "role": "root"},
     {"role": ["\"root\" is not a valid choice."]}),
    ({"email": "a@example.com", "first_name": "", "last_name": "B", "role": "admin"},
     {"first_name": BLANK}),
])
def test_create_validation(w, body, errors):
    assert_json(w.api.post("admin/users/", json=body, token=admin_token(w)), 400, errors)


def test_create_duplicate_email(w):
    r = invite(w, "candidate", email=w.cand["email"].upper())
    assert_json(r, 400, {"email": ["user with this email address already exists."]})


def test_set_password_validation(w):
    assert_json(w.api.post("accounts/set-password/", json={}), 400,
                {"token": REQUIRED, "new_password": REQUIRED})
    assert_json(w.api.post("accounts/set-password/",
                           json={"token": "nope", "new_password": PASSWORD}), 400,
                {"token": ["Invalid or expired token."]})


# ---- dashboard-stats/ ------------------------------------------------------------------------


def test_dashboard_counts_follow_writes_by_exactly_one(w, read_mails):
    s0 = stats(w)
    truth = w.sql("SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM jobs),"
                  " (SELECT count(*) FROM applications)")[0]
    assert [s0["total_users"], s0["total_jobs"], s0["total_applications"]] == \
        [int(x) for x in truth]
    cand = new_user(w, "candidate")
    s1 = stats(w)
    assert delta(s0, s1) == {"total_users": 1, "total_candidates": 1, "recent_registrations": 1}
    recr = w.recruiter()
    s2 = stats(w)
    assert delta(s1, s2) == {"total_users": 1, "total_recruiters": 1, "recent_registrations": 1}
    job = assert_json(w.api.post("jobs/", json=job_body(), token=recr["access"]), 201)
    s3 = stats(w)
    assert delta(s2, s3) == {"total_jobs": 1, "active_jobs": 1}
    cand = w.candidate()
    s3 = stats(w)
    r = w.api.post("jobs/applications/", json={"job": job["id"]}, token=cand["access"])
    app = assert_json(r, 201)
    s4 = stats(w)
    assert delta(s3, s4) == {"total_applications": 1, "applications_last_7_days": 1}
    # a hire
    for st in ("reviewed", "shortlisted", "interviewing", "offered", "hired"):
        assert_json(w.api.patch(f"jobs/applications/{app['id']}/", json={"status": st},
                                token=recr["access"]), 200)
    s5 = stats(w)
    assert delta(s4, s5) == {"hires_last_30_days": 1}
    # closing the job: active_jobs only
    assert_json(w.api.patch(f"jobs/{job['id']}/", json={"is_active": False},
                            token=recr["access"]), 200)
    s6 = stats(w)
    assert delta(s5, s6) == {"active_jobs": -1}
    # an admin-created user counts too
    assert_json(invite(w, "admin"), 201)
    assert delta(s6, stats(w)) == {"total_users": 1, "total_admins": 1, "recent_registrations": 1}


def test_dashboard_verification_and_document_counts(w):
    s0 = stats(w)
    cand = w.candidate()
    pid = cand["profile"]
    vid = int(w.scalar(f"INSERT INTO verification_requests (candidate_profile_id, status)"
                       f" VALUES ({pid}, 'pending') RETURNING id"))
    s1 = stats(w)
    assert delta(s0, s1) == {"total_users": 1, "total_candidates": 1, "recent_registrations": 1,
                             "pending_verifications": 1}
    r = w.api.post("profiles/approve-verification/", json={"profile_id": pid},
                   token=admin_token(w))
    assert r.status_code == 200, r.text
    s2 = stats(w)
    assert delta(s1, s2) == {"pending_verifications": -1, "verified_profiles": 1}
    assert vid
    hid = int(w.scalar("INSERT INTO hospitals (name, registration_number, type)"
                       f" VALUES ('H {uuid.uuid4().hex[:6]}', '{uuid.uuid4().hex[:8]}',"
                       " 'clinic') RETURNING id"))
    w.sql(f"INSERT INTO verification_requests (hospital_id) VALUES ({hid})")
    s3 = stats(w)
    assert delta(s2, s3) == {"pending_hospital_verifications": 1}
    # documents: licences, certificates and identity documents not verified
    did = {}
    for t in ("resume", "certificate", "id", "medical_license"):
        did[t] = int(w.scalar(f"INSERT INTO documents (user_id, document_type)"
                              f" VALUES ({cand['id']}, '{t}') RETURNING id"))
    s4 = stats(w)
    assert delta(s3, s4) == {"pending_documents": 3}
    w.sql(f"UPDATE documents SET is_verified = true WHERE id = {did['id']}")
    w.sql(f"UPDATE documents SET is_verified = true WHERE id = {did['resume']}")
    s5 = stats(w)
    assert delta(s4, s5) == {"pending_documents": -1}
    w.sql(f"DELETE FROM documents WHERE id IN ({did['certificate']}, {did['resume']})")
    assert delta(s5, stats(w)) == {"pending_documents": -1}
    # the counters equal the tables
    truth = w.sql("SELECT (SELECT count(*) FROM documents WHERE NOT is_verified AND"
                  " document_type IN ('id', 'certificate', 'medical_license')),"
                  " (SELECT count(*) FROM verification_requests WHERE status = 'pending'"
                  " AND candidate_profile_id IS NOT NULL),"
                  " (SELECT count(*) FROM users WHERE role = 'candidate')")[0]
    s = stats(w)
    assert [s["pending_documents"], s["pending_verifications"], s["total_candidates"]] == \
        [int(x) for x in truth]


# ---- recent-activity/ ------------------------------------------------------------------------


def activity(w, query=""):
    d = get(w, "admin/recent-activity/" + query)
    assert set(d) == {"next", "previous", "results"}
    for a in d["results"]:
        assert set(a) == ACTIVITY_KEYS, a
        assert DATETIME_RE.match(a["created_at"])
    return d


def test_recent_activity_covers_the_actions(w, read_mails):
    top = int(w.scalar("SELECT coalesce(max(id), 0) FROM activity"))
    cand = w.candidate()
    recr = w.recruiter()
    job = assert_json(w.api.post("jobs/", json=job_body(title="Ward Sister"),
                                 token=recr["access"]), 201)
    app = assert_json(w.api.post("jobs/applications/", json={"job": job["id"]},
                                 token=cand["access"]), 201)
    assert_json(w.api.patch(f"jobs/applications/{app['id']}/", json={"status": "reviewed"},
                            token=recr["access"]), 200)
    assert_json(w.api.post(f"admin/users/{cand['id']}/deactivate/", token=admin_token(w)), 200)
    d = activity(w, "?page_size=100")
    new = [a for a in d["results"] if a["id"] > top]
    got = [(a["type"], a["object"]["type"], a["object"]["id"]) for a in reversed(new)]
    assert got == [("registration", "user", cand["id"]), ("registration", "user", recr["id"]),
                   ("job_posted", "job", job["id"]), ("application", "application", app["id"]),
                   ("status_change", "application", app["id"]),
                   ("admin_action", "user", cand["id"])], got
    by_type = {a["type"]: a for a in reversed(new)}  # the newest of each type
    assert by_type["registration"]["actor"] == {"id": recr["id"], "email": recr["email"]}
    assert by_type["job_posted"]["actor"]["id"] == recr["id"]
    assert by_type["job_posted"]["summary"].startswith("Job posted: Ward Sister")
    assert by_type["application"]["summary"] == f"{cand['email']} applied to Ward Sister"
    assert by_type["status_change"]["actor"]["id"] == recr["id"]
    assert "reviewed" in by_type["status_change"]["summary"]
    assert by_type["admin_action"]["actor"]["id"] == w.admin["id"]
    assert by_type["admin_action"]["summary"].startswith("users.deactivate")
    # newest first, the type filter
    ids = [a["id"] for a in d["results"]]
    assert ids == sorted(ids, reverse=True)
    only = activity(w, "?type=job_posted&page_size=100")["results"]
    assert only and all(a["type"] == "job_posted" for a in only)
    assert only[0]["object"]["id"] == job["id"]
    w.sql(f"UPDATE users SET is_active = true WHERE id = {cand['id']}")


def test_recent_activity_verification_decision(w):
    cand = w.candidate()
    w.sql(f"INSERT INTO verification_requests (candidate_profile_id) VALUES ({cand['profile']})")
    r = w.api.post("profiles/reject-verification/",
                   json={"profile_id": cand["profile"], "reason": "Licence unreadable"},
                   token=admin_token(w))
    assert r.status_code == 200, r.text
    a = activity(w, "?type=verification")["results"][0]
    assert a["object"] == {"type": "candidate_profile", "id": cand["profile"]}
    assert a["actor"]["id"] == w.admin["id"] and a["summary"].endswith("rejected")


def test_feed_cursor_walk(w):
    for _ in range(3):
        new_user(w)
    first = activity(w, "?type=registration&page_size=2")
    assert first["previous"] is None and first["next"]
    seen = [a["id"] for a in first["results"]]
    nxt = Api(w.stack.base_url)
    d = assert_json(nxt.get(first["next"].split("/api/", 1)[1], token=admin_token(w)), 200)
    page2 = [a["id"] for a in d["results"]]
    assert len(page2) == 2 and max(page2) < min(seen)
    assert d["previous"]
    back = assert_json(nxt.get(d["previous"].split("/api/", 1)[1], token=admin_token(w)), 200)
    assert [a["id"] for a in back["results"]] == seen
    nxt.close()
    assert list(get(w, "admin/recent-activity/?cursor=bogus", status=400)) == ["cursor"]
    assert list(get(w, "admin/recent-activity/?type=login", status=400)) == ["type"]
    assert list(get(w, "admin/recent-activity/?page_size=x", status=400)) == ["page_size"]


# ---- audit-log/ ------------------------------------------------------------------------------


def audit_feed(w, query=""):
    d = get(w, "admin/audit-log/" + query)
    assert set(d) == {"next", "previous", "results"}
    for a in d["results"]:
        assert set(a) == AUDIT_KEYS, a
    return d["results"]


def test_audit_log_feed_and_filters(w):
    u = new_user(w, "candidate")
    r1 = w.api.post(f"admin/users/{u['id']}/deactivate/", token=admin_token(w))
    assert_json(r1, 200)
    assert_json(w.api.post(f"admin/users/{u['id']}/activate/", token=admin_token(w)), 200)
    rows = audit_feed(w, f"?target_type=user&target_id={u['id']}")
    assert [a["action"] for a in rows] == ["users.activate", "users.deactivate"]
    a = rows[1]
    assert a["actor"] == {"id": w.admin["id"], "email": w.admin["email"]}
    assert a["target"] == {"type": "user", "id": u["id"]}
    assert a["request_id"] == r1.headers["X-Request-Id"] and a["client"] == "127.0.0.1"
    assert a["details"] == {"role": "candidate"} and DATETIME_RE.match(a["created_at"])
    assert [x["action"] for x in audit_feed(w, f"?target_id={u['id']}&target_type=user"
                                               f"&action=users.deactivate")] == ["users.deactivate"]
    assert all(x["actor"]["id"] == w.admin["id"]
               for x in audit_feed(w, f"?actor={w.admin['id']}&page_size=50"))
    assert audit_feed(w, f"?actor={w.cand['id']}") == []
    day = a["created_at"][:10]
    assert len(audit_feed(w, f"?target_id={u['id']}&from={day}&to={day}")) == 2
    assert audit_feed(w, f"?target_id={u['id']}&to=2001-01-01") == []
    assert len(audit_feed(w, f"?target_id={u['id']}&from={a['created_at']}")) == 2
    assert len(audit_feed(w, f"?target_id={u['id']}&to={a['created_at']}")) == 1


@pytest.mark.parametrize("query,field", [("actor=abc", "actor"), ("target_id=-1", "target_id"),
                                         ("from=2026-13-01", "from"), ("to=soon", "to"),
                                         ("action=" + "x" * 101, "action"),
                                         ("cursor=%%%", "cursor"),
                                         # past PostgreSQL's displacements: was a 500
                                         ("from=0001-01-01T00:00:00-23:59", "from"),
                                         ("to=2026-12-01T10:00%2B16:00", "to")])
def test_audit_log_bad_parameters(w, query, field):
    assert list(get(w, "admin/audit-log/?" + query, status=400)) == [field]


def test_audit_log_takes_every_displacement_postgresql_reads(w):
    """Offsets up to 15:59 either way are datetimes the feed filters on (the extremes too)."""
    for bound in ("from=2001-01-01T00:00-15:59", "to=2999-12-31T23:59%2B15:59",
                  "from=0001-01-01T00:00%2B15"):
        assert "results" in get(w, "admin/audit-log/?" + bound)


def test_audit_log_is_append_only(w):
    assert int(w.scalar("SELECT count(*) FROM audit_log")) > 0
    for sql in ("UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log",
                "TRUNCATE audit_log"):
        with pytest.raises(Exception) as e:
            w.sql(sql)
        assert "append-only" in str(e.value)
    assert w.scalar("SELECT count(*) FROM audit_log WHERE action = 'forged'") == "0"


def test_deleting_a_user_keeps_its_audit_rows(w, read_mails):
    email = f"inv-{uuid.uuid4().hex[:10]}@example.com"
    uid = assert_json(invite(w, "admin", email=email), 201)["id"]
    token = token_in_mail(last_mail(read_mails, email, INVITE_SUBJECT))
    assert_json(w.api.post("accounts/set-password/",
                           json={"token": token, "new_password": PASSWORD}), 200)
    data = login(w.api, email, path="accounts/admin-login/")
    other = new_user(w)
    assert_json(w.api.post(f"admin/users/{other['id']}/deactivate/",
                           token=data["access"]), 200)
    n = int(w.scalar(f"SELECT count(*) FROM audit_log WHERE actor_id = {uid}"))
    assert n == 1
    w.sql(f"DELETE FROM users WHERE id = {uid}")
    assert int(w.scalar(f"SELECT count(*) FROM audit_log WHERE actor_id = {uid}"
                        f" AND actor_email = '{email}'")) == n


# ---- reads of identity documents and verification files ----------------------------------------


def test_reads_of_identity_documents_by_others_are_audited(w):
    import samples
    from test_documents import uploaded
    cand = w.candidate()
    doc_id = uploaded(w, cand, samples.pdf(), filename="aadhaar.pdf", document_type="id")["id"]
    resume = uploaded(w, cand, samples.pdf(), filename="cv.pdf", document_type="resume")["id"]
    licence = uploaded(w, cand, samples.pdf(), filename="lic.pdf",
                       document_type="medical_license")["id"]

    def reads(did):
        return w.sql(f"SELECT actor_id, details::text, request_id FROM audit_log"
                     f" WHERE action = 'documents.download.read' AND target_id = {did}")

    # the owner's own reads are not recorded
    assert w.api.get(f"documents/{doc_id}/download/", token=cand["access"]).status_code == 200
    assert reads(doc_id) == []
    r = w.api.get(f"documents/{doc_id}/download/", token=admin_token(w))
    assert r.status_code == 200 and r.content == samples.pdf()
    rows = reads(doc_id)
    assert len(rows) == 1 and rows[0][0] == str(w.admin["id"])
    assert rows[0][2] == r.headers["X-Request-Id"]
    assert '"owner": %d' % cand["id"] in rows[0][1]
    # a resume is no identity document; a licence is recorded once it is a verification file
    assert w.api.get(f"documents/{resume}/download/", token=admin_token(w)).status_code == 200
    assert w.api.get(f"documents/{licence}/download/", token=admin_token(w)).status_code == 200
    assert reads(resume) == [] and reads(licence) == []
    w.sql(f"INSERT INTO verification_requests (candidate_profile_id, document_ids)"
          f" VALUES ({cand['profile']}, ARRAY[{licence}]::bigint[])")
    assert w.api.get(f"documents/{licence}/download/", token=admin_token(w)).status_code == 200
    assert len(reads(licence)) == 1
    # reads are in the audit log, not in the activity feed
    assert all(a["object"] != {"type": "document", "id": licence}
               for a in activity(w, "?type=admin_action")["results"])


def test_an_admins_read_of_an_identity_number_is_audited(w):
    cand = w.candidate()

    def reads():
        return w.sql(f"SELECT actor_id, details::text FROM audit_log WHERE action ="
                     f" 'profiles.identity.read' AND target_id = {cand['profile']}")

    get(w, f"profiles/candidate-details/{cand['profile']}/")
    assert reads() == []  # no identity document yet
    w.sql(f"INSERT INTO verification_requests (candidate_profile_id, id_document_type,"
          f" id_document_number) VALUES ({cand['profile']}, 'pan', 'ABCDE1234F')")
    d = get(w, f"profiles/candidate-details/{cand['profile']}/")
    assert d["verification_request"]["id_document_number"] == "ABCDE1234F"
    rows = reads()
    assert len(rows) == 1 and rows[0][0] == str(w.admin["id"]) and '"pan"' in rows[0][1]


def test_an_admins_job_writes_are_audited(w):
    job = assert_json(w.api.post("jobs/", json=job_body(), token=w.recr["access"]), 201)
    assert_json(w.api.patch(f"jobs/{job['id']}/", json={"title": "Senior Staff Nurse"},
                            token=w.recr["access"]), 200)
    assert audit_rows(w, "job", job["id"]) == []  # the poster's own edit is no admin action
    assert_json(w.api.patch(f"jobs/{job['id']}/", json={"vacancies": 5},
                            token=admin_token(w)), 200)
    r = w.api.delete(f"jobs/{job['id']}/", token=admin_token(w))
    assert r.status_code == 204
    rows = audit_rows(w, "job", job["id"])
    assert [x[0] for x in rows] == ["jobs.update", "jobs.delete"]
    assert '"vacancies": 5' in rows[0][2] and rows[1][1] == str(w.admin["id"])


def test_windows_are_exact_at_their_edges(w):
    """applications_last_7_days and hires_last_30_days come from UTC day counters plus the rows
    of the window's first day: moving rows across the edge (and across days) by SQL moves the
    figures exactly like a count of the table."""
    job = w.job(w.recr)
    cands = [w.candidate() for _ in range(4)]
    apps = [w.apply(c, job)["id"] for c in cands]

    def truth():
        return [int(x) for x in w.sql(
            "SELECT (SELECT count(*) FROM applications WHERE applied_at > now() - interval"
            " '7 days'), (SELECT count(*) FROM applications WHERE hired_at > now() - interval"
            " '30 days')")[0]]

    def figures():
        s = stats(w)
        return [s["applications_last_7_days"], s["hires_last_30_days"]]

    assert figures() == truth()
    moves = [("applied_at", "6 days 23 hours"), ("applied_at", "7 days 1 hour"),
             ("applied_at", "3 days"), ("applied_at", "6 days 23 hours 59 minutes")]
    for (col, ago), aid in zip(moves, apps):
        w.sql(f"UPDATE applications SET {col} = now() - interval '{ago}' WHERE id = {aid}")
        assert figures() == truth()
    s0 = figures()
    w.sql(f"UPDATE applications SET hired_at = now() - interval '29 days 23 hours'"
          f" WHERE id = {apps[0]}")
    w.sql(f"UPDATE applications SET hired_at = now() - interval '30 days 1 hour'"
          f" WHERE id = {apps[1]}")
    w.sql(f"UPDATE applications SET hired_at = now() - interval '2 days' WHERE id = {apps[2]}")
    s1 = figures()
    assert s1 == truth() and s1[1] - s0[1] == 2
    w.sql(f"DELETE FROM applications WHERE id IN ({apps[2]}, {apps[3]})")
    assert figures() == truth() and figures()[0] == s1[0] - 2


def test_a_queue_page_showing_identity_numbers_is_audited(w):
    cand = w.candidate()
    w.sql(f"INSERT INTO verification_requests (candidate_profile_id, id_document_type,"
          f" id_document_number) VALUES ({cand['profile']}, 'passport', 'Z1234567')")
    before = int(w.scalar("SELECT coalesce(max(id), 0) FROM audit_log"))
    d = get(w, "profiles/pending-verifications/?page_size=100")
    shown = [p["id"] for p in d["results"]
             if (p["verification_request"] or {}).get("id_document_number")]
    assert cand["profile"] in shown
    rows = w.sql(f"SELECT action, target_type, actor_id, details::text FROM audit_log"
                 f" WHERE id > {before} AND action = 'profiles.identity.read'")
    assert len(rows) == 1 and rows[0][:3] == ["profiles.identity.read", "verification_queue",
                                             str(w.admin["id"])]
    assert f"{cand['profile']}" in rows[0][3] and '"pending"' in rows[0][3]
    # a page without any number leaves no record
    get(w, "profiles/rejected-verifications/?search=nobody-matches-this")
    assert int(w.scalar(f"SELECT count(*) FROM audit_log WHERE id > {before}")) == 1
