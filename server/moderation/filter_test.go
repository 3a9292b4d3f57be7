package moderation_test

import (
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/usine-extraordinaire/fairworld/server/moderation"
)

func TestReasons(t *testing.T) {
	t.Parallel()
	seen := make(map[string]bool)
	for r := moderation.OK; r <= moderation.Link; r++ {
		name := r.String()
		if seen[name] || strings.HasPrefix(name, "reason_") {
			t.Errorf("Reason %d has the name %q, unnamed or twice", r, name)
		}
		seen[name] = true
		m := r.Message()
		if (r == moderation.OK) != (m == "") || len(m) > 120 || !utf8.ValidString(m) {
			t.Errorf("%v.Message() = %q (%d bytes); want a sentence of at most 120 bytes, empty for OK", r, m, len(m))
		}
		if r.Blocked() != (r != moderation.OK) {
			t.Errorf("%v.Blocked() = %v", r, r.Blocked())
		}
	}
	if got := moderation.Reason(200).String(); got != "reason_200" {
		t.Errorf("Reason(200).String() = %q", got)
	}
	for r, want := range map[moderation.Reason][2]bool{
		moderation.OK: {false, false}, moderation.TooLong: {false, false}, moderation.Insult: {true, false},
		moderation.Staff: {true, false}, moderation.Phone: {false, true}, moderation.Link: {false, true},
	} {
		if r.Words() != want[0] || r.Contact() != want[1] {
			t.Errorf("%v: Words %v, Contact %v; want %v", r, r.Words(), r.Contact(), want)
		}
	}
}

func TestFoldAndKey(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Léa Ｍartin": "lea martin",
		"MAËLLE":     "maelle",
		"Ꮮéa":        "ꮮea", // Cherokee stays: see the package doc
		"𝐚𝐝𝐦𝐢𝐧":      "admin",
	} {
		if got := moderation.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q; want %q", in, got, want)
		}
	}
	for _, in := range []string{"Léa", "LEA", "L e a", "Ｌéａ", "1ea", "l.e.a", "ιеа"} {
		if got := moderation.Key(in); got != "iea" {
			t.Errorf("Key(%q) = %q; want %q", in, got, "iea")
		}
	}
}

func TestMessageLimits(t *testing.T) {
	t.Parallel()
	f := newFilter(t, moderation.Config{MaxBytes: 50})
	if r := f.Message(strings.Repeat("a", 51)); r != moderation.TooLong {
		t.Errorf("51 bytes: %v; want too_long", r)
	}
	if r := f.Message(strings.Repeat("a", 50)); r != moderation.OK {
		t.Errorf("50 bytes: %v; want ok", r)
	}
	if r := f.Message("salut \xff"); r != moderation.Invalid {
		t.Errorf("bad UTF-8: %v; want invalid", r)
	}
	if r := f.Name("3e B \xff"); r != moderation.Invalid {
		t.Errorf("Name with bad UTF-8: %v; want invalid", r)
	}
	if r := f.Message(""); r != moderation.OK {
		t.Errorf("empty: %v", r)
	}
}

func TestConfig(t *testing.T) {
	t.Parallel()
	for _, cfg := range []moderation.Config{
		{MaxBytes: -1},
		{MaxBytes: 1<<16 + 1},
		{Deny: []string{"..."}},
		{Deny: []string{"l'ami"}},
	} {
		if _, err := moderation.New(cfg); err == nil {
			t.Errorf("New(%+v) succeeded; want an error", cfg)
		}
	}
	f := newFilter(t, moderation.Config{Deny: []string{"# a comment", "crotte", "@hate", "=zut", "!crottelette"}})
	for in, want := range map[string]moderation.Reason{
		"une crotte":          moderation.Insult,
		"crottes":             moderation.Insult,
		"crottelette":         moderation.OK,
		"zut":                 moderation.Hate,
		"zutalors":            moderation.OK,
		"t'es un connard":     moderation.Insult, // the built-in lists stay
		"je suis prof ici":    moderation.OK,     // no staff titles in messages
		"salut la modération": moderation.OK,
	} {
		if got := f.Message(in); got != want {
			t.Errorf("Message(%q) = %v; want %v", in, got, want)
		}
	}
}

// TestNames checks class names and names shown to others: the word lists
// as for pseudonyms (across words), the contact details, and staff titles
// only with Config.Staff.
func TestNames(t *testing.T) {
	t.Parallel()
	f := newFilter(t, moderation.Config{})
	staff := newFilter(t, moderation.Config{Staff: true})
	tests := []struct {
		in        string
		want      moderation.Reason
		wantStaff moderation.Reason
	}{
		{"3e B", moderation.OK, moderation.OK},
		{"4eA Collège Jean Moulin", moderation.OK, moderation.OK},
		{"Les Pros de la 5C", moderation.OK, moderation.OK}, // "prof" is, "pro" is not a title
		{"3e B de Mme Durand", moderation.OK, moderation.Staff},
		{"Seconde 3 Lycée Pasteur", moderation.OK, moderation.OK},
		{"Les Connards", moderation.Insult, moderation.Insult},
		{"sale_pute", moderation.Insult, moderation.Insult},
		{"salepute", moderation.Insult, moderation.Insult},
		{"Les P.D", moderation.Hate, moderation.Hate},
		{"La classe 0612345678", moderation.Phone, moderation.Phone},
		{"snap leo_93", moderation.Handle, moderation.Handle},
		{"monsite.fr", moderation.Link, moderation.Link},
		{"admin", moderation.OK, moderation.Staff},
	}
	for _, tt := range tests {
		if got := f.Name(tt.in); got != tt.want {
			t.Errorf("Name(%q) = %v; want %v", tt.in, got, tt.want)
		}
		if got := staff.Name(tt.in); got != tt.wantStaff {
			t.Errorf("with Staff, Name(%q) = %v; want %v", tt.in, got, tt.wantStaff)
		}
	}
}

// TestConcurrent shares one Filter between goroutines; run with -race.
func TestConcurrent(t *testing.T) {
	t.Parallel()
	f := newFilter(t, moderation.Config{})
	inputs := map[string]moderation.Reason{
		"slt cv ?":              moderation.OK,
		"t'es un c0nnard":       moderation.Insult,
		"06 12 34 56 78":        moderation.Phone,
		"Ｌéａ tu viens ?":        moderation.OK,
		"leo arobase gmail.com": moderation.Email,
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				for in, want := range inputs {
					if got := f.Message(in); got != want {
						t.Errorf("Message(%q) = %v; want %v", in, got, want)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}

// typical is an 80-byte message as pupils write them: a mention, SMS
// French, a time, a room, an accent and an emoji.
const typical = "@Léo slt cv ? rdv à 14h30 salle 204 devant le stand robotique, fini le quiz 😂"

// TestMessageNoAlloc checks that a warm Filter allocates nothing for an
// ordinary message. Not under -race, whose sync.Pool drops buffers on
// purpose.
func TestMessageNoAlloc(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items: run without -race")
	}
	f := newFilter(t, moderation.Config{})
	if r := f.Message(typical); r != moderation.OK {
		t.Fatalf("Message(%q) = %v", typical, r)
	}
	if n := testing.AllocsPerRun(100, func() { f.Message(typical) }); n != 0 {
		t.Errorf("Message allocates %v times per call; want 0", n)
	}
}

func BenchmarkMessage(b *testing.B) {
	f := newFilter(b, moderation.Config{})
	b.SetBytes(int64(len(typical)))
	b.ReportAllocs()
	for b.Loop() {
		f.Message(typical)
	}
}

func BenchmarkMessageASCII(b *testing.B) {
	f := newFilter(b, moderation.Config{})
	const m = "slt cv ? on se retrouve a 14h30 salle 204 devant le stand de la chimie verte ok"
	b.SetBytes(int64(len(m)))
	b.ReportAllocs()
	for b.Loop() {
		f.Message(m)
	}
}

// BenchmarkMessageLongest measures the bound on one call: 2,000 bytes
// (Config.MaxBytes) of the shapes that make the most work: one-letter
// words glued back, numbers, stars between letters, accents.
func BenchmarkMessageLongest(b *testing.B) {
	f := newFilter(b, moderation.Config{})
	m := strings.Repeat("a b c 12 f*lm été 06/12 @léo ", 100)[:2000]
	if r := f.Message(m); r != moderation.OK {
		b.Fatalf("the longest message is %v; it must pass to be read to its end", r)
	}
	b.SetBytes(int64(len(m)))
	b.ReportAllocs()
	for b.Loop() {
		f.Message(m)
	}
}

func BenchmarkName(b *testing.B) {
	f := newFilter(b, moderation.Config{})
	b.ReportAllocs()
	for b.Loop() {
		f.Name("3e B Collège Jean Moulin")
	}
}

func FuzzMessage(f *testing.F) {
	for _, s := range []string{typical, "c o n n a r d", "06 12 34 56 78", "zéro six douze", "leo@gmail.com", "mon snap leo_93", "\xff", ""} {
		f.Add(s)
	}
	flt, err := moderation.New(moderation.Config{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := flt.Message(s)
		if r > moderation.Link {
			t.Fatalf("Message(%q) = %v, not a known reason", s, r)
		}
		if n := flt.Name(s); n > moderation.Link {
			t.Fatalf("Name(%q) = %v, not a known reason", s, n)
		}
	})
}
