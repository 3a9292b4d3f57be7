// The visit a pupil expects (issue 16), in headless Chromium against the
// real server: looks and roles, the visitor card, sorted and marked
// contents, labels that never mislead, the outage overlay, the bottom sheet
// on a phone and at 200 % zoom, French texts, models for every kind, the
// draw-call and triangle budgets, reduced motion, the first-load bound.
import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as pjoin } from "node:path";
import { startServer, launchBrowser, newPage, join, shot, sleep, pseudo, repoDir, axe } from "./helpers.js";
import { bot, bots } from "./bots.js";

const T = { timeout: 120_000 };

let srv;
let browser;
const cleanup = [];

before(async () => {
  // Test roles (pseudonym prefixes pro: and prof:), a wide view so that an
  // avatar behind a factory is still sent, a budget for a crowd.
  srv = await startServer(["-test-roles", "-view-radius", "80", "-budget", "200", "-test-reading-scale", "0.05"]);
  browser = await launchBrowser();
});

after(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => {});
  if (browser) await browser.close().catch(() => {});
  if (srv) await srv.stop();
});

// Pages of the running test; closed when it ends (a page left open keeps
// rendering through SwiftShader and slows every later test down).
let live = [];

async function open(opts) {
  const p = await newPage(browser, opts);
  live.push(p);
  return p;
}

afterEach(async () => {
  for (const p of live) await p.ctx.close().catch(() => {});
  live = [];
});

async function waitFor(fn, what, ms = 20_000, every = 150) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await sleep(every);
  }
  throw new Error(`timed out waiting for ${what}`);
}


/** No point médian anywhere in the visible text. */
async function noPointMedian(page, where) {
  const text = await page.evaluate(() => document.body.innerText);
  assert.ok(!text.includes("·"), `${where}: a point médian in ${JSON.stringify(text.slice(Math.max(0, text.indexOf("·") - 40), text.indexOf("·") + 40))}`);
}

/** Joins with a look chosen on the welcome screen. */
async function joinWithLook(page, url, name, colour, shape) {
  await page.goto(url);
  await page.click(`label:has(input[name=colour][value="${colour}"])`);
  await page.click(`label:has(input[name=shape][value="${shape}"])`);
  await page.fill("#pseudo", name);
  await page.click("#join-btn");
  await page.waitForFunction(() => window.__fair && __fair.connected && __fair.self && __fair.self.known, null, { timeout: 30_000 });
}

test("the look chosen on the welcome screen reaches the others; roles are visibly distinct; a click on a visitor shows their card", T, async () => {
  const a = await open();
  const b = await open();
  await a.page.goto(srv.url);
  await axe(a.page, "welcome screen with the look pickers");
  await noPointMedian(a.page, "welcome screen");
  await joinWithLook(a.page, srv.url, pseudo("Lina"), 4, 3);
  assert.deepEqual(await a.page.evaluate(() => __fair.look), { colour: 4, shape: 3 });
  await join(b.page, srv.url, pseudo("Sami"));
  const aId = await a.page.evaluate(() => __fair.selfId);
  const seen = await waitFor(async () => (await b.page.evaluate(() => __fair.avatars())).find((v) => v.id === aId), "b to see a");
  assert.equal(seen.colour, 4, "colour seen by the other");
  assert.equal(seen.shape, 3, "shape seen by the other");

  const pro = await bot(srv.url, "pro:Inès", { colour: 5, shape: 1 });
  const teacher = await bot(srv.url, "prof:Martin", { colour: 2, shape: 2 });
  cleanup.push(async () => pro.close(), async () => teacher.close());
  const leave = () => [pro, teacher].forEach((c) => c.close());
  const roles = await waitFor(async () => {
    const av = await b.page.evaluate(() => __fair.avatars());
    const p = av.find((v) => v.id === pro.selfId);
    const t = av.find((v) => v.id === teacher.selfId);
    return p && t ? { p, t } : null;
  }, "the professional and the teacher");
  assert.equal(roles.p.role, 1);
  assert.equal(roles.p.pseudonym, "Inès");
  assert.equal(roles.t.role, 2);
  // Their labels say so (where a label is shown at all).
  const labels = await waitFor(async () => {
    const l = (await b.page.evaluate(() => __fair.labelBoxes())).labels;
    return l.some((x) => x.kind === "pro" || x.kind === "teacher") ? l : null;
  }, "a role label", 15_000);
  for (const l of labels) {
    if (l.text.startsWith("Inès")) assert.equal(l.text, "Inès (pro)");
    if (l.text.startsWith("Martin")) assert.equal(l.text, "Martin (prof)");
  }

  // Click on the professional: a card, no walk, no content.
  const before0 = await b.page.evaluate(() => __fair.self);
  const box = await b.page.locator("#view").boundingBox();
  const p = await waitFor(async () => {
    const v = (await b.page.evaluate(() => __fair.avatars())).find((x) => x.id === pro.selfId);
    const q = await b.page.evaluate(([x, y]) => __fair.project(x, y, 0.9), [v.x, v.y]);
    const hidden = await b.page.evaluate(([x, y]) => __fair.occluded(x, y, 1), [v.x, v.y]);
    return q.visible && !hidden && q.x > 20 && q.y > 20 && q.x < box.width - 20 && q.y < box.height - 60 ? q : null;
  }, "the professional on screen");
  await b.page.mouse.click(box.x + p.x, box.y + p.y);
  await b.page.waitForSelector("#card:not([hidden])", { timeout: 5000 });
  assert.equal(await b.page.textContent("#card-name"), "Inès");
  assert.equal(await b.page.textContent("#card-role"), "Pro de l'industrie");
  assert.match(await b.page.textContent("#card-look"), /carré jaune/);
  assert.equal(await b.page.evaluate(() => __fair.cardAvatar), pro.selfId);
  await sleep(1200);
  const after0 = await b.page.evaluate(() => __fair.self);
  assert.ok(Math.hypot(after0.serverX - before0.serverX, after0.serverY - before0.serverY) < 0.3, "a click on a visitor does not walk");
  assert.equal(await b.page.evaluate(() => document.getElementById("panel").open), false, "nor opens a content");
  await axe(b.page, "visitor card");
  await shot(b.page, "visitor-card");
  await b.page.keyboard.press("Escape");
  await b.page.waitForSelector("#card[hidden]", { state: "attached", timeout: 3000 });
  leave();
});

test("nearby contents are sorted by distance, seen ones (the server's progress) are marked; the place is named", T, async () => {
  const { page } = await open();
  await join(page, `${srv.url}/?quality=low`, pseudo("Noa"));
  await waitFor(() => page.evaluate(() => document.querySelectorAll("#nearby li").length > 2), "nearby contents");
  assert.equal(await page.textContent("#place"), "Tu es sur la place d'accueil");
  const dists = await page.$$eval("#nearby .dist", (els) => els.map((e) => Number(e.textContent.replace(/[^0-9]/g, ""))));
  for (let i = 1; i < dists.length; i++) assert.ok(dists[i - 1] <= dists[i], `sorted by distance: ${dists}`);
  const first = await page.getAttribute("#nearby li:first-child button", "data-hotspot");
  await page.click("#nearby li:first-child button");
  await page.waitForSelector("#panel[open]", { timeout: 20_000 });
  // A toast never covers an open content.
  await page.evaluate(() => __fair.toast("Un message"));
  assert.equal(await page.locator(".toast").count(), 0, "no toast over an open content");
  // Read to the end (a twentieth of its reading time here): the server marks it seen.
  await waitFor(() => page.evaluate((id) => __fair.seen.includes(id), first), "the server to mark it seen", 30_000);
  assert.match(await page.textContent("#panel-points"), /Bravo, tu as gagné \d+ points? !/);
  await page.keyboard.press("Escape");
  await waitFor(() => page.evaluate((id) => {
    const li = document.querySelector(`#nearby button[data-hotspot="${id}"]`)?.closest("li");
    return li && li.classList.contains("is-seen") && li.textContent.includes("déjà vu");
  }, first), "the content marked as seen");
  assert.ok((await page.evaluate(() => __fair.seen)).includes(first));
  assert.equal(await page.evaluate(() => sessionStorage.getItem("usine.seen")), null, "the page keeps no list of its own");
  // At most two toasts at a time.
  for (let i = 0; i < 4; i++) await page.evaluate((n) => __fair.toast(`Message ${n}`), i);
  assert.ok((await page.locator(".toast").count()) <= 2, "at most two toasts");

  // In a booth: "Tu es au stand …".
  const z = await page.evaluate(() => __fair.zone());
  const me = await page.evaluate(() => __fair.self);
  const booth = z.booths.map((b) => ({ b, d: Math.hypot(b.rect.x + 6 - me.x, b.rect.y + 6 - me.y) })).sort((p, q) => p.d - q.d)[0].b;
  const mini = await page.locator("#minimap").boundingBox();
  await page.mouse.click(mini.x + ((booth.rect.x + booth.rect.w / 2) / z.width) * mini.width, mini.y + ((booth.rect.y + booth.rect.h / 2) / z.height) * mini.height);
  await waitFor(async () => (await page.textContent("#place")) === `Tu es au stand ${booth.name}`, `"Tu es au stand ${booth.name}"`, 40_000);
  await noPointMedian(page, "visit");
});

test("labels never sit on one's own avatar, on a marker or on each other, and hide behind buildings", T, async () => {
  const crowd = await bots(srv.url, "Foule", 16);
  // One behind the chemical factory, north of it, as seen from the spawn.
  const behind = await bot(srv.url, "Cachee");
  const leave = () => [...crowd, behind].forEach((c) => c.close());
  cleanup.push(async () => leave());
  const { page } = await open();
  await join(page, `${srv.url}/?quality=low`, pseudo("Eva"));
  const z = await page.evaluate(() => __fair.zone());
  const factory = z.buildings.find((b) => b.name === "Usine chimique");
  const goal = { x: factory.rect.x + factory.rect.w / 2, y: factory.rect.y - 6 };
  behind.goto(goal.x, goal.y);
  await waitFor(async () => (await page.evaluate(() => __fair.labels)) >= 3, "labels of the crowd");
  await waitFor(async () => {
    const av = (await page.evaluate(() => __fair.avatars())).find((v) => v.id === behind.selfId);
    return av && Math.hypot(av.x - goal.x, av.y - goal.y) < 3;
  }, "the hidden one behind the factory", 40_000, 300);
  const overlap = (a, b) => a.x0 < b.x1 && a.x1 > b.x0 && a.y0 < b.y1 && a.y1 > b.y0;
  let hiddenChecked = 0;
  for (let k = 0; k < 8; k++) {
    const { labels, self, markers } = await page.evaluate(() => __fair.labelBoxes());
    assert.ok(self, "one's own avatar is on screen");
    const others = labels.filter((l) => l.kind !== "self");
    for (const l of others) {
      assert.ok(!overlap(l, self), `label ${l.text} over one's own avatar`);
      for (const m of markers) assert.ok(!overlap(l, m), `label ${l.text} over a marker`);
    }
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) assert.ok(!overlap(labels[i], labels[j]), `labels ${labels[i].text} and ${labels[j].text} overlap`);
    }
    const av = (await page.evaluate(() => __fair.avatars())).find((v) => v.id === behind.selfId);
    if (av && (await page.evaluate(([x, y]) => __fair.occluded(x, y, 2.1), [av.x, av.y]))) {
      hiddenChecked++;
      assert.ok(!labels.some((l) => l.text === "Cachee"), "the label of an avatar behind a building is hidden");
    }
    await sleep(700);
  }
  assert.ok(hiddenChecked > 0, "the avatar behind the factory was seen hidden at least once");
  await shot(page, "labels-crowd");
  leave();
});

test("a server outage pauses the view with a countdown and a Réessayer button", T, async () => {
  const own = await startServer([]);
  cleanup.push(() => own.stop());
  const { page } = await open();
  await join(page, `${own.url}/?quality=low`, pseudo("Jade"));
  await own.stop();
  await page.waitForSelector("#outage:not([hidden])", { timeout: 20_000 });
  assert.match(await page.textContent("#outage-text"), /connexion|serveur/i);
  const count = async () => Number(((await page.textContent("#outage-count")).match(/(\d+) s/) || [0, -1])[1]);
  // The countdown counts down to the next try (retries back off, so pick a long one).
  const n = await waitFor(async () => {
    const c = await count();
    return c >= 3 ? c : null;
  }, "a countdown of at least 3 s", 60_000, 200);
  await sleep(1100);
  const m = await count();
  assert.ok(m < n && m >= 0, `countdown went from ${n} to ${m}`);
  assert.ok(await page.evaluate(() => document.getElementById("view").classList.contains("paused")), "the view is paused");
  await axe(page, "outage overlay");
  await shot(page, "outage");
  // Réessayer tries at once (and fails again: the server is gone).
  const attempts = await page.evaluate(() => __fair.state);
  await page.click("#outage-retry");
  await waitFor(async () => (await count()) !== m || (await page.evaluate(() => __fair.state)) !== attempts, "a new attempt", 10_000, 50);
  assert.equal(await page.isVisible("#outage"), true, "still paused while the server is away");
});

for (const { name, viewport, extra } of [
  { name: "on a phone (390 x 844)", viewport: { width: 390, height: 844 }, extra: { hasTouch: true, isMobile: true, deviceScaleFactor: 1 } },
  { name: "at 200 % zoom (1280 x 720 shown as 640 x 360)", viewport: { width: 640, height: 360 }, extra: { deviceScaleFactor: 2 } },
]) {
  test(`${name}: the side panel is a bottom sheet and every list is reachable`, T, async () => {
    const { page } = await open({ viewport, ...extra });
    await page.goto(srv.url);
    await axe(page, `welcome ${name}`);
    await join(page, `${srv.url}/?quality=low`, pseudo("Tim"));
    const toggle = page.locator("#sheet-toggle");
    assert.equal(await toggle.isVisible(), true, "the sheet's bar is shown");
    assert.equal(await toggle.getAttribute("aria-expanded"), "false");
    await toggle.click();
    assert.equal(await toggle.getAttribute("aria-expanded"), "true");
    for (const sel of ["#place", "#nearby-title", "#travel", "#legend-title"]) {
      await page.locator(sel).scrollIntoViewIfNeeded();
      const b = await page.locator(sel).boundingBox();
      assert.ok(b && b.y >= 0 && b.y + b.height <= viewport.height + 1 && b.x >= 0 && b.x + b.width <= viewport.width + 1, `${sel} reachable on screen: ${JSON.stringify(b)}`);
    }
    await page.selectOption("#travel", { index: 1 });
    await axe(page, `visit ${name}`);
    await noPointMedian(page, name);
    if (extra.hasTouch) {
      const help = await page.textContent("#controls-help");
      assert.match(help, /Touche/);
      assert.doesNotMatch(help, /[Cc]lique/);
    }
    await shot(page, `sheet-${viewport.width}`);
    // A skip link opens the sheet and leads into it.
    await toggle.click();
    await page.evaluate(() => document.querySelector('.skip[href="#nearby-title"]').click());
    assert.equal(await toggle.getAttribute("aria-expanded"), "true");
    assert.equal(await page.evaluate(() => document.activeElement.id), "nearby-title");
  });
}

test("skip links lead somewhere on the welcome screen too", T, async () => {
  const { page } = await open();
  await page.goto(srv.url);
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === "pseudo");
  await page.keyboard.press("Shift+Tab"); // the only thing before the field
  const f = await page.evaluate(() => ({ cls: document.activeElement.className, text: document.activeElement.textContent }));
  assert.equal(f.cls, "skip");
  assert.equal(f.text, "Aller au choix du pseudonyme");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement.id), "pseudo");
  assert.equal(await page.locator("main").count(), 1, "one main landmark");
});

test("a refused pseudonym is explained with examples", T, async () => {
  const { page } = await open();
  for (const [typed, want] of [["Léo🦊", /emojis/], ["Léo--Renard", /un seul signe/], ["M. Martin", /réservé à l'équipe/]]) {
    await page.goto(srv.url);
    await page.fill("#pseudo", typed);
    await page.click("#join-btn");
    await page.waitForFunction(() => document.getElementById("join-error").textContent.length > 10, null, { timeout: 10_000 });
    const msg = await page.textContent("#join-error");
    assert.match(msg, want, msg);
    assert.match(msg, /«/, `an example: ${msg}`);
  }
  await noPointMedian(page, "refused pseudonym");
});

test("every kind has its model: the default map draws no generic block, an unknown kind is counted", T, async () => {
  const { page } = await open();
  await join(page, srv.url, pseudo("Ali"));
  assert.equal(await page.evaluate(() => __fair.renderer), "3d");
  assert.equal(await page.evaluate(() => __fair.genericModels), 0);
  const kinds = new Set((await page.evaluate(() => __fair.zone())).buildings.map((b) => b.kind));
  const doc = readFileSync(pjoin(repoDir, "docs", "ZONE.md"), "utf8");
  const section = doc.slice(doc.indexOf("### Building kinds"), doc.indexOf("### ", doc.indexOf("### Building kinds") + 5));
  const documented = [...section.matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((m) => m[1]);
  assert.ok(documented.length >= 20);
  for (const k of documented) assert.ok(kinds.has(k), `the default map has a ${k}`);
  assert.equal((await page.evaluate(() => __fair.renderInfo())).signsMissing, 0, "every sign fits the atlas");

  // The same map with one building of an unknown kind.
  const dir = mkdtempSync(pjoin(tmpdir(), "fairzone-"));
  cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
  cpSync(pjoin(repoDir, "world", "zone", "default"), dir, { recursive: true });
  const tmx = pjoin(dir, "fair.tmx");
  writeFileSync(tmx, readFileSync(tmx, "utf8").replace('name="kind" value="office"', 'name="kind" value="spaceship"'));
  const odd = await startServer(["-zone", tmx]);
  cleanup.push(() => odd.stop());
  const q = await open();
  await join(q.page, odd.url, pseudo("Ali"));
  assert.equal(await q.page.evaluate(() => __fair.genericModels), 1, "one generic block, for the unknown kind");
});

test("draw calls and triangles stay within budget at medium: plaza with a crowd, port", T, async () => {
  // Its own server: a crowd at the spawn, and fast avatars to reach the port.
  const fast = await startServer(["-budget", "200", "-max-speed", "40"]);
  cleanup.push(() => fast.stop());
  const crowd = await bots(fast.url, "Masse", 150);
  const leave = () => crowd.forEach((c) => c.close());
  cleanup.push(async () => leave());
  const { page } = await open();
  await page.goto(`${fast.url}/?quality=medium`);
  await page.fill("#pseudo", pseudo("Compte"));
  await page.click("#join-btn");
  await page.waitForFunction(() => window.__fair && __fair.connected && __fair.self.known, null, { timeout: 30_000 });
  assert.equal(await page.evaluate(() => __fair.quality), "medium");
  await waitFor(async () => (await page.evaluate(() => __fair.avatars())).length >= 140, "the crowd in view", 40_000);
  await sleep(1500);
  const plaza = await page.evaluate(() => __fair.renderInfo());
  console.log(`plaza with ${(await page.evaluate(() => __fair.avatars())).length} avatars: ${plaza.calls} draw calls, ${plaza.triangles} triangles`);
  assert.ok(plaza.calls <= 150, `${plaza.calls} draw calls`);
  assert.ok(plaza.triangles <= 300_000, `${plaza.triangles} triangles`);
  await shot(page, "budget-crowd");
  const z = await page.evaluate(() => __fair.zone());
  const mini = await page.locator("#minimap").boundingBox();
  await page.mouse.click(mini.x + (330 / z.width) * mini.width, mini.y + (244 / z.height) * mini.height);
  await waitFor(async () => (await page.textContent("#place")) === "Tu es au port", "the port", 60_000, 300);
  await sleep(1500);
  const port = await page.evaluate(() => __fair.renderInfo());
  console.log(`port: ${port.calls} draw calls, ${port.triangles} triangles`);
  assert.ok(port.calls <= 150, `${port.calls} draw calls`);
  assert.ok(port.triangles <= 300_000, `${port.triangles} triangles`);
  leave();
  await fast.stop();
});

test("reduced motion stops the blades and the camera easing; quality is forced by the address", T, async () => {
  const moving = await open();
  await moving.page.goto(`${srv.url}/?quality=low`);
  await moving.page.fill("#pseudo", pseudo("Vent"));
  await moving.page.click("#join-btn");
  await moving.page.waitForFunction(() => window.__fair && __fair.connected, null, { timeout: 30_000 });
  assert.equal(await moving.page.evaluate(() => __fair.quality), "low");
  const a0 = (await moving.page.evaluate(() => __fair.motion)).rotor;
  await sleep(1500);
  const m1 = await moving.page.evaluate(() => __fair.motion);
  assert.equal(m1.enabled, true);
  assert.notEqual(m1.rotor, a0, "the blades turn");

  const still = await open({ reducedMotion: "reduce" });
  await still.page.goto(`${srv.url}/?quality=high`);
  await still.page.fill("#pseudo", pseudo("Calme"));
  await still.page.click("#join-btn");
  await still.page.waitForFunction(() => window.__fair && __fair.connected, null, { timeout: 30_000 });
  assert.equal(await still.page.evaluate(() => __fair.quality), "high");
  const b0 = await still.page.evaluate(() => __fair.motion);
  await sleep(1500);
  const b1 = await still.page.evaluate(() => __fair.motion);
  assert.equal(b0.enabled, false);
  assert.equal(b1.rotor, b0.rotor, "the blades stand still");
});

test("the first load is at most 1 MB compressed, the zone included", T, async () => {
  const { page } = await open();
  const sizes = [];
  page.on("requestfinished", async (r) => {
    const s = await r.sizes().catch(() => null);
    if (s) sizes.push({ url: r.url(), bytes: s.responseBodySize + s.responseHeadersSize });
  });
  await join(page, `${srv.url}/?quality=low`, pseudo("Octet"));
  await sleep(1000);
  const total = sizes.reduce((n, s) => n + s.bytes, 0);
  const zone = sizes.find((s) => s.url.endsWith("/api/zone"));
  console.log(`first load: ${total} bytes over ${sizes.length} requests; /api/zone ${zone ? zone.bytes : "?"} bytes`);
  assert.ok(zone && zone.bytes < 40_000, `the zone is sent compressed: ${zone && zone.bytes}`);
  assert.ok(total <= 1024 * 1024, `${total} bytes`);
});
