/* CareChain browser frontend: plain JavaScript against the same-origin /api/. Tokens live in
 * sessionStorage (gone when the tab closes); the refresh token is rotated on use.
 *
 * Pages are built as DOM nodes, never from HTML strings: el() sets attributes and appends text
 * as text nodes, so nothing from the API or the user is ever parsed as markup (and the
 * Content-Security-Policy httpd sends allows no inline script anyway). */
"use strict";

const $ = (sel) => document.querySelector(sel);
const store = {
  get access() { return sessionStorage.getItem("cc.access"); },
  get refresh() { return sessionStorage.getItem("cc.refresh"); },
  save(t) { sessionStorage.setItem("cc.access", t.access); sessionStorage.setItem("cc.refresh", t.refresh); },
  clear() { sessionStorage.removeItem("cc.access"); sessionStorage.removeItem("cc.refresh"); },
};

/* An element with attributes and children; a string child becomes a text node. */
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) e.setAttribute(name, value);
  e.append(...children);
  return e;
}

/* Replaces the page's main content. */
function show(...nodes) { $("#app").replaceChildren(...nodes); }

const link = (hash, text) => el("a", { href: hash }, text);

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

/* fields: [name, label, type]; type "role" is the candidate/recruiter choice. extra: nodes
 * shown below the form. */
function form(title, fields, submit, onSubmit, extra = []) {
  const f = el("form", { id: "f" });
  for (const [name, label, type = "text"] of fields) {
    f.append(el("label", { for: name }, label));
    f.append(type === "role"
      ? el("select", { id: name, name },
          el("option", { value: "candidate" }, "Candidate"), el("option", { value: "recruiter" }, "Recruiter"))
      : el("input", { id: name, name, type, required: "" }));
  }
  f.append(el("button", { type: "submit" }, submit), el("p", { class: "error", id: "err" }),
           el("p", { class: "ok", id: "msg" }));
  show(el("h2", {}, title), f, ...extra);
  f.addEventListener("submit", async (e) => {
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
    }, [el("p", {}, link("#/register", "Create an account"), " · ", link("#/forgot", "Forgot password?"))]);
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
    show(r.ok ? el("p", { class: "ok" }, "Your email is verified. ", link("#/login", "Log in"))
              : el("p", { class: "error" }, errorText(r.data)));
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
    show(el("h2", {}, `${u.first_name} ${u.last_name}`), el("p", {}, `${u.email} · ${u.role}`),
         el("p", {}, `Member since ${new Date(u.date_joined).toLocaleDateString()}`));
  },
  async logout() {
    if (store.refresh) await api("POST", "accounts/logout/", { refresh: store.refresh });
    store.clear(); location.hash = "#/login";
  },
};

function route() {
  const [path, query] = (location.hash.replace(/^#\/?/, "") || "login").split("?");
  $("#nav").replaceChildren(...(store.access ? [link("#/profile", "Profile"), link("#/logout", "Log out")]
                                             : [link("#/login", "Log in"), link("#/register", "Register")]));
  (views[path] || views.login)(new URLSearchParams(query || ""));
}

window.addEventListener("hashchange", route);
route();
api("GET", "health/").then((r) => { $("#health").textContent = r.ok ? `API ${r.data.version}` : "API unavailable"; });
