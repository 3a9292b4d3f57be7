// Shared helpers of the browser tests: build and start the real Go server,
// launch headless Chromium through playwright-core, record requests.

import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { join as pjoin, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const webDir = pjoin(dirname(fileURLToPath(import.meta.url)), "..");
export const repoDir = pjoin(webDir, "..");
export const resultsDir = pjoin(webDir, "test-results");
mkdirSync(resultsDir, { recursive: true });

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

let built = null;

/** Builds cmd/fairserver once per process (after the page, which it embeds). */
export function buildServer() {
  if (built) return built;
  if (!existsSync(pjoin(webDir, "dist", "index.html"))) {
    execFileSync(process.execPath, [pjoin(webDir, "build.mjs"), "--quiet"], { stdio: "inherit" });
  }
  const dir = mkdtempSync(pjoin(tmpdir(), "fairweb-"));
  const bin = pjoin(dir, "fairserver");
  execFileSync("go", ["build", "-o", bin, "./cmd/fairserver"], { cwd: repoDir, stdio: "inherit", timeout: 300_000 });
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  built = bin;
  return bin;
}

/**
 * Starts the server on a free loopback port (the kernel picks it: -addr
 * 127.0.0.1:0, read back from the "listening" log line). Returns
 * {url, port, proc, logs, stop()}.
 */
export async function startServer(extraArgs = [], { timeoutMs = 30_000 } = {}) {
  const bin = buildServer();
  const args = ["-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0", ...extraArgs];
  const proc = spawn(bin, args, { cwd: repoDir, stdio: ["ignore", "ignore", "pipe"] });
  const logs = [];
  let buf = "";
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${logs.join("\n")}`)), timeoutMs);
    proc.stderr.on("data", (chunk) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        logs.push(line);
        if (logs.length > 5000) logs.shift();
        try {
          const rec = JSON.parse(line);
          if (rec.msg === "listening" && rec.addr) {
            clearTimeout(timer);
            resolve(`http://${rec.addr}`);
          }
        } catch { /* not JSON */ }
      }
    });
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${logs.join("\n")}`));
    });
  });
  const stop = async () => {
    if (proc.exitCode !== null) return;
    proc.kill("SIGTERM");
    await Promise.race([
      new Promise((r) => proc.once("exit", r)),
      new Promise((r) => setTimeout(r, 5000)).then(() => proc.kill("SIGKILL")),
    ]);
  };
  return { url, port: Number(new URL(url).port), proc, logs, stop };
}

let builtCluster = null;

/**
 * Starts a fair of several nodes through cmd/cluster (internal/cluster):
 * a redis-server, `nodes` fairserver processes (the binary of
 * buildServer) and HAProxy on a free loopback port. extraArgs go to
 * cmd/cluster (e.g. ["-node", "b:-build other", "--", "-heartbeat-ttl",
 * "1s"]). Returns {url, nodes: [{id, metrics, ...}], proc, logs, stop()}.
 */
export async function startCluster(nodes = 2, extraArgs = [], { timeoutMs = 90_000 } = {}) {
  const fairserver = buildServer();
  if (!builtCluster) {
    const dir = mkdtempSync(pjoin(tmpdir(), "faircluster-"));
    builtCluster = pjoin(dir, "cluster");
    execFileSync("go", ["build", "-o", builtCluster, "./cmd/cluster"], { cwd: repoDir, stdio: "inherit", timeout: 300_000 });
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  const args = ["-nodes", String(nodes), "-addr", "127.0.0.1:0", "-json", "-stop-on-stdin-eof", "-fairserver", fairserver, ...extraArgs];
  // stdin is a pipe: should this process die, cmd/cluster sees it close and stops everything.
  const proc = spawn(builtCluster, args, { cwd: repoDir, stdio: ["pipe", "pipe", "pipe"] });
  const logs = [];
  proc.stderr.on("data", (chunk) => {
    for (const l of String(chunk).split("\n")) if (l) logs.push(l);
    if (logs.length > 2000) logs.splice(0, logs.length - 2000);
  });
  const desc = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`cluster did not start:\n${logs.join("\n")}`)), timeoutMs);
    proc.stdout.on("data", (chunk) => {
      out += chunk;
      const i = out.indexOf("\n");
      if (i >= 0) {
        clearTimeout(timer);
        resolve(JSON.parse(out.slice(0, i)));
      }
    });
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`cluster exited with ${code}:\n${logs.join("\n")}`));
    });
  });
  const stop = async () => {
    if (proc.exitCode !== null) return;
    proc.kill("SIGTERM");
    await Promise.race([
      new Promise((r) => proc.once("exit", r)),
      new Promise((r) => setTimeout(r, 30_000)).then(() => proc.kill("SIGKILL")),
    ]);
  };
  return { ...desc, url: desc.url.replace(/\/$/, ""), proc, logs, stop };
}

/** The sum of a metric's samples on a node's /metrics. */
export async function nodeMetric(node, name) {
  const text = await (await fetch(node.metrics)).text();
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(name + " ") || line.startsWith(name + "{")) sum += Number(line.split(" ").pop());
  }
  return sum;
}

/**
 * Records which node HAProxy sent each of the page's WebSockets to (the
 * X-Fair-Node header of the handshake's response, read through the
 * DevTools protocol: a page cannot see it). Returns the list, filled as
 * connections open.
 */
export async function recordNodes(page) {
  const nodes = [];
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  cdp.on("Network.webSocketHandshakeResponseReceived", (e) => {
    const h = e.response.headers || {};
    nodes.push(h["X-Fair-Node"] || h["x-fair-node"] || "");
  });
  return nodes;
}

/** Launches headless Chromium; its default GPU flags give WebGL2 through SwiftShader. */
export async function launchBrowser({ webgl = true } = {}) {
  const args = [
    "--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run",
    "--disable-sync", "--disable-quic", "--disable-default-apps", "--disable-extensions",
  ];
  if (!webgl) args.push("--disable-webgl", "--disable-3d-apis");
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args, timeout: 60_000 });
}

/** A page that records every request it makes and every console error. */
export async function newPage(browser, { viewport = { width: 1280, height: 720 }, ...opts } = {}) {
  const ctx = await browser.newContext({ viewport, locale: "fr-FR", ...opts });
  const page = await ctx.newPage();
  const requests = [];
  const errors = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("websocket", (ws) => requests.push(ws.url()));
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  return { ctx, page, requests, errors };
}

/** Joins the fair with pseudonym; resolves when connected and placed. */
export async function join(page, url, pseudonym) {
  await page.goto(url);
  await page.fill("#pseudo", pseudonym);
  await page.click("#join-btn");
  await page.waitForFunction(() => window.__fair && window.__fair.connected && window.__fair.self && window.__fair.self.known, null, { timeout: 20_000 });
}

export const shot = (page, name) => page.screenshot({ path: pjoin(resultsDir, `${name}.png`) });

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A unique pseudonym (the server refuses one already online): the base, the
 * process id's last 3 digits, then a counter in consonants (a pseudonym has
 * at most 4 digits, and look-alike letters fold together).
 */
let n = 0;
const LETTERS = "bcdghjkmnpqrstvwxz";
export const pseudo = (base) => {
  let k = ++n;
  let s = "";
  do {
    s = LETTERS[k % LETTERS.length] + s;
    k = Math.floor(k / LETTERS.length);
  } while (k > 0);
  return `${base}${process.pid % 1000}${s}`;
};

/** Polls fn until it returns a truthy value (returned), or throws after ms. */
export async function waitFor(fn, what, ms = 30_000, every = 150) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await sleep(every);
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

// axe runs axe-core on the page (or only inside the selector include) and
// fails on any serious or critical violation, naming where.
export async function axe(page, where, include = null) {
  await page.evaluate(AXE);
  const res = await page.evaluate(async (sel) => {
    const r = await window.axe.run(sel ? { include: [sel] } : document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) }));
  }, include);
  const bad = res.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad, [], `${where}: ${JSON.stringify(bad)}`);
}

// stafftoken runs the organisers' command (cmd/stafftoken, built once into
// a temporary directory removed at exit) with args, in that directory, and
// returns what it printed: a key pair (keygen) or a token (issue).
const staffDir = mkdtempSync(pjoin(tmpdir(), "fairstaff-"));
process.on("exit", () => rmSync(staffDir, { recursive: true, force: true }));
let stafftokenBin = "";
export function stafftoken(...args) {
  if (!stafftokenBin) {
    stafftokenBin = pjoin(staffDir, "stafftoken");
    execFileSync("go", ["build", "-o", stafftokenBin, "./cmd/stafftoken"], { cwd: repoDir, stdio: "inherit", timeout: 300_000 });
  }
  return execFileSync(stafftokenBin, args, { cwd: staffDir, encoding: "utf8", timeout: 30_000, stdio: ["ignore", "pipe", "ignore"] }).trim();
}
export { staffDir };
