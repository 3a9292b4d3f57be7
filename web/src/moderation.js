// The moderators' page (/moderation): signs in with the staff link like the
// teacher's page (staffsession.js), shows the open reports (REPORT, the 50
// latest at sign-in, new ones as they come, on any node) with their
// evidence, and takes the actions of docs/PROTOCOL.md §9 (MODERATE): remove
// the message, mute (and unmute), end the visit (kick), ban, close the
// report; MODERATED or an ERROR says how each went. The moderator is an
// avatar of the fair too, but this page draws no map.

import { Connection } from "./net.js";
import { staffStore, StaffSignIn } from "./staffsession.js";
import { ROLE, ERR, ACTION, QUICK_PHRASES } from "./protocol.js";
import { MT } from "./moderationtexts.js";
import { clock } from "./chattexts.js";

const BUILD = document.querySelector('meta[name="build"]')?.content || "dev";
const $ = (id) => document.getElementById(id);
const store = staffStore("mod");

class ModerationApp {
  constructor() {
    this.reports = new Map(); // report id -> {report, el, status}
    this.pending = new Map(); // MODERATE req -> {reportId, action, who}
    this.removed = new Set(); // message ids removed from this page
    this.log = []; // what MODERATED confirmed, latest last
    this.conn = new Connection({
      onStatus: (s) => this.onStatus(s),
      onWelcome: (w) => this.onWelcome(w),
      onUpdate: (u) => this.onUpdate(u),
      store,
    });
    this.staff = new StaffSignIn(this.conn, store, {
      roles: [ROLE.MODERATOR],
      texts: MT,
      showSignin: (text, retry) => this.showSignin(text, retry),
      signedIn: (t) => {
        if (t.name) $("who").textContent = MT.signedInAs(t.name);
        $("signin").hidden = true;
      },
    });
    $("confirm-no").addEventListener("click", () => $("confirm-dialog").close());
    this.exposeHook();
  }

  async start() {
    if (!this.staff.take()) return;
    this.setStatus(MT.signingIn);
    await this.staff.signIn();
  }

  showSignin(text, retry) {
    $("signin").hidden = false;
    $("queue").hidden = true;
    $("log").hidden = true;
    $("signin-text").textContent = text;
    const b = $("signin-retry");
    b.hidden = !retry;
    b.onclick = () => this.staff.signIn();
    this.setStatus("");
  }

  setStatus(text) {
    if ($("status").textContent !== text) $("status").textContent = text;
  }

  // ------------------------------------------------------------ connection

  onStatus(s) {
    if (this.staff.onStatus(s)) return;
    if (s.state === "open") this.setStatus(MT.connected);
    else if (s.state === "stopped" || s.state === "refused") this.setStatus(s.text || MT.disconnected);
    else this.setStatus(s.text || "");
  }

  onWelcome(w) {
    this.staff.welcomed();
    $("who").textContent = MT.signedInAs(w.pseudonym);
    $("queue").hidden = false;
    $("log").hidden = false;
    // The open reports come again on a new session: the page starts from them.
    if (!w.resumed) {
      for (const r of this.reports.values()) r.el.remove();
      this.reports.clear();
    }
    this.renderCount();
  }

  onUpdate(u) {
    for (const ev of u.events) {
      switch (ev.kind) {
        case "report":
          this.addReport(ev);
          break;
        case "reportClosed":
          this.closed(ev.reportId);
          break;
        case "moderated":
          this.moderated(ev);
          break;
        case "error":
          this.failed(ev);
          break;
        case "role":
          if (ev.role !== ROLE.MODERATOR) this.showSignin(MT.wrongRole, false);
          break;
        default:
          break;
      }
    }
  }

  // ------------------------------------------------------------ reports

  renderCount() {
    const n = this.reports.size;
    $("queue-count").textContent = MT.count(n);
    if (!n && !$("reports").querySelector(".none")) {
      const p = document.createElement("p");
      p.className = "help none";
      p.textContent = MT.none;
      $("reports").append(p);
    } else if (n) $("reports").querySelector(".none")?.remove();
  }

  addReport(r) {
    const had = this.reports.get(r.reportId);
    const el = document.createElement("article");
    el.className = "report-card";
    el.dataset.report = String(r.reportId);
    const headId = `report-${r.reportId}-title`;
    el.setAttribute("aria-labelledby", headId);
    const h = document.createElement("h3");
    h.id = headId;
    h.textContent = MT.reportTitle(r.reportId, MT.reason(r.reason));
    const meta = document.createElement("p");
    meta.textContent = MT.reportMeta(r.reporter, r.pseudonym, r.at);
    el.append(h, meta);
    if (!r.messageId) {
      const p = document.createElement("p");
      p.className = "help";
      p.textContent = MT.onAvatar;
      el.append(p);
    }
    if (r.evidence.length) {
      const cap = document.createElement("p");
      cap.className = "help";
      cap.textContent = MT.evidence;
      const ol = document.createElement("ol");
      ol.className = "evidence";
      for (const m of r.evidence) {
        const li = document.createElement("li");
        li.dataset.message = String(m.messageId);
        const who = document.createElement("span");
        who.className = "who";
        who.textContent = MT.line(m.pseudonym, m.at, m.channel);
        const text = document.createElement("span");
        text.className = "text";
        text.textContent = m.phrase ? `« ${QUICK_PHRASES[m.phrase] || "…"} »` : m.text; // never HTML
        li.append(who, " : ", text);
        if (m.messageId === r.messageId) {
          li.classList.add("reported");
          const mark = document.createElement("strong");
          mark.textContent = ` (${MT.reported})`;
          li.append(mark);
        }
        if (this.removed.has(m.messageId)) this.markRemoved(li);
        ol.append(li);
      }
      el.append(cap, ol);
    } else {
      const p = document.createElement("p");
      p.className = "help";
      p.textContent = MT.noEvidence;
      el.append(p);
    }
    const actions = document.createElement("div");
    actions.className = "report-actions";
    const who = r.pseudonym || "?";
    const button = (text, cls, onClick) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      if (cls) b.className = cls;
      b.addEventListener("click", onClick);
      actions.append(b);
      return b;
    };
    if (r.messageId) {
      const b = button(MT.remove, "", () => this.act(r, ACTION.REMOVE));
      b.dataset.action = "remove";
    }
    if (r.avatarId) {
      const sel = document.createElement("select");
      const selId = `report-${r.reportId}-mute`;
      sel.id = selId;
      for (const [s, label] of MT.muteLengths) {
        const o = document.createElement("option");
        o.value = String(s);
        o.textContent = label;
        sel.append(o);
      }
      const lab = document.createElement("label");
      lab.htmlFor = selId;
      lab.className = "sr-only";
      lab.textContent = `${MT.muteFor} (${who})`;
      button(MT.mute, "", () => this.act(r, ACTION.MUTE, Number(sel.value))).dataset.action = "mute";
      actions.append(lab, sel);
      button(MT.unmute, "secondary", () => this.act(r, ACTION.UNMUTE)).dataset.action = "unmute";
      button(MT.kick, "danger", () => this.confirm(MT.confirmKick(who), () => this.act(r, ACTION.KICK))).dataset.action = "kick";
      button(MT.ban, "danger", () => this.confirm(MT.confirmBan(who), () => this.act(r, ACTION.BAN))).dataset.action = "ban";
    }
    button(MT.close, "secondary", () => this.act(r, ACTION.CLOSE_REPORT)).dataset.action = "close";
    const status = document.createElement("p");
    status.className = "help report-status";
    status.setAttribute("role", "status");
    el.append(actions, status);
    if (had) had.el.replaceWith(el);
    else $("reports").prepend(el); // the latest first
    this.reports.set(r.reportId, { report: r, el, status });
    this.renderCount();
  }

  confirm(text, yes) {
    const dlg = $("confirm-dialog");
    $("confirm-text").textContent = text;
    const opener = document.activeElement;
    $("confirm-yes").onclick = () => {
      dlg.close();
      yes();
    };
    dlg.onclose = () => {
      if (opener && document.contains(opener)) opener.focus();
    };
    dlg.showModal();
    $("confirm-no").focus();
  }

  act(r, action, seconds = 0) {
    const entry = this.reports.get(r.reportId);
    const req = this.conn.moderate(action, action === ACTION.REMOVE || action === ACTION.CLOSE_REPORT ? 0 : r.avatarId,
      action === ACTION.REMOVE ? r.messageId : 0, action === ACTION.CLOSE_REPORT ? r.reportId : 0, seconds);
    if (!req) {
      if (entry) entry.status.textContent = MT.notConnected;
      return;
    }
    this.pending.set(req, { reportId: r.reportId, action, who: r.pseudonym, messageId: r.messageId, seconds });
  }

  moderated(ev) {
    const p = this.pending.get(ev.req);
    if (!p) return;
    this.pending.delete(ev.req);
    let text = MT.done[ev.action] || MT.done[p.action] || "";
    if (p.action === ACTION.MUTE) text = `${text} (${(MT.muteLengths.find(([s]) => s === p.seconds) || [0, `${p.seconds} s`])[1]})`;
    if (p.action === ACTION.REMOVE) {
      this.removed.add(p.messageId);
      for (const li of document.querySelectorAll(`.evidence li[data-message="${p.messageId}"]`)) this.markRemoved(li);
    }
    const entry = this.reports.get(p.reportId);
    if (entry) entry.status.textContent = text;
    this.addLog(`${clock(Date.now() / 1000)} : n° ${p.reportId}, ${p.who || "?"} : ${text}`);
  }

  markRemoved(li) {
    if (li.classList.contains("removed")) return;
    li.classList.add("removed");
    const m = document.createElement("em");
    m.textContent = ` [${MT.removedMark}]`;
    li.append(m);
  }

  failed(ev) {
    const p = this.pending.get(ev.ref);
    if (!p) {
      if (ev.code !== ERR.RATE_LIMITED) console.warn("server error event", ev);
      return;
    }
    this.pending.delete(ev.ref);
    const text = ev.code === ERR.NOT_STAFF ? MT.notStaff : ev.code === ERR.UNKNOWN_MESSAGE ? MT.unknown : MT.failed;
    const entry = this.reports.get(p.reportId);
    if (entry) entry.status.textContent = text;
  }

  closed(reportId) {
    const entry = this.reports.get(reportId);
    if (!entry) return;
    const focusIn = entry.el.contains(document.activeElement);
    entry.el.remove();
    this.reports.delete(reportId);
    this.renderCount();
    if (focusIn) $("queue-title").focus();
  }

  addLog(text) {
    this.log.push(text);
    const li = document.createElement("li");
    li.textContent = text;
    $("log-list").append(li);
    while ($("log-list").children.length > 200) $("log-list").firstChild.remove();
  }

  exposeHook() {
    const app = this;
    window.__moderation = {
      build: BUILD,
      get connected() { return app.conn.connected; },
      get reports() { return [...app.reports.values()].map(({ report, status }) => ({ ...report, status: status.textContent })); },
      get log() { return [...app.log]; },
    };
  }
}

new ModerationApp().start();
