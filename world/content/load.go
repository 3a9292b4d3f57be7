package content

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// Load reads the contents file name from fsys and validates it against the
// zone z. On any problem it returns a nil Set and an error joining one
// *Error per problem (see Problems). Media paths "/media/x" are looked up
// as "media/x" next to the file, and Set.Media serves that folder.
func Load(fsys fs.FS, name string, z *zone.Zone) (*Set, error) {
	data, err := readLimited(fsys, name, MaxFileBytes)
	if err != nil {
		return nil, &Error{Object: "file", Problem: err.Error(), Err: err}
	}
	var media fs.FS
	dir := path.Join(path.Dir(name), "media")
	if info, err := fs.Stat(fsys, dir); err == nil && info.IsDir() {
		if media, err = fs.Sub(fsys, dir); err != nil {
			media = nil
		}
	}
	return load(data, media, z)
}

// LoadFile loads the contents file at path on the local file system, with
// the media folder next to it.
func LoadFile(p string, z *zone.Zone) (*Set, error) {
	dir, base := filepath.Split(p)
	if dir == "" {
		dir = "."
	}
	return Load(os.DirFS(dir), base, z)
}

func readLimited(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("cannot open: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return data, nil
}

func load(data []byte, media fs.FS, z *zone.Zone) (*Set, error) {
	if z == nil {
		return nil, &Error{Object: "file", Problem: "no zone to check the contents against"}
	}
	s := &Set{}
	if err := decode(data, s); err != nil {
		return nil, err
	}
	s.media = media
	v := validator{s: s, z: z, media: mediaChecker{fsys: media}}
	v.validate()
	if len(v.probs) > 0 {
		return nil, v.probs.err()
	}
	return s, nil
}

// decode reads the JSON strictly: unknown fields and trailing data are
// errors, reported with their line and column.
func decode(data []byte, s *Set) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(s); err != nil {
		return &Error{Object: "file", Problem: "invalid JSON: " + jsonProblem(data, err, d.InputOffset()), Err: err}
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return &Error{Object: "file", Problem: "invalid JSON: " + position(data, d.InputOffset()) + "data after the top-level object"}
	}
	return nil
}

// jsonProblem says where a decoding error is, in terms an organiser's
// editor shows (line and column).
func jsonProblem(data []byte, err error, offset int64) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	// The offsets json reports are just past the faulty byte or value.
	switch {
	case errors.As(err, &syn):
		return position(data, syn.Offset-1) + syn.Error()
	case errors.As(err, &typ):
		if typ.Field == "" {
			return position(data, typ.Offset-1) + "the file must be one JSON object {...}"
		}
		return position(data, typ.Offset-1) + fmt.Sprintf("%s: want %s, got %s", typ.Field, wantOf(typ.Type), typ.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the file ends too early"
	}
	// An unknown field is reported at the end of its object: point to the
	// field's first occurrence as a key instead.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if at := keyOffset(data, name); at >= 0 {
			offset = int64(at)
		}
	}
	return position(data, offset) + err.Error()
}

// keyOffset returns the offset of the first `"name":` in data, or -1.
func keyOffset(data []byte, quoted string) int {
	for from := 0; ; {
		i := bytes.Index(data[from:], []byte(quoted))
		if i < 0 {
			return -1
		}
		i += from
		rest := bytes.TrimLeft(data[i+len(quoted):], " \t\r\n")
		if len(rest) > 0 && rest[0] == ':' {
			return i
		}
		from = i + 1
	}
}

// position returns "line L, column C: " for a byte offset.
func position(data []byte, offset int64) string {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d: ", line, col)
}

// wantOf names a Go type the way an organiser writes it in JSON.
func wantOf(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a text in quotes"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list [...]"
	}
	return "an object {...}"
}
