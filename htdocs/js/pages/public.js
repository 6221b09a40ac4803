/* Pages for anyone: home, job search, job page, log in, register, verify email, reset password. */
import { html, useState, useEffect, api, get, qs, session, useForm, Field, FormError, submit, useApi, Loading, Pager,
  JOB_TYPES, LEVELS, HOSPITAL_TYPES, jobTypeName, levelName, payUnitName, money, date, statusName, announce, label } from "../lib.js";
import { navigate, setQuery } from "../router.js";

export function Home() {
  const user = session.user;
  return html`<section>
    <h1>Find your next healthcare job</h1>
    <p>CareChain connects nurses, doctors and allied health professionals with verified hospitals.</p>
    <${QuickSearch} />
    <div class="cards">
      <div class="card"><h2>Candidates</h2><p>Build your profile, upload your licence, see the jobs that match you and follow every application.</p>
        ${user && user.role === "candidate" ? html`<a href="/matches">Your matches</a>` : !user && html`<a href="/register">Create an account</a>`}</div>
      <div class="card"><h2>Hospitals</h2><p>Get your hospital verified, post jobs and move candidates through your pipeline.</p>
        ${user && user.role === "recruiter" ? html`<a href="/recruiter">Your jobs</a>` : !user && html`<a href="/register?role=recruiter">Register as a recruiter</a>`}</div>
    </div>
  </section>`;
}

function QuickSearch() {
  const [q, setQ] = useState("");
  return html`<form class="searchbar" role="search" onSubmit=${(e) => { e.preventDefault(); navigate("/jobs" + qs({ q })); }}>
    <label for="home-q">Search jobs</label>
    <input id="home-q" type="search" value=${q} onInput=${(e) => setQ(e.target.value)} placeholder="ICU nurse, Pune" />
    <button type="submit">Search</button>
  </form>`;
}

/* ---- job search: every filter lives in the query string ---- */
const FILTERS = ["q", "location", "job_type", "experience_level", "salary_min", "salary_max", "skills", "hospital_type"];

export function Jobs({ query }) {
  const params = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) || ""]));
  const page = Number(query.get("page") || 1);
  const form = useForm(params);
  useEffect(() => form.setValues(params), [query.toString()]);
  const apiParams = { ...params, page: page > 1 ? page : "" };
  const path = (params.q ? "jobs/search/" : "jobs/") + qs(apiParams);
  const state = useApi(path);
  useEffect(() => { if (state.data) announce(`${state.data.count} jobs found`); }, [state.data]);
  const go = (e) => { e.preventDefault(); setQuery({ ...form.values }); };
  return html`<section>
    <h1>Jobs</h1>
    <form class="filters" role="search" onSubmit=${go} aria-label="Job search">
      <div class="field wide"><label for="q">Search jobs</label>
        <input id="q" name="q" type="search" value=${form.values.q} onInput=${(e) => form.set("q", e.target.value)} placeholder="Title, skill or keyword" /></div>
      <details class="wide more" open=${FILTERS.slice(1).some((k) => params[k]) || window.innerWidth > 640}>
      <summary>Filters</summary><div class="filters">
      <${Field} form=${form} name="location" label="Location" />
      <${Field} form=${form} name="job_type" label="Job type" options=${[["", "Any"], ...JOB_TYPES]} />
      <${Field} form=${form} name="experience_level" label="Experience" options=${[["", "Any"], ...LEVELS]} />
      <${Field} form=${form} name="salary_min" label="Salary at least" type="number" min="0" />
      <${Field} form=${form} name="salary_max" label="Salary at most" type="number" min="0" />
      <${Field} form=${form} name="skills" label="Skills" hint="Names or ids, comma separated" />
      <${Field} form=${form} name="hospital_type" label="Hospital type" options=${[["", "Any"], ...HOSPITAL_TYPES]} />
      </div></details>
      <div class="actions"><button type="submit">Search</button>
        <button type="button" class="secondary" onClick=${() => setQuery({})}>Clear</button></div>
    </form>
    <${Loading} state=${state}>${() => html`
      <p class="count" id="result-count">${state.data.count} ${state.data.count === 1 ? "job" : "jobs"} found</p>
      <ul class="results">${state.data.results.map((j) => html`<li key=${j.id}><${JobCard} job=${j} /></li>`)}</ul>
      <${Pager} data=${state.data} page=${page} onPage=${(p) => setQuery({ ...params, page: p })} />`}
    <//>
  </section>`;
}

export function JobCard({ job, href }) {
  return html`<article class="card job">
    <h2><a href=${href || "/jobs/" + job.id}>${job.title}</a></h2>
    <p class="meta">${job.hospital && job.hospital.name} · ${job.city || job.location} · ${jobTypeName(job.job_type)} · ${levelName(job.experience_level)}</p>
    <p class="salary">${money(job.salary_min, job.salary_currency)} – ${money(job.salary_max, job.salary_currency)} ${payUnitName(job.pay_unit)}</p>
    ${job.match_score !== undefined && job.match_score !== null && html`<p class="badge">Match ${job.match_score}%</p>`}
    ${job.application_status && html`<p class="badge status">${statusName(job.application_status)}</p>`}
  </article>`;
}

/* schema.org JobPosting for search engines: a <script type="application/ld+json"> made with the
 * DOM and filled with textContent (data, not script: the CSP does not apply to it). */
function useJobPostingLd(job) {
  useEffect(() => {
    if (!job) return;
    const unit = { hourly: "HOUR", daily: "DAY", weekly: "WEEK", monthly: "MONTH", yearly: "YEAR", per_shift: "DAY" }[job.pay_unit] || "MONTH";
    const ld = {
      "@context": "https://schema.org/", "@type": "JobPosting",
      title: job.title, description: job.description, datePosted: job.created_at,
      validThrough: job.expires_at || undefined,
      employmentType: { full_time: "FULL_TIME", part_time: "PART_TIME", contract: "CONTRACTOR", temporary: "TEMPORARY", locum: "TEMPORARY", per_diem: "PER_DIEM" }[job.job_type],
      hiringOrganization: job.hospital ? { "@type": "Organization", name: job.hospital.name } : undefined,
      jobLocation: { "@type": "Place", address: { "@type": "PostalAddress", addressLocality: job.city || job.location, addressRegion: job.state || undefined, addressCountry: "IN" } },
      baseSalary: { "@type": "MonetaryAmount", currency: job.salary_currency || "INR",
        value: { "@type": "QuantitativeValue", minValue: Number(job.salary_min), maxValue: Number(job.salary_max), unitText: unit } },
      experienceRequirements: job.min_experience_years ? { "@type": "OccupationalExperienceRequirements", monthsOfExperience: 12 * job.min_experience_years } : undefined,
      skills: (job.skills || []).map((s) => s.name).join(", ") || undefined,
      totalJobOpenings: job.vacancies,
      url: location.origin + "/jobs/" + job.id,
    };
    const s = document.createElement("script");
    s.type = "application/ld+json";
    s.id = "job-ld";
    s.textContent = JSON.stringify(ld);
    document.head.append(s);
    return () => s.remove();
  }, [job && job.id, job && job.updated_at]);
}

export function JobPage({ id }) {
  const state = useApi(`jobs/${id}/`);
  const job = state.data;
  useJobPostingLd(job);
  useEffect(() => { if (job) document.title = job.title + " – CareChain"; }, [job]);
  if (state.status === 404) return html`<${NotFound} what="job" />`;
  return html`<${Loading} state=${state}>${() => html`<article class="job-page">
    <h1>${job.title}</h1>
    <p class="meta">${job.hospital.name} (${label(job.hospital.type || "")}) · ${[job.location, job.city, job.state].filter(Boolean).join(", ")}</p>
    <dl class="facts">
      <dt>Salary</dt><dd>${money(job.salary_min, job.salary_currency)} – ${money(job.salary_max, job.salary_currency)} ${payUnitName(job.pay_unit)}</dd>
      <dt>Job type</dt><dd>${jobTypeName(job.job_type)}</dd>
      <dt>Experience</dt><dd>${levelName(job.experience_level)}${job.min_experience_years ? `, at least ${job.min_experience_years} years` : ""}</dd>
      ${job.department && html`<dt>Department</dt><dd>${job.department}</dd>`}
      ${job.shift && html`<dt>Shift</dt><dd>${label(job.shift)}</dd>`}
      ${job.start_date && html`<dt>Starts</dt><dd>${date(job.start_date)}</dd>`}
      <dt>Vacancies</dt><dd>${job.vacancies}</dd>
      ${job.expires_at && html`<dt>Apply by</dt><dd>${date(job.expires_at)}</dd>`}
      ${job.hospital.verification_status === "verified" && html`<dt>Hospital</dt><dd>Verified</dd>`}
    </dl>
    ${job.skills && job.skills.length > 0 && html`<h2>Skills</h2><ul class="tags">${job.skills.map((s) => html`<li>${s.name}</li>`)}</ul>`}
    ${job.qualifications && job.qualifications.length > 0 && html`<h2>Qualifications</h2><ul class="tags">${job.qualifications.map((s) => html`<li>${s.name}</li>`)}</ul>`}
    ${job.required_documents && job.required_documents.length > 0 && html`<h2>Documents you need</h2><ul>${job.required_documents.map((d) => html`<li>${label(d)}</li>`)}</ul>`}
    <h2>Description</h2><p class="prose">${job.description}</p>
    ${job.hospital.verification_status === "verified" && html`<${AboutHospital} id=${job.hospital.id} />`}
    ${job.requirements && html`<h2>Requirements</h2><p class="prose">${job.requirements}</p>`}
    <${ApplyBox} job=${job} onApplied=${state.reload} />
  </article>`}<//>`;
}

function AboutHospital({ id }) {
  const s = useApi(`profiles/hospital-details/${id}/`);
  const h = s.data;
  if (!h) return null;
  return html`<section class="card" aria-labelledby="about-h"><h2 id="about-h">About ${h.name}</h2>
    <p>${[label(h.type || ""), [h.city, h.state].filter(Boolean).join(", "), h.bed_capacity ? h.bed_capacity + " beds" : ""].filter(Boolean).join(" · ")}</p>
    ${h.rating && h.rating.count > 0 && html`<p>Rated ${h.rating.average} / 5 by ${h.rating.count} ${h.rating.count === 1 ? "person" : "people"}</p>`}
    ${h.website && /^https?:\/\//.test(h.website) && html`<p><a href=${h.website} rel="noopener noreferrer">${h.website}</a></p>`}
  </section>`;
}

function ApplyBox({ job, onApplied }) {
  const user = session.user;
  const form = useForm({ cover_letter: "" });
  if (!user) return html`<p class="callout"><a href=${"/login?next=/jobs/" + job.id}>Log in</a> or <a href="/register">register</a> as a candidate to apply.</p>`;
  if (user.role !== "candidate") return null;
  if (job.has_applied) return html`<p class="callout ok">You applied. Status: <strong>${statusName(job.application_status)}</strong>. <a href="/applications">Your applications</a></p>`;
  return html`<form class="apply" onSubmit=${(e) => { e.preventDefault();
      submit(form, () => api("POST", "jobs/applications/", { job: job.id, cover_letter: form.values.cover_letter }),
        () => { announce("Application sent"); onApplied(); }); }}>
    <h2>Apply for this job</h2>
    ${job.match_score !== undefined && job.match_score !== null && html`<p>Your match: ${job.match_score}%</p>`}
    <${Field} form=${form} name="cover_letter" label="Cover letter" type="textarea" />
    <${FormError} errs=${form.errs} shown=${["cover_letter"]} />
    <button type="submit" disabled=${form.busy}>Apply</button>
  </form>`;
}

/* ---- accounts ---- */
export function homeFor(user) {
  if (!user) return "/";
  return user.role === "admin" ? "/admin" : user.role === "recruiter" ? "/recruiter" : "/profile";
}

export function Login({ query }) {
  const form = useForm({ email: "", password: "" });
  const next = query.get("next");
  const onSubmit = (e) => {
    e.preventDefault();
    submit(form, () => api("POST", "accounts/login/", form.values), (d) => {
      const { access, refresh, token, profile, recruiter_profile, ...user } = d;
      session.save({ access, refresh }, user);
      navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : homeFor(user), { replace: true });
    });
  };
  return html`<section class="narrow">
    <h1>Log in</h1>
    <form onSubmit=${onSubmit} novalidate>
      <${Field} form=${form} name="email" label="Email" type="email" autocomplete="username" required />
      <${Field} form=${form} name="password" label="Password" type="password" autocomplete="current-password" required />
      <${FormError} errs=${form.errs} shown=${["email", "password"]} />
      ${form.errs && form.errs.code === "email_not_verified" && html`<p><a href=${"/verify-email" + qs({ email: form.values.email })}>Verify your email</a></p>`}
      <button type="submit" disabled=${form.busy}>Log in</button>
    </form>
    <p><a href="/register">Create an account</a> · <a href="/reset-password">Forgot your password?</a></p>
  </section>`;
}

export function Register({ query }) {
  const form = useForm({ first_name: "", last_name: "", email: "", password: "", role: query.get("role") === "recruiter" ? "recruiter" : "candidate",
    company_name: "", designation: "" });
  const [done, setDone] = useState(null);
  if (done) return html`<section class="narrow"><h1>Check your email</h1>
    <p class="ok" role="status">${done.message}</p>
    <p>We sent a verification code to <strong>${done.user.email}</strong>.</p>
    <p><a href=${"/verify-email" + qs({ email: done.user.email })}>Enter the code</a></p></section>`;
  const onSubmit = (e) => {
    e.preventDefault();
    const body = { ...form.values };
    if (body.role !== "recruiter") { delete body.company_name; delete body.designation; }
    submit(form, () => api("POST", "accounts/register/", body), setDone);
  };
  return html`<section class="narrow">
    <h1>Create an account</h1>
    <form onSubmit=${onSubmit} novalidate>
      <${Field} form=${form} name="role" label="I am a" options=${[["candidate", "Candidate (looking for work)"], ["recruiter", "Recruiter (hiring for a hospital)"]]} />
      <${Field} form=${form} name="first_name" label="First name" autocomplete="given-name" required />
      <${Field} form=${form} name="last_name" label="Last name" autocomplete="family-name" required />
      <${Field} form=${form} name="email" label="Email" type="email" autocomplete="email" required />
      <${Field} form=${form} name="password" label="Password" type="password" autocomplete="new-password" required
        hint="At least 8 characters, not only digits, not a common password, not like your email." />
      ${form.values.role === "recruiter" && html`
        <${Field} form=${form} name="company_name" label="Company name" />
        <${Field} form=${form} name="designation" label="Designation" />`}
      <${FormError} errs=${form.errs} shown=${["role", "first_name", "last_name", "email", "password", "company_name", "designation"]} />
      <button type="submit" disabled=${form.busy}>Register</button>
    </form>
    <p>Already registered? <a href="/login">Log in</a></p>
  </section>`;
}

export function VerifyEmail({ query }) {
  const form = useForm({ token: query.get("token") || "" });
  const resend = useForm({ email: query.get("email") || "" });
  const [ok, setOk] = useState(false);
  const [sent, setSent] = useState(false);
  const verify = () => submit(form, () => api("POST", "accounts/verify-email/", { token: form.values.token.trim() }), () => { setOk(true); announce("Email verified"); });
  useEffect(() => { if (query.get("token")) verify(); }, []);
  if (ok) return html`<section class="narrow"><h1>Email verified</h1><p class="ok" role="status">Your email is verified. You can log in now.</p>
    <p><a href="/login">Log in</a></p></section>`;
  return html`<section class="narrow">
    <h1>Verify your email</h1>
    <form onSubmit=${(e) => { e.preventDefault(); verify(); }} novalidate>
      <${Field} form=${form} name="token" label="Verification code" hint="The code from the email we sent you." required />
      <${FormError} errs=${form.errs} shown=${["token"]} />
      <button type="submit" disabled=${form.busy}>Verify</button>
    </form>
    <h2>No email?</h2>
    <form onSubmit=${(e) => { e.preventDefault(); submit(resend, () => api("POST", "accounts/resend-verification/", resend.values), () => setSent(true)); }} novalidate>
      <${Field} form=${resend} name="email" label="Email" type="email" required />
      <${FormError} errs=${resend.errs} shown=${["email"]} />
      ${sent && html`<p class="ok" role="status">If that address has an unverified account, a new code is on its way.</p>`}
      <button type="submit" class="secondary" disabled=${resend.busy}>Send a new code</button>
    </form>
  </section>`;
}

export function ResetPassword({ query }) {
  const ask = useForm({ email: "" });
  const form = useForm({ token: query.get("token") || "", new_password: "" });
  const [sent, setSent] = useState(false);
  const [done, setDone] = useState(false);
  if (done) return html`<section class="narrow"><h1>Password changed</h1><p class="ok" role="status">You can log in with your new password.</p><p><a href="/login">Log in</a></p></section>`;
  return html`<section class="narrow">
    <h1>Reset your password</h1>
    ${!query.get("token") && html`<form onSubmit=${(e) => { e.preventDefault(); submit(ask, () => api("POST", "accounts/password-reset/", ask.values), () => setSent(true)); }} novalidate>
      <${Field} form=${ask} name="email" label="Email" type="email" required />
      <${FormError} errs=${ask.errs} shown=${["email"]} />
      ${sent && html`<p class="ok" role="status">If an account has that address, we emailed it a reset code.</p>`}
      <button type="submit" disabled=${ask.busy}>Send reset email</button>
    </form>
    <h2>Have a code?</h2>`}
    <form onSubmit=${(e) => { e.preventDefault(); submit(form, () => api("POST", "accounts/password-reset/confirm/", { ...form.values, token: form.values.token.trim() }), () => setDone(true)); }} novalidate>
      <${Field} form=${form} name="token" label="Reset code" required />
      <${Field} form=${form} name="new_password" label="New password" type="password" autocomplete="new-password" required />
      <${FormError} errs=${form.errs} shown=${["token", "new_password"]} />
      <button type="submit" disabled=${form.busy}>Save the new password</button>
    </form>
  </section>`;
}

export function NotFound({ what }) {
  return html`<section class="narrow"><h1>${what ? label(what) + " not found" : "Page not found"}</h1>
    <p>${what ? `This ${what} does not exist or is no longer available.` : "There is no page at this address."}</p>
    <p><a href="/">Home</a> · <a href="/jobs">Search jobs</a></p></section>`;
}

export function NeedLogin() {
  return html`<section class="narrow"><h1>Please log in</h1><p>This page needs an account.</p>
    <p><a href=${"/login" + qs({ next: location.pathname + location.search })}>Log in</a></p></section>`;
}
