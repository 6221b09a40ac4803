"""The API description (openapi.yaml + openapi/*.yaml): served at /api/schema/, coherent with
handlers/routes.c, structurally valid OpenAPI 3.1, and the response hook of conftest.py able to
fail (tests/api/openapi_check.py says how a response is judged)."""

import json
import re

import pytest
import requests

import openapi_check
from helpers import JSON_CT
from openapi_check import METHODS, ResponseChecker, document, route_table


# ---- GET /api/schema/ ------------------------------------------------------------------------


def test_schema_is_served_with_a_strong_etag(api):
    r = api.get("schema/")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == JSON_CT
    served = r.json()
    # The module's bundle is the tests' bundle (the same script made both from the same files).
    assert served == json.loads(json.dumps(document()))
    assert served["openapi"] == "3.1.0"
    assert served["servers"] == [{"url": "/api"}]
    etag = r.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag), etag
    cc = r.headers["Cache-Control"]
    assert "public" in cc and "no-store" not in cc, cc
    # The same tag every time, without the trailing slash too, and with a token sent along.
    assert api.get("schema").headers["ETag"] == etag
    r2 = api.get("schema/", headers={"Authorization": "Bearer not-even-a-token"})
    assert r2.status_code == 200 and r2.headers["ETag"] == etag
    assert "no-store" not in r2.headers["Cache-Control"]


def test_schema_answers_if_none_match(api):
    etag = api.get("schema/").headers["ETag"]
    for inm in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        r = api.get("schema/", headers={"If-None-Match": inm})
        assert r.status_code == 304, inm
        assert r.content == b""
        assert r.headers["ETag"] == etag
    r = api.get("schema/", headers={"If-None-Match": '"0123"'})
    assert r.status_code == 200 and r.json()["openapi"] == "3.1.0"
    r = api.request("HEAD", "schema/")
    assert r.status_code == 200 and r.content == b"" and r.headers["ETag"] == etag


def test_schema_refuses_other_methods(api):
    r = api.post("schema/", json={})
    assert r.status_code == 405
    assert r.headers["Allow"].startswith("GET")
    assert r.json()["code"] == "method_not_allowed"


# ---- the description against the route table -------------------------------------------------


def _operations(doc):
    return {(m.upper(), p): op for p, item in doc["paths"].items() for m, op in item.items()
            if m in METHODS}


def test_operations_are_the_route_table():
    """(method, path, x-roles, security) of the document == handlers/routes.c's rows."""
    ops = _operations(document())
    rows = {(m, p): (roles, flags) for m, p, roles, flags in route_table()}
    missing = sorted(set(rows) - set(ops))
    extra = sorted(set(ops) - set(rows))
    wrong = []
    for key in sorted(set(rows) & set(ops)):
        roles, flags = rows[key]
        op = ops[key]
        got = op.get("x-roles")
        if not isinstance(got, list) or set(got) != roles or len(got) != len(roles):
            wrong.append(f"{key[0]} {key[1]}: x-roles {got} != {sorted(roles)}")
        sec = openapi_check.expected_security(roles, flags)
        if op.get("security") != sec:
            wrong.append(f"{key[0]} {key[1]}: security {op.get('security')} != {sec}")
    lines = [f"missing (in routes.c, not described): {m} {p}" for m, p in missing]
    lines += [f"extra (described, not in routes.c): {m} {p}" for m, p in extra]
    assert not lines + wrong, f"{len(missing)} missing, {len(extra)} extra, {len(wrong)} " \
        "wrong:\n" + "\n".join(lines + wrong)


def test_every_operation_has_the_required_parts():
    doc = document()
    tags = {t["name"] for t in doc["tags"]}
    problems = []
    for (m, p), op in sorted(_operations(doc).items()):
        where = f"{m} {p}"
        oid = op.get("operationId", "")
        if not re.fullmatch(r"[a-z][A-Za-z0-9]*", oid):
            problems.append(f"{where}: operationId {oid!r} is not camelCase")
        if not op.get("summary"):
            problems.append(f"{where}: no summary")
        if not op.get("tags") or set(op["tags"]) - tags:
            problems.append(f"{where}: tags {op.get('tags')} not among {sorted(tags)}")
        if not op.get("responses"):
            problems.append(f"{where}: no responses")
        for code in op.get("responses", {}):
            if not re.fullmatch(r"[1-5][0-9][0-9]|[1-5]XX|default", code):
                problems.append(f"{where}: response key {code!r}")
        if "500" in op.get("responses", {}):
            problems.append(f"{where}: 500 is a bug, never a declared answer")
        params = []
        for prm in doc["paths"][p].get("parameters", []) + op.get("parameters", []):
            if "$ref" in prm:
                prm = openapi_check.RefResolver("", doc).resolve(prm["$ref"])[1]
            params.append(prm)
        declared = {prm["name"] for prm in params if prm.get("in") == "path"}
        in_path = set(re.findall(r"\{([^}]+)\}", p))
        if declared != in_path:
            problems.append(f"{where}: path parameters {sorted(declared)} != {sorted(in_path)}")
    assert not problems, "\n".join(problems)


# ---- the document's structure ---------------------------------------------------------------
#
# The OpenAPI 3.1 object model, as far as this description uses it, written as a JSON Schema
# (2020-12) of our own: every object closed to keys the specification does not define (x- keys
# allowed), references resolving, Schema Objects checked against the 2020-12 meta-schema that
# jsonschema ships. The official OAS 3.1 schema (2022-10-07) is not vendored (docs/API.md); a
# copy of it named by CC_OAS31_SCHEMA is checked against too.

_X = {"^x-": {}}


def _obj(props, required=(), extra=None):
    s = {"type": "object", "properties": props, "patternProperties": dict(_X),
         "additionalProperties": False if extra is None else extra}
    if required:
        s["required"] = list(required)
    return s


_REF = _obj({"$ref": {"type": "string", "pattern": "^#/components/"},
             "summary": {"type": "string"}, "description": {"type": "string"}}, ["$ref"])
_STR = {"type": "string"}
_MAP = {"type": "object"}


def _or_ref(name):
    return {"if": {"type": "object", "required": ["$ref"]}, "then": {"$ref": "#/$defs/ref"},
            "else": {"$ref": f"#/$defs/{name}"}}


OAS31_STRUCTURE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$defs": {
        "ref": _REF,
        "schema": {"type": ["object", "boolean"]},  # checked by check_schema below
        "info": _obj({"title": _STR, "summary": _STR, "description": _STR,
                      "termsOfService": _STR, "version": _STR,
                      "contact": _obj({"name": _STR, "url": _STR, "email": _STR}),
                      "license": _obj({"name": _STR, "identifier": _STR, "url": _STR},
                                      ["name"])}, ["title", "version"]),
        "server": _obj({"url": _STR, "description": _STR, "variables": _MAP}, ["url"]),
        "tag": _obj({"name": _STR, "description": _STR, "externalDocs": _MAP}, ["name"]),
        "example": _obj({"summary": _STR, "description": _STR, "value": {},
                         "externalValue": _STR}),
        "header": _obj({"description": _STR, "required": {"type": "boolean"},
                        "deprecated": {"type": "boolean"}, "schema": {"$ref": "#/$defs/schema"},
                        "example": {}, "examples": _MAP, "style": {"const": "simple"},
                        "explode": {"type": "boolean"}}, ["schema"]),
        "parameter": _obj({"name": _STR, "in": {"enum": ["query", "header", "path", "cookie"]},
                           "description": _STR, "required": {"type": "boolean"},
                           "deprecated": {"type": "boolean"},
                           "allowEmptyValue": {"type": "boolean"}, "style": _STR,
                           "explode": {"type": "boolean"}, "schema": {"$ref": "#/$defs/schema"},
                           "example": {}, "examples": _MAP},
                          ["name", "in", "schema"]),
        "mediaType": _obj({"schema": {"$ref": "#/$defs/schema"}, "example": {},
                           "examples": {"type": "object",
                                        "additionalProperties": _or_ref("example")},
                           "encoding": _MAP}),
        "content": {"type": "object", "minProperties": 1,
                    "propertyNames": {"pattern": "^[a-z]+/[-+.a-z0-9*]+$"},
                    "additionalProperties": {"$ref": "#/$defs/mediaType"}},
        "requestBody": _obj({"description": _STR, "required": {"type": "boolean"},
                             "content": {"$ref": "#/$defs/content"}}, ["content"]),
        "response": _obj({"description": _STR,
                          "headers": {"type": "object", "additionalProperties": _or_ref("header")},
                          "content": {"$ref": "#/$defs/content"}, "links": _MAP},
                         ["description"]),
        "responses": {"type": "object", "minProperties": 1,
                      "propertyNames": {"pattern": "^([1-5](XX|[0-9]{2})|default|x-.*)$"},
                      "additionalProperties": _or_ref("response")},
        "security": {"type": "array", "items": {
            "type": "object", "additionalProperties": {"type": "array", "items": _STR}}},
        "operation": _obj({"tags": {"type": "array", "items": _STR}, "summary": _STR,
                           "description": _STR, "externalDocs": _MAP, "operationId": _STR,
                           "parameters": {"type": "array", "items": _or_ref("parameter")},
                           "requestBody": _or_ref("requestBody"),
                           "responses": {"$ref": "#/$defs/responses"}, "callbacks": _MAP,
                           "deprecated": {"type": "boolean"},
                           "security": {"$ref": "#/$defs/security"},
                           "servers": {"type": "array", "items": {"$ref": "#/$defs/server"}}},
                          ["responses"]),
        "pathItem": _obj({"summary": _STR, "description": _STR,
                          "parameters": {"type": "array", "items": _or_ref("parameter")},
                          **{m: {"$ref": "#/$defs/operation"} for m in METHODS}}),
        "securityScheme": _obj({"type": {"enum": ["apiKey", "http", "mutualTLS", "oauth2",
                                                  "openIdConnect"]},
                                "description": _STR, "name": _STR, "in": _STR, "scheme": _STR,
                                "bearerFormat": _STR, "flows": _MAP,
                                "openIdConnectUrl": _STR}, ["type"]),
    },
    **_obj({
        "openapi": {"type": "string", "pattern": r"^3\.1\.[0-9]+$"},
        "info": {"$ref": "#/$defs/info"},
        "jsonSchemaDialect": _STR,
        "servers": {"type": "array", "items": {"$ref": "#/$defs/server"}},
        "paths": {"type": "object", "propertyNames": {"pattern": "^/"},
                  "additionalProperties": {"$ref": "#/$defs/pathItem"}},
        "components": _obj({
            "schemas": {"type": "object", "additionalProperties": {"$ref": "#/$defs/schema"}},
            "responses": {"type": "object", "additionalProperties": _or_ref("response")},
            "parameters": {"type": "object", "additionalProperties": _or_ref("parameter")},
            "examples": {"type": "object", "additionalProperties": _or_ref("example")},
            "requestBodies": {"type": "object", "additionalProperties": _or_ref("requestBody")},
            "headers": {"type": "object", "additionalProperties": _or_ref("header")},
            "securitySchemes": {"type": "object",
                                "additionalProperties": _or_ref("securityScheme")},
        }),
        "security": {"$ref": "#/$defs/security"},
        "tags": {"type": "array", "items": {"$ref": "#/$defs/tag"}},
        "externalDocs": _MAP,
    }, ["openapi", "info", "paths", "components"]),
}


def _schema_objects(doc):
    """(where, Schema Object) of every schema the document holds."""
    out = [(f"#/components/schemas/{k}", v) for k, v in doc["components"]["schemas"].items()]

    def media(where, content):
        for mt, m in (content or {}).items():
            if "schema" in m:
                out.append((f"{where}/content/{mt}", m["schema"]))

    def params(where, lst):
        for i, p in enumerate(lst or []):
            if "schema" in p:
                out.append((f"{where}/parameters/{i}", p["schema"]))

    for p, item in doc["paths"].items():
        params(f"#/paths/{p}", item.get("parameters"))
        for m, op in item.items():
            if m not in METHODS:
                continue
            params(f"#/paths/{p}/{m}", op.get("parameters"))
            media(f"#/paths/{p}/{m}/requestBody", (op.get("requestBody") or {}).get("content"))
            for code, r in op["responses"].items():
                media(f"#/paths/{p}/{m}/responses/{code}", r.get("content"))
                for h, hd in (r.get("headers") or {}).items():
                    if "schema" in hd:
                        out.append((f"#/paths/{p}/{m}/responses/{code}/headers/{h}",
                                    hd["schema"]))
    comps = doc["components"]
    for section in ("responses", "requestBodies"):
        for k, v in comps.get(section, {}).items():
            media(f"#/components/{section}/{k}", v.get("content"))
    for k, v in comps.get("parameters", {}).items():
        out.append((f"#/components/parameters/{k}", v["schema"]))
    for k, v in comps.get("headers", {}).items():
        out.append((f"#/components/headers/{k}", v["schema"]))
    return out


def test_document_structure_is_openapi_3_1():
    doc = json.loads(json.dumps(document()))  # as served: JSON types only
    v = openapi_check.Draft202012Validator(OAS31_STRUCTURE)
    errors = [f"at #/{'/'.join(str(p) for p in e.absolute_path)}: {e.message[:300]}"
              for e in v.iter_errors(doc)]
    assert not errors, "\n".join(errors[:40])


def test_every_schema_object_is_json_schema_2020_12():
    problems = []
    for where, s in _schema_objects(document()):
        try:
            openapi_check.Draft202012Validator.check_schema(s)
        except openapi_check.jsonschema.exceptions.SchemaError as e:
            problems.append(f"{where}: {e.message[:300]}")
        if isinstance(s, dict) and "nullable" in json.dumps(s):
            problems.append(f"{where}: `nullable` is OpenAPI 3.0; 3.1 says type: [..., \"null\"]")
    assert not problems, "\n".join(problems)


def test_structure_check_can_fail():
    """The structural check refuses what the specification does not allow."""
    v = openapi_check.Draft202012Validator(OAS31_STRUCTURE)
    doc = json.loads(json.dumps(document()))
    bad = json.loads(json.dumps(doc))
    bad["paths"]["/health/"]["get"]["responses"]["2OO"] = {"description": "x"}
    assert not v.is_valid(bad)
    bad = json.loads(json.dumps(doc))
    bad["paths"]["/health/"]["get"]["parameters"] = [{"name": "x", "in": "body",
                                                      "schema": {}}]
    assert not v.is_valid(bad)
    bad = json.loads(json.dumps(doc))
    bad["paths"]["/health/"]["get"]["responses"]["200"].pop("description")
    assert not v.is_valid(bad)
    bad = json.loads(json.dumps(doc))
    bad["paths"]["/health/"]["get"]["requestbody"] = {}
    assert not v.is_valid(bad)
    with pytest.raises(openapi_check.jsonschema.exceptions.SchemaError):
        openapi_check.Draft202012Validator.check_schema({"type": "strin"})


@pytest.mark.skipif(not __import__("os").environ.get("CC_OAS31_SCHEMA"),
                    reason="CC_OAS31_SCHEMA names no copy of the official OAS 3.1 schema")
def test_document_against_the_official_oas_3_1_schema():
    import os
    with open(os.environ["CC_OAS31_SCHEMA"]) as f:
        meta = json.load(f)
    assert meta["$id"].startswith("https://spec.openapis.org/oas/3.1/schema/")
    v = openapi_check.Draft202012Validator(meta)
    errors = [f"at {list(e.absolute_path)}: {e.message[:300]}"
              for e in v.iter_errors(json.loads(json.dumps(document())))]
    assert not errors, "\n".join(errors[:40])


# ---- the response hook and the bundler can fail -----------------------------------------------


def _response(method, path, status, body=None, content_type="application/json; charset=utf-8"):
    r = requests.Response()
    r.status_code = status
    r.request = requests.Request(method, f"http://127.0.0.1:1/api/{path}").prepare()
    if body is not None:
        r._content = json.dumps(body).encode() if not isinstance(body, bytes) else body
        r.headers["Content-Type"] = content_type
    else:
        r._content = b""
    return r


HEALTH = {"status": "ok", "database": "ok", "version": "1"}
ERROR = {"detail": "Not found.", "code": "not_found"}


@pytest.mark.parametrize("method,path,status,body,wanted", [
    ("GET", "health/", 200, HEALTH, None),
    ("GET", "health", 200, HEALTH, None),                      # no trailing slash
    ("HEAD", "health/", 200, None, None),
    ("GET", "health/?x=1", 200, {**HEALTH, "extra": 1}, "body does not match at $"),
    ("GET", "health/", 200, {"status": "ok"}, "body does not match at $"),
    ("GET", "health/", 201, HEALTH, "status 201 is not declared"),
    ("GET", "health/", 500, {"detail": "x", "code": "server_error"}, "status 500 is not declared"),
    ("GET", "masters/skills/7/", 200, {"id": 7, "name": "A", "category": "clinical",
                                       "description": "", "is_active": True}, None),
    ("GET", "masters/skills/7/", 200, {"id": 7, "name": "A", "category": "surgery",
                                       "description": "", "is_active": True},
     "at $.category"),
    ("GET", "masters/skills/0/", 404, ERROR, None),            # 0 is no id: no route
    ("GET", "masters/skills/x/", 200, {}, "must be a 404"),
    ("GET", "no-such-thing/", 404, ERROR, None),
    ("GET", "no-such-thing/", 404, {"detail": "Not found."}, "body does not match"),
    ("POST", "health/", 405, {"detail": "x", "code": "method_not_allowed"}, None),
    ("POST", "health/", 200, HEALTH, "must be a 405"),
    ("GET", "masters/skills/", 200, {}, None),                 # stands for an undescribed route
    ("OPTIONS", "health/", 204, None, None),
    ("GET", "schema/", 304, None, None),
    ("GET", "health/", 414, {"detail": "x", "code": "uri_too_long"}, None),
    ("GET", "no-such-thing/", 503, {"detail": "x", "code": "not_configured"}, None),
    ("POST", "accounts/profile/", 503, {"detail": "x", "code": "not_configured"}, None),
    ("GET", "health/", 503, {"status": "unavailable", "database": "not configured",
                             "code": "not_configured", "detail": "x", "version": "1"}, None),
    ("GET", "health/", 503, {"status": "unavailable", "database": "broken",
                             "code": "not_configured", "detail": "x", "version": "1"},
     "body does not match"),
    ("GET", "docs/", 200, b"<html>", None),                    # static files: not the API
    ("DELETE", "accounts/profile/", 405, {"detail": "x", "code": "method_not_allowed"}, None),
])
def test_response_checker(method, path, status, body, wanted):
    doc = json.loads(json.dumps(document()))
    routes = route_table()
    if path == "masters/skills/" and wanted is None and status == 200:
        del doc["paths"]["/masters/skills/"]["get"]
        wanted = "the route GET /masters/skills/ of handlers/routes.c is not described"
    ct = "text/html" if path.startswith("docs/") else "application/json; charset=utf-8"
    problem = ResponseChecker(doc, routes, mode="strict")(_response(method, path, status, body,
                                                                    ct))
    if wanted is None:
        assert problem is None
    else:
        assert problem and wanted in problem, problem
        assert problem.startswith(f"OpenAPI: {method} /api/{path.split('?')[0]} -> {status}: ")


def test_described_mode_skips_undescribed_paths():
    doc = json.loads(json.dumps(document()))
    del doc["paths"]["/masters/skills/"]
    r = _response("GET", "masters/skills/", 200, {})
    assert ResponseChecker(doc, route_table(), mode="described")(r) is None
    assert "not described" in ResponseChecker(doc, route_table(), mode="strict")(r)


def _bundle_dir(tmp_path, parts, root_extra=""):
    import shutil
    shutil.copy(openapi_check.REPO / "openapi.yaml", tmp_path / "openapi.yaml")
    if root_extra:
        with open(tmp_path / "openapi.yaml", "a") as f:
            f.write(root_extra)
    (tmp_path / "openapi").mkdir()
    for name, text in parts.items():
        (tmp_path / "openapi" / name).write_text(text)
    sys_path = str(openapi_check.REPO / "cli")
    import sys
    sys.path.insert(0, sys_path)
    try:
        import openapi_bundle
    finally:
        sys.path.remove(sys_path)
    return openapi_bundle


OP = """paths:
  /jobs/:
    get:
      operationId: "%s"
      responses: {"200": {description: "x"}}
"""


@pytest.mark.parametrize("parts,wanted", [
    ({"a.yaml": OP % "a", "b.yaml": OP % "b"}, "GET /jobs/ is already defined in openapi/a.yaml"),
    ({"a.yaml": "paths:\n  /health/:\n    get: {responses: {}}\n"},
     "GET /health/ is already defined in openapi.yaml"),
    ({"a.yaml": "components:\n  schemas:\n    Error: {type: \"object\"}\n"},
     "schema 'Error' is already defined in openapi.yaml"),
    ({"a.yaml": "components:\n  schemas:\n    AX: {}\n",
      "b.yaml": "components:\n  schemas:\n    AX: {}\n"}, "schema 'AX' is already defined"),
    ({"a.yaml": "components:\n  responses:\n    X: {description: \"x\"}\n"},
     "components of a part hold schemas only"),
    ({"a.yaml": "info: {}\n"}, "only paths and components belong in a part"),
    ({"a.yaml": "components:\n  schemas:\n    AX: {enum: [yes, no]}\n"}, None),  # values: fine
    ({"a.yaml": "components:\n  schemas:\n    AX:\n      properties:\n        no: {}\n"},
     "key False is a bool, quote it"),
    ({"a.yaml": "paths:\n  /x/:\n    get: {responses: {200: {description: \"x\"}}}\n"},
     "key 200 is a int, quote it"),
    ({"a.yaml": "components:\n  schemas:\n    AX: {type: \"string\", type: \"integer\"}\n"},
     "repeated in one mapping"),
    ({"a.yaml": "components:\n  schemas:\n    AX: {$ref: \"#/components/schemas/Nope\"}\n"},
     "does not resolve"),
    ({"a.yaml": OP % "getHealth"}, "operationId 'getHealth'"),
])
def test_bundler_refuses(tmp_path, parts, wanted):
    ob = _bundle_dir(tmp_path, parts)
    if wanted is None:
        ob.bundle(tmp_path)
        return
    with pytest.raises(ob.BundleError) as e:
        ob.bundle(tmp_path)
    assert wanted in str(e.value)


def test_bundler_merges_parts_and_takes_the_version(tmp_path):
    ob = _bundle_dir(tmp_path, {"jobs.yaml": OP % "jobsList" + "components:\n  schemas:\n"
                                "    JobsJob: {type: \"object\"}\n"})
    (tmp_path / "VERSION").write_text("9.8.7\n")
    doc = ob.bundle(tmp_path)
    assert doc["info"]["version"] == "9.8.7"
    assert doc["paths"]["/jobs/"]["get"]["operationId"] == "jobsList"
    assert "JobsJob" in doc["components"]["schemas"] and "Error" in doc["components"]["schemas"]
    text = ob.to_json(doc)
    assert json.loads(text) == json.loads(json.dumps(doc))
    c = ob.to_c(text)
    assert f"cc_openapi_json_len = {len(text)};" in c
    assert ob.etag(text)[1:-1] in c


# ---- /api/docs/: Swagger UI on /api/schema/ ----------------------------------------------------

DOCS_ASSETS = {"swagger-ui.css": "text/css", "docs.css": "text/css",
               "swagger-ui-bundle.js": "text/javascript", "init.js": "text/javascript"}
DOCS_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def _other_origin_urls(text, base_url):
    """Absolute http(s) URLs in text that are not on base_url's origin."""
    return [u for u in re.findall(r"https?://[^\s\"'<>)]+", text) if not u.startswith(base_url)]


def test_docs_page_and_its_assets(api, base_url):
    r = api.get("/api/docs/")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html")
    assert r.headers["Content-Security-Policy"] == DOCS_CSP
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    html = r.text
    assert '<div id="swagger-ui"></div>' in html
    # No inline script: every <script> names a file of this folder.
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert [s[1].strip() for s in scripts] == ["", ""]
    srcs = [re.search(r'src="([^"]+)"', a).group(1) for a, _ in scripts]
    hrefs = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert srcs == ["swagger-ui-bundle.js", "init.js"] and hrefs == ["swagger-ui.css", "docs.css"]
    for name in srcs + hrefs:
        a = api.get(f"/api/docs/{name}")
        assert a.status_code == 200, name
        assert a.headers["Content-Type"].split(";")[0] == DOCS_ASSETS[name], name
        assert len(a.content) > 50, name
    init = api.get("/api/docs/init.js").text
    assert 'url: new URL("../schema/", window.location.href).pathname' in init
    assert "validatorUrl: null" in init and "queryConfigEnabled: false" in init
    for text in (html, init, api.get("/api/docs/docs.css").text):
        assert _other_origin_urls(text, base_url) == []
    # The bundle is Swagger UI's, as README.md says.
    assert "SwaggerUIBundle" in api.get("/api/docs/swagger-ui-bundle.js").text
    # Without the slash: a redirect to the page; a file that is not there: 404.
    r = api.get("/api/docs")
    assert r.status_code == 301 and r.headers["Location"].endswith("/api/docs/")
    assert api.get("/api/docs/nothing.js").status_code == 404
    # The rest of /api/ is still the module's.
    assert api.get("/api/docsx/").json()["code"] == "not_found"


def test_docs_vendored_files_are_the_recorded_version():
    d = openapi_check.REPO / "apidocs"
    readme = (d / "README.md").read_text()
    m = re.search(r"swagger-ui-dist (\d+\.\d+\.\d+)", readme)
    assert m, "apidocs/README.md names the swagger-ui-dist version"
    assert "Apache-2.0" in readme
    assert "Apache License" in (d / "LICENSE").read_text()
    copyright = (openapi_check.REPO / "packaging/debian/copyright").read_text()
    assert f"swagger-ui-dist {m.group(1)}" in copyright


def _chromium():
    import shutil
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(not _chromium(), reason="no chromium to render the page with")
def test_docs_page_renders_in_a_browser_from_this_origin_only(stack, base_url, tmp_path):
    """Headless Chromium loads the page under its CSP: Swagger UI renders the operations, and
    every request the page makes (its NetLog's requests initiated by the page's origin) goes to
    this origin, /api/schema/ among them."""
    import subprocess
    netlog = tmp_path / "netlog.json"
    proc = subprocess.run(
        [_chromium(), "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={tmp_path / 'profile'}", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps",
         f"--log-net-log={netlog}", "--virtual-time-budget=10000", "--window-size=1280,2000",
         "--dump-dom",
         f"{base_url}/api/docs/"], capture_output=True, text=True, timeout=120)
    dom = proc.stdout
    # The description's title and version, and the first tag's operations (Swagger UI renders
    # the operation list virtually: only what fits the window is in the DOM).
    assert '<h1 class="title">CareChain API' in dom, proc.stderr[-2000:]
    assert f'<pre class="version"> {document()["info"]["version"]} </pre>' in dom
    for path in ("/", "/health/", "/schema/"):
        assert f'data-path="{path}"' in dom, (path, proc.stderr[-2000:])
    log = json.loads(netlog.read_text())
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    origin = base_url.rstrip("/")
    page = [e["params"]["url"] for e in log["events"]
            if e["type"] == start and e.get("params", {}).get("initiator") == origin]
    assert f"{origin}/api/schema/" in page
    assert [u for u in page if not u.startswith(origin + "/")] == []
