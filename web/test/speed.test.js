// The page predicts its avatar at the speed the server announces in
// WELCOME (max_speed), so a server started with another -max-speed than
// the old default of 5 m/s does not make the prediction run at the wrong
// speed. (Predicting at 5 m/s against 8, the page did not snap: it fell
// behind by 3 m/s and a smooth correction pulled it forward at nearly
// every update; the second test measures the prediction alone.)
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
  if (srv) {
    srv.proc.kill("SIGCONT");
    await srv.stop();
  }
});

const self = (page) => page.evaluate(() => __fair.self);

async function settle(page) {
  let s;
  const end = Date.now() + 10_000;
  do {
    await sleep(100);
    s = await self(page);
  } while (Math.hypot(s.x - s.serverX, s.y - s.serverY) > 0.2 && Date.now() < end);
  return s;
}

test("a server at -max-speed 8: the page walks there at 8 m/s without snapping", T, async () => {
  const p = await newPage(browser);
  try {
    await join(p.page, srv.url, pseudo("Rapide"));
    const start = await self(p.page);
    // The first visitors of a fresh server spawn on the open plaza (spawn
    // draws are the same on every start): the first three have 19 m free
    // to the south.
    await p.page.focus("#view");
    await p.page.keyboard.down("ArrowDown");
    await sleep(1500);
    await p.page.keyboard.up("ArrowDown");
    const s = await settle(p.page);
    const walked = s.serverY - start.serverY;
    // 1.5 s of key at 8 m/s is 12 m; at 5 m/s it could not pass 7.5 m.
    assert.ok(walked > 8, `walked ${walked.toFixed(1)} m south in 1.5 s`);
    assert.equal((await p.page.evaluate(() => __fair.corrections)).snaps, 0, "no snap");
    assert.ok(Math.hypot(s.x - s.serverX, s.y - s.serverY) <= 0.2, "the prediction settles on the server's position");
  } finally {
    await p.ctx.close().catch(() => {});
  }
});

test("the page's own prediction runs at the announced 8 m/s", T, async () => {
  const p = await newPage(browser);
  try {
    await join(p.page, srv.url, pseudo("Eclair"));
    await p.page.focus("#view");
    await p.page.keyboard.down("ArrowUp");
    const y0 = (await self(p.page)).serverY;
    const end = Date.now() + 10_000;
    while ((await self(p.page)).serverY > y0 - 1 && Date.now() < end) await sleep(50); // the server walks it
    // Pause the server: no update reaches the page, so nothing corrects
    // its prediction, which walks at the speed the page believes in.
    srv.proc.kill("SIGSTOP");
    let speed;
    try {
      speed = await p.page.evaluate(async () => {
        const a = { t: performance.now(), y: __fair.self.y };
        await new Promise((r) => setTimeout(r, 1000));
        const b = { t: performance.now(), y: __fair.self.y };
        return (a.y - b.y) / ((b.t - a.t) / 1000);
      });
    } finally {
      srv.proc.kill("SIGCONT");
    }
    await p.page.keyboard.up("ArrowUp");
    assert.ok(speed > 6.5 && speed < 9, `the page predicts at ${speed.toFixed(2)} m/s; want 8 (not the old 5)`);
    await settle(p.page);
  } finally {
    await p.ctx.close().catch(() => {});
  }
});
