"""The whole journey through the UI, in Chromium: a recruiter registers and adds a hospital, the
admin approves it from the queue, the recruiter posts a job; a candidate registers, verifies by
the mailed code, completes the profile, searches, applies (keyboard only); the recruiter sees the
application on the board and moves it to shortlisted; the candidate sees the new status on the
timeline; the admin's dashboard counts moved. The event stream is not in this tree yet, so the
candidate sees the status after opening the application page again (reload), not live.

Also: a name holding markup creates no element (XSS), on the profile and on the board."""

import re
import uuid

from selenium.webdriver.common.keys import Keys

from conftest import By, helpers, wait_for

PASSWORD = helpers.PASSWORD
XSS = '<img src=x onerror="window.__xss=1">'


def register_and_verify(page, read_mails, role, first, last):
    email = helpers.unique_email(role)
    page.go("/register" + ("?role=recruiter" if role == "recruiter" else ""))
    page.fill("First name", first)
    page.fill("Last name", last)
    page.fill("Email", email)
    page.fill("Password", PASSWORD)
    if role == "recruiter":
        page.fill("Company name", "Sahyadri Care")
    page.click_button("Register")
    page.wait_h1("Check your email")
    page.link("Enter the code").click()
    page.wait_h1("Verify your email")
    code = wait_for(lambda: helpers.mails_to(read_mails, email, helpers.VERIFY_SUBJECT))
    assert code, "no verification mail"
    page.fill("Verification code", helpers.token_in_mail(code[-1]))
    page.click_button("Verify")
    page.wait_h1("Email verified")
    return email


def test_journey(page, seeded, read_mails, stack, base_url):
    admin_email = helpers.unique_email("admin")
    stack.create_superuser(admin_email, PASSWORD)

    # --- admin: the dashboard before ---
    page.login(admin_email, PASSWORD)
    page.wait_h1("Dashboard")
    page.wait_text(".charts", "Jobs posted")
    jobs_before = int(re.search(r"\((\d+)\)", page.find(".charts").text.split("Jobs posted")[1]).group(1))
    page.logout()

    # --- recruiter: register, verify, hospital ---
    rec_email = register_and_verify(page, read_mails, "recruiter", "Meera", "Kulkarni")
    page.login(rec_email, PASSWORD)
    page.wait_h1("Your jobs")
    page.go("/recruiter/hospital")
    page.wait_h1("Hospital profile")
    hosp_name = f"Sahyadri Hospital {uuid.uuid4().hex[:6]}"
    page.fill("Hospital name", hosp_name)
    page.fill("Registration number", "MH-" + uuid.uuid4().hex[:10])
    page.fill("Hospital type", "private")
    page.fill("City", "Pune")
    page.fill("State", "Maharashtra")
    page.click_button("Create hospital")
    page.wait_text("main", "Verification: Pending")
    page.click_button("Request verification")
    page.wait_text("main", "Submitted")
    page.shot("desktop-hospital")
    # posting before verification: the API's refusal is shown
    page.go("/recruiter/jobs/new")
    page.wait_h1("Post a job")
    page.logout()

    # --- admin approves the hospital from the queue ---
    page.login(admin_email, PASSWORD)
    page.go("/admin/verifications/hospitals")
    page.wait_text("main", hosp_name)
    page.shot("desktop-admin-queue")
    page.click_button("Approve " + hosp_name)
    page.wait_text("[role=status]", hosp_name + ": approved")
    page.logout()

    # --- recruiter posts a job ---
    page.login(rec_email, PASSWORD)
    page.go("/recruiter/jobs/new")
    page.wait_h1("Post a job")
    title = f"ICU Staff Nurse {uuid.uuid4().hex[:6]}"
    page.fill("Title", title)
    page.fill("City", "Pune")
    page.fill("State", "Maharashtra")
    page.fill("Salary from", "20000")
    page.fill("Salary to", "10000")  # below the minimum: the API's message under the field
    page.fill("Description", "Night and day shifts in a 20-bed ICU.")
    page.fill("Find skills", "Critical Care")
    page.find(".picklist input[type=checkbox]").click()
    page.click_button("Post job")
    sal = page.by_label("Salary to")
    page.wait(lambda _: sal.get_attribute("aria-invalid") == "true")
    err = page.d.find_element(By.ID, sal.get_attribute("aria-describedby").split()[-1]).text
    assert "greater than or equal to salary_min" in err, err
    page.fill("Salary to", "35000")
    page.click_button("Post job")
    page.wait_h1(title)  # the board of the new job
    job_id = int(page.d.current_url.rstrip("/").split("/")[-1])
    page.logout()

    # --- candidate: register, verify, complete the profile ---
    cand_email = register_and_verify(page, read_mails, "candidate", "Asha", "Patil")
    page.login(cand_email, PASSWORD)
    page.wait_h1("Your profile")
    before = int(re.search(r"(\d+)% complete", page.wait_text("#completeness-h", "complete")).group(1))
    page.fill("Phone number", "+91 98220 12345")
    page.fill("City", "Pune")
    page.fill("State", "Maharashtra")
    page.fill("Headline", "ICU nurse, 6 years")
    page.fill("Specialization", "Critical care")
    page.fill("Years of experience", "6")
    page.fill("Find skills", "Critical Care")
    page.find(".picklist input[type=checkbox]").click()
    page.click_button("Save profile")
    page.wait_text("[role=status]", "Profile saved")
    after = int(re.search(r"(\d+)% complete", page.find("#completeness-h").text).group(1))
    wait_for(lambda: int(re.search(r"(\d+)%", page.find("#completeness-h").text).group(1)) > before)
    after = int(re.search(r"(\d+)%", page.find("#completeness-h").text).group(1))
    assert after > before, (before, after)
    assert "Headline" not in page.find("#missing-fields").text
    page.shot("desktop-profile")

    # --- search, open the job, apply with the keyboard only ---
    page.go("/jobs")
    q = page.by_label("Search jobs")
    q.send_keys(title.split()[-1], Keys.ENTER)
    page.wait(lambda d: "q=" in d.current_url)
    page.wait_text("#result-count", "1 job found")
    page.shot("desktop-jobs")
    page.link(title).click()
    page.wait_h1(title)
    ld = page.d.execute_script("const s = document.getElementById('job-ld'); return s && JSON.parse(s.textContent)")
    assert ld["@type"] == "JobPosting" and ld["title"] == title and ld["hiringOrganization"]["name"] == hosp_name
    page.wait_text("#about-h", "About " + hosp_name)  # the verified hospital's public page
    # keyboard only from here: Tab from the top of the page to the cover letter, type, Tab to
    # "Apply", Enter
    letter = page.by_label("Cover letter")
    for _ in range(80):
        if page.d.switch_to.active_element == letter:
            break
        page.d.switch_to.active_element.send_keys(Keys.TAB)
    assert page.d.switch_to.active_element == letter
    letter.send_keys("I have run night shifts in a 20-bed ICU for six years.")
    letter.send_keys(Keys.TAB)  # to the Apply button
    focused = page.d.switch_to.active_element
    assert focused.text == "Apply"
    focused.send_keys(Keys.ENTER)
    page.wait_text(".callout", "You applied. Status: Applied")
    page.shot("desktop-job")
    page.go("/applications")
    page.link(title).click()
    page.wait_text("#application-status", "Applied")
    app_url = page.d.current_url
    page.logout()

    # --- recruiter: the board, move to shortlisted with the "Status" control ---
    page.login(rec_email, PASSWORD)
    page.go(f"/recruiter/jobs/{job_id}")
    page.wait_text("[data-status=applied]", "Asha Patil")
    page.shot("desktop-board")
    card = page.find("[data-status=applied] .app-card")
    page.fill("Status", "shortlisted", within=card)
    page.click_button("Move Asha Patil", within=card)
    page.wait_text("[data-status=shortlisted]", "Asha Patil")
    assert "Asha Patil" not in page.find("[data-status=applied]").text
    page.wait_text("#live", "moved to Shortlisted")
    # candidate details with the cover letter
    page.find("[data-status=shortlisted] .app-card h3 a").click()
    page.wait_h1("Asha Patil")
    page.wait_text("main", "I have run night shifts")
    page.logout()

    # --- candidate: the new status on the timeline (after reopening: no stream in this tree) ---
    page.login(cand_email, PASSWORD)
    bell = page.find("a.bell")
    page.wait(lambda _: re.search(r"Notifications, [1-9]\d* unread", bell.get_attribute("aria-label")))
    bell.click()
    page.wait_h1("Notifications")
    page.find("ul.feed li.unread a").click()  # the newest: the status change, to the application
    page.wait(lambda d: d.current_url == app_url)
    page.wait_text("#application-status", "Shortlisted")
    timeline = page.find("#timeline").text
    assert "Applied" in timeline and "Shortlisted" in timeline, timeline
    page.shot("desktop-timeline")
    page.logout()

    # --- admin: the dashboard counts moved ---
    page.login(admin_email, PASSWORD)
    page.wait_h1("Dashboard")
    page.wait_text(".charts", "Jobs posted")
    wait_for(lambda: f"Jobs posted ({jobs_before + 1})" in page.find(".charts").text)
    assert f"Jobs posted ({jobs_before + 1})" in page.find(".charts").text
    page.wait(lambda d: d.find_elements(By.CSS_SELECTOR, ".chart canvas"))  # uPlot drew
    page.shot("desktop-dashboard")


def test_markup_in_a_name_creates_no_element(page, seeded, read_mails, api):
    email = helpers.unique_email("xss")
    r = helpers.register(api, email=email, first_name=XSS, last_name="</h1><script>window.__xss=2</script>")
    assert r.status_code == 201, r.text
    helpers.verify_email(api, read_mails, email)
    page.login(email, PASSWORD)
    page.wait_h1("Your profile")
    page.go("/profile")
    page.wait(lambda d: d.find_element(By.CSS_SELECTOR, "input[name=first_name]").get_attribute("value") == XSS)
    page.go("/testimonials")
    page.go("/profile")
    assert page.d.execute_script("return window.__xss") is None
    assert page.d.execute_script("return document.querySelectorAll('img[src=x], main script').length") == 0
    # the name as text: the account page of another view, and in an element's text
    page.d.execute_script("sessionStorage.setItem('cc.user', JSON.stringify({...JSON.parse(sessionStorage.getItem('cc.user')), role: 'admin'}))")
    page.go("/profile")  # a role the page does not fit: the account page with the name as text
    page.wait_text("main", XSS)
    assert page.d.execute_script("return document.querySelectorAll('main img, img[src=x]').length") == 0
    assert page.d.execute_script("return window.__xss") is None
