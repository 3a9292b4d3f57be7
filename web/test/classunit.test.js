// Unit checks of the class code that needs no browser: the staff link's
// token taken out of the address, the ticket exchange's answers, the join
// code typed by a pupil, the ready-made route and the arrow to a step.
import { test } from "node:test";
import assert from "node:assert/strict";
import { takeStaffToken, forgetStaffToken, fetchTicket, STORE_STAFF } from "../src/staff.js";
import { readyRoute, wayTo } from "../src/classroute.js";

function fakeStore() {
  const m = new Map();
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), removeItem: (k) => m.delete(k), m };
}
function fakeLocation(hash) {
  const calls = [];
  const loc = { pathname: "/classe", search: "?quality=low", hash };
  const hist = { state: null, replaceState: (s, t, url) => { calls.push(url); loc.hash = url.includes("#") ? url.slice(url.indexOf("#")) : ""; } };
  return { loc, hist, calls };
}

test("the staff token leaves the address bar and stays in the tab's session storage", () => {
  const tok = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ0LTAwNDIifQ.c2lnbmF0dXJl";
  const { loc, hist, calls } = fakeLocation(`#staff=${tok}`);
  const store = fakeStore();
  assert.equal(takeStaffToken(loc, hist, store), tok);
  assert.deepEqual(calls, ["/classe?quality=low"], "replaced, not pushed, without the fragment");
  assert.equal(store.getItem(STORE_STAFF), tok);
  // A reload of the tab: no fragment, the token is the tab's.
  assert.equal(takeStaffToken(loc, hist, store), tok);
  assert.equal(calls.length, 1, "nothing to remove the second time");
  // Other fragment parts stay; a token of strange characters is not kept.
  const other = fakeLocation("#staff=<script>&x=1");
  const s2 = fakeStore();
  assert.equal(takeStaffToken(other.loc, other.hist, s2), "");
  assert.deepEqual(other.calls, ["/classe?quality=low#x=1"]);
  assert.equal(s2.getItem(STORE_STAFF), null);
  forgetStaffToken(store);
  assert.equal(takeStaffToken(fakeLocation("").loc, hist, store), "");
});

test("the ticket exchange: the token in the Authorization header, each refusal a kind", async () => {
  const answer = (status, body) => async (path, init) => {
    answer.last = { path, init };
    return { status, ok: status >= 200 && status < 300, json: async () => body };
  };
  let f = answer(200, { ticket: "Tk7pQ2vX9mR4sL8wN3bY6cF1", expires_in: 60, role: "teacher", role_code: 2, name: "Mme Durand", booth: "" });
  const t = await fetchTicket("tok.en.sig", { fetchFn: f });
  assert.deepEqual(t, { ticket: "Tk7pQ2vX9mR4sL8wN3bY6cF1", role: "teacher", roleCode: 2, name: "Mme Durand", booth: "" });
  assert.equal(answer.last.path, "/api/staff/ticket");
  assert.equal(answer.last.init.method, "POST");
  assert.equal(answer.last.init.headers.Authorization, "Bearer tok.en.sig");
  assert.ok(!answer.last.path.includes("tok.en.sig"), "never in the URL");
  const kind = async (status, body) => {
    try {
      await fetchTicket("x", { fetchFn: answer(status, body) });
    } catch (err) {
      return [err.kind, err.code, err.text];
    }
    return null;
  };
  assert.deepEqual(await kind(401, { error: "token_expired", message: "Ce lien a expiré." }), ["refused", "token_expired", "Ce lien a expiré."]);
  assert.deepEqual(await kind(401, { error: "token_revoked", message: "" }), ["refused", "token_revoked", ""]);
  assert.deepEqual(await kind(403, { error: "wrong_role" }), ["refused", "wrong_role", ""]);
  assert.deepEqual(await kind(404, { error: "staff_disabled" }), ["disabled", "staff_disabled", ""]);
  assert.deepEqual(await kind(429, { error: "rate_limited" }), ["retry", "rate_limited", ""]);
  assert.deepEqual(await kind(503, { error: "unavailable" }), ["retry", "unavailable", ""]);
  assert.deepEqual(await kind(200, { ticket: "x".repeat(65) }), ["retry", "no_ticket", ""]);
  const down = async () => { throw new TypeError("Failed to fetch"); };
  await assert.rejects(fetchTicket("x", { fetchFn: down }), (err) => err.kind === "retry");
});

test("a ready-made route: the challenge's hotspots, nearest first from the spawn", () => {
  const zone = {
    spawn: { x: 0, y: 0, w: 2, h: 2 },
    hotspots: [
      { id: "a", challenge: "inclusion", x: 50, y: 0 },
      { id: "b", challenge: "inclusion", x: 10, y: 0 },
      { id: "c", challenge: "innovation", x: 2, y: 2 },
      { id: "d", challenge: "inclusion", x: 30, y: 0 },
    ],
  };
  assert.deepEqual(readyRoute(zone, "inclusion"), ["b", "d", "a"]);
  assert.deepEqual(readyRoute(zone, "inclusion", 2), ["b", "d"]);
  assert.deepEqual(readyRoute(zone, "nothing"), []);
});

test("the arrow to the next step points where the step is on screen", () => {
  const deg = (r) => Math.round((r * 180) / Math.PI) + 0; // + 0: no -0
  // Camera looking north (azimuth 0): a step to the north is straight up, east is right.
  assert.equal(deg(wayTo(10, 10, { x: 10, y: 0 }).angle), 0);
  assert.equal(deg(wayTo(10, 10, { x: 20, y: 10 }).angle), 90);
  assert.equal(Math.abs(deg(wayTo(10, 10, { x: 10, y: 20 }).angle)), 180);
  assert.equal(deg(wayTo(10, 10, { x: 0, y: 10 }).angle), -90);
  // Camera turned to look west (azimuth +90°): a step to the west is up, north is right.
  assert.equal(deg(wayTo(10, 10, { x: 0, y: 10 }, Math.PI / 2).angle), 0);
  assert.equal(deg(wayTo(10, 10, { x: 10, y: 0 }, Math.PI / 2).angle), 90);
  assert.equal(Math.round(wayTo(0, 0, { x: 3, y: 4 }).dist), 5);
});
