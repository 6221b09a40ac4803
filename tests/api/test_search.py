"""Job lists, filters, ordering, search/ and advanced-search/ (CONTRACT §4). Every query names
the test's own hospital (or its own city), so jobs of other tests never show up."""

import uuid

import pytest

from helpers import assert_error, assert_json, sql_quote
# admin, recr and cand are test_jobs' fixtures
from test_jobs import JOB_KEYS, admin, apply, cand, ids, job_body, post_job, poster, \
    recr  # noqa: F401


def page(api, path, token=None, status=200, **params):
    return assert_json(api.get(path, params=params, token=token), status)


# ---- visibility ------------------------------------------------------------------------------


def test_list_visibility(api, recr, cand, admin, read_mails, db):
    h = recr["hospital"]["id"]
    open_ = post_job(api, recr, title="Open")
    closed = post_job(api, recr, title="Closed", is_active=False)
    expired = post_job(api, recr, title="Expired")
    no_expiry = post_job(api, recr, title="No expiry", expires_at=None)
    db(f"UPDATE jobs SET expires_at = now() - interval '1 second' WHERE id = {expired['id']}")
    for token in (None, cand["access"], recr["access"]):
        got = page(api, "jobs/", token=token, hospital=h)
        assert ids(got) == [no_expiry["id"], open_["id"]]
        assert got["count"] == 2 and got["next"] is None and got["previous"] is None
    mine = page(api, "jobs/", token=recr["access"], mine="true")
    assert ids(mine) == [no_expiry["id"], expired["id"], closed["id"], open_["id"]]
    assert ids(page(api, "jobs/", token=recr["access"], mine="true", is_active="false")) == [
        closed["id"]]
    # another recruiter's mine=true shows nothing of ours; mine is ignored for candidates
    other = poster(api, read_mails, admin)
    assert page(api, "jobs/", token=other["access"], mine="1")["count"] == 0
    assert ids(page(api, "jobs/", token=cand["access"], mine="true", hospital=h)) == [
        no_expiry["id"], open_["id"]]
    # admins see every state, and filter with is_active
    assert ids(page(api, "jobs/", token=admin["access"], hospital=h)) == [
        no_expiry["id"], expired["id"], closed["id"], open_["id"]]
    assert ids(page(api, "jobs/", token=admin["access"], hospital=h, is_active="false")) == [
        closed["id"]]
    assert ids(page(api, "jobs/", token=admin["access"], hospital=h, is_active="true")) == [
        no_expiry["id"], expired["id"], open_["id"]]


def test_list_items_and_candidate_fields(api, recr, cand, db):
    j = post_job(api, recr)
    item = page(api, "jobs/", hospital=recr["hospital"]["id"])["results"][0]
    assert item == assert_json(api.get(f"jobs/{j['id']}/"), 200)
    assert set(item) == JOB_KEYS
    apply(db, cand, j["id"], status="reviewed")
    item = page(api, "jobs/", token=cand["access"], hospital=recr["hospital"]["id"])["results"][0]
    # the empty profile scores 65 against job_body() (see test_jobs.test_detail_candidate_fields)
    assert (item["has_applied"], item["application_status"], item["match_score"]) == (
        True, "reviewed", 65)


def test_pagination_and_etag(api, recr, cand):
    h = recr["hospital"]["id"]
    made = [post_job(api, recr, title=f"Job {i}")["id"] for i in range(3)]
    p1 = page(api, "jobs/", hospital=h, page_size=2)
    assert p1["count"] == 3 and ids(p1) == made[::-1][:2]
    assert p1["next"].endswith(f"/api/jobs/?hospital={h}&page_size=2&page=2")
    p2 = assert_json(api.get(p1["next"]), 200)
    assert ids(p2) == [made[0]] and p2["next"] is None
    assert p2["previous"].endswith(f"/api/jobs/?hospital={h}&page_size=2")
    assert_error(api.get("jobs/", params={"hospital": h, "page": 3}), 404, "not_found",
                 "Invalid page.")
    assert_json(api.get("jobs/", params={"page_size": "x"}), 400,
                {"page_size": ["A valid positive integer is required."]})
    r = api.get("jobs/", params={"hospital": h})
    etag = r.headers["ETag"]
    assert api.get("jobs/", params={"hospital": h},
                   headers={"If-None-Match": etag}).status_code == 304
    assert "ETag" not in api.get("jobs/", params={"hospital": h}, token=cand["access"]).headers
    post_job(api, recr)
    assert api.get("jobs/", params={"hospital": h},
                   headers={"If-None-Match": etag}).status_code == 200


# ---- filters ---------------------------------------------------------------------------------


@pytest.fixture
def catalogue(api, read_mails, admin, db):
    """Four jobs of one hospital in a city of their own, with known values."""
    city = f"Nashik {uuid.uuid4().hex[:6]}"
    recr = poster(api, read_mails, admin, type="specialty")
    skills = {}
    for n in ("Dialysis", "Triage"):
        name = f"{n} {uuid.uuid4().hex[:6]}"
        skills[n] = (int(db.scalar(f"INSERT INTO skills (name, category) VALUES "
                                   f"({sql_quote(name)}, 'clinical') RETURNING id")), name)
    jobs = {
        "a": post_job(api, recr, title="Dialysis Nurse", city=city, state="Maharashtra",
                      location="Gangapur Road", department="Nephrology", job_type="full_time",
                      experience_level="entry", salary_min="20000", salary_max="30000",
                      start_date="2026-02-01", expires_at="2031-01-01T00:00:00Z",
                      skills=[skills["Dialysis"][0]]),
        "b": post_job(api, recr, title="Triage Nurse", city=city, state="Maharashtra",
                      location="College Road", department="Emergency", job_type="contract",
                      experience_level="mid", salary_min="40000", salary_max="50000",
                      start_date="2026-01-01", expires_at="2032-01-01T00:00:00Z",
                      skills=[skills["Dialysis"][0], skills["Triage"][0]]),
        "c": post_job(api, recr, title="Ward Manager", city=city, state="Goa",
                      location="Panaji", department="Nursing Office", job_type="part_time",
                      experience_level="senior", salary_min="60000", salary_max="90000",
                      start_date="2026-03-01", expires_at="2030-06-01T00:00:00Z"),
        "d": post_job(api, recr, title="Locum Physician", city=city, state="Maharashtra",
                      location=None, department="Emergency", job_type="locum",
                      experience_level="executive", salary_min="100000", salary_max="150000",
                      start_date=None, expires_at=None),
    }
    db(f"UPDATE jobs SET created_at = '2020-01-01' WHERE id = {jobs['a']['id']}")
    return {"recr": recr, "city": city, "skills": skills, "jobs": jobs,
            "h": recr["hospital"]["id"]}


def _ids(cat, *keys):
    return [cat["jobs"][k]["id"] for k in keys]


@pytest.mark.parametrize("params,expected", [
    ({}, "dcb a"),
    ({"location": "college"}, "b"),
    ({"location": "GOA"}, "c"),  # the state
    ({"state": "maharashtra"}, "dba"),
    ({"department": "emergency"}, "db"),
    ({"job_type": "contract,locum"}, "db"),
    ({"job_type": "full-time"}, "a"),
    ({"experience_level": "entry,senior"}, "ca"),
    ({"salary_min": "45000"}, "dcb"),  # salary_max >= 45000
    ({"salary_max": "40000"}, "ba"),  # salary_min <= 40000
    ({"salary_min": "30000", "salary_max": "60000"}, "cba"),
    ({"hospital_type": "specialty,clinic"}, "dcba"),
    ({"hospital_type": "public"}, ""),
    ({"posted_after": "2021-01-01"}, "dcb"),
    ({"search": "triage"}, "b"),
    ({"ordering": "salary_min"}, "abcd"),
    ({"ordering": "-salary_max"}, "dcba"),
    ({"ordering": "start_date"}, "bacd"),  # nulls last ascending
    ({"ordering": "-start_date"}, "dcab"),
    ({"ordering": "expires_at"}, "cabd"),
    ({"ordering": "created_at"}, "abcd"),
])
def test_filters_and_ordering(api, catalogue, params, expected):
    expected = expected.replace(" ", "")
    got = page(api, "jobs/", city=catalogue["city"].upper(), **params)
    assert ids(got) == _ids(catalogue, *expected), got["results"] and [
        j["title"] for j in got["results"]]
    assert got["count"] == len(expected)


def test_city_filter_is_exact(api, catalogue):
    assert page(api, "jobs/", city=catalogue["city"][:-1], hospital=catalogue["h"])["count"] == 0
    assert page(api, "jobs/", hospital=catalogue["h"])["count"] == 4


def test_skills_filter_ids_and_names(api, catalogue):
    (d_id, d_name), (t_id, t_name) = catalogue["skills"]["Dialysis"], catalogue["skills"]["Triage"]
    assert ids(page(api, "jobs/", skills=str(d_id))) == _ids(catalogue, "b", "a")
    assert ids(page(api, "jobs/", skills=f"{d_id},{t_name.upper()}")) == _ids(catalogue, "b")
    assert_json(api.get("jobs/", params={"skills": f"{d_id},No such skill"}), 400,
                {"skills": ["Select a valid choice. No such skill is not one of the available "
                            "choices."]})


@pytest.mark.parametrize("params,errors", [
    ({"job_type": "full_time,permanent"}, {"job_type": ["Item 2: \"permanent\" is not a valid choice."]}),
    ({"experience_level": "junior"}, {"experience_level": ["Item 1: \"junior\" is not a valid choice."]}),
    ({"hospital_type": "army"}, {"hospital_type": ["Item 1: \"army\" is not a valid choice."]}),
    ({"salary_min": "lots"}, {"salary_min": ["A valid number is required."]}),
    ({"salary_max": "-5"}, {"salary_max": ["Ensure this value is greater than or equal to 0."]}),
    ({"hospital": "x"}, {"hospital": ["Incorrect type. Expected pk value, received str."]}),
    ({"posted_after": "yesterday"},
     {"posted_after": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}),
    ({"is_active": "maybe"}, {"is_active": ["Must be a valid boolean."]}),
    ({"mine": "yes"}, {"mine": ["Must be a valid boolean."]}),
    ({"ordering": "title"}, {"ordering": ["Invalid ordering \"title\"."]}),
    ({"ordering": "rank"}, {"ordering": ["Invalid ordering \"rank\"."]}),
    ({"salary_min": "x", "ordering": "-id"}, {"salary_min": ["A valid number is required."],
                                             "ordering": ["Invalid ordering \"-id\"."]}),
])
def test_invalid_filters(api, stack, params, errors):
    assert_json(api.get("jobs/", params=params), 400, errors)


# ---- search ----------------------------------------------------------------------------------


@pytest.fixture
def corpus(api, read_mails, admin):
    """A word of its own in the title of one job, the requirements of another and the
    description of a third."""
    word = "zq" + uuid.uuid4().hex[:8].replace("0", "x").replace("1", "y")
    recr = poster(api, read_mails, admin)
    jobs = {
        "desc": post_job(api, recr, title="Staff Nurse", description=f"Experience with {word}.",
                         job_type="contract"),
        "title": post_job(api, recr, title=f"{word} Specialist", description="Ward work.",
                          job_type="full_time"),
        "req": post_job(api, recr, title="Technician", requirements=f"{word} certificate",
                        job_type="full_time", salary_min="10000", salary_max="12000"),
        "none": post_job(api, recr, title="Pharmacist", description="Dispensary."),
    }
    return {"word": word, "jobs": jobs, "recr": recr}


def test_search_ranks_title_above_requirements_above_description(api, corpus):
    got = page(api, "jobs/search/", q=corpus["word"])
    j = corpus["jobs"]
    assert ids(got) == [j["title"]["id"], j["req"]["id"], j["desc"]["id"]]
    ranks = [x["rank"] for x in got["results"]]
    assert all(isinstance(x, float) for x in ranks) and ranks[0] > ranks[1] > ranks[2] > 0
    assert set(got["results"][0]) == JOB_KEYS | {"rank"}
    # `search` is the same parameter; rank ascending turns it round
    assert ids(page(api, "jobs/search/", search=corpus["word"])) == ids(got)
    assert ids(page(api, "jobs/search/", q=corpus["word"], ordering="rank")) == ids(got)[::-1]


def test_search_with_filters_and_ordering(api, corpus):
    j, w = corpus["jobs"], corpus["word"]
    assert ids(page(api, "jobs/search/", q=w, job_type="full_time")) == [j["title"]["id"],
                                                                        j["req"]["id"]]
    assert ids(page(api, "jobs/search/", q=w, salary_max="20000")) == [j["req"]["id"]]
    assert ids(page(api, "jobs/search/", q=w, ordering="-created_at")) == [
        j["req"]["id"], j["title"]["id"], j["desc"]["id"]]
    # web search syntax: a quoted phrase and an exclusion
    assert sorted(ids(page(api, "jobs/search/", q=f"{w} -specialist"))) == sorted(
        [j["req"]["id"], j["desc"]["id"]])
    assert ids(page(api, "jobs/search/", q=f'"{w} specialist"')) == [j["title"]["id"]]
    assert ids(page(api, "jobs/", search=w)) == [j["req"]["id"], j["title"]["id"],
                                                 j["desc"]["id"]]
    assert "rank" not in page(api, "jobs/", search=w)["results"][0]
    assert_json(api.get("jobs/search/", params={"q": w, "job_type": "x"}), 400,
                {"job_type": ["Item 1: \"x\" is not a valid choice."]})


def test_search_without_query_lists_with_null_rank(api, corpus):
    got = page(api, "jobs/search/", hospital=corpus["recr"]["hospital"]["id"])
    assert got["count"] == 4 and {x["rank"] for x in got["results"]} == {None}
    assert ids(got)[0] == corpus["jobs"]["none"]["id"]


def test_search_etag(api, corpus):
    r = api.get("jobs/search/", params={"q": corpus["word"]})
    assert api.get("jobs/search/", params={"q": corpus["word"]},
                   headers={"If-None-Match": r.headers["ETag"]}).status_code == 304


def test_advanced_search(api, corpus, cand):
    j, w = corpus["jobs"], corpus["word"]
    body = {"q": w, "job_type": ["full_time", "contract"], "page": 1, "page_size": 2}
    got = assert_json(api.post("jobs/advanced-search/", json=body), 200)
    assert got["count"] == 3 and ids(got) == [j["title"]["id"], j["req"]["id"]]
    # the next page by GET, with the body's filters in the query (a POST link would not work)
    assert got["next"].endswith(f"/api/jobs/advanced-search/?q={w}&job_type=full_time%2ccontract"
                                "&page_size=2&page=2"), got["next"]
    body["page"] = "2"
    assert ids(assert_json(api.post("jobs/advanced-search/", json=body), 200)) == [j["desc"]["id"]]
    got = assert_json(api.post("jobs/advanced-search/", json={
        "search": w, "job_type": "full-time", "salary_min": 11000, "ordering": "-salary_max",
        "skills": [], "city": None}, token=cand["access"]), 200)
    assert ids(got) == [j["title"]["id"], j["req"]["id"]]
    assert {"has_applied", "rank"} <= set(got["results"][0])
    got = assert_json(api.post("jobs/advanced-search/", json={
        "hospital": corpus["recr"]["hospital"]["id"], "ordering": "created_at"}), 200)
    assert ids(got) == [j["desc"]["id"], j["title"]["id"], j["req"]["id"], j["none"]["id"]]


@pytest.mark.parametrize("body,status,errors", [
    ({"job_type": ["full_time", 3]}, 400, {"job_type": ["Item 2: \"3\" is not a valid choice."]}),
    ({"job_type": {"a": 1}}, 400, {"job_type": ["Expected a list of items but got type \"dict\"."]}),
    ({"salary_min": [1]}, 400, {"salary_min": ["A valid number is required."]}),
    ({"q": ["x"]}, 400, {"q": ["Not a valid string."]}),
    ({"ordering": 5}, 400, {"ordering": ["Invalid ordering \"5\"."]}),
    ({"skills": [True]}, 400, {"skills": ["Item 1: Not a valid string."]}),
    ({"page_size": "many"}, 400, {"page_size": ["A valid positive integer is required."]}),
])
def test_advanced_search_invalid(api, stack, body, status, errors):
    assert_json(api.post("jobs/advanced-search/", json=body), status, errors)


def test_advanced_search_bad_page_and_method(api, stack):
    assert_error(api.post("jobs/advanced-search/", json={"page": 0}), 404, "not_found",
                 "Invalid page.")
    r = api.put("jobs/advanced-search/", json={})
    assert_error(r, 405, "method_not_allowed")
    assert r.headers["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert_error(api.post("jobs/search/", json={}), 405, "method_not_allowed")


def test_advanced_search_next_links_walk_every_result_once(api, read_mails, admin):
    """Following next from a POSTed first page (GET links carrying the body's filters) walks
    every result once, in order, and previous walks back."""
    word = "zw" + uuid.uuid4().hex[:8].replace("0", "x").replace("1", "y")
    recr = poster(api, read_mails, admin)
    mine = {post_job(api, recr, title=f"{word} nurse {i}", job_type="full_time")["id"]
            for i in range(7)}
    post_job(api, recr, title=f"{word} locum", job_type="locum")  # filtered out
    body = {"q": word, "job_type": ["full_time"], "page_size": 3, "ordering": "-created_at",
            "hospital": recr["hospital"]["id"]}
    got = assert_json(api.post("jobs/advanced-search/", json=body), 200)
    seen, pages = ids(got), [got]
    while got["next"]:
        r = api.session.get(got["next"], timeout=30)
        got = assert_json(r, 200)
        assert got["count"] == 7
        seen += ids(got)
        pages.append(got)
    assert len(pages) == 3 and len(seen) == 7 and set(seen) == mine
    assert seen == sorted(seen, reverse=True)  # -created_at: newest (highest id) first
    back = assert_json(api.session.get(pages[-1]["previous"], timeout=30), 200)
    assert ids(back) == ids(pages[1])
    first = assert_json(api.session.get(pages[1]["previous"], timeout=30), 200)
    assert ids(first) == ids(pages[0]) and first["previous"] is None
    # GET advanced-search/ takes the filters as search/ does, with the same answer
    assert ids(page(api, "jobs/advanced-search/", q=word, job_type="full_time", page_size=10,
                    ordering="-created_at")) == seen


# ---- the search cache (0008) -------------------------------------------------------------------


def cache_row(db, word, ordering="-rank"):
    rows = db("SELECT version, total, ids::text, valid_until::text FROM job_search_cache"
              f" WHERE key = {sql_quote(ordering + ':' + word)}")
    return rows[0] if rows else None


def test_search_cache_answers_like_the_ranking(api, corpus, db, cand):
    j, w = corpus["jobs"], corpus["word"]
    want = [j["title"]["id"], j["req"]["id"], j["desc"]["id"]]
    first = page(api, "jobs/search/", q=w)
    row = cache_row(db, w)
    assert row is not None and row[1] == "3" and row[2] == "{" + ",".join(map(str, want)) + "}"
    # a hit gives the same body; page 2 and a candidate's own fields come from current rows
    assert page(api, "jobs/search/", q=w) == first
    assert ids(page(api, "jobs/search/", q=w, page_size=2, page=2)) == want[2:]
    apply(db, cand, j["req"]["id"], status="shortlisted")
    mine = page(api, "jobs/search/", q=w, token=cand["access"])
    assert ids(mine) == want and mine["results"][1]["application_status"] == "shortlisted"
    assert mine["results"][1]["applications_count"] == 1
    # the same ranks as a filtered search, which never uses the cache
    filtered = page(api, "jobs/search/", q=w, hospital=corpus["recr"]["hospital"]["id"])
    assert [x["rank"] for x in filtered["results"]] == [x["rank"] for x in first["results"]]
    assert ids(page(api, "jobs/search/", q=w, ordering="rank")) == want[::-1]
    assert cache_row(db, w, "rank")[1] == "3"


def test_search_cache_follows_job_writes(api, corpus, db):
    w, recr = corpus["word"], corpus["recr"]
    assert page(api, "jobs/search/", q=w)["count"] == 3
    new = post_job(api, recr, title=f"Senior {w} lead")
    got = page(api, "jobs/search/", q=w)
    assert got["count"] == 4 and new["id"] in ids(got)
    # in the order of the uncached ranking (a filter bypasses the cache)
    assert ids(got) == ids(page(api, "jobs/search/", q=w, hospital=recr["hospital"]["id"]))
    api.patch(f"jobs/{new['id']}/", json={"is_active": False}, token=recr["access"])
    assert new["id"] not in ids(page(api, "jobs/search/", q=w))
    db(f"UPDATE jobs SET title = 'Renamed' WHERE id = {corpus['jobs']['title']['id']}")
    assert ids(page(api, "jobs/search/", q=w)) == [corpus["jobs"]["req"]["id"],
                                                  corpus["jobs"]["desc"]["id"]]


def test_search_cache_expires_with_the_first_expiring_match(api, corpus, db):
    import time
    w, recr = corpus["word"], corpus["recr"]
    soon = post_job(api, recr, title=f"Locum {w}")
    db(f"UPDATE jobs SET expires_at = now() + interval '2 seconds' WHERE id = {soon['id']}")
    got = page(api, "jobs/search/", q=w)
    assert soon["id"] in ids(got) and got["count"] == 4
    assert cache_row(db, w)[3] == db.scalar(f"SELECT expires_at::text FROM jobs WHERE id ="
                                            f" {soon['id']}")
    time.sleep(2.2)
    got = page(api, "jobs/search/", q=w)
    assert soon["id"] not in ids(got) and got["count"] == 3


def test_search_pages_past_the_cached_ids(api, corpus, db):
    """1,005 matches: the first 1,000 ids are cached, the rest come from the full ranking;
    walking every page gives every match once, in rank order (equal ranks by id)."""
    word = corpus["word"] + "bulk"
    tmpl = corpus["jobs"]["none"]["id"]
    db(f"INSERT INTO jobs (hospital_id, posted_by, title, salary_min, salary_max)"
       f" SELECT hospital_id, posted_by, {sql_quote(word)} || ' ' || g, salary_min, salary_max"
       f" FROM jobs, generate_series(1, 1005) g WHERE id = {tmpl}")
    want = [int(x[0]) for x in db(f"SELECT id FROM jobs WHERE title LIKE {sql_quote(word + ' %')}"
                                  f" ORDER BY id")]
    seen = []
    for n in range(1, 12):
        got = page(api, "jobs/search/", q=word, page_size=100, page=n)
        assert got["count"] == 1005
        seen += ids(got)
    assert seen == want
    assert cache_row(db, word)[1] == "1005"
    assert len(cache_row(db, word)[2].split(",")) == 1000


def test_city_list_fast_path_answers_like_cc_job_page(api, recr, cand, db):
    """The city (+ job types) list runs static SQL in cc_job_page_cached: the same count,
    rows, order and rendering as cc_job_page's dynamic path, for every shape it takes."""
    city = "Fastpath-" + uuid.uuid4().hex[:6]
    made = [post_job(api, recr, title=f"T{i}", city=city.upper() if i % 2 else city,
                     job_type=("full_time", "contract", "locum")[i % 3]) for i in range(7)]
    apply(db, cand, made[2]["id"], status="reviewed")
    uid = cand["id"]
    shapes = [{"city": city}, {"city": city.lower(), "job_type": ["contract"]},
              {"city": city, "job_type": ["full_time", "locum"]},
              {"city": city, "limit": 2, "offset": 2, "page": 2},
              {"city": city, "user": uid}, {"city": "nowhere-" + city}]
    for shape in shapes:
        f = {"scope": "public", "limit": 10, "offset": 0, "page": 1}
        f.update(shape)
        arg = sql_quote(__import__("json").dumps(f))
        fast = db(f"SELECT total, results FROM cc_job_page_cached({arg}::jsonb)")
        slow = db(f"SELECT total, results FROM cc_job_page({arg}::jsonb)")
        assert fast == slow, shape
    got = page(api, "jobs/", city=city, job_type="contract,locum", token=cand["access"])
    assert got["count"] == 4 and ids(got) == [made[5]["id"], made[4]["id"], made[2]["id"],
                                              made[1]["id"]]
    assert got["results"][2]["application_status"] == "reviewed"
