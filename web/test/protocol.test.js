// Codec tests: every vector of protocol/testdata/vectors.json, plus edge cases.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { encode } from "@msgpack/msgpack";
import {
  encodeHello, encodeMove, encodeGoto, encodeOpenHotspot, encodeCloseHotspot,
  encodeAnswer, encodeQuestionnaire, encodeGetProgress, encodeGetLeaderboard, encodeShare, encodeUnshare, encodeErase,
  encodeClassCreate, encodeClassJoin, encodeClassList, encodeClassOpen, encodeClassRoute, encodeClassOrder, encodeClassLeave,
  encodeChatSay, encodeChatQuick, encodeChatReport, encodeChatClass, encodeModerate,
  decodeServer, decodeValue, applyUpdate, applyMoves, ProtocolError, DEFAULT_MAX_SPEED,
} from "../src/protocol.js";
import { World } from "../src/world.js";

const vectors = JSON.parse(
  readFileSync(new URL("../../protocol/testdata/vectors.json", import.meta.url), "utf8"),
);
const hex = (u8) => Buffer.from(u8).toString("hex");
const unhex = (h) => new Uint8Array(Buffer.from(h, "hex"));

// The vectors write bin fields as hex strings; turn decoded values into that form.
function normalise(v) {
  if (v instanceof Uint8Array) return hex(v);
  if (Array.isArray(v)) return v.map(normalise);
  return v;
}

function encodeC2S(value) {
  const [type, ...a] = value;
  switch (type) {
    case 1: return encodeHello(a[0], a[1], a[2], a[3], a[4], a[5]);
    case 2: return encodeMove(a[0], a[1], a[2]);
    case 3: return encodeGoto(a[0], a[1], a[2]);
    case 4: return encodeOpenHotspot(a[0], a[1]);
    case 5: return encodeCloseHotspot(a[0]);
    case 6: return encodeAnswer(a[0], a[1], a[2], a[3]);
    case 7: return encodeQuestionnaire(a[0], a[1], a[2]);
    case 8: return encodeGetProgress(a[0]);
    case 9: return encodeGetLeaderboard(a[0], a[1]);
    case 10: return encodeShare(a[0], a[1]);
    case 11: return encodeUnshare(a[0], a[1]);
    case 12: return encodeErase(a[0]);
    case 13: return encodeClassCreate(a[0], a[1], a[2]);
    case 14: return encodeClassJoin(a[0], a[1]);
    case 15: return encodeClassList(a[0]);
    case 16: return encodeClassOpen(a[0], a[1]);
    case 17: return encodeClassRoute(a[0], a[1], a[2], a[3]);
    case 18: return encodeClassOrder(a[0], a[1], a[2], a[3]);
    case 19: return encodeClassLeave(a[0]);
    case 20: return encodeChatSay(a[0], a[1], a[2]);
    case 21: return encodeChatQuick(a[0], a[1], a[2]);
    case 22: return encodeChatReport(a[0], a[1], a[2], a[3]);
    case 23: return encodeChatClass(a[0], a[1], a[2]);
    case 24: return encodeModerate(a[0], a[1], a[2], a[3], a[4], a[5]);
    default: throw new Error(`no encoder for ${type}`);
  }
}

test("vectors file is present and non-trivial", () => {
  assert.ok(vectors.length >= 10);
  assert.ok(vectors.some((v) => v.dir === "c2s"));
  assert.ok(vectors.some((v) => v.dir === "s2c"));
});

for (const vec of vectors) {
  test(`vector ${vec.name} (${vec.dir})`, () => {
    const bytes = unhex(vec.hex);
    // The raw msgpack value always matches (bins as hex).
    assert.deepEqual(normalise(decodeValue(bytes)), vec.value);

    if (vec.dir === "c2s") {
      if (vec.decode_only) return; // another version's message: the page does not decode c2s
      const out = encodeC2S(vec.value);
      assert.deepEqual(normalise(decodeValue(out)), vec.value, "encoded value round-trips");
      assert.equal(hex(out), vec.hex, "encoder output is byte-identical");
      return;
    }

    const msg = decodeServer(bytes);
    const v = vec.value;
    if (v[0] === 64) {
      assert.deepEqual(msg, {
        type: "welcome", sessionId: v[1], resumeToken: v[2], selfId: v[3], tickHz: v[4],
        zoneId: v[5], build: v[6], pseudonym: v[7], resumed: v[8],
        maxSpeed: v.length > 9 ? v[9] : 5, // optional: missing means 5 m/s
      });
      return;
    }
    assert.equal(msg.type, "update");
    assert.equal(msg.tick, v[1]);
    assert.equal(msg.ack, v[2]);
    assert.equal(msg.selfX, v[3]);
    assert.equal(msg.selfY, v[4]);
    assert.equal(hex(msg.moves), v[5]);
    assert.deepEqual(msg.enters, v[6].map(([id, pseudonym, x, y, role, colour = 0, shape = 0]) => ({ id, pseudonym, x, y, role, colour, shape })));
    assert.deepEqual(msg.leaves, v[7]);
    const known = v[8].filter((e) => (e[0] >= 1 && e[0] <= 18) || (e[0] >= 20 && e[0] <= 26));
    assert.equal(msg.events.length, known.length, "every known event kind is decoded, unknown ones skipped");
    if (!vec.decode_only) assert.equal(known.length, v[8].length, "the encoder writes known kinds only");
    assert.equal(msg.crowd, v[9]);
    assert.equal(msg.online, v[10]);

    // Apply to the view the vector starts from; check the resulting positions.
    const view = new Map((vec.view_before || []).map(([id, x, y]) => [id, { id, x, y }]));
    const order = [];
    applyUpdate(view, msg, {
      onLeave: (id) => order.push(`leave:${id}`),
      onEnter: (e) => order.push(`enter:${e.id}`),
      onMove: (id) => order.push(`move:${id}`),
    });
    if (vec.moves) {
      for (const [id, x, y] of vec.moves) {
        assert.deepEqual({ x: view.get(id).x, y: view.get(id).y }, { x, y }, `avatar ${id}`);
      }
    }
    for (const id of v[7]) assert.ok(!view.has(id), `left avatar ${id} removed`);
    for (const [id, , x, y] of v[6]) assert.deepEqual([view.get(id).x, view.get(id).y], [x, y]);
    // leaves come before enters, enters before moves.
    const kinds = order.map((s) => s.split(":")[0]);
    const rank = { leave: 0, enter: 1, move: 2 };
    for (let i = 1; i < kinds.length; i++) assert.ok(rank[kinds[i - 1]] <= rank[kinds[i]]);
  });
}

test("update_leave_events decodes each event kind", () => {
  const vec = vectors.find((v) => v.name === "update_leave_events");
  const msg = decodeServer(unhex(vec.hex));
  assert.deepEqual(msg.events, [
    {
      kind: "content", req: 3, hotspotId: "h-042", title: "La centrale marémotrice",
      text: "La marée fait tourner les turbines.", media: "/media/developpement-durable.svg",
      challenge: "developpement-durable", boothId: "b-07", viewers: 2,
      contentKind: "", points: 0, seen: false, readingMs: 0, alt: "",
      speaker: null, steps: [], av: null, questions: [], questionnaire: null,
    },
    { kind: "discovered", hotspotId: "h-042", avatarId: 9, pseudonym: "Inès" },
    { kind: "viewers", hotspotId: "h-042", viewers: 2 },
    { kind: "error", code: 5, ref: 4, message: "too far from hotspot h-043" },
    { kind: "path", seq: 9, points: [{ x: 1940, y: 1024 }, { x: 1928, y: 1100 }] },
  ]);
});

test("trailing fields and unknown events are ignored", () => {
  const bytes = encode([
    65, 10, 2, 100, 200, new Uint8Array(0),
    [[7, "Zoé", 50, 60, 2, "future-field"]], [], [[99, "x"], [3, "h-001", 4, "extra"]], 1, 5, "extra",
  ]);
  const msg = decodeServer(bytes);
  assert.deepEqual(msg.enters, [{ id: 7, pseudonym: "Zoé", x: 50, y: 60, role: 2, colour: 0, shape: 0 }]);
  assert.deepEqual(msg.events, [{ kind: "viewers", hotspotId: "h-001", viewers: 4 }]);
  const w = decodeServer(encode([64, "s", "t", 3, 20, "z", "b", "P", true, "more"]));
  assert.equal(w.resumed, true);
  assert.equal(w.selfId, 3);
});

test("missing required fields are errors; a missing max_speed is 5", () => {
  const welcome = [64, "s", "t", 3, 20, "z", "b", "P", false];
  assert.equal(decodeServer(encode(welcome)).maxSpeed, DEFAULT_MAX_SPEED);
  assert.equal(decodeServer(encode([...welcome, 8])).maxSpeed, 8);
  assert.equal(decodeServer(encode([...welcome, 2.5, "later"])).maxSpeed, 2.5);
  assert.equal(decodeServer(encode([...welcome, -1])).maxSpeed, DEFAULT_MAX_SPEED, "not a speed: the default");
  assert.throws(() => decodeServer(encode(welcome.slice(0, 8))), ProtocolError);
  const upd = (enters, events) => encode([65, 1, 0, 1, 1, new Uint8Array(0), enters, [], events, 0, 1]);
  assert.throws(() => decodeServer(upd([[7, "Zoé", 50, 60]], [])), ProtocolError, "enter without role");
  assert.throws(() => decodeServer(upd([], [[3, "h-001"]])), ProtocolError, "HOTSPOT_VIEWERS without viewers");
  assert.throws(() => decodeServer(encode([65, 1, 0, 1, 1, new Uint8Array(0), [], [], [], 0])), ProtocolError);
  assert.deepEqual(decodeServer(upd([], [[99]])).events, [], "an unknown kind needs no fields");
});

test("the page predicts at the server's max_speed", () => {
  for (const maxSpeed of [undefined, 5, 8, 12.5]) {
    const w = new World(null);
    const welcome = decodeServer(encode([64, "s", "t", 3, 20, "z", "b", "P", false, ...(maxSpeed ? [maxSpeed] : [])]));
    w.welcome(welcome);
    w.update(decodeServer(encode([65, 1, 0, 1600, 1600, new Uint8Array(0), [], [], [], 0, 1])), 0);
    assert.equal(w.self.x, 100);
    w.setIntent({ kind: "move", dx: 1, dy: 0, seq: 1 }, 0);
    for (let t = 1; t <= 50; t++) w.step(0.02, t * 20); // 1 s
    assert.ok(Math.abs(w.self.x - (100 + (maxSpeed || 5))) < 1e-9, `at ${maxSpeed}: x = ${w.self.x}`);
    // A GOTO path is followed at the same speed.
    w.path(1, [{ x: 16 * 200, y: 1600 }]);
    const x0 = w.self.x;
    for (let t = 51; t <= 100; t++) w.step(0.02, t * 20);
    assert.ok(Math.abs(w.self.x - x0 - (maxSpeed || 5)) < 1e-9, `path at ${maxSpeed}: ${w.self.x - x0}`);
  }
});

test("enter looks: 5-element records, out-of-range indexes and later fields", () => {
  const bytes = encode([
    65, 10, 2, 100, 200, new Uint8Array(0),
    [[7, "Zoé", 50, 60, 2], [8, "Tom", 1, 2, 0, 7, 3], [9, "Inès", 1, 2, 1, 8, 4, "later"], [10, "Léo", 1, 2, 0, -1, 1.5]],
    [], [], 0, 5,
  ]);
  const looks = decodeServer(bytes).enters.map((e) => [e.id, e.colour, e.shape]);
  assert.deepEqual(looks, [[7, 0, 0], [8, 7, 3], [9, 0, 0], [10, 0, 0]]);
});

test("HELLO: the default look is the 3-element form; indexes outside the sets become 0", () => {
  assert.equal(hex(encodeHello("Léa", "")), "9301a44cc3a961a0");
  assert.deepEqual(decodeValue(encodeHello("Léa", "", 3, 1)), [1, "Léa", "", 3, 1]);
  assert.deepEqual(decodeValue(encodeHello("Léa", "t", 0, 2)), [1, "Léa", "t", 0, 2]);
  assert.deepEqual(decodeValue(encodeHello("Léa", "", 9, 4)), [1, "Léa", ""]);
});

test("integers in any msgpack encoding", () => {
  // uint64 tick, int8 ack, uint32 positions, float online.
  const raw = unhex(
    "9b41" + "cf00000000000004b0" + "d007" + "ce00000788" + "d10406" + "c400" + "909090" + "00" + "cb4000000000000000",
  );
  const msg = decodeServer(raw);
  assert.equal(msg.tick, 1200);
  assert.equal(msg.ack, 7);
  assert.equal(msg.selfX, 1928);
  assert.equal(msg.selfY, 1030);
  assert.equal(msg.online, 2);
});

test("moves: large ids and deltas, unknown id and truncation", () => {
  const view = new Map([[1_000_000, { x: 4000, y: 10 }], [1_000_001, { x: 0, y: 65535 }]]);
  // id 1_000_000 = uvarint c0 84 3d; dx -4000 -> zigzag 7999 = bf 3e; dy +5 -> 10 = 0a
  // id +1 = 01; dx +65535 -> 131070 = fe ff 07; dy -65535 -> 131069 = fd ff 07
  applyMoves(unhex("c0843dbf3e0a01feff07fdff07"), view);
  assert.deepEqual(view.get(1_000_000), { x: 0, y: 15 });
  assert.deepEqual(view.get(1_000_001), { x: 65535, y: 0 });
  assert.throws(() => applyMoves(unhex("020000"), new Map()), ProtocolError);
  assert.throws(() => applyMoves(unhex("0180"), new Map([[1, { x: 0, y: 0 }]])), ProtocolError);
});

test("unknown server message types are reported, not thrown", () => {
  assert.deepEqual(decodeServer(encode([66, "x"])), { type: "unknown", code: 66 });
  assert.throws(() => decodeServer(encode({ a: 1 })), ProtocolError);
});

test("encoders produce float64 coordinates even for integral values", () => {
  assert.equal(hex(encodeGoto(1, 120, 64)), "940301cb405e000000000000cb4050000000000000");
  assert.equal(hex(encodeMove(0x1_0000_0001, 1, 0)).slice(0, 6), "940201");
});

// Close 4014 (shared presence unavailable, docs/PROTOCOL.md §6): the page
// says so in French and retries after a random 5-15 s.
test("close 4014: a French notice and a retry in 5-15 s", async () => {
  const { closeInfo } = await import("../src/texts.js");
  const info = closeInfo(4014, "Le salon est momentanément indisponible : nouvel essai dans quelques secondes.");
  assert.equal(info.action, "delay");
  assert.equal(info.min, 5);
  assert.equal(info.max, 15);
  assert.match(info.text, /indisponible/);
});

test("remote avatars walk smoothly at the message budget's rates (every tick near, every 4th far)", () => {
  for (const [every, jitter] of [[1, 8], [4, 20]]) {
    const w = new World(null);
    w.welcome(decodeServer(encode([64, "s", "t", 3, 20, "z", "b", "P", false, 4])));
    const upd = (tick, moves, enters) => decodeServer(encode([65, tick, 0, 1600, 1600, moves, enters, [], [], 0, 2]));
    w.update(upd(1, new Uint8Array(0), [[7, "Zoé", 1600 + 30 * 16, 1600, 0]]), 0);
    // 4 m/s along x: 13/16 m per 4 ticks, 3.25/16 m per tick (sent as 3 or 4).
    let sent = 0;
    const rng = (k) => ((k * 7919) % 101) / 100; // deterministic jitter in [0, 1)
    let next = 50 * every;
    const xs = [];
    for (let f = 1; f * 16.7 < 6000; f++) {
      const now = f * 16.7;
      while (now >= next) {
        const target = Math.round((next / 1000) * 4 * 16);
        const step = target - sent;
        sent = target;
        w.update(upd(1 + next / 50, new Uint8Array([7, step * 2, 0])), next + rng(next) * jitter);
        next += 50 * every;
      }
      w.interpolate(now);
      if (now > 1500) xs.push(w.view.get(7).rx);
    }
    const perFrame = (4 * 16.7) / 1000;
    let stalls = 0;
    for (let i = 1; i < xs.length; i++) {
      const d = xs[i] - xs[i - 1];
      assert.ok(d >= -1e-9, `every ${every}: backwards by ${d} at frame ${i}`);
      assert.ok(d < 2.5 * perFrame, `every ${every}: a jump of ${d} m in one frame`);
      if (d < 0.2 * perFrame) stalls++;
    }
    assert.ok(stalls < xs.length / 50, `every ${every}: ${stalls} stalled frames of ${xs.length}`);
    assert.ok(w.view.get(7).delay <= Math.max(w.interpDelay, 50 * every + 50 + jitter), `every ${every}: drawn ${w.view.get(7).delay} ms back`);
  }
});

// The contents and progress events (docs/PROTOCOL.md §5), field by field.
test("contents and progress events decode to their fields", () => {
  const ev = (name) => decodeServer(unhex(vectors.find((v) => v.name === name).hex)).events;
  const [tem] = ev("update_content_temoignage");
  assert.equal(tem.contentKind, "temoignage");
  assert.deepEqual(tem.speaker, { name: "Inès", gender: "f", role: "professionnel", job: "soudeuse", age: 34 });
  assert.equal(tem.readingMs, 5000);
  assert.equal(tem.alt, "Portrait d'Inès");
  const [vis, aud] = ev("update_content_visite");
  assert.equal(vis.seen, true);
  assert.deepEqual(vis.steps, [{ src: "/media/v/1.svg", alt: "Le quai", caption: "On charge." }, { src: "/media/v/2.svg", alt: "Le robot", caption: "Il soude." }]);
  assert.deepEqual(aud.av, { src: "/media/a/port.ogg", captions: "/media/a/port.vtt", poster: "", posterAlt: "" });
  const [quiz, qn] = ev("update_content_quiz");
  assert.deepEqual(quiz.questions[0], { prompt: "La marée monte :", multiple: false, choices: ["deux fois par jour", "une fois par an"], points: 5, answer: null });
  assert.deepEqual(quiz.questions[1].answer, { right: false, rightChoices: [0, 1], explanation: "Turbines et pales." });
  assert.deepEqual(qn.questionnaire, { results: 3, questions: [{ prompt: "Tu aimes :", choices: ["bricoler", "calculer"] }] });
  const [prog, badge, notice] = ev("update_progress");
  assert.equal(prog.full, true);
  assert.equal(prog.points, 25);
  assert.equal(prog.challenges.length, 4);
  assert.deepEqual(prog.challenges[3], { challenge: "developpement-durable", seen: 0, total: 69 });
  assert.deepEqual(prog.seen, ["h-001", "h-007"]);
  assert.equal(prog.key, "pomme girafe nuage");
  assert.deepEqual([prog.quizRight, prog.quizTotal], [1, 70]);
  assert.deepEqual(badge, { kind: "badge", id: "quiz-1", title: "Bonne réponse", description: "Une bonne réponse à un quiz", earnedAt: 1637568000 });
  assert.deepEqual(notice, { kind: "badgeNotice", avatarId: 9, pseudonym: "Inès", badge: "quiz-1", title: "Bonne réponse" });
  const [ans, jobs, err] = ev("update_answers");
  assert.deepEqual(ans, { kind: "answer", req: 4, hotspotId: "h-042", question: 2, right: true, rightChoices: [1], explanation: "Deux fois par jour.", points: 5 });
  assert.deepEqual(jobs.jobs, [{ id: "soudeur", feminine: "soudeuse", masculine: "soudeur", description: "Elle assemble des pièces de métal." }]);
  assert.equal(err.code, 10);
  const [lb, share] = ev("update_leaderboard");
  assert.deepEqual(lb, { kind: "leaderboard", req: 8, scope: 0, top: [{ rank: 1, pseudonym: "Tom", points: 120 }, { rank: 2, pseudonym: "Léa", points: 95 }], rank: 2, points: 95, players: 1430 });
  assert.deepEqual(share, { kind: "share", req: 9, badge: "innovation-5", path: "/p/Vq3lM0d2yQJk8hB1xZ5wAg" });
  // A short nested record is an error, like a short event.
  assert.throws(() => decodeServer(encode([65, 1, 0, 1, 1, new Uint8Array(0), [], [], [[8, true, 1, [["x", 1]], [], [], "", 0, 0]], 0, 1])), ProtocolError);
});

test("HELLO with a progress key writes the look before it", () => {
  assert.deepEqual(decodeValue(encodeHello("Léa", "", 0, 0, "pomme girafe nuage")), [1, "Léa", "", 0, 0, "pomme girafe nuage"]);
  assert.deepEqual(decodeValue(encodeHello("Léa", "", 2, 1, "")), [1, "Léa", "", 2, 1]);
});

test("closes 4015 and 4016: erased, key refused", async () => {
  const { closeInfo } = await import("../src/texts.js");
  assert.equal(closeInfo(4015, "Tes données ont été effacées.").action, "erased");
  const k = closeInfo(4016, "Ce pseudonyme et cette clé ne vont pas ensemble : vérifie les trois mots et ton pseudonyme.");
  assert.equal(k.action, "ask");
  assert.match(k.text, /clé/);
});

test("class events decode to their fields", () => {
  const ev = (name) => decodeServer(unhex(vectors.find((v) => v.name === name).hex)).events;
  const [role, klass, step] = ev("update_class");
  assert.deepEqual(role, { kind: "role", role: 3, name: "Léa", booth: "" });
  assert.deepEqual(klass, {
    kind: "class", req: 1, classId: 7, name: "4e B Jules Verne", level: "4e", teacher: "Mme Durand", code: "",
    closed: false, route: "innovation",
    steps: [{ hotspot: "h-042", x: 1940, y: 1100 }, { hotspot: "h-007", x: 600, y: 2400 }], pupils: 24, done: 3,
  });
  assert.deepEqual(step, {
    kind: "routeStep", steps: 1, total: 2, hotspot: "h-007", x: 600, y: 2400,
    path: [{ x: 1936, y: 1024 }, { x: 600, y: 1024 }, { x: 600, y: 2400 }],
  });
  const [trole, classes, opened] = ev("update_teacher");
  assert.equal(trole.role, 2);
  assert.deepEqual(classes, {
    kind: "classes", req: 13,
    classes: [{ classId: 7, name: "4e B Jules Verne", level: "4e", code: "KXWPDMTA", closed: false, pupils: 24 }],
    routes: [{ id: "innovation", title: "Parcours Innovation", hotspots: ["h-042", "h-007"] }],
  });
  assert.equal(opened.code, "KXWPDMTA");
  assert.equal(opened.closed, true);
  assert.deepEqual(opened.steps, []);
  const [members, order, error] = ev("update_members");
  assert.equal(members.full, true);
  assert.deepEqual(members.members.map((m) => [m.member, m.avatarId, m.pseudonym, m.role, m.steps, m.points, m.online, m.following, m.done, m.gone]), [
    [0, 12, "Mme Durand", 2, 0, 0, true, false, false, false],
    [1, 5, "Léa", 3, 2, 45, true, true, true, false],
    [2, 0, "Tom", 3, 1, 10, false, false, false, false],
  ]);
  assert.deepEqual([members.members[1].x, members.members[1].y], [2000, 1000]);
  assert.deepEqual(order, { kind: "order", req: 17, order: 3, active: true, seconds: 120, teacher: 12 });
  assert.deepEqual(error, { kind: "error", code: 15, ref: 1, message: "no class has this code" });
});

test("class events: short records are errors, a route step's odd path is an error", () => {
  const upd = (events) => encode([65, 1, 0, 0, 0, new Uint8Array(0), [], [], events, 0, 0]);
  assert.throws(() => decodeServer(upd([[16, true, [[1, 5, "Léa", 0, 0, 3, 0, 0]]]])), ProtocolError);
  assert.throws(() => decodeServer(upd([[17, 0, 2, "h-1", 1, 2, [1, 2, 3]]])), ProtocolError);
  assert.throws(() => decodeServer(upd([[14, 1, 7, "x"]])), ProtocolError);
  // A member's later fields are ignored; MEMBERS' gone flag is read.
  const m = decodeServer(upd([[16, false, [[3, 0, "Tom", 0, 0, 3, 0, 0, 8, "later"]]]])).events[0].members[0];
  assert.equal(m.gone, true);
});

test("HELLO with a staff ticket writes the look and an empty key before it", () => {
  const v = decodeValue(encodeHello("", "", 0, 0, "", "Tk7pQ2vX9mR4sL8wN3bY6cF1"));
  assert.deepEqual(v, [1, "", "", 0, 0, "", "Tk7pQ2vX9mR4sL8wN3bY6cF1"]);
  // A resume never carries it (the page sends the ticket only with an empty token).
  assert.deepEqual(decodeValue(encodeHello("", "tok", 0, 0, "", "")), [1, "", "tok"]);
});

test("chat and moderation events decode to their fields", () => {
  const ev = (name) => decodeServer(unhex(vectors.find((v) => v.name === name).hex)).events;
  const [ines, tom, past, removed, state, blocked, err] = ev("update_chat");
  assert.deepEqual(ines, {
    kind: "chat", messageId: 4503599627370497, channel: 0, avatarId: 9, pseudonym: "Inès", role: 0,
    text: "On se retrouve au quai ?", phrase: 0, at: 1637568000, past: false,
  });
  assert.deepEqual([tom.channel, tom.text, tom.phrase], [1, "", 1]);
  assert.equal(past.past, true);
  assert.deepEqual(removed, { kind: "chatRemoved", messageId: 4503599627370400 });
  assert.deepEqual(state, { kind: "chatState", classOn: true, nearbyFree: false, mutedUntil: 1637568030 });
  assert.deepEqual(blocked, { kind: "chatBlocked", req: 12, reason: "phone", hint: "Pas de numéro de téléphone dans le tchat." });
  assert.equal(err.code, 20);
  const [report, closed, moderated] = ev("update_moderation");
  assert.equal(report.kind, "report");
  assert.deepEqual([report.reportId, report.reason, report.at, report.reporter, report.avatarId, report.pseudonym, report.messageId],
    [77, 2, 1637568010, "Léa", 9, "Inès", 4503599627370497]);
  assert.deepEqual(report.evidence.map((m) => [m.messageId, m.pseudonym, m.text]), [
    [4503599627370400, "Léa", "Je suis devant l'usine."], [4503599627370497, "Inès", "On se retrouve au quai ?"],
  ]);
  assert.deepEqual(closed, { kind: "reportClosed", reportId: 76 });
  assert.deepEqual(moderated, { kind: "moderated", req: 16, action: 2 });
  // An unknown block reason reads as "other"; a short record is an error.
  const upd = (events) => encode([65, 1, 0, 0, 0, new Uint8Array(0), [], [], events, 0, 0]);
  assert.equal(decodeServer(upd([[23, 1, "later-reason", "x"]])).events[0].reason, "other");
  assert.throws(() => decodeServer(upd([[20, 1, 0, 9, "Inès", 0, "x", 0, 1]])), ProtocolError);
  assert.throws(() => decodeServer(upd([[24, 1, 0, 1, "Léa", 9, "Inès", 0, [[1, 0, 9]]]])), ProtocolError);
});
