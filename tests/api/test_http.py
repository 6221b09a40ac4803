"""HTTP conventions every /api/ answer follows (CONTRACT §1 and §11): JSON errors, routing,
methods, trailing slashes, body decoding and limits, headers, the index and the health check."""

import pytest

from helpers import (create_admin, JSON_CT, PASSWORD, assert_error, assert_json, clear_login_failures,
                     logged_in_user, raw_request, register_body,
                     verification_token)

NOT_FOUND = {"detail": "Not found.", "code": "not_found"}


@pytest.fixture(autouse=True)
def _fresh_login_failures(db):
    clear_login_failures(db)
    yield
    clear_login_failures(db)


# ==== routing ===================================================================================


@pytest.mark.parametrize("path", ["nope/", "accounts/", "accounts/login/extra/",
                                  "accounts/logins/", "health/x",
                                  "ACCOUNTS/LOGIN/"])
def test_unknown_route_is_json_404(api, path):
    for method in ("get", "post"):
        assert_json(getattr(api, method)(path), 404, NOT_FOUND)


def test_unknown_route_with_encoded_slash_is_json_404(api):
    # httpd itself refuses %2F in paths (AllowEncodedSlashes Off) before the module runs; the
    # answer must still be the API's JSON, never httpd's HTML page.
    r = api.get("/api/accounts%2Flogin/")
    assert_json(r, 404, NOT_FOUND)


def test_method_not_allowed(api):
    r = api.delete("accounts/login/")
    assert_json(r, 405, {"detail": 'Method "DELETE" not allowed.', "code": "method_not_allowed"})
    assert r.headers["Allow"] == "POST, OPTIONS"

    r = api.get("accounts/register/")
    assert_json(r, 405, {"detail": 'Method "GET" not allowed.', "code": "method_not_allowed"})
    assert r.headers["Allow"] == "POST, OPTIONS"

    r = api.delete("accounts/profile/")
    assert_error(r, 405, "method_not_allowed")
    assert set(r.headers["Allow"].split(", ")) == {"GET", "HEAD", "PUT", "PATCH", "OPTIONS"}

    r = api.post("health/")
    assert_error(r, 405, "method_not_allowed")
    assert set(r.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_method_not_allowed_for_unknown_method(api):
    r = api.request("BREW", "accounts/login/")
    assert_json(r, 405, {"detail": 'Method "BREW" not allowed.', "code": "method_not_allowed"})
    assert r.headers["Allow"] == "POST, OPTIONS"


def test_options(api):
    r = api.request("OPTIONS", "accounts/login/")
    assert r.status_code == 204, r.text
    assert r.headers["Allow"] == "POST, OPTIONS"
    assert r.content == b""
    assert r.headers.get("X-Request-Id")

    r = api.request("OPTIONS", "accounts/profile")  # no authentication needed for OPTIONS
    assert r.status_code == 204
    assert set(r.headers["Allow"].split(", ")) == {"GET", "HEAD", "PUT", "PATCH", "OPTIONS"}

    r = api.request("OPTIONS", "accounts/change-password/")
    assert r.status_code == 204
    assert set(r.headers["Allow"].split(", ")) == {"POST", "PUT", "PATCH", "OPTIONS"}

    assert_json(api.request("OPTIONS", "nope/"), 404, NOT_FOUND)


def test_trailing_slash_equivalence(api, read_mails):
    # register without the slash
    body = register_body()
    r = api.post("accounts/register", json=body)
    user = assert_json(r, 201)["user"]
    assert user["email"] == body["email"]
    assert r.headers.get("Location") is None  # served, not redirected

    r = api.post("accounts/verify-email",
                 json={"token": verification_token(read_mails, body["email"])})
    assert_json(r, 200, {"detail": "Email verified.", "code": "email_verified"})

    with_slash = assert_json(api.post("accounts/login/", json={"email": body["email"],
                                                               "password": PASSWORD}), 200)
    without = assert_json(api.post("accounts/login", json={"email": body["email"],
                                                           "password": PASSWORD}), 200)
    assert set(with_slash) == set(without)
    assert without["id"] == with_slash["id"] == user["id"]
    assert without["profile"] == with_slash["profile"]

    assert assert_json(api.get("accounts/profile", token=without["access"]), 200)["id"] \
        == user["id"]
    assert_json(api.post("accounts/login", json={"email": body["email"],
                                                 "password": "Wrong-Password-11"}),
                401, {"detail": "Invalid email or password.", "code": "invalid_credentials"})
    r = api.delete("accounts/login")
    assert_error(r, 405, "method_not_allowed")
    assert r.headers["Allow"] == "POST, OPTIONS"
    assert_json(api.get("health"), 200)


# ==== body decoding =============================================================================


@pytest.mark.parametrize("path", ["accounts/register/", "accounts/login/",
                                  "accounts/token/refresh/", "accounts/verify-email/",
                                  "accounts/password-reset/", "accounts/resend-verification/",
                                  "accounts/password-reset/confirm/"])
@pytest.mark.parametrize("payload", [b"{", b'{"email": }', b"{'a': 1}", b'{"a": 1,}',
                                     b'{"a": 1} x'])
def test_malformed_json(api, path, payload):
    r = api.post(path, data=payload, headers={"Content-Type": "application/json"})
    data = assert_error(r, 400, "parse_error")
    assert data["detail"].startswith("JSON parse error - "), data


def test_malformed_json_on_authenticated_routes(api, read_mails):
    user = logged_in_user(api, read_mails)
    for method, path in (("PATCH", "accounts/profile/"), ("PUT", "accounts/profile/"),
                         ("POST", "accounts/change-password/"), ("POST", "accounts/logout/")):
        r = api.request(method, path, token=user["access"], data=b'{"first_name": "x"',
                        headers={"Content-Type": "application/json"})
        data = assert_error(r, 400, "parse_error")
        assert data["detail"].startswith("JSON parse error - ")


@pytest.mark.parametrize("payload,got", [(b"[]", "list"), (b'[{"email": "a@b.cd"}]', "list"),
                                         (b'"text"', "str"), (b"42", "int"),
                                         (b"null", "NoneType"), (b"true", "bool")])
def test_json_body_not_an_object(api, payload, got):
    r = api.post("accounts/login/", data=payload, headers={"Content-Type": "application/json"})
    assert_json(r, 400, {"non_field_errors": [
        f"Invalid data. Expected a dictionary, but got {got}."]})


def test_json_content_type_with_charset(api, read_mails):
    r = api.post("accounts/login/", data=b'{"email": "nobody@example.com"}',
                 headers={"Content-Type": "application/json; charset=UTF-8"})
    assert_json(r, 400, {"password": ["This field is required."]})


def test_duplicate_json_keys_last_wins(api, read_mails):
    user = logged_in_user(api, read_mails)
    body = ('{"email": "nobody@example.com", "email": "%s", "password": "%s"}'
            % (user["email"], PASSWORD)).encode()
    r = api.post("accounts/login/", data=body, headers={"Content-Type": "application/json"})
    assert assert_json(r, 200)["id"] == user["id"]


def test_non_utf8_charset_is_unsupported(api):
    r = api.post("accounts/login/", data=b'{"email": "a@example.com"}',
                 headers={"Content-Type": "application/json; charset=latin-1"})
    assert_error(r, 415, "unsupported_media_type")


def test_invalid_utf8_json_is_parse_error(api):
    r = api.post("accounts/login/", data=b'{"email": "\xff@example.com", "password": "x"}',
                 headers={"Content-Type": "application/json"})
    assert_error(r, 400, "parse_error")


def test_unsupported_media_type(api):
    r = api.post("accounts/login/", data=b"email=a@b.cd", headers={"Content-Type": "text/plain"})
    assert_json(r, 415, {"detail": 'Unsupported media type "text/plain" in request.',
                         "code": "unsupported_media_type"})
    r = api.post("accounts/register/", data=b"<x/>",
                 headers={"Content-Type": "application/xml"})
    assert_json(r, 415, {"detail": 'Unsupported media type "application/xml" in request.',
                         "code": "unsupported_media_type"})


@pytest.mark.parametrize("path", ["accounts/verify-email/", "accounts/password-reset/",
                                  "accounts/resend-verification/",
                                  "accounts/password-reset/confirm/"])
def test_form_body_on_json_only_route(api, path):
    r = api.post(path, data={"token": "abc", "email": "a@example.com"})
    assert_json(r, 415, {
        "detail": 'Unsupported media type "application/x-www-form-urlencoded" in request.',
        "code": "unsupported_media_type"})


def test_form_body_on_json_only_authenticated_route(api, read_mails):
    user = logged_in_user(api, read_mails)
    r = api.patch("accounts/profile/", token=user["access"], data={"first_name": "X"})
    assert_error(r, 415, "unsupported_media_type")
    assert assert_json(api.get("accounts/profile/", token=user["access"]), 200)["first_name"] \
        != "X"


def test_body_too_large(api):
    big = b'{"email": "' + b"a" * (1024 * 1024) + b'"}'
    r = api.post("accounts/login/", data=big, headers={"Content-Type": "application/json"})
    data = assert_error(r, 413, "request_too_large")
    assert data["detail"]


def test_body_too_large_chunked(api):
    def chunks():
        yield b'{"email": "'
        for _ in range(130):
            yield b"a" * 8192
        yield b'"}'

    r = api.post("accounts/register/", data=chunks(), headers={"Content-Type": "application/json"})
    assert_error(r, 413, "request_too_large")


def test_body_just_under_the_limit_is_read(api):
    filler = b"a" * (1024 * 1024 - 200)
    body = b'{"filler": "' + filler + b'", "email": "x@example.com"}'
    assert len(body) <= 1024 * 1024
    r = api.post("accounts/login/", data=body, headers={"Content-Type": "application/json"})
    assert_json(r, 400, {"password": ["This field is required."]})


def test_body_too_large_announced_by_content_length(stack):
    # The 413 comes from Content-Length alone, before the body is sent.
    status, headers, body = raw_request(
        stack, b"POST /api/accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               b"Content-Type: application/json\r\nContent-Length: 5000000\r\n"
               b"Connection: close\r\n\r\n{")
    assert status == 413
    assert headers["content-type"] == JSON_CT
    assert headers.get("connection") == "close"
    assert headers.get("x-request-id")
    assert b'"code":"request_too_large"' in body


def test_malformed_chunked_body_is_json_400(stack):
    status, headers, body = raw_request(
        stack, b"POST /api/accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
               b"Connection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
    assert status == 400
    assert headers.get("content-type") == JSON_CT, (headers, body[:200])
    assert headers.get("x-request-id")


# ==== headers ===================================================================================


def test_json_content_type_and_request_id_everywhere(api, read_mails):
    user = logged_in_user(api, read_mails)
    responses = [
        api.get(""),
        api.get("health/"),
        api.get("nope/"),
        api.delete("accounts/login/"),
        api.post("accounts/login/", json={}),
        api.post("accounts/login/", json={"email": "a@example.com", "password": "x"}),
        api.post("accounts/login/", data=b"x", headers={"Content-Type": "text/plain"}),
        api.post("accounts/login/", data=b"{", headers={"Content-Type": "application/json"}),
        api.get("accounts/profile/"),
        api.get("accounts/profile/", token=user["access"]),
        api.get("accounts/profile/", token="garbage"),
        api.post("accounts/login/", data=b"[" * (1024 * 1024 + 1),
                 headers={"Content-Type": "application/json"}),
    ]
    ids = set()
    for r in responses:
        assert r.headers.get("Content-Type") == JSON_CT, (r.status_code, r.headers)
        assert r.headers.get("X-Content-Type-Options") == "nosniff", (r.status_code, r.headers)
        rid = r.headers.get("X-Request-Id")
        assert rid, (r.status_code, r.headers)
        ids.add(rid)
        r.json()
    assert [r.status_code for r in responses] == [200, 200, 404, 405, 400, 401, 415, 400,
                                                  401, 200, 401, 413]
    assert len(ids) == len(responses)  # one id per request


def test_cache_control_on_authenticated_responses(api, read_mails):
    user = logged_in_user(api, read_mails)
    for r in (api.get("accounts/profile/", token=user["access"]),
              api.patch("accounts/profile/", token=user["access"], json={"first_name": "Z"}),
              api.post("accounts/login/", json={"email": user["email"], "password": PASSWORD}),
              api.post("accounts/token/refresh/", json={"refresh": user["refresh"]})):
        assert r.status_code == 200, r.text
        assert r.headers.get("Cache-Control") == "no-store", r.headers


def test_bad_bearer_token_on_public_routes(api, read_mails):
    user = logged_in_user(api, read_mails)
    bad = {"Authorization": "Bearer garbage"}
    # Routes that authenticate refuse a bad token even when they are public (as DRF does) ...
    assert_error(api.get("", headers=bad), 401, "token_not_valid")
    # ... the account endpoints that take no authentication never look at the header.
    r = api.post("accounts/login/", headers=bad,
                 json={"email": user["email"], "password": PASSWORD})
    assert assert_json(r, 200)["id"] == user["id"]
    r = api.post("accounts/token/refresh/", headers=bad, json={"refresh": user["refresh"]})
    assert_json(r, 200)
    assert_json(api.get("health/", headers=bad), 200)


def test_head_is_get_without_body(api):
    r = api.request("HEAD", "health/")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == JSON_CT
    assert r.content == b""


# ==== service endpoints ==========================================================================


def test_index_lists_absolute_urls(api, base_url):
    for path in ("", "/api"):
        data = assert_json(api.get(path), 200)
        assert data == {g: f"{base_url}/api/{g}/" for g in
                        ("accounts", "profiles", "notifications", "masters", "jobs",
                         "documents", "testimonials", "admin", "health", "schema")}
        for name, url in data.items():
            assert isinstance(url, str) and url.startswith(f"{base_url}/api/"), (name, url)
            assert url.endswith("/")
    # The advertised health URL answers.
    assert_json(api.get(data["health"]), 200)


def test_health(api):
    r = api.get("health/")
    data = assert_json(r, 200)
    assert set(data) == {"status", "database", "version"}
    assert (data["status"], data["database"]) == ("ok", "ok")
    assert isinstance(data["version"], str) and data["version"]
    assert "Cache-Control" not in r.headers or r.headers["Cache-Control"] == "no-store"


def test_httpd_error_page_is_not_a_public_route(api):
    # The ErrorDocument target answers only internal redirects; asked for directly it is unknown.
    r = api.get("_httpd_error")
    assert r.status_code == 404
    assert r.json() == {"detail": "Not found.", "code": "not_found"}


def test_query_string_is_form_decoded_and_utf8_checked(api, stack):
    admin = create_admin(stack, api, login_now=True)
    # '+' is a space as in HTML forms; a raw quote in the query stays valid JSON in the links
    r = api.get('/api/profiles/pending-verifications/?search=no+such+person&x=a"b&page_size=1',
                token=admin["access"])
    assert assert_json(r, 200) == {"count": 0, "next": None, "previous": None, "results": []}
    r = api.get("/api/profiles/pending-verifications/?search=%ff", token=admin["access"])
    assert_error(r, 400, "parse_error", "The query string is not valid UTF-8.")
