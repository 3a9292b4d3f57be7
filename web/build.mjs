// Builds the page into dist/: content-hashed assets under dist/assets/, an
// index.html referencing them (the visitor's page), classe.html (the
// teacher's page, served at /classe) and moderation.html (the moderators',
// at /moderation), a build id (dist/build.txt, also in
// every page), and .gz/.br copies of every compressible file. Prints the
// visitor page's first-load size.
//
//   node build.mjs            build
//   node build.mjs --quiet    build, print only the summary line

import { build } from "esbuild";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { join, relative, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync, brotliCompressSync, constants as zc } from "node:zlib";

const root = dirname(fileURLToPath(import.meta.url));
const src = join(root, "src");
const dist = join(root, "dist");
const assets = join(dist, "assets");
const quiet = process.argv.includes("--quiet");
const FIRST_LOAD_LIMIT = 1024 * 1024;

// Clean dist/ but keep the committed placeholder.
if (existsSync(dist)) {
  for (const f of readdirSync(dist)) if (f !== ".gitkeep") rmSync(join(dist, f), { recursive: true, force: true });
}
mkdirSync(assets, { recursive: true });
writeFileSync(join(dist, ".gitkeep"), "");

const result = await build({
  entryPoints: { app: join(src, "main.js"), teacher: join(src, "teacher.js"), moderation: join(src, "moderation.js"), style: join(src, "style.css") },
  bundle: true,
  splitting: true,
  format: "esm",
  target: ["es2020", "chrome90", "firefox90", "safari15"],
  minify: true,
  sourcemap: false,
  legalComments: "linked",
  outdir: assets,
  entryNames: "[name]-[hash]",
  chunkNames: "[name]-[hash]",
  assetNames: "[name]-[hash]",
  metafile: true,
  logLevel: "warning",
  define: { "process.env.NODE_ENV": '"production"' },
});

const outputs = result.metafile.outputs;
const rel = (p) => relative(dist, join(root, p)).split("\\").join("/");
let jsEntry = "";
let teacherEntry = "";
let moderationEntry = "";
let cssEntry = "";
for (const [file, o] of Object.entries(outputs)) {
  if (o.entryPoint && o.entryPoint.endsWith("main.js")) jsEntry = file;
  if (o.entryPoint && o.entryPoint.endsWith("teacher.js")) teacherEntry = file;
  if (o.entryPoint && o.entryPoint.endsWith("moderation.js")) moderationEntry = file;
  if (file.endsWith(".css") && o.entryPoint && o.entryPoint.endsWith("style.css")) cssEntry = file;
}
if (!jsEntry || !teacherEntry || !moderationEntry || !cssEntry) throw new Error("build: entry outputs not found");
// style.css also yields an empty JS stub in some esbuild versions: drop it.
for (const [file, o] of Object.entries(outputs)) {
  if (o.entryPoint && o.entryPoint.endsWith("style.css") && file.endsWith(".js")) rmSync(join(root, file), { force: true });
}

// Static imports of an entry (shared chunks) are preloaded; the 3D view is a
// dynamic import fetched only where WebGL works.
const dynamicImports = (outputs[jsEntry].imports || []).filter((i) => i.kind === "dynamic-import").map((i) => i.path);
const closure = (files) => {
  const seen = new Set();
  const walk = (f) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const i of outputs[f]?.imports || []) if (i.kind === "import-statement") walk(i.path);
  };
  files.forEach(walk);
  return seen;
};

// The build id: a hash of every asset's bytes.
const assetFiles = readdirSync(assets).sort();
const h = createHash("sha256");
for (const f of assetFiles) {
  h.update(f);
  h.update(readFileSync(join(assets, f)));
}
const buildId = `web-${h.digest("hex").slice(0, 12)}`;

const preloadOf = (entry) => (outputs[entry].imports || []).filter((i) => i.kind === "import-statement")
  .map((i) => `<link rel="modulepreload" href="/${rel(i.path)}">\n`).join("");
const page = (template, entry) => readFileSync(join(src, template), "utf8")
  .replace("%BUILD%", buildId)
  .replace("%CSS%", `/${rel(cssEntry)}`)
  .replace("%JS%", `/${rel(entry)}`)
  .replace("%PRELOAD%", preloadOf(entry));
writeFileSync(join(dist, "index.html"), page("index.html", jsEntry));
writeFileSync(join(dist, "classe.html"), page("classe.html", teacherEntry));
writeFileSync(join(dist, "moderation.html"), page("moderation.html", moderationEntry));
writeFileSync(join(dist, "build.txt"), `${buildId}\n`);

// Compressed copies.
const compressible = /\.(html|js|css|svg|json|txt)$/;
const sizes = new Map();
function walkDir(d) {
  for (const f of readdirSync(d)) {
    const p = join(d, f);
    if (statSync(p).isDirectory()) walkDir(p);
    else if (compressible.test(f) && f !== "build.txt") {
      const raw = readFileSync(p);
      const gz = gzipSync(raw, { level: 9 });
      const br = brotliCompressSync(raw, { params: { [zc.BROTLI_PARAM_QUALITY]: 11, [zc.BROTLI_PARAM_SIZE_HINT]: raw.length } });
      writeFileSync(`${p}.gz`, gz);
      writeFileSync(`${p}.br`, br);
      sizes.set(relative(dist, p).split("\\").join("/"), { raw: raw.length, gz: gz.length, br: br.length });
    }
  }
}
walkDir(dist);

// First load with WebGL: index.html, CSS, the entry, its static chunks and the 3D chunk(s).
const firstLoad = new Set(["index.html", rel(cssEntry), ...[...closure([jsEntry, ...dynamicImports])].map(rel)]);
let total = { raw: 0, gz: 0, br: 0 };
for (const f of firstLoad) {
  const s = sizes.get(f);
  if (!s) continue;
  total = { raw: total.raw + s.raw, gz: total.gz + s.gz, br: total.br + s.br };
}
const report = { build: buildId, firstLoad: [...firstLoad], bytes: total, limit: FIRST_LOAD_LIMIT };
writeFileSync(join(dist, "size.json"), JSON.stringify(report, null, 2));
if (!quiet) {
  for (const [f, s] of [...sizes].sort()) console.log(`${f.padEnd(40)} ${String(s.raw).padStart(8)} raw ${String(s.gz).padStart(8)} gz ${String(s.br).padStart(8)} br`);
}
console.log(`build ${buildId}: first load ${total.gz} bytes gzip, ${total.br} bytes brotli (${total.raw} raw)`);
if (total.gz > FIRST_LOAD_LIMIT) {
  console.error(`first load over ${FIRST_LOAD_LIMIT} bytes compressed`);
  process.exit(1);
}
