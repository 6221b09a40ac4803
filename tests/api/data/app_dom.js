// Runs htdocs/app.js under node against a minimal fake DOM (no browser; browser tests come
// later) and prints, as JSON, what each view put on the page. Any use of innerHTML,
// outerHTML, insertAdjacentHTML or document.write throws, so markup is never parsed.
//
//   node app_dom.js APP_JS PROFILE_JSON
//
// PROFILE_JSON is what GET /api/accounts/profile/ answers; the other API calls answer an error
// whose detail is the profile's first_name, so error texts are checked the same way.
"use strict";
const fs = require("fs");
const vm = require("vm");

const [appFile, profileJson] = process.argv.slice(2);
const profile = JSON.parse(profileJson);

class Node_ {
  constructor() { this.childNodes = []; this.parentNode = null; }
  append(...nodes) {
    for (const n of nodes) {
      const node = typeof n === "string" ? new Text_(n) : n;
      if (!(node instanceof Node_)) throw new Error("append: not a node: " + n);
      node.parentNode = this;
      this.childNodes.push(node);
    }
  }
  replaceChildren(...nodes) { this.childNodes = []; this.append(...nodes); }
  get textContent() { return this.childNodes.map((c) => c.textContent).join(""); }
  set textContent(s) { this.childNodes = []; if (s !== "") this.append(String(s)); }
}
class Text_ extends Node_ {
  constructor(s) { super(); this.data = s; }
  get textContent() { return this.data; }
}
const forbidden = (name) => ({ get() { throw new Error(name + " read"); },
                               set() { throw new Error(name + " assigned"); } });
class Element_ extends Node_ {
  constructor(tag) {
    super(); this.tagName = tag.toUpperCase(); this.attributes = {}; this.listeners = {};
  }
  setAttribute(k, v) { this.attributes[k] = String(v); }
  getAttribute(k) { return k in this.attributes ? this.attributes[k] : null; }
  addEventListener(type, fn) { (this.listeners[type] ||= []).push(fn); }
  insertAdjacentHTML() { throw new Error("insertAdjacentHTML used"); }
  get id() { return this.getAttribute("id"); }
  querySelector(sel) {
    const m = /^#([\w-]+)$/.exec(sel);
    if (!m) throw new Error("selector not supported by the fake DOM: " + sel);
    for (const c of this.childNodes) {
      if (!(c instanceof Element_)) continue;
      if (c.id === m[1]) return c;
      const found = c.querySelector(sel);
      if (found) return found;
    }
    return null;
  }
  // The page as data: [tag, attributes, ...children], text as strings.
  tree() {
    return [this.tagName.toLowerCase(), this.attributes,
            ...this.childNodes.map((c) => (c instanceof Element_ ? c.tree() : c.data))];
  }
}
Object.defineProperty(Element_.prototype, "innerHTML", forbidden("innerHTML"));
Object.defineProperty(Element_.prototype, "outerHTML", forbidden("outerHTML"));

const body = new Element_("body");
for (const id of ["nav", "app", "health"]) {
  const e = new Element_(id === "app" ? "main" : id === "nav" ? "nav" : "span");
  e.setAttribute("id", id);
  body.append(e);
}
const document = {
  createElement: (tag) => new Element_(tag),
  createTextNode: (s) => new Text_(s),
  querySelector: (sel) => body.querySelector(sel),
  write() { throw new Error("document.write used"); },
  writeln() { throw new Error("document.writeln used"); },
};
const storage = new Map([["cc.access", "token"], ["cc.refresh", "refresh"]]);
const sessionStorage = {
  getItem: (k) => (storage.has(k) ? storage.get(k) : null),
  setItem: (k, v) => storage.set(k, String(v)),
  removeItem: (k) => storage.delete(k),
};
const location = { hash: "#/profile" };
const windowListeners = {};
const calls = [];
async function fetch(url, opts) {
  calls.push([opts.method, url]);
  const reply = (status, data) => ({ status, ok: status < 400, json: async () => data });
  if (url === "/api/accounts/profile/") return reply(200, profile);
  if (url === "/api/health/") {
    return reply(200, { status: "ok", database: "ok", version: profile.last_name });
  }
  return reply(400, { detail: profile.first_name, code: "invalid" });
}

const context = vm.createContext({
  document, sessionStorage, location, fetch, console, URLSearchParams, FormData: class {},
  Date, JSON, Object, Promise, setTimeout,
  window: { addEventListener: (type, fn) => (windowListeners[type] ||= []).push(fn) },
});
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

(async () => {
  const out = {};
  vm.runInContext(fs.readFileSync(appFile, "utf8"), context, { filename: appFile });
  await settle();
  out.profile = { app: $("app"), nav: $("nav"), health: $("health") };
  const views = ["login", "register", "forgot", "verify-email?token=x", "reset-password?token=y"];
  for (const view of views) {
    location.hash = "#/" + view;
    windowListeners.hashchange.forEach((fn) => fn());
    await settle();
    out[view.split("?")[0]] = { app: $("app") };
  }
  out.calls = calls;
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });

function $(id) { return document.querySelector("#" + id).tree(); }
