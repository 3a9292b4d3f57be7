package progress

import (
	"errors"
	"fmt"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world/content"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// Catalogue is what progress is counted against: the contents of the fair
// in a fixed order (the contents file's), their points and reading times,
// the quiz questions numbered across the fair, the badges, and each
// content's public form as HOTSPOT_CONTENT carries it. It is built once
// from the loaded contents and is immutable and safe for concurrent use.
type Catalogue struct {
	set        *content.Set
	words      *Words
	challenges []string // zone.Challenges(), the order of PROGRESS
	items      []item
	byHotspot  map[string]int
	chTotal    []int
	questions  int // quiz questions of the fair
	qItem      []int32
	quest      int // index of the questionnaire, -1: none
	badges     []Badge
	badgeIdx   map[string]int
}

// item is one content and what progress needs of it.
type item struct {
	c         *content.Content
	challenge int
	reading   time.Duration
	qbase     int // the fair-wide number of its first quiz question
	tmpl      protocol.HotspotContent
}

// NewCatalogue builds the catalogue of a loaded contents set (checked
// against z by content.Load).
func NewCatalogue(set *content.Set, z *zone.Zone) (*Catalogue, error) {
	if set == nil || z == nil {
		return nil, errors.New("progress: a catalogue needs the contents and the zone")
	}
	words, err := LoadWords()
	if err != nil {
		return nil, err
	}
	c := &Catalogue{
		set: set, words: words, challenges: zone.Challenges(), byHotspot: map[string]int{}, quest: -1,
		badgeIdx: map[string]int{},
	}
	c.chTotal = make([]int, len(c.challenges))
	chIdx := map[string]int{}
	for i, ch := range c.challenges {
		chIdx[ch] = i
	}
	for i := range set.Contents {
		ct := &set.Contents[i]
		ch, ok := chIdx[ct.Challenge]
		if !ok {
			return nil, fmt.Errorf("progress: content %s: challenge %q", ct.Hotspot, ct.Challenge)
		}
		h, ok := z.Hotspot(ct.Hotspot)
		if !ok {
			return nil, fmt.Errorf("progress: content %s: no such hotspot in the zone", ct.Hotspot)
		}
		it := item{c: ct, challenge: ch, reading: ct.ReadingTime(), qbase: c.questions}
		it.tmpl = publicForm(set, ct, h.Booth, it.reading)
		c.byHotspot[ct.Hotspot] = len(c.items)
		c.items = append(c.items, it)
		c.chTotal[ch]++
		for range ct.Questions {
			c.qItem = append(c.qItem, int32(i))
		}
		c.questions += len(ct.Questions)
		if ct.Kind == content.KindQuestionnaire && c.quest < 0 {
			c.quest = i
		}
	}
	c.badges = buildBadges(c.challenges, c.chTotal, c.questions, c.quest >= 0)
	if len(c.badges) > MaxBadges {
		return nil, fmt.Errorf("progress: %d badges, more than %d", len(c.badges), MaxBadges)
	}
	for i, b := range c.badges {
		c.badgeIdx[b.ID] = i
	}
	return c, nil
}

// Words is the key word list.
func (c *Catalogue) Words() *Words { return c.words }

// Set is the contents the catalogue counts.
func (c *Catalogue) Set() *content.Set { return c.set }

// Len is the number of contents.
func (c *Catalogue) Len() int { return len(c.items) }

// Index is the position of a hotspot's content.
func (c *Catalogue) Index(hotspot string) (int, bool) {
	i, ok := c.byHotspot[hotspot]
	return i, ok
}

// Content is the i-th content.
func (c *Catalogue) Content(i int) *content.Content { return c.items[i].c }

// Reading is how long the i-th content must stay open for its points.
func (c *Catalogue) Reading(i int) time.Duration { return c.items[i].reading }

// Questions is the number of quiz questions of the fair.
func (c *Catalogue) Questions() int { return c.questions }

// Badges are the fair's badges; the slice is the catalogue's: read it only.
func (c *Catalogue) Badges() []Badge { return c.badges }

// Badge returns the badge with the given id and its index.
func (c *Catalogue) Badge(id string) (*Badge, int, bool) {
	i, ok := c.badgeIdx[id]
	if !ok {
		return nil, 0, false
	}
	return &c.badges[i], i, true
}

// Challenges are the four challenges in the order PROGRESS lists them.
func (c *Catalogue) Challenges() []string { return c.challenges }

// HotspotContent is the i-th content as the visitor with state st sees
// it: the public form, marked seen, with the quiz questions st answered
// showing their answers and explanations. The result shares the
// catalogue's immutable slices unless answers had to be filled in.
func (c *Catalogue) HotspotContent(i int, st *State, req, viewers uint32) protocol.HotspotContent {
	it := &c.items[i]
	e := it.tmpl
	e.Req, e.Viewers = req, viewers
	if st == nil {
		return e
	}
	e.Seen = st.Seen(i)
	copied := false
	for q := range it.c.Questions {
		if !st.answered.has(it.qbase + q) {
			continue
		}
		if !copied { // the template is shared: copy before the first change
			e.Questions, copied = append([]protocol.Question(nil), it.tmpl.Questions...), true
		}
		cq := &it.c.Questions[q]
		pq := &e.Questions[q]
		pq.Answered, pq.Right, pq.Explanation = true, st.right.has(it.qbase+q), cq.Explanation
		pq.RightChoices = rightChoices(cq)
	}
	return e
}

// Check checks a quiz answer to question q of the i-th content: whether
// it is right, the right choices and the explanation.
func (c *Catalogue) Check(i, q int, picked []uint8) (right bool, rights []uint8, explanation string, err error) {
	ct := c.items[i].c
	chosen := make([]int, len(picked))
	for k, p := range picked {
		chosen[k] = int(p)
	}
	right, explanation, err = ct.Check(q, chosen)
	if err != nil {
		return false, nil, "", err
	}
	return right, rightChoices(&ct.Questions[q]), explanation, nil
}

// Match scores the questionnaire (the i-th content) with the answers, -1
// for a question skipped: the jobs the end shows.
func (c *Catalogue) Match(i int, answers []int8) ([]protocol.Job, error) {
	as := make([]int, len(answers))
	for k, a := range answers {
		as[k] = int(a)
	}
	jobs, err := c.set.Match(c.items[i].c, as)
	if err != nil {
		return nil, err
	}
	out := make([]protocol.Job, len(jobs))
	for k, j := range jobs {
		out[k] = protocol.Job{ID: j.ID, Feminine: j.Feminine, Masculine: j.Masculine, Description: j.Description}
	}
	return out, nil
}

func rightChoices(q *content.Question) []uint8 {
	var out []uint8
	for k, ch := range q.Choices {
		if ch.Right {
			out = append(out, uint8(k))
		}
	}
	return out
}

// publicForm is a content's HOTSPOT_CONTENT without the per-visitor fields
// (req, viewers, seen, answers): the content's public form
// (content.Content.Public), so no answer or explanation can leak.
func publicForm(set *content.Set, ct *content.Content, booth string, reading time.Duration) protocol.HotspotContent {
	p := ct.Public()
	e := protocol.HotspotContent{
		HotspotID: p.Hotspot, Title: p.Title, Text: p.Text, Challenge: p.Challenge, Booth: booth,
		ContentKind: string(p.Kind), Points: uint32(p.Points), ReadingMs: uint32(reading / time.Millisecond),
	}
	if p.Image != nil {
		e.Media, e.Alt = p.Image.Src, p.Image.Alt
	}
	if sp := p.Speaker; sp != nil {
		job := sp.Job
		if j, ok := set.Job(sp.Job); ok {
			job = j.Name(sp.Gender)
		}
		e.Speaker = &protocol.Speaker{Name: sp.Name, Gender: sp.Gender, Role: sp.Role, Job: job, Age: uint8(min(max(sp.Age, 0), 255))}
		e.Media, e.Alt = sp.Portrait.Src, sp.Portrait.Alt
	}
	for _, st := range p.Steps {
		e.Steps = append(e.Steps, protocol.Step{Src: st.Image.Src, Alt: st.Image.Alt, Caption: st.Caption})
	}
	if len(e.Steps) > 0 && e.Media == "" {
		e.Media, e.Alt = e.Steps[0].Src, e.Steps[0].Alt
	}
	if m := p.Media; m != nil {
		e.AV = &protocol.AV{Src: m.Src, Captions: m.Captions}
		if m.Poster != nil {
			e.AV.Poster, e.AV.PosterAlt = m.Poster.Src, m.Poster.Alt
			e.Media, e.Alt = m.Poster.Src, m.Poster.Alt
		}
	}
	for _, q := range p.Questions {
		pq := protocol.Question{Prompt: q.Prompt, Multiple: q.Multiple, Points: uint32(q.Points)}
		for _, ch := range q.Choices {
			pq.Choices = append(pq.Choices, ch.Text)
		}
		e.Questions = append(e.Questions, pq)
	}
	if qn := p.Questionnaire; qn != nil {
		pq := &protocol.Questionnaire{Results: uint8(qn.Results)}
		for _, q := range qn.Questions {
			qq := protocol.QuestionnaireQuestion{Prompt: q.Prompt}
			for _, ch := range q.Choices {
				qq.Choices = append(qq.Choices, ch.Text)
			}
			pq.Questions = append(pq.Questions, qq)
		}
		e.Questionnaire = pq
	}
	return e
}
