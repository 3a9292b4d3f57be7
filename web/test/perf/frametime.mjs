// Frame-time measurement: the page in headless Chromium (WebGL through
// SwiftShader, or the 2D view with --2d) with about 200 avatars in view.
//
//   node test/perf/frametime.mjs [--bots 200] [--seconds 10] [--quality medium] [--2d]
//
// Starts the server with -budget 200, builds and runs cmd/bots with that many
// bots gathered in one group (-density n-1), lets the page follow the group by
// clicking the minimap toward the avatars it sees, then measures the frame
// intervals and the JavaScript work per frame over the given seconds and
// prints their median and 95th percentile. Stops by itself (bounded).

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, launchBrowser, newPage, shot, sleep, repoDir, pseudo } from "../helpers.js";

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const N = Number(arg("bots", 200));
const SECONDS = Number(arg("seconds", 10));
const TWO_D = process.argv.includes("--2d");
const QUALITY = arg("quality", "medium");
const EXTRA = arg("extra", ""); // more address parameters, e.g. "&q-trees=0" (see src/quality.js)
const GATHER_MS = 150_000;

const hardStop = setTimeout(() => {
  console.error("perf: overall time limit reached");
  process.exit(2);
}, GATHER_MS + SECONDS * 1000 + 120_000);
hardStop.unref();

const tmp = mkdtempSync(join(tmpdir(), "fairperf-"));
const botsBin = join(tmp, "bots");
execFileSync("go", ["build", "-o", botsBin, "./cmd/bots"], { cwd: repoDir, stdio: "inherit", timeout: 300_000 });

const srv = await startServer(["-budget", String(N)]);
const wsURL = `${srv.url.replace("http", "ws")}/ws`;
const bots = spawn(botsBin, [
  "-url", wsURL, "-n", String(N), "-density", String(N - 1), "-ramp", "50",
  "-duration", `${Math.ceil((GATHER_MS + SECONDS * 1000 + 60_000) / 1000)}s`, "-q", "-prefix", "perf",
], { cwd: repoDir, stdio: ["ignore", "ignore", "pipe"] });
let botLog = "";
bots.stderr.on("data", (d) => { botLog = (botLog + d).slice(-4000); });

/** The centre of the first 30 m box of loadtest's plan for one group (view radius 40 m). */
async function groupBox(url) {
  const z = await (await fetch(`${url}/api/zone`)).json();
  const g = z.grid;
  const blocked = Buffer.from(g.blocked, "base64");
  const walkable = (x, y) => {
    if (x < 0 || y < 0 || x >= z.width || y >= z.height) return false;
    const c = Math.floor(x / g.tile);
    const r = Math.floor(y / g.tile);
    return c < g.cols && r < g.rows && blocked[r * g.cols + c] === 0;
  };
  const side = 30;
  const pitch = side + 40 + 2;
  const nx = Math.floor((z.width - side) / pitch) + 1;
  const ny = Math.floor((z.height - side) / pitch) + 1;
  const x0 = (z.width - ((nx - 1) * pitch + side)) / 2;
  const y0 = (z.height - ((ny - 1) * pitch + side)) / 2;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const bx = x0 + i * pitch;
      const by = y0 + j * pitch;
      let ok = 0;
      for (let a = 0; a < 8; a++) for (let b = 0; b < 8; b++) if (walkable(bx + (a + 0.5) * side / 8, by + (b + 0.5) * side / 8)) ok++;
      if (ok / 64 >= 0.6) return { x: bx + side / 2, y: by + side / 2 };
    }
  }
  return { x: z.spawn.x + z.spawn.w / 2, y: z.spawn.y + z.spawn.h / 2 };
}

const browser = await launchBrowser({ webgl: !TWO_D });
let code = 0;
try {
  const { page } = await newPage(browser);
  await page.goto(`${srv.url}/?quality=${QUALITY}${EXTRA}`);
  await page.fill("#pseudo", pseudo("Mesure"));
  await page.click("#join-btn");
  await page.waitForFunction(() => window.__fair && __fair.connected && __fair.self.known, null, { timeout: 30_000 });
  const zone = await page.evaluate(() => __fair.zone());
  const mini = await page.locator("#minimap").boundingBox();

  // Go to the group's box (as loadtest.NewPlan places a single group), then
  // follow the centroid of the avatars in view.
  const box = await groupBox(srv.url);
  const click = (x, y) => page.mouse.click(mini.x + (x / zone.width) * mini.width, mini.y + (y / zone.height) * mini.height);
  const end = Date.now() + GATHER_MS;
  const self = () => page.evaluate(() => __fair.self);
  for (let k = 0; Date.now() < end; k++) {
    const me = await self();
    if (Math.hypot(me.serverX - box.x, me.serverY - box.y) < 8) break;
    if (k % 5 === 0) await click(box.x, box.y); // (again, in case a click was lost)
    await sleep(1000);
  }
  // Wait for the group to gather there.
  let seen = 0;
  while (Date.now() < end) {
    seen = (await page.evaluate(() => __fair.avatars())).length;
    if (process.env.PERF_DEBUG) console.log("seen", seen, JSON.stringify(await self()));
    if (seen >= N * 0.9) break;
    await sleep(2000);
  }
  await sleep(2000);
  await page.evaluate(() => __fair.frameStats(true));
  await sleep(SECONDS * 1000);
  const res = await page.evaluate(() => ({
    stats: __fair.frameStats(), renderer: __fair.renderer, avatars: __fair.avatars().length,
    labels: __fair.labels, crowd: __fair.crowd, online: __fair.online, scale: __fair.renderScale,
    quality: __fair.quality, info: __fair.renderInfo ? __fair.renderInfo() : null,
  }));
  await shot(page, `perf-${res.renderer}`);
  const f = (n) => n.toFixed(1);
  console.log(`renderer ${res.renderer} (${TWO_D ? "canvas 2D" : "WebGL2 via SwiftShader"}), viewport 1280x720, ${res.avatars} avatars in view, resolution scale ${res.scale.toFixed(2)} ` +
    `(+${res.crowd} in crowd, ${res.online} online), ${res.labels} pseudonym labels`);
  console.log(`frame interval over ${SECONDS} s (${res.stats.frames} frames): median ${f(res.stats.interval.median)} ms, p95 ${f(res.stats.interval.p95)} ms`);
  console.log(`JavaScript work per frame: median ${f(res.stats.work.median)} ms, p95 ${f(res.stats.work.p95)} ms`);
  if (res.info) console.log(`quality ${res.quality}: ${res.info.calls} draw calls, ${res.info.triangles} triangles per frame`);
  if (res.avatars < N * 0.5) {
    console.error(`only ${res.avatars} avatars were in view; bots said:\n${botLog}`);
    code = 1;
  }
} catch (err) {
  console.error(err);
  code = 1;
} finally {
  await browser.close().catch(() => {});
  bots.kill("SIGTERM");
  await srv.stop();
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
