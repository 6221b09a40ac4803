"""Applications (CONTRACT §4 "Applications" and the decisions in docs/API.md):
applying on both paths, role-scoped lists and detail, the status machine with its history,
notifications and mails, withdrawal, and the duplicate-application race.

Jobs and hospitals are created with SQL (the jobs endpoints belong to another module)."""

import threading
import uuid

import pytest
import requests

from conftest import Api, _load_mails
from helpers import (DATETIME_RE, NOT_AUTHENTICATED, PASSWORD, assert_error, assert_json,
                     create_admin, login, register, sql_quote, verification_token)

NOT_FOUND = {"detail": "Not found.", "code": "not_found"}
PERMISSION_DENIED = {"detail": "You do not have permission to perform this action.",
                     "code": "permission_denied"}
APP_KEYS = {"id", "job", "candidate", "status", "cover_letter", "match_score", "applied_at",
            "updated_at", "status_history"}
PRIVATE_APP_KEYS = APP_KEYS | {"notes", "credentials"}
CANDIDATE_KEYS = {"id", "first_name", "last_name", "headline", "years_of_experience",
                  "verification_status"}
PRIVATE_CANDIDATE_KEYS = CANDIDATE_KEYS | {"email", "phone_number"}
STATUSES = ["applied", "reviewed", "shortlisted", "interviewing", "offered", "hired",
            "rejected", "withdrawn"]
PROGRESSION = STATUSES[:6]
FINAL = {"hired", "rejected", "withdrawn"}


# ---- world: users, hospitals, jobs ---------------------------------------------------------


def uniq(prefix):
    return f"{prefix} {uuid.uuid4().hex[:8]}"


class World:
    """Users made through the API (register, verify, login), hospitals and jobs through SQL."""

    def __init__(self, stack):
        self.stack = stack
        self.api = Api(stack.base_url)

    def sql(self, text):
        return self.stack.psql(text)

    def scalar(self, text):
        rows = self.sql(text)
        return rows[0][0] if rows else None

    def user(self, role, first="Asha", last="Verma"):
        email = f"{role}-{uuid.uuid4().hex[:16]}@example.com"
        r = register(self.api, email=email, role=role, first_name=first, last_name=last)
        assert r.status_code == 201, r.text
        token = verification_token(lambda to=None: _load_mails(self.stack.mail_dir, to), email)
        r = self.api.post("accounts/verify-email/", json={"token": token})
        assert r.status_code == 200, r.text
        data = login(self.api, email, PASSWORD)
        return {"id": data["id"], "email": email, "access": data["access"], "role": role}

    def candidate(self, first="Asha", last="Verma", headline="ICU nurse", years=6,
                  phone="+91 98450 12345"):
        u = self.user("candidate", first, last)
        u["profile"] = int(self.scalar(
            f"UPDATE candidate_profiles SET headline = {sql_quote(headline)},"
            f" years_of_experience = {int(years)}, phone_number = {sql_quote(phone)}"
            f" WHERE user_id = {u['id']} RETURNING id"))
        return u

    def recruiter(self):
        u = self.user("recruiter", "Ravi", "Menon")
        name = uniq("Apollo Hospital")
        u["hospital"] = int(self.scalar(
            f"INSERT INTO hospitals (name, registration_number, type, city,"
            f" verification_status) VALUES ({sql_quote(name)}, {sql_quote(uniq('KA'))},"
            f" 'private', 'Bengaluru', 'verified') RETURNING id"))
        u["hospital_name"] = name
        u["profile"] = int(self.scalar(
            f"UPDATE recruiter_profiles SET hospital_id = {u['hospital']},"
            f" verification_status = 'verified' WHERE user_id = {u['id']} RETURNING id"))
        return u

    def job(self, recr, title=None, active=True, expires="NULL"):
        title = title or uniq("Staff Nurse ICU")
        jid = int(self.scalar(
            f"INSERT INTO jobs (hospital_id, posted_by, title, salary_min, salary_max,"
            f" is_active, expires_at) VALUES ({recr['hospital']}, {recr['profile']},"
            f" {sql_quote(title)}, 30000, 45000, {'true' if active else 'false'}, {expires})"
            f" RETURNING id"))
        return {"id": jid, "title": title}

    def apply(self, cand, job, cover="I have six years of ICU experience."):
        r = self.api.post("jobs/applications/", json={"job": job["id"], "cover_letter": cover},
                          token=cand["access"])
        return assert_json(r, 201)

    def force_status(self, app_id, status):
        self.sql(f"UPDATE applications SET status = '{status}' WHERE id = {int(app_id)}")


def new_world(stack):
    """Two recruiters (each with a verified hospital), two candidates and an admin."""
    w = World(stack)
    w.recr = w.recruiter()
    w.other_recr = w.recruiter()
    w.cand = w.candidate()
    w.other_cand = w.candidate("Meera", "Iyer")
    w.admin = create_admin(stack, w.api, login_now=True)
    return w


@pytest.fixture(scope="module")
def world(stack):
    w = new_world(stack)
    yield w
    w.api.close()


def hospital_brief(w, recr):
    return {"id": recr["hospital"], "name": recr["hospital_name"], "type": "private",
            "city": "Bengaluru", "verification_status": "verified"}


def notifications(db, user_id, since=0):
    return db(f"SELECT notification_type, title, message, data::text FROM notifications"
              f" WHERE user_id = {int(user_id)} AND id > {int(since)} ORDER BY id")


def applications_count(w, job):
    """The job's applications_count as its recruiter (w.recr) reads it through the jobs API."""
    r = w.api.get(f"jobs/{job['id']}/", token=w.recr["access"])
    return assert_json(r, 200)["applications_count"]


def max_notification(db):
    return int(db.scalar("SELECT coalesce(max(id), 0) FROM notifications"))


def app_row(db, app_id):
    return db(f"SELECT status, cover_letter, notes FROM applications WHERE id = {int(app_id)}")[0]


def history(db, app_id):
    return db(f"SELECT status, changed_by FROM application_events WHERE application_id ="
              f" {int(app_id)} ORDER BY id")


# ---- applying --------------------------------------------------------------------------------


def test_apply_happy_path_exact_body(world, db, read_mails):
    w = world
    job = w.job(w.recr)
    since = max_notification(db)
    r = w.api.post("jobs/applications/", json={"job": job["id"], "cover_letter": "  Hello  ",
                                                "status": "hired", "notes": "sneaky"},
                   token=w.cand["access"])
    a = assert_json(r, 201)
    assert set(a) == APP_KEYS
    assert a["job"] == {"id": job["id"], "title": job["title"],
                        "hospital": hospital_brief(w, w.recr)}
    assert a["candidate"] == {"id": w.cand["profile"], "first_name": "Asha", "last_name": "Verma",
                              "headline": "ICU nurse", "years_of_experience": 6,
                              "verification_status": "pending"}
    assert a["status"] == "applied" and a["cover_letter"] == "Hello"
    # skills 40 (the job has none) + experience 20 (6 years, none required) + location 0 (no
    # city on either side) + job type 10 + salary 10 (no preference, no expectation)
    # + qualifications 5 (none asked) = 85
    assert a["match_score"] == 85
    assert DATETIME_RE.match(a["applied_at"]) and DATETIME_RE.match(a["updated_at"])
    assert len(a["status_history"]) == 1
    h = a["status_history"][0]
    assert (h["status"], h["changed_by"]) == ("applied", w.cand["id"])
    assert DATETIME_RE.match(h["changed_at"])
    assert app_row(db, a["id"]) == ["applied", "Hello", ""]
    assert applications_count(w, job) == 1
    # the job's recruiter hears of it, in the same transaction
    assert notifications(db, w.recr["id"], since) == [
        ["application_status", f"New application for {job['title']}",
         "A candidate applied to your job.",
         f'{{"job": {job["id"]}, "status": "applied", "application": {a["id"]}}}']]
    assert notifications(db, w.cand["id"], since) == []


def test_apply_through_job_path_and_without_cover_letter(world, db):
    w = world
    job = w.job(w.recr)
    r = w.api.post(f"jobs/{job['id']}/applications/", json={}, token=w.cand["access"])
    a = assert_json(r, 201)
    assert a["job"]["id"] == job["id"] and a["cover_letter"] == ""
    assert a["status"] == "applied"
    assert history(db, a["id"]) == [["applied", str(w.cand["id"])]]
    # a job id in the body is ignored on this path
    job2 = w.job(w.recr)
    r = w.api.post(f"jobs/{job2['id']}/applications/", json={"job": job["id"]},
                   token=w.cand["access"])
    assert assert_json(r, 201)["job"]["id"] == job2["id"]


@pytest.mark.parametrize("body,errors", [
    ({}, {"job": ["This field is required."]}),
    ({"job": None}, {"job": ["This field may not be null."]}),
    ({"job": 999999999}, {"job": ['Invalid pk "999999999" - object does not exist.']}),
    ({"job": "JOB", "cover_letter": 5},
     {"job": ["Incorrect type. Expected pk value, received str."]}),
    ({"job": True}, {"job": ["Incorrect type. Expected pk value, received bool."]}),
    ({"job": 0}, {"job": ['Invalid pk "0" - object does not exist.']}),
    ({"job": "OK", "cover_letter": "x" * 5001},
     {"cover_letter": ["Ensure this field has no more than 5000 characters."]}),
    ({"job": "OK", "cover_letter": ["a"]}, {"cover_letter": ["Not a valid string."]}),
])
def test_apply_validation(world, body, errors):
    w = world
    job = w.job(w.recr)
    body = {k: (job["id"] if v == "OK" else v) for k, v in body.items()}
    r = w.api.post("jobs/applications/", json=body, token=w.cand["access"])
    assert_json(r, 400, errors)


@pytest.mark.parametrize("path", ["body", "job"])
@pytest.mark.parametrize("state,message", [
    ("inactive", "This job is not accepting applications."),
    ("expired", "This job has expired."),
])
def test_apply_inactive_or_expired_job(world, db, path, state, message):
    w = world
    job = w.job(w.recr, active=state != "inactive",
                expires="now() - interval '1 minute'" if state == "expired" else "NULL")
    if path == "body":
        r = w.api.post("jobs/applications/", json={"job": job["id"]}, token=w.cand["access"])
    else:
        r = w.api.post(f"jobs/{job['id']}/applications/", json={}, token=w.cand["access"])
    assert_json(r, 400, {"job": [message]})
    assert db.scalar(f"SELECT count(*) FROM applications WHERE job_id = {job['id']}") == "0"


def test_apply_future_expiry_is_fine(world):
    w = world
    job = w.job(w.recr, expires="now() + interval '1 day'")
    w.apply(w.cand, job)


def test_apply_unknown_job_on_job_path_is_404(world):
    w = world
    r = w.api.post("jobs/999999999/applications/", json={}, token=w.cand["access"])
    assert_error(r, 404, "not_found")


def test_apply_twice_is_409_already_applied(world, db):
    w = world
    job = w.job(w.recr)
    w.apply(w.cand, job)
    for path, body in (("jobs/applications/", {"job": job["id"]}),
                       (f"jobs/{job['id']}/applications/", {})):
        r = w.api.post(path, json=body, token=w.cand["access"])
        assert_error(r, 409, "already_applied", "You have already applied to this job.")
    assert db.scalar(f"SELECT count(*) FROM applications WHERE job_id = {job['id']}") == "1"
    assert applications_count(w, job) == 1
    # another candidate may still apply; the counter follows
    w.apply(w.other_cand, job)
    assert applications_count(w, job) == 2


def test_concurrent_duplicate_applications(world, db):
    w = world
    cand = w.candidate()
    job = w.job(w.recr)
    n = 8
    barrier = threading.Barrier(n)
    results = [None] * n

    def worker(i):
        s = requests.Session()
        s.trust_env = False
        try:
            barrier.wait()
            r = s.post(w.api.url("jobs/applications/"), json={"job": job["id"]},
                       headers={"Authorization": f"Bearer {cand['access']}"}, timeout=60)
            results[i] = (r.status_code, r.json())
        finally:
            s.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(code for code, _ in results)
    assert codes == [201] + [409] * (n - 1), results
    assert all(body["code"] == "already_applied" for code, body in results if code == 409)
    assert db.scalar(f"SELECT count(*) FROM applications WHERE job_id = {job['id']}") == "1"
    assert applications_count(w, job) == 1
    assert db.scalar(f"SELECT count(*) FROM application_events e JOIN applications a ON"
                     f" a.id = e.application_id WHERE a.job_id = {job['id']}") == "1"


@pytest.mark.parametrize("who", ["recr", "admin"])
def test_apply_refused_for_other_roles(world, who):
    w = world
    job = w.job(w.recr)
    token = getattr(w, who)["access"]
    assert_json(w.api.post("jobs/applications/", json={"job": job["id"]}, token=token), 403,
                PERMISSION_DENIED)
    assert_json(w.api.post(f"jobs/{job['id']}/applications/", json={}, token=token), 403,
                PERMISSION_DENIED)


def test_apply_anonymous_is_401(world):
    w = world
    job = w.job(w.recr)
    assert_json(w.api.post("jobs/applications/", json={"job": job["id"]}), 401,
                NOT_AUTHENTICATED)
    assert_json(w.api.post(f"jobs/{job['id']}/applications/", json={}), 401, NOT_AUTHENTICATED)


# ---- reading: scope, privacy -----------------------------------------------------------------


def test_detail_views_per_role(world, db):
    w = world
    job = w.job(w.recr)
    a = w.apply(w.cand, job)
    db(f"UPDATE applications SET notes = 'Strong ICU background' WHERE id = {a['id']}")
    path = f"jobs/applications/{a['id']}/"
    mine = assert_json(w.api.get(path, token=w.cand["access"]), 200)
    assert set(mine) == APP_KEYS and "notes" not in mine
    assert set(mine["candidate"]) == CANDIDATE_KEYS
    assert "Strong ICU" not in str(mine)
    for who in ("recr", "admin"):
        d = assert_json(w.api.get(path, token=getattr(w, who)["access"]), 200)
        assert set(d) == PRIVATE_APP_KEYS
        assert d["notes"] == "Strong ICU background"
        assert d["candidate"] == {"id": w.cand["profile"], "first_name": "Asha",
                                  "last_name": "Verma", "headline": "ICU nurse",
                                  "years_of_experience": 6, "verification_status": "pending",
                                  "email": w.cand["email"], "phone_number": "+91 98450 12345"}
        assert {k: d[k] for k in APP_KEYS if k != "candidate"} == \
            {k: mine[k] for k in APP_KEYS if k != "candidate"}


def test_detail_of_others_is_404(world):
    w = world
    a = w.apply(w.cand, w.job(w.recr))
    path = f"jobs/applications/{a['id']}/"
    for u in (w.other_cand, w.other_recr):
        assert_json(w.api.get(path, token=u["access"]), 404, NOT_FOUND)
        assert_json(w.api.patch(path, json={"status": "withdrawn"}, token=u["access"]), 404,
                    NOT_FOUND)
    assert_json(w.api.delete(path, token=w.other_cand["access"]), 404, NOT_FOUND)
    assert_json(w.api.get("jobs/applications/999999999/", token=w.admin["access"]), 404,
                NOT_FOUND)
    assert_json(w.api.get(path), 401, NOT_AUTHENTICATED)
    assert_json(w.api.get("jobs/applications/abc/", token=w.cand["access"]), 404)


def test_lists_are_scoped_per_role(world):
    w = world
    recr, other_recr = w.recruiter(), w.recruiter()
    c1, c2 = w.candidate(), w.candidate("Meera", "Iyer")
    j1, j2, j3 = w.job(recr), w.job(recr), w.job(other_recr)
    a11 = w.apply(c1, j1)
    a12 = w.apply(c1, j2)
    a21 = w.apply(c2, j1)
    a33 = w.apply(c2, j3)

    def ids(token, query=""):
        d = assert_json(w.api.get("jobs/applications/" + query, token=token), 200)
        assert set(d) == {"count", "next", "previous", "results"}
        assert d["count"] == len(d["results"])
        return [x["id"] for x in d["results"]]

    # default ordering -applied_at: newest first
    assert ids(c1["access"]) == [a12["id"], a11["id"]]
    assert ids(c2["access"]) == [a33["id"], a21["id"]]
    assert ids(recr["access"]) == [a21["id"], a12["id"], a11["id"]]
    assert ids(other_recr["access"]) == [a33["id"]]
    everything = ids(w.admin["access"], f"?job={j1['id']}")
    assert everything == [a21["id"], a11["id"]]
    # list items carry the same shapes as the detail (notes hidden from candidates)
    d = assert_json(w.api.get("jobs/applications/", token=c1["access"]), 200)
    assert all(set(x) == APP_KEYS and set(x["candidate"]) == CANDIDATE_KEYS
               for x in d["results"])
    d = assert_json(w.api.get("jobs/applications/", token=recr["access"]), 200)
    assert all(set(x) == PRIVATE_APP_KEYS and set(x["candidate"]) == PRIVATE_CANDIDATE_KEYS
               for x in d["results"])
    # job list: the job's recruiter and admin
    d = assert_json(w.api.get(f"jobs/{j1['id']}/applications/", token=recr["access"]), 200)
    assert [x["id"] for x in d["results"]] == [a21["id"], a11["id"]]
    d = assert_json(w.api.get(f"jobs/{j3['id']}/applications/?status=applied",
                              token=w.admin["access"]), 200)
    assert [x["id"] for x in d["results"]] == [a33["id"]]
    assert_json(w.api.get(f"jobs/{j3['id']}/applications/", token=recr["access"]), 404,
                NOT_FOUND)
    assert_json(w.api.get("jobs/999999999/applications/", token=w.admin["access"]), 404,
                NOT_FOUND)
    # a candidate, even one who applied, does not see the job's applications
    assert_json(w.api.get(f"jobs/{j1['id']}/applications/", token=c1["access"]), 404,
                NOT_FOUND)
    assert_json(w.api.get(f"jobs/{j1['id']}/applications/"), 401, NOT_AUTHENTICATED)
    assert_json(w.api.get("jobs/applications/"), 401, NOT_AUTHENTICATED)


def test_list_filters_ordering_and_pages(world, db):
    w = world
    recr = w.recruiter()
    cands = [w.candidate() for _ in range(3)]
    job = w.job(recr)
    apps = [w.apply(c, job) for c in cands]
    w.force_status(apps[0]["id"], "reviewed")
    w.force_status(apps[2]["id"], "rejected")
    # updated_at: make the oldest application the most recently updated
    db(f"UPDATE applications SET updated_at = now() + interval '1 hour' WHERE id ="
       f" {apps[0]['id']}")
    tok = recr["access"]

    def ids(query):
        d = assert_json(w.api.get("jobs/applications/" + query, token=tok), 200)
        return [x["id"] for x in d["results"]]

    a0, a1, a2 = (a["id"] for a in apps)
    assert ids("?status=applied") == [a1]
    assert ids("?status=reviewed,rejected") == [a2, a0]
    assert ids("?status=hired") == []
    assert ids("?ordering=applied_at") == [a0, a1, a2]
    assert ids("?ordering=-applied_at") == [a2, a1, a0]
    assert ids("?ordering=-updated_at")[0] == a0
    assert ids("?ordering=updated_at")[-1] == a0
    d = assert_json(w.api.get("jobs/applications/?page_size=2&ordering=applied_at", token=tok),
                    200)
    assert d["count"] == 3 and [x["id"] for x in d["results"]] == [a0, a1]
    assert d["next"].endswith("/api/jobs/applications/?page_size=2&ordering=applied_at&page=2")
    d = assert_json(w.api.get(d["next"], token=tok), 200)
    assert [x["id"] for x in d["results"]] == [a2] and d["next"] is None
    assert_error(w.api.get("jobs/applications/?page=3&page_size=2", token=tok), 404,
                 "not_found", "Invalid page.")


@pytest.mark.parametrize("query,errors", [
    ("status=bogus", {"status": ["Select a valid choice. bogus is not one of the available "
                                 "choices."]}),
    ("status=applied,,hired", {"status": ["Select a valid choice. applied,,hired is not one of "
                                          "the available choices."]}),
    ("status=", {"status": ["Select a valid choice.  is not one of the available choices."]}),
    ("status=applied,Hired", {"status": ["Select a valid choice. Hired is not one of the "
                                         "available choices."]}),
    ("job=abc", {"job": ["A valid positive integer is required."]}),
    ("job=0", {"job": ["A valid positive integer is required."]}),
    ("ordering=title", {"ordering": ['Invalid ordering "title".']}),
    ("page_size=x", {"page_size": ["A valid positive integer is required."]}),
])
def test_list_bad_query(world, query, errors):
    w = world
    assert_json(w.api.get("jobs/applications/?" + query, token=w.admin["access"]), 400, errors)


# ---- the status machine ------------------------------------------------------------------------


def recruiter_may(frm, to):
    if frm in FINAL:
        return False
    return to == "rejected" or (to in PROGRESSION and PROGRESSION.index(to)
                                > PROGRESSION.index(frm))


TRANSITIONS = [(f, t) for f in STATUSES for t in STATUSES if f != t]


@pytest.mark.parametrize("frm,to", TRANSITIONS)
def test_recruiter_transitions(world, db, frm, to):
    w = world
    a = w.apply(w.cand, w.job(w.recr))
    w.force_status(a["id"], frm)
    r = w.api.patch(f"jobs/applications/{a['id']}/", json={"status": to},
                    token=w.recr["access"])
    if recruiter_may(frm, to):
        d = assert_json(r, 200)
        assert d["status"] == to
        assert [h["status"] for h in d["status_history"]] == ["applied", to]
        assert d["status_history"][1]["changed_by"] == w.recr["id"]
        assert app_row(db, a["id"])[0] == to
        hired = db.scalar(f"SELECT count(*) FROM active_jobs WHERE application_id = {a['id']}")
        assert hired == ("1" if to == "hired" else "0")
    else:
        assert_error(r, 409, "invalid_transition")
        assert app_row(db, a["id"])[0] == frm
        assert history(db, a["id"]) == [["applied", str(w.cand["id"])]]


@pytest.mark.parametrize("frm,to", TRANSITIONS)
def test_candidate_transitions(world, db, frm, to):
    w = world
    a = w.apply(w.cand, w.job(w.recr))
    w.force_status(a["id"], frm)
    r = w.api.patch(f"jobs/applications/{a['id']}/", json={"status": to},
                    token=w.cand["access"])
    if frm not in FINAL and to == "withdrawn":
        d = assert_json(r, 200)
        assert d["status"] == "withdrawn"
        assert history(db, a["id"]) == [["applied", str(w.cand["id"])],
                                        ["withdrawn", str(w.cand["id"])]]
    else:
        assert_error(r, 409, "invalid_transition")
        assert app_row(db, a["id"])[0] == frm


@pytest.mark.parametrize("who", ["recr", "cand"])
def test_same_status_is_no_change(world, db, who):
    w = world
    a = w.apply(w.cand, w.job(w.recr))
    w.force_status(a["id"], "rejected")
    before = db.scalar(f"SELECT updated_at FROM applications WHERE id = {a['id']}")
    r = w.api.put(f"jobs/applications/{a['id']}/", json={"status": "rejected"},
                  token=getattr(w, who)["access"])
    assert assert_json(r, 200)["status"] == "rejected"
    assert db.scalar(f"SELECT updated_at FROM applications WHERE id = {a['id']}") == before
    assert len(history(db, a["id"])) == 1


@pytest.mark.parametrize("who", ["recr", "cand"])
@pytest.mark.parametrize("body,errors", [
    ({"status": "accepted"}, {"status": ['"accepted" is not a valid choice.']}),
    ({"status": None}, {"status": ["This field may not be null."]}),
    ({"status": 3}, {"status": ['"3" is not a valid choice.']}),
])
def test_unknown_status_is_400(world, who, body, errors):
    w = world
    a = w.apply(w.cand, w.job(w.recr))
    r = w.api.patch(f"jobs/applications/{a['id']}/", json=body, token=getattr(w, who)["access"])
    assert_json(r, 400, errors)


def test_recruiter_status_change_notifies_and_mails_candidate(world, db, read_mails):
    w = world
    cand = w.candidate()
    job = w.job(w.recr)
    a = w.apply(cand, job)
    since = max_notification(db)
    r = w.api.patch(f"jobs/applications/{a['id']}/",
                    json={"status": "shortlisted", "notes": "Call on Monday",
                          "cover_letter": "recruiters cannot change this"},
                    token=w.recr["access"])
    d = assert_json(r, 200)
    assert d["status"] == "shortlisted" and d["notes"] == "Call on Monday"
    assert d["cover_letter"] == "I have six years of ICU experience."
    assert d["updated_at"] > a["updated_at"]
    assert notifications(db, cand["id"], since) == [
        ["application_status", f"Your application for {job['title']} is now shortlisted", "",
         f'{{"job": {job["id"]}, "status": "shortlisted", "application": {a["id"]}}}']]
    assert notifications(db, w.recr["id"], since) == []
    mails = _load_mails(w.stack.mail_dir, cand["email"])
    subjects = [m["Subject"] for m in mails]
    assert subjects[-1] == f"Your application for {job['title']}: shortlisted"
    assert mails[-1].get_body(("plain",)).get_content().replace("\r\n", "\n") == (
        f'Hello,\n\nThe status of your application for "{job["title"]}" is now: shortlisted.\n\n'
        f"See your applications at {w.stack.base_url}/.\n")
    # the candidate sees the status, never the notes
    mine = assert_json(w.api.get(f"jobs/applications/{a['id']}/", token=cand["access"]), 200)
    assert mine["status"] == "shortlisted" and "notes" not in mine
    assert "Call on Monday" not in str(mine)
    lst = assert_json(w.api.get("jobs/applications/", token=cand["access"]), 200)
    assert "Call on Monday" not in str(lst) and "notes" not in lst["results"][0]


def test_notes_only_change_is_private(world, db):
    w = world
    cand = w.candidate()
    a = w.apply(cand, w.job(w.recr))
    since = max_notification(db)
    nmails = len(_load_mails(w.stack.mail_dir, cand["email"]))
    r = w.api.put(f"jobs/applications/{a['id']}/", json={"notes": "  Good fit  "},
                  token=w.recr["access"])
    d = assert_json(r, 200)
    assert d["notes"] == "Good fit" and d["status"] == "applied"
    assert app_row(db, a["id"]) == ["applied", "I have six years of ICU experience.", "Good fit"]
    assert notifications(db, cand["id"], since) == []
    assert len(_load_mails(w.stack.mail_dir, cand["email"])) == nmails
    assert len(history(db, a["id"])) == 1
    r = w.api.patch(f"jobs/applications/{a['id']}/", json={"notes": "x" * 5001},
                    token=w.recr["access"])
    assert_json(r, 400, {"notes": ["Ensure this field has no more than 5000 characters."]})


def test_candidate_edits_cover_letter_while_applied(world, db):
    w = world
    job = w.job(w.recr)
    a = w.apply(w.cand, job)
    since = max_notification(db)
    r = w.api.patch(f"jobs/applications/{a['id']}/",
                    json={"cover_letter": "Updated letter", "notes": "mine now"},
                    token=w.cand["access"])
    d = assert_json(r, 200)
    assert d["cover_letter"] == "Updated letter" and "notes" not in d
    assert app_row(db, a["id"]) == ["applied", "Updated letter", ""]
    assert notifications(db, w.recr["id"], since) == [
        ["application_status", f"A candidate updated a cover letter for {job['title']}", "",
         f'{{"job": {job["id"]}, "status": "applied", "application": {a["id"]}}}']]
    w.force_status(a["id"], "reviewed")
    r = w.api.patch(f"jobs/applications/{a['id']}/", json={"cover_letter": "Too late"},
                    token=w.cand["access"])
    assert_error(r, 409, "invalid_transition")
    assert app_row(db, a["id"])[1] == "Updated letter"
    # sending the stored letter back unchanged is no change
    r = w.api.put(f"jobs/applications/{a['id']}/", json={"cover_letter": "Updated letter"},
                  token=w.cand["access"])
    assert assert_json(r, 200)["cover_letter"] == "Updated letter"


def test_candidate_withdraw_notifies_recruiter(world, db):
    w = world
    cand = w.candidate()
    job = w.job(w.recr)
    a = w.apply(cand, job)
    since = max_notification(db)
    r = w.api.patch(f"jobs/applications/{a['id']}/", json={"status": "withdrawn"},
                    token=cand["access"])
    assert assert_json(r, 200)["status"] == "withdrawn"
    assert notifications(db, w.recr["id"], since) == [
        ["application_status", f"A candidate withdrew from {job['title']}", "",
         f'{{"job": {job["id"]}, "status": "withdrawn", "application": {a["id"]}}}']]
    mails = _load_mails(w.stack.mail_dir, cand["email"])
    assert mails[-1]["Subject"] == f"Your application for {job['title']}: withdrawn"


def test_delete_withdraws_and_keeps_the_row(world, db):
    w = world
    job = w.job(w.recr)
    a = w.apply(w.cand, job)
    r = w.api.delete(f"jobs/applications/{a['id']}/", token=w.cand["access"])
    assert r.status_code == 204 and r.content == b""
    assert app_row(db, a["id"])[0] == "withdrawn"
    assert [h[0] for h in history(db, a["id"])] == ["applied", "withdrawn"]
    # again: nothing changes
    r = w.api.delete(f"jobs/applications/{a['id']}/", token=w.cand["access"])
    assert r.status_code == 204
    assert len(history(db, a["id"])) == 2
    assert applications_count(w, job) == 1
    # the candidate cannot apply again to the same job
    r = w.api.post("jobs/applications/", json={"job": job["id"]}, token=w.cand["access"])
    assert_error(r, 409, "already_applied")


@pytest.mark.parametrize("frm", ["hired", "rejected"])
def test_delete_of_final_application_is_409(world, db, frm):
    w = world
    a = w.apply(w.cand, w.job(w.recr))
    w.force_status(a["id"], frm)
    assert_error(w.api.delete(f"jobs/applications/{a['id']}/", token=w.cand["access"]), 409,
                 "invalid_transition")
    assert app_row(db, a["id"])[0] == frm


def test_write_roles(world):
    w = world
    a = w.apply(w.cand, w.job(w.recr))
    path = f"jobs/applications/{a['id']}/"
    for method in ("put", "patch"):
        r = getattr(w.api, method)(path, json={"status": "reviewed"}, token=w.admin["access"])
        assert_json(r, 403, PERMISSION_DENIED)
        assert_json(getattr(w.api, method)(path, json={"status": "reviewed"}), 401,
                    NOT_AUTHENTICATED)
    for who in ("recr", "admin"):
        assert_json(w.api.delete(path, token=getattr(w, who)["access"]), 403,
                    PERMISSION_DENIED)
    assert_json(w.api.delete(path), 401, NOT_AUTHENTICATED)


def test_hire_creates_active_job(world, db):
    w = world
    job = w.job(w.recr)
    a = w.apply(w.cand, job)
    r = w.api.patch(f"jobs/applications/{a['id']}/", json={"status": "hired"},
                    token=w.recr["access"])
    assert assert_json(r, 200)["status"] == "hired"
    rows = db(f"SELECT job_id, candidate_id, status, start_date = current_date, end_date"
              f" FROM active_jobs WHERE application_id = {a['id']}")
    assert rows == [[str(job["id"]), str(w.cand["profile"]), "active", "t", ""]]


def test_method_not_allowed(world):
    w = world
    r = w.api.put("jobs/applications/", json={}, token=w.cand["access"])
    assert_error(r, 405, "method_not_allowed")
    assert r.headers["Allow"].startswith("GET, POST")


def test_concurrent_hire_and_withdraw_serialize(world, db):
    """The row lock orders the two changes: one wins, the other meets a final status."""
    w = world
    cand = w.candidate()
    job = w.job(w.recr)
    a = w.apply(cand, job)
    path = w.api.url(f"jobs/applications/{a['id']}/")
    barrier = threading.Barrier(2)
    results = {}

    def worker(name, token, status):
        s = requests.Session()
        s.trust_env = False
        try:
            barrier.wait()
            r = s.patch(path, json={"status": status},
                        headers={"Authorization": f"Bearer {token}"}, timeout=60)
            results[name] = r.status_code
        finally:
            s.close()

    threads = [threading.Thread(target=worker, args=("hired", w.recr["access"], "hired")),
               threading.Thread(target=worker, args=("withdrawn", cand["access"], "withdrawn"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()) == [200, 409], results
    winner = next(k for k, v in results.items() if v == 200)
    assert app_row(db, a["id"])[0] == winner
    assert [h[0] for h in history(db, a["id"])] == ["applied", winner]
    active = db.scalar(f"SELECT count(*) FROM active_jobs WHERE application_id = {a['id']}")
    assert active == ("1" if winner == "hired" else "0")
