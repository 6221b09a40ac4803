"""What a hostile client could still do after the first half, closed (the hardening issue): the
module's side. httpd's side (timeouts, workers, rate limits, the frontend's headers) is in
test_hardening_httpd.py."""

import pytest

from helpers import jwt_key, jwt_sign, now, raw_request

JSON_PREFIX = "application/json"


def _expect_json_error(stack, data, status, code):
    got, headers, body = raw_request(stack, data)
    assert got == status, body[:300]
    assert headers["content-type"].startswith(JSON_PREFIX), (headers, body[:300])
    import json
    doc = json.loads(body)
    assert doc["code"] == code and isinstance(doc["detail"], str) and doc["detail"]
    assert set(doc) == {"detail", "code"}
    return headers, doc


# ---- httpd's own errors answer JSON for /api/ URLs (finding 3) -----------------------------

H = b"Host: a\r\nConnection: close\r\n"

# (request bytes, status, code): each is refused by httpd before any <Location> applies.
REFUSED = {
    "nul in path": (b"GET /api/x%00y HTTP/1.1\r\n" + H + b"\r\n", 404, "not_found"),
    "trace": (b"TRACE /api/ HTTP/1.1\r\n" + H + b"\r\n", 405, "method_not_allowed"),
    "connect": (b"CONNECT /api/ HTTP/1.1\r\n" + H + b"\r\n", 400, "parse_error"),
    "oversized header": (b"GET /api/ HTTP/1.1\r\n" + H + b"X-Big: " + b"a" * 9000 + b"\r\n\r\n",
                         400, "parse_error"),
    "too many headers": (b"GET /api/ HTTP/1.1\r\n" + H
                         + b"".join(b"X-%d: 1\r\n" % i for i in range(120)) + b"\r\n",
                         400, "parse_error"),
    "nul in header": (b"GET /api/ HTTP/1.1\r\n" + H + b"X-A: a\x00b\r\n\r\n", 400, "parse_error"),
    "two content-lengths": (b"POST /api/accounts/login/ HTTP/1.1\r\n" + H
                            + b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
                            400, "parse_error"),
    "negative content-length": (b"POST /api/accounts/login/ HTTP/1.1\r\n" + H
                                + b"Content-Length: -1\r\n\r\n", 400, "parse_error"),
    "unknown transfer-encoding": (b"POST /api/accounts/login/ HTTP/1.1\r\n" + H
                                  + b"Transfer-Encoding: gzip\r\n\r\n", 400, "parse_error"),
    "expect foo": (b"POST /api/accounts/login/ HTTP/1.1\r\n" + H
                   + b"Expect: foo\r\nContent-Length: 2\r\n\r\n{}", 417, "expectation_failed"),
    "uri over the line limit": (b"GET /api/" + b"a" * 9000 + b" HTTP/1.1\r\n" + H + b"\r\n",
                                414, "uri_too_long"),
    # HTTP/0.9 used to be answered with a bare body and no headers (HttpProtocolOptions
    # Require1.0 refuses it)
    "http/0.9": (b"GET /api/\r\n", 400, "parse_error"),
    "lower-case method": (b"get /api/ HTTP/1.1\r\n" + H + b"\r\n", 405, "method_not_allowed"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_httpd_refusals_answer_json_for_api_urls(stack, name):
    data, status, code = REFUSED[name]
    headers, doc = _expect_json_error(stack, data, status, code)
    assert headers.get("x-content-type-options") == "nosniff"
    if name == "trace":
        assert doc["detail"] == 'Method "TRACE" not allowed.'


def test_httpd_refusals_outside_api_keep_httpd_pages(stack):
    """The frontend's errors stay httpd's: only /api/ answers are JSON."""
    for data in (b"GET /x%00y HTTP/1.1\r\n" + H + b"\r\n",
                 b"GET /no-such-page HTTP/1.1\r\n" + H + b"\r\n",
                 b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n" + H + b"\r\n"):
        status, headers, body = raw_request(stack, data)
        assert status in (404, 414)
        assert headers["content-type"].startswith("text/html"), headers
    # a path that only starts like the API is not the API
    status, headers, _ = raw_request(stack, b"GET /apix%00 HTTP/1.1\r\n" + H + b"\r\n")
    assert status == 404 and headers["content-type"].startswith("text/html")


def test_head_of_an_httpd_refusal_has_no_body(stack):
    status, headers, body = raw_request(stack, b"HEAD /api/x%00y HTTP/1.1\r\n" + H + b"\r\n")
    assert status == 404
    assert headers["content-type"].startswith(JSON_PREFIX)
    assert body == b""


# ---- JWT crit (finding 9) ------------------------------------------------------------------


def test_token_with_crit_header_is_refused(api, stack, read_mails):
    """RFC 7515 4.1.11: a correctly signed token that names critical extensions is refused."""
    from helpers import create_user, jwt_claims
    user = create_user(api, read_mails, login_now=True)
    claims = jwt_claims(user["access"])
    key = jwt_key(stack)
    good = jwt_sign(claims, key)
    assert api.get("accounts/profile/", token=good).status_code == 200
    for crit in (["exp"], [], "x"):
        bad = jwt_sign(claims, key, header={"alg": "HS256", "typ": "JWT", "crit": crit, "exp": 1})
        r = api.get("accounts/profile/", token=bad)
        assert r.status_code == 401, r.text
        assert r.json()["code"] == "token_not_valid"
    assert claims["exp"] > now()
