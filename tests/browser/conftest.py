"""Fixtures for the browser tests: the private stack of the API suite (tests/api/conftest.py's
fixtures, reused as they are: pg_stack, stack, base_url, api, db, mail_dir, read_mails) and a
headless Chromium driven by Debian's python3-selenium (/usr/bin/chromium, /usr/bin/chromedriver).

    cd tests/browser && /usr/bin/python3 -m pytest -q         # or: make browser

Extra fixtures:
    browser   session; a selenium Chrome, 1280x900, performance logging of the page's requests
    page      function; the browser with sessionStorage cleared, helpers attached (see Page)
Screenshots go to build/screenshots/ (desktop-*.png, phone-*.png).
"""

import importlib.util
import sys
import time
import uuid
from pathlib import Path

import pytest

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SHOTS = REPO / "build" / "screenshots"


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


_api_conftest = _load("api_conftest", HERE.parent / "api" / "conftest.py")
helpers = _load("api_helpers", HERE.parent / "api" / "helpers.py")
# The API suite's fixtures, under their own names (pytest finds fixtures in this module).
pg_stack = _api_conftest.pg_stack
stack = _api_conftest.stack
base_url = _api_conftest.base_url
api = _api_conftest.api
db = _api_conftest.db
mail_dir = _api_conftest.mail_dir
read_mails = _api_conftest.read_mails

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait, Select  # noqa: E402


@pytest.fixture(scope="session")
def browser(stack):
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
              "--window-size=1280,900", "--no-first-run", "--disable-extensions",
              "--disable-background-networking", "--disable-sync", "--disable-default-apps",
              "--disable-component-update", "--lang=en-GB"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    d.set_page_load_timeout(60)
    try:
        yield d
    finally:
        d.quit()


class Page:
    """The browser at the stack: go(path), find(css), text(css), wait_text(css, text), fill(label,
    value), click_button(name), shot(name), console_errors()."""

    def __init__(self, driver, base_url):
        self.d = driver
        self.base = base_url

    def go(self, path):
        self.d.get(self.base + path)
        self.wait_ready()

    def wait_ready(self):
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete")
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "main h1"))

    def wait(self, cond, timeout=20):
        try:
            return WebDriverWait(self.d, timeout).until(cond)
        except Exception as e:  # say where the page was and what it showed
            try:
                main = self.d.execute_script(
                    "const m = document.querySelector('main'); return m ? m.innerText : document.body.innerText")
                logs = self.d.get_log("browser")
            except Exception:
                main, logs = "?", []
            raise AssertionError(f"timed out at {self.d.current_url}\n--- page:\n{main[:2000]}\n"
                                 f"--- console:\n{logs}") from e

    def find(self, css, timeout=20):
        return self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, css)), timeout)

    def finds(self, css):
        return self.d.find_elements(By.CSS_SELECTOR, css)

    def wait_text(self, css, text, timeout=20):
        self.wait(EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text), timeout)
        return self.d.find_element(By.CSS_SELECTOR, css).text

    def by_label(self, text, within=None):
        """The control a <label> with exactly this text names (its for= attribute)."""
        root = within or self.d
        def find(_):
            for lab in root.find_elements(By.TAG_NAME, "label"):
                if lab.text.strip() == text and lab.get_attribute("for"):
                    return self.d.find_element(By.ID, lab.get_attribute("for"))
            return False
        return self.wait(find)

    def fill(self, label, value, within=None):
        el = self.by_label(label, within)
        if el.tag_name == "select":
            Select(el).select_by_value(value)
        else:
            el.clear()
            el.send_keys(value)
        return el

    def button(self, name, within=None):
        root = within or self.d
        def find(_):
            for b in root.find_elements(By.TAG_NAME, "button"):
                if b.is_displayed() and (b.text.strip() == name or b.get_attribute("aria-label") == name):
                    return b
            return False
        return self.wait(find)

    def click_button(self, name, within=None):
        b = self.button(name, within)
        self.wait(lambda _: b.is_enabled())
        b.click()
        return b

    def link(self, text):
        return self.wait(lambda d: next((a for a in d.find_elements(By.TAG_NAME, "a")
                                         if a.text.strip() == text and a.is_displayed()), False))

    def h1(self):
        return self.find("main h1").text

    def wait_h1(self, text, timeout=20):
        return self.wait_text("main h1", text, timeout)

    def shot(self, name):
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.d.save_screenshot(str(SHOTS / f"{name}.png"))

    def phone(self):
        self.d.set_window_size(375, 800)

    def desktop(self):
        self.d.set_window_size(1280, 900)

    def console_errors(self):
        return [e for e in self.d.get_log("browser") if e["level"] == "SEVERE"]

    def login(self, email, password):
        self.go("/login")
        self.fill("Email", email)
        self.fill("Password", password)
        self.click_button("Log in")
        self.wait(lambda d: d.execute_script("return !!sessionStorage.getItem('cc.access')"))

    def logout(self):
        self.d.execute_script("sessionStorage.clear()")


@pytest.fixture
def page(browser, base_url):
    p = Page(browser, base_url)
    p.desktop()
    browser.get(base_url + "/")
    browser.execute_script("sessionStorage.clear()")
    browser.get_log("browser")  # drop what came before
    yield p
    errors = [e for e in p.console_errors()
              if "favicon" not in e["message"] and "status of 4" not in e["message"]]
    assert errors == [], errors


def wait_for(fn, timeout=20, step=0.2):
    end = time.time() + timeout
    while True:
        v = fn()
        if v or time.time() > end:
            return v
        time.sleep(step)


@pytest.fixture(scope="session")
def seeded(stack):
    """The master data (skills, qualifications, locations) the forms pick from."""
    stack.seed_masters()
    return stack


def sql(stack, text):
    rows = stack.psql(text)
    return rows[0][0] if rows else None


def make_world(s):
    """A candidate who applied to a job of a recruiter with a verified hospital, an admin, and a
    candidate in the verification queue: made through the API (and SQL for the approvals)."""
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
    s.create_superuser(admin_email, helpers.PASSWORD)
    # a candidate in the verification queue
    q = helpers.create_user(api, read_mails, "candidate", login_now=True, first_name="Queued", last_name="Candidate")
    r = api.post("profiles/verification/", json={"license_number": "MH-12345", "registration_council": "Maharashtra Nursing Council",
                                                 "document_ids": []}, token=q["access"])
    assert r.status_code in (200, 201), r.text
    w.update(cand=cand, rec=rec, job=job, app=app, admin=admin_email, queued=q, api=api,
             sql=lambda text: sql(s, text))
    return w
