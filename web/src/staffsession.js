// A staff page's session (the teacher's /classe, the moderators'
// /moderation): the tab's own resume token, apart from a visit made in the
// same tab's visitor page; the staff token traded for a HELLO ticket
// (staff.js) and the connection started with it; a ticket refused once
// (used, expired) is traded again, a revoked token forgotten, and a session
// that ended (4007) starts again with a new ticket.

import { takeStaffToken, forgetStaffToken, fetchTicket } from "./staff.js";

/**
 * The sessionStorage of a staff page: pseudonym and resume token under
 * `usine.<prefix>.pseudo` and `.resume`, and the page's own `keys` (get/set;
 * all of them forgotten by clearAll).
 * The store interface of net.js's Connection.
 */
export function staffStore(prefix, keys = []) {
  const key = (k) => `usine.${prefix}.${k}`;
  const own = new Set(["pseudo", "resume", ...keys]);
  return {
    save(pseudonym, token) {
      try {
        sessionStorage.setItem(key("pseudo"), pseudonym);
        sessionStorage.setItem(key("resume"), token);
      } catch { /* memory only */ }
    },
    load() {
      try {
        return { pseudonym: sessionStorage.getItem(key("pseudo")) || "", token: sessionStorage.getItem(key("resume")) || "" };
      } catch {
        return { pseudonym: "", token: "" };
      }
    },
    clearToken() {
      try { sessionStorage.removeItem(key("resume")); } catch { /* ignore */ }
    },
    clearAll() {
      try { for (const k of own) sessionStorage.removeItem(key(k)); } catch { /* ignore */ }
    },
    get(k) {
      try { return sessionStorage.getItem(key(k)) || ""; } catch { return ""; }
    },
    set(k, v) {
      try {
        if (v) sessionStorage.setItem(key(k), String(v));
        else sessionStorage.removeItem(key(k));
      } catch { /* memory only */ }
    },
    saveKey() { /* staff have no progress key */ },
  };
}

export class StaffSignIn {
  /**
   * conn: the page's Connection (made with `store`); opts: roles (the role
   * codes the page accepts), texts {noToken, tokenRefused, staffDisabled,
   * ticketUnavailable, ticketRefused, wrongRole}, showSignin(text, retry),
   * signedIn(ticket: {name, roleCode, ...}).
   */
  constructor(conn, store, opts) {
    this.conn = conn;
    this.store = store;
    this.o = opts;
    this.token = "";
    this.retried = false;
  }

  /** Takes the token of the link (or the tab's); false (and the sign-in shown) when there is none. */
  take() {
    this.token = takeStaffToken();
    if (!this.token) this.o.showSignin(this.o.texts.noToken, false);
    return !!this.token;
  }

  /** Trades the staff token for a ticket and connects (again). */
  async signIn() {
    const T = this.o.texts;
    let t;
    try {
      t = await fetchTicket(this.token);
    } catch (err) {
      if (err.kind === "refused") {
        forgetStaffToken();
        this.store.clearAll();
        this.o.showSignin(err.text || T.tokenRefused, false);
      } else if (err.kind === "disabled") {
        this.o.showSignin(err.text || T.staffDisabled, false);
      } else {
        this.o.showSignin(err.text || T.ticketUnavailable, true);
      }
      return false;
    }
    if (!this.o.roles.includes(t.roleCode)) {
      this.o.showSignin(T.wrongRole, false);
      return false;
    }
    this.conn.ticket = t.ticket;
    this.o.signedIn(t);
    // A staff session's name is its token's: HELLO's pseudonym is ignored.
    this.conn.start("", this.store.load().token);
    return true;
  }

  /** At WELCOME: a ticket is good for one session. */
  welcomed() {
    this.retried = false;
    this.conn.ticket = "";
  }

  /** The connection's status; returns true when it was about the staff sign-in (handled here). */
  onStatus(s) {
    if (s.state === "stopped" && s.staff) {
      if (s.revoked) {
        forgetStaffToken();
        this.store.clearAll();
        this.o.showSignin(s.text, false);
      } else if (!this.retried) {
        // The ticket was refused (used, expired): a new one, once.
        this.retried = true;
        this.store.clearToken();
        this.signIn();
      } else {
        this.o.showSignin(this.o.texts.ticketRefused, true);
      }
      return true;
    }
    if (s.state === "retrying" && !this.conn.token && !this.conn.ticket) {
      // The session is gone (4007): a new one needs a new ticket first.
      clearTimeout(this.conn.timer);
      this.signIn();
    }
    return false;
  }
}
