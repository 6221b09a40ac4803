"""Profiles, hospitals, the verification workflow, admin queues and detail views (CONTRACT §3)."""

import uuid

import pytest

from helpers import (DATETIME_RE, assert_error, assert_json, create_admin, last_mail,
                     logged_in_user, mail_text, sql_quote)

CANDIDATE_KEYS = {"id", "user", "email", "first_name", "last_name", "phone_number",
                  "date_of_birth", "gender", "address", "city", "state", "country", "headline",
                  "summary", "years_of_experience", "specialization", "skills", "qualifications",
                  "certifications", "expected_salary", "available_from", "preferred_job_types",
                  "preferred_locations", "verification_status", "verified_at",
                  "rejection_reason", "created_at", "updated_at"}
RECRUITER_KEYS = {"id", "user", "email", "first_name", "last_name", "company_name",
                  "designation", "phone_number", "company_address", "hospital",
                  "verification_status", "created_at", "updated_at"}
HOSPITAL_KEYS = {"id", "name", "registration_number", "address", "city", "state", "country",
                 "phone_number", "email", "type", "bed_capacity", "website",
                 "verification_status", "verified_at", "rejection_reason", "created_at",
                 "updated_at"}
PERMISSION_DENIED = "permission_denied"


def uniq(prefix):
    return f"{prefix} {uuid.uuid4().hex[:8]}"


@pytest.fixture
def masters(db):
    """Two skills and a qualification of our own, plus an inactive skill."""
    out = {}
    for key, cat in (("s1", "clinical"), ("s2", "technical"), ("off", "clinical")):
        name = uniq("Skill")
        out[key] = int(db.scalar(f"INSERT INTO skills (name, category, is_active) VALUES "
                                 f"({sql_quote(name)}, '{cat}', {key != 'off'}) RETURNING id"))
        out[key + "_name"] = name
    name = uniq("B.Sc Nursing")
    out["q1"] = int(db.scalar(f"INSERT INTO qualifications (name, level, field) VALUES "
                              f"({sql_quote(name)}, 'bachelor', 'Nursing') RETURNING id"))
    out["q1_name"] = name
    return out


@pytest.fixture
def admin(stack, api):
    return create_admin(stack, api, login_now=True)


@pytest.fixture
def cand(api, read_mails):
    return logged_in_user(api, read_mails, role="candidate")


@pytest.fixture
def recr(api, read_mails):
    return logged_in_user(api, read_mails, role="recruiter")


def hospital_body(**kw):
    body = {"name": uniq("Apollo Hospital"), "registration_number": uniq("KA-BLR"),
            "type": "private", "address": "154/11 Bannerghatta Road", "city": "Bengaluru",
            "state": "Karnataka", "country": "India", "phone_number": "+91 80 2630 4050",
            "email": "hr@apollo.example.in", "bed_capacity": 250,
            "website": "https://www.apollo.example.in"}
    body.update(kw)
    return body


def make_hospital(api, recr, **kw):
    r = api.post("profiles/hospital/", json=hospital_body(**kw), token=recr["access"])
    return assert_json(r, 201)


def submit_candidate(api, cand, **kw):
    body = {"license_number": "KNC-2016-04512",
            "registration_council": "Karnataka State Nursing Council",
            "specialization": "Critical Care Nursing", "id_document_type": "aadhaar",
            "id_document_number": "4821 7730 1934", "document_ids": []}
    body.update(kw)
    return api.post("profiles/verification/", json=body, token=cand["access"])


def profile_id(api, user):
    return api.get("profiles/candidate/", token=user["access"]).json()["id"]


def verified_hospital(api, recr, admin, **kw):
    h = make_hospital(api, recr, **kw)
    r = api.post("profiles/verification/", json={"registration_number": h["registration_number"]},
                 token=recr["access"])
    assert_json(r, 201)
    r = api.post("profiles/approve-hospital-verification/", json={"hospital_id": h["id"]},
                 token=admin["access"])
    assert_json(r, 200)
    return h


# ---- candidate profile -------------------------------------------------------------------


def test_candidate_profile_starts_empty(api, cand):
    p = assert_json(api.get("profiles/candidate/", token=cand["access"]), 200)
    assert set(p) == CANDIDATE_KEYS
    assert p["user"] == cand["id"] and p["email"] == cand["email"]
    assert (p["first_name"], p["last_name"]) == ("Asha", "Verma")
    for k in ("phone_number", "date_of_birth", "gender", "city", "expected_salary",
              "years_of_experience", "verified_at", "rejection_reason"):
        assert p[k] is None, k
    assert p["skills"] == [] and p["certifications"] == [] and p["preferred_locations"] == []
    assert p["verification_status"] == "pending"
    assert DATETIME_RE.match(p["created_at"]) and DATETIME_RE.match(p["updated_at"])


def test_candidate_patch_every_field(api, cand, masters, db):
    body = {"phone_number": "+91 98450 12345", "date_of_birth": "1994-03-17", "gender": "female",
            "address": " 12 MG Road ", "city": "Bengaluru", "state": "Karnataka",
            "country": "India", "headline": "ICU nurse, 8 years", "summary": "Critical care.",
            "years_of_experience": "8", "specialization": "Critical Care Nursing",
            "skills": [masters["s2"], masters["s1"], masters["s1"]],
            "qualifications": [masters["q1"]], "certifications": ["BLS", "ACLS"],
            "expected_salary": 45000, "available_from": "2026-12-01",
            "preferred_job_types": ["full-time", "contract"],
            "preferred_locations": ["Bengaluru", "Mysuru"],
            "verification_status": "verified", "user": 1, "email": "x@example.com"}
    p = assert_json(api.patch("profiles/candidate/", json=body, token=cand["access"]), 200)
    assert p["phone_number"] == "+91 98450 12345"
    assert p["date_of_birth"] == "1994-03-17" and p["gender"] == "female"
    assert p["address"] == "12 MG Road"
    assert p["years_of_experience"] == 8 and p["expected_salary"] == "45000.00"
    assert [s["id"] for s in p["skills"]] == sorted(
        [masters["s1"], masters["s2"]],
        key=lambda i: masters["s1_name"] if i == masters["s1"] else masters["s2_name"])
    assert {s["id"]: (s["name"], s["category"]) for s in p["skills"]} == {
        masters["s1"]: (masters["s1_name"], "clinical"),
        masters["s2"]: (masters["s2_name"], "technical")}
    assert set(p["skills"][0]) == {"id", "name", "category"}
    assert p["qualifications"] == [{"id": masters["q1"], "name": masters["q1_name"],
                                    "level": "bachelor", "field": "Nursing"}]
    assert p["certifications"] == ["BLS", "ACLS"]
    assert p["preferred_job_types"] == ["full_time", "contract"]
    assert p["preferred_locations"] == ["Bengaluru", "Mysuru"]
    # read-only fields were ignored
    assert p["verification_status"] == "pending" and p["user"] == cand["id"]
    assert p["email"] == cand["email"]
    # a later PATCH changes only what it names; skills are replaced as a set
    p2 = assert_json(api.patch("profiles/candidate/", json={"skills": [masters["s1"]],
                                                            "city": ""},
                               token=cand["access"]), 200)
    assert [s["id"] for s in p2["skills"]] == [masters["s1"]]
    assert p2["city"] is None and p2["state"] == "Karnataka"
    assert db.scalar(f"SELECT count(*) FROM candidate_skills WHERE profile_id = {p['id']}") == "1"
    assert api.get("profiles/candidate/", token=cand["access"]).json() == p2


@pytest.mark.parametrize("body,errors", [
    ({"gender": "f"}, {"gender": ['"f" is not a valid choice.']}),
    ({"date_of_birth": "17/03/1994"},
     {"date_of_birth": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}),
    ({"date_of_birth": "2999-01-01"}, {"date_of_birth": ["Date of birth must be in the past."]}),
    ({"years_of_experience": 71},
     {"years_of_experience": ["Ensure this value is less than or equal to 70."]}),
    ({"years_of_experience": "many"}, {"years_of_experience": ["A valid integer is required."]}),
    ({"expected_salary": "45000.555"},
     {"expected_salary": ["Ensure that there are no more than 2 decimal places."]}),
    ({"expected_salary": -1},
     {"expected_salary": ["Ensure this value is greater than or equal to 0."]}),
    ({"phone_number": "call me"}, {"phone_number": ["Enter a valid phone number."]}),
    ({"headline": "x" * 201}, {"headline": ["Ensure this field has no more than 200 characters."]}),
    ({"skills": "1"}, {"skills": ['Expected a list of items but got type "str".']}),
    ({"skills": ["abc"]}, {"skills": ["Incorrect type. Expected pk value, received str."]}),
    ({"preferred_job_types": ["gig"]}, {"preferred_job_types": ['Item 1: "gig" is not a valid choice.']}),
    ({"certifications": ["BLS", " "]}, {"certifications": ["Item 2: This field may not be blank."]}),
    ({"available_from": "2026-02-30"},
     {"available_from": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}),
])
def test_candidate_validation(api, cand, body, errors):
    assert_json(api.patch("profiles/candidate/", json=body, token=cand["access"]), 400, errors)
    p = api.get("profiles/candidate/", token=cand["access"]).json()
    assert p["gender"] is None and p["skills"] == [] and p["years_of_experience"] is None


def test_candidate_unknown_and_inactive_skill_ids(api, cand, masters):
    r = api.patch("profiles/candidate/", json={"skills": [masters["s1"], 987654321],
                                               "city": "Pune"}, token=cand["access"])
    assert_json(r, 400, {"skills": ['Invalid pk "987654321" - object does not exist.']})
    r = api.patch("profiles/candidate/", json={"skills": [masters["off"]]}, token=cand["access"])
    assert_json(r, 400, {"skills": [f'Invalid pk "{masters["off"]}" - object does not exist.']})
    r = api.patch("profiles/candidate/", json={"qualifications": [987654321]},
                  token=cand["access"])
    assert_json(r, 400, {"qualifications": ['Invalid pk "987654321" - object does not exist.']})
    # nothing was half-written
    assert api.get("profiles/candidate/", token=cand["access"]).json()["city"] is None


def test_candidate_post_when_exists_and_put(api, cand):
    r = api.post("profiles/candidate/", json={"city": "Pune"}, token=cand["access"])
    assert_json(r, 400, {"non_field_errors": [
        "A candidate profile already exists for this user; update it with PUT or PATCH."]})
    p = assert_json(api.put("profiles/candidate/", json={"city": "Pune"}, token=cand["access"]),
                    200)
    assert p["city"] == "Pune"


def test_candidate_post_creates_missing_profile(api, cand, db):
    db(f"DELETE FROM candidate_profiles WHERE user_id = {cand['id']}")
    assert_error(api.get("profiles/candidate/", token=cand["access"]), 404, "not_found")
    p = assert_json(api.post("profiles/candidate/", json={"city": "Kochi"}, token=cand["access"]),
                    201)
    assert p["city"] == "Kochi" and p["user"] == cand["id"]


def test_candidate_delete_clears_and_resets(api, cand, admin, masters):
    api.patch("profiles/candidate/", json={"city": "Pune", "skills": [masters["s1"]],
                                           "certifications": ["BLS"]}, token=cand["access"])
    assert_json(submit_candidate(api, cand), 201)
    pid = profile_id(api, cand)
    assert_json(api.post("profiles/approve-verification/", json={"profile_id": pid},
                         token=admin["access"]), 200)
    r = api.delete("profiles/candidate/", token=cand["access"])
    assert r.status_code == 204 and r.content == b""
    p = api.get("profiles/candidate/", token=cand["access"]).json()
    assert p["id"] == pid and p["city"] is None and p["skills"] == []
    assert p["certifications"] == [] and p["verification_status"] == "pending"
    assert p["verified_at"] is None
    v = api.get("profiles/verification/", token=cand["access"]).json()
    assert v["request"] is None and v["verification_status"] == "pending"
    # the account stays
    assert api.get("accounts/profile/", token=cand["access"]).status_code == 200


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_candidate_profile_refuses_other_roles(api, recr, admin, method):
    for user in (recr, admin):
        r = getattr(api, method)("profiles/candidate/", token=user["access"],
                                 **({} if method in ("get", "delete") else {"json": {}}))
        assert_error(r, 403, PERMISSION_DENIED)
    assert_error(getattr(api, method)("profiles/candidate/"), 401, "not_authenticated")


# ---- recruiter profile -------------------------------------------------------------------


def test_recruiter_profile_get_and_update(api, recr):
    p = assert_json(api.get("profiles/recruiter/", token=recr["access"]), 200)
    assert set(p) == RECRUITER_KEYS
    assert p["hospital"] is None and p["verification_status"] == "pending"
    body = {"company_name": "Fortis Hospital", "designation": "HR Manager",
            "phone_number": "+91 22 4365 4365", "company_address": "Mulund, Mumbai"}
    p = assert_json(api.put("profiles/recruiter/", json=body, token=recr["access"]), 200)
    assert {k: p[k] for k in body} == body
    p = assert_json(api.patch("profiles/recruiter/", json={"designation": None},
                              token=recr["access"]), 200)
    assert p["designation"] == "" and p["company_name"] == "Fortis Hospital"
    assert_json(api.patch("profiles/recruiter/", json={"phone_number": "abc"},
                          token=recr["access"]), 400,
                {"phone_number": ["Enter a valid phone number."]})
    assert_json(api.post("profiles/recruiter/", json={}, token=recr["access"]), 400)
    r = api.delete("profiles/recruiter/", token=recr["access"])
    assert r.status_code == 204
    p = api.get("profiles/recruiter/", token=recr["access"]).json()
    assert p["company_name"] == "" and p["company_address"] == ""


def test_recruiter_missing_profile_is_404_until_posted(api, recr, db):
    # as for candidates: without a profile, GET, PUT, PATCH and DELETE are 404 (not a 500),
    # and POST creates it
    db(f"DELETE FROM recruiter_profiles WHERE user_id = {recr['id']}")
    assert_error(api.get("profiles/recruiter/", token=recr["access"]), 404, "not_found")
    for method in ("put", "patch"):
        assert_error(getattr(api, method)("profiles/recruiter/", json={"designation": "HR"},
                                          token=recr["access"]), 404, "not_found")
    assert_error(api.delete("profiles/recruiter/", token=recr["access"]), 404, "not_found")
    assert db.scalar(f"SELECT count(*) FROM recruiter_profiles WHERE user_id = {recr['id']}") in (
        0, "0")
    p = assert_json(api.post("profiles/recruiter/", json={"designation": "HR Manager"},
                             token=recr["access"]), 201)
    assert set(p) == RECRUITER_KEYS
    assert p["designation"] == "HR Manager" and p["user"] == recr["id"]


def test_recruiter_profile_refuses_other_roles(api, cand, admin):
    for user in (cand, admin):
        assert_error(api.get("profiles/recruiter/", token=user["access"]), 403, PERMISSION_DENIED)
        assert_error(api.patch("profiles/recruiter/", json={}, token=user["access"]), 403,
                     PERMISSION_DENIED)


def test_recruiter_links_to_existing_hospital(api, read_mails, recr, admin):
    h = verified_hospital(api, recr, admin)
    other = logged_in_user(api, read_mails, role="recruiter")
    r = api.patch("profiles/recruiter/", json={"hospital": 987654321}, token=other["access"])
    assert_json(r, 400, {"hospital": ['Invalid pk "987654321" - object does not exist.']})
    p = assert_json(api.patch("profiles/recruiter/", json={"hospital": h["id"]},
                              token=other["access"]), 200)
    assert p["hospital"] == h["id"]
    # linking to someone else's verified hospital does not make the stranger verified
    assert p["verification_status"] == "pending"
    st = api.get("profiles/verification-status/", token=other["access"]).json()
    assert st["verification_status"] == "pending"
    assert st["hospital_verification_status"] == "verified"
    # the admin sees the link on the hospital and can approve the recruiter
    d = assert_json(api.get(f"profiles/hospital-details/{h['id']}/", token=admin["access"]), 200)
    links = {x["id"]: x for x in d["recruiters"]}
    assert links[p["id"]]["verification_status"] == "pending"
    assert links[p["id"]]["created_hospital"] is False
    r = api.post("profiles/approve-verification/", json={"recruiter_profile_id": p["id"]},
                 token=admin["access"])
    assert assert_json(r, 200)["verification_status"] == "verified"
    assert_error(api.post("profiles/approve-verification/", json={"recruiter_profile_id": p["id"]},
                          token=admin["access"]), 409, "invalid_transition")
    # a pending linker may not edit the hospital; now verified, it may
    assert api.patch("profiles/hospital/", json={"bed_capacity": 300},
                     token=other["access"]).status_code == 200


def test_created_hospital_stays_boolean_when_the_creator_is_gone(api, read_mails, recr, admin,
                                                                 db):
    # hospitals.created_by is ON DELETE SET NULL: once the creator's account is gone, the
    # remaining links are still "not the creator" (false), never null
    h = verified_hospital(api, recr, admin)
    other = logged_in_user(api, read_mails, role="recruiter")
    p = assert_json(api.patch("profiles/recruiter/", json={"hospital": h["id"]},
                              token=other["access"]), 200)
    db(f"DELETE FROM users WHERE id = {int(recr['id'])}")
    assert db.scalar(f"SELECT created_by IS NULL FROM hospitals WHERE id = {int(h['id'])}") in (
        True, "t")
    for path in (f"profiles/hospital-details/{h['id']}/",
                 f"profiles/verified-hospitals/?search={h['registration_number']}"):
        d = assert_json(api.get(path, token=admin["access"]), 200)
        if "results" in d:
            d = next(x for x in d["results"] if x["id"] == h["id"])
        assert d["recruiters"] == [{
            "id": p["id"], "user": other["id"], "email": other["email"],
            "first_name": p["first_name"], "last_name": p["last_name"], "designation": "",
            "verification_status": "pending", "created_hospital": False}]


# ---- hospital ----------------------------------------------------------------------------


def test_hospital_create_get_and_link(api, recr, db):
    assert_error(api.get("profiles/hospital/", token=recr["access"]), 404, "not_found")
    body = hospital_body(type="nursing-home")
    h = make_hospital(api, recr, **body)
    assert set(h) == HOSPITAL_KEYS
    assert {k: h[k] for k in body if k != "type"} == {k: v for k, v in body.items()
                                                     if k != "type"}
    assert h["type"] == "nursing_home" and h["verification_status"] == "pending"
    assert h["verified_at"] is None
    assert api.get("profiles/hospital/", token=recr["access"]).json() == h
    assert api.get("profiles/recruiter/", token=recr["access"]).json()["hospital"] == h["id"]
    assert db.scalar(f"SELECT created_by FROM hospitals WHERE id = {h['id']}") == str(recr["id"])
    r = api.post("profiles/hospital/", json=hospital_body(), token=recr["access"])
    assert_json(r, 400)
    assert "non_field_errors" in r.json()


def test_hospital_validation(api, recr, read_mails):
    r = api.post("profiles/hospital/", json={}, token=recr["access"])
    assert_json(r, 400, {"name": ["This field is required."],
                         "registration_number": ["This field is required."],
                         "type": ["This field is required."]})
    r = api.post("profiles/hospital/", json=hospital_body(type="mega", email="nope",
                                                          website="ftp://x", bed_capacity=-2),
                 token=recr["access"])
    assert_json(r, 400, {"type": ['"mega" is not a valid choice.'],
                         "email": ["Enter a valid email address."],
                         "bed_capacity": ["Ensure this value is greater than or equal to 0."],
                         "website": ["Enter a valid URL."]})
    h = make_hospital(api, recr)
    other = logged_in_user(api, read_mails, role="recruiter")
    r = api.post("profiles/hospital/", json=hospital_body(
        registration_number=h["registration_number"].lower()), token=other["access"])
    assert_json(r, 400, {"registration_number": [
        "hospital with this registration number already exists."]})
    assert_error(api.get("profiles/hospital/", token=other["access"]), 404, "not_found")


def test_hospital_edit_verified_goes_back_to_pending(api, recr, admin):
    h = verified_hospital(api, recr, admin)
    h2 = assert_json(api.patch("profiles/hospital/", json={"bed_capacity": 400},
                               token=recr["access"]), 200)
    assert h2["verification_status"] == "verified" and h2["bed_capacity"] == 400
    h3 = assert_json(api.patch("profiles/hospital/", json={"name": h["name"] + " Hebbal"},
                               token=recr["access"]), 200)
    assert h3["verification_status"] == "pending" and h3["verified_at"] is None
    queue = api.get("profiles/pending-hospital-verifications/", token=admin["access"],
                    params={"search": h["registration_number"]}).json()
    assert [x["id"] for x in queue["results"]] == [h["id"]]
    assert queue["results"][0]["verification_request"]["history"][-1]["reason"] == \
        "Name or registration number changed after verification."
    # registration number change too
    verified = api.post("profiles/approve-hospital-verification/", json={"hospital_id": h["id"]},
                        token=admin["access"])
    assert assert_json(verified, 200)["verification_status"] == "verified"
    h4 = api.patch("profiles/hospital/", json={"registration_number": uniq("NEW")},
                   token=recr["access"]).json()
    assert h4["verification_status"] == "pending"


def test_hospital_put_requires_all_required_fields(api, recr):
    make_hospital(api, recr)
    r = api.put("profiles/hospital/", json={"name": "Only name"}, token=recr["access"])
    assert_json(r, 400, {"registration_number": ["This field is required."],
                         "type": ["This field is required."]})


def test_hospital_delete_only_without_jobs(api, recr, read_mails, db):
    h = make_hospital(api, recr)
    db(f"INSERT INTO jobs (hospital_id, title) VALUES ({h['id']}, 'Staff Nurse')")
    assert_error(api.delete("profiles/hospital/", token=recr["access"]), 409, "hospital_has_jobs")
    assert db.scalar(f"SELECT count(*) FROM hospitals WHERE id = {h['id']}") == "1"
    db(f"DELETE FROM jobs WHERE hospital_id = {h['id']}")
    r = api.delete("profiles/hospital/", token=recr["access"])
    assert r.status_code == 204
    assert db.scalar(f"SELECT count(*) FROM hospitals WHERE id = {h['id']}") == "0"
    assert api.get("profiles/recruiter/", token=recr["access"]).json()["hospital"] is None


def test_hospital_pending_linker_cannot_change_it(api, recr, read_mails):
    h = make_hospital(api, recr)
    other = logged_in_user(api, read_mails, role="recruiter")
    api.patch("profiles/recruiter/", json={"hospital": h["id"]}, token=other["access"])
    assert_error(api.patch("profiles/hospital/", json={"name": "Hijacked"},
                           token=other["access"]), 403, PERMISSION_DENIED)
    assert_error(api.delete("profiles/hospital/", token=other["access"]), 403, PERMISSION_DENIED)
    assert api.get("profiles/hospital/", token=recr["access"]).json()["name"] == h["name"]


def test_hospital_refuses_other_roles(api, cand, admin):
    for user in (cand, admin):
        assert_error(api.get("profiles/hospital/", token=user["access"]), 403, PERMISSION_DENIED)
        assert_error(api.post("profiles/hospital/", json=hospital_body(), token=user["access"]),
                     403, PERMISSION_DENIED)


# ---- verification: candidate -------------------------------------------------------------


def test_candidate_verification_lifecycle(api, cand, admin, read_mails, db, base_url):
    v = assert_json(api.get("profiles/verification/", token=cand["access"]), 200)
    assert v["request"] is None and v["verification_status"] == "pending"
    assert v["subject"] == "candidate"
    # approving before anything was submitted is not a transition
    pid = profile_id(api, cand)
    assert_error(api.post("profiles/approve-verification/", json={"profile_id": pid},
                          token=admin["access"]), 409, "invalid_transition")
    v = assert_json(submit_candidate(api, cand), 201)
    req = v["request"]
    assert req["status"] == "pending" and req["license_number"] == "KNC-2016-04512"
    assert req["id_document_number"] == "4821 7730 1934"  # the subject sees its own
    assert req["documents"] == [] and req["document_ids"] == []
    assert [e["status"] for e in req["history"]] == ["pending"]
    assert req["history"][0]["changed_by"] == cand["id"]
    assert DATETIME_RE.match(req["submitted_at"])
    assert api.get("profiles/candidate/", token=cand["access"]).json()["specialization"] == \
        "Critical Care Nursing"
    # POST again: use PUT
    assert_json(submit_candidate(api, cand), 400)
    # reject needs a reason
    assert_json(api.post("profiles/reject-verification/", json={"profile_id": pid},
                         token=admin["access"]), 400, {"reason": ["This field is required."]})
    assert_json(api.post("profiles/reject-verification/", json={"profile_id": pid, "reason": " "},
                         token=admin["access"]), 400,
                {"reason": ["This field may not be blank."]})
    r = api.post(f"profiles/reject-verification/{pid}/", json={"reason": "Licence expired."},
                 token=admin["access"])
    p = assert_json(r, 200)
    assert p["verification_status"] == "rejected" and p["rejection_reason"] == "Licence expired."
    assert_error(api.post("profiles/reject-verification/", json={"profile_id": pid,
                                                                 "reason": "again"},
                          token=admin["access"]), 409, "invalid_transition")
    assert_error(api.post("profiles/approve-verification/", json={"profile_id": pid},
                          token=admin["access"]), 409, "invalid_transition")
    # the user is told: notification + mail
    n = db(f"SELECT notification_type, title, message, data::text FROM notifications "
           f"WHERE user_id = {cand['id']} ORDER BY id")
    assert n[-1][:3] == ["verification", "Your profile was not verified",
                         "Reason: Licence expired."]
    assert f'"candidate_profile": {pid}' in n[-1][3]
    mail = [m for m in read_mails(to=cand["email"]) if "not verified" in m["Subject"]]
    assert len(mail) == 1 and mail[0]["Subject"] == "Your CareChain profile was not verified"
    assert mail_text(mail[0]) == (
        "Hello,\n\nAn administrator could not verify your profile on CareChain.\n\n"
        "Reason: Licence expired.\n\nYou can correct the details and submit again at"
        f" {base_url}/.\n")
    # resubmission with PUT goes back to pending
    v = assert_json(api.put("profiles/verification/", json={
        "license_number": "KNC-2016-04512-R", "registration_council": "KSNC"},
        token=cand["access"]), 200)
    assert v["verification_status"] == "pending" and v["request"]["status"] == "pending"
    assert v["request"]["rejection_reason"] is None and v["rejection_reason"] is None
    assert [e["status"] for e in v["request"]["history"]] == ["pending", "rejected", "pending"]
    assert v["request"]["history"][1]["changed_by"] == admin["id"]
    assert v["request"]["history"][2]["reason"] == "Resubmitted."
    r = api.post("profiles/approve-verification/", json={"profile_id": pid, "notes": "ok"},
                 token=admin["access"])
    p = assert_json(r, 200)
    assert p["verification_status"] == "verified" and DATETIME_RE.match(p["verified_at"])
    row = db(f"SELECT status, decided_by, notes FROM verification_requests "
             f"WHERE candidate_profile_id = {pid}")[0]
    assert row == ["verified", str(admin["id"]), "ok"]
    assert db.scalar(f"SELECT verified_by FROM candidate_profiles WHERE id = {pid}") == \
        str(admin["id"])
    # no approving what is already verified, no updating a verified request
    assert_error(api.post("profiles/approve-verification/", json={"profile_id": pid},
                          token=admin["access"]), 409, "invalid_transition")
    assert_error(api.put("profiles/verification/", json={"license_number": "x",
                                                          "registration_council": "y"},
                         token=cand["access"]), 409, "invalid_transition")
    assert_error(api.post("profiles/reject-verification/", json={"profile_id": pid,
                                                                 "reason": "late"},
                          token=admin["access"]), 409, "invalid_transition")
    audit = db(f"SELECT action, actor_id FROM audit_log WHERE target_type = 'candidate_profile' "
               f"AND target_id = {pid} ORDER BY id")
    assert audit == [["verification.candidate.reject", str(admin["id"])],
                     ["verification.candidate.approve", str(admin["id"])]]
    titles = db(f"SELECT title, is_read FROM notifications WHERE user_id = {cand['id']} "
                f"ORDER BY id")
    assert titles == [["Your profile was not verified", "f"], ["Your profile was verified", "f"]]
    mail = last_mail(read_mails, cand["email"], "Your CareChain profile was verified")
    assert mail_text(mail) == ("Hello,\n\nGood news: an administrator has verified your profile on"
                               f" CareChain.\n\nSign in at {base_url}/ to continue.\n")


def test_verification_validation(api, cand, read_mails, db):
    r = api.post("profiles/verification/", json={}, token=cand["access"])
    assert_json(r, 400, {"license_number": ["This field is required."],
                         "registration_council": ["This field is required."]})
    r = submit_candidate(api, cand, id_document_type="ration_card")
    assert_json(r, 400, {"id_document_type": ['"ration_card" is not a valid choice.']})
    r = submit_candidate(api, cand, id_document_number=None)
    assert_json(r, 400, {"id_document_number": [
        "This field is required when id_document_type is given."]})
    assert_json(api.put("profiles/verification/", json={"license_number": "a",
                                                         "registration_council": "b"},
                        token=cand["access"]), 400)
    # documents must belong to the requester
    other = logged_in_user(api, read_mails)
    mine = db.scalar(f"INSERT INTO documents (user_id, document_type, original_name) VALUES "
                     f"({cand['id']}, 'medical_license', 'licence.pdf') RETURNING id")
    theirs = db.scalar(f"INSERT INTO documents (user_id, document_type) VALUES "
                       f"({other['id']}, 'medical_license') RETURNING id")
    r = submit_candidate(api, cand, document_ids=[int(mine), int(theirs)])
    assert_json(r, 400, {"document_ids": [f'Invalid pk "{theirs}" - object does not exist.']})
    assert api.get("profiles/verification/", token=cand["access"]).json()["request"] is None
    v = assert_json(submit_candidate(api, cand, document_ids=[int(mine)]), 201)
    assert v["request"]["document_ids"] == [int(mine)]
    assert v["request"]["documents"][0]["original_name"] == "licence.pdf"


def test_approve_validation_and_unknown(api, admin):
    for path in ("approve-verification/", "reject-verification/"):
        assert_json(api.post("profiles/" + path, json={"reason": "x"}, token=admin["access"]),
                    400, {"profile_id": ["This field is required."]})
        assert_json(api.post("profiles/" + path, json={"profile_id": "abc", "reason": "x"},
                             token=admin["access"]), 400,
                    {"profile_id": ["Incorrect type. Expected pk value, received str."]})
        assert_error(api.post("profiles/" + path, json={"profile_id": 987654321, "reason": "x"},
                              token=admin["access"]), 404, "not_found")
        assert_error(api.post(f"profiles/{path}987654321/", json={"reason": "x"},
                              token=admin["access"]), 404, "not_found")
    assert_json(api.post("profiles/approve-hospital-verification/", json={},
                         token=admin["access"]), 400, {"hospital_id": ["This field is required."]})


def test_decisions_refuse_non_admins(api, cand, recr):
    for user in (cand, recr):
        for path in ("approve-verification/", "reject-verification/",
                     "approve-hospital-verification/", "reject-hospital-verification/"):
            assert_error(api.post("profiles/" + path, json={"profile_id": 1, "hospital_id": 1,
                                                            "reason": "x"},
                                  token=user["access"]), 403, PERMISSION_DENIED)
        for path in ("pending-verifications/", "verified-profiles/", "rejected-verifications/",
                     "pending-hospital-verifications/", "verified-hospitals/",
                     "rejected-hospital-verifications/"):
            assert_error(api.get("profiles/" + path, token=user["access"]), 403,
                         PERMISSION_DENIED)


# ---- verification: hospital --------------------------------------------------------------


def test_hospital_verification_lifecycle(api, recr, admin, read_mails, db):
    v = assert_json(api.get("profiles/verification/", token=recr["access"]), 200)
    assert v["hospital"] is None and v["request"] is None
    r = api.post("profiles/verification/", json={"registration_number": "X"},
                 token=recr["access"])
    assert_json(r, 400, {"non_field_errors": [
        "Create or link a hospital before asking for its verification."]})
    h = make_hospital(api, recr)
    colleague = logged_in_user(api, read_mails, role="recruiter")
    api.patch("profiles/recruiter/", json={"hospital": h["id"]}, token=colleague["access"])
    assert_error(api.post("profiles/approve-hospital-verification/", json={"hospital_id": h["id"]},
                          token=admin["access"]), 409, "invalid_transition")
    assert_json(api.post("profiles/verification/", json={}, token=recr["access"]), 400,
                {"registration_number": ["This field is required."]})
    new_reg = uniq("MH-PUN")
    v = assert_json(api.post("profiles/verification/", json={"registration_number": new_reg},
                             token=recr["access"]), 201)
    assert v["subject"] == "hospital" and v["hospital"] == h["id"]
    assert v["request"]["registration_number"] == new_reg
    assert api.get("profiles/hospital/", token=recr["access"]).json()["registration_number"] == \
        new_reg
    r = api.post("profiles/reject-hospital-verification/", json={"hospital_id": h["id"],
                                                                 "reason": "Blurry certificate"},
                 token=admin["access"])
    assert assert_json(r, 200)["verification_status"] == "rejected"
    v = assert_json(api.put("profiles/verification/", json={"registration_number": new_reg},
                            token=recr["access"]), 200)
    assert v["verification_status"] == "pending"
    r = api.post(f"profiles/approve-hospital-verification/{h['id']}/", json={},
                 token=admin["access"])
    d = assert_json(r, 200)
    assert d["verification_status"] == "verified"
    # every recruiter linked at approval time is verified with it, and told
    assert {x["verification_status"] for x in d["recruiters"]} == {"verified"}
    for user in (recr, colleague):
        rows = db(f"SELECT title FROM notifications WHERE user_id = {user['id']} ORDER BY id")
        assert rows[-1] == [f"{h['name']} was verified"]
        assert api.get("profiles/recruiter/", token=user["access"]).json()[
            "verification_status"] == "verified"
    assert any("verified" in m["Subject"] for m in read_mails(to=colleague["email"]))
    assert_error(api.post("profiles/approve-hospital-verification/", json={"hospital_id": h["id"]},
                          token=admin["access"]), 409, "invalid_transition")


# ---- queues ------------------------------------------------------------------------------


def test_admin_queues(api, read_mails, admin, db):
    tag = uuid.uuid4().hex[:10]
    users = []
    for i in range(3):
        u = logged_in_user(api, read_mails)
        api.patch("profiles/candidate/", json={"city": f"Queue-{tag}"}, token=u["access"])
        assert_json(submit_candidate(api, u, license_number=f"LIC-{tag}-{i}"), 201)
        users.append((u, profile_id(api, u)))
    pids = [p for _, p in users]
    q = assert_json(api.get("profiles/pending-verifications/", params={"search": tag},
                            token=admin["access"]), 200)
    assert q["count"] == 3 and [x["id"] for x in q["results"]] == pids
    item = q["results"][0]
    assert CANDIDATE_KEYS <= set(item)
    assert item["verification_request"]["id_document_number"] == "4821 7730 1934"
    assert item["submitted_at"] == item["verification_request"]["submitted_at"]
    q = api.get("profiles/pending-verifications/",
                params={"search": tag, "ordering": "-submitted_at"}, token=admin["access"]).json()
    assert [x["id"] for x in q["results"]] == pids[::-1]
    q = api.get("profiles/pending-verifications/",
                params={"search": tag, "page_size": 2, "page": 2}, token=admin["access"]).json()
    assert q["count"] == 3 and [x["id"] for x in q["results"]] == [pids[2]]
    assert q["next"] is None and "page_size=2" in q["previous"]
    assert_error(api.get("profiles/pending-verifications/",
                         params={"search": tag, "page": 3, "page_size": 2},
                         token=admin["access"]), 404, "not_found", "Invalid page.")
    assert_json(api.get("profiles/pending-verifications/", params={"ordering": "name"},
                        token=admin["access"]), 400, {"ordering": ['Invalid ordering "name".']})
    # search by the person's email, and a LIKE wildcard is literal
    q = api.get("profiles/pending-verifications/", params={"search": users[1][0]["email"]},
                token=admin["access"]).json()
    assert [x["id"] for x in q["results"]] == [pids[1]]
    q = api.get("profiles/pending-verifications/", params={"search": f"LIC-{tag}-%"},
                token=admin["access"]).json()
    assert q["count"] == 0
    api.post("profiles/approve-verification/", json={"profile_id": pids[0]}, token=admin["access"])
    api.post("profiles/reject-verification/", json={"profile_id": pids[1], "reason": "No"},
             token=admin["access"])
    for path, want in (("pending-verifications/", [pids[2]]), ("verified-profiles/", [pids[0]]),
                       ("rejected-verifications/", [pids[1]])):
        q = api.get("profiles/" + path, params={"search": tag}, token=admin["access"]).json()
        assert [x["id"] for x in q["results"]] == want, path


def test_hospital_queues(api, read_mails, admin):
    tag = uuid.uuid4().hex[:10]
    ids = []
    for i in range(2):
        r = logged_in_user(api, read_mails, role="recruiter")
        h = make_hospital(api, r, name=f"Queue Hospital {tag} {i}")
        api.post("profiles/verification/", json={"registration_number": h["registration_number"]},
                 token=r["access"])
        ids.append(h["id"])
    q = assert_json(api.get("profiles/pending-hospital-verifications/", params={"search": tag},
                            token=admin["access"]), 200)
    assert [x["id"] for x in q["results"]] == ids
    assert HOSPITAL_KEYS <= set(q["results"][0]) and "recruiters" in q["results"][0]
    api.post("profiles/approve-hospital-verification/", json={"hospital_id": ids[0]},
             token=admin["access"])
    api.post("profiles/reject-hospital-verification/", json={"hospital_id": ids[1],
                                                             "reason": "Unknown"},
             token=admin["access"])
    for path, want in (("verified-hospitals/", [ids[0]]),
                       ("rejected-hospital-verifications/", [ids[1]]),
                       ("pending-hospital-verifications/", [])):
        q = api.get("profiles/" + path, params={"search": tag}, token=admin["access"]).json()
        assert [x["id"] for x in q["results"]] == want, path


# ---- verification-status -----------------------------------------------------------------


def test_verification_status_completeness(api, cand, masters, db):
    st = assert_json(api.get("profiles/verification-status/", token=cand["access"]), 200)
    missing = ["phone_number", "date_of_birth", "gender", "address", "city", "state", "headline",
               "summary", "years_of_experience", "specialization", "skills", "qualifications",
               "expected_salary", "preferred_job_types", "preferred_locations"]
    assert st == {"role": "candidate", "verification_status": "pending",
                  "profile_complete": False, "completeness": 2 * 100 // 17,
                  "missing_fields": missing, "documents_count": 0,
                  "verified_documents_count": 0, "hospital_verification_status": None}
    api.patch("profiles/candidate/", json={"phone_number": "+91 90000 00000", "gender": "male",
                                           "skills": [masters["s1"]]}, token=cand["access"])
    st = api.get("profiles/verification-status/", token=cand["access"]).json()
    assert st["completeness"] == 5 * 100 // 17 == 29
    assert "skills" not in st["missing_fields"] and "gender" not in st["missing_fields"]
    api.patch("profiles/candidate/", json={
        "date_of_birth": "1990-01-01", "address": "1 Road", "city": "Pune",
        "state": "Maharashtra", "headline": "Nurse", "summary": "S",
        "years_of_experience": 0, "specialization": "ICU", "qualifications": [masters["q1"]],
        "expected_salary": "0", "preferred_job_types": ["locum"],
        "preferred_locations": ["Pune"]}, token=cand["access"])
    db(f"INSERT INTO documents (user_id, document_type, is_verified) VALUES "
       f"({cand['id']}, 'resume', false), ({cand['id']}, 'certificate', true)")
    st = api.get("profiles/verification-status/", token=cand["access"]).json()
    assert (st["completeness"], st["profile_complete"], st["missing_fields"]) == (100, True, [])
    assert (st["documents_count"], st["verified_documents_count"]) == (2, 1)


def test_verification_status_recruiter_and_admin(api, recr, admin):
    st = api.get("profiles/verification-status/", token=recr["access"]).json()
    assert st["role"] == "recruiter" and st["completeness"] == 2 * 100 // 7
    assert st["missing_fields"] == ["company_name", "designation", "phone_number",
                                    "company_address", "hospital"]
    assert st["hospital_verification_status"] is None
    make_hospital(api, recr)
    st = api.get("profiles/verification-status/", token=recr["access"]).json()
    assert st["hospital_verification_status"] == "pending" and st["completeness"] == 3 * 100 // 7
    st = assert_json(api.get("profiles/verification-status/", token=admin["access"]), 200)
    assert st["role"] == "admin" and st["completeness"] == 100
    assert_error(api.get("profiles/verification-status/"), 401, "not_authenticated")


# ---- detail views ------------------------------------------------------------------------


def test_candidate_details_privacy(api, cand, recr, admin, read_mails, db):
    assert_json(submit_candidate(api, cand), 201)
    pid = profile_id(api, cand)
    db(f"INSERT INTO documents (user_id, document_type) VALUES ({cand['id']}, 'id'), "
       f"({cand['id']}, 'resume')")
    d = assert_json(api.get(f"profiles/candidate-details/{pid}/", token=admin["access"]), 200)
    assert d["id"] == pid and d["verification_request"]["id_document_number"] == "4821 7730 1934"
    assert sorted(x["document_type"] for x in d["documents"]) == ["id", "resume"]
    # a recruiter sees nothing until the candidate applies to one of its jobs
    assert_error(api.get(f"profiles/candidate-details/{pid}/", token=recr["access"]), 404,
                 "not_found")
    h = make_hospital(api, recr)
    rp = api.get("profiles/recruiter/", token=recr["access"]).json()["id"]
    job = db.scalar(f"INSERT INTO jobs (hospital_id, posted_by, title) VALUES "
                    f"({h['id']}, {rp}, 'ICU Nurse') RETURNING id")
    db(f"INSERT INTO applications (job_id, candidate_id) VALUES ({job}, {pid})")
    d = assert_json(api.get(f"profiles/candidate-details/{pid}/", token=recr["access"]), 200)
    assert d["email"] == cand["email"]
    assert d["verification_request"]["id_document_number"] is None
    assert d["verification_request"]["license_number"] == "KNC-2016-04512"
    assert [x["document_type"] for x in d["documents"]] == ["resume"]
    # another recruiter still cannot; candidates are refused by role
    other = logged_in_user(api, read_mails, role="recruiter")
    assert_error(api.get(f"profiles/candidate-details/{pid}/", token=other["access"]), 404,
                 "not_found")
    assert_error(api.get(f"profiles/candidate-details/{pid}/", token=cand["access"]), 403,
                 PERMISSION_DENIED)
    assert_error(api.get("profiles/candidate-details/987654321/", token=admin["access"]), 404,
                 "not_found")
    assert_error(api.get("profiles/candidate-details/abc/", token=admin["access"]), 404,
                 "not_found")


def test_hospital_details_public_only_when_verified(api, recr, admin, cand):
    h = make_hospital(api, recr)
    assert_error(api.get(f"profiles/hospital-details/{h['id']}/"), 404, "not_found")
    assert_error(api.get(f"profiles/hospital-details/{h['id']}/", token=cand["access"]), 404,
                 "not_found")
    d = assert_json(api.get(f"profiles/hospital-details/{h['id']}/", token=admin["access"]), 200)
    assert d["recruiters"][0]["email"] == recr["email"] and d["recruiters"][0]["created_hospital"]
    api.post("profiles/verification/", json={"registration_number": h["registration_number"]},
             token=recr["access"])
    api.post("profiles/approve-hospital-verification/", json={"hospital_id": h["id"]},
             token=admin["access"])
    r = api.get(f"profiles/hospital-details/{h['id']}/")
    d = assert_json(r, 200)
    assert set(d) == HOSPITAL_KEYS | {"rating"} and d["name"] == h["name"]
    assert d["verification_status"] == "verified"
    etag = r.headers["ETag"]
    r2 = api.get(f"profiles/hospital-details/{h['id']}/", headers={"If-None-Match": etag})
    assert r2.status_code == 304 and r2.content == b""
    api.patch("profiles/hospital/", json={"bed_capacity": 999}, token=recr["access"])
    r3 = api.get(f"profiles/hospital-details/{h['id']}/", headers={"If-None-Match": etag})
    assert r3.status_code == 200 and r3.json()["bed_capacity"] == 999
    assert r3.headers["ETag"] != etag
