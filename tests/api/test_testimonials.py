"""Testimonials (CONTRACT §9 and docs/API.md "Testimonials"): who may write one (the parties of
a completed job, admins), one per author and job, moderation (approve, reject with a reason, an
author's edit re-queues) and who reads what before and after it, the lists, and the ratings that
candidate-details/ and hospital-details/ show.

Completed jobs are made through the API: a hire (test_assignments.hire), then the recruiter
completes the assignment."""

import threading

import pytest
import requests

from helpers import (BLANK, DATETIME_RE, NOT_AUTHENTICATED, REQUIRED, assert_error, assert_json,
                     last_mail, mail_text)
from test_applications import NOT_FOUND, PERMISSION_DENIED, max_notification, notifications
from test_applications import world  # noqa: F401 (a module-scoped fixture: a fresh world here)
from test_assignments import hire

KEYS = {"id", "given_by", "given_to", "job", "rating", "title", "content", "is_approved",
        "status", "rejection_reason", "created_at", "updated_at"}
NOT_ELIGIBLE = {"job": ["Not a completed job you took part in."]}
LINE_CONTROLS = "This field may not contain line breaks, tabs or other control characters."
BODY = {"rating": 5, "title": "A calm and fair shift lead",
        "content": "Clear handovers, fair rosters.\nWould work with them again."}


# ---- helpers ---------------------------------------------------------------------------------


def completed(w, cand, recr, rating=None):
    """A job of recr that cand was hired for and recr completed (with a completion rating)."""
    job, _, aid = hire(w, cand, recr)
    body = {"status": "completed"} if rating is None else {"status": "completed", "rating": rating}
    assert_json(w.api.patch(f"jobs/active/{aid}/", json=body, token=recr["access"]), 200)
    cid = int(w.scalar(f"SELECT id FROM completed_jobs WHERE active_job_id = {aid}"))
    return {"id": cid, "job": job, "active_job": aid}


def pair(w):
    """A fresh candidate and recruiter (own hospital) with one completed job between them."""
    cand, recr = w.candidate(), w.recruiter()
    return cand, recr, completed(w, cand, recr)


def post(w, author, **fields):
    return w.api.post("testimonials/", json=dict(BODY, **fields), token=author["access"])


def create(w, author, **fields):
    return assert_json(post(w, author, **fields), 201)


def party(u):
    names = {"candidate": ("Asha", "Verma"), "recruiter": ("Ravi", "Menon")}.get(u["role"])
    if names is None:  # an admin: its names as its login answered them
        names = (u["login"]["first_name"], u["login"]["last_name"])
    return {"id": u["id"], "first_name": names[0], "last_name": names[1], "role": u["role"]}


def approve(w, tid):
    return assert_json(w.api.post(f"testimonials/{tid}/approve/", json={},
                                  token=w.admin["access"]), 200)


def page_ids(w, path, token=None):
    """The ids of a list, newest first (every list of this module fits one page of 100)."""
    path += ("&" if "?" in path else "?") + "page_size=100"
    d = assert_json(w.api.get(path, token=token), 200)
    assert set(d) == {"count", "next", "previous", "results"}
    assert d["count"] == len(d["results"]) and d["next"] is None, d
    assert all(set(t) == KEYS for t in d["results"])
    return [t["id"] for t in d["results"]]


def audit(db, tid):
    return db(f"SELECT actor_id, action, details::text FROM audit_log WHERE target_type ="
              f" 'testimonial' AND target_id = {int(tid)} ORDER BY id")


def rating_of(w, path, token=None):
    return assert_json(w.api.get(path, token=token), 200)["rating"]


# ---- writing one -----------------------------------------------------------------------------


def test_candidate_writes_about_the_jobs_recruiter_exact_body(world, db):
    w = world
    cand, recr, cj = pair(w)
    since = max_notification(db)
    t = create(w, cand, job=cj["id"], title="  A calm and fair shift lead  ",
               is_approved=True, status="approved", given_by=recr["id"])
    assert set(t) == KEYS
    assert DATETIME_RE.match(t.pop("created_at")) and DATETIME_RE.match(t.pop("updated_at"))
    # given_to defaults to the other party; read-only fields sent by the client are ignored
    assert t == {"id": t["id"], "given_by": party(cand), "given_to": party(recr),
                 "job": cj["id"], "rating": 5, "title": "A calm and fair shift lead",
                 "content": BODY["content"], "is_approved": False, "status": "pending",
                 "rejection_reason": None}
    assert db(f"SELECT given_by, given_to, completed_job_id, rating, status, decided_by"
              f" FROM testimonials WHERE id = {t['id']}") == [
        [str(cand["id"]), str(recr["id"]), str(cj["id"]), "5", "pending", ""]]
    # writing one notifies no one and is no admin action
    assert db(f"SELECT count(*) FROM notifications WHERE id > {since}") == [["0"]]
    assert audit(db, t["id"]) == []


def test_recruiter_writes_about_the_candidate_and_both_may_write_on_one_job(world):
    w = world
    cand, recr, cj = pair(w)
    mine = create(w, cand, job=cj["id"], given_to=recr["id"])
    theirs = create(w, recr, job=cj["id"], given_to=cand["id"], rating="3")
    assert (theirs["given_by"], theirs["given_to"], theirs["rating"]) == (party(recr), party(cand),
                                                                          3)
    assert theirs["job"] == mine["job"] == cj["id"] and theirs["id"] != mine["id"]


def test_eligibility_a_stranger_may_not_write_on_someone_elses_job(world, db):
    w = world
    cand, recr, cj = pair(w)
    stranger_cand, stranger_recr = w.candidate(), w.recruiter()
    for u in (stranger_cand, stranger_recr):
        assert_json(post(w, u, job=cj["id"]), 400, NOT_ELIGIBLE)
        assert_json(post(w, u, job=cj["id"], given_to=recr["id"]), 400, NOT_ELIGIBLE)
    # the same answer as for a job that does not exist: nothing tells the stranger it does
    assert_json(post(w, cand, job=987654321), 400, NOT_ELIGIBLE)
    assert db(f"SELECT count(*) FROM testimonials WHERE completed_job_id = {cj['id']}") == [["0"]]


def test_eligibility_a_job_hired_but_not_completed_is_refused(world, db):
    w = world
    cand, recr = w.candidate(), w.recruiter()
    _, _, aid = hire(w, cand, recr)  # active_jobs only: no completed_jobs row
    assert db(f"SELECT count(*) FROM completed_jobs c JOIN candidate_profiles p ON"
              f" p.id = c.candidate_id WHERE p.user_id = {cand['id']}") == [["0"]]
    assert_json(post(w, cand, job=aid), 400, NOT_ELIGIBLE)
    assert_json(post(w, recr, job=aid, given_to=cand["id"]), 400, NOT_ELIGIBLE)
    # a terminated assignment never becomes a completed job either
    assert_json(w.api.patch(f"jobs/active/{aid}/", json={"status": "terminated"},
                            token=recr["access"]), 200)
    assert_json(post(w, cand, job=aid), 400, NOT_ELIGIBLE)
    assert db(f"SELECT count(*) FROM testimonials WHERE given_by = {cand['id']}") == [["0"]]


def test_given_to_must_be_the_other_party(world):
    w = world
    cand, recr, cj = pair(w)
    msg = {"given_to": ["A testimonial on this job is about its other party."]}
    for to in (cand["id"], w.other_recr["id"], w.admin["id"]):
        assert_json(post(w, cand, job=cj["id"], given_to=to), 400, msg)
    assert_json(post(w, recr, job=cj["id"], given_to=recr["id"]), 400, msg)


def test_the_recruiter_side_is_gone(world, db):
    w = world
    cand, recr, cj = pair(w)
    db(f"UPDATE jobs SET posted_by = NULL WHERE id = {cj['job']['id']}")
    assert_json(post(w, cand, job=cj["id"]), 400,
                {"job": ["This job's recruiter is no longer on CareChain."]})


def test_one_per_author_and_completed_job(world, db):
    w = world
    cand, recr, cj = pair(w)
    create(w, cand, job=cj["id"])
    r = post(w, cand, job=cj["id"], rating=1, title="Second thoughts")
    assert_error(r, 409, "already_reviewed", "You have already written a testimonial for this job.")
    # still one after it was rejected or deleted? rejected: yes (edit it instead); another job
    # of the same pair is another testimonial
    cj2 = completed(w, cand, recr)
    create(w, cand, job=cj2["id"])
    assert db(f"SELECT count(*) FROM testimonials WHERE given_by = {cand['id']}") == [["2"]]


def test_simultaneous_duplicates_give_exactly_one_201(world, db):
    w = world
    cand, _, cj = pair(w)
    n = 6
    barrier = threading.Barrier(n)
    results = [None] * n

    def worker(i):
        s = requests.Session()
        s.trust_env = False
        try:
            barrier.wait()
            r = s.post(w.api.url("testimonials/"), json=dict(BODY, job=cj["id"]),
                       headers={"Authorization": f"Bearer {cand['access']}"}, timeout=60)
            results[i] = (r.status_code, r.json())
        finally:
            s.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(code for code, _ in results) == [201] + [409] * (n - 1), results
    assert all(b["code"] == "already_reviewed" for code, b in results if code == 409)
    assert db(f"SELECT count(*) FROM testimonials WHERE completed_job_id = {cj['id']}") == [["1"]]


@pytest.mark.parametrize("fields,errors", [
    ({"rating": 0}, {"rating": ["Ensure this value is greater than or equal to 1."]}),
    ({"rating": 6}, {"rating": ["Ensure this value is less than or equal to 5."]}),
    ({"rating": 4.5}, {"rating": ["A valid integer is required."]}),
    ({"rating": "good"}, {"rating": ["A valid integer is required."]}),
    ({"rating": None}, {"rating": ["This field may not be null."]}),
    ({"rating": "absent"}, {"rating": REQUIRED}),
    ({"title": "absent"}, {"title": REQUIRED}),
    ({"title": "   "}, {"title": BLANK}),
    ({"title": "x" * 201}, {"title": ["Ensure this field has no more than 200 characters."]}),
    ({"title": "Two\nlines"}, {"title": [LINE_CONTROLS]}),
    ({"content": "absent"}, {"content": REQUIRED}),
    ({"content": ""}, {"content": BLANK}),
    ({"content": "x" * 5001},
     {"content": ["Ensure this field has no more than 5000 characters."]}),
    ({"content": "bell\x07"}, {"content": ["This field may not contain control characters."]}),
    ({"job": "absent"}, {"job": REQUIRED}),
    ({"job": None}, {"job": ["This field may not be null."]}),
    ({"job": "abc"}, {"job": ["Incorrect type. Expected pk value, received str."]}),
    ({"job": 0}, {"job": ['Invalid pk "0" - object does not exist.']}),
    ({"given_to": "x"}, {"given_to": ["Incorrect type. Expected pk value, received str."]}),
    ({"rating": 9, "title": ""}, {"rating": ["Ensure this value is less than or equal to 5."],
                                  "title": BLANK}),
])
def test_create_validation(world, db, fields, errors):
    w = world
    cand, _, cj = pair(w)
    body = {**BODY, "job": cj["id"], **fields}
    body = {k: v for k, v in body.items() if v != "absent"}
    assert_json(w.api.post("testimonials/", json=body, token=cand["access"]), 400, errors)
    assert db(f"SELECT count(*) FROM testimonials WHERE given_by = {cand['id']}") == [["0"]]


def test_limits_are_inclusive(world):
    w = world
    cand, _, cj = pair(w)
    t = create(w, cand, job=cj["id"], rating=1, title="T" * 200, content="é" * 5000)
    assert (t["rating"], len(t["title"]), len(t["content"])) == (1, 200, 5000)
    cand, _, cj = pair(w)
    assert create(w, cand, job=cj["id"], rating=4.0, title="x", content="y")["rating"] == 4


def test_who_may_write_one(world):
    w = world
    _, _, cj = pair(w)
    assert_json(w.api.post("testimonials/", json=dict(BODY, job=cj["id"])), 401,
                NOT_AUTHENTICATED)
    assert_error(w.api.delete("testimonials/", token=w.admin["access"]), 405,
                 "method_not_allowed")


def test_admin_writes_about_anyone(world, db):
    w = world
    cand, recr, cj = pair(w)
    # without a job: about any user, not limited to one
    t = create(w, w.admin, given_to=cand["id"], rating=4)
    assert (t["given_by"], t["given_to"], t["job"], t["status"]) == (party(w.admin), party(cand),
                                                                     None, "pending")
    create(w, w.admin, given_to=cand["id"], rating=2, job=None)
    assert audit(db, t["id"]) == [[str(w.admin["id"]), "testimonials.create",
                                   f'{{"job": null, "given_to": {cand["id"]}}}']]
    # with a job: about either of its parties, once
    on_job = create(w, w.admin, given_to=recr["id"], job=cj["id"])
    assert on_job["job"] == cj["id"] and on_job["given_to"] == party(recr)
    assert_error(post(w, w.admin, given_to=cand["id"], job=cj["id"]), 409, "already_reviewed")
    assert_json(post(w, w.admin, given_to=w.other_cand["id"], job=cj["id"]), 400,
                {"given_to": ["Must be the candidate or the recruiter of this job."]})
    assert_json(post(w, w.admin, given_to=cand["id"], job=987654321), 400,
                {"job": ['Invalid pk "987654321" - object does not exist.']})
    # given_to is required for admins, must exist and may not be the admin
    assert_json(post(w, w.admin), 400, {"given_to": REQUIRED})
    assert_json(post(w, w.admin, job=cj["id"]), 400, {"given_to": REQUIRED})
    assert_json(post(w, w.admin, given_to=None), 400, {"given_to": ["This field may not be null."]})
    assert_json(post(w, w.admin, given_to=987654321), 400,
                {"given_to": ['Invalid pk "987654321" - object does not exist.']})
    assert_json(post(w, w.admin, given_to=w.admin["id"]), 400,
                {"given_to": ["You cannot write a testimonial about yourself."]})


# ---- moderation and who reads what -----------------------------------------------------------


def test_moderation_visibility_for_anonymous_author_subject_and_admin(world, db):
    w = world
    cand, recr, cj = pair(w)
    stranger = w.candidate()
    t = create(w, cand, job=cj["id"])
    tid = t["id"]
    path = f"testimonials/{tid}/"

    def seen_by_public():
        return [tid in page_ids(w, "testimonials/"),
                tid in page_ids(w, f"testimonials/user/{recr['id']}/"),
                tid in page_ids(w, "testimonials/about-me/", recr["access"])]

    # pending: only its author and admins
    assert_json(w.api.get(path), 404, NOT_FOUND)
    assert_json(w.api.get(path, token=recr["access"]), 404, NOT_FOUND)  # its subject too
    assert_json(w.api.get(path, token=stranger["access"]), 404, NOT_FOUND)
    assert assert_json(w.api.get(path, token=cand["access"]), 200) == t
    assert assert_json(w.api.get(path, token=w.admin["access"]), 200) == t
    assert seen_by_public() == [False, False, False]
    assert tid not in page_ids(w, "testimonials/", recr["access"])
    assert page_ids(w, "testimonials/my-reviews/", cand["access"]) == [tid]
    assert tid in page_ids(w, "testimonials/", w.admin["access"])

    since = max_notification(db)
    a = approve(w, tid)
    assert (a["is_approved"], a["status"], a["rejection_reason"]) == (True, "approved", None)
    # approved: anyone reads it; its subject is notified, the decision is audited
    for token in (None, recr["access"], stranger["access"], cand["access"]):
        assert assert_json(w.api.get(path, token=token), 200) == a
    assert seen_by_public() == [True, True, True]
    assert notifications(db, recr["id"], since) == [
        ["system", "A new testimonial about you",
         "A testimonial about you was published on CareChain.", f'{{"testimonial": {tid}}}']]
    assert notifications(db, cand["id"], since) == []
    assert audit(db, tid) == [[str(w.admin["id"]), "testimonials.approve",
                               f'{{"given_by": {cand["id"]}, "given_to": {recr["id"]}}}']]
    assert db(f"SELECT decided_by FROM testimonials WHERE id = {tid}") == [[str(w.admin["id"])]]
    assert_error(w.api.post(f"{path}approve/", json={}, token=w.admin["access"]), 409,
                 "invalid_transition", "This testimonial is already approved.")


def test_reject_with_a_reason_notifies_and_mails_the_author(world, db, read_mails, base_url):
    w = world
    cand, recr, cj = pair(w)
    tid = create(w, cand, job=cj["id"])["id"]
    path = f"testimonials/{tid}/reject/"
    for body, errors in (({}, {"reason": REQUIRED}), ({"reason": "  "}, {"reason": BLANK}),
                         ({"reason": None}, {"reason": ["This field may not be null."]}),
                         ({"reason": "r" * 1001},
                          {"reason": ["Ensure this field has no more than 1000 characters."]})):
        assert_json(w.api.post(path, json=body, token=w.admin["access"]), 400, errors)
    assert db(f"SELECT status FROM testimonials WHERE id = {tid}") == [["pending"]]
    since = max_notification(db)
    reason = "Names a patient.\nPlease remove the name."
    t = assert_json(w.api.post(path, json={"reason": reason}, token=w.admin["access"]), 200)
    assert (t["is_approved"], t["status"], t["rejection_reason"]) == (False, "rejected", reason)
    assert notifications(db, cand["id"], since) == [
        ["system", "Your testimonial was not published", f"Reason: {reason}",
         f'{{"testimonial": {tid}}}']]
    assert notifications(db, recr["id"], since) == []
    mail = last_mail(read_mails, cand["email"], "Your CareChain testimonial was not published")
    text = mail_text(mail)
    assert text == ("Hello,\n\nAn administrator did not publish your testimonial on"
                    " CareChain.\n\nReason: Names a patient.\nPlease remove the name.\n\n"
                    f"You can edit it at {base_url}/; an edited testimonial is reviewed again.\n")
    assert audit(db, tid) == [[str(w.admin["id"]), "testimonials.reject",
                               '{"reason": "Names a patient.\\nPlease remove the name."}']]
    # the author reads the reason; the others still see nothing
    assert assert_json(w.api.get(f"testimonials/{tid}/", token=cand["access"]), 200) == t
    assert page_ids(w, "testimonials/my-reviews/", cand["access"]) == [tid]
    assert_json(w.api.get(f"testimonials/{tid}/"), 404, NOT_FOUND)
    assert_json(w.api.get(f"testimonials/{tid}/", token=recr["access"]), 404, NOT_FOUND)
    assert_error(w.api.post(path, json={"reason": "again"}, token=w.admin["access"]), 409,
                 "invalid_transition", "This testimonial is already rejected.")
    # an admin may still approve it (the rejection goes), and take an approval back
    a = approve(w, tid)
    assert (a["status"], a["rejection_reason"]) == ("approved", None)
    t = assert_json(w.api.post(path, json={"reason": "Second look: off topic."},
                               token=w.admin["access"]), 200)
    assert t["status"] == "rejected" and tid not in page_ids(w, "testimonials/")


def test_moderation_is_for_admins_only(world):
    w = world
    cand, recr, cj = pair(w)
    tid = create(w, cand, job=cj["id"])["id"]
    for action, body in (("approve", {}), ("reject", {"reason": "no"})):
        for u in (cand, recr):
            assert_json(w.api.post(f"testimonials/{tid}/{action}/", json=body,
                                   token=u["access"]), 403, PERMISSION_DENIED)
        assert_json(w.api.post(f"testimonials/{tid}/{action}/", json=body), 401,
                    NOT_AUTHENTICATED)
        assert_json(w.api.post(f"testimonials/987654321/{action}/", json=body,
                               token=w.admin["access"]), 404, NOT_FOUND)
        assert_error(w.api.get(f"testimonials/{tid}/{action}/", token=w.admin["access"]), 405,
                     "method_not_allowed")


def test_an_authors_edit_requeues_and_an_admins_does_not(world, db):
    w = world
    cand, recr, cj = pair(w)
    tid = create(w, cand, job=cj["id"])["id"]
    path = f"testimonials/{tid}/"
    approved = approve(w, tid)
    # sending the stored values back changes nothing: still approved
    same = assert_json(w.api.put(path, json=BODY, token=cand["access"]), 200)
    assert same == approved
    # a real change: pending again, out of the public lists until approved again
    t = assert_json(w.api.patch(path, json={"title": "Calm, fair, organised",
                                            "job": 1, "given_to": w.admin["id"]},
                                token=cand["access"]), 200)
    assert (t["title"], t["status"], t["is_approved"]) == ("Calm, fair, organised", "pending",
                                                           False)
    assert (t["job"], t["given_to"]) == (cj["id"], party(recr))  # not editable
    assert t["updated_at"] > approved["updated_at"]
    assert_json(w.api.get(path), 404, NOT_FOUND)
    assert tid not in page_ids(w, "testimonials/")
    assert db(f"SELECT status, decided_by, decided_at FROM testimonials WHERE id = {tid}") == [
        ["pending", "", ""]]
    # an edit after a rejection clears it
    w.api.post(f"{path}reject/", json={"reason": "Too vague."}, token=w.admin["access"])
    t = assert_json(w.api.patch(path, json={"content": "Specific now."}, token=cand["access"]),
                    200)
    assert (t["status"], t["rejection_reason"], t["content"]) == ("pending", None, "Specific now.")
    # an admin's edit keeps the state (and is audited)
    approve(w, tid)
    t = assert_json(w.api.patch(path, json={"rating": 4}, token=w.admin["access"]), 200)
    assert (t["rating"], t["status"]) == (4, "approved")
    assert audit(db, tid)[-1] == [str(w.admin["id"]), "testimonials.update",
                                  '{"fields": ["rating"]}']


def test_edit_validation_and_put_needs_every_field(world, db):
    w = world
    cand, _, cj = pair(w)
    tid = create(w, cand, job=cj["id"])["id"]
    path = f"testimonials/{tid}/"
    assert_json(w.api.put(path, json={"rating": 3}, token=cand["access"]), 400,
                {"title": REQUIRED, "content": REQUIRED})
    assert_json(w.api.patch(path, json={"rating": 7}, token=cand["access"]), 400,
                {"rating": ["Ensure this value is less than or equal to 5."]})
    assert_json(w.api.patch(path, json={"title": "a\tb"}, token=cand["access"]), 400,
                {"title": [LINE_CONTROLS]})
    assert_json(w.api.patch(path, json={"content": "x" * 5001}, token=cand["access"]), 400,
                {"content": ["Ensure this field has no more than 5000 characters."]})
    assert db(f"SELECT rating, title FROM testimonials WHERE id = {tid}") == [
        ["5", BODY["title"]]]


def test_another_users_testimonial_cannot_be_changed(world, db):
    w = world
    cand, recr, cj = pair(w)
    tid = create(w, cand, job=cj["id"])["id"]
    approve(w, tid)  # readable by everyone, writable by its author and admins only
    path = f"testimonials/{tid}/"
    for u in (recr, w.other_cand, w.other_recr):
        assert_json(w.api.patch(path, json={"rating": 1}, token=u["access"]), 404, NOT_FOUND)
        assert_json(w.api.put(path, json=BODY, token=u["access"]), 404, NOT_FOUND)
        assert_json(w.api.delete(path, token=u["access"]), 404, NOT_FOUND)
    assert_json(w.api.patch(path, json={"rating": 1}), 401, NOT_AUTHENTICATED)
    assert_json(w.api.put(path, json=BODY), 401, NOT_AUTHENTICATED)
    assert_json(w.api.delete(path), 401, NOT_AUTHENTICATED)
    for method in ("get", "patch", "delete"):
        assert_json(getattr(w.api, method)("testimonials/987654321/", token=w.admin["access"]),
                    404, NOT_FOUND)
    assert db(f"SELECT rating, status FROM testimonials WHERE id = {tid}") == [["5", "approved"]]


def test_delete_by_the_author_or_an_admin(world, db):
    w = world
    cand, recr, cj = pair(w)
    mine = create(w, cand, job=cj["id"])["id"]
    assert w.api.delete(f"testimonials/{mine}/", token=cand["access"]).status_code == 204
    assert_json(w.api.get(f"testimonials/{mine}/", token=cand["access"]), 404, NOT_FOUND)
    assert audit(db, mine) == []
    # deleted, the author may write one for the job again
    theirs = create(w, recr, job=cj["id"])["id"]
    assert w.api.delete(f"testimonials/{theirs}/", token=w.admin["access"]).status_code == 204
    assert audit(db, theirs) == [[str(w.admin["id"]), "testimonials.delete",
                                  f'{{"given_by": {recr["id"]}, "given_to": {cand["id"]}}}']]
    assert db(f"SELECT count(*) FROM testimonials WHERE id IN ({mine}, {theirs})") == [["0"]]
    create(w, cand, job=cj["id"])


# ---- lists -----------------------------------------------------------------------------------


def test_lists_scoping_order_and_filters(world):
    w = world
    cand, recr, cj = pair(w)
    cj2 = completed(w, cand, recr)
    a = create(w, cand, job=cj["id"])["id"]
    b = create(w, recr, job=cj["id"])["id"]
    c = create(w, cand, job=cj2["id"])["id"]
    approve(w, a)
    approve(w, b)
    # newest first everywhere
    assert page_ids(w, "testimonials/my-reviews/", cand["access"]) == [c, a]
    assert page_ids(w, "testimonials/my-reviews/?is_approved=false", cand["access"]) == [c]
    assert page_ids(w, "testimonials/my-reviews/?is_approved=true", cand["access"]) == [a]
    assert page_ids(w, "testimonials/about-me/", recr["access"]) == [a]
    assert page_ids(w, "testimonials/about-me/", cand["access"]) == [b]
    assert page_ids(w, f"testimonials/user/{recr['id']}/") == [a]
    assert page_ids(w, f"testimonials/user/{cand['id']}/", w.admin["access"]) == [b]
    public = page_ids(w, "testimonials/")
    assert public[:2] == [b, a] and c not in public
    assert page_ids(w, "testimonials/?is_approved=false") == []  # only approved ones are public
    everything = page_ids(w, "testimonials/", w.admin["access"])
    assert everything[:3] == [c, b, a]
    pending = page_ids(w, "testimonials/?is_approved=false", w.admin["access"])
    assert c in pending and a not in pending and b not in pending
    approved = page_ids(w, "testimonials/?is_approved=1", w.admin["access"])
    assert approved[:2] == [b, a] and c not in approved
    # an unknown user has an empty list, like a user without approved testimonials
    assert page_ids(w, "testimonials/user/987654321/") == []
    assert page_ids(w, f"testimonials/user/{w.other_recr['id']}/") == []


def test_list_pagination_and_bad_queries(world):
    w = world
    cand, recr, cj = pair(w)
    ids = [create(w, cand, job=completed(w, cand, recr)["id"])["id"] for _ in range(2)]
    ids.append(create(w, cand, job=cj["id"])["id"])
    for tid in ids:
        approve(w, tid)
    base = f"testimonials/user/{recr['id']}/"
    d = assert_json(w.api.get(f"{base}?page_size=2"), 200)
    assert d["count"] == 3 and [t["id"] for t in d["results"]] == ids[::-1][:2]
    assert d["next"] == f"{w.api.base_url}/api/{base}?page_size=2&page=2"
    assert d["previous"] is None
    d = assert_json(w.api.get(d["next"]), 200)
    assert [t["id"] for t in d["results"]] == [ids[0]] and d["next"] is None
    assert_error(w.api.get(f"{base}?page=3&page_size=2"), 404, "not_found", "Invalid page.")
    for path in ("testimonials/", "testimonials/my-reviews/", base):
        assert_json(w.api.get(f"{path}?is_approved=maybe", token=cand["access"]), 400,
                    {"is_approved": ["Must be one of: true, false, 1, 0."]})
        assert_json(w.api.get(f"{path}?page_size=0", token=cand["access"]), 400,
                    {"page_size": ["A valid positive integer is required."]})
    for path in ("testimonials/my-reviews/", "testimonials/about-me/"):
        assert_json(w.api.get(path), 401, NOT_AUTHENTICATED)
    assert_json(w.api.get("testimonials/user/abc/"), 404, NOT_FOUND)


# ---- ratings on profiles ---------------------------------------------------------------------


def test_candidate_details_rating_exactly(world, db):
    w = world
    cand, recr = w.candidate(), w.recruiter()
    path = f"profiles/candidate-details/{cand['profile']}/"
    none = {"average": None, "count": 0}
    assert rating_of(w, path, w.admin["access"]) == none
    cj1 = completed(w, cand, recr, rating=4)
    assert rating_of(w, path, recr["access"]) == {"average": 4.0, "count": 1}
    # a pending testimonial counts for nothing; approved, it stands for its job's completion
    # rating (the job counts once)
    t1 = create(w, recr, job=cj1["id"], rating=2)["id"]
    assert rating_of(w, path, w.admin["access"]) == {"average": 4.0, "count": 1}
    approve(w, t1)
    assert rating_of(w, path, w.admin["access"]) == {"average": 2.0, "count": 1}
    # another completed job rated 2, one without a rating, an admin's testimonial rated 1:
    # (2 + 2 + 1) / 3 = 1.666... -> 1.7
    completed(w, cand, recr, rating=2)
    completed(w, cand, recr)
    approve(w, create(w, w.admin, given_to=cand["id"], rating=1)["id"])
    assert rating_of(w, path, w.admin["access"]) == {"average": 1.7, "count": 3}
    # half away from zero: (2 + 2 + 1 + 2) / 4 = 1.75 -> 1.8
    cj4 = completed(w, cand, recr, rating=5)
    approve(w, create(w, recr, job=cj4["id"], rating=2)["id"])
    assert rating_of(w, path, w.admin["access"]) == {"average": 1.8, "count": 4}
    # what the candidate wrote about others, and rejected ones, are not its rating
    approve(w, create(w, cand, job=cj1["id"], rating=5)["id"])
    w.api.post(f"testimonials/{t1}/reject/", json={"reason": "Off topic."},
               token=w.admin["access"])
    # t1 rejected: cj1's completion rating (4) is back: (4 + 2 + 1 + 2) / 4 = 2.25 -> 2.3
    assert rating_of(w, path, w.admin["access"]) == {"average": 2.3, "count": 4}
    d = assert_json(w.api.get(path, token=w.admin["access"]), 200)
    assert d["id"] == cand["profile"] and "verification_request" in d


def test_hospital_details_rating_exactly(world, db):
    w = world
    cand, other, recr = w.candidate(), w.candidate(), w.recruiter()
    path = f"profiles/hospital-details/{recr['hospital']}/"
    r = w.api.get(path)
    assert assert_json(r, 200)["rating"] == {"average": None, "count": 0}
    etag = r.headers["ETag"]
    cj1, cj2 = completed(w, cand, recr, rating=1), completed(w, other, recr, rating=1)
    approve(w, create(w, cand, job=cj1["id"], rating=5)["id"])
    pending = create(w, other, job=cj2["id"], rating=1)["id"]
    r = w.api.get(path, headers={"If-None-Match": etag})
    assert assert_json(r, 200)["rating"] == {"average": 5.0, "count": 1}  # a new ETag
    approve(w, pending)
    assert rating_of(w, path) == {"average": 3.0, "count": 2}
    # not the hospital's: the recruiter's testimonial about a candidate, completion ratings,
    # and testimonials about the same recruiter without a job or on another hospital's job
    approve(w, create(w, recr, job=cj1["id"], rating=1)["id"])
    approve(w, create(w, w.admin, given_to=recr["id"], rating=1)["id"])
    elsewhere = dict(recr, hospital=w.other_recr["hospital"])  # recr posts at another hospital
    approve(w, create(w, cand, job=completed(w, cand, elsewhere)["id"], rating=1)["id"])
    assert rating_of(w, path) == {"average": 3.0, "count": 2}
    # ... which counts for the job's hospital (no other job of that hospital was reviewed)
    assert rating_of(w, f"profiles/hospital-details/{w.other_recr['hospital']}/") == {
        "average": 1.0, "count": 1}
    # an admin's testimonial about the job's recruiter on one of its jobs counts: (5+1+4)/3
    approve(w, create(w, w.admin, given_to=recr["id"], job=cj2["id"], rating=4)["id"])
    assert rating_of(w, path, w.admin["access"]) == {"average": 3.3, "count": 3}
