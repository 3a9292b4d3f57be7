// Simple icons of the building kinds for the 2D view, the minimap and the
// map board: the same places as in 3D, recognisable from above. Each draws
// in a box of side s centred on (x, y), in white on the building's colour.

const ICONS = {
  factory(g, x, y, s) { // saw-tooth roof and a chimney
    g.beginPath();
    g.moveTo(x - s / 2, y + s / 3);
    for (let i = 0; i < 3; i++) {
      const x0 = x - s / 2 + (i * s) / 3;
      g.lineTo(x0, y - s / 8);
      g.lineTo(x0 + s / 3, y + s / 12);
    }
    g.lineTo(x + s / 2, y + s / 3);
    g.closePath();
    g.fill();
    g.fillRect(x + s / 4, y - s / 2, s / 8, s / 2.5);
  },
  power_plant(g, x, y, s) { // a lightning bolt
    g.beginPath();
    g.moveTo(x + s / 8, y - s / 2);
    g.lineTo(x - s / 4, y + s / 10);
    g.lineTo(x, y + s / 10);
    g.lineTo(x - s / 8, y + s / 2);
    g.lineTo(x + s / 4, y - s / 10);
    g.lineTo(x, y - s / 10);
    g.closePath();
    g.fill();
  },
  chimney(g, x, y, s) {
    g.fillRect(x - s / 8, y - s / 2, s / 4, s);
    g.beginPath();
    g.arc(x + s / 6, y - s / 2, s / 6, 0, Math.PI * 2);
    g.fill();
  },
  cooling_tower(g, x, y, s) {
    g.beginPath();
    g.moveTo(x - s / 2.5, y + s / 2);
    g.quadraticCurveTo(x - s / 6, y, x - s / 4, y - s / 2);
    g.lineTo(x + s / 4, y - s / 2);
    g.quadraticCurveTo(x + s / 6, y, x + s / 2.5, y + s / 2);
    g.closePath();
    g.fill();
  },
  solar_farm(g, x, y, s) { // a sun
    g.beginPath();
    g.arc(x, y, s / 5, 0, Math.PI * 2);
    g.fill();
    g.lineWidth = Math.max(1, s / 12);
    for (let i = 0; i < 8; i++) {
      const a = (i * Math.PI) / 4;
      g.beginPath();
      g.moveTo(x + Math.cos(a) * s * 0.3, y + Math.sin(a) * s * 0.3);
      g.lineTo(x + Math.cos(a) * s * 0.48, y + Math.sin(a) * s * 0.48);
      g.stroke();
    }
  },
  wind_turbine(g, x, y, s) { // three blades
    g.lineWidth = Math.max(1, s / 8);
    for (let i = 0; i < 3; i++) {
      const a = -Math.PI / 2 + (i * 2 * Math.PI) / 3;
      g.beginPath();
      g.moveTo(x, y);
      g.lineTo(x + Math.cos(a) * s / 2, y + Math.sin(a) * s / 2);
      g.stroke();
    }
  },
  tidal_plant(g, x, y, s) { // waves
    g.lineWidth = Math.max(1, s / 9);
    for (let k = -1; k <= 1; k++) {
      g.beginPath();
      for (let i = 0; i <= 8; i++) {
        const px = x - s / 2 + (i * s) / 8;
        const py = y + (k * s) / 3.5 + Math.sin(i * 1.6) * s / 12;
        if (i) g.lineTo(px, py);
        else g.moveTo(px, py);
      }
      g.stroke();
    }
  },
  warehouse(g, x, y, s) { // a shed with a door
    g.beginPath();
    g.moveTo(x - s / 2, y + s / 2.5);
    g.lineTo(x - s / 2, y - s / 8);
    g.quadraticCurveTo(x, y - s / 2, x + s / 2, y - s / 8);
    g.lineTo(x + s / 2, y + s / 2.5);
    g.closePath();
    g.fill();
  },
  tank(g, x, y, s) {
    g.beginPath();
    g.arc(x, y, s / 2.4, 0, Math.PI * 2);
    g.fill();
  },
  silo(g, x, y, s) {
    g.fillRect(x - s / 5, y - s / 4, s / 2.5, s * 0.7);
    g.beginPath();
    g.moveTo(x - s / 5, y - s / 4);
    g.lineTo(x, y - s / 2);
    g.lineTo(x + s / 5, y - s / 4);
    g.fill();
  },
  crane(g, x, y, s) { // a T with a hook
    g.fillRect(x - s / 2, y - s / 2, s, s / 8);
    g.fillRect(x - s / 4, y - s / 2, s / 8, s);
    g.fillRect(x + s / 3, y - s / 2, s / 16, s / 2);
  },
  container_stack(g, x, y, s) {
    for (let i = 0; i < 3; i++) g.fillRect(x - s / 2, y - s / 2 + (i * s) / 3 + 1, s, s / 3 - 2);
  },
  ship(g, x, y, s) { // a hull with a bridge
    g.beginPath();
    g.moveTo(x - s / 2, y);
    g.lineTo(x + s / 2, y);
    g.lineTo(x + s / 3, y + s / 3);
    g.lineTo(x - s / 2.5, y + s / 3);
    g.closePath();
    g.fill();
    g.fillRect(x - s / 3, y - s / 3, s / 5, s / 3);
  },
  lighthouse(g, x, y, s) {
    g.beginPath();
    g.moveTo(x - s / 5, y + s / 2);
    g.lineTo(x - s / 9, y - s / 3);
    g.lineTo(x + s / 9, y - s / 3);
    g.lineTo(x + s / 5, y + s / 2);
    g.closePath();
    g.fill();
    g.beginPath();
    g.arc(x, y - s / 2.4, s / 7, 0, Math.PI * 2);
    g.fill();
  },
  port_office(g, x, y, s) { // an anchor
    g.lineWidth = Math.max(1, s / 9);
    g.beginPath();
    g.moveTo(x, y - s / 2.5);
    g.lineTo(x, y + s / 2.5);
    g.moveTo(x - s / 4, y - s / 5);
    g.lineTo(x + s / 4, y - s / 5);
    g.stroke();
    g.beginPath();
    g.arc(x, y + s / 8, s / 3, 0.2, Math.PI - 0.2);
    g.stroke();
  },
  info_centre(g, x, y, s) { // "i"
    g.fillRect(x - s / 10, y - s / 8, s / 5, s / 2);
    g.beginPath();
    g.arc(x, y - s / 3, s / 9, 0, Math.PI * 2);
    g.fill();
  },
  training_centre(g, x, y, s) { // a mortarboard
    g.beginPath();
    g.moveTo(x - s / 2, y - s / 8);
    g.lineTo(x, y - s / 2.6);
    g.lineTo(x + s / 2, y - s / 8);
    g.lineTo(x, y + s / 8);
    g.closePath();
    g.fill();
    g.fillRect(x - s / 4, y, s / 2, s / 4);
  },
  office(g, x, y, s) { // windows
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) g.fillRect(x - s / 2 + (i * s) / 3 + 1, y - s / 2 + (j * s) / 3 + 1, s / 3 - 2, s / 3 - 2);
  },
  agora_stage(g, x, y, s) { // a microphone
    g.beginPath();
    g.arc(x, y - s / 5, s / 5, 0, Math.PI * 2);
    g.fill();
    g.fillRect(x - s / 20, y, s / 10, s / 2.5);
  },
  welcome_sign(g, x, y, s) { // a flag
    g.fillRect(x - s / 3, y - s / 2, s / 10, s);
    g.fillRect(x - s / 4, y - s / 2, s / 1.8, s / 3);
  },
  map_board(g, x, y, s) {
    g.strokeRect(x - s / 2, y - s / 3, s, s / 1.5);
    g.beginPath();
    g.arc(x, y, s / 8, 0, Math.PI * 2);
    g.fill();
  },
};

/** Draws the icon of kind; returns false (and draws a plain square) for an unknown kind. */
export function drawKindIcon(g, kind, x, y, s, color = "#ffffff") {
  g.save();
  g.fillStyle = color;
  g.strokeStyle = color;
  g.lineCap = "round";
  const fn = Object.hasOwn(ICONS, kind) ? ICONS[kind] : null;
  if (fn) fn(g, x, y, s);
  else g.fillRect(x - s / 6, y - s / 6, s / 3, s / 3);
  g.restore();
  return !!fn;
}

export const ICON_KINDS = Object.keys(ICONS);
