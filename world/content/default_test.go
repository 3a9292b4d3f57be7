package content

import (
	"bytes"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// The default fair's contents, checked as the editors of the fair would:
// the file must load, and its texts must follow the fair's writing rules.

func loadDefault(t *testing.T) (*Set, *zone.Zone) {
	t.Helper()
	z, err := zone.Default()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Default(z)
	if err != nil {
		t.Fatalf("default contents refused:\n%s", strings.Join(problemStrings(err), "\n"))
	}
	return s, z
}

func TestDefaultLoads(t *testing.T) {
	t.Parallel()
	s, z := loadDefault(t)
	if len(s.Contents) != len(z.Hotspots) || len(z.Hotspots) != 270 {
		t.Fatalf("%d contents for %d hotspots", len(s.Contents), len(z.Hotspots))
	}
	for _, h := range z.Hotspots {
		if c, ok := s.Content(h.ID); !ok || c.Challenge != h.Challenge {
			t.Errorf("hotspot %s: content %v", h.ID, ok)
		}
	}
	for _, b := range z.Booths {
		sb, ok := s.Booth(b.ID)
		if !ok || sb.Sector != b.Sector {
			t.Errorf("booth %s: %+v %v", b.ID, sb, ok)
			continue
		}
		if _, ok := s.Sector(sb.Sector); !ok {
			t.Errorf("booth %s: sector %s unnamed", b.ID, sb.Sector)
		}
	}
}

// sentenceEnd splits French text into sentences: after . ! ? or … when a
// capital, a digit or an opening quote follows.
var sentenceEnd = regexp.MustCompile(`([.!?…])\s+`)

func sentences(text string) []string {
	text = strings.ReplaceAll(text, "\n", " ")
	var out []string
	start := 0
	for _, m := range sentenceEnd.FindAllStringIndex(text, -1) {
		next := text[m[1]:]
		r := []rune(next)
		if len(r) == 0 || !(unicode.IsUpper(r[0]) || unicode.IsDigit(r[0]) || r[0] == '«') {
			continue
		}
		out = append(out, strings.TrimSpace(text[start:m[1]]))
		start = m[1]
	}
	if rest := strings.TrimSpace(text[start:]); rest != "" {
		out = append(out, rest)
	}
	return out
}

// prose returns every piece of running text a visitor reads, named by
// where it comes from.
func prose(s *Set) map[string][]string {
	out := map[string][]string{}
	for _, c := range s.Contents {
		p := []string{c.Text}
		for _, st := range c.Steps {
			p = append(p, st.Caption)
		}
		for _, q := range c.Questions {
			p = append(p, q.Prompt, q.Explanation)
		}
		if c.Questionnaire != nil {
			for _, q := range c.Questionnaire.Questions {
				p = append(p, q.Prompt)
			}
		}
		out["content "+c.Hotspot] = p
	}
	for _, j := range s.Jobs {
		out["job "+j.ID] = []string{j.Description}
	}
	return out
}

func normalise(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	}), " ")
}

func TestSentences(t *testing.T) {
	// The splitter itself, on the shapes the texts use.
	got := sentences("Il pilote le four. Il s'arrête à 6 h. « Bravo ! » dit-elle. 2 robots… Et toi ? Fin")
	want := []string{"Il pilote le four.", "Il s'arrête à 6 h.", "« Bravo ! » dit-elle.", "2 robots…", "Et toi ?", "Fin"}
	if !slices.Equal(got, want) {
		t.Fatalf("sentences = %q", got)
	}
}

func TestDefaultTitlesAndSentencesAreUnique(t *testing.T) {
	t.Parallel()
	s, _ := loadDefault(t)
	titles := map[string]string{}
	for _, c := range s.Contents {
		k := normalise(c.Title)
		if other, ok := titles[k]; ok {
			t.Errorf("content %s: title %q also used by %s", c.Hotspot, c.Title, other)
		}
		titles[k] = c.Hotspot
	}
	seen := map[string]string{}
	n := 0
	for where, texts := range prose(s) {
		for _, text := range texts {
			for _, sent := range sentences(text) {
				n++
				k := normalise(sent)
				if other, ok := seen[k]; ok && other != where {
					t.Errorf("%s and %s share the sentence %q", where, other, sent)
				} else if ok {
					t.Errorf("%s repeats the sentence %q", where, sent)
				}
				seen[k] = where
			}
		}
	}
	if n < 1500 {
		t.Fatalf("only %d sentences: the splitter lost text", n)
	}
}

// TestDefaultSentenceLength: about 20 words at most on average, none
// endless.
func TestDefaultSentenceLength(t *testing.T) {
	t.Parallel()
	s, _ := loadDefault(t)
	words, count := 0, 0
	for where, texts := range prose(s) {
		for _, text := range texts {
			for _, sent := range sentences(text) {
				w := CountWords(sent)
				words += w
				count++
				if w > 35 {
					t.Errorf("%s: a sentence of %d words: %q", where, w, sent)
				}
			}
		}
	}
	avg := float64(words) / float64(count)
	t.Logf("%d sentences, %.1f words on average", count, avg)
	if avg > 20 {
		t.Errorf("sentences average %.1f words, want at most 20", avg)
	}
}

func TestDefaultTestimonies(t *testing.T) {
	t.Parallel()
	s, _ := loadDefault(t)
	total, womenTechnical := 0, 0
	firstPerson := regexp.MustCompile(`(?i)\b(je|j'|j’|moi|mon|ma|mes)\b`)
	names := map[string]string{}
	for _, c := range s.Contents {
		if c.Kind != KindTemoignage {
			continue
		}
		total++
		j, _ := s.Job(c.Speaker.Job)
		if c.Speaker.Gender == GenderFemale && j.Technical {
			womenTechnical++
		}
		if len(firstPerson.FindAllString(c.Text, -1)) < 3 {
			t.Errorf("content %s: a témoignage in the first person, please", c.Hotspot)
		}
		if other, ok := names[c.Speaker.Name]; ok {
			t.Errorf("content %s: speaker %s already speaks in %s", c.Hotspot, c.Speaker.Name, other)
		}
		names[c.Speaker.Name] = c.Hotspot
		if !strings.HasPrefix(c.Speaker.Portrait.Src, "/media/portraits/") {
			t.Errorf("content %s: portrait %s is not a drawn portrait", c.Hotspot, c.Speaker.Portrait.Src)
		}
	}
	t.Logf("%d témoignages, %d by women in technical jobs", total, womenTechnical)
	if total < 40 {
		t.Errorf("%d témoignages, want at least 40", total)
	}
	if 2*womenTechnical < total {
		t.Errorf("%d of %d témoignages by women in technical jobs, want at least half", womenTechnical, total)
	}
}

func TestDefaultChallengesBalanced(t *testing.T) {
	t.Parallel()
	s, _ := loadDefault(t)
	n := map[string]int{}
	for _, c := range s.Contents {
		n[c.Challenge]++
	}
	lo, hi := len(s.Contents), 0
	for _, ch := range zone.Challenges() {
		lo, hi = min(lo, n[ch]), max(hi, n[ch])
	}
	t.Logf("per challenge: %v", n)
	if hi-lo > len(s.Contents)/40 {
		t.Errorf("challenges unbalanced: %v", n)
	}
}

func TestDefaultKindsAreMixed(t *testing.T) {
	t.Parallel()
	s, z := loadDefault(t)
	perKind := map[Kind]int{}
	for _, c := range s.Contents {
		perKind[c.Kind]++
	}
	t.Logf("per kind: %v", perKind)
	if perKind[KindQuestionnaire] != 1 || perKind[KindQuiz] < 10 || perKind[KindVisite] < 24 || perKind[KindArticle] > len(s.Contents)*2/3 {
		t.Errorf("kinds %v: want one questionnaire, 10+ quizzes, a visite per sector, articles under two thirds", perKind)
	}
	// A visitor following one challenge meets several kinds of content,
	// témoignages among them.
	perChallenge := map[string]map[Kind]int{}
	for _, c := range s.Contents {
		if perChallenge[c.Challenge] == nil {
			perChallenge[c.Challenge] = map[Kind]int{}
		}
		perChallenge[c.Challenge][c.Kind]++
	}
	for ch, k := range perChallenge {
		if len(k) < 3 || k[KindTemoignage] < 3 {
			t.Errorf("challenge %s: kinds %v, want at least three kinds and three témoignages", ch, k)
		}
	}
	kinds := map[string]map[Kind]bool{}
	visites := map[string]bool{}
	for _, h := range z.Hotspots {
		c, _ := s.Content(h.ID)
		if len(c.Jobs) == 0 && c.Speaker == nil && c.Kind != KindQuestionnaire {
			t.Errorf("content %s talks about no job", c.Hotspot)
		}
		if h.Booth == "" {
			continue
		}
		if kinds[h.Booth] == nil {
			kinds[h.Booth] = map[Kind]bool{}
		}
		kinds[h.Booth][c.Kind] = true
		if c.Kind == KindVisite {
			b, _ := s.Booth(h.Booth)
			visites[b.Sector] = true
		}
	}
	for booth, k := range kinds {
		if !k[KindTemoignage] || len(k) < 2 {
			t.Errorf("booth %s: kinds %v, want a témoignage among at least two kinds", booth, k)
		}
	}
	if len(visites) != len(s.Sectors) {
		t.Errorf("visites in %d of %d sectors", len(visites), len(s.Sectors))
	}
}

func TestDefaultQuizzesWork(t *testing.T) {
	t.Parallel()
	s, _ := loadDefault(t)
	for _, c := range s.Contents {
		if c.Kind != KindQuiz {
			continue
		}
		if n := len(c.Questions); n < 3 || n > 5 {
			t.Errorf("content %s: %d questions, want 3 to 5", c.Hotspot, n)
		}
		for i, q := range c.Questions {
			right := slices.IndexFunc(q.Choices, func(ch Choice) bool { return ch.Right })
			if q.Multiple || right < 0 || len(q.Choices) < 3 || strings.TrimSpace(q.Explanation) == "" {
				t.Errorf("content %s question %d: want one scored answer among 3+ choices and an explanation", c.Hotspot, i+1)
				continue
			}
			for j := range q.Choices {
				ok, expl, err := c.Check(i, []int{j})
				if err != nil || ok != (j == right) || expl != q.Explanation {
					t.Errorf("content %s question %d choice %d: Check = %v, %v", c.Hotspot, i+1, j+1, ok, err)
				}
			}
		}
	}
	// The right answer must not sit in the same place most of the time.
	places := map[int]int{}
	for _, c := range s.Contents {
		for _, q := range c.Questions {
			places[slices.IndexFunc(q.Choices, func(ch Choice) bool { return ch.Right })]++
		}
	}
	total := 0
	for _, n := range places {
		total += n
	}
	for place, n := range places {
		if n*2 > total {
			t.Errorf("%d of %d right answers are choice %d", n, total, place+1)
		}
	}
}

func TestDefaultQuestionnaireLeadsToJobs(t *testing.T) {
	t.Parallel()
	s, _ := loadDefault(t)
	var qn *Content
	for i := range s.Contents {
		if s.Contents[i].Kind == KindQuestionnaire {
			qn = &s.Contents[i]
		}
	}
	if qn == nil || qn.Title != "Quel métier est fait pour toi ?" {
		t.Fatal("no questionnaire « Quel métier est fait pour toi ? »")
	}
	qs := qn.Questionnaire.Questions
	if len(qs) < 8 || len(qs) > 12 || qn.Questionnaire.Results < 1 {
		t.Fatalf("%d questions, %d results", len(qs), qn.Questionnaire.Results)
	}
	named := map[string]bool{}
	for _, q := range qs {
		for _, ch := range q.Choices {
			for _, j := range ch.Jobs {
				named[j] = true
			}
		}
	}
	if len(named) < 15 {
		t.Fatalf("the questionnaire leads to %d jobs, want at least 15", len(named))
	}
	// Every job it names can come out: answer the questions that offer it,
	// skip the others.
	for id := range named {
		answers := make([]int, len(qs))
		for i, q := range qs {
			answers[i] = slices.IndexFunc(q.Choices, func(ch QuestionnaireChoice) bool { return slices.Contains(ch.Jobs, id) })
		}
		got, err := s.Match(qn, answers)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(got, func(j *Job) bool { return j.ID == id }) {
			t.Errorf("job %s never comes out of the questionnaire", id)
		}
		for _, j := range got {
			if CountWords(j.Description) < 8 || j.Feminine == "" || j.Masculine == "" {
				t.Errorf("job %s: a name in both genders and a real description, please", j.ID)
			}
		}
	}
	// Answering everything gives exactly Results jobs.
	got, err := s.Match(qn, make([]int, len(qs)))
	if err != nil || len(got) != qn.Questionnaire.Results {
		t.Errorf("all first answers: %d jobs, %v", len(got), err)
	}
}

// TestDefaultWording: no point médian, real French job names, plain text.
func TestDefaultWording(t *testing.T) {
	t.Parallel()
	raw, err := fs.ReadFile(DefaultFS(), DefaultFileName)
	if err != nil {
		t.Fatal(err)
	}
	if i := bytes.IndexAny(raw, "\u00B7\u2027"); i >= 0 {
		t.Fatalf("a point médian at byte %d", i)
	}
	s, _ := loadDefault(t)
	var all []string
	for _, c := range s.Contents {
		all = append(all, c.Title, c.Text)
		for _, st := range c.Steps {
			all = append(all, st.Caption, st.Image.Alt)
		}
		for _, q := range c.Questions {
			all = append(all, q.Prompt, q.Explanation)
			for _, ch := range q.Choices {
				all = append(all, ch.Text)
			}
		}
	}
	for _, j := range s.Jobs {
		all = append(all, j.Feminine, j.Masculine, j.Description)
	}
	for _, b := range s.Booths {
		all = append(all, b.Name, b.Company)
	}
	text := strings.ToLower(strings.Join(all, "\n"))
	// English words that have a French word the fair uses instead.
	for _, w := range []string{"data", "manager", "process", "engineer", "job", "team", "business", "start-up", "startup",
		"designer", "design", "feedback", "deadline", "digital", "smart", "leader", "coach", "planning", "hacker",
		"cloud", "challenge", "e-mail", "mail", "cool", "fun", "live", "hub", "gigafactory", "fast fashion"} {
		if m := regexp.MustCompile(`\b` + regexp.QuoteMeta(w) + `\b`).FindStringIndex(text); m != nil {
			t.Errorf("anglicism %q: …%s…", w, text[max(0, m[0]-30):min(len(text), m[1]+30)])
		}
	}
	// The check above must catch what it is for.
	if !regexp.MustCompile(`\bdata\b`).MatchString("une data analyste") {
		t.Fatal("the anglicism check is broken")
	}
}

func TestDefaultMedia(t *testing.T) {
	t.Parallel()
	s, _ := loadDefault(t)
	total := 0
	err := fs.WalkDir(s.Media(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		total += int(info.Size())
		if !strings.HasSuffix(p, ".svg") {
			return fmt.Errorf("%s: the default fair ships drawings only", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("media: %d bytes", total)
	// Media load on demand, one content at a time, but the whole folder
	// stays modest.
	if total > 1<<20 {
		t.Errorf("media weigh %d bytes, more than 1 MiB", total)
	}
	for _, c := range s.Contents {
		if c.ReadingTime() < MinReadingTime || c.ReadingTime() > MaxReadingTime {
			t.Errorf("content %s: reading time %v", c.Hotspot, c.ReadingTime())
		}
		if c.Kind == KindArticle && (c.Words() < 40 || c.Words() > 220) {
			t.Errorf("content %s: an article of %d words", c.Hotspot, c.Words())
		}
	}
}
