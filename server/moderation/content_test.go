package moderation_test

import (
	"strings"
	"testing"

	"github.com/usine-extraordinaire/fairworld/server/moderation"
	"github.com/usine-extraordinaire/fairworld/world/content"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// TestFairContents runs every sentence of the fair's own contents (titles,
// texts, quiz questions and answers, booth, company and job names) through
// the message filter: pupils quote them in the chat, and they are ordinary
// French about industry, so each must pass.
func TestFairContents(t *testing.T) {
	t.Parallel()
	f := newFilter(t, moderation.Config{})
	z, err := zone.Default()
	if err != nil {
		t.Fatal(err)
	}
	c, err := content.Default(z)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range contentStrings(c) {
		for line := range strings.SplitSeq(s, "\n") {
			for sentence := range strings.SplitSeq(line, ". ") {
				if strings.TrimSpace(sentence) == "" {
					continue
				}
				n++
				if r := f.Message(sentence); r != moderation.OK {
					t.Errorf("Message(%q) = %v; the fair's own text must pass", sentence, r)
				}
			}
		}
	}
	if n < 1000 {
		t.Fatalf("only %d sentences read from the contents", n)
	}
	t.Logf("%d sentences of the contents pass", n)
}

// contentStrings lists the French texts of a content set.
func contentStrings(c *content.Set) []string {
	var out []string
	for _, s := range c.Sectors {
		out = append(out, s.Name)
	}
	for _, b := range c.Booths {
		out = append(out, b.Name, b.Company)
	}
	for _, j := range c.Jobs {
		out = append(out, j.Feminine, j.Masculine, j.Description)
	}
	for _, ct := range c.Contents {
		out = append(out, ct.Title, ct.Text)
		if ct.Image != nil {
			out = append(out, ct.Image.Alt)
		}
		if ct.Speaker != nil {
			out = append(out, ct.Speaker.Name)
		}
		for _, st := range ct.Steps {
			out = append(out, st.Caption)
		}
		for _, q := range ct.Questions {
			out = append(out, q.Prompt, q.Explanation)
			for _, ch := range q.Choices {
				out = append(out, ch.Text)
			}
		}
		if ct.Questionnaire != nil {
			for _, q := range ct.Questionnaire.Questions {
				out = append(out, q.Prompt)
				for _, ch := range q.Choices {
					out = append(out, ch.Text)
				}
			}
		}
	}
	return out
}
