package feed

import (
	"encoding/binary"
	"errors"
	"slices"
	"testing"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world"
)

func sampleRecord(h Header) []byte {
	var e encoder
	e.begin(h)
	e.positions([]world.ExportAvatar{{ID: 3, X: 100, Y: 200}, {ID: 70000, X: 65535, Y: 0}})
	e.identities([]world.ExportAvatar{{ID: 9, X: 1, Y: 2, Who: world.Identity{Name: "Zoé", Role: protocol.RoleTeacher, Group: 77, Colour: 4, Shape: 2}}})
	e.gone([]world.ID{5, 6, 1 << 31})
	e.discovered([]world.Discovery{{Avatar: 9, Hotspot: "h-001"}})
	e.hotspots([]world.HotspotCount{{Hotspot: "h-001", Viewers: 3, Changed: true}, {Hotspot: "h-002", Viewers: 1}}, false)
	return e.b
}

type decoded struct {
	pos   []Position
	ident []Ident
	gone  []world.ID
	disc  []string
	hot   map[string]uint32
}

func decodeAll(t *testing.T, data []byte) (Header, decoded) {
	t.Helper()
	var r Record
	if err := r.Decode(data); err != nil {
		t.Fatal(err)
	}
	d := decoded{hot: map[string]uint32{}}
	r.Positions(func(p Position) { d.pos = append(d.pos, p) })
	r.Identities(func(id Ident) {
		c := id
		c.Name = slices.Clone(id.Name)
		d.ident = append(d.ident, c)
	})
	r.Gone(func(id world.ID) { d.gone = append(d.gone, id) })
	r.Discoveries(func(x Discovered) { d.disc = append(d.disc, string(x.Hotspot)) })
	r.Hotspots(func(h HotspotViewers) { d.hot[string(h.Hotspot)] = h.Viewers })
	return r.Header, d
}

func TestRecordRoundTrip(t *testing.T) {
	t.Parallel()
	h := Header{Node: 1 << 60, Channel: 1234, Seq: 4_000_000_000, Tick: 85_000_000_000, Full: true}
	got, d := decodeAll(t, sampleRecord(h))
	h.Version = Version
	if got != h {
		t.Fatalf("header %+v, want %+v", got, h)
	}
	if !slices.Equal(d.pos, []Position{{3, 100, 200}, {70000, 65535, 0}}) {
		t.Fatalf("positions %+v", d.pos)
	}
	if len(d.ident) != 1 || d.ident[0].ID != 9 || string(d.ident[0].Name) != "Zoé" || d.ident[0].Role != 2 ||
		d.ident[0].Group != 77 || d.ident[0].Colour != 4 || d.ident[0].Shape != 2 || d.ident[0].X != 1 || d.ident[0].Y != 2 {
		t.Fatalf("identities %+v", d.ident)
	}
	if !slices.Equal(d.gone, []world.ID{5, 6, 1 << 31}) || !slices.Equal(d.disc, []string{"h-001"}) {
		t.Fatalf("gone %v discovered %v", d.gone, d.disc)
	}
	if len(d.hot) != 1 || d.hot["h-001"] != 3 {
		t.Fatalf("hotspots %v (only the changed one when not full)", d.hot)
	}
}

// A later build's record (version 2: one more header field, one more
// field per position, a longer identity record, a section kind this build
// does not know) is read for what this build knows.
func TestRecordFromALaterVersion(t *testing.T) {
	t.Parallel()
	u := binary.AppendUvarint
	b := []byte{recordMagic, Version + 1}
	b = u(b, headerLen+1)
	for _, v := range []uint64{42, 7, 9, 1000, 0, 12345} { // node, channel, seq, tick, flags, a new field
		b = u(b, v)
	}
	var sec []byte
	sec = u(sec, posFields+1)
	sec = u(sec, 2)
	sec = u(u(u(u(sec, 10), 5), 6), 99) // id 10 (5, 6), new field 99
	sec = u(u(u(u(sec, 2), 7), 8), 98)  // id 12 (7, 8)
	b = u(u(b, secPositions), uint64(len(sec)))
	b = append(b, sec...)
	b = u(u(b, 77), 3) // an unknown section of 3 bytes
	b = append(b, 1, 2, 3)
	var rec []byte
	for _, v := range []uint64{20, 1, 2, 0, 0, 0, 0} {
		rec = u(rec, v)
	}
	rec = append(u(rec, 2), "ab"...)
	rec = append(rec, 0xFF, 0x01, 0x05) // new trailing fields
	sec = u(u(sec[:0], 1), uint64(len(rec)))
	sec = append(sec, rec...)
	b = u(u(b, secIdentities), uint64(len(sec)))
	b = append(b, sec...)

	h, d := decodeAll(t, b)
	if h.Version != Version+1 || h.Node != 42 || h.Channel != 7 || h.Seq != 9 || h.Tick != 1000 {
		t.Fatalf("header %+v", h)
	}
	if !slices.Equal(d.pos, []Position{{10, 5, 6}, {12, 7, 8}}) {
		t.Fatalf("positions %+v", d.pos)
	}
	if len(d.ident) != 1 || d.ident[0].ID != 20 || string(d.ident[0].Name) != "ab" {
		t.Fatalf("identities %+v", d.ident)
	}
}

func TestRecordErrors(t *testing.T) {
	t.Parallel()
	var r Record
	good := sampleRecord(Header{Node: 1, Seq: 1})
	old := slices.Clone(good)
	old[1] = MinVersion - 1
	if err := r.Decode(old); !errors.Is(err, ErrVersion) {
		t.Fatalf("version %d: %v", old[1], err)
	}
	for _, bad := range [][]byte{nil, {recordMagic}, {0, Version}, {recordMagic, Version, 2, 1, 1}} {
		if err := r.Decode(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("%x: %v", bad, err)
		}
	}
	// Every truncation is an error (or a shorter valid record), never a
	// panic; most are errors.
	errs := 0
	for i := range len(good) {
		if r.Decode(good[:i]) != nil {
			errs++
		}
	}
	if errs < len(good)/2 {
		t.Fatalf("only %d of %d truncations refused", errs, len(good))
	}
}

func FuzzDecodeRecord(f *testing.F) {
	f.Add(sampleRecord(Header{Node: 1, Channel: 2, Seq: 3, Tick: 4, Full: true}))
	f.Add(sampleRecord(Header{}))
	f.Add([]byte{recordMagic, Version, 5, 0, 0, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F})
	f.Add([]byte{recordMagic, Version, 5, 0, 0, 0, 0, 0, 2, 3, 0xFF, 0xFF, 0x03})
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Record
		if r.Decode(data) != nil {
			return
		}
		n := 0
		r.Positions(func(Position) { n++ })
		r.Identities(func(id Ident) {
			if len(id.Name) > protocol.MaxPseudonymBytes {
				t.Fatalf("name of %d bytes", len(id.Name))
			}
			n++
		})
		r.Gone(func(world.ID) { n++ })
		r.Discoveries(func(Discovered) { n++ })
		r.Hotspots(func(HotspotViewers) { n++ })
		if n > len(data) {
			t.Fatalf("%d records from %d bytes", n, len(data))
		}
	})
}
