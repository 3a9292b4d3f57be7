// Quality levels of the 3D view. ?quality=low|medium|high forces one;
// without it the page starts at medium and steps down (then up again) by
// itself from the measured frame times, on top of the resolution scale the
// view already adapts. Shadows: every level has the buildings' shadows
// painted on the ground for the fixed sun (free at run time) and blob
// shadows under avatars; high adds real-time shadow maps (soft) instead.

export const LEVELS = ["low", "medium", "high"];

export const SETTINGS = {
  low: {
    shadows: false, shadowSize: 0, shadowRange: 0, litGround: false, trees: 0, smoke: false,
    maxPixelRatio: 1, minScale: 0.5, antialias: false, anisotropy: 1, fogNear: 140, fogFar: 520, far: 1500,
  },
  medium: {
    shadows: false, shadowSize: 0, shadowRange: 0, litGround: true, trees: 0.4, smoke: true,
    maxPixelRatio: 1.25, minScale: 0.5, antialias: false, anisotropy: 2, fogNear: 220, fogFar: 1100, far: 4000,
  },
  high: {
    shadows: true, shadowSize: 2048, shadowRange: 110, litGround: true, trees: 0.6, smoke: true,
    maxPixelRatio: 2, minScale: 0.5, antialias: true, anisotropy: 4, fogNear: 300, fogFar: 1500, far: 4000,
  },
};

/** The level asked for in the page's address, or null. */
export function forcedQuality(search = window.location.search) {
  const q = new URLSearchParams(search).get("quality");
  return LEVELS.includes(q) ? q : null;
}

/**
 * Decides automatic steps from frame times: down after a few seconds of
 * slow frames at the lowest resolution, up after a long run of fast ones.
 */
export class QualityGovernor {
  constructor(level, forced) {
    this.level = level;
    this.forced = forced;
    this.slowSince = 0;
    this.fastSince = 0;
  }

  /** Returns the level to switch to, or null to stay. */
  check(now, frameMs, atMinScale) {
    if (this.forced) return null;
    const i = LEVELS.indexOf(this.level);
    if (frameMs > 48 && atMinScale) {
      this.fastSince = 0;
      if (!this.slowSince) this.slowSince = now;
      if (now - this.slowSince > 4000 && i > 0) {
        this.slowSince = 0;
        return (this.level = LEVELS[i - 1]);
      }
    } else if (frameMs < 18) {
      this.slowSince = 0;
      if (!this.fastSince) this.fastSince = now;
      if (now - this.fastSince > 15000 && i < LEVELS.length - 1) {
        this.fastSince = 0;
        return (this.level = LEVELS[i + 1]);
      }
    } else {
      this.slowSince = 0;
      this.fastSince = 0;
    }
    return null;
  }
}

/**
 * The settings of a level, with overrides from the address for measuring
 * (?q-shadows=0&q-trees=0…; numbers and 0/1 only). Unknown keys are ignored.
 */
export function settingsFor(level, search = window.location.search) {
  const out = { ...SETTINGS[level] };
  for (const [k, v] of new URLSearchParams(search)) {
    const key = k.startsWith("q-") ? k.slice(2) : "";
    if (!Object.hasOwn(out, key) || !/^[0-9.]+$/.test(v)) continue;
    out[key] = typeof out[key] === "boolean" ? v !== "0" : Number(v);
  }
  return out;
}
