// The counts as the page says them (no browser needed): exact below 1,000,
// « environ » from 1,000 on, where the server rounds them (PROTOCOL.md §4).
import { test } from "node:test";
import assert from "node:assert/strict";
import { T, approx } from "../src/texts.js";

test("counts below 1,000 are said exactly, from 1,000 on as approximate", () => {
  assert.equal(approx(0), "0");
  assert.equal(approx(999), "999");
  assert.equal(approx(1000), "environ 1\u202f000");
  assert.equal(approx(98000), "environ 98\u202f000");
  assert.equal(approx(1200000), "environ 1\u202f200\u202f000");
  assert.equal(T.online(1), "1 visiteur en ligne");
  assert.equal(T.online(3), "3 visiteurs en ligne");
  assert.equal(T.online(98000), "environ 98\u202f000 visiteurs en ligne");
  assert.equal(T.crowd(0), "");
  assert.match(T.crowd(1400), /^Il y a foule : environ 1\u202f400 visiteurs de plus autour de toi/);
});
