"""Credentials on applications (docs/API.md "Applications and assignments", "Required documents
and credentials"): a job's required_documents refuse an application from a candidate who holds
no unexpired document of each type (nothing is written), and the job's recruiter and admins see
the candidate's expired and soon expiring documents on the application.

Documents are uploaded through the documents API; their expiry dates are placed in time with
SQL where the API would not take them (the past), relative to the database's UTC date."""

import datetime

import pytest

import samples
from helpers import assert_json
from test_applications import NOT_FOUND, max_notification, new_world
from test_documents import uploaded

LICENCE = "A valid medical license is required to apply."
CERTIFICATE = "A valid certificate is required to apply."


@pytest.fixture(scope="module")
def world(stack):
    w = new_world(stack)
    yield w
    w.api.close()


def today(w):
    return datetime.date.fromisoformat(w.scalar("SELECT (now() AT TIME ZONE 'UTC')::date"))


def day(w, offset):
    return (today(w) + datetime.timedelta(days=offset)).isoformat()


def required_job(w, *types):
    job = w.job(w.recr)
    arr = "ARRAY[" + ", ".join(f"'{t}'" for t in types) + "]::text[]"
    w.sql(f"UPDATE jobs SET required_documents = {arr} WHERE id = {job['id']}")
    return job


def doc(w, cand, document_type, expires=None, name=None, description=None):
    """A document uploaded by cand; `expires` is a day offset from today (UTC) or None."""
    kw = {"document_type": document_type, "filename": name or f"{document_type}.pdf",
          "description": description}
    d = uploaded(w, cand, samples.pdf(), **kw)
    if expires is not None:
        w.sql(f"UPDATE documents SET expires_on = '{day(w, expires)}' WHERE id = {d['id']}")
    return d


def count_applications(w, job):
    return int(w.scalar(f"SELECT count(*) FROM applications WHERE job_id = {job['id']}"))


def apply_both_paths(w, cand, job):
    """POST on both apply paths; the two answers."""
    return (w.api.post("jobs/applications/", json={"job": job["id"]}, token=cand["access"]),
            w.api.post(f"jobs/{job['id']}/applications/", json={}, token=cand["access"]))


# ---- applying ----------------------------------------------------------------------------------


def test_apply_refused_without_the_documents_and_nothing_written(world, db):
    w = world
    cand = w.candidate()
    job = required_job(w, "medical_license", "certificate")
    since = max_notification(db)
    for r in apply_both_paths(w, cand, job):
        assert_json(r, 400, {"required_documents": [LICENCE, CERTIFICATE]})
    assert count_applications(w, job) == 0
    assert max_notification(db) == since  # the recruiter heard of nothing
    assert int(w.scalar(f"SELECT count(*) FROM application_events e JOIN applications a"
                        f" ON a.id = e.application_id WHERE a.job_id = {job['id']}")) == 0
    # a resume and an identity document are not what the job asks for; a certificate is
    doc(w, cand, "resume")
    doc(w, cand, "id", expires=400)
    doc(w, cand, "certificate")
    for r in apply_both_paths(w, cand, job):
        assert_json(r, 400, {"required_documents": [LICENCE]})
    assert count_applications(w, job) == 0


def test_an_expired_document_does_not_count(world):
    w = world
    cand = w.candidate()
    job = required_job(w, "medical_license")
    old = doc(w, cand, "medical_license", expires=-1)
    doc(w, cand, "medical_license", expires=-400)
    for r in apply_both_paths(w, cand, job):
        assert_json(r, 400, {"required_documents": [LICENCE]})
    assert count_applications(w, job) == 0
    # the same document renewed (its date moved on) counts again, even though the expiry
    # sweep marked it expired before
    w.sql(f"UPDATE documents SET expires_on = '{day(w, 0)}', expired_at = now()"
          f" WHERE id = {old['id']}")
    a = assert_json(w.api.post("jobs/applications/", json={"job": job["id"]},
                               token=cand["access"]), 201)
    assert a["status"] == "applied" and count_applications(w, job) == 1


def test_apply_accepted_with_valid_documents(world, db):
    """Valid = uploaded and not expired: verification is not required, a document without an
    expiry date counts, one expiring today still counts."""
    w = world
    cand = w.candidate()
    job = required_job(w, "medical_license", "certificate", "resume")
    lic = doc(w, cand, "medical_license", expires=0)
    assert lic["is_verified"] is False
    doc(w, cand, "certificate")
    doc(w, cand, "resume")
    since = max_notification(db)
    a = assert_json(w.api.post(f"jobs/{job['id']}/applications/", json={"cover_letter": "Hi"},
                               token=cand["access"]), 201)
    assert a["job"]["id"] == job["id"] and a["cover_letter"] == "Hi"
    assert count_applications(w, job) == 1
    assert max_notification(db) > since  # the recruiter was told, as for any application
    # a second application is still 409, whatever the documents say by then
    w.sql(f"UPDATE documents SET expires_on = '{day(w, -1)}' WHERE id = {lic['id']}")
    r = w.api.post("jobs/applications/", json={"job": job["id"]}, token=cand["access"])
    assert assert_json(r, 409)["code"] == "already_applied"
    assert count_applications(w, job) == 1


def test_another_users_documents_do_not_count(world):
    w = world
    cand, other = w.candidate(), w.candidate("Meera", "Iyer")
    job = required_job(w, "medical_license")
    doc(w, other, "medical_license", expires=100)
    for r in apply_both_paths(w, cand, job):
        assert_json(r, 400, {"required_documents": [LICENCE]})
    assert_json(w.api.post("jobs/applications/", json={"job": job["id"]}, token=other["access"]),
                201)
    assert count_applications(w, job) == 1


def test_a_job_without_requirements_takes_anyone(world):
    w = world
    cand = w.candidate()
    job = w.job(w.recr)
    assert_json(w.api.post("jobs/applications/", json={"job": job["id"]}, token=cand["access"]),
                201)


def test_inactive_and_expired_jobs_answer_as_before(world):
    """The job's own state is checked first: a closed job says so, not which papers it wants."""
    w = world
    cand = w.candidate()
    job = required_job(w, "medical_license")
    w.sql(f"UPDATE jobs SET is_active = false WHERE id = {job['id']}")
    assert_json(w.api.post("jobs/applications/", json={"job": job["id"]}, token=cand["access"]),
                400, {"job": ["This job is not accepting applications."]})


# ---- credentials on the application ------------------------------------------------------------


def brief(d, expires_on, verified=False):
    return {"id": d["id"], "document_type": d["document_type"],
            "description": d["description"],
            "original_name": d["original_name"], "expires_on": expires_on,
            "is_verified": verified}


def test_recruiter_sees_expired_and_expiring_credentials(world):
    w = world
    cand = w.candidate()
    job = w.job(w.recr)
    a = w.apply(cand, job)
    path = f"jobs/applications/{a['id']}/"
    empty = {"expired": [], "expiring_soon": []}
    assert assert_json(w.api.get(path, token=w.recr["access"]), 200)["credentials"] == empty

    lic_old = doc(w, cand, "medical_license", expires=-40, name="mci-2019.pdf",
                  description="MCI registration")
    cert_y = doc(w, cand, "certificate", expires=-1, name="bls.pdf", description="BLS")
    lic_now = doc(w, cand, "medical_license", expires=0, name="mci.pdf")
    cert_30 = doc(w, cand, "certificate", expires=30, name="acls.pdf", description="ACLS")
    doc(w, cand, "certificate", expires=31, name="pals.pdf")  # beyond the window
    doc(w, cand, "id")                                        # no expiry date
    doc(w, cand, "resume")
    renewed = doc(w, cand, "id", expires=10, name="passport.pdf")
    w.sql(f"UPDATE documents SET expired_at = now() WHERE id = {renewed['id']}")
    w.sql(f"UPDATE documents SET is_verified = true, verified_at = now()"
          f" WHERE id = {cert_30['id']}")
    doc(w, w.other_cand, "medical_license", expires=-5)       # someone else's

    want = {"expired": [brief(lic_old, day(w, -40)), brief(cert_y, day(w, -1))],
            "expiring_soon": [brief(lic_now, day(w, 0)), brief(renewed, day(w, 10)),
                              brief(cert_30, day(w, 30), verified=True)]}
    for who in (w.recr, w.admin):
        got = assert_json(w.api.get(path, token=who["access"]), 200)
        assert got["credentials"] == want
        listed = assert_json(w.api.get(f"jobs/applications/?job={job['id']}",
                                        token=who["access"]), 200)["results"]
        assert [x["credentials"] for x in listed] == [want]
        listed = assert_json(w.api.get(f"jobs/{job['id']}/applications/",
                                        token=who["access"]), 200)["results"]
        assert [x["credentials"] for x in listed] == [want]
    # the recruiter's answer to its own change carries them too
    r = w.api.patch(path, json={"status": "reviewed"}, token=w.recr["access"])
    assert assert_json(r, 200)["credentials"] == want
    # ties on the date go by id
    twin = doc(w, cand, "certificate", expires=-1, name="bls-copy.pdf", description="BLS")
    got = assert_json(w.api.get(path, token=w.recr["access"]), 200)["credentials"]
    assert got["expired"] == [brief(lic_old, day(w, -40)), brief(cert_y, day(w, -1)),
                              brief(twin, day(w, -1))]


def test_candidate_does_not_get_credentials_and_others_get_404(world):
    w = world
    cand = w.candidate()
    job = w.job(w.recr)
    a = w.apply(cand, job)
    doc(w, cand, "medical_license", expires=-3)
    path = f"jobs/applications/{a['id']}/"
    mine = assert_json(w.api.get(path, token=cand["access"]), 200)
    assert "credentials" not in mine
    listed = assert_json(w.api.get("jobs/applications/", token=cand["access"]), 200)["results"]
    assert listed and all("credentials" not in x for x in listed)
    assert "credentials" not in assert_json(
        w.api.patch(path, json={"cover_letter": "Updated"}, token=cand["access"]), 200)
    assert_json(w.api.get(path, token=w.other_recr["access"]), 404, NOT_FOUND)
    assert_json(w.api.get(f"jobs/{job['id']}/applications/", token=w.other_recr["access"]), 404,
                NOT_FOUND)
    others = assert_json(w.api.get("jobs/applications/", token=w.other_recr["access"]),
                         200)["results"]
    assert a["id"] not in [x["id"] for x in others]
