package content

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// validator checks a decoded Set against a zone, collecting every problem,
// and builds the Set's indexes.
type validator struct {
	s     *Set
	z     *zone.Zone
	media mediaChecker
	probs problems
}

func (v *validator) validate() {
	s := v.s
	switch {
	case s.Version == 0:
		v.probs.add("file", "missing version (want %d)", Version)
	case s.Version != Version:
		v.probs.add("file", "version %d is not supported (want %d)", s.Version, Version)
	}
	v.sectors()
	v.booths()
	v.jobs()
	v.contents()
}

// tooMany reports a list longer than MaxEntries; its entries are then not
// checked one by one.
func (v *validator) tooMany(list string, n int) bool {
	if n > MaxEntries {
		v.probs.add("file", "%d %s, more than %d", n, list, MaxEntries)
		return true
	}
	return false
}

// entryName names entry i (from 0) of a list by its id when usable.
func entryName(kind, id string, i int) string {
	if id != "" && len(id) <= MaxIDBytes && !strings.ContainsFunc(id, notIDRune) {
		return kind + " " + id
	}
	return fmt.Sprintf("%s #%d", kind, i+1)
}

func notIDRune(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }

// id reports an id that is missing, too long or has spaces, and one
// already seen (seen maps an id to its entry's index + 1); i is the entry's
// index.
func (v *validator) id(obj, field, id string, i int, seen map[string]int) bool {
	switch {
	case id == "":
		v.probs.add(obj, "missing %s", field)
	case len(id) > MaxIDBytes || strings.ContainsFunc(id, notIDRune):
		v.probs.add(obj, "%s must be at most %d bytes without spaces", field, MaxIDBytes)
	case seen[id] != 0:
		v.probs.add(obj, "listed twice (entries %d and %d)", seen[id], i+1)
	default:
		seen[id] = i + 1
		return true
	}
	return false
}

// line checks a one-line text field; text a multi-line one.
func (v *validator) line(obj, field, s string, limit int, required bool) bool {
	if strings.Contains(s, "\n") {
		v.probs.add(obj, "%s must be one line", field)
		return false
	}
	return v.text(obj, field, s, limit, required)
}

func (v *validator) text(obj, field, s string, limit int, required bool) bool {
	switch {
	case strings.TrimSpace(s) == "":
		if required {
			v.probs.add(obj, "missing %s", field)
			return false
		}
	case len(s) > limit:
		v.probs.add(obj, "%s longer than %d bytes", field, limit)
	case strings.ContainsRune(s, '\uFFFD'):
		v.probs.add(obj, "%s is not valid UTF-8 text", field)
	case strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }):
		v.probs.add(obj, "%s contains a control character", field)
	case strings.ContainsAny(s, "\u00B7\u2027"):
		v.probs.add(obj, "%s uses a point médian (·): write both forms or a neutral word", field)
	case strings.Contains(s, "<"):
		v.probs.add(obj, `%s contains "<": texts are plain text, not HTML`, field)
	default:
		return true
	}
	return false
}

func (v *validator) sectors() {
	s := v.s
	s.sectors = map[string]int{}
	if v.tooMany("sectors", len(s.Sectors)) {
		return
	}
	seen := map[string]int{}
	for i, sec := range s.Sectors {
		obj := entryName("sector", sec.ID, i)
		if v.id(obj, "id", sec.ID, i, seen) {
			s.sectors[sec.ID] = i
		}
		v.line(obj, "name", sec.Name, MaxTitleBytes, true)
	}
}

func (v *validator) booths() {
	s := v.s
	s.booths = map[string]int{}
	if v.tooMany("booths", len(s.Booths)) {
		return
	}
	seen := map[string]int{}
	names := map[string]string{}
	companies := map[string]string{}
	for i, b := range s.Booths {
		obj := entryName("booth", b.ID, i)
		if !v.id(obj, "id", b.ID, i, seen) {
			continue
		}
		s.booths[b.ID] = i
		zb, inZone := v.z.Booth(b.ID)
		if !inZone {
			v.probs.add(obj, "not a booth of the zone")
		}
		switch {
		case b.Sector == "":
			v.probs.add(obj, "missing sector")
		case !v.hasSector(b.Sector):
			v.probs.add(obj, "sector %q is not in the sectors list", b.Sector)
		case inZone && zb.Sector != b.Sector:
			v.probs.add(obj, "sector %q, the map says %q", b.Sector, zb.Sector)
		}
		if v.line(obj, "name", b.Name, MaxTitleBytes, true) {
			v.unique(obj, "name", b.Name, names)
		}
		if v.line(obj, "company", b.Company, MaxTitleBytes, true) {
			v.unique(obj, "company", b.Company, companies)
		}
	}
	for _, zb := range v.z.Booths {
		if _, ok := s.booths[zb.ID]; !ok {
			v.probs.add("booth "+zb.ID, "missing: every booth of the zone needs an entry (name, company)")
		}
	}
}

// unique reports a text already used by another entry (compared without
// case or repeated spaces).
func (v *validator) unique(obj, field, text string, seen map[string]string) {
	k := strings.Join(strings.Fields(strings.ToLower(text)), " ")
	if other := seen[k]; other != "" {
		v.probs.add(obj, "same %s as %s", field, strings.TrimPrefix(strings.TrimPrefix(other, "booth "), "content "))
		return
	}
	seen[k] = obj
}

func (v *validator) jobs() {
	s := v.s
	s.jobs = map[string]int{}
	if v.tooMany("jobs", len(s.Jobs)) {
		return
	}
	seen := map[string]int{}
	for i, j := range s.Jobs {
		obj := entryName("job", j.ID, i)
		if v.id(obj, "id", j.ID, i, seen) {
			s.jobs[j.ID] = i
		}
		v.line(obj, "feminine", j.Feminine, MaxTitleBytes, true)
		v.line(obj, "masculine", j.Masculine, MaxTitleBytes, true)
		v.text(obj, "description", j.Description, MaxShortBytes, true)
	}
}

func (v *validator) hasSector(id string) bool {
	_, ok := v.s.sectors[id]
	return ok
}

func (v *validator) hasJob(id string) bool {
	_, ok := v.s.jobs[id]
	return ok
}

func (v *validator) contents() {
	s := v.s
	s.contents = map[string]int{}
	if v.tooMany("contents", len(s.Contents)) {
		return
	}
	seen := map[string]int{}
	titles := map[string]string{}
	challenges := zone.Challenges()
	for i := range s.Contents {
		c := &s.Contents[i]
		obj := entryName("content", c.Hotspot, i)
		if v.id(obj, "hotspot", c.Hotspot, i, seen) {
			s.contents[c.Hotspot] = i
		}
		h, inZone := v.z.Hotspot(c.Hotspot)
		if c.Hotspot != "" && !inZone {
			v.probs.add(obj, "no hotspot with this id in the zone")
		}
		switch {
		case c.Challenge == "":
			v.probs.add(obj, "missing challenge")
		case !slices.Contains(challenges, c.Challenge):
			v.probs.add(obj, "unknown challenge %q, want one of %s", c.Challenge, strings.Join(challenges, ", "))
		case inZone && h.Challenge != c.Challenge:
			v.probs.add(obj, "challenge %q, the hotspot's is %q", c.Challenge, h.Challenge)
		}
		if v.line(obj, "title", c.Title, MaxTitleBytes, true) {
			v.unique(obj, "title", c.Title, titles)
		}
		v.text(obj, "text", c.Text, MaxTextBytes, true)
		if c.Points < 1 || c.Points > MaxPoints {
			v.probs.add(obj, "points %d out of [1, %d]", c.Points, MaxPoints)
		}
		v.contentJobs(obj, c.Jobs)
		v.kind(obj, c)
	}
	for _, h := range v.z.Hotspots {
		if _, ok := s.contents[h.ID]; !ok {
			v.probs.add("content "+h.ID, "missing: every hotspot of the zone needs a content")
		}
	}
}

func (v *validator) contentJobs(obj string, jobs []string) {
	if len(jobs) > MaxJobsPerContent {
		v.probs.add(obj, "%d jobs, more than %d", len(jobs), MaxJobsPerContent)
		return
	}
	for i, j := range jobs {
		switch {
		case !v.hasJob(j):
			v.probs.add(obj, "job %q is not in the jobs list", j)
		case slices.Contains(jobs[:i], j):
			v.probs.add(obj, "job %q listed twice", j)
		}
	}
}

// kind checks the fields that depend on the content's kind: those it needs
// and those it must not have.
func (v *validator) kind(obj string, c *Content) {
	k := c.Kind
	if k == "" {
		v.probs.add(obj, "missing kind")
		return
	}
	if !slices.Contains(Kinds(), k) {
		names := make([]string, 0, len(Kinds()))
		for _, k := range Kinds() {
			names = append(names, string(k))
		}
		v.probs.add(obj, "unknown kind %q, want one of %s", k, strings.Join(names, ", "))
		return
	}
	// field reports a kind-specific field that is missing or out of place;
	// it returns whether the field should be checked.
	field := func(present bool, owner Kind, owner2 Kind, need string, name string) bool {
		mine := k == owner || k == owner2
		switch {
		case mine && !present:
			v.probs.add(obj, "kind %s needs %s", k, need)
		case !mine && present:
			v.probs.add(obj, "%s only for kind %s", name, kindNames(owner, owner2))
		}
		return mine && present
	}
	if field(c.Speaker != nil, KindTemoignage, "", "a speaker", "speaker is") {
		v.speaker(obj, c.Speaker)
	}
	if field(len(c.Steps) > 0, KindVisite, "", "steps", "steps are") {
		v.steps(obj, c.Steps)
	}
	if field(c.Media != nil, KindVideo, KindAudio, "media (a file and its captions)", "media is") {
		c.mediaLength = v.mediaEntry(obj, k, c.Media)
	}
	if field(len(c.Questions) > 0, KindQuiz, "", "questions", "questions are") {
		v.quiz(obj, c.Questions)
	}
	if field(c.Questionnaire != nil, KindQuestionnaire, "", "a questionnaire", "questionnaire is") {
		v.questionnaire(obj, c.Questionnaire)
	}
	switch {
	case c.Image == nil && k == KindArticle:
		v.probs.add(obj, "kind article needs an image")
	case c.Image != nil && k == KindTemoignage:
		v.probs.add(obj, "image is not used by kind temoignage: the picture is speaker.portrait")
	case c.Image != nil && k == KindVideo:
		v.probs.add(obj, "image is not used by kind video: the picture is media.poster")
	case c.Image != nil:
		v.image(obj, "image", *c.Image)
	}
}

func kindNames(a, b Kind) string {
	if b == "" {
		return string(a)
	}
	return string(a) + " and " + string(b)
}

func (v *validator) image(obj, field string, im Image) {
	v.media.check(&v.probs, obj, field, im.Src, imageTypes())
	v.line(obj, field+" alt", im.Alt, MaxShortBytes, true)
}

func (v *validator) speaker(obj string, sp *Speaker) {
	v.line(obj, "speaker name", sp.Name, MaxNameBytes, true)
	if sp.Gender != GenderFemale && sp.Gender != GenderMale {
		v.probs.add(obj, "speaker gender %q, want %s or %s", sp.Gender, GenderFemale, GenderMale)
	}
	switch sp.Role {
	case RoleProfessional, RoleApprentice, RoleStudent:
	default:
		v.probs.add(obj, "speaker role %q, want %s, %s or %s", sp.Role, RoleProfessional, RoleApprentice, RoleStudent)
	}
	switch {
	case sp.Job == "":
		v.probs.add(obj, "missing speaker job")
	case !v.hasJob(sp.Job):
		v.probs.add(obj, "speaker job %q is not in the jobs list", sp.Job)
	}
	if sp.Age != 0 && (sp.Age < MinAge || sp.Age > MaxAge) {
		v.probs.add(obj, "speaker age %d out of [%d, %d]", sp.Age, MinAge, MaxAge)
	}
	v.image(obj, "speaker portrait", sp.Portrait)
}

func (v *validator) steps(obj string, steps []Step) {
	if len(steps) < MinSteps || len(steps) > MaxSteps {
		v.probs.add(obj, "visite has %d steps, want %d to %d", len(steps), MinSteps, MaxSteps)
		if len(steps) > MaxSteps {
			return
		}
	}
	for i, st := range steps {
		n := fmt.Sprintf("step %d", i+1)
		v.image(obj, n+" image", st.Image)
		v.text(obj, n+" caption", st.Caption, MaxShortBytes, true)
	}
}

func (v *validator) quiz(obj string, qs []Question) {
	if len(qs) > MaxQuizQuestions {
		v.probs.add(obj, "quiz has %d questions, more than %d", len(qs), MaxQuizQuestions)
		return
	}
	for i, q := range qs {
		n := fmt.Sprintf("quiz question %d", i+1)
		v.text(obj, n+" prompt", q.Prompt, MaxShortBytes, true)
		if len(q.Choices) < MinChoices || len(q.Choices) > MaxChoices {
			v.probs.add(obj, "%s has %d choices, want %d to %d", n, len(q.Choices), MinChoices, MaxChoices)
		}
		right := 0
		texts := map[string]string{}
		for j, ch := range q.Choices[:min(len(q.Choices), MaxChoices)] {
			cn := fmt.Sprintf("%s choice %d", n, j+1)
			if v.line(obj, cn, ch.Text, MaxShortBytes, true) {
				k := strings.ToLower(strings.TrimSpace(ch.Text))
				if other := texts[k]; other != "" {
					v.probs.add(obj, "%s is the same as %s", cn, other)
				}
				texts[k] = fmt.Sprintf("choice %d", j+1)
			}
			if ch.Right {
				right++
			}
		}
		switch {
		case right == 0:
			v.probs.add(obj, "%s has no right answer", n)
		case right > 1 && !q.Multiple:
			v.probs.add(obj, "%s has %d right answers: mark one, or set multiple", n, right)
		case q.Multiple && right == len(q.Choices):
			v.probs.add(obj, "%s: every choice is right", n)
		}
		v.text(obj, n+" explanation", q.Explanation, MaxExplanationBytes, true)
		if q.Points < 1 || q.Points > MaxQuestionPoints {
			v.probs.add(obj, "%s points %d out of [1, %d]", n, q.Points, MaxQuestionPoints)
		}
	}
}

func (v *validator) questionnaire(obj string, q *Questionnaire) {
	if q.Results < 1 || q.Results > MaxResults {
		v.probs.add(obj, "questionnaire results %d out of [1, %d]", q.Results, MaxResults)
	}
	if len(q.Questions) < MinQuestionnaire || len(q.Questions) > MaxQuestionnaire {
		v.probs.add(obj, "questionnaire has %d questions, want %d to %d", len(q.Questions), MinQuestionnaire, MaxQuestionnaire)
		if len(q.Questions) > MaxQuestionnaire {
			return
		}
	}
	named := map[string]bool{}
	for i, qq := range q.Questions {
		n := fmt.Sprintf("questionnaire question %d", i+1)
		v.text(obj, n+" prompt", qq.Prompt, MaxShortBytes, true)
		if len(qq.Choices) < MinChoices || len(qq.Choices) > MaxChoices {
			v.probs.add(obj, "%s has %d choices, want %d to %d", n, len(qq.Choices), MinChoices, MaxChoices)
		}
		for j, ch := range qq.Choices[:min(len(qq.Choices), MaxChoices)] {
			cn := fmt.Sprintf("%s choice %d", n, j+1)
			v.line(obj, cn, ch.Text, MaxShortBytes, true)
			switch {
			case len(ch.Jobs) == 0:
				v.probs.add(obj, "%s names no job", cn)
			case len(ch.Jobs) > MaxJobsPerContent:
				v.probs.add(obj, "%s names %d jobs, more than %d", cn, len(ch.Jobs), MaxJobsPerContent)
				continue
			}
			for k, jid := range ch.Jobs {
				switch {
				case !v.hasJob(jid):
					v.probs.add(obj, "%s: job %q is not in the jobs list", cn, jid)
				case slices.Contains(ch.Jobs[:k], jid):
					v.probs.add(obj, "%s: job %q listed twice", cn, jid)
				default:
					named[jid] = true
				}
			}
		}
	}
	if q.Results >= 1 && len(q.Questions) >= MinQuestionnaire && len(named) < q.Results {
		v.probs.add(obj, "questionnaire shows %d jobs but its choices name only %d", q.Results, len(named))
	}
}

// mediaEntry checks a video or audio entry and returns the media's length
// (from its captions).
func (v *validator) mediaEntry(obj string, k Kind, m *Media) time.Duration {
	t := videoTypes()
	if k == KindAudio {
		t = audioTypes()
	}
	v.media.check(&v.probs, obj, "media", m.Src, t)
	length := v.media.captions(&v.probs, obj, m.Captions)
	if m.Poster != nil {
		if k != KindVideo {
			v.probs.add(obj, "media poster only for kind video")
		} else {
			v.image(obj, "media poster", *m.Poster)
		}
	}
	return length
}
