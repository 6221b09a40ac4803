#!/usr/bin/python3
"""Bundles the API description: openapi.yaml + openapi/*.yaml -> one OpenAPI 3.1 document.

    openapi_bundle.py [--root DIR] [--json OUT.json] [--c OUT.c] [--check]

The root (DIR/openapi.yaml) holds info, servers, tags and the shared components; each part
(DIR/openapi/<group>.yaml, in name order) holds `paths:` and optionally `components:` with
`schemas:` only. A path may appear in several files as long as no method does; a schema name
defined twice, an unknown top-level key or component section in a part, a YAML 1.1 boolean where
a string belongs (`no:` as a key) and a $ref that does not resolve are refused (exit 1, the
reason on stderr). info.version is taken from DIR/VERSION.

--json writes the bundle as compact JSON (the body GET /api/schema/ sends); --c writes a C file
defining `cc_openapi_json` (that text), `cc_openapi_json_len` and `cc_openapi_etag` (a strong
ETag: the SHA-256 of the text, computed here once). Used by the Makefile and by the tests
(`bundle(root)` returns the document), so both see the same bundle.
"""

import argparse
import hashlib
import json
import sys
from pathlib import Path

import yaml

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
ROOT_KEYS = {"openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks",
             "components", "security", "tags", "externalDocs"}
PART_KEYS = {"paths", "components"}


class BundleError(Exception):
    pass


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses a key repeated in one mapping (PyYAML keeps the last silently)."""


def _construct_mapping(loader, node, deep=False):
    seen = {}
    for key_node, _ in node.value:  # the keys written here; a merge (<<) may be overridden
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise BundleError(f"{key_node.start_mark}: key {key!r} repeated in one mapping")
        seen[key] = True
    loader.flatten_mapping(node)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _load(path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = yaml.load(f, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as e:
        raise BundleError(f"{path}: {e}") from None
    if not isinstance(doc, dict):
        raise BundleError(f"{path}: not a mapping")
    _check_keys(doc, str(path))
    return doc


def _check_keys(node, where):
    """Every mapping key a string: a bare `no:`/`yes:`/`on:` (YAML 1.1 booleans) or `200:` is a
    mistake here (response codes are quoted strings in OpenAPI)."""
    if isinstance(node, dict):
        for k, v in node.items():
            if not isinstance(k, str):
                raise BundleError(f"{where}: key {k!r} is a {type(k).__name__}, quote it")
            _check_keys(v, f"{where}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _check_keys(v, f"{where}/{i}")


def _resolve(doc, ref):
    if not ref.startswith("#/"):
        raise KeyError(ref)
    node = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[part]
    return node


def _check_refs(doc, node, where):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            try:
                _resolve(doc, ref)
            except (KeyError, TypeError, IndexError):
                raise BundleError(f"{where}: $ref {ref!r} does not resolve") from None
        for k, v in node.items():
            _check_refs(doc, v, f"{where}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _check_refs(doc, v, f"{where}/{i}")


def bundle(root="."):
    """The bundled document (a dict) of the description under directory `root`."""
    root = Path(root)
    doc = _load(root / "openapi.yaml")
    unknown = set(doc) - ROOT_KEYS
    if unknown:
        raise BundleError(f"openapi.yaml: unknown top-level keys {sorted(unknown)}")
    version = root / "VERSION"
    if version.exists():
        doc.setdefault("info", {})["version"] = version.read_text().strip()
    paths = doc.setdefault("paths", {})
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    origin = {}  # (path, method) or schema name -> the file that defined it
    for p, item in paths.items():
        for m in item:
            origin[(p, m)] = "openapi.yaml"
    for name in schemas:
        origin[("schema", name)] = "openapi.yaml"

    for part in sorted((root / "openapi").glob("*.yaml")):
        rel = f"openapi/{part.name}"
        d = _load(part)
        unknown = set(d) - PART_KEYS
        if unknown:
            raise BundleError(f"{rel}: only paths and components belong in a part, "
                              f"not {sorted(unknown)}")
        comps = d.get("components") or {}
        if set(comps) - {"schemas"}:
            raise BundleError(f"{rel}: components of a part hold schemas only, not "
                              f"{sorted(set(comps) - {'schemas'})} (shared ones go in openapi.yaml)")
        for name, s in (comps.get("schemas") or {}).items():
            if ("schema", name) in origin:
                raise BundleError(f"{rel}: schema {name!r} is already defined in "
                                  f"{origin[('schema', name)]}")
            origin[("schema", name)] = rel
            schemas[name] = s
        for p, item in (d.get("paths") or {}).items():
            if not isinstance(item, dict):
                raise BundleError(f"{rel}: path {p!r} is not a mapping")
            target = paths.setdefault(p, {})
            for m, op in item.items():
                if (p, m) in origin:
                    what = f"{m.upper()} {p}" if m in METHODS else f"{p} {m!r}"
                    raise BundleError(f"{rel}: {what} is already defined in {origin[(p, m)]}")
                origin[(p, m)] = rel
                target[m] = op

    _check_refs(doc, doc, "#")
    ids = {}
    for p, item in paths.items():
        for m, op in item.items():
            if m in METHODS and isinstance(op, dict) and "operationId" in op:
                oid = op["operationId"]
                if oid in ids:
                    raise BundleError(f"operationId {oid!r} of {m.upper()} {p} is also "
                                      f"{ids[oid]}'s")
                ids[oid] = f"{m.upper()} {p}"
    return doc


def to_json(doc):
    return json.dumps(doc, ensure_ascii=True, separators=(",", ":"))


def etag(text):
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def _c_escape(text):
    out = []
    for ch in text:
        if ch in '\\"':
            out.append("\\" + ch)
        elif ch == "?":
            out.append("\\?")  # no trigraphs, whatever the compiler's mode
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            out.append("\\%03o" % ord(ch))
    return out


def to_c(text):
    units = _c_escape(text)
    lines = []
    for i in range(0, len(units), 96):
        lines.append('    "' + "".join(units[i:i + 96]) + '"')
    tag = etag(text)[1:-1]  # hex digits: nothing to escape
    return ("/* Generated by cli/openapi_bundle.py from openapi.yaml and the parts in openapi/: "
            "do not edit. */\n#include <stddef.h>\n"
            "const char cc_openapi_json[] =\n" + "\n".join(lines) + ";\n"
            f"const size_t cc_openapi_json_len = {len(text.encode())};\n"
            f"const char cc_openapi_etag[] = \"\\\"{tag}\\\"\";\n")


def _write(path, text):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    ap.add_argument("--json", help="write the bundle as JSON here")
    ap.add_argument("--c", help="write the C file embedding the bundle here")
    args = ap.parse_args(argv)
    try:
        doc = bundle(args.root)
    except BundleError as e:
        print(f"openapi_bundle: {e}", file=sys.stderr)
        return 1
    text = to_json(doc)
    if args.json:
        _write(args.json, text + "\n")
    if args.c:
        _write(args.c, to_c(text))
    if not args.json and not args.c:
        n = sum(1 for item in doc["paths"].values() for m in item if m in METHODS)
        print(f"openapi_bundle: {len(doc['paths'])} paths, {n} operations, "
              f"{len(doc['components']['schemas'])} schemas, {len(text)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
