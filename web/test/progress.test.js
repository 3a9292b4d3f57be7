// Points, badges and rewards as a pupil gets them (issue 18), in headless
// Chromium against the real server: open a hotspot, answer a quiz (the
// server checks it), see the points and the badge come, share the badge
// and open its public page; get the progress back with the key after the
// tab closed; erase everything.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join as pjoin } from "node:path";
import { startServer, launchBrowser, newPage, join, shot, sleep, pseudo, repoDir, axe } from "./helpers.js";

const T = { timeout: 150_000 };

const contents = JSON.parse(readFileSync(pjoin(repoDir, "world/content/default/contents.json"), "utf8"));
const contentOf = (id) => contents.contents.find((c) => c.hotspot === id);

let srv;
let browser;
const pages = [];

before(async () => {
  // A short resume window: a closed tab's session ends in 3 s, not 60.
  srv = await startServer(["-test-reading-scale", "0.05", "-resume-window", "3s"]);
  browser = await launchBrowser();
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

async function waitFor(fn, what, ms = 30_000, every = 150) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await sleep(every);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const who = pseudo("Camille");
let key = "";
let points = 0;
let shareURL = "";

test("open a hotspot, answer a quiz, see the points and a badge, open the share page", T, async () => {
  const { page, requests, errors } = await open();
  await join(page, `${srv.url}/?quality=low`, who);
  await waitFor(() => page.evaluate(() => __fair.progress.badges.length > 0), "the first progress");
  const z = await page.evaluate(() => __fair.zone());
  const s = await page.evaluate(() => __fair.self);
  const quiz = z.hotspots.filter((h) => h.kind === "quiz").map((h) => ({ h, d: Math.hypot(h.x - s.x, h.y - s.y) })).sort((a, b) => a.d - b.d)[0].h;
  const c = contentOf(quiz.id);
  // A friend walks beside the quiz, to see the badge's notice.
  const friend = await open();
  const friendName = pseudo("Nour");
  await join(friend.page, `${srv.url}/?quality=low`, friendName);
  await friend.page.evaluate(([x, y]) => __fair.walkTo(x, y), [quiz.x + 2, quiz.y]);
  // The page walks to it and opens it.
  await page.evaluate((id) => __fair.open(id), quiz.id);
  await page.waitForSelector("#panel[open]", { timeout: 60_000 });
  await waitFor(() => friend.page.evaluate(([x, y]) => Math.hypot(__fair.self.x - x, __fair.self.y - y) < 5, [quiz.x + 2, quiz.y]), "the friend beside the quiz", 60_000);
  assert.equal(await page.textContent("#panel-title"), c.title);
  assert.equal(await page.textContent("#panel-kind"), "Quiz");
  assert.equal(await page.locator("#panel-quiz fieldset").count(), c.questions.length);
  // Nothing on the page gives the answer away before answering.
  assert.equal(await page.locator("#panel-quiz .choice.right").count(), 0);
  assert.ok(!(await page.textContent("#panel")).includes(c.questions[0].explanation), "no explanation before the answer");

  const q = page.locator("#panel-quiz fieldset").first();
  const right = c.questions[0].choices.map((ch, i) => (ch.right ? i : -1)).filter((i) => i >= 0);
  for (const i of right) await q.locator("label.choice").nth(i).click();
  // Answered too soon, the server asks to take the time to read: answer again.
  await waitFor(async () => {
    await q.locator("button").click();
    const r = await waitFor(async () => (await q.locator(".result").textContent()) || null, "an answer");
    if (/Bonne réponse/.test(r)) return true;
    assert.match(r, /Prends le temps/, `unexpected answer: ${r}`);
    await sleep(400);
    return false;
  }, "the right answer accepted");
  assert.equal(await q.locator(".explanation").textContent(), c.questions[0].explanation);
  assert.equal(await q.locator(".choice.right").count(), right.length);
  // The points and the badge.
  await waitFor(() => page.evaluate(() => __fair.progress.points > 0), "the points");
  points = await page.evaluate(() => __fair.progress.points);
  assert.match(await page.textContent("#points"), /★ \d+ points?/);
  await waitFor(() => page.evaluate(() => __fair.progress.badges.some((b) => b.id === "quiz-1" && b.earnedAt > 0)), "the badge");
  await waitFor(async () => /Nouveau badge : « Bonne réponse » !/.test(await page.textContent("#panel-points")), "the badge said in the panel");
  // The friend nearby sees a brief notice; the one who earned it sees none about themself.
  await waitFor(async () => (await friend.page.locator(".toast").allTextContents()).some((t) => t.includes(`${who} a gagné le badge « Bonne réponse » !`)), "the notice nearby");
  // The key of the first points, shown in the panel, kept by the tab only.
  key = (await page.textContent("#panel-key-words")).trim();
  assert.equal(key.split(" ").length, 3, `key ${key}`);
  assert.equal(await page.evaluate(() => sessionStorage.getItem("usine.key")), key);
  assert.equal(await page.evaluate(() => localStorage.length), 0, "nothing on the device: the box was not ticked");
  await shot(page, "quiz-answered");
  await axe(page, "quiz answered, with the key");
  await page.keyboard.press("Escape");

  // Progress per challenge and the leaderboard: overall with the visitor's rank, and the class one.
  const lines = await page.locator("#progress-challenges li .ch-label").allTextContents();
  assert.equal(lines.length, 4);
  for (const l of lines) assert.match(l, /^.+ : \d+ \/ \d+ découverts$/);
  // Written in « Ma progression », not floating elsewhere.
  const inside = await page.evaluate(() => {
    const box = document.querySelector("#progress-title").closest("section").getBoundingClientRect();
    return [...document.querySelectorAll("#progress-challenges .ch-label")].every((e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.left >= box.left && r.right <= box.right + 1 && r.top >= box.top && r.bottom <= box.bottom + 1;
    });
  });
  assert.ok(inside, "the challenges' lines are in their panel");
  await waitFor(async () => (await page.locator("#leaderboard li").allTextContents()).some((t) => t.includes(who)), "the visitor on the board");
  assert.match(await page.textContent("#leaderboard-rank"), /^Ta place : \d+(re|e) sur \d+$/);
  await page.click("#lb-group");
  await waitFor(async () => /même classe/.test(await page.textContent("#leaderboard-rank")), "the class board's answer");
  assert.equal(await page.getAttribute("#lb-group", "aria-pressed"), "true");
  await page.click("#lb-fair");
  await waitFor(async () => /^Ta place/.test(await page.textContent("#leaderboard-rank")), "the fair's board again");

  // Share the badge and open its public page.
  await page.click('#badges li[data-badge="quiz-1"] button');
  await page.waitForSelector("#share:not([hidden])", { timeout: 15_000 });
  shareURL = await page.inputValue("#share-url");
  await axe(page, "progress, badges, share link and leaderboard");
  await page.locator("#progress-title").scrollIntoViewIfNeeded();
  await shot(page, "progress-panel");
  assert.match(shareURL, new RegExp(`^${srv.url}/p/[A-Za-z0-9_-]{22}$`));
  const pub = await open();
  await pub.page.goto(shareURL);
  assert.equal(await pub.page.title(), `${who} a gagné le badge « Bonne réponse »`);
  const og = await pub.page.getAttribute('meta[property="og:image"]', "content");
  assert.equal(og, `${shareURL}.png`);
  assert.ok(await pub.page.getAttribute('meta[property="og:title"]', "content"));
  await waitFor(() => pub.page.evaluate(() => document.querySelector("img").complete && document.querySelector("img").naturalWidth === 1200), "the picture");
  await shot(pub.page, "share-page");
  for (const r of [...requests, ...pub.requests]) assert.equal(new URL(r).host, new URL(srv.url).host, `request to ${r}`);
  assert.deepEqual(errors, []);
});

test("the progress key brings the progress back after the tab closed", T, async () => {
  assert.ok(key, "the first test gave a key");
  for (const p of pages.splice(0)) await p.ctx.close();
  const { page } = await open();
  await page.goto(`${srv.url}/?quality=low`);
  await page.fill("#pseudo", who);
  await page.click("#key-entry summary");
  await axe(page, "welcome screen with the key");
  await page.fill("#key", key.toUpperCase());
  await page.check("#remember");
  // The closed tab's session holds the pseudonym until its resume window
  // ends: the page says so, then the same key and pseudonym get in.
  await waitFor(async () => {
    await page.click("#join-btn");
    const r = await waitFor(() => page.evaluate(() => (__fair.connected ? "in" : document.getElementById("join-error").textContent)), "in or refused", 15_000);
    if (r === "in") return true;
    assert.match(r, /encore utilisé.*réessaie dans une minute/, `unexpected refusal: ${r}`);
    await page.evaluate(() => { document.getElementById("join-error").textContent = ""; });
    await sleep(500);
    return false;
  }, "the old session to end", 30_000, 0);
  await waitFor(() => page.evaluate(() => __fair.connected && __fair.progress.points > 0), "the progress back");
  assert.equal(await page.evaluate(() => __fair.progress.points), points);
  assert.ok(await page.evaluate(() => __fair.progress.badges.some((b) => b.id === "quiz-1" && b.earnedAt > 0)));
  assert.deepEqual(JSON.parse(await page.evaluate(() => localStorage.getItem("usine.remember"))), { pseudonym: who, key: key.toUpperCase() });
  // A wrong key says so on the welcome screen.
  const other = await open();
  await other.page.goto(`${srv.url}/?quality=low`);
  await other.page.fill("#pseudo", pseudo("Sacha"));
  await other.page.click("#key-entry summary");
  await other.page.fill("#key", "pomme girafe nuage");
  await other.page.click("#join-btn");
  await other.page.waitForSelector("#key-error:has-text('ne vont pas ensemble')", { timeout: 15_000 });
});

test("« Effacer mes données » erases everything and goes back to the welcome screen", T, async () => {
  const p = pages.find((x) => !x.page.isClosed());
  const { page } = p;
  await page.click("#erase-btn");
  await page.waitForSelector("#erase-dialog[open]");
  await axe(page, "erase dialog");
  await page.click("#erase-confirm");
  await page.waitForSelector("#join:not([hidden])", { timeout: 15_000 });
  assert.match(await page.textContent("#join-error"), /Tes données ont été effacées/);
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  assert.deepEqual(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k !== "usine.look")), []);
  assert.equal((await fetch(shareURL)).status, 404, "the share page is gone");
});
