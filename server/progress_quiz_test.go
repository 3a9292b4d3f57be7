package server_test

import (
	"slices"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
	"github.com/usine-extraordinaire/fairworld/world/content"
)

func rightOf(q *content.Question) []int {
	var out []int
	for i, c := range q.Choices {
		if c.Right {
			out = append(out, i)
		}
	}
	return out
}

func wrongOf(q *content.Question) int {
	for i, c := range q.Choices {
		if !c.Right {
			return i
		}
	}
	return -1
}

// answerWhenAllowed sends an answer, again while it is refused as too
// fast (the gap since the opening has not passed yet), and returns the
// result.
func answerWhenAllowed(t *testing.T, c *client.Client, l *evlog, hotspot string, q int, choices ...int) protocol.AnswerResult {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		from := l.len()
		req, _ := c.Answer(hotspot, q, choices...)
		var res protocol.AnswerResult
		var refused bool
		mustWait(t, 15*time.Second, "an answer to the answer", func() bool {
			if r := find(l, from, func(e protocol.AnswerResult) bool { return e.Req == req }); len(r) > 0 {
				res = r[0]
				return true
			}
			if e := find(l, from, func(e protocol.ErrorEvent) bool { return e.Ref == req }); len(e) > 0 {
				if e[0].Code != protocol.ErrTooFast {
					t.Fatalf("answer %d to %s: %v %q", q, hotspot, e[0].Code, e[0].Message)
				}
				refused = true
				return true
			}
			return false
		})
		if !refused {
			return res
		}
		if time.Now().After(deadline) {
			t.Fatal("answers refused as too fast for 20 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Quiz answers are checked on the server, one scored attempt a question;
// neither the right answers nor the explanations reach the client before
// it answers; right answers earn their points once; the first right
// answer earns the quiz badge.
func TestQuizCheckedOnTheServer(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, func(cfg *server.Config) {
		progressFast(cfg)
		cfg.ProgressConfig.AnswerGap = 200 * time.Second // 1 s at the scale of progressFast
	})
	var wire tee
	c := dial(t, in, client.Options{EventBuffer: 4096, HTTPClient: wire.client()})
	l := collect(t, c)
	x, y := c.Self()
	h := hotspotsNear(in, x, y, isKind(content.KindQuiz))[0]
	quiz := contentOf(t, in, h.ID)
	set := in.Config().Contents

	// An answer to a quiz not open: refused.
	req, _ := c.Answer(h.ID, 0, 0)
	waitError(t, l, req, protocol.ErrNotOpen)

	walkTo(t, c, in, h)
	from := l.len()
	req, _ = c.OpenHotspot(h.ID)
	ct := waitEv(t, l, from, "the quiz", func(e protocol.HotspotContent) bool { return e.Req == req })
	if ct.ContentKind != "quiz" || len(ct.Questions) != len(quiz.Questions) {
		t.Fatalf("quiz content %+v", ct)
	}
	for i, q := range ct.Questions {
		if q.Answered || q.Right || q.RightChoices != nil || q.Explanation != "" || q.Prompt != quiz.Questions[i].Prompt ||
			len(q.Choices) != len(quiz.Questions[i].Choices) || q.Points != uint32(quiz.Questions[i].Points) {
			t.Fatalf("question %d as sent: %+v", i, q)
		}
	}
	// Nothing the server sent holds an explanation of any quiz.
	for _, qc := range set.Contents {
		for _, q := range qc.Questions {
			if wire.contains(q.Explanation) {
				t.Fatalf("the client received the explanation of %s before answering: %q", qc.Hotspot, q.Explanation)
			}
		}
	}

	// Too soon after the opening: refused, and nothing counted.
	req, _ = c.Answer(h.ID, 0, rightOf(&quiz.Questions[0])...)
	waitError(t, l, req, protocol.ErrTooFast)

	// Malformed answers.
	for _, bad := range []struct {
		q       int
		choices []int
	}{{99, []int{0}}, {0, []int{9}}, {0, nil}} {
		if quiz.Questions[0].Multiple && bad.choices == nil {
			continue
		}
		req, _ = c.Answer(h.ID, bad.q, bad.choices...)
		waitError(t, l, req, protocol.ErrBadAnswer)
	}

	q0 := &quiz.Questions[0]
	res := answerWhenAllowed(t, c, l, h.ID, 0, rightOf(q0)...)
	if !res.Right || res.Points != uint32(q0.Points) || res.Explanation != q0.Explanation || !slices.Equal(asInts(res.RightChoices), rightOf(q0)) {
		t.Fatalf("right answer: %+v", res)
	}
	if !wire.contains(q0.Explanation) {
		t.Fatal("the explanation did not come after the answer")
	}
	badge := waitEv(t, l, 0, "the quiz badge", func(e protocol.BadgeEarned) bool { return e.Badge.ID == "quiz-1" })
	if badge.Badge.EarnedAt == 0 || badge.Badge.Title == "" {
		t.Fatalf("badge %+v", badge)
	}
	// One scored attempt: a second answer is refused.
	req, _ = c.Answer(h.ID, 0, rightOf(q0)...)
	waitError(t, l, req, protocol.ErrAlreadyAnswered)

	// A wrong answer earns nothing, and is final.
	q1 := &quiz.Questions[1]
	res = answerWhenAllowed(t, c, l, h.ID, 1, wrongOf(q1))
	if res.Right || res.Points != 0 || res.Explanation != q1.Explanation {
		t.Fatalf("wrong answer: %+v", res)
	}
	req, _ = c.Answer(h.ID, 1, rightOf(q1)...)
	waitError(t, l, req, protocol.ErrAlreadyAnswered)

	full := fullProgress(t, c, l)
	if full.QuizRight != 1 || full.Points < uint32(q0.Points) {
		t.Fatalf("progress after the answers: %+v", full)
	}
	// Reopened, the quiz shows the answers given.
	from = l.len()
	req, _ = c.OpenHotspot(h.ID)
	ct = waitEv(t, l, from, "the quiz again", func(e protocol.HotspotContent) bool { return e.Req == req })
	if a := ct.Questions[0]; !a.Answered || !a.Right || a.Explanation != q0.Explanation {
		t.Fatalf("question 1 after its answer: %+v", a)
	}
	if a := ct.Questions[1]; !a.Answered || a.Right {
		t.Fatalf("question 2 after its answer: %+v", a)
	}
	if len(ct.Questions) > 2 && ct.Questions[2].Answered {
		t.Fatal("question 3 shown answered")
	}
	// An answer to a content that is no quiz.
	if err := c.CloseHotspot(h.ID); err != nil {
		t.Fatal(err)
	}
	req, _ = c.Answer(h.ID, 2, 0)
	waitError(t, l, req, protocol.ErrNotOpen)
	other := hotspotsNear(in, x, y, readable)[0]
	req, _ = c.Answer(other.ID, 0, 0)
	waitError(t, l, req, protocol.ErrBadAnswer)
}

func asInts(b []uint8) []int {
	out := make([]int, len(b))
	for i, v := range b {
		out[i] = int(v)
	}
	return out
}

// The questionnaire is scored on the server: its result is the jobs of
// Set.Match, and it earns the « Boussole des métiers » badge.
func TestQuestionnaireScoredOnTheServer(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, func(cfg *server.Config) {
		fast(cfg)
		cfg.ProgressConfig.ReadingScale = 0.1 // 10 questions: answers 1 s after the opening at the earliest
	})
	c := dial(t, in, client.Options{EventBuffer: 4096})
	l := collect(t, c)
	x, y := c.Self()
	h := hotspotsNear(in, x, y, isKind(content.KindQuestionnaire))[0]
	qn := contentOf(t, in, h.ID)
	walkTo(t, c, in, h)
	from := l.len()
	req, _ := c.OpenHotspot(h.ID)
	ct := waitEv(t, l, from, "the questionnaire", func(e protocol.HotspotContent) bool { return e.Req == req })
	if ct.Questionnaire == nil || len(ct.Questionnaire.Questions) != len(qn.Questionnaire.Questions) {
		t.Fatalf("questionnaire content %+v", ct)
	}
	answers := make([]int, len(qn.Questionnaire.Questions))
	for i := range answers {
		answers[i] = i % len(qn.Questionnaire.Questions[i].Choices)
	}
	answers[1] = -1 // skipped
	req, _ = c.Questionnaire(h.ID, answers)
	waitError(t, l, req, protocol.ErrTooFast) // at once: nobody reads ten questions that fast
	req, _ = c.Questionnaire(h.ID, answers[:3])
	waitError(t, l, req, protocol.ErrBadAnswer)

	want, err := in.Config().Contents.Match(qn, answers)
	if err != nil {
		t.Fatal(err)
	}
	var res protocol.QuestionnaireResult
	mustWait(t, 20*time.Second, "the questionnaire's result", func() bool {
		from := l.len()
		req, _ := c.Questionnaire(h.ID, answers)
		var done bool
		mustWait(t, 10*time.Second, "an answer", func() bool {
			if r := find(l, from, func(e protocol.QuestionnaireResult) bool { return e.Req == req }); len(r) > 0 {
				res, done = r[0], true
				return true
			}
			return len(find(l, from, func(e protocol.ErrorEvent) bool { return e.Ref == req && e.Code == protocol.ErrTooFast })) > 0
		})
		if !done {
			time.Sleep(100 * time.Millisecond)
		}
		return done
	})
	if len(res.Jobs) != len(want) || len(want) == 0 {
		t.Fatalf("result %+v, want %d jobs", res, len(want))
	}
	for i, j := range want {
		if res.Jobs[i].ID != j.ID || res.Jobs[i].Feminine != j.Feminine || res.Jobs[i].Masculine != j.Masculine || res.Jobs[i].Description != j.Description {
			t.Fatalf("job %d: %+v, want %+v", i, res.Jobs[i], *j)
		}
	}
	waitEv(t, l, 0, "the questionnaire's badge", func(e protocol.BadgeEarned) bool { return e.Badge.ID == "metiers" })
}
