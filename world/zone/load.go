package zone

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/lafriks/go-tiled"
)

// Load reads the Tiled map name from fsys, with the tilesets it references
// (which must lie in fsys too), and validates it. On any problem it returns
// a nil Zone and an error joining one *Error per problem (see Problems).
// What hotspots show (texts, media) is not in the map: see world/content.
func Load(fsys fs.FS, name string) (*Zone, error) {
	data, err := readLimited(fsys, name)
	if err != nil {
		return nil, &Error{Object: "map", Problem: err.Error(), Err: err}
	}
	return load(fsys, name, data)
}

// LoadFile loads the map at path on the local file system. The tilesets it
// references must lie in the map's folder or below it.
func LoadFile(p string) (*Zone, error) {
	dir, base := filepath.Split(p)
	if dir == "" {
		dir = "."
	}
	return Load(os.DirFS(dir), base)
}

func readLimited(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("cannot open map: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read map: %w", err)
	}
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("map file larger than %d bytes", MaxFileBytes)
	}
	return data, nil
}

func load(fsys fs.FS, name string, data []byte) (*Zone, error) {
	if err := prescan(data); err != nil {
		return nil, err
	}
	m, err := parseTMX(fsys, path.Dir(name), data)
	if err != nil {
		return nil, &Error{Object: "map", Problem: "invalid TMX: " + err.Error(), Err: err}
	}
	sum := sha256.Sum256(data)
	b := builder{m: m, z: &Zone{}}
	b.build()
	if len(b.probs) > 0 {
		return nil, b.probs.err()
	}
	b.z.ID = slug(b.z.Name) + "@" + hex.EncodeToString(sum[:])[:12]
	return b.z, nil
}

// parseTMX runs the go-tiled parser. The recover is a last line of defence
// for a third-party parser fed untrusted files: prescan already rejects what
// is known to make it allocate without bound, and a panic on some other
// malformed input must still come back as an error, never crash a server.
func parseTMX(fsys fs.FS, dir string, data []byte) (m *tiled.Map, err error) {
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("parser failure: %v", r)
		}
	}()
	return tiled.LoadReader(dir, bytes.NewReader(data), tiled.WithFileSystem(fsys))
}

// prescan checks, with a streaming XML pass that allocates little, what the
// full parser would otherwise trust: the map's size and orientation and the
// layer data encodings (compressed data could expand without bound).
func prescan(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	seenMap := false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return &Error{Object: "map", Problem: "invalid XML: " + err.Error(), Err: err}
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "map":
			if seenMap {
				return &Error{Object: "map", Problem: "more than one map element"}
			}
			seenMap = true
			if err := checkMapAttrs(se.Attr); err != nil {
				return err
			}
		case "data":
			for _, a := range se.Attr {
				switch {
				case a.Name.Local == "compression" && a.Value != "":
					return &Error{Object: "map", Problem: "compressed layer data (" + a.Value + ") is not accepted: set the layer format to CSV in Tiled's map properties"}
				case a.Name.Local == "encoding" && a.Value != "csv" && a.Value != "base64":
					return &Error{Object: "map", Problem: "unknown layer data encoding " + strconv.Quote(a.Value)}
				}
			}
		case "chunk":
			return &Error{Object: "map", Problem: "infinite maps are not accepted"}
		}
	}
	if !seenMap {
		return &Error{Object: "map", Problem: "no map element: not a TMX file"}
	}
	return nil
}

func checkMapAttrs(attrs []xml.Attr) error {
	get := func(k string) string {
		for _, a := range attrs {
			if a.Name.Local == k {
				return a.Value
			}
		}
		return ""
	}
	var probs problems
	if o := get("orientation"); o != "orthogonal" {
		probs.add("map", fmt.Sprintf("orientation %q, want orthogonal", o))
	}
	if inf := get("infinite"); inf != "" && inf != "0" {
		probs.add("map", "infinite maps are not accepted")
	}
	dim := func(k string, lo, hi int) int {
		v, err := strconv.Atoi(get(k))
		if err != nil || v < lo || v > hi {
			probs.add("map", fmt.Sprintf("%s %q, want an integer in [%d, %d]", k, get(k), lo, hi))
			return 0
		}
		return v
	}
	w, h := dim("width", 1, MaxTiles), dim("height", 1, MaxTiles)
	dim("tilewidth", 1, 4096)
	dim("tileheight", 1, 4096)
	if w > 0 && h > 0 && w*h > MaxTiles {
		probs.add("map", fmt.Sprintf("%dx%d tiles, more than %d", w, h, MaxTiles))
	}
	return probs.err()
}

// slug turns a French display name into a lower-case ASCII id:
// "Zone industrielle de l'Usine" -> "zone-industrielle-de-l-usine".
func slug(s string) string {
	r := strings.NewReplacer(
		"à", "a", "â", "a", "ä", "a", "é", "e", "è", "e", "ê", "e", "ë", "e",
		"î", "i", "ï", "i", "ô", "o", "ö", "o", "ù", "u", "û", "u", "ü", "u",
		"ç", "c", "œ", "oe", "æ", "ae", "ÿ", "y",
	)
	s = r.Replace(strings.ToLower(s))
	var b strings.Builder
	dash := false
	for _, c := range s {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(c)
			dash = false
			if b.Len() >= 48 {
				break
			}
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "zone"
	}
	return b.String()
}
