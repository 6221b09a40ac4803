"""Every main page at 375 px wide has no horizontal scroll and requests nothing from another
origin; screenshots of the main pages on a
phone and on a desktop (build/screenshots/). The data is made through the API and SQL (the
journey test does it through the UI)."""

import pytest

from conftest import By, helpers, make_world

PASSWORD = helpers.PASSWORD


@pytest.fixture(scope="module")
def world(seeded):
    return make_world(seeded)


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
    bad, foreign = [], []
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
                names = page.d.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
                foreign += [n for n in names if not n.startswith(page.base + "/")]
                if size == "phone":
                    sw, cw, iw = no_horizontal_scroll(page)
                    assert iw <= 400, iw  # really a phone-sized viewport
                    if sw > cw:
                        bad.append((url, sw, cw))
                if path in SHOT:
                    page.shot(f"{size}-{name}")
        page.logout()
    assert bad == [], bad
    assert foreign == [], foreign  # nothing requested from another origin on any page
