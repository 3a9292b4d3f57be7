package main

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// property is one Tiled custom property; typ is "" for strings.
type property struct{ name, typ, value string }

// esc escapes an attribute value. Unlike xml.EscapeText it keeps
// apostrophes readable, since French text is full of them and organisers
// read diffs of this file.
func esc(s string) string {
	return strings.NewReplacer(
		"&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;",
		"\n", "&#10;", "\r", "&#13;", "\t", "&#9;",
	).Replace(s)
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// writeProps writes a <properties> block sorted by name, as Tiled does.
func writeProps(b *bytes.Buffer, indent string, props []property) {
	sort.Slice(props, func(i, j int) bool { return props[i].name < props[j].name })
	fmt.Fprintf(b, "%s<properties>\n", indent)
	for _, p := range props {
		if p.typ != "" {
			fmt.Fprintf(b, "%s <property name=\"%s\" type=\"%s\" value=\"%s\"/>\n", indent, esc(p.name), p.typ, esc(p.value))
		} else {
			fmt.Fprintf(b, "%s <property name=\"%s\" value=\"%s\"/>\n", indent, esc(p.name), esc(p.value))
		}
	}
	fmt.Fprintf(b, "%s</properties>\n", indent)
}

// tsx returns the tileset: one tile per terrain, plus a wall tile for the
// collision layer.
func tsx() []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	fmt.Fprintf(&b, "<tileset version=\"1.10\" tiledversion=\"1.10.2\" name=\"fair\" tilewidth=\"%d\" tileheight=\"%d\" tilecount=\"%d\" columns=\"%d\">\n",
		tilePx, tilePx, tileCount, tileCount)
	fmt.Fprintf(&b, " <image source=\"tiles.png\" width=\"%d\" height=\"%d\"/>\n", tilePx*tileCount, tilePx)
	terrains := []struct {
		terrain  string
		walkable bool
	}{
		tGround: {"ground", true}, tRoad: {"road", true}, tQuay: {"quay", true},
		tGrass: {"grass", true}, tPlaza: {"plaza", true}, tWater: {"water", false},
		tWall: {"ground", false},
	}
	for id, t := range terrains {
		fmt.Fprintf(&b, " <tile id=\"%d\">\n", id)
		writeProps(&b, "  ", []property{
			{"terrain", "", t.terrain},
			{"walkable", "bool", strconv.FormatBool(t.walkable)},
		})
		b.WriteString(" </tile>\n")
	}
	b.WriteString("</tileset>\n")
	return b.Bytes()
}

// tmx returns the map file of plan p.
func tmx(p *plan) []byte {
	var b bytes.Buffer
	px := func(m int) string { return strconv.Itoa(m * tilePx / metresPerTl) }
	pxf := func(m float64) string { return ftoa(m * tilePx / metresPerTl) }
	nextID := 1 + len(p.buildings) + len(p.booths) + len(p.hotspots) + len(p.areas)
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	fmt.Fprintf(&b, "<map version=\"1.10\" tiledversion=\"1.10.2\" orientation=\"orthogonal\" renderorder=\"right-down\" width=\"%d\" height=\"%d\" tilewidth=\"%d\" tileheight=\"%d\" infinite=\"0\" nextlayerid=\"7\" nextobjectid=\"%d\">\n",
		cols, rows, tilePx, tilePx, nextID)
	writeProps(&b, " ", []property{
		{"name", "", mapName},
		{"metres_per_tile", "float", ftoa(metresPerTl)},
	})
	b.WriteString(" <tileset firstgid=\"1\" source=\"fair.tsx\"/>\n")
	layer := func(id int, name string, gid func(i int) int) {
		fmt.Fprintf(&b, " <layer id=\"%d\" name=\"%s\" width=\"%d\" height=\"%d\">\n  <data encoding=\"csv\">\n", id, name, cols, rows)
		for y := range rows {
			for x := range cols {
				b.WriteString(strconv.Itoa(gid(y*cols + x)))
				if x < cols-1 || y < rows-1 {
					b.WriteByte(',')
				}
			}
			b.WriteByte('\n')
		}
		b.WriteString("</data>\n </layer>\n")
	}
	layer(1, "ground", func(i int) int { return p.ground[i] + 1 })
	layer(2, "collision", func(i int) int {
		if p.collision[i] {
			return tWall + 1
		}
		return 0
	})
	objID := 1
	object := func(name string, r rect, props []property) {
		fmt.Fprintf(&b, "  <object id=\"%d\" name=\"%s\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\">\n",
			objID, esc(name), px(r.x), px(r.y), px(r.w), px(r.h))
		writeProps(&b, "   ", props)
		b.WriteString("  </object>\n")
		objID++
	}
	b.WriteString(" <objectgroup id=\"3\" name=\"buildings\">\n")
	for _, o := range p.buildings {
		object(o.name, o.r, []property{{"id", "", o.id}, {"kind", "", o.kind}, {"height", "float", ftoa(o.height)}})
	}
	b.WriteString(" </objectgroup>\n <objectgroup id=\"4\" name=\"booths\">\n")
	for _, o := range p.booths {
		object(o.name, o.r, []property{{"id", "", o.id}, {"sector", "", o.sector}})
	}
	b.WriteString(" </objectgroup>\n <objectgroup id=\"5\" name=\"hotspots\">\n")
	for _, h := range p.hotspots {
		// No name: the title, like everything a hotspot shows, is in the
		// contents file (docs/CONTENTS.md), keyed by the id.
		fmt.Fprintf(&b, "  <object id=\"%d\" x=\"%s\" y=\"%s\">\n", objID, pxf(h.x), pxf(h.y))
		props := []property{
			{"id", "", h.id}, {"challenge", "", h.challenge}, {"range", "float", ftoa(h.rng)},
		}
		if h.booth != "" {
			props = append(props, property{"booth", "", h.booth})
		}
		writeProps(&b, "   ", props)
		b.WriteString("   <point/>\n  </object>\n")
		objID++
	}
	b.WriteString(" </objectgroup>\n <objectgroup id=\"6\" name=\"areas\">\n")
	for _, a := range p.areas {
		object(a.name, a.r, []property{{"id", "", a.id}, {"kind", "", a.kind}})
	}
	b.WriteString(" </objectgroup>\n</map>\n")
	return b.Bytes()
}
