"""The admin screens against the real admin API (CONTRACT §5, docs/API.md "Admin"): the counts on
/admin equal dashboard-stats/; /admin/users searches, deactivates and activates a user and invites
one (the API's field error under the field first); the invitation mail's link opens
/set-password, which shows the password rule's error under its field, sets the password, and the
invited user logs in; /admin/audit shows those actions and filters them; /admin/activity shows
the newest rows of recent-activity/."""

import re

import pytest

from conftest import By, helpers, make_world, wait_for

PASSWORD = helpers.PASSWORD
INVITE_SUBJECT = "Your CareChain account is ready"


@pytest.fixture(scope="module")
def world(seeded):
    return make_world(seeded)


def admin_token(w):
    return helpers.login(w["api"], w["admin"])["access"]


def test_dashboard_counts_are_the_apis(page, world):
    w = world
    page.login(w["admin"], PASSWORD)
    page.wait_h1("Dashboard")
    page.wait_text("#dashboard-stats", "Total users")
    stats = w["api"].get("admin/dashboard-stats/", token=admin_token(w)).json()
    shown = {e.get_attribute("data-stat"): e.text for e in page.finds("#dashboard-stats [data-stat]")}
    assert shown == {k: str(v) for k, v in stats.items()}, (shown, stats)
    assert stats["total_jobs"] >= 1 and stats["total_applications"] >= 1 and stats["pending_verifications"] >= 1


def test_users_invitation_set_password_audit_and_activity(page, world, read_mails):
    w = world
    api, token = w["api"], admin_token(w)
    cand_email = w["cand"]["email"]
    page.login(w["admin"], PASSWORD)
    page.go("/admin/users")
    page.wait_h1("Users")
    total = api.get("admin/users/", token=token).json()["count"]
    page.wait_text("table.list caption", f"{total} users")
    # search: the API's answer for the same search
    page.fill("Search users", cand_email)
    page.click_button("Search")
    page.wait(lambda d: "search=" in d.current_url)
    page.wait_text("table.list caption", "1 users")
    rows = page.finds("table.list tbody tr")
    assert len(rows) == 1 and cand_email in rows[0].text and "Kavya Raghunathan-Subramaniam" in rows[0].text
    # deactivate and activate again, each checked on the server
    page.click_button("Deactivate")
    page.wait_text("[role=status]", f"{cand_email} deactivated")
    page.wait_text("table.list", "Activate")
    uid = w["cand"]["id"]
    assert api.get(f"admin/users/{uid}/", token=token).json()["is_active"] is False
    page.click_button("Activate")
    page.wait_text("[role=status]", f"{cand_email} activated")
    page.wait_text("table.list", "Deactivate")
    assert api.get(f"admin/users/{uid}/", token=token).json()["is_active"] is True

    # invite: the API's field error under the field, then the invitation
    form = page.find("form[aria-label='Invite a user']")
    page.fill("Email", "not-an-email", within=form)
    page.fill("First name", "Nita", within=form)
    page.fill("Last name", "Deshpande", within=form)
    page.fill("Role", "recruiter", within=form)
    page.click_button("Send invitation")
    email_field = page.by_label("Email", within=form)
    page.wait(lambda _: email_field.get_attribute("aria-invalid") == "true")
    err = page.d.find_element(By.ID, email_field.get_attribute("aria-describedby").split()[-1]).text
    r = api.post("admin/users/", json={"email": "not-an-email", "first_name": "N", "last_name": "D", "role": "recruiter"}, token=token)
    assert r.status_code == 400 and err == " ".join(r.json()["email"]), (err, r.text)
    invited = helpers.unique_email("invited")
    page.fill("Email", invited, within=form)
    page.click_button("Send invitation")
    page.wait_text("[role=status]", f"Invitation mailed to {invited}")
    new = api.get("admin/users/?search=" + invited, token=token).json()["results"]
    assert len(new) == 1 and new[0]["role"] == "recruiter" and new[0]["is_verified"] is False

    # the audit log: the three actions, newest first, and the filter by action
    page.go("/admin/audit")
    page.wait_h1("Audit log")
    page.wait_text("table.list", "users.create")
    api_rows = api.get("admin/audit-log/", token=token).json()["results"]
    shown = [tr.find_elements(By.TAG_NAME, "td")[2].text for tr in page.finds("table.list tbody tr")]
    assert shown == [a["action"] for a in api_rows], (shown, api_rows)
    assert shown[:3] == ["users.create", "users.activate", "users.deactivate"], shown
    page.fill("Action", "users.deactivate")
    page.click_button("Filter")
    page.wait(lambda d: "action=users.deactivate" in d.current_url)
    page.wait(lambda _: {tr.find_elements(By.TAG_NAME, "td")[2].text for tr in page.finds("table.list tbody tr")} == {"users.deactivate"})
    assert f"user {uid}" in page.find("table.list tbody tr").text

    # recent activity: the feed's first page as the API answers it
    page.go("/admin/activity")
    page.wait_h1("Recent activity")
    page.wait_text(".feed", "")
    api_items = api.get("admin/recent-activity/", token=token).json()["results"]
    page.wait(lambda _: len(page.finds(".feed li")) == len(api_items))
    lines = [li.text for li in page.finds(".feed li")]
    assert all(a["summary"] in line for a, line in zip(api_items, lines)), (lines, api_items)
    assert any(invited in a["summary"] for a in api_items), api_items  # the invited user's registration
    page.logout()

    # the invitation mail's link: /set-password, the password rule under its field, then a login
    mail = wait_for(lambda: helpers.mails_to(read_mails, invited, INVITE_SUBJECT))
    assert mail, "no invitation mail"
    # the link is <base>/set-password?token= (history-style, no "/#/"): httpd answers the path
    # with the frontend's index (FallbackResource), whose router shows the page
    m = re.search(r"https?://[^/\s]+(/set-password\?token=[A-Za-z0-9_\-]+)\n", helpers.mail_text(mail[-1]))
    assert m, helpers.mail_text(mail[-1])
    page.go(m.group(1))
    page.wait_h1("Choose your password")
    assert page.d.current_url.split("?")[0].endswith("/set-password")
    assert page.by_label("Invitation code").get_attribute("value")  # the code came with the link
    page.fill("New password", "short")
    page.click_button("Set password")
    pw = page.by_label("New password")
    page.wait(lambda _: pw.get_attribute("aria-invalid") == "true")
    err = page.d.find_element(By.ID, pw.get_attribute("aria-describedby").split()[-1]).text
    assert err, "no message under the password"
    page.fill("New password", "Amber-Lantern-5512")
    page.click_button("Set password")
    page.wait_h1("Password set")
    page.wait_text("[role=status]", "You can log in now.")
    page.login(invited, "Amber-Lantern-5512")
    page.wait_h1("Your jobs")  # the recruiter's home
    # the link works once
    page.logout()
    page.go(m.group(1))
    page.fill("New password", "Another-Lantern-7713")
    page.click_button("Set password")
    code = page.by_label("Invitation code")
    page.wait(lambda _: code.get_attribute("aria-invalid") == "true")
    assert "Invalid or expired token." in page.find("main").text
