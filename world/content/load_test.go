package content

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestLoadValidSet(t *testing.T) {
	t.Parallel()
	s, err := loadSet(t, validSet(), testMedia(t))
	if err != nil {
		t.Fatalf("valid set refused:\n%s", strings.Join(problemStrings(err), "\n"))
	}
	for _, h := range testZone().Hotspots {
		c, ok := s.Content(h.ID)
		if !ok || c.Hotspot != h.ID || c.Challenge != h.Challenge {
			t.Fatalf("content of %s: %+v %v", h.ID, c, ok)
		}
	}
	if _, ok := s.Content("h-999"); ok {
		t.Error("content of an unknown hotspot")
	}
	if b, ok := s.Booth("b-02"); !ok || b.Company != "Rotorelle" {
		t.Errorf("booth b-02: %+v %v", b, ok)
	}
	if j, ok := s.Job("soudeur"); !ok || j.Name(GenderFemale) != "soudeuse" || j.Name("") != "soudeuse ou soudeur" {
		t.Errorf("job soudeur: %+v %v", j, ok)
	}
	if sec, ok := s.Sector("aero"); !ok || sec.Name != "Aéronautique" {
		t.Errorf("sector aero: %+v %v", sec, ok)
	}
	if _, err := fs.Stat(s.Media(), "tiny.webm"); err != nil {
		t.Errorf("media folder: %v", err)
	}
	v, _ := s.Content("h-006")
	if v.MediaLength() != 2*time.Second {
		t.Errorf("video length %v, want 2s from the captions", v.MediaLength())
	}
}

func TestLoadFileFromDisk(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, f := range testMedia(t) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := jsonOf(validSet())
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "contents.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(p, testZone()); err != nil {
		t.Fatal(err)
	}
	_, err = LoadFile(filepath.Join(dir, "absent.json"), testZone())
	if ps := problemStrings(err); len(ps) != 1 || !strings.HasPrefix(ps[0], "file: cannot open") {
		t.Errorf("missing file: %v", ps)
	}
}

// TestBadSets changes one thing in a valid file and expects exactly one
// problem, named: one case per validation error.
func TestBadSets(t *testing.T) {
	t.Parallel()
	c := func(s *Set, id string) *Content {
		for i := range s.Contents {
			if s.Contents[i].Hotspot == id {
				return &s.Contents[i]
			}
		}
		panic("no content " + id)
	}
	article := func(s *Set) *Content { return c(s, "h-001") }
	temoignage := func(s *Set) *Content { return c(s, "h-002") }
	visite := func(s *Set) *Content { return c(s, "h-003") }
	quiz := func(s *Set) *Content { return c(s, "h-004") }
	questionnaire := func(s *Set) *Questionnaire { return c(s, "h-005").Questionnaire }
	video := func(s *Set) *Content { return c(s, "h-006") }
	audio := func(s *Set) *Content { return c(s, "h-007") }
	tests := []struct {
		name  string
		edit  func(s *Set, m fstest.MapFS)
		want  string
		count int // problems expected; 0 means 1
	}{
		// The file.
		{"no version", func(s *Set, _ fstest.MapFS) { s.Version = 0 }, "file: missing version (want 1)", 0},
		{"future version", func(s *Set, _ fstest.MapFS) { s.Version = 2 }, "file: version 2 is not supported (want 1)", 0},
		{"too many sectors", func(s *Set, _ fstest.MapFS) {
			s.Sectors = make([]Sector, MaxEntries+1)
			s.Sectors[0], s.Sectors[1] = Sector{ID: "chimie", Name: "Chimie"}, Sector{ID: "aero", Name: "Aéro"}
		}, "file: 20001 sectors, more than 20000", 3},
		// Sectors.
		{"sector without id", func(s *Set, _ fstest.MapFS) { s.Sectors = append(s.Sectors, Sector{Name: "Verre"}) }, "sector #3: missing id", 0},
		{"sector id with a space", func(s *Set, _ fstest.MapFS) { s.Sectors = append(s.Sectors, Sector{ID: "le verre", Name: "Verre"}) }, "sector #3: id must be at most 64 bytes without spaces", 0},
		{"sector twice", func(s *Set, _ fstest.MapFS) { s.Sectors = append(s.Sectors, Sector{ID: "aero", Name: "Aéro"}) }, "sector aero: listed twice (entries 2 and 3)", 0},
		{"sector without name", func(s *Set, _ fstest.MapFS) { s.Sectors[0].Name = "" }, "sector chimie: missing name", 0},
		// Booths.
		{"booth not in the zone", func(s *Set, _ fstest.MapFS) {
			s.Booths = append(s.Booths, Booth{ID: "b-09", Sector: "aero", Name: "Le banc d'essai", Company: "Ventaile"})
		}, "booth b-09: not a booth of the zone", 0},
		{"booth twice", func(s *Set, _ fstest.MapFS) { s.Booths = append(s.Booths, s.Booths[0]) }, "booth b-01: listed twice (entries 1 and 3)", 0},
		{"booth without sector", func(s *Set, _ fstest.MapFS) { s.Booths[0].Sector = "" }, "booth b-01: missing sector", 0},
		{"booth with an unknown sector", func(s *Set, _ fstest.MapFS) { s.Booths[0].Sector = "verre" }, `booth b-01: sector "verre" is not in the sectors list`, 0},
		{"booth with another sector than the map's", func(s *Set, _ fstest.MapFS) { s.Booths[0].Sector = "aero" }, `booth b-01: sector "aero", the map says "chimie"`, 0},
		{"booth without name", func(s *Set, _ fstest.MapFS) { s.Booths[1].Name = " " }, "booth b-02: missing name", 0},
		{"booth without company", func(s *Set, _ fstest.MapFS) { s.Booths[1].Company = "" }, "booth b-02: missing company", 0},
		{"two booths with one name", func(s *Set, _ fstest.MapFS) { s.Booths[1].Name = "le laboratoire  des couleurs" }, "booth b-02: same name as b-01", 0},
		{"two booths with one company", func(s *Set, _ fstest.MapFS) { s.Booths[1].Company = "PIGMENTIS" }, "booth b-02: same company as b-01", 0},
		{"a zone booth without entry", func(s *Set, _ fstest.MapFS) { s.Booths = s.Booths[:1] }, "booth b-02: missing: every booth of the zone needs an entry (name, company)", 0},
		{"booth name on two lines", func(s *Set, _ fstest.MapFS) { s.Booths[0].Name = "Le laboratoire\ndes couleurs" }, "booth b-01: name must be one line", 0},
		// Jobs.
		{"job twice", func(s *Set, _ fstest.MapFS) { s.Jobs = append(s.Jobs, s.Jobs[2]) }, "job acheteur: listed twice (entries 3 and 4)", 0},
		{"job without feminine", func(s *Set, _ fstest.MapFS) { s.Jobs[0].Feminine = "" }, "job soudeur: missing feminine", 0},
		{"job without masculine", func(s *Set, _ fstest.MapFS) { s.Jobs[0].Masculine = "" }, "job soudeur: missing masculine", 0},
		{"job without description", func(s *Set, _ fstest.MapFS) { s.Jobs[1].Description = "" }, "job chimiste: missing description", 0},
		{"job description too long", func(s *Set, _ fstest.MapFS) { s.Jobs[1].Description = strings.Repeat("a", MaxShortBytes+1) }, "job chimiste: description longer than 400 bytes", 0},
		// Contents: which hotspot.
		{"content without hotspot", func(s *Set, _ fstest.MapFS) {
			s.Contents = append(s.Contents, Content{Kind: KindArticle, Challenge: "innovation", Title: "Autre", Text: "Un texte.", Points: 1, Image: &Image{Src: "/media/a.svg", Alt: "A"}})
		}, "content #8: missing hotspot", 0},
		{"content of an unknown hotspot", func(s *Set, _ fstest.MapFS) {
			s.Contents = append(s.Contents, Content{Hotspot: "h-042", Kind: KindArticle, Challenge: "innovation", Title: "Autre", Text: "Un texte.", Points: 1, Image: &Image{Src: "/media/a.svg", Alt: "A"}})
		}, "content h-042: no hotspot with this id in the zone", 0},
		{"two contents for one hotspot", func(s *Set, _ fstest.MapFS) {
			d := *article(s)
			d.Title = "Une autre peinture"
			s.Contents = append(s.Contents, d)
		}, "content h-001: listed twice (entries 1 and 8)", 0},
		{"a hotspot without content", func(s *Set, _ fstest.MapFS) { s.Contents = s.Contents[1:] }, "content h-001: missing: every hotspot of the zone needs a content", 0},
		// Contents: common fields.
		{"no challenge", func(s *Set, _ fstest.MapFS) { article(s).Challenge = "" }, "content h-001: missing challenge", 0},
		{"unknown challenge", func(s *Set, _ fstest.MapFS) { article(s).Challenge = "robots" },
			`content h-001: unknown challenge "robots", want one of innovation, inclusion, industrie-4.0, developpement-durable`, 0},
		{"another challenge than the hotspot's", func(s *Set, _ fstest.MapFS) { article(s).Challenge = "inclusion" },
			`content h-001: challenge "inclusion", the hotspot's is "innovation"`, 0},
		{"no title", func(s *Set, _ fstest.MapFS) { article(s).Title = "" }, "content h-001: missing title", 0},
		{"title too long", func(s *Set, _ fstest.MapFS) { article(s).Title = strings.Repeat("é", 61) }, "content h-001: title longer than 120 bytes", 0},
		{"two contents with one title", func(s *Set, _ fstest.MapFS) { visite(s).Title = "une peinture qui sèche vite" }, "content h-003: same title as h-001", 0},
		{"no text", func(s *Set, _ fstest.MapFS) { article(s).Text = " \n " }, "content h-001: missing text", 0},
		{"text too long", func(s *Set, _ fstest.MapFS) { article(s).Text = strings.Repeat("mot ", 1001) }, "content h-001: text longer than 4000 bytes", 0},
		{"text not UTF-8", func(s *Set, _ fstest.MapFS) { article(s).Text = "Caf\xe9" }, "content h-001: text is not valid UTF-8 text", 0},
		{"text with a control character", func(s *Set, _ fstest.MapFS) { article(s).Text = "Un\ttexte." }, "content h-001: text contains a control character", 0},
		{"text with a point médian", func(s *Set, _ fstest.MapFS) { article(s).Text = "Les salarié·es de l'usine." },
			"content h-001: text uses a point médian (·): write both forms or a neutral word", 0},
		{"text with HTML", func(s *Set, _ fstest.MapFS) { article(s).Text = "Un <b>texte</b>." }, `content h-001: text contains "<": texts are plain text, not HTML`, 0},
		{"no points", func(s *Set, _ fstest.MapFS) { article(s).Points = 0 }, "content h-001: points 0 out of [1, 100]", 0},
		{"too many points", func(s *Set, _ fstest.MapFS) { article(s).Points = 101 }, "content h-001: points 101 out of [1, 100]", 0},
		{"unknown job", func(s *Set, _ fstest.MapFS) { article(s).Jobs = []string{"pilote"} }, `content h-001: job "pilote" is not in the jobs list`, 0},
		{"job twice in a content", func(s *Set, _ fstest.MapFS) { article(s).Jobs = []string{"soudeur", "soudeur"} }, `content h-001: job "soudeur" listed twice`, 0},
		{"too many jobs", func(s *Set, _ fstest.MapFS) { article(s).Jobs = slices.Repeat([]string{"soudeur"}, 11) }, "content h-001: 11 jobs, more than 10", 0},
		{"no kind", func(s *Set, _ fstest.MapFS) { article(s).Kind = "" }, "content h-001: missing kind", 0},
		{"unknown kind", func(s *Set, _ fstest.MapFS) { article(s).Kind = "jeu" },
			`content h-001: unknown kind "jeu", want one of article, temoignage, visite, video, audio, quiz, questionnaire`, 0},
		// Kind-specific fields present or missing.
		{"article without image", func(s *Set, _ fstest.MapFS) { article(s).Image = nil }, "content h-001: kind article needs an image", 0},
		{"témoignage without speaker", func(s *Set, _ fstest.MapFS) { temoignage(s).Speaker = nil }, "content h-002: kind temoignage needs a speaker", 0},
		{"speaker on an article", func(s *Set, _ fstest.MapFS) { article(s).Speaker = temoignage(s).Speaker }, "content h-001: speaker is only for kind temoignage", 0},
		{"visite without steps", func(s *Set, _ fstest.MapFS) { visite(s).Steps = nil }, "content h-003: kind visite needs steps", 0},
		{"steps on a quiz", func(s *Set, _ fstest.MapFS) { quiz(s).Steps = visite(s).Steps }, "content h-004: steps are only for kind visite", 0},
		{"video without media", func(s *Set, _ fstest.MapFS) { video(s).Media = nil }, "content h-006: kind video needs media (a file and its captions)", 0},
		{"media on an article", func(s *Set, _ fstest.MapFS) { article(s).Media = audio(s).Media }, "content h-001: media is only for kind video and audio", 0},
		{"quiz without questions", func(s *Set, _ fstest.MapFS) { quiz(s).Questions = nil }, "content h-004: kind quiz needs questions", 0},
		{"questions on a visite", func(s *Set, _ fstest.MapFS) { visite(s).Questions = quiz(s).Questions }, "content h-003: questions are only for kind quiz", 0},
		{"questionnaire without questionnaire", func(s *Set, _ fstest.MapFS) { c(s, "h-005").Questionnaire = nil }, "content h-005: kind questionnaire needs a questionnaire", 0},
		{"questionnaire on a quiz", func(s *Set, _ fstest.MapFS) { quiz(s).Questionnaire = questionnaire(s) }, "content h-004: questionnaire is only for kind questionnaire", 0},
		{"image on a témoignage", func(s *Set, _ fstest.MapFS) { temoignage(s).Image = article(s).Image },
			"content h-002: image is not used by kind temoignage: the picture is speaker.portrait", 0},
		{"image on a video", func(s *Set, _ fstest.MapFS) { video(s).Image = article(s).Image },
			"content h-006: image is not used by kind video: the picture is media.poster", 0},
		// Images.
		{"image without src", func(s *Set, _ fstest.MapFS) { article(s).Image.Src = "" }, "content h-001: missing image src", 0},
		{"image elsewhere than /media/", func(s *Set, _ fstest.MapFS) { article(s).Image.Src = "https://example.org/a.svg" },
			`content h-001: image "https://example.org/a.svg" is not a path /media/<file>`, 0},
		{"image path going up", func(s *Set, _ fstest.MapFS) { article(s).Image.Src = "/media/../contents.json" },
			`content h-001: image "/media/../contents.json" is not a path /media/<file>`, 0},
		{"image of another type", func(s *Set, _ fstest.MapFS) { article(s).Image.Src = "/media/tiny.webm" },
			`content h-001: image "/media/tiny.webm" is not an image file: want .svg, .png, .jpg, .jpeg, .webp`, 0},
		{"image missing", func(s *Set, _ fstest.MapFS) { article(s).Image.Src = "/media/absent.svg" }, `content h-001: image "/media/absent.svg" not found in the media folder`, 0},
		{"image is a folder", func(s *Set, m fstest.MapFS) {
			m["media/d.svg/x"] = &fstest.MapFile{Data: []byte(testSVG)}
			article(s).Image.Src = "/media/d.svg"
		},
			`content h-001: image "/media/d.svg" not found in the media folder`, 0},
		{"SVG that is not one", func(s *Set, m fstest.MapFS) { m["media/a.svg"] = &fstest.MapFile{Data: []byte("hello")} },
			`content h-001: image "/media/a.svg" is not an SVG file (no <svg> element)`, 2}, // a.svg is also the video's poster
		{"SVG with a script", func(s *Set, m fstest.MapFS) {
			m["media/x.svg"] = &fstest.MapFile{Data: []byte(`<svg><script>alert(1)</script></svg>`)}
			article(s).Image.Src = "/media/x.svg"
		}, `content h-001: image "/media/x.svg" is refused: an SVG must not hold scripts, event handlers or links to other sites (found "<script")`, 0},
		{"SVG with an event handler", func(s *Set, m fstest.MapFS) {
			m["media/x.svg"] = &fstest.MapFile{Data: []byte(`<svg onload="go()"></svg>`)}
			article(s).Image.Src = "/media/x.svg"
		}, `content h-001: image "/media/x.svg" is refused: an SVG must not hold scripts, event handlers or links to other sites (found " onload=")`, 0},
		{"SVG with an external image", func(s *Set, m fstest.MapFS) {
			m["media/x.svg"] = &fstest.MapFile{Data: []byte(`<svg><image href="https://tracker.example/p.png"/></svg>`)}
			article(s).Image.Src = "/media/x.svg"
		}, `content h-001: image "/media/x.svg" is refused: an SVG must not hold scripts, event handlers or links to other sites (found "href=\"https:")`, 0},
		{"SVG too large", func(s *Set, m fstest.MapFS) {
			m["media/x.svg"] = &fstest.MapFile{Data: []byte("<svg>" + strings.Repeat(" ", MaxSVGBytes) + "</svg>")}
			article(s).Image.Src = "/media/x.svg"
		}, `content h-001: image "/media/x.svg" is larger than 1048576 bytes`, 0},
		{"PNG that is not one", func(s *Set, m fstest.MapFS) {
			m["media/x.png"] = &fstest.MapFile{Data: []byte(testSVG)}
			article(s).Image.Src = "/media/x.png"
		},
			`content h-001: image "/media/x.png" is not really a .png file (its first bytes say otherwise)`, 0},
		{"image without alt", func(s *Set, _ fstest.MapFS) { article(s).Image.Alt = "" }, "content h-001: missing image alt", 0},
		// Témoignages.
		{"speaker without name", func(s *Set, _ fstest.MapFS) { temoignage(s).Speaker.Name = "" }, "content h-002: missing speaker name", 0},
		{"speaker name too long", func(s *Set, _ fstest.MapFS) { temoignage(s).Speaker.Name = strings.Repeat("a", 61) }, "content h-002: speaker name longer than 60 bytes", 0},
		{"speaker gender", func(s *Set, _ fstest.MapFS) { temoignage(s).Speaker.Gender = "x" }, `content h-002: speaker gender "x", want f or m`, 0},
		{"speaker role", func(s *Set, _ fstest.MapFS) { temoignage(s).Speaker.Role = "stagiaire" }, `content h-002: speaker role "stagiaire", want professionnel, apprenti or etudiant`, 0},
		{"speaker without job", func(s *Set, _ fstest.MapFS) { temoignage(s).Speaker.Job = "" }, "content h-002: missing speaker job", 0},
		{"speaker with an unknown job", func(s *Set, _ fstest.MapFS) { temoignage(s).Speaker.Job = "pilote" }, `content h-002: speaker job "pilote" is not in the jobs list`, 0},
		{"speaker age", func(s *Set, _ fstest.MapFS) { temoignage(s).Speaker.Age = 9 }, "content h-002: speaker age 9 out of [14, 80]", 0},
		{"speaker without portrait", func(s *Set, _ fstest.MapFS) { temoignage(s).Speaker.Portrait = Image{} }, "content h-002: missing speaker portrait src", 2}, // and its alt
		// Visites.
		{"one step", func(s *Set, _ fstest.MapFS) { visite(s).Steps = visite(s).Steps[:1] }, "content h-003: visite has 1 steps, want 2 to 12", 0},
		{"too many steps", func(s *Set, _ fstest.MapFS) { visite(s).Steps = slices.Repeat(visite(s).Steps, 7) }, "content h-003: visite has 14 steps, want 2 to 12", 0},
		{"step without caption", func(s *Set, _ fstest.MapFS) { visite(s).Steps[1].Caption = "" }, "content h-003: missing step 2 caption", 0},
		{"step image missing", func(s *Set, _ fstest.MapFS) { visite(s).Steps[0].Image.Src = "/media/s9.svg" }, `content h-003: step 1 image "/media/s9.svg" not found in the media folder`, 0},
		// Video and audio.
		{"video of an audio type", func(s *Set, _ fstest.MapFS) { video(s).Media.Src = "/media/tiny.opus" },
			`content h-006: media "/media/tiny.opus" is not a video file: want .mp4, .webm`, 0},
		{"video that is not one", func(s *Set, m fstest.MapFS) {
			m["media/x.mp4"] = m["media/tiny.webm"]
			video(s).Media.Src = "/media/x.mp4"
		},
			`content h-006: media "/media/x.mp4" is not really a .mp4 file (its first bytes say otherwise)`, 0},
		{"audio missing", func(s *Set, _ fstest.MapFS) { audio(s).Media.Src = "/media/absent.mp3" }, `content h-007: media "/media/absent.mp3" not found in the media folder`, 0},
		{"video without captions", func(s *Set, _ fstest.MapFS) { video(s).Media.Captions = "" },
			"content h-006: missing media captions: a video or audio needs WebVTT captions", 0},
		{"captions of another type", func(s *Set, m fstest.MapFS) {
			m["media/tiny.srt"] = m["media/tiny.vtt"]
			video(s).Media.Captions = "/media/tiny.srt"
		},
			`content h-006: media captions "/media/tiny.srt" is not a WebVTT file: want .vtt`, 0},
		{"captions elsewhere", func(s *Set, _ fstest.MapFS) { video(s).Media.Captions = "//cdn.example/x.vtt" },
			`content h-006: media captions "//cdn.example/x.vtt" is not a path /media/<file>`, 0},
		{"captions missing", func(s *Set, _ fstest.MapFS) { audio(s).Media.Captions = "/media/absent.vtt" },
			`content h-007: media captions "/media/absent.vtt" not found in the media folder`, 0},
		{"captions not WebVTT", func(s *Set, m fstest.MapFS) {
			m["media/tiny.vtt"] = &fstest.MapFile{Data: []byte("1\n00:00:01,000 --> 00:00:02,000\nSRT\n")}
		},
			`content h-006: media captions "/media/tiny.vtt" is not valid WebVTT: does not start with "WEBVTT"`, 2}, // both use it
		{"captions too large", func(s *Set, m fstest.MapFS) {
			m["media/big.vtt"] = &fstest.MapFile{Data: []byte("WEBVTT\n\n" + strings.Repeat("x", MaxCaptionsBytes))}
			audio(s).Media.Captions = "/media/big.vtt"
		}, `content h-007: media captions "/media/big.vtt" larger than 1048576 bytes`, 0},
		{"booth without id", func(s *Set, _ fstest.MapFS) { s.Booths[1].ID = "" }, "booth #2: missing id", 2}, // and b-02 has no entry
		{"step without alt", func(s *Set, _ fstest.MapFS) { visite(s).Steps[0].Image.Alt = "" }, "content h-003: missing step 1 image alt", 0},
		{"poster on an audio", func(s *Set, _ fstest.MapFS) { audio(s).Media.Poster = video(s).Media.Poster }, "content h-007: media poster only for kind video", 0},
		{"poster missing", func(s *Set, _ fstest.MapFS) { video(s).Media.Poster.Src = "/media/absent.png" }, `content h-006: media poster "/media/absent.png" not found in the media folder`, 0},
		// Quizzes.
		{"too many quiz questions", func(s *Set, _ fstest.MapFS) { quiz(s).Questions = slices.Repeat(quiz(s).Questions, 4) }, "content h-004: quiz has 12 questions, more than 10", 0},
		{"quiz question without prompt", func(s *Set, _ fstest.MapFS) { quiz(s).Questions[1].Prompt = "" }, "content h-004: missing quiz question 2 prompt", 0},
		{"quiz question with one choice", func(s *Set, _ fstest.MapFS) { quiz(s).Questions[0].Choices = quiz(s).Questions[0].Choices[:1] },
			"content h-004: quiz question 1 has 1 choices, want 2 to 6", 0},
		{"quiz question with seven choices", func(s *Set, _ fstest.MapFS) {
			q := &quiz(s).Questions[1]
			for i := range 4 {
				q.Choices = append(q.Choices, Choice{Text: string(rune('A' + i))})
			}
		}, "content h-004: quiz question 2 has 7 choices, want 2 to 6", 0},
		{"quiz choice without text", func(s *Set, _ fstest.MapFS) { quiz(s).Questions[1].Choices[2].Text = "" }, "content h-004: missing quiz question 2 choice 3", 0},
		{"quiz choices alike", func(s *Set, _ fstest.MapFS) { quiz(s).Questions[1].Choices[2].Text = "le verre" },
			"content h-004: quiz question 2 choice 3 is the same as choice 2", 0},
		{"quiz question without right answer", func(s *Set, _ fstest.MapFS) {
			quiz(s).Questions[2].Choices[0].Right = false
			quiz(s).Questions[2].Choices[1].Right = false
		},
			"content h-004: quiz question 3 has no right answer", 0},
		{"quiz question with two right answers", func(s *Set, _ fstest.MapFS) { quiz(s).Questions[1].Choices[1].Right = true },
			"content h-004: quiz question 2 has 2 right answers: mark one, or set multiple", 0},
		{"multiple question all right", func(s *Set, _ fstest.MapFS) { quiz(s).Questions[2].Choices[2].Right = true },
			"content h-004: quiz question 3: every choice is right", 0},
		{"quiz question without explanation", func(s *Set, _ fstest.MapFS) { quiz(s).Questions[0].Explanation = "" },
			"content h-004: missing quiz question 1 explanation", 0},
		{"quiz question points", func(s *Set, _ fstest.MapFS) { quiz(s).Questions[0].Points = 0 }, "content h-004: quiz question 1 points 0 out of [1, 50]", 0},
		// The questionnaire.
		{"questionnaire results", func(s *Set, _ fstest.MapFS) { questionnaire(s).Results = 0 }, "content h-005: questionnaire results 0 out of [1, 5]", 0},
		{"questionnaire too short", func(s *Set, _ fstest.MapFS) { questionnaire(s).Questions = questionnaire(s).Questions[:2] },
			"content h-005: questionnaire has 2 questions, want 3 to 20", 0},
		{"questionnaire too long", func(s *Set, _ fstest.MapFS) {
			questionnaire(s).Questions = slices.Repeat(questionnaire(s).Questions, 7)
		},
			"content h-005: questionnaire has 21 questions, want 3 to 20", 0},
		{"questionnaire question without prompt", func(s *Set, _ fstest.MapFS) { questionnaire(s).Questions[2].Prompt = "" },
			"content h-005: missing questionnaire question 3 prompt", 0},
		{"questionnaire question with one choice", func(s *Set, _ fstest.MapFS) {
			questionnaire(s).Questions[2].Choices = questionnaire(s).Questions[2].Choices[:1]
		},
			"content h-005: questionnaire question 3 has 1 choices, want 2 to 6", 0},
		{"questionnaire choice without text", func(s *Set, _ fstest.MapFS) { questionnaire(s).Questions[0].Choices[1].Text = "" },
			"content h-005: missing questionnaire question 1 choice 2", 0},
		{"questionnaire choice without job", func(s *Set, _ fstest.MapFS) { questionnaire(s).Questions[1].Choices[0].Jobs = nil },
			"content h-005: questionnaire question 2 choice 1 names no job", 0},
		{"questionnaire choice with too many jobs", func(s *Set, _ fstest.MapFS) {
			questionnaire(s).Questions[1].Choices[0].Jobs = []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}
		},
			"content h-005: questionnaire question 2 choice 1 names 11 jobs, more than 10", 0},
		{"questionnaire choice with an unknown job", func(s *Set, _ fstest.MapFS) {
			questionnaire(s).Questions[0].Choices[0].Jobs = []string{"soudeur", "pilote"}
		},
			`content h-005: questionnaire question 1 choice 1: job "pilote" is not in the jobs list`, 0},
		{"questionnaire choice with a job twice", func(s *Set, _ fstest.MapFS) {
			questionnaire(s).Questions[0].Choices[0].Jobs = []string{"soudeur", "soudeur"}
		},
			`content h-005: questionnaire question 1 choice 1: job "soudeur" listed twice`, 0},
		{"questionnaire showing more jobs than it names", func(s *Set, _ fstest.MapFS) { questionnaire(s).Results = 4 },
			"content h-005: questionnaire shows 4 jobs but its choices name only 3", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, m := validSet(), testMedia(t)
			tt.edit(s, m)
			got, err := loadSet(t, s, m)
			if err == nil || got != nil {
				t.Fatalf("accepted (set %v, error %v)", got != nil, err)
			}
			ps := problemStrings(err)
			if !slices.Contains(ps, tt.want) {
				t.Fatalf("want problem\n  %s\ngot\n  %s", tt.want, strings.Join(ps, "\n  "))
			}
			if n := max(tt.count, 1); len(ps) != n {
				t.Errorf("want %d problem(s), got %d:\n  %s", n, len(ps), strings.Join(ps, "\n  "))
			}
		})
	}
}

// TestBadFiles covers what goes wrong before validation: the file itself.
func TestBadFiles(t *testing.T) {
	t.Parallel()
	good, err := jsonOf(validSet())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data string
		want string
	}{
		{"empty", "", "file: invalid JSON: the file ends too early"},
		{"not JSON", "contents:\n  - h-001\n", "file: invalid JSON: line 1, column 1: invalid character 'c' looking for beginning of value"},
		{"syntax error on line 3", "{\n  \"version\": 1,\n  \"sectors\": [,]\n}", "file: invalid JSON: line 3, column 15: invalid character ',' looking for beginning of value"},
		{"unknown field", "{\n  \"version\": 1,\n  \"titel\": \"x\"\n}", `file: invalid JSON: line 3, column 3: json: unknown field "titel"`},
		{"wrong type", "{\"version\": \"1\"}", "file: invalid JSON: line 1, column 15: version: want a whole number, got string"},
		{"wrong type deep", `{"contents": [{"points": "dix"}]}`, "file: invalid JSON: line 1, column 30: contents.points: want a whole number, got string"},
		{"an array", "[]", "file: invalid JSON: line 1, column 1: the file must be one JSON object {...}"},
		{"data after the object", string(good) + "\n{}", "file: invalid JSON: line " + lineCount(good) + ", column 2: data after the top-level object"},
		{"truncated", string(good[:len(good)/2]), "file: invalid JSON: the file ends too early"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := loadBytes([]byte(tt.data), testMedia(t))
			ps := problemStrings(err)
			if s != nil || len(ps) != 1 || ps[0] != tt.want {
				t.Fatalf("want\n  %s\ngot\n  %s", tt.want, strings.Join(ps, "\n  "))
			}
		})
	}
	t.Run("too large", func(t *testing.T) {
		t.Parallel()
		big := make([]byte, MaxFileBytes+1)
		_, err := loadBytes(big, nil)
		if ps := problemStrings(err); len(ps) != 1 || ps[0] != "file: larger than 8388608 bytes" {
			t.Fatal(ps)
		}
	})
	t.Run("no media folder", func(t *testing.T) {
		t.Parallel()
		_, err := loadBytes(good, nil)
		ps := problemStrings(err)
		if !slices.Contains(ps, `content h-001: image "/media/a.svg" not found (no media folder next to the contents file)`) {
			t.Fatal(strings.Join(ps, "\n"))
		}
	})
	t.Run("no zone", func(t *testing.T) {
		t.Parallel()
		_, err := Load(fstest.MapFS{"c.json": {Data: good}}, "c.json", nil)
		if ps := problemStrings(err); len(ps) != 1 || ps[0] != "file: no zone to check the contents against" {
			t.Fatal(ps)
		}
	})
	t.Run("errors unwrap", func(t *testing.T) {
		t.Parallel()
		_, err := Load(fstest.MapFS{}, "absent.json", testZone())
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("%v does not wrap fs.ErrNotExist", err)
		}
	})
}

// lineCount is the number of the line after b's last line.
func lineCount(b []byte) string { return strconv.Itoa(strings.Count(string(b), "\n") + 2) }

func TestProblemsOfOtherErrors(t *testing.T) {
	t.Parallel()
	if Problems(nil) != nil || Problems(errors.New("x")) != nil {
		t.Fatal("problems out of nothing")
	}
	e := &Error{Object: "content h-001", Problem: "p"}
	if ps := Problems(errors.Join(errors.New("x"), e)); len(ps) != 1 || ps[0] != e {
		t.Fatal(ps)
	}
}
