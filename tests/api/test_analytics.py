"""Admin analytics (CONTRACT §5, docs/API.md "Analytics"): users/, jobs/ and applications/ time
series over local days of a time zone, zero-filled, with their breakdowns, as JSON and CSV.

The counting tests read the deltas a few API calls make to today's bucket, or place rows in
2031 (no other test writes there) to fix the moments exactly."""

import csv
import io
import uuid
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from helpers import assert_error, assert_json, create_admin, logged_in_user, login
from test_jobs import post_job, poster

KINDS = ["users", "jobs", "applications"]


@pytest.fixture
def admin(stack, api):
    return create_admin(stack, api, login_now=True)


def get(api, admin, kind, **params):
    return assert_json(api.get(f"admin/analytics/{kind}/", params=params, token=admin["access"]),
                       200)


def bucket(doc, day, series="series"):
    [b] = [b for b in doc[series] if b["bucket"] == day]
    return b


# ---- who may ask ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_admins_only(api, read_mails, kind):
    assert_error(api.get(f"admin/analytics/{kind}/"), 401, "not_authenticated")
    for role in ("candidate", "recruiter"):
        u = logged_in_user(api, read_mails, role=role)
        assert_error(api.get(f"admin/analytics/{kind}/", token=u["access"]), 403,
                     "permission_denied")


# ---- parameters -------------------------------------------------------------------------------


@pytest.mark.parametrize("params,errors", [
    ({"from": "2026-13-01"}, {"from": ["Date has wrong format. Use one of these formats instead: "
                                       "YYYY-MM-DD."]}),
    ({"to": "yesterday"}, {"to": ["Date has wrong format. Use one of these formats instead: "
                                  "YYYY-MM-DD."]}),
    ({"interval": "hour"}, {"interval": ["Select a valid choice. hour is not one of the available "
                                         "choices."]}),
    ({"format": "xml"}, {"format": ["Select a valid choice. xml is not one of the available "
                                    "choices."]}),
    ({"tz": "Mars/Olympus_Mons"}, {"tz": ['Unknown time zone "Mars/Olympus_Mons".']}),
    ({"tz": "UTC; DROP TABLE users"}, {"tz": ['Unknown time zone "UTC; DROP TABLE users".']}),
    ({"from": "2026-02-02", "to": "2026-02-01"}, {"from": ["Must be on or before to."]}),
    ({"from": "2020-01-01", "to": "2023-01-01"},
     {"interval": ["A day interval covers at most 1096 days (3 years); use week or month."]}),
    ({"from": "1990-01-01", "to": "2023-01-01", "interval": "month"},
     {"from": ["The range may cover at most 20 years."]}),
])
def test_invalid_parameters(api, admin, params, errors):
    for kind in KINDS:
        assert_json(api.get(f"admin/analytics/{kind}/", params=params, token=admin["access"]),
                    400, errors)


def test_defaults_and_zero_filled_buckets(api, admin):
    doc = get(api, admin, "users")
    assert doc["interval"] == "day" and doc["tz"] == "UTC"
    assert len(doc["series"]) == 30 and doc["series"][-1]["bucket"] == doc["to"]
    assert doc["series"][0]["bucket"] == doc["from"]
    # three years of days is the most a day series covers
    assert len(get(api, admin, "jobs", **{"from": "2020-01-01", "to": "2022-12-31"})["series"]) == 1096
    far = {"from": "2032-01-01", "to": "2032-01-07"}
    for kind in KINDS:
        d = get(api, admin, kind, **far)
        assert [b["bucket"] for b in d["series"]] == [f"2032-01-0{i}" for i in range(1, 8)]
        assert {b["count"] for b in d["series"]} == {0}
        assert (d["from"], d["to"]) == ("2032-01-01", "2032-01-07")
    d = get(api, admin, "applications", **far)
    assert [s["stage"] for s in d["funnel"]] == ["applied", "reviewed", "shortlisted",
                                                 "interviewing", "offered", "hired"]
    assert {s["count"] for s in d["funnel"]} == {0}
    assert d["time_to_hire_hours"] == {"count": 0, "median": None, "p90": None}
    # weeks start on Monday (2032-01-01 is a Thursday), months on the 1st
    assert [b["bucket"] for b in get(api, admin, "users", interval="week", **far)["series"]] == [
        "2031-12-29", "2032-01-05"]
    assert [b["bucket"] for b in get(api, admin, "users", interval="month",
                                     **{"from": "2032-01-15", "to": "2032-03-02"})["series"]] == [
        "2032-01-01", "2032-02-01", "2032-03-01"]


# ---- counting ---------------------------------------------------------------------------------


def test_a_new_user_and_a_login_count_once(api, admin, read_mails):
    before = get(api, admin, "users")
    today = before["to"]
    u = logged_in_user(api, read_mails, role="recruiter")
    login(api, u["email"], u["password"])  # a second login the same day: still one active user
    after = get(api, admin, "users")
    b0, b1 = bucket(before, today), bucket(after, today)
    assert b1["count"] == b0["count"] + 1
    assert b1["by_role"]["recruiter"] == b0["by_role"]["recruiter"] + 1
    assert b1["by_role"]["candidate"] == b0["by_role"]["candidate"]
    a0, a1 = bucket(before, today, "active_series"), bucket(after, today, "active_series")
    assert a1["count"] == a0["count"] + 1
    assert after["totals"]["new"] == before["totals"]["new"] + 1
    assert after["totals"]["active"] == before["totals"]["active"] + 1


def test_buckets_are_local_days_of_the_time_zone(api, admin, read_mails, db):
    u = logged_in_user(api, read_mails)
    # 20:00 UTC is 01:30 the next day in India
    db(f"UPDATE users SET date_joined = '2031-03-10 20:00:00+00' WHERE id = {u['id']}")
    r = {"from": "2031-03-09", "to": "2031-03-12"}
    utc = get(api, admin, "users", **r)
    ist = get(api, admin, "users", tz="Asia/Kolkata", **r)
    assert bucket(utc, "2031-03-10")["count"] == 1 and bucket(utc, "2031-03-11")["count"] == 0
    assert bucket(ist, "2031-03-10")["count"] == 0 and bucket(ist, "2031-03-11")["count"] == 1
    assert ist["tz"] == "Asia/Kolkata"
    # the range is of local days too: 2031-03-11 alone in India holds it, in UTC it does not
    assert get(api, admin, "users", tz="Asia/Kolkata", **{"from": "2031-03-11", "to":
                                                          "2031-03-11"})["totals"]["new"] == 1
    assert get(api, admin, "users", **{"from": "2031-03-11", "to": "2031-03-11"})["totals"][
        "new"] == 0


def test_jobs_by_type_city_hospital_and_fill_rate(api, admin, read_mails, db):
    recr = poster(api, read_mails, admin)
    tag = uuid.uuid4().hex[:6]
    jobs = [post_job(api, recr, city=f"City{i:02d}-{tag}", job_type="locum" if i < 3 else
                     "full_time") for i in range(22)]
    ids = ",".join(str(j["id"]) for j in jobs)
    db(f"UPDATE jobs SET created_at = '2031-05-05 10:00:00+00' WHERE id IN ({ids})")
    # two cities have a second job: they lead the top 20
    for i in (5, 7):
        j = post_job(api, recr, city=f"City{i:02d}-{tag}", job_type="full_time")
        db(f"UPDATE jobs SET created_at = '2031-05-06 10:00:00+00' WHERE id = {j['id']}")
        jobs.append(j)
    doc = get(api, admin, "jobs", **{"from": "2031-05-01", "to": "2031-05-31"})
    assert doc["total"] == 24
    assert bucket(doc, "2031-05-05")["count"] == 22 and bucket(doc, "2031-05-06")["count"] == 2
    assert doc["by_job_type"] == [{"key": "full_time", "count": 21}, {"key": "locum", "count": 3}]
    cities = doc["by_city"]
    assert len(cities) == 21 and cities[-1] == {"key": "other", "count": 2}
    assert cities[0] == {"key": f"City05-{tag}", "count": 2}
    assert cities[1] == {"key": f"City07-{tag}", "count": 2}
    assert sum(c["count"] for c in cities) == 24
    assert doc["by_hospital"] == [{"key": f"{recr['hospital']['name']} "
                                          f"({recr['hospital']['id']})", "count": 24}]
    assert doc["fill_rate"] == {"closed": 0, "filled": 0, "rate": None}
    # close two, one of them with a hire
    cand = logged_in_user(api, read_mails)
    app = assert_json(api.post("jobs/applications/", json={"job": jobs[0]["id"]},
                               token=cand["access"]), 201)
    assert api.patch(f"jobs/applications/{app['id']}/", json={"status": "hired"},
                     token=recr["access"]).status_code == 200
    for j in jobs[:2]:
        assert api.patch(f"jobs/{j['id']}/", json={"is_active": False},
                         token=recr["access"]).status_code == 200
    doc = get(api, admin, "jobs", **{"from": "2031-05-01", "to": "2031-05-31"})
    assert doc["fill_rate"] == {"closed": 2, "filled": 1, "rate": 0.5}


def test_applications_funnel_counts_skipped_stages(api, admin, read_mails):
    recr = poster(api, read_mails, admin)
    job = post_job(api, recr)
    before = get(api, admin, "applications")
    today = before["to"]
    apps = []
    for _ in range(3):
        c = logged_in_user(api, read_mails)
        apps.append(assert_json(api.post("jobs/applications/", json={"job": job["id"]},
                                         token=c["access"]), 201))
    # one goes straight to interviewing (skipping reviewed and shortlisted), then hired; one is
    # reviewed then rejected; one stays applied
    for status in ("interviewing", "hired"):
        assert api.patch(f"jobs/applications/{apps[0]['id']}/", json={"status": status},
                         token=recr["access"]).status_code == 200
    for status in ("reviewed", "rejected"):
        assert api.patch(f"jobs/applications/{apps[1]['id']}/", json={"status": status},
                         token=recr["access"]).status_code == 200
    after = get(api, admin, "applications")
    f0 = {s["stage"]: s["count"] for s in before["funnel"]}
    f1 = {s["stage"]: s["count"] for s in after["funnel"]}
    assert {k: f1[k] - f0[k] for k in f1} == {"applied": 3, "reviewed": 2, "shortlisted": 1,
                                               "interviewing": 1, "offered": 1, "hired": 1}
    b0, b1 = bucket(before, today), bucket(after, today)
    assert b1["count"] == b0["count"] + 3
    deltas = {k: b1["by_status"][k] - b0["by_status"][k] for k in b1["by_status"]}
    assert deltas == {"applied": 1, "reviewed": 0, "shortlisted": 0, "interviewing": 0,
                      "offered": 0, "hired": 1, "rejected": 1, "withdrawn": 0}
    assert after["time_to_hire_hours"]["count"] == before["time_to_hire_hours"]["count"] + 1
    assert after["time_to_first_response_hours"]["count"] == (
        before["time_to_first_response_hours"]["count"] + 2)
    conv = {s["stage"]: s["conversion"] for s in after["funnel"]}
    assert conv["applied"] is None
    assert conv["reviewed"] == round(f1["reviewed"] / f1["applied"], 4)


def test_time_to_hire_median_and_p90(api, admin, read_mails, db):
    recr = poster(api, read_mails, admin)
    job = post_job(api, recr)
    hours = [10, 20, 30, 40, 50]
    for h in hours:
        c = logged_in_user(api, read_mails)
        app = assert_json(api.post("jobs/applications/", json={"job": job["id"]},
                                   token=c["access"]), 201)
        assert api.patch(f"jobs/applications/{app['id']}/", json={"status": "hired"},
                         token=recr["access"]).status_code == 200
        db(f"UPDATE applications SET applied_at = '2031-07-01 00:00:00+00' WHERE id = {app['id']}")
        db(f"UPDATE application_events SET changed_at = '2031-07-01 00:00:00+00'::timestamptz + "
           f"interval '{h} hours' WHERE application_id = {app['id']} AND status = 'hired'")
        db(f"UPDATE application_events SET changed_at = '2031-07-01 00:00:00+00' WHERE "
           f"application_id = {app['id']} AND status = 'applied'")
        # history rows are only ever inserted (the trigger keeps the facts then); moved in time
        # here, their facts are derived again as the migration's backfill does
        db("UPDATE applications a SET hired_at = x.hired_at, responded_at = x.responded_at "
           "FROM cc_application_history_facts((SELECT array_agg(id) FROM application_events "
           f"WHERE application_id = {app['id']})) x WHERE a.id = x.application_id")
    doc = get(api, admin, "applications", **{"from": "2031-07-01", "to": "2031-07-01"})
    assert doc["total"] == 5
    assert doc["time_to_hire_hours"] == {"count": 5, "median": 30, "p90": 46}
    assert doc["time_to_first_response_hours"] == {"count": 5, "median": 30, "p90": 46}


# ---- CSV ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_csv_holds_the_same_data(api, admin, kind):
    params = {"from": "2032-02-01", "to": "2032-02-03"}
    doc = get(api, admin, kind, **params)
    r = api.get(f"admin/analytics/{kind}/", params=dict(params, format="csv"),
                token=admin["access"])
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert r.headers["Content-Disposition"] == (
        f'attachment; filename="carechain-{kind}-2032-02-01-2032-02-03.csv"')
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["metric", "label", "field", "value"]
    got = {(m, l, f): v for m, l, f, v in rows[1:]}
    assert got[("from", "", "")] == "2032-02-01" and got[("tz", "", "")] == "UTC"
    for b in doc["series"]:
        assert got[("series", b["bucket"], "count")] == str(b["count"])
    if kind == "users":
        assert got[("series", "2032-02-02", "by_role.candidate")] == "0"
        assert got[("totals", "", "by_role.admin")] == "0"
    if kind == "applications":
        assert got[("funnel", "hired", "count")] == "0"
        assert got[("time_to_hire_hours", "", "median")] == ""
    # every value of the document is a row
    def leaves(v):
        if isinstance(v, dict):
            return sum(leaves(x) for k, x in v.items() if k not in ("bucket", "stage", "key"))
        if isinstance(v, list):
            return sum(leaves(x) for x in v)
        return 1
    assert len(rows) - 1 == leaves(doc)


def test_csv_quotes_names_with_commas(api, admin, read_mails, db):
    recr = poster(api, read_mails, admin)
    j = post_job(api, recr, city='Pune, "East"')
    db(f"UPDATE jobs SET created_at = '2031-09-09 09:00:00+00' WHERE id = {j['id']}")
    r = api.get("admin/analytics/jobs/", params={"from": "2031-09-09", "to": "2031-09-09",
                                                 "format": "csv"}, token=admin["access"])
    assert '"Pune, ""East"""' in r.text
    rows = list(csv.reader(io.StringIO(r.text)))
    assert ["by_city", 'Pune, "East"', "count", "1"] in rows


# ---- fast buckets and kept waits (schema 0019, cc_bucket_plan) ----------------------------------
# The reports tell a row's bucket from a date_bin() or a binary search over the moments the
# buckets start at, checked once per report, and fall back to the zone's rules per row when the
# check cannot vouch for them (docs/notes/analytics.md). Python's zoneinfo is the independent
# judge: rows placed on both sides of 2033's changes of offset and of the local midnights next
# to them must land in the buckets zoneinfo names, on every path.

ZONES = {
    # zone: the path a day series of 2033 takes (1 date_bin, 2 binary search, 0 per row)
    "UTC": 1, "Asia/Kolkata": 1, "Asia/Kathmandu": 1,
    "America/New_York": 2, "Australia/Lord_Howe": 2, "Pacific/Chatham": 2,
    # Cuba falls back from 01:00 to 00:00: the midnight of that day happens twice
    "America/Havana": 0,
}


def _first_moment(z, day):
    """The first moment (UTC) of local day `day` in zone z (its midnight may not exist)."""
    midnight = datetime(day.year, day.month, day.day)
    return next(m for m in (midnight + timedelta(minutes=15 * i) for i in range(-100, 100))
                if m.replace(tzinfo=z).astimezone(timezone.utc).astimezone(z).date() == day
                and (m - timedelta(minutes=15)).replace(tzinfo=z).astimezone(
                    timezone.utc).astimezone(z).date() < day
                ).replace(tzinfo=z).astimezone(timezone.utc)


def _moments(tz):
    """Moments (UTC), to the microsecond, next to each change of offset of tz in 2033, to the
    local midnights of the days around it, and to the local midnights that start a month
    (March, June) and a week (Monday 2033-06-13)."""
    z, utc, us = ZoneInfo(tz), timezone.utc, timedelta(microseconds=1)
    days = [date(2033, 3, 1), date(2033, 6, 1), date(2033, 6, 13)]
    out = [datetime(2033, 6, 15, 12, tzinfo=utc)]
    t = datetime(2033, 1, 2, tzinfo=utc)
    while t < datetime(2033, 12, 30, tzinfo=utc):
        nxt = t + timedelta(minutes=15)
        if t.astimezone(z).utcoffset() != nxt.astimezone(z).utcoffset():
            lo, hi = t, nxt  # the change is in (lo, hi]: find its first microsecond
            while hi - lo > us:
                mid = lo + (hi - lo) // 2
                if mid.astimezone(z).utcoffset() == lo.astimezone(z).utcoffset():
                    lo = mid
                else:
                    hi = mid
            out += [hi - us, hi, hi + timedelta(minutes=30), hi + timedelta(minutes=59)]
            days += [(hi + timedelta(days=d)).astimezone(z).date() for d in (-1, 0, 1)]
        t = nxt
    for d in days:
        m = _first_moment(z, d)
        out += [m - us, m, m + timedelta(minutes=30)]
    return sorted(set(out))


def _expected(moments, tz, iv):
    counts = {}
    for m in moments:
        d = m.astimezone(ZoneInfo(tz)).date()
        if iv == "week":
            d -= timedelta(days=d.weekday())
        elif iv == "month":
            d = d.replace(day=1)
        counts[d.isoformat()] = counts.get(d.isoformat(), 0) + 1
    return counts


def test_buckets_around_changes_of_offset_match_zoneinfo(api, admin, read_mails, db):
    recr = poster(api, read_mails, admin)
    cand = logged_in_user(api, read_mails)
    pid = int(db.scalar(f"SELECT id FROM candidate_profiles WHERE user_id = {cand['id']}"))
    plans = {}
    jobs = []
    for tz, path in ZONES.items():
        moments = _moments(tz)
        assert len(moments) >= (9 if path == 1 else 20), tz
        while len(jobs) < len(moments):
            j = post_job(api, recr)
            db(f"INSERT INTO applications (job_id, candidate_id) VALUES ({j['id']}, {pid})")
            jobs.append(j["id"])
        # the rows of this zone in 2033, the others moved to 2034
        db("UPDATE jobs SET created_at = '2034-06-01' WHERE id IN (%s)" % ",".join(map(str, jobs)))
        db("UPDATE applications SET applied_at = '2034-06-01' WHERE candidate_id = %d" % pid)
        for job, m in zip(jobs, moments):
            db(f"UPDATE jobs SET created_at = '{m.isoformat()}' WHERE id = {job}")
            db(f"UPDATE applications SET applied_at = '{m.isoformat()}' WHERE job_id = {job}")
        for iv in ("day", "week", "month"):
            r = {"from": "2033-01-01", "to": "2033-12-31", "interval": iv, "tz": tz}
            want = _expected(moments, tz, iv)
            for kind in ("jobs", "applications"):
                doc = get(api, admin, kind, **r)
                got = {b["bucket"]: b["count"] for b in doc["series"] if b["count"]}
                assert got == want, (tz, iv, kind)
                assert doc["total"] == len(moments)
            plans[tz, iv] = int(db.scalar(
                f"SELECT mode FROM cc_bucket_plan('2033-01-01', '2033-12-31', '{iv}', '{tz}')"))
        assert plans[tz, "day"] == path, tz
    # every path was taken, months by the binary search
    assert {plans[k] for k in plans} == {0, 1, 2}
    assert plans["Asia/Kolkata", "week"] == 1 and plans["UTC", "month"] == 2


def test_waits_follow_the_rows(api, admin, read_mails, db):
    """hire_us and answer_us (0019) are kept by PostgreSQL with every write of the row."""
    recr = poster(api, read_mails, admin)
    job = post_job(api, recr)
    c = logged_in_user(api, read_mails)
    app = assert_json(api.post("jobs/applications/", json={"job": job["id"]}, token=c["access"]),
                      201)

    def waits():
        [row] = db("SELECT hire_us, answer_us, (extract(epoch FROM hired_at - applied_at)"
                   " * 1000000)::bigint, (extract(epoch FROM responded_at - applied_at)"
                   " * 1000000)::bigint FROM applications WHERE id = %d" % app["id"])
        return row

    assert waits() == ["", "", "", ""]
    assert api.patch(f"jobs/applications/{app['id']}/", json={"status": "reviewed"},
                     token=recr["access"]).status_code == 200
    hire, answer, _, want = waits()
    assert hire == "" and answer == want and int(answer) >= 0
    assert api.patch(f"jobs/applications/{app['id']}/", json={"status": "hired"},
                     token=recr["access"]).status_code == 200
    hire, answer2, want_hire, _ = waits()
    assert hire == want_hire and int(hire) >= int(answer) and answer2 == answer
    # moved in time, both follow: an application of 2033-02-01 answered after 90 minutes and
    # hired after 36 hours
    db("UPDATE applications SET applied_at = '2033-02-01 00:00:00+00', responded_at ="
       " '2033-02-01 01:30:00+00', hired_at = '2033-02-02 12:00:00+00' WHERE id = %d" % app["id"])
    assert waits()[:2] == [str(36 * 3600 * 10**6), str(90 * 60 * 10**6)]
    doc = get(api, admin, "applications", **{"from": "2033-02-01", "to": "2033-02-01"})
    assert doc["time_to_hire_hours"] == {"count": 1, "median": 36, "p90": 36}
    assert doc["time_to_first_response_hours"] == {"count": 1, "median": 1.5, "p90": 1.5}
