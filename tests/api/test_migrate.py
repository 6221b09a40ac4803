"""carechainctl migrate and the SQL of dbd/ (dbd/README.md): every function defined once, in a
schema file only when the database stores its results; a database built by the earlier
migrations (tests/api/data/) upgraded to exactly the schema of a new one, its data intact;
changed schema files refused, changed function files applied once; concurrent runs.

Each test works in databases of its own, created in the session's cluster and dropped after.
"""

import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import requests

from stack import PG_BIN, Stack, clean_env

REPO = Path(__file__).resolve().parents[2]
CTL = REPO / "build" / "carechainctl"
DBD = REPO / "dbd"
# schema files shipped now, and the legacy migrations they began from (versions 1..11)
SCHEMA_FILES = len(list((DBD / "schema").glob("*.sql")))
# the highest shipped version (numbers may have gaps while branches take theirs), and the
# function files
SCHEMA_VERSION = max(int(p.name[:4]) for p in (DBD / "schema").glob("*.sql"))
SQL_FILES = len(list((DBD / "sql").glob("*.sql")))
LEGACY_VERSIONS = 11
LEGACY = Path(__file__).resolve().parent / "data" / "legacy-migrations-c1e092e.tar.gz"
LOCK_KEY = 724007


# ---- databases of a test's own -------------------------------------------------------------


class Database:
    """A database in the session cluster, owned by the carechain role."""

    def __init__(self, pg, name):
        self.pg = pg
        self.name = name
        self.conninfo = re.sub(r"dbname=\S+", f"dbname={name}", pg.conninfo)

    def __call__(self, sql, **variables):
        return self.pg.psql(sql, dbname=self.name, **variables)

    def scalar(self, sql):
        rows = self(sql)
        return rows[0][0] if rows else None

    def ctl(self, *args, sql_dir=None):
        """build/carechainctl [--sql-dir DIR] ARGS against this database."""
        extra = ["--sql-dir", str(sql_dir)] if sql_dir else []
        return subprocess.run([str(CTL), *extra, *args], capture_output=True, text=True,
                              env=clean_env({"CARECHAIN_DB": self.conninfo}), timeout=300)

    def popen_migrate(self):
        return subprocess.Popen([str(CTL), "migrate"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True,
                                env=clean_env({"CARECHAIN_DB": self.conninfo}))

    def migrate(self, sql_dir=None):
        r = self.ctl("migrate", sql_dir=sql_dir)
        assert r.returncode == 0, r.stdout + r.stderr
        return r.stdout

    def dump(self):
        """pg_dump --schema-only, with a fixed \\restrict key where pg_dump writes one."""
        argv = [PG_BIN / "pg_dump", "--schema-only", "-h", self.pg.sockdir, "-p",
                self.pg.pg_port, "-U", "carechain", "-d", self.name]
        if "--restrict-key" in _pg_dump_help(self.pg):
            argv.append("--restrict-key=carechaintest")
        return self.pg._run(argv, timeout=120).stdout

    def row_counts(self):
        tables = [r[0] for r in self("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                                     " ORDER BY 1")]
        sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables)
        return {t: int(n) for t, n in self(sql)}


_HELP = {}


def _pg_dump_help(pg):
    if "text" not in _HELP:
        _HELP["text"] = pg._run([PG_BIN / "pg_dump", "--help"]).stdout
    return _HELP["text"]


@pytest.fixture
def new_db(pg_stack):
    """new_db() -> an empty Database; dropped when the test ends."""
    made = []

    def make():
        name = f"cc_mig_{uuid.uuid4().hex[:10]}"
        pg_stack.psql(f"CREATE DATABASE {name} OWNER carechain", user="postgres",
                      dbname="postgres")
        made.append(name)
        return Database(pg_stack, name)

    yield make
    for name in made:
        pg_stack.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", user="postgres",
                      dbname="postgres")


def legacy_files():
    """[(version, name, sql)] of the frozen migrations, in order."""
    out = []
    with tarfile.open(LEGACY, "r:gz") as tar:
        for m in tar.getmembers():
            if m.isfile() and m.name.endswith(".sql"):
                base = Path(m.name).stem
                out.append((int(base[:4]), base, tar.extractfile(m).read().decode()))
    return sorted(out)


def legacy_migrate(db, upto=11):
    """Applies the frozen migrations up to version `upto` the way carechainctl did before
    dbd/schema: the ledger without checksums, each file in its own transaction under the
    advisory lock, recorded as (version, name)."""
    db("SET client_min_messages = warning; CREATE TABLE IF NOT EXISTS cc_schema_migrations"
       " (version integer PRIMARY KEY, name text NOT NULL,"
       " applied_at timestamptz NOT NULL DEFAULT now())")
    for version, name, sql in legacy_files():
        if version > upto:
            break
        db(f"SET client_min_messages = warning;\nBEGIN;\nSELECT pg_advisory_xact_lock({LOCK_KEY})"
           f";\n{sql}\nINSERT INTO cc_schema_migrations (version, name) VALUES"
           f" ({version}, '{name}');\nCOMMIT;\n")


def dump_objects(text):
    """A schema dump as the sorted list of its objects' SQL: split at pg_dump's per-object
    comment headers, without comment lines, SET and set_config lines, and blank lines."""
    objects, cur = [], []
    for line in text.splitlines():
        if line.startswith("-- Name: ") or line.startswith("-- Data for Name: "):
            objects.append(cur)
            cur = []
        if (not line.strip() or line.startswith("--") or line.startswith("SET ")
                or line.startswith("SELECT pg_catalog.set_config(")):
            continue
        cur.append(line)
    objects.append(cur)
    return sorted("\n".join(o) for o in objects if o)


def assert_same_schema(a, b, what):
    oa, ob = dump_objects(a), dump_objects(b)
    if oa != ob:
        diff = "\n".join(difflib.unified_diff("\n\n".join(oa).splitlines(),
                                              "\n\n".join(ob).splitlines(), "new database",
                                              what, lineterm="", n=2))
        pytest.fail(f"the schema of {what} differs from a new database's:\n{diff[:6000]}")
    assert len(oa) > 300  # tables, indexes, triggers, functions, constraints: all of them


@pytest.fixture(scope="module")
def fresh_dump(pg_stack):
    """The schema dump of a database built from empty by today's migrate."""
    name = f"cc_mig_fresh_{uuid.uuid4().hex[:8]}"
    pg_stack.psql(f"CREATE DATABASE {name} OWNER carechain", user="postgres", dbname="postgres")
    try:
        db = Database(pg_stack, name)
        db.migrate()
        yield db.dump()
    finally:
        pg_stack.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", user="postgres",
                      dbname="postgres")


def copy_dbd(tmp_path):
    """A copy of dbd/schema and dbd/sql for --sql-dir."""
    d = tmp_path / "dbd"
    for sub in ("schema", "sql"):
        shutil.copytree(DBD / sub, d / sub)
    return d


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def ledgers(db):
    return (db("SELECT version, name, sha256, applied_at FROM cc_schema_migrations"
               " ORDER BY version"),
            db("SELECT name, sha256, applied_at FROM cc_sql_files ORDER BY name"))


# ---- the files -------------------------------------------------------------------------------

FUNC_RE = re.compile(r"^CREATE\s+(OR\s+REPLACE\s+)?FUNCTION\s+(\w+)\s*\(", re.M | re.I)


def _arguments(text, start):
    """The text between the parenthesis at text[start - 1] and its match."""
    depth, i = 1, start
    while depth:
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        i += 1
    return text[start:i - 1]


def _input_types(args):
    """The types of the IN arguments of a CREATE FUNCTION argument list, as written."""
    types = []
    for arg in filter(None, (a.strip() for a in args.split(","))):
        words = arg.split()
        mode = words[0].upper()
        if mode in ("OUT", "TABLE"):
            continue
        if mode in ("IN", "INOUT", "VARIADIC"):
            words = words[1:]
        # `name type` or just `type` (a type of one word never names an argument here)
        types.append(" ".join(words[1:]) if len(words) > 1 else words[0])
    return types


def file_functions():
    """[(file relative to dbd/, name, [argument types as written], or_replace)]."""
    out = []
    for path in sorted(DBD.glob("schema/*.sql")) + sorted(DBD.glob("sql/*.sql")):
        text = path.read_text()
        for m in FUNC_RE.finditer(text):
            out.append((str(path.relative_to(DBD)), m.group(2),
                        _input_types(_arguments(text, m.end())), bool(m.group(1))))
    return out


@pytest.fixture(scope="module")
def defined(pg_stack):
    """{(name, 'type, type')} -> [files], argument types normalised by the database."""
    if not pg_stack.migrated:
        pg_stack.migrate()
    funcs = file_functions()
    written = sorted({t for _, _, types, _ in funcs for t in types})
    canon = dict(pg_stack.psql("SELECT t, t::regtype::text FROM unnest(:'ts'::text[]) t",
                               ts="{" + ",".join(f'"{t}"' for t in written) + "}"))
    out = {}
    for path, name, types, _ in funcs:
        out.setdefault((name, ", ".join(canon[t] for t in types)), []).append(path)
    return out


def test_every_function_is_defined_once_across_schema_and_sql_files(defined):
    twice = {k: v for k, v in defined.items() if len(v) > 1}
    assert not twice, f"defined more than once: {twice}"
    # sql files are applied again and again: CREATE OR REPLACE only; schema files once: CREATE
    for path, name, _, or_replace in file_functions():
        assert or_replace == path.startswith("sql/"), (path, name)


def test_the_database_has_no_function_that_no_file_defines(defined, db):
    rows = db("SELECT p.proname, oidvectortypes(p.proargtypes) FROM pg_proc p"
              " WHERE p.pronamespace = 'public'::regnamespace AND NOT EXISTS ("
              "   SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass"
              "   AND d.objid = p.oid AND d.deptype = 'e')")
    in_db = {(name, types) for name, types in rows}
    assert in_db - set(defined) == set(), "functions no file defines"
    assert set(defined) - in_db == set(), "functions of the files missing from the database"
    assert len(in_db) > 70


def test_schema_files_hold_exactly_the_functions_stored_results_depend_on(defined, db):
    """Functions an index, a generated column or a constraint depends on are in schema files
    (CREATE OR REPLACE would not change what is stored); trigger functions (and triggers' WHEN)
    and everything else in sql files."""
    stored = {r[0] for r in db(
        "SELECT DISTINCT p.proname FROM pg_depend d JOIN pg_proc p ON p.oid = d.refobjid"
        " WHERE d.refclassid = 'pg_proc'::regclass AND p.pronamespace = 'public'::regnamespace"
        "   AND (d.classid = 'pg_attrdef'::regclass OR d.classid = 'pg_constraint'::regclass"
        "        OR (d.classid = 'pg_class'::regclass AND EXISTS (SELECT 1 FROM pg_index i"
        "            WHERE i.indexrelid = d.objid)))")}
    triggered = {r[0] for r in db(
        "SELECT DISTINCT p.proname FROM pg_depend d JOIN pg_proc p ON p.oid = d.refobjid"
        " WHERE d.classid = 'pg_trigger'::regclass AND d.refclassid = 'pg_proc'::regclass"
        "   AND p.pronamespace = 'public'::regnamespace")}
    in_schema = {name for (name, _), files in defined.items() if files[0].startswith("schema/")}
    assert stored, "no index or generated column depends on a function?"
    assert stored <= in_schema
    # the rest of the schema files' functions are called by those at index-build time
    bodies = " ".join(r[0] for r in db(
        "SELECT prosrc FROM pg_proc WHERE proname = ANY (:'names'::text[])",
        names="{" + ",".join(stored) + "}"))
    assert {n for n in in_schema - stored if not re.search(rf"\b{n}\b", bodies)} == set()
    assert triggered and not triggered & in_schema


def test_requires_name_shipped_function_files():
    for path in sorted(DBD.glob("schema/*.sql")):
        header = []
        for line in path.read_text().splitlines():
            if line and not line.startswith("--"):
                break
            header.append(line)
        for line in header:
            if line.startswith("-- requires:"):
                for name in line[len("-- requires:"):].replace(",", " ").split():
                    assert (DBD / name).is_file() and name.startswith("sql/"), (path, name)


def test_readme_indexes_exactly_the_functions_of_each_file():
    listed, section, heading = {}, False, None
    for line in (DBD / "README.md").read_text().splitlines():
        if line.startswith("## "):
            section = line.startswith("## Index of the functions")
            continue
        if not section:
            continue
        if line.startswith("### "):
            heading = line[4:].strip()
            continue
        m = re.match(r"^- `(\w+)`: \S", line)
        if m:
            assert heading, line
            listed.setdefault(heading, []).append(m.group(1))
        else:
            assert not line.strip(), f"not an index line: {line!r}"
    files = {}
    for path, name, _, _ in file_functions():
        files.setdefault(path, []).append(name)
    assert {k: sorted(v) for k, v in listed.items()} == {k: sorted(v) for k, v in files.items()}
    assert all(len(v) == len(set(v)) for v in listed.values())


# ---- building and upgrading ----------------------------------------------------------------


def test_new_database_records_every_file_with_its_checksum(new_db):
    db = new_db()
    out = db.migrate()
    schema = sorted(DBD.glob("schema/*.sql"))
    sql = sorted(DBD.glob("sql/*.sql"))
    assert f"schema files: {len(schema)} applied, {len(schema)} total" in out
    assert f"sql files: {len(sql)} applied, {len(sql)} total" in out
    assert db("SELECT version, name, sha256 FROM cc_schema_migrations ORDER BY version") == [
        [str(int(p.name[:4])), p.stem, sha256(p)] for p in schema]
    assert db("SELECT name, sha256 FROM cc_sql_files ORDER BY name") == [
        [f"sql/{p.name}", sha256(p)] for p in sql]
    # the data rows the schema holds
    assert db.scalar("SELECT count(*) FROM content_version") == "128"
    assert db("SELECT * FROM job_search_version") == [["t", "0"]]
    again = db.migrate()
    assert "schema files: 0 applied" in again and "sql files: 0 applied" in again
    assert db.ctl("check").returncode == 0


def test_legacy_database_with_sample_data_is_upgraded_to_the_new_schema(new_db, fresh_dump):
    db = new_db()
    legacy_migrate(db)
    assert db("SELECT version, name FROM cc_schema_migrations ORDER BY version")[0] == [
        "1", "0001_accounts"]
    assert db.ctl("seed-masters").returncode == 0
    r = db.ctl("sample-data", "--credentials", "-", "--bcrypt-cost", "4")
    assert r.returncode == 0, r.stderr
    creds = json.loads(r.stdout)
    before = db.row_counts()
    assert before["applications"] == 50 and before["jobs"] == 20

    r = db.ctl("check")
    assert r.returncode == 1 and "schema is not current" in r.stderr
    out = db.migrate()
    assert f"adopted {LEGACY_VERSIONS} schema files" in out
    assert f"schema files: {SCHEMA_FILES - LEGACY_VERSIONS} applied" in out
    assert f"sql files: {SQL_FILES} applied" in out
    assert re.search(r"^adopted 0001_accounts .*sha256 " + sha256(DBD / "schema/0001_accounts.sql"),
                     out, re.M)
    after = db.row_counts()
    assert after.pop("cc_sql_files") == SQL_FILES
    # the ledger gains the schema files after the legacy ones; the tables they make are empty
    assert after.pop("cc_schema_migrations") == SCHEMA_FILES
    assert before.pop("cc_schema_migrations") == LEGACY_VERSIONS
    new_tables = set(after) - set(before)
    # except the dashboard's counters (0016), which start from the rows there already
    assert after.pop("admin_counts") > 0 and [int(x) for x in db(
        "SELECT (SELECT sum(n) FROM admin_counts WHERE name = 'users'),"
        " (SELECT sum(n) FROM admin_counts WHERE name = 'applications')")[0]] == [
            before["users"], before["applications"]]
    new_tables.discard("admin_counts")
    assert all(after.pop(t) == 0 for t in new_tables), new_tables
    assert after == before
    assert_same_schema(fresh_dump, db.dump(), "the upgraded legacy database")
    assert db.ctl("check").returncode == 0
    assert "0 applied" in db.migrate()

    # the upgraded database serves: a sample candidate logs in and sees jobs and matches
    base = tempfile.mkdtemp(prefix="cc-mig-")  # not under tmp_path: the service user reads it
    s = Stack(base, mpm=os.environ.get("CC_MPM", "event"), bcrypt_cost=4)
    s.conninfo = db.conninfo
    try:
        s.start_httpd()
        with requests.Session() as http:
            http.trust_env = False
            cand = creds["candidates"][0]
            r = http.post(f"{s.base_url}/api/accounts/login/", json=cand, timeout=30)
            assert r.status_code == 200, r.text
            token = r.json()["access"]
            r = http.get(f"{s.base_url}/api/jobs/", timeout=30)
            assert r.status_code == 200 and r.json()["count"] > 0, r.text
            r = http.get(f"{s.base_url}/api/jobs/matches/", timeout=30,
                         headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 200, r.text
    finally:
        s.stop_httpd()
    try:
        assert s.error_log_problems() == []
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("upto", [2, 5, 10])
def test_partly_migrated_legacy_database_gets_the_remaining_schema_files(new_db, fresh_dump,
                                                                         upto):
    db = new_db()
    legacy_migrate(db, upto)
    out = db.migrate()
    assert f"adopted {upto} schema files" in out
    assert f"schema files: {SCHEMA_FILES - upto} applied" in out
    assert_same_schema(fresh_dump, db.dump(), f"a legacy database at version {upto}, upgraded")


# ---- refusals --------------------------------------------------------------------------------


def test_a_schema_file_changed_after_it_was_applied_is_refused(new_db, tmp_path):
    db = new_db()
    db.migrate()
    db("INSERT INTO skills (name, category) VALUES ('Triage', 'clinical')")
    before = ledgers(db), db("SELECT * FROM skills")
    d = copy_dbd(tmp_path)
    changed = d / "schema" / "0004_jobs.sql"
    changed.write_text(changed.read_text() + "CREATE INDEX jobs_title_idx ON jobs (title);\n")
    # a new sql file too: refused all the same, and not applied
    (d / "sql" / "extra.sql").write_text(
        "CREATE OR REPLACE FUNCTION cc_extra() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\n")

    r = db.ctl("migrate", sql_dir=d)
    assert r.returncode == 1
    assert (f"{changed} was changed after it was applied to this database (recorded sha256"
            f" {sha256(DBD / 'schema/0004_jobs.sql')}, shipped {sha256(changed)}): schema files"
            f" are never edited once released; add a new schema file instead") in r.stderr
    assert "nothing was changed" in r.stderr
    assert (ledgers(db), db("SELECT * FROM skills")) == before
    assert db.scalar("SELECT to_regclass('jobs_title_idx')") == ""
    assert db.scalar("SELECT count(*) FROM pg_proc WHERE proname = 'cc_extra'") == "0"
    r = db.ctl("check", sql_dir=d)
    assert r.returncode == 1 and f"{changed} was changed after it was applied" in r.stderr

    # the same when the ledger is what changed
    db("UPDATE cc_schema_migrations SET sha256 = repeat('0', 64) WHERE version = 3")
    r = db.ctl("migrate")
    assert r.returncode == 1
    assert ("dbd/schema/0003_jobs_schema.sql was changed after it was applied to this database"
            f" (recorded sha256 {'0' * 64}, shipped") in r.stderr


def test_a_newer_database_is_refused(new_db):
    db = new_db()
    db.migrate()
    future = SCHEMA_VERSION + 1
    db("INSERT INTO cc_schema_migrations (version, name, sha256)"
       f" VALUES ({future}, '{future:04d}_future', repeat('a', 64))")
    before = ledgers(db)
    r = db.ctl("migrate")
    assert r.returncode == 1
    assert (f"the database has schema version {future} ({future:04d}_future), which this "
            "carechainctl does not ship") in r.stderr
    assert ledgers(db) == before
    assert db.ctl("check").returncode == 1


# ---- function files ----------------------------------------------------------------------------


def test_a_changed_function_file_is_applied_by_the_next_migrate_once(new_db, tmp_path):
    db = new_db()
    db.migrate()
    d = copy_dbd(tmp_path)
    render = d / "sql" / "render.sql"
    old = "$$ SELECT (left(a::text, -1) || ', ' || substr(b::text, 2))::json $$;"
    text = render.read_text()
    assert text.count(old) == 1
    render.write_text(text.replace(old, old.replace("$$ SELECT", "$$ SELECT /* edited */")))
    schema_before = db("SELECT * FROM cc_schema_migrations ORDER BY version")

    r = db.ctl("check", sql_dir=d)
    assert r.returncode == 1
    assert f"{render} is changed since it was applied" in r.stderr
    r = db.ctl("migrate", sql_dir=d)
    assert r.returncode == 0, r.stderr
    assert "applied sql/render.sql" in r.stdout.splitlines()
    assert "schema files: 0 applied" in r.stdout
    assert f"sql files: 1 applied, {SQL_FILES} total" in r.stdout
    body = "SELECT prosrc FROM pg_proc WHERE proname = 'cc_json_concat'"
    assert "/* edited */" in db.scalar(body)
    assert db.scalar("SELECT sha256 FROM cc_sql_files WHERE name = 'sql/render.sql'") == \
        sha256(render)
    assert db("SELECT * FROM cc_schema_migrations ORDER BY version") == schema_before
    assert db.scalar("SELECT cc_json_concat('{\"a\": 1}', '{\"b\": 2}')::text") == \
        '{"a": 1, "b": 2}'
    r = db.ctl("migrate", sql_dir=d)
    assert r.returncode == 0 and "sql files: 0 applied" in r.stdout
    assert db.ctl("check", sql_dir=d).returncode == 0
    # the binary's own copy differs from what the database now has: applied back
    r = db.ctl("migrate")
    assert r.returncode == 0 and "sql files: 1 applied" in r.stdout
    assert "edited" not in db.scalar(body)


def test_concurrent_migrate_of_an_empty_database(pg_stack, new_db):
    db = new_db()
    # Hold the lock, so both runs are certainly waiting at the same time, then let them go.
    holder = subprocess.Popen(
        pg_stack._as_service([PG_BIN / "psql", "-X", "-q", "-d", db.conninfo, "-c",
                              f"SELECT pg_advisory_lock({LOCK_KEY}); SELECT pg_sleep(60)"]),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=clean_env(),
        cwd=str(pg_stack.base_dir))
    runs = []
    try:
        deadline = time.monotonic() + 30
        while db.scalar(f"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                        f" AND objid = {LOCK_KEY} AND granted") != "1":
            assert time.monotonic() < deadline, "the lock holder did not start"
            time.sleep(0.1)
        runs = [db.popen_migrate(), db.popen_migrate()]
        while db.scalar(f"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                        f" AND objid = {LOCK_KEY} AND NOT granted") != "2":
            assert time.monotonic() < deadline, "the two runs are not both waiting"
            assert all(p.poll() is None for p in runs), [p.communicate() for p in runs]
            time.sleep(0.1)
    finally:
        db("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE"
           " '%pg_advisory_lock(%' AND pid <> pg_backend_pid()")
        holder.wait(timeout=30)
    results = [p.communicate(timeout=120) + (p.returncode,) for p in runs]
    assert [rc for _, _, rc in results] == [0, 0], results
    schema = [re.search(r"schema files: (\d+) applied", out).group(1) for out, _, _ in results]
    assert sorted(schema, key=int) == ["0", str(SCHEMA_FILES)]
    assert db.scalar("SELECT count(*) FROM cc_schema_migrations") == str(SCHEMA_FILES)
    assert db.scalar("SELECT count(*) FROM content_version") == "128"
