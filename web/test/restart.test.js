// A server restart seen from the page: sessions live in the server's memory,
// so the resume after the 1012 gets 4007 "restarted"; the page says so and
// starts a new session with the same pseudonym.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, newPage, join, pseudo } from "./helpers.js";

const T = { timeout: 90_000 };
let srv;
let browser;

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (srv) await srv.stop();
});

test("after a restart the page says the server restarted and comes back with its pseudonym", T, async () => {
  srv = await startServer();
  browser = await launchBrowser({ webgl: false });
  const { ctx, page } = await newPage(browser);
  const name = pseudo("Romane");
  await join(page, srv.url, name);
  const before = await page.evaluate(() => ({ pseudonym: __fair.pseudonym, selfId: __fair.selfId }));
  const statuses = [];
  await page.exposeFunction("__status", (t) => statuses.push(t));
  await page.evaluate(() => {
    new MutationObserver(() => window.__status(document.getElementById("status").textContent))
      .observe(document.getElementById("status"), { childList: true, characterData: true, subtree: true });
  });

  // Restart on the same address: SIGTERM (the page gets 1012), then a new run.
  const port = srv.port;
  await srv.stop();
  srv = await startServer(["-addr", `127.0.0.1:${port}`]);

  await page.waitForFunction(() => __fair.connected && __fair.self && __fair.self.known, null, { timeout: 30_000 });
  const after0 = await page.evaluate(() => ({ pseudonym: __fair.pseudonym, selfId: __fair.selfId }));
  assert.ok(statuses.includes("Le serveur redémarre, reconnexion dans quelques secondes…"), `statuses: ${statuses}`);
  assert.ok(statuses.includes("Le serveur a redémarré : on te reconnecte avec ton pseudonyme…"), `statuses: ${statuses}`);
  assert.ok(!statuses.some((s) => s.includes("expiré")), `statuses: ${statuses}`);
  assert.equal(after0.pseudonym, before.pseudonym);
  await ctx.close();
});
