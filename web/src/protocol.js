// Wire codec for protocol v1 (docs/PROTOCOL.md): msgpack arrays, positional fields.
// Client intents are encoded here; server messages (WELCOME, UPDATE and its events)
// are decoded into plain objects, and UPDATEs are applied to a view of avatars.

import { Decoder, encode } from "@msgpack/msgpack";

export const SUBPROTOCOL = "usine.v1";

// Client -> server type codes.
export const C2S = {
  HELLO: 1, MOVE: 2, GOTO: 3, OPEN_HOTSPOT: 4, CLOSE_HOTSPOT: 5,
  ANSWER: 6, QUESTIONNAIRE: 7, GET_PROGRESS: 8, GET_LEADERBOARD: 9, SHARE: 10, UNSHARE: 11, ERASE: 12,
  CLASS_CREATE: 13, CLASS_JOIN: 14, CLASS_LIST: 15, CLASS_OPEN: 16, CLASS_ROUTE: 17, CLASS_ORDER: 18, CLASS_LEAVE: 19,
  CHAT_SAY: 20, CHAT_QUICK: 21, CHAT_REPORT: 22, CHAT_CLASS: 23, MODERATE: 24,
};
// Server -> client type codes.
export const S2C = { WELCOME: 64, UPDATE: 65 };
// Event kinds inside UPDATE.events.
export const EVENT = {
  HOTSPOT_CONTENT: 1, HOTSPOT_DISCOVERED: 2, HOTSPOT_VIEWERS: 3, ERROR: 4, PATH: 5,
  ANSWER_RESULT: 6, QUESTIONNAIRE_RESULT: 7, PROGRESS: 8, BADGE: 9, BADGE_NOTICE: 10, LEADERBOARD: 11, SHARE_LINK: 12,
  ROLE: 13, CLASS: 14, CLASSES: 15, MEMBERS: 16, ROUTE_STEP: 17, CLASS_ORDER: 18,
  CHAT: 20, CHAT_REMOVED: 21, CHAT_STATE: 22, CHAT_BLOCKED: 23, REPORT: 24, REPORT_CLOSED: 25, MODERATED: 26,
};
// ERROR event codes.
export const ERR = {
  UNKNOWN_TYPE: 1, BAD_INTENT: 2, UNREACHABLE: 3, UNKNOWN_HOTSPOT: 4,
  OUT_OF_RANGE: 5, RATE_LIMITED: 6, NOT_READY: 7,
  TOO_FAST: 8, NOT_OPEN: 9, ALREADY_ANSWERED: 10, BAD_ANSWER: 11, NOT_EARNED: 12, UNAVAILABLE: 13, NO_GROUP: 14,
  BAD_CODE: 15, CLASS_CLOSED: 16, NOT_ALLOWED: 17, PAUSED: 18, BAD_CLASS: 19,
  CHAT_RATE_LIMITED: 20, CHAT_MUTED: 21, CHAT_CLOSED: 22, CHAT_NOT_ALLOWED: 23, CHAT_UNAVAILABLE: 24,
  CHAT_BAD_TEXT: 25, NOT_STAFF: 26, UNKNOWN_MESSAGE: 27,
};
// Chat channels (docs/PROTOCOL.md §9).
export const CHANNEL = { CLASS: 0, NEARBY: 1 };
/** The quick phrases, by number (index 0 unused); numbers are never reused. */
export const QUICK_PHRASES = [
  "", "Salut !", "Tu as trouvé le quiz ?", "On y va ensemble ?", "Suis-moi !", "Attends-moi !", "Regarde ça !",
  "Bravo !", "Merci !", "Oui", "Non", "Où est le prochain stand ?", "À plus tard !",
];
/** CHAT_SAY's longest text: 200 code points (the server also caps 280 bytes). */
export const CHAT_MAX_CHARS = 200;
export const CHAT_MAX_BYTES = 280;
// CHAT_REPORT reasons.
export const REPORT_REASON = { OTHER: 0, INSULT: 1, CONTACT: 2, HARASSMENT: 3, SHOCKING: 4 };
// MODERATE actions.
export const ACTION = { REMOVE: 1, MUTE: 2, UNMUTE: 3, KICK: 4, BAN: 5, CLOSE_REPORT: 6 };
// CHAT_BLOCKED reasons a client knows; any other value reads as "other".
export const BLOCK_REASONS = ["phone", "email", "handle", "link", "insult", "hate", "sexual", "drugs", "other"];
// GET_LEADERBOARD scopes.
export const SCOPE = { FAIR: 0, GROUP: 1 };
export const ROLE = { VISITOR: 0, PROFESSIONAL: 1, TEACHER: 2, PUPIL: 3, MODERATOR: 4, ORGANISER: 5 };
// A teacher's orders to a class (CLASS_ORDER).
export const ORDER = { END: 0, GATHER: 1, FOLLOW: 2, PAUSE: 3, CLOSE: 4, REOPEN: 5 };
// A class member's state (MEMBERS flags).
export const MEMBER = { ONLINE: 1, FOLLOWING: 2, DONE: 4, GONE: 8 };
/** The longest pause, in seconds; a CLASS_ORDER pause of 0 s is this long. */
export const MAX_PAUSE_SECONDS = 300;

/** Positions on the wire are uint16 counts of 1/16 m. */
export const QUANTUM = 16;
export const toMetres = (q) => q / QUANTUM;

export class ProtocolError extends Error {}

// ---------------------------------------------------------------- encoding

// @msgpack/msgpack encodes integral numbers as integers; the protocol wants the
// coordinates of MOVE/GOTO as float64 (servers accept both, but float64 keeps
// the bytes identical to the reference vectors). So the array is assembled
// here: each integer/string element goes through the library, floats through
// writeF64.

function f64(n) {
  const b = new Uint8Array(9);
  b[0] = 0xcb;
  new DataView(b.buffer).setFloat64(1, n, false);
  return b;
}

const F64 = Symbol("f64");
const asF64 = (n) => ({ [F64]: Number(n) });

function encodeArray(items) {
  if (items.length > 15) throw new RangeError("array too long");
  const parts = [Uint8Array.of(0x90 | items.length)];
  for (const it of items) {
    parts.push(it !== null && typeof it === "object" && F64 in it ? f64(it[F64]) : encode(it));
  }
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

const u32 = (n) => (Number(n) >>> 0);
/** A message id or any count up to 2^53 - 1 (written as the smallest msgpack uint). */
const u53 = (n) => {
  const v = Math.trunc(Number(n));
  return Number.isSafeInteger(v) && v >= 0 ? v : 0;
};

// Avatar looks (docs/PROTOCOL.md §3): indexes into two fixed sets.
export const COLOURS = 8;
export const SHAPES = 4;
/** An index outside its set of n means 0 (a newer peer's value). */
export const look = (v, n) => {
  const i = num(v, 0);
  return Number.isInteger(i) && i >= 0 && i < n ? i : 0;
};

/**
 * HELLO; the look is written only when it is not the default (0, 0) or a
 * progress key or a staff ticket follows it, the key only when it is not
 * empty or a ticket follows it, as the Go client does.
 */
export function encodeHello(pseudonym, resumeToken = "", colour = 0, shape = 0, progressKey = "", staffTicket = "") {
  const c = look(colour, COLOURS);
  const s = look(shape, SHAPES);
  const key = String(progressKey || "");
  const ticket = String(staffTicket || "");
  const items = [C2S.HELLO, String(pseudonym), String(resumeToken || "")];
  if (c || s || key || ticket) items.push(c, s);
  if (key || ticket) items.push(key);
  if (ticket) items.push(ticket);
  return encodeArray(items);
}
export function encodeMove(seq, dx, dy) {
  return encodeArray([C2S.MOVE, u32(seq), asF64(dx), asF64(dy)]);
}
export function encodeGoto(seq, x, y) {
  return encodeArray([C2S.GOTO, u32(seq), asF64(x), asF64(y)]);
}
export function encodeOpenHotspot(req, hotspotId) {
  return encodeArray([C2S.OPEN_HOTSPOT, u32(req), String(hotspotId)]);
}
export function encodeCloseHotspot(hotspotId) {
  return encodeArray([C2S.CLOSE_HOTSPOT, String(hotspotId)]);
}
/** ANSWER: the picked choices (indexes from 0) of quiz question q (from 0). */
export function encodeAnswer(req, hotspotId, q, choices) {
  return encodeArray([C2S.ANSWER, u32(req), String(hotspotId), q >>> 0, choices.map((c) => c >>> 0)]);
}
/** QUESTIONNAIRE: one answer per question, a choice index or null (skipped). */
export function encodeQuestionnaire(req, hotspotId, answers) {
  return encodeArray([C2S.QUESTIONNAIRE, u32(req), String(hotspotId), answers.map((a) => (a === null || a === undefined || a < 0 ? null : a >>> 0))]);
}
export function encodeGetProgress(req) {
  return encodeArray([C2S.GET_PROGRESS, u32(req)]);
}
export function encodeGetLeaderboard(req, scope) {
  return encodeArray([C2S.GET_LEADERBOARD, u32(req), scope >>> 0]);
}
export function encodeShare(req, badgeId) {
  return encodeArray([C2S.SHARE, u32(req), String(badgeId)]);
}
export function encodeUnshare(req, badgeId) {
  return encodeArray([C2S.UNSHARE, u32(req), String(badgeId)]);
}
export function encodeErase(req) {
  return encodeArray([C2S.ERASE, u32(req)]);
}

// Classes (docs/PROTOCOL.md §3, "Classes").
export function encodeClassCreate(req, name, level) {
  return encodeArray([C2S.CLASS_CREATE, u32(req), String(name), String(level)]);
}
export function encodeClassJoin(req, code) {
  return encodeArray([C2S.CLASS_JOIN, u32(req), String(code)]);
}
export function encodeClassList(req) {
  return encodeArray([C2S.CLASS_LIST, u32(req)]);
}
export function encodeClassOpen(req, classId) {
  return encodeArray([C2S.CLASS_OPEN, u32(req), u32(classId)]);
}
/** CLASS_ROUTE: a ready-made route's id (hotspots empty), or an ordered list of hotspot ids (route ""). */
export function encodeClassRoute(req, classId, routeId, hotspots = []) {
  return encodeArray([C2S.CLASS_ROUTE, u32(req), u32(classId), String(routeId || ""), hotspots.map(String)]);
}
/** CLASS_ORDER: one of ORDER; seconds for a pause (0: the longest). */
export function encodeClassOrder(req, classId, order, seconds = 0) {
  return encodeArray([C2S.CLASS_ORDER, u32(req), u32(classId), order >>> 0, seconds >>> 0]);
}
export function encodeClassLeave(req) {
  return encodeArray([C2S.CLASS_LEAVE, u32(req)]);
}

// Chat and moderation (docs/PROTOCOL.md §9).
export function encodeChatSay(req, channel, text) {
  return encodeArray([C2S.CHAT_SAY, u32(req), channel >>> 0, String(text)]);
}
export function encodeChatQuick(req, channel, phrase) {
  return encodeArray([C2S.CHAT_QUICK, u32(req), channel >>> 0, phrase >>> 0]);
}
/** CHAT_REPORT: a message (its id and author) or an avatar (messageId 0). */
export function encodeChatReport(req, messageId, avatarId, reason) {
  return encodeArray([C2S.CHAT_REPORT, u32(req), u53(messageId), u32(avatarId), reason >>> 0]);
}
export function encodeChatClass(req, classOn, nearbyFree) {
  return encodeArray([C2S.CHAT_CLASS, u32(req), classOn === true, nearbyFree === true]);
}
/** MODERATE: one of ACTION; seconds for a mute (0: ten minutes). */
export function encodeModerate(req, action, avatarId = 0, messageId = 0, reportId = 0, seconds = 0) {
  return encodeArray([C2S.MODERATE, u32(req), action >>> 0, u32(avatarId), u53(messageId), u53(reportId), seconds >>> 0]);
}

// ---------------------------------------------------------------- decoding

// Bounded decoder: a server message is never deep nor huge, refuse otherwise.
const decoder = new Decoder({
  maxStrLength: 1 << 16,
  maxBinLength: 1 << 22,
  maxArrayLength: 1 << 16,
  maxMapLength: 256,
  maxExtLength: 0,
});

/** Decodes one msgpack value (used by tests and by decodeServer). */
export function decodeValue(bytes) {
  return decoder.decode(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes);
}

const isArr = Array.isArray;
const num = (v, d = 0) => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : d);
const str = (v) => (typeof v === "string" ? v : "");
const bin = (v) => (v instanceof Uint8Array ? v : new Uint8Array(0));

/** The walking speed of a server whose WELCOME has no max_speed (m/s). */
export const DEFAULT_MAX_SPEED = 5;

// Forward compatibility (docs/PROTOCOL.md §4), as in the Go decoder: an
// array must hold every required field of its message, record or event
// (fewer is a ProtocolError); optional trailing fields that are missing take
// their defaults (WELCOME's max_speed: 5); elements beyond the known fields
// are ignored, and so are unknown event kinds and message types.

/** Throws unless the array a holds at least n elements. */
function need(a, n, what) {
  if (!isArr(a) || a.length < n) throw new ProtocolError(`${what} has ${isArr(a) ? a.length : "no"} elements, needs ${n}`);
  return a;
}

/**
 * Decodes a server message. Returns {type: "welcome"|"update", ...} or
 * {type: "unknown", code} for a type this client does not know.
 */
export function decodeServer(bytes) {
  const v = decodeValue(bytes);
  if (!isArr(v) || v.length === 0) throw new ProtocolError("server message is not an array");
  const code = num(v[0], -1);
  if (code === S2C.WELCOME) return decodeWelcome(v);
  if (code === S2C.UPDATE) return decodeUpdate(v);
  return { type: "unknown", code };
}

function decodeWelcome(v) {
  need(v, 9, "WELCOME");
  const speed = num(v[9], DEFAULT_MAX_SPEED); // optional: servers before it send 9 elements
  return {
    type: "welcome",
    sessionId: str(v[1]),
    resumeToken: str(v[2]),
    selfId: num(v[3]),
    tickHz: num(v[4], 20) || 20,
    zoneId: str(v[5]),
    build: str(v[6]),
    pseudonym: str(v[7]),
    resumed: v[8] === true,
    maxSpeed: speed > 0 && Number.isFinite(speed) ? speed : DEFAULT_MAX_SPEED,
  };
}

function decodeUpdate(v) {
  need(v, 11, "UPDATE");
  const enters = [];
  for (const e of isArr(v[6]) ? v[6] : []) {
    need(e, 5, "enter");
    enters.push({
      id: num(e[0]), pseudonym: str(e[1]), x: num(e[2]), y: num(e[3]), role: num(e[4]),
      colour: look(e[5], COLOURS), shape: look(e[6], SHAPES),
    });
  }
  const leaves = (isArr(v[7]) ? v[7] : []).map((id) => num(id));
  const events = [];
  for (const e of isArr(v[8]) ? v[8] : []) {
    const ev = decodeEvent(e);
    if (ev) events.push(ev);
  }
  return {
    type: "update",
    tick: num(v[1]),
    ack: num(v[2]),
    selfX: num(v[3]),
    selfY: num(v[4]),
    moves: bin(v[5]),
    enters,
    leaves,
    events,
    crowd: num(v[9]),
    online: num(v[10]),
  };
}

const arr = (v) => (isArr(v) ? v : []);
const strs = (v) => arr(v).map(str);
const nums = (v) => arr(v).map((n) => num(n));

/** A nested record: null when absent or empty, else checked for its n required fields. */
function record(v, n, what) {
  if (!isArr(v) || v.length === 0) return null;
  return need(v, n, what);
}

/** HOTSPOT_CONTENT's public form; the fields after viewers are optional (empty when absent). */
function decodeContent(e) {
  need(e, 9, "HOTSPOT_CONTENT");
  const sp = record(e[14], 5, "speaker");
  const av = record(e[16], 4, "av");
  const qn = record(e[18], 2, "questionnaire");
  return {
    kind: "content", req: num(e[1]), hotspotId: str(e[2]), title: str(e[3]), text: str(e[4]),
    media: str(e[5]), challenge: str(e[6]), boothId: str(e[7]), viewers: num(e[8]),
    contentKind: str(e[9]), points: num(e[10]), seen: e[11] === true, readingMs: num(e[12]), alt: str(e[13]),
    speaker: sp && { name: str(sp[0]), gender: str(sp[1]), role: str(sp[2]), job: str(sp[3]), age: num(sp[4]) },
    steps: arr(e[15]).map((st) => {
      need(st, 3, "step");
      return { src: str(st[0]), alt: str(st[1]), caption: str(st[2]) };
    }),
    av: av && { src: str(av[0]), captions: str(av[1]), poster: str(av[2]), posterAlt: str(av[3]) },
    questions: arr(e[17]).map((q) => {
      need(q, 5, "question");
      const a = record(q[4], 3, "answer");
      return {
        prompt: str(q[0]), multiple: q[1] === true, choices: strs(q[2]), points: num(q[3]),
        answer: a && { right: a[0] === true, rightChoices: nums(a[1]), explanation: str(a[2]) },
      };
    }),
    questionnaire: qn && {
      results: num(qn[0]),
      questions: arr(qn[1]).map((q) => {
        need(q, 2, "questionnaire question");
        return { prompt: str(q[0]), choices: strs(q[1]) };
      }),
    },
  };
}

function decodeBadge(b) {
  need(b, 4, "badge");
  return { id: str(b[0]), title: str(b[1]), description: str(b[2]), earnedAt: num(b[3]) };
}

/** Decodes one event array; returns null for unknown kinds, throws for a short known one. */
export function decodeEvent(e) {
  need(e, 1, "event");
  switch (num(e[0], -1)) {
    case EVENT.HOTSPOT_CONTENT:
      return decodeContent(e);
    case EVENT.HOTSPOT_DISCOVERED:
      need(e, 4, "HOTSPOT_DISCOVERED");
      return { kind: "discovered", hotspotId: str(e[1]), avatarId: num(e[2]), pseudonym: str(e[3]) };
    case EVENT.HOTSPOT_VIEWERS:
      need(e, 3, "HOTSPOT_VIEWERS");
      return { kind: "viewers", hotspotId: str(e[1]), viewers: num(e[2]) };
    case EVENT.ERROR:
      need(e, 4, "ERROR");
      return { kind: "error", code: num(e[1]), ref: num(e[2]), message: str(e[3]) };
    case EVENT.PATH: {
      need(e, 3, "PATH");
      const flat = isArr(e[2]) ? e[2].map((n) => num(n)) : [];
      const points = [];
      for (let i = 0; i + 1 < flat.length; i += 2) points.push({ x: flat[i], y: flat[i + 1] });
      return { kind: "path", seq: num(e[1]), points };
    }
    case EVENT.ANSWER_RESULT:
      need(e, 8, "ANSWER_RESULT");
      return {
        kind: "answer", req: num(e[1]), hotspotId: str(e[2]), question: num(e[3]), right: e[4] === true,
        rightChoices: nums(e[5]), explanation: str(e[6]), points: num(e[7]),
      };
    case EVENT.QUESTIONNAIRE_RESULT:
      need(e, 4, "QUESTIONNAIRE_RESULT");
      return {
        kind: "jobs", req: num(e[1]), hotspotId: str(e[2]),
        jobs: arr(e[3]).map((j) => {
          need(j, 4, "job");
          return { id: str(j[0]), feminine: str(j[1]), masculine: str(j[2]), description: str(j[3]) };
        }),
      };
    case EVENT.PROGRESS:
      need(e, 9, "PROGRESS");
      return {
        kind: "progress", full: e[1] === true, points: num(e[2]),
        challenges: arr(e[3]).map((c) => {
          need(c, 3, "challenge");
          return { challenge: str(c[0]), seen: num(c[1]), total: num(c[2]) };
        }),
        seen: strs(e[4]), badges: arr(e[5]).map(decodeBadge), key: str(e[6]), quizRight: num(e[7]), quizTotal: num(e[8]),
      };
    case EVENT.BADGE:
      need(e, 5, "BADGE");
      return { kind: "badge", ...decodeBadge(e.slice(1)) };
    case EVENT.BADGE_NOTICE:
      need(e, 5, "BADGE_NOTICE");
      return { kind: "badgeNotice", avatarId: num(e[1]), pseudonym: str(e[2]), badge: str(e[3]), title: str(e[4]) };
    case EVENT.LEADERBOARD:
      need(e, 7, "LEADERBOARD");
      return {
        kind: "leaderboard", req: num(e[1]), scope: num(e[2]),
        top: arr(e[3]).map((t) => {
          need(t, 3, "leaderboard entry");
          return { rank: num(t[0]), pseudonym: str(t[1]), points: num(t[2]) };
        }),
        rank: num(e[4]), points: num(e[5]), players: num(e[6]),
      };
    case EVENT.SHARE_LINK:
      need(e, 4, "SHARE_LINK");
      return { kind: "share", req: num(e[1]), badge: str(e[2]), path: str(e[3]) };
    default:
      return decodeClassEvent(e);
  }
}

// Class events (docs/PROTOCOL.md §5, "Classes"); positions stay quantised, like enters.
function decodeClassEvent(e) {
  switch (num(e[0], -1)) {
    case EVENT.ROLE:
      need(e, 4, "ROLE");
      return { kind: "role", role: num(e[1]), name: str(e[2]), booth: str(e[3]) };
    case EVENT.CLASS:
      need(e, 12, "CLASS");
      return {
        kind: "class", req: num(e[1]), classId: num(e[2]), name: str(e[3]), level: str(e[4]), teacher: str(e[5]),
        code: str(e[6]), closed: e[7] === true, route: str(e[8]),
        steps: arr(e[9]).map((st) => {
          need(st, 3, "route step");
          return { hotspot: str(st[0]), x: num(st[1]), y: num(st[2]) };
        }),
        pupils: num(e[10]), done: num(e[11]),
      };
    case EVENT.CLASSES:
      need(e, 4, "CLASSES");
      return {
        kind: "classes", req: num(e[1]),
        classes: arr(e[2]).map((c) => {
          need(c, 6, "class");
          return { classId: num(c[0]), name: str(c[1]), level: str(c[2]), code: str(c[3]), closed: c[4] === true, pupils: num(c[5]) };
        }),
        routes: arr(e[3]).map((r) => {
          need(r, 3, "ready-made route");
          return { id: str(r[0]), title: str(r[1]), hotspots: strs(r[2]) };
        }),
      };
    case EVENT.MEMBERS:
      need(e, 3, "MEMBERS");
      return {
        kind: "members", full: e[1] === true,
        members: arr(e[2]).map((m) => {
          need(m, 9, "member");
          const flags = num(m[8]);
          return {
            member: num(m[0]), avatarId: num(m[1]), pseudonym: str(m[2]), x: num(m[3]), y: num(m[4]), role: num(m[5]),
            steps: num(m[6]), points: num(m[7]), flags,
            online: (flags & MEMBER.ONLINE) !== 0, following: (flags & MEMBER.FOLLOWING) !== 0,
            done: (flags & MEMBER.DONE) !== 0, gone: (flags & MEMBER.GONE) !== 0,
          };
        }),
      };
    case EVENT.ROUTE_STEP: {
      need(e, 7, "ROUTE_STEP");
      const flat = nums(e[6]);
      if (flat.length % 2) throw new ProtocolError("ROUTE_STEP has an odd number of coordinates");
      const path = [];
      for (let i = 0; i + 1 < flat.length; i += 2) path.push({ x: flat[i], y: flat[i + 1] });
      return { kind: "routeStep", steps: num(e[1]), total: num(e[2]), hotspot: str(e[3]), x: num(e[4]), y: num(e[5]), path };
    }
    case EVENT.CLASS_ORDER:
      need(e, 6, "CLASS_ORDER");
      return { kind: "order", req: num(e[1]), order: num(e[2]), active: e[3] === true, seconds: num(e[4]), teacher: num(e[5]) };
    default:
      return decodeChatEvent(e);
  }
}

/** A CHAT's fields from index `at` on (an event without its kind, or a report's evidence record). */
function chatFields(a, at) {
  return {
    messageId: num(a[at]), channel: num(a[at + 1]), avatarId: num(a[at + 2]), pseudonym: str(a[at + 3]),
    role: num(a[at + 4]), text: str(a[at + 5]), phrase: num(a[at + 6]), at: num(a[at + 7]), past: a[at + 8] === true,
  };
}

// Chat events (docs/PROTOCOL.md §9).
function decodeChatEvent(e) {
  switch (num(e[0], -1)) {
    case EVENT.CHAT:
      need(e, 10, "CHAT");
      return { kind: "chat", ...chatFields(e, 1) };
    case EVENT.CHAT_REMOVED:
      need(e, 2, "CHAT_REMOVED");
      return { kind: "chatRemoved", messageId: num(e[1]) };
    case EVENT.CHAT_STATE:
      need(e, 4, "CHAT_STATE");
      return { kind: "chatState", classOn: e[1] === true, nearbyFree: e[2] === true, mutedUntil: num(e[3]) };
    case EVENT.CHAT_BLOCKED: {
      need(e, 4, "CHAT_BLOCKED");
      const reason = str(e[2]);
      return { kind: "chatBlocked", req: num(e[1]), reason: BLOCK_REASONS.includes(reason) ? reason : "other", hint: str(e[3]) };
    }
    case EVENT.REPORT:
      need(e, 9, "REPORT");
      return {
        kind: "report", reportId: num(e[1]), reason: num(e[2]), at: num(e[3]), reporter: str(e[4]),
        avatarId: num(e[5]), pseudonym: str(e[6]), messageId: num(e[7]),
        evidence: arr(e[8]).map((r) => chatFields(need(r, 9, "evidence"), 0)),
      };
    case EVENT.REPORT_CLOSED:
      need(e, 2, "REPORT_CLOSED");
      return { kind: "reportClosed", reportId: num(e[1]) };
    case EVENT.MODERATED:
      need(e, 3, "MODERATED");
      return { kind: "moderated", req: num(e[1]), action: num(e[2]) };
    default:
      return null;
  }
}

// ---------------------------------------------------------------- MOVES

/**
 * Decodes the MOVES binary against `view` (Map id -> object with x, y, the
 * last quantised position received). Mutates the view entries and calls
 * onMove(id, entry) for each record. Returns the number of records.
 * Throws ProtocolError on a truncated buffer or an id the view does not hold.
 */
export function applyMoves(bytes, view, onMove) {
  let off = 0;
  const n = bytes.length;
  const uvarint = () => {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (off >= n) throw new ProtocolError("truncated varint in moves");
      const b = bytes[off++];
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    throw new ProtocolError("varint too long in moves");
  };
  // Zigzag decode without 32-bit overflow: u even -> u/2, odd -> -(u+1)/2.
  const zigzag = () => {
    const u = uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  };
  let id = 0;
  let count = 0;
  while (off < n) {
    id += uvarint();
    const dx = zigzag();
    const dy = zigzag();
    const entry = view.get(id);
    if (!entry) throw new ProtocolError(`move for unknown avatar ${id}`);
    entry.x += dx;
    entry.y += dy;
    count++;
    if (onMove) onMove(id, entry);
  }
  return count;
}

/**
 * Applies a decoded UPDATE to `view` in the protocol's order: leaves, enters,
 * then moves. New entries are created by makeEntry(enter) (default: a copy of
 * the enter). Hooks: onLeave(id, entry), onEnter(entry), onMove(id, entry).
 */
export function applyUpdate(view, upd, hooks = {}) {
  for (const id of upd.leaves) {
    const entry = view.get(id);
    if (entry) {
      view.delete(id);
      if (hooks.onLeave) hooks.onLeave(id, entry);
    }
  }
  for (const e of upd.enters) {
    const entry = hooks.makeEntry ? hooks.makeEntry(e) : { ...e };
    view.set(e.id, entry);
    if (hooks.onEnter) hooks.onEnter(entry);
  }
  applyMoves(upd.moves, view, hooks.onMove);
}
