"""Every main page at 375 px wide has no horizontal scroll; screenshots of the main pages on a
phone and on a desktop (build/screenshots/). The data is made through the API and SQL (the
journey test does it through the UI)."""

import uuid

import pytest

from conftest import By, _api_conftest, helpers

PASSWORD = helpers.PASSWORD


def sql(stack, text):
    rows = stack.psql(text)
    return rows[0][0] if rows else None


@pytest.fixture(scope="module")
def world(seeded):
    s = seeded
    api = _api_conftest.Api(s.base_url)

    def read_mails(to=None):
        return _api_conftest._load_mails(s.mail_dir, to)
    w = {}
    cand = helpers.create_user(api, read_mails, "candidate", login_now=True, first_name="Kavya",
                               last_name="Raghunathan-Subramaniam")
    api.patch("profiles/candidate/", json={"city": "Pune", "headline": "Senior staff nurse, neonatal ICU",
                                            "years_of_experience": 8}, token=cand["access"])
    rec = helpers.create_user(api, read_mails, "recruiter", login_now=True, first_name="Ravi", last_name="Menon")
    hosp = api.post("profiles/hospital/", json={"name": "Deenanath Mangeshkar Super Speciality Hospital and Research Centre",
                                                "registration_number": "MH-" + uuid.uuid4().hex[:8],
                                                "type": "specialty", "city": "Pune"}, token=rec["access"]).json()
    sql(s, f"UPDATE hospitals SET verification_status = 'verified' WHERE id = {int(hosp['id'])}")
    sql(s, f"UPDATE recruiter_profiles SET verification_status = 'verified' WHERE user_id = {int(rec['id'])}")
    job = api.post("jobs/", json={"title": "Neonatal Intensive Care Unit Registered Nurse (Night Shift Rotation)",
                                  "description": "A long description " * 40, "job_type": "full_time",
                                  "experience_level": "senior", "salary_min": "45000", "salary_max": "65000",
                                  "city": "Pune", "state": "Maharashtra"}, token=rec["access"])
    assert job.status_code == 201, job.text
    job = job.json()
    app = api.post("jobs/applications/", json={"job": job["id"], "cover_letter": "x " * 300}, token=cand["access"]).json()
    admin_email = helpers.unique_email("admin")
    s.create_superuser(admin_email, PASSWORD)
    # one candidate in the hospital queue
    q = helpers.create_user(api, read_mails, "candidate", login_now=True, first_name="Queued", last_name="Candidate")
    r = api.post("profiles/verification/", json={"license_number": "MH-12345", "registration_council": "Maharashtra Nursing Council",
                                                 "document_ids": []}, token=q["access"])
    assert r.status_code in (200, 201), r.text
    w.update(cand=cand, rec=rec, job=job, app=app, admin=admin_email)
    return w


def no_horizontal_scroll(page):
    return page.d.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth, window.innerWidth]")


PAGES = {
    None: ["/", "/jobs", "/jobs/{job}", "/login", "/register", "/verify-email", "/reset-password", "/nope"],
    "cand": ["/profile", "/documents", "/matches", "/applications", "/applications/{app}", "/notifications", "/messages"],
    "rec": ["/recruiter", "/recruiter/hospital", "/recruiter/jobs/new", "/recruiter/jobs/{job}",
            "/recruiter/jobs/{job}/edit", "/recruiter/candidates/{cand_profile}?application={app}"],
    "admin": ["/admin", "/admin/verifications", "/admin/verifications/hospitals", "/admin/testimonials",
              "/admin/users", "/admin/audit", "/admin/activity"],
}
SHOT = {"/", "/jobs", "/jobs/{job}", "/login", "/profile", "/applications/{app}", "/recruiter/jobs/{job}", "/admin", "/admin/verifications"}


def test_pages_at_375px_have_no_horizontal_scroll(page, world):
    w = world
    fmt = {"job": w["job"]["id"], "app": w["app"]["id"], "cand_profile": w["app"]["candidate"]["id"]}
    bad = []
    for who, paths in PAGES.items():
        page.desktop()
        if who == "cand":
            page.login(w["cand"]["email"], PASSWORD)
        elif who == "rec":
            page.login(w["rec"]["email"], PASSWORD)
        elif who == "admin":
            page.login(w["admin"], PASSWORD)
        for path in paths:
            url = path.format(**fmt)
            name = (path.strip("/").split("?")[0].replace("/", "-").replace("{", "").replace("}", "")
                    or "home")
            for size in ("phone", "desktop"):
                getattr(page, size)()
                page.go(url)
                page.wait(lambda d: not d.find_elements(By.CSS_SELECTOR, "[aria-busy=true]"))
                if size == "phone":
                    sw, cw, iw = no_horizontal_scroll(page)
                    assert iw <= 400, iw  # really a phone-sized viewport
                    if sw > cw:
                        bad.append((url, sw, cw))
                if path in SHOT:
                    page.shot(f"{size}-{name}")
        page.logout()
    assert bad == [], bad
