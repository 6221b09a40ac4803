"""Every main page at 375 px wide has no horizontal scroll and requests nothing from another
origin; on each, every control has a label, there is one h1 and headings do not skip levels; screenshots of the main pages on a
phone and on a desktop (build/screenshots/). The data is made through the API and SQL (the
journey test does it through the UI)."""

import pytest

from conftest import By, helpers, make_world

PASSWORD = helpers.PASSWORD


@pytest.fixture(scope="module")
def world(seeded):
    return make_world(seeded)


A11Y = """
const out = [];
for (const el of document.querySelectorAll('main input, main select, main textarea, main button')) {
  if (el.type === 'hidden') continue;
  const named = el.tagName === 'BUTTON' ? (el.textContent.trim() || el.getAttribute('aria-label'))
    : (el.labels && el.labels.length) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
  if (!named) out.push('unlabelled ' + el.tagName + ' ' + (el.name || el.id || el.type));
}
const hs = [...document.querySelectorAll('main h1, main h2, main h3, main h4')].map(h => +h.tagName[1]);
if (hs.filter(l => l === 1).length !== 1) out.push('h1 count ' + hs.filter(l => l === 1).length);
for (let i = 1; i < hs.length; i++) if (hs[i] > hs[i - 1] + 1) out.push('heading skips h' + hs[i - 1] + ' -> h' + hs[i]);
return out;
"""


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
    bad, foreign, a11y = [], [], []
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
                if size == "desktop":
                    a11y += [(url, p) for p in page.d.execute_script(A11Y)]
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
    # every control has a label (or a name), one h1 per page, headings do not skip a level
    assert a11y == [], a11y
