/* Recruiter pages: hospital profile and its verification, jobs (post, edit), the pipeline board
 * per job with a "Status" control per application, candidate details with résumé download,
 * recruiter notes, matches for a job. */
import { html, useState, useEffect, api, get, qs, useForm, Field, FormError, submit, useApi, Loading,
  JOB_TYPES, LEVELS, HOSPITAL_TYPES, PAY_UNITS, STATUSES, statusName, date, dateTime, money, label, announce, download, useMaster, MultiPick, fullName } from "../lib.js";
import { navigate } from "../router.js";
import { Factors, DOC_TYPES } from "./candidate.js";

/* Forward moves of the status machine (CONTRACT §4): skipping ahead is allowed, going back not. */
const PIPELINE = ["applied", "reviewed", "shortlisted", "interviewing", "offered", "hired"];
export function nextStatuses(s) {
  if (["hired", "rejected", "withdrawn"].includes(s)) return [];
  return [...PIPELINE.slice(PIPELINE.indexOf(s) + 1), "rejected"];
}

export function RecruiterHome() {
  const hosp = useApi("profiles/hospital/");
  const jobs = useApi("jobs/?mine=true&page_size=100");
  return html`<section>
    <h1>Your jobs</h1>
    <div class="card">
      ${hosp.data ? html`<p>Hospital: <strong>${hosp.data.name}</strong> · verification <strong class=${"st-" + hosp.data.verification_status}>${label(hosp.data.verification_status)}</strong> · <a href="/recruiter/hospital">Hospital profile</a></p>`
        : html`<p>${hosp.loading ? "…" : html`No hospital yet. <a href="/recruiter/hospital">Add your hospital</a> to get it verified and post jobs.`}</p>`}
      <p><a class="button" href="/recruiter/jobs/new">Post a job</a></p>
    </div>
    <${Loading} state=${jobs}>${() => jobs.data.results.length === 0 ? html`<p>No jobs yet.</p>` : html`
      <table class="list"><caption>${jobs.data.count} jobs</caption>
        <thead><tr><th scope="col">Title</th><th scope="col">Applications</th><th scope="col">Open</th><th scope="col">Actions</th></tr></thead>
        <tbody>${jobs.data.results.map((j) => html`<tr key=${j.id}><td><a href=${"/recruiter/jobs/" + j.id}>${j.title}</a></td>
          <td>${j.applications_count}</td><td>${j.is_active ? "Yes" : "No"}</td>
          <td><a href=${"/recruiter/jobs/" + j.id}>Pipeline</a> · <a href=${"/recruiter/jobs/" + j.id + "/edit"}>Edit</a> · <a href=${"/recruiter/jobs/" + j.id + "/matches"}>Matches</a></td></tr>`)}</tbody></table>`}<//>
  </section>`;
}

const HOSP_FIELDS = ["name", "registration_number", "type", "address", "city", "state", "phone_number", "email", "bed_capacity", "website"];
export function HospitalPage() {
  const state = useApi("profiles/hospital/");
  const h = state.data;
  const form = useForm(Object.fromEntries(HOSP_FIELDS.map((k) => [k, k === "type" ? "private" : ""])));
  const [saved, setSaved] = useState(false);
  useEffect(() => { if (h) form.setValues(Object.fromEntries(HOSP_FIELDS.map((k) => [k, h[k] ?? ""]))); }, [h && h.updated_at]);
  const onSubmit = (e) => {
    e.preventDefault(); setSaved(false);
    const body = Object.fromEntries(Object.entries(form.values).map(([k, v]) => [k, v === "" ? null : v]));
    submit(form, () => api(h ? "PATCH" : "POST", "profiles/hospital/", body), () => { setSaved(true); announce("Hospital saved"); state.reload(); });
  };
  if (state.loading && !h) return html`<p>Loading…</p>`;
  return html`<section>
    <h1>Hospital profile</h1>
    ${h && html`<p>Verification: <strong class=${"st-" + h.verification_status}>${label(h.verification_status)}</strong>${h.rejection_reason ? " · " + h.rejection_reason : ""}</p>`}
    <form class="grid" onSubmit=${onSubmit} novalidate aria-label="Hospital">
      <${Field} form=${form} name="name" label="Hospital name" required />
      <${Field} form=${form} name="registration_number" label="Registration number" required />
      <${Field} form=${form} name="type" label="Hospital type" options=${HOSPITAL_TYPES} />
      <${Field} form=${form} name="bed_capacity" label="Beds" type="number" min="0" />
      <${Field} form=${form} name="address" label="Address" />
      <${Field} form=${form} name="city" label="City" />
      <${Field} form=${form} name="state" label="State" />
      <${Field} form=${form} name="phone_number" label="Phone number" type="tel" />
      <${Field} form=${form} name="email" label="Hospital email" type="email" />
      <${Field} form=${form} name="website" label="Website" type="url" />
      <div class="wide"><${FormError} errs=${form.errs} shown=${HOSP_FIELDS} />
        ${saved && html`<p class="ok" role="status">Saved.${h && h.verification_status === "pending" ? " An administrator will verify your hospital." : ""}</p>`}
        <button type="submit" disabled=${form.busy}>${h ? "Save hospital" : "Create hospital"}</button></div>
    </form>
    ${h && h.verification_status !== "verified" && html`<${HospitalVerification} hospital=${h} />`}
  </section>`;
}

function HospitalVerification({ hospital }) {
  const v = useApi("profiles/verification/");
  const docs = useApi("documents/?page_size=100");
  const form = useForm({ registration_number: hospital.registration_number || "", document_ids: [] });
  const req = v.data && v.data.request;
  const toggle = (id) => { const s = new Set(form.values.document_ids); s.has(id) ? s.delete(id) : s.add(id); form.set("document_ids", [...s]); };
  return html`<form class="card" onSubmit=${(e) => { e.preventDefault(); submit(form, () => api(req ? "PUT" : "POST", "profiles/verification/", form.values), () => { announce("Verification requested"); v.reload(); }); }} novalidate aria-label="Hospital verification">
    <h2>Verification request</h2>
    ${req ? html`<p>Submitted ${dateTime(req.submitted_at)}: ${label(req.status || v.data.verification_status)}.</p>` : html`<p>Send the registration certificate (upload it under <a href="/documents">Documents</a>).</p>`}
    <${Field} form=${form} name="registration_number" label="Registration number" />
    <fieldset><legend>Documents</legend>${docs.data && docs.data.results.map((d) => html`<label class="inline"><input type="checkbox" checked=${form.values.document_ids.includes(d.id)} onChange=${() => toggle(d.id)} /> ${d.original_name}</label>`)}</fieldset>
    <${FormError} errs=${form.errs} shown=${["registration_number"]} />
    <button type="submit" disabled=${form.busy}>${req ? "Resubmit" : "Request verification"}</button>
  </form>`;
}

/* ---- post and edit a job: the API's validation messages under the fields ---- */
const JOB_FIELDS = ["title", "department", "location", "city", "state", "job_type", "experience_level", "min_experience_years",
  "salary_min", "salary_max", "salary_currency", "pay_unit", "shift", "start_date", "end_date", "vacancies", "expires_at", "description", "requirements"];
export function JobForm({ id }) {
  const state = useApi(id ? `jobs/${id}/` : null);
  const form = useForm({ title: "", department: "", location: "", city: "", state: "", job_type: "full_time", experience_level: "mid",
    min_experience_years: "0", salary_min: "", salary_max: "", salary_currency: "INR", pay_unit: "monthly", shift: "", start_date: "",
    end_date: "", vacancies: "1", expires_at: "", description: "", requirements: "", skills: [], qualifications: [], is_active: true });
  const skills = useMaster("skills"), quals = useMaster("qualifications");
  useEffect(() => { const j = state.data; if (j) form.setValues({ ...Object.fromEntries(JOB_FIELDS.map((k) => [k, j[k] ?? ""])),
    expires_at: j.expires_at ? j.expires_at.slice(0, 10) : "", skills: j.skills.map((s) => s.id), qualifications: j.qualifications.map((q) => q.id), is_active: j.is_active }); }, [state.data]);
  const onSubmit = (e) => {
    e.preventDefault();
    const body = {};
    for (const [k, v] of Object.entries(form.values)) body[k] = v === "" ? null : v;
    for (const k of ["requirements", "min_experience_years", "salary_currency", "pay_unit", "vacancies"]) if (body[k] === null) delete body[k];
    if (body.expires_at) body.expires_at += "T23:59:59Z";
    submit(form, () => api(id ? "PATCH" : "POST", id ? `jobs/${id}/` : "jobs/", body), (j) => { announce("Job saved"); navigate("/recruiter/jobs/" + j.id); });
  };
  return html`<section>
    <h1>${id ? "Edit job" : "Post a job"}</h1>
    <form class="grid" onSubmit=${onSubmit} novalidate aria-label="Job">
      <div class="wide"><${Field} form=${form} name="title" label="Title" required /></div>
      <${Field} form=${form} name="department" label="Department" />
      <${Field} form=${form} name="location" label="Location" hint="Ward, campus or area" />
      <${Field} form=${form} name="city" label="City" />
      <${Field} form=${form} name="state" label="State" />
      <${Field} form=${form} name="job_type" label="Job type" options=${JOB_TYPES} />
      <${Field} form=${form} name="experience_level" label="Experience level" options=${LEVELS} />
      <${Field} form=${form} name="min_experience_years" label="Minimum years of experience" type="number" min="0" max="70" />
      <${Field} form=${form} name="vacancies" label="Vacancies" type="number" min="1" />
      <${Field} form=${form} name="salary_min" label="Salary from" type="number" min="0" step="0.01" required />
      <${Field} form=${form} name="salary_max" label="Salary to" type="number" min="0" step="0.01" required />
      <${Field} form=${form} name="salary_currency" label="Currency" />
      <${Field} form=${form} name="pay_unit" label="Pay unit" options=${PAY_UNITS.map(([v, t]) => [v, label(t)])} />
      <${Field} form=${form} name="shift" label="Shift" options=${[["", "—"], ["day", "Day"], ["night", "Night"], ["rotating", "Rotating"], ["flexible", "Flexible"]]} />
      <${Field} form=${form} name="start_date" label="Start date" type="date" />
      <${Field} form=${form} name="end_date" label="End date" type="date" />
      <${Field} form=${form} name="expires_at" label="Applications close on" type="date" />
      <div class="wide"><${Field} form=${form} name="description" label="Description" type="textarea" required /></div>
      <div class="wide"><${Field} form=${form} name="requirements" label="Requirements" type="textarea" /></div>
      <div class="wide"><${MultiPick} form=${form} name="skills" label="Skills" items=${skills} /></div>
      <div class="wide"><${MultiPick} form=${form} name="qualifications" label="Qualifications" items=${quals} /></div>
      ${id && html`<${Field} form=${form} name="is_active" label="Open for applications" type="checkbox" />`}
      <div class="wide"><${FormError} errs=${form.errs} shown=${[...JOB_FIELDS, "skills", "qualifications"]} />
        <button type="submit" disabled=${form.busy}>${id ? "Save job" : "Post job"}</button></div>
    </form>
  </section>`;
}

/* ---- the pipeline board: a column per status, a "Status" control on every card ---- */
export function Board({ id }) {
  const job = useApi(`jobs/${id}/`);
  const apps = useApi(`jobs/${id}/applications/?page_size=100`);
  const [msg, setMsg] = useState(null);
  useEffect(() => {
    const f = (e) => { const d = e.detail && e.detail.data; if (d && (d.job === id || d.job_id === id)) apps.reload(); };
    addEventListener("cc:notification", f);
    return () => removeEventListener("cc:notification", f);
  }, [id]);
  const move = async (a, status) => {
    const r = await api("PATCH", `jobs/applications/${a.id}/`, { status });
    const text = r.ok ? `${fullName(a.candidate)} moved to ${statusName(status)}` : `Could not move ${fullName(a.candidate)}: ${r.data && r.data.detail || "error " + r.status}`;
    setMsg({ ok: r.ok, text }); announce(text);
    apps.reload();
  };
  return html`<section class="board-page">
    <h1>${job.data ? job.data.title : "Pipeline"}</h1>
    <p><a href=${"/recruiter/jobs/" + id + "/edit"}>Edit job</a> · <a href=${"/recruiter/jobs/" + id + "/matches"}>Matching candidates</a> · <a href=${"/jobs/" + id}>Public page</a></p>
    ${msg && html`<p class=${msg.ok ? "ok" : "error"} role="status">${msg.text}</p>`}
    <${Loading} state=${apps}>${() => html`<div class="board">${STATUSES.map((s) => {
      const col = apps.data.results.filter((a) => a.status === s);
      return html`<section class="column" aria-labelledby=${"col-" + s} data-status=${s}>
        <h2 id=${"col-" + s}>${statusName(s)} <span class="n">${col.length}</span></h2>
        <ul>${col.map((a) => html`<li key=${a.id}><${BoardCard} a=${a} onMove=${move} /></li>`)}</ul></section>`;
    })}</div>`}<//>
  </section>`;
}

function BoardCard({ a, onMove }) {
  const next = nextStatuses(a.status);
  const [to, setTo] = useState(next[0] || "");
  useEffect(() => setTo(next[0] || ""), [a.status]);
  const sel = "st-" + a.id;
  return html`<article class="card app-card" data-application=${a.id}>
    <h3><a href=${`/recruiter/candidates/${a.candidate.id}?application=${a.id}`}>${fullName(a.candidate)}</a></h3>
    <p class="meta">${a.candidate.headline || ""}${a.candidate.years_of_experience != null ? ` · ${a.candidate.years_of_experience} yrs` : ""}${a.match_score != null ? ` · match ${a.match_score}%` : ""}</p>
    ${next.length > 0 && html`<form class="move" onSubmit=${(e) => { e.preventDefault(); onMove(a, to); }}>
      <label for=${sel}>Status</label>
      <select id=${sel} value=${to} onChange=${(e) => setTo(e.target.value)}>${next.map((s) => html`<option value=${s}>${statusName(s)}</option>`)}</select>
      <button type="submit" aria-label=${"Move " + fullName(a.candidate)}>Move</button></form>`}
  </article>`;
}

/* ---- candidate details (for a recruiter: applicants only), résumé download, notes ---- */
export function CandidateDetails({ id, query }) {
  const state = useApi(`profiles/candidate-details/${id}/`);
  const appId = Number(query.get("application") || 0);
  const app = useApi(appId ? `jobs/applications/${appId}/` : null);
  const notes = useForm({ notes: "" });
  const [err, setErr] = useState(null);
  useEffect(() => { if (app.data) notes.setValues({ notes: app.data.notes || "" }); }, [app.data]);
  return html`<${Loading} state=${state}>${() => {
    const c = state.data;
    const docs = c.documents || [];
    return html`<section>
      <h1>${fullName(c)}</h1>
      <p class="meta">${c.headline || ""} · ${[c.city, c.state].filter(Boolean).join(", ")} · verification ${label(c.verification_status)}</p>
      ${c.rating && c.rating.count > 0 && html`<p>Rated ${c.rating.average} (${c.rating.count})</p>`}
      <dl class="facts">
        <dt>Experience</dt><dd>${c.years_of_experience ?? "—"} years</dd>
        <dt>Specialization</dt><dd>${c.specialization || "—"}</dd>
        ${c.email && html`<dt>Email</dt><dd>${c.email}</dd>`}
        ${c.phone_number && html`<dt>Phone</dt><dd>${c.phone_number}</dd>`}
        <dt>Expected salary</dt><dd>${c.expected_salary ? money(c.expected_salary) : "—"}</dd>
      </dl>
      ${c.summary && html`<h2>Summary</h2><p class="prose">${c.summary}</p>`}
      ${c.skills && c.skills.length > 0 && html`<h2>Skills</h2><ul class="tags">${c.skills.map((s) => html`<li>${s.name}</li>`)}</ul>`}
      <h2>Documents</h2>
      ${docs.length === 0 ? html`<p>No documents.</p>` : html`<ul>${docs.map((d) => html`<li>${d.original_name} (${label(d.document_type)})
        <button type="button" class="link" onClick=${async () => setErr(await download(`documents/${d.id}/download/`, d.original_name))}>${d.document_type === "resume" ? "Download résumé" : "Download"}</button></li>`)}</ul>`}
      ${err && html`<p class="error" role="alert">${err}</p>`}
      ${app.data && html`<section class="card"><h2>Application: ${app.data.job.title}</h2>
        <p>Status: <strong>${statusName(app.data.status)}</strong> · applied ${dateTime(app.data.applied_at)}</p>
        ${app.data.cover_letter && html`<h3>Cover letter</h3><p class="prose">${app.data.cover_letter}</p>`}
        <form onSubmit=${(e) => { e.preventDefault(); submit(notes, () => api("PATCH", `jobs/applications/${appId}/`, { notes: notes.values.notes }), () => announce("Notes saved")); }}>
          <${Field} form=${notes} name="notes" label="Recruiter notes" type="textarea" hint="Only your hospital's recruiters see these." />
          <${FormError} errs=${notes.errs} shown=${["notes"]} />
          <button type="submit" disabled=${notes.busy}>Save notes</button></form>
        <p><a href=${"/messages?to=" + (c.user || "") + "&job=" + app.data.job.id}>Message the candidate</a></p></section>`}
    </section>`;
  }}<//>`;
}

export function JobMatches({ id }) {
  const state = useApi(`jobs/matches/?job=${id}`);
  return html`<section><h1>Matching candidates</h1>
    <${Loading} state=${state}>${() => {
      const items = state.data.results || state.data;
      return items.length ? html`<ul class="results">${items.map((m) => html`<li class="card" key=${m.candidate.id}>
        <h2>${fullName(m.candidate)} · ${m.match_score}%</h2><p class="meta">${m.candidate.headline || ""}</p><${Factors} f=${m.match_factors} /></li>`)}</ul>` : html`<p>No matching candidates yet.</p>`;
    }}<//></section>`;
}
