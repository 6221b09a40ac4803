"""Active and completed assignments (CONTRACT §4 "Active and completed assignments" and the
decisions in docs/API.md ("Applications and assignments")): created by a hire, read per role, completed or terminated
by the job's recruiter or an admin, with the completed record, rating and notifications."""

import datetime

import pytest

from helpers import DATETIME_RE, NOT_AUTHENTICATED, assert_error, assert_json
# `world` is test_applications' module-scoped fixture (a fresh world for this module too)
from test_applications import NOT_FOUND, PERMISSION_DENIED, max_notification, \
    notifications, world  # noqa: F401

ACTIVE_KEYS = {"id", "application", "job", "candidate", "start_date", "end_date", "status",
               "created_at"}
COMPLETED_KEYS = {"id", "active_job", "job", "candidate", "completion_date", "rating",
                  "feedback", "created_at"}
ASSIGNMENT_STATUSES = ["active", "completed", "terminated"]


@pytest.fixture
def today(db):
    """The database's current date (start dates and default end dates come from it)."""
    return db.scalar("SELECT current_date")


def hire(w, cand, recr=None, title=None):
    """A job of recr, an application of cand, hired: (job, application, active job id)."""
    recr = recr or w.recr
    job = w.job(recr, title=title)
    a = w.apply(cand, job)
    r = w.api.patch(f"jobs/applications/{a['id']}/", json={"status": "hired"},
                    token=recr["access"])
    assert_json(r, 200)
    aid = int(w.scalar(f"SELECT id FROM active_jobs WHERE application_id = {a['id']}"))
    return job, a, aid


def hospital_brief(recr):
    return {"id": recr["hospital"], "name": recr["hospital_name"], "type": "private",
            "city": "Bengaluru", "verification_status": "verified"}


# ---- reading ---------------------------------------------------------------------------------


def test_active_job_detail_per_role(world, today):
    w = world
    job, a, aid = hire(w, w.cand)
    public_cand = {"id": w.cand["profile"], "first_name": "Asha", "last_name": "Verma",
                   "headline": "ICU nurse", "years_of_experience": 6,
                   "verification_status": "pending"}
    mine = assert_json(w.api.get(f"jobs/active/{aid}/", token=w.cand["access"]), 200)
    assert set(mine) == ACTIVE_KEYS
    assert DATETIME_RE.match(mine.pop("created_at"))
    assert mine == {"id": aid, "application": a["id"],
                    "job": {"id": job["id"], "title": job["title"],
                            "hospital": hospital_brief(w.recr)},
                    "candidate": public_cand, "start_date": today, "end_date": None,
                    "status": "active"}
    for who in ("recr", "admin"):
        d = assert_json(w.api.get(f"jobs/active/{aid}/", token=getattr(w, who)["access"]), 200)
        assert d["candidate"] == dict(public_cand, email=w.cand["email"],
                                      phone_number="+91 98450 12345")
        assert d["id"] == aid and d["status"] == "active"


def test_active_and_completed_of_others_are_404(world):
    w = world
    _, _, aid = hire(w, w.cand)
    for u in (w.other_cand, w.other_recr):
        assert_json(w.api.get(f"jobs/active/{aid}/", token=u["access"]), 404, NOT_FOUND)
    assert_json(w.api.patch(f"jobs/active/{aid}/", json={"status": "completed"},
                            token=w.other_recr["access"]), 404, NOT_FOUND)
    r = w.api.patch(f"jobs/active/{aid}/", json={"status": "completed", "rating": 4},
                    token=w.recr["access"])
    assert_json(r, 200)
    cid = int(w.scalar(f"SELECT id FROM completed_jobs WHERE active_job_id = {aid}"))
    for u in (w.other_cand, w.other_recr):
        assert_json(w.api.get(f"jobs/completed/{cid}/", token=u["access"]), 404, NOT_FOUND)
    for path in (f"jobs/active/{aid}/", f"jobs/completed/{cid}/", "jobs/active/",
                 "jobs/completed/"):
        assert_json(w.api.get(path), 401, NOT_AUTHENTICATED)
    assert_json(w.api.get("jobs/active/999999999/", token=w.admin["access"]), 404, NOT_FOUND)
    assert_json(w.api.get("jobs/completed/999999999/", token=w.admin["access"]), 404, NOT_FOUND)


def test_lists_are_scoped_per_role(world):
    w = world
    recr, other_recr = w.recruiter(), w.recruiter()
    c1, c2 = w.candidate(), w.candidate()
    j1, _, x1 = hire(w, c1, recr)
    _, _, x2 = hire(w, c2, recr)
    j3, _, x3 = hire(w, c1, other_recr)

    def ids(path, token):
        d = assert_json(w.api.get(path, token=token), 200)
        assert set(d) == {"count", "next", "previous", "results"}
        assert d["count"] == len(d["results"])
        return [x["id"] for x in d["results"]]

    assert ids("jobs/active/", c1["access"]) == [x3, x1]
    assert ids("jobs/active/", c2["access"]) == [x2]
    assert ids("jobs/active/", recr["access"]) == [x2, x1]
    assert ids("jobs/active/", other_recr["access"]) == [x3]
    assert ids(f"jobs/active/?job={j3['id']}", w.admin["access"]) == [x3]
    d = assert_json(w.api.get("jobs/active/", token=c1["access"]), 200)
    assert all("email" not in x["candidate"] for x in d["results"])
    d = assert_json(w.api.get("jobs/active/", token=recr["access"]), 200)
    assert all("email" in x["candidate"] for x in d["results"])
    # complete x1 and terminate x2: the status filter and the completed list follow
    assert_json(w.api.patch(f"jobs/active/{x1}/", json={"status": "completed"},
                            token=recr["access"]), 200)
    assert_json(w.api.patch(f"jobs/active/{x2}/", json={"status": "terminated"},
                            token=recr["access"]), 200)
    assert ids("jobs/active/?status=active", recr["access"]) == []
    assert ids("jobs/active/?status=completed", recr["access"]) == [x1]
    assert ids("jobs/active/?status=terminated", recr["access"]) == [x2]
    c_ids = ids("jobs/completed/", recr["access"])
    assert len(c_ids) == 1
    assert ids("jobs/completed/", c1["access"]) == c_ids
    assert ids("jobs/completed/", c2["access"]) == []
    assert ids("jobs/completed/", other_recr["access"]) == []
    assert ids(f"jobs/completed/?job={j1['id']}", w.admin["access"]) == c_ids


@pytest.mark.parametrize("path,query,errors", [
    ("jobs/active/", "status=done", {"status": ["Select a valid choice. done is not one of the "
                                                "available choices."]}),
    ("jobs/active/", "job=x", {"job": ["A valid positive integer is required."]}),
    ("jobs/completed/", "job=-1", {"job": ["A valid positive integer is required."]}),
    ("jobs/completed/", "page_size=0", {"page_size": ["A valid positive integer is required."]}),
])
def test_list_bad_query(world, path, query, errors):
    w = world
    assert_json(w.api.get(f"{path}?{query}", token=w.admin["access"]), 400, errors)


# ---- writing ---------------------------------------------------------------------------------


def test_complete_with_rating_creates_completed_job(world, db, today):
    w = world
    job, a, aid = hire(w, w.cand)
    since = max_notification(db)
    end = today
    r = w.api.put(f"jobs/active/{aid}/", json={"status": "completed", "end_date": end,
                                               "rating": "5", "feedback": "  Excellent  "},
                  token=w.recr["access"])
    d = assert_json(r, 200)
    assert (d["status"], d["end_date"]) == ("completed", end)
    rows = db(f"SELECT id, job_id, candidate_id, completion_date, rating, feedback"
              f" FROM completed_jobs WHERE active_job_id = {aid}")
    assert len(rows) == 1
    cid = int(rows[0][0])
    assert rows[0][1:] == [str(job["id"]), str(w.cand["profile"]), end, "5", "Excellent"]
    c = assert_json(w.api.get(f"jobs/completed/{cid}/", token=w.cand["access"]), 200)
    assert set(c) == COMPLETED_KEYS
    assert DATETIME_RE.match(c.pop("created_at"))
    assert c == {"id": cid, "active_job": aid,
                 "job": {"id": job["id"], "title": job["title"],
                         "hospital": hospital_brief(w.recr)},
                 "candidate": {"id": w.cand["profile"], "first_name": "Asha",
                               "last_name": "Verma", "headline": "ICU nurse",
                               "years_of_experience": 6, "verification_status": "pending"},
                 "completion_date": end, "rating": 5, "feedback": "Excellent"}
    c = assert_json(w.api.get(f"jobs/completed/{cid}/", token=w.recr["access"]), 200)
    assert c["candidate"]["email"] == w.cand["email"]
    assert notifications(db, w.cand["id"], since) == [
        ["job_update", f"Your assignment for {job['title']} was completed", "",
         f'{{"job": {job["id"]}, "status": "completed", "active_job": {aid}}}']]
    # completed is final
    r = w.api.patch(f"jobs/active/{aid}/", json={"status": "terminated"},
                    token=w.recr["access"])
    assert_error(r, 409, "invalid_transition")


def test_complete_without_end_date_ends_today_and_no_rating(world, db, today):
    w = world
    _, _, aid = hire(w, w.cand)
    r = w.api.patch(f"jobs/active/{aid}/", json={"status": "completed"},
                    token=w.recr["access"])
    assert assert_json(r, 200)["end_date"] == today
    assert db(f"SELECT completion_date, rating, feedback FROM completed_jobs"
              f" WHERE active_job_id = {aid}") == [[today, "", ""]]


def test_terminate_and_end_date_change(world, db, today):
    w = world
    job, _, aid = hire(w, w.cand)
    later = (datetime.date.fromisoformat(today) + datetime.timedelta(days=30)).isoformat()
    since = max_notification(db)
    d = assert_json(w.api.patch(f"jobs/active/{aid}/", json={"end_date": later},
                                token=w.recr["access"]), 200)
    assert (d["status"], d["end_date"]) == ("active", later)
    d = assert_json(w.api.patch(f"jobs/active/{aid}/", json={"status": "terminated"},
                                token=w.recr["access"]), 200)
    assert (d["status"], d["end_date"]) == ("terminated", later)
    assert db.scalar(f"SELECT count(*) FROM completed_jobs WHERE active_job_id = {aid}") == "0"
    assert [n[1] for n in notifications(db, w.cand["id"], since)] == [
        f"Your assignment for {job['title']} was updated",
        f"Your assignment for {job['title']} was terminated"]
    r = w.api.patch(f"jobs/active/{aid}/", json={"end_date": today}, token=w.recr["access"])
    assert_error(r, 409, "invalid_transition")


@pytest.mark.parametrize("frm,to", [(f, t) for f in ASSIGNMENT_STATUSES
                                    for t in ASSIGNMENT_STATUSES if f != t])
def test_assignment_transitions(world, db, frm, to):
    w = world
    _, _, aid = hire(w, w.cand)
    db(f"UPDATE active_jobs SET status = '{frm}' WHERE id = {aid}")
    r = w.api.patch(f"jobs/active/{aid}/", json={"status": to}, token=w.recr["access"])
    if frm == "active":
        assert assert_json(r, 200)["status"] == to
    else:
        assert_error(r, 409, "invalid_transition")
        assert db.scalar(f"SELECT status FROM active_jobs WHERE id = {aid}") == frm
    completed = db.scalar(f"SELECT count(*) FROM completed_jobs WHERE active_job_id = {aid}")
    assert completed == ("1" if (frm, to) == ("active", "completed") else "0")


@pytest.mark.parametrize("body,errors", [
    ({"status": "done"}, {"status": ['"done" is not a valid choice.']}),
    ({"status": None}, {"status": ["This field may not be null."]}),
    ({"end_date": "2026-02-30"},
     {"end_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}),
    ({"end_date": None}, {"end_date": ["This field may not be null."]}),
    ({"end_date": "2000-01-01"}, "start"),
    ({"status": "completed", "rating": 0},
     {"rating": ["Ensure this value is greater than or equal to 1."]}),
    ({"status": "completed", "rating": 6},
     {"rating": ["Ensure this value is less than or equal to 5."]}),
    ({"status": "completed", "rating": "good"}, {"rating": ["A valid integer is required."]}),
    ({"rating": 4}, {"rating": ["A rating can only be given when completing the assignment."]}),
    ({"status": "terminated", "rating": 2},
     {"rating": ["A rating can only be given when completing the assignment."]}),
    ({"feedback": "Nice"},
     {"feedback": ["Feedback can only be given when completing the assignment."]}),
])
def test_assignment_validation(world, db, body, errors, today):
    w = world
    _, _, aid = hire(w, w.cand)
    if errors == "start":
        errors = {"end_date": [f"End date must be on or after the start date ({today})."]}
    r = w.api.patch(f"jobs/active/{aid}/", json=body, token=w.recr["access"])
    assert_json(r, 400, errors)
    assert db(f"SELECT status, end_date FROM active_jobs WHERE id = {aid}") == [["active", ""]]


def test_assignment_write_roles(world, db):
    w = world
    _, _, aid = hire(w, w.cand)
    for method in ("put", "patch"):
        r = getattr(w.api, method)(f"jobs/active/{aid}/", json={"status": "completed"},
                                   token=w.cand["access"])
        assert_json(r, 403, PERMISSION_DENIED)
        r = getattr(w.api, method)(f"jobs/active/{aid}/", json={"status": "completed"})
        assert_json(r, 401, NOT_AUTHENTICATED)
    for path in ("jobs/active/", "jobs/completed/"):
        assert_error(w.api.post(path, json={}, token=w.admin["access"]), 405,
                     "method_not_allowed")
    # an admin may complete it; the audit log records the action
    r = w.api.patch(f"jobs/active/{aid}/", json={"status": "completed", "rating": 3},
                    token=w.admin["access"])
    assert assert_json(r, 200)["status"] == "completed"
    assert db(f"SELECT action, target_type, details::text FROM audit_log WHERE target_id ="
              f" {aid} AND actor_id = {w.admin['id']}") == [
        ["assignment.update", "active_job", '{"status": "completed", "end_date": null}']]
