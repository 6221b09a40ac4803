/* CareChain frontend: the app shell (header, navigation by role, notification bell) and the
 * route table. Pages live in pages/*.js. */
import { html, render, useState, useEffect, useRef, api, get, session, useApi, Loading, dateTime, label, announce } from "./lib.js";
import { useLocation, match, navigate } from "./router.js";
import { startStream, stopStream } from "./stream.js";
import * as pub from "./pages/public.js";
import * as cand from "./pages/candidate.js";
import * as rec from "./pages/recruiter.js";
import * as adm from "./pages/admin.js";
import * as msg from "./pages/messages.js";

/* [pattern, component, role needed (null: anyone, "any": logged in), title] */
const ROUTES = [
  ["/", pub.Home, null, "Healthcare jobs"],
  ["/jobs", pub.Jobs, null, "Jobs"],
  ["/jobs/:id", pub.JobPage, null, "Job"],
  ["/login", pub.Login, null, "Log in"],
  ["/register", pub.Register, null, "Register"],
  ["/verify-email", pub.VerifyEmail, null, "Verify your email"],
  ["/reset-password", pub.ResetPassword, null, "Reset your password"],
  ["/profile", Profile, "any", "Your profile"],
  ["/documents", cand.Documents, "any", "Documents"],
  ["/matches", cand.Matches, "candidate", "Matches"],
  ["/applications", cand.Applications, "candidate", "Applications"],
  ["/applications/:id", cand.ApplicationPage, "candidate", "Application"],
  ["/assignments", cand.Assignments, "candidate", "Assignments"],
  ["/testimonials", cand.Testimonials, "any", "Testimonials"],
  ["/notifications", Notifications, "any", "Notifications"],
  ["/messages", msg.Conversations, "any", "Messages"],
  ["/messages/:id", msg.Conversation, "any", "Conversation"],
  ["/recruiter", rec.RecruiterHome, "recruiter", "Your jobs"],
  ["/recruiter/hospital", rec.HospitalPage, "recruiter", "Hospital"],
  ["/recruiter/jobs/new", rec.JobForm, "recruiter", "Post a job"],
  ["/recruiter/jobs/:id", rec.Board, "recruiter", "Pipeline"],
  ["/recruiter/jobs/:id/edit", rec.JobForm, "recruiter", "Edit job"],
  ["/recruiter/jobs/:id/matches", rec.JobMatches, "recruiter", "Matches"],
  ["/recruiter/candidates/:id", rec.CandidateDetails, "recruiter", "Candidate"],
  ["/admin", adm.Dashboard, "admin", "Dashboard"],
  ["/admin/verifications", adm.Verifications, "admin", "Verification queue"],
  ["/admin/verifications/hospitals", (p) => html`<${adm.Verifications} ...${p} kind="hospitals" />`, "admin", "Hospital verification"],
  ["/admin/testimonials", adm.Moderation, "admin", "Testimonials"],
  ["/admin/users", adm.Users, "admin", "Users"],
  ["/admin/audit", adm.AuditLog, "admin", "Audit log"],
  ["/admin/activity", adm.Activity, "admin", "Recent activity"],
];

function resolve(path) {
  const p = path.length > 1 ? path.replace(/\/+$/, "") : path;
  for (const [pattern, comp, role, title] of ROUTES) {
    const params = match(pattern, p);
    if (params) return { comp, role, title, params };
  }
  return null;
}

function Profile(props) {
  const u = session.user;
  if (u && u.role === "candidate") return html`<${cand.CandidateProfile} ...${props} />`;
  return html`<${Account} />`;
}

function Account() {
  const state = useApi("accounts/profile/");
  return html`<section><h1>Your account</h1><${Loading} state=${state}>${() => html`<dl class="facts">
    <dt>Name</dt><dd>${state.data.first_name} ${state.data.last_name}</dd><dt>Email</dt><dd>${state.data.email}</dd>
    <dt>Role</dt><dd>${label(state.data.role)}</dd><dt>Member since</dt><dd>${dateTime(state.data.date_joined)}</dd></dl>`}<//></section>`;
}

function Notifications() {
  const state = useApi("notifications/?page_size=50");
  useEffect(() => { const f = () => state.reload(); addEventListener("cc:notification", f); return () => removeEventListener("cc:notification", f); }, []);
  const markRead = async (n) => { await api("POST", `notifications/${n.id}/mark-read/`); state.reload(); dispatchEvent(new Event("cc:bell")); };
  const readAll = async () => { await api("POST", "notifications/mark-all-read/"); state.reload(); dispatchEvent(new Event("cc:bell")); };
  return html`<section><h1>Notifications</h1>
    <button type="button" class="secondary" onClick=${readAll}>Mark all read</button>
    <${Loading} state=${state}>${() => state.data.results.length === 0 ? html`<p>No notifications.</p>` : html`<ul class="feed" aria-live="polite">${state.data.results.map((n) => html`<li key=${n.id} class=${n.is_read ? "" : "unread"}>
      <strong>${n.title}</strong> <time datetime=${n.created_at}>${dateTime(n.created_at)}</time><p>${n.message}</p>
      ${linkFor(n) && html`<a href=${linkFor(n)}>Open</a> `}
      ${!n.is_read && html`<button type="button" class="link" onClick=${() => markRead(n)}>Mark read</button>`}</li>`)}</ul>`}<//></section>`;
}

/* Where a notification leads, from the ids in its data. */
function linkFor(n) {
  const d = n.data || {}, role = session.user && session.user.role;
  if (d.conversation) return "/messages/" + d.conversation;
  if (d.application && role === "candidate") return "/applications/" + d.application;
  if (d.job && role === "recruiter") return "/recruiter/jobs/" + d.job;
  if (d.job) return "/jobs/" + d.job;
  if (n.notification_type === "verification") return role === "recruiter" ? "/recruiter/hospital" : "/profile";
  return null;
}

function Bell() {
  const [n, setN] = useState(null);
  useEffect(() => {
    let live = true;
    const load = () => get("notifications/?page_size=1").then((r) => { if (live && r.ok) setN(r.data.unread_count); });
    load();
    const onEvent = (e) => { load(); if (e.detail && e.detail.title) announce("Notification: " + e.detail.title); };
    addEventListener("cc:notification", onEvent);
    addEventListener("cc:bell", load);
    const poll = setInterval(load, 60000); // the stream brings changes at once; this is the fallback
    return () => { live = false; clearInterval(poll); removeEventListener("cc:notification", onEvent); removeEventListener("cc:bell", load); };
  }, []);
  return html`<a href="/notifications" class="bell" aria-label=${`Notifications, ${n || 0} unread`}>
    <img src="/img/bell.svg" alt="" width="22" height="22" />${n ? html`<span class="count" aria-hidden="true">${n}</span>` : null}</a>`;
}

const NAV = {
  candidate: [["/jobs", "Jobs"], ["/matches", "Matches"], ["/applications", "Applications"], ["/profile", "Profile"], ["/documents", "Documents"], ["/messages", "Messages"]],
  recruiter: [["/jobs", "Jobs"], ["/recruiter", "Your jobs"], ["/recruiter/hospital", "Hospital"], ["/documents", "Documents"], ["/messages", "Messages"]],
  admin: [["/admin", "Dashboard"], ["/admin/verifications", "Verifications"], ["/admin/users", "Users"], ["/admin/testimonials", "Testimonials"], ["/admin/audit", "Audit log"], ["/admin/activity", "Activity"], ["/messages", "Messages"]],
};

function Header({ path }) {
  const u = session.user;
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [path]);
  const logout = async () => {
    if (session.refresh) await api("POST", "accounts/logout/", { refresh: session.refresh });
    stopStream(); session.clear(); navigate("/login");
  };
  const links = u ? NAV[u.role] || [] : [["/jobs", "Jobs"], ["/login", "Log in"], ["/register", "Register"]];
  return html`<header class="top">
    <a href="/" class="brand">CareChain</a>
    <button type="button" class="menu secondary" aria-expanded=${open} aria-controls="nav" onClick=${() => setOpen(!open)}>Menu</button>
    <nav id="nav" aria-label="Main" class=${open ? "open" : ""}><ul>
      ${links.map(([href, text]) => html`<li><a href=${href} aria-current=${path === href ? "page" : undefined}>${text}</a></li>`)}
      ${u && html`<li><button type="button" class="link" onClick=${logout}>Log out</button></li>`}
    </ul></nav>
    ${u && html`<${Bell} />`}
  </header>`;
}

function App() {
  const { path, query } = useLocation();
  const [, setTick] = useState(0);
  useEffect(() => session.subscribe(() => setTick((t) => t + 1)), []);
  const u = session.user;
  useEffect(() => { if (u) startStream(); else stopStream(); }, [u && u.id]);
  const r = resolve(path);
  const first = useRef(true);
  useEffect(() => {
    document.title = (r ? r.title : "Not found") + " – CareChain";
    // After an in-app navigation, focus moves to the new page (screen readers read it from the
    // top, the keyboard continues from there); not on the first load.
    if (first.current) { first.current = false; return; }
    const m = document.getElementById("main");
    if (m) m.focus({ preventScroll: true });
  }, [path]);
  let page;
  if (!r) page = html`<${pub.NotFound} />`;
  else if (r.role && !u) page = html`<${pub.NeedLogin} />`;
  else if (r.role && r.role !== "any" && u.role !== r.role) page = html`<section class="narrow"><h1>Not for your account</h1><p>This page is for ${r.role}s.</p><p><a href=${pub.homeFor(u)}>Your home page</a></p></section>`;
  else page = html`<${r.comp} key=${path} ...${r.params} query=${query} />`;
  return html`<${Header} path=${path} /><main id="main" tabindex="-1">${page}</main>
    <footer><${Health} /></footer>`;
}

function Health() {
  const [v, setV] = useState("");
  useEffect(() => { get("health/").then((r) => setV(r.ok ? "API " + r.data.version : "API unavailable")); }, []);
  return html`<span>${v}</span>`;
}

render(html`<${App} />`, document.getElementById("app"));
