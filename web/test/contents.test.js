// Every kind of content as a pupil sees it (issue 18), in headless Chromium
// against the real server: a témoignage with its portrait, a visite with
// next and back, a video and an audio with French captions (tiny files
// generated here: the default fair ships none), an article, and the
// questionnaire « Quel métier est fait pour toi ? » ending on jobs; seen
// contents marked on the map; axe-core on each panel.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as pjoin } from "node:path";
import { startServer, launchBrowser, newPage, join, shot, sleep, pseudo, repoDir, axe } from "./helpers.js";

const T = { timeout: 240_000 };

let srv;
let browser;
let dir;
let contents;
const pages = [];
const CAPTION = "Le robot soude la première pièce.";

/** One second of 8 kHz 8-bit mono silence: a WAV Chromium plays. */
function wav() {
  const n = 8000;
  const b = Buffer.alloc(44 + n, 0x80);
  b.write("RIFF", 0);
  b.writeUInt32LE(36 + n, 4);
  b.write("WAVEfmt ", 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(n, 24);
  b.writeUInt32LE(n, 28);
  b.writeUInt16LE(1, 32);
  b.writeUInt16LE(8, 34);
  b.write("data", 36);
  b.writeUInt32LE(n, 40);
  return b;
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


before(async () => {
  // The zone's hotspots and the spawn, from a first server on the default
  // fair: the two articles nearest the spawn become a video and an audio.
  const first = await startServer([]);
  const zone = await (await fetch(`${first.url}/api/zone`)).json();
  await first.stop();
  const spawn = zone.spawn;
  const near = zone.hotspots.filter((h) => h.kind === "article")
    .sort((a, b) => Math.hypot(a.x - spawn.x, a.y - spawn.y) - Math.hypot(b.x - spawn.x, b.y - spawn.y));
  dir = mkdtempSync(pjoin(tmpdir(), "fair-contents-"));
  cpSync(pjoin(repoDir, "world/content/default"), dir, { recursive: true });
  mkdirSync(pjoin(dir, "media/av"));
  // A header the server checks (EBML), not a playable video: the page's
  // part is the element, its captions track and the poster.
  writeFileSync(pjoin(dir, "media/av/tiny.webm"), Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01]));
  writeFileSync(pjoin(dir, "media/av/tiny.wav"), wav());
  writeFileSync(pjoin(dir, "media/av/tiny.vtt"), `WEBVTT\n\n00:00:00.000 --> 00:00:00.900\n${CAPTION}\n`);
  contents = JSON.parse(readFileSync(pjoin(dir, "contents.json"), "utf8"));
  const swap = (id, kind, title) => {
    const c = contents.contents.find((x) => x.hotspot === id);
    const poster = c.image;
    delete c.image;
    c.kind = kind;
    c.title = title;
    c.media = { src: `/media/av/tiny.${kind === "video" ? "webm" : "wav"}`, captions: "/media/av/tiny.vtt" };
    if (kind === "video") c.media.poster = poster;
    return c;
  };
  swap(near[0].id, "video", "Vidéo : la première soudure du robot");
  swap(near[1].id, "audio", "Audio : le bruit de l'atelier");
  writeFileSync(pjoin(dir, "contents.json"), JSON.stringify(contents));
  srv = await startServer(["-contents", pjoin(dir, "contents.json"), "-test-reading-scale", "0.05"]);
  browser = await launchBrowser();
});

after(async () => {
  for (const p of pages) await p.ctx.close().catch(() => {});
  if (browser) await browser.close().catch(() => {});
  if (srv) await srv.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("each kind of content shows its own part; seen ones are marked on the map", T, async () => {
  const p = await newPage(browser);
  pages.push(p);
  const { page, requests, errors } = p;
  await join(page, `${srv.url}/?quality=low`, pseudo("Lou"));
  await waitFor(() => page.evaluate(() => __fair.progress.badges.length > 0), "the first progress");
  const z = await page.evaluate(() => __fair.zone());
  const nearest = async (kind) => {
    const s = await page.evaluate(() => __fair.self);
    return z.hotspots.filter((h) => h.kind === kind).sort((a, b) => Math.hypot(a.x - s.x, a.y - s.y) - Math.hypot(b.x - s.x, b.y - s.y))[0];
  };
  const openIt = async (kind) => {
    const h = await nearest(kind);
    assert.ok(h, `a ${kind} in the zone`);
    const c = contents.contents.find((x) => x.hotspot === h.id);
    await page.evaluate((id) => __fair.open(id), h.id);
    await waitFor(async () => (await page.evaluate(() => document.getElementById("panel").open)) && (await page.textContent("#panel-title")) === c.title, `the ${kind} ${h.id} open`, 90_000);
    return { h, c };
  };
  const closeIt = async () => {
    await page.keyboard.press("Escape");
    await waitFor(() => page.evaluate(() => !document.getElementById("panel").open), "the panel closed");
  };

  // Témoignage: who speaks, the portrait, the words in the first person.
  {
    const { h, c } = await openIt("temoignage");
    assert.equal(await page.textContent("#panel-kind"), "Témoignage");
    const sp = await page.textContent("#panel-speaker");
    assert.ok(sp.startsWith(c.speaker.name), sp);
    assert.ok(await page.isVisible("#panel-media.portrait"));
    assert.equal(new URL(await page.getAttribute("#panel-media", "src"), srv.url).pathname, c.speaker.portrait.src);
    assert.equal(await page.getAttribute("#panel-media", "alt"), c.speaker.portrait.alt);
    assert.ok((await page.textContent("#panel-text")).includes(c.text.split("\n")[0]));
    await axe(page, "témoignage");
    // Read to the end: the server marks it seen, on the map too.
    await waitFor(() => page.evaluate((id) => __fair.seen.includes(id), h.id), "the témoignage seen", 60_000);
    assert.deepEqual(await page.evaluate((id) => __fair.seenOnMap(id), h.id), { minimap: true, view: true });
    await shot(page, "kind-temoignage");
    await closeIt();
  }

  // Visite virtuelle: one step at a time, next and back.
  {
    const { c } = await openIt("visite");
    const n = c.steps.length;
    assert.ok(n >= 2);
    assert.ok(await page.isVisible("#panel-steps"));
    assert.equal(await page.textContent("#panel-step-count"), `Étape 1 sur ${n}`);
    assert.equal(await page.textContent("#panel-step-caption"), c.steps[0].caption);
    assert.ok(await page.isDisabled("#panel-step-back"));
    await page.click("#panel-step-next");
    assert.equal(await page.textContent("#panel-step-count"), `Étape 2 sur ${n}`);
    assert.equal(await page.textContent("#panel-step-caption"), c.steps[1].caption);
    assert.equal(await page.getAttribute("#panel-step-img", "alt"), c.steps[1].image.alt);
    assert.ok(!(await page.isDisabled("#panel-step-back")));
    for (let i = 2; i < n; i++) await page.click("#panel-step-next");
    assert.ok(await page.isDisabled("#panel-step-next"), "no next after the last step");
    await page.click("#panel-step-back");
    assert.equal(await page.textContent("#panel-step-caption"), c.steps[n - 2].caption);
    await axe(page, "visite");
    await shot(page, "kind-visite");
    await closeIt();
  }

  // Vidéo: the player with French captions shown by default and the poster.
  {
    const { c } = await openIt("video");
    assert.equal(await page.textContent("#panel-kind"), "Vidéo");
    const v = await page.evaluate(() => {
      const m = document.querySelector("#panel-av video");
      const t = m && m.querySelector("track");
      return m && { controls: m.controls, src: m.querySelector("source").getAttribute("src"), poster: m.getAttribute("poster"), track: t && { kind: t.kind, lang: t.srclang, def: t.default, src: t.getAttribute("src") } };
    });
    assert.deepEqual(v, { controls: true, src: c.media.src, poster: c.media.poster.src, track: { kind: "captions", lang: "fr", def: true, src: c.media.captions } });
    assert.ok(!(await page.isVisible("#panel-media")), "no picture beside the video");
    await axe(page, "vidéo");
    await closeIt();
  }

  // Audio: the player, its captions loaded (the cue's words).
  {
    await openIt("audio");
    assert.equal(await page.textContent("#panel-kind"), "Audio");
    const cue = await waitFor(() => page.evaluate(() => {
      const m = document.querySelector("#panel-av audio");
      const t = m && m.textTracks[0];
      return t && t.cues && t.cues.length ? t.cues[0].text : null;
    }), "the captions loaded");
    assert.equal(cue, CAPTION);
    await axe(page, "audio");
    await shot(page, "kind-audio");
    await closeIt();
  }

  // Article: its picture with its text alternative.
  {
    const { c } = await openIt("article");
    assert.equal(await page.textContent("#panel-kind"), "Article");
    assert.ok(await page.isVisible("#panel-media"));
    assert.equal(await page.getAttribute("#panel-media", "alt"), c.image.alt);
    await closeIt();
  }

  // The questionnaire: answers, then jobs of the industry from the data.
  {
    const { c } = await openIt("questionnaire");
    assert.equal(await page.textContent("#panel-title"), "Quel métier est fait pour toi ?");
    const qs = page.locator("#panel-questionnaire fieldset");
    assert.equal(await qs.count(), c.questionnaire.questions.length);
    await axe(page, "questionnaire");
    // Too soon, the server asks to take the time: answer again.
    for (let i = 0; i < c.questionnaire.questions.length; i++) await qs.nth(i).locator("label.choice").nth(i % 2).click();
    const names = new Set(contents.jobs.flatMap((j) => [j.feminine, j.masculine]));
    await waitFor(async () => {
      await page.click("#panel-questionnaire > button");
      await sleep(600);
      return (await page.locator("#panel-questionnaire .jobs li").count()) > 0;
    }, "the jobs", 60_000, 0);
    const jobs = await page.locator("#panel-questionnaire .jobs li strong").allTextContents();
    assert.equal(jobs.length, c.questionnaire.results);
    for (const j of jobs) for (const name of j.split(" ou ")) assert.ok(names.has(name), `a job of the data: ${name}`);
    assert.match(await page.textContent("#panel-questionnaire .result"), /métiers qui pourraient te plaire/);
    await waitFor(() => page.evaluate(() => __fair.progress.badges.some((b) => b.id === "metiers" && b.earnedAt > 0)), "the badge of the questionnaire");
    await axe(page, "questionnaire with its jobs");
    await shot(page, "kind-questionnaire");
    await closeIt();
  }
  for (const r of requests) assert.equal(new URL(r).host, new URL(srv.url).host, `request to ${r}`);
  assert.deepEqual(errors.filter((e) => !/tiny\.webm|MEDIA|media/i.test(e)), []);
});
