/* The event stream (CONTRACT §7): a single-use ticket from stream-ticket/, then an EventSource on
 * stream/?ticket=. The browser's EventSource reconnects by itself but would reuse the spent
 * ticket, so on an error this closes it and opens a new one with a fresh ticket, passing the last
 * event id seen (last_event_id=, as EventSource cannot set the Last-Event-ID header on a new
 * connection). Events are re-dispatched on window as cc:notification / cc:message. Until the
 * server has the stream (404), the bell falls back to polling the REST list. */
import { api, session } from "./lib.js";

let source = null, lastId = "", retry = 1000, timer = 0, stopped = true;
export let streamAvailable = null; // null: unknown, true/false once tried

export function startStream() {
  stopped = false;
  if (source || !session.access || streamAvailable === false) return;
  connect();
}
export function stopStream() {
  stopped = true; clearTimeout(timer);
  if (source) { source.close(); source = null; }
}

async function connect() {
  const r = await api("POST", "notifications/stream-ticket/");
  if (stopped) return;
  if (!r.ok) {
    if (r.status === 404 || r.status === 405) { streamAvailable = false; dispatchEvent(new Event("cc:stream-unavailable")); return; }
    return later();
  }
  streamAvailable = true;
  const url = "/api/notifications/stream/?ticket=" + encodeURIComponent(r.data.ticket) + (lastId ? "&last_event_id=" + encodeURIComponent(lastId) : "");
  source = new EventSource(url);
  const relay = (type) => (e) => {
    if (e.lastEventId) lastId = e.lastEventId;
    let data = null;
    try { data = JSON.parse(e.data); } catch { return; }
    dispatchEvent(new CustomEvent("cc:" + type, { detail: data }));
  };
  source.addEventListener("notification", relay("notification"));
  source.addEventListener("message", relay("message"));
  source.onopen = () => { retry = 1000; };
  source.onerror = () => { if (source) source.close(); source = null; later(); };
}
function later() {
  if (stopped) return;
  clearTimeout(timer);
  timer = setTimeout(connect, retry);
  retry = Math.min(retry * 2, 30000);
}
