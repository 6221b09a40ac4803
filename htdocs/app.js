/* CareChain browser frontend: plain JavaScript against the same-origin /api/. Tokens live in
 * sessionStorage (gone when the tab closes); the refresh token is rotated on use. */
"use strict";

const $ = (sel) => document.querySelector(sel);
const store = {
  get access() { return sessionStorage.getItem("cc.access"); },
  get refresh() { return sessionStorage.getItem("cc.refresh"); },
  save(t) { sessionStorage.setItem("cc.access", t.access); sessionStorage.setItem("cc.refresh", t.refresh); },
  clear() { sessionStorage.removeItem("cc.access"); sessionStorage.removeItem("cc.refresh"); },
};

async function api(method, path, body, retried) {
  const headers = { "Accept": "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (store.access) headers["Authorization"] = "Bearer " + store.access;
  const res = await fetch("/api/" + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.status === 401 && store.refresh && !retried && path !== "accounts/token/refresh/") {
    const r = await api("POST", "accounts/token/refresh/", { refresh: store.refresh }, true);
    if (r.ok) { store.save(r.data); return api(method, path, body, true); }
    store.clear();
  }
  return { ok: res.ok, status: res.status, data };
}

function errorText(data) {
  if (!data) return "Something went wrong.";
  if (data.detail) return data.detail;
  return Object.entries(data).map(([k, v]) => `${k}: ${[].concat(v).join(" ")}`).join("\n");
}

function form(title, fields, submit, onSubmit, extra = "") {
  $("#app").innerHTML = `<h2>${title}</h2><form id="f">` +
    fields.map(([name, label, type = "text"]) => type === "role"
      ? `<label for="${name}">${label}</label><select id="${name}" name="${name}"><option value="candidate">Candidate</option><option value="recruiter">Recruiter</option></select>`
      : `<label for="${name}">${label}</label><input id="${name}" name="${name}" type="${type}" required>`).join("") +
    `<button type="submit">${submit}</button><p class="error" id="err"></p><p class="ok" id="msg"></p></form>${extra}`;
  $("#f").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("#err").textContent = ""; $("#msg").textContent = "";
    await onSubmit(Object.fromEntries(new FormData(e.target)));
  });
}

const views = {
  async login() {
    form("Log in", [["email", "Email", "email"], ["password", "Password", "password"]], "Log in", async (v) => {
      const r = await api("POST", "accounts/login/", v);
      if (!r.ok) return ($("#err").textContent = errorText(r.data));
      store.save(r.data); location.hash = "#/profile";
    }, `<p><a href="#/register">Create an account</a> · <a href="#/forgot">Forgot password?</a></p>`);
  },
  async register() {
    form("Create an account", [["first_name", "First name"], ["last_name", "Last name"], ["email", "Email", "email"],
      ["password", "Password", "password"], ["role", "I am a", "role"]], "Register", async (v) => {
      const r = await api("POST", "accounts/register/", v);
      if (!r.ok) return ($("#err").textContent = errorText(r.data));
      $("#msg").textContent = r.data.message;
    });
  },
  async "verify-email"(params) {
    const r = await api("POST", "accounts/verify-email/", { token: params.get("token") || "" });
    $("#app").innerHTML = r.ok ? `<p class="ok">Your email is verified. <a href="#/login">Log in</a></p>`
                               : `<p class="error">${errorText(r.data)}</p>`;
  },
  async forgot() {
    form("Reset your password", [["email", "Email", "email"]], "Send reset email", async (v) => {
      const r = await api("POST", "accounts/password-reset/", v);
      $(r.ok ? "#msg" : "#err").textContent = errorText(r.data);
    });
  },
  async "reset-password"(params) {
    form("Choose a new password", [["new_password", "New password", "password"]], "Save", async (v) => {
      const r = await api("POST", "accounts/password-reset/confirm/", { token: params.get("token") || "", ...v });
      if (!r.ok) return ($("#err").textContent = errorText(r.data));
      $("#msg").textContent = "Password changed. You can log in now.";
    });
  },
  async profile() {
    const r = await api("GET", "accounts/profile/");
    if (!r.ok) { location.hash = "#/login"; return; }
    const u = r.data;
    $("#app").innerHTML = `<h2>${u.first_name} ${u.last_name}</h2><p>${u.email} · ${u.role}</p>
      <p>Member since ${new Date(u.date_joined).toLocaleDateString()}</p>`;
    // Text set through the DOM, never through innerHTML, for anything a user typed:
    $("#app h2").textContent = `${u.first_name} ${u.last_name}`;
    $("#app p").textContent = `${u.email} · ${u.role}`;
  },
  async logout() {
    if (store.refresh) await api("POST", "accounts/logout/", { refresh: store.refresh });
    store.clear(); location.hash = "#/login";
  },
};

function route() {
  const [path, query] = (location.hash.replace(/^#\/?/, "") || "login").split("?");
  $("#nav").innerHTML = store.access ? `<a href="#/profile">Profile</a><a href="#/logout">Log out</a>`
                                     : `<a href="#/login">Log in</a><a href="#/register">Register</a>`;
  (views[path] || views.login)(new URLSearchParams(query || ""));
}

window.addEventListener("hashchange", route);
route();
api("GET", "health/").then((r) => { $("#health").textContent = r.ok ? `API ${r.data.version}` : "API unavailable"; });
