package main

import (
	"fmt"
	"math"
	"strings"
)

// Colours of the drawings: flat fills with a dark outline.
const (
	ink    = "#2b3a4a"
	steel  = "#8a96a3"
	steelL = "#c8d0d8"
	blue   = "#2f6fb5"
	blueL  = "#8db8e8"
	green  = "#2e9e6a"
	greenL = "#8fd19e"
	yellow = "#ffc933"
	orange = "#f08a24"
	red    = "#d9463b"
	wood   = "#b07a44"
	woodL  = "#dcae74"
	glass  = "#cfeaf5"
	white  = "#ffffff"
	brown  = "#7a4e2d"
	purple = "#7d5ba6"
	grey   = "#a6adb4"
)

// props returns the drawing of each prop a scene can show, in a box of
// 100 x 100 centred on (0, 0), standing on y = 50. They are plain shapes:
// no text, no reference to anything outside the file.
func props() map[string]string {
	p := map[string]string{
		"helico": `<path d="M15 2 L48 -5 L48 3 L15 14 Z" fill="#d9463b"/><rect x="-32" y="-10" width="50" height="30" rx="14" fill="#d9463b"/>` +
			`<rect x="-26" y="-4" width="16" height="12" rx="5" fill="#cfeaf5"/><line x1="-8" y1="-10" x2="-8" y2="-19"/>` +
			`<line x1="-50" y1="-20" x2="34" y2="-20" stroke-width="4"/><circle cx="47" cy="-2" r="8" fill="none"/>` +
			`<path d="M-30 32 h44 M-22 20 v12 M6 20 v12" fill="none"/>`,
		"avion": `<path d="M-48 2 Q-48 -8 -34 -8 L38 -8 Q50 -8 50 2 Q50 10 38 10 L-34 10 Q-48 10 -48 2 Z" fill="#ffffff"/>` +
			`<path d="M-42 -8 L-46 -30 L-34 -30 L-24 -8 Z" fill="#2f6fb5"/><path d="M-6 4 L10 32 L24 32 L16 4 Z" fill="#8db8e8"/>` +
			`<path d="M32 -4 h10 M-10 -2 h6 M0 -2 h6 M10 -2 h6 M20 -2 h6" stroke="#2f6fb5"/>`,
		"fusee": `<path d="M-14 30 V-22 Q0 -50 14 -22 V30 Z" fill="#ffffff"/><circle cx="0" cy="-14" r="6" fill="#8db8e8"/>` +
			`<path d="M-14 12 L-26 34 L-14 30 Z M14 12 L26 34 L14 30 Z" fill="#d9463b"/><path d="M-8 32 Q0 54 8 32 Z" fill="#ffc933"/>`,
		"satellite": `<rect x="-12" y="-14" width="24" height="28" fill="#ffc933"/><path d="M-12 0 H-20 M12 0 H20"/>` +
			`<rect x="-50" y="-10" width="30" height="20" fill="#2f6fb5"/><rect x="20" y="-10" width="30" height="20" fill="#2f6fb5"/>` +
			`<path d="M-40 -10 v20 M-30 -10 v20 M30 -10 v20 M40 -10 v20" stroke="#8db8e8"/><path d="M-8 -14 Q0 -30 8 -14" fill="#c8d0d8"/><line x1="0" y1="-20" x2="0" y2="-28"/>`,
		"train": `<path d="M-50 -10 H30 Q48 -10 50 20 V30 H-50 Z" fill="#2f6fb5"/><rect x="-44" y="-4" width="14" height="12" fill="#cfeaf5"/>` +
			`<rect x="-24" y="-4" width="14" height="12" fill="#cfeaf5"/><rect x="-4" y="-4" width="14" height="12" fill="#cfeaf5"/>` +
			`<path d="M30 -6 Q42 -4 46 10 H30 Z" fill="#cfeaf5"/><path d="M-50 20 H50" stroke="#ffc933" stroke-width="3"/>` +
			`<circle cx="-34" cy="34" r="6" fill="#8a96a3"/><circle cx="-18" cy="34" r="6" fill="#8a96a3"/><circle cx="22" cy="34" r="6" fill="#8a96a3"/><circle cx="38" cy="34" r="6" fill="#8a96a3"/>`,
		"tram": `<rect x="-50" y="-8" width="100" height="38" rx="10" fill="#2e9e6a"/><path d="M-10 -8 L0 -26 L10 -8 M-14 -26 H14" fill="none"/>` +
			`<rect x="-42" y="-2" width="18" height="14" rx="3" fill="#cfeaf5"/><rect x="-18" y="-2" width="12" height="24" fill="#cfeaf5"/>` +
			`<rect x="0" y="-2" width="18" height="14" rx="3" fill="#cfeaf5"/><rect x="24" y="-2" width="18" height="14" rx="3" fill="#cfeaf5"/>` +
			`<circle cx="-30" cy="34" r="6" fill="#8a96a3"/><circle cx="30" cy="34" r="6" fill="#8a96a3"/>`,
		"voiture": `<path d="M-48 26 V10 Q-46 2 -34 0 L-20 -16 H18 L34 0 Q48 2 48 12 V26 Z" fill="#2f6fb5"/>` +
			`<path d="M-16 -10 H-2 V0 H-26 Z M4 -10 H16 L26 0 H4 Z" fill="#cfeaf5"/>` +
			`<circle cx="-28" cy="28" r="10" fill="#2b3a4a"/><circle cx="28" cy="28" r="10" fill="#2b3a4a"/><circle cx="-28" cy="28" r="4" fill="#c8d0d8"/><circle cx="28" cy="28" r="4" fill="#c8d0d8"/>`,
		"camion": `<rect x="-50" y="-20" width="64" height="44" fill="#ffffff"/><path d="M14 -6 H34 L48 10 V24 H14 Z" fill="#d9463b"/>` +
			`<path d="M20 0 H32 L42 12 H20 Z" fill="#cfeaf5"/><circle cx="-32" cy="30" r="9" fill="#2b3a4a"/><circle cx="-12" cy="30" r="9" fill="#2b3a4a"/><circle cx="32" cy="30" r="9" fill="#2b3a4a"/>`,
		"bateau": `<path d="M-50 8 H50 L38 34 H-40 Z" fill="#d9463b"/><path d="M-50 8 H50" stroke-width="3"/><rect x="-24" y="-14" width="36" height="22" fill="#ffffff"/>` +
			`<rect x="-18" y="-8" width="6" height="6" fill="#cfeaf5"/><rect x="-6" y="-8" width="6" height="6" fill="#cfeaf5"/><rect x="18" y="-24" width="10" height="32" fill="#ffc933"/><path d="M-40 22 H36" stroke="#ffffff"/>`,
		"voilier": `<path d="M-50 14 H50 L38 36 H-40 Z" fill="#2f6fb5"/><rect x="-30" y="-44" width="22" height="54" rx="8" fill="#ffffff"/>` +
			`<rect x="8" y="-36" width="22" height="46" rx="8" fill="#ffffff"/><path d="M-19 -44 V12 M19 -36 V12" stroke="#8a96a3"/><path d="M-30 -20 H-8 M8 -14 H30" stroke="#8db8e8"/>`,
		"grue": `<path d="M-30 50 L-20 -20 M0 50 L-10 -20" fill="none" stroke-width="4" stroke="#f08a24"/><rect x="-28" y="-30" width="24" height="14" fill="#ffc933"/>` +
			`<path d="M-40 -24 H50" stroke-width="5" stroke="#f08a24"/><path d="M-40 -24 H50" stroke="#2b3a4a" stroke-width="1"/><line x1="34" y1="-24" x2="34" y2="8"/><path d="M28 8 H40 V14 H28 Z" fill="#8a96a3"/>`,
		"conteneur": `<rect x="-46" y="-6" width="92" height="48" fill="#f08a24"/><path d="M-34 -6 v48 M-22 -6 v48 M-10 -6 v48 M2 -6 v48 M14 -6 v48 M26 -6 v48 M38 -6 v48" stroke="#c06010"/>`,
		"drone": `<rect x="-14" y="-6" width="28" height="12" rx="4" fill="#8a96a3"/><path d="M-14 -2 L-34 -12 M14 -2 L34 -12 M-14 4 L-34 14 M14 4 L34 14" fill="none"/>` +
			`<ellipse cx="-34" cy="-14" rx="14" ry="3" fill="#c8d0d8"/><ellipse cx="34" cy="-14" rx="14" ry="3" fill="#c8d0d8"/><ellipse cx="-34" cy="12" rx="14" ry="3" fill="#c8d0d8"/><ellipse cx="34" cy="12" rx="14" ry="3" fill="#c8d0d8"/><circle cx="0" cy="10" r="4" fill="#2b3a4a"/>`,
		"usine": `<path d="M-50 50 V-6 L-30 -20 V-6 L-10 -20 V-6 L10 -20 V-6 L30 -20 V50 Z" fill="#c8d0d8"/><rect x="34" y="-44" width="12" height="94" fill="#8a96a3"/>` +
			`<rect x="-40" y="8" width="14" height="12" fill="#cfeaf5"/><rect x="-16" y="8" width="14" height="12" fill="#cfeaf5"/><rect x="8" y="8" width="14" height="12" fill="#cfeaf5"/><rect x="-12" y="30" width="20" height="20" fill="#8a96a3"/>`,
		"cheminee": `<path d="M-12 50 L-8 -30 H8 L12 50 Z" fill="#c8d0d8"/><path d="M-9 -14 H9 M-10 6 H10" stroke="#d9463b" stroke-width="4"/>` +
			`<path d="M0 -34 q-16 -6 -6 -14 q4 -8 16 -4" fill="#ffffff" stroke="#a6adb4"/>`,
		"tour": `<path d="M-34 50 Q-18 0 -26 -36 H26 Q18 0 34 50 Z" fill="#c8d0d8"/><path d="M-20 -40 q-12 -10 4 -12 q10 -10 24 0 q14 2 4 12 Z" fill="#ffffff" stroke="#a6adb4"/>`,
		"robot": `<rect x="-30" y="38" width="40" height="12" fill="#2b3a4a"/><path d="M-10 38 L-4 0 L22 -26" fill="none" stroke="#f08a24" stroke-width="12"/>` +
			`<path d="M-10 38 L-4 0 L22 -26" fill="none" stroke="#2b3a4a" stroke-width="1"/><circle cx="-4" cy="0" r="7" fill="#2b3a4a"/><circle cx="22" cy="-26" r="6" fill="#2b3a4a"/>` +
			`<path d="M24 -24 L34 -12 M26 -28 L40 -22" stroke-width="4"/>`,
		"cobot": `<rect x="-26" y="40" width="32" height="10" rx="3" fill="#8a96a3"/><path d="M-10 40 V4 Q-10 -10 4 -14 L24 -20" fill="none" stroke="#ffffff" stroke-width="12"/>` +
			`<path d="M-10 40 V4 Q-10 -10 4 -14 L24 -20" fill="none" stroke="#2f6fb5" stroke-width="2"/><circle cx="-10" cy="4" r="6" fill="#2f6fb5"/><circle cx="24" cy="-20" r="5" fill="#2f6fb5"/><path d="M28 -22 v-8 M28 -18 v8" stroke-width="3"/>`,
		"agv": `<rect x="-40" y="14" width="80" height="24" rx="6" fill="#ffc933"/><rect x="-26" y="-14" width="40" height="28" fill="#dcae74"/><path d="M-26 0 H14" stroke="#b07a44"/>` +
			`<rect x="26" y="6" width="10" height="8" fill="#2b3a4a"/><circle cx="-26" cy="42" r="6" fill="#2b3a4a"/><circle cx="26" cy="42" r="6" fill="#2b3a4a"/>`,
		"convoyeur": `<rect x="-50" y="24" width="100" height="10" rx="5" fill="#8a96a3"/><circle cx="-40" cy="29" r="3"/><circle cx="0" cy="29" r="3"/><circle cx="40" cy="29" r="3"/>` +
			`<path d="M-40 34 V50 M40 34 V50"/><rect x="-40" y="4" width="22" height="20" fill="#dcae74"/><rect x="-6" y="4" width="22" height="20" fill="#dcae74"/><rect x="28" y="8" width="18" height="16" fill="#dcae74"/>`,
		"carton":  `<path d="M-34 -10 L0 -24 L34 -10 V36 L0 50 L-34 36 Z" fill="#dcae74"/><path d="M-34 -10 L0 4 L34 -10 M0 4 V50" fill="none"/><path d="M-17 -17 L17 -3" stroke="#b07a44" stroke-width="5"/>`,
		"palette": `<rect x="-46" y="28" width="92" height="6" fill="#dcae74"/><rect x="-46" y="42" width="92" height="6" fill="#dcae74"/><rect x="-42" y="34" width="12" height="8" fill="#b07a44"/><rect x="-6" y="34" width="12" height="8" fill="#b07a44"/><rect x="30" y="34" width="12" height="8" fill="#b07a44"/>`,
		"machine": `<rect x="-46" y="-24" width="76" height="74" rx="4" fill="#c8d0d8"/><rect x="-38" y="-14" width="48" height="36" fill="#cfeaf5"/>` +
			`<rect x="34" y="-24" width="14" height="40" fill="#2b3a4a"/><circle cx="41" cy="-14" r="3" fill="#2e9e6a"/><circle cx="41" cy="-4" r="3" fill="#d9463b"/><path d="M-14 -14 V0 M-18 0 H-10 L-14 8 Z" fill="#8a96a3"/><rect x="-38" y="30" width="60" height="10" fill="#8a96a3"/>`,
		"presse": `<rect x="-50" y="6" width="100" height="30" fill="#2f6fb5"/><path d="M-30 6 V-22 L-16 -22 L-16 6" fill="#8db8e8"/><path d="M-36 -34 H-10 L-18 -22 H-28 Z" fill="#c8d0d8"/>` +
			`<rect x="10" y="-6" width="30" height="12" fill="#c8d0d8"/><rect x="-44" y="36" width="10" height="14" fill="#2b3a4a"/><rect x="34" y="36" width="10" height="14" fill="#2b3a4a"/>`,
		"four": `<rect x="-44" y="-30" width="88" height="80" fill="#b8533a"/><path d="M-44 -10 H44 M-44 10 H44 M-44 30 H44 M-14 -30 V-10 M14 -10 V10 M-14 10 V30 M14 30 V50" stroke="#7a2e1e"/>` +
			`<path d="M-22 50 V16 Q0 -6 22 16 V50 Z" fill="#ffc933"/><path d="M-12 50 V24 Q0 10 12 24 V50 Z" fill="#f08a24"/>`,
		"poche": `<path d="M-40 -30 L20 -30 L12 30 L-32 30 Z" fill="#8a96a3" transform="rotate(20)"/><path d="M16 -8 Q30 10 26 50" fill="none" stroke="#f08a24" stroke-width="8"/><path d="M16 -8 Q30 10 26 50" fill="none" stroke="#ffc933" stroke-width="3"/>`,
		"tole":  `<path d="M-46 20 L-10 4 L46 16 L10 34 Z" fill="#c8d0d8"/><path d="M-46 20 V28 L10 42 V34 M10 42 L46 24 V16" fill="#8a96a3"/><path d="M-46 6 L-10 -10 L46 2 L10 20 Z" fill="#dde3e9"/><path d="M-46 6 V12 L10 26 L46 8 V2" fill="none"/>`,
		"tuyau": `<path d="M-50 20 H0 Q16 20 16 4 V-40" fill="none" stroke="#8a96a3" stroke-width="14"/><path d="M-50 20 H0 Q16 20 16 4 V-40" fill="none" stroke="#c8d0d8" stroke-width="6"/>` +
			`<circle cx="-20" cy="6" r="10" fill="none" stroke="#d9463b" stroke-width="3"/><path d="M-20 6 V20" stroke="#d9463b" stroke-width="3"/>`,
		"pompe": `<path d="M-10 -30 A30 30 0 1 0 20 0 H34 V-20 H20 A30 30 0 0 0 -10 -30 Z" fill="#2f6fb5"/><circle cx="-10" cy="0" r="10" fill="#8db8e8"/>` +
			`<rect x="-24" y="30" width="28" height="20" fill="#8a96a3"/><rect x="34" y="-26" width="12" height="32" fill="#c8d0d8"/>`,
		"moteur": `<rect x="-34" y="-20" width="56" height="44" rx="8" fill="#2f6fb5"/><path d="M-24 -20 V24 M-14 -20 V24 M-4 -20 V24 M6 -20 V24" stroke="#8db8e8"/>` +
			`<rect x="22" y="-4" width="24" height="10" fill="#c8d0d8"/><rect x="-30" y="24" width="48" height="10" fill="#2b3a4a"/><rect x="-20" y="-30" width="20" height="10" fill="#8a96a3"/>`,
		"cle":      `<path d="M-40 34 L16 -22" stroke="#8a96a3" stroke-width="12"/><path d="M-40 34 L16 -22" stroke="#2b3a4a" stroke-width="1"/><path d="M10 -36 A18 18 0 1 0 30 -16 L22 -14 L14 -22 L16 -30 Z" fill="#8a96a3"/>`,
		"casque":   `<path d="M-40 20 Q-40 -30 0 -30 Q40 -30 40 20 Z" fill="#ffc933"/><path d="M-48 20 H48 V28 H-48 Z" fill="#ffc933"/><path d="M0 -30 V20 M-14 -26 V20 M14 -26 V20" stroke="#d9a800"/>`,
		"lunettes": `<path d="M-46 -10 H46 V16 Q46 26 34 26 H12 L4 14 H-4 L-12 26 H-34 Q-46 26 -46 16 Z" fill="#2b3a4a"/><path d="M-40 -4 H-8 V10 H-40 Z M8 -4 H40 V10 H8 Z" fill="#8db8e8"/><path d="M-30 0 l6 6 M18 0 l6 6" stroke="#ffffff"/>`,
		"tablette": `<rect x="-34" y="-40" width="68" height="90" rx="8" fill="#2b3a4a"/><rect x="-28" y="-32" width="56" height="72" fill="#cfeaf5"/>` +
			`<path d="M-22 -22 H22 M-22 -12 H10 M-22 -2 H16" stroke="#2f6fb5" stroke-width="3"/><rect x="-22" y="8" width="20" height="24" fill="#2e9e6a"/><rect x="2" y="18" width="20" height="14" fill="#ffc933"/>`,
		"ecranpc": `<rect x="-46" y="-36" width="92" height="64" rx="4" fill="#2b3a4a"/><rect x="-40" y="-30" width="80" height="52" fill="#e8f4fb"/>` +
			`<path d="M-34 14 L-18 -4 L-4 6 L12 -16 L32 -8" fill="none" stroke="#2e9e6a" stroke-width="3"/><path d="M-8 28 L-14 46 H14 L8 28" fill="#8a96a3"/>`,
		"graphique": `<rect x="-46" y="-40" width="92" height="90" fill="#ffffff"/><rect x="-34" y="10" width="14" height="30" fill="#8db8e8"/><rect x="-14" y="-6" width="14" height="46" fill="#2f6fb5"/>` +
			`<rect x="6" y="-20" width="14" height="60" fill="#2e9e6a"/><path d="M-36 -4 L-12 -22 L8 -28 L36 -36" fill="none" stroke="#d9463b" stroke-width="3"/><path d="M-40 40 H40"/>`,
		"capteur": `<rect x="-14" y="-2" width="28" height="34" rx="4" fill="#ffc933"/><circle cx="0" cy="12" r="6" fill="#2b3a4a"/><path d="M-6 32 V50 M6 32 V50"/>` +
			`<path d="M-20 -10 Q0 -26 20 -10 M-30 -18 Q0 -42 30 -18" fill="none" stroke="#2f6fb5" stroke-width="3"/>`,
		"puce": `<rect x="-28" y="-28" width="56" height="56" rx="4" fill="#2b3a4a"/><rect x="-16" y="-16" width="32" height="32" fill="#8a96a3"/>` +
			`<path d="M-20 -28 V-40 M-6 -28 V-40 M8 -28 V-40 M22 -28 V-40 M-20 28 V40 M-6 28 V40 M8 28 V40 M22 28 V40 M-28 -20 H-40 M-28 -6 H-40 M-28 8 H-40 M-28 22 H-40 M28 -20 H40 M28 -6 H40 M28 8 H40 M28 22 H40" stroke="#c8d0d8" stroke-width="3"/>`,
		"carte": `<rect x="-46" y="-30" width="92" height="66" rx="4" fill="#2e9e6a"/><path d="M-38 -20 H-10 V0 H20 M-38 20 H0 V6 M20 -20 V-4 H38" fill="none" stroke="#ffc933"/>` +
			`<rect x="-4" y="-18" width="20" height="16" fill="#2b3a4a"/><rect x="22" y="8" width="14" height="10" fill="#2b3a4a"/><circle cx="-26" cy="6" r="5" fill="#2f6fb5"/><rect x="-20" y="14" width="10" height="6" fill="#d9463b"/>`,
		"imprimante3d": `<path d="M-40 50 V-40 H40 V50" fill="none" stroke-width="4"/><path d="M-40 -20 H40" stroke-width="4"/><rect x="-8" y="-26" width="16" height="16" fill="#f08a24"/>` +
			`<path d="M0 -10 L0 -2"/><rect x="-30" y="40" width="60" height="6" fill="#8a96a3"/><path d="M-14 40 V20 L0 8 L14 20 V40 Z" fill="#2f6fb5"/>`,
		"soudure": `<path d="M-44 30 L4 -6" stroke="#2b3a4a" stroke-width="10"/><path d="M4 -6 L14 -14" stroke="#8a96a3" stroke-width="6"/><rect x="-30" y="34" width="76" height="10" fill="#8a96a3"/>` +
			`<path d="M16 -16 l10 -14 M18 -12 l16 -4 M16 -18 l0 -16 M20 -14 l14 10" stroke="#ffc933" stroke-width="3"/>`,
		"etincelles": `<path d="M0 -40 L6 -10 L36 -6 L8 4 L14 34 L0 10 L-14 34 L-8 4 L-36 -6 L-6 -10 Z" fill="#ffc933"/><path d="M-30 -34 l8 8 M30 -34 l-8 8 M-36 24 l10 -4 M36 24 l-10 -4" stroke="#f08a24" stroke-width="3"/>`,
		"loupe":      `<circle cx="-8" cy="-8" r="28" fill="#cfeaf5" stroke-width="6"/><path d="M-20 -20 Q-12 -28 -2 -26" stroke="#ffffff" stroke-width="4" fill="none"/><path d="M12 12 L40 40" stroke="#b07a44" stroke-width="12"/>`,
		"microscope": `<rect x="-30" y="40" width="60" height="10" fill="#2b3a4a"/><path d="M10 40 Q30 10 4 -14" fill="none" stroke="#2b3a4a" stroke-width="8"/>` +
			`<rect x="-14" y="-44" width="14" height="40" fill="#c8d0d8" transform="rotate(-20)"/><rect x="-24" y="14" width="34" height="6" fill="#8a96a3"/>`,
		"thermometre": `<rect x="-8" y="-44" width="16" height="70" rx="8" fill="#ffffff"/><circle cx="0" cy="34" r="14" fill="#d9463b"/><rect x="-3" y="-20" width="6" height="50" fill="#d9463b" stroke="none"/>` +
			`<path d="M8 -30 h8 M8 -16 h8 M8 -2 h8 M8 12 h8"/>`,
		"chrono":  `<circle cx="0" cy="8" r="36" fill="#ffffff" stroke-width="4"/><rect x="-8" y="-40" width="16" height="10" fill="#8a96a3"/><path d="M0 8 V-16 M0 8 L16 18" stroke-width="4"/><path d="M24 -22 l8 -8" stroke-width="4"/>`,
		"cadenas": `<path d="M-20 0 V-20 Q-20 -40 0 -40 Q20 -40 20 -20 V0" fill="none" stroke="#8a96a3" stroke-width="8"/><rect x="-32" y="-2" width="64" height="50" rx="6" fill="#ffc933"/><circle cx="0" cy="18" r="6" fill="#2b3a4a"/><path d="M0 18 V34" stroke-width="5"/>`,
		"plan":    `<rect x="-46" y="-36" width="92" height="76" fill="#2f6fb5"/><path d="M-36 -24 H10 V20 H-36 Z M10 -4 H36 M-14 -24 V20 M-36 -4 H-14" fill="none" stroke="#ffffff"/><circle cx="24" cy="-20" r="8" fill="none" stroke="#ffffff"/>`,
		"fiole":   `<path d="M-8 -44 H8 V-14 L34 40 Q36 48 28 48 H-28 Q-36 48 -34 40 L-8 -14 Z" fill="#ffffff"/><path d="M-20 14 H20 L31 38 Q32 44 26 44 H-26 Q-32 44 -31 38 Z" fill="#2e9e6a" stroke="none"/><path d="M-12 -44 H12"/>`,
		"tubes": `<rect x="-44" y="4" width="88" height="10" fill="#b07a44"/><rect x="-36" y="-36" width="12" height="70" rx="6" fill="#ffffff"/><rect x="-6" y="-36" width="12" height="70" rx="6" fill="#ffffff"/><rect x="24" y="-36" width="12" height="70" rx="6" fill="#ffffff"/>` +
			`<rect x="-34" y="10" width="8" height="22" fill="#d9463b" stroke="none"/><rect x="-4" y="0" width="8" height="32" fill="#2f6fb5" stroke="none"/><rect x="26" y="16" width="8" height="16" fill="#2e9e6a" stroke="none"/>`,
		"pilule": `<rect x="-40" y="-10" width="50" height="24" rx="12" fill="#ffffff" transform="rotate(-20)"/><path d="M-15 -10 v24" transform="rotate(-20)"/><rect x="-40" y="-10" width="25" height="24" rx="12" fill="#d9463b" transform="rotate(-20)"/>` +
			`<circle cx="26" cy="26" r="16" fill="#8db8e8"/><path d="M14 26 H38"/>`,
		"cuve":    `<rect x="-30" y="-40" width="60" height="74" rx="14" fill="#c8d0d8"/><path d="M-24 34 L-30 50 M24 34 L30 50" stroke-width="4"/><rect x="-8" y="-20" width="16" height="30" fill="#ffffff"/><rect x="-8" y="-4" width="16" height="14" fill="#2f6fb5" stroke="none"/><circle cx="0" cy="-48" r="5" fill="#8a96a3"/>`,
		"cellule": `<ellipse cx="0" cy="24" rx="46" ry="16" fill="#cfeaf5"/><ellipse cx="0" cy="20" rx="40" ry="12" fill="#e8f6fb"/><circle cx="-18" cy="18" r="6" fill="#d9467a"/><circle cx="2" cy="22" r="7" fill="#d9467a"/><circle cx="20" cy="16" r="5" fill="#d9467a"/><circle cx="-4" cy="12" r="4" fill="#d9467a"/>`,
		"pot":     `<rect x="-30" y="-6" width="60" height="50" rx="10" fill="#ffffff"/><rect x="-34" y="-20" width="68" height="16" rx="4" fill="#d9467a"/><path d="M-30 20 H30" stroke="#f2b6cb" stroke-width="6"/>`,
		"flacon":  `<path d="M-26 -6 H26 L30 44 H-30 Z" fill="#cfeaf5"/><path d="M-24 14 H24 L28 42 H-28 Z" fill="#f2b6cb" stroke="none"/><rect x="-8" y="-20" width="16" height="14" fill="#ffc933"/><rect x="-12" y="-34" width="24" height="14" rx="3" fill="#7d5ba6"/>`,
		"goutte":  `<path d="M0 -44 Q32 0 32 18 A32 32 0 0 1 -32 18 Q-32 0 0 -44 Z" fill="#8db8e8"/><path d="M-16 16 Q-14 30 0 34" fill="none" stroke="#ffffff" stroke-width="4"/>`,
		"fleur": `<path d="M0 50 V0" stroke="#2e9e6a" stroke-width="4"/><path d="M0 30 Q20 16 28 26 Q16 36 0 30" fill="#8fd19e"/><circle cx="0" cy="-22" r="10" fill="#ffc933"/>` +
			`<circle cx="0" cy="-40" r="11" fill="#d9467a"/><circle cx="18" cy="-22" r="11" fill="#d9467a"/><circle cx="0" cy="-4" r="11" fill="#d9467a"/><circle cx="-18" cy="-22" r="11" fill="#d9467a"/><circle cx="0" cy="-22" r="9" fill="#ffc933"/>`,
		"bouteille": `<path d="M-8 -44 H8 V-26 Q24 -16 24 4 V44 Q24 50 18 50 H-18 Q-24 50 -24 44 V4 Q-24 -16 -8 -26 Z" fill="#8fd19e"/><path d="M-14 6 V38" stroke="#ffffff" stroke-width="4"/><rect x="-10" y="-50" width="20" height="8" fill="#2e9e6a"/>`,
		"canette":   `<rect x="-20" y="-34" width="40" height="80" rx="6" fill="#c8d0d8"/><path d="M-20 -20 H20 M-20 30 H20" /><rect x="-20" y="-6" width="40" height="20" fill="#d9463b"/><path d="M-8 -38 H8"/>`,
		"vitre": `<rect x="-40" y="-44" width="80" height="92" fill="#ffffff"/><rect x="-34" y="-38" width="32" height="80" fill="#cfeaf5"/><rect x="2" y="-38" width="32" height="80" fill="#cfeaf5"/>` +
			`<path d="M-28 -20 L-14 -34 M-28 -4 L-8 -24 M8 10 L28 -10" stroke="#ffffff" stroke-width="4"/>`,
		"brique": `<rect x="-44" y="22" width="42" height="20" fill="#d9663b"/><rect x="2" y="22" width="42" height="20" fill="#d9663b"/><rect x="-22" y="0" width="42" height="20" fill="#d9663b"/>` +
			`<rect x="-2" y="-22" width="24" height="20" fill="#c4552f"/>`,
		"ciment": `<path d="M-36 -30 Q0 -40 36 -30 L40 44 Q0 52 -40 44 Z" fill="#e8e0d0"/><path d="M-30 -8 H30 M-32 26 H32" stroke="#a6adb4" stroke-width="3"/><rect x="-16" y="0" width="32" height="18" fill="#a6adb4"/>`,
		"tissu": `<rect x="-46" y="-30" width="30" height="60" rx="14" fill="#2f6fb5"/><ellipse cx="-31" cy="-30" rx="15" ry="6" fill="#8db8e8"/><path d="M-16 -24 H44 V44 H-16 Z" fill="#8db8e8"/>` +
			`<path d="M-10 -14 H38 M-10 0 H38 M-10 14 H38 M-10 28 H38" stroke="#2f6fb5"/>`,
		"fil":    `<path d="M-24 -40 H24 L16 -32 V32 L24 40 H-24 L-16 32 V-32 Z" fill="#dcae74"/><rect x="-16" y="-30" width="32" height="60" fill="#d9467a"/><path d="M-16 -20 H16 M-16 -8 H16 M-16 4 H16 M-16 16 H16" stroke="#a82e5a"/><path d="M16 24 Q40 30 34 50" fill="none" stroke="#d9467a"/>`,
		"papier": `<ellipse cx="30" cy="0" rx="16" ry="40" fill="#e8eef2"/><path d="M-40 -40 H30 V40 H-40 Z" fill="#ffffff"/><ellipse cx="-40" cy="0" rx="16" ry="40" fill="#ffffff"/><ellipse cx="-40" cy="0" rx="6" ry="14" fill="#a6adb4"/>`,
		"rondin": `<circle cx="-22" cy="28" r="20" fill="#dcae74"/><circle cx="20" cy="28" r="20" fill="#dcae74"/><circle cx="0" cy="-6" r="20" fill="#dcae74"/>` +
			`<circle cx="-22" cy="28" r="10" fill="none" stroke="#b07a44"/><circle cx="20" cy="28" r="10" fill="none" stroke="#b07a44"/><circle cx="0" cy="-6" r="10" fill="none" stroke="#b07a44"/>`,
		"planche": `<rect x="-46" y="30" width="92" height="12" fill="#dcae74"/><rect x="-42" y="18" width="88" height="12" fill="#d19a5a"/><rect x="-46" y="6" width="92" height="12" fill="#dcae74"/><path d="M-30 12 q8 -3 16 0 M10 36 q8 -3 16 0" fill="none" stroke="#b07a44"/>`,
		"chaise":  `<path d="M-20 -40 V50 M14 -40 V50 M-20 -40 H14 M-20 -24 H14" fill="none" stroke="#b07a44" stroke-width="6"/><rect x="-24" y="6" width="48" height="10" fill="#dcae74"/><path d="M20 16 V50" stroke="#b07a44" stroke-width="6"/>`,
		"maison": `<path d="M-44 50 V-2 L0 -40 L44 -2 V50 Z" fill="#dcae74"/><path d="M-50 2 L0 -44 L50 2" fill="none" stroke="#7a4e2d" stroke-width="6"/><path d="M-44 12 H44 M-44 26 H44 M-44 40 H44" stroke="#b07a44"/>` +
			`<rect x="-12" y="22" width="18" height="28" fill="#7a4e2d"/><rect x="16" y="4" width="16" height="14" fill="#cfeaf5"/>`,
		"soleil":  `<circle cx="0" cy="0" r="22" fill="#ffc933"/><path d="M0 -44 V-30 M0 30 V44 M-44 0 H-30 M30 0 H44 M-31 -31 l10 10 M31 31 l-10 -10 M-31 31 l10 -10 M31 -31 l-10 10" stroke="#f0a800" stroke-width="5"/>`,
		"panneau": `<path d="M-46 10 L-22 -30 H46 L22 10 Z" fill="#2f6fb5"/><path d="M-34 -10 H34 M-23 -30 L-46 10 M0 -30 L-24 10 M23 -30 L0 10" stroke="#8db8e8"/><path d="M0 10 V50 M-14 50 H14" stroke-width="4"/>`,
		"eolienne": `<path d="M-4 50 L-2 -20 H2 L4 50 Z" fill="#ffffff"/><rect x="-6" y="-26" width="14" height="8" rx="3" fill="#ffffff"/><circle cx="0" cy="-22" r="4" fill="#c8d0d8"/>` +
			`<path d="M0 -22 L-4 -52 Q0 -56 3 -50 Z M0 -22 L27 -8 Q29 -3 23 -3 Z M0 -22 L-25 -4 Q-29 -6 -26 -11 Z" fill="#ffffff"/>`,
		"pale":   `<path d="M-50 4 Q-40 -14 0 -12 Q30 -10 50 -2 Q30 10 0 12 Q-40 14 -50 4 Z" fill="#ffffff"/><path d="M-50 4 H50" stroke="#c8d0d8"/><rect x="-48" y="18" width="10" height="32" fill="#8a96a3"/><rect x="30" y="18" width="10" height="32" fill="#8a96a3"/>`,
		"vague":  `<path d="M-50 10 Q-37 -6 -25 10 T0 10 T25 10 T50 10 V50 H-50 Z" fill="#4f8fd0"/><path d="M-50 30 Q-37 16 -25 30 T0 30 T25 30 T50 30" fill="none" stroke="#ffffff" stroke-width="3"/>`,
		"eclair": `<path d="M10 -48 L-22 6 H-2 L-12 48 L24 -8 H4 Z" fill="#ffc933"/>`,
		"atome": `<ellipse cx="0" cy="0" rx="44" ry="16" fill="none" stroke="#2f6fb5" stroke-width="3"/><ellipse cx="0" cy="0" rx="44" ry="16" fill="none" stroke="#2f6fb5" stroke-width="3" transform="rotate(60)"/>` +
			`<ellipse cx="0" cy="0" rx="44" ry="16" fill="none" stroke="#2f6fb5" stroke-width="3" transform="rotate(-60)"/><circle cx="0" cy="0" r="9" fill="#d9463b"/>`,
		"hydrogene": `<rect x="-44" y="-10" width="88" height="44" rx="20" fill="#ffffff"/><path d="M-14 0 V24 M-14 12 H0 M0 0 V24" stroke="#2f6fb5" stroke-width="4"/><path d="M8 12 Q8 6 13 6 Q18 6 18 11 L8 24 H19" fill="none" stroke="#2f6fb5" stroke-width="3"/>` +
			`<path d="M-30 34 V50 M30 34 V50" stroke-width="4"/>`,
		"batterie": `<rect x="-30" y="-36" width="60" height="84" rx="6" fill="#ffffff"/><rect x="-12" y="-46" width="24" height="10" fill="#8a96a3"/>` +
			`<rect x="-22" y="22" width="44" height="16" fill="#2e9e6a" stroke="none"/><rect x="-22" y="2" width="44" height="16" fill="#2e9e6a" stroke="none"/><rect x="-22" y="-18" width="44" height="16" fill="#8fd19e" stroke="none"/>`,
		"prise":     `<path d="M-40 40 Q-40 10 -10 10" fill="none" stroke-width="4"/><rect x="-12" y="-8" width="30" height="36" rx="6" fill="#ffffff"/><path d="M18 2 H32 M18 18 H32" stroke-width="5"/>`,
		"feuille":   `<path d="M-30 40 Q-44 -30 40 -40 Q34 30 -30 40 Z" fill="#2e9e6a"/><path d="M-30 40 Q0 0 30 -30" fill="none" stroke="#8fd19e" stroke-width="3"/>`,
		"arbre":     `<rect x="-7" y="10" width="14" height="40" fill="#7a4e2d"/><circle cx="0" cy="-14" r="30" fill="#2e9e6a"/><circle cx="-18" cy="0" r="18" fill="#3cae78"/><circle cx="18" cy="-2" r="16" fill="#3cae78"/>`,
		"recyclage": recycleArrows(),
		"poisson":   `<path d="M-34 0 Q-6 -26 26 0 Q-6 26 -34 0 Z" fill="#f08a24"/><path d="M24 0 L46 -16 V16 Z" fill="#f08a24"/><circle cx="-18" cy="-4" r="3" fill="#2b3a4a"/>`,
		"nuage":     `<path d="M-36 20 Q-50 20 -46 4 Q-44 -10 -28 -8 Q-24 -30 0 -26 Q20 -34 28 -14 Q46 -16 46 2 Q46 20 30 20 Z" fill="#c8d0d8"/>`,
		"ble":       `<path d="M-18 50 Q-16 0 -22 -30 M0 50 V-36 M18 50 Q16 0 22 -30" fill="none" stroke="#c9a227" stroke-width="3"/>` + wheat(-22, -30) + wheat(0, -36) + wheat(22, -30),
		"silo":      `<path d="M-26 -20 L0 -44 L26 -20 Z" fill="#8a96a3"/><rect x="-26" y="-20" width="52" height="70" fill="#c8d0d8"/><path d="M-26 0 H26 M-26 20 H26 M-26 40 H26" stroke="#8a96a3"/>`,
		"lait":      `<path d="M-16 -44 H16 V-34 L26 -20 V46 H-26 V-20 L-16 -34 Z" fill="#ffffff"/><rect x="-26" y="0" width="52" height="22" fill="#2f6fb5"/><rect x="-16" y="-50" width="32" height="8" fill="#2f6fb5"/>`,
		"yaourt":    `<path d="M-28 -10 H28 L22 44 H-22 Z" fill="#ffffff"/><rect x="-32" y="-18" width="64" height="8" fill="#d9467a"/><circle cx="0" cy="16" r="10" fill="#f2b6cb"/>`,
		"biscuit":   `<rect x="-40" y="-26" width="80" height="56" rx="12" fill="#dcae74"/><circle cx="-20" cy="-8" r="3" fill="#b07a44"/><circle cx="0" cy="-8" r="3" fill="#b07a44"/><circle cx="20" cy="-8" r="3" fill="#b07a44"/><circle cx="-10" cy="12" r="3" fill="#b07a44"/><circle cx="10" cy="12" r="3" fill="#b07a44"/>`,
		"poubelles": `<rect x="-48" y="-10" width="28" height="60" rx="3" fill="#ffc933"/><rect x="-14" y="-10" width="28" height="60" rx="3" fill="#2e9e6a"/><rect x="20" y="-10" width="28" height="60" rx="3" fill="#a6adb4"/>` +
			`<rect x="-50" y="-18" width="32" height="8" fill="#e0a800"/><rect x="-16" y="-18" width="32" height="8" fill="#23794f"/><rect x="18" y="-18" width="32" height="8" fill="#7c848c"/>`,
		"aimant":   `<path d="M-30 40 V0 Q-30 -36 0 -36 Q30 -36 30 0 V40 H12 V0 Q12 -18 0 -18 Q-12 -18 -12 0 V40 Z" fill="#d9463b"/><rect x="-30" y="28" width="18" height="12" fill="#c8d0d8"/><rect x="12" y="28" width="18" height="12" fill="#c8d0d8"/>`,
		"phare":    `<path d="M-16 50 L-10 -24 H10 L16 50 Z" fill="#ffffff"/><path d="M-14 26 H14 M-12 0 H12" stroke="#d9463b" stroke-width="8"/><rect x="-10" y="-40" width="20" height="16" fill="#ffc933"/><path d="M-14 -40 L0 -52 L14 -40 Z" fill="#d9463b"/><path d="M10 -34 L46 -46 V-20 Z" fill="#ffc933" opacity="0.6"/>`,
		"ancre":    `<circle cx="0" cy="-36" r="8" fill="none" stroke-width="5"/><path d="M0 -28 V40 M-18 -14 H18" stroke-width="6"/><path d="M-34 14 Q-30 40 0 40 Q30 40 34 14" fill="none" stroke-width="6"/>`,
		"personne": figure(0, "#2f6fb5", true),
		"groupe":   figure(-30, "#2e9e6a", false) + figure(30, "#d9467a", false) + figure(0, "#2f6fb5", true),
		"fauteuil": `<circle cx="-6" cy="30" r="18" fill="none" stroke-width="4"/><circle cx="22" cy="44" r="5" fill="#2b3a4a"/><path d="M-6 30 H20 L22 44" fill="none" stroke-width="4"/>` +
			`<circle cx="0" cy="-34" r="11" fill="#c68a5d"/><path d="M-10 -20 H8 V8 H26 V30" fill="none" stroke="#2f6fb5" stroke-width="10"/>`,
		"bulle": `<path d="M-44 -34 H44 V16 H-4 L-24 36 L-20 16 H-44 Z" fill="#ffffff"/><path d="M-30 -18 H30 M-30 -2 H14" stroke="#8a96a3" stroke-width="4"/>`,
		"coeur": `<path d="M0 40 L-36 4 Q-50 -12 -36 -28 Q-18 -42 0 -20 Q18 -42 36 -28 Q50 -12 36 4 Z" fill="#d9467a"/>`,
		"ampoule": `<path d="M-14 24 Q-14 10 -24 -2 Q-36 -20 -20 -38 Q0 -52 20 -38 Q36 -20 24 -2 Q14 10 14 24 Z" fill="#ffc933"/><rect x="-12" y="24" width="24" height="16" fill="#8a96a3"/><path d="M-12 32 H12"/>` +
			`<path d="M-6 20 V4 L0 -8 L6 4 V20" fill="none" stroke="#f08a24"/>`,
		"livre":   `<path d="M0 -24 Q-24 -36 -46 -26 V36 Q-24 26 0 36 Q24 26 46 36 V-26 Q24 -36 0 -24 Z" fill="#ffffff"/><path d="M0 -24 V36"/><path d="M-36 -10 H-10 M-36 4 H-10 M10 -10 H36 M10 4 H36" stroke="#8db8e8" stroke-width="3"/>`,
		"diplome": `<path d="M-46 -10 L0 -30 L46 -10 L0 10 Z" fill="#2b3a4a"/><path d="M-26 0 V20 Q0 34 26 20 V0" fill="#2b3a4a"/><path d="M36 -6 V22" stroke="#ffc933" stroke-width="3"/><circle cx="36" cy="24" r="4" fill="#ffc933"/>`,
		"etoile":  `<path d="M0 -44 L12 -12 L46 -12 L18 8 L28 42 L0 22 L-28 42 L-18 8 L-46 -12 L-12 -12 Z" fill="#ffc933"/>`,
		"horloge": `<circle cx="0" cy="0" r="40" fill="#ffffff" stroke-width="4"/><path d="M0 0 V-26 M0 0 L18 10" stroke-width="4"/><path d="M0 -36 V-32 M36 0 H32 M0 36 V32 M-36 0 H-32"/>`,
		"main":    `<path d="M-22 50 V-4 Q-22 -14 -14 -14 V-34 Q-14 -42 -7 -42 Q0 -42 0 -34 V-18 Q8 -22 14 -16 Q22 -18 26 -10 Q34 -10 34 0 V22 Q34 40 18 50 Z" fill="#e0ac7e"/>`,
	}
	p["engrenage"] = gear(10, 40, 30, 12, steel)
	p["turbine"] = turbine()
	return p
}

// floating props are drawn higher in a scene: they fly, shine or float.
func floating(name string) bool {
	switch name {
	case "helico", "avion", "drone", "satellite", "soleil", "nuage", "etoile", "ampoule", "bulle", "eclair", "atome", "fusee":
		return true
	}
	return false
}

// figure is a worker seen from the front, centred on x.
func figure(x float64, shirt string, helmet bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<g transform="translate(%g 0)">`, x)
	fmt.Fprintf(&b, `<path d="M-18 50 V4 Q-18 -8 0 -8 Q18 -8 18 4 V50 Z" fill="%s"/>`, shirt)
	b.WriteString(`<circle cx="0" cy="-22" r="12" fill="#c68a5d"/>`)
	if helmet {
		b.WriteString(`<path d="M-14 -24 Q-14 -40 0 -40 Q14 -40 14 -24 Z" fill="#ffc933"/><path d="M-17 -24 H17" stroke-width="3"/>`)
	} else {
		b.WriteString(`<path d="M-12 -26 Q-12 -36 0 -36 Q12 -36 12 -26 Q4 -32 -12 -26 Z" fill="#2b3a4a"/>`)
	}
	b.WriteString(`</g>`)
	return b.String()
}

func wheat(x, y float64) string {
	var b strings.Builder
	for i := range 4 {
		yy := y + float64(i)*7
		fmt.Fprintf(&b, `<ellipse cx="%g" cy="%g" rx="4" ry="7" fill="#e8c547" transform="rotate(-30 %g %g)"/>`, x-4, yy, x-4, yy)
		fmt.Fprintf(&b, `<ellipse cx="%g" cy="%g" rx="4" ry="7" fill="#e8c547" transform="rotate(30 %g %g)"/>`, x+4, yy, x+4, yy)
	}
	return b.String()
}

// gear draws a toothed wheel with n teeth.
func gear(n int, outer, inner, hole float64, fill string) string {
	var d strings.Builder
	for i := range n * 2 {
		a0 := float64(i) * math.Pi / float64(n)
		a1 := float64(i+1) * math.Pi / float64(n)
		r := inner
		if i%2 == 0 {
			r = outer
		}
		cmd := "L"
		if i == 0 {
			cmd = "M"
		}
		fmt.Fprintf(&d, "%s%.1f %.1f L%.1f %.1f ", cmd, r*math.Cos(a0), r*math.Sin(a0), r*math.Cos(a1), r*math.Sin(a1))
	}
	return fmt.Sprintf(`<path d="%sZ" fill="%s"/><circle cx="0" cy="0" r="%g" fill="#ffffff"/>`, d.String(), fill, hole)
}

// turbine draws a wheel with curved blades.
func turbine() string {
	var b strings.Builder
	b.WriteString(`<circle cx="0" cy="0" r="42" fill="#c8d0d8"/>`)
	for i := range 8 {
		a := float64(i) * 45
		fmt.Fprintf(&b, `<path d="M0 0 Q20 -10 38 -14 L40 -4 Q18 -2 0 0 Z" fill="#2f6fb5" transform="rotate(%g)"/>`, a)
	}
	b.WriteString(`<circle cx="0" cy="0" r="10" fill="#2b3a4a"/>`)
	return b.String()
}

// recycleArrows draws three arrows chasing each other around a circle.
func recycleArrows() string {
	var b strings.Builder
	for i := range 3 {
		fmt.Fprintf(&b, `<g transform="rotate(%d)"><path d="M-30 -18 A36 36 0 0 1 22 -28" fill="none" stroke="#2e9e6a" stroke-width="9"/><path d="M16 -40 L34 -24 L12 -18 Z" fill="#2e9e6a" stroke="none"/></g>`, i*120)
	}
	return b.String()
}
