// One model per building kind of docs/ZONE.md, built from primitives into
// the merged parts (scene/parts.js), fitted to the building's rectangle and
// height. A kind without a model gets a generic block, counted so the tests
// can check that a map using every kind needs none.
//
// Zone (x, y) is three.js (x, 0, z = y): "south" is +z, where the default
// camera stands, so fronts, doors and signs face +z.

const C = {
  concrete: "#c9c3b6", concreteDark: "#9d978b", steel: "#7f8b97", steelDark: "#55606b",
  white: "#f1f0ea", dark: "#2b2f36", roof: "#6d737a", glass: "#7fb6dc", glassDark: "#4d7ea6",
  red: "#c8352b", orange: "#e0592a", yellow: "#f2c81e", wood: "#8a6a45", navy: "#1f3a5c",
  brick: "#a4553a", green: "#2e8a57", lamp: "#ffe28a",
};
const FACTORY_WALLS = ["#a4553a", "#5c7590", "#d2c6a5", "#4f8a8b", "#8c6d9e", "#b08d4a"];
const WAREHOUSE_WALLS = ["#3f6e9e", "#5a8a5e", "#9aa3ab", "#b0553e"];
export const CONTAINER_COLOURS = ["#c0392b", "#2e6fb0", "#2e8a57", "#e67e22", "#7f8c8d", "#16a085", "#d4ac0d", "#8e44ad"];

/** A stable small hash of a string and a number, for deterministic variety. */
export function hash(s, n = 0) {
  let h = 2166136261 ^ n;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  h = Math.imul(h ^ (h >>> 15), 2246822507);
  return (h ^ (h >>> 13)) >>> 0;
}

function dims(b) {
  const r = b.rect;
  return { x0: r.x, z0: r.y, w: r.w, d: r.h, cx: r.x + r.w / 2, cz: r.y + r.h / 2, H: Math.max(1, b.height || 6) };
}

/** Half-ellipse arc profile [[u, v]] of width wd and height h, u centred. */
function arc(wd, h, n = 10) {
  const pts = [];
  for (let i = 0; i <= n; i++) {
    const a = Math.PI - (i / n) * Math.PI;
    pts.push([(Math.cos(a) * wd) / 2, Math.sin(a) * h]);
  }
  return pts;
}

const MODELS = {
  factory(b, k) {
    const { P } = k;
    const { x0, z0, w, d, cx, cz, H } = dims(b);
    const wallH = Math.max(4, H * 0.68);
    const wall = FACTORY_WALLS[k.index % FACTORY_WALLS.length];
    P.box("solid", wall, cx, 0, cz, w, wallH, d);
    // Saw-tooth roof: teeth across the width, their glazed faces east.
    const n = Math.max(3, Math.round(w / 6));
    const tw = w / n;
    const th = Math.max(2.5, H - wallH);
    for (let i = 0; i < n; i++) {
      const u = x0 + i * tw;
      P.prism("solid", C.roof, [[0, 0], [tw, 0], [tw, th]], u, wallH, cz, d);
      P.box("glow", C.glass, u + tw - 0.12, wallH + 0.2, cz, 0.2, th * 0.8, d * 0.92);
    }
    // Facade: a coloured band, windows, loading doors.
    P.box("solid", k.accent, cx, wallH - 1.2, z0 + d + 0.08, w + 0.02, 1.2, 0.2);
    P.box("glow", C.glassDark, cx, wallH * 0.5, z0 + d + 0.1, w * 0.86, 1.3, 0.2);
    const doors = Math.max(1, Math.floor(w / 10));
    for (let i = 0; i < doors; i++) {
      const x = x0 + ((i + 0.5) * w) / doors;
      P.box("solid", C.steelDark, x, 0, z0 + d + 0.12, Math.min(4.5, w / doors - 1), Math.min(4.5, wallH * 0.4), 0.25);
    }
    // A chimney at the back corner, smoking.
    const chx = x0 + w * 0.82;
    const chz = z0 + d * 0.22;
    const chH = H * 0.75;
    P.cyl("solid", C.concreteDark, chx, wallH, chz, 1.1, chH, 10, 0.8);
    P.cyl("solid", C.red, chx, wallH + chH * 0.82, chz, 0.95, chH * 0.1, 10);
    k.smoke(chx, wallH + chH, chz, 1);
    k.sign(b.name, cx, wallH - 3.3, z0 + d + 0.25, Math.min(w * 0.7, 14));
    return true;
  },

  power_plant(b, k) {
    const { P } = k;
    const { x0, z0, w, d, H } = dims(b);
    const z1 = z0 + d;
    const hallW = w * 0.6;
    const hallH = H * 0.55;
    P.box("solid", C.steel, x0 + hallW / 2, 0, z0 + d / 2, hallW, hallH, d);
    P.prism("solid", C.roof, [[-d / 2, 0], [d / 2, 0], [0, 2.5]], x0 + hallW / 2, hallH, z0 + d / 2, hallW, Math.PI / 2);
    const bw = w - hallW;
    P.box("solid", C.concrete, x0 + hallW + bw / 2, 0, z0 + d * 0.45, bw, H, d * 0.9);
    for (let f = 1; f <= 3; f++) P.box("glow", C.glassDark, x0 + hallW + bw / 2, (H * f) / 4, z0 + d * 0.9 + 0.05, bw * 0.8, 1.2, 0.2);
    P.box("glow", C.glass, x0 + hallW / 2, hallH * 0.55, z1 + 0.1, hallW * 0.85, 2, 0.2);
    // Pipes from the boiler house along the hall.
    for (let i = 0; i < 3; i++) {
      P.cylAt("solid", i === 1 ? C.red : C.white, x0 + hallW / 2, hallH * 0.25 + i * 1.6, z1 + 1.2, 0.55, hallW, 10, 0, 0, Math.PI / 2);
    }
    P.box("solid", C.steelDark, x0 + hallW + 1, 0, z1 + 0.5, 1.2, hallH * 0.25 + 5, 1.2);
    k.sign(b.name, x0 + hallW / 2, hallH * 0.8, z1 + 0.25, Math.min(hallW * 0.8, 16));
    return true;
  },

  chimney(b, k) {
    const { P } = k;
    const { w, d, cx, cz, H } = dims(b);
    const r = Math.min(w, d) / 2;
    P.cyl("solid", C.concrete, cx, 0, cz, r * 1.3, 1.5, 12);
    P.cyl("solid", C.white, cx, 0, cz, r, H, 14, 0.62);
    for (let i = 0; i < 4; i++) {
      const y = H * (0.56 + i * 0.12);
      P.cyl("solid", C.red, cx, y, cz, r * (1 - (0.38 * (y + H * 0.03)) / H) + 0.06, H * 0.06, 14);
    }
    P.cyl("solid", C.dark, cx, H - 0.6, cz, r * 0.64, 0.7, 14);
    k.smoke(cx, H, cz, 2);
    return true;
  },

  cooling_tower(b, k) {
    const { P } = k;
    const { w, d, cx, cz, H } = dims(b);
    const r = Math.min(w, d) / 2;
    const prof = [];
    for (let i = 0; i <= 8; i++) {
      const t = i / 8;
      // Waisted: wide base, narrow at 70 %, flaring slightly to the top.
      const rr = r * (0.66 + 0.34 * Math.pow(Math.abs(t - 0.72) / 0.72, 1.6) * (t < 0.72 ? 1 : 0.35));
      prof.push([rr, t * H]);
    }
    k.lathe("solid", C.concrete, prof, cx, cz);
    P.cyl("solid", C.concreteDark, cx, H * 0.75, cz, r * 0.62, 0.4, 16);
    P.cyl("solid", C.concreteDark, cx, 0, cz, r * 1.02, 1.2, 16);
    k.smoke(cx, H, cz, 4, "steam");
    return true;
  },

  solar_farm(b, k) {
    const { P } = k;
    const { x0, z0, w, d } = dims(b);
    const rows = Math.max(1, Math.floor((d - 1) / 4));
    const segs = Math.max(1, Math.round((w - 2) / 8));
    const sl = (w - 2) / segs;
    for (let j = 0; j < rows; j++) {
      const z = z0 + 2.5 + j * 4;
      for (let i = 0; i < segs; i++) {
        const x = x0 + 1 + (i + 0.5) * sl;
        P.boxAt("solid", "#1e3f7a", x, 1.3, z, sl - 0.6, 0.12, 2.4, 0, 0.5);
        P.boxAt("glow", "#6f9fd8", x, 1.38, z - 0.6, sl - 0.7, 0.04, 0.08, 0, 0.5);
        P.box("solid", C.steel, x, 0, z + 0.7, 0.15, 0.9, 0.15);
      }
    }
    P.box("solid", C.white, x0 + 2, 0, z0 + d - 1.5, 3, 2.4, 2.4);
    k.sign(b.name, x0 + w / 2, 0.6, z0 + d + 0.6, 10, null, true);
    return true;
  },

  wind_turbine(b, k) {
    const { P } = k;
    const { w, d, cx, cz, H } = dims(b);
    const r = Math.max(1, Math.min(w, d) / 2);
    P.cyl("solid", C.concrete, cx, 0, cz, r * 1.2, 0.8, 12);
    P.cyl("solid", C.white, cx, 0, cz, r * 0.8, H, 12, 0.55);
    P.box("solid", C.white, cx, H - 1, cz - 0.6, 2.4, 2.4, 5.2);
    k.rotor(cx, H + 0.2, cz + 2.2, H * 0.45);
    return true;
  },

  tidal_plant(b, k) {
    const { P } = k;
    const { x0, z0, w, d, cx, cz, H } = dims(b);
    // The dam body, from the sea floor to above the water.
    P.box("solid", C.concrete, cx, -2, cz, w, 6.5, d);
    P.box("solid", C.concreteDark, cx, 4.5, z0 + d - 0.8, w, 0.9, 1.2);
    // The machine hall on top.
    const hh = Math.max(4, H - 4.5);
    P.box("solid", "#dfe6ea", cx, 4.5, z0 + d * 0.35, w * 0.62, hh, d * 0.42);
    P.box("solid", "#2a7f8f", cx, 4.5 + hh - 1.2, z0 + d * 0.56 + 0.02, w * 0.62, 1.2, 0.3);
    P.box("glow", C.glassDark, cx, 4.5 + hh * 0.35, z0 + d * 0.56 + 0.05, w * 0.55, 1.4, 0.2);
    // Turbine housings and sluice gates on the sea side, foam below.
    const n = Math.max(3, Math.floor(w / 11));
    for (let i = 0; i < n; i++) {
      const x = x0 + ((i + 0.5) * w) / n;
      P.cylAt("solid", "#3b5b6b", x, 0.6, z0 + d + 1.4, 1.9, 3, 12, 0, Math.PI / 2);
      P.box("solid", C.dark, x + w / n / 2, -1, z0 + d + 0.1, 2.2, 4.5, 0.4);
      P.box("glow", "#e7f3f7", x, 0.02, z0 + d + 4.2, 4.5, 0.08, 3.5);
    }
    k.sign(b.name, cx, 4.5 + hh * 0.7, z0 + d * 0.56 + 0.2, Math.min(w * 0.5, 18));
    return true;
  },

  warehouse(b, k) {
    const { P } = k;
    const { x0, z0, w, d, cx, cz, H } = dims(b);
    const wall = WAREHOUSE_WALLS[k.index % WAREHOUSE_WALLS.length];
    const along = w >= d; // the roof's axis follows the long side
    const wallH = H * 0.72;
    P.box("solid", wall, cx, 0, cz, w, wallH, d);
    if (along) P.prism("solid", C.steel, arc(d, H - wallH), cx, wallH, cz, w, Math.PI / 2);
    else P.prism("solid", C.steel, arc(w, H - wallH), cx, wallH, cz, d);
    const doors = Math.max(1, Math.floor(w / 9));
    for (let i = 0; i < doors; i++) {
      P.box("solid", "#d5d8db", x0 + ((i + 0.5) * w) / doors, 0, z0 + d + 0.1, Math.min(4.2, w / doors - 1.5), Math.min(4.6, wallH * 0.6), 0.2);
    }
    P.box("solid", C.concreteDark, cx, 0, z0 + d + 1, w, 1.1, 2);
    P.box("solid", "#ffffff", cx, wallH - 0.9, z0 + d + 0.08, w + 0.02, 0.5, 0.2);
    k.sign(b.name, cx, wallH * 0.78, z0 + d + 0.25, Math.min(w * 0.6, 14));
    return true;
  },

  tank(b, k) {
    const { P } = k;
    const { w, d, cx, cz, H } = dims(b);
    const r = (Math.min(w, d) / 2) * 0.95;
    const body = H * 0.85;
    P.cyl("solid", C.white, cx, 0, cz, r, body, 18);
    P.dome("solid", "#dcdcd6", cx, body, cz, r, H - body);
    P.cyl("solid", k.index % 2 ? C.green : "#2e6fb0", cx, body * 0.72, cz, r + 0.03, body * 0.1, 18);
    P.box("solid", C.steelDark, cx + r * 0.7, 0, cz + r * 0.72, 0.5, body, 0.3, -Math.PI / 4);
    return true;
  },

  silo(b, k) {
    const { P } = k;
    const { w, d, cx, cz, H } = dims(b);
    const r = Math.min(w, d) / 2;
    const body = H * 0.82;
    P.cyl("solid", "#d9d2c1", cx, 0, cz, r, body, 16);
    P.cyl("solid", C.steel, cx, body, cz, r, H - body, 16, 0.12);
    for (let i = 1; i <= 3; i++) P.cyl("solid", C.concreteDark, cx, (body * i) / 4, cz, r + 0.05, 0.35, 16);
    P.box("solid", C.steelDark, cx, 0, cz + r, 0.6, body, 0.3);
    k.sign(b.name, cx, 3.2, cz + r + 0.4, Math.min(w * 0.9, 9));
    return true;
  },

  crane(b, k) {
    const { P } = k;
    const { x0, z0, w, d, cx, cz, H } = dims(b);
    const col = k.index % 2 ? C.orange : "#2f6fd0";
    const legH = H * 0.58;
    for (const x of [x0 + 0.5, x0 + w - 0.5]) {
      for (const z of [z0 + 0.5, z0 + d - 0.5]) P.box("solid", col, x, 0, z, 0.9, legH, 0.9);
      P.box("solid", col, x, legH * 0.45, cz, 0.7, 0.7, d);
      P.box("solid", C.dark, x, 0, cz, 1.2, 0.7, d + 1);
    }
    for (const z of [z0 + 0.5, z0 + d - 0.5]) P.box("solid", col, cx, legH - 1, z, w, 1, 0.9);
    // Machine house, boom over the water (south) and back over the quay.
    P.box("solid", C.white, cx, legH, cz - 1, w * 0.8, 3.2, d * 0.55);
    const boomY = legH + 3.6;
    const front = z0 + d + 30;
    const back = z0 - 12;
    P.box("solid", col, cx, boomY, (front + back) / 2, 1.8, 1.6, front - back);
    // A-frame and stays.
    const apex = [cx, H, cz];
    for (const x of [cx - 1.5, cx + 1.5]) P.beam("solid", col, [x, legH + 3.2, cz - 2], apex, 0.7);
    P.beam("solid", C.dark, apex, [cx, boomY + 1.6, front - 2], 0.18);
    P.beam("solid", C.dark, apex, [cx, boomY + 1.6, back + 1], 0.18);
    P.beam("solid", C.dark, apex, [cx, boomY + 1.6, (front + cz) / 2], 0.15);
    // Trolley, hoist cables and a container on the hook.
    const tz = z0 + d + 12 + (k.index % 3) * 4;
    P.box("solid", C.dark, cx, boomY - 0.8, tz, 2.4, 0.8, 2.4);
    P.box("glow", C.glass, cx + 1.6, boomY - 2.2, tz - 1.5, 1.6, 1.6, 1.6);
    const hookY = 7 + (k.index % 2) * 5;
    for (const dx of [-0.8, 0.8]) P.box("solid", C.dark, cx + dx, hookY + 2.6, tz, 0.08, boomY - hookY - 3.4, 0.08);
    P.box("solid", CONTAINER_COLOURS[k.index % CONTAINER_COLOURS.length], cx, hookY, tz, 2.5, 2.6, 6.1, Math.PI / 2);
    return true;
  },

  container_stack(b, k) {
    const { P } = k;
    const { x0, z0, w, d, H } = dims(b);
    const nx = Math.max(1, Math.floor(w / 6.2));
    const nz = Math.max(1, Math.floor(d / 2.6));
    const layers = Math.max(1, Math.round(H / 2.6));
    const gx = (w - nx * 6.1) / nx;
    const gz = (d - nz * 2.45) / nz;
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < nz; j++) {
        const top = layers - (hash(b.id, i * 31 + j) % 2);
        for (let l = 0; l < Math.max(1, top); l++) {
          const c = CONTAINER_COLOURS[hash(b.id, i * 997 + j * 131 + l * 17) % CONTAINER_COLOURS.length];
          P.box("solid", c, x0 + gx / 2 + 3.05 + i * (6.1 + gx), l * 2.6, z0 + gz / 2 + 1.22 + j * (2.45 + gz), 6.05, 2.55, 2.42);
        }
      }
    }
    return true;
  },

  ship(b, k) {
    const { P } = k;
    const { x0, z0, w, d, cz, H } = dims(b);
    const x1 = x0 + w;
    const z1 = z0 + d;
    const hull = [[x0, z0 + d * 0.08], [x0 + w * 0.84, z0], [x1, cz], [x0 + w * 0.84, z1], [x0, z1 - d * 0.08]];
    const deck = Math.max(3, H * 0.3);
    P.slab("solid", C.red, hull, -1.5, 0.7);
    P.slab("solid", k.index % 2 ? "#24425f" : "#1d5d3f", hull, 0.7, deck);
    const inset = hull.map(([x, z]) => [x0 + 0.4 + (x - x0) * 0.985, cz + (z - cz) * 0.9]);
    P.slab("solid", "#7d6b5a", inset, deck, deck + 0.25);
    // Bridge and funnel at the stern (west).
    const bx = x0 + w * 0.1;
    const bh = Math.max(5, H - deck);
    P.box("solid", C.white, bx, deck, cz, w * 0.11, bh, d * 0.8);
    P.box("glow", C.glassDark, bx + w * 0.055 + 0.05, deck + bh - 1.8, cz, 0.2, 1.2, d * 0.74);
    P.box("solid", C.white, bx, deck + bh, cz, w * 0.13, 0.4, d * 0.95);
    P.cyl("solid", k.index % 2 ? C.red : C.yellow, x0 + w * 0.035, deck, cz, 1.3, bh * 0.8, 10);
    // Containers on deck.
    const cx0 = x0 + w * 0.2;
    const cx1 = x0 + w * 0.8;
    const nx = Math.max(1, Math.floor((cx1 - cx0) / 6.4));
    const nz = Math.max(1, Math.floor((d * 0.78) / 2.5));
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < nz; j++) {
        const layers = 1 + (hash(b.id, i * 7 + j) % 3);
        for (let l = 0; l < layers; l++) {
          const c = CONTAINER_COLOURS[hash(b.id, i * 101 + j * 13 + l) % CONTAINER_COLOURS.length];
          P.box("solid", c, cx0 + 3.2 + i * 6.4, deck + 0.25 + l * 2.6, cz - ((nz - 1) * 2.5) / 2 + j * 2.5, 6.05, 2.55, 2.42);
        }
      }
    }
    k.sign(b.name, x0 + w * 0.55, deck - 2.2, z1 + 0.05, Math.min(w * 0.3, 14), { bg: "#24425f" });
    return true;
  },

  lighthouse(b, k) {
    const { P } = k;
    const { w, d, cx, cz, H } = dims(b);
    const r = (Math.min(w, d) / 2) * 0.7;
    P.cyl("solid", C.concrete, cx, 0, cz, r * 1.5, 1.5, 12);
    const bands = 6;
    const towerH = H * 0.8;
    for (let i = 0; i < bands; i++) {
      const y0 = 1.5 + (i * (towerH - 1.5)) / bands;
      const rb = r * (1 - (0.35 * i) / bands);
      const rt = r * (1 - (0.35 * (i + 1)) / bands);
      P.cyl("solid", i % 2 ? C.white : C.red, cx, y0, cz, rb, (towerH - 1.5) / bands, 14, rt / rb);
    }
    P.cyl("solid", C.dark, cx, towerH, cz, r * 0.9, 0.4, 14);
    P.cyl("glow", C.lamp, cx, towerH + 0.4, cz, r * 0.5, H - towerH - 1.6, 12);
    P.cyl("solid", C.red, cx, H - 1.2, cz, r * 0.6, 1.2, 12, 0);
    return true;
  },

  port_office(b, k) {
    const { P } = k;
    const { x0, z0, w, d, cx, cz, H } = dims(b);
    const bodyH = H * 0.6;
    P.box("solid", C.white, cx, 0, cz, w, bodyH, d);
    P.box("glow", C.glassDark, cx, bodyH * 0.5, z0 + d + 0.05, w * 0.85, 1.4, 0.2);
    P.box("solid", C.navy, cx, bodyH, cz, w + 0.4, 0.5, d + 0.4);
    const tx = x0 + w * 0.8;
    P.box("solid", C.white, tx, bodyH, cz, w * 0.25, H - bodyH - 2, d * 0.5);
    P.box("glow", C.glass, tx, H - 2, cz, w * 0.34, 1.8, d * 0.6);
    P.box("solid", C.navy, tx, H - 0.2, cz, w * 0.38, 0.4, d * 0.66);
    P.box("solid", C.dark, tx, H + 0.6, cz, 3.5, 0.3, 0.4);
    k.sign(b.name, x0 + w * 0.4, bodyH * 0.78, z0 + d + 0.25, Math.min(w * 0.6, 10));
    return true;
  },

  info_centre(b, k) {
    const { P } = k;
    const { x0, z0, w, d, cx, cz, H } = dims(b);
    P.box("solid", C.white, cx, 0, cz, w, 0.6, d);
    P.box("glow", "#8cc4ea", cx, 0.6, cz, w - 1, H - 1.4, d - 1);
    for (let i = 0; i <= 6; i++) P.box("solid", C.white, x0 + 0.5 + (i * (w - 1)) / 6, 0.6, z0 + d - 0.5, 0.4, H - 1.4, 0.4);
    P.box("solid", C.white, cx, H - 0.8, cz, w + 2, 0.8, d + 2);
    // The "i" sign on the roof, facing the plaza.
    const sx = x0 + w * 0.8;
    P.box("solid", C.steelDark, sx, H, z0 + d - 2, 0.4, 2.5, 0.4);
    P.cylAt("solid", "#1f6fd1", sx, H + 4.5, z0 + d - 2, 3, 0.5, 20, 0, Math.PI / 2);
    P.box("solid", C.white, sx, H + 2.7, z0 + d - 1.7, 0.9, 2.6, 0.2);
    P.box("solid", C.white, sx, H + 5.8, z0 + d - 1.7, 0.9, 0.9, 0.2);
    k.sign(b.name, x0 + w * 0.38, H - 0.75, z0 + d + 1.05, Math.min(w * 0.55, 16), { bg: "#1f6fd1" });
    return true;
  },

  training_centre(b, k) {
    const { P } = k;
    const { x0, z0, w, d, cx, cz, H } = dims(b);
    const wallH = H * 0.75;
    P.box("solid", C.brick, cx, 0, cz, w, wallH, d);
    P.prism("solid", "#5b5f66", [[-d / 2 - 0.6, 0], [d / 2 + 0.6, 0], [0, H - wallH + 1.5]], cx, wallH, cz, w + 1, Math.PI / 2);
    for (let f = 0; f < 2; f++) {
      const y = 1.2 + f * (wallH / 2);
      for (let i = 0; i < Math.floor(w / 4); i++) P.box("glow", C.glassDark, x0 + 2 + i * 4, y, z0 + d + 0.05, 2.2, 1.6, 0.2);
    }
    P.box("solid", C.white, cx, wallH * 0.45, z0 + d + 1.2, 8, 0.3, 2.4);
    P.box("solid", C.dark, cx, 0, z0 + d + 0.1, 3, wallH * 0.42, 0.2);
    k.sign(b.name, cx, wallH * 0.72, z0 + d + 0.25, Math.min(w * 0.6, 14), { bg: C.green });
    return true;
  },

  office(b, k) {
    const { P } = k;
    const { w, d, cx, cz, z0, H } = dims(b);
    P.box("solid", "#d4d8dc", cx, 0, cz, w, H, d);
    const floors = Math.max(2, Math.floor(H / 3.4));
    for (let f = 0; f < floors; f++) P.box("glow", "#6d9cc4", cx, 1 + (f * H) / floors, cz, w + 0.2, 1.5, d + 0.2);
    P.box("solid", C.steel, cx - w * 0.2, H, cz, w * 0.3, 1.6, d * 0.3);
    k.sign(b.name, cx, H - 1.4, z0 + d + 0.2, Math.min(w * 0.7, 10));
    return true;
  },

  agora_stage(b, k) {
    const { P } = k;
    const { x0, z0, w, d, cx, cz, H } = dims(b);
    P.box("solid", C.wood, cx, 0, cz, w, 1.2, d);
    P.box("solid", C.dark, cx, 1.2, z0 + 0.4, w, H + 2, 0.8);
    P.box("glow", "#23498f", cx, 2.2, z0 + 0.85, w * 0.6, H * 0.75, 0.1);
    for (const x of [x0 + 0.4, x0 + w - 0.4]) for (const z of [z0 + 0.4, z0 + d - 0.4]) P.box("solid", C.steel, x, 1.2, z, 0.3, H + 2.2, 0.3);
    P.box("solid", C.white, cx, H + 3.4, cz, w + 1.5, 0.35, d + 1.5);
    for (const x of [x0 + 1.2, x0 + w - 1.2]) P.box("solid", C.dark, x, 1.2, z0 + d - 1.2, 1.2, 2.4, 1.1);
    P.box("solid", C.wood, cx, 1.2, z0 + d - 1.6, 1, 1.2, 0.7);
    // Benches in front of the stage.
    for (let row = 0; row < 5; row++) {
      for (const side of [-1, 1]) P.box("solid", C.wood, cx + side * (w * 0.3), 0, z0 + d + 5 + row * 3, w * 0.45, 0.45, 0.5);
    }
    k.sign(b.name, cx, H + 2.2, z0 + d + 0.8, Math.min(w * 0.8, 12), { bg: "#c05780" });
    return true;
  },

  welcome_sign(b, k) {
    const { P } = k;
    const { x0, z0, w, d, cx, cz, H } = dims(b);
    for (const x of [x0 + 0.5, x0 + w - 0.5]) P.box("solid", C.navy, x, 0, cz, 0.8, H, d * 0.6);
    const ph = Math.min(H * 0.5, (w - 1) / 5.33 * 1.6);
    P.box("solid", "#b3400b", cx, H - ph - 0.2, cz, w, ph + 0.4, 0.6);
    k.sign(b.name, cx, H - ph / 2 - 0.2, cz + 0.32, w - 1.2, { bg: "#b3400b" }, false, ph);
    const flags = ["#E69F00", "#CC79A7", "#56B4E9", "#009E73"];
    flags.forEach((c, i) => {
      const x = x0 + 1 + (i * (w - 2)) / 3;
      P.box("solid", C.steelDark, x, H, cz, 0.12, 2.2, 0.12);
      P.box("solid", c, x + 0.6, H + 1.3, cz, 1.2, 0.8, 0.05);
    });
    return true;
  },

  map_board(b, k) {
    const { P } = k;
    const { x0, w, d, cx, cz, H } = dims(b);
    for (const x of [x0 + 0.3, x0 + w - 0.3]) P.box("solid", C.steelDark, x, 0, cz, 0.25, H, 0.25);
    const bh = Math.min(H - 0.6, w * 0.62);
    P.box("solid", C.navy, cx, H - bh - 0.1, cz, w, bh + 0.3, 0.25);
    k.mapBoard(cx, H - bh / 2 + 0.05, cz + 0.14, w - 0.4, bh - 0.2);
    k.sign(b.name, cx, H + 0.55, cz + 0.14, w * 0.9, { bg: C.navy });
    void d;
    return true;
  },
};

/** Every kind that has its own model. */
export const MODEL_KINDS = Object.keys(MODELS);

/** The generic block for kinds without a model. */
function generic(b, k) {
  const { P } = k;
  const { cx, cz, w, d, z0, H } = dims(b);
  P.box("solid", "#9e9e9e", cx, 0, cz, w, H, d);
  P.box("solid", "#7a7a7a", cx, H, cz, w * 0.9, 0.4, d * 0.9);
  k.sign(b.name, cx, H * 0.7, z0 + d + 0.2, Math.min(w * 0.7, 12));
}

/**
 * Builds building b into the kit's parts. kit: {P, index, accent, sign,
 * smoke, rotor, lathe, mapBoard}. Returns false when the generic block was
 * used (an unknown kind).
 */
export function buildModel(b, kit) {
  const fn = Object.hasOwn(MODELS, b.kind) ? MODELS[b.kind] : null;
  if (fn && fn(b, kit)) return true;
  generic(b, kit);
  return false;
}
