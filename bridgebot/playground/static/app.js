// The playground page: polls /api/state and renders Slack's view of it; each control posts one
// thing a person does in Slack to /api/* (the server turns it into a signed Slack request).
"use strict";

const ui = { viewer: null, channel: null, replyTo: null, local: [], state: null, homeOpen: false };
const $ = (id) => document.getElementById(id);
const EMOJI = { white_check_mark: "✅", warning: "⚠️", eyes: "👀", x: "❌", mag: "🔍", bell: "🔔",
  hourglass_flowing_sand: "⏳", rotating_light: "🚨", pushpin: "📌", memo: "📝", wave: "👋", pray: "🙏",
  heavy_check_mark: "✔️", information_source: "ℹ️", clock3: "🕒", inbox_tray: "📥", books: "📚" };

function esc(s) {
  return String(s ?? "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

// Slack mrkdwn (already Slack-escaped: &amp; &lt; &gt;) to safe HTML.
function mrkdwn(text) {
  const people = Object.fromEntries((ui.state?.people || []).map((p) => [p.id, p.name]));
  const parts = String(text ?? "").split(/(```[\s\S]*?```)/g);
  return parts.map((part) => {
    if (part.startsWith("```") && part.endsWith("```") && part.length >= 6) {
      return "<pre>" + safe(part.slice(3, -3).replace(/^\n/, "")) + "</pre>";
    }
    let html = "";
    for (const piece of part.split(/(<[^<>\n]+>)/g)) {
      const m = piece.match(/^<([^<>|]+)(?:\|([^<>]*))?>$/);
      if (m) {
        const [, target, label] = m;
        if (target.startsWith("@")) html += "<b>@" + esc(people[target.slice(1)] || target.slice(1)) + "</b>";
        else if (target.startsWith("#")) {
          const channel = (ui.state?.channels || []).find((c) => c.id === target.slice(1));
          html += "<b>#" + esc(label || (channel ? channel.name : target.slice(1))) + "</b>";
        }
        else if (/^(https?|mailto):/.test(target)) {
          html += `<a href="${esc(target)}" target="_blank" rel="noopener">${inline(safe(label || target))}</a>`;
        } else html += esc(label || target);
      } else html += inline(safe(piece));
    }
    return html;
  }).join("");
}

// Text that Slack already escaped keeps its entities; anything else is escaped.
function safe(s) {
  return String(s).replace(/&(?!(amp|lt|gt|quot);)/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function inline(html) {
  return html
    .replace(/`([^`\n]+)`/g, "<code>$1</code>")
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=[\s).,:;!?]|$)/g, "$1<b>$2</b>")
    .replace(/(^|[\s(])_([^_\n]+)_(?=[\s).,:;!?]|$)/g, "$1<i>$2</i>")
    .replace(/(^|[\s(])~([^~\n]+)~(?=[\s).,:;!?]|$)/g, "$1<s>$2</s>")
    .replace(/:([a-z0-9_+-]+):/g, (all, name) => EMOJI[name] || all)
    .replace(/\n/g, "<br>");
}

function textObject(t) {
  if (!t) return "";
  return t.type === "plain_text" ? esc(t.text).replace(/:([a-z0-9_+-]+):/g, (a, n) => EMOJI[n] || a) : mrkdwn(t.text);
}

// Block Kit → HTML; buttons carry what a click needs.
function blocks(list, where) {
  return (list || []).map((b) => {
    switch (b.type) {
      case "section": {
        let html = `<div class="section">${textObject(b.text)}`;
        if (b.fields) html += `<div class="fields">${b.fields.map((f) => `<div>${textObject(f)}</div>`).join("")}</div>`;
        if (b.accessory && b.accessory.type === "button") html += " " + button(b.accessory, where);
        return html + "</div>";
      }
      case "context":
        return `<div class="context">${(b.elements || []).map((e) => e.type === "image" ? "" : textObject(e)).join(" ")}</div>`;
      case "actions":
        return `<div class="actions">${(b.elements || []).map((e) => e.type === "button" ? button(e, where) : "").join("")}</div>`;
      case "divider":
        return "<hr>";
      case "header":
        return `<div class="header">${textObject(b.text)}</div>`;
      case "rich_text":
        return `<div class="section">${esc(JSON.stringify(b.elements))}</div>`;
      default:
        return "";
    }
  }).join("");
}

function button(e, where) {
  const data = `data-action="${esc(e.action_id)}" data-value="${esc(e.value || "")}" data-channel="${esc(where.channel || "")}" data-ts="${esc(where.ts || "")}"`;
  if (e.url) return `<a class="bk" href="${esc(e.url)}" target="_blank" rel="noopener">${esc(e.text.text)}</a>`;
  return `<button type="button" class="bk ${esc(e.style || "")}" ${data}>${textObject(e.text)}</button>`;
}

async function api(path, body) {
  $("error").textContent = "";
  const res = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ as: ui.viewer, ...body }) });
  const data = await res.json();
  if (!data.ok) $("error").textContent = data.error || "something went wrong";
  for (const r of data.responses || []) ui.local.unshift({ ...r, at: new Date() });
  await refresh();
  return data;
}

function initials(name) {
  return (String(name || "?").match(/[A-Za-z0-9]/) || ["?"])[0].toUpperCase();
}

function message(m) {
  const cls = m.bot ? "bot" : m.external ? "ext" : "int";
  const reactions = (m.reactions || []).map((r) =>
    `<span class="reaction" title="${esc(r.users.join(", "))}">${EMOJI[r.name] || ":" + esc(r.name) + ":"} ${r.count}</span>`).join("");
  const body = m.blocks ? `<div class="blocks">${blocks(m.blocks, { channel: m.channel, ts: m.ts })}</div>`
                        : `<div class="text">${mrkdwn(m.text)}</div>`;
  const time = new Date(parseFloat(m.ts) * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return `<div class="msg" data-ts="${esc(m.ts)}">
    <div class="avatar ${cls}">${m.bot ? "bb" : esc(initials(m.name))}</div>
    <div><span class="who">${esc(m.name)}</span><span class="org ${cls}">${esc(m.org)}${m.external ? " · external" : ""} · ${esc(time)}${m.edited ? " (edited)" : ""}</span>
      <span class="react-bar"><button type="button" title="react :eyes:" data-react="eyes" data-ts="${esc(m.ts)}">👀</button><button type="button" title="react :white_check_mark:" data-react="white_check_mark" data-ts="${esc(m.ts)}">✅</button></span>
      ${body}<div class="reactions">${reactions}</div></div></div>`;
}

function render() {
  const s = ui.state;
  if (!s) return;
  const viewers = $("viewer");
  if (!viewers.options.length) {
    for (const p of s.people) viewers.add(new Option(`${p.name}${p.external ? " — customer (external)" : " — specialist (internal)"}`, p.id));
    viewers.value = ui.viewer;
  }
  if (!ui.channel) ui.channel = s.channels[0].id;
  $("channels").innerHTML = s.channels.map((c) =>
    `<li><a href="#" data-channel="${esc(c.id)}" class="${c.id === ui.channel ? "active" : ""}"># ${esc(c.name)}</a></li>`).join("");
  const channel = s.channels.find((c) => c.id === ui.channel);
  $("channel-title").innerHTML = `# ${esc(channel.name)} <span class="org ext">shared with ${esc(channel.customer)}</span>`;

  const here = s.messages.filter((m) => m.channel === ui.channel);
  const roots = here.filter((m) => !m.thread_ts || m.thread_ts === m.ts);
  $("messages").innerHTML = roots.map((root) => {
    const replies = here.filter((m) => m.thread_ts === root.ts && m.ts !== root.ts);
    const ephemeral = s.ephemeral.filter((e) => e.channel === ui.channel && e.thread_ts === root.ts);
    return message(root) + `<div class="thread">${replies.map(message).join("")}${ephemeral.map((e) =>
      `<div class="ephemeral"><div class="label">Only visible to you</div>${e.blocks ? blocks(e.blocks, {}) : mrkdwn(e.text)}</div>`).join("")}
      <a class="thread-link" data-reply="${esc(root.ts)}">${replies.length ? replies.length + " repl" + (replies.length === 1 ? "y" : "ies") + " · " : ""}Reply in thread</a></div>`;
  }).join("") || "<p>No messages yet.</p>";

  $("replying").hidden = !ui.replyTo;
  $("replying-to").textContent = ui.replyTo ? (roots.find((r) => r.ts === ui.replyTo)?.text || "").slice(0, 60) : "";

  $("threads").querySelector("tbody").innerHTML = s.threads.map((t) => {
    const status = t.status === "open" && t.claimed_by ? "claimed" : t.status;
    const fr = t.first_response_at ? Math.round(t.first_response_at - t.opened_at) + " s" : "—";
    return `<tr data-thread="${t.id}"><td>BB-${t.id}</td><td>${esc(t.customer || "")}</td><td class="status-${esc(status)}">${esc(status)}</td>
      <td>${esc(t.claimed_by || "")}</td><td>${esc(t.awaiting || "")}</td><td>${fr}</td></tr>`;
  }).join("");

  const responses = ui.local.map((r) => `<div class="ephemeral"><div class="label">Only visible to you · ${esc(r.at.toLocaleTimeString())}</div>${r.blocks ? blocks(r.blocks, {}) : mrkdwn(r.text)}</div>`);
  const outside = s.ephemeral.filter((e) => !e.thread_ts).map((e) => `<div class="ephemeral">${e.blocks ? blocks(e.blocks, {}) : mrkdwn(e.text)}</div>`);
  $("ephemeral").innerHTML = [...responses, ...outside].join("") || "<p>Nothing yet.</p>";

  $("home-panel").hidden = !ui.homeOpen;
  if (ui.homeOpen) $("home").innerHTML = s.home ? blocks(s.home.blocks, { view: true }) : "<p>Loading…</p>";
}

// Re-render only when something changed, so a button is not replaced under the pointer.
let lastState = "";
async function refresh(force) {
  const res = await fetch(`/api/state?as=${encodeURIComponent(ui.viewer)}`);
  if (!res.ok) return;
  const text = await res.text();
  if (text === lastState && !force) return;
  lastState = text;
  ui.state = JSON.parse(text);
  render();
}

document.addEventListener("click", async (ev) => {
  const t = ev.target.closest("button, a");
  if (!t) return;
  if (t.dataset.action) {
    ev.preventDefault();
    await api("/api/click", { channel: t.dataset.channel || null, ts: t.dataset.ts || null,
      action_id: t.dataset.action, value: t.dataset.value });
  } else if (t.dataset.react) {
    await api("/api/react", { channel: ui.channel, ts: t.dataset.ts, reaction: t.dataset.react });
  } else if (t.dataset.channel !== undefined && t.closest("#channels")) {
    ev.preventDefault(); ui.channel = t.dataset.channel; ui.replyTo = null; render();
  } else if (t.dataset.reply) {
    ui.replyTo = t.dataset.reply; render(); $("text").focus();
  } else if (t.dataset.home !== undefined) {
    ev.preventDefault(); ui.homeOpen = true; await api("/api/home", {});
  }
});
$("cancel-reply").addEventListener("click", () => { ui.replyTo = null; render(); });
$("close-home").addEventListener("click", () => { ui.homeOpen = false; render(); });
$("viewer").addEventListener("change", async (ev) => {
  ui.viewer = ev.target.value; ui.local = [];
  if (ui.homeOpen) await api("/api/home", {}); else await refresh();
});
$("composer").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const text = $("text").value;
  const command = text.match(/^\s*(\/bridge)\b\s*([\s\S]*)$/);
  const data = command ? await api("/api/command", { channel: ui.channel, text: command[2].trim() })
                       : await api("/api/post", { channel: ui.channel, text, thread_ts: ui.replyTo });
  if (data.ok) $("text").value = "";
});

(async function start() {
  const first = await (await fetch("/api/state")).json();
  ui.viewer = new URLSearchParams(location.search).get("as") || first.viewer.id;
  await refresh();
  setInterval(refresh, 1000);
})();
