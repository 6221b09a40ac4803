"""JWTs: claims, refresh rotation and reuse detection, logout, and how a Bearer access token is
checked (CONTRACT §2)."""

import json
import os

import pytest

from helpers import (BAD_CREDENTIALS, NOT_AUTHENTICATED, OTHER_PASSWORD, PASSWORD, REQUIRED,
                     TOKEN_KEYS, assert_error, assert_json, b64url, clear_login_failures,
                     create_admin, jwt_claims, jwt_key, jwt_parts, jwt_sign, logged_in_user,
                     now, set_active)


@pytest.fixture(autouse=True)
def _fresh_login_failures(db):
    clear_login_failures(db)
    yield
    clear_login_failures(db)


def refresh(api, token, **kw):
    return api.post("accounts/token/refresh/", json={"refresh": token}, **kw)


def assert_token_not_valid(r):
    return assert_error(r, 401, "token_not_valid")


def profile_ok(api, access, user_id):
    data = assert_json(api.get("accounts/profile/", token=access), 200)
    assert data["id"] == user_id
    return data


# ==== claims ====================================================================================


@pytest.mark.parametrize("role", ["candidate", "recruiter", "admin"])
def test_login_token_claims(stack, api, read_mails, role):
    if role == "admin":
        user = create_admin(stack, api, login_now=True)
    else:
        user = logged_in_user(api, read_mails, role=role)
    data = user["login"]
    head, access = jwt_parts(data["access"])
    assert head["alg"] == "HS256"
    _, ref = jwt_parts(data["refresh"])
    for claims, typ, ttl in ((access, "access", 3600), (ref, "refresh", 604800)):
        assert claims["token_type"] == typ
        assert claims["user_id"] == data["id"]
        assert claims["role"] == role
        assert claims["iss"] == "carechain"
        assert isinstance(claims["jti"], str) and claims["jti"]
        assert claims["exp"] - claims["iat"] == ttl
        assert abs(claims["iat"] - now()) < 120
    assert access["jti"] != ref["jti"]


# ==== refresh ===================================================================================


def test_refresh_rotates(api, read_mails):
    user = logged_in_user(api, read_mails)
    r = refresh(api, user["refresh"])
    data = assert_json(r, 200)
    assert set(data) == TOKEN_KEYS
    assert data["token"] == data["access"]
    assert data["refresh"] != user["refresh"]
    assert jwt_claims(data["access"])["token_type"] == "access"
    assert jwt_claims(data["refresh"])["token_type"] == "refresh"
    assert jwt_claims(data["refresh"])["user_id"] == user["id"]
    profile_ok(api, data["access"], user["id"])

    # The old refresh token is refused; the new one rotates again.
    assert_token_not_valid(refresh(api, user["refresh"]))


def test_refresh_chain(api, read_mails):
    user = logged_in_user(api, read_mails)
    tok = user["refresh"]
    for _ in range(3):
        data = assert_json(refresh(api, tok), 200)
        profile_ok(api, data["access"], user["id"])
        tok = data["refresh"]


def test_refresh_reuse_revokes_every_refresh_token(api, db, read_mails):
    user = logged_in_user(api, read_mails)
    # A second session of the same user (another device).
    other_session = assert_json(api.post("accounts/login/", json={"email": user["email"],
                                                                  "password": PASSWORD}), 200)
    newer = assert_json(refresh(api, user["refresh"]), 200)
    live = int(db.scalar("SELECT count(*) FROM refresh_tokens WHERE user_id = :'id'"
                         " AND revoked_at IS NULL", id=user["id"]))
    assert live == 2

    # The rotated token comes back: somebody holds a copy. Every refresh token dies.
    assert_token_not_valid(refresh(api, user["refresh"]))
    assert db.scalar("SELECT count(*) FROM refresh_tokens WHERE user_id = :'id'"
                     " AND revoked_at IS NULL", id=user["id"]) == "0"
    assert_token_not_valid(refresh(api, newer["refresh"]))
    assert_token_not_valid(refresh(api, other_session["refresh"]))
    # Logging in again gives a working pair.
    fresh = assert_json(api.post("accounts/login/", json={"email": user["email"],
                                                          "password": PASSWORD}), 200)
    assert_json(refresh(api, fresh["refresh"]), 200)


def test_refresh_refuses_access_token_and_garbage(api, read_mails):
    user = logged_in_user(api, read_mails)
    assert_token_not_valid(refresh(api, user["access"]))
    for garbage in ("garbage", "a.b.c", user["refresh"] + "x", user["refresh"][:-4]):
        assert_token_not_valid(refresh(api, garbage))
    # None of that disturbed the real token.
    assert_json(refresh(api, user["refresh"]), 200)


def test_refresh_missing_field(api):
    assert_json(api.post("accounts/token/refresh/", json={}), 400, {"refresh": REQUIRED})
    assert_json(api.post("accounts/token/refresh/", json={"refresh": ""}), 400,
                {"refresh": ["This field may not be blank."]})
    assert_json(api.post("accounts/token/refresh/", json={"refresh": None}), 400,
                {"refresh": ["This field may not be null."]})


def test_refresh_form_encoded(api, read_mails):
    user = logged_in_user(api, read_mails)
    r = api.post("accounts/token/refresh/", data={"refresh": user["refresh"]})
    data = assert_json(r, 200)
    assert set(data) == TOKEN_KEYS
    profile_ok(api, data["access"], user["id"])


def test_refresh_deactivated_user(api, db, read_mails):
    user = logged_in_user(api, read_mails)
    set_active(db, user["id"], False)
    assert_token_not_valid(refresh(api, user["refresh"]))


def test_refresh_expired_or_forged(stack, api, read_mails):
    user = logged_in_user(api, read_mails)
    key = jwt_key(stack)
    claims = jwt_claims(user["refresh"])
    # Re-signed with the server key and the same claims, the token is accepted (so the
    # refusals below are about the changed part only) ...
    expired = dict(claims, iat=now() - 8 * 86400, exp=now() - 86400)
    assert_token_not_valid(refresh(api, jwt_sign(expired, key)))
    wrong_key = jwt_sign(claims, os.urandom(48))
    assert_token_not_valid(refresh(api, wrong_key))
    assert_token_not_valid(refresh(api, jwt_sign(dict(claims, token_type="access"), key)))
    # ... and the untouched one still rotates.
    assert_json(refresh(api, jwt_sign(claims, key)), 200)


# ==== logout ====================================================================================


def test_logout_revokes_the_refresh_token(api, db, read_mails):
    user = logged_in_user(api, read_mails)
    r = api.post("accounts/logout/", token=user["access"], json={"refresh": user["refresh"]})
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert r.headers.get("X-Request-Id")
    jti = jwt_claims(user["refresh"])["jti"]
    assert db.scalar("SELECT revoked_at IS NOT NULL FROM refresh_tokens WHERE jti = :'j'",
                     j=jti) == "t"
    assert_token_not_valid(refresh(api, user["refresh"]))
    # Logging out twice with the same token is refused too.
    assert_token_not_valid(api.post("accounts/logout/", token=user["access"],
                                    json={"refresh": user["refresh"]}))


def test_logged_out_refresh_token_presented_again_revokes_all(api, db, read_mails):
    """docs/API.md: presenting a refresh token that was already rotated or logged out revokes
    all of the user's refresh tokens (a copy is in someone else's hands)."""
    user = logged_in_user(api, read_mails)
    other = assert_json(api.post("accounts/login/", json={"email": user["email"],
                                                          "password": PASSWORD}), 200)
    r = api.post("accounts/logout/", token=user["access"], json={"refresh": user["refresh"]})
    assert r.status_code == 204, r.text
    assert db.scalar("SELECT count(*) FROM refresh_tokens WHERE user_id = :'id'"
                     " AND revoked_at IS NULL", id=user["id"]) == "1"
    assert_token_not_valid(refresh(api, user["refresh"]))
    assert db.scalar("SELECT count(*) FROM refresh_tokens WHERE user_id = :'id'"
                     " AND revoked_at IS NULL", id=user["id"]) == "0"
    assert_token_not_valid(refresh(api, other["refresh"]))
    # Access tokens stay valid until they expire (logout is per refresh token).
    profile_ok(api, other["access"], user["id"])


def test_logout_form_encoded(api, read_mails):
    user = logged_in_user(api, read_mails)
    r = api.post("accounts/logout/", token=user["access"], data={"refresh": user["refresh"]})
    assert r.status_code == 204, r.text
    assert_token_not_valid(refresh(api, user["refresh"]))


def test_logout_needs_access_token(api, read_mails):
    user = logged_in_user(api, read_mails)
    assert_json(api.post("accounts/logout/", json={"refresh": user["refresh"]}), 401,
                NOT_AUTHENTICATED)
    # A refresh token is not an access token.
    assert_token_not_valid(api.post("accounts/logout/", token=user["refresh"],
                                    json={"refresh": user["refresh"]}))
    # The refresh token was not revoked by these attempts.
    assert_json(refresh(api, user["refresh"]), 200)


def test_logout_with_another_users_refresh_token(api, read_mails):
    alice = logged_in_user(api, read_mails)
    bob = logged_in_user(api, read_mails)
    assert_token_not_valid(api.post("accounts/logout/", token=alice["access"],
                                    json={"refresh": bob["refresh"]}))
    assert_json(refresh(api, bob["refresh"]), 200)


def test_logout_missing_refresh(api, read_mails):
    user = logged_in_user(api, read_mails)
    assert_json(api.post("accounts/logout/", token=user["access"], json={}), 400,
                {"refresh": REQUIRED})
    assert_json(api.post("accounts/logout/", token=user["access"]), 400,
                {"refresh": REQUIRED})
    assert_token_not_valid(api.post("accounts/logout/", token=user["access"],
                                    json={"refresh": "garbage"}))


# ==== Bearer access tokens =====================================================================


def test_crafted_token_with_server_key_is_accepted(stack, api, read_mails):
    """Sanity check for the tests below: a token re-signed here with the server key and
    unchanged claims works, so each refusal below is caused by the one thing changed."""
    user = logged_in_user(api, read_mails)
    claims = jwt_claims(user["access"])
    profile_ok(api, jwt_sign(claims, jwt_key(stack)), user["id"])


def test_expired_access_token(stack, api, read_mails):
    user = logged_in_user(api, read_mails)
    claims = dict(jwt_claims(user["access"]), iat=now() - 7200, exp=now() - 3600)
    assert_token_not_valid(api.get("accounts/profile/", token=jwt_sign(claims, jwt_key(stack))))
    claims = dict(claims, iat=now() - 3700, exp=now() - 5)
    assert_token_not_valid(api.get("accounts/profile/", token=jwt_sign(claims, jwt_key(stack))))


def test_access_token_clock_skew(stack, api, read_mails):
    user = logged_in_user(api, read_mails)
    claims = jwt_claims(user["access"])
    key = jwt_key(stack)
    # iat up to 30 s in the future is tolerated; far in the future is not.
    profile_ok(api, jwt_sign(dict(claims, iat=now() + 15), key), user["id"])
    assert_token_not_valid(api.get("accounts/profile/",
                                   token=jwt_sign(dict(claims, iat=now() + 300), key)))
    assert_token_not_valid(api.get("accounts/profile/",
                                   token=jwt_sign(dict(claims, nbf=now() + 300), key)))
    # No leeway for exp.
    assert_token_not_valid(api.get("accounts/profile/",
                                   token=jwt_sign(dict(claims, exp=now() - 1), key)))


@pytest.mark.parametrize("change", [
    {"iss": "someone-else"},
    {"token_type": "refresh"},
    {"role": "admin"},
    {"user_id": 0},
    {"iat": None},
])
def test_access_token_with_altered_claims(stack, api, read_mails, change):
    user = logged_in_user(api, read_mails)
    claims = dict(jwt_claims(user["access"]), **change)
    claims = {k: v for k, v in claims.items() if v is not None}
    assert_token_not_valid(api.get("accounts/profile/", token=jwt_sign(claims, jwt_key(stack))))


def test_tampered_payload_with_original_signature(api, read_mails):
    alice = logged_in_user(api, read_mails)
    bob = logged_in_user(api, read_mails)
    head, _, sig = bob["access"].split(".")
    claims = dict(jwt_claims(bob["access"]), user_id=alice["id"])
    tampered = head + "." + b64url(json.dumps(claims, separators=(",", ":")).encode()) + "." + sig
    assert_token_not_valid(api.get("accounts/profile/", token=tampered))
    profile_ok(api, bob["access"], bob["id"])


def test_garbage_and_wrong_signature_access_tokens(stack, api, read_mails):
    user = logged_in_user(api, read_mails)
    claims = jwt_claims(user["access"])
    bad = [
        "garbage",
        "a.b.c",
        user["access"][:-3] + ("AAA" if not user["access"].endswith("AAA") else "BBB"),
        jwt_sign(claims, os.urandom(48)),
        jwt_sign(claims, jwt_key(stack), alg="HS512"),
        jwt_sign(claims, b"", header={"alg": "none", "typ": "JWT"}).rsplit(".", 1)[0] + ".",
    ]
    for tok in bad:
        assert_token_not_valid(api.get("accounts/profile/", token=tok))
    assert_token_not_valid(api.get("accounts/profile/",
                                   headers={"Authorization": "Bearer a b"}))
    profile_ok(api, user["access"], user["id"])


def test_refresh_token_as_bearer(api, read_mails):
    user = logged_in_user(api, read_mails)
    assert_token_not_valid(api.get("accounts/profile/", token=user["refresh"]))


def test_access_token_dies_when_user_is_deactivated(api, db, read_mails):
    user = logged_in_user(api, read_mails)
    profile_ok(api, user["access"], user["id"])
    set_active(db, user["id"], False)
    assert_token_not_valid(api.get("accounts/profile/", token=user["access"]))
    assert_token_not_valid(api.post("accounts/change-password/", token=user["access"],
                                    json={"current_password": PASSWORD,
                                          "new_password": OTHER_PASSWORD}))


def test_access_token_of_deleted_user(api, db, read_mails):
    user = logged_in_user(api, read_mails)
    db("DELETE FROM users WHERE id = :'id'", id=user["id"])
    assert_token_not_valid(api.get("accounts/profile/", token=user["access"]))
    assert_token_not_valid(refresh(api, user["refresh"]))
    assert_json(api.post("accounts/login/", json={"email": user["email"],
                                                  "password": PASSWORD}), 401, BAD_CREDENTIALS)


def test_non_bearer_authorization_is_anonymous(api, read_mails):
    r = api.get("accounts/profile/", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert_json(r, 401, NOT_AUTHENTICATED)


def test_password_change_kills_tokens_of_other_sessions(api, read_mails):
    user = logged_in_user(api, read_mails)
    second = assert_json(api.post("accounts/login/", json={"email": user["email"],
                                                           "password": PASSWORD}), 200)
    r = api.post("accounts/change-password/", token=user["access"],
                 json={"current_password": PASSWORD, "new_password": OTHER_PASSWORD})
    new = assert_json(r, 200)
    assert_token_not_valid(api.get("accounts/profile/", token=second["access"]))
    assert_token_not_valid(refresh(api, second["refresh"]))
    profile_ok(api, new["access"], user["id"])
