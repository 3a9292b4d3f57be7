// Every kind of place of docs/ZONE.md has its 3D model, its 2D icon and its
// map colour; the page's own texts never use the point médian.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { repoDir, webDir } from "./helpers.js";
import { MODEL_KINDS } from "../src/scene/models.js";
import { ICON_KINDS } from "../src/icons2d.js";

function documentedKinds() {
  const doc = readFileSync(join(repoDir, "docs", "ZONE.md"), "utf8");
  const start = doc.indexOf("### Building kinds");
  const section = doc.slice(start, doc.indexOf("\n### ", start + 5));
  return [...section.matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((m) => m[1]);
}

test("every documented building kind has a model, an icon and a colour", async () => {
  const kinds = documentedKinds();
  assert.ok(kinds.length >= 20, `${kinds.length} kinds in docs/ZONE.md`);
  // palette.js draws on canvases: read its colour table as text.
  const palette = readFileSync(join(webDir, "src", "palette.js"), "utf8");
  for (const k of kinds) {
    assert.ok(MODEL_KINDS.includes(k), `3D model for ${k}`);
    assert.ok(ICON_KINDS.includes(k), `2D icon for ${k}`);
    assert.match(palette, new RegExp(`\\n  ${k}: "#`), `map colour for ${k}`);
  }
  for (const k of MODEL_KINDS) assert.ok(kinds.includes(k), `model ${k} is documented`);
});

test("no point médian in the page's texts", () => {
  const src = join(webDir, "src");
  const files = [];
  const walk = (d) => {
    for (const f of readdirSync(d, { withFileTypes: true })) {
      if (f.isDirectory()) walk(join(d, f.name));
      else if (/\.(js|html|css)$/.test(f.name)) files.push(join(d, f.name));
    }
  };
  walk(src);
  for (const f of files) {
    const text = readFileSync(f, "utf8");
    const i = text.indexOf("·");
    assert.equal(i, -1, `${f}: "·" in ${JSON.stringify(text.slice(Math.max(0, i - 30), i + 30))}`);
  }
});
