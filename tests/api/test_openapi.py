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
