// End-to-end tests: the built page in headless Chromium against the real Go
// server (cmd/fairserver, built from the repository with the page embedded).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { startServer, launchBrowser, newPage, join, shot, sleep, pseudo } from "./helpers.js";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const T = { timeout: 90_000 };

let srv;
let browser;
const origins = new Set();
const pages = [];
const allRequests = [];

before(async () => {
  srv = await startServer();
  origins.add(new URL(srv.url).host);
  browser = await launchBrowser();
});

after(async () => {
  for (const p of pages) await p.ctx.close().catch(() => {});
  if (browser) await browser.close().catch(() => {});
  if (srv) await srv.stop();
});

/** Checks what the page stored (no cookie, no localStorage), then closes it. */
async function done(p) {
  assert.deepEqual(await p.ctx.cookies(), [], "no cookie");
  if (!p.page.isClosed()) {
    const st = await p.page.evaluate(() => ({ local: localStorage.length, session: Object.keys(sessionStorage) }));
    assert.equal(st.local, 0, "nothing in localStorage");
    for (const k of st.session) assert.ok(["usine.pseudo", "usine.token", "usine.look", "usine.key", "usine.reload"].includes(k), `sessionStorage key ${k}`);
  }
  checked++;
  await p.ctx.close().catch(() => {});
}
let checked = 0;

async function open(b = browser, opts) {
  const p = await newPage(b, opts);
  pages.push(p);
  allRequests.push(p.requests);
  return p;
}

const state = (page) => page.evaluate(() => ({
  connected: __fair.connected, selfId: __fair.selfId, pseudonym: __fair.pseudonym, self: __fair.self,
  renderer: __fair.renderer, state: __fair.state,
}));

async function waitFor(fn, what, ms = 15_000, every = 100) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await sleep(every);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Walks with a key held for ms milliseconds (the view has the focus). */
async function holdKey(page, key, ms) {
  await page.focus("#view");
  await page.keyboard.down(key);
  await sleep(ms);
  await page.keyboard.up(key);
}

/** Walks to (x, y) with the travel form's GOTO logic by clicking the minimap. */
async function walkNear(page, x, y, within = 4, ms = 30_000) {
  const zone = await page.evaluate(() => __fair.zone());
  const box = await page.locator("#minimap").boundingBox();
  await page.mouse.click(box.x + (x / zone.width) * box.width, box.y + (y / zone.height) * box.height);
  // Arrived, or stopped as near as the server could walk (a blocked target).
  let last = null;
  let still = 0;
  await waitFor(async () => {
    const s = (await state(page)).self;
    if (Math.hypot(s.serverX - x, s.serverY - y) < within) return true;
    still = last && s.serverX === last.serverX && s.serverY === last.serverY ? still + 1 : 0;
    last = s;
    return still >= 10;
  }, `reaching (${x}, ${y})`, ms);
  await sleep(800); // the camera settles
  return (await state(page)).self;
}

let alice;
let bob;

test("two visitors join; one walks with the keys, the other sees it move", T, async () => {
  alice = await open();
  bob = await open();
  await join(alice.page, srv.url, pseudo("Alice"));
  await join(bob.page, srv.url, pseudo("Bob"));
  const a = await state(alice.page);
  assert.equal(a.renderer, "3d");
  assert.ok(a.selfId > 0);
  const seen = await waitFor(async () => (await bob.page.evaluate(() => __fair.avatars())).find((v) => v.id === a.selfId),
    "Bob to see Alice");
  assert.equal(seen.pseudonym, a.pseudonym);

  // Walk north (away from the default camera) for a second: about 5 m.
  await holdKey(alice.page, "ArrowUp", 1000);
  const moved = await waitFor(async () => {
    const v = (await bob.page.evaluate(() => __fair.avatars())).find((x) => x.id === a.selfId);
    return v && Math.hypot(v.x - seen.x, v.y - seen.y) > 3 ? v : null;
  }, "Bob to see Alice move");
  assert.ok(moved.y < seen.y, "Alice went north (smaller y)");

  // Alice's own prediction settles on the server's position.
  const settled = await waitFor(async () => {
    const s = (await state(alice.page)).self;
    return Math.hypot(s.x - s.serverX, s.y - s.serverY) < 0.2 ? s : null;
  }, "prediction to settle", 5000);
  assert.ok(Math.hypot(settled.x - a.self.x, settled.y - a.self.y) > 3);
  const corr = await alice.page.evaluate(() => __fair.corrections);
  assert.equal(corr.snaps, 0, "no snap while walking normally (small errors are smoothed)");
  await shot(alice.page, "walk-keys-alice");
  await shot(bob.page, "walk-keys-bob");
});

test("a click on the ground walks there (GOTO then PATH)", T, async () => {
  const before0 = (await state(alice.page)).self;
  const box = await alice.page.locator("#view").boundingBox();
  // Below the centre of the view: the ground a few metres toward the camera.
  await alice.page.mouse.click(box.x + box.width / 2 + 60, box.y + box.height * 0.8);
  const after0 = await waitFor(async () => {
    const s = (await state(alice.page)).self;
    return Math.hypot(s.serverX - before0.serverX, s.serverY - before0.serverY) > 2 ? s : null;
  }, "Alice to walk after a click");
  assert.ok(after0.serverY > before0.serverY, "walked toward the camera (south)");
  await shot(alice.page, "walk-click");
});

test("a hotspot click out of range says so, walks there and opens its content", T, async () => {
  const page = alice.page;
  const z = await page.evaluate(() => __fair.zone());
  const s = (await state(page)).self;
  // The hotspot nearest to Alice: go near it (but not within its range).
  const near = z.hotspots.map((h) => ({ h, d: Math.hypot(h.x - s.x, h.y - s.y) })).sort((p, q) => p.d - q.d)[0].h;
  const at = await walkNear(page, near.x, near.y + near.range + 6, 3);
  const far = Math.hypot(at.serverX - near.x, at.serverY - near.y) > near.range;
  // Click its marker on the canvas.
  const box = await page.locator("#view").boundingBox();
  const p = await page.evaluate(([x, y]) => __fair.project(x, y, 2.0), [near.x, near.y]);
  assert.ok(p.visible && p.x > 0 && p.y > 0 && p.x < box.width && p.y < box.height, "marker on screen");
  await page.mouse.click(box.x + p.x, box.y + p.y);
  if (far) await page.waitForSelector(".toast:has-text('Approche-toi pour ouvrir ce contenu.')", { timeout: 5000 });
  // The page walks there and opens it on arrival.
  await page.waitForSelector("#panel[open]", { timeout: 20_000 });
  assert.equal(await page.textContent("#panel-title"), near.title);
  const label = { innovation: "Innovation", inclusion: "Inclusion", "industrie-4.0": "Industrie 4.0", "developpement-durable": "Développement durable" }[near.challenge];
  assert.equal(await page.textContent("#panel-challenge"), label);
  assert.equal(await page.evaluate(() => document.activeElement.id), "panel-done", "focus moves into the dialog");
  await shot(page, "hotspot-panel");
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.getElementById("panel").open, null, { timeout: 3000 });
  assert.equal(await page.evaluate(() => document.activeElement.id), "view", "focus returns to the view");
});

test("the nearby list opens a hotspot with the keyboard", T, async () => {
  const page = alice.page;
  await page.waitForSelector("#nearby li button", { timeout: 5000 });
  await page.focus("#nearby li:first-child button");
  const title = await page.textContent("#nearby li:first-child .title");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#panel[open]", { timeout: 20_000 });
  assert.ok(title.startsWith(await page.textContent("#panel-title")));
  await page.keyboard.press("Enter"); // "Fermer" has the focus
  await page.waitForFunction(() => !document.getElementById("panel").open, null, { timeout: 3000 });
});

test("a dropped connection reconnects and keeps the avatar", T, async () => {
  const before0 = await state(alice.page);
  const statuses = [];
  await alice.page.exposeFunction("__status", (t) => statuses.push(t));
  await alice.page.evaluate(() => {
    new MutationObserver(() => window.__status(document.getElementById("status").textContent))
      .observe(document.getElementById("status"), { childList: true, characterData: true, subtree: true });
    __fair.dropConnection();
  });
  await waitFor(async () => statuses.length > 0, "a status change", 5000, 20);
  await alice.page.waitForFunction(() => __fair.connected && __fair.self.known, null, { timeout: 20_000 });
  const after0 = await state(alice.page);
  assert.ok(statuses.includes("Connexion perdue, reconnexion…"), `status shown: ${statuses}`);
  assert.equal(after0.selfId, before0.selfId);
  assert.equal(after0.pseudonym, before0.pseudonym);
  assert.ok(Math.hypot(after0.self.serverX - before0.self.serverX, after0.self.serverY - before0.self.serverY) < 1, "same place");
  await shot(alice.page, "reconnected");
  await done(alice);
  await done(bob);
});

test("on a phone, a tap on the ground walks there", T, async () => {
  const p = await open(browser, { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 1 });
  const { page } = p;
  await join(page, srv.url, pseudo("Yanis"));
  const s0 = (await state(page)).self;
  const box = await page.locator("#view").boundingBox();
  await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height * 0.85);
  await waitFor(async () => {
    const s = (await state(page)).self;
    return Math.hypot(s.serverX - s0.serverX, s.serverY - s0.serverY) > 2;
  }, "walking after a tap");
  await shot(page, "phone");
  await done(p);
});

test("a refused pseudonym shows the server's French reason and can be changed", T, async () => {
  const p = await open();
  const { page } = p;
  await page.goto(srv.url);
  await page.fill("#pseudo", "admin");
  await page.click("#join-btn");
  await page.waitForFunction(() => document.getElementById("join-error").textContent.length > 10, null, { timeout: 10_000 });
  const msg = await page.textContent("#join-error");
  assert.match(msg, /pseudonyme|pseudo/i, msg);
  assert.equal(await page.isVisible("#join-form"), true);
  assert.equal(await page.evaluate(() => document.activeElement.id), "pseudo");
  await shot(page, "refused");
  await page.fill("#pseudo", pseudo("Chloé"));
  await page.click("#join-btn");
  await page.waitForFunction(() => __fair.connected, null, { timeout: 15_000 });
  await done(p);
});

test("the 2D view works without WebGL: walk and open a hotspot", T, async () => {
  const b2 = await launchBrowser({ webgl: false });
  try {
    const { page, requests } = await newPage(b2);
    allRequests.push(requests);
    await join(page, srv.url, pseudo("Zoé"));
    const s0 = await state(page);
    assert.equal(s0.renderer, "2d");
    assert.equal(await page.evaluate(() => __fair.genericModels), 0, "every building has its icon in 2D");
    assert.ok(!requests.some((u) => u.includes("view3d")), "three.js is not downloaded");
    await holdKey(page, "KeyD", 800); // physical D: east
    const s1 = await waitFor(async () => {
      const s = (await state(page)).self;
      return s.serverX > s0.self.serverX + 2 ? s : null;
    }, "walking east in 2D");
    const z = await page.evaluate(() => __fair.zone());
    const near = z.hotspots.map((h) => ({ h, d: Math.hypot(h.x - s1.x, h.y - s1.y) })).sort((p, q) => p.d - q.d)[0].h;
    await walkNear(page, near.x, near.y + 1.5, near.range - 1);
    const box = await page.locator("#view").boundingBox();
    const p = await page.evaluate(([x, y]) => __fair.project(x, y, 0), [near.x, near.y]);
    await page.mouse.click(box.x + p.x, box.y + p.y);
    await page.waitForSelector("#panel[open]", { timeout: 15_000 });
    assert.equal(await page.textContent("#panel-title"), near.title);
    await shot(page, "view-2d");
  } finally {
    await b2.close();
  }
});

test("axe-core finds no serious or critical accessibility violation", T, async () => {
  const p = await open();
  const { page } = p;
  const run = async (where) => {
    await page.evaluate(AXE);
    const res = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ["violations"] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) }));
    });
    const bad = res.filter((v) => v.impact === "serious" || v.impact === "critical");
    assert.deepEqual(bad, [], `${where}: ${JSON.stringify(bad)}`);
    return res;
  };
  await page.goto(srv.url);
  await run("pseudonym screen");
  await join(page, srv.url, pseudo("Inès"));
  await sleep(1000);
  await run("visit");
  await page.focus("#view");
  await page.keyboard.press("Enter"); // opens the nearest content (walking there first)
  await page.waitForSelector("#panel[open]", { timeout: 30_000 });
  await run("hotspot panel");
  await shot(page, "axe-panel");
  await done(p);
});

test("keyboard: skip links are reachable, visible on focus, and lead to the view", T, async () => {
  const p = await open();
  const page = p.page;
  await join(page, srv.url, pseudo("Tom"));
  assert.equal(await page.evaluate(() => document.activeElement.id), "view", "the view has the focus after joining");
  // Back over the six skip links (progress, travel, nearby, chat, class, view) to the first.
  for (let i = 0; i < 6; i++) await page.keyboard.press("Shift+Tab");
  const focused = await page.evaluate(() => ({ cls: document.activeElement.className, text: document.activeElement.textContent, left: document.activeElement.getBoundingClientRect().left }));
  assert.equal(focused.cls, "skip");
  assert.equal(focused.text, "Aller à la vue de l'usine");
  assert.ok(focused.left >= 0, "the focused skip link is on screen");
  await shot(page, "skip-link");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement.id), "view");
  await done(p);
});

test("a server of another build asks to reload the page", T, async () => {
  const other = await startServer(["-build", "another-build"]);
  origins.add(new URL(other.url).host);
  try {
    const p = await open();
    const { page } = p;
    await join(page, other.url, pseudo("Nina"));
    await page.waitForSelector("#version-banner:not([hidden])", { timeout: 5000 });
    assert.match(await page.textContent("#version-banner"), /Une nouvelle version est disponible : recharge la page\./);
    await shot(page, "new-version");
    await done(p);
  } finally {
    await other.stop();
  }
});

test("blocked WebSockets are explained instead of spinning", T, async () => {
  const p = await open();
  const { page } = p;
  // A network that kills every WebSocket before it opens.
  await page.addInitScript(() => {
    window.WebSocket = class extends EventTarget {
      constructor() {
        super();
        this.readyState = 0;
        setTimeout(() => {
          this.readyState = 3;
          this.onerror?.(new Event("error"));
          this.onclose?.({ code: 1006, reason: "" });
        }, 30);
      }
      send() {}
      close() {}
    };
    window.WebSocket.OPEN = 1;
  });
  await page.goto(srv.url);
  await page.fill("#pseudo", pseudo("Sam"));
  await page.click("#join-btn");
  await page.waitForSelector("#outage:not([hidden])", { timeout: 20_000 });
  assert.match(await page.textContent("#outage-text"), /Ton réseau semble bloquer la connexion en temps réel \(WebSocket\)/);
  assert.equal(await page.isVisible("#outage-retry"), true, "a Réessayer button");
  await shot(page, "ws-blocked");
  await done(p);
});

test("no request leaves the server's origin; no cookie, nothing in localStorage (checked per page)", T, async () => {
  const urls = allRequests.flat();
  assert.ok(urls.length > 10);
  const foreign = urls.filter((u) => {
    const url = new URL(u);
    return !(url.protocol === "data:" || origins.has(url.host));
  });
  assert.deepEqual(foreign, []);
  assert.ok(checked >= 5, "storage checked on the pages");
});
