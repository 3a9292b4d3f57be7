// Classes (issue 19) in headless Chromium against the real server, signed
// with a real staff key pair made by cmd/stafftoken: a teacher opens the
// staff link (the token leaves the address bar, stays out of localStorage),
// creates a class and shows its code; two pupils join with it (one on the
// welcome screen, one in the side panel); the teacher sees them in the list
// and on the map and gathers them; follow and pause reach the pupils and
// end; a wrong code is refused in French and the sixth closes the
// connection; axe-core on the teacher's page; no third-party request.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join as pjoin } from "node:path";
import { startServer, launchBrowser, newPage, join, shot, sleep, pseudo, repoDir, axe, stafftoken, staffDir } from "./helpers.js";

const T = { timeout: 180_000 };


async function waitFor(fn, what, ms = 30_000, every = 150) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await sleep(every);
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}


let srv;
let browser;
const pages = [];
let teacherToken = "";

before(async () => {
  const keys = pjoin(staffDir, "fair-staff");
  stafftoken("keygen", "-out", keys);
  teacherToken = stafftoken("issue", "-key", `${keys}.key`, "-role", "teacher", "-id", "t-0042", "-name", "Mme Durand", "-ttl", "2h");
  srv = await startServer(["-staff-key", `${keys}.pub`, "-test-reading-scale", "0.05"]);
  browser = await launchBrowser({ webgl: false }); // the 2D view: the test is about the class, not the drawing
});

after(async () => {
  for (const p of pages) await p.ctx.close().catch(() => {});
  if (browser) await browser.close().catch(() => {});
  if (srv) await srv.stop();
});

async function open() {
  const p = await newPage(browser);
  pages.push(p);
  return p;
}

const sameHost = (p) => {
  for (const r of p.requests) assert.equal(new URL(r).host, new URL(srv.url).host, `request to ${r}`);
};

let teacher;
let code = "";
const pupils = [];

test("the teacher's link: the token leaves the address bar, a class is created with its code", T, async () => {
  teacher = await open();
  const { page } = teacher;
  await page.goto(`${srv.url}/classe#staff=${teacherToken}`);
  // Out of the address bar and of the history at once, kept by the tab only.
  await waitFor(() => page.evaluate(() => location.hash === ""), "the fragment removed");
  assert.ok(!page.url().includes(teacherToken), "the token is not in the URL");
  assert.equal(await page.evaluate(() => sessionStorage.getItem("usine.staff")), teacherToken);
  assert.equal(await page.evaluate(() => localStorage.length), 0, "nothing in localStorage");
  // Replaced, not pushed: going back leaves the page instead of showing the token again.
  assert.equal(await page.evaluate(() => history.length), 2, "about:blank and the page, no second entry");
  await page.waitForSelector("#create:not([hidden])", { timeout: 30_000 });
  assert.match(await page.textContent("#who"), /Mme Durand/);
  await axe(page, "the teacher's page, creation form");

  // A missing name says so, in French.
  await page.click("#create-btn");
  assert.match(await page.textContent("#create-error"), /nom de la classe/);
  await page.fill("#class-name", "4e B Jules Verne");
  await page.selectOption("#class-level", "4e");
  await page.click("#create-btn");
  await page.waitForSelector("#classroom:not([hidden])", { timeout: 15_000 });
  code = (await page.evaluate(() => __classe.klass.code));
  assert.match(code, /^[ACDEFGHJKMNPQRTUVWXY]{8}$/, `code ${code}`);
  // Shown big, in two groups of four, readable on a projector.
  assert.equal((await page.textContent("#join-code")).trim(), `${code.slice(0, 4)} ${code.slice(4)}`);
  const px = await page.evaluate(() => parseFloat(getComputedStyle(document.getElementById("join-code")).fontSize));
  assert.ok(px >= 40, `code font ${px}px`);
  assert.equal(await page.textContent("#class-title"), "4e B Jules Verne (4e)");
  await page.click("#code-big");
  await page.waitForSelector("#code-dialog[open]");
  await axe(page, "the code shown big");
  await shot(page, "classe-code");
  await page.click("#code-dialog-close");
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  sameHost(teacher);
});

test("two pupils join with the code; the teacher sees them in the list and on the map, and gathers them", T, async () => {
  assert.ok(code, "the first test made a class");
  // One types the code on the welcome screen, the other in the side panel.
  const a = await open();
  await a.page.goto(`${srv.url}/`);
  await a.page.fill("#pseudo", pseudo("Lea"));
  await a.page.click("#class-entry summary");
  await a.page.fill("#join-class-code", `${code.slice(0, 4).toLowerCase()} ${code.slice(4)}`);
  await a.page.click("#join-btn");
  await waitFor(() => a.page.evaluate(() => __fair.connected && __fair.klass), "pupil A in the class");
  const b = await open();
  await join(b.page, `${srv.url}/`, pseudo("Tom"));
  await b.page.fill("#class-code", code);
  await b.page.click("#class-join-btn");
  await waitFor(() => b.page.evaluate(() => __fair.klass), "pupil B in the class");
  pupils.push(a, b);
  for (const p of pupils) {
    assert.equal((await p.page.evaluate(() => __fair.klass)).name, "4e B Jules Verne");
    assert.match(await p.page.textContent("#class-name"), /4e B Jules Verne/);
  }
  const names = await Promise.all(pupils.map((p) => p.page.evaluate(() => __fair.pseudonym)));

  // B walks away from A, beyond the view radius: they still see each other, as classmates.
  const z = await b.page.evaluate(() => __fair.zone());
  const far = z.booths.map((bo) => ({ x: bo.rect.x + bo.rect.w / 2, y: bo.rect.y + bo.rect.h + 2 }))
    .sort((p, q) => Math.hypot(q.x - z.spawn.x, q.y - z.spawn.y) - Math.hypot(p.x - z.spawn.x, p.y - z.spawn.y))[0];
  await b.page.evaluate(([x, y]) => __fair.walkTo(x, y), [far.x, far.y]);
  await waitFor(async () => {
    const s = await b.page.evaluate(() => __fair.self);
    const t = await a.page.evaluate(() => __fair.self);
    return Math.hypot(s.x - t.x, s.y - t.y) > 60;
  }, "pupil B far from A", 90_000, 300);
  await waitFor(async () => {
    const mates = await a.page.evaluate(() => __fair.classmates);
    const bm = mates.find((m) => m.pseudonym === names[1]);
    const bs = await b.page.evaluate(() => __fair.self);
    return bm && bm.online && Math.hypot(bm.x - bs.x, bm.y - bs.y) < 8;
  }, "A sees B where B is, beyond the view radius");
  assert.ok(await a.page.locator(`#classmates li:has-text("${names[1]}")`).count() === 1, "B in A's class list");

  // The teacher: both in the list, connected, and on the map where they are.
  const { page } = teacher;
  await waitFor(async () => {
    const ps = await page.evaluate(() => __classe.pupils);
    return ps.length === 2 && ps.every((p) => p.online) && names.every((n) => ps.some((p) => p.pseudonym === n));
  }, "the teacher's list of two connected pupils");
  for (const n of names) {
    const row = page.locator(`#pupils tr:has(th:text-is("${n}"))`);
    assert.equal(await row.count(), 1, `row of ${n}`);
    assert.equal(await row.locator("td").first().textContent(), "oui");
  }
  await waitFor(async () => {
    const marks = await page.evaluate(() => __classe.marks);
    const bs = await b.page.evaluate(() => __fair.self);
    const mb = marks.find((m) => m.label === names[1]);
    return marks.length === 2 && mb && Math.hypot(mb.x - bs.x, mb.y - bs.y) < 8;
  }, "both pupils on the teacher's map, B where B is");
  await axe(page, "the teacher's page with two pupils");
  await shot(page, "classe-pupils");

  // « Rassembler la classe »: the teacher walks off, then both end up next to the teacher, wherever they were.
  const start = await page.evaluate(() => __classe.self);
  const spot = z.hotspots.map((h) => ({ h, d: Math.hypot(h.x - start.x, h.y - start.y) })).filter((o) => o.d > 25).sort((p, q) => p.d - q.d)[0].h;
  await page.evaluate(([x, y]) => __classe.walkTo(x, y), [spot.x, spot.y + 2]);
  await waitFor(async () => {
    const s = await page.evaluate(() => __classe.self);
    return Math.hypot(s.x - start.x, s.y - start.y) > 20 && (await page.evaluate(() => __classe.still));
  }, "the teacher walked off", 60_000, 300);
  const me = await page.evaluate(() => __classe.self);
  await page.click("#cmd-gather");
  for (const p of pupils) {
    await waitFor(async () => {
      const s = await p.page.evaluate(() => __fair.self);
      return Math.hypot(s.serverX - me.x, s.serverY - me.y) <= 8;
    }, "a pupil gathered next to the teacher", 20_000);
    await waitFor(async () => (await p.page.locator(".toast").allTextContents()).some((t) => /Ton prof rassemble la classe/.test(t)), "the gather notice");
  }
  for (const p of [teacher, ...pupils]) sameHost(p);
});

test("follow me and pause reach the pupils and end", T, async () => {
  assert.equal(pupils.length, 2, "the pupils of the test before");
  const { page } = teacher;
  const [a, b] = pupils;
  // Follow: the banner with « Arrêter de suivre »; A stops, B follows to the end.
  await page.click("#cmd-follow");
  for (const p of pupils) await p.page.waitForSelector("#class-banner:not([hidden])", { timeout: 15_000 });
  assert.match(await a.page.textContent("#class-banner-text"), /Tu suis Mme Durand/);
  assert.equal(await page.getAttribute("#cmd-follow", "aria-pressed"), "true");
  await a.page.click("#follow-stop");
  await a.page.waitForSelector("#class-banner", { state: "hidden", timeout: 15_000 });
  assert.ok(!(await b.page.locator("#class-banner").isHidden()), "B still follows");
  // The teacher walks on: B walks after, A (who stopped) stays.
  const z = await page.evaluate(() => __classe.zone);
  const here = await page.evaluate(() => __classe.self);
  const aAt = await a.page.evaluate(() => __fair.self);
  const to = z.hotspots.map((h) => ({ h, d: Math.hypot(h.x - here.x, h.y - here.y) })).filter((o) => o.d > 20 && o.d < 45).sort((p, q) => p.d - q.d)[0].h;
  await page.evaluate(([x, y]) => __classe.walkTo(x, y), [to.x, to.y + 2]);
  await waitFor(async () => {
    const t = await page.evaluate(() => __classe.self);
    const s = await b.page.evaluate(() => __fair.self);
    return Math.hypot(t.x - here.x, t.y - here.y) > 15 && Math.hypot(s.serverX - t.x, s.serverY - t.y) < 6;
  }, "B walked after the teacher", 60_000, 300);
  const aNow = await a.page.evaluate(() => __fair.self);
  assert.ok(Math.hypot(aNow.serverX - aAt.serverX, aNow.serverY - aAt.serverY) < 2, `A, who stopped following, stayed: ${JSON.stringify([aAt, aNow])}`);
  await page.click("#cmd-follow"); // « Arrêter la visite guidée »
  await b.page.waitForSelector("#class-banner", { state: "hidden", timeout: 15_000 });
  await waitFor(async () => (await page.getAttribute("#cmd-follow", "aria-pressed")) === "false", "the follow ended for the teacher");

  // Pause: the overlay with its end; a walk is refused; the teacher ends it.
  await page.selectOption("#pause-length", "120");
  await page.click("#cmd-pause");
  for (const p of pupils) await p.page.waitForSelector("#pause:not([hidden])", { timeout: 15_000 });
  assert.match(await a.page.textContent("#pause-count"), /Reprise dans [12] min \d\d s au plus/);
  await waitFor(async () => /Pause en cours/.test(await page.textContent("#cmd-state")), "the teacher sees the pause");
  await axe(a.page, "a pupil's page during a pause");
  await shot(a.page, "classe-pause");
  await page.click("#cmd-pause"); // « Reprendre la visite »
  for (const p of pupils) await p.page.waitForSelector("#pause", { state: "hidden", timeout: 15_000 });
  for (const p of [teacher, ...pupils]) sameHost(p);
});

test("a ready-made route: each pupil sees the next step and the way; opening it moves the pupil and the class on", T, async () => {
  assert.equal(pupils.length, 2, "the pupils of the tests before");
  const { page } = teacher;
  const [a, b] = pupils;
  const routes = await waitFor(() => page.evaluate(() => (__classe.readyRoutes.length ? __classe.readyRoutes : null)), "the ready-made routes");
  const r = routes.find((x) => x.id === "innovation");
  assert.ok(r && r.hotspots.length >= 2, `ready-made routes: ${JSON.stringify(routes.map((x) => x.id))}`);
  await page.selectOption("#route-ready", "innovation");
  await page.click("#route-ready-form button");
  assert.equal(await page.locator("#route-steps li").count(), r.hotspots.length);
  await page.click("#route-send");
  const total = r.hotspots.length;
  const first = (await a.page.evaluate(() => __fair.zone())).hotspots.find((h) => h.id === r.hotspots[0]);
  for (const p of pupils) {
    await p.page.waitForSelector("#route-next:not([hidden])", { timeout: 15_000 });
    assert.equal(await p.page.textContent("#route-next-title"), first.title);
    assert.equal(await p.page.textContent("#route-progress"), `Étape 1 sur ${total}`);
    // The way is written a few times a second, from where the pupil is.
    const way = await waitFor(async () => (await p.page.textContent("#route-way")) || null, "the way to the step");
    assert.match(way, /^(à \d+ m|Tu y es.*)$/);
    assert.equal((await p.page.evaluate(() => __fair.routeStep)).id, first.id);
  }
  // The arrow turns toward the step as the pupil's camera turns.
  const t0 = await a.page.evaluate(() => document.getElementById("route-arrow").style.transform);
  assert.match(t0, /^rotate\(-?[\d.e-]+rad\)$/);
  await waitFor(async () => /0 \/ \d+ étapes/.test(await page.textContent("#pupils")), "the teacher's list shows the route");
  // A opens the step (walking there first): A's next step is the second; the teacher sees 1 step done.
  await a.page.click("#route-go");
  await waitFor(async () => (await a.page.textContent("#route-progress")) === `Étape 2 sur ${total}`, "A's second step", 90_000, 300);
  const aName = await a.page.evaluate(() => __fair.pseudonym);
  await waitFor(async () => (await page.locator(`#pupils tr:has(th:text-is("${aName}")) td`).nth(1).textContent()) === `1 / ${total} étapes`, "the teacher sees A's step");
  assert.equal(await b.page.textContent("#route-progress"), `Étape 1 sur ${total}`, "B's step is B's own");
  await a.page.keyboard.press("Escape");
  await page.screenshot({ path: `${process.cwd()}/test-results/classe-route.png`, fullPage: true });
  await axe(page, "the teacher's page with a route");
  await axe(a.page, "a pupil's page with a route step");
});

test("a wrong code says why in French, and the sixth closes the connection", T, async () => {
  const { page } = await open();
  await join(page, `${srv.url}/`, pseudo("Sacha"));
  // A code no class has, made of the code's alphabet.
  const wrong = code === "AAAAAAAA" ? "CCCCCCCC" : "AAAAAAAA";
  for (let i = 1; i <= 5; i++) {
    await page.evaluate(() => { document.getElementById("class-error").textContent = ""; });
    await page.fill("#class-code", wrong);
    await page.click("#class-join-btn");
    const text = await waitFor(async () => (await page.textContent("#class-error")) || null, `the answer to wrong try ${i}`);
    if (/Pas si vite/.test(text)) { // class messages: 5 at once, then 1 a second
      i--;
      await sleep(1100);
      continue;
    }
    assert.match(text, /Ce code n'ouvre aucune classe/, `try ${i}: ${text}`);
    if (i < 5) assert.match(text, new RegExp(`Encore ${5 - i} essai`));
    else assert.match(text, /dernier essai/);
    await sleep(1100);
  }
  assert.equal(await page.evaluate(() => __fair.klass), null);
  await page.fill("#class-code", wrong);
  await page.click("#class-join-btn");
  await page.waitForSelector("#notice:not([hidden])", { timeout: 15_000 });
  assert.match(await page.textContent("#notice-text"), /Trop d'essais de code/);
  assert.equal(await page.evaluate(() => __fair.connected), false);
  await axe(page, "the notice after too many wrong codes");
});

test("a reload of the teacher's tab signs in again from the tab's token and leads the same class", T, async () => {
  assert.ok(code, "the first test made a class");
  const { page } = teacher;
  await page.reload();
  await page.waitForSelector("#classroom:not([hidden])", { timeout: 30_000 });
  assert.equal((await page.evaluate(() => __classe.klass)).code, code);
  assert.equal(await page.evaluate(() => location.hash), "");
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  await waitFor(async () => (await page.evaluate(() => __classe.pupils)).filter((p) => p.online).length === 2, "the two pupils again");
  sameHost(teacher);
});
