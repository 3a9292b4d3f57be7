// The game connection: one WebSocket at a time to /ws (subprotocol usine.v1),
// HELLO with the resume token, automatic reconnection by close code
// (docs/PROTOCOL.md §6), and detection of networks that block WebSockets.

import {
  SUBPROTOCOL, decodeServer, encodeHello, encodeMove, encodeGoto,
  encodeOpenHotspot, encodeCloseHotspot, encodeAnswer, encodeQuestionnaire,
  encodeGetProgress, encodeGetLeaderboard, encodeShare, encodeUnshare, encodeErase,
  encodeClassCreate, encodeClassJoin, encodeClassList, encodeClassOpen, encodeClassRoute, encodeClassOrder, encodeClassLeave,
  encodeChatSay, encodeChatQuick, encodeChatReport, encodeChatClass, encodeModerate,
} from "./protocol.js";
import { closeInfo, T } from "./texts.js";

const STORE_PSEUDO = "usine.pseudo";
const STORE_TOKEN = "usine.token";
const STORE_KEY = "usine.key"; // the progress key, in the tab
const STORE_REMEMBER = "usine.remember"; // {pseudonym, key} on the device, only when the visitor asked
const BLOCKED_AFTER = 3; // sockets that failed before ever opening

export const session = {
  load() {
    try {
      return {
        pseudonym: sessionStorage.getItem(STORE_PSEUDO) || "",
        token: sessionStorage.getItem(STORE_TOKEN) || "",
        key: sessionStorage.getItem(STORE_KEY) || "",
      };
    } catch {
      return { pseudonym: "", token: "", key: "" };
    }
  },
  /** The progress key, kept by the tab (and, when remember, by the device). */
  saveKey(pseudonym, key, remember) {
    try {
      if (key) sessionStorage.setItem(STORE_KEY, key);
      else sessionStorage.removeItem(STORE_KEY);
      if (remember && key) localStorage.setItem(STORE_REMEMBER, JSON.stringify({ pseudonym, key }));
      else localStorage.removeItem(STORE_REMEMBER);
    } catch { /* storage disabled: memory only */ }
  },
  /** What « Se souvenir de moi sur cet appareil » kept, or null. */
  remembered() {
    try {
      const r = JSON.parse(localStorage.getItem(STORE_REMEMBER) || "null");
      return r && typeof r.pseudonym === "string" && typeof r.key === "string" ? r : null;
    } catch {
      return null;
    }
  },
  /** « Effacer mes données »: nothing of the visit stays in the browser. */
  clearAll() {
    try {
      for (const k of [STORE_PSEUDO, STORE_TOKEN, STORE_KEY, "usine.look"]) sessionStorage.removeItem(k);
      localStorage.removeItem(STORE_REMEMBER);
    } catch { /* ignore */ }
  },
  save(pseudonym, token) {
    try {
      sessionStorage.setItem(STORE_PSEUDO, pseudonym);
      sessionStorage.setItem(STORE_TOKEN, token);
    } catch { /* storage disabled: keep it in memory only */ }
  },
  clearToken() {
    try { sessionStorage.removeItem(STORE_TOKEN); } catch { /* ignore */ }
  },
};

const jitter = (min, max) => min + Math.random() * (max - min);

export function wsURL(loc = window.location) {
  return `${loc.protocol === "https:" ? "wss:" : "ws:"}//${loc.host}/ws`;
}

/**
 * Connection emits, through the handlers given to its constructor:
 *   onStatus({state, text, retryAt}) state: connecting|open|retrying|blocked|refused|stopped
 *   onWelcome(welcome), onUpdate(update), onReset() (view must be emptied)
 */
export class Connection {
  constructor(handlers, url = wsURL()) {
    this.h = handlers;
    this.url = url;
    this.ws = null;
    this.pseudonym = "";
    this.token = "";
    this.attempt = 0; // failed attempts since the last WELCOME
    this.failedBeforeOpen = 0; // consecutive sockets that never opened
    this.everOpened = false;
    this.timer = 0;
    this.state = "idle";
    this.seq = 0;
    this.req = 0;
    this.welcome = null;
    this.sent = 0;
    this.received = 0;
    this.look = { colour: 0, shape: 0 }; // the avatar's look, sent in HELLO
    this.key = ""; // a progress key for the next new session's HELLO
    this.ticket = ""; // a staff ticket for the next new session's HELLO (the teacher's page)
    // Where the pseudonym and resume token are kept (the teacher's page keeps its own).
    this.store = handlers.store || session;
  }

  /**
   * Starts (or restarts) a session for pseudonym, resuming with token when
   * given; key is a progress key for a new session (ignored on a resume).
   */
  start(pseudonym, token = "", key = "") {
    this.pseudonym = pseudonym;
    this.token = token;
    this.key = key;
    this.attempt = 0;
    this.failedBeforeOpen = 0;
    this._open();
  }

  /** Reconnects now (a "Réessayer" button). */
  retryNow() {
    clearTimeout(this.timer);
    this._open();
  }

  /** Ends the visit on purpose: close 1000, the server forgets the session at once. */
  stop() {
    clearTimeout(this.timer);
    this._setStatus("stopped", "");
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.close(1000, "bye");
    }
  }

  /** Drops the socket and reconnects with the resume token (after a protocol error; tests use it to simulate a network failure). */
  drop() {
    if (this.ws) this.ws.close(4900, "test drop");
  }

  get connected() {
    return this.state === "open";
  }

  _setStatus(state, text, extra = {}) {
    this.state = state;
    this.h.onStatus?.({ state, text, ...extra });
  }

  _open() {
    clearTimeout(this.timer);
    if (this.ws) {
      // 4901 reconnect, not 1000: a 1000 ends the visit and the server would
      // forget the session this reconnection resumes.
      const old = this.ws;
      this.ws = null;
      try { old.close(4901, "reconnect"); } catch { /* ignore */ }
    }
    this._setStatus(this.everOpened ? "retrying" : "connecting", this.everOpened ? T.lost : T.connecting);
    let ws;
    try {
      ws = new WebSocket(this.url, SUBPROTOCOL);
    } catch {
      this._onClose(null, 1006, "");
      return;
    }
    ws.binaryType = "arraybuffer";
    let opened = false;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      opened = true;
      this.failedBeforeOpen = 0;
      this._send(encodeHello(this.pseudonym, this.token, this.look.colour, this.look.shape, this.token ? "" : this.key, this.token ? "" : this.ticket));
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws || !(ev.data instanceof ArrayBuffer)) return;
      this.received++;
      let msg;
      try {
        msg = decodeServer(ev.data);
      } catch (err) {
        console.warn("protocol error, reconnecting:", err);
        ws.close(4900, "client protocol error");
        return;
      }
      this._onMessage(msg);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (!opened) this.failedBeforeOpen++;
      this._onClose(ws, ev.code, ev.reason);
    };
    ws.onerror = () => { /* a close event follows */ };
    this.ws = ws;
  }

  _onMessage(msg) {
    if (msg.type === "welcome") {
      this.welcome = msg;
      this.everOpened = true;
      this.attempt = 0;
      this.token = msg.resumeToken;
      this.pseudonym = msg.pseudonym || this.pseudonym;
      this.store.save(this.pseudonym, this.token);
      this.h.onReset?.();
      this._setStatus("open", T.connected);
      this.h.onWelcome?.(msg);
    } else if (msg.type === "update") {
      if (this.state === "open") this.h.onUpdate?.(msg);
    }
  }

  _onClose(ws, code, reason) {
    const info = closeInfo(code, reason);
    const wasOpen = this.state === "open";
    if (wasOpen) this.h.onReset?.();
    if (info.action === "ask") {
      this.token = "";
      this.store.clearToken();
      this._setStatus("refused", info.text, { code, key: !!info.key });
      return;
    }
    if (info.action === "erased") {
      this.token = "";
      this.key = "";
      this.store.clearAll();
      this._setStatus("erased", info.text, { code });
      return;
    }
    if (info.action === "stop") {
      this._setStatus("stopped", info.text, { code, reload: !!info.reload, resumeHere: !!info.resumeHere, staff: !!info.staff, revoked: !!info.revoked });
      return;
    }
    if (info.action === "new") {
      this.token = "";
      this.store.clearToken();
      this._schedule(jitter(0.2, 1), info.text);
      return;
    }
    // A socket that keeps failing before it ever opens, on a page that loaded
    // fine from the same host, is most likely blocked by a proxy or firewall.
    if (!this.everOpened && this.failedBeforeOpen >= BLOCKED_AFTER) {
      const delay = Math.min(60, 10 * 2 ** Math.min(this.failedBeforeOpen - BLOCKED_AFTER, 3));
      this._schedule(jitter(delay * 0.8, delay * 1.2), T.blocked, "blocked");
      return;
    }
    if (info.action === "delay") {
      this._schedule(jitter(info.min, info.max), info.text);
      return;
    }
    // Exponential backoff with jitter: about 1, 2, 4 … 30 s. The first retry
    // after a drop of a live session is fast (a blip, a server handing over).
    const base = wasOpen ? 0.25 : Math.min(30, 2 ** this.attempt);
    this.attempt++;
    const text = info.text === T.lost && !this.everOpened ? T.cannotConnect : info.text;
    this._schedule(jitter(base * 0.5, base * 1.5), text);
  }

  _schedule(seconds, text, state = "retrying") {
    clearTimeout(this.timer);
    const retryAt = Date.now() + seconds * 1000;
    this._setStatus(state, text, { retryAt });
    this.timer = setTimeout(() => this._open(), seconds * 1000);
  }

  _send(bytes) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(bytes);
    this.sent++;
    return true;
  }

  /** Sends MOVE; returns its seq (or 0 when not connected). */
  move(dx, dy) {
    if (!this.connected) return 0;
    const seq = ++this.seq;
    return this._send(encodeMove(seq, dx, dy)) ? seq : 0;
  }

  goto(x, y) {
    if (!this.connected) return 0;
    const seq = ++this.seq;
    return this._send(encodeGoto(seq, x, y)) ? seq : 0;
  }

  openHotspot(id) {
    if (!this.connected) return 0;
    const req = ++this.req;
    return this._send(encodeOpenHotspot(req, id)) ? req : 0;
  }

  closeHotspot(id) {
    if (this.connected) this._send(encodeCloseHotspot(id));
  }

  /** Sends a request numbered like OPEN_HOTSPOT; returns its req (0 when not connected). */
  _request(encode) {
    if (!this.connected) return 0;
    const req = ++this.req;
    return this._send(encode(req)) ? req : 0;
  }

  answer(hotspotId, question, choices) {
    return this._request((req) => encodeAnswer(req, hotspotId, question, choices));
  }

  questionnaire(hotspotId, answers) {
    return this._request((req) => encodeQuestionnaire(req, hotspotId, answers));
  }

  getProgress() {
    return this._request((req) => encodeGetProgress(req));
  }

  leaderboard(scope) {
    return this._request((req) => encodeGetLeaderboard(req, scope));
  }

  share(badgeId) {
    return this._request((req) => encodeShare(req, badgeId));
  }

  unshare(badgeId) {
    return this._request((req) => encodeUnshare(req, badgeId));
  }

  erase() {
    return this._request((req) => encodeErase(req));
  }

  // Classes: a pupil joins or leaves; a teacher creates, opens and leads.
  joinClass(code) {
    return this._request((req) => encodeClassJoin(req, code));
  }

  leaveClass() {
    return this._request((req) => encodeClassLeave(req));
  }

  createClass(name, level) {
    return this._request((req) => encodeClassCreate(req, name, level));
  }

  listClasses() {
    return this._request((req) => encodeClassList(req));
  }

  openClass(classId) {
    return this._request((req) => encodeClassOpen(req, classId));
  }

  setRoute(classId, routeId, hotspots) {
    return this._request((req) => encodeClassRoute(req, classId, routeId, hotspots));
  }

  order(classId, order, seconds = 0) {
    return this._request((req) => encodeClassOrder(req, classId, order, seconds));
  }

  // Chat and moderation (docs/PROTOCOL.md §9).
  chatSay(channel, text) {
    return this._request((req) => encodeChatSay(req, channel, text));
  }
  chatQuick(channel, phrase) {
    return this._request((req) => encodeChatQuick(req, channel, phrase));
  }
  chatReport(messageId, avatarId, reason) {
    return this._request((req) => encodeChatReport(req, messageId, avatarId, reason));
  }
  chatClass(classOn, nearbyFree) {
    return this._request((req) => encodeChatClass(req, classOn, nearbyFree));
  }
  moderate(action, avatarId, messageId, reportId, seconds) {
    return this._request((req) => encodeModerate(req, action, avatarId, messageId, reportId, seconds));
  }
}
