package protocol

import "math"

// Client messages of points, badges, leaderboards and rewards
// (docs/PROTOCOL.md §3): a quiz answer, the questionnaire, requests for
// progress and the leaderboard, share links and erasure. None of them
// claims points: the server grants them (§5, "Points").

// Scope says which leaderboard GET_LEADERBOARD asks for.
type Scope uint8

const (
	ScopeFair  Scope = 0 // every visitor of the fair
	ScopeGroup Scope = 1 // the visitor's class group
)

// Limits of the progress messages.
const (
	// MaxAnswerChoices bounds the choices of one ANSWER (a quiz question
	// has at most 6).
	MaxAnswerChoices = 6
	// MaxQuestionnaireAnswers bounds the answers of QUESTIONNAIRE (the
	// questionnaire has at most 20 questions).
	MaxQuestionnaireAnswers = 20
	// MaxBadgeIDBytes bounds a badge id.
	MaxBadgeIDBytes = 32
	// MaxProgressKeyBytes bounds HELLO's progress key (three words).
	MaxProgressKeyBytes = 64
	// maxChoiceIndex bounds a choice index (a question has at most 6).
	maxChoiceIndex = 63
)

// Answer is one scored attempt at a quiz question: the indexes (from 0)
// of the picked choices, one for an ordinary question, one or more for a
// multiple one.
type Answer struct {
	Req       uint32
	HotspotID string
	Question  uint8 // from 0
	N         uint8 // choices picked: Choices[:N]
	Choices   [MaxAnswerChoices]uint8
}

// Picked returns the picked choice indexes.
func (a *Answer) Picked() []uint8 { return a.Choices[:a.N] }

// QuestionnaireAnswers is the questionnaire « Quel métier est fait pour
// toi ? » answered: for each question, the index (from 0) of the picked
// choice, or Skipped.
type QuestionnaireAnswers struct {
	Req       uint32
	HotspotID string
	N         uint8 // answers: Answers[:N]
	Answers   [MaxQuestionnaireAnswers]int8
}

// Skipped is a questionnaire question left unanswered (nil on the wire).
const Skipped = -1

// Picked returns the answers, one per question.
func (q *QuestionnaireAnswers) Picked() []int8 { return q.Answers[:q.N] }

// GetProgress asks for the visitor's whole progress (a PROGRESS event
// with Full set).
type GetProgress struct{ Req uint32 }

// GetLeaderboard asks for a leaderboard (a LEADERBOARD event).
type GetLeaderboard struct {
	Req   uint32
	Scope Scope
}

// Share asks for a share link to a badge the visitor earned (a SHARE_LINK
// event); Unshare deletes it (SHARE_LINK with an empty path).
type Share struct {
	Req   uint32
	Badge string
}

// Erase erases everything the fair keeps about the visitor: progress,
// progress key, leaderboard entries, share links and the session itself.
// The server answers by closing the connection with 4015 (erased).
type Erase struct{ Req uint32 }

func decodeAnswer(f *fields, a *Answer) {
	f.u32(&a.Req)
	f.str(&a.HotspotID, MaxIDBytes)
	uintField(f, &a.Question, math.MaxUint8)
	n, ok := f.array(MaxAnswerChoices)
	if !ok {
		return
	}
	for i := range n {
		v, err := f.r.uint(maxChoiceIndex)
		if err != nil {
			f.fail(err)
			return
		}
		a.Choices[i] = uint8(v)
	}
	a.N = uint8(n)
}

func decodeQuestionnaire(f *fields, q *QuestionnaireAnswers) {
	f.u32(&q.Req)
	f.str(&q.HotspotID, MaxIDBytes)
	n, ok := f.array(MaxQuestionnaireAnswers)
	if !ok {
		return
	}
	for i := range n {
		if f.r.off < len(f.r.b) && f.r.b[f.r.off] == 0xc0 { // nil: skipped
			f.r.off++
			q.Answers[i] = Skipped
			continue
		}
		v, err := f.r.uint(maxChoiceIndex)
		if err != nil {
			f.fail(err)
			return
		}
		q.Answers[i] = int8(v)
	}
	q.N = uint8(n)
}

// AppendAnswer appends an encoded ANSWER.
func AppendAnswer(b []byte, a Answer) []byte {
	b = appendArrayHeader(b, 5)
	b = appendUint(b, uint64(TypeAnswer))
	b = appendUint(b, uint64(a.Req))
	b = appendString(b, a.HotspotID)
	b = appendUint(b, uint64(a.Question))
	b = appendArrayHeader(b, int(a.N))
	for _, c := range a.Picked() {
		b = appendUint(b, uint64(c))
	}
	return b
}

// AppendQuestionnaire appends an encoded QUESTIONNAIRE; a Skipped answer
// is nil.
func AppendQuestionnaire(b []byte, q QuestionnaireAnswers) []byte {
	b = appendArrayHeader(b, 4)
	b = appendUint(b, uint64(TypeQuestionnaire))
	b = appendUint(b, uint64(q.Req))
	b = appendString(b, q.HotspotID)
	b = appendArrayHeader(b, int(q.N))
	for _, a := range q.Picked() {
		if a < 0 {
			b = append(b, 0xc0)
			continue
		}
		b = appendUint(b, uint64(a))
	}
	return b
}

// AppendGetProgress appends an encoded GET_PROGRESS.
func AppendGetProgress(b []byte, m GetProgress) []byte {
	b = appendArrayHeader(b, 2)
	b = appendUint(b, uint64(TypeGetProgress))
	return appendUint(b, uint64(m.Req))
}

// AppendGetLeaderboard appends an encoded GET_LEADERBOARD.
func AppendGetLeaderboard(b []byte, m GetLeaderboard) []byte {
	b = appendArrayHeader(b, 3)
	b = appendUint(b, uint64(TypeGetLeaderboard))
	b = appendUint(b, uint64(m.Req))
	return appendUint(b, uint64(m.Scope))
}

// AppendShare appends an encoded SHARE (or UNSHARE with unshare).
func AppendShare(b []byte, m Share, unshare bool) []byte {
	t := TypeShare
	if unshare {
		t = TypeUnshare
	}
	b = appendArrayHeader(b, 3)
	b = appendUint(b, uint64(t))
	b = appendUint(b, uint64(m.Req))
	return appendString(b, m.Badge)
}

// AppendErase appends an encoded ERASE.
func AppendErase(b []byte, m Erase) []byte {
	b = appendArrayHeader(b, 2)
	b = appendUint(b, uint64(TypeErase))
	return appendUint(b, uint64(m.Req))
}
