"""The API description (openapi.yaml + openapi/*.yaml) as the tests see it.

    doc = document()                      # the bundle cli/openapi_bundle.py builds for the module
    routes = route_table()                # [(METHOD, "/path/{id}/", roles set, flags set)]
    check = ResponseChecker(doc, routes)
    problem = check(response)             # None, or a sentence saying what does not match

How a response is judged (tests/api/conftest.py hooks it on every Api session, docs/API.md):
- Only /api/... requests; /api/docs/ (static files served by httpd) is not the API.
- The path loses its query and gains the canonical trailing slash; "/api" is "/". It is matched
  against the document's paths, "{name}" taking what the router takes (1 to 18 digits, not 0),
  literal paths first. HEAD is judged as GET (its body is empty).
- An operation found: the status must be declared (exact, "4XX" or "default"); a JSON body must
  match the schema of its response's application/json content (Draft 2020-12, refs resolved in
  the bundle); a response declared without content must have an empty body. A non-JSON body
  (downloads, CSV, the event stream) is not read: only its status is checked.
- No operation for the path and method, but handlers/routes.c has the route: the description
  lacks it, a failure whatever the status.
- No such route at all: the server must say so in the Error shape, 404 for an unknown path, 405
  for a known path with another method (with Allow). OPTIONS (answered by the module for every
  path, not a route) must be a 204 or that 404.
- A 503 with code not_configured is the unconfigured server's answer to every /api/ request
  before routing, and 408, 411, 414, 417, 431 and 501 are httpd's own answers to a request it
  cannot take (core/errors.c renders them as JSON for /api/ URLs) on any path: checked against
  Error only, never as answers of an operation.

CC_OPENAPI_HOOK=described limits the checks to requests whose path the document describes
(while a group's description is being written); the default, strict, judges every request.
"""

import json
import os
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
from jsonschema import Draft202012Validator, RefResolver

REPO = Path(__file__).resolve().parents[2]
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
ALL_ROLES = ("anonymous", "candidate", "recruiter", "admin")
ROLE_NAMES = {"CAND": {"candidate"}, "RECR": {"recruiter"}, "ADMIN": {"admin"},
              "ANY": {"candidate", "recruiter", "admin"}}

# Answered by httpd before any route is chosen (see the module docstring).
HTTPD_STATUSES = frozenset({408, 411, 414, 417, 431, 501})

_doc = None


def document():
    """The bundled document, built once per process with the module's own bundler."""
    global _doc
    if _doc is None:
        sys.path.insert(0, str(REPO / "cli"))
        try:
            import openapi_bundle
        finally:
            sys.path.pop(0)
        _doc = openapi_bundle.bundle(REPO)
    return _doc


_ROW = re.compile(r'^\s*\{"(GET|POST|PUT|PATCH|DELETE)",\s*"([^"]*)",\s*([^,]+),\s*([^,]+),')


def route_table(path=None):
    """handlers/routes.c's rows as (METHOD, "/pattern/", roles, flags): roles a set of x-roles
    names, flags a set of the flag macros (NOAUTH, FORM, STREAM)."""
    text = Path(path or REPO / "handlers" / "routes.c").read_text()
    rows = []
    for line in text.splitlines():
        m = _ROW.match(line)
        if not m:
            if re.match(r'^\s*\{"[A-Z]+",', line):
                raise ValueError(f"routes.c: a row this parser does not read: {line.strip()}")
            continue
        method, pattern, roles_expr, flags_expr = m.groups()
        flags = {f.strip() for f in flags_expr.split("|")} - {"0"}
        roles = set()
        for tok in (t.strip() for t in roles_expr.split("|")):
            if tok == "0":
                continue
            if tok not in ROLE_NAMES:
                raise ValueError(f"routes.c: unknown role {tok!r} in {line.strip()}")
            roles |= ROLE_NAMES[tok]
        if not roles:  # roles 0: public (with or without a token)
            roles = set(ALL_ROLES)
        rows.append((method, "/" + pattern, frozenset(roles), frozenset(flags)))
    if not rows:
        raise ValueError("routes.c: no route rows found")
    return rows


def expected_security(roles, flags):
    """The security requirement a route's row implies (see openapi.yaml's opening comment)."""
    if "NOAUTH" in flags:
        return []
    if "anonymous" in roles:
        return [{}, {"bearerAuth": []}]
    return [{"bearerAuth": []}]


def _template_regex(template):
    out = ""
    for piece in re.split(r"(\{[^}/]+\})", template):
        if piece.startswith("{") and piece.endswith("}"):
            out += r"(0*[1-9][0-9]{0,17})"  # core/router.c: a positive id of at most 18 digits
        else:
            out += re.escape(piece)
    return re.compile(out + r"\Z")


class _Paths:
    """Templates ordered literal-first, each with its regex."""

    def __init__(self, templates):
        self.items = sorted(((t, _template_regex(t)) for t in templates),
                            key=lambda tr: ("{" in tr[0], tr[0]))

    def match(self, path):
        for t, rx in self.items:
            if rx.match(path):
                return t
        return None


def api_path(url):
    """The path relative to the server url /api, canonical ("/jobs/5/"), or None."""
    path = urlsplit(url).path
    if path == "/api":
        return "/"
    if not path.startswith("/api/"):
        return None
    path = path[4:]
    if not path.endswith("/"):
        path += "/"
    return path


def _is_json(response):
    ct = response.headers.get("Content-Type", "")
    return ct.split(";")[0].strip().lower() == "application/json"


def _where(error):
    parts = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    return "$" + parts


class ResponseChecker:
    def __init__(self, doc=None, routes=None, mode=None):
        self.doc = doc if doc is not None else document()
        self.mode = mode or os.environ.get("CC_OPENAPI_HOOK", "strict")
        if self.mode not in ("strict", "described"):
            raise ValueError(f"CC_OPENAPI_HOOK={self.mode!r}: strict or described")
        self.paths = _Paths(self.doc.get("paths", {}))
        rows = routes if routes is not None else route_table()
        self.routes = {(m, p) for m, p, _, _ in rows}
        self.route_paths = _Paths({p for _, p, _, _ in rows})
        self.resolver = RefResolver(base_uri="", referrer=self.doc)
        self._validators = {}
        self.error_schema = {"$ref": "#/components/schemas/Error"}

    def _validator(self, key, schema):
        v = self._validators.get(key)
        if v is None:
            v = Draft202012Validator(schema, resolver=self.resolver)
            self._validators[key] = v
        return v

    def _body_problem(self, key, schema, response):
        try:
            body = response.json()
        except ValueError:
            return "the body is not valid JSON"
        err = jsonschema.exceptions.best_match(self._validator(key, schema).iter_errors(body))
        if err is None:
            return None
        return (f"body does not match at {_where(err)}: {err.message} "
                f"(schema path {'/'.join(str(p) for p in err.absolute_schema_path)})")

    def __call__(self, response):
        """None when the response keeps to the description, else what is wrong."""
        req = response.request
        path = api_path(req.url)
        if path is None or path.startswith("/docs/"):
            return None
        method = req.method.upper()
        what = f"{method} {urlsplit(req.url).path} -> {response.status_code}"
        problem = self._check(method, path, response)
        return f"OpenAPI: {what}: {problem}" if problem else None

    def _error_shape(self, response, status_wanted, why):
        if response.status_code not in status_wanted:
            return why
        if not _is_json(response):
            return f"{why}; and the body is not JSON"
        return self._body_problem("Error", self.error_schema, response)

    @staticmethod
    def _not_configured(response):
        if not (_is_json(response) and response.content):
            return False
        try:
            body = response.json()
        except ValueError:
            return False
        return isinstance(body, dict) and body.get("code") == "not_configured"

    def _check(self, method, path, response):
        status = response.status_code
        if status in HTTPD_STATUSES:
            return self._error_shape(response, (status,), "")
        template = self.paths.match(path)
        if status == 503 and self._not_configured(response):
            # before routing; an operation that declares its 503 (health/) is held to it
            item = self.doc["paths"].get(template) if template else None
            op = (item or {}).get("get" if method == "HEAD" else method.lower())
            if not op or "503" not in op.get("responses", {}):
                return self._body_problem("Error", self.error_schema, response)
        if template is None and self.mode == "described":
            return None
        if method == "OPTIONS":
            if status == 204:
                return None
            return self._error_shape(response, (404,), "OPTIONS answers 204, or 404 off the routes")
        look = "GET" if method == "HEAD" else method
        item = self.doc["paths"].get(template) if template else None
        op = item.get(look.lower()) if item else None
        if op is None:
            route = self.route_paths.match(path)
            if route is not None and (look, route) in self.routes:
                return f"the route {look} {route} of handlers/routes.c is not described"
            if route is None:
                return self._error_shape(response, (404,),
                                         "no route has this path: the answer must be a 404")
            return self._error_shape(response, (405,),
                                     f"{route} has no {look} route: the answer must be a 405")
        responses = op.get("responses", {})
        code = str(status)
        key = code if code in responses else code[0] + "XX"
        if key not in responses:
            key = "default" if "default" in responses else None
        if key is None:
            return (f"status {status} is not declared for {look.lower()} {template} "
                    f"(declared: {', '.join(sorted(responses))})")
        resp = responses[key]
        if "$ref" in resp:
            resp = self.resolver.resolve(resp["$ref"])[1]
        if method == "HEAD" or status == 304 or not _is_json(response):
            return None
        content = resp.get("content") or {}
        media = content.get("application/json")
        if media is None:
            if not response.content:
                return None
            return (f"a JSON body, but response {key} of {look.lower()} {template} declares "
                    f"no application/json content ({', '.join(content) or 'none'})")
        if "schema" not in media:
            return None
        return self._body_problem((look, template, key), media["schema"], response)


def install(session, checker, record):
    """Adds the response hook to a requests.Session: every response is judged; a problem is
    recorded (so a test that catches the exception still fails) and raised."""

    def hook(response, *args, **kwargs):
        problem = checker(response)
        if problem:
            record(problem)
            raise OpenAPIMismatch(problem)
        return response

    session.hooks["response"].append(hook)


class OpenAPIMismatch(AssertionError):
    pass


if __name__ == "__main__":  # quick look: the operations and the routes that differ
    d = document()
    ops = {(m.upper(), p) for p, item in d["paths"].items() for m in item if m in METHODS}
    rt = {(m, p) for m, p, _, _ in route_table()}
    print(json.dumps({"missing": sorted(rt - ops), "extra": sorted(ops - rt)}, indent=1))
