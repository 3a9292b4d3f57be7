package main

import (
	"fmt"
	"hash/fnv"
	"html"
	"strings"

	"github.com/usine-extraordinaire/fairworld/world/content"
)

// Portraits are 200 x 200 drawn busts of fictional people: the face,
// hair and skin come from a hash of the speaker's name, the clothes and
// protective gear from their job. They are drawings, never photos.

// outfit is what a job wears in a portrait.
type outfit struct {
	clothes string // "vest", "work", "coat", "hood", "casual"
	helmet  bool
	glasses bool
}

func outfitOf(job string) outfit {
	o := outfit{clothes: "work"}
	switch job {
	case "soudeur", "chaudronnier", "tuyauteur", "fondeur", "technicien-eolien", "technicien-hydraulique", "pilote-laminoir":
		o.helmet = true
	case "grutier", "charpentier", "conducteur-silo", "technicien-recyclage":
		o.helmet, o.clothes = true, "vest"
	case "logisticien", "officier-port":
		o.clothes = "vest"
	case "technicien-laboratoire", "chimiste", "technicien-bioproduction", "technicien-radioprotection":
		o.clothes, o.glasses = "coat", true
	case "technicien-salle-blanche":
		o.clothes = "hood"
	case "usineur", "electrotechnicien", "technicien-verrier", "mecanicien-industriel", "electronicien", "plasturgiste":
		o.glasses = true
	case "charge-recrutement", "acheteur", "technico-commercial", "formateur", "ergonome", "developpeur-industriel",
		"analyste-donnees", "expert-cybersecurite", "dessinateur-projeteur", "ingenieur-procedes", "ingenieur-recherche",
		"ingenieur-materiaux", "ingenieur-energie", "ingenieur-systeme", "ingenieur-surete", "roboticien", "technicien-methodes":
		o.clothes = "casual"
	}
	return o
}

func hash(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

// drawPortrait writes the SVG portrait of a speaker.
func drawPortrait(sp *content.Speaker, challenge string) []byte {
	skins := []string{"#f6d2b8", "#eab48f", "#d39a6e", "#b4784e", "#8d5a3b", "#6b4128"}
	hairs := []string{"#2b1d16", "#4a2e1f", "#6e4a2e", "#a0522d", "#d9b26a", "#1c1c1c"}
	h := hash(sp.Name + "/" + sp.Job)
	skin := skins[h%uint32(len(skins))]
	hair := hairs[(h/7)%uint32(len(hairs))]
	if sp.Age >= 48 {
		hair = "#9aa0a6"
	}
	style := int((h / 53) % 4)
	o := outfitOf(sp.Job)
	shirts := []string{"#2f6fb5", "#2e9e6a", "#7d5ba6", "#d9463b", "#f08a24", "#3c8ea0"}
	shirt := shirts[(h/11)%uint32(len(shirts))]

	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200" viewBox="0 0 200 200">`)
	fmt.Fprintf(&b, "<title>%s</title>\n", html.EscapeString(sp.Portrait.Alt))
	fmt.Fprintf(&b, `<circle cx="100" cy="100" r="98" fill="%s" opacity="0.25"/><circle cx="100" cy="100" r="98" fill="none" stroke="%s" stroke-width="4"/>`+"\n", accent(challenge), accent(challenge))
	b.WriteString(`<g stroke="#2b3a4a" stroke-width="2" stroke-linejoin="round" stroke-linecap="round">`)
	// Hair behind the head (long styles).
	switch {
	case sp.Gender == content.GenderFemale && (style == 0 || style == 2):
		fmt.Fprintf(&b, `<path d="M58 92 Q56 40 100 40 Q144 40 142 92 L146 150 H54 Z" fill="%s"/>`, hair)
	case sp.Gender == content.GenderFemale && (o.helmet || o.clothes == "hood"):
		// Short styles would vanish under a helmet: a bob shows below it.
		fmt.Fprintf(&b, `<path d="M60 92 Q58 56 100 56 Q142 56 140 92 L142 130 Q120 138 100 138 Q80 138 58 130 Z" fill="%s"/>`, hair)
	}
	// Body and clothes.
	switch o.clothes {
	case "vest":
		b.WriteString(`<path d="M30 200 Q32 150 100 146 Q168 150 170 200 Z" fill="#f08a24"/><path d="M44 176 H156 M40 190 H160" stroke="#e8eef2" stroke-width="6"/>`)
	case "coat":
		b.WriteString(`<path d="M30 200 Q32 150 100 146 Q168 150 170 200 Z" fill="#ffffff"/><path d="M100 150 L84 200 M100 150 L116 200" fill="none"/>`)
		fmt.Fprintf(&b, `<path d="M88 148 L100 170 L112 148 Z" fill="%s"/>`, shirt)
	case "hood":
		b.WriteString(`<path d="M30 200 Q32 150 100 146 Q168 150 170 200 Z" fill="#ffffff"/><path d="M100 154 V200" stroke="#c8d0d8"/>`)
	case "casual":
		fmt.Fprintf(&b, `<path d="M30 200 Q32 150 100 146 Q168 150 170 200 Z" fill="%s"/><path d="M86 148 L100 164 L114 148" fill="none" stroke="#ffffff" stroke-width="3"/>`, shirt)
	default: // work jacket
		b.WriteString(`<path d="M30 200 Q32 150 100 146 Q168 150 170 200 Z" fill="#2b4a6f"/><path d="M100 150 V200 M60 172 H80 M120 172 H140" stroke="#8db8e8" stroke-width="3"/>`)
	}
	fmt.Fprintf(&b, `<rect x="88" y="126" width="24" height="26" fill="%s"/>`, skin)
	// Head.
	fmt.Fprintf(&b, `<ellipse cx="100" cy="94" rx="34" ry="40" fill="%s"/>`, skin)
	fmt.Fprintf(&b, `<ellipse cx="66" cy="98" rx="6" ry="9" fill="%s"/><ellipse cx="134" cy="98" rx="6" ry="9" fill="%s"/>`, skin, skin)
	// Hair on top, unless a hood or a helmet covers it.
	if o.clothes != "hood" && !o.helmet {
		b.WriteString(hairTop(sp.Gender, style, hair))
	} else if o.helmet && sp.Gender == content.GenderFemale {
		fmt.Fprintf(&b, `<path d="M66 80 Q70 66 84 64 L82 80 Z M134 80 Q130 66 116 64 L118 80 Z" fill="%s"/>`, hair)
	}
	// Face.
	b.WriteString(`<circle cx="87" cy="94" r="3.5" fill="#2b3a4a" stroke="none"/><circle cx="113" cy="94" r="3.5" fill="#2b3a4a" stroke="none"/>`)
	fmt.Fprintf(&b, `<path d="M80 84 Q87 80 94 84 M106 84 Q113 80 120 84" fill="none" stroke="%s" stroke-width="3"/>`, darker(hair))
	b.WriteString(`<path d="M100 98 Q97 106 101 108" fill="none"/><path d="M88 114 Q100 124 112 114" fill="none" stroke-width="3"/>`)
	if sp.Gender == content.GenderMale && style == 3 && sp.Age >= 25 {
		fmt.Fprintf(&b, `<path d="M70 104 Q72 136 100 136 Q128 136 130 104 Q124 124 100 124 Q76 124 70 104 Z" fill="%s"/><path d="M88 116 Q100 124 112 116" fill="none" stroke-width="3"/>`, hair)
	}
	if o.glasses {
		b.WriteString(`<rect x="74" y="86" width="24" height="16" rx="6" fill="#cfeaf5" fill-opacity="0.5"/><rect x="102" y="86" width="24" height="16" rx="6" fill="#cfeaf5" fill-opacity="0.5"/><path d="M98 92 H102"/>`)
	}
	// Headgear.
	switch {
	case o.clothes == "hood":
		b.WriteString(`<path d="M62 100 Q60 48 100 46 Q140 48 138 100 L140 140 Q120 128 126 100 Q126 66 100 64 Q74 66 74 100 Q80 128 60 140 Z" fill="#ffffff"/>`)
		b.WriteString(`<path d="M78 110 Q100 118 122 110 V126 Q100 134 78 126 Z" fill="#e8eef2"/>`)
	case o.helmet:
		b.WriteString(`<path d="M62 76 Q62 40 100 40 Q138 40 138 76 Z" fill="#ffc933"/><path d="M56 76 H144 V82 H56 Z" fill="#ffc933"/><path d="M100 42 V76" stroke="#d9a800" stroke-width="4"/>`)
	}
	b.WriteString("</g></svg>\n")
	return []byte(b.String())
}

// hairTop draws the hair over the forehead.
func hairTop(gender string, style int, c string) string {
	if gender == content.GenderFemale {
		switch style {
		case 0: // long, with a fringe
			return fmt.Sprintf(`<path d="M66 90 Q62 52 100 50 Q138 52 134 90 Q124 66 100 64 Q80 66 66 90 Z" fill="%s"/>`, c)
		case 1: // bun
			return fmt.Sprintf(`<circle cx="100" cy="46" r="16" fill="%s"/><path d="M66 88 Q64 54 100 54 Q136 54 134 88 Q120 68 100 68 Q80 68 66 88 Z" fill="%s"/>`, c, c)
		case 2: // long, parted
			return fmt.Sprintf(`<path d="M66 92 Q62 52 100 52 Q138 52 134 92 Q130 64 100 62 Q84 64 66 92 Z" fill="%s"/>`, c)
		}
		// curly
		var b strings.Builder
		for i, p := range [][2]int{{70, 70}, {82, 56}, {100, 50}, {118, 56}, {130, 70}, {66, 90}, {134, 90}} {
			r := 14
			if i >= 5 {
				r = 11
			}
			fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="%d" fill="%s"/>`, p[0], p[1], r, c)
		}
		return b.String()
	}
	switch style {
	case 0: // short
		return fmt.Sprintf(`<path d="M66 86 Q62 52 100 52 Q138 52 134 86 Q128 70 100 68 Q72 70 66 86 Z" fill="%s"/>`, c)
	case 1: // curly short
		var b strings.Builder
		for _, p := range [][2]int{{72, 72}, {84, 60}, {100, 56}, {116, 60}, {128, 72}} {
			fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="11" fill="%s"/>`, p[0], p[1], c)
		}
		return b.String()
	case 2: // side parting
		return fmt.Sprintf(`<path d="M66 88 Q64 50 104 52 Q138 56 134 84 Q120 64 92 70 Q76 74 66 88 Z" fill="%s"/>`, c)
	}
	// very short
	return fmt.Sprintf(`<path d="M67 80 Q68 56 100 56 Q132 56 133 80 Q120 66 100 66 Q80 66 67 80 Z" fill="%s"/>`, c)
}

// darker returns a darker shade of a #rrggbb colour for the eyebrows.
func darker(c string) string {
	if len(c) != 7 {
		return c
	}
	var r, g, b int
	fmt.Sscanf(c[1:], "%02x%02x%02x", &r, &g, &b)
	return fmt.Sprintf("#%02x%02x%02x", r*2/3, g*2/3, b*2/3)
}
