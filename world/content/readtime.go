package content

import (
	"strings"
	"time"
	"unicode"
)

// ReadingTime returns how long a content must stay open before its points
// count, so that a script cannot collect points faster than a pupil reads:
// words at WordsPerMinute (300 ms a word), plus the length of a video or
// audio file, bounded to [MinReadingTime, MaxReadingTime].
// A negative media length counts as zero.
func ReadingTime(words int, media time.Duration) time.Duration {
	t := time.Duration(max(words, 0))*time.Minute/WordsPerMinute + max(media, 0)
	return min(max(t, MinReadingTime), MaxReadingTime)
}

// ReadingTime is ReadingTime(c.Words(), c.MediaLength()).
func (c *Content) ReadingTime() time.Duration {
	return ReadingTime(c.Words(), c.MediaLength())
}

// MediaLength is the length of the content's video or audio, taken from
// its captions (the end of the last cue) by Load; zero for other kinds and
// for a Content not made by Load.
func (c *Content) MediaLength() time.Duration { return c.mediaLength }

// Words counts what a visitor reads before answering anything: the title,
// the text, the steps' captions, and the prompts and choices of the quiz
// or the questionnaire (not the explanations, which come after an answer,
// nor alt texts).
func (c *Content) Words() int {
	n := CountWords(c.Title) + CountWords(c.Text)
	for _, s := range c.Steps {
		n += CountWords(s.Caption)
	}
	for _, q := range c.Questions {
		n += CountWords(q.Prompt)
		for _, ch := range q.Choices {
			n += CountWords(ch.Text)
		}
	}
	if c.Questionnaire != nil {
		for _, q := range c.Questionnaire.Questions {
			n += CountWords(q.Prompt)
			for _, ch := range q.Choices {
				n += CountWords(ch.Text)
			}
		}
	}
	return n
}

// CountWords counts the words of a French text: runs between spaces that
// hold at least one letter or digit ("l'usine" is one word, « : » none).
func CountWords(s string) int {
	n := 0
	for _, f := range strings.Fields(s) {
		if strings.IndexFunc(f, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			n++
		}
	}
	return n
}
