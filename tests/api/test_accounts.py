"""/api/accounts/: registration, email verification, mails, login, throttling, own profile and
passwords (CONTRACT §2 and the decisions recorded in docs/API.md)."""

import shutil
import tempfile
import time

import pytest

from conftest import Api
from helpers import (BAD_CREDENTIALS, BLANK, DATETIME_RE, INVALID_TOKEN, NOT_AUTHENTICATED,
                     OTHER_PASSWORD, PASSWORD, REQUIRED, TOKEN_KEYS, USER_KEYS, VERIFY_SUBJECT,
                     assert_error, assert_json, assert_user_shape, clear_login_failures,
                     create_admin, create_user, logged_in_user, login, mail_text,
                     mails_to, register, register_body, reset_mails, reset_token, set_active,
                     token_in_mail, unique_email, user_row, verification_token)
from stack import Stack


@pytest.fixture(autouse=True)
def _fresh_login_failures(db):
    """Every test runs from 127.0.0.1: failures of one test must not throttle the next."""
    clear_login_failures(db)
    yield
    clear_login_failures(db)


def failures_for(db, email):
    return int(db.scalar("SELECT count(*) FROM login_failures WHERE email = lower(:'e')",
                         e=email))


# ==== register ==================================================================================


def test_register_candidate_creates_user_profile_and_mail(api, db, read_mails, base_url):
    email = unique_email("cand")
    r = register(api, email="Cand" + email.upper()[4:], first_name="Asha", last_name="Verma")
    data = assert_json(r, 201)
    assert set(data) == {"user", "message"}
    assert isinstance(data["message"], str) and data["message"]
    u = data["user"]
    assert_user_shape(u)
    assert u["email"] == email.lower()
    assert (u["first_name"], u["last_name"]) == ("Asha", "Verma")
    assert u["role"] == "candidate"
    assert (u["is_candidate"], u["is_recruiter"], u["is_admin"]) == (True, False, False)
    assert u["is_active"] is True
    assert u["is_verified"] is False
    assert u["last_login"] is None

    # The database: lower-cased email, a hashed password, the empty candidate profile.
    row = user_row(db, u["id"], "email, role, is_active, is_verified, password")
    assert row[:4] == [email.lower(), "candidate", "t", "f"]
    assert row[4] != PASSWORD and row[4].startswith("$2")
    assert db("SELECT verification_status FROM candidate_profiles WHERE user_id = :'id'",
              id=u["id"]) == [["pending"]]
    assert db.scalar("SELECT count(*) FROM recruiter_profiles WHERE user_id = :'id'",
                     id=u["id"]) == "0"

    # The verification mail, to the lower-cased address, with the code on its own line.
    mails = mails_to(read_mails, email.lower())
    assert len(mails) == 1
    msg = mails[0]
    assert [a.addr_spec for a in msg["To"].addresses] == [email.lower()]
    assert msg["Subject"] == VERIFY_SUBJECT
    token = token_in_mail(msg)
    assert len(token) >= 20
    assert mail_text(msg) == (
        "Hello,\n\nWelcome to CareChain. Confirm your email address with this code:\n\n"
        f"{token}\n\nor open this link:\n{base_url}/verify-email?token={token}\n\n"
        "The code expires in 24 hours and works once. If you did not create an account, ignore"
        " this message.\n")
    # Only a hash of the token is stored.
    assert db("SELECT user_id, purpose, used_at IS NULL,"
              " expires_at > now() + interval '23 hours' FROM one_time_tokens"
              " WHERE token_hash = sha256(convert_to(:'t', 'UTF8'))", t=token) == [
        [str(u["id"]), "verify_email", "t", "t"]]


def test_register_recruiter_with_company_fields(api, db):
    r = register(api, role="recruiter", company_name="City Hospital", designation="HR Lead",
                 phone_number="+91 98765 43210")
    u = assert_json(r, 201)["user"]
    assert u["role"] == "recruiter"
    assert (u["is_candidate"], u["is_recruiter"], u["is_admin"]) == (False, True, False)
    assert db("SELECT company_name, designation, phone_number FROM recruiter_profiles"
              " WHERE user_id = :'id'", id=u["id"]) == [["City Hospital", "HR Lead",
                                                         "+91 98765 43210"]]
    assert db.scalar("SELECT count(*) FROM candidate_profiles WHERE user_id = :'id'",
                     id=u["id"]) == "0"


def test_register_recruiter_without_optional_fields(api, db):
    u = assert_json(register(api, role="recruiter"), 201)["user"]
    assert db("SELECT company_name, designation, phone_number FROM recruiter_profiles"
              " WHERE user_id = :'id'", id=u["id"]) == [["", "", ""]]


@pytest.mark.parametrize("flag,role", [("is_candidate", "candidate"),
                                       ("is_recruiter", "recruiter")])
def test_register_role_from_boolean_flag(api, db, flag, role):
    r = register(api, role=None, **{flag: True})
    u = assert_json(r, 201)["user"]
    assert u["role"] == role
    assert user_row(db, u["id"], "role") == [role]


def test_register_form_encoded(api, db, read_mails):
    body = register_body(role=None, is_recruiter="true", company_name="Form Clinic")
    r = api.post("accounts/register/", data=body)
    u = assert_json(r, 201)["user"]
    assert u["email"] == body["email"]
    assert u["role"] == "recruiter"
    assert db.scalar("SELECT company_name FROM recruiter_profiles WHERE user_id = :'id'",
                     id=u["id"]) == "Form Clinic"
    assert verification_token(read_mails, body["email"])


def test_register_duplicate_email_any_case(api, db):
    email = unique_email("dup")
    assert register(api, email=email).status_code == 201
    r = register(api, email=email.upper(), role="recruiter")
    assert_json(r, 400, {"email": ["user with this email address already exists."]})
    assert db.scalar("SELECT count(*) FROM users WHERE email = :'e'", e=email) == "1"


def test_register_admin_role_refused(api, db):
    body = register_body(role="admin")
    r = api.post("accounts/register/", json=body)
    data = assert_json(r, 400)
    assert list(data) == ["role"]
    assert len(data["role"]) == 1 and isinstance(data["role"][0], str)
    assert db.scalar("SELECT count(*) FROM users WHERE email = :'e'", e=body["email"]) == "0"


def test_register_invalid_role(api):
    assert_json(register(api, role="x"), 400, {"role": ['"x" is not a valid choice.']})


def test_register_both_flags_refused(api):
    r = register(api, role=None, is_candidate=True, is_recruiter=True)
    data = assert_json(r, 400)
    assert list(data) == ["non_field_errors"]
    assert len(data["non_field_errors"]) == 1 and data["non_field_errors"][0]


def test_register_missing_role(api):
    assert_json(register(api, role=None), 400, {"role": REQUIRED})


def test_register_password_mismatch(api):
    body = register_body()
    body["password2"] = PASSWORD + "x"
    assert_json(api.post("accounts/register/", json=body), 400,
                {"password2": ["Password fields didn't match."]})


def test_register_password2_is_optional(api):
    body = register_body()
    del body["password2"]
    assert assert_json(api.post("accounts/register/", json=body), 201)["user"]["email"] \
        == body["email"]


@pytest.mark.parametrize("password,message", [
    ("Ab1-xyz", "This password is too short. It must contain at least 8 characters."),
    ("password", "This password is too common."),
    ("8302917465", "This password is entirely numeric."),
    (None, "The password is too similar to the email address."),
])
def test_register_password_rules(api, db, password, message):
    email = unique_email("rules")
    body = register_body(email=email, password=password or email)
    r = api.post("accounts/register/", json=body)
    data = assert_json(r, 400)
    assert list(data) == ["password"], data
    assert message in data["password"], data
    assert db.scalar("SELECT count(*) FROM users WHERE email = :'e'", e=email) == "0"


def test_register_missing_fields(api):
    assert_json(api.post("accounts/register/", json={}), 400, {
        "email": REQUIRED, "password": REQUIRED, "first_name": REQUIRED, "last_name": REQUIRED,
        "role": REQUIRED})


def test_register_empty_body(api):
    data = assert_json(api.post("accounts/register/"), 400)
    assert data == {"email": REQUIRED, "password": REQUIRED, "first_name": REQUIRED,
                    "last_name": REQUIRED, "role": REQUIRED}


def test_register_blank_fields(api):
    r = api.post("accounts/register/", json=register_body(email="", password="", first_name="",
                                                          last_name="   "))
    data = assert_json(r, 400)
    assert data["email"] == BLANK
    assert data["password"] == BLANK
    assert data["first_name"] == BLANK
    assert data["last_name"] == BLANK  # whitespace is trimmed, as DRF's CharField does


def test_register_name_length(api, db):
    r = register(api, first_name="a" * 151, last_name="b" * 151)
    assert_json(r, 400, {"first_name": ["Ensure this field has no more than 150 characters."],
                         "last_name": ["Ensure this field has no more than 150 characters."]})
    r = register(api, first_name="é" * 150, last_name="b" * 150)
    u = assert_json(r, 201)["user"]
    assert u["first_name"] == "é" * 150
    assert user_row(db, u["id"], "first_name, last_name") == ["é" * 150, "b" * 150]


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@example.com", "a b@example.com",
                                   "a@@example.com", "a@example..com", "a@example.123",
                                   "\u00fcser@example.com"])
def test_register_invalid_email(api, email):
    assert_json(register(api, email=email), 400, {"email": ["Enter a valid email address."]})


def test_register_non_string_field(api):
    r = register(api, first_name={}, last_name=["x"])
    assert_json(r, 400, {"first_name": ["Not a valid string."],
                         "last_name": ["Not a valid string."]})


def test_register_string_fields_types(api, db):
    r = register(api, first_name=123, last_name=True)
    assert_json(r, 400, {"last_name": ["Not a valid string."]})
    r = register(api, first_name=123, last_name=4.5)
    u = assert_json(r, 201)["user"]
    assert (u["first_name"], u["last_name"]) == ("123", "4.5")
    assert user_row(db, u["id"], "first_name, last_name") == ["123", "4.5"]


def test_register_password_is_not_trimmed(api, read_mails):
    spaced = "  " + PASSWORD + "  "
    user = create_user(api, read_mails, password=spaced)
    assert_json(api.post("accounts/login/", json={"email": user["email"],
                                                  "password": PASSWORD}),
                401, BAD_CREDENTIALS)
    assert login(api, user["email"], spaced)["id"] == user["id"]


def test_register_ignores_read_only_fields(api, db):
    body = register_body(is_active=False, is_verified=True, is_admin=True, is_staff=True,
                         id=1, date_joined="2001-01-01T00:00:00Z", unknown="x")
    r = api.post("accounts/register/", json=body)
    u = assert_json(r, 201)["user"]
    assert u["role"] == "candidate"
    assert (u["is_admin"], u["is_active"], u["is_verified"]) == (False, True, False)
    assert not u["date_joined"].startswith("2001")
    assert user_row(db, u["id"], "role, is_active, is_verified") == ["candidate", "t", "f"]
    # Unverified: the body's is_verified did not let it in.
    assert_error(api.post("accounts/login/", json={"email": body["email"],
                                                   "password": PASSWORD}),
                 403, "email_not_verified")


# ==== verify-email ==============================================================================


def test_verify_email_then_login(api, db, read_mails):
    user = create_user(api, read_mails, verify=False)
    assert_error(api.post("accounts/login/", json={"email": user["email"], "password": PASSWORD}),
                 403, "email_not_verified")
    token = verification_token(read_mails, user["email"])
    r = api.post("accounts/verify-email/", json={"token": token})
    assert_json(r, 200, {"detail": "Email verified.", "code": "email_verified"})
    assert user_row(db, user["id"], "is_verified") == ["t"]
    data = login(api, user["email"])
    assert data["is_verified"] is True

    # Single use.
    assert_json(api.post("accounts/verify-email/", json={"token": token}), 400, INVALID_TOKEN)


def test_verify_email_garbage_token(api):
    for token in ("garbage", "x" * 43, "' OR 1=1 --"):
        assert_json(api.post("accounts/verify-email/", json={"token": token}), 400,
                    INVALID_TOKEN)


def test_verify_email_expired_token(api, db, read_mails):
    user = create_user(api, read_mails, verify=False)
    db("UPDATE one_time_tokens SET expires_at = now() - interval '1 second'"
       " WHERE user_id = :'id'", id=user["id"])
    r = api.post("accounts/verify-email/",
                 json={"token": verification_token(read_mails, user["email"])})
    assert_json(r, 400, INVALID_TOKEN)
    assert user_row(db, user["id"], "is_verified") == ["f"]


def test_verify_email_missing_token(api):
    assert_json(api.post("accounts/verify-email/", json={}), 400, {"token": REQUIRED})
    assert_json(api.post("accounts/verify-email/", json={"token": ""}), 400, {"token": BLANK})


def test_reset_token_does_not_verify_email(api, db, read_mails):
    user = create_user(api, read_mails, verify=False)
    assert_json(api.post("accounts/password-reset/", json={"email": user["email"]}), 202)
    r = api.post("accounts/verify-email/", json={"token": reset_token(read_mails, user["email"])})
    assert_json(r, 400, INVALID_TOKEN)
    assert user_row(db, user["id"], "is_verified") == ["f"]


# ==== resend-verification =======================================================================

RESEND = {"code": "verification_sent"}


def backdate_tokens(db, user_id, purpose):
    """Moves the user's tokens out of the one-mail-a-minute window."""
    db("UPDATE one_time_tokens SET created_at = created_at - interval '2 minutes'"
       " WHERE user_id = :'id' AND purpose = :'p'", id=user_id, p=purpose)


def test_resend_verification_sends_new_code_once_a_minute(api, db, read_mails):
    user = create_user(api, read_mails, verify=False)
    old = verification_token(read_mails, user["email"])

    # The registration mail is less than a minute old: no second mail yet.
    r = api.post("accounts/resend-verification/", json={"email": user["email"]})
    data = assert_json(r, 202)
    assert set(data) == {"detail", "code"} and data["code"] == "verification_sent"
    assert len(mails_to(read_mails, user["email"], VERIFY_SUBJECT)) == 1

    backdate_tokens(db, user["id"], "verify_email")
    r = api.post("accounts/resend-verification/", json={"email": user["email"].upper()})
    assert assert_json(r, 202)["code"] == "verification_sent"
    mails = mails_to(read_mails, user["email"], VERIFY_SUBJECT)
    assert len(mails) == 2
    new = token_in_mail(mails[-1])
    assert new != old

    # Again within the minute: 202, no mail.
    r = api.post("accounts/resend-verification/", json={"email": user["email"]})
    assert assert_json(r, 202)["code"] == "verification_sent"
    assert len(mails_to(read_mails, user["email"], VERIFY_SUBJECT)) == 2

    # The newer code works (the older one was replaced).
    assert_json(api.post("accounts/verify-email/", json={"token": old}), 400, INVALID_TOKEN)
    assert_json(api.post("accounts/verify-email/", json={"token": new}), 200,
                {"detail": "Email verified.", "code": "email_verified"})


def test_resend_verification_unknown_and_verified_emails(api, db, read_mails):
    unknown = unique_email("nobody")
    r = api.post("accounts/resend-verification/", json={"email": unknown})
    data = assert_json(r, 202)
    assert set(data) == {"detail", "code"} and data["code"] == "verification_sent"
    assert mails_to(read_mails, unknown) == []

    user = create_user(api, read_mails)  # verified
    backdate_tokens(db, user["id"], "verify_email")
    r2 = api.post("accounts/resend-verification/", json={"email": user["email"]})
    assert assert_json(r2, 202) == data  # the same answer: no enumeration
    assert len(mails_to(read_mails, user["email"])) == 1


def test_resend_verification_inactive_account_gets_no_mail(api, db, read_mails):
    user = create_user(api, read_mails, verify=False)
    backdate_tokens(db, user["id"], "verify_email")
    set_active(db, user["id"], False)
    r = api.post("accounts/resend-verification/", json={"email": user["email"]})
    assert assert_json(r, 202)["code"] == "verification_sent"
    assert len(mails_to(read_mails, user["email"])) == 1


def test_resend_verification_invalid_email(api):
    assert_json(api.post("accounts/resend-verification/", json={"email": "nope"}), 400,
                {"email": ["Enter a valid email address."]})
    assert_json(api.post("accounts/resend-verification/", json={}), 400, {"email": REQUIRED})


# ==== password reset ============================================================================


def test_password_reset_request_mails_once_a_minute(api, db, read_mails, base_url):
    user = create_user(api, read_mails)
    r = api.post("accounts/password-reset/", json={"email": user["email"].upper()})
    data = assert_json(r, 202)
    assert set(data) == {"detail", "code"} and data["code"] == "password_reset_sent"
    mails = reset_mails(read_mails, user["email"])
    assert len(mails) == 1
    assert [a.addr_spec for a in mails[0]["To"].addresses] == [user["email"]]
    assert mails[0]["Subject"] == "Reset your CareChain password"
    token = token_in_mail(mails[0])
    assert mail_text(mails[0]) == (
        "Hello,\n\nSomeone asked to reset the password of your CareChain account. To choose a"
        f" new password, use this code:\n\n{token}\n\nor open this link:\n"
        f"{base_url}/reset-password?token={token}\n\nThe code expires in one hour and works"
        " once. If it was not you, ignore this message: your password stays as it is.\n")

    r = api.post("accounts/password-reset/", json={"email": user["email"]})
    assert assert_json(r, 202) == data
    assert len(reset_mails(read_mails, user["email"])) == 1


def test_password_reset_unknown_and_inactive(api, db, read_mails):
    unknown = unique_email("ghost")
    r = api.post("accounts/password-reset/", json={"email": unknown})
    data = assert_json(r, 202)
    assert data["code"] == "password_reset_sent"
    assert mails_to(read_mails, unknown) == []

    user = create_user(api, read_mails)
    set_active(db, user["id"], False)
    r = api.post("accounts/password-reset/", json={"email": user["email"]})
    assert assert_json(r, 202) == data
    assert reset_mails(read_mails, user["email"]) == []


def test_password_reset_invalid_email(api):
    assert_json(api.post("accounts/password-reset/", json={"email": "bad@"}), 400,
                {"email": ["Enter a valid email address."]})


def test_password_reset_confirm_flow(api, db, read_mails):
    user = logged_in_user(api, read_mails)
    assert_json(api.post("accounts/password-reset/", json={"email": user["email"]}), 202)
    token = reset_token(read_mails, user["email"])

    r = api.post("accounts/password-reset/confirm/",
                 json={"token": token, "new_password": OTHER_PASSWORD})
    assert_json(r, 200, {"detail": "Password has been reset.", "code": "password_reset"})

    # Single use.
    r = api.post("accounts/password-reset/confirm/",
                 json={"token": token, "new_password": "Another-Fine-Pass-77"})
    assert_json(r, 400, INVALID_TOKEN)

    # The tokens issued before the reset are dead.
    assert_error(api.get("accounts/profile/", token=user["access"]), 401, "token_not_valid")
    assert_error(api.post("accounts/token/refresh/", json={"refresh": user["refresh"]}), 401,
                 "token_not_valid")

    # Only the new password logs in.
    assert_error(api.post("accounts/login/", json={"email": user["email"],
                                                   "password": PASSWORD}),
                 401, "invalid_credentials")
    data = login(api, user["email"], OTHER_PASSWORD)
    assert data["id"] == user["id"]


def test_password_reset_confirm_weak_password_keeps_token(api, read_mails):
    user = create_user(api, read_mails)
    assert_json(api.post("accounts/password-reset/", json={"email": user["email"]}), 202)
    token = reset_token(read_mails, user["email"])
    r = api.post("accounts/password-reset/confirm/",
                 json={"token": token, "new_password": "12345678"})
    data = assert_json(r, 400)
    assert list(data) == ["new_password"]
    assert "This password is entirely numeric." in data["new_password"]
    assert "This password is too common." in data["new_password"]
    r = api.post("accounts/password-reset/confirm/",
                 json={"token": token, "new_password": user["email"]})
    assert assert_json(r, 400)["new_password"] == [
        "The password is too similar to the email address."]
    # The password did not change, and the token still works with a good one.
    login(api, user["email"], PASSWORD)
    r = api.post("accounts/password-reset/confirm/",
                 json={"token": token, "new_password": OTHER_PASSWORD})
    assert_json(r, 200, {"detail": "Password has been reset.", "code": "password_reset"})
    login(api, user["email"], OTHER_PASSWORD)


def test_password_reset_confirm_bad_token_and_missing_fields(api, db, read_mails):
    assert_json(api.post("accounts/password-reset/confirm/",
                         json={"token": "nope", "new_password": OTHER_PASSWORD}),
                400, INVALID_TOKEN)
    assert_json(api.post("accounts/password-reset/confirm/", json={}), 400,
                {"token": REQUIRED, "new_password": REQUIRED})
    # A verification code is not a reset code.
    user = create_user(api, read_mails, verify=False)
    r = api.post("accounts/password-reset/confirm/",
                 json={"token": verification_token(read_mails, user["email"]),
                       "new_password": OTHER_PASSWORD})
    assert_json(r, 400, INVALID_TOKEN)
    # An expired reset code.
    assert_json(api.post("accounts/password-reset/", json={"email": user["email"]}), 202)
    db("UPDATE one_time_tokens SET expires_at = now() - interval '1 second'"
       " WHERE user_id = :'id' AND purpose = 'password_reset'", id=user["id"])
    r = api.post("accounts/password-reset/confirm/",
                 json={"token": reset_token(read_mails, user["email"]),
                       "new_password": OTHER_PASSWORD})
    assert_json(r, 400, INVALID_TOKEN)


# ==== login =====================================================================================


def test_login_candidate(api, db, read_mails):
    user = create_user(api, read_mails, first_name="Meera", last_name="Iyer")
    before = time.time()
    r = api.post("accounts/login/", json={"email": user["email"], "password": PASSWORD})
    data = assert_json(r, 200)
    assert set(data) == USER_KEYS | TOKEN_KEYS | {"profile"}
    assert_user_shape({k: data[k] for k in USER_KEYS})
    assert data["id"] == user["id"]
    assert data["email"] == user["email"]
    assert (data["first_name"], data["last_name"], data["role"]) == ("Meera", "Iyer",
                                                                      "candidate")
    assert (data["is_active"], data["is_verified"]) == (True, True)
    assert data["token"] == data["access"]
    assert data["access"] != data["refresh"]

    profile = data["profile"]
    assert isinstance(profile, dict)
    assert profile["user"] == user["id"]
    assert profile["verification_status"] == "pending"
    assert profile["id"] == int(db.scalar(
        "SELECT id FROM candidate_profiles WHERE user_id = :'id'", id=user["id"]))

    # last_login is set, in the answer and in the database.
    assert DATETIME_RE.match(data["last_login"])
    age = float(db.scalar("SELECT extract(epoch FROM now() - last_login) FROM users"
                          " WHERE id = :'id'", id=user["id"]))
    assert 0 <= age < time.time() - before + 5


def test_login_recruiter_has_profile_id(api, db, read_mails):
    user = create_user(api, read_mails, role="recruiter", company_name="Care Co")
    for path in ("accounts/login/", "accounts/recruiter-login/"):
        data = assert_json(api.post(path, json={"email": user["email"], "password": PASSWORD}),
                           200)
        assert set(data) == USER_KEYS | TOKEN_KEYS | {"recruiter_profile"}
        assert data["role"] == "recruiter" and data["id"] == user["id"]
        assert data["recruiter_profile"] == int(db.scalar(
            "SELECT id FROM recruiter_profiles WHERE user_id = :'id'", id=user["id"]))


def test_login_admin_has_no_profile_keys(stack, api, db):
    admin = create_admin(stack)
    for path in ("accounts/login/", "accounts/admin-login/"):
        data = assert_json(api.post(path, json={"email": admin["email"],
                                                "password": PASSWORD}), 200)
        assert set(data) == USER_KEYS | TOKEN_KEYS
        assert data["role"] == "admin"
        assert (data["is_admin"], data["is_candidate"], data["is_recruiter"]) == (True, False,
                                                                                  False)
        assert DATETIME_RE.match(data["last_login"])
    assert db.scalar("SELECT last_login IS NOT NULL FROM users WHERE email = :'e'",
                     e=admin["email"]) == "t"


def test_login_email_is_case_insensitive_and_form_encoded(api, read_mails):
    user = create_user(api, read_mails)
    data = login(api, user["email"].upper())
    assert data["id"] == user["id"] and data["email"] == user["email"]
    r = api.post("accounts/login/", data={"email": user["email"], "password": PASSWORD})
    data = assert_json(r, 200)
    assert data["id"] == user["id"] and data["token"] == data["access"]


def test_login_wrong_role(stack, api, read_mails):
    cand = create_user(api, read_mails)
    recr = create_user(api, read_mails, role="recruiter")
    admin = create_admin(stack)
    assert_error(api.post("accounts/recruiter-login/",
                          json={"email": cand["email"], "password": PASSWORD}),
                 403, "wrong_role")
    assert_error(api.post("accounts/admin-login/",
                          json={"email": recr["email"], "password": PASSWORD}),
                 403, "wrong_role")
    assert_error(api.post("accounts/admin-login/",
                          json={"email": cand["email"], "password": PASSWORD}),
                 403, "wrong_role")
    assert_error(api.post("accounts/recruiter-login/",
                          json={"email": admin["email"], "password": PASSWORD}),
                 403, "wrong_role")
    assert login(api, recr["email"], path="accounts/recruiter-login/")["role"] == "recruiter"
    assert login(api, admin["email"], path="accounts/admin-login/")["role"] == "admin"


def test_login_bad_credentials(api, read_mails):
    user = create_user(api, read_mails)
    r1 = api.post("accounts/login/", json={"email": unique_email("ghost"), "password": PASSWORD})
    r2 = api.post("accounts/login/", json={"email": user["email"], "password": OTHER_PASSWORD})
    for r in (r1, r2):
        assert_json(r, 401, BAD_CREDENTIALS)
        assert r.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    for path in ("accounts/recruiter-login/", "accounts/admin-login/"):
        assert_json(api.post(path, json={"email": user["email"], "password": OTHER_PASSWORD}),
                    401, BAD_CREDENTIALS)


def test_login_unverified_and_disabled(api, db, read_mails):
    unverified = create_user(api, read_mails, verify=False)
    assert_error(api.post("accounts/login/", json={"email": unverified["email"],
                                                   "password": PASSWORD}),
                 403, "email_not_verified")
    # The state is revealed only to someone who knows the password.
    assert_json(api.post("accounts/login/", json={"email": unverified["email"],
                                                  "password": OTHER_PASSWORD}),
                401, BAD_CREDENTIALS)

    disabled = create_user(api, read_mails)
    set_active(db, disabled["id"], False)
    assert_error(api.post("accounts/login/", json={"email": disabled["email"],
                                                   "password": PASSWORD}),
                 403, "account_disabled")
    assert_json(api.post("accounts/login/", json={"email": disabled["email"],
                                                  "password": OTHER_PASSWORD}),
                401, BAD_CREDENTIALS)
    assert user_row(db, disabled["id"], "last_login") == [""]


def test_login_disabled_is_checked_before_unverified(api, db, read_mails):
    user = create_user(api, read_mails, verify=False)
    set_active(db, user["id"], False)
    assert_error(api.post("accounts/login/", json={"email": user["email"],
                                                   "password": PASSWORD}),
                 403, "account_disabled")


def test_login_missing_fields(api):
    assert_json(api.post("accounts/login/", json={}), 400,
                {"email": REQUIRED, "password": REQUIRED})
    assert_json(api.post("accounts/login/", json={"email": "", "password": ""}), 400,
                {"email": BLANK, "password": BLANK})


# ==== throttling ================================================================================


def assert_throttled(r):
    data = assert_error(r, 429, "throttled")
    retry = r.headers.get("Retry-After")
    assert retry is not None and retry.isdigit(), retry
    assert 0 < int(retry) <= 900, retry
    return data


def test_login_throttled_after_five_failures_per_email(api, db, read_mails):
    user = create_user(api, read_mails)
    for _ in range(5):
        assert_json(api.post("accounts/login/", json={"email": user["email"],
                                                      "password": OTHER_PASSWORD}),
                    401, BAD_CREDENTIALS)
    assert failures_for(db, user["email"]) == 5
    # The 6th attempt is refused even with the right password, on every login route and
    # whatever the case of the email.
    assert_throttled(api.post("accounts/login/", json={"email": user["email"],
                                                       "password": PASSWORD}))
    assert_throttled(api.post("accounts/login/", json={"email": user["email"].upper(),
                                                       "password": PASSWORD}))
    assert_throttled(api.post("accounts/recruiter-login/", json={"email": user["email"],
                                                                 "password": PASSWORD}))
    assert_throttled(api.post("accounts/login/", json={"email": user["email"],
                                                       "password": OTHER_PASSWORD}))
    assert failures_for(db, user["email"]) == 5  # throttled attempts are not counted
    # Other accounts are not affected.
    other = create_user(api, read_mails)
    assert login(api, other["email"])["id"] == other["id"]
    # The window passes (simulated): the right password works again.
    db("UPDATE login_failures SET at = at - interval '901 seconds' WHERE email = :'e'",
       e=user["email"])
    assert login(api, user["email"])["id"] == user["id"]


def test_login_throttle_applies_to_unknown_emails(api):
    email = unique_email("ghost")
    for _ in range(5):
        assert_json(api.post("accounts/login/", json={"email": email, "password": PASSWORD}),
                    401, BAD_CREDENTIALS)
    assert_throttled(api.post("accounts/login/", json={"email": email, "password": PASSWORD}))


def test_successful_login_clears_failures(api, db, read_mails):
    user = create_user(api, read_mails)
    for _ in range(4):
        assert_json(api.post("accounts/login/", json={"email": user["email"],
                                                      "password": OTHER_PASSWORD}),
                    401, BAD_CREDENTIALS)
    assert failures_for(db, user["email"]) == 4
    login(api, user["email"])
    assert failures_for(db, user["email"]) == 0
    # A full allowance of 5 failures again before the throttle.
    for _ in range(5):
        assert_json(api.post("accounts/login/", json={"email": user["email"],
                                                      "password": OTHER_PASSWORD}),
                    401, BAD_CREDENTIALS)
    assert_throttled(api.post("accounts/login/", json={"email": user["email"],
                                                       "password": PASSWORD}))


def test_login_throttled_after_fifty_failures_per_client(api, db, read_mails):
    user = create_user(api, read_mails)
    clear_login_failures(db)
    # 50 failures from this address, over 10 emails (5 each: no email throttle yet).
    emails = [unique_email("spray") for _ in range(10)]
    for i in range(50):
        r = api.post("accounts/login/", json={"email": emails[i % 10], "password": PASSWORD})
        assert_json(r, 401, BAD_CREDENTIALS)
    assert db.scalar("SELECT count(*) FROM login_failures WHERE client = '127.0.0.1'") == "50"
    # The 51st attempt from the address is refused, even for another account with the right
    # password.
    assert failures_for(db, user["email"]) == 0
    assert_throttled(api.post("accounts/login/", json={"email": user["email"],
                                                       "password": PASSWORD}))
    clear_login_failures(db)
    assert login(api, user["email"])["id"] == user["id"]


def test_wrong_current_password_counts_as_login_failure(api, db, read_mails):
    user = logged_in_user(api, read_mails)
    for _ in range(5):
        r = api.post("accounts/change-password/", token=user["access"],
                     json={"current_password": "Not-The-Password-1",
                           "new_password": OTHER_PASSWORD})
        assert_json(r, 400, {"current_password": ["Current password is incorrect."]})
    assert failures_for(db, user["email"]) == 5
    # Guessing through change-password is throttled like login, even with the right password.
    assert_throttled(api.post("accounts/change-password/", token=user["access"],
                              json={"current_password": PASSWORD,
                                    "new_password": OTHER_PASSWORD}))
    assert_throttled(api.post("accounts/login/", json={"email": user["email"],
                                                       "password": PASSWORD}))
    assert_json(api.get("accounts/profile/", token=user["access"]), 200)


def test_password_reset_clears_login_failures(api, db, read_mails):
    user = create_user(api, read_mails)
    for _ in range(5):
        assert_json(api.post("accounts/login/", json={"email": user["email"],
                                                      "password": OTHER_PASSWORD}),
                    401, BAD_CREDENTIALS)
    assert_throttled(api.post("accounts/login/", json={"email": user["email"],
                                                       "password": PASSWORD}))
    assert_json(api.post("accounts/password-reset/", json={"email": user["email"]}), 202)
    r = api.post("accounts/password-reset/confirm/",
                 json={"token": reset_token(read_mails, user["email"]),
                       "new_password": OTHER_PASSWORD})
    assert_json(r, 200, {"detail": "Password has been reset.", "code": "password_reset"})
    assert failures_for(db, user["email"]) == 0
    assert login(api, user["email"], OTHER_PASSWORD)["id"] == user["id"]


@pytest.fixture(scope="module")
def costly_api(stack):
    """A second httpd on the session's database with bcrypt at cost 11 (~100 ms a hash): at the
    suite's cost 4 a hash takes about a millisecond, less than a request's own noise, so a login
    that skipped the dummy check for unknown emails could not be told apart there."""
    d = tempfile.mkdtemp(prefix="cc-bcrypt-")
    s = Stack(d, mpm=stack.mpm, bcrypt_cost=11)
    s.conninfo = stack.conninfo
    s.base_dir.mkdir(parents=True, exist_ok=True)
    try:
        s.start_httpd()
        a = Api(s.base_url)
        yield a
        a.close()
    finally:
        s.stop_httpd()
        shutil.rmtree(d, ignore_errors=True)


def test_login_timing_does_not_reveal_unknown_emails(costly_api, db):
    api = costly_api
    email = unique_email("timing")
    assert_json(api.post("accounts/register/", json=register_body(email=email)), 201)
    assert db.scalar(f"SELECT password LIKE '$2_$11$%' FROM users WHERE email = '{email}'") == "t"

    def timed(address):
        t0 = time.perf_counter()
        r = api.post("accounts/login/", json={"email": address, "password": OTHER_PASSWORD})
        elapsed = time.perf_counter() - t0
        assert_json(r, 401, BAD_CREDENTIALS)
        return elapsed

    timed(unique_email("warm"))  # warm the connection
    unknown, wrong = [], []
    for _ in range(7):  # interleaved; the failures are cleared so no throttle interferes
        clear_login_failures(db)
        unknown.append(timed(unique_email("ghost")))
        wrong.append(timed(email))
    # the fastest of each: the cost of the work itself, least disturbed by a busy machine
    a, b = min(unknown), min(wrong)
    assert max(a, b) <= 2 * min(a, b), (unknown, wrong)


# ==== profile ===================================================================================


def test_profile_get(api, read_mails):
    user = logged_in_user(api, read_mails, first_name="Kiran", last_name="Rao")
    r = api.get("accounts/profile/", token=user["access"])
    data = assert_json(r, 200)
    assert r.headers.get("Cache-Control") == "no-store"
    assert_user_shape(data)
    assert data == {k: user["login"][k] for k in USER_KEYS}
    assert (data["first_name"], data["last_name"]) == ("Kiran", "Rao")


def test_profile_put(api, db, read_mails):
    user = logged_in_user(api, read_mails)
    r = api.put("accounts/profile/", token=user["access"],
                json={"first_name": " Lata ", "last_name": "D'Souza"})
    data = assert_json(r, 200)
    assert r.headers.get("Cache-Control") == "no-store"
    assert_user_shape(data)
    assert (data["first_name"], data["last_name"]) == ("Lata", "D'Souza")
    assert user_row(db, user["id"], "first_name, last_name") == ["Lata", "D'Souza"]
    assert assert_json(api.get("accounts/profile/", token=user["access"]), 200) == data


def test_profile_put_needs_both_names(api, db, read_mails):
    user = logged_in_user(api, read_mails, first_name="Asha", last_name="Verma")
    assert_json(api.put("accounts/profile/", token=user["access"], json={"first_name": "X"}),
                400, {"last_name": REQUIRED})
    assert_json(api.put("accounts/profile/", token=user["access"], json={}), 400,
                {"first_name": REQUIRED, "last_name": REQUIRED})
    assert_json(api.put("accounts/profile/", token=user["access"],
                        json={"first_name": "", "last_name": "y" * 151}), 400,
                {"first_name": BLANK,
                 "last_name": ["Ensure this field has no more than 150 characters."]})
    assert user_row(db, user["id"], "first_name, last_name") == ["Asha", "Verma"]


def test_profile_patch_is_partial(api, db, read_mails):
    user = logged_in_user(api, read_mails, first_name="Asha", last_name="Verma")
    r = api.patch("accounts/profile/", token=user["access"], json={"last_name": "Menon"})
    data = assert_json(r, 200)
    assert (data["first_name"], data["last_name"]) == ("Asha", "Menon")
    assert user_row(db, user["id"], "first_name, last_name") == ["Asha", "Menon"]
    r = api.patch("accounts/profile/", token=user["access"], json={})
    assert assert_json(r, 200) == data
    assert_json(api.patch("accounts/profile/", token=user["access"], json={"first_name": ""}),
                400, {"first_name": BLANK})


@pytest.mark.parametrize("method", ["put", "patch"])
def test_profile_ignores_read_only_fields(api, db, read_mails, method):
    user = logged_in_user(api, read_mails)
    before = user_row(db, user["id"], "email, role, is_active, is_verified, date_joined")
    body = {"first_name": "New", "last_name": "Name", "email": unique_email("hijack"),
            "role": "admin", "is_active": False, "is_verified": False, "is_admin": True,
            "id": user["id"] + 1000, "date_joined": "2000-01-01T00:00:00.000000Z"}
    r = getattr(api, method)("accounts/profile/", token=user["access"], json=body)
    data = assert_json(r, 200)
    assert data["id"] == user["id"]
    assert data["email"] == user["email"]
    assert (data["role"], data["is_admin"], data["is_active"], data["is_verified"]) == (
        "candidate", False, True, True)
    assert (data["first_name"], data["last_name"]) == ("New", "Name")
    assert user_row(db, user["id"], "email, role, is_active, is_verified, date_joined") == before
    # The token keeps working: nothing about the account's state changed.
    assert_json(api.get("accounts/profile/", token=user["access"]), 200)


def test_profile_unauthenticated(api):
    for method in ("get", "put", "patch"):
        kw = {} if method == "get" else {"json": {"first_name": "a", "last_name": "b"}}
        r = getattr(api, method)("accounts/profile/", **kw)
        assert_json(r, 401, NOT_AUTHENTICATED)
        assert r.headers["WWW-Authenticate"] == 'Bearer realm="api"'


def test_profile_works_for_every_role(stack, api, read_mails):
    recr = logged_in_user(api, read_mails, role="recruiter")
    admin = create_admin(stack, api, login_now=True)
    for who, role in ((recr, "recruiter"), (admin, "admin")):
        data = assert_json(api.get("accounts/profile/", token=who["access"]), 200)
        assert data["role"] == role and data["email"] == who["email"]


# ==== change-password ===========================================================================


@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_change_password(api, read_mails, method):
    user = logged_in_user(api, read_mails)
    r = getattr(api, method)("accounts/change-password/", token=user["access"],
                             json={"current_password": PASSWORD,
                                   "new_password": OTHER_PASSWORD})
    data = assert_json(r, 200)
    assert set(data) == {"detail", "code"} | TOKEN_KEYS
    assert (data["detail"], data["code"]) == ("Password changed.", "password_changed")
    assert data["token"] == data["access"]
    assert r.headers.get("Cache-Control") == "no-store"

    # The old tokens died at once; the new ones work.
    assert_error(api.get("accounts/profile/", token=user["access"]), 401, "token_not_valid")
    assert assert_json(api.get("accounts/profile/", token=data["access"]), 200)["id"] \
        == user["id"]
    refreshed = assert_json(api.post("accounts/token/refresh/",
                                     json={"refresh": data["refresh"]}), 200)
    assert set(refreshed) == TOKEN_KEYS
    assert_error(api.post("accounts/token/refresh/", json={"refresh": user["refresh"]}), 401,
                 "token_not_valid")

    # Only the new password logs in.
    assert_json(api.post("accounts/login/", json={"email": user["email"],
                                                  "password": PASSWORD}),
                401, BAD_CREDENTIALS)
    assert login(api, user["email"], OTHER_PASSWORD)["id"] == user["id"]


def test_change_password_old_refresh_refused_then_new_tokens_work(api, read_mails):
    """The order a client with a stale copy produces: the old refresh token comes back first
    (refused), and the pair change-password returned must keep working afterwards."""
    user = logged_in_user(api, read_mails)
    r = api.post("accounts/change-password/", token=user["access"],
                 json={"current_password": PASSWORD, "new_password": OTHER_PASSWORD})
    data = assert_json(r, 200)
    assert_error(api.post("accounts/token/refresh/", json={"refresh": user["refresh"]}), 401,
                 "token_not_valid")
    assert_error(api.get("accounts/profile/", token=user["access"]), 401, "token_not_valid")
    assert assert_json(api.get("accounts/profile/", token=data["access"]), 200)["id"] \
        == user["id"]
    refreshed = assert_json(api.post("accounts/token/refresh/",
                                     json={"refresh": data["refresh"]}), 200)
    assert set(refreshed) == TOKEN_KEYS


def test_change_password_wrong_current(api, read_mails):
    user = logged_in_user(api, read_mails)
    r = api.post("accounts/change-password/", token=user["access"],
                 json={"current_password": "Not-The-Password-1", "new_password": OTHER_PASSWORD})
    assert_json(r, 400, {"current_password": ["Current password is incorrect."]})
    # Nothing changed: the token and the old password still work.
    assert_json(api.get("accounts/profile/", token=user["access"]), 200)
    login(api, user["email"], PASSWORD)


def test_change_password_rules(api, read_mails):
    user = logged_in_user(api, read_mails)
    cases = [("short1!", "This password is too short. It must contain at least 8 characters."),
             ("password", "This password is too common."),
             ("9081726354", "This password is entirely numeric."),
             (user["email"], "The password is too similar to the email address.")]
    for pw, message in cases:
        r = api.post("accounts/change-password/", token=user["access"],
                     json={"current_password": PASSWORD, "new_password": pw})
        data = assert_json(r, 400)
        assert list(data) == ["new_password"], data
        assert message in data["new_password"], data
    assert_json(api.post("accounts/change-password/", token=user["access"], json={}), 400,
                {"current_password": REQUIRED, "new_password": REQUIRED})
    assert_json(api.get("accounts/profile/", token=user["access"]), 200)
    login(api, user["email"], PASSWORD)


def test_change_password_unauthenticated(api):
    r = api.post("accounts/change-password/",
                 json={"current_password": PASSWORD, "new_password": OTHER_PASSWORD})
    assert_json(r, 401, NOT_AUTHENTICATED)
