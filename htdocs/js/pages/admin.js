/* Admin pages: verification queues (candidates, hospitals) with documents and approve/reject,
 * testimonial moderation, the dashboard (stats + analytics charts), users, audit log, activity.
 * users/, audit-log/, recent-activity/ and dashboard-stats/ follow CONTRACT §5's shapes. */
import { html, useState, useEffect, useRef, api, get, qs, useForm, Field, FormError, submit, useApi, Loading, Pager,
  label, date, dateTime, fullName, announce, download, errorText, fieldErrors } from "../lib.js";
import { navigate, setQuery } from "../router.js";

/* ---- verification queues ---- */
const QUEUES = {
  candidates: { title: "Candidates", pending: "pending-verifications/", approve: "approve-verification/", reject: "reject-verification/", idKey: "profile_id" },
  hospitals: { title: "Hospitals", pending: "pending-hospital-verifications/", approve: "approve-hospital-verification/", reject: "reject-hospital-verification/", idKey: "hospital_id" },
};
export function Verifications({ kind = "candidates", query }) {
  const q = QUEUES[kind] || QUEUES.candidates;
  const search = query.get("search") || "";
  const state = useApi("profiles/" + q.pending + qs({ search }));
  const [msg, setMsg] = useState(null);
  const [s, setS] = useState(search);
  const decide = async (item, approve, text) => {
    const body = { [q.idKey]: item.id, ...(approve ? { notes: text || undefined } : { reason: text }) };
    const r = await api("POST", "profiles/" + (approve ? q.approve : q.reject), body);
    const name = item.name || fullName(item);
    const t = r.ok ? `${name}: ${approve ? "approved" : "rejected"}` : `${name}: ${r.data && (r.data.detail || Object.values(r.data).flat().join(" ")) || "error " + r.status}`;
    setMsg({ ok: r.ok, text: t }); announce(t);
    if (r.ok) state.reload();
    return r;
  };
  return html`<section>
    <h1>Verification queue</h1>
    <nav class="tabs" aria-label="Queues">
      <a href="/admin/verifications" aria-current=${kind === "candidates" ? "page" : undefined}>Candidates</a>
      <a href="/admin/verifications/hospitals" aria-current=${kind === "hospitals" ? "page" : undefined}>Hospitals</a>
    </nav>
    <form role="search" class="searchbar" onSubmit=${(e) => { e.preventDefault(); setQuery({ search: s }); }}>
      <label for="vq">Search the queue</label><input id="vq" type="search" value=${s} onInput=${(e) => setS(e.target.value)} />
      <button type="submit">Search</button></form>
    ${msg && html`<p class=${msg.ok ? "ok" : "error"} role="status">${msg.text}</p>`}
    <${Loading} state=${state}>${() => state.data.results.length === 0 ? html`<p>Nothing waiting. </p>` : html`
      <p>${state.data.count} waiting</p>
      <ul class="results">${state.data.results.map((it) => html`<li key=${it.id}><${QueueItem} item=${it} kind=${kind} onDecide=${decide} /></li>`)}</ul>`}<//>
  </section>`;
}

function QueueItem({ item, kind, onDecide }) {
  const [text, setText] = useState("");
  const [err, setErr] = useState(null);
  const req = item.verification_request || {};
  const name = kind === "hospitals" ? item.name : fullName(item);
  const fid = "reason-" + kind + "-" + item.id;
  const reject = async () => {
    if (!text.trim()) { setErr("Give a reason to reject."); return; }
    setErr(null);
    const r = await onDecide(item, false, text);
    if (!r.ok && r.data && r.data.reason) setErr(r.data.reason.join(" "));
  };
  return html`<article class="card queue-item" data-id=${item.id}>
    <h2>${name}</h2>
    <p class="meta">${(kind === "hospitals" ? [label(item.type || ""), item.city, "reg. " + item.registration_number]
      : [item.email, item.specialization, item.city]).concat(["submitted " + dateTime(item.submitted_at)]).filter(Boolean).join(" · ")}</p>
    ${kind === "candidates" && html`<p>Licence ${req.license_number || "—"} · council ${req.registration_council || "—"}${req.id_document_type ? ` · ${label(req.id_document_type)} ${req.id_document_number || ""}` : ""}</p>`}
    ${kind === "hospitals" && item.recruiters && html`<p>Recruiters: ${item.recruiters.map((r) => `${fullName(r)} (${r.email})`).join(", ")}</p>`}
    ${(req.documents || []).length > 0 && html`<p>Documents: ${req.documents.map((d) => html`<button type="button" class="link" onClick=${async () => setErr(await download(`documents/${d.id}/download/`, d.original_name || "document"))}>${d.original_name || label(d.document_type || "document")}</button> `)}</p>`}
    <div class="field"><label for=${fid}>Notes or reason</label>
      <input id=${fid} value=${text} onInput=${(e) => setText(e.target.value)} aria-describedby=${err ? fid + "-err" : undefined} />
      ${err && html`<p class="field-error" id=${fid + "-err"}>${err}</p>`}</div>
    <div class="actions"><button type="button" onClick=${() => onDecide(item, true, text)} aria-label=${"Approve " + name}>Approve</button>
      <button type="button" class="danger" onClick=${reject} aria-label=${"Reject " + name}>Reject</button></div>
  </article>`;
}

/* ---- testimonial moderation ---- */
export function Moderation() {
  const state = useApi("testimonials/?is_approved=false&page_size=50");
  const [msg, setMsg] = useState(null);
  const act = async (t, what, reason) => {
    const r = await api("POST", `testimonials/${t.id}/${what}/`, what === "reject" ? { reason } : {});
    const text = r.ok ? `“${t.title}”: ${what === "approve" ? "approved" : "rejected"}` : errorText(r.data);
    setMsg({ ok: r.ok, text }); announce(text);
    if (r.ok) state.reload();
    return r;
  };
  return html`<section><h1>Testimonials to moderate</h1>
    <p class="hint">Pending and rejected testimonials; a rejected one can still be approved.</p>
    ${msg && html`<p class=${msg.ok ? "ok" : "error"} role="status">${msg.text}</p>`}
    <${Loading} state=${state}>${() => state.data.results.length === 0 ? html`<p>Nothing to moderate.</p>` : html`<ul class="results">${state.data.results.map((t) => html`<li key=${t.id}><${ModerationItem} t=${t} onAct=${act} /></li>`)}</ul>`}<//>
  </section>`;
}

function ModerationItem({ t, onAct }) {
  const [reason, setReason] = useState("");
  const [err, setErr] = useState(null);
  const fid = "mod-reason-" + t.id;
  const reject = async () => {
    if (!reason.trim()) { setErr("Give a reason to reject."); return; }
    const r = await onAct(t, "reject", reason);
    setErr(r.ok ? null : fieldErrors(r.data, "reason").join(" ") || null);
  };
  return html`<article class="card moderation-item">
    <h2>${t.title} · ${t.rating}/5</h2><p class="meta">${fullName(t.given_by)} (${t.given_by.role}) about ${fullName(t.given_to)} · ${date(t.created_at)}
      · <span class=${"status st-" + t.status}>${label(t.status || "pending")}</span>${t.rejection_reason ? ": " + t.rejection_reason : ""}</p>
    <p class="prose">${t.content}</p>
    ${t.status !== "rejected" && html`<div class="field"><label for=${fid}>Reason (to reject)</label>
      <input id=${fid} value=${reason} onInput=${(e) => setReason(e.target.value)} aria-describedby=${err ? fid + "-err" : undefined} aria-invalid=${err ? "true" : undefined} />
      ${err && html`<p class="field-error" id=${fid + "-err"}>${err}</p>`}</div>`}
    <div class="actions"><button type="button" onClick=${() => onAct(t, "approve")} aria-label=${"Approve " + t.title}>Approve</button>
      ${t.status !== "rejected" && html`<button type="button" class="danger" onClick=${reject} aria-label=${"Reject " + t.title}>Reject</button>`}</div>
  </article>`;
}

/* ---- dashboard: the stats and the analytics charts over a chosen range ---- */
const isoDay = (d) => d.toISOString().slice(0, 10);
export function Dashboard({ query }) {
  const to = query.get("to") || isoDay(new Date());
  const from = query.get("from") || isoDay(new Date(Date.now() - 29 * 864e5));
  const interval = query.get("interval") || "day";
  const form = useForm({ from, to, interval });
  const range = qs({ from, to, interval, tz: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC" });
  const stats = useApi("admin/dashboard-stats/");
  const users = useApi("admin/analytics/users/" + range);
  const jobs = useApi("admin/analytics/jobs/" + range);
  const apps = useApi("admin/analytics/applications/" + range);
  return html`<section>
    <h1>Dashboard</h1>
    ${stats.data ? html`<dl class="stats" id="dashboard-stats">${Object.entries(stats.data).map(([k, v]) => html`<div><dt>${label(k)}</dt><dd data-stat=${k}>${v}</dd></div>`)}</dl>`
      : stats.status === 404 ? html`<p class="hint">Dashboard counts are not available on this server yet.</p>` : null}
    <form class="filters" onSubmit=${(e) => { e.preventDefault(); setQuery(form.values); }} aria-label="Range">
      <${Field} form=${form} name="from" label="From" type="date" />
      <${Field} form=${form} name="to" label="To" type="date" />
      <${Field} form=${form} name="interval" label="Interval" options=${[["day", "Day"], ["week", "Week"], ["month", "Month"]]} />
      <div class="actions"><button type="submit">Show</button></div>
    </form>
    <${FormError} errs=${users.error || jobs.error || apps.error} />
    <div class="charts">
      ${users.data && html`<${Chart} title=${`New users (${users.data.totals.new})`} buckets=${users.data.series.map((s) => s.bucket)}
        series=${[["Candidates", users.data.series.map((s) => s.by_role.candidate)], ["Recruiters", users.data.series.map((s) => s.by_role.recruiter)], ["Active", users.data.active_series.map((s) => s.count)]]} />`}
      ${jobs.data && html`<${Chart} title=${`Jobs posted (${jobs.data.total})`} buckets=${jobs.data.series.map((s) => s.bucket)} series=${[["Jobs", jobs.data.series.map((s) => s.count)]]} />`}
      ${apps.data && html`<${Chart} title=${`Applications (${apps.data.total})`} buckets=${apps.data.series.map((s) => s.bucket)} series=${[["Applications", apps.data.series.map((s) => s.count)]]} />`}
    </div>
    ${apps.data && html`<table class="list"><caption>Applications funnel</caption><thead><tr><th scope="col">Stage</th><th scope="col">Reached</th><th scope="col">Of the stage before</th></tr></thead>
      <tbody>${apps.data.funnel.map((f) => html`<tr><td>${label(f.stage)}</td><td>${f.count}</td><td>${f.conversion === null ? "—" : Math.round(f.conversion * 100) + "%"}</td></tr>`)}</tbody></table>
      <p>Median time to hire: ${apps.data.time_to_hire_hours.median ?? "—"} h · to a first answer: ${apps.data.time_to_first_response_hours.median ?? "—"} h</p>`}
    ${jobs.data && jobs.data.fill_rate && html`<p>Fill rate: ${jobs.data.fill_rate.rate === null ? "—" : Math.round(jobs.data.fill_rate.rate * 100) + "%"} (${jobs.data.fill_rate.filled} of ${jobs.data.fill_rate.closed} closed jobs)</p>`}
  </section>`;
}

/* A uPlot line chart, the library loaded only here (dynamic import: not on the job pages). */
const COLORS = ["#0b6e6e", "#b54708", "#5b3cc4"];
function Chart({ title, buckets, series }) {
  const box = useRef(null);
  useEffect(() => {
    let plot, gone = false;
    Promise.all([import("../../vendor/uplot-1.6.32/uPlot.esm.js"), loadCss("/vendor/uplot-1.6.32/uPlot.min.css")]).then(([m]) => {
      if (gone || !box.current) return;
      const xs = buckets.map((b) => Date.parse(b + "T00:00:00Z") / 1000);
      const width = Math.max(260, Math.min((box.current.clientWidth || 600) - 8, 900));
      plot = new m.default({ width, height: 220, series: [{}, ...series.map(([n], i) => ({ label: n, stroke: COLORS[i % 3], width: 2 }))],
        axes: [{}, { size: 50 }], scales: { x: { time: true } } }, [xs, ...series.map(([, v]) => v)], box.current);
    });
    return () => { gone = true; if (plot) plot.destroy(); };
  }, [JSON.stringify(buckets), JSON.stringify(series)]);
  const totals = series.map(([n, v]) => `${n}: ${v.reduce((a, b) => a + b, 0)}`).join(", ");
  return html`<figure class="chart"><figcaption>${title}</figcaption><div ref=${box} role="img" aria-label=${title + ". " + totals}></div></figure>`;
}
function loadCss(href) {
  if (document.querySelector(`link[href="${href}"]`)) return Promise.resolve();
  return new Promise((ok) => { const l = document.createElement("link"); l.rel = "stylesheet"; l.href = href; l.onload = ok; l.onerror = ok; document.head.append(l); });
}

/* ---- users (CONTRACT §5 users/) ---- */
const NOT_YET = "This screen needs the admin API (users, audit log, activity), which this server does not have yet.";
export function Users({ query }) {
  const page = Number(query.get("page") || 1);
  const params = { search: query.get("search") || "", role: query.get("role") || "", is_active: query.get("is_active") || "" };
  const state = useApi("admin/users/" + qs({ ...params, page: page > 1 ? page : "" }));
  const form = useForm(params);
  const invite = useForm({ email: "", first_name: "", last_name: "", role: "admin" });
  const [msg, setMsg] = useState(null);
  const toggle = async (u) => {
    const r = await api("POST", `admin/users/${u.id}/${u.is_active ? "deactivate" : "activate"}/`);
    setMsg(r.ok ? `${u.email} ${u.is_active ? "deactivated" : "activated"}` : (r.data && r.data.detail) || "error");
    state.reload();
  };
  return html`<section><h1>Users</h1>
    <form class="filters" role="search" onSubmit=${(e) => { e.preventDefault(); setQuery(form.values); }}>
      <${Field} form=${form} name="search" label="Search users" type="search" />
      <${Field} form=${form} name="role" label="Role" options=${[["", "Any"], ["candidate", "Candidate"], ["recruiter", "Recruiter"], ["admin", "Admin"]]} />
      <${Field} form=${form} name="is_active" label="Active" options=${[["", "Any"], ["true", "Active"], ["false", "Deactivated"]]} />
      <div class="actions"><button type="submit">Search</button></div></form>
    ${msg && html`<p role="status">${msg}</p>`}
    ${state.status === 404 ? html`<p class="hint">${NOT_YET}</p>` : html`<${Loading} state=${state}>${() => html`<table class="list"><caption>${state.data.count} users</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Joined</th><th scope="col">Active</th><th scope="col">Action</th></tr></thead>
      <tbody>${state.data.results.map((u) => html`<tr key=${u.id}><td>${fullName(u)}</td><td>${u.email}</td><td>${u.role}</td><td>${date(u.date_joined)}</td>
        <td>${u.is_active ? "Yes" : "No"}</td><td><button type="button" class="link" onClick=${() => toggle(u)}>${u.is_active ? "Deactivate" : "Activate"}</button></td></tr>`)}</tbody></table>
      <${Pager} data=${state.data} page=${page} onPage=${(p) => setQuery({ ...params, page: p })} />`}<//>`}
    <form class="card" onSubmit=${(e) => { e.preventDefault(); submit(invite, () => api("POST", "admin/users/", invite.values), (u) => { setMsg(`Invitation mailed to ${u.email}`); state.reload(); }); }} novalidate aria-label="Invite a user">
      <h2>Invite a user</h2>
      <${Field} form=${invite} name="email" label="Email" type="email" />
      <${Field} form=${invite} name="first_name" label="First name" />
      <${Field} form=${invite} name="last_name" label="Last name" />
      <${Field} form=${invite} name="role" label="Role" options=${[["admin", "Admin"], ["recruiter", "Recruiter"], ["candidate", "Candidate"]]} />
      <${FormError} errs=${invite.errs} shown=${["email", "first_name", "last_name", "role"]} />
      <button type="submit" disabled=${invite.busy}>Send invitation</button></form>
  </section>`;
}

/* ---- feeds with a cursor: audit log (filters) and recent activity ---- */
function useFeed(base) {
  const [items, setItems] = useState([]);
  const [next, setNext] = useState(null);
  const [err, setErr] = useState(null);
  const load = async (cursor) => {
    const r = await get(base + (cursor ? (base.includes("?") ? "&" : "?") + "cursor=" + encodeURIComponent(cursor) : ""));
    if (!r.ok) { setErr(r.status === 404 && !cursor ? { detail: NOT_YET } : r.data || { detail: "error " + r.status }); return; }
    setItems((old) => (cursor ? [...old, ...r.data.results] : r.data.results));
    setNext(r.data.next ? new URL(r.data.next).searchParams.get("cursor") : null);
  };
  useEffect(() => { setItems([]); setErr(null); load(null); }, [base]);
  return { items, next, err, more: () => load(next) };
}

export function AuditLog({ query }) {
  const keys = ["actor", "action", "target_type", "target_id", "from", "to"];
  const params = Object.fromEntries(keys.map((k) => [k, query.get(k) || ""]));
  const form = useForm(params);
  const feed = useFeed("admin/audit-log/" + qs(params));
  return html`<section><h1>Audit log</h1>
    <form class="filters" onSubmit=${(e) => { e.preventDefault(); setQuery(form.values); }} aria-label="Filters">
      <${Field} form=${form} name="actor" label="Actor (user id)" />
      <${Field} form=${form} name="action" label="Action" />
      <${Field} form=${form} name="target_type" label="Target type" />
      <${Field} form=${form} name="target_id" label="Target id" />
      <${Field} form=${form} name="from" label="From" type="date" />
      <${Field} form=${form} name="to" label="To" type="date" />
      <div class="actions"><button type="submit">Filter</button></div></form>
    <${FormError} errs=${feed.err} />
    <table class="list"><caption>Entries</caption><thead><tr><th scope="col">When</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Client</th></tr></thead>
      <tbody>${feed.items.map((a) => html`<tr key=${a.id}><td>${dateTime(a.created_at)}</td><td>${a.actor && typeof a.actor === "object" ? a.actor.email || a.actor.id : a.actor}</td>
        <td>${a.action}</td><td>${a.target ? `${a.target.type} ${a.target.id}` : ""}</td><td>${a.client || ""}</td></tr>`)}</tbody></table>
    ${feed.next && html`<button type="button" class="secondary" onClick=${feed.more}>Older entries</button>`}
  </section>`;
}

export function Activity() {
  const feed = useFeed("admin/recent-activity/");
  return html`<section><h1>Recent activity</h1><${FormError} errs=${feed.err} />
    <ul class="feed">${feed.items.map((a) => html`<li key=${a.id}><time datetime=${a.created_at}>${dateTime(a.created_at)}</time> · ${label(a.type || "")}: ${a.summary}</li>`)}</ul>
    ${feed.next && html`<button type="button" class="secondary" onClick=${feed.more}>More</button>`}</section>`;
}
