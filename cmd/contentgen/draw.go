package main

import (
	"fmt"
	"html"
	"strings"
)

// Scene illustrations are 320 x 200: a background, one to three props
// standing on the ground, and a stripe in the colour of the content's
// challenge.
const (
	sceneW  = 320
	sceneH  = 200
	groundY = 165
)

// accent is the colour of each challenge, as on the page and the map icons.
func accent(challenge string) string {
	switch challenge {
	case "innovation":
		return "#ffb300"
	case "inclusion":
		return "#d9467a"
	case "industrie-4.0":
		return "#2f6fb5"
	case "developpement-durable":
		return "#2e9e6a"
	}
	return "#8a96a3"
}

// scene is what one illustration shows: "atelier: robot cle".
type scene struct {
	bg    string
	props []string
}

func parseScene(spec string, known map[string]string) (scene, error) {
	bg, list, ok := strings.Cut(spec, ":")
	if !ok {
		return scene{}, fmt.Errorf("scene %q: want \"background: prop prop\"", spec)
	}
	sc := scene{bg: strings.TrimSpace(bg), props: strings.Fields(list)}
	if backgrounds()[sc.bg] == "" {
		return scene{}, fmt.Errorf("scene %q: unknown background %q", spec, sc.bg)
	}
	if len(sc.props) == 0 || len(sc.props) > 3 {
		return scene{}, fmt.Errorf("scene %q: want 1 to 3 props", spec)
	}
	for _, p := range sc.props {
		if known[p] == "" {
			return scene{}, fmt.Errorf("scene %q: unknown prop %q", spec, p)
		}
	}
	return sc, nil
}

// backgrounds returns each background's drawing, full canvas.
func backgrounds() map[string]string {
	sky := `<rect width="320" height="200" fill="#d6ecfb"/>`
	return map[string]string{
		"atelier": `<rect width="320" height="200" fill="#e3e7ec"/><path d="M0 40 H320 M80 0 V40 M160 0 V40 M240 0 V40" stroke="#c8d0d8" stroke-width="3"/>` +
			`<rect x="20" y="56" width="60" height="30" fill="#cfeaf5"/><rect x="240" y="56" width="60" height="30" fill="#cfeaf5"/><rect y="150" width="320" height="50" fill="#b9c1ca"/><path d="M0 150 H320" stroke="#ffc933" stroke-width="3" stroke-dasharray="16 10"/>`,
		"labo": `<rect width="320" height="200" fill="#eef6fb"/><path d="M20 50 H120 M200 50 H300" stroke="#c8d0d8" stroke-width="4"/>` +
			`<rect x="30" y="34" width="10" height="16" fill="#8db8e8"/><rect x="48" y="38" width="10" height="12" fill="#8fd19e"/><rect x="250" y="34" width="10" height="16" fill="#f2b6cb"/><rect y="150" width="320" height="50" fill="#cfd8de"/>`,
		"dehors": sky + `<path d="M0 150 Q60 120 120 146 Q190 118 250 144 Q290 130 320 140 V200 H0 Z" fill="#bfe0a8"/><rect y="158" width="320" height="42" fill="#9ccf7a"/><circle cx="280" cy="34" r="14" fill="#fff4c2"/>`,
		"champ":  sky + `<rect y="140" width="320" height="60" fill="#e8d27a"/><path d="M0 156 H320 M0 172 H320 M0 188 H320" stroke="#c9a227" stroke-width="2"/>`,
		"foret":  sky + `<path d="M0 150 L20 96 L40 150 L60 90 L80 150 L100 100 L120 150 L220 150 L240 94 L260 150 L280 100 L300 150 L320 92 V200 H0 Z" fill="#5aa46e"/><rect y="156" width="320" height="44" fill="#7fbf6a"/>`,
		"mer":    sky + `<rect y="132" width="320" height="68" fill="#4f8fd0"/><path d="M0 150 q20 -8 40 0 t40 0 t40 0 t40 0 t40 0 t40 0 t40 0 t40 0 M0 176 q20 -8 40 0 t40 0 t40 0 t40 0 t40 0 t40 0 t40 0 t40 0" fill="none" stroke="#8db8e8" stroke-width="3"/>`,
		"nuit": `<rect width="320" height="200" fill="#1d2b4f"/><circle cx="40" cy="30" r="2" fill="#fff"/><circle cx="120" cy="20" r="2" fill="#fff"/><circle cx="200" cy="40" r="2" fill="#fff"/><circle cx="290" cy="24" r="2" fill="#fff"/>` +
			`<circle cx="260" cy="50" r="12" fill="#f4f1d0"/><rect y="150" width="320" height="50" fill="#2f3d5c"/>`,
		"bureau":       `<rect width="320" height="200" fill="#f6efe4"/><rect x="236" y="30" width="56" height="40" fill="#cfeaf5"/><path d="M264 30 V70 M236 50 H292" stroke="#ffffff" stroke-width="3"/><rect y="150" width="320" height="50" fill="#d9c6a8"/>`,
		"salleblanche": `<rect width="320" height="200" fill="#fff6cc"/><path d="M0 24 H320" stroke="#e8dca0" stroke-width="8"/><path d="M40 24 V0 M120 24 V0 M200 24 V0 M280 24 V0" stroke="#e8dca0" stroke-width="3"/><rect y="150" width="320" height="50" fill="#ece3bd"/>`,
		"ecran":        `<rect width="320" height="200" fill="#26323f"/><rect x="16" y="24" width="60" height="38" fill="#3c6e9e"/><rect x="244" y="24" width="60" height="38" fill="#3c6e9e"/><path d="M24 50 L40 36 L54 44 L68 30" fill="none" stroke="#8fd19e" stroke-width="2"/><rect y="150" width="320" height="50" fill="#3a4856"/>`,
		"espace": `<rect width="320" height="200" fill="#0b1330"/><circle cx="30" cy="30" r="1.5" fill="#fff"/><circle cx="90" cy="60" r="1.5" fill="#fff"/><circle cx="150" cy="24" r="1.5" fill="#fff"/><circle cx="220" cy="50" r="1.5" fill="#fff"/><circle cx="300" cy="30" r="1.5" fill="#fff"/>` +
			`<path d="M-20 200 Q160 120 340 200 Z" fill="#2f6fb5"/><path d="M40 190 Q80 170 120 180 Q150 160 190 176" fill="none" stroke="#2e9e6a" stroke-width="8"/>`,
	}
}

// placement of n props: x centre and scale.
func placement(n int) [][2]float64 {
	switch n {
	case 1:
		return [][2]float64{{160, 1.25}}
	case 2:
		return [][2]float64{{112, 1.05}, {222, 0.85}}
	}
	return [][2]float64{{70, 0.8}, {160, 1}, {250, 0.8}}
}

// drawScene writes the SVG of a scene.
func drawScene(sc scene, challenge, alt string, known map[string]string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">`, sceneW, sceneH, sceneW, sceneH)
	fmt.Fprintf(&b, "<title>%s</title>\n", html.EscapeString(alt))
	b.WriteString(backgrounds()[sc.bg])
	b.WriteString("\n")
	for i, pl := range placement(len(sc.props)) {
		name := sc.props[i]
		x, s := pl[0], pl[1]
		y := groundY - 50*s
		if floating(name) {
			y -= 28 * s
		}
		fmt.Fprintf(&b, `<g transform="translate(%g %g) scale(%g)" stroke="%s" stroke-width="2" stroke-linejoin="round" stroke-linecap="round">%s</g>`+"\n", x, y, s, ink, known[name])
	}
	fmt.Fprintf(&b, `<rect y="192" width="320" height="8" fill="%s"/>`, accent(challenge))
	b.WriteString("</svg>\n")
	return []byte(b.String())
}
