package content

import (
	"testing"
)

// FuzzLoad feeds arbitrary bytes to Load as a contents file for testZone,
// beside the valid media. Whatever the input, Load must return a set or an
// error, never panic, and a set it returns must be consistent.
func FuzzLoad(f *testing.F) {
	good, err := jsonOf(validSet())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"version": 1}`))
	f.Add([]byte(`{"version": 1, "contents": [{"hotspot": "h-001", "kind": "quiz", "questions": [{"choices": [{}]}]}]}`))
	f.Add([]byte(`{"version": 1, "contents": [{"hotspot": "h-005", "kind": "questionnaire", "questionnaire": {"questions": [{"choices": [{"jobs": ["x"]}]}]}}]}`))
	f.Add([]byte(`{"contents": [{"kind": "video", "media": {"src": "/media/tiny.webm", "captions": "/media/../x.vtt", "poster": {}}}]}`))
	f.Add([]byte(`[`))
	media := testMedia(f)
	z := testZone()
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := loadBytes(data, media)
		if err != nil {
			if s != nil {
				t.Fatal("set and error both returned")
			}
			if len(Problems(err)) == 0 {
				t.Fatalf("error without a *content.Error: %v", err)
			}
			return
		}
		for _, h := range z.Hotspots {
			c, ok := s.Content(h.ID)
			if !ok || c.Challenge != h.Challenge {
				t.Fatalf("hotspot %s: content %v", h.ID, ok)
			}
			_ = c.ReadingTime()
			_ = c.Public()
			if c.Kind == KindQuiz {
				for i := range c.Questions {
					if _, _, err := c.Check(i, []int{0}); err != nil {
						t.Fatalf("%s question %d: %v", h.ID, i, err)
					}
				}
			}
			if c.Kind == KindQuestionnaire {
				answers := make([]int, len(c.Questionnaire.Questions))
				if _, err := s.Match(c, answers); err != nil {
					t.Fatalf("%s: %v", h.ID, err)
				}
			}
		}
		if len(s.Contents) != len(z.Hotspots) {
			t.Fatalf("%d contents for %d hotspots", len(s.Contents), len(z.Hotspots))
		}
	})
}
