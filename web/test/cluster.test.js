// The page through HAProxy in front of two nodes over Redis (cmd/cluster):
// two pages land on different nodes (X-Fair-Node of their WebSocket
// handshakes, and each node's connection count) and see each other walk and
// discover a hotspot. Then a rolling upgrade: two nodes of different builds
// behind round robin; the page asks to reload once and never loops.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { startCluster, nodeMetric, recordNodes, launchBrowser, newPage, join, shot, sleep, pseudo } from "./helpers.js";

const T = { timeout: 180_000 };
const clusters = [];
let browser;
const contexts = [];

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  if (browser) await browser.close().catch(() => {});
  for (const c of clusters) await c.stop();
});

async function waitFor(fn, what, ms = 20_000, every = 100) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await sleep(every);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function open() {
  if (!browser) browser = await launchBrowser({ webgl: false }); // the 2D view: the test is about the network
  const p = await newPage(browser);
  contexts.push(p.ctx);
  p.nodes = await recordNodes(p.page);
  return p;
}

const avatarOf = async (page, id) => (await page.evaluate(() => __fair.avatars())).find((v) => v.id === id);

test("two pages through HAProxy land on different nodes and see each other walk and discover a hotspot", T, async () => {
  const fair = await startCluster(2);
  clusters.push(fair);
  const alice = await open();
  const bob = await open();
  await join(alice.page, fair.url, pseudo("Alice"));
  await join(bob.page, fair.url, pseudo("Bob"));
  assert.equal(alice.nodes.length, 1, `Alice's WebSockets: ${alice.nodes}`);
  assert.equal(bob.nodes.length, 1, `Bob's WebSockets: ${bob.nodes}`);
  assert.notEqual(alice.nodes[0], bob.nodes[0], "round robin puts the two pages on different nodes");
  assert.deepEqual([alice.nodes[0], bob.nodes[0]].sort(), ["a", "b"]);
  for (const n of fair.nodes) assert.equal(await nodeMetric(n, "fair_gateway_connections"), 1, `node ${n.id} holds one page`);

  const a = await alice.page.evaluate(() => ({ id: __fair.selfId, pseudonym: __fair.pseudonym }));
  const seen = await waitFor(() => avatarOf(bob.page, a.id), "Bob to see Alice (on the other node)");
  assert.equal(seen.pseudonym, a.pseudonym);

  // Alice walks north for a second; Bob sees it through the cell feed.
  await alice.page.focus("#view");
  await alice.page.keyboard.down("ArrowUp");
  await sleep(1000);
  await alice.page.keyboard.up("ArrowUp");
  const moved = await waitFor(async () => {
    const v = await avatarOf(bob.page, a.id);
    return v && Math.hypot(v.x - seen.x, v.y - seen.y) > 3 ? v : null;
  }, "Bob to see Alice move");
  assert.ok(moved.y < seen.y, "Alice went north");

  // Alice opens the nearest content (the page walks there first if it
  // must); Bob, near it, is told she discovered it.
  const toasts = [];
  await bob.page.exposeFunction("__toast", (t) => toasts.push(t));
  await bob.page.evaluate(() => {
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) if (n.classList && n.classList.contains("toast")) window.__toast(n.textContent);
    }).observe(document.body, { childList: true, subtree: true });
  });
  await alice.page.waitForSelector("#nearby li button", { timeout: 10_000 });
  await alice.page.focus("#nearby li:first-child button");
  await alice.page.keyboard.press("Enter");
  await alice.page.waitForSelector("#panel[open]", { timeout: 30_000 });
  const title = await alice.page.textContent("#panel-title");
  const told = await waitFor(() => toasts.find((t) => t.includes(`${a.pseudonym} a découvert`)), "Bob to be told of Alice's discovery");
  assert.equal(told, `${a.pseudonym} a découvert « ${title} »`);
  await shot(bob.page, "cluster-discovery");
  for (const p of [alice, bob]) await p.ctx.close();
  await fair.stop();
});

test("a rolling upgrade: behind round robin with two builds, the page asks to reload once and never loops", T, async () => {
  // Node b says it is another build; both serve the same page.
  const fair = await startCluster(2, ["-node", "b:-build web-next"]);
  clusters.push(fair);
  const p = await open();
  const { page } = p;
  let loads = 0;
  page.on("load", () => loads++);
  await join(page, fair.url, pseudo("Rolande"));
  const build = await page.evaluate(() => __fair.build);
  assert.notEqual(build, "web-next");
  const banner = () => page.evaluate(() => !document.getElementById("version-banner").hidden);
  const reconnect = async () => {
    const n = p.nodes.length;
    await page.evaluate(() => __fair.dropConnection());
    await waitFor(() => p.nodes.length > n, "a new WebSocket");
    await page.waitForFunction(() => __fair.connected && __fair.self && __fair.self.known, null, { timeout: 20_000 });
    await sleep(300); // WELCOME handled
  };
  // Until the page has met node b: there it asks to reload.
  if (p.nodes[p.nodes.length - 1] !== "b") await reconnect();
  assert.equal(p.nodes[p.nodes.length - 1], "b");
  await page.waitForSelector("#version-banner:not([hidden])", { timeout: 5000 });
  await shot(page, "cluster-new-version");

  // The visitor reloads; the tab resumes its visit (same avatar).
  const self = await page.evaluate(() => __fair.selfId);
  const before = loads;
  await page.click("#reload-btn");
  await waitFor(() => loads > before, "the reload");
  await page.waitForFunction(() => __fair.connected && __fair.self && __fair.self.known, null, { timeout: 20_000 });
  assert.equal(await page.evaluate(() => __fair.selfId), self, "the visit resumed after the reload");
  const reloaded = loads;
  // Whatever node each connection lands on from now on, no new request.
  const met = new Set();
  for (let i = 0; i < 4; i++) {
    await sleep(300);
    met.add(p.nodes[p.nodes.length - 1]);
    assert.equal(await banner(), false, `asked again on node ${p.nodes[p.nodes.length - 1]} (connections: ${p.nodes})`);
    await reconnect();
  }
  met.add(p.nodes[p.nodes.length - 1]);
  assert.deepEqual([...met].sort(), ["a", "b"], "the page met both builds after its reload");
  assert.equal(loads, reloaded, "the page reloaded once");
  const stored = await page.evaluate(() => sessionStorage.getItem("usine.reload"));
  assert.equal(JSON.parse(stored), [build, "web-next"].sort().join(" "));
  await p.ctx.close();
  await fair.stop();
});
