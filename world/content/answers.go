package content

import (
	"errors"
	"fmt"
	"slices"
)

// Errors of Check and Match: what a later stage maps to wire error codes.
var (
	ErrNotQuiz          = errors.New("content is not a quiz")
	ErrNotQuestionnaire = errors.New("content is not a questionnaire")
	ErrNoQuestion       = errors.New("no such question")
	ErrBadChoice        = errors.New("no such choice")
	ErrAnswerCount      = errors.New("wrong number of answers")
)

// Public returns a copy of c holding only what a visitor may see before
// answering: quiz choices lose their Right marks and questions their
// explanations. The copy shares no slice with c, which is left untouched;
// the server sends this, and keeps answers to itself (Check).
func (c *Content) Public() Content {
	p := *c
	p.Jobs = slices.Clone(c.Jobs)
	p.Steps = slices.Clone(c.Steps)
	if c.Image != nil {
		im := *c.Image
		p.Image = &im
	}
	if c.Speaker != nil {
		sp := *c.Speaker
		p.Speaker = &sp
	}
	if c.Media != nil {
		m := *c.Media
		if m.Poster != nil {
			im := *m.Poster
			m.Poster = &im
		}
		p.Media = &m
	}
	if c.Questions != nil {
		p.Questions = make([]Question, len(c.Questions))
		for i, q := range c.Questions {
			q.Explanation = ""
			q.Choices = make([]Choice, len(q.Choices))
			for j, ch := range c.Questions[i].Choices {
				q.Choices[j] = Choice{Text: ch.Text}
			}
			p.Questions[i] = q
		}
	}
	if c.Questionnaire != nil {
		qn := Questionnaire{Results: c.Questionnaire.Results, Questions: make([]QuestionnaireQuestion, len(c.Questionnaire.Questions))}
		for i, q := range c.Questionnaire.Questions {
			cs := make([]QuestionnaireChoice, len(q.Choices))
			for j, ch := range q.Choices {
				cs[j] = QuestionnaireChoice{Text: ch.Text, Jobs: slices.Clone(ch.Jobs)}
			}
			qn.Questions[i] = QuestionnaireQuestion{Prompt: q.Prompt, Choices: cs}
		}
		p.Questionnaire = &qn
	}
	return p
}

// Check checks an answer to quiz question q (from 0): chosen holds the
// indexes (from 0) of the picked choices, one for an ordinary question,
// one or more for a Multiple one. The answer is right when the picked
// choices are exactly the right ones. The explanation comes back either
// way. Repeated indexes count once.
func (c *Content) Check(q int, chosen []int) (right bool, explanation string, err error) {
	if c.Kind != KindQuiz {
		return false, "", ErrNotQuiz
	}
	if q < 0 || q >= len(c.Questions) {
		return false, "", fmt.Errorf("question %d of %d: %w", q+1, len(c.Questions), ErrNoQuestion)
	}
	qu := &c.Questions[q]
	if len(chosen) == 0 || len(chosen) > 1 && !qu.Multiple {
		return false, "", fmt.Errorf("%d choices picked: %w", len(chosen), ErrBadChoice)
	}
	picked := make([]bool, len(qu.Choices))
	for _, i := range chosen {
		if i < 0 || i >= len(qu.Choices) {
			return false, "", fmt.Errorf("choice %d of %d: %w", i+1, len(qu.Choices), ErrBadChoice)
		}
		picked[i] = true
	}
	right = true
	for i, ch := range qu.Choices {
		if picked[i] != ch.Right {
			right = false
		}
	}
	return right, qu.Explanation, nil
}

// Match is the questionnaire's scoring rule. answers[i] is the index (from
// 0) of the choice picked for question i, or -1 for a question left
// unanswered. Each picked choice gives one point to each job it names. The
// result is the jobs with the most points, at most Results of them, only
// jobs with at least one point, ties broken by the order of the jobs list;
// it is empty when every question was skipped.
func (s *Set) Match(c *Content, answers []int) ([]*Job, error) {
	if c.Kind != KindQuestionnaire || c.Questionnaire == nil {
		return nil, ErrNotQuestionnaire
	}
	qs := c.Questionnaire.Questions
	if len(answers) != len(qs) {
		return nil, fmt.Errorf("%d answers to %d questions: %w", len(answers), len(qs), ErrAnswerCount)
	}
	score := make([]int, len(s.Jobs))
	for i, a := range answers {
		if a == -1 {
			continue
		}
		if a < 0 || a >= len(qs[i].Choices) {
			return nil, fmt.Errorf("question %d, choice %d of %d: %w", i+1, a+1, len(qs[i].Choices), ErrBadChoice)
		}
		for _, id := range qs[i].Choices[a].Jobs {
			if j, ok := s.jobs[id]; ok {
				score[j]++
			}
		}
	}
	order := make([]int, 0, len(s.Jobs))
	for j, n := range score {
		if n > 0 {
			order = append(order, j)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return score[b] - score[a] })
	out := make([]*Job, 0, min(len(order), c.Questionnaire.Results))
	for _, j := range order[:min(len(order), c.Questionnaire.Results)] {
		out = append(out, &s.Jobs[j])
	}
	return out, nil
}
