package content

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
)

// fileType is a kind of media file: the extensions it may have and a check
// of its first bytes, so that a file named .mp4 that is not one is refused
// at load rather than failing in a pupil's browser.
type fileType struct {
	name  string // "an image", "a video", "an audio"
	exts  []string
	magic func(ext string, head []byte) bool
}

func imageTypes() fileType {
	return fileType{"an image", []string{".svg", ".png", ".jpg", ".jpeg", ".webp"}, imageMagic}
}

func videoTypes() fileType { return fileType{"a video", []string{".mp4", ".webm"}, avMagic} }

func audioTypes() fileType {
	return fileType{"an audio", []string{".mp3", ".ogg", ".oga", ".opus", ".m4a", ".wav"}, avMagic}
}

// headBytes is how much of a file the type checks read; an SVG is read
// whole, up to MaxSVGBytes, to look for scripts and external references.
const (
	headBytes   = 64
	MaxSVGBytes = 1 << 20
)

func imageMagic(ext string, h []byte) bool {
	switch ext {
	case ".png":
		return bytes.HasPrefix(h, []byte("\x89PNG\r\n\x1a\n"))
	case ".jpg", ".jpeg":
		return bytes.HasPrefix(h, []byte{0xFF, 0xD8, 0xFF})
	case ".webp":
		return len(h) >= 12 && string(h[:4]) == "RIFF" && string(h[8:12]) == "WEBP"
	}
	return false // .svg is checked by svgProblem
}

func avMagic(ext string, h []byte) bool {
	switch ext {
	case ".mp4", ".m4a":
		return len(h) >= 8 && string(h[4:8]) == "ftyp"
	case ".webm":
		return bytes.HasPrefix(h, []byte{0x1A, 0x45, 0xDF, 0xA3})
	case ".mp3":
		return bytes.HasPrefix(h, []byte("ID3")) || len(h) >= 2 && h[0] == 0xFF && h[1]&0xE0 == 0xE0
	case ".ogg", ".oga", ".opus":
		return bytes.HasPrefix(h, []byte("OggS"))
	case ".wav":
		return len(h) >= 12 && string(h[:4]) == "RIFF" && string(h[8:12]) == "WAVE"
	}
	return false
}

// svgActive matches what would make an SVG run code or fetch from another
// site when opened from the fair's origin: scripts, event handlers,
// embedded HTML, javascript: links and absolute or protocol-relative URLs.
// A compiled regexp is immutable and safe for concurrent use.
var svgActive = regexp.MustCompile(`(?i)<script|<foreignobject|\son[a-z]+\s*=|javascript:|(?:href|src)\s*=\s*["']\s*(?:[a-z][a-z0-9+.-]*:|//)|url\(\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|//)|@import`)

// svgProblem says why an SVG file is refused, or returns "".
func svgProblem(data []byte) string {
	if !bytes.Contains(data, []byte("<svg")) {
		return "is not an SVG file (no <svg> element)"
	}
	if m := svgActive.Find(data); m != nil {
		return fmt.Sprintf("is refused: an SVG must not hold scripts, event handlers or links to other sites (found %q)", m)
	}
	return ""
}

// mediaChecker checks media paths against the media folder, reading each
// file once however many contents use it.
type mediaChecker struct {
	fsys fs.FS
	seen map[string]string    // type and path -> problem ("" when fine)
	vtt  map[string]vttResult // captions path -> what checking it found
}

// check reports a media path that is not "/media/<file>" of the right type,
// or whose file is missing or not of that type, and returns the file's name
// in the media folder ("" on a problem).
func (m *mediaChecker) check(p *problems, obj, field, src string, t fileType) string {
	name, problem := m.resolve(src, t)
	if problem != "" {
		if src == "" {
			p.add(obj, "missing %s src", field)
		} else {
			p.add(obj, "%s %q %s", field, src, problem)
		}
		return ""
	}
	return name
}

func (m *mediaChecker) resolve(src string, t fileType) (string, string) {
	name, ok := strings.CutPrefix(src, "/media/")
	if !ok || len(src) > MaxPathBytes || !fs.ValidPath(name) || name == "." {
		return "", "is not a path /media/<file>"
	}
	ext := strings.ToLower(path.Ext(name))
	if !slices.Contains(t.exts, ext) {
		return "", fmt.Sprintf("is not %s file: want %s", t.name, strings.Join(t.exts, ", "))
	}
	if m.fsys == nil {
		return "", "not found (no media folder next to the contents file)"
	}
	key := t.name + " " + name
	if problem, done := m.seen[key]; done {
		return name, problem
	}
	problem := m.inspect(name, ext, t)
	if m.seen == nil {
		m.seen = map[string]string{}
	}
	m.seen[key] = problem
	if problem != "" {
		return "", problem
	}
	return name, ""
}

// inspect opens the file and checks its type.
func (m *mediaChecker) inspect(name, ext string, t fileType) string {
	info, err := fs.Stat(m.fsys, name)
	if err != nil || info.IsDir() {
		return "not found in the media folder"
	}
	limit := int64(headBytes)
	if ext == ".svg" {
		if info.Size() > MaxSVGBytes {
			return fmt.Sprintf("is larger than %d bytes", MaxSVGBytes)
		}
		limit = MaxSVGBytes
	}
	data, err := readHead(m.fsys, name, limit)
	if err != nil {
		return "cannot be read: " + err.Error()
	}
	if ext == ".svg" {
		return svgProblem(data)
	}
	if !t.magic(ext, data) {
		return fmt.Sprintf("is not really a %s file (its first bytes say otherwise)", ext)
	}
	return ""
}

// captions checks a WebVTT file and returns the length of the media it
// covers.
func (m *mediaChecker) captions(p *problems, obj, src string) time.Duration {
	name, ok := strings.CutPrefix(src, "/media/")
	problem := ""
	switch {
	case src == "":
		p.add(obj, "missing media captions: a video or audio needs WebVTT captions")
		return 0
	case !ok || len(src) > MaxPathBytes || !fs.ValidPath(name) || name == ".":
		problem = "is not a path /media/<file>"
	case strings.ToLower(path.Ext(name)) != ".vtt":
		problem = "is not a WebVTT file: want .vtt"
	case m.fsys == nil:
		problem = "not found (no media folder next to the contents file)"
	}
	if problem != "" {
		p.add(obj, "media captions %q %s", src, problem)
		return 0
	}
	r, done := m.vtt[name]
	if !done {
		r = m.readCaptions(name)
		if m.vtt == nil {
			m.vtt = map[string]vttResult{}
		}
		m.vtt[name] = r
	}
	if r.problem != "" {
		p.add(obj, "media captions %q %s", src, r.problem)
	}
	return r.length
}

// vttResult is what checking one captions file found.
type vttResult struct {
	problem string
	length  time.Duration
}

func (m *mediaChecker) readCaptions(name string) vttResult {
	if info, err := fs.Stat(m.fsys, name); err != nil || info.IsDir() {
		return vttResult{problem: "not found in the media folder"}
	}
	data, err := readLimited(m.fsys, name, MaxCaptionsBytes)
	if err != nil {
		return vttResult{problem: err.Error()}
	}
	length, err := parseVTT(data)
	if err != nil {
		return vttResult{problem: "is not valid WebVTT: " + err.Error()}
	}
	return vttResult{length: length}
}

func readHead(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}
