// Refreshes the screenshots of docs/img/ (make screenshots, or npm run
// screenshots from web/): the welcome screen, the spawn plaza, a crowd, the
// port and the energy area, at quality high, 1280 x 720, in headless
// Chromium against the real server with bots around. Stops by itself.
//
//   node --experimental-websocket test/screenshots.mjs [--out ../docs/img]

import { mkdirSync } from "node:fs";
import { join as pjoin } from "node:path";
import { startServer, launchBrowser, newPage, sleep, repoDir } from "./helpers.js";
import { bot, bots } from "./bots.js";

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const OUT = arg("out", pjoin(repoDir, "docs", "img"));
mkdirSync(OUT, { recursive: true });
const hardStop = setTimeout(() => {
  console.error("screenshots: time limit reached");
  process.exit(2);
}, 8 * 60_000);
hardStop.unref();

const srv = await startServer(["-test-roles", "-budget", "200"]);
const browser = await launchBrowser();
const leave = [];
let code = 0;
try {
  const { page, errors } = await newPage(browser, { viewport: { width: 1280, height: 720 } });
  const save = async (name) => {
    await page.screenshot({ path: pjoin(OUT, `${name}.png`) });
    const info = await page.evaluate(() => __fair.renderInfo && __fair.renderInfo());
    console.log(`${name}.png${info ? `: ${info.calls} draw calls, ${info.triangles} triangles` : ""}`);
  };
  // High quality at full resolution: screenshots must not catch the view
  // while it lowers its resolution for slow software rendering.
  await page.goto(`${srv.url}/?quality=high&q-minScale=1`);
  await page.click('label:has(input[name=colour][value="3"])');
  await page.click('label:has(input[name=shape][value="2"])');
  await page.fill("#pseudo", "Camille");
  await page.evaluate(() => window.scrollTo(0, 0));
  await save("welcome");

  // A few visitors of every look, a professional and a teacher, around the spawn.
  const first = await bots(srv.url, "Visite", 14);
  leave.push(...first);
  leave.push(await bot(srv.url, "pro:Inès", { colour: 1, shape: 1 }), await bot(srv.url, "prof:Martin", { colour: 6, shape: 3 }));
  await page.click("#join-btn");
  await page.waitForFunction(() => window.__fair && __fair.connected && __fair.self.known, null, { timeout: 60_000 });
  const zone = await page.evaluate(() => __fair.zone());
  const mini = await page.locator("#minimap").boundingBox();
  const walkTo = async (x, y, within = 4) => {
    await page.mouse.click(mini.x + (x / zone.width) * mini.width, mini.y + (y / zone.height) * mini.height);
    const end = Date.now() + 90_000;
    while (Date.now() < end) {
      const s = await page.evaluate(() => __fair.self);
      if (Math.hypot(s.serverX - x, s.serverY - y) < within) return;
      await sleep(500);
    }
    throw new Error(`did not reach (${x}, ${y})`);
  };
  const frame = async (az, el, dist) => {
    await page.evaluate(([a, e, d]) => __fair.camera(a, e, d), [az, el, dist]);
    await sleep(4000); // the camera settles, several frames are drawn
  };
  await frame(0.25, 0.34, 42);
  await save("plaza");

  leave.push(...(await bots(srv.url, "Foule", 110)));
  await page.waitForFunction(() => __fair.avatars().length >= 110, null, { timeout: 60_000 });
  await frame(-0.35, 0.55, 30);
  await save("crowd"); // also the README's picture

  await walkTo(300, 244);
  await frame(0.35, 0.55, 90);
  await save("port");

  await walkTo(394, 140);
  await frame(-0.35, 0.36, 105);
  await save("energy");
  if (errors.length) console.warn("page errors:", errors);
} catch (err) {
  console.error(err);
  code = 1;
} finally {
  for (const b of leave) b.close();
  await browser.close().catch(() => {});
  await srv.stop();
}
process.exit(code);
