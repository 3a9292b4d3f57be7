// The avatar looks of docs/PROTOCOL.md §3: 8 colours and 4 shapes, indexes
// on the wire. Names are French, for the welcome screen and the visitor card.
// Colours are told apart by colour-blind visitors too (the shape and the
// pseudonym are the other cues).

export const COLOURS = [
  { name: "bleu", hex: "#2f6fd0" },
  { name: "rouge", hex: "#d7263d" },
  { name: "vert", hex: "#2e9e48" },
  { name: "orange", hex: "#f07f13" },
  { name: "violet", hex: "#8a4fd8" },
  { name: "jaune", hex: "#f2c81e" },
  { name: "turquoise", hex: "#15a3a8" },
  { name: "rose", hex: "#e860a8" },
];

export const SHAPES = [
  { name: "rond", key: "round" },
  { name: "carré", key: "square" },
  { name: "triangle", key: "triangle" },
  { name: "hexagone", key: "hexagon" },
];

/** What a role looks like: the French words of the visitor card, the label's tag. */
export const ROLES = [
  { card: "En visite", tag: "" },
  { card: "Pro de l'industrie", tag: "PRO" },
  { card: "Équipe enseignante", tag: "PROF" },
  { card: "Élève en visite avec sa classe", tag: "" },
  { card: "Équipe de modération", tag: "MODO" },
  { card: "Équipe d'organisation", tag: "ORGA" },
];

export const colourOf = (i) => COLOURS[i] || COLOURS[0];
export const shapeOf = (i) => SHAPES[i] || SHAPES[0];
export const roleOf = (i) => ROLES[i] || ROLES[0];
