package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
)

// tilesPNG draws the tileset image: one flat 32 x 32 tile per terrain, with
// a light pattern so the editor shows roads, quays and water apart.
func tilesPNG() ([]byte, error) {
	img := image.NewNRGBA(image.Rect(0, 0, tilePx*tileCount, tilePx))
	base := []color.NRGBA{
		tGround: {0xc9, 0xbf, 0xa8, 0xff},
		tRoad:   {0x55, 0x58, 0x5e, 0xff},
		tQuay:   {0xa3, 0xa7, 0xad, 0xff},
		tGrass:  {0x6d, 0xa8, 0x4f, 0xff},
		tPlaza:  {0xe8, 0xdc, 0xc0, 0xff},
		tWater:  {0x2f, 0x6f, 0xb5, 0xff},
		tWall:   {0x8a, 0x3b, 0x2e, 0xff},
	}
	for t, c := range base {
		for y := range tilePx {
			for x := range tilePx {
				cc := c
				switch {
				case t == tRoad && y == tilePx/2 && x%8 < 4: // lane marking
					cc = color.NRGBA{0xf0, 0xf0, 0xf0, 0xff}
				case t == tQuay && (x%16 == 0 || y%16 == 0): // paving joints
					cc = color.NRGBA{0x8a, 0x8e, 0x94, 0xff}
				case t == tWater && (x+2*y)%12 == 0: // ripples
					cc = color.NRGBA{0x5a, 0x92, 0xd0, 0xff}
				case t == tWall && (y%8 == 0 || (x+(y/8)*8)%16 == 0): // bricks
					cc = color.NRGBA{0x5e, 0x25, 0x1c, 0xff}
				case x == 0 || y == 0: // tile grid
					cc.R, cc.G, cc.B = cc.R-12, cc.G-12, cc.B-12
				}
				img.SetNRGBA(t*tilePx+x, y, cc)
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
