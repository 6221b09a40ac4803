"""Messages and live updates against the real API, two users in two Chromiums at once: a recruiter
and a candidate who applied to its job. The recruiter starts a conversation from the candidate's
details; the candidate, with /messages open, sees it arrive through the event stream (no reload)
with its unread count, opens it and replies; each sees the other's messages arrive live. Then the
candidate has the application open while the recruiter moves it on the board: the status and the
timeline change in the candidate's page without a reload.

"No reload" is checked by a marker set on the page's window before the wait: a page load would
drop it."""

import pytest

from conftest import By, helpers, make_world, wait_for

PASSWORD = helpers.PASSWORD


@pytest.fixture(scope="module")
def world(seeded):
    return make_world(seeded)


def mark(page):
    page.d.execute_script("window.__noReload = 1")


def not_reloaded(page):
    return page.d.execute_script("return window.__noReload") == 1


def test_two_users_exchange_messages_live(page, page2, world):
    w = world
    rec_name, cand_name = "Ravi Menon", "Kavya Raghunathan-Subramaniam"
    cand = page2
    cand.login(w["cand"]["email"], PASSWORD)
    cand.go("/messages")
    cand.wait_h1("Messages")
    cand.wait_text("main", "No conversations yet.")
    mark(cand)

    # the recruiter: from the candidate's details to a new conversation with a first message
    page.login(w["rec"]["email"], PASSWORD)
    page.go(f"/recruiter/candidates/{w['app']['candidate']['id']}?application={w['app']['id']}")
    page.wait_h1(cand_name)
    page.link("Message the candidate").click()
    page.wait_h1("Messages")
    page.fill("Message", "Can you start on Monday?")
    page.click_button("Send")
    page.wait_h1(cand_name)  # the conversation, named after the other participant
    page.wait_text(".messages", "Can you start on Monday?")
    conv_id = int(page.d.current_url.rstrip("/").split("/")[-1])
    r = w["api"].get(f"messaging/conversations/{conv_id}/", token=w["rec"]["access"])
    assert r.status_code == 200 and r.json()["job"] == w["job"]["id"], r.text
    mark(page)

    # the candidate's list: the conversation arrived on the stream, with its unread count
    item = cand.wait_text(".conversations", rec_name)
    assert "Can you start on Monday?" in item
    badge = cand.find(".conversations .badge")
    assert badge.text == "1" and badge.get_attribute("aria-label") == "1 unread"
    assert not_reloaded(cand)
    cand.link(rec_name).click()  # an in-app navigation: still no page load
    cand.wait_h1(rec_name)
    cand.wait_text(".messages", "Can you start on Monday?")
    # opening it marked it read
    assert wait_for(lambda: w["api"].get("messaging/conversations/", token=w["cand"]["access"])
                    .json()["results"][0]["unread_count"] == 0)

    # the candidate replies: the recruiter's open conversation shows it, announced
    cand.fill("Message", "Yes, Monday works for me.")
    cand.click_button("Send")
    cand.wait_text(".messages", "Yes, Monday works for me.")
    assert cand.by_label("Message").get_attribute("value") == ""
    page.wait_text(".messages", "Yes, Monday works for me.")
    page.wait_text("#live", "New message from " + cand_name)
    assert not_reloaded(page)

    # and back: the recruiter's answer arrives in the candidate's page
    page.fill("Message", "Great, see you at 8.")
    page.click_button("Send")
    cand.wait_text(".messages", "Great, see you at 8.")
    cand.wait_text("#live", "New message from " + rec_name)
    assert not_reloaded(cand)
    for p in (page, cand):
        p.wait(lambda _: len(p.finds(".messages li")) == 3)
        texts = [li.text.split("\n")[-1] for li in p.finds(".messages li")]
        assert texts == ["Can you start on Monday?", "Yes, Monday works for me.", "Great, see you at 8."], texts
    # each message once on the server too, as each side saw it
    got = w["api"].get(f"messaging/conversations/{conv_id}/messages/", token=w["cand"]["access"]).json()
    assert [m["content"] for m in reversed(got["results"])] == texts


def test_the_timeline_changes_live(page, page2, world):
    w = world
    cand = page2
    cand.login(w["cand"]["email"], PASSWORD)
    cand.go(f"/applications/{w['app']['id']}")
    cand.wait_text("#application-status", "Applied")
    mark(cand)

    page.login(w["rec"]["email"], PASSWORD)
    page.go(f"/recruiter/jobs/{w['job']['id']}")
    card = page.wait(lambda d: next((c for c in d.find_elements(By.CSS_SELECTOR, "[data-status=applied] .app-card")
                                     if "Kavya" in c.text), False))
    page.fill("Status", "shortlisted", within=card)
    page.click_button("Move Kavya Raghunathan-Subramaniam", within=card)
    page.wait_text("[data-status=shortlisted]", "Kavya")

    cand.wait_text("#application-status", "Shortlisted")
    cand.wait(lambda _: "Shortlisted" in cand.find("#timeline").text)
    assert "Applied" in cand.find("#timeline").text
    cand.wait_text("#live", "Notification")  # the status change announced
    assert not_reloaded(cand)
    assert w["api"].get(f"jobs/applications/{w['app']['id']}/", token=w["cand"]["access"]).json()["status"] == "shortlisted"
