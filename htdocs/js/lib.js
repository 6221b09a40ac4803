/* CareChain frontend: the shared pieces (Preact + htm, the API client, forms and errors).
 *
 * No build step: ES modules served as they are, the vendored libraries imported by relative
 * paths. Everything from the API or the user is rendered by Preact as text (children, attribute
 * values); nothing here ever assigns HTML, so markup in a name stays text. */
import { h, render, Fragment } from "../vendor/preact-10.29.8/preact.module.js";
import { useState, useEffect, useRef, useCallback, useMemo } from "../vendor/preact-10.29.8/hooks.module.js";
import htm from "../vendor/htm-3.1.1/htm.module.js";

export const html = htm.bind(h);
export { h, render, Fragment, useState, useEffect, useRef, useCallback, useMemo };

/* ---- tokens: sessionStorage (gone with the tab), refreshed a minute before they expire ---- */
const listeners = new Set();
export const session = {
  get access() { return sessionStorage.getItem("cc.access"); },
  get refresh() { return sessionStorage.getItem("cc.refresh"); },
  get user() { try { return JSON.parse(sessionStorage.getItem("cc.user") || "null"); } catch { return null; } },
  save(t, user) {
    sessionStorage.setItem("cc.access", t.access);
    sessionStorage.setItem("cc.refresh", t.refresh);
    if (user) sessionStorage.setItem("cc.user", JSON.stringify(user));
    scheduleRefresh();
    listeners.forEach((f) => f());
  },
  clear() {
    ["cc.access", "cc.refresh", "cc.user"].forEach((k) => sessionStorage.removeItem(k));
    clearTimeout(refreshTimer);
    listeners.forEach((f) => f());
  },
  subscribe(f) { listeners.add(f); return () => listeners.delete(f); },
};

function jwtExp(token) {
  try {
    const p = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(p)).exp * 1000;
  } catch { return 0; }
}

let refreshTimer = 0, refreshing = null;
export function refreshTokens() {
  if (!session.refresh) return Promise.resolve(false);
  if (!refreshing) {
    refreshing = fetch("/api/accounts/token/refresh/", {
      method: "POST", headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ refresh: session.refresh }),
    }).then(async (r) => {
      if (!r.ok) { if (r.status === 401 || r.status === 400) session.clear(); return false; }
      session.save(await r.json());
      return true;
    }).catch(() => false).finally(() => { refreshing = null; });
  }
  return refreshing;
}
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  const exp = session.access ? jwtExp(session.access) : 0;
  if (!exp) return;
  refreshTimer = setTimeout(refreshTokens, Math.max(5000, exp - Date.now() - 60000));
}
scheduleRefresh();

/* ---- the API client: {ok, status, data}; one retry after refreshing an expired token ---- */
const NO_RETRY = /^accounts\/(login|recruiter-login|admin-login|token\/refresh|logout|register|verify-email|resend-verification|password-reset)/;
export async function api(method, path, body, opts = {}) {
  const headers = { "Accept": "application/json" };
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) { headers["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
  if (session.access) headers["Authorization"] = "Bearer " + session.access;
  let res;
  try {
    res = await fetch("/api/" + path, { method, headers, body: payload });
  } catch {
    return { ok: false, status: 0, data: { detail: "The server cannot be reached. Check your connection and try again." } };
  }
  // A 401 of a call that takes a token: refresh once and retry (not for the calls that log in or
  // refresh themselves, whose 401 is the answer).
  if (res.status === 401 && session.refresh && !opts.retried && !NO_RETRY.test(path)) {
    if (await refreshTokens()) return api(method, path, body, { ...opts, retried: true });
  }
  if (opts.raw) return res;
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  return { ok: res.ok, status: res.status, data };
}
export const get = (path) => api("GET", path);

/* A query string from an object, leaving out empty values. */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") u.set(k, v);
  const s = u.toString();
  return s ? "?" + s : "";
}

/* Upload with progress (fetch has none): XMLHttpRequest, same token handling. */
export function upload(path, formData, onProgress) {
  return new Promise((resolve) => {
    const x = new XMLHttpRequest();
    x.open("POST", "/api/" + path);
    x.setRequestHeader("Accept", "application/json");
    if (session.access) x.setRequestHeader("Authorization", "Bearer " + session.access);
    x.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(Math.round((100 * e.loaded) / e.total)); };
    x.onload = () => {
      let data = null;
      try { data = JSON.parse(x.responseText); } catch { /* not JSON */ }
      resolve({ ok: x.status >= 200 && x.status < 300, status: x.status, data });
    };
    x.onerror = () => resolve({ ok: false, status: 0, data: { detail: "The upload failed: the server cannot be reached." } });
    x.send(formData);
  });
}

/* Downloads a file the API serves with a token (a plain link cannot send Authorization). */
export async function download(path, fallbackName) {
  const res = await api("GET", path, undefined, { raw: true });
  if (!res.ok) { const d = await res.json().catch(() => null); return errorText(d); }
  const blob = await res.blob();
  const m = /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") || "");
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = m ? m[1] : fallbackName;
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  return null;
}

/* ---- errors ---- */
const FIELD_NAMES = { non_field_errors: "", detail: "" };
export function errorText(data) {
  if (!data) return "Something went wrong. Please try again.";
  if (typeof data.detail === "string") return data.detail;
  return Object.entries(data).map(([k, v]) =>
    (FIELD_NAMES[k] === "" ? "" : label(k) + ": ") + [].concat(v).join(" ")).join("\n");
}
export const label = (k) => k.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());

/* The messages of one field of a validation answer (a 400 dict), or []. */
export function fieldErrors(errs, name) {
  if (!errs || typeof errs !== "object" || typeof errs.detail === "string") return [];
  return [].concat(errs[name] || []);
}

/* Messages that belong to no field shown: detail, non_field_errors, and fields not in `shown`. */
export function FormError({ errs, shown = [] }) {
  if (!errs) return null;
  let text;
  if (typeof errs === "string") text = errs;
  else if (typeof errs.detail === "string") text = errs.detail;
  else {
    const rest = Object.entries(errs).filter(([k]) => !shown.includes(k));
    if (!rest.length) text = "Please correct the fields marked below.";
    else text = rest.map(([k, v]) => (k === "non_field_errors" ? "" : label(k) + ": ") + [].concat(v).join(" ")).join("\n");
  }
  return html`<p class="error" role="alert">${text}</p>`;
}

/* ---- forms: controlled fields with their label and their errors under them ---- */
export function useForm(initial) {
  const [values, setValues] = useState(initial);
  const [errs, setErrs] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (name, v) => setValues((o) => ({ ...o, [name]: v }));
  return { values, setValues, set, errs, setErrs, busy, setBusy };
}

let uid = 0;
export function Field({ form, name, label: text, type = "text", options, required, hint, autocomplete, min, max, step, rows }) {
  const id = useMemo(() => "f-" + name + "-" + ++uid, [name]);
  const errors = fieldErrors(form.errs, name);
  const value = form.values[name] ?? "";
  const describedBy = [hint ? id + "-hint" : "", errors.length ? id + "-err" : ""].filter(Boolean).join(" ") || undefined;
  const common = { id, name, required, "aria-invalid": errors.length ? "true" : undefined, "aria-describedby": describedBy };
  let control;
  if (options) {
    control = html`<select ...${common} value=${value} onChange=${(e) => form.set(name, e.target.value)}>
      ${options.map(([v, t]) => html`<option value=${v}>${t}</option>`)}</select>`;
  } else if (type === "textarea") {
    control = html`<textarea ...${common} rows=${rows || 5} value=${value} onInput=${(e) => form.set(name, e.target.value)}></textarea>`;
  } else if (type === "checkbox") {
    return html`<div class="field check"><input type="checkbox" ...${common} checked=${!!form.values[name]}
      onChange=${(e) => form.set(name, e.target.checked)} /><label for=${id}>${text}</label>
      ${errors.map((m) => html`<p class="field-error" id=${id + "-err"}>${m}</p>`)}</div>`;
  } else {
    control = html`<input ...${common} type=${type} value=${value} autocomplete=${autocomplete} min=${min} max=${max} step=${step}
      onInput=${(e) => form.set(name, e.target.value)} />`;
  }
  return html`<div class="field">
    <label for=${id}>${text}</label>
    ${control}
    ${hint && html`<p class="hint" id=${id + "-hint"}>${hint}</p>`}
    ${errors.length ? html`<p class="field-error" id=${id + "-err"}>${errors.join(" ")}</p>` : null}
  </div>`;
}

/* Runs an API call for a form: busy flag, errors kept for the fields, onOk with the data. */
export async function submit(form, call, onOk) {
  form.setBusy(true); form.setErrs(null);
  const r = await call();
  form.setBusy(false);
  if (!r.ok) { form.setErrs(r.data || { detail: `Request failed (${r.status}).` }); return r; }
  if (onOk) await onOk(r.data);
  return r;
}

/* ---- data loading ---- */
export function useApi(path, deps = []) {
  const [state, setState] = useState({ loading: true, data: null, error: null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    if (!path) { setState({ loading: false, data: null, error: null }); return; }
    setState((s) => ({ ...s, loading: true }));
    get(path).then((r) => { if (live) setState({ loading: false, data: r.ok ? r.data : null, error: r.ok ? null : r.data || { detail: `Error ${r.status}` }, status: r.status }); });
    return () => { live = false; };
  }, [path, tick, ...deps]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

export function Loading({ state, children }) {
  if (state.loading && !state.data) return html`<p aria-busy="true">Loading…</p>`;
  if (state.error) return html`<${FormError} errs=${state.error} />`;
  return children();
}

/* The contract's page object: count, previous/next links, page N of M. */
export function Pager({ data, page, pageSize = 10, onPage }) {
  if (!data || data.count === undefined) return null;
  const pages = Math.max(1, Math.ceil(data.count / pageSize));
  return html`<nav class="pager" aria-label="Pages">
    <button type="button" class="secondary" disabled=${!data.previous} onClick=${() => onPage(page - 1)}>Previous</button>
    <span>Page ${page} of ${pages}</span>
    <button type="button" class="secondary" disabled=${!data.next} onClick=${() => onPage(page + 1)}>Next</button>
  </nav>`;
}

/* ---- announcements for screen readers (aria-live region in index.html) ---- */
export function announce(text) {
  const el = document.getElementById("live");
  if (!el) return;
  el.textContent = "";
  setTimeout(() => { el.textContent = text; }, 50);
}

/* ---- formatting ---- */
export const JOB_TYPES = [["full_time", "Full time"], ["part_time", "Part time"], ["contract", "Contract"],
  ["temporary", "Temporary"], ["locum", "Locum"], ["per_diem", "Per diem"]];
export const LEVELS = [["entry", "Entry"], ["mid", "Mid"], ["senior", "Senior"], ["executive", "Executive"]];
export const HOSPITAL_TYPES = [["public", "Public"], ["private", "Private"], ["specialty", "Specialty"],
  ["clinic", "Clinic"], ["nursing_home", "Nursing home"]];
export const PAY_UNITS = [["monthly", "per month"], ["yearly", "per year"], ["hourly", "per hour"],
  ["daily", "per day"], ["weekly", "per week"], ["per_shift", "per shift"]];
export const STATUSES = ["applied", "reviewed", "shortlisted", "interviewing", "offered", "hired", "rejected", "withdrawn"];
const names = (list) => Object.fromEntries(list);
export const jobTypeName = (v) => names(JOB_TYPES)[v] || v;
export const levelName = (v) => names(LEVELS)[v] || v;
export const payUnitName = (v) => names(PAY_UNITS)[v] || v;
export const statusName = (s) => label(s || "");
export function money(v, cur = "INR") {
  if (v === null || v === undefined) return "";
  const n = Number(v);
  return isNaN(n) ? v : cur + " " + n.toLocaleString("en-IN", { maximumFractionDigits: 2 });
}
export const date = (v) => (v ? new Date(v.length === 10 ? v + "T00:00:00" : v).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" }) : "");
export const dateTime = (v) => (v ? new Date(v).toLocaleString("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" }) : "");
export const fullName = (p) => (p ? `${p.first_name || ""} ${p.last_name || ""}`.trim() : "");

/* The master data (skills, qualifications), loaded once. */
const masters = {};
export function useMaster(kind) {
  const [list, setList] = useState(masters[kind] || null);
  useEffect(() => {
    if (masters[kind]) return;
    get(`masters/${kind}/?page_size=1000&is_active=true`).then((r) => {
      if (r.ok) { masters[kind] = r.data.results; setList(r.data.results); }
    });
  }, [kind]);
  return list || [];
}

/* A filterable list of checkboxes over a master list (skills, qualifications). */
export function MultiPick({ form, name, label: text, items }) {
  const [filter, setFilter] = useState("");
  const selected = new Set(form.values[name] || []);
  const f = filter.trim().toLowerCase();
  const shown = items.filter((i) => selected.has(i.id) || (f && i.name.toLowerCase().includes(f))).slice(0, 40);
  const toggle = (id) => {
    const s = new Set(selected);
    s.has(id) ? s.delete(id) : s.add(id);
    form.set(name, [...s]);
  };
  const errors = fieldErrors(form.errs, name);
  const id = "pick-" + name;
  return html`<fieldset class="field pick">
    <legend>${text}</legend>
    <label for=${id}>Find ${text.toLowerCase()}</label>
    <input id=${id} type="search" value=${filter} onInput=${(e) => setFilter(e.target.value)} placeholder="Type to find" />
    <ul class="picklist">${shown.map((i) => html`<li key=${i.id}><label class="inline">
      <input type="checkbox" checked=${selected.has(i.id)} onChange=${() => toggle(i.id)} /> ${i.name}</label></li>`)}</ul>
    ${errors.length ? html`<p class="field-error">${errors.join(" ")}</p>` : null}
  </fieldset>`;
}
