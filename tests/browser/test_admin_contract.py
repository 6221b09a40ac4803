"""The admin screens whose API is built in another branch (CONTRACT §5: users/, audit-log/,
recent-activity/, dashboard-stats/), against the contract's shapes: answered in the page (a
script injected before the app loads, as in test_messages_contract.py) until that branch is
merged. The admin, the login and the analytics are the real API."""

from conftest import By, helpers, wait_for

PASSWORD = helpers.PASSWORD

MOCK = r"""
(() => {
  const S = window.__mock = {calls: []};
  const json = (status, body) => Promise.resolve(new Response(JSON.stringify(body), {status, headers: {'Content-Type': 'application/json'}}));
  const user = (id, email, role, active) => ({id, email, first_name: 'User', last_name: String(id), role, is_candidate: role === 'candidate',
    is_recruiter: role === 'recruiter', is_admin: role === 'admin', is_active: active, is_verified: true,
    date_joined: '2026-11-0' + (id % 9 + 1) + 'T10:00:00.000000Z', last_login: null});
  S.users = [user(11, 'nurse@example.com', 'candidate', true), user(12, 'hr@example.com', 'recruiter', true)];
  const real = window.fetch.bind(window);
  window.fetch = (input, init = {}) => {
    const url = new URL(typeof input === 'string' ? input : input.url, location.href);
    const p = url.pathname, method = (init.method || 'GET').toUpperCase();
    if (!/^\/api\/admin\/(users|audit-log|recent-activity|dashboard-stats)\//.test(p)) return real(input, init);
    S.calls.push(method + ' ' + p + url.search);
    if (p === '/api/admin/dashboard-stats/') return json(200, {total_users: 42, total_candidates: 30, total_recruiters: 10, total_jobs: 12,
      active_jobs: 9, total_applications: 77, pending_verifications: 3, verified_profiles: 20, recent_registrations: 5});
    if (p === '/api/admin/users/' && method === 'GET') {
      const q = url.searchParams.get('search') || '';
      const rs = S.users.filter(u => u.email.includes(q));
      return json(200, {count: rs.length, next: null, previous: null, results: rs});
    }
    if (p === '/api/admin/users/' && method === 'POST') {
      const b = JSON.parse(init.body);
      if (!b.email.includes('@')) return json(400, {email: ['Enter a valid email address.']});
      const u = user(13, b.email, b.role, true); S.users.push(u); return json(201, u);
    }
    let m = /^\/api\/admin\/users\/(\d+)\/(activate|deactivate)\/$/.exec(p);
    if (m) { const u = S.users.find(x => x.id === +m[1]); u.is_active = m[2] === 'activate'; return json(200, u); }
    if (p === '/api/admin/audit-log/') {
      const older = url.searchParams.get('cursor') === 'c2';
      const row = (id, action) => ({id, actor: {id: 1, email: 'admin@example.com'}, action, target: {type: 'user', id: 11},
        request_id: 'r' + id, client: '127.0.0.1', created_at: '2026-12-01T10:0' + (id % 10) + ':00.000000Z'});
      return json(200, older ? {next: null, previous: null, results: [row(1, 'user.deactivate')]}
                             : {next: location.origin + '/api/admin/audit-log/?cursor=c2', previous: null, results: [row(3, 'verification.hospital.approve'), row(2, 'user.activate')]});
    }
    if (p === '/api/admin/recent-activity/') return json(200, {next: null, previous: null, results: [
      {id: 5, type: 'registration', actor: {id: 11}, summary: 'nurse@example.com registered', object: {type: 'user', id: 11}, created_at: '2026-12-01T09:00:00.000000Z'}]});
    return json(404, {detail: 'Not found.', code: 'not_found'});
  };
})();
"""


def test_admin_screens_against_the_contract(page, seeded):
    email = helpers.unique_email("admin")
    seeded.create_superuser(email, PASSWORD)
    page.login(email, PASSWORD)
    page.wait_h1("Dashboard")
    ident = page.d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": MOCK})
    try:
        page.go("/admin")
        page.wait_text("#dashboard-stats", "Total users")
        assert page.find("[data-stat=total_applications]").text == "77"
        assert page.find("[data-stat=pending_verifications]").text == "3"

        page.go("/admin/users")
        page.wait_text("table.list", "hr@example.com")
        page.fill("Search users", "nurse")
        page.click_button("Search")
        page.wait(lambda d: "search=nurse" in d.current_url)
        page.wait(lambda _: "hr@example.com" not in page.find("table.list").text)
        assert "GET /api/admin/users/?search=nurse" in page.d.execute_script("return window.__mock.calls")
        page.click_button("Deactivate")
        page.wait_text("[role=status]", "nurse@example.com deactivated")
        page.wait_text("table.list", "Activate")
        # invite: the API's field error under the field, then success
        form = page.find("form[aria-label='Invite a user']")
        page.fill("Email", "not-an-email", within=form)
        page.fill("First name", "New", within=form)
        page.fill("Last name", "Admin", within=form)
        page.click_button("Send invitation")
        page.wait_text("form[aria-label='Invite a user'] .field-error", "Enter a valid email address.")
        page.fill("Email", "it@example.com", within=form)
        page.click_button("Send invitation")
        page.wait_text("[role=status]", "Invitation mailed to it@example.com")

        page.go("/admin/audit")
        page.wait_text("table.list", "verification.hospital.approve")
        page.click_button("Older entries")
        page.wait_text("table.list", "user.deactivate")
        assert len(page.finds("table.list tbody tr")) == 3
        assert not page.finds("main button.secondary")  # no more pages
        page.fill("Action", "user.activate")
        page.click_button("Filter")
        page.wait(lambda d: "action=user.activate" in d.current_url)
        assert wait_for(lambda: any("action=user.activate" in c for c in page.d.execute_script("return window.__mock.calls")))

        page.go("/admin/activity")
        page.wait_text(".feed", "nurse@example.com registered")
    finally:
        page.d.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": ident["identifier"]})
