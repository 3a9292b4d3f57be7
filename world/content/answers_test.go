package content

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func loadValid(t *testing.T) *Set {
	t.Helper()
	s, err := loadSet(t, validSet(), testMedia(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPublicHasNoAnswers(t *testing.T) {
	t.Parallel()
	s := loadValid(t)
	q, _ := s.Content("h-004")
	p := q.Public()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{`"right"`, "explanation", "Le verre refondu", "bac jaune reçoit"} {
		if strings.Contains(string(b), leak) {
			t.Errorf("public form holds %q: %s", leak, b)
		}
	}
	if len(p.Questions) != 3 || p.Questions[1].Choices[0].Text != "Les emballages" || !p.Questions[2].Multiple || p.Questions[0].Points != 5 {
		t.Errorf("public form lost what a visitor needs: %+v", p.Questions)
	}
	// The copy shares nothing: changing it leaves the set untouched.
	p.Questions[0].Choices[0].Text = "changé"
	p.Image.Alt = "changé"
	if q.Questions[0].Choices[0].Text != "Oui" || !q.Questions[0].Choices[0].Right || q.Image.Alt == "changé" {
		t.Fatal("Public shares memory with the set")
	}
	// Other kinds come through whole.
	for _, id := range []string{"h-001", "h-002", "h-003", "h-005", "h-006", "h-007"} {
		c, _ := s.Content(id)
		a, _ := json.Marshal(c)
		b, _ := json.Marshal(c.Public())
		if string(a) != string(b) {
			t.Errorf("%s: public form differs:\n%s\n%s", id, a, b)
		}
	}
	qn, _ := s.Content("h-005")
	pq := qn.Public()
	pq.Questionnaire.Questions[0].Choices[0].Jobs[0] = "changé"
	if qn.Questionnaire.Questions[0].Choices[0].Jobs[0] != "soudeur" {
		t.Fatal("Public shares the questionnaire's jobs")
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	s := loadValid(t)
	q, _ := s.Content("h-004")
	tests := []struct {
		q      int
		chosen []int
		right  bool
		err    error
	}{
		{0, []int{0}, true, nil},
		{0, []int{1}, false, nil},
		{1, []int{0}, true, nil},
		{1, []int{2}, false, nil},
		{2, []int{0, 1}, true, nil},
		{2, []int{1, 0, 1}, true, nil}, // repeated indexes count once
		{2, []int{0}, false, nil},      // half of a multiple answer is wrong
		{2, []int{0, 1, 2}, false, nil},
		{0, []int{0, 1}, false, ErrBadChoice}, // two picks for a single answer
		{0, nil, false, ErrBadChoice},
		{0, []int{2}, false, ErrBadChoice},
		{0, []int{-1}, false, ErrBadChoice},
		{3, []int{0}, false, ErrNoQuestion},
		{-1, []int{0}, false, ErrNoQuestion},
	}
	for _, tt := range tests {
		right, expl, err := q.Check(tt.q, tt.chosen)
		if !errors.Is(err, tt.err) || right != tt.right {
			t.Errorf("Check(%d, %v) = %v, %v; want %v, %v", tt.q, tt.chosen, right, err, tt.right, tt.err)
		}
		if err == nil && expl != q.Questions[tt.q].Explanation {
			t.Errorf("Check(%d, %v): explanation %q", tt.q, tt.chosen, expl)
		}
	}
	a, _ := s.Content("h-001")
	if _, _, err := a.Check(0, []int{0}); !errors.Is(err, ErrNotQuiz) {
		t.Errorf("article checked: %v", err)
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	s := loadValid(t)
	qn, _ := s.Content("h-005")
	ids := func(js []*Job) string {
		var out []string
		for _, j := range js {
			out = append(out, j.ID)
		}
		return strings.Join(out, ",")
	}
	tests := []struct {
		answers []int
		want    string
		err     error
	}{
		{[]int{0, 0, 0}, "soudeur,chimiste", nil}, // soudeur 3, chimiste 1
		{[]int{1, 1, 1}, "acheteur,chimiste", nil},
		{[]int{1, 1, 0}, "chimiste,soudeur", nil}, // 2, 1, 1: the tie goes to the jobs list's order
		{[]int{-1, -1, 1}, "acheteur", nil},       // only jobs with a point
		{[]int{-1, -1, -1}, "", nil},
		{[]int{0, 0}, "", ErrAnswerCount},
		{[]int{0, 2, 0}, "", ErrBadChoice},
		{[]int{0, -2, 0}, "", ErrBadChoice},
	}
	for _, tt := range tests {
		got, err := s.Match(qn, tt.answers)
		if !errors.Is(err, tt.err) || ids(got) != tt.want {
			t.Errorf("Match(%v) = %s, %v; want %s, %v", tt.answers, ids(got), err, tt.want, tt.err)
		}
	}
	a, _ := s.Content("h-001")
	if _, err := s.Match(a, nil); !errors.Is(err, ErrNotQuestionnaire) {
		t.Errorf("article matched: %v", err)
	}
}

func TestReadingTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		words int
		media time.Duration
		want  time.Duration
	}{
		{0, 0, MinReadingTime},
		{10, 0, MinReadingTime}, // 3 s
		{100, 0, 30 * time.Second},
		{201, 0, 60*time.Second + 300*time.Millisecond},
		{1000, 0, MaxReadingTime},
		{20, 90 * time.Second, 96 * time.Second},
		{0, time.Hour, MaxReadingTime},
		{-5, -time.Second, MinReadingTime},
	}
	for _, tt := range tests {
		if got := ReadingTime(tt.words, tt.media); got != tt.want {
			t.Errorf("ReadingTime(%d, %v) = %v, want %v", tt.words, tt.media, got, tt.want)
		}
	}
	for s, n := range map[string]int{"": 0, "L'usine « extraordinaire » : 3 mots !": 4, "  un\n\ndeux  ": 2, "CAP, bac pro, BTS.": 4} {
		if got := CountWords(s); got != n {
			t.Errorf("CountWords(%q) = %d, want %d", s, got, n)
		}
	}
	s := loadValid(t)
	q, _ := s.Content("h-004")
	// Title 4, text 5, prompts 7 + 6 + 3, choices 2 + 5 + 4: 36 words.
	if got := q.Words(); got != 36 {
		t.Errorf("quiz words %d, want 36", got)
	}
	v, _ := s.Content("h-006")
	if got, want := v.ReadingTime(), ReadingTime(v.Words(), 2*time.Second); got != want || got <= MinReadingTime-time.Second {
		t.Errorf("video reading time %v, want %v", got, want)
	}
	vi, _ := s.Content("h-003")
	if got := vi.Words(); got != CountWords(vi.Title)+CountWords(vi.Text)+8 {
		t.Errorf("visite words %d do not count the captions", got)
	}
	qn, _ := s.Content("h-005")
	if qn.Words() <= CountWords(qn.Title)+CountWords(qn.Text) {
		t.Error("questionnaire words do not count its questions")
	}
}

func TestParseVTT(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"WEBVTT\n\n00:01.000 --> 00:04.500\nBonjour\n", 4500 * time.Millisecond, ""},
		{"\uFEFFWEBVTT - titre\r\n\r\n1\r\n01:02:03.004 --> 01:02:05.000 align:start\r\nSalut\r\n", time.Hour + 2*time.Minute + 5*time.Second, ""},
		{"WEBVTT\n\nNOTE une note\n\n00:00.000 --> 00:09.000\na\n\n00:01.000 --> 00:02.000\nb\n", 9 * time.Second, ""},
		{"", 0, `does not start with "WEBVTT"`},
		{"WEBVTTX\n", 0, `does not start with "WEBVTT"`},
		{"WEBVTT\n\nBonjour\n", 0, "no cue"},
		{"WEBVTT\n\n00:01,000 --> 00:02,000\nSRT\n", 0, `line 3: bad timestamp "00:01,000", want mm:ss.ttt or hh:mm:ss.ttt`},
		{"WEBVTT\n\n00:02.000 --> 00:01.000\n", 0, "line 3: cue ends before it starts"},
		{"WEBVTT\n\n00:02.000 -->\n", 0, "line 3: cue timing without an end"},
		{"WEBVTT\n\n00:61.000 --> 01:00.000\n", 0, `line 3: bad timestamp "00:61.000", want mm:ss.ttt or hh:mm:ss.ttt`},
		{"WEBVTT\n\n1:00.000 --> 2:00.000\n", 0, `line 3: bad timestamp "1:00.000", want mm:ss.ttt or hh:mm:ss.ttt`},
		{"WEBVTT\n\n00:05.000 --> 00:06.000\n\n00:01.000 --> 00:02.000\n", 0, "line 5: cue starts before the previous one"},
	}
	for _, tt := range tests {
		got, err := parseVTT([]byte(tt.in))
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		if got != tt.want || msg != tt.err {
			t.Errorf("parseVTT(%q) = %v, %q; want %v, %q", tt.in, got, msg, tt.want, tt.err)
		}
	}
}

func TestSVGFilter(t *testing.T) {
	t.Parallel()
	// What must be refused.
	for _, bad := range []string{
		`<svg><script>x</script></svg>`,
		`<svg><SCRIPT src="a.js"/></svg>`,
		`<svg onload="x()"/>`,
		`<svg><rect onclick = "x()"/></svg>`,
		`<svg><a href="javascript:alert(1)"><text>x</text></a></svg>`,
		`<svg><image href="https://example.org/p.png"/></svg>`,
		`<svg><image xlink:href='//example.org/p.png'/></svg>`,
		`<svg><foreignObject><div/></foreignObject></svg>`,
		`<svg><style>@import "https://example.org/a.css";</style></svg>`,
		`<svg><rect style="fill:url(https://example.org/a.svg#p)"/></svg>`,
		`<svg><image href="data:image/png;base64,AAAA"/></svg>`,
	} {
		if svgProblem([]byte(bad)) == "" {
			t.Errorf("accepted %s", bad)
		}
	}
	// Ordinary drawings, like those cmd/contentgen writes, must pass.
	for _, good := range []string{
		`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 200"><title>Une usine</title><rect width="320" height="200" fill="#eaf7e4"/></svg>`,
		`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs><rect fill="url(#g)" width="1" height="1"/><use href="#g"/></svg>`,
		`<svg xmlns="http://www.w3.org/2000/svg"><desc>Une personne sur la passerelle, une onde de chaleur</desc><path d="M0 0 L10 10" stroke-linecap="round"/></svg>`,
	} {
		if p := svgProblem([]byte(good)); p != "" {
			t.Errorf("refused %s: %s", good, p)
		}
	}
}
