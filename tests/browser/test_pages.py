"""Pages anyone can see, in a real browser: the shell, the routes, not found, the CSP holds (no
console errors), the weight of the first load of /jobs, no request to another origin."""

import json
import re

import requests

from conftest import By, helpers, wait_for


def test_routes_render_and_unknown_paths_show_not_found(page):
    for path, h1 in [("/", "Find your next healthcare job"), ("/jobs", "Jobs"), ("/login", "Log in"),
                     ("/register", "Create an account"), ("/verify-email", "Verify your email"),
                     ("/reset-password", "Reset your password"), ("/no/such/page", "Page not found"),
                     ("/jobs/999999", "Job not found"), ("/admin", "Please log in"),
                     ("/applications", "Please log in"), ("/messages", "Please log in")]:
        page.go(path)
        assert page.wait_h1(h1) == h1, path
    # A missing script is a 404, not index.html (FallbackResource is off for file names).
    r = page.d.execute_script("return fetch('/js/nope.js').then(r => r.status)")
    assert r == 404


def test_login_form_labels_and_readable_errors(page):
    page.go("/login")
    assert page.by_label("Email").get_attribute("type") == "email"
    assert page.by_label("Password").get_attribute("type") == "password"
    page.fill("Email", "nobody@example.com")
    page.fill("Password", "wrong-password-1")
    page.click_button("Log in")
    assert page.wait_text("[role=alert]", "Invalid email or password.")


def test_register_shows_field_errors_under_their_fields(page):
    page.go("/register")
    page.fill("First name", "Asha")
    page.fill("Last name", "Rao")
    page.fill("Email", "not-an-email")
    page.fill("Password", "12345678")
    page.click_button("Register")
    email = page.by_label("Email")
    page.wait(lambda _: email.get_attribute("aria-invalid") == "true")
    err = page.d.find_element(By.ID, email.get_attribute("aria-describedby").split()[-1])
    assert "email" in err.text.lower()
    pw = page.by_label("Password")
    assert pw.get_attribute("aria-invalid") == "true"


def test_first_load_of_jobs_weight_and_origins(page, base_url):
    # A fresh browser cache: the first visit of /jobs, everything it loads.
    page.d.execute_cdp_cmd("Network.enable", {})
    page.d.execute_cdp_cmd("Network.clearBrowserCache", {})
    page.go("/jobs")
    page.find("#result-count")
    entries = page.d.execute_script(
        "const nav = performance.getEntriesByType('navigation')[0];"
        "return [nav, ...performance.getEntriesByType('resource')].map(e => "
        "({name: e.name, transfer: e.transferSize, body: e.encodedBodySize, decoded: e.decodedBodySize}));")
    total = sum(e["transfer"] for e in entries)
    static = [e for e in entries if "/api/" not in e["name"]]
    print(f"\nfirst load of /jobs: {len(entries)} requests, {total} bytes transferred "
          f"({sum(e['decoded'] for e in entries)} bytes uncompressed); static files "
          f"{sum(e['transfer'] for e in static)} bytes")
    for e in entries:
        print(f"  {e['transfer']:>7} {e['decoded']:>7}  {e['name']}")
    assert all(e["name"].startswith(base_url + "/") for e in entries), entries
    assert all(e["transfer"] > 0 for e in entries), entries  # really fetched, not cached
    assert total < 150 * 1024, total
    # Compressed by httpd: the scripts' encoded bodies are smaller than the decoded ones.
    js = [e for e in static if e["name"].endswith(".js")]
    assert js and all(e["body"] < e["decoded"] for e in js if e["decoded"] > 1000), js
    assert "uPlot" not in json.dumps(entries)  # the chart library only loads on the dashboard


def test_static_caching_and_compression(base_url):
    """Vendored files (versioned folder names) are immutable for a year; the app's own files
    revalidate by ETag (304); text files are gzip-compressed; a history URL gets index.html."""
    s = requests.Session()
    s.trust_env = False
    r = s.get(base_url + "/vendor/preact-10.29.8/preact.module.js", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip"
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert r.headers["Content-Type"].startswith("text/javascript") or \
        r.headers["Content-Type"].startswith("application/javascript")
    r = s.get(base_url + "/app.css", headers={"Accept-Encoding": "identity"})
    assert r.headers["Cache-Control"] == "no-cache" and r.headers.get("ETag")
    r2 = s.get(base_url + "/app.css", headers={"Accept-Encoding": "identity", "If-None-Match": r.headers["ETag"]})
    assert r2.status_code == 304 and r2.content == b""
    index = s.get(base_url + "/index.html").text
    for path in ("/jobs?q=icu", "/jobs/5", "/admin/users", "/recruiter/jobs/3/edit"):
        r = s.get(base_url + path)
        assert r.status_code == 200 and r.text == index, path
        assert r.headers["Content-Security-Policy"].startswith("default-src 'self'")
    r = s.get(base_url + "/api/nope/")
    assert r.status_code == 404 and r.json()["code"] == "not_found"  # /api/ never falls back
    # the API keeps its own headers: no frontend caching, no compression of JSON
    r = s.get(base_url + "/api/jobs/", headers={"Accept-Encoding": "gzip"})
    assert r.headers.get("Cache-Control") != "no-cache" and "Content-Encoding" not in r.headers


def test_an_expired_access_token_is_refreshed(page, seeded, read_mails, api):
    email = helpers.unique_email("refresh")
    helpers.create_user(api, read_mails, "candidate", email=email)
    page.login(email, helpers.PASSWORD)
    page.wait_h1("Your profile")
    old_refresh = page.d.execute_script("return sessionStorage.getItem('cc.refresh')")
    page.d.execute_script("sessionStorage.setItem('cc.access', 'x.eyJleHAiOjF9.y')")  # unusable
    page.go("/applications")
    page.wait_h1("Your applications")
    page.wait_text("main", "No applications yet")
    access = page.d.execute_script("return sessionStorage.getItem('cc.access')")
    assert access.count(".") == 2 and not access.startswith("x.")
    assert page.d.execute_script("return sessionStorage.getItem('cc.refresh')") != old_refresh  # rotated


def link_in(msg, path):
    m = re.search(r"https?://\S+(" + re.escape(path) + r"\?token=[A-Za-z0-9_\-%.~]+)", helpers.mail_text(msg))
    assert m, helpers.mail_text(msg)
    return m.group(1)


def test_the_mailed_links_verify_and_reset(page, seeded, read_mails, api):
    email = helpers.unique_email("links")
    assert helpers.register(api, email=email).status_code == 201
    # the verification mail's link opens the app's page, which verifies at once
    page.go(link_in(helpers.last_mail(read_mails, email, helpers.VERIFY_SUBJECT), "/verify-email"))
    page.wait_h1("Email verified")
    # reset: asked for in the UI, the mailed link, a new password, a login with it
    page.go("/reset-password")
    page.fill("Email", email)
    page.click_button("Send reset email")
    page.wait_text("[role=status]", "we emailed it a reset code")
    mails = wait_for(lambda: helpers.reset_mails(read_mails, email))
    page.go(link_in(mails[-1], "/reset-password"))
    page.wait_h1("Reset your password")
    assert not page.finds("input[type=email]")  # the code is in the link: only the new password
    page.fill("New password", "Amber-Lantern-5512")
    page.click_button("Save the new password")
    page.wait_h1("Password changed")
    page.login(email, "Amber-Lantern-5512")
    page.wait_h1("Your profile")
