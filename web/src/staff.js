// A staff member's sign-in on the page (docs/PROTOCOL.md, "Staff tokens"):
// the organisers' link carries the signed token in the fragment
// (`#staff=…`), which browsers never send to a server. The page takes it out
// of the address bar at once (history.replaceState: it stays out of the
// history, of bookmarks and of a screen shared on a projector), keeps it in
// the tab's sessionStorage only (never localStorage, never a cookie), and
// trades it at the server for a short ticket that HELLO carries.

export const STORE_STAFF = "usine.staff";
const FRAGMENT_KEY = "staff";
// A signed token is a few hundred bytes; anything far longer is not one.
const MAX_TOKEN = 4096;

/**
 * The staff token of this tab: the one in the fragment (then removed from
 * the address bar and kept in sessionStorage), else the one this tab kept,
 * else "".
 */
export function takeStaffToken(loc = window.location, hist = window.history, store = window.sessionStorage) {
  const frag = new URLSearchParams(String(loc.hash || "").replace(/^#/, ""));
  const fresh = (frag.get(FRAGMENT_KEY) || "").trim();
  if (frag.has(FRAGMENT_KEY)) {
    frag.delete(FRAGMENT_KEY);
    const rest = frag.toString();
    try {
      hist.replaceState(hist.state, "", `${loc.pathname}${loc.search}${rest ? `#${rest}` : ""}`);
    } catch { /* an address the history refuses: the token is still not kept anywhere else */ }
  }
  if (fresh && fresh.length <= MAX_TOKEN && /^[A-Za-z0-9._-]+$/.test(fresh)) {
    try { store.setItem(STORE_STAFF, fresh); } catch { /* storage disabled: this page's memory only */ }
    return fresh;
  }
  try {
    return store.getItem(STORE_STAFF) || "";
  } catch {
    return "";
  }
}

/** Forgets the tab's staff token (refused, expired, or the teacher signs out). */
export function forgetStaffToken(store = window.sessionStorage) {
  try { store.removeItem(STORE_STAFF); } catch { /* ignore */ }
}

/** Why a ticket was not given: the server's `error` code, and its French `message` to show. */
export class TicketError extends Error {
  constructor(kind, status, code = "", message = "") {
    super(message || code || kind);
    // "refused": the token will never work (bad, expired, revoked, not staff): forget it;
    // "disabled": this fair takes no staff sign-in; "retry": try again in a moment.
    this.kind = kind;
    this.status = status;
    this.code = code;
    this.text = message; // the server's French sentence, "" when it gave none
  }
}

export const TICKET_PATH = "/api/staff/ticket";

/**
 * Trades the staff token for a HELLO ticket (at most 64 bytes, good for
 * one HELLO within 60 s) at POST /api/staff/ticket (docs/PROTOCOL.md §3,
 * "Staff sign-in"). The token travels in the Authorization header, never in
 * a URL. Resolves with {ticket, role, roleCode, name, booth}.
 */
export async function fetchTicket(token, { path = TICKET_PATH, fetchFn = window.fetch.bind(window) } = {}) {
  let res;
  try {
    res = await fetchFn(path, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer",
    });
  } catch (err) {
    throw new TicketError("retry", 0, "network", "");
  }
  let body = {};
  try {
    body = await res.json();
  } catch { /* not JSON: the status says enough */ }
  const code = typeof body.error === "string" ? body.error : "";
  const text = typeof body.message === "string" ? body.message : "";
  if (res.status === 401 || res.status === 403) throw new TicketError(code === "no_token" ? "retry" : "refused", res.status, code, text);
  if (res.status === 404) throw new TicketError("disabled", res.status, code, text);
  if (!res.ok) throw new TicketError("retry", res.status, code, text);
  const ticket = typeof body.ticket === "string" ? body.ticket : "";
  if (!ticket || ticket.length > 64) throw new TicketError("retry", res.status, "no_ticket", "");
  return {
    ticket,
    role: typeof body.role === "string" ? body.role : "",
    roleCode: Number(body.role_code) || 0,
    name: typeof body.name === "string" ? body.name : "",
    booth: typeof body.booth === "string" ? body.booth : "",
  };
}
