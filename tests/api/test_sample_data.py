"""carechainctl sample-data: curated sample accounts, generated units (--scale), credentials.

The suite's database is shared with every other test, so everything here looks only at rows of
the sample domains (sample.carechain.test, scale.carechain.test). The runs build on each other
(first run, a second run that must change nothing, --scale 3, --scale 4 into a file), as
module-scoped fixtures chained in that order; a second database in the same cluster covers an
empty schema (no master data, no admin, no schema at all).
"""

import csv
import json
import os
import re
import stat
from datetime import date
from pathlib import Path

import pytest

from helpers import PASSWORD, assert_json, create_admin, sql_quote
from stack import clean_env

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "cli" / "data"

SAMPLE = "%@sample.carechain.test"
SCALED = "%@scale.carechain.test"
SAMPLE_HOSPITALS = "%.sample.carechain.test"  # info@<hospital>.sample.carechain.test
PASSWORD_RE = re.compile(r"^[A-Za-z0-9_-]{16}-Cc9$")
PHONE_RE = re.compile(r"^\+91 98\d{8}$")
JOB_TYPES = {"full_time", "part_time", "contract", "temporary", "locum", "per_diem"}
SCALE_ERROR = "carechainctl: --scale must be a whole number from 1 to 100000\n"

CANDIDATES = ["ananya.iyer", "rahul.sharma", "priya.nair", "irfan.khan", "kavya.reddy",
              "arjun.mehta", "sneha.patil", "vikram.singh", "lakshmi.subramanian", "rohan.das"]
RECRUITERS = ["shalini.gowda", "manjunath.hegde", "neha.kulkarni", "senthil.kumar",
              "amit.srivastava"]
CANDIDATE_STATUS = {"ananya.iyer": "verified", "rahul.sharma": "verified",
                    "priya.nair": "verified", "irfan.khan": "pending",
                    "kavya.reddy": "verified", "arjun.mehta": "rejected",
                    "sneha.patil": "verified", "vikram.singh": "pending",
                    "lakshmi.subramanian": "pending", "rohan.das": "rejected"}

# Every candidate_profiles column the sample data fills for every candidate.
PROFILE_COLUMNS = ["phone_number", "date_of_birth", "gender", "address", "city", "state",
                   "country", "headline", "summary", "years_of_experience", "specialization",
                   "expected_salary", "available_from"]
HOSPITAL_COLUMNS = ["name", "registration_number", "address", "city", "state", "country",
                    "phone_number", "email", "type", "bed_capacity", "website"]

# A stable text of every sample row (users, profiles, hospitals, verification, links).
CHECKSUM_SQL = """
WITH u AS (SELECT * FROM users WHERE email LIKE :'s1' OR email LIKE :'s2'),
     cp AS (SELECT p.* FROM candidate_profiles p JOIN u ON u.id = p.user_id),
     rp AS (SELECT p.* FROM recruiter_profiles p JOIN u ON u.id = p.user_id),
     h AS (SELECT * FROM hospitals WHERE email LIKE :'h1' OR email LIKE :'s2'),
     v AS (SELECT * FROM verification_requests
           WHERE candidate_profile_id IN (SELECT id FROM cp) OR hospital_id IN (SELECT id FROM h))
SELECT count(*), md5(string_agg(t, '|' ORDER BY t)) FROM (
    SELECT 'u' || u::text AS t FROM u
    UNION ALL SELECT 'c' || cp::text FROM cp
    UNION ALL SELECT 'r' || rp::text FROM rp
    UNION ALL SELECT 'h' || h::text FROM h
    UNION ALL SELECT 'v' || v::text FROM v
    UNION ALL SELECT 'e' || e::text FROM verification_events e
              WHERE e.request_id IN (SELECT id FROM v)
    UNION ALL SELECT 's' || s::text FROM candidate_skills s
              WHERE s.profile_id IN (SELECT id FROM cp)
    UNION ALL SELECT 'q' || q::text FROM candidate_qualifications q
              WHERE q.profile_id IN (SELECT id FROM cp)
) rows
"""


def tsv(name):
    with open(DATA / name, newline="") as f:
        return [row for row in csv.reader(f, delimiter="\t")
                if row and not row[0].startswith("#")]


LOCATIONS = {(city, state) for city, state, _ in tsv("locations.tsv")}
CITIES = {city for city, _ in LOCATIONS}


def ctl(stack, *args, db=None):
    """build/carechainctl ARGS against the suite's database (or conninfo db); never raises."""
    env = clean_env({"CARECHAIN_DB": db or stack.conninfo})
    return stack._run([stack.ctl] + list(args), service=False, check=False, env=env)


def sample_run(stack, *args, db=None):
    return ctl(stack, "sample-data", "--bcrypt-cost", "4", *args, db=db)


def checksum(stack):
    return rows(stack, CHECKSUM_SQL)[0]


def rows(stack, sql, **kw):
    return stack.psql(sql, s1=SAMPLE, s2=SCALED, h1=SAMPLE_HOSPITALS, **kw)


def first_admin(stack, dbname=None):
    kw = {"dbname": dbname} if dbname else {}
    rows_ = stack.psql("SELECT id FROM users WHERE role = 'admin' AND is_active ORDER BY id"
                       " LIMIT 1", **kw)
    return rows_[0][0] if rows_ else ""


def ensure_masters(stack):
    """Skills and qualifications from cli/data (seed-masters when this build has it)."""
    if "seed-masters" in ctl(stack, "--help").stderr:
        stack._ctl(["seed-masters"])
        return
    for table, cols, name in (("skills", "name, category, description", "skills.tsv"),
                              ("qualifications", "name, level, field", "qualifications.tsv")):
        values = ",".join("(" + ",".join(sql_quote(v) for v in row) + ")" for row in tsv(name))
        stack.psql(f"INSERT INTO {table} ({cols}) VALUES {values} ON CONFLICT DO NOTHING")


# ---- the runs, in order ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def first(stack):
    """The first run: master data present, an admin present, nothing sampled yet."""
    ensure_masters(stack)
    create_admin(stack)
    assert rows(stack, "SELECT count(*) FROM users WHERE email LIKE :'s1' OR email LIKE :'s2'") \
        == [["0"]]
    admin = first_admin(stack)
    proc = sample_run(stack, "--credentials", "-")
    assert proc.returncode == 0, proc.stderr
    return {"proc": proc, "creds": json.loads(proc.stdout), "admin": admin}


@pytest.fixture(scope="module")
def second(stack, first):
    before = checksum(stack)
    proc = sample_run(stack, "--credentials", "-")
    return {"proc": proc, "before": before, "after": checksum(stack)}


@pytest.fixture(scope="module")
def scale3(stack, second):
    before = checksum(stack)
    proc = sample_run(stack, "--scale", "3", "--credentials", "-")
    assert proc.returncode == 0, proc.stderr
    return {"proc": proc, "creds": json.loads(proc.stdout), "before": before}


@pytest.fixture(scope="module")
def scale4_file(stack, scale3, tmp_path_factory):
    path = tmp_path_factory.mktemp("sample") / "creds.json"
    kept = {"admin": {"email": "admin@carechain.local", "password": "x"},
            "scaled": {"password": scale3["creds"]["scaled"]["password"], "note": "mine"}}
    path.write_text(json.dumps(kept))
    os.chmod(path, 0o644)
    proc = sample_run(stack, "--scale", "4", "--credentials", str(path))
    assert proc.returncode == 0, proc.stderr
    return {"proc": proc, "path": path, "kept": kept}


# ---- first run -------------------------------------------------------------------------------


def test_credentials_output(first):
    creds, proc = first["creds"], first["proc"]
    assert set(creds) == {"candidates", "recruiters"}
    assert [c["email"] for c in creds["candidates"]] == \
        [f"{n}@sample.carechain.test" for n in CANDIDATES]
    assert [c["email"] for c in creds["recruiters"]] == \
        [f"{n}@sample.carechain.test" for n in RECRUITERS]
    accounts = creds["candidates"] + creds["recruiters"]
    for acct in accounts:
        assert set(acct) == {"email", "password"}
        assert PASSWORD_RE.match(acct["password"]), acct
    assert len({a["password"] for a in accounts}) == 15
    # Progress and notes on stderr only; the masters are loaded and an admin exists.
    assert "warning" not in proc.stderr
    assert "no admin account" not in proc.stderr
    assert "sample-data: created 10 candidates, 5 recruiters and 5 hospitals (curated) in" \
        in proc.stderr


def test_users(stack, first):
    assert rows(stack, "SELECT role, is_active, is_verified, count(*) FROM users"
                       " WHERE email LIKE :'s1' GROUP BY 1, 2, 3 ORDER BY 1") == \
        [["candidate", "t", "t", "10"], ["recruiter", "t", "t", "5"]]
    hashes = rows(stack, "SELECT password FROM users WHERE email LIKE :'s1'")
    assert len({h[0] for h in hashes}) == 15
    assert all(h[0].startswith("$2y$04$") and len(h[0]) == 60 for h in hashes), hashes
    names = rows(stack, "SELECT email, first_name, last_name, last_login FROM users"
                        " WHERE email LIKE :'s1' ORDER BY id")
    for email, first_name, last_name, last_login in names:
        assert email == email.lower()
        assert email == f"{first_name.lower()}.{last_name.lower()}@sample.carechain.test"
        assert last_login == ""


def test_candidate_profiles(stack, first):
    cols = ", ".join(f"p.{c}" for c in PROFILE_COLUMNS)
    got = rows(stack, f"SELECT split_part(u.email, '@', 1), p.verification_status, {cols},"
                      " array_to_json(p.certifications), array_to_json(p.preferred_job_types),"
                      " array_to_json(p.preferred_locations), p.verified_at IS NOT NULL,"
                      " coalesce(p.verified_by::text, '-'), p.rejection_reason"
                      " FROM candidate_profiles p JOIN users u ON u.id = p.user_id"
                      " WHERE u.email LIKE :'s1' ORDER BY u.id")
    assert [r[0] for r in got] == CANDIDATES
    assert {r[0]: r[1] for r in got} == CANDIDATE_STATUS
    for r in got:
        name, status = r[0], r[1]
        fields = dict(zip(PROFILE_COLUMNS, r[2:2 + len(PROFILE_COLUMNS)]))
        certs, job_types, locations = (json.loads(x) for x in r[15:18])
        verified_at, verified_by, reason = r[18:21]
        assert all(v != "" for v in fields.values()), (name, fields)
        assert PHONE_RE.match(fields["phone_number"]), fields["phone_number"]
        assert fields["gender"] in ("male", "female")
        assert (fields["city"], fields["state"]) in LOCATIONS, fields
        assert fields["country"] == "India"
        years = int(fields["years_of_experience"])
        age = (date.today() - date.fromisoformat(fields["date_of_birth"])).days // 365
        assert 1 <= years <= 40 and age - years >= 21, (name, age, years)
        assert 10000 <= float(fields["expected_salary"]) <= 500000
        assert date.fromisoformat(fields["available_from"]) > date.today()
        assert certs and "BLS" in certs
        assert job_types and set(job_types) <= JOB_TYPES, job_types
        assert locations and set(locations) <= CITIES, locations
        assert fields["city"] in locations
        if status == "verified":
            assert (verified_at, verified_by, reason) == ("t", first["admin"], "")
        elif status == "rejected":
            assert (verified_at, verified_by) == ("f", "-") and reason
        else:
            assert (verified_at, verified_by, reason) == ("f", "-", "")


def test_candidate_skills_and_qualifications(stack, first):
    got = rows(stack, "SELECT split_part(u.email, '@', 1),"
                      " (SELECT count(*) FROM candidate_skills s WHERE s.profile_id = p.id),"
                      " (SELECT count(*) FROM candidate_qualifications q"
                      "  WHERE q.profile_id = p.id)"
                      " FROM candidate_profiles p JOIN users u ON u.id = p.user_id"
                      " WHERE u.email LIKE :'s1' ORDER BY u.id")
    for name, skills, quals in got:
        assert 3 <= int(skills) <= 6 and 1 <= int(quals) <= 2, (name, skills, quals)
    skills = rows(stack, "SELECT s.name FROM candidate_skills cs"
                         " JOIN skills s ON s.id = cs.skill_id"
                         " JOIN candidate_profiles p ON p.id = cs.profile_id"
                         " JOIN users u ON u.id = p.user_id"
                         " WHERE u.email = 'ananya.iyer@sample.carechain.test' ORDER BY 1")
    assert [s[0] for s in skills] == [
        "Advanced Cardiovascular Life Support (ACLS)", "Arterial Blood Gas Sampling",
        "Central Line Care", "Critical Care Nursing", "Haemodynamic Monitoring",
        "Ventilator Management"]
    quals = rows(stack, "SELECT x.name FROM candidate_qualifications cq"
                        " JOIN qualifications x ON x.id = cq.qualification_id"
                        " JOIN candidate_profiles p ON p.id = cq.profile_id"
                        " JOIN users u ON u.id = p.user_id"
                        " WHERE u.email = 'rahul.sharma@sample.carechain.test' ORDER BY 1")
    assert quals == [["MBBS"], ["MD General Medicine"]]


def test_candidate_verification(stack, first):
    admin = first["admin"]
    got = rows(stack, "SELECT split_part(u.email, '@', 1), u.id, v.status, p.verification_status,"
                      " v.license_number, v.registration_council, v.specialization,"
                      " v.id_document_type, v.id_document_number, v.document_ids::text,"
                      " v.registration_number, v.submitted_by, coalesce(v.decided_by::text, '-'),"
                      " v.decided_at IS NOT NULL, v.rejection_reason, p.rejection_reason,"
                      " v.specialization = p.specialization,"
                      " v.submitted_at > u.date_joined AND v.submitted_at < now(),"
                      " coalesce(v.decided_at > v.submitted_at AND v.decided_at < now()"
                      "          AND v.decided_at = coalesce(p.verified_at, v.decided_at), true)"
                      " FROM candidate_profiles p JOIN users u ON u.id = p.user_id"
                      " JOIN verification_requests v ON v.candidate_profile_id = p.id"
                      " WHERE u.email LIKE :'s1' ORDER BY u.id")
    assert [r[0] for r in got] == CANDIDATES  # one request per candidate
    for (name, uid, status, profile_status, license_, council, spec, id_type, id_number, docs,
         reg, submitted_by, decided_by, decided, reason, profile_reason, same_spec, submitted_ok,
         decided_ok) in got:
        assert status == profile_status == CANDIDATE_STATUS[name]
        assert license_ and council and spec and same_spec == "t", name
        assert id_type in ("aadhaar", "pan", "passport", "voter_id", "driving_licence")
        assert id_number and docs == "{}" and reg == ""
        assert submitted_by == uid and submitted_ok == "t" and decided_ok == "t"
        if status == "pending":
            assert (decided_by, decided, reason) == ("-", "f", "")
        else:
            assert (decided_by, decided) == (admin, "t")
        assert reason == profile_reason
        assert (status == "rejected") == (reason != "")
    first_row = got[0]
    assert first_row[4:9] == ["KNC-2016-04512", "Karnataka State Nursing Council",
                              "Critical Care Nursing", "aadhaar", "XXXX XXXX 4821"]
    # History: pending by the candidate at submission, then the admin's decision (with reason).
    events = rows(stack, "SELECT split_part(u.email, '@', 1),"
                         " json_agg(json_build_object('status', e.status,"
                         "   'actor', coalesce(e.actor_id::text, '-'), 'reason', e.reason,"
                         "   'at_submission', e.created_at = v.submitted_at,"
                         "   'at_decision', e.created_at IS NOT DISTINCT FROM v.decided_at)"
                         "   ORDER BY e.id)"
                         " FROM candidate_profiles p JOIN users u ON u.id = p.user_id"
                         " JOIN verification_requests v ON v.candidate_profile_id = p.id"
                         " JOIN verification_events e ON e.request_id = v.id"
                         " WHERE u.email LIKE :'s1' GROUP BY u.id, u.email ORDER BY u.id")
    by_name = {r[0]: r for r in got}
    for name, history in events:
        history = json.loads(history)
        status, uid, reason = by_name[name][2], by_name[name][1], by_name[name][14]
        expected = [{"status": "pending", "actor": uid, "reason": None, "at_submission": True,
                     "at_decision": False}]
        if status != "pending":
            expected.append({"status": status, "actor": admin, "reason": reason or None,
                             "at_submission": False, "at_decision": True})
        assert history == expected, (name, history)


def test_hospitals(stack, first):
    admin = first["admin"]
    cols = ", ".join(f"h.{c}" for c in HOSPITAL_COLUMNS)
    got = rows(stack, f"SELECT {cols}, h.verification_status, h.verified_at IS NOT NULL,"
                      " coalesce(h.verified_by::text, '-'), h.rejection_reason,"
                      " coalesce(split_part(u.email, '@', 1), '-')"
                      " FROM hospitals h LEFT JOIN users u ON u.id = h.created_by"
                      " WHERE h.email LIKE :'h1' ORDER BY h.id")
    n = len(HOSPITAL_COLUMNS)
    assert len(got) == 5
    for r in got:
        fields = dict(zip(HOSPITAL_COLUMNS, r[:n]))
        assert all(v != "" for v in fields.values()), fields
        assert (fields["city"], fields["state"]) in LOCATIONS and fields["country"] == "India"
        assert fields["website"].startswith("https://")
    summary = [(r[0], r[8], r[n], r[n + 1], r[n + 2], r[n + 3] != "", r[n + 4]) for r in got]
    assert summary == [
        ("Mysuru District General Hospital", "public", "verified", "t", admin, False,
         "shalini.gowda"),
        ("Navjeevan Multispeciality Hospital", "private", "verified", "t", admin, False,
         "neha.kulkarni"),
        ("Sanjeevani Heart Institute", "specialty", "verified", "t", admin, False,
         "senthil.kumar"),
        ("Shanti Nursing Home", "nursing_home", "pending", "f", "-", False, "amit.srivastava"),
        ("CarePlus Family Clinic", "clinic", "rejected", "f", "-", True, "-"),
    ]
    assert len({r[1].lower() for r in got}) == 5  # registration numbers
    requests = rows(stack, "SELECT v.status = h.verification_status,"
                           " v.registration_number = h.registration_number,"
                           " v.submitted_by IS NOT DISTINCT FROM h.created_by,"
                           " coalesce(v.decided_by::text, '-'), v.decided_at IS NOT NULL,"
                           " v.rejection_reason IS NOT DISTINCT FROM h.rejection_reason,"
                           " v.license_number IS NULL AND v.id_document_number IS NULL,"
                           " (SELECT json_agg(json_build_object('s', e.status,"
                           "   'a', coalesce(e.actor_id::text, '-'), 'r', e.reason IS NOT NULL)"
                           "   ORDER BY e.id) FROM verification_events e WHERE e.request_id = v.id)"
                           " FROM hospitals h JOIN verification_requests v ON v.hospital_id = h.id"
                           " WHERE h.email LIKE :'h1' ORDER BY h.id")
    creators = [r[-1] for r in got]
    user_ids = dict(rows(stack, "SELECT split_part(email, '@', 1), id FROM users"
                                " WHERE email LIKE :'s1'"))
    assert len(requests) == 5
    for (same_status, same_reg, same_submitter, decided_by, decided, same_reason, no_candidate,
         history), status, creator in zip(requests, [r[n] for r in got], creators):
        assert (same_status, same_reg, same_submitter, same_reason, no_candidate) == \
            ("t", "t", "t", "t", "t")
        submitter = user_ids.get(creator, "-")
        expected = [{"s": "pending", "a": submitter, "r": False}]
        if status == "pending":
            assert (decided_by, decided) == ("-", "f")
        else:
            assert (decided_by, decided) == (admin, "t")
            expected.append({"s": status, "a": admin, "r": status == "rejected"})
        assert json.loads(history) == expected


def test_recruiter_profiles(stack, first):
    admin = first["admin"]
    got = rows(stack, "SELECT split_part(u.email, '@', 1), r.company_name = h.name,"
                      " r.designation, r.phone_number, r.company_address, h.name,"
                      " h.verification_status, r.verification_status, r.verified_at IS NOT NULL,"
                      " coalesce(r.verified_by::text, '-'), r.rejection_reason"
                      " FROM recruiter_profiles r JOIN users u ON u.id = r.user_id"
                      " JOIN hospitals h ON h.id = r.hospital_id"
                      " WHERE u.email LIKE :'s1' ORDER BY u.id")
    assert [(r[0], r[5]) for r in got] == [
        ("shalini.gowda", "Mysuru District General Hospital"),
        ("manjunath.hegde", "Mysuru District General Hospital"),
        ("neha.kulkarni", "Navjeevan Multispeciality Hospital"),
        ("senthil.kumar", "Sanjeevani Heart Institute"),
        ("amit.srivastava", "Shanti Nursing Home")]
    for (name, same_name, designation, phone, address, _, hospital_status, status, verified_at,
         verified_by, reason) in got:
        assert same_name == "t" and designation and address, name
        assert PHONE_RE.match(phone), phone
        assert reason == ""
        if hospital_status == "verified":
            assert (status, verified_at, verified_by) == ("verified", "t", admin)
        else:
            assert (status, verified_at, verified_by) == ("pending", "f", "-")


def test_candidate_and_recruiter_log_in(api, first):
    cand, rec = first["creds"]["candidates"][0], first["creds"]["recruiters"][0]
    data = assert_json(api.post("accounts/login/", json=cand), 200)
    assert (data["email"], data["role"], data["first_name"]) == (cand["email"], "candidate",
                                                                   "Ananya")
    profile = data["profile"]
    assert (profile["verification_status"], profile["city"], profile["state"]) == \
        ("verified", "Bengaluru", "Karnataka")
    assert len(profile["skills"]) == 6 and len(profile["qualifications"]) == 2
    assert profile["expected_salary"] == "45000.00"
    data = assert_json(api.post("accounts/login/", json=rec), 200)
    assert (data["email"], data["role"]) == (rec["email"], "recruiter")
    assert isinstance(data["recruiter_profile"], int)
    wrong = dict(cand, password=PASSWORD)
    assert api.post("accounts/login/", json=wrong).status_code == 401


# ---- idempotency -----------------------------------------------------------------------------


def test_second_run_changes_nothing(second):
    proc = second["proc"]
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "{}\n"
    assert "the curated sample accounts are already there" in proc.stderr
    assert "nothing to add; nothing was changed" in proc.stderr
    assert second["after"] == second["before"]
    # users, candidate and recruiter profiles, hospitals, requests, events, skills, qualifications
    assert second["before"][0] == str(15 + 10 + 5 + 5 + 15 + 26 + 54 + 17)


# ---- --scale ---------------------------------------------------------------------------------


def test_scale_3_output(scale3):
    creds = scale3["creds"]
    assert set(creds) == {"scaled"}
    scaled = dict(creds["scaled"])
    assert PASSWORD_RE.match(scaled.pop("password"))
    assert scaled == {"candidate_email_pattern": "candidate{n}@scale.carechain.test",
                      "recruiter_email_pattern": "recruiter{n}@scale.carechain.test",
                      "candidates": 20, "recruiters": 10, "hospitals": 10}
    assert "the curated sample accounts are already there" in scale3["proc"].stderr
    assert "20 candidates, 10 recruiters and 10 hospitals (generated, n = 1..20)" \
        in scale3["proc"].stderr


def test_scale_3_counts(stack, scale3):
    assert rows(stack, "SELECT u.role, count(*) FROM users u"
                       " WHERE u.email LIKE :'s1' OR u.email LIKE :'s2' GROUP BY 1 ORDER BY 1") \
        == [["candidate", "30"], ["recruiter", "15"]]
    assert rows(stack, "SELECT p.verification_status, count(*) FROM candidate_profiles p"
                       " JOIN users u ON u.id = p.user_id WHERE u.email LIKE :'s2'"
                       " GROUP BY 1 ORDER BY 1") == \
        [["pending", "6"], ["rejected", "4"], ["verified", "10"]]
    assert rows(stack, "SELECT verification_status, count(*), count(DISTINCT type)"
                       " FROM hospitals WHERE email LIKE :'s2' GROUP BY 1 ORDER BY 1") == \
        [["pending", "2", "2"], ["rejected", "2", "2"], ["verified", "6", "4"]]
    # The three verified hospitals of each unit are of three different types.
    assert rows(stack, "SELECT count(DISTINCT type) FROM hospitals WHERE email LIKE :'s2'"
                       " AND verification_status = 'verified'"
                       " GROUP BY (substring(email FROM '[0-9]+')::int + 4) / 5") == \
        [["3"], ["3"]]
    assert rows(stack, "SELECT count(*) FROM hospitals WHERE email LIKE :'h1' OR email LIKE :'s2'"
                ) == [["15"]]
    assert rows(stack, "SELECT r.verification_status, h.verification_status, count(*)"
                       " FROM recruiter_profiles r JOIN users u ON u.id = r.user_id"
                       " JOIN hospitals h ON h.id = r.hospital_id WHERE u.email LIKE :'s2'"
                       " GROUP BY 1, 2 ORDER BY 1, 2") == \
        [["pending", "pending", "2"], ["verified", "verified", "8"]]
    # One password hash for all generated accounts, another than every curated one.
    assert rows(stack, "SELECT count(DISTINCT password) FROM users WHERE email LIKE :'s2'") == \
        [["1"]]
    assert rows(stack, "SELECT count(*) FROM users a JOIN users b ON a.password = b.password"
                       " WHERE a.email LIKE :'s1' AND b.email LIKE :'s2'") == [["0"]]


def test_scale_3_profiles_complete(stack, scale3):
    nulls = " OR ".join(f"p.{c} IS NULL" for c in PROFILE_COLUMNS)
    assert rows(stack, f"SELECT count(*) FROM candidate_profiles p JOIN users u ON u.id = p.user_id"
                       f" WHERE u.email LIKE :'s2' AND ({nulls}"
                       " OR cardinality(p.certifications) = 0"
                       " OR cardinality(p.preferred_job_types) = 0"
                       " OR cardinality(p.preferred_locations) = 0)") == [["0"]]
    got = rows(stack, "SELECT p.city, p.state, array_to_json(p.preferred_locations),"
                      " array_to_json(p.preferred_job_types), p.phone_number,"
                      " (SELECT count(*) FROM candidate_skills s WHERE s.profile_id = p.id),"
                      " (SELECT count(*) FROM candidate_qualifications q"
                      "  WHERE q.profile_id = p.id),"
                      " (SELECT count(*) FROM verification_requests v"
                      "  WHERE v.candidate_profile_id = p.id AND v.status = p.verification_status"
                      "  AND v.submitted_by = p.user_id)"
                      " FROM candidate_profiles p JOIN users u ON u.id = p.user_id"
                      " WHERE u.email LIKE :'s2'")
    assert len(got) == 20
    for city, state, locations, job_types, phone, skills, quals, requests in got:
        assert (city, state) in LOCATIONS
        assert set(json.loads(locations)) <= CITIES and city in json.loads(locations)
        assert set(json.loads(job_types)) <= JOB_TYPES
        assert PHONE_RE.match(phone)
        assert 3 <= int(skills) <= 6 and 1 <= int(quals) <= 2 and requests == "1"
    assert rows(stack, "SELECT count(*) FROM hospitals WHERE email LIKE :'s2' AND ("
                + " OR ".join(f"{c} IS NULL" for c in HOSPITAL_COLUMNS) + ")") == [["0"]]
    # Every generated request has its history: pending, then the decision when decided.
    assert rows(stack, "SELECT v.status, count(e.id) FROM verification_requests v"
                       " JOIN verification_events e ON e.request_id = v.id"
                       " WHERE v.candidate_profile_id IN (SELECT p.id FROM candidate_profiles p"
                       "   JOIN users u ON u.id = p.user_id WHERE u.email LIKE :'s2')"
                       " OR v.hospital_id IN (SELECT id FROM hospitals WHERE email LIKE :'s2')"
                       " GROUP BY 1 ORDER BY 1") == \
        [["pending", "8"], ["rejected", "12"], ["verified", "32"]]


def test_scaled_accounts_log_in(api, scale3):
    password = scale3["creds"]["scaled"]["password"]
    for email, role in (("candidate20@scale.carechain.test", "candidate"),
                        ("recruiter10@scale.carechain.test", "recruiter")):
        data = assert_json(api.post("accounts/login/", json={"email": email,
                                                             "password": password}), 200)
        assert (data["email"], data["role"]) == (email, role)


def test_same_or_smaller_scale_changes_nothing(stack, scale3):
    before = checksum(stack)
    for scale in ("3", "2", "1"):
        proc = sample_run(stack, "--scale", scale)  # no --credentials: stdout, like "-"
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == "{}\n"
        assert "generated data up to --scale 3 is already there" in proc.stderr
    assert checksum(stack) == before


def test_scale_4_merges_into_file(stack, api, scale4_file):
    proc, path = scale4_file["proc"], scale4_file["path"]
    assert proc.stdout == ""
    assert f"sample-data: credentials merged into {path}" in proc.stderr
    assert "share the password of the generated accounts already present" in proc.stderr
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    saved = json.loads(path.read_text())
    assert saved == {
        "admin": scale4_file["kept"]["admin"],
        "scaled": {"password": scale4_file["kept"]["scaled"]["password"], "note": "mine",
                   "candidate_email_pattern": "candidate{n}@scale.carechain.test",
                   "recruiter_email_pattern": "recruiter{n}@scale.carechain.test",
                   "candidates": 30, "recruiters": 15, "hospitals": 15}}
    assert rows(stack, "SELECT count(*), count(DISTINCT password) FROM users"
                       " WHERE email LIKE :'s2'") == [["45", "1"]]
    assert not list(path.parent.glob(".creds.json.*"))  # no temporary file left
    data = assert_json(api.post("accounts/login/", json={
        "email": "candidate30@scale.carechain.test", "password": saved["scaled"]["password"]}),
        200)
    assert data["role"] == "candidate"


def test_file_untouched_when_nothing_to_add(stack, scale4_file, tmp_path):
    path = tmp_path / "creds.json"
    path.write_text('{"admin": 1}')
    os.chmod(path, 0o644)
    proc = sample_run(stack, "--scale", "4", "--credentials", str(path))
    assert (proc.returncode, proc.stdout) == (0, "")
    assert path.read_text() == '{"admin": 1}'
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644


# ---- refused ---------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", ["0", "-1", "100001", "abc", "2x", "", "99999999999999999999"])
def test_bad_scale(stack, scale4_file, scale):
    before = checksum(stack)
    proc = sample_run(stack, "--scale", scale)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", SCALE_ERROR)
    assert checksum(stack) == before


def test_missing_option_value(stack, first):
    for option in ("--scale", "--credentials"):
        proc = ctl(stack, "sample-data", option)
        assert (proc.returncode, proc.stdout) == (2, "")
        assert proc.stderr.startswith("usage: carechainctl")
        assert "sample-data [--scale N] [--credentials FILE|-] [--bcrypt-cost N]" in proc.stderr


@pytest.mark.parametrize("content, problem", [
    ("not json", "does not hold a JSON object: "),
    ("[1, 2]", "does not hold a JSON object\n"),
])
def test_bad_credentials_file_changes_nothing(stack, scale4_file, tmp_path, content, problem):
    path = tmp_path / "creds.json"
    path.write_text(content)
    before = checksum(stack)
    proc = sample_run(stack, "--scale", "5", "--credentials", str(path))
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr.startswith(f"carechainctl: {path} {problem}"), proc.stderr
    assert checksum(stack) == before
    assert path.read_text() == content


def test_unwritable_credentials_file_changes_nothing(stack, scale4_file, tmp_path):
    path = tmp_path / "missing-dir" / "creds.json"
    before = checksum(stack)
    proc = sample_run(stack, "--scale", "5", "--credentials", str(path))
    assert (proc.returncode, proc.stdout) == (1, "")
    assert f"carechainctl: cannot create {tmp_path}/missing-dir/.creds.json." in proc.stderr
    assert proc.stderr.endswith("carechainctl: sample-data failed; nothing was changed\n")
    assert checksum(stack) == before
    assert not path.parent.exists()


# ---- an empty database ----------------------------------------------------------------------


@pytest.fixture
def empty_db(stack):
    """A second database in the suite's cluster, without schema; dropped afterwards."""
    name = "cc_sample_empty"
    stack.psql(f"DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name} OWNER carechain",
               user="postgres", dbname="postgres")
    try:
        yield name, re.sub(r"dbname=\S+", f"dbname={name}", stack.conninfo)
    finally:
        stack.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", user="postgres",
                   dbname="postgres")


def test_empty_database(stack, empty_db, tmp_path):
    name, conninfo = empty_db
    path = tmp_path / "creds.json"

    proc = sample_run(stack, "--credentials", str(path), db=conninfo)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == ("carechainctl: the schema is not there: run carechainctl migrate"
                           " first\ncarechainctl: sample-data failed; nothing was changed\n")
    assert not path.exists()

    assert ctl(stack, "migrate", db=conninfo).returncode == 0
    proc = sample_run(stack, "--credentials", str(path), db=conninfo)
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stderr
    # No skills, no qualifications, no admin: it still works, and says so.
    assert ("sample-data: warning: the skills table is empty, so sample candidates get no"
            " skills; run `carechainctl seed-masters` first\n") in proc.stderr
    assert ("sample-data: warning: the qualifications table is empty, so sample candidates"
            " get no qualifications; run `carechainctl seed-masters` first\n") in proc.stderr
    assert ("sample-data: no admin account yet: verification decisions are recorded without"
            " a deciding admin\n") in proc.stderr
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    saved = json.loads(path.read_text())
    assert set(saved) == {"candidates", "recruiters"}
    assert (len(saved["candidates"]), len(saved["recruiters"])) == (10, 5)

    def q(sql):
        return stack.psql(sql, dbname=name)

    assert q("SELECT role, count(*) FROM users GROUP BY 1 ORDER BY 1") == \
        [["candidate", "10"], ["recruiter", "5"]]
    assert q("SELECT count(*) FROM candidate_skills") == [["0"]]
    assert q("SELECT count(*) FROM candidate_qualifications") == [["0"]]
    assert q("SELECT count(*) FROM verification_requests WHERE decided_by IS NOT NULL") == \
        [["0"]]
    assert q("SELECT count(*), count(actor_id) FROM verification_events"
             " WHERE status <> 'pending'") == [["11", "0"]]
    assert q("SELECT count(*) FROM candidate_profiles WHERE verified_by IS NOT NULL"
             " OR (verification_status = 'verified' AND verified_at IS NULL)") == [["0"]]

    # Some but not all sample accounts: refused, nothing changed.
    q("DELETE FROM users WHERE email = 'rohan.das@sample.carechain.test'")
    proc = sample_run(stack, db=conninfo)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert ("carechainctl: 14 of the 15 sample accounts (*@sample.carechain.test) exist: delete"
            " them, or restore the others, before running sample-data again\n") in proc.stderr
    assert q("SELECT count(*) FROM users") == [["14"]]
