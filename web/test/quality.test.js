// The automatic quality steps and the address overrides (src/quality.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { QualityGovernor, forcedQuality, settingsFor, SETTINGS, LEVELS } from "../src/quality.js";

test("slow frames at the lowest resolution step the quality down, a long run of fast ones steps it up", () => {
  const g = new QualityGovernor("medium", false);
  let t = 0;
  // Slow but the resolution can still go down: no step.
  for (; t < 10_000; t += 400) assert.equal(g.check(t, 70, false), null);
  // Slow at the lowest resolution for more than 4 s: one step down, then the lowest stays.
  let step = null;
  for (; t < 20_000 && !step; t += 400) step = g.check(t, 70, true);
  assert.equal(step, "low");
  for (let k = 0; k < 40; k++, t += 400) assert.equal(g.check(t, 70, true), null, "no level below low");
  // Fast frames for more than 15 s: back up, one level at a time.
  const ups = [];
  for (let k = 0; k < 200; k++, t += 400) {
    const s = g.check(t, 12, false);
    if (s) ups.push(s);
  }
  assert.deepEqual(ups, ["medium", "high"]);
  // Frames in between reset both clocks.
  const h = new QualityGovernor("medium", false);
  for (let k = 0; k < 100; k++) assert.equal(h.check(k * 400, k % 2 ? 70 : 30, true), null);
});

test("a forced level never changes; the address forces one and tunes settings for measuring", () => {
  const g = new QualityGovernor("high", true);
  for (let t = 0; t < 60_000; t += 400) assert.equal(g.check(t, 200, true), null);
  assert.equal(forcedQuality("?quality=low"), "low");
  assert.equal(forcedQuality("?quality=ultra"), null);
  assert.equal(forcedQuality(""), null);
  const s = settingsFor("medium", "?q-trees=0&q-shadows=1&q-fogFar=abc&q-nope=3");
  assert.equal(s.trees, 0);
  assert.equal(s.shadows, true);
  assert.equal(s.fogFar, SETTINGS.medium.fogFar, "not a number: ignored");
  assert.equal(s.nope, undefined, "unknown keys ignored");
  for (const l of LEVELS) assert.ok(SETTINGS[l].fogFar > SETTINGS[l].fogNear);
  assert.equal(SETTINGS.medium.shadows, false, "medium has baked shadows only (the frame-time budget)");
});
