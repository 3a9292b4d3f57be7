package progress

import (
	"math/bits"
	"strconv"
	"strings"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// State is one attached session's progress, in the hub's memory: what it
// has seen and answered, its points and badges, as bitsets over the
// catalogue. It is the truth the hub decides with (points once, one scored
// attempt); the store is told every change (Write) and keeps it for the
// fair. Not safe for concurrent use: the hub goroutine owns it.
type State struct {
	ID      string // the progress id
	KeyHash string // "" until the record is created (the first points)
	// Key is the progress key in words, between its creation and the
	// PROGRESS that shows it; then "".
	Key   string
	Who   string // the pseudonym's folded key (server/pseudonym)
	Name  string // the pseudonym as shown
	Group uint32
	// Created is the record's creation, unix seconds (0 until then).
	Created int64

	Points        uint32
	seen          bitset // by content index
	answered      bitset // by fair-wide question number
	right         bitset
	questionnaire bool
	route         bool     // the class's route done (MarkRoute)
	badges        uint32   // by badge index
	earned        []uint32 // unix seconds, by badge index; nil until the first badge
	// Unknown keeps what a record held that this catalogue does not know
	// (a content or badge an organiser removed): nothing is lost for it.
	unknownPoints uint32
}

// NewState is the progress of a visitor with none yet.
func NewState(c *Catalogue, id, who, name string) *State {
	return &State{
		ID: id, Who: who, Name: name,
		seen: newBitset(c.Len()), answered: newBitset(c.questions), right: newBitset(c.questions),
	}
}

// FromRecord is the progress a store record holds, as the session who
// (its pseudonym key and name) sees it.
func FromRecord(c *Catalogue, r *Record, who, name string) *State {
	s := NewState(c, r.ID, who, name)
	s.KeyHash, s.Group, s.Created = r.KeyHash, r.Group, r.Created
	s.merge(c, r)
	if r.Points > s.Points {
		s.unknownPoints = r.Points - s.Points // contents no longer in the catalogue
		s.Points = r.Points
	}
	return s
}

// Merge adds a record's progress (written by another node, or before a
// detach) to s.
func (s *State) Merge(c *Catalogue, r *Record) {
	if s.KeyHash == "" {
		s.KeyHash, s.Created = r.KeyHash, r.Created
	}
	s.merge(c, r)
}

func (s *State) merge(c *Catalogue, r *Record) {
	for _, h := range r.Seen {
		if i, ok := c.Index(h); ok && !s.seen.has(i) {
			s.seen.set(i)
			s.Points += c.points(i)
		}
	}
	for f, right := range r.Answers {
		h, qs, ok := strings.Cut(f, "/")
		i, iok := c.Index(h)
		q, err := strconv.Atoi(qs)
		if !ok || !iok || err != nil || q < 0 || q >= len(c.items[i].c.Questions) {
			continue
		}
		n := c.items[i].qbase + q
		if s.answered.has(n) {
			continue
		}
		s.answered.set(n)
		if right {
			s.right.set(n)
			s.Points += uint32(c.items[i].c.Questions[q].Points)
		}
	}
	for id, at := range r.Badges {
		if _, i, ok := c.Badge(id); ok {
			if c.badges[i].Kind == BadgeQuestionnaire {
				s.questionnaire = true
			}
			s.setBadge(c, i, at)
		}
	}
}

func (c *Catalogue) points(i int) uint32 { return uint32(c.items[i].c.Points) }

// Seen reports whether the i-th content's points were earned.
func (s *State) Seen(i int) bool { return s.seen.has(i) }

// MarkSeen records that the i-th content was read; it returns the points
// earned (0 when it was seen already).
func (s *State) MarkSeen(c *Catalogue, i int) uint32 {
	if s.seen.has(i) {
		return 0
	}
	s.seen.set(i)
	p := c.points(i)
	s.Points += p
	return p
}

// Answered reports whether quiz question q of the i-th content had its
// scored attempt, and whether it was right.
func (s *State) Answered(c *Catalogue, i, q int) (answered, right bool) {
	n := c.items[i].qbase + q
	return s.answered.has(n), s.right.has(n)
}

// MarkAnswer records the scored attempt at question q of the i-th content
// and returns the points it earned.
func (s *State) MarkAnswer(c *Catalogue, i, q int, right bool) uint32 {
	n := c.items[i].qbase + q
	if s.answered.has(n) {
		return 0
	}
	s.answered.set(n)
	if !right {
		return 0
	}
	s.right.set(n)
	p := uint32(c.items[i].c.Questions[q].Points)
	s.Points += p
	return p
}

// MarkQuestionnaire records that the questionnaire was answered.
func (s *State) MarkQuestionnaire() { s.questionnaire = true }

// MarkRoute records that the visitor did every step of their class's
// route: the route badge comes with the next NewBadges.
func (s *State) MarkRoute() { s.route = true }

// Questionnaire reports whether the questionnaire was answered.
func (s *State) Questionnaire() bool { return s.questionnaire }

// HasBadge reports whether the i-th badge was earned, and when.
func (s *State) HasBadge(i int) (bool, uint32) {
	if s.badges&(1<<i) == 0 {
		return false, 0
	}
	return true, s.earned[i]
}

func (s *State) setBadge(c *Catalogue, i int, at uint32) {
	if s.badges&(1<<i) != 0 {
		return
	}
	if s.earned == nil {
		s.earned = make([]uint32, len(c.badges))
	}
	s.badges |= 1 << i
	s.earned[i] = at
}

// NewBadges marks the badges the progress now reaches and did not have,
// earned at now (unix seconds), and returns their indexes.
func (s *State) NewBadges(c *Catalogue, now uint32) []int {
	var out []int
	for i := range c.badges {
		if s.badges&(1<<i) != 0 {
			continue
		}
		if s.count(c, &c.badges[i]) >= c.badges[i].Need {
			s.setBadge(c, i, now)
			out = append(out, i)
		}
	}
	return out
}

// count is the number a badge watches.
func (s *State) count(c *Catalogue, b *Badge) int {
	switch b.Kind {
	case BadgeChallenge:
		return s.seenIn(c, b.Challenge)
	case BadgeQuiz:
		return s.right.count()
	case BadgeQuestionnaire:
		if s.questionnaire {
			return 1
		}
	case BadgeRoute:
		if s.route {
			return 1
		}
	}
	return 0
}

func (s *State) seenIn(c *Catalogue, ch int) int {
	n := 0
	for i := range c.items {
		if c.items[i].challenge == ch && s.seen.has(i) {
			n++
		}
	}
	return n
}

// Progress is the PROGRESS event of s. full lists every content seen and
// every badge; otherwise seen are the hotspot ids just seen.
func (s *State) Progress(c *Catalogue, full bool, seen ...string) protocol.Progress {
	p := protocol.Progress{Full: full, Points: s.Points, Key: s.Key, QuizRight: uint32(s.right.count()), QuizTotal: uint32(c.questions)}
	p.Challenges = make([]protocol.ChallengeProgress, len(c.challenges))
	for ch, name := range c.challenges {
		p.Challenges[ch] = protocol.ChallengeProgress{Challenge: name, Seen: uint32(s.seenIn(c, ch)), Total: uint32(c.chTotal[ch])}
	}
	if full {
		for i := range c.items {
			if s.seen.has(i) {
				p.Seen = append(p.Seen, c.items[i].c.Hotspot)
			}
		}
		for i := range c.badges {
			b := &c.badges[i]
			_, at := s.HasBadge(i)
			p.Badges = append(p.Badges, protocol.Badge{ID: b.ID, Title: b.Title, Description: b.Description, EarnedAt: at})
		}
	} else {
		p.Seen = seen
	}
	return p
}

// BadgeEvent is the i-th badge as events carry it, with its date for s.
func (s *State) BadgeEvent(c *Catalogue, i int) protocol.Badge {
	b := &c.badges[i]
	_, at := s.HasBadge(i)
	return protocol.Badge{ID: b.ID, Title: b.Title, Description: b.Description, EarnedAt: at}
}

// Write is a store write of the given changes.
func (s *State) Write(ops ...Op) Write {
	return Write{ID: s.ID, KeyHash: s.KeyHash, Name: s.Name, Group: s.Group, Created: s.Created, Ops: ops}
}

// bitset is a fixed-size set of small integers.
type bitset []uint64

func newBitset(n int) bitset    { return make(bitset, (n+63)/64) }
func (b bitset) has(i int) bool { return i >= 0 && i/64 < len(b) && b[i/64]&(1<<(i%64)) != 0 }
func (b bitset) set(i int)      { b[i/64] |= 1 << (i % 64) }
func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}
