"""The response cache (services/cached.c, core/respcache.c, 0011_content_version.sql): public job
pages, job details, a candidate's matches and master data lists are kept in each httpd
process's memory, and every answer is still exactly what the database holds when the request
arrives: after any write (through the API, or straight into the database), on another node, and
when a job expires without any write.

X-Carechain-Cache says whether an answer came from memory (hit) or was computed (miss); the
tests use it to prove that the cache was really in play before each change they make.
"""

import threading
import time
import uuid

import pytest

from conftest import Api
from helpers import PASSWORD, assert_json, login, sql_quote
from test_applications import new_world, uniq
from test_startup_and_cli import side_stack  # noqa: F401 (a fixture)

HEADER = "X-Carechain-Cache"

# Every table of the schema either raises the content version (it is read by a cached answer)
# or is here with the reason it does not.
EXCUSED = {
    "users": "written by every login (last_login); no cached answer shows a user",
    "refresh_tokens": "tokens", "one_time_tokens": "tokens", "login_failures": "throttling",
    "mail_outbox": "mail", "notifications": "never in a cached answer",
    "audit_log": "never in a cached answer",
    "verification_events": "history, never in a cached answer",
    "application_events": "history, never in a cached answer",
    "documents": "never in a cached answer", "document_chunks": "never in a cached answer",
    "job_open_counts": "kept by triggers on jobs, which raise the version themselves",
    "job_search_version": "kept by triggers on jobs", "job_search_cache": "written by reads",
    "match_cache": "written by reads", "content_version": "the version itself",
    "cc_schema_migrations": "the migration ledger",
    "cc_sql_files": "the ledger of the function files (dbd/sql/), written only by migrate",
    "throttle_events": "attempts counted by throttles (registration), never read by a cached answer",
    "user_logins": "a row per login for the analytics (admin answers are never cached)",
    "testimonials": "never in a cached answer (testimonial lists, candidate-details/ and"
                    " hospital-details/, which show the ratings, are computed every time)",
    "conversations": "messaging: never in a cached answer",
    "conversation_participants": "messaging: never in a cached answer",
    "messages": "messaging: never in a cached answer",
    "stream_counters": "the live stream's per-user event numbers",
    "stream_events": "the live stream's events, never in a cached answer",
    "stream_tickets": "tokens",
    "activity": "the admins' recent-activity/ feed, never in a cached answer",
    "admin_counts": "the admins' dashboard counters, never in a cached answer",
    "task_runs": "background task runs (operations), never in a cached answer",
    "notification_preferences": "a user's own settings, never in a cached answer",
}
COVERED = {"skills": "catalog", "qualifications": "catalog", "locations": "catalog",
           "jobs": "jobs", "job_skills": "jobs", "job_qualifications": "jobs",
           "hospitals": "jobs", "recruiter_profiles": "jobs",
           "applications": "applications", "active_jobs": "applications",
           "completed_jobs": "applications",
           "candidate_profiles": "candidates", "candidate_skills": "candidates",
           "candidate_qualifications": "candidates", "verification_requests": "candidates"}
GROUPS = ("catalog", "jobs", "applications", "candidates")


@pytest.fixture(scope="module")
def w(stack):
    w = new_world(stack)
    yield w
    w.api.close()


def versions(db):
    return {r[0]: int(r[1]) for r in db("SELECT grp, sum(v) FROM content_version GROUP BY grp")}


def raised(before, after):
    """{group: how much its version rose}, for the groups that rose."""
    return {g: after[g] - before[g] for g in GROUPS if after[g] != before[g]}


def get_twice(api, path, token=None):
    """GET path twice: the first answer (computed or not), then the second, which must come
    from memory with the same bytes. Returns the parsed body."""
    api.get(path, token=token)
    r = api.get(path, token=token)
    assert r.status_code == 200, r.text
    assert r.headers.get(HEADER) == "hit", (path, r.headers.get(HEADER))
    return r.json()


def fresh(api, path, token=None):
    """The first GET after a change: it must be computed again. Returns the parsed body."""
    r = api.get(path, token=token)
    assert r.status_code == 200, r.text
    assert r.headers.get(HEADER) == "miss", (path, r.headers.get(HEADER))
    return r.json()


def city_job(w, city, title=None, expires="NULL"):
    """A job of w.recr in its own city (so a list filtered by that city holds only it)."""
    title = title or uniq("Cache Nurse")
    jid = int(w.scalar(
        f"INSERT INTO jobs (hospital_id, posted_by, title, city, salary_min, salary_max,"
        f" expires_at) VALUES ({w.recr['hospital']}, {w.recr['profile']}, {sql_quote(title)},"
        f" {sql_quote(city)}, 30000, 45000, {expires}) RETURNING id"))
    return {"id": jid, "title": title}


def test_every_table_raises_the_version_or_is_excused(db):
    tables = {r[0] for r in db("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}

    def triggers(name):
        out = {}
        for tbl, definition, deferred in db(
                f"SELECT c.relname, pg_get_triggerdef(t.oid), t.tgdeferrable AND t.tginitdeferred"
                f" FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                f" WHERE t.tgname = '{name}'"):
            out[tbl] = (definition.split("cc_content_bump('")[1].split("'")[0], deferred)
        return out

    bump = triggers("content_version_bump")
    assert {t: g for t, (g, _) in bump.items()} == COVERED
    assert all(deferred == "t" for _, deferred in bump.values())
    assert {t: g for t, (g, _) in triggers("content_version_truncate").items()} == COVERED
    assert not set(COVERED) & set(EXCUSED)
    assert tables - set(COVERED) - set(EXCUSED) == set(), "a new table: cover it or excuse it"


def test_one_raise_per_group_and_transaction_and_none_for_reads_or_logins(w, api, db):
    job = city_job(w, uniq("Versionville"))
    skill = int(db.scalar(f"INSERT INTO skills (name, category) VALUES"
                          f" ({sql_quote(uniq('Version skill'))}, 'clinical') RETURNING id"))
    before = versions(db)
    api.get("jobs/")
    api.get(f"jobs/{job['id']}/", token=w.cand["access"])
    api.get("jobs/matches/", token=w.cand["access"])
    api.get("jobs/search/?q=nurse")
    api.get("masters/skills/")
    api.post("accounts/login/", json={"email": w.cand["email"], "password": "x"})
    login(api, w.cand["email"], PASSWORD)
    api.get("notifications/", token=w.cand["access"])
    assert raised(before, versions(db)) == {}
    # an application: the application, its history row and the notification, one transaction
    w.apply(w.cand, job)
    after = versions(db)
    assert raised(before, after) == {"applications": 1}
    # a transaction writing several tables of a group raises it once, and each group it writes
    db(f"BEGIN; UPDATE jobs SET title = title || '.' WHERE id = {job['id']};"
       f" UPDATE hospitals SET name = name WHERE id = {w.recr['hospital']};"
       f" UPDATE skills SET name = name WHERE id = {skill}; COMMIT")
    assert raised(after, versions(db)) == {"jobs": 1, "catalog": 1}
    # a rolled back write raises nothing
    before = versions(db)
    db(f"BEGIN; UPDATE jobs SET title = 'never' WHERE id = {job['id']}; ROLLBACK")
    assert raised(before, versions(db)) == {}
    # a write after a rolled back savepoint (which took the first row's event with it) still
    # raises its group, once
    db(f"BEGIN; SAVEPOINT a; UPDATE jobs SET title = 'never' WHERE id = {job['id']};"
       f" ROLLBACK TO SAVEPOINT a; UPDATE jobs SET title = title || '.' WHERE id = {job['id']};"
       f" UPDATE jobs SET title = title || '.' WHERE id = {job['id']}; COMMIT")
    assert raised(before, versions(db)) == {"jobs": 1}
    # and a write inside a savepoint that is kept counts as well
    before = versions(db)
    db(f"BEGIN; SAVEPOINT a; UPDATE skills SET name = name WHERE id = {skill};"
       f" RELEASE SAVEPOINT a; COMMIT")
    assert raised(before, versions(db)) == {"catalog": 1}


def test_answers_outlive_writes_they_do_not_read(w, api, db):
    """Master lists read only master data; a ranking never reads applications."""
    job = city_job(w, uniq("Outlivington"))
    masters = "masters/qualifications/?page_size=5"
    matches = "jobs/matches/?page_size=5"
    get_twice(api, masters)
    get_twice(api, matches, token=w.cand["access"])
    get_twice(api, "jobs/?page_size=5")
    w.apply(w.other_cand, job)
    assert api.get(masters).headers[HEADER] == "hit"
    assert api.get(matches, token=w.cand["access"]).headers[HEADER] == "hit"
    assert api.get("jobs/?page_size=5").headers[HEADER] == "miss"  # applications_count
    db(f"UPDATE jobs SET title = title || '!' WHERE id = {job['id']}")
    assert api.get(masters).headers[HEADER] == "hit"
    assert api.get(matches, token=w.cand["access"]).headers[HEADER] == "miss"


def test_public_list_follows_every_kind_of_write(w, api, db):
    city = uniq("Cacheton")
    job = city_job(w, city)
    path = f"jobs/?city={city}"
    page = get_twice(api, path)
    assert page["count"] == 1 and page["results"][0]["title"] == job["title"]
    assert page["results"][0]["applications_count"] == 0
    etag = api.get(path).headers["ETag"]
    r = api.get(path, headers={"If-None-Match": etag})
    assert r.status_code == 304 and r.headers.get(HEADER) == "hit"

    # the job's own row, through the API
    r = api.patch(f"jobs/{job['id']}/", json={"title": "Charge Nurse (cached)"},
                  token=w.recr["access"])
    assert_json(r, 200)
    assert fresh(api, path)["results"][0]["title"] == "Charge Nurse (cached)"
    r = api.get(path, headers={"If-None-Match": etag})
    assert r.status_code == 200 and r.headers["ETag"] != etag
    get_twice(api, path)

    # an application: the count
    w.apply(w.other_cand, job)
    assert fresh(api, path)["results"][0]["applications_count"] == 1
    get_twice(api, path)

    # the hospital, straight into the database
    db(f"UPDATE hospitals SET name = 'Renamed Hospital {job['id']}'"
       f" WHERE id = {w.recr['hospital']}")
    assert fresh(api, path)["results"][0]["hospital"]["name"] == f"Renamed Hospital {job['id']}"
    get_twice(api, path)

    # a skill on the job, then the skill's name through the admin API
    skill = assert_json(api.post("masters/skills/", json={"name": uniq("Cache skill"),
                                                         "category": "clinical"},
                                 token=w.admin["access"]), 201)
    db(f"INSERT INTO job_skills (job_id, skill_id) VALUES ({job['id']}, {skill['id']})")
    assert [s["name"] for s in fresh(api, path)["results"][0]["skills"]] == [skill["name"]]
    get_twice(api, path)
    assert_json(api.patch(f"masters/skills/{skill['id']}/", json={"name": skill["name"] + " II"},
                          token=w.admin["access"]), 200)
    assert [s["name"] for s in fresh(api, path)["results"][0]["skills"]] == [skill["name"] + " II"]
    get_twice(api, path)

    # closing the job
    assert_json(api.patch(f"jobs/{job['id']}/", json={"is_active": False},
                          token=w.recr["access"]), 200)
    page = fresh(api, path)
    assert page["count"] == 0 and page["results"] == []


def test_expiry_without_any_write(w, api, db):
    """A job leaves the cached list, detail and ranking when it expires, with no write at all
    (the stamp carries the first upcoming expiry)."""
    city = uniq("Expiryville")
    job = city_job(w, city, expires="now() + interval '3 seconds'")
    path = f"jobs/?city={city}"
    assert get_twice(api, path)["count"] == 1
    assert get_twice(api, f"jobs/{job['id']}/", token=w.cand["access"])["id"] == job["id"]
    v = versions(db)
    deadline = float(db.scalar(f"SELECT extract(epoch FROM expires_at - now())"
                               f" FROM jobs WHERE id = {job['id']}"))
    time.sleep(max(deadline, 0) + 0.3)
    page = fresh(api, path)
    assert page["count"] == 0 and page["results"] == []
    r = api.get(f"jobs/{job['id']}/", token=w.cand["access"])
    assert r.status_code == 404
    assert raised(v, versions(db)) == {}  # nothing was written


def test_detail_is_per_candidate_and_shared_by_the_rest(w, api):
    job = city_job(w, uniq("Detailburg"))
    path = f"jobs/{job['id']}/"
    mine = get_twice(api, path, token=w.cand["access"])
    other = get_twice(api, path, token=w.other_cand["access"])
    assert mine["has_applied"] is False and other["has_applied"] is False
    anon = get_twice(api, path)
    assert "has_applied" not in anon
    # a recruiter (not a candidate) gets the anonymous bytes, from memory
    r = api.get(path, token=w.other_recr["access"])
    assert r.headers.get(HEADER) == "hit" and r.json() == anon
    w.apply(w.cand, job)
    mine = fresh(api, path, token=w.cand["access"])
    assert mine["has_applied"] is True and mine["application_status"] == "applied"
    other = fresh(api, path, token=w.other_cand["access"])
    assert other["has_applied"] is False
    assert fresh(api, path)["applications_count"] == 1


def test_closed_job_detail_is_never_kept(w, api, db):
    job = city_job(w, uniq("Closedham"))
    db(f"UPDATE jobs SET is_active = false WHERE id = {job['id']}")
    for _ in range(2):
        r = api.get(f"jobs/{job['id']}/", token=w.recr["access"])
        assert r.status_code == 200 and r.headers.get(HEADER) == "miss"
        assert api.get(f"jobs/{job['id']}/", token=w.cand["access"]).status_code == 404


def test_matches_follow_the_candidates_profile(w, api, db):
    """A skill added to the profile raises the score of the one job that asks for it, so the
    number of matches at a score just above its old one grows by exactly one."""
    skill = int(db.scalar(f"INSERT INTO skills (name, category) VALUES"
                          f" ({sql_quote(uniq('Cache match skill'))}, 'clinical') RETURNING id"))
    job = city_job(w, uniq("Matchford"))
    db(f"INSERT INTO job_skills (job_id, skill_id) VALUES ({job['id']}, {skill})")
    cand = w.candidate("Cache", "Matcher")
    detail = f"jobs/{job['id']}/"
    s0 = get_twice(api, detail, token=cand["access"])["match_score"]
    path = f"jobs/matches/?min_score={s0 + 1}&page_size=1"
    c0 = get_twice(api, path, token=cand["access"])["count"]
    db(f"INSERT INTO candidate_skills (profile_id, skill_id) VALUES ({cand['profile']}, {skill})")
    s1 = fresh(api, detail, token=cand["access"])["match_score"]
    assert s1 > s0
    assert fresh(api, path, token=cand["access"])["count"] == c0 + 1
    assert get_twice(api, path, token=cand["access"])["count"] == c0 + 1


def test_master_list_follows_writes(w, api):
    name = uniq("Cachable skill")
    path = f"masters/skills/?search={name.split()[-1]}"
    assert get_twice(api, path)["count"] == 0
    s = assert_json(api.post("masters/skills/", json={"name": name, "category": "clinical"},
                             token=w.admin["access"]), 201)
    body = fresh(api, path)
    assert [(x["id"], x["name"]) for x in body["results"]] == [(s["id"], name)]
    assert get_twice(api, path) == body


def test_a_write_is_seen_by_the_next_request_under_load(w, api, stack):
    """Requests share stamp reads (services/cached.c); a request may only use one that began after it
    arrived. With readers keeping the same page busy, each write must show in the first read
    made after the write returned."""
    city = uniq("Loadville")
    job = city_job(w, city)
    path = f"jobs/?city={city}"
    stop = threading.Event()
    errors = []

    def reader():
        a = Api(stack.base_url)
        try:
            while not stop.is_set():
                r = a.get(path)
                if r.status_code != 200:
                    errors.append(r.status_code)
        finally:
            a.close()

    # 4: with the test's own connections, within the 8 workers of the prefork test server
    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        for i in range(25):
            title = f"Load nurse {i} {uuid.uuid4().hex[:6]}"
            w.sql(f"UPDATE jobs SET title = {sql_quote(title)} WHERE id = {job['id']}")
            r = api.get(path)
            assert r.status_code == 200
            assert r.json()["results"][0]["title"] == title, i
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert errors == []


def test_another_node_sees_writes_at_once(w, api, side_stack):  # noqa: F811
    """Two httpd servers on one database: each keeps its own cache, and a write through one
    is seen by the next request to the other."""
    side_stack.start_httpd()
    other = Api(side_stack.base_url)
    try:
        city = uniq("Twinnode")
        job = city_job(w, city)
        path = f"jobs/?city={city}"
        get_twice(other, path)
        get_twice(api, path)
        r = api.patch(f"jobs/{job['id']}/", json={"title": "Seen on both nodes"},
                      token=w.recr["access"])
        assert_json(r, 200)
        assert fresh(other, path)["results"][0]["title"] == "Seen on both nodes"
        assert fresh(api, path)["results"][0]["title"] == "Seen on both nodes"
    finally:
        other.close()


def test_cache_can_be_turned_off(w, api, side_stack):  # noqa: F811
    side_stack.extra_conf = "CarechainResponseCache 0\n"
    side_stack.start_httpd()
    other = Api(side_stack.base_url)
    try:
        city = uniq("Nocachetown")
        city_job(w, city)
        for _ in range(2):
            r = other.get(f"jobs/?city={city}")
            assert r.status_code == 200 and r.json()["count"] == 1
            assert HEADER not in r.headers
    finally:
        other.close()


@pytest.mark.parametrize("value,expect", [
    ("1K", "CarechainResponseCache: '1K' is not a size in 65536.."),
    ("lots", "CarechainResponseCache: 'lots' is not a size"),
    ("-5M", "CarechainResponseCache: '-5M' is not a size"),
])
def test_bad_cache_sizes_are_refused(side_stack, value, expect):  # noqa: F811
    from stack import StackError
    side_stack.extra_conf = f"CarechainResponseCache {value}\n"
    with pytest.raises(StackError) as e:
        side_stack.start_httpd()
    assert expect in str(e.value)
