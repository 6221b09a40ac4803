#!/usr/bin/python3
"""The rules of the C sources that a compiler does not check (`make check-layers`, run by
`make test`).

1. Layers, one direction: core/ -> dbd/ -> services/ -> handlers/ -> mod_carechain.c. A file may
   include its own layer and the layers before it, never one after it (dbd/ never includes
   services/, core/ never includes dbd/, ...). cli/ (carechainctl) is a program of its own: it
   may use core/, dbd/ and cli/. tests/unit and tests/fuzz test the pure code only.
2. Pure code: files under core/ include only APR, jansson and C headers (no httpd header, and
   no local header that includes one), so the unit tests link them without httpd. The core
   files that face httpd are named in HTTPD_FACING; a new one must be added there on purpose.
   The unit tests and the fuzzers include pure headers only.
3. Log tags: every CC_LOGNO(nnnnn) names one call site, so a log line leads to one place.

Prints every violation as `file:line: message` and exits 1 when there is any.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["core", "dbd", "services", "handlers", "mod_carechain.c"]
HTTPD_FACING = {"core/cc.h", "core/config.h", "core/config.c", "core/body.c", "core/http.c",
                "core/errors.c"}
# Headers of httpd itself (<httpd.h>, <http_*.h>, <util_*.h>, <ap_*.h>, <mod_*.h>).
HTTPD_HEADER = re.compile(r"^(httpd|http_\w+|util_\w+|ap_\w+|mod_\w+)\.h$")
LOGNO = re.compile(r"CC_LOGNO\((\d+)\)")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def layer_of(rel):
    """Index in LAYERS of a repository path, or None (cli/, tests/, build/)."""
    top = rel.split("/", 1)[0]
    for i, name in enumerate(LAYERS):
        if top == name:
            return i
    return None


def includes(path):
    """(line number, kind '<' or '"', target as written) of every #include of a file."""
    out = []
    for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
        m = INCLUDE.match(line)
        if m:
            out.append((n, m.group(1), m.group(2)))
    return out


def resolve(src, target):
    """The repository path a quoted include names (relative to the including file, then to the
    repository root, as -I. makes it), or None when it is not a file of ours."""
    for base in (src.parent, ROOT):
        p = (base / target).resolve()
        if p.is_file() and ROOT in p.parents:
            return p.relative_to(ROOT).as_posix()
    return None


def main():
    files = sorted(p for p in ROOT.rglob("*") if p.suffix in (".c", ".h")
                   and p.relative_to(ROOT).parts[0] not in ("build", ".git"))
    graph, httpd_direct, problems = {}, set(), []
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        graph[rel] = []
        for n, kind, target in includes(path):
            if kind == "<":
                if HTTPD_HEADER.match(Path(target).name):
                    httpd_direct.add(rel)
                continue
            dep = resolve(path, target)
            if dep is None:
                if not target.startswith("build/") and "gen/" not in target:
                    problems.append(f"{rel}:{n}: includes \"{target}\", which is not in the tree")
                continue
            graph[rel].append((n, dep))

    # 1. layer direction
    for rel, deps in graph.items():
        src_layer = layer_of(rel)
        top = rel.split("/", 1)[0]
        for n, dep in deps:
            dep_layer = layer_of(dep)
            if src_layer is not None:
                if dep_layer is None or dep_layer > src_layer:
                    problems.append(f"{rel}:{n}: {LAYERS[src_layer]} may not include {dep}")
            elif top == "cli" and dep_layer is not None and dep_layer > LAYERS.index("dbd"):
                problems.append(f"{rel}:{n}: carechainctl may not include {dep}")

    # 2. purity: what reaches an httpd header, directly or through our headers
    impure = set(httpd_direct)
    changed = True
    while changed:
        changed = False
        for rel, deps in graph.items():
            if rel not in impure and any(dep in impure for _, dep in deps):
                impure.add(rel)
                changed = True
    for rel in sorted(graph):
        if rel.startswith("core/") and rel in impure and rel not in HTTPD_FACING:
            problems.append(f"{rel}: pure core code reaches an httpd header (core/HTTPD_FACING "
                            f"in tests/check_layers.py names the files that may)")
        if rel.startswith(("tests/unit/", "tests/fuzz/")) and rel in impure:
            problems.append(f"{rel}: a unit test or fuzzer reaches an httpd header")
    for rel in sorted(HTTPD_FACING - set(graph)):
        problems.append(f"{rel}: named in HTTPD_FACING but not in the tree")

    # 3. one call site per log tag
    seen = {}
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            for tag in LOGNO.findall(line):
                if tag in seen and not rel.endswith(".h"):
                    problems.append(f"{rel}:{n}: CC_LOGNO({tag}) is used at {seen[tag]} too")
                seen.setdefault(tag, f"{rel}:{n}")

    for p in problems:
        print(p)
    print(f"check-sources: {len(graph)} files, {sum(len(d) for d in graph.values())} includes, "
          f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
