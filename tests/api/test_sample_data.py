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
           WHERE candidate_profile_id IN (SELECT id FROM cp) OR hospital_id IN (SELECT id FROM h)),
     j AS (SELECT * FROM jobs WHERE hospital_id IN (SELECT id FROM h)),
     a AS (SELECT * FROM applications WHERE job_id IN (SELECT id FROM j)),
     aj AS (SELECT * FROM active_jobs WHERE job_id IN (SELECT id FROM j))
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
    UNION ALL SELECT 'j' || j::text FROM j
    UNION ALL SELECT 'js' || js::text FROM job_skills js WHERE js.job_id IN (SELECT id FROM j)
    UNION ALL SELECT 'jq' || jq::text FROM job_qualifications jq
              WHERE jq.job_id IN (SELECT id FROM j)
    UNION ALL SELECT 'a' || a::text FROM a
    UNION ALL SELECT 'ae' || ae::text FROM application_events ae
              WHERE ae.application_id IN (SELECT id FROM a)
    UNION ALL SELECT 'aj' || aj::text FROM aj
    UNION ALL SELECT 'cj' || cj::text FROM completed_jobs cj
              WHERE cj.active_job_id IN (SELECT id FROM aj)
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
    assert "sample-data: created 10 candidates, 5 recruiters, 5 hospitals, 20 jobs and 50" \
        " applications (curated) in" in proc.stderr


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
    # users, candidate and recruiter profiles, hospitals, requests, events, skills, qualifications;
    # jobs, their skills and qualifications, applications, their events, active and completed
    assert second["before"][0] == str(15 + 10 + 5 + 5 + 15 + 26 + 54 + 17
                                      + 20 + 88 + 35 + 50 + 151 + 6 + 2)


# ---- --scale ---------------------------------------------------------------------------------


def test_scale_3_output(scale3):
    creds = scale3["creds"]
    assert set(creds) == {"scaled"}
    scaled = dict(creds["scaled"])
    assert PASSWORD_RE.match(scaled.pop("password"))
    assert scaled == {"candidate_email_pattern": "candidate{n}@scale.carechain.test",
                      "recruiter_email_pattern": "recruiter{n}@scale.carechain.test",
                      "candidates": 20, "recruiters": 10, "hospitals": 10, "jobs": 40,
                      "applications": 100}
    assert "the curated sample accounts are already there" in scale3["proc"].stderr
    assert "20 candidates, 10 recruiters, 10 hospitals, 40 jobs and 100 applications" \
        " (generated, n = 1..20)" in scale3["proc"].stderr


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
                   "candidates": 30, "recruiters": 15, "hospitals": 15, "jobs": 60,
                   "applications": 150}}
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



# ---- jobs and applications --------------------------------------------------------------------

# The status mix of the curated applications, and of every generated unit's.
STATUS_MIX = {"applied": 10, "reviewed": 7, "shortlisted": 6, "interviewing": 5, "offered": 4,
              "hired": 6, "rejected": 8, "withdrawn": 4}
FORWARD = ["applied", "reviewed", "shortlisted", "interviewing", "offered", "hired"]
# Jobs at the curated (h1) or generated (s2) hospitals.
JOBS_OF = {"curated": "hospital_id IN (SELECT id FROM hospitals WHERE email LIKE :'h1')",
           "scaled": "hospital_id IN (SELECT id FROM hospitals WHERE email LIKE :'s2')"}
JOB_COLUMNS = ["description", "requirements", "department", "location", "city", "state",
               "job_type", "experience_level", "min_experience_years", "salary_min",
               "salary_max", "salary_currency", "pay_unit", "shift", "start_date", "vacancies"]


def check_jobs_consistent(stack, part):
    """What must hold for every sample job and application of one part."""
    where = JOBS_OF[part]
    # Only at verified hospitals, posted by a verified recruiter of that hospital, in its city.
    assert rows(stack, f"SELECT count(*) FROM jobs j JOIN hospitals h ON h.id = j.hospital_id"
                       f" JOIN recruiter_profiles r ON r.id = j.posted_by"
                       f" WHERE j.{where} AND (h.verification_status <> 'verified'"
                       f" OR r.hospital_id <> h.id OR r.verification_status <> 'verified'"
                       f" OR j.city <> h.city OR j.state <> h.state)") == [["0"]]
    nulls = " OR ".join(f"{c} IS NULL" for c in JOB_COLUMNS)
    assert rows(stack, f"SELECT count(*) FROM jobs WHERE {where} AND ({nulls}"
                       " OR description = '' OR requirements = '' OR salary_min <= 0"
                       " OR salary_currency <> 'INR')") == [["0"]]
    # Skill names and id arrays (written by the loader itself) are what the link rows say.
    assert rows(stack, f"SELECT count(*) FROM jobs j WHERE j.{where} AND ("
                       "j.skill_names <> (SELECT coalesce(string_agg(s.name, ' '"
                       " ORDER BY s.name), '') FROM job_skills js JOIN skills s"
                       " ON s.id = js.skill_id WHERE js.job_id = j.id)"
                       " OR j.skill_ids <> ARRAY(SELECT skill_id FROM job_skills"
                       " WHERE job_id = j.id ORDER BY skill_id)"
                       " OR j.qualification_ids <> ARRAY(SELECT qualification_id"
                       " FROM job_qualifications WHERE job_id = j.id"
                       " ORDER BY qualification_id))") == [["0"]]
    # The history of every application: starts with 'applied' at applied_at, ends with the
    # current status at updated_at, follows the forward statuses, times strictly increasing
    # and past; the candidate applies and withdraws, the job's recruiter does the rest.
    history = rows(stack, f"""
        SELECT a.status, a.applied_at = min(e.changed_at), a.updated_at = max(e.changed_at),
               max(e.changed_at) < now(),
               array_to_json(array_agg(e.status ORDER BY e.id)),
               bool_and(e.changed_by = CASE WHEN e.status IN ('applied', 'withdrawn')
                                            THEN cu.id ELSE ru.id END),
               (SELECT bool_and(d > interval '0') FROM (
                    SELECT e2.changed_at - lag(e2.changed_at) OVER (ORDER BY e2.id) AS d
                    FROM application_events e2 WHERE e2.application_id = a.id) t
                WHERE d IS NOT NULL),
               a.applied_at >= j.created_at
               AND a.applied_at <= least(j.expires_at,
                                        CASE WHEN NOT j.is_active THEN j.updated_at END, now())
        FROM applications a
        JOIN jobs j ON j.id = a.job_id
        JOIN recruiter_profiles r ON r.id = j.posted_by
        JOIN users ru ON ru.id = r.user_id
        JOIN candidate_profiles p ON p.id = a.candidate_id
        JOIN users cu ON cu.id = p.user_id
        JOIN application_events e ON e.application_id = a.id
        WHERE j.{where}
        GROUP BY a.id, j.id""")
    assert history
    for status, first_ok, last_ok, past, path, actors_ok, increasing, open_ok in history:
        path = json.loads(path)
        assert (first_ok, last_ok, past, actors_ok, open_ok) == ("t",) * 5, (status, path)
        assert path[0] == "applied" and path[-1] == status
        if status in ("rejected", "withdrawn"):
            assert path[:-1] == FORWARD[:len(path) - 1] and len(path) >= 2
        else:
            assert path == FORWARD[:FORWARD.index(status) + 1]
        assert increasing in ("t", "")  # "" (NULL): a single event
        assert (increasing == "") == (len(path) == 1)
    # Hired: exactly one assignment for the same job and candidate; hired only verified
    # candidates; offered too.
    assert rows(stack, f"SELECT count(*) FROM applications a JOIN jobs j ON j.id = a.job_id"
                       f" LEFT JOIN active_jobs aj ON aj.application_id = a.id"
                       f" AND aj.job_id = a.job_id AND aj.candidate_id = a.candidate_id"
                       f" WHERE j.{where} AND (a.status = 'hired') <> (aj.id IS NOT NULL)") == \
        [["0"]]
    assert rows(stack, f"SELECT count(*) FROM applications a JOIN jobs j ON j.id = a.job_id"
                       f" JOIN candidate_profiles p ON p.id = a.candidate_id WHERE j.{where}"
                       f" AND a.status IN ('hired', 'offered')"
                       f" AND p.verification_status <> 'verified'") == [["0"]]
    # Completed and terminated assignments ended; completed ones have their record.
    assert rows(stack, f"SELECT count(*) FROM active_jobs aj JOIN jobs j ON j.id = aj.job_id"
                       f" LEFT JOIN completed_jobs c ON c.active_job_id = aj.id"
                       f" AND c.job_id = aj.job_id AND c.candidate_id = aj.candidate_id"
                       f" AND c.completion_date = aj.end_date"
                       f" WHERE j.{where} AND ((aj.status = 'active') <> (aj.end_date IS NULL)"
                       f" OR (aj.status = 'completed') <> (c.id IS NOT NULL)"
                       f" OR aj.start_date > current_date OR aj.end_date > current_date"
                       f" OR c.rating NOT BETWEEN 1 AND 5 OR c.feedback = '')") == [["0"]]


def test_curated_jobs(stack, first):
    assert rows(stack, "SELECT h.name, u.email, count(*) FROM jobs j"
                       " JOIN hospitals h ON h.id = j.hospital_id"
                       " JOIN recruiter_profiles r ON r.id = j.posted_by"
                       " JOIN users u ON u.id = r.user_id WHERE h.email LIKE :'h1'"
                       " GROUP BY 1, 2 ORDER BY 1, 2") == [
        ["Mysuru District General Hospital", "manjunath.hegde@sample.carechain.test", "3"],
        ["Mysuru District General Hospital", "shalini.gowda@sample.carechain.test", "5"],
        ["Navjeevan Multispeciality Hospital", "neha.kulkarni@sample.carechain.test", "6"],
        ["Sanjeevani Heart Institute", "senthil.kumar@sample.carechain.test", "6"]]
    where = JOBS_OF["curated"]
    # 16 open (12 of them with a future expiry), 2 expired, 2 closed (filled).
    assert rows(stack, f"SELECT CASE WHEN NOT is_active THEN 'inactive'"
                       f" WHEN expires_at < now() THEN 'expired' WHEN expires_at IS NULL"
                       f" THEN 'open' ELSE 'open until' END, count(*) FROM jobs"
                       f" WHERE {where} GROUP BY 1 ORDER BY 1") == \
        [["expired", "2"], ["inactive", "2"], ["open", "4"], ["open until", "12"]]
    assert rows(stack, f"SELECT title, job_type, pay_unit, salary_min, salary_max, shift,"
                       f" vacancies, end_date - start_date, skill_names FROM jobs"
                       f" WHERE {where} AND title LIKE '%(locum)'") == [
        ["Consultant Anaesthesiologist (locum)", "locum", "per_shift", "12000.00",
         "15000.00", "flexible", "1", "45",
         "Advanced Cardiovascular Life Support (ACLS) Airway Management"
         " Endotracheal Intubation Procedural Sedation Monitoring"]]
    assert rows(stack, f"SELECT count(DISTINCT job_type), count(DISTINCT pay_unit),"
                       f" count(DISTINCT experience_level), count(DISTINCT shift),"
                       f" count(*) FILTER (WHERE skill_names = '') FROM jobs WHERE {where}") == \
        [["6", "5", "3", "4", "0"]]
    # Every skill and qualification named in the curated jobs exists in the masters.
    assert rows(stack, f"SELECT (SELECT count(*) FROM job_skills WHERE job_id IN"
                       f" (SELECT id FROM jobs WHERE {where})), (SELECT count(*) FROM"
                       f" job_qualifications WHERE job_id IN (SELECT id FROM jobs"
                       f" WHERE {where}))") == [["88", "35"]]
    check_jobs_consistent(stack, "curated")


def test_curated_applications(stack, first):
    where = JOBS_OF["curated"]
    got = rows(stack, f"SELECT a.status, count(*) FROM applications a"
                      f" JOIN jobs j ON j.id = a.job_id WHERE j.{where} GROUP BY 1")
    assert {s: int(n) for s, n in got} == STATUS_MIX
    # From every sample candidate, with a cover letter signed by them; some with notes.
    got = rows(stack, f"SELECT u.email, count(*), bool_and(a.cover_letter LIKE '%' ||"
                      f" u.first_name || ' ' || u.last_name), count(*) FILTER"
                      f" (WHERE a.notes <> '') FROM applications a JOIN jobs j ON j.id = a.job_id"
                      f" JOIN candidate_profiles p ON p.id = a.candidate_id"
                      f" JOIN users u ON u.id = p.user_id WHERE j.{where} GROUP BY 1")
    assert {r[0].split("@")[0] for r in got} == set(CANDIDATES)
    assert sum(int(r[1]) for r in got) == 50 and all(r[2] == "t" for r in got)
    assert sum(int(r[3]) for r in got) == 21
    assert rows(stack, f"SELECT aj.status, count(*), array_to_json(array_agg(c.rating"
                       f" ORDER BY c.rating)) FROM active_jobs aj"
                       f" JOIN jobs j ON j.id = aj.job_id"
                       f" LEFT JOIN completed_jobs c ON c.active_job_id = aj.id"
                       f" WHERE j.{where} GROUP BY 1 ORDER BY 1") == \
        [["active", "3", "[null,null,null]"], ["completed", "2", "[4,5]"],
         ["terminated", "1", "[null]"]]


def test_scale_3_jobs_and_applications(stack, scale3):
    where = JOBS_OF["scaled"]
    # Per unit (hospital number h: unit (h + 4) / 5): 20 jobs at its three verified hospitals,
    # one expired and one closed, 50 applications from its own candidates with the same mix.
    # (Units 1-2 come from --scale 3; unit 3 is there when the --scale 4 run came first.)
    unit = "(substr(h.email, 9, strpos(h.email, '@') - 9)::int + 4) / 5"
    got = rows(stack, f"SELECT {unit}, count(*), count(DISTINCT h.id),"
                      " count(*) FILTER (WHERE NOT j.is_active),"
                      " count(*) FILTER (WHERE j.is_active AND j.expires_at < now())"
                      " FROM jobs j JOIN hospitals h ON h.id = j.hospital_id"
                      " WHERE h.email LIKE :'s2' GROUP BY 1 ORDER BY 1")
    units = [r[0] for r in got]
    assert units[:2] == ["1", "2"] and units in (["1", "2"], ["1", "2", "3"])
    assert got == [[k, "20", "3", "1", "1"] for k in units]
    cand_unit = "(substr(cu.email, 10, strpos(cu.email, '@') - 10)::int + 9) / 10"
    got = rows(stack, f"SELECT {unit}, {cand_unit}, a.status, count(*) FROM applications a"
                      " JOIN jobs j ON j.id = a.job_id JOIN hospitals h ON h.id = j.hospital_id"
                      " JOIN candidate_profiles p ON p.id = a.candidate_id"
                      " JOIN users cu ON cu.id = p.user_id"
                      " WHERE h.email LIKE :'s2' GROUP BY 1, 2, 3")
    for k in units:
        assert {s: int(n) for u, cu, s, n in got if u == k and cu == k} == STATUS_MIX
    assert all(u == cu for u, cu, _, _ in got)
    n = len(units)
    assert rows(stack, f"SELECT aj.status, count(*) FROM active_jobs aj"
                       f" JOIN jobs j ON j.id = aj.job_id WHERE j.{where}"
                       " GROUP BY 1 ORDER BY 1") == \
        [["active", str(3 * n)], ["completed", str(2 * n)], ["terminated", str(n)]]
    # 3-5 skills and 1-2 qualifications per job; created within the last ~90 days.
    got = rows(stack, f"SELECT (SELECT count(*) FROM job_skills s WHERE s.job_id = j.id),"
                      " (SELECT count(*) FROM job_qualifications q WHERE q.job_id = j.id),"
                      " j.created_at > now() - interval '91 days', j.job_type, j.city"
                      f" FROM jobs j WHERE j.{where}")
    assert len(got) == 20 * n
    for skills, quals, recent, job_type, city in got:
        assert 3 <= int(skills) <= 5 and 1 <= int(quals) <= 2 and recent == "t"
        assert job_type in JOB_TYPES and city in CITIES
    assert len({r[3] for r in got}) >= 3
    assert len(rows(stack, f"SELECT DISTINCT title FROM jobs WHERE {where}")) >= 15
    check_jobs_consistent(stack, "scaled")
    check_jobs_consistent(stack, "curated")

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
    assert ("sample-data: warning: the skills table is empty, so sample candidates and jobs"
            " get no skills; run `carechainctl seed-masters` first\n") in proc.stderr
    assert ("sample-data: warning: the qualifications table is empty, so sample candidates"
            " and jobs get no qualifications; run `carechainctl seed-masters` first\n") \
        in proc.stderr
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
    # The jobs and applications are there all the same, without skills or qualifications.
    assert q("SELECT count(*), count(*) FILTER (WHERE skill_names = ''),"
             " (SELECT count(*) FROM applications) FROM jobs") == [["20", "20", "50"]]
    assert q("SELECT (SELECT count(*) FROM job_skills), (SELECT count(*) FROM"
             " job_qualifications)") == [["0", "0"]]
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


def test_big_load_rebuilds_the_job_indexes(stack, empty_db, tmp_path):
    """5,000 jobs or more: the load drops the secondary indexes of jobs and pauses the link
    triggers, then restores both; the result is the same as the trigger-kept columns."""
    name, conninfo = empty_db
    assert ctl(stack, "migrate", db=conninfo).returncode == 0
    assert ctl(stack, "seed-masters", db=conninfo).returncode == 0

    def q(sql):
        return stack.psql(sql, dbname=name)
    before = q("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'jobs'"
               " ORDER BY 1")
    proc = sample_run(stack, "--scale", "251", "--credentials", str(tmp_path / "c.json"),
                      db=conninfo)
    assert proc.returncode == 0, proc.stderr
    assert "jobs indexes on" in proc.stderr
    assert q("SELECT count(*) FROM jobs") == [["5020"]]
    assert q("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'jobs'"
             " ORDER BY 1") == before
    assert q("SELECT count(*) FROM pg_trigger WHERE tgrelid IN ('job_skills'::regclass,"
             " 'job_qualifications'::regclass) AND NOT tgisinternal AND tgenabled <> 'O'") == [
        ["0"]]
    # what the paused triggers would have written
    assert q("SELECT count(*) FROM jobs j WHERE skill_ids <> ARRAY(SELECT skill_id FROM"
             " job_skills WHERE job_id = j.id ORDER BY 1) OR qualification_ids <> ARRAY("
             "SELECT qualification_id FROM job_qualifications WHERE job_id = j.id ORDER BY 1)"
             " OR skill_names <> coalesce((SELECT string_agg(s.name, ' ' ORDER BY s.name)"
             " FROM job_skills js JOIN skills s ON s.id = js.skill_id WHERE js.job_id = j.id),"
             " '')") == [["0"]]
    assert q("SELECT count(*) FROM jobs WHERE skill_ids <> '{}'") == q(
        "SELECT count(DISTINCT job_id) FROM job_skills")
