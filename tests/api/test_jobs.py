"""Jobs (CONTRACT §4): create, read, update, delete, visibility, list filters and ordering."""

import uuid

import pytest

from helpers import DATETIME_RE, assert_error, assert_json, create_admin, logged_in_user, sql_quote

JOB_KEYS = {"id", "title", "description", "requirements", "department", "location", "city",
            "state", "job_type", "experience_level", "min_experience_years", "salary_min",
            "salary_max", "salary_currency", "pay_unit", "skills", "qualifications", "shift",
            "start_date", "end_date", "vacancies", "hospital", "posted_by", "is_active",
            "applications_count", "created_at", "updated_at", "expires_at", "required_documents"}
CANDIDATE_EXTRA = {"has_applied", "application_status", "match_score"}


def uniq(prefix):
    return f"{prefix} {uuid.uuid4().hex[:8]}"


# ---- shared set-up (test_search.py uses these too) -------------------------------------------


def make_hospital(api, recr, **kw):
    body = {"name": uniq("Ruby Hall Clinic"), "registration_number": uniq("MH-PUN"),
            "type": "private", "city": "Pune", "state": "Maharashtra", "country": "India"}
    body.update(kw)
    return assert_json(api.post("profiles/hospital/", json=body, token=recr["access"]), 201)


def approve_hospital(api, recr, admin, hospital):
    r = api.post("profiles/verification/",
                 json={"registration_number": hospital["registration_number"]},
                 token=recr["access"])
    assert_json(r, 201)
    assert_json(api.post("profiles/approve-hospital-verification/",
                         json={"hospital_id": hospital["id"]}, token=admin["access"]), 200)


def poster(api, read_mails, admin, **hospital_kw):
    """A verified recruiter of a verified hospital: the user dict plus hospital and profile."""
    recr = logged_in_user(api, read_mails, role="recruiter")
    h = make_hospital(api, recr, **hospital_kw)
    approve_hospital(api, recr, admin, h)
    recr["hospital"] = h
    recr["profile_id"] = api.get("profiles/recruiter/", token=recr["access"]).json()["id"]
    return recr


def job_body(**kw):
    body = {"title": "Staff Nurse - ICU", "description": "Care for critically ill adults.",
            "requirements": "GNM or B.Sc Nursing, BLS", "department": "Critical Care",
            "location": "Koregaon Park", "city": "Pune", "state": "Maharashtra",
            "job_type": "full_time", "experience_level": "mid", "min_experience_years": 2,
            "salary_min": "45000", "salary_max": "60000.5", "pay_unit": "monthly",
            "shift": "rotating", "start_date": "2026-12-01", "end_date": "2027-11-30",
            "vacancies": 3, "expires_at": "2030-01-31T18:30:00Z"}
    body.update(kw)
    return body


def post_job(api, recr, **kw):
    return assert_json(api.post("jobs/", json=job_body(**kw), token=recr["access"]), 201)


def candidate_profile_id(db, cand):
    return int(db.scalar(f"SELECT id FROM candidate_profiles WHERE user_id = {int(cand['id'])}"))


def apply(db, cand, job_id, status="applied"):
    """An application row (the applications endpoints are another stream's)."""
    return int(db.scalar(
        f"INSERT INTO applications (job_id, candidate_id, status) VALUES ({int(job_id)}, "
        f"{candidate_profile_id(db, cand)}, {sql_quote(status)}) RETURNING id"))


def ids(page):
    return [j["id"] for j in page["results"]]


# ---- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def admin(stack, api):
    return create_admin(stack, api, login_now=True)


@pytest.fixture
def recr(api, read_mails, admin):
    return poster(api, read_mails, admin)


@pytest.fixture
def cand(api, read_mails):
    return logged_in_user(api, read_mails, role="candidate")


@pytest.fixture
def masters(db):
    out = {}
    for key, active in (("s1", True), ("s2", True), ("off", False)):
        name = uniq("Ventilator care")
        out[key] = int(db.scalar(f"INSERT INTO skills (name, category, is_active) VALUES "
                                 f"({sql_quote(name)}, 'clinical', {active}) RETURNING id"))
        out[key + "_name"] = name
    name = uniq("GNM")
    out["q1"] = int(db.scalar(f"INSERT INTO qualifications (name, level, field) VALUES "
                              f"({sql_quote(name)}, 'diploma', 'Nursing') RETURNING id"))
    out["q1_name"] = name
    return out


# ---- create ----------------------------------------------------------------------------------


def test_create_job_every_field(api, recr, masters):
    j = post_job(api, recr, skills=[masters["s2"], masters["s1"]],
                 qualifications=[masters["q1"]], job_type="full-time", salary_currency="inr")
    assert set(j) == JOB_KEYS
    h = recr["hospital"]
    expected = {"title": "Staff Nurse - ICU", "description": "Care for critically ill adults.",
                "requirements": "GNM or B.Sc Nursing, BLS", "department": "Critical Care",
                "location": "Koregaon Park", "city": "Pune", "state": "Maharashtra",
                "job_type": "full_time", "experience_level": "mid", "min_experience_years": 2,
                "salary_min": "45000.00", "salary_max": "60000.50", "salary_currency": "INR",
                "pay_unit": "monthly", "shift": "rotating", "start_date": "2026-12-01",
                "end_date": "2027-11-30", "vacancies": 3,
                "hospital": {"id": h["id"], "name": h["name"], "type": "private", "city": "Pune",
                             "verification_status": "verified"},
                "posted_by": recr["profile_id"], "is_active": True, "applications_count": 0,
                "expires_at": "2030-01-31T18:30:00.000000Z"}
    for k, v in expected.items():
        assert j[k] == v, (k, j[k])
    assert sorted(s["id"] for s in j["skills"]) == sorted([masters["s1"], masters["s2"]])
    assert {"id": masters["s1"], "name": masters["s1_name"], "category": "clinical"} in j["skills"]
    assert j["qualifications"] == [{"id": masters["q1"], "name": masters["q1_name"],
                                    "level": "diploma", "field": "Nursing"}]
    assert DATETIME_RE.match(j["created_at"]) and DATETIME_RE.match(j["updated_at"])
    got = assert_json(api.get(f"jobs/{j['id']}/"), 200)
    assert got == j


def test_create_minimal_uses_defaults(api, recr):
    body = {"title": "Pharmacist", "description": "Dispensing.", "job_type": "locum",
            "experience_level": "entry", "salary_min": 900, "salary_max": 900,
            "pay_unit": "per-shift"}
    j = assert_json(api.post("jobs/", json=body, token=recr["access"]), 201)
    assert (j["requirements"], j["min_experience_years"], j["salary_currency"], j["vacancies"],
            j["pay_unit"], j["shift"], j["start_date"], j["expires_at"], j["department"],
            j["skills"], j["qualifications"], j["required_documents"]) == (
                "", 0, "INR", 1, "per_shift", None, None, None, None, [], [], [])
    assert (j["salary_min"], j["salary_max"]) == ("900.00", "900.00")


def test_create_ignores_hospital_and_poster_in_body(api, recr, read_mails, admin):
    other = poster(api, read_mails, admin)
    j = post_job(api, recr, hospital=other["hospital"]["id"], posted_by=other["profile_id"],
                 applications_count=7)
    assert j["hospital"]["id"] == recr["hospital"]["id"]
    assert j["posted_by"] == recr["profile_id"]
    assert j["applications_count"] == 0


@pytest.mark.parametrize("body,errors", [
    ({}, {k: ["This field is required."] for k in
          ("title", "description", "job_type", "experience_level", "salary_min", "salary_max")}),
    (job_body(salary_min="70000", salary_max="60000"),
     {"salary_max": ["Must be greater than or equal to salary_min."]}),
    (job_body(start_date="2027-01-02", end_date="2027-01-01"),
     {"end_date": ["Must be greater than or equal to start_date."]}),
    (job_body(job_type="permanent"), {"job_type": ["\"permanent\" is not a valid choice."]}),
    (job_body(experience_level="junior"),
     {"experience_level": ["\"junior\" is not a valid choice."]}),
    (job_body(shift="evening"), {"shift": ["\"evening\" is not a valid choice."]}),
    (job_body(pay_unit="annual"), {"pay_unit": ["\"annual\" is not a valid choice."]}),
    (job_body(vacancies=0), {"vacancies": ["Ensure this value is greater than or equal to 1."]}),
    (job_body(salary_min="abc"), {"salary_min": ["A valid number is required."]}),
    (job_body(salary_max="1.234"),
     {"salary_max": ["Ensure that there are no more than 2 decimal places."]}),
    (job_body(salary_min="-1"),
     {"salary_min": ["Ensure this value is greater than or equal to 0."]}),
    (job_body(start_date="01/12/2026"),
     {"start_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}),
    (job_body(expires_at="tomorrow"),
     {"expires_at": ["Datetime has wrong format. Use one of these formats instead: "
                     "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."]}),
    (job_body(salary_currency="RUPEE"),
     {"salary_currency": ["Ensure this field has no more than 3 characters."]}),
    (job_body(salary_currency="1NR"),
     {"salary_currency": ["Enter a three-letter ISO 4217 currency code."]}),
    (job_body(vacancies=None), {"vacancies": ["This field may not be null."]}),
    (job_body(title="  "), {"title": ["This field may not be blank."]}),
    (job_body(skills="1"), {"skills": ["Expected a list of items but got type \"str\"."]}),
    (job_body(required_documents="medical_license"),
     {"required_documents": ["Expected a list of items but got type \"str\"."]}),
    (job_body(required_documents={"medical_license": True}),
     {"required_documents": ["Expected a list of items but got type \"dict\"."]}),
    (job_body(required_documents=["medical_license", "passport", 7]),
     {"required_documents": ["Item 2: \"passport\" is not a valid choice.",
                             "Item 3: \"7\" is not a valid choice."]}),
    (job_body(required_documents=["id"] * 11),
     {"required_documents": ["Ensure this field has no more than 10 elements."]}),
])
def test_create_validation(api, recr, body, errors):
    assert_json(api.post("jobs/", json=body, token=recr["access"]), 400, errors)


def test_create_unknown_and_inactive_skill(api, recr, masters):
    r = api.post("jobs/", json=job_body(skills=[masters["s1"], 987654321]), token=recr["access"])
    assert_json(r, 400, {"skills": ["Invalid pk \"987654321\" - object does not exist."]})
    r = api.post("jobs/", json=job_body(skills=[masters["off"]]), token=recr["access"])
    assert_json(r, 400, {"skills": [f"Invalid pk \"{masters['off']}\" - object does not exist."]})
    r = api.post("jobs/", json=job_body(qualifications=[987654321]), token=recr["access"])
    assert_json(r, 400, {"qualifications": ["Invalid pk \"987654321\" - object does not exist."]})


def test_create_refused(api, cand, admin, read_mails):
    assert_error(api.post("jobs/", json=job_body()), 401, "not_authenticated")
    assert_error(api.post("jobs/", json=job_body(), token=cand["access"]), 403,
                 "permission_denied")
    assert_error(api.post("jobs/", json=job_body(), token=admin["access"]), 403,
                 "permission_denied")
    # no hospital; a pending hospital: both hospital_not_verified, checked before the body
    recr = logged_in_user(api, read_mails, role="recruiter")
    assert_error(api.post("jobs/", json={}, token=recr["access"]), 403, "hospital_not_verified")
    h = make_hospital(api, recr)
    assert_error(api.post("jobs/", json=job_body(), token=recr["access"]), 403,
                 "hospital_not_verified")


def test_create_needs_verified_recruiter_too(api, read_mails, admin):
    """A recruiter that links itself to someone else's verified hospital stays pending."""
    owner = poster(api, read_mails, admin)
    stranger = logged_in_user(api, read_mails, role="recruiter")
    r = api.patch("profiles/recruiter/", json={"hospital": owner["hospital"]["id"]},
                  token=stranger["access"])
    assert_json(r, 200)
    assert_error(api.post("jobs/", json=job_body(), token=stranger["access"]), 403,
                 "hospital_not_verified",
                 "Your link to this hospital must be verified before you can post jobs.")


# ---- read ------------------------------------------------------------------------------------


def test_detail_visibility(api, recr, cand, admin, read_mails, db):
    j = post_job(api, recr)
    other = poster(api, read_mails, admin)
    closed = post_job(api, recr, is_active=False)
    expired = post_job(api, recr)
    db(f"UPDATE jobs SET expires_at = now() - interval '1 minute' WHERE id = {expired['id']}")
    for token in (None, cand["access"], other["access"]):
        assert_json(api.get(f"jobs/{j['id']}/", token=token), 200)
        for hidden in (closed, expired):
            assert_error(api.get(f"jobs/{hidden['id']}/", token=token), 404, "not_found")
    for token in (recr["access"], admin["access"]):
        assert assert_json(api.get(f"jobs/{closed['id']}/", token=token), 200)["is_active"] is False
        assert assert_json(api.get(f"jobs/{expired['id']}/", token=token), 200)["id"] == expired["id"]
    assert_error(api.get("jobs/999999999/"), 404, "not_found")
    assert_error(api.get("jobs/abc/"), 404, "not_found")


def test_detail_candidate_fields(api, recr, cand, db):
    j = post_job(api, recr)
    d = assert_json(api.get(f"jobs/{j['id']}/", token=cand["access"]), 200)
    assert set(d) == JOB_KEYS | CANDIDATE_EXTRA
    # empty profile vs job_body(): skills 40 (the job has none) + experience 0 (0 of 2 years)
    # + location 0 (no city) + job type 10 (no preference) + salary 10 (none expected)
    # + qualifications 5 (the job asks none) = 65
    assert (d["has_applied"], d["application_status"], d["match_score"]) == (False, None, 65)
    apply(db, cand, j["id"], status="shortlisted")
    d = assert_json(api.get(f"jobs/{j['id']}/", token=cand["access"]), 200)
    assert (d["has_applied"], d["application_status"]) == (True, "shortlisted")
    assert d["applications_count"] == 1
    assert set(assert_json(api.get(f"jobs/{j['id']}/", token=recr["access"]), 200)) == JOB_KEYS


def test_detail_etag(api, recr, cand):
    j = post_job(api, recr)
    r = api.get(f"jobs/{j['id']}/")
    assert_json(r, 200)
    etag = r.headers["ETag"]
    r2 = api.get(f"jobs/{j['id']}/", headers={"If-None-Match": etag})
    assert r2.status_code == 304 and r2.content == b""
    # a candidate's answer is its own: no ETag
    assert "ETag" not in api.get(f"jobs/{j['id']}/", token=cand["access"]).headers
    # a change gives a new tag
    assert_json(api.patch(f"jobs/{j['id']}/", json={"vacancies": 9}, token=recr["access"]), 200)
    r3 = api.get(f"jobs/{j['id']}/", headers={"If-None-Match": etag})
    assert_json(r3, 200)
    assert r3.headers["ETag"] != etag


# ---- update ----------------------------------------------------------------------------------


def test_patch_and_put(api, recr, masters, admin):
    j = post_job(api, recr, skills=[masters["s1"]])
    r = api.patch(f"jobs/{j['id']}/", json={"title": "Senior Staff Nurse", "shift": None,
                                            "skills": [masters["s2"]], "salary_max": "80000"},
                  token=recr["access"])
    p = assert_json(r, 200)
    assert (p["title"], p["shift"], p["salary_max"], p["salary_min"]) == (
        "Senior Staff Nurse", None, "80000.00", "45000.00")
    assert [s["id"] for s in p["skills"]] == [masters["s2"]]
    assert p["description"] == j["description"]
    # PUT needs the required fields
    r = api.put(f"jobs/{j['id']}/", json={"title": "x"}, token=recr["access"])
    errs = assert_json(r, 400)
    assert set(errs) == {"description", "job_type", "experience_level", "salary_min", "salary_max"}
    r = api.put(f"jobs/{j['id']}/", json=job_body(title="Charge Nurse", job_type="contract"),
                token=admin["access"])
    u = assert_json(r, 200)
    assert (u["title"], u["job_type"], u["posted_by"]) == ("Charge Nurse", "contract",
                                                          recr["profile_id"])


def test_required_documents(api, recr, read_mails, admin, db):
    """A job's required_documents: document types, duplicates dropped in order, default [],
    kept by a PUT or PATCH that leaves them out, shown by the detail, the lists and search/;
    the column's CHECK holds any other writer to the types."""
    word = "zq" + "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:10])
    city = uniq("Docton")
    j = post_job(api, recr, title=f"Locum Physician {word}", city=city,
                 required_documents=["medical_license", "certificate", "medical_license"])
    assert j["required_documents"] == ["medical_license", "certificate"]
    path = f"jobs/{j['id']}/"
    assert assert_json(api.get(path), 200)["required_documents"] == ["medical_license",
                                                                     "certificate"]

    def everywhere():
        shown = [assert_json(api.get(path), 200)["required_documents"]]
        for page in (f"jobs/?city={city}", f"jobs/search/?q={word}",
                     f"jobs/?mine=true&city={city}", f"jobs/advanced-search/?q={word}"):
            got = assert_json(api.get(page, token=recr["access"]), 200)["results"]
            assert [x["id"] for x in got] == [j["id"]], page
            shown.append(got[0]["required_documents"])
        got = assert_json(api.post("jobs/advanced-search/", json={"q": word}), 200)["results"]
        shown.append(got[0]["required_documents"])
        assert all(x == shown[0] for x in shown), shown
        return shown[0]

    assert everywhere() == ["medical_license", "certificate"]
    # PATCH without the field keeps it; with it, replaces it; null is no requirement
    r = api.patch(path, json={"title": f"Locum Physician {word} II"}, token=recr["access"])
    assert assert_json(r, 200)["required_documents"] == ["medical_license", "certificate"]
    r = api.patch(path, json={"required_documents": ["id"]}, token=recr["access"])
    assert assert_json(r, 200)["required_documents"] == ["id"]
    assert everywhere() == ["id"]
    r = api.put(path, json=job_body(title=f"Locum Physician {word}", city=city),
                token=recr["access"])
    assert assert_json(r, 200)["required_documents"] == ["id"]
    r = api.put(path, json=job_body(title=f"Locum Physician {word}", city=city,
                                    required_documents=["resume", "certificate"]),
                token=recr["access"])
    assert assert_json(r, 200)["required_documents"] == ["resume", "certificate"]
    r = api.patch(path, json={"required_documents": ["x"]}, token=recr["access"])
    assert_json(r, 400, {"required_documents": ["Item 1: \"x\" is not a valid choice."]})
    assert everywhere() == ["resume", "certificate"]
    r = api.patch(path, json={"required_documents": None}, token=recr["access"])
    assert assert_json(r, 200)["required_documents"] == []
    assert everywhere() == []
    r = api.patch(path, json={"required_documents": ["medical_license"]}, token=admin["access"])
    assert assert_json(r, 200)["required_documents"] == ["medical_license"]
    # another recruiter cannot change them (404), nor a candidate (403)
    other = poster(api, read_mails, admin)
    r = api.patch(path, json={"required_documents": []}, token=other["access"])
    assert_error(r, 404, "not_found")
    assert everywhere() == ["medical_license"]
    # the database refuses other types and NULL items, whoever writes
    for bad in ("ARRAY['passport']", "ARRAY[NULL]::text[]", "NULL"):
        with pytest.raises(Exception) as e:
            db(f"UPDATE jobs SET required_documents = {bad} WHERE id = {j['id']}")
        assert "jobs_required_documents_types" in str(e.value) or "null value" in str(e.value)
    assert db.scalar(f"SELECT required_documents::text FROM jobs WHERE id = {j['id']}") == \
        "{medical_license}"


def test_patch_checks_ranges_against_stored_values(api, recr):
    j = post_job(api, recr)
    r = api.patch(f"jobs/{j['id']}/", json={"salary_min": "60000.51"}, token=recr["access"])
    assert_json(r, 400, {"salary_max": ["Must be greater than or equal to salary_min."]})
    r = api.patch(f"jobs/{j['id']}/", json={"end_date": "2026-11-30"}, token=recr["access"])
    assert_json(r, 400, {"end_date": ["Must be greater than or equal to start_date."]})
    r = api.patch(f"jobs/{j['id']}/", json={"is_active": None}, token=recr["access"])
    assert_json(r, 400, {"is_active": ["This field may not be null."]})
    r = api.patch(f"jobs/{j['id']}/", json={"salary_min": "60000.50", "end_date": None},
                  token=recr["access"])
    assert assert_json(r, 200)["salary_min"] == "60000.50"


def test_inactive_skill_already_on_job_may_stay(api, recr, masters, db):
    j = post_job(api, recr, skills=[masters["s1"]])
    db(f"UPDATE skills SET is_active = false WHERE id = {masters['s1']}")
    r = api.patch(f"jobs/{j['id']}/", json={"skills": [masters["s1"], masters["s2"]]},
                  token=recr["access"])
    assert len(assert_json(r, 200)["skills"]) == 2


def test_write_refused(api, recr, cand, read_mails, admin):
    j = post_job(api, recr)
    other = poster(api, read_mails, admin)
    path = f"jobs/{j['id']}/"
    for method in ("put", "patch", "delete"):
        call = getattr(api, method)
        kw = {} if method == "delete" else {"json": {"title": "x"}}
        assert_error(call(path, **kw), 401, "not_authenticated")
        assert_error(call(path, token=cand["access"], **kw), 403, "permission_denied")
        assert_error(call(path, token=other["access"], **kw), 404, "not_found")
        assert_error(call("jobs/999999999/", token=recr["access"], **kw), 404, "not_found")
    assert assert_json(api.get(path), 200)["title"] == j["title"]


def test_close_by_patch_notifies_applicants(api, recr, cand, read_mails, db):
    j = post_job(api, recr)
    other = logged_in_user(api, read_mails, role="candidate")
    gone = logged_in_user(api, read_mails, role="candidate")
    app_id = apply(db, cand, j["id"])
    apply(db, other, j["id"], status="reviewed")
    apply(db, gone, j["id"], status="withdrawn")
    r = api.patch(f"jobs/{j['id']}/", json={"is_active": False}, token=recr["access"])
    assert assert_json(r, 200)["is_active"] is False
    notes = assert_json(api.get("notifications/", token=cand["access"]), 200)["results"]
    assert len(notes) == 1
    n = notes[0]
    assert (n["notification_type"], n["title"], n["data"]) == (
        "job_update", "Job closed", {"job": j["id"], "application": app_id})
    assert n["message"] == f"The job \"{j['title']}\" is no longer open."
    assert assert_json(api.get("notifications/", token=other["access"]), 200)["count"] == 1
    assert assert_json(api.get("notifications/", token=gone["access"]), 200)["count"] == 0
    # closing a closed job again tells nobody twice
    api.patch(f"jobs/{j['id']}/", json={"is_active": False}, token=recr["access"])
    assert assert_json(api.get("notifications/", token=cand["access"]), 200)["count"] == 1


# ---- delete ----------------------------------------------------------------------------------


def test_delete_without_applications_deletes(api, recr, db):
    j = post_job(api, recr)
    r = api.delete(f"jobs/{j['id']}/", token=recr["access"])
    assert r.status_code == 204 and r.content == b""
    assert db.scalar(f"SELECT count(*) FROM jobs WHERE id = {j['id']}") == "0"
    assert_error(api.get(f"jobs/{j['id']}/", token=recr["access"]), 404, "not_found")


def test_delete_with_applications_deactivates(api, recr, cand, admin, db):
    j = post_job(api, recr)
    apply(db, cand, j["id"])
    r = api.delete(f"jobs/{j['id']}/", token=admin["access"])
    assert r.status_code == 204
    assert db.scalar(f"SELECT is_active FROM jobs WHERE id = {j['id']}") == "f"
    assert db.scalar(f"SELECT count(*) FROM applications WHERE job_id = {j['id']}") == "1"
    notes = assert_json(api.get("notifications/", token=cand["access"]), 200)
    assert notes["count"] == 1 and notes["results"][0]["notification_type"] == "job_update"
    assert_error(api.get(f"jobs/{j['id']}/"), 404, "not_found")
    assert api.delete(f"jobs/{j['id']}/", token=recr["access"]).status_code == 204
    assert assert_json(api.get("notifications/", token=cand["access"]), 200)["count"] == 1


def test_masters_in_use_by_a_job(api, recr, admin, masters):
    post_job(api, recr, skills=[masters["s1"]], qualifications=[masters["q1"]])
    assert_error(api.delete(f"masters/skills/{masters['s1']}/", token=admin["access"]), 409,
                 "in_use")
    assert_error(api.delete(f"masters/qualifications/{masters['q1']}/", token=admin["access"]),
                 409, "in_use")
