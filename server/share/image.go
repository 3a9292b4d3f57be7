package share

import (
	"bytes"
	_ "embed"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// Andika Bold, SIL International, under the SIL Open Font License 1.1
// (fonts/OFL.txt): a font made for young readers.
//
//go:embed fonts/Andika-Bold.ttf
var andikaBold []byte

// The picture's size: what social networks show as a large preview.
const (
	ImageWidth  = 1200
	ImageHeight = 630
)

// painter draws share pictures with the bundled font. It is safe for
// concurrent use: faces, which are not, are made per picture from the
// parsed font, which is.
type painter struct {
	font *opentype.Font
}

func newPainter() (*painter, error) {
	f, err := opentype.Parse(andikaBold)
	if err != nil {
		return nil, fmt.Errorf("share: the bundled font: %w", err)
	}
	return &painter{font: f}, nil
}

// Card is what a picture shows.
type Card struct {
	Name        string     // the pseudonym
	Badge       string     // the badge's title
	Description string     // what it rewards
	Date        string     // "22 novembre 2021"
	Colour      color.RGBA // the badge's challenge colour
}

// PNG draws c: the fair's name, the badge as a medal in its colour, who
// earned it, the badge, what for and when.
func (p *painter) PNG(c Card) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, ImageWidth, ImageHeight))
	bg := mix(c.Colour, color.RGBA{255, 255, 255, 255}, 0.82)
	draw.Draw(img, img.Bounds(), image.NewUniform(bg), image.Point{}, draw.Src)
	// A band of the colour along the top and the bottom.
	draw.Draw(img, image.Rect(0, 0, ImageWidth, 18), image.NewUniform(c.Colour), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(0, ImageHeight-18, ImageWidth, ImageHeight), image.NewUniform(c.Colour), image.Point{}, draw.Src)
	medal(img, 230, 330, 150, c.Colour)

	ink := color.RGBA{0x14, 0x21, 0x3d, 255}
	soft := color.RGBA{0x3a, 0x46, 0x60, 255}
	x, w := 450, ImageWidth-450-60
	y := 110
	y = p.text(img, "L'Usine Extraordinaire digitale", x, y, w, 34, soft, 1)
	y += 30
	y = p.text(img, c.Name, x, y, w, 72, ink, 1)
	y = p.text(img, "a gagné le badge", x, y+6, w, 36, soft, 1)
	y = p.text(img, "« "+c.Badge+" »", x, y+10, w, 56, darken(c.Colour), 2)
	y = p.text(img, c.Description, x, y+14, w, 32, ink, 2)
	p.text(img, "le "+c.Date, x, y+10, w, 30, soft, 1)

	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, img); err != nil {
		return nil, fmt.Errorf("share: encoding the picture: %w", err)
	}
	return b.Bytes(), nil
}

// text writes s from (x, top), wrapping at width w over at most lines
// lines (the size shrinks until it fits), and returns the y under it.
func (p *painter) text(img draw.Image, s string, x, top, w int, size float64, col color.Color, lines int) int {
	for ; size >= 12; size *= 0.9 {
		face, err := opentype.NewFace(p.font, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			return top
		}
		ls := wrap(face, s, w)
		if len(ls) > lines && size*0.9 >= 12 {
			_ = face.Close()
			continue
		}
		m := face.Metrics()
		lh := (m.Ascent + m.Descent).Ceil() + int(size*0.15)
		d := font.Drawer{Dst: img, Src: image.NewUniform(col), Face: face}
		y := top
		for i, l := range ls {
			if i == lines {
				break
			}
			d.Dot = fixed.Point26_6{X: fixed.I(x), Y: fixed.I(y) + m.Ascent}
			d.DrawString(l)
			y += lh
		}
		_ = face.Close()
		return y
	}
	return top
}

// wrap cuts s into lines no wider than w.
func wrap(face font.Face, s string, w int) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		try := word
		if line != "" {
			try = line + " " + word
		}
		if font.MeasureString(face, try).Ceil() <= w || line == "" {
			line = try
			continue
		}
		out = append(out, line)
		line = word
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}

// medal draws a round medal with a star, centred on (cx, cy).
func medal(img draw.Image, cx, cy, r float32, c color.RGBA) {
	ribbon := vector.NewRasterizer(ImageWidth, ImageHeight)
	ribbon.MoveTo(cx-r*0.55, cy-r*1.9)
	ribbon.LineTo(cx-r*0.05, cy-r*1.9)
	ribbon.LineTo(cx+r*0.2, cy-r*0.6)
	ribbon.LineTo(cx-r*0.3, cy-r*0.6)
	ribbon.ClosePath()
	ribbon.MoveTo(cx+r*0.05, cy-r*1.9)
	ribbon.LineTo(cx+r*0.55, cy-r*1.9)
	ribbon.LineTo(cx+r*0.3, cy-r*0.6)
	ribbon.LineTo(cx-r*0.2, cy-r*0.6)
	ribbon.ClosePath()
	ribbon.Draw(img, img.Bounds(), image.NewUniform(darken(c)), image.Point{})

	disc(img, cx, cy, r, color.RGBA{0xe8, 0xb9, 0x2f, 255}) // gold rim
	disc(img, cx, cy, r*0.86, c)
	star := vector.NewRasterizer(ImageWidth, ImageHeight)
	for i := range 10 {
		a := -math.Pi/2 + float64(i)*math.Pi/5
		rr := float64(r) * 0.62
		if i%2 == 1 {
			rr *= 0.45
		}
		px, py := cx+float32(rr*math.Cos(a)), cy+float32(rr*math.Sin(a))
		if i == 0 {
			star.MoveTo(px, py)
		} else {
			star.LineTo(px, py)
		}
	}
	star.ClosePath()
	star.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{255, 255, 255, 255}), image.Point{})
}

// disc fills a circle (a 64-gon).
func disc(img draw.Image, cx, cy, r float32, c color.Color) {
	z := vector.NewRasterizer(ImageWidth, ImageHeight)
	for i := range 64 {
		a := float64(i) * 2 * math.Pi / 64
		px, py := cx+r*float32(math.Cos(a)), cy+r*float32(math.Sin(a))
		if i == 0 {
			z.MoveTo(px, py)
		} else {
			z.LineTo(px, py)
		}
	}
	z.ClosePath()
	z.Draw(img, img.Bounds(), image.NewUniform(c), image.Point{})
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	f := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t) }
	return color.RGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), 255}
}

func darken(c color.RGBA) color.RGBA { return mix(c, color.RGBA{0, 0, 0, 255}, 0.35) }
