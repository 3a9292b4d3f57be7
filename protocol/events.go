package protocol

import (
	"fmt"
	"math"
)

// EventKind is the first element of an event array inside Update.Events.
type EventKind uint8

const (
	EventHotspotContent    EventKind = 1 // [1, req, hotspot_id, title, text, media, challenge, booth_id, viewers, kind, points, seen, reading_ms, alt, speaker, steps, av, questions, questionnaire]
	EventHotspotDiscovered EventKind = 2 // [2, hotspot_id, avatar_id, pseudonym]
	EventHotspotViewers    EventKind = 3 // [3, hotspot_id, viewers]
	EventError             EventKind = 4 // [4, code, ref, message]
	EventPath              EventKind = 5 // [5, seq, [x0, y0, x1, y1, ...]]

	// Points, badges, leaderboards and rewards (progress_events.go).
	EventAnswerResult        EventKind = 6  // [6, req, hotspot_id, question, right, [right_choice, ...], explanation, points]
	EventQuestionnaireResult EventKind = 7  // [7, req, hotspot_id, [[job_id, feminine, masculine, description], ...]]
	EventProgress            EventKind = 8  // [8, full, points, [[challenge, seen, total], ...], [hotspot_id, ...], [badge, ...], key, quiz_right, quiz_total]
	EventBadge               EventKind = 9  // [9, badge_id, title, description, earned_at]
	EventBadgeNotice         EventKind = 10 // [10, avatar_id, pseudonym, badge_id, title]
	EventLeaderboard         EventKind = 11 // [11, req, scope, [[rank, pseudonym, points], ...], rank, points, players]
	EventShareLink           EventKind = 12 // [12, req, badge_id, path]

	// Chat and moderation (chat_events.go).
	EventChat         EventKind = 20 // [20, message_id, channel, avatar_id, pseudonym, role, text, phrase, at, past]
	EventChatRemoved  EventKind = 21 // [21, message_id]
	EventChatState    EventKind = 22 // [22, class_on, nearby_free, muted_until]
	EventChatBlocked  EventKind = 23 // [23, req, reason, hint]
	EventReport       EventKind = 24 // [24, report_id, reason, at, reporter, avatar_id, pseudonym, message_id, [evidence, ...]]
	EventReportClosed EventKind = 25 // [25, report_id]
	EventModerated    EventKind = 26 // [26, req, action]
)

// Event is one event of an UPDATE (docs/PROTOCOL.md §5). Every kind is a
// type of its own (HotspotContent, HotspotDiscovered, HotspotViewers,
// ErrorEvent, Path here; the progress events in progress_events.go) with
// its encoder and decoder beside it; a type switch tells them apart.
//
// Events are values and immutable once made: the world queues one event
// value to many viewers (they share one boxed copy, so a broadcast costs
// one allocation, not one per viewer), and slices in it (Path.Points) must
// not be modified after it is queued. The interface is sealed: the kinds
// are the protocol's, listed here; a new kind is a new type in this file.
type Event interface {
	Kind() EventKind
	appendTo(b []byte) []byte
}

// HotspotContent answers OPEN_HOTSPOT: the content to show, in its public
// form (a quiz without its answers: they come with AnswerResult, once
// answered). The fields after Viewers are optional on the wire (a server
// before the contents file sent 9 elements): they decode to zero values.
type HotspotContent struct {
	Req       uint32 // the OPEN_HOTSPOT's req
	HotspotID string
	Title     string
	Text      string // plain text, paragraphs separated by a blank line
	Media     string // the main picture, a same-origin path; may be ""
	Challenge string
	Booth     string // may be ""
	Viewers   uint32 // how many have it open now, in the whole fair

	ContentKind string // article, temoignage, visite, video, audio, quiz, questionnaire
	Points      uint32 // earned once for reading it
	Seen        bool   // the visitor already earned them
	ReadingMs   uint32 // how long it must stay open (and the avatar near) for its points
	Alt         string // Media's text alternative
	// Only for their kinds (nil otherwise): a témoignage's speaker, a
	// visite's steps, a video's or audio's file, a quiz's questions, the
	// questionnaire.
	Speaker       *Speaker
	Steps         []Step
	AV            *AV
	Questions     []Question
	Questionnaire *Questionnaire
}

// Speaker is who speaks in a témoignage.
type Speaker struct {
	Name   string
	Gender string // "f" or "m"
	Role   string // professionnel, apprenti, etudiant
	Job    string // the job's name in the speaker's gender: "soudeuse"
	Age    uint8  // 0: not given
}

// Step is one stop of a visite.
type Step struct{ Src, Alt, Caption string }

// AV is a video's or an audio's file, its WebVTT captions and a poster.
type AV struct{ Src, Captions, Poster, PosterAlt string }

// Question is a quiz question as the visitor sees it: without its right
// answer, unless the visitor answered it (Answered; then Right,
// RightChoices and Explanation are set).
type Question struct {
	Prompt   string
	Multiple bool // several choices may be right, all must be picked
	Choices  []string
	Points   uint32 // earned once for a right answer
	// The visitor's scored attempt, when made.
	Answered     bool
	Right        bool
	RightChoices []uint8
	Explanation  string
}

// Questionnaire is « Quel métier est fait pour toi ? »: questions without
// right answers; QUESTIONNAIRE's answers end on jobs.
type Questionnaire struct {
	Results   uint8 // how many jobs the end shows, at most
	Questions []QuestionnaireQuestion
}

// QuestionnaireQuestion is one question of the questionnaire.
type QuestionnaireQuestion struct {
	Prompt  string
	Choices []string
}

// HotspotDiscovered says someone near the client opened a hotspot.
type HotspotDiscovered struct {
	HotspotID string
	AvatarID  uint32
	Pseudonym string
}

// HotspotViewers says how many have a hotspot near the client open.
type HotspotViewers struct {
	HotspotID string
	Viewers   uint32
}

// ErrorEvent is a non-fatal error: the message it refers to had no effect.
type ErrorEvent struct {
	Code    ErrorCode
	Ref     uint32 // the seq or req of the message it refers to, 0 if none
	Message string // English, for logs
}

// Path is the route the server chose for a GOTO.
type Path struct {
	Seq    uint32   // the GOTO's seq
	Points []uint16 // quantised waypoints x0, y0, x1, y1, ...; the last is where the avatar stops
}

// Kind implements Event.
func (HotspotContent) Kind() EventKind { return EventHotspotContent }

// Kind implements Event.
func (HotspotDiscovered) Kind() EventKind { return EventHotspotDiscovered }

// Kind implements Event.
func (HotspotViewers) Kind() EventKind { return EventHotspotViewers }

// Kind implements Event.
func (ErrorEvent) Kind() EventKind { return EventError }

// Kind implements Event.
func (Path) Kind() EventKind { return EventPath }

func (e HotspotContent) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 19)
	b = appendUint(b, uint64(EventHotspotContent))
	b = appendUint(b, uint64(e.Req))
	b = appendString(b, e.HotspotID)
	b = appendString(b, e.Title)
	b = appendString(b, e.Text)
	b = appendString(b, e.Media)
	b = appendString(b, e.Challenge)
	b = appendString(b, e.Booth)
	b = appendUint(b, uint64(e.Viewers))
	b = appendString(b, e.ContentKind)
	b = appendUint(b, uint64(e.Points))
	b = appendBool(b, e.Seen)
	b = appendUint(b, uint64(e.ReadingMs))
	b = appendString(b, e.Alt)
	if sp := e.Speaker; sp != nil {
		b = appendArrayHeader(b, 5)
		b = appendString(b, sp.Name)
		b = appendString(b, sp.Gender)
		b = appendString(b, sp.Role)
		b = appendString(b, sp.Job)
		b = appendUint(b, uint64(sp.Age))
	} else {
		b = appendArrayHeader(b, 0)
	}
	b = appendArrayHeader(b, len(e.Steps))
	for _, st := range e.Steps {
		b = appendArrayHeader(b, 3)
		b = appendString(b, st.Src)
		b = appendString(b, st.Alt)
		b = appendString(b, st.Caption)
	}
	if av := e.AV; av != nil {
		b = appendArrayHeader(b, 4)
		b = appendString(b, av.Src)
		b = appendString(b, av.Captions)
		b = appendString(b, av.Poster)
		b = appendString(b, av.PosterAlt)
	} else {
		b = appendArrayHeader(b, 0)
	}
	b = appendArrayHeader(b, len(e.Questions))
	for i := range e.Questions {
		q := &e.Questions[i]
		b = appendArrayHeader(b, 5)
		b = appendString(b, q.Prompt)
		b = appendBool(b, q.Multiple)
		b = appendStrings(b, q.Choices)
		b = appendUint(b, uint64(q.Points))
		if q.Answered {
			b = appendArrayHeader(b, 3)
			b = appendBool(b, q.Right)
			b = appendUint8s(b, q.RightChoices)
			b = appendString(b, q.Explanation)
		} else {
			b = appendArrayHeader(b, 0)
		}
	}
	if qn := e.Questionnaire; qn != nil {
		b = appendArrayHeader(b, 2)
		b = appendUint(b, uint64(qn.Results))
		b = appendArrayHeader(b, len(qn.Questions))
		for _, q := range qn.Questions {
			b = appendArrayHeader(b, 2)
			b = appendString(b, q.Prompt)
			b = appendStrings(b, q.Choices)
		}
	} else {
		b = appendArrayHeader(b, 0)
	}
	return b
}

func appendStrings(b []byte, ss []string) []byte {
	b = appendArrayHeader(b, len(ss))
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

func appendUint8s(b []byte, vs []uint8) []byte {
	b = appendArrayHeader(b, len(vs))
	for _, v := range vs {
		b = appendUint(b, uint64(v))
	}
	return b
}

func (e HotspotDiscovered) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 4)
	b = appendUint(b, uint64(EventHotspotDiscovered))
	b = appendString(b, e.HotspotID)
	b = appendUint(b, uint64(e.AvatarID))
	return appendString(b, e.Pseudonym)
}

func (e HotspotViewers) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 3)
	b = appendUint(b, uint64(EventHotspotViewers))
	b = appendString(b, e.HotspotID)
	return appendUint(b, uint64(e.Viewers))
}

func (e ErrorEvent) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 4)
	b = appendUint(b, uint64(EventError))
	b = appendUint(b, uint64(e.Code))
	b = appendUint(b, uint64(e.Ref))
	return appendString(b, e.Message)
}

func (e Path) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 3)
	b = appendUint(b, uint64(EventPath))
	b = appendUint(b, uint64(e.Seq))
	b = appendArrayHeader(b, len(e.Points))
	for _, q := range e.Points {
		b = appendUint(b, uint64(q))
	}
	return b
}

// AppendEvent appends one encoded event (the element of UPDATE's events).
func AppendEvent(b []byte, e Event) []byte { return e.appendTo(b) }

// eventDecoder returns the decoder of a known kind's fields (after the
// kind) and the kind's name; nil for a kind this version does not know.
func eventDecoder(k EventKind) (func(f *fields) Event, string) {
	switch k {
	case EventHotspotContent:
		return decodeHotspotContent, "HOTSPOT_CONTENT"
	case EventHotspotDiscovered:
		return decodeHotspotDiscovered, "HOTSPOT_DISCOVERED"
	case EventHotspotViewers:
		return decodeHotspotViewers, "HOTSPOT_VIEWERS"
	case EventError:
		return decodeErrorEvent, "ERROR"
	case EventPath:
		return decodePath, "PATH"
	}
	if d, name := progressDecoder(k); d != nil {
		return d, name
	}
	return chatDecoder(k)
}

func decodeHotspotContent(f *fields) Event {
	var e HotspotContent
	f.u32(&e.Req)
	for _, s := range [...]*string{&e.HotspotID, &e.Title, &e.Text, &e.Media, &e.Challenge, &e.Booth} {
		f.str(s, MaxTextBytes)
	}
	f.u32(&e.Viewers)
	f.optional() // a server before the contents file sent 9 elements
	f.str(&e.ContentKind, MaxIDBytes)
	f.u32(&e.Points)
	f.boolean(&e.Seen)
	f.u32(&e.ReadingMs)
	f.str(&e.Alt, MaxTextBytes)
	nested(f, "speaker", func(s *fields) {
		if s.n == 0 {
			return
		}
		e.Speaker = &Speaker{}
		s.str(&e.Speaker.Name, MaxTextBytes)
		s.str(&e.Speaker.Gender, MaxIDBytes)
		s.str(&e.Speaker.Role, MaxIDBytes)
		s.str(&e.Speaker.Job, MaxTextBytes)
		uintField(s, &e.Speaker.Age, math.MaxUint8)
	})
	list(f, "steps", maxListItems, func(s *fields) {
		var st Step
		s.str(&st.Src, MaxTextBytes)
		s.str(&st.Alt, MaxTextBytes)
		s.str(&st.Caption, MaxTextBytes)
		e.Steps = append(e.Steps, st)
	})
	nested(f, "av", func(s *fields) {
		if s.n == 0 {
			return
		}
		e.AV = &AV{}
		for _, p := range [...]*string{&e.AV.Src, &e.AV.Captions, &e.AV.Poster, &e.AV.PosterAlt} {
			s.str(p, MaxTextBytes)
		}
	})
	list(f, "question", maxListItems, func(s *fields) {
		var q Question
		s.str(&q.Prompt, MaxTextBytes)
		s.boolean(&q.Multiple)
		q.Choices = stringList(s, maxListItems)
		s.u32(&q.Points)
		nested(s, "answer", func(a *fields) {
			if a.n == 0 {
				return
			}
			q.Answered = true
			a.boolean(&q.Right)
			q.RightChoices = uint8List(a, maxListItems)
			a.str(&q.Explanation, MaxTextBytes)
		})
		e.Questions = append(e.Questions, q)
	})
	nested(f, "questionnaire", func(s *fields) {
		if s.n == 0 {
			return
		}
		e.Questionnaire = &Questionnaire{}
		uintField(s, &e.Questionnaire.Results, math.MaxUint8)
		list(s, "questionnaire question", maxListItems, func(q *fields) {
			var qq QuestionnaireQuestion
			q.str(&qq.Prompt, MaxTextBytes)
			qq.Choices = stringList(q, maxListItems)
			e.Questionnaire.Questions = append(e.Questionnaire.Questions, qq)
		})
	})
	return e
}

func decodeHotspotDiscovered(f *fields) Event {
	var e HotspotDiscovered
	f.str(&e.HotspotID, MaxIDBytes)
	f.u32(&e.AvatarID)
	f.str(&e.Pseudonym, MaxPseudonymBytes)
	return e
}

func decodeHotspotViewers(f *fields) Event {
	var e HotspotViewers
	f.str(&e.HotspotID, MaxIDBytes)
	f.u32(&e.Viewers)
	return e
}

func decodeErrorEvent(f *fields) Event {
	var e ErrorEvent
	uintField(f, &e.Code, math.MaxUint16)
	f.u32(&e.Ref)
	f.str(&e.Message, MaxTextBytes)
	return e
}

func decodePath(f *fields) Event {
	var e Path
	f.u32(&e.Seq)
	if m, ok := f.array(MaxRecords); ok {
		if m%2 != 0 {
			f.fail(malformed("PATH has an odd number of coordinates"))
			return e
		}
		e.Points = make([]uint16, m)
		for i := range e.Points {
			x, err := f.r.uint(math.MaxUint16)
			if err != nil {
				f.fail(err)
				return e
			}
			e.Points[i] = uint16(x)
		}
	}
	return e
}

// decodeEvent decodes one event; it returns nil (and no error) for a kind
// this version does not know, which is skipped whole.
func decodeEvent(outer *fields) (Event, error) {
	r := &outer.r
	n, err := r.arrayHeader(1, maxRecordFields)
	if err != nil {
		return nil, err
	}
	k, err := r.uint(math.MaxUint8)
	if err != nil {
		return nil, err
	}
	decode, name := eventDecoder(EventKind(k))
	if decode == nil {
		return nil, r.skipN(n - 1)
	}
	f := outer.sub(name, n-1)
	e := decode(&f)
	f.fail(f.done())
	outer.join(&f)
	if f.err != nil {
		return nil, f.err
	}
	return e, nil
}

// EventName names an event kind as PROTOCOL.md does ("PATH"), or
// "event_N" for a kind this version does not know.
func EventName(k EventKind) string {
	if _, name := eventDecoder(k); name != "" {
		return name
	}
	return fmt.Sprintf("event_%d", k)
}
