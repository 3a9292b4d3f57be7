package protocol

import "math"

// Events of points, badges, leaderboards and rewards (docs/PROTOCOL.md
// §5): the answers the server checked, the visitor's progress and
// badges, a friendly notice to the visitors around, a leaderboard and a
// share link. Like every event they are immutable values.

// AnswerResult answers ANSWER: whether the scored attempt was right, the
// right choices and the explanation, and the points it earned (0 when
// wrong).
type AnswerResult struct {
	Req          uint32
	HotspotID    string
	Question     uint8
	Right        bool
	RightChoices []uint8
	Explanation  string
	Points       uint32
}

// QuestionnaireResult answers QUESTIONNAIRE: the jobs that match the
// answers, best first (none when every question was skipped).
type QuestionnaireResult struct {
	Req       uint32
	HotspotID string
	Jobs      []Job
}

// Job is a job of the industry, named in both genders.
type Job struct {
	ID, Feminine, Masculine, Description string
}

// Progress is the visitor's progress. The first PROGRESS after WELCOME, and
// the answer to GET_PROGRESS, are Full: Seen lists every content seen and
// Badges every badge of the fair (EarnedAt 0: not yet). Later ones carry
// only what changed: the contents just seen, no badges (BADGE events say
// when one is earned). Points, Challenges and the quiz counts are always
// whole.
type Progress struct {
	Full       bool
	Points     uint32
	Challenges []ChallengeProgress // the four challenges, in the fair's order
	Seen       []string            // hotspot ids
	Badges     []Badge
	// Key is the visitor's progress key (three words to note down), sent
	// once, in the PROGRESS that follows the first points; "" otherwise.
	Key       string
	QuizRight uint32 // quiz questions answered right
	QuizTotal uint32 // quiz questions of the fair
}

// ChallengeProgress is "12 / 67 découverts" for one challenge.
type ChallengeProgress struct {
	Challenge   string
	Seen, Total uint32
}

// Badge is one badge of the fair.
type Badge struct {
	ID, Title, Description string
	EarnedAt               uint32 // unix seconds; 0: not earned yet
}

// BadgeEarned tells the visitor a badge was just earned.
type BadgeEarned struct{ Badge Badge }

// BadgeNotice tells the visitors around someone that they earned a badge
// ("Léa a gagné le badge « Étincelle de l'innovation » !").
type BadgeNotice struct {
	AvatarID  uint32
	Pseudonym string
	Badge     string
	Title     string
}

// Leaderboard answers GET_LEADERBOARD: the top entries, and the visitor's
// own rank (from 1; 0 when not ranked: no points yet) and points.
type Leaderboard struct {
	Req     uint32
	Scope   Scope
	Top     []LeaderEntry
	Rank    uint32
	Points  uint32
	Players uint32 // visitors with points on this leaderboard
}

// LeaderEntry is one line of a leaderboard.
type LeaderEntry struct {
	Rank      uint32
	Pseudonym string
	Points    uint32
}

// ShareLink answers SHARE with the path of the badge's public page
// (/p/<token>: the page makes it absolute with its own origin), and
// UNSHARE with an empty path.
type ShareLink struct {
	Req   uint32
	Badge string
	Path  string
}

// Kind implements Event.
func (AnswerResult) Kind() EventKind { return EventAnswerResult }

// Kind implements Event.
func (QuestionnaireResult) Kind() EventKind { return EventQuestionnaireResult }

// Kind implements Event.
func (Progress) Kind() EventKind { return EventProgress }

// Kind implements Event.
func (BadgeEarned) Kind() EventKind { return EventBadge }

// Kind implements Event.
func (BadgeNotice) Kind() EventKind { return EventBadgeNotice }

// Kind implements Event.
func (Leaderboard) Kind() EventKind { return EventLeaderboard }

// Kind implements Event.
func (ShareLink) Kind() EventKind { return EventShareLink }

func (e AnswerResult) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 8)
	b = appendUint(b, uint64(EventAnswerResult))
	b = appendUint(b, uint64(e.Req))
	b = appendString(b, e.HotspotID)
	b = appendUint(b, uint64(e.Question))
	b = appendBool(b, e.Right)
	b = appendUint8s(b, e.RightChoices)
	b = appendString(b, e.Explanation)
	return appendUint(b, uint64(e.Points))
}

func (e QuestionnaireResult) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 4)
	b = appendUint(b, uint64(EventQuestionnaireResult))
	b = appendUint(b, uint64(e.Req))
	b = appendString(b, e.HotspotID)
	b = appendArrayHeader(b, len(e.Jobs))
	for _, j := range e.Jobs {
		b = appendArrayHeader(b, 4)
		b = appendString(b, j.ID)
		b = appendString(b, j.Feminine)
		b = appendString(b, j.Masculine)
		b = appendString(b, j.Description)
	}
	return b
}

func (e Progress) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 9)
	b = appendUint(b, uint64(EventProgress))
	b = appendBool(b, e.Full)
	b = appendUint(b, uint64(e.Points))
	b = appendArrayHeader(b, len(e.Challenges))
	for _, c := range e.Challenges {
		b = appendArrayHeader(b, 3)
		b = appendString(b, c.Challenge)
		b = appendUint(b, uint64(c.Seen))
		b = appendUint(b, uint64(c.Total))
	}
	b = appendStrings(b, e.Seen)
	b = appendArrayHeader(b, len(e.Badges))
	for _, bd := range e.Badges {
		b = appendBadge(b, bd)
	}
	b = appendString(b, e.Key)
	b = appendUint(b, uint64(e.QuizRight))
	return appendUint(b, uint64(e.QuizTotal))
}

func appendBadge(b []byte, bd Badge) []byte {
	b = appendArrayHeader(b, 4)
	b = appendString(b, bd.ID)
	b = appendString(b, bd.Title)
	b = appendString(b, bd.Description)
	return appendUint(b, uint64(bd.EarnedAt))
}

func (e BadgeEarned) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 5)
	b = appendUint(b, uint64(EventBadge))
	b = appendString(b, e.Badge.ID)
	b = appendString(b, e.Badge.Title)
	b = appendString(b, e.Badge.Description)
	return appendUint(b, uint64(e.Badge.EarnedAt))
}

func (e BadgeNotice) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 5)
	b = appendUint(b, uint64(EventBadgeNotice))
	b = appendUint(b, uint64(e.AvatarID))
	b = appendString(b, e.Pseudonym)
	b = appendString(b, e.Badge)
	return appendString(b, e.Title)
}

func (e Leaderboard) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 7)
	b = appendUint(b, uint64(EventLeaderboard))
	b = appendUint(b, uint64(e.Req))
	b = appendUint(b, uint64(e.Scope))
	b = appendArrayHeader(b, len(e.Top))
	for _, t := range e.Top {
		b = appendArrayHeader(b, 3)
		b = appendUint(b, uint64(t.Rank))
		b = appendString(b, t.Pseudonym)
		b = appendUint(b, uint64(t.Points))
	}
	b = appendUint(b, uint64(e.Rank))
	b = appendUint(b, uint64(e.Points))
	return appendUint(b, uint64(e.Players))
}

func (e ShareLink) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 4)
	b = appendUint(b, uint64(EventShareLink))
	b = appendUint(b, uint64(e.Req))
	b = appendString(b, e.Badge)
	return appendString(b, e.Path)
}

// progressDecoder returns the decoder of a progress event kind, like
// eventDecoder; nil for a kind this version does not know.
func progressDecoder(k EventKind) (func(f *fields) Event, string) {
	switch k {
	case EventAnswerResult:
		return decodeAnswerResult, "ANSWER_RESULT"
	case EventQuestionnaireResult:
		return decodeQuestionnaireResult, "QUESTIONNAIRE_RESULT"
	case EventProgress:
		return decodeProgress, "PROGRESS"
	case EventBadge:
		return decodeBadgeEarned, "BADGE"
	case EventBadgeNotice:
		return decodeBadgeNotice, "BADGE_NOTICE"
	case EventLeaderboard:
		return decodeLeaderboard, "LEADERBOARD"
	case EventShareLink:
		return decodeShareLink, "SHARE_LINK"
	}
	return classDecoder(k)
}

func decodeAnswerResult(f *fields) Event {
	var e AnswerResult
	f.u32(&e.Req)
	f.str(&e.HotspotID, MaxIDBytes)
	uintField(f, &e.Question, math.MaxUint8)
	f.boolean(&e.Right)
	e.RightChoices = uint8List(f, maxListItems)
	f.str(&e.Explanation, MaxTextBytes)
	f.u32(&e.Points)
	return e
}

func decodeQuestionnaireResult(f *fields) Event {
	var e QuestionnaireResult
	f.u32(&e.Req)
	f.str(&e.HotspotID, MaxIDBytes)
	list(f, "job", maxListItems, func(s *fields) {
		var j Job
		for _, p := range [...]*string{&j.ID, &j.Feminine, &j.Masculine, &j.Description} {
			s.str(p, MaxTextBytes)
		}
		e.Jobs = append(e.Jobs, j)
	})
	return e
}

func decodeProgress(f *fields) Event {
	var e Progress
	f.boolean(&e.Full)
	f.u32(&e.Points)
	list(f, "challenge", maxListItems, func(s *fields) {
		var c ChallengeProgress
		s.str(&c.Challenge, MaxIDBytes)
		s.u32(&c.Seen)
		s.u32(&c.Total)
		e.Challenges = append(e.Challenges, c)
	})
	e.Seen = stringList(f, MaxRecords)
	list(f, "badge", maxListItems, func(s *fields) {
		var bd Badge
		decodeBadge(s, &bd)
		e.Badges = append(e.Badges, bd)
	})
	f.str(&e.Key, MaxProgressKeyBytes)
	f.u32(&e.QuizRight)
	f.u32(&e.QuizTotal)
	return e
}

func decodeBadge(f *fields, bd *Badge) {
	f.str(&bd.ID, MaxBadgeIDBytes)
	f.str(&bd.Title, MaxTextBytes)
	f.str(&bd.Description, MaxTextBytes)
	f.u32(&bd.EarnedAt)
}

func decodeBadgeEarned(f *fields) Event {
	var e BadgeEarned
	decodeBadge(f, &e.Badge)
	return e
}

func decodeBadgeNotice(f *fields) Event {
	var e BadgeNotice
	f.u32(&e.AvatarID)
	f.str(&e.Pseudonym, MaxPseudonymBytes)
	f.str(&e.Badge, MaxBadgeIDBytes)
	f.str(&e.Title, MaxTextBytes)
	return e
}

func decodeLeaderboard(f *fields) Event {
	var e Leaderboard
	f.u32(&e.Req)
	uintField(f, &e.Scope, math.MaxUint8)
	list(f, "leaderboard entry", maxListItems, func(s *fields) {
		var t LeaderEntry
		s.u32(&t.Rank)
		s.str(&t.Pseudonym, MaxPseudonymBytes)
		s.u32(&t.Points)
		e.Top = append(e.Top, t)
	})
	f.u32(&e.Rank)
	f.u32(&e.Points)
	f.u32(&e.Players)
	return e
}

func decodeShareLink(f *fields) Event {
	var e ShareLink
	f.u32(&e.Req)
	f.str(&e.Badge, MaxBadgeIDBytes)
	f.str(&e.Path, MaxTextBytes)
	return e
}

// maxListItems bounds the lists inside one event (steps, questions,
// choices, jobs, badges, leaderboard entries).
const maxListItems = 64

// nested reads a field that is an array record (a speaker, an answer):
// read gets its fields, s.n of them (0 for a record left empty); fields
// beyond those read are skipped, as for any record.
func nested(f *fields, what string, read func(s *fields)) {
	if f.next() {
		record(f, what, read)
	}
}

// list reads a field that is an array of at most max array records.
func list(f *fields, what string, max int, read func(s *fields)) {
	n, ok := f.array(max)
	if !ok {
		return
	}
	for range n {
		if f.err != nil {
			return
		}
		record(f, what, read)
	}
}

// record reads one array record at f's reader position into read, then
// skips the fields read left and joins its error to f's.
func record(f *fields, what string, read func(s *fields)) {
	n, err := f.r.arrayHeader(0, maxRecordFields)
	if err != nil {
		f.fail(err)
		return
	}
	s := f.sub(what, n)
	read(&s)
	s.fail(s.done())
	f.join(&s)
}

// stringList reads a field that is an array of at most max strings; nil
// when empty or absent.
func stringList(f *fields, max int) []string {
	n, ok := f.array(max)
	if !ok || n == 0 {
		return nil
	}
	out := make([]string, 0, n)
	for range n {
		s, err := f.r.str(MaxTextBytes)
		if err != nil {
			f.fail(err)
			return nil
		}
		out = append(out, s)
	}
	return out
}

// uint8List reads a field that is an array of at most max small integers
// (choice indexes); nil when empty or absent.
func uint8List(f *fields, max int) []uint8 {
	n, ok := f.array(max)
	if !ok || n == 0 {
		return nil
	}
	out := make([]uint8, 0, n)
	for range n {
		v, err := f.r.uint(math.MaxUint8)
		if err != nil {
			f.fail(err)
			return nil
		}
		out = append(out, uint8(v))
	}
	return out
}
