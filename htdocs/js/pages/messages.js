/* Messaging (CONTRACT §6): conversations with unread counts, a conversation, sending; new
 * messages arrive through the event stream (stream.js, cc:message) and are announced. */
import { html, useState, useEffect, useRef, api, get, session, useForm, Field, FormError, submit, Loading, useApi,
  dateTime, fullName, announce } from "../lib.js";
import { navigate } from "../router.js";

export function Conversations({ query }) {
  const state = useApi("messaging/conversations/");
  useEffect(() => { const f = () => state.reload(); addEventListener("cc:message", f); return () => removeEventListener("cc:message", f); }, []);
  const to = Number(query.get("to") || 0);
  return html`<section><h1>Messages</h1>
    ${to > 0 && html`<${NewConversation} to=${to} job=${Number(query.get("job") || 0)} />`}
    <${Loading} state=${state}>${() => {
      const items = state.data.results || [];
      return items.length === 0 ? html`<p>No conversations yet.</p>` : html`<ul class="conversations">${items.map((c) => html`<li key=${c.id}>
        <a href=${"/messages/" + c.id}>${others(c).map(fullName).join(", ") || "Conversation " + c.id}</a>
        ${c.unread_count > 0 && html` <span class="badge" aria-label=${c.unread_count + " unread"}>${c.unread_count}</span>`}
        ${c.last_message && html`<p class="meta">${c.last_message.content}</p>`}</li>`)}</ul>`;
    }}<//></section>`;
}

const others = (c) => (c.participants || []).filter((p) => !session.user || p.id !== session.user.id);

function NewConversation({ to, job }) {
  const form = useForm({ message: "" });
  return html`<form class="card" onSubmit=${(e) => { e.preventDefault();
      submit(form, () => api("POST", "messaging/conversations/create/", { participant_ids: [to], job: job || undefined, message: form.values.message || undefined }), (c) => navigate("/messages/" + c.id)); }}>
    <h2>New conversation</h2>
    <${Field} form=${form} name="message" label="Message" type="textarea" rows="3" />
    <${FormError} errs=${form.errs} shown=${["message"]} />
    <button type="submit" disabled=${form.busy}>Send</button></form>`;
}

export function Conversation({ id }) {
  const conv = useApi(`messaging/conversations/${id}/`);
  const [msgs, setMsgs] = useState(null);
  const [err, setErr] = useState(null);
  const form = useForm({ content: "" });
  const end = useRef(null);
  const load = async () => {
    const r = await get(`messaging/conversations/${id}/messages/`);
    if (!r.ok) { setErr(r.data); return; }
    setMsgs([...r.data.results].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id - b.id)));
    api("PUT", `messaging/conversations/${id}/read/`);
  };
  useEffect(() => { load(); }, [id]);
  useEffect(() => {
    const f = (e) => { const m = e.detail; if (m && (m.conversation === id || m.conversation_id === id)) { load(); announce("New message from " + (m.sender ? fullName(m.sender) : "the conversation")); } };
    addEventListener("cc:message", f); return () => removeEventListener("cc:message", f);
  }, [id]);
  useEffect(() => { if (end.current) end.current.scrollIntoView({ block: "nearest" }); }, [msgs]);
  const send = (e) => {
    e.preventDefault();
    submit(form, () => api("POST", `messaging/conversations/${id}/send/`, { content: form.values.content }), (m) => {
      form.setValues({ content: "" }); setMsgs((old) => [...(old || []), m]);
    });
  };
  if (conv.status === 404) return html`<section><h1>Conversation not found</h1><p><a href="/messages">All conversations</a></p></section>`;
  return html`<section class="conversation">
    <h1>${conv.data ? others(conv.data).map(fullName).join(", ") : "Conversation"}</h1>
    <${FormError} errs=${err} />
    <ol class="messages" aria-live="polite" aria-label="Messages">${(msgs || []).map((m) => html`<li key=${m.id} class=${m.sender && session.user && m.sender.id === session.user.id ? "mine" : ""}>
      <p class="meta">${m.sender ? fullName(m.sender) : ""} · <time datetime=${m.created_at}>${dateTime(m.created_at)}</time></p><p class="prose">${m.content}</p></li>`)}</ol>
    <div ref=${end}></div>
    <form onSubmit=${send} class="send">
      <${Field} form=${form} name="content" label="Message" type="textarea" rows="3" />
      <${FormError} errs=${form.errs} shown=${["content"]} />
      <button type="submit" disabled=${form.busy || !form.values.content.trim()}>Send</button></form>
  </section>`;
}
