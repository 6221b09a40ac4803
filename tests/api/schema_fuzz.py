"""Schema-driven fuzzer of the API: requests generated with Hypothesis from the OpenAPI document.

How it works (docs/notes/schema-fuzz.md has the long version):
- The document is the one the server serves at GET /api/schema/ (CC_OPENAPI=file.json|yaml
  fuzzes another).
- For every operation, a Hypothesis strategy draws one request: a caller (no token, a garbage
  token, or a token of a candidate, a recruiter, an admin, or a second candidate or recruiter
  who owns nothing of the first's), path ids (existing rows of the table behind the path, which
  belong to some caller or none, 0, negative, huge, non-numeric), query parameters (the declared
  ones with valid or invalid values, plus garbage) and a body (valid from the request body
  schema, or broken: a missing required field, a wrong type, a null, a huge or hostile string,
  extra fields, a body that is not an object, malformed JSON, a wrong content type).
- Every answer is checked: no 5xx (503 included: the database is up), the status is declared
  for the operation, a JSON body matches the declared schema (JSON Schema 2020-12), a 401 has
  its WWW-Authenticate header, and a refused request (4xx) wrote nothing: AFTER ROW triggers
  on every table of the fuzz stack's database note each inserted, updated or deleted row in
  fuzz_audit.log, which is drained after every request (one query on a kept-open psql).
- Problems are collected (one per operation, kind and status) instead of stopping at the
  first one, so a run reports everything it found, each with the request that showed it.
"""

import json
import os
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

import hypothesis.configuration
import hypothesis.errors
import jsonschema
import requests
import yaml
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st

import samples
from openapi_check import HTTPD_STATUSES

# database=None keeps no examples, but Hypothesis still caches its Unicode tables under
# ./.hypothesis: outside the tree (the suite never writes into the checkout)
hypothesis.configuration.set_hypothesis_home_dir(
    os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY")
    or os.path.join(tempfile.gettempdir(), f"cc-hypothesis-{os.getuid()}"))

METHODS = ("get", "put", "post", "patch", "delete")
HTTPD_REFUSAL = {"content": ["application/json"], "schema": {"$ref": "#/components/schemas/Error"}}
BODY_METHODS = ("put", "post", "patch")

# Tables whose rows a refused request may write, by design (not a leak of the refused action):
# a failed login is counted (login_failures, throttle_events) so that guessing is throttled.
REFUSED_WRITES_ALLOWED = {
    "login_failures": "a failed login is counted for the login throttle (CONTRACT §2)",
    "throttle_events": "refused attempts count towards the throttles (CONTRACT §1, 429)",
}

# Path prefix (longest first) -> tables whose ids are drawn for its {id}.
ID_TABLES = [
    ("/jobs/applications/", ["applications"]),
    ("/jobs/active/", ["active_jobs", "applications"]),
    ("/jobs/completed/", ["completed_jobs", "applications"]),
    ("/jobs/", ["jobs"]),
    ("/notifications/", ["notifications"]),
    ("/masters/skills/", ["skills"]),
    ("/masters/qualifications/", ["qualifications"]),
    ("/masters/locations/", ["locations"]),
    ("/documents/", ["documents"]),
    ("/testimonials/user/", ["users"]),
    ("/testimonials/", ["testimonials"]),
    ("/messaging/conversations/", ["conversations"]),
    ("/admin/users/", ["users"]),
    ("/profiles/hospital/recruiters/", ["users", "recruiter_profiles"]),
    ("/profiles/hospital-details/", ["hospitals"]),
    ("/profiles/candidate-details/", ["candidate_profiles", "users"]),
    ("/profiles/", ["users", "verification_requests", "candidate_profiles", "hospitals"]),
]

EDGE_IDS = [0, -1, -2147483648, 2147483647, 2147483648, 9223372036854775807,
            9223372036854775808, 10**30]
BAD_IDS = ["abc", "1.5", "1e3", "0x10", " 1", "1 ", "+1", "-0", "01", "%00", "\u0661", "1;2",
           "1,2", "\u00e9", "null", "[1]"]

NASTY_STRINGS = [
    "", " ", "\u0000", "a\u0000b", "\t\r\n", "'; DROP TABLE users; --", "\" OR 1=1 --",
    "%s%s%n", "{{7*7}}", "${jndi:ldap://x}", "<script>alert(1)</script>", "../../etc/passwd",
    "\u202e\u0645\u0631\u062d\u0628\u0627", "\U0001f600\U0001f9d1\u200d\u2695\ufe0f",
    "e\u0301\u0301\u0301", "\ufeff", "\uffff", "\ud800", "\udfff\ud800", "null", "true", "0",
    "-1", "1e999", "NaN", "2026-02-30", "2026-13-01T25:61:61Z", "\\", "\\u0000",
    "a" * 300, "\u00e9" * 5000, "x" * 70000,
]
HUGE_NUMBERS = [2**31, -(2**31) - 1, 2**63, -(2**63) - 1, 10**40, 1e308, -1e308, 0.1, -0.0, 1.5]

# Upload file parts: real files of each accepted type (tests/api/samples.py, built when drawn)
# and junk.
UPLOADS = [samples.pdf, samples.png, samples.jpeg, samples.docx, samples.doc, samples.gif,
           samples.elf, samples.zip_of, b"", b"%PDF-1.4 truncated", b"\x00" * 1024,
           b"<html><script>alert(1)</script></html>", bytes(range(256)) * 64]
UPLOAD_NAMES = ["cv.pdf", "photo.png", "x.exe", "../../etc/passwd", "\u00e9t\u00e9.pdf", "",
                "a" * 300 + ".pdf", "cv.pdf\x00.exe", 'q"uote.pdf', "CON"]

GARBAGE_TOKENS = [
    "garbage", "a.b.c", "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJ1c2VyX2lkIjoxLCJ0b2tlbl90eXBl"
    "IjoiYWNjZXNzIiwicm9sZSI6ImFkbWluIn0.", "..", "\u00e9\u00e9", "x" * 5000,
]


def _json_dumps(value):
    return json.dumps(value, ensure_ascii=True)


# ---- the document ------------------------------------------------------------------------------


def load_document(base_url, session):
    """(document, where it came from): CC_OPENAPI, else what the server serves."""
    path = os.environ.get("CC_OPENAPI")
    if path:
        return _load_file(Path(path)), path
    r = session.get(base_url + "/api/schema/", timeout=30)
    assert r.status_code == 200, f"GET /api/schema/: {r.status_code} {r.text[:300]}"
    return r.json(), "GET /api/schema/"


def _load_file(path):
    text = Path(path).read_text(encoding="utf-8")
    return json.loads(text) if str(path).endswith(".json") else yaml.safe_load(text)


class Document:
    def __init__(self, doc):
        self.doc = doc
        self.resolver = jsonschema.RefResolver("", doc)
        self._validators = {}

    def deref(self, obj):
        seen = 0
        while isinstance(obj, dict) and "$ref" in obj and len(obj) == 1:
            ref = obj["$ref"]
            if not ref.startswith("#/"):
                raise ValueError(f"only local $ref supported: {ref}")
            node = self.doc
            for part in ref[2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
            obj = node
            seen += 1
            if seen > 50:
                raise ValueError(f"$ref loop at {ref}")
        return obj

    def validator(self, schema):
        key = id(schema)
        v = self._validators.get(key)
        if v is None:
            v = jsonschema.Draft202012Validator(schema, resolver=self.resolver,
                                                format_checker=jsonschema.FormatChecker())
            self._validators[key] = (v, schema)  # keep schema alive so id() stays unique
            return v
        return v[0]

    def operations(self):
        ops = []
        for path, item in sorted(self.doc.get("paths", {}).items()):
            item = self.deref(item)
            common = [self.deref(p) for p in item.get("parameters", [])]
            for method in METHODS:
                if method in item:
                    ops.append(Operation(self, path, method, self.deref(item[method]), common))
        return ops


class Operation:
    def __init__(self, document, path, method, op, common_params):
        self.document = document
        self.path = path
        self.method = method
        self.op = op
        self.key = op.get("operationId") or f"{method.upper()} {path}"
        params = {}
        for p in common_params + [document.deref(p) for p in op.get("parameters", [])]:
            params[(p.get("in"), p.get("name"))] = p
        self.path_params = [p for (where, _), p in params.items() if where == "path"]
        self.query_params = [p for (where, _), p in params.items() if where == "query"]
        self.roles = op.get("x-roles") or []
        body = document.deref(op.get("requestBody") or {})
        content = body.get("content") or {}
        self.body_required = bool(body.get("required"))
        self.body_schema = None
        for ctype in ("application/json",) + tuple(content):
            media = content.get(ctype)
            if media is not None and "schema" in media:
                self.body_schema = media["schema"] if ctype == "application/json" else None
                break
        self.multipart_schema = (content.get("multipart/form-data") or {}).get("schema")
        self.responses = {}
        for status, resp in (op.get("responses") or {}).items():
            resp = document.deref(resp)
            media = (resp.get("content") or {})
            json_media = next((m for c, m in media.items() if "json" in c), None)
            self.responses[str(status).upper()] = {
                "content": list(media),
                "schema": (json_media or {}).get("schema") if json_media else None,
            }

    def __repr__(self):
        return f"<{self.method.upper()} {self.path} {self.key}>"

    def declared(self, status):
        """The response object declared for status (exact, then 4XX, then default), or None."""
        s = str(status)
        return (self.responses.get(s) or self.responses.get(s[0] + "XX")
                or self.responses.get("DEFAULT"))

    def table_hint(self):
        for prefix, tables in ID_TABLES:
            if self.path.startswith(prefix):
                return tables
        return ["users"]


# ---- strategies from JSON Schema ---------------------------------------------------------------


def _fmt_datetime(d):
    return d.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _fmt_date(d):
    return d.isoformat()


def _fmt_time(t):
    return t.strftime("%H:%M:%S")


@st.composite
def fixed_dict(draw, required, optional=None):
    """st.fixed_dictionaries without its cost: Hypothesis describes that strategy (a repr of
    the whole tree) at every draw, which took longer than the request."""
    out = {k: draw(v) for k, v in required.items()}
    for k, v in (optional or {}).items():
        if draw(st.booleans()):
            out[k] = draw(v)
    return out


def _flatten_query(t):
    return [x for x in t[0] if x is not None] + t[1]


JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                        st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20))
ANY_JSON = st.recursive(JSON_LEAVES, lambda c: st.one_of(st.lists(c, max_size=3),
                                                          st.dictionaries(st.text(max_size=8),
                                                                          c, max_size=3)),
                        max_leaves=8)

WRONG_BY_TYPE = {
    "string": st.one_of(st.integers(), st.booleans(), st.just([]), st.just({}),
                        st.floats(allow_nan=False)),
    "integer": st.one_of(st.text(max_size=10), st.sampled_from(HUGE_NUMBERS), st.just([1]),
                         st.booleans(), st.just("1")),
    "number": st.one_of(st.text(max_size=10), st.just([1.5]), st.booleans(),
                        st.sampled_from(HUGE_NUMBERS)),
    "boolean": st.one_of(st.sampled_from(["true", "yes", 1, 0, "1", "", None]), st.text()),
    "array": st.one_of(st.text(max_size=10), st.integers(), st.just({}),
                       st.lists(ANY_JSON, max_size=4), st.just([None])),
    "object": st.one_of(st.text(max_size=10), st.integers(), st.just([]), ANY_JSON),
    "null": st.one_of(st.integers(), st.text(max_size=5)),
}


class Strategies:
    """Strategies are built once per schema and kept: building them again inside a composite
    draw makes Hypothesis describe (repr) each new one, which cost more than the requests."""

    def __init__(self, document):
        self.d = document
        self._memo = {}

    def _cached(self, kind, schema, build):
        key = (kind, id(schema))
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = (build(), schema)  # schema kept alive: id() stays unique
        return hit[0]

    def merged(self, schema):
        """A shallow merge of allOf parts (enough to draw objects from)."""
        schema = self.d.deref(schema)
        if not isinstance(schema, dict) or "allOf" not in schema:
            return schema
        return self._cached("merged", schema, lambda: self._merge(schema))

    def _merge(self, schema):
        out = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            part = self.merged(part)
            if not isinstance(part, dict):
                continue
            for k, v in part.items():
                if k == "properties":
                    out.setdefault("properties", {}).update(v)
                elif k == "required":
                    out["required"] = sorted(set(out.get("required", [])) | set(v))
                else:
                    out.setdefault(k, v)
        return out

    def types(self, schema):
        schema = self.merged(schema)
        if not isinstance(schema, dict):
            return []
        t = schema.get("type")
        if isinstance(t, list):
            return t
        if t:
            return [t]
        if "properties" in schema:
            return ["object"]
        if "items" in schema:
            return ["array"]
        return []

    def valid(self, schema, depth=0):
        if isinstance(schema, dict):
            return self._cached(("valid", depth), schema, lambda: self._valid(schema, depth))
        return self._valid(schema, depth)

    def _valid(self, schema, depth):
        schema = self.merged(schema)
        if schema is True or schema == {} or schema is None:
            return ANY_JSON
        if schema is False:
            return st.nothing()
        if "const" in schema:
            return st.just(schema["const"])
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        for key in ("oneOf", "anyOf"):
            if key in schema:
                rest = {k: v for k, v in schema.items() if k != key}
                return st.one_of([self.valid({**rest, **self.merged(s)} if rest else s, depth)
                                  for s in schema[key]])
        types = self.types(schema) or ["string", "integer", "object"]
        return st.one_of([self._valid_type(schema, t, depth) for t in types])

    def _valid_type(self, schema, t, depth):
        if t == "null":
            return st.none()
        if t == "boolean":
            return st.booleans()
        if t == "integer":
            lo, hi = schema.get("minimum"), schema.get("maximum")
            if isinstance(schema.get("exclusiveMinimum"), (int, float)):
                lo = int(schema["exclusiveMinimum"]) + 1
            if isinstance(schema.get("exclusiveMaximum"), (int, float)):
                hi = int(schema["exclusiveMaximum"]) - 1
            lo = -(10**6) if lo is None else int(lo)
            hi = lo + 10**6 if hi is None else int(hi)
            return st.integers(lo, hi)
        if t == "number":
            return st.floats(schema.get("minimum", -1e6), schema.get("maximum", 1e6),
                             allow_nan=False, allow_infinity=False)
        if t == "string":
            return self._valid_string(schema)
        if t == "array":
            if depth > 3:
                return st.just([])
            lo = schema.get("minItems", 0)
            hi = min(schema.get("maxItems", lo + 3), lo + 3)
            items = self.valid(schema.get("items", {}), depth + 1)
            return st.lists(items, min_size=lo, max_size=hi,
                            unique_by=(_json_dumps if schema.get("uniqueItems") else None))
        if t == "object":
            if depth > 3:
                return st.just({})
            props = schema.get("properties", {})
            required = set(schema.get("required", []))
            req = {k: self.valid(v, depth + 1) for k, v in props.items() if k in required}
            opt = {k: self.valid(v, depth + 1) for k, v in props.items() if k not in required}
            return fixed_dict(req, optional=opt)
        return ANY_JSON

    def _valid_string(self, schema):
        fmt = schema.get("format")
        lo = schema.get("minLength", 0)
        hi = schema.get("maxLength")
        if "pattern" in schema:
            s = st.from_regex(schema["pattern"], fullmatch=True)
        elif fmt == "date":
            s = st.dates().map(_fmt_date)
        elif fmt == "date-time":
            s = st.datetimes().map(_fmt_datetime)
        elif fmt == "time":
            s = st.times().map(_fmt_time)
        elif fmt == "email":
            s = st.emails()
        elif fmt in ("uri", "url"):
            s = st.sampled_from(["https://example.com/", "http://a.test/x?y=1"])
        else:
            s = st.one_of(st.text(min_size=lo, max_size=(hi if hi is not None else lo + 40)),
                          st.from_regex(r"[A-Za-z][A-Za-z0-9 .,-]{0,30}", fullmatch=True))
        if lo or hi is not None:
            def fits(v):
                return len(v) >= lo and (hi is None or len(v) <= hi)

            s = s.filter(fits)
        return s

    def invalid_value(self, schema):
        """A value the schema should refuse (or at least a hostile one)."""
        if isinstance(schema, dict):
            return self._cached("invalid", schema, lambda: self._invalid_value(schema))
        return self._invalid_value(schema)

    def _invalid_value(self, schema):
        types = self.types(schema)
        wrong = [WRONG_BY_TYPE[t] for t in types if t in WRONG_BY_TYPE]
        options = [st.sampled_from(NASTY_STRINGS), st.sampled_from(HUGE_NUMBERS), st.none(),
                   ANY_JSON, st.text(alphabet=st.characters(blacklist_categories=("Cs",)),
                                     max_size=40)]
        return st.one_of(wrong + options)

    @st.composite
    def _broken_object(draw, self, schema):
        schema = self.merged(schema)
        value = draw(self.valid(schema))
        if not isinstance(value, dict):
            return draw(self.invalid_value(schema))
        props = schema.get("properties", {})
        required = list(schema.get("required", []))
        how = draw(st.sampled_from(["drop", "wrong", "wrong", "null", "extra", "empty", "nasty"]))
        if how == "drop" and required:
            for k in draw(st.lists(st.sampled_from(required), min_size=1, unique=True)):
                value.pop(k, None)
        elif how in ("wrong", "null", "nasty") and props:
            names = draw(st.lists(st.sampled_from(sorted(props)), min_size=1, max_size=3,
                                  unique=True))
            for k in names:
                if how == "null":
                    value[k] = None
                elif how == "nasty":
                    value[k] = draw(st.sampled_from(NASTY_STRINGS))
                else:
                    value[k] = draw(self.invalid_value(props[k]))
        elif how == "empty":
            value = {}
        else:
            extra = draw(st.dictionaries(
                st.one_of(st.sampled_from(["id", "role", "is_admin", "is_active", "user",
                                           "owner", "status", "created_at", "password",
                                           "is_verified", "hospital", "__proto__"]),
                          st.text(max_size=12)),
                ANY_JSON, min_size=1, max_size=4))
            value.update(extra)
        return value

    @st.composite
    def _multipart(draw, self, schema):
        """A multipart/form-data body from the schema: text parts valid or hostile, file parts
        (properties with contentMediaType or format binary) a real sample or junk."""
        schema = self.merged(schema)
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        boundary = "fuzz" + draw(st.from_regex(r"[a-z0-9]{8}", fullmatch=True))
        out = b""
        for name in sorted(props):
            prop = self.merged(props[name])
            if name not in required and draw(st.integers(0, 3)):
                continue
            if name in required and draw(st.integers(0, 9)) == 0:
                continue  # a required part left out
            if "contentMediaType" in prop or prop.get("format") == "binary":
                data = draw(st.sampled_from(UPLOADS))
                if not isinstance(data, bytes):
                    data = data()
                fname = draw(st.sampled_from(UPLOAD_NAMES))
                ctype = draw(st.sampled_from(["application/octet-stream", "application/pdf",
                                              "image/png", "text/plain"]))
                head = (f'Content-Disposition: form-data; name="{name}"; filename="{fname}"\r\n'
                        f"Content-Type: {ctype}")
            else:
                value = draw(self._mostly(self.valid(prop), self.invalid_value(prop)))
                data = (value if isinstance(value, str) else _query_str(value)).encode(
                    "utf-8", "surrogatepass")
                head = f'Content-Disposition: form-data; name="{name}"'
            out += (f"--{boundary}\r\n{head}\r\n\r\n".encode("utf-8", "surrogatepass")
                    + data + b"\r\n")
        out += f"--{boundary}--\r\n".encode()
        return ("multipart", f"multipart/form-data; boundary={boundary}", out, None)

    def body(self, op):
        """(kind, content_type, raw bytes or None, json value or None)."""
        if op.multipart_schema is not None:
            return self._mostly(self._multipart(op.multipart_schema), self._json_or_raw(op))
        return self._json_or_raw(op)

    @st.composite
    def _mostly(draw, self, usual, other):
        """usual 3 times in 4 (one_of would flatten other's branches and outweigh usual)."""
        return draw(usual if draw(st.integers(0, 3)) else other)

    def _json_or_raw(self, op):
        schema = op.body_schema if op.body_schema is not None else {}
        # tuples, not .map(lambda): Hypothesis reads a lambda's source at every draw
        json_ct = st.just("application/json")
        json_body = st.one_of(
            st.tuples(st.just("valid"), json_ct, st.none(), self.valid(schema)),
            st.tuples(st.just("invalid"), json_ct, st.none(), self._broken_object(schema)),
            st.tuples(st.just("notobject"), json_ct, st.none(), ANY_JSON),
        )
        raw = st.sampled_from([
            ("malformed", "application/json", b'{"a":', None),
            ("malformed", "application/json", b"{'a': 1}", None),
            ("malformed", "application/json", b'{"a": 1,}', None),
            ("malformed", "application/json", b'{"a":"\xff\xfe"}', None),
            ("malformed", "application/json", b'{"a":"\\ud800"}', None),
            ("malformed", "application/json", b"[" * 5000 + b"]" * 5000, None),
            ("malformed", "application/json", b'{"a":1}{"b":2}', None),
            ("malformed", "application/json", b"\xef\xbb\xbf{}", None),
            ("empty", "application/json", b"", None),
            ("ctype", "text/plain", b"hello", None),
            ("ctype", "application/xml", b"<a/>", None),
            ("ctype", None, b'{"a": 1}', None),
            ("ctype", "application/x-www-form-urlencoded", b"email=a%40b.c&password=x&%zz", None),
            ("ctype", "multipart/form-data; boundary=x", b"--x\r\nbroken", None),
            ("ctype", "application/json; charset=latin1", b'{"a": "\xe9"}', None),
            ("big", "application/json", b'{"a": "' + b"x" * (3 * 1024 * 1024) + b'"}', None),
        ])
        return st.one_of(json_body, json_body, raw)

    def query(self, op):
        """A list of (name, value) pairs."""
        pairs = []
        for p in op.query_params:
            schema = p.get("schema", {})
            val = st.one_of(self.valid(schema).map(_query_str),
                            self.valid(schema).map(_query_str),
                            self.invalid_value(schema).map(_query_str))
            pairs.append(st.one_of(st.none(), st.tuples(st.just(p["name"]), val)))
        garbage = st.lists(st.tuples(
            st.one_of(st.text(max_size=10), st.sampled_from(["page", "page_size", "cursor",
                                                             "ordering", "search", "id"])),
            st.one_of(st.text(max_size=20), st.sampled_from(NASTY_STRINGS[:30]),
                      st.sampled_from(["-1", "0", "999999999999999999999", "1.5", "true"]))),
            max_size=3)
        return st.tuples(st.tuples(*pairs) if pairs else st.just(()), garbage).map(_flatten_query)


def _query_str(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return ""
    if isinstance(v, (list, dict)):
        return ",".join(_query_str(x) for x in v) if isinstance(v, list) else _json_dumps(v)
    return str(v)


# ---- a kept-open psql --------------------------------------------------------------------------


class Psql:
    """One psql process for the many small queries of a run (a process per query would cost more
    than the request it checks)."""

    MARK = "@@fuzz-end@@"

    def __init__(self, stack):
        argv = [str(Path("/usr/lib/postgresql/15/bin/psql")), "-X", "-q", "-A", "-t", "-F", "\t",
                "-h", stack.sockdir, "-p", str(stack.pg_port), "-U", "carechain",
                "-d", "carechain"]
        self.proc = subprocess.Popen(stack._as_service(argv), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     encoding="utf-8", errors="replace", bufsize=1,
                                     cwd=str(stack.base_dir))

    def query(self, sql):
        self.proc.stdin.write(sql.rstrip().rstrip(";") + ";\n\\echo " + self.MARK + "\n")
        self.proc.stdin.flush()
        rows = []
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("psql exited")
            line = line.rstrip("\n")
            if line == self.MARK:
                break
            if line.startswith(("ERROR:", "psql:")):
                raise RuntimeError(f"psql: {line} (for {sql[:200]})")
            if line:
                rows.append(line.split("\t"))
        return rows

    def close(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


AUDIT_SQL = r"""
DROP SCHEMA IF EXISTS fuzz_audit CASCADE;
CREATE SCHEMA fuzz_audit;
CREATE UNLOGGED TABLE fuzz_audit.log (id bigserial PRIMARY KEY, tbl text NOT NULL,
                                      op text NOT NULL);
CREATE FUNCTION fuzz_audit.note() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  INSERT INTO fuzz_audit.log (tbl, op) VALUES (TG_TABLE_NAME, TG_OP);
  RETURN NULL;
END $f$;
DO $d$
DECLARE t record;
BEGIN
  FOR t IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition LOOP
    EXECUTE format('CREATE TRIGGER zz_fuzz_audit AFTER INSERT OR UPDATE OR DELETE ON %s'
                   ' FOR EACH ROW EXECUTE FUNCTION fuzz_audit.note()', t.rel);
  END LOOP;
END $d$;
"""

TAKE_SQL = ("WITH d AS (DELETE FROM fuzz_audit.log RETURNING tbl, op) "
            "SELECT tbl, op, count(*) FROM d GROUP BY 1, 2 ORDER BY 1, 2")


# ---- the run -----------------------------------------------------------------------------------


class Problem(Exception):
    pass


class Fuzzer:
    """Runs the operations of a document against a stack; see the module docstring."""

    def __init__(self, stack, document, actors, psql, log=print):
        self.stack = stack
        self.base = stack.base_url.rstrip("/") + "/api"
        self.d = document
        self.s = Strategies(document)
        self.actors = actors
        self.psql = psql
        self.log = log
        self.session = requests.Session()
        self.session.trust_env = False
        self.problems = {}  # (op key, kind, status) -> description of the first example
        self.requests = 0
        self.statuses = {}
        self.ids = {}

    # -- per operation --

    def refresh_ids(self, op):
        ids = []
        for table in op.table_hint():
            ids += [int(r[0]) for r in
                    self.psql.query(f"SELECT id FROM {table} ORDER BY id DESC LIMIT 25")]
        self.ids[op.key] = sorted(set(ids)) or [1]

    def request_strategy(self, op):
        ids = self.ids.get(op.key) or [1]
        id_value = st.one_of(st.sampled_from(ids), st.sampled_from(ids), st.sampled_from(ids),
                             st.sampled_from(EDGE_IDS), st.integers(1, 10**6),
                             st.sampled_from(BAD_IDS))
        path_values = fixed_dict({p["name"]: id_value for p in op.path_params})
        # every caller, and twice as often one the operation admits (its x-roles), so that
        # its bodies, queries and ids are judged by the handler and not only by the role check
        everyone = ["none", "garbage", "header"] + sorted(self.actors.roles())
        admitted = [c for c in everyone if ("anonymous" if c in ("none", "garbage", "header")
                                            else c.rstrip("2")) in op.roles] or everyone
        callers = st.one_of(st.sampled_from(everyone), st.sampled_from(admitted),
                            st.sampled_from(admitted))
        body = self.s.body(op) if op.method in BODY_METHODS else st.just(None)
        return fixed_dict({
            "caller": callers, "garbage": st.sampled_from(GARBAGE_TOKENS),
            "path": path_values, "query": self.s.query(op), "body": body,
        })

    def run_operation(self, op, examples, derandomize=True):
        self.refresh_ids(op)

        strategy = self.request_strategy(op)

        def one(data):
            # st.data(), not given(strategy): given describes its strategy (a repr of the whole
            # tree) at every example
            self.execute(op, data.draw(strategy))

        one._hypothesis_internal_add_digest = op.key.encode()  # derandomised per operation
        test = settings(max_examples=examples, derandomize=derandomize, database=None,
                        deadline=None, suppress_health_check=list(HealthCheck),
                        phases=[Phase.explicit, Phase.generate], verbosity=Verbosity.quiet,
                        )(given(st.data())(one))
        try:
            test()
        except hypothesis.errors.Unsatisfiable as e:  # a schema nothing can be drawn from
            self.problem(op, "fuzzer: no request could be drawn", 0, str(e), op.path, {}, None)

    # -- one request --

    def build(self, op, req):
        path = op.path
        for name, value in req["path"].items():
            path = path.replace("{" + name + "}", urllib.parse.quote(str(value), safe=""))
        url = self.base + path
        headers = {}
        caller = req["caller"]
        if caller == "garbage":
            headers["Authorization"] = "Bearer " + req["garbage"]
        elif caller == "header":
            headers["Authorization"] = req["garbage"]  # no scheme at all
        elif caller != "none":
            headers["Authorization"] = "Bearer " + self.actors.token(caller)
        data = None
        kind = "none"
        if req["body"] is not None:
            kind, ctype, raw, value = req["body"]
            data = raw if raw is not None else _json_dumps(value).encode()
            if ctype:
                headers["Content-Type"] = ctype
        query = urllib.parse.urlencode(req["query"], quote_via=urllib.parse.quote,
                                       encoding="utf-8", errors="surrogatepass")
        if query:
            url += "?" + query
        return url, headers, data, kind

    def execute(self, op, req):
        url, headers, data, kind = self.build(op, req)
        try:
            r = self.session.request(op.method.upper(), url, headers=headers, data=data,
                                     timeout=60, allow_redirects=False)
        except requests.RequestException as e:
            self.problem(op, "transport", 0, f"{type(e).__name__}: {e}", url, headers, data)
            return
        self.requests += 1
        self.statuses[(op.key, r.status_code)] = self.statuses.get((op.key, r.status_code),
                                                                   0) + 1
        writes = self.psql.query(TAKE_SQL)
        self.check(op, r, url, headers, data, kind, req, writes)
        if 200 <= r.status_code < 300 and op.method != "get":
            self.actors.after_write(op)

    def check(self, op, r, url, headers, data, kind, req, writes):
        status = r.status_code
        ctype = r.headers.get("Content-Type", "")
        body = None
        if "json" in ctype:
            try:
                body = r.json()
            except ValueError:
                self.problem(op, "invalid json", status, r.text[:300], url, headers, data)
                return
        if status >= 500:
            self.problem(op, "5xx", status, r.text[:300], url, headers, data)
        declared = op.declared(status)
        if declared is None and status in HTTPD_STATUSES:
            # httpd's own refusals (a URI over LimitRequestLine, ...) come before any route and
            # are not declared per operation (docs/API.md, openapi_check): the Error shape only
            declared = HTTPD_REFUSAL
        if declared is None:
            self.problem(op, "undeclared status", status, r.text[:300], url, headers, data)
        elif declared["schema"] is not None:
            if body is not None:
                errors = sorted(self.d.validator(declared["schema"]).iter_errors(body),
                                key=lambda e: list(e.absolute_path))
                if errors:
                    e = errors[0]
                    where = "/".join(str(p) for p in e.absolute_path)
                    self.problem(op, "schema mismatch", status,
                                 f"at /{where}: {e.message[:300]} (body {r.text[:300]})",
                                 url, headers, data, sub=e.validator + ":" + where)
        elif r.content and status != 304 and not declared["content"]:
            self.problem(op, "undeclared body", status, r.text[:200], url, headers, data)
        # a body that is not JSON must be of a media type the response declares (a download,
        # the analytics CSV); /api/ answers JSON otherwise (CONTRACT §1)
        media = ctype.split(";")[0].strip().lower()
        if ("json" not in ctype and r.content and status != 304
                and not (declared and media in declared["content"])):
            self.problem(op, "not json", status, f"Content-Type {ctype!r}: {r.text[:200]}",
                         url, headers, data)
        if status == 401 and r.headers.get("WWW-Authenticate") != 'Bearer realm="api"':
            self.problem(op, "401 without WWW-Authenticate", status, "", url, headers, data)
        if status >= 400:
            bad = [w for w in writes if w[0] not in REFUSED_WRITES_ALLOWED]
            if bad:
                self.problem(op, "refused request wrote", status,
                             ", ".join(f"{t} {o} x{n}" for t, o, n in bad) + f" ({r.text[:200]})",
                             url, headers, data, sub=",".join(sorted(t for t, _, _ in bad)))

    def problem(self, op, kind, status, detail, url, headers, data, sub=""):
        key = (op.key, kind, status, sub)
        if key in self.problems:
            self.problems[key]["count"] += 1
            return
        shown = data[:300] if isinstance(data, (bytes, bytearray)) else data
        auth = headers.get("Authorization", "")
        who = self.actors.name_of(auth) or (auth[:40] + "..." if auth else "no token")
        self.problems[key] = {
            "op": f"{op.method.upper()} {op.path} ({op.key})", "kind": kind, "status": status,
            "detail": detail, "count": 1,
            "request": f"{op.method.upper()} {url} [{who}] "
                       f"{headers.get('Content-Type', '')} {shown!r}",
        }

    def report(self):
        lines = []
        for p in sorted(self.problems.values(), key=lambda p: (p["op"], p["kind"], p["status"])):
            lines.append(f"- {p['op']}: {p['kind']} {p['status']} (x{p['count']}): "
                         f"{p['detail']}\n    {p['request']}")
        return "\n".join(lines)


# ---- callers -----------------------------------------------------------------------------------


class Actors:
    """The users the fuzzer calls with: a token per role, restored after an operation that may
    have changed them (logout, password change, an admin deactivating one, ...)."""

    def __init__(self, stack, session, psql, accounts):
        # accounts: {name: {"email", "password", "role", "login_path"}}
        self.stack = stack
        self.session = session
        self.psql = psql
        self.accounts = accounts
        self.tokens = {}
        emails = ",".join("'" + a["email"].replace("'", "''") + "'" for a in accounts.values())
        self.psql.query("CREATE TEMP TABLE fuzz_actors AS SELECT * FROM users"
                        f" WHERE email IN ({emails})")
        self.login_all()

    def roles(self):
        return list(self.accounts)

    def login_all(self):
        for name, a in self.accounts.items():
            r = self.session.post(self.stack.base_url + "/api/" + a["login_path"],
                                  json={"email": a["email"], "password": a["password"]},
                                  timeout=30)
            if r.status_code != 200:
                raise RuntimeError(f"login of {name} failed: {r.status_code} {r.text[:300]}")
            self.tokens[name] = r.json()["access"]

    def token(self, name):
        return self.tokens[name]

    def name_of(self, auth):
        for name, t in self.tokens.items():
            if auth.endswith(t):
                return name
        return None

    def after_write(self, op):
        """Put the callers back as they were when a successful write may have touched them."""
        if not op.path.startswith(("/accounts/", "/admin/users/")):
            return
        self.restore()

    def restore(self):
        self.psql.query(
            "UPDATE users u SET email = a.email, password = a.password, is_active = a.is_active,"
            " is_verified = a.is_verified, first_name = a.first_name, last_name = a.last_name"
            " FROM fuzz_actors a WHERE u.id = a.id")
        self.psql.query("DELETE FROM login_failures")
        self.psql.query(TAKE_SQL)
        self.login_all()
        self.psql.query(TAKE_SQL)


def print_summary(fuzzer, seconds, out=sys.stderr):
    by_status = {}
    for (_, status), n in fuzzer.statuses.items():
        by_status[status] = by_status.get(status, 0) + n
    ops = {k for k, _ in fuzzer.statuses}
    print(f"\nschema fuzz: {fuzzer.requests} requests over {len(ops)} operations in"
          f" {seconds:.1f} s; statuses {dict(sorted(by_status.items()))};"
          f" {len(fuzzer.problems)} distinct problems", file=out)

