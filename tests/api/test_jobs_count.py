"""The public job list's exact `count`, served from the trigger-kept open-jobs counter
(job_open_counts, cc_open_jobs_count): it must equal a real count after every kind of write."""

from helpers import assert_json, create_admin
from test_jobs import poster, post_job

TRUTH = "SELECT count(*) FROM jobs WHERE is_active AND (expires_at IS NULL OR expires_at > now())"


def public_count(api):
    return assert_json(api.get("jobs/"), 200)["count"]


def check(api, db, expected):
    truth = int(db.scalar(TRUTH))
    assert truth == expected
    assert public_count(api) == expected
    assert int(db.scalar("SELECT cc_open_jobs_count()")) == expected


def test_count_follows_every_write(api, db, read_mails, stack):
    admin = create_admin(stack, api, login_now=True)
    recr = poster(api, read_mails, admin)
    n = int(db.scalar(TRUTH))
    check(api, db, n)

    a = post_job(api, recr)  # expires in 2030
    b = post_job(api, recr, expires_at=None)
    c = post_job(api, recr, is_active=False)
    check(api, db, n + 2)

    # deactivate, reactivate, activate an inactive one
    assert_json(api.patch(f"jobs/{a['id']}/", json={"is_active": False}, token=recr["access"]), 200)
    check(api, db, n + 1)
    assert_json(api.patch(f"jobs/{a['id']}/", json={"is_active": True}, token=recr["access"]), 200)
    assert_json(api.patch(f"jobs/{c['id']}/", json={"is_active": True}, token=recr["access"]), 200)
    check(api, db, n + 3)

    # expiry moves between days: later today (still open), in the past today, days ago, none
    db(f"UPDATE jobs SET expires_at = now() + interval '1 second' * "
       f"greatest(60, least(3600, extract(epoch FROM date_trunc('day', now() + interval '1 day') - now()) - 5))"
       f" WHERE id = {int(a['id'])}")
    check(api, db, n + 3)
    db(f"UPDATE jobs SET expires_at = now() - interval '1 second' WHERE id = {int(a['id'])}")
    check(api, db, n + 2)
    db(f"UPDATE jobs SET expires_at = now() - interval '3 days' WHERE id = {int(b['id'])}")
    check(api, db, n + 1)
    assert_json(api.patch(f"jobs/{b['id']}/", json={"expires_at": None}, token=recr["access"]), 200)
    check(api, db, n + 2)

    # edits that touch neither is_active nor expires_at change nothing
    assert_json(api.patch(f"jobs/{b['id']}/", json={"title": "Night Nurse"},
                          token=recr["access"]), 200)
    check(api, db, n + 2)

    # delete, and a set-based write over several rows in one statement
    assert api.delete(f"jobs/{c['id']}/", token=recr["access"]).status_code == 204
    check(api, db, n + 1)
    db(f"UPDATE jobs SET is_active = false WHERE id IN ({int(a['id'])}, {int(b['id'])})")
    check(api, db, n)
