"""/api/masters/: skills, qualifications and locations (CONTRACT §10), and
`carechainctl seed-masters` with the curated data of cli/data/ (decisions in docs/API.md)."""

import json
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from helpers import (BLANK, NOT_AUTHENTICATED, REQUIRED, assert_error, assert_json, create_admin,
                     create_user, logged_in_user)
from stack import PG_BIN, clean_env

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "cli" / "data"
CTL = REPO / "build" / "carechainctl"

SKILL_KEYS = {"id", "name", "category", "description", "is_active"}
QUALIFICATION_KEYS = {"id", "name", "level", "field", "is_active"}
LOCATION_KEYS = {"id", "city", "state", "country", "is_active"}

NULL = ["This field may not be null."]
BOOLEAN = ["Must be a valid boolean."]
PERMISSION_DENIED = {"detail": "You do not have permission to perform this action.",
                     "code": "permission_denied"}
NOT_FOUND = {"detail": "Not found.", "code": "not_found"}

# The 28 states and 8 union territories, official spellings.
STATES_AND_UTS = {
    "Andhra Pradesh", "Arunachal Pradesh", "Assam", "Bihar", "Chhattisgarh", "Goa", "Gujarat",
    "Haryana", "Himachal Pradesh", "Jharkhand", "Karnataka", "Kerala", "Madhya Pradesh",
    "Maharashtra", "Manipur", "Meghalaya", "Mizoram", "Nagaland", "Odisha", "Punjab",
    "Rajasthan", "Sikkim", "Tamil Nadu", "Telangana", "Tripura", "Uttar Pradesh", "Uttarakhand",
    "West Bengal",
    "Andaman and Nicobar Islands", "Chandigarh", "Dadra and Nagar Haveli and Daman and Diu",
    "Delhi", "Jammu and Kashmir", "Ladakh", "Lakshadweep", "Puducherry",
}


# ---- helpers -----------------------------------------------------------------------------------


def tsv_rows(name):
    """The data rows of cli/data/<name>: comments (#) and blank lines skipped, TAB-split."""
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rows.append([c.strip() for c in line.split("\t")])
    return rows


def tok():
    """A marker no seeded entry contains, so searches see only a test's own rows."""
    return "qz" + uuid.uuid4().hex[:10]


def add_skill(db, name, category="clinical", description="", active=True):
    return int(db.scalar("INSERT INTO skills (name, category, description, is_active)"
                         " VALUES (:'n', :'c', :'d', :'a') RETURNING id",
                         n=name, c=category, d=description, a="t" if active else "f"))


def add_qualification(db, name, level="bachelor", field="", active=True):
    return int(db.scalar("INSERT INTO qualifications (name, level, field, is_active)"
                         " VALUES (:'n', :'l', :'f', :'a') RETURNING id",
                         n=name, l=level, f=field, a="t" if active else "f"))


def add_location(db, city, state, country="India", active=True):
    return int(db.scalar("INSERT INTO locations (city, state, country, is_active)"
                         " VALUES (:'c', :'s', :'k', :'a') RETURNING id",
                         c=city, s=state, k=country, a="t" if active else "f"))


def skill(i, name, category="clinical", description="", active=True):
    return {"id": i, "name": name, "category": category, "description": description,
            "is_active": active}


def qualification(i, name, level="bachelor", field="", active=True):
    return {"id": i, "name": name, "level": level, "field": field, "is_active": active}


def location(i, city, state, country="India", active=True):
    return {"id": i, "city": city, "state": state, "country": country, "is_active": active}


def get(api, path, params=None, **kw):
    """GET with a query string (requests encodes spaces as '+', as HTML forms do)."""
    return api.get(path, params=params, **kw)


def page(api, path, token=None, **params):
    return assert_json(get(api, path, params, token=token), 200)


def results(api, path, **params):
    return page(api, path, **params)["results"]


def audit_rows(db, target_type, target_id):
    rows = db("SELECT action, actor_id, details FROM audit_log"
              " WHERE target_type = :'t' AND target_id = :'i' ORDER BY id",
              t=target_type, i=str(target_id))
    return [(a, int(actor) if actor else None, json.loads(d)) for a, actor, d in rows]


def ctl(conninfo, *args):
    return subprocess.run([str(CTL), *args], capture_output=True, text=True, timeout=120,
                          env=clean_env({"CARECHAIN_DB": conninfo}))


def seed_report(out):
    """{table: (added, in_data)} from seed-masters' output."""
    report = {}
    for line in out.strip().splitlines():
        table, _, rest = line.partition(": ")
        added, in_data = rest.split(", ")
        assert added.endswith(" added") and in_data.endswith(" in data"), line
        report[table] = (int(added.split()[0]), int(in_data.split()[0]))
    return report


@pytest.fixture(scope="module")
def seeded(stack):
    """The session database with the curated master data loaded."""
    return stack.seed_masters()


@pytest.fixture
def admin(stack, api):
    return create_admin(stack, api, login_now=True)


# ==== seed-masters ==============================================================================


@pytest.fixture
def fresh_db(pg_stack):
    """An empty database in the session's cluster, migrated; dropped afterwards."""
    name = "cc_seed_" + uuid.uuid4().hex[:12]
    pg_stack.psql(f"CREATE DATABASE {name} OWNER carechain", user="postgres", dbname="postgres")
    conninfo = pg_stack.conninfo.replace("dbname=carechain", f"dbname={name}")
    assert conninfo != pg_stack.conninfo
    try:
        r = ctl(conninfo, "migrate")
        assert r.returncode == 0, r.stderr
        yield name, conninfo, (lambda sql: pg_stack.psql(sql, dbname=name))
    finally:
        pg_stack.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", user="postgres",
                      dbname="postgres")


def test_seed_masters_loads_every_data_row_exactly(fresh_db):
    _, conninfo, sql = fresh_db
    skills, quals, locs = (tsv_rows("skills.tsv"), tsv_rows("qualifications.tsv"),
                           tsv_rows("locations.tsv"))
    r = ctl(conninfo, "seed-masters")
    assert r.returncode == 0, r.stderr
    assert r.stdout == (f"skills: {len(skills)} added, {len(skills)} in data\n"
                        f"qualifications: {len(quals)} added, {len(quals)} in data\n"
                        f"locations: {len(locs)} added, {len(locs)} in data\n")
    # Every row, in file order, with exactly the file's values, active.
    assert sql("SELECT name, category, description, is_active FROM skills ORDER BY id") == [
        [n, c, d, "t"] for n, c, d in skills]
    assert sql("SELECT name, level, field, is_active FROM qualifications ORDER BY id") == [
        [n, lv, f, "t"] for n, lv, f in quals]
    assert sql("SELECT city, state, country, is_active FROM locations ORDER BY id") == [
        [c, s, k, "t"] for c, s, k in locs]


def test_seed_masters_minimum_coverage():
    skills, quals, locs = (tsv_rows("skills.tsv"), tsv_rows("qualifications.tsv"),
                           tsv_rows("locations.tsv"))
    assert len(skills) >= 150
    assert {c for _, c, _ in skills} == {"clinical", "administrative", "technical"}
    assert len({n.lower() for n, _, _ in skills}) == len(skills)
    assert len(quals) >= 40
    assert {lv for _, lv, _ in quals} == {"certificate", "diploma", "bachelor", "master",
                                          "doctorate"}
    assert len({n.lower() for n, _, _ in quals}) == len(quals)
    assert len(locs) >= 200
    assert {s for _, s, _ in locs} == STATES_AND_UTS
    assert {k for _, _, k in locs} == {"India"}
    assert len({(c.lower(), s.lower()) for c, s, _ in locs}) == len(locs)


def test_seed_masters_is_idempotent_and_keeps_edits(fresh_db):
    _, conninfo, sql = fresh_db
    assert ctl(conninfo, "seed-masters").returncode == 0
    # An admin deactivated one entry and edited another: a later seed leaves both alone.
    sql("UPDATE skills SET is_active = false WHERE id = (SELECT min(id) FROM skills);"
        "UPDATE qualifications SET field = 'Edited'"
        " WHERE id = (SELECT min(id) FROM qualifications)")
    snapshot = ("SELECT 's', id, name, category, description, is_active, created_at, updated_at"
                " FROM skills UNION ALL"
                " SELECT 'q', id, name, level, field, is_active, created_at, updated_at"
                " FROM qualifications UNION ALL"
                " SELECT 'l', id, city, state, country, is_active, created_at, updated_at"
                " FROM locations ORDER BY 1, 2")
    sequences = ("SELECT last_value FROM skills_id_seq UNION ALL"
                 " SELECT last_value FROM qualifications_id_seq UNION ALL"
                 " SELECT last_value FROM locations_id_seq")
    before, seq_before = sql(snapshot), sql(sequences)
    r = ctl(conninfo, "seed-masters")
    assert r.returncode == 0, r.stderr
    report = seed_report(r.stdout)
    assert report == {"skills": (0, len(tsv_rows("skills.tsv"))),
                      "qualifications": (0, len(tsv_rows("qualifications.tsv"))),
                      "locations": (0, len(tsv_rows("locations.tsv")))}
    assert sql(snapshot) == before
    assert sql(sequences) == seq_before  # not even sequence values are spent
    # A missing row comes back; the others stay as they are.
    name = tsv_rows("skills.tsv")[5][0]
    sql(f"DELETE FROM skills WHERE name = '{name}'")
    r = ctl(conninfo, "seed-masters")
    assert seed_report(r.stdout)["skills"][0] == 1
    assert sql(f"SELECT count(*) FROM skills WHERE name = '{name}'") == [["1"]]


def test_seed_masters_on_session_database_and_api(stack, seeded, api):
    # The module fixture seeded once; a second run adds nothing.
    report = seed_report(stack.seed_masters())
    assert {t: added for t, (added, _) in report.items()} == {
        "skills": 0, "qualifications": 0, "locations": 0}
    name, category, description = next(r for r in tsv_rows("skills.tsv")
                                       if r[0] == "Basic Life Support (BLS)")
    got = results(api, "masters/skills/", search="Basic Life Support (BLS)")
    assert [{k: v for k, v in s.items() if k != "id"} for s in got] == [
        {"name": name, "category": category, "description": description, "is_active": True}]
    q = next(r for r in tsv_rows("qualifications.tsv") if r[0] == "MBBS")
    got = results(api, "masters/qualifications/", search="MBBS")
    assert {"name": q[0], "level": q[1], "field": q[2]} in [
        {k: x[k] for k in ("name", "level", "field")} for x in got]
    got = results(api, "masters/locations/", state="Ladakh", page_size=100)
    assert sorted(x["city"] for x in got) == sorted(c for c, s, _ in tsv_rows("locations.tsv")
                                                    if s == "Ladakh")


def test_seed_masters_in_usage():
    r = subprocess.run([str(CTL), "--help"], capture_output=True, text=True, timeout=30)
    assert "seed-masters" in r.stderr


# ==== lists =====================================================================================


def test_skill_list_shape_exact_values_and_active_default(api, db):
    t = tok()
    b = add_skill(db, f"{t} Bravo", "technical", "Second")
    a = add_skill(db, f"{t} alpha", "clinical", "First")
    c = add_skill(db, f"{t} Charlie", "administrative", "", active=False)
    data = page(api, "masters/skills/", search=t)
    assert data == {"count": 2, "next": None, "previous": None,
                    "results": [skill(a, f"{t} alpha", "clinical", "First"),
                                skill(b, f"{t} Bravo", "technical", "Second")]}
    assert set(data["results"][0]) == SKILL_KEYS
    for v in ("false", "0", "FALSE"):
        assert results(api, "masters/skills/", search=t, is_active=v) == [
            skill(c, f"{t} Charlie", "administrative", "", False)]
    for v in ("true", "1", "True"):
        assert [s["id"] for s in results(api, "masters/skills/", search=t, is_active=v)] == [a, b]


def test_lists_are_public_and_open_to_every_role(api, read_mails, stack, db):
    t = tok()
    i = add_skill(db, f"{t} Open")
    cand = logged_in_user(api, read_mails, role="candidate")
    recr = logged_in_user(api, read_mails, role="recruiter")
    adm = create_admin(stack, api, login_now=True)
    for token in (None, cand["access"], recr["access"], adm["access"]):
        assert results(api, "masters/skills/", search=t, token=token) == [skill(i, f"{t} Open")]
        r = api.get(f"masters/skills/{i}/", token=token)
        assert assert_json(r, 200) == skill(i, f"{t} Open")


def test_skill_search_covers_name_and_description_case_insensitively(api, db):
    t = tok()
    a = add_skill(db, f"{t} Wound Dressing", description="Sterile technique")
    b = add_skill(db, f"{t} Triage", description="Emergency WOUND assessment")
    add_skill(db, f"{t} Phlebotomy", description="Blood draws")
    assert [s["id"] for s in results(api, "masters/skills/", search=f"{t} wound")] == [a]
    got = [s["id"] for s in results(api, "masters/skills/", search="wound", page_size=1000)]
    assert a in got and b in got
    assert [s["id"] for s in results(api, "masters/skills/", search=f"  {t} TRIAGE ")] == [b]
    # A blank search is no filter.
    assert page(api, "masters/skills/", search="  ")["count"] == page(api, "masters/skills/")[
        "count"]


def test_search_is_literal_for_percent_underscore_and_backslash(api, db):
    t = tok()
    pct = add_skill(db, f"{t} 100% sure")
    add_skill(db, f"{t} 100 sure")
    und = add_skill(db, f"{t} a_b")
    add_skill(db, f"{t} axb")
    bsl = add_skill(db, f"{t} c\\d")
    add_skill(db, f"{t} cd")
    assert [s["id"] for s in results(api, "masters/skills/", search=f"{t} 100%")] == [pct]
    assert [s["id"] for s in results(api, "masters/skills/", search=f"{t} a_b")] == [und]
    assert [s["id"] for s in results(api, "masters/skills/", search=f"{t} c\\d")] == [bsl]
    assert [s["id"] for s in results(api, "masters/skills/", search=f"{t}%sure")] == []
    assert results(api, "masters/skills/", search="%" + t) == []


def test_skill_category_filter_and_bad_values(api, db):
    t = tok()
    a = add_skill(db, f"{t} A", "clinical")
    b = add_skill(db, f"{t} B", "administrative")
    c = add_skill(db, f"{t} C", "technical")
    for cat, want in (("clinical", a), ("administrative", b), ("technical", c)):
        assert [s["id"] for s in results(api, "masters/skills/", search=t, category=cat)] == [want]
    for bad in ("nursing", "Clinical", ""):
        r = get(api, "masters/skills/", {"category": bad})
        assert_json(r, 400, {"category": [
            f"Select a valid choice. {bad} is not one of the available choices."]})
    assert_json(get(api, "masters/skills/", {"is_active": "yes"}), 400,
                {"is_active": ["Must be one of: true, false, 1, 0."]})


def test_skill_ordering(api, db):
    t = tok()
    a = add_skill(db, f"{t} b-one", "technical")
    b = add_skill(db, f"{t} A-two", "clinical")
    c = add_skill(db, f"{t} c-three", "administrative")
    d = add_skill(db, f"{t} D-four", "clinical")

    def ids(**kw):
        return [s["id"] for s in results(api, "masters/skills/", search=t, **kw)]

    assert ids() == [b, a, c, d]  # name, case-insensitively
    assert ids(ordering="name") == [b, a, c, d]
    assert ids(ordering="-name") == [d, c, a, b]
    assert ids(ordering="category") == [c, b, d, a]  # then name
    assert ids(ordering="-category") == [a, b, d, c]
    for bad in ("id", "description", "-", "name,category"):
        assert_json(get(api, "masters/skills/", {"ordering": bad}), 400,
                    {"ordering": [f'Invalid ordering "{bad}".']})


def test_qualification_list_filters_search_and_ordering(api, db):
    t = tok()
    m = add_qualification(db, f"{t} MSc Nursing", "master", "Nursing")
    d = add_qualification(db, f"{t} Diploma X", "diploma", "Radiology")
    p = add_qualification(db, f"{t} PhD", "doctorate", "Nursing Research")
    c = add_qualification(db, f"{t} Cert", "certificate", "")
    x = add_qualification(db, f"{t} Old", "bachelor", "", active=False)
    data = page(api, "masters/qualifications/", search=t)
    assert data["count"] == 4
    assert data["results"] == [qualification(c, f"{t} Cert", "certificate", ""),
                               qualification(d, f"{t} Diploma X", "diploma", "Radiology"),
                               qualification(m, f"{t} MSc Nursing", "master", "Nursing"),
                               qualification(p, f"{t} PhD", "doctorate", "Nursing Research")]
    assert set(data["results"][0]) == QUALIFICATION_KEYS

    def ids(**kw):
        return [q["id"] for q in results(api, "masters/qualifications/", search=t, **kw)]

    # search covers name and field
    assert [q["id"] for q in results(api, "masters/qualifications/",
                                     search=f"{t} msc")] == [m]
    got = [q["id"] for q in results(api, "masters/qualifications/", search="nursing research",
                                    page_size=1000)]
    assert p in got and m not in got
    # level, and category as its alias
    assert ids(level="master") == [m]
    assert ids(category="doctorate") == [p]
    assert ids(level="master", category="master") == [m]
    assert ids(level="master", category="diploma") == []
    assert ids(is_active="false") == [x]
    # ordering by level follows the academic rank, not the alphabet
    assert ids(ordering="level") == [c, d, m, p]
    assert ids(ordering="-level") == [p, m, d, c]
    assert ids(ordering="-name") == [p, m, d, c]
    for param in ("level", "category"):
        assert_json(get(api, "masters/qualifications/", {param: "phd"}), 400,
                    {param: ["Select a valid choice. phd is not one of the available choices."]})
    assert_json(get(api, "masters/qualifications/", {"ordering": "field"}), 400,
                {"ordering": ['Invalid ordering "field".']})


def test_location_list_filters_search_and_ordering(api, db):
    t = tok()
    s1, s2 = f"{t} Zeta State", f"{t} Alpha State"
    a = add_location(db, "Pune", s1)
    b = add_location(db, "Aurangabad", s1)
    c = add_location(db, "Mysuru", s2)
    d = add_location(db, "Ghent", s2, country="Belgium")
    e = add_location(db, "Nagpur", s1, active=False)
    data = page(api, "masters/locations/", search=t)
    assert data["count"] == 4
    assert data["results"] == [location(d, "Ghent", s2, "Belgium"), location(c, "Mysuru", s2),
                               location(b, "Aurangabad", s1), location(a, "Pune", s1)]
    assert set(data["results"][0]) == LOCATION_KEYS

    def ids(**kw):
        return [x["id"] for x in results(api, "masters/locations/", search=t, **kw)]

    # state and country: exact, case-insensitive
    assert ids(state=s1.upper()) == [b, a]
    assert ids(state=s1[:-2]) == []
    assert ids(country="belgium") == [d]
    assert ids(country="India", state=s2.lower()) == [c]
    assert ids(is_active="0") == [e]
    # search covers city and state
    assert [x["id"] for x in results(api, "masters/locations/", search=f"{t} zeta")] == [b, a]
    got = [x["id"] for x in results(api, "masters/locations/", search="aurangab", page_size=1000)]
    assert b in got and a not in got
    # ordering
    assert ids(ordering="state") == [d, c, b, a]
    assert ids(ordering="-state") == [b, a, d, c]
    assert ids(ordering="city") == [b, d, c, a]
    assert ids(ordering="-city") == [a, c, d, b]
    assert_json(get(api, "masters/locations/", {"ordering": "country"}), 400,
                {"ordering": ['Invalid ordering "country".']})


def test_pagination_up_to_1000(api, db, base_url):
    t = tok()
    state = f"{t} Bulk"
    db("INSERT INTO locations (city, state) SELECT 'City ' || lpad(g::text, 4, '0'), :'s'"
       " FROM generate_series(1, 1001) g", s=state)
    try:
        first = int(db.scalar("SELECT min(id) FROM locations WHERE state = :'s'", s=state))
        data = page(api, "masters/locations/", state=state)
        assert data["count"] == 1001 and len(data["results"]) == 10
        assert data["results"][0] == location(first, "City 0001", state)
        for size in ("1000", "1001", "5000"):  # above the maximum: clamped, as DRF does
            data = page(api, "masters/locations/", state=state, page_size=size)
            assert data["count"] == 1001 and len(data["results"]) == 1000
            assert data["previous"] is None
            assert data["next"].startswith(f"{base_url}/api/masters/locations/?")
            assert data["next"].endswith(f"page_size={size}&page=2")
            last = page(api, data["next"])
            assert last["next"] is None
            assert [x["city"] for x in last["results"]] == ["City 1001"]
        assert_error(get(api, "masters/locations/", {"state": state, "page": 3,
                                                            "page_size": 1000}),
                     404, "not_found", "Invalid page.")
        assert_json(get(api, "masters/locations/", {"page_size": "0"}), 400,
                    {"page_size": ["A valid positive integer is required."]})
    finally:
        db("DELETE FROM locations WHERE state = :'s'", s=state)


# ==== conditional requests ======================================================================


def test_etag_and_304_on_lists_and_details(api, db, admin):
    t = tok()
    i = add_skill(db, f"{t} Cached")
    r1 = get(api, "masters/skills/", {"search": t})
    r2 = get(api, "masters/skills/", {"search": t})
    etag = r1.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 10
    assert r2.headers["ETag"] == etag and r2.text == r1.text
    r = get(api, "masters/skills/", {"search": t}, headers={"If-None-Match": etag})
    assert r.status_code == 304 and r.content == b""
    assert r.headers["ETag"] == etag
    # another filter is another representation
    assert get(api, "masters/skills/", {"search": t, "is_active": "false"}).headers[
        "ETag"] != etag
    d1 = api.get(f"masters/skills/{i}/")
    detag = d1.headers["ETag"]
    assert detag != etag
    r = api.get(f"masters/skills/{i}/", headers={"If-None-Match": detag})
    assert r.status_code == 304 and r.content == b""

    # an admin write changes both
    assert api.patch(f"masters/skills/{i}/", json={"description": "now described"},
                     token=admin["access"]).status_code == 200
    r = get(api, "masters/skills/", {"search": t}, headers={"If-None-Match": etag})
    assert_json(r, 200)
    assert r.headers["ETag"] != etag
    assert r.json()["results"][0]["description"] == "now described"
    r = api.get(f"masters/skills/{i}/", headers={"If-None-Match": detag})
    assert_json(r, 200, skill(i, f"{t} Cached", description="now described"))
    assert r.headers["ETag"] != detag
    for kind in ("qualifications", "locations"):
        r = api.get(f"masters/{kind}/")
        assert r.status_code == 200 and r.headers.get("ETag")
        r = api.get(f"masters/{kind}/", headers={"If-None-Match": r.headers["ETag"]})
        assert r.status_code == 304


# ==== details ===================================================================================


def test_detail_and_unknown_ids(api, db):
    t = tok()
    s = add_skill(db, f"{t} Gone Quiet", "technical", "x", active=False)
    q = add_qualification(db, f"{t} Q", "diploma", "F")
    loc = add_location(db, f"{t} City", "Goa")
    # inactive entries stay readable by id (profiles may still name them)
    assert_json(api.get(f"masters/skills/{s}/"), 200,
                skill(s, f"{t} Gone Quiet", "technical", "x", False))
    assert_json(api.get(f"masters/qualifications/{q}"), 200,
                qualification(q, f"{t} Q", "diploma", "F"))
    assert_json(api.get(f"masters/locations/{loc}/"), 200, location(loc, f"{t} City", "Goa"))
    for kind in ("skills", "qualifications", "locations"):
        assert_json(api.get(f"masters/{kind}/999999999/"), 404, NOT_FOUND)
        assert_json(api.get(f"masters/{kind}/abc/"), 404, NOT_FOUND)
        assert_json(api.get(f"masters/{kind}/0/"), 404, NOT_FOUND)


# ==== admin writes ==============================================================================

KINDS = {
    "skills": {
        "type": "skill",
        "create": {"name": "  {t} Ventilator Care ", "category": "clinical"},
        "created": {"name": "{t} Ventilator Care", "category": "clinical", "description": "",
                    "is_active": True},
        "patch": {"description": "Invasive and non-invasive ventilation.", "is_active": "false"},
        "patched": {"name": "{t} Ventilator Care", "category": "clinical",
                    "description": "Invasive and non-invasive ventilation.", "is_active": False},
        "put": {"name": "{t} Ventilation", "category": "technical", "is_active": True},
        "put_result": {"name": "{t} Ventilation", "category": "technical",
                       "description": "Invasive and non-invasive ventilation.",
                       "is_active": True},
        "table": "skills",
        "columns": "name, category, description, is_active",
    },
    "qualifications": {
        "type": "qualification",
        "create": {"name": "{t} MD Emergency Medicine", "level": "master",
                   "field": "Emergency Medicine", "is_active": False},
        "created": {"name": "{t} MD Emergency Medicine", "level": "master",
                    "field": "Emergency Medicine", "is_active": False},
        "patch": {"is_active": 1},
        "patched": {"name": "{t} MD Emergency Medicine", "level": "master",
                    "field": "Emergency Medicine", "is_active": True},
        "put": {"name": "{t} DM Emergency Medicine", "level": "doctorate", "field": ""},
        "put_result": {"name": "{t} DM Emergency Medicine", "level": "doctorate", "field": "",
                       "is_active": True},
        "table": "qualifications",
        "columns": "name, level, field, is_active",
    },
    "locations": {
        "type": "location",
        "create": {"city": "{t} Shillong", "state": "Meghalaya"},
        "created": {"city": "{t} Shillong", "state": "Meghalaya", "country": "India",
                    "is_active": True},
        "patch": {"country": "Bharat"},
        "patched": {"city": "{t} Shillong", "state": "Meghalaya", "country": "Bharat",
                    "is_active": True},
        "put": {"city": "{t} Tura", "state": "Meghalaya", "is_active": "false"},
        "put_result": {"city": "{t} Tura", "state": "Meghalaya", "country": "Bharat",
                       "is_active": False},
        "table": "locations",
        "columns": "city, state, country, is_active",
    },
}


def fill(obj, t):
    return {k: v.replace("{t}", t) if isinstance(v, str) else v for k, v in obj.items()}


def db_values(obj):
    return [("t" if v else "f") if isinstance(v, bool) else v for v in obj.values()]


@pytest.mark.parametrize("kind", list(KINDS))
def test_admin_crud_with_audit_log(api, db, admin, kind):
    k, t = KINDS[kind], tok()
    token = admin["access"]
    r = api.post(f"masters/{kind}/", json=fill(k["create"], t), token=token)
    created = assert_json(r, 201)
    i = created["id"]
    assert isinstance(i, int) and i > 0
    assert created == {"id": i, **fill(k["created"], t)}
    assert db(f"SELECT {k['columns']} FROM {k['table']} WHERE id = :'i'", i=i) == [
        db_values(fill(k["created"], t))]
    assert_json(api.get(f"masters/{kind}/{i}/"), 200, created)

    stamp = f"SELECT updated_at FROM {k['table']} WHERE id = :'i'"
    later = f"SELECT updated_at > :'u'::timestamptz FROM {k['table']} WHERE id = :'i'"
    assert db.scalar(f"SELECT created_at = updated_at FROM {k['table']} WHERE id = :'i'",
                     i=i) == "t"
    first = db.scalar(stamp, i=i)
    r = api.patch(f"masters/{kind}/{i}", json=fill(k["patch"], t), token=token)
    patched = assert_json(r, 200, {"id": i, **fill(k["patched"], t)})
    assert db.scalar(later, i=i, u=first) == "t"  # updated_at moved
    first_update = db.scalar(stamp, i=i)

    r = api.put(f"masters/{kind}/{i}/", json=fill(k["put"], t), token=token)
    put = assert_json(r, 200, {"id": i, **fill(k["put_result"], t)})
    assert db(f"SELECT {k['columns']} FROM {k['table']} WHERE id = :'i'", i=i) == [
        db_values(fill(k["put_result"], t))]
    assert db.scalar(later, i=i, u=first_update) == "t"

    r = api.delete(f"masters/{kind}/{i}/", token=token)
    assert r.status_code == 204 and r.content == b""
    assert db.scalar(f"SELECT count(*) FROM {k['table']} WHERE id = :'i'", i=i) == "0"
    assert_json(api.get(f"masters/{kind}/{i}/"), 404, NOT_FOUND)
    assert_json(api.delete(f"masters/{kind}/{i}/", token=token), 404, NOT_FOUND)

    typ = k["type"]
    assert audit_rows(db, typ, i) == [
        (f"masters.{typ}.create", admin["id"], {"after": created}),
        (f"masters.{typ}.update", admin["id"], {"before": created, "after": patched}),
        (f"masters.{typ}.update", admin["id"], {"before": patched, "after": put}),
        (f"masters.{typ}.delete", admin["id"], {"before": put}),
    ]


@pytest.mark.parametrize("kind", list(KINDS))
def test_writes_refused_for_other_roles_and_anonymous(api, read_mails, db, kind):
    t = tok()
    if kind == "skills":
        i = add_skill(db, f"{t} Locked")
    elif kind == "qualifications":
        i = add_qualification(db, f"{t} Locked")
    else:
        i = add_location(db, f"{t} Locked", "Goa")
    body = fill(KINDS[kind]["create"], t)
    before = db(f"SELECT * FROM {kind} WHERE id = :'i'", i=i)
    cand = logged_in_user(api, read_mails, role="candidate")
    recr = logged_in_user(api, read_mails, role="recruiter")
    calls = [("post", f"masters/{kind}/"), ("put", f"masters/{kind}/{i}/"),
             ("patch", f"masters/{kind}/{i}/"), ("delete", f"masters/{kind}/{i}/")]
    for method, path in calls:
        kw = {} if method == "delete" else {"json": body}
        for user in (cand, recr):
            r = getattr(api, method)(path, token=user["access"], **kw)
            assert_json(r, 403, PERMISSION_DENIED)
        r = getattr(api, method)(path, **kw)
        assert_error(r, 401, "not_authenticated", NOT_AUTHENTICATED["detail"])
    assert db(f"SELECT * FROM {kind} WHERE id = :'i'", i=i) == before
    column = "city" if kind == "locations" else "name"
    assert db.scalar(f"SELECT count(*) FROM {kind} WHERE {column} LIKE :'p'", p=f"{t}%") == "1"


@pytest.mark.parametrize("kind", list(KINDS))
def test_admin_writes_to_unknown_ids_are_404(api, admin, kind):
    body = fill(KINDS[kind]["put"], tok())
    for method in ("put", "patch"):
        assert_json(getattr(api, method)(f"masters/{kind}/999999999/", json=body,
                                         token=admin["access"]), 404, NOT_FOUND)
        # the object is looked up before the body is validated, as in DRF
        assert_json(getattr(api, method)(f"masters/{kind}/999999999/", json={"is_active": "x"},
                                         token=admin["access"]), 404, NOT_FOUND)
    assert_json(api.delete(f"masters/{kind}/999999999/", token=admin["access"]), 404, NOT_FOUND)


def test_skill_validation(api, admin, db):
    token = admin["access"]

    def post(body):
        return api.post("masters/skills/", json=body, token=token)

    t = tok()
    assert_json(post({}), 400, {"name": REQUIRED, "category": REQUIRED})
    assert_json(post({"name": "  ", "category": "Clinical"}), 400,
                {"name": BLANK, "category": ['"Clinical" is not a valid choice.']})
    # null clears an optional text (to ""); it is refused for the rest
    assert_json(post({"name": None, "category": None, "description": None, "is_active": None}),
                400, {"name": NULL, "category": NULL, "is_active": NULL})
    assert_json(post({"name": "x" * 101, "category": "", "description": "d" * 1001,
                      "is_active": "maybe"}), 400,
                {"name": ["Ensure this field has no more than 100 characters."],
                 "category": ['"" is not a valid choice.'],
                 "description": ["Ensure this field has no more than 1000 characters."],
                 "is_active": BOOLEAN})
    assert_json(post({"name": ["x"], "category": 3, "is_active": 2}), 400,
                {"name": ["Not a valid string."], "category": ['"3" is not a valid choice.'],
                 "is_active": BOOLEAN})
    assert_json(post({"name": f"{t} ok", "category": True}), 400,
                {"category": ['"true" is not a valid choice.']})
    assert db.scalar("SELECT count(*) FROM skills WHERE name LIKE :'p'", p=f"{t}%") == "0"
    # limits are characters, not bytes; blank descriptions are fine
    r = post({"name": "é" * 100, "category": "technical", "description": "ü" * 1000})
    created = assert_json(r, 201)
    assert created["name"] == "é" * 100 and created["description"] == "ü" * 1000
    i = assert_json(post({"name": f"{t} ok", "category": "clinical", "description": None,
                          "is_active": "0"}), 201)["id"]
    assert_json(api.get(f"masters/skills/{i}/"), 200,
                skill(i, f"{t} ok", "clinical", "", False))
    # PUT needs every required field; PATCH validates what it gets
    assert_json(api.put(f"masters/skills/{i}/", json={"name": f"{t} ok"}, token=token), 400,
                {"category": REQUIRED})
    assert_json(api.patch(f"masters/skills/{i}/", json={"category": "surgical", "name": ""},
                          token=token), 400,
                {"name": BLANK, "category": ['"surgical" is not a valid choice.']})
    assert_json(api.patch(f"masters/skills/{i}/", json={}, token=token), 200,
                skill(i, f"{t} ok", "clinical", "", False))
    db("DELETE FROM skills WHERE id = :'i' OR name = :'n'", i=i, n="é" * 100)


def test_qualification_and_location_validation(api, admin):
    token = admin["access"]
    assert_json(api.post("masters/qualifications/", json={"field": "x"}, token=token), 400,
                {"name": REQUIRED, "level": REQUIRED})
    assert_json(api.post("masters/qualifications/",
                         json={"name": "n" * 151, "level": "phd", "field": "f" * 151,
                               "is_active": "nope"}, token=token), 400,
                {"name": ["Ensure this field has no more than 150 characters."],
                 "level": ['"phd" is not a valid choice.'],
                 "field": ["Ensure this field has no more than 150 characters."],
                 "is_active": BOOLEAN})
    # `category` is a list filter alias only; in a body the field is `level`
    assert_json(api.post("masters/qualifications/", json={"name": tok(), "category": "master"},
                         token=token), 400, {"level": REQUIRED})
    assert_json(api.post("masters/locations/", json={}, token=token), 400,
                {"city": REQUIRED, "state": REQUIRED})
    assert_json(api.post("masters/locations/",
                         json={"city": "c" * 101, "state": "", "country": " "}, token=token),
                400, {"city": ["Ensure this field has no more than 100 characters."],
                      "state": BLANK, "country": BLANK})
    assert_json(api.post("masters/locations/",
                         json={"city": "x", "state": "s" * 101, "country": "k" * 101,
                               "is_active": []}, token=token), 400,
                {"state": ["Ensure this field has no more than 100 characters."],
                 "country": ["Ensure this field has no more than 100 characters."],
                 "is_active": BOOLEAN})
    assert_json(api.post("masters/locations/",
                         json={"city": "x", "state": "y", "country": None, "is_active": "yes"},
                         token=token), 400, {"country": NULL, "is_active": BOOLEAN})


def test_unique_names_and_places(api, admin, db):
    token = admin["access"]
    t = tok()
    s = add_skill(db, f"{t} Suturing")
    other = add_skill(db, f"{t} Other")
    q = add_qualification(db, f"{t} BPT", "bachelor")
    add_location(db, f"{t} Kochi", "Kerala")
    loc2 = add_location(db, f"{t} Kollam", "Kerala")
    audits = db.scalar("SELECT count(*) FROM audit_log")

    assert_json(api.post("masters/skills/", json={"name": f"{t} SUTURING ",
                                                  "category": "clinical"}, token=token),
                400, {"name": ["skill with this name already exists."]})
    assert_json(api.patch(f"masters/skills/{other}/", json={"name": f"{t} suturing"},
                          token=token), 400, {"name": ["skill with this name already exists."]})
    assert_json(api.post("masters/qualifications/", json={"name": f"{t} bpt",
                                                          "level": "master"}, token=token),
                400, {"name": ["qualification with this name already exists."]})
    unique_place = {"non_field_errors": [
        "The fields city, state, country must make a unique set."]}
    assert_json(api.post("masters/locations/", json={"city": f"{t} KOCHI", "state": "kerala",
                                                     "country": "india"}, token=token),
                400, unique_place)
    assert_json(api.put(f"masters/locations/{loc2}/", json={"city": f"{t} kochi",
                                                            "state": "Kerala"}, token=token),
                400, unique_place)
    # nothing was written, nothing audited
    assert db.scalar("SELECT count(*) FROM audit_log") == audits
    assert db("SELECT name FROM skills WHERE id = :'i'", i=other) == [[f"{t} Other"]]
    # the same city in another state, or its own name again, is fine
    assert_json(api.post("masters/locations/", json={"city": f"{t} Kochi", "state": "Goa"},
                         token=token), 201)
    assert_json(api.patch(f"masters/skills/{s}/", json={"name": f"{t} SUTURING"},
                          token=token), 200, skill(s, f"{t} SUTURING"))
    assert_json(api.patch(f"masters/qualifications/{q}/", json={"name": f"{t} BPT"},
                          token=token), 200, qualification(q, f"{t} BPT"))


# ==== delete of entries in use ==================================================================


@pytest.fixture
def candidate_profile(api, read_mails, db):
    user = create_user(api, read_mails, role="candidate", verify=False)
    return int(db.scalar("SELECT id FROM candidate_profiles WHERE user_id = :'u'",
                         u=user["id"]))


IN_USE = {
    "skills": ("skill", "candidate_skills", "skill_id", add_skill),
    "qualifications": ("qualification", "candidate_qualifications", "qualification_id",
                       add_qualification),
}


@pytest.mark.parametrize("kind", list(IN_USE))
def test_delete_in_use_is_409_and_deactivation_works(api, db, admin, candidate_profile, kind):
    typ, link, col, add = IN_USE[kind]
    t = tok()
    i = add(db, f"{t} Used")
    db(f"INSERT INTO {link} (profile_id, {col}) VALUES (:'p', :'i')", p=candidate_profile, i=i)
    r = api.delete(f"masters/{kind}/{i}/", token=admin["access"])
    assert_error(r, 409, "in_use",
                 f"This {typ} is in use and cannot be deleted; deactivate it instead "
                 f"(is_active=false).")
    assert db.scalar(f"SELECT count(*) FROM {kind} WHERE id = :'i'", i=i) == "1"
    assert audit_rows(db, typ, i) == []
    # deactivating hides it from the default list but keeps the profile's link
    r = api.patch(f"masters/{kind}/{i}/", json={"is_active": False}, token=admin["access"])
    assert assert_json(r, 200)["is_active"] is False
    assert results(api, f"masters/{kind}/", search=t) == []
    assert [x["id"] for x in results(api, f"masters/{kind}/", search=t, is_active="false")] == [i]
    assert db.scalar(f"SELECT count(*) FROM {link} WHERE {col} = :'i'", i=i) == "1"
    # once unused it can go
    db(f"DELETE FROM {link} WHERE {col} = :'i'", i=i)
    assert api.delete(f"masters/{kind}/{i}/", token=admin["access"]).status_code == 204


def test_delete_racing_a_new_reference_is_409(api, db, admin, candidate_profile, pg_stack):
    """A reference committed while the DELETE waits: the foreign key (23503) answers 409."""
    t = tok()
    i = add_skill(db, f"{t} Raced")
    script = (f"BEGIN; INSERT INTO candidate_skills (profile_id, skill_id)"
              f" VALUES ({candidate_profile}, {i}); SELECT pg_sleep(2); COMMIT;")
    argv = pg_stack._as_service([PG_BIN / "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                                 "-h", pg_stack.sockdir, "-p", pg_stack.pg_port,
                                 "-U", "carechain", "-d", "carechain", "-c", script])
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=clean_env(), cwd=str(pg_stack.base_dir))
    try:
        # wait until the other transaction holds its uncommitted reference
        deadline = time.monotonic() + 20
        while db.scalar("SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
                        " AND state = 'active'"
                        " AND query LIKE 'BEGIN; INSERT INTO candidate_skills%'") != "1":
            assert time.monotonic() < deadline, "the racing transaction did not start"
            time.sleep(0.05)
        r = api.delete(f"masters/skills/{i}/", token=admin["access"])
        assert_error(r, 409, "in_use")
    finally:
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert db.scalar("SELECT count(*) FROM skills WHERE id = :'i'", i=i) == "1"
    assert audit_rows(db, "skill", i) == []
    db("DELETE FROM candidate_skills WHERE skill_id = :'i'", i=i)


def test_locations_delete_freely(api, db, admin):
    i = add_location(db, f"{tok()} Gone", "Bihar")
    assert api.delete(f"masters/locations/{i}/", token=admin["access"]).status_code == 204
    assert db.scalar("SELECT count(*) FROM locations WHERE id = :'i'", i=i) == "0"

