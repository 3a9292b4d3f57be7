// Checks the built page in dist/ (npm test builds it first).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { join } from "node:path";
import { webDir } from "./helpers.js";

const dist = join(webDir, "dist");

test("dist has index.html, build.txt and hashed assets with .gz/.br twins", () => {
  assert.ok(existsSync(join(dist, ".gitkeep")));
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const build = readFileSync(join(dist, "build.txt"), "utf8").trim();
  assert.match(build, /^web-[0-9a-f]{12}$/);
  assert.ok(html.includes(`<meta name="build" content="${build}">`));
  assert.ok(html.includes('<html lang="fr">'));
  const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
  assert.ok(refs.length >= 2);
  for (const r of refs) {
    assert.match(r, /-[A-Z0-9]{8}\.(js|css)$/, `hashed name: ${r}`);
    const raw = readFileSync(join(dist, r));
    assert.deepEqual(gunzipSync(readFileSync(join(dist, `${r}.gz`))), raw);
    assert.ok(existsSync(join(dist, `${r}.br`)));
  }
  assert.ok(existsSync(join(dist, "index.html.gz")));
});

test("no third-party URL in the page or its scripts", () => {
  const html = readFileSync(join(dist, "index.html"), "utf8");
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//);
  const size = JSON.parse(readFileSync(join(dist, "size.json"), "utf8"));
  for (const f of size.firstLoad) {
    const text = readFileSync(join(dist, f), "utf8");
    // Fetches and imports stay relative: no absolute URL is ever requested.
    assert.doesNotMatch(text, /(fetch|import)\(\s*["'`]https?:/, f);
  }
});

test("first load is at most 1 MB compressed", () => {
  const size = JSON.parse(readFileSync(join(dist, "size.json"), "utf8"));
  console.log(`first load: ${size.bytes.gz} bytes gzip, ${size.bytes.br} bytes brotli, ${size.bytes.raw} raw`);
  assert.ok(size.bytes.gz <= 1024 * 1024, `${size.bytes.gz} bytes`);
});
