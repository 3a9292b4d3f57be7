package progress

import (
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/usine-extraordinaire/fairworld/world/content"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

var defaults struct {
	once sync.Once
	cat  *Catalogue
	err  error
}

func defaultCatalogue(t *testing.T) *Catalogue {
	t.Helper()
	defaults.once.Do(func() {
		z, err := zone.Default()
		if err != nil {
			defaults.err = err
			return
		}
		set, err := content.Default(z)
		if err != nil {
			defaults.err = err
			return
		}
		defaults.cat, defaults.err = NewCatalogue(set, z)
	})
	if defaults.err != nil {
		t.Fatal(defaults.err)
	}
	return defaults.cat
}

// The word list: 1024 words, unique without their accents, letters only,
// none ending in s or x, none too long to write down.
func TestWordList(t *testing.T) {
	t.Parallel()
	w, err := LoadWords()
	if err != nil {
		t.Fatal(err)
	}
	if w.Len() != 1024 {
		t.Fatalf("%d words, want 1024 (30 bits a key)", w.Len())
	}
	letters := regexp.MustCompile(`^[a-z]{4,10}$`)
	for _, word := range w.list {
		if f := fold(word); !letters.MatchString(f) {
			t.Errorf("word %q (%q) is not 4 to 10 plain letters once folded", word, f)
		}
	}
	for _, pair := range [][2]string{{"balai", "ballet"}, {"orge", "orgue"}, {"seau", "sceau"}, {"chene", "chaine"}, {"cerf", "serre"}} {
		_, a := w.index[pair[0]]
		_, b := w.index[pair[1]]
		if a && b {
			t.Errorf("%s and %s sound alike: keep one", pair[0], pair[1])
		}
	}
}

func TestKeys(t *testing.T) {
	t.Parallel()
	w, _ := LoadWords()
	seen := map[string]bool{}
	for range 200 {
		k := w.New()
		if len(strings.Fields(k)) != KeyWords {
			t.Fatalf("key %q", k)
		}
		n, err := w.Normalise(k)
		if err != nil {
			t.Fatalf("a new key %q does not read back: %v", k, err)
		}
		seen[n] = true
	}
	if len(seen) < 199 {
		t.Fatalf("200 keys drawn, %d different", len(seen))
	}
	for typed, want := range map[string]string{
		"Écureuil girafe nuage":      "ecureuil girafe nuage",
		"  ecureuil-GIRAFE.nuages  ": "ecureuil girafe nuage",
		"écureuil, girafe, nuage":    "ecureuil girafe nuage",
		"ECUREUILS GIRAFES NUAGE":    "ecureuil girafe nuage",
		"pêche crêpe théière":        "peche crepe theiere",
	} {
		got, err := w.Normalise(typed)
		if err != nil || got != want {
			t.Errorf("Normalise(%q) = %q, %v; want %q", typed, got, err, want)
		}
	}
	for typed, unknown := range map[string]string{
		"pomme girafe":              "",
		"pomme girafe nuage soleil": "",
		"pomme girafe zorglub":      "zorglub",
		"":                          "",
	} {
		_, err := w.Normalise(typed)
		var ke *KeyError
		if !errors.As(err, &ke) || !errors.Is(err, ErrBadKey) || ke.Unknown != unknown {
			t.Errorf("Normalise(%q): %v, want a KeyError naming %q", typed, err, unknown)
		}
	}
	if KeyHash("lea", "pomme girafe nuage") == KeyHash("tom", "pomme girafe nuage") {
		t.Error("a key is not bound to its pseudonym")
	}
	if !ValidID(NewID()) || ValidID("a/b") || ValidID(strings.Repeat("a", 23)) {
		t.Error("ValidID")
	}
}

// The default fair's badges: three per challenge (5, 20, all), three for
// quizzes (1, 10, all) and the questionnaire's.
func TestDefaultBadges(t *testing.T) {
	t.Parallel()
	c := defaultCatalogue(t)
	var ids []string
	for _, b := range c.Badges() {
		ids = append(ids, b.ID)
		if b.Title == "" || b.Description == "" || b.Need < 1 {
			t.Errorf("badge %+v", b)
		}
		if strings.Contains(b.Title+b.Description, "·") {
			t.Errorf("badge %s uses a point médian", b.ID)
		}
	}
	want := "innovation-5 innovation-20 innovation-all inclusion-5 inclusion-20 inclusion-all industrie-4.0-5 industrie-4.0-20 industrie-4.0-all " +
		"developpement-durable-5 developpement-durable-20 developpement-durable-all quiz-1 quiz-10 quiz-all metiers parcours-classe"
	if got := strings.Join(ids, " "); got != want {
		t.Fatalf("badges\n%s\nwant\n%s", got, want)
	}
	b, _, _ := c.Badge("developpement-durable-all")
	if b.Need != 69 || b.Description != "Tous les contenus « Développement durable » découverts (69)" || b.Title != "Étoile du développement durable" {
		t.Fatalf("badge %+v", b)
	}
	// A small set: a challenge of 12 contents has 5 and all, not 20.
	small := buildBadges([]string{zone.ChallengeInnovation}, []int{12}, 3, false)
	if len(small) != 5 || small[0].ID != "innovation-5" || small[1].ID != "innovation-all" || small[2].ID != "quiz-1" || small[3].ID != "quiz-all" || small[4].ID != RouteBadge {
		t.Fatalf("small set badges %+v", small)
	}
}

// A state counts a content and a right answer once, and earns a badge at
// the count it needs.
func TestStateCountsOnce(t *testing.T) {
	t.Parallel()
	c := defaultCatalogue(t)
	s := NewState(c, NewID(), "lea", "Léa")
	var first []int
	for i := range c.Len() {
		if c.Content(i).Challenge == zone.ChallengeInclusion && c.Content(i).Kind == content.KindArticle {
			first = append(first, i)
		}
		if len(first) == 5 {
			break
		}
	}
	var points uint32
	for k, i := range first {
		p := s.MarkSeen(c, i)
		if p == 0 || s.MarkSeen(c, i) != 0 {
			t.Fatal("a content earned nothing, or twice")
		}
		points += p
		got := s.NewBadges(c, 100)
		if k < 4 && len(got) != 0 || k == 4 && (len(got) != 1 || c.Badges()[got[0]].ID != "inclusion-5") {
			t.Fatalf("after %d contents: badges %v", k+1, got)
		}
	}
	if s.Points != points {
		t.Fatalf("%d points, want %d", s.Points, points)
	}
	// Quizzes: the first attempt counts, right or not.
	qi := -1
	for i := range c.Len() {
		if c.Content(i).Kind == content.KindQuiz {
			qi = i
			break
		}
	}
	if s.MarkAnswer(c, qi, 0, false) != 0 || s.MarkAnswer(c, qi, 0, true) != 0 {
		t.Fatal("a second attempt earned points")
	}
	if p := s.MarkAnswer(c, qi, 1, true); p != uint32(c.Content(qi).Questions[1].Points) {
		t.Fatalf("a right answer earned %d", p)
	}
	if got := s.NewBadges(c, 200); len(got) != 1 || c.Badges()[got[0]].ID != "quiz-1" {
		t.Fatalf("after a right answer: %v", got)
	}
	pr := s.Progress(c, true)
	if pr.QuizRight != 1 || pr.Points != s.Points || len(pr.Seen) != 5 || len(pr.Badges) != len(c.Badges()) {
		t.Fatalf("progress %+v", pr)
	}

	// A record of it gives the same state back; an id the contents no
	// longer have keeps its points.
	rec := &Record{ID: s.ID, KeyHash: "k", Points: s.Points + 7, Answers: map[string]bool{}, Badges: map[string]uint32{"inclusion-5": 100, "gone": 3}}
	for _, i := range first {
		rec.Seen = append(rec.Seen, c.Content(i).Hotspot)
	}
	rec.Seen = append(rec.Seen, "h-gone")
	rec.Answers[answerField(c.Content(qi).Hotspot, 0)] = false
	rec.Answers[answerField(c.Content(qi).Hotspot, 1)] = true
	back := FromRecord(c, rec, "lea", "Léa")
	if back.Points != rec.Points || back.KeyHash != "k" || !back.Seen(first[0]) {
		t.Fatalf("from record: %d points (want %d)", back.Points, rec.Points)
	}
	if ok, at := back.HasBadge(0); ok || at != 0 {
		t.Fatal("a badge not in the record")
	}
	if _, i, _ := c.Badge("inclusion-5"); !func() bool { ok, _ := back.HasBadge(i); return ok }() {
		t.Fatal("the record's badge is lost")
	}
	if done, right := back.Answered(c, qi, 1); !done || !right {
		t.Fatal("the record's answer is lost")
	}
}
