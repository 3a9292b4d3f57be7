// Class routes on the page: a ready-made route per challenge (when the
// teacher does not pick the steps one by one), and the way from a pupil to
// the next step (distance and the direction on screen for the arrow).

const READY_STEPS = 6;

/**
 * A ready-made route for a challenge: READY_STEPS of its hotspots, the
 * first the nearest to the spawn, then each the nearest to the previous.
 */
export function readyRoute(zone, challenge, steps = READY_STEPS) {
  const left = zone.hotspots.filter((h) => h.challenge === challenge);
  const s = zone.spawn || { x: 0, y: 0, w: 0, h: 0 };
  let at = { x: s.x + s.w / 2, y: s.y + s.h / 2 };
  const out = [];
  while (out.length < steps && left.length) {
    let best = 0;
    for (let i = 1; i < left.length; i++) {
      if (Math.hypot(left[i].x - at.x, left[i].y - at.y) < Math.hypot(left[best].x - at.x, left[best].y - at.y)) best = i;
    }
    const h = left.splice(best, 1)[0];
    out.push(h.id);
    at = h;
  }
  return out;
}

/**
 * The way from (x, y) to the target: its distance in metres and the angle of
 * the arrow on screen (radians, 0 pointing up, clockwise) for a camera at
 * azimuth (the views look along (-sin az, -cos az) on the map).
 */
export function wayTo(x, y, target, azimuth = 0) {
  const dx = target.x - x;
  const dy = target.y - y;
  const dist = Math.hypot(dx, dy);
  // Forward on screen is the map direction (-sin az, -cos az); right is (cos az, -sin az).
  const fwd = -dx * Math.sin(azimuth) - dy * Math.cos(azimuth);
  const right = dx * Math.cos(azimuth) - dy * Math.sin(azimuth);
  return { dist, angle: Math.atan2(right, fwd) };
}
