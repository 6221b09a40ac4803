/* Candidate pages: profile with completeness, documents, verification, matches, applications
 * with their timeline, assignments, testimonials. */
import { html, useState, useEffect, api, get, qs, session, useForm, Field, FormError, submit, useApi, Loading, Pager,
  JOB_TYPES, statusName, date, dateTime, money, label, announce, upload, download, useMaster, MultiPick, fullName } from "../lib.js";
import { JobCard } from "./public.js";
import { setQuery } from "../router.js";

const GENDERS = [["", "—"], ["female", "Female"], ["male", "Male"], ["other", "Other"], ["undisclosed", "Prefer not to say"]];
const PROFILE_FIELDS = ["phone_number", "date_of_birth", "gender", "address", "city", "state", "headline", "summary",
  "years_of_experience", "specialization", "expected_salary"];

export function Completeness() {
  const s = useApi("profiles/verification-status/");
  if (!s.data) return null;
  const d = s.data;
  return html`<section class="card" aria-labelledby="completeness-h">
    <h2 id="completeness-h">Profile ${d.completeness}% complete</h2>
    <progress max="100" value=${d.completeness} aria-labelledby="completeness-h"></progress>
    ${d.missing_fields.length > 0 && html`<p>Missing: <span id="missing-fields">${d.missing_fields.map(label).join(", ")}</span></p>`}
    <p>Verification: <strong class=${"st-" + d.verification_status}>${label(d.verification_status || "")}</strong>${` · documents ${d.documents_count} (${d.verified_documents_count} verified)`}</p>
  </section>`;
}

export function CandidateProfile() {
  const state = useApi("profiles/candidate/");
  const [tick, setTick] = useState(0);
  return html`<section>
    <h1>Your profile</h1>
    <${Completeness} key=${tick} />
    <${Loading} state=${state}>${() => html`<${ProfileForm} profile=${state.data} onSaved=${() => { setTick((t) => t + 1); state.reload(); }} />`}<//>
    <${VerificationRequest} />
  </section>`;
}

function ProfileForm({ profile, onSaved }) {
  const init = { first_name: profile.first_name || "", last_name: profile.last_name || "" };
  for (const k of PROFILE_FIELDS) init[k] = profile[k] ?? "";
  init.skills = (profile.skills || []).map((s) => s.id);
  init.qualifications = (profile.qualifications || []).map((s) => s.id);
  init.preferred_job_types = (profile.preferred_job_types || []);
  init.preferred_locations = (profile.preferred_locations || []).join(", ");
  const form = useForm(init);
  const skills = useMaster("skills"), quals = useMaster("qualifications");
  const [saved, setSaved] = useState(false);
  const onSubmit = async (e) => {
    e.preventDefault(); setSaved(false);
    const v = form.values;
    const body = {};
    for (const k of PROFILE_FIELDS) body[k] = v[k] === "" ? null : v[k];
    body.skills = v.skills; body.qualifications = v.qualifications; body.preferred_job_types = v.preferred_job_types;
    body.preferred_locations = v.preferred_locations.split(",").map((s) => s.trim()).filter(Boolean);
    const r1 = await submit(form, () => api("PATCH", "accounts/profile/", { first_name: v.first_name, last_name: v.last_name }));
    if (!r1.ok) return;
    await submit(form, () => api("PATCH", "profiles/candidate/", body), () => { setSaved(true); announce("Profile saved"); onSaved(); });
  };
  const toggleType = (t) => {
    const s = new Set(form.values.preferred_job_types);
    s.has(t) ? s.delete(t) : s.add(t);
    form.set("preferred_job_types", [...s]);
  };
  return html`<form class="grid" onSubmit=${onSubmit} novalidate aria-label="Profile">
    <${Field} form=${form} name="first_name" label="First name" />
    <${Field} form=${form} name="last_name" label="Last name" />
    <${Field} form=${form} name="phone_number" label="Phone number" type="tel" />
    <${Field} form=${form} name="date_of_birth" label="Date of birth" type="date" />
    <${Field} form=${form} name="gender" label="Gender" options=${GENDERS} />
    <${Field} form=${form} name="address" label="Address" />
    <${Field} form=${form} name="city" label="City" />
    <${Field} form=${form} name="state" label="State" />
    <${Field} form=${form} name="headline" label="Headline" />
    <${Field} form=${form} name="specialization" label="Specialization" />
    <${Field} form=${form} name="years_of_experience" label="Years of experience" type="number" min="0" max="70" />
    <${Field} form=${form} name="expected_salary" label="Expected salary (INR)" type="number" min="0" />
    <div class="wide"><${Field} form=${form} name="summary" label="Summary" type="textarea" /></div>
    <div class="wide"><${Field} form=${form} name="preferred_locations" label="Preferred locations" hint="Cities, comma separated" /></div>
    <fieldset class="wide"><legend>Preferred job types</legend>
      ${JOB_TYPES.map(([v, t]) => html`<label class="inline"><input type="checkbox" checked=${form.values.preferred_job_types.includes(v)} onChange=${() => toggleType(v)} /> ${t}</label>`)}
    </fieldset>
    <div class="wide"><${MultiPick} form=${form} name="skills" label="Skills" items=${skills} /></div>
    <div class="wide"><${MultiPick} form=${form} name="qualifications" label="Qualifications" items=${quals} /></div>
    <div class="wide">
      <${FormError} errs=${form.errs} shown=${[...PROFILE_FIELDS, "first_name", "last_name", "skills", "qualifications", "preferred_locations"]} />
      ${saved && html`<p class="ok" role="status">Profile saved.</p>`}
      <button type="submit" disabled=${form.busy}>Save profile</button>
    </div>
  </form>`;
}

function VerificationRequest() {
  const state = useApi("profiles/verification/");
  const docs = useApi("documents/?page_size=100");
  const req = state.data && state.data.request;
  const form = useForm({ license_number: "", registration_council: "", specialization: "", id_document_type: "", id_document_number: "", document_ids: [] });
  useEffect(() => { if (req) form.setValues({ license_number: req.license_number || "", registration_council: req.registration_council || "",
    specialization: req.specialization || "", id_document_type: req.id_document_type || "", id_document_number: "",
    document_ids: (req.documents || []).map((d) => d.id) }); }, [req && req.id]);
  if (!state.data) return null;
  const st = state.data.verification_status;
  const onSubmit = (e) => {
    e.preventDefault();
    const body = { ...form.values };
    if (!body.id_document_type) { delete body.id_document_type; delete body.id_document_number; }
    submit(form, () => api(req ? "PUT" : "POST", "profiles/verification/", body), () => { announce("Verification request sent"); state.reload(); });
  };
  const toggle = (id) => { const s = new Set(form.values.document_ids); s.has(id) ? s.delete(id) : s.add(id); form.set("document_ids", [...s]); };
  return html`<section class="card">
    <h2>Verification</h2>
    <p>Status: <strong class=${"st-" + st}>${label(st || "")}</strong>${req && req.submitted_at ? " · submitted " + date(req.submitted_at) : ""}</p>
    ${state.data.rejection_reason && html`<p class="error">Reason: ${state.data.rejection_reason}</p>`}
    ${st !== "verified" && html`<form onSubmit=${onSubmit} novalidate aria-label="Verification request">
      <${Field} form=${form} name="license_number" label="Licence number" />
      <${Field} form=${form} name="registration_council" label="Registration council" required />
      <${Field} form=${form} name="specialization" label="Specialization" />
      <${Field} form=${form} name="id_document_type" label="Identity document" options=${[["", "—"], ["aadhaar", "Aadhaar"], ["pan", "PAN"], ["passport", "Passport"], ["voter_id", "Voter ID"], ["driving_licence", "Driving licence"]]} />
      ${form.values.id_document_type && html`<${Field} form=${form} name="id_document_number" label="Identity document number" />`}
      <fieldset><legend>Documents to attach</legend>
        ${docs.data && docs.data.results.length === 0 && html`<p>Upload your licence and identity document under <a href="/documents">Documents</a> first.</p>`}
        ${docs.data && docs.data.results.map((d) => html`<label class="inline"><input type="checkbox" checked=${form.values.document_ids.includes(d.id)} onChange=${() => toggle(d.id)} /> ${d.original_name} (${label(d.document_type)})</label>`)}
      </fieldset>
      <${FormError} errs=${form.errs} shown=${["license_number", "registration_council", "specialization", "id_document_type", "id_document_number"]} />
      <button type="submit" disabled=${form.busy}>${req ? "Update the request" : "Request verification"}</button>
    </form>`}
  </section>`;
}

/* ---- documents: upload with a progress bar, list, download, delete ---- */
export const DOC_TYPES = [["resume", "Résumé"], ["certificate", "Certificate"], ["medical_license", "Medical licence"], ["id", "Identity document"]];
export function Documents() {
  const state = useApi("documents/?page_size=100");
  const form = useForm({ document_type: "resume", description: "", expires_on: "" });
  const [file, setFile] = useState(null);
  const [progress, setProgress] = useState(null);
  const [msg, setMsg] = useState(null);
  const onSubmit = async (e) => {
    e.preventDefault();
    if (!file) { form.setErrs({ file: ["Choose a file."] }); return; }
    const fd = new FormData();
    fd.append("document_type", form.values.document_type);
    if (form.values.description) fd.append("description", form.values.description);
    if (form.values.expires_on) fd.append("expires_on", form.values.expires_on);
    fd.append("file", file);
    setProgress(0); form.setErrs(null);
    const r = await upload("documents/upload/", fd, setProgress);
    setProgress(null);
    if (!r.ok) { form.setErrs(r.data || { detail: `Upload failed (${r.status}).` }); return; }
    e.target.reset(); setFile(null); setMsg("Uploaded " + r.data.original_name); announce("Document uploaded"); state.reload();
  };
  const del = async (d) => {
    if (!confirm(`Delete ${d.original_name}?`)) return;
    const r = await api("DELETE", `documents/${d.id}/`);
    setMsg(r.ok ? "Deleted " + d.original_name : "Could not delete: " + (r.data && r.data.detail));
    state.reload();
  };
  const fileErrs = form.errs && form.errs.file;
  return html`<section>
    <h1>Documents</h1>
    <form class="card" onSubmit=${onSubmit} novalidate aria-label="Upload a document">
      <h2>Upload</h2>
      <${Field} form=${form} name="document_type" label="Document type" options=${DOC_TYPES} />
      <div class="field"><label for="doc-file">File</label>
        <input id="doc-file" type="file" accept=".pdf,.doc,.docx,.jpg,.jpeg,.png" onChange=${(e) => setFile(e.target.files[0] || null)}
          aria-describedby="doc-file-hint" aria-invalid=${fileErrs ? "true" : undefined} />
        <p class="hint" id="doc-file-hint">PDF, Word, JPEG or PNG, at most 10 MB.</p>
        ${fileErrs && html`<p class="field-error">${[].concat(fileErrs).join(" ")}</p>`}</div>
      <${Field} form=${form} name="description" label="Description" />
      <${Field} form=${form} name="expires_on" label="Expires on" type="date" />
      ${progress !== null && html`<label for="upload-progress">Uploading</label><progress id="upload-progress" max="100" value=${progress}>${progress}%</progress>`}
      <${FormError} errs=${form.errs} shown=${["document_type", "description", "expires_on", "file"]} />
      <button type="submit" disabled=${progress !== null}>Upload</button>
    </form>
    ${msg && html`<p class="ok" role="status">${msg}</p>`}
    <${Loading} state=${state}>${() => html`<table class="list"><caption>Your documents (${state.data.count})</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Size</th><th scope="col">Verified</th><th scope="col">Actions</th></tr></thead>
      <tbody>${state.data.results.map((d) => html`<tr key=${d.id}><td>${d.original_name}</td><td>${label(d.document_type)}</td>
        <td>${Math.ceil(d.size / 1024)} KB</td><td>${d.is_verified ? "Yes" : "No"}</td>
        <td><button type="button" class="link" onClick=${() => download(`documents/${d.id}/download/`, d.original_name)}>Download</button>
          <button type="button" class="link danger" onClick=${() => del(d)} aria-label=${"Delete " + d.original_name}>Delete</button></td></tr>`)}</tbody></table>`}<//>
  </section>`;
}

/* ---- matches: the score and its factors (matched and missing skills) ---- */
export function Matches() {
  const state = useApi("jobs/matches/");
  return html`<section>
    <h1>Jobs that match you</h1>
    <${Loading} state=${state}>${() => {
      const items = state.data.results || state.data;
      if (!items.length) return html`<p>No matches yet: complete your profile (skills, city, experience) to see them.</p>`;
      return html`<ul class="results">${items.map((m) => html`<li key=${m.job.id}>
        <${JobCard} job=${{ ...m.job, match_score: m.match_score }} />
        <${Factors} f=${m.match_factors} /></li>`)}</ul>`;
    }}<//>
  </section>`;
}

export function Factors({ f }) {
  if (!f) return null;
  const sk = f.skills || {};
  return html`<div class="factors">
    <p>${Object.entries(f).map(([k, v]) => `${label(k)} ${v && v.score !== undefined ? v.score : v}`).join(" · ")}</p>
    ${sk.matched && sk.matched.length > 0 && html`<p>Matched skills: <span class="ok">${sk.matched.join(", ")}</span></p>`}
    ${sk.missing && sk.missing.length > 0 && html`<p>Missing skills: <span class="missing">${sk.missing.join(", ")}</span></p>`}
  </div>`;
}

/* ---- applications and the timeline of one ---- */
export function Applications({ query }) {
  const page = Number(query.get("page") || 1);
  const state = useApi("jobs/applications/" + qs({ page: page > 1 ? page : "", ordering: "-applied_at" }));
  return html`<section>
    <h1>Your applications</h1>
    <${Loading} state=${state}>${() => state.data.count === 0 ? html`<p>No applications yet. <a href="/jobs">Search jobs</a></p>` : html`
      <table class="list"><caption>${state.data.count} applications</caption>
      <thead><tr><th scope="col">Job</th><th scope="col">Hospital</th><th scope="col">Applied</th><th scope="col">Status</th></tr></thead>
      <tbody>${state.data.results.map((a) => html`<tr key=${a.id}><td><a href=${"/applications/" + a.id}>${a.job.title}</a></td>
        <td>${a.job.hospital && a.job.hospital.name}</td><td>${date(a.applied_at)}</td><td><span class=${"status st-" + a.status}>${statusName(a.status)}</span></td></tr>`)}</tbody></table>
      <${Pager} data=${state.data} page=${page} onPage=${(p) => setQuery({ page: p })} />`}<//>
  </section>`;
}

export function ApplicationPage({ id }) {
  const state = useApi(`jobs/applications/${id}/`);
  const [msg, setMsg] = useState(null);
  /* A status change arrives through the event stream (stream.js dispatches cc:event). */
  useEffect(() => {
    const f = (e) => { const d = e.detail && e.detail.data; if (d && (d.application === id || d.application_id === id)) state.reload(); };
    addEventListener("cc:notification", f);
    return () => removeEventListener("cc:notification", f);
  }, [id]);
  const withdraw = async () => {
    if (!confirm("Withdraw this application?")) return;
    const r = await api("DELETE", `jobs/applications/${id}/`);
    setMsg(r.ok ? "Application withdrawn." : r.data && r.data.detail);
    state.reload();
  };
  return html`<${Loading} state=${state}>${() => {
    const a = state.data;
    return html`<section>
      <h1>${a.job.title}</h1>
      <p class="meta">${a.job.hospital && a.job.hospital.name} · applied ${dateTime(a.applied_at)} · <a href=${"/jobs/" + a.job.id}>the job</a></p>
      <p>Status: <strong id="application-status" class=${"status st-" + a.status}>${statusName(a.status)}</strong></p>
      <h2>Timeline</h2>
      <ol class="timeline" aria-live="polite" id="timeline">${(a.status_history || []).map((h) => html`<li><span class=${"status st-" + h.status}>${statusName(h.status)}</span> <time datetime=${h.changed_at}>${dateTime(h.changed_at)}</time></li>`)}</ol>
      ${a.cover_letter && html`<h2>Your cover letter</h2><p class="prose">${a.cover_letter}</p>`}
      ${msg && html`<p role="status">${msg}</p>`}
      ${!["hired", "rejected", "withdrawn"].includes(a.status) && html`<button type="button" class="secondary" onClick=${withdraw}>Withdraw</button>`}
    </section>`;
  }}<//>`;
}

/* ---- assignments and testimonials ---- */
export function Assignments() {
  const active = useApi("jobs/active/"), done = useApi("jobs/completed/");
  return html`<section>
    <h1>Assignments</h1>
    <h2>Active</h2>
    <${Loading} state=${active}>${() => active.data.results.length ? html`<ul>${active.data.results.map((a) => html`<li>${a.job.title} · since ${date(a.start_date)} · ${label(a.status)}</li>`)}</ul>` : html`<p>None.</p>`}<//>
    <h2>Completed</h2>
    <${Loading} state=${done}>${() => done.data.results.length ? html`<ul>${done.data.results.map((c) => html`<li>${c.job.title} · ${date(c.completion_date)}${c.rating ? ` · rated ${c.rating}/5` : ""}${c.feedback ? ": " + c.feedback : ""}</li>`)}</ul>` : html`<p>None.</p>`}<//>
  </section>`;
}

export function Testimonials() {
  const mine = useApi("testimonials/my-reviews/"), about = useApi("testimonials/about-me/");
  const list = (s) => html`<${Loading} state=${s}>${() => (s.data.results || []).length ? html`<ul class="results">${s.data.results.map((t) => html`<li class="card">
    <h3>${t.title} · ${t.rating}/5</h3><p class="meta">${fullName(t.given_by)} about ${fullName(t.given_to)} · ${t.is_approved ? "published" : "awaiting moderation"}</p>
    <p class="prose">${t.content}</p></li>`)}</ul>` : html`<p>None yet.</p>`}<//>`;
  return html`<section><h1>Testimonials</h1><h2>About you</h2>${list(about)}<h2>Written by you</h2>${list(mine)}</section>`;
}
