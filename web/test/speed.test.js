// The page predicts its avatar at the speed the server announces in
// WELCOME (max_speed), so a server started with another -max-speed than
// the old default of 5 m/s neither snaps nor needs correcting all along.
// (Predicting at 5 m/s against 8, the page did not snap: it fell behind by
// 3 m/s and was pulled back by a smooth correction at nearly every update,
// 31 in 1.5 s, against 2 to 11 when it predicts at 8.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, newPage, join, pseudo, sleep } from "./helpers.js";

const T = { timeout: 90_000 };
let srv;
let browser;

before(async () => {
  srv = await startServer(["-max-speed", "8"]);
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (srv) await srv.stop();
});

test("a server at -max-speed 8: the page walks at 8 m/s without snapping or constant corrections", T, async () => {
  const p = await newPage(browser);
  try {
    await join(p.page, srv.url, pseudo("Rapide"));
    const start = await p.page.evaluate(() => __fair.self);
    const corr0 = await p.page.evaluate(() => __fair.corrections);
    // The first visitor of a fresh server spawns on the open plaza (spawn
    // draws are the same on every start): 12 m north are free.
    await p.page.focus("#view");
    await p.page.keyboard.down("ArrowUp");
    await sleep(1500);
    await p.page.keyboard.up("ArrowUp");
    // Settled: the prediction agrees with the server.
    let s;
    const end = Date.now() + 5000;
    do {
      await sleep(100);
      s = await p.page.evaluate(() => __fair.self);
    } while (Math.hypot(s.x - s.serverX, s.y - s.serverY) > 0.2 && Date.now() < end);
    const walked = start.serverY - s.serverY;
    // 1.5 s of key at 8 m/s is 12 m; at 5 m/s it could not pass 7.5 m.
    assert.ok(walked > 8, `walked ${walked.toFixed(1)} m north in 1.5 s: the server runs at 8 m/s`);
    const corr = await p.page.evaluate(() => __fair.corrections);
    assert.equal(corr.snaps, 0, "no snap");
    // About 30 updates arrive during the walk: a prediction at the wrong
    // speed needs a correction at nearly each of them.
    const smooth = corr.smooth - corr0.smooth;
    assert.ok(smooth < 15, `${smooth} smooth corrections during a 1.5 s walk: the prediction runs at the wrong speed`);
    assert.ok(Math.hypot(s.x - s.serverX, s.y - s.serverY) <= 0.2, "the prediction settles on the server's position");
  } finally {
    await p.ctx.close().catch(() => {});
  }
});
