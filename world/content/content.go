package content

import (
	"io/fs"
	"time"
)

// Kind is what a content is, which decides the fields it must have.
type Kind string

// The kinds of content. Their keys are French, as organisers write them.
const (
	KindArticle       Kind = "article"       // text and an image
	KindTemoignage    Kind = "temoignage"    // a person speaks in the first person, with a portrait
	KindVisite        Kind = "visite"        // a virtual tour: steps of an image and a caption
	KindVideo         Kind = "video"         // a same-origin video file with WebVTT captions
	KindAudio         Kind = "audio"         // a same-origin audio file with WebVTT captions
	KindQuiz          Kind = "quiz"          // questions with scored answers and explanations
	KindQuestionnaire Kind = "questionnaire" // « Quel métier est fait pour toi ? »: answers lead to jobs
)

// Kinds lists every kind in the order docs/CONTENTS.md presents them.
func Kinds() []Kind {
	return []Kind{KindArticle, KindTemoignage, KindVisite, KindVideo, KindAudio, KindQuiz, KindQuestionnaire}
}

// Speaker genders and roles (the keys of Speaker.Gender and Speaker.Role).
const (
	GenderFemale = "f"
	GenderMale   = "m"

	RoleProfessional = "professionnel" // works in the industry
	RoleApprentice   = "apprenti"      // learns a trade in alternance (school and company)
	RoleStudent      = "etudiant"      // a student: BTS, BUT, engineering school
)

// Set is a loaded and validated contents file: the one form the server
// uses. It is immutable once loaded and safe for concurrent use by any
// number of goroutines; the pointers its methods return are into its own
// slices: read them, never modify them.
type Set struct {
	Version  int       `json:"version"`
	Sectors  []Sector  `json:"sectors"`
	Booths   []Booth   `json:"booths"`
	Jobs     []Job     `json:"jobs"`
	Contents []Content `json:"contents"`

	contents map[string]int // hotspot id -> index in Contents
	booths   map[string]int
	jobs     map[string]int
	sectors  map[string]int
	media    fs.FS // the media folder next to the file, or nil
}

// Sector is an industrial sector, the key a booth's map object carries.
type Sector struct {
	ID   string `json:"id"`   // the map's sector key: "aero"
	Name string `json:"name"` // French display name: "Aéronautique"
}

// Booth is a company stand: the texts the map no longer carries.
type Booth struct {
	ID      string `json:"id"`      // the map's booth id: "b-01"
	Sector  string `json:"sector"`  // must be the map's sector of that booth
	Name    string `json:"name"`    // the stand's own French name, unique in the fair
	Company string `json:"company"` // a fictional company (no real brand: the fair does no advertising)
}

// Job is a job of the industry, named in the feminine and the masculine so
// that pages show every job to everyone. Like every type of this package
// but Set, it is a plain value: safe to read from many goroutines, never
// to be modified once it belongs to a loaded Set.
type Job struct {
	ID          string `json:"id"`          // "soudeur"
	Feminine    string `json:"feminine"`    // "soudeuse"
	Masculine   string `json:"masculine"`   // "soudeur"
	Description string `json:"description"` // one or two short French sentences
	// Technical is true for production, maintenance, engineering and
	// laboratory jobs: the jobs the fair most wants girls to discover.
	Technical bool `json:"technical"`
}

// Name returns the job's name in the gender of a speaker ("f" or "m");
// any other value gives both forms, feminine first: "soudeuse ou soudeur".
func (j *Job) Name(gender string) string {
	switch {
	case gender == GenderFemale:
		return j.Feminine
	case gender == GenderMale:
		return j.Masculine
	case j.Feminine == j.Masculine:
		return j.Feminine
	}
	return j.Feminine + " ou " + j.Masculine
}

// Content is what one hotspot shows. Which of the optional fields are
// required depends on Kind (docs/CONTENTS.md, "Kinds"). A Content in a
// loaded Set is read-only and safe for concurrent use; Public returns a
// copy that may be changed.
type Content struct {
	Hotspot   string `json:"hotspot"`   // the zone's hotspot id: "h-042"
	Kind      Kind   `json:"kind"`      // see Kinds
	Challenge string `json:"challenge"` // must be the hotspot's challenge
	Title     string `json:"title"`     // French, unique in the file
	// Text is plain French text (no HTML or Markdown); paragraphs are
	// separated by a blank line. For a témoignage it is what the speaker
	// says, in the first person; for the other kinds it introduces them.
	Text   string `json:"text"`
	Points int    `json:"points"` // earned once per visitor for opening it (1 to MaxPoints)

	Image   *Image   `json:"image,omitempty"`   // article (required); visite, quiz, questionnaire (optional)
	Jobs    []string `json:"jobs,omitempty"`    // ids of jobs the content talks about
	Speaker *Speaker `json:"speaker,omitempty"` // temoignage only, required
	Steps   []Step   `json:"steps,omitempty"`   // visite only, required
	Media   *Media   `json:"media,omitempty"`   // video and audio only, required
	// Questions are the quiz's questions (quiz only, required).
	Questions     []Question     `json:"questions,omitempty"`
	Questionnaire *Questionnaire `json:"questionnaire,omitempty"` // questionnaire only, required

	mediaLength time.Duration // the end of the captions' last cue, set by Load
}

// Image is a same-origin picture with its text alternative.
type Image struct {
	Src string `json:"src"` // "/media/<path>": a .svg, .png, .jpg or .webp file in the media folder
	Alt string `json:"alt"` // what the picture shows, for screen readers
}

// Speaker is who speaks in a témoignage: a fictional person.
type Speaker struct {
	Name     string `json:"name"`          // a first name
	Gender   string `json:"gender"`        // GenderFemale or GenderMale
	Role     string `json:"role"`          // RoleProfessional, RoleApprentice or RoleStudent
	Job      string `json:"job"`           // id in the jobs list: the job done or learnt
	Age      int    `json:"age,omitempty"` // 0 means not given
	Portrait Image  `json:"portrait"`      // a drawn portrait (never a photo of a real person)
}

// Step is one stop of a visite.
type Step struct {
	Image   Image  `json:"image"`
	Caption string `json:"caption"`
}

// Media is an organiser-provided video or audio file and its captions.
type Media struct {
	Src      string `json:"src"`              // "/media/<path>": .mp4 or .webm (video); .mp3, .ogg, .oga, .opus, .m4a or .wav (audio)
	Captions string `json:"captions"`         // "/media/<path>.vtt": WebVTT captions, required
	Poster   *Image `json:"poster,omitempty"` // video only: the picture shown before playing
}

// Question is a quiz question.
type Question struct {
	Prompt  string   `json:"prompt"`
	Choices []Choice `json:"choices"`
	// Multiple allows several right choices, all of which must be picked;
	// by default exactly one choice is right.
	Multiple    bool   `json:"multiple,omitempty"`
	Explanation string `json:"explanation,omitempty"` // shown after answering, right or wrong
	Points      int    `json:"points"`                // earned once for a right answer (1 to MaxQuestionPoints)
}

// Choice is one answer a quiz question offers.
type Choice struct {
	Text  string `json:"text"`
	Right bool   `json:"right,omitempty"`
}

// Questionnaire is « Quel métier est fait pour toi ? »: questions without
// right answers, each choice pointing to jobs. Set.Match scores it.
type Questionnaire struct {
	Results   int                     `json:"results"` // how many jobs the end shows (1 to MaxResults)
	Questions []QuestionnaireQuestion `json:"questions"`
}

// QuestionnaireQuestion is one question of the questionnaire.
type QuestionnaireQuestion struct {
	Prompt  string                `json:"prompt"`
	Choices []QuestionnaireChoice `json:"choices"`
}

// QuestionnaireChoice is one answer; picking it gives one point to each of
// its jobs.
type QuestionnaireChoice struct {
	Text string   `json:"text"`
	Jobs []string `json:"jobs"` // ids in the jobs list
}

// Content returns the content of the hotspot with the given id.
func (s *Set) Content(hotspot string) (*Content, bool) {
	i, ok := s.contents[hotspot]
	if !ok {
		return nil, false
	}
	return &s.Contents[i], true
}

// Booth returns the stand with the given booth id.
func (s *Set) Booth(id string) (*Booth, bool) {
	i, ok := s.booths[id]
	if !ok {
		return nil, false
	}
	return &s.Booths[i], true
}

// Job returns the job with the given id.
func (s *Set) Job(id string) (*Job, bool) {
	i, ok := s.jobs[id]
	if !ok {
		return nil, false
	}
	return &s.Jobs[i], true
}

// Sector returns the sector with the given key.
func (s *Set) Sector(id string) (*Sector, bool) {
	i, ok := s.sectors[id]
	if !ok {
		return nil, false
	}
	return &s.Sectors[i], true
}

// Media returns the contents' media folder: "/media/x/y.svg" is the file
// "x/y.svg" in it, so a server can do
// http.StripPrefix("/media/", http.FileServerFS(s.Media())).
// It returns an empty file system when the file has no media folder.
func (s *Set) Media() fs.FS {
	if s.media == nil {
		return emptyFS{}
	}
	return s.media
}

// emptyFS is a file system with no files.
type emptyFS struct{}

func (emptyFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}
