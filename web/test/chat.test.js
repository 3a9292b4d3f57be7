// Chat and moderation (issue 20) in headless Chromium against the real
// server, signed with a real staff key pair made by cmd/stafftoken: a
// teacher creates a class; two pupils join it and chat in the class (free
// text) and nearby (quick phrases; free text once the teacher opens it); a
// pupil who joins later gets the class's history; a phone number is refused
// with its reason and the text stays in the field; a pupil reports a
// message; a moderator (a staff token of role moderator) sees the report
// with its evidence on /moderation and removes the message, which
// disappears for the pupils; axe-core on the chat panel, the report dialog
// and the moderation page; no third-party request.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join as pjoin } from "node:path";
import { startServer, launchBrowser, newPage, shot, pseudo, repoDir, waitFor, axe, stafftoken, staffDir } from "./helpers.js";

const T = { timeout: 180_000 };



let srv;
let browser;
const pages = [];
const tokens = {};

before(async () => {
  const keys = pjoin(staffDir, "fair-staff");
  stafftoken("keygen", "-out", keys);
  tokens.teacher = stafftoken("issue", "-key", `${keys}.key`, "-role", "teacher", "-id", "t-0042", "-name", "Mme Durand", "-ttl", "2h");
  tokens.moderator = stafftoken("issue", "-key", `${keys}.key`, "-role", "moderator", "-id", "m-0007", "-name", "Sam Modo", "-ttl", "2h");
  srv = await startServer(["-staff-key", `${keys}.pub`]);
  browser = await launchBrowser({ webgl: false }); // the 2D view: the test is about the chat, not the drawing
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

/** A pupil who joins the class with its code on the welcome screen. */
async function pupil(base, code) {
  const p = await open();
  p.name = pseudo(base);
  await p.page.goto(`${srv.url}/`);
  await p.page.fill("#pseudo", p.name);
  await p.page.click("#class-entry summary");
  await p.page.fill("#join-class-code", code);
  await p.page.click("#join-btn");
  await waitFor(() => p.page.evaluate(() => __fair.connected && __fair.klass), `${p.name} in the class`);
  return p;
}

/** The chat messages a page shows in a channel's log: [{who, text, past}]. */
const shown = (page, channel) => page.$$eval(`#chat-log-${channel} li`, (lis) => lis.map((li) => ({
  id: Number(li.dataset.message), who: li.querySelector(".who").textContent, text: li.querySelector(".text").textContent, past: li.classList.contains("past"),
})));

let teacher;
let code = "";
let lea;
let tom;
let reported = 0; // the message Tom reported
let mod; // the moderator's page

test("a teacher's class: two pupils chat in the class channel, the history reaches a late joiner", T, async () => {
  teacher = await open();
  await teacher.page.goto(`${srv.url}/classe#staff=${tokens.teacher}`);
  await teacher.page.waitForSelector("#create:not([hidden])", { timeout: 30_000 });
  await teacher.page.fill("#class-name", "4e B Jules Verne");
  await teacher.page.selectOption("#class-level", "4e");
  await teacher.page.click("#create-btn");
  await teacher.page.waitForSelector("#classroom:not([hidden])", { timeout: 15_000 });
  code = await teacher.page.evaluate(() => __classe.klass.code);

  lea = await pupil("Lea", code);
  tom = await pupil("Tom", code);
  const { page } = lea;
  // The class channel is shown first, with free text and the quick phrases.
  await page.waitForSelector("#chat-form:not([hidden])");
  assert.equal(await page.getAttribute("#chat-tab-class", "aria-pressed"), "true");
  await page.fill("#chat-text", "On se retrouve au quai ?");
  await page.press("#chat-text", "Enter"); // the keyboard sends it
  await waitFor(async () => (await shown(tom.page, "class")).some((m) => m.text === "On se retrouve au quai ?" && m.who.startsWith(lea.name)), "Tom gets Léa's message");
  await waitFor(async () => (await page.inputValue("#chat-text")) === "", "Léa's field emptied once her message came back");
  const own = (await shown(page, "class")).find((m) => m.text === "On se retrouve au quai ?");
  assert.ok(own && own.who.includes("(moi)"), `Léa sees her own message: ${JSON.stringify(own)}`);
  // Tom answers with a quick phrase in the class.
  await tom.page.click('#chat-quick button[data-phrase="3"]');
  await waitFor(async () => (await shown(page, "class")).some((m) => m.text === "On y va ensemble ?" && m.who.startsWith(tom.name)), "Léa gets Tom's quick phrase");

  // A pupil who joins later reads the class's history, marked as said before.
  const zoe = await pupil("Zoe", code);
  const hist = await waitFor(async () => {
    const h = await shown(zoe.page, "class");
    return h.length >= 2 && h;
  }, "the late joiner's history");
  assert.deepEqual(hist.map((m) => [m.text, m.past]), [["On se retrouve au quai ?", true], ["On y va ensemble ?", true]]);
  await zoe.ctx.close();
  sameHost(lea);
});

test("nearby: quick phrases between pupils, free text once the teacher opens it", T, async () => {
  assert.ok(lea && tom, "the first test made the pupils");
  const { page } = lea;
  // They arrived at the same spawn point: each sees the other.
  await waitFor(() => page.evaluate((n) => __fair.avatars().some((a) => a.pseudonym === n), tom.name), "Tom in Léa's view");
  await page.click("#chat-tab-nearby");
  assert.equal(await page.isHidden("#chat-form"), true, "no free text nearby by default");
  assert.match(await page.textContent("#chat-note"), /phrases toutes faites/);
  await page.click('#chat-quick button[data-phrase="1"]');
  await waitFor(async () => (await shown(tom.page, "nearby")).some((m) => m.text === "Salut !" && m.who.startsWith(lea.name)), "Tom gets « Salut ! » nearby");

  // The teacher opens free text nearby for the class: the form appears for the pupils.
  await teacher.page.check("#chat-nearby-free");
  await waitFor(() => teacher.page.evaluate(() => __classe.chatSettings.nearbyFree), "the teacher's setting taken");
  await page.waitForSelector("#chat-form:not([hidden])", { timeout: 15_000 });
  assert.match(await page.textContent("#chat-note"), /camarades/);
  await page.fill("#chat-text", "Je suis devant le robot");
  await page.click("#chat-send");
  await waitFor(async () => (await shown(tom.page, "nearby")).some((m) => m.text === "Je suis devant le robot"), "Tom gets Léa's nearby free text");
  await page.click("#chat-tab-class");

  // Tom reports Léa herself from her visitor card (the moderator, who signs in later, gets it then).
  const box = await tom.page.locator("#view").boundingBox();
  const at = await waitFor(async () => {
    const v = (await tom.page.evaluate(() => __fair.avatars())).find((x) => x.pseudonym === lea.name);
    const q = v && await tom.page.evaluate(([x, y]) => __fair.project(x, y, 0.9), [v.x, v.y]);
    const hidden = v && await tom.page.evaluate(([x, y]) => __fair.occluded(x, y, 1), [v.x, v.y]);
    return q && q.visible && !hidden && q.x > 20 && q.y > 20 && q.x < box.width - 20 && q.y < box.height - 60 ? q : null;
  }, "Léa on Tom's screen");
  await tom.page.mouse.click(box.x + at.x, box.y + at.y);
  await tom.page.waitForSelector("#card:not([hidden])", { timeout: 5000 });
  await tom.page.click("#card-report");
  await tom.page.waitForSelector("#report-dialog[open]");
  assert.match(await tom.page.textContent("#report-intro"), new RegExp(lea.name));
  await tom.page.check('input[name="report-reason"][value="3"]');
  await tom.page.click("#report-send");
  await waitFor(async () => /signalement a été envoyé/.test(await tom.page.textContent("#toasts")), "the thanks for the avatar's report");
});

test("a phone number is refused with its reason; the text stays in the field", T, async () => {
  const { page } = lea;
  const before = (await shown(tom.page, "class")).length;
  const text = "appelle moi au zéro six 12 34 56 78";
  await page.fill("#chat-text", text);
  await page.click("#chat-send");
  await waitFor(async () => /téléphone/i.test(await page.textContent("#chat-error")), "the reason shown");
  assert.equal(await page.inputValue("#chat-text"), text, "kept in the field to correct");
  assert.match(await page.textContent("#chat-error"), /envoyé à personne/);
  await axe(page, "the chat panel with a refused message");
  await shot(page, "chat-blocked");
  // It reached nobody (Tom's later message is the witness that delivery works).
  await page.fill("#chat-text", "");
  await tom.page.click('#chat-quick button[data-phrase="7"]');
  await waitFor(async () => (await shown(tom.page, "class")).some((m) => m.text === "Bravo !" && m.who.startsWith(tom.name)), "Tom's witness");
  const after = await shown(tom.page, "class");
  assert.equal(after.length, before + 1, "only the witness arrived");
  assert.ok(!after.some((m) => /12 34/.test(m.text)));
});

test("a pupil reports a message with a reason; a moderator sees it with its evidence and removes it", T, async () => {
  const { page } = tom;
  const msg = (await shown(page, "class")).find((m) => m.text === "On se retrouve au quai ?");
  assert.ok(msg, "Tom still shows Léa's message");
  reported = msg.id;
  // The moderator signs in first: reports reach the moderators online.
  mod = await open();
  await mod.page.goto(`${srv.url}/moderation#staff=${tokens.moderator}`);
  await waitFor(() => mod.page.evaluate(() => location.hash === ""), "the fragment removed");
  assert.ok(!mod.page.url().includes(tokens.moderator));
  await mod.page.waitForSelector("#queue:not([hidden])", { timeout: 30_000 });
  assert.match(await mod.page.textContent("#who"), /Sam Modo/);
  await axe(mod.page, "the moderation page, empty queue");

  // « Signaler » on the message: a dialog with the reasons, by keyboard.
  const button = page.locator(`#chat-log-class li[data-message="${msg.id}"] button.report`);
  assert.match(await button.getAttribute("aria-label"), new RegExp(`Signaler le message de ${lea.name}`));
  await button.focus();
  await page.keyboard.press("Enter");
  await page.waitForSelector("#report-dialog[open]");
  await page.click("#report-send");
  assert.match(await page.textContent("#report-error"), /raison/, "a reason must be picked");
  await axe(page, "the report dialog");
  await page.check('input[name="report-reason"][value="2"]');
  await page.click("#report-send");
  await waitFor(async () => /signalement a été envoyé/.test(await page.textContent("#toasts")), "the thanks for the report");
  assert.equal(await page.isVisible("#report-dialog"), false);

  // The moderator gets it, with the message and the ones before it.
  const r = await waitFor(async () => (await mod.page.evaluate(() => __moderation.reports)).find((x) => x.messageId === msg.id), "the report on /moderation");
  assert.equal(r.reason, 2);
  assert.equal(r.pseudonym, lea.name);
  assert.equal(r.reporter, tom.name);
  assert.ok(r.evidence.some((m) => m.messageId === msg.id && m.text === "On se retrouve au quai ?"), JSON.stringify(r.evidence));
  assert.ok(r.evidence.every((m) => m.channel === 0), "the class channel only");
  const card = mod.page.locator(`article[data-report="${r.reportId}"]`);
  assert.match(await card.textContent(), /Coordonnées ou rendez-vous/);
  assert.match(await card.locator(".evidence li.reported").textContent(), /On se retrouve au quai/);
  await axe(mod.page, "the moderation page with a report");
  await shot(mod.page, "moderation-report");

  // Removed: it disappears for both pupils; MODERATED is shown on the report.
  await card.locator('button[data-action="remove"]').click();
  await waitFor(async () => /retiré/.test(await card.locator(".report-status").textContent()), "the MODERATED of the removal");
  for (const p of [tom, lea]) {
    await waitFor(async () => !(await shown(p.page, "class")).some((m) => m.id === msg.id), `the message gone for ${p.name}`);
  }
  const left = await shown(page, "class");
  assert.ok(left.some((m) => m.text === "Bravo !"), `the other messages stay: ${JSON.stringify(left)}`);
  // The report on Léa's avatar, made before the moderator signed in, is in the queue too, with her latest messages.
  const onAvatar = (await mod.page.evaluate(() => __moderation.reports)).find((x) => x.messageId === 0);
  assert.ok(onAvatar, "the avatar's report");
  assert.deepEqual([onAvatar.reason, onAvatar.pseudonym, onAvatar.reporter], [3, lea.name, tom.name]);
  // Closing the report takes it out of the queue.
  await card.locator('button[data-action="close"]').click();
  await waitFor(async () => !(await mod.page.evaluate(() => __moderation.reports)).some((x) => x.reportId === r.reportId), "the report closed");
  assert.match(await mod.page.textContent("#log-list"), /Signalement clos/);
  sameHost(mod);
  sameHost(tom);
  for (const p of [lea, tom, mod]) assert.deepEqual(p.errors.filter((e) => !/WebSocket|net::/.test(e)), [], `console errors of ${p.name || "the moderator"}`);
});

test("a mute by a moderator and the chat rate's mute are shown with their end", T, async () => {
  assert.ok(mod, "the moderator signed in");
  // The moderator mutes Léa from the report on her avatar.
  const r = (await mod.page.evaluate(() => __moderation.reports)).find((x) => x.messageId === 0);
  const card = mod.page.locator(`article[data-report="${r.reportId}"]`);
  await card.locator("select").selectOption("600");
  await card.locator('button[data-action="mute"]').click();
  await waitFor(async () => /muet/.test(await card.locator(".report-status").textContent()), "the MODERATED of the mute");
  const { page } = lea;
  await page.waitForSelector("#chat-mute:not([hidden])", { timeout: 15_000 });
  assert.match(await page.textContent("#chat-mute"), /jusqu'à \d+ h \d\d/);
  await page.click('#chat-quick button[data-phrase="8"]');
  await waitFor(async () => /ne peux plus écrire|pas écrire/.test(await page.textContent("#chat-error")), "a muted pupil's message refused");
  await axe(page, "the chat panel of a muted pupil");

  // Tom sends a dozen quick phrases at once: past the bucket of 5, the rate mutes him for 30 s.
  await tom.page.evaluate(() => {
    const b = document.querySelector('#chat-quick button[data-phrase="9"]');
    for (let i = 0; i < 12; i++) b.click();
  });
  await waitFor(async () => /trop vite/.test(await tom.page.textContent("#chat-error")), "the rate's notice");
  assert.equal(await tom.page.isVisible("#chat-mute"), true);
  // The bucket's 5 (a 6th if a second passed) came back to Tom; Léa got the same ones, no more.
  const oui = async (p) => (await shown(p.page, "class")).filter((m) => m.text === "Oui").length;
  const sent = await waitFor(async () => { const n = await oui(tom); return n >= 5 && n; }, "the bucket's messages back to Tom");
  assert.ok(sent <= 6, `${sent} of 12 delivered`);
  await waitFor(async () => (await oui(lea)) === sent, "Léa got the same messages");
  await card.locator('button[data-action="close"]').click();
});
