// The chat panel of the visitor's page (docs/PROTOCOL.md §9): the class
// channel (free text and quick phrases, its history for a late joiner) and
// nearby (quick phrases; free text only when the teacher opened it to the
// class), what the filter refused and why (the text stays in the field to be
// corrected), a mute and its end, a « Signaler » button on every message and
// on the visitor card (a dialog to pick the reason), messages removed by the
// moderation. Texts are shown as text, never as HTML. No wire here: main.js
// wires the handlers to the connection.

import { CHANNEL, QUICK_PHRASES, CHAT_MAX_CHARS, CHAT_MAX_BYTES, ERR, REPORT_REASON } from "./protocol.js";
import { CHAT, clock } from "./chattexts.js";
import { roleOf } from "./look.js";

const $ = (id) => document.getElementById(id);
const KEEP = 100; // messages shown per channel; older ones leave the panel
const PHRASES_SHOWN = QUICK_PHRASES.length - 1;

/** How long a text is for the server's limits: code points and UTF-8 bytes. */
export const textSize = (s) => ({ chars: [...s].length, bytes: new TextEncoder().encode(s).length });

export class ChatView {
  /**
   * handlers: say(channel, text) -> req (0 when not connected),
   * quick(channel, phrase) -> req, report(messageId, avatarId, reason) -> req,
   * toast(text), selfId() -> the visitor's avatar id.
   */
  constructor(handlers) {
    this.h = handlers;
    this.channel = CHANNEL.CLASS;
    this.inClass = false;
    this.state = { classOn: true, nearbyFree: false, mutedUntil: 0 };
    this.messages = new Map(); // message id -> {msg, li}
    this.said = new Map(); // CHAT_SAY req -> {channel, text}
    this.chatReqs = new Set(); // every chat req, to tell its errors from others'
    this.reports = new Map(); // CHAT_REPORT req -> true
    this.reportTarget = null; // {messageId, avatarId, who, opener}
    this.muteTimer = 0;
    this.unread = { [CHANNEL.CLASS]: 0, [CHANNEL.NEARBY]: 0 }; // new messages of the channel not shown
    this.logs = { [CHANNEL.CLASS]: $("chat-log-class"), [CHANNEL.NEARBY]: $("chat-log-nearby") };

    for (const [id, ch] of [["chat-tab-class", CHANNEL.CLASS], ["chat-tab-nearby", CHANNEL.NEARBY]]) {
      $(id).addEventListener("click", () => this.show(ch));
    }
    const quick = $("chat-quick");
    for (let p = 1; p <= PHRASES_SHOWN; p++) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "secondary";
      b.textContent = QUICK_PHRASES[p];
      b.dataset.phrase = String(p);
      b.addEventListener("click", () => this.sendQuick(p));
      quick.append(b);
    }
    $("chat-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.sendText();
    });
    $("chat-text").addEventListener("input", () => this.error(""));

    const dlg = $("report-dialog");
    const reasons = $("report-reasons");
    CHAT.reasons.forEach((text, i) => {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "radio";
      input.name = "report-reason";
      input.value = String(i);
      label.append(input, ` ${text}`);
      reasons.append(label);
    });
    // « Autre chose » last, after the named reasons.
    reasons.append(reasons.children[REPORT_REASON.OTHER]);
    $("report-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.sendReport();
    });
    $("report-cancel").addEventListener("click", () => this.closeReport());
    dlg.addEventListener("close", () => this.restoreFocus());
    this.render();
  }

  // ------------------------------------------------------------ state

  /** The visitor joined (true) or left (false) a class. */
  setClass(inClass) {
    if (this.inClass === inClass) return;
    this.inClass = inClass;
    if (!inClass) {
      // The class channel's messages are the class's: gone with it; the defaults apply again.
      for (const [id, m] of this.messages) if (m.msg.channel === CHANNEL.CLASS) this.drop(id);
      this.state = { ...this.state, classOn: true, nearbyFree: false };
    }
    this.render();
  }

  /** CHAT_STATE. */
  setState(ev) {
    this.state = { classOn: ev.classOn, nearbyFree: ev.nearbyFree, mutedUntil: ev.mutedUntil };
    this.render();
  }

  /** Muted until unix seconds (0: not muted), for the rate's mute (30 s) or a moderator's. */
  mute(until) {
    this.state.mutedUntil = until;
    this.render();
  }

  get muted() {
    return this.state.mutedUntil > Date.now() / 1000;
  }

  show(channel) {
    this.channel = channel;
    this.unread[channel] = 0;
    this.error("");
    this.render();
  }

  /** May the visitor write free text in the channel shown? */
  get freeText() {
    if (!this.inClass) return false;
    return this.channel === CHANNEL.CLASS ? this.state.classOn : this.state.nearbyFree;
  }

  render() {
    const cls = this.channel === CHANNEL.CLASS;
    $("chat-tab-class").setAttribute("aria-pressed", String(cls));
    $("chat-tab-nearby").setAttribute("aria-pressed", String(!cls));
    $("chat-tab-class").textContent = CHAT.tab(CHAT.classChannel, this.unread[CHANNEL.CLASS]);
    $("chat-tab-nearby").textContent = CHAT.tab(CHAT.nearbyChannel, this.unread[CHANNEL.NEARBY]);
    // A channel's box (role log, around its list) is shown when it holds messages.
    this.logs[CHANNEL.CLASS].parentElement.hidden = !cls || !this.logs[CHANNEL.CLASS].children.length;
    this.logs[CHANNEL.NEARBY].parentElement.hidden = cls || !this.logs[CHANNEL.NEARBY].children.length;
    let note;
    if (cls) note = !this.inClass ? CHAT.noClass : this.state.classOn ? "" : CHAT.classOff;
    else note = this.freeText ? CHAT.nearbyFree : CHAT.nearbyHelp;
    const canSpeak = !cls || (this.inClass && this.state.classOn);
    $("chat-quick").hidden = !canSpeak;
    $("chat-form").hidden = !this.freeText;
    const muted = this.muted;
    $("chat-mute").hidden = !muted;
    $("chat-mute").textContent = muted ? CHAT.muted(this.state.mutedUntil) : "";
    clearTimeout(this.muteTimer);
    if (muted) this.muteTimer = setTimeout(() => this.render(), Math.max(500, this.state.mutedUntil * 1000 - Date.now() + 200));
    $("chat-note").textContent = note;
    $("chat-note").hidden = !note;
    const log = this.logs[this.channel];
    $("chat-empty").hidden = log.children.length > 0 || (cls && !this.inClass);
  }

  error(text) {
    $("chat-error").textContent = text;
  }

  // ------------------------------------------------------------ sending

  sendText() {
    const field = $("chat-text");
    const text = field.value.trim();
    if (!text) {
      this.error(CHAT.emptyText);
      field.focus();
      return;
    }
    const size = textSize(text);
    if (size.chars > CHAT_MAX_CHARS || size.bytes > CHAT_MAX_BYTES) {
      this.error(CHAT.tooLong(CHAT_MAX_CHARS));
      field.focus();
      return;
    }
    const req = this.h.say(this.channel, text);
    if (!req) {
      this.error(CHAT.notConnected);
      return;
    }
    this.error("");
    this.said.set(req, { channel: this.channel, text });
    this.chatReqs.add(req);
    // The field is emptied when the message comes back (CHAT), kept when it is refused.
  }

  sendQuick(phrase) {
    const req = this.h.quick(this.channel, phrase);
    if (!req) this.error(CHAT.notConnected);
    else {
      this.error("");
      this.chatReqs.add(req);
    }
  }

  // ------------------------------------------------------------ events

  /** CHAT: shown once per message id (the class history comes again after a resume). */
  add(msg) {
    if (this.messages.has(msg.messageId)) return;
    const log = this.logs[msg.channel];
    if (!log) return;
    const li = document.createElement("li");
    li.className = msg.past ? "past" : "";
    li.dataset.message = String(msg.messageId);
    const mine = msg.avatarId === this.h.selfId();
    const text = msg.phrase ? QUICK_PHRASES[msg.phrase] || "…" : msg.text;
    const who = document.createElement("strong");
    who.className = "who";
    const tag = roleOf(msg.role).tag;
    who.textContent = mine ? `${msg.pseudonym} (${CHAT.me})` : tag ? `${msg.pseudonym} [${tag}]` : msg.pseudonym;
    const time = document.createElement("time");
    time.className = "when";
    time.dateTime = new Date(msg.at * 1000).toISOString();
    time.textContent = clock(msg.at);
    const body = document.createElement("span");
    body.className = msg.phrase ? "text phrase" : "text";
    body.textContent = text; // never HTML
    li.append(who, " ", time, " ", body);
    if (!mine) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "report link";
      b.textContent = CHAT.report;
      b.setAttribute("aria-label", CHAT.reportOf(msg.pseudonym));
      b.addEventListener("click", () => this.openReport({ messageId: msg.messageId, avatarId: msg.avatarId, who: msg.pseudonym }));
      li.append(" ", b);
    }
    // History in time order, before the live messages it precedes.
    let before = null;
    if (msg.past) before = [...log.children].find((c) => this.messages.get(Number(c.dataset.message))?.msg.at > msg.at) || null;
    log.insertBefore(li, before);
    this.messages.set(msg.messageId, { msg, li });
    if (!msg.past && !mine && msg.channel !== this.channel) this.unread[msg.channel]++;
    while (log.children.length > KEEP) this.drop(Number(log.firstElementChild.dataset.message));
    if (mine && !msg.phrase) {
      const field = $("chat-text");
      if (field.value.trim() === msg.text) field.value = "";
    }
    this.render();
    if (!msg.past) log.parentElement.scrollTop = log.parentElement.scrollHeight;
  }

  /** CHAT_REMOVED: the message leaves the panel. */
  remove(messageId) {
    if (this.drop(messageId)) this.render();
  }

  drop(messageId) {
    const m = this.messages.get(messageId);
    if (!m) return false;
    m.li.remove();
    this.messages.delete(messageId);
    return true;
  }

  /** CHAT_BLOCKED: the text reached nobody; say why, keep it in the field. */
  blocked(ev) {
    const sent = this.said.get(ev.req);
    this.said.delete(ev.req);
    const field = $("chat-text");
    if (sent && !field.value.trim()) field.value = sent.text;
    this.error(`${ev.hint || CHAT.blocked[ev.reason] || CHAT.blocked.other} ${CHAT.blockedNote}`);
    if (!field.closest("form").hidden) field.focus();
  }

  /** MODERATED of a CHAT_REPORT (action 0); returns whether it was one. */
  moderated(ev) {
    if (!this.reports.has(ev.req)) return false;
    this.reports.delete(ev.req);
    this.h.toast(CHAT.reported);
    return true;
  }

  /** An ERROR event; returns whether it was the chat's. */
  onError(ev) {
    if (this.reports.has(ev.ref)) {
      this.reports.delete(ev.ref);
      this.h.toast(ev.code === ERR.UNKNOWN_MESSAGE ? CHAT.reportGone : CHAT.unavailable);
      return true;
    }
    if (!this.chatReqs.has(ev.ref)) return false;
    this.chatReqs.delete(ev.ref);
    const sent = this.said.get(ev.ref);
    this.said.delete(ev.ref);
    const field = $("chat-text");
    if (sent && !field.value.trim()) field.value = sent.text;
    switch (ev.code) {
      case ERR.CHAT_RATE_LIMITED:
        this.mute(Math.ceil(Date.now() / 1000) + 30);
        this.error(CHAT.rateLimited(this.state.mutedUntil));
        break;
      case ERR.CHAT_MUTED:
        this.error(CHAT.muted(this.muted ? this.state.mutedUntil : 0));
        break;
      case ERR.CHAT_CLOSED:
        this.error(CHAT.closed);
        break;
      case ERR.CHAT_NOT_ALLOWED:
        this.error(CHAT.notAllowed);
        break;
      case ERR.CHAT_BAD_TEXT:
        this.error(CHAT.badText);
        break;
      default:
        this.error(CHAT.unavailable);
    }
    return true;
  }

  // ------------------------------------------------------------ reports

  /** Opens the report dialog for a message ({messageId, avatarId, who}) or an avatar (messageId 0). */
  openReport(target) {
    const dlg = $("report-dialog");
    this.reportTarget = { ...target, opener: document.activeElement };
    $("report-intro").textContent = CHAT.reportIntro(target.messageId ? `le message de ${target.who}` : target.who);
    for (const r of document.querySelectorAll('input[name="report-reason"]')) r.checked = false;
    $("report-error").textContent = "";
    if (!dlg.open) dlg.showModal();
    document.querySelector('input[name="report-reason"]').focus();
  }

  sendReport() {
    const t = this.reportTarget;
    const picked = document.querySelector('input[name="report-reason"]:checked');
    if (!t) return;
    if (!picked) {
      $("report-error").textContent = CHAT.pickReason;
      document.querySelector('input[name="report-reason"]').focus();
      return;
    }
    const req = this.h.report(t.messageId, t.avatarId, Number(picked.value));
    if (!req) {
      $("report-error").textContent = CHAT.notConnected;
      return;
    }
    this.reports.set(req, true);
    this.closeReport();
  }

  closeReport() {
    const dlg = $("report-dialog");
    if (dlg.open) dlg.close();
  }

  restoreFocus() {
    const o = this.reportTarget?.opener;
    this.reportTarget = null;
    if (o && document.contains(o) && o.offsetParent !== null) o.focus({ preventScroll: true });
  }

  /** What tests read (window.__fair.chat). */
  snapshot() {
    return [...this.messages.values()].map(({ msg }) => ({ ...msg }));
  }
}
