"""Candidate, recruiter and admin flows beside the journey: documents (upload with progress,
list, delete), the verification request with a document, the admin's candidate queue (reject
needs a reason, shown under the field; approve), matches with their factors, the recruiter's
candidate details with the résumé download and notes, the job form's edit, logout."""

import pytest

from conftest import By, helpers, make_world, wait_for

PASSWORD = helpers.PASSWORD
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(scope="module")
def world(seeded):
    return make_world(seeded)


def test_documents_verification_and_the_admin_queue(page, world, tmp_path):
    w = world
    f = tmp_path / "resume-kavya.pdf"
    f.write_bytes(PDF + b"%" * 200000)  # big enough for progress events
    bad = tmp_path / "notes.txt"
    bad.write_text("plain text is not an accepted document\n")
    page.login(w["cand"]["email"], PASSWORD)
    page.go("/documents")
    page.wait_h1("Documents")
    # a text file: the API's message under the file field
    page.by_label("File").send_keys(str(bad))
    page.click_button("Upload")
    page.wait_text(".field-error", "")
    assert page.by_label("File").get_attribute("aria-invalid") == "true"
    page.by_label("File").send_keys(str(f))
    page.fill("Document type", "resume")
    page.click_button("Upload")
    page.wait_text("[role=status]", "Uploaded resume-kavya.pdf")
    page.wait_text("table.list", "resume-kavya.pdf")
    # a second one, deleted again
    page.by_label("File").send_keys(str(f))
    page.fill("Document type", "certificate")
    page.click_button("Upload")
    page.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, "table.list tbody tr")) == 2)
    page.click_button("Delete resume-kavya.pdf")  # the first row's button of that name
    page.d.switch_to.alert.accept()
    page.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, "table.list tbody tr")) == 1)
    page.shot("desktop-documents")

    # verification request with the remaining document
    page.go("/profile")
    page.wait_text("main", "Verification")
    page.fill("Registration council", "Maharashtra Nursing Council")
    page.fill("Licence number", "MNC-2024-5531")
    page.find("form[aria-label='Verification request'] fieldset input[type=checkbox]").click()
    page.click_button("Request verification")
    page.wait_text("main", "submitted")
    page.logout()

    # the admin's candidate queue
    page.login(w["admin"], PASSWORD)
    page.go("/admin/verifications")
    name = "Kavya Raghunathan-Subramaniam"
    page.wait_text("main", name)
    item = next(i for i in page.finds(".queue-item") if name in i.text)
    assert "MNC-2024-5531" in item.text and "resume-kavya.pdf" in item.text
    page.click_button("Reject " + name, within=item)
    page.wait_text(".queue-item .field-error", "Give a reason to reject.")
    page.click_button("Approve " + name, within=item)
    page.wait_text("[role=status]", name + ": approved")
    wait_for(lambda: all(name not in i.text for i in page.finds(".queue-item")))
    assert all(name not in i.text for i in page.finds(".queue-item"))
    page.logout()

    page.login(w["cand"]["email"], PASSWORD)
    page.go("/profile")
    page.wait_text("main", "Verification: Verified")


def test_matches_details_resume_and_notes(page, world):
    w = world
    api = w["api"]
    # the candidate's résumé, through the API this time
    r = api.post("documents/upload/", files={"file": ("cv.pdf", PDF, "application/pdf")},
                 data={"document_type": "resume"}, token=w["cand"]["access"])
    assert r.status_code == 201, r.text
    page.login(w["cand"]["email"], PASSWORD)
    page.go("/matches")
    page.wait_h1("Jobs that match you")
    page.wait_text("main", w["job"]["title"])
    assert "Match" in page.find(".results").text
    page.logout()

    page.login(w["rec"]["email"], PASSWORD)
    page.go(f"/recruiter/candidates/{w['app']['candidate']['id']}?application={w['app']['id']}")
    page.wait_h1("Kavya Raghunathan-Subramaniam")
    li = page.wait(lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, "main li") if "cv.pdf" in e.text), False))
    page.button("Download résumé", within=li).click()
    got = wait_for(lambda: page.d.execute_script(
        "return performance.getEntriesByType('resource').filter(e => e.name.includes('/download/'))"
        ".map(e => [e.name, e.responseStatus, e.decodedBodySize])"))
    assert got[-1][0].endswith(f"/api/documents/{r.json()['id']}/download/"), got
    assert got and got[-1][1] == 200 and got[-1][2] == len(PDF), got  # the résumé's bytes
    assert not page.finds("main [role=alert]")
    page.fill("Recruiter notes", "Strong NICU background; call on Monday.")
    page.click_button("Save notes")
    page.wait_text("#live", "Notes saved")
    assert api.get(f"jobs/applications/{w['app']['id']}/", token=w["rec"]["access"]).json()["notes"] \
        == "Strong NICU background; call on Monday."
    # the job form edits the job
    page.go(f"/recruiter/jobs/{w['job']['id']}/edit")
    page.wait(lambda _: page.by_label("Title").get_attribute("value") == w["job"]["title"])
    page.fill("Vacancies", "3")
    page.click_button("Save job")
    page.wait_h1(w["job"]["title"])
    assert api.get(f"jobs/{w['job']['id']}/").json()["vacancies"] == 3
    # logout clears the tokens
    page.click_button("Log out")
    page.wait_h1("Log in")
    assert page.d.execute_script("return sessionStorage.getItem('cc.access')") is None


def test_testimonial_moderation(page, world):
    w, s = world, world["api"]
    stack_sql = world["sql"]
    ids = [stack_sql(f"INSERT INTO testimonials (given_by, given_to, rating, title, content) VALUES "
                     f"({int(w['cand']['id'])}, {int(w['rec']['id'])}, {r}, '{t}', 'Clear shifts and a kind team.') RETURNING id")
           for r, t in ((5, "A fair recruiter"), (1, "Spam spam"))]
    page.login(w["admin"], PASSWORD)
    page.go("/admin/testimonials")
    page.wait_text("main", "A fair recruiter")
    page.click_button("Reject Spam spam")
    page.wait_text(".moderation-item .field-error", "Give a reason to reject.")
    item = next(i for i in page.finds(".moderation-item") if "Spam spam" in i.text)
    page.fill("Reason (to reject)", "Not about a job.", within=item)
    page.click_button("Reject Spam spam")
    page.wait_text("[role=status]", "rejected")
    page.wait(lambda _: "Rejected: Not about a job." in next(i for i in page.finds(".moderation-item") if "Spam spam" in i.text).text)
    page.click_button("Approve A fair recruiter")
    page.wait_text("[role=status]", "approved")
    page.wait(lambda _: len(page.finds(".moderation-item")) == 1)  # the rejected one stays listed
    got = {t["id"]: t["is_approved"] for t in s.get("testimonials/?page_size=100", token=None).json()["results"]}
    assert got.get(int(ids[0])) is True and int(ids[1]) not in got
