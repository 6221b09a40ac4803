"""GET/PUT/PATCH /api/notifications/preferences/: per type, in-app and email separately; the
security mails cannot be turned off; notifications and mails of a type follow the choice."""

import pytest

from helpers import NOT_AUTHENTICATED, assert_error, assert_json, create_admin, create_user

TYPES = ["job_update", "application_status", "message", "verification", "match", "system",
         "credential_expiry"]
ALL_ON = {t: {"in_app": True, "email": True, "locked": False} for t in TYPES}
ALL_ON["security"] = {"in_app": True, "email": True, "locked": True}
URL = "notifications/preferences/"


@pytest.fixture
def user(api, read_mails):
    return create_user(api, read_mails, login_now=True)


def test_defaults_all_on(api, user):
    assert assert_json(api.get(URL, token=user["access"]), 200) == ALL_ON


@pytest.mark.parametrize("role", ["recruiter", "admin"])
def test_every_role_has_its_own(api, read_mails, stack, user, role):
    other = (create_admin(stack, api, login_now=True) if role == "admin"
             else create_user(api, read_mails, role=role, login_now=True,
                              company_name="Apollo"))
    assert assert_json(api.put(URL, json={"match": {"email": False}}, token=other["access"]),
                       200)["match"] == {"in_app": True, "email": False, "locked": False}
    # another user's choice is not the caller's
    assert assert_json(api.get(URL, token=user["access"]), 200) == ALL_ON


@pytest.mark.parametrize("method", ["put", "patch"])
def test_change_keeps_what_is_left_out(api, user, db, method):
    send = getattr(api, method)
    body = assert_json(send(URL, json={"job_update": {"email": False}}, token=user["access"]), 200)
    assert body["job_update"] == {"in_app": True, "email": False, "locked": False}
    body = assert_json(send(URL, json={"job_update": {"in_app": False},
                                       "match": {"in_app": False, "email": False}},
                            token=user["access"]), 200)
    want = dict(ALL_ON, job_update={"in_app": False, "email": False, "locked": False},
                match={"in_app": False, "email": False, "locked": False})
    assert body == want
    assert assert_json(api.get(URL, token=user["access"]), 200) == want
    assert db(f"SELECT type, in_app, email FROM notification_preferences"
              f" WHERE user_id = {user['id']} ORDER BY type") == \
        [["job_update", "f", "f"], ["match", "f", "f"]]
    # back on
    body = assert_json(send(URL, json={"job_update": {"in_app": True, "email": True}},
                            token=user["access"]), 200)
    assert body["job_update"] == {"in_app": True, "email": True, "locked": False}


@pytest.mark.parametrize("body,errors", [
    ({"security": {"email": False}}, {"security": ["Security mails cannot be turned off."]}),
    ({"job_updates": {"email": False}}, {"job_updates": ["Unknown notification type."]}),
    ({"match": True}, {"match": ["Expected an object with in_app and/or email."]}),
    ({"match": {}}, {"match": ["Expected an object with in_app and/or email."]}),
    ({"match": {"sms": False}}, {"match": ['Unknown channel "sms": in_app or email.']}),
    ({"match": {"email": "no"}}, {"match": ["email must be true or false."]}),
    ({"match": {"in_app": 0}}, {"match": ["in_app must be true or false."]}),
    ({}, {"non_field_errors": ["No notification type given."]}),
    ({"match": {"email": False}, "security": {"in_app": False}},
     {"security": ["Security mails cannot be turned off."]}),
])
def test_validation(api, user, db, body, errors):
    assert assert_json(api.put(URL, json=body, token=user["access"]), 400) == errors
    # nothing of a refused body is stored, not even its valid part
    assert db.scalar(f"SELECT count(*) FROM notification_preferences"
                     f" WHERE user_id = {user['id']}") == "0"


def test_not_json_object(api, user):
    r = api.put(URL, data="[1]", headers={"Content-Type": "application/json"},
                token=user["access"])
    assert r.status_code == 400


def test_needs_a_token(api):
    assert_json(api.get(URL), 401, NOT_AUTHENTICATED)
    assert_json(api.put(URL, json={"match": {"email": False}}), 401, NOT_AUTHENTICATED)
    assert_error(api.delete(URL), 405, "method_not_allowed")


def test_in_app_choice_is_followed_by_every_notification(api, user, db):
    assert_json(api.put(URL, json={"match": {"in_app": False}}, token=user["access"]), 200)
    assert db.scalar(f"SELECT cc_notify({user['id']}, 'match', 't', 'm', '{{}}') IS NULL") == "t"
    assert db.scalar(f"SELECT cc_notify({user['id']}, 'system', 't', 'm', '{{}}') IS NULL") == "f"
    assert db(f"SELECT notification_type FROM notifications WHERE user_id = {user['id']}") == \
        [["system"]]


def test_email_choice_is_followed_by_typed_mail(api, user, db):
    assert_json(api.put(URL, json={"application_status": {"email": False}},
                        token=user["access"]), 200)
    assert db.scalar(f"SELECT cc_pref_allows({user['id']}, 'application_status', true)") == "f"
    assert db.scalar(f"SELECT cc_pref_allows({user['id']}, 'application_status', false)") == "t"
    assert db.scalar(f"SELECT cc_mail_to_user({user['id']}, 'application_status', 's', 'b')"
                     f" IS NULL") == "t"
    assert db.scalar(f"SELECT cc_mail_to_user({user['id']}, 'match', 's', 'b') IS NULL") == "f"
