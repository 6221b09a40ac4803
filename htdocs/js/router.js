/* History-style routing: real URLs (/jobs?q=nurse, /jobs/12) that can be bookmarked and shared.
 * httpd answers every path that is not a file with index.html (FallbackResource), and this
 * module picks the page. Same-origin links are followed without a page load. */
import { useState, useEffect } from "./lib.js";

const subs = new Set();
export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  window.scrollTo(0, 0);
  subs.forEach((f) => f());
}
window.addEventListener("popstate", () => subs.forEach((f) => f()));

/* Links of the old hash routes (/#/verify-email?token=...) in mails sent before: made real. */
if (location.hash.startsWith("#/")) history.replaceState(null, "", location.hash.slice(1));

document.addEventListener("click", (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest && e.target.closest("a[href]");
  if (!a || a.target || a.hasAttribute("download")) return;
  const u = new URL(a.href, location.href);
  if (u.origin !== location.origin || u.pathname.startsWith("/api/")) return;
  e.preventDefault();
  navigate(u.pathname + u.search + u.hash);
});

export function useLocation() {
  const [, set] = useState(0);
  useEffect(() => { const f = () => set((n) => n + 1); subs.add(f); return () => subs.delete(f); }, []);
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

/* Sets the query string of the current page (the job search keeps its filters there). */
export function setQuery(params, { replace = false } = {}) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") u.set(k, v);
  const s = u.toString();
  navigate(location.pathname + (s ? "?" + s : ""), { replace });
}

/* Matches "/jobs/:id" against a path: the params, or null. */
export function match(pattern, path) {
  const norm = (x) => x.replace(/\/+$/, "") || "/";
  const p = norm(pattern).split("/"), s = norm(path).split("/");
  if (pattern.endsWith("/*")) { if (s.length < p.length - 1) return null; }
  else if (p.length !== s.length) return null;
  const out = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i] === "*") break;
    if (p[i].startsWith(":")) {
      if (!/^[1-9][0-9]*$/.test(s[i] || "")) return null;
      out[p[i].slice(1)] = Number(s[i]);
    } else if (p[i] !== s[i]) return null;
  }
  return out;
}
