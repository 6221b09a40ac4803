"""Matching (CONTRACT §4 "Matching"): GET jobs/matches/ for candidates (jobs ranked) and for
recruiters and admins (?job=: candidates ranked), with hand-computed scores and factors.

Jobs, hospitals and links are made with SQL (the jobs API lives in another branch); every test
uses its own skills, qualifications and place names, and filters global lists to its own rows.
The suite shares one database: other files leave many open jobs (often without skills,
qualifications or experience, so they score high for everyone) that every candidate ranking
holds too. Candidate tests therefore read the complete ranking (every page, `ranking()`) and
assert their own jobs, and the order, counts and pages of the whole ranking, whatever else is open.
"""

import uuid

import pytest

from helpers import NOT_AUTHENTICATED, assert_error, assert_json, create_admin, logged_in_user, \
    sql_quote

OPEN_JOBS = ("SELECT count(*) FROM jobs WHERE is_active"
             " AND (expires_at IS NULL OR expires_at > now())")


def tag():
    return uuid.uuid4().hex[:8]


@pytest.fixture
def world(api, read_mails, db):
    """Own masters, places, a hospital with its recruiter, and a helper to add jobs."""
    t = tag()
    w = {"t": t, "city": f"Alphaville-{t}", "state": f"Statea-{t}", "pref": f"Betatown-{t}",
         "other_city": f"Gammaton-{t}", "other_state": f"Stateb-{t}"}
    w["skills"] = []
    w["skill_names"] = []
    for i in range(1, 6):
        name = f"MatchSkill-{t}-{i}"
        w["skills"].append(int(db.scalar(
            f"INSERT INTO skills (name, category) VALUES ({sql_quote(name)}, 'clinical')"
            " RETURNING id")))
        w["skill_names"].append(name)
    w["quals"] = []
    w["qual_names"] = []
    for i in range(1, 3):
        name = f"MatchQual-{t}-{i}"
        w["quals"].append(int(db.scalar(
            f"INSERT INTO qualifications (name, level) VALUES ({sql_quote(name)}, 'bachelor')"
            " RETURNING id")))
        w["qual_names"].append(name)
    w["recr"] = logged_in_user(api, read_mails, role="recruiter")
    w["hospital"] = int(db.scalar(
        f"INSERT INTO hospitals (name, registration_number, type, city, verification_status)"
        f" VALUES ('Match Hospital {t}', 'MH-{t}', 'private', 'Pune', 'verified') RETURNING id"))
    w["recr_profile"] = int(db.scalar(
        f"UPDATE recruiter_profiles SET hospital_id = {w['hospital']},"
        f" verification_status = 'verified' WHERE user_id = {w['recr']['id']} RETURNING id"))

    def job(title, city=None, state=None, job_type="full_time", min_exp=0, smin="0",
            smax="0", skills=(), quals=(), active=True, expires="NULL", posted_by=None):
        jid = int(db.scalar(
            "INSERT INTO jobs (hospital_id, posted_by, title, city, state, job_type,"
            " min_experience_years, salary_min, salary_max, is_active, expires_at)"
            f" VALUES ({w['hospital']}, {posted_by or w['recr_profile']},"
            f" {sql_quote(title)}, {sql_quote(city) if city else 'NULL'},"
            f" {sql_quote(state) if state else 'NULL'}, '{job_type}', {min_exp}, {smin},"
            f" {smax}, {active}, {expires}) RETURNING id"))
        if skills:
            db("INSERT INTO job_skills (job_id, skill_id) VALUES "
               + ", ".join(f"({jid}, {s})" for s in skills))
        if quals:
            db("INSERT INTO job_qualifications (job_id, qualification_id) VALUES "
               + ", ".join(f"({jid}, {q})" for q in quals))
        return jid

    w["job"] = job
    return w


def candidate(api, read_mails, db, body, verified=False):
    c = logged_in_user(api, read_mails, role="candidate")
    p = assert_json(api.patch("profiles/candidate/", json=body, token=c["access"]), 200)
    c["profile"] = p
    if verified:
        db(f"UPDATE candidate_profiles SET verification_status = 'verified' WHERE id = {p['id']}")
    return c


def base_profile(w, **kw):
    s = w["skills"]
    body = {"city": w["city"], "state": w["state"], "preferred_locations": [w["pref"]],
            "years_of_experience": 5, "expected_salary": "50000.00",
            "preferred_job_types": ["full_time", "contract"], "skills": [s[0], s[1], s[2]],
            "qualifications": [w["quals"][0]]}
    body.update(kw)
    return body


def build_jobs(w):
    """The five jobs of the worked example (scores computed by hand in each comment)."""
    s, q, j = w["skills"], w["quals"], w["job"]
    ids = {}
    # skills 3/4 = 30, experience 5>=5 = 20, city (other case, spaces) = 15, full_time = 10,
    # 50000 within 40000-60000 = 10, qualifications 1/2 = 2.5: 87.5 -> 88
    ids["A"] = j("A", city=f"  {w['city'].upper()} ", state=w["state"], min_exp=5,
                 smin="40000", smax="60000", skills=s[:4], quals=q)
    # skills 0/2 = 0, experience 5/8 = 12.5, preferred location = 15, part_time = 0,
    # above: 10 * 40000 / 50000 = 8, no qualifications = 5: 40.5 -> 41
    ids["B"] = j("B", city=w["pref"].lower(), state=w["other_state"], job_type="part_time",
                 min_exp=8, smin="30000", smax="40000", skills=s[3:5])
    # no skills = 40, required 0 = 20, same state = 8, contract = 10, below the range = 10,
    # qualifications 0/1 = 0: 88
    ids["C"] = j("C", city=w["other_city"], state=w["state"].lower(), job_type="contract",
                 smin="60000", smax="70000", quals=q[1:])
    # skills 3/3 = 40, experience 5/10 = 10, no place = 0, locum = 0,
    # above: 10 * 30000 / 50000 = 6, qualifications 1/1 = 5: 61
    ids["D"] = j("D", job_type="locum", min_exp=10, smin="20000", smax="30000", skills=s[:3],
                 quals=q[:1])
    # skills 1/3 = 13.33, experience 5>=3 = 20, other places = 0, contract = 10,
    # 50000 = salary_max (within) = 10, no qualifications = 5: 58.33 -> 58
    ids["E"] = j("E", city=w["other_city"], state=w["other_state"], job_type="contract",
                 min_exp=3, smin="50000", smax="50000", skills=[s[0], s[3], s[4]])
    # never listed: inactive, expired
    ids["inactive"] = j("F", city=w["city"], skills=s[:3], active=False)
    ids["expired"] = j("G", city=w["city"], skills=s[:3], expires="now() - interval '1 hour'")
    return ids


def own(results, ids, key="job"):
    wanted = set(ids)
    return [(r[key]["id"], r["match_score"]) for r in results if r[key]["id"] in wanted]


def get_matches(api, token, **params):
    return api.get("jobs/matches/", token=token, params=params)


def ranking(api, token, **params):
    """The complete ranking (jobs, or candidates with job=): every page of 100 (the maximum),
    following the `next` links. Returns (first page, all results); every page keeps the first
    page's count, and the pages hold exactly `count` items, each once."""
    first = assert_json(get_matches(api, token, page_size=100, **params), 200)
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["previous"] is None
    results, page = list(first["results"]), first
    while page["next"]:
        page = assert_json(api.get(page["next"], token=token), 200)
        assert page["count"] == first["count"]
        results += page["results"]
    assert len(results) == first["count"]
    key = "candidate" if "job" in params else "job"
    assert len({r[key]["id"] for r in results}) == len(results)
    return first, results


# ---- candidate: jobs ranked -----------------------------------------------------------------


def test_candidate_ranking_scores_and_order(api, read_mails, db, world):
    ids = build_jobs(world)
    cand = candidate(api, read_mails, db, base_profile(world))
    data, results = ranking(api, cand["access"])
    # every open job is ranked (the other files' too)
    assert data["count"] == int(db.scalar(OPEN_JOBS))
    # A and C tie at 88: the higher id first
    assert own(results, ids.values()) == [
        (ids["C"], 88), (ids["A"], 88), (ids["D"], 61), (ids["E"], 58), (ids["B"], 41)]
    # the whole list is ranked: score descending, then id descending
    keys = [(-r["match_score"], -r["job"]["id"]) for r in results]
    assert keys == sorted(keys)
    # the per-row function other renderers call agrees with the ranking
    pid = cand["profile"]["id"]
    for jid, score in own(results, ids.values()):
        assert db.scalar(f"SELECT cc_match_score({pid}, {jid})") == str(score)


def test_candidate_item_shape_and_factors(api, read_mails, db, world):
    ids = build_jobs(world)
    cand = candidate(api, read_mails, db, base_profile(world))
    items = {r["job"]["id"]: r for r in ranking(api, cand["access"])[1]}
    a = items[ids["A"]]
    assert set(a) == {"job", "match_score", "match_factors"}
    job = a["job"]
    assert job == {
        "id": ids["A"], "title": "A",
        "hospital": {"id": world["hospital"], "name": f"Match Hospital {world['t']}",
                     "type": "private", "city": "Pune", "verification_status": "verified"},
        "department": None, "location": None, "city": f"  {world['city'].upper()} ",
        "state": world["state"], "job_type": "full_time", "experience_level": "entry",
        "min_experience_years": 5, "salary_min": "40000.00", "salary_max": "60000.00",
        "salary_currency": "INR", "pay_unit": "monthly", "shift": None,
        "required_documents": [], "expires_at": None, "created_at": job["created_at"]}
    n, qn = world["skill_names"], world["qual_names"]
    assert a["match_score"] == 88
    assert a["match_factors"] == {
        "skills": {"score": 30, "max": 40, "matched": n[:3], "missing": [n[3]]},
        "experience": {"score": 20, "max": 20, "candidate_years": 5, "required_years": 5},
        "location": {"score": 15, "max": 15, "match": "city", "candidate_city": world["city"],
                     "candidate_state": world["state"], "preferred_locations": [world["pref"]],
                     "job_city": f"  {world['city'].upper()} ", "job_state": world["state"]},
        "job_type": {"score": 10, "max": 10, "job_type": "full_time",
                     "preferred_job_types": ["full_time", "contract"], "matched": True},
        "salary": {"score": 10, "max": 10, "expected_salary": "50000.00",
                   "salary_min": "40000.00", "salary_max": "60000.00", "position": "within"},
        "qualifications": {"score": 2.5, "max": 5, "matched": [qn[0]], "missing": [qn[1]]}}
    b = items[ids["B"]]["match_factors"]
    assert b["skills"] == {"score": 0, "max": 40, "matched": [], "missing": n[3:5]}
    assert b["experience"] == {"score": 12.5, "max": 20, "candidate_years": 5,
                               "required_years": 8}
    assert (b["location"]["score"], b["location"]["match"]) == (15, "preferred_location")
    assert (b["job_type"]["score"], b["job_type"]["matched"]) == (0, False)
    assert b["salary"] == {"score": 8, "max": 10, "expected_salary": "50000.00",
                           "salary_min": "30000.00", "salary_max": "40000.00",
                           "position": "above"}
    assert b["qualifications"] == {"score": 5, "max": 5, "matched": [], "missing": []}
    c = items[ids["C"]]["match_factors"]
    assert c["skills"] == {"score": 40, "max": 40, "matched": [], "missing": []}
    assert c["experience"]["score"] == 20 and c["experience"]["required_years"] == 0
    assert (c["location"]["score"], c["location"]["match"]) == (8, "state")
    assert (c["salary"]["score"], c["salary"]["position"]) == (10, "below")
    assert c["qualifications"] == {"score": 0, "max": 5, "matched": [], "missing": [qn[1]]}
    d = items[ids["D"]]["match_factors"]
    assert d["skills"] == {"score": 40, "max": 40, "matched": n[:3], "missing": []}
    assert d["experience"]["score"] == 10
    assert (d["location"]["score"], d["location"]["match"]) == (0, None)
    assert d["salary"]["score"] == 6 and d["qualifications"]["score"] == 5
    e = items[ids["E"]]["match_factors"]
    assert e["skills"] == {"score": 13.33, "max": 40, "matched": [n[0]], "missing": n[3:5]}
    assert e["experience"]["score"] == 20
    assert (e["salary"]["score"], e["salary"]["position"]) == (10, "within")
    assert items[ids["E"]]["match_score"] == 58
    assert ids["inactive"] not in items and ids["expired"] not in items


def test_candidate_edge_cases(api, read_mails, db, world):
    """Unknown experience, no expected salary, no preferences, no skills, blank places."""
    ids = build_jobs(world)
    cand = candidate(api, read_mails, db, {"city": world["pref"]})
    items = {r["job"]["id"]: r for r in ranking(api, cand["access"])[1]}
    # A: skills 0, unknown years vs 5 = 0, no place hit = 0, no type preference = 10,
    # no expected salary = 10, qualifications 0/2 = 0: 20
    a = items[ids["A"]]
    assert a["match_score"] == 20
    f = a["match_factors"]
    assert f["experience"] == {"score": 0, "max": 20, "candidate_years": None,
                               "required_years": 5}
    assert f["job_type"] == {"score": 10, "max": 10, "job_type": "full_time",
                             "preferred_job_types": [], "matched": False}
    assert f["salary"] == {"score": 10, "max": 10, "expected_salary": None,
                           "salary_min": "40000.00", "salary_max": "60000.00",
                           "position": None}
    # C: no skills 40 + required 0 = 20 (even unknown) + 0 + 10 + 10 + 0/1 = 80
    assert items[ids["C"]]["match_score"] == 80
    # B in the candidate's own city: 0 + 0 + 15 + 10 + 10 + 5 = 40
    assert items[ids["B"]]["match_score"] == 40
    assert items[ids["B"]]["match_factors"]["location"]["match"] == "city"


def test_experience_above_and_qualification_all(api, read_mails, db, world):
    j = world["job"]
    jid = j("X", min_exp=2, skills=world["skills"][:1], quals=world["quals"][:1],
            job_type="contract")
    cand = candidate(api, read_mails, db, base_profile(world, years_of_experience=9))
    item = {r["job"]["id"]: r for r in ranking(api, cand["access"])[1]}[jid]
    # skills 1/1 = 40, 9 >= 2 = 20, no place = 0, contract = 10, above a maximum of 0 = 0,
    # qualifications 1/1 = 5: 75
    f = item["match_factors"]
    assert f["experience"] == {"score": 20, "max": 20, "candidate_years": 9,
                               "required_years": 2}
    assert f["qualifications"]["score"] == 5
    assert f["salary"]["score"] == 0 and f["salary"]["position"] == "above"
    assert item["match_score"] == 40 + 20 + 0 + 10 + 0 + 5


def test_profile_edit_changes_next_answer(api, read_mails, db, world):
    ids = build_jobs(world)
    cand = candidate(api, read_mails, db, base_profile(world))
    first = {r["job"]["id"]: r["match_score"] for r in ranking(api, cand["access"])[1]}
    assert first[ids["B"]] == 41
    # all skills of B, a part_time preference and 8 years: 40 + 20 + 15 + 10 + 8 + 5 = 98
    assert_json(api.patch("profiles/candidate/", json={
        "skills": world["skills"][3:5], "preferred_job_types": ["part_time"],
        "years_of_experience": 8}, token=cand["access"]), 200)
    # first of the whole ranking: no other test's job can reach 98 (a job without the world's
    # places scores at most 40 + 20 + 0 + 10 + 10 + 5 = 85), so page 1 is enough
    data = assert_json(get_matches(api, cand["access"], page_size=100), 200)
    assert data["results"][0]["job"]["id"] == ids["B"]
    assert data["results"][0]["match_score"] == 98
    # and a job edit too: B's maximum salary up to the expectation
    db(f"UPDATE jobs SET salary_max = 50000 WHERE id = {ids['B']}")
    assert get_matches(api, cand["access"], page_size=1).json()["results"][0]["match_score"] \
        == 100


def test_min_score_and_pagination(api, read_mails, db, world):
    ids = build_jobs(world)
    cand = candidate(api, read_mails, db, base_profile(world))
    total = int(db.scalar(OPEN_JOBS))
    full = ranking(api, cand["access"])[1]
    assert len(full) == total
    # min_score keeps exactly the items of the whole ranking at or above it, in its order, and
    # counts them exactly (both paths: 86 and 41); ranking() checks count == items
    hi = ranking(api, cand["access"], min_score=86)[1]
    assert own(hi, ids.values()) == [(ids["C"], 88), (ids["A"], 88)]
    assert all(r["match_score"] >= 86 for r in hi)
    assert hi == [r for r in full if r["match_score"] >= 86]
    lo = ranking(api, cand["access"], min_score=41)[1]
    assert own(lo, ids.values()) == [
        (ids["C"], 88), (ids["A"], 88), (ids["D"], 61), (ids["E"], 58), (ids["B"], 41)]
    assert all(r["match_score"] >= 41 for r in lo)
    assert lo == [r for r in full if r["match_score"] >= 41]
    # small pages of the unfiltered list join up to the whole ranking
    p1 = assert_json(get_matches(api, cand["access"], page_size=2), 200)
    assert p1["count"] == total and p1["previous"] is None
    assert p1["next"].endswith("/api/jobs/matches/?page_size=2&page=2")
    p2 = assert_json(api.get(p1["next"], token=cand["access"]), 200)
    assert p2["count"] == total
    assert p1["results"] == full[:2] and p2["results"] == full[2:4]
    assert_error(get_matches(api, cand["access"], page_size=2, page=total // 2 + 2), 404,
                 "not_found", "Invalid page.")
    assert_error(get_matches(api, cand["access"], page=0), 404, "not_found")
    # pages whose offset is past the SQL integer range are past the end too, not a 500 (the
    # schema fuzzer found page=2147483648 failing the ranking function's integer cast)
    for page in (2147483648, 21474836480, 999999999999):
        assert_error(get_matches(api, cand["access"], page=page), 404, "not_found",
                     "Invalid page.")


@pytest.mark.parametrize("value,message", [
    ("abc", "A valid integer is required."), ("", "A valid integer is required."),
    ("7.5", "A valid integer is required."), ("101", "Ensure this value is between 0 and 100."),
    ("-1", "Ensure this value is between 0 and 100."),
])
def test_min_score_invalid(api, read_mails, value, message):
    cand = logged_in_user(api, read_mails, role="candidate")
    assert_json(get_matches(api, cand["access"], min_score=value), 400,
                {"min_score": [message]})


def test_anonymous_is_401(api):
    r = api.get("jobs/matches/")
    assert_error(r, 401, "not_authenticated")
    assert r.json() == NOT_AUTHENTICATED
    assert_error(api.get("jobs/matches/?job=1"), 401, "not_authenticated")


def test_post_is_405(api, read_mails):
    cand = logged_in_user(api, read_mails, role="candidate")
    r = api.post("jobs/matches/", json={}, token=cand["access"])
    assert_error(r, 405, "method_not_allowed")


# ---- recruiter and admin: candidates ranked ---------------------------------------------------


def ranked_world(api, read_mails, db, world):
    s, q, j = world["skills"], world["quals"], world["job"]
    # the job: skills 1-4, qualifications 1-2, 4 years, in the world's city, full_time, <= 60000
    jid = j("R", city=world["city"], state=world["state"], min_exp=4, smin="30000",
            smax="60000", skills=s[:4], quals=q)
    cands = {}
    # 40 + 20 + 15 + 10 + 10 + 5 = 100
    cands["best"] = candidate(api, read_mails, db, {
        "city": world["city"], "years_of_experience": 6, "skills": s[:4], "qualifications": q,
        "expected_salary": "55000.00", "preferred_job_types": ["full_time"]}, verified=True)
    # skills 2/4 = 20, experience 2/4 = 10, same state = 8, contract only = 0,
    # above: 10 * 60000 / 80000 = 7.5, qualifications 1/2 = 2.5: 48
    cands["mid"] = candidate(api, read_mails, db, {
        "city": world["other_city"], "state": world["state"], "years_of_experience": 2,
        "skills": s[:2], "qualifications": q[:1], "expected_salary": "80000.00",
        "preferred_job_types": ["contract"]}, verified=True)
    # preferred location is the job's city: 0 + 0 + 15 + 10 + 10 + 0 = 35
    cands["low"] = candidate(api, read_mails, db, {"preferred_locations": [world["city"]]},
                             verified=True)
    # pending candidates are never ranked
    cands["pending"] = candidate(api, read_mails, db, {
        "city": world["city"], "years_of_experience": 6, "skills": s[:4]})
    return jid, cands


def test_recruiter_ranks_candidates(api, read_mails, db, world):
    jid, cands = ranked_world(api, read_mails, db, world)
    data, results = ranking(api, world["recr"]["access"], job=jid)
    eligible = int(db.scalar("SELECT count(*) FROM candidate_profiles c JOIN users u"
                             " ON u.id = c.user_id WHERE c.verification_status = 'verified'"
                             " AND u.is_active"))
    assert data["count"] == eligible
    pids = {k: c["profile"]["id"] for k, c in cands.items()}
    assert own(results, pids.values(), key="candidate") == [
        (pids["best"], 100), (pids["mid"], 48), (pids["low"], 35)]
    keys = [(-r["match_score"], -r["candidate"]["id"]) for r in results]
    assert keys == sorted(keys)
    best = next(r for r in results if r["candidate"]["id"] == pids["best"])
    assert best["candidate"] == {
        "id": pids["best"], "first_name": "Asha", "last_name": "Verma", "headline": None,
        "years_of_experience": 6, "city": world["city"], "state": None,
        "verification_status": "verified"}
    f = best["match_factors"]
    assert f["skills"] == {"score": 40, "max": 40, "matched": world["skill_names"][:4],
                           "missing": []}
    assert f["location"]["match"] == "city"
    mid = next(r for r in results if r["candidate"]["id"] == pids["mid"])
    assert mid["match_factors"]["salary"]["score"] == 7.5
    assert mid["match_factors"]["skills"]["score"] == 20
    assert mid["match_factors"]["qualifications"]["score"] == 2.5
    low = next(r for r in results if r["candidate"]["id"] == pids["low"])
    assert low["match_factors"]["location"]["match"] == "preferred_location"
    # min_score above the bound: only X, counted exactly
    hi = ranking(api, world["recr"]["access"], job=jid, min_score=90)[1]
    assert own(hi, pids.values(), key="candidate") == [(pids["best"], 100)]
    assert all(r["match_score"] >= 90 for r in hi)
    assert hi == [r for r in results if r["match_score"] >= 90]


def test_recruiter_job_parameter(api, read_mails, db, world):
    tok = world["recr"]["access"]
    assert_json(get_matches(api, tok), 400, {"job": ["This field is required."]})
    for bad in ("abc", "0", "-3", "1.5", ""):
        assert_json(get_matches(api, tok, job=bad), 400,
                    {"job": ["A valid positive integer is required."]})
    jid = world["job"]("mine", skills=world["skills"][:1])
    assert_json(get_matches(api, tok, job=jid, min_score="x"), 400,
                {"min_score": ["A valid integer is required."]})
    # unknown job
    assert_error(get_matches(api, tok, job=jid + 100000), 404, "not_found")


def test_other_recruiters_job_is_404(api, read_mails, db, world):
    jid = world["job"]("theirs", skills=world["skills"][:1])
    other = logged_in_user(api, read_mails, role="recruiter")
    assert_error(get_matches(api, other["access"], job=jid), 404, "not_found")
    # a recruiter linked to the same hospital does not own the job either
    db(f"UPDATE recruiter_profiles SET hospital_id = {world['hospital']}"
       f" WHERE user_id = {other['id']}")
    assert_error(get_matches(api, other["access"], job=jid), 404, "not_found")
    assert_json(get_matches(api, world["recr"]["access"], job=jid), 200)


def test_admin_ranks_for_any_job(stack, api, read_mails, db, world):
    jid, cands = ranked_world(api, read_mails, db, world)
    admin = create_admin(stack, api, login_now=True)
    results = ranking(api, admin["access"], job=jid)[1]
    pids = {k: c["profile"]["id"] for k, c in cands.items()}
    assert own(results, pids.values(), key="candidate") == [
        (pids["best"], 100), (pids["mid"], 48), (pids["low"], 35)]
    assert_json(get_matches(api, admin["access"]), 400, {"job": ["This field is required."]})
    assert_error(get_matches(api, admin["access"], job=jid + 100000), 404, "not_found")


def test_recruiter_pagination(api, read_mails, db, world):
    jid, cands = ranked_world(api, read_mails, db, world)
    tok = world["recr"]["access"]
    full = ranking(api, tok, job=jid)[1]
    p1 = assert_json(get_matches(api, tok, job=jid, page_size=1), 200)
    assert p1["count"] == len(full) and p1["results"] == full[:1]
    assert p1["next"].endswith(f"/api/jobs/matches/?job={jid}&page_size=1&page=2")
    p2 = assert_json(api.get(p1["next"], token=tok), 200)
    assert p2["results"] == full[1:2]
    assert_error(get_matches(api, tok, job=jid, page=len(full) + 1, page_size=1), 404,
                 "not_found", "Invalid page.")
    assert_error(get_matches(api, tok, job=jid, page=999999999999, page_size=100), 404,
                 "not_found", "Invalid page.")


def test_jobs_found_outside_the_seed(api, read_mails, db, world):
    """min_score 64: the ranking scores the candidate's cities and skill-less jobs, then finds
    the other jobs that can still reach 64 (a shared skill pair anywhere, a single shared skill
    of a job with few skills, or of a job in the candidate's state); none may be missed and the
    count is exact (min_score 50 takes the other path and must agree)."""
    s, q, j = world["skills"], world["quals"], world["job"]
    # a pair shared, no place: 40 * 2/2 + 20 + 0 + 10 + 10 + 5 = 85
    pair = j("pair", job_type="contract", smax="90000", skills=s[:2])
    # one skill of one: 40 + 20 + 0 + 10 + 10 + 0/1 = 80
    single = j("single", job_type="contract", smax="90000", skills=s[2:3], quals=q[1:])
    # in the candidate's state, one skill of three: 13.33 + 20 + 8 + 10 + 10 + 5 = 66.33 -> 66
    state = j("state", state=world["state"], job_type="contract", smax="90000",
              skills=[s[1], s[3], s[4]])
    # one skill of three: 13.33 + 20 + 0 + 10 + 10 + 5 = 58.33, below 64
    weak = j("weak", job_type="contract", smax="90000", skills=[s[0], s[3], s[4]])
    cand = candidate(api, read_mails, db, base_profile(world))
    # ranking() checks that count equals the items of every page
    hi = ranking(api, cand["access"], min_score=64)[1]
    assert own(hi, [pair, single, state, weak]) == [(pair, 85), (single, 80), (state, 66)]
    assert all(r["match_score"] >= 64 for r in hi)
    low = ranking(api, cand["access"], min_score=50)[1]
    assert own(low, [pair, single, state, weak]) == [
        (pair, 85), (single, 80), (state, 66), (weak, 58)]
    assert all(r["match_score"] >= 50 for r in low)
    # the two paths agree: 64 keeps exactly the items of 50's ranking at or above 64
    assert hi == [r for r in low if r["match_score"] >= 64]


def test_candidates_found_outside_the_seed(api, read_mails, db, world):
    """min_score 60 for a job with 4 skills: the ranking scores the job's city, then the
    candidates sharing two skills anywhere or one skill in the job's state."""
    s = world["skills"]
    jid = world["job"]("R2", city=world["city"], state=world["state"], min_exp=2,
                       smax="90000", skills=s[:4])
    # two skills of four = 20, 10 >= 2 = 20, same state = 8, no preference = 10,
    # no expectation = 10, no qualifications asked = 5: 73
    two = candidate(api, read_mails, db, {"state": world["state"], "years_of_experience": 10,
                                          "skills": s[:2]}, verified=True)
    # one skill, the state named as a preferred location: 10 + 20 + 8 + 10 + 10 + 5 = 63
    one_state = candidate(api, read_mails, db, {
        "preferred_locations": [world["state"].upper()], "years_of_experience": 3,
        "skills": s[2:3]}, verified=True)
    # one skill elsewhere: 10 + 20 + 0 + 10 + 10 + 5 = 55
    one_away = candidate(api, read_mails, db, {"state": world["other_state"],
                                               "years_of_experience": 3, "skills": s[3:4]},
                         verified=True)
    pids = [c["profile"]["id"] for c in (two, one_state, one_away)]
    tok = world["recr"]["access"]
    hi = ranking(api, tok, job=jid, min_score=60)[1]
    assert own(hi, pids, key="candidate") == [(pids[0], 73), (pids[1], 63)]
    assert all(r["match_score"] >= 60 for r in hi)
    f = next(r for r in hi if r["candidate"]["id"] == pids[1])["match_factors"]
    assert (f["location"]["score"], f["location"]["match"]) == (8, "preferred_state")
    lo = ranking(api, tok, job=jid, min_score=50)[1]
    assert own(lo, pids, key="candidate") == [(pids[0], 73), (pids[1], 63), (pids[2], 55)]
    assert hi == [r for r in lo if r["match_score"] >= 60]


# ---- the candidate's match cache (0008) ----------------------------------------------------------


def sql_ranking(db, profile_id, min_score=0, limit=100, offset=0):
    """The uncached ranking function's ids, for comparison with what the API answers."""
    return [int(r[0]) for r in db(f"SELECT id FROM cc_match_rank_jobs({int(profile_id)},"
                                  f" {int(min_score)}, {int(limit)}, {int(offset)})")]


def cache_entry(db, profile_id, min_score=0):
    rows = db(f"SELECT total, cardinality(ids) FROM match_cache WHERE candidate_id ="
              f" {int(profile_id)} AND min_score = {int(min_score)}")
    return rows[0] if rows else None


def test_match_cache_follows_the_candidate_and_the_jobs(api, read_mails, db, world):
    import time
    ids = build_jobs(world)
    cand = candidate(api, read_mails, db, base_profile(world))
    pid = cand["profile"]["id"]
    got = assert_json(get_matches(api, cand["access"], page_size=20), 200)
    assert [r["job"]["id"] for r in got["results"]] == sql_ranking(db, pid, limit=20)
    # kept as deep as asked; a deeper page extends it
    assert cache_entry(db, pid) == [str(got["count"]), str(min(20, got["count"]))]
    deeper = assert_json(get_matches(api, cand["access"], page_size=30), 200)
    assert [r["job"]["id"] for r in deeper["results"]] == sql_ranking(db, pid, limit=30)
    assert cache_entry(db, pid) == [str(got["count"]), str(min(30, got["count"]))]
    # a hit answers alike; min_score has its own entry
    assert assert_json(get_matches(api, cand["access"], page_size=20), 200) == got
    high = assert_json(get_matches(api, cand["access"], min_score=80), 200)
    assert own(high["results"], ids.values()) == [(ids["C"], 88), (ids["A"], 88)]
    assert cache_entry(db, pid, 80)[0] == str(high["count"])
    # a qualification the candidate adds (not a column of the profile row): A's
    # qualifications become 2/2 = 5 points (87.5 + 2.5 = 90), C's 1/1 (88 + 5 = 93)
    assert_json(api.patch("profiles/candidate/", json={"qualifications": world["quals"]},
                          token=cand["access"]), 200)
    high = assert_json(get_matches(api, cand["access"], min_score=80), 200)
    assert own(high["results"], ids.values()) == [(ids["C"], 93), (ids["A"], 90)]
    # a new job and one that expires in two seconds
    soon = world["job"]("Soon", city=world["city"], state=world["state"], min_exp=5,
                        smin="40000", smax="60000", skills=world["skills"][:3],
                        quals=world["quals"], expires="now() + interval '2 seconds'")
    high = assert_json(get_matches(api, cand["access"], min_score=80), 200)
    assert high["results"][0]["job"]["id"] == soon and high["results"][0]["match_score"] == 100
    time.sleep(2.2)
    high = assert_json(get_matches(api, cand["access"], min_score=80), 200)
    assert soon not in [r["job"]["id"] for r in high["results"]]
    assert [r["job"]["id"] for r in high["results"]] == sql_ranking(db, pid, 80, 10)


# ---- a new job matching a candidate at >= 80 is notified (0010) ------------------------------


def test_new_job_notifies_candidates_matching_at_80(api, read_mails, db, world, stack):
    from helpers import create_admin
    from test_jobs import job_body, poster
    w, s, q = world, world["skills"], world["quals"]
    strong = candidate(api, read_mails, db, base_profile(w), verified=True)
    unverified = candidate(api, read_mails, db, base_profile(w))
    weak = candidate(api, read_mails, db, base_profile(w, city=w["other_city"], skills=[],
                                                     years_of_experience=0), verified=True)
    admin = create_admin(stack, api, login_now=True)
    recr = poster(api, read_mails, admin)
    since = int(db.scalar("SELECT coalesce(max(id), 0) FROM notifications"))
    # skills 3/3 = 40, experience 5 >= 5 = 20, city 15, full_time 10, 50000 within = 10,
    # qualifications 1/1 = 5: 100 for the strong profile; the weak one scores 20
    body = job_body(title=f"ICU lead {w['t']}", city=w["city"], state=w["state"],
                    skills=s[:3], qualifications=q[:1], min_experience_years=5,
                    salary_min="40000", salary_max="60000", job_type="full_time")
    job = assert_json(api.post("jobs/", json=body, token=recr["access"]), 201)
    rows = db(f"SELECT user_id, notification_type, title, message, data::text FROM notifications"
              f" WHERE id > {since} AND notification_type = 'match' ORDER BY id")
    assert rows == [[str(strong["id"]), "match", "A new job matches your profile",
                     f"ICU lead {w['t']} at {recr['hospital']['name']}: a 100% match.",
                     f'{{"job": {job["id"]}, "match_score": 100}}']]
    assert all(r[0] not in (str(unverified["id"]), str(weak["id"])) for r in rows)
    # the candidate reads it through the API
    got = assert_json(api.get("notifications/", params={"notification_type": "match"},
                              token=strong["access"]), 200)
    assert got["results"][0]["data"] == {"job": job["id"], "match_score": 100}
    # a job posted closed notifies nobody
    since = int(db.scalar("SELECT coalesce(max(id), 0) FROM notifications"))
    assert_json(api.post("jobs/", json=dict(body, is_active=False), token=recr["access"]), 201)
    assert db(f"SELECT count(*) FROM notifications WHERE id > {since}"
              f" AND notification_type = 'match'") == [["0"]]
